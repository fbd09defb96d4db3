import Testing
@testable import FollowThroughCore

@Suite struct PreVisitRuleTests {
    /// Which technicians get a summary, for a visit `dayOffset` days after as-of and a given look-ahead.
    @Test(arguments: [
        (0, 1, false),   // today: already under way
        (1, 1, true),    // tomorrow
        (2, 1, false),   // the day after: outside a one-day window
        (2, 2, true),
        (3, 2, false),
        (-1, 1, false),  // past visits still marked scheduled
    ])
    func windowBoundaries(dayOffset: Int, lookahead: Int, expected: Bool) {
        let plan = F.plan([F.visit("W1", site: "A", at: F.day(dayOffset))], [F.rec("R1", site: "A")],
                          settings: RuleSettings(lookaheadDays: lookahead))
        #expect((plan.summaries.count == 1) == expected)
    }

    @Test func visitJustBeforeAndAfterMidnightOfTheWindow() {
        let plan = F.plan([F.visit("late", site: "A", at: F.day(1, 23, 59)), F.visit("next", site: "A", at: F.day(2, 0, 0))],
                          [F.rec("R1", site: "A")])
        #expect(plan.summaries.first?.visits.map(\.workOrder.id) == ["late"])
    }

    @Test func technicianWithNothingOpenAtTheirSitesGetsNoSummary() {
        let plan = F.plan([F.visit("W1", site: "A", tech: "T1", at: F.day(1)), F.visit("W2", site: "B", tech: "T2", at: F.day(1))],
                          [F.rec("R1", site: "A"), F.rec("R2", site: "B", status: .accepted)])
        #expect(plan.summaries.map(\.technician.id) == ["T1"])
    }

    @Test func visitsInTimeOrderWithQuietVisitsCounted() {
        let plan = F.plan([F.visit("pm", site: "B", at: F.day(1, 14)), F.visit("am", site: "A", at: F.day(1, 8)),
                           F.visit("quiet", site: "C", at: F.day(1, 11))],
                          [F.rec("R1", site: "A"), F.rec("R2", site: "B")], settings: RuleSettings())
        let summary = plan.summaries[0]
        #expect(summary.visits.map(\.workOrder.id) == ["am", "pm"])
        #expect(summary.otherVisits == 1)
    }

    @Test func criticalFirstThenOldest() {
        let plan = F.plan([F.visit("W1", site: "A", at: F.day(1))], [
            F.rec("old-normal", site: "A", priority: .normal, created: -200),
            F.rec("new-critical", site: "A", priority: .critical, created: -2),
            F.rec("new-normal", site: "A", priority: .normal, created: -5),
            F.rec("low", site: "A", priority: .low, created: -300),
        ])
        #expect(plan.summaries[0].visits[0].items.map(\.recommendation.id) == ["new-critical", "old-normal", "new-normal", "low"])
    }

    @Test func itemCarriesAgeAndPeople() {
        let plan = F.plan([F.visit("W1", site: "A", at: F.day(1))], [F.rec("R1", site: "A", created: -196, by: "T2", owner: "S2")])
        let item = plan.summaries[0].visits[0].items[0]
        #expect(item.ageDays == 196)
        #expect(item.recommendedBy?.name == "Bruno Costa")
        #expect(item.salesOwner?.name == "Émile Tremblay")
    }

    @Test(arguments: [(365, 1, 0), (366, 0, 1)])
    func recommendationsOverMaxAgeAreCountedNotListed(age: Int, listed: Int, counted: Int) {
        let plan = F.plan([F.visit("W1", site: "A", at: F.day(1))], [F.rec("R1", site: "A", created: -age), F.rec("R2", site: "A")])
        #expect(plan.summaries[0].visits[0].items.count == listed + 1)
        #expect(plan.summaries[0].visits[0].olderNotListed == counted)
    }

    @Test func technicianWithoutEmailIsReportedNotSent() {
        let plan = F.plan([F.visit("W1", site: "A", tech: "T3", at: F.day(1)), F.visit("W2", site: "A", tech: "T9", at: F.day(1))],
                          [F.rec("R1", site: "A")])
        #expect(plan.summaries.isEmpty)
        #expect(plan.unreachable.count == 2)
        #expect(plan.unreachable[0].contains("T3"))
    }

    @Test func oneSummaryPerTechnicianAcrossSeveralDays() {
        let plan = F.plan([F.visit("d1", site: "A", at: F.day(1)), F.visit("d3", site: "B", at: F.day(3))],
                          [F.rec("R1", site: "A"), F.rec("R2", site: "B")], settings: RuleSettings(lookaheadDays: 3))
        #expect(plan.summaries.count == 1)
        #expect(plan.summaries[0].visits.map(\.workOrder.id) == ["d1", "d3"])
    }

    @Test(arguments: [["R2", "R10", "R1"], ["R10", "R1", "R2"]])
    func equalRankIsOrderedByIDWhateverTheFileOrder(ids: [String]) {
        let plan = F.plan([F.visit("W1", site: "A", at: F.day(1))], ids.map { F.rec($0, site: "A", priority: .high) })
        #expect(plan.summaries[0].visits[0].items.map(\.recommendation.id) == ["R1", "R10", "R2"])
    }

    @Test func visitsAtTheSameHourAreOrderedByID() {
        let plan = F.plan([F.visit("W2", site: "B", at: F.day(1)), F.visit("W10", site: "A", at: F.day(1))],
                          [F.rec("R1", site: "A"), F.rec("R2", site: "B")])
        #expect(plan.summaries[0].visits.map(\.workOrder.id) == ["W10", "W2"])
    }
}

import Testing
@testable import FollowThroughCore

@Suite struct StaleLeadRuleTests {
    @Test(arguments: [(-14, 14, true), (-13, 14, false), (-100, 14, true), (0, 0, true), (-7, 7, true), (-6, 7, false)])
    func staleFromTheThresholdDayOn(activity: Int, threshold: Int, stale: Bool) {
        let plan = F.plan([F.done("W", site: "A")], [F.rec("R1", site: "A", created: -200, activity: activity)],
                          settings: RuleSettings(staleAfterDays: threshold))
        #expect((plan.digests.first?.leads.count == 1) == stale)
        #expect(plan.stats.stale == (stale ? 1 : 0))
    }

    @Test func lastActivityDefaultsToCreation() {
        let plan = F.plan([F.done("W", site: "A")], [F.rec("R1", site: "A", created: -20), F.rec("R2", site: "A", created: -3)])
        #expect(plan.digests[0].leads.map(\.recommendation.id) == ["R1"])
    }

    @Test func closedRecommendationsAreNeverStale() {
        let plan = F.plan([F.done("W", site: "A", resolves: ["R2"])],
                          [F.rec("R1", site: "A", status: .declined), F.rec("R2", site: "A"), F.rec("R3", site: "A", status: .accepted)])
        #expect(plan.digests.isEmpty)
    }

    @Test(arguments: [("", true), ("S9", true), ("S3", true), ("S1", false)])
    func leadsWithoutAReachableOwnerGoToTheInbox(owner: String, inbox: Bool) {
        let plan = F.plan([F.done("W", site: "A")], [F.rec("R1", site: "A", owner: owner)])
        #expect((plan.digests[0].recipient == .salesInbox) == inbox)
    }

    @Test func oneDigestPerOwnerInboxLast() {
        let plan = F.plan([F.done("W", site: "A")], [
            F.rec("R1", site: "A", owner: "S2"), F.rec("R2", site: "A", owner: ""), F.rec("R3", site: "A", owner: "S1"),
            F.rec("R4", site: "A", owner: "S1"),
        ])
        let recipients = plan.digests.map { d -> String in
            if case .person(let p) = d.recipient { return p.id }
            return "inbox"
        }
        #expect(recipients == ["S1", "S2", "inbox"])
        #expect(plan.digests[0].leads.count == 2)
    }

    @Test func sortedByPriorityThenValueThenAge() {
        let plan = F.plan([F.done("W", site: "A")], [
            F.rec("low-big", site: "A", priority: .low, value: 900_000),
            F.rec("high-small", site: "A", priority: .high, value: 100),
            F.rec("high-big", site: "A", priority: .high, value: 50_000),
            F.rec("high-small-older", site: "A", priority: .high, value: 100, created: -90),
            F.rec("high-novalue", site: "A", priority: .high),
        ])
        #expect(plan.digests[0].leads.map(\.recommendation.id) == ["high-big", "high-small-older", "high-small", "high-novalue", "low-big"])
    }

    @Test func digestLimitCountsTheRestWithTheirValue() {
        let recs = (1...5).map { F.rec("R\($0)", site: "A", value: Int64($0) * 100_00) }
        let plan = F.plan([F.done("W", site: "A")], recs, settings: RuleSettings(digestLimit: 2))
        let digest = plan.digests[0]
        #expect(digest.leads.map(\.recommendation.id) == ["R5", "R4"])
        #expect(digest.moreCount == 3)
        #expect(digest.moreValueCents == 600_00)
    }

    @Test func leadsOverMaxAgeAreCountedOnly() {
        let plan = F.plan([F.done("W", site: "A")], [F.rec("old", site: "A", value: 4100_00, created: -400), F.rec("R", site: "A")])
        #expect(plan.digests[0].leads.map(\.recommendation.id) == ["R"])
        #expect(plan.digests[0].tooOldCount == 1)
        #expect(plan.digests[0].tooOldValueCents == 4100_00)
    }

    @Test func nextVisitIsTheEarliestAfterToday() {
        let plan = F.plan([F.done("W", site: "A"), F.visit("today", site: "A", tech: "T1", at: F.day(0, 15)),
                           F.visit("later", site: "A", tech: "T1", at: F.day(9)), F.visit("sooner", site: "A", tech: "T2", at: F.day(4)),
                           F.visit("elsewhere", site: "B", tech: "T1", at: F.day(2))],
                          [F.rec("R1", site: "A")])
        let lead = plan.digests[0].leads[0]
        #expect(lead.nextVisit?.id == "sooner")
        #expect(lead.nextVisitTechnician?.name == "Bruno Costa")
    }

    @Test(arguments: [["R2", "R10", "R1"], ["R1", "R2", "R10"], ["R10", "R1", "R2"]])
    func equalRankIsOrderedByIDWhateverTheFileOrder(ids: [String]) {
        let plan = F.plan([F.done("W", site: "A")], ids.map { F.rec($0, site: "A", value: 500) })
        #expect(plan.digests[0].leads.map(\.recommendation.id) == ["R1", "R10", "R2"])
    }

    @Test func nextVisitAtTheSameHourIsTheOneWithTheSmallerID() {
        let plan = F.plan([F.done("W", site: "A"), F.visit("V9", site: "A", tech: "T2", at: F.day(3)),
                           F.visit("V1", site: "A", tech: "T1", at: F.day(3))], [F.rec("R1", site: "A")])
        #expect(plan.digests[0].leads[0].nextVisit?.id == "V1")
    }

    @Test func leadsBeyondTheLimitAreListedByIDInRankOrder() {
        let recs = (1...6).map { F.rec("R\($0)", site: "A", value: Int64(7 - $0) * 100) }
        let plan = F.plan([F.done("W", site: "A")], recs.reversed(), settings: RuleSettings(digestLimit: 2))
        #expect(plan.digests[0].moreIDs == ["R3", "R4", "R5", "R6"])
    }
}

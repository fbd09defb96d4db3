import Testing
@testable import FollowThroughCore

@Suite("Status changes, retry rule, escalation (pure)")
struct FollowUpRuleTests {
    static func dataset(_ recs: [Recommendation], workOrders: [WorkOrder] = [], people: [Person] = F.people) -> Dataset {
        Dataset(people: people, workOrders: workOrders, recommendations: recs)
    }

    @Test func firstRunRecordsStatusesAndAnnouncesNothing() {
        let d = Self.dataset([F.rec("R1", site: "A", status: .quoted)])
        let result = StatusChanges.detect(previous: [:], dataset: d, asOf: F.asOf)
        #expect(result.next.dictionary == ["R1": .quoted])
        #expect(result.changes.isEmpty)
    }

    @Test(arguments: [
        (TrackedStatus.open, RecommendationStatus.quoted, TrackedStatus.quoted),
        (.quoted, .accepted, .accepted),
        (.quoted, .declined, .declined),
        (.accepted, .completed, .completed),
    ])
    func movesAreChangesForTheTechnicianWhoMadeIt(from: TrackedStatus, now: RecommendationStatus, expected: TrackedStatus) {
        let d = Self.dataset([F.rec("R1", site: "A", status: now, by: "T2"), F.rec("R2", site: "A", by: "T1")])
        let result = StatusChanges.detect(previous: ["R1": from, "R2": .open], dataset: d, asOf: F.asOf)
        #expect(result.changes.count == 1)
        #expect(result.changes.first?.recommendedBy == "T2")
        #expect(result.changes.first?.from == from)
        #expect(result.changes.first?.to == expected)
        #expect(result.changes.first?.observedOn == F.asOf)
    }

    @Test func aCompletedWorkOrderResolvesIt() {
        let d = Self.dataset([F.rec("R1", site: "A")], workOrders: [F.done("W1", site: "A", resolves: ["R1"])])
        let result = StatusChanges.detect(previous: ["R1": .open], dataset: d, asOf: F.asOf)
        #expect(result.changes.map(\.to) == [.resolved])
        #expect(TrackedStatus.resolved.phrase == "done by a completed work order")
    }

    @Test func newUnchangedOrOwnerlessRecommendationsAreNotAnnounced() {
        let d = Self.dataset([F.rec("R1", site: "A"), F.rec("R2", site: "A", status: .quoted), F.rec("R3", site: "A", status: .quoted, by: "")])
        let result = StatusChanges.detect(previous: ["R1": .open, "R3": .open, "GONE": .open],
                                          dataset: d, asOf: F.asOf)
        #expect(result.changes.isEmpty)
        #expect(result.next.dictionary == ["R1": .open, "R2": .quoted, "R3": .quoted, "GONE": .open])  // GONE kept as it was
        #expect(result.moved == 1)  // R3; R2 is new
    }

    @Test func severalMovesAreToldAsOneAndARoundTripNotAtAll() {
        func c(_ id: String, _ from: TrackedStatus, _ to: TrackedStatus, _ day: Int, _ store: Int64) -> StatusChange {
            StatusChange(storeID: store, recommendationID: id, recommendedBy: "T1", from: from, to: to, observedOn: F.asOf.adding(days: day))
        }
        let told = StatusChanges.coalesce([c("R1", .quoted, .accepted, 1, 2), c("R1", .open, .quoted, 0, 1),
                                           c("R2", .open, .quoted, 0, 3), c("R2", .quoted, .open, 1, 4)])
        #expect(told.count == 1)
        #expect(told.first?.from == .open && told.first?.to == .accepted)
    }

    @Test func retryRule() {
        let d = F.asOf
        #expect(RetryRule.decide(messageAsOf: d, runAsOf: d, failedPermanently: false, hasNewer: false, retryDays: 2) == .deliver)
        #expect(RetryRule.decide(messageAsOf: d, runAsOf: d.adding(days: 2), failedPermanently: false, hasNewer: false, retryDays: 2) == .deliver)
        #expect(RetryRule.decide(messageAsOf: d, runAsOf: d.adding(days: 3), failedPermanently: false, hasNewer: false, retryDays: 2) == .expired)
        #expect(RetryRule.decide(messageAsOf: d, runAsOf: d.adding(days: 1), failedPermanently: false, hasNewer: true, retryDays: 2) == .superseded)
        #expect(RetryRule.decide(messageAsOf: d, runAsOf: d, failedPermanently: false, hasNewer: true, retryDays: 2) == .deliver,
                "tonight's own message is not superseded by itself")
        #expect(RetryRule.decide(messageAsOf: d, runAsOf: d, failedPermanently: true, hasNewer: false, retryDays: 2) == .permanent)
    }

    @Test func escalationGoesToTheOwnersManagerAfterNDigests() {
        var people = F.people
        people[3].managerID = "M1"  // S1's manager
        people.append(Person(id: "M1", name: "Maria Boss", email: "maria@example.com", role: .manager, line: 8))
        let recs = [F.rec("R1", site: "A", activity: -40), F.rec("R2", site: "A", activity: -40), F.rec("R3", site: "B", activity: -40, owner: "S2")]
        var plan = Planner(settings: RuleSettings(), asOf: F.asOf).plan(Self.dataset(recs, people: people))
        let facts = StateFacts(priorDigests: ["R1": 4, "R2": 3, "R3": 9])
        plan = FollowUp(settings: FollowUpSettings(escalateAfterDigests: 4)).apply(plan, facts: facts, people: Self.dataset([], people: people).people)
        let maria = plan.digests.first { $0.recipient == .person(people.last!) }
        #expect(maria != nil, "the manager gets a digest with only the escalation section")
        #expect(maria?.leads.isEmpty == true)
        #expect(maria?.escalations.map(\.lead.recommendation.id) == ["R1"], "R2 has sat in 3 only; R3's owner has no manager")
        #expect(maria?.escalations.first?.owner.id == "S1")
    }

    @Test func updatesGoInTheSummaryOrInALeadUpdateOfTheirOwn() {
        let plan = F.plan([F.visit("W1", site: "A", tech: "T1", at: F.day(1))], [F.rec("R1", site: "A")])
        let change = { (by: String) in
            StatusChange(storeID: 1, recommendationID: "R9", recommendedBy: by, from: .open, to: .accepted, observedOn: F.asOf)
        }
        let facts = StateFacts(changesByTechnician: ["T1": [change("T1")], "T2": [change("T2")], "T3": [change("T3")]])
        let people = Self.dataset([]).people
        let out = FollowUp(settings: FollowUpSettings()).apply(plan, facts: facts, people: people)
        #expect(out.summaries.first?.updates.map(\.recommendedBy) == ["T1"])
        #expect(out.leadUpdates.map(\.technician.id) == ["T2"], "T3 has no email")
        let off = FollowUp(settings: FollowUpSettings(sendUpdates: false)).apply(plan, facts: facts, people: people)
        #expect(off.leadUpdates.isEmpty && off.summaries.first?.updates.isEmpty == true)
    }
}

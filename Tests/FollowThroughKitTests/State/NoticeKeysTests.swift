@testable import FollowThroughCore
@testable import FollowThroughKit
import FollowThroughTestSupport
import Testing

/// The outbox step settles earlier messages against the keys of tonight's plan with the state's facts applied, worked
/// out without applying them (`FollowUp.noticeKeys`): the same keys as applying them, whatever the history, the
/// escalation threshold and the news.
@Suite struct NoticeKeysTests {
    static let asOf = LocalDate(iso: "2026-11-23")!

    static func day(_ offset: Int) -> LocalDateTime {
        LocalDateTime(date: asOf.adding(days: offset), secondOfDay: 9 * 3600)
    }

    /// Technicians (T4 without email), sales people with managers (M2 without email, S3 their own manager), a manager.
    static let people: [Person] = [
        Person(id: "T1", name: "Alice", email: "alice@example.com", role: .technician, line: 2),
        Person(id: "T2", name: "Bruno", email: "bruno@example.com", role: .technician, line: 3),
        Person(id: "T3", name: "Chen", email: "chen@example.com", role: .technician, line: 4),
        Person(id: "T4", name: "No Mail", email: "", role: .technician, line: 5),
        Person(id: "S1", name: "Dana", email: "dana@example.com", role: .sales, managerID: "M1", line: 6),
        Person(id: "S2", name: "Emile", email: "emile@example.com", role: .sales, managerID: "M1", line: 7),
        Person(id: "S3", name: "Fay", email: "fay@example.com", role: .sales, managerID: "S3", line: 8),
        Person(id: "S4", name: "Gus", email: "gus@example.com", role: .sales, managerID: "M2", line: 9),
        Person(id: "M1", name: "Maria", email: "maria@example.com", role: .manager, line: 10),
        Person(id: "M2", name: "Mute", email: "", role: .manager, line: 11),
    ]

    @Test(arguments: 1...40)
    func keysWithoutApplyingAreTheKeysOfTheAppliedPlan(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let sites = ["A", "B", "C", "D"]
        let visits = (0..<Int(rng.next() % 4)).map { i in
            WorkOrder(id: "W\(i)", siteID: pick(sites), siteName: "Site", technicianID: pick(["T1", "T2", "T4"]),
                      status: .scheduled, scheduledStart: Self.day(1))
        }
        let recs = (0..<(5 + Int(rng.next() % 20))).map { i in
            Recommendation(id: "R\(i)", workOrderID: "", siteID: pick(sites), description: "Fix \(i)", priority: .normal,
                           estimatedValueCents: nil, status: pick([.open, .quoted]), createdAt: Self.day(-60),
                           lastActivityAt: Self.day(-pick([1, 20, 40])), recommendedBy: pick(["T1", "T2", "T3"]),
                           salesOwner: pick(["S1", "S2", "S3", "S4", ""]))
        }
        let dataset = Dataset(people: Self.people, workOrders: visits, recommendations: recs)
        let plan = Planner(settings: RuleSettings(), asOf: Self.asOf).plan(dataset)
        var priorDigests: [String: Int] = [:]
        for r in recs where rng.next() % 2 == 0 { priorDigests[r.id] = Int(rng.next() % 6) }
        var changes: [String: [StatusChange]] = [:]
        for technician in ["T1", "T2", "T3", "T4", "T9"] where rng.next() % 2 == 0 {
            changes[technician] = rng.next() % 4 == 0 ? [] : [
                StatusChange(storeID: 1, recommendationID: "R0", recommendedBy: technician, from: .open, to: .quoted, observedOn: Self.asOf),
            ]
        }
        let followUp = FollowUp(settings: FollowUpSettings(sendUpdates: rng.next() % 4 != 0, escalateAfterDigests: 1 + Int(rng.next() % 4)))
        let history = StateFacts(priorDigests: priorDigests)
        let facts = StateFacts(changesByTechnician: changes, priorDigests: priorDigests)
        let people = dataset.people

        #expect(followUp.noticeKeys(plan, facts: history, people: people) == followUp.apply(plan, facts: history, people: people).noticeKeys)
        #expect(followUp.noticeKeys(plan, facts: facts, people: people) == followUp.apply(plan, facts: facts, people: people).noticeKeys)
        // As the outbox step worked them out before: the plan with history applied, then the news on top.
        let withHistory = followUp.apply(plan, facts: history, people: people)
        #expect(followUp.noticeKeys(plan, facts: facts, people: people)
                == followUp.apply(withHistory, facts: StateFacts(changesByTechnician: changes), people: people).noticeKeys)
    }
}

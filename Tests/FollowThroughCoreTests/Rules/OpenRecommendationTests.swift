import Testing
@testable import FollowThroughCore

@Suite struct OpenRecommendationTests {
    @Test(arguments: [
        (RecommendationStatus.open, true), (.quoted, true), (.accepted, false), (.declined, false), (.completed, false),
    ])
    func statusDecidesWhetherOpen(status: RecommendationStatus, open: Bool) {
        let d = Dataset(people: F.people, workOrders: [F.done("W0", site: "A")], recommendations: [F.rec("R", site: "A", status: status)])
        #expect(d.isOpen(d.recommendations[0]) == open)
    }

    @Test func completedWorkOrderThatResolvesItClosesIt() {
        let d = Dataset(people: F.people, workOrders: [F.done("W1", site: "A", resolves: ["R1"])],
                        recommendations: [F.rec("R1", site: "A"), F.rec("R2", site: "A")])
        #expect(!d.isOpen(d.recommendations[0]))
        #expect(d.isOpen(d.recommendations[1]))
    }

    @Test func scheduledOrCancelledWorkOrderListingItDoesNotCloseIt() {
        var scheduled = F.visit("W1", site: "A", at: F.day(1))
        scheduled.resolves = ["R1"]
        var cancelled = F.done("W2", site: "A", resolves: ["R2"])
        cancelled.status = .cancelled
        let d = Dataset(people: F.people, workOrders: [scheduled, cancelled],
                        recommendations: [F.rec("R1", site: "A"), F.rec("R2", site: "A")])
        #expect(d.recommendations.allSatisfy(d.isOpen))
    }

    @Test func recommendedByDefaultsToTheWorkOrdersTechnician() {
        let d = Dataset(people: F.people, workOrders: [F.done("W1", site: "A", tech: "T2")],
                        recommendations: [F.rec("R1", site: "A", by: "", workOrder: "W1"), F.rec("R2", site: "A", by: "T1", workOrder: "W1")])
        #expect(d.recommendations.map(\.recommendedBy) == ["T2", "T1"])
    }
}

import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

@Suite("Status snapshot: encoding, and what the builder keeps when it knows the last run's statuses")
struct StatusSnapshotTests {
    @Test func encodingRoundTripsShortLongAndNonASCIIIDs() {
        var snapshot = StatusSnapshot()
        let ids = ["R-1", "R-123456789012345", "R-1234567890123456", String(repeating: "x", count: 300), "Réf-7", "K\u{212A}", ""]
        for (i, id) in ids.enumerated() where !id.isEmpty { snapshot[id] = TrackedStatus.allCases[i % TrackedStatus.allCases.count] }
        let decoded = StatusSnapshot(encoded: snapshot.encoded())
        #expect(decoded?.dictionary == snapshot.dictionary)
        #expect(decoded?.count == ids.count - 1)
        #expect(decoded?[String(repeating: "x", count: 300)] == TrackedStatus.allCases[3 % TrackedStatus.allCases.count])
    }

    @Test func damagedBytesAreRefused() {
        var snapshot = StatusSnapshot()
        snapshot["R-1"] = .accepted
        let good = snapshot.encoded()
        #expect(StatusSnapshot(encoded: Array(good.dropLast())) == nil)          // truncated
        #expect(StatusSnapshot(encoded: Array("XXXX".utf8) + good.dropFirst(4)) == nil)  // not ours
        var badStatus = good
        badStatus[badStatus.count - 1] = 99
        #expect(StatusSnapshot(encoded: badStatus) == nil)
        #expect(StatusSnapshot(encoded: StatusSnapshot().encoded())?.isEmpty == true)
    }

    @Test func keepMissingAddsOldIDsAndCountsTheMoved() {
        var tonight: StatusSnapshot = ["R1": .quoted, "R2": .open]
        let moved = tonight.keepMissing(from: ["R1": .open, "R2": .open, "GONE": .declined])
        #expect(moved == 1)
        #expect(tonight.dictionary == ["R1": .quoted, "R2": .open, "GONE": .declined])
    }

    /// Random nights: a builder given the last run's statuses keeps fewer recommendations, yet the plan's open list,
    /// the statuses to record and the changes to announce equal those of a builder that keeps everything.
    @Test(arguments: [1, 2, 3, 4, 5])
    func keepingOnlyWhatMayHaveMovedChangesNoResult(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var previous = StatusSnapshot()
        var recs: [Recommendation] = []
        var resolves: [String] = []
        for i in 0..<400 {
            let id = "R\(i)"
            let status = RecommendationStatus.allCases[Int(rng.next() % 5)]
            recs.append(F.rec(id, site: "S\(i % 7)", status: status, by: rng.next() % 4 == 0 ? "" : "T1"))
            if rng.next() % 5 != 0 { previous[id] = TrackedStatus.allCases[Int(rng.next() % 6)] }
            if rng.next() % 6 == 0 { resolves.append(id) }
        }
        let workOrders = [F.done("W1", site: "S1", resolves: resolves)]
        func build(_ previous: StatusSnapshot?) -> Dataset {
            var builder = DatasetBuilder()
            builder.previousStatuses = previous
            F.people.forEach { builder.add($0) }
            workOrders.forEach { builder.add($0) }
            recs.forEach { builder.add($0) }
            if builder.beginRevisit() {  // the loader reads the file again for these
                recs.forEach { builder.add($0) }
                builder.endRevisit()
            }
            return builder.build().dataset
        }
        let all = build(nil), kept = build(previous)
        var withoutRevisit = DatasetBuilder()
        withoutRevisit.previousStatuses = previous
        recs.forEach { withoutRevisit.add($0) }
        let mustRevisit = withoutRevisit.beginRevisit()
        #expect(mustRevisit)  // some accepted or declined ones were resolved since
        #expect(kept.recommendations.count < all.recommendations.count)
        #expect(kept.recommendationCount == 400 && all.recommendationCount == 400)
        #expect(kept.statuses.dictionary == all.statuses.dictionary)
        let a = StatusChanges.detect(previous: previous, dataset: all, asOf: F.asOf)
        let k = StatusChanges.detect(previous: previous, dataset: kept, asOf: F.asOf)
        #expect(!a.changes.isEmpty)
        #expect(k.changes == a.changes)
        #expect(k.next.dictionary == a.next.dictionary && k.moved == a.moved)
        let planner = Planner(settings: RuleSettings(), asOf: F.asOf)
        #expect(planner.plan(kept) == planner.plan(all))
    }

    @Test func aCompletedWorkOrderMakesItResolvedUnlessTheExportSaysCompleted() {
        let d = Dataset(people: F.people, workOrders: [F.done("W1", site: "A", resolves: ["R1", "R2", "R3"])],
                        recommendations: [F.rec("R1", site: "A", status: .accepted), F.rec("R2", site: "A", status: .completed),
                                          F.rec("R3", site: "A"), F.rec("R4", site: "A", status: .declined)])
        #expect(d.statuses.dictionary == ["R1": .resolved, "R2": .completed, "R3": .resolved, "R4": .declined])
    }
}

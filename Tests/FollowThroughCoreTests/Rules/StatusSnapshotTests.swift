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

    @Test func mergePreviousKeepsOldIDsAndCountsTheMoved() {
        var tonight: StatusSnapshot = ["R1": .quoted, "R2": .open, "NEW": .accepted]
        #expect(!tonight.knowsPrevious && tonight.previous("R1") == nil)
        let moved = tonight.mergePrevious(["R1": .open, "R2": .open, "GONE": .declined])
        #expect(moved == 1 && tonight.movedCount == 1)
        #expect(tonight.knowsPrevious && tonight.previousCount == 3)
        #expect(tonight.dictionary == ["R1": .quoted, "R2": .open, "NEW": .accepted, "GONE": .declined])
        #expect(tonight.previous("R1") == .open && tonight.tonight("R1") == .quoted)
        #expect(tonight.previous("NEW") == nil && tonight.tonight("NEW") == .accepted)
        #expect(tonight.previous("GONE") == .declined && tonight.tonight("GONE") == nil)
        // What the state keeps: the status to record, tonight's else last run's.
        #expect(StatusSnapshot(encoded: tonight.encoded())?.dictionary == tonight.dictionary)
    }

    /// Random nights: a builder given the last run's statuses keeps fewer recommendations in full (the moved ones it
    /// asks to read again), yet the plan's open list, the statuses to record and the changes to announce equal those
    /// of a builder that keeps everything and compares afterwards.
    @Test(arguments: [1, 2, 3, 4, 5])
    func keepingOnlyWhatMovedChangesNoResult(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var previous = StatusSnapshot()
        var recs: [Recommendation] = []
        var resolves: [String] = []
        for i in 0..<400 {
            let id = "R\(i)"
            let status = RecommendationStatus.allCases[Int(rng.next() % 5)]
            var rec = F.rec(id, site: "S\(i % 7)", status: status, by: rng.next() % 4 == 0 ? "" : "T1",
                            workOrder: rng.next() % 2 == 0 ? "W1" : "")
            rec.line = i + 2
            recs.append(rec)
            if rng.next() % 5 != 0 { previous[id] = TrackedStatus.allCases[Int(rng.next() % 6)] }
            if rng.next() % 6 == 0 { resolves.append(id) }
        }
        previous["GONE"] = .declined  // no longer exported: kept
        let workOrders = [F.done("W1", site: "S1", tech: "T2", resolves: resolves)]
        let all = Dataset(people: F.people, workOrders: workOrders, recommendations: recs)
        // The loader's order: recommendations, then the work orders, then last run's statuses and the moved rows.
        var builder = DatasetBuilder()
        builder.previous = PreviousStatuses(previous)
        F.people.forEach { builder.add($0) }
        recs.forEach { builder.add($0) }
        builder.recordOnlyNeededTechnicians()
        workOrders.forEach { builder.add($0) }
        try builder.mergePrevious()
        let lines = Set(builder.movedLines())
        #expect(!lines.isEmpty)
        try builder.addMoved(Dictionary(uniqueKeysWithValues: recs.filter { lines.contains($0.line) }.map { ($0.line, $0) }))
        let kept = builder.build().dataset
        #expect(kept.recommendations.count < all.recommendations.count)
        #expect(kept.recommendationCount == 400 && all.recommendationCount == 400)
        #expect(kept.statuses.knowsPrevious && !all.statuses.knowsPrevious)
        let a = StatusChanges.detect(previous: previous, dataset: all, asOf: F.asOf)
        let k = StatusChanges.detect(previous: nil, dataset: kept, asOf: F.asOf)
        #expect(!a.changes.isEmpty)
        #expect(a.changes.contains { $0.recommendedBy == "T2" })  // a moved one's technician, from its work order
        #expect(k.changes == a.changes)
        #expect(k.next.dictionary == a.next.dictionary && k.moved == a.moved)
        #expect(k.next["GONE"] == .declined)
        let planner = Planner(settings: RuleSettings(), asOf: F.asOf)
        #expect(planner.plan(kept) == planner.plan(all))
    }

    /// A first night compares with nothing: statuses are recorded, no change is told.
    @Test func aFirstNightTellsNoChange() throws {
        var builder = DatasetBuilder()
        builder.previous = PreviousStatuses.none
        builder.add(F.rec("R1", site: "A", status: .accepted))
        try builder.mergePrevious()
        #expect(builder.movedLines().isEmpty)
        let dataset = builder.build().dataset
        #expect(dataset.recommendations.isEmpty)  // settled, and nothing to compare with
        let detected = StatusChanges.detect(previous: ["R1": .open], dataset: dataset, asOf: F.asOf)  // read against none
        #expect(detected.changes.isEmpty && detected.next.dictionary == ["R1": .accepted])
    }

    @Test func aCompletedWorkOrderMakesItResolvedUnlessTheExportSaysCompleted() {
        let d = Dataset(people: F.people, workOrders: [F.done("W1", site: "A", resolves: ["R1", "R2", "R3"])],
                        recommendations: [F.rec("R1", site: "A", status: .accepted), F.rec("R2", site: "A", status: .completed),
                                          F.rec("R3", site: "A"), F.rec("R4", site: "A", status: .declined)])
        #expect(d.statuses.dictionary == ["R1": .resolved, "R2": .completed, "R3": .resolved, "R4": .declined])
    }
}

extension StatusSnapshotTests {
    /// A builder that read R1 (open) and R2 (accepted) on lines 2 and 3, and last run's statuses (both moved since).
    func builderWithTwoMoved() throws -> DatasetBuilder {
        var builder = DatasetBuilder()
        builder.keepsPendingInFull = false
        builder.previous = PreviousStatuses(["R1": .quoted, "R2": .declined])
        var r1 = F.rec("R1", site: "A"), r2 = F.rec("R2", site: "A", status: .accepted)
        r1.line = 2; r2.line = 3
        builder.add(r1)
        builder.add(r2)
        try builder.mergePrevious()
        #expect(builder.movedLines() == [2, 3])
        return builder
    }

    /// The moved rows read again must be the rows read first: another recommendation on the line, a status other
    /// than the one read, or no row at all means the export changed under the run.
    @Test func movedRowsThatChangedSinceTheFirstReadAreRefused() throws {
        var r1 = F.rec("R1", site: "A"), r2 = F.rec("R2", site: "A", status: .accepted)
        r1.line = 2; r2.line = 3
        var other = F.rec("R9", site: "A", status: .accepted)
        other.line = 3
        var declined = r2
        declined.status = .declined
        for rows in [[2: r1, 3: other], [2: r1], [2: r1, 3: declined]] {
            var builder = try builderWithTwoMoved()
            #expect(throws: RowsChanged.self) { try builder.addMoved(rows) }
        }
        var builder = try builderWithTwoMoved()
        try builder.addMoved([2: r1, 3: r2])
        #expect(builder.build().dataset.recommendations.map(\.id) == ["R1", "R2"])
    }

    @Test func lastRunsStatusesNamingAnIdTwiceAreDamaged() {
        var builder = DatasetBuilder()
        builder.previous = PreviousStatuses(count: 2) { body in
            try Array("R1".utf8).withUnsafeBytes { try body($0, .open) }
            try Array("R1".utf8).withUnsafeBytes { try body($0, .quoted) }
        }
        #expect(throws: DatasetBuilder.PreviousStatusRepeated.self) { try builder.mergePrevious() }
    }
}

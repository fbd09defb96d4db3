import Foundation
import FollowThroughCore
@testable import FollowThroughKit
import Testing

/// Last run's statuses as the night reads them: counted once, streamed again when merged.
@Suite struct PreviousStatusesReadingTests {
    @Test func theSecondReadGivesWhatTheFirstCounted() throws {
        try StatusSnapshotStorageTests.withStore("previous-read.sqlite") { store, _ in
            let snapshot: StatusSnapshot = ["R-1": .open, "R-2": .resolved, "a-recommendation-id-longer-than-a-slot": .declined]
            try StatusSnapshotStorageTests.save(store, snapshot)
            let previous = try store.previousStatusesToMerge()
            #expect(previous.count == 3)
            var seen: [String: TrackedStatus] = [:]
            try previous.forEach { id, status in seen[String(decoding: id, as: UTF8.self)] = status }
            #expect(seen == snapshot.dictionary)
        }
    }

    @Test func aStateWithNoStatusesIsAFirstRun() throws {
        try StatusSnapshotStorageTests.withStore("previous-none.sqlite") { store, _ in
            let previous = try store.previousStatusesToMerge()
            #expect(previous.count == 0)
        }
    }

    /// A dry run takes no lock: when a run records other statuses between its two reads, it is told to run again,
    /// not that the state is damaged.
    @Test func statusesRecordedBetweenTheTwoReadsAreToldAsSuch() throws {
        try StatusSnapshotStorageTests.withStore("previous-changed.sqlite") { store, path in
            try StatusSnapshotStorageTests.save(store, ["R-1": .open])
            let previous = try store.previousStatusesToMerge()
            try StatusSnapshotStorageTests.save(store, ["R-1": .quoted, "R-2": .open], on: "2026-11-24")
            #expect {
                try previous.forEach { _, _ in }
            } throws: { error in
                let e = error as? StateError
                return e?.file == path && e?.message.contains("changed while this run read them") == true && e?.hint == "run again"
            }
        }
    }
}

import Foundation
import FollowThroughTestSupport
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

@Suite struct StatusSnapshotMigrationTests {
    /// A state file written before v3 (a row per recommendation) opens with the same statuses, in one snapshot.
    @Test func rowsPerRecommendationBecomeOneSnapshot() throws {
        let path = TestScratch.path("v2.sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let old = try DatabaseQueue(path: path)
        try StateSchema.migrator.migrate(old, upTo: "v2-follow-up")
        try old.write { db in
            for (id, status, day) in [("R-1", "open", "2026-11-20"), ("R-2", "resolved", "2026-11-21"),
                                      ("R-123456789012345678", "accepted", "2026-11-19")] {
                try db.execute(sql: "INSERT INTO recommendation_status VALUES (?, ?, ?)", arguments: [id, status, day])
            }
        }
        try old.close()
        let store = try StateStore.open(path: path)
        #expect(try store.previousStatuses().dictionary == ["R-1": .open, "R-2": .resolved, "R-123456789012345678": .accepted])
        let takenOn = try store.read { try String.fetchOne($0, sql: "SELECT taken_on FROM status_snapshot") }
        #expect(takenOn == "2026-11-21")
        let oldTable = try store.read { try Bool.fetchOne($0, sql: "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'recommendation_status'") }
        #expect(oldTable == false)
    }

    /// A state file written by v4 (the snapshot as one blob) opens with the same statuses, stored in pieces.
    @Test func aSingleBlobSnapshotBecomesPieces() throws {
        let path = TestScratch.path("v4.sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var snapshot: StatusSnapshot = ["R-123456789012345678": .accepted, "Réf-7": .declined]
        for i in 0..<80_000 { snapshot["R-\(i)"] = TrackedStatus.allCases[i % TrackedStatus.allCases.count] }
        let old = try DatabaseQueue(path: path)
        try StateSchema.migrator.migrate(old, upTo: "v4-message-body")
        try old.write { db in
            try db.execute(sql: "INSERT INTO status_snapshot VALUES (1, '2026-11-22', ?, ?)",
                           arguments: [snapshot.count, Data(snapshot.encoded())])
        }
        try old.close()
        let store = try StateStore.open(path: path)
        let (parts, header) = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM status_snapshot_part"),
             try Row.fetchOne(db, sql: "SELECT taken_on, count, data FROM status_snapshot"))
        }
        #expect((parts ?? 0) >= 3, "80,000 entries of ~9 bytes span several pieces")
        #expect(header?["taken_on"] == "2026-11-22" && header?["count"] == 80_002)
        #expect(header?["data"] == Data(StatusLedger.piecesMarker), "the single blob is gone")
        let loaded = try store.previousStatuses()
        #expect(loaded.count == 80_002)
        #expect(loaded.dictionary == snapshot.dictionary)
    }

    /// A v4 blob that is already damaged still opens, and reading it says it is damaged (as before v5).
    @Test func aDamagedSingleBlobStaysDamagedAfterTheMigration() throws {
        let path = TestScratch.path("v4-bad.sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let old = try DatabaseQueue(path: path)
        try StateSchema.migrator.migrate(old, upTo: "v4-message-body")
        try old.write { db in
            try db.execute(sql: "INSERT INTO status_snapshot VALUES (1, '2026-11-22', 1, ?)", arguments: [Data("FTS1\u{3}R-".utf8)])
        }
        try old.close()
        let store = try StateStore.open(path: path)
        #expect {
            _ = try store.previousStatuses()
        } throws: { error in
            let e = error as? StateError
            return e?.file == path && e?.message.contains("damaged") == true
        }
    }

    @Test func aDamagedSnapshotIsAStateErrorNamingTheFile() throws {
        let path = TestScratch.path("bad.sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try StateStore.open(path: path)
        try store.write { db in
            try db.execute(sql: "INSERT INTO status_snapshot VALUES (1, '2026-11-22', 1, ?)", arguments: [Data("FTS1\u{3}R-".utf8)])
        }
        #expect {
            _ = try store.previousStatuses()
        } throws: { error in
            let e = error as? StateError
            return e?.file == path && e?.message.contains("damaged") == true
        }
    }
}

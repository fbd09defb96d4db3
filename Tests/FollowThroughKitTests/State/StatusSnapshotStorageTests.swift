import Foundation
import FollowThroughTestSupport
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

/// The snapshot in a real state file: zstd pieces written and read one at a time, and every kind of damage refused.
@Suite struct StatusSnapshotStorageTests {
    static func sample(_ count: Int, seed: UInt64 = 7) -> StatusSnapshot {
        var rng = SplitMix64(seed: seed)
        var snapshot = StatusSnapshot()
        for i in 0..<count {
            let id = switch i % 4 {
            case 0: "R-\(i)"
            case 1: "REC-2026-LONG-IDENTIFIER-\(i)"
            case 2: "Réf-日本-\(i)"
            default: "\(i)"
            }
            snapshot[id] = TrackedStatus.allCases[Int(rng.next() % UInt64(TrackedStatus.allCases.count))]
        }
        return snapshot
    }

    static func withStore(_ name: String, _ body: (StateStore, String) throws -> Void) throws {
        let path = TestScratch.path(name).path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try body(try StateStore.open(path: path), path)
    }

    static func save(_ store: StateStore, _ snapshot: StatusSnapshot, on day: String = "2026-11-23") throws {
        try store.write { try StatusLedger.save($0, statuses: snapshot, changes: [], asOf: LocalDate(iso: day)!) }
    }

    @Test func aLargeSnapshotIsStoredInCompressedPiecesAndReadBack() throws {
        try Self.withStore("pieces.sqlite") { store, _ in
            let snapshot = Self.sample(300_000)
            try Self.save(store, snapshot)
            let (parts, stored, magic, header) = try store.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM status_snapshot_part WHERE part = ROWID") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT SUM(length(data)) FROM status_snapshot_part") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM status_snapshot_part WHERE substr(data, 1, 4) = x'28B52FFD'") ?? 0,
                 try Row.fetchOne(db, sql: "SELECT taken_on, count, data FROM status_snapshot"))
            }
            let raw = snapshot.encoded().count
            let numbered = try store.read { try Bool.fetchOne($0, sql: "SELECT MIN(part) = 0 AND MAX(part) = COUNT(*) - 1 FROM status_snapshot_part") }
            #expect(numbered == true, "parts 0, 1, 2, …")
            #expect(parts >= raw / StatusSnapshot.chunkBytes && parts > 10)
            #expect(magic == parts, "every piece is a zstd frame")
            #expect(stored * 2 < raw, "compressed: \(stored) bytes for \(raw)")
            #expect(header?["taken_on"] == "2026-11-23" && header?["count"] == 300_000)
            #expect(header?["data"] == Data(StatusLedger.piecesMarker))
            let loaded = try store.previousStatuses()
            #expect(loaded.count == 300_000)
            #expect(loaded.dictionary == snapshot.dictionary)
        }
    }

    /// The pass over the stored pieces that never builds the snapshot whole gives every entry once.
    @Test func eachRecordedStatusIsGivenOncePieceByPiece() throws {
        try Self.withStore("each.sqlite") { store, _ in
            let snapshot = Self.sample(50_000)
            try Self.save(store, snapshot)
            var expected = -1
            var seen: [String: TrackedStatus] = [:]
            let count = try store.read { db in
                try StatusLedger.forEachRecorded(db, expecting: { expected = $0 }) { id, status in
                    seen[String(decoding: id, as: UTF8.self)] = status
                }
            }
            #expect(count == 50_000 && expected == 50_000)
            #expect(seen == snapshot.dictionary)
            let empty = try StateStore.inMemory()
            #expect(try empty.read { try StatusLedger.forEachRecorded($0) { _, _ in Issue.record("nothing recorded") } } == 0)
        }
    }

    /// Packed beforehand on another thread (`PackedStatuses`), the pieces stored are those a save compresses itself;
    /// handed over once.
    @Test func statusesPackedBeforehandAreStoredAsASaveWouldStoreThem() throws {
        let snapshot = Self.sample(150_000)
        func stored(_ store: StateStore) throws -> [Data] {
            try store.read { try Data.fetchAll($0, sql: "SELECT data FROM status_snapshot_part ORDER BY part") }
        }
        try Self.withStore("packed-a.sqlite") { plain, _ in
            try Self.withStore("packed-b.sqlite") { packed, _ in
                try Self.save(plain, snapshot)
                let beforehand = PackedStatuses(snapshot)
                let pieces = beforehand.take()
                #expect(pieces != nil && beforehand.take() == nil)
                try packed.write { try StatusLedger.save($0, statuses: snapshot, pieces: pieces, changes: [], asOf: LocalDate(iso: "2026-11-23")!) }
                let (a, b) = (try stored(plain), try stored(packed))
                #expect(a.count > 1 && a == b)
                #expect(try packed.read { try StatusLedger.previous($0) }.dictionary == snapshot.dictionary)
            }
        }
    }

    @Test func aLaterSaveReplacesEveryPiece() throws {
        try Self.withStore("replace.sqlite") { store, _ in
            try Self.save(store, Self.sample(100_000))
            try Self.save(store, ["R-1": .quoted, "R-2": .resolved], on: "2026-11-24")
            let parts = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM status_snapshot_part") }
            #expect(parts == 1)
            #expect(try store.previousStatuses().dictionary == ["R-1": .quoted, "R-2": .resolved])
            try Self.save(store, StatusSnapshot(), on: "2026-11-25")
            #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM status_snapshot_part") } == 0)
            #expect(try store.previousStatuses().isEmpty)
        }
    }

    enum Damage: String, CaseIterable, Sendable {
        case bytesChanged, cutShort, pieceMissing, lastPieceMissing, pieceRepeated, countTooHigh, countTooLow,
             notAFrame, frameOfDamagedChunk, frameWithTrailingBytes, markerChanged

        /// SQL (and its blob argument) that does the damage to a saved snapshot of several pieces.
        func apply(_ db: Database) throws {
            func frame(_ bytes: [UInt8]) -> Data {
                var out = [UInt8](repeating: 0, count: BodyCompression.frameBound(bytes.count))
                let size = bytes.withUnsafeBytes { source in out.withUnsafeMutableBytes { BodyCompression.compress(source, into: $0) } }
                return Data(out.prefix(size!))
            }
            switch self {
            case .bytesChanged:
                try db.execute(sql: """
                    UPDATE status_snapshot_part SET data = substr(data, 1, length(data) / 2) || x'00FF00FF' ||
                        substr(data, length(data) / 2 + 5) WHERE part = 1
                    """)
            case .cutShort:
                try db.execute(sql: "UPDATE status_snapshot_part SET data = substr(data, 1, length(data) - 7) WHERE part = 1")
            case .pieceMissing:
                try db.execute(sql: "DELETE FROM status_snapshot_part WHERE part = 1")
            case .lastPieceMissing:
                try db.execute(sql: "DELETE FROM status_snapshot_part WHERE part = (SELECT MAX(part) FROM status_snapshot_part)")
            case .pieceRepeated:
                try db.execute(sql: """
                    INSERT INTO status_snapshot_part SELECT (SELECT MAX(part) + 1 FROM status_snapshot_part), data
                    FROM status_snapshot_part WHERE part = 0
                    """)
            case .countTooHigh:
                try db.execute(sql: "UPDATE status_snapshot SET count = count + 1")
            case .countTooLow:
                try db.execute(sql: "UPDATE status_snapshot SET count = count - 1")
            case .notAFrame:
                try db.execute(sql: "UPDATE status_snapshot_part SET data = ? WHERE part = 1",
                               arguments: [Data([3] + Array("R-1".utf8) + [0])])
            case .frameOfDamagedChunk:
                try db.execute(sql: "UPDATE status_snapshot_part SET data = ? WHERE part = 1",
                               arguments: [frame([3] + Array("R-1".utf8) + [9])])
            case .frameWithTrailingBytes:
                try db.execute(sql: "UPDATE status_snapshot_part SET data = data || x'00' WHERE part = 1")
            case .markerChanged:
                try db.execute(sql: "UPDATE status_snapshot SET data = ?", arguments: [Data("FTS1".utf8)])
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedPieceIsTheDamagedStateErrorNamingTheFile(_ damage: Damage) throws {
        try Self.withStore("damaged-\(damage.rawValue).sqlite") { store, path in
            try Self.save(store, Self.sample(60_000))
            #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM status_snapshot_part") }! >= 3)
            #expect(try store.previousStatuses().count == 60_000)
            try store.write { try damage.apply($0) }
            #expect {
                _ = try store.previousStatuses()
            } throws: { error in
                let e = error as? StateError
                return e?.file == path && e?.message.contains("damaged") == true
            }
            #expect(throws: StateError.self) { try store.read { try StatusLedger.forEachRecorded($0) { _, _ in } } }
        }
    }
}

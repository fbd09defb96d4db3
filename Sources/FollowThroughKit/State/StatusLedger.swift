import FollowThroughCore
import Foundation
import GRDB

extension StateStore {
    /// The statuses recorded by the last run (read before the exports, so that only what may have moved is kept in full).
    public func previousStatuses() throws(StateError) -> StatusSnapshot { try read { try StatusLedger.previous($0) } }
}

/// Recommendation statuses as last seen (one compact snapshot, stored in pieces), and the changes waiting to be told.
///
/// Since schema v5 the snapshot is `status_snapshot_part` rows, part 0, 1, 2, …: each a zstd frame (level 1, with a
/// content checksum) of one `StatusSnapshot` chunk of ~256 KB (`forEachChunk`); `status_snapshot` keeps `taken_on`,
/// `count` and, in `data`, `piecesMarker`. Writing and reading go a piece at a time: one 14.6 MB blob at 1.2M
/// recommendations was encoded whole, copied by SQLite into the record it built (~26 MB more at the run's peak), and
/// read back whole before decoding.
enum StatusLedger {
    /// What `status_snapshot.data` holds since v5 (the statuses are in `status_snapshot_part`); a release before v5
    /// reads it as a damaged snapshot, and stops, rather than taking every recommendation for new.
    static let piecesMarker: [UInt8] = Array("FTP1".utf8)
    /// The largest piece unpacked (the writer's are ~256 KB; one claiming more is taken as damaged).
    static let maxPiece = 64 << 20

    static let damaged = StateError(file: "", message: "the recorded recommendation statuses are damaged",
                                    hint: "restore the state file from a backup, or move it away to start afresh (updates restart)")

    /// The statuses recorded by the last run; empty before the first.
    static func previous(_ db: Database) throws -> StatusSnapshot {
        var snapshot = StatusSnapshot()
        let count = try forEachPiece(db, expecting: { snapshot = StatusSnapshot(expectedCount: $0) }) { snapshot.addChunk($0) }
        guard snapshot.count == count else { throw damaged }  // an id twice
        return snapshot
    }

    /// Calls `body` with each recorded id and its status, a piece at a time (never the snapshot whole), after telling
    /// `expecting` how many to make room for; returns how many there were.
    @discardableResult
    static func forEachRecorded(_ db: Database, expecting: (Int) -> Void = { _ in },
                                _ body: (UnsafeRawBufferPointer, TrackedStatus) throws -> Void) throws -> Int {
        try forEachPiece(db, expecting: expecting) { try StatusSnapshot.forEachEntry(inChunk: $0, body) }
    }

    /// Decompresses each stored piece in turn into one reused buffer and hands it to `decode` (which returns how many
    /// entries it held, nil when damaged); returns the count recorded, which the pieces must hold exactly.
    private static func forEachPiece(_ db: Database, expecting: (Int) -> Void,
                                     _ decode: (UnsafeRawBufferPointer) throws -> Int?) throws -> Int {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT count, data, (SELECT COALESCE(SUM(length(data)), 0) FROM status_snapshot_part) FROM status_snapshot WHERE id = 1
            """) else { expecting(0); return 0 }
        let count: Int = row[0], marker: Data = row[1], stored: Int = row[2]
        guard count >= 0, marker.elementsEqual(piecesMarker) else { throw damaged }
        // Room for the count, but never for more ids than stored bytes: a real entry takes more than a byte even
        // compressed, and a damaged count must not reserve gigabytes.
        expecting(min(count, stored))
        var buffer = [UInt8](repeating: 0, count: StatusSnapshot.chunkBytes)
        var next = 0, entries = 0
        let parts = try Row.fetchCursor(db, sql: "SELECT part, data FROM status_snapshot_part ORDER BY part")
        while let part = try parts.next() {
            let index: Int = part[0]
            guard index == next else { throw damaged }  // a piece missing
            let added = try part.withUnsafeData(atIndex: 1) { data in
                try data?.withUnsafeBytes { frame -> Int? in
                    guard let size = BodyCompression.contentSize(frame, limit: maxPiece) else { return nil }
                    if size > buffer.count { buffer = [UInt8](repeating: 0, count: size) }
                    return try buffer.withUnsafeMutableBytes { out in
                        guard BodyCompression.decompress(frame, contentSize: size, into: out) else { return nil }
                        return try decode(UnsafeRawBufferPointer(rebasing: out[0..<size]))
                    }
                }
            }
            guard let added, entries + added <= count else { throw damaged }
            entries += added
            next += 1
        }
        guard entries == count else { throw damaged }
        return count
    }

    /// Replaces the snapshot (piece by piece: see the type's note) and stores tonight's changes.
    /// `pieces`: `statuses` packed beforehand (`pack`), when they were.
    static func save(_ db: Database, statuses: StatusSnapshot, pieces: [[UInt8]]? = nil, changes: [StatusChange], asOf: LocalDate) throws {
        let day = asOf.description
        try write(db, statuses, takenOn: day, pieces: pieces)
        for c in changes {
            try db.execute(sql: """
                INSERT INTO status_change (recommendation_id, recommended_by, from_status, to_status, observed_on,
                                           description, site_label, quote_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.recommendationID, c.recommendedBy, c.from.rawValue, c.to.rawValue, day,
                                 c.description, c.siteLabel, c.quoteID])
        }
    }

    /// Replaces the stored snapshot with `statuses`: `pieces` when given (`pack(statuses)`), else one compressed chunk
    /// at a time from one reused buffer.
    static func write(_ db: Database, _ statuses: StatusSnapshot, takenOn: String, pieces: [[UInt8]]? = nil) throws {
        try db.execute(sql: "DELETE FROM status_snapshot_part")
        let insert = try db.cachedStatement(sql: "INSERT INTO status_snapshot_part (part, data) VALUES (?, ?)")
        var part = 0
        func store(_ frame: UnsafeRawBufferPointer) throws {
            // Bound without a copy of ours (SQLite takes its own, of one piece).
            try insert.execute(arguments: [part, Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: frame.baseAddress!), count: frame.count,
                                                      deallocator: .none)])
            part += 1
        }
        if let pieces {
            for piece in pieces { try piece.withUnsafeBytes(store) }
        } else {
            try compressedPieces(of: statuses, store)
        }
        try db.execute(sql: """
            INSERT INTO status_snapshot (id, taken_on, count, data) VALUES (1, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET taken_on = excluded.taken_on, count = excluded.count, data = excluded.data
            """, arguments: [takenOn, statuses.count, Data(piecesMarker)])
    }

    /// Each piece of `statuses` as the state keeps it (a zstd frame of one `forEachChunk` chunk), compressed in turn into
    /// one reused buffer.
    static func compressedPieces(of statuses: StatusSnapshot, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var frame = [UInt8](repeating: 0, count: BodyCompression.frameBound(StatusSnapshot.chunkBytes))
        try statuses.forEachChunk { chunk in
            let bound = BodyCompression.frameBound(chunk.count)
            if bound > frame.count { frame = [UInt8](repeating: 0, count: bound) }
            try frame.withUnsafeMutableBytes { out in
                guard let size = BodyCompression.compress(chunk, into: out) else {
                    throw StateError(file: "", message: "could not compress the recommendation statuses (zstd failed)",
                                     hint: "the machine may be short of memory: run again")
                }
                try body(UnsafeRawBufferPointer(rebasing: out[0..<size]))
            }
        }
    }

    /// The pieces `write` stores for `statuses`, made beforehand (`PackedStatuses`); nil when zstd failed (`write` then
    /// compresses them itself, and reports the failure).
    static func pack(_ statuses: StatusSnapshot) -> [[UInt8]]? {
        var pieces: [[UInt8]] = []
        do { try compressedPieces(of: statuses) { pieces.append(Array($0)) } } catch { return nil }
        return pieces
    }

    /// Changes not yet announced and not carried by a message still waiting for delivery, by technician.
    static func unannounced(_ db: Database) throws -> [String: [StatusChange]] {
        var byTechnician: [String: [StatusChange]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT * FROM status_change WHERE announced_at IS NULL AND carrier IS NULL ORDER BY id
            """) {
            let change = StatusChange(
                storeID: row["id"], recommendationID: row["recommendation_id"], recommendedBy: row["recommended_by"],
                from: TrackedStatus(rawValue: row["from_status"]) ?? .open, to: TrackedStatus(rawValue: row["to_status"]) ?? .open,
                observedOn: LocalDate(iso: row["observed_on"]) ?? LocalDate(daysSinceEpoch: 0),
                description: row["description"], siteLabel: row["site_label"], quoteID: row["quote_id"])
            byTechnician[change.recommendedBy, default: []].append(change)
        }
        return byTechnician
    }
}

/// What earlier delivered messages said: how often each recommendation was raised.
enum History {
    /// Delivered pre-visit summaries of earlier dates that listed each recommendation.
    static func reminders(_ db: Database, before asOf: String) throws -> [String: ReminderHistory] {
        var result: [String: ReminderHistory] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT i.recommendation_id AS id, COUNT(DISTINCT m.as_of) AS n, MAX(m.as_of) AS last
            FROM message_item i JOIN message m ON m.id = i.message
            WHERE m.kind = 'pre-visit' AND m.state = 'sent' AND m.as_of < ?
            GROUP BY i.recommendation_id
            """, arguments: [asOf]) {
            result[row["id"]] = ReminderHistory(count: row["n"], last: LocalDate(iso: row["last"]))
        }
        return result
    }

    /// Delivered digests of earlier dates that listed each recommendation.
    static func priorDigests(_ db: Database, before asOf: String) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT i.recommendation_id AS id, COUNT(DISTINCT m.as_of) AS n
            FROM message_item i JOIN message m ON m.id = i.message
            WHERE m.kind = 'stale-digest' AND m.state = 'sent' AND m.as_of < ?
            GROUP BY i.recommendation_id
            """, arguments: [asOf]) {
            result[row["id"]] = row["n"]
        }
        return result
    }
}

/// Tonight's statuses packed as the state keeps them (`StatusLedger.pack`), on a thread of their own while the run
/// plans and reads the listed rows again on one core: the outbox step then only stores the pieces (~0.9 MB at 1M work
/// orders, ~10 ms of compressing off the run's critical path).
public final class PackedStatuses: @unchecked Sendable {
    private let work: Parallel<[[UInt8]]?, Never>
    private let lock = NSLock()
    private var taken = false  // guarded by `lock`

    public init(_ statuses: StatusSnapshot) { work = Parallel { StatusLedger.pack(statuses) } }

    /// The pieces, once (handed over, not kept); nil afterwards, or when zstd failed.
    func take() -> [[UInt8]]? {
        guard lock.withLock({ () -> Bool in defer { taken = true }; return !taken }) else { return nil }
        return work.value()
    }
}
import FollowThroughCore
import Foundation
import GRDB

/// Runs and deliveries, recorded as they happen (one transaction per outcome, or per batch of an idempotent transport).
extension StateStore {
    /// Records the start of a run; returns its id.
    public func beginRun(asOf: LocalDate, now: Int64, pid: Int32, resend: Bool) throws(StateError) -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO run (as_of, started_at, pid, resend) VALUES (?, ?, ?, ?)",
                           arguments: [asOf.description, now, pid, resend])
            return db.lastInsertedRowID
        }
    }

    /// Records one delivery outcome: the attempt, the message's new state, and — when delivered — the news it carried
    /// as announced. A permanent failure hands its news back to be told by the next message.
    public func record(_ outcome: DeliveryOutcome, rowID: Int64, runID: Int64, now: Int64) throws(StateError) {
        try record([(outcome, rowID)], runID: runID, now: now)
    }

    /// Records several outcomes in one transaction (an idempotent transport's batch): each outcome rewrites its
    /// message row, and pages they share (the run's row, indexes, the delivery table's tail) are written once.
    public func record(_ outcomes: [(outcome: DeliveryOutcome, rowID: Int64)], runID: Int64, now: Int64) throws(StateError) {
        guard !outcomes.isEmpty else { return }
        try write { db in
            for (outcome, rowID) in outcomes { try Self.record(db, outcome, rowID: rowID, runID: runID, now: now) }
        }
    }

    static func record(_ db: Database, _ outcome: DeliveryOutcome, rowID: Int64, runID: Int64, now: Int64) throws {
        // Cached statements: a night records hundreds of outcomes.
        try db.cachedStatement(sql: """
            INSERT INTO delivery (message, run, at, status, permanent, attempts, reply) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [rowID, runID, now, outcome.status.rawValue, outcome.permanent, outcome.attempts, outcome.reply])
        let delivered = outcome.status == .delivered
        try db.cachedStatement(sql: """
            UPDATE message SET state = ?, permanent = ?, attempts = attempts + ?, last_reply = ?,
                               sent_at = CASE WHEN ? THEN ? ELSE sent_at END
            WHERE id = ?
            """).execute(arguments: [delivered ? "sent" : "failed", !delivered && outcome.permanent, outcome.attempts,
                             outcome.reply, delivered, now, rowID])
        if delivered {
            try db.cachedStatement(sql: "UPDATE status_change SET announced_at = ? WHERE carrier = ? AND announced_at IS NULL")
                .execute(arguments: [now, rowID])
        } else if outcome.permanent {
            try db.execute(sql: "UPDATE status_change SET carrier = NULL WHERE carrier = ? AND announced_at IS NULL",
                           arguments: [rowID])
        }
        try db.cachedStatement(sql: "UPDATE run SET \(delivered ? "delivered" : "failed") = \(delivered ? "delivered" : "failed") + 1 WHERE id = ?")
            .execute(arguments: [runID])
    }

    /// Runs `body` (the delivery loop) with SQLite's automatic checkpoints held back; the next commit after it (the
    /// run's end) checkpoints once. Before schema v4 each outcome rewrote its message row, blob and all (~40 KB), and
    /// the WAL passed the default 1,000-page mark every few dozen deliveries; the body now has its own table, but a
    /// checkpoint (three fsyncs) inside the loop still buys nothing. Safety is unchanged: a commit is in the WAL when
    /// `record` returns, whether or not it was checkpointed.
    public func withoutCheckpoints<T>(_ body: () throws -> T) throws -> T {
        try setAutoCheckpoint(Self.deliveryCheckpointPages)
        defer { try? setAutoCheckpoint(Self.defaultCheckpointPages) }
        return try body()
    }

    /// SQLite's default auto-checkpoint threshold, in pages.
    static let defaultCheckpointPages = 1000

    /// ~100 MB of WAL: far more than a 1M night's deliveries write, and a bound on the WAL of a huge SMTP night.
    static let deliveryCheckpointPages = 25_000

    func setAutoCheckpoint(_ pages: Int) throws(StateError) {
        do { try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)") } } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// The writer's sync mode (`NORMAL` or `FULL`) and auto-checkpoint threshold (0: none), between transactions.
    func setDurability(synchronous: String, autoCheckpointPages pages: Int) throws(StateError) {
        do {
            try db.writeWithoutTransaction {
                try $0.execute(sql: "PRAGMA synchronous = \(synchronous); PRAGMA wal_autocheckpoint = \(pages)")
            }
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// Records the end of a run.
    public func finishRun(_ runID: Int64, now: Int64, pending: Int, exitStatus: Int32, summary: String?) throws(StateError) {
        checkpoint.wait()
        try write { db in
            try db.execute(sql: "UPDATE run SET finished_at = ?, pending = ?, exit_status = ?, summary = ? WHERE id = ?",
                           arguments: [now, pending, exitStatus, summary, runID])
        }
    }
}

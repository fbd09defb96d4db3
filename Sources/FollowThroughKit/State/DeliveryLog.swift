import FollowThroughCore
import Foundation
import GRDB

/// Runs and deliveries, recorded as they happen (each its own transaction).
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
        try write { db in
            // Cached statements: a night records hundreds of outcomes, one transaction each.
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
    }

    /// Records the end of a run.
    public func finishRun(_ runID: Int64, now: Int64, pending: Int, exitStatus: Int32, summary: String?) throws(StateError) {
        try write { db in
            try db.execute(sql: "UPDATE run SET finished_at = ?, pending = ?, exit_status = ?, summary = ? WHERE id = ?",
                           arguments: [now, pending, exitStatus, summary, runID])
        }
    }
}

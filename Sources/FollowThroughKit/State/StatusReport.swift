import FollowThroughCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// What `followthrough status` shows: the last runs, and the messages waiting for a retry.
public struct StatusReport: Codable, Sendable {
    public struct RunRow: Codable, Sendable {
        public var id: Int64
        public var as_of: String
        public var started_at: Int64
        public var finished_at: Int64?
        /// `running`, `killed` (unfinished, its process gone), `ok`, `failures`, `error`.
        public var outcome: String
        public var resend: Bool
        public var stored: Int
        public var delivered: Int
        public var failed: Int
        public var pending: Int
        public var exit_status: Int32?
    }
    public struct Waiting: Codable, Sendable {
        public var as_of: String
        public var kind: String
        public var recipient: String
        /// `pending` (never tried, or its outcome was lost) or `failed`.
        public var state: String
        public var attempts: Int
        public var last_reply: String?
        /// The last as-of date a run will retry it (unless superseded by a newer message of its kind).
        public var retry_until: String
    }
    public struct Refused: Codable, Sendable {
        public var as_of: String
        public var kind: String
        public var recipient: String
        public var last_reply: String?
    }
    public var state_path: String
    public var runs: [RunRow]
    public var waiting: [Waiting]
    /// Permanent failures of the last runs' dates: not retried, need a person (fix the address).
    public var refused: [Refused]
    /// True when the last run had failed deliveries, stopped with an error, or was killed.
    public var last_run_failed: Bool

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// Human-readable lines; times in `zone`.
    public func lines(zone: TimeZone) -> [String] {
        func time(_ t: Int64?) -> String {
            guard let t else { return "-" }
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = zone; f.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
            return f.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
        }
        var out = ["state: \(state_path)"]
        if runs.isEmpty { out.append("no runs yet") } else { out.append("last runs, newest first:") }
        for r in runs {
            let how: String
            switch r.outcome {
            case "running": how = "still running"
            case "killed": how = "did not finish (killed or crashed; the next run delivers what it left)"
            default: how = "finished \(time(r.finished_at)), exit \(r.exit_status.map(String.init) ?? "-")"
            }
            out.append("  #\(r.id) as of \(r.as_of)\(r.resend ? " (resend)" : ""): started \(time(r.started_at)), \(how); "
                       + "stored \(r.stored), delivered \(r.delivered), failed \(r.failed), pending \(r.pending)")
        }
        out.append(waiting.isEmpty ? "nothing waiting for a retry" : "waiting for a retry (\(waiting.count)):")
        for w in waiting {
            out.append("  \(w.kind) to \(w.recipient), as of \(w.as_of): \(w.state), \(w.attempts) attempt(s)"
                       + (w.last_reply.map { ", last reply: \($0)" } ?? "") + "; retried by runs until \(w.retry_until)")
        }
        if !refused.isEmpty {
            out.append("refused permanently, not retried (\(refused.count)) — check these addresses in people.csv:")
            for r in refused { out.append("  \(r.kind) to \(r.recipient), as of \(r.as_of): \(r.last_reply ?? "")") }
        }
        return out
    }
}

extension StateStore {
    /// The last `limit` runs and everything still waiting for delivery.
    public func statusReport(limit: Int, retryDays: Int) throws(StateError) -> StatusReport {
        let path = self.path
        return try read { db in
            let runs = try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                let finished: Int64? = row["finished_at"]
                let exit: Int32? = row["exit_status"]
                let outcome: String
                if finished == nil {
                    outcome = Self.isAlive(row["pid"]) ? "running" : "killed"
                } else if exit == 0 {
                    outcome = "ok"
                } else if exit == 1 {
                    outcome = "failures"
                } else {
                    outcome = "error"
                }
                return StatusReport.RunRow(id: row["id"], as_of: row["as_of"], started_at: row["started_at"], finished_at: finished,
                                           outcome: outcome, resend: row["resend"], stored: row["stored"], delivered: row["delivered"],
                                           failed: row["failed"], pending: row["pending"], exit_status: exit)
            }
            let waiting = try Row.fetchAll(db, sql: """
                SELECT as_of, kind, recipient, state, attempts, last_reply FROM message
                WHERE \(StateSchema.deliverable) ORDER BY as_of, id
                """).map { row in
                let asOf: String = row["as_of"]
                let until = LocalDate(iso: asOf).map { $0.adding(days: retryDays).description } ?? asOf
                return StatusReport.Waiting(as_of: asOf, kind: row["kind"], recipient: row["recipient"], state: row["state"],
                                            attempts: row["attempts"], last_reply: row["last_reply"], retry_until: until)
            }
            let oldest = runs.last?.as_of ?? ""
            let refused = try Row.fetchAll(db, sql: """
                SELECT as_of, kind, recipient, last_reply FROM message WHERE state = 'failed' AND permanent = 1 AND as_of >= ?
                ORDER BY as_of, id
                """, arguments: [oldest]).map {
                StatusReport.Refused(as_of: $0["as_of"], kind: $0["kind"], recipient: $0["recipient"], last_reply: $0["last_reply"])
            }
            let last = runs.first
            let lastFailed = last.map { $0.outcome == "killed" || $0.outcome == "failures" || $0.outcome == "error" || $0.failed > 0 } ?? false
            return StatusReport(state_path: path, runs: runs, waiting: waiting, refused: refused, last_run_failed: lastFailed)
        }
    }

    /// True when a process with this pid exists (a run still going).
    static func isAlive(_ pid: Int32?) -> Bool {
        guard let pid, pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}

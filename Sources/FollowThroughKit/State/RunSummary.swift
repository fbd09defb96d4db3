import FollowThroughCore
import Foundation

/// The machine-readable account of one run (`run --summary-json PATH`; also kept in the state's `run` table).
public struct RunSummary: Codable, Sendable, Equatable {
    public struct FileCount: Codable, Sendable, Equatable {
        public var file: String
        public var rows: Int
        public var rejected: Int
    }
    public struct Failure: Codable, Sendable, Equatable {
        public var recipient: String
        public var kind: String
        public var permanent: Bool
        public var reply: String
    }
    public var as_of: String
    public var run_id: Int64?
    public var started_at: Int64
    public var finished_at: Int64?
    public var exit_status: Int32
    public var error: String?
    public var dry_run = false
    public var resend = false
    public var transport: String?
    public var files: [FileCount] = []
    public var rows_read = 0
    public var rows_rejected = 0
    public var warnings = 0
    public var recommendations = 0
    public var open = 0
    public var stale = 0
    public var visits_in_window = 0
    /// Tonight's messages by kind (this as-of date), whether stored by this run or an earlier run of the same date.
    public var messages_by_kind: [String: Int] = [:]
    /// Messages rendered and stored by this run.
    public var stored_now: [String: Int] = [:]
    public var already_delivered = 0
    public var retried_from_earlier = 0
    public var superseded = 0
    public var expired = 0
    public var status_changes_seen = 0
    public var first_run = false
    public var attempted = 0
    public var delivered = 0
    public var failed = 0
    public var failed_permanently = 0
    /// Handed to the transport but no outcome came back.
    public var no_outcome = 0
    public var failures: [Failure] = []
    /// Wall time of each step (read_exports, plan, state_and_render, deliver), in milliseconds.
    public var phases_ms: [String: Int] = [:]
    /// Peak resident memory of the process (MB) at the end of each step.
    public var phases_peak_mb: [String: Int] = [:]

    public init(asOf: String, startedAt: Int64, exitStatus: ExitStatus) {
        as_of = asOf; started_at = startedAt; exit_status = exitStatus.rawValue
    }

    /// Fills in the input figures of a loaded run.
    public mutating func add(_ run: LoadedRun) {
        files = run.report.files.map { FileCount(file: $0.file, rows: $0.rows, rejected: $0.rejected) }
        rows_read = run.report.files.reduce(0) { $0 + $1.rows }
        rows_rejected = run.report.files.reduce(0) { $0 + $1.rejected }
        warnings = run.report.warnings.count
        let s = run.plan.stats
        recommendations = s.recommendations; open = s.open; stale = s.stale; visits_in_window = s.visitsInWindow
    }

    /// Fills in what the outbox step did.
    public mutating func add(_ outbox: OutboxPreparation) {
        run_id = outbox.runID
        messages_by_kind = outbox.tonightByKind
        stored_now = outbox.storedByKind
        already_delivered = outbox.alreadyDelivered
        retried_from_earlier = outbox.retriedFromEarlier
        superseded = outbox.superseded
        expired = outbox.expired
        status_changes_seen = outbox.changesSeen
        first_run = outbox.firstRun
        attempted = outbox.deliverable.count
    }

    /// Fills in the delivery outcomes.
    public mutating func add(_ outcomes: [DeliveryOutcome], entries: [OutboxEntry]) {
        let kinds = Dictionary(entries.map { ($0.messageID, $0.kind) }, uniquingKeysWith: { a, _ in a })
        delivered = outcomes.filter { $0.status == .delivered }.count
        let failedOutcomes = outcomes.filter { $0.status == .failed }
        failed = failedOutcomes.count
        failed_permanently = failedOutcomes.filter(\.permanent).count
        no_outcome = max(0, entries.count - outcomes.count)
        failures = failedOutcomes.map {
            Failure(recipient: $0.recipient, kind: kinds[$0.messageID] ?? "", permanent: $0.permanent, reply: $0.reply)
        }
    }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}

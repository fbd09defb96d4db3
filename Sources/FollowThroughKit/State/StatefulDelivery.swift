import FollowThroughCore
import Foundation

/// Hands the outbox to a transport and records each outcome in the state as it arrives, so a run killed at any
/// instant leaves at most the one message in flight unrecorded (the next run sends it again, same bytes, same Message-ID).
/// An idempotent transport's outcomes (the outbox folder's) are recorded a batch at a time: what a kill leaves
/// unrecorded is written again by the next run, over the same files.
public struct StatefulDelivery: Sendable {
    /// Outcomes of an idempotent transport recorded per transaction (the outbox reports up to 512 per flush to disk).
    static let batchSize = 64
    /// Bodies read from the state per read, as the transport takes messages: all a delivery holds of them.
    static let bodyBatchSize = 16

    public let store: StateStore
    public let runID: Int64
    public let now: @Sendable () -> Int64
    /// Test hook: pause this long after each outcome, before recording it (widens the in-flight window).
    public var delayBeforeRecordingMs: Int = 0
    public let report: @Sendable (String) -> Void

    public init(store: StateStore, runID: Int64, now: @escaping @Sendable () -> Int64, delayBeforeRecordingMs: Int = 0,
                report: @escaping @Sendable (String) -> Void) {
        self.store = store; self.runID = runID; self.now = now
        self.delayBeforeRecordingMs = delayBeforeRecordingMs; self.report = report
    }

    /// Delivers every entry, its body read from the state when the transport takes it; returns the outcomes.
    /// Throws `TransportSetupError` when the transport cannot start, or a `StateError` when bodies cannot be read
    /// (what was not handed over then stays pending for the next run).
    public func deliver(_ entries: [OutboxEntry], via transport: MailTransport) throws -> [DeliveryOutcome] {
        let rows = RowQueue(entries)
        let source = MessageSource(count: entries.count, batchSize: Self.bodyBatchSize) { [store] range in
            let slice = entries[range]
            return zip(slice, try store.bodies(of: slice.map(\.rowID))).map { $0.message(data: $1) }
        }
        let tally = LockedList<DeliveryOutcome>()
        let unrecorded = OutcomeBatch()
        let store = store, runID = runID, now = now, delay = delayBeforeRecordingMs, report = report
        let batchSize = transport.idempotent ? Self.batchSize : 1
        let record: @Sendable ([(outcome: DeliveryOutcome, rowID: Int64)]) -> Void = { outcomes in
            do {
                try store.record(outcomes, runID: runID, now: now())
            } catch {
                for (outcome, _) in outcomes {
                    report("followthrough: \(error) — the outcome for \(outcome.recipient) was not recorded; it may be sent again")
                }
            }
        }
        try store.withoutCheckpoints {
            defer { record(unrecorded.takeAll()) }  // the last, partial batch, also when the transport stops early
            try transport.deliver(source) { outcome in
                if delay > 0 { usleep(useconds_t(delay) * 1000) }
                guard let rowID = rows.take(outcome.messageID) else {
                    report("followthrough: warning: outcome for unknown message \(outcome.messageID) ignored")
                    return
                }
                if let full = unrecorded.add((outcome, rowID), batchSize: batchSize) { record(full) }
                tally.add(outcome)
            }
        }
        if let error = source.error { throw error }
        return tally.all
    }
}

/// Outcomes waiting to be recorded together (thread-safe; transports may report from several threads).
final class OutcomeBatch: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(outcome: DeliveryOutcome, rowID: Int64)] = []
    /// Adds one; returns the whole batch (and empties it) once it holds `batchSize`.
    func add(_ item: (outcome: DeliveryOutcome, rowID: Int64), batchSize: Int) -> [(outcome: DeliveryOutcome, rowID: Int64)]? {
        lock.withLock {
            items.append(item)
            guard items.count >= batchSize else { return nil }
            defer { items = [] }
            return items
        }
    }
    func takeAll() -> [(outcome: DeliveryOutcome, rowID: Int64)] { lock.withLock { defer { items = [] }; return items } }
}

/// Message-ID → state rows, taken once each (thread-safe; transports may report from several threads).
final class RowQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [String: [Int64]] = [:]
    init(_ entries: [OutboxEntry]) { for e in entries { rows[e.messageID, default: []].append(e.rowID) } }
    func take(_ messageID: String) -> Int64? {
        lock.withLock {
            guard var list = rows[messageID], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            rows[messageID] = list
            return first
        }
    }
}

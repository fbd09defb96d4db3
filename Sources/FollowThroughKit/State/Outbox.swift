import FollowThroughCore
import Foundation
import GRDB

/// The outbox step: in one transaction, record tonight's statuses and changes, settle earlier undelivered
/// messages (retry, superseded, expired), render and store every message tonight still needs, and list what to deliver.
extension StateStore {
    /// Runs the outbox step for real. Its commit is synced to disk (the WAL fsynced, as `synchronous = FULL` does)
    /// before it returns, so no message is delivered that a power cut could take out of the state; the copy of the WAL
    /// into the file (a checkpoint, which SQLite would otherwise run inside this commit) goes on in the background
    /// while the run delivers.
    public func prepareOutbox(_ request: OutboxRequest) throws(StateError) -> OutboxPreparation {
        let prepared: OutboxPreparation
        do {
            try setDurability(synchronous: "FULL", autoCheckpointPages: 0)
            defer { try? setDurability(synchronous: "NORMAL", autoCheckpointPages: Self.defaultCheckpointPages) }
            prepared = try write { db in try Self.prepare(db, request) }
        }
        if isFile { checkpoint.start(path: path) }
        return prepared
    }

    /// Works out what the outbox step would do, and changes nothing (dry runs).
    public func rehearseOutbox(_ request: OutboxRequest) throws(StateError) -> OutboxPreparation {
        try rehearse { db in
            // A stand-in run row, rolled back with everything else.
            try db.execute(sql: "INSERT INTO run (as_of, started_at, pid) VALUES (?, ?, 0)",
                           arguments: [request.asOf.description, request.now])
            var request = request
            request.runID = db.lastInsertedRowID
            return try Self.prepare(db, request)
        }
    }

    static func prepare(_ db: Database, _ r: OutboxRequest) throws -> OutboxPreparation {
        let asOf = r.asOf.description
        // 1. Statuses and their changes.
        // Last run's statuses: already laid under tonight's when the exports were read against them (the nightly run).
        let previous = r.dataset.statuses.knowsPrevious ? nil : try StatusLedger.previous(db)
        let detected = StatusChanges.detect(previous: previous, dataset: r.dataset, asOf: r.asOf)
        // Packed beforehand from the dataset's statuses: the same snapshot as `next` when those knew last run's.
        let pieces = r.dataset.statuses.knowsPrevious ? r.packedStatuses?.take() : nil
        try StatusLedger.save(db, statuses: detected.next, pieces: pieces, changes: detected.changes, asOf: r.asOf)

        // 2. Generation: --resend retires tonight's undelivered messages and renders a new set.
        let latest = try Int.fetchOne(db, sql: "SELECT MAX(generation) FROM message WHERE as_of = ?", arguments: [asOf])
        var generation = latest ?? 0
        var superseded = 0
        if r.resend, let latest {
            generation = latest + 1
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM message WHERE as_of = ? AND state IN ('pending', 'failed')",
                                         arguments: [asOf])
            for id in ids { try close(db, id, as: "superseded") }
            superseded += ids.count
        }
        let storedRows = try Row.fetchAll(db, sql: "SELECT kind, recipient_id, state FROM message WHERE as_of = ? AND generation = ?",
                                          arguments: [asOf, generation])
        let stored = Set(storedRows.map { MessageKey(kind: $0["kind"], recipientID: $0["recipient_id"]) })
        let alreadyDelivered = storedRows.filter { ($0["state"] as String) == "sent" }.count

        // 3. History, then which earlier undelivered messages tonight's notices replace.
        var facts = StateFacts(reminders: try History.reminders(db, before: asOf), priorDigests: try History.priorDigests(db, before: asOf))
        let followUp = FollowUp(settings: r.settings)
        var settled = try settleEarlier(db, runAsOf: r.asOf, newer: followUp.noticeKeys(r.plan, facts: facts, people: r.dataset.people),
                                        retryDays: r.settings.retryDays)
        if r.settings.sendUpdates {
            facts.changesByTechnician = try StatusLedger.unannounced(db)
            // A technician who gets a lead update tonight: older undelivered lead updates are replaced, their news folded in.
            let updateKeys = followUp.noticeKeys(r.plan, facts: facts, people: r.dataset.people)
            let more = try settleEarlier(db, runAsOf: r.asOf, newer: updateKeys, retryDays: r.settings.retryDays)
            settled.superseded += more.superseded; settled.expired += more.expired
            facts.changesByTechnician = try StatusLedger.unannounced(db)
        }
        superseded += settled.superseded

        // Bodies no longer needed make room for tonight's (the state file stops growing with the nights).
        try MessageBodies.prune(db, asOf: r.asOf)

        // 4. Render and store what tonight still needs, in this same transaction.
        // Taken out of the request and filled in where it lies (see `OutboxRequest.plan`); returned with the result.
        var plan = r.takePlan()
        followUp.apply(to: &plan, facts: facts, people: r.dataset.people)
        plan.remove(stored)
        // A batch at a time: each batch's bodies are dropped once stored, so memory does not grow with the night.
        var storedByKind: [String: Int] = [:]
        try r.compose(plan, generation) { batch in
            for m in batch {
                try insert(db, m, asOf: asOf, generation: generation, runID: r.runID, now: r.now, envelopeFrom: r.envelopeFrom)
                storedByKind[m.kind.rawValue, default: 0] += 1
            }
        }
        var tonight: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM message WHERE as_of = ? AND generation = ? GROUP BY kind",
                                    arguments: [asOf, generation]) {
            tonight[row["kind"]] = row["n"]
        }
        try db.execute(sql: "UPDATE run SET stored = ? WHERE id = ?", arguments: [storedByKind.values.reduce(0, +), r.runID])

        let deliverable = try Row.fetchAll(db, sql: """
            SELECT id, message_id, as_of, kind, envelope_from, recipient, to_header, subject FROM message
            WHERE \(StateSchema.deliverable) AND as_of <= ?
            ORDER BY as_of, id
            """, arguments: [asOf]).map { row in
            OutboxEntry(rowID: row["id"], asOf: row["as_of"], to: row["to_header"], subject: row["subject"], messageID: row["message_id"],
                        kind: row["kind"], envelopeFrom: row["envelope_from"], recipient: row["recipient"])
        }
        return OutboxPreparation(
            runID: r.runID, generation: generation, firstRun: detected.next.previousCount == 0, changesSeen: detected.changes.count,
            storedByKind: storedByKind, tonightByKind: tonight, alreadyDelivered: alreadyDelivered,
            retriedFromEarlier: deliverable.filter { $0.asOf < asOf }.count, superseded: superseded,
            expired: settled.expired, deliverable: deliverable, plan: plan)
    }

    /// Applies the retry rule to every undelivered message of an earlier date.
    static func settleEarlier(_ db: Database, runAsOf: LocalDate, newer: Set<MessageKey>, retryDays: Int) throws
        -> (superseded: Int, expired: Int) {
        var counts = (superseded: 0, expired: 0)
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, as_of, kind, recipient_id, permanent FROM message
            WHERE state IN ('pending', 'failed') AND as_of < ?
            """, arguments: [runAsOf.description])
        for row in rows {
            guard let messageAsOf = LocalDate(iso: row["as_of"]) else { continue }
            let decision = RetryRule.decide(
                messageAsOf: messageAsOf, runAsOf: runAsOf, failedPermanently: row["permanent"] as Bool,
                hasNewer: newer.contains(MessageKey(kind: row["kind"], recipientID: row["recipient_id"])), retryDays: retryDays)
            switch decision {
            case .superseded: try close(db, row["id"], as: "superseded"); counts.superseded += 1
            case .expired: try close(db, row["id"], as: "expired"); counts.expired += 1
            case .deliver, .permanent: break
            }
        }
        return counts
    }

    /// Retires an undelivered message; the news it carried goes back to be told by the next message.
    static func close(_ db: Database, _ id: Int64, as state: String) throws {
        try db.execute(sql: "UPDATE message SET state = ? WHERE id = ?", arguments: [state, id])
        try db.execute(sql: "UPDATE status_change SET carrier = NULL WHERE carrier = ? AND announced_at IS NULL", arguments: [id])
    }

    static func insert(_ db: Database, _ m: ComposedMessage, asOf: String, generation: Int, runID: Int64, now: Int64,
                       envelopeFrom: String) throws {
        // Cached statements: a night stores hundreds of messages listing tens of thousands of items.
        try db.cachedStatement(sql: """
            INSERT INTO message (message_id, as_of, kind, recipient_id, recipient, to_header, envelope_from, subject,
                                 generation, created_run, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [m.mime.messageID, asOf, m.kind.rawValue, m.recipientID, m.recipient.address, m.recipient.description, envelopeFrom,
                             m.mime.subject, generation, runID, now])
        let row = db.lastInsertedRowID
        try MessageBodies.insert(db, message: row, packed: m.packed ?? BodyCompression.pack(m.data))
        let item = try db.cachedStatement(sql: "INSERT INTO message_item (message, recommendation_id) VALUES (?, ?)")
        for id in Set(m.listedIDs) { try item.execute(arguments: [row, id]) }
        for change in m.changeIDs where change > 0 {
            try db.execute(sql: "UPDATE status_change SET carrier = ? WHERE id = ? AND announced_at IS NULL", arguments: [row, change])
        }
    }
}

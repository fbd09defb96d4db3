import FollowThroughCore
import Foundation
import GRDB

extension StateStore {
    /// The statuses recorded by the last run (read before the exports, so that only what may have moved is kept in full).
    public func previousStatuses() throws(StateError) -> StatusSnapshot { try read { try StatusLedger.previous($0) } }
}

/// Recommendation statuses as last seen (one compact snapshot), and the changes waiting to be told.
enum StatusLedger {
    /// The statuses recorded by the last run; empty before the first.
    static func previous(_ db: Database) throws -> StatusSnapshot {
        guard let data = try Data.fetchOne(db, sql: "SELECT data FROM status_snapshot WHERE id = 1") else { return StatusSnapshot() }
        guard let snapshot = data.withUnsafeBytes({ StatusSnapshot(encoded: $0) }) else {
            throw StateError(file: "", message: "the recorded recommendation statuses are damaged",
                             hint: "restore the state file from a backup, or move it away to start afresh (updates restart)")
        }
        return snapshot
    }

    /// Replaces the snapshot (one value of ~11 bytes per recommendation: a write of a few MB at 1M work orders, instead
    /// of a row per recommendation) and stores tonight's changes.
    static func save(_ db: Database, statuses: StatusSnapshot, changes: [StatusChange], asOf: LocalDate) throws {
        let day = asOf.description
        let data = statuses.encoded()
        try data.withUnsafeBytes { bytes in
            // Handed to SQLite without a copy (~11 bytes a recommendation: 13 MB over 15 years of a 1M company,
            // and the copy added to the run's peak memory).
            let blob = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count, deallocator: .none)
            try db.execute(sql: """
                INSERT INTO status_snapshot (id, taken_on, count, data) VALUES (1, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET taken_on = excluded.taken_on, count = excluded.count, data = excluded.data
                """, arguments: [day, statuses.count, blob])
        }
        for c in changes {
            try db.execute(sql: """
                INSERT INTO status_change (recommendation_id, recommended_by, from_status, to_status, observed_on,
                                           description, site_label, quote_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.recommendationID, c.recommendedBy, c.from.rawValue, c.to.rawValue, day,
                                 c.description, c.siteLabel, c.quoteID])
        }
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

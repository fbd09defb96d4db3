import FollowThroughCore
import GRDB
import GRDBSQLite

/// SQLite's SQLITE_TRANSIENT (copy the bound bytes), which Swift cannot import as a macro.
private let SQLITE_TRANSIENT_DESTRUCTOR = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Recommendation statuses as last seen, and the changes waiting to be told.
enum StatusLedger {
    static func previous(_ db: Database) throws -> [String: StatusChanges.Seen] {
        // Stepped directly: one row per recommendation ever seen (~250k at 1M work orders); GRDB rows cost more.
        let select = try db.makeStatement(sql: "SELECT recommendation_id, status FROM recommendation_status")
        let statement = select.sqliteStatement
        var seen: [String: StatusChanges.Seen] = [:]
        seen.reserveCapacity(Int(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recommendation_status") ?? 0))
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                sqlite3_reset(statement)
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                    sql: select.sql)
            }
            seen[text(statement, 0)] = StatusChanges.Seen(status: TrackedStatus(rawValue: text(statement, 1)) ?? .open)
        }
        sqlite3_reset(statement)
        return seen
    }

    /// A column of the current row as text, by its bytes (NUL included), as GRDB would read it.
    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    static func save(_ db: Database, statuses: [String: TrackedStatus], changes: [StatusChange], asOf: LocalDate) throws {
        let day = asOf.description
        // New and moved statuses only (all of them on a first run: ~250k rows at 1M work orders). One prepared
        // statement stepped directly: GRDB's per-row argument boxing cost more than SQLite's work. In id order (SQLite's
        // BINARY collation: bytes), so the WITHOUT ROWID b-tree fills page by page.
        let upsert = try db.makeStatement(sql: """
            INSERT INTO recommendation_status (recommendation_id, status, seen_on) VALUES (?, ?, ?)
            ON CONFLICT (recommendation_id) DO UPDATE SET status = excluded.status, seen_on = excluded.seen_on
            WHERE status <> excluded.status
            """)
        let statement = upsert.sqliteStatement
        let connection = db.sqliteConnection
        func check(_ code: Int32) throws {
            guard code == SQLITE_OK || code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                                    sql: upsert.sql)
            }
        }
        func bind(_ text: String, _ index: Int32) throws {
            var text = text
            // By length, not up to a NUL: the bytes as GRDB would bind them.
            try check(text.withUTF8 { u in
                guard let base = u.baseAddress, !u.isEmpty else {
                    return sqlite3_bind_text(statement, index, "", 0, SQLITE_TRANSIENT_DESTRUCTOR)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: u.count) {
                    sqlite3_bind_text(statement, index, $0, Int32(u.count), SQLITE_TRANSIENT_DESTRUCTOR)
                }
            })
        }
        try bind(day, 3)
        for (id, status) in ByteOrder.sorted(statuses) {
            try bind(id, 1)
            try bind(status.rawValue, 2)
            let step = sqlite3_step(statement)
            sqlite3_reset(statement)
            try check(step)
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

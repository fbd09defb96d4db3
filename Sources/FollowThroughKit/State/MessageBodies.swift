import FollowThroughCore
import Foundation
import GRDB

/// The bytes of each stored message, in a table of their own (schema v4): recording a delivery outcome rewrites
/// only the small `message` row, and delivery reads the bodies a batch at a time, as the transport takes them.
enum MessageBodies {
    /// Stores the exact bytes to send for message row `message`, as `BodyCompression.pack` made them.
    static func insert(_ db: Database, message: Int64, packed: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT INTO message_body (message, data) VALUES (?, ?)")
            .execute(arguments: [message, Data(packed)])
    }

    /// Nights a body is kept once its message will not be sent (again): sent, given up, replaced or refused for good.
    /// The message row stays (history, reminders, `status`); only the bytes go, ~40 KB a message.
    static let keptNights = 7

    /// Drops the bodies of messages dated more than `keptNights` before `asOf` that are no longer deliverable.
    static func prune(_ db: Database, asOf: LocalDate) throws {
        try db.execute(sql: """
            DELETE FROM message_body WHERE message IN (
                SELECT id FROM message WHERE as_of < ? AND NOT \(StateSchema.deliverable))
            """, arguments: [asOf.adding(days: -keptNights).description])
    }

    /// The bodies of `rowIDs`, in that order; throws when one is missing.
    static func fetch(_ db: Database, _ rowIDs: [Int64]) throws -> [[UInt8]] {
        guard !rowIDs.isEmpty else { return [] }
        var found: [Int64: [UInt8]] = Dictionary(minimumCapacity: rowIDs.count)
        let marks = Array(repeating: "?", count: rowIDs.count).joined(separator: ",")
        let rows = try Row.fetchCursor(db, sql: "SELECT message, data FROM message_body WHERE message IN (\(marks))",
                                       arguments: StatementArguments(rowIDs))
        while let row = try rows.next() {
            let message: Int64 = row[0]
            // Straight from SQLite's buffer into the array (decompressed on the way).
            let body = try row.withUnsafeData(atIndex: 1) { data in data.map { $0.withUnsafeBytes(BodyCompression.unpack) } ?? [] }
            guard let body else {
                throw StateError(file: "", message: "the stored body of message \(message) is damaged",
                                 hint: "restore the state file from a backup")
            }
            found[message] = body
        }
        return try rowIDs.map { id in
            guard let body = found[id] else { throw StateError(file: "", message: "the body of stored message \(id) is missing") }
            return body
        }
    }
}

extension StateStore {
    /// The stored bodies of `rowIDs`, in that order (one read).
    public func bodies(of rowIDs: [Int64]) throws(StateError) -> [[UInt8]] {
        try read { db in try MessageBodies.fetch(db, rowIDs) }
    }
}

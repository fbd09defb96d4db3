import Foundation
import FollowThroughTestSupport
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

@Suite struct MessageBodyMigrationTests {
    /// A state file written before v4 (bodies in the message rows) opens with every body in `message_body`, the
    /// message rows and their delivery state unchanged, and its pending messages deliverable byte for byte.
    @Test func bodiesMoveToTheirOwnTableAndStayDeliverable() throws {
        let path = TestScratch.path("v3.sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let old = try DatabaseQueue(path: path)
        try StateSchema.migrator.migrate(old, upTo: "v3-status-snapshot")
        let bodies = (0..<3).map { i in Array("From: x\r\n\r\nbody \(i) ".utf8) + Array(repeating: UInt8(0xE9), count: 5000 * i) }
        try old.write { db in
            try db.execute(sql: "INSERT INTO run (as_of, started_at, pid) VALUES ('2026-11-22', 1, 1)")
            for (i, body) in bodies.enumerated() {
                try db.execute(sql: """
                    INSERT INTO message (message_id, as_of, kind, recipient_id, recipient, to_header, envelope_from, subject, data,
                                         state, created_run, created_at) VALUES (?, '2026-11-22', 'pre-visit', ?, ?, ?, 'desk@x', 's', ?, ?, 1, 1)
                    """, arguments: ["m\(i)@x", "T\(i)", "t\(i)@x", "t\(i)@x", Data(body), i == 1 ? "sent" : "pending"])
            }
        }
        try old.close()

        let store = try StateStore.open(path: path)
        let columns = try store.read { db in try db.columns(in: "message").map(\.name) }
        #expect(!columns.contains("data"))
        let states = try store.read { db in try String.fetchAll(db, sql: "SELECT state FROM message ORDER BY id") }
        #expect(states == ["pending", "sent", "pending"])
        #expect(try store.bodies(of: [3, 1, 2]) == [bodies[2], bodies[0], bodies[1]])

        let runID = try store.beginRun(asOf: LocalDate(iso: "2026-11-23")!, now: 2, pid: 1, resend: false)
        let entries = (try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM message WHERE state = 'pending' ORDER BY id") })
            .map { OutboxEntry(rowID: $0["id"], asOf: $0["as_of"], to: $0["to_header"], subject: $0["subject"], messageID: $0["message_id"],
                               kind: $0["kind"], envelopeFrom: $0["envelope_from"], recipient: $0["recipient"]) }
        let received = LockedList<[UInt8]>()
        let transport = RecordingTransport.calling { m in
            received.add(m.data)
            return DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .delivered, permanent: false, attempts: 1, reply: "ok")
        }
        _ = try StatefulDelivery(store: store, runID: runID, now: { 3 }, report: { _ in }).deliver(entries, via: transport)
        #expect(received.all == [bodies[0], bodies[2]])
    }
}

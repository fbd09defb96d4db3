import Foundation
import FollowThroughTestSupport
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

/// When delivery outcomes reach the state: one by one for a real receiver (at most the message in flight is
/// unrecorded at a crash), a batch at a time for an idempotent transport (the outbox folder).
@Suite("Stateful delivery: when outcomes are recorded")
struct StatefulDeliveryTests {
    /// A fresh state file with `count` stored, pending messages; their outbox entries.
    static func store(messages count: Int) throws -> (StateStore, Int64, [OutboxEntry], URL) {
        let dir = TestScratch.path("delivery")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try StateStore.open(path: dir.appendingPathComponent("state.sqlite").path)
        let runID = try store.beginRun(asOf: LocalDate(iso: "2026-11-23")!, now: 1, pid: 1, resend: false)
        let entries = try store.write { db in
            try (0..<count).map { i -> OutboxEntry in
                let message = Self.message(i)
                try db.execute(sql: """
                    INSERT INTO message (message_id, as_of, kind, recipient_id, recipient, to_header, envelope_from, subject,
                                         created_run, created_at) VALUES (?, '2026-11-23', 'pre-visit', ?, ?, ?, ?, 's', ?, 1)
                    """, arguments: [message.messageID, "T\(i)", message.recipient, message.recipient, message.envelopeFrom, runID])
                let row = db.lastInsertedRowID
                try MessageBodies.insert(db, message: row, packed: BodyCompression.pack(message.data))
                return OutboxEntry(rowID: row, asOf: "2026-11-23", to: message.recipient, subject: "s", messageID: message.messageID,
                                   kind: message.kind, envelopeFrom: message.envelopeFrom, recipient: message.recipient)
            }
        }
        return (store, runID, entries, dir)
    }

    /// Stored message `i`, with a body of its own.
    static func message(_ i: Int) -> OutgoingMessage {
        OutgoingMessage(messageID: "m\(i)@test", kind: "pre-visit", envelopeFrom: "desk@example.com",
                        recipient: "t\(i)@example.com", data: Array("body \(i) ".utf8) + Array(repeating: UInt8(i % 251), count: i))
    }

    static func sent(_ store: StateStore) throws -> Int {
        try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM message WHERE state = 'sent'")! }
    }

    /// A transport that notes, before each outcome, how many messages the state already counts as sent.
    static func transport(idempotent: Bool, store: StateStore, seen: Lines, failAfter: Int? = nil) -> MailTransport {
        MailTransport(name: "test", idempotent: idempotent) { messages, onOutcome in
            for (i, m) in messages.enumerated() {
                if let failAfter, i == failAfter { throw TransportSetupError("connection lost") }
                seen.add("\((try? sent(store)) ?? -1)")
                onOutcome(DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .delivered,
                                          permanent: false, attempts: 1, reply: "ok"))
            }
        }
    }

    func deliver(_ store: StateStore, _ runID: Int64, _ entries: [OutboxEntry], via transport: MailTransport) throws -> [DeliveryOutcome] {
        try StatefulDelivery(store: store, runID: runID, now: { 2 }, report: { _ in }).deliver(entries, via: transport)
    }

    @Test func aReceiversOutcomesAreEachRecordedBeforeTheNextMessageGoes() throws {
        let (store, runID, entries, dir) = try Self.store(messages: 5)
        defer { try? FileManager.default.removeItem(at: dir) }
        let seen = Lines()
        let outcomes = try deliver(store, runID, entries, via: Self.transport(idempotent: false, store: store, seen: seen))
        #expect(outcomes.count == 5)
        #expect(seen.all == ["0", "1", "2", "3", "4"])
        #expect(try Self.sent(store) == 5)
    }

    @Test func anIdempotentTransportsOutcomesAreRecordedABatchAtATime() throws {
        let n = StatefulDelivery.batchSize * 2 + 5
        let (store, runID, entries, dir) = try Self.store(messages: n)
        defer { try? FileManager.default.removeItem(at: dir) }
        let seen = Lines()
        _ = try deliver(store, runID, entries, via: Self.transport(idempotent: true, store: store, seen: seen))
        let batch = StatefulDelivery.batchSize
        #expect(seen.all == (0..<n).map { "\($0 / batch * batch)" })
        #expect(try Self.sent(store) == n)
        let counts = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT delivered, (SELECT COUNT(*) FROM delivery) AS attempts FROM run WHERE id = ?", arguments: [runID])!
        }
        #expect(counts["delivered"] as Int == n && counts["attempts"] as Int == n)
    }

    @Test func outcomesBeforeATransportFailureAreRecorded() throws {
        let (store, runID, entries, dir) = try Self.store(messages: 10)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: TransportSetupError.self) {
            try deliver(store, runID, entries, via: Self.transport(idempotent: true, store: store, seen: Lines(), failAfter: 7))
        }
        #expect(try Self.sent(store) == 7)
    }

    /// Delivery holds SQLite's automatic checkpoints back and restores the default after.
    @Test func automaticCheckpointsAreBackToTheDefaultAfterDelivery() throws {
        let (store, runID, entries, dir) = try Self.store(messages: 3)
        defer { try? FileManager.default.removeItem(at: dir) }
        let during = Lines()
        let probe = MailTransport(name: "probe", idempotent: true) { messages, onOutcome in
            during.add("\(try store.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint")! })")
            for m in messages {
                onOutcome(DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .delivered, permanent: false, attempts: 1, reply: "ok"))
            }
        }
        _ = try deliver(store, runID, entries, via: probe)
        #expect(during.all == ["\(StateStore.deliveryCheckpointPages)"])
        #expect(try store.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint")! } == 1000)
    }

    /// Bodies come from the state a batch at a time, as the transport takes them, each with its exact stored bytes.
    @Test func bodiesAreReadFromTheStateABatchAtATimeAsTheTransportTakesThem() throws {
        let n = StatefulDelivery.bodyBatchSize * 3 + 2
        let (store, runID, entries, dir) = try Self.store(messages: n)
        defer { try? FileManager.default.removeItem(at: dir) }
        let received = LockedList<OutgoingMessage>()
        let taker = MailTransport(name: "taker", idempotent: true) { messages, onOutcome in
            while let m = messages.next() {
                received.add(m)
                onOutcome(DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .delivered, permanent: false,
                                          attempts: 1, reply: "ok"))
            }
        }
        let outcomes = try deliver(store, runID, entries, via: taker)
        #expect(outcomes.count == n)
        #expect(received.all == (0..<n).map(Self.message))
        #expect(try Self.sent(store) == n)
    }

    /// A body missing from the state stops delivery with a state error; what was not handed over stays pending.
    @Test func aMissingBodyStopsDeliveryAndLeavesTheRestPending() throws {
        let n = StatefulDelivery.bodyBatchSize + 3
        let (store, runID, entries, dir) = try Self.store(messages: n)
        defer { try? FileManager.default.removeItem(at: dir) }
        try store.write { db in
            try db.execute(sql: "DELETE FROM message_body WHERE message = ?", arguments: [entries[StatefulDelivery.bodyBatchSize].rowID])
        }
        #expect(throws: StateError.self) {
            try deliver(store, runID, entries, via: Self.transport(idempotent: true, store: store, seen: Lines()))
        }
        #expect(try Self.sent(store) == StatefulDelivery.bodyBatchSize)
    }
}

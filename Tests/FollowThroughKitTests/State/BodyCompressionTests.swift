import Foundation
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

/// Bodies are kept as zstd frames, read back byte for byte; raw bodies (stored before) read as they are.
@Suite struct BodyCompressionTests {
    static func unpack(_ stored: [UInt8]) -> [UInt8]? { stored.withUnsafeBytes(BodyCompression.unpack) }

    @Test func aMessageShrinksAndComesBackByteForByte() {
        let item = "<tr><td>Compressor drawing high amps =E2=80=94 replace before summer</td><td>$1,250.00</td></tr>\r\n"
        let body = Array(("From: Service Desk <service@example.com>\r\n\r\n" + String(repeating: item, count: 300)).utf8)
        let stored = BodyCompression.pack(body)
        #expect(Array(stored.prefix(4)) == BodyCompression.magic)
        #expect(stored.count * 5 < body.count)
        #expect(Self.unpack(stored) == body)
    }

    @Test func rawBytesReadAsTheyAreAndAnyBytesRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        let raw = Array("Date: Mon, 23 Nov 2026 20:00:00 -0500\r\nSubject: hi\r\n\r\nbody\r\n".utf8)
        #expect(Self.unpack(raw) == raw, "a body stored before compression")
        for length in [0, 1, 3, 4, 5, 100, 5000] {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Self.unpack(BodyCompression.pack(bytes)) == bytes)
            // Bytes that begin like a frame are stored as one even when that is not smaller.
            if length >= 4 {
                bytes.replaceSubrange(0..<4, with: BodyCompression.magic)
                let stored = BodyCompression.pack(bytes)
                #expect(stored != bytes && Self.unpack(stored) == bytes)
            }
        }
    }

    /// Bodies are packed on every rendering thread at once: each gets a context of its own, and every frame unpacks
    /// to its body.
    @Test func bodiesPackedOnManyThreadsAtOnceComeBackByteForByte() {
        let bodies = (0..<64).map { n in Array(String(repeating: "Visit \(n): replace the belt before summer\r\n", count: 50 + n * 7).utf8) }
        let stored = LockedList<(Int, [UInt8])>()
        DispatchQueue.concurrentPerform(iterations: bodies.count) { stored.add(($0, BodyCompression.pack(bodies[$0]))) }
        let frames = stored.all.sorted { $0.0 < $1.0 }.map(\.1)
        #expect(frames.count == bodies.count)
        for (frame, body) in zip(frames, bodies) {
            #expect(Array(frame.prefix(4)) == BodyCompression.magic)
            #expect(Self.unpack(frame) == body)
        }
    }

    @Test func aDamagedFrameIsNotReadAsABody() {
        let body = Array(String(repeating: "Pre-visit summary line\r\n", count: 200).utf8)
        var stored = BodyCompression.pack(body)
        #expect(Self.unpack(Array(stored.prefix(stored.count / 2))) == nil, "cut short")
        stored[stored.count / 2] ^= 0xFF
        stored[stored.count / 2 + 1] ^= 0xFF
        #expect(Self.unpack(stored) == nil, "changed in the middle: the content checksum does not match")
    }

    /// Through the store: what a run keeps is a frame, smaller than what it delivered, and unpacks to it.
    @Test func aRunStoresFramesAndDeliversTheMessages() throws {
        let w = try Workspace.oneVisitEach(technicians: 2)
        defer { w.cleanup() }
        try w.write()
        let job = InProcess(workspace: w, receiver: Receiver())
        #expect(job.run("2026-11-23") == .ok)
        let db = try DatabaseQueue(path: w.statePath)
        defer { try? db.close() }
        let stored = try db.read { db in try Data.fetchAll(db, sql: "SELECT data FROM message_body ORDER BY message").map { [UInt8]($0) } }
        let delivered = Set(job.receiver.messages.map(\.data))
        #expect(stored.count == 2 && delivered.count == 2)
        for blob in stored {
            #expect(Array(blob.prefix(4)) == BodyCompression.magic)
            let body = Self.unpack(blob)
            #expect(body.map { delivered.contains($0) && blob.count < $0.count } == true)
        }
    }

    /// A night whose one message failed to go out (so it waits in the state), its stored body then replaced by
    /// `rewrite(stored body)`.
    static func undeliveredNight(rewrite: ([UInt8]) -> [UInt8]) throws -> Workspace {
        let w = try Workspace.oneVisitEach(technicians: 1)
        try w.write()
        let failing = Receiver()
        failing.failing = ["tech1@example.com"]
        #expect(InProcess(workspace: w, receiver: failing).run("2026-11-23") == .deliveryFailures)
        let db = try DatabaseQueue(path: w.statePath)
        defer { try? db.close() }
        try db.write { db in
            let stored = [UInt8](try Data.fetchOne(db, sql: "SELECT data FROM message_body")!)
            try db.execute(sql: "UPDATE message_body SET data = ?", arguments: [Data(rewrite(stored))])
        }
        return w
    }

    /// A body stored raw (as schema v4 kept them) is delivered as it is.
    @Test func aRawStoredBodyIsDeliveredAsItIs() throws {
        let raw = Array("Subject: stored raw\r\n\r\nas before compression\r\n".utf8)
        let w = try Self.undeliveredNight { _ in raw }
        defer { w.cleanup() }
        let job = InProcess(workspace: w, receiver: Receiver())
        _ = job.run("2026-11-23")
        #expect(job.receiver.messages.map(\.data) == [raw])
    }

    /// A damaged stored body stops the delivery with an error naming the message; nothing garbled is sent.
    @Test func aDamagedStoredBodyIsReportedNotSent() throws {
        let w = try Self.undeliveredNight { stored in Array(stored.dropLast(stored.count / 3)) }
        defer { w.cleanup() }
        let job = InProcess(workspace: w, receiver: Receiver())
        #expect(job.run("2026-11-23") == .configOrInput)
        #expect(job.receiver.messages.isEmpty)
        #expect(job.reports.all.contains { $0.contains("is damaged") && $0.contains("restore the state file from a backup") })
    }
}

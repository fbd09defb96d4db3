import CSystem
import Foundation
@testable import FollowThroughKit
import Testing

/// The outbox folder as a transport, on a real file system: batches written by two threads, flushed, then reported.
@Suite struct OutboxTransportTests {
    @Test func everyMessageIsWrittenWholeAndReportedOnceAcrossBatches() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let count = OutboxTransport.batchSize * 2 + 7
        let messages = (0..<count).map { i in
            OutgoingMessage(messageID: "m\(i)@example.com", kind: "pre-visit", envelopeFrom: "desk@example.com",
                            recipient: "tech\(i)@example.com", data: Array("Subject: \(i)\r\n\r\n".utf8) + [UInt8](repeating: UInt8(i % 251), count: 1000 + i))
        }
        // One file cannot be written: a folder stands where it would go.
        let blocked = OutboxTransport.fileName(asOf: "2026-11-23", kind: "pre-visit", recipient: "tech5@example.com")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(blocked), withIntermediateDirectories: false)
        let outcomes = LockedList<DeliveryOutcome>()
        try OutboxTransport.live(directory: dir.path, asOf: "2026-11-23")
            .deliver(MessageSource(count: count, batchSize: 16) { Array(messages[$0]) }) { outcomes.add($0) }
        let byID = Dictionary(grouping: outcomes.all, by: \.messageID)
        #expect(outcomes.all.count == count && byID.count == count)
        #expect(byID["m5@example.com"]?.first?.status == .failed)
        #expect(byID["m5@example.com"]?.first?.reply.hasPrefix("cannot write") == true)
        for (i, message) in messages.enumerated() where i != 5 {
            #expect(byID[message.messageID]?.first?.status == .delivered)
            let name = OutboxTransport.fileName(asOf: "2026-11-23", kind: "pre-visit", recipient: message.recipient)
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == Data(message.data), "\(name)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// A file is written whole under its name, whichever way (an unnamed file then named, or a temporary file renamed
    /// into place), and a night written again replaces it, leaving no temporary file behind.
    @Test(arguments: [true, false])
    func aFileIsWrittenWholeAndWrittenAgainOverItself(unnamed: Bool) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = open(dir.path, O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        let path = dir.appendingPathComponent("a.eml").path
        let first = Array("Subject: 1\r\n\r\nfirst".utf8), second = Array("Subject: 2\r\n\r\n".utf8) + [UInt8](repeating: 0x41, count: 70_000)
        let way = OutboxTransport.UnnamedFiles(unnamed)
        #expect(OutboxTransport.write(first, named: "a.eml", in: folder, path: path, unnamed: way) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(first))
        #expect(OutboxTransport.write(second, named: "a.eml", in: folder, path: path, unnamed: way) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(second))
        // A temporary file left by a run killed midway is no obstacle.
        try Data("partial".utf8).write(to: dir.appendingPathComponent("a.eml.tmp"))
        #expect(OutboxTransport.write(first, named: "a.eml", in: folder, path: path, unnamed: way) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(first))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.eml"])
        #expect(way.available == unnamed, "unnamed files stay in use where the system makes them")
    }

    /// This system makes files with no name and names them (the way the outbox writes), refusing a name taken.
    @Test func unnamedFilesAreMadeAndNamedHere() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = open(dir.path, O_RDONLY | O_DIRECTORY)
        defer { close(folder) }
        let fd = ft_open_unnamed(folder, 0o644)
        #expect(fd >= 0, "O_TMPFILE: \(String(cString: strerror(errno)))")
        defer { close(fd) }
        #expect(OutboxTransport.writeAll(Array("body".utf8), to: fd) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(ft_link_unnamed(fd, folder, "b.eml") == 0)
        #expect(try String(contentsOf: dir.appendingPathComponent("b.eml"), encoding: .utf8) == "body")
        #expect(ft_link_unnamed(fd, folder, "b.eml") == -1 && errno == EEXIST)
    }
}

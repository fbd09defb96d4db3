import Foundation
import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// Runs the serialiser's output through Python's own MIME parser (scripts/mime_dump.py).
@Suite("MIME messages parsed by Python's email package")
struct MailMIMEDumpIntegrationTests {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Mail
        .deletingLastPathComponent()  // FollowThroughCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repo root

    struct Dump: Decodable {
        struct Address: Decodable, Equatable { let display_name: String; let addr_spec: String }
        let file: String
        let headers: [String: [String]]
        let addresses: [String: [Address]]
        let defects: [String]
        let content_type: String
        let parts: [String]
        let text: String?
        let html: String?
        let max_line_length: Int
        let all_crlf: Bool
    }

    /// Runs mime_dump.py on `files`; returns its exit status, stdout and stderr.
    static func runDump(_ files: [String]) throws -> (status: Int32, out: Data, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [repoRoot.appendingPathComponent("scripts/mime_dump.py").path] + files
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, outData, String(decoding: errData, as: UTF8.self))
    }

    static func makeTempDir() throws -> URL {
        let dir = TestScratch.path("mime")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func lf(_ s: String) -> String {
        s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    @Test func pythonParsesOurMessagesCleanly() throws {
        let longLine = (0..<5000).map { i in ["a", "b", "=", " ", "ø", "c"][i % 6] }.joined()
        let messages: [MIMEMessage] = [
            MIMEMessage(
                from: try MailAddress(displayName: "Zoë Ørsted", address: "zoe@followthrough.example.com"),
                to: [try MailAddress(parsing: "\"Smith, Ann\" <ann@example.com>")],
                subject: "Tomorrow 🚐 at Ørsted & Søn — don't forget the ladder 🪜",
                date: 1_795_489_500, utcOffsetSeconds: -18_000,
                messageID: MessageIDGenerator.make(asOf: "2026-11-23", kind: "previsit", recipient: "ann@example.com", domain: "example.com"),
                extraHeaders: [("X-FollowThrough-Kind", "previsit"), ("X-Note", "Zoë\r\nBcc: evil@example.com")],
                textBody: "Hi Ann,\n\n" + longLine + "\ntrailing space \nend",
                htmlBody: "<p>Hi <b>Ann</b> &amp; <b>&</b> team</p>\n<pre>" + longLine + "</pre>\n"),
            MIMEMessage(
                from: try MailAddress(parsing: "FollowThrough <noreply@example.com>"),
                to: [try MailAddress(parsing: "J. R. Bob <bob@example.com>"),
                     try MailAddress(displayName: String(repeating: "Ünïcödé Name ", count: 8), address: "u@example.com"),
                     try MailAddress(parsing: "plain@example.com")],
                subject: String(repeating: "A long plain subject line ", count: 8),
                date: 1_798_759_800, utcOffsetSeconds: 19_800,
                messageID: MessageIDGenerator.make(asOf: "2026-12-31", kind: "stale-leads", recipient: "bob@example.com", domain: "example.com"),
                textBody: "", htmlBody: "<p>.\n.leading dot\nFrom here</p>"),
        ]
        let dir = try Self.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (i, message) in messages.enumerated() {
            let url = dir.appendingPathComponent("m\(i).eml")
            try Data(message.serialized()).write(to: url)
            paths.append(url.path)
        }

        let result = try Self.runDump(paths)
        #expect(result.status == 0, "mime_dump.py failed: \(result.err)")
        let dumps = try JSONDecoder().decode([Dump].self, from: result.out)
        try #require(dumps.count == messages.count)

        for (message, dump) in zip(messages, dumps) {
            #expect(dump.defects == [], "\(dump.file)")
            #expect(dump.headers["Subject"] == [message.subject.replacingOccurrences(of: "\r\n", with: "  ")])
            #expect(dump.addresses["From"] == [.init(display_name: message.from.displayName ?? "", addr_spec: message.from.address)])
            #expect(dump.addresses["To"] == message.to.map { .init(display_name: $0.displayName ?? "", addr_spec: $0.address) })
            #expect(dump.headers["Message-ID"] == ["<\(message.messageID)>"])
            #expect(dump.headers["Date"]?.count == 1)
            #expect(dump.headers["Auto-Submitted"] == ["auto-generated"])
            #expect(dump.headers["Bcc"] == nil)
            #expect(dump.content_type == "multipart/alternative")
            #expect(dump.parts == ["text/plain", "text/html"])
            #expect(dump.text.map(Self.lf) == Self.lf(message.textBody))
            #expect(dump.html.map(Self.lf) == Self.lf(message.htmlBody))
            #expect(dump.all_crlf)
            #expect(dump.max_line_length <= 998)
            #expect(dump.max_line_length <= 78)
        }
        #expect(dumps[0].headers["From"] == ["Zoë Ørsted <zoe@followthrough.example.com>"])
        #expect(dumps[0].headers["To"] == ["\"Smith, Ann\" <ann@example.com>"])
        #expect(dumps[0].headers["Date"] == ["Mon, 23 Nov 2026 22:05:00 -0500"])
        #expect(dumps[0].headers["X-Note"] == ["Zoë  Bcc: evil@example.com"])
        #expect(dumps[1].headers["Date"] == ["Fri, 01 Jan 2027 05:00:00 +0530"])
    }

    @Test func unreadableInputExitsWithOne() throws {
        let result = try Self.runDump(["/nonexistent/ft-\(UUID().uuidString).eml"])
        #expect(result.status == 1)
        #expect(result.err.contains("cannot read"))
        #expect(result.out.isEmpty)
    }
}

import Foundation
import FollowThroughTestSupport
import Logging
import Testing
@testable import FollowThroughKit

/// `scripts/smtp_test_server.py` running as a child process on a free loopback port.
final class SMTPTestServer: @unchecked Sendable {
    struct Received {
        var mailFrom: String
        var rcptTos: [String]
        var connection: Int
        var data: [UInt8]
    }

    struct Event: Decodable {
        var event: String
        var connection: Int
        var time: Double
        var address: String?
        var hostname: String?
        var status: Int?
    }

    private struct Sidecar: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
        var connection: Int
    }

    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let directory: URL
    let port: Int
    private let process: Process
    /// Closing our end makes the server exit, even if this test process dies first.
    private let stdinPipe = Pipe()

    let maildir: URL
    let logFile: URL
    var url: String { "smtp://127.0.0.1:\(port)" }

    init(_ arguments: [String] = []) throws {
        directory = TestScratch.path("smtp-test")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        maildir = directory.appendingPathComponent("maildir")
        logFile = directory.appendingPathComponent("events.jsonl")
        let stdoutFile = directory.appendingPathComponent("stdout")
        FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.repoRoot.appendingPathComponent("scripts/smtp_test_server.py").path,
                             "--port", "0", "--maildir", maildir.path, "--log", logFile.path, "--exit-on-stdin-eof"] + arguments
        process.standardInput = stdinPipe
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("stderr").createEmpty())
        try process.run()

        let deadline = Date().addingTimeInterval(15)
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }) {
                found = Int(line.dropFirst(6))
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        guard let found else {
            process.terminate()
            let stderr = (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
            throw TransportSetupError("test SMTP server did not start: \(stderr)")
        }
        port = found
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Accepted messages, in the order the server stored them.
    func received() throws -> [Received] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            let sidecar = try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: maildir.appendingPathComponent(name)))
            let eml = maildir.appendingPathComponent(String(name.dropLast(5)) + ".eml")
            return Received(mailFrom: sidecar.mail_from, rcptTos: sidecar.rcpt_tos, connection: sidecar.connection,
                            data: [UInt8](try Data(contentsOf: eml)))
        }
    }

    func events() throws -> [Event] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    func count(_ kind: String) throws -> Int { try events().filter { $0.event == kind }.count }
}

private extension URL {
    func createEmpty() -> URL {
        FileManager.default.createFile(atPath: path, contents: nil)
        return self
    }
}

/// A self-signed certificate for 127.0.0.1 / localhost, made once per test run with openssl.
enum TestCertificate {
    struct Files: Sendable { var cert: String; var key: String }

    static let files: Result<Files, TransportSetupError> = {
        let dir = TestScratch.path("smtp-cert")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return .failure(TransportSetupError("openssl: \(error)")) }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return .failure(TransportSetupError("openssl req failed")) }
        return .success(Files(cert: cert, key: key))
    }()

    static func get() throws -> Files { try files.get() }
}

/// Collects every log line (message and metadata) so tests can grep them.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var lines: [String] { lock.withLock { storage } }
    func append(_ line: String) { lock.withLock { storage.append(line) } }

    var logger: Logger {
        Logger(label: "smtp-test") { _ in RecordingLogHandler(recorder: self) }
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append("\(event.level) \(event.message) \(event.metadata ?? [:])")
    }
}

/// Outcomes reported by a transport, in order.
final class OutcomeRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [DeliveryOutcome] = []
    private var times: [ContinuousClock.Instant] = []
    var outcomes: [DeliveryOutcome] { lock.withLock { storage } }
    var instants: [ContinuousClock.Instant] { lock.withLock { times } }
    func record(_ outcome: DeliveryOutcome) { lock.withLock { storage.append(outcome); times.append(.now) } }
    func outcome(for id: String) -> DeliveryOutcome? { outcomes.first { $0.messageID == id } }
}

/// A realistic message: CRLF lines, a line starting with a dot, UTF-8 in the body.
func testMessage(_ n: Int, to recipient: String, from: String = "followthrough@example.test", bodyLines: Int = 40) -> OutgoingMessage {
    var text = "From: FollowThrough <\(from)>\r\nTo: <\(recipient)>\r\nSubject: Open recommendations #\(n)\r\n"
    text += "Message-ID: <msg-\(n)@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    text += "Content-Transfer-Encoding: 8bit\r\n\r\n"
    text += "Bonjour, voilà vos recommandations ouvertes — message \(n).\r\n"
    text += ".a line that starts with a dot must survive dot-stuffing\r\n..and two dots\r\n.\r\n"
    for line in 0..<bodyLines {
        text += "\(line): Site 4711 / pump P-\(n) / replace seal kit, quoted 2024-05-\(line % 28 + 1), follow up with customer.\r\n"
    }
    return OutgoingMessage(messageID: "msg-\(n)", kind: "summary", envelopeFrom: from, recipient: recipient, data: Array(text.utf8))
}

func plainSettings(_ server: SMTPTestServer) -> SMTPSettings {
    SMTPSettings(url: server.url, tls: .off, connectTimeout: .seconds(5), messageTimeout: .seconds(10),
                 backoffBase: .milliseconds(10))
}

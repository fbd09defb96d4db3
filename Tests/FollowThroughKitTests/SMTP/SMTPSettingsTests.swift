import Foundation
import FollowThroughTestSupport
import Testing
@testable import FollowThroughKit

struct SMTPSettingsTests {
    @Test func heloNameBecomesTheURLPath() throws {
        let v = try SMTPSettings(url: "smtp://mail.example.com:587", heloName: "ft.example.com").validated()
        #expect(v.curlURL == "smtp://mail.example.com:587/ft.example.com")
        #expect(try SMTPSettings(url: "smtps://mail.example.com:465").validated().curlURL == "smtps://mail.example.com:465/")
    }

    @Test func throttleSpacing() throws {
        #expect(try SMTPSettings(url: "smtp://h:587", maxPerMinute: 30).validated().sendInterval == .seconds(2))
        #expect(try SMTPSettings(url: "smtp://h:587").validated().sendInterval == nil)
    }

    @Test(arguments: ["127.0.0.1", "127.1.2.3", "localhost", "[::1]"])
    func tlsOffIsAllowedOnLoopback(host: String) throws {
        _ = try SMTPSettings(url: "smtp://\(host):2525", tls: .off).validated()
    }

    @Test func tlsOffIsRefusedForARemoteHost() {
        let error = #expect(throws: TransportSetupError.self) {
            try SMTPSettings(url: "smtp://mail.example.com:25", tls: .off).validated()
        }
        #expect(error?.description.contains("only allowed for a loopback host") == true)
    }

    @Test(arguments: ["http://mail.example.com", "smtp://", "smtp://user:pw@mail.example.com:587", "smtp://h:587/path"])
    func rejectsBadURLs(url: String) {
        let error = #expect(throws: TransportSetupError.self) { try SMTPSettings(url: url).validated() }
        #expect(error?.description.contains("pw") == false)
    }

    @Test func rejectsAHeloNameThatCouldInject() {
        #expect(throws: TransportSetupError.self) {
            try SMTPSettings(url: "smtp://h:587", heloName: "x\r\nMAIL FROM:<a@b>").validated()
        }
    }

    @Test func defaults() {
        let s = SMTPSettings(url: "smtp://h:587")
        #expect(s.tls == .required && s.maxConnections == 1 && s.maxPerMinute == nil && s.maxAttempts == 3)
        #expect(s.connectTimeout == .seconds(15) && s.messageTimeout == .seconds(60) && s.backoffBase == .seconds(2))
    }
}

struct SMTPSecretTests {
    @Test func neverShowsItself() {
        let secret = SMTPSecret("hunter2-xyz")
        var dumped = ""
        dump(secret, to: &dumped)
        var dumpedSettings = ""
        dump(SMTPSettings(url: "smtp://h:587", username: "u", password: secret), to: &dumpedSettings)
        for text in ["\(secret)", String(reflecting: secret), dumped, dumpedSettings, "\(SMTPSettings(url: "smtp://h", password: secret))"] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        #expect(secret.reveal() == "hunter2-xyz")
    }

    @Test func loadsFromTheEnvironment() throws {
        #expect(try SMTPSecret.load(environment: ["FOLLOWTHROUGH_SMTP_PASSWORD": "pw"]) == SMTPSecret("pw"))
        #expect(try SMTPSecret.load(environmentVariable: "OTHER", environment: ["OTHER": "x"]) == SMTPSecret("x"))
        #expect(try SMTPSecret.load(environment: [:]) == nil)
    }

    @Test func loadsAPrivateFileWithoutItsTrailingNewline() throws {
        let file = try writeTemp("pa ss\n\n", mode: 0o600)
        #expect(try SMTPSecret.load(file: file, environment: [:]) == SMTPSecret("pa ss\n"))
        let crlf = try writeTemp("pass\r\n", mode: 0o400)
        #expect(try SMTPSecret.load(file: crlf, environment: [:]) == SMTPSecret("pass"))
    }

    @Test func refusesAFileOthersCanRead() throws {
        let file = try writeTemp("topsecret\n", mode: 0o644)
        let error = #expect(throws: SMTPSecret.LoadError.self) { try SMTPSecret.load(file: file, environment: [:]) }
        #expect(error?.description.hasPrefix("\(file): ") == true)
        #expect(error?.description.hasSuffix("run chmod 600 \(file)") == true)
        #expect(error?.description.contains("topsecret") == false)
    }

    @Test func namesAMissingFile() {
        let error = #expect(throws: SMTPSecret.LoadError.self) { try SMTPSecret.load(file: "/nonexistent/pw", environment: [:]) }
        #expect(error?.description.hasPrefix("/nonexistent/pw: ") == true)
    }

    private func writeTemp(_ text: String, mode: Int) throws -> String {
        let path = TestScratch.path("pw").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        return path
    }
}

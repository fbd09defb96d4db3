import Foundation
import Testing

/// The built binary, configured for SMTP, against a real aiosmtpd server with STARTTLS and AUTH.
@Suite(.serialized) struct SMTPRunEndToEndTests {
    static let password = "s3cret-Pa55word!"

    func setUp(_ serverArguments: [String] = [], name: String = #function) throws -> (dir: URL, config: URL, server: SMTPTestServer) {
        let cert = try TestCertificate.get()
        let server = try SMTPTestServer(["--starttls", cert.cert, cert.key, "--require-starttls",
                                         "--auth", "mailer:\(Self.password)"] + serverArguments)
        let dir = try TestSupport.copyFixture("examples/demo", name: name)
        let config = try TestSupport.writeConfig(in: dir)
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "transport = \"outbox\"\noutbox_dir = \"outbox\"", with: """
            transport = "smtp"
            smtp_url = "\(server.url)"
            ca_file = "\(cert.cert)"
            username = "mailer"
            connect_timeout_seconds = 5
            message_timeout_seconds = 10
            """)
        try text.write(to: config, atomically: true, encoding: .utf8)
        return (dir, config, server)
    }

    func run(_ config: URL, password: String? = password, _ extra: [String] = []) throws -> TestSupport.ProcessResult {
        var env = ["FOLLOWTHROUGH_SMTP_PASSWORD": password ?? ""]
        if password == nil { env = [:] }
        return try TestSupport.followthrough(["run", "--config", config.path, "--as-of", "2026-11-23"] + extra, environment: env)
    }

    @Test func nightlyRunDeliversEachMessageOnceToItsRecipient() throws {
        let (dir, config, server) = try setUp()
        defer { server.stop() }
        let result = try run(config)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("via smtp: delivered 5, retried 0, failed 0"))
        let received = try server.received()
        #expect(received.map { $0.rcptTos }.sorted { $0[0] < $1[0] } == [
            ["alice.ng@example.com"], ["bruno.costa@example.com"], ["dana.whitfield@example.com"],
            ["emile.tremblay@example.com"], ["sales-team@example.com"],
        ])
        #expect(received.allSatisfy { $0.mailFrom == "service@example.com" })
        #expect(Set(received.map(\.connection)).count == 1, "one connection for the whole run")
        // What arrived, read back with a real MIME parser.
        let files = try received.enumerated().map { index, message -> URL in
            let url = dir.appendingPathComponent("received-\(index).eml")
            try Data(message.data).write(to: url)
            return url
        }
        let parsed = try TestSupport.parseMessages(files)
        #expect(parsed.allSatisfy { $0.defects.isEmpty && $0.allCRLF })
        #expect(Set(parsed.map(\.kind)) == ["pre-visit", "stale-digest"])
        #expect(parsed.first { $0.to.hasPrefix("Alice") }?.text.contains("Compressor drawing high amps") == true)

        // Rerunning the same night sends nothing more.
        let again = try run(config)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try server.received().count == 5)
    }

    @Test func wrongPasswordFailsFastWithExit2AndNeverShowsThePassword() throws {
        let (_, config, server) = try setUp()
        defer { server.stop() }
        let wrong = "Not-The-Right-One-42"
        let result = try run(config, password: wrong)
        #expect(result.status == 2)
        #expect(result.stderr.contains("rejected the login for user \"mailer\""), "\(result.stderr)")
        #expect(!result.stderr.contains(wrong) && !result.stdout.contains(wrong))
        #expect(try server.received().isEmpty)
    }

    @Test func missingPasswordStopsBeforeAnythingIsQueued() throws {
        let (_, config, server) = try setUp()
        defer { server.stop() }
        let result = try run(config, password: nil)
        #expect(result.status == 2)
        #expect(result.stderr.contains("username is set but no SMTP password was found"))
        #expect(result.stderr.contains("FOLLOWTHROUGH_SMTP_PASSWORD"))
        let status = try TestSupport.followthrough(["status", "--config", config.path])
        #expect(!status.stdout.contains("pending 5"), "nothing was stored for later")
        #expect(try server.received().isEmpty)
    }

    @Test func oneRefusedRecipientDoesNotStopTheOthers() throws {
        let (_, config, server) = try setUp(["--reject-rcpt", "dana.whitfield@example.com"])
        defer { server.stop() }
        let result = try run(config)
        #expect(result.status == 1)
        #expect(result.stderr.contains("FAILED dana.whitfield@example.com after 1 attempt(s): 550"), "\(result.stderr)")
        #expect(try server.received().count == 4)
        let status = try TestSupport.followthrough(["status", "--config", config.path])
        #expect(status.status == 1, "a monitor sees the failed night: \(status.stdout)")
    }

    @Test func sendTestGoesThroughTheConfiguredRelay() throws {
        let (_, config, server) = try setUp()
        defer { server.stop() }
        let result = try TestSupport.followthrough(["send-test", "--config", config.path, "--to", "manager@example.com"],
                                                   environment: ["FOLLOWTHROUGH_SMTP_PASSWORD": Self.password])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("delivered test message to manager@example.com: 250"))
        let received = try server.received()
        #expect(received.map(\.rcptTos) == [["manager@example.com"]])
        #expect(String(decoding: received[0].data, as: UTF8.self).contains("Subject: FollowThrough test message"))
    }

    @Test func checkValidatesTheSMTPSettingsWithoutConnecting() throws {
        let (_, config, server) = try setUp()
        defer { server.stop() }
        let ok = try TestSupport.followthrough(["check", "--config", config.path, "--as-of", "2026-11-23"],
                                               environment: ["FOLLOWTHROUGH_SMTP_PASSWORD": Self.password])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("mail: smtp \(server.url), tls required, user mailer, password from $FOLLOWTHROUGH_SMTP_PASSWORD"))
        #expect(!ok.stdout.contains(Self.password))
        #expect(try server.events().isEmpty, "check never connects")
    }
}

import Foundation
import Logging
import Testing
@testable import FollowThroughKit

/// Against the real aiosmtpd server in scripts/smtp_test_server.py. Serialized so timing checks
/// are not disturbed by the suite's own parallel runs on a 2-core machine.
@Suite(.serialized) struct SMTPTransportTests {
    @Test func deliversExactBytesOverStartTLSWithLoginOnOneConnection() throws {
        let cert = try TestCertificate.get()
        let password = "s3cret-Pa55word!"
        let server = try SMTPTestServer(["--starttls", cert.cert, cert.key, "--require-starttls", "--auth", "mailer:\(password)"])
        defer { server.stop() }
        let logs = LogRecorder()
        var settings = SMTPSettings(url: server.url, caFile: cert.cert, heloName: "followthrough.example.test",
                                    username: "mailer", password: SMTPSecret(password), backoffBase: .milliseconds(10))
        settings.envelopeFrom = "bounces@example.test"
        let messages = (1...6).map { testMessage($0, to: "tech\($0)@example.test") }
        let outcomes = OutcomeRecorder()

        try SMTPTransport.live(settings: settings, logger: logs.logger).deliver(messages) { outcomes.record($0) }

        #expect(outcomes.outcomes.map(\.messageID) == messages.map(\.messageID))
        for outcome in outcomes.outcomes {
            #expect(outcome.status == .delivered && outcome.attempts == 1 && !outcome.permanent)
            #expect(outcome.reply.hasPrefix("250 2.0.0 Ok: queued"))
        }
        let received = try server.received()
        #expect(received.count == messages.count)
        for (message, got) in zip(messages, received) {
            #expect(got.rcptTos == [message.recipient])
            #expect(got.mailFrom == "bounces@example.test")
            #expect(got.data == message.data, "\(message.messageID) arrived altered")
        }
        let events = try server.events()
        #expect(events.filter { $0.event == "connect" }.count == 1, "one connection reused for every message")
        #expect(events.first { $0.event == "ehlo" }?.hostname == "followthrough.example.test")
        #expect(events.contains { $0.event == "auth" })
        let produced = logs.lines + outcomes.outcomes.map { "\($0)" } + ["\(settings)", "\(String(reflecting: settings))"]
        #expect(!produced.contains { $0.contains(password) })
    }

    @Test func reusesOneConnectionForManyMessages() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let messages = (1...25).map { testMessage($0, to: "rep\($0)@example.test", bodyLines: 3) }
        let outcomes = OutcomeRecorder()
        try SMTPTransport.live(settings: plainSettings(server), logger: LogRecorder().logger).deliver(messages) { outcomes.record($0) }
        #expect(outcomes.outcomes.allSatisfy { $0.status == .delivered })
        #expect(try server.received().count == 25)
        #expect(try server.count("connect") == 1)
    }

    @Test func refusesToSendWhenStartTLSIsRequiredButNotOffered() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let settings = SMTPSettings(url: server.url, tls: .required, backoffBase: .milliseconds(10))
        let outcomes = OutcomeRecorder()
        let error = #expect(throws: TransportSetupError.self) {
            try SMTPTransport.live(settings: settings, logger: LogRecorder().logger)
                .deliver([testMessage(1, to: "a@example.test"), testMessage(2, to: "b@example.test")]) { outcomes.record($0) }
        }
        #expect(error?.description == "\(server.url): the server does not offer STARTTLS and tls = \"required\"; nothing was sent")
        #expect(outcomes.outcomes.isEmpty)
        #expect(try server.count("mail") == 0)
        #expect(try server.received().isEmpty)
    }

    @Test func refusesAnUntrustedCertificate() throws {
        let cert = try TestCertificate.get()
        let server = try SMTPTestServer(["--starttls", cert.cert, cert.key])
        defer { server.stop() }
        let error = #expect(throws: TransportSetupError.self) {
            try SMTPTransport.live(settings: SMTPSettings(url: server.url), logger: LogRecorder().logger)
                .deliver([testMessage(1, to: "a@example.test")]) { _ in }
        }
        #expect(error?.description.contains("TLS certificate could not be verified") == true)
        #expect(try server.count("mail") == 0)
    }

    @Test func wrongPasswordStopsTheRunWithoutRevealingIt() throws {
        let cert = try TestCertificate.get()
        let server = try SMTPTestServer(["--starttls", cert.cert, cert.key, "--auth", "mailer:right-one"])
        defer { server.stop() }
        let wrong = "Wr0ng-P4ss!word"
        let logs = LogRecorder()
        let settings = SMTPSettings(url: server.url, caFile: cert.cert, username: "mailer", password: SMTPSecret(wrong))
        let outcomes = OutcomeRecorder()
        let error = #expect(throws: TransportSetupError.self) {
            try SMTPTransport.live(settings: settings, logger: logs.logger)
                .deliver((1...3).map { testMessage($0, to: "t\($0)@example.test") }) { outcomes.record($0) }
        }
        let message = try #require(error).description
        #expect(message.hasPrefix("\(server.url): the server rejected the login for user \"mailer\" (535"))
        #expect(message.hasSuffix("nothing was sent"))
        #expect(outcomes.outcomes.isEmpty)
        #expect(try server.count("auth") == 1, "one login try, not one per message")
        #expect(try server.count("mail") == 0)
        let produced = logs.lines + [message, "\(settings)", "\(SMTPSecret(wrong))"]
        #expect(!produced.contains { $0.contains(wrong) })
    }

    @Test func aServerDemandingStartTLSStopsAPlainRun() throws {
        let cert = try TestCertificate.get()
        let server = try SMTPTestServer(["--starttls", cert.cert, cert.key, "--require-starttls"])
        defer { server.stop() }
        let outcomes = OutcomeRecorder()
        let error = #expect(throws: TransportSetupError.self) {
            try SMTPTransport.live(settings: plainSettings(server), logger: LogRecorder().logger)
                .deliver((1...3).map { testMessage($0, to: "t\($0)@example.test") }) { outcomes.record($0) }
        }
        #expect(error?.description.contains("requires authentication or STARTTLS") == true)
        #expect(error?.description.contains("530") == true)
        #expect(outcomes.outcomes.isEmpty)
        #expect(try server.received().isEmpty)
    }

    @Test func opportunisticTLSSendsInClearWhenStartTLSIsNotOffered() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        var settings = plainSettings(server)
        settings.tls = .opportunistic
        let outcome = try SMTPTransport.sendOne(testMessage(1, to: "a@example.test"), settings: settings, logger: LogRecorder().logger)
        #expect(outcome.status == .delivered)
        #expect(try server.received().count == 1)
    }

    @Test func cannotConnectIsASetupError() throws {
        let closedPort = try SMTPTestServer().port  // stopped again at once by deinit
        let settings = SMTPSettings(url: "smtp://127.0.0.1:\(closedPort)", tls: .off, connectTimeout: .seconds(2))
        let error = #expect(throws: TransportSetupError.self) {
            try SMTPTransport.live(settings: settings, logger: LogRecorder().logger).deliver([testMessage(1, to: "a@example.test")]) { _ in }
        }
        #expect(error?.description.hasPrefix("smtp://127.0.0.1:\(closedPort): cannot connect") == true)
    }

    @Test func retriesATemporaryFailureAndDeliversOnce() throws {
        let server = try SMTPTestServer(["--fail-first-451", "1"])
        defer { server.stop() }
        let outcomes = OutcomeRecorder()
        try SMTPTransport.live(settings: plainSettings(server), logger: LogRecorder().logger)
            .deliver([testMessage(1, to: "a@example.test"), testMessage(2, to: "b@example.test")]) { outcomes.record($0) }
        let first = try #require(outcomes.outcome(for: "msg-1"))
        #expect(first.status == .delivered && first.attempts == 2)
        #expect(outcomes.outcome(for: "msg-2")?.attempts == 1)
        #expect(try server.received().map(\.rcptTos) == [["a@example.test"], ["b@example.test"]])
    }

    @Test func givesUpAfterMaxAttemptsOfTemporaryFailures() throws {
        let server = try SMTPTestServer(["--fail-first-451", "5"])
        defer { server.stop() }
        let outcomes = OutcomeRecorder()
        try SMTPTransport.live(settings: plainSettings(server), logger: LogRecorder().logger)
            .deliver([testMessage(1, to: "a@example.test")]) { outcomes.record($0) }
        #expect(outcomes.outcomes == [DeliveryOutcome(messageID: "msg-1", recipient: "a@example.test", status: .failed,
                                                      permanent: false, attempts: 3, reply: "451 4.3.0 Temporary failure, try again later")])
    }

    @Test func oneRejectedRecipientDoesNotStopTheOthers() throws {
        let server = try SMTPTestServer(["--reject-rcpt", "gone@example.test"])
        defer { server.stop() }
        let messages = [testMessage(1, to: "a@example.test"), testMessage(2, to: "gone@example.test"), testMessage(3, to: "c@example.test")]
        let outcomes = OutcomeRecorder()
        try SMTPTransport.live(settings: plainSettings(server), logger: LogRecorder().logger).deliver(messages) { outcomes.record($0) }
        let rejected = try #require(outcomes.outcome(for: "msg-2"))
        #expect(rejected.status == .failed && rejected.permanent && rejected.attempts == 1)
        #expect(rejected.reply == "550 5.1.1 <gone@example.test>: Recipient address rejected: User unknown")
        #expect(outcomes.outcome(for: "msg-1")?.status == .delivered)
        #expect(outcomes.outcome(for: "msg-3")?.status == .delivered)
        #expect(try server.received().map(\.rcptTos) == [["a@example.test"], ["c@example.test"]])
    }

    @Test func aDroppedConnectionMidDataIsRetriedOnAFreshOneAndDeliveredOnce() throws {
        let server = try SMTPTestServer(["--drop-during-data-once"])
        defer { server.stop() }
        let messages = (1...3).map { testMessage($0, to: "t\($0)@example.test") }
        let outcomes = OutcomeRecorder()
        try SMTPTransport.live(settings: plainSettings(server), logger: LogRecorder().logger).deliver(messages) { outcomes.record($0) }
        #expect(outcomes.outcomes.map(\.status) == [.delivered, .delivered, .delivered])
        #expect(outcomes.outcome(for: "msg-1")?.attempts == 2)
        let received = try server.received()
        #expect(received.map(\.rcptTos) == messages.map { [$0.recipient] })
        #expect(received.map(\.data) == messages.map(\.data))
        #expect(try server.count("connect") == 2)
    }

    @Test func aServerThatNeverAnswersFailsWithinTheTimeout() throws {
        let server = try SMTPTestServer(["--hang"])
        defer { server.stop() }
        let settings = SMTPSettings(url: server.url, tls: .off, connectTimeout: .seconds(1), messageTimeout: .seconds(1))
        let start = ContinuousClock.now
        let error = #expect(throws: TransportSetupError.self) {
            try SMTPTransport.live(settings: settings, logger: LogRecorder().logger)
                .deliver((1...5).map { testMessage($0, to: "t\($0)@example.test") }) { _ in }
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(error?.description.contains("did not greet") == true)
    }

    @Test func refusesAnEnvelopeThatWouldInjectCommands() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let evil = testMessage(1, to: "a@example.test>\r\nRCPT TO:<victim@example.test")
        let outcomes = OutcomeRecorder()
        try SMTPTransport.live(settings: plainSettings(server), logger: LogRecorder().logger)
            .deliver([evil, testMessage(2, to: "b@example.test")]) { outcomes.record($0) }
        #expect(outcomes.outcome(for: "msg-1")?.status == .failed)
        #expect(outcomes.outcome(for: "msg-1")?.permanent == true)
        #expect(outcomes.outcome(for: "msg-2")?.status == .delivered)
        #expect(try server.events().filter { $0.event == "rcpt" }.map(\.address) == ["b@example.test"])
    }

    @Test func keepsToTheThrottleRate() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        var settings = plainSettings(server)
        settings.maxPerMinute = 120  // one every 0.5 s
        settings.maxConnections = 2  // the throttle is shared, so two connections do not double the rate
        try SMTPTransport.live(settings: settings, logger: LogRecorder().logger)
            .deliver((1...5).map { testMessage($0, to: "t\($0)@example.test", bodyLines: 2) }) { _ in }
        let times = try server.events().filter { $0.event == "mail" }.map(\.time).sorted()
        #expect(times.count == 5)
        for (a, b) in zip(times, times.dropFirst()) {
            #expect(b - a >= 0.5 - 0.1, "sends \(b - a) s apart")
        }
    }

    @Test func twoConnectionsDeliverEverythingExactlyOnce() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        var settings = plainSettings(server)
        settings.maxConnections = 2
        let messages = (1...40).map { testMessage($0, to: "t\($0)@example.test", bodyLines: 5) }
        let outcomes = OutcomeRecorder()
        try SMTPTransport.live(settings: settings, logger: LogRecorder().logger).deliver(messages) { outcomes.record($0) }
        #expect(outcomes.outcomes.count == 40)
        #expect(Set(outcomes.outcomes.map(\.messageID)) == Set(messages.map(\.messageID)))
        #expect(outcomes.outcomes.allSatisfy { $0.status == .delivered && $0.attempts == 1 })
        let received = try server.received()
        #expect(received.count == 40)
        #expect(received.map(\.rcptTos[0]).sorted() == messages.map(\.recipient).sorted())
        #expect(try server.count("connect") == 2)
    }

    /// The callback handed to the transport must not outlive `deliver`: a worker thread that still held the run after
    /// leaving the group crashed the process ("closure has escaped") now and then: here, in three runs of five of 60 deliveries.
    @Test func manyDeliveriesOverTwoConnectionsReturnCleanly() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        var settings = plainSettings(server)
        settings.maxConnections = 2
        let transport = SMTPTransport.live(settings: settings, logger: LogRecorder().logger)
        for round in 0..<200 {
            let outcomes = OutcomeRecorder()
            try transport.deliver((1...3).map { testMessage(round * 3 + $0, to: "t\($0)@example.test", bodyLines: 1) }) {
                outcomes.record($0)
            }
            #expect(outcomes.outcomes.count == 3 && outcomes.outcomes.allSatisfy { $0.status == .delivered })
        }
        #expect(try server.received().count == 600)
    }

    @Test func sendOneReportsTheOutcome() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let outcome = try SMTPTransport.sendOne(testMessage(1, to: "a@example.test"), settings: plainSettings(server), logger: LogRecorder().logger)
        #expect(outcome.status == .delivered)
    }
}

import FollowThroughCore
import Foundation
import Logging

/// `followthrough send-test`: one small message through the configured transport, to check the set-up.
public enum SendTest {
    public static func run(configPath: String, to address: String, environment: RunEnvironment, logger: Logger) -> ExitStatus {
        let config: Config
        do { config = try RunPreparation.loadConfig(configPath) } catch {
            environment.report("followthrough: \(error.message)")
            return error.status
        }
        let recipient: MailAddress
        do { recipient = try MailAddress(parsing: address) } catch {
            environment.report("followthrough: --to: \(error.description)")
            return .configOrInput
        }
        let now = environment.now()
        let today = LocalDateTime(utcSeconds: now, in: config.timeZone)
        let relay: String
        switch config.mail.transport {
        case .outbox(let directory): relay = "the outbox folder \(directory)"
        case .smtp(let smtp): relay = smtp.url
        }
        let text = """
            This is a test message from FollowThrough, sent \(today) (\(config.timeZone.identifier)) through \(relay).

            If you can read it, pre-visit summaries and stale-lead digests will reach people the same way.
            """
        let html = "<p>This is a test message from FollowThrough, sent \(today) (\(config.timeZone.identifier)) through \(escape(relay)).</p>"
            + "<p>If you can read it, pre-visit summaries and stale-lead digests will reach people the same way.</p>"
        let id = MessageIDGenerator.make(asOf: "\(today)", kind: "send-test", recipient: recipient.address, domain: String(config.mail.from.domain))
        let mime = MIMEMessage(from: config.mail.from, to: [recipient], subject: "FollowThrough test message", date: now,
                               utcOffsetSeconds: config.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(now))),
                               messageID: id, extraHeaders: [("X-FollowThrough-Kind", "send-test")], textBody: text, htmlBody: html)
        let message = OutgoingMessage(messageID: id, kind: "send-test", envelopeFrom: config.mail.from.address,
                                      recipient: recipient.address, data: mime.serialized())
        let outcomes = LockedList<DeliveryOutcome>()
        do {
            let transport = try environment.makeTransport(config, today.date, nil, logger)
            try transport.deliver([message]) { outcomes.add($0) }
        } catch {
            environment.report("followthrough: \(error)")
            return .configOrInput
        }
        guard let outcome = outcomes.all.first else {
            environment.report("followthrough: no outcome for the test message")
            return .deliveryFailures
        }
        if outcome.status == .delivered {
            environment.output("delivered test message to \(recipient.address): \(outcome.reply)")
            return .ok
        }
        environment.report("followthrough: FAILED test message to \(recipient.address) after \(outcome.attempts) attempt(s): \(outcome.reply)")
        return .deliveryFailures
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

import Foundation
import Logging

/// Delivery through an SMTP relay with libcurl: reused connections, retries, throttling, fail-fast setup errors.
public enum SMTPTransport {
    /// A `MailTransport` that sends each message to its one recipient through the relay in `settings`.
    public static func live(settings: SMTPSettings, logger: Logger) -> MailTransport {
        MailTransport(name: "smtp") { messages, onOutcome in
            let validated = try settings.validated()
            // Every worker thread is joined before `deliver` returns, so the callback does not outlive the call.
            try withoutActuallyEscaping(onOutcome) { onOutcome in
                try SMTPRun(settings: validated, logger: logger, onOutcome: onOutcome).deliver(messages)
            }
        }
    }

    /// Sends one message (e.g. for a `send-test` command) and returns what happened to it.
    public static func sendOne(_ message: OutgoingMessage, settings: SMTPSettings, logger: Logger) throws -> DeliveryOutcome {
        let box = LockedList<DeliveryOutcome>()
        try live(settings: settings, logger: logger).deliver([message]) { box.add($0) }
        guard let outcome = box.all.first else { throw TransportSetupError("SMTP: no outcome for \(message.messageID)") }
        return outcome
    }
}

/// One call of `deliver`: the shared queue, throttle and outcome reporting behind the worker threads.
final class SMTPRun: @unchecked Sendable {
    private let settings: ValidatedSMTPSettings
    private let logger: Logger
    private let onOutcome: @Sendable (DeliveryOutcome) -> Void
    private let lock = NSLock()
    private var messages = MessageSource([])
    private var counts: [DeliveryOutcome.Status: Int] = [:]
    private let throttle: Throttle?

    init(settings: ValidatedSMTPSettings, logger: Logger, onOutcome: @escaping @Sendable (DeliveryOutcome) -> Void) {
        self.settings = settings
        self.logger = logger
        self.onOutcome = onOutcome
        self.throttle = settings.sendInterval.map(Throttle.init(interval:))
    }

    private var url: String { settings.settings.url }

    func deliver(_ messages: MessageSource) throws(TransportSetupError) {
        guard messages.count > 0 else { return }
        self.messages = messages
        let started = ContinuousClock.now
        logger.info("smtp: sending", metadata: [
            "url": "\(url)", "messages": "\(messages.count)",
            "connections": "\(settings.settings.maxConnections)",
            "maxPerMinute": "\(settings.settings.maxPerMinute.map(String.init) ?? "unlimited")",
        ])
        let first = try CurlSMTPConnection(settings: settings)

        // The first real try decides whether the settings work at all; the other connections wait for it.
        var triedOnce = false
        while !triedOnce, let message = takeNext() {
            guard let envelope = envelope(of: message) else { continue }
            throttle?.wait()
            let attempt = first.send(data: message.data, from: envelope.from, to: message.recipient)
            triedOnce = true
            if attempt.result != .delivered, let problem = attempt.setupProblem {
                let error = TransportSetupError(redact("\(url): \(problem); nothing was sent"))
                logger.error("smtp: \(error.description)")
                throw error
            }
            report(finish(message, envelope: envelope, on: first, firstAttempt: attempt))
        }

        let group = DispatchGroup()
        for worker in 1..<settings.settings.maxConnections where hasMore {
            group.enter()
            // Unowned: a thread holding the run would outlive `deliver` by the moment between leaving the group and
            // ending, and with it the callback `live` hands in without letting it escape (a crash, "closure has
            // escaped", when the thread is that slow).
            let thread = Thread { [unowned self] in
                defer { group.leave() }
                do {
                    let connection = try CurlSMTPConnection(settings: settings)
                    work(on: connection)
                } catch {
                    logger.error("smtp: connection \(worker + 1) could not start: \(error)")
                }
            }
            thread.name = "smtp-\(worker + 1)"
            thread.start()
        }
        work(on: first)
        group.wait()

        let elapsed = ContinuousClock.now - started
        lock.withLock {
            logger.info("smtp: done", metadata: [
                "delivered": "\(counts[.delivered, default: 0])", "failed": "\(counts[.failed, default: 0])",
                "seconds": "\(String(format: "%.1f", elapsed.timeInterval))",
            ])
        }
    }

    private var hasMore: Bool { messages.hasMore }

    /// The next message to send; the source loads bodies a batch at a time as they are taken.
    private func takeNext() -> OutgoingMessage? { messages.next() }

    private func work(on connection: CurlSMTPConnection) {
        while let message = takeNext() {
            guard let envelope = envelope(of: message) else { continue }
            report(finish(message, envelope: envelope, on: connection, firstAttempt: nil))
        }
    }

    private struct Envelope { var from: String }

    /// The envelope to use, or nil after reporting why the message cannot be sent.
    private func envelope(of message: OutgoingMessage) -> Envelope? {
        let from = settings.settings.envelopeFrom ?? message.envelopeFrom
        for (role, address) in [("sender", from), ("recipient", message.recipient)] where !SMTPAddress.isAcceptable(address) {
            report(outcome(message, .failed, permanent: true, attempts: 0,
                           reply: "invalid envelope \(role) \"\(address.debugDescription.dropFirst().dropLast())\": not sent"))
            return nil
        }
        return Envelope(from: from)
    }

    /// Tries a message until it is delivered, fails for good, or runs out of attempts.
    private func finish(_ message: OutgoingMessage, envelope: Envelope, on connection: CurlSMTPConnection, firstAttempt: SMTPAttempt?) -> DeliveryOutcome {
        let s = settings.settings
        var attempts = 1
        var attempt: SMTPAttempt
        if let firstAttempt {
            attempt = firstAttempt
        } else {
            throttle?.wait()
            attempt = connection.send(data: message.data, from: envelope.from, to: message.recipient)
        }
        while attempt.result == .transient && attempts < s.maxAttempts {
            let delay = s.backoffBase * (1 << min(attempts - 1, 20))
            logger.warning("smtp: temporary failure, retrying", metadata: [
                "messageID": "\(message.messageID)", "recipient": "\(message.recipient)",
                "attempt": "\(attempts)", "reply": "\(redact(attempt.reply))",
                "retryInSeconds": "\(delay.timeInterval)",
            ])
            Thread.sleep(forTimeInterval: delay.timeInterval)
            throttle?.wait()
            attempts += 1
            attempt = connection.send(data: message.data, from: envelope.from, to: message.recipient)
        }
        let delivered = attempt.result == .delivered
        return outcome(message, delivered ? .delivered : .failed, permanent: attempt.result == .permanent,
                       attempts: attempts, reply: attempt.reply)
    }

    private func outcome(_ message: OutgoingMessage, _ status: DeliveryOutcome.Status, permanent: Bool, attempts: Int, reply: String) -> DeliveryOutcome {
        DeliveryOutcome(messageID: message.messageID, recipient: message.recipient, status: status,
                        permanent: permanent, attempts: attempts, reply: redact(reply))
    }

    /// Reports outcomes one at a time, whichever thread they come from.
    private func report(_ outcome: DeliveryOutcome) {
        lock.withLock { counts[outcome.status, default: 0] += 1 }
        let metadata: Logger.Metadata = [
            "messageID": "\(outcome.messageID)", "recipient": "\(outcome.recipient)",
            "attempts": "\(outcome.attempts)", "reply": "\(outcome.reply)",
        ]
        switch outcome.status {
        case .delivered: logger.debug("smtp: delivered", metadata: metadata)
        case .failed: logger.error(outcome.permanent ? "smtp: rejected" : "smtp: gave up", metadata: metadata)
        }
        reportLock.withLock { onOutcome(outcome) }
    }

    private let reportLock = NSLock()

    /// Belt and braces: the password must never leave through a message, even if a server echoes it.
    private func redact(_ text: String) -> String {
        guard let secret = settings.settings.password?.reveal(), !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted]")
    }
}

/// Evenly spaced send slots shared by every connection of a run.
final class Throttle: @unchecked Sendable {
    private let lock = NSLock()
    private let interval: Duration
    private var nextSlot: ContinuousClock.Instant?

    init(interval: Duration) { self.interval = interval }

    /// Blocks until this caller's slot comes.
    func wait() {
        let slot: ContinuousClock.Instant = lock.withLock {
            let now = ContinuousClock.now
            let slot = max(now, nextSlot ?? now)
            nextSlot = slot + interval
            return slot
        }
        let delay = slot - ContinuousClock.now
        if delay > .zero { Thread.sleep(forTimeInterval: delay.timeInterval) }
    }
}

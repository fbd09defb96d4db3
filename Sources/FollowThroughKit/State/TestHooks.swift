import FollowThroughCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hidden settings for the integration tests, read from the environment. Never set them in production.
///
/// - `FOLLOWTHROUGH_TEST_DELIVERY_DELAY_MS=N`: after each delivery outcome, wait N ms before recording it — a wide,
///   deterministic "in flight" window for kill -9 tests.
/// - `FOLLOWTHROUGH_TEST_RECEIVER_LOG=PATH`: instead of the configured transport, "deliver" by appending one line per
///   message (`Message-ID<TAB>recipient<TAB>kind`) to PATH: a receiver that counts duplicates.
/// - `FOLLOWTHROUGH_TEST_FAIL=ADDR[,ADDR…]`: with the receiver log, refuse these recipients (transient failure);
///   `permanent:ADDR` refuses permanently.
public struct TestHooks: Sendable {
    public var deliveryDelayMs = 0
    public var receiverLog: String?
    public var failTransient: Set<String> = []
    public var failPermanent: Set<String> = []

    public init() {}

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> TestHooks {
        var hooks = TestHooks()
        hooks.deliveryDelayMs = env["FOLLOWTHROUGH_TEST_DELIVERY_DELAY_MS"].flatMap { Int($0) } ?? 0
        hooks.receiverLog = env["FOLLOWTHROUGH_TEST_RECEIVER_LOG"].flatMap { $0.isEmpty ? nil : $0 }
        for item in (env["FOLLOWTHROUGH_TEST_FAIL"] ?? "").split(separator: ",") {
            if item.hasPrefix("permanent:") { hooks.failPermanent.insert(String(item.dropFirst(10)).lowercased()) }
            else { hooks.failTransient.insert(String(item).lowercased()) }
        }
        return hooks
    }

    /// The recording transport, when the receiver log is set.
    public var transport: MailTransport? {
        guard let path = receiverLog else { return nil }
        return RecordingTransport.appending(to: path, failTransient: failTransient, failPermanent: failPermanent)
    }
}

/// A transport that records instead of sending: into a log file (for child processes) or a closure (in-process tests).
public enum RecordingTransport {
    /// Appends `Message-ID<TAB>recipient<TAB>kind` per accepted message to `path` (one `write` with O_APPEND, then fsync,
    /// so a receiver line exists before the sender hears back, as with a real server).
    public static func appending(to path: String, failTransient: Set<String> = [], failPermanent: Set<String> = []) -> MailTransport {
        MailTransport(name: "receiver log \(path)") { messages, onOutcome in
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw TransportSetupError("\(path): cannot open the receiver log") }
            defer { close(fd) }
            for m in messages {
                let to = m.recipient.lowercased()
                if failPermanent.contains(to) || failTransient.contains(to) {
                    let permanent = failPermanent.contains(to)
                    onOutcome(DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .failed, permanent: permanent,
                                              attempts: 1, reply: permanent ? "550 5.1.1 mailbox unavailable" : "451 4.3.0 try again later"))
                    continue
                }
                let line = Array("\(m.messageID)\t\(m.recipient)\t\(m.kind)\n".utf8)
                _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                fsync(fd)
                onOutcome(DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .delivered, permanent: false,
                                          attempts: 1, reply: "250 2.0.0 Ok: recorded"))
            }
        }
    }

    /// Calls `accept` for each message; it returns the outcome (tests decide per message).
    public static func calling(_ accept: @escaping @Sendable (OutgoingMessage) -> DeliveryOutcome) -> MailTransport {
        MailTransport(name: "recorder") { messages, onOutcome in
            for m in messages { onOutcome(accept(m)) }
        }
    }
}

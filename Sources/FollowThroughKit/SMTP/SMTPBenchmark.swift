import Foundation
import Logging

/// Throughput of the SMTP transport against a local sink (`scripts/bench-smtp.sh`), outside the tests.
public enum SMTPBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var messages: Int
        public var delivered: Int
        public var bytesPerMessage: Int
        public var seconds: Double
        public var messagesPerSecond: Double { seconds > 0 ? Double(delivered) / seconds : 0 }
        public var description: String {
            String(format: "followthrough smtp: %d/%d messages of %d bytes in %.2f s = %.0f messages/s",
                   delivered, messages, bytesPerMessage, seconds, messagesPerSecond)
        }
    }

    /// Sends `count` generated messages of about `size` bytes to `url` on one connection, tls off (loopback only).
    public static func run(url: String, count: Int, size: Int, logger: Logger) throws -> Result {
        let messages = (0..<count).map { message($0, size: size) }
        let settings = SMTPSettings(url: url, tls: .off, maxAttempts: 1)
        let delivered = Counter()
        let start = ContinuousClock.now
        try SMTPTransport.live(settings: settings, logger: logger).deliver(messages) { outcome in
            if outcome.status == .delivered { delivered.increment() }
        }
        let elapsed = (ContinuousClock.now - start).timeInterval
        return Result(messages: count, delivered: delivered.value, bytesPerMessage: messages.first?.data.count ?? 0, seconds: elapsed)
    }

    /// A plain-text summary of about `size` bytes with CRLF lines, like a rendered notice.
    public static func message(_ n: Int, size: Int) -> OutgoingMessage {
        var text = "From: FollowThrough <followthrough@example.test>\r\nTo: <tech\(n)@example.test>\r\n"
        text += "Subject: Your open recommendations (\(n))\r\nMessage-ID: <bench-\(n)@example.test>\r\n"
        text += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        var line = 0
        while text.utf8.count < size - 2 {
            line += 1
            let row = "\(line). Site \(1000 + n % 97) / unit U-\(line * 7 % 1000): replace filter cartridge, quoted on 2024-05-\(line % 28 + 1).\r\n"
            text += row.utf8.count <= size - text.utf8.count ? row : String(repeating: "x", count: max(0, size - text.utf8.count - 2)) + "\r\n"
        }
        return OutgoingMessage(messageID: "bench-\(n)", kind: "summary", envelopeFrom: "followthrough@example.test",
                               recipient: "tech\(n)@example.test", data: Array(text.utf8))
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}

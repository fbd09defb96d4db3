import Foundation

/// Delivery into a folder: one `.eml` file per message, written atomically, named so reruns overwrite.
public enum OutboxTransport {
    public static func live(directory: String, asOf: String) -> MailTransport {
        MailTransport(name: "outbox \(directory)") { messages, onOutcome in
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw TransportSetupError("\(directory): cannot create the outbox folder (\(error.localizedDescription))")
            }
            for message in messages {
                let name = fileName(asOf: asOf, kind: message.kind, recipient: message.recipient)
                let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
                do {
                    try Data(message.data).write(to: url, options: .atomic)
                    onOutcome(DeliveryOutcome(messageID: message.messageID, recipient: message.recipient, status: .delivered,
                                              permanent: false, attempts: 1, reply: "written to \(url.path)"))
                } catch {
                    onOutcome(DeliveryOutcome(messageID: message.messageID, recipient: message.recipient, status: .failed,
                                              permanent: false, attempts: 1, reply: "cannot write \(url.path): \(error.localizedDescription)"))
                }
            }
        }
    }

    /// `2026-11-23_pre-visit_alice@example.com.eml`, with anything unusual in the address replaced.
    static func fileName(asOf: String, kind: String, recipient: String) -> String {
        let safe = String(recipient.lowercased().unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) && c.isASCII || "@.-+_".unicodeScalars.contains(c) ? Character(c) : "_"
        })
        return "\(asOf)_\(kind)_\(safe).eml"
    }
}

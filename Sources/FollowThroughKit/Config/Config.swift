import FollowThroughCore
import Foundation

/// Where one export lives and how it is laid out.
public struct ExportSource: Sendable {
    /// Absolute path to read.
    public var path: String
    /// The path as the config wrote it, for messages.
    public var displayName: String
    public var options: ExportOptions
}

/// How messages leave: written to a folder, or handed to an SMTP relay.
public enum TransportChoice: Sendable {
    case outbox(directory: String)
    case smtp(SMTPConfig)
}

/// The `[mail]` section.
public struct MailConfig: Sendable {
    public var from: MailAddress
    public var salesInbox: MailAddress
    public var transport: TransportChoice
    public var currencySymbol: String
}

/// A loaded, validated configuration; relative paths already resolved against the config's folder.
public struct Config: Sendable {
    public var file: String
    public var folder: String
    public var timeZone: TimeZone
    public var exports: [ExportKind: ExportSource]
    public var rules: RuleSettings
    /// `[rules]` retry_days, send_updates, escalate_after_digests.
    public var followUp: FollowUpSettings = FollowUpSettings()
    /// A file with more rejected rows than this share stops the run.
    public var maxRejectedPercent: Double
    public var templatesDirectory: String
    public var mail: MailConfig
    public var statePath: String
}

/// A config that cannot be used: names the file (and line when known) and says what to do.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public var hint: String
    public init(file: String, line: Int? = nil, message: String, hint: String = "") {
        self.file = file; self.line = line; self.message = message; self.hint = hint
    }
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return hint.isEmpty ? "\(location): \(message)" : "\(location): \(message) (hint: \(hint))"
    }
}

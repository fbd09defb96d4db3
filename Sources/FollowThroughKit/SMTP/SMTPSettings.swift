import Foundation

/// How to reach the SMTP relay, and how politely to use it.
public struct SMTPSettings: Sendable {
    /// Whether the connection must be encrypted.
    public enum TLS: String, Sendable, CaseIterable {
        /// Refuse to send in clear: STARTTLS must succeed on `smtp://` (or use `smtps://`).
        case required
        /// Use STARTTLS when the server offers it, send in clear otherwise.
        case opportunistic
        /// Never encrypt; only accepted for a loopback host.
        case off
    }

    /// `smtp://host:587` (STARTTLS) or `smtps://host:465` (implicit TLS); no path, no credentials.
    public var url: String
    public var tls: TLS
    /// A PEM bundle of CAs to trust instead of the system bundle (curl's CAINFO); certificates are always verified.
    public var caFile: String?
    /// The name sent in EHLO; curl's default is this machine's host name.
    public var heloName: String?
    public var username: String?
    public var password: SMTPSecret?
    /// MAIL FROM for every message when set (e.g. a bounce address the relay accepts); otherwise each message's own.
    public var envelopeFrom: String?
    /// Parallel connections, each on its own thread.
    public var maxConnections: Int
    /// Messages per minute across all connections, evenly spaced; nil = as fast as the server takes them.
    public var maxPerMinute: Int?
    public var connectTimeout: Duration
    /// Longest one message may take, from its first byte to the server's final reply.
    public var messageTimeout: Duration
    /// Tries per message, the first one included.
    public var maxAttempts: Int
    /// Wait before the second try; doubled before each later one.
    public var backoffBase: Duration

    public init(
        url: String,
        tls: TLS = .required,
        caFile: String? = nil,
        heloName: String? = nil,
        username: String? = nil,
        password: SMTPSecret? = nil,
        envelopeFrom: String? = nil,
        maxConnections: Int = 1,
        maxPerMinute: Int? = nil,
        connectTimeout: Duration = .seconds(15),
        messageTimeout: Duration = .seconds(60),
        maxAttempts: Int = 3,
        backoffBase: Duration = .seconds(2)
    ) {
        self.url = url; self.tls = tls; self.caFile = caFile; self.heloName = heloName
        self.username = username; self.password = password; self.envelopeFrom = envelopeFrom
        self.maxConnections = maxConnections; self.maxPerMinute = maxPerMinute
        self.connectTimeout = connectTimeout; self.messageTimeout = messageTimeout
        self.maxAttempts = maxAttempts; self.backoffBase = backoffBase
    }
}

/// Settings checked once, with what curl needs derived from them.
struct ValidatedSMTPSettings: Sendable {
    var settings: SMTPSettings
    /// The URL handed to curl: scheme, host, port and the EHLO name as its path.
    var curlURL: String
    var isImplicitTLS: Bool
    /// Spacing between sends when throttled.
    var sendInterval: Duration?
}

extension SMTPSettings {
    /// Checks the settings and derives curl's URL; every error names the setting and the fix.
    func validated() throws(TransportSetupError) -> ValidatedSMTPSettings {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "smtp" || scheme == "smtps"
        else {
            throw TransportSetupError("SMTP url \"\(url)\": expected smtp://host:587 (STARTTLS) or smtps://host:465 (implicit TLS)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw TransportSetupError("SMTP url \"\(url)\": no host; expected e.g. smtp://mail.example.com:587")
        }
        if components.user != nil || components.password != nil {
            // Credentials in the URL would end up in every log line that names the server.
            throw TransportSetupError("SMTP url: do not put credentials in the URL; set username, and the password through FOLLOWTHROUGH_SMTP_PASSWORD or a password file")
        }
        if !(components.path.isEmpty || components.path == "/") || components.query != nil || components.fragment != nil {
            throw TransportSetupError("SMTP url \"\(url)\": only scheme, host and port are allowed (set the EHLO name with heloName)")
        }
        if tls == .off && !Self.isLoopback(host) {
            throw TransportSetupError("SMTP url \"\(url)\": tls = \"off\" is only allowed for a loopback host (127.0.0.1, ::1, localhost); use tls = \"required\"")
        }
        if tls == .off && scheme == "smtps" {
            throw TransportSetupError("SMTP url \"\(url)\": smtps:// always uses TLS; use smtp:// with tls = \"off\", or drop tls = \"off\"")
        }
        if let heloName {
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]:")
            guard !heloName.isEmpty, heloName.unicodeScalars.allSatisfy(allowed.contains) else {
                throw TransportSetupError("SMTP heloName \"\(heloName)\": use a host name such as mailer.example.com")
            }
        }
        if let envelopeFrom, !SMTPAddress.isAcceptable(envelopeFrom) {
            throw TransportSetupError("SMTP envelopeFrom \"\(envelopeFrom)\": not a plain mail address (no spaces, angle brackets or line breaks)")
        }
        if let username, username.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw TransportSetupError("SMTP username: must not contain line breaks")
        }
        if password != nil && (username ?? "").isEmpty {
            throw TransportSetupError("SMTP: a password is set but no username; set username too")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw TransportSetupError("\(caFile): cannot read the CA bundle given as caFile; check the path")
        }
        guard maxConnections >= 1 else { throw TransportSetupError("SMTP maxConnections must be at least 1 (got \(maxConnections))") }
        guard maxAttempts >= 1 else { throw TransportSetupError("SMTP maxAttempts must be at least 1 (got \(maxAttempts))") }
        if let maxPerMinute, maxPerMinute < 1 {
            throw TransportSetupError("SMTP maxPerMinute must be at least 1, or unset for no limit (got \(maxPerMinute))")
        }
        guard connectTimeout > .zero, messageTimeout > .zero else {
            throw TransportSetupError("SMTP connectTimeout and messageTimeout must be positive")
        }
        guard backoffBase >= .zero else { throw TransportSetupError("SMTP backoffBase must not be negative") }

        var base = "\(scheme)://\(components.percentEncodedHost ?? host)"
        if let port = components.port { base += ":\(port)" }
        return ValidatedSMTPSettings(
            settings: self,
            curlURL: base + "/" + (heloName ?? ""),
            isImplicitTLS: scheme == "smtps",
            sendInterval: maxPerMinute.map { .seconds(60) / $0 }
        )
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// Envelope address checks: curl writes these straight into MAIL FROM / RCPT TO lines.
enum SMTPAddress {
    static func isAcceptable(_ address: String) -> Bool {
        !address.isEmpty && address.count <= 254 && !address.contains(where: { c in
            c.isWhitespace || c.isNewline || c == "<" || c == ">" || c == "\0" || c.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true
        })
    }
}

/// The SMTP keys of the `[mail]` section, as written (the password is read only when sending).
public struct SMTPConfig: Sendable, Equatable {
    public var url: String
    public var tls: String = "required"
    public var caFile: String? = nil
    public var heloName: String? = nil
    public var username: String? = nil
    public var passwordEnv: String = "FOLLOWTHROUGH_SMTP_PASSWORD"
    public var passwordFile: String? = nil
    public var envelopeFrom: String? = nil
    public var maxConnections: Int = 1
    public var maxPerMinute: Int? = nil
    public var connectTimeoutSeconds: Double = 15
    public var messageTimeoutSeconds: Double = 60
    public var maxAttempts: Int = 3
    public init(url: String) { self.url = url }
}

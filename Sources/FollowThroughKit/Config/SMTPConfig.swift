import Foundation

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

extension SMTPConfig {
    /// The transport settings, with the password read from its environment variable or file now.
    /// Errors name the config file and say what to set.
    public func settings(configFile: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> SMTPSettings {
        let password: SMTPSecret?
        do {
            password = try SMTPSecret.load(environmentVariable: passwordEnv, file: passwordFile, environment: environment)
        } catch {
            throw ConfigError(file: configFile, message: "[mail] password: \(error.description)")
        }
        if username != nil, password == nil {
            throw ConfigError(file: configFile, message: "[mail] username is set but no SMTP password was found",
                              hint: "export \(passwordEnv)=… in the job's environment, or set password_file to a file only its owner can read")
        }
        if password != nil, username == nil {
            throw ConfigError(file: configFile, message: "[mail] an SMTP password is set but no username", hint: "add username = \"…\" under [mail]")
        }
        return SMTPSettings(
            url: url, tls: SMTPSettings.TLS(rawValue: tls) ?? .required, caFile: caFile, heloName: heloName,
            username: username, password: password, envelopeFrom: envelopeFrom, maxConnections: maxConnections,
            maxPerMinute: maxPerMinute, connectTimeout: .milliseconds(Int(connectTimeoutSeconds * 1000)),
            messageTimeout: .milliseconds(Int(messageTimeoutSeconds * 1000)), maxAttempts: maxAttempts)
    }
}

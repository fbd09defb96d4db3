import FollowThroughCore
import Foundation
import TOMLKit

/// Reads and validates a TOML config file.
public enum ConfigLoader {
    static let topKeys: Set = ["timezone", "exports", "rules", "mail", "templates_dir", "state_path", "max_rejected_percent"]
    static let exportKeys: Set = ["path", "delimiter", "date_format", "columns", "values"]
    static let ruleKeys: Set = ["lookahead_days", "stale_after_days", "digest_limit", "max_age_days",
                                "retry_days", "send_updates", "escalate_after_digests"]
    static let mailKeys: Set = ["from", "sales_inbox", "transport", "outbox_dir", "currency_symbol", "smtp_url", "tls",
                                "ca_file", "helo_name", "username", "password_env", "password_file", "envelope_from",
                                "max_connections", "max_per_minute", "connect_timeout_seconds", "message_timeout_seconds",
                                "max_attempts"]

    public static func load(path: String) throws(ConfigError) -> Config {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(file: path, message: "cannot read the config file",
                              hint: "check the path given to --config; examples/demo/followthrough.toml is a starting point")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the config file is not UTF-8 text")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: path, line: error.source.begin.line, message: "TOML syntax error: \(error.description)",
                              hint: "strings need double quotes; sections look like [rules]")
        } catch {
            throw ConfigError(file: path, message: "TOML syntax error: \(error)")
        }
        return try ConfigReader(file: path, folder: url.deletingLastPathComponent().path).read(table)
    }
}

/// Walks the TOML tables, checking each key's type and refusing unknown keys (typos would silently use defaults).
struct ConfigReader {
    let file: String
    let folder: String

    func fail(_ message: String, _ hint: String = "") -> ConfigError { ConfigError(file: file, message: message, hint: hint) }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: folder).appendingPathComponent(path).standardized.path
    }

    func checkKeys(_ table: TOMLTable, _ known: Set<String>, _ section: String) throws(ConfigError) {
        for key in table.keys where !known.contains(key) {
            throw fail("unknown key '\(key)' in \(section)", "known keys: \(known.sorted().joined(separator: ", "))")
        }
    }

    func string(_ table: TOMLTable, _ key: String, _ section: String) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let s = value.string else { throw fail("\(section) \(key) must be a string in double quotes") }
        return s
    }

    func int(_ table: TOMLTable, _ key: String, _ section: String, min: Int) throws(ConfigError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let i = value.int, i >= min else { throw fail("\(section) \(key) must be a whole number ≥ \(min)") }
        return i
    }

    func bool(_ table: TOMLTable, _ key: String, _ section: String) throws(ConfigError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let b = value.bool else { throw fail("\(section) \(key) must be true or false (no quotes)") }
        return b
    }

    func number(_ table: TOMLTable, _ key: String, _ section: String) throws(ConfigError) -> Double? {
        guard let value = table[key] else { return nil }
        if let i = value.int, i >= 0 { return Double(i) }
        guard let d = value.double, d >= 0 else { throw fail("\(section) \(key) must be a number ≥ 0") }
        return d
    }

    func read(_ root: TOMLTable) throws(ConfigError) -> Config {
        try checkKeys(root, ConfigLoader.topKeys, "the top level")
        let zoneName = try string(root, "timezone", "") ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw fail("unknown timezone '\(zoneName)'", "use an IANA name such as \"America/Toronto\" or \"Europe/London\"")
        }
        guard let exportsTable = root["exports"]?.table else {
            throw fail("missing [exports] section", "add [exports.work_orders], [exports.recommendations] and [exports.people] with a path each")
        }
        try checkKeys(exportsTable, Set(ExportKind.allCases.map(\.rawValue)), "[exports]")
        var exports: [ExportKind: ExportSource] = [:]
        for kind in ExportKind.allCases {
            guard let t = exportsTable[kind.rawValue]?.table else {
                throw fail("missing [exports.\(kind.rawValue)] section", "add it with path = \"\(kind.rawValue).csv\"")
            }
            exports[kind] = try export(kind, t)
        }
        let rules = try readRules(root)
        let followUp = try readFollowUp(root)
        let percent = try number(root, "max_rejected_percent", "") ?? 1
        let templates = resolve(try string(root, "templates_dir", "") ?? "templates")
        let statePath = resolve(try string(root, "state_path", "") ?? "followthrough-state.sqlite")
        guard let mailTable = root["mail"]?.table else {
            throw fail("missing [mail] section", "add [mail] with from, sales_inbox and transport")
        }
        var config = Config(file: file, folder: folder, timeZone: zone, exports: exports, rules: rules, maxRejectedPercent: percent,
                            templatesDirectory: templates, mail: try readMail(mailTable), statePath: statePath)
        config.followUp = followUp
        return config
    }

    func export(_ kind: ExportKind, _ t: TOMLTable) throws(ConfigError) -> ExportSource {
        let section = "[exports.\(kind.rawValue)]"
        try checkKeys(t, ConfigLoader.exportKeys, section)
        guard let path = try string(t, "path", section) else { throw fail("\(section) needs a path", "path = \"\(kind.rawValue).csv\"") }
        var options = ExportOptions()
        if let d = try string(t, "delimiter", section) {
            let bytes = Array((d == "\\t" ? "\t" : d).utf8)
            guard bytes.count == 1, bytes[0] != 0x22, bytes[0] != 0x0A, bytes[0] != 0x0D else {
                throw fail("\(section) delimiter must be one character such as \",\" \";\" or \"\\t\"")
            }
            options.delimiter = bytes[0]
        }
        if let f = try string(t, "date_format", section) {
            do { options.datePattern = try DatePattern(f) } catch { throw fail("\(section) date_format: \(error.message)") }
        }
        if let columns = t["columns"] {
            guard let ct = columns.table else { throw fail("\(section) columns must be a table") }
            try checkKeys(ct, Set(kind.columns), "[exports.\(kind.rawValue).columns]")
            for key in ct.keys { options.columns[key] = try string(ct, key, "[exports.\(kind.rawValue).columns]") }
        }
        if let values = t["values"] {
            guard let vt = values.table else { throw fail("\(section) values must be a table") }
            try checkKeys(vt, Set(kind.mappableColumns), "[exports.\(kind.rawValue).values]")
            for column in vt.keys {
                let sub = "[exports.\(kind.rawValue).values.\(column)]"
                guard let mt = vt[column]?.table else { throw fail("\(sub) must be a table of \"file value\" = \"canonical value\"") }
                var map: [String: String] = [:]
                let allowed = Self.canonicalValues(column, kind)
                for key in mt.keys {
                    guard let to = try string(mt, key, sub), allowed.contains(to) else {
                        throw fail("\(sub) \"\(key)\" maps to an unknown value", "use one of: \(allowed.joined(separator: ", "))")
                    }
                    map[key] = to
                }
                options.values[column] = map
            }
        }
        return ExportSource(path: resolve(path), displayName: path, options: options)
    }

    static func canonicalValues(_ column: String, _ kind: ExportKind) -> [String] {
        switch (column, kind) {
        case ("priority", _): Priority.allCases.map(\.name)
        case ("role", _): Role.allCases.map(\.rawValue)
        case ("status", .workOrders): WorkOrderStatus.allCases.map(\.rawValue)
        default: RecommendationStatus.allCases.map(\.rawValue)
        }
    }

    func readRules(_ root: TOMLTable) throws(ConfigError) -> RuleSettings {
        var rules = RuleSettings()
        guard let value = root["rules"] else { return rules }
        guard let t = value.table else { throw fail("rules must be a [rules] section") }
        try checkKeys(t, ConfigLoader.ruleKeys, "[rules]")
        rules.lookaheadDays = try int(t, "lookahead_days", "[rules]", min: 1) ?? rules.lookaheadDays
        rules.staleAfterDays = try int(t, "stale_after_days", "[rules]", min: 0) ?? rules.staleAfterDays
        rules.digestLimit = try int(t, "digest_limit", "[rules]", min: 1) ?? rules.digestLimit
        rules.maxAgeDays = try int(t, "max_age_days", "[rules]", min: 1) ?? rules.maxAgeDays
        return rules
    }

    func readFollowUp(_ root: TOMLTable) throws(ConfigError) -> FollowUpSettings {
        var settings = FollowUpSettings()
        guard let t = root["rules"]?.table else { return settings }
        settings.retryDays = try int(t, "retry_days", "[rules]", min: 0) ?? settings.retryDays
        settings.sendUpdates = try bool(t, "send_updates", "[rules]") ?? settings.sendUpdates
        settings.escalateAfterDigests = try int(t, "escalate_after_digests", "[rules]", min: 1) ?? settings.escalateAfterDigests
        return settings
    }

    func address(_ t: TOMLTable, _ key: String) throws(ConfigError) -> MailAddress {
        guard let text = try string(t, key, "[mail]") else {
            throw fail("[mail] needs \(key)", key == "from" ? "from = \"Service Desk <service@example.com>\"" : "\(key) = \"sales-team@example.com\"")
        }
        do { return try MailAddress(parsing: text) } catch { throw fail("[mail] \(key): \(error.description)") }
    }

    func readMail(_ t: TOMLTable) throws(ConfigError) -> MailConfig {
        try checkKeys(t, ConfigLoader.mailKeys, "[mail]")
        let from = try address(t, "from")
        let inbox = try address(t, "sales_inbox")
        let transport: TransportChoice
        switch try string(t, "transport", "[mail]") ?? "outbox" {
        case "outbox": transport = .outbox(directory: resolve(try string(t, "outbox_dir", "[mail]") ?? "outbox"))
        case "smtp": transport = .smtp(try readSMTP(t))
        case let other: throw fail("[mail] transport '\(other)' is not known", "use \"outbox\" or \"smtp\"")
        }
        return MailConfig(from: from, salesInbox: inbox, transport: transport,
                          currencySymbol: try string(t, "currency_symbol", "[mail]") ?? "$")
    }

    func readSMTP(_ t: TOMLTable) throws(ConfigError) -> SMTPConfig {
        guard let url = try string(t, "smtp_url", "[mail]") else {
            throw fail("[mail] transport = \"smtp\" needs smtp_url", "smtp_url = \"smtp://relay.example.com:587\"")
        }
        var smtp = SMTPConfig(url: url)
        if let tls = try string(t, "tls", "[mail]") {
            guard ["required", "opportunistic", "off"].contains(tls) else {
                throw fail("[mail] tls '\(tls)' is not known", "use \"required\", \"opportunistic\" or \"off\"")
            }
            smtp.tls = tls
        }
        smtp.caFile = try string(t, "ca_file", "[mail]").map(resolve)
        smtp.heloName = try string(t, "helo_name", "[mail]")
        smtp.username = try string(t, "username", "[mail]")
        smtp.passwordEnv = try string(t, "password_env", "[mail]") ?? smtp.passwordEnv
        smtp.passwordFile = try string(t, "password_file", "[mail]").map(resolve)
        smtp.envelopeFrom = try string(t, "envelope_from", "[mail]")
        smtp.maxConnections = try int(t, "max_connections", "[mail]", min: 1) ?? 1
        smtp.maxPerMinute = try int(t, "max_per_minute", "[mail]", min: 1)
        smtp.connectTimeoutSeconds = try number(t, "connect_timeout_seconds", "[mail]") ?? smtp.connectTimeoutSeconds
        smtp.messageTimeoutSeconds = try number(t, "message_timeout_seconds", "[mail]") ?? smtp.messageTimeoutSeconds
        smtp.maxAttempts = try int(t, "max_attempts", "[mail]", min: 1) ?? smtp.maxAttempts
        return smtp
    }
}

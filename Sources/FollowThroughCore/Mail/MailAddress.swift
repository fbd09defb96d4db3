/// An email address with an optional display name, validated so it can never break a header.
///
/// The address must be a plain RFC 5322 addr-spec in dot-atom form: `local@domain`, where the
/// local part uses only `atext` characters and dots (no leading, trailing or doubled dot), the
/// domain is letters, digits, hyphens and dots with at least one dot (or is `localhost`), and the
/// whole address is at most 254 octets. Quoted local parts, domain literals and comments are not
/// supported. The display name is trimmed; an empty one becomes `nil`; any control character in it
/// (CR, LF, TAB, NUL, DEL, C1 controls, U+2028/U+2029) is refused.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let displayName: String?
    public let address: String

    /// Builds an address from parts; throws when `address` is not a plain addr-spec or either part holds CR/LF.
    public init(displayName: String?, address: String) throws(MailAddressError) {
        let shown = displayName.map { "\($0) <\(address)>" } ?? address
        if let reason = MailAddress.problem(inAddrSpec: address) {
            throw MailAddressError(text: shown, reason: reason)
        }
        var name: String? = nil
        if let displayName {
            if let reason = MailAddress.problem(inDisplayName: displayName) {
                throw MailAddressError(text: shown, reason: reason)
            }
            let trimmed = MailAddress.trimmingSpaces(displayName)
            name = trimmed.isEmpty ? nil : trimmed
        }
        self.displayName = name
        self.address = address
    }

    /// Parses `Name <addr@host>`, `"Name, Jr." <addr@host>` or a bare `addr@host`.
    ///
    /// Surrounding whitespace is ignored. An unquoted display name may not contain `"`, `,`, `;`,
    /// `:`, `<`, `>`, `@`, `\` or brackets (quote it instead). In a quoted name, `\"` and `\\` are
    /// unescaped. CR, LF and other control characters anywhere are refused.
    public init(parsing text: String) throws(MailAddressError) {
        func fail(_ reason: String) -> MailAddressError { MailAddressError(text: text, reason: reason) }

        if let bad = text.unicodeScalars.first(where: { $0 == "\r" || $0 == "\n" }) {
            throw fail(MailAddress.describeControl(bad))
        }
        let trimmed = MailAddress.trimmingSpaces(text)
        if trimmed.isEmpty { throw fail("it is empty") }
        if let bad = trimmed.unicodeScalars.first(where: MailAddress.isControl) {
            throw fail(MailAddress.describeControl(bad))
        }

        let scalars = Array(trimmed.unicodeScalars)
        // Find the '<' that starts the angle-addr, outside any quoted string.
        var inQuotes = false
        var escaped = false
        var openIndex: Int? = nil
        for (i, s) in scalars.enumerated() {
            if escaped { escaped = false; continue }
            if inQuotes {
                if s == "\\" { escaped = true } else if s == "\"" { inQuotes = false }
                continue
            }
            if s == "\"" { inQuotes = true; continue }
            if s == "<" { openIndex = i; break }
        }
        if inQuotes || escaped { throw fail("a quoted display name is not closed") }

        guard let open = openIndex else {
            // Bare addr-spec.
            if trimmed.contains(">") { throw fail("'>' without a matching '<'") }
            if trimmed.contains("\"") { throw fail("a quoted name must be followed by <address>") }
            do {
                try self.init(displayName: nil, address: trimmed)
            } catch {
                throw fail(error.reason)
            }
            return
        }
        guard scalars.last == ">" else { throw fail("text after the closing '>' or no closing '>'") }
        let inner = String(String.UnicodeScalarView(scalars[(open + 1)..<(scalars.count - 1)]))
        if inner.contains("<") || inner.contains(">") { throw fail("more than one '<' or '>'") }
        let address = MailAddress.trimmingSpaces(inner)

        let rawName = MailAddress.trimmingSpaces(String(String.UnicodeScalarView(scalars[0..<open])))
        var name: String? = nil
        if rawName.hasPrefix("\"") {
            let nameScalars = Array(rawName.unicodeScalars)
            var out = String.UnicodeScalarView()
            var i = 1
            var closed = false
            while i < nameScalars.count {
                let s = nameScalars[i]
                if s == "\\" && i + 1 < nameScalars.count {
                    out.append(nameScalars[i + 1]); i += 2; continue
                }
                if s == "\"" { closed = true; i += 1; break }
                out.append(s); i += 1
            }
            if !closed { throw fail("a quoted display name is not closed") }
            if i != nameScalars.count { throw fail("text after the quoted display name") }
            name = String(out)
        } else if !rawName.isEmpty {
            if let bad = rawName.unicodeScalars.first(where: { "\",;:<>@\\[]()".unicodeScalars.contains($0) }) {
                throw fail("the display name contains '\(bad)'; put it in double quotes")
            }
            name = rawName
        }
        do {
            try self.init(displayName: name, address: address)
        } catch {
            throw fail(error.reason)
        }
    }

    /// The domain part of the address.
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    /// Human-readable form, `Name <addr>`.
    public var description: String { displayName.map { "\($0) <\(address)>" } ?? address }

    /// The address as it appears in a header, unfolded: `a@b.c`, `Name <a@b.c>`,
    /// `"Last, First" <a@b.c>` or `=?UTF-8?B?…?= <a@b.c>` for non-ASCII names.
    public var headerValue: String { headerWords.joined(separator: " ") }

    /// The header form split at the places where it may be folded.
    var headerWords: [String] {
        guard let displayName else { return [address] }
        return HeaderEncoding.phraseWords(displayName) + ["<\(address)>"]
    }

    // MARK: - Validation

    /// RFC 5322 `atext`: the characters allowed in an atom.
    static func isAtext(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(s)
        }
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }

    static func describeControl(_ s: Unicode.Scalar) -> String {
        switch s {
        case "\r": return "it contains a carriage return (CR)"
        case "\n": return "it contains a line feed (LF)"
        default: return "it contains the control character U+\(String(s.value, radix: 16, uppercase: true))"
        }
    }

    static func trimmingSpaces(_ text: String) -> String {
        let scalars = text.unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s.properties.isWhitespace }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    static func problem(inDisplayName name: String) -> String? {
        if let bad = name.unicodeScalars.first(where: isControl) {
            return "the display name " + describeControl(bad).dropFirst(3)
        }
        return nil
    }

    static func problem(inAddrSpec address: String) -> String? {
        if address.isEmpty { return "the address is empty" }
        if let bad = address.unicodeScalars.first(where: isControl) { return describeControl(bad) }
        if address.unicodeScalars.contains(where: { $0.value > 0x7E }) {
            return "the address contains non-ASCII characters"
        }
        if address.contains(" ") { return "the address contains a space" }
        if let bad = address.unicodeScalars.first(where: { "<>()[]\",;:\\".unicodeScalars.contains($0) }) {
            return "the address contains '\(bad)'"
        }
        let ats = address.utf8.filter { $0 == UInt8(ascii: "@") }.count
        if ats == 0 { return "there is no '@'" }
        if ats > 1 { return "there is more than one '@'" }
        if address.utf8.count > 254 { return "the address is longer than 254 characters" }
        let at = address.firstIndex(of: "@")!
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        if local.isEmpty { return "nothing before the '@'" }
        if domain.isEmpty { return "nothing after the '@'" }
        if local.utf8.count > 64 { return "the part before '@' is longer than 64 characters" }
        if let bad = local.unicodeScalars.first(where: { !isAtext($0) && $0 != "." }) {
            return "the part before '@' contains '\(bad)'"
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return "misplaced '.' before the '@'"
        }
        if let bad = domain.unicodeScalars.first(where: {
            !(("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == ".")
        }) {
            return "the domain contains '\(bad)'"
        }
        if domain.lowercased() == "localhost" { return nil }
        if !domain.contains(".") { return "the domain '\(domain)' has no dot" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        if labels.contains(where: { $0.isEmpty }) { return "the domain '\(domain)' has an empty label" }
        if labels.contains(where: { $0.hasPrefix("-") || $0.hasSuffix("-") }) {
            return "a domain label starts or ends with '-'"
        }
        if labels.contains(where: { $0.utf8.count > 63 }) { return "a domain label is longer than 63 characters" }
        return nil
    }
}

/// Why a text is not a usable email address.
public struct MailAddressError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public let reason: String
    /// Control characters in `text` are shown escaped (`\r`, `\n`, `\u{…}`), so logging an error
    /// cannot itself inject lines.
    public var description: String {
        var shown = ""
        for s in text.unicodeScalars {
            switch s {
            case "\r": shown += "\\r"
            case "\n": shown += "\\n"
            case "\t": shown += "\\t"
            default: shown += MailAddress.isControl(s) ? "\\u{\(String(s.value, radix: 16))}" : String(s)
            }
        }
        return "'\(shown)' is not a usable email address: \(reason)"
    }
}

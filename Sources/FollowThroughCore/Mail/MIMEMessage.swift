/// A rendered email, ready to serialise as RFC 5322 `multipart/alternative` (text, then HTML).
public struct MIMEMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    /// Seconds since 1970-01-01T00:00:00Z, and the offset from UTC in seconds to show in the Date header.
    public var date: Int64
    public var utcOffsetSeconds: Int
    /// Without angle brackets, e.g. `3f2a…@example.com`.
    public var messageID: String
    /// Extra headers such as `X-FollowThrough-Kind`; names must be printable ASCII without ':'.
    public var extraHeaders: [(name: String, value: String)]
    /// The bodies as UTF-8 bytes, as rendered (rendering writes bytes; a `String` of them would be validated again).
    public var textUTF8: [UInt8]
    public var htmlUTF8: [UInt8]

    public var textBody: String {
        get { String(decoding: textUTF8, as: UTF8.self) }
        set { textUTF8 = Array(newValue.utf8) }
    }

    public var htmlBody: String {
        get { String(decoding: htmlUTF8, as: UTF8.self) }
        set { htmlUTF8 = Array(newValue.utf8) }
    }

    public init(from: MailAddress, to: [MailAddress], subject: String, date: Int64, utcOffsetSeconds: Int,
                messageID: String, extraHeaders: [(name: String, value: String)] = [], textBody: String, htmlBody: String) {
        self.init(from: from, to: to, subject: subject, date: date, utcOffsetSeconds: utcOffsetSeconds, messageID: messageID,
                  extraHeaders: extraHeaders, textUTF8: Array(textBody.utf8), htmlUTF8: Array(htmlBody.utf8))
    }

    /// As `init(…textBody:htmlBody:)`, with bodies already in UTF-8 (valid UTF-8: rendered from `String`s).
    public init(from: MailAddress, to: [MailAddress], subject: String, date: Int64, utcOffsetSeconds: Int,
                messageID: String, extraHeaders: [(name: String, value: String)] = [], textUTF8: [UInt8], htmlUTF8: [UInt8]) {
        self.from = from; self.to = to; self.subject = subject; self.date = date
        self.utcOffsetSeconds = utcOffsetSeconds; self.messageID = messageID
        self.extraHeaders = extraHeaders; self.textUTF8 = textUTF8; self.htmlUTF8 = htmlUTF8
    }

    /// Equal when every field is, the bodies byte for byte (what `serialized()` writes).
    public static func == (a: MIMEMessage, b: MIMEMessage) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.date == b.date
            && a.utcOffsetSeconds == b.utcOffsetSeconds && a.messageID == b.messageID
            && a.extraHeaders.elementsEqual(b.extraHeaders, by: { $0 == $1 })
            && a.textUTF8 == b.textUTF8 && a.htmlUTF8 == b.htmlUTF8
    }

    /// The message as bytes: CRLF line endings, no line over 998 octets, UTF-8 bodies in
    /// quoted-printable, non-ASCII header values RFC 2047-encoded, CR/LF in values never passed through.
    ///
    /// Header order: From, To, Subject, Date, Message-ID, MIME-Version, Auto-Submitted, the allowed
    /// `extraHeaders` in order, Content-Type. Control characters in Subject and extra header values
    /// become spaces. Extra headers whose name is not a valid field name (see
    /// `isAllowedExtraHeaderName`) or that would duplicate or override a header this serialiser
    /// writes are dropped (`droppedExtraHeaderNames` lists them). The same message always gives
    /// the same bytes.
    ///
    /// Header lines are folded at 76 characters, except Message-ID, which is one unbreakable
    /// token and stays on its line (under 270 characters, far below the 998 limit).
    public func serialized() -> [UInt8] {
        let crlf = "\r\n"
        var headers: [String] = []
        headers.append(HeaderEncoding.fold(name: "From", words: from.headerWords))

        var toWords: [String] = []
        for (i, address) in to.enumerated() {
            var words = address.headerWords
            if i < to.count - 1 { words[words.count - 1] += "," }
            toWords += words
        }
        if toWords.isEmpty { toWords = ["undisclosed-recipients:;"] }
        headers.append(HeaderEncoding.fold(name: "To", words: toWords))

        headers.append(MIMEMessage.unstructuredHeader(name: "Subject", value: subject))
        headers.append("Date: " + RFC5322Date.format(date, utcOffsetSeconds: utcOffsetSeconds))
        headers.append("Message-ID: <\(MIMEMessage.sanitizedMessageID(messageID))>")
        headers.append("MIME-Version: 1.0")
        headers.append("Auto-Submitted: auto-generated")
        for header in extraHeaders where MIMEMessage.isAllowedExtraHeaderName(header.name) {
            headers.append(MIMEMessage.unstructuredHeader(name: header.name, value: header.value))
        }
        let boundary = self.boundary
        headers.append(HeaderEncoding.fold(name: "Content-Type", words: ["multipart/alternative;", "boundary=\"\(boundary)\""]))

        // Bytes from the start: the bodies are encoded straight into the message, with no String in between.
        var out: [UInt8] = []
        let bodyBytes = textUTF8.count + htmlUTF8.count
        out.reserveCapacity(bodyBytes + bodyBytes / 4 + 2048)
        out += (headers.joined(separator: crlf) + crlf + crlf).utf8
        for (type, body) in [("text/plain", textUTF8), ("text/html", htmlUTF8)] {
            out += "--\(boundary)\(crlf)Content-Type: \(type); charset=utf-8\(crlf)Content-Transfer-Encoding: quoted-printable\(crlf)\(crlf)".utf8
            body.withUnsafeBufferPointer { QuotedPrintable.encode($0, into: &out) }
            out += crlf.utf8
        }
        out += "--\(boundary)--\(crlf)".utf8
        return out
    }

    /// The multipart boundary: `=_ft_` and 32 hex digits derived from `messageID`. `=_` can never
    /// occur in quoted-printable output, so no body line can be mistaken for the boundary.
    public var boundary: String {
        "=_ft_" + SHA256Digest.hex(SHA256Digest.hash(Array(messageID.utf8)).prefix(16))
    }

    /// Names of `extraHeaders` that `serialized()` leaves out, in order.
    public var droppedExtraHeaderNames: [String] {
        extraHeaders.map(\.name).filter { !MIMEMessage.isAllowedExtraHeaderName($0) }
    }

    /// Headers the serialiser writes itself, or that would change recipients or the MIME structure;
    /// extra headers with these names (any letter case), or any name starting with `Content-`, are dropped.
    public static let reservedHeaderNames: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version", "auto-submitted",
        "sender", "resent-from", "resent-to", "resent-cc", "resent-bcc", "return-path",
    ]

    /// True when `name` may be written as an extra header: 1–76 printable ASCII characters other than
    /// `:` (RFC 5322 field name), not reserved and not `Content-*`.
    public static func isAllowedExtraHeaderName(_ name: String) -> Bool {
        guard HeaderEncoding.isValidFieldName(name) else { return false }
        let lower = name.lowercased()
        return !reservedHeaderNames.contains(lower) && !lower.hasPrefix("content-")
    }

    static func unstructuredHeader(name: String, value: String) -> String {
        let text = HeaderEncoding.replacingControls(value)
        let room = HeaderEncoding.foldLimit - name.utf8.count - 2
        return HeaderEncoding.fold(name: name, words: HeaderEncoding.unstructuredWords(text, firstRoom: room))
    }

    /// The id with every character outside `atext`, `.` and `@` replaced by `-`, at most 250 characters.
    static func sanitizedMessageID(_ id: String) -> String {
        var out = String.UnicodeScalarView()
        for s in id.unicodeScalars.prefix(250) {
            out.append(MailAddress.isAtext(s) || s == "." || s == "@" ? s : "-")
        }
        return out.isEmpty ? "missing@followthrough.invalid" : String(out)
    }
}

/// Deterministic Message-IDs: the same as-of date, kind and recipient always give the same id.
public enum MessageIDGenerator {
    ///
    /// The id is `<32 hex digits>.<asOf>@<domain>`: the hex digits are the first 128 bits of a
    /// SHA-256 over the length-prefixed as-of date, kind and trimmed, lowercased recipient (so a
    /// change of letter case gives the same id, and no two different triples share an input).
    /// `asOf` is reduced to letters, digits and `-` (other characters become `-`; omitted when
    /// empty); `domain` is lowercased and reduced to letters, digits, `-` and non-empty dot-separated
    /// labels, falling back to `followthrough.invalid`.
    public static func make(asOf: String, kind: String, recipient: String, domain: String) -> String {
        let normalisedRecipient = MailAddress.trimmingSpaces(recipient).lowercased()
        var input: [UInt8] = []
        for field in [asOf, kind, normalisedRecipient] {
            let bytes = Array(field.utf8)
            input += Array("\(bytes.count):".utf8) + bytes + [UInt8(ascii: "|")]
        }
        let hex = SHA256Digest.hex(SHA256Digest.hash(input).prefix(16))

        var stamp = String.UnicodeScalarView()
        for s in asOf.unicodeScalars {
            let ok = ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "-"
            stamp.append(ok ? s : "-")
        }
        let labels = domain.lowercased().split(separator: ".").map { label in
            String(label.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
                .map(Character.init))
        }.filter { !$0.isEmpty }
        let safeDomain = labels.isEmpty ? "followthrough.invalid" : labels.joined(separator: ".")
        return stamp.isEmpty ? "\(hex)@\(safeDomain)" : "\(hex).\(String(stamp))@\(safeDomain)"
    }
}

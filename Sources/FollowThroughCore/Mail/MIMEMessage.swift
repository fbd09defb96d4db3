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
    public var textBody: String
    public var htmlBody: String

    public init(from: MailAddress, to: [MailAddress], subject: String, date: Int64, utcOffsetSeconds: Int,
                messageID: String, extraHeaders: [(name: String, value: String)] = [], textBody: String, htmlBody: String) {
        self.from = from; self.to = to; self.subject = subject; self.date = date
        self.utcOffsetSeconds = utcOffsetSeconds; self.messageID = messageID
        self.extraHeaders = extraHeaders; self.textBody = textBody; self.htmlBody = htmlBody
    }

    public static func == (a: MIMEMessage, b: MIMEMessage) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.date == b.date
            && a.utcOffsetSeconds == b.utcOffsetSeconds && a.messageID == b.messageID
            && a.extraHeaders.elementsEqual(b.extraHeaders, by: { $0 == $1 })
            && a.textBody == b.textBody && a.htmlBody == b.htmlBody
    }

    /// The message as bytes: CRLF line endings, no line over 998 octets, UTF-8 bodies in
    /// quoted-printable, non-ASCII header values RFC 2047-encoded, CR/LF in values never passed through.
    public func serialized() -> [UInt8] {
        fatalError("not implemented yet")
    }
}

/// Deterministic Message-IDs: the same as-of date, kind and recipient always give the same id.
public enum MessageIDGenerator {
    public static func make(asOf: String, kind: String, recipient: String, domain: String) -> String {
        fatalError("not implemented yet")
    }
}

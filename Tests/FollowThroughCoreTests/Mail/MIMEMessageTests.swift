import Foundation
import Testing
@testable import FollowThroughCore

func sampleMessage(subject: String = "Visit tomorrow: Acme Corp",
                   extraHeaders: [(name: String, value: String)] = [("X-FollowThrough-Kind", "previsit")],
                   text: String = "Hello,\nsee you tomorrow.\n",
                   html: String = "<p>Hello,</p>\n<p>see you <b>tomorrow</b>.</p>\n") throws -> MIMEMessage {
    MIMEMessage(
        from: try MailAddress(parsing: "FollowThrough <noreply@followthrough.example.com>"),
        to: [try MailAddress(parsing: "\"Smith, Ann\" <ann@example.com>")],
        subject: subject, date: 1_795_489_500, utcOffsetSeconds: -18_000,
        messageID: MessageIDGenerator.make(asOf: "2026-11-23", kind: "previsit", recipient: "ann@example.com",
                                           domain: "followthrough.example.com"),
        extraHeaders: extraHeaders, textBody: text, htmlBody: html)
}

/// The header block (before the first empty line), unfolded, as (name, value) pairs.
func headerFields(_ bytes: [UInt8]) -> [(name: String, value: String)] {
    let text = String(decoding: bytes, as: UTF8.self)
    let head = text.components(separatedBy: "\r\n\r\n")[0]
    var fields: [(name: String, value: String)] = []
    for line in head.components(separatedBy: "\r\n") {
        if line.hasPrefix(" ") || line.hasPrefix("\t") {
            fields[fields.count - 1].value += line
        } else {
            let colon = line.firstIndex(of: ":")!
            fields.append((String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst())))
        }
    }
    return fields
}

/// An unfolded unstructured value: encoded-words decoded and joined, plain text as it is.
func decodedUnstructured(_ value: String) -> String? {
    let words = value.split(separator: " ").map(String.init)
    guard words.first?.hasPrefix("=?") == true else { return value }
    var out = ""
    for word in words {
        guard let decoded = EncodedWord.decode(word) else { return nil }
        out += decoded
    }
    return out
}

func checkLines(_ bytes: [UInt8]) {
    var length = 0
    var maxLength = 0
    for (i, b) in bytes.enumerated() {
        if b == 0x0A {
            #expect(i > 0 && bytes[i - 1] == 0x0D, "bare LF at offset \(i)")
            maxLength = max(maxLength, length - 1)
            length = 0
        } else {
            if b == 0x0D { #expect(i + 1 < bytes.count && bytes[i + 1] == 0x0A, "bare CR at offset \(i)") }
            length += 1
        }
    }
    #expect(length == 0, "message does not end with CRLF")
    #expect(maxLength <= 998)
}

@Suite("MIMEMessage serialisation")
struct MailMIMEMessageTests {
    @Test func headerOrderAndValues() throws {
        let message = try sampleMessage(extraHeaders: [("X-FollowThrough-Kind", "previsit"), ("X-Second", "two")])
        let bytes = message.serialized()
        let fields = headerFields(bytes)
        #expect(fields.map(\.name) == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                       "Auto-Submitted", "X-FollowThrough-Kind", "X-Second", "Content-Type"])
        let value = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(value["From"] == "FollowThrough <noreply@followthrough.example.com>")
        #expect(value["To"] == "\"Smith, Ann\" <ann@example.com>")
        #expect(value["Subject"] == "Visit tomorrow: Acme Corp")
        #expect(value["Date"] == "Mon, 23 Nov 2026 22:05:00 -0500")
        #expect(value["Message-ID"] == "<\(message.messageID)>")
        #expect(value["MIME-Version"] == "1.0")
        #expect(value["Auto-Submitted"] == "auto-generated")
        #expect(value["Content-Type"] == "multipart/alternative; boundary=\"\(message.boundary)\"")
        #expect(message.boundary.hasPrefix("=_ft_") && message.boundary.count == 37)
        checkLines(bytes)
    }

    @Test func bodyStructure() throws {
        let message = try sampleMessage()
        let text = String(decoding: message.serialized(), as: UTF8.self)
        let b = message.boundary
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        let expected = "--\(b)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Hello,\r\nsee you tomorrow.\r\n\r\n"
            + "--\(b)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "<p>Hello,</p>\r\n<p>see you <b>tomorrow</b>.</p>\r\n\r\n"
            + "--\(b)--\r\n"
        #expect(body == expected)
    }

    @Test func serialisationIsDeterministic() throws {
        let a = try sampleMessage(subject: "Zoë 😀 " + String(repeating: "long ", count: 40))
        let b = try sampleMessage(subject: "Zoë 😀 " + String(repeating: "long ", count: 40))
        #expect(a.serialized() == b.serialized())
        #expect(a.serialized() == a.serialized())
    }

    static let injections: [String] = [
        "Hi\r\nBcc: victim@example.com",
        "Hi\nBcc: victim@example.com",
        "Hi\rBcc: victim@example.com",
        "Hi\r\n\r\n--boundary\r\nContent-Type: text/html",
        "Hi\u{2028}Bcc: victim@example.com",
        "Hi\u{85}Bcc: victim@example.com",
        "\r\nBcc: victim@example.com",
        "Zoë\r\nBcc: victim@example.com",
        "=?UTF-8?B?QmNjOiB4QHkueg==?=\r\nBcc: x@y.z",
    ]

    @Test("subject injection cannot add header lines", arguments: injections)
    func subjectInjection(_ subject: String) throws {
        let bytes = try sampleMessage(subject: subject).serialized()
        let fields = headerFields(bytes)
        #expect(fields.map(\.name) == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                       "Auto-Submitted", "X-FollowThrough-Kind", "Content-Type"])
        #expect(!fields.contains { $0.name.lowercased() == "bcc" })
        checkLines(bytes)
    }

    @Test("extra header value injection cannot add header lines", arguments: injections)
    func extraHeaderInjection(_ value: String) throws {
        let bytes = try sampleMessage(extraHeaders: [("X-Customer", value)]).serialized()
        let fields = headerFields(bytes)
        #expect(fields.map(\.name) == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                       "Auto-Submitted", "X-Customer", "Content-Type"])
        checkLines(bytes)
    }

    @Test func controlCharactersBecomeSpaces() throws {
        let fields = headerFields(try sampleMessage(subject: "a\r\nb\tc\u{0}d",
                                                    extraHeaders: [("X-K", "v\r\nw")]).serialized())
        #expect(decodedUnstructured(fields.first { $0.name == "Subject" }?.value ?? "") == "a  b c d")
        #expect(decodedUnstructured(fields.first { $0.name == "X-K" }?.value ?? "") == "v  w")
    }

    @Test func invalidOrReservedExtraHeaderNamesAreDropped() throws {
        let extras: [(name: String, value: String)] = [
            ("X-Good", "1"), ("Bad Name", "2"), ("Bad:Name", "3"), ("", "4"), ("Bcc", "x@y.z"),
            ("X-Évil", "5"), ("Bad\r\nBcc", "6"), ("content-type", "text/plain"), ("Subject", "dup"),
            ("X-Also-Good", "7"), (String(repeating: "X", count: 77), "8"),
        ]
        let message = try sampleMessage(extraHeaders: extras)
        let names = headerFields(message.serialized()).map(\.name)
        #expect(names == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Auto-Submitted",
                          "X-Good", "X-Also-Good", "Content-Type"])
        #expect(message.droppedExtraHeaderNames == ["Bad Name", "Bad:Name", "", "Bcc", "X-Évil", "Bad\r\nBcc",
                                                    "content-type", "Subject", String(repeating: "X", count: 77)])
        #expect(MIMEMessage.isAllowedExtraHeaderName("X-FollowThrough-Kind"))
        #expect(MIMEMessage.isAllowedExtraHeaderName("Reply-To"))
        #expect(!MIMEMessage.isAllowedExtraHeaderName("Content-Transfer-Encoding"))
    }

    @Test func nonASCIISubjectIsEncodedAndFolded() throws {
        let subject = "Besøk i morgen: Ørsted & Søn AS — " + String(repeating: "😀 ", count: 30)
        let bytes = try sampleMessage(subject: subject).serialized()
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.unicodeScalars.allSatisfy { $0.isASCII })
        for line in head.components(separatedBy: "\r\n") where !line.hasPrefix("Message-ID:") {
            #expect(line.utf8.count <= 78, "\(line)")
        }
        let value = try #require(headerFields(bytes).first { $0.name == "Subject" }?.value)
        let words = value.split(separator: " ").map(String.init)
        #expect(words.count > 2)
        var decoded = ""
        for word in words {
            #expect(word.count <= 75)
            decoded += try #require(EncodedWord.decode(word))
        }
        #expect(decoded == subject)
    }

    @Test func longPlainSubjectFoldsNearSeventyEight() throws {
        let subject = String(repeating: "word ", count: 60) + "end"
        let bytes = try sampleMessage(subject: subject).serialized()
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.count > 10)
        for line in lines where !line.hasPrefix("Message-ID:") { #expect(line.utf8.count <= 78) }
        #expect(headerFields(bytes).first { $0.name == "Subject" }?.value == subject)
    }

    @Test func hugeUnbreakableValuesStayUnder998() throws {
        let token = String(repeating: "x", count: 5000)
        let bytes = try sampleMessage(subject: token, extraHeaders: [("X-Long", token)],
                                      text: token, html: "<p>\(token)</p>").serialized()
        checkLines(bytes)
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") where !line.hasPrefix("Message-ID:") {
            #expect(line.utf8.count <= 78)
        }
    }

    @Test func manyRecipientsFold() throws {
        var message = try sampleMessage()
        message.to = try (0..<12).map { try MailAddress(displayName: "Tech Nº\($0)", address: "tech\($0)@example.com") }
        let bytes = message.serialized()
        checkLines(bytes)
        let to = try #require(headerFields(bytes).first { $0.name == "To" }?.value)
        #expect(to.components(separatedBy: ">,").count == 12)
        message.to = []
        #expect(headerFields(message.serialized()).first { $0.name == "To" }?.value == "undisclosed-recipients:;")
    }

    @Test func boundaryNeverAppearsInBodies() throws {
        let message = try sampleMessage()
        let hostile = "--\(message.boundary)\n--\(message.boundary)--\n=_ft_"
        var m = message
        m.textBody = hostile; m.htmlBody = hostile
        let text = String(decoding: m.serialized(), as: UTF8.self)
        #expect(text.components(separatedBy: "--\(m.boundary)").count == 4)  // 3 delimiters only
    }
}

@Suite("Message-IDs and hashing")
struct MailMessageIDTests {
    @Test func sha256KnownVectors() {
        #expect(SHA256Digest.hex(SHA256Digest.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(SHA256Digest.hash(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(SHA256Digest.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Digest.hex(SHA256Digest.hash(Array(repeating: UInt8(ascii: "a"), count: 1000)))
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func deterministicAndShaped() {
        let id = MessageIDGenerator.make(asOf: "2026-11-23", kind: "previsit", recipient: "Ann@Example.com", domain: "mail.example.com")
        #expect(id == MessageIDGenerator.make(asOf: "2026-11-23", kind: "previsit", recipient: "ann@example.com", domain: "mail.example.com"))
        #expect(id == MessageIDGenerator.make(asOf: "2026-11-23", kind: "previsit", recipient: " ANN@EXAMPLE.COM ", domain: "mail.example.com"))
        let parts = id.split(separator: "@")
        #expect(parts.count == 2)
        #expect(parts[1] == "mail.example.com")
        let left = parts[0].split(separator: ".")
        #expect(left.count == 2)
        #expect(left[0].count == 32 && left[0].allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(left[1] == "2026-11-23")
    }

    @Test func differentInputsGiveDifferentIDs() {
        var seen = Set<String>()
        for asOf in ["2026-11-23", "2026-11-24"] {
            for kind in ["previsit", "stale-leads", "previsit|x"] {
                for recipient in ["ann@example.com", "bob@example.com", "x|ann@example.com"] {
                    seen.insert(MessageIDGenerator.make(asOf: asOf, kind: kind, recipient: recipient, domain: "example.com"))
                }
            }
        }
        #expect(seen.count == 18)
        // Field boundaries matter: moving a separator between fields changes the id.
        #expect(MessageIDGenerator.make(asOf: "d", kind: "a|b", recipient: "c", domain: "x.y")
            != MessageIDGenerator.make(asOf: "d", kind: "a", recipient: "b|c", domain: "x.y"))
    }

    @Test func domainAndStampAreSanitised() {
        let id = MessageIDGenerator.make(asOf: "2026/11/23 <x>", kind: "k", recipient: "r@x.y", domain: " Evil>\r\n.Example..COM ")
        #expect(id.hasSuffix("@evil.example.com"))
        #expect(id.contains(".2026-11-23--x-@"))
        #expect(MessageIDGenerator.make(asOf: "", kind: "k", recipient: "r", domain: "!!!").hasSuffix("@followthrough.invalid"))
        #expect(!MessageIDGenerator.make(asOf: "", kind: "k", recipient: "r", domain: "x.y").contains(".@"))
    }
}

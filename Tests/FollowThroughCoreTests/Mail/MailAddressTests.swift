import Testing
@testable import FollowThroughCore

@Suite("MailAddress")
struct MailAddressTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        let text: String, name: String?, address: String
        var testDescription: String { text.debugDescription }
    }

    static let valid: [Valid] = [
        .init(text: "a@b.c", name: nil, address: "a@b.c"),
        .init(text: "  a@b.c\t ", name: nil, address: "a@b.c"),
        .init(text: "Ann Smith <ann.smith@example.com>", name: "Ann Smith", address: "ann.smith@example.com"),
        .init(text: "\"Last, First\" <lf@example.com>", name: "Last, First", address: "lf@example.com"),
        .init(text: "\"Say \\\"hi\\\" \\\\ bye\" <q@example.com>", name: "Say \"hi\" \\ bye", address: "q@example.com"),
        .init(text: "<bare@example.com>", name: nil, address: "bare@example.com"),
        .init(text: "Zoë Ørsted <zoe@example.no>", name: "Zoë Ørsted", address: "zoe@example.no"),
        .init(text: "J. R. Bob <j+tag@mail.example.co.uk>", name: "J. R. Bob", address: "j+tag@mail.example.co.uk"),
        .init(text: "ops@localhost", name: nil, address: "ops@localhost"),
        .init(text: " Name   < x_y-z@sub-domain.example.org > ", name: "Name", address: "x_y-z@sub-domain.example.org"),
        .init(text: "O'Brien <o'brien@example.ie>", name: "O'Brien", address: "o'brien@example.ie"),
    ]

    @Test("parses valid forms", arguments: valid)
    func parsesValid(_ c: Valid) throws {
        let a = try MailAddress(parsing: c.text)
        #expect(a.displayName == c.name)
        #expect(a.address == c.address)
    }

    static let invalid: [String] = [
        "\"Evil\r\nBcc: x@y.z\" <a@b.c>",
        "Evil\r\nBcc: x@y.z <a@b.c>",
        "Evil <a@b.c>\r\nBcc: x@y.z",
        "a@b.c\r\n",
        "a@b.c\n",
        "Name <a@b.c\r>",
        "Evil\u{2028}Name <a@b.c>",
        "Nul\u{0}Name <a@b.c>",
        "",
        "   ",
        "no-at-sign.example.com",
        "Name <no-at-sign>",
        "two@@example.com",
        "a@b@example.com",
        "a b@example.com",
        "a@exa mple.com",
        "@example.com",
        "a@",
        "a@nodot",
        "a@.example.com",
        "a@example..com",
        "a@example.com.",
        ".a@example.com",
        "a..b@example.com",
        "a,b@example.com",
        "a@[127.0.0.1]",
        "\"quoted\"@example.com",
        "zoë@example.com",
        "Name <a@b.c",
        "Name a@b.c>",
        "Name <a@b.c> trailing",
        "Name <<a@b.c>>",
        "Last, First <a@b.c>",
        "\"Unclosed <a@b.c>",
        "\"Quoted\" junk <a@b.c>",
        "Name <>",
        "garbage",
    ]

    @Test("refuses invalid and injection attempts with a reason", arguments: invalid)
    func refusesInvalid(_ text: String) {
        #expect(throws: MailAddressError.self) { try MailAddress(parsing: text) }
        do {
            _ = try MailAddress(parsing: text)
        } catch {
            #expect(!error.reason.isEmpty)
            #expect(error.text == text)
        }
    }

    @Test func specificReasons() {
        func reason(_ text: String) -> String {
            do { _ = try MailAddress(parsing: text); return "accepted" } catch { return error.reason }
        }
        #expect(reason("\"Evil\r\nBcc: x@y.z\" <a@b.c>").contains("carriage return"))
        #expect(reason("Evil\nBcc <a@b.c>").contains("line feed"))
        #expect(reason("a.example.com").contains("no '@'"))
        #expect(reason("a@b@c.d").contains("more than one '@'"))
        #expect(reason("a b@c.d").contains("space"))
        #expect(reason("a@nodot").contains("no dot"))
        let error = MailAddressError(text: "Evil\r\nBcc: x@y.z", reason: "r")
        #expect(error.description == "'Evil\\r\\nBcc: x@y.z' is not a usable email address: r")
    }

    @Test func initFromPartsValidates() throws {
        let a = try MailAddress(displayName: "  Ann  ", address: "ann@example.com")
        #expect(a.displayName == "Ann")
        #expect(try MailAddress(displayName: "", address: "ann@example.com").displayName == nil)
        #expect(try MailAddress(displayName: nil, address: "ann@example.com").displayName == nil)
        #expect(throws: MailAddressError.self) { try MailAddress(displayName: "Evil\r\nBcc: x@y.z", address: "a@b.c") }
        #expect(throws: MailAddressError.self) { try MailAddress(displayName: "Evil\nBcc: x@y.z", address: "a@b.c") }
        #expect(throws: MailAddressError.self) { try MailAddress(displayName: "Tab\tName", address: "a@b.c") }
        #expect(throws: MailAddressError.self) { try MailAddress(displayName: "Ann", address: "a@b.c\r\nBcc: x@y.z") }
        #expect(throws: MailAddressError.self) { try MailAddress(displayName: "Ann", address: " a@b.c") }
        #expect(throws: MailAddressError.self) { try MailAddress(displayName: "Ann", address: "<a@b.c>") }
        #expect(throws: MailAddressError.self) {
            try MailAddress(displayName: nil, address: String(repeating: "a", count: 65) + "@example.com")
        }
        #expect(try MailAddress(displayName: nil, address: "x@LOCALHOST").domain == "LOCALHOST")
        #expect(try MailAddress(parsing: "Ann <ann@sub.example.com>").domain == "sub.example.com")
    }

    @Test func headerValueQuotesSpecialsAndEncodesNonASCII() throws {
        #expect(try MailAddress(parsing: "ann@example.com").headerValue == "ann@example.com")
        #expect(try MailAddress(parsing: "Ann Smith <ann@example.com>").headerValue == "Ann Smith <ann@example.com>")
        #expect(try MailAddress(parsing: "\"Smith, Ann\" <a@example.com>").headerValue == "\"Smith, Ann\" <a@example.com>")
        #expect(try MailAddress(parsing: "J. Smith <a@example.com>").headerValue == "\"J. Smith\" <a@example.com>")
        #expect(try MailAddress(displayName: "Say \"hi\"", address: "a@example.com").headerValue
            == "\"Say \\\"hi\\\"\" <a@example.com>")
        let zoe = try MailAddress(displayName: "Zoë Ørsted", address: "zoe@example.no").headerValue
        #expect(zoe.hasPrefix("=?UTF-8?B?"))
        #expect(zoe.hasSuffix(" <zoe@example.no>"))
        #expect(zoe.unicodeScalars.allSatisfy { $0.isASCII })
        // ASCII atoms stay plain next to encoded-words, so no decoder can lose or add a space.
        let mixed = try MailAddress(displayName: "Zoë Ørsted  Jr", address: "z@example.com").headerWords
        #expect(mixed == ["=?UTF-8?B?Wm/DqyDDmHJzdGVk?=", "Jr", "<z@example.com>"])
        // A long run of non-ASCII words is split between words, the space kept inside the first word.
        let long = try MailAddress(displayName: "Ødegård Åberg Ørsted Søndergård Bjørnstjerne Æbelø",
                                   address: "z@example.com").headerWords
        #expect(long.count == 3)
        #expect(long.dropLast().allSatisfy { $0.count <= 75 })
        #expect(long.dropLast().compactMap(EncodedWord.decode).joined() == "Ødegård Åberg Ørsted Søndergård Bjørnstjerne Æbelø")
        #expect(EncodedWord.decode(long[0])?.hasSuffix(" ") == true)
        // Text that looks like an encoded-word is itself encoded, so it cannot be misread.
        let tricky = try MailAddress(displayName: "=?UTF-8?B?RXZpbA==?=", address: "a@example.com").headerValue
        #expect(!tricky.hasPrefix("=?UTF-8?B?RXZpbA==?="))
    }
}

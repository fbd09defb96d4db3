import Testing
@testable import FollowThroughCore

@Suite("RFC 2047 encoded-words")
struct MailEncodedWordTests {
    @Test func shortTextIsOneWord() {
        let words = EncodedWord.encode("Zoë Ørsted")
        #expect(words == ["=?UTF-8?B?Wm/DqyDDmHJzdGVk?="])
        #expect(EncodedWord.decode(words[0]) == "Zoë Ørsted")
    }

    @Test func emptyTextGivesNoWords() {
        #expect(EncodedWord.encode("").isEmpty)
    }

    @Test("long text splits into words ≤ 75 chars without splitting characters",
          arguments: [
            String(repeating: "Ünïcödé ", count: 30),
            String(repeating: "😀", count: 50),
            String(repeating: "日本語のテキスト", count: 12),
            String(repeating: "👩‍👩‍👧‍👦", count: 10) + "x",
            "e" + String(repeating: "\u{301}", count: 40),  // one grapheme longer than a word
          ])
    func splits(_ text: String) throws {
        let words = EncodedWord.encode(text)
        #expect(words.count > 1)
        var joined = ""
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            // Each word must decode on its own as valid UTF-8: no sequence split across words.
            let decoded = try #require(EncodedWord.decode(word), "word \(word) is not valid UTF-8 alone")
            joined += decoded
        }
        #expect(joined == text)
    }

    @Test func firstWordCanBeShorter() throws {
        let text = String(repeating: "ø", count: 60)
        let words = EncodedWord.encode(text, firstMaxLength: 40)
        #expect(words[0].count <= 40)
        #expect(words.dropFirst().allSatisfy { $0.count <= 75 })
        #expect(try words.map { try #require(EncodedWord.decode($0)) }.joined() == text)
    }

    @Test func base64KnownVectors() {
        #expect(Base64.encode(Array("".utf8)) == "")
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
    }
}

@Suite("RFC 5322 dates")
struct MailRFC5322DateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let seconds: Int64, offset: Int, expected: String
        var testDescription: String { expected }
    }

    // Expected values cross-checked with Python's email.utils.format_datetime.
    static let cases: [Case] = [
        .init(seconds: 1_795_489_500, offset: -18_000, expected: "Mon, 23 Nov 2026 22:05:00 -0500"),
        .init(seconds: 1_798_759_800, offset: 3600, expected: "Fri, 01 Jan 2027 00:30:00 +0100"),
        .init(seconds: 1_798_759_800, offset: -3600, expected: "Thu, 31 Dec 2026 22:30:00 -0100"),
        .init(seconds: 1_798_759_800, offset: 19_800, expected: "Fri, 01 Jan 2027 05:00:00 +0530"),
        .init(seconds: 1_798_763_400, offset: -36_000, expected: "Thu, 31 Dec 2026 14:30:00 -1000"),
        .init(seconds: 1_798_761_600, offset: -60, expected: "Thu, 31 Dec 2026 23:59:00 -0001"),
        .init(seconds: 1_709_164_800, offset: 0, expected: "Thu, 29 Feb 2024 00:00:00 +0000"),
        .init(seconds: 1_709_251_200, offset: -3600, expected: "Thu, 29 Feb 2024 23:00:00 -0100"),
        .init(seconds: 4_107_542_400, offset: -3600, expected: "Sun, 28 Feb 2100 23:00:00 -0100"),
        .init(seconds: 951_782_400, offset: 50_400, expected: "Tue, 29 Feb 2000 14:00:00 +1400"),
        .init(seconds: 0, offset: 0, expected: "Thu, 01 Jan 1970 00:00:00 +0000"),
        .init(seconds: -1, offset: 0, expected: "Wed, 31 Dec 1969 23:59:59 +0000"),
        .init(seconds: 0, offset: -43_200, expected: "Wed, 31 Dec 1969 12:00:00 -1200"),
        // Offsets are truncated to whole minutes, toward zero, consistently with the time shown.
        .init(seconds: 951_782_400, offset: -1, expected: "Tue, 29 Feb 2000 00:00:00 +0000"),
        .init(seconds: 951_782_400, offset: 19_859, expected: "Tue, 29 Feb 2000 05:30:00 +0530"),
        // Absurd offsets are clamped so the zone stays four digits.
        .init(seconds: 0, offset: 400_000, expected: "Mon, 05 Jan 1970 03:59:00 +9959"),
    ]

    @Test("formats", arguments: cases)
    func formats(_ c: Case) {
        #expect(RFC5322Date.format(c.seconds, utcOffsetSeconds: c.offset) == c.expected)
    }

    @Test func civilFromDaysMatchesAWalkOverFourCenturies() {
        // Walk day by day from 1900-01-01 and compare with a naive calendar.
        var (y, m, d): (Int64, Int, Int64) = (1900, 1, 1)
        let first = Int64(-25_567)  // 1900-01-01
        func daysIn(_ y: Int64, _ m: Int) -> Int64 {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        }
        for day in first..<(first + 146_097) {
            let c = RFC5322Date.civilFromDays(day)
            if c.year != y || c.month != m || c.day != d {
                Issue.record("day \(day): got \(c), expected \((y, m, d))")
                return
            }
            d += 1
            if d > daysIn(y, m) { d = 1; m += 1; if m > 12 { m = 1; y += 1 } }
        }
    }
}

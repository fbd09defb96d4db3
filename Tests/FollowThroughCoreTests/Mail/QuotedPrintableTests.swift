import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

/// A small independent quoted-printable decoder (RFC 2045 §6.7) for round-trip checks.
func decodeQuotedPrintable(_ encoded: String) -> [UInt8] {
    let bytes = Array(encoded.utf8)
    var out: [UInt8] = []
    var i = 0
    func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    while i < bytes.count {
        let b = bytes[i]
        if b == UInt8(ascii: "=") {
            if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { i += 3; continue }  // soft break
            if i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l); i += 3; continue
            }
            out.append(b); i += 1  // malformed: kept (the test then fails the comparison)
        } else {
            out.append(b); i += 1
        }
    }
    return out
}

/// Lines of an encoded text split on CRLF; fails the test on a bare CR or LF.
func crlfLines(_ text: String) -> [Substring] {
    let bytes = Array(text.utf8)
    for (i, b) in bytes.enumerated() {
        if b == 0x0A { #expect(i > 0 && bytes[i - 1] == 0x0D, "bare LF at \(i)") }
        if b == 0x0D { #expect(i + 1 < bytes.count && bytes[i + 1] == 0x0A, "bare CR at \(i)") }
    }
    return text.split(separator: "\r\n", omittingEmptySubsequences: false)
}

func normalisedCRLF(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        .replacingOccurrences(of: "\n", with: "\r\n")
}

import Foundation

@Suite("Quoted-printable")
struct MailQuotedPrintableTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let input: String, expected: String
        var testDescription: String { input.count > 40 ? "\(input.prefix(20))… (\(input.count))" : input.debugDescription }
    }

    static let a75 = String(repeating: "a", count: 75)
    static let a76 = String(repeating: "a", count: 76)
    static let a77 = String(repeating: "a", count: 77)

    static let cases: [Case] = [
        .init(input: "", expected: ""),
        .init(input: "hello", expected: "hello"),
        .init(input: "a=b", expected: "a=3Db"),
        .init(input: "trailing  ", expected: "trailing =20"),
        .init(input: "tab\t\nnext", expected: "tab=09\r\nnext"),
        .init(input: "space \r\nmid space", expected: "space=20\r\nmid space"),
        .init(input: "line1\nline2\rline3\r\nline4\n", expected: "line1\r\nline2\r\nline3\r\nline4\r\n"),
        .init(input: "Zoë", expected: "Zo=C3=AB"),
        .init(input: "😀", expected: "=F0=9F=98=80"),
        .init(input: "<b>&amp;</b>", expected: "<b>&amp;</b>"),
        .init(input: ".\n.x", expected: "=2E\r\n=2Ex"),
        .init(input: "From here\nFromage", expected: "=46rom here\r\nFromage"),
        .init(input: "nul\u{0}del\u{7F}", expected: "nul=00del=7F"),
        // Exactly 76 fits on one line; 77 needs a soft break after 75.
        .init(input: a76, expected: a76),
        .init(input: a77, expected: a75 + "=\r\n" + "aa"),
        // An escape that would pass column 76 moves to the next line whole.
        .init(input: a75 + "=", expected: a75 + "=\r\n=3D"),
        .init(input: String(repeating: "a", count: 73) + "=", expected: String(repeating: "a", count: 73) + "=3D"),
        .init(input: String(repeating: "a", count: 73) + "=b", expected: String(repeating: "a", count: 73) + "=\r\n=3Db"),
        .init(input: String(repeating: "a", count: 72) + "=b", expected: String(repeating: "a", count: 72) + "=3Db"),
        .init(input: String(repeating: "a", count: 72) + "=bc", expected: String(repeating: "a", count: 72) + "=3D=\r\nbc"),
        // Trailing space at the 76 boundary.
        .init(input: a75 + " ", expected: a75 + "=\r\n=20"),
        .init(input: String(repeating: "a", count: 73) + " ", expected: String(repeating: "a", count: 73) + "=20"),
    ]

    @Test("encodes", arguments: cases)
    func encodes(_ c: Case) {
        #expect(QuotedPrintable.encode(c.input) == c.expected)
    }

    @Test func longLineIsWrappedAndDecodes() {
        let line = String(repeating: "The quick brown fox = jumps; Ørsted ", count: 200)
        let encoded = QuotedPrintable.encode(line)
        for l in crlfLines(encoded) {
            #expect(l.utf8.count <= 76)
            #expect(!l.hasSuffix(" ") && !l.hasSuffix("\t"))
        }
        #expect(decodeQuotedPrintable(encoded) == Array(line.utf8))
    }

    @Test func randomRoundTrip() {
        var rng = SplitMix64(seed: 0x5EED)
        let alphabet: [String] = ["a", "Z", "0", " ", "\t", "=", ".", "F", "rom ", "\n", "\r\n", "\r", "é", "Ø", "€", "😀", "👩‍👩‍👧", "=3D", "\u{0}", "~", "_", "-"]
        for _ in 0..<400 {
            let length = Int(rng.next() % 300)
            var s = ""
            for _ in 0..<length { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let encoded = QuotedPrintable.encode(s)
            for l in crlfLines(encoded) {
                #expect(l.utf8.count <= 76, "line too long for \(s.debugDescription)")
                #expect(!l.hasSuffix(" ") && !l.hasSuffix("\t"))
                #expect(l.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 })
                #expect(!l.contains("=_"))
            }
            #expect(decodeQuotedPrintable(encoded) == Array(normalisedCRLF(s).utf8), "\(s.debugDescription)")
        }
    }
}

import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

/// The straightforward encoder `QuotedPrintable` replaced (split into lines, then byte by byte into an array); the
/// fast one must give the same bytes for every input.
enum ReferenceQuotedPrintable {
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D || b == 0x0A {
                lines.append(bytes[start..<i])
                if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        lines.append(bytes[start..<bytes.count])
        var out: [UInt8] = []
        for (n, line) in lines.enumerated() {
            if n > 0 { out += [0x0D, 0x0A] }
            encodeLine(line, into: &out)
        }
        return out
    }

    static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        var lineLength = 0
        var index = line.startIndex
        while index < line.endIndex {
            let b = line[index]
            let isLast = index == line.endIndex - 1
            var escape: Bool
            switch b {
            case 0x20, 0x09: escape = isLast
            case 0x3D: escape = true
            case 33...126: escape = false
            default: escape = true
            }
            if lineLength == 0 && !escape {
                if b == UInt8(ascii: ".") { escape = true }
                if b == UInt8(ascii: "F"), line[index...].starts(with: "From ".utf8) { escape = true }
            }
            let tokenLength = escape ? 3 : 1
            if lineLength + tokenLength > (isLast ? 76 : 75) {
                out += [UInt8(ascii: "="), 0x0D, 0x0A]
                lineLength = 0
                continue
            }
            if escape { out += [UInt8(ascii: "="), hex[Int(b >> 4)], hex[Int(b & 0x0F)]] } else { out.append(b) }
            lineLength += tokenLength
            index += 1
        }
    }
}

@Suite struct QuotedPrintableReferenceTests {
    @Test func givesTheReferenceBytesOnRandomInput() {
        var rng = SplitMix64(seed: 0xC0FFEE)
        let pieces: [[UInt8]] = [[0x61], [0x20], [0x09], [0x3D], [0x2E], Array("From ".utf8), Array("Fro".utf8), [0x0A], [0x0D],
                                 [0x0D, 0x0A], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80], [0x00], [0x7F], [0x7E], [0x46],
                                 // Runs of plain bytes that the encoder copies whole, up to and past a soft break.
                                 Array(String(repeating: "x", count: 40).utf8), Array(String(repeating: "y", count: 74).utf8),
                                 Array("<p style=\"margin:0\">".utf8)]
        for round in 0..<2000 {
            let length = Int(rng.next() % (round % 10 == 0 ? 2000 : 200))
            var input: [UInt8] = []
            for _ in 0..<length { input += pieces[Int(rng.next() % UInt64(pieces.count))] }
            #expect(QuotedPrintable.encode(bytes: input) == ReferenceQuotedPrintable.encode(input), "\(input)")
            var appended: [UInt8] = [1, 2, 3]
            QuotedPrintable.encode(String(decoding: input, as: UTF8.self), into: &appended)
            #expect(appended == [1, 2, 3] + ReferenceQuotedPrintable.encode(Array(String(decoding: input, as: UTF8.self).utf8)))
        }
        #expect(QuotedPrintable.encode(bytes: []) == [])
    }
}

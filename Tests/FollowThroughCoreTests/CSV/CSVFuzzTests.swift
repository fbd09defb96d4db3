import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

@Suite("CSV parser fuzzing")
struct CSVFuzzTests {
    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

    /// Random chunk boundaries: none, one-byte chunks, or a few random cuts.
    static func randomSplits(count: Int, using rng: inout SplitMix64) -> [Int] {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return []
        case 1: return Array(0..<count)
        default: return (0..<Int.random(in: 1...5, using: &rng)).map { _ in Int.random(in: 0...count, using: &rng) }
        }
    }

    /// CSV-ish garbage: quotes, delimiters, line ends, BOM pieces, UTF-8 and random bytes.
    static func randomCSVish(delimiter: UInt8, using rng: inout SplitMix64) -> [UInt8] {
        let tokens: [[UInt8]] = [
            Array("a".utf8), Array("bc".utf8), Array(" ".utf8), [delimiter], [delimiter], Array(",".utf8),
            Array("\"".utf8), Array("\"".utf8), Array("\"\"".utf8), Array("\r".utf8), Array("\n".utf8),
            Array("\r\n".utf8), Array("\r\n".utf8), [0xEF, 0xBB, 0xBF], [0xEF], Array("é".utf8), Array("東".utf8),
            Array("\"x\"".utf8),
        ]
        var out: [UInt8] = []
        switch Int.random(in: 0..<8, using: &rng) {
        case 0, 1: out += [0xEF, 0xBB, 0xBF]
        case 2: out += [0xEF, 0xBB]
        default: break
        }
        for _ in 0..<Int.random(in: 0...30, using: &rng) {
            if Int.random(in: 0..<12, using: &rng) == 0 {
                out.append(UInt8.random(in: 0...255, using: &rng))
            } else {
                out += tokens[Int.random(in: 0..<tokens.count, using: &rng)]
            }
        }
        return out
    }

    @Test func randomBytesChunkedMatchesWholeAndReference() {
        var rng = SplitMix64(seed: 20_240_611)
        var failures = 0
        for iteration in 0..<8_000 where failures < 3 {
            let delimiter = Self.delimiters[Int.random(in: 0..<Self.delimiters.count, using: &rng)]
            let input = Self.randomCSVish(delimiter: delimiter, using: &rng)
            let whole = CSVTestSupport.parseWhole(input, delimiter: delimiter)
            let splits = Self.randomSplits(count: input.count, using: &rng)
            let chunked = CSVTestSupport.parseChunked(input, splits: splits, delimiter: delimiter)
            let reference = ReferenceCSV.parse(input, delimiter: delimiter)
            let context = "iteration \(iteration), delimiter \(delimiter), input \(input), splits \(splits.sorted())"

            var ok = true
            if chunked != whole {
                Issue.record("chunked != whole: \(chunked) vs \(whole); \(context)")
                ok = false
            }
            if whole.rows != reference.rows || whole.error?.line != reference.error?.line {
                Issue.record("parser != reference: \(whole) vs \(reference); \(context)")
                ok = false
            }
            // Rows start on strictly increasing lines and are never empty.
            let lines = whole.rows.map(\.line)
            if zip(lines, lines.dropFirst()).contains(where: { $0 >= $1 }) || whole.rows.contains(where: { $0.fields.isEmpty })
                || (lines.first ?? 1) < 1 {
                Issue.record("bad row lines or empty row: \(whole); \(context)")
                ok = false
            }
            if !ok { failures += 1 }
        }
    }

    /// Any byte as delimiter (even a quote, CR or LF): never crashes, chunking never matters.
    @Test func anyDelimiterByteIsSafeAndChunkingInvariant() {
        var rng = SplitMix64(seed: 0xDE11_4172)
        var failures = 0
        for delimiter in UInt8.min...UInt8.max where failures < 3 {
            for _ in 0..<8 {
                let input = Self.randomCSVish(delimiter: delimiter, using: &rng)
                let whole = CSVTestSupport.parseWhole(input, delimiter: delimiter)
                let splits = Self.randomSplits(count: input.count, using: &rng)
                let chunked = CSVTestSupport.parseChunked(input, splits: splits, delimiter: delimiter)
                if chunked != whole {
                    failures += 1
                    Issue.record("delimiter \(delimiter): chunked \(chunked) != whole \(whole); input \(input), splits \(splits.sorted())")
                }
            }
        }
    }

    @Test func roundTripOfRandomTables() {
        let pieces = [
            "a", "Z", "0", " ", "\t", ",", ";", "|", "\"", "\"\"", "\r", "\n", "\r\n", "é", "Ŝ", "東京", "🙂", "\u{FEFF}",
        ]
        var rng = SplitMix64(seed: 0xF011_0711)
        var failures = 0
        for iteration in 0..<3_000 where failures < 3 {
            let table: [[String]] = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                (0..<Int.random(in: 1...5, using: &rng)).map { _ in
                    (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
                }
            }
            let delimiter = Self.delimiters[Int.random(in: 0..<Self.delimiters.count, using: &rng)]
            var (bytes, lines) = CSVWriter.encode(
                table, delimiter: delimiter, crlf: Bool.random(using: &rng), trailingNewline: Bool.random(using: &rng)
            )
            if Bool.random(using: &rng) { bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0) }
            let expected = zip(table, lines).map { ParsedRow($1, $0) }
            let splits = Self.randomSplits(count: bytes.count, using: &rng)
            let outcome = CSVTestSupport.parseChunked(bytes, splits: splits, delimiter: delimiter)
            if outcome.rows != expected || outcome.error != nil {
                failures += 1
                Issue.record("round trip \(iteration): got \(outcome), expected \(expected); bytes \(bytes), splits \(splits.sorted())")
            }
        }
    }
}

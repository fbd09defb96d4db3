import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

/// Inputs where a chunk boundary can fall somewhere awkward: inside quotes, between CR and LF,
/// inside the BOM, right on a delimiter or an escaped quote.
let trickyChunkingInputs: [(name: String, bytes: [UInt8], delimiter: UInt8)] =
    csvEdgeCases.map { ($0.name, $0.input, $0.delimiter) } + [
        ("CRLF everywhere", Array("\u{FEFF}a,\"b\r\nc\"\r\n\r\n\"d\"\"\"\r\ne,f\r\n".utf8), UInt8(ascii: ",")),
        ("quotes and delimiters", Array("\"\",\"\"\"\",,\"a,b\"x,\"\"\"\"\"\"\n;\"\n".utf8), UInt8(ascii: ",")),
        ("lone CRs", Array("\r\ra\rb\r\"c\rd\"\r\r\"e\"\r".utf8), UInt8(ascii: ",")),
        ("tab file", Array("\u{FEFF}id\tname\n1\t\"Café\tŜ\"\n2\t東京\n".utf8), UInt8(ascii: "\t")),
        ("unterminated after records", Array("a;b\r\nc;\"d\r\n\"\"e".utf8), UInt8(ascii: ";")),
    ]

@Suite("CSV parser chunking")
struct CSVChunkingTests {
    @Test func everySingleSplitPointGivesTheSameResult() {
        for input in trickyChunkingInputs {
            let whole = CSVTestSupport.parseWhole(input.bytes, delimiter: input.delimiter)
            for k in 0...input.bytes.count {
                let chunked = CSVTestSupport.parseChunked(input.bytes, splits: [k], delimiter: input.delimiter)
                #expect(chunked == whole, "\(input.name): split at \(k)")
            }
        }
    }

    @Test func everyPairOfSplitPointsGivesTheSameResult() {
        for input in trickyChunkingInputs where input.bytes.count <= 48 {
            let whole = CSVTestSupport.parseWhole(input.bytes, delimiter: input.delimiter)
            var failures = 0
            for a in 0...input.bytes.count {
                for b in a...input.bytes.count {
                    let chunked = CSVTestSupport.parseChunked(input.bytes, splits: [a, b], delimiter: input.delimiter)
                    if chunked != whole {
                        failures += 1
                        if failures <= 3 { Issue.record("\(input.name): splits at \(a), \(b): \(chunked) != \(whole)") }
                    }
                }
            }
        }
    }

    @Test func randomMultiSplitsGiveTheSameResult() {
        var rng = SplitMix64(seed: 0xC5F_C4A2)
        for input in trickyChunkingInputs {
            let whole = CSVTestSupport.parseWhole(input.bytes, delimiter: input.delimiter)
            for _ in 0..<100 {
                let splits = (0..<Int.random(in: 1...8, using: &rng)).map { _ in Int.random(in: 0...input.bytes.count, using: &rng) }
                let chunked = CSVTestSupport.parseChunked(input.bytes, splits: splits, delimiter: input.delimiter)
                #expect(chunked == whole, "\(input.name): splits at \(splits.sorted())")
                if chunked != whole { break }
            }
        }
    }

    @Test func bomSplitAcrossChunksIsStripped() {
        let input = Array("\u{FEFF}x,y\n".utf8)
        for splits in [[1], [2], [1, 2], [1, 1, 2, 3], [0, 3]] {
            let outcome = CSVTestSupport.parseChunked(input, splits: splits)
            #expect(outcome.rows == [ParsedRow(1, ["x", "y"])], "splits \(splits)")
        }
    }
}

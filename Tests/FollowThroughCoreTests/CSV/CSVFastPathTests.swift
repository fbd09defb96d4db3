import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

/// The record loop reads 64-byte blocks of 8-byte words and jumps over quoted fields; these tests
/// put every kind of byte that matters at every offset around those boundaries (and cut chunks
/// there) and compare the result with the legacy byte-at-a-time parser.
@Suite("CSV parser fast path")
struct CSVFastPathTests {
    static let delimiters: [UInt8] = [
        UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|"), 0x00, 0xA7, 0xFF,
    ]

    /// Field content: ASCII, multi-byte UTF-8 and bytes ≥ 0x80 that are not UTF-8 at all.
    static func filler(_ count: Int, seed: Int = 0) -> [UInt8] {
        let alphabet: [UInt8] = Array("abcXYZ09 -.é東".utf8) + [0x80, 0xBF, 0xFE]
        return (0..<count).map { alphabet[($0 &* 7 &+ seed) % alphabet.count] }
    }

    /// Parses `input` whole and chunked at `splits` with both parsers; records the first
    /// difference. Returns whether all agreed.
    @discardableResult
    static func agree(_ input: [UInt8], delimiter: UInt8, splits: [[Int]], _ context: String) -> Bool {
        let expected = CSVTestSupport.parseChunked(input, splits: [], delimiter: delimiter, with: LegacyCSVParser.self)
        for s in [[]] + splits {
            let got = CSVTestSupport.parseChunked(input, splits: s, delimiter: delimiter)
            if got != expected {
                Issue.record("\(context), splits \(s): fast \(got) != legacy \(expected); input \(input)")
                return false
            }
        }
        return true
    }

    // MARK: SWAR building blocks against their byte-by-byte definitions

    static func naiveMatches(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        (0..<8).reduce(0) { m, k in UInt8(truncatingIfNeeded: w >> (8 * k)) == byte ? m | (0x80 << (8 * k)) : m }
    }

    static func naiveSpecial(_ b: UInt8, delimiter: UInt8) -> Bool { b == delimiter || b == 0x22 || b < 0x0E }

    @Test func byteMatchesAreExactForEveryByteValueAndPosition() {
        var rng = SplitMix64(seed: 0x5EA2_0001)
        for target in UInt8.min...UInt8.max {
            let pattern = SWAR.broadcast(target)
            for _ in 0..<64 {
                // Random words with the target and its neighbours (carry/borrow traps) sprinkled in.
                var w: UInt64 = 0
                for k in 0..<8 {
                    let choices: [UInt8] = [target, target &+ 1, target &- 1, target ^ 0x80, 0x00, 0x7F, 0x80, 0xFF, UInt8.random(in: 0...255, using: &rng)]
                    w |= UInt64(choices[Int.random(in: 0..<choices.count, using: &rng)]) << (8 * k)
                }
                let expected = Self.naiveMatches(w, target)
                if SWAR.matches(w, pattern) != expected {
                    Issue.record("matches(\(String(w, radix: 16)), \(target))")
                    return
                }
            }
        }
    }

    @Test func othersMarksQuotesAndControlBytesOnly() {
        for b in UInt8.min...UInt8.max {
            for k in 0..<8 {
                let w = (UInt64(b) << (8 * k)) | (0x4141_4141_4141_4141 & ~(0xFF << (8 * k)))
                let expected: UInt64 = b == 0x22 || b < 0x0E ? 0x80 << (8 * k) : 0
                #expect(SWAR.others(w) == expected, "byte \(b) at \(k)")
            }
        }
    }

    @Test func blockMasksHaveOneBitPerByteInOrder() {
        var rng = SplitMix64(seed: 0xB10C_64)
        let interesting: [UInt8] = [0x22, 0x0A, 0x0D, 0x09, 0x00, 0x0E, 0x2C, 0x3B, 0x7C, 0xA7, 0xFF, 0x80, 0x41, 0x61]
        for delimiter in Self.delimiters + [0x22, 0x0A, 0x0D] {
            for _ in 0..<200 {
                let bytes: [UInt8] = (0..<72).map { _ in
                    Bool.random(using: &rng) ? interesting[Int.random(in: 0..<interesting.count, using: &rng)] : UInt8.random(in: 0...255, using: &rng)
                }
                let expectedAll = (0..<64).reduce(UInt64(0)) { Self.naiveSpecial(bytes[$1], delimiter: delimiter) ? $0 | 1 << $1 : $0 }
                let expectedDelimiters = (0..<64).reduce(UInt64(0)) { bytes[$1] == delimiter ? $0 | 1 << $1 : $0 }
                let ok = bytes.withUnsafeBytes { raw in
                    let p = raw.baseAddress!
                    let (m, d) = SWAR.specials64(p, delimiters: SWAR.broadcast(delimiter))
                    guard m == expectedAll && d == expectedDelimiters else { return false }
                    // The plain-Swift version (other CPUs) gives the same marks as the SSE2 one.
                    let (wm, wd) = SWAR.specials64Words(p, delimiters: SWAR.broadcast(delimiter))
                    guard wm == expectedAll && wd == expectedDelimiters else { return false }
                    return (0..<64).allSatisfy { count in
                        let (tm, td) = SWAR.specials(p, count: count, delimiters: SWAR.broadcast(delimiter))
                        let valid: UInt64 = count == 0 ? 0 : UInt64.max >> (64 - count)
                        return tm == m & valid && td == d & valid
                    }
                }
                if !ok {
                    Issue.record("block masks for delimiter \(delimiter): \(bytes)")
                    return
                }
            }
        }
    }

    @Test func lineEndsCountCRLFOnceAcrossWords() {
        // CR, LF, CRLF: one each; an LF in byte 0 after a CR that ended the previous word: none.
        let cr: UInt64 = 0x80, lf: UInt64 = 0x80 << 8
        #expect(SWAR.lineEnds(crs: cr, lfs: lf, crBefore: 0) == 1)
        #expect(SWAR.lineEnds(crs: cr, lfs: 0, crBefore: 0) == 1)
        #expect(SWAR.lineEnds(crs: 0, lfs: 0x80, crBefore: 0) == 1)
        #expect(SWAR.lineEnds(crs: 0, lfs: 0x80, crBefore: 0x80) == 0)
        #expect(SWAR.lineEnds(crs: 0x80 << 56, lfs: 0x80 << 48, crBefore: 0) == 2)  // LF then CR
        #expect(SWAR.lineEnds(crs: 0, lfs: 0, crBefore: 0x80) == 0)
    }

    // MARK: Every structural byte at every offset

    /// Offsets that put a byte at every place in the first words and blocks, and around the
    /// second block boundary.
    static let offsets = Array(0..<72) + Array(120..<136)

    /// What can follow a run of field bytes: each is placed at each of `offsets` from the start
    /// of the input, from a field start and inside a quoted field.
    static let structural: [(name: String, bytes: @Sendable (UInt8) -> [UInt8])] = [
        ("delimiter", { [$0] }),
        ("LF", { _ in [0x0A] }),
        ("CR", { _ in [0x0D] }),
        ("CRLF", { _ in [0x0D, 0x0A] }),
        ("quote", { _ in [0x22] }),
        ("escaped quote", { _ in [0x22, 0x22] }),
        ("closing quote, delimiter", { [0x22, $0] }),
        ("closing quote, CRLF", { _ in [0x22, 0x0D, 0x0A] }),
        ("closing quote, text", { _ in [0x22, 0x78] }),
        ("blank line", { _ in [0x0A, 0x0A] }),
        ("CR CR LF", { _ in [0x0D, 0x0D, 0x0A] }),
        ("tab and NUL", { _ in [0x09, 0x00] }),
    ]

    /// Also delimiters that are a quote, CR or LF: they must lose to those at field and record
    /// starts exactly as in the legacy parser.
    @Test(arguments: CSVFastPathTests.delimiters + [0x22, 0x0A, 0x0D])
    func structuralByteAtEveryOffsetInUnquotedAndQuotedFields(delimiter: UInt8) {
        var failures = 0
        for (name, make) in Self.structural where failures < 3 {
            for offset in Self.offsets where failures < 3 {
                let special = make(delimiter)
                let tail = Self.filler(5, seed: 3) + [delimiter, 0x22] + Self.filler(3) + [0x22, 0x0A] + Self.filler(9, seed: 1)
                for quoted in [false, true] {
                    let head: [UInt8] = quoted ? [0x22] + Self.filler(max(0, offset - 1)) : Self.filler(offset)
                    let input = head + special + tail
                    let at = head.count
                    let splits = [[at], [at + 1], [max(0, at - 1), at + special.count], [at - at % 8, at + 8 - at % 8]]
                    if !Self.agree(input, delimiter: delimiter, splits: splits, "\(name) at \(offset), quoted \(quoted)") { failures += 1 }
                }
            }
        }
    }

    /// Fields that end exactly on, just before and just after word and block boundaries, many
    /// to a record, so the delimiter marks of one block carry several fields.
    @Test(arguments: CSVFastPathTests.delimiters)
    func fieldLengthsAroundWordAndBlockBoundaries(delimiter: UInt8) {
        for length in [0, 1, 6, 7, 8, 9, 15, 16, 17, 62, 63, 64, 65, 127, 128, 129] {
            var input: [UInt8] = []
            for row in 0..<5 {
                for field in 0..<4 {
                    if field > 0 { input.append(delimiter) }
                    let quoted = (row + field) % 3 == 2
                    if quoted { input.append(0x22) }
                    input += Self.filler(length, seed: row * 4 + field)
                    if quoted { input.append(0x22) }
                }
                input += row % 2 == 0 ? [0x0A] : [0x0D, 0x0A]
            }
            let splits = [[64], [63, 65], [8, 16, 24], Array(stride(from: 7, to: input.count, by: 64)), Array(stride(from: 0, to: input.count, by: 9))]
            Self.agree(input, delimiter: delimiter, splits: splits, "fields of \(length) bytes")
        }
    }

    /// Records with hundreds of fields outgrow the parser's initial room for views, mid-record
    /// and mid-block.
    @Test func wideRecordsGrowTheViews() {
        var input: [UInt8] = []
        for row in 0..<3 {
            for field in 0..<(300 + row * 77) {
                if field > 0 { input.append(UInt8(ascii: ",")) }
                switch field % 5 {
                case 0: break
                case 1: input += [0x22] + Self.filler(field % 11) + [0x22]
                case 2: input += [0x22, 0x22, 0x22, 0x22]
                default: input += Self.filler(field % 13, seed: row)
                }
            }
            input += [0x0D, 0x0A]
        }
        Self.agree(input, delimiter: UInt8(ascii: ","), splits: [[1000], [333, 2000, 4000], Array(stride(from: 0, to: input.count, by: 257))], "wide records")
    }

    /// Line ends inside a quoted field at every offset: CR, LF and CRLF each count once, also
    /// when a CRLF straddles two words or two chunks, and when a CR ends the input.
    @Test func lineEndsInQuotedFieldsAtEveryOffset() {
        for ending in [[UInt8(0x0D)], [0x0A], [0x0D, 0x0A], [0x0D, 0x0D], [0x0A, 0x0D], [0x0D, 0x0A, 0x0D, 0x0A]] {
            for offset in 0..<80 {
                let input = Array("id,note\n1,\"".utf8) + Self.filler(offset) + ending + Self.filler(70 - offset % 70) + ending
                    + Array("\"\n2,\"".utf8) + Self.filler(offset % 17) + ending + Array("\"".utf8)
                let field = 11 + offset  // where the first line end is
                let splits = [[field], [field + 1], [field + 2], [field - 1, field + 1], Array(0..<input.count).filter { $0 % 8 == 0 }]
                Self.agree(input, delimiter: UInt8(ascii: ","), splits: splits, "line end \(ending) at \(offset)")
            }
        }
    }

    /// Longer inputs, cut at every single byte: chunks ending mid-word, mid-block, inside quotes,
    /// between CR and LF.
    @Test func longerInputsCutAtEverySplitPoint() {
        let inputs: [(String, [UInt8], UInt8)] = [
            ("work orders", Array(("work_order_id,site_id,site_name,site_address,status\n"
                + "WO-1001,S-10803,Crème de la Crème Community Centre,\"4061 King St W, Unit 38, Ottawa ON\",completed\n"
                + "WO-1002,S-6301,Café Élise,\"1177 Lakeshore Ave, Mississauga ON\",\n"
                + "WO-1003,,Ørsted Gallery,\"9422 \"\"Harbour\"\" Sq\",completed\r\n").utf8), UInt8(ascii: ",")),
            ("multi-line notes", Array(("id;note;x\r\n1;\"line one\r\nline two, still \"\"quoted\"\"\r\n\";y\r\n\r\n"
                + "2;\"" + String(repeating: "0123456789abcdef", count: 6) + "\r\"tail;z\r\n3;;\n").utf8), UInt8(ascii: ";")),
            ("tabs", Array(("a\tb\t\"c\"\n" + String(repeating: "x", count: 61) + "\t\"\n\"\t" + String(repeating: "y", count: 70) + "\n").utf8), UInt8(ascii: "\t")),
        ]
        for (name, input, delimiter) in inputs {
            Self.agree(input, delimiter: delimiter, splits: (0...input.count).map { [$0] }, name)
        }
    }

    // MARK: Differential fuzz

    /// CSV-ish input with long runs, so that fields, quoted fields and line ends fall on every
    /// part of words and blocks.
    static func randomInput(delimiter: UInt8, using rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        if Int.random(in: 0..<6, using: &rng) == 0 { out += [0xEF, 0xBB, 0xBF] }
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            switch Int.random(in: 0..<16, using: &rng) {
            case 0, 1, 2: out += Self.filler(Int.random(in: 0...70, using: &rng), seed: Int.random(in: 0..<50, using: &rng))
            case 3, 4, 5: out.append(delimiter)
            case 6: out += [0x22] + Self.filler(Int.random(in: 0...90, using: &rng)) + [0x22]
            case 7: out.append(0x22)
            case 8: out += [0x22, 0x22]
            case 9: out.append(0x0A)
            case 10: out.append(0x0D)
            case 11, 12: out += [0x0D, 0x0A]
            case 13: out.append(UInt8.random(in: 0...255, using: &rng))
            case 14: out += [UInt8(ascii: ","), 0x09, 0x00]
            default: out += Array("é東".utf8)
            }
        }
        return out
    }

    @Test func fastParserMatchesLegacyOnRandomInputsAndChunkings() {
        var rng = SplitMix64(seed: 0xD1FF_2026)
        var failures = 0
        for iteration in 0..<4_000 where failures < 3 {
            let delimiter = iteration % 4 == 0
                ? UInt8.random(in: 0...255, using: &rng)
                : Self.delimiters[Int.random(in: 0..<Self.delimiters.count, using: &rng)]
            let input = Self.randomInput(delimiter: delimiter, using: &rng)
            var splits: [[Int]] = []
            for _ in 0..<3 {
                splits.append(CSVFuzzTests.randomSplits(count: input.count, using: &rng))
            }
            if !Self.agree(input, delimiter: delimiter, splits: splits, "iteration \(iteration), delimiter \(delimiter)") {
                failures += 1
            }
            // The whole-input reference agrees on rows and error lines too (for delimiters that
            // are not also a quote or line end, where it has no defined meaning).
            guard delimiter != 0x22 && delimiter != 0x0A && delimiter != 0x0D else { continue }
            let whole = CSVTestSupport.parseWhole(input, delimiter: delimiter)
            let reference = ReferenceCSV.parse(input, delimiter: delimiter)
            if whole.rows != reference.rows || whole.error?.line != reference.error?.line {
                Issue.record("iteration \(iteration): fast \(whole) != reference \(reference); input \(input), delimiter \(delimiter)")
                failures += 1
            }
        }
    }
}

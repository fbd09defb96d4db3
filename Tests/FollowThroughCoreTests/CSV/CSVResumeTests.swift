import Testing
@testable import FollowThroughCore

@Suite struct CSVResumeTests {
    /// A parser resumed at a record boundary with `lineEnds`' count gives the rows (and lines) a whole-file parser gives.
    @Test(arguments: ["a,b\nc,\"d\ne\"\n\nf,g\n", "a,b\r\nc,\"d\r\ne\"\r\n\r\nf,g\r\n", "a,b\rc,\"d\re\"\r\rf,g\r", "x\r\n\r\ny\n\rz\n"])
    func resumedPartsEqualTheWhole(_ text: String) throws {
        let bytes = Array(text.utf8)
        var whole: [(Int, [String])] = []
        try CSVParser.parse(bytes) { whole.append(($0.line, $0.strings)) }
        for split in 0...bytes.count {
            var first = CSVParser()
            var rows: [(Int, [String])] = []
            try bytes[0..<split].withUnsafeBytes { try first.feed($0) { rows.append(($0.line, $0.strings)) } }
            guard first.isAtRecordBoundary else { continue }
            // Counted in two pieces, to cross a CR/LF pair at the piece boundary too.
            let cut = split / 2
            let a = bytes[0..<cut].withUnsafeBytes { CSVParser.lineEnds(in: $0, afterCR: false) }
            let b = bytes[cut..<split].withUnsafeBytes { CSVParser.lineEnds(in: $0, afterCR: a.endsWithCR) }
            var second = CSVParser(delimiter: UInt8(ascii: ","), resumingAtLine: 1 + a.count + b.count)
            try bytes[split...].withUnsafeBytes { try second.feed($0) { rows.append(($0.line, $0.strings)) } }
            try second.finish { rows.append(($0.line, $0.strings)) }
            #expect(rows.map(\.0) == whole.map(\.0), "split at \(split)")
            #expect(rows.map(\.1) == whole.map(\.1), "split at \(split)")
        }
    }

    /// Long inputs take the 16-bytes-at-a-time count (byte lanes summed every 255 blocks): it matches a byte-by-byte count
    /// at every length around those boundaries, with and without CRs, whatever the alignment.
    @Test(arguments: [0, 15, 16, 17, 4079, 4080, 4081, 8161, 65_536 + 7])
    func lineEndsOfLongInputMatchAByteCount(_ length: Int) {
        var generator = SystemRandomNumberGenerator()
        for withCR in [false, true] {
            // Mostly LFs where a line end may fall, up to every byte: a lane that counted past 255 would wrap.
            let bytes: [UInt8] = (0..<(length + 3)).map { i in
                if i % 5 == 0 || i > length / 2 { return 0x0A }
                if withCR && i % 97 == 0 { return 0x0D }
                return UInt8.random(in: 0x20...0x7E, using: &generator)
            }
            for offset in 0..<3 {
                let slice = bytes[offset..<(offset + length)]
                var expected = 0, previousCR = false
                for b in slice {
                    if b == 0x0D || (b == 0x0A && !previousCR) { expected += 1 }
                    previousCR = b == 0x0D
                }
                let counted = slice.withUnsafeBytes { CSVParser.lineEnds(in: $0, afterCR: false) }
                #expect(counted.count == expected, "length \(length), CR \(withCR), offset \(offset)")
                #expect(counted.endsWithCR == (slice.last == 0x0D))
            }
        }
    }
}

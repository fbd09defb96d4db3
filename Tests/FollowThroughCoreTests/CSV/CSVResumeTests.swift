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
}

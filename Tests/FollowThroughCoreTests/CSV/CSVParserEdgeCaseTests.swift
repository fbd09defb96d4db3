import Testing
@testable import FollowThroughCore

struct CSVCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let delimiter: UInt8
    let rows: [ParsedRow]
    /// Line of the expected unterminated-quote error, if any.
    let errorLine: Int?

    init(_ name: String, _ input: String, delimiter: Character = ",", _ rows: [ParsedRow], errorLine: Int? = nil) {
        self.init(name, bytes: Array(input.utf8), delimiter: delimiter, rows, errorLine: errorLine)
    }

    init(_ name: String, bytes: [UInt8], delimiter: Character = ",", _ rows: [ParsedRow], errorLine: Int? = nil) {
        self.name = name
        self.input = bytes
        self.delimiter = delimiter.asciiValue ?? 0x2C
        self.rows = rows
        self.errorLine = errorLine
    }

    var testDescription: String { name }
}

let csvEdgeCases: [CSVCase] = [
    CSVCase("quoted delimiter", "a,\"b,c\",d\n", [ParsedRow(1, ["a", "b,c", "d"])]),
    CSVCase("escaped quotes", "\"say \"\"hi\"\"\",x\n\"\"\"\"\n", [ParsedRow(1, ["say \"hi\"", "x"]), ParsedRow(2, ["\""])]),
    CSVCase(
        "quoted LF", "id,note\n1,\"line1\nline2\"\n2,z\n",
        [ParsedRow(1, ["id", "note"]), ParsedRow(2, ["1", "line1\nline2"]), ParsedRow(4, ["2", "z"])]
    ),
    CSVCase(
        "quoted CRLF", "id,note\r\n1,\"l1\r\nl2\r\n\"\r\n2,z\r\n",
        [ParsedRow(1, ["id", "note"]), ParsedRow(2, ["1", "l1\r\nl2\r\n"]), ParsedRow(5, ["2", "z"])]
    ),
    CSVCase("BOM stripped", "\u{FEFF}h1,h2\nv1,v2\n", [ParsedRow(1, ["h1", "h2"]), ParsedRow(2, ["v1", "v2"])]),
    CSVCase("BOM then quoted field", "\u{FEFF}\"h1\",h2", [ParsedRow(1, ["h1", "h2"])]),
    CSVCase("BOM only", "\u{FEFF}", []),
    CSVCase("BOM later is data", "a\n\u{FEFF}b\n", [ParsedRow(1, ["a"]), ParsedRow(2, ["\u{FEFF}b"])]),
    CSVCase("two BOMs: second is data", "\u{FEFF}\u{FEFF}x", [ParsedRow(1, ["\u{FEFF}x"])]),
    CSVCase("CRLF file", "a,b\r\nc,d\r\n", [ParsedRow(1, ["a", "b"]), ParsedRow(2, ["c", "d"])]),
    CSVCase("LF file", "a,b\nc,d\n", [ParsedRow(1, ["a", "b"]), ParsedRow(2, ["c", "d"])]),
    CSVCase("no trailing newline", "a,b\nc,d", [ParsedRow(1, ["a", "b"]), ParsedRow(2, ["c", "d"])]),
    CSVCase("no trailing newline after quoted", "a\n\"c\nd\"", [ParsedRow(1, ["a"]), ParsedRow(2, ["c\nd"])]),
    CSVCase("trailing newline gives no extra row", "a\n", [ParsedRow(1, ["a"])]),
    CSVCase("short rows keep their own count", "a,b,c\nd\ne,f\n", [ParsedRow(1, ["a", "b", "c"]), ParsedRow(2, ["d"]), ParsedRow(3, ["e", "f"])]),
    CSVCase("empty fields", ",,\na,,b\n,a,\n", [ParsedRow(1, ["", "", ""]), ParsedRow(2, ["a", "", "b"]), ParsedRow(3, ["", "a", ""])]),
    CSVCase("trailing delimiter at end of input", "a,", [ParsedRow(1, ["a", ""])]),
    CSVCase("empty quoted field", "\"\",x\n\"\"\n", [ParsedRow(1, ["", "x"]), ParsedRow(2, [""])]),
    CSVCase("whitespace preserved", " a , b \n\t\n", [ParsedRow(1, [" a ", " b "]), ParsedRow(2, ["\t"])]),
    CSVCase("space before quote makes the quote literal", " \"q\" ,x\n", [ParsedRow(1, [" \"q\" ", "x"])]),
    CSVCase("semicolon delimiter", "a;b,c;\"d;e\"\n", delimiter: ";", [ParsedRow(1, ["a", "b,c", "d;e"])]),
    CSVCase("tab delimiter", "a\tb c\t\"c\td\"\n\t\n", delimiter: "\t", [ParsedRow(1, ["a", "b c", "c\td"]), ParsedRow(2, ["", ""])]),
    CSVCase("pipe delimiter", "a|\"b|c\"|,\n", delimiter: "|", [ParsedRow(1, ["a", "b|c", ","])]),
    CSVCase(
        "blank lines skipped but counted", "\na\n\nb\n\r\n\rc\n\n",
        [ParsedRow(2, ["a"]), ParsedRow(4, ["b"]), ParsedRow(7, ["c"])]
    ),
    CSVCase(
        "line numbers after multi-line fields", "h\n\"x\ny\nz\",1\nnext\n\"p\r\nq\"\nlast",
        [ParsedRow(1, ["h"]), ParsedRow(2, ["x\ny\nz", "1"]), ParsedRow(5, ["next"]), ParsedRow(6, ["p\r\nq"]), ParsedRow(8, ["last"])]
    ),
    CSVCase("lone CR line ends", "a,b\rc,d\re", [ParsedRow(1, ["a", "b"]), ParsedRow(2, ["c", "d"]), ParsedRow(3, ["e"])]),
    CSVCase("lone CR inside quotes counts as a line", "\"a\rb\",c\nd\n", [ParsedRow(1, ["a\rb", "c"]), ParsedRow(3, ["d"])]),
    CSVCase("mixed line ends", "a\r\nb\nc\rd", [ParsedRow(1, ["a"]), ParsedRow(2, ["b"]), ParsedRow(3, ["c"]), ParsedRow(4, ["d"])]),
    CSVCase("closing quote then CRLF", "\"a\"\r\n\"b\"", [ParsedRow(1, ["a"]), ParsedRow(2, ["b"])]),
    CSVCase("non-ASCII UTF-8", "名前,Café Ŝ 東京\n\"Zoë, 東京\",🙂\n", [ParsedRow(1, ["名前", "Café Ŝ 東京"]), ParsedRow(2, ["Zoë, 東京", "🙂"])]),
    CSVCase("quote inside unquoted field is literal", "ab\"c,d\"\n", [ParsedRow(1, ["ab\"c", "d\""])]),
    CSVCase("text after closing quote is appended", "\"ab\"cd,e\n", [ParsedRow(1, ["abcd", "e"])]),
    CSVCase("escaped quote then trailing text", "\"a\"\"b\"x\"y\",z\n", [ParsedRow(1, ["a\"bx\"y\"", "z"])]),
    CSVCase("empty input", "", []),
    CSVCase("only blank lines", "\n\r\n\r\n", []),
    CSVCase("unterminated quote", "a,b\nc,\"open\nmore\n", [ParsedRow(1, ["a", "b"])], errorLine: 2),
    CSVCase("unterminated quote on line 1", "\"abc", [], errorLine: 1),
    CSVCase("unterminated quote after blank lines", "\n\n\"abc\n", [], errorLine: 3),
    CSVCase("unterminated after escaped quote", "x\n\"a\"\"", [ParsedRow(1, ["x"])], errorLine: 2),
    CSVCase("partial BOM is data", bytes: [0xEF, 0xBB, 0x41, 0x0A], [ParsedRow(line: 1, fields: [[0xEF, 0xBB, 0x41]])]),
    CSVCase("input that is a BOM prefix is data", bytes: [0xEF, 0xBB], [ParsedRow(line: 1, fields: [[0xEF, 0xBB]])]),
    CSVCase("NUL and invalid UTF-8 bytes pass through", bytes: [0x00, 0x2C, 0xFF, 0xC3, 0x0A], [ParsedRow(line: 1, fields: [[0x00], [0xFF, 0xC3]])]),
]

@Suite("CSV parser edge cases")
struct CSVParserEdgeCaseTests {
    @Test(arguments: csvEdgeCases)
    func parsesCase(_ c: CSVCase) {
        let outcome = CSVTestSupport.parseWhole(c.input, delimiter: c.delimiter)
        #expect(outcome.rows == c.rows)
        #expect(outcome.error?.line == c.errorLine)
        if c.errorLine != nil {
            #expect(outcome.error?.message.hasPrefix("unterminated quoted field") == true)
        }
    }

    @Test(arguments: csvEdgeCases)
    func byteAtATimeMatches(_ c: CSVCase) {
        let outcome = CSVTestSupport.parseChunked(c.input, splits: Array(0..<c.input.count), delimiter: c.delimiter)
        #expect(outcome.rows == c.rows)
        #expect(outcome.error?.line == c.errorLine)
    }

    @Test func shortRowSubscriptPastCountIsEmpty() throws {
        var seen: [(Int, Bool, Bool, Bool, String)] = []
        try CSVParser.parse(Array("a,b,c\nd\n".utf8)) { row in
            seen.append((row.count, row[row.count].isEmpty, row[99].bytes.isEmpty, row[-1].isEmpty, row[0].string))
        }
        #expect(seen.count == 2)
        #expect(seen.map(\.0) == [3, 1])
        #expect(seen.allSatisfy { $0.1 && $0.2 && $0.3 })
        #expect(seen.map(\.4) == ["a", "d"])
    }

    @Test func errorMessageNamesTheLineAndTheLikelyCause() throws {
        let outcome = CSVTestSupport.parseWhole(Array("id,note\n7,\"forgot to close\n8,ok\n".utf8))
        let error = try #require(outcome.error)
        #expect(error.line == 2)
        #expect(error.message.contains("line 2"))
        #expect(error.message.contains("quote"))
        #expect(outcome.rows == [ParsedRow(1, ["id", "note"])])
    }

    /// The fast path: a record inside one chunk that needs no unescaping is handed out as slices
    /// of the chunk itself; a field with `""` has to be unescaped into the parser's buffer.
    @Test func plainRecordsAreSlicesOfTheChunkAndEscapedFieldsAreNot() throws {
        let input = Array("abc,\"fg\",\n1,\"d\"\"e\"\n".utf8)
        var inChunk: [[Bool]] = []
        var values: [[String]] = []
        var parser = CSVParser()
        try input.withUnsafeBytes { chunk in
            let base = UInt(bitPattern: chunk.baseAddress)
            let range = base..<(base + UInt(chunk.count))
            try parser.feed(chunk) { row in
                inChunk.append((0..<row.count).map { k in
                    row[k].isEmpty || range.contains(UInt(bitPattern: row[k].bytes.baseAddress))
                })
                values.append(row.strings)
            }
        }
        try parser.finish { _ in Issue.record("no record should be left for finish") }
        #expect(values == [["abc", "fg", ""], ["1", "d\"e"]])
        #expect(inChunk.first == [true, true, true])
        #expect(inChunk.last?.last == false)
    }

    @Test func parserIsReusableAfterFinish() throws {
        var parser = CSVParser(delimiter: UInt8(ascii: ";"))
        var rows: [ParsedRow] = []
        for text in ["\u{FEFF}a;b\n\"x\ny\"", "\u{FEFF}c;d\ne"] {
            try Array(text.utf8).withUnsafeBytes { try parser.feed($0) { CSVTestSupport.copy($0, into: &rows) } }
            try parser.finish { CSVTestSupport.copy($0, into: &rows) }
        }
        #expect(rows == [ParsedRow(1, ["a", "b"]), ParsedRow(2, ["x\ny"]), ParsedRow(1, ["c", "d"]), ParsedRow(2, ["e"])])
    }

    @Test func parserIsUsableAfterUnterminatedQuoteError() throws {
        var parser = CSVParser()
        try Array("a\n\"open".utf8).withUnsafeBytes { try parser.feed($0) { _ in } }
        #expect(throws: CSVSyntaxError.self) { try parser.finish { _ in } }
        var rows: [ParsedRow] = []
        try Array("b\n".utf8).withUnsafeBytes { try parser.feed($0) { CSVTestSupport.copy($0, into: &rows) } }
        try parser.finish { CSVTestSupport.copy($0, into: &rows) }
        #expect(rows == [ParsedRow(1, ["b"])])
    }

    @Test func callbackErrorLeavesNoDanglingRecord() throws {
        struct Stop: Error {}
        var parser = CSVParser()
        let first = Array("\"a\"\"\",b\nc\n".utf8)
        #expect(throws: Stop.self) {
            try first.withUnsafeBytes { try parser.feed($0) { _ in throw Stop() } }
        }
        var rows: [ParsedRow] = []
        try Array("d,e\n".utf8).withUnsafeBytes { try parser.feed($0) { CSVTestSupport.copy($0, into: &rows) } }
        try parser.finish { CSVTestSupport.copy($0, into: &rows) }
        #expect(rows == [ParsedRow(2, ["d", "e"])])
    }

    @Test func largeQuotedFieldAcrossManyChunks() {
        let body = String(repeating: "0123456789,\"\"\r\n", count: 5_000)
        let unescaped = String(repeating: "0123456789,\"\r\n", count: 5_000)
        let input = Array("h\n\"\(body)\",tail\nafter\n".utf8)
        let splits = Array(stride(from: 7, to: input.count, by: 4_093))
        let outcome = CSVTestSupport.parseChunked(input, splits: splits)
        #expect(outcome.error == nil)
        #expect(outcome.rows.map(\.line) == [1, 2, 5_003])
        let same = outcome.rows == [ParsedRow(1, ["h"]), ParsedRow(2, [unescaped, "tail"]), ParsedRow(5_003, ["after"])]
        #expect(same, "large field not reproduced exactly")
    }
}

import Testing
@testable import FollowThroughCore

/// A row copied out of the parser callback.
struct ParsedRow: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [[UInt8]]

    init(line: Int, fields: [[UInt8]]) {
        self.line = line
        self.fields = fields
    }

    init(_ line: Int, _ fields: [String]) {
        self.init(line: line, fields: fields.map { Array($0.utf8) })
    }

    var description: String {
        "\(line):" + fields.map { "\(String(decoding: $0, as: UTF8.self).debugDescription)" }.joined(separator: ",")
    }
}

/// Everything a parse produced: the rows, and the syntax error if it ended with one.
struct ParseOutcome: Equatable, CustomStringConvertible {
    var rows: [ParsedRow] = []
    var error: CSVSyntaxError?

    var description: String {
        rows.map(\.description).joined(separator: " | ") + (error.map { " !! line \($0.line): \($0.message)" } ?? "")
    }
}

enum CSVTestSupport {
    static func copy(_ row: CSVRow, into rows: inout [ParsedRow]) {
        rows.append(ParsedRow(line: row.line, fields: (0..<row.count).map { Array(row[$0].bytes) }))
    }

    /// Parses `input` in one piece with `CSVParser.parse`.
    static func parseWhole(_ input: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> ParseOutcome {
        var outcome = ParseOutcome()
        do {
            try CSVParser.parse(input, delimiter: delimiter) { copy($0, into: &outcome.rows) }
        } catch let error as CSVSyntaxError {
            outcome.error = error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return outcome
    }

    /// Parses `input` fed in pieces ending at `splits` (sorted offsets; duplicates give empty chunks).
    /// Each piece is copied into a scratch buffer that is overwritten with garbage after `feed`
    /// returns, so a parser that kept a pointer into an old chunk gives different results.
    static func parseChunked(_ input: [UInt8], splits: [Int], delimiter: UInt8 = UInt8(ascii: ",")) -> ParseOutcome {
        parseChunked(input, splits: splits, delimiter: delimiter, with: CSVParser.self)
    }

    /// `parseChunked` with another parser (the legacy one, for differential tests).
    static func parseChunked<Parser: StreamingCSVParser>(
        _ input: [UInt8], splits: [Int], delimiter: UInt8 = UInt8(ascii: ","), with _: Parser.Type
    ) -> ParseOutcome {
        var outcome = ParseOutcome()
        var parser = Parser(delimiter: delimiter)
        var scratch = [UInt8](repeating: 0, count: max(1, input.count))
        var bounds = splits.filter { $0 >= 0 && $0 <= input.count }.sorted()
        bounds.append(input.count)
        var start = 0
        do {
            for end in bounds {
                let count = end - start
                for k in 0..<count { scratch[k] = input[start + k] }
                try scratch.withUnsafeBytes { all in
                    try parser.feed(UnsafeRawBufferPointer(rebasing: all[0..<count])) { copy($0, into: &outcome.rows) }
                }
                for k in 0..<scratch.count { scratch[k] = 0x22 }  // '"': as disruptive as it gets
                start = end
            }
            try parser.finish { copy($0, into: &outcome.rows) }
        } catch let error as CSVSyntaxError {
            outcome.error = error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return outcome
    }
}

/// What the chunked-parse helpers need of a parser, so the fast and the legacy one can be compared.
protocol StreamingCSVParser {
    init(delimiter: UInt8)
    mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (CSVRow) throws -> Void) throws
    mutating func finish(onRow: (CSVRow) throws -> Void) throws
}

extension CSVParser: StreamingCSVParser {}
extension LegacyCSVParser: StreamingCSVParser {}

/// A deliberately naive whole-input implementation of the same dialect (byte at a time, no
/// streaming, no buffers shared between fields), used as an oracle for the fuzz test.
enum ReferenceCSV {
    static func parse(_ input: [UInt8], delimiter d: UInt8) -> ParseOutcome {
        let q = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var outcome = ParseOutcome()
        var i = 0
        var line = 1
        // Consumes a line end at i (CRLF, LF or CR) and counts it.
        func lineEnd(_ i: inout Int) {
            if bytes[i] == cr, i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
            i += 1
            line += 1
        }
        while i < bytes.count {
            if bytes[i] == lf || bytes[i] == cr {  // blank line
                lineEnd(&i)
                continue
            }
            let startLine = line
            var fields: [[UInt8]] = []
            var field: [UInt8] = []
            var recordDone = false
            while !recordDone {
                // At the start of a field.
                if i < bytes.count, bytes[i] == q {
                    i += 1
                    var closed = false
                    while i < bytes.count {
                        let b = bytes[i]
                        if b == q {
                            if i + 1 < bytes.count, bytes[i + 1] == q {
                                field.append(q)
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if b == cr {
                            line += 1
                            field.append(b)
                            i += 1
                            if i < bytes.count, bytes[i] == lf {
                                field.append(lf)
                                i += 1
                            }
                            continue
                        }
                        if b == lf { line += 1 }
                        field.append(b)
                        i += 1
                    }
                    if !closed {
                        outcome.error = CSVSyntaxError(line: startLine, message: "")
                        return outcome
                    }
                }
                // Unquoted bytes (or bytes after a closing quote) up to the delimiter / line end.
                while i < bytes.count, bytes[i] != d, bytes[i] != lf, bytes[i] != cr {
                    field.append(bytes[i])
                    i += 1
                }
                fields.append(field)
                field = []
                if i >= bytes.count {
                    recordDone = true
                } else if bytes[i] == d {
                    i += 1
                } else {
                    lineEnd(&i)
                    recordDone = true
                }
            }
            outcome.rows.append(ParsedRow(line: startLine, fields: fields))
        }
        return outcome
    }
}

/// A small, correct RFC 4180 writer for round-trip tests.
enum CSVWriter {
    /// Encodes `table`; also returns the physical line on which each row starts.
    static func encode(_ table: [[String]], delimiter: UInt8, crlf: Bool, trailingNewline: Bool) -> (bytes: [UInt8], lines: [Int]) {
        var out: [UInt8] = []
        var lines: [Int] = []
        var line = 1
        for (r, row) in table.enumerated() {
            lines.append(line)
            for (c, field) in row.enumerated() {
                if c > 0 { out.append(delimiter) }
                let bytes = Array(field.utf8)
                let needsQuotes = bytes.isEmpty  // keeps a one-empty-field row from being a blank line
                    || bytes.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                    || bytes.starts(with: [0xEF, 0xBB, 0xBF])  // a leading BOM would be stripped
                if needsQuotes {
                    out.append(0x22)
                    for b in bytes {
                        if b == 0x22 { out.append(0x22) }
                        out.append(b)
                    }
                    out.append(0x22)
                } else {
                    out.append(contentsOf: bytes)
                }
                // Line ends inside the field move the line of the next row.
                for (k, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (k + 1 == bytes.count || bytes[k + 1] != 0x0A)) {
                    _ = b
                    line += 1
                }
            }
            if r + 1 < table.count || trailingNewline {
                out.append(contentsOf: crlf ? [0x0D, 0x0A] : [0x0A])
                line += 1
            }
        }
        return (out, lines)
    }
}

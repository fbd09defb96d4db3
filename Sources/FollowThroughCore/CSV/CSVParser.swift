/// A field of a parsed CSV row: its unescaped bytes, valid only inside the row callback.
///
/// `bytes` points either straight into the chunk passed to `CSVParser.feed` or into the parser's
/// internal record buffer. Both are reused or freed once the callback returns, so copy out
/// (`string`, `Array(bytes)`) anything you want to keep.
public struct CSVField {
    public let bytes: UnsafeRawBufferPointer
    public var isEmpty: Bool { bytes.isEmpty }
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// One CSV record as the parser sees it; valid only inside the callback that receives it.
public struct CSVRow {
    /// Physical line (1-based) on which the record starts.
    public let line: Int
    public let count: Int
    let fieldStorage: UnsafeBufferPointer<UnsafeRawBufferPointer>
    /// The field at `index`, or an empty field for a short row.
    public subscript(index: Int) -> CSVField {
        index >= 0 && index < count ? CSVField(bytes: fieldStorage[index]) : CSVField(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
    }
}

extension CSVRow {
    /// All fields decoded as (lossy) UTF-8 strings. Allocates; meant for diagnostics and tests,
    /// not for the hot path.
    public var strings: [String] { (0..<count).map { self[$0].string } }
}

/// A CSV syntax error that makes the rest of a file unreadable (an unterminated quoted field).
public struct CSVSyntaxError: Error, Equatable, Sendable {
    public let line: Int
    public let message: String
}

/// Streaming RFC 4180 parser: feed chunks of bytes, receive rows. Strips a UTF-8 BOM; LF or CRLF.
///
/// Dialect (RFC 4180, made lenient and well-defined for sloppy exports):
/// - Records end at LF, CRLF or a lone CR outside quotes. Quoted fields may contain the
///   delimiter, CR, LF and `""` (one literal quote).
/// - A quote inside an unquoted field is kept literally (`ab"c` → `ab"c`); bytes after a closing
///   quote and before the next delimiter are appended literally (`"ab"cd` → `abcd`).
/// - Blank lines (no bytes at all between two line ends) are skipped, but still counted.
/// - A UTF-8 BOM at the very start of the input is stripped, even when split across chunks.
/// - `CSVRow.line` is the physical line on which a record starts; LF, CRLF and lone CR count as
///   one line end each, inside quoted fields too.
///
/// Chunks may end at any byte. Between calls the parser keeps only the current incomplete record.
/// Rows and their fields are views valid only during the `onRow` callback. If `onRow` throws, the
/// error propagates and the rest of that chunk is not parsed. `finish` resets the parser, so it
/// can be reused for another input afterwards.
public struct CSVParser {
    public let delimiter: UInt8
    public init(delimiter: UInt8 = UInt8(ascii: ",")) { self.delimiter = delimiter }

    // MARK: State kept between calls (only the current incomplete record).

    enum State: UInt8 {
        /// Before the first byte of a record (also: after a line end).
        case recordStart
        /// At the start of a field after a delimiter.
        case fieldStart
        case unquoted
        case quoted
        /// Inside a quoted field, just after a quote: closing quote or first half of `""`.
        case quoteInQuoted
    }

    /// A field of the current record: a byte range either in the current chunk or in `buffer`.
    struct Span {
        var start: Int
        var end: Int
        var inBuffer: Bool
    }

    var state: State = .recordStart
    /// 1-based physical line at the current position.
    var line = 1
    /// Line on which the current record started.
    var recordLine = 1
    /// The previous chunk ended with a CR; an LF at the start of the next one belongs to it.
    var crPending = false
    /// How many bytes of a UTF-8 BOM have been seen at the very start of the input.
    var bomMatched = 0
    /// The start of the input (where a BOM may be) has been passed.
    var bomDone = false

    /// Start (chunk offset) of the bytes of the current field not yet handled.
    var runStart = 0
    /// The current field has (some of) its bytes in `buffer`, starting at `fieldBufferStart`.
    var fieldInBuffer = false
    var fieldBufferStart = 0
    /// Spans before this index are all in `buffer`.
    var spansConverted = 0
    /// Unescaped bytes of fields that could not stay slices of the chunk (current record only).
    var buffer: [UInt8] = []
    /// Fields of the current record; storage reused from record to record.
    var spans: [Span] = []
    /// Field views handed to the callback; storage reused from record to record.
    var views: [UnsafeRawBufferPointer] = []

    /// Parses `chunk`, calling `onRow` for every record completed in it.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (CSVRow) throws -> Void) throws {
        guard chunk.count > 0 else { return }
        var start = 0
        if !bomDone {
            let carried = bomMatched
            while start < chunk.count && bomMatched < 3 && chunk[start] == CSVParser.bom[bomMatched] {
                bomMatched += 1
                start += 1
            }
            if bomMatched == 3 {
                bomDone = true  // A whole BOM: drop it.
            } else if start < chunk.count {
                // Not a BOM after all: what looked like one is data, including bytes held back
                // from earlier chunks.
                bomDone = true
                start = 0
                if carried > 0 {
                    try CSVParser.bom.withUnsafeBytes { try process(UnsafeRawBufferPointer(rebasing: $0[0..<carried]), from: 0, onRow: onRow) }
                }
            } else {
                return  // The chunk was a prefix of a BOM; wait for more.
            }
        }
        if start < chunk.count {
            try process(chunk, from: start, onRow: onRow)
        }
    }

    /// Ends the input: emits a final record without a trailing newline; throws on an open quote.
    public mutating func finish(onRow: (CSVRow) throws -> Void) throws {
        defer { self = CSVParser(delimiter: delimiter) }
        if !bomDone && bomMatched > 0 {
            // The input was only a prefix of a BOM: those bytes are data.
            let held = bomMatched
            bomDone = true
            try CSVParser.bom.withUnsafeBytes { try process(UnsafeRawBufferPointer(rebasing: $0[0..<held]), from: 0, onRow: onRow) }
        }
        // Every chunk has been moved into `buffer` by now; an empty chunk stands in for the input.
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        switch state {
        case .recordStart:
            return
        case .quoted:
            throw CSVSyntaxError(
                line: recordLine,
                message: "unterminated quoted field in the record starting on line \(recordLine): "
                    + "the input ends inside quotes. A closing quote (\") is probably missing, or a quote "
                    + "inside a quoted field was not doubled (\"\")."
            )
        case .fieldStart:
            spans.append(Span(start: 0, end: 0, inBuffer: true))
        case .unquoted, .quoteInQuoted:
            endField(none, at: 0)
        }
        state = .recordStart
        try emit(none, onRow: onRow)
    }

    // MARK: - Scanner

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// Runs the state machine over `p[from...]`; at the end moves the incomplete record into `buffer`.
    mutating func process(_ p: UnsafeRawBufferPointer, from: Int, onRow: (CSVRow) throws -> Void) throws {
        let n = p.count
        let delimiter = self.delimiter
        let quote = CSVParser.quote, lf = CSVParser.lf, cr = CSVParser.cr
        var i = from
        runStart = from
        if crPending && i < n {
            crPending = false
            // Second half of a CRLF split across chunks: never a new line. Outside quotes it is
            // dropped; inside quotes it stays in the field (the run starts before it).
            if p[i] == lf { i += 1 }
        }

        scan: while i < n {
            switch state {
            case .recordStart:
                let b = p[i]
                if b == lf {
                    line += 1
                    i += 1
                    continue scan
                }
                if b == cr {
                    line += 1
                    i += 1
                    if i < n {
                        if p[i] == lf { i += 1 }
                    } else {
                        crPending = true
                    }
                    continue scan
                }
                recordLine = line
                state = .fieldStart
                fallthrough

            case .fieldStart:
                let b = p[i]
                if b == quote {
                    state = .quoted
                    i += 1
                    runStart = i
                    fieldInBuffer = false
                } else if b == delimiter {
                    spans.append(Span(start: 0, end: 0, inBuffer: false))
                    i += 1
                } else if b == lf || b == cr {
                    spans.append(Span(start: 0, end: 0, inBuffer: false))
                    try endRecord(p, &i, onRow: onRow)
                } else {
                    state = .unquoted
                    runStart = i
                    fieldInBuffer = false
                    i += 1
                }

            case .unquoted:
                while i < n {
                    let b = p[i]
                    if b == delimiter || b == lf || b == cr { break }
                    i += 1
                }
                if i == n { break scan }
                endField(p, at: i)
                if p[i] == delimiter {
                    state = .fieldStart
                    i += 1
                } else {
                    try endRecord(p, &i, onRow: onRow)
                }

            case .quoted:
                while i < n {
                    let b = p[i]
                    if b == quote { break }
                    if b <= cr {
                        if b == lf {
                            line += 1
                        } else if b == cr {
                            line += 1
                            if i + 1 < n {
                                if p[i + 1] == lf { i += 1 }
                            } else {
                                crPending = true
                            }
                        }
                    }
                    i += 1
                }
                if i == n { break scan }
                state = .quoteInQuoted
                i += 1

            case .quoteInQuoted:
                // The quote just seen is at i - 1, or at the end of the previous chunk when i == 0.
                let contentEnd = max(runStart, i - 1)
                let b = p[i]
                if b == quote {
                    // `""`: one literal quote.
                    flush(p, upTo: contentEnd)
                    buffer.append(quote)
                    i += 1
                    runStart = i
                    state = .quoted
                } else if b == delimiter {
                    endField(p, at: contentEnd)
                    state = .fieldStart
                    i += 1
                } else if b == lf || b == cr {
                    endField(p, at: contentEnd)
                    try endRecord(p, &i, onRow: onRow)
                } else {
                    // Bytes after the closing quote: kept literally.
                    flush(p, upTo: contentEnd)
                    runStart = i
                    state = .unquoted
                    i += 1
                }
            }
        }

        // The chunk is about to go away: move what the incomplete record has in it into `buffer`.
        switch state {
        case .recordStart:
            break
        case .fieldStart:
            convertSpans(p)
        case .unquoted, .quoted:
            flush(p, upTo: n)
        case .quoteInQuoted:
            flush(p, upTo: max(runStart, n - 1))
        }
        runStart = 0
    }

    /// Copies the current field's pending bytes `p[runStart..<end]` into `buffer`. The first time
    /// a field goes to the buffer, the record's earlier chunk slices move there first, so the
    /// field's bytes stay contiguous at the end of the buffer.
    @inline(__always)
    mutating func flush(_ p: UnsafeRawBufferPointer, upTo end: Int) {
        if !fieldInBuffer {
            convertSpans(p)
            fieldInBuffer = true
            fieldBufferStart = buffer.count
        }
        if end > runStart {
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[runStart..<end]))
        }
        runStart = end
    }

    /// Moves the current record's finished fields that are still slices of `p` into `buffer`.
    mutating func convertSpans(_ p: UnsafeRawBufferPointer) {
        var k = spansConverted
        while k < spans.count {
            let s = spans[k]
            if !s.inBuffer {
                let start = buffer.count
                if s.end > s.start {
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[s.start..<s.end]))
                }
                spans[k] = Span(start: start, end: buffer.count, inBuffer: true)
            }
            k += 1
        }
        spansConverted = spans.count
    }

    /// Ends the current (unquoted or just-closed quoted) field, whose content ends at `end`.
    @inline(__always)
    mutating func endField(_ p: UnsafeRawBufferPointer, at end: Int) {
        if fieldInBuffer {
            flush(p, upTo: end)
            spans.append(Span(start: fieldBufferStart, end: buffer.count, inBuffer: true))
            fieldInBuffer = false
        } else {
            spans.append(Span(start: runStart, end: end, inBuffer: false))
        }
    }

    /// Consumes the line end at `p[i]` (LF, CR or CRLF) and emits the finished record.
    @inline(__always)
    mutating func endRecord(_ p: UnsafeRawBufferPointer, _ i: inout Int, onRow: (CSVRow) throws -> Void) throws {
        line += 1
        if p[i] == CSVParser.cr {
            i += 1
            if i < p.count {
                if p[i] == CSVParser.lf { i += 1 }
            } else {
                crPending = true
            }
        } else {
            i += 1
        }
        state = .recordStart
        try emit(p, onRow: onRow)
    }

    /// Hands the finished record to `onRow` and clears the record state (also when `onRow` throws).
    mutating func emit(_ p: UnsafeRawBufferPointer, onRow: (CSVRow) throws -> Void) throws {
        defer {
            spans.removeAll(keepingCapacity: true)
            views.removeAll(keepingCapacity: true)
            buffer.removeAll(keepingCapacity: true)
            spansConverted = 0
            fieldInBuffer = false
        }
        // `buffer` no longer grows for this record, so pointers into it stay valid until the
        // callback returns.
        try buffer.withUnsafeBytes { b in
            views.removeAll(keepingCapacity: true)
            for s in spans {
                let count = s.end - s.start
                if count <= 0 {
                    views.append(UnsafeRawBufferPointer(start: nil, count: 0))
                } else if s.inBuffer {
                    views.append(UnsafeRawBufferPointer(rebasing: b[s.start..<s.end]))
                } else {
                    views.append(UnsafeRawBufferPointer(rebasing: p[s.start..<s.end]))
                }
            }
            let line = recordLine
            try views.withUnsafeBufferPointer { fields in
                try onRow(CSVRow(line: line, count: fields.count, fieldStorage: fields))
            }
        }
    }
}

extension CSVParser {
    /// Parses a whole buffer at once.
    public static func parse(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), onRow: (CSVRow) throws -> Void) throws {
        var parser = CSVParser(delimiter: delimiter)
        try bytes.withUnsafeBytes { try parser.feed($0, onRow: onRow) }
        try parser.finish(onRow: onRow)
    }
}

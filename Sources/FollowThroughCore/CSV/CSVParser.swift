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
    /// Any single byte works as `delimiter` (`,` `;` `\t` `|` …). A quote, CR or LF as delimiter
    /// never crashes, but the result is not meaningful CSV.
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
    /// The current field has (some of) its bytes in the storage's byte buffer, from `fieldBufferStart`.
    var fieldInBuffer = false
    var fieldBufferStart = 0
    /// Fields before this index are no longer slices of a chunk (moved to the byte buffer).
    var viewsConverted = 0
    /// Field views and the byte buffer of the current record, reused from record to record.
    var storage = CSVRecordStorage()

    /// Parses `chunk`, calling `onRow` for every record completed in it.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (CSVRow) throws -> Void) throws {
        guard chunk.count > 0 else { return }
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
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
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        if !bomDone && bomMatched > 0 {
            // The input was only a prefix of a BOM: those bytes are data.
            let held = bomMatched
            bomDone = true
            try CSVParser.bom.withUnsafeBytes { try process(UnsafeRawBufferPointer(rebasing: $0[0..<held]), from: 0, onRow: onRow) }
        }
        // Every chunk has been moved into the byte buffer by now; an empty chunk stands in for the input.
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
            storage.appendView(UnsafeRawBufferPointer(start: nil, count: 0))
        case .unquoted, .quoteInQuoted:
            endField(none, at: 0)
        }
        state = .recordStart
        try emit(onRow: onRow)
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
}

extension CSVParser {
    /// Parses a whole buffer at once.
    public static func parse(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), onRow: (CSVRow) throws -> Void) throws {
        var parser = CSVParser(delimiter: delimiter)
        try bytes.withUnsafeBytes { try parser.feed($0, onRow: onRow) }
        try parser.finish(onRow: onRow)
    }
}

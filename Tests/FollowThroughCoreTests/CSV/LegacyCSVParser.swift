@testable import FollowThroughCore

/// The byte-at-a-time state machine `CSVParser` used before its record loop read 8 bytes at a
/// time, kept verbatim (renamed) as an oracle: the differential tests check that the fast parser
/// gives the same rows, lines and errors for any input and any chunking.
struct LegacyCSVParser {
    let delimiter: UInt8
    /// Any single byte works as `delimiter` (`,` `;` `\t` `|` …). A quote, CR or LF as delimiter
    /// never crashes, but the result is not meaningful CSV.
    init(delimiter: UInt8 = UInt8(ascii: ",")) { self.delimiter = delimiter }

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
    mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (CSVRow) throws -> Void) throws {
        guard chunk.count > 0 else { return }
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        var start = 0
        if !bomDone {
            let carried = bomMatched
            while start < chunk.count && bomMatched < 3 && chunk[start] == LegacyCSVParser.bom[bomMatched] {
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
                    try LegacyCSVParser.bom.withUnsafeBytes { try process(UnsafeRawBufferPointer(rebasing: $0[0..<carried]), from: 0, onRow: onRow) }
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
    mutating func finish(onRow: (CSVRow) throws -> Void) throws {
        defer { self = LegacyCSVParser(delimiter: delimiter) }
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        if !bomDone && bomMatched > 0 {
            // The input was only a prefix of a BOM: those bytes are data.
            let held = bomMatched
            bomDone = true
            try LegacyCSVParser.bom.withUnsafeBytes { try process(UnsafeRawBufferPointer(rebasing: $0[0..<held]), from: 0, onRow: onRow) }
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

    // MARK: - Scanner

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// Runs the state machine over `p[from...]`; at the end moves the incomplete record into the
    /// byte buffer.
    mutating func process(_ p: UnsafeRawBufferPointer, from: Int, onRow: (CSVRow) throws -> Void) throws {
        let n = p.count
        let delimiter = self.delimiter
        let quote = LegacyCSVParser.quote, lf = LegacyCSVParser.lf, cr = LegacyCSVParser.cr
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
                    storage.appendView(UnsafeRawBufferPointer(start: nil, count: 0))
                    i += 1
                } else if b == lf || b == cr {
                    storage.appendView(UnsafeRawBufferPointer(start: nil, count: 0))
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
                    storage.appendByte(quote)
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

        // The chunk is about to go away: move what the incomplete record has in it to the buffer.
        switch state {
        case .recordStart:
            break
        case .fieldStart:
            convertViews(p)
        case .unquoted, .quoted:
            flush(p, upTo: n)
        case .quoteInQuoted:
            flush(p, upTo: max(runStart, n - 1))
        }
        runStart = 0
    }

    /// Copies the current field's pending bytes `p[runStart..<end]` into the byte buffer. The
    /// first time a field goes there, the record's earlier chunk slices move there first, so the
    /// field's bytes stay contiguous at the end of the buffer.
    @inline(__always)
    mutating func flush(_ p: UnsafeRawBufferPointer, upTo end: Int) {
        if !fieldInBuffer {
            convertViews(p)
            fieldInBuffer = true
            fieldBufferStart = storage.byteCount
        }
        if end > runStart, let base = p.baseAddress {
            storage.appendBytes(base + runStart, count: end - runStart)
        }
        runStart = end
    }

    /// Moves the current record's finished fields that are still slices of the chunk into the
    /// byte buffer. (Fields already in the buffer hold empty placeholder views.)
    mutating func convertViews(_ p: UnsafeRawBufferPointer) {
        var k = viewsConverted
        while k < storage.viewCount {
            let view = storage.view(at: k)
            if let base = view.baseAddress, view.count > 0 {
                let start = storage.byteCount
                storage.appendBytes(base, count: view.count)
                storage.setView(UnsafeRawBufferPointer(start: nil, count: 0), at: k)
                storage.markBufferField(at: k, start: start, end: storage.byteCount)
            }
            k += 1
        }
        viewsConverted = storage.viewCount
    }

    /// Ends the current (unquoted or just-closed quoted) field, whose content ends at `end`.
    @inline(__always)
    mutating func endField(_ p: UnsafeRawBufferPointer, at end: Int) {
        if fieldInBuffer {
            flush(p, upTo: end)
            storage.appendBufferField(start: fieldBufferStart, end: storage.byteCount)
            fieldInBuffer = false
        } else if end > runStart, let base = p.baseAddress {
            storage.appendView(UnsafeRawBufferPointer(start: base + runStart, count: end - runStart))
        } else {
            storage.appendView(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    /// Consumes the line end at `p[i]` (LF, CR or CRLF) and emits the finished record.
    @inline(__always)
    mutating func endRecord(_ p: UnsafeRawBufferPointer, _ i: inout Int, onRow: (CSVRow) throws -> Void) throws {
        line += 1
        if p[i] == LegacyCSVParser.cr {
            i += 1
            if i < p.count {
                if p[i] == LegacyCSVParser.lf { i += 1 }
            } else {
                crPending = true
            }
        } else {
            i += 1
        }
        state = .recordStart
        try emit(onRow: onRow)
    }

    /// Hands the finished record to `onRow` and clears the record state (also when `onRow` throws).
    @inline(__always)
    mutating func emit(onRow: (CSVRow) throws -> Void) throws {
        defer {
            storage.reset()
            viewsConverted = 0
            fieldInBuffer = false
        }
        // The byte buffer no longer grows for this record, so views into it stay valid until the
        // callback returns.
        storage.resolveBufferFields()
        let fields = UnsafeBufferPointer(start: storage.views, count: storage.viewCount)
        try onRow(CSVRow(line: recordLine, count: fields.count, fieldStorage: fields))
    }
}

#if canImport(CByteMarks)
import CByteMarks
#endif

/// A field of a parsed CSV row: its unescaped bytes, valid only inside the row callback.
///
/// `bytes` points either straight into the chunk passed to `CSVParser.feed` or into the parser's
/// internal record buffer. Both are reused or freed once the callback returns, so copy out
/// (`string`, `Array(bytes)`) anything you want to keep. An empty field may or may not have a
/// base address (setting it to nil would cost the parser a branch per field): test `isEmpty`.
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

    // MARK: - Scanner

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// Runs the state machine over `p[from...]`; at the end moves the incomplete record into the
    /// byte buffer.
    ///
    /// Record and field starts go to `scanRecords`, which handles whole records in one loop; the
    /// states below handle what it hands back (text after a closing quote, a field cut by the
    /// chunk end).
    mutating func process(_ p: UnsafeRawBufferPointer, from: Int, onRow: (CSVRow) throws -> Void) throws {
        let n = p.count
        guard let base = p.baseAddress else { return }
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
            case .recordStart, .fieldStart:
                try scanRecords(base, count: n, at: &i, onRow: onRow)

            case .unquoted:
                // Only a field already in the byte buffer (continued from the previous chunk or
                // after a closing quote): rare, so byte at a time.
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
                i = CSVParser.findQuote(base, from: i, to: n, line: &line, crPending: &crPending)
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

    /// The hot loop: from a record or field start at `i`, parses records of unquoted and quoted
    /// fields, as slices of the chunk (fields with `""` go through the byte buffer).
    ///
    /// Marks the bytes that can matter (delimiter, quote, CR, LF) in 64-byte blocks, 8 bytes at a
    /// time, and visits only those. Returns at the end of the chunk, or with `state` set for the
    /// byte loop in `process` when a quoted field has text after its closing quote or is cut by
    /// the chunk end; `i` is where that loop goes on. The record's views, their count and `line`
    /// stay in locals until the record ends.
    @inline(__always)
    mutating func scanRecords(_ base: UnsafeRawPointer, count n: Int, at i: inout Int, onRow: (CSVRow) throws -> Void) throws {
        let delimiter = self.delimiter
        let quote = CSVParser.quote, lf = CSVParser.lf, cr = CSVParser.cr
        let delimiters = SWAR.broadcast(delimiter)
        var line = self.line
        var views = storage.views
        var count = storage.viewCount
        var capacity = storage.viewCapacity
        // Start of the current field; bytes before it are done (so is the LF of a CRLF just read).
        var fieldStart = i
        if state == .recordStart { recordLine = line }

        // Keeps the record's views in locals; `storage` hears about them once per record. There
        // is room: each block starts with room for 64 more, and each view ends a marked byte.
        @inline(__always)
        func append(_ start: Int, _ end: Int) {
            views[count] = UnsafeRawBufferPointer(start: base + start, count: end &- start)  // empty: not nil
            count &+= 1
        }

        // Ends the record whose line end is at `pos` and emits it; returns where the next one starts.
        @inline(__always)
        func finishRecord(at pos: Int, _ b: UInt8) throws -> Int {
            line += 1
            let next = CSVParser.afterLineEnd(base, pos, b, n, &crPending)
            storage.viewCount = count
            self.line = line
            state = .recordStart
            try emit(onRow: onRow)
            count = 0
            recordLine = line
            return next
        }

        // Leaves the current quoted field to the byte loop in `process`, at the quote at
        // `closingQuote` (or with the chunk ended inside the field when that is `n`).
        func handOff(closingQuote: Int) {
            self.line = line
            state = closingQuote < n ? .quoteInQuoted : .quoted
            i = min(closingQuote &+ 1, n)
        }

        // A delimiter that is also a quote, CR or LF loses to them at a field or record start.
        let plainDelimiter = delimiter != quote && delimiter != lf && delimiter != cr
        var at = i  // start of the 64-byte block being looked at
        blocks: while at < n {
            if capacity &- count < 64 {
                storage.viewCount = count
                storage.reserveViews(64)
                views = storage.views
                capacity = storage.viewCapacity
            }
            // Bit k of `m`: byte `at + k` is a delimiter, quote or control byte.
            var (m, ds) = n &- at >= 64
                ? SWAR.specials64(base + at, delimiters: delimiters)
                : SWAR.specials(base + at, count: n &- at, delimiters: delimiters)
            if !plainDelimiter { ds = 0 }
            // Every marked byte at or after `fieldStart`, in order.
            while m != 0 {
                let bit = m & (0 &- m)
                let pos = at &+ m.trailingZeroBitCount
                m ^= bit
                if ds & bit != 0 {
                    append(fieldStart, pos)
                    fieldStart = pos &+ 1
                    continue
                }
                let b = base.load(fromByteOffset: pos, as: UInt8.self)
                if b == delimiter
                    && (plainDelimiter || !(pos == fieldStart && (b == quote || (count == 0 && (b == lf || b == cr))))) {
                    append(fieldStart, pos)
                    fieldStart = pos &+ 1
                    continue
                }
                if b == quote {
                    // Inside an unquoted field a quote is literal.
                    guard pos == fieldStart else { continue }
                    // The closing quote: among the marks left in this block unless a line end
                    // comes first, else found by the search that counts lines.
                    var close = n
                    while true {
                        guard m != 0 else {
                            close = CSVParser.findQuote(base, from: min(at &+ 64, n), to: n, line: &line, crPending: &crPending)
                            break
                        }
                        let next = at &+ m.trailingZeroBitCount
                        m &= m &- 1
                        let c = base.load(fromByteOffset: next, as: UInt8.self)
                        if c == quote {
                            close = next
                            break
                        }
                        if c == lf || c == cr {
                            close = CSVParser.findQuote(base, from: next, to: n, line: &line, crPending: &crPending)
                            break
                        }
                    }
                    // (A quote stands in for "no byte": the chunk ends at or right after `close`.)
                    let after = close &+ 1 < n ? base.load(fromByteOffset: close &+ 1, as: UInt8.self) : quote
                    if after == delimiter && after != quote {
                        append(pos &+ 1, close)
                        fieldStart = close &+ 2
                    } else if after == lf || after == cr {
                        append(pos &+ 1, close)
                        fieldStart = try finishRecord(at: close &+ 1, after)
                    } else if after == quote && close &+ 1 < n {
                        // `""`: the field is unescaped into the byte buffer, as in the byte loop.
                        let chunk = UnsafeRawBufferPointer(start: base, count: n)
                        storage.viewCount = count
                        runStart = pos &+ 1
                        fieldInBuffer = false
                        var q = close  // p[q] and p[q + 1] are quotes
                        while true {
                            flush(chunk, upTo: q)
                            storage.appendByte(quote)
                            runStart = q &+ 2
                            q = CSVParser.findQuote(base, from: q &+ 2, to: n, line: &line, crPending: &crPending)
                            let next = q &+ 1 < n ? base.load(fromByteOffset: q &+ 1, as: UInt8.self) : quote
                            if next == quote && q &+ 1 < n { continue }
                            if next == delimiter && next != quote {
                                endField(chunk, at: q)
                                fieldStart = q &+ 2
                            } else if next == lf || next == cr {
                                endField(chunk, at: q)
                                count = storage.viewCount
                                fieldStart = try finishRecord(at: q &+ 1, next)
                            } else {
                                handOff(closingQuote: q)
                                return
                            }
                            break
                        }
                        count = storage.viewCount
                        views = storage.views
                        capacity = storage.viewCapacity
                    } else {
                        // Text after the closing quote, or the chunk ends.
                        storage.viewCount = count
                        runStart = pos &+ 1
                        fieldInBuffer = false
                        handOff(closingQuote: close)
                        return
                    }
                } else if b == lf || b == cr {
                    if pos == fieldStart && count == 0 {
                        // A blank line: counted, no record.
                        line += 1
                        fieldStart = CSVParser.afterLineEnd(base, pos, b, n, &crPending)
                        recordLine = line
                    } else {
                        append(fieldStart, pos)
                        fieldStart = try finishRecord(at: pos, b)
                    }
                } else {
                    // A control byte that is data.
                    continue
                }
                // Past a quoted field or a CRLF: drop the marks before `fieldStart`.
                let skip = fieldStart &- at
                if skip >= 64 {
                    at = fieldStart
                    continue blocks
                }
                m &= UInt64.max &<< UInt64(skip)
            }
            at &+= 64
        }

        // The chunk ends inside a record (or between records).
        storage.viewCount = count
        self.line = line
        i = n
        if fieldStart < n {
            state = .unquoted
            runStart = fieldStart
            fieldInBuffer = false
        } else {
            state = count == 0 ? .recordStart : .fieldStart
        }
    }

    /// Position after the line end `b` (LF or CR) at `pos`: one past it, or past a CRLF. A CR that
    /// ends the chunk sets `crPending`.
    @inline(__always)
    static func afterLineEnd(_ base: UnsafeRawPointer, _ pos: Int, _ b: UInt8, _ n: Int, _ crPending: inout Bool) -> Int {
        let next = pos + 1
        guard b == cr else { return next }
        if next == n {
            crPending = true
            return next
        }
        return base.load(fromByteOffset: next, as: UInt8.self) == lf ? next + 1 : next
    }

    /// Inside a quoted field: the position of the next quote in `base[i..<n]`, or `n`. Counts the
    /// line ends on the way (CR, LF and CRLF once each); a CR that ends the chunk sets `crPending`.
    @inline(__always)
    static func findQuote(_ base: UnsafeRawPointer, from start: Int, to n: Int, line: inout Int, crPending: inout Bool) -> Int {
        var i = start
        // 0x80 when the previous 8 bytes ended with a CR: an LF in byte 0 belongs to it.
        var crBefore: UInt64 = 0
        while n - i >= 8 {
            let w = SWAR.load(base + i)
            let quotes = SWAR.matches(w, SWAR.quotes)
            if quotes | SWAR.controls(w) == 0 {
                crBefore = 0
                i += 8
                continue
            }
            var crs = SWAR.matches(w, SWAR.crs)
            var lfs = SWAR.matches(w, SWAR.lfs)
            if quotes != 0 {
                let before = (quotes & (0 &- quotes)) &- 1  // the bytes before the first quote
                crs &= before
                lfs &= before
                line += SWAR.lineEnds(crs: crs, lfs: lfs, crBefore: crBefore)
                return i + quotes.trailingZeroBitCount >> 3
            }
            line += SWAR.lineEnds(crs: crs, lfs: lfs, crBefore: crBefore)
            crBefore = crs >> 56
            i += 8
        }
        if crBefore != 0 {
            // The last 8 bytes ended with a CR (already counted).
            if i == n {
                crPending = true
            } else if base.load(fromByteOffset: i, as: UInt8.self) == lf {
                i += 1
            }
        }
        while i < n {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == quote { return i }
            if b <= cr {
                if b == lf {
                    line += 1
                } else if b == cr {
                    line += 1
                    if i + 1 < n {
                        if base.load(fromByteOffset: i + 1, as: UInt8.self) == lf { i += 1 }
                    } else {
                        crPending = true
                    }
                }
            }
            i += 1
        }
        return n
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
        if storage.bufferFieldCount > 0 { storage.resolveBufferFields() }
        let fields = UnsafeBufferPointer(start: storage.views, count: storage.viewCount)
        try onRow(CSVRow(line: recordLine, count: fields.count, fieldStorage: fields))
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

/// Byte-parallel tests on 8 bytes in a `UInt64` (byte 0 = lowest address): each function sets the
/// high bit of every byte that matches, and nothing else, so the set bits can be walked in order.
enum SWAR {
    static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    static let high: UInt64 = 0x8080_8080_8080_8080
    static let quotes = broadcast(CSVParser.quote)
    static let crs = broadcast(CSVParser.cr)
    static let lfs = broadcast(CSVParser.lf)

    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }

    /// High bit set in each byte that differs from the pattern's (exact: no carries between bytes).
    @inline(__always)
    static func differs(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = w ^ pattern
        return ((x & low7) &+ low7) | x
    }

    @inline(__always)
    static func matches(_ w: UInt64, _ pattern: UInt64) -> UInt64 { ~differs(w, pattern) & high }

    /// Bit k set when byte `p[k]` (k < 64) is one the record loop has to look at: the delimiter,
    /// a quote or a control byte (below 0x0E: CR, LF and rarer ones, which it skips). The second
    /// mask has just the delimiters.
    @inline(__always)
    static func specials64(_ p: UnsafeRawPointer, delimiters: UInt64) -> (UInt64, UInt64) {
        #if canImport(CByteMarks) && arch(x86_64)
        var d: UInt64 = 0
        let m = ft_marks64(p, UInt8(truncatingIfNeeded: delimiters), &d)
        return (m, d)
        #else
        return specials64Words(p, delimiters: delimiters)
        #endif
    }

    /// `specials64` eight bytes at a time in plain Swift (any CPU; x86-64 uses SSE2 instead, ~4x fewer instructions).
    @inline(__always)
    static func specials64Words(_ p: UnsafeRawPointer, delimiters: UInt64) -> (UInt64, UInt64) {
        // Word k's high bits shifted to bit k of each byte, then one transpose for all 8 words
        // (cheaper than gathering each word's 8 bits on its own).
        var m: UInt64 = 0
        var d: UInt64 = 0
        for k in 0..<8 {
            let w = load(p + 8 &* k)
            let ds = matches(w, delimiters)
            m |= (others(w) | ds) &>> UInt64(7 &- k)
            d |= ds &>> UInt64(7 &- k)
        }
        return (transpose(m), transpose(d))
    }

    /// Transposes the 8×8 bit matrix whose row j is byte j (Hacker's Delight, 7-3): bit 8j + k
    /// moves to bit 8k + j.
    @inline(__always)
    static func transpose(_ x: UInt64) -> UInt64 {
        var x = x
        var t = (x ^ (x &>> 7)) & 0x00AA_00AA_00AA_00AA
        x = x ^ t ^ (t &<< 7)
        t = (x ^ (x &>> 14)) & 0x0000_CCCC_0000_CCCC
        x = x ^ t ^ (t &<< 14)
        t = (x ^ (x &>> 28)) & 0x0000_0000_F0F0_F0F0
        return x ^ t ^ (t &<< 28)
    }

    /// `specials64` for the last `count` (< 64) bytes of a chunk; never reads past them.
    static func specials(_ p: UnsafeRawPointer, count: Int, delimiters: UInt64) -> (UInt64, UInt64) {
        var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &block) { $0.baseAddress!.copyMemory(from: p, byteCount: count) }
        let (m, d) = withUnsafeBytes(of: &block) { specials64($0.baseAddress!, delimiters: delimiters) }
        let valid = (1 &<< UInt64(count)) &- 1
        return (m & valid, d & valid)
    }

    /// Quotes and control bytes (CR, LF and rarer ones, which the record loop skips).
    @inline(__always)
    static func others(_ w: UInt64) -> UInt64 {
        let low = w & low7
        let notQuote = (low ^ (quotes & low7)) &+ low7
        let notControl = low &+ 0x7272_7272_7272_7272
        return ~((notQuote & notControl) | w) & high
    }

    /// Bytes below 0x0E (CR, LF and other control bytes): a cheap first test for line ends.
    @inline(__always)
    static func controls(_ w: UInt64) -> UInt64 { ~(((w & low7) &+ 0x7272_7272_7272_7272) | w) & high }

    /// Line ends among marked CRs and LFs: every CR, and every LF not right after a CR (`crBefore`
    /// marks a CR just before byte 0).
    @inline(__always)
    static func lineEnds(crs: UInt64, lfs: UInt64, crBefore: UInt64) -> Int {
        let ends = crs | (lfs & ~((crs &<< 8) | crBefore))
        return ends == 0 ? 0 : ends.nonzeroBitCount
    }
}

/// The byte loop of `CSVParser`: what `scanRecords` hands back (text after a closing quote, a field cut by the chunk
/// end), and the record being built: its fields moved into the byte buffer, ended and emitted.
extension CSVParser {
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

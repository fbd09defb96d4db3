/// The hot loop of `CSVParser`: whole records at a time, and the quote search inside quoted fields.
extension CSVParser {
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
}

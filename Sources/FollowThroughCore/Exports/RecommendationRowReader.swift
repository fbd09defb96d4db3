import Foundation

/// Reads chosen rows of the recommendations export again, by line: the text of pending recommendations, which the
/// first read does not keep (`DatasetBuilder.keepsPendingInFull`), for the few a message lists.
///
/// Only the wanted rows are parsed. The first read found each of them starting a record on its physical line, so the
/// reader counts line ends (LF, CRLF, lone CR, quoted or not, as the parser numbers lines) to get there and starts a
/// parser at that line. Should the file have changed since, the row found there is another one, or none, and
/// `Plan.fill(_:)` reports it.
public struct RecommendationRowReader {
    private let file: String
    private let options: ExportOptions
    private let columns: [Int]
    private let decoder: RecordDecoder
    /// The wanted lines, ascending, and the index of the next one to reach.
    private let wanted: [Int]
    private var next = 0
    /// The physical line the next chunk starts in, and whether the last chunk ended with a CR.
    private var line = 1
    private var afterCR = false
    /// Parsers of wanted records that started in an earlier chunk and have not ended yet.
    private var open: [ExportReader] = []
    /// A parser that gave its row, to start the next wanted record with.
    private var spare: ExportReader?
    /// The rows found so far, by line. A row that no longer decodes is left out (`Plan.fill(_:)` reports it).
    public private(set) var rows: [Int: Recommendation] = [:]

    /// `columns`: the file's column positions, from its header (`ExportReader.columns`). `from`: where the first byte
    /// fed is (the file's start, or a position noted by the first read, `ExportIngestor.position(at:)`); only wanted
    /// lines after its line are read (the header, line 1, never is).
    public init(file: String, options: ExportOptions, timeZone: TimeZone, columns: [Int], lines: some Sequence<Int>,
                from start: LinePosition = .start) {
        self.file = file; self.options = options; self.columns = columns
        decoder = RecordDecoder(kind: .recommendations, options: options, dates: DateParser(timeZone: timeZone, pattern: options.datePattern))
        wanted = Set(lines).filter { $0 > start.line }.sorted()
        line = start.line
        afterCR = start.afterCR
        rows.reserveCapacity(wanted.count)
    }

    /// True once every wanted row has been parsed: the rest of the file need not be read.
    public var isDone: Bool { next == wanted.count && open.isEmpty }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        // Records begun in an earlier chunk go on in this one.
        var stillOpen: [ExportReader] = []
        let n = chunk.count
        let noCR = memchr(base, Int32(CSVParser.cr), n) == nil
        for var reader in open {
            if try !parse(&reader, chunk, noCR: noCR) { stillOpen.append(reader) }
        }
        open = stillOpen
        var i = 0
        if afterCR {
            afterCR = false
            if base.load(as: UInt8.self) == CSVParser.lf { i = 1 }  // the LF of a CRLF split by the chunk end
        }
        while next < wanted.count {
            // Skip to the start of the next wanted line (wanted lines ascend, so `line` reaches each exactly; a file
            // shorter than the first read saw ends first, and `Plan.fill(_:)` reports the rows as missing).
            while line < wanted[next] {
                guard i < n else { return }
                guard let end = noCR ? Self.lf(base, from: i, to: n) : Self.lineEnd(base, from: i, to: n, afterCR: &afterCR) else { return }
                line += 1
                i = end
            }
            guard i < n else { return }  // the wanted line starts with the next chunk
            var reader = spare.take() ?? ExportReader(kind: .recommendations, file: file, options: options, columns: columns, resumingAtLine: line)
            reader.restart(atLine: line)
            if try parse(&reader, UnsafeRawBufferPointer(rebasing: chunk[i...]), noCR: noCR) { spare = reader } else { open.append(reader) }
            next += 1
        }
    }

    /// Ends the file: a wanted record that ends without a line end is complete now.
    public mutating func finish() throws {
        for var reader in open {
            try reader.finish { take($0) }
        }
        open = []
        next = wanted.count
    }

    /// Feeds a wanted record's parser a line at a time until it gives its row (a record ends at a line end, and a
    /// line's bytes are all there is to parse then); true once it has. False: `bytes` ended first. `noCR`: `bytes`
    /// holds no CR (lines then end at each LF; otherwise at each CR too, a CRLF's LF fed with the next line, where
    /// the parser knows it for the end of the line before).
    private mutating func parse(_ reader: inout ExportReader, _ bytes: UnsafeRawBufferPointer, noCR: Bool) throws -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var got = false
        var start = 0
        while start < bytes.count {
            var end = Self.lf(base, from: start, to: bytes.count) ?? bytes.count
            if !noCR, let cr = memchr(base + start, Int32(CSVParser.cr), end - start) {
                end = UnsafeRawPointer(cr) - base + 1
            }
            try reader.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) { row in
                if !got { take(row); got = true }
            }
            if got { return true }
            start = end
        }
        return false
    }

    private mutating func take(_ row: ExportRow) {
        if let r = try? decoder.recommendation(row) { rows[row.line] = r }
    }

    /// The offset after the next LF at or after `from`; nil when there is none before `to`.
    @inline(__always)
    private static func lf(_ base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        guard let found = memchr(base + from, Int32(CSVParser.lf), to - from) else { return nil }
        return UnsafeRawPointer(found) - base + 1
    }

    /// The offset after the next line end (LF, CRLF or a lone CR) at or after `from`; nil when there is none before
    /// `to`. A CR as the last byte ends a line; `afterCR` then tells the next chunk to skip a leading LF.
    private static func lineEnd(_ base: UnsafeRawPointer, from: Int, to: Int, afterCR: inout Bool) -> Int? {
        var i = from
        while i < to {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == CSVParser.lf { return i + 1 }
            if b == CSVParser.cr {
                if i + 1 == to { afterCR = true; return to }
                return base.load(fromByteOffset: i + 1, as: UInt8.self) == CSVParser.lf ? i + 2 : i + 1
            }
            i += 1
        }
        return nil
    }
}

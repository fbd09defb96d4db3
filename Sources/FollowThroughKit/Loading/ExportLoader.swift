import CSystem
import FollowThroughCore
import Foundation

/// Reads the three export files from disk in fixed-size chunks into a dataset: people, then recommendations (so that
/// only the work orders they need are remembered), then work orders; a large file is read in two parts on two threads.
public enum ExportLoader {
    static let chunkSize = 1 << 20
    /// Files smaller than this are read on one thread (a second one would cost more than it saves).
    public static let minimumSplitSize = 4 << 20

    /// `previous`: the statuses the last run recorded (`.none` on a first run), laid under tonight's once the files are
    /// read, the rows of recommendations that moved since then read again; nil keeps every recommendation in full.
    /// `visitWindow`: when set, only the scheduled visits in it are kept (see `DatasetBuilder.visitWindow`);
    /// `ageLimit`: when set, open recommendations too old to list are kept as counts (see `DatasetBuilder.ageLimit`).
    public static func load(_ config: Config, previous: PreviousStatuses? = nil, visitWindow: VisitWindow? = nil,
                            ageLimit: AgeLimit? = nil, splitAbove: Int = minimumSplitSize) throws(ExportError) -> Loaded {
        var names: [ExportKind: String] = [:]
        for (kind, source) in config.exports { names[kind] = source.displayName }
        // Header problems first, in file order, before any long read.
        // (And the shape of the ids, when numbered: the tables of ids then keep them in half the room.)
        var columns: [ExportKind: [Int]] = [:], shapes: [ExportKind: NumberedIDs] = [:]
        for kind in [ExportKind.people, .workOrders, .recommendations] {
            let header = try headerAndFirstRow(kind, config)
            columns[kind] = header.columns
            if kind != .people { shapes[kind] = idShape(config.exports[kind]!, header) }
        }
        var builder = DatasetBuilder(files: names)
        builder.previous = previous
        builder.visitWindow = visitWindow
        builder.ageLimit = ageLimit
        builder.keepsPendingInFull = false  // their text is read again for the few listed: `recommendations(_:lines:)`
        // The line ends before the work orders' later part are counted from now on, on a thread that runs only when a
        // core is left idle (while the parts of the recommendations are merged, or one part waits for the other).
        // (No header: the file is read in one piece, and reports why.)
        let workOrderSplit = (columns[.workOrders] ?? nil) == nil ? nil
            : splitPoint(config.exports[.workOrders]!, above: splitAbove, share: firstPartShare)
        let workOrderLinesBefore = workOrderSplit.map { split in
            let source = config.exports[.workOrders]!
            return Parallel { () throws(ExportError) -> Int in
                ft_run_this_thread_when_idle()
                return try lineEnds(source, to: split.offset, expecting: split.version)
            }
        }
        try ingest(.people, config, into: &builder)
        // Room for tonight's rows: about as many as last run recorded, when it did (a few more: the file grows).
        let recorded = previous?.count ?? 0
        builder.reserve(recommendations: recorded > 0 ? recorded + recorded / 64 : estimatedRows(config.exports[.recommendations]!),
                        numbered: shapes[.recommendations])
        let source = config.exports[.recommendations]!
        let recommendationMarks = try ingestInParts(.recommendations, config, columns: columns[.recommendations] ?? nil,
                          split: splitPoint(source, above: splitAbove, share: firstPartShare),
                          linesBefore: { split throws(ExportError) in try lineEnds(source, to: split.offset, expecting: split.version) },
                          into: &builder)
        builder.recordOnlyNeededTechnicians(numbered: shapes[.workOrders])
        _ = try ingestInParts(.workOrders, config, columns: columns[.workOrders] ?? nil, split: workOrderSplit,
                          linesBefore: { _ throws(ExportError) in try workOrderLinesBefore!.value() }, into: &builder)
        // Last run's statuses under tonight's; the recommendations whose status moved since, read again in full.
        do { try builder.mergePrevious() } catch let error as StateError {
            throw ExportError(file: error.file, line: nil, message: error.message, hint: error.hint)
        } catch let error as DatasetBuilder.PreviousStatusRepeated {
            throw ExportError(file: config.statePath, line: nil, message: error.description, hint: StatusLedger.damaged.hint)
        } catch {
            throw ExportError(file: config.statePath, line: nil, message: "cannot read the recorded recommendation statuses (\(error))",
                              hint: "run again; if it persists, restore the state file from a backup")
        }
        let moved = builder.movedLines()
        if !moved.isEmpty {
            let rows = try recommendations(config, lines: moved, marks: recommendationMarks)
            do { try builder.addMoved(rows) } catch {
                throw ExportError(file: config.exports[.recommendations]!.displayName, line: error.line, message: error.message,
                                  hint: "the export changed while the run read it; run again once it is written in full; nothing was sent")
            }
        }
        let built = builder.build()
        return Loaded(dataset: built.dataset, report: built.report, recommendationMarks: recommendationMarks)
    }

    /// What `load` read: the dataset, its quality, and, when the recommendations were read in two parts, where their
    /// lines are (their rows are read again from close by, on two threads: `recommendations(_:lines:marks:)`).
    public struct Loaded: Sendable {
        public var dataset: Dataset
        public var report: DataQualityReport
        public var recommendationMarks: LineMarks?
    }

    static func ingest(_ kind: ExportKind, _ config: Config, into builder: inout DatasetBuilder) throws(ExportError) {
        var ingestor = ingestor(kind, config)
        try feed(&ingestor, config.exports[kind]!, into: &builder)
        try finish(&ingestor, config.exports[kind]!, into: &builder)
    }

    static func ingestor(_ kind: ExportKind, _ config: Config) -> ExportIngestor {
        let source = config.exports[kind]!
        return ExportIngestor(kind: kind, file: source.displayName, options: source.options, timeZone: config.timeZone)
    }

    /// Feeds the file's bytes `from..<to` to `ingestor`; returns where each chunk read ends (`LineMarks`).
    @discardableResult
    static func feed(_ ingestor: inout ExportIngestor, _ source: ExportSource, from: Int = 0, to: Int? = nil,
                     expecting version: FileVersion? = nil, into builder: inout DatasetBuilder) throws(ExportError) -> [LinePosition] {
        var offset = from, marks: [LinePosition] = [], givenUp = false
        try stream(source, from: from, to: to, expecting: version, until: { givenUp }) { chunk throws in
            try ingestor.feed(chunk, into: &builder)
            offset += chunk.count
            marks.append(ingestor.position(at: offset))
            givenUp = builder.isGivenUp
        }
        return marks
    }

    static func finish(_ ingestor: inout ExportIngestor, _ source: ExportSource, into builder: inout DatasetBuilder) throws(ExportError) {
        do { try ingestor.finish(into: &builder) } catch { throw asExportError(error, source) }
    }

    /// The file's column positions, from its header; nil when it has no complete header row (reading it whole then
    /// reports why).
    static func header(_ kind: ExportKind, _ config: Config) throws(ExportError) -> [Int]? {
        try headerAndFirstRow(kind, config).columns
    }

    /// `header`, and the id and field count of the first row when the chunk read for the header holds it too.
    static func headerAndFirstRow(_ kind: ExportKind, _ config: Config) throws(ExportError) -> Header {
        let source = config.exports[kind]!
        var reader = ExportReader(kind: kind, file: source.displayName, options: source.options)
        var first: (id: String, fields: Int)?
        struct HeaderRead: Error {}
        try stream(source, until: { reader.columns != nil }) { chunk throws in
            do { try reader.feed(chunk) { row in first = (row.id, row.fieldCount); throw HeaderRead() } } catch is HeaderRead {}
        }
        return Header(columns: reader.columns, firstID: first?.id, fields: first?.fields)
    }

    /// Reads a large file as two parts on two threads, split at `split` (see `splitPoint`; nil reads it in one piece), each
    /// into its own builder, then merged; `linesBefore` gives the number of line ends before the split (`lineEnds`), on the
    /// later part's thread. If the split fell inside a quoted field (the first part does not end at a record's end), or the
    /// parts cannot be joined exactly (`DatasetBuilder.canMerge(later:)`), the second part's work is dropped and the file
    /// read on from there in one piece. Returns where its lines are, a mark per chunk read (nil: read in one piece).
    static func ingestInParts(_ kind: ExportKind, _ config: Config, columns: [Int]?, split measured: Split?,
                              linesBefore: @escaping @Sendable (Split) throws(ExportError) -> Int,
                              into builder: inout DatasetBuilder) throws(ExportError) -> LineMarks? {
        let source = config.exports[kind]!
        guard let columns, let measured else {
            try ingest(kind, config, into: &builder)
            return nil
        }
        let (split, version) = (measured.offset, measured.version)
        var laterBuilder = builder.builderForLaterPart()
        if kind == .recommendations {  // one table of ids for both, sized for the whole file (not a second one beside it)
            builder.shareRecommendationIDs(with: &laterBuilder)
        }
        // Handed over, not captured: a captured copy would keep its tables alive beside the part's own (copy-on-write).
        let handoff = Handoff(consume laterBuilder)
        let later = Parallel(stackSize: 1 << 20) { () throws(ExportError) -> (part: DatasetBuilder, marks: [LinePosition]) in
            // Taken first: should counting the lines before fail, the part is let go here, not held by the handoff
            // while the first part reads on (it shares tables the first part then rewrites).
            var part = handoff.take()
            let line = 1 + (try linesBefore(measured))
            var ingestor = ExportIngestor(kind: kind, file: source.displayName, options: source.options, timeZone: config.timeZone,
                                          columns: columns, resumingAtLine: line)
            let marks = try feed(&ingestor, source, from: split, expecting: version, into: &part)
            // Given up (out of room in the ids' table), it stopped early: the first part reads on from the split.
            if !part.isGivenUp { try finish(&ingestor, source, into: &part) }
            return (part, [LinePosition(offset: split, line: line, afterCR: false)] + marks)
        }
        var ingestor = ingestor(kind, config)
        let firstError: ExportError?
        var marks = LineMarks(version: version, positions: [.start])
        do {
            marks.positions += try feed(&ingestor, source, to: split, expecting: version, into: &builder)
            firstError = nil
        } catch { firstError = error }
        // Waits for it either way. (Taken out below, so that the part is held once and what the merge takes from
        // it is freed.)
        var laterPart = Optional(Result { () throws(ExportError) in try later.value() })
        if let firstError { throw firstError }
        if ingestor.isAtRecordBoundary {
            var read = try laterPart.take()!.get()
            if builder.canMerge(later: read.part) {
                builder.merge(later: &read.part)
                marks.positions += read.marks
                return marks
            }
        }
        // The split's line end was inside a quoted field (or the parts cannot be joined exactly, or gave up sharing
        // their table of ids): read on from there on this thread, the later part let go.
        laterPart = nil
        builder.dropLaterPart()
        marks.positions += try feed(&ingestor, source, from: split, expecting: version, into: &builder)
        try finish(&ingestor, source, into: &builder)
        return marks
    }

    /// The physical line ends in the file's first `offset` bytes, as the CSV parser counts them.
    static func lineEnds(_ source: ExportSource, to offset: Int, expecting version: FileVersion? = nil) throws(ExportError) -> Int {
        var counted = (count: 0, endsWithCR: false)
        try stream(source, to: offset, expecting: version) { chunk in
            let part = CSVParser.lineEnds(in: chunk, afterCR: counted.endsWithCR)
            counted = (counted.count + part.count, part.endsWithCR)
        }
        return counted.count
    }

    /// Where the first part of a file read in two ends, as a share of it: a little past the middle, as the later part's
    /// thread first counts (recommendations) or waits for (work orders) the line ends before it, and the work orders'
    /// latest rows (the visits to come) cost more to take in. At 1M work orders the two parts finish within ~20 ms.
    static let firstPartShare = 0.52

    /// The offset just after the first LF at or after `share` of a file larger than `above`, and its version; nil
    /// for smaller files, or when no LF follows that point closely (one long record, or lone-CR line ends).
    static func splitPoint(_ source: ExportSource, above: Int, share: Double) -> Split? {
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let version = FileVersion(fd: fd), Int(version.size) > above else { return nil }
        let size = Int(version.size), middle = Int(Double(size) * share)
        var window = [UInt8](repeating: 0, count: 1 << 16)
        let n = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(middle)) }
        guard n > 0, let lf = window[0..<n].firstIndex(of: 0x0A), middle + lf + 1 < size else { return nil }
        return Split(offset: middle + lf + 1, version: version)
    }

    /// Where a file read in two parts is split, and the version of the file that was measured (each part and the
    /// count of line ends before the split check that they read that one).
    struct Split: Sendable {
        let offset: Int
        let version: FileVersion
    }

    /// Rows the file probably holds: its size over the mean line length in 64 KB read at its start, middle and end
    /// (exports grow by appending, and later rows often have longer ids), times the rows a line at its start (quoted
    /// line ends in descriptions: ~6% of the lines at 5M work orders, and on a first night the table of every
    /// recommendation is sized from this), and a little more; 0 when unreadable.
    static func estimatedRows(_ source: ExportSource) -> Int {
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return 0 }
        let size = Int(info.st_size), sample = min(size, 1 << 16)
        var bytes = [UInt8](repeating: 0, count: sample)
        var (spanned, lines, rowsPerLine) = (0, 0, 1.0)
        for offset in Set([0, (size - sample) / 2, size - sample]) {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, sample, off_t(offset)) }
            guard n > 0, let first = bytes[0..<n].firstIndex(of: 0x0A), let last = bytes[0..<n].lastIndex(of: 0x0A) else { continue }
            // From the file's start, or from a line end, to the last line end in the sample.
            let from = offset == 0 ? 0 : first + 1
            guard from <= last else { continue }
            let sampled = bytes[from...last].lazy.filter { $0 == 0x0A }.count
            (spanned, lines) = (spanned + last + 1 - from, lines + sampled)
            let counted = offset == 0 ? rowEnds(bytes[0...last], delimiter: source.options.delimiter) : (rows: 0, lines: 0)
            if counted.rows > 0 {  // (kept between 0.2 and 1: an odd sample moves it less)
                rowsPerLine = min(1, max(0.2, Double(counted.rows) / Double(counted.lines)))
            }
        }
        guard lines > 0 else { return 1 }
        let rows = Int(Double(size) * Double(lines) / Double(max(1, spanned)) * rowsPerLine)
        return rows + rows / 64 + 1
    }

    /// In `bytes`, read from a row's start as the parser reads them (a BOM skipped; a quote opens a quoted field only
    /// at a field's start, elsewhere it is a character; in one, two quotes are one): the row ends (line ends outside
    /// quoted fields), and the line ends up to the last of them.
    static func rowEnds(_ bytes: ArraySlice<UInt8>, delimiter: UInt8) -> (rows: Int, lines: Int) {
        var (quoted, afterQuote, fieldStart, rows, lines, linesAtRowEnd) = (false, false, true, 0, 0, 0)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.startIndex + 3 : bytes.startIndex
        for byte in bytes[start...] {
            if byte == 0x0A { lines += 1 }
            if quoted {
                if byte == 0x22 { (quoted, afterQuote) = (false, true) }  // its end, or the first of two
                continue
            }
            if afterQuote, byte == 0x22 { (quoted, afterQuote) = (true, false); continue }
            afterQuote = false
            if byte == 0x22, fieldStart { (quoted, fieldStart) = (true, false); continue }
            if byte == 0x0A { (rows, linesAtRowEnd) = (rows + 1, lines) }
            fieldStart = byte == delimiter || byte == 0x0A || byte == 0x0D
        }
        return (rows, linesAtRowEnd)
    }

    /// Calls `body` with successive chunks of the file's bytes `from..<to` (to its end when `to` is nil).
    /// Stops early once `until` is true after a chunk.
    /// `expecting`: the version of the file this read must be (see `FileVersion`).
    static func stream(_ source: ExportSource, from: Int = 0, to: Int? = nil, expecting version: FileVersion? = nil,
                       until done: () -> Bool = { false },
                       _ body: (UnsafeRawBufferPointer) throws -> Void) throws(ExportError) {
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ExportError(file: source.displayName, line: nil, message: "cannot open the export (\(reason))",
                              hint: "check that the field-service export ran and that path in the config points at it (\(source.path))")
        }
        defer { close(fd) }
        if let version, FileVersion(fd: fd) != version {
            throw ExportError(file: source.displayName, line: nil, message: "the export changed while the run read it",
                              hint: "have the field-service system write it whole, then rename it into place; run again (nothing was sent)")
        }
        if from > 0 { lseek(fd, off_t(from), SEEK_SET) }
        var left = to.map { $0 - from } ?? Int.max
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while left > 0 {
            let n = read(fd, buffer.baseAddress, min(chunkSize, left))
            if n < 0 {
                if errno == EINTR { continue }
                throw ExportError(file: source.displayName, line: nil, message: "read failed (\(String(cString: strerror(errno))))", hint: "")
            }
            if n == 0 { return }
            left -= n
            do { try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) } catch { throw asExportError(error, source) }
            if done() { return }
        }
    }

    static func asExportError(_ error: any Error, _ source: ExportSource) -> ExportError {
        (error as? ExportError) ?? ExportError(file: source.displayName, line: nil, message: "\(error)", hint: "")
    }
}

import Foundation

/// Reads chosen rows of the recommendations export again, by line: the text of pending recommendations, which the
/// first read does not keep (`DatasetBuilder.keepsPendingInFull`), for the few a message lists.
public struct RecommendationRowReader {
    private var reader: ExportReader
    private let decoder: RecordDecoder
    private let wanted: Set<Int>
    /// The rows found so far, by line. A row that no longer decodes is left out (`Plan.filling(rows:)` reports it).
    public private(set) var rows: [Int: Recommendation] = [:]

    public init(file: String, options: ExportOptions, timeZone: TimeZone, lines: some Sequence<Int>) {
        reader = ExportReader(kind: .recommendations, file: file, options: options)
        decoder = RecordDecoder(kind: .recommendations, options: options, dates: DateParser(timeZone: timeZone, pattern: options.datePattern))
        wanted = Set(lines)
    }

    /// True once every wanted row is found: the rest of the file need not be read.
    public var isDone: Bool { rows.count == wanted.count }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        try take { reader, onRow in try reader.feed(chunk, onRow: onRow) }
    }

    public mutating func finish() throws {
        try take { reader, onRow in try reader.finish(onRow: onRow) }
    }

    private mutating func take(_ read: (inout ExportReader, (ExportRow) throws -> Void) throws -> Void) throws {
        let (decoder, wanted) = (self.decoder, self.wanted)
        var rows = self.rows
        defer { self.rows = rows }
        try read(&reader) { row in
            guard wanted.contains(row.line), let r = try? decoder.recommendation(row) else { return }
            rows[row.line] = r
        }
    }
}

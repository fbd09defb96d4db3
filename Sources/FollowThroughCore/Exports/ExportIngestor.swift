import Foundation

/// Reads one export file chunk by chunk into a `DatasetBuilder`: CSV → rows → records or rejections.
public struct ExportIngestor {
    private var reader: ExportReader
    private let decoder: RecordDecoder

    public init(kind: ExportKind, file: String, options: ExportOptions, timeZone: TimeZone) {
        self.init(ExportReader(kind: kind, file: file, options: options), timeZone: timeZone)
    }

    /// An ingestor for the part of the file that starts at a record on physical line `line` (see `ExportReader`).
    public init(kind: ExportKind, file: String, options: ExportOptions, timeZone: TimeZone, columns: [Int], resumingAtLine line: Int) {
        self.init(ExportReader(kind: kind, file: file, options: options, columns: columns, resumingAtLine: line), timeZone: timeZone)
    }

    private init(_ reader: ExportReader, timeZone: TimeZone) {
        self.reader = reader
        decoder = RecordDecoder(kind: reader.kind, options: reader.options,
                                dates: DateParser(timeZone: timeZone, pattern: reader.options.datePattern))
    }
    public var isAtRecordBoundary: Bool { reader.isAtRecordBoundary }
    /// Where the input fed so far ends, `offset` being its offset in the file.
    public func position(at offset: Int) -> LinePosition { reader.position(at: offset) }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into builder: inout DatasetBuilder) throws {
        // Held by `self` throughout: reached unretained, a row does not retain and release it (~1% of reading).
        let decoder = Unmanaged.passUnretained(self.decoder)
        try reader.feed(chunk) { row in decoder._withUnsafeGuaranteedRef { Self.take(row, $0, &builder) } }
    }

    public mutating func finish(into builder: inout DatasetBuilder) throws {
        let decoder = self.decoder
        try reader.finish { row in Self.take(row, decoder, &builder) }
    }

    /// Convenience for whole files held in memory.
    public static func ingest(_ bytes: [UInt8], kind: ExportKind, file: String, options: ExportOptions = ExportOptions(),
                              timeZone: TimeZone, into builder: inout DatasetBuilder) throws {
        var ingestor = ExportIngestor(kind: kind, file: file, options: options, timeZone: timeZone)
        try bytes.withUnsafeBytes { try ingestor.feed($0, into: &builder) }
        try ingestor.finish(into: &builder)
    }

    private static func take(_ row: ExportRow, _ decoder: RecordDecoder, _ builder: inout DatasetBuilder) {
        builder.countRow(decoder.kind)
        do {
            switch decoder.kind {
            case .workOrders: try decoder.ingestWorkOrder(row, into: &builder)
            case .recommendations: try decoder.ingestRecommendation(row, into: &builder)
            case .people: builder.add(try decoder.person(row))
            }
        } catch {
            builder.reject(decoder.kind, line: row.line, error.message)
        }
    }
}

/// A field of a parsed CSV row: its unescaped bytes, valid only inside the row callback.
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
        index < count ? CSVField(bytes: fieldStorage[index]) : CSVField(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
    }
}

/// A CSV syntax error that makes the rest of a file unreadable (an unterminated quoted field).
public struct CSVSyntaxError: Error, Equatable, Sendable {
    public let line: Int
    public let message: String
}

/// Streaming RFC 4180 parser: feed chunks of bytes, receive rows. Strips a UTF-8 BOM; LF or CRLF.
public struct CSVParser {
    public let delimiter: UInt8
    public init(delimiter: UInt8 = UInt8(ascii: ",")) { self.delimiter = delimiter }
    /// Parses `chunk`, calling `onRow` for every record completed in it.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (CSVRow) throws -> Void) throws {
        fatalError("CSVParser.feed: not implemented yet")
    }
    /// Ends the input: emits a final record without a trailing newline; throws on an open quote.
    public mutating func finish(onRow: (CSVRow) throws -> Void) throws {
        fatalError("CSVParser.finish: not implemented yet")
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

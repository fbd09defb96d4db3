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

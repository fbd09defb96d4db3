/// The values of one data row, looked up by canonical column; valid only inside the row callback.
public struct ExportRow {
    let row: CSVRow
    let positions: [Int]
    public var line: Int { row.line }

    /// Raw bytes of a canonical column (by its index in `ExportKind.columns`), spaces trimmed.
    @inline(__always)
    public func bytes(_ column: Int) -> UnsafeRawBufferPointer {
        let p = positions[column]
        guard p >= 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        var b = row[p].bytes
        trimSpaces(&b)
        return b
    }

    /// Text of a canonical column, spaces trimmed; "" when the column is absent or the row short.
    public func text(_ column: Int) -> String {
        let b = bytes(column)
        return b.isEmpty ? "" : String(decoding: b, as: UTF8.self)
    }

    public func isEmpty(_ column: Int) -> Bool { bytes(column).isEmpty }

    /// The row's id: every export's first canonical column (`ExportKind.columns`).
    public var id: String { text(0) }

    /// Fields in the row as the file has them.
    public var fieldCount: Int { row.count }
}

/// Streams one export file: finds the columns in its header, then hands each data row on.
public struct ExportReader {
    public let kind: ExportKind
    public let file: String
    public let options: ExportOptions
    private var parser: CSVParser
    private var positions: [Int]? = nil

    public init(kind: ExportKind, file: String, options: ExportOptions) {
        self.kind = kind; self.file = file; self.options = options
        self.parser = CSVParser(delimiter: options.delimiter)
    }

    /// A reader for the part of the file that starts at a record on physical line `line`, the header already read
    /// (`columns`: another reader's `columns`).
    public init(kind: ExportKind, file: String, options: ExportOptions, columns: [Int], resumingAtLine line: Int) {
        self.kind = kind; self.file = file; self.options = options
        self.parser = CSVParser(delimiter: options.delimiter, resumingAtLine: line)
        self.positions = columns
    }

    /// Where each canonical column is in the file (-1: absent), once the header has been read.
    public var columns: [Int]? { positions }

    /// True when everything fed so far ended exactly at the end of a record.
    public var isAtRecordBoundary: Bool { parser.isAtRecordBoundary }

    /// Where the input fed so far ends, `offset` being its offset in the file.
    public func position(at offset: Int) -> LinePosition { parser.position(at: offset) }

    /// Parses a chunk of the file, calling `onRow` for each complete data row.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (ExportRow) throws -> Void) throws {
        do {
            if let positions {  // the header read: no check of it for each row, and no copy of the layout per call
                try parser.feed(chunk) { row in try onRow(ExportRow(row: row, positions: positions)) }
                return
            }
            var positions = self.positions
            defer { self.positions = positions }
            let layout = (kind, file, options)
            try parser.feed(chunk) { row in try Self.handle(row, layout, &positions, onRow) }
        } catch let error as CSVSyntaxError {
            throw syntaxError(error)
        }
    }

    /// Starts again at the start of a record on physical line `line` (see `CSVParser.restart(atLine:)`).
    public mutating func restart(atLine line: Int) { parser.restart(atLine: line) }

    /// Ends the file; throws when it had no header at all or ended inside a quoted field.
    public mutating func finish(onRow: (ExportRow) throws -> Void) throws {
        var positions = self.positions
        defer { self.positions = positions }
        let layout = (kind, file, options)
        do {
            try parser.finish { row in try Self.handle(row, layout, &positions, onRow) }
        } catch let error as CSVSyntaxError {
            throw syntaxError(error)
        }
        if positions == nil {
            throw ExportError(file: file, line: nil, message: "the file is empty (no header row)",
                              hint: "check that the export ran; its first line must name the columns")
        }
    }

    private static func handle(_ row: CSVRow, _ layout: (ExportKind, String, ExportOptions), _ positions: inout [Int]?,
                               _ onRow: (ExportRow) throws -> Void) throws {
        if let positions {
            try onRow(ExportRow(row: row, positions: positions))
        } else {
            positions = try locateColumns(row, kind: layout.0, file: layout.1, options: layout.2)
        }
    }

    private static func locateColumns(_ header: CSVRow, kind: ExportKind, file: String, options: ExportOptions) throws -> [Int] {
        var names: [String] = []
        for i in 0..<header.count { names.append(header[i].string.trimmingSpaces.lowercased()) }
        var positions: [Int] = []
        var missing: [String] = []
        for column in kind.columns {
            let wanted = options.header(for: column).trimmingSpaces.lowercased()
            let position = names.firstIndex(of: wanted) ?? -1
            if position < 0, kind.requiredColumns.contains(column) { missing.append(options.header(for: column)) }
            positions.append(position)
        }
        if let first = missing.first {
            let shown = names.prefix(12).joined(separator: ", ")
            let canonical = kind.columns.first { options.header(for: $0) == first } ?? first
            throw ExportError(
                file: file, line: header.line,
                message: "missing required column '\(first)'" + (missing.count > 1 ? " (and \(missing.dropFirst().map { "'\($0)'" }.joined(separator: ", ")))" : ""),
                hint: "the header has: \(shown); rename the column in the export, or map it in the config: [exports.\(kind.rawValue).columns] \(canonical) = \"Header In File\"")
        }
        return positions
    }

    private func syntaxError(_ error: CSVSyntaxError) -> ExportError {
        ExportError(file: file, line: error.line, message: error.message,
                    hint: "a quoted field was never closed; check that quotes inside fields are doubled (\"\")")
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\u{FEFF}" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}

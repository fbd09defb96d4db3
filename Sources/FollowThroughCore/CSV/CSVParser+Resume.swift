import CByteMarks
import Foundation

/// Reading a file in parts: a parser can start where a record starts in the middle of the input.
extension CSVParser {
    /// A parser for input that begins at the start of a record on physical line `line` (no BOM there to strip).
    public init(delimiter: UInt8, resumingAtLine line: Int) {
        self.init(delimiter: delimiter)
        self.line = line
        self.recordLine = line
        bomDone = true
    }

    /// Starts again at the start of a record on physical line `line`, as a parser made by `init(delimiter:resumingAtLine:)`,
    /// keeping the room it has; a record in progress is dropped.
    public mutating func restart(atLine line: Int) {
        state = .recordStart
        self.line = line
        recordLine = line
        crPending = false
        bomDone = true
        runStart = 0
        storage.reset()
        viewsConverted = 0
        fieldInBuffer = false
    }

    /// True when everything fed so far ended exactly at the end of a record (no field, quote or CR pending).
    public var isAtRecordBoundary: Bool { state == .recordStart && !crPending }

    /// The physical line the input fed so far ends in, and whether it ended with a CR (see `LinePosition`).
    public func position(at offset: Int) -> LinePosition { LinePosition(offset: offset, line: line, afterCR: crPending) }

    /// The physical line ends in `bytes` as this parser counts them (LF, CRLF and a lone CR, quoted or not), given
    /// whether the byte before `bytes` was a CR (then a leading LF completes it). Returns the count and whether `bytes`
    /// ends with a CR.
    public static func lineEnds(in bytes: UnsafeRawBufferPointer, afterCR: Bool) -> (count: Int, endsWithCR: Bool) {
        var count = 0
        if !afterCR, let base = bytes.baseAddress {
            // No CR at all (the usual case): every LF is one line end, counted in one pass.
            var crs = 0
            let lfs = ft_count_lf_cr(base.assumingMemoryBound(to: UInt8.self), bytes.count, &crs)
            if crs == 0 { return (lfs, false) }
        }
        var previousCR = afterCR
        for b in bytes {
            if b == lf {
                if !previousCR { count += 1 }
                previousCR = false
            } else if b == cr {
                count += 1
                previousCR = true
            } else {
                previousCR = false
            }
        }
        return (count, previousCR)
    }
}

/// A place in a file as the CSV parser numbers lines: a byte offset, the physical line the byte there is in (counting
/// LF, CRLF and lone CR, quoted or not), and whether the byte before it was a CR (a LF there completes that line end).
/// Noted as a file is read, so that chosen lines can be read again from close by (`RecommendationRowReader`).
public struct LinePosition: Equatable, Sendable {
    public var offset: Int
    public var line: Int
    public var afterCR: Bool
    public init(offset: Int, line: Int, afterCR: Bool) { self.offset = offset; self.line = line; self.afterCR = afterCR }
    /// The file's first byte.
    public static let start = LinePosition(offset: 0, line: 1, afterCR: false)
}

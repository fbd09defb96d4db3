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

    /// True when everything fed so far ended exactly at the end of a record (no field, quote or CR pending).
    public var isAtRecordBoundary: Bool { state == .recordStart && !crPending }

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

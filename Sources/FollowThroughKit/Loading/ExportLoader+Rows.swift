import FollowThroughCore
import Foundation

/// Where the lines of a file read in parts are: a position at its start, at the end of each chunk read and where its
/// later part started, ascending (a few hundred at most: one per MB), and the version of the file they were noted in.
public struct LineMarks: Sendable {
    let version: FileVersion
    var positions: [LinePosition]

    /// The last position before line `line` starts (in an earlier line, or at that line's very start, or further back).
    func position(before line: Int) -> LinePosition {
        positions.last { $0.line < line } ?? .start
    }

    /// Where to start a second reader of `lines` (ascending) so that two readers share the work about evenly: a
    /// position between those before the first line and after the last, chosen by the bytes to read up to it and
    /// the rows to parse (a row to parse weighs as much as ~8 KB to read through: ~1.5 µs, ~0.2 ms a MB); nil when
    /// no such position lies between them.
    func halfway(_ lines: [Int]) -> LinePosition? {
        guard let first = lines.first, let last = lines.last else { return nil }
        let start = positions.lastIndex { $0.line < first } ?? 0
        let end = positions.firstIndex { $0.line > last } ?? positions.count
        guard end - start >= 3 else { return nil }
        // The cost of reading from `start` to each position: bytes, and the wanted lines before it.
        var costs: [Int] = []
        var next = 0
        for i in start..<end {
            while next < lines.count, lines[next] <= positions[i].line { next += 1 }
            costs.append((positions[i].offset - positions[start].offset) / 1024 + 8 * next)
        }
        let total = (positions[end - 1].offset - positions[start].offset) / 1024 + 8 * lines.count
        let middle = costs.indices.dropFirst().min { abs(2 * costs[$0] - total) < abs(2 * costs[$1] - total) }!
        return positions[start + middle]
    }
}

/// Reading chosen rows of the recommendations export again, by line.
extension ExportLoader {
    /// The recommendations on these lines of the export, read again (see `Plan.rowsToRead`).
    ///
    /// With `marks` (noted by the first read), the lines are not counted from the file's start (the listed rows are
    /// mostly recent, near its end), and are read by two threads: this one from the mark before the first line, the
    /// other from a mark about halfway through the work (`LineMarks.halfway`); the file must still be the version the
    /// marks were noted in.
    public static func recommendations(_ config: Config, lines: [Int], marks: LineMarks? = nil) throws(ExportError) -> [Int: Recommendation] {
        var parts = try recommendationParts(config, lines: lines, marks: marks)
        var rows = parts.removeFirst()
        for part in parts {
            rows.reserveCapacity(rows.count + part.count)
            rows.merge(part) { mine, _ in mine }
        }
        return rows
    }

    /// As `recommendations(_:lines:marks:)`, as the threads read them: one table of rows each, no line in two.
    /// (Merged, the two and the merged one were held at once: ~24 MB at 5M work orders.)
    public static func recommendationParts(_ config: Config, lines: [Int], marks: LineMarks? = nil) throws(ExportError)
        -> [[Int: Recommendation]] {
        let source = config.exports[.recommendations]!
        guard let columns = try header(.recommendations, config) else {
            throw ExportError(file: source.displayName, line: nil, message: "the file is empty (no header row)",
                              hint: "the export changed while the run read it; write it whole, then rename it into place")
        }
        @Sendable func read(_ lines: ArraySlice<Int>, from start: LinePosition) throws(ExportError) -> [Int: Recommendation] {
            var reader = RecommendationRowReader(file: source.displayName, options: source.options, timeZone: config.timeZone,
                                                 columns: columns, lines: lines, from: start)
            try stream(source, from: start.offset, expecting: marks?.version, until: { reader.isDone }) { chunk throws in
                try reader.feed(chunk)
            }
            if !reader.isDone {
                do { try reader.finish() } catch { throw asExportError(error, source) }
            }
            return reader.rows
        }
        let wanted = Set(lines).filter { $0 > 1 }.sorted()
        guard let marks, let first = wanted.first else { return [try read(wanted[...], from: .start)] }
        let start = marks.position(before: first)
        guard let halfway = marks.halfway(wanted), let half = wanted.firstIndex(where: { $0 > halfway.line }) else {
            return [try read(wanted[...], from: start)]
        }
        let later = Parallel { () throws(ExportError) in try read(wanted[half...], from: halfway) }
        let earlier = Result { () throws(ExportError) in try read(wanted[..<half], from: start) }
        let laterRows = try later.value()  // waits for it either way
        return [try earlier.get(), laterRows]
    }
}

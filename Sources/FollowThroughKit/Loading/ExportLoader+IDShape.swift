import FollowThroughCore
import Foundation

/// The shape of a file's ids, when they are numbered (`NumberedIDs`): its first row's and its last row's must share it,
/// as ids that change shape along the file would mostly be kept wide, in more room than two-word slots take.
extension ExportLoader {
    /// A file's columns (`header`), and its first row's id and field count (nil when the chunk read for the header
    /// does not hold that row).
    struct Header {
        var columns: [Int]?
        var firstID: String?
        var fields: Int?
    }

    /// The shape of the first row's id when the last row's has it too; nil otherwise, or when either is not known.
    static func idShape(_ source: ExportSource, _ header: Header) -> NumberedIDs? {
        guard let columns = header.columns, let first = header.firstID, let fields = header.fields,
              let last = lastRowID(source, idPosition: columns[0], fields: fields) else { return nil }
        return NumberedIDs(first: first, last: last)
    }

    /// The id (spaces trimmed) of the last row in the file's last 64 KB: the last line there that reads as a whole row
    /// on its own, `fields` fields and no quote left open (a line inside a quoted field mostly does not). Nil when no
    /// line does, or the file cannot be read.
    static func lastRowID(_ source: ExportSource, idPosition: Int, fields: Int) -> String? {
        guard idPosition >= 0 else { return nil }
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let size = Int(info.st_size), sample = min(size, 1 << 16)
        var bytes = [UInt8](repeating: 0, count: sample)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, sample, off_t(size - sample)) }
        guard n == sample else { return nil }
        // (The first piece may begin inside a line, unless the sample is the whole file.)
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).dropFirst(sample < size ? 1 : 0)
        for line in lines.reversed() {
            var parser = CSVParser(delimiter: source.options.delimiter)
            var row: (fields: Int, id: String)?
            func take(_ parsed: CSVRow) { if row == nil { row = (parsed.count, parsed[idPosition].string) } }
            do {
                try line.withUnsafeBytes { try parser.feed($0, onRow: take) }
                try parser.finish(onRow: take)
            } catch { continue }
            guard let row, row.fields == fields else { continue }
            return row.id.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        }
        return nil
    }
}

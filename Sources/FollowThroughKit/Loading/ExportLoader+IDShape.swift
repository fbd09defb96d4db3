import FollowThroughCore
import Foundation

/// The shape of a file's ids, when they are numbered (`NumberedIDs`): its first row's, when the rows sampled from its
/// middle and its end have it too, as ids that change shape along the file, or mix shapes, would mostly be kept wide,
/// in more room than two-word slots take.
extension ExportLoader {
    /// A file's columns (`header`), and its first row's id and field count (nil when the chunk read for the header
    /// does not hold that row).
    struct Header {
        var columns: [Int]?
        var firstID: String?
        var fields: Int?
    }

    /// The shape of the first row's id when every sampled row's id has it too (`sampledRowIDs`, at least one); nil
    /// otherwise, or when the first row is not known.
    static func idShape(_ source: ExportSource, _ header: Header) -> NumberedIDs? {
        guard let columns = header.columns, let first = header.firstID, let fields = header.fields else { return nil }
        let sampled = sampledRowIDs(source, idPosition: columns[0], fields: fields)
        guard let shape = NumberedIDs(like: first), !sampled.isEmpty,
              sampled.allSatisfy({ NumberedIDs(first: first, last: $0) == shape }) else { return nil }
        return shape
    }

    /// Ids (spaces trimmed) of up to `perSample` rows from each of the file's middle and last 64 KB (the last only, in
    /// a file of less than 128 KB), the last rows first: lines there that read as a whole row on their own, `fields`
    /// fields and no quote left open (a line inside a quoted field mostly does not). Empty when the file cannot be read.
    static func sampledRowIDs(_ source: ExportSource, idPosition: Int, fields: Int, perSample: Int = 16) -> [String] {
        guard idPosition >= 0 else { return [] }
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return [] }
        let size = Int(info.st_size), sample = min(size, 1 << 16)
        var ids: [String] = []
        var bytes = [UInt8](repeating: 0, count: sample)
        for offset in size >= 2 * sample ? [size - sample, (size - sample) / 2] : [size - sample] {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, sample, off_t(offset)) }
            guard n == sample else { return [] }
            // Lines end at LF, CR or both; the first piece may begin inside a line, or is the header.
            let lines = bytes.split(omittingEmptySubsequences: true) { $0 == 0x0A || $0 == 0x0D }.dropFirst()
            var taken = 0
            for line in lines.reversed() where taken < perSample {
                guard let id = rowID(line, delimiter: source.options.delimiter, idPosition: idPosition, fields: fields) else { continue }
                ids.append(id)
                taken += 1
            }
        }
        return ids
    }

    /// The id of `line` read as a row on its own, when it is a whole one (`fields` fields, no quote left open).
    private static func rowID(_ line: ArraySlice<UInt8>, delimiter: UInt8, idPosition: Int, fields: Int) -> String? {
        var parser = CSVParser(delimiter: delimiter)
        var row: (fields: Int, id: String)?
        func take(_ parsed: CSVRow) { if row == nil { row = (parsed.count, parsed[idPosition].string) } }
        do {
            try line.withUnsafeBytes { try parser.feed($0, onRow: take) }
            try parser.finish(onRow: take)
        } catch { return nil }
        guard let row, row.fields == fields else { return nil }
        return row.id.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
    }
}

import FollowThroughCore
import Foundation

/// Reads the three export files from disk in fixed-size chunks into a dataset.
public enum ExportLoader {
    static let chunkSize = 1 << 20

    public static func load(_ config: Config) throws(ExportError) -> (dataset: Dataset, report: DataQualityReport) {
        var names: [ExportKind: String] = [:]
        for (kind, source) in config.exports { names[kind] = source.displayName }
        var builder = DatasetBuilder(files: names)
        for kind in [ExportKind.people, .workOrders, .recommendations] {
            let source = config.exports[kind]!
            var ingestor = ExportIngestor(kind: kind, file: source.displayName, options: source.options, timeZone: config.timeZone)
            try stream(source) { chunk throws in try ingestor.feed(chunk, into: &builder) }
            do { try ingestor.finish(into: &builder) } catch { throw asExportError(error, source) }
        }
        return builder.build()
    }

    /// Calls `body` with successive chunks of the file.
    static func stream(_ source: ExportSource, _ body: (UnsafeRawBufferPointer) throws -> Void) throws(ExportError) {
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ExportError(file: source.displayName, line: nil, message: "cannot open the export (\(reason))",
                              hint: "check that the field-service export ran and that path in the config points at it (\(source.path))")
        }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw ExportError(file: source.displayName, line: nil, message: "read failed (\(String(cString: strerror(errno))))", hint: "")
            }
            if n == 0 { return }
            do { try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) } catch { throw asExportError(error, source) }
        }
    }

    static func asExportError(_ error: any Error, _ source: ExportSource) -> ExportError {
        (error as? ExportError) ?? ExportError(file: source.displayName, line: nil, message: "\(error)", hint: "")
    }
}

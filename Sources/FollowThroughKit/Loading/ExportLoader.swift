import FollowThroughCore
import Foundation

/// Reads the three export files from disk in fixed-size chunks into a dataset: work orders on one thread, people
/// and recommendations on another.
public enum ExportLoader {
    static let chunkSize = 1 << 20

    public static func load(_ config: Config, previousStatuses: StatusSnapshot? = nil) throws(ExportError)
        -> (dataset: Dataset, report: DataQualityReport) {
        var names: [ExportKind: String] = [:]
        for (kind, source) in config.exports { names[kind] = source.displayName }
        let workOrders = Loaded(DatasetBuilder(files: names))
        let thread = Thread {
            workOrders.result = Result { () throws(ExportError) in
                var builder = workOrders.builder
                builder.reserve(workOrders: estimatedRows(config.exports[.workOrders]!))
                try ingest(.workOrders, config, into: &builder)
                return builder
            }
            workOrders.done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        var others = DatasetBuilder(files: names)
        others.previousStatuses = previousStatuses
        others.reserve(recommendations: estimatedRows(config.exports[.recommendations]!))
        let othersError: ExportError?
        do {
            try ingest(.people, config, into: &others)
            try ingest(.recommendations, config, into: &others)
            othersError = nil
        } catch { othersError = error }
        workOrders.done.wait()
        // Errors in file order, as a sequential read would meet them: people, work orders, recommendations.
        if let othersError, othersError.file == config.exports[.people]!.displayName { throw othersError }
        let built = try workOrders.result!.get()
        if let othersError { throw othersError }
        others.absorb(workOrders: built)
        return others.build()
    }

    /// The work-order side of a parallel load, handed between threads once (the semaphore orders the accesses).
    private final class Loaded: @unchecked Sendable {
        let builder: DatasetBuilder
        var result: Result<DatasetBuilder, ExportError>?
        let done = DispatchSemaphore(value: 0)
        init(_ builder: DatasetBuilder) { self.builder = builder }
    }

    static func ingest(_ kind: ExportKind, _ config: Config, into builder: inout DatasetBuilder) throws(ExportError) {
        let source = config.exports[kind]!
        var ingestor = ExportIngestor(kind: kind, file: source.displayName, options: source.options, timeZone: config.timeZone)
        try stream(source) { chunk throws in try ingestor.feed(chunk, into: &builder) }
        do { try ingestor.finish(into: &builder) } catch { throw asExportError(error, source) }
    }

    /// Rows the file probably holds: its size over the mean line length of its first chunk (0 when unreadable).
    static func estimatedRows(_ source: ExportSource) -> Int {
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return 0 }
        let sample = min(Int(info.st_size), 1 << 16)
        var bytes = [UInt8](repeating: 0, count: sample)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, sample) }
        guard n > 0 else { return 0 }
        let lines = max(1, bytes[0..<n].lazy.filter { $0 == 0x0A }.count)
        return Int(info.st_size) / max(1, n / lines) + 1
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


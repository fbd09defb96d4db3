/// One problem found in the exports, located by file and line.
public struct DataIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public init(file: String, line: Int?, message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// Rows read and rejected in one export file.
public struct FileCounts: Sendable, Equatable {
    public var file: String
    public var rows = 0
    public var rejected = 0
    public init(file: String) { self.file = file }
    public var rejectedPercent: Double { rows == 0 ? 0 : Double(rejected) * 100 / Double(rows) }
}

/// What the exports looked like: counts, rejected rows (left out of the run) and warnings (kept).
public struct DataQualityReport: Sendable, Equatable {
    public var files: [FileCounts] = []
    public var rejections: [DataIssue] = []
    public var warnings: [DataIssue] = []
    public init() {}

    /// Files whose rejected share is above `maxPercent`: the run must not trust them.
    public func filesOverRejectionLimit(_ maxPercent: Double) -> [FileCounts] {
        files.filter { $0.rejected > 0 && $0.rejectedPercent > maxPercent }
    }
}

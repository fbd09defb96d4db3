/// A problem that makes a whole export untrustworthy (missing column, broken quoting, too many bad rows).
public struct ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public var hint: String
    public init(file: String, line: Int?, message: String, hint: String) {
        self.file = file; self.line = line; self.message = message; self.hint = hint
    }
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return hint.isEmpty ? "\(location): \(message)" : "\(location): \(message) (hint: \(hint))"
    }
}

import Foundation

/// A password that never shows itself in `print`, string interpolation, `dump` or a debugger.
public struct SMTPSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself, for handing to curl; never log it.
    public func reveal() -> String { value }

    public var description: String { "SMTPSecret(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// The default environment variable holding the SMTP password.
    public static let defaultEnvironmentVariable = "FOLLOWTHROUGH_SMTP_PASSWORD"

    /// An error naming where the password was looked for and what to do; never contains the password.
    public struct LoadError: Error, Sendable, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Reads the password from `file` when given (which must be private to its owner), else from the
    /// environment variable; nil when neither is set. One trailing newline of the file is dropped.
    public static func load(
        environmentVariable: String = defaultEnvironmentVariable,
        file: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LoadError) -> SMTPSecret? {
        if let file {
            return try loadFile(file)
        }
        guard let value = environment[environmentVariable], !value.isEmpty else { return nil }
        return SMTPSecret(value)
    }

    static func loadFile(_ path: String) throws(LoadError) -> SMTPSecret {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw LoadError(description: "\(path): cannot read the SMTP password file (\(String(cString: strerror(errno)))); check the path")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw LoadError(description: "\(path): the SMTP password file is not a regular file")
        }
        if info.st_mode & (S_IRWXG | S_IRWXO) != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw LoadError(description: "\(path): the SMTP password file is readable by group or others (mode \(mode)); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the SMTP password file; check its owner and that it is readable")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "\(path): the SMTP password file is not UTF-8 text")
        }
        if text.hasSuffix("\r\n") { text.removeLast(1) } else if text.hasSuffix("\n") { text.removeLast() }
        guard !text.isEmpty else { throw LoadError(description: "\(path): the SMTP password file is empty") }
        return SMTPSecret(text)
    }
}

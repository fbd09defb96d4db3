import Foundation
import FollowThroughTestSupport

/// Paths, temp folders, child processes and the MIME parser, for integration tests.
enum TestSupport {
    static let repoRoot = Repo.root

    /// The `followthrough` binary built by `swift build --build-tests`.
    static var binary: URL {
        for config in ["debug", "release"] {
            let url = repoRoot.appendingPathComponent(".build/\(config)/followthrough")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repoRoot.appendingPathComponent(".build/debug/followthrough")
    }

    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = TestScratch.path(safe)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct ProcessResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program to completion, capturing its output.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        let result = try Child.run(executable.path, arguments, env: environment)
        return ProcessResult(status: result.status, stdout: result.out, stderr: result.err)
    }

    /// Runs the built `followthrough` with arguments.
    static func followthrough(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try run(binary, arguments, environment: environment)
    }

    /// Parses .eml files with Python's standard email package (a real MIME parser), via scripts/mime_dump.py.
    static func parseMessages(_ files: [URL]) throws -> [ParsedMessage] {
        guard !files.isEmpty else { return [] }
        let result = try run(URL(fileURLWithPath: "/usr/bin/python3"),
                             [repoRoot.appendingPathComponent("scripts/mime_dump.py").path] + files.map(\.path))
        guard result.status == 0, let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw TestFailure("mime_dump failed: \(result.stderr)")
        }
        return json.map(ParsedMessage.init)
    }

    /// Copies a folder of fixtures (e.g. examples/demo) into a fresh temp folder.
    static func copyFixture(_ relative: String, name: String = #function) throws -> URL {
        let dir = try temporaryDirectory(name)
        let source = repoRoot.appendingPathComponent(relative)
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".csv") || file.hasSuffix(".toml") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        return dir
    }

    /// Writes a config for the exports in `dir`, using the shipped templates.
    static func writeConfig(in dir: URL, extra: String = "", rules: String = "", timezone: String = "America/Toronto") throws -> URL {
        let config = """
        timezone = "\(timezone)"
        templates_dir = "\(repoRoot.appendingPathComponent("templates").path)"
        \(extra)
        [exports.work_orders]
        path = "work_orders.csv"
        [exports.recommendations]
        path = "recommendations.csv"
        [exports.people]
        path = "people.csv"
        [rules]
        \(rules)
        [mail]
        from = "Service Desk <service@example.com>"
        sales_inbox = "sales-team@example.com"
        transport = "outbox"
        outbox_dir = "outbox"
        """
        let url = dir.appendingPathComponent("followthrough.toml")
        try config.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func emlFiles(in dir: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".eml") }.sorted()
            .map { dir.appendingPathComponent($0) }
    }
}

/// One message as Python's email package read it.
struct ParsedMessage {
    let raw: [String: Any]
    init(_ raw: [String: Any]) { self.raw = raw }
    func header(_ name: String) -> String? { ((raw["headers"] as? [String: [String]])?[name])?.first }
    var to: String { header("To") ?? "" }
    var kind: String { header("X-FollowThrough-Kind") ?? "" }
    var subject: String { header("Subject") ?? "" }
    var text: String { (raw["text"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n") }
    var html: String { (raw["html"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n") }
    var defects: [String] { raw["defects"] as? [String] ?? [] }
    var allCRLF: Bool { raw["all_crlf"] as? Bool ?? false }
    var maxLineLength: Int { raw["max_line_length"] as? Int ?? .max }
    var partTypes: [String] { raw["parts"] as? [String] ?? [] }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

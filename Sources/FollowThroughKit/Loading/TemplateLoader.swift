import FollowThroughCore
import Foundation

/// Reads the Mustache templates from the configured folder and parses them all before anything is sent.
public enum TemplateLoader {
    public static func load(directory: String) throws(TemplateError) -> TemplateSet {
        var sources: [String: String] = [:]
        for name in TemplateSet.requiredFiles {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            if let data = FileManager.default.contents(atPath: path) {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw TemplateError(file: path, line: 1, column: 1, lineText: "", message: "template is not UTF-8 text")
                }
                sources[name] = text
            }
        }
        return try TemplateSet(sources: sources, folder: directory)
    }
}

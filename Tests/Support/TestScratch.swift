import Foundation

/// One folder per test process in the system's temporary folder, removed when the process exits: tests put their
/// files in it, so a run of the suite leaves nothing behind.
public enum TestScratch {
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("followthrough-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestScratch.root) }
        return url
    }()

    /// A fresh path in `root` named after `name` (not created).
    public static func path(_ name: String) -> URL {
        root.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
    }
}

import Foundation
import GRDBSQLite

/// Copies what the WAL holds into the state file on a connection of its own, beside the run's: SQLite's PASSIVE
/// checkpoint never blocks the writer or the readers. The outbox step writes the night's bodies (~15 MB at 1M work
/// orders) to the WAL; copying them and syncing the file took ~100 ms before delivery could start, and now happens
/// while the messages are delivered. A checkpoint that fails leaves the frames in the WAL, where the next one (at the
/// latest when the run closes the file) copies them: nothing to report.
final class BackgroundCheckpoint: Sendable {
    private let work: Parallel<Void, Never>

    init(path: String) {
        work = Parallel {
            var handle: OpaquePointer?
            defer { sqlite3_close(handle) }
            guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { return }
            sqlite3_busy_timeout(handle, 15_000)
            // A fresh connection finds the WAL only once it reads the file.
            guard sqlite3_exec(handle, "SELECT COUNT(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK else { return }
            _ = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
    }

    /// Returns once the copy is done.
    func wait() { work.value() }
}

/// The store's background checkpoint, if one was started: one at a time, waited for before the run ends.
final class CheckpointSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var running: BackgroundCheckpoint?

    func start(path: String) {
        wait()
        lock.withLock { running = BackgroundCheckpoint(path: path) }
    }

    func wait() {
        let current = lock.withLock { defer { running = nil }; return running }
        current?.wait()
    }
}

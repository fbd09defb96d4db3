import Foundation
import GRDB
import GRDBSQLite

/// A state file that cannot be opened, migrated or written: names the file and says what to do.
public struct StateError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public var hint: String
    public init(file: String, message: String, hint: String = "") { self.file = file; self.message = message; self.hint = hint }
    public var description: String { hint.isEmpty ? "\(file): \(message)" : "\(file): \(message) (hint: \(hint))" }
}

/// The embedded SQLite state (WAL, `synchronous = NORMAL`, versioned migrations): runs, the outbox, deliveries,
/// recommendation statuses and their changes. Every write is one transaction, so a crash at any instant
/// leaves either the state before or the state after it.
public final class StateStore: Sendable {
    public let path: String
    let db: any DatabaseWriter
    /// The checkpoint copying the outbox step's WAL into the file while the run delivers (`prepareOutbox`).
    let checkpoint = CheckpointSlot()
    /// False for a store in memory, or a copy of a file in memory (`copyOfExisting`): `path` then only names it.
    let isFile: Bool

    init(path: String, db: any DatabaseWriter, isFile: Bool = true) { self.path = path; self.db = db; self.isFile = isFile }

    deinit { checkpoint.wait() }

    /// Opens (creating when missing) and migrates the state file.
    public static func open(path: String) throws(StateError) -> StateStore {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder) else {
            throw StateError(file: path, message: "the folder for the state file does not exist",
                             hint: "create \(folder) or point state_path in the config elsewhere")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration(keepingWAL: true))
            try StateSchema.migrator.migrate(pool)
            return StateStore(path: path, db: pool)
        } catch let error as StateError {
            throw error
        } catch {
            throw describe(error, path: path)
        }
    }

    /// An empty store in memory (dry runs on a fresh install; tests).
    public static func inMemory() throws(StateError) -> StateStore {
        do {
            let queue = try DatabaseQueue(configuration: configuration())
            try StateSchema.migrator.migrate(queue)
            return StateStore(path: ":memory:", db: queue, isFile: false)
        } catch {
            throw describe(error, path: ":memory:")
        }
    }

    /// For a dry run: a copy in memory of an existing state file, migrated there; nil when there is none yet. The file
    /// is only read (one read-only connection, for as long as the copy takes): a dry run neither migrates it nor holds
    /// its write lock while it rehearses, which would make a nightly run running meanwhile wait. Holds the whole state
    /// in memory (a few MB a night at 1M work orders, pruned with the messages kept).
    public static func copyOfExisting(path: String) throws(StateError) -> StateStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let file = try DatabaseQueue(path: path, configuration: readOnlyConfiguration())
            let copy = try DatabaseQueue(configuration: configuration())
            try file.backup(to: copy)
            try file.close()
            try StateSchema.migrator.migrate(copy)
            return StateStore(path: path, db: copy, isFile: false)
        } catch {
            throw describe(error, path: path, reading: true)
        }
    }

    /// For reports (`status`): an existing state file opened read-only, or a copy in memory when it is of an older
    /// version (see `copyOfExisting`); nil when there is none yet. Never changes the file.
    public static func openForReading(path: String) throws(StateError) -> StateStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let file = try DatabaseQueue(path: path, configuration: readOnlyConfiguration())
            if try file.read({ try StateSchema.migrator.hasCompletedMigrations($0) }) { return StateStore(path: path, db: file, isFile: false) }
            try file.close()
        } catch {
            throw describe(error, path: path, reading: true)
        }
        return try copyOfExisting(path: path)
    }

    static func readOnlyConfiguration() -> Configuration {
        var config = configuration()
        config.readonly = true
        return config
    }

    static func configuration(keepingWAL: Bool = false) -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(15)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // WAL + NORMAL: every commit is in the WAL before the write returns, so a killed process (kill -9, a
            // crash) loses nothing and a delivery recorded as sent is never sent twice; only a power cut or an OS
            // crash can lose the last commits (never corrupt the file). FULL fsynced every delivery (~350 a night).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The -wal file stays between runs (emptied by the checkpoint at close, never deleted): deleting it took
            // ~20 ms at 1M work orders (~15 MB of blocks to free), and the next run allocated them again.
            if keepingWAL && !db.configuration.readonly {
                var persist: CInt = 1
                let code = sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, &persist)
                guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
            }
        }
        return config
    }

    static func describe(_ error: Error, path: String, reading: Bool = false) -> StateError {
        if let e = error as? StateError { return e }
        if let e = error as? DatabaseError {
            if reading, [.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM].contains(e.resultCode) {
                return StateError(file: path, message: "cannot read the state file (\(e.message ?? "\(e)"))",
                                  hint: "run as the user that owns it; its -wal and -shm files beside it must be readable too")
            }
            switch e.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StateError(file: path, message: "not a FollowThrough state file, or damaged (\(e.message ?? "\(e)"))",
                                  hint: "restore it from a backup, or move it away to start afresh (updates and history restart)")
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return StateError(file: path, message: "cannot open the state file for writing (\(e.message ?? "\(e)"))",
                                  hint: "run as the user that owns it, and check the folder is writable")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return StateError(file: path, message: "the state file is busy (\(e.message ?? "\(e)"))",
                                  hint: "another program holds it open; FollowThrough runs exclude each other by the .lock file")
            default: break
            }
        }
        return StateError(file: path, message: "state store error: \(error)")
    }

    /// Runs one write transaction, turning database errors into `StateError`.
    func write<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try db.write(body) } catch var e as StateError { if e.file.isEmpty { e.file = path }; throw e } catch { throw Self.describe(error, path: path) }
    }

    /// Runs one read.
    func read<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try db.read(body) } catch var e as StateError { if e.file.isEmpty { e.file = path }; throw e } catch { throw Self.describe(error, path: path) }
    }

    /// Runs `body` in a transaction that is always rolled back (dry runs see what a run would do, and change nothing).
    func rehearse<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do {
            return try db.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .rollback
                }
                return result!
            }
        } catch var e as StateError { if e.file.isEmpty { e.file = path }; throw e } catch { throw Self.describe(error, path: path) }
    }
}

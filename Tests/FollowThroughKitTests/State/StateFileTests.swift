import Foundation
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

/// What a run leaves on disk beside the state file, and what it hands back when done.
@Suite struct StateFileTests {
    /// The -wal file is kept between runs (not deleted and allocated again each night), and emptied into the state
    /// file when the run closes it: the .sqlite alone, copied without its -wal, holds the whole night.
    @Test func theWALStaysAndTheStateFileAloneHoldsTheNight() throws {
        let w = try Workspace.oneVisitEach(technicians: 2)
        defer { w.cleanup() }
        try w.write()
        let job = InProcess(workspace: w, receiver: Receiver())
        #expect(job.run("2026-11-23") == .ok)
        #expect(FileManager.default.fileExists(atPath: w.statePath + "-wal"))

        let copy = w.statePath + ".copy"
        try FileManager.default.copyItem(atPath: w.statePath, toPath: copy)
        let db = try DatabaseQueue(path: copy)
        defer { try? db.close() }
        let (sent, runs) = try db.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE state = 'sent'"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run WHERE finished_at IS NOT NULL"))
        }
        #expect(sent == 2 && runs == 1)
    }

    /// The background checkpoint copies the WAL into the file while the store stays open: a copy of the .sqlite alone
    /// then has rows committed with automatic checkpoints off (before the copy it has none of them).
    @Test func theBackgroundCheckpointCopiesTheWALIntoTheFile() throws {
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let store = try StateStore.open(path: path)
        try store.setDurability(synchronous: "NORMAL", autoCheckpointPages: 0)
        func copiedRuns() throws -> Int {
            let copy = path + ".copy"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            let db = try DatabaseQueue(path: copy)
            defer { try? db.close() }
            return try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run") ?? -1 }
        }
        for day in 1...20 { _ = try store.beginRun(asOf: LocalDate(iso: "2026-11-\(day < 10 ? "0" : "")\(day)")!, now: 0, pid: 1, resend: false) }
        #expect(((try? copiedRuns()) ?? 0) == 0, "the file alone has no run yet (maybe not even the tables)")
        store.checkpoint.start(path: path)
        store.checkpoint.wait()
        #expect(try copiedRuns() == 20)
    }

    /// The run hands what it read (the exports with their statuses, the plan) to `releaseAtEnd`, which
    /// the command-line tool keeps until it exits instead of freeing it piece by piece.
    @Test func theRunHandsWhatItReadToReleaseAtEnd() throws {
        let w = try Workspace.oneVisitEach(technicians: 2)
        defer { w.cleanup() }
        try w.write()
        let released = ReleasedValues()
        let transport = Receiver().transport
        let env = RunEnvironment(now: { 1_795_000_000 }, makeTransport: { _, _, _, _ in transport },
                                 report: { _ in }, output: { _ in }, releaseAtEnd: { released.add($0) })
        let status = NightlyJob(environment: env, logger: .init(label: "test"))
            .run(RunRequest(configPath: w.config, asOf: LocalDate(iso: "2026-11-23")!))
        #expect(status == .ok)
        // The plan went to the outbox step, which filled it in where it lay, and hands it over on its own.
        let runs = released.all.compactMap { $0 as? LoadedRun }
        let plans = released.all.compactMap { $0 as? Plan }
        #expect(runs.count == 1 && runs.first?.plan.summaries.isEmpty == true)
        #expect(plans.count == 1 && plans.first?.summaries.count == 2)
        // What only the rules read was let go once the plan was made; what the later steps read was kept.
        let dataset = try #require(runs.first?.dataset)
        #expect(dataset.scheduledVisits.isEmpty && dataset.pending.isEmpty && dataset.aged.count == 0)
        #expect(dataset.people.count >= 2 && dataset.sites.count > 0 && dataset.statuses.count > 0)
    }

    /// A dry run and `status` only read the state: a file of an older schema is migrated in a copy in memory and left
    /// byte for byte as it was, and a nightly run holding its write lock meanwhile does not stop them.
    @Test func aDryRunCopiesAnOlderStateFileAndLeavesItAsItWas() throws {
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let old = try DatabasePool(path: path)
        try StateSchema.migrator.migrate(old, upTo: "v3-status-snapshot")
        try old.write { db in try db.execute(sql: "INSERT INTO run (as_of, started_at, pid) VALUES ('2026-11-22', 1, 1)") }
        try old.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let nightly = try DatabaseQueue(path: path)
        let copy = try nightly.inDatabase { db -> StateStore? in
            try db.execute(sql: "BEGIN IMMEDIATE; INSERT INTO run (as_of, started_at, pid) VALUES ('2026-11-23', 2, 2)")
            defer { try? db.execute(sql: "ROLLBACK") }
            return try StateStore.copyOfExisting(path: path)
        }
        try nightly.close()
        let store = try #require(copy)
        #expect(try store.read { db in try db.tableExists("message_body") })
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run") } == 1)

        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let file = try DatabaseQueue(path: path)
        defer { try? file.close() }
        #expect(try file.read { db in try db.tableExists("message_body") } == false)
        #expect(try StateStore.copyOfExisting(path: path + ".none") == nil)

        // `status` reads an older file through such a copy, and a current one in place, read-only.
        let older = try #require(try StateStore.openForReading(path: path))
        #expect(try older.read { db in try db.tableExists("message_body") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        _ = try StateStore.open(path: path)  // migrated by a nightly run
        let current = try #require(try StateStore.openForReading(path: path))
        #expect(try current.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run") } == 1)
        #expect(throws: StateError.self) { try current.write { db in try db.execute(sql: "DELETE FROM run") } }
    }
}

/// Values handed to `releaseAtEnd`, from any thread.
final class ReleasedValues: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [any Sendable] = []
    func add(_ value: any Sendable) { lock.withLock { items.append(value) } }
    var all: [any Sendable] { lock.withLock { items } }
}

import Foundation
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

/// The outbox step renders and stores a batch at a time, inside its one transaction, and delivery reads the bodies
/// back as it goes: the messages, their bytes and their order are those of rendering everything at once.
@Suite("Outbox step in batches")
struct OutboxBatchTests {
    static func workspace(technicians count: Int) throws -> Workspace {
        try Workspace.oneVisitEach(technicians: count, activity: "2026-10-01")
    }

    @Test func aNightOfSeveralBatchesDeliversWhatRenderingAllAtOnceGives() throws {
        let n = NightlyJob.renderBatchSize * 2 + 7
        let w = try Self.workspace(technicians: n)
        defer { w.cleanup() }
        let job = InProcess(workspace: w, receiver: Receiver())
        #expect(job.run("2026-11-23") == .ok)
        let date = LocalDate(iso: "2026-11-23")!
        let now = Int64(date.daysSinceEpoch) * 86_400 + 20 * 3600  // InProcess's clock
        let config = try RunPreparation.loadConfig(w.config)
        let unbatched = try RunPreparation.prepare(config: config, asOf: date, now: now).messages
        #expect(unbatched.count == n + 1, "a summary per technician and Dana's digest")
        let sent = job.receiver.messages
        #expect(sent.map(\.messageID) == unbatched.map(\.mime.messageID))
        #expect(sent.map(\.data) == unbatched.map(\.data))
    }

    /// The step stores every batch it is handed, in order, in its one transaction.
    @Test func everyBatchHandedToTheStepIsStoredInOrder() throws {
        let w = try Self.workspace(technicians: 5)
        defer { w.cleanup() }
        let config = try RunPreparation.loadConfig(w.config)
        let date = LocalDate(iso: "2026-11-23")!
        let loaded = try RunPreparation.load(config: config, asOf: date, now: 1_795_400_000)
        let store = try StateStore.open(path: w.statePath)
        let runID = try store.beginRun(asOf: date, now: 1_795_400_000, pid: 1, resend: false)
        let batches = LockedList<[String]>()
        let request = OutboxRequest(
            runID: runID, asOf: date, dataset: loaded.dataset, plan: loaded.plan, settings: config.followUp, resend: false,
            now: 1_795_400_000, envelopeFrom: "service@example.com",
            compose: { plan, generation, storeBatch in
                let composer = RunPreparation.composer(loaded, now: 1_795_400_000, resendGeneration: generation)
                _ = try composer.compose(plan, batchSize: 2) { batch in
                    batches.add(batch.map(\.mime.messageID))
                    try storeBatch(batch)
                }
            })
        let outbox = try store.prepareOutbox(request)
        #expect(batches.all.map(\.count) == [2, 2, 2])
        #expect(outbox.deliverable.map(\.messageID) == batches.all.flatMap { $0 })
        #expect(outbox.storedByKind == ["pre-visit": 5, "stale-digest": 1])
        let bodies = try store.bodies(of: outbox.deliverable.map(\.rowID))
        #expect(bodies.count == 6 && bodies.allSatisfy { String(decoding: $0.prefix(5), as: UTF8.self) == "From:" })
    }
}

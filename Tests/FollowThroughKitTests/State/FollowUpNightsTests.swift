import Foundation
import FollowThroughCore
@testable import FollowThroughKit
import Testing

/// Several nights in a row against one real SQLite state file, in this process, with a recording transport.
@Suite("Follow-up across nights: updates, retries, supersede, history, escalation")
struct FollowUpNightsTests {
    /// T1 visits S-1 on the 24th, 25th and 26th; T2 has no visit. R-1 (by T1) and R-2 (by T2) are open at S-1 and S-2.
    static func workspace() throws -> (Workspace, InProcess) {
        let w = try Workspace()
        w.visit("WO-1", site: "S-1", tech: "T1", on: "2026-11-24")
        w.visit("WO-2", site: "S-1", tech: "T1", on: "2026-11-25")
        w.visit("WO-3", site: "S-1", tech: "T1", on: "2026-11-26")
        w.recommendation("R-1", site: "S-1", by: "T1")
        w.recommendation("R-2", site: "S-2", by: "T2")
        w.recommendation("R-3", site: "S-1", by: "T2")
        try w.write()
        return (w, InProcess(workspace: w, receiver: Receiver()))
    }

    @Test func firstRunAnnouncesNothingThenEachChangeReachesItsTechnicianOnce() throws {
        let (w, job) = try Self.workspace()
        defer { w.cleanup() }
        #expect(job.run("2026-11-23") == .ok)
        #expect(job.receiver.messages.map(\.kind) == ["pre-visit"], "first run: a summary, no updates")
        let first = try job.receiver.dumps(to: "alice@example.com", kind: "pre-visit")[0]
        #expect(!(first.text ?? "").contains("Updates on your recommendations"))

        // Overnight: R-1 (T1's) is quoted, R-2 (T2's) is carried out by a completed work order.
        w.setStatus("R-1", "quoted", quote: "Q-77")
        w.completed("WO-9", site: "S-2", tech: "T2", resolves: ["R-2"])
        try w.write()
        job.receiver.clear()
        #expect(job.run("2026-11-24") == .ok)
        let alice = try job.receiver.dumps(to: "alice@example.com", kind: "pre-visit")
        #expect(alice.count == 1)
        let aliceText = alice[0].text ?? ""
        #expect(aliceText.contains("Updates on your recommendations"))
        #expect(aliceText.contains("open → quoted (Q-77)"))
        #expect(!aliceText.contains("R-2") && !aliceText.contains("Fix R-2"), "T2's news is not Alice's")
        #expect((alice[0].html ?? "").contains("open → quoted (Q-77)"))
        // T2 has no visit: a short update email of its own.
        let bruno = try job.receiver.dumps(to: "bruno@example.com", kind: "lead-update")
        #expect(bruno.count == 1)
        #expect(bruno[0].kind == "lead-update")
        #expect((bruno[0].text ?? "").contains("open → done by a completed work order"))
        #expect((bruno[0].text ?? "").contains("Fix R-2"))
        #expect(bruno[0].defects.isEmpty && alice[0].defects.isEmpty)

        // Next night, nothing moved: nothing is announced again.
        job.receiver.clear()
        #expect(job.run("2026-11-25") == .ok)
        #expect(job.receiver.messages.filter { $0.kind == "lead-update" }.isEmpty)
        let later = try job.receiver.dumps(to: "alice@example.com", kind: "pre-visit")
        #expect(later.count == 1)
        #expect(!(later[0].text ?? "").contains("Updates on your recommendations"))
        // …and the summary remembers the earlier reminder.
        #expect((later[0].text ?? "").contains("Reminded twice, last on 24 Nov 2026"))
    }

    /// Settled recommendations without `recommended_by` are not kept while the exports are read; when one moves, its
    /// row is read again and the news goes to its work order's technician: one carried out by a completed work order
    /// (accepted → done), one whose export status moved (declined → accepted).
    @Test func aSettledRecommendationThatMovesReachesItsWorkOrdersTechnician() throws {
        let w = try Workspace()
        defer { w.cleanup() }
        w.completed("WO-5", site: "S-2", tech: "T2")
        w.completed("WO-6", site: "S-3", tech: "T1")
        w.recommendations.append("R-8,WO-6,S-3,AHU-8,Fix R-8 before winter,normal,100,declined,2026-09-01 10:00,2026-11-20,,S1,")
        w.recommendations.append("R-9,WO-5,S-2,AHU-9,Fix R-9 before winter,normal,100,accepted,2026-09-01 10:00,2026-11-20,,S1,Q-9")
        try w.write()
        let job = InProcess(workspace: w, receiver: Receiver())
        #expect(job.run("2026-11-23") == .ok)
        #expect(job.receiver.messages.filter { $0.kind == "lead-update" }.isEmpty)

        w.completed("WO-10", site: "S-2", tech: "T1", resolves: ["R-9"])
        w.setStatus("R-8", "accepted", quote: "Q-8")
        try w.write()
        job.receiver.clear()
        #expect(job.run("2026-11-24") == .ok)
        let bruno = try job.receiver.dumps(to: "bruno@example.com", kind: "lead-update")
        let brunoText = bruno.first?.text ?? ""
        #expect(bruno.count == 1)
        #expect(brunoText.contains("accepted → done by a completed work order"))
        #expect(brunoText.contains("Fix R-9") && !brunoText.contains("Fix R-8"))
        let alice = try job.receiver.dumps(to: "alice@example.com", kind: "lead-update")
        let aliceText = alice.first?.text ?? ""
        #expect(alice.count == 1)
        #expect(aliceText.contains("Site S-3: declined → accepted"))
        #expect(aliceText.contains("Fix R-8") && !aliceText.contains("Fix R-9"))
    }

    @Test func aFailedDeliveryAnnouncesTheChangeAgainNextTime() throws {
        let (w, job) = try Self.workspace()
        defer { w.cleanup() }
        #expect(job.run("2026-11-23") == .ok)
        w.setStatus("R-2", "accepted")
        try w.write()
        job.receiver.failing = ["bruno@example.com"]
        job.receiver.permanent = true
        job.receiver.clear()
        #expect(job.run("2026-11-24") == .deliveryFailures)
        #expect(job.receiver.messages.filter { $0.recipient == "bruno@example.com" }.isEmpty)
        // The address is fixed; the permanently refused message is not retried, but its news goes in the next one.
        job.receiver.failing = []
        job.receiver.clear()
        #expect(job.run("2026-11-25") == .ok)
        let bruno = try job.receiver.dumps(to: "bruno@example.com", kind: "lead-update")
        #expect(bruno.count == 1, "one new lead update, the refused one is not resent")
        #expect((bruno[0].text ?? "").contains("open → accepted"))
        #expect(bruno[0].headers["Message-ID"]?.first?.contains("2026-11-25") == true)
    }

    @Test func aNewerMessageOfTheSameKindSupersedesAFailedOneButOthersAreRetried() throws {
        let (w, job) = try Self.workspace()
        defer { w.cleanup() }
        w.recommendation("R-4", site: "S-4", by: "T1", activity: "2026-10-01")  // stale: Dana gets a digest each night
        try w.write()
        job.receiver.failing = ["alice@example.com", "dana@example.com"]
        #expect(job.run("2026-11-23") == .deliveryFailures)
        #expect(job.receiver.messages.isEmpty)

        // The 24th: Alice has a new summary (the old one is superseded); Dana's digest of the 23rd is replaced too.
        job.receiver.failing = []
        #expect(job.run("2026-11-24") == .ok)
        let ids = job.receiver.messages.map { $0.messageID }
        #expect(job.receiver.messages.filter { $0.recipient == "alice@example.com" }.count == 1)
        #expect(ids.allSatisfy { $0.contains("2026-11-24") }, "nothing of the 23rd is sent: \(ids)")
        let store = try StateStore.open(path: w.statePath)
        let states = try store.read { db in try String.fetchAll(db, sql: "SELECT state FROM message WHERE as_of = '2026-11-23' ORDER BY id") }
        #expect(states == ["superseded", "superseded"])
    }

    @Test func aTransientFailureWithNothingNewerIsRetriedUntilRetryDays() throws {
        let w = try Workspace()
        defer { w.cleanup() }
        w.visit("WO-1", site: "S-1", tech: "T1", on: "2026-11-24")  // only on the 24th: no newer summary later
        w.recommendation("R-1", site: "S-1", by: "T1")
        w.rules = "retry_days = 1"
        try w.write()
        let job = InProcess(workspace: w, receiver: Receiver())
        job.receiver.failing = ["alice@example.com"]
        #expect(job.run("2026-11-23") == .deliveryFailures)
        #expect(job.run("2026-11-24") == .deliveryFailures, "retried on the 24th, fails again")
        #expect(job.run("2026-11-25") == .ok, "given up after retry_days = 1: nothing to deliver")
        job.receiver.failing = []
        #expect(job.run("2026-11-26") == .ok)
        #expect(job.receiver.messages.isEmpty)
        let store = try StateStore.open(path: w.statePath)
        let attempts = try store.read { db in try Int.fetchOne(db, sql: "SELECT attempts FROM message") }
        #expect(attempts == 2)
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT state FROM message") } == "expired")
    }

    @Test func aLeadIsEscalatedToTheManagerAfterNDigests() throws {
        let w = try Workspace()
        defer { w.cleanup() }
        w.recommendation("R-9", site: "S-9", by: "T1", activity: "2026-09-01")
        w.rules = "escalate_after_digests = 2"
        try w.write()
        let job = InProcess(workspace: w, receiver: Receiver())
        for day in ["2026-11-23", "2026-11-24"] {
            #expect(job.run(day) == .ok)
            #expect(job.receiver.messages.filter { $0.recipient == "maria@example.com" }.isEmpty)
        }
        let second = try job.receiver.dumps(to: "dana@example.com", kind: "stale-digest")
        #expect((second.last?.text ?? "").contains("in 2 digests so far"))
        job.receiver.clear()
        #expect(job.run("2026-11-25") == .ok)
        let maria = try job.receiver.dumps(to: "maria@example.com", kind: "stale-digest")
        #expect(maria.count == 1)
        #expect(maria[0].subject.contains("Escalated field leads: 1 lead untouched after 2 digests"))
        #expect((maria[0].text ?? "").contains("owner Dana Whitfield"))
        #expect((maria[0].text ?? "").contains("Fix R-9"))
        #expect((try job.receiver.dumps(to: "dana@example.com", kind: "stale-digest")[0].text ?? "").contains("in 3 digests so far"))
    }

    @Test func dryRunChangesNothing() throws {
        let (w, job) = try Self.workspace()
        defer { w.cleanup() }
        #expect(job.run("2026-11-23") == .ok)
        let env = RunEnvironment(now: { 0 }, makeTransport: { _, _, _, _ in job.receiver.transport },
                                 report: { _ in }, output: { _ in })
        let store = try StateStore.open(path: w.statePath)
        let count = { try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message") } }
        let before = try count()
        w.setStatus("R-1", "declined")
        try w.write()
        let status = NightlyJob(environment: env, logger: .init(label: "t"))
            .run(RunRequest(configPath: w.config, asOf: LocalDate(iso: "2026-11-24"), dryRun: true))
        #expect(status == .ok)
        #expect(try count() == before)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM status_change") } == 0)
    }
}

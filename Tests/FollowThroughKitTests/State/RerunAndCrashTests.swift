import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `followthrough` binary as cron runs it: reruns, kill -9 mid-delivery, concurrent runs.
/// Messages go to the hidden receiver-log transport (`FOLLOWTHROUGH_TEST_RECEIVER_LOG`), which counts duplicates.
@Suite("Outbox: reruns, crashes and the lock (child processes)", .serialized)
struct RerunAndCrashTests {
    static func workspace(technicians count: Int) throws -> Workspace {
        try Workspace.oneVisitEach(technicians: count)
    }

    func run(_ w: Workspace, _ extra: [String] = [], env: [String: String] = [:]) throws -> Child.Result {
        try Child.followthrough(["run", "--config", w.config, "--as-of", "2026-11-23"] + extra,
                                env: ["FOLLOWTHROUGH_TEST_RECEIVER_LOG": w.receiverLog].merging(env) { $1 })
    }

    @Test func rerunOfTheSameNightDeliversNothingTwice() throws {
        let w = try Self.workspace(technicians: 3)
        defer { w.cleanup() }
        let first = try run(w)
        #expect(first.status == 0, "\(first.err)")
        #expect(w.received().count == 3)
        let second = try run(w)
        #expect(second.status == 0, "\(second.err)")
        #expect(second.err.contains("3 already delivered"))
        #expect(w.received().count == 3)
        // --resend forces a fresh send, with new Message-IDs.
        let third = try run(w, ["--resend"])
        #expect(third.status == 0, "\(third.err)")
        let lines = w.received()
        #expect(lines.count == 6)
        #expect(Set(lines.map(\.id)).count == 6)
    }

    @Test func killedMidDeliveryThenRerunDeliversEachMessageOnceExceptTheOneInFlight() throws {
        let n = 8
        let w = try Self.workspace(technicians: n)
        defer { w.cleanup() }
        // Each outcome waits 400 ms before it is recorded: the receiver already has the message, the state not yet.
        let child = try Child.start(Repo.binary, ["run", "--config", w.config, "--as-of", "2026-11-23"],
                                    env: ["FOLLOWTHROUGH_TEST_RECEIVER_LOG": w.receiverLog, "FOLLOWTHROUGH_TEST_DELIVERY_DELAY_MS": "400"])
        #expect(waitUntil(seconds: 60) { w.received().count >= 3 })
        kill(child.pid, SIGKILL)
        let killed = child.wait()
        #expect(killed.status == SIGKILL || killed.status != 0)
        let beforeRerun = w.received().count
        #expect(beforeRerun >= 3 && beforeRerun < n, "the kill should land mid-delivery")

        // The lock died with the process: the next run is not blocked, and finishes the job.
        let rerun = try run(w)
        #expect(rerun.status == 0, "\(rerun.err)")
        let lines = w.received()
        let counts = Dictionary(lines.map { ($0.id, 1) }, uniquingKeysWith: +)
        #expect(counts.count == n, "every message arrives")
        let twice = counts.filter { $0.value > 1 }
        #expect(twice.count <= 1 && twice.values.allSatisfy { $0 == 2 }, "at most the one in flight arrives twice: \(twice)")
        #expect(Set(lines.map(\.to)).count == n)

        // A third run sends nothing.
        let again = try run(w)
        #expect(again.status == 0)
        #expect(w.received().count == lines.count)

        // The status command shows the killed run as unfinished, and the last run as clean.
        let status = try Child.followthrough(["status", "--config", w.config])
        #expect(status.status == 0, "\(status.out)\(status.err)")
        #expect(status.out.contains("did not finish"))
    }

    @Test func aSecondRunWhileOneIsGoingExits3AndSendsNothing() throws {
        let n = 4
        let w = try Self.workspace(technicians: n)
        defer { w.cleanup() }
        let slow = try Child.start(Repo.binary, ["run", "--config", w.config, "--as-of", "2026-11-23"],
                                   env: ["FOLLOWTHROUGH_TEST_RECEIVER_LOG": w.receiverLog, "FOLLOWTHROUGH_TEST_DELIVERY_DELAY_MS": "300"])
        #expect(waitUntil(seconds: 60) { w.received().count >= 1 })
        let second = try run(w)
        #expect(second.status == 3)
        #expect(second.err.contains("another run holds the lock"))
        let first = slow.wait()
        #expect(first.status == 0, "\(first.err)")
        #expect(w.received().count == n, "only the first run delivered")
    }

    @Test func outboxFilesParseAndCarryTheirKind() throws {
        let w = try Self.workspace(technicians: 2)
        defer { w.cleanup() }
        let summary = w.dir.appendingPathComponent("summary.json").path
        let r = try Child.followthrough(["run", "--config", w.config, "--as-of", "2026-11-23", "--summary-json", summary])
        #expect(r.status == 0, "\(r.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: w.outbox.path).sorted().map { w.outbox.appendingPathComponent($0).path }
        #expect(files.count == 2)
        let dumps = try MIMEDump.parse(files: files)
        #expect(dumps.allSatisfy { $0.defects.isEmpty && $0.kind == "pre-visit" })
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as! [String: Any]
        #expect(json["delivered"] as? Int == 2)
        #expect(json["failed"] as? Int == 0)
        #expect((json["messages_by_kind"] as? [String: Int])?["pre-visit"] == 2)
        #expect(json["first_run"] as? Bool == true)
        #expect(json["rows_rejected"] as? Int == 0)
        let phases = json["phases_ms"] as? [String: Int] ?? [:]
        #expect(Set(phases.keys) == ["open_state", "read_exports", "plan", "read_rows", "transport_setup", "state_and_render", "render", "deliver"])
        let peaks = json["phases_peak_mb"] as? [String: Int] ?? [:]
        #expect(peaks.keys.contains("deliver") && peaks.values.allSatisfy { $0 > 0 })
    }

    @Test func failedDeliveriesExit1AndStatusSaysSo() throws {
        let w = try Self.workspace(technicians: 2)
        defer { w.cleanup() }
        let r = try run(w, env: ["FOLLOWTHROUGH_TEST_FAIL": "tech2@example.com"])
        #expect(r.status == 1)
        let status = try Child.followthrough(["status", "--config", w.config])
        #expect(status.status == 1)
        #expect(status.out.contains("tech2@example.com"))
        let json = try Child.followthrough(["status", "--config", w.config, "--json"])
        #expect(json.status == 1)
        #expect(json.out.contains("\"waiting\""))
        // The next run retries it, and the status clears.
        let retry = try run(w)
        #expect(retry.status == 0, "\(retry.err)")
        #expect(w.received().filter { $0.to == "tech2@example.com" }.count == 1)
        #expect(try Child.followthrough(["status", "--config", w.config]).status == 0)
    }

    /// The outbox transport's outcomes are recorded a batch at a time: a kill before the batch is recorded leaves
    /// the files written, and the rerun writes the same bytes over them. Nothing appears twice.
    @Test func outboxKilledBeforeItsBatchIsRecordedIsRewrittenIdenticallyByTheRerun() throws {
        let n = 6
        let w = try Self.workspace(technicians: n)
        defer { w.cleanup() }
        let child = try Child.start(Repo.binary, ["run", "--config", w.config, "--as-of", "2026-11-23"],
                                    env: ["FOLLOWTHROUGH_TEST_DELIVERY_DELAY_MS": "400"])
        func files() -> [String: Data] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: w.outbox.path)) ?? []
            return Dictionary(uniqueKeysWithValues: names.compactMap { name in
                (try? Data(contentsOf: w.outbox.appendingPathComponent(name))).map { (name, $0) }
            })
        }
        // All files are flushed before the first outcome, which then waits 400 ms: kill while outcomes are pending.
        #expect(waitUntil(seconds: 60) { files().count == n })
        usleep(600_000)
        kill(child.pid, SIGKILL)
        _ = child.wait()
        let before = files()
        let status = try Child.followthrough(["status", "--config", w.config])
        #expect(status.out.contains("did not finish"))

        let rerun = try Child.followthrough(["run", "--config", w.config, "--as-of", "2026-11-23"])
        #expect(rerun.status == 0, "\(rerun.err)")
        #expect(files() == before, "same files, same bytes")
        #expect(files().keys.allSatisfy { $0.hasSuffix(".eml") })
        let again = try Child.followthrough(["run", "--config", w.config, "--as-of", "2026-11-23"])
        #expect(again.err.contains("\(n) already delivered"), "\(again.err)")
    }
}

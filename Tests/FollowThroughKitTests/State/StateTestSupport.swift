import Foundation
import FollowThroughTestSupport
import FollowThroughCore
@testable import FollowThroughKit
import Logging
import Testing

/// The repository, found from this file (Tests/FollowThroughKitTests/State/…), and the built binary in it.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `swift build --build-tests` builds it (it is a product of the package).
    static let binary = root.appendingPathComponent(".build/debug/followthrough").path
    static let templates = root.appendingPathComponent("templates").path
}

/// A folder with a config and three small exports, in a fresh temp directory (removed by `cleanup`).
final class Workspace: @unchecked Sendable {
    let dir: URL
    var people = ["T1,Alice Ng,alice@example.com,technician,M1", "T2,Bruno Costa,bruno@example.com,technician,M1",
                  "S1,Dana Whitfield,dana@example.com,sales,M1", "M1,Maria Boss,maria@example.com,manager,"]
    var workOrders: [String] = []
    var recommendations: [String] = []
    var rules = "retry_days = 2\nescalate_after_digests = 4\nstale_after_days = 14"

    /// `count` technicians, each with a visit on 2026-11-24 at their own site and one open recommendation there
    /// (last touched on `activity`), written out.
    static func oneVisitEach(technicians count: Int, activity: String = "2026-11-20") throws -> Workspace {
        let w = try Workspace()
        w.people = (1...count).map { "T\($0),Tech \($0),tech\($0)@example.com,technician,M1" }
            + ["S1,Dana Whitfield,dana@example.com,sales,M1", "M1,Maria Boss,maria@example.com,manager,"]
        for i in 1...count {
            w.visit("WO-\(i)", site: "S-\(i)", tech: "T\(i)", on: "2026-11-24")
            w.recommendation("R-\(i)", site: "S-\(i)", by: "T\(i)", activity: activity)
        }
        try w.write()
        return w
    }

    init() throws {
        dir = TestScratch.path("state")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    var config: String { dir.appendingPathComponent("followthrough.toml").path }
    var statePath: String { dir.appendingPathComponent("state.sqlite").path }
    var receiverLog: String { dir.appendingPathComponent("received.log").path }
    var outbox: URL { dir.appendingPathComponent("outbox") }

    /// A scheduled visit on `day` (YYYY-MM-DD) at 09:00.
    func visit(_ id: String, site: String, tech: String, on day: String) {
        workOrders.append("\(id),\(site),Site \(site),Customer \(site),1 Main St,\(tech),scheduled,\(day) 09:00,,")
    }
    /// A completed work order, optionally carrying out recommendations.
    func completed(_ id: String, site: String, tech: String, resolves: [String] = []) {
        workOrders.append("\(id),\(site),Site \(site),Customer \(site),1 Main St,\(tech),completed,2026-10-01 09:00,2026-10-01 11:00,\(resolves.joined(separator: ";"))")
    }
    func recommendation(_ id: String, site: String, status: String = "open", by: String = "T1", owner: String = "S1",
                        activity: String = "2026-11-20", quote: String = "") {
        recommendations.append("\(id),,\(site),AHU-\(id),Fix \(id) before winter,normal,100,\(status),2026-09-01 10:00,\(activity),\(by),\(owner),\(quote)")
    }
    /// Replaces the status of one recommendation row.
    func setStatus(_ id: String, _ status: String, quote: String = "") {
        recommendations = recommendations.map { row in
            guard row.hasPrefix("\(id),") else { return row }
            var fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[7] = status
            fields[12] = quote
            return fields.joined(separator: ",")
        }
    }

    func write() throws {
        func put(_ name: String, _ text: String) throws {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try put("people.csv", (["person_id,name,email,role,manager_id"] + people).joined(separator: "\n") + "\n")
        try put("work_orders.csv", (["work_order_id,site_id,site_name,customer_name,site_address,technician_id,status,scheduled_start,completed_at,resolves"] + workOrders).joined(separator: "\n") + "\n")
        try put("recommendations.csv", (["recommendation_id,work_order_id,site_id,asset,description,priority,estimated_value,status,created_at,last_activity_at,recommended_by,sales_owner,quote_id"] + recommendations).joined(separator: "\n") + "\n")
        _ = try TestSupport.writeConfig(in: dir, extra: "state_path = \"state.sqlite\"", rules: rules, timezone: "UTC")
    }

    func cleanup() { try? FileManager.default.removeItem(at: dir) }

    /// Lines of the receiver log: (Message-ID, recipient, kind).
    func received() -> [(id: String, to: String, kind: String)] {
        guard let text = try? String(contentsOfFile: receiverLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t").map(String.init)
            return (f[0], f[1], f[2])
        }
    }
}

/// Collects what an in-process run "sends"; recipients in `failing` fail (transiently unless `permanent`), those in
/// `refusing` fail for good.
final class Receiver: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [OutgoingMessage] = []
    var failing: Set<String> = []
    var permanent = false
    var refusing: Set<String> = []

    var messages: [OutgoingMessage] { lock.withLock { list } }
    func clear() { lock.withLock { list = [] } }

    var transport: MailTransport {
        RecordingTransport.calling { [self] m in
            let (fail, perm) = lock.withLock {
                (failing.contains(m.recipient) || refusing.contains(m.recipient), permanent || refusing.contains(m.recipient))
            }
            if fail {
                return DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .failed, permanent: perm,
                                       attempts: 1, reply: perm ? "550 no such user" : "451 try later")
            }
            lock.withLock { list.append(m) }
            return DeliveryOutcome(messageID: m.messageID, recipient: m.recipient, status: .delivered, permanent: false,
                                   attempts: 1, reply: "250 ok")
        }
    }

    /// Messages to `recipient` of `kind`, decoded by Python's email package.
    func dumps(to recipient: String, kind: String) throws -> [MIMEDump] {
        try messages.filter { $0.recipient == recipient && $0.kind == kind }.map { try MIMEDump.parse($0.data) }
    }
}

/// A message as Python's email package reads it (scripts/mime_dump.py).
struct MIMEDump: Decodable {
    let headers: [String: [String]]
    let defects: [String]
    let text: String?
    let html: String?

    var subject: String { headers["Subject"]?.first ?? "" }
    var kind: String { headers["X-FollowThrough-Kind"]?.first ?? "" }

    static func parse(_ bytes: [UInt8]) throws -> MIMEDump {
        let file = TestScratch.path("message.eml")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try parse(files: [file.path])[0]
    }

    static func parse(files: [String]) throws -> [MIMEDump] {
        let result = try Child.run("/usr/bin/python3", [Repo.root.appendingPathComponent("scripts/mime_dump.py").path] + files)
        return try JSONDecoder().decode([MIMEDump].self, from: Data(result.out.utf8))
    }
}

/// Runs `NightlyJob` in this process against a workspace, with a fixed clock and the receiver as transport.
struct InProcess {
    let workspace: Workspace
    let receiver: Receiver
    let reports = Lines()

    func run(_ asOf: String, resend: Bool = false) -> FollowThroughKit.ExitStatus {
        let date = LocalDate(iso: asOf)!
        let now = Int64(date.daysSinceEpoch) * 86_400 + 20 * 3600
        let transport = receiver.transport
        let env = RunEnvironment(now: { now }, makeTransport: { _, _, _, _ in transport },
                                 report: { [reports] in reports.add($0) }, output: { [reports] in reports.add($0) })
        return NightlyJob(environment: env, logger: Logger(label: "test"))
            .run(RunRequest(configPath: workspace.config, asOf: date, resend: resend))
    }
}

/// Lines collected from several threads.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ line: String) { lock.withLock { items.append(line) } }
    var all: [String] { lock.withLock { items } }
}

/// Child processes: run to completion, or start and keep.
enum Child {
    struct Result { var status: Int32; var out: String; var err: String }

    static func run(_ path: String, _ args: [String], env: [String: String] = [:]) throws -> Result {
        let p = try start(path, args, env: env)
        return p.wait()
    }

    static func start(_ path: String, _ args: [String], env: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    final class Running: @unchecked Sendable {
        let process: Process
        let out: Pipe, err: Pipe
        init(process: Process, out: Pipe, err: Pipe) { self.process = process; self.out = out; self.err = err }
        var pid: Int32 { process.processIdentifier }
        func wait() -> Result {
            let group = DispatchGroup()
            nonisolated(unsafe) var errData = Data()
            group.enter()
            DispatchQueue.global().async { errData = self.err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            group.wait()
            process.waitUntilExit()
            return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                          err: String(decoding: errData, as: UTF8.self))
        }
    }

    /// The built CLI with arguments; the hidden test hooks in `env`.
    static func followthrough(_ args: [String], env: [String: String] = [:]) throws -> Result {
        try run(Repo.binary, args, env: env)
    }
}

/// Polls until `condition` holds or `seconds` pass.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

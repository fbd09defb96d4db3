import CSystem
import FollowThroughCore
import Foundation
import Logging

/// What `followthrough run` was asked to do.
public struct RunRequest: Sendable {
    public var configPath: String
    public var asOf: LocalDate?
    public var outbox: String?
    public var dryRun: Bool
    /// Where to write the plan's audit JSON, if anywhere.
    public var planOut: String?
    /// Render tonight's messages afresh and send them all again, even those already delivered.
    public var resend: Bool
    /// Where to write the run's JSON summary, if anywhere.
    public var summaryJSON: String?
    public init(configPath: String, asOf: LocalDate? = nil, outbox: String? = nil, dryRun: Bool = false, planOut: String? = nil,
                resend: Bool = false, summaryJSON: String? = nil) {
        self.configPath = configPath; self.asOf = asOf; self.outbox = outbox; self.dryRun = dryRun; self.planOut = planOut
        self.resend = resend; self.summaryJSON = summaryJSON
    }
}

/// The nightly job and its dry check, as the command line calls them; the exit status is decided once, at the end.
public struct NightlyJob: Sendable {
    public let environment: RunEnvironment
    public let logger: Logger
    /// Hidden test settings (see `TestHooks`); empty unless the integration tests set them.
    public var hooks: TestHooks

    public init(environment: RunEnvironment, logger: Logger, hooks: TestHooks = TestHooks()) {
        self.environment = environment
        self.logger = logger
        self.hooks = hooks
    }

    /// Messages rendered and stored together in the outbox step: enough to keep every core busy, few enough that
    /// their bodies (~40 KB each at 1M work orders) cost little memory.
    static let renderBatchSize = 32

    /// At most `count` malloc arenas from now on: one while the exports are read (the command line sets it first
    /// thing, see `Run.run()`), two from the outbox step on (`run`).
    public static func limitMallocArenas(to count: Int) { ft_limit_malloc_arenas(Int32(count)) }

    /// Maps allocations of a megabyte or more on their own, returned to the system as soon as they are freed: the
    /// run's large tables and arrays come and go (a part's table merged and dropped, an array outgrown), and with
    /// glibc's default, which raises the threshold to 32 MB after the first such free, later ones were carved from the
    /// heap and their memory stayed with the process (5M work orders over 15 years: peak 138 MB, 128 MB with this).
    public static func mapLargeAllocations() { ft_map_allocations_of_at_least(1 << 20) }

    /// The run: lock, load, outbox step (render and store in one transaction), deliver recording each outcome, finish.
    public func run(_ request: RunRequest) -> ExitStatus {
        let started = environment.now()
        var summary = RunSummary(asOf: request.asOf?.description ?? "", startedAt: started, exitStatus: .ok)
        summary.dry_run = request.dryRun
        summary.resend = request.resend
        let config: Config
        do { config = try RunPreparation.loadConfig(request.configPath) } catch {
            return fail(error.message, error.status, &summary, request)
        }
        var lock: RunLock?
        if !request.dryRun {
            do { lock = try RunLock.acquire(path: RunLock.path(forState: config.statePath)) } catch {
                if case .held = error {
                    environment.report("followthrough: \(error)")
                    return .locked  // no summary: the run holding the lock writes its own
                }
                return fail(error.description, .configOrInput, &summary, request)
            }
        }
        defer { lock?.release() }
        var timer = PhaseTimer()
        // The state first: which recommendations its recorded statuses may hold decides what the exports must keep
        // (they are read again, a piece at a time, and laid under tonight's once the exports are read).
        let store: StateStore
        let previous: PreviousStatuses
        do {
            if request.dryRun {
                store = try StateStore.copyOfExisting(path: config.statePath) ?? StateStore.inMemory()
            } else {
                store = try StateStore.open(path: config.statePath)
            }
            previous = try store.previousStatusesToMerge()
        } catch {
            return fail("\(error)", .configOrInput, &summary, request)
        }
        timer.lap("open_state")
        var loaded: LoadedRun
        do {
            loaded = try RunPreparation.load(config: config, asOf: request.asOf, now: started, previous: previous, packsStatuses: true,
                                             auditsPlan: request.planOut != nil, timer: &timer)
        } catch {
            return fail(error.message, error.status, &summary, request)
        }
        defer { environment.releaseAtEnd(loaded) }
        summary.as_of = loaded.asOf.description
        summary.add(loaded)
        if let planOut = request.planOut {
            do {
                try (loaded.planAuditJSON ?? PlanAudit(plan: loaded.plan, asOf: loaded.asOf).json())
                    .write(to: URL(fileURLWithPath: planOut), options: .atomic)
            } catch {
                return fail("\(planOut): cannot write the plan (\(error.localizedDescription))", .configOrInput, &summary, request)
            }
            timer.lap("plan_out")  // its own step, not part of transport_setup (the audit is made while rows are read again)
        }
        // Built before anything is stored, so a bad transport setting (no SMTP password, say) stops the run cleanly.
        var transport = MailTransport(name: "none") { _, _ in }
        if !request.dryRun {
            do {
                transport = try hooks.transport ?? environment.makeTransport(config, loaded.asOf, request.outbox, logger)
            } catch {
                return fail("\(error)", .configOrInput, &summary, request)
            }
        }
        timer.lap("transport_setup")
        // The rendering threads, started from here on, may take a malloc arena of their own: on the one the reading
        // shared they queued on its lock (~12% more CPU at 1M); before now, a second arena kept what the reading
        // threads freed at the merge from being used again (+24 MB of peak at 5M work orders over 15 years).
        Self.limitMallocArenas(to: 2)
        let runID: Int64
        let outbox: OutboxPreparation
        let problems = LockedList<String>()
        let renderMs = LockedList<Int>()
        // The plan moves to the outbox step, which fills it in where it lies (`loaded` keeps its stats and the people
        // it cannot reach, for the report).
        let notices = loaded.takePlan()
        let run = loaded
        do {
            runID = request.dryRun ? 0 : try store.beginRun(asOf: run.asOf, now: started, pid: getpid(), resend: request.resend)
            let outboxRequest = OutboxRequest(
                runID: runID, asOf: run.asOf, dataset: run.dataset, plan: consume notices, settings: config.followUp,
                resend: request.resend, now: started, envelopeFrom: config.mail.from.address, packedStatuses: run.packedStatuses,
                compose: { plan, generation, store in
                    // Rendering time only: the clock stops while each batch is stored.
                    var renderStart = DispatchTime.now().uptimeNanoseconds
                    var nanoseconds: UInt64 = 0
                    var composer = RunPreparation.composer(run, now: started, resendGeneration: generation)
                    composer.pack = BodyCompression.pack
                    problems.add(contentsOf: try composer.compose(plan, batchSize: Self.renderBatchSize) { batch in
                        nanoseconds += DispatchTime.now().uptimeNanoseconds - renderStart
                        try store(batch)
                        renderStart = DispatchTime.now().uptimeNanoseconds
                    })
                    nanoseconds += DispatchTime.now().uptimeNanoseconds - renderStart
                    renderMs.add(Int(nanoseconds / 1_000_000))
                })
            outbox = request.dryRun ? try store.rehearseOutbox(outboxRequest) : try store.prepareOutbox(outboxRequest)
            environment.releaseAtEnd(outbox.plan)
        } catch {
            return fail("\(error)", .configOrInput, &summary, request)
        }
        timer.lap("state_and_render")
        summary.phases_ms = timer.milliseconds
        summary.phases_ms["render"] = renderMs.all.reduce(0, +)
        summary.phases_peak_mb = timer.peakMegabytes
        summary.add(outbox)
        reportInput(loaded, problems: loaded.plan.unreachable + problems.all, outbox: outbox)
        if request.dryRun {
            for entry in outbox.deliverable {
                let earlier = entry.asOf == loaded.asOf.description ? "" : " (retry from \(entry.asOf))"
                environment.output("would send \(entry.kind) to \(entry.to): \(entry.subject)\(earlier)")
            }
            environment.report("followthrough: dry run: \(outbox.deliverable.count) message(s) to deliver, nothing sent or recorded")
            write(summary, to: request.summaryJSON)
            return .ok
        }
        summary.transport = transport.name
        let delivery = StatefulDelivery(store: store, runID: runID, now: environment.now,
                                        delayBeforeRecordingMs: hooks.deliveryDelayMs, report: environment.report)
        let outcomes: [DeliveryOutcome]
        do { outcomes = try delivery.deliver(outbox.deliverable, via: transport) } catch {
            timer.lap("deliver")
            summary.phases_ms.merge(timer.milliseconds) { $1 }
            summary.phases_peak_mb = timer.peakMegabytes
            return finish(store, runID, error: "\(error)", .configOrInput, &summary, request, pending: outbox.deliverable.count)
        }
        timer.lap("deliver")
        summary.phases_ms.merge(timer.milliseconds) { $1 }
        summary.phases_peak_mb = timer.peakMegabytes
        summary.add(outcomes, entries: outbox.deliverable)
        let status = reportDelivery(outcomes, expected: outbox.deliverable.count, transport: transport.name)
        return finish(store, runID, error: nil, status, &summary, request, pending: summary.no_outcome)
    }

    /// A run that stopped before the state was opened: report, write the summary, return the status.
    func fail(_ message: String, _ status: ExitStatus, _ summary: inout RunSummary, _ request: RunRequest) -> ExitStatus {
        environment.report("followthrough: \(message)")
        summary.exit_status = status.rawValue
        summary.error = message
        summary.finished_at = environment.now()
        write(summary, to: request.summaryJSON)
        return status
    }

    /// Records the end of the run in the state and writes the summary.
    func finish(_ store: StateStore, _ runID: Int64, error: String?, _ status: ExitStatus, _ summary: inout RunSummary,
                _ request: RunRequest, pending: Int) -> ExitStatus {
        if let error { environment.report("followthrough: \(error)") }
        summary.exit_status = status.rawValue
        summary.error = error
        summary.finished_at = environment.now()
        let json = String(decoding: summary.json(), as: UTF8.self)
        do {
            try store.finishRun(runID, now: summary.finished_at!, pending: pending, exitStatus: status.rawValue, summary: json)
        } catch {
            environment.report("followthrough: \(error)")
        }
        write(summary, to: request.summaryJSON)
        return status
    }

    func write(_ summary: RunSummary, to path: String?) {
        guard let path else { return }
        do { try summary.json().write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            environment.report("followthrough: \(path): cannot write the run summary (\(error.localizedDescription))")
        }
    }

    /// Validates config, templates and exports, prints the data-quality report and what a run would send.
    public func check(configPath: String, asOf: LocalDate?) -> ExitStatus {
        let prepared: PreparedRun
        do {
            let config = try RunPreparation.loadConfig(configPath)
            prepared = try RunPreparation.prepare(config: config, asOf: asOf, now: environment.now())
        } catch {
            environment.report("followthrough: \(error.message)")
            return error.status
        }
        let out = environment.output
        out("config: \(prepared.config.file) ok; templates: \(prepared.config.templatesDirectory) ok")
        switch prepared.config.mail.transport {
        case .outbox(let directory): out("mail: outbox \(directory)")
        case .smtp(let smtp):
            do {
                let settings = try smtp.settings(configFile: prepared.config.file)
                let login = settings.username.map { "user \($0), password \(smtp.passwordFile.map { "from \($0)" } ?? "from $\(smtp.passwordEnv)")" } ?? "no login"
                out("mail: smtp \(settings.url), tls \(settings.tls.rawValue), \(login)")
            } catch {
                environment.report("followthrough: \(error)")
                return .configOrInput
            }
        }
        for file in prepared.report.files {
            out("\(file.file): \(file.rows) rows, \(file.rejected) rejected")
        }
        for issue in prepared.report.rejections { out("rejected \(issue)") }
        for issue in prepared.report.warnings { out("warning \(issue)") }
        for problem in prepared.problems { out("warning \(problem)") }
        let s = prepared.plan.stats
        out("as of \(prepared.asOf): \(s.open) open recommendations, \(s.stale) stale, \(s.visitsInWindow) visits in the window")
        out("would send \(countByKind(prepared.messages)); check sends nothing")
        return .ok
    }

    func countByKind(_ messages: [ComposedMessage]) -> String {
        let summaries = messages.filter { $0.kind == .preVisit }.count
        let digests = messages.filter { $0.kind == .staleDigest }.count
        return "\(Formatting.count(summaries, "pre-visit summary", "pre-visit summaries")), \(Formatting.count(digests, "stale-lead digest"))"
    }

    func reportInput(_ loaded: LoadedRun, problems: [String], outbox: OutboxPreparation) {
        let limit = 20
        for issue in loaded.report.rejections.prefix(limit) { environment.report("followthrough: row left out: \(issue)") }
        let rejected = loaded.report.files.reduce(0) { $0 + $1.rejected }
        if rejected > limit { environment.report("followthrough: … and \(rejected - limit) more rows left out (run `followthrough check` for the full list)") }
        for issue in loaded.report.warnings.prefix(limit) { environment.report("followthrough: warning: \(issue)") }
        for problem in problems { environment.report("followthrough: warning: \(problem)") }
        let counts = loaded.report.files.map { "\($0.file) \($0.rows) rows (\($0.rejected) rejected)" }.joined(separator: ", ")
        let s = loaded.plan.stats
        environment.report("followthrough: as of \(loaded.asOf): read \(counts)")
        let kinds = outbox.tonightByKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        environment.report("followthrough: \(s.open) open recommendations, \(s.stale) stale, \(s.visitsInWindow) visits in the window; tonight: \(kinds.isEmpty ? "no messages" : kinds)")
        if outbox.firstRun { environment.report("followthrough: first run on this state: recommendation statuses recorded, no updates announced") }
        var state: [String] = ["\(outbox.storedByKind.values.reduce(0, +)) rendered and stored now"]
        if outbox.alreadyDelivered > 0 { state.append("\(outbox.alreadyDelivered) already delivered by an earlier run (not sent again; --resend forces it)") }
        if outbox.retriedFromEarlier > 0 { state.append("\(outbox.retriedFromEarlier) retried from earlier nights") }
        if outbox.superseded > 0 { state.append("\(outbox.superseded) superseded") }
        if outbox.expired > 0 { state.append("\(outbox.expired) given up after retry_days") }
        environment.report("followthrough: outbox: \(state.joined(separator: ", ")); \(outbox.deliverable.count) to deliver")
    }

    func reportDelivery(_ outcomes: [DeliveryOutcome], expected: Int, transport: String) -> ExitStatus {
        let delivered = outcomes.filter { $0.status == .delivered }
        let failed = outcomes.filter { $0.status == .failed }
        let retried = outcomes.filter { $0.attempts > 1 }.count
        for outcome in failed {
            environment.report("followthrough: FAILED \(outcome.recipient) after \(outcome.attempts) attempt(s): \(outcome.reply)")
        }
        let missing = expected - outcomes.count
        environment.report("followthrough: via \(transport): delivered \(delivered.count), retried \(retried), failed \(failed.count)"
                           + (missing > 0 ? ", no outcome for \(missing)" : ""))
        return failed.isEmpty && missing <= 0 ? .ok : .deliveryFailures
    }
}

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
    public init(configPath: String, asOf: LocalDate? = nil, outbox: String? = nil, dryRun: Bool = false, planOut: String? = nil) {
        self.configPath = configPath; self.asOf = asOf; self.outbox = outbox; self.dryRun = dryRun; self.planOut = planOut
    }
}

/// The nightly job and its dry check, as the command line calls them; the exit status is decided once, at the end.
public struct NightlyJob: Sendable {
    public let environment: RunEnvironment
    public let logger: Logger

    public init(environment: RunEnvironment, logger: Logger) {
        self.environment = environment
        self.logger = logger
    }

    public func run(_ request: RunRequest) -> ExitStatus {
        let prepared: PreparedRun
        do {
            let config = try RunPreparation.loadConfig(request.configPath)
            prepared = try RunPreparation.prepare(config: config, asOf: request.asOf, now: environment.now())
        } catch {
            environment.report("followthrough: \(error.message)")
            return error.status
        }
        reportInput(prepared)
        if let planOut = request.planOut {
            do {
                try PlanAudit(plan: prepared.plan, asOf: prepared.asOf).json().write(to: URL(fileURLWithPath: planOut), options: .atomic)
            } catch {
                environment.report("followthrough: \(planOut): cannot write the plan (\(error.localizedDescription))")
                return .configOrInput
            }
        }
        let outgoing = prepared.messages.map { message in
            OutgoingMessage(messageID: message.mime.messageID, kind: message.kind.rawValue,
                            envelopeFrom: prepared.config.mail.from.address, recipient: message.recipient.address,
                            data: message.mime.serialized())
        }
        if request.dryRun {
            for message in prepared.messages {
                environment.output("would send \(message.kind.rawValue) to \(message.recipient): \(message.mime.subject)")
            }
            environment.report("followthrough: dry run: \(outgoing.count) message(s) rendered, nothing sent")
            return .ok
        }
        let transport: MailTransport
        do {
            transport = try environment.makeTransport(prepared.config, prepared.asOf, request.outbox, logger)
        } catch {
            environment.report("followthrough: \(error)")
            return .configOrInput
        }
        let tally = DeliveryTally()
        do {
            try transport.deliver(outgoing) { outcome in tally.add(outcome) }
        } catch {
            environment.report("followthrough: \(error)")
            return .configOrInput
        }
        return reportDelivery(tally.outcomes, expected: outgoing.count, transport: transport.name)
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

    func reportInput(_ prepared: PreparedRun) {
        let limit = 20
        for issue in prepared.report.rejections.prefix(limit) { environment.report("followthrough: row left out: \(issue)") }
        let rejected = prepared.report.files.reduce(0) { $0 + $1.rejected }
        if rejected > limit { environment.report("followthrough: … and \(rejected - limit) more rows left out (run `followthrough check` for the full list)") }
        for issue in prepared.report.warnings.prefix(limit) { environment.report("followthrough: warning: \(issue)") }
        for problem in prepared.problems { environment.report("followthrough: warning: \(problem)") }
        let counts = prepared.report.files.map { "\($0.file) \($0.rows) rows (\($0.rejected) rejected)" }.joined(separator: ", ")
        let s = prepared.plan.stats
        environment.report("followthrough: as of \(prepared.asOf): read \(counts)")
        environment.report("followthrough: \(s.open) open recommendations, \(s.stale) stale, \(s.visitsInWindow) visits in the window; \(countByKind(prepared.messages)) to send")
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

/// Collects outcomes reported from transport threads.
final class DeliveryTally: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [DeliveryOutcome] = []
    func add(_ outcome: DeliveryOutcome) { lock.withLock { list.append(outcome) } }
    var outcomes: [DeliveryOutcome] { lock.withLock { list } }
}

import FollowThroughCore
import Foundation
import Logging

/// A step that stops the run before anything is sent, with the message to show and the exit status.
public struct RunFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var status: ExitStatus
    public var description: String { message }
}

/// Everything worked out before delivery: the data, its quality, the plan and the rendered messages.
public struct PreparedRun: Sendable {
    public var config: Config
    public var asOf: LocalDate
    /// As `LoadedRun.dataset`: without what only the rules read.
    public var dataset: Dataset
    public var report: DataQualityReport
    public var plan: Plan
    public var messages: [ComposedMessage]
    public var problems: [String]
}

/// Config, templates, data, its quality and the plan, before the state and rendering.
public struct LoadedRun: Sendable {
    public var config: Config
    public var asOf: LocalDate
    /// The exports as read, less what only the rules read (`Dataset.dropRulesInput()`, once `plan` was made).
    public var dataset: Dataset
    public var report: DataQualityReport
    public var plan: Plan
    public var templates: TemplateSet
    /// `dataset.statuses` as the state will keep them, packed while the run planned (see `PackedStatuses`).
    public var packedStatuses: PackedStatuses?
    /// `PlanAudit(plan:asOf:).json()`, made while the listed rows were read again (when asked: `auditsPlan`).
    public var planAuditJSON: Data?

    /// The plan, moved out for the outbox step; `plan` keeps only its stats and the people it cannot reach.
    public mutating func takePlan() -> Plan {
        var taken = Plan()
        taken.stats = plan.stats
        taken.unreachable = plan.unreachable
        swap(&taken, &plan)
        return taken
    }
}

/// Loads config, templates and exports, applies the rules and renders; refuses input it cannot trust.
public enum RunPreparation {
    public static func loadConfig(_ path: String) throws(RunFailure) -> Config {
        do { return try ConfigLoader.load(path: path) } catch { throw RunFailure(message: error.description, status: .configOrInput) }
    }

    /// Loads templates and exports and applies the rules; refuses input it cannot trust. Renders nothing yet.
    public static func load(config: Config, asOf requested: LocalDate?, now: Int64) throws(RunFailure) -> LoadedRun {
        var timer = PhaseTimer()
        return try load(config: config, asOf: requested, now: now, timer: &timer)
    }

    /// As `load`, timing its steps.
    /// `previous`: what the state recorded last run (`.none`: nothing yet); only the recommendations a rule lists or
    /// whose status moved since are kept in full. `packsStatuses`: pack tonight's statuses for the state meanwhile
    /// (`LoadedRun.packedStatuses`). `auditsPlan`: make the plan's audit meanwhile (`LoadedRun.planAuditJSON`).
    public static func load(config: Config, asOf requested: LocalDate?, now: Int64, previous: PreviousStatuses = .none,
                            packsStatuses: Bool = false, auditsPlan: Bool = false,
                            timer: inout PhaseTimer) throws(RunFailure) -> LoadedRun {
        // The templates are parsed on a thread of their own while the exports are read (~40 ms at startup with a
        // core to spare); a template error still comes first, as when they were parsed before the read.
        let parsing = Parallel { () throws(TemplateError) in try TemplateLoader.load(directory: config.templatesDirectory) }
        let asOf = requested ?? LocalDateTime(utcSeconds: now, in: config.timeZone).date
        var read = Optional(Result { () throws(ExportError) in
            try ExportLoader.load(config, previous: previous,
                                  visitWindow: VisitWindow(asOf: asOf, lookaheadDays: config.rules.lookaheadDays),
                                  ageLimit: AgeLimit(asOf: asOf, maxAgeDays: config.rules.maxAgeDays))
        })
        let templates: TemplateSet
        do { templates = try parsing.value() } catch { throw RunFailure(message: error.description, status: .configOrInput) }
        var loaded: ExportLoader.Loaded
        // Taken out, so that what the rules alone read is freed once the plan is made (`dropRulesInput()`).
        do { loaded = try read.take()!.get() } catch { throw RunFailure(message: error.description, status: .configOrInput) }
        timer.lap("read_exports")
        // Packed for the state on a core the planning leaves idle (nil on a run without last night's statuses).
        let packedStatuses = packsStatuses && loaded.dataset.statuses.knowsPrevious ? PackedStatuses(loaded.dataset.statuses) : nil
        if let bad = loaded.report.filesOverRejectionLimit(config.maxRejectedPercent).first {
            let first = loaded.report.rejections.first { $0.file == bad.file }.map { "; first: \($0)" } ?? ""
            throw RunFailure(
                message: "\(bad.file): \(bad.rejected) of \(bad.rows) rows rejected (\(String(format: "%.1f", bad.rejectedPercent))%), over max_rejected_percent = \(config.maxRejectedPercent)\(first) (hint: fix the export or its column/value mapping; nothing was sent)",
                status: .configOrInput)
        }
        var plan = Planner(settings: config.rules, asOf: asOf).plan(loaded.dataset)
        loaded.dataset.dropRulesInput()
        timer.lap("plan")
        // Ids only, so the plan as planned gives it (~8 ms at 1M), on a thread of its own while the rows are read again.
        // It holds the plan only until it is made (handed over, not captured), so that the rows fill the plan in place.
        let planned = Handoff(plan)
        let audit = auditsPlan ? Parallel { PlanAudit(plan: planned.take(), asOf: asOf).json() } : nil
        if !auditsPlan { _ = planned.take() }
        let auditJSON: Data?
        if !plan.rowsToRead.isEmpty {
            let file = config.exports[.recommendations]!.displayName
            do {
                let parts = try ExportLoader.recommendationParts(config, lines: plan.rowsToRead, marks: loaded.recommendationMarks)
                auditJSON = audit?.value()
                try plan.fill { line in
                    for part in parts { if let row = part[line] { return row } }
                    return nil
                }
            } catch let error as RowsChanged {
                throw RunFailure(message: "\(file): line \(error.line): \(error.message) (hint: the export changed while the run read it; run again once it is written in full; nothing was sent)", status: .configOrInput)
            } catch {
                throw RunFailure(message: "\(error)", status: .configOrInput)
            }
        } else {
            auditJSON = audit?.value()
        }
        timer.lap("read_rows")
        return LoadedRun(config: config, asOf: asOf, dataset: loaded.dataset, report: loaded.report, plan: plan, templates: templates,
                         packedStatuses: packedStatuses, planAuditJSON: auditJSON)
    }

    /// The composer for a loaded run; `resendGeneration` > 0 gives fresh Message-IDs (`--resend`).
    public static func composer(_ run: LoadedRun, now: Int64, resendGeneration: Int = 0) -> MessageComposer {
        let config = run.config
        return MessageComposer(
            templates: run.templates,
            contexts: NoticeContexts(asOf: run.asOf, settings: config.rules, currencySymbol: config.mail.currencySymbol,
                                     escalateAfterDigests: config.followUp.escalateAfterDigests),
            from: config.mail.from, salesInbox: config.mail.salesInbox, date: now,
            utcOffsetSeconds: config.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(now))),
            resendGeneration: resendGeneration)
    }

    /// Loads and renders without the state (what `check` shows).
    public static func prepare(config: Config, asOf requested: LocalDate?, now: Int64) throws(RunFailure) -> PreparedRun {
        let run = try load(config: config, asOf: requested, now: now)
        let composed = composer(run, now: now).compose(run.plan)
        return PreparedRun(config: config, asOf: run.asOf, dataset: run.dataset, report: run.report, plan: run.plan,
                           messages: composed.messages, problems: run.plan.unreachable + composed.problems)
    }
}

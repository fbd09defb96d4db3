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
    public var dataset: Dataset
    public var report: DataQualityReport
    public var plan: Plan
    public var messages: [ComposedMessage]
    public var problems: [String]
}

/// Loads config, templates and exports, applies the rules and renders; refuses input it cannot trust.
public enum RunPreparation {
    public static func loadConfig(_ path: String) throws(RunFailure) -> Config {
        do { return try ConfigLoader.load(path: path) } catch { throw RunFailure(message: error.description, status: .configOrInput) }
    }

    public static func prepare(config: Config, asOf requested: LocalDate?, now: Int64) throws(RunFailure) -> PreparedRun {
        let templates: TemplateSet
        do { templates = try TemplateLoader.load(directory: config.templatesDirectory) } catch {
            throw RunFailure(message: error.description, status: .configOrInput)
        }
        let loaded: (dataset: Dataset, report: DataQualityReport)
        do { loaded = try ExportLoader.load(config) } catch { throw RunFailure(message: error.description, status: .configOrInput) }
        if let bad = loaded.report.filesOverRejectionLimit(config.maxRejectedPercent).first {
            let first = loaded.report.rejections.first { $0.file == bad.file }.map { "; first: \($0)" } ?? ""
            throw RunFailure(
                message: "\(bad.file): \(bad.rejected) of \(bad.rows) rows rejected (\(String(format: "%.1f", bad.rejectedPercent))%), over max_rejected_percent = \(config.maxRejectedPercent)\(first) (hint: fix the export or its column/value mapping; nothing was sent)",
                status: .configOrInput)
        }
        let asOf = requested ?? LocalDateTime(utcSeconds: now, in: config.timeZone).date
        let plan = Planner(settings: config.rules, asOf: asOf).plan(loaded.dataset)
        let composer = MessageComposer(
            templates: templates,
            contexts: NoticeContexts(asOf: asOf, settings: config.rules, currencySymbol: config.mail.currencySymbol),
            from: config.mail.from, salesInbox: config.mail.salesInbox, date: now,
            utcOffsetSeconds: config.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(now))))
        let composed = composer.compose(plan)
        return PreparedRun(config: config, asOf: asOf, dataset: loaded.dataset, report: loaded.report, plan: plan,
                           messages: composed.messages, problems: plan.unreachable + composed.problems)
    }
}

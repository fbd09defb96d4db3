import ArgumentParser
import FollowThroughCore
import FollowThroughKit
import Logging

@main
struct FollowThroughCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followthrough",
        abstract: "Puts open field recommendations in front of the right person at the right time.",
        discussion: "Exit codes: 0 ok, 1 some deliveries failed, 2 config or input error, 3 another run holds the lock, 64 bad usage.",
        subcommands: [Run.self, Check.self, Status.self])
}

extension LocalDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(iso: argument) }
}

struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "The TOML config file.")
    var config: String

    @Flag(name: .shortAndLong, help: "Log more detail to stderr.")
    var verbose = false

    func logger() -> Logger {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "followthrough")
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The nightly job: read the exports, send summaries and digests.")

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("as-of"), help: "Run as if today were this date (YYYY-MM-DD); default: today in the configured time zone.")
    var asOf: LocalDate?

    @Option(help: "Write messages as .eml files into this folder instead of the configured transport.")
    var outbox: String?

    @Flag(name: .customLong("dry-run"), help: "Render and list what would be sent to whom; send nothing.")
    var dryRun = false

    @Option(name: .customLong("plan-out"), help: "Also write who gets which recommendations, by id, as JSON to this file.")
    var planOut: String?

    @Flag(help: "Render this date's messages afresh and send them all again, even those already delivered (new Message-IDs).")
    var resend = false

    @Option(name: .customLong("summary-json"), help: "Write the run's summary (counts read, rejected, messages by kind, delivered, failed) as JSON to this file.")
    var summaryJSON: String?

    func run() throws {
        let job = NightlyJob(environment: .live, logger: common.logger(), hooks: .fromEnvironment())
        let status = job.run(RunRequest(configPath: common.config, asOf: asOf, outbox: outbox, dryRun: dryRun, planOut: planOut,
                                        resend: resend, summaryJSON: summaryJSON))
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate config, templates and exports; print the data-quality report; send nothing.")

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("as-of"), help: "Check as if today were this date (YYYY-MM-DD).")
    var asOf: LocalDate?

    func run() throws {
        let job = NightlyJob(environment: .live, logger: common.logger())
        let status = job.check(configPath: common.config, asOf: asOf)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the last runs and what waits for a retry; exit 1 when the last run had failures (for monitors).")

    @OptionGroup var common: CommonOptions

    @Option(help: "How many runs to show.")
    var runs = 10

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let status = StatusCommand.run(configPath: common.config, runs: runs, json: json, environment: .live)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

import ArgumentParser
import FollowThroughCore
import FollowThroughKit
import Logging

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
        // One malloc arena while reading: the reading threads' memory is handed to the main thread when their parts
        // merge, and what they freed in arenas of their own stayed mapped (~10 MB of peak at 1M work orders, ~24 MB at
        // 5M over 15 years). The outbox step allows a second, for the rendering threads (see `NightlyJob.run`).
        NightlyJob.limitMallocArenas(to: 1)
        NightlyJob.mapLargeAllocations()
        let job = NightlyJob(environment: .live, logger: common.logger(), hooks: .fromEnvironment())
        let status = job.run(RunRequest(configPath: common.config, asOf: asOf, outbox: outbox, dryRun: dryRun, planOut: planOut,
                                        resend: resend, summaryJSON: summaryJSON))
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

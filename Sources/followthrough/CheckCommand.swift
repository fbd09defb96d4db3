import ArgumentParser
import FollowThroughCore
import FollowThroughKit
import Logging

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

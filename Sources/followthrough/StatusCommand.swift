import ArgumentParser
import FollowThroughCore
import FollowThroughKit
import Logging

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

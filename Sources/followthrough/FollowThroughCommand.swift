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
        subcommands: [Run.self, Check.self, Status.self, SendTest.self, BenchSMTP.self])
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

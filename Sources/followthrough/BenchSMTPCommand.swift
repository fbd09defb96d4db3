import ArgumentParser
import FollowThroughKit
import Logging

struct BenchSMTP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-smtp",
        abstract: "Send N generated messages to an SMTP sink on one connection and print messages per second (scripts/bench-smtp.sh).",
        shouldDisplay: false)

    @Option(help: "How many messages.") var count = 10_000
    @Option(help: "Approximate size of each message in bytes.") var size = 6_000
    @Option(help: "The sink, e.g. smtp://127.0.0.1:2525 (TLS off: loopback only).") var url: String

    func run() throws {
        var logger = Logger(label: "followthrough.bench")
        logger.logLevel = .warning
        print(try SMTPBenchmark.run(url: url, count: count, size: size, logger: logger))
    }
}

import ArgumentParser
import FollowThroughKit

struct SendTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send one small test message through the configured relay, to check the set-up before the first night.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Who gets the test message.")
    var to: String

    func run() throws {
        let status = FollowThroughKit.SendTest.run(configPath: common.config, to: to, environment: .live, logger: common.logger())
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

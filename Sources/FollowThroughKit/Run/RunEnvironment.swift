import FollowThroughCore
import Foundation
import Logging

/// How a run ends, as cron sees it.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    case deliveryFailures = 1
    case configOrInput = 2
    case locked = 3
}

/// The outside world a run touches, as values (live in production, fixed in tests).
public struct RunEnvironment: Sendable {
    /// Seconds since the epoch, now.
    public var now: @Sendable () -> Int64
    /// Builds the transport for this run; `outboxOverride` comes from `--outbox`.
    public var makeTransport: @Sendable (_ config: Config, _ asOf: LocalDate, _ outboxOverride: String?, _ logger: Logger) throws -> MailTransport
    /// Where the run report goes (stderr in production).
    public var report: @Sendable (String) -> Void
    /// Where command results go (stdout in production).
    public var output: @Sendable (String) -> Void
    /// Takes what a run read (the exports, the plan) when it is done with it. The command-line tool exits right after
    /// the run and keeps it (`ExitKeeper`): freeing millions of small objects one by one took ~40 ms at 1M work orders,
    /// and the kernel reclaims the memory at exit at once. Elsewhere (tests) it is simply released.
    public var releaseAtEnd: @Sendable (any Sendable) -> Void

    public init(now: @escaping @Sendable () -> Int64,
                makeTransport: @escaping @Sendable (Config, LocalDate, String?, Logger) throws -> MailTransport,
                report: @escaping @Sendable (String) -> Void, output: @escaping @Sendable (String) -> Void,
                releaseAtEnd: @escaping @Sendable (any Sendable) -> Void = { _ in }) {
        self.now = now; self.makeTransport = makeTransport; self.report = report; self.output = output
        self.releaseAtEnd = releaseAtEnd
    }

    public static let live = RunEnvironment(
        now: { Int64(Date().timeIntervalSince1970) },
        makeTransport: TransportFactory.make,
        report: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) },
        output: { line in print(line) },
        releaseAtEnd: ExitKeeper.keep)
}

/// Values kept until the process exits (see `RunEnvironment.releaseAtEnd`); only for a process that ends after the run.
public enum ExitKeeper {
    private static let kept = LockedList<any Sendable>()
    @Sendable public static func keep(_ value: any Sendable) { kept.add(value) }
}

/// Chooses the transport the config (or `--outbox`) asks for.
public enum TransportFactory {
    public static func make(_ config: Config, _ asOf: LocalDate, _ outboxOverride: String?, _ logger: Logger) throws -> MailTransport {
        if let outboxOverride { return OutboxTransport.live(directory: outboxOverride, asOf: asOf.description) }
        switch config.mail.transport {
        case .outbox(let directory): return OutboxTransport.live(directory: directory, asOf: asOf.description)
        case .smtp(let smtp):
            return SMTPTransport.live(settings: try smtp.settings(configFile: config.file), logger: logger)
        }
    }
}

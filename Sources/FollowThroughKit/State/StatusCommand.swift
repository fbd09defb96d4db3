import Foundation

/// `followthrough status`: reads the state (never writes it) and prints the report.
public enum StatusCommand {
    /// 0 when the last run went well (or there is none yet), 1 when it had failures, 2 when config or state cannot be read.
    public static func run(configPath: String, runs: Int, json: Bool, environment: RunEnvironment) -> ExitStatus {
        let config: Config
        do { config = try RunPreparation.loadConfig(configPath) } catch {
            environment.report("followthrough: \(error.message)")
            return error.status
        }
        do {
            guard let store = try StateStore.openForReading(path: config.statePath) else {
                if json {
                    let empty = StatusReport(state_path: config.statePath, runs: [], waiting: [], refused: [], last_run_failed: false)
                    environment.output(String(decoding: empty.json(), as: UTF8.self))
                } else {
                    environment.output("state: \(config.statePath) does not exist yet: no runs so far")
                }
                return .ok
            }
            let report = try store.statusReport(limit: max(1, runs), retryDays: config.followUp.retryDays)
            if json {
                environment.output(String(decoding: report.json(), as: UTF8.self))
            } else {
                report.lines(zone: config.timeZone).forEach(environment.output)
            }
            return report.last_run_failed ? .deliveryFailures : .ok
        } catch {
            environment.report("followthrough: \(error)")
            return .configOrInput
        }
    }
}

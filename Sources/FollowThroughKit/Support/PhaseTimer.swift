import Foundation

/// Wall time spent in each step of a run, in milliseconds, for the run summary (`phases_ms`).
public struct PhaseTimer: Sendable {
    public private(set) var milliseconds: [String: Int] = [:]
    /// The process's peak resident memory (MB) when each step ended: where the high-water mark was reached.
    public private(set) var peakMegabytes: [String: Int] = [:]
    private var last = DispatchTime.now().uptimeNanoseconds

    public init() {}

    /// Ends the current step under `name` and starts the next one.
    public mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        milliseconds[name, default: 0] += Int((now - last) / 1_000_000)
        var usage = rusage()
        if getrusage(RUSAGE_SELF.rawValue, &usage) == 0 { peakMegabytes[name] = usage.ru_maxrss / 1024 }
        last = now
    }
}

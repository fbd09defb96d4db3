/// Which open recommendations are too old to list (`max_age_days`): created more than that many days before the as-of
/// date. The rules only count them; the loader keeps them as counts-only keys (`AgedPending`).
public struct AgeLimit: Sendable, Equatable {
    public let asOf: LocalDate
    public let maxAgeDays: Int

    public init(asOf: LocalDate, maxAgeDays: Int) {
        self.asOf = asOf
        self.maxAgeDays = maxAgeDays
    }

    public func isTooOld(created: LocalDate) -> Bool { asOf.days(since: created) > maxAgeDays }
}

/// The days whose scheduled visits get a pre-visit summary: as-of + 1 … as-of + `lookahead_days`.
public struct VisitWindow: Sendable, Equatable {
    public let asOf: LocalDate
    public let last: LocalDate

    public init(asOf: LocalDate, lookaheadDays: Int) {
        self.asOf = asOf
        self.last = asOf.adding(days: lookaheadDays)
    }

    public func contains(_ day: LocalDate) -> Bool { day > asOf && day <= last }
}

/// The knobs of the `[rules]` config section.
public struct RuleSettings: Sendable, Equatable {
    /// Visits on as-of+1 … as-of+`lookaheadDays` get a pre-visit summary.
    public var lookaheadDays = 1
    /// A lead with no activity for this many days or more is stale.
    public var staleAfterDays = 14
    /// Leads listed in full per digest; the rest are counted.
    public var digestLimit = 25
    /// Recommendations older than this are counted, not listed.
    public var maxAgeDays = 365

    public init(lookaheadDays: Int = 1, staleAfterDays: Int = 14, digestLimit: Int = 25, maxAgeDays: Int = 365) {
        self.lookaheadDays = lookaheadDays; self.staleAfterDays = staleAfterDays
        self.digestLimit = digestLimit; self.maxAgeDays = maxAgeDays
    }
}

/// The rules: from a dataset and an as-of date to the night's summaries and digests. Pure.
public struct Planner: Sendable {
    public let settings: RuleSettings
    public let asOf: LocalDate

    public init(settings: RuleSettings, asOf: LocalDate) {
        self.settings = settings
        self.asOf = asOf
    }

    public func plan(_ dataset: Dataset) -> Plan {
        var plan = Plan()
        plan.stats.recommendations = dataset.recommendationCount
        // The rules filter and sort small keys of the open recommendations, never copies of them: see `RuleInput`.
        withRuleInput(dataset) { input in
            plan.stats.open = input.open.count + input.aged.open
            preVisitSummaries(input, into: &plan)
            staleLeadDigests(input, into: &plan)
            plan.rowsToRead = Set(input.placeholders.lines).sorted()
        }
        return plan
    }

    func ageDays(_ r: Recommendation) -> Int { asOf.days(since: r.createdAt.date) }
    func daysSinceActivity(_ r: Recommendation) -> Int { asOf.days(since: r.lastActivityAt.date) }

    /// A person who can be emailed, or nil.
    static func reachable(_ id: String, in people: [String: Person]) -> Person? {
        guard let person = people[id], !person.email.isEmpty else { return nil }
        return person
    }
}

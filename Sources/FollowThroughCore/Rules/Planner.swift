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
        // Positions in `dataset.recommendations`, not copies: at 1M work orders ~100k are open.
        let open = dataset.recommendations.indices.filter { dataset.isOpen(dataset.recommendations[$0]) }
        plan.stats.recommendations = dataset.recommendationCount
        plan.stats.open = open.count
        let upcoming = dataset.scheduledVisits
            .filter { ($0.scheduledStart?.date ?? asOf) > asOf }
            .sorted { ($0.scheduledStart!, $0.id) < ($1.scheduledStart!, $1.id) }
        preVisitSummaries(dataset, open: open, upcoming: upcoming, into: &plan)
        staleLeadDigests(dataset, open: open, upcoming: upcoming, into: &plan)
        return plan
    }

    func ageDays(_ r: Recommendation) -> Int { asOf.days(since: r.createdAt.date) }
    func daysSinceActivity(_ r: Recommendation) -> Int { asOf.days(since: r.lastActivityAt.date) }
    func isTooOld(_ r: Recommendation) -> Bool { ageDays(r) > settings.maxAgeDays }

    /// A person who can be emailed, or nil.
    static func reachable(_ id: String, in people: [String: Person]) -> Person? {
        guard let person = people[id], !person.email.isEmpty else { return nil }
        return person
    }
}

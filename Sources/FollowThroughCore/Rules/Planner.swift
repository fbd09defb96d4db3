/// The rules: from a dataset and an as-of date to the night's summaries and digests. Pure.
public struct Planner: Sendable {
    public let settings: RuleSettings
    public let asOf: LocalDate

    public init(settings: RuleSettings, asOf: LocalDate) {
        self.settings = settings
        self.asOf = asOf
    }

    public func plan(_ dataset: Dataset) -> Plan {
        precondition(!dataset.rulesInputDropped, "the rules' input was dropped once the plan was made")
        var plan = Plan()
        plan.stats.recommendations = dataset.recommendationCount
        // The rules filter and sort small keys of the open recommendations, never copies of them: see `RuleInput`.
        withRuleInput(dataset) { input in
            plan.stats.open = input.open.count + input.aged.open
            // The two rules read the same input and write plans of their own, side by side (each ~10 ms at 1M).
            let inputs = Unchecked([input.withLog(), input.withLog()])
            let parts = concurrentMap(2) { rule in
                var part = Plan()
                if rule == 0 { preVisitSummaries(inputs.value[0], into: &part) } else { staleLeadDigests(inputs.value[1], into: &part) }
                return part
            }
            let (visits, digests) = (parts[0], parts[1])
            plan.summaries = visits.summaries
            plan.unreachable = visits.unreachable
            plan.stats.visitsInWindow = visits.stats.visitsInWindow
            plan.digests = digests.digests
            plan.stats.stale = digests.stats.stale
            plan.rowsToRead = Set(inputs.value[0].placeholders.lines + inputs.value[1].placeholders.lines).sorted()
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

/// A value handed to other threads that the compiler cannot prove safe to share: `RuleInput`'s views of the dataset's
/// arrays, valid while `withRuleInput` runs, which the threads using them do not outlive.
struct Unchecked<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

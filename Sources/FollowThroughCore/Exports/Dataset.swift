/// Everything the rules need from the three exports; history that no rule uses is not kept. Once the plan is made,
/// what only the rules read may be dropped (`dropRulesInput()`): the later steps need the people, sites, statuses and
/// the recommendations held in full.
public struct Dataset: Sendable {
    public var people: [String: Person]
    public var sites: SiteDirectory
    /// Work orders with status `scheduled`.
    public var scheduledVisits: [WorkOrder]
    /// The open or quoted recommendations a completed work order carried out (so no longer open). Others it did are
    /// tracked as `resolved` in `statuses`; ids of no recommendation count for nothing.
    public var resolvedIDs: Set<String>
    /// The recommendations held in full: all of them, or, when the builder was given the last run's statuses, those
    /// whose status moved since (read again: see `DatasetBuilder.previous`) and the pending ones unless the builder
    /// keeps those as rows to read again (`DatasetBuilder.keepsPendingInFull`).
    public var recommendations: [Recommendation]
    /// Every open or quoted recommendation (resolved or not), in file order: what the rules rank.
    public var pending: [PendingRecommendation] = []
    /// Open or quoted recommendations too old to list, kept to be counted (see `DatasetBuilder.ageLimit`).
    public var aged = AgedPending()
    /// Every recommendation's tracked status (the export's, or `resolved`), whether kept in `recommendations` or not.
    public var statuses = StatusSnapshot()
    /// Recommendations in the export (accepted rows).
    public var recommendationCount = 0
    /// True once `dropRulesInput()` let go of what only the rules read: no rule can run on this dataset any more.
    public private(set) var rulesInputDropped = false

    public init(people: [String: Person] = [:], sites: [String: Site] = [:], scheduledVisits: [WorkOrder] = [],
                resolvedIDs: Set<String> = [], recommendations: [Recommendation] = []) {
        self.people = people; self.sites = SiteDirectory(sites); self.scheduledVisits = scheduledVisits
        self.resolvedIDs = resolvedIDs; self.recommendations = recommendations
        recommendationCount = recommendations.count
        for (i, r) in recommendations.enumerated() where r.status.isPending { pending.append(PendingRecommendation(r, record: Int32(i))) }
        for r in recommendations { statuses[r.id] = StatusChanges.tracked(r, resolvedIDs: resolvedIDs) }
    }

    /// Builds a dataset from whole records, as the builder would (handy for tests and small inputs).
    public init(people: [Person], workOrders: [WorkOrder], recommendations: [Recommendation]) {
        var builder = DatasetBuilder()
        people.forEach { builder.add($0) }
        workOrders.forEach { builder.add($0) }
        recommendations.forEach { builder.add($0) }
        self = builder.build().dataset
    }

    /// A pending recommendation in full when the dataset holds it; else without its text (its row must be read again).
    public func recommendation(_ key: PendingRecommendation) -> Recommendation {
        key.record >= 0 ? recommendations[Int(key.record)] : key.placeholder
    }

    /// Drops what only the rules read (the pending and aged recommendations, the scheduled visits, the ids completed
    /// work orders did), once the plan is made: the plan holds what its messages list, and the night's later steps
    /// need the people, sites, statuses and the recommendations held in full. (Kept through them, these were ~30 MB of
    /// the render step's memory at 5M work orders.)
    public mutating func dropRulesInput() {
        (pending, aged, scheduledVisits, resolvedIDs) = ([], AgedPending(), [], [])
        rulesInputDropped = true
    }

    /// True when the recommendation still waits for the customer: open or quoted, and no completed work order did it.
    public func isOpen(_ recommendation: Recommendation) -> Bool {
        precondition(!rulesInputDropped, "the ids completed work orders did were dropped once the plan was made")
        return recommendation.status.isPending && !resolvedIDs.contains(recommendation.id)
    }
}

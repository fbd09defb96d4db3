/// Everything the rules need from the three exports; history that no rule uses is not kept.
public struct Dataset: Sendable {
    public var people: [String: Person]
    public var sites: [String: Site]
    /// Work orders with status `scheduled`.
    public var scheduledVisits: [WorkOrder]
    /// Recommendation ids carried out by a completed work order.
    public var resolvedIDs: Set<String>
    public var recommendations: [Recommendation]

    public init(people: [String: Person] = [:], sites: [String: Site] = [:], scheduledVisits: [WorkOrder] = [],
                resolvedIDs: Set<String> = [], recommendations: [Recommendation] = []) {
        self.people = people; self.sites = sites; self.scheduledVisits = scheduledVisits
        self.resolvedIDs = resolvedIDs; self.recommendations = recommendations
    }

    /// Builds a dataset from whole records, as the builder would (handy for tests and small inputs).
    public init(people: [Person], workOrders: [WorkOrder], recommendations: [Recommendation]) {
        var builder = DatasetBuilder()
        people.forEach { builder.add($0) }
        workOrders.forEach { builder.add($0) }
        recommendations.forEach { builder.add($0) }
        self = builder.build().dataset
    }

    /// True when the recommendation still waits for the customer: open or quoted, and no completed work order did it.
    public func isOpen(_ recommendation: Recommendation) -> Bool {
        recommendation.status.isPending && !resolvedIDs.contains(recommendation.id)
    }
}

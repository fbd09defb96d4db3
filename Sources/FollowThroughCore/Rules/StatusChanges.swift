/// Detects recommendations whose status moved since the last run. Pure.
public enum StatusChanges {
    /// What the state remembers of one recommendation.
    public struct Seen: Sendable, Equatable {
        public var status: TrackedStatus
        public init(status: TrackedStatus) { self.status = status }
    }

    /// The tracked status of a recommendation in a dataset: `resolved` when a completed work order did it
    /// (unless the export already says completed), otherwise the export's status.
    public static func tracked(_ r: Recommendation, resolvedIDs: Set<String>) -> TrackedStatus {
        if r.status == .completed { return .completed }
        if resolvedIDs.contains(r.id) { return .resolved }
        return TrackedStatus(rawValue: r.status.rawValue) ?? .open
    }

    /// Compares the dataset with what was seen before. Returns the statuses to record (recommendations new or moved
    /// since `previous`: unchanged ones need no write), and the changes
    /// to announce: none on a first run (`previous` empty), none for recommendations seen for the first time, and none
    /// without a `recommended_by` (nobody to tell). Recommendations missing from the export keep their old status.
    public static func detect(previous: [String: Seen], dataset: Dataset, asOf: LocalDate)
        -> (toRecord: [String: TrackedStatus], changes: [StatusChange]) {
        var toRecord: [String: TrackedStatus] = [:]
        var changes: [StatusChange] = []
        let firstRun = previous.isEmpty
        for r in dataset.recommendations {
            let now = tracked(r, resolvedIDs: dataset.resolvedIDs)
            let before = previous[r.id]?.status
            guard before != now else { continue }
            toRecord[r.id] = now
            guard !firstRun, let before, !r.recommendedBy.isEmpty else { continue }
            changes.append(StatusChange(
                recommendationID: r.id, recommendedBy: r.recommendedBy, from: before, to: now, observedOn: asOf,
                description: r.description, siteLabel: (dataset.sites[r.siteID] ?? Site(id: r.siteID)).label, quoteID: r.quoteID))
        }
        return (toRecord, changes.sorted { ($0.recommendedBy, $0.recommendationID) < ($1.recommendedBy, $1.recommendationID) })
    }

    /// Several unannounced changes of one recommendation told as one: first `from`, last `to`; dropped when it
    /// came back to where it started. Keeps the first occurrence's order.
    public static func coalesce(_ changes: [StatusChange]) -> [StatusChange] {
        var order: [String] = []
        var merged: [String: StatusChange] = [:]
        for c in changes.sorted(by: { ($0.observedOn, $0.storeID) < ($1.observedOn, $1.storeID) }) {
            if var m = merged[c.recommendationID] {
                m.to = c.to; m.observedOn = c.observedOn; m.quoteID = c.quoteID.isEmpty ? m.quoteID : c.quoteID
                merged[c.recommendationID] = m
            } else {
                order.append(c.recommendationID)
                merged[c.recommendationID] = c
            }
        }
        return order.compactMap { merged[$0] }.filter { $0.from != $0.to }
    }
}

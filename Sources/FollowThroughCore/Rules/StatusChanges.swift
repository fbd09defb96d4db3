/// Detects recommendations whose status moved since the last run. Pure.
public enum StatusChanges {
    /// The tracked status of a recommendation in a dataset: `resolved` when a completed work order did it
    /// (unless the export already says completed), otherwise the export's status.
    public static func tracked(_ r: Recommendation, resolvedIDs: Set<String>) -> TrackedStatus {
        if r.status == .completed { return .completed }
        if resolvedIDs.contains(r.id) { return .resolved }
        return TrackedStatus(rawValue: r.status.rawValue) ?? .open
    }

    /// Compares the dataset with what was seen before. Returns the statuses to keep for the next run (last run's with
    /// tonight's laid over it: recommendations missing from the export keep their old status), and the changes to
    /// announce: none on a first run (nothing recorded before), none for recommendations seen for the first time, and
    /// none without a `recommended_by` (nobody to tell). Last run's statuses are the dataset's own when it was read
    /// against them (`StatusSnapshot.knowsPrevious`: nothing is copied then), else `previous`. Every recommendation
    /// whose status moved must be in `dataset.recommendations` (the builder reads their rows again).
    public static func detect(previous: StatusSnapshot?, dataset: Dataset, asOf: LocalDate)
        -> (next: StatusSnapshot, moved: Int, changes: [StatusChange]) {
        var next = dataset.statuses
        if !next.knowsPrevious { next.mergePrevious(previous ?? StatusSnapshot()) }
        guard next.previousCount > 0 else { return (next, 0, []) }
        var changes: [StatusChange] = []
        for r in dataset.recommendations where !r.recommendedBy.isEmpty {
            guard let before = next.previous(r.id), let now = next.tonight(r.id), before != now else { continue }
            changes.append(StatusChange(
                recommendationID: r.id, recommendedBy: r.recommendedBy, from: before, to: now, observedOn: asOf,
                description: r.description, siteLabel: (dataset.sites[r.siteID] ?? Site(id: r.siteID)).label, quoteID: r.quoteID))
        }
        return (next, next.movedCount, changes.sorted { ($0.recommendedBy, $0.recommendationID) < ($1.recommendedBy, $1.recommendationID) })
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

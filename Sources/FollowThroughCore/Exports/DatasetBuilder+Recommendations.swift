/// Recommendation rows: the first row of each id, kept in full, as a pending key or as its line and status only.
extension DatasetBuilder {
    /// As `prefetchWorkOrder`, for a recommendation row's id.
    @inline(__always)
    mutating func prefetchRecommendation(id: UnsafeRawBufferPointer) { recommendationLines.prefetch(id) }

    public mutating func add(_ recommendation: Recommendation) {
        if recommendation.status.isPending && !keepsPendingInFull {
            return add(PendingRecommendation(recommendation, record: -1))
        }
        guard firstRow(recommendation.id, line: recommendation.line, status: recommendation.status) else { return }
        // Pending ones are kept (the rules list them); settled ones when no last run is known, else read again if they moved.
        let keep = previous == nil || recommendation.status.isPending
        if recommendation.status.isPending {
            dataset.pending.append(PendingRecommendation(recommendation, record: keep ? Int32(dataset.recommendations.count) : -1))
        }
        if keep { return dataset.recommendations.append(recommendation) }
        var workOrderID = recommendation.workOrderID
        if recommendation.recommendedBy.isEmpty { workOrderID.withUTF8 { noteMayMove(workOrderID: UnsafeRawBufferPointer($0)) } }
    }

    /// A recommendation that is not pending (accepted, declined, completed), as `add(_:)` takes it, but its whole
    /// record (text and all) is made by `full` only when kept: only without a last run to compare with. Building every
    /// one to drop most was ~a third of reading the recommendations.
    mutating func addSettled(id: String, status: RecommendationStatus, line: Int, workOrderID: UnsafeRawBufferPointer,
                             recommendedBy: UnsafeRawBufferPointer, full: () -> Recommendation) {
        precondition(!status.isPending, "pending ones take whole recommendations")
        if previous == nil { return add(full()) }
        guard firstRow(id, line: line, status: status) else { return }
        if recommendedBy.isEmpty { noteMayMove(workOrderID: workOrderID) }
    }

    /// A settled recommendation without `recommended_by`: when the last run recorded statuses (it may have recorded
    /// this one), its status may have moved, and its work order's technician is the one to tell. (A filter of last
    /// run's ids, to leave out the few recommendations new tonight, was ~2 MB at 5M work orders over 15 years and
    /// left out next to nothing.)
    private mutating func noteMayMove(workOrderID: UnsafeRawBufferPointer) {
        guard !workOrderID.isEmpty, let previous, previous.count > 0 else { return }
        _ = laterWorkOrders.insertIfAbsent(String(decoding: workOrderID, as: UTF8.self), 0)  // keyed as a `String` would be
    }

    /// A pending recommendation kept without its text (`keepsPendingInFull` false): its row is read again if a message
    /// lists it, or when its status moved since the last run (`movedLines()`).
    public mutating func add(_ key: PendingRecommendation) {
        guard firstRow(key.id, line: key.line, status: key.status) else { return }
        if let ageLimit, ageLimit.isTooOld(created: key.createdAt.date) { return dataset.aged.append(key) }
        dataset.pending.append(key)
    }

    /// Records the recommendation's id with its line and status; false (and a rejection) when the id was seen before.
    /// Two parts sharing the table (`shareRecommendationIDs(with:)`): true too when this (first) part's row displaced
    /// the later part's of the id (noted in `displacedRows`, a duplicate at the merge); false, with no rejection, in a
    /// later part whose sharing was given up (its rows are all read again).
    private mutating func firstRow(_ id: String, line: Int, status: RecommendationStatus) -> Bool {
        precondition(resolvedMarks == nil, "recommendations are read before the work orders that name their technicians")
        let value = Self.lineValue(line, StatusSnapshot.value(tonight: TrackedStatus(status).code, previous: StatusSnapshot.none))
        var id = id
        let first: UInt64
        switch id.withUTF8({ recommendationLines.insertKeepingSmallest(UnsafeRawBufferPointer($0), value) }) {
        case .inserted: return true
        case .held(let held): first = held
        case .displaced(let later):  // the later part's row, read first on its thread, is the duplicate
            displacedRows.append(DisplacedRow(line: Self.line(later), id: id, firstLine: line))
            return true
        case .abandoned: return false  // the later part's rows are all dropped and read again
        }
        duplicateLines[line] = id
        reject(.recommendations, line: line, Self.duplicate(.recommendations, id, first: Self.line(first)))
        return false
    }

    /// A value of `recommendationLines`: the row's line above the statuses (`StatusSnapshot.value(tonight:previous:)`).
    @inline(__always)
    static func lineValue(_ line: Int, _ statuses: UInt64) -> UInt64 {
        precondition(line < 1 << 32, "too many lines to pack")
        return UInt64(line) << 8 | statuses
    }

    /// The line in a value of `recommendationLines` (0: an id only the last run recorded).
    @inline(__always)
    static func line(_ value: UInt64) -> Int { Int(value >> 8) }
}

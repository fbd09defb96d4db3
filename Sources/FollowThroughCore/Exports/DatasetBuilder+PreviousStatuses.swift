/// The statuses the last run recorded, laid under tonight's; the settled rows whose status moved read again.
extension DatasetBuilder {
    /// Once the exports are read: lays the last run's statuses (`previous`) under tonight's, its ids that tonight's
    /// exports no longer have kept with their old status. Does what completed work orders did first.
    public mutating func mergePrevious() throws {
        guard let previous, mergedPrevious == nil else { return }
        applyWorkDone()
        // Most ids are in both; room, too, for all of last run's should tonight's export hold far fewer.
        recommendationLines.reserveCapacity(max(recommendationLines.count, previous.count) + previous.count / 64)
        var merged = 0
        try previous.forEach { id, status in
            guard StatusSnapshot.mergePrevious(id, status.code, into: &recommendationLines) else {
                throw PreviousStatusRepeated(id: String(decoding: id, as: UTF8.self))
            }
            merged += 1
        }
        mergedPrevious = merged
    }

    /// After `mergePrevious()`: the lines of the recommendations whose status moved since the last run and that are not
    /// held in full, in file order; their rows are to be read again and handed to `addMoved(_:)`.
    public mutating func movedLines() -> [Int] {
        guard mergedPrevious != nil else { return [] }
        let held = Set(dataset.recommendations.map(\.line))
        var rows: [MovedRow] = []
        recommendationLines.forEach { id, value in
            guard StatusSnapshot.moved(value), !held.contains(Self.line(value)) else { return }
            rows.append(MovedRow(line: Self.line(value), id: String(decoding: id, as: UTF8.self), tonight: StatusSnapshot.tonight(value)))
        }
        moved = rows.sorted { $0.line < $1.line }
        return moved.map(\.line)
    }

    /// Last run's statuses named one recommendation twice: they are damaged.
    public struct PreviousStatusRepeated: Error, CustomStringConvertible {
        public var id: String
        public var description: String { "the recorded recommendation statuses are damaged (recommendation '\(id)' twice)" }
    }

    /// A recommendation whose row is to be read again: where it was, and what it said.
    struct MovedRow: Sendable {
        var line: Int
        var id: String
        /// Tonight's `TrackedStatus.code`.
        var tonight: UInt64
    }

    /// The rows of `movedLines()`, read again in full (by line, as `RecordDecoder.recommendation(_:)` decodes them). A
    /// row missing, or holding another recommendation or status, means the file changed since it was read: the
    /// changes cannot be trusted (and, recorded, would never be told).
    public mutating func addMoved(_ rows: [Int: Recommendation]) throws(RowsChanged) {
        let resolved = TrackedStatus.resolved.code
        dataset.recommendations.reserveCapacity(dataset.recommendations.count + moved.count)
        for expected in moved {
            guard let row = rows[expected.line] else {
                throw RowsChanged(line: expected.line, message: "recommendation '\(expected.id)' is no longer on this line")
            }
            let status = TrackedStatus(row.status).code
            guard row.id == expected.id,
                  expected.tonight == resolved ? row.status != .completed : status == expected.tonight else {
                throw RowsChanged(line: expected.line, message: "this line held recommendation '\(expected.id)' earlier in the run and now '\(row.id)' (\(row.status.rawValue))")
            }
            dataset.recommendations.append(row)
        }
        moved = []
    }
}

import FollowThroughCore
import GRDB

extension StateStore {
    /// The statuses the last run recorded, as tonight's read takes them (`PreviousStatuses`): counted by one pass over
    /// the stored pieces now (which finds a damaged snapshot before any export is read), and read again, a piece at a
    /// time, when they are laid under tonight's. Never held whole beside tonight's statuses: at 1.2M recommendations
    /// that was a second table of ~40 MB.
    /// Each pass lets its connection's page cache go when done (the snapshot's pieces, held otherwise through the read
    /// of the exports or through the rules: ~1 MB of a later night's peak at 5M work orders over 15 years).
    /// The second read finds the same snapshot: a run holds the lock while it may write one, but a dry run takes no
    /// lock, and a run finishing between its two reads is told as such (run again), not as damage.
    public func previousStatusesToMerge() throws(StateError) -> PreviousStatuses {
        let (count, taken) = try read { db in
            defer { db.releaseMemory() }
            return (try StatusLedger.forEachRecorded(db) { _, _ in }, try Self.snapshotTaken(db))
        }
        guard count > 0 else { return .none }
        return PreviousStatuses(count: count) { [self] body in
            try read { db in
                defer { db.releaseMemory() }
                guard try Self.snapshotTaken(db) == taken else {
                    throw StateError(file: "", message: "the recorded recommendation statuses changed while this run read them (another run finished meanwhile)",
                                     hint: "run again")
                }
                guard try StatusLedger.forEachRecorded(db, body) == count else { throw StatusLedger.damaged }
            }
        }
    }

    /// Which snapshot the state holds: the run that took it, and its date and size.
    private static func snapshotTaken(_ db: Database) throws -> [String] {
        try Row.fetchOne(db, sql: """
            SELECT taken_on, count, (SELECT MAX(id) FROM run WHERE finished_at IS NOT NULL) FROM status_snapshot WHERE id = 1
            """).map { row in (0..<3).map { "\(row[$0] as DatabaseValue)" } } ?? []
    }
}

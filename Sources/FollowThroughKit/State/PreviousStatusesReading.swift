import FollowThroughCore
import GRDB

extension StateStore {
    /// The statuses the last run recorded, as tonight's read takes them (`PreviousStatuses`): counted and their ids
    /// gathered in a filter by one pass over the stored pieces now (which also finds a damaged snapshot before any
    /// export is read), and read again, a piece at a time, when they are laid under tonight's. Never held whole beside
    /// tonight's statuses: at 1.2M recommendations that was a second table of ~40 MB.
    public func previousStatusesToMerge() throws(StateError) -> PreviousStatuses {
        let (count, ids) = try read { db in
            var ids: IDFilter?
            let count = try StatusLedger.forEachRecorded(db, expecting: { ids = IDFilter(expectedCount: $0) }) { id, _ in
                ids!.insert(id)
            }
            return (count, ids ?? .empty)
        }
        guard count > 0 else { return .none }
        return PreviousStatuses(count: count, ids: ids) { [self] body in
            try read { db in
                guard try StatusLedger.forEachRecorded(db, body) == count else { throw StatusLedger.damaged }
            }
        }
    }
}

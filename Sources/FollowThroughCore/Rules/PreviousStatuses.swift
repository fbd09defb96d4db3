/// The statuses the last run recorded, as tonight's read uses them without holding them all beside tonight's: how many
/// there are, a filter that tells whether an id may be among them (asked while the exports are read), and a pass over
/// them all (laid under tonight's once the exports are read: `DatasetBuilder.mergePrevious()`), which the state
/// streams from its file.
public struct PreviousStatuses: Sendable {
    public var count: Int
    /// Every id the last run recorded (and, rarely, a few it did not).
    public var ids: IDFilter
    /// Calls `body` with each recorded id and its status.
    public var forEach: @Sendable (_ body: (UnsafeRawBufferPointer, TrackedStatus) throws -> Void) throws -> Void

    public init(count: Int, ids: IDFilter,
                forEach: @escaping @Sendable (_ body: (UnsafeRawBufferPointer, TrackedStatus) throws -> Void) throws -> Void) {
        self.count = count; self.ids = ids; self.forEach = forEach
    }

    /// From a snapshot held whole (tests, small states).
    public init(_ snapshot: StatusSnapshot) {
        var ids = IDFilter(expectedCount: snapshot.count)
        snapshot.forEachEntry { id, _ in ids.insert(id) }
        self.init(count: snapshot.count, ids: ids) { body in
            try snapshot.forEachEntry { id, code in try body(id, TrackedStatus(code: code) ?? .open) }
        }
    }

    /// A first run: nothing recorded yet.
    public static let none = PreviousStatuses(count: 0, ids: .empty) { _ in }
}

/// The statuses the last run recorded, as tonight's read uses them without holding them all beside tonight's: how many
/// there are, and a pass over them all (laid under tonight's once the exports are read:
/// `DatasetBuilder.mergePrevious()`), which the state streams from its file.
public struct PreviousStatuses: Sendable {
    public var count: Int
    /// Calls `body` with each recorded id and its status.
    public var forEach: @Sendable (_ body: (UnsafeRawBufferPointer, TrackedStatus) throws -> Void) throws -> Void

    public init(count: Int, forEach: @escaping @Sendable (_ body: (UnsafeRawBufferPointer, TrackedStatus) throws -> Void) throws -> Void) {
        self.count = count; self.forEach = forEach
    }

    /// From a snapshot held whole (tests, small states).
    public init(_ snapshot: StatusSnapshot) {
        self.init(count: snapshot.count) { body in
            try snapshot.forEachEntry { id, code in try body(id, TrackedStatus(code: code) ?? .open) }
        }
    }

    /// A first run: nothing recorded yet.
    public static let none = PreviousStatuses(count: 0) { _ in }
}

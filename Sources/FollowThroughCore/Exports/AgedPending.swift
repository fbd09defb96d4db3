/// The open or quoted recommendations too old to list (`AgeLimit`): the rules only count them, per site visited and
/// per stale-lead digest, so each is kept as a 32-byte key with its names interned, not as a `PendingRecommendation`
/// (~120 bytes plus a rule key). Years of history add such recommendations by the hundred thousand; this keeps them
/// from setting the run's memory. Resolved ones are marked at `DatasetBuilder.build()` (by line: a key is the first
/// row of its id).
public struct AgedPending: Sendable {
    struct Key: Sendable {
        var line: Int32
        /// Indexes into `names`; `recommendedBy` -1 when blank.
        var site: UInt32
        var owner: UInt32
        var recommendedBy: Int32
        /// Index into `workOrders` when `recommended_by` is blank and a work order is named (its technician is the
        /// default, checked against people.csv); -1 otherwise.
        var workOrder: Int32
        /// `lastActivityAt.date.daysSinceEpoch`: stale or not.
        var lastActivity: Int32
        /// In cents, 0 when blank (as the rules add them up).
        var value: Int64
    }

    private(set) var keys: [Key] = []
    /// Sites, owners and technicians, each once.
    private(set) var names: [String] = []
    private var nameIndex = ShortKeyTable()
    private(set) var workOrders: [String] = []
    /// Per key, true when a completed work order did it (set at build).
    var resolved: [Bool] = []

    public init() {}

    public var count: Int { keys.count }

    /// True when a completed work order did the key at `position` (known once the builder has built).
    func isResolved(_ position: Int) -> Bool { !resolved.isEmpty && resolved[position] }

    mutating func append(_ r: PendingRecommendation) {
        precondition(r.line <= Int(Int32.max), "too many lines to pack")
        var workOrder: Int32 = -1
        if r.recommendedBy.isEmpty && !r.workOrderID.isEmpty {
            workOrder = Int32(workOrders.count)
            workOrders.append(r.workOrderID)
        }
        keys.append(Key(line: Int32(r.line), site: intern(r.siteID), owner: intern(r.salesOwner),
                        recommendedBy: r.recommendedBy.isEmpty ? -1 : Int32(intern(r.recommendedBy)), workOrder: workOrder,
                        lastActivity: r.lastActivityAt.date.daysSinceEpoch, value: r.estimatedValueCents ?? 0))
    }

    func name(_ index: UInt32) -> String { names[Int(index)] }
    func workOrder(_ key: Key) -> String? { key.workOrder < 0 ? nil : workOrders[Int(key.workOrder)] }
    func recommendedBy(_ key: Key) -> String { key.recommendedBy < 0 ? "" : names[Int(key.recommendedBy)] }

    private mutating func intern(_ name: String) -> UInt32 {
        let next = UInt64(names.count)
        if let held = nameIndex.insertIfAbsent(name, next) { return UInt32(held) }
        names.append(name)
        return UInt32(next)
    }

    /// The key of the row on `line`, if it is one of these (keys are in line order).
    func position(ofLine line: Int) -> Int? {
        var (low, high) = (0, keys.count)
        while low < high {
            let middle = (low + high) / 2
            if Int(keys[middle].line) < line { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && Int(keys[low].line) == line ? low : nil
    }

    /// Takes in the keys of a later part of the same file (lines after all of these), less those on `dropped` lines.
    mutating func append(contentsOf later: AgedPending, droppingLines dropped: Set<Int>) {
        let remapped = later.names.map { intern($0) }
        keys.reserveCapacity(keys.count + later.keys.count)
        for var key in later.keys where dropped.isEmpty || !dropped.contains(Int(key.line)) {
            key.site = remapped[Int(key.site)]
            key.owner = remapped[Int(key.owner)]
            if key.recommendedBy >= 0 { key.recommendedBy = Int32(remapped[Int(key.recommendedBy)]) }
            if key.workOrder >= 0 {
                workOrders.append(later.workOrders[Int(key.workOrder)])
                key.workOrder = Int32(workOrders.count - 1)
            }
            keys.append(key)
        }
    }
}

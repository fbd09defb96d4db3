/// The open or quoted recommendations too old to list (`AgeLimit`): the rules only count them, per site visited and
/// per stale-lead digest, so each is kept as a small key with its names interned, not as a `PendingRecommendation`
/// (~120 bytes plus a rule key). Years of history add such recommendations by the hundred thousand; this keeps them
/// from setting the run's memory: keys are kept in blocks of a fixed size (no array grown by doubling, up to half of
/// it unused), each packed to ~10 bytes a key once full (`PackedAgedKeys`), and the keys of a later part of the file
/// join by their blocks, never copied (a block read by the later part carries the map from its name numbers to these).
public struct AgedPending: Sendable {
    /// One recommendation, as stored: its names as numbers of the block's part. (Held so only while its block is
    /// filled: full blocks are packed, `PackedAgedKeys`, whatever each field's range.)
    struct StoredKey: Sendable {
        var line: UInt32
        var site: UInt32
        var owner: UInt32
        /// A name number when `recommended_by` is given; `-2 - n` for the block's work order `n` (the technician then
        /// is the default, checked against people.csv) when blank; -1 when both are blank.
        var who: Int32
        /// `lastActivityAt.date.daysSinceEpoch`: stale or not.
        var lastActivity: Int32
        /// In cents, 0 when blank.
        var value: Int64
    }

    /// One recommendation, as the rules and checks read it (names as numbers of this whole value).
    struct Key: Sendable {
        var line: Int
        var site: UInt32
        var owner: UInt32
        /// A name number, or -1 when `recommended_by` is blank.
        var recommendedBy: Int32
        /// A position in `workOrders`, or -1 (only when `recommended_by` is blank and a work order is named).
        var workOrder: Int32
        var lastActivity: Int32
        var value: Int64
    }

    struct Block: Sendable {
        var keys: PackedAgedKeys
        /// The block's name numbers in this value's; nil when they are this value's own.
        var names: [UInt32]?
        /// Added to the block's work order numbers.
        var workOrderBase: Int32
    }

    static let blockSize = 8192

    /// Full blocks, packed, in line order; then the keys of the one being filled (this value's own names), whose work
    /// order numbers start at `openWorkOrderBase`.
    private var blocks: [Block] = []
    private var open: [StoredKey] = []
    private var openWorkOrderBase: Int32 = 0
    public private(set) var count = 0
    /// Sites, owners and technicians, each once.
    private(set) var names: [String] = []
    private var nameIndex = ShortKeyTable()
    /// The work orders keys name (`StoredKey.who`), by id until `pinWorkOrders(in:)`.
    private(set) var workOrders: [String] = []
    /// After `pinWorkOrders(in:)`: each named work order's slot in the table of wanted work orders (-1: an id the
    /// table keeps as a `String`, then in `unpinned`).
    private var workOrderSlots: [Int32] = []
    private var unpinned: [Int32: String] = [:]
    /// Lines left out (a later part's rows whose id the earlier part had).
    private var dropped: Set<UInt32> = []
    /// Lines of open or quoted recommendations a completed work order did (a bit each; set at build).
    private var resolvedLines: [UInt64] = []

    public init() {}

    /// True when a completed work order did the recommendation on `line` (known once the builder has built).
    func isResolved(line: Int) -> Bool {
        line >> 6 < resolvedLines.count && resolvedLines[line >> 6] & 1 << UInt64(line & 63) != 0
    }

    /// Records that a completed work order did the open or quoted recommendation on `line` (aged or not).
    mutating func markResolved(line: Int) {
        if line >> 6 >= resolvedLines.count { resolvedLines += [UInt64](repeating: 0, count: line >> 6 + 1 - resolvedLines.count) }
        resolvedLines[line >> 6] |= 1 << UInt64(line & 63)
    }

    mutating func append(_ r: PendingRecommendation) {
        precondition(r.line <= Int(UInt32.max), "too many lines to pack")
        let line = UInt32(r.line)
        if open.count == Self.blockSize { seal() }
        if open.isEmpty { open.reserveCapacity(Self.blockSize) }
        var who: Int32 = r.recommendedBy.isEmpty ? -1 : Int32(intern(r.recommendedBy))
        if r.recommendedBy.isEmpty && !r.workOrderID.isEmpty {
            who = -2 - (Int32(workOrders.count) - openWorkOrderBase)
            workOrders.append(r.workOrderID)
        }
        open.append(StoredKey(line: line, site: intern(r.siteID), owner: intern(r.salesOwner), who: who,
                              lastActivity: r.lastActivityAt.date.daysSinceEpoch, value: r.estimatedValueCents ?? 0))
        count += 1
    }

    /// Calls `body` with each key not left out, in line order.
    func forEach(_ body: (Key) throws -> Void) rethrows {
        // Plain loops (no closure handed on): closures over closures made the callers' captures be copied per key.
        for block in blocks {
            var cursor = block.keys.start
            while cursor.index < block.keys.count {
                let stored = block.keys.next(&cursor)
                guard dropped.isEmpty || !dropped.contains(stored.line) else { continue }
                try body(key(stored, names: block.names, workOrderBase: block.workOrderBase))
            }
        }
        for stored in open where dropped.isEmpty || !dropped.contains(stored.line) {
            try body(key(stored, names: nil, workOrderBase: openWorkOrderBase))
        }
    }

    @inline(__always)
    private func key(_ stored: StoredKey, names map: [UInt32]?, workOrderBase: Int32) -> Key {
        var key = Key(line: Int(stored.line), site: map?[Int(stored.site)] ?? stored.site,
                      owner: map?[Int(stored.owner)] ?? stored.owner, recommendedBy: -1, workOrder: -1,
                      lastActivity: stored.lastActivity, value: stored.value)
        if stored.who >= 0 {
            key.recommendedBy = Int32(bitPattern: map?[Int(stored.who)] ?? UInt32(stored.who))
        } else if stored.who <= -2 {
            key.workOrder = -2 - stored.who + workOrderBase
        }
        return key
    }

    /// Packs the keys of the block being filled; the next key starts a new one.
    private mutating func seal() {
        if !open.isEmpty {
            blocks.append(Block(keys: PackedAgedKeys(open), names: nil, workOrderBase: openWorkOrderBase))
            open.removeAll(keepingCapacity: true)
        }
        openWorkOrderBase = Int32(workOrders.count)
    }

    func name(_ index: UInt32) -> String { names[Int(index)] }
    /// Where the key's work order is: its id, or once pinned, its slot in the wanted work orders' table.
    enum WorkOrderReference: Equatable { case id(String), slot(Int) }

    func workOrder(_ key: Key) -> WorkOrderReference? {
        guard key.workOrder >= 0 else { return nil }
        guard !workOrderSlots.isEmpty else { return .id(workOrders[Int(key.workOrder)]) }
        let slot = workOrderSlots[Int(key.workOrder)]
        return slot >= 0 ? .slot(Int(slot)) : .id(unpinned[key.workOrder]!)
    }

    /// Replaces the named work orders' ids (16 bytes each, a quarter of a million over 15 years) by their slots in
    /// `table`, which holds them all and whose keys no longer move.
    mutating func pinWorkOrders(in table: IDTable) {
        workOrderSlots.reserveCapacity(workOrders.count)
        for (n, var id) in workOrders.enumerated() {
            let slot = id.withUTF8 { table.slot(of: UnsafeRawBufferPointer($0)) }
            precondition(slot != nil || table[id] != nil, "pinned to a table without the work order")
            workOrderSlots.append(slot.map { Int32($0) } ?? -1)
            if slot == nil { unpinned[Int32(n)] = id }
        }
        workOrders = []
    }
    func recommendedBy(_ key: Key) -> String { key.recommendedBy < 0 ? "" : names[Int(key.recommendedBy)] }

    private mutating func intern(_ name: String) -> UInt32 {
        let next = UInt64(names.count)
        if let held = nameIndex.insertIfAbsent(name, next) { return UInt32(held) }
        names.append(name)
        return UInt32(next)
    }

    /// Takes in the keys of a later part of the same file (lines after all of these), less those on `dropped` lines:
    /// its blocks join these as they are, with the map from its names to these.
    mutating func append(contentsOf later: AgedPending, droppingLines dropped: Set<Int>) {
        guard later.count > 0 else { return }  // the parts of the work orders read none
        precondition(workOrderSlots.isEmpty && later.workOrderSlots.isEmpty, "parts join before their work orders are pinned")
        seal()  // these keys' last block, partly filled, comes before the later part's
        let laterOpen = later.open.isEmpty ? []
            : [Block(keys: PackedAgedKeys(later.open), names: nil, workOrderBase: later.openWorkOrderBase)]
        let remapped = later.names.map { intern($0) }
        let base = Int32(workOrders.count)
        workOrders.append(contentsOf: later.workOrders)
        for var block in later.blocks + laterOpen {
            block.names = block.names.map { $0.map { remapped[Int($0)] } } ?? remapped
            block.workOrderBase += base
            blocks.append(block)
        }
        open = []  // (its room let go: the later part's keys are the file's last)
        openWorkOrderBase = Int32(workOrders.count)
        self.dropped.formUnion(later.dropped)
        let droppedHere = later.count(onLines: dropped)
        self.dropped.formUnion(dropped.lazy.map { UInt32($0) })
        count += later.count - droppedHere
    }

    /// How many of these keys (not left out) are on `lines`.
    private func count(onLines lines: Set<Int>) -> Int {
        guard !lines.isEmpty else { return 0 }
        var n = 0
        forEach { if lines.contains($0.line) { n += 1 } }
        return n
    }
}

/// The tracked status of every recommendation seen, by id: what the state keeps between nights (one compact value,
/// not a row per recommendation) and what tonight's exports say. About 11 bytes per recommendation when encoded.
///
/// Read against the last run's snapshot (`mergePrevious`), one table holds both nights: each id's status tonight (when
/// tonight's exports have it) and last run's (when it had one). The status to record is tonight's, else last run's: a
/// snapshot never forgets a recommendation.
public struct StatusSnapshot: Sendable, ExpressibleByDictionaryLiteral {
    /// id → `Self.value(tonight:previous:)` in the low byte (the dataset builder keeps a row's line above it).
    private(set) var table: IDTable
    /// True once last run's statuses were laid under tonight's (`mergePrevious`), even when there were none.
    public private(set) var knowsPrevious = false
    /// How many statuses last run recorded (0: a first run, nothing to compare with).
    public private(set) var previousCount = 0

    public init() { table = IDTable() }

    /// A snapshot over the dataset builder's table, whose values hold `value(tonight:previous:)` in their low byte.
    init(values table: IDTable, previousCount: Int?) {
        self.table = table
        knowsPrevious = previousCount != nil
        self.previousCount = previousCount ?? 0
    }

    public init(dictionaryLiteral elements: (String, TrackedStatus)...) {
        self.init()
        for (id, status) in elements { self[id] = status }
    }

    // MARK: - Values

    /// In a value's nibble: no status (not in tonight's exports, or not in last run's snapshot).
    static let none: UInt64 = 0xF

    /// A table value: tonight's `TrackedStatus.code` in bits 0–3, last run's in bits 4–7 (`none` when absent).
    @inline(__always)
    static func value(tonight: UInt64, previous: UInt64) -> UInt64 { previous << 4 | tonight }
    @inline(__always)
    static func tonight(_ value: UInt64) -> UInt64 { value & 0xF }
    @inline(__always)
    static func previous(_ value: UInt64) -> UInt64 { value >> 4 & 0xF }
    /// The status to record: tonight's, else last run's.
    @inline(__always)
    static func recorded(_ value: UInt64) -> UInt64 { tonight(value) != none ? tonight(value) : previous(value) }
    /// `value` with last run's status set to `code` (the rest as it was).
    @inline(__always)
    static func withPrevious(_ value: UInt64, _ code: UInt64) -> UInt64 { value & ~0xF0 | code << 4 }
    /// True when the id was in both nights with different statuses.
    @inline(__always)
    static func moved(_ value: UInt64) -> Bool {
        tonight(value) != none && previous(value) != none && tonight(value) != previous(value)
    }

    // MARK: - Reading

    /// Ids held: tonight's and, once merged, last run's that tonight's exports no longer have.
    public var count: Int { table.count }
    public var isEmpty: Bool { table.count == 0 }

    /// The status to record for the id: tonight's, else last run's.
    public subscript(id: String) -> TrackedStatus? {
        get { table[id].flatMap { TrackedStatus(code: Self.recorded($0)) } }
        set {
            guard let newValue else { preconditionFailure("a snapshot never forgets a recommendation") }
            var id = id
            id.withUTF8 { set(UnsafeRawBufferPointer($0), newValue) }
        }
    }

    @inline(__always)
    subscript(bytes id: UnsafeRawBufferPointer) -> TrackedStatus? { table[id].flatMap { TrackedStatus(code: Self.recorded($0)) } }

    /// Tonight's status of the id; nil when tonight's exports do not have it.
    public func tonight(_ id: String) -> TrackedStatus? { table[id].flatMap { TrackedStatus(code: Self.tonight($0)) } }

    /// Last run's status of the id (once merged); nil when it had none.
    public func previous(_ id: String) -> TrackedStatus? { table[id].flatMap { TrackedStatus(code: Self.previous($0)) } }

    /// How many ids both nights hold with different statuses.
    public var movedCount: Int {
        var moved = 0
        table.forEach { _, value in if Self.moved(value) { moved += 1 } }
        return moved
    }

    /// Sets tonight's status of the id (last run's, if merged, stays).
    mutating func set(_ id: UnsafeRawBufferPointer, _ status: TrackedStatus) {
        table.withValue(id, initial: Self.value(tonight: status.code, previous: Self.none)) { value, _ in
            value = value & ~0xF | status.code
        }
    }

    /// Every id with the status to record for it (as bytes and `TrackedStatus.code`), in a deterministic order: what
    /// the state keeps.
    func forEachEntry(_ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows {
        try table.forEach { id, value in try body(id, Self.recorded(value)) }
    }

    /// Makes room for `count` ids in all (a snapshot read back from the state knows its size).
    public mutating func reserveCapacity(_ count: Int) { table.reserveCapacity(count) }

    /// Every id with the status to record for it, in a deterministic order.
    public func forEach(_ body: (String, TrackedStatus) throws -> Void) rethrows {
        try forEachEntry { id, code in try body(String(decoding: id, as: UTF8.self), TrackedStatus(code: code) ?? .open) }
    }

    /// As a dictionary of the statuses to record (tests, small inputs).
    public var dictionary: [String: TrackedStatus] {
        var result: [String: TrackedStatus] = [:]
        forEach { result[$0] = $1 }
        return result
    }

    // MARK: - Last run's

    /// Lays last run's statuses (`older`, as recorded) under tonight's: ids tonight's exports no longer have are kept
    /// with their old status. Returns how many ids both hold with different statuses.
    @discardableResult
    public mutating func mergePrevious(_ older: StatusSnapshot) -> Int {
        table.reserveCapacity(table.count + older.count)
        older.forEachEntry { id, code in _ = Self.mergePrevious(id, code, into: &table) }
        knowsPrevious = true
        previousCount += older.count
        return movedCount
    }

    /// Lays one of last run's statuses under the table's (see `mergePrevious(_:)`); false when the id had one already
    /// (a snapshot holds each id once: the stored one is damaged).
    @inline(__always)
    static func mergePrevious(_ id: UnsafeRawBufferPointer, _ code: UInt64, into table: inout IDTable) -> Bool {
        table.withValue(id, initial: value(tonight: none, previous: code)) { value, isNew in
            guard !isNew else { return true }
            defer { value = withPrevious(value, code) }
            return previous(value) == none
        }
    }

    // MARK: - Encoding

    static let magic: [UInt8] = Array("FTS1".utf8)

    /// `FTS1`, then per recommendation: id length (LEB128), id bytes, status code (one byte).
    public func encoded() -> [UInt8] {
        var out = Self.magic
        out.reserveCapacity(4 + table.count * 12)
        forEachEntry { id, code in
            var n = id.count
            while n >= 0x80 { out.append(UInt8(n & 0x7F) | 0x80); n >>= 7 }
            out.append(UInt8(n))
            out.append(contentsOf: id)
            out.append(UInt8(code))
        }
        return out
    }

    /// Decodes what `encoded()` wrote; nil when the bytes are not a snapshot (damaged state).
    public init?(encoded bytes: [UInt8]) {
        guard let snapshot = bytes.withUnsafeBytes({ StatusSnapshot(encoded: $0) }) else { return nil }
        self = snapshot
    }

    /// As `init(encoded:)`, straight from the stored bytes (no copy of a value of several MB).
    public init?(encoded b: UnsafeRawBufferPointer) {
        guard b.count >= 4, b.prefix(4).elementsEqual(Self.magic) else { return nil }
        // The entries after the magic are laid out as one chunk's (`forEachEntry(inChunk:)`), which is never empty.
        var snapshot = StatusSnapshot(expectedCount: b.count / 11)
        guard b.count == 4 || Self.forEachEntry(inChunk: UnsafeRawBufferPointer(rebasing: b[4...]), { snapshot.set($0, $1) }) != nil else {
            return nil
        }
        self = snapshot
    }
}

extension TrackedStatus {
    /// A small number for the snapshot (position in `allCases`; never reordered: snapshots on disk hold it).
    var code: UInt64 {
        switch self {
        case .open: 0
        case .quoted: 1
        case .accepted: 2
        case .declined: 3
        case .completed: 4
        case .resolved: 5
        }
    }

    init?(code: UInt64) {
        switch code {
        case 0: self = .open
        case 1: self = .quoted
        case 2: self = .accepted
        case 3: self = .declined
        case 4: self = .completed
        case 5: self = .resolved
        default: return nil
        }
    }

    /// The export's own status, as tracked before any completed work order is taken into account.
    init(_ status: RecommendationStatus) {
        switch status {
        case .open: self = .open
        case .quoted: self = .quoted
        case .accepted: self = .accepted
        case .declined: self = .declined
        case .completed: self = .completed
        }
    }
}

/// The tracked status of every recommendation seen, by id: what the state keeps between nights (one compact value,
/// not a row per recommendation) and what tonight's exports say. About 11 bytes per recommendation when encoded.
public struct StatusSnapshot: Sendable, ExpressibleByDictionaryLiteral {
    /// id → `TrackedStatus.code`.
    private(set) var table: ShortKeyTable

    public init() { table = ShortKeyTable() }

    /// A snapshot over a table whose values are already status codes (the dataset builder hands its id table over).
    init(codes table: ShortKeyTable) { self.table = table }

    public init(dictionaryLiteral elements: (String, TrackedStatus)...) {
        self.init()
        for (id, status) in elements { self[id] = status }
    }

    public var count: Int { table.count }
    public var isEmpty: Bool { table.count == 0 }

    public subscript(id: String) -> TrackedStatus? {
        get { table[id].flatMap { TrackedStatus(code: $0) } }
        set {
            guard let newValue else { preconditionFailure("a snapshot never forgets a recommendation") }
            var id = id
            id.withUTF8 { set(UnsafeRawBufferPointer($0), newValue) }
        }
    }

    @inline(__always)
    subscript(bytes id: UnsafeRawBufferPointer) -> TrackedStatus? { table[id].flatMap { TrackedStatus(code: $0) } }

    mutating func set(_ id: UnsafeRawBufferPointer, _ status: TrackedStatus) {
        table.withValue(id, initial: status.code) { value, _ in value = status.code }
    }

    /// Every id with the status to record for it (as bytes and `TrackedStatus.code`), in a deterministic order: what
    /// the state keeps.
    func forEachEntry(_ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows {
        try table.forEach { id, code in try body(id, code) }
    }

    /// Makes room for `count` ids in all (a snapshot read back from the state knows its size).
    public mutating func reserveCapacity(_ count: Int) { table.reserveCapacity(count) }

    /// Every id with its status, in a deterministic order.
    public func forEach(_ body: (String, TrackedStatus) throws -> Void) rethrows {
        try table.forEach { id, code in try body(String(decoding: id, as: UTF8.self), TrackedStatus(code: code) ?? .open) }
    }

    /// As a dictionary (tests, small inputs).
    public var dictionary: [String: TrackedStatus] {
        var result: [String: TrackedStatus] = [:]
        forEach { result[$0] = $1 }
        return result
    }

    /// Adds `older`'s ids missing here (with their old status); returns how many ids of both differ in status.
    @discardableResult
    public mutating func keepMissing(from older: StatusSnapshot) -> Int {
        var differing = 0
        older.table.forEach { id, code in
            table.withValue(id, initial: code) { value, isNew in if !isNew && value != code { differing += 1 } }
        }
        return differing
    }

    // MARK: - Encoding

    static let magic: [UInt8] = Array("FTS1".utf8)

    /// `FTS1`, then per recommendation: id length (LEB128), id bytes, status code (one byte).
    public func encoded() -> [UInt8] {
        var out = Self.magic
        out.reserveCapacity(4 + table.count * 12)
        table.forEach { id, code in
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
        var table = ShortKeyTable(expectedCount: b.count / 11)
        let ok = { () -> Bool in
            var i = 4
            while i < b.count {
                var n = 0, shift = 0
                while true {
                    guard i < b.count, shift < 28 else { return false }
                    let byte = b[i]; i += 1
                    n |= Int(byte & 0x7F) << shift
                    if byte < 0x80 { break }
                    shift += 7
                }
                guard n > 0, i + n < b.count, TrackedStatus(code: UInt64(b[i + n])) != nil else { return false }
                _ = table.insertIfAbsent(UnsafeRawBufferPointer(rebasing: b[i..<(i + n)]), UInt64(b[i + n]))
                i += n + 1
            }
            return true
        }()
        guard ok else { return nil }
        self.table = table
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

/// A full block of aged keys (`AgedPending`) in ~10 bytes a key rather than 20: each field is kept as its offset from
/// the block's smallest, in as many bits as the block's largest offset needs (frame of reference), the line as its
/// distance from the key before. Sites, owners, values and dates vary little within a block of 8,192 keys, and lines
/// rise by a few at a time: 509,000 aged keys at 5M work orders over 15 years take 5.2 MB instead of 10.2. Read back in
/// order only (`next(_:)` from `start`, or `forEach`); packing and reading a key take a few nanoseconds (scalar code,
/// no array per key).
struct PackedAgedKeys: Sendable {
    /// The keys one after another, `Fields.bits` each (and a word to spare, so a field may be read as two words).
    private var words: [UInt64] = []
    private var lowest = Fields()
    private var widths = Fields()
    private var baseLine: UInt32 = 0
    let count: Int

    /// A key's fields as packed: the line as its distance from the key before, then site, owner, who, last activity,
    /// value. (Offsets are taken modulo 2^64: a field spanning all of `Int64` takes 64 bits.)
    struct Fields: Sendable {
        var line: Int64 = 0, site: Int64 = 0, owner: Int64 = 0, who: Int64 = 0, lastActivity: Int64 = 0, value: Int64 = 0

        init() {}

        @inline(__always)
        init(_ key: AgedPending.StoredKey, after previousLine: UInt32) {
            (line, site, owner, who) = (Int64(key.line) - Int64(previousLine), Int64(key.site), Int64(key.owner), Int64(key.who))
            (lastActivity, value) = (Int64(key.lastActivity), key.value)
        }

        /// Applies `f` to each field of `self` and `other`.
        @inline(__always)
        func combined(_ other: Fields, _ f: (Int64, Int64) -> Int64) -> Fields {
            var r = Fields()
            (r.line, r.site, r.owner) = (f(line, other.line), f(site, other.site), f(owner, other.owner))
            (r.who, r.lastActivity, r.value) = (f(who, other.who), f(lastActivity, other.lastActivity), f(value, other.value))
            return r
        }

        var bits: Int { Int(line + site + owner + who + lastActivity + value) }
    }

    init(_ keys: [AgedPending.StoredKey]) {
        count = keys.count
        guard let first = keys.first else { return }
        var (low, high) = (Fields(first, after: first.line), Fields(first, after: first.line))
        var previous = first.line
        for key in keys {
            let fields = Fields(key, after: previous)
            (low, high, previous) = (low.combined(fields, min), high.combined(fields, max), key.line)
        }
        lowest = low  // (the first key's distance is 0: its line is kept as `baseLine`)
        widths = high.combined(low) { h, l in Int64(64 - UInt64(bitPattern: h &- l).leadingZeroBitCount) }
        words = [UInt64](repeating: 0, count: (count * widths.bits + 63) / 64 + 1)
        baseLine = first.line
        let (lowest, widths) = (lowest, widths)
        words.withUnsafeMutableBufferPointer { words in
            var bit = 0
            @inline(__always) func put(_ value: Int64, _ low: Int64, _ width: Int64) {
                guard width > 0 else { return }
                let offset = UInt64(bitPattern: value &- low), shift = bit & 63
                words[bit >> 6] |= offset << UInt64(shift)
                if shift + Int(width) > 64 { words[bit >> 6 + 1] |= offset >> UInt64(64 - shift) }
                bit += Int(width)
            }
            var previous = first.line
            for key in keys {
                let f = Fields(key, after: previous)
                previous = key.line
                put(f.line, lowest.line, widths.line); put(f.site, lowest.site, widths.site)
                put(f.owner, lowest.owner, widths.owner); put(f.who, lowest.who, widths.who)
                put(f.lastActivity, lowest.lastActivity, widths.lastActivity); put(f.value, lowest.value, widths.value)
            }
        }
    }

    /// Where a read of the keys is (`next(_:)`).
    struct Cursor {
        fileprivate var bit = 0
        fileprivate var line: UInt32
        fileprivate(set) var index = 0
    }

    var start: Cursor { Cursor(line: baseLine) }

    /// The key at `cursor`, which moves past it; the keys come in the order they were packed, `count` of them. (A
    /// cursor, not a `forEach` taking a closure: closures over closures made the callers' captures be copied per key.)
    @inline(__always)
    func next(_ cursor: inout Cursor) -> AgedPending.StoredKey {
        precondition(cursor.index < count, "read past the keys")
        return words.withUnsafeBufferPointer { words in
            var bit = cursor.bit
            @inline(__always) func take(_ low: Int64, _ width: Int64) -> Int64 {
                guard width > 0 else { return low }
                let shift = bit & 63
                var offset = words[bit >> 6] >> UInt64(shift)
                if shift + Int(width) > 64 { offset |= words[bit >> 6 + 1] << UInt64(64 - shift) }
                if width < 64 { offset &= 1 << UInt64(width) - 1 }
                bit += Int(width)
                return low &+ Int64(bitPattern: offset)
            }
            let line = UInt32(Int64(cursor.line) + take(lowest.line, widths.line))
            let site = take(lowest.site, widths.site), owner = take(lowest.owner, widths.owner)
            let who = take(lowest.who, widths.who), lastActivity = take(lowest.lastActivity, widths.lastActivity)
            let value = take(lowest.value, widths.value)
            (cursor.bit, cursor.line, cursor.index) = (bit, line, cursor.index + 1)
            return AgedPending.StoredKey(line: line, site: UInt32(site), owner: UInt32(owner), who: Int32(who),
                                         lastActivity: Int32(lastActivity), value: value)
        }
    }

    /// Calls `body` with each key, in the order they were packed.
    func forEach(_ body: (AgedPending.StoredKey) throws -> Void) rethrows {
        var cursor = start
        while cursor.index < count { try body(next(&cursor)) }
    }
}

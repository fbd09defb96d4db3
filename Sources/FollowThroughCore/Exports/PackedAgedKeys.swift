/// A full block of aged keys (`AgedPending`) in ~10 bytes a key rather than 20: each field is kept as its offset from
/// the block's smallest, in as many bits as the block's largest offset needs (frame of reference), the line as its
/// distance from the key before. Sites, owners, values and dates vary little within a block of 8,192 keys, and lines
/// rise by a few at a time: 509,000 aged keys at 5M work orders over 15 years take 5.2 MB instead of 10.2. Read back in
/// order only (`forEach`).
struct PackedAgedKeys: Sendable {
    /// The keys one after another, `rowBits` each.
    private var words: [UInt64] = []
    /// Per field (`Self.fields`): the smallest value, and the bits of each key's offset from it.
    private var lows: [Int64] = []
    private var widths: [UInt8] = []
    private var firstLine: UInt32 = 0
    let count: Int

    /// line (from the key before), site, owner, who, days, value.
    private static let fields = 6

    init(_ keys: [AgedPending.StoredKey]) {
        count = keys.count
        guard let first = keys.first else { return }
        firstLine = first.line
        var previousLine = first.line
        func values(_ key: AgedPending.StoredKey) -> [Int64] {
            defer { previousLine = key.line }
            return [Int64(key.line) - Int64(previousLine), Int64(key.site), Int64(key.owner), Int64(key.who),
                    Int64(key.days), Int64(key.value)]
        }
        var (low, high) = ([Int64](repeating: .max, count: Self.fields), [Int64](repeating: .min, count: Self.fields))
        for key in keys {
            for (f, v) in values(key).enumerated() { (low[f], high[f]) = (min(low[f], v), max(high[f], v)) }
        }
        lows = low
        widths = (0..<Self.fields).map { UInt8(64 - UInt64(high[$0] - low[$0]).leadingZeroBitCount) }
        let rowBits = widths.reduce(0) { $0 + Int($1) }
        words = [UInt64](repeating: 0, count: (count * rowBits + 63) / 64 + 1)
        previousLine = first.line
        var bit = 0
        for key in keys {
            for (f, v) in values(key).enumerated() {
                let offset = UInt64(v - low[f]), width = Int(widths[f])
                guard width > 0 else { continue }
                words[bit >> 6] |= offset << UInt64(bit & 63)
                if bit & 63 + width > 64 { words[bit >> 6 + 1] |= offset >> UInt64(64 - bit & 63) }
                bit += width
            }
        }
    }

    /// Calls `body` with each key, in the order they were packed.
    func forEach(_ body: (AgedPending.StoredKey) throws -> Void) rethrows {
        var bit = 0, line = firstLine
        var field = [Int64](repeating: 0, count: Self.fields)
        for _ in 0..<count {
            for f in 0..<Self.fields {
                let width = Int(widths[f])
                var offset: UInt64 = 0
                if width > 0 {
                    offset = words[bit >> 6] >> UInt64(bit & 63)
                    if bit & 63 + width > 64 { offset |= words[bit >> 6 + 1] << UInt64(64 - bit & 63) }
                    if width < 64 { offset &= 1 << UInt64(width) - 1 }
                    bit += width
                }
                field[f] = lows[f] + Int64(bitPattern: offset)
            }
            line = UInt32(Int64(line) + field[0])
            try body(AgedPending.StoredKey(line: line, site: UInt32(field[1]), owner: UInt32(field[2]), who: Int32(field[3]),
                                           days: Int16(field[4]), value: Int32(field[5])))
        }
    }
}

/// A set of ids that may wrongly answer yes for an id it does not hold (about one in a hundred) but never wrongly no:
/// ~12 bits an id where an exact table holds ~40 bytes. Canonically equivalent ids are one id, as in `ShortKeyTable`.
public struct IDFilter: Sendable {
    private var bits: [UInt64]
    private let mask: UInt64

    /// Room for `count` ids at about one wrong yes in a hundred.
    public init(expectedCount count: Int) {
        var size = 1 << 10  // bits, a power of two
        while size < count * 12 { size <<= 1 }
        bits = [UInt64](repeating: 0, count: size / 64)
        mask = UInt64(size - 1)
    }

    /// An empty filter, which holds nothing.
    public static let empty = IDFilter(expectedCount: 0)

    public mutating func insert(_ id: UnsafeRawBufferPointer) {
        let (h1, h2) = Self.hashes(id)
        for i in 0..<3 {
            let p = (h1 &+ UInt64(i) &* h2) & mask
            bits[Int(p >> 6)] |= 1 << (p & 63)
        }
    }

    /// False only when the id was never inserted.
    public func mayContain(_ id: UnsafeRawBufferPointer) -> Bool {
        let (h1, h2) = Self.hashes(id)
        for i in 0..<3 {
            let p = (h1 &+ UInt64(i) &* h2) & mask
            if bits[Int(p >> 6)] & (1 << (p & 63)) == 0 { return false }
        }
        return true
    }

    @inline(__always)
    private static func hashes(_ id: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let h = ShortKeyTable.hashKey(id)
        return (h & 0xFFFF_FFFF, h >> 32 | 1)
    }
}

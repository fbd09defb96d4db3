/// `dataset.resolvedIDs.contains(id)` for a pass over every pending recommendation, with a Bloom filter in front.
/// At 1M work orders the set holds ~50k ids (1 MB of buckets) and nearly every lookup missed the cache, while
/// almost no pending recommendation is in it: the filter (~10 bits an id, in L2) answers most of them.
struct ResolvedFilter {
    let resolved: Set<String>
    /// The filter's bits; empty when it is off (see `IDSlots`: an id that is not ASCII is compared as a `String`).
    private var bits: [UInt64] = []
    private var mask: UInt64 = 0

    init(_ resolved: Set<String>) {
        self.resolved = resolved
        guard !resolved.isEmpty else { return }
        var size = 1 << 12  // bits, a power of two
        while size < resolved.count * 10 { size <<= 1 }
        var bits = [UInt64](repeating: 0, count: size / 64)
        mask = UInt64(size - 1)
        for id in resolved {
            guard let h = IDSlots.hash(id) else { return }
            let p = h & mask, q = (h >> 32) & mask
            bits[Int(p >> 6)] |= 1 << (p & 63)
            bits[Int(q >> 6)] |= 1 << (q & 63)
        }
        self.bits = bits
    }

    func contains(_ id: String) -> Bool {
        guard !bits.isEmpty, let h = IDSlots.hash(id) else { return resolved.contains(id) }
        let p = h & mask, q = (h >> 32) & mask
        guard bits[Int(p >> 6)] & (1 << (p & 63)) != 0, bits[Int(q >> 6)] & (1 << (q & 63)) != 0 else { return false }
        return resolved.contains(id)
    }
}

/// Sorting ids in SQLite's BINARY collation (their UTF-8 bytes, as memcmp compares them), fast for short ids.
enum ByteOrder {
    /// The pairs of `items` ordered by key bytes. Keys of up to 16 bytes without NUL compare as two big-endian words
    /// (zero padding sorts before any byte, as a shorter prefix does); others compare byte by byte.
    static func sorted<Value>(_ items: [String: Value]) -> [(String, Value)] {
        var entries: [(key: String, value: Value, high: UInt64, low: UInt64, packed: Bool)] = []
        entries.reserveCapacity(items.count)
        for (key, value) in items {
            var key = key
            let (high, low, packed) = key.withUTF8 { Self.pack(UnsafeRawBufferPointer($0)) }
            entries.append((key, value, high, low, packed))
        }
        entries.sort { a, b in
            if a.packed && b.packed { return (a.high, a.low) < (b.high, b.low) }
            return a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        }
        return entries.map { ($0.key, $0.value) }
    }

    @inline(__always)
    static func pack(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64, Bool) {
        guard bytes.count <= 16, !bytes.contains(0) else { return (0, 0, false) }
        var words: (UInt64, UInt64) = (0, 0)
        if let base = bytes.baseAddress {
            withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        }
        return (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1), true)
    }
}

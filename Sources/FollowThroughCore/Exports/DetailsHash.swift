/// A quick 64-bit hash of a few byte fields (not for security: it tells "same bytes as last time" in a hot loop).
enum DetailsHash {
    @inline(__always)
    static func of(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ c: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        mix(&h, a); mix(&h, b); mix(&h, c)
        return finish(h)
    }

    /// Folds the field and its length in, eight bytes at a time; a last partial word is the field's last eight
    /// bytes (overlapping the word before), so no byte is read one at a time unless the field is under 8 bytes.
    @inline(__always)
    static func mix(_ h: inout UInt64, _ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        if i < n {
            if n >= 8 {
                tail = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                tail = UInt64(bytes.loadUnaligned(as: UInt32.self)) << 32 | UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else {
                while i < n { tail = tail << 8 | UInt64(bytes[i]); i += 1 }
            }
        }
        h = (h ^ tail ^ UInt64(n) << 56) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
    }

    @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 {
        var h = h
        h = (h ^ (h >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 33)
    }
}

#if canImport(CByteMarks)
import CByteMarks
#endif

/// Byte-parallel tests on 8 bytes in a `UInt64` (byte 0 = lowest address): each function sets the
/// high bit of every byte that matches, and nothing else, so the set bits can be walked in order.
enum SWAR {
    static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    static let high: UInt64 = 0x8080_8080_8080_8080
    static let quotes = broadcast(CSVParser.quote)
    static let crs = broadcast(CSVParser.cr)
    static let lfs = broadcast(CSVParser.lf)

    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }

    /// High bit set in each byte that differs from the pattern's (exact: no carries between bytes).
    @inline(__always)
    static func differs(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = w ^ pattern
        return ((x & low7) &+ low7) | x
    }

    @inline(__always)
    static func matches(_ w: UInt64, _ pattern: UInt64) -> UInt64 { ~differs(w, pattern) & high }

    /// Bit k set when byte `p[k]` (k < 64) is one the record loop has to look at: the delimiter,
    /// a quote or a control byte (below 0x0E: CR, LF and rarer ones, which it skips). The second
    /// mask has just the delimiters.
    @inline(__always)
    static func specials64(_ p: UnsafeRawPointer, delimiters: UInt64) -> (UInt64, UInt64) {
        #if canImport(CByteMarks) && arch(x86_64)
        var d: UInt64 = 0
        let m = ft_marks64(p, UInt8(truncatingIfNeeded: delimiters), &d)
        return (m, d)
        #else
        return specials64Words(p, delimiters: delimiters)
        #endif
    }

    /// `specials64` eight bytes at a time in plain Swift (any CPU; x86-64 uses SSE2 instead, ~4x fewer instructions).
    @inline(__always)
    static func specials64Words(_ p: UnsafeRawPointer, delimiters: UInt64) -> (UInt64, UInt64) {
        // Word k's high bits shifted to bit k of each byte, then one transpose for all 8 words
        // (cheaper than gathering each word's 8 bits on its own).
        var m: UInt64 = 0
        var d: UInt64 = 0
        for k in 0..<8 {
            let w = load(p + 8 &* k)
            let ds = matches(w, delimiters)
            m |= (others(w) | ds) &>> UInt64(7 &- k)
            d |= ds &>> UInt64(7 &- k)
        }
        return (transpose(m), transpose(d))
    }

    /// Transposes the 8×8 bit matrix whose row j is byte j (Hacker's Delight, 7-3): bit 8j + k
    /// moves to bit 8k + j.
    @inline(__always)
    static func transpose(_ x: UInt64) -> UInt64 {
        var x = x
        var t = (x ^ (x &>> 7)) & 0x00AA_00AA_00AA_00AA
        x = x ^ t ^ (t &<< 7)
        t = (x ^ (x &>> 14)) & 0x0000_CCCC_0000_CCCC
        x = x ^ t ^ (t &<< 14)
        t = (x ^ (x &>> 28)) & 0x0000_0000_F0F0_F0F0
        return x ^ t ^ (t &<< 28)
    }

    /// `specials64` for the last `count` (< 64) bytes of a chunk; never reads past them.
    static func specials(_ p: UnsafeRawPointer, count: Int, delimiters: UInt64) -> (UInt64, UInt64) {
        var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &block) { $0.baseAddress!.copyMemory(from: p, byteCount: count) }
        let (m, d) = withUnsafeBytes(of: &block) { specials64($0.baseAddress!, delimiters: delimiters) }
        let valid = (1 &<< UInt64(count)) &- 1
        return (m & valid, d & valid)
    }

    /// Quotes and control bytes (CR, LF and rarer ones, which the record loop skips).
    @inline(__always)
    static func others(_ w: UInt64) -> UInt64 {
        let low = w & low7
        let notQuote = (low ^ (quotes & low7)) &+ low7
        let notControl = low &+ 0x7272_7272_7272_7272
        return ~((notQuote & notControl) | w) & high
    }

    /// Bytes below 0x0E (CR, LF and other control bytes): a cheap first test for line ends.
    @inline(__always)
    static func controls(_ w: UInt64) -> UInt64 { ~(((w & low7) &+ 0x7272_7272_7272_7272) | w) & high }

    /// Line ends among marked CRs and LFs: every CR, and every LF not right after a CR (`crBefore`
    /// marks a CR just before byte 0).
    @inline(__always)
    static func lineEnds(crs: UInt64, lfs: UInt64, crBefore: UInt64) -> Int {
        let ends = crs | (lfs & ~((crs &<< 8) | crBefore))
        return ends == 0 ? 0 : ends.nonzeroBitCount
    }
}

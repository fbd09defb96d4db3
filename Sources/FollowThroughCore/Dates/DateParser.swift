import Foundation

/// Reads export date values into local date-times, by hand (no DateFormatter in the hot loop).
///
/// The ISO forms `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` and `YYYY-MM-DDTHH:MM[:SS[.fff]]` are always
/// accepted, optionally followed by `Z` or an offset (`+02:00`, `-0500`), which is then converted into the
/// configured zone. A custom pattern (`M/d/yyyy h:mm a`) is tried first when one is configured.
public struct DateParser: Sendable {
    public let timeZone: TimeZone
    public let pattern: DatePattern?

    public init(timeZone: TimeZone, pattern: DatePattern? = nil) {
        self.timeZone = timeZone
        self.pattern = pattern
    }

    public func parse(_ text: String) -> LocalDateTime? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    public func parse(_ raw: UnsafeRawBufferPointer) -> LocalDateTime? {
        var bytes = raw
        trimSpaces(&bytes)
        if let pattern, let value = pattern.match(bytes) { return value }
        return Self.canonical(bytes) ?? parseISO(bytes)
    }

    /// Whether `parse(bytes)` gives a date-time (for values only checked, not kept); the usual `YYYY-MM-DD HH:MM`
    /// and `YYYY-MM-DD` forms are decided without building one.
    public func isDate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        Self.canonicalIsValid(bytes) == true || parse(bytes) != nil
    }

    /// For exactly the forms `canonical` reads: whether it gives a value (a real date, a time of day), decided on two
    /// 8-byte words without computing the date (a history row's two dates are only checked: ~200 instructions each
    /// when built, ~40 here). Nil for any other form.
    @inline(__always)
    static func canonicalIsValid(_ b: UnsafeRawBufferPointer) -> Bool? {
        let n = b.count
        guard n == 16 || n == 10, let p = b.baseAddress else { return nil }
        let zeros: UInt64 = 0x3030_3030_3030_3030, highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, six: UInt64 = 0x0606_0606_0606_0606
        // Byte k of a word is byte k of the text. Each digit's byte minus '0' must be below 10.
        @inline(__always) func digitsOK(_ x: UInt64) -> Bool { x & highNibbles == 0 && (x &+ six) & highNibbles == 0 }
        let w0 = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))  // YYYY-MM-
        let separators0: UInt64 = 0xFF00_00FF_0000_0000
        let x0 = (w0 ^ zeros) & ~separators0
        guard w0 & separators0 == 0x2D00_002D_0000_0000, digitsOK(x0) else { return nil }
        var x1: UInt64
        if n == 16 {
            let w1 = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))  // DD HH:MM (or T)
            let separators1: UInt64 = 0x0000_FF00_00FF_0000
            let between = (w1 >> 16) & 0xFF
            x1 = (w1 ^ zeros) & ~separators1
            guard (w1 >> 40) & 0xFF == 0x3A, between == 0x20 || between == 0x54, digitsOK(x1) else { return nil }
        } else {
            let w1 = UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))  // DD
            x1 = w1 ^ 0x3030
            guard digitsOK(x1) else { return nil }
        }
        @inline(__always) func digit(_ x: UInt64, _ k: UInt64) -> Int { Int((x >> (8 &* k)) & 0xFF) }
        let year = digit(x0, 0) &* 1000 &+ digit(x0, 1) &* 100 &+ digit(x0, 2) &* 10 &+ digit(x0, 3)
        let month = digit(x0, 5) &* 10 &+ digit(x0, 6), day = digit(x1, 0) &* 10 &+ digit(x1, 1)
        guard year >= 1, month >= 1, month <= 12, day >= 1 else { return false }
        if day > 28, day > LocalDate.daysIn(month: month, year: year) { return false }
        if n == 10 { return true }
        return digit(x1, 3) &* 10 &+ digit(x1, 4) < 24 && digit(x1, 6) &* 10 &+ digit(x1, 7) < 60
    }

    /// The value of exactly `YYYY-MM-DD HH:MM` (or `T` between) or `YYYY-MM-DD`, read without bounds checks or
    /// optionals per digit; nil for any other form (which `parseISO` may still accept).
    @inline(__always)
    static func canonical(_ b: UnsafeRawBufferPointer) -> LocalDateTime? {
        let n = b.count
        guard n == 16 || n == 10, let p = b.baseAddress else { return nil }
        @inline(__always) func at(_ i: Int) -> Int { Int(p.load(fromByteOffset: i, as: UInt8.self)) }
        @inline(__always) func digit(_ i: Int) -> Int { (at(i) &- 48) & 0xFF }  // ≥ 10 when not a digit
        let (y0, y1, y2, y3, m0, m1, d0, d1) = (digit(0), digit(1), digit(2), digit(3), digit(5), digit(6), digit(8), digit(9))
        guard at(4) == 0x2D, at(7) == 0x2D, y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10,
              let date = LocalDate(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
        else { return nil }
        if n == 10 { return LocalDateTime(date: date) }
        let (h0, h1, i0, i1) = (digit(11), digit(12), digit(14), digit(15))
        guard at(10) == 0x20 || at(10) == 0x54, at(13) == 0x3A, h0 < 10, h1 < 10, i0 < 10, i1 < 10 else { return nil }
        let (h, mi) = (h0 * 10 + h1, i0 * 10 + i1)
        guard h < 24, mi < 60 else { return nil }
        return LocalDateTime(date: date, secondOfDay: Int32(h * 3600 + mi * 60))
    }

    /// The general ISO reader (`canonical` is its fast path for the usual forms).
    func parseISO(_ b: UnsafeRawBufferPointer) -> LocalDateTime? {
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D,
              let y = num(b, 0, 4), let mo = num(b, 5, 2), let d = num(b, 8, 2),
              let date = LocalDate(year: y, month: mo, day: d) else { return nil }
        if b.count == 10 { return LocalDateTime(date: date) }
        guard b[10] == 0x20 || b[10] == 0x54, b.count >= 16, b[13] == 0x3A,
              let h = num(b, 11, 2), let mi = num(b, 14, 2), h < 24, mi < 60 else { return nil }
        var i = 16
        var s = 0
        if i < b.count, b[i] == 0x3A {
            guard let sec = num(b, i + 1, 2), sec < 61 else { return nil }
            s = min(sec, 59)
            i += 3
            if i < b.count, b[i] == 0x2E || b[i] == 0x2C {  // fractional seconds, ignored
                i += 1
                while i < b.count, b[i] &- 48 < 10 { i += 1 }
            }
        }
        let local = LocalDateTime(date: date, secondOfDay: Int32(h * 3600 + mi * 60 + s))
        if i == b.count { return local }
        guard let offset = parseOffset(b, from: i) else { return nil }
        return convert(local, fromOffset: offset)
    }

    /// `Z`, `+HH`, `+HHMM`, `+HH:MM` (also with a space before) → seconds east of UTC.
    private func parseOffset(_ b: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        if i < b.count, b[i] == 0x20 { i += 1 }
        guard i < b.count else { return nil }
        if b[i] == 0x5A || b[i] == 0x7A { return i + 1 == b.count ? 0 : nil }
        guard b[i] == 0x2B || b[i] == 0x2D, let h = num(b, i + 1, 2), h <= 14 else { return nil }
        let sign = b[i] == 0x2D ? -1 : 1
        var j = i + 3
        var m = 0
        if j < b.count, b[j] == 0x3A { j += 1 }
        if j < b.count {
            guard let mm = num(b, j, 2), mm < 60, j + 2 == b.count else { return nil }
            m = mm
        }
        return sign * (h * 3600 + m * 60)
    }

    /// Re-expresses a wall-clock time given at `offset` in the configured zone.
    func convert(_ t: LocalDateTime, fromOffset offset: Int) -> LocalDateTime {
        let utc = Int64(t.date.daysSinceEpoch) * 86_400 + Int64(t.secondOfDay) - Int64(offset)
        return LocalDateTime(utcSeconds: utc, in: timeZone)
    }
}

extension LocalDateTime {
    /// The wall-clock time in `zone` at the instant `utcSeconds` after the epoch.
    public init(utcSeconds: Int64, in zone: TimeZone) {
        let local = utcSeconds + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds))))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        self.init(date: LocalDate(daysSinceEpoch: Int32(days)), secondOfDay: Int32(local - days * 86_400))
    }
}

func num(_ b: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
    guard start >= 0, start + count <= b.count else { return nil }
    var v = 0
    for i in start..<(start + count) {
        let c = b[i] &- 48
        guard c < 10 else { return nil }
        v = v * 10 + Int(c)
    }
    return v
}

@inline(__always)
func trimSpaces(_ b: inout UnsafeRawBufferPointer) {
    // Most fields start and end with a visible byte: two loads decide.
    guard let first = b.first, first <= 0x20 || b[b.count - 1] <= 0x20 else { return }
    var lo = 0, hi = b.count
    while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
    while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
    if lo != 0 || hi != b.count { b = UnsafeRawBufferPointer(rebasing: b[lo..<hi]) }
}

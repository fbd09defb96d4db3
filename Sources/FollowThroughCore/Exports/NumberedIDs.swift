import Foundation

/// The shape of ids numbered as exports number their rows: one prefix and a decimal number (`R-1` … `R-1250000`, or
/// `12345678`), or a number zero-padded to one width (`Q-000042`). An `IDTable` told the shape keeps each id of it as
/// its number beside a value of up to 32 bits, in one word: 8 bytes a slot where other ids take 16. (The table of
/// every recommendation ever exported is the one that grows with the history: ~22 MB at 5M work orders over 15 years,
/// ~11 MB so.) Ids of another shape go to the table's wide ids, as do values of more than 32 bits.
public struct NumberedIDs: Sendable, Equatable {
    /// The bytes before the number: ASCII, at most `maxPrefix`.
    let prefix: [UInt8]
    /// The number's digits: 0 for any count without a leading zero, else exactly this many.
    let width: Int

    static let maxPrefix = 16
    static let maxDigits = 10

    /// The shape of `sample` (an id of the file, its first row's): its trailing digits and what comes before them; nil
    /// when it ends in no digit or in more than `maxDigits`, or its prefix is not ASCII or is longer than `maxPrefix`.
    public init?(like sample: String) {
        let bytes = Array(sample.utf8)
        let digits = bytes.reversed().prefix { (0x30...0x39).contains($0) }.count
        let prefix = Array(bytes.dropLast(digits))
        guard digits > 0, digits <= Self.maxDigits, prefix.count <= Self.maxPrefix, prefix.allSatisfy({ $0 < 0x80 }) else { return nil }
        self.prefix = prefix
        // One digit, or no leading zero: numbered as they come; a leading zero: padded to this width.
        width = digits > 1 && bytes[prefix.count] == 0x30 ? digits : 0
    }

    /// The shape of a file's first id when its last one has it too; nil otherwise. (Ids that change shape along the
    /// file — a legacy first row, a year in the prefix, zero-padding outgrown — would mostly go wide, in slots of 24
    /// bytes: more memory than two-word slots take.)
    public init?(first: String, last: String) {
        guard let shape = NumberedIDs(like: first) else { return nil }
        var last = last
        guard last.withUTF8({ shape.key(UnsafeRawBufferPointer($0)) }) != nil else { return nil }
        self = shape
    }

    init(prefix: String, width: Int) {
        self.prefix = Array(prefix.utf8)
        self.width = width
    }

    /// The id's number + 1 (never 0, below 2^32) when it has this shape; an id canonically equivalent to one of this
    /// shape (NFC) gives that one's.
    @inline(__always)
    func key(_ id: UnsafeRawBufferPointer) -> UInt64? {
        if let key = asciiKey(id) { return key }
        guard id.count <= 4 * (Self.maxPrefix + Self.maxDigits), id.contains(where: { $0 >= 0x80 }) else { return nil }
        var nfc = String(decoding: id, as: UTF8.self).precomposedStringWithCanonicalMapping
        return nfc.withUTF8 { asciiKey(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private func asciiKey(_ id: UnsafeRawBufferPointer) -> UInt64? {
        let p = prefix.count, digits = id.count - p
        guard digits > 0, digits <= Self.maxDigits, width == 0 || digits == width else { return nil }
        for i in 0..<p where id[i] != prefix[i] { return nil }
        guard width != 0 || digits == 1 || id[p] != 0x30 else { return nil }  // "R-07" is not "R-7"
        var number: UInt64 = 0
        for i in p..<id.count {
            let digit = id[i] &- 0x30
            guard digit < 10 else { return nil }
            number = number * 10 + UInt64(digit)
        }
        return number < UInt64(UInt32.max) ? number + 1 : nil
    }

    /// Calls `body` with the id of `key` (`key(_:)` undone), as its bytes (on the stack: a table's every entry may be
    /// asked for).
    @inline(__always)
    func withID<R>(_ key: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // maxPrefix + maxDigits bytes and more
        return try withUnsafeMutableBytes(of: &buffer) { bytes in
            let p = prefix.count
            for i in 0..<p { bytes[i] = prefix[i] }
            var number = key - 1, digits = 1
            while number >= 10 { (number, digits) = (number / 10, digits + 1) }
            let end = p + max(digits, width)
            number = key - 1
            for i in (p..<end).reversed() {
                bytes[i] = UInt8(truncatingIfNeeded: number % 10) + 0x30
                number /= 10
            }
            return try body(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
        }
    }
}

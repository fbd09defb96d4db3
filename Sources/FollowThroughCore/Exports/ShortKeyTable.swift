import CPrefetch
import Foundation

/// A map from export ids (work orders, sites, technicians, recommendations) to a 64-bit value, for millions of rows
/// without a `String` per row: ids of up to 15 ASCII bytes are packed into 16 bytes and kept in an open-addressing
/// table with a cheap hash; other ids go to an ordinary dictionary. Same answers as a `[String: UInt64]` keyed by the
/// id: `String` equality is canonical equivalence, so a non-ASCII id whose NFC form is short ASCII is keyed by that form.
struct ShortKeyTable: Sendable {
    // Slot i: words[3i], words[3i+1] the key (second word 0: empty), words[3i+2] its value, side by side so that a
    // lookup in a table bigger than the cache misses once, not once for the key and again for the value. Any number
    // of slots (the hash is scaled to it, not masked), so a table sized for the rows expected wastes little.
    private var words: [UInt64] = []
    private var capacity = 0
    private(set) var count = 0
    private var long: [String: UInt64] = [:]

    init(expectedCount: Int = 0) { if expectedCount > 0 { resize(to: Self.capacity(for: expectedCount)) } }

    /// Makes room for `count` keys in all, so that reading a file of known size does not grow the table.
    mutating func reserveCapacity(_ count: Int) {
        if Self.capacity(for: count) > capacity { resize(to: Self.capacity(for: count)) }
    }

    /// Starts fetching the slot where a lookup of `key` begins, so that the lookup, a little later, finds it in the
    /// cache: in a table bigger than the cache each lookup otherwise waits on memory (~40% of reading the exports).
    @inline(__always)
    func prefetch(_ key: UnsafeRawBufferPointer) {
        guard capacity > 0, let (a, b) = Self.pack(key) else { return }
        words.withUnsafeBufferPointer { ft_prefetch($0.baseAddress! + 3 * slot(a, b)) }
    }

    /// Records `value` for `key` unless the key is already there; returns the value it already had.
    @inline(__always)
    mutating func insertIfAbsent(_ key: UnsafeRawBufferPointer, _ value: UInt64) -> UInt64? {
        withValue(key, initial: value) { held, isNew in isNew ? nil : held }
    }

    mutating func insertIfAbsent(_ key: String, _ value: UInt64) -> UInt64? {
        var key = key
        return key.withUTF8 { insertIfAbsent(UnsafeRawBufferPointer($0), value) }
    }

    /// Calls `body` with the key's value (`initial` first inserted when the key is new, then `isNew` is true).
    @inline(__always)
    mutating func withValue<R>(_ key: UnsafeRawBufferPointer, initial: UInt64, _ body: (inout UInt64, _ isNew: Bool) -> R) -> R {
        guard let (a, b) = Self.pack(key) else {
            let text = String(decoding: key, as: UTF8.self)
            if let (a, b) = Self.packNormalized(text) { return withSlot(a, b, initial, body) }
            let isNew = long[text] == nil
            if isNew { count += 1 }
            return body(&long[text, default: initial], isNew)
        }
        return withSlot(a, b, initial, body)
    }

    @inline(__always)
    private mutating func withSlot<R>(_ a: UInt64, _ b: UInt64, _ initial: UInt64, _ body: (inout UInt64, Bool) -> R) -> R {
        if capacity == 0 { resize(to: 1024) }
        var i = slot(a, b)
        while true {
            let kb = words[3 * i + 1]
            if kb == 0 {
                // Grown only when a key is added: slots stay put while only values change.
                if count * 5 >= capacity * 4 {
                    resize(to: capacity * 2)
                    i = slot(a, b)
                    while words[3 * i + 1] != 0 { i = i + 1 == capacity ? 0 : i + 1 }
                }
                words[3 * i] = a; words[3 * i + 1] = b
                words[3 * i + 2] = initial
                count += 1
                return body(&words[3 * i + 2], true)
            }
            if kb == b, words[3 * i] == a { return body(&words[3 * i + 2], false) }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    @inline(__always)
    subscript(_ key: UnsafeRawBufferPointer) -> UInt64? {
        guard let (a, b) = Self.pack(key) else { return self[String(decoding: key, as: UTF8.self)] }
        return find(a, b)
    }

    subscript(_ key: String) -> UInt64? {
        var key = key
        let packed = key.withUTF8 { Self.pack(UnsafeRawBufferPointer($0)) } ?? Self.packNormalized(key)
        guard let (a, b) = packed else { return long[key] }
        return find(a, b)
    }

    @inline(__always)
    private func find(_ a: UInt64, _ b: UInt64) -> UInt64? {
        findSlot(a, b).map { words[3 * $0 + 2] }
    }

    @inline(__always)
    private func findSlot(_ a: UInt64, _ b: UInt64) -> Int? {
        guard capacity > 0 else { return nil }
        var i = slot(a, b)
        while true {
            let kb = words[3 * i + 1]
            if kb == 0 { return nil }
            if kb == b, words[3 * i] == a { return i }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    /// Sets the value of a key already in the table, never adding one (so the slots never move); false when the key
    /// is not there.
    @discardableResult
    mutating func updateExisting(_ key: UnsafeRawBufferPointer, to value: UInt64) -> Bool {
        guard let (a, b) = Self.pack(key) else {
            let text = String(decoding: key, as: UTF8.self)
            if let (a, b) = Self.packNormalized(text) { return updateSlot(a, b, value) }
            guard long[text] != nil else { return false }
            long[text] = value
            return true
        }
        return updateSlot(a, b, value)
    }

    private mutating func updateSlot(_ a: UInt64, _ b: UInt64, _ value: UInt64) -> Bool {
        guard let i = findSlot(a, b) else { return false }
        words[3 * i + 2] = value
        return true
    }

    /// Calls `body` with the key and value held in slot `i`; false when the slot is empty.
    @discardableResult @inline(__always)
    func withEntry(atSlot i: Int, _ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows -> Bool {
        guard words[3 * i + 1] != 0 else { return false }
        var key = Self.unpacked(words[3 * i], words[3 * i + 1])
        let count = Int(words[3 * i + 1] >> 56)
        try withUnsafeBytes(of: &key) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count]), words[3 * i + 2]) }
        return true
    }

    /// Calls `body` with every key's bytes and its value, in slot order (deterministic for the same insertions).
    func forEach(_ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows {
        for i in 0..<capacity { try withEntry(atSlot: i, body) }
        for (key, value) in long {
            var key = key
            try key.withUTF8 { try body(UnsafeRawBufferPointer($0), value) }
        }
    }

    /// Replaces every value by `transform(key, value)`, in place.
    mutating func updateValues(_ transform: (UnsafeRawBufferPointer, UInt64) -> UInt64) {
        for i in 0..<capacity where words[3 * i + 1] != 0 {
            var key = Self.unpacked(words[3 * i], words[3 * i + 1])
            let count = Int(words[3 * i + 1] >> 56)
            words[3 * i + 2] = withUnsafeBytes(of: &key) { transform(UnsafeRawBufferPointer(rebasing: $0[0..<count]), words[3 * i + 2]) }
        }
        for (key, value) in long {
            var bytes = key
            long[key] = bytes.withUTF8 { transform(UnsafeRawBufferPointer($0), value) }
        }
    }

    /// The first slot to probe: the hash scaled to the table (multiply-high), so any capacity works.
    @inline(__always)
    private func slot(_ a: UInt64, _ b: UInt64) -> Int {
        Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: Self.hash(a, b)).multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Slots for `count` keys at a load of at most four fifths.
    private static func capacity(for count: Int) -> Int { max(1024, count + count / 4 + 1) }

    private mutating func resize(to newCapacity: Int) {
        let old = words
        words = Array(repeating: 0, count: 3 * newCapacity)
        capacity = newCapacity
        for slot in 0..<(old.count / 3) where old[3 * slot + 1] != 0 {
            let a = old[3 * slot], b = old[3 * slot + 1]
            var i = self.slot(a, b)
            while words[3 * i + 1] != 0 { i = i + 1 == capacity ? 0 : i + 1 }
            words[3 * i] = a; words[3 * i + 1] = b
            words[3 * i + 2] = old[3 * slot + 2]
        }
    }

    /// A 64-bit hash of the key as the table tells keys apart: canonically equivalent ids hash alike.
    static func hashKey(_ key: UnsafeRawBufferPointer) -> UInt64 {
        if let (a, b) = pack(key) { return UInt64(bitPattern: Int64(hash(a, b))) }
        var text = String(decoding: key, as: UTF8.self)
        if let (a, b) = packNormalized(text) { return UInt64(bitPattern: Int64(hash(a, b))) }
        if !key.allSatisfy({ $0 < 0x80 }) { text = text.precomposedStringWithCanonicalMapping }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a, then mixed as packed keys are
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return UInt64(bitPattern: Int64(hash(h, UInt64(text.utf8.count))))
    }

    /// A packed key's two words as its bytes in memory order (length byte cleared).
    @inline(__always)
    private static func unpacked(_ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
        (UInt64(littleEndian: a), UInt64(littleEndian: b & 0x00FF_FFFF_FFFF_FFFF))
    }

    /// A non-ASCII key whose NFC form is short ASCII (e.g. a Kelvin sign for K) packs as that form; nil otherwise.
    static func packNormalized(_ key: String) -> (UInt64, UInt64)? {
        guard !key.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var nfc = key.precomposedStringWithCanonicalMapping
        return nfc.withUTF8 { pack(UnsafeRawBufferPointer($0)) }
    }

    /// The key's bytes in two words, its length in the top byte of the second (never 0 for a non-empty key);
    /// nil when longer than 15 bytes, empty, or not all ASCII.
    /// The bytes are read as overlapping words (no copy through memory: a `memcpy` call per key cost more than the rest).
    @inline(__always)
    static func pack(_ key: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        let n = key.count
        guard n <= 15, n > 0, let p = key.baseAddress else { return nil }
        @inline(__always) func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        @inline(__always) func half(_ offset: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
        var a: UInt64 = 0, b: UInt64 = 0
        if n >= 8 {
            a = word(0)
            if n > 8 { b = word(n - 8) >> UInt64(8 * (16 - n)) }  // bytes 8..<n, from the last eight
        } else if n >= 4 {
            a = half(0) | half(n - 4) << UInt64(8 * (n - 4))  // the two halves overlap by 8 - n bytes, which agree
        } else {
            for i in 0..<n { a |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(8 * i) }
        }
        guard (a | b) & 0x8080_8080_8080_8080 == 0 else { return nil }
        return (a, b | UInt64(n) << 56)
    }

    @inline(__always)
    static func hash(_ a: UInt64, _ b: UInt64) -> Int {
        var h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &+ 0x632B_E59B_D9B4_E019)
        h = (h ^ (h >> 31)) &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }
}

import CPrefetch
import Foundation

/// A map from recommendation ids to a value of up to 40 bits (a row's line and statuses), for every recommendation ever
/// exported: 16 bytes a slot where `ShortKeyTable` takes 24. An id of up to 11 ASCII bytes (numbers, or a short prefix
/// and a number: what exports use) is packed 7 bits a character beside its value; other ids go to a `ShortKeyTable`
/// of their own. Same answers as a `[String: UInt64]` keyed by the id (canonically equivalent ids are one key).
struct IDTable: Sendable {
    // Slot i: words[2i] = characters 0–7 (7 bits each, 56 bits) | value bits 0–7 << 56;
    //         words[2i+1] = characters 8–10 (21 bits) | length << 21 | value bits 8–39 << 25. Length 0: empty.
    private var words: [UInt64] = []
    private var capacity = 0
    private var packedCount = 0
    /// Ids that do not pack (longer than 11 bytes, or not ASCII).
    private var wide = ShortKeyTable()
    /// Shared by copies whose keys are where they were; replaced when keys are added to a shared one or move.
    private var layout = Layout()
    private final class Layout: Sendable {}

    static let maxValue: UInt64 = 1 << 40 - 1
    private static let lowKeyMask: UInt64 = 1 << 56 - 1
    private static let highKeyMask: UInt64 = 1 << 25 - 1

    init(expectedCount: Int = 0) { if expectedCount > 0 { resize(to: Self.capacity(for: expectedCount)) } }

    var count: Int { packedCount + wide.count }

    /// Makes room for `count` keys in all.
    mutating func reserveCapacity(_ count: Int) {
        if Self.capacity(for: count) > capacity { resize(to: Self.capacity(for: count)) }
    }

    // MARK: - Lookups and insertions

    /// Starts fetching the slot where a lookup of `key` begins (see `ShortKeyTable.prefetch`).
    @inline(__always)
    func prefetch(_ key: UnsafeRawBufferPointer) {
        guard capacity > 0, let (a, b) = Self.packAny(key) else { return }
        words.withUnsafeBufferPointer { ft_prefetch($0.baseAddress! + 2 * slot(a, b)) }
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
        guard let (a, b) = Self.packAny(key) else {
            let isNew = wide[key] == nil
            if isNew, !isKnownUniquelyReferenced(&layout) { layout = Layout() }
            return wide.withValue(key, initial: initial, body)
        }
        if capacity == 0 { resize(to: 1024) }
        var i = slot(a, b)
        while true {
            let high = words[2 * i + 1]
            if high & Self.highKeyMask == 0 {
                // Grown only when a key is added: slots stay put while only values change (see `KeyMarks`).
                if packedCount * 5 >= capacity * 4 {
                    resize(to: capacity * 2)
                    i = slot(a, b)
                    while words[2 * i + 1] & Self.highKeyMask != 0 { i = i + 1 == capacity ? 0 : i + 1 }
                }
                if !isKnownUniquelyReferenced(&layout) { layout = Layout() }
                packedCount += 1
                var value = initial
                let result = body(&value, true)
                store(i, a, b, value)
                return result
            }
            if high & Self.highKeyMask == b, words[2 * i] & Self.lowKeyMask == a {
                var value = Self.value(words[2 * i], high)
                let result = body(&value, false)
                store(i, a, b, value)
                return result
            }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    @inline(__always)
    subscript(_ key: UnsafeRawBufferPointer) -> UInt64? {
        guard let (a, b) = Self.packAny(key) else { return wide[key] }
        return findSlot(a, b).map { Self.value(words[2 * $0], words[2 * $0 + 1]) }
    }

    subscript(_ key: String) -> UInt64? {
        var key = key
        return key.withUTF8 { self[UnsafeRawBufferPointer($0)] }
    }

    /// Sets the value of a key already in the table, never adding one (so the slots never move); false when absent.
    @discardableResult
    mutating func updateExisting(_ key: UnsafeRawBufferPointer, to value: UInt64) -> Bool {
        guard let (a, b) = Self.packAny(key) else { return wide.updateExisting(key, to: value) }
        guard let i = findSlot(a, b) else { return false }
        store(i, a, b, value)
        return true
    }

    @inline(__always)
    private func findSlot(_ a: UInt64, _ b: UInt64) -> Int? {
        guard capacity > 0 else { return nil }
        var i = slot(a, b)
        while true {
            let high = words[2 * i + 1]
            if high & Self.highKeyMask == 0 { return nil }
            if high & Self.highKeyMask == b, words[2 * i] & Self.lowKeyMask == a { return i }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    @inline(__always)
    private mutating func store(_ i: Int, _ a: UInt64, _ b: UInt64, _ value: UInt64) {
        precondition(value <= Self.maxValue, "a value of more than 40 bits")
        words[2 * i] = a | value << 56
        words[2 * i + 1] = b | (value >> 8) << 25
    }

    @inline(__always)
    private static func value(_ low: UInt64, _ high: UInt64) -> UInt64 { low >> 56 | (high >> 25) << 8 }

    // MARK: - Slots (for marks kept beside the table)

    /// Slots in the table (positions for `slot(of:)`).
    var slotCount: Int { capacity }

    /// Where a packed key is held, never moved until a key is added; nil when absent or kept among the wide ids
    /// (`isWide(_:)` tells those apart).
    @inline(__always)
    func slot(of key: UnsafeRawBufferPointer) -> Int? {
        guard let (a, b) = Self.packAny(key) else { return nil }
        return findSlot(a, b)
    }

    /// True when the key does not pack into a slot: the table keeps it among its wide ids.
    func isWide(_ key: UnsafeRawBufferPointer) -> Bool { Self.packAny(key) == nil }

    /// Calls `body` with the key and value held in slot `i`; false when the slot is empty.
    @discardableResult @inline(__always)
    func withEntry(atSlot i: Int, _ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows -> Bool {
        let low = words[2 * i], high = words[2 * i + 1]
        guard high & Self.highKeyMask != 0 else { return false }
        var key = (Self.spread(low & Self.lowKeyMask), Self.spread(high & (1 << 21 - 1)))
        let count = Int(high >> 21 & 0xF)
        try withUnsafeBytes(of: &key) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count]), Self.value(low, high)) }
        return true
    }

    /// Replaces the value in slot `i`, when it holds a key, by `transform(value)`.
    mutating func updateValue(atSlot i: Int, _ transform: (UInt64) -> UInt64) {
        let low = words[2 * i], high = words[2 * i + 1]
        guard high & Self.highKeyMask != 0 else { return }
        store(i, low & Self.lowKeyMask, high & Self.highKeyMask, transform(Self.value(low, high)))
    }

    /// Replaces every value by `transform(key, value)`, in place.
    mutating func updateValues(_ transform: (UnsafeRawBufferPointer, UInt64) -> UInt64) {
        for i in 0..<capacity {
            var new: UInt64?
            withEntry(atSlot: i) { key, value in new = transform(key, value) }
            if let new { updateValue(atSlot: i) { _ in new } }
        }
        wide.updateValues(transform)
    }

    /// True when `other` holds the same keys in the same slots (a copy of this table, or this one of it, whose keys
    /// neither changed since).
    func hasSameSlots(as other: IDTable) -> Bool {
        capacity == other.capacity && count == other.count && layout === other.layout
    }

    /// Calls `body` with every key's bytes and its value: the packed ones in slot order, then the wide ones.
    func forEach(_ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows {
        for i in 0..<capacity { try withEntry(atSlot: i, body) }
        try wide.forEach(body)
    }

    // MARK: - Packing

    /// The first slot to probe: `ShortKeyTable`'s hash scaled to the table (multiply-high), so any capacity works.
    @inline(__always)
    private func slot(_ a: UInt64, _ b: UInt64) -> Int {
        Int(truncatingIfNeeded: UInt64(bitPattern: Int64(ShortKeyTable.hash(a, b))).multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Slots for `count` keys at a load of at most four fifths.
    private static func capacity(for count: Int) -> Int { max(1024, count + count / 4 + 1) }

    private mutating func resize(to newCapacity: Int) {
        let old = words, oldCapacity = capacity
        words = Array(repeating: 0, count: 2 * newCapacity)
        capacity = newCapacity
        layout = Layout()
        for s in 0..<oldCapacity where old[2 * s + 1] & Self.highKeyMask != 0 {
            let a = old[2 * s] & Self.lowKeyMask, b = old[2 * s + 1] & Self.highKeyMask
            var i = slot(a, b)
            while words[2 * i + 1] & Self.highKeyMask != 0 { i = i + 1 == capacity ? 0 : i + 1 }
            words[2 * i] = old[2 * s]; words[2 * i + 1] = old[2 * s + 1]
        }
    }

    /// The key's characters packed 7 bits each (the first eight in 56 bits; the rest, with the length, in 25), or nil
    /// when it is empty, longer than 11 bytes or not ASCII. A non-ASCII key whose NFC form packs is packed as that form.
    /// (From `ShortKeyTable`'s packing: its bytes in two words, the length in the top byte of the second.)
    @inline(__always)
    static func packAny(_ key: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        var packed = ShortKeyTable.pack(key)
        if packed == nil, key.count <= 44, key.contains(where: { $0 >= 0x80 }) {  // NFC never shrinks a key 4×
            packed = ShortKeyTable.packNormalized(String(decoding: key, as: UTF8.self))
        }
        guard let (a, b) = packed else { return nil }
        let n = b >> 56
        guard n <= 11 else { return nil }
        return (squeeze(a), squeeze(b & 0x00FF_FFFF_FFFF_FFFF) | n << 21)
    }

    /// Eight 7-bit bytes (little-endian) as 56 bits.
    @inline(__always)
    static func squeeze(_ x: UInt64) -> UInt64 {
        var x = (x & 0x007F_007F_007F_007F) | (x & 0x7F00_7F00_7F00_7F00) >> 1
        x = (x & 0x0000_3FFF_0000_3FFF) | (x & 0x3FFF_0000_3FFF_0000) >> 2
        return (x & 0x0FFF_FFFF) | (x & 0x0FFF_FFFF_0000_0000) >> 4
    }

    /// `squeeze` undone.
    @inline(__always)
    static func spread(_ x: UInt64) -> UInt64 {
        var x = (x & 0x0FFF_FFFF) | (x & 0x00FF_FFFF_F000_0000) << 4
        x = (x & 0x0000_3FFF_0000_3FFF) | (x & 0x0FFF_C000_0FFF_C000) << 2
        return (x & 0x007F_007F_007F_007F) | (x & 0x3F80_3F80_3F80_3F80) << 1
    }
}

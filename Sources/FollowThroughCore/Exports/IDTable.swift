import CAtomicPair
import CPrefetch
import Foundation

/// A map from recommendation ids to a value of up to 40 bits (a row's line and statuses), for every recommendation ever
/// exported: 16 bytes a slot where `ShortKeyTable` takes 24. An id of up to 11 ASCII bytes (numbers, or a short prefix
/// and a number: what exports use) is packed 7 bits a character beside its value; other ids go to a `ShortKeyTable`
/// of their own. Same answers as a `[String: UInt64]` keyed by the id (canonically equivalent ids are one key).
/// Told the shape of its ids (`NumberedIDs`), a table keeps those of that shape in slots of one word, 8 bytes, with
/// values of up to 32 bits (`IDTable+NumberedSlots.swift`); its other ids, and larger values, go to its wide ids. A
/// value changed in place in such a slot must still fit (a precondition): its users change only the low bits of a
/// value (a status beside a row's line, a technician beside a tag).
struct IDTable: Sendable {
    // Slot i: words[2i] = characters 0–7 (7 bits each, 56 bits) | value bits 0–7 << 56;
    //         words[2i+1] = characters 8–10 (21 bits) | length << 21 | value bits 8–39 << 25. Length 0: empty.
    // With `numbered`: slot i is words[i] = (the id's number + 1) << 32 | value (32 bits). 0: empty.
    // (Internal, not private: `IDTable+Sharing.swift` inserts into the same slots from two threads, and
    // `IDTable+SharedValues.swift` writes values in place from two.)
    var storage = Words.empty
    var capacity = 0
    var packedCount = 0
    /// Ids that do not pack (longer than 11 bytes, or not ASCII; with `numbered`, not of its shape, or with a value of
    /// more than 32 bits).
    var wide = ShortKeyTable()
    /// The shape of the ids kept in one-word slots; nil: ids packed in two words.
    let numbered: NumberedIDs?
    /// Words a slot takes.
    var wordsPerSlot: Int { numbered == nil ? 2 : 1 }
    /// Shared by copies whose keys are where they were; replaced when keys are added to a shared one or move.
    var layout = Layout()
    final class Layout: Sendable {}
    /// Set while this table and another insert into the same slots from two threads (`shareWithLaterPart`).
    var sharing: Sharing?
    /// While shared: true for the later part's table; the keys it may still add before taking more room from the
    /// sharing's count; the largest value it added.
    var isLaterPart = false
    var sharedRoom = 0
    var largestOwnValue: UInt64 = 0

    /// The slots' words, in one 16-byte-aligned block of memory (a slot is swapped whole while two threads share it),
    /// shared by copies of the table until one writes (copy-on-write, as an `Array` would; but for the values two
    /// parts of a file write in place, `setValueInPlace`).
    final class Words: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt64>
        let count: Int
        static let empty = Words(count: 0)

        /// `count` words, all zero (pages the kernel zeroes as they are first touched, not written here).
        init(count: Int) {
            let memory = calloc(max(count, 2), MemoryLayout<UInt64>.size)!  // glibc aligns to 16
            precondition(UInt(bitPattern: memory) & 15 == 0, "slots must be 16-byte aligned")
            base = memory.bindMemory(to: UInt64.self, capacity: max(count, 2))
            self.count = count
        }

        deinit { free(base) }

        func copy() -> Words {
            let copy = Words(count: count)
            copy.base.update(from: base, count: count)
            return copy
        }
    }

    /// The words, to be written: copied first when another table shares them.
    @inline(__always)
    mutating func writableWords() -> UnsafeMutablePointer<UInt64> {
        precondition(sharing == nil, "a shared table takes only insertKeepingSmallest until it stops sharing")
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage.base
    }

    static let maxValue: UInt64 = 1 << 40 - 1
    static let lowKeyMask: UInt64 = 1 << 56 - 1
    static let highKeyMask: UInt64 = 1 << 25 - 1

    /// The share of the slots (in tenths) keys may fill before the table grows: 8 by default; 9 for the tables that
    /// grow with the history (every recommendation ever exported, where a tenth of the slots is ~2.5 MB at 5M work
    /// orders over 15 years, and the wanted work orders). At nine tenths a key found takes ~5.5 probes (3 at eight), a
    /// key not there ~50 (13); such tables are looked up once a row at most (the wanted work orders behind a filter),
    /// in slots of 16 bytes, four to a cache line.
    private(set) var maxLoadTenths = 8

    init(expectedCount: Int = 0, maxLoadTenths: Int = 8, numbered: NumberedIDs? = nil) {
        precondition((5...9).contains(maxLoadTenths), "a load of five to nine tenths")
        self.maxLoadTenths = maxLoadTenths
        self.numbered = numbered
        if expectedCount > 0 { resize(to: capacity(for: expectedCount)) }
    }

    var count: Int { packedCount + wide.count }

    /// Makes room for `count` keys in all.
    mutating func reserveCapacity(_ count: Int) {
        if capacity(for: count) > capacity { resize(to: capacity(for: count)) }
    }

    // MARK: - Lookups and insertions

    /// Starts fetching the slot where a lookup of `key` begins (see `ShortKeyTable.prefetch`).
    @inline(__always)
    func prefetch(_ key: UnsafeRawBufferPointer) {
        if let numbered {
            if capacity > 0, let k = numbered.key(key) { ft_prefetch(storage.base + slot(k, 0)) }
            return
        }
        guard capacity > 0, let (a, b) = Self.packAny(key) else { return }
        ft_prefetch(storage.base + 2 * slot(a, b))
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
        precondition(sharing == nil, "a shared table takes only insertKeepingSmallest until it stops sharing")
        if let numbered { return withNumberedValue(key, numbered.key(key), initial: initial, body) }
        guard let (a, b) = Self.packAny(key) else { return withWideValue(key, initial: initial, body) }
        if capacity == 0 { resize(to: 1024) }
        var i = slot(a, b)
        while true {
            let high = storage.base[2 * i + 1]
            if high & Self.highKeyMask == 0 {
                // Grown only when a key is added: slots stay put while only values change (see `KeyMarks`).
                if isFull {
                    resize(to: capacity * 2)
                    i = slot(a, b)
                    while storage.base[2 * i + 1] & Self.highKeyMask != 0 { i = i + 1 == capacity ? 0 : i + 1 }
                }
                if !isKnownUniquelyReferenced(&layout) { layout = Layout() }
                packedCount += 1
                var value = initial
                let result = body(&value, true)
                store(i, a, b, value)
                return result
            }
            if high & Self.highKeyMask == b, storage.base[2 * i] & Self.lowKeyMask == a {
                var value = Self.value(storage.base[2 * i], high)
                let result = body(&value, false)
                store(i, a, b, value)
                return result
            }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    /// `withValue` for a key kept among the wide ids.
    mutating func withWideValue<R>(_ key: UnsafeRawBufferPointer, initial: UInt64, _ body: (inout UInt64, _ isNew: Bool) -> R) -> R {
        if wide[key] == nil, !isKnownUniquelyReferenced(&layout) { layout = Layout() }
        return wide.withValue(key, initial: initial, body)
    }

    @inline(__always)
    subscript(_ key: UnsafeRawBufferPointer) -> UInt64? {
        if let numbered { return numberedValue(key, numbered.key(key)) }
        guard let (a, b) = Self.packAny(key) else { return wide[key] }
        return findSlot(a, b).map { Self.value(storage.base[2 * $0], storage.base[2 * $0 + 1]) }
    }

    subscript(_ key: String) -> UInt64? {
        var key = key
        return key.withUTF8 { self[UnsafeRawBufferPointer($0)] }
    }

    /// Sets the value of a key already in the table, never adding one (so the slots never move); false when absent.
    @discardableResult
    mutating func updateExisting(_ key: UnsafeRawBufferPointer, to value: UInt64) -> Bool {
        if let numbered, let k = numbered.key(key), let i = findNumbered(k) {
            storeNumbered(i, k, value)
            return true
        }
        guard numbered == nil, let (a, b) = Self.packAny(key) else { return wide.updateExisting(key, to: value) }
        guard let i = findSlot(a, b) else { return false }
        store(i, a, b, value)
        return true
    }

    @inline(__always)
    private func findSlot(_ a: UInt64, _ b: UInt64) -> Int? {
        guard capacity > 0 else { return nil }
        let words = storage.base
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
        let words = writableWords()
        (words[2 * i], words[2 * i + 1]) = Self.slotWords(a, b, value)
    }

    /// A slot's two words: a packed key (`packAny`) and its value.
    @inline(__always)
    static func slotWords(_ a: UInt64, _ b: UInt64, _ value: UInt64) -> (low: UInt64, high: UInt64) {
        precondition(value <= maxValue, "a value of more than 40 bits")
        return (a | value << 56, b | (value >> 8) << 25)
    }

    /// The value in a slot's two words (`slotWords` undone).
    @inline(__always)
    static func value(_ low: UInt64, _ high: UInt64) -> UInt64 { low >> 56 | (high >> 25) << 8 }

    // MARK: - Slots (for marks kept beside the table)

    /// Slots in the table (positions for `slot(of:)`).
    var slotCount: Int { capacity }

    /// Where a packed key is held, never moved until a key is added; nil when absent or kept among the wide ids
    /// (`isWide(_:)` tells those apart).
    @inline(__always)
    func slot(of key: UnsafeRawBufferPointer) -> Int? {
        if let numbered {
            guard let k = numbered.key(key) else { return nil }
            return findNumbered(k)
        }
        guard let (a, b) = Self.packAny(key) else { return nil }
        return findSlot(a, b)
    }

    /// True when the table keeps the key among its wide ids, if it holds it: a key that does not pack into a slot (with
    /// `numbered`, also one held there for its value: a key is in the slots or among the wide ids, never both). Reads
    /// no slot (another thread may be writing their values).
    func isWide(_ key: UnsafeRawBufferPointer) -> Bool {
        guard let numbered else { return Self.packAny(key) == nil }
        return numbered.key(key) == nil || (wide.count > 0 && wide[key] != nil)
    }

    /// Calls `body` with the key and value held in slot `i`; false when the slot is empty.
    @discardableResult @inline(__always)
    func withEntry(atSlot i: Int, _ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows -> Bool {
        if let numbered {
            let word = storage.base[i]
            guard word != 0 else { return false }
            try numbered.withID(word >> 32) { try body($0, word & Self.numberedValueMask) }
            return true
        }
        let low = storage.base[2 * i], high = storage.base[2 * i + 1]
        guard high & Self.highKeyMask != 0 else { return false }
        var key = (Self.spread(low & Self.lowKeyMask), Self.spread(high & (1 << 21 - 1)))
        let count = Int(high >> 21 & 0xF)
        try withUnsafeBytes(of: &key) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count]), Self.value(low, high)) }
        return true
    }

    /// Replaces the value in slot `i`, when it holds a key, by `transform(value)`.
    mutating func updateValue(atSlot i: Int, _ transform: (UInt64) -> UInt64) {
        if numbered != nil {
            let word = storage.base[i]
            if word != 0 { storeNumbered(i, word >> 32, transform(word & Self.numberedValueMask)) }
            return
        }
        let low = storage.base[2 * i], high = storage.base[2 * i + 1]
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
    func slot(_ a: UInt64, _ b: UInt64) -> Int {
        Int(truncatingIfNeeded: UInt64(bitPattern: Int64(ShortKeyTable.hash(a, b))).multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Slots for `count` keys at a load of at most `maxLoadTenths`.
    func capacity(for count: Int) -> Int { max(1024, count * 10 / maxLoadTenths + 1) }

    /// True when a key added must first grow the table.
    var isFull: Bool { packedCount * 10 >= capacity * maxLoadTenths }

    mutating func resize(to newCapacity: Int) {
        precondition(sharing == nil, "a shared table takes only insertKeepingSmallest until it stops sharing")
        rehash(to: newCapacity) { _ in true }
    }

    /// Moves the keys into `newCapacity` slots, less those whose value `keep` is false for; returns how many it moved.
    @discardableResult
    mutating func rehash(to newCapacity: Int, keep: (UInt64) -> Bool) -> Int {
        let old = storage, oldCapacity = capacity
        storage = Words(count: wordsPerSlot * newCapacity)
        capacity = newCapacity
        layout = Layout()
        let words = storage.base
        var moved = 0
        if numbered != nil {
            for s in 0..<oldCapacity {
                let word = ft_load_word(old.base + s)  // (as below)
                guard word != 0, keep(word & Self.numberedValueMask) else { continue }
                var i = slot(word >> 32, 0)
                while words[i] != 0 { i = i + 1 == capacity ? 0 : i + 1 }
                words[i] = word
                moved += 1
            }
            return moved
        }
        for s in 0..<oldCapacity {
            // The high word first (see `ft_load_word`): another thread may still be writing a table given up.
            let high = ft_load_word(old.base + 2 * s + 1)
            guard high & Self.highKeyMask != 0 else { continue }
            let low = ft_load_word(old.base + 2 * s)
            guard keep(Self.value(low, high)) else { continue }
            var i = slot(low & Self.lowKeyMask, high & Self.highKeyMask)
            while words[2 * i + 1] & Self.highKeyMask != 0 { i = i + 1 == capacity ? 0 : i + 1 }
            words[2 * i] = low; words[2 * i + 1] = high
            moved += 1
        }
        return moved
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

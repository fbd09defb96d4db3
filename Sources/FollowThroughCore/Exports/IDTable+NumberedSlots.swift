import CAtomicPair

/// The slots of a table told the shape of its ids (`numbered`): one word each, the id's number + 1 in the high half and
/// its value in the low one (0: empty). An id of the shape whose value needs more than 32 bits is kept among the wide
/// ids instead, so a key not found in the slots may still be there.
extension IDTable {
    static let numberedValueMask: UInt64 = 1 << 32 - 1

    /// `withValue` for a table with `numbered`, `k` being the key's number + 1 (nil: not of the shape).
    @inline(__always)
    mutating func withNumberedValue<R>(_ key: UnsafeRawBufferPointer, _ k: UInt64?, initial: UInt64,
                                       _ body: (inout UInt64, _ isNew: Bool) -> R) -> R {
        guard let k else { return withWideValue(key, initial: initial, body) }
        if capacity == 0 { resize(to: 1024) }
        var i = slot(k, 0)
        while true {
            let word = storage.base[i]
            if word == 0 {
                if wide.count > 0, wide[key] != nil { return withWideValue(key, initial: initial, body) }
                var value = initial
                let result = body(&value, true)
                if !isKnownUniquelyReferenced(&layout) { layout = Layout() }
                guard value <= Self.numberedValueMask else {
                    _ = wide.insertIfAbsent(key, value)
                    return result
                }
                // Grown only when a key is added: slots stay put while only values change (see `KeyMarks`).
                if isFull {
                    resize(to: capacity * 2)
                    i = slot(k, 0)
                    while storage.base[i] != 0 { i = i + 1 == capacity ? 0 : i + 1 }
                }
                packedCount += 1
                storeNumbered(i, k, value)
                return result
            }
            if word >> 32 == k {
                var value = word & Self.numberedValueMask
                let result = body(&value, false)
                storeNumbered(i, k, value)
                return result
            }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    /// The subscript for a table with `numbered`.
    @inline(__always)
    func numberedValue(_ key: UnsafeRawBufferPointer, _ k: UInt64?) -> UInt64? {
        if let k, let i = findNumbered(k) { return storage.base[i] & Self.numberedValueMask }
        return wide.count > 0 ? wide[key] : nil
    }

    /// The slot holding number + 1 `k`; nil when none does. (Each slot read whole, by an atomic load, for
    /// `sharedSlot(of:)`: another thread may be swapping values in.)
    @inline(__always)
    func findNumbered(_ k: UInt64) -> Int? {
        guard capacity > 0 else { return nil }
        let words = storage.base
        var i = slot(k, 0)
        while true {
            let word = ft_load_word(words + i)
            if word == 0 { return nil }
            if word >> 32 == k { return i }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    /// Writes slot `i`: number + 1 `k` and `value`, which must fit in 32 bits (a value changed in place keeps the row's
    /// line, which it fitted with).
    @inline(__always)
    mutating func storeNumbered(_ i: Int, _ k: UInt64, _ value: UInt64) {
        precondition(value <= Self.numberedValueMask, "a value of more than 32 bits in a slot of one word")
        let words = writableWords()
        words[i] = k << 32 | value
    }

    /// `insertKeepingSmallest` for a table with `numbered`, while shared (`sharedRoom` taken): the slot is swapped as
    /// one word. A key of the shape whose value does not fit is held when the slots have it (the value there is the
    /// smaller), else goes to this part's wide ids, as keys not of the shape do.
    @inline(__always)
    mutating func insertNumberedKeepingSmallest(_ k: UInt64, _ key: UnsafeRawBufferPointer, _ value: UInt64) -> SharedInsertion {
        let words = storage.base
        var i = slot(k, 0)
        var seen = ft_load_word(words + i)
        guard value <= Self.numberedValueMask else {
            while seen != 0 {
                if seen >> 32 == k { return .held(seen & Self.numberedValueMask) }
                i = i + 1 == capacity ? 0 : i + 1
                seen = ft_load_word(words + i)
            }
            return wide.insertIfAbsent(key, value).map { .held($0) } ?? .inserted
        }
        let new = k << 32 | value
        while true {
            if seen == 0 {
                var expected: UInt64 = 0
                if ft_swap_word(words + i, &expected, new) {
                    (packedCount, sharedRoom, largestOwnValue) = (packedCount + 1, sharedRoom - 1, max(largestOwnValue, value))
                    return .inserted
                }
                seen = expected  // the other part took the slot first: maybe for this key
                continue
            }
            if seen >> 32 == k {
                let held = seen & Self.numberedValueMask
                if held <= value { return .held(held) }
                var expected = seen
                if ft_swap_word(words + i, &expected, new) {
                    largestOwnValue = max(largestOwnValue, value)
                    return .displaced(held)
                }
                seen = expected
                continue
            }
            i = i + 1 == capacity ? 0 : i + 1
            seen = ft_load_word(words + i)
        }
    }
}

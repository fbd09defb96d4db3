import CAtomicPair

/// Values written in place by the parts of one file read on two threads (the work orders' technicians, written into
/// the table of wanted work orders while both parts read): the keys stay as they are, and each part sets the values of
/// the keys it meets, in the one set of slots every copy of the table shares. Not copy-on-write: a copy of the table
/// made while the parts read sees their values, and the values are rewritten (`updatePackedValues`) only once one
/// part is left holding the table.
extension IDTable {
    /// The slot of `key`, read as another thread may be swapping values in (`setValueInPlace`); nil when absent or
    /// kept among the wide ids. (Keys are not added meanwhile: a slot's key bits never change.)
    @inline(__always)
    func sharedSlot(of key: UnsafeRawBufferPointer) -> Int? {
        if let numbered {
            guard let k = numbered.key(key) else { return nil }
            return findNumbered(k)
        }
        guard capacity > 0, let (a, b) = Self.packAny(key) else { return nil }
        let words = storage.base
        var i = slot(a, b)
        while true {
            let high = ft_load_word(words + 2 * i + 1) & Self.highKeyMask
            if high == 0 { return nil }
            if high == b, ft_load_word(words + 2 * i) & Self.lowKeyMask == a { return i }
            i = i + 1 == capacity ? 0 : i + 1
        }
    }

    /// The slots' words, for `setValueInPlace` (taken once, not a copy of the table per row: the two threads would
    /// share its reference counts).
    var sharedWords: SharedWords { SharedWords(base: storage.base, isNumbered: numbered != nil) }

    /// The slots' words, and whether a slot is one word (`numbered`) or two.
    struct SharedWords {
        let base: UnsafeMutablePointer<UInt64>
        let isNumbered: Bool
    }

    /// Sets the value in slot `i` of `words` (a table's `sharedWords`; the slot holds a key) to `makeValue()`, unless
    /// `keeps` is true of the value it holds: one atomic swap of the slot, in place, decided on the slot read whole
    /// (`makeValue` is called at most once).
    @inline(__always)
    static func setValueInPlace(_ words: SharedWords, atSlot i: Int, unless keeps: (UInt64) -> Bool,
                                to makeValue: () -> UInt64) {
        if words.isNumbered {  // one word: read whole by any load
            let slot = words.base + i
            var held = ft_load_word(slot)
            var new: UInt64?
            while !keeps(held & numberedValueMask) {
                if new == nil {
                    let value = makeValue()
                    precondition(value <= numberedValueMask, "a value of more than 32 bits in a slot of one word")
                    new = held & ~numberedValueMask | value
                }
                if ft_swap_word(slot, &held, new!) { return }  // else `held` is the slot as it is now
            }
            return
        }
        let slot = words.base + 2 * i
        // Whole: the words read one by one may be halves of two values, which `keeps` could take for a third.
        var held: (UInt64, UInt64) = (0, 0)
        withUnsafeMutablePointer(to: &held) { $0.withMemoryRebound(to: UInt64.self, capacity: 2) { ft_load_pair(slot, $0) } }
        var new: (low: UInt64, high: UInt64)?
        while !keeps(value(held.0, held.1)) {
            if new == nil { new = slotWords(held.0 & lowKeyMask, held.1 & highKeyMask, makeValue()) }
            if swap(slot, &held, new!.low, new!.high) { return }  // else `held` is the slot as it is now, whole
        }
    }

    /// Replaces each value of a packed key that `transform` gives a new one for (nil: kept as it is), in place once
    /// the table is this copy's alone.
    mutating func updatePackedValues(_ transform: (UInt64) -> UInt64?) {
        if numbered != nil {
            for i in 0..<capacity {
                let word = storage.base[i]
                guard word != 0, let new = transform(word & Self.numberedValueMask) else { continue }
                updateValue(atSlot: i) { _ in new }
            }
            return
        }
        for i in 0..<capacity {
            let low = storage.base[2 * i], high = storage.base[2 * i + 1]
            guard high & Self.highKeyMask != 0, let new = transform(Self.value(low, high)) else { continue }
            updateValue(atSlot: i) { _ in new }
        }
    }
}

/// A mark on some keys of an `IDTable` whose keys no longer change, kept beside it (a bit per slot) by a reader
/// that must not write the table: each part of a file read in parallel keeps its own marks over the one shared table,
/// and the parts' marks join by `formUnion`. Marks only keys the table holds.
struct KeyMarks: Sendable {
    private var bits: [UInt64]
    /// Keys the table keeps among its wide ids (see `IDTable.isWide(_:)`): no slot to mark.
    private var long: Set<String> = []
    /// The table's slot count when the marks were made: marks belong to one layout of one table.
    private let slots: Int

    init(over table: IDTable) {
        slots = table.slotCount
        bits = [UInt64](repeating: 0, count: (slots + 63) / 64)
    }

    /// Marks `key` when the table holds it; false (nothing marked) when it does not.
    @inline(__always)
    @discardableResult
    mutating func mark(_ key: UnsafeRawBufferPointer, in table: IDTable) -> Bool {
        precondition(table.slotCount == slots, "marks made over another table")
        if let i = table.slot(of: key) {
            bits[i >> 6] |= 1 << UInt64(i & 63)
            return true
        }
        guard table.isWide(key), table[key] != nil else { return false }
        long.insert(String(decoding: key, as: UTF8.self))
        return true
    }

    /// Adds `other`'s marks (made over the same table).
    mutating func formUnion(_ other: KeyMarks) {
        precondition(other.slots == slots, "marks made over another table")
        for i in bits.indices { bits[i] |= other.bits[i] }
        long.formUnion(other.long)
    }

    /// Calls `body` with each marked key and its value in `table` (the table they were made over, or one with the
    /// same slots), in slot order, then the long keys.
    func forEachMarked(in table: IDTable, _ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) rethrows {
        precondition(table.slotCount == slots, "marks made over another table")
        for (w, word) in bits.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                try table.withEntry(atSlot: w << 6 | rest.trailingZeroBitCount, body)
                rest &= rest - 1
            }
        }
        for id in long {
            var id = id
            try id.withUTF8 { bytes in
                if let value = table[UnsafeRawBufferPointer(bytes)] { try body(UnsafeRawBufferPointer(bytes), value) }
            }
        }
    }

    /// Replaces the value of each marked key in `table` (the table they were made over, or one with the same slots)
    /// by `transform(value)`.
    func update(_ table: inout IDTable, _ transform: (UInt64) -> UInt64) {
        precondition(table.slotCount == slots, "marks made over another table")
        for (w, word) in bits.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                table.updateValue(atSlot: w << 6 | rest.trailingZeroBitCount, transform)
                rest &= rest - 1
            }
        }
        for id in long {
            var id = id
            id.withUTF8 { bytes in
                let key = UnsafeRawBufferPointer(bytes)
                if let value = table[key] { table.updateExisting(key, to: transform(value)) }
            }
        }
    }
}

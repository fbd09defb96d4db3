import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// A table told the shape of its ids (`NumberedIDs`): those of the shape in slots of one word, with values of up to 32
/// bits; other ids, and larger values, among its wide ids. The same answers as a table of two-word slots.
@Suite struct IDTableNumberedTests {
    static let shape = NumberedIDs(prefix: "R-", width: 0)

    /// Ids of the shape, ids not of it (another prefix, a leading zero, too large, too long, not ASCII), repeats, and
    /// values of up to 40 bits: the answers of a dictionary and of a table of two-word slots, through growth.
    @Test func answersLikeADictionaryThroughGrowth() {
        var table = IDTable(expectedCount: 10, numbered: Self.shape), packed = IDTable(expectedCount: 10)
        var reference: [String: UInt64] = [:]
        var rng = SplitMix64(seed: 7)
        for i in 0..<40_000 {
            let key = switch i % 8 {
            case 0, 1, 2: "R-\(rng.next() % 20_000)"
            case 3: "R-0\(rng.next() % 50)"
            case 4: "R-\(4_294_967_290 + rng.next() % 10)"  // the largest numbered, and the first too large
            case 5: "X-\(rng.next() % 1000)"
            case 6: "R-\(i)-long-enough-to-be-wide"
            default: "Réf-\(i % 700)"
            }
            // Mostly 32-bit values; a few need more (kept wide even when numbered).
            let value = rng.next() % 16 == 0 ? rng.next() & IDTable.maxValue : rng.next() & IDTable.numberedValueMask
            let expected = reference[key]
            if expected == nil { reference[key] = value }
            #expect(table.insertIfAbsent(key, value) == expected, "\(key)")
            #expect(packed.insertIfAbsent(key, value) == expected, "\(key)")
        }
        #expect(table.count == reference.count && packed.count == reference.count)
        for (key, value) in reference { #expect(table[key] == value, "\(key)") }
        var seen: [String: UInt64] = [:]
        table.forEach { id, value in
            let id = String(decoding: id, as: UTF8.self)
            #expect(seen[id] == nil, "\(id) twice")
            seen[id] = value
        }
        #expect(seen == reference)
        #expect(table["R-20001"] == nil && table["R-"] == nil && table[""] == nil)
        #expect(table.wide.count < reference.count / 2)  // the numbered ones in the slots
    }

    /// A value larger than 32 bits for a numbered id goes wide; the id is found, updated and marked there, and a later
    /// row of it (any value) is told it is a duplicate.
    @Test func aValueTooLargeForASlotIsKeptWide() {
        var table = IDTable(numbered: Self.shape)
        let large = UInt64(1) << 33 | 5
        #expect(table.insertIfAbsent("R-1", 9) == nil)
        #expect(table.insertIfAbsent("R-2", large) == nil)
        #expect(table.insertIfAbsent("R-2", 3) == large)
        #expect(table.insertIfAbsent("R-1", large) == 9)
        #expect(table.count == 2 && table.wide.count == 1)
        let key = Array("R-2".utf8)
        key.withUnsafeBytes { key in
            #expect(table.slot(of: key) == nil && table.isWide(key))
            let updated = table.updateExisting(key, to: large + 1)
            #expect(updated)
        }
        Array("R-1".utf8).withUnsafeBytes { key in #expect(table.slot(of: key) != nil && !table.isWide(key)) }
        #expect(table["R-2"] == large + 1)
        var marks = KeyMarks(over: table)
        let found = ["R-2", "R-1", "R-3"].map { id in Array(id.utf8).withUnsafeBytes { marks.mark($0, in: table) } }
        #expect(found == [true, true, false])
        var marked: [String: UInt64] = [:]
        marks.forEachMarked(in: table) { id, value in marked[String(decoding: id, as: UTF8.self)] = value }
        #expect(marked == ["R-1": 9, "R-2": large + 1])
        marks.update(&table) { $0 + 1 }
        #expect(table["R-1"] == 10 && table["R-2"] == large + 2)
    }

    /// Shared by two parts: a numbered id whose value does not fit is held by the slot that has it, else kept among
    /// the part's wide ids and handed back at the join (where the caller tells its duplicates).
    @Test func sharedPartsKeepValuesTooLargeForASlotWide() {
        var first = IDTable(expectedCount: 100, numbered: Self.shape)
        var later = first.shareWithLaterPart()
        #expect(later.numbered == Self.shape)
        let large = UInt64(1) << 32
        #expect(first.insertKeepingSmallestString("R-1", 10) == .inserted)
        #expect(later.insertKeepingSmallestString("R-1", large + 1) == .held(10))
        #expect(later.insertKeepingSmallestString("R-2", large + 2) == .inserted)
        #expect(later.insertKeepingSmallestString("R-2", large + 3) == .held(large + 2))
        #expect(first.insertKeepingSmallestString("R-3", 30) == .inserted)
        let wide = first.endSharing(later: &later)
        #expect(wide.count == 1 && wide["R-2"] == large + 2)
        #expect(first.count == 2 && first["R-1"] == 10 && first["R-3"] == 30)
    }

    /// The statuses a night records, held in a numbered table, are stored and read back as ids, whatever kind of table
    /// reads them.
    @Test func aSnapshotOverANumberedTableRoundTrips() {
        var table = IDTable(numbered: Self.shape)
        var expected: [String: TrackedStatus] = [:]
        for i in 0..<3_000 {
            let id = i % 10 == 0 ? "LEGACY-\(i)" : "R-\(i * 7)"
            let status = TrackedStatus.allCases[i % TrackedStatus.allCases.count]
            _ = table.insertIfAbsent(id, DatasetBuilder.lineValue(i + 2, StatusSnapshot.value(tonight: status.code, previous: StatusSnapshot.none)))
            expected[id] = status
        }
        let snapshot = StatusSnapshot(values: table, previousCount: nil)
        #expect(snapshot.dictionary == expected)
        #expect(StatusSnapshot(encoded: snapshot.encoded())?.dictionary == expected)
    }

    /// Slots stay where they are while only values change (what `KeyMarks` rely on), and move when a key is added at
    /// the load limit.
    @Test func slotsStayPutUntilAKeyIsAdded() {
        var table = IDTable(numbered: Self.shape)
        _ = table.insertIfAbsent("R-0", 0)
        var i = 1
        while table.count * 5 < table.slotCount * 4 { _ = table.insertIfAbsent("R-\(i)", UInt64(i)); i += 1 }
        let before = table
        let key = Array("R-7".utf8)
        let slot = key.withUnsafeBytes { table.slot(of: $0) }!
        table.updateValue(atSlot: slot) { $0 + 1 }
        key.withUnsafeBytes { table.withValue($0, initial: 0) { value, _ in value += 1 } }
        #expect(table.hasSameSlots(as: before) && table["R-7"] == 9 && before["R-7"] == 7)
        var entry: ([UInt8], UInt64)?
        table.withEntry(atSlot: slot) { id, value in entry = (Array(id), value) }
        #expect(entry?.0 == key && entry?.1 == 9)
        _ = table.insertIfAbsent("R-\(i)", 1)
        #expect(!table.hasSameSlots(as: before) && table.slotCount > before.slotCount)
        #expect((0..<i).allSatisfy { table["R-\($0)"] == ($0 == 7 ? 9 : UInt64($0)) })
    }
}

extension IDTable {
    fileprivate mutating func insertKeepingSmallestString(_ key: String, _ value: UInt64) -> SharedInsertion {
        var key = key
        return key.withUTF8 { insertKeepingSmallest(UnsafeRawBufferPointer($0), value) }
    }
}

import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

@Suite struct IDTableTests {
    /// Packed (up to 11 ASCII bytes), 12–15 bytes, long, non-ASCII, and repeats: the answers of a dictionary, through
    /// growth, with values of up to 40 bits.
    @Test func answersLikeADictionaryThroughGrowth() {
        var table = IDTable(expectedCount: 10)
        var reference: [String: UInt64] = [:]
        var rng = SplitMix64(seed: 11)
        for i in 0..<30_000 {
            let key = switch i % 6 {
            case 0: "R-\(rng.next() % 5000)"
            case 1: "\(rng.next() % 100_000_000_000)"  // up to 11 digits
            case 2: "WO-\(i)-abcdef"
            case 3: "site-\(i)-" + String(repeating: "y", count: 16)
            case 4: "Réf-\(i % 700)"
            default: "T\(i % 37)"
            }
            let value = rng.next() & IDTable.maxValue
            let expected = reference[key]
            if expected == nil { reference[key] = value }
            #expect(table.insertIfAbsent(key, value) == expected)
        }
        #expect(table.count == reference.count)
        for (key, value) in reference { #expect(table[key] == value, "\(key)") }
        var seen: [String: UInt64] = [:]
        table.forEach { id, value in seen[String(decoding: id, as: UTF8.self)] = value }
        #expect(seen == reference)
        #expect(table["missing"] == nil && table[""] == nil)
    }

    /// Keys of every length, differing in one byte anywhere (NUL and DEL among them): each its own key, found again,
    /// handed back byte for byte.
    @Test func everyLengthIsItsOwnKey() {
        var table = IDTable()
        var keys: Set<String> = []
        for length in 1...13 {
            for position in 0..<length {
                for letter in ["a", "\u{0}", "\u{7F}", "Z"] {
                    var chars = Array(repeating: Character("x"), count: length)
                    chars[position] = Character(letter)
                    keys.insert(String(chars))
                }
            }
        }
        let sorted = keys.sorted()
        for (i, key) in sorted.enumerated() { #expect(table.insertIfAbsent(key, UInt64(i)) == nil, "\(key.debugDescription)") }
        var seen: [String: UInt64] = [:]
        table.forEach { id, value in seen[String(decoding: id, as: UTF8.self)] = value }
        #expect(seen == Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, UInt64($0)) }))
    }

    @Test func canonicallyEquivalentKeysAreOneKey() {
        var table = IDTable()
        #expect(table.insertIfAbsent("\u{212A}1", 1) == nil)  // KELVIN SIGN + 1, NFC: "K1" (packed)
        #expect(table.insertIfAbsent("K1", 2) == 1)
        #expect(table.insertIfAbsent("Cafe\u{301}", 3) == nil)  // NFC "Café": not ASCII, kept wide
        #expect(table["Café"] == 3)
        #expect(table.count == 2)
    }

    @Test func squeezeAndSpreadRoundTrip() {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<10_000 {
            let word = rng.next() & 0x7F7F_7F7F_7F7F_7F7F
            #expect(IDTable.spread(IDTable.squeeze(word)) == word)
            #expect(IDTable.squeeze(word) >> 56 == 0)
        }
    }

    /// Values and updates in place keep the slots; a copy shares them until either adds a key.
    @Test func slotsStayPutUntilAKeyIsAdded() {
        var table = IDTable()
        for i in 0..<500 { _ = table.insertIfAbsent("R\(i)", UInt64(i)) }
        var copy = table
        #expect(copy.hasSameSlots(as: table))
        let bytes = Array("R7".utf8)
        bytes.withUnsafeBytes { key in
            let updated = copy.updateExisting(key, to: IDTable.maxValue)
            #expect(updated)
            let slot = copy.slot(of: key)!
            copy.updateValue(atSlot: slot) { $0 - 1 }
            #expect(copy[key] == IDTable.maxValue - 1 && table[key] == 7)
        }
        #expect(copy.hasSameSlots(as: table))
        _ = copy.insertIfAbsent("NEW", 1)
        #expect(!copy.hasSameSlots(as: table))
    }
}

extension IDTableTests {
    /// What a table of wanted ids goes through: ids looked up to their slots (the same in a copy whose values alone
    /// changed; none for an id kept wide), values written slot by slot, and every value rewritten from its key.
    @Test func slotsStayPutWhileOnlyValuesChange() {
        var table = IDTable()
        let ids = (0..<3000).map { $0 % 10 == 0 ? "a-long-work-order-id-\($0)" : "WO-\($0)" }
        for id in ids { _ = table.insertIfAbsent(id, 0) }
        var copy = table
        for (i, id) in ids.enumerated() where i % 3 == 0 { Array(id.utf8).withUnsafeBytes { _ = copy.updateExisting($0, to: UInt64(i) + 1) } }
        #expect(copy.hasSameSlots(as: table))
        for (i, id) in ids.enumerated() {
            let key = Array(id.utf8)
            let slot = key.withUnsafeBytes { table.slot(of: $0) }
            #expect(slot == key.withUnsafeBytes { copy.slot(of: $0) }, "\(id)")
            #expect((slot == nil) == key.withUnsafeBytes { table.isWide($0) }, "\(id)")
            if let slot, i % 2 == 0 { table.updateValue(atSlot: slot) { _ in UInt64(i) + 100_000 } }
        }
        for (i, id) in ids.enumerated() {
            #expect(table[id] == (i % 2 == 0 && i % 10 != 0 ? UInt64(i) + 100_000 : 0), "\(id)")
            #expect(copy[id] == (i % 3 == 0 ? UInt64(i) + 1 : 0), "\(id)")
        }
        table.updateValues { key, value in UInt64(key.count) }
        #expect(ids.allSatisfy { table[$0] == UInt64($0.utf8.count) })
    }
}

extension IDTableTests {
    /// At the load limit, a key already held is updated in place: slots move only when a key is added.
    @Test func updatingAKeyAtTheLoadLimitKeepsTheSlots() {
        var table = IDTable()
        _ = table.insertIfAbsent("R0", 1)
        var i = 1
        while table.count * 5 < table.slotCount * 4 { _ = table.insertIfAbsent("R\(i)", 1); i += 1 }
        let before = table
        let key = Array("R0".utf8)
        let slot = key.withUnsafeBytes { table.slot(of: $0) }
        key.withUnsafeBytes { table.withValue($0, initial: 0) { value, _ in value = 7 } }
        #expect(table.hasSameSlots(as: before))
        #expect(key.withUnsafeBytes { table.slot(of: $0) } == slot)
        #expect(table["R0"] == 7 && table.slotCount == before.slotCount)
        _ = table.insertIfAbsent("NEW", 1)
        #expect(table.slotCount > before.slotCount && table["NEW"] == 1 && table["R0"] == 7)
    }
}

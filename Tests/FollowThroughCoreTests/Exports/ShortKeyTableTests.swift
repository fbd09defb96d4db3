import Foundation
import Testing
@testable import FollowThroughCore

@Suite struct ShortKeyTableTests {
    @Test func answersLikeADictionaryThroughGrowth() {
        var table = ShortKeyTable(expectedCount: 10)
        var reference: [String: UInt64] = [:]
        var generator = SystemRandomNumberGenerator()
        for i in 0..<20_000 {
            // Short ASCII, exactly 15 and 16 bytes, long, and repeats.
            let key = switch i % 5 {
            case 0: "WO-\(i)"
            case 1: String(repeating: "x", count: 12) + String(i % 1000).padding(toLength: 3, withPad: "0", startingAt: 0)
            case 2: "site-\(i)-" + String(repeating: "y", count: 16)
            case 3: "R-\(Int.random(in: 0..<5000, using: &generator))"
            default: "T\(i % 37)"
            }
            let expected = reference[key]
            if expected == nil { reference[key] = UInt64(i) }
            #expect(table.insertIfAbsent(key, UInt64(i)) == expected)
        }
        #expect(table.count == reference.count)
        for (key, value) in reference { #expect(table[key] == value) }
        #expect(table["missing"] == nil && table[""] == nil)
    }

    /// Keys of every length a slot packs (and one past it), differing only in one byte anywhere: each is its own key,
    /// found again, and handed back byte for byte.
    @Test func everyShortLengthPacksToItsOwnKey() {
        var table = ShortKeyTable()
        var keys: [String] = []
        for length in 1...16 {
            for position in 0..<length {
                for letter in ["a", "b"] {
                    var chars = Array(repeating: Character("x"), count: length)
                    chars[position] = Character(letter)
                    keys.append(String(chars))
                }
            }
        }
        keys = Array(Set(keys)).sorted()
        for (i, key) in keys.enumerated() { #expect(table.insertIfAbsent(key, UInt64(i)) == nil, "\(key)") }
        for (i, key) in keys.enumerated() { #expect(table[key] == UInt64(i), "\(key)") }
        var seen: [String: UInt64] = [:]
        table.forEach { bytes, value in seen[String(decoding: bytes, as: UTF8.self)] = value }
        #expect(seen == Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, UInt64($0)) }))
    }

    @Test func canonicallyEquivalentKeysAreOneKey() {
        var table = ShortKeyTable()
        #expect(table.insertIfAbsent("\u{212A}1", 1) == nil)  // KELVIN SIGN + 1, NFC: "K1"
        #expect(table.insertIfAbsent("K1", 2) == 1)
        #expect(table.insertIfAbsent("Cafe\u{301}", 3) == nil)
        #expect(table["Café"] == 3)
    }

    @Test func withValueInsertsOnceAndUpdatesInPlace() {
        var table = ShortKeyTable()
        let bytes = Array("S-1".utf8)
        let first = bytes.withUnsafeBytes { key in table.withValue(key, initial: 7) { value, isNew in (value, isNew) } }
        #expect(first == (7, true))
        bytes.withUnsafeBytes { key in table.withValue(key, initial: 0) { value, _ in value += 1 } }
        #expect(table["S-1"] == 8)
        let long = Array(String(repeating: "z", count: 40).utf8)
        long.withUnsafeBytes { key in table.withValue(key, initial: 5) { value, _ in value *= 2 } }
        #expect(table[String(repeating: "z", count: 40)] == 10)
    }

    /// `updateExisting` sets the value of a key held and never adds one; `updateValues` rewrites each value from its
    /// key; short and long keys alike.
    @Test func valuesChangeInPlace() {
        let keys = (0..<5_000).map { i in i % 7 == 0 ? "a-long-work-order-id-\(i)" : "WO-\(i)" }
        var table = ShortKeyTable()
        for key in keys { _ = table.insertIfAbsent(key, 0) }
        for (i, key) in keys.enumerated() {
            var bytes = Array(key.utf8)
            if i % 3 == 0 {
                let updated = bytes.withUnsafeBytes { table.updateExisting($0, to: UInt64(i) + 1) }
                #expect(updated)
            }
            bytes = Array("not-a-key-\(i)".utf8)
            #expect(!bytes.withUnsafeBytes { table.updateExisting($0, to: 1) }, "never adds a key")
        }
        #expect(table.count == keys.count)
        for (i, key) in keys.enumerated() { #expect(table[key] == (i % 3 == 0 ? UInt64(i) + 1 : 0)) }
        table.updateValues { key, value in value * 2 + UInt64(key.count) }
        for (i, key) in keys.enumerated() { #expect(table[key] == (i % 3 == 0 ? UInt64(i) + 1 : 0) * 2 + UInt64(key.utf8.count)) }
    }

    /// A prefetch is only a hint: on an empty table, for keys that are not packed (long, empty) and for absent keys it
    /// neither traps nor changes an answer.
    @Test func prefetchIsOnlyAHint() {
        var table = ShortKeyTable()
        let keys = ["WO-1", "", String(repeating: "k", count: 40), "Café", "absent"]
        for key in keys { Array(key.utf8).withUnsafeBytes { table.prefetch($0) } }
        _ = table.insertIfAbsent("WO-1", 1)
        _ = table.insertIfAbsent(String(repeating: "k", count: 40), 2)
        for key in keys { Array(key.utf8).withUnsafeBytes { table.prefetch($0) } }
        #expect(table["WO-1"] == 1 && table[String(repeating: "k", count: 40)] == 2 && table["absent"] == nil && table.count == 2)
    }
}

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

    @Test func canonicallyEquivalentKeysAreOneKey() {
        var table = ShortKeyTable()
        #expect(table.insertIfAbsent("\u{212A}1", 1) == nil)  // KELVIN SIGN + 1, NFC: "K1"
        #expect(table.insertIfAbsent("K1", 2) == 1)
        #expect(table.insertIfAbsent("Cafe\u{301}", 3) == nil)
        #expect(table["Café"] == 3)
    }

    @Test func withValueInsertsOnceAndUpdatesInPlace() {
        var table = ShortKeyTable()
        var bytes = Array("S-1".utf8)
        let first = bytes.withUnsafeBytes { key in table.withValue(key, initial: 7) { value, isNew in (value, isNew) } }
        #expect(first == (7, true))
        bytes.withUnsafeBytes { key in table.withValue(key, initial: 0) { value, _ in value += 1 } }
        #expect(table["S-1"] == 8)
        let long = Array(String(repeating: "z", count: 40).utf8)
        long.withUnsafeBytes { key in table.withValue(key, initial: 5) { value, _ in value *= 2 } }
        #expect(table[String(repeating: "z", count: 40)] == 10)
    }
}

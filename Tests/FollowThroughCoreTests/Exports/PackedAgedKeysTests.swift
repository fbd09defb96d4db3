import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// A block of aged keys packed field by field: what goes in comes back, in order, whatever the fields' spread.
@Suite struct PackedAgedKeysTests {
    typealias Key = AgedPending.StoredKey

    func roundTrip(_ keys: [Key]) -> [Key] {
        var back: [Key] = []
        PackedAgedKeys(keys).forEach { back.append($0) }
        return back
    }

    func same(_ a: [Key], _ b: [Key]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy {
            ($0.line, $0.site, $0.owner, $0.who, $0.lastActivity, $0.value) == ($1.line, $1.site, $1.owner, $1.who, $1.lastActivity, $1.value)
        }
    }

    /// Narrow spreads (a few bits a field) and the widest each field allows: lines from 0 to the last `UInt32`, values
    /// and dates from their type's least to its greatest (64 and 32 bits wide), names and work order numbers.
    @Test(arguments: [1, 2, 3, 4])
    func keysComeBackAsTheyWentIn(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var line: UInt32 = seed == 4 ? 0 : UInt32(rng.next() % 1000)
        let keys = (0..<(seed == 1 ? 1 : 8192)).map { i -> Key in
            let wide = seed >= 3
            line = wide && i == 8191 ? .max : line + 1 + UInt32(rng.next() % (wide ? 100_000 : 7))
            return Key(line: line, site: wide && i == 5 ? .max : UInt32(rng.next() % 25_000),
                       owner: wide && i == 6 ? .max : UInt32(rng.next() % 90),
                       who: wide ? [.min, -2 - Int32(i), -1, .max][i % 4] : Int32(rng.next() % 250),
                       lastActivity: wide ? [.min, .max, 0, Int32(truncatingIfNeeded: rng.next())][i % 4] : Int32(rng.next() % 3000),
                       value: wide ? [.min, .max, 0, Int64(bitPattern: rng.next())][i % 4] : Int64(rng.next() % 5_000_000))
        }
        #expect(same(roundTrip(keys), keys))
    }

    /// Lines in any order (distances down as well as up: 33 bits wide), beside fields that never change (no bits).
    @Test func linesInAnyOrderBesideConstantFields() {
        let keys = [UInt32.max, 0, .max, 5, 7, .max - 1, 1].map {
            Key(line: $0, site: 7, owner: 3, who: -1, lastActivity: 100, value: 0)
        }
        #expect(same(roundTrip(keys), keys))
    }

    @Test func anEmptyBlockHoldsNothing() {
        #expect(roundTrip([]).isEmpty)
        #expect(PackedAgedKeys([]).count == 0)
    }
}

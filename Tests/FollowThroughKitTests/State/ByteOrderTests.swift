import Testing
@testable import FollowThroughKit

@Suite struct ByteOrderTests {
    @Test func sortsAsSQLiteBinaryCollationDoes() {
        var items: [String: Int] = [:]
        let fixed = ["R-1", "R-10", "R-1\u{0}x", "R-2", "", "a", "A", "Z", "é", "R-1234567890123456", "R-123456789012345",
                     "R-12345678901234", String(repeating: "x", count: 30)]
        for (i, key) in fixed.enumerated() { items[key] = i }
        for i in 0..<2_000 { items["R-\(Int.random(in: 0..<100_000))-\(i % 7 == 0 ? String(repeating: "q", count: 12) : "")"] = i }
        let sorted = ByteOrder.sorted(items).map(\.0)
        #expect(sorted == items.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(Set(sorted).count == items.count)
    }
}

import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

@Suite struct IDFilterTests {
    func bytes<T>(_ id: String, _ body: (UnsafeRawBufferPointer) -> T) -> T { Array(id.utf8).withUnsafeBytes(body) }

    /// Every id put in is found (short, long, non-ASCII, canonically equivalent spellings); about one in a hundred
    /// others is wrongly said to be there.
    @Test func neverMissesAnIdAndRarelyClaimsOne() {
        var filter = IDFilter(expectedCount: 20_000)
        var rng = SplitMix64(seed: 3)
        let ids = (0..<20_000).map { i in i % 3 == 0 ? "R-\(rng.next() % 1_000_000_000)" : i % 3 == 1 ? "WO-\(i)-" + String(repeating: "x", count: 20) : "Réf-\(i)" }
        for id in ids { bytes(id) { filter.insert($0) } }
        bytes("Cafe\u{301}") { filter.insert($0) }
        #expect(ids.allSatisfy { id in bytes(id) { filter.mayContain($0) } })
        #expect(bytes("Café") { filter.mayContain($0) })
        let others = (0..<20_000).filter { i in bytes("X-\(i)") { filter.mayContain($0) } }.count
        #expect(others < 600, "\(others) of 20,000 ids never put in were claimed")
        #expect(!bytes("R-1") { IDFilter.empty.mayContain($0) })
    }
}

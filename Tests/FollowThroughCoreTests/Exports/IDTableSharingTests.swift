import Dispatch
import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// Two parts of a file recording their ids in one table (`IDTable.shareWithLaterPart`), as the loader's two threads do.
@Suite struct IDTableSharingTests {
    func insert(_ table: inout IDTable, _ key: String, _ value: UInt64) -> IDTable.SharedInsertion {
        var key = key
        return key.withUTF8 { table.insertKeepingSmallest(UnsafeRawBufferPointer($0), value) }
    }

    /// The later part met an id first (its thread ran ahead): the first part's row displaces it, and a later row of
    /// it is held as a duplicate of whichever is there. Joined, the table holds the smaller value of each id, counted
    /// once, and the later part's long ids (kept apart) come back to be taken in.
    @Test func theSmallerValueWinsWhicheverPartInsertsFirst() {
        var first = IDTable(expectedCount: 100)
        var later = first.shareWithLaterPart(laterShare: 0.5)
        #expect(first.isShared && later.isShared && first.canJoin(later: later))
        #expect(insert(&later, "R1", 500) == .inserted)
        #expect(insert(&later, "R2", 510) == .inserted)
        #expect(insert(&later, "R1", 520) == .held(500))
        #expect(insert(&first, "R1", 10) == .displaced(500))
        #expect(insert(&first, "R3", 20) == .inserted)
        #expect(insert(&first, "R3", 30) == .held(20))
        #expect(insert(&later, "R3", 530) == .held(20))
        #expect(insert(&later, "R1", 540) == .held(10))
        #expect(insert(&later, "a-very-long-recommendation-id", 550) == .inserted)
        #expect(insert(&first, "a-very-long-recommendation-id", 40) == .inserted)  // each part's own, until joined
        let wide = first.endSharing(later: &later)
        #expect(!first.isShared && wide.count == 1 && wide["a-very-long-recommendation-id"] == 550)
        #expect(first.count == 4)  // R1, R2, R3 and this part's long id
        #expect(first["R1"] == 10 && first["R2"] == 510 && first["R3"] == 20)
        #expect(first.insertIfAbsent("R4", 600) == nil && first["R4"] == 600)  // on its own again: it grows and writes
    }

    /// The later part out of its share of the room gives the sharing up: its rows are dropped from then on, the parts
    /// cannot join, and the first part, on its next insertion, keeps its own ids only and goes on alone.
    @Test func aLaterPartOutOfRoomGivesTheSharingUp() {
        var first = IDTable(expectedCount: 1000)  // 1,250 slots: 1,125 below nine tenths, 112 of them the later part's
        var later = first.shareWithLaterPart(laterShare: 0.1)
        for i in 0..<5 { #expect(insert(&first, "F\(i)", UInt64(i)) == .inserted) }
        #expect(insert(&first, "S", 4_000) == .inserted)  // (the first part's own order, here: its value is the largest)
        #expect(insert(&later, "S", 5_000) == .held(4_000))
        var outcomes: [IDTable.SharedInsertion] = []
        for i in 0..<200 { outcomes.append(insert(&later, "L\(i)", 10_000 + UInt64(i))) }
        #expect(outcomes.prefix(112).allSatisfy { $0 == .inserted })
        #expect(outcomes.dropFirst(112).allSatisfy { $0 == .abandoned })
        #expect(!first.canJoin(later: later))
        #expect(insert(&first, "F5", 4_500) == .inserted)
        #expect(!first.isShared && first.count == 7)
        #expect(first["L0"] == nil && first["F0"] == 0 && first["S"] == 4_000 && first["F5"] == 4_500)
        #expect(insert(&first, "F0", 4_600) == .held(0))
    }

    /// The first part out of room gives the sharing up itself, and grows: the later part's ids leave the table.
    @Test func aFirstPartOutOfRoomGrowsAlone() {
        var first = IDTable(expectedCount: 1000)
        var later = first.shareWithLaterPart(laterShare: 0.5)  // 562 keys for each
        for i in 0..<100 { _ = insert(&later, "L\(i)", 1_000_000 + UInt64(i)) }
        for i in 0..<2_000 { #expect(insert(&first, "F\(i)", UInt64(i)) == .inserted) }
        #expect(!first.isShared && first.count == 2_000 && first.slotCount >= 2_500)
        #expect(insert(&later, "L100", 1_000_100) == .abandoned)
        #expect((0..<2_000).allSatisfy { first["F\($0)"] == UInt64($0) })
        #expect((0..<100).allSatisfy { first["L\($0)"] == nil })
    }

    /// When the parts are dropped for another reason (a split inside a quoted field), the first part takes the later
    /// part's ids out, displaced ones included.
    @Test func abandoningKeepsTheFirstPartsIDsOnly() {
        var first = IDTable(expectedCount: 100)
        var later = first.shareWithLaterPart(laterShare: 0.5)
        _ = insert(&later, "R1", 500)
        _ = insert(&later, "R2", 510)
        #expect(insert(&first, "R1", 10) == .displaced(500))
        first.abandonSharing()
        #expect(!first.isShared && !first.canJoin(later: later) && first.count == 1)
        #expect(first["R1"] == 10 && first["R2"] == nil)
        #expect(insert(&later, "R3", 520) == .abandoned)
    }

    /// Two threads at once, many ids in both parts: each id ends with its smallest value, every row but one per id is
    /// told it is a duplicate (held, or displaced by the other part's), and the count is the ids'.
    @Test(arguments: 1...4)
    func twoThreadsAgreeOnTheFirstRowOfEachID(seed: UInt64) {
        let rows = 40_000
        // Row n of part p has value p * rows + n; ids repeat within and across the parts.
        func ids(_ part: UInt64) -> [String] {
            var rng = SplitMix64(seed: seed &* 31 &+ part)
            return (0..<rows / 2).map { _ in "R\(rng.next() % UInt64(rows / 2))" }
        }
        let (firstIDs, laterIDs) = (ids(0), ids(1))
        final class Box: @unchecked Sendable { var table: IDTable; var outcomes: [IDTable.SharedInsertion] = []; init(_ t: IDTable) { table = t } }
        let boxes = {
            var first = IDTable(expectedCount: rows)
            let later = first.shareWithLaterPart(laterShare: 0.5)
            return [Box(first), Box(later)]
        }()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let box = boxes[part], keys = part == 0 ? firstIDs : laterIDs
            for (n, key) in keys.enumerated() { box.outcomes.append(insert(&box.table, key, UInt64(part * rows + n))) }
        }
        var expected: [String: UInt64] = [:]
        for (n, key) in (firstIDs + laterIDs).enumerated() where expected[key] == nil {
            expected[key] = n < rows / 2 ? UInt64(n) : UInt64(rows + n - rows / 2)
        }
        let kept = boxes.map { $0.outcomes.filter { $0 == .inserted }.count }.reduce(0, +)
        let displaced = boxes[0].outcomes.filter { if case .displaced = $0 { true } else { false } }.count
        let held = boxes.map { $0.outcomes.filter { if case .held = $0 { true } else { false } }.count }.reduce(0, +)
        #expect(!boxes[1].outcomes.contains { if case .displaced = $0 { true } else { false } })  // only the first part displaces
        #expect(kept == expected.count)  // a displaced row was counted when its part inserted it
        #expect(kept + displaced + held == rows)
        var joined = boxes[0].table
        var laterTable = boxes[1].table
        boxes[1].table = IDTable()
        boxes[0].table = IDTable()
        #expect(joined.canJoin(later: laterTable))
        #expect(joined.endSharing(later: &laterTable).count == 0)
        #expect(joined.count == expected.count)
        var seen: [String: UInt64] = [:]
        joined.forEach { id, value in seen[String(decoding: id, as: UTF8.self)] = value }
        #expect(seen == expected)
    }
}

import Dispatch
import Foundation
import Synchronization
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
    /// A table of `expectedCount` ids, numbered (`R` and a number, one word a slot) or not.
    static func table(expectedCount: Int, numbered: Bool) -> IDTable {
        IDTable(expectedCount: expectedCount, numbered: numbered ? NumberedIDs(prefix: "R", width: 0) : nil)
    }

    @Test(arguments: [false, true])
    func theSmallerValueWinsWhicheverPartInsertsFirst(numbered: Bool) {
        var first = Self.table(expectedCount: 100, numbered: numbered)
        var later = first.shareWithLaterPart()
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
        #expect(first.insertIfAbsent("R4", 600) == nil && first["R4"] == 600)  // on its own again: it writes
    }

    /// The parts take room a batch at a time from one count (here 1,125 keys, nine tenths of 1,251 slots, 17 at a
    /// time): the later part, out of room, gives the sharing up, lets go of the slots and drops its rows from then on; the parts cannot
    /// join, and the first part, on its next insertion, keeps its own ids only and goes on alone.
    @Test func aLaterPartOutOfRoomGivesTheSharingUp() {
        var first = IDTable(expectedCount: 1000)
        var later = first.shareWithLaterPart()
        for i in 0..<1_000 { #expect(insert(&first, "F\(i)", UInt64(i)) == .inserted) }  // takes 1,003 of the room
        #expect(insert(&first, "S", 4_000) == .inserted)  // (the first part's own order: its value is the largest)
        #expect(insert(&later, "S", 5_000) == .held(4_000))
        var outcomes: [IDTable.SharedInsertion] = []
        for i in 0..<200 { outcomes.append(insert(&later, "L\(i)", 10_000 + UInt64(i))) }
        #expect(outcomes.prefix(122).allSatisfy { $0 == .inserted })  // the 122 left
        #expect(outcomes.dropFirst(122).allSatisfy { $0 == .abandoned })
        #expect(later.wasGivenUp && later.slotCount == 0 && !first.canJoin(later: later))
        #expect(insert(&later, "a-very-long-recommendation-id", 20_000) == .abandoned)
        #expect(insert(&first, "G1", 4_500) == .inserted)
        #expect(!first.isShared && first.count == 1_002)
        #expect(first["L0"] == nil && first["F0"] == 0 && first["S"] == 4_000 && first["G1"] == 4_500)
        #expect(insert(&first, "F0", 4_600) == .held(0))
    }

    /// The first part out of room gives the sharing up itself, and grows: the later part's ids leave the table.
    @Test func aFirstPartOutOfRoomGrowsAlone() {
        var first = IDTable(expectedCount: 1000)
        var later = first.shareWithLaterPart()
        for i in 0..<100 { _ = insert(&later, "L\(i)", 1_000_000 + UInt64(i)) }
        for i in 0..<2_000 { #expect(insert(&first, "F\(i)", UInt64(i)) == .inserted) }
        #expect(!first.isShared && first.count == 2_000 && first.slotCount >= 2_500)
        #expect(insert(&later, "L100", 1_000_100) == .abandoned)
        #expect((0..<2_000).allSatisfy { first["F\($0)"] == UInt64($0) })
        #expect((0..<100).allSatisfy { first["L\($0)"] == nil })
    }

    /// When the parts are dropped for another reason (a split inside a quoted field), the first part takes the later
    /// part's ids out, displaced ones included.
    @Test(arguments: [false, true])
    func abandoningKeepsTheFirstPartsIDsOnly(numbered: Bool) {
        var first = Self.table(expectedCount: 100, numbered: numbered)
        var later = first.shareWithLaterPart()
        _ = insert(&later, "R1", 500)
        _ = insert(&later, "R2", 510)
        #expect(insert(&first, "R1", 10) == .displaced(500))
        first.abandonSharing()
        #expect(!first.isShared && !first.canJoin(later: later) && first.count == 1)
        #expect(first["R1"] == 10 && first["R2"] == nil)
        #expect(insert(&later, "R3", 520) == .abandoned)
    }

    /// Both parts' rows, as `twoThreads…` inserts them: row n of part p has value p * rows + n; ids repeat within and
    /// across the parts.
    static func ids(seed: UInt64, part: UInt64, rows: Int, distinct: Int) -> [String] {
        var rng = SplitMix64(seed: seed &* 31 &+ part)
        return (0..<rows / 2).map { _ in "R\(rng.next() % UInt64(distinct))" }
    }

    final class Part: @unchecked Sendable {
        var table: IDTable
        var outcomes: [IDTable.SharedInsertion] = []
        init(_ table: IDTable) { self.table = table }
    }

    final class Barrier: Sendable {
        let arrived = Atomic<Int>(0)
        func wait(for count: Int) {
            arrived.add(1, ordering: .relaxed)
            while arrived.load(ordering: .relaxed) < count {}
        }
    }

    /// Runs both parts at once on two threads of their own, from the same moment (a spin barrier; a thread pool might
    /// run them one after the other), each inserting its ids.
    static func insertAtOnce(_ parts: [Part], _ ids: [[String]], rows: Int) {
        let barrier = Barrier(), done = DispatchSemaphore(value: 0)
        for p in 0..<2 {
            Thread {
                barrier.wait(for: 2)
                let part = parts[p]
                part.outcomes.reserveCapacity(ids[p].count)
                for (n, id) in ids[p].enumerated() {
                    var id = id
                    part.outcomes.append(id.withUTF8 { part.table.insertKeepingSmallest(UnsafeRawBufferPointer($0), UInt64(p * rows + n)) })
                }
                done.signal()
            }.start()
        }
        done.wait()
        done.wait()
    }

    /// Two threads at once, many ids in both parts: each id ends with its smallest value, and every row but one per
    /// id is told it is a duplicate: held by a smaller value of the same id (the first row, or one the first part
    /// displaced since), or, in the later part, displaced by the first part's row of it.
    /// Seeds 2 and 4 in a numbered table.
    @Test(arguments: 1...4)
    func twoThreadsAgreeOnTheFirstRowOfEachID(seed: UInt64) {
        let rows = 400_000
        let ids = [0, 1].map { Self.ids(seed: seed, part: $0, rows: rows, distinct: rows / 2) }
        let parts = {
            var first = Self.table(expectedCount: rows, numbered: seed % 2 == 0)
            let later = first.shareWithLaterPart()
            return [Part(first), Part(later)]
        }()
        Self.insertAtOnce(parts, ids, rows: rows)
        var expected: [String: UInt64] = [:]
        for p in 0..<2 { for (n, id) in ids[p].enumerated() where expected[id] == nil { expected[id] = UInt64(p * rows + n) } }
        var displacedLater = 0
        for p in 0..<2 {
            for (n, outcome) in parts[p].outcomes.enumerated() {
                let value = UInt64(p * rows + n), id = ids[p][n]
                switch outcome {
                case .inserted: break
                case .held(let held):
                    #expect(held < value && held >= expected[id]!, "\(id)")
                    if p == 0 { #expect(ids[0][Int(held)] == id) }
                case .displaced(let later):
                    #expect(p == 0 && later >= UInt64(rows) && ids[1][Int(later) - rows] == id)
                    displacedLater += 1
                case .abandoned: Issue.record("room for every row was made")
                }
            }
        }
        let kept = parts.map { $0.outcomes.filter { $0 == .inserted }.count }.reduce(0, +)
        #expect(kept == expected.count)  // a displaced row was counted when its part inserted it
        var joined = parts[0].table, later = parts[1].table
        (parts[0].table, parts[1].table) = (IDTable(), IDTable())
        #expect(joined.canJoin(later: later))
        #expect(joined.endSharing(later: &later).count == 0)
        #expect(joined.count == expected.count)
        var seen: [String: UInt64] = [:]
        joined.forEach { id, value in seen[String(decoding: id, as: UTF8.self)] = value }
        #expect(seen == expected)
        _ = displacedLater  // (how many depends on the threads' timing: nothing to assert)
    }

    /// The room runs out while both threads insert (a table sized for a fifth of the rows): the sharing is given up,
    /// the later part's rows from then on are dropped, and the first part ends holding exactly its own ids, each with
    /// its first value, whatever the later part wrote meanwhile.
    /// Seed 2 in a numbered table.
    @Test(arguments: 1...3)
    func runningOutOfRoomAtOnceLeavesTheFirstPartsIDs(seed: UInt64) {
        let rows = 200_000
        let ids = [0, 1].map { Self.ids(seed: seed, part: $0, rows: rows, distinct: rows) }
        let parts = {
            var first = Self.table(expectedCount: rows / 5, numbered: seed == 2)
            let later = first.shareWithLaterPart()
            return [Part(first), Part(later)]
        }()
        Self.insertAtOnce(parts, ids, rows: rows)
        #expect(!parts[0].table.isShared && parts[1].table.wasGivenUp)
        #expect(parts[1].outcomes.last == .abandoned)
        var expected: [String: UInt64] = [:]
        for (n, id) in ids[0].enumerated() where expected[id] == nil { expected[id] = UInt64(n) }
        var seen: [String: UInt64] = [:]
        parts[0].table.forEach { id, value in seen[String(decoding: id, as: UTF8.self)] = value }
        #expect(seen == expected)
        #expect(parts[0].table.count == expected.count)
    }
}

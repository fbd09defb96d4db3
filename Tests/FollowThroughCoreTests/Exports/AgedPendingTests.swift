import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// The aged keys as stored in blocks: what goes in comes out, across blocks, and a later part joins by its blocks
/// (names renumbered, its work orders after these, left-out lines skipped).
@Suite struct AgedPendingTests {
    struct Seen: Equatable {
        var line: Int, site: String, owner: String, recommendedBy: String, workOrder: String?, lastActivity: Int32, value: Int64
    }

    static func pending(_ i: Int, value: Int64?) -> PendingRecommendation {
        var r = Recommendation(id: "R\(i)", workOrderID: i % 3 == 0 ? "W\(i)" : "", siteID: "S\(i % 17)", description: "",
                               estimatedValueCents: value, status: .open, createdAt: LocalDateTime(date: LocalDate(daysSinceEpoch: 15_000)),
                               lastActivityAt: LocalDateTime(date: LocalDate(daysSinceEpoch: lastActivity(i))),
                               recommendedBy: i % 3 == 0 ? "" : "T\(i % 5)", salesOwner: "O\(i % 7)")
        r.line = i + 2
        return PendingRecommendation(r, record: -1)
    }

    /// Days since 1970: mostly near 2011, some 89 years and more from 2000 (packed, a block's dates then spread wide).
    static func lastActivity(_ i: Int) -> Int32 {
        guard i % 11 == 0 else { return Int32(15_000 + i % 50) }
        let base: Int32 = 10_957  // 2000-01-01
        return [-30_000, 50_000, base + 32_767, base - 32_768, base - 32_767][(i / 11) % 5]
    }

    static func value(_ i: Int) -> Int64? {
        switch i % 5 {
        case 0: nil
        case 1: Int64(Int32.max) + Int64(i)  // more than 32 bits of cents
        case 2: -Int64(i)
        default: Int64(i) * 100
        }
    }

    func seen(_ aged: AgedPending) -> [Seen] {
        var all: [Seen] = []
        aged.forEach { key in
            all.append(Seen(line: key.line, site: aged.name(key.site), owner: aged.name(key.owner), recommendedBy: aged.recommendedBy(key),
                            workOrder: aged.workOrder(key).map { if case .id(let id) = $0 { id } else { "slot" } }, lastActivity: key.lastActivity, value: key.value))
        }
        return all
    }

    func expected(_ range: Range<Int>) -> [Seen] {
        range.map { i in
            let p = Self.pending(i, value: Self.value(i))
            return Seen(line: p.line, site: p.siteID, owner: p.salesOwner, recommendedBy: p.recommendedBy,
                        workOrder: p.workOrderID.isEmpty ? nil : p.workOrderID, lastActivity: p.lastActivityAt.date.daysSinceEpoch,
                        value: p.estimatedValueCents ?? 0)
        }
    }

    @Test func keysComeBackAsTheyWentInAcrossBlocks() {
        var aged = AgedPending()
        let n = AgedPending.blockSize * 2 + 17
        for i in 0..<n { aged.append(Self.pending(i, value: Self.value(i))) }
        #expect(aged.count == n)
        #expect(seen(aged) == expected(0..<n))
    }

    @Test func aLaterPartJoinsByItsBlocksLessTheLinesLeftOut() {
        var first = AgedPending(), later = AgedPending()
        let split = AgedPending.blockSize + 5, n = split + AgedPending.blockSize + 9
        for i in 0..<split { first.append(Self.pending(i, value: Self.value(i))) }
        // The later part meets names in another order: its numbers differ from the first part's.
        for i in (split..<n).reversed() { later.append(Self.pending(i, value: Self.value(i))) }
        let droppedLines: Set<Int> = [split + 2, split + 10, n + 1]  // the last of these is no aged key's line
        first.append(contentsOf: later, droppingLines: droppedLines)
        let want = expected(0..<split) + expected(split..<n).reversed().filter { !droppedLines.contains($0.line) }
        #expect(first.count == want.count)
        #expect(seen(first) == want)
        first.append(Self.pending(n, value: 5))  // after a joined block: a block of its own numbering
        #expect(seen(first).last == expected(n..<(n + 1)).first.map { var s = $0; s.value = 5; return s })
    }

    @Test func resolvedLinesAreMarkedOneByOne() {
        var aged = AgedPending()
        aged.markResolved(line: 70)
        aged.markResolved(line: 2)
        #expect(aged.isResolved(line: 70) && aged.isResolved(line: 2))
        #expect(!aged.isResolved(line: 3) && !aged.isResolved(line: 71) && !aged.isResolved(line: 10_000))
    }
}

extension AgedPendingTests {
    /// Once pinned, a key's work order is its slot in the wanted work orders' table (a long id stays an id).
    @Test func pinnedWorkOrdersAreSlotsOfTheTable() {
        var aged = AgedPending()
        var table = IDTable()
        let long = "WORK-ORDER-WITH-A-LONG-ID-1"
        for (i, workOrder) in ["W1", long, "W2"].enumerated() {
            var r = Recommendation(id: "R\(i)", workOrderID: workOrder, siteID: "S", description: "", status: .open,
                                   createdAt: LocalDateTime(date: LocalDate(daysSinceEpoch: 15_000)))
            r.line = i + 2
            aged.append(PendingRecommendation(r, record: -1))
            _ = table.insertIfAbsent(workOrder, UInt64(10 + i))
        }
        aged.pinWorkOrders(in: table)
        var seen: [UInt64] = []
        aged.forEach { key in
            switch aged.workOrder(key) {
            case .slot(let slot)?: table.withEntry(atSlot: slot) { _, value in seen.append(value) }
            case .id(let id)?: seen.append(table[id] ?? 0)
            case nil: seen.append(0)
            }
        }
        #expect(seen == [10, 11, 12])
        #expect(aged.workOrders.isEmpty)
    }
}

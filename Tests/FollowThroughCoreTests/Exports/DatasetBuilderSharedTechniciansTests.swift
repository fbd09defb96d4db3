import Foundation
import Synchronization
import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// The two parts of the work orders writing the technicians of the wanted work orders into the one table they share
/// (`IDTable.setValueInPlace`), merged, read as one reader of the whole file would: the first row of a work order
/// names its technician, whichever part's thread wrote first.
@Suite struct DatasetBuilderSharedTechniciansTests {
    static let created = LocalDateTime(date: LocalDate(year: 2026, month: 10, day: 1)!)

    /// A builder that read open recommendations `R<n>` found on work orders `W<n>`, none naming who recommended it:
    /// the technicians of those work orders are wanted.
    /// Also (`wide`) recommendations `RL<n>` found on work orders whose ids the table keeps apart (`longID(n)`).
    /// `numbered`: the table keeps `W<n>` in slots of one word (`NumberedIDs`), else of two.
    static func builder(workOrders: Int, wide: Int = 0, numbered: Bool = false) -> DatasetBuilder {
        var builder = DatasetBuilder()
        for n in 0..<workOrders {
            builder.add(Recommendation(id: "R\(n)", workOrderID: "W\(n)", siteID: "A", description: "Fix", status: .open,
                                       createdAt: created, salesOwner: "S1", line: n + 2))
        }
        for n in 0..<wide {
            builder.add(Recommendation(id: "RL\(n)", workOrderID: longID(n), siteID: "A", description: "Fix", status: .open,
                                       createdAt: created, salesOwner: "S1", line: workOrders + n + 2))
        }
        builder.recordOnlyNeededTechnicians(numbered: numbered ? NumberedIDs(like: "W1") : nil)
        #expect((builder.workOrderTechnicians.numbered != nil) == numbered)
        return builder
    }

    static func row(_ id: String, _ technician: String, _ line: Int) -> WorkOrder {
        WorkOrder(id: id, siteID: "A", technicianID: technician, status: .completed, line: line)
    }

    /// Who recommended each recommendation, by id, once built: its work order's technician.
    static func recommenders(_ builder: DatasetBuilder) -> [String: String] {
        var builder = builder
        return Dictionary(uniqueKeysWithValues: builder.build().dataset.recommendations.map { ($0.id, $0.recommendedBy) })
    }

    static func longID(_ n: Int) -> String { "a-work-order-id-too-long-to-pack-\(n)" }

    static let firstPart = [row("W1", "T1", 2), row("W2", "T2", 3), row("W1", "T9", 4), row("W7", "T7", 5),
                            row(longID(0), "T2", 6)]
    /// Its first technician (T3) is the later part's number 1, the first part's T1's number: the merge renumbers.
    static let laterPart = [row("W3", "T3", 7), row("W1", "T4", 8), row("W4", "T2", 9), row("W3", "T5", 10), row("W7", "T8", 11),
                            row(longID(0), "T5", 12), row(longID(1), "T3", 13)]

    @Test(arguments: [false, true], [false, true])
    func partsWritingTechniciansInOneTableReadAsOneReader(laterPartFirst: Bool, numbered: Bool) {
        var one = Self.builder(workOrders: 6, wide: 3)
        for w in Self.firstPart + Self.laterPart { one.add(w) }
        let expected = Self.recommenders(one)
        #expect(expected == ["R0": "", "R1": "T1", "R2": "T2", "R3": "T3", "R4": "T2", "R5": "",
                             "RL0": "T2", "RL1": "T3", "RL2": ""])

        var first = Self.builder(workOrders: 6, wide: 3, numbered: numbered)
        var later = first.builderForLaterPart()
        if laterPartFirst {  // the later part's thread ran ahead: the first part's W1 replaces its T4
            for w in Self.laterPart { later.add(w) }
            for w in Self.firstPart { first.add(w) }
        } else {
            for w in Self.firstPart { first.add(w) }
            for w in Self.laterPart { later.add(w) }
        }
        #expect(first.canMerge(later: later))
        first.merge(later: &later)
        #expect(Self.recommenders(first) == expected)
    }

    /// Parts that cannot be merged (the first part reads on from the split): what the later part wrote leaves the
    /// table, even for work orders the first part does not meet again (rows the later part read from inside a quoted
    /// field, say).
    @Test(arguments: [false, true])
    func droppingTheLaterPartLeavesOnlyTheFirstPartsTechnicians(numbered: Bool) {
        var first = Self.builder(workOrders: 6, numbered: numbered)
        var later = first.builderForLaterPart()
        for w in Self.laterPart + [Self.row("W5", "T5", 14)] { later.add(w) }
        for w in Self.firstPart { first.add(w) }
        later = DatasetBuilder()  // let go, as the loader does
        first.dropLaterPart()
        for w in Self.laterPart { first.add(w) }
        #expect(Self.recommenders(first) == ["R0": "", "R1": "T1", "R2": "T2", "R3": "T3", "R4": "T2", "R5": ""])
    }

    final class Part: @unchecked Sendable {
        var builder: DatasetBuilder
        init(_ builder: DatasetBuilder) { self.builder = builder }
    }

    /// Who recommended each recommendation once the two parts of the work orders, `rows[0]` and `rows[1]`, were read
    /// on two threads of their own from the same moment (a spin barrier) and merged.
    static func readAtOnce(_ rows: [[WorkOrder]], wanted: Int, numbered: Bool) -> [String: String] {
        let first = Part(builder(workOrders: wanted, numbered: numbered))
        let parts = [first, Part(first.builder.builderForLaterPart())]
        let arrived = Atomic<Int>(0), done = DispatchSemaphore(value: 0)
        for p in 0..<2 {
            Thread {
                arrived.add(1, ordering: .relaxed)
                while arrived.load(ordering: .relaxed) < 2 {}
                for w in rows[p] { parts[p].builder.add(w) }
                done.signal()
            }.start()
        }
        done.wait()
        done.wait()
        var later = parts[1].builder
        parts[1].builder = DatasetBuilder()  // let go, as the loader does
        #expect(first.builder.canMerge(later: later))
        first.builder.merge(later: &later)
        return recommenders(first.builder)
    }

    /// Two threads at once, from a spin barrier, each part naming the same wanted work orders many times over with
    /// technicians of its own: each work order ends with the technician of its first row in file order. (Seed 2: in
    /// slots of one word.)
    @Test(arguments: 1...3)
    func twoThreadsAgreeOnTheFirstRowOfEachWorkOrder(seed: UInt64) {
        let wanted = 2_000, rowsPerPart = 60_000
        var rng = SplitMix64(seed: seed)
        let rows = (0..<2).map { p in
            (0..<rowsPerPart).map { n in
                // A third of the rows are of work orders no recommendation names.
                Self.row("W\(rng.next() % UInt64(wanted * 3 / 2))", "T\(p * 50 + Int(rng.next() % 50))", 2 + p * rowsPerPart + n)
            }
        }
        var expected: [String: String] = [:]
        for w in rows[0] + rows[1] where expected[w.id] == nil { expected[w.id] = w.technicianID }

        let recommenders = Self.readAtOnce(rows, wanted: wanted, numbered: seed == 2)
        for n in 0..<wanted { #expect(recommenders["R\(n)"] == expected["W\(n)", default: ""], "W\(n)") }
    }

    /// Both parts meeting their first row of the same few work orders at the same moment, round after round: a value
    /// the later part swaps in while the first part reads the slot must not keep the first part's from replacing it.
    /// (Every other round in slots of one word.)
    @Test func partsMeetingAWorkOrderAtOnceLeaveTheFirstPartsTechnician() {
        let wanted = 8, rounds = 3_000
        let rows = (0..<2).map { p in (0..<wanted).map { Self.row("W\($0)", p == 0 ? "T1" : "T2", 2 + p * wanted + $0) } }
        var lost = 0
        for round in 0..<rounds {
            let recommenders = Self.readAtOnce(rows, wanted: wanted, numbered: round % 2 == 1)
            lost += (0..<wanted).filter { recommenders["R\($0)"] != "T1" }.count
        }
        #expect(lost == 0)
    }
}

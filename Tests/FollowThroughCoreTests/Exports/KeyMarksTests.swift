import Testing
@testable import FollowThroughCore

@Suite struct KeyMarksTests {
    static let long = "a-recommendation-id-longer-than-a-slot"

    func table() -> IDTable {
        var table = IDTable()
        for (i, id) in ["R1", "R2", "R3", "Café", Self.long].enumerated() { _ = table.insertIfAbsent(id, UInt64(i + 1) * 10) }
        return table
    }

    func marked(_ marks: KeyMarks, in table: IDTable) -> [String: UInt64] {
        var seen: [String: UInt64] = [:]
        marks.forEachMarked(in: table) { id, value in seen[String(decoding: id, as: UTF8.self)] = value }
        return seen
    }

    func mark(_ id: String, _ marks: inout KeyMarks, _ table: IDTable) -> Bool {
        Array(id.utf8).withUnsafeBytes { marks.mark($0, in: table) }
    }

    @Test func marksOnlyKeysTheTableHolds() {
        let table = table()
        var marks = KeyMarks(over: table)
        #expect(mark("R2", &marks, table))
        #expect(mark(Self.long, &marks, table))
        #expect(mark("Cafe\u{301}", &marks, table))  // canonically equivalent to a key held
        #expect(!mark("R9", &marks, table))
        #expect(!mark("another-id-longer-than-any-slot", &marks, table))
        #expect(marked(marks, in: table) == ["R2": 20, Self.long: 50, "Café": 40])
    }

    @Test func partsJoinByUnionAndUpdateOnlyWhatIsMarked() {
        var table = table()
        var first = KeyMarks(over: table), later = KeyMarks(over: table)
        _ = mark("R1", &first, table)
        _ = mark("R3", &later, table)
        _ = mark(Self.long, &later, table)
        first.formUnion(later)
        #expect(marked(first, in: table) == ["R1": 10, "R3": 30, Self.long: 50])
        first.update(&table) { $0 + 1 }
        #expect(table["R1"] == 11 && table["R2"] == 20 && table["R3"] == 31 && table["Café"] == 40 && table[Self.long] == 51)
    }
}

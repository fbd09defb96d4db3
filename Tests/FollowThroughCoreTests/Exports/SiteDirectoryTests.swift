import Testing
@testable import FollowThroughCore

/// Sites as their latest work orders describe them, held in one byte buffer.
@Suite struct SiteDirectoryTests {
    typealias Row = (id: String, name: String, customer: String, address: String)

    func take(_ rows: [Row], into directory: inout SiteDirectory) {
        for row in rows {
            var (id, name, customer, address) = row
            id.withUTF8 { id in name.withUTF8 { name in customer.withUTF8 { customer in address.withUTF8 { address in
                directory.update(UnsafeRawBufferPointer(id), name: UnsafeRawBufferPointer(name),
                                 customerName: UnsafeRawBufferPointer(customer), address: UnsafeRawBufferPointer(address))
            } } } }
        }
    }

    @Test func eachNonEmptyFieldOfALaterRowReplacesTheOneHeld() {
        var sites = SiteDirectory()
        take([("A", "Old", "Acme", "1 Main"), ("B", "Bravo", "", ""), ("A", "New", "", ""), ("A", "New", "", "2 Side"),
              ("A", "", "Acmé Ltd", "")], into: &sites)
        #expect(sites.count == 2)
        #expect(sites["A"] == Site(id: "A", name: "New", customerName: "Acmé Ltd", address: "2 Side"))
        #expect(sites["B"] == Site(id: "B", name: "Bravo"))
        #expect(sites["C"] == nil && !sites.contains("C") && sites.contains("B"))
        #expect(sites.all.map(\.id) == ["A", "B"])
    }

    @Test func twoPartsMergedEqualOneReader() {
        let rows: [Row] = [("A", "One", "", ""), ("B", "Two", "Co", ""), ("A", "", "", "Addr"), ("C", "Three", "", ""),
                           ("B", "Two", "Co", ""), ("A", "One again", "", ""), ("B", "", "", "Road")]
        for split in 0...rows.count {
            var whole = SiteDirectory(), first = SiteDirectory(), second = SiteDirectory()
            take(rows, into: &whole)
            take(Array(rows[..<split]), into: &first)
            take(Array(rows[split...]), into: &second)
            first.merge(later: second)
            #expect(first == whole, "split at \(split)")
            #expect(first.all == whole.all)
        }
        #expect(SiteDirectory(["A": Site(id: "A", name: "x")]) != SiteDirectory(["A": Site(id: "A", name: "y")]))
    }
}

import Foundation
import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// Reading chosen rows again by line gives exactly the rows a whole read finds on those lines, however the file is
/// cut into chunks and whatever its line ends.
@Suite struct RecommendationRowReaderTests {
    static let header = "recommendation_id,work_order_id,site_id,asset,description,priority,estimated_value,status,created_at,last_activity_at,recommended_by,sales_owner,quote_id"
    let zone = TimeZone(identifier: "America/Toronto")!

    func randomExport(_ rng: inout SplitMix64) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let eol = pick(["\n", "\r\n", "\r"])
        var lines = [Self.header]
        for i in 0..<Int(40 + rng.next() % 80) {
            let description = pick(["Fix it", "\"Fix, then \"\"test\"\"\"", "\"Two\(eol)lines\"", "\"Three\nmixed\r\nends\"", ""])
            lines.append("R\(i),W\(i),S\(rng.next() % 9),,\(description),high,12.50,\(pick(["open", "quoted", "bogus"])),2026-05-01,,T1,S1,")
            if rng.next() % 9 == 0 { lines.append("") }  // a blank line: counted, skipped
        }
        return pick(["", "\u{FEFF}"]) + lines.joined(separator: eol) + pick(["", eol])
    }

    /// Every record of `text` that decodes, by the line it starts on, from one whole read.
    func wholeRead(_ text: String) throws -> [Int: Recommendation] {
        var reader = ExportReader(kind: .recommendations, file: "r.csv", options: ExportOptions())
        let decoder = RecordDecoder(kind: .recommendations, options: ExportOptions(), dates: DateParser(timeZone: zone))
        var rows: [Int: Recommendation] = [:]
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { try reader.feed(UnsafeRawBufferPointer($0)) { row in rows[row.line] = try? decoder.recommendation(row) } }
        try reader.finish { row in rows[row.line] = try? decoder.recommendation(row) }
        return rows
    }

    func readAgain(_ text: String, lines: [Int], from position: LinePosition = .start, chunkSizes: () -> Int) throws -> [Int: Recommendation] {
        var reader = RecommendationRowReader(file: "r.csv", options: ExportOptions(), timeZone: zone,
                                             columns: Array(0..<13), lines: lines, from: position)
        let bytes = Array(text.utf8)
        var start = position.offset
        while start < bytes.count, !reader.isDone {
            let end = min(bytes.count, start + chunkSizes())
            try bytes[start..<end].withUnsafeBytes { try reader.feed($0) }
            start = end
        }
        if !reader.isDone { try reader.finish() }
        return reader.rows
    }

    @Test(arguments: 1...60 as ClosedRange<UInt64>)
    func rowsReadAgainAreTheWholeReadsRowsOnThoseLines(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let text = randomExport(&rng)
        let whole = try wholeRead(text)
        let lines = whole.keys.filter { _ in rng.next() % 3 == 0 }
        let again = try readAgain(text, lines: lines, chunkSizes: { Int(1 + rng.next() % 97) })
        #expect(again == whole.filter { lines.contains($0.key) })
        #expect(try readAgain(text, lines: Array(whole.keys), chunkSizes: { 1 << 20 }) == whole)
    }

    @Test func aLineNoLongerStartingTheRecordGivesAnotherRowOrNone() throws {
        let text = Self.header + "\nR1,W1,S1,,\"Two\nlines\",high,,open,2026-05-01,,T1,S1,\nR2,W2,S1,,Fix,high,,open,2026-05-01,,T1,S1,\n"
        #expect(try wholeRead(text).keys.sorted() == [2, 4])
        // Line 3 is inside R1's description: what starts there is not a recommendation; line 9 is past the end.
        let again = try readAgain(text, lines: [3, 4, 9], chunkSizes: { 7 })
        #expect(again.keys.sorted() == [4])
        #expect(again[4]?.id == "R2")
    }

    /// Where a reader fed `text` in chunks of `chunkSizes` was after each chunk.
    func positions(_ text: String, chunkSizes: () -> Int) throws -> [LinePosition] {
        var reader = ExportReader(kind: .recommendations, file: "r.csv", options: ExportOptions())
        let bytes = Array(text.utf8)
        var (start, noted) = (0, [LinePosition.start])
        while start < bytes.count {
            let end = min(bytes.count, start + chunkSizes())
            try bytes[start..<end].withUnsafeBytes { try reader.feed($0) { _ in } }
            start = end
            noted.append(reader.position(at: end))
        }
        return noted
    }

    /// From any position a read noted (inside a line, between a CR and its LF, inside a quoted field), the rows on the
    /// lines after it are the whole read's.
    @Test(arguments: 1...40 as ClosedRange<UInt64>)
    func rowsReadFromANotedPositionAreTheWholeReadsRows(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let text = randomExport(&rng)
        let whole = try wholeRead(text)
        let noted = try positions(text, chunkSizes: { Int(1 + rng.next() % 61) })
        #expect(noted.count > 2)
        for position in noted {
            let lines = whole.keys.filter { $0 > position.line }
            let again = try readAgain(text, lines: Array(whole.keys), from: position, chunkSizes: { Int(1 + rng.next() % 97) })
            #expect(again == whole.filter { lines.contains($0.key) }, "from \(position)")
        }
    }

    /// A parser started again keeps nothing of the record it was in.
    @Test func aRestartedParserForgetsTheRecordInProgress() throws {
        var parser = CSVParser(delimiter: UInt8(ascii: ","), resumingAtLine: 5)
        var rows: [[String]] = []
        try Array("a,\"b\n".utf8).withUnsafeBytes { try parser.feed($0) { rows.append($0.strings) } }
        parser.restart(atLine: 9)
        try Array("c,d\n".utf8).withUnsafeBytes { try parser.feed($0) { rows.append($0.strings + ["\($0.line)"]) } }
        #expect(rows == [["c", "d", "9"]])
        #expect(parser.position(at: 4) == LinePosition(offset: 4, line: 10, afterCR: false))
    }
}

import Foundation
import Testing
@testable import FollowThroughCore
@testable import FollowThroughKit
import FollowThroughTestSupport

/// Rows read again from the marks the first read noted, on two threads, are the rows a read from the file's start
/// finds on those lines.
@Suite struct RowsReadAgainTests {
    /// A recommendations export of `count` rows with quoted multi-line descriptions and line ends of one kind.
    func export(_ count: Int, eol: String, _ rng: inout SplitMix64) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        var lines = [ExportLoaderTests.recommendationsHeader]
        for i in 0..<count {
            let description = pick(["Fix it", "\"Two\(eol)lines\"", "\"Say \"\"when\"\"\"", "\"Three\(eol)whole\(eol)lines\""])
            lines.append("R\(i),W1,A,,\(description),high,,\(pick(["open", "quoted", "accepted"])),2026-05-01,2026-06-01,T1,S1,")
        }
        return lines.joined(separator: eol) + eol
    }

    func config(recommendations: String) throws -> Config {
        let dir = try TestSupport.temporaryDirectory()
        let files = ["people.csv": ExportLoaderTests.people + "\n", "work_orders.csv": ExportLoaderTests.workOrders + "\n",
                     "recommendations.csv": recommendations]
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try ConfigLoader.load(path: TestSupport.writeConfig(in: dir).path)
    }

    /// Marks noted every `chunk` bytes or so by a reader of the whole file, as the loader notes them every MB.
    func denseMarks(_ config: Config, chunk: Int) throws -> LineMarks {
        let path = config.exports[.recommendations]!.path
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let version = try #require(FileVersion(fd: fd))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var reader = ExportReader(kind: .recommendations, file: "recommendations.csv", options: ExportOptions())
        var marks = LineMarks(version: version, positions: [.start])
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            let end = min(bytes.count, start + chunk)
            try bytes[start..<end].withUnsafeBytes { try reader.feed($0) { _ in } }
            marks.positions.append(reader.position(at: end))
        }
        return marks
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func rowsReadFromMarksAreThoseReadFromTheStart(eol: String) throws {
        var rng = SplitMix64(seed: UInt64(eol.utf8.count) * 7 + (eol == "\r" ? 3 : 0))
        let config = try config(recommendations: export(600, eol: eol, &rng))
        // Read in two parts, marks noted; lone CRs give no LF to split at, and no marks.
        let noted = try ExportLoader.load(config, splitAbove: 0).recommendationMarks
        #expect((noted == nil) == (eol == "\r"))
        let dense = try denseMarks(config, chunk: 1 + Int(rng.next() % 900))
        #expect(dense.positions.count > 20)
        let all = try ExportLoader.recommendations(config, lines: Array(2...2_000))
        #expect(all.count == 600)
        var readInTwo = false
        for round in 0..<12 {
            // Some rows, a cluster of them, or none but one.
            var lines = (2...1_900).filter { _ in rng.next() % UInt64(3 + round * 3) == 0 }
            if round == 10 { lines = Array(1_500...1_520) }
            if round == 11 { lines = [1_800] }
            let expected = all.filter { lines.contains($0.key) }
            #expect(try ExportLoader.recommendations(config, lines: lines) == expected)
            if let noted { #expect(try ExportLoader.recommendations(config, lines: lines, marks: noted) == expected, "round \(round)") }
            #expect(try ExportLoader.recommendations(config, lines: lines, marks: dense) == expected, "round \(round)")
            // As the threads read them: each row in one part only, all of them between the parts.
            let parts = try ExportLoader.recommendationParts(config, lines: lines, marks: dense)
            #expect(parts.reduce(0) { $0 + $1.count } == expected.count, "round \(round)")
            #expect(parts.reduce(into: [:]) { $0.merge($1) { first, _ in first } } == expected, "round \(round)")
            readInTwo = readInTwo || parts.count == 2
        }
        #expect(readInTwo)
    }

    /// Each mark the loader notes (at each chunk's end, in both parts) is where it says: its line is one more than the
    /// line ends before it, and it says it follows a CR (whose LF, next, is part of the same line end) when the byte
    /// before it is one.
    @Test(arguments: ["\n", "\r\n"])
    func theLoadersMarksAreWhereTheySay(eol: String) throws {
        var rng = SplitMix64(seed: 11)
        let config = try config(recommendations: export(300, eol: eol, &rng))
        let marks = try #require(try ExportLoader.load(config, splitAbove: 0).recommendationMarks)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: config.exports[.recommendations]!.path)))
        #expect(marks.positions.count >= 3)
        #expect(marks.positions.map(\.offset) == marks.positions.map(\.offset).sorted())
        for mark in marks.positions {
            let before = bytes[0..<mark.offset].withUnsafeBytes { CSVParser.lineEnds(in: $0, afterCR: false) }
            #expect(mark.line == 1 + before.count, "at \(mark.offset)")
            #expect(mark.afterCR == (mark.offset > 0 && bytes[mark.offset - 1] == 0x0D), "at \(mark.offset)")
        }
    }

    /// Past a MB, a file is read in chunks of a MB, each noting a mark: one falls between the CR and the LF of a
    /// CRLF (the row before it padded to put its CR last in the first MB), and rows read again from there and from
    /// the other marks are those read from the start.
    @Test func aMarkBetweenACRAndItsLFIsWhereItSays() throws {
        let chunk = ExportLoader.chunkSize
        var text = ExportLoaderTests.recommendationsHeader + "\r\n"
        var i = 0
        func row(_ description: String) -> String { "R\(i),W1,A,,\(description),high,,open,2026-05-01,2026-06-01,T1,S1,\r\n" }
        while text.utf8.count < chunk * 2 + chunk / 2 {
            var next = row(i % 7 == 0 ? "\"Two\r\nlines\"" : "Fix it")
            let end = text.utf8.count + next.utf8.count
            if text.utf8.count < chunk - 1, end > chunk - 300 {  // this row's CR is the MB's last byte
                let room = chunk - 1 - (text.utf8.count + row("").utf8.count - 2)
                next = row(String(repeating: "x", count: room))
            }
            text += next
            i += 1
        }
        let bytes = Array(text.utf8)
        #expect(bytes[chunk - 1] == 0x0D && bytes[chunk] == 0x0A)
        let config = try config(recommendations: text)
        let marks = try #require(try ExportLoader.load(config, splitAbove: 0).recommendationMarks)
        let atMB = try #require(marks.positions.first { $0.offset == chunk })
        #expect(atMB.afterCR)
        for mark in marks.positions {
            let before = bytes[0..<mark.offset].withUnsafeBytes { CSVParser.lineEnds(in: $0, afterCR: false) }
            #expect(mark.line == 1 + before.count && mark.afterCR == before.endsWithCR, "at \(mark.offset)")
        }
        let lines = Array(atMB.line - 40...atMB.line + 40) + Array(stride(from: 2, to: marks.positions.last!.line, by: 97))
        #expect(try ExportLoader.recommendations(config, lines: lines, marks: marks) == ExportLoader.recommendations(config, lines: lines))
    }

    /// The marks belong to the file the first read measured: a file replaced since is not read from them.
    @Test func marksOfAnotherVersionOfTheFileAreAnError() throws {
        var rng = SplitMix64(seed: 5)
        let config = try config(recommendations: export(200, eol: "\n", &rng))
        let marks = try #require(try ExportLoader.load(config, splitAbove: 0).recommendationMarks)
        var again = SplitMix64(seed: 6)
        try export(200, eol: "\n", &again).write(toFile: config.exports[.recommendations]!.path, atomically: true, encoding: .utf8)
        #expect(throws: ExportError.self) { try ExportLoader.recommendations(config, lines: [150, 180], marks: marks) }
    }
}

import Foundation
import Testing
@testable import FollowThroughCore
@testable import FollowThroughKit
import FollowThroughTestSupport

/// The shape of a file's ids, from its first and last rows: numbered ids go in slots of one word only when both agree.
@Suite struct ExportLoaderIDShapeTests {
    static let header = ExportLoaderTests.recommendationsHeader

    static func row(_ id: String, description: String = "Fix it") -> String {
        "\(id),W1,A,,\(description),high,,open,2026-05-01,2026-06-01,T1,S1,"
    }

    func config(recommendations: [String], eol: String = "\n") throws -> Config {
        let dir = try TestSupport.temporaryDirectory()
        let files = ["people.csv": ExportLoaderTests.people, "work_orders.csv": ExportLoaderTests.workOrders,
                     "recommendations.csv": ([Self.header] + recommendations).joined(separator: eol)]
        for (name, text) in files { try (text + eol).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try ConfigLoader.load(path: TestSupport.writeConfig(in: dir).path)
    }

    func shape(_ config: Config) throws -> NumberedIDs? {
        ExportLoader.idShape(config.exports[.recommendations]!, try ExportLoader.headerAndFirstRow(.recommendations, config))
    }

    @Test func firstAndLastRowsOfOneShapeAreNumbered() throws {
        let config = try config(recommendations: (1...9).map { Self.row("R-\($0)") })
        #expect(try shape(config) == NumberedIDs(prefix: "R-", width: 0))
        let loaded = try ExportLoader.load(config, splitAbove: 0)
        #expect(loaded.read.dataset.statuses.table.numbered == NumberedIDs(prefix: "R-", width: 0))
        #expect(loaded.read.dataset.statuses["R-9"] == .open)
        let workOrders = ExportLoader.idShape(config.exports[.workOrders]!, try ExportLoader.headerAndFirstRow(.workOrders, config))
        #expect(workOrders == NumberedIDs(prefix: "W", width: 0))
    }

    /// Ids that change shape along the file (a legacy first row, a year in the prefix, zero-padding outgrown) would
    /// mostly be kept wide: two-word slots then, with the same answers.
    @Test(arguments: [["OLD-7", "R-1", "R-2"], ["DEF-2024-9", "DEF-2025-1"], ["Q-0042", "Q-10000"]])
    func idsChangingShapeAreNotNumbered(ids: [String]) throws {
        let config = try config(recommendations: ids.map { Self.row($0) })
        #expect(try shape(config) == nil)
        let loaded = try ExportLoader.load(config, splitAbove: 0)
        #expect(loaded.read.dataset.statuses.table.numbered == nil)
        #expect(ids.allSatisfy { loaded.read.dataset.statuses[$0] == .open })
    }

    /// Rows sampled from the file's middle and end are whole rows read alone: a description spanning lines gives none
    /// (the rows before it are read), nor does the header; CRLF and lone CR end lines alike; a tail inside one long
    /// quoted field has no row to read (not numbered then).
    @Test func sampledRowsAreWholeRows() throws {
        let spanning = try config(recommendations: [Self.row("R-1"), Self.row("R-2"), Self.row("R-3", description: "\"Two\nlines, \"\"quoted\"\"\"")])
        #expect(ExportLoader.sampledRowIDs(spanning.exports[.recommendations]!, idPosition: 0, fields: 13) == ["R-2", "R-1"])
        #expect(try shape(spanning) == NumberedIDs(prefix: "R-", width: 0))

        for eol in ["\r\n", "\r"] {
            let ended = try config(recommendations: [Self.row("R-1"), Self.row(" R-2 ")], eol: eol)
            #expect(ExportLoader.sampledRowIDs(ended.exports[.recommendations]!, idPosition: 0, fields: 13) == ["R-2", "R-1"])
        }
        let longCR = try config(recommendations: (1...3_000).map { Self.row("R-\($0)") }, eol: "\r")
        #expect(try shape(longCR) == NumberedIDs(prefix: "R-", width: 0))

        let long = "\"" + String(repeating: "a long note\n", count: 8_000) + "\""
        let quoted = try config(recommendations: [Self.row("R-1"), Self.row("R-2", description: long)])
        #expect(ExportLoader.sampledRowIDs(quoted.exports[.recommendations]!, idPosition: 0, fields: 13).isEmpty)
        #expect(try shape(quoted) == nil)

        let headerOnly = try config(recommendations: [])
        #expect(ExportLoader.sampledRowIDs(headerOnly.exports[.recommendations]!, idPosition: 0, fields: 13).isEmpty)
    }

    /// A file over 128 KB is sampled in its middle too: shapes mixed along it (every tenth row another kind of order)
    /// are not numbered, though its first and last rows agree.
    @Test func mixedShapesAreSampledInTheMiddle() throws {
        let rows = (1...4_000).map { Self.row($0 % 10 == 0 && $0 < 3_990 ? "PM-\($0)" : "R-\($0)") }
        let mixed = try config(recommendations: rows)
        let sampled = ExportLoader.sampledRowIDs(mixed.exports[.recommendations]!, idPosition: 0, fields: 13)
        #expect(sampled.count == 32 && sampled.contains { $0.hasPrefix("PM-") })
        #expect(try shape(mixed) == nil)
    }

    /// Any bytes at all (quotes, delimiters, CR and LF, NUL, invalid UTF-8; files of a few bytes to past 128 KB):
    /// sampling never fails, and gives only ids of rows with the header's field count.
    @Test func anyBytesAreSampledSafely() throws {
        var rng = SplitMix64(seed: 9)
        let alphabet: [UInt8] = Array("R-0123456789,;\"\r\n \t".utf8) + [0, 0xC3, 0xA9, 0xFF]
        let dir = try TestSupport.temporaryDirectory()
        for round in 0..<40 {
            let size = [3, 200, 70_000, 140_000][round % 4] + Int(rng.next() % 100)
            let bytes = (0..<size).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let url = dir.appendingPathComponent("fuzz-\(round).csv")
            try Data(bytes).write(to: url)
            let source = ExportSource(path: url.path, displayName: "fuzz.csv", options: ExportOptions())
            let fields = 1 + Int(rng.next() % 4)
            for id in ExportLoader.sampledRowIDs(source, idPosition: Int(rng.next() % UInt64(fields)), fields: fields) {
                #expect(!id.hasPrefix(" ") && !id.hasSuffix(" "))
            }
            #expect(ExportLoader.idShape(source, .init(columns: [0], firstID: "R-1", fields: fields)) == nil
                || ExportLoader.sampledRowIDs(source, idPosition: 0, fields: fields).allSatisfy { $0.hasPrefix("R-") })
        }
    }

    /// The id where the file's columns put it, with the file's delimiter.
    @Test func theIDIsReadWhereTheFileHasIt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let url = dir.appendingPathComponent("recs.csv")
        try "asset;recommendation_id;note\nA;R-1;x\nB;R-2;\"y;z\"\n".write(to: url, atomically: true, encoding: .utf8)
        let source = ExportSource(path: url.path, displayName: "recs.csv", options: ExportOptions(delimiter: UInt8(ascii: ";")))
        #expect(ExportLoader.sampledRowIDs(source, idPosition: 1, fields: 3) == ["R-2", "R-1"])
    }
}

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

    /// The last line may end a description that spans lines (then an earlier whole row is the last one read), the file
    /// may end in CRLF, and a tail inside one long quoted field has no row to read: not numbered then.
    @Test func theLastRowIsAWholeRow() throws {
        let spanning = try config(recommendations: [Self.row("R-1"), Self.row("R-2"), Self.row("R-3", description: "\"Two\nlines, \"\"quoted\"\"\"")])
        let header = try ExportLoader.headerAndFirstRow(.recommendations, spanning)
        #expect(ExportLoader.lastRowID(spanning.exports[.recommendations]!, idPosition: 0, fields: header.fields!) == "R-2")
        #expect(try shape(spanning) == NumberedIDs(prefix: "R-", width: 0))

        let crlf = try config(recommendations: [Self.row("R-1"), Self.row(" R-2 ")], eol: "\r\n")
        #expect(ExportLoader.lastRowID(crlf.exports[.recommendations]!, idPosition: 0, fields: 13) == "R-2")

        let long = "\"" + String(repeating: "a long note\n", count: 8_000) + "\""
        let quoted = try config(recommendations: [Self.row("R-1"), Self.row("R-2", description: long)])
        #expect(ExportLoader.lastRowID(quoted.exports[.recommendations]!, idPosition: 0, fields: 13) == nil)
        #expect(try shape(quoted) == nil)
    }
}

import Foundation
import Testing
@testable import FollowThroughCore
@testable import FollowThroughKit
import FollowThroughTestSupport

/// The loader (recommendations before work orders, large files in two parts on two threads) against a plain
/// sequential ingest of the same files, and the order its errors come in.
@Suite struct ExportLoaderTests {
    /// The canonical header rows, for tests that build their exports row by row.
    static let workOrdersHeader = "work_order_id,site_id,site_name,customer_name,site_address,technician_id,status,scheduled_start,completed_at,resolves"
    static let recommendationsHeader = "recommendation_id,work_order_id,site_id,asset,description,priority,estimated_value,status,created_at,last_activity_at,recommended_by,sales_owner,quote_id"
    static let people = """
        person_id,name,email,role,manager_id
        T1,Tia Tech,tia@example.com,technician,
        S1,Sam Sales,sam@example.com,sales,
        """
    static let workOrders = """
        work_order_id,site_id,site_name,customer_name,site_address,technician_id,status,scheduled_start,completed_at,resolves
        W1,A,Old Name,Acme,1 Main St,T1,completed,2026-05-01 09:00,2026-05-01 10:00,
        W2,A,New Name,,,T1,completed,2026-06-01 09:00,2026-06-01 10:00,R3
        W2,B,Dup,,,T1,completed,2026-06-02 09:00,2026-06-02 10:00,
        W3,A,,,,T1,scheduled,2026-11-24 08:00,,
        W4,B,Bravo,Beta Co,2 Side Rd,T1,cancelled,2026-06-01 09:00,,
        W3,B,Again,,,T1,scheduled,2026-11-25 08:00,,
        """
    static let recommendations = """
        recommendation_id,work_order_id,site_id,asset,description,priority,estimated_value,status,created_at,last_activity_at,recommended_by,sales_owner,quote_id
        R1,W1,A,RTU-1,Replace belt,high,450,open,2026-05-01,2026-05-01,,S1,
        R2,W1,A,RTU-1,Coil cleaning,normal,,quoted,2026-05-01,2026-10-01,T1,S1,Q-1
        R3,W1,A,RTU-2,Compressor,critical,4500.00,accepted,2026-05-01,2026-05-02,,S1,Q-2
        R1,W1,A,RTU-1,Duplicate,high,450,open,2026-05-01,2026-05-01,,S1,
        R4,W9,B,,Bad date,low,,open,not-a-date,,,S1,
        """

    func write(_ files: [String: String]) throws -> Config {
        let dir = try TestSupport.temporaryDirectory()
        for (name, text) in files { try (text + "\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try ConfigLoader.load(path: TestSupport.writeConfig(in: dir).path)
    }

    /// The plan of a read as of `asOf`, the rows it lists read again when the read kept them without their text.
    func plan(_ config: Config, _ read: (dataset: Dataset, report: DataQualityReport), asOf: LocalDate) throws -> Plan {
        let plan = Planner(settings: RuleSettings(digestLimit: 50), asOf: asOf).plan(read.dataset)
        return plan.rowsToRead.isEmpty ? plan : try plan.filling(rows: ExportLoader.recommendations(config, lines: plan.rowsToRead))
    }

    func sequential(_ config: Config) throws -> (dataset: Dataset, report: DataQualityReport) {
        var builder = DatasetBuilder(files: Dictionary(uniqueKeysWithValues: config.exports.map { ($0.key, $0.value.displayName) }))
        for kind in [ExportKind.people, .workOrders, .recommendations] {
            let source = config.exports[kind]!
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source.path)))
            try ExportIngestor.ingest(bytes, kind: kind, file: source.displayName, options: source.options,
                                      timeZone: config.timeZone, into: &builder)
        }
        return builder.build()
    }

    /// The report and what the rules use are the same however the files were read. `a` is the loader's (pending
    /// recommendations without their text), `b` a builder's holding every recommendation in full.
    func expectSameRead(_ a: (dataset: Dataset, report: DataQualityReport), _ b: (dataset: Dataset, report: DataQualityReport),
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.report == b.report, sourceLocation: sourceLocation)
        #expect(a.dataset.pending.allSatisfy { $0.record == -1 }, sourceLocation: sourceLocation)
        #expect(a.dataset.pending == b.dataset.pending.map { var key = $0; key.record = -1; return key }, sourceLocation: sourceLocation)
        #expect(b.dataset.pending.allSatisfy { b.dataset.recommendation($0).id == $0.id }, sourceLocation: sourceLocation)
        #expect(a.dataset.recommendations == b.dataset.recommendations.filter { !$0.status.isPending }, sourceLocation: sourceLocation)
        #expect(a.dataset.sites == b.dataset.sites, sourceLocation: sourceLocation)
        #expect(a.dataset.scheduledVisits == b.dataset.scheduledVisits, sourceLocation: sourceLocation)
        #expect(a.dataset.resolvedIDs == b.dataset.resolvedIDs, sourceLocation: sourceLocation)
        #expect(a.dataset.statuses.dictionary == b.dataset.statuses.dictionary, sourceLocation: sourceLocation)
    }

    @Test func parallelLoadEqualsASequentialIngest() throws {
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders, "recommendations.csv": Self.recommendations])
        let parallel = try ExportLoader.load(config, splitAbove: 0).read
        let plain = try sequential(config)
        expectSameRead(parallel, plain)
        #expect(parallel.dataset.people == plain.dataset.people)
        // What the rows say, independently of how they were read:
        #expect(parallel.report.rejections.map(\.line) == [7, 5, 6])  // visit W3 twice, R1 twice, R4's date
        #expect(parallel.report.rejections.first?.message.contains("duplicate work_order_id 'W3' (first on line 5)") == true)
        #expect(parallel.dataset.sites["A"] == Site(id: "A", name: "New Name", customerName: "Acme", address: "1 Main St"))
        #expect(parallel.dataset.sites["B"]?.name == "Again")  // a left-out visit's site details still count
        #expect(parallel.dataset.pending.first { $0.id == "R1" }?.recommendedBy == "T1")  // from W1's technician
        #expect(parallel.dataset.resolvedIDs.isEmpty)  // R3, done by W2, was accepted: no longer open, never was
        #expect(parallel.dataset.statuses["R3"] == .resolved)
    }

    @Test func errorsComeInFileOrderWhateverThreadMeetsThemFirst() throws {
        let noPeopleColumn = try write(["people.csv": "id_only\nT1\n", "work_orders.csv": "nothing_useful\nx\n",
                                        "recommendations.csv": Self.recommendations])
        #expect(throws: ExportError.self) { try ExportLoader.load(noPeopleColumn) }
        do { _ = try ExportLoader.load(noPeopleColumn) } catch { #expect(error.file == "people.csv") }

        let badWorkOrders = try write(["people.csv": Self.people, "work_orders.csv": "nothing_useful\nx\n",
                                       "recommendations.csv": "recommendation_id\n\"unterminated\n"])
        do {
            _ = try ExportLoader.load(badWorkOrders)
            Issue.record("a work-order file without its columns must stop the load")
        } catch { #expect(error.file == "work_orders.csv") }

        let badRecommendations = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders,
                                            "recommendations.csv": "recommendation_id,site_id\n\"unterminated\n"])
        do {
            _ = try ExportLoader.load(badRecommendations)
            Issue.record("an unterminated quote must stop the load")
        } catch { #expect(error.file == "recommendations.csv") }
    }

    /// Random exports read in two parts (every file split, whatever its size) equal a sequential read: duplicates
    /// across the parts, quoted line ends, CRLF and lone CR line ends, splits inside quoted fields.
    @Test(arguments: 1...12)
    func partsEqualASequentialRead(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let eol = pick(["\n", "\r\n", "\n", "\r"])
        var workOrders = [ExportLoaderTests.workOrdersHeader]
        var recommendations = [ExportLoaderTests.recommendationsHeader]
        let rows = 20 + Int(rng.next() % 200)
        for i in 0..<rows {
            let id = "W\(rng.next() % UInt64(rows))"
            let site = "S\(rng.next() % 9)"
            let name = pick(["", "Plant \(i)", "\"Plant, \(i)\"", "\"Multi\(eol)line \(i)\""])
            let status = pick(["completed", "completed", "scheduled", "cancelled", "bogus"])
            let start = status == "scheduled" ? "2026-11-2\(4 + rng.next() % 5) 08:00" : "2026-0\(1 + rng.next() % 9)-10 09:00"
            workOrders.append("\(id),\(site),\(name),,,T\(rng.next() % 4),\(status),\(start),,R\(rng.next() % UInt64(rows))")
            let recID = "R\(rng.next() % UInt64(rows))"
            let description = pick(["Fix it", "\"Fix, then \"\"test\"\"\"", "\"Two\(eol)lines\"", ""])
            let recStatus = pick(["open", "quoted", "accepted", "declined", "completed"])
            recommendations.append("\(recID),\(id),\(site),,\(description),high,,\(recStatus),2026-05-01,2026-06-01,\(pick(["", "T1"])),S1,")
        }
        let config = try write(["people.csv": Self.people, "work_orders.csv": workOrders.joined(separator: eol),
                                "recommendations.csv": recommendations.joined(separator: eol)])
        let parts = try ExportLoader.load(config, splitAbove: 0).read
        let plain = try sequential(config)
        expectSameRead(parts, plain)
        #expect(parts.dataset.statuses.dictionary == plain.dataset.statuses.dictionary)
        #expect(parts.report.rejections.count > 0)

        // A later night: given last night's statuses, fewer recommendations are kept, and the changes are the same.
        var previous = StatusSnapshot()
        plain.dataset.statuses.forEach { id, status in
            previous[id] = rng.next() % 3 == 0 ? TrackedStatus.allCases[Int(rng.next() % 6)] : status
        }
        let night = try ExportLoader.load(config, previous: PreviousStatuses(previous), splitAbove: 0).read
        #expect(night.report == plain.report)
        #expect(night.dataset.recommendations.count <= plain.dataset.recommendations.count)
        let expected = StatusChanges.detect(previous: previous, dataset: plain.dataset, asOf: LocalDate(iso: "2026-11-23")!)
        let seen = StatusChanges.detect(previous: previous, dataset: night.dataset, asOf: LocalDate(iso: "2026-11-23")!)
        #expect(seen.changes == expected.changes)
        #expect(seen.next.dictionary == expected.next.dictionary)
    }

    /// Far more rows than last night's count foretold (the table of ids is sized from it): the parts run out of room in
    /// the table they share, give the sharing up, and the first part reads on alone; what is read is the same.
    @Test func partsOutOfRoomInTheSharedIDTableReadAsOneReader() throws {
        var rng = SplitMix64(seed: 99)
        var recommendations = [ExportLoaderTests.recommendationsHeader]
        for i in 0..<4_000 {
            let id = i % 50 == 7 ? "R\(rng.next() % 4_000)" : "R\(i)"  // some repeated, earlier or later
            let status = ["open", "quoted", "accepted", "declined"][Int(rng.next() % 4)]
            recommendations.append("\(id),W1,A,,Fix \(i),high,,\(status),2026-05-01,2026-06-01,T1,S1,")
        }
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders,
                                "recommendations.csv": recommendations.joined(separator: "\n") + "\n"])
        let plain = try sequential(config)
        let previous: StatusSnapshot = ["R1": .open]
        let night = try ExportLoader.load(config, previous: PreviousStatuses(previous), splitAbove: 0).read
        #expect(night.report == plain.report)
        #expect(night.report.rejections.count > 10)
        let expected = StatusChanges.detect(previous: previous, dataset: plain.dataset, asOf: LocalDate(iso: "2026-11-23")!)
        let seen = StatusChanges.detect(previous: previous, dataset: night.dataset, asOf: LocalDate(iso: "2026-11-23")!)
        #expect(seen.next.dictionary == expected.next.dictionary && seen.changes == expected.changes)
        #expect(night.dataset.pending.map(\.id) == plain.dataset.pending.map(\.id))
    }

    /// The later part of the work orders failing before it reads a row (the line ends before it could not be
    /// counted), the split inside a quoted field: its work is dropped, the first part reads on from the split alone,
    /// and each work order's technician is the one a single reader finds.
    @Test func aLaterPartFailingBeforeItReadsIsDroppedAndTheFirstPartReadsOn() throws {
        var workOrders = [Self.workOrdersHeader], recommendations = [Self.recommendationsHeader]
        for i in 0..<40 {
            workOrders.append("W\(i),A,\"Plant\nwing \(i)\",,,T\(i % 3 + 1),completed,2026-05-01 09:00,2026-05-01 10:00,")
            recommendations.append("R\(i),W\(i),A,,Fix,high,,open,2026-05-01,2026-06-01,,S1,")
        }
        let config = try write(["people.csv": Self.people, "work_orders.csv": workOrders.joined(separator: "\n"),
                                "recommendations.csv": recommendations.joined(separator: "\n")])
        var builder = DatasetBuilder()
        try ExportLoader.ingest(.recommendations, config, into: &builder)
        builder.recordOnlyNeededTechnicians()
        let source = config.exports[.workOrders]!
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source.path)))
        let inside = bytes.indices.first { bytes[$0...].starts(with: Array("Plant\nwing 20\"".utf8)) }! + 6
        let fd = open(source.path, O_RDONLY)
        defer { close(fd) }
        let split = ExportLoader.Split(offset: inside, version: try #require(FileVersion(fd: fd)))
        _ = try ExportLoader.ingestInParts(.workOrders, config, columns: try ExportLoader.header(.workOrders, config), split: split,
                                           linesBefore: { _ throws(ExportError) in
                                               throw ExportError(file: source.displayName, line: nil, message: "changed", hint: "")
                                           }, into: &builder)
        #expect(builder.build().dataset.recommendations.map(\.recommendedBy) == (0..<40).map { "T\($0 % 3 + 1)" })
    }

    /// A later part whose sharing of the table of ids was given up reads no further than the chunk it was in.
    @Test func aLaterPartGivenUpStopsAtTheNextChunk() throws {
        let rows = (0..<40_000).map { "R\($0),W1,A,,Fix \($0) and leave words enough to fill out a line,high,,open,2026-05-01,,,S1," }
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders,
                                "recommendations.csv": ([Self.recommendationsHeader] + rows).joined(separator: "\n") + "\n"])
        var first = DatasetBuilder()
        first.reserve(recommendations: 40_000)
        var later = first.builderForLaterPart()
        first.shareRecommendationIDs(with: &later)
        var ingestor = ExportLoader.ingestor(.recommendations, config)
        let whole = try ExportLoader.feed(&ingestor, config.exports[.recommendations]!, into: &later)
        #expect(!later.isGivenUp && whole.count >= 3)  // the file is three chunks or more
        (first, later) = (DatasetBuilder(), DatasetBuilder())
        first.reserve(recommendations: 40_000)
        later = first.builderForLaterPart()
        first.shareRecommendationIDs(with: &later)
        first.dropLaterPart()  // gives the sharing up: the later part's next row finds it so
        ingestor = ExportLoader.ingestor(.recommendations, config)
        let marks = try ExportLoader.feed(&ingestor, config.exports[.recommendations]!, into: &later)
        #expect(later.isGivenUp && marks.count == 1)
    }

    /// The loader keeps pending recommendations without their text; the plan made from them, filled in from the rows
    /// read again, is the plan made from a dataset holding them in full.
    @Test(arguments: 1...6)
    func planFilledFromRowsReadAgainEqualsThePlanFromWholeRecords(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let eol = pick(["\n", "\r\n"])
        var workOrders = [ExportLoaderTests.workOrdersHeader]
        var recommendations = [ExportLoaderTests.recommendationsHeader]
        for i in 0..<300 {
            let status = pick(["completed", "completed", "scheduled"])
            let start = status == "scheduled" ? "2026-11-2\(4 + rng.next() % 3) 0\(rng.next() % 10):00" : "2026-0\(1 + rng.next() % 9)-10 09:00"
            workOrders.append("W\(i),S\(rng.next() % 12),Plant \(i % 12),,,T1,\(status),\(start),,\(pick(["", "R\(rng.next() % 300)"]))")
            let description = pick(["\"Replace belt, then \"\"test\"\"\"", "\"Two\(eol)lines\"", "Coil <cleaning> & more"])
            recommendations.append("R\(i),W\(rng.next() % 300),S\(rng.next() % 12),RTU-\(i),\(description),\(pick(["high", "low", "critical"])),"
                                   + "\(rng.next() % 5000),\(pick(["open", "quoted", "declined"])),2026-0\(1 + rng.next() % 9)-01,"
                                   + "2026-\(pick(["06", "11"]))-0\(1 + rng.next() % 9),\(pick(["", "T1"])),\(pick(["S1", "", "X"])),Q-\(i)")
        }
        let config = try write(["people.csv": Self.people, "work_orders.csv": workOrders.joined(separator: eol),
                                "recommendations.csv": recommendations.joined(separator: eol)])
        let planner = Planner(settings: RuleSettings(digestLimit: 5), asOf: LocalDate(iso: "2026-11-23")!)
        let whole = planner.plan(try sequential(config).dataset)
        let lean = planner.plan(try ExportLoader.load(config, splitAbove: 0).dataset)
        #expect(whole.rowsToRead.isEmpty)
        #expect(!lean.rowsToRead.isEmpty)
        #expect(lean != whole)  // placeholders, until filled in
        let filled = try lean.filling(rows: ExportLoader.recommendations(config, lines: lean.rowsToRead))
        #expect(filled == whole)
        #expect(!filled.summaries.isEmpty && !filled.digests.isEmpty)
    }

    /// A row read again that no longer holds the recommendation the first read saw stops the run.
    @Test func aRowThatChangedSinceTheFirstReadIsAnError() throws {
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders, "recommendations.csv": Self.recommendations])
        let planner = Planner(settings: RuleSettings(), asOf: LocalDate(iso: "2026-11-23")!)
        let lean = planner.plan(try ExportLoader.load(config).dataset)
        #expect(lean.rowsToRead.sorted() == [2, 3])  // R1 and R2 are stale leads
        let path = config.exports[.recommendations]!.path
        let swapped = Self.recommendations.replacingOccurrences(of: "R2,W1", with: "R9,W1")
        try (swapped + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RowsChanged(line: 3, message: "this line held recommendation 'R2' earlier in the run and now 'R9'")) {
            try lean.filling(rows: ExportLoader.recommendations(config, lines: lean.rowsToRead))
        }
        let headerOnly = String(Self.recommendations.prefix { $0 != "\n" })
        try (headerOnly + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RowsChanged(line: 2, message: "recommendation 'R1' is no longer on this line")) {
            try lean.filling(rows: ExportLoader.recommendations(config, lines: lean.rowsToRead))
        }
    }

    /// A recommendation without `recommended_by` takes its work order's technician, looked up among the wanted work
    /// orders (behind a filter of their ids): ids past the packed length, and non-ASCII ids written in another
    /// canonically equivalent form in each file, are found as a plain read finds them, in either part of the file
    /// (spread; all in the later part; in both, where the earlier row's technician wins).
    @Test(arguments: ["spread", "late", "both"])
    func aWorkOrdersTechnicianIsFoundWhateverFormItsIdTakes(placement: String) throws {
        let ids = [("Caf\u{E9}-1", "Cafe\u{301}-1"), ("WORKORDER-000000000001", "WORKORDER-000000000001"), ("W7", "W7")]
        var workOrders = [Self.workOrdersHeader]
        var recommendations = [Self.recommendationsHeader]
        for i in 0..<300 {  // other work orders around them, which no recommendation names
            workOrders.append("X\(i),A,Plant,,,T1,completed,2026-05-01 09:00,2026-05-01 10:00,")
        }
        func row(_ id: String, _ technician: Int) -> String {
            "\(id),A,Plant,,,T\(technician),completed,2026-05-01 09:00,2026-05-01 10:00,"
        }
        for (n, (workOrder, named)) in ids.enumerated() {
            switch placement {
            case "spread": workOrders.insert(row(workOrder, n + 1), at: 1 + 97 * n)
            case "late": workOrders.append(row(workOrder, n + 1))
            default:
                workOrders.insert(row(workOrder, n + 1), at: 1 + 40 * n)
                workOrders.append(row(workOrder, (n + 1) % 3 + 1))  // another technician, later: not the one taken
            }
            recommendations.append("R\(n),\(named),A,,Fix \(n),high,,open,2026-05-01,2026-06-01,,S1,")
        }
        let config = try write(["people.csv": Self.people, "work_orders.csv": workOrders.joined(separator: "\n"),
                                "recommendations.csv": recommendations.joined(separator: "\n")])
        let parts = try ExportLoader.load(config, splitAbove: 0).read
        #expect(parts.dataset.pending.map(\.recommendedBy) == ["T1", "T2", "T3"])
        expectSameRead(parts, try sequential(config))
    }

    /// A file read in two parts is the file whose split was measured, in each part and in the count of line ends before
    /// the later one: replaced (renamed into place) or written to since, it stops the run.
    @Test(arguments: ["replaced", "appended"])
    func anExportThatChangedBetweenItsReadsIsAnError(_ change: String) throws {
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders, "recommendations.csv": Self.recommendations])
        let source = config.exports[.workOrders]!
        let split = try #require(ExportLoader.splitPoint(source, above: 0, share: ExportLoader.firstPartShare))
        #expect(try ExportLoader.lineEnds(source, to: split.offset, expecting: split.version) > 0, "unchanged: read")
        if change == "replaced" {
            try (Self.workOrders + "\n").write(toFile: source.path, atomically: true, encoding: .utf8)  // same bytes, new file
        } else {
            let handle = try #require(FileHandle(forWritingAtPath: source.path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("W9,C,,,,T1,cancelled,2026-06-01 09:00,,\n".utf8))
            try handle.close()
        }
        let error = try #require(throws: ExportError.self) { try ExportLoader.lineEnds(source, to: split.offset, expecting: split.version) }
        #expect(error.file == source.displayName && error.message == "the export changed while the run read it")
        #expect(error.hint.contains("rename it into place"))
        var ingestor = ExportLoader.ingestor(.workOrders, config)
        var builder = DatasetBuilder()
        #expect(throws: ExportError.self) { try ExportLoader.feed(&ingestor, source, to: split.offset, expecting: split.version, into: &builder) }
    }

    @Test func rowEstimateFollowsTheFirstLines() throws {
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders, "recommendations.csv": Self.recommendations])
        let estimate = ExportLoader.estimatedRows(config.exports[.workOrders]!)
        #expect(estimate >= 6 && estimate <= 8)
    }

    /// 500 rows whose descriptions span three lines (quoted line ends), or hold a quote inside an unquoted field (a
    /// character, as the parser reads it; the asset's too): the estimate counts rows, not lines.
    @Test(arguments: ["\"Line one\nline \"\"two\"\"\nline three\"", "Replace the 3/4\" valve"])
    func rowEstimateCountsRowsAsTheParserReadsThem(description: String) throws {
        let rows = (0..<500).map { "R\($0),W1,A,3/4\" valve,\(description),high,,open,2026-05-01,,,S1," }
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders,
                                "recommendations.csv": ([Self.recommendationsHeader] + rows).joined(separator: "\n") + "\n"])
        let estimate = ExportLoader.estimatedRows(config.exports[.recommendations]!)
        #expect(estimate >= 500 && estimate <= 520)
    }

    /// Row ends: a quote opens a quoted field only at a field's start (after the delimiter given, or a BOM); the lines
    /// are counted to the last row end, not into a quoted field the sample ends in.
    @Test func rowEndsAreCountedAsTheParserReadsQuotes() {
        func rowEnds(_ text: String, _ delimiter: Character = ",") -> (Int, Int) {
            let counted = ExportLoader.rowEnds(Array(text.utf8)[...], delimiter: delimiter.asciiValue!)
            return (counted.rows, counted.lines)
        }
        #expect(rowEnds("a,\"b\"\"\nc\",d\ne,f\"\n") == (2, 3))
        #expect(rowEnds("a,\"b\nc\n") == (0, 0))
        #expect(rowEnds("a,\"x\ny\"\nb\n\"c\nd\n") == (2, 3))
        #expect(rowEnds("\u{FEFF}\"h\nh\",x\r\na,b\r\n") == (2, 3))
        #expect(rowEnds("a;\"b\nc\";d\ne,\"f\n", ";") == (2, 3))  // after a comma, a quote is a character here
    }
}

extension ExportLoader.Loaded {
    /// What was read, as `DatasetBuilder.build()` gives it (for comparing with a plain ingest).
    var read: (dataset: Dataset, report: DataQualityReport) { (dataset, report) }
}

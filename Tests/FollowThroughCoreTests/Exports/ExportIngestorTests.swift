import Foundation
import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

@Suite struct ExportIngestorTests {
    let zone = TimeZone(identifier: "America/Toronto")!

    func ingest(_ kind: ExportKind, _ text: String, options: ExportOptions = ExportOptions()) throws -> (Dataset, DataQualityReport) {
        var builder = DatasetBuilder()
        try ExportIngestor.ingest(Array(text.utf8), kind: kind, file: "\(kind.rawValue).csv", options: options, timeZone: zone, into: &builder)
        let built = builder.build()
        return (built.dataset, built.report)
    }

    static let woHeader = "work_order_id,site_id,technician_id,status,scheduled_start,resolves\n"

    @Test(arguments: [
        (",S1,T1,scheduled,2026-11-24 08:00,", "missing work_order_id"),
        ("W1,,T1,scheduled,2026-11-24 08:00,", "missing site_id"),
        ("W1,S1,,scheduled,2026-11-24 08:00,", "missing technician_id (required for a scheduled work order)"),
        ("W1,S1,T1,scheduled,,", "missing scheduled_start (required for a scheduled work order)"),
        ("W1,S1,T1,Done,2026-11-24,", "unknown status 'Done' (expected scheduled, completed, cancelled; map other values under [exports.work_orders.values.status])"),
        ("W1,S1,T1,scheduled,tomorrow,", "scheduled_start 'tomorrow' is not a date"),
        ("W1,S1,T1", "missing status"),  // short row
    ])
    func workOrderRowsRejectedWithReasonAndLine(row: String, reason: String) throws {
        let (dataset, report) = try ingest(.workOrders, Self.woHeader + "W0,S0,T1,completed,,\n" + row + "\n")
        #expect(dataset.sites["S0"] != nil)
        #expect(report.rejections.count == 1)
        #expect(report.rejections.first?.line == 3)
        #expect(report.rejections.first?.message.hasPrefix(reason) == true, "\(report.rejections)")
        #expect(report.files.first { $0.file == "work_orders.csv" }?.rows == 2)
    }

    /// The ids a builder holds as done by a completed work order, when it read them before any recommendation.
    static func doneIDs(_ builder: DatasetBuilder) -> Set<String> {
        var ids = Set<String>()
        builder.resolved.forEach { id, _ in ids.insert(String(decoding: id, as: UTF8.self)) }
        return ids
    }

    @Test func completedAndCancelledNeedNoTechnicianOrStart() throws {
        var builder = DatasetBuilder()
        try ExportIngestor.ingest(Array((Self.woHeader + "W1,S1,,completed,,R1; R2 ;\nW2,S1,,cancelled,,R3\n").utf8), kind: .workOrders,
                                  file: "work_orders.csv", options: ExportOptions(), timeZone: zone, into: &builder)
        #expect(Self.doneIDs(builder) == ["R1", "R2"])
        #expect(builder.build().report.rejections.isEmpty)
    }

    static let recHeader = "recommendation_id,work_order_id,site_id,description,status,created_at,last_activity_at\n"

    /// What completed work orders did, whichever file was read first: an open or quoted recommendation is no longer
    /// open (`resolvedIDs`), an accepted one is tracked as resolved, a completed one stays completed, and ids of no
    /// recommendation count for nothing. Recommendations first is the loader's order (marks beside their table).
    @Test(arguments: [true, false])
    func workDoneByCompletedWorkOrdersEitherOrder(recommendationsFirst: Bool) throws {
        let recs = Self.recHeader + """
            R1,W0,S1,Fix,open,2026-01-05,
            R2,W0,S1,Fix,quoted,2026-01-05,
            R3,W0,S1,Fix,accepted,2026-01-05,
            R4,W0,S1,Fix,completed,2026-01-05,
            R5,W0,S1,Fix,open,2026-01-05,
            R6,W0,S1,Fix,declined,2026-01-05,

            """
        let workOrders = Self.woHeader + "W1,S1,T1,completed,,R1;R3;R4;R99\nW2,S1,T1,cancelled,,R5;R6\nW3,S1,T1,completed,,R2\n"
        var builder = DatasetBuilder()
        func read(_ kind: ExportKind, _ text: String) throws {
            try ExportIngestor.ingest(Array(text.utf8), kind: kind, file: "\(kind.rawValue).csv", options: ExportOptions(),
                                      timeZone: zone, into: &builder)
        }
        if recommendationsFirst {
            try read(.recommendations, recs)
            builder.recordOnlyNeededTechnicians()
            try read(.workOrders, workOrders)
        } else {
            try read(.workOrders, workOrders)
            try read(.recommendations, recs)
        }
        let dataset = builder.build().dataset
        #expect(dataset.resolvedIDs == ["R1", "R2"])
        #expect(dataset.statuses.dictionary == ["R1": .resolved, "R2": .resolved, "R3": .resolved, "R4": .completed,
                                                "R5": .open, "R6": .declined])
        #expect(dataset.pending.filter { !dataset.resolvedIDs.contains($0.id) }.map(\.id) == ["R5"])
    }

    @Test func headersAreMatchedCaseInsensitivelyAndRenamable() throws {
        var options = ExportOptions()
        options.columns = ["work_order_id": "Job #", "site_id": "Location"]
        let text = "\u{FEFF} Job # ,LOCATION,Technician_ID,Status,Scheduled_Start\r\nJ1,L1,T1,scheduled,2026-11-24 07:00\r\n"
        let (dataset, report) = try ingest(.workOrders, text, options: options)
        #expect(report.rejections.isEmpty)
        #expect(dataset.scheduledVisits.map(\.id) == ["J1"])
        #expect(dataset.scheduledVisits.first?.siteID == "L1")
    }

    @Test func missingRequiredColumnIsFatalAndNamesTheMapping() {
        #expect {
            try ingest(.recommendations, "recommendation_id,site_id,status,created_at\nR1,S1,open,2026-01-01\n")
        } throws: { error in
            let e = error as? ExportError
            return e?.line == 1 && e?.message == "missing required column 'description'"
                && e?.hint.contains("[exports.recommendations.columns] description = \"Header In File\"") == true
        }
    }

    @Test func emptyFileIsFatal() {
        #expect(throws: ExportError.self) { try ingest(.people, "") }
    }

    @Test func valueMapsTranslateFileValuesCaseInsensitively() throws {
        var options = ExportOptions()
        options.values = ["status": ["Pending Quote": "quoted", "won": "accepted"], "priority": ["P1": "critical"]]
        let text = """
        recommendation_id,site_id,description,status,created_at,priority,estimated_value
        R1,S1,Fix,pending quote,2026-01-01,p1,"$1,234.5"
        R2,S1,Fix,WON,2026-01-01,,
        R3,S1,Fix,Open,2026-01-01,High,12.345
        R4,S1,Fix,Open,2026-01-01,,"1,234,567"
        R5,S1,Fix,Open,2026-01-01,,.5
        """
        let (dataset, report) = try ingest(.recommendations, text, options: options)
        #expect(report.rejections.isEmpty, "\(report.rejections)")
        #expect(dataset.recommendations.map(\.status) == [.quoted, .accepted, .open, .open, .open])
        #expect(dataset.recommendations.map(\.priority) == [.critical, .normal, .high, .normal, .normal])
        #expect(dataset.recommendations.map(\.estimatedValueCents) == [123_450, nil, 1_234, 123_456_700, 50])
    }

    @Test(arguments: ["12,34.5", "1,2345", ",123", "1234,567", "1.2.3", "abc", "$", "-5", "1e5", "1,23"])
    func badAmountsAreRejected(value: String) throws {
        let text = "recommendation_id,site_id,description,status,created_at,estimated_value\nR1,S1,Fix,open,2026-01-01,\"\(value)\"\n"
        let (_, report) = try ingest(.recommendations, text)
        #expect(report.rejections.first?.message.hasPrefix("estimated_value '\(value)' is not an amount") == true)
    }

    @Test func multiLineDescriptionsKeepTheirLinesAndLaterRowsTheirLineNumbers() throws {
        let text = "recommendation_id,site_id,description,status,created_at\nR1,S1,\"Line one,\n\"\"two\"\"\",open,2026-01-01\nR2,S1,,open,2026-01-01\n"
        let (dataset, report) = try ingest(.recommendations, text)
        #expect(dataset.recommendations.first?.description == "Line one,\n\"two\"")
        #expect(report.rejections.first?.line == 4)
    }

    @Test func peopleWithBadEmailsOrControlCharactersInNames() throws {
        let text = "person_id,name,email,role\nP1,\"Ann\r\nBcc: x@y.z\",ann@example.com,sales\nP2,Bob,not-an-email,sales\nP3,Cy,,boss\n"
        let (dataset, report) = try ingest(.people, text)
        #expect(dataset.people["P1"]?.name == "Ann  Bcc: x@y.z")
        #expect(report.rejections.map(\.line) == [4, 5])
        #expect(report.rejections[0].message.hasPrefix("email 'not-an-email' is not a valid address"))
        #expect(report.rejections[1].message.hasPrefix("unknown role 'boss'"))
    }

    @Test func danglingReferencesAreWarningsNotRejections() {
        var builder = DatasetBuilder()
        builder.add(Person(id: "S1", name: "S", email: "s@example.com", role: .sales, managerID: "M9", line: 2))
        builder.add(WorkOrder(id: "W1", siteID: "A", technicianID: "T9", status: .scheduled,
                              scheduledStart: LocalDateTime(date: LocalDate(year: 2026, month: 11, day: 24)!), line: 2))
        builder.add(Recommendation(id: "R1", siteID: "Z", description: "x", status: .open,
                                   createdAt: LocalDateTime(date: LocalDate(year: 2026, month: 1, day: 1)!), salesOwner: "S1", line: 2))
        let report = builder.build().report
        #expect(report.rejections.isEmpty)
        #expect(Set(report.warnings.map(\.message)) == [
            "site 'Z' has no work order in work_orders.csv", "technician_id 'T9' is not in people.csv",
            "manager_id 'M9' is not in people.csv",
        ])
    }

    @Test func rejectionLimitIsPerFile() {
        var report = DataQualityReport()
        var a = FileCounts(file: "a.csv"); a.rows = 200; a.rejected = 2
        var b = FileCounts(file: "b.csv"); b.rows = 200; b.rejected = 3
        report.files = [a, b]
        #expect(report.filesOverRejectionLimit(1).map(\.file) == ["b.csv"])
    }

    /// `resolves` lists read as bytes give the ids `RecordDecoder.workOrder(_:)` gives (split on `;`, spaces and tabs
    /// trimmed, empty parts dropped), ASCII or not.
    @Test func resolvesListsReadAsBytesMatchTheDecoder() throws {
        var rng = SplitMix64(seed: 7)
        let parts = ["R1", " R2", "R3 ", "\tR4\t", "", " ", "R-5;", "Ré6", "\u{FEFF}R7", "\u{212A}8", "R9 x", ";;"]
        for _ in 0..<500 {
            let list = (0..<Int(rng.next() % 5)).map { _ in parts[Int(rng.next() % UInt64(parts.count))] }.joined(separator: ";")
            let expected = Set(list.split(separator: ";").map { (part: Substring) -> String in String(part).trimmingSpaces }
                .filter { !$0.isEmpty })
            var builder = DatasetBuilder()
            Array(list.utf8).withUnsafeBytes { builder.addResolved($0) }
            #expect(Self.doneIDs(builder) == expected, "\(list.debugDescription)")
        }
    }
}


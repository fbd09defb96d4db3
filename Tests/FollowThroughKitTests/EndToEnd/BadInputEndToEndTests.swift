import Foundation
import Testing

/// Bad input stops the run with exit 2 and a located message, and nothing is sent; or, for single rows,
/// is reported and left out. Nothing from the exports reaches a header or raw HTML.
@Suite(.serialized) struct BadInputEndToEndTests {
    func demo(_ name: String = #function) throws -> (dir: URL, config: URL) {
        let dir = try TestSupport.copyFixture("examples/demo", name: name)
        return (dir, try TestSupport.writeConfig(in: dir))
    }

    func run(_ config: URL) throws -> TestSupport.ProcessResult {
        try TestSupport.followthrough(["run", "--config", config.path, "--as-of", "2026-11-23"])
    }

    func replace(_ file: URL, _ old: String, _ new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old), "fixture changed: \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    func outbox(_ dir: URL) throws -> [URL] { try TestSupport.emlFiles(in: dir.appendingPathComponent("outbox")) }

    @Test func missingExportStopsTheRun() throws {
        let (dir, config) = try demo()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("people.csv"))
        let result = try run(config)
        #expect(result.status == 2)
        #expect(result.stderr.contains("people.csv: cannot open the export"))
        #expect(result.stderr.contains("hint:"))
        #expect(try outbox(dir).isEmpty)
    }

    @Test func missingRequiredColumnNamesFileLineAndTheFix() throws {
        let (dir, config) = try demo()
        try replace(dir.appendingPathComponent("work_orders.csv"), "work_order_id,site_id,", "work_order_id,location,")
        let result = try run(config)
        #expect(result.status == 2)
        #expect(result.stderr.contains("work_orders.csv:1: missing required column 'site_id'"))
        #expect(result.stderr.contains("[exports.work_orders.columns] site_id = \"Header In File\""))
        #expect(try outbox(dir).isEmpty)
    }

    @Test func renamedColumnsAndMappedValuesAreHonoured() throws {
        let (dir, _) = try demo()
        let file = dir.appendingPathComponent("work_orders.csv")
        try replace(file, "work_order_id,site_id,", "Job #,Location,")
        try replace(file, "T1,scheduled,2026-11-24 08:30", "T1,Booked,11/24/2026 8:30 AM")
        let config = try TestSupport.writeConfig(in: dir)
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "[exports.work_orders]\npath = \"work_orders.csv\"", with: """
            [exports.work_orders]
            path = "work_orders.csv"
            date_format = "M/d/yyyy h:mm a"
            [exports.work_orders.columns]
            work_order_id = "Job #"
            site_id = "Location"
            [exports.work_orders.values.status]
            "Booked" = "scheduled"
            """)
        try text.write(to: config, atomically: true, encoding: .utf8)
        let result = try run(config)
        #expect(result.status == 0, "\(result.stderr)")
        let alice = try TestSupport.parseMessages(try outbox(dir)).first { $0.to.hasPrefix("Alice") }
        #expect(alice?.text.contains("Tue 24 Nov at 8:30 AM - Maple Ridge Dental") == true)
    }

    @Test func tooManyRejectedRowsSendsNothing() throws {
        let (dir, config) = try demo()
        try replace(dir.appendingPathComponent("recommendations.csv"), "R-2,WO-1520,S-100,AHU-2,", "R-2,WO-1520,,AHU-2,")
        let result = try run(config)
        #expect(result.status == 2)
        #expect(result.stderr.contains("recommendations.csv: 1 of 11 rows rejected (9.1%), over max_rejected_percent = 1.0"))
        #expect(result.stderr.contains("recommendations.csv:3: missing site_id"))
        #expect(try outbox(dir).isEmpty)
    }

    @Test func rejectedRowsWithinTheLimitAreReportedAndLeftOut() throws {
        let (dir, _) = try demo()
        let config = try TestSupport.writeConfig(in: dir, extra: "max_rejected_percent = 20")
        try replace(dir.appendingPathComponent("recommendations.csv"), "critical,6800.00,open,2026-05-11 11:30", "critical,6800.00,open,11 May")
        try replace(dir.appendingPathComponent("recommendations.csv"), "R-11,WO-1550", "R-10,WO-1550")
        let result = try run(config)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("recommendations.csv:2: created_at '11 May' is not a date"))
        #expect(result.stderr.contains("recommendations.csv:13: duplicate recommendation_id 'R-10' (first on line 12)"))
        let alice = try TestSupport.parseMessages(try outbox(dir)).first { $0.to.hasPrefix("Alice") }
        #expect(alice?.text.contains("Compressor") == false)
        #expect(alice?.text.contains("Door gasket") == true)
    }

    @Test func unterminatedQuoteStopsTheRunWithItsLine() throws {
        let (dir, config) = try demo()
        try replace(dir.appendingPathComponent("recommendations.csv"), "R-11,WO-1550,S-102,Boiler B-2,Add", "R-11,WO-1550,S-102,Boiler B-2,\"Add")
        let result = try run(config)
        #expect(result.status == 2)
        #expect(result.stderr.contains("recommendations.csv:13: unterminated quoted field"))
        #expect(try outbox(dir).isEmpty)
    }

    @Test func brokenTemplateIsReportedBeforeAnythingIsWritten() throws {
        let (dir, _) = try demo()
        let templates = dir.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: TestSupport.repoRoot.appendingPathComponent("templates"), to: templates)
        try replace(templates.appendingPathComponent("stale-digest.text.mustache"), "{{/leads}}", "{{/lead}}")
        let config = try TestSupport.writeConfig(in: dir)
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: TestSupport.repoRoot.appendingPathComponent("templates").path, with: "templates")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let result = try run(config)
        #expect(result.status == 2)
        #expect(result.stderr.contains("templates/stale-digest.text.mustache:21:4: section closed with the wrong name"))
        #expect(try outbox(dir).isEmpty)
        // Parsed while the exports are read, a broken template is still the error reported when an export is bad too.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("people.csv"))
        let both = try run(config)
        #expect(both.status == 2)
        #expect(both.stderr.contains("templates/stale-digest.text.mustache:21:4: section closed with the wrong name"))
        #expect(!both.stderr.contains("cannot open the export"), "\(both.stderr)")
    }

    @Test(arguments: [
        ("timezone = \"Mars/Olympus\"", "unknown timezone 'Mars/Olympus'"),
        ("stale_afer_days = 3", "unknown key 'stale_afer_days' in the top level"),
        ("timezone = ", "TOML syntax error"),
    ])
    func badConfigNamesTheConfigFile(line: String, message: String) throws {
        let dir = try TestSupport.temporaryDirectory("badConfig")
        let config = dir.appendingPathComponent("followthrough.toml")
        try "\(line)\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try TestSupport.followthrough(["check", "--config", config.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("followthrough: \(config.path)"))
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func exportValuesCannotInjectHeadersOrHTML() throws {
        let (dir, config) = try demo()
        try replace(dir.appendingPathComponent("people.csv"), "T1,Alice Ng,", "T1,\"Alice Ng\r\nBcc: victim@evil.example\",")
        try replace(dir.appendingPathComponent("recommendations.csv"), "Replace worn drive belt and adjust tension",
                    "\"<script>alert(1)</script><img src=x onerror=alert(2)>\nSubject: injected\"")
        try replace(dir.appendingPathComponent("work_orders.csv"), "Maple Ridge Dental,Maple Ridge Dental Group,\"1450",
                    "\"Maple <b>Ridge</b>\r\nX-Evil: 1\",Maple Ridge Dental Group,\"1450")
        let result = try run(config)
        #expect(result.status == 0, "\(result.stderr)")
        let messages = try TestSupport.parseMessages(try outbox(dir))
        let alice = try #require(messages.first { $0.to.contains("alice.ng@example.com") })
        #expect(alice.header("Bcc") == nil && alice.header("X-Evil") == nil)
        #expect(alice.defects.isEmpty)
        #expect(alice.to == "\"Alice Ng Bcc: victim@evil.example\" <alice.ng@example.com>")
        #expect(alice.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"))
        #expect(!alice.html.contains("<script>") && !alice.html.contains("<b>Ridge"))
        #expect(alice.subject.hasPrefix("[Critical] Before your visits"))
        for message in messages { #expect(message.header("Bcc") == nil && message.header("X-Evil") == nil) }
    }
}

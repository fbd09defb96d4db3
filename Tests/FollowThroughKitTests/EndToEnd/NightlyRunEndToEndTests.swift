import Foundation
import Testing

/// Runs the built `followthrough` on the demo exports and reads every message back with a real MIME parser.
@Suite(.serialized) struct NightlyRunEndToEndTests {
    struct Expectation {
        let to: String
        let kind: String
        let mustList: [String]
        let mustNotList: [String]
    }

    // What each demo recipient must and must not be told, as of 2026-11-23 (see examples/demo/*.csv).
    static let expected: [Expectation] = [
        Expectation(to: "Alice Ng <alice.ng@example.com>", kind: "pre-visit",
                    mustList: ["Compressor drawing high amps", "Replace worn drive belt", "Door gasket torn along the hinge side.",
                               "order the OEM gasket (\"Kolpak\" 24x78)", "Made 196 days ago by Alice Ng", "quoted (Q-1043)"],
                    mustNotList: ["Descale and replace water filter", "relief valve", "Anode rod"]),
        Expectation(to: "Bruno Costa <bruno.costa@example.com>", kind: "pre-visit",
                    mustList: ["Anode rod nearly gone", "low-water cutoff"],
                    mustNotList: ["relief valve", "vibration isolators", "Compressor"]),
        Expectation(to: "Dana Whitfield <dana.whitfield@example.com>", kind: "stale-digest",
                    mustList: ["Compressor drawing high amps", "1 stale leads older than 365 days"],
                    mustNotList: ["Heat exchanger cracked", "Replace worn drive belt", "relief valve"]),
        Expectation(to: "Émile Tremblay <emile.tremblay@example.com>", kind: "stale-digest",
                    mustList: ["Door gasket torn"],
                    mustNotList: ["low-water cutoff", "Replace failed actuator"]),
        Expectation(to: "sales-team@example.com", kind: "stale-digest",
                    mustList: ["Anode rod nearly gone", "Bearing noise", "Owner on file: S9 (unknown)",
                               "Next visit: Wed 2 Dec at 2:00 PM with Bruno Costa"],
                    mustNotList: ["Compressor", "Door gasket"]),
    ]

    @Test func demoNightSendsTheRightMessagesToTheRightPeople() throws {
        let dir = try TestSupport.copyFixture("examples/demo")
        let config = try TestSupport.writeConfig(in: dir)
        let result = try TestSupport.followthrough(["run", "--config", config.path, "--as-of", "2026-11-23"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("delivered 5, retried 0, failed 0"))

        let messages = try TestSupport.parseMessages(try TestSupport.emlFiles(in: dir.appendingPathComponent("outbox")))
        #expect(messages.map(\.to).sorted() == Self.expected.map(\.to).sorted())
        #expect(!messages.contains { $0.to.contains("chidi") }, "a technician with nothing open gets no summary")
        for expectation in Self.expected {
            guard let message = messages.first(where: { $0.to == expectation.to }) else {
                Issue.record("no message to \(expectation.to)")
                continue
            }
            #expect(message.kind == expectation.kind)
            #expect(message.defects.isEmpty, "\(message.defects)")
            #expect(message.allCRLF && message.maxLineLength <= 998)
            #expect(message.partTypes == ["text/plain", "text/html"])
            #expect(message.header("Auto-Submitted") == "auto-generated")
            #expect(message.header("MIME-Version") == "1.0")
            #expect(message.header("Date") != nil)
            for phrase in expectation.mustList {
                #expect(message.text.contains(phrase), "\(expectation.to) should be told: \(phrase)")
            }
            for phrase in expectation.mustNotList {
                #expect(!message.text.contains(phrase) && !message.html.contains(phrase), "\(expectation.to) must not be told: \(phrase)")
            }
        }
        let alice = messages.first { $0.to.hasPrefix("Alice") }
        #expect(alice?.html.contains("Café Élise") == true)
        #expect(alice?.subject.hasPrefix("[Critical] Before your visits tomorrow, Tuesday 24 November") == true)
    }

    @Test func messageIDsAreStableForTheSameNightAndDifferentTheNext() throws {
        let dir = try TestSupport.copyFixture("examples/demo")
        let config = try TestSupport.writeConfig(in: dir)
        func ids(_ asOf: String, _ outbox: String) throws -> [String: String] {
            // A fresh state each time: with the state kept, a rerun of a delivered night sends nothing (the state tests cover that).
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent("followthrough-state.sqlite" + suffix))
            }
            let out = dir.appendingPathComponent(outbox)
            let result = try TestSupport.followthrough(["run", "--config", config.path, "--as-of", asOf, "--outbox", out.path])
            #expect(result.status == 0, "\(result.stderr)")
            let parsed = try TestSupport.parseMessages(try TestSupport.emlFiles(in: out))
            return Dictionary(uniqueKeysWithValues: parsed.map { ($0.to + $0.kind, $0.header("Message-ID") ?? "") })
        }
        let first = try ids("2026-11-23", "a"), again = try ids("2026-11-23", "b"), next = try ids("2026-11-16", "c")
        #expect(!first.isEmpty && first == again)
        for (key, id) in next { #expect(first[key] != id) }
    }

    @Test func dryRunListsMessagesAndWritesNothing() throws {
        let dir = try TestSupport.copyFixture("examples/demo")
        let config = try TestSupport.writeConfig(in: dir)
        let result = try TestSupport.followthrough(["run", "--config", config.path, "--as-of", "2026-11-23", "--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("would send") }.count == 5)
        #expect(result.stdout.contains("would send pre-visit to Alice Ng <alice.ng@example.com>: [Critical] Before your visits"))
        #expect(try TestSupport.emlFiles(in: dir.appendingPathComponent("outbox")).isEmpty)
    }

    @Test func planOutListsWhoGetsWhichRecommendationByID() throws {
        let dir = try TestSupport.copyFixture("examples/demo")
        let config = try TestSupport.writeConfig(in: dir)
        let planFile = dir.appendingPathComponent("plan.json")
        let result = try TestSupport.followthrough(["run", "--config", config.path, "--as-of", "2026-11-23", "--dry-run", "--plan-out", planFile.path])
        #expect(result.status == 0, "\(result.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: planFile)) as! [String: Any]
        let preVisit = plan["pre_visit"] as! [[String: Any]]
        #expect(preVisit.map { $0["technician"] as! String } == ["T1", "T2"])
        let aliceVisits = preVisit[0]["visits"] as! [[String: Any]]
        #expect(aliceVisits.map { $0["recommendation_ids"] as! [String] } == [["R-1", "R-2"], ["R-3"]])
        let stale = (plan["stale"] as! [[String: Any]]).map { ($0["owner"] as! String, $0["recommendation_ids"] as! [String]) }
        #expect(stale.map(\.0) == ["S1", "S2", ""])
        #expect(stale.map(\.1) == [["R-1"], ["R-3"], ["R-7", "R-8"]])
    }

    @Test func checkReportsAndSendsNothing() throws {
        let dir = try TestSupport.copyFixture("examples/demo")
        let config = try TestSupport.writeConfig(in: dir)
        let result = try TestSupport.followthrough(["check", "--config", config.path, "--as-of", "2026-11-23"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("work_orders.csv: 16 rows, 0 rejected"))
        #expect(result.stdout.contains("warning recommendations.csv:10: sales_owner 'S9' is not in people.csv"))
        #expect(result.stdout.contains("would send 2 pre-visit summaries, 3 stale-lead digests"))
        #expect(try TestSupport.emlFiles(in: dir.appendingPathComponent("outbox")).isEmpty)
    }
}

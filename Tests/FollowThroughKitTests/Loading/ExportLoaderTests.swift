import Foundation
import Testing
@testable import FollowThroughCore
@testable import FollowThroughKit

/// The parallel loader (work orders on one thread, people and recommendations on another) against a plain
/// sequential ingest of the same files, and the order its errors come in.
@Suite struct ExportLoaderTests {
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

    @Test func parallelLoadEqualsASequentialIngest() throws {
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders, "recommendations.csv": Self.recommendations])
        let parallel = try ExportLoader.load(config)
        let plain = try sequential(config)
        #expect(parallel.report == plain.report)
        #expect(parallel.dataset.recommendations == plain.dataset.recommendations)
        #expect(parallel.dataset.sites == plain.dataset.sites)
        #expect(parallel.dataset.scheduledVisits == plain.dataset.scheduledVisits)
        #expect(parallel.dataset.resolvedIDs == plain.dataset.resolvedIDs)
        #expect(parallel.dataset.people == plain.dataset.people)
        // What the rows say, independently of how they were read:
        #expect(parallel.report.rejections.map(\.line) == [4, 5, 6])  // W2 twice, R1 twice, R4's date
        #expect(parallel.report.rejections.first?.message.contains("duplicate work_order_id 'W2' (first on line 3)") == true)
        #expect(parallel.dataset.sites["A"] == Site(id: "A", name: "New Name", customerName: "Acme", address: "1 Main St"))
        #expect(parallel.dataset.recommendations.first { $0.id == "R1" }?.recommendedBy == "T1")  // from W1's technician
        #expect(parallel.dataset.resolvedIDs == ["R3"])
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

    @Test func rowEstimateFollowsTheFirstLines() throws {
        let config = try write(["people.csv": Self.people, "work_orders.csv": Self.workOrders, "recommendations.csv": Self.recommendations])
        let estimate = ExportLoader.estimatedRows(config.exports[.workOrders]!)
        #expect(estimate >= 6 && estimate <= 8)
    }
}

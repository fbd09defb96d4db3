import Foundation
import Testing
@testable import FollowThroughCore
@testable import FollowThroughKit
import FollowThroughTestSupport

/// With an age limit the loader keeps open recommendations too old to list as counts-only keys (`Dataset.aged`); the
/// plan (counts of older ones per visit and per digest included) and the data-quality report stay those of a read
/// keeping every one in full.
@Suite struct AgedPendingLoadTests {
    let loader = ExportLoaderTests()
    let asOf = LocalDate(iso: "2026-11-23")!
    var window: VisitWindow { VisitWindow(asOf: asOf, lookaheadDays: 1) }
    var ageLimit: AgeLimit { AgeLimit(asOf: asOf, maxAgeDays: 365) }


    @Test(arguments: 1...10)
    func agedKeysGiveThePlanAndReportOfFullRecords(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        var workOrders = [ExportLoaderTests.workOrdersHeader]
        var recommendations = [ExportLoaderTests.recommendationsHeader]
        for i in 0..<300 {
            // Completed ones do some recommendations (a few of them aged); visits in the window at some sites.
            let status = pick(["completed", "completed", "scheduled", "cancelled"])
            let resolves = status == "scheduled" ? "" : (0..<Int(rng.next() % 3)).map { _ in "R\(rng.next() % 400)" }.joined(separator: ";")
            let start = status == "scheduled" ? "2026-11-\(pick(["24", "24", "27"])) 08:00" : "2025-03-01 08:00"
            workOrders.append("W\(i),S\(rng.next() % 15),Plant,,,\(pick(["T1", "T1", "T2"])),\(status),\(start),"
                              + "\(status == "completed" ? "2025-03-01 09:00" : ""),\(resolves)")
        }
        for i in 0..<400 {
            // Ages on both sides of max_age_days (365, 366 days and more), some ids twice, some sites without work
            // orders, people not in people.csv, blank recommended_by (the work order's technician, T2 unknown).
            let id = rng.next() % 10 == 0 ? "R\(rng.next() % 400)" : "R\(i)"
            let created = pick(["2024-01-15", "2025-11-22", "2025-11-23", "2026-06-01", "2023-05-05 10:00"])
            recommendations.append("\(id),W\(rng.next() % 330),S\(rng.next() % 20),RTU-\(i),Fix \(i),\(pick(["high", "low", "critical"])),"
                                   + "\(pick(["", "120", "4500.50"])),\(pick(["open", "quoted", "open", "accepted"])),\(created),"
                                   + "\(pick(["", "2026-11-20", "2025-01-01"])),\(pick(["T1", "", "", "T7"])),\(pick(["S1", "", "S9"])),")
        }
        let config = try loader.write(["people.csv": ExportLoaderTests.people, "work_orders.csv": workOrders.joined(separator: "\n"),
                                       "recommendations.csv": recommendations.joined(separator: "\n")])
        let every = try loader.sequential(config)
        let aged = try ExportLoader.load(config, visitWindow: window, ageLimit: ageLimit, splitAbove: 0).read
        #expect(aged.dataset.aged.count > 0 && aged.dataset.pending.count + aged.dataset.aged.count == every.dataset.pending.count)
        #expect(aged.report == every.report)
        #expect(!every.report.warnings.isEmpty)
        let expected = try loader.plan(config, every, asOf: asOf)
        #expect(try loader.plan(config, aged, asOf: asOf) == expected)
        #expect(expected.summaries.flatMap(\.visits).contains { $0.olderNotListed > 0 } && expected.digests.contains { $0.tooOldCount > 0 })
    }

    /// A recommendation created exactly `max_age_days` before the as-of date is still listed; one day more is counted.
    @Test func theAgeLimitIsTheRulesOwn() {
        #expect(!ageLimit.isTooOld(created: LocalDate(iso: "2025-11-23")!))
        #expect(ageLimit.isTooOld(created: LocalDate(iso: "2025-11-22")!))
    }
}

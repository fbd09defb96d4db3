import Foundation
import Testing
@testable import FollowThroughCore
@testable import FollowThroughKit
import FollowThroughTestSupport

/// With a visit window the loader keeps only the visits a rule can use (those in the window, and the earliest after it
/// at each site); the plan and the data-quality report stay those of a read keeping every visit.
@Suite struct VisitWindowLoadTests {
    let loader = ExportLoaderTests()
    let asOf = LocalDate(iso: "2026-11-23")!
    var window: VisitWindow { VisitWindow(asOf: asOf, lookaheadDays: 1) }


    @Test(arguments: 1...10)
    func keptVisitsGiveThePlanOfEveryVisit(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        var workOrders = [ExportLoaderTests.workOrdersHeader]
        var recommendations = [ExportLoaderTests.recommendationsHeader]
        for i in 0..<400 {
            let status = pick(["completed", "scheduled", "scheduled"])
            // Past, in the window (the 24th) and after it, at a few sites, some ids repeated, some on the same minute.
            let day = 16 + Int(rng.next() % 14)
            let start = "2026-\(day > 30 ? "12" : "11")-\(String(format: "%02d", day > 30 ? day - 30 : day)) \(pick(["08:00", "08:00", "13:30"]))"
            workOrders.append("W\(rng.next() % 300),S\(rng.next() % 15),Plant,,,\(pick(["T1", "T1", "T2"])),\(status),\(start),,")
            recommendations.append("R\(i),W\(rng.next() % 300),S\(rng.next() % 15),RTU-\(i),Fix \(i),\(pick(["high", "low"])),"
                                   + "\(rng.next() % 5000),\(pick(["open", "quoted"])),2026-05-01,2026-\(pick(["06", "11"]))-01,T1,\(pick(["S1", ""])),")
        }
        let config = try loader.write(["people.csv": ExportLoaderTests.people, "work_orders.csv": workOrders.joined(separator: "\n"),
                                       "recommendations.csv": recommendations.joined(separator: "\n")])
        let every = try loader.sequential(config)
        let kept = try ExportLoader.load(config, visitWindow: window, splitAbove: 0).read
        #expect(kept.report == every.report)
        #expect(kept.dataset.scheduledVisits.count < every.dataset.scheduledVisits.count)
        let expected = try loader.plan(config, every, asOf: asOf)
        #expect(try loader.plan(config, kept, asOf: asOf) == expected)
        #expect(!expected.summaries.isEmpty && expected.digests.flatMap(\.leads).contains { $0.nextVisit != nil })
    }

    /// Read in two parts, the visits kept are those one reader keeps, in its order, whichever part holds more of them
    /// (the join folds the smaller part's visits into the larger's): the window's, then the earliest after it at each
    /// site in the order the sites were first met, with ids repeated across the parts left out as one reader would.
    /// (No id of a visit after the window repeats one of the earlier part: the parts always join, see `canMerge`.)
    @Test(arguments: 1...12)
    func partsKeepTheVisitsOneReaderKeeps(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        // Odd seeds put nearly all visits at the file's end (the later part holds more), even ones at its start.
        let atEnd = seed % 2 == 1
        var workOrders = [ExportLoaderTests.workOrdersHeader]
        for i in 0..<300 {
            // A few ids (D…) three times or more, in the window: a third row's message names the first.
            let repeated = rng.next() % 15 == 0
            let scheduled = repeated || (atEnd ? i > 220 : i < 80) || rng.next() % 40 == 0
            let day = repeated ? 24 : 24 + Int(rng.next() % 7)  // the window (the 24th) and after it
            let start = "2026-\(day > 30 ? "12" : "11")-\(String(format: "%02d", day > 30 ? day - 30 : day)) \(pick(["08:00", "13:30"]))"
            let id = repeated ? "D\(rng.next() % 5)" : !scheduled && rng.next() % 25 == 0 ? "W\(rng.next() % 300)" : "W\(i)"
            workOrders.append(scheduled ? "\(id),S\(rng.next() % 20),Plant,,,\(pick(["T1", "T2"])),scheduled,\(start),,"
                                        : "\(id),S\(rng.next() % 20),Plant \(i),,,T1,completed,2026-03-01 08:00,2026-03-01 09:00,")
        }
        let config = try loader.write(["people.csv": ExportLoaderTests.people, "work_orders.csv": workOrders.joined(separator: "\n"),
                                       "recommendations.csv": ExportLoaderTests.recommendationsHeader + "\n"])
        var one = DatasetBuilder(files: Dictionary(uniqueKeysWithValues: config.exports.map { ($0.key, $0.value.displayName) }))
        one.visitWindow = window
        for kind in [ExportKind.people, .recommendations, .workOrders] {
            let source = config.exports[kind]!
            try ExportIngestor.ingest(try [UInt8](Data(contentsOf: URL(fileURLWithPath: source.path))), kind: kind, file: source.displayName,
                                      options: source.options, timeZone: config.timeZone, into: &one)
        }
        let expected = one.build()
        let parts = try ExportLoader.load(config, visitWindow: window, splitAbove: 0).read
        #expect(parts.dataset.scheduledVisits == expected.dataset.scheduledVisits)
        #expect(parts.report == expected.report)
        #expect(parts.dataset.sites == expected.dataset.sites)
        #expect(expected.dataset.scheduledVisits.contains { $0.scheduledStart!.date > window.asOf.adding(days: 1) })
    }

    /// The later part's earliest visit after the window at a site repeats an id of the earlier part: dropped at the
    /// join, it would hide the site's real next visit, so the later part is read again in one piece.
    @Test func aDuplicateAcrossThePartsIsReadAgainNotLost() throws {
        var workOrders = [ExportLoaderTests.workOrdersHeader,
                          "W5,S1,Plant,,,T1,scheduled,2026-11-20 08:00,,"]
        for i in 0..<40 { workOrders.append("H\(i),S2,Plant,,,T1,completed,2026-01-01 08:00,2026-01-01 09:00,") }
        workOrders += ["W5,S1,Plant,,,T1,scheduled,2026-11-26 08:00,,", "W6,S1,Plant,,,T1,scheduled,2026-11-28 08:00,,"]
        let recommendations = """
            recommendation_id,work_order_id,site_id,asset,description,priority,estimated_value,status,created_at,last_activity_at,recommended_by,sales_owner,quote_id
            R1,H1,S1,RTU-1,Replace belt,high,450,open,2026-05-01,2026-06-01,T1,S1,
            """
        let config = try loader.write(["people.csv": ExportLoaderTests.people, "work_orders.csv": workOrders.joined(separator: "\n"),
                                       "recommendations.csv": recommendations])
        let read = try ExportLoader.load(config, visitWindow: window, splitAbove: 0).read
        #expect(read.report.rejections.map(\.line) == [43])  // the second W5
        let leads = try loader.plan(config, read, asOf: asOf).digests.flatMap(\.leads)
        #expect(leads.map(\.recommendation.id) == ["R1"])
        #expect(leads.first?.nextVisit?.id == "W6")
    }
}

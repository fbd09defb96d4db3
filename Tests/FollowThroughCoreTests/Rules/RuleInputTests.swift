import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

/// The planner's fast paths (`IDSlots`, `ResolvedFilter`, packed keys) answer exactly as the plain types would.
@Suite struct RuleInputTests {
    @Test func idSlotsNumberInOrderOfFirstAppearanceAndFindLikeADictionary() {
        var rng = SplitMix64(seed: 7)
        let list = (0..<3000).map { _ in "S-\(Int.random(in: 0..<2000, using: &rng))" } + ["", String(repeating: "long-id-", count: 4)]
        let slots = IDSlots(list)
        var reference: [String: Int32] = [:]
        for id in list where reference[id] == nil { reference[id] = Int32(reference.count) }
        #expect(slots.count == reference.count)
        for (id, slot) in reference { #expect(slots.slot(of: id) == slot) }
        for i in 2000..<2100 { #expect(slots.slot(of: "S-\(i)") == nil) }
        #expect(slots.slot(of: "S-1\u{301}") == nil)
    }

    /// `String` equality is canonical equivalence: a query spelled with other bytes finds its id, either way round.
    @Test(arguments: [(["K1", "A"], "\u{212A}1"), (["\u{212A}1", "A"], "K1"), (["caf\u{E9}"], "cafe\u{301}"), (["cafe\u{301}"], "caf\u{E9}")])
    func canonicallyEquivalentIDsAreFound(list: [String], query: String) {
        #expect(IDSlots(list).slot(of: query) == 0)
        #expect(ResolvedFilter(Set(list)).contains(query))
    }

    @Test func resolvedFilterAnswersLikeTheSet() {
        var rng = SplitMix64(seed: 11)
        let resolved = Set((0..<5000).map { _ in "R-\(Int.random(in: 0..<20_000, using: &rng))" })
        let filter = ResolvedFilter(resolved)
        for i in 0..<20_000 { #expect(filter.contains("R-\(i)") == resolved.contains("R-\(i)")) }
        #expect(!ResolvedFilter([]).contains("R-1"))
    }

    /// The planner spells `Dataset.isOpen` out (see `withRuleInput`); both must agree.
    @Test func plannerCountsAsOpenWhatTheDatasetCallsOpen() {
        let statuses: [RecommendationStatus] = [.open, .quoted, .accepted, .declined, .completed]
        let recs = (0..<40).map { F.rec("R\($0)", site: "A", status: statuses[$0 % 5]) }
        let d = Dataset(people: F.people, workOrders: [F.done("W", site: "A", resolves: ["R0", "R6", "R7"])], recommendations: recs)
        let plan = Planner(settings: RuleSettings(), asOf: F.asOf).plan(d)
        #expect(plan.stats.open == d.recommendations.filter(d.isOpen).count)
        #expect(plan.stats.open == 14)
    }

    @Test func sortKeyOrdersMomentsAsTheyCompare() {
        let days: [Int32] = [-1, 0, 1, 20_000]
        let seconds: [Int32] = [Int32.min, -1, 0, 1, 86_399, Int32.max]
        let moments = days.flatMap { d in seconds.map { LocalDateTime(date: LocalDate(daysSinceEpoch: d), secondOfDay: $0) } }
        for a in moments {
            for b in moments { #expect((a.sortKey < b.sortKey) == (a < b)) }
        }
    }
}

import Testing
@testable import FollowThroughCore

/// The two parts of the recommendations recording their ids in one table (`shareRecommendationIDs(with:laterShare:)`),
/// merged, read as one reader of the whole file would, whichever part met a repeated id first.
@Suite struct DatasetBuilderSharedIDsTests {
    static let created = LocalDateTime(date: LocalDate(year: 2026, month: 10, day: 1)!)

    static func row(_ id: String, _ line: Int, _ status: RecommendationStatus = .open) -> Recommendation {
        Recommendation(id: id, siteID: "A", description: "Fix \(id) (line \(line))", status: status, createdAt: created,
                       salesOwner: "S1", line: line)
    }

    static let firstPart = [row("R1", 2), row("R2", 3, .accepted), row("R3", 4), row("R1", 5, .quoted)]
    static let laterPart = [row("R4", 6), row("R1", 7, .declined), row("R3", 8), row("R4", 9), row("R5", 10, .quoted),
                            row("a-recommendation-id-too-long-to-pack", 11), row("R2", 12)]

    @Test(arguments: [false, true])
    func partsSharingTheirIDsReadAsOneReader(laterPartFirst: Bool) {
        var one = DatasetBuilder()
        for r in Self.firstPart + Self.laterPart { one.add(r) }
        let expected = one.build()

        var first = DatasetBuilder()
        first.reserve(recommendations: 20)
        var later = first.builderForLaterPart()
        first.shareRecommendationIDs(with: &later, laterShare: 0.5)
        if laterPartFirst {  // the later part's thread ran ahead: the first part displaces R1 and R3 from it
            for r in Self.laterPart { later.add(r) }
            for r in Self.firstPart { first.add(r) }
            #expect(first.displacedRows.map(\.line) == [7, 12, 8])  // in the order the first part met R1, R2, R3
        } else {
            for r in Self.firstPart { first.add(r) }
            for r in Self.laterPart { later.add(r) }
            #expect(first.displacedRows.isEmpty)
        }
        #expect(first.canMerge(later: later))
        first.merge(later: &later)
        let merged = first.build()
        #expect(merged.report == expected.report)
        #expect(merged.report.rejections.map(\.line) == [5, 7, 8, 9, 12])
        #expect(merged.report.rejections.first { $0.line == 7 }?.message.contains("(first on line 2)") == true)
        #expect(merged.dataset.recommendations == expected.dataset.recommendations)
        #expect(merged.dataset.pending == expected.dataset.pending)
        #expect(merged.dataset.statuses.dictionary == expected.dataset.statuses.dictionary)
    }

    /// Parts that cannot be merged (the file is then read on from the split by the first part): the later part's ids,
    /// displaced ones too, leave the table, and what the first part read stays as it was.
    @Test func droppingTheLaterPartLeavesTheFirstPartsIDs() {
        var first = DatasetBuilder()
        first.reserve(recommendations: 20)
        var later = first.builderForLaterPart()
        first.shareRecommendationIDs(with: &later, laterShare: 0.5)
        for r in Self.laterPart { later.add(r) }
        for r in Self.firstPart { first.add(r) }
        first.dropLaterPart()
        #expect(!first.canMerge(later: later) && first.displacedRows.isEmpty)
        var alone = DatasetBuilder()
        for r in Self.firstPart { alone.add(r) }
        let (a, b) = (first.build(), alone.build())
        #expect(a.report == b.report && a.dataset.pending == b.dataset.pending)
        #expect(a.dataset.statuses.dictionary == b.dataset.statuses.dictionary)
    }
}

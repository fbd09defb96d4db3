import Testing
@testable import FollowThroughCore

/// The two parts of the recommendations recording their ids in one table (`shareRecommendationIDs(with:)`),
/// merged, read as one reader of the whole file would, whichever part met a repeated id first.
@Suite struct DatasetBuilderSharedIDsTests {
    static let created = LocalDateTime(date: LocalDate(year: 2026, month: 10, day: 1)!)

    static func row(_ id: String, _ line: Int, _ status: RecommendationStatus = .open) -> Recommendation {
        Recommendation(id: id, siteID: "A", description: "Fix \(id) (line \(line))", status: status, createdAt: created,
                       salesOwner: "S1", line: line)
    }

    static let long = "a-recommendation-id-too-long-to-pack"
    static let firstPart = [row("R1", 2), row("R2", 3, .accepted), row("R3", 4), row("R1", 5, .quoted), row(long, 6)]
    static let laterPart = [row("R4", 7), row("R1", 8, .declined), row("R3", 9), row("R4", 10), row("R5", 11, .quoted),
                            row(long, 12), row("R2", 13), row("R1", 14)]

    /// Builders as the loader sets them: all pending rows in full, or (`aged`) without their text and, being older
    /// than the age limit, kept as aged keys.
    static func builder(aged: Bool) -> DatasetBuilder {
        var builder = DatasetBuilder()
        if aged {
            builder.keepsPendingInFull = false
            builder.ageLimit = AgeLimit(asOf: LocalDate(year: 2026, month: 11, day: 23)!, maxAgeDays: 30)
        }
        return builder
    }

    static func agedLines(_ dataset: Dataset) -> [Int] {
        var lines: [Int] = []
        dataset.aged.forEach { lines.append($0.line) }
        return lines
    }

    /// In both kinds of table: ids packed two words a slot, and numbered ids one word a slot (`R` and a number).
    @Test(arguments: [false, true], [false, true])
    func partsSharingTheirIDsReadAsOneReader(laterPartFirst: Bool, aged: Bool) {
        for numbered in [false, true] { partsSharingTheirIDsReadAsOneReader(laterPartFirst: laterPartFirst, aged: aged, numbered: numbered) }
    }

    func partsSharingTheirIDsReadAsOneReader(laterPartFirst: Bool, aged: Bool, numbered: Bool) {
        var one = Self.builder(aged: aged)
        for r in Self.firstPart + Self.laterPart { one.add(r) }
        let expected = one.build()

        var first = Self.builder(aged: aged)
        first.reserve(recommendations: 20, numbered: numbered ? NumberedIDs(like: "R1") : nil)
        #expect((first.recommendationLines.numbered != nil) == numbered)
        var later = first.builderForLaterPart()
        first.shareRecommendationIDs(with: &later)
        if laterPartFirst {  // the later part's thread ran ahead: the first part displaces R1, R2 and R3 from it
            for r in Self.laterPart { later.add(r) }
            for r in Self.firstPart { first.add(r) }
            #expect(first.displacedRows.map(\.line) == [8, 13, 9])  // in the order the first part met them
        } else {
            for r in Self.firstPart { first.add(r) }
            for r in Self.laterPart { later.add(r) }
            #expect(first.displacedRows.isEmpty)
        }
        #expect(first.canMerge(later: later))
        first.merge(later: &later)
        let merged = first.build()
        #expect(merged.report == expected.report)
        #expect(merged.report.rejections.map(\.line) == [5, 8, 9, 10, 12, 13, 14])
        for line in [8, 14] {  // R1 in the later part, twice: both name the first part's row
            #expect(merged.report.rejections.first { $0.line == line }?.message.contains("(first on line 2)") == true)
        }
        #expect(merged.dataset.recommendations == expected.dataset.recommendations)
        #expect(merged.dataset.pending == expected.dataset.pending)
        #expect(Self.agedLines(merged.dataset) == Self.agedLines(expected.dataset))
        #expect(Self.agedLines(merged.dataset) == (aged ? [2, 4, 6, 7, 11] : []))
        #expect(merged.dataset.statuses.dictionary == expected.dataset.statuses.dictionary)
    }

    /// Parts that cannot be merged (the file is then read on from the split by the first part): the later part's ids,
    /// displaced ones too, leave the table, and what the first part read stays as it was.
    @Test(arguments: [false, true])
    func droppingTheLaterPartLeavesTheFirstPartsIDs(numbered: Bool) {
        var first = DatasetBuilder()
        first.reserve(recommendations: 20, numbered: numbered ? NumberedIDs(like: "R1") : nil)
        var later = first.builderForLaterPart()
        first.shareRecommendationIDs(with: &later)
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

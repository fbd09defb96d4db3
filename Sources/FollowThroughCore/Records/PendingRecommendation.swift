/// An open or quoted recommendation as the rules rank and route it: its ids, dates, value and priority, without its
/// text (description, asset, quote). At a million work orders ~80k are pending; holding each in full (three more
/// strings, the description on the heap) was most of the run's memory, and only the few a message lists need the
/// text: those rows are read again (`Plan.rowsToRead`, `Plan.fill(_:)`).
public struct PendingRecommendation: Sendable, Equatable {
    // Strings first, one-byte fields last, so the layout has no padding (~80k of these at 1M work orders).
    public var id: String
    public var workOrderID: String
    public var siteID: String
    /// As in `Recommendation`: the row's, else its work order's technician (filled in by `DatasetBuilder.build()`).
    public var recommendedBy: String
    public var salesOwner: String
    /// Where the row is: how it is found again.
    public var line: Int
    /// In cents; `Int64.min` when blank (an optional would cost a padded word).
    private var value: Int64
    public var createdAt: LocalDateTime
    public var lastActivityAt: LocalDateTime
    /// Its position in `Dataset.recommendations` when the dataset holds it in full; -1 when only the row can tell.
    public var record: Int32
    public var priority: Priority
    public var status: RecommendationStatus

    public var estimatedValueCents: Int64? { value == .min ? nil : value }

    public init(_ r: Recommendation, record: Int32) {
        id = r.id; workOrderID = r.workOrderID; siteID = r.siteID; priority = r.priority
        value = r.estimatedValueCents ?? .min; status = r.status; createdAt = r.createdAt
        lastActivityAt = r.lastActivityAt; recommendedBy = r.recommendedBy; salesOwner = r.salesOwner; line = r.line
        self.record = record
    }

    public init(id: String, workOrderID: String, siteID: String, priority: Priority, estimatedValueCents: Int64?,
                status: RecommendationStatus, createdAt: LocalDateTime, lastActivityAt: LocalDateTime?,
                recommendedBy: String, salesOwner: String, line: Int) {
        self.id = id; self.workOrderID = workOrderID; self.siteID = siteID; self.priority = priority
        value = estimatedValueCents ?? .min; self.status = status; self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt ?? createdAt; self.recommendedBy = recommendedBy
        self.salesOwner = salesOwner; self.line = line; record = -1
    }

    /// The recommendation without its text, standing in until its row is read again (`Plan.fill(_:)`).
    var placeholder: Recommendation {
        Recommendation(id: id, workOrderID: workOrderID, siteID: siteID, description: "", priority: priority,
                       estimatedValueCents: estimatedValueCents, status: status, createdAt: createdAt,
                       lastActivityAt: lastActivityAt, recommendedBy: recommendedBy, salesOwner: salesOwner, line: line)
    }
}

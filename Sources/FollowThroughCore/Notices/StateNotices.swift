/// A recommendation's status as FollowThrough tracks it: the export's status, or done by a completed work order.
public enum TrackedStatus: String, Sendable, CaseIterable {
    case open, quoted, accepted, declined, completed
    /// A completed work order lists the recommendation in its `resolves` column.
    case resolved

    /// Words for the status in a message, e.g. `done by a completed work order`.
    public var phrase: String {
        switch self {
        case .resolved: "done by a completed work order"
        default: rawValue
        }
    }

    /// True when the customer went ahead or the work is done.
    public var isGoodNews: Bool { self == .accepted || self == .completed || self == .resolved }
}

/// One observed move of a recommendation's status, to be told to the technician who made it.
public struct StatusChange: Sendable, Equatable {
    /// The state store's row id (0 until stored).
    public var storeID: Int64
    public var recommendationID: String
    /// Person id of the technician who made the recommendation.
    public var recommendedBy: String
    public var from: TrackedStatus
    public var to: TrackedStatus
    /// The as-of date of the run that first saw the change.
    public var observedOn: LocalDate
    /// What the recommendation said and where, as seen when the change was observed.
    public var description: String
    public var siteLabel: String
    public var quoteID: String

    public init(storeID: Int64 = 0, recommendationID: String, recommendedBy: String, from: TrackedStatus, to: TrackedStatus,
                observedOn: LocalDate, description: String = "", siteLabel: String = "", quoteID: String = "") {
        self.storeID = storeID; self.recommendationID = recommendationID; self.recommendedBy = recommendedBy
        self.from = from; self.to = to; self.observedOn = observedOn
        self.description = description; self.siteLabel = siteLabel; self.quoteID = quoteID
    }
}

/// How often a recommendation was already raised in earlier delivered pre-visit summaries.
public struct ReminderHistory: Sendable, Equatable {
    public var count: Int
    /// As-of date of the latest delivered summary that listed it.
    public var last: LocalDate?
    public init(count: Int = 0, last: LocalDate? = nil) { self.count = count; self.last = last }
    public static let none = ReminderHistory()
}

/// A stale lead copied to its owner's manager after sitting in too many digests.
public struct EscalatedLead: Sendable, Equatable {
    public var lead: StaleLead
    /// The sales owner who has not acted on it.
    public var owner: Person
}

/// A short email of its own for a technician with news about their recommendations and no visit in the window.
public struct LeadUpdateNotice: Sendable, Equatable {
    public var technician: Person
    public var updates: [StatusChange]
}

/// What the state store knows that the exports do not: changes waiting to be told, reminder and digest history.
public struct StateFacts: Sendable, Equatable {
    /// Unannounced status changes not carried by a message still being delivered, by technician id.
    public var changesByTechnician: [String: [StatusChange]]
    /// Pre-visit reminder history by recommendation id (earlier delivered summaries only).
    public var reminders: [String: ReminderHistory]
    /// Earlier delivered digests that listed each recommendation id.
    public var priorDigests: [String: Int]
    public init(changesByTechnician: [String: [StatusChange]] = [:], reminders: [String: ReminderHistory] = [:],
                priorDigests: [String: Int] = [:]) {
        self.changesByTechnician = changesByTechnician; self.reminders = reminders; self.priorDigests = priorDigests
    }
}

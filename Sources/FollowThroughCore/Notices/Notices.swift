/// An open recommendation as a technician should hear of it before a visit.
public struct OpenItem: Sendable, Equatable {
    public var recommendation: Recommendation
    public var ageDays: Int
    public var daysSinceActivity: Int
    public var recommendedBy: Person?
    public var salesOwner: Person?
    /// Earlier delivered pre-visit summaries that listed it.
    public var reminders: ReminderHistory = .none
}

/// One scheduled visit and what is still open at its site.
public struct VisitNotice: Sendable, Equatable {
    public var workOrder: WorkOrder
    public var site: Site
    public var items: [OpenItem]
    /// Open recommendations at the site older than `max_age_days`, counted only.
    public var olderNotListed: Int
}

/// Tomorrow's visits of one technician, with the open recommendations at each site.
public struct PreVisitSummary: Sendable, Equatable {
    public var technician: Person
    public var visits: [VisitNotice]
    /// Visits in the window whose sites have nothing open.
    public var otherVisits: Int
    /// Status changes of this technician's own recommendations, not yet told.
    public var updates: [StatusChange] = []
}

/// A field-generated lead nobody has touched for too long.
public struct StaleLead: Sendable, Equatable {
    public var recommendation: Recommendation
    public var site: Site
    public var ageDays: Int
    public var daysSinceActivity: Int
    public var recommendedBy: Person?
    /// The next scheduled visit at the site after the as-of date, and its technician.
    public var nextVisit: WorkOrder?
    public var nextVisitTechnician: Person?
    /// Earlier delivered digests that listed this lead.
    public var priorDigests: Int = 0
}

/// Who a digest goes to: a salesperson, or the shared sales inbox for leads without a known owner.
public enum DigestRecipient: Sendable, Equatable {
    case person(Person)
    case salesInbox
}

/// One salesperson's stale leads, most important first.
public struct StaleLeadDigest: Sendable, Equatable {
    public var recipient: DigestRecipient
    public var leads: [StaleLead]
    /// Stale leads beyond `digest_limit`, counted with their total value.
    public var moreCount: Int
    public var moreValueCents: Int64
    /// Ids of the leads beyond the limit, in order (kept for the audit file, not rendered).
    public var moreIDs: [String]
    /// Stale leads older than `max_age_days`, counted with their total value.
    public var tooOldCount: Int
    public var tooOldValueCents: Int64
    /// Leads of the people this recipient manages that sat in too many digests.
    public var escalations: [EscalatedLead] = []
}

/// Figures for the run summary.
public struct PlanStats: Sendable, Equatable {
    public var recommendations = 0
    public var open = 0
    public var stale = 0
    public var visitsInWindow = 0
    public init() {}
}

/// Everything one night should send, before rendering.
public struct Plan: Sendable, Equatable {
    public var summaries: [PreVisitSummary] = []
    public var digests: [StaleLeadDigest] = []
    /// News for technicians who get no pre-visit summary tonight.
    public var leadUpdates: [LeadUpdateNotice] = []
    /// People who should have had a message but cannot be reached (not in people.csv, no email).
    public var unreachable: [String] = []
    public var stats = PlanStats()
    /// Lines of recommendations.csv whose rows must be read again to fill in the text of listed recommendations
    /// (`fill(_:)`); empty when the dataset held them in full.
    public var rowsToRead: [Int] = []
    public init() {}
}

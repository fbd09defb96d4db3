/// State of a work order in the field-service system.
public enum WorkOrderStatus: String, Sendable, CaseIterable { case scheduled, completed, cancelled }

/// State of a recommendation; `open` and `quoted` are still waiting for the customer.
public enum RecommendationStatus: String, Sendable, CaseIterable {
    case open, quoted, accepted, declined, completed
    public var isPending: Bool { self == .open || self == .quoted }
}

/// How urgent a recommendation is; `critical` sorts first.
public enum Priority: Int, Sendable, CaseIterable, Comparable {
    case critical, high, normal, low
    public init?(name: String) {
        guard let p = Priority.allCases.first(where: { $0.name == name }) else { return nil }
        self = p
    }
    public var name: String {
        switch self {
        case .critical: "critical"
        case .high: "high"
        case .normal: "normal"
        case .low: "low"
        }
    }
    public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
}

/// What a person does, from people.csv.
public enum Role: String, Sendable, CaseIterable { case technician, sales, manager }

/// A row of work_orders.csv, keeping only what the rules use.
public struct WorkOrder: Sendable, Equatable {
    public var id: String
    public var siteID: String
    public var siteName: String
    public var customerName: String
    public var siteAddress: String
    public var technicianID: String
    public var status: WorkOrderStatus
    public var scheduledStart: LocalDateTime?
    public var completedAt: LocalDateTime?
    public var resolves: [String]
    public var line: Int

    public init(id: String, siteID: String, siteName: String = "", customerName: String = "", siteAddress: String = "",
                technicianID: String = "", status: WorkOrderStatus, scheduledStart: LocalDateTime? = nil,
                completedAt: LocalDateTime? = nil, resolves: [String] = [], line: Int = 0) {
        self.id = id; self.siteID = siteID; self.siteName = siteName; self.customerName = customerName
        self.siteAddress = siteAddress; self.technicianID = technicianID; self.status = status
        self.scheduledStart = scheduledStart; self.completedAt = completedAt; self.resolves = resolves; self.line = line
    }
}

/// A row of recommendations.csv.
public struct Recommendation: Sendable, Equatable {
    public var id: String
    public var workOrderID: String
    public var siteID: String
    public var asset: String
    public var description: String
    public var priority: Priority
    /// In cents; nil when the export left it blank.
    public var estimatedValueCents: Int64?
    public var status: RecommendationStatus
    public var createdAt: LocalDateTime
    public var lastActivityAt: LocalDateTime
    /// Person id; empty when neither the row nor its work order names one.
    public var recommendedBy: String
    public var salesOwner: String
    public var quoteID: String
    public var line: Int

    public init(id: String, workOrderID: String = "", siteID: String, asset: String = "", description: String,
                priority: Priority = .normal, estimatedValueCents: Int64? = nil, status: RecommendationStatus,
                createdAt: LocalDateTime, lastActivityAt: LocalDateTime? = nil, recommendedBy: String = "",
                salesOwner: String = "", quoteID: String = "", line: Int = 0) {
        self.id = id; self.workOrderID = workOrderID; self.siteID = siteID; self.asset = asset
        self.description = description; self.priority = priority; self.estimatedValueCents = estimatedValueCents
        self.status = status; self.createdAt = createdAt; self.lastActivityAt = lastActivityAt ?? createdAt
        self.recommendedBy = recommendedBy; self.salesOwner = salesOwner; self.quoteID = quoteID; self.line = line
    }
}

/// A row of people.csv.
public struct Person: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String
    public var role: Role?
    public var managerID: String
    public var line: Int

    public init(id: String, name: String, email: String, role: Role?, managerID: String = "", line: Int = 0) {
        self.id = id; self.name = name; self.email = email; self.role = role; self.managerID = managerID; self.line = line
    }
}

/// What we know of a site, from its most recent work order.
public struct Site: Sendable, Equatable {
    public var id: String
    public var name: String
    public var customerName: String
    public var address: String
    public init(id: String, name: String = "", customerName: String = "", address: String = "") {
        self.id = id; self.name = name; self.customerName = customerName; self.address = address
    }
    /// The best label available: site name, else customer name, else the id.
    public var label: String { !name.isEmpty ? name : (!customerName.isEmpty ? customerName : id) }
}

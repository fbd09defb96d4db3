@testable import FollowThroughCore

/// Small hand-made records for rule tests; as-of is 2026-11-23 unless a test says otherwise.
enum F {
    static let asOf = LocalDate(year: 2026, month: 11, day: 23)!

    static func day(_ offset: Int, _ hour: Int = 9, _ minute: Int = 0) -> LocalDateTime {
        LocalDateTime(date: asOf.adding(days: offset), secondOfDay: Int32(hour * 3600 + minute * 60))
    }

    static let people: [Person] = [
        Person(id: "T1", name: "Alice Ng", email: "alice@example.com", role: .technician, line: 2),
        Person(id: "T2", name: "Bruno Costa", email: "bruno@example.com", role: .technician, line: 3),
        Person(id: "T3", name: "No Mail", email: "", role: .technician, line: 4),
        Person(id: "S1", name: "Dana Whitfield", email: "dana@example.com", role: .sales, line: 5),
        Person(id: "S2", name: "Émile Tremblay", email: "emile@example.com", role: .sales, line: 6),
        Person(id: "S3", name: "Sam NoMail", email: "", role: .sales, line: 7),
    ]

    static func visit(_ id: String, site: String, tech: String = "T1", at start: LocalDateTime) -> WorkOrder {
        WorkOrder(id: id, siteID: site, siteName: "Site \(site)", technicianID: tech, status: .scheduled, scheduledStart: start)
    }

    static func done(_ id: String, site: String, tech: String = "T1", resolves: [String] = []) -> WorkOrder {
        WorkOrder(id: id, siteID: site, technicianID: tech, status: .completed, scheduledStart: day(-60), resolves: resolves)
    }

    static func rec(_ id: String, site: String, status: RecommendationStatus = .open, priority: Priority = .normal,
                    value: Int64? = nil, created: Int = -30, activity: Int? = nil, by: String = "T1", owner: String = "S1",
                    workOrder: String = "") -> Recommendation {
        Recommendation(id: id, workOrderID: workOrder, siteID: site, description: "Fix \(id)", priority: priority,
                       estimatedValueCents: value, status: status, createdAt: day(created),
                       lastActivityAt: activity.map { day($0) }, recommendedBy: by, salesOwner: owner)
    }

    static func plan(_ workOrders: [WorkOrder], _ recs: [Recommendation], settings: RuleSettings = RuleSettings()) -> Plan {
        Planner(settings: settings, asOf: asOf).plan(Dataset(people: people, workOrders: workOrders, recommendations: recs))
    }
}

import Foundation

/// A machine-readable account of a plan: who gets what, by id. Written by `run --plan-out`.
public struct PlanAudit: Codable, Sendable, Equatable {
    public struct Visit: Codable, Sendable, Equatable {
        public var work_order_id: String
        public var recommendation_ids: [String]
    }
    public struct Summary: Codable, Sendable, Equatable {
        public var technician: String
        public var visits: [Visit]
    }
    public struct Digest: Codable, Sendable, Equatable {
        /// Sales owner's person id, or "" for the sales inbox.
        public var owner: String
        /// Every stale lead of this owner that is young enough to list, in digest order (listed first, then the rest).
        public var recommendation_ids: [String]
        public var too_old: Int
    }
    public var as_of: String
    public var pre_visit: [Summary]
    public var stale: [Digest]

    public init(plan: Plan, asOf: LocalDate) {
        as_of = asOf.description
        pre_visit = plan.summaries.map { s in
            Summary(technician: s.technician.id, visits: s.visits.map {
                Visit(work_order_id: $0.workOrder.id, recommendation_ids: $0.items.map(\.recommendation.id))
            })
        }
        stale = plan.digests.map { d in
            var owner = ""
            if case .person(let p) = d.recipient { owner = p.id }
            return Digest(owner: owner, recommendation_ids: d.leads.map(\.recommendation.id) + d.moreIDs, too_old: d.tooOldCount)
        }
    }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}

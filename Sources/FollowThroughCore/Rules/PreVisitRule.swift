extension Planner {
    /// One summary per technician with open recommendations at a site they visit in the window.
    func preVisitSummaries(_ dataset: Dataset, open: [Recommendation], upcoming: [WorkOrder], into plan: inout Plan) {
        let last = asOf.adding(days: settings.lookaheadDays)
        let window = upcoming.filter { $0.scheduledStart!.date <= last }
        plan.stats.visitsInWindow = window.count
        guard !window.isEmpty else { return }
        let windowSites = Set(window.map(\.siteID))
        var openBySite: [String: [Recommendation]] = [:]
        for r in open where windowSites.contains(r.siteID) { openBySite[r.siteID, default: []].append(r) }

        var order: [String] = []
        var byTechnician: [String: [WorkOrder]] = [:]
        for visit in window {
            if byTechnician[visit.technicianID] == nil { order.append(visit.technicianID) }
            byTechnician[visit.technicianID, default: []].append(visit)
        }
        for technicianID in order {
            var notices: [VisitNotice] = []
            var quiet = 0
            for visit in byTechnician[technicianID]! {
                let atSite = openBySite[visit.siteID] ?? []
                let listed = atSite.filter { !isTooOld($0) }.sorted(by: technicianOrder)
                guard !atSite.isEmpty else { quiet += 1; continue }
                notices.append(VisitNotice(
                    workOrder: visit, site: dataset.sites[visit.siteID] ?? Site(id: visit.siteID),
                    items: listed.map { openItem($0, dataset.people) }, olderNotListed: atSite.count - listed.count))
            }
            guard !notices.isEmpty else { continue }
            guard let technician = Self.reachable(technicianID, in: dataset.people) else {
                plan.unreachable.append("technician '\(technicianID)' has \(notices.count) visit(s) with open recommendations but no email in people.csv; no pre-visit summary sent")
                continue
            }
            plan.summaries.append(PreVisitSummary(technician: technician, visits: notices, otherVisits: quiet))
        }
    }

    /// Critical first, then the oldest, then by id so the order is stable.
    func technicianOrder(_ a: Recommendation, _ b: Recommendation) -> Bool {
        (a.priority.rawValue, a.createdAt, a.id) < (b.priority.rawValue, b.createdAt, b.id)
    }

    func openItem(_ r: Recommendation, _ people: [String: Person]) -> OpenItem {
        OpenItem(recommendation: r, ageDays: ageDays(r), daysSinceActivity: daysSinceActivity(r),
                 recommendedBy: people[r.recommendedBy], salesOwner: people[r.salesOwner])
    }
}

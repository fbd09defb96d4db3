extension Planner {
    /// One summary per technician with open recommendations at a site they visit in the window.
    func preVisitSummaries(_ dataset: Dataset, open: [Int], upcoming: [WorkOrder], into plan: inout Plan) {
        let recs = dataset.recommendations
        let last = asOf.adding(days: settings.lookaheadDays)
        let window = upcoming.filter { $0.scheduledStart!.date <= last }
        plan.stats.visitsInWindow = window.count
        guard !window.isEmpty else { return }
        let windowSites = Set(window.map(\.siteID))
        var openBySite: [String: [Int]] = [:]
        for i in open where windowSites.contains(recs[i].siteID) { openBySite[recs[i].siteID, default: []].append(i) }

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
                let listed = atSite.filter { !isTooOld(recs[$0]) }.sorted { technicianOrder(recs[$0], recs[$1]) }
                guard !atSite.isEmpty else { quiet += 1; continue }
                notices.append(VisitNotice(
                    workOrder: visit, site: dataset.sites[visit.siteID] ?? Site(id: visit.siteID),
                    items: listed.map { openItem(recs[$0], dataset.people) }, olderNotListed: atSite.count - listed.count))
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

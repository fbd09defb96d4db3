extension Planner {
    /// One summary per technician with open recommendations at a site they visit in the window.
    func preVisitSummaries(_ input: RuleInput, into plan: inout Plan) {
        let dataset = input.dataset, visits = input.visits, recs = input.recs
        plan.stats.visitsInWindow = input.window.count
        guard !input.window.isEmpty else { return }
        var openAt = [[OpenKey]](repeating: [], count: input.siteSlots.count)
        for key in input.open where key.site >= 0 { openAt[Int(key.site)].append(key) }

        var order: [String] = []
        var byTechnician: [String: [Int]] = [:]
        for v in input.window {
            let technicianID = visits[v].technicianID
            if byTechnician[technicianID] == nil { order.append(technicianID) }
            byTechnician[technicianID, default: []].append(v)
        }
        for technicianID in order {
            var notices: [VisitNotice] = []
            var quiet = 0
            for v in byTechnician[technicianID]! {
                let visit = visits[v]
                let slot = Int(input.siteSlots.slot(of: visit.siteID)!)
                let atSite = openAt[slot], aged = input.aged.atSite[slot]
                guard !atSite.isEmpty || aged > 0 else { quiet += 1; continue }
                let listed = atSite.filter { !$0.tooOld }.sorted { OpenKey.technicianOrder($0, $1, recs) }
                notices.append(VisitNotice(
                    workOrder: visit, site: dataset.sites[visit.siteID] ?? Site(id: visit.siteID),
                    items: listed.map { openItem(input.recommendation($0), dataset.people) },
                    olderNotListed: atSite.count - listed.count + aged))
            }
            guard !notices.isEmpty else { continue }
            guard let technician = Self.reachable(technicianID, in: dataset.people) else {
                plan.unreachable.append("technician '\(technicianID)' has \(notices.count) visit(s) with open recommendations but no email in people.csv; no pre-visit summary sent")
                continue
            }
            plan.summaries.append(PreVisitSummary(technician: technician, visits: notices, otherVisits: quiet))
        }
    }

    /// Visits on as-of+1 … as-of+`lookaheadDays`, by start time, then id.
    func windowVisits(_ visits: UnsafeBufferPointer<WorkOrder>) -> [Int] {
        let days = VisitWindow(asOf: asOf, lookaheadDays: settings.lookaheadDays)
        var window: [(start: Int64, index: Int)] = []
        for i in visits.indices {
            guard let start = visits[i].scheduledStart, days.contains(start.date) else { continue }
            window.append((start.sortKey, i))
        }
        window.sort { a, b in a.start != b.start ? a.start < b.start : visits[a.index].id < visits[b.index].id }
        return window.map(\.index)
    }

    func openItem(_ r: Recommendation, _ people: [String: Person]) -> OpenItem {
        OpenItem(recommendation: r, ageDays: ageDays(r), daysSinceActivity: daysSinceActivity(r),
                 recommendedBy: people[r.recommendedBy], salesOwner: people[r.salesOwner])
    }
}

extension OpenKey {
    /// Critical first, then the oldest, then by id so the order is stable.
    static func technicianOrder(_ a: OpenKey, _ b: OpenKey, _ recs: UnsafeBufferPointer<PendingRecommendation>) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.created != b.created { return a.created < b.created }
        return idBefore(a, b, recs)
    }
}

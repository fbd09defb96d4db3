extension Planner {
    /// One digest per sales owner; leads without a reachable owner go to the sales inbox.
    func staleLeadDigests(_ dataset: Dataset, open: [Recommendation], upcoming: [WorkOrder], into plan: inout Plan) {
        let stale = open.filter { daysSinceActivity($0) >= settings.staleAfterDays }
        plan.stats.stale = stale.count
        guard !stale.isEmpty else { return }
        var nextVisit: [String: WorkOrder] = [:]
        for visit in upcoming where nextVisit[visit.siteID] == nil { nextVisit[visit.siteID] = visit }

        var byOwner: [String: [Recommendation]] = [:]
        for r in stale {
            let owner = Self.reachable(r.salesOwner, in: dataset.people) != nil ? r.salesOwner : ""
            byOwner[owner, default: []].append(r)
        }
        let owners = byOwner.keys.sorted { a, b in
            // People by name, the inbox last.
            if a.isEmpty || b.isEmpty { return b.isEmpty && !a.isEmpty }
            return (dataset.people[a]!.name, a) < (dataset.people[b]!.name, b)
        }
        for owner in owners {
            let leads = byOwner[owner]!
            let tooOld = leads.filter(isTooOld)
            let listable = leads.filter { !isTooOld($0) }.sorted(by: salesOrder)
            guard !listable.isEmpty else { continue }  // only ancient leads: nothing worth a message
            let listed = listable.prefix(max(0, settings.digestLimit))
            let more = listable.dropFirst(listed.count)
            plan.digests.append(StaleLeadDigest(
                recipient: owner.isEmpty ? .salesInbox : .person(dataset.people[owner]!),
                leads: listed.map { r in
                    let visit = nextVisit[r.siteID]
                    return StaleLead(recommendation: r, site: dataset.sites[r.siteID] ?? Site(id: r.siteID),
                                     ageDays: ageDays(r), daysSinceActivity: daysSinceActivity(r),
                                     recommendedBy: dataset.people[r.recommendedBy], nextVisit: visit,
                                     nextVisitTechnician: visit.flatMap { dataset.people[$0.technicianID] })
                },
                moreCount: more.count, moreValueCents: more.reduce(0) { $0 + ($1.estimatedValueCents ?? 0) },
                moreIDs: more.map(\.id),
                tooOldCount: tooOld.count, tooOldValueCents: tooOld.reduce(0) { $0 + ($1.estimatedValueCents ?? 0) }))
        }
    }

    /// Priority, then estimated value (highest first), then age (oldest first), then id.
    func salesOrder(_ a: Recommendation, _ b: Recommendation) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        let va = a.estimatedValueCents ?? 0, vb = b.estimatedValueCents ?? 0
        if va != vb { return va > vb }
        if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
        return a.id < b.id
    }
}

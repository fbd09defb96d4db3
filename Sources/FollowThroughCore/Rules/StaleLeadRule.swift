extension Planner {
    /// One digest per sales owner; leads without a reachable owner go to the sales inbox.
    func staleLeadDigests(_ dataset: Dataset, open: [Int], upcoming: [WorkOrder], into plan: inout Plan) {
        let recs = dataset.recommendations
        let stale = open.filter { daysSinceActivity(recs[$0]) >= settings.staleAfterDays }
        plan.stats.stale = stale.count
        guard !stale.isEmpty else { return }
        var nextVisit: [String: WorkOrder] = [:]
        for visit in upcoming where nextVisit[visit.siteID] == nil { nextVisit[visit.siteID] = visit }

        var byOwner: [String: [Int]] = [:]
        for i in stale {
            let owner = Self.reachable(recs[i].salesOwner, in: dataset.people) != nil ? recs[i].salesOwner : ""
            byOwner[owner, default: []].append(i)
        }
        let owners = byOwner.keys.sorted { a, b in
            // People by name, the inbox last.
            if a.isEmpty || b.isEmpty { return b.isEmpty && !a.isEmpty }
            return (dataset.people[a]!.name, a) < (dataset.people[b]!.name, b)
        }
        for owner in owners {
            let leads = byOwner[owner]!
            let tooOld = leads.filter { isTooOld(recs[$0]) }
            let listable = leads.filter { !isTooOld(recs[$0]) }.sorted { salesOrder(recs[$0], recs[$1]) }
            guard !listable.isEmpty else { continue }  // only ancient leads: nothing worth a message
            let listed = listable.prefix(max(0, settings.digestLimit))
            let more = listable.dropFirst(listed.count)
            plan.digests.append(StaleLeadDigest(
                recipient: owner.isEmpty ? .salesInbox : .person(dataset.people[owner]!),
                leads: listed.map { i in
                    let r = recs[i]
                    let visit = nextVisit[r.siteID]
                    return StaleLead(recommendation: r, site: dataset.sites[r.siteID] ?? Site(id: r.siteID),
                                     ageDays: ageDays(r), daysSinceActivity: daysSinceActivity(r),
                                     recommendedBy: dataset.people[r.recommendedBy], nextVisit: visit,
                                     nextVisitTechnician: visit.flatMap { dataset.people[$0.technicianID] })
                },
                moreCount: more.count, moreValueCents: more.reduce(0) { $0 + (recs[$1].estimatedValueCents ?? 0) },
                moreIDs: more.map { recs[$0].id },
                tooOldCount: tooOld.count, tooOldValueCents: tooOld.reduce(0) { $0 + (recs[$1].estimatedValueCents ?? 0) }))
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

extension Planner {
    /// One digest per sales owner; leads without a reachable owner go to the sales inbox.
    func staleLeadDigests(_ input: RuleInput, into plan: inout Plan) {
        let dataset = input.dataset, recs = input.recs, owners = input.owners
        var leadsOf = [[OpenKey]](repeating: [], count: owners.count)
        for key in input.open where key.digest >= 0 { leadsOf[Int(key.digest)].append(key) }
        plan.stats.stale = leadsOf.reduce(0) { $0 + $1.count } + input.aged.staleCount.reduce(0, +)
        guard plan.stats.stale > 0 else { return }
        let order = owners.indices.sorted { i, j in
            let a = owners[i], b = owners[j]
            // People by name, the inbox last.
            if a.isEmpty || b.isEmpty { return b.isEmpty && !a.isEmpty }
            return (dataset.people[a]!.name, a) < (dataset.people[b]!.name, b)
        }
        var digests: [(slot: Int, listable: [OpenKey])] = []
        for slot in order {
            let listable = leadsOf[slot].filter { !$0.tooOld }.sorted { OpenKey.salesOrder($0, $1, recs) }
            guard !listable.isEmpty else { continue }  // only ancient leads: nothing worth a message
            digests.append((slot, listable))
        }
        let limit = max(0, settings.digestLimit)
        let sites = IDSlots(digests.flatMap { $0.listable.prefix(limit).map { recs[$0.index].siteID } })
        let nextVisit = nextVisits(input.visits, at: sites)
        for (slot, listable) in digests {
            let owner = owners[slot], tooOld = leadsOf[slot].filter(\.tooOld), aged = input.aged.stale(slot)
            let listed = listable.prefix(limit)
            let more = listable.dropFirst(listed.count)
            plan.digests.append(StaleLeadDigest(
                recipient: owner.isEmpty ? .salesInbox : .person(dataset.people[owner]!),
                leads: listed.map { key in
                    let r = input.recommendation(key)
                    let visit = nextVisit[Int(sites.slot(of: r.siteID)!)].map { input.visits[$0] }
                    return StaleLead(recommendation: r, site: dataset.sites[r.siteID] ?? Site(id: r.siteID),
                                     ageDays: ageDays(r), daysSinceActivity: daysSinceActivity(r),
                                     recommendedBy: dataset.people[r.recommendedBy], nextVisit: visit,
                                     nextVisitTechnician: visit.flatMap { dataset.people[$0.technicianID] })
                },
                moreCount: more.count, moreValueCents: more.reduce(0) { $0 + $1.value },
                moreIDs: more.map { recs[$0.index].id },
                tooOldCount: tooOld.count + aged.count, tooOldValueCents: tooOld.reduce(aged.value) { $0 + $1.value }))
        }
    }

    /// The earliest visit after the as-of date (by start time, then id) at each site of `sites`, by the site's slot.
    func nextVisits(_ visits: UnsafeBufferPointer<WorkOrder>, at sites: IDSlots) -> [Int?] {
        var next = [Int?](repeating: nil, count: sites.count)
        guard sites.count > 0 else { return next }
        for i in visits.indices {
            guard let start = visits[i].scheduledStart, start.date > asOf, let slot = sites.slot(of: visits[i].siteID).map({ Int($0) })
            else { continue }
            if let j = next[slot], !WorkOrder.visit(at: start, visits[i].id, comesBefore: visits.baseAddress! + j) { continue }
            next[slot] = i
        }
        return next
    }
}

extension WorkOrder {
    /// True when a visit starting at `start` with id `id` comes before `other` (scheduled): the earlier start, then the
    /// smaller id. `id` is made only on a tie. (`other` is a pointer: a `WorkOrder` passed by value was copied whole,
    /// five strings, for each comparison.)
    static func visit(at start: LocalDateTime, _ id: @autoclosure () -> String, comesBefore other: UnsafePointer<WorkOrder>) -> Bool {
        let otherStart = other.pointee.scheduledStart!
        return start < otherStart || start == otherStart && id() < other.pointee.id
    }
}

/// Digest slots by sales owner: a reachable owner gets their own, anyone else shares the sales inbox's ("").
/// Each person is looked up in people.csv once, not once per lead.
struct DigestOwners {
    let people: [String: Person]
    private let ids: IDSlots
    /// Per person slot in `ids`: the digest slot, or -1 before their first lead.
    private var digestOfPerson: [Int32]
    private(set) var owners: [String] = []
    private var inbox: Int32 = -1

    init(people: [String: Person]) {
        self.people = people
        ids = IDSlots(people.keys)
        digestOfPerson = [Int32](repeating: -1, count: ids.count)
    }

    mutating func slot(_ salesOwner: String) -> Int32 {
        guard let person = ids.slot(of: salesOwner).map({ Int($0) }) else { return inboxSlot() }
        if digestOfPerson[person] < 0 {
            let reachable = !salesOwner.isEmpty && Planner.reachable(salesOwner, in: people) != nil
            digestOfPerson[person] = reachable ? newSlot(salesOwner) : inboxSlot()
        }
        return digestOfPerson[person]
    }

    private mutating func inboxSlot() -> Int32 {
        if inbox < 0 { inbox = newSlot("") }
        return inbox
    }

    private mutating func newSlot(_ owner: String) -> Int32 {
        owners.append(owner)
        return Int32(owners.count - 1)
    }
}

extension OpenKey {
    /// Priority, then estimated value (highest first), then age (oldest first), then id.
    static func salesOrder(_ a: OpenKey, _ b: OpenKey, _ recs: UnsafeBufferPointer<PendingRecommendation>) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.value != b.value { return a.value > b.value }
        if a.created != b.created { return a.created < b.created }
        return idBefore(a, b, recs)
    }
}

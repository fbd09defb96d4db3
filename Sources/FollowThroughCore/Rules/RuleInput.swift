/// What the rules need of an open recommendation, packed in a value holding no `String`: at 1M work orders ~100k
/// are open, and copying a `Recommendation` (nine strings) in every filter and comparison cost most of the plan.
struct OpenKey {
    /// Position in `dataset.pending`.
    var index: Int
    /// Estimated value in cents, 0 when blank (as the rules rank it).
    var value: Int64
    /// `createdAt.sortKey`.
    var created: Int64
    /// Its site's slot among the sites visited in the pre-visit window; -1 when none.
    var site: Int32
    /// Its digest's slot in `RuleInput.owners` when stale; -1 when not stale.
    var digest: Int32
    var priority: Priority
    /// Older than `max_age_days`: counted, not listed.
    var tooOld: Bool
}

/// The dataset as the rules read it inside `Planner.plan`: views of its arrays (valid only there), and everything
/// that needs a look at each open recommendation, gathered in one pass over them (each visit to a record is a
/// cache miss). Ids are looked up in `IDSlots` and `ResolvedFilter`, not dictionaries.
struct RuleInput {
    let dataset: Dataset
    let recs: UnsafeBufferPointer<PendingRecommendation>
    let visits: UnsafeBufferPointer<WorkOrder>
    /// The visits in the pre-visit window (positions in `dataset.scheduledVisits`), by start time, then id.
    let window: [Int]
    /// The sites the window visits, numbered in order of first visit: `OpenKey.site`.
    let siteSlots: IDSlots
    /// The stale-lead digests' owners: `OpenKey.digest` indexes it; "" is the sales inbox.
    let owners: [String]
    /// The open recommendations, in file order.
    let open: [OpenKey]
    /// The open ones among `dataset.aged` (too old to list), counted: per site slot, per digest slot when stale.
    let aged: AgedTally

    /// Lines of the recommendations handed out without their text (see `Plan.rowsToRead`): one log for each rule
    /// applied at the same time (`withLog()`).
    private(set) var placeholders = LineLog()

    /// The same input with a log of its own, for a rule applied beside another.
    func withLog() -> RuleInput {
        var input = self
        input.placeholders = LineLog()
        return input
    }

    /// The recommendation behind a key (a copy: for the few that get listed); without its text when the dataset does
    /// not hold it in full, its line then logged in `placeholders`.
    func recommendation(_ key: OpenKey) -> Recommendation {
        let pending = recs[key.index]
        if pending.record < 0 { placeholders.lines.append(pending.line) }
        return dataset.recommendation(pending)
    }
}

extension Planner {
    /// Runs `body` over the dataset's rule input; the buffers must not escape it.
    func withRuleInput<T>(_ dataset: Dataset, _ body: (RuleInput) -> T) -> T {
        dataset.pending.withUnsafeBufferPointer { recs in
            dataset.scheduledVisits.withUnsafeBufferPointer { visits in
                let window = windowVisits(visits)
                let siteSlots = IDSlots(window.map { visits[$0].siteID })
                var owners = DigestOwners(people: dataset.people)
                var open: [OpenKey] = []
                open.reserveCapacity(recs.count)  // pages never written cost nothing; growing by copies did
                // Every key is pending (open or quoted); those a completed work order did are not open.
                let resolved = ResolvedFilter(dataset.resolvedIDs)
                let ageLimit = AgeLimit(asOf: asOf, maxAgeDays: settings.maxAgeDays)
                for i in recs.indices where !resolved.contains(recs[i].id) {
                    let created = recs[i].createdAt
                    let stale = asOf.days(since: recs[i].lastActivityAt.date) >= settings.staleAfterDays
                    open.append(OpenKey(
                        index: i, value: recs[i].estimatedValueCents ?? 0, created: created.sortKey,
                        site: siteSlots.count == 0 ? -1 : siteSlots.slot(of: recs[i].siteID) ?? -1,
                        digest: stale ? owners.slot(recs[i].salesOwner) : -1,
                        priority: recs[i].priority, tooOld: ageLimit.isTooOld(created: created.date)))
                }
                let aged = AgedTally(dataset.aged, siteSlots: siteSlots, owners: &owners,
                                     isStale: { asOf.days(since: $0) >= settings.staleAfterDays })
                return body(RuleInput(dataset: dataset, recs: recs, visits: visits, window: window,
                                      siteSlots: siteSlots, owners: owners.owners, open: open, aged: aged))
            }
        }
    }
}

extension OpenKey {
    /// Ties broken by id, so the order never depends on the file's. `recs` is `RuleInput.recs`: comparators take
    /// the buffer, not the whole input, which would be copied (retaining the dataset) per comparison.
    static func idBefore(_ a: OpenKey, _ b: OpenKey, _ recs: UnsafeBufferPointer<PendingRecommendation>) -> Bool {
        recs[a.index].id < recs[b.index].id
    }
}

/// The open aged recommendations (`Dataset.aged`, all too old to list) as the rules count them.
struct AgedTally {
    var open = 0
    /// By `RuleInput.siteSlots` slot.
    var atSite: [Int]
    /// By digest slot (`RuleInput.owners`), the stale ones: how many, and their value in cents.
    var staleCount: [Int] = []
    var staleValue: [Int64] = []

    init(_ aged: AgedPending, siteSlots: IDSlots, owners: inout DigestOwners, isStale: (LocalDate) -> Bool) {
        atSite = [Int](repeating: 0, count: siteSlots.count)
        // Names are few: each site's slot and each owner's digest is looked up once.
        var siteSlot = [Int32?](repeating: nil, count: aged.names.count)
        var digest = [Int32?](repeating: nil, count: aged.names.count)
        aged.forEach { key in
            guard !aged.isResolved(line: key.line) else { return }
            open += 1
            let site = Int(key.site)
            if siteSlot[site] == nil { siteSlot[site] = siteSlots.count == 0 ? -1 : siteSlots.slot(of: aged.names[site]) ?? -1 }
            if let slot = siteSlot[site], slot >= 0 { atSite[Int(slot)] += 1 }
            guard isStale(LocalDate(daysSinceEpoch: key.lastActivity)) else { return }
            let owner = Int(key.owner)
            if digest[owner] == nil { digest[owner] = owners.slot(aged.names[owner]) }
            let slot = Int(digest[owner]!)
            if slot >= staleCount.count {
                staleCount += [Int](repeating: 0, count: slot + 1 - staleCount.count)
                staleValue += [Int64](repeating: 0, count: slot + 1 - staleValue.count)
            }
            staleCount[slot] += 1
            staleValue[slot] += key.value
        }
    }

    func stale(_ digest: Int) -> (count: Int, value: Int64) {
        digest < staleCount.count ? (staleCount[digest], staleValue[digest]) : (0, 0)
    }
}

/// Lines collected while the rules run (a class: `RuleInput` is passed by value).
final class LineLog {
    var lines: [Int] = []
}

extension LocalDateTime {
    /// One integer ordered as the moments are: the date in the high half, the second of the day (offset to be
    /// non-negative) in the low half.
    var sortKey: Int64 { (Int64(date.daysSinceEpoch) << 32) + (Int64(secondOfDay) + 0x8000_0000) }
}

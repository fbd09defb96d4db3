/// Scheduled visits: the rules list those in the pre-visit window, and name the earliest one after the as-of date at a
/// stale lead's site; with `visitWindow` set, only those are kept (at a million work orders, ~25,000 of ~51,000).
extension DatasetBuilder {
    /// A scheduled visit (validated). Kept without its site details (rules and messages take them from `Dataset.sites`),
    /// unless its id was scheduled before or no rule can use it.
    mutating func addVisit(_ visit: WorkOrder) {
        var id = visit.id, site = visit.siteID, technician = visit.technicianID
        id.withUTF8 { id in
            site.withUTF8 { site in
                technician.withUTF8 { technician in
                    addVisit(id: UnsafeRawBufferPointer(id), site: UnsafeRawBufferPointer(site), technician: UnsafeRawBufferPointer(technician),
                             start: visit.scheduledStart, line: visit.line) { visit }
                }
            }
        }
    }

    /// As `addVisit(_:)`; `make` builds the visit, called only when it is kept.
    mutating func addVisit(id: UnsafeRawBufferPointer, site: UnsafeRawBufferPointer, technician: UnsafeRawBufferPointer,
                           start: LocalDateTime?, line: Int, make: () -> WorkOrder) {
        remember(id, line: line, technician: technician)
        guard firstVisit(id, line: line) else { return }
        visitTechnicians.append(packedTechnician(line: line, technician))
        guard let window = visitWindow else { return dataset.scheduledVisits.append(make()) }
        guard let start, start.date > window.asOf else { return }  // no rule looks back
        if window.contains(start.date) { return dataset.scheduledVisits.append(make()) }
        // After the window: only the earliest at its site can be a stale lead's next visit.
        if let held = nextVisitBySite[site].map({ Int($0) }) {
            let earlier = laterVisits.withUnsafeBufferPointer {
                WorkOrder.visit(at: start, String(decoding: id, as: UTF8.self), comesBefore: $0.baseAddress! + held)
            }
            guard earlier else { return }
            laterVisits[held] = make()
        } else {
            _ = nextVisitBySite.insertIfAbsent(site, UInt64(laterVisits.count))
            laterVisits.append(make())
        }
    }

    /// Records a visit's id with its line; false (and a rejection) when the id was scheduled before.
    private mutating func firstVisit(_ id: UnsafeRawBufferPointer, line: Int) -> Bool {
        guard let first = visitLines.insertIfAbsent(id, UInt64(line)) else { return true }
        let text = String(decoding: id, as: UTF8.self)
        duplicateLines[line] = text
        reject(.workOrders, line: line, Self.duplicate(.workOrders, text, first: Int(first)))
        return false
    }

    /// False when `merge(later:)` could not give what one reader of the whole file would: a visit `later` kept as the
    /// earliest at its site after the window is a duplicate of one read here, and the one it hid may be needed.
    /// Also false when the parts of the recommendations gave up sharing their table of ids (see
    /// `shareRecommendationIDs(with:)`).
    public func canMerge(later: DatasetBuilder) -> Bool {
        recommendationLines.canJoin(later: later.recommendationLines) && !later.laterVisits.contains { visitLines[$0.id] != nil }
    }

    /// Takes in the later part's visits (`merge(later:)`), less `dropped` (lines of ids first scheduled here);
    /// `remapped` turns its packed technicians (`packedTechnician`) into this builder's. The later part's visits are
    /// taken from it, not copied: the visits to come are at the file's end, nearly all in the later part (~24 MB of
    /// them at 5M work orders), and a copy of them beside the later part's own set the run's peak memory.
    mutating func mergeVisits(later: inout DatasetBuilder, dropped: Set<Int>, remapped: (UInt64) -> UInt64) {
        // In the window: this part's, then the later part's kept ones, in file order.
        var inWindow = later.dataset.scheduledVisits
        later.dataset.scheduledVisits = []
        if !dropped.isEmpty { inWindow.removeAll { dropped.contains($0.line) } }
        inWindow.insert(contentsOf: dataset.scheduledVisits, at: 0)
        dataset.scheduledVisits = inWindow
        visitTechnicians.reserveCapacity(visitTechnicians.count + later.visitTechnicians.count)
        for visit in later.visitTechnicians where !dropped.contains(Int(visit >> 24)) { visitTechnicians.append(remapped(visit)) }
        later.visitTechnicians = []
        // After the window: the earliest at each site, in the order one reader would have first met the sites (this
        // part's, then the later part's new ones), each at its place in `nextVisitBySite`.
        var mine = laterVisits, theirs = later.laterVisits
        (laterVisits, later.laterVisits) = ([], [])
        var bySite = later.nextVisitBySite
        later.nextVisitBySite = ShortKeyTable()
        var taken = [Bool](repeating: false, count: theirs.count)
        bySite.reserveCapacity(bySite.count + mine.count)
        for i in mine.indices {
            var site = mine[i].siteID
            let held = site.withUTF8 { bySite.insertIfAbsent(UnsafeRawBufferPointer($0), 0) }.map { Int($0) }
            guard let held else { continue }
            taken[held] = true
            let earlier = theirs.withUnsafeBufferPointer {
                WorkOrder.visit(at: mine[i].scheduledStart!, mine[i].id, comesBefore: $0.baseAddress! + held)
            }
            if !earlier { swap(&mine[i], &theirs[held]) }
        }
        // Their sites met here first leave their place (in order, in place), and these go before the rest.
        var kept = 0
        for i in theirs.indices where !taken[i] {
            if kept != i { theirs.swapAt(kept, i) }
            kept += 1
        }
        theirs.removeLast(theirs.count - kept)
        theirs.insert(contentsOf: mine, at: 0)
        mine = []
        for i in theirs.indices {
            var site = theirs[i].siteID
            site.withUTF8 { _ = bySite.updateExisting(UnsafeRawBufferPointer($0), to: UInt64(i)) }
        }
        laterVisits = theirs
        nextVisitBySite = bySite
    }
}

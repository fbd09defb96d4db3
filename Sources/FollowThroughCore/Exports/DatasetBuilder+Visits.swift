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
    public func canMerge(later: DatasetBuilder) -> Bool {
        !later.laterVisits.contains { visitLines[$0.id] != nil }
    }

    /// Takes in the later part's visits (`merge(later:)`), less `dropped` (lines of ids first scheduled here);
    /// `remapped` turns its packed technicians (`packedTechnician`) into this builder's.
    mutating func mergeVisits(later: DatasetBuilder, dropped: Set<Int>, remapped: (UInt64) -> UInt64) {
        dataset.scheduledVisits.reserveCapacity(dataset.scheduledVisits.count + later.dataset.scheduledVisits.count)
        dataset.scheduledVisits.append(contentsOf: later.dataset.scheduledVisits.filter { !dropped.contains($0.line) })
        visitTechnicians.reserveCapacity(visitTechnicians.count + later.visitTechnicians.count)
        for visit in later.visitTechnicians where !dropped.contains(Int(visit >> 24)) { visitTechnicians.append(remapped(visit)) }
        nextVisitBySite.reserveCapacity(nextVisitBySite.count + later.laterVisits.count)
        // Room for all at once: the visits to come are at the file's end, nearly all in the later part, and growing
        // this part's few to their number by doubling held up to twice them while the parts merged.
        laterVisits.reserveCapacity(laterVisits.count + later.laterVisits.count)
        for visit in later.laterVisits {
            var site = visit.siteID
            let held = site.withUTF8 { nextVisitBySite[UnsafeRawBufferPointer($0)] }.map { Int($0) }
            if let held {
                let earlier = laterVisits.withUnsafeBufferPointer {
                    WorkOrder.visit(at: visit.scheduledStart!, visit.id, comesBefore: $0.baseAddress! + held)
                }
                if earlier { laterVisits[held] = visit }
            } else {
                _ = nextVisitBySite.insertIfAbsent(visit.siteID, UInt64(laterVisits.count))
                laterVisits.append(visit)
            }
        }
    }
}

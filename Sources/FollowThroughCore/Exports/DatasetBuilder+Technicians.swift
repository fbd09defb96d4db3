/// Work orders' technicians: the `recommended_by` default of the recommendations that name a work order without one.
/// Every work order's until the recommendations are read, then only the wanted ones', written in place into a table
/// the parts of the work orders share.
extension DatasetBuilder {
    /// Call after the recommendations and before the work orders: from then on only the technicians of work orders
    /// named by a kept recommendation without `recommended_by` are recorded (not one per work order in the history),
    /// written in place into a table that copies of this builder share (`builderForLaterPart()`'s, by design; make no
    /// other copy until `build()`). `numbered`: the shape of the work orders' ids, when they are numbered, for the table
    /// of wanted work orders to keep them in slots of half the size.
    public mutating func recordOnlyNeededTechnicians(numbered shape: NumberedIDs? = nil) {
        // Sized once for all it may take (a table grown by doubling is up to twice that).
        let recommendations = dataset.recommendations.lazy.filter { $0.recommendedBy.isEmpty && !$0.workOrderID.isEmpty }
        let pending = dataset.pending.lazy.filter { $0.recommendedBy.isEmpty && !$0.workOrderID.isEmpty }
        let named = laterWorkOrdersOfParts.reduce(laterWorkOrders.count) { $0 + $1.count }
        var wanted = IDTable(expectedCount: named + recommendations.count + pending.count + dataset.aged.workOrders.count,
                             maxLoadTenths: 9, numbered: shape)
        for part in [laterWorkOrders] + laterWorkOrdersOfParts { part.forEach { id, _ in _ = wanted.insertIfAbsent(id, 0) } }
        (laterWorkOrders, laterWorkOrdersOfParts) = (ShortKeyTable(), [])
        for r in recommendations { _ = wanted.insertIfAbsent(r.workOrderID, 0) }
        for r in pending { _ = wanted.insertIfAbsent(r.workOrderID, 0) }
        for id in dataset.aged.workOrders { _ = wanted.insertIfAbsent(id, 0) }
        if workOrderTechnicians.count > 0 {  // work orders read before: what they recorded stays
            let seen = workOrderTechnicians
            wanted.updateValues { id, _ in seen[id] ?? 0 }
        }
        workOrderTechnicians = wanted
        wantedWorkOrders = IDFilter(expectedCount: wanted.count)
        wanted.forEach { id, _ in wantedWorkOrders.insert(id) }
        dataset.aged.pinWorkOrders(in: workOrderTechnicians)
        recordsOnlyNeededTechnicians = true
        resolvedMarks = KeyMarks(over: recommendationLines)
    }

    /// Records a work order's technician when a recommendation may need it (the first row with the id wins).
    mutating func remember(_ id: String, line: Int, technician: String) {
        var id = id, technician = technician
        id.withUTF8 { id in
            technician.withUTF8 { remember(UnsafeRawBufferPointer(id), line: line, technician: UnsafeRawBufferPointer($0)) }
        }
    }

    @inline(__always)
    mutating func remember(_ id: UnsafeRawBufferPointer, line: Int, technician: UnsafeRawBufferPointer) {
        if recordsOnlyNeededTechnicians {
            // Not wanted (never in the filter, or not in the table).
            guard wantedWorkOrders.mayContain(id) else { return }
            if let slot = workOrderTechnicians.sharedSlot(of: id) {
                // The first row wins: the later part sets only a value not set yet, the first part also one of the later part's.
                let tag = isLaterPartOfWorkOrders ? Self.laterPartTag : 0
                IDTable.setValueInPlace(workOrderTechnicians.sharedWords, atSlot: slot,
                                        unless: { $0 != 0 && (tag != 0 || $0 & Self.laterPartTag == 0) }) {
                    seenTechnician(technician) | tag
                }
            } else if workOrderTechnicians.isWide(id), workOrderTechnicians[id] != nil {
                let key = String(decoding: id, as: UTF8.self)
                if wantedWideTechnicians[key] == nil { wantedWideTechnicians[key] = UInt32(seenTechnician(technician)) }
            }
        } else {
            _ = workOrderTechnicians.insertIfAbsent(id, seenTechnician(technician))
        }
    }

    /// Writes `wantedWideTechnicians` into `workOrderTechnicians` (where it holds none yet: rows read before the
    /// recommendations came first).
    mutating func writeWantedWideTechnicians() {
        for (id, value) in wantedWideTechnicians {
            var id = id
            id.withUTF8 { id in
                let key = UnsafeRawBufferPointer(id)
                if workOrderTechnicians[key] == 0 { workOrderTechnicians.updateExisting(key, to: UInt64(value)) }
            }
        }
        wantedWideTechnicians = [:]
    }

    /// A value of `workOrderTechnicians`: seen (never 0), and the technician (`technicianNames` position + 1, 0: none).
    mutating func seenTechnician(_ technician: UnsafeRawBufferPointer) -> UInt64 {
        let tech = technician.isEmpty ? -1 : intern(technician)
        precondition(tech < (1 << 24) - 1, "too many technicians to pack")
        return 1 << 24 | UInt64(tech + 1)
    }

    mutating func packedTechnician(line: Int, _ technician: UnsafeRawBufferPointer) -> UInt64 {
        let tech = technician.isEmpty ? -1 : intern(technician)
        precondition(line < 1 << 40 && tech < (1 << 24) - 1, "too many lines or technicians to pack")
        return UInt64(line) << 24 | UInt64(tech + 1)
    }

    mutating func intern(_ technician: UnsafeRawBufferPointer) -> Int {
        if let index = technicianIndex[technician] { return Int(index) }
        let index = technicianNames.count
        technicianNames.append(String(decoding: technician, as: UTF8.self))
        _ = technicianIndex.insertIfAbsent(technician, UInt64(index))
        return index
    }
}

/// Work order rows other than scheduled visits (`DatasetBuilder+Visits.swift`): their site details, technician and
/// what a completed one did.
extension DatasetBuilder {
    public mutating func add(_ workOrder: WorkOrder) {
        var siteID = workOrder.siteID, name = workOrder.siteName, customer = workOrder.customerName, address = workOrder.siteAddress
        siteID.withUTF8 { site in
            name.withUTF8 { name in
                customer.withUTF8 { customer in
                    address.withUTF8 { address in
                        updateSite(UnsafeRawBufferPointer(site), name: UnsafeRawBufferPointer(name),
                                   customerName: UnsafeRawBufferPointer(customer), address: UnsafeRawBufferPointer(address))
                    }
                }
            }
        }
        guard workOrder.status != .scheduled else {
            var visit = workOrder
            (visit.siteName, visit.customerName, visit.siteAddress, visit.resolves) = ("", "", "", [])
            return addVisit(visit)
        }
        remember(workOrder.id, line: workOrder.line, technician: workOrder.technicianID)
        if workOrder.status == .completed {
            for var id in workOrder.resolves { id.withUTF8 { addResolved(id: UnsafeRawBufferPointer($0)) } }
        }
    }

    /// A completed or cancelled work order row, already validated: only its id, technician, site details and
    /// (completed) `resolves` matter, so strings are made only where they are kept.
    mutating func addHistory(_ row: ExportRow, id: UnsafeRawBufferPointer, site: UnsafeRawBufferPointer, status: WorkOrderStatus) {
        typealias WO = RecordDecoder.WO
        remember(id, line: row.line, technician: row.bytes(WO.tech))
        updateSite(site, name: row.bytes(WO.siteName), customerName: row.bytes(WO.customer), address: row.bytes(WO.address))
        if status == .completed {
            let resolves = row.bytes(WO.resolves)
            if !resolves.isEmpty { addResolved(resolves) }
        }
    }

    /// Starts fetching the table slots a work order row will look up (its id's technician, its site) while the row's
    /// other fields are checked: the tables outgrow the cache, and their lookups otherwise wait on memory one by one.
    /// (`mutating` though it changes nothing: called on the `inout` builder, a non-mutating method was handed a copy
    /// of the whole builder, 968 bytes copied for every work order row.)
    @inline(__always)
    mutating func prefetchWorkOrder(id: UnsafeRawBufferPointer, site: UnsafeRawBufferPointer) {
        workOrderTechnicians.prefetch(id)
        sites.prefetch(site)
    }

    /// The site's non-empty details from this row replace what it held; a site seen for the first time is added.
    @inline(__always)
    mutating func updateSite(_ siteID: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer,
                             customerName: UnsafeRawBufferPointer, address: UnsafeRawBufferPointer) {
        sites.update(siteID, name: name, customerName: customerName, address: address)
    }
}

import Foundation

/// Accumulates decoded rows into a `Dataset`, checking ids and cross-references as it goes.
public struct DatasetBuilder: Sendable {
    /// Display name of each export file, for the report.
    public let files: [ExportKind: String]
    private var dataset = Dataset()
    private var report = DataQualityReport()
    private var counts: [ExportKind: FileCounts] = [:]
    /// Every work order id seen: its first line (duplicates) and its technician (the `recommended_by` default).
    private var workOrdersSeen = WorkOrderIDTable()
    /// Technician ids, interned: `SeenWorkOrder.technician` indexes this list (-1: none).
    private var technicianNames: [String] = []
    private var technicianIndex: [String: Int32] = [:]
    private var recommendationLines: [String: Int] = [:]
    /// Keep at most this many rejections and warnings in the report (counts stay exact).
    public var maxListedIssues = 1000

    public init(files: [ExportKind: String] = [:]) {
        self.files = files
        for kind in ExportKind.allCases { counts[kind] = FileCounts(file: name(kind)) }
    }

    public func name(_ kind: ExportKind) -> String { files[kind] ?? "\(kind.rawValue).csv" }

    /// Counts a data row read from `kind` (accepted or not).
    public mutating func countRow(_ kind: ExportKind) { counts[kind]!.rows += 1 }

    /// Records a row left out of the run.
    public mutating func reject(_ kind: ExportKind, line: Int, _ reason: String) {
        counts[kind]!.rejected += 1
        if report.rejections.count < maxListedIssues {
            report.rejections.append(DataIssue(file: name(kind), line: line, message: reason))
        }
    }

    public mutating func add(_ workOrder: WorkOrder) {
        guard remember(workOrder.id, line: workOrder.line, technician: workOrder.technicianID) else { return }
        updateSite(workOrder.siteID, name: workOrder.siteName, customerName: workOrder.customerName, address: workOrder.siteAddress)
        switch workOrder.status {
        case .scheduled: dataset.scheduledVisits.append(workOrder)
        case .completed: dataset.resolvedIDs.formUnion(workOrder.resolves)
        case .cancelled: break
        }
    }

    /// A completed or cancelled work order row, already validated: only its id, technician, site details and
    /// (completed) `resolves` matter, so strings are made only where they are kept.
    mutating func addHistory(_ row: ExportRow, id: UnsafeRawBufferPointer, site: UnsafeRawBufferPointer, status: WorkOrderStatus) {
        typealias WO = RecordDecoder.WO
        guard remember(id, line: row.line, technician: row.bytes(WO.tech)) else { return }
        let siteID = String(decoding: site, as: UTF8.self)
        let name = row.bytes(WO.siteName), customer = row.bytes(WO.customer), address = row.bytes(WO.address)
        if let index = dataset.sites.index(forKey: siteID) {
            Self.refresh(&dataset.sites.values[index], name: name, customerName: customer, address: address)
        } else {
            dataset.sites[siteID] = Site(id: siteID, name: String(decoding: name, as: UTF8.self),
                                         customerName: String(decoding: customer, as: UTF8.self),
                                         address: String(decoding: address, as: UTF8.self))
        }
        if status == .completed {
            let resolves = row.bytes(WO.resolves)
            if !resolves.isEmpty {
                for part in String(decoding: resolves, as: UTF8.self).split(separator: ";") {
                    let id = String(part).trimmingSpaces
                    if !id.isEmpty { dataset.resolvedIDs.insert(id) }
                }
            }
        }
    }

    /// Records a work order id; false (and a rejection) when it was seen before.
    private mutating func remember(_ id: String, line: Int, technician: String) -> Bool {
        let seen = WorkOrderIDTable.Seen(line: line, technician: technician.isEmpty ? -1 : intern(technician))
        guard let first = workOrdersSeen.insert(id, seen) else { return true }
        reject(.workOrders, line: line, "duplicate work_order_id '\(id)' (first on line \(first.line))")
        return false
    }

    private mutating func remember(_ id: UnsafeRawBufferPointer, line: Int, technician: UnsafeRawBufferPointer) -> Bool {
        let seen = WorkOrderIDTable.Seen(line: line, technician: technician.isEmpty ? -1 : intern(String(decoding: technician, as: UTF8.self)))
        guard let first = workOrdersSeen.insert(id, seen) else { return true }
        reject(.workOrders, line: line, "duplicate work_order_id '\(String(decoding: id, as: UTF8.self))' (first on line \(first.line))")
        return false
    }

    private mutating func intern(_ technician: String) -> Int32 {
        if let index = technicianIndex[technician] { return index }
        let index = Int32(technicianNames.count)
        technicianNames.append(technician)
        technicianIndex[technician] = index
        return index
    }

    private mutating func updateSite(_ siteID: String, name: String, customerName: String, address: String) {
        if let index = dataset.sites.index(forKey: siteID) {
            if !name.isEmpty { dataset.sites.values[index].name = name }
            if !customerName.isEmpty { dataset.sites.values[index].customerName = customerName }
            if !address.isEmpty { dataset.sites.values[index].address = address }
        } else {
            dataset.sites[siteID] = Site(id: siteID, name: name, customerName: customerName, address: address)
        }
    }

    /// Sets the non-empty details that differ from what the site holds, in place (no copy of the site per row).
    @inline(__always)
    private static func refresh(_ site: inout Site, name: UnsafeRawBufferPointer, customerName: UnsafeRawBufferPointer,
                                address: UnsafeRawBufferPointer) {
        if !name.isEmpty, !same(site.name, name) { site.name = String(decoding: name, as: UTF8.self) }
        if !customerName.isEmpty, !same(site.customerName, customerName) {
            site.customerName = String(decoding: customerName, as: UTF8.self)
        }
        if !address.isEmpty, !same(site.address, address) { site.address = String(decoding: address, as: UTF8.self) }
    }

    /// True when `text` holds exactly these UTF-8 bytes.
    @inline(__always)
    private static func same(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == bytes.count else { return false }
        return utf8.withContiguousStorageIfAvailable { u in
            u.isEmpty || memcmp(u.baseAddress!, bytes.baseAddress!, u.count) == 0
        } ?? utf8.elementsEqual(bytes)
    }

    public mutating func add(_ recommendation: Recommendation) {
        if let first = recommendationLines[recommendation.id] {
            return reject(.recommendations, line: recommendation.line,
                          "duplicate recommendation_id '\(recommendation.id)' (first on line \(first))")
        }
        recommendationLines[recommendation.id] = recommendation.line
        dataset.recommendations.append(recommendation)
    }

    public mutating func add(_ person: Person) {
        if let first = dataset.people[person.id] {
            return reject(.people, line: person.line, "duplicate person_id '\(person.id)' (first on line \(first.line))")
        }
        dataset.people[person.id] = person
    }

    /// Finishes the dataset: fills in defaults that need other files and reports dangling references.
    public func build() -> (dataset: Dataset, report: DataQualityReport) {
        var dataset = self.dataset
        var report = self.report
        report.files = ExportKind.allCases.map { counts[$0]! }
        var warned = 0
        func warn(_ kind: ExportKind, _ line: Int, _ message: String) {
            warned += 1
            if report.warnings.count < maxListedIssues {
                report.warnings.append(DataIssue(file: name(kind), line: line, message: message))
            }
        }
        let people = dataset.people
        func checkPerson(_ id: String, _ role: String, _ kind: ExportKind, _ line: Int) {
            if !id.isEmpty, people[id] == nil { warn(kind, line, "\(role) '\(id)' is not in \(name(.people))") }
        }
        for index in dataset.recommendations.indices {
            var r = dataset.recommendations[index]
            if r.recommendedBy.isEmpty, let seen = workOrdersSeen[r.workOrderID], seen.technician >= 0 {
                r.recommendedBy = technicianNames[Int(seen.technician)]
                dataset.recommendations[index] = r
            }
            guard dataset.isOpen(r) else { continue }
            if dataset.sites[r.siteID] == nil {
                warn(.recommendations, r.line, "site '\(r.siteID)' has no work order in \(name(.workOrders))")
            }
            checkPerson(r.recommendedBy, "recommended_by", .recommendations, r.line)
            checkPerson(r.salesOwner, "sales_owner", .recommendations, r.line)
        }
        for visit in dataset.scheduledVisits { checkPerson(visit.technicianID, "technician_id", .workOrders, visit.line) }
        for person in people.values.sorted(by: { $0.line < $1.line }) {
            checkPerson(person.managerID, "manager_id", .people, person.line)
        }
        return (dataset, report)
    }
}


/// Accumulates decoded rows into a `Dataset`, checking ids and cross-references as it goes.
public struct DatasetBuilder: Sendable {
    /// Display name of each export file, for the report.
    public let files: [ExportKind: String]
    private var dataset = Dataset()
    private var report = DataQualityReport()
    private var counts: [ExportKind: FileCounts] = [:]
    private var workOrderLines: [String: Int] = [:]
    private var workOrderTechnician: [String: String] = [:]
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
        if let first = workOrderLines[workOrder.id] {
            return reject(.workOrders, line: workOrder.line, "duplicate work_order_id '\(workOrder.id)' (first on line \(first))")
        }
        workOrderLines[workOrder.id] = workOrder.line
        if !workOrder.technicianID.isEmpty { workOrderTechnician[workOrder.id] = workOrder.technicianID }
        var site = dataset.sites[workOrder.siteID] ?? Site(id: workOrder.siteID)
        if !workOrder.siteName.isEmpty { site.name = workOrder.siteName }
        if !workOrder.customerName.isEmpty { site.customerName = workOrder.customerName }
        if !workOrder.siteAddress.isEmpty { site.address = workOrder.siteAddress }
        dataset.sites[workOrder.siteID] = site
        switch workOrder.status {
        case .scheduled: dataset.scheduledVisits.append(workOrder)
        case .completed: dataset.resolvedIDs.formUnion(workOrder.resolves)
        case .cancelled: break
        }
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
            if r.recommendedBy.isEmpty, let tech = workOrderTechnician[r.workOrderID] {
                r.recommendedBy = tech
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

import Foundation

/// Accumulates decoded rows into a `Dataset`, checking ids and cross-references as it goes.
public struct DatasetBuilder: Sendable {
    /// Display name of each export file, for the report.
    public let files: [ExportKind: String]
    var dataset = Dataset()
    /// By `ExportKind.allCases` order (an array, not a dictionary: it is touched once per row).
    var counts: [FileCounts] = []
    /// Rows left out, by file; the report lists people's first, then work orders', then recommendations'.
    var rejections: [ExportKind: [DataIssue]] = [:]
    /// Scheduled visits by id, with their line: a visit listed twice is left out the second time. History rows are
    /// not checked (a repeated one only repeats what the first said) so that memory does not grow with the history.
    var visitLines = ShortKeyTable()
    /// Each scheduled visit's line and technician (`line << 24 | technician + 1`), in file order, kept or not: their
    /// technicians are checked against people.csv.
    var visitTechnicians: [UInt64] = []
    /// With `visitWindow`: the earliest visit after the window at each site (position in `laterVisits`).
    var nextVisitBySite = ShortKeyTable()
    var laterVisits: [WorkOrder] = []
    /// Work orders whose technician is the `recommended_by` default of a kept recommendation: `seenTechnician` of the
    /// first row with the id; 0 while not seen. Once `recordsOnlyNeededTechnicians`, its keys are fixed and rows write
    /// their work order's value in place (`IDTable.setValueInPlace`): the parts of the work orders share the one table,
    /// the later part's values tagged (`laterPartTag`) until `merge(later:)` takes them in. (Per-part arrays of values
    /// beside the table were ~3.7 MB on a later night at 5M work orders over 15 years.)
    var workOrderTechnicians = IDTable()
    /// True for the builder of a later part of the work orders (`builderForLaterPart()`): the values it writes into
    /// `workOrderTechnicians` are tagged, and give way to the first part's.
    var isLaterPartOfWorkOrders = false
    /// Marks a value of `workOrderTechnicians` written by the later part (its technician numbers are its own). (Bit 31:
    /// values of numbered work orders have 32 bits.)
    static let laterPartTag: UInt64 = 1 << 31
    /// Once `recordsOnlyNeededTechnicians`: for the wanted work orders the table keeps by id (`IDTable.isWide(_:)`),
    /// the value of the first row this builder read of each; `build()` writes them in.
    var wantedWideTechnicians: [String: UInt32] = [:]
    /// True once the recommendations were read (`recordOnlyNeededTechnicians()`): `workOrderTechnicians` then holds
    /// exactly the work orders wanted, whose keys never change until `build()` (so the parts of a file share its
    /// slots, each writing values in place). False: every work order's technician is recorded.
    var recordsOnlyNeededTechnicians = false
    /// The ids `workOrderTechnicians` holds once `recordsOnlyNeededTechnicians`, as a filter a cache level closer:
    /// most work order rows are of no wanted work order, and their fruitless probes of the table (~50 slots at its
    /// load of nine tenths, past the cache) would cost more than the rest of taking the row in.
    var wantedWorkOrders = IDFilter.empty
    var technicianNames: [String] = []
    var technicianIndex = ShortKeyTable()
    /// Sites and their latest details.
    var sites = SiteDirectory()
    /// Recommendation ids seen: their first line and the export's status (`line << 8 | TrackedStatus.code`); at
    /// `build()` it becomes the dataset's `statuses`.
    var recommendationLines = IDTable(maxLoadTenths: 9)
    /// Ids a completed work order did (its `resolves`), when read before the recommendations (small inputs, tests).
    var resolved = ShortKeyTable()
    /// Once the recommendations are read (`recordOnlyNeededTechnicians()`): the recommendations a completed work order
    /// did, marked beside `recommendationLines` (a bit each, not a table of ids: years of history name hundreds of
    /// thousands, and only those of recommendations in the export count).
    var resolvedMarks: KeyMarks?
    /// The open or quoted recommendations a completed work order did (`applyWorkDone()`): no longer open.
    var resolvedPendingIDs = ShortKeyTable()
    /// The id of each row left out as a duplicate, by line (a later part reads one file: see `merge(later:)`).
    var duplicateLines: [Int: String] = [:]
    /// Rows of the later part of the recommendations whose id an earlier row of this part has (the two parts record
    /// their ids in one table: `shareRecommendationIDs(with:)`); left out when the parts merge.
    var displacedRows: [DisplacedRow] = []
    struct DisplacedRow: Sendable {
        var line: Int
        var id: String
        var firstLine: Int
    }
    /// Work orders named (with no `recommended_by`) by a settled recommendation whose status may have moved since the
    /// last run (every settled one, when the last run recorded statuses): their technicians may be needed to tell the
    /// news.
    var laterWorkOrders = ShortKeyTable()
    /// The `laterWorkOrders` of later parts of the recommendations, kept as they were read until
    /// `recordOnlyNeededTechnicians()` takes them in: merged into one table, the parts' and the merged one were held at
    /// once (~19 MB on a later night at 5M work orders over 15 years, where these are every settled recommendation's).
    var laterWorkOrdersOfParts: [ShortKeyTable] = []
    /// The statuses the last run recorded. When set, a settled recommendation (accepted, declined, completed) is not
    /// kept in full while the exports are read: once they are, `mergePrevious()` lays these statuses under tonight's
    /// and the rows of those that moved are read again (`movedLines()`, `addMoved(_:)`). Nil: every recommendation is
    /// kept in full, and tonight's statuses are compared with none.
    public var previous: PreviousStatuses?
    /// Ids laid under tonight's by `mergePrevious()`; nil until then.
    var mergedPrevious: Int?
    /// The rows `movedLines()` asked to read again, until `addMoved(_:)`.
    var moved: [MovedRow] = []
    /// True once `applyWorkDone()` has run.
    var workDoneApplied = false
    /// Recommendations in tonight's exports (accepted rows), counted before last run's statuses join them.
    var tonightCount = 0
    /// False: pending recommendations are kept as `PendingRecommendation`s only (no text), for a reader that can read
    /// their rows again (the loader); true: in full too, as `Dataset.recommendations`.
    public var keepsPendingInFull = true
    /// True when a pending row should be decoded as a `PendingRecommendation` only (see `keepsPendingInFull`).
    var takesPendingWithoutText: Bool { !keepsPendingInFull }
    /// When set, `Dataset.scheduledVisits` keeps only the visits a rule can use: those in this window, and the earliest
    /// after it at each site (see `addVisit`); the others are still checked, count as ids for duplicates and give their
    /// site details and technician.
    public var visitWindow: VisitWindow?
    /// When set, pending recommendations too old to list (a rule only counts them) are kept as `Dataset.aged` keys,
    /// not in `Dataset.pending`: memory then holds the listable ones, not years of history. Only for rows taken
    /// without their text (`keepsPendingInFull` false).
    public var ageLimit: AgeLimit?
    /// Keep at most this many rejections and warnings in the report (counts stay exact).
    public var maxListedIssues = 1000

    public init(files: [ExportKind: String] = [:]) {
        self.files = files
        counts = ExportKind.allCases.map { FileCounts(file: name($0)) }
    }

    public func name(_ kind: ExportKind) -> String { files[kind] ?? "\(kind.rawValue).csv" }

    /// Counts a data row read from `kind` (accepted or not).
    public mutating func countRow(_ kind: ExportKind) { counts[kind.ordinal].rows += 1 }

    /// Records a row left out of the run.
    public mutating func reject(_ kind: ExportKind, line: Int, _ reason: String) {
        counts[kind.ordinal].rejected += 1
        if rejections[kind, default: []].count < maxListedIssues {
            rejections[kind, default: []].append(DataIssue(file: name(kind), line: line, message: reason))
        }
    }

    /// Makes room for about this many rows, so tables and lists do not grow while reading (a wrong guess costs a resize).
    /// `numbered`: the shape of the file's ids, when they are numbered, for the table of every recommendation to keep them
    /// in slots of half the size.
    public mutating func reserve(recommendations: Int, numbered shape: NumberedIDs? = nil) {
        if recommendationLines.count == 0, recommendationLines.numbered == nil, let shape {
            recommendationLines = IDTable(maxLoadTenths: recommendationLines.maxLoadTenths, numbered: shape)
        }
        recommendationLines.reserveCapacity(recommendations)
    }

    static func duplicate(_ kind: ExportKind, _ id: String, first: Int) -> String {
        kind == .workOrders ? "duplicate work_order_id '\(id)' (first on line \(first)); its site details still count"
            : "duplicate recommendation_id '\(id)' (first on line \(first))"
    }

    public mutating func add(_ person: Person) {
        if let first = dataset.people[person.id] {
            return reject(.people, line: person.line, "duplicate person_id '\(person.id)' (first on line \(first.line))")
        }
        dataset.people[person.id] = person
    }

    /// The ids as a table, for lookups by bytes (no `String` per row looked up).
    static func keys(_ ids: Set<String>) -> ShortKeyTable {
        var table = ShortKeyTable(expectedCount: ids.count)
        for id in ids { _ = table.insertIfAbsent(id, 0) }
        return table
    }

    /// Finishes the dataset: fills in defaults that need other files and reports dangling references.
    /// Ends the builder (it holds nothing afterwards): the dataset moves out, so filling in defaults copies nothing.
    public mutating func build() -> (dataset: Dataset, report: DataQualityReport) {
        applyWorkDone()
        precondition(previous == nil || mergedPrevious != nil, "the last run's statuses are merged (mergePrevious) before build")
        var dataset = self.dataset
        self.dataset = Dataset()
        // Ids as packed tables: the checks below look up ~100,000 pending keys several times each.
        let resolved = resolvedPendingIDs
        dataset.resolvedIDs = Set(minimumCapacity: resolved.count)
        resolved.forEach { id, _ in dataset.resolvedIDs.insert(String(decoding: id, as: UTF8.self)) }
        // The id table becomes the statuses in place (the lines above them are no longer needed).
        dataset.statuses = StatusSnapshot(values: recommendationLines, previousCount: mergedPrevious)
        recommendationLines = IDTable()
        dataset.recommendationCount = tonightCount
        dataset.sites = sites
        sites = SiteDirectory()
        var report = DataQualityReport()
        report.rejections = Array([ExportKind.people, .workOrders, .recommendations]
            .flatMap { rejections[$0] ?? [] }.prefix(maxListedIssues))
        report.files = counts
        func warn(_ kind: ExportKind, _ line: Int, _ message: @autoclosure () -> String) {
            if report.warnings.count < maxListedIssues {
                report.warnings.append(DataIssue(file: name(kind), line: line, message: message()))
            }
        }
        let people = Self.keys(Set(dataset.people.keys))
        func checkPerson(_ id: String, _ role: String, _ kind: ExportKind, _ line: Int) {
            if !id.isEmpty, people[id] == nil { warn(kind, line, "\(role) '\(id)' is not in \(name(.people))") }
        }
        writeWantedWideTechnicians()
        let technicians = WorkOrderTechnicians(ids: workOrderTechnicians, names: technicianNames)
        // Through buffers: each field is read in place, not by copying the whole record (nine strings) per row.
        dataset.recommendations.withUnsafeMutableBufferPointer { recs in
            for index in recs.indices where recs[index].recommendedBy.isEmpty {
                if let tech = technicians[recs[index].workOrderID] { recs[index].recommendedBy = tech }
            }
        }
        let pendingIssues = checkPending(&dataset.pending, technicians: technicians, resolved: resolved, sites: dataset.sites,
                                         people: people)
        let agedIssues = checkAged(dataset.aged, technicians: technicians, sites: dataset.sites, people: people)
        report.warnings.append(contentsOf: DataIssue.merged(byLine: pendingIssues, agedIssues).prefix(maxListedIssues - report.warnings.count))
        let knownTechnicians = technicianNames.map { people[$0] != nil }
        for visit in visitTechnicians where visit & 0xFF_FFFF != 0 && !knownTechnicians[Int(visit & 0xFF_FFFF) - 1] {
            checkPerson(technicianNames[Int(visit & 0xFF_FFFF) - 1], "technician_id", .workOrders, Int(visit >> 24))
        }
        // The few visits in the window go before the many later ones, which move rather than being copied one by one
        // (each holds five strings: ~4 ms at 1M work orders).
        var visits = laterVisits
        laterVisits = []
        visits.insert(contentsOf: dataset.scheduledVisits, at: 0)
        dataset.scheduledVisits = visits
        for person in dataset.people.values.sorted(by: { $0.line < $1.line }) {
            checkPerson(person.managerID, "manager_id", .people, person.line)
        }
        return (dataset, report)
    }
}

extension ExportKind {
    /// Position in `allCases`.
    var ordinal: Int {
        switch self {
        case .workOrders: 0
        case .recommendations: 1
        case .people: 2
        }
    }
}

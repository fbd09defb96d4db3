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
    /// Marks a value of `workOrderTechnicians` written by the later part (its technician numbers are its own).
    static let laterPartTag: UInt64 = 1 << 39
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
    public mutating func reserve(recommendations: Int) {
        recommendationLines.reserveCapacity(recommendations)
    }

    /// Call after the recommendations and before the work orders: from then on only the technicians of work orders
    /// named by a kept recommendation without `recommended_by` are recorded (not one per work order in the history),
    /// written in place into a table that copies of this builder share (`builderForLaterPart()`'s, by design; make no
    /// other copy until `build()`).
    public mutating func recordOnlyNeededTechnicians() {
        // Sized once for all it may take (a table grown by doubling is up to twice that).
        let recommendations = dataset.recommendations.lazy.filter { $0.recommendedBy.isEmpty && !$0.workOrderID.isEmpty }
        let pending = dataset.pending.lazy.filter { $0.recommendedBy.isEmpty && !$0.workOrderID.isEmpty }
        let named = laterWorkOrdersOfParts.reduce(laterWorkOrders.count) { $0 + $1.count }
        var wanted = IDTable(expectedCount: named + recommendations.count + pending.count + dataset.aged.workOrders.count,
                             maxLoadTenths: 9)
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

    /// The ids of a completed work order's `resolves` (`;`-separated, spaces around each trimmed), each to `addResolved(id:)`.
    /// ASCII lists are split as bytes; others as `String`s, as `RecordDecoder.workOrder(_:)` splits them.
    mutating func addResolved(_ list: UnsafeRawBufferPointer) {
        guard list.allSatisfy({ $0 < 0x80 }) else {
            for part in String(decoding: list, as: UTF8.self).split(separator: ";") {
                var id = String(part).trimmingSpaces
                if !id.isEmpty { id.withUTF8 { addResolved(id: UnsafeRawBufferPointer($0)) } }
            }
            return
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var start = 0
        for end in 0...list.count where end == list.count || list[end] == UInt8(ascii: ";") {
            var (from, to) = (start, end)
            while from < to, isSpace(list[from]) { from += 1 }
            while to > from, isSpace(list[to - 1]) { to -= 1 }
            if to > from { addResolved(id: UnsafeRawBufferPointer(rebasing: list[from..<to])) }
            start = end + 1
        }
    }

    /// One id a completed work order did: marked when the recommendations were read first (ids of no recommendation
    /// then count for nothing), else remembered until they are.
    @inline(__always)
    mutating func addResolved(id: UnsafeRawBufferPointer) {
        if resolvedMarks != nil {
            resolvedMarks!.mark(id, in: recommendationLines)
        } else {
            _ = resolved.insertIfAbsent(id, 0)
        }
    }

    /// Calls `body` with each recommendation a completed work order did, and its value in `recommendationLines` (an
    /// id may come twice).
    func forEachResolved(_ body: (UnsafeRawBufferPointer, UInt64) -> Void) {
        resolvedMarks?.forEachMarked(in: recommendationLines, body)
        resolved.forEach { id, _ in if let value = recommendationLines[id] { body(id, value) } }
    }

    /// Records a work order's technician when a recommendation may need it (the first row with the id wins).
    private mutating func remember(_ id: String, line: Int, technician: String) {
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

    /// Starts fetching the table slots a work order row will look up (its id's technician, its site) while the row's
    /// other fields are checked: the tables outgrow the cache, and their lookups otherwise wait on memory one by one.
    /// (`mutating` though it changes nothing: called on the `inout` builder, a non-mutating method was handed a copy
    /// of the whole builder, 968 bytes copied for every work order row.)
    @inline(__always)
    mutating func prefetchWorkOrder(id: UnsafeRawBufferPointer, site: UnsafeRawBufferPointer) {
        workOrderTechnicians.prefetch(id)
        sites.prefetch(site)
    }

    /// As `prefetchWorkOrder`, for a recommendation row's id.
    @inline(__always)
    mutating func prefetchRecommendation(id: UnsafeRawBufferPointer) { recommendationLines.prefetch(id) }

    /// The site's non-empty details from this row replace what it held; a site seen for the first time is added.
    @inline(__always)
    mutating func updateSite(_ siteID: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer,
                             customerName: UnsafeRawBufferPointer, address: UnsafeRawBufferPointer) {
        sites.update(siteID, name: name, customerName: customerName, address: address)
    }

    public mutating func add(_ recommendation: Recommendation) {
        if recommendation.status.isPending && !keepsPendingInFull {
            return add(PendingRecommendation(recommendation, record: -1))
        }
        guard firstRow(recommendation.id, line: recommendation.line, status: recommendation.status) else { return }
        // Pending ones are kept (the rules list them); settled ones when no last run is known, else read again if they moved.
        let keep = previous == nil || recommendation.status.isPending
        if recommendation.status.isPending {
            dataset.pending.append(PendingRecommendation(recommendation, record: keep ? Int32(dataset.recommendations.count) : -1))
        }
        if keep { return dataset.recommendations.append(recommendation) }
        var workOrderID = recommendation.workOrderID
        if recommendation.recommendedBy.isEmpty { workOrderID.withUTF8 { noteMayMove(workOrderID: UnsafeRawBufferPointer($0)) } }
    }

    /// A recommendation that is not pending (accepted, declined, completed), as `add(_:)` takes it, but its whole
    /// record (text and all) is made by `full` only when kept: only without a last run to compare with. Building every
    /// one to drop most was ~a third of reading the recommendations.
    mutating func addSettled(id: String, status: RecommendationStatus, line: Int, workOrderID: UnsafeRawBufferPointer,
                             recommendedBy: UnsafeRawBufferPointer, full: () -> Recommendation) {
        precondition(!status.isPending, "pending ones take whole recommendations")
        if previous == nil { return add(full()) }
        guard firstRow(id, line: line, status: status) else { return }
        if recommendedBy.isEmpty { noteMayMove(workOrderID: workOrderID) }
    }

    /// A settled recommendation without `recommended_by`: when the last run recorded statuses (it may have recorded
    /// this one), its status may have moved, and its work order's technician is the one to tell. (A filter of last
    /// run's ids, to leave out the few recommendations new tonight, was ~2 MB at 5M work orders over 15 years and
    /// left out next to nothing.)
    private mutating func noteMayMove(workOrderID: UnsafeRawBufferPointer) {
        guard !workOrderID.isEmpty, let previous, previous.count > 0 else { return }
        _ = laterWorkOrders.insertIfAbsent(String(decoding: workOrderID, as: UTF8.self), 0)  // keyed as a `String` would be
    }

    /// A pending recommendation kept without its text (`keepsPendingInFull` false): its row is read again if a message
    /// lists it, or when its status moved since the last run (`movedLines()`).
    public mutating func add(_ key: PendingRecommendation) {
        guard firstRow(key.id, line: key.line, status: key.status) else { return }
        if let ageLimit, ageLimit.isTooOld(created: key.createdAt.date) { return dataset.aged.append(key) }
        dataset.pending.append(key)
    }

    /// Records the recommendation's id with its line and status; false (and a rejection) when the id was seen before.
    /// Two parts sharing the table (`shareRecommendationIDs(with:)`): true too when this (first) part's row displaced
    /// the later part's of the id (noted in `displacedRows`, a duplicate at the merge); false, with no rejection, in a
    /// later part whose sharing was given up (its rows are all read again).
    private mutating func firstRow(_ id: String, line: Int, status: RecommendationStatus) -> Bool {
        precondition(resolvedMarks == nil, "recommendations are read before the work orders that name their technicians")
        let value = Self.lineValue(line, StatusSnapshot.value(tonight: TrackedStatus(status).code, previous: StatusSnapshot.none))
        var id = id
        let first: UInt64
        switch id.withUTF8({ recommendationLines.insertKeepingSmallest(UnsafeRawBufferPointer($0), value) }) {
        case .inserted: return true
        case .held(let held): first = held
        case .displaced(let later):  // the later part's row, read first on its thread, is the duplicate
            displacedRows.append(DisplacedRow(line: Self.line(later), id: id, firstLine: line))
            return true
        case .abandoned: return false  // the later part's rows are all dropped and read again
        }
        duplicateLines[line] = id
        reject(.recommendations, line: line, Self.duplicate(.recommendations, id, first: Self.line(first)))
        return false
    }

    /// A value of `recommendationLines`: the row's line above the statuses (`StatusSnapshot.value(tonight:previous:)`).
    @inline(__always)
    static func lineValue(_ line: Int, _ statuses: UInt64) -> UInt64 {
        precondition(line < 1 << 32, "too many lines to pack")
        return UInt64(line) << 8 | statuses
    }

    /// The line in a value of `recommendationLines` (0: an id only the last run recorded).
    @inline(__always)
    static func line(_ value: UInt64) -> Int { Int(value >> 8) }

    /// Once the exports are read: lays the last run's statuses (`previous`) under tonight's, its ids that tonight's
    /// exports no longer have kept with their old status. Does what completed work orders did first.
    public mutating func mergePrevious() throws {
        guard let previous, mergedPrevious == nil else { return }
        applyWorkDone()
        // Most ids are in both; room, too, for all of last run's should tonight's export hold far fewer.
        recommendationLines.reserveCapacity(max(recommendationLines.count, previous.count) + previous.count / 64)
        var merged = 0
        try previous.forEach { id, status in
            guard StatusSnapshot.mergePrevious(id, status.code, into: &recommendationLines) else {
                throw PreviousStatusRepeated(id: String(decoding: id, as: UTF8.self))
            }
            merged += 1
        }
        mergedPrevious = merged
    }

    /// After `mergePrevious()`: the lines of the recommendations whose status moved since the last run and that are not
    /// held in full, in file order; their rows are to be read again and handed to `addMoved(_:)`.
    public mutating func movedLines() -> [Int] {
        guard mergedPrevious != nil else { return [] }
        let held = Set(dataset.recommendations.map(\.line))
        var rows: [MovedRow] = []
        recommendationLines.forEach { id, value in
            guard StatusSnapshot.moved(value), !held.contains(Self.line(value)) else { return }
            rows.append(MovedRow(line: Self.line(value), id: String(decoding: id, as: UTF8.self), tonight: StatusSnapshot.tonight(value)))
        }
        moved = rows.sorted { $0.line < $1.line }
        return moved.map(\.line)
    }

    /// Last run's statuses named one recommendation twice: they are damaged.
    public struct PreviousStatusRepeated: Error, CustomStringConvertible {
        public var id: String
        public var description: String { "the recorded recommendation statuses are damaged (recommendation '\(id)' twice)" }
    }

    /// A recommendation whose row is to be read again: where it was, and what it said.
    struct MovedRow: Sendable {
        var line: Int
        var id: String
        /// Tonight's `TrackedStatus.code`.
        var tonight: UInt64
    }

    /// The rows of `movedLines()`, read again in full (by line, as `RecordDecoder.recommendation(_:)` decodes them). A
    /// row missing, or holding another recommendation or status, means the file changed since it was read: the
    /// changes cannot be trusted (and, recorded, would never be told).
    public mutating func addMoved(_ rows: [Int: Recommendation]) throws(RowsChanged) {
        let resolved = TrackedStatus.resolved.code
        dataset.recommendations.reserveCapacity(dataset.recommendations.count + moved.count)
        for expected in moved {
            guard let row = rows[expected.line] else {
                throw RowsChanged(line: expected.line, message: "recommendation '\(expected.id)' is no longer on this line")
            }
            let status = TrackedStatus(row.status).code
            guard row.id == expected.id,
                  expected.tonight == resolved ? row.status != .completed : status == expected.tonight else {
                throw RowsChanged(line: expected.line, message: "this line held recommendation '\(expected.id)' earlier in the run and now '\(row.id)' (\(row.status.rawValue))")
            }
            dataset.recommendations.append(row)
        }
        moved = []
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

    /// Does what completed work orders did, once the exports are read: tonight's status of each recommendation they did
    /// becomes `resolved` (unless the export says completed), and the open or quoted ones among them are no longer
    /// open (`resolvedPendingIDs`, `Dataset.aged.resolved`). Visits those done (thousands), not every recommendation.
    public mutating func applyWorkDone() {
        guard !workDoneApplied else { return }
        workDoneApplied = true
        tonightCount = recommendationLines.count
        var ids = ShortKeyTable(), lines: [Int] = []
        let open = TrackedStatus.open.code, quoted = TrackedStatus.quoted.code
        forEachResolved { id, value in
            let tonight = StatusSnapshot.tonight(value)
            guard tonight == open || tonight == quoted, ids.insertIfAbsent(id, 0) == nil else { return }
            lines.append(Self.line(value))
        }
        resolvedPendingIDs = ids
        if dataset.aged.count > 0 { for line in lines { dataset.aged.markResolved(line: line) } }
        let completed = TrackedStatus.completed.code, resolvedCode = TrackedStatus.resolved.code
        func resolve(_ value: UInt64) -> UInt64 { StatusSnapshot.tonight(value) == completed ? value : value & ~0xF | resolvedCode }
        resolvedMarks?.update(&recommendationLines, resolve)
        resolved.forEach { id, _ in
            if let value = recommendationLines[id] { recommendationLines.updateExisting(id, to: resolve(value)) }
        }
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


extension DatasetBuilder {
    /// Each wanted work order's technician, by work order id.
    struct WorkOrderTechnicians: Sendable {
        let ids: IDTable
        let names: [String]
        subscript(_ workOrderID: String) -> String? {
            guard let seen = ids[workOrderID], seen & 0xFF_FFFF != 0 else { return nil }
            return names[Int(seen & 0xFF_FFFF) - 1]
        }

        subscript(_ reference: AgedPending.WorkOrderReference) -> String? { nameIndex(reference).map { names[$0] } }

        /// The position in `names` of the work order's technician.
        func nameIndex(_ reference: AgedPending.WorkOrderReference) -> Int? {
            var seen: UInt64 = 0
            switch reference {
            case .id(let id): seen = ids[id] ?? 0
            case .slot(let slot): ids.withEntry(atSlot: slot) { _, value in seen = value }
            }
            return seen & 0xFF_FFFF != 0 ? Int(seen & 0xFF_FFFF) - 1 : nil
        }
    }

    /// Fills in each pending recommendation's `recommended_by` default (its work order's technician) and checks what it
    /// refers to, unless a work order resolved it; the warnings in list order (at most `maxListedIssues`). ~100,000
    /// keys at a million work orders, each looked up five times: done in parts on all cores.
    func checkPending(_ pending: inout [PendingRecommendation], technicians: WorkOrderTechnicians, resolved: ShortKeyTable,
                      sites: SiteDirectory, people: ShortKeyTable) -> [DataIssue] {
        let count = pending.count, limit = maxListedIssues
        let parts = count < 16_384 ? 1 : 2 * ProcessInfo.processInfo.activeProcessorCount
        let file = name(.recommendations), workOrders = name(.workOrders), peopleFile = name(.people)
        return pending.withUnsafeMutableBufferPointer { buffer in
            let keys = PendingKeys(base: buffer.baseAddress)
            return concurrentMap(parts) { part -> [DataIssue] in
                var issues: [DataIssue] = []
                func warn(_ line: Int, _ message: @autoclosure () -> String) {
                    if issues.count < limit { issues.append(DataIssue(file: file, line: line, message: message())) }
                }
                func checkPerson(_ id: String, _ role: String, _ line: Int) {
                    if !id.isEmpty, people[id] == nil { warn(line, "\(role) '\(id)' is not in \(peopleFile)") }
                }
                for index in (count * part / parts)..<(count * (part + 1) / parts) {
                    let key = keys.base! + index
                    if key.pointee.recommendedBy.isEmpty, let tech = technicians[key.pointee.workOrderID] { key.pointee.recommendedBy = tech }
                    guard resolved[key.pointee.id] == nil else { continue }
                    let line = key.pointee.line
                    if !sites.contains(key.pointee.siteID) { warn(line, "site '\(key.pointee.siteID)' has no work order in \(workOrders)") }
                    checkPerson(key.pointee.recommendedBy, "recommended_by", line)
                    checkPerson(key.pointee.salesOwner, "sales_owner", line)
                }
                return issues
            }.flatMap { $0 }
        }
    }

    /// The pending list's storage, shared by the parts of `checkPending`: each part writes only its own range.
    private struct PendingKeys: @unchecked Sendable {
        let base: UnsafeMutablePointer<PendingRecommendation>?
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

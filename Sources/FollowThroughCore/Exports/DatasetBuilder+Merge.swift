/// Joining what two builders read from two consecutive parts of one file (read in parallel), as if one builder had
/// read the whole file.
extension DatasetBuilder {
    /// A builder for the later part of a file this one is reading: same settings, nothing read yet.
    public func builderForLaterPart() -> DatasetBuilder {
        var later = DatasetBuilder(files: files)
        later.previous = previous
        later.keepsPendingInFull = keepsPendingInFull
        if recordsOnlyNeededTechnicians {  // the same wanted work orders in the same slots (shared), none seen yet
            later.workOrderTechnicians = workOrderTechnicians
            later.isLaterPartOfWorkOrders = true
            later.recordsOnlyNeededTechnicians = true
            later.wantedWorkOrders = wantedWorkOrders
            // The recommendations, read: shared (neither part adds to them), each part marking those done in its own marks.
            later.recommendationLines = recommendationLines
            later.resolvedMarks = KeyMarks(over: recommendationLines)
        }
        later.maxListedIssues = maxListedIssues
        later.visitWindow = visitWindow
        later.ageLimit = ageLimit
        return later
    }

    /// Makes `later` (`builderForLaterPart()`, of the recommendations) record its ids in this builder's table, from its
    /// own thread while this one reads, rather than in a table of its own (see `IDTable.shareWithLaterPart`). Then
    /// `merge(later:)` joins them, or when they cannot be joined, `dropLaterPart()` takes the later part's ids out again.
    public mutating func shareRecommendationIDs(with later: inout DatasetBuilder) {
        later.recommendationLines = recommendationLines.shareWithLaterPart()
    }

    /// True for a later part whose table of recommendation ids, shared with the first part, was given up (it ran out
    /// of room): what it reads counts for nothing, and it may stop.
    public var isGivenUp: Bool { recommendationLines.wasGivenUp }

    /// The later part will not be merged (the file is read on from its start on this thread): its recommendation ids
    /// leave the table this builder shared with it, and the technicians it wrote, the table of wanted work orders.
    /// Call once the later part is read (or stopped) and let go.
    public mutating func dropLaterPart() {
        recommendationLines.abandonSharing()
        displacedRows = []
        if recordsOnlyNeededTechnicians { takeLaterPartTechnicians { _ in 0 } }
    }

    /// Replaces each value the later part wrote in `workOrderTechnicians` (tagged) by `transform` of it, untagged. The
    /// later part has let go of the table: it no longer writes, and the rewrite copies no slot.
    private mutating func takeLaterPartTechnicians(_ transform: (UInt64) -> UInt64) {
        guard workOrderTechnicians.slotCount > 0 else { return }  // none wanted (its empty storage is everyone's)
        // (A copy left would only cost a copy of the table, made by the rewrite: not worth stopping a night for.)
        assert(isKnownUniquelyReferenced(&workOrderTechnicians.storage), "the later part still holds the wanted work orders")
        workOrderTechnicians.updatePackedValues { $0 & Self.laterPartTag == 0 ? nil : transform($0 & ~Self.laterPartTag) }
    }

    /// Takes in `later`, which read the rows of a file that come after every row this builder read of it. Ids already
    /// seen here are duplicates there (left out, as a single reader would); site details there are the more recent.
    /// What `later` holds in bulk (its records, visits, sites and id tables) is taken from it, moved or freed once
    /// taken in, rather than copied: both parts are in memory while they merge, and copies of the later part's tables
    /// beside them set the run's peak (at 5M work orders). Its counts, reports and small tables stay.
    public mutating func merge(later: inout DatasetBuilder) {
        for kind in ExportKind.allCases {
            counts[kind.ordinal].rows += later.counts[kind.ordinal].rows
            counts[kind.ordinal].rejected += later.counts[kind.ordinal].rejected
        }
        var laterRejections = later.rejections
        var duplicates: [ExportKind: [DataIssue]] = [:]
        func duplicate(_ kind: ExportKind, _ line: Int, _ message: String) {
            counts[kind.ordinal].rejected += 1
            duplicates[kind, default: []].append(DataIssue(file: name(kind), line: line, message: message))
        }

        // Recommendations: ids seen in both parts stay with the earlier row.
        // Each table taken in below is sized first: its keys come in slot order, and a table smaller than theirs would
        // give them all the same few home slots (runs probed again at every insert).
        var droppedLines = Set<Int>()
        func takeIn(_ id: UnsafeRawBufferPointer, _ value: UInt64) {
            if let first = recommendationLines.insertIfAbsent(id, value) {
                droppedLines.insert(Self.line(value))
                let text = String(decoding: id, as: UTF8.self)
                duplicate(.recommendations, Self.line(value), Self.duplicate(.recommendations, text, first: Self.line(first)))
            }
        }
        precondition(recommendationLines.canJoin(later: later.recommendationLines), "merging parts that could not join")
        if recommendationLines.isShared {
            // One table, filled by both parts: the later part's rows an earlier one here displaced are duplicates,
            // and its ids that do not pack, kept apart, are taken in.
            for row in displacedRows {
                droppedLines.insert(row.line)
                duplicate(.recommendations, row.line, Self.duplicate(.recommendations, row.id, first: row.firstLine))
            }
            displacedRows = []
            recommendationLines.endSharing(later: &later.recommendationLines).forEach(takeIn)
        } else if !recommendationLines.hasSameSlots(as: later.recommendationLines) {
            // (Parts of the work orders share the recommendations read before them: nothing to take in then.)
            recommendationLines.reserveCapacity(recommendationLines.count + later.recommendationLines.count)
            later.recommendationLines.forEach(takeIn)
        }
        later.recommendationLines = IDTable()
        // Positions in `recommendations` move by what this part holds, for the later part's kept records that stay.
        // Room for exactly both parts: appending would grow by doubling, and what is read here is held all night.
        dataset.recommendations.reserveCapacity(dataset.recommendations.count + later.dataset.recommendations.count)
        dataset.pending.reserveCapacity(dataset.pending.count + later.dataset.pending.count)
        var position = Int32(dataset.recommendations.count)
        var renumbered = [Int32](repeating: -1, count: later.dataset.recommendations.count)
        for (i, r) in later.dataset.recommendations.enumerated() where droppedLines.isEmpty || !droppedLines.contains(r.line) {
            renumbered[i] = position
            position += 1
            dataset.recommendations.append(r)
        }
        for var key in later.dataset.pending where droppedLines.isEmpty || !droppedLines.contains(key.line) {
            if key.record >= 0 { key.record = renumbered[Int(key.record)] }
            dataset.pending.append(key)
        }
        (later.dataset.recommendations, later.dataset.pending) = ([], [])
        dataset.aged.append(contentsOf: later.dataset.aged, droppingLines: droppedLines)

        laterWorkOrdersOfParts += [later.laterWorkOrders] + later.laterWorkOrdersOfParts
        (later.laterWorkOrders, later.laterWorkOrdersOfParts) = (ShortKeyTable(), [])

        // Scheduled visits: likewise, by id (kept or not: see `visitWindow`); their site details count either way.
        // The smaller table goes into the larger (the visits to come are nearly all in the later part); an id in both
        // keeps this part's line.
        var droppedVisits = Set<Int>()
        func droppedVisit(_ id: UnsafeRawBufferPointer, line: UInt64, first: UInt64) {
            droppedVisits.insert(Int(line))
            duplicate(.workOrders, Int(line), Self.duplicate(.workOrders, String(decoding: id, as: UTF8.self), first: Int(first)))
        }
        if later.visitLines.count > visitLines.count {
            var lines = later.visitLines, mine = visitLines
            (later.visitLines, visitLines) = (ShortKeyTable(), ShortKeyTable())
            lines.reserveCapacity(lines.count + mine.count)
            mine.forEach { id, first in
                lines.withValue(id, initial: first) { line, isNew in
                    if !isNew { droppedVisit(id, line: line, first: first); line = first }
                }
            }
            mine = ShortKeyTable()
            visitLines = lines
        } else {
            visitLines.reserveCapacity(visitLines.count + later.visitLines.count)
            later.visitLines.forEach { id, line in
                if let first = visitLines.insertIfAbsent(id, line) { droppedVisit(id, line: line, first: first) }
            }
            later.visitLines = ShortKeyTable()
        }
        resolved.reserveCapacity(resolved.count + later.resolved.count)
        later.resolved.forEach { id, _ in _ = resolved.insertIfAbsent(id, 0) }
        if let theirs = later.resolvedMarks { resolvedMarks?.formUnion(theirs) }
        later.resolvedMarks = nil

        // Technicians of work orders: the earlier row wins; the later builder's technician numbers are its own.
        let technicians = later.technicianNames.map { name in
            var name = name
            return name.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
        }
        func remapped(_ value: UInt64) -> UInt64 {
            let tech = Int(value & 0xFF_FFFF) - 1
            return (value >> 24) << 24 | UInt64((tech < 0 ? -1 : technicians[tech]) + 1)
        }
        if recordsOnlyNeededTechnicians {
            // Only wanted work orders, in the one table both parts wrote: the later part's values take this part's
            // technician numbers. (It lets go of the table first: the slots are then this part's alone, not copied.)
            precondition(workOrderTechnicians.hasSameSlots(as: later.workOrderTechnicians), "the parts share the wanted work orders")
            later.workOrderTechnicians = IDTable()
            takeLaterPartTechnicians(remapped)
            for (id, value) in later.wantedWideTechnicians where wantedWideTechnicians[id] == nil {
                wantedWideTechnicians[id] = UInt32(remapped(UInt64(value)))
            }
            later.wantedWideTechnicians = [:]
        } else {
            // Every work order was recorded (work orders read before the recommendations: small inputs, tests).
            workOrderTechnicians.reserveCapacity(workOrderTechnicians.count + later.workOrderTechnicians.count)
            later.workOrderTechnicians.forEach { id, value in _ = workOrderTechnicians.insertIfAbsent(id, remapped(value)) }
        }

        // Sites first: the later part's are freed before the visits are taken in. Its non-empty details are the more recent.
        sites.merge(later: later.sites)
        later.sites = SiteDirectory()

        mergeVisits(later: &later, dropped: droppedVisits, remapped: remapped)

        // The later part's own duplicates of an id first seen here name this part's line, as a single reader would.
        for (kind, list) in laterRejections {
            laterRejections[kind] = list.map { issue in
                guard let line = issue.line, let id = later.duplicateLines[line] else { return issue }
                let first = kind == .workOrders ? visitLines[id] : recommendationLines[id].map { UInt64(Self.line($0)) }
                guard let first, Int(first) < line else { return issue }
                var fixed = issue
                fixed.message = Self.duplicate(kind, id, first: Int(first))
                return fixed
            }
        }

        // Rejections stay in line order: the later part's come after this one's, its duplicates among them.
        for (kind, list) in duplicates {
            laterRejections[kind] = (laterRejections[kind, default: []] + list).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        }
        for (kind, list) in laterRejections where !list.isEmpty {
            let room = max(0, maxListedIssues - rejections[kind, default: []].count)
            rejections[kind, default: []].append(contentsOf: list.prefix(room))
        }
    }
}

/// Why a row was left out.
public struct RowRejection: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Turns export rows into records, applying the configured value maps and date layout. A class: it is handed to
/// every row, and copying its maps and date parser per row cost ~5% of reading.
public final class RecordDecoder: Sendable {
    public let kind: ExportKind
    let dates: DateParser
    /// Per mappable column: lowercased file value → canonical value.
    let valueMaps: [String: [String: String]]
    /// True when `status` values go through a configured value map (no byte fast path then).
    let statusMapped: Bool
    /// True when `priority` values go through a configured value map.
    let priorityMapped: Bool

    public init(kind: ExportKind, options: ExportOptions, dates: DateParser) {
        self.kind = kind
        self.dates = dates
        var maps: [String: [String: String]] = [:]
        for (column, map) in options.values {
            var lowered: [String: String] = [:]
            for (from, to) in map { lowered[from.trimmingSpaces.lowercased()] = to }
            maps[column] = lowered
        }
        self.valueMaps = maps
        self.statusMapped = maps["status"] != nil
        self.priorityMapped = maps["priority"] != nil
    }

    // Column positions, as in `ExportKind.columns`.
    enum WO { static let id = 0, site = 1, siteName = 2, customer = 3, address = 4, tech = 5, status = 6, start = 7, completed = 8, resolves = 9 }
    enum Rec { static let id = 0, workOrder = 1, site = 2, asset = 3, description = 4, priority = 5, value = 6, status = 7, created = 8, activity = 9, recommendedBy = 10, owner = 11, quote = 12 }
    enum Ppl { static let id = 0, name = 1, email = 2, role = 3, manager = 4 }

    public func workOrder(_ row: ExportRow) throws(RowRejection) -> WorkOrder {
        let id = try required(row, WO.id)
        let site = try required(row, WO.site)
        let status: WorkOrderStatus = try enumValue(row, WO.status, required: true, WorkOrderStatus.init(rawValue:)) ?? .scheduled
        let start: LocalDateTime? = try date(row, WO.start)
        let tech = row.text(WO.tech)
        if status == .scheduled { _ = try Self.checkVisit(hasTechnician: !tech.isEmpty, start: start) }
        let resolves = row.text(WO.resolves).split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        return WorkOrder(id: id, siteID: site, siteName: row.text(WO.siteName), customerName: row.text(WO.customer),
                         siteAddress: row.text(WO.address), technicianID: tech, status: status, scheduledStart: start,
                         completedAt: try date(row, WO.completed), resolves: resolves, line: row.line)
    }

    /// Validates a work-order row exactly as `workOrder(_:)` does (same checks, same order, same messages), but
    /// builds a full `WorkOrder` only for scheduled ones: history rows go to the builder as bytes.
    func ingestWorkOrder(_ row: ExportRow, into builder: inout DatasetBuilder) throws(RowRejection) {
        let id = row.bytes(WO.id)
        if id.isEmpty { throw RowRejection("missing \(kind.columns[WO.id])") }
        let site = row.bytes(WO.site)
        if site.isEmpty { throw RowRejection("missing \(kind.columns[WO.site])") }
        builder.prefetchWorkOrder(id: id, site: site)
        let status: WorkOrderStatus
        if !statusMapped, let exact = Self.exactWorkOrderStatus(row.bytes(WO.status)) {
            status = exact
        } else {
            status = try enumValue(row, WO.status, required: true, WorkOrderStatus.init(rawValue:)) ?? .scheduled
        }
        if status == .scheduled {
            // As `workOrder(_:)` checks it; the site details go to the site table only (see `DatasetBuilder.addVisit`).
            let techBytes = row.bytes(WO.tech)
            let start = try Self.checkVisit(hasTechnician: !techBytes.isEmpty, start: try date(row, WO.start))
            let completed = try date(row, WO.completed)
            builder.updateSite(site, name: row.bytes(WO.siteName), customerName: row.bytes(WO.customer), address: row.bytes(WO.address))
            return builder.addVisit(id: id, site: site, technician: techBytes, start: start, line: row.line) {
                WorkOrder(id: String(decoding: id, as: UTF8.self), siteID: String(decoding: site, as: UTF8.self),
                          technicianID: String(decoding: techBytes, as: UTF8.self), status: .scheduled, scheduledStart: start,
                          completedAt: completed, line: row.line)
            }
        }
        try checkDate(row, WO.start)
        try checkDate(row, WO.completed)
        builder.addHistory(row, id: id, site: site, status: status)
    }

    /// What a scheduled work order needs beyond any work order's fields; its start.
    private static func checkVisit(hasTechnician: Bool, start: LocalDateTime?) throws(RowRejection) -> LocalDateTime {
        if !hasTechnician { throw RowRejection("missing technician_id (required for a scheduled work order)") }
        guard let start else { throw RowRejection("missing scheduled_start (required for a scheduled work order)") }
        return start
    }

    /// The status when the bytes spell one exactly in lower case; nil otherwise (then the general path decides).
    @inline(__always)
    static func exactWorkOrderStatus(_ b: UnsafeRawBufferPointer) -> WorkOrderStatus? {
        guard b.count == 9 else { return nil }
        switch b[0] {
        case UInt8(ascii: "c"):
            if equals(b, "completed") { return .completed }
            if equals(b, "cancelled") { return .cancelled }
            return nil
        case UInt8(ascii: "s"): return equals(b, "scheduled") ? .scheduled : nil
        default: return nil
        }
    }

    /// The recommendation status when the bytes spell one exactly in lower case; nil otherwise.
    @inline(__always)
    static func exactRecommendationStatus(_ b: UnsafeRawBufferPointer) -> RecommendationStatus? {
        guard let first = b.first else { return nil }
        switch first {
        case UInt8(ascii: "o"): return equals(b, "open") ? .open : nil
        case UInt8(ascii: "q"): return equals(b, "quoted") ? .quoted : nil
        case UInt8(ascii: "a"): return equals(b, "accepted") ? .accepted : nil
        case UInt8(ascii: "d"): return equals(b, "declined") ? .declined : nil
        case UInt8(ascii: "c"): return equals(b, "completed") ? .completed : nil
        default: return nil
        }
    }

    /// The priority when the bytes spell one exactly in lower case; nil otherwise.
    @inline(__always)
    static func exactPriority(_ b: UnsafeRawBufferPointer) -> Priority? {
        guard let first = b.first else { return nil }
        switch first {
        case UInt8(ascii: "c"): return equals(b, "critical") ? .critical : nil
        case UInt8(ascii: "h"): return equals(b, "high") ? .high : nil
        case UInt8(ascii: "n"): return equals(b, "normal") ? .normal : nil
        case UInt8(ascii: "l"): return equals(b, "low") ? .low : nil
        default: return nil
        }
    }

    @inline(__always)
    static func equals(_ b: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        guard b.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<b.count where b[i] != p[i] { return false }
        return true
    }

    public func recommendation(_ row: ExportRow) throws(RowRejection) -> Recommendation {
        Self.recommendation(row, try checkedRecommendation(row))
    }

    private static func recommendation(_ row: ExportRow, _ c: CheckedRecommendation) -> Recommendation {
        Recommendation(
            id: c.id, workOrderID: row.text(Rec.workOrder), siteID: c.site, asset: row.text(Rec.asset),
            description: row.text(Rec.description), priority: c.priority, estimatedValueCents: c.value, status: c.status,
            createdAt: c.created, lastActivityAt: c.activity, recommendedBy: row.text(Rec.recommendedBy),
            salesOwner: row.text(Rec.owner), quoteID: row.text(Rec.quote), line: row.line)
    }

    /// Validates a recommendation row exactly as `recommendation(_:)` does; a pending one goes to the builder without
    /// its text when the builder asks for that (`DatasetBuilder.keepsPendingInFull`), any other in full.
    func ingestRecommendation(_ row: ExportRow, into builder: inout DatasetBuilder) throws(RowRejection) {
        guard builder.takesPendingWithoutText else { return builder.add(try recommendation(row)) }
        builder.prefetchRecommendation(id: row.bytes(Rec.id))
        let c = try checkedRecommendation(row)
        guard c.status.isPending else {
            return builder.addSettled(id: c.id, status: c.status, line: row.line, workOrderID: row.bytes(Rec.workOrder),
                                      recommendedBy: row.bytes(Rec.recommendedBy)) { Self.recommendation(row, c) }
        }
        builder.add(PendingRecommendation(
            id: c.id, workOrderID: row.text(Rec.workOrder), siteID: c.site, priority: c.priority, estimatedValueCents: c.value,
            status: c.status, createdAt: c.created, lastActivityAt: c.activity, recommendedBy: row.text(Rec.recommendedBy),
            salesOwner: row.text(Rec.owner), line: row.line))
    }

    /// The checks of a recommendation row, in the order their messages are reported, and the fields they decode.
    /// (A struct, not a tuple: a tuple of these was destroyed through the runtime's generic witnesses, for every row.)
    private struct CheckedRecommendation {
        let id: String, site: String, status: RecommendationStatus, priority: Priority
        let created: LocalDateTime, value: Int64?, activity: LocalDateTime?
    }

    private func checkedRecommendation(_ row: ExportRow) throws(RowRejection) -> CheckedRecommendation {
        let id = try required(row, Rec.id)
        let site = try required(row, Rec.site)
        if row.isEmpty(Rec.description) { throw RowRejection("missing \(kind.columns[Rec.description])") }
        let status: RecommendationStatus
        if !statusMapped, let exact = Self.exactRecommendationStatus(row.bytes(Rec.status)) {
            status = exact
        } else {
            status = try enumValue(row, Rec.status, required: true, RecommendationStatus.init(rawValue:)) ?? .open
        }
        let priority: Priority
        if !priorityMapped, let exact = Self.exactPriority(row.bytes(Rec.priority)) {
            priority = exact
        } else {
            priority = try enumValue(row, Rec.priority, required: false, Priority.init(name:)) ?? .normal
        }
        guard let created = try date(row, Rec.created) else { throw RowRejection("missing created_at") }
        let value = try money(row, Rec.value)
        return CheckedRecommendation(id: id, site: site, status: status, priority: priority, created: created, value: value,
                                     activity: try date(row, Rec.activity))
    }

    public func person(_ row: ExportRow) throws(RowRejection) -> Person {
        let id = try required(row, Ppl.id)
        let email = row.text(Ppl.email)
        if !email.isEmpty, (try? MailAddress(displayName: nil, address: email)) == nil {
            throw RowRejection("email '\(email.cleanedForReport)' is not a valid address")
        }
        let name = row.text(Ppl.name).replacingControlCharacters
        let role: Role? = try enumValue(row, Ppl.role, required: false, Role.init(rawValue:))
        return Person(id: id, name: name.isEmpty ? id : name, email: email, role: role,
                      managerID: row.text(Ppl.manager), line: row.line)
    }

    // MARK: - Field helpers

    private func required(_ row: ExportRow, _ column: Int) throws(RowRejection) -> String {
        let value = row.text(column)
        if value.isEmpty { throw RowRejection("missing \(kind.columns[column])") }
        return value
    }

    private func enumValue<E>(_ row: ExportRow, _ column: Int, required: Bool, _ parse: (String) -> E?) throws(RowRejection) -> E? {
        let name = kind.columns[column]
        let raw = row.text(column)
        if raw.isEmpty {
            if required { throw RowRejection("missing \(name)") }
            return nil
        }
        let lowered = raw.lowercased()
        let canonical = valueMaps[name]?[lowered] ?? lowered
        if let value = parse(canonical.lowercased()) { return value }
        let allowed: String
        switch name {
        case "priority": allowed = Priority.allCases.map(\.name).joined(separator: ", ")
        case "role": allowed = Role.allCases.map(\.rawValue).joined(separator: ", ")
        default:
            allowed = kind == .workOrders ? WorkOrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
                : RecommendationStatus.allCases.map(\.rawValue).joined(separator: ", ")
        }
        throw RowRejection("unknown \(name) '\(raw.cleanedForReport)' (expected \(allowed); map other values under [exports.\(kind.rawValue).values.\(name)])")
    }

    private func date(_ row: ExportRow, _ column: Int) throws(RowRejection) -> LocalDateTime? {
        let bytes = row.bytes(column)
        if bytes.isEmpty { return nil }
        if let value = dates.parse(bytes) { return value }
        let expected = dates.pattern.map { "'\($0.text)' or " } ?? ""
        throw RowRejection("\(kind.columns[column]) '\(String(decoding: bytes, as: UTF8.self).cleanedForReport)' is not a date (expected \(expected)YYYY-MM-DD[ HH:MM[:SS]]; set date_format for other layouts)")
    }

    /// As `date(_:_:)` (same rejection), for a value only checked.
    @inline(__always)
    private func checkDate(_ row: ExportRow, _ column: Int) throws(RowRejection) {
        let bytes = row.bytes(column)
        if bytes.isEmpty || dates.isDate(bytes) { return }
        _ = try date(row, column)
    }

    private func money(_ row: ExportRow, _ column: Int) throws(RowRejection) -> Int64? {
        let bytes = row.bytes(column)
        if bytes.isEmpty { return nil }
        if let cents = parseCents(bytes) { return cents }
        throw RowRejection("estimated_value '\(String(decoding: bytes, as: UTF8.self).cleanedForReport)' is not an amount (expected e.g. 4500 or 4500.00)")
    }
}

/// Parses `1234`, `1234.5`, `1,234.56`, `$1,234.56` into cents; thousands separators must group by three.
func parseCents(_ b: UnsafeRawBufferPointer) -> Int64? {
    var cents: Int64 = 0
    var fraction = -1          // digits seen after the point, or -1 before it
    var digits = 0             // whole digits seen
    var sinceComma = -1        // whole digits since the last comma, or -1 when none yet
    for (i, c) in b.enumerated() {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            if fraction >= 0 {
                fraction += 1
                if fraction > 2 { continue }  // sub-cent digits are dropped
            } else {
                digits += 1
                if sinceComma >= 0 { sinceComma += 1 }
            }
            guard cents < Int64.max / 20 else { return nil }
            cents = cents * 10 + Int64(c - 48)
        case UInt8(ascii: "."):
            guard fraction < 0, sinceComma < 0 || sinceComma == 3 else { return nil }
            fraction = 0
        case UInt8(ascii: ","):
            guard fraction < 0, digits > 0, sinceComma < 0 ? digits <= 3 : sinceComma == 3 else { return nil }
            sinceComma = 0
        case UInt8(ascii: "$") where i == 0: break
        default: return nil
        }
    }
    guard digits > 0 || fraction > 0, fraction >= 0 || sinceComma < 0 || sinceComma == 3 else { return nil }
    for _ in 0..<(2 - max(0, min(fraction, 2))) { cents *= 10 }
    return cents
}

extension String {
    /// For quoting a bad value in a report: control characters shown as spaces, long values cut.
    var cleanedForReport: String {
        let cleaned = replacingControlCharacters
        return cleaned.count > 60 ? String(cleaned.prefix(57)) + "..." : cleaned
    }

    /// CR, LF, tabs and other control characters replaced by spaces (names go into headers).
    public var replacingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029 }) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F || $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029 ? " " : $0
        }))
    }
}

import Foundation

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

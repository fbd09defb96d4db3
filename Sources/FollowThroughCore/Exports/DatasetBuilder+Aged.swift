extension DatasetBuilder {
    /// The checks `checkPending` makes, for the aged keys not resolved: their site, and who recommended (the row's,
    /// else its work order's technician) and owns them; in line order, at most `maxListedIssues`.
    func checkAged(_ aged: AgedPending, technicians: WorkOrderTechnicians, sites: SiteDirectory, people: ShortKeyTable) -> [DataIssue] {
        var issues: [DataIssue] = []
        // (Nothing below reads `self`: captured by the closure over every key, the whole builder was copied per key.)
        let file = name(.recommendations), workOrders = name(.workOrders), peopleFile = name(.people), limit = maxListedIssues
        func warn(_ line: Int, _ message: @autoclosure () -> String) {
            if issues.count < limit { issues.append(DataIssue(file: file, line: line, message: message())) }
        }
        // Names are few (sites and people): each is looked up once.
        var siteKnown = [Bool?](repeating: nil, count: aged.names.count)
        var personKnown = [Bool?](repeating: nil, count: aged.names.count)
        var technicianKnown = [Bool?](repeating: nil, count: technicians.names.count)
        func checkPerson(_ name: String, _ known: inout Bool?, _ role: String, _ line: Int) {
            if known == nil { known = name.isEmpty || people[name] != nil }
            if known == false { warn(line, "\(role) '\(name)' is not in \(peopleFile)") }
        }
        aged.forEach { key in
            guard !aged.isResolved(line: key.line) else { return }
            let site = Int(key.site)
            if siteKnown[site] == nil { siteKnown[site] = sites.contains(aged.names[site]) }
            if siteKnown[site] == false { warn(key.line, "site '\(aged.names[site])' has no work order in \(workOrders)") }
            // Who recommended: the row's name, else its work order's technician.
            if key.recommendedBy >= 0, !aged.names[Int(key.recommendedBy)].isEmpty {
                let name = Int(key.recommendedBy)
                checkPerson(aged.names[name], &personKnown[name], "recommended_by", key.line)
            } else if let workOrder = aged.workOrder(key), let technician = technicians.nameIndex(workOrder) {
                checkPerson(technicians.names[technician], &technicianKnown[technician], "recommended_by", key.line)
            }
            checkPerson(aged.names[Int(key.owner)], &personKnown[Int(key.owner)], "sales_owner", key.line)
        }
        return issues
    }
}

extension DataIssue {
    /// Two lists each in line order, as one in line order.
    static func merged(byLine a: [DataIssue], _ b: [DataIssue]) -> [DataIssue] {
        guard !b.isEmpty else { return a }
        guard !a.isEmpty else { return b }
        var result: [DataIssue] = []
        result.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if j == b.count || i < a.count && (a[i].line ?? 0) <= (b[j].line ?? 0) {
                result.append(a[i]); i += 1
            } else {
                result.append(b[j]); j += 1
            }
        }
        return result
    }
}

/// Why the rows read again cannot fill in a plan: the export changed under the run.
public struct RowsChanged: Error, Sendable, Equatable {
    public var line: Int
    public var message: String
}

extension Plan {
    /// The plan with the text of each listed recommendation taken from its row, read again (see `fill(rows:)`).
    public func filling(rows: [Int: Recommendation]) throws(RowsChanged) -> Plan {
        var plan = self
        try plan.fill { rows[$0] }
        return plan
    }

    /// Takes the text of each listed recommendation from its row, read again (`row(line)`, as
    /// `RecordDecoder.recommendation(_:)` decodes it; nil when none was found there), in place: a plan held only here
    /// is not copied (a copy beside it doubled the plan's memory, ~20 MB at 5M work orders). The rules' view of the
    /// recommendation (its recommender, filled in from its work order when the row has none) is kept. A row missing,
    /// or holding another recommendation, means the file changed since it was read: the plan cannot be trusted (and is
    /// left part filled).
    public mutating func fill(_ row: (Int) -> Recommendation?) throws(RowsChanged) {
        guard !rowsToRead.isEmpty else { return }
        let placeholders = Set(rowsToRead)
        func fill(_ r: inout Recommendation) throws(RowsChanged) {
            guard placeholders.contains(r.line) else { return }
            guard let row = row(r.line) else {
                throw RowsChanged(line: r.line, message: "recommendation '\(r.id)' is no longer on this line")
            }
            guard row.id == r.id, row.status == r.status, row.siteID == r.siteID else {
                throw RowsChanged(line: r.line, message: "this line held recommendation '\(r.id)' earlier in the run and now '\(row.id)'")
            }
            let recommendedBy = r.recommendedBy
            r = row
            r.recommendedBy = recommendedBy
        }
        for s in summaries.indices {
            for v in summaries[s].visits.indices {
                for i in summaries[s].visits[v].items.indices { try fill(&summaries[s].visits[v].items[i].recommendation) }
            }
        }
        for d in digests.indices {
            for l in digests[d].leads.indices { try fill(&digests[d].leads[l].recommendation) }
        }
        rowsToRead = []
    }
}

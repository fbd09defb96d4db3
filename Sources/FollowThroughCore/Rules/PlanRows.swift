/// Why the rows read again cannot fill in a plan: the export changed under the run.
public struct RowsChanged: Error, Sendable, Equatable {
    public var line: Int
    public var message: String
}

extension Plan {
    /// The plan with the text of each listed recommendation taken from its row, read again (`rows`: by line, as
    /// `RecordDecoder.recommendation(_:)` decodes it). The rules' view of the recommendation (its recommender, filled in
    /// from its work order when the row has none) is kept. A row missing, or holding another recommendation, means
    /// the file changed since it was read: the plan cannot be trusted.
    public func filling(rows: [Int: Recommendation]) throws(RowsChanged) -> Plan {
        guard !rowsToRead.isEmpty else { return self }
        let placeholders = Set(rowsToRead)
        func fill(_ r: inout Recommendation) throws(RowsChanged) {
            guard placeholders.contains(r.line) else { return }
            guard let row = rows[r.line] else {
                throw RowsChanged(line: r.line, message: "recommendation '\(r.id)' is no longer on this line")
            }
            guard row.id == r.id, row.status == r.status, row.siteID == r.siteID else {
                throw RowsChanged(line: r.line, message: "this line held recommendation '\(r.id)' earlier in the run and now '\(row.id)'")
            }
            let recommendedBy = r.recommendedBy
            r = row
            r.recommendedBy = recommendedBy
        }
        var plan = self
        for s in plan.summaries.indices {
            for v in plan.summaries[s].visits.indices {
                for i in plan.summaries[s].visits[v].items.indices { try fill(&plan.summaries[s].visits[v].items[i].recommendation) }
            }
        }
        for d in plan.digests.indices {
            for l in plan.digests[d].leads.indices { try fill(&plan.digests[d].leads[l].recommendation) }
        }
        plan.rowsToRead = []
        return plan
    }
}

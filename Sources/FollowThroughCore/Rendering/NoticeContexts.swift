/// Turns notices into the variables the Mustache templates see (documented in templates/README.md).
public struct NoticeContexts: Sendable {
    public let asOf: LocalDate
    public let settings: RuleSettings
    public var currencySymbol = "$"

    public init(asOf: LocalDate, settings: RuleSettings, currencySymbol: String = "$") {
        self.asOf = asOf; self.settings = settings; self.currencySymbol = currencySymbol
    }

    var windowLabel: String {
        let first = asOf.adding(days: 1)
        if settings.lookaheadDays <= 1 { return "tomorrow, \(Formatting.longDate(first))" }
        return "\(Formatting.longDate(first)) to \(Formatting.longDate(asOf.adding(days: settings.lookaheadDays)))"
    }

    public func preVisit(_ summary: PreVisitSummary) -> [String: Any] {
        let items = summary.visits.reduce(0) { $0 + $1.items.count }
        let critical = summary.visits.reduce(0) { $0 + $1.items.filter { $0.recommendation.priority == .critical }.count }
        return compact([
            "technician_name": summary.technician.name,
            "first_name": Formatting.firstName(summary.technician.name),
            "as_of": Formatting.longDate(asOf),
            "window": windowLabel,
            "visit_count": summary.visits.count,
            "visits_text": Formatting.count(summary.visits.count, "visit"),
            "item_count": items,
            "items_text": Formatting.count(items, "open recommendation"),
            "critical_count": critical,
            "has_critical": critical > 0,
            "other_visits": summary.otherVisits,
            "other_visits_text": summary.otherVisits > 0 ? Formatting.count(summary.otherVisits, "other visit") : "",
            "visits": summary.visits.map(visit),
        ])
    }

    func visit(_ v: VisitNotice) -> [String: Any] {
        let start = v.workOrder.scheduledStart!
        return compact([
            "work_order_id": v.workOrder.id,
            "date": Formatting.shortDate(start.date),
            "time": Formatting.time(start),
            "site_name": v.site.label,
            "customer_name": v.site.customerName,
            "site_address": v.site.address,
            "item_count": v.items.count,
            "items": v.items.map(item),
            "older_not_listed": v.olderNotListed,
            "older_text": v.olderNotListed > 0
                ? "\(Formatting.count(v.olderNotListed, "older recommendation")) (over \(settings.maxAgeDays) days) not listed" : "",
        ])
    }

    func item(_ i: OpenItem) -> [String: Any] {
        let r = i.recommendation
        let by = i.recommendedBy?.name ?? (r.recommendedBy.isEmpty ? "" : r.recommendedBy)
        var made = "Made \(Formatting.daysAgo(i.ageDays))"
        if !by.isEmpty { made += " by \(by)" }
        return compact(common(r).merging([
            "age_days": i.ageDays,
            "made_text": made,
            "made_on": Formatting.dayMonthYear(r.createdAt.date),
            "recommended_by": by,
            "sales_owner": i.salesOwner?.name ?? r.salesOwner,
            "has_sales_owner": !(i.salesOwner?.name ?? r.salesOwner).isEmpty,
            "days_since_activity": i.daysSinceActivity,
        ]) { $1 })
    }

    public func staleDigest(_ d: StaleLeadDigest) -> [String: Any] {
        let total = d.leads.count + d.moreCount
        var name = "Sales team", first = "team"
        if case .person(let p) = d.recipient { name = p.name; first = Formatting.firstName(p.name) }
        return compact([
            "recipient_name": name,
            "first_name": first,
            "is_sales_inbox": d.recipient == .salesInbox,
            "as_of": Formatting.longDate(asOf),
            "stale_after_days": settings.staleAfterDays,
            "lead_count": total,
            "leads_text": Formatting.count(total, "lead"),
            "listed_count": d.leads.count,
            "leads": d.leads.map(lead),
            "has_more": d.moreCount > 0,
            "more_count": d.moreCount,
            "more_value": Formatting.moneyShort(d.moreValueCents, symbol: currencySymbol),
            "has_too_old": d.tooOldCount > 0,
            "too_old_count": d.tooOldCount,
            "too_old_value": Formatting.moneyShort(d.tooOldValueCents, symbol: currencySymbol),
            "max_age_days": settings.maxAgeDays,
        ])
    }

    func lead(_ l: StaleLead) -> [String: Any] {
        let r = l.recommendation
        var next: Any = false
        if let visit = l.nextVisit, let start = visit.scheduledStart {
            next = compact([
                "date": Formatting.shortDate(start.date),
                "time": Formatting.time(start),
                "technician": l.nextVisitTechnician?.name ?? visit.technicianID,
                "work_order_id": visit.id,
            ])
        }
        return compact(common(r).merging([
            "site_name": l.site.label,
            "customer_name": l.site.customerName,
            "site_address": l.site.address,
            "age_days": l.ageDays,
            "days_since_activity": l.daysSinceActivity,
            "recommended_by": l.recommendedBy?.name ?? r.recommendedBy,
            "owner_id": r.salesOwner,
            "next_visit": next,
        ]) { $1 })
    }

    /// Variables every recommendation has, in both kinds of message.
    func common(_ r: Recommendation) -> [String: Any] {
        [
            "recommendation_id": r.id,
            "description": r.description,
            "description_lines": r.description.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map(String.init),
            "asset": r.asset,
            "has_asset": !r.asset.isEmpty,
            "priority": r.priority.name,
            "is_critical": r.priority == .critical,
            "is_high": r.priority == .high,
            "status": r.status.rawValue,
            "is_quoted": r.status == .quoted,
            "quote_id": r.quoteID,
            "status_text": r.status == .quoted ? (r.quoteID.isEmpty ? "quoted" : "quoted (\(r.quoteID))") : r.status.rawValue,
            "estimated_value": r.estimatedValueCents.map { Formatting.money($0, symbol: currencySymbol) } ?? "",
            "has_value": r.estimatedValueCents != nil,
        ]
    }

    /// Drops empty strings, so that `{{#name}}…{{/name}}` hides a section when the value is empty
    /// (swift-mustache treats an empty string as true).
    func compact(_ context: [String: Any]) -> [String: Any] {
        context.filter { !(($0.value as? String)?.isEmpty ?? false) }
    }
}

/// Turns notices into the variables the Mustache templates see (documented in templates/README.md).
public struct NoticeContexts: Sendable {
    public let asOf: LocalDate
    public let settings: RuleSettings
    public var currencySymbol = "$"
    /// Shown in escalation sections (`escalate_after_digests`).
    public var escalateAfterDigests = 4

    public init(asOf: LocalDate, settings: RuleSettings, currencySymbol: String = "$", escalateAfterDigests: Int = 4) {
        self.asOf = asOf; self.settings = settings; self.currencySymbol = currencySymbol
        self.escalateAfterDigests = escalateAfterDigests
    }

    var windowLabel: String {
        let first = asOf.adding(days: 1)
        if settings.lookaheadDays <= 1 { return "tomorrow, \(Formatting.longDate(first))" }
        return "\(Formatting.longDate(first)) to \(Formatting.longDate(asOf.adding(days: settings.lookaheadDays)))"
    }

    public func preVisit(_ summary: PreVisitSummary) -> TemplateContext {
        let items = summary.visits.reduce(0) { $0 + $1.items.count }
        let critical = summary.visits.reduce(0) { $0 + $1.items.filter { $0.recommendation.priority == .critical }.count }
        var c = ContextBuilder(capacity: 17 + 4)
        c.text("technician_name", summary.technician.name)
        c.text("first_name", Formatting.firstName(summary.technician.name))
        c.text("as_of", Formatting.longDate(asOf))
        c.text("window", windowLabel)
        c.number("visit_count", summary.visits.count)
        c.text("visits_text", Formatting.count(summary.visits.count, "visit"))
        c.number("item_count", items)
        c.text("items_text", Formatting.count(items, "open recommendation"))
        c.number("critical_count", critical)
        c.flag("has_critical", critical > 0)
        c.number("other_visits", summary.otherVisits)
        c.text("other_visits_text", summary.otherVisits > 0 ? Formatting.count(summary.otherVisits, "other visit") : "")
        c.list("visits", summary.visits.map(visit))
        addUpdateVariables(summary.updates, to: &c)
        return c.context
    }

    func visit(_ v: VisitNotice) -> TemplateContext {
        let start = v.workOrder.scheduledStart!
        var c = ContextBuilder(capacity: 10)
        c.text("work_order_id", v.workOrder.id)
        c.text("date", Formatting.shortDate(start.date))
        c.text("time", Formatting.time(start))
        c.text("site_name", v.site.label)
        c.text("customer_name", v.site.customerName)
        c.text("site_address", v.site.address)
        c.number("item_count", v.items.count)
        c.list("items", v.items.map(item))
        c.number("older_not_listed", v.olderNotListed)
        c.text("older_text", v.olderNotListed > 0
            ? "\(Formatting.count(v.olderNotListed, "older recommendation")) (over \(settings.maxAgeDays) days) not listed" : "")
        return c.context
    }

    func item(_ i: OpenItem) -> TemplateContext {
        let r = i.recommendation
        let by = i.recommendedBy?.name ?? (r.recommendedBy.isEmpty ? "" : r.recommendedBy)
        var made = "Made \(Formatting.daysAgo(i.ageDays))"
        if !by.isEmpty { made += " by \(by)" }
        var c = ContextBuilder(capacity: Self.commonCount + 10)
        addCommon(r, to: &c)
        c.number("age_days", i.ageDays)
        c.text("made_text", made)
        c.text("made_on", Formatting.dayMonthYear(r.createdAt.date))
        c.text("recommended_by", by)
        c.text("sales_owner", i.salesOwner?.name ?? r.salesOwner)
        c.flag("has_sales_owner", !(i.salesOwner?.name ?? r.salesOwner).isEmpty)
        c.number("days_since_activity", i.daysSinceActivity)
        addReminderVariables(i.reminders, to: &c)
        return c.context
    }

    public func staleDigest(_ d: StaleLeadDigest) -> TemplateContext {
        let total = d.leads.count + d.moreCount
        var name = "Sales team", first = "team"
        if case .person(let p) = d.recipient { name = p.name; first = Formatting.firstName(p.name) }
        var c = ContextBuilder(capacity: 18 + 5)
        c.text("recipient_name", name)
        c.text("first_name", first)
        c.flag("is_sales_inbox", d.recipient == .salesInbox)
        c.text("as_of", Formatting.longDate(asOf))
        c.number("stale_after_days", settings.staleAfterDays)
        c.number("lead_count", total)
        c.text("leads_text", Formatting.count(total, "lead"))
        c.number("listed_count", d.leads.count)
        c.list("leads", d.leads.map(lead))
        c.flag("has_more", d.moreCount > 0)
        c.number("more_count", d.moreCount)
        c.text("more_value", Formatting.moneyShort(d.moreValueCents, symbol: currencySymbol))
        c.flag("has_too_old", d.tooOldCount > 0)
        c.number("too_old_count", d.tooOldCount)
        c.text("too_old_value", Formatting.moneyShort(d.tooOldValueCents, symbol: currencySymbol))
        c.number("max_age_days", settings.maxAgeDays)
        c.flag("has_leads", total > 0)
        c.number("escalate_after_digests", escalateAfterDigests)
        addEscalationVariables(d.escalations, afterDigests: escalateAfterDigests, to: &c)
        return c.context
    }

    func lead(_ l: StaleLead) -> TemplateContext {
        var c = ContextBuilder(capacity: Self.commonCount + 12)
        addLead(l, to: &c)
        return c.context
    }

    /// A lead's variables (`escalations` add the owner's to them).
    func addLead(_ l: StaleLead, to c: inout ContextBuilder) {
        let r = l.recommendation
        addCommon(r, to: &c)
        c.text("site_name", l.site.label)
        c.text("customer_name", l.site.customerName)
        c.text("site_address", l.site.address)
        c.number("age_days", l.ageDays)
        c.number("days_since_activity", l.daysSinceActivity)
        c.text("recommended_by", l.recommendedBy?.name ?? r.recommendedBy)
        c.text("owner_id", r.salesOwner)
        if let visit = l.nextVisit, let start = visit.scheduledStart {
            var next = ContextBuilder(capacity: 4)
            next.text("date", Formatting.shortDate(start.date))
            next.text("time", Formatting.time(start))
            next.text("technician", l.nextVisitTechnician?.name ?? visit.technicianID)
            next.text("work_order_id", visit.id)
            c.object("next_visit", next.context)
        } else {
            c.flag("next_visit", false)
        }
        addDigestCountVariables(l.priorDigests, to: &c)
    }

    static let commonCount = 14

    /// Variables every recommendation has, in both kinds of message.
    func addCommon(_ r: Recommendation, to c: inout ContextBuilder) {
        c.text("recommendation_id", r.id)
        c.text("description", r.description)
        c.lines("description_lines", Formatting.lines(r.description))
        c.text("asset", r.asset)
        c.flag("has_asset", !r.asset.isEmpty)
        c.text("priority", r.priority.name)
        c.flag("is_critical", r.priority == .critical)
        c.flag("is_high", r.priority == .high)
        c.text("status", r.status.rawValue)
        c.flag("is_quoted", r.status == .quoted)
        c.text("quote_id", r.quoteID)
        c.text("status_text", r.status == .quoted ? (r.quoteID.isEmpty ? "quoted" : "quoted (\(r.quoteID))") : r.status.rawValue)
        c.text("estimated_value", r.estimatedValueCents.map { Formatting.money($0, symbol: currencySymbol) } ?? "")
        c.flag("has_value", r.estimatedValueCents != nil)
    }

    // Empty text is left out of every context (`ContextBuilder`), so that `{{#name}}…{{/name}}` hides
    // a section when the value is empty (swift-mustache treats an empty string as true).
}

/// Template variables for what the state store adds: updates, reminder history, digest counts, escalations.
/// Documented in templates/README.md.
extension NoticeContexts {
    /// The `lead-update` message: a technician's news, with no visit in the window.
    public func leadUpdate(_ notice: LeadUpdateNotice) -> TemplateContext {
        var c = ContextBuilder(capacity: 7)
        c.text("technician_name", notice.technician.name)
        c.text("first_name", Formatting.firstName(notice.technician.name))
        c.text("as_of", Formatting.longDate(asOf))
        addUpdateVariables(notice.updates, to: &c)
        return c.context
    }

    /// `has_updates`, `update_count`, `updates_text` and the `updates` list.
    func addUpdateVariables(_ changes: [StatusChange], to c: inout ContextBuilder) {
        let told = StatusChanges.coalesce(changes)
        c.flag("has_updates", !told.isEmpty)
        c.number("update_count", told.count)
        c.text("updates_text", Formatting.count(told.count, "update"))
        c.list("updates", told.map(update))
    }

    func update(_ change: StatusChange) -> TemplateContext {
        var to = change.to.phrase
        if change.to == .quoted, !change.quoteID.isEmpty { to += " (\(change.quoteID))" }
        var c = ContextBuilder(capacity: 10)
        c.text("recommendation_id", change.recommendationID)
        c.text("description", change.description)
        c.lines("description_lines", Formatting.lines(change.description))
        c.text("site_name", change.siteLabel)
        c.text("from_status", change.from.phrase)
        c.text("to_status", to)
        c.text("change_text", "\(change.from.phrase) → \(to)")
        c.flag("is_good_news", change.to.isGoodNews)
        c.flag("is_declined", change.to == .declined)
        c.text("seen_on", Formatting.dayMonthYear(change.observedOn))
        return c.context
    }

    /// `reminded_count`, `last_reminded_on`, `reminder_text` (`Reminded twice, last on 12 Oct 2026`, left out when never).
    func addReminderVariables(_ h: ReminderHistory, to c: inout ContextBuilder) {
        guard h.count > 0, let last = h.last else {
            c.number("reminded_count", 0)
            c.text("reminder_text", "")
            return
        }
        let times = h.count == 1 ? "once" : h.count == 2 ? "twice" : "\(h.count) times"
        c.number("reminded_count", h.count)
        c.text("last_reminded_on", Formatting.dayMonthYear(last))
        c.text("reminder_text", "Reminded \(times), last on \(Formatting.dayMonthYear(last))")
    }

    /// `digest_count` (digests this lead has been in, tonight's included) and `digest_text`.
    func addDigestCountVariables(_ priorDigests: Int, to c: inout ContextBuilder) {
        let n = priorDigests + 1
        c.number("digest_count", n)
        c.text("digest_text", n == 1 ? "first digest" : "in \(n) digests so far")
    }

    /// `has_escalations`, `escalation_count`, `escalations_text`, `escalate_after_digests` and `escalations`.
    func addEscalationVariables(_ list: [EscalatedLead], afterDigests: Int, to c: inout ContextBuilder) {
        c.flag("has_escalations", !list.isEmpty)
        c.text("escalate_after_text", Formatting.count(afterDigests, "digest"))
        c.number("escalation_count", list.count)
        c.text("escalations_text", Formatting.count(list.count, "lead"))
        c.list("escalations", list.map { e in
            var lead = ContextBuilder(capacity: Self.commonCount + 14)
            addLead(e.lead, to: &lead)
            lead.text("owner_name", e.owner.name)
            lead.text("owner_first_name", Formatting.firstName(e.owner.name))
            return lead.context
        })
    }
}

/// Template variables for what the state store adds: updates, reminder history, digest counts, escalations.
/// Documented in templates/README.md.
extension NoticeContexts {
    /// The `lead-update` message: a technician's news, with no visit in the window.
    public func leadUpdate(_ notice: LeadUpdateNotice) -> [String: Any] {
        compact([
            "technician_name": notice.technician.name,
            "first_name": Formatting.firstName(notice.technician.name),
            "as_of": Formatting.longDate(asOf),
        ].merging(updateVariables(notice.updates)) { $1 })
    }

    /// `has_updates`, `update_count`, `updates_text` and the `updates` list.
    func updateVariables(_ changes: [StatusChange]) -> [String: Any] {
        let told = StatusChanges.coalesce(changes)
        return [
            "has_updates": !told.isEmpty,
            "update_count": told.count,
            "updates_text": Formatting.count(told.count, "update"),
            "updates": told.map(update),
        ]
    }

    func update(_ c: StatusChange) -> [String: Any] {
        var to = c.to.phrase
        if c.to == .quoted, !c.quoteID.isEmpty { to += " (\(c.quoteID))" }
        return compact([
            "recommendation_id": c.recommendationID,
            "description": c.description,
            "description_lines": c.description.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map(String.init),
            "site_name": c.siteLabel,
            "from_status": c.from.phrase,
            "to_status": to,
            "change_text": "\(c.from.phrase) → \(to)",
            "is_good_news": c.to.isGoodNews,
            "is_declined": c.to == .declined,
            "seen_on": Formatting.dayMonthYear(c.observedOn),
        ])
    }

    /// `reminded_count`, `last_reminded_on`, `reminder_text` (`Reminded twice, last on 12 Oct 2026`, empty when never).
    func reminderVariables(_ h: ReminderHistory) -> [String: Any] {
        guard h.count > 0, let last = h.last else { return ["reminded_count": 0, "reminder_text": ""] }
        let times = h.count == 1 ? "once" : h.count == 2 ? "twice" : "\(h.count) times"
        return [
            "reminded_count": h.count,
            "last_reminded_on": Formatting.dayMonthYear(last),
            "reminder_text": "Reminded \(times), last on \(Formatting.dayMonthYear(last))",
        ]
    }

    /// `digest_count` (digests this lead has been in, tonight's included) and `digest_text`.
    func digestCountVariables(_ priorDigests: Int) -> [String: Any] {
        let n = priorDigests + 1
        return ["digest_count": n, "digest_text": n == 1 ? "first digest" : "in \(n) digests so far"]
    }

    /// `has_escalations`, `escalation_count`, `escalations_text`, `escalate_after_digests` and `escalations`.
    func escalationVariables(_ list: [EscalatedLead], afterDigests: Int) -> [String: Any] {
        [
            "has_escalations": !list.isEmpty,
            "escalate_after_text": Formatting.count(afterDigests, "digest"),
            "escalation_count": list.count,
            "escalations_text": Formatting.count(list.count, "lead"),
            "escalations": list.map { e in
                compact(lead(e.lead).merging([
                    "owner_name": e.owner.name,
                    "owner_first_name": Formatting.firstName(e.owner.name),
                ]) { $1 })
            },
        ]
    }
}

/// Copies leads that sat in too many digests to the owner's manager. Pure.
public enum Escalation {
    /// Adds an escalation section to each manager's digest (creating a digest with only that section when the
    /// manager has no stale leads of their own). A lead escalates when it was listed in at least `afterDigests`
    /// earlier delivered digests of its owner; leads of the sales inbox, and owners without a reachable manager, do not.
    /// In place: the plan is not copied.
    public static func escalate(_ plan: inout Plan, people: [String: Person], afterDigests: Int) {
        for (managerID, escalated) in due(plan, people: people, afterDigests: afterDigests, priorDigests: { $0.priorDigests }) {
            if let index = plan.digests.firstIndex(where: { $0.recipient == .person(people[managerID]!) }) {
                plan.digests[index].escalations += escalated
            } else {
                plan.digests.append(StaleLeadDigest(recipient: .person(people[managerID]!), leads: [], moreCount: 0,
                                                    moreValueCents: 0, moreIDs: [], tooOldCount: 0, tooOldValueCents: 0,
                                                    escalations: escalated))
            }
        }
    }

    /// The leads that escalate, by manager, managers in the order of their first owner's digest; `priorDigests` tells in
    /// how many earlier delivered digests a lead was listed.
    public static func due(_ plan: Plan, people: [String: Person], afterDigests: Int,
                           priorDigests: (StaleLead) -> Int) -> [(managerID: String, leads: [EscalatedLead])] {
        var byManager: [String: [EscalatedLead]] = [:]
        var managerOrder: [String] = []
        for digest in plan.digests {
            guard case .person(let owner) = digest.recipient, !owner.managerID.isEmpty, owner.managerID != owner.id,
                  let manager = Planner.reachable(owner.managerID, in: people) else { continue }
            let due = digest.leads.filter { priorDigests($0) >= afterDigests }
            guard !due.isEmpty else { continue }
            if byManager[manager.id] == nil { managerOrder.append(manager.id) }
            byManager[manager.id, default: []] += due.map { EscalatedLead(lead: $0, owner: owner) }
        }
        return managerOrder.map { ($0, byManager[$0]!) }
    }
}

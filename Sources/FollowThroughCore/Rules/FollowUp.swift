/// Adds what the state store knows to a night's plan: reminder history, digest counts, escalations and
/// updates for technicians. Pure: the facts come in.
public struct FollowUp: Sendable {
    public let settings: FollowUpSettings
    public init(settings: FollowUpSettings) { self.settings = settings }

    /// The plan with history and escalations filled in, and each technician's unannounced changes either in their
    /// pre-visit summary or in a lead update of its own. `people` is the dataset's people.
    public func apply(_ plan: Plan, facts: StateFacts, people: [String: Person]) -> Plan {
        var plan = plan
        apply(to: &plan, facts: facts, people: people)
        return plan
    }

    /// As `apply(_:facts:people:)`, in place: a plan held only by the caller is not copied (every listed item is
    /// touched, and a copy beside the caller's doubled the plan's memory: ~20 MB at 5M work orders).
    public func apply(to plan: inout Plan, facts: StateFacts, people: [String: Person]) {
        for s in plan.summaries.indices {
            for v in plan.summaries[s].visits.indices {
                for i in plan.summaries[s].visits[v].items.indices {
                    let id = plan.summaries[s].visits[v].items[i].recommendation.id
                    plan.summaries[s].visits[v].items[i].reminders = facts.reminders[id] ?? .none
                }
            }
        }
        for d in plan.digests.indices {
            for l in plan.digests[d].leads.indices {
                plan.digests[d].leads[l].priorDigests = facts.priorDigests[plan.digests[d].leads[l].recommendation.id] ?? 0
            }
        }
        Escalation.escalate(&plan, people: people, afterDigests: settings.escalateAfterDigests)
        guard settings.sendUpdates else { return }
        var told: Set<String> = []
        for s in plan.summaries.indices {
            let id = plan.summaries[s].technician.id
            plan.summaries[s].updates = facts.changesByTechnician[id] ?? []
            told.insert(id)
        }
        for (technician, changes) in Self.leadUpdates(facts.changesByTechnician, summarized: told, people: people) {
            plan.leadUpdates.append(LeadUpdateNotice(technician: technician, updates: changes))
        }
    }

    /// The technicians told their news in a lead update of its own, in id order: those with changes, no summary
    /// tonight (`summarized`) and an email address.
    public static func leadUpdates(_ changesByTechnician: [String: [StatusChange]], summarized: Set<String>,
                                   people: [String: Person]) -> [(technician: Person, changes: [StatusChange])] {
        changesByTechnician.keys.sorted().compactMap { id in
            guard !summarized.contains(id), let changes = changesByTechnician[id], !changes.isEmpty,
                  let technician = Planner.reachable(id, in: people) else { return nil }
            return (technician, changes)
        }
    }
}

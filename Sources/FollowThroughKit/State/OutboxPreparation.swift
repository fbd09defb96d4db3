import FollowThroughCore
import Foundation

/// One stored message waiting for delivery: its envelope and listing, without its body (read from the state as
/// delivery proceeds, a batch at a time).
public struct OutboxEntry: Sendable, Equatable {
    /// The state store's row id.
    public var rowID: Int64
    /// The as-of date it was rendered for.
    public var asOf: String
    /// The To: as shown (`Alice Ng <alice@example.com>`) and the subject, for listings.
    public var to: String
    public var subject: String
    public var messageID: String
    public var kind: String
    public var envelopeFrom: String
    /// The envelope recipient address.
    public var recipient: String

    public init(rowID: Int64, asOf: String, to: String, subject: String, messageID: String, kind: String,
                envelopeFrom: String, recipient: String) {
        self.rowID = rowID; self.asOf = asOf; self.to = to; self.subject = subject; self.messageID = messageID
        self.kind = kind; self.envelopeFrom = envelopeFrom; self.recipient = recipient
    }

    /// The message to hand to a transport, with its stored body.
    func message(data: [UInt8]) -> OutgoingMessage {
        OutgoingMessage(messageID: messageID, kind: kind, envelopeFrom: envelopeFrom, recipient: recipient, data: data)
    }
}

/// What the outbox step of a run did, and what is left to deliver.
public struct OutboxPreparation: Sendable {
    public var runID: Int64
    public var generation: Int
    /// True when the state had no recommendation statuses yet: statuses recorded, nothing announced.
    public var firstRun: Bool
    /// Status changes seen in tonight's exports.
    public var changesSeen: Int
    /// Messages rendered and stored by this run, by kind.
    public var storedByKind: [String: Int]
    /// Tonight's messages (this as-of date) by kind, whether stored now or by an earlier run of the same date.
    public var tonightByKind: [String: Int]
    /// Tonight's messages an earlier run of the same date already delivered (not sent again).
    public var alreadyDelivered: Int
    /// Undelivered messages of earlier dates retried now, superseded by a newer one, or given up after `retry_days`.
    public var retriedFromEarlier: Int
    public var superseded: Int
    public var expired: Int
    /// Everything to hand to the transport now, oldest first.
    public var deliverable: [OutboxEntry]
    /// Tonight's plan as the outbox step applied the state's facts to it and rendered it (not yet stored: less
    /// what was stored before).
    public var plan = Plan()
}

/// The identity of a night's message: kind and recipient.
struct MessageKey: Hashable {
    var kind: String
    var recipientID: String
}

/// How tonight's messages get composed, given the plan with the state's facts applied and the resend generation:
/// a batch at a time, each handed to `store` (which keeps it in the state) before the next is rendered.
public typealias Compose = (_ plan: Plan, _ generation: Int, _ store: ([ComposedMessage]) throws -> Void) throws -> Void

/// The input of the outbox step.
public struct OutboxRequest {
    public var runID: Int64
    public var asOf: LocalDate
    /// Tonight's data; when its statuses were not read against last run's (`StatusSnapshot.knowsPrevious`), the state's
    /// are read now.
    public var dataset: Dataset
    /// Tonight's plan, as the rules made it, until the outbox step takes it out of its box (`takePlan()`) to fill in
    /// what the state knows where it lies, rather than beside a copy kept here (~20 MB at 5M work orders); the plan it
    /// rendered comes back in `OutboxPreparation.plan`. A request is for one outbox step: a second traps.
    public var plan: Plan { planBox.plan }
    private let planBox: PlanBox
    public var settings: FollowUpSettings
    public var resend: Bool
    public var now: Int64
    public var envelopeFrom: String
    public var compose: Compose
    /// `dataset.statuses` packed beforehand, when they were (they are stored as they are when it knows last run's).
    public var packedStatuses: PackedStatuses?

    public init(runID: Int64, asOf: LocalDate, dataset: Dataset, plan: Plan, settings: FollowUpSettings, resend: Bool,
                now: Int64, envelopeFrom: String, packedStatuses: PackedStatuses? = nil, compose: @escaping Compose) {
        self.runID = runID; self.asOf = asOf; self.dataset = dataset; self.planBox = PlanBox(plan); self.settings = settings
        self.resend = resend; self.now = now; self.envelopeFrom = envelopeFrom
        self.packedStatuses = packedStatuses; self.compose = compose
    }

    /// The plan, taken out (the request holds an empty one from then on).
    func takePlan() -> Plan { planBox.take() }

    /// A plan the outbox step can take, once, so that one value is ever modified.
    private final class PlanBox: @unchecked Sendable {
        private(set) var plan: Plan
        private var taken = false
        init(_ plan: Plan) { self.plan = plan }
        func take() -> Plan {
            precondition(!taken, "an outbox request is for one outbox step")
            taken = true
            var out = Plan()
            swap(&out, &plan)
            return out
        }
    }
}

extension Plan {
    /// The (kind, recipient) of each pre-visit summary and digest in the plan.
    var noticeKeys: Set<MessageKey> {
        var keys = Set(summaries.map { MessageKey(kind: MessageKind.preVisit.rawValue, recipientID: $0.technician.id) })
        for d in digests {
            var id = "sales_inbox"
            if case .person(let p) = d.recipient { id = p.id }
            keys.insert(MessageKey(kind: MessageKind.staleDigest.rawValue, recipientID: id))
        }
        for u in leadUpdates { keys.insert(MessageKey(kind: MessageKind.leadUpdate.rawValue, recipientID: u.technician.id)) }
        return keys
    }

    /// Drops the notices whose message is already stored.
    mutating func remove(_ stored: Set<MessageKey>) {
        guard !stored.isEmpty else { return }
        summaries.removeAll { stored.contains(MessageKey(kind: MessageKind.preVisit.rawValue, recipientID: $0.technician.id)) }
        digests.removeAll { d in
            var id = "sales_inbox"
            if case .person(let p) = d.recipient { id = p.id }
            return stored.contains(MessageKey(kind: MessageKind.staleDigest.rawValue, recipientID: id))
        }
        leadUpdates.removeAll { stored.contains(MessageKey(kind: MessageKind.leadUpdate.rawValue, recipientID: $0.technician.id)) }
    }
}

extension FollowUp {
    /// The keys of the messages `apply(plan, facts:people:)` gives (`Plan.noticeKeys`), worked out without making that
    /// plan: it copies every listed item, and copying and freeing it took ~5 ms at 1M work orders each time the outbox
    /// step only needed to know whom tonight's messages go to.
    func noticeKeys(_ plan: Plan, facts: StateFacts, people: [String: Person]) -> Set<MessageKey> {
        var keys = plan.noticeKeys
        let prior = facts.priorDigests
        for (managerID, _) in Escalation.due(plan, people: people, afterDigests: settings.escalateAfterDigests,
                                             priorDigests: { prior[$0.recommendation.id] ?? 0 }) {
            keys.insert(MessageKey(kind: MessageKind.staleDigest.rawValue, recipientID: managerID))
        }
        guard settings.sendUpdates else { return keys }
        let summarized = Set(plan.summaries.map(\.technician.id))
        for (technician, _) in FollowUp.leadUpdates(facts.changesByTechnician, summarized: summarized, people: people) {
            keys.insert(MessageKey(kind: MessageKind.leadUpdate.rawValue, recipientID: technician.id))
        }
        return keys
    }
}

import Dispatch
import Foundation

/// A message ready to serialise, with who it is for.
public struct ComposedMessage: Sendable, Equatable {
    public var kind: MessageKind
    /// Person id, or `sales_inbox`.
    public var recipientID: String
    public var recipient: MailAddress
    public var mime: MIMEMessage
    /// `mime` as RFC 5322 bytes, serialised where it was rendered (on all cores), ready to store and send.
    public var data: [UInt8]
    /// Recommendation ids listed in full (pre-visit items, digest leads), for reminder history.
    public var listedIDs: [String] = []
    /// State-store ids of the status changes this message announces.
    public var changeIDs: [Int64] = []
    /// `data` as the state keeps it, made on the rendering thread by `MessageComposer.pack` when one is set.
    public var packed: [UInt8]? = nil
}

/// Renders a plan's notices through the templates into MIME messages. Pure: the time comes in.
public struct MessageComposer: Sendable {
    public let templates: TemplateSet
    public let contexts: NoticeContexts
    public let from: MailAddress
    public let salesInbox: MailAddress
    /// When the messages are sent (seconds since the epoch) and the zone offset to show.
    public let date: Int64
    public let utcOffsetSeconds: Int
    /// 0 normally; `--resend` counts up so a forced fresh send gets new Message-IDs (receivers drop repeated ids).
    public var resendGeneration = 0
    /// How the state keeps a body (compressed), when the messages are to be stored: done where each is rendered, on
    /// all cores, not by the one thread that stores them (there it was a third of storing at 1M work orders).
    public var pack: (@Sendable ([UInt8]) -> [UInt8])? = nil

    public init(templates: TemplateSet, contexts: NoticeContexts, from: MailAddress, salesInbox: MailAddress,
                date: Int64, utcOffsetSeconds: Int, resendGeneration: Int = 0) {
        self.templates = templates; self.contexts = contexts; self.from = from; self.salesInbox = salesInbox
        self.date = date; self.utcOffsetSeconds = utcOffsetSeconds; self.resendGeneration = resendGeneration
    }

    /// Every message of the plan, and the people who could not be addressed (with the reason).
    /// Messages are rendered on all cores; the result is the same as one after the other, in plan order.
    public func compose(_ plan: Plan) -> (messages: [ComposedMessage], problems: [String]) {
        compose(plan, concurrently: true)
    }

    /// One notice's message, or why there is none.
    enum Outcome: Sendable {
        case message(ComposedMessage)
        case problem(String)
    }

    func compose(_ plan: Plan, concurrently: Bool) -> (messages: [ComposedMessage], problems: [String]) {
        var messages: [ComposedMessage] = []
        let problems = compose(plan, batchSize: Int.max, concurrently: concurrently) { messages += $0 }
        return (messages, problems)
    }

    /// The plan's messages a batch of at most `batchSize` at a time, in plan order, each batch handed to `each` while
    /// the next is rendered (`RenderPipeline`: so at most two batches of bodies are in memory); returns the people who
    /// could not be addressed. The batches, put together, are what `compose(_:)` returns.
    public func compose(_ plan: Plan, batchSize: Int, _ each: ([ComposedMessage]) throws -> Void) rethrows -> [String] {
        try compose(plan, batchSize: batchSize, concurrently: true, each)
    }

    func compose(_ plan: Plan, batchSize: Int, concurrently: Bool, _ each: ([ComposedMessage]) throws -> Void) rethrows -> [String] {
        let summaries = plan.summaries.count, digests = plan.digests.count
        let count = summaries + digests + plan.leadUpdates.count
        let workers = concurrently ? ProcessInfo.processInfo.activeProcessorCount : 0
        // Rendered on every core while batches are handed over, at most a batch ahead of the one being handed over.
        let pipeline = workers > 0 && count > 1
            ? RenderPipeline(count: count, window: min(batchSize, count), workers: workers) { [self] in
                outcome(plan, $0, summaries: summaries, digests: digests)
            }
            : nil
        defer { pipeline?.finish() }
        var problems: [String] = []
        var start = 0
        while start < count {
            let end = count - start > batchSize ? start + batchSize : count
            var messages: [ComposedMessage] = []
            messages.reserveCapacity(end - start)
            for index in start..<end {
                switch pipeline?.take(index) ?? outcome(plan, index, summaries: summaries, digests: digests) {
                case .message(let m): messages.append(m)
                case .problem(let p): problems.append(p)
                }
            }
            if !messages.isEmpty { try each(messages) }
            start = end
        }
        return problems
    }

    /// The outcome of notice `index`, counting summaries, then digests, then lead updates.
    func outcome(_ plan: Plan, _ index: Int, summaries: Int, digests: Int) -> Outcome {
        if index < summaries {
            let summary = plan.summaries[index]
            switch address(of: summary.technician) {
            case .success(let to):
                var m = message(.preVisit, summary.technician.id, to, contexts.preVisit(summary))
                m.listedIDs = summary.visits.flatMap { $0.items.map(\.recommendation.id) }
                m.changeIDs = summary.updates.map(\.storeID)
                return .message(m)
            case .failure(let error):
                return .problem("people.csv:\(summary.technician.line): \(error.description); no pre-visit summary for \(summary.technician.id)")
            }
        }
        if index < summaries + digests {
            let digest = plan.digests[index - summaries]
            let listed = digest.leads.map(\.recommendation.id)
            switch digest.recipient {
            case .salesInbox:
                var m = message(.staleDigest, "sales_inbox", salesInbox, contexts.staleDigest(digest))
                m.listedIDs = listed
                return .message(m)
            case .person(let person):
                switch address(of: person) {
                case .success(let to):
                    var m = message(.staleDigest, person.id, to, contexts.staleDigest(digest))
                    m.listedIDs = listed
                    return .message(m)
                case .failure(let error):
                    return .problem("people.csv:\(person.line): \(error.description); no stale-lead digest for \(person.id)")
                }
            }
        }
        let update = plan.leadUpdates[index - summaries - digests]
        switch address(of: update.technician) {
        case .success(let to):
            var m = message(.leadUpdate, update.technician.id, to, contexts.leadUpdate(update))
            m.changeIDs = update.updates.map(\.storeID)
            return .message(m)
        case .failure(let error):
            return .problem("people.csv:\(update.technician.line): \(error.description); no lead update for \(update.technician.id)")
        }
    }

    func address(of person: Person) -> Result<MailAddress, MailAddressError> {
        Result { () throws(MailAddressError) in try MailAddress(displayName: person.name, address: person.email) }
    }

    func message(_ kind: MessageKind, _ recipientID: String, _ to: MailAddress, _ context: TemplateContext) -> ComposedMessage {
        let rendered = templates.renderUTF8(kind, context)
        let idKind = resendGeneration == 0 ? kind.rawValue : "\(kind.rawValue)#resend-\(resendGeneration)"
        let id = MessageIDGenerator.make(asOf: contexts.asOf.description, kind: idKind,
                                         recipient: to.address, domain: String(from.domain))
        let mime = MIMEMessage(from: from, to: [to], subject: rendered.subject, date: date, utcOffsetSeconds: utcOffsetSeconds,
                               messageID: id, extraHeaders: [("X-FollowThrough-Kind", kind.rawValue)],
                               textUTF8: rendered.text, htmlUTF8: rendered.html)
        let data = mime.serialized()
        let packed = pack?(data)
        return ComposedMessage(kind: kind, recipientID: recipientID, recipient: to, mime: mime, data: packed == nil ? data : [], packed: packed)
    }
}

/// `(0..<count).map(transform)`, with the calls spread over all cores; the results keep their order.
func concurrentMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(transform) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let slots = Slots(base: buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            slots.base.advanced(by: i).initialize(to: transform(i))
        }
        initialized = count
    }
}

/// The result buffer of `concurrentMap`: each iteration writes only its own slot, so they never race.
private struct Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// A message ready to serialise, with who it is for.
public struct ComposedMessage: Sendable, Equatable {
    public var kind: MessageKind
    /// Person id, or `sales_inbox`.
    public var recipientID: String
    public var recipient: MailAddress
    public var mime: MIMEMessage
    /// Recommendation ids listed in full (pre-visit items, digest leads), for reminder history.
    public var listedIDs: [String] = []
    /// State-store ids of the status changes this message announces.
    public var changeIDs: [Int64] = []
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

    public init(templates: TemplateSet, contexts: NoticeContexts, from: MailAddress, salesInbox: MailAddress,
                date: Int64, utcOffsetSeconds: Int, resendGeneration: Int = 0) {
        self.templates = templates; self.contexts = contexts; self.from = from; self.salesInbox = salesInbox
        self.date = date; self.utcOffsetSeconds = utcOffsetSeconds; self.resendGeneration = resendGeneration
    }

    /// Every message of the plan, and the people who could not be addressed (with the reason).
    public func compose(_ plan: Plan) -> (messages: [ComposedMessage], problems: [String]) {
        var messages: [ComposedMessage] = []
        var problems: [String] = []
        for summary in plan.summaries {
            switch address(of: summary.technician) {
            case .success(let to):
                var m = message(.preVisit, summary.technician.id, to, contexts.preVisit(summary))
                m.listedIDs = summary.visits.flatMap { $0.items.map(\.recommendation.id) }
                m.changeIDs = summary.updates.map(\.storeID)
                messages.append(m)
            case .failure(let error):
                problems.append("people.csv:\(summary.technician.line): \(error.description); no pre-visit summary for \(summary.technician.id)")
            }
        }
        for digest in plan.digests {
            let context = contexts.staleDigest(digest)
            let listed = digest.leads.map(\.recommendation.id)
            switch digest.recipient {
            case .salesInbox:
                var m = message(.staleDigest, "sales_inbox", salesInbox, context)
                m.listedIDs = listed
                messages.append(m)
            case .person(let person):
                switch address(of: person) {
                case .success(let to):
                    var m = message(.staleDigest, person.id, to, context)
                    m.listedIDs = listed
                    messages.append(m)
                case .failure(let error):
                    problems.append("people.csv:\(person.line): \(error.description); no stale-lead digest for \(person.id)")
                }
            }
        }
        for update in plan.leadUpdates {
            switch address(of: update.technician) {
            case .success(let to):
                var m = message(.leadUpdate, update.technician.id, to, contexts.leadUpdate(update))
                m.changeIDs = update.updates.map(\.storeID)
                messages.append(m)
            case .failure(let error):
                problems.append("people.csv:\(update.technician.line): \(error.description); no lead update for \(update.technician.id)")
            }
        }
        return (messages, problems)
    }

    func address(of person: Person) -> Result<MailAddress, MailAddressError> {
        Result { () throws(MailAddressError) in try MailAddress(displayName: person.name, address: person.email) }
    }

    func message(_ kind: MessageKind, _ recipientID: String, _ to: MailAddress, _ context: [String: Any]) -> ComposedMessage {
        let rendered = templates.render(kind, context)
        let idKind = resendGeneration == 0 ? kind.rawValue : "\(kind.rawValue)#resend-\(resendGeneration)"
        let id = MessageIDGenerator.make(asOf: contexts.asOf.description, kind: idKind,
                                         recipient: to.address, domain: String(from.domain))
        let mime = MIMEMessage(from: from, to: [to], subject: rendered.subject, date: date, utcOffsetSeconds: utcOffsetSeconds,
                               messageID: id, extraHeaders: [("X-FollowThrough-Kind", kind.rawValue)],
                               textBody: rendered.text, htmlBody: rendered.html)
        return ComposedMessage(kind: kind, recipientID: recipientID, recipient: to, mime: mime)
    }
}

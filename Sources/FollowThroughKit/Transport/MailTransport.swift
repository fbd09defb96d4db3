/// One message ready for delivery: its bytes and envelope.
public struct OutgoingMessage: Sendable, Equatable {
    public var messageID: String
    public var kind: String
    public var envelopeFrom: String
    public var recipient: String
    public var data: [UInt8]
    public init(messageID: String, kind: String, envelopeFrom: String, recipient: String, data: [UInt8]) {
        self.messageID = messageID; self.kind = kind; self.envelopeFrom = envelopeFrom
        self.recipient = recipient; self.data = data
    }
}

/// What happened to one message.
public struct DeliveryOutcome: Sendable, Equatable {
    public enum Status: String, Sendable { case delivered, failed }
    public var messageID: String
    public var recipient: String
    public var status: Status
    /// True when retrying cannot help (a 5xx reply).
    public var permanent: Bool
    public var attempts: Int
    /// The server's last reply, e.g. `250 2.0.0 Ok: queued`, or the transport's own reason.
    public var reply: String
    public init(messageID: String, recipient: String, status: Status, permanent: Bool, attempts: Int, reply: String) {
        self.messageID = messageID; self.recipient = recipient; self.status = status
        self.permanent = permanent; self.attempts = attempts; self.reply = reply
    }
}

/// A failure that makes the whole transport unusable (bad TLS, bad login, unwritable outbox):
/// the run stops rather than trying every message.
public struct TransportSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A way to hand messages over: the outbox folder, SMTP via libcurl, or a recorder in tests.
public struct MailTransport: Sendable {
    public var name: String
    /// Delivering a message again leaves one copy, the same (the outbox overwrites its file): outcomes may then be
    /// recorded a batch at a time, since a crash before a batch is recorded only makes the next run redo it.
    public var idempotent: Bool
    /// Delivers every message the source gives, reporting each outcome as it happens; throws `TransportSetupError`
    /// when it cannot start. Takes messages from the source only as it is ready to send them. `onOutcome` may be called
    /// from several threads at once (the outbox's writers report failed writes as they meet them), never after
    /// `handOver` returns.
    public var handOver: @Sendable (_ messages: MessageSource, _ onOutcome: @Sendable (DeliveryOutcome) -> Void) throws -> Void
    public init(name: String, idempotent: Bool = false,
                deliver: @escaping @Sendable (MessageSource, @Sendable (DeliveryOutcome) -> Void) throws -> Void) {
        self.name = name; self.idempotent = idempotent; self.handOver = deliver
    }

    /// Delivers the messages of `source` (see `handOver`).
    public func deliver(_ source: MessageSource, _ onOutcome: @Sendable (DeliveryOutcome) -> Void) throws {
        try handOver(source, onOutcome)
    }

    /// Delivers messages already in memory.
    public func deliver(_ messages: [OutgoingMessage], _ onOutcome: @Sendable (DeliveryOutcome) -> Void) throws {
        try deliver(MessageSource(messages), onOutcome)
    }
}

/// The `[rules]` knobs that need the state store: retries, updates to technicians, escalation.
public struct FollowUpSettings: Sendable, Equatable {
    /// A message that failed transiently is retried by runs up to this many days after its as-of date.
    public var retryDays = 2
    /// Tell technicians when their recommendations move.
    public var sendUpdates = true
    /// A lead listed in this many delivered digests is copied to the owner's manager.
    public var escalateAfterDigests = 4

    public init(retryDays: Int = 2, sendUpdates: Bool = true, escalateAfterDigests: Int = 4) {
        self.retryDays = retryDays; self.sendUpdates = sendUpdates; self.escalateAfterDigests = escalateAfterDigests
    }
}

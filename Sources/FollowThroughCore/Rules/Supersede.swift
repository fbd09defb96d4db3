/// What a run does with a message stored by an earlier run that has not been delivered. Pure.
public enum RetryDecision: String, Sendable, Equatable {
    /// Deliver it (again) now.
    case deliver
    /// A newer message of the same kind to the same person replaces it; never send it.
    case superseded
    /// Failed transiently for longer than `retry_days`; give up.
    case expired
    /// Failed permanently (the server refused it); never retried.
    case permanent
}

/// The retry rule for undelivered messages.
public enum RetryRule {
    /// Decides for one undelivered message of `messageAsOf`, seen by a run for `runAsOf`. `hasNewer` is true when the
    /// run has (or stores) a message of the same kind to the same recipient for a later as-of date.
    public static func decide(messageAsOf: LocalDate, runAsOf: LocalDate, failedPermanently: Bool, hasNewer: Bool,
                              retryDays: Int) -> RetryDecision {
        if failedPermanently { return .permanent }
        if hasNewer && messageAsOf < runAsOf { return .superseded }
        if runAsOf.days(since: messageAsOf) > retryDays { return .expired }
        return .deliver
    }
}

/// A value passed to another thread to own: `take()` hands it over once, and the handoff keeps no copy (a captured
/// copy of a value with copy-on-write storage makes the receiver's first write copy it all).
final class Handoff<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: Value) { self.value = value }

    /// The value, once; the handoff holds nothing afterwards.
    func take() -> Value { value.take()! }
}

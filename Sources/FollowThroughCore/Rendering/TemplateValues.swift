/// Builds one template context. Empty text is left out (see `NoticeContexts`); setting a key again
/// replaces it, and setting it to empty text removes it, as `merging` then dropping empties would.
struct ContextBuilder {
    private(set) var values: [String: Any]

    init(capacity: Int) { values = Dictionary(minimumCapacity: capacity) }

    mutating func text(_ key: String, _ value: String) { values[key] = value.isEmpty ? nil : value }
    mutating func number(_ key: String, _ value: Int) { values[key] = value }
    mutating func flag(_ key: String, _ value: Bool) { values[key] = value }
    mutating func list(_ key: String, _ value: [[String: Any]]) { values[key] = value }
    /// A list of lines (kept even when empty, with its elements as they are).
    mutating func lines(_ key: String, _ value: [String]) { values[key] = value }
    mutating func object(_ key: String, _ value: [String: Any]) { values[key] = value }
}

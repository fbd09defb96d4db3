/// A value a template can show: what `NoticeContexts` puts in a context.
public enum TemplateValue: Sendable, Equatable {
    case text(String)
    case number(Int)
    case flag(Bool)
    /// Lines of text (`description_lines`).
    case lines([String])
    case list([TemplateContext])
    case object(TemplateContext)

    /// The same value as swift-mustache sees it: `String`, `Int`, `Bool`, `[String]`, `[[String: Any]]`, `[String: Any]`.
    public var plain: Any {
        switch self {
        case .text(let s): s
        case .number(let n): n
        case .flag(let b): b
        case .lines(let lines): lines
        case .list(let list): list.map(\.plain)
        case .object(let object): object.plain
        }
    }

    /// Reads a plain value back; nil for any other type.
    init?(plain value: Any) {
        switch ObjectIdentifier(type(of: value)) {
        case ObjectIdentifier(String.self): self = .text(value as! String)
        case ObjectIdentifier(Int.self): self = .number(value as! Int)
        case ObjectIdentifier(Bool.self): self = .flag(value as! Bool)
        case ObjectIdentifier([String].self): self = .lines(value as! [String])
        case ObjectIdentifier([[String: Any]].self):
            var list: [TemplateContext] = []
            for element in value as! [[String: Any]] {
                guard let context = TemplateContext(plain: element) else { return nil }
                list.append(context)
            }
            self = .list(list)
        case ObjectIdentifier([String: Any].self):
            guard let context = TemplateContext(plain: value as! [String: Any]) else { return nil }
            self = .object(context)
        default: return nil
        }
    }
}

/// The variables of one template context (a message, a visit, an item…), by name.
///
/// A context holds a few dozen names at most, so they are kept in order of setting, with a 32-bit hash of each
/// beside them: a lookup compares hashes, then one name. Hashing a name into a `Dictionary` at every lookup and
/// every setting cost more than the rest of rendering a variable.
public struct TemplateContext: Sendable, Equatable {
    private var hashes: [UInt32] = []
    private var entries: [Entry] = []
    /// (A struct, not a tuple: an array of tuples is freed through the runtime's generic tuple witnesses, element by
    /// element, ~14 ms of rendering's CPU at 1M work orders.)
    private struct Entry: Sendable {
        var name: String
        var value: TemplateValue
    }
    /// Bit `hash % 64` of each name held: most lookups walking up the stack miss, and this tells them at once.
    private var mask: UInt64 = 0

    public init(_ values: [String: TemplateValue] = [:]) {
        for (name, value) in values { self[name] = value }
    }

    /// Room for `capacity` names, set one by one.
    init(capacity: Int) {
        hashes.reserveCapacity(capacity)
        entries.reserveCapacity(capacity)
    }

    /// The variables by name.
    public var values: [String: TemplateValue] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.value) })
    }

    public subscript(name: String) -> TemplateValue? {
        get { self[TemplateName(name)] }
        set { set(TemplateName(name), newValue) }
    }

    /// The value of a name whose hash is already known.
    subscript(name: TemplateName) -> TemplateValue? {
        index(of: name).map { entries[$0].value }
    }

    /// Sets (or, with nil, removes) `name`.
    mutating func set(_ name: TemplateName, _ value: TemplateValue?) {
        switch (index(of: name), value) {
        case let (i?, value?): entries[i].value = value
        case let (i?, nil):
            hashes.remove(at: i); entries.remove(at: i)
            mask = hashes.reduce(0) { $0 | Self.bit($1) }
        case let (nil, value?):
            hashes.append(name.hash); entries.append(Entry(name: name.name, value: value))
            mask |= Self.bit(name.hash)
        case (nil, nil): break
        }
    }

    private static func bit(_ hash: UInt32) -> UInt64 { 1 << UInt64(hash & 63) }

    private func index(of name: TemplateName) -> Int? {
        guard mask & Self.bit(name.hash) != 0 else { return nil }
        return hashes.withUnsafeBufferPointer { hashes in
            for i in hashes.indices where hashes[i] == name.hash && entries[i].name == name.name { return i }
            return nil
        }
    }

    /// The same names with the same values, in whatever order they were set.
    public static func == (a: TemplateContext, b: TemplateContext) -> Bool {
        a.entries.count == b.entries.count && a.entries.allSatisfy { b[TemplateName($0.name)] == $0.value }
    }

    /// The context as swift-mustache sees it (see `TemplateValue.plain`).
    public var plain: [String: Any] { values.mapValues(\.plain) }

    /// Reads a plain context back; nil when a value has a type `TemplateValue` does not cover.
    public init?(plain: [String: Any]) {
        for (name, value) in plain {
            guard let v = TemplateValue(plain: value) else { return nil }
            self[name] = v
        }
    }
}

/// A variable's name with its hash (FNV-1a over the UTF-8), computed once: tags when a template is compiled.
struct TemplateName: Sendable {
    let name: String
    let hash: UInt32

    init(_ name: String) {
        self.name = name
        var utf8 = name
        hash = utf8.withUTF8 { bytes in
            var hash: UInt32 = 2_166_136_261
            for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            return hash
        }
    }
}

/// Builds one template context. Empty text is left out (see `NoticeContexts`); setting a name again
/// replaces it, and setting it to empty text removes it, as `merging` then dropping empties would.
struct ContextBuilder {
    private(set) var context: TemplateContext

    init(capacity: Int) { context = TemplateContext(capacity: capacity) }

    mutating func text(_ name: String, _ value: String) { context[name] = value.isEmpty ? nil : .text(value) }
    mutating func number(_ name: String, _ value: Int) { context[name] = .number(value) }
    mutating func flag(_ name: String, _ value: Bool) { context[name] = .flag(value) }
    mutating func list(_ name: String, _ value: [TemplateContext]) { context[name] = .list(value) }
    /// A list of lines (kept even when empty, with its elements as they are).
    mutating func lines(_ name: String, _ value: [String]) { context[name] = .lines(value) }
    mutating func object(_ name: String, _ value: TemplateContext) { context[name] = .object(value) }
}

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
public struct TemplateContext: Sendable, Equatable {
    public var values: [String: TemplateValue]

    public init(_ values: [String: TemplateValue] = [:]) { self.values = values }

    public subscript(name: String) -> TemplateValue? { values[name] }

    /// The context as swift-mustache sees it (see `TemplateValue.plain`).
    public var plain: [String: Any] { values.mapValues(\.plain) }

    /// Reads a plain context back; nil when a value has a type `TemplateValue` does not cover.
    public init?(plain: [String: Any]) {
        var values: [String: TemplateValue] = Dictionary(minimumCapacity: plain.count)
        for (name, value) in plain {
            guard let v = TemplateValue(plain: value) else { return nil }
            values[name] = v
        }
        self.values = values
    }
}

/// Builds one template context. Empty text is left out (see `NoticeContexts`); setting a name again
/// replaces it, and setting it to empty text removes it, as `merging` then dropping empties would.
struct ContextBuilder {
    private(set) var context: TemplateContext

    init(capacity: Int) { context = TemplateContext(Dictionary(minimumCapacity: capacity)) }

    mutating func text(_ name: String, _ value: String) { context.values[name] = value.isEmpty ? nil : .text(value) }
    mutating func number(_ name: String, _ value: Int) { context.values[name] = .number(value) }
    mutating func flag(_ name: String, _ value: Bool) { context.values[name] = .flag(value) }
    mutating func list(_ name: String, _ value: [TemplateContext]) { context.values[name] = .list(value) }
    /// A list of lines (kept even when empty, with its elements as they are).
    mutating func lines(_ name: String, _ value: [String]) { context.values[name] = .lines(value) }
    mutating func object(_ name: String, _ value: TemplateContext) { context.values[name] = .object(value) }
}

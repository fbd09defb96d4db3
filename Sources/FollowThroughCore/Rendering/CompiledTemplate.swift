import Mustache

/// A parsed swift-mustache template, rendered without swift-mustache's dynamic casts.
///
/// swift-mustache parses (delimiters, comments, standalone lines); this reads the parsed tokens and
/// renders them over `TemplateContext` values exactly as swift-mustache renders the same context in
/// plain Swift values (`TemplateContext.plain`): same lookups up the context stack, same truthiness,
/// same escaping. Only text, variables, sections, inverted sections and content-type pragmas are
/// covered; `compile` returns nil for a template with anything else (partials, inheritance
/// blocks, transforms such as `{{uppercased(name)}}`), and the caller renders that one with
/// swift-mustache. Tests compare both renderers on the shipped templates and on random ones.
struct CompiledTemplate: Sendable {
    indirect enum Node: Sendable {
        /// Literal text, as UTF-8.
        case text([UInt8])
        case variable(Name, escaped: Bool)
        case section(Name, [Node])
        case invertedSection(Name, [Node])
        case contentType(any MustacheContentType)
    }

    /// Where a tag's name is looked up, as swift-mustache's `getChild` does it.
    enum Name: Sendable {
        /// `{{.}}`: the innermost context.
        case current
        /// `{{.a.b}}`: from the innermost context only.
        case innermost([TemplateName])
        /// `{{a.b}}`: `a` in the innermost context that has it, then `b` in that value.
        case stack([TemplateName])

        init(_ name: String) {
            if name == "." {
                self = .current
            } else if name.first == "." {
                self = .innermost(name.split(separator: ".").map { TemplateName(String($0)) })
            } else {
                self = .stack(name.split(separator: ".").map { TemplateName(String($0)) })
            }
        }
    }

    let nodes: [Node]

    /// The template's tokens read through `Mirror`; nil when one is not covered or not recognised.
    init?(_ template: MustacheTemplate) {
        guard let nodes = Self.nodes(of: template) else { return nil }
        self.nodes = nodes
    }

    /// Renders `context` as swift-mustache would render `context.plain`.
    func render(_ context: TemplateContext) -> String { String(decoding: renderUTF8(context), as: UTF8.self) }

    /// `render(_:)`'s text as UTF-8 bytes (valid: every piece comes from a `String`).
    func renderUTF8(_ context: TemplateContext) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        var stack: [TemplateValue] = [.object(context)]
        // swift-mustache starts in HTML; our templates set their content type first thing anyway.
        Self.render(nodes, &stack, .html, into: &out)
        return out
    }

    /// How a variable's text is escaped: `FastHTMLContentType` straight into the bytes, any other content type
    /// (swift-mustache's text one, which changes nothing) through its own `escapeText`.
    enum Escaping {
        case html
        case other(any MustacheContentType)

        init(_ type: any MustacheContentType) {
            self = type is FastHTMLContentType ? .html : .other(type)
        }
    }

    /// Renders into UTF-8 bytes: appending a value's bytes costs a copy, where appending to a `String` also
    /// re-checked its encoding and grew it piece by piece.
    private static func render(_ nodes: [Node], _ stack: inout [TemplateValue], _ escaping: Escaping, into out: inout [UInt8]) {
        var escaping = escaping
        for node in nodes {
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .variable(let name, let escaped):
                guard let value = lookUp(name, stack) else { continue }
                let text: String
                switch value {
                case .text(let s): text = s
                case .number(let n): text = String(n)
                case .flag(let b): text = b ? "true" : "false"
                case .lines, .list, .object: text = String(describing: value.plain)
                }
                switch (escaped, escaping) {
                case (false, _): out.append(contentsOf: text.utf8)
                case (true, .html): FastHTMLContentType.escape(text, into: &out)
                case (true, .other(let type)): out.append(contentsOf: type.escapeText(text).utf8)
                }
            case .section(let name, let body):
                guard let value = lookUp(name, stack) else { continue }
                switch value {
                case .list(let list):
                    for element in list {
                        stack.append(.object(element))
                        render(body, &stack, escaping, into: &out)
                        stack.removeLast()
                    }
                case .lines(let lines):
                    for line in lines {
                        stack.append(.text(line))
                        render(body, &stack, escaping, into: &out)
                        stack.removeLast()
                    }
                case .flag(let b):
                    if b { render(body, &stack, escaping, into: &out) }
                case .text, .number, .object:
                    stack.append(value)
                    render(body, &stack, escaping, into: &out)
                    stack.removeLast()
                }
            case .invertedSection(let name, let body):
                switch lookUp(name, stack) {
                case nil, .flag(false)?:
                    render(body, &stack, escaping, into: &out)
                case let value? where value.isEmptySequence:
                    // swift-mustache renders an empty list's inverted section with the list as the context.
                    stack.append(value)
                    render(body, &stack, escaping, into: &out)
                    stack.removeLast()
                default:
                    break
                }
            case .contentType(let type):
                escaping = Escaping(type)
            }
        }
    }

    private static func lookUp(_ name: Name, _ stack: [TemplateValue]) -> TemplateValue? {
        switch name {
        case .current:
            return stack.last
        case .innermost(let names):
            return descend(names[...], from: stack[stack.count - 1])
        case .stack(let names):
            guard let first = names.first else { return stack.last }
            var i = stack.count - 1
            while i >= 0 {
                if case .object(let context) = stack[i], let child = context[first] {
                    return names.count == 1 ? child : descend(names.dropFirst(), from: child)
                }
                i -= 1
            }
            return nil
        }
    }

    /// Only objects have named children: a `String`, number, `Bool` or array has none (its `Mirror` has no labels).
    private static func descend(_ names: ArraySlice<TemplateName>, from value: TemplateValue) -> TemplateValue? {
        var value = value
        for name in names {
            guard case .object(let context) = value, let child = context[name] else { return nil }
            value = child
        }
        return value
    }

    // MARK: Reading swift-mustache's tokens

    private static func nodes(of template: MustacheTemplate) -> [Node]? {
        guard let tokens = Mirror(reflecting: template).children.first(where: { $0.label == "tokens" })?.value as? [Any]
        else { return nil }
        var nodes: [Node] = []
        nodes.reserveCapacity(tokens.count)
        for token in tokens {
            guard let node = node(of: token) else { return nil }
            nodes.append(node)
        }
        return nodes
    }

    private static func node(of token: Any) -> Node? {
        let mirror = Mirror(reflecting: token)
        guard mirror.displayStyle == .enum, mirror.children.count == 1, let token = mirror.children.first,
              let kind = token.label else { return nil }
        let payload = Mirror(reflecting: token.value).children.map { (label: $0.label, value: $0.value) }
        switch kind {
        case "text":
            return (token.value as? String).map { Node.text(Array($0.utf8)) }
        case "variable", "unescapedVariable":
            guard payload.count == 2, payload[0].label == "name", payload[1].label == "transforms",
                  let name = payload[0].value as? String, let transforms = payload[1].value as? [String],
                  transforms.isEmpty else { return nil }
            return .variable(Name(name), escaped: kind == "variable")
        case "section", "invertedSection":
            guard payload.count == 3, payload[0].label == "name", payload[1].label == "transforms", payload[2].label == "template",
                  let name = payload[0].value as? String, let transforms = payload[1].value as? [String],
                  transforms.isEmpty, let template = payload[2].value as? MustacheTemplate,
                  let body = nodes(of: template) else { return nil }
            return kind == "section" ? .section(Name(name), body) : .invertedSection(Name(name), body)
        case "contentType":
            return (token.value as? any MustacheContentType).map(Node.contentType)
        default:
            return nil
        }
    }
}

extension TemplateValue {
    /// An empty list: swift-mustache's inverted section shows for it (as for false or a missing value).
    var isEmptySequence: Bool {
        switch self {
        case .list(let list): list.isEmpty
        case .lines(let lines): lines.isEmpty
        default: false
        }
    }
}

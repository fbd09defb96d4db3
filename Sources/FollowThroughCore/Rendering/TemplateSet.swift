import Mustache

/// The kinds of message FollowThrough sends; each has a subject, a text and an HTML template.
public enum MessageKind: String, Sendable, CaseIterable {
    case preVisit = "pre-visit"
    case staleDigest = "stale-digest"
    case leadUpdate = "lead-update"

    /// File names of this kind's templates, e.g. `pre-visit.subject.mustache`.
    public var templateFiles: (subject: String, text: String, html: String) {
        ("\(rawValue).subject.mustache", "\(rawValue).text.mustache", "\(rawValue).html.mustache")
    }
}

/// A template that does not parse, located by file, line and column.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var lineText: String
    public var message: String
    public init(file: String, line: Int, column: Int, lineText: String, message: String) {
        self.file = file; self.line = line; self.column = column; self.lineText = lineText; self.message = message
    }
    public var description: String {
        "\(file):\(line):\(column): \(message)\n    \(lineText)\n    \(String(repeating: " ", count: max(0, column - 1)))^"
    }
}

/// Parsed templates for every message kind. HTML templates escape values; subject and text do not.
public struct TemplateSet: Sendable {
    struct Trio: Sendable { var subject, text, html: Template }
    let templates: [MessageKind: Trio]

    /// A parsed template, and its compiled form when `CompiledTemplate` covers every tag in it.
    struct Template: Sendable {
        let parsed: MustacheTemplate
        let compiled: CompiledTemplate?

        init(_ parsed: MustacheTemplate) {
            self.parsed = parsed
            self.compiled = CompiledTemplate(parsed)
        }

        func render(_ context: TemplateContext) -> String {
            compiled?.render(context) ?? parsed.render(context.plain)
        }

        /// As `render(_:)`, as UTF-8 bytes.
        func renderUTF8(_ context: TemplateContext) -> [UInt8] {
            compiled?.renderUTF8(context) ?? Array(parsed.render(context.plain).utf8)
        }
    }

    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"
    /// Same escaping as swift-mustache's default HTML content type, only faster (`FastHTMLContentType`).
    /// On a line of its own, which the parser drops as a standalone tag: unlike the text pragma it
    /// does not change how the template's first line is rendered (and errors are one line lower).
    static let htmlPragmaLine = "{{% CONTENT_TYPE: \(FastHTMLContentType.name)}}\n"

    /// Parses every template; `sources` maps a file name (e.g. `pre-visit.html.mustache`) to its text.
    /// Throws the first missing or unparseable file, in a stable order. `folder` prefixes reported paths.
    public init(sources: [String: String], folder: String = "") throws(TemplateError) {
        var templates: [MessageKind: Trio] = [:]
        for kind in MessageKind.allCases {
            let files = kind.templateFiles
            templates[kind] = Trio(
                subject: try Self.parse(files.subject, sources, folder, html: false),
                text: try Self.parse(files.text, sources, folder, html: false),
                html: try Self.parse(files.html, sources, folder, html: true))
        }
        self.templates = templates
    }

    /// Every template file name the set needs.
    public static var requiredFiles: [String] {
        MessageKind.allCases.flatMap { [$0.templateFiles.subject, $0.templateFiles.text, $0.templateFiles.html] }
    }

    private static func parse(_ name: String, _ sources: [String: String], _ folder: String, html: Bool) throws(TemplateError) -> Template {
        let path = folder.isEmpty ? name : "\(folder)/\(name)"
        guard let text = sources[name] else {
            throw TemplateError(file: path, line: 0, column: 0, lineText: "", message: "template file is missing (copy it from the templates/ folder that ships with FollowThrough)")
        }
        FastHTMLContentType.registered
        let prefix = html ? htmlPragmaLine : textPragma
        do {
            return Template(try MustacheTemplate(string: prefix + text))
        } catch let error as MustacheTemplate.ParserError {
            if html {
                throw TemplateError(file: path, line: max(1, error.context.lineNumber - 1), column: error.context.columnNumber,
                                    lineText: error.context.line, message: describe(error.error))
            }
            let onFirstLine = error.context.lineNumber == 1
            let shift = onFirstLine ? prefix.count : 0
            var lineText = error.context.line
            if onFirstLine, lineText.hasPrefix(prefix) { lineText.removeFirst(prefix.count) }
            throw TemplateError(file: path, line: error.context.lineNumber, column: max(1, error.context.columnNumber - shift),
                                lineText: lineText, message: describe(error.error))
        } catch {
            throw TemplateError(file: path, line: 1, column: 1, lineText: "", message: "\(error)")
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: return "section closed with the wrong name ({{/name}} must match its {{#name}})"
        case .unfinishedName?: return "unfinished tag (a '{{' without its '}}')"
        case .expectedSectionEnd?: return "section never closed (add the matching {{/name}})"
        case .invalidSetDelimiter?: return "badly formed set-delimiter tag"
        case .invalidConfigVariableSyntax?, .unrecognisedConfigVariable?: return "unknown pragma ({{% … }})"
        default: return "template does not parse: \(error)"
        }
    }

    /// Renders one kind's subject (on one line), text body and HTML body.
    public func render(_ kind: MessageKind, _ context: TemplateContext) -> (subject: String, text: String, html: String) {
        let rendered = renderUTF8(kind, context)
        return (rendered.subject, String(decoding: rendered.text, as: UTF8.self), String(decoding: rendered.html, as: UTF8.self))
    }

    /// As `render(_:_:)`, the bodies as UTF-8 bytes (what a message is made of).
    public func renderUTF8(_ kind: MessageKind, _ context: TemplateContext) -> (subject: String, text: [UInt8], html: [UInt8]) {
        let trio = templates[kind]!
        return (Self.oneLine(trio.subject.render(context)), trio.text.renderUTF8(context), trio.html.renderUTF8(context))
    }

    /// Renders plain values (`String`, `Int`, `Bool`, lists and dictionaries of them) as swift-mustache
    /// would; a context with other values is rendered by swift-mustache itself.
    public func render(_ kind: MessageKind, _ context: [String: Any]) -> (subject: String, text: String, html: String) {
        if let typed = TemplateContext(plain: context) { return render(kind, typed) }
        return renderWithSwiftMustache(kind, context)
    }

    /// Renders with swift-mustache alone (tests compare the compiled templates with it).
    func renderWithSwiftMustache(_ kind: MessageKind, _ context: [String: Any]) -> (subject: String, text: String, html: String) {
        let trio = templates[kind]!
        return (Self.oneLine(trio.subject.parsed.render(context)), trio.text.parsed.render(context), trio.html.parsed.render(context))
    }

    /// True when every template of `kind` renders through `CompiledTemplate`.
    func isCompiled(_ kind: MessageKind) -> Bool {
        let trio = templates[kind]!
        return trio.subject.compiled != nil && trio.text.compiled != nil && trio.html.compiled != nil
    }

    private static func oneLine(_ subject: String) -> String {
        subject.replacingControlCharacters.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

import CByteMarks
import Mustache

/// swift-mustache's HTML escaping, byte for byte, without a dictionary lookup per character.
///
/// The library replaces each *character* (grapheme cluster) equal to `<`, `>`, `&`, `"` or `'`.
/// Text without those bytes comes back unchanged; in ASCII text every such byte is a character of
/// its own, so bytes can be replaced directly; other text goes through the same per-character loop.
struct FastHTMLContentType: MustacheContentType {
    /// The name used in the `{{% CONTENT_TYPE: … }}` pragma put in front of HTML templates.
    static let name = "FOLLOWTHROUGH_HTML"

    /// Registers the content type with swift-mustache, once per process.
    static let registered: Void = MustacheContentTypes.register(FastHTMLContentType(), named: name)

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text`, escaped as `escape(_:)` escapes it, to `out`.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        // Most values have nothing to escape: one scan (16 bytes a step), one copy.
        let clean = text.withUTF8 { utf8 in
            guard let p = utf8.baseAddress, ft_html_special_index(p, utf8.count) < utf8.count else {
                out.append(contentsOf: utf8)
                return true
            }
            return false
        }
        if clean { return }
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return out.append(contentsOf: escapeCharacters(text).utf8) }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
    }

    /// The library's own algorithm (`String.htmlEscape` in swift-mustache), for non-ASCII text:
    /// `<` followed by a combining mark is one character, not equal to `<`, and is left alone.
    private static func escapeCharacters(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

import Mustache
import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

@Suite struct HTMLEscapingTests {
    /// swift-mustache's own HTML escaping: a template without a content-type pragma.
    static let reference = try! MustacheTemplate(string: "{{x}}")

    @Test(arguments: [
        "", "plain text", "<b>Tom & Jerry's \"shop\"</b>", "&&&<<<>>>'''\"\"\"", "a\r\nb<\r\n>",
        "Café Élise <Inc.> & Søn", "<\u{338} combining mark after a less-than sign", "&\u{301}", "'\u{200D}",
        "\u{600}<prepend then less-than", "emoji 👩‍🔧 <br> & 🇨🇦", "\u{0}<\u{7F}>", "\u{FEFF}&amp;",
    ])
    func escapesLikeSwiftMustache(text: String) {
        #expect(FastHTMLContentType.escape(text) == Self.reference.render(["x": text]))
    }

    @Test func escapesRandomTextLikeSwiftMustache() {
        let alphabet: [String] = ["a", " ", "<", ">", "&", "\"", "'", "\r", "\n", "é", "e\u{301}", "\u{301}", "\u{338}",
                                  "\u{200D}", "\u{600}", "👩", "🔧", "🇨", "\u{FE0F}", "\t"]
        var rng = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            let text = (0..<Int(rng.next() % 40)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            #expect(FastHTMLContentType.escape(text) == Self.reference.render(["x": text]), "\(text.unicodeScalars.map { $0.value })")
        }
    }
}

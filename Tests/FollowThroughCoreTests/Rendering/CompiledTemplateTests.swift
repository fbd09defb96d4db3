import Mustache
import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

@Suite struct CompiledTemplateTests {
    static let context = TemplateContext([
        "a": .text("A & <a>"), "b": .text("b'\"b"), "n": .number(42), "z": .number(0), "t": .flag(true), "f": .flag(false),
        "lines": .lines(["one", "two <2>"]), "none": .lines([]), "empty": .list([]),
        "list": .list([
            TemplateContext(["a": .text("in list 1"), "x": .number(1), "f": .flag(true)]),
            TemplateContext(["x": .number(2), "obj": .object(TemplateContext(["x": .text("deep")]))]),
        ]),
        "obj": .object(TemplateContext(["x": .text("obj.x"), "list": .list([TemplateContext(["y": .text("obj.list.y")])])])),
        "blank": .text(""),
    ])

    /// Tag names that hit every kind of value, miss, or walk the stack.
    static let names = ["a", "b", "n", "z", "t", "f", "lines", "none", "empty", "list", "obj", "obj.x", "obj.list", "obj.nope",
                        "x", "y", "missing", ".", ".a", ".x", "a.length", "lines.count", "blank", "..", "obj.x.y"]

    /// A random, mostly well-formed template: text, variables and nested sections.
    static func randomTemplate(_ rng: inout SplitMix64, depth: Int = 0) -> String {
        let texts = ["x", " ", "\n", "  \n", "<p>", "&", "\r\n", "é\u{301}"]
        var out = ""
        for _ in 0..<Int(rng.next() % 6) {
            let name = names[Int(rng.next() % UInt64(names.count))]
            switch rng.next() % 10 {
            case 0, 1: out += texts[Int(rng.next() % UInt64(texts.count))]
            case 2, 3: out += "{{\(name)}}"
            case 4: out += rng.next() % 2 == 0 ? "{{{\(name)}}}" : "{{& \(name)}}"
            case 5...7 where depth < 3:
                let open = rng.next() % 3 == 0 ? "^" : "#"
                let standalone = rng.next() % 2 == 0 ? "\n" : ""
                out += "{{\(open)\(name)}}\(standalone)\(randomTemplate(&rng, depth: depth + 1))\(standalone){{/\(name)}}"
            case 8: out += "{{! comment }}"
            default: out += "{{=<% %>=}}<% \(name) %><%={{ }}=%>"
            }
        }
        return out
    }

    @Test(arguments: ["", TemplateSet.textPragma, TemplateSet.htmlPragmaLine])
    func rendersRandomTemplatesExactlyAsSwiftMustache(prefix: String) throws {
        FastHTMLContentType.registered
        var rng = SplitMix64(seed: 7)
        var compared = 0, exact = 0
        for _ in 0..<4000 {
            let text = Self.randomTemplate(&rng)
            guard let template = try? MustacheTemplate(string: prefix + text) else { continue }
            let compiled = try #require(CompiledTemplate(template), "\(text)")
            let ours = compiled.render(Self.context), reference = template.render(Self.context.plain)
            compared += 1
            if ours == reference { exact += 1; continue }
            // A tag naming an object shows a `Dictionary` description, whose entry order Swift seeds per instance
            // (in swift-mustache too): there, only the same entries are defined.
            let describesDictionary = reference.contains("\": ") || reference.contains("&quot;: ")
            #expect(describesDictionary && ours.sorted() == reference.sorted(), "\(text.debugDescription)")
        }
        #expect(compared > 2000)
        #expect(exact > compared / 2)  // most templates name no object; the order is random per run
    }

    @Test(arguments: ["{{> partial}}", "{{uppercased(a)}}", "{{#reversed(list)}}{{x}}{{/reversed(list)}}", "{{$block}}x{{/block}}",
                      "{{<parent}}{{/parent}}", "{{#list}}{{first()}}{{/list}}"])
    func leavesWhatItDoesNotCoverToSwiftMustache(text: String) throws {
        #expect(CompiledTemplate(try MustacheTemplate(string: text)) == nil)
    }

    @Test func plainValuesReadBack() throws {
        let back = try #require(TemplateContext(plain: Self.context.plain))
        #expect(back == Self.context)
        #expect(TemplateContext(plain: ["x": 1.5]) == nil)
        #expect(TemplateContext(plain: ["x": [1, 2]]) == nil)
        #expect(TemplateContext(plain: ["x": Optional<String>.none as Any]) == nil)
    }
}

import Testing

@testable import FollowThroughCore

@Suite struct TemplateValuesTests {
    @Test func namesAreSetReplacedAndRemoved() {
        var c = ContextBuilder(capacity: 4)
        c.text("site_name", "Birchmount Hotel")
        c.number("item_count", 2)
        c.text("site_name", "Birchmount Hotel (east wing)")  // set again: replaced
        c.flag("has_value", true)
        c.text("has_value", "")  // empty text: removed, as if never set
        #expect(c.context["site_name"] == .text("Birchmount Hotel (east wing)"))
        #expect(c.context["item_count"] == .number(2))
        #expect(c.context["has_value"] == nil)
        #expect(c.context["missing"] == nil)
        #expect(c.context.values == ["site_name": .text("Birchmount Hotel (east wing)"), "item_count": .number(2)])
    }

    @Test func manyNamesAreAllFoundWhateverTheirHashes() {
        // Far more names than the 64 bits of the presence mask: many share a bit, some may share a hash's low bits.
        var context = TemplateContext()
        for i in 0..<500 { context["name_\(i)"] = .number(i) }
        for i in 0..<500 { #expect(context["name_\(i)"] == .number(i)) }
        for i in stride(from: 0, to: 500, by: 2) { context["name_\(i)"] = nil }
        for i in 0..<500 { #expect(context["name_\(i)"] == (i % 2 == 0 ? nil : .number(i))) }
        #expect(context["name_500"] == nil && context.values.count == 250)
    }

    @Test func equalityIgnoresTheOrderNamesWereSetIn() {
        var a = TemplateContext(), b = TemplateContext()
        a["x"] = .text("1"); a["y"] = .flag(true)
        b["y"] = .flag(true); b["x"] = .text("1")
        #expect(a == b)
        b["x"] = .text("2")
        #expect(a != b)
        #expect(TemplateContext(["x": .text("1"), "y": .flag(true)]) == a)
    }
}

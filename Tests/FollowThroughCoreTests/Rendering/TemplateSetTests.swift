import Foundation
import Mustache
import Testing
@testable import FollowThroughCore

@Suite struct TemplateSetTests {
    static func minimalSources() -> [String: String] {
        var sources: [String: String] = [:]
        for name in TemplateSet.requiredFiles { sources[name] = "{{site_name}}" }
        return sources
    }

    /// The templates that ship in templates/.
    static func shippedSources() throws -> [String: String] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../templates").standardized
        var sources: [String: String] = [:]
        for name in TemplateSet.requiredFiles {
            sources[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }
        return sources
    }

    @Test func htmlEscapesValuesButTextAndSubjectDoNot() throws {
        let set = try TemplateSet(sources: Self.minimalSources())
        let out = set.render(.preVisit, ["site_name": "<b>Tom & Jerry's</b>"])
        #expect(out.html == "&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;")
        #expect(out.text == "<b>Tom & Jerry's</b>")
        #expect(out.subject == "<b>Tom & Jerry's</b>")
    }

    @Test func subjectIsOneLineWhateverTheValues() throws {
        let set = try TemplateSet(sources: Self.minimalSources())
        let out = set.render(.staleDigest, ["site_name": "Evil\r\nBcc: victim@example.com\n  more"])
        #expect(!out.subject.contains("\n") && !out.subject.contains("\r"))
        #expect(out.subject == "Evil Bcc: victim@example.com more")
    }

    @Test(arguments: [
        ("{{#visits}}\n{{/visit}}", 2, 4),          // wrong closing name: points at the name on line 2
        ("Hello\n\n  {{#visits}}", 3, 14),           // never closed: reported at the end
        ("{{site_name", 1, 12),                      // unfinished tag on the first line (after our TEXT pragma)
    ])
    func parseErrorsCarryFileLineAndColumn(text: String, line: Int, column: Int) {
        var sources = Self.minimalSources()
        sources["pre-visit.text.mustache"] = text
        do {
            _ = try TemplateSet(sources: sources, folder: "templates")
            Issue.record("expected a parse error")
        } catch {
            #expect(error.file == "templates/pre-visit.text.mustache")
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.description.hasPrefix("templates/pre-visit.text.mustache:\(line):\(column): "))
        }
    }

    @Test(arguments: [
        ("{{#visits}}\n{{/visit}}", 2, 4),          // wrong closing name: points at the name on line 2
        ("{{site_name", 1, 12),                      // unfinished tag on the first line
        ("<p>\n  {{#visits}}", 2, 14),              // never closed: reported at the end
    ])
    func htmlParseErrorsCarryFileLineAndColumn(text: String, line: Int, column: Int) {
        var sources = Self.minimalSources()
        sources["stale-digest.html.mustache"] = text
        do {
            _ = try TemplateSet(sources: sources, folder: "templates")
            Issue.record("expected a parse error")
        } catch {
            #expect(error.file == "templates/stale-digest.html.mustache")
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.lineText == text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[line - 1])
        }
    }

    /// The HTML content-type pragma must not change how a template's first line renders.
    @Test(arguments: [
        "{{#site_name}}\nX\n{{/site_name}}\n", "\n{{#site_name}}\nY{{/site_name}}", "  {{! note }}  \nZ",
        "{{^missing}}\nW\n{{/missing}}", "{{=<% %>=}}\n<% site_name %>\n", "<p>{{site_name}}</p>\n",
    ])
    func htmlTemplatesRenderAsSwiftMustacheDoes(text: String) throws {
        var sources = Self.minimalSources()
        sources["pre-visit.html.mustache"] = text
        let set = try TemplateSet(sources: sources)
        let context: [String: Any] = ["site_name": "A & <B>"]
        #expect(set.render(.preVisit, context).html == (try MustacheTemplate(string: text)).render(context))
    }

    @Test func shippedTemplatesAreCompiledAndRenderExactlyAsSwiftMustache() throws {
        let set = try TemplateSet(sources: try Self.shippedSources())
        for kind in MessageKind.allCases { #expect(set.isCompiled(kind), "\(kind)") }
        let plan = MessageComposerTests.busyPlan()
        let contexts = NoticeContexts(asOf: F.asOf, settings: RuleSettings())
        let all = plan.summaries.map { (MessageKind.preVisit, contexts.preVisit($0)) }
            + plan.digests.map { (MessageKind.staleDigest, contexts.staleDigest($0)) }
            + plan.leadUpdates.map { (MessageKind.leadUpdate, contexts.leadUpdate($0)) }
        #expect(all.count > 30)
        for (kind, context) in all {
            let compiled = set.render(kind, context), reference = set.renderWithSwiftMustache(kind, context.plain)
            #expect(compiled.subject == reference.subject)
            #expect(compiled.text == reference.text)
            #expect(compiled.html == reference.html)
        }
    }

    @Test func aTemplateWithATransformIsRenderedBySwiftMustache() throws {
        var sources = Self.minimalSources()
        sources["lead-update.text.mustache"] = "{{uppercased(first_name)}}: {{#updates}}{{site_name}}{{/updates}}"
        let set = try TemplateSet(sources: sources)
        #expect(!set.isCompiled(.leadUpdate) && set.isCompiled(.preVisit))
        let update = LeadUpdateNotice(technician: F.people[0], updates: [
            StatusChange(recommendationID: "R1", recommendedBy: "T1", from: .open, to: .accepted, observedOn: F.asOf, siteLabel: "Café"),
        ])
        let out = set.render(.leadUpdate, NoticeContexts(asOf: F.asOf, settings: RuleSettings()).leadUpdate(update))
        #expect(out.text == "ALICE: Café")
    }

    @Test func missingTemplateIsNamed() {
        var sources = Self.minimalSources()
        sources["stale-digest.html.mustache"] = nil
        #expect { try TemplateSet(sources: sources, folder: "t") } throws: { error in
            (error as? TemplateError)?.file == "t/stale-digest.html.mustache"
        }
    }

    @Test func shippedTemplatesRenderADemoSummary() throws {
        let set = try TemplateSet(sources: try Self.shippedSources())
        let asOf = LocalDate(year: 2026, month: 11, day: 23)!
        let tech = Person(id: "T1", name: "Alice Ng", email: "a@example.com", role: .technician)
        let rec = Recommendation(id: "R1", siteID: "S", asset: "RTU-1", description: "Line one\nLine <two>", priority: .critical,
                                 estimatedValueCents: 680_000, status: .quoted, createdAt: LocalDateTime(date: asOf.adding(days: -196)),
                                 recommendedBy: "T1", quoteID: "Q-9")
        let visit = VisitNotice(workOrder: WorkOrder(id: "WO-1", siteID: "S", technicianID: "T1", status: .scheduled,
                                                     scheduledStart: LocalDateTime(date: asOf.adding(days: 1), secondOfDay: 8 * 3600 + 1800)),
                                site: Site(id: "S", name: "Café Élise", customerName: "Élise Inc.", address: "88 Queen St"),
                                items: [OpenItem(recommendation: rec, ageDays: 196, daysSinceActivity: 196, recommendedBy: tech, salesOwner: nil)],
                                olderNotListed: 0)
        let context = NoticeContexts(asOf: asOf, settings: RuleSettings())
            .preVisit(PreVisitSummary(technician: tech, visits: [visit], otherVisits: 0))
        let out = set.render(.preVisit, context)
        #expect(out.subject == "[Critical] Before your visits tomorrow, Tuesday 24 November: 1 open recommendation to follow up")
        #expect(out.text.contains("Tue 24 Nov at 8:30 AM - Café Élise (Élise Inc.)"))
        #expect(out.text.contains("Made 196 days ago by Alice Ng"))
        #expect(out.text.contains("  Line one\n  Line <two>\n"))  // multi-line descriptions indented in text
        #expect(out.text.contains("Status: quoted (Q-9), estimated $6,800."))
        #expect(!out.text.contains("Office contact"))           // no sales owner: the line is left out
        #expect(out.html.contains("Line one\nLine &lt;two&gt;"))
        #expect(!out.text.contains("other visit"))
    }
}

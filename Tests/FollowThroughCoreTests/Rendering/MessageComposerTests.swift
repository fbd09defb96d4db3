import Testing
@testable import FollowThroughCore

@Suite struct MessageComposerTests {
    /// A night with many technicians and salespeople, some of whom cannot be addressed.
    static func busyPlan() -> Plan {
        var people = F.people
        for t in 10..<40 {
            people.append(Person(id: "T\(t)", name: "Tech \(t)", email: t % 7 == 0 ? "" : "t\(t)@example.com", role: .technician, line: t))
        }
        var workOrders: [WorkOrder] = [], recs: [Recommendation] = []
        for t in 10..<40 {
            for v in 0..<3 {
                let site = "S\(t)-\(v)"
                workOrders.append(F.visit("WO-\(t)-\(v)", site: site, tech: "T\(t)", at: F.day(1, 8 + v, 15 * v)))
                for r in 0..<(t + v) % 5 {
                    recs.append(F.rec("R-\(t)-\(v)-\(r)", site: site, priority: [.critical, .high, .normal, .low][r % 4],
                                      value: r % 2 == 0 ? Int64(r) * 123_456 : nil, created: -20 - 30 * r, activity: -15 - r,
                                      by: "T\(t)", owner: ["S1", "S2", "S3", "S9", ""][(t + r) % 5]))
                }
            }
        }
        var plan = Planner(settings: RuleSettings(), asOf: F.asOf)
            .plan(Dataset(people: people, workOrders: workOrders, recommendations: recs))
        plan.leadUpdates = [F.people[1], F.people[2]].map { tech in
            LeadUpdateNotice(technician: tech, updates: [
                StatusChange(storeID: 7, recommendationID: "R-x", recommendedBy: tech.id, from: .open, to: .quoted,
                             observedOn: F.asOf, description: "Replace <belt>\nsoon", siteLabel: "Site X", quoteID: "Q-1"),
            ])
        }
        // What the state store adds on later nights: updates, reminders, digest counts, escalations.
        for i in plan.summaries.indices where i % 3 == 0 {
            plan.summaries[i].updates = [StatusChange(storeID: Int64(i + 100), recommendationID: "R-u\(i)", recommendedBy: "T1",
                                                      from: .quoted, to: [.accepted, .declined, .resolved][i % 3],
                                                      observedOn: F.asOf, description: "Update & <\(i)>", siteLabel: "Site 'U'")]
            plan.summaries[i].visits[0].items[0].reminders = ReminderHistory(count: i % 4 + 1, last: F.asOf.adding(days: -i))
        }
        for i in plan.digests.indices {
            for j in plan.digests[i].leads.indices { plan.digests[i].leads[j].priorDigests = (i + j) % 6 }
            if i % 2 == 0, let lead = plan.digests[(i + 1) % plan.digests.count].leads.first {
                plan.digests[i].escalations = [EscalatedLead(lead: lead, owner: F.people[4])]
            }
        }
        return plan
    }

    static func composer(_ templates: TemplateSet) throws -> MessageComposer {
        MessageComposer(templates: templates, contexts: NoticeContexts(asOf: F.asOf, settings: RuleSettings()),
                        from: try MailAddress(displayName: "Service Desk", address: "service@example.com"),
                        salesInbox: try MailAddress(displayName: nil, address: "sales@example.com"),
                        date: 1_795_400_000, utcOffsetSeconds: -5 * 3600)
    }

    @Test func concurrentComposeGivesTheSequentialResultInPlanOrder() throws {
        let plan = Self.busyPlan()
        let composer = try Self.composer(try TemplateSet(sources: try TemplateSetTests.shippedSources()))
        let sequential = composer.compose(plan, concurrently: false)
        let kinds = sequential.messages.map(\.kind)
        #expect(sequential.messages.count >= 25)
        #expect(kinds.contains(.staleDigest) && kinds.contains(.leadUpdate))
        #expect(!sequential.problems.isEmpty)
        for _ in 0..<3 {
            let concurrent = composer.compose(plan)
            #expect(concurrent.messages == sequential.messages)
            #expect(concurrent.messages.map { $0.mime.serialized() } == sequential.messages.map { $0.mime.serialized() })
            #expect(concurrent.problems == sequential.problems)
        }
        // Plan order: summaries, then digests, then lead updates, each in the plan's own order.
        #expect(kinds == kinds.sorted { MessageKind.allCases.firstIndex(of: $0)! < MessageKind.allCases.firstIndex(of: $1)! })
        #expect(sequential.messages.filter { $0.kind == .preVisit }.map(\.recipientID)
            == plan.summaries.map(\.technician.id).filter { id in !sequential.problems.contains { $0.hasSuffix("for \(id)") } })
    }

    /// With `pack` set, each message comes with its body as the state keeps it, made where it was rendered, and does
    /// not hold the body twice.
    @Test func packedBodiesAreMadeWhereTheMessagesAreRendered() throws {
        let plan = Self.busyPlan()
        var composer = try Self.composer(try TemplateSet(sources: try TemplateSetTests.shippedSources()))
        let plain = composer.compose(plan, concurrently: false).messages
        composer.pack = { Array($0.reversed()) }
        var packed: [ComposedMessage] = []
        _ = composer.compose(plan, batchSize: 4) { packed += $0 }
        #expect(packed.count == plain.count && !plain.isEmpty)
        for (p, m) in zip(packed, plain) {
            #expect(p.packed == Array(m.data.reversed()))
            #expect(p.data.isEmpty)
            #expect(p.mime == m.mime && p.listedIDs == m.listedIDs)
        }
        #expect(plain.allSatisfy { $0.packed == nil && !$0.data.isEmpty })
    }

    @Test func concurrentMapKeepsOrder() {
        #expect(concurrentMap(0) { $0 } == [])
        #expect(concurrentMap(1) { $0 * 2 } == [0])
        #expect(concurrentMap(1000) { "\($0)" } == (0..<1000).map { "\($0)" })
    }
}

@Suite struct MessageComposerBatchTests {
    @Test(arguments: [1, 2, 7, 1000])
    func batchesPutTogetherAreTheWholeNightInPlanOrder(batchSize: Int) throws {
        let plan = MessageComposerTests.busyPlan()
        let composer = try MessageComposerTests.composer(try TemplateSet(sources: try TemplateSetTests.shippedSources()))
        let whole = composer.compose(plan, concurrently: false)
        var batches: [[ComposedMessage]] = []
        let problems = composer.compose(plan, batchSize: batchSize) { batches.append($0) }
        #expect(batches.allSatisfy { !$0.isEmpty && $0.count <= batchSize })
        #expect(batches.flatMap { $0 } == whole.messages)
        #expect(batches.flatMap { $0 }.map(\.data) == whole.messages.map(\.data))
        #expect(problems == whole.problems)
    }

    struct Stop: Error {}

    /// A batch that cannot be stored stops the rendering: nothing more is rendered or handed over.
    @Test func aBatchThatThrowsStopsComposing() throws {
        let plan = MessageComposerTests.busyPlan()
        let composer = try MessageComposerTests.composer(try TemplateSet(sources: try TemplateSetTests.shippedSources()))
        var calls = 0
        #expect(throws: Stop.self) {
            _ = try composer.compose(plan, batchSize: 3) { _ in calls += 1; throw Stop() }
        }
        #expect(calls == 1)
    }
}

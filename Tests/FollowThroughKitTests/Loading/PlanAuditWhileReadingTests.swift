import Foundation
import FollowThroughCore
@testable import FollowThroughKit
import Testing

/// `run --plan-out`'s audit is made from the plan as planned, while the listed rows are read again: ids only, so it is
/// the audit of the plan filled in from those rows.
@Suite struct PlanAuditWhileReadingTests {
    @Test func theAuditMadeBeforeTheRowsAreReadIsTheFilledPlans() throws {
        let w = try Workspace.oneVisitEach(technicians: 3, activity: "2026-10-01")
        defer { w.cleanup() }
        let config = try RunPreparation.loadConfig(w.config)
        let date = LocalDate(iso: "2026-11-23")!
        var timer = PhaseTimer()
        let loaded = try RunPreparation.load(config: config, asOf: date, now: 1_795_400_000, auditsPlan: true, timer: &timer)
        let items = loaded.plan.summaries.flatMap(\.visits).flatMap(\.items)
        #expect(items.count == 3 && items.allSatisfy { !$0.recommendation.description.isEmpty }, "rows read again and filled in")
        #expect(!loaded.plan.digests.isEmpty)
        let audit = try #require(loaded.planAuditJSON)
        #expect(audit == PlanAudit(plan: loaded.plan, asOf: date).json())
        #expect(try RunPreparation.load(config: config, asOf: date, now: 1_795_400_000, timer: &timer).planAuditJSON == nil)
    }
}

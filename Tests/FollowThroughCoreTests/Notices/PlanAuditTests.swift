import Foundation
import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

/// The `--plan-out` audit, written by hand, is what Foundation's encoder writes.
@Suite struct PlanAuditTests {
    static let awkward = ["", "R-1", "WO/7", "quote \" here", "back\\slash", "tab\there", "line\nbreak", "\r\u{08}\u{0C}",
                          "\u{01}\u{1F}\u{7F}", "Crème brûlée", "雪", "🧯 extinguisher"]

    func randomAudit(_ rng: inout SplitMix64) -> PlanAudit {
        func id() -> String { Self.awkward.randomElement(using: &rng)! + String(rng.next() % 1000) }
        func ids() -> [String] { (0..<Int(rng.next() % 4)).map { _ in id() } }
        let summaries = (0..<Int(rng.next() % 3)).map { _ in
            PlanAudit.Summary(technician: id(), visits: (0..<Int(rng.next() % 3)).map { _ in
                PlanAudit.Visit(work_order_id: id(), recommendation_ids: ids())
            })
        }
        let digests = (0..<Int(rng.next() % 3)).map { _ in
            PlanAudit.Digest(owner: id(), recommendation_ids: ids(), too_old: Int(rng.next() % 20_000))
        }
        return PlanAudit(as_of: "2026-11-23", pre_visit: summaries, stale: digests)
    }

    @Test(arguments: 1...40 as ClosedRange<UInt64>)
    func handWrittenJSONIsTheEncodersByteForByte(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let audit = randomAudit(&rng)
        #expect(String(decoding: audit.json(), as: UTF8.self) == String(decoding: audit.encodedJSON(), as: UTF8.self))
        #expect(try JSONDecoder().decode(PlanAudit.self, from: audit.json()) == audit)
    }

    @Test func emptyListsKeepTheEncodersBlankLine() {
        let audit = PlanAudit(as_of: "2026-11-23", pre_visit: [PlanAudit.Summary(technician: "T1", visits: [])], stale: [])
        #expect(String(decoding: audit.json(), as: UTF8.self).contains("\"visits\" : [\n\n      ]"))
        #expect(audit.json() == audit.encodedJSON())
    }
}

import Foundation
import FollowThroughCore
@testable import FollowThroughKit
import GRDB
import Testing

/// A message's body stays while it may still be sent, and a week after it will not be; its row stays for good.
@Suite struct MessageBodyRetentionTests {
    /// (recipient, has a body) of every message dated `asOf`.
    static func messages(_ w: Workspace, asOf: String) throws -> [String: Bool] {
        let db = try DatabaseQueue(path: w.statePath)
        defer { try? db.close() }
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.recipient, b.message IS NOT NULL AS has_body FROM message m
                LEFT JOIN message_body b ON b.message = m.id WHERE m.as_of = ?
                """, arguments: [asOf])
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["recipient"] as String, $0["has_body"] as Bool) })
    }

    @Test func sentBodiesGoAfterAWeekAndThoseStillToSendStay() throws {
        let w = try Workspace.oneVisitEach(technicians: 3)
        defer { w.cleanup() }
        w.rules = "retry_days = 30\nescalate_after_digests = 4\nstale_after_days = 14"
        try w.write()
        let job = InProcess(workspace: w, receiver: Receiver())
        job.receiver.failing = ["tech2@example.com", "tech3@example.com"]  // fail for now, tried again each night
        _ = job.run("2026-11-23")
        #expect(try Self.messages(w, asOf: "2026-11-23") == ["tech1@example.com": true, "tech2@example.com": true, "tech3@example.com": true])

        // A week later tech2's address is refused for good; every body is still kept.
        job.receiver.failing = ["tech3@example.com"]
        job.receiver.refusing = ["tech2@example.com"]
        _ = job.run("2026-11-30")
        #expect(try Self.messages(w, asOf: "2026-11-23").values.allSatisfy { $0 })

        // The eighth night: tech1's (sent) and tech2's (refused) bodies go, tech3's (still to send) stays; rows stay.
        _ = job.run("2026-12-01")
        #expect(try Self.messages(w, asOf: "2026-11-23") == ["tech1@example.com": false, "tech2@example.com": false, "tech3@example.com": true])
    }
}

import Testing
@testable import FollowThroughKit

@Suite struct ParallelTests {
    final class Token: Sendable {}

    /// The work's value (or error) comes back, and what the work captured is let go before it does: the thread may
    /// outlive the work a moment, and a part's builder held there would make the caller's next write copy its tables.
    @Test func theWorkIsLetGoBeforeItsValueComesBack() throws {
        struct Failed: Error {}
        for round in 0..<500 {
            var token: Token? = Token()
            weak let captured = token
            let parallel = Parallel { [token] () throws(Failed) -> Int in
                _ = token
                if round % 7 == 0 { throw Failed() }
                return round
            }
            token = nil
            do {
                #expect(try parallel.value() == round && round % 7 != 0)
            } catch { #expect(round % 7 == 0) }
            #expect(captured == nil, "round \(round)")
        }
    }
}

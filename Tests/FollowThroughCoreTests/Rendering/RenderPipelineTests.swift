import Foundation
import Testing
@testable import FollowThroughCore

@Suite struct RenderPipelineTests {
    /// What the test has taken so far, and the furthest any render ran ahead of it.
    final class Progress: @unchecked Sendable {
        let lock = NSLock()
        var taken = 0
        var furthestAhead = 0
        var rendered = 0
        func rendering(_ index: Int) { lock.withLock { furthestAhead = max(furthestAhead, index - taken); rendered += 1 } }
        func took(_ index: Int) { lock.withLock { taken = index + 1 } }
    }

    @Test(arguments: [(count: 1, window: 1, workers: 2), (count: 500, window: 7, workers: 2), (count: 64, window: 64, workers: 4),
                      (count: 300, window: 1, workers: 3)])
    func givesEveryItemInOrderNeverMoreThanAWindowAhead(count: Int, window: Int, workers: Int) {
        let progress = Progress()
        let pipeline = RenderPipeline(count: count, window: window, workers: workers) { index -> String in
            progress.rendering(index)
            if index % 13 == 0 { usleep(200) }  // some items take longer, as a long summary does
            return "item \(index)"
        }
        defer { pipeline.finish() }
        for index in 0..<count {
            #expect(pipeline.take(index) == "item \(index)")
            progress.took(index)
        }
        // A render starts only for an index below taken + window (the test hears of a take just after the pipeline: one more).
        #expect(progress.furthestAhead <= window)
        #expect(progress.rendered == count)
    }

    final class Token: Sendable {}

    /// Once finished, the pipeline lets go of what rendering captured (the plan, the templates), though a worker's
    /// thread may still hold the pipeline a moment.
    @Test func finishingLetsGoOfWhatRenderingCaptured() {
        for _ in 0..<300 {
            var token: Token? = Token()
            weak let captured = token
            let pipeline = RenderPipeline(count: 3, window: 2, workers: 2) { [token] index -> Int in
                _ = token
                return index
            }
            token = nil
            for index in 0..<3 { #expect(pipeline.take(index) == index) }
            pipeline.finish()
            #expect(captured == nil)
        }
    }

    /// Finishing before everything is taken stops the workers: they render at most a window past what was taken.
    @Test func finishingEarlyStopsRendering() {
        let progress = Progress()
        let pipeline = RenderPipeline(count: 10_000, window: 4, workers: 2) { index -> Int in
            progress.rendering(index)
            return index
        }
        for index in 0..<10 { #expect(pipeline.take(index) == index); progress.took(index) }
        pipeline.finish()
        #expect(progress.rendered <= 10 + 4)
    }
}

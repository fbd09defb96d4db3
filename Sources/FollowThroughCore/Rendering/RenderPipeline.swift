import Foundation

/// Renders items `0..<count` on worker threads, one at a time each, while the caller takes them in order: no batch
/// waits for its slowest item, and the workers keep rendering while the caller stores what they made.
///
/// At most `window` items are rendered ahead of the one the caller waits for, so memory holds that many, however
/// long the night. Batches rendered with `concurrentMap` left the cores half idle: each batch ended on its longest
/// message, and the next began only when the caller came back for it.
final class RenderPipeline<Item: Sendable>: @unchecked Sendable {
    private let count: Int
    private let window: Int
    /// Let go once the workers are done (`finish`): a worker's thread may outlive its work a moment, holding the
    /// pipeline, and this holds what rendering needs (the plan, the templates).
    private var render: (@Sendable (Int) -> Item)?
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var slots: [Item?]
    private var nextToRender = 0
    private var taken = 0
    private var stopped = false
    private var runningWorkers = 0

    init(count: Int, window: Int, workers: Int, render: @escaping @Sendable (Int) -> Item) {
        self.count = count
        self.window = max(1, window)
        self.render = render
        slots = Array(repeating: nil, count: count)
        runningWorkers = max(1, min(workers, count))
        // Threads of their own: a worker waits on the window, and Dispatch's pool grows only slowly past one
        // blocked thread per core.
        for _ in 0..<runningWorkers {
            Thread { [self] in work() }.start()
        }
    }

    /// Item `index`, once rendered; call with 0, 1, 2… in order.
    func take(_ index: Int) -> Item {
        condition.lock()
        defer { condition.unlock() }
        precondition(index == taken, "items are taken in order")
        while slots[index] == nil { condition.wait() }
        let item = slots[index]!
        slots[index] = nil
        taken = index + 1
        condition.broadcast()  // room in the window
        return item
    }

    /// Stops rendering what is not rendered yet and waits for the workers (call once, whether or not all were taken).
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while runningWorkers > 0 { condition.wait() }
        render = nil
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while !stopped, nextToRender < count, nextToRender >= taken + window { condition.wait() }
            guard !stopped, nextToRender < count else { break }
            let index = nextToRender
            nextToRender += 1
            condition.unlock()
            let item = render!(index)  // (set until `finish`, which waits for this loop to end)
            condition.lock()
            slots[index] = item
            condition.broadcast()
        }
        runningWorkers -= 1
        condition.broadcast()
        condition.unlock()
    }
}

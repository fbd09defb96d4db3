import Foundation

/// The messages a transport hands over, produced a batch at a time as it asks for them (thread-safe: SMTP workers
/// take from it concurrently), so a night's bodies are never all in memory at once. Taken in order, each once.
public final class MessageSource: Sequence, @unchecked Sendable {
    /// How many messages the source holds in all.
    public let count: Int
    private let batchSize: Int
    private let load: (Range<Int>) throws -> [OutgoingMessage]
    private let lock = NSLock()
    private var nextIndex = 0
    /// The loaded messages not yet taken, last to be taken first.
    private var loaded: [OutgoingMessage] = []
    private var failure: (any Error)?

    /// `load` returns the messages of a range of positions (in order); it is called with at most `batchSize` at a time.
    public init(count: Int, batchSize: Int, load: @escaping (Range<Int>) throws -> [OutgoingMessage]) {
        self.count = count
        self.batchSize = Swift.max(1, batchSize)
        self.load = load
    }

    /// Messages already in memory (tests, `send-test`, the SMTP benchmark).
    public convenience init(_ messages: [OutgoingMessage]) {
        self.init(count: messages.count, batchSize: Swift.max(1, messages.count)) { Array(messages[$0]) }
    }

    /// The next message, or nil when all were taken or a batch could not be loaded (see `error`).
    public func next() -> OutgoingMessage? {
        lock.withLock {
            guard failure == nil, nextIndex < count else { return nil }
            if loaded.isEmpty {
                let range = nextIndex..<Swift.min(count, nextIndex + batchSize)
                do {
                    let batch = try load(range)
                    guard batch.count == range.count else {
                        failure = SourceError(description: "expected \(range.count) messages, loaded \(batch.count)")
                        return nil
                    }
                    loaded = batch.reversed()
                } catch {
                    failure = error
                    return nil
                }
            }
            nextIndex += 1
            return loaded.removeLast()
        }
    }

    /// True while messages remain to be taken.
    public var hasMore: Bool { lock.withLock { failure == nil && nextIndex < count } }

    /// Why the source stopped early, if it did.
    public var error: (any Error)? { lock.withLock { failure } }

    public struct Iterator: IteratorProtocol {
        let source: MessageSource
        public mutating func next() -> OutgoingMessage? { source.next() }
    }

    public func makeIterator() -> Iterator { Iterator(source: self) }
    public var underestimatedCount: Int { 0 }

    struct SourceError: Error, CustomStringConvertible { var description: String }
}

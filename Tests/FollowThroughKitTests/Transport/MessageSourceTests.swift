import Foundation
@testable import FollowThroughKit
import Testing

@Suite struct MessageSourceTests {
    static func message(_ i: Int) -> OutgoingMessage {
        OutgoingMessage(messageID: "m\(i)@test", kind: "pre-visit", envelopeFrom: "a@x", recipient: "t\(i)@x", data: Array("\(i)".utf8))
    }

    /// Bodies are loaded a batch at a time, only when the transport reaches them: never more than one batch ahead.
    @Test func loadsOneBatchAtATimeAsMessagesAreTaken() {
        let loads = LockedList<Range<Int>>()
        let source = MessageSource(count: 10, batchSize: 4) { range in
            loads.add(range)
            return range.map(Self.message)
        }
        #expect(loads.all.isEmpty)
        var taken: [OutgoingMessage] = []
        while let m = source.next() {
            taken.append(m)
            #expect(loads.all.last!.upperBound <= taken.count + 3)
        }
        #expect(taken == (0..<10).map(Self.message))
        #expect(loads.all == [0..<4, 4..<8, 8..<10])
        #expect(source.next() == nil && !source.hasMore && source.error == nil)
    }

    struct Unreadable: Error {}

    @Test func aBatchThatCannotBeLoadedEndsTheSourceWithItsError() {
        let source = MessageSource(count: 6, batchSize: 2) { range in
            if range.lowerBound == 2 { throw Unreadable() }
            return range.map(Self.message)
        }
        #expect(Array(source).map(\.messageID) == ["m0@test", "m1@test"])
        #expect(source.error is Unreadable)
        #expect(!source.hasMore)
    }

    /// Several threads taking at once (SMTP connections) get every message exactly once.
    @Test func threadsTakingTogetherGetEachMessageOnce() {
        let source = MessageSource(count: 500, batchSize: 7) { $0.map(Self.message) }
        let taken = LockedList<String>()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            while let m = source.next() { taken.add(m.messageID) }
        }
        #expect(taken.all.sorted() == (0..<500).map { "m\($0)@test" }.sorted())
    }
}

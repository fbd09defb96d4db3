import Testing
@testable import FollowThroughCore
import FollowThroughTestSupport

@Suite("Status snapshot in chunks: what the state writes and reads a piece at a time")
struct StatusSnapshotChunksTests {
    /// Short ids, ids of 15, 16 and 17 bytes (the table's two key layouts), long and non-ASCII ones, every status.
    static func sample(_ count: Int, seed: UInt64 = 1) -> StatusSnapshot {
        var rng = SplitMix64(seed: seed)
        var snapshot = StatusSnapshot()
        let shapes = ["R-\(0)", "R-1234567890123", "R-12345678901234", "R-123456789012345", "Réf-ÉÀ-", "K\u{212A}-日本-",
                      String(repeating: "x", count: 200)]
        for i in 0..<count {
            let shape = shapes[i % shapes.count]
            let id = i % shapes.count == 0 ? "R-\(i)" : "\(shape)\(i)"
            snapshot[id] = TrackedStatus.allCases[Int(rng.next() % UInt64(TrackedStatus.allCases.count))]
        }
        return snapshot
    }

    static func chunks(of snapshot: StatusSnapshot, maxBytes: Int = StatusSnapshot.chunkBytes) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        snapshot.forEachChunk(maxBytes: maxBytes) { chunks.append(Array($0)) }
        return chunks
    }

    static func decode(_ chunks: [[UInt8]]) -> (StatusSnapshot, entries: Int)? {
        var snapshot = StatusSnapshot(expectedCount: 10)
        var entries = 0
        for chunk in chunks {
            guard let n = chunk.withUnsafeBytes({ snapshot.addChunk($0) }) else { return nil }
            entries += n
        }
        return (snapshot, entries)
    }

    @Test func roundTripsAcrossManyChunkBoundaries() throws {
        let snapshot = Self.sample(3_000)
        let chunks = Self.chunks(of: snapshot, maxBytes: 1_000)
        #expect(chunks.count > 30)
        #expect(chunks.allSatisfy { !$0.isEmpty && $0.count <= 1_000 })
        let (decoded, entries) = try #require(Self.decode(chunks))
        #expect(entries == 3_000 && decoded.count == 3_000)
        #expect(decoded.dictionary == snapshot.dictionary)
        #expect(decoded["Réf-ÉÀ-4"] == snapshot["Réf-ÉÀ-4"] && decoded["Réf-ÉÀ-4"] != nil)
    }

    /// The chunks, end to end, are `encoded()` without its magic: entries are never split between chunks.
    @Test func chunksAreTheSingleEncodingCutBetweenEntries() {
        let snapshot = Self.sample(2_000)
        for maxBytes in [16, 500, 4_096, StatusSnapshot.chunkBytes] {
            #expect(Self.chunks(of: snapshot, maxBytes: maxBytes).flatMap { $0 } == Array(snapshot.encoded().dropFirst(4)))
        }
    }

    @Test func everyChunkComesFromOneReusedBuffer() {
        var addresses = Set<UnsafeRawPointer?>()
        var chunks = 0
        Self.sample(5_000).forEachChunk(maxBytes: 2_048) { addresses.insert($0.baseAddress); chunks += 1 }
        #expect(chunks > 10)
        #expect(addresses.count == 1)
    }

    @Test func theDefaultChunkHoldsManyThousandEntriesAndStaysWithinItsSize() throws {
        var snapshot = StatusSnapshot()
        for i in 0..<50_000 { snapshot["R-\(1_000_000 + i)"] = .open }
        let chunks = Self.chunks(of: snapshot)
        #expect(chunks.count == (50_000 * 11 + StatusSnapshot.chunkBytes - 1) / StatusSnapshot.chunkBytes)
        #expect(chunks.allSatisfy { $0.count <= StatusSnapshot.chunkBytes })
        #expect(try #require(Self.decode(chunks)).entries == 50_000)
    }

    @Test func anEntryLongerThanAChunkIsAChunkOfItsOwn() throws {
        let long = String(repeating: "L", count: 5_000)
        let snapshot: StatusSnapshot = ["R-1": .open, "\(long)": .declined, "R-2": .accepted]
        let chunks = Self.chunks(of: snapshot, maxBytes: 64)
        #expect(chunks.contains { $0.count == 2 + 5_000 + 1 })
        #expect(try #require(Self.decode(chunks)).0.dictionary == snapshot.dictionary)
    }

    @Test func anEmptySnapshotHasNoChunks() {
        var calls = 0
        StatusSnapshot().forEachChunk { _ in calls += 1 }
        #expect(calls == 0)
        #expect(StatusSnapshot(expectedCount: 0).isEmpty && StatusSnapshot(expectedCount: 1_000).isEmpty)
    }

    static let good: [UInt8] = [3] + Array("R-1".utf8) + [2]

    @Test(arguments: [
        ("empty chunk", []),
        ("LEB128 longer than four bytes", [0x80, 0x80, 0x80, 0x80, 0x01] + Array("R-1".utf8) + [0]),
        ("LEB128 cut short", good + [0x85]),
        ("id cut short", good + [5] + Array("R-".utf8)),
        ("status byte missing", good + [3] + Array("R-2".utf8)),
        ("unknown status code", good + [3] + Array("R-2".utf8) + [6]),
        ("empty id", [0, 1] + good),
        ("length past the end", [0xFF, 0x01] + Array("R-1".utf8) + [0]),
    ] as [(String, [UInt8])])
    func damagedChunksAreRefused(_ form: String, _ bytes: [UInt8]) {
        var snapshot = StatusSnapshot()
        #expect(bytes.withUnsafeBytes { snapshot.addChunk($0) } == nil, "\(form)")
    }

    @Test func eachEntryOfAChunkIsGivenInOrder() {
        var seen: [String] = []
        let chunk = Self.good + [4] + Array("Réf".utf8) + [5]
        let n = chunk.withUnsafeBytes { StatusSnapshot.forEachEntry(inChunk: $0) { seen.append("\(String(decoding: $0, as: UTF8.self))=\($1)") } }
        #expect(n == 2)
        #expect(seen == ["R-1=accepted", "Réf=resolved"])
    }

    @Test func aGoodChunkAddsItsEntriesAndALaterStatusWins() {
        var snapshot: StatusSnapshot = ["R-1": .open, "R-9": .quoted]
        let chunk = Self.good + [3] + Array("R-2".utf8) + [5]
        #expect(chunk.withUnsafeBytes { snapshot.addChunk($0) } == 2)
        #expect(snapshot.dictionary == ["R-1": .accepted, "R-2": .resolved, "R-9": .quoted])
    }
}

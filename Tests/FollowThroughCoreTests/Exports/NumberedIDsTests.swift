import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

@Suite struct NumberedIDsTests {
    func key(_ shape: NumberedIDs, _ id: String) -> UInt64? {
        var id = id
        return id.withUTF8 { shape.key(UnsafeRawBufferPointer($0)) }
    }

    func id(_ shape: NumberedIDs, _ key: UInt64) -> String { shape.withID(key) { String(decoding: $0, as: UTF8.self) } }

    /// The shape of a file's first id: the digits it ends in and what comes before; a leading zero fixes the width.
    @Test func aSampleGivesItsShape() {
        #expect(NumberedIDs(like: "R-1") == NumberedIDs(prefix: "R-", width: 0))
        #expect(NumberedIDs(like: "R-1250000") == NumberedIDs(prefix: "R-", width: 0))
        #expect(NumberedIDs(like: "48213377") == NumberedIDs(prefix: "", width: 0))
        #expect(NumberedIDs(like: "Q-000042") == NumberedIDs(prefix: "Q-", width: 6))
        #expect(NumberedIDs(like: "DEF-2024-0") == NumberedIDs(prefix: "DEF-2024-", width: 0))
        #expect(NumberedIDs(like: "0") == NumberedIDs(prefix: "", width: 0))
        for notNumbered in ["", "R-", "R-1a", "Réf-1", "12345678901", "A-PREFIX-LONGER-THAN-16-1"] {
            #expect(NumberedIDs(like: notNumbered) == nil, "\(notNumbered)")
        }
    }

    /// Only ids written as the shape writes them are numbered, so that two ids that differ as text never share a key.
    @Test func onlyIdsOfTheShapeAreNumbered() {
        let plain = NumberedIDs(prefix: "R-", width: 0), padded = NumberedIDs(prefix: "Q-", width: 4)
        #expect(key(plain, "R-0") == 1 && key(plain, "R-7") == 8 && key(plain, "R-4294967294") == 4_294_967_295)
        for other in ["R-07", "R-", "R-4294967295", "R-12345678901", "S-7", "r-7", "R-7 ", "R-+7", "R--7", "R-7x", "X"] {
            #expect(key(plain, other) == nil, "\(other)")
        }
        #expect(key(padded, "Q-0042") == 43 && key(padded, "Q-9999") == 10_000 && key(padded, "Q-0000") == 1)
        for other in ["Q-42", "Q-00042", "Q-042"] { #expect(key(padded, other) == nil, "\(other)") }
        #expect(key(NumberedIDs(prefix: "", width: 0), "123") == 124)
    }

    /// An id canonically equivalent to one of the shape (NFC: a Kelvin sign is a K) is that id.
    @Test func canonicallyEquivalentIdsShareTheirKey() {
        let shape = NumberedIDs(prefix: "K-", width: 0)
        #expect(key(shape, "\u{212A}-5") == key(shape, "K-5"))
        #expect(key(shape, "K-5") == 6)
        #expect(key(shape, "Ḱ-5") == nil)
    }

    /// Every key gives back its id, byte for byte, at any width and prefix length.
    @Test func keysGiveTheirIdsBack() {
        var rng = SplitMix64(seed: 3)
        let shapes = [NumberedIDs(prefix: "", width: 0), NumberedIDs(prefix: "R-", width: 0), NumberedIDs(prefix: "Q-", width: 6),
                      NumberedIDs(prefix: "SIXTEEN-BYTES-XY", width: 10)]
        for shape in shapes {
            for _ in 0..<5_000 {
                let limit: UInt64 = shape.width == 0 ? UInt64(UInt32.max) - 1 : min(UInt64(UInt32.max) - 1, 999_999)
                let number = rng.next() % 3 == 0 ? rng.next() % 100 : rng.next() % (limit + 1)
                let digits = String(number)
                let text = String(decoding: shape.prefix, as: UTF8.self)
                    + String(repeating: "0", count: max(0, shape.width - digits.count)) + digits
                guard let k = key(shape, text) else {
                    Issue.record("\(text) not numbered")
                    continue
                }
                #expect(k == number + 1 && id(shape, k) == text)
            }
        }
    }
}

import CByteMarks
import Testing
import FollowThroughTestSupport

/// The message-writing scans stop exactly where a byte-by-byte look would, at any length (their 16-byte steps and
/// the tail after them), and read only the bytes given.
@Suite struct ByteScanTests {
    static let edges: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x22, 0x26, 0x27, 0x3C, 0x3D, 0x3E, 0x41, 0x7E,
                                 0x7F, 0x80, 0xBC, 0xC3, 0xFF]

    /// Random bytes, mostly printable ASCII, in a heap block of exactly their size (where an over-read shows under a
    /// sanitizer or at a page end).
    static func withRandomBytes(_ body: ([UInt8], UnsafePointer<UInt8>) -> Void) {
        var rng = SplitMix64(seed: 0x5CA7)
        for round in 0..<20_000 {
            let count = Int(rng.next() % 70)
            let bytes = (0..<count).map { _ in
                rng.next() % 23 == 0 || round % 3 == 0 ? edges[Int(rng.next() % UInt64(edges.count))] : UInt8(0x20 + rng.next() % 0x5F)
            }
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
            p.initialize(from: bytes, count: count)
            body(bytes, p)
            p.deallocate()
        }
    }

    @Test func quotedPrintablePlainRun() {
        Self.withRandomBytes { bytes, p in
            let expected = bytes.firstIndex { !((0x20...0x7E).contains($0) && $0 != 0x3D) } ?? bytes.count
            #expect(ft_qp_plain_run(p, bytes.count) == expected, "\(bytes)")
        }
    }

    @Test func lineBreakIndex() {
        Self.withRandomBytes { bytes, p in
            #expect(ft_line_break_index(p, bytes.count) == bytes.firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count, "\(bytes)")
        }
    }

    @Test func htmlSpecialIndex() {
        let specials = Array("<>&\"'".utf8)
        Self.withRandomBytes { bytes, p in
            #expect(ft_html_special_index(p, bytes.count) == bytes.firstIndex { specials.contains($0) } ?? bytes.count, "\(bytes)")
        }
    }
}

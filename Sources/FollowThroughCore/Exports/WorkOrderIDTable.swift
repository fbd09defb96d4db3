import Foundation

/// Every work order id seen, with its first line and technician, for 1M+ rows without a `String` hash per row:
/// ids of up to 15 UTF-8 bytes are packed into 16 bytes and kept in an open-addressing table with a cheap hash;
/// longer ids go to an ordinary dictionary. Same answers as a `[String: …]` keyed by the id: `String` equality is
/// canonical equivalence, so an id with non-ASCII bytes is keyed by its NFC form (equal strings, equal NFC bytes).
struct WorkOrderIDTable: Sendable {
    struct Seen: Sendable, Equatable {
        var line: Int
        var technician: Int32  // index into the builder's technician list, -1: none
    }

    // Slot i: keys[2i], keys[2i+1] (second word 0: empty), values[i] = line << 24 | (technician + 1).
    private var keys: [UInt64] = []
    private var values: [UInt64] = []
    private var mask = -1
    private var count = 0
    private var long: [String: Seen] = [:]
    /// Lines or technician indexes too large to pack, by slot value marker (never in practice).
    private var unpacked: [Int: Seen] = [:]
    private static let technicianBits: UInt64 = 24
    private static let unpackedMarker: UInt64 = (1 << technicianBits) - 1

    /// Records `id` unless already there; returns what was first recorded for it when it was.
    mutating func insert(_ id: UnsafeRawBufferPointer, _ seen: Seen) -> Seen? {
        guard let (a, b) = Self.pack(id) else { return insertSlowly(String(decoding: id, as: UTF8.self), seen) }
        return insert(a, b, seen)
    }

    private mutating func insertSlowly(_ id: String, _ seen: Seen) -> Seen? {
        if let (a, b) = Self.packNormalized(id) { return insert(a, b, seen) }
        if let first = long[id] { return first }
        long[id] = seen
        return nil
    }

    private mutating func insert(_ a: UInt64, _ b: UInt64, _ seen: Seen) -> Seen? {
        if count * 4 >= (mask + 1) * 3 { grow() }
        var i = Self.hash(a, b) & mask
        while true {
            let kb = keys[2 * i + 1]
            if kb == 0 {
                keys[2 * i] = a; keys[2 * i + 1] = b
                values[i] = pack(seen, slot: i)
                count += 1
                return nil
            }
            if kb == b, keys[2 * i] == a { return unpack(values[i], slot: i) }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ id: String, _ seen: Seen) -> Seen? {
        var id = id
        return id.withUTF8 { insert(UnsafeRawBufferPointer($0), seen) }
    }

    subscript(_ id: String) -> Seen? {
        var id = id
        let packed = id.withUTF8 { Self.pack(UnsafeRawBufferPointer($0)) } ?? Self.packNormalized(id)
        guard let (a, b) = packed else { return long[id] }
        return find(a, b)
    }

    private func find(_ a: UInt64, _ b: UInt64) -> Seen? {
        do {
            guard count > 0 else { return nil }
            var i = Self.hash(a, b) & mask
            while true {
                let kb = keys[2 * i + 1]
                if kb == 0 { return nil }
                if kb == b, keys[2 * i] == a { return unpack(values[i], slot: i) }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func pack(_ seen: Seen, slot: Int) -> UInt64 {
        let tech = UInt64(Int64(seen.technician) + 1)
        if seen.line >= 0, seen.line < 1 << 40, tech < Self.unpackedMarker {
            return UInt64(seen.line) << Self.technicianBits | tech
        }
        unpacked[slot] = seen
        return Self.unpackedMarker
    }

    private func unpack(_ value: UInt64, slot: Int) -> Seen {
        if value == Self.unpackedMarker { return unpacked[slot]! }
        return Seen(line: Int(value >> Self.technicianBits), technician: Int32(Int64(value & Self.unpackedMarker) - 1))
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values, oldUnpacked = unpacked
        let capacity = max(1024, (mask + 1) * 2)
        keys = Array(repeating: 0, count: 2 * capacity)
        values = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        unpacked = [:]
        for slot in 0..<(oldKeys.count / 2) where oldKeys[2 * slot + 1] != 0 {
            let a = oldKeys[2 * slot], b = oldKeys[2 * slot + 1]
            var i = Self.hash(a, b) & mask
            while keys[2 * i + 1] != 0 { i = (i + 1) & mask }
            keys[2 * i] = a; keys[2 * i + 1] = b
            values[i] = oldValues[slot]
            if oldValues[slot] == Self.unpackedMarker { unpacked[i] = oldUnpacked[slot] }
        }
    }

    /// A non-ASCII id whose NFC form is short ASCII (e.g. a Kelvin sign for K) packs as that form; nil otherwise.
    private static func packNormalized(_ id: String) -> (UInt64, UInt64)? {
        guard !id.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var nfc = id.precomposedStringWithCanonicalMapping
        return nfc.withUTF8 { pack(UnsafeRawBufferPointer($0)) }
    }

    /// The id's bytes in two words, its length in the top byte of the second (never 0 for a non-empty id);
    /// nil when longer than 15 bytes or not all ASCII.
    @inline(__always)
    private static func pack(_ id: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        guard id.count <= 15, id.count > 0 else { return nil }
        for byte in id where byte >= 0x80 { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: id.baseAddress!, byteCount: id.count) }
        return (UInt64(littleEndian: words.0), UInt64(littleEndian: words.1) | UInt64(id.count) << 56)
    }

    @inline(__always)
    private static func hash(_ a: UInt64, _ b: UInt64) -> Int {
        var h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &+ 0x632B_E59B_D9B4_E019)
        h = (h ^ (h >> 31)) &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }
}

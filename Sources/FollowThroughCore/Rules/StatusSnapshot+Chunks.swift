/// A snapshot as a sequence of chunks, so that the state can write and read it a piece at a time: never a buffer the
/// size of the whole snapshot (~11 bytes per recommendation, 14.6 MB at 1.2M), only one of `chunkBytes`.
///
/// A chunk is whole entries in `encoded()`'s layout without its `FTS1` magic: per recommendation, the id's length
/// (LEB128), the id's bytes, the status code (one byte). No header: a chunk's length is its container's (the state
/// stores one per row). A chunk is never empty, and holds at most `chunkBytes` bytes unless one entry alone is longer.
extension StatusSnapshot {
    /// The size a chunk is filled up to (~23,000 entries of ~11 bytes).
    public static let chunkBytes = 1 << 18

    /// An empty snapshot with room for `count` ids (one read back chunk by chunk knows its size).
    public init(expectedCount count: Int) {
        self.init()
        reserveCapacity(count)
    }

    /// Calls `body` with each chunk's bytes in turn, all from one reused buffer (valid only during the call).
    public func forEachChunk(maxBytes: Int = chunkBytes, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(maxBytes, 16), alignment: 1)
        defer { buffer.deallocate() }
        var used = 0
        try forEachEntry { id, code in
            let size = Self.lengthOfLEB128(id.count) + id.count + 1
            if used + size > buffer.count && used > 0 {
                try body(UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
                used = 0
            }
            if size > buffer.count {  // an entry longer than a chunk: a chunk of its own
                buffer.deallocate()
                buffer = .allocate(byteCount: size, alignment: 1)
            }
            var n = id.count
            while n >= 0x80 { buffer[used] = UInt8(truncatingIfNeeded: n) | 0x80; used += 1; n >>= 7 }
            buffer[used] = UInt8(n); used += 1
            UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + id.count)]).copyMemory(from: id)
            used += id.count
            buffer[used] = UInt8(truncatingIfNeeded: code); used += 1
        }
        if used > 0 { try body(UnsafeRawBufferPointer(rebasing: buffer[0..<used])) }
    }

    /// Adds one chunk's entries (a repeated id takes the later status); how many it held, nil when damaged.
    public mutating func addChunk(_ bytes: UnsafeRawBufferPointer) -> Int? {
        Self.forEachEntry(inChunk: bytes) { id, status in set(id, status) }
    }

    /// Calls `body` with each entry of one chunk in order; how many it held, nil when damaged (after the entries
    /// before the damage).
    public static func forEachEntry(inChunk b: UnsafeRawBufferPointer,
                                    _ body: (UnsafeRawBufferPointer, TrackedStatus) throws -> Void) rethrows -> Int? {
        guard b.count > 0 else { return nil }
        var i = 0, entries = 0
        while i < b.count {
            var n = 0, shift = 0
            while true {
                guard i < b.count, shift < 28 else { return nil }
                let byte = b[i]; i += 1
                n |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            guard n > 0, n < b.count - i, let status = TrackedStatus(code: UInt64(b[i + n])) else { return nil }
            try body(UnsafeRawBufferPointer(rebasing: b[i..<(i + n)]), status)
            i += n + 1
            entries += 1
        }
        return entries
    }

    private static func lengthOfLEB128(_ n: Int) -> Int {
        var n = n, length = 1
        while n >= 0x80 { n >>= 7; length += 1 }
        return length
    }
}

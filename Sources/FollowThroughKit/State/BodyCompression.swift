import CZstd
import Foundation

/// How a message body is kept in the state: zstd-compressed (level 1), ~6× smaller. The night's bodies are written to
/// the WAL at the outbox step's commit and again into the file by the checkpoint: ~30 MB of disk writes at 1M work
/// orders (~12 MB of messages), which the run waited on, and a state file that held a week of them. Compressing costs
/// ~2 ms per MB, decompressing at delivery less.
///
/// A stored body is a zstd frame or the raw bytes: bodies stored before (schema v4 kept them raw) are read as they are.
/// A frame starts with zstd's magic number; a MIME message never does (it starts with a header name), and a body that
/// would, were it kept raw, is kept compressed whatever the size.
enum BodyCompression {
    /// zstd's frame magic number, as stored (little-endian): 28 B5 2F FD.
    static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
    static let level: Int32 = 1
    /// The largest body unpacked (a frame claiming more is taken as damaged).
    static let maxBody = 1 << 30

    /// What to store for `body`: its zstd frame when smaller, else the bytes as they are.
    static func pack(_ body: [UInt8]) -> [UInt8] {
        let bound = ZSTD_compressBound(body.count)
        let frame = compressors.withContext { context in
            [UInt8](unsafeUninitializedCapacity: bound) { out, count in
                guard let context else { return count = 0 }
                let written = body.withUnsafeBytes { ZSTD_compress2(context, out.baseAddress, bound, $0.baseAddress, body.count) }
                count = ZSTD_isError(written) != 0 ? 0 : written
            }
        }
        if frame.isEmpty { return body }  // no context, or an error: raw is always readable
        return frame.count < body.count || startsWithMagic(body) ? frame : body
    }

    /// The body stored as `stored`: decompressed when it is a zstd frame, else the bytes as they are; nil when it is
    /// a damaged frame (cut short, or its content checksum does not match).
    static func unpack(_ stored: UnsafeRawBufferPointer) -> [UInt8]? {
        guard startsWithMagic(stored), let base = stored.baseAddress else { return [UInt8](stored) }
        let size = ZSTD_getFrameContentSize(base, stored.count)  // unknown and error are the two largest values
        guard size <= UInt64(maxBody) else { return nil }
        var damaged = false
        let body = [UInt8](unsafeUninitializedCapacity: Int(size)) { out, count in
            let written = ZSTD_decompress(out.baseAddress, Int(size), base, stored.count)
            damaged = ZSTD_isError(written) != 0 || written != Int(size)
            count = damaged ? 0 : written
        }
        return damaged ? nil : body
    }

    /// Compresses `source` into `out` as one frame (level 1, with a content checksum); the frame's length, nil when
    /// zstd fails or `out` is shorter than `ZSTD_compressBound(source.count)`.
    static func compress(_ source: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard out.count >= ZSTD_compressBound(source.count), let base = out.baseAddress else { return nil }
        let written = compressors.withContext { context -> Int? in
            guard let context else { return nil }
            let written = ZSTD_compress2(context, base, out.count, source.baseAddress, source.count)
            return ZSTD_isError(written) != 0 ? nil : written
        }
        return written
    }

    /// The longest frame `compress` may write for `count` bytes (the `out` it needs).
    static func frameBound(_ count: Int) -> Int { ZSTD_compressBound(count) }

    /// The content size `frame` declares, when it starts like a frame and declares one at most `limit`.
    static func contentSize(_ frame: UnsafeRawBufferPointer, limit: Int) -> Int? {
        guard startsWithMagic(frame), let base = frame.baseAddress else { return nil }
        let size = ZSTD_getFrameContentSize(base, frame.count)  // unknown and error are the two largest values
        return size <= UInt64(limit) ? Int(size) : nil
    }

    /// Decompresses the one frame `frame` into `out`'s first `contentSize` bytes; false when it is not exactly one
    /// whole frame of that size with a matching checksum.
    static func decompress(_ frame: UnsafeRawBufferPointer, contentSize: Int, into out: UnsafeMutableRawBufferPointer) -> Bool {
        guard contentSize <= out.count, let base = frame.baseAddress,
              ZSTD_findFrameCompressedSize(base, frame.count) == frame.count else { return false }
        let written = ZSTD_decompress(out.baseAddress, contentSize, base, frame.count)
        return ZSTD_isError(written) == 0 && written == contentSize
    }

    /// Compression contexts, made as needed and reused (making one per body cost as much as compressing it): one
    /// for each thread compressing at the same time (bodies are packed where they are rendered, on every core).
    private static let compressors = Compressors()

    private final class Compressors: @unchecked Sendable {
        private let lock = NSLock()
        private var idle: [OpaquePointer] = []

        /// Calls `body` with a context no other thread is using (nil when zstd cannot make one).
        func withContext<T>(_ body: (OpaquePointer?) -> T) -> T {
            guard let context = lock.withLock({ idle.popLast() }) ?? Self.make() else { return body(nil) }
            defer { lock.withLock { idle.append(context) } }
            return body(context)
        }

        private static func make() -> OpaquePointer? {
            guard let context = ZSTD_createCCtx() else { return nil }
            // With a checksum of the content: a damaged frame is refused at delivery, never sent as garbage.
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
            ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
            return context
        }
    }

    private static func startsWithMagic(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count >= magic.count && zip(bytes, magic).allSatisfy { $0 == $1 }
    }
}

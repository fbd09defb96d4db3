/// The parser's reusable memory for the record being assembled: the field views handed to the
/// callback, and a byte buffer for fields that cannot be slices of the current chunk (unescaped
/// `""`, text after a closing quote, records that straddle chunks).
///
/// Grows geometrically and never shrinks, so after the first few records parsing allocates
/// nothing. Raw pointers instead of arrays keep the per-field path free of uniqueness and bounds
/// checks; every index used here comes from the parser's own bookkeeping, never from input bytes.
/// `CSVParser` keeps value semantics by copying the storage when it is shared (`copyIfShared`).
final class CSVRecordStorage {
    /// A field whose bytes live in `bytes[start..<end]`; its view is set once the record is
    /// complete, because `bytes` may move while the record grows.
    struct BufferField {
        var index: Int
        var start: Int
        var end: Int
    }

    /// One view per field of the current record. A field that lives in `bytes` holds an empty
    /// placeholder until `resolveBufferFields`.
    private(set) var views: UnsafeMutablePointer<UnsafeRawBufferPointer>
    /// Settable so the parser's record loop can keep the count in a register and write it back
    /// once per record (it stays within `viewCapacity` by calling `reserveViews`).
    var viewCount = 0
    private(set) var viewCapacity: Int

    private(set) var bufferFields: UnsafeMutablePointer<BufferField>
    private(set) var bufferFieldCount = 0
    private var bufferFieldCapacity: Int

    private var bytes: UnsafeMutableRawPointer
    private(set) var byteCount = 0
    private var byteCapacity: Int

    init(viewCapacity: Int = 32, byteCapacity: Int = 4096) {
        self.viewCapacity = max(1, viewCapacity)
        self.bufferFieldCapacity = max(1, viewCapacity)
        self.byteCapacity = max(1, byteCapacity)
        views = .allocate(capacity: self.viewCapacity)
        bufferFields = .allocate(capacity: self.bufferFieldCapacity)
        bytes = .allocate(byteCount: self.byteCapacity, alignment: 16)
    }

    deinit {
        views.deallocate()
        bufferFields.deallocate()
        bytes.deallocate()
    }

    /// An independent copy (for a `CSVParser` value that was copied mid-record).
    func copy() -> CSVRecordStorage {
        let other = CSVRecordStorage(viewCapacity: viewCapacity, byteCapacity: byteCapacity)
        other.views.update(from: views, count: viewCount)
        other.viewCount = viewCount
        other.bufferFields.update(from: bufferFields, count: bufferFieldCount)
        other.bufferFieldCount = bufferFieldCount
        other.bytes.copyMemory(from: bytes, byteCount: byteCount)
        other.byteCount = byteCount
        return other
    }

    // MARK: Views

    @inline(__always)
    func appendView(_ view: UnsafeRawBufferPointer) {
        if viewCount == viewCapacity { growViews() }
        views[viewCount] = view
        viewCount += 1
    }

    @inline(__always)
    func view(at index: Int) -> UnsafeRawBufferPointer { views[index] }

    @inline(__always)
    func setView(_ view: UnsafeRawBufferPointer, at index: Int) { views[index] = view }

    private func growViews() { Self.doubleCapacity(&views, count: viewCount, capacity: &viewCapacity) }

    /// Makes room for at least `extra` more views after the first `viewCount`; `views` may move.
    @inline(never)
    func reserveViews(_ extra: Int) {
        while viewCapacity - viewCount < extra { growViews() }
    }

    /// Moves `count` elements into a new allocation twice as large.
    private static func doubleCapacity<T>(_ pointer: inout UnsafeMutablePointer<T>, count: Int, capacity: inout Int) {
        let grown = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
        grown.moveInitialize(from: pointer, count: count)
        pointer.deallocate()
        pointer = grown
        capacity *= 2
    }

    /// Appends a field whose bytes are `bytes[start..<end]`.
    func appendBufferField(start: Int, end: Int) {
        appendView(UnsafeRawBufferPointer(start: nil, count: 0))
        markBufferField(at: viewCount - 1, start: start, end: end)
    }

    /// Records that field `index` lives in `bytes[start..<end]`.
    func markBufferField(at index: Int, start: Int, end: Int) {
        if bufferFieldCount == bufferFieldCapacity {
            Self.doubleCapacity(&bufferFields, count: bufferFieldCount, capacity: &bufferFieldCapacity)
        }
        bufferFields[bufferFieldCount] = BufferField(index: index, start: start, end: end)
        bufferFieldCount += 1
    }

    // MARK: Bytes

    @inline(__always)
    func appendBytes(_ source: UnsafeRawPointer, count: Int) {
        guard count > 0 else { return }
        if byteCount + count > byteCapacity { growBytes(to: byteCount + count) }
        (bytes + byteCount).copyMemory(from: source, byteCount: count)
        byteCount += count
    }

    @inline(__always)
    func appendByte(_ byte: UInt8) {
        if byteCount == byteCapacity { growBytes(to: byteCount + 1) }
        bytes.storeBytes(of: byte, toByteOffset: byteCount, as: UInt8.self)
        byteCount += 1
    }

    private func growBytes(to needed: Int) {
        var capacity = byteCapacity
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        grown.copyMemory(from: bytes, byteCount: byteCount)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }

    // MARK: Record

    /// Points the views of buffer fields at their bytes. Call once the record is complete; the
    /// views stay valid until the next append or `reset`.
    func resolveBufferFields() {
        for k in 0..<bufferFieldCount {
            let f = bufferFields[k]
            views[f.index] = f.end > f.start
                ? UnsafeRawBufferPointer(start: bytes + f.start, count: f.end - f.start)
                : UnsafeRawBufferPointer(start: nil, count: 0)
        }
    }

    /// Forgets the current record, keeping the memory.
    @inline(__always)
    func reset() {
        viewCount = 0
        bufferFieldCount = 0
        byteCount = 0
    }
}

/// What completed work orders did (their `resolves`): marked as the rows are read, applied once the exports are.
extension DatasetBuilder {
    /// The ids of a completed work order's `resolves` (`;`-separated, spaces around each trimmed), each to `addResolved(id:)`.
    /// ASCII lists are split as bytes; others as `String`s, as `RecordDecoder.workOrder(_:)` splits them.
    mutating func addResolved(_ list: UnsafeRawBufferPointer) {
        guard list.allSatisfy({ $0 < 0x80 }) else {
            for part in String(decoding: list, as: UTF8.self).split(separator: ";") {
                var id = String(part).trimmingSpaces
                if !id.isEmpty { id.withUTF8 { addResolved(id: UnsafeRawBufferPointer($0)) } }
            }
            return
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var start = 0
        for end in 0...list.count where end == list.count || list[end] == UInt8(ascii: ";") {
            var (from, to) = (start, end)
            while from < to, isSpace(list[from]) { from += 1 }
            while to > from, isSpace(list[to - 1]) { to -= 1 }
            if to > from { addResolved(id: UnsafeRawBufferPointer(rebasing: list[from..<to])) }
            start = end + 1
        }
    }

    /// One id a completed work order did: marked when the recommendations were read first (ids of no recommendation
    /// then count for nothing), else remembered until they are.
    @inline(__always)
    mutating func addResolved(id: UnsafeRawBufferPointer) {
        if resolvedMarks != nil {
            resolvedMarks!.mark(id, in: recommendationLines)
        } else {
            _ = resolved.insertIfAbsent(id, 0)
        }
    }

    /// Calls `body` with each recommendation a completed work order did, and its value in `recommendationLines` (an
    /// id may come twice).
    func forEachResolved(_ body: (UnsafeRawBufferPointer, UInt64) -> Void) {
        resolvedMarks?.forEachMarked(in: recommendationLines, body)
        resolved.forEach { id, _ in if let value = recommendationLines[id] { body(id, value) } }
    }

    /// Does what completed work orders did, once the exports are read: tonight's status of each recommendation they did
    /// becomes `resolved` (unless the export says completed), and the open or quoted ones among them are no longer
    /// open (`resolvedPendingIDs`, `Dataset.aged.resolved`). Visits those done (thousands), not every recommendation.
    public mutating func applyWorkDone() {
        guard !workDoneApplied else { return }
        workDoneApplied = true
        tonightCount = recommendationLines.count
        var ids = ShortKeyTable(), lines: [Int] = []
        let open = TrackedStatus.open.code, quoted = TrackedStatus.quoted.code
        forEachResolved { id, value in
            let tonight = StatusSnapshot.tonight(value)
            guard tonight == open || tonight == quoted, ids.insertIfAbsent(id, 0) == nil else { return }
            lines.append(Self.line(value))
        }
        resolvedPendingIDs = ids
        if dataset.aged.count > 0 { for line in lines { dataset.aged.markResolved(line: line) } }
        let completed = TrackedStatus.completed.code, resolvedCode = TrackedStatus.resolved.code
        func resolve(_ value: UInt64) -> UInt64 { StatusSnapshot.tonight(value) == completed ? value : value & ~0xF | resolvedCode }
        resolvedMarks?.update(&recommendationLines, resolve)
        resolved.forEach { id, _ in
            if let value = recommendationLines[id] { recommendationLines.updateExisting(id, to: resolve(value)) }
        }
    }
}

import CAtomicPair
import Synchronization

/// Two parts of one file, read on two threads, recording their ids in one table: the first part's table is sized for
/// the whole file, and a second table for the later part beside it (half as big again, ~12 MB at 5M work orders over
/// 15 years) set the run's peak memory. Each part inserts with `insertKeepingSmallest`, a slot swapped whole
/// (`ft_swap_pair`), and the smaller value wins: values begin with the row's line, so the earlier row keeps its id, as
/// one reader of the whole file would. The parts take their room from one count, a batch of slots at a time; when it
/// runs out (the file holds more rows than the table was sized for), or when the parts cannot be joined, the sharing is
/// given up: the later part stops, its ids are purged, and the first part reads on alone.
extension IDTable {
    /// What two tables sharing their slots know of each other.
    final class Sharing: Sendable {
        /// Set by the part that gave the sharing up (out of room, or its file not split at a row's end).
        let abandoned = Atomic<Bool>(false)
        /// Keys the parts may still add, taken `batch` at a time: 1,024, or a 64th of the room in a small table (so
        /// that one part does not take it all).
        let room: Atomic<Int>
        let batch: Int

        init(room: Int) {
            self.room = Atomic(room)
            batch = min(1024, max(1, room / 64))
        }
    }

    /// What `insertKeepingSmallest` did.
    enum SharedInsertion: Equatable {
        case inserted
        /// The key was there with this value, smaller or the same: the row is a duplicate of the one it names.
        case held(UInt64)
        /// The key was there with this value, larger (the later part's), now replaced: that row is the duplicate.
        case displaced(UInt64)
        /// The sharing was given up: the later part's rows are read again by the first part.
        case abandoned
    }

    /// This table (the first part's) and the one returned (the later part's) now hold the same slots, each inserting
    /// only by `insertKeepingSmallest`, from its own thread, until `endSharing(later:)` or `abandonSharing()`.
    /// Every value the later part inserts must be larger than every value this part does (the later part's rows come
    /// after this part's: its lines are larger).
    /// A copy of either table shares the slots too (and its count goes stale): none is made while they share.
    mutating func shareWithLaterPart() -> IDTable {
        precondition(sharing == nil && count == 0, "a table shared twice, or after keys were added")
        if capacity == 0 { reserveCapacity(1) }
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        // Room up to halfway between the table's load and full: a little past what it was sized for (at nine tenths,
        // ~5% more rows than expected), as the parts give the sharing up rather than grow the table under each other.
        // (Near full, a probe for a key not there grows long: ~50 slots at nine tenths, ~200 at 95%.)
        let sharing = Sharing(room: capacity * (10 + maxLoadTenths) / 20)
        var later = IDTable(maxLoadTenths: maxLoadTenths, numbered: numbered)
        (later.storage, later.capacity, later.sharing, later.isLaterPart) = (storage, capacity, sharing, true)
        (self.sharing, sharedRoom, largestOwnValue) = (sharing, 0, 0)
        layout = Layout()
        return later
    }

    var isShared: Bool { sharing != nil }

    /// True for the later part's table once the sharing was given up: its rows count for nothing.
    var wasGivenUp: Bool { isLaterPart && sharing?.abandoned.load(ordering: .relaxed) == true }

    /// True when this table shares its slots with `other` (`shareWithLaterPart`) and neither gave the sharing up.
    func canJoin(later other: IDTable) -> Bool {
        guard let sharing else { return other.sharing == nil }
        return sharing === other.sharing && !sharing.abandoned.load(ordering: .relaxed)
    }

    /// Records `value` for `key` unless the key holds a smaller value; a larger one (only the later part's, when this
    /// is the first part) is replaced. Not shared (or no longer): as `insertIfAbsent`.
    mutating func insertKeepingSmallest(_ key: UnsafeRawBufferPointer, _ value: UInt64) -> SharedInsertion {
        guard let sharing else { return insertIfAbsent(key, value).map { .held($0) } ?? .inserted }
        if isLaterPart, sharing.abandoned.load(ordering: .relaxed) { return capacity == 0 ? .abandoned : giveUp(sharing) }
        // Each part keeps the ids that do not pack apart; the merge takes the later part's in.
        let packed = if let numbered { numbered.key(key).map { ($0, UInt64(0)) } } else { Self.packAny(key) }
        guard let (a, b) = packed else { return wide.insertIfAbsent(key, value).map { .held($0) } ?? .inserted }
        if sharedRoom == 0 || sharing.abandoned.load(ordering: .relaxed) {
            let left = sharing.abandoned.load(ordering: .relaxed) ? 0
                : sharing.room.wrappingSubtract(sharing.batch, ordering: .relaxed).oldValue
            if left > 0 {
                sharedRoom = min(left, sharing.batch)
            } else if isLaterPart {
                return giveUp(sharing)
            } else {
                abandonSharing()
                return insertKeepingSmallest(key, value)
            }
        }
        if numbered != nil { return insertNumberedKeepingSmallest(a, key, value) }
        let (low, high) = Self.slotWords(a, b, value)
        let words = storage.base
        var i = slot(a, b)
        // A slot's words as last read: the high one first (see `ft_load_word`), the low one when needed (nil: not yet).
        var seen: (low: UInt64?, high: UInt64) = (nil, ft_load_word(words + 2 * i + 1))
        while true {
            if seen.high & Self.highKeyMask == 0 {
                var expected: (UInt64, UInt64) = (0, 0)
                if Self.swap(words + 2 * i, &expected, low, high) {
                    (packedCount, sharedRoom, largestOwnValue) = (packedCount + 1, sharedRoom - 1, max(largestOwnValue, value))
                    return .inserted
                }
                seen = expected  // the other part took the slot first: maybe for this key
                continue
            }
            if seen.high & Self.highKeyMask == b {
                let seenLow = seen.low ?? ft_load_word(words + 2 * i)
                if seenLow & Self.lowKeyMask == a {
                    let held = Self.value(seenLow, seen.high)
                    if held <= value { return .held(held) }
                    var expected = (seenLow, seen.high)
                    if Self.swap(words + 2 * i, &expected, low, high) {
                        largestOwnValue = max(largestOwnValue, value)
                        return .displaced(held)
                    }
                    seen = expected
                    continue
                }
            }
            i = i + 1 == capacity ? 0 : i + 1
            seen = (nil, ft_load_word(words + 2 * i + 1))
        }
    }

    /// `ft_swap_pair` on a slot, `expected` as a pair of words.
    @inline(__always)
    static func swap(_ slot: UnsafeMutablePointer<UInt64>, _ expected: inout (UInt64, UInt64), _ low: UInt64,
                     _ high: UInt64) -> Bool {
        withUnsafeMutablePointer(to: &expected) {
            $0.withMemoryRebound(to: UInt64.self, capacity: 2) { ft_swap_pair(slot, $0, low, high) }
        }
    }

    /// The later part's table gives the sharing up: it lets go of the slots (the first part purges its keys from them,
    /// or from a copy of its own) and adds nothing more.
    private mutating func giveUp(_ sharing: Sharing) -> SharedInsertion {
        sharing.abandoned.store(true, ordering: .relaxed)
        (storage, capacity, packedCount, sharedRoom) = (Words.empty, 0, 0, 0)
        return .abandoned
    }

    /// Once both parts are read, and `canJoin(later:)`: this table holds the later part's keys too, no longer shared.
    /// Returns the later part's ids that do not pack, for the caller to take in (telling its duplicates).
    mutating func endSharing(later: inout IDTable) -> ShortKeyTable {
        precondition(canJoin(later: later) && sharing != nil && !isLaterPart, "parts joined that did not share their slots")
        packedCount += later.packedCount
        let wide = later.wide
        later = IDTable()
        (sharing, sharedRoom, largestOwnValue) = (nil, 0, 0)
        layout = Layout()
        // A copy left would make the next write copy every slot (~20 MB at 5M work orders over 15 years).
        precondition(isKnownUniquelyReferenced(&storage), "a copy of the shared slots outlived the later part")
        return wide
    }

    /// Gives the sharing up: the later part stops at its next insertion, and this table (the first part's) keeps its
    /// own keys only, in slots of its own (twice as many if its own keys fill it to its load), no longer shared. The
    /// later part may still be writing the slots given up: only its keys change there, and they are left out.
    mutating func abandonSharing() {
        guard let sharing else { return }
        precondition(!isLaterPart, "the later part gives the sharing up by its insertions")
        sharing.abandoned.store(true, ordering: .relaxed)
        let largest = largestOwnValue
        let newCapacity = isFull ? capacity * 2 : capacity
        self.sharing = nil
        // Every key of the later part has a larger value than every one of this part's (its lines come after).
        packedCount = rehash(to: newCapacity) { value in value <= largest }
        (sharedRoom, largestOwnValue) = (0, 0)
    }
}

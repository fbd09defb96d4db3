#ifndef FOLLOWTHROUGH_CATOMICPAIR_H
#define FOLLOWTHROUGH_CATOMICPAIR_H
// Two 64-bit words swapped as one (a slot of `IDTable` while two threads insert into it or write its values), which
// Swift's standard library has no portable spelling for. `slot` must be 16-byte aligned.
#include <stdbool.h>
#include <stdint.h>

// If the slot holds `expected` (two words), writes `low`, `high` and returns true; else copies what it holds into
// `expected` (read whole) and returns false.
static inline bool ft_swap_pair(uint64_t *slot, uint64_t *expected, uint64_t low, uint64_t high) {
#if defined(__x86_64__)
    // Inline: compilers otherwise call libatomic's __atomic_compare_exchange_16 unless built with -mcx16.
    bool swapped;
    __asm__ __volatile__("lock cmpxchg16b %1"
                         : "=@ccz"(swapped), "+m"(*(unsigned __int128 *)slot), "+a"(expected[0]), "+d"(expected[1])
                         : "b"(low), "c"(high)
                         : "memory");
    return swapped;
#else
    _Static_assert(__atomic_always_lock_free(16, 0), "a two-word swap must not take a lock: slots are also read word by word");
    unsigned __int128 old = (unsigned __int128)expected[1] << 64 | expected[0];
    bool swapped = __atomic_compare_exchange_n((unsigned __int128 *)slot, &old, (unsigned __int128)high << 64 | low,
                                               false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    expected[0] = (uint64_t)old;
    expected[1] = (uint64_t)(old >> 64);
    return swapped;
#endif
}

// One word of a slot another thread may be swapping. Read a slot's high word first, then its low word: a slot is
// written by `ft_swap_pair` only, so a high word seen filled comes with its low word, and its key bits never change
// once written. (Its value may be replaced meanwhile: two words read one by one may then hold halves of two values.
// Whoever depends on the value reads it whole, `ft_load_pair`, or swaps on what it read, which fails if it changed.)
static inline uint64_t ft_load_word(const uint64_t *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }

// Both words of a slot as one, into `out`: a swap of the slot for itself (it writes back only what it found). A swap
// that fails reads the slot whole: `lock cmpxchg16b` does; elsewhere, a lock-free 16-byte compare-and-swap must.
static inline void ft_load_pair(uint64_t *slot, uint64_t *out) {
    out[0] = ft_load_word(slot);
    out[1] = ft_load_word(slot + 1);
    ft_swap_pair(slot, out, out[0], out[1]);
}

// One word swapped (a slot of an `IDTable` of numbered ids, one word a slot, while two threads insert into it): if it
// holds `*expected`, writes `desired` and returns true; else copies what it holds into `*expected` and returns false.
static inline bool ft_swap_word(uint64_t *slot, uint64_t *expected, uint64_t desired) {
    return __atomic_compare_exchange_n(slot, expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
#endif

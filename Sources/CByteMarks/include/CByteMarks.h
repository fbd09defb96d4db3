#ifndef FOLLOWTHROUGH_CBYTEMARKS_H
#define FOLLOWTHROUGH_CBYTEMARKS_H
// The CSV tokenizer's block test, 16 bytes per instruction where the CPU has SSE2 (every x86-64):
// Swift's SIMD types give no movemask, and the 8-bytes-a-word version costs ~4x the instructions.
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define FT_HAS_SSE2_MARKS 1

// Bit k set when p[k] (k < 64) is the delimiter, a quote or a byte below 0x0E (CR, LF and rarer control
// bytes); *delimiters gets the delimiter bits alone. Reads exactly 64 bytes.
static inline uint64_t ft_marks64(const void *p, uint8_t delimiter, uint64_t *delimiters) {
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i delim = _mm_set1_epi8((char)delimiter);
    const __m128i control = _mm_set1_epi8(0x0D);
    const char *bytes = (const char *)p;
    uint64_t marks = 0, delims = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(bytes + 16 * k));
        __m128i isDelimiter = _mm_cmpeq_epi8(v, delim);
        __m128i isQuote = _mm_cmpeq_epi8(v, quote);
        __m128i isControl = _mm_cmpeq_epi8(_mm_min_epu8(v, control), v);  // v <= 0x0D, unsigned
        __m128i any = _mm_or_si128(_mm_or_si128(isDelimiter, isQuote), isControl);
        marks |= (uint64_t)(uint32_t)_mm_movemask_epi8(any) << (16 * k);
        delims |= (uint64_t)(uint32_t)_mm_movemask_epi8(isDelimiter) << (16 * k);
    }
    *delimiters = delims;
    return marks;
}
#endif
#endif

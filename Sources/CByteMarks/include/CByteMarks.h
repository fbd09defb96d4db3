#ifndef FOLLOWTHROUGH_CBYTEMARKS_H
#define FOLLOWTHROUGH_CBYTEMARKS_H
// Byte scans for the hot loops, 16 bytes per instruction where the CPU has SSE2 (every x86-64): Swift's SIMD
// types give no movemask. The CSV tokenizer's block test, and the scans that write messages.
#include <stddef.h>
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

// Scans used when writing messages. Each has a 16-bytes-at-a-time SSE2 loop where the CPU has it and a plain
// loop for the rest; neither reads outside p[0..<n].

// How many leading bytes of p[0..<n] quoted-printable writes as they are anywhere mid-line: printable ASCII
// (0x20 to 0x7E) other than '='.
static inline size_t ft_qp_plain_run(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(0x20), tilde = _mm_set1_epi8(0x7E), equals = _mm_set1_epi8('=');
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i inRange = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, space), v), _mm_cmpeq_epi8(_mm_min_epu8(v, tilde), v));
        unsigned plain = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(_mm_cmpeq_epi8(v, equals), inRange));
        if (plain != 0xFFFF) return i + (size_t)__builtin_ctz(~plain);
        i += 16;
    }
#endif
    while (i < n && p[i] >= 0x20 && p[i] <= 0x7E && p[i] != '=') i++;
    return i;
}

// The index of the first CR or LF in p[0..<n], or n.
static inline size_t ft_line_break_index(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i cr = _mm_set1_epi8(0x0D), lf = _mm_set1_epi8(0x0A);
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned hits = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        if (hits) return i + (size_t)__builtin_ctz(hits);
        i += 16;
    }
#endif
    while (i < n && p[i] != 0x0D && p[i] != 0x0A) i++;
    return i;
}

// The index of the first byte HTML escaping replaces (< > & " ') in p[0..<n], or n.
static inline size_t ft_html_special_index(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'), amp = _mm_set1_epi8('&');
    const __m128i quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, gt)),
                                   _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, quot)), _mm_cmpeq_epi8(v, apos)));
        unsigned hits = (unsigned)_mm_movemask_epi8(hit);
        if (hits) return i + (size_t)__builtin_ctz(hits);
        i += 16;
    }
#endif
    while (i < n && p[i] != '<' && p[i] != '>' && p[i] != '&' && p[i] != '"' && p[i] != '\'') i++;
    return i;
}

// How many LF bytes p[0..<n] holds; *crs gets how many CR bytes. One pass, 16 bytes at a time where the CPU has SSE2:
// the line ends before the later part of a file split in two are counted this way.
static inline size_t ft_count_lf_cr(const uint8_t *p, size_t n, size_t *crs) {
    size_t i = 0, lfs = 0, crCount = 0;
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8(0x0A), cr = _mm_set1_epi8(0x0D), zero = _mm_setzero_si128();
    while (n - i >= 16) {
        // Byte lanes count up to 255 blocks before they are summed.
        size_t blocks = (n - i) / 16;
        if (blocks > 255) blocks = 255;
        __m128i lfLanes = zero, crLanes = zero;
        for (size_t b = 0; b < blocks; b++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            lfLanes = _mm_sub_epi8(lfLanes, _mm_cmpeq_epi8(v, lf));
            crLanes = _mm_sub_epi8(crLanes, _mm_cmpeq_epi8(v, cr));
        }
        __m128i lfSums = _mm_sad_epu8(lfLanes, zero), crSums = _mm_sad_epu8(crLanes, zero);
        lfs += (size_t)_mm_cvtsi128_si32(lfSums) + (size_t)_mm_extract_epi16(lfSums, 4);
        crCount += (size_t)_mm_cvtsi128_si32(crSums) + (size_t)_mm_extract_epi16(crSums, 4);
    }
#endif
    for (; i < n; i++) {
        lfs += p[i] == 0x0A;
        crCount += p[i] == 0x0D;
    }
    *crs = crCount;
    return lfs;
}
#endif

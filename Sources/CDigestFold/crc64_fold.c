// CRC-64 folding with carry-less multiplication (reflected bit order).
//
// A reflected 64-bit word v stands for the polynomial sum of v_i x^(63-i);
// 16 message bytes loaded little-endian stand for a 128-bit block whose low
// qword holds the higher degrees. clmul(a, b) of two such words is a·b·x in
// the 128-bit block layout, so multiplying by the constant x^(n-1) mod P
// gives a·x^n. A block A followed by D bits of message is congruent to
// A·x^D = A_lo·x^(D+64) + A_hi·x^D (A_lo: the low qword, higher degrees), so
// folding A over D bits is clmul(A_lo, x^(D+63) mod P) ^ clmul(A_hi,
// x^(D-1) mod P), xor-ed into the block D bits later. Four lanes fold over
// 512 bits; at the end they are folded into one remainder. A CRC depends
// only on its message modulo P, so the remainder has the message's CRC.

#include "CDigestFold.h"

#if defined(__x86_64__)
#include <immintrin.h>

// x^n mod P in reflected form (the table's multiply-by-x, n times, from 1).
static uint64_t power_mod(uint64_t polynomial, unsigned n) {
    uint64_t v = (uint64_t)1 << 63;
    for (unsigned i = 0; i < n; i++) v = (v & 1) ? (v >> 1) ^ polynomial : v >> 1;
    return v;
}

int crc64_fold_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
    }
    return available;
}

__attribute__((target("pclmul,sse2")))
static inline __m128i fold(__m128i block, __m128i constants) {
    return _mm_xor_si128(_mm_clmulepi64_si128(block, constants, 0x00),
                         _mm_clmulepi64_si128(block, constants, 0x11));
}

__attribute__((target("pclmul,sse2")))
static inline __m128i fold_constants(uint64_t polynomial, unsigned bits) {
    return _mm_set_epi64x((long long)power_mod(polynomial, bits - 1), (long long)power_mod(polynomial, bits + 63));
}

typedef struct {
    uint64_t polynomial;
    __m128i by512, by384, by256, by128;
} constants_t;

__attribute__((target("pclmul,sse2")))
static const constants_t *constants_for(uint64_t polynomial) {
    // One polynomial in practice; recomputed (about 2,000 shifts) if another is asked for.
    static __thread constants_t cached;
    static __thread int ready;
    if (!ready || cached.polynomial != polynomial) {
        cached.polynomial = polynomial;
        cached.by512 = fold_constants(polynomial, 512);
        cached.by384 = fold_constants(polynomial, 384);
        cached.by256 = fold_constants(polynomial, 256);
        cached.by128 = fold_constants(polynomial, 128);
        ready = 1;
    }
    return &cached;
}

__attribute__((target("pclmul,sse2")))
size_t crc64_fold(uint64_t polynomial, uint64_t state, const uint8_t *data, size_t length, uint8_t remainder[16]) {
    if (length < CRC64_FOLD_MIN_BYTES || !crc64_fold_available()) return 0;
    const constants_t *k = constants_for(polynomial);
    size_t end = length & ~(size_t)63;
    __m128i x0 = _mm_loadu_si128((const __m128i *)(data + 0));
    __m128i x1 = _mm_loadu_si128((const __m128i *)(data + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(data + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(data + 48));
    x0 = _mm_xor_si128(x0, _mm_set_epi64x(0, (long long)state));
    for (size_t offset = 64; offset < end; offset += 64) {
        x0 = _mm_xor_si128(fold(x0, k->by512), _mm_loadu_si128((const __m128i *)(data + offset + 0)));
        x1 = _mm_xor_si128(fold(x1, k->by512), _mm_loadu_si128((const __m128i *)(data + offset + 16)));
        x2 = _mm_xor_si128(fold(x2, k->by512), _mm_loadu_si128((const __m128i *)(data + offset + 32)));
        x3 = _mm_xor_si128(fold(x3, k->by512), _mm_loadu_si128((const __m128i *)(data + offset + 48)));
    }
    __m128i r = _mm_xor_si128(_mm_xor_si128(fold(x0, k->by384), fold(x1, k->by256)),
                              _mm_xor_si128(fold(x2, k->by128), x3));
    _mm_storeu_si128((__m128i *)remainder, r);
    return end;
}

#else

int crc64_fold_available(void) { return 0; }

size_t crc64_fold(uint64_t polynomial, uint64_t state, const uint8_t *data, size_t length, uint8_t remainder[16]) {
    (void)polynomial; (void)state; (void)data; (void)length; (void)remainder;
    return 0;
}

#endif

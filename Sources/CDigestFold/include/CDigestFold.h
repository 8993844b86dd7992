#ifndef CDIGESTFOLD_H
#define CDIGESTFOLD_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU can fold CRC-64 with carry-less multiplication
/// (x86-64 with PCLMULQDQ); 0 elsewhere.
int crc64_fold_available(void);

/// Folds `data` (at least `CRC64_FOLD_MIN_BYTES`) into a 16-byte remainder
/// that has the same CRC as the consumed bytes, after the running CRC
/// register `state` (the inverted CRC, as a table loop keeps it) has been
/// xor-ed into the first 8 bytes. The caller continues with a table CRC from
/// register 0 over `remainder`, then over the bytes after the consumed ones.
/// `polynomial` is the reflected CRC-64 polynomial. Returns the bytes consumed
/// (a multiple of 64); 0 when folding is unavailable or `length` too short.
size_t crc64_fold(uint64_t polynomial, uint64_t state, const uint8_t *data, size_t length, uint8_t remainder[16]);

#define CRC64_FOLD_MIN_BYTES 128

#endif

# cython: language_level=3
"""Cython engine for text ids; same semantics as ``reference.text``: one open-addressing hash table of the keys
per call (linear probing; a key's tag is its bytes when they are 7 or fewer, else an FNV-1a hash), a probe per
query, the GIL released; white space stripped from the bytes (the ASCII white space and the UTF-8 forms of the
19 non-ASCII characters ``str.strip()`` removes). ``text_hash``: the bytes' 64-bit FNV-1a, value by value."""

import numpy as np
from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.string cimport memcmp


cdef inline int _space_at(const uint8_t* d, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """Bytes of the white-space character that starts at ``a`` (0: none)."""
    cdef uint8_t c = d[a], d1, d2
    if (9 <= c <= 13) or (28 <= c <= 32):
        return 1
    if c == 0xC2 and a + 1 < b and (d[a + 1] == 0x85 or d[a + 1] == 0xA0):
        return 2
    if a + 2 < b:
        d1 = d[a + 1]
        d2 = d[a + 2]
        if c == 0xE2:
            if (d1 == 0x80 and (0x80 <= d2 <= 0x8A or d2 == 0xA8 or d2 == 0xA9 or d2 == 0xAF)) or \
                    (d1 == 0x81 and d2 == 0x9F):
                return 3
        elif c == 0xE1:
            if d1 == 0x9A and d2 == 0x80:
                return 3
        elif c == 0xE3:
            if d1 == 0x80 and d2 == 0x80:
                return 3
    return 0


cdef inline int _space_before(const uint8_t* d, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """Bytes of the white-space character that ends at ``b`` (0: none; UTF-8's lead bytes tell where a
    character starts)."""
    cdef uint8_t c = d[b - 1]
    if (9 <= c <= 13) or (28 <= c <= 32):
        return 1
    if b - 2 >= a and d[b - 2] == 0xC2 and (c == 0x85 or c == 0xA0):
        return 2
    if b - 3 >= a and _space_at(d, b - 3, b) == 3:
        return 3
    return 0


cdef uint64_t EMPTY = 0xFFFFFFFFFFFFFFFFULL  # (a free slot of the table)


cdef inline uint64_t _tag(const uint8_t* p, Py_ssize_t n) noexcept nogil:
    """A key's tag: for up to 7 bytes the bytes themselves and the length in the top byte (equal tags: equal
    keys), else an FNV-1a hash of the bytes with the top byte 0xFF (equal keys have equal tags)."""
    cdef uint64_t h = 0
    cdef Py_ssize_t j
    if n <= 7:
        for j in range(n):
            h |= (<uint64_t>p[j]) << (8 * j)
        return h | ((<uint64_t>n) << 56)
    h = 14695981039346656037ULL
    for j in range(n):
        h = (h ^ p[j]) * 1099511628211ULL
    return (h >> 8) | (0xFFULL << 56)


cdef inline uint64_t _slot(uint64_t tag, int shift) noexcept nogil:
    """The first slot to probe for ``tag``: the top bits of ``tag`` times 2**64 / golden ratio (Fibonacci
    hashing; every bit of the tag moves them, where the low bits of the product depended on the tag's low bits
    only, and short ids sharing a prefix piled up in a few slots)."""
    return (tag * 0x9E3779B97F4A7C15ULL) >> shift


def text_lookup(const int64_t[::1] key_off, const uint8_t[::1] key_data, const int64_t[::1] q_off,
                const uint8_t[::1] q_data, const uint8_t[::1] q_missing, bint strip, int64_t[::1] out,
                int64_t[::1] counts):
    cdef Py_ssize_t nk = key_off.shape[0] - 1, n = out.shape[0], size = 16, i, k, a, b, a0, b0, ln
    cdef int w
    cdef int shift = 60  # (64 - log2(size))
    while size < 2 * nk:
        size *= 2
        shift -= 1
    # one open-addressing table of (key index, tag) pairs, side by side: a probe reads one cache line, and a
    # key of up to 7 bytes (most ids) is matched by its tag alone, without reading the keys' offsets or bytes
    cdef uint64_t[::1] table = np.full(2 * size, EMPTY, dtype=np.uint64)
    cdef uint64_t mask = <uint64_t>(size - 1), j, tag
    cdef int64_t code, shortened = 0
    # (empty buffers: a valid pointer all the same, never read)
    cdef const uint8_t* kd = &key_data[0] if key_data.shape[0] else <const uint8_t*>b""
    cdef const uint8_t* qd = &q_data[0] if q_data.shape[0] else <const uint8_t*>b""
    with nogil:
        for k in range(nk):
            tag = _tag(kd + key_off[k], key_off[k + 1] - key_off[k])
            j = _slot(tag, shift)
            while table[2 * j] != EMPTY:
                j = (j + 1) & mask
            table[2 * j] = <uint64_t>k
            table[2 * j + 1] = tag
        for i in range(n):
            if q_missing[i]:
                out[i] = -3
                continue
            a = q_off[i]
            b = q_off[i + 1]
            # (most ids begin and end with a printable ASCII byte: nothing to strip, no call)
            if strip and a < b and not (32 < qd[a] < 0x80 and 32 < qd[b - 1] < 0x80):
                a0 = a
                b0 = b
                while a < b:
                    w = _space_at(qd, a, b)
                    if w == 0:
                        break
                    a += w
                while b > a:
                    w = _space_before(qd, a, b)
                    if w == 0:
                        break
                    b -= w
                if a != a0 or b != b0:
                    shortened += 1
            if a == b:
                out[i] = -3
                continue
            ln = b - a
            tag = _tag(qd + a, ln)
            j = _slot(tag, shift)
            code = -1
            while table[2 * j] != EMPTY:
                if table[2 * j + 1] == tag:
                    k = <Py_ssize_t>table[2 * j]
                    if ln <= 7 or (key_off[k + 1] - key_off[k] == ln and memcmp(kd + key_off[k], qd + a, ln) == 0):
                        code = k
                        break
                j = (j + 1) & mask
            out[i] = code
    counts[0] = shortened


def text_hash(const int64_t[::1] off, const uint8_t[::1] data, uint64_t[::1] out):
    cdef Py_ssize_t n = out.shape[0], i, j
    cdef uint64_t h
    if off.shape[0] != n + 1:
        raise ValueError(f"text_hash: {off.shape[0]} offsets for {n} values (expected {n + 1})")
    cdef const uint8_t* d = &data[0] if data.shape[0] else <const uint8_t*>b""
    with nogil:
        for i in range(n):
            h = 14695981039346656037ULL
            for j in range(off[i], off[i + 1]):
                h = (h ^ d[j]) * 1099511628211ULL
            out[i] = h

# cython: language_level=3
"""Cython engine for text ids; same semantics as ``reference.text``: one open-addressing hash table of the keys
per call (FNV-1a over the bytes, linear probing), a probe per query, the GIL released."""

import numpy as np
from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.string cimport memcmp


cdef inline bint _is_space(uint8_t c) noexcept nogil:
    return (9 <= c <= 13) or (28 <= c <= 32)


cdef inline uint64_t _hash(const uint8_t* p, Py_ssize_t n) noexcept nogil:
    cdef uint64_t h = 14695981039346656037ULL
    cdef Py_ssize_t j
    for j in range(n):
        h = (h ^ p[j]) * 1099511628211ULL
    return h ^ (h >> 29)  # (the low bits index the table: fold the high ones in)


def text_lookup(const int64_t[::1] key_off, const uint8_t[::1] key_data, const int64_t[::1] q_off,
                const uint8_t[::1] q_data, const uint8_t[::1] q_missing, bint strip, int64_t[::1] out,
                int64_t[::1] counts):
    cdef Py_ssize_t nk = key_off.shape[0] - 1, n = out.shape[0], size = 16, i, k, a, b, a0, b0, ln
    while size < 2 * nk:
        size *= 2
    cdef int64_t[::1] slots = np.full(size, -1, dtype=np.int64)
    cdef uint64_t mask = <uint64_t>(size - 1), j
    cdef int64_t code, undecided = 0, shortened = 0
    # (empty buffers: a valid pointer all the same, never read)
    cdef const uint8_t* kd = &key_data[0] if key_data.shape[0] else <const uint8_t*>b""
    cdef const uint8_t* qd = &q_data[0] if q_data.shape[0] else <const uint8_t*>b""
    with nogil:
        for k in range(nk):
            j = _hash(kd + key_off[k], key_off[k + 1] - key_off[k]) & mask
            while slots[j] >= 0:
                j = (j + 1) & mask
            slots[j] = k
        for i in range(n):
            if q_missing[i]:
                out[i] = -3
                continue
            a = q_off[i]
            b = q_off[i + 1]
            if strip:
                a0 = a
                b0 = b
                while a < b and _is_space(qd[a]):
                    a += 1
                while b > a and _is_space(qd[b - 1]):
                    b -= 1
                if a != a0 or b != b0:
                    shortened += 1
                if a < b and (qd[a] >= 0x80 or qd[b - 1] >= 0x80):
                    out[i] = -2
                    undecided += 1
                    continue
            if a == b:
                out[i] = -3
                continue
            ln = b - a
            j = _hash(qd + a, ln) & mask
            code = -1
            while slots[j] >= 0:
                k = slots[j]
                if key_off[k + 1] - key_off[k] == ln and memcmp(kd + key_off[k], qd + a, ln) == 0:
                    code = k
                    break
                j = (j + 1) & mask
            out[i] = code
    counts[0] = undecided
    counts[1] = shortened

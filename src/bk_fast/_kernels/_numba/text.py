"""Numba engine for text ids; same names, signatures and results as ``reference.text``: one open-addressing
hash table of the keys per call (FNV-1a over the bytes, linear probing), a probe per query."""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@jit
def _is_space(c):
    return (9 <= c <= 13) or (28 <= c <= 32)


@jit
def _hash(data, a, b):
    h = _FNV_OFFSET
    for j in range(a, b):
        h = (h ^ np.uint64(data[j])) * _FNV_PRIME
    return h ^ (h >> np.uint64(29))  # (the low bits index the table: fold the high ones in)


@jit
def text_lookup(key_off, key_data, q_off, q_data, q_missing, strip, out, counts):
    nk = key_off.shape[0] - 1
    size = 16
    while size < 2 * nk:
        size *= 2
    mask = np.uint64(size - 1)
    slots = np.full(size, -1, dtype=np.int64)
    for k in range(nk):
        j = _hash(key_data, key_off[k], key_off[k + 1]) & mask
        while slots[j] >= 0:
            j = (j + np.uint64(1)) & mask
        slots[j] = k
    undecided = 0
    shortened = 0
    for i in range(out.shape[0]):
        if q_missing[i]:
            out[i] = -3
            continue
        a = q_off[i]
        b = q_off[i + 1]
        if strip:
            a0 = a
            b0 = b
            while a < b and _is_space(q_data[a]):
                a += 1
            while b > a and _is_space(q_data[b - 1]):
                b -= 1
            if a != a0 or b != b0:
                shortened += 1
            if a < b and (q_data[a] >= 0x80 or q_data[b - 1] >= 0x80):
                out[i] = -2
                undecided += 1
                continue
        if a == b:
            out[i] = -3
            continue
        n = b - a
        j = _hash(q_data, a, b) & mask
        code = -1
        while slots[j] >= 0:
            k = slots[j]
            ka = key_off[k]
            if key_off[k + 1] - ka == n:
                same = True
                for t in range(n):
                    if key_data[ka + t] != q_data[a + t]:
                        same = False
                        break
                if same:
                    code = k
                    break
            j = (j + np.uint64(1)) & mask
        out[i] = code
    counts[0] = undecided
    counts[1] = shortened

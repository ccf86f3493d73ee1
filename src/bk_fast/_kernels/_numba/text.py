"""Numba engine for text ids; same names, signatures and results as ``reference.text``: one open-addressing
hash table of the keys per call (linear probing; a key's tag is its bytes when they are 7 or fewer, else an
FNV-1a hash), a probe per query; white space stripped from the bytes (the ASCII white space and the UTF-8
forms of the 19 non-ASCII characters ``str.strip()`` removes). ``text_hash``: the bytes' 64-bit FNV-1a, value
by value."""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@jit(inline="always")  # (inlined: a call per byte test cost 10-20 % of the kernel)
def _space_at(d, a, b):
    """Bytes of the white-space character that starts at ``a`` (0: none)."""
    c = d[a]
    if (9 <= c <= 13) or (28 <= c <= 32):
        return 1
    if c == 0xC2 and a + 1 < b and (d[a + 1] == 0x85 or d[a + 1] == 0xA0):
        return 2
    if a + 2 < b:
        if c == 0xE2:
            d1, d2 = d[a + 1], d[a + 2]
            if (d1 == 0x80 and (0x80 <= d2 <= 0x8A or d2 == 0xA8 or d2 == 0xA9 or d2 == 0xAF)) or \
                    (d1 == 0x81 and d2 == 0x9F):
                return 3
        elif c == 0xE1:
            if d[a + 1] == 0x9A and d[a + 2] == 0x80:
                return 3
        elif c == 0xE3:
            if d[a + 1] == 0x80 and d[a + 2] == 0x80:
                return 3
    return 0


@jit(inline="always")
def _space_before(d, a, b):
    """Bytes of the white-space character that ends at ``b`` (0: none; UTF-8's lead bytes tell where a
    character starts)."""
    c = d[b - 1]
    if (9 <= c <= 13) or (28 <= c <= 32):
        return 1
    if b - 2 >= a and d[b - 2] == 0xC2 and (c == 0x85 or c == 0xA0):
        return 2
    if b - 3 >= a and _space_at(d, b - 3, b) == 3:
        return 3
    return 0


_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # (a free slot of the table)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_LONG = np.uint64(0xFF) << np.uint64(56)


@jit(inline="always")
def _tag(data, a, b):
    """A key's tag: for up to 7 bytes the bytes themselves and the length in the top byte (equal tags: equal
    keys), else an FNV-1a hash of the bytes with the top byte 0xFF (equal keys have equal tags)."""
    n = b - a
    h = np.uint64(0)
    if n <= 7:
        for j in range(n):
            h |= np.uint64(data[a + j]) << np.uint64(8 * j)
        return h | (np.uint64(n) << np.uint64(56))
    h = _FNV_OFFSET
    for j in range(a, b):
        h = (h ^ np.uint64(data[j])) * _FNV_PRIME
    return (h >> np.uint64(8)) | _LONG


@jit(inline="always")
def _slot(tag, shift):
    """The first slot to probe for ``tag``: the top bits of ``tag`` times 2**64 / golden ratio (Fibonacci
    hashing; every bit of the tag moves them, where the low bits of the product depended on the tag's low bits
    only, and short ids sharing a prefix piled up in a few slots)."""
    return (tag * _MIX) >> shift


@jit
def text_lookup(key_off, key_data, q_off, q_data, q_missing, strip, out, counts):
    nk = key_off.shape[0] - 1
    size = 16
    bits = 4
    while size < 2 * nk:
        size *= 2
        bits += 1
    mask = np.uint64(size - 1)
    shift = np.uint64(64 - bits)
    # one open-addressing table of (key index, tag) pairs, side by side: a probe reads one cache line, and a
    # key of up to 7 bytes (most ids) is matched by its tag alone, without reading the keys' offsets or bytes
    table = np.full(2 * size, _EMPTY, dtype=np.uint64)
    for k in range(nk):
        tag = _tag(key_data, key_off[k], key_off[k + 1])
        j = _slot(tag, shift)
        while table[2 * j] != _EMPTY:
            j = (j + np.uint64(1)) & mask
        table[2 * j] = np.uint64(k)
        table[2 * j + 1] = tag
    shortened = 0
    for i in range(out.shape[0]):
        if q_missing[i]:
            out[i] = -3
            continue
        a = q_off[i]
        b = q_off[i + 1]
        # (most ids begin and end with a printable ASCII byte: nothing to strip, no call)
        if strip and a < b and not (32 < q_data[a] < 0x80 and 32 < q_data[b - 1] < 0x80):
            a0 = a
            b0 = b
            while a < b:
                w = _space_at(q_data, a, b)
                if w == 0:
                    break
                a += w
            while b > a:
                w = _space_before(q_data, a, b)
                if w == 0:
                    break
                b -= w
            if a != a0 or b != b0:
                shortened += 1
        if a == b:
            out[i] = -3
            continue
        n = b - a
        tag = _tag(q_data, a, b)
        j = _slot(tag, shift)
        code = -1
        while table[2 * j] != _EMPTY:
            if table[2 * j + 1] == tag:
                k = np.int64(table[2 * j])
                if n <= 7:
                    code = k
                    break
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
    counts[0] = shortened


@jit
def text_hash(off, data, out):
    if off.shape[0] != out.shape[0] + 1:
        raise ValueError("text_hash: the offsets must number the values + 1")
    for i in range(out.shape[0]):
        h = _FNV_OFFSET
        for j in range(off[i], off[i + 1]):
            h = (h ^ np.uint64(data[j])) * _FNV_PRIME
        out[i] = h

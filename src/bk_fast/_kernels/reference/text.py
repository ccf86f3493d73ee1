"""Reference kernel for text ids: many strings (UTF-8 bytes and offsets, as Arrow stores a string column) looked
up among a few distinct keys, bytes against bytes, without a Python string per row in the compiled engines; and
hashed (64-bit FNV-1a of the bytes) for indexes kept between calls."""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel

#: codes besides a key's index: no key matches, missing (or empty once stripped)
NO_KEY, MISSING = -1, -3

#: the 64-bit FNV-1a hash's start and multiplier (``text_hash``)
FNV_OFFSET, FNV_PRIME = np.uint64(14695981039346656037), np.uint64(1099511628211)


@kernel
def text_lookup(key_off, key_data, q_off, q_data, q_missing, strip, out, counts):
    """``out[i]``: the index of the key (``key_data[key_off[k]:key_off[k + 1]]``, distinct) whose bytes equal
    query ``i``'s (``q_data[q_off[i]:q_off[i + 1]]``, UTF-8; with ``strip``, stripped as ``str.strip()``
    strips: ASCII and Unicode white space), ``NO_KEY`` (-1) when none does, ``MISSING`` (-3) when
    ``q_missing[i]`` or the query is empty. ``counts[0]``: the number of queries that stripping shortened."""
    keys = {key_data[key_off[k]:key_off[k + 1]].tobytes(): k for k in range(key_off.shape[0] - 1)}
    data = q_data.tobytes()
    shortened = 0
    for i, (a, b) in enumerate(zip(q_off[:-1].tolist(), q_off[1:].tolist())):
        if q_missing[i]:
            out[i] = MISSING
            continue
        s = data[a:b]
        if strip:
            t = s.decode("utf-8").strip().encode("utf-8")
            shortened += len(t) != len(s)
            s = t
        out[i] = keys.get(s, NO_KEY) if s else MISSING
    counts[0] = shortened


@kernel
def text_hash(off, data, out):
    """``out[i]``: the 64-bit FNV-1a hash of value ``i``'s bytes ``data[off[i]:off[i + 1]]`` (each byte xor-ed
    in, then multiplied by the FNV prime, modulo 2**64; an empty value hashes to ``FNV_OFFSET``): equal bytes,
    equal hash, on every engine and machine. Vectorized over the values, a step per byte position (the values
    still longer than it), so the work is the total of the bytes."""
    if off.shape[0] != out.shape[0] + 1:
        raise ValueError(f"text_hash: {off.shape[0]} offsets for {out.shape[0]} values (expected {out.shape[0] + 1})")
    start = np.asarray(off[:-1], dtype=np.int64)
    length = np.asarray(off[1:], dtype=np.int64) - start
    h = np.full(out.shape[0], FNV_OFFSET, dtype=np.uint64)
    rows = np.flatnonzero(length > 0)
    at = 0
    while rows.size:
        # (uint64 arrays wrap modulo 2**64 silently: the hash's arithmetic)
        h[rows] = (h[rows] ^ data[start[rows] + at].astype(np.uint64)) * FNV_PRIME
        at += 1
        rows = rows[length[rows] > at]
    out[:] = h

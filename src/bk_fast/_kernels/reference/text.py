"""Reference kernel for text ids: many strings (UTF-8 bytes and offsets, as Arrow stores a string column) looked
up among a few distinct keys, bytes against bytes, without a Python string per row."""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel

#: the ASCII bytes ``str.strip()`` removes (the other white space it removes is non-ASCII: its UTF-8 form starts
#: with a byte >= 0xC2)
ASCII_SPACE = bytes([9, 10, 11, 12, 13, 28, 29, 30, 31, 32])
#: codes besides a key's index: no key matches, missing (or empty once stripped), undecided (see text_lookup)
NO_KEY, MISSING, UNDECIDED = -1, -3, -2


@kernel
def text_lookup(key_off, key_data, q_off, q_data, q_missing, strip, out, counts):
    """``out[i]``: the index of the key (``key_data[key_off[k]:key_off[k + 1]]``, distinct) whose bytes equal
    query ``i``'s (``q_data[q_off[i]:q_off[i + 1]]``; with ``strip``, without its leading and trailing ASCII
    white space), ``NO_KEY`` (-1) when none does, ``MISSING`` (-3) when ``q_missing[i]`` or the query is empty,
    ``UNDECIDED`` (-2) when ``strip`` and the stripped query begins or ends with a non-ASCII byte (it may begin
    or end with non-ASCII white space, which the caller strips as ``str.strip()`` does). ``counts[0]``: the
    number of undecided queries, ``counts[1]``: of queries that stripping shortened."""
    keys = {key_data[key_off[k]:key_off[k + 1]].tobytes(): k for k in range(key_off.shape[0] - 1)}
    data = q_data.tobytes()
    undecided = shortened = 0
    for i, (a, b) in enumerate(zip(q_off[:-1].tolist(), q_off[1:].tolist())):
        if q_missing[i]:
            out[i] = MISSING
            continue
        s = data[a:b]
        if strip:
            t = s.strip(ASCII_SPACE)
            shortened += len(t) != len(s)
            s = t
            if s and (s[0] >= 0x80 or s[-1] >= 0x80):
                out[i] = UNDECIDED
                undecided += 1
                continue
        out[i] = keys.get(s, NO_KEY) if s else MISSING
    counts[0], counts[1] = undecided, shortened

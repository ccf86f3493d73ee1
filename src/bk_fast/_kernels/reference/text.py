"""Reference kernel for text ids: many strings (UTF-8 bytes and offsets, as Arrow stores a string column) looked
up among a few distinct keys, bytes against bytes, without a Python string per row in the compiled engines."""

from __future__ import annotations

from bk_fast._engine import kernel

#: codes besides a key's index: no key matches, missing (or empty once stripped)
NO_KEY, MISSING = -1, -3


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

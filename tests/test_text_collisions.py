"""Crafted hash collisions in the text kernels: distinct keys whose hashes the compiled engines' tables cannot tell
apart must still get distinct answers, on every engine.

* ``text_lookup`` tags a key of 8 or more bytes by the top 56 bits of its 64-bit FNV-1a hash (below 8 bytes the
  tag is the bytes themselves). ``BtxMR?\\-!`` and ``8bNWV1%r"`` (9 bytes each), and ``?P$f`RV,`` and
  ``q8+v/ASw`` (8 bytes each, the shortest length hashed) have the same tag, so the same first slot: the second
  one's probe meets the first one's entry with an equal tag, and only the comparison of the bytes tells them
  apart.
* ``hash_factorize`` keeps a 32-bit tag per slot and, per distinct string, its length and first 8 bytes;
  ``WVd$!!!!0`` and ``WVd$!!!!#`` (9 bytes, the same first 8) have the same tag, so only the comparison of the
  9th byte tells them apart. Their first slots (of 1024) are 142 and 91; 51 filler strings occupying slots 91 to
  141 make the second one's probe walk to slot 142.

The pairs were found by a search over printable strings (Brent's cycle finding over the 56-bit tags; a scan of
the 9th byte per 8-byte prefix). ``test_the_crafted_keys_collide`` recomputes the hashes in Python, so a change
of the hashing that makes these inputs stop colliding shows up there rather than leaving the other tests
checking nothing in particular.
"""

from __future__ import annotations

import numpy as np
import pytest

from bk_fast._engine import resolve
from bk_fast._kernels.reference.text import NO_KEY

#: pairs of keys with the same text_lookup tag (FNV-1a 64 >> 8; full hashes ...c105431f and ...c1054344, and
#: ...36cb9c48 and ...36cb9cdb): 9 bytes and 8 bytes
TAG_PAIRS = [(b"BtxMR?\\-!", b'8bNWV1%r"'), (b"?P$f`RV,", b"q8+v/ASw")]
#: two 9-byte strings with the same first 8 bytes and the same hash_factorize tag (hash >> 32: 0xe0f153b0)
FACTORIZE_PAIR = (b"WVd$!!!!0", b"WVd$!!!!#")
#: 51 strings of 2 to 5 bytes whose first hash_factorize slots (of 1024) are 91, 92, ..., 141, one each
FILLERS = [b"f%d" % i for i in (
    8, 16, 30, 58, 76, 145, 207, 239, 333, 337, 360, 369, 386, 400, 408, 410, 412, 440, 453, 464, 470, 476, 520,
    557, 598, 620, 638, 663, 692, 849, 878, 932, 980, 1042, 1092, 1101, 1105, 1339, 1592, 1779, 1787, 1889, 2025,
    2034, 2274, 2689, 3153, 3211, 4311, 5452, 5642)]

_U64 = (1 << 64) - 1


def _buffers(strings):
    """Arrow-style ``(offsets, data)`` of byte strings."""
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in strings])]).astype(np.int64)
    return offsets, np.frombuffer(b"".join(strings), dtype=np.uint8).copy()


def _lookup(keys, queries, engine):
    """``text_lookup`` of ``queries`` among ``keys`` (no stripping); the codes and the shortened count."""
    out = np.full(len(queries), 99, dtype=np.int64)
    counts = np.full(1, -1, dtype=np.int64)
    resolve("text_lookup", engine)(*_buffers(keys), *_buffers(queries), np.zeros(len(queries), np.uint8), False,
                                   out, counts)
    return out.tolist(), counts.tolist()


def _factorize(strings, engine):
    """``hash_factorize`` of ``strings`` (no nulls): number of groups, codes, first rows of the groups."""
    codes = np.full(len(strings), 99, dtype=np.int64)
    first = np.full(len(strings), 99, dtype=np.int64)
    n_groups = int(resolve("hash_factorize", engine)(*_buffers(strings), np.empty(0, np.uint8), codes, first))
    return n_groups, codes.tolist(), first[:n_groups].tolist()


def _fnv1a(b):
    h = 14695981039346656037
    for c in b:
        h = ((h ^ c) * 1099511628211) & _U64
    return h


def _factorize_hash(b):
    """The compiled hash_factorize's hash of ``b`` (for lengths other than 8, where both compiled engines agree)."""
    m1 = 0x9DDFEA08EB382D69

    def word(part):
        return int.from_bytes(part, "little")

    h = 0x9E3779B97F4A7C15 ^ len(b)
    k = 0
    while len(b) - k >= 8:
        h = ((h ^ word(b[k:k + 8])) * m1) & _U64
        h ^= h >> 29
        k += 8
    if k < len(b):
        h = ((h ^ word(b[k:])) * m1) & _U64
    for mult in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
        h ^= h >> 33
        h = (h * mult) & _U64
    return h ^ (h >> 33)


def test_the_crafted_keys_collide():
    """The premise of the tests below, recomputed from the kernels' hash definitions: the text_lookup pair has
    one 56-bit tag (so one first slot) and the hash_factorize pair one 32-bit tag and first word, first slots
    142 and 91 of 1024, with the fillers' first slots exactly 91 to 141."""
    for (a, b), n, tag in zip(TAG_PAIRS, (9, 8), (0xDEECC876C10543, 0xE5E2111536CB9C)):
        assert len(a) == len(b) == n and a != b
        assert _fnv1a(a) >> 8 == _fnv1a(b) >> 8 == tag
    a, b = FACTORIZE_PAIR
    assert len(a) == len(b) == 9 and a[:8] == b[:8] and a != b
    assert _factorize_hash(a) >> 32 == _factorize_hash(b) >> 32 == 0xE0F153B0
    assert (_factorize_hash(a) & 1023, _factorize_hash(b) & 1023) == (142, 91)
    assert sorted(_factorize_hash(s) & 1023 for s in FILLERS) == list(range(91, 142))


@pytest.mark.parametrize("pair", TAG_PAIRS, ids=["9-bytes", "8-bytes"])
def test_text_lookup_tells_same_tag_keys_apart(engine, pair):
    """Keys with equal tags sit in one probe chain: each query finds its own key, and a query equal to the other
    key of the pair only is no key at all (-1), whichever of the two is in the table."""
    a, b = pair
    assert _lookup([a, b], [a, b, b, a], engine) == ([0, 1, 1, 0], [0])
    assert _lookup([b, a], [a, b], engine) == ([1, 0], [0])
    assert _lookup([a], [b, a], engine) == ([NO_KEY, 0], [0])
    assert _lookup([b], [a, b], engine) == ([NO_KEY, 0], [0])
    assert _lookup([b"x", a, b"yz"], [b, b"yz"], engine) == ([NO_KEY, 2], [0])


def test_hash_factorize_tells_same_tag_same_first_word_strings_apart(engine):
    """``WVd$!!!!#`` reaches ``WVd$!!!!0``'s slot (equal tag, length and first 8 bytes) through the fillers: it
    must still get a code of its own, and later rows of either string their own string's code."""
    a, b = FACTORIZE_PAIR
    strings = [a, *FILLERS, b, a, b]
    n_groups, codes, first = _factorize(strings, engine)
    assert n_groups == 53
    assert codes == [*range(53), 0, 52]
    assert first == list(range(53))
    # without the fillers the two strings' probes do not meet; the answer is the same
    assert _factorize([a, b, b, a], engine) == (2, [0, 1, 1, 0], [0, 1])

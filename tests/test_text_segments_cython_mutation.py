"""Mutation audit of the Cython text-id and running-sum kernels (``bk_fast/_kernels/_text.pyx``: text_lookup with
its white-space scanners ``_space_at`` / ``_space_before``, the tag ``_tag`` and first slot ``_slot`` of its hash
table, and text_hash; ``bk_fast/_kernels/_segments.pyx``: segmented_cumsum, float Kahan and int64 paths), against
tests/test_text.py, tests/test_text_collisions.py and tests/test_segments.py; the survivors also against
test_engines.py, test_review48/49/50.py, test_style_index.py, test_spine_mutation.py, test_bom.py,
test_scheduling.py, fuzz/test_fuzz_spine.py, test_engine_mutation.py, test_memory.py and test_memory_mutation.py
(-k "not numba"). Every mutant was compiled as the release build compiles the module (the same Cython directives
and C flags, -O3 -DNDEBUG -ffp-contract=off).

116 mutants, one at a time (plus two fatal controls, killed; ``n <= 7`` -> ``n < 7``, the same code as G01 below,
not counted): 81 killed by the existing tests (two of them by a segfault), 35 survivors: 23 equivalent, 5 not
reachable, 7 gaps closed below. No defect of the unmodified code was found (the three engines agree on every case
below).

Equivalent survivors (why):
  _space_before ``b - 2 >= a`` -> ``> a`` and ``b - 3 >= a`` -> ``> a``: a white-space character starting at a
      was already taken by the leading-space loop, so it never starts the rest.
  the FNV offset basis (``...037`` -> ``...031``), FNV-1 order (``h * prime ^ byte``), ``h >> 8`` -> ``h >> 7``
      and the long tags' top byte 0xFF -> 0xFE in _tag; _slot ``>> shift`` -> ``>> (shift + 1)`` and another odd
      multiplier; text_lookup ``size = 16`` -> 32, ``size < 2 * nk`` -> ``<=`` and ``shift -= 1`` dropped: only
      where a key sits in the table changes (a long tag's top byte stays above a short one's 0-7), not the answer.
  _tag ``n <= 7`` -> ``n <= 8``: 8-byte keys tagged by their bytes, their top byte has bit 3 set (never a short
      tag's length 0-7), and 8-byte queries are still compared byte for byte.
  _slot ``>> shift`` -> ``>> (shift - 1)`` and ``shift = 60`` -> 59: first slots up to 2 * size, read and written
      past the table (heap memory), but insertion and probe walk the same slots within the call, so the answers
      agree; only memory safety differs, which no deterministic test sees.
  ``strip and a < b and (...)`` -> ``strip and (...)``: an empty query strips nothing whatever byte is read.
  ``32 < qd[a]`` -> ``33 < qd[a]``: a leading "!" goes through the scanners, which strip nothing from it.
  leading loop ``while a < b`` -> ``a < b - 1`` and trailing loop ``b > a`` -> ``b > a + 1``: a last single byte
      left by the leading loop is no white space (or the trailing loop strips it).
  ``ln <= 7 or (...)`` -> ``ln < 7 or`` and -> ``False or``: the length-and-bytes test is exact for any length.
  probe ``break`` dropped: the keys are distinct, so at most one entry matches.
  segmented_cumsum ``t = acc[g] + y`` -> ``y + acc[g]`` (IEEE addition commutes), and the int64 add without the
      uint64 casts (signed overflow is undefined in C, but gcc emits the same wrapping add here).
Not reachable:
  _space_at ``a + 1 < b`` -> ``<= b`` and ``a + 2 < b`` -> ``<= b``, and text_lookup ``qd[a] < 0x80`` ->
      ``<= 0x80``: differ only on a query ending inside a multi-byte character or starting with a continuation
      byte, never valid UTF-8 (Arrow str data), where the reference cannot decode the query at all.
  the length test dropped from ``key_off[k + 1] - key_off[k] == ln and memcmp(...)``: needs a long query whose
      56-bit tag equals that of a key which is its prefix or extension (e.g. FNV-1a(Q) == 2**63 ^ b for the key
      Q + b): some 2**48 hashes by brute force, not a feasible input.
  segmented_cumsum ``n = values.shape[0]`` -> ``codes.shape[0]``: the public API checks both have one length.
Gaps closed (the test naming each):
  T05 ``c <= 32`` -> ``c <= 33`` in _space_at ("!" stripped as white space) and B09 ``_space_at(d, b - 3, b) ==
      3`` -> ``!= 0`` in _space_before (a 1- or 2-byte space three bytes before the end cut with what follows) -
      test_exclamation_mark_and_inner_spaces_are_kept, test_bom_explosion_keeps_them_through_the_kernel;
  G01 ``n <= 7`` -> ``n <= 6`` (7-byte keys hashed, yet matched by the tag alone), G03 ``8 * j`` -> ``7 * j``
      (short tags' bytes overlap) and G07 ``(h >> 8) | (0xFF << 56)`` -> ``h`` (a long key's tag can equal a
      short query's) - test_short_keys_are_told_apart_from_same_tag_keys;
  K03 ``size < 2 * nk`` -> ``size < nk`` (16 keys fill a 16-slot table: a query of no key probes forever) -
      test_sixteen_keys_and_a_query_of_none;
  H01 ``off.shape[0] != n + 1`` -> ``< n + 1`` (text_hash takes too many offsets) -
      test_text_hash_refuses_one_offset_too_many.
Each kernel test runs on every engine (the ``engine`` fixture) with exact expected codes, which the numpy
reference gives too (it is one of the engines); the BOM test runs the compiled engines against the numpy engine.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from bk_fast._engine import resolve
from bk_fast._kernels.reference.text import NO_KEY
from bk_fast.bom import BOM

from _optional import needs
from test_text import _lookup as _lookup_text
from test_text_collisions import _buffers, _lookup as _lookup_raw


def _lookup_str(keys, queries, strip, engine):
    """``text_lookup`` of str queries among str keys (their Arrow buffers): codes and the shortened count."""
    out, counts = _lookup_text(keys, queries, strip, engine)
    return out.tolist(), counts.tolist()


def _lookup_bytes(keys, queries, engine):
    """``text_lookup`` of byte-string queries among byte-string keys, no stripping: the codes."""
    out, counts = _lookup_raw(keys, queries, engine)
    assert counts == [0]
    return out


@needs("pyarrow")
def test_exclamation_mark_and_inner_spaces_are_kept(engine):
    # kills T05, _space_at: ``(28 <= c <= 32)`` -> ``(28 <= c <= 33)``: "!" (0x21) stripped as white space. A
    # query with a printable ASCII byte at both ends skips the scanners, so only one with white space at the other
    # end shows it: " FG!" -> "FG!" (key 1; the mutant: "FG", key 0), "!FG\t" -> "!FG" (no key; mutant "FG"),
    # "\t!" -> "!" (key 5; mutant: empty, MISSING). No other test's text holds a "!".
    # kills B09, _space_before: ``_space_at(d, b - 3, b) == 3`` -> ``!= 0``: the 3 bytes before the end were
    # taken for a 3-byte space whenever a space of any width starts there: " X é" (X, space, C3 A9) and
    # "\tX\xa0Y" (X, C2 A0, Y) lost " é" and "\xa0Y" and matched "X" (key 3) instead of keys 2 and 4.
    keys = ["FG", "FG!", "X é", "X", "X\xa0Y", "!"]
    queries = [" FG!", "!FG\t", "\t!", "\u3000FG!\n", " X é", "\tX\xa0Y", "X é\u3000", "\xa0X\u2009é"]
    assert _lookup_str(keys, queries, True, engine) == ([1, NO_KEY, 5, 1, 2, 4, 2, NO_KEY], [8])
    assert _lookup_str(keys, queries, False, engine) == ([NO_KEY] * 8, [0])
    assert [q.strip() for q in queries] == ["FG!", "!FG", "!", "FG!", "X é", "X\xa0Y", "X é", "X\u2009é"]


@needs("pyarrow")
def test_bom_explosion_keeps_them_through_the_kernel(fast_engine):
    # T05 and B09 (above) through the public API: a demand column of more than 8,192 str ids goes through the
    # text_lookup kernel on the compiled engines. " FG!" is item FG! (component Y1, 1 per), "!FG\t" no item,
    # " X é" item "X é" (Y3, 100 per), "\tX\xa0Y" no item; the mutants took them for FG (Y2) and X (Y4).
    lines = pd.DataFrame({"parent": ["FG!", "FG", "X é", "X"], "component": ["Y1", "Y2", "Y3", "Y4"],
                          "qty_per": [1.0, 10.0, 100.0, 1000.0]})
    bom = BOM.from_frame(lines)
    demand = pd.DataFrame({"item": pd.Series([" FG!", "!FG\t", " X é", "\tX\xa0Y"] * 2100, dtype="str"),
                           "qty": 1.0})
    got = bom.explode(demand, engine=fast_engine)
    assert got["item"].tolist() == ["Y1", "Y3"] and got["qty"].tolist() == [2100.0, 210000.0]
    assert got.bk_fast.unmatched["item"].tolist() == ["!FG", "X\xa0Y"]
    pd.testing.assert_frame_equal(got, bom.explode(demand, engine="numpy"), check_exact=True)


def test_short_keys_are_told_apart_from_same_tag_keys(engine):
    # kills G03, _tag: ``(<uint64_t>p[j]) << (8 * j)`` -> ``<< (7 * j)``: a byte's top bit lands on the next
    # byte's low bit, so "é" (C3 A9) and "è" (C3 A8) got one tag, and a tag of up to 7 bytes is trusted alone.
    ee = ["è".encode(), "é".encode()]
    assert _lookup_bytes(ee[:1], [ee[1], ee[0]], engine) == [NO_KEY, 0]
    assert _lookup_bytes(ee, [ee[1], ee[0], b"e"], engine) == [1, 0, NO_KEY]
    # kills G07, _tag: ``return (h >> 8) | (0xFFULL << 56)`` -> ``return h``: a long key's tag is then its whole
    # FNV-1a hash, and FNV-1a("KEY-5SV09-") = 0x07752d66642d3f73 is the tag of the 7-byte query "s?-df-u" (its
    # bytes 73 3f 2d 64 66 2d 75 from the low end, length 7 in the top byte): the query took the key.
    assert _lookup_bytes([b"KEY-5SV09-"], [b"s?-df-u", b"KEY-5SV09-"], engine) == [NO_KEY, 0]
    # kills G01, _tag: ``if n <= 7`` -> ``if n <= 6``: 7-byte keys tagged by their hash (FNV-1a >> 8), which
    # these two share (0x29431cdcb04142; full hashes ...27 and ...68, found by Brent's cycle search over 7-byte
    # strings), while a query of up to 7 bytes is still matched by its tag alone: each took the other's key.
    # (Raw bytes, not UTF-8, as in tests/test_text_collisions.py: no stripping, the kernel compares bytes.)
    a, b = b"\xd6O\xdb]\x81\xa4:", b"\x7fy\xe3\xd5k\x8d-"
    assert _lookup_bytes([a], [b, a], engine) == [NO_KEY, 0]
    assert _lookup_bytes([b, a], [a, b], engine) == [1, 0]


def test_sixteen_keys_and_a_query_of_none(engine):
    # kills K03, text_lookup: ``while size < 2 * nk`` -> ``while size < nk``: 16 keys stay in the first table of
    # 16 slots, all taken, and the probe of a query that is no key never meets a free slot: the call never
    # returned. Run on a daemon thread so that such a hang fails here instead of stalling the session.
    keys = [b"K%02d" % i for i in range(16)]
    queries = [b"K16", b"K00", b"K15", b"k", b"K050"]
    got = []
    worker = threading.Thread(target=lambda: got.append(_lookup_bytes(keys, queries, engine)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "text_lookup did not return"
    assert got == [[NO_KEY, 0, 15, NO_KEY, NO_KEY]]


def test_text_hash_refuses_one_offset_too_many(engine):
    # kills H01, text_hash: ``if off.shape[0] != n + 1`` -> ``if off.shape[0] < n + 1``: offsets for 3 values
    # with 2 hashes to write were taken (the first 2 hashed) where the reference raises; the existing test
    # passed one offset too few only.
    off, data = _buffers([b"ab", b"c"])
    out = np.full(2, 7, dtype=np.uint64)
    with pytest.raises(ValueError, match="text_hash"):
        resolve("text_hash", engine)(np.append(off, 3), data, out)
    assert out.tolist() == [7, 7]
    resolve("text_hash", engine)(off, data, out)  # (FNV-1a of "ab" and "c")
    assert out.tolist() == [0x089c4407b545986a, 0xaf63de4c8601eff2]

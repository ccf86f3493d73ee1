"""Text ids (the text_lookup kernel, Arrow buffers): every engine equals the reference, the reference equals a
plain Python lookup of ``str.strip()``-ed strings, and a BOM's explosion of text ids is the same through the
kernel (compiled engines) as through pandas' factorize (numpy engine)."""

from __future__ import annotations

import random
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bk_fast._arrow_text import text_buffers, utf8_buffers
from bk_fast._engine import engine_status, resolve
from bk_fast._kernels.reference.text import MISSING, NO_KEY
from bk_fast.bom import BOM

from _optional import needs

#: the compiled engines installed here (both in CI)
FAST_HERE = [e for e in ("cython", "numba") if engine_status(e).available]

#: white space of every kind str.strip() removes (ASCII ones, NBSP, NEL, ideographic space) and some it keeps
_SPACE = [" ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\xa0", "\x85", "\u3000", "\u200b", "\x00"]
_ids = st.text(st.sampled_from(["A", "b", "7", "-", "/", "é", "\u4e2d"] + _SPACE), max_size=6)


def _lookup(keys, queries, strip, engine):
    k_off, k_data, _ = text_buffers(pd.Series(keys, dtype="str"))
    q = text_buffers(pd.Series(queries, dtype="str"))
    out = np.full(len(queries), 99, dtype=np.int64)
    counts = np.full(1, -1, dtype=np.int64)
    resolve("text_lookup", engine)(k_off, k_data, *q, strip, out, counts)
    return out, counts


@needs("pyarrow")  # (the kernels read the str column's Arrow buffers)
def test_hand_case(engine):
    keys = ["FG", "Y1", "CF 10015/0001", "é", "中"]
    queries = ["Y1", " FG\t", None, "", "   ", "nope", "CF 10015/0001 ", "\xa0FG", "é", "FG\x1c", "y1",
               "\u3000中\u2009", "\u200bFG", "\x85\u1680\u205f\u202f\u2028\u2029é\xa0"]
    out, counts = _lookup(keys, queries, True, engine)
    assert out.tolist() == [1, 0, MISSING, MISSING, MISSING, NO_KEY, 2, 0, 3, 0, NO_KEY, 4, NO_KEY, 3]
    assert counts.tolist() == [7]
    out, counts = _lookup(keys, queries, False, engine)
    assert out.tolist() == [1, NO_KEY, MISSING, MISSING, NO_KEY, NO_KEY, NO_KEY, NO_KEY, 3, NO_KEY, NO_KEY,
                            NO_KEY, NO_KEY, NO_KEY]
    assert counts.tolist() == [0]
    out, _ = _lookup([], ["a", None], True, engine)  # (no keys at all)
    assert out.tolist() == [NO_KEY, MISSING]


@needs("pyarrow")  # (the kernels read the str column's Arrow buffers)
def test_every_white_space_character_is_stripped_as_str_strip(engine):
    """Each of the characters str.strip() removes (and a few it keeps), alone, doubled, at either end of a key
    and beside non-ASCII text."""
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    kept = ["\u200b", "\ufeff", "\x00", "\u180e", "\x7f", "\xad"]
    keys = ["K", "é", "中中", "a\u2000b"]
    queries = [w + k + v for w in spaces + kept for v in spaces + kept for k in keys] + spaces + kept
    out, counts = _lookup(keys, queries, True, engine)
    want = [MISSING if not q.strip() else keys.index(q.strip()) if q.strip() in keys else NO_KEY for q in queries]
    assert out.tolist() == want
    assert counts[0] == sum(q.strip() != q for q in queries)


@needs("pyarrow")
@settings(max_examples=150, deadline=None)
@given(keys=st.lists(_ids, max_size=12, unique=True), queries=st.lists(st.one_of(st.none(), _ids), max_size=30),
       strip=st.booleans())
def test_engines_equal_the_reference_and_str_strip(keys, queries, strip):
    want, want_counts = _lookup(keys, queries, strip, "numpy")
    index = {k: i for i, k in enumerate(keys)}
    for i, q in enumerate(queries):  # (the reference's meaning, in Python strings)
        s = q if q is None or not strip else q.strip()
        assert want[i] == (MISSING if s is None or s == "" else index.get(s, NO_KEY)), (q, want[i])
    for engine in FAST_HERE:
        got, counts = _lookup(keys, queries, strip, engine)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(counts, want_counts)


@needs("pyarrow")  # (the kernels read the str column's Arrow buffers)
def test_many_keys_of_every_length_and_their_near_misses():
    """Thousands of keys of 1 to 20 bytes (the tables' short keys, matched by their bytes, and long ones, by
    hash and bytes), NUL bytes and shared prefixes among them; every key is found, and no near miss (one byte
    changed, one short, one more) is taken for a key."""
    rng = random.Random(11)  # (not NumPy's choice: NumPy's str arrays drop trailing NUL characters)
    alphabet = list("AB7/\x00-") + ["é"]
    keys = sorted({"".join(rng.choices(alphabet, k=rng.randint(1, 20))) for _ in range(6000)})
    keys += [k + "Z" for k in keys[:300]] + ["\x00" * n for n in range(1, 10)]
    keys = list(dict.fromkeys(keys))
    near = [k[:-1] + ("Q" if k[-1] != "Q" else "R") for k in keys] + [k[:-1] for k in keys] + [k + "é" for k in keys]
    queries = keys[::-1] + near
    index = {k: i for i, k in enumerate(keys)}
    want = [index.get(q, NO_KEY) if q else MISSING for q in queries]
    for engine in ["numpy", *FAST_HERE]:
        out, _ = _lookup(keys, queries, False, engine)
        assert out.tolist() == want, engine


@needs("pyarrow", "numba")
def test_short_ids_sharing_a_prefix_spread_over_the_table():
    """The first slot of a tag was the low bits of tag x constant, which depend on the tag's low bits only: the
    1,296 ids "KNIT-" + 2 characters (7 bytes, matched by their tag) fell into 2 slots, and looking them up
    took 12-17x as long as the same ids with one more byte. The slot is now the product's top bits: the ids
    spread over the table (the numba engine's slot function, the same formula as the Cython one), and a
    lookup of short ids costs about what one of long ids costs, in both engines."""
    from bk_fast._kernels._numba.text import _slot, _tag

    al = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    short = [f"KNIT-{a}{b}" for a in al for b in al]
    bits = 12  # (the kernels' table for 1,296 keys: 4,096 slots)
    with np.errstate(over="ignore"):  # (uint64 products wrap around, as in the kernels)
        slots = {int(_slot.py_func(_tag.py_func(np.frombuffer(k.encode(), np.uint8), 0, 7), np.uint64(64 - bits)))
                 for k in short}
    assert len(slots) > 0.6 * len(short) and max(slots) < 2 ** bits
    rng = np.random.default_rng(0)

    def best_ms(keys, engine):
        k_off, k_data, _ = text_buffers(pd.Series(keys, dtype="str"))
        q = text_buffers(pd.Series(np.array(keys, dtype=object)[rng.integers(0, len(keys), 200_000)], dtype="str"))
        out, counts = np.empty(200_000, dtype=np.int64), np.empty(1, dtype=np.int64)
        best = np.inf
        for _ in range(5):
            t = time.perf_counter()
            resolve("text_lookup", engine)(k_off, k_data, *q, False, out, counts)
            best = min(best, time.perf_counter() - t)
        assert (out >= 0).all()
        return best

    for engine in ("cython", "numba"):
        long_ = [f"KNIT-0{a}{b}" for a in al for b in al]  # (8 bytes: matched by hash and bytes)
        assert best_ms(short, engine) < 4 * best_ms(long_, engine), engine


def test_buffers_of_slices_chunks_and_narrow_offsets():
    pa = pytest.importorskip("pyarrow")
    values = ["a", "bb", None, "dddd", "ee"]
    whole = pd.Series(values, dtype="str")
    for col in (whole.iloc[1:4], pd.concat([whole.iloc[:2], whole.iloc[2:]]),
                pd.Series(values, dtype=pd.ArrowDtype(pa.string())), pd.Index(values, dtype="str")):
        off, data, missing = text_buffers(col)
        got = [None if m else data[a:b].tobytes().decode() for a, b, m in zip(off[:-1], off[1:], missing)]
        assert got == [None if pd.isna(v) else v for v in col], col
    assert text_buffers(pd.Series(["a"], dtype=object)) is None
    assert text_buffers(np.array(["a"])) is None


def test_bom_explosion_of_text_ids_is_the_same_through_the_kernel(fast_engine):
    rng = np.random.default_rng(3)
    items = [f"I{i}" for i in range(300)]
    lines = pd.DataFrame({"parent": rng.choice(items[:100], 400), "component": rng.choice(items[100:], 400),
                          "qty_per": rng.uniform(0.1, 3.0, 400)})
    ids = rng.choice(items + ["nope"], 20_000).astype(object)
    ids[::97] = [" " + x + "\t" for x in ids[::97]]  # padded (stripped), blank, missing, NBSP-padded, unicode
    ids[5::1001], ids[11::701], ids[7::301], ids[9::503] = None, "   ", "\xa0I3\u3000", "I\u4e2d"
    demand = pd.DataFrame({"item": pd.Series(ids, dtype="str"), "qty": rng.uniform(1, 9, ids.size)})
    bom = BOM.from_frame(lines)
    for by_line in (False, True):
        want = bom.explode(demand, by_line=by_line, engine="numpy")
        got = bom.explode(demand, by_line=by_line, engine=fast_engine)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        pd.testing.assert_frame_equal(got.bk_fast.unmatched, want.bk_fast.unmatched, check_exact=True)
    assert "I3" not in set(want.bk_fast.unmatched["item"].dropna())  # (NBSP and ideographic space stripped)
    unstripped = BOM.from_frame(lines, strip=False)
    pd.testing.assert_frame_equal(unstripped.explode(demand, engine=fast_engine),
                                  unstripped.explode(demand, engine="numpy"), check_exact=True)


def test_ids_padded_with_non_ascii_white_space_only_are_reported_stripped(fast_engine):
    """Review of session 12: an unknown id padded with NBSP only came back unstripped in the unmatched report
    of a long column on the compiled engines (the column was stripped only when some line had ASCII padding),
    and bk_fast.dask split it into two unmatched rows; ids with non-ASCII text at an end went line by line
    through pandas (slower than the numpy engine). White space is stripped in the kernel now, all of it."""
    bom = BOM.from_frame(pd.DataFrame({"parent": ["FG"], "component": ["中"], "qty_per": [2.0]}))
    ids = np.array(["FG", "\xa0nope", "nope", "FG\u3000", "中", "é"] * 2000, dtype=object)
    demand = pd.DataFrame({"item": pd.Series(ids, dtype="str"), "qty": 1.0})
    want = bom.explode(demand, engine="numpy")
    got = bom.explode(demand, engine=fast_engine)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(got.bk_fast.unmatched, want.bk_fast.unmatched, check_exact=True)
    assert got.bk_fast.unmatched["item"].tolist() == ["nope", "é"]
    dd = pytest.importorskip("dask.dataframe")
    import bk_fast.dask as bkd

    for engine in ("numpy", fast_engine):
        part = bkd.explode(dd.from_pandas(demand, npartitions=3, sort=False), bom, engine=engine).compute()
        pd.testing.assert_frame_equal(part.bk_fast.unmatched, want.bk_fast.unmatched, check_exact=True)


# ------------------------------------------------------- where Arrow's strip / upper differ from Python's (compat2)


@pytest.mark.slow  # ~9 s: 1.1 million characters through both
@needs("pyarrow")
def test_strip_upper_odd_rows_over_every_code_point():
    # strip_upper_odd_rows lets optimize_string_operations keep Arrow's answer on every value it does not name:
    # proven over every code point (surrogates aside), one value per character, against Python's str itself
    from bk_fast._arrow_text import _STRIP_UPPER_DIFFERS, strip_upper_odd_rows

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    py_strip, py_upper = [c.strip() for c in chars], [c.upper() for c in chars]
    _STRIP_UPPER_DIFFERS.clear()  # decided afresh, not from earlier calls
    column = pd.Series(chars, dtype="str")
    arrow = column.str.strip().tolist(), column.str.upper().tolist()
    differ = [i for i, c in enumerate(chars) if arrow[0][i] != py_strip[i] or arrow[1][i] != py_upper[i]]
    assert "ß" in {chars[i] for i in differ} and "ü" not in {chars[i] for i in differ}
    # ASCII: at most 0x1C-0x1F (white space to Python; to Arrow too from some version), always named
    assert all(ord(chars[i]) >= 0x80 or 0x1C <= ord(chars[i]) <= 0x1F for i in differ)
    # the characters it passes keep agreeing inside longer values (both operations act per character)
    named = set(differ) | set(range(0x1C, 0x20))
    assert strip_upper_odd_rows(column).tolist() == sorted(named)
    fine = "".join(c for i, c in enumerate(chars) if i not in named)
    values = pd.Series([" " + fine[i:i + 97] + " " for i in range(0, len(fine), 97)], dtype="str")
    assert strip_upper_odd_rows(values).size == 0
    assert values.str.strip().str.upper().tolist() == [v.strip().upper() for v in values.tolist()]


@needs("pyarrow")
def test_strip_upper_odd_rows_keeps_one_fixed_table_per_dtype_and_operation(monkeypatch):
    # per-character answers were kept in dicts that grew with every character met (155 MB after a column of
    # every code point) and every call sorted all multi-byte characters (np.unique): now a uint8 table over the
    # code points per dtype and operation, and a call whose characters are all known sorts nothing
    from bk_fast import _arrow_text
    from bk_fast._arrow_text import _STRIP_UPPER_DIFFERS, strip_upper_odd_rows

    points = np.arange(0x20000, 0x20000 + 30_000)  # (CJK: no case, no space)
    column = pd.Series([" " + "".join(map(chr, points[i:i + 6])) + " " for i in range(0, points.size, 6)] + ["ß"],
                       dtype="str")
    _STRIP_UPPER_DIFFERS.clear()
    assert strip_upper_odd_rows(column).tolist() == [len(column) - 1]
    assert strip_upper_odd_rows(column, upper=False).size == 0
    assert sorted(_STRIP_UPPER_DIFFERS) == [("str", "strip"), ("str", "upper")]
    for table in _STRIP_UPPER_DIFFERS.values():
        assert isinstance(table, np.ndarray) and table.dtype == np.uint8 and table.shape == (0x110000,)
    assert (_STRIP_UPPER_DIFFERS[("str", "upper")][points] == _arrow_text._SAME).all()
    assert _STRIP_UPPER_DIFFERS[("str", "upper")][ord("ß")] == _arrow_text._DIFFERS

    def no_sort(*args, **kwargs):
        raise AssertionError("sorted with a warm table")

    monkeypatch.setattr(np, "unique", no_sort)
    monkeypatch.setattr(np, "sort", no_sort)
    assert strip_upper_odd_rows(column.iloc[:-1]).size == 0


@needs("pyarrow")
def test_strip_upper_odd_rows_decodes_every_utf8_width_and_names_bytes_that_are_no_character():
    import pyarrow as pa

    from bk_fast._arrow_text import _code_points, strip_upper_odd_rows

    chars = "\x80\u07ff\u0800\ud7ff\ue000\uffff\U00010000\U0010ffff\u00df"
    data = np.frombuffer(chars.encode("utf-8"), dtype=np.uint8)
    points, bad = _code_points(data, np.flatnonzero(data >= 0xC0))
    assert points.tolist() == [ord(c) for c in chars] and not bad.any()
    raw = [b"ok", b"\xc0\x80", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80",
           b"\xe4x", "中".encode()]
    offsets = np.cumsum([0] + [len(r) for r in raw]).astype(np.int64)
    arrow = pa.LargeStringArray.from_buffers(len(raw), pa.py_buffer(offsets), pa.py_buffer(b"".join(raw)))
    column = pd.Series(pd.arrays.ArrowExtensionArray(arrow))
    assert strip_upper_odd_rows(column).tolist() == [1, 2, 3, 4, 5, 6]


@needs("pyarrow")
def test_strip_upper_odd_rows_names_only_characters_arrow_answers_otherwise():
    from bk_fast._arrow_text import strip_upper_odd_rows

    values = ["Müller", " straße", None, "ŉ", "\u00a0é\u3000", "abc\x1f", "中文", "ﬁx", "Ǆ", "ǅ"]
    column = pd.Series(values, dtype="str")
    differ = [i for i, v in enumerate(values) if v is not None
              and (pd.Series([v], dtype="str").str.strip().str.upper()[0] != v.strip().upper())]
    assert strip_upper_odd_rows(column).tolist() == sorted(set(differ) | {5}) == [1, 3, 5, 7]
    assert strip_upper_odd_rows(column.iloc[2:]).tolist() == [1, 3, 5]  # a slice: positions in it
    assert strip_upper_odd_rows(pd.Series(values, dtype=object)) is None


@needs("pyarrow")
@pytest.mark.parametrize("odd_share", [0.3, 0.45, 0.55, 0.8])
def test_normalize_ids_and_the_compat_drop_in_leave_arrow_for_python_at_one_share(monkeypatch, odd_share):
    # normalize_ids took a whole column through Python past 50 % of its values odd, optimize_string_operations past
    # 40 % (two constants for one trade-off): both switch at _arrow_text.ODD_SHARE now (measured on 10^6 values:
    # patching Arrow's answer is the quicker up to ~55 % odd in both)
    import bk_fast
    from bk_fast import io as bkio
    from bk_fast.compat import dataframe_optimizer as dfo

    n = 200
    ids = [f" straße-{i}" if i < odd_share * n else f" muller-{i} " for i in range(n)]
    odd = sum(v.startswith(" straße") for v in ids)
    per_value, through_object = [], []
    python_id, as_object = bkio._python_yarn_id, dfo.as_object
    monkeypatch.setattr(bkio, "_python_yarn_id", lambda value: per_value.append(value) or python_id(value))
    monkeypatch.setattr(dfo, "as_object", lambda col: through_object.append(len(col)) or as_object(col))
    yarn = bk_fast.normalize_ids(pd.Series(ids, dtype="str"))
    frame = dfo.DataFrameOptimizer.optimize_string_operations(pd.DataFrame({"yarn_id": pd.Series(ids, dtype="str")}))
    want = [v.strip().upper() for v in ids]
    assert yarn.tolist() == frame["yarn_id"].tolist() == want and str(frame["yarn_id"].dtype) == "str"
    patched = odd <= 0.5 * n
    assert (len(per_value), through_object) == ((odd, [odd]) if patched else (0, [n]))


def test_a_missing_flag_wins_over_the_bytes_in_its_slot(engine):
    # text_lookup (reference.text): out[i] is MISSING (-3) "when q_missing[i] or the query is empty": a
    # row flagged missing is missing even when its slot holds the bytes of a key (Arrow lets a null's slot
    # hold any bytes), with or without strip; rows not flagged are looked up.
    k_off, k_data = np.array([0, 2, 4], np.int64), np.frombuffer(b"FGY1", np.uint8)
    q_off, q_data = np.array([0, 2, 4, 7, 9], np.int64), np.frombuffer(b"FGY1 FGY1", np.uint8)
    q_missing = np.array([1, 0, 1, 1], np.uint8)
    for strip in (True, False):
        out, counts = np.full(4, 99, np.int64), np.full(1, -1, np.int64)
        resolve("text_lookup", engine)(k_off, k_data, q_off, q_data, q_missing, strip, out, counts)
        assert out.tolist() == [MISSING, 1, MISSING, MISSING] and counts.tolist() == [0]


def _hashes(strings, engine):
    """``text_hash`` of Python strings (none missing), their UTF-8 bytes as the kernels take them."""
    data, off = utf8_buffers(strings)
    out = np.full(len(strings), 7, dtype=np.uint64)
    resolve("text_hash", engine)(off, data, out)
    return out


def test_text_hash_is_fnv1a_64(engine):
    """The published 64-bit FNV-1a values ("" is the offset basis; "a" and "foobar" are the reference test
    vectors), and the same function by hand for non-ASCII text, a NUL byte and a long value: offsets ->
    hash of each value's bytes, every engine."""
    def fnv(b: bytes) -> int:
        h = 0xcbf29ce484222325
        for c in b:
            h = ((h ^ c) * 0x100000001b3) % 2 ** 64
        return h

    strings = ["", "a", "foobar", "é中", "a\x00b", "CF 10015/0002" * 40]
    got = _hashes(strings, engine).tolist()
    assert got[:3] == [0xcbf29ce484222325, 0xaf63dc4c8601ec8c, 0x85944171f73967e8]
    assert got == [fnv(s.encode()) for s in strings]
    assert _hashes([], engine).tolist() == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(st.sampled_from(["A", "/", " ", "é", "\u4e2d", "\x00", "\U0001f600"]), max_size=40),
                max_size=25))
def test_text_hash_engines_equal_the_reference(strings):
    """Generated values of 0-40 characters of 1-4 UTF-8 bytes: every engine gives the reference's hashes, and
    equal values equal hashes."""
    want = _hashes(strings, "numpy")
    for engine in FAST_HERE:
        np.testing.assert_array_equal(_hashes(strings, engine), want)
    for s, h in zip(strings, want.tolist()):
        assert h == want[strings.index(s)]


@needs("pyarrow")
def test_text_hash_of_arrow_slices_equals_python_bytes(engine):
    """A sliced, re-chunked Arrow column's buffers (offsets not starting at 0, missing values as empty slots)
    hash each value as its Python string's UTF-8 bytes do."""
    col = pd.concat([pd.Series(["x", "CF 10015/0002", None, "é/1", ""], dtype="str")] * 3).iloc[2:13]
    off, data, missing = text_buffers(col)
    out = np.empty(len(col), dtype=np.uint64)
    resolve("text_hash", engine)(off, data, out)
    want = _hashes(["" if pd.isna(v) else v for v in col], "numpy")
    np.testing.assert_array_equal(out, want)


def test_text_hash_refuses_offsets_that_do_not_number_the_values(engine):
    """``off`` must hold one offset more than there are values: ValueError on every engine, not a read past the
    offsets."""
    data, off = utf8_buffers(["ab", "c"])
    with pytest.raises(ValueError, match="text_hash"):
        resolve("text_hash", engine)(off[:-1], data, np.empty(2, dtype=np.uint64))

"""Drop-ins of the ERP's Phase-3 optimizers against a plain pandas transcription of the contract
(``tests/_original_phase3.py``): equal output frames (values, dtypes, index, order), equal in-place mutation
of the inputs, the same exception types, for every engine; plus patch/unpatch, BK_FAST_DISABLE and stats."""

from __future__ import annotations

import copy
import functools
import threading
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from pandas.testing import assert_frame_equal

import bk_fast
from bk_fast._engine import ENGINES, engine_status, resolve
from bk_fast.compat import DataFrameOptimizer as DFO, MemoryOptimizer, patch, unpatch
from bk_fast.compat._synthetic import phase3_frames

from _optional import HAVE_PYARROW, needs
from _original_phase3 import OriginalDataFrameOptimizer as ODFO, OriginalMemoryOptimizer

NOW = pd.Timestamp("2026-03-02 09:30:00")
I64 = np.iinfo(np.int64)
FAST = settings(max_examples=40, deadline=None)


# ----------------------------------------------------------------------------------------------- harness


def _str_columns(frame) -> set:
    if not isinstance(frame, pd.DataFrame):
        return set()
    return {name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)}


def _as_object(value):
    """What a pandas-2 service would have held: ``str`` columns as ``object`` (deep copy)."""
    if not isinstance(value, pd.DataFrame):
        return copy.deepcopy(value)
    out = value.copy(deep=True)
    for name in _str_columns(value):
        out[name] = out[name].astype(object)
    return out


def _str_back(frame, names):
    """Map the oracle's object results back to ``str`` for columns that were ``str`` in the input."""
    if not isinstance(frame, pd.DataFrame):
        return frame
    frame = frame.copy()
    for name in names:
        if name not in frame.columns:
            continue
        dtype = frame[name].dtype
        if dtype == object:
            frame[name] = frame[name].astype("str")
        elif isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype == object:
            cats = dtype.categories.astype("str")
            frame[name] = frame[name].astype(pd.CategoricalDtype(cats, ordered=dtype.ordered))
    return frame


def _check_frames(actual, expected, what):
    assert type(actual) is type(expected), f"{what}: {type(actual)} != {type(expected)}"
    if isinstance(expected, pd.DataFrame):
        assert_frame_equal(actual, expected, check_exact=True, check_dtype=True, check_index_type=True,
                           check_column_type=True, check_categorical=True, check_freq=False, obj=what)
    else:
        assert actual == expected, what


def compare(method, *frames, engine=None, oracle=None, mem=False, **kwargs):
    """Run the drop-in and the oracle on deep copies of ``frames``; assert equal results, equal mutation of
    the inputs, the same identity of result and input, or the same exception type. Returns the result."""
    names = set().union(*(_str_columns(f) for f in frames))
    mine = [f.copy(deep=True) if isinstance(f, pd.DataFrame) else copy.deepcopy(f) for f in frames]
    theirs = [_as_object(f) for f in frames]
    fast = getattr(MemoryOptimizer if mem else DFO, method)
    slow = oracle or getattr(OriginalMemoryOptimizer if mem else ODFO, method)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = slow(*theirs, **kwargs)
    except Exception as exc:  # the original raises: the drop-in must raise the same type
        with pytest.raises(type(exc)):
            with bk_fast.use_engine(engine or "auto"):
                fast(*mine, **kwargs)
        return None
    with bk_fast.use_engine(engine or "auto"):
        actual = fast(*mine, **kwargs)
    _check_frames(actual, _str_back(expected, names), f"{method} result")
    for i, (a, e) in enumerate(zip(mine, theirs)):
        if isinstance(a, pd.DataFrame):
            _check_frames(a, _str_back(e, names), f"{method} input {i} after the call")
            assert (actual is a) == (expected is e), f"{method}: result identity with input {i} differs"
    return actual


def _nan_some(rng, values, frac):
    values = np.asarray(values, dtype=float).copy()
    values[rng.random(len(values)) < frac] = np.nan
    return values


def _ids(rng, n, kind, pool=6, nan_frac=0.0, index=None):
    """``n`` yarn ids of ``kind`` drawn from ``pool`` values, ``nan_frac`` of them missing, on ``index`` (the
    frame's index: a Series on another index would be aligned by pandas, its ids turned into NaN)."""
    raw = rng.integers(100, 100 + pool, n)
    if kind == "int":
        if nan_frac:
            return pd.Series(_nan_some(rng, raw, nan_frac), index=index)
        return pd.Series(raw, dtype="int64", index=index)
    text = np.char.add("Y", raw.astype("U6")).astype(object)
    if nan_frac:
        text[rng.random(n) < nan_frac] = np.nan
    return pd.Series(text, dtype="str" if kind == "str" else object, index=index)


def _text_ids(rng, n, nan_frac, index):
    """``str`` ids of varied byte lengths (empty, ASCII, accented, CJK, emoji), ``nan_frac`` of them missing."""
    stems = np.array(["", "Y", "yarn-", "Ä", "\u00e9\u0301", "\u7ebf", "\U0001f9f6", " pad "], dtype=object)
    text = stems[rng.integers(0, len(stems), n)] + rng.integers(0, 10 ** rng.integers(1, 9, n)).astype(str)
    text = text.astype(object)
    text[rng.random(n) < 0.05] = ""
    if nan_frac:
        text[rng.random(n) < nan_frac] = np.nan
    return pd.Series(text, dtype="str", index=index)


ID_KINDS = ["int", "str", "object"]


# ---------------------------------------------------------------------------------------- kernels


def _shortage_compact_by_engine(bal, thr, fast_engine):
    """``shortage_compact`` on the reference and on ``fast_engine``: for each, [rows, amount, balance, threshold]
    cut to the rows it kept."""
    out = []
    for eng in ("numpy", fast_engine):
        n = bal.shape[0]
        arrays = [np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n)]
        k = resolve("shortage_compact", eng)(bal, thr, *arrays)
        out.append([a[:k] for a in arrays])
    return out


@pytest.mark.parametrize("seed", range(4))
def test_kernels_equal_reference(fast_engine, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 300))
    # dense_sort2 on one key (the second constant): a stable counting sort by codes in [0, 7)
    codes = rng.integers(0, 7, n).astype(np.int64)
    zeros = np.zeros(n, np.int64)
    out = []
    for eng in ("numpy", fast_engine):
        c, bounds, dest, perm = np.empty(n, np.int64), np.zeros(9, np.int64), np.empty(n, np.int64), \
            np.empty(n, np.int64)
        assert resolve("dense_sort2", eng)(codes, 0, 1, 7, np.empty(0, np.uint8), zeros, 0, 1, 0,
                                           np.empty(0, np.uint8), c, bounds, dest, perm) == 1
        out.append((c, bounds, dest, perm))
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)
    c, bounds, dest, perm = out[1]
    np.testing.assert_array_equal(c, codes)
    np.testing.assert_array_equal(perm, np.argsort(codes, kind="stable"))
    np.testing.assert_array_equal(perm[dest], np.arange(n))
    np.testing.assert_array_equal(bounds, np.append(np.cumsum(np.bincount(codes, minlength=8)), n))

    # allocation_keyed / capacity_keyed on group codes -1..4 given as keys - base, signs of zero included
    values = _nan_some(rng, rng.gamma(1.0, 10.0, n), 0.1)
    values[rng.random(n) < 0.05] = -0.0
    gcodes = rng.integers(-1, 5, n).astype(np.int64)
    keys = gcodes + 40  # base 40: code -1 is key 39, below the base (missing key)
    table = _nan_some(rng, rng.gamma(1.0, 30.0, 5), 0.2)
    table[rng.random(5) < 0.3] = -0.0
    for name, n_out in (("allocation_keyed", 4), ("capacity_keyed", 3)):
        results = []
        for eng in ("numpy", fast_engine):
            avail, cum, flag, alloc = np.empty(n), np.empty(n), np.empty(n, bool), np.empty(n)
            args = [avail, cum, flag.view(np.uint8), alloc][:n_out]
            resolve(name, eng)(values, keys, 40, table, *args)
            results.append((avail, cum, flag, alloc if n_out == 4 else None))
        for a, b in zip(*results):
            if a is not None:
                np.testing.assert_array_equal(a, b)
                assert np.array_equal(np.signbit(a), np.signbit(b)), name
        np.testing.assert_array_equal(results[1][0], np.where(gcodes < 0, np.nan, table[gcodes]))
        # the running sums equal pandas' groupby cumsum bit for bit (Kahan-compensated like pandas)
        expected = pd.Series(values).groupby(np.where(gcodes < 0, np.nan, gcodes)).cumsum().to_numpy()
        np.testing.assert_array_equal(results[1][1], expected)
        assert np.array_equal(np.signbit(results[1][1]), np.signbit(expected))

    per = _nan_some(rng, rng.uniform(0.01, 1.0, n), 0.1)
    ids = rng.integers(100, 110, n).astype(np.int64)
    bom = []
    for eng in ("numpy", fast_engine):
        required, cum = np.empty(n), np.empty(n)
        resolve("scaled_running_sum", eng)(per, 1048.1, ids, 100, 10, required, cum)
        bom.append((required, cum))
    np.testing.assert_array_equal(bom[0][0], bom[1][0])
    np.testing.assert_array_equal(bom[0][1], bom[1][1])
    np.testing.assert_array_equal(bom[0][1], pd.Series(per * 1048.1).groupby(ids).cumsum().to_numpy())

    parts = [_nan_some(rng, rng.normal(0, 100, n), frac) for frac in (0.0, 0.1, 0.3)]
    flags = []
    for eng in ("numpy", fast_engine):
        out = np.empty(n)
        flags.append(resolve("planning_balance_flags", eng)(*parts, out))
        np.testing.assert_array_equal(out, (np.nan_to_num(parts[0]) + np.nan_to_num(parts[1]))
                                      + np.nan_to_num(parts[2]))
    assert flags[0] == flags[1] == sum(bit for bit, p in zip((1, 2, 4), parts) if np.isnan(p).any())

    # shortage_compact: rows, amounts and the compacted inputs, signs of zero included
    bal = _nan_some(rng, rng.normal(0, 10, n), 0.1)
    thr = _nan_some(rng, rng.normal(0, 10, n), 0.1)
    bal[rng.random(n) < 0.1] = -0.0
    thr[rng.random(n) < 0.1] = 0.0
    got = _shortage_compact_by_engine(bal, thr, fast_engine)
    for a, b in zip(*got):
        np.testing.assert_array_equal(a, b)
        assert np.array_equal(np.signbit(a), np.signbit(b))
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(bal < thr)
    np.testing.assert_array_equal(got[1][0], hit)
    np.testing.assert_array_equal(got[1][1], thr[hit] - bal[hit])
    assert np.array_equal(np.signbit(got[1][2]), np.signbit(bal[hit]))


@pytest.mark.parametrize("seed", range(4))
def test_sorted_path_kernels_equal_reference(fast_engine, seed):
    """The kernels of the sorted allocation/scheduling path and the shortage compaction, against the
    reference (and the reference against pandas/numpy)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    # dense_sort2 + expand_runs: a stable sort by two dense keys, keys rebuilt from the buckets
    k1 = rng.integers(-2, 3, n).astype(np.int64)
    k2 = (rng.integers(0, 6, n) * 7 + 100).astype(np.int64)
    miss2 = (rng.random(n) < 0.2).astype(np.uint8) if seed % 2 else np.empty(0, np.uint8)
    lo1, st1, sp1, lo2, st2, sp2 = -2, 1, 5, 100, 7, 6
    n_keys = (sp1 + 1) * (sp2 + 1)
    got = []
    for eng in ("numpy", fast_engine):
        codes, bounds, perm = np.empty(n, np.int64), np.zeros(n_keys + 1, np.int64), np.empty(n, np.int64)
        dest = np.empty(n, np.int64)
        assert resolve("dense_sort2", eng)(k1, lo1, st1, sp1, np.empty(0, np.uint8), k2, lo2, st2, sp2, miss2,
                                           codes, bounds, dest, perm) == 1
        np.testing.assert_array_equal(perm[dest], np.arange(n))
        keys = []
        for minor, (lo, st, sp) in ((False, (lo1, st1, sp1)), (True, (lo2, st2, sp2))):
            out = np.empty(n, np.int64)
            resolve("expand_runs", eng)(bounds, sp2 + 1, minor, lo, st, sp, -1, out)
            keys.append(out)
        got.append((perm, bounds, *keys))
    for a, b in zip(*got):
        np.testing.assert_array_equal(a, b)
    perm, _, s1, s2 = got[0]
    key2 = np.where(miss2.astype(bool), np.iinfo(np.int64).max, k2) if miss2.size else k2
    np.testing.assert_array_equal(perm, np.lexsort((key2, k1)))
    np.testing.assert_array_equal(s1, k1[perm])
    np.testing.assert_array_equal(s2, np.where(key2[perm] == np.iinfo(np.int64).max, -1, key2[perm]))
    assert resolve("dense_sort2", fast_engine)(k1, lo1, st1, sp1, np.empty(0, np.uint8), k2 + (n > 0), lo2, st2,
                                               sp2, miss2, codes, np.zeros(n_keys + 1, np.int64), dest,
                                               perm) == (n == 0)

    # gather8
    values = rng.integers(-10 ** 12, 10 ** 12, n).astype(np.int64)
    p = rng.permutation(n).astype(np.int64)
    outs = [np.empty(n, np.int64) for _ in range(2)]
    for eng, out in zip(("numpy", fast_engine), outs):
        resolve("gather8", eng)(p, values, out)
    np.testing.assert_array_equal(outs[1], values[p])

    # allocation_keyed / capacity_keyed: groups as keys - base, equal to the reference's running sums on
    # dense codes (its plain helpers, no kernels of their own)
    from bk_fast._kernels.reference import compat as ref
    req = _nan_some(rng, rng.gamma(1.0, 10.0, n), 0.1)
    req[rng.random(n) < 0.05] = -0.0
    keys = rng.integers(997, 1003, n).astype(np.int64)  # 997 (below base 998): missing key
    table = _nan_some(rng, rng.gamma(1.0, 30.0, 5), 0.2)
    table[0] = -0.0
    codes = np.where(keys < 998, -1, keys - 998)
    for name, coded, n_out in (("allocation_keyed", ref._allocation_running, 4),
                               ("capacity_keyed", ref._capacity_running, 3)):
        results = []
        for fn, args in ((coded, (req, codes, 5, table)), (resolve(name, "numpy"), (req, keys, 998, table)),
                         (resolve(name, fast_engine), (req, keys, 998, table))):
            avail, cum, flag, alloc = np.empty(n), np.empty(n), np.empty(n, bool), np.empty(n)
            fn(*args, *[avail, cum, flag.view(np.uint8), alloc][:n_out])
            results.append((avail, cum, flag, alloc if n_out == 4 else np.zeros(0)))
        for other in results[1:]:
            for a, b in zip(results[0], other):
                np.testing.assert_array_equal(a, b)
                assert np.array_equal(np.signbit(a), np.signbit(b))
        if n_out == 4:  # the contract's formula, signs of zero included
            avail, cum, can, alloc = results[2]
            with np.errstate(invalid="ignore"):
                want = np.where(can, req, np.maximum(0, avail - (cum - req)))
            np.testing.assert_array_equal(alloc, want)
            assert np.array_equal(np.signbit(alloc), np.signbit(want))

    # shortage_compact
    bal = _nan_some(rng, rng.normal(0, 10, n), 0.1)
    thr = _nan_some(rng, rng.normal(0, 10, n), 0.1)
    res = _shortage_compact_by_engine(bal, thr, fast_engine)
    for a, b in zip(*res):
        np.testing.assert_array_equal(a, b)
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(bal < thr)
    np.testing.assert_array_equal(res[1][0], hit)
    np.testing.assert_array_equal(res[1][2], bal[hit])
    np.testing.assert_array_equal(res[1][3], thr[hit])

    # take_text: distinct rows of arrow text, through the frame helper (sliced buffers, empty and long strings)
    from bk_fast.compat._frames import take_text

    words = np.array(["", "a", "Y18767", "ÿ\x00z", "longer text with spaces and more"], dtype=object)
    text = pd.Series(words[rng.integers(0, len(words), n + 3)], dtype="str").iloc[3:]
    pick_rows = np.flatnonzero(rng.random(n) < 0.4).astype(np.int64)
    for eng in ("numpy", fast_engine):
        got = take_text(text, pick_rows, eng)
        if eng == "numpy" or not HAVE_PYARROW:
            assert got is None  # the numpy engine leaves text to pandas, as every engine does Python-backed str
            continue
        assert got.dtype == text.dtype
        pd.testing.assert_series_equal(pd.Series(got), pd.Series(text.array.take(pick_rows)))
    offsets, data = np.array([0, 2, 2, 5], np.int64), np.frombuffer(b"abcde", np.uint8)
    for eng in ("numpy", fast_engine):
        out_off, out_data = np.empty(3, np.int64), np.empty(5, np.uint8)
        assert resolve("take_text", eng)(offsets, data, np.array([2, 1], np.int64), out_off, out_data) == 3
        assert out_off.tolist() == [0, 3, 3] and out_data[:3].tobytes() == b"cde"
    assert take_text(pd.Series(["a", None, "b"], dtype="str"), np.array([0, 1]), fast_engine) is None


def test_text_kernels_word_copies_at_buffer_ends(fast_engine):
    # the compiled take_text / hash_factorize move 8-byte words while 8 bytes remain in the buffers and go
    # byte by byte at their ends: every length 0..19 at every place, compared with the reference
    rng = np.random.default_rng(11)
    for _ in range(200):
        m = int(rng.integers(0, 30))
        pool = [rng.integers(0, 256, int(rng.integers(0, 20))).astype(np.uint8) for _ in range(8)]
        strings = [pool[q] for q in rng.integers(0, 8, m)]
        offsets = np.concatenate([[0], np.cumsum([len(x) for x in strings])]).astype(np.int64)
        data = np.concatenate(strings + [np.empty(0, np.uint8)])
        rows = rng.permutation(m)[:int(rng.integers(0, m + 1))].astype(np.int64)
        got = []
        for eng in ("numpy", fast_engine):
            out_off, out_data = np.empty(len(rows) + 1, np.int64), np.zeros(len(data), np.uint8)
            total = resolve("take_text", eng)(offsets, data, rows, out_off, out_data)
            codes, first = np.empty(m, np.int64), np.empty(m, np.int64)
            n_groups = resolve("hash_factorize", eng)(offsets, data, np.empty(0, np.uint8), codes, first)
            got.append((total, out_off.tolist(), out_data[:total].tobytes(), n_groups, codes.tolist(),
                        first[:n_groups].tolist()))
        assert got[0] == got[1]


@needs("pyarrow")
@pytest.mark.parametrize("seed", range(3))
def test_hash_factorize_equals_pandas(engine, seed):
    from bk_fast.compat._frames import _arrow_text, factorize

    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 3000))
    words = np.array(["", "a", "Y18767", "Y18767 ", "ÿ", "longer text with spaces", "a\x00b", "Y1",
                      "abcdefgh", "abcdefgh1", "abcdefgh2", "abcdefgh12345678x", "abcdefgh12345678y"], dtype=object)
    values = words[rng.integers(0, len(words), n)]
    values = np.where(rng.random(n) < 0.1, None, values) if seed else values
    values = np.concatenate([values, np.char.add("k", rng.integers(0, 5000, n).astype("U5")).astype(object)])
    keys = pd.Series(values, dtype="str")
    want_codes, want_uniques = pd.factorize(keys)
    codes = np.empty(len(keys), np.int64)
    first = np.empty(len(keys), np.int64)
    n_groups = resolve("hash_factorize", engine)(*_arrow_text(keys), codes, first)
    np.testing.assert_array_equal(codes, want_codes)
    assert n_groups == len(want_uniques)
    np.testing.assert_array_equal(keys.to_numpy()[first[:n_groups]], np.asarray(want_uniques, dtype=object))
    got_codes, got_n, got_uniques = factorize(keys.iloc[3:], engine)  # sliced arrow buffers
    want_codes, want_uniques = pd.factorize(keys.iloc[3:])
    np.testing.assert_array_equal(got_codes, want_codes)
    assert list(got_uniques) == list(want_uniques)


@pytest.mark.parametrize("kind", ["fractional", "whole", "huge", "nan"])
def test_hours_end_equals_pandas(engine, kind):
    rng = np.random.default_rng(7)
    hours = np.concatenate([rng.gamma(1.0, 30.0, 5000), rng.random(500) * 1e-7, -rng.gamma(1.0, 3.0, 500),
                            rng.random(500) * 9e5, [0.0, -0.0, 1 / 3, 2 / 3, 0.5, 2.5, 999_998.9]])
    if kind == "whole":
        hours = np.round(hours)
    elif kind == "huge":
        hours[3] = 2e6
    elif kind == "nan":
        hours[::7] = np.nan
    start = pd.Timestamp("2026-03-02 09:30:00.123456")
    end = np.empty(len(hours), np.int64)
    status = resolve("hours_end", engine)(hours, start.value, end)
    assert status == {"whole": 1, "huge": 2}.get(kind, 0)
    if status == 0:
        want = (pd.Series(start, index=range(len(hours))) + pd.to_timedelta(pd.Series(hours), unit="h"))
        np.testing.assert_array_equal(end.view("datetime64[ns]"), want.to_numpy())


@pytest.mark.parametrize("case", ["ints", "dates", "nat", "float_nan", "step_miss", "bool", "empty", "one"])
def test_sort_permutation_equals_pandas(engine, case):
    from bk_fast.compat._frames import sort_permutation

    rng = np.random.default_rng(9)
    n = {"empty": 0, "one": 1}.get(case, 3000)
    a = rng.integers(-3, 4, n)
    b = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 400, n), unit="D")
    frame = pd.DataFrame({"a": a, "b": b})
    if case == "ints":
        frame["b"] = rng.integers(10 ** 12, 10 ** 12 + 50, n)
    elif case == "nat" and n:
        frame.loc[rng.random(n) < 0.1, "b"] = pd.NaT
    elif case == "float_nan":
        frame["a"] = np.where(rng.random(n) < 0.2, np.nan, a.astype(float))
    elif case == "step_miss" and n:
        # the sampled step (days) does not divide a value placed after the sample: full gcd needed
        frame.loc[n - 1, "b"] = frame.loc[n - 1, "b"] + pd.Timedelta(seconds=1)
    elif case == "bool":
        frame["a"] = a > 0
    dest, perm = sort_permutation(frame, ["a", "b"], engine=engine)
    want = frame.reset_index(drop=True).sort_values(["a", "b"]).index.to_numpy()
    np.testing.assert_array_equal(perm, want)
    if dest is not None:
        np.testing.assert_array_equal(perm[dest], np.arange(n))


def test_kernel_cases_by_hand(engine):
    # group 0: 60 of 100 then 60 more (only 40 left); group 1 unknown (NaN available); code -1: missing key
    # group 2: -0.0 required fits (allocated -0.0); group 3 has -0.0 available: 5 does not fit, what is left is
    # -0.0 - (5 - 5) = -0.0, kept (max(0, -0.0) keeps the sign)
    req = np.array([60.0, 60.0, 10.0, 5.0, np.nan, 7.0, -0.0, 5.0])
    keys = np.array([10, 10, 11, 9, 10, 10, 12, 13], dtype=np.int64)  # base 10: key 9 is a missing key
    table = np.array([100.0, np.nan, 3.0, -0.0])
    avail, cum, can, alloc = np.empty(8), np.empty(8), np.empty(8, bool), np.empty(8)
    resolve("allocation_keyed", engine)(req, keys, 10, table, avail, cum, can.view(np.uint8), alloc)
    np.testing.assert_array_equal(avail, [100.0, 100.0, np.nan, np.nan, 100.0, 100.0, 3.0, -0.0])
    np.testing.assert_array_equal(cum, [60.0, 120.0, 10.0, np.nan, np.nan, 127.0, 0.0, 5.0])
    np.testing.assert_array_equal(can, [True, False, False, False, False, False, True, False])
    np.testing.assert_array_equal(alloc, [60.0, 40.0, np.nan, np.nan, np.nan, 0.0, -0.0, -0.0])
    assert np.signbit(avail[7]) and not np.signbit(cum[6]) and np.signbit(alloc[6]) and np.signbit(alloc[7])
    ok = np.empty(8, bool)
    resolve("capacity_keyed", engine)(req, keys, 10, table, avail, cum, ok.view(np.uint8))
    np.testing.assert_array_equal(cum, [60.0, 120.0, 10.0, np.nan, np.nan, 127.0, 0.0, 5.0])
    np.testing.assert_array_equal(ok, [True, False, False, False, False, False, True, False])
    # a stable counting sort by one key (dense_sort2 with a constant second key)
    dest, perm, codes, bounds = np.empty(5, np.int64), np.empty(5, np.int64), np.empty(5, np.int64), \
        np.zeros(5, np.int64)
    assert resolve("dense_sort2", engine)(np.array([2, 0, 2, 1, 0], dtype=np.int64), 0, 1, 3,
                                          np.empty(0, np.uint8), np.zeros(5, np.int64), 0, 1, 0,
                                          np.empty(0, np.uint8), codes, bounds, dest, perm) == 1
    np.testing.assert_array_equal(perm, [1, 4, 3, 0, 2])
    np.testing.assert_array_equal(dest, [3, 0, 4, 2, 1])
    np.testing.assert_array_equal(bounds, [2, 3, 5, 5, 5])
    # shortage rows: strict, NaN never; -0.0 < 0.0 is no shortage
    bal = np.array([-0.0, 1.0, np.nan, -0.0, 5.0])
    thr = np.array([0.0, 2.0, 3.0, 1.0, np.nan])
    rows, amount, bal_out, thr_out = np.empty(5, np.int64), np.empty(5), np.empty(5), np.empty(5)
    assert resolve("shortage_compact", engine)(bal, thr, rows, amount, bal_out, thr_out) == 2
    assert rows[:2].tolist() == [1, 3] and amount[:2].tolist() == [1.0, 1.0]
    assert bal_out[:2].tolist() == [1.0, 0.0] and np.signbit(bal_out[1]) and thr_out[:2].tolist() == [2.0, 1.0]


# ----------------------------------------------------------------------------------- planning balance


def test_planning_balance_by_hand(engine):
    df = pd.DataFrame({"theoretical_balance": [500.0, np.nan, 20.0], "allocated": [-120.0, -5.0, np.nan],
                       "on_order": [0.0, 10.0, np.nan], "yarn": ["a", "b", "c"]})
    out = compare("optimize_planning_balance_calculation", df, engine=engine)
    assert out["planning_balance"].tolist() == [380.0, 5.0, 20.0]


@pytest.mark.parametrize("present", [(), ("allocated",), ("theoretical_balance", "on_order"),
                                     ("theoretical_balance", "allocated", "on_order")])
@pytest.mark.parametrize("dtype", ["float", "int", "text", "str", "mixed"])
def test_planning_balance_shapes(engine, present, dtype):
    rng = np.random.default_rng(len(present))
    n = 7
    df = pd.DataFrame({"yarn_id": np.arange(n)})
    for name in present:
        vals = np.round(rng.normal(0, 100, n), 2)
        if dtype == "float":
            df[name] = _nan_some(rng, vals, 0.3)
        elif dtype == "int":
            df[name] = vals.astype(np.int64)
        elif dtype in ("text", "str"):
            text = pd.Series(vals.astype(str), dtype=object)
            text[1] = "n/a"
            text[2] = "$1,200.5"
            df[name] = text.astype("str") if dtype == "str" else text
        else:
            df[name] = pd.Series([1, "2", None, 3.5, "x", 4, 5.0], dtype=object)
    compare("optimize_planning_balance_calculation", df, engine=engine)


def test_planning_balance_duplicate_columns_raise_like_the_original():
    df = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["allocated", "allocated", "on_order"])
    compare("optimize_planning_balance_calculation", df)


def test_planning_balance_empty_returns_same_object():
    df = pd.DataFrame({"allocated": pd.Series([], dtype=float)})
    assert DFO.optimize_planning_balance_calculation(df) is df
    assert "planning_balance" not in df.columns


@FAST
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(0, 30), nan=st.sampled_from([0.0, 0.3, 1.0]))
def test_planning_balance_generated(seed, n, nan):
    rng = np.random.default_rng(seed)
    big = rng.choice([1.0, 1e300], n) * rng.normal(0, 100, n)
    df = pd.DataFrame({"theoretical_balance": _nan_some(rng, big, nan),
                       "allocated": _nan_some(rng, -rng.gamma(1, 50, n), nan),
                       "on_order": _nan_some(rng, rng.gamma(1, 50, n), nan)})
    for engine in ENGINES:
        if engine_status(engine).available:
            compare("optimize_planning_balance_calculation", df, engine=engine)


# -------------------------------------------------------------------------------------------- shortage


def test_shortage_by_hand(engine):
    df = pd.DataFrame({"yarn_id": ["a", "b", "c", "d", "e"], "planning_balance": [5.0, 10.0, np.nan, -3.0, 7.0],
                       "min_stock": [10.0, 10.0, 5.0, np.nan, 8.0]}, index=[10, 11, 12, 13, 14])
    out = compare("optimize_shortage_detection", df, engine=engine)
    assert out.index.tolist() == [10, 14]
    assert out["shortage_amount"].tolist() == [5.0, 1.0]


@pytest.mark.parametrize("case", ["missing_threshold", "missing_balance", "empty", "none_short", "int",
                                  "mixed_num", "text_balance", "custom_cols", "str_cols", "no_columns"])
def test_shortage_edges(engine, case):
    df = pd.DataFrame({"yarn_id": pd.Series(["a", "b", "c"], dtype="str"), "planning_balance": [1.0, 2.0, 3.0],
                       "min_stock": [2.0, 2.0, 2.0]})
    kwargs = {}
    if case == "missing_threshold":
        df = df.drop(columns="min_stock")
    elif case == "missing_balance":
        df = df.drop(columns="planning_balance")
    elif case == "empty":
        df = df.iloc[:0]
    elif case == "none_short":
        df["min_stock"] = 0.0
    elif case == "int":
        df["planning_balance"] = [1, 2, 3]
        df["min_stock"] = [2, 2, 2]
    elif case == "mixed_num":
        df["min_stock"] = [2, 2, 2]
    elif case == "text_balance":
        df["planning_balance"] = pd.Series(["1", "5", "0"], dtype=object)
    elif case == "custom_cols":
        df = df.rename(columns={"planning_balance": "pb", "min_stock": "safety"})
        kwargs = {"threshold_col": "safety", "balance_col": "pb"}
    elif case == "no_columns":
        df = pd.DataFrame(index=[0, 1])
    compare("optimize_shortage_detection", df, engine=engine, **kwargs)


@FAST
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(0, 300), nan=st.sampled_from([0.0, 0.2, 1.0]),
       ties=st.booleans(), ids=st.sampled_from(["plain", "varied", "varied", "object"]),
       nan_ids=st.sampled_from([0.0, 0.0, 0.0, 0.1]))
def test_shortage_generated(seed, n, nan, ties, ids, nan_ids):
    # ids on the frame's own index: with no id missing, the str column of the shortage rows is taken by the
    # take_text kernel on the compiled engines (with some missing, by pandas)
    rng = np.random.default_rng(seed)
    bal = rng.integers(-3, 3, n).astype(float) if ties else rng.normal(0, 100, n)
    index = rng.permutation(n) * 3
    yarn = _text_ids(rng, n, nan_ids, index) if ids == "varied" else \
        _ids(rng, n, "str" if ids == "plain" else "object", pool=int(rng.integers(1, 500)), nan_frac=nan_ids,
             index=index)
    df = pd.DataFrame({"yarn_id": yarn, "planning_balance": _nan_some(rng, bal, nan),
                       "min_stock": _nan_some(rng, rng.integers(-3, 3, n), nan),
                       "desc": _text_ids(rng, n, 0.0, index)}, index=index)
    assert df["yarn_id"].isna().sum() == yarn.isna().sum()  # nothing lost to alignment
    for engine in ENGINES:
        if engine_status(engine).available:
            compare("optimize_shortage_detection", df, engine=engine)


# ------------------------------------------------------------------------------------------------- BOM


@pytest.mark.parametrize("kind", ID_KINDS)
@pytest.mark.parametrize("style", [None, "", "S1", "missing-style"])
def test_bom_explosion(engine, kind, style):
    rng = np.random.default_rng(3)
    n = 25
    index = np.arange(n)[::-1] + 5
    bom = pd.DataFrame({"style_id": pd.Series(np.char.add("S", rng.integers(0, 3, n).astype("U1")), dtype="str",
                                              index=index),
                        "yarn_id": _ids(rng, n, kind, index=index),
                        "quantity_per": _nan_some(rng, np.round(rng.uniform(0.01, 1, n), 2), 0.1)},
                       index=index)
    assert bom["yarn_id"].notna().all() and (kind != "int" or bom["yarn_id"].dtype == np.int64)
    compare("optimize_bom_explosion", bom, 3.5, style_id=style, engine=engine)


#: quantities of the BOM drop-in: the contract is ``quantity_per * quantity`` (pandas), any number
BOM_QUANTITIES = [3.5, 0.0, -0.0, -2.0, 1048.1, 7, 0, -3, 1e300, -1e-300, 5e-324, 2.0 ** 53 - 1, 2 ** 53 + 1,
                  float("nan"), float("inf"), -float("inf"), np.float64(2.5), np.int64(4), True]
#: quantity_per values: signs, zeros, subnormals, huge (overflow to inf in the product / running sum), NaN, inf
BOM_PER = [0.0, -0.0, 0.914, 0.086, -0.5, 1e-320, 1e308, -1e308, 1.7976931348623157e308, float("nan"),
           float("inf"), -float("inf"), 1 / 3, 2.0 ** 53 + 1]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(1, 300),
       quantity=st.one_of(st.sampled_from(BOM_QUANTITIES), st.floats(-1e6, 1e6)),
       ids=st.sampled_from(["dense", "dense", "one", "sparse", "int64_extremes", "nan", "text"]),
       special=st.sampled_from([0.0, 0.1, 0.5]), style=st.sampled_from([None, "S1"]))
def test_bom_explosion_generated(seed, n, quantity, ids, special, style):
    """Every engine against the pandas original on generated BOM lines: dense int64 ids (the fused
    ``scaled_running_sum`` path of the compiled engines), sparse or extreme ids and missing or text ids
    (grouped cumsum), any quantity and quantity_per."""
    rng = np.random.default_rng(seed)
    index = rng.permutation(n) + 7
    if ids in ("dense", "one"):
        lo = int(rng.integers(-2 ** 40, 2 ** 40))
        yarn = lo + rng.integers(0, 1 if ids == "one" else int(rng.integers(1, 2 * n + 2)), n)
    elif ids == "sparse":
        yarn = rng.integers(-2 ** 62, 2 ** 62, n) * rng.integers(0, 2, n)
    elif ids == "int64_extremes":
        yarn = rng.choice(np.array([I64.min, I64.min + 1, -1, 0, I64.max - 1, I64.max]), n)
    else:
        yarn = None
    yarn_col = pd.Series(yarn, dtype=np.int64, index=index) if yarn is not None else \
        _ids(rng, n, "int" if ids == "nan" else "str", pool=int(rng.integers(1, 40)), nan_frac=0.2, index=index)
    per = np.round(rng.uniform(-1, 1, n), int(rng.integers(0, 6))) * 10.0 ** rng.integers(-3, 4, n)
    odd = rng.random(n) < special
    per[odd] = rng.choice(np.array(BOM_PER), int(odd.sum()))
    bom = pd.DataFrame({"style_id": pd.Series(np.char.add("S", rng.integers(0, 3, n).astype("U1")), dtype="str",
                                              index=index),
                        "yarn_id": yarn_col, "quantity_per": per}, index=index)
    assert bom["yarn_id"].isna().sum() == yarn_col.isna().sum()  # nothing lost to alignment
    for engine in ENGINES:
        if engine_status(engine).available:
            compare("optimize_bom_explosion", bom, quantity, style_id=style, engine=engine)


@pytest.mark.parametrize("case", ["int_qty", "nan_ids", "huge_ids", "uint64_beyond_int64", "int8_extremes",
                                  "empty", "one_row", "no_yarn", "no_style", "object_qty",
                                  "int_quantity_float_per"])
def test_bom_edges(engine, case):
    bom = pd.DataFrame({"style_id": ["S1", "S1", "S2", "S1"], "yarn_id": [7, 8, 7, 7],
                        "quantity_per": [0.5, 0.25, 0.75, 0.1]})
    quantity, style = 10.0, None
    if case == "int_qty":
        bom["quantity_per"] = [1, 2, 3, 4]
        quantity = 3
    elif case == "nan_ids":
        bom["yarn_id"] = [7.0, np.nan, 7.0, np.nan]
    elif case == "huge_ids":
        bom["yarn_id"] = [2 ** 62, -(2 ** 62), 2 ** 62, 5]
    elif case == "uint64_beyond_int64":  # a narrow range above 2**63 (dense codes; raised OverflowError once)
        bom["yarn_id"] = np.array([2 ** 64 - 3, 2 ** 64 - 1, 2 ** 64 - 3, 2 ** 64 - 2], dtype=np.uint64)
    elif case == "int8_extremes":
        bom["yarn_id"] = np.array([-128, 127, -128, 0], dtype=np.int8)
    elif case == "empty":
        bom = bom.iloc[:0]
    elif case == "one_row":
        bom = bom.iloc[:1]
    elif case == "no_yarn":
        bom = bom.drop(columns="yarn_id")
    elif case == "no_style":
        bom = bom.drop(columns="style_id")
        style = "S1"
    elif case == "object_qty":
        bom["quantity_per"] = pd.Series(["1", 2, 3.0, None], dtype=object)
        quantity = 2
    elif case == "int_quantity_float_per":
        quantity = 4
    compare("optimize_bom_explosion", bom, quantity, style_id=style, engine=engine)


@pytest.mark.parametrize("engine_name", ["cython", "numba", "numpy"])
@pytest.mark.parametrize("per, quantity", [([1e308, 0.5, 1e308], 10.0), ([np.inf, 0.5, 1.0], 0.0)])
def test_bom_explosion_overflow_is_silent(engine_name, per, quantity):
    """An overflowing (or inf x 0) product is inf (NaN) without a warning, as pandas' ``quantity_per * quantity``
    (the numpy engine's fused scaled_running_sum warned 'overflow/invalid value encountered in multiply')."""
    if not engine_status(engine_name).available:
        pytest.skip(f"{engine_name} unavailable")
    bom = pd.DataFrame({"yarn_id": [1, 2, 1], "quantity_per": per})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ODFO.optimize_bom_explosion(bom.copy(), quantity)
        compare("optimize_bom_explosion", bom, quantity, engine=engine_name)


def test_bom_acceptance_b5(engine):
    """ACCEPTANCE B5 through the drop-in: 1048.1 lbs at 0.914 / 0.086."""
    bom = pd.DataFrame({"style_id": ["125792/1", "125792/1"], "yarn_id": [18767, 18929],
                        "quantity_per": [0.914, 0.086]})
    out = compare("optimize_bom_explosion", bom, 1048.1, engine=engine)
    assert out["required_quantity"].round(4).tolist() == [957.9634, 90.1366]


# ------------------------------------------------------------------------------------------ allocation


def _allocation_frames(rng, n, kind, *, n_yarn=5, unknown=True, dup=False, nan_ids=0.0, ties=True,
                       nan_keys=False, int_req=False, int_avail=False):
    pool = n_yarn + (2 if unknown else 0)
    orders = pd.DataFrame({
        "order_id": np.arange(n),
        "yarn_id": _ids(rng, n, kind, pool=pool, nan_frac=nan_ids),
        "required_quantity": (rng.integers(1, 50, n) if int_req else np.round(rng.gamma(1.0, 20.0, n), 2)),
        "priority": rng.integers(1, 3 if ties else 1000, n),
        "order_date": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 3 if ties else 10 ** 6, n),
                                                                   unit="D" if ties else "s"),
    })
    if nan_keys and n:
        orders["priority"] = _nan_some(rng, orders["priority"], 0.2)
        orders.loc[rng.random(n) < 0.2, "order_date"] = pd.NaT
    ids = _ids(rng, n_yarn, kind, pool=1)  # placeholder for dtype
    ids = pd.Series([f"Y{100 + i}" for i in range(n_yarn)], dtype=ids.dtype) if kind != "int" else \
        pd.Series(100 + np.arange(n_yarn), dtype="int64")
    yarn = pd.DataFrame({"yarn_id": ids, "available_quantity": (rng.integers(0, 80, n_yarn) if int_avail
                                                                else np.round(rng.gamma(1.0, 40.0, n_yarn), 2)),
                         "supplier": ["s"] * n_yarn})
    if dup:
        yarn = pd.concat([yarn, yarn.iloc[:2]], ignore_index=True)
    return yarn, orders


@pytest.mark.parametrize("kind", ID_KINDS)
@pytest.mark.parametrize("variant", ["plain", "dup_inventory", "nan_ids", "no_ties", "nan_keys", "int_req",
                                     "int_avail", "all_known"])
def test_allocation(engine, kind, variant):
    rng = np.random.default_rng(11)
    opts = {"dup_inventory": {"dup": True}, "nan_ids": {"nan_ids": 0.2}, "no_ties": {"ties": False},
            "nan_keys": {"nan_keys": True}, "int_req": {"int_req": True},
            "int_avail": {"int_avail": True, "unknown": False}, "all_known": {"unknown": False}}.get(variant, {})
    yarn, orders = _allocation_frames(rng, 40, kind, **opts)
    compare("optimize_yarn_allocation", yarn, orders, engine=engine)


def test_allocation_by_hand(engine):
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [100.0, 50.0]})
    orders = pd.DataFrame({"yarn_id": [1, 1, 2, 3, 1], "required_quantity": [60.0, 60.0, 10.0, 5.0, 30.0],
                           "priority": [2, 1, 1, 1, 1],
                           "order_date": pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-02", "2026-01-01",
                                                         "2026-01-03"])})
    out = compare("optimize_yarn_allocation", yarn, orders, engine=engine)
    assert out.index.tolist() == [3, 2, 1, 4, 0]  # priority, then date, ties kept in row order
    assert out["cumulative_demand"].tolist() == [5.0, 10.0, 60.0, 90.0, 150.0]
    assert out["can_fulfill"].tolist() == [False, True, True, True, False]
    np.testing.assert_array_equal(out["allocated_quantity"], [np.nan, 10.0, 60.0, 30.0, 10.0])


def test_allocation_acceptance_a1(engine):
    """ACCEPTANCE A1 (priority beats due date) through the Phase-3 contract: supply 25, three orders of 10."""
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [25.0, 25.0]})
    orders = pd.DataFrame({"yarn_id": [1, 1, 1, 2, 2, 2], "required_quantity": [10.0] * 6,
                           "priority": [1, 2, 3, 1, 2, 3], "order_date": pd.to_datetime(
                               ["2026-01-10", "2026-01-11", "2026-01-12", "2026-01-10", "2026-01-11", "2026-01-05"])})
    out = compare("optimize_yarn_allocation", yarn, orders, engine=engine)
    assert out.groupby("yarn_id")["allocated_quantity"].apply(list).to_dict() == {1: [10.0, 10.0, 5.0],
                                                                                2: [10.0, 10.0, 5.0]}


@pytest.mark.parametrize("case", ["empty_yarn", "empty_orders", "no_priority", "no_avail", "text_dates",
                                  "collision", "object_ids_mixed", "float_vs_int_ids", "category_priority",
                                  "one_row", "index_ignored", "existing_output_col"])
def test_allocation_edges(engine, case):
    rng = np.random.default_rng(5)
    yarn, orders = _allocation_frames(rng, 12, "int")
    if case == "empty_yarn":
        yarn = yarn.iloc[:0]
    elif case == "empty_orders":
        orders = orders.iloc[:0]
    elif case == "no_priority":
        orders = orders.drop(columns="priority")
    elif case == "no_avail":
        yarn = yarn.drop(columns="available_quantity")
    elif case == "text_dates":
        orders["order_date"] = orders["order_date"].dt.strftime("%d/%m/%Y").astype("str")
    elif case == "collision":
        orders["available_quantity"] = 1.0
    elif case == "object_ids_mixed":
        orders["yarn_id"] = pd.Series([100, "100", 101.0] * 4, dtype=object)
        yarn["yarn_id"] = yarn["yarn_id"].astype(object)
    elif case == "float_vs_int_ids":
        orders["yarn_id"] = orders["yarn_id"].astype(float)
        orders.loc[0, "yarn_id"] = np.nan
    elif case == "category_priority":
        orders["priority"] = orders["priority"].astype("category")
    elif case == "one_row":
        orders = orders.iloc[:1]
    elif case == "index_ignored":
        orders.index = [f"r{i}" for i in range(len(orders))]
    elif case == "existing_output_col":
        orders.insert(1, "can_fulfill", "old")
    compare("optimize_yarn_allocation", yarn, orders, engine=engine)


@FAST
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(0, 40), kind=st.sampled_from(ID_KINDS),
       ties=st.booleans(), nan_keys=st.booleans(), nan_ids=st.sampled_from([0.0, 0.2]), dup=st.booleans())
def test_allocation_generated(seed, n, kind, ties, nan_keys, nan_ids, dup):
    rng = np.random.default_rng(seed)
    yarn, orders = _allocation_frames(rng, n, kind, ties=ties, nan_keys=nan_keys, nan_ids=nan_ids, dup=dup,
                                      n_yarn=int(rng.integers(1, 6)))
    for engine in ENGINES:
        if engine_status(engine).available:
            compare("optimize_yarn_allocation", yarn, orders, engine=engine)


# ------------------------------------------------------------------------------------------ scheduling


def _schedule_frames(rng, n, *, rate=True, nan_wc=False, empty_cap=False, dup_cap=False, ties=True):
    orders = pd.DataFrame({
        "order_id": [f"K{i}" for i in range(n)],
        "work_center_id": (_nan_some(rng, rng.integers(1, 5, n), 0.2) if nan_wc else rng.integers(1, 5, n)),
        "quantity": np.round(rng.gamma(1.0, 300.0, n), 1),
        "priority": rng.integers(1, 3 if ties else 100, n),
        "due_date": pd.Timestamp("2026-02-02") + pd.to_timedelta(rng.integers(0, 3 if ties else 500, n), unit="D"),
    }, index=np.arange(n) * 2 + 1)
    orders["order_id"] = orders["order_id"].astype("str")
    if rate:
        orders["production_rate"] = np.round(rng.uniform(20, 120, n), 1)
    cap = pd.DataFrame({"work_center_id": np.arange(1, 4), "available_hours": [10.0, 25.0, 5.0],
                        "name": ["a", "b", "c"]})
    if dup_cap:
        cap = pd.concat([cap, cap.iloc[:1]], ignore_index=True)
    if empty_cap:
        cap = cap.iloc[:0]
    return orders, cap


@pytest.mark.parametrize("variant", ["plain", "no_rate", "nan_wc", "empty_cap", "dup_cap", "no_ties"])
def test_scheduling(engine, variant):
    rng = np.random.default_rng(17)
    opts = {"no_rate": {"rate": False}, "nan_wc": {"nan_wc": True}, "empty_cap": {"empty_cap": True},
            "dup_cap": {"dup_cap": True}, "no_ties": {"ties": False}}.get(variant, {})
    orders, cap = _schedule_frames(rng, 30, **opts)
    out = compare("optimize_production_scheduling", orders, cap, engine=engine, now=NOW)
    if variant == "plain":
        assert (out["scheduled_start"] == NOW).all()


@pytest.mark.parametrize("case", ["empty_orders", "no_quantity", "no_wc", "int_rate", "one_row", "us_now",
                                  "text_due", "zero_rate", "whole_hours", "nan_quantity", "tz_now", "datetime_now",
                                  "far_future_now", "now_after_ns", "now_before_ns"])
def test_scheduling_edges(engine, case):
    rng = np.random.default_rng(23)
    orders, cap = _schedule_frames(rng, 10)
    now = NOW
    if case == "empty_orders":
        orders = orders.iloc[:0]
    elif case == "no_quantity":
        orders = orders.drop(columns="quantity")
    elif case == "no_wc":
        orders = orders.drop(columns="work_center_id")
    elif case == "int_rate":
        orders["production_rate"] = 50
        orders["quantity"] = orders["quantity"].round().astype(np.int64)
    elif case == "one_row":
        orders = orders.iloc[:1]
    elif case == "us_now":
        now = pd.Timestamp("2026-03-02 09:30:00.123456")
    elif case == "text_due":
        orders["due_date"] = orders["due_date"].dt.strftime("%Y-%m-%d").astype("str")
    elif case == "zero_rate":
        orders.loc[orders.index[0], "production_rate"] = 0.0
    elif case == "whole_hours":
        orders["quantity"] = orders["production_rate"] * 3
    elif case == "nan_quantity":
        orders.loc[orders.index[::3], "quantity"] = np.nan
    elif case == "tz_now":
        now = pd.Timestamp("2026-03-02 09:30", tz="UTC")
    elif case == "datetime_now":
        now = NOW.to_pydatetime()
    elif case == "far_future_now":
        now = pd.Timestamp("2250-01-01")
    elif case in ("now_after_ns", "now_before_ns"):  # no nanosecond value: the original's OutOfBoundsDatetime
        now = pd.Timestamp("2300-01-01" if case == "now_after_ns" else "1600-01-01")  # (was OverflowError)
    compare("optimize_production_scheduling", orders, cap, engine=engine, now=now)


def test_scheduling_default_now_is_the_clock():
    rng = np.random.default_rng(1)
    orders, cap = _schedule_frames(rng, 5)
    before = pd.Timestamp.now()
    out = DFO.optimize_production_scheduling(orders, cap)
    assert before <= out["scheduled_start"].iloc[0] <= pd.Timestamp.now()


@FAST
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(0, 30), nan_wc=st.booleans(), ties=st.booleans(),
       rate=st.booleans())
def test_scheduling_generated(seed, n, nan_wc, ties, rate):
    rng = np.random.default_rng(seed)
    orders, cap = _schedule_frames(rng, n, nan_wc=nan_wc, ties=ties, rate=rate)
    for engine in ENGINES:
        if engine_status(engine).available:
            compare("optimize_production_scheduling", orders, cap, engine=engine, now=NOW)


# ------------------------------------------------------------------------------- the other methods


def _mixed_frame(text="object"):
    df = pd.DataFrame({
        "yarn_id": [" y1 ", "y2", None, "y2 "],
        "paid": ["no ", " yes", "no", "no"],
        "unit_price": ["$1,200.50", " $3 ", None, "7"],
        "material_cost": ["$10", "5", "x", None],
        "labor_cost": [1.0, np.nan, 2.0, 3.0],
        "quantity": [10, 0, 5, 2],
        "order_date": ["2026-01-05", "2026-01-07", "junk", None],
        "delivery_date": ["2026-01-09", "2026-01-08", "2026-01-10", "2026-01-11"],
        "due_date": ["2026-03-01", "2026-03-10", None, "2026-02-01"],
        "notes": ["a", "b", "a", "a"],
        "theoretical_balance": [5.0, 1.0, np.nan, 2.0],
        "allocated": [-1.0, 0.0, 0.0, np.nan],
        "on_order": [0.0, 2.0, 1.0, 0.0],
        "big": [1, 200, 70000, 3],
    })
    for name in ("yarn_id", "paid", "unit_price", "material_cost", "order_date", "delivery_date", "due_date",
                 "notes"):
        df[name] = df[name].astype("str" if text == "str" else object)
    return df


@pytest.mark.parametrize("text", ["object", "str"])
def test_string_operations(text):
    out = compare("optimize_string_operations", _mixed_frame(text))
    assert out["yarn_id"].tolist()[:2] == ["Y1", "Y2"]
    assert out["paid"].tolist()[:2] == ["NO", "YES"]  # 'paid' contains 'id': the original's quirk
    assert out["unit_price"].tolist()[:2] == ["1200.50", "3"]


@pytest.mark.parametrize("values", [[" straße ", "\x1cid\x1f", "\xa0x\xa0", None],
                                    [" ok ", "\tA\n", "x\x0b", "$1,0"],
                                    [None, None, None, None]])
def test_string_operations_str_unicode(values):
    """str columns: Arrow's kernels only where they agree with Python's (plain ASCII), object otherwise."""
    df = pd.DataFrame({"style_id": pd.Series(values, dtype="str"), "unit_cost": pd.Series(values, dtype="str"),
                       "note": pd.Series(values, dtype="str")})
    compare("optimize_string_operations", df)
    compare("optimize_date_calculations", df.rename(columns={"note": "ship_date"}), now=NOW)


def test_string_operations_few_odd_values_take_python_semantics_only_there():
    """A str column of plain ASCII but for a few values holding characters on which Arrow's and Python's strip /
    upper differ ("ß", 0x1C-0x1F): those values go through object, the rest through Arrow's kernels (one "é" in 10^6
    rows sent the whole column through Python: 2.2 s against the original's 0.19 s). Same results as the
    original, value for value, wherever the odd values sit (first, last, beside missing ones)."""
    import bk_fast.compat.dataframe_optimizer as dfo
    from bk_fast.compat import _frames

    base = [" y1 ", "y2", None, " $1,234 ", "ok\t", " y3"] * 5
    for odd in ([0], [len(base) - 1], [1, 2, 7], [4, 10, 29]):
        values = list(base)
        for i, v in zip(odd, [" straße ", "\x1cid\x1f", "\xa0x\xa0", "ǆ é"]):
            values[i] = v
        col = pd.Series(values, dtype="str")
        df = pd.DataFrame({"style_id": col, "unit_cost": col, "note": col})
        out = compare("optimize_string_operations", df)
        assert all(str(t) == "str" for t in out.dtypes)
    # only the odd values went to object: the rows given to as_object
    seen = []
    real = dfo.as_object
    try:
        dfo.as_object = lambda series: (seen.append(len(series)), real(series))[1]
        big = pd.Series(["  a1 "] * 1000 + [" ß "], dtype="str")
        DFO.optimize_string_operations(pd.DataFrame({"code_id": big}))
    finally:
        dfo.as_object = real
    if not HAVE_PYARROW:  # (str holds Python strings: the whole column goes through object, as in the original)
        assert seen == [len(big)] and _frames.odd_rows(big) is None, seen
        return
    assert seen == [1], seen
    assert _frames.odd_rows(big).tolist() == [1000]


@pytest.mark.parametrize("method, frame", [
    ("optimize_planning_balance_calculation",
     pd.DataFrame({"theoretical_balance": [1e308, np.inf], "allocated": [1e308, -np.inf], "on_order": [0.0, 0.0]})),
    ("optimize_shortage_detection", pd.DataFrame({"planning_balance": [-1e308, 1.0], "min_stock": [1e308, np.inf]})),
])
def test_overflow_is_silent_on_every_engine_as_in_the_original(method, frame):
    """1e308 + 1e308 and inf - inf: pandas' arithmetic in the original is silent; the numpy engine warned
    "overflow encountered in add / subtract" (an exception for a service run with -W error)."""
    for engine in [e for e in ENGINES if engine_status(e).available]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            getattr(ODFO, method)(frame.copy())
            getattr(DFO, method)(frame.copy(), engine=engine)


def test_string_operations_mixed_types():
    df = pd.DataFrame({"code_id": pd.Series([" a", 5, None, 2.5], dtype=object), "n": [1, 2, 3, 4]})
    compare("optimize_string_operations", df)
    compare("optimize_string_operations", pd.DataFrame({"x": pd.Series([1, 2], dtype=object)}))  # raises


@pytest.mark.parametrize("text", ["object", "str"])
def test_date_calculations(text):
    out = compare("optimize_date_calculations", _mixed_frame(text), now=NOW)
    assert out["lead_time_days"].tolist()[:2] == [4.0, 1.0]
    assert out["is_overdue"].tolist() == [True, False, False, True]  # due 03-01 < now 03-02 09:30


def test_date_calculations_edges():
    compare("optimize_date_calculations", pd.DataFrame({"due_date": pd.to_datetime(["2026-01-01"]),
                                                        "time_slot": ["08:00"]}), now=NOW)
    compare("optimize_date_calculations", pd.DataFrame({"order_date": [1, 2], "delivery_date": [3, 4]}), now=NOW)
    compare("optimize_date_calculations", pd.DataFrame({"due_date": pd.Series([], dtype=object)}), now=NOW)


@pytest.mark.parametrize("text", ["object", "str"])
@pytest.mark.parametrize("cols", [None, ["material_cost", "labor_cost"], ["material_cost", "missing_cost"], []])
def test_cost_calculation(text, cols):
    compare("optimize_cost_calculation", _mixed_frame(text), cols)


def test_cost_calculation_int_columns():
    df = pd.DataFrame({"material_cost": [1, 2], "labor_cost": [3, 4], "overhead_cost": [0, 1], "quantity": [0, 2]})
    out = compare("optimize_cost_calculation", df)
    assert out["cost_per_unit"].tolist() == [0.0, 3.5]


@pytest.mark.parametrize("text", ["object", "str"])
def test_aggregations(text):
    df = _mixed_frame(text)
    compare("optimize_aggregations", df, ["notes"], {"quantity": ["sum", "max"], "labor_cost": "mean"})
    compare("optimize_aggregations", df, ["notes", "paid"], {"quantity": "sum"})
    compare("optimize_aggregations", df.iloc[:0], ["notes"], {"quantity": "sum"})


def test_conditional_updates():
    df = _mixed_frame()
    conds = [(df["quantity"] > 5, "high"), (df["quantity"] > 0, "low")]
    compare("optimize_conditional_updates", df, conds, "band")
    compare("optimize_conditional_updates", df, [(df["quantity"] > 5, 1.0)], "labor_cost")
    compare("optimize_conditional_updates", df.iloc[:0], [], "band")


@pytest.mark.parametrize("text", ["object", "str"])
def test_memory_usage(text):
    df = _mixed_frame(text)
    df["i8"] = np.array([-128, 127, 0, 1])
    df["i16"] = np.array([-129, 5, 0, 1])
    df["i32"] = np.array([-(2 ** 31), 5, 0, 2 ** 31 - 1]).astype(np.int32)
    df["i64"] = np.array([2 ** 40, 5, 0, 1])
    df["f"] = [0.1, 1e300, np.nan, 2.0]
    df["f_small"] = [0.5, 0.25, np.nan, 2.0]
    out = compare("optimize_memory_usage", df)
    assert str(out["i8"].dtype) == "int8" and str(out["i16"].dtype) == "int16"


def test_memory_usage_zero_rows_with_text_raises_like_the_original():
    """A 0-row frame with text columns raises ZeroDivisionError (nunique / 0 rows) as the original does, for
    ``str`` columns as for ``object`` ones: under pandas 3 the original's ``select_dtypes('object')`` selects
    ``str`` columns too (a review reverted a skip of empty ``str`` columns that broke this parity)."""
    for dtype in ("str", object):
        compare("optimize_memory_usage", pd.DataFrame({"a": pd.Series([], dtype=dtype)}))
        with pytest.raises(ZeroDivisionError):
            DFO.optimize_memory_usage(pd.DataFrame({"a": pd.Series([], dtype=dtype)}))
    compare("optimize_memory_usage", pd.DataFrame({"a": pd.Series([], dtype=float)}))


@pytest.mark.parametrize("text", ["object", "str"])
@pytest.mark.parametrize("how", ["left", "inner", "outer", "right"])
def test_merge_operations(text, how):
    left = _mixed_frame(text)
    right = pd.DataFrame({"notes": pd.Series(["a", "b", "c"], dtype="str" if text == "str" else object),
                          "rank": [3, 1, 2]})
    compare("optimize_merge_operations", left, right, "notes", how=how)


def test_benchmark_optimization():
    df = pd.DataFrame({"allocated": [1.0, 2.0]})
    res = DFO.benchmark_optimization(DFO.optimize_planning_balance_calculation, df)
    assert set(res) == {"result", "execution_time_ms", "rows_processed"}
    assert res["rows_processed"] == 2 and res["execution_time_ms"] >= 0 and res["result"] is df
    assert DFO.benchmark_optimization(lambda: 5)["rows_processed"] == 0


@pytest.mark.parametrize("text", ["object", "str"])
def test_apply_all(text):
    df = _mixed_frame(text)
    out = compare("apply_all_optimizations", df, now=NOW)
    assert "planning_balance" in out.columns and "total_cost" in out.columns
    compare("apply_all_optimizations", df.iloc[:0], now=NOW)
    compare("apply_all_optimizations", df.drop(columns=["on_order"]), now=NOW)


# -------------------------------------------------------------------------------------- MemoryOptimizer


def _memory_frame(text="object"):
    df = pd.DataFrame({
        "i8_edge": np.array([-127, 126, 0, 0, 5, 5], dtype=np.int64),
        "i8_bound": np.array([-128, 1, 0, 0, 5, 5], dtype=np.int64),
        "small_int8": np.array([1, 2, 0, 0, 5, 5], dtype=np.int8),
        "edge_int8": np.array([-128, 2, 0, 0, 5, 5], dtype=np.int8),
        "i32": np.array([2 ** 31 - 1, 0, 0, 0, 5, 5], dtype=np.int64),
        "u8": np.array([1, 2, 0, 0, 5, 5], dtype=np.uint8),
        "f": [0.1, 70000.0, 0.0, 0.0, 5.0, 5.0],
        "f16ok": [0.1, 60000.0, 0.0, 0.0, 5.0, 5.0],
        "f_nan": [1.0, np.nan, np.nan, np.nan, np.nan, np.nan],
        "f_inf": [np.inf, 1.0, 0.0, 0.0, 5.0, 5.0],
        "f16": np.array([1.0, 2.0, 0.0, 0.0, 5.0, 5.0], dtype=np.float16),
        "zeros": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        "cat": ["a", "b", "a", "a", "x", "x"],
        "uniq": ["p", "q", "r", "s", "t", "t"],
        "nan_text": [None, np.nan, "a", "a", "b", "b"],
        "flag": [True, False, True, True, False, False],
        "when": pd.to_datetime(["2026-01-01"] * 4 + ["2026-01-02"] * 2),
    })
    for name in ("cat", "uniq", "nan_text"):
        df[name] = df[name].astype("str" if text == "str" else object)
    return df


@pytest.mark.parametrize("text", ["object", "str"])
@pytest.mark.parametrize("aggressive", [False, True])
def test_memory_optimizer(text, aggressive):
    out = compare("optimize_dataframe", _memory_frame(text), mem=True, aggressive=aggressive)
    assert len(out) == 5  # the last row duplicates the one before it
    assert str(out["i8_edge"].dtype) == "int8" and str(out["i8_bound"].dtype) == "int16"
    assert str(out["edge_int8"].dtype) == "int16"  # strict bounds upcast int8 -128: the original's quirk
    assert isinstance(out["zeros"].dtype, pd.SparseDtype)
    assert str(out["f16ok"].dtype) == ("float16" if aggressive else "float32")


@pytest.mark.parametrize("case", ["empty", "zero_rows", "unordered_category", "ordered_category", "nullable",
                                  "all_nan_float", "mixed_object", "one_row", "all_dups"])
def test_memory_optimizer_edges(case):
    df = _memory_frame()
    if case == "empty":
        df = pd.DataFrame()
    elif case == "zero_rows":
        df = df.iloc[:0]
    elif case == "unordered_category":
        df["c"] = pd.Categorical(["a"] * 6)
    elif case == "ordered_category":
        df["c"] = pd.Categorical(["a", "b"] * 3, ordered=True)
    elif case == "nullable":
        df["n"] = pd.array([1, None, 3, 4, 5, 5], dtype="Int64")
    elif case == "all_nan_float":
        df["f_nan"] = np.nan
    elif case == "mixed_object":
        df["m"] = pd.Series([1, "1", 1.0, None, "a", "a"], dtype=object)
    elif case == "one_row":
        df = df.iloc[:1]
    elif case == "all_dups":
        df = pd.concat([df.iloc[:1]] * 4, ignore_index=True)
    compare("optimize_dataframe", df, mem=True)


@FAST
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(1, 25), aggressive=st.booleans(),
       text=st.sampled_from(["object", "str"]))
def test_memory_optimizer_generated(seed, n, aggressive, text):
    rng = np.random.default_rng(seed)
    scale = rng.choice([1, 100, 40000, 2 ** 20, 2 ** 40])
    df = pd.DataFrame({"i": rng.integers(-scale, scale, n), "f": _nan_some(rng, rng.normal(0, scale, n), 0.3),
                       "z": np.where(rng.random(n) < 0.8, 0, rng.integers(0, 3, n)),
                       "t": pd.Series(rng.choice(["a", "b", "c", None], n), dtype=object)})
    if text == "str":
        df["t"] = df["t"].astype("str")
    compare("optimize_dataframe", df, mem=True, aggressive=aggressive)


# ------------------------------------------------------------------------- realistic sizes, fast path


@pytest.mark.parametrize("string_ids", [False, True])
def test_synthetic_frames_take_the_kernel_path(engine, string_ids):
    f = phase3_frames(3000, seed=2, string_ids=string_ids)
    bk_fast.reset_stats()
    compare("optimize_yarn_allocation", f["yarn"], f["orders"], engine=engine)
    compare("optimize_production_scheduling", f["work_orders"], f["capacity"], engine=engine, now=NOW)
    compare("optimize_bom_explosion", f["bom"], 12.5, engine=engine)
    inv = f["inventory"].drop(columns="planning_balance")
    compare("optimize_planning_balance_calculation", inv, engine=engine)
    compare("optimize_shortage_detection", f["inventory"], engine=engine)
    stats = bk_fast.stats()
    for name in ("optimize_yarn_allocation", "optimize_production_scheduling", "optimize_bom_explosion",
                 "optimize_planning_balance_calculation", "optimize_shortage_detection"):
        assert stats[name]["calls"] == 1 and stats[name]["fallback_calls"] == 0, (name, stats[name])


# ------------------------------------------------------------------------------ patch / disable / stats


def _original_service_class():
    class Service:
        calls = []

        @staticmethod
        def optimize_planning_balance_calculation(df):
            Service.calls.append("pb")
            return ODFO.optimize_planning_balance_calculation(df)

        @classmethod
        def benchmark_optimization(cls, func, *args, **kwargs):
            Service.calls.append("bench")
            return ODFO.benchmark_optimization(func, *args, **kwargs)

        def optimize_dataframe(self, df, deep=True, aggressive=False):
            Service.calls.append("mem")
            return OriginalMemoryOptimizer.optimize_dataframe(df, deep, aggressive)

        def unrelated(self):
            return "untouched"

    return Service


def test_patch_class_and_unpatch(monkeypatch):
    monkeypatch.delenv("BK_FAST_DISABLE", raising=False)
    Service = _original_service_class()
    raw = dict(vars(Service))
    patch(Service)
    assert set(Service._original_methods) == {"optimize_planning_balance_calculation", "benchmark_optimization",
                                              "optimize_dataframe"}
    df = pd.DataFrame({"allocated": [-1.0, np.nan]})
    out = Service.optimize_planning_balance_calculation(df)
    assert out is df and out["planning_balance"].tolist() == [-1.0, 0.0]
    assert Service().optimize_dataframe(pd.DataFrame({"a": [1, 1]})).shape == (1, 1)
    assert Service.benchmark_optimization(lambda: 3)["result"] == 3
    assert Service().unrelated() == "untouched"
    assert Service.calls == []  # no original ran
    assert patch(Service) is Service  # idempotent
    unpatch(Service)
    for name in ("optimize_planning_balance_calculation", "benchmark_optimization", "optimize_dataframe"):
        assert vars(Service)[name] is raw[name]
    assert not hasattr(Service, "_original_methods")
    Service.optimize_planning_balance_calculation(df)
    assert Service.calls == ["pb"]


def test_every_patched_method_carries_the_marker():
    # patch() documents `__bk_fast_patched__ = True` on every patched method however it is reached; before,
    # only a patched instance's methods and static methods had it, not a class's instance or class methods
    class Service:
        def optimize_planning_balance_calculation(self, df):
            return "instance"

        @classmethod
        def optimize_shortage_detection(cls, df):
            return "class"

        @staticmethod
        def optimize_memory_usage(df):
            return "static"

        optimize_dataframe = staticmethod(len)  # another callable

    names = ("optimize_planning_balance_calculation", "optimize_shortage_detection", "optimize_memory_usage",
             "optimize_dataframe")

    def marks(obj):
        return [getattr(getattr(obj, name), "__bk_fast_patched__", False) for name in names]

    assert marks(Service) == marks(Service()) == [False] * 4
    patch(Service)
    assert marks(Service) == marks(Service()) == [True] * 4
    unpatch(Service)
    assert marks(Service) == [False] * 4
    service = Service()
    patch(service)
    assert marks(service) == [True] * 4 and marks(Service) == [False] * 4
    unpatch(service)
    assert marks(service) == [False] * 4


def test_patch_the_original_class_directly():
    class DataFrameOptimizer(ODFO):
        pass

    patch(DataFrameOptimizer)
    assert len(DataFrameOptimizer._original_methods) == 14
    rng = np.random.default_rng(0)
    yarn, orders = _allocation_frames(rng, 20, "int")
    got = DataFrameOptimizer.optimize_yarn_allocation(yarn, orders)
    assert_frame_equal(got, ODFO.optimize_yarn_allocation(yarn, orders), check_exact=True)
    unpatch(DataFrameOptimizer)
    assert "optimize_yarn_allocation" not in vars(DataFrameOptimizer)  # inherited again


def test_patch_instance_and_disable_flag(monkeypatch):
    Service = _original_service_class()
    service = Service()
    patch(service)
    assert "optimize_dataframe" in vars(service)
    bk_fast.reset_stats()
    monkeypatch.setenv("BK_FAST_DISABLE", "1")
    service.optimize_dataframe(pd.DataFrame({"a": [1, 2]}))
    service.optimize_planning_balance_calculation(pd.DataFrame({"allocated": [1.0]}))
    assert Service.calls == ["mem", "pb"]
    monkeypatch.setenv("BK_FAST_DISABLE", "0")
    service.optimize_dataframe(pd.DataFrame({"a": [1, 2]}))
    assert Service.calls == ["mem", "pb"]
    s = bk_fast.stats()
    assert s["optimize_dataframe"]["original_calls"] == 1 and s["optimize_dataframe"]["calls"] == 1
    assert s["optimize_planning_balance_calculation"]["original_calls"] == 1
    unpatch(service)
    assert "optimize_dataframe" not in vars(service) and not hasattr(service, "_original_methods")


def test_stats_counts_rows_seconds_and_is_thread_safe():
    bk_fast.reset_stats()
    df = pd.DataFrame({"allocated": np.zeros(10)})

    def work():
        for _ in range(50):
            DFO.optimize_planning_balance_calculation(df.copy())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = bk_fast.stats()["optimize_planning_balance_calculation"]
    assert s["calls"] == 200 and s["rows"] == 2000 and s["seconds"] > 0
    import json
    json.dumps(bk_fast.stats())
    bk_fast.reset_stats()
    assert bk_fast.stats() == {}


def test_inputs_not_mutated_where_the_original_does_not():
    f = phase3_frames(200, seed=4)
    before = {k: v.copy(deep=True) for k, v in f.items()}
    DFO.optimize_yarn_allocation(f["yarn"], f["orders"])
    DFO.optimize_shortage_detection(f["inventory"])
    DFO.optimize_bom_explosion(f["bom"], 2.0, style_id="S1")
    for name in ("yarn", "orders", "inventory", "bom"):
        assert_frame_equal(f[name], before[name])


# ------------------------------------------------------------------ session 5 review: edge inputs


def _key_frames(order_ids, yarn_ids):
    """Allocation and scheduling inputs keyed by the given id arrays (dtypes kept)."""
    n = len(order_ids)
    orders = pd.DataFrame({"yarn_id": order_ids, "work_center_id": order_ids,
                           "required_quantity": np.arange(1.0, n + 1),
                           "quantity": np.arange(100.0, 100.0 * (n + 1), 100),
                           "priority": np.ones(n, dtype=np.int64),
                           "order_date": pd.date_range("2026-01-05", periods=n),
                           "due_date": pd.date_range("2026-01-05", periods=n)})
    m = len(yarn_ids)
    yarn = pd.DataFrame({"yarn_id": yarn_ids, "available_quantity": np.arange(50.0, 50.0 + 10 * m, 10)})
    capacity = pd.DataFrame({"work_center_id": yarn_ids, "available_hours": np.arange(1.0, m + 1)})
    return orders, yarn, capacity


@pytest.mark.parametrize("left, right", [
    # pandas' Index.get_indexer wraps signed ids into a narrower unsigned index: 2**24 + 1 was found as 1
    (np.array([2 ** 24 + 1, 1, 7, 2 ** 31 - 1], dtype=np.int32), np.array([1, 7], dtype=np.uint8)),
    (np.array([2 ** 40 + 1, 1, 7, 2 ** 40 + 7], dtype=np.int64), np.array([1, 7], dtype=np.uint16)),
    # the merge compares uint64 with int64 (and integers with floats) in float64: ids past 2**53 become equal
    # there (an original quirk, reproduced), while groupby still tells them apart
    (np.array([2 ** 63, 5, 2 ** 63 - 1, 2 ** 64 - 1], dtype=np.uint64), np.array([2 ** 63 - 1, 5], dtype=np.int64)),
    (np.array([2 ** 63 - 1, 5, -1, 2 ** 63 - 2], dtype=np.int64), np.array([2 ** 63, 5], dtype=np.uint64)),
    (np.array([2 ** 60, 2 ** 60 + 1, 7, 2 ** 60 + 2], dtype=np.int64), np.array([2.0 ** 60, 7.0])),
    (np.array([2.0 ** 60, 7.0, 3.0, 2.0 ** 60]), np.array([2 ** 60 + 1, 7], dtype=np.int64)),
    (np.array([16777217, 7, 16777216, 3], dtype=np.int64), np.array([16777216, 7], dtype=np.float32)),
])
def test_keys_of_different_numeric_dtypes_match_as_the_merge_does(engine, left, right):
    orders, yarn, capacity = _key_frames(left, right)
    compare("optimize_yarn_allocation", yarn, orders, engine=engine)
    compare("optimize_production_scheduling", orders, capacity, engine=engine, now=NOW)


class _SubFrame(pd.DataFrame):
    @property
    def _constructor(self):
        return _SubFrame


def _metadata(frame):
    return type(frame), dict(frame.attrs), frame.flags.allows_duplicate_labels


def _same_metadata(engine, method, *frames, **kwargs):
    """The drop-in's result carries the original's type, attrs and flags (assert_frame_equal does not compare
    attrs)."""
    expected = getattr(ODFO, method)(*copy.deepcopy(frames), **kwargs)
    with bk_fast.use_engine(engine):
        got = getattr(DFO, method)(*copy.deepcopy(frames), **kwargs)
    assert _metadata(got) == _metadata(expected), method
    assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("case", ["attrs_both", "attrs_orders", "no_dup_orders", "no_dup_right", "subclass"])
def test_allocation_and_scheduling_keep_frame_metadata(engine, case):
    orders, yarn, capacity = _key_frames(np.array([1, 2, 1, 3]), np.array([1, 2]))
    orders["priority"] = [2, 1, 1, 2]
    if case == "attrs_both":
        for frame in (orders, yarn, capacity):
            frame.attrs["source"] = "erp.xlsx"
    elif case == "attrs_orders":
        orders.attrs["source"] = "erp.xlsx"
    elif case == "no_dup_orders":
        orders.flags.allows_duplicate_labels = False
    elif case == "no_dup_right":
        yarn.flags.allows_duplicate_labels = False
        capacity.flags.allows_duplicate_labels = False
    else:
        orders = _SubFrame(orders)
    _same_metadata(engine, "optimize_yarn_allocation", yarn, orders)
    _same_metadata(engine, "optimize_production_scheduling", orders, capacity, now=NOW)
    _same_metadata(engine, "optimize_production_scheduling", orders, capacity.iloc[:0], now=NOW)


def test_shortage_keeps_the_no_duplicate_labels_flag(engine):
    df = pd.DataFrame({"planning_balance": [1.0, 5.0, np.nan], "min_stock": [2.0, 1.0, 3.0]})
    df.flags.allows_duplicate_labels = False
    _same_metadata(engine, "optimize_shortage_detection", df)


def test_empty_capacity_keeps_the_column_index():
    orders, _, capacity = _key_frames(np.array([1, 2, 1]), np.array([1, 2]))
    named = orders.copy()
    named.columns.name = "fields"
    compare("optimize_production_scheduling", named, capacity.iloc[:0], now=NOW)
    plain = orders.copy()
    plain.columns = pd.Index(list(plain.columns), dtype=object)
    compare("optimize_production_scheduling", plain, capacity.iloc[:0], now=NOW)


def _multi(frame, second="a"):
    frame = frame.copy()
    frame.columns = pd.MultiIndex.from_tuples([(name, second) for name in frame.columns])
    return frame


@pytest.mark.parametrize("second", ["a", ""])
def test_multiindex_columns_behave_as_the_original(engine, second):
    """A label that selects several columns of a MultiIndex reached the kernel paths as a DataFrame
    (AttributeError / TypeError where the original gives a result or another error)."""
    orders, yarn, capacity = _key_frames(np.array([1, 2, 1]), np.array([1, 2]))
    compare("optimize_planning_balance_calculation",
            _multi(pd.DataFrame({"allocated": [1.0, np.nan], "on_order": [1.0, 2.0]}), second), engine=engine)
    compare("optimize_shortage_detection",
            _multi(pd.DataFrame({"planning_balance": [1.0, np.nan], "min_stock": [2.0, 1.0]}), second),
            engine=engine)
    compare("optimize_bom_explosion", _multi(pd.DataFrame({"yarn_id": [1, 2, 1], "quantity_per": [1.0, 2.0, 3.0]}),
                                             second), 2.0, engine=engine)
    compare("optimize_yarn_allocation", _multi(yarn, second), _multi(orders, second), engine=engine)
    compare("optimize_production_scheduling", _multi(orders, second), capacity, engine=engine, now=NOW)
    compare("optimize_production_scheduling", _multi(orders, second), _multi(capacity, second), engine=engine,
            now=NOW)


def _same_as_original(method, *frames, mem=False, engine=None, **kwargs):
    """Drop-in and original on the very same input (no str -> object mapping): equal results and inputs after,
    or the same exception type. ``engine`` (a hot method's keyword, ``"pandas"`` included) goes to the drop-in
    only."""
    fast = getattr(MemoryOptimizer if mem else DFO, method)
    if engine is not None:
        fast = functools.partial(fast, engine=engine)
    slow = getattr(OriginalMemoryOptimizer if mem else ODFO, method)
    theirs, mine = copy.deepcopy(frames), copy.deepcopy(frames)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = slow(*theirs, **kwargs)
    except Exception as exc:
        with pytest.raises(type(exc)):
            fast(*mine, **kwargs)
        return
    got = fast(*mine, **kwargs)
    _check_frames(got, expected, f"{method} result")
    for a, e in zip(mine, theirs):
        _check_frames(a, e, f"{method} input after the call")


def test_string_dtype_with_pd_na_is_not_text_to_the_original():
    """pandas' opt-in ``string`` dtype (pd.NA) is not selected by ``select_dtypes('object')`` (pandas 2 or 3):
    the original leaves such columns alone (no strip, no upper, no date parsing, no category)."""
    def text(values):
        return pd.array(values, dtype="string")

    _same_as_original("optimize_string_operations",
                      pd.DataFrame({"yarn_id": text([" a ", None]), "unit_price": text(["$1,000", "2"])}))
    _same_as_original("optimize_date_calculations", pd.DataFrame({"order_date": text(["2026-01-05", None]),
                                                                  "delivery_date": text(["2026-01-09", "x"])}),
                      now=NOW)
    _same_as_original("optimize_date_calculations", pd.DataFrame({"due_date": text(["2026-01-05", None])}), now=NOW)
    low = pd.DataFrame({"code": text(["a", "a", "a", "b", None]), "qty": [1, 2, 3, 4, 5]})
    _same_as_original("optimize_memory_usage", low)
    _same_as_original("optimize_dataframe", low, mem=True)
    _same_as_original("apply_all_optimizations", low.assign(style_id=text([" s", "s", "s", "s", "s"])), now=NOW)
    # str columns (NaN as missing value) are the pandas-3 text the drop-in treats as object
    _same_as_original("optimize_memory_usage", low.astype({"code": "str"}))
    got = DFO.optimize_string_operations(pd.DataFrame({"yarn_id": pd.array([" a ", None], dtype="str")}))
    assert got["yarn_id"].tolist()[0] == "A"


@pytest.mark.parametrize("available, required", [
    ([5, 30], [3, 4, 3]),                          # every order found its yarn: int64 allocated_quantity
    ([2 ** 53, 2 ** 62], [2 ** 53 + 1, 4, 3]),     # compared as integers (as floats 2**53 + 1 <= 2**53)
    ([2 ** 53, 2 ** 62], [2 ** 53 - 1, 2 ** 62, 3]),
])
def test_allocation_integer_quantities_stay_integer(engine, available, required):
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": available})
    orders = pd.DataFrame({"yarn_id": [1, 2, 1], "required_quantity": required, "priority": [1, 1, 2],
                           "order_date": pd.date_range("2026-01-05", periods=3)})
    got = compare("optimize_yarn_allocation", yarn, orders, engine=engine)
    assert got["allocated_quantity"].dtype == np.int64
    compare("optimize_yarn_allocation", yarn, orders.iloc[:1], engine=engine)
    compare("optimize_yarn_allocation", yarn, orders.assign(yarn_id=[1, 2, 3]), engine=engine)  # one unknown


# ------------------------------------------------------------------- DOMAIN.md section 8: named contract cases


def test_contract_float16_bound_is_strict(engine):
    """MemoryOptimizer(aggressive): float16 only strictly within +-65504; 65504 itself goes to float32."""
    df = pd.DataFrame({"in": [65503.0, -65503.0, 0.5], "edge": [65504.0, 0.0, 1.0], "far": [1e6, 0.0, 1.0]})
    with bk_fast.use_engine(engine):
        out = MemoryOptimizer().optimize_dataframe(df.copy(), aggressive=True)
    assert out.dtypes.astype(str).tolist() == ["float16", "float32", "float32"]
    compare("optimize_dataframe", df, engine=engine, mem=True, aggressive=True)


def test_contract_planning_balance_coerces_with_to_numeric(engine):
    """Section 8 coerces with to_numeric(errors='coerce').fillna(0): '(5)' is 0 in the drop-in, where the ERP's
    inventory cleaning (section 2, bk_fast.planning_balance) reads it as -5."""
    inv = pd.DataFrame({"theoretical_balance": ["(5)", "10"], "allocated": [-1.0, 0.0], "on_order": [0.0, 2.0]})
    out = compare("optimize_planning_balance_calculation", inv, engine=engine)
    assert out["planning_balance"].tolist() == [-1.0, 12.0]
    erp = pd.DataFrame({"Theoretical Balance": ["(5)", "10"], "Allocated": [-1.0, 0.0], "On Order": [0.0, 2.0]})
    assert bk_fast.planning_balance(erp, engine=engine).tolist() == [-6.0, 12.0]


def test_contract_date_and_cost_names_in_any_case():
    """optimize_date_calculations parses object columns whose name contains 'date' or 'time' in any case, and
    apply_all_optimizations totals every column whose name contains 'cost' in any case ('Due Date',
    'Material Cost'), as the original's lower-cased name tests do."""
    df = pd.DataFrame({"Due Date": ["2026-03-05", "bad"], "Ship TIME": ["2026-03-01 10:00", None],
                       "Material Cost": ["1,000", "2"], "qty": [1.0, 2.0]}).astype({"Due Date": object})
    out = compare("optimize_date_calculations", df, now=NOW)
    assert out["Due Date"].dtype.kind == "M" and out["Ship TIME"].dtype.kind == "M"
    out = compare("apply_all_optimizations", df, now=NOW)
    assert "total_cost" in out.columns


def test_contract_production_scheduling_nan_rate_and_work_center():
    """optimize_production_scheduling: the default rate 100 applies only when the column is missing (a NaN
    production_rate gives NaN hours), and a NaN work center gives NaN cumulative hours and can_schedule False."""
    orders = pd.DataFrame({"order_id": [1, 2, 3], "quantity": [100.0, 200.0, 50.0], "production_rate": [50.0,
                           np.nan, 25.0], "priority": [1, 2, 3], "due_date": pd.to_datetime(["2026-03-05"] * 3),
                           "work_center_id": ["A", "A", np.nan]}).astype({"work_center_id": object})
    capacity = pd.DataFrame({"work_center_id": ["A"], "available_hours": [10.0]}).astype({"work_center_id": object})
    out = compare("optimize_production_scheduling", orders, capacity, now=NOW)
    assert out["production_hours"].isna().tolist() == [False, True, False]
    assert out["cumulative_hours"].isna().tolist() == [False, True, True]
    assert out["can_schedule"].tolist() == [True, False, False]


# ------------------------------------------------------------ audit fixes: string dtypes, merge keys, columns name


def _convert_dtypes_frame():
    """Money text and numbers as ``df.convert_dtypes()`` holds them: ``string`` (pd.NA), Float64, Int64."""
    return pd.DataFrame({"theoretical_balance": ["$1,326.67 ", "500", None], "allocated": [-120.0, np.nan, 1.0],
                         "on_order": [0, 10, 5]}).convert_dtypes()


@pytest.mark.parametrize("values", [["1.5", None, "x"], ["7", "-3", None], ["12", "4", "9"]])
def test_string_dtype_numbers_coerce_as_to_numeric_does(engine, values):
    """``to_numeric(errors='coerce').fillna(0)`` on a ``string`` (pd.NA) column gives nullable Float64/Int64,
    which the original writes back (planning_balance / total_cost follow): the drop-ins went through object and
    gave float64 (Float32 vs float32 after apply_all_optimizations' downcast)."""
    df = _convert_dtypes_frame()
    assert isinstance(df["theoretical_balance"].dtype, pd.StringDtype)
    for eng in (engine, "pandas"):
        _same_as_original("optimize_planning_balance_calculation", df, engine=eng)
        _same_as_original("optimize_planning_balance_calculation", df.assign(allocated=pd.array(values, "string")),
                          engine=eng)
    cost = pd.DataFrame({"material_cost": pd.array(values, dtype="string"), "labor_cost": [1.0, 2.0, 3.0],
                         "overhead_cost": [0.0, 0.0, 0.25], "quantity": [1, 0, 4]})
    with bk_fast.use_engine(engine):
        _same_as_original("optimize_cost_calculation", cost)
        _same_as_original("apply_all_optimizations", cost, now=NOW)
        _same_as_original("apply_all_optimizations", df.assign(unit_cost=pd.array(values, "string")), now=NOW)


_STR_PA = pd.StringDtype("pyarrow", na_value=np.nan) if HAVE_PYARROW else None
_STR_PY = pd.StringDtype("python", na_value=np.nan)
_PA = needs("pyarrow")


@pytest.mark.parametrize("left, right", [
    pytest.param(_STR_PA, object, marks=_PA), (_STR_PY, object), pytest.param(_STR_PA, _STR_PY, marks=_PA),
    pytest.param(_STR_PY, _STR_PA, marks=_PA), pytest.param(_STR_PA, "string[pyarrow]", marks=_PA),
    pytest.param("string[pyarrow]", _STR_PA, marks=_PA), ("string[python]", object),
    pytest.param("string[python]", "string[pyarrow]", marks=_PA),
])
@pytest.mark.parametrize("missing", [False, True])
def test_text_keys_of_different_dtypes_merge_to_object(engine, left, right, missing):
    """pandas' left merge on text keys of two different dtypes (``str`` vs ``object``, ``str`` vs ``string``,
    pyarrow vs python storage) gives an ``object`` key column; the kernel paths kept the orders' dtype."""
    ids = ["Y1", "Y2", None if missing else "Y1", "Y9"]  # Y9: no match
    orders, yarn, capacity = _key_frames(pd.Series(ids, dtype=left), pd.Series(["Y1", "Y2", "Y3"], dtype=right))
    orders["priority"] = [2, 1, 1, 2]
    _same_as_original("optimize_yarn_allocation", yarn, orders, engine=engine)
    _same_as_original("optimize_production_scheduling", orders, capacity, engine=engine, now=NOW)
    got = DFO.optimize_yarn_allocation(yarn, orders, engine=engine)
    assert got["yarn_id"].dtype == object and got["yarn_id"].tolist()[::3] == ["Y2", "Y9"]


@pytest.mark.parametrize("ids", [np.array([1, 2, 1, 3]), np.array(["W1", "W2", "W1", "W3"], dtype=object)])
def test_allocation_and_scheduling_keep_a_shared_columns_name(engine, ids):
    """The merge keeps ``columns.name`` when both frames carry the same one (frames out of rename_axis or a
    pivot), and drops it otherwise; the kernel paths always dropped it."""
    orders, yarn, capacity = _key_frames(ids, ids[:2])
    for left_name, right_name in (("fields", "fields"), ("fields", "other"), ("fields", None), (None, "fields")):
        o = orders.rename_axis(columns=left_name)
        y, c = yarn.rename_axis(columns=right_name), capacity.rename_axis(columns=right_name)
        _same_as_original("optimize_yarn_allocation", y, o, engine=engine)
        _same_as_original("optimize_production_scheduling", o, c, engine=engine, now=NOW)
    got = DFO.optimize_yarn_allocation(yarn.rename_axis(columns="fields"), orders.rename_axis(columns="fields"),
                                       engine=engine)
    assert got.columns.name == "fields"


@pytest.mark.parametrize("engine", ["cython", "numba", "numpy"])
@pytest.mark.parametrize("name", [np.nan, pd.NaT])
def test_a_shared_missing_columns_name_is_kept(engine, name):
    """A NaN or NaT columns.name both frames share was dropped by the kernel paths (NaN != NaN), where
    pandas' merge keeps it (fourth review of session 11)."""
    if not engine_status(engine).available:
        pytest.skip(f"{engine} engine unavailable: {engine_status(engine).reason}")
    orders = pd.DataFrame({"yarn_id": [1, 2, 1], "required_quantity": [1.0, 2.0, 3.0], "priority": [1, 1, 2],
                           "order_date": pd.date_range("2026-01-05", periods=3)})
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [5.0, 1.0]})
    orders.columns = orders.columns.set_names([name])
    yarn.columns = yarn.columns.set_names([name])
    want = ODFO.optimize_yarn_allocation(yarn.copy(), orders.copy())
    got = bk_fast.compat.DataFrameOptimizer.optimize_yarn_allocation(yarn, orders, engine=engine)
    assert_frame_equal(got, want)
    assert pd.isna(got.columns.name) and got.columns.name is not None


def _unpacked(frame):
    return frame.astype({name: "str" for name, dtype in frame.dtypes.items() if dtype.name == "packed_str"})


@pytest.mark.parametrize("method", ["optimize_date_calculations", "optimize_string_operations",
                                    "optimize_memory_usage", "apply_all_optimizations", "optimize_dataframe"])
def test_packed_text_columns_are_text_as_their_str_columns(method):
    """Packed ``str`` columns (``bk_fast.optimize_memory(pack=True)``) were not text to the drop-ins:
    optimize_date_calculations left the dates packed and subtracted them (TypeError), optimize_string_operations
    neither stripped nor upper-cased them, the memory drop-ins made no category of them. Now the drop-ins give
    the packed frame the str frame's result (the str frame's as the original's), text results staying packed."""
    pytest.importorskip("pyarrow")
    from bk_fast._packed import pack_strings

    mem = method == "optimize_dataframe"
    frame = _memory_frame("str") if mem else _mixed_frame("str")
    if method in ("optimize_memory_usage", "optimize_dataframe"):  # text columns of few distinct values
        frame = pd.concat([frame] * 3, ignore_index=True)
    packed = frame.assign(**{name: pack_strings(frame[name]) for name in _str_columns(frame)})
    kwargs = {} if method in ("optimize_string_operations", "optimize_memory_usage") or mem else {"now": NOW}
    want = compare(method, frame, mem=mem, **kwargs)
    got = getattr(MemoryOptimizer if mem else DFO, method)(packed, **kwargs)
    _check_frames(_unpacked(got), want, method)
    still_text = [name for name, dtype in want.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    assert all(got[name].dtype.name == "packed_str" for name in still_text), got.dtypes


def test_threads_patching_at_once_keep_the_originals():
    """Threads patching one service at once both found it unpatched, and one saved the other's bk_fast methods
    as the 'originals': unpatch then restored bk_fast (42 of 100 runs; compat audit, session 12). patch and
    unpatch hold a lock."""
    import sys
    import threading

    from bk_fast.compat import patch, unpatch

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(60):
            class Service:
                @staticmethod
                def optimize_planning_balance_calculation(df):
                    return "original"

            raw = vars(Service)["optimize_planning_balance_calculation"]
            barrier = threading.Barrier(4)

            def go(act):
                barrier.wait()
                act(Service)

            for act in (patch, unpatch):
                threads = [threading.Thread(target=go, args=(act,)) for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            assert vars(Service)["optimize_planning_balance_calculation"] is raw
            assert "_original_methods" not in vars(Service)
    finally:
        sys.setswitchinterval(old)


def _hot_fallback_calls():
    """One call per hot method on valid input that takes the plain pandas path (int / nullable dtypes,
    duplicate inventory keys) and one on input that takes the kernel path, ``engine`` left open."""
    ts = pd.Timestamp("2026-01-01")
    orders = pd.DataFrame({"yarn_id": [1], "required_quantity": [1.0], "priority": [1], "order_date": [ts]})
    work = pd.DataFrame({"work_center_id": [1], "quantity": [1.0], "priority": [1], "due_date": [ts]})
    cap = pd.DataFrame({"work_center_id": [1], "available_hours": [1.0]})
    return {
        "planning_balance": (lambda e: DFO.optimize_planning_balance_calculation(
            pd.DataFrame({"allocated": [1, 2]}), engine=e),
            lambda e: DFO.optimize_planning_balance_calculation(pd.DataFrame({"allocated": [1.0]}), engine=e)),
        "shortage": (lambda e: DFO.optimize_shortage_detection(
            pd.DataFrame({"planning_balance": [1.0], "min_stock": pd.array([2.0], "Float64")}), engine=e),
            lambda e: DFO.optimize_shortage_detection(
                pd.DataFrame({"planning_balance": [1.0], "min_stock": [2.0]}), engine=e)),
        "bom": (lambda e: DFO.optimize_bom_explosion(
            pd.DataFrame({"yarn_id": [1, 1], "quantity_per": pd.array([0.5, 0.5], "Float64")}), 2.0, engine=e),
            lambda e: DFO.optimize_bom_explosion(
                pd.DataFrame({"yarn_id": [1, 1], "quantity_per": [0.5, 0.5]}), 2.0, engine=e)),
        "allocation": (lambda e: DFO.optimize_yarn_allocation(
            pd.DataFrame({"yarn_id": [1, 1], "available_quantity": [1.0, 2.0]}), orders, engine=e),
            lambda e: DFO.optimize_yarn_allocation(
                pd.DataFrame({"yarn_id": [1], "available_quantity": [1.0]}), orders, engine=e)),
        "scheduling": (lambda e: DFO.optimize_production_scheduling(
            work.astype({"quantity": "Float64"}), cap, engine=e, now=ts),
            lambda e: DFO.optimize_production_scheduling(work.copy(), cap, engine=e, now=ts)),
    }


@pytest.mark.parametrize("method", sorted(_hot_fallback_calls()))
@pytest.mark.parametrize("bad, error", [("cyton", ValueError), (42, TypeError)])
def test_unknown_engine_is_rejected_whichever_path_the_data_takes(method, bad, error):
    """A misspelt ``engine=`` was accepted silently when the frame's dtypes sent the call to the plain pandas
    path, and raised on the kernel path (compat audit): now both raise the kernel path's error."""
    fallback, kernel = _hot_fallback_calls()[method]
    with pytest.raises(error, match="engine") as on_kernel:
        kernel(bad)
    with pytest.raises(error, match="engine") as on_fallback:
        fallback(bad)
    assert str(on_fallback.value) == str(on_kernel.value)
    assert isinstance(fallback("pandas"), pd.DataFrame) and isinstance(fallback(None), pd.DataFrame)


def _sparse_text(values):
    return pd.arrays.SparseArray(values, dtype=pd.SparseDtype(object, fill_value=np.nan))


@pytest.mark.parametrize("method", ["optimize_memory_usage", "optimize_string_operations",
                                    "optimize_date_calculations", "apply_all_optimizations", "optimize_dataframe"])
def test_sparse_object_columns_are_text_as_select_dtypes_says(method):
    """``select_dtypes('object')`` selects ``Sparse[object]`` columns, so the DataFrameOptimizer original makes a
    low-cardinality one a category, parses a sparse date column and raises AttributeError stripping one (``.str``
    on sparse); the drop-in left them alone (``is_text`` tested ``dtype == object``; compat audit). The
    MemoryOptimizer original tests ``dtype == 'object'`` itself and keeps them sparse, as the drop-in does."""
    df = pd.DataFrame({"code": _sparse_text(["a", "a", "a", "a", np.nan]),
                       "order_date": _sparse_text(["2026-01-05", np.nan, "x", "2026-01-06", "2026-01-06"]),
                       "v": [1.0, 2.0, 3.0, 4.0, 5.0]})
    kwargs = {"now": NOW} if method in ("optimize_date_calculations", "apply_all_optimizations") else {}
    _same_as_original(method, df, mem=method == "optimize_dataframe", **kwargs)
    if method == "optimize_memory_usage":
        _same_as_original(method, df.iloc[:0])  # 0 rows: ZeroDivisionError, as for object text


# --------------------------------------------------------------------- int / float key merge warning (compat2)


def _merge_warnings(func, *args, **kwargs) -> list:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        func(*args, **kwargs)
    return [(w.category, str(w.message)) for w in seen]


@pytest.mark.parametrize("ids", [[1.5, 2.0], [1.0, 2.0]], ids=["not-whole", "whole"])
def test_int_float_key_merge_warning_as_the_original(ids):
    # the original's left merge of float ids beside integer ids warns (pandas' UserWarning) exactly when a float
    # id is not whole; the kernel path cast the keys and dropped it
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [10.0, 5.0]})
    orders = pd.DataFrame({"yarn_id": ids, "required_quantity": [3.0, 4.0], "priority": [1, 1],
                           "order_date": pd.to_datetime(["2026-01-05", "2026-01-06"])})
    cap = pd.DataFrame({"work_center_id": [1, 2], "available_hours": [10.0, 5.0]})
    jobs = pd.DataFrame({"work_center_id": ids, "quantity": [300.0, 400.0], "priority": [1, 1],
                         "due_date": pd.to_datetime(["2026-01-05", "2026-01-06"])})
    want_yarn = _merge_warnings(ODFO.optimize_yarn_allocation, yarn.copy(), orders.copy())
    want_jobs = _merge_warnings(ODFO.optimize_production_scheduling, jobs.copy(), cap.copy(), now=NOW)
    inexact = ("You are merging on int and float columns where the float values are not equal to their int "
               "representation.")
    assert want_yarn == want_jobs == ([(UserWarning, inexact)] if ids[0] == 1.5 else [])
    for engine in [e for e in ENGINES if engine_status(e).available]:
        assert _merge_warnings(DFO.optimize_yarn_allocation, yarn.copy(), orders.copy(), engine=engine) == want_yarn
        assert _merge_warnings(DFO.optimize_production_scheduling, jobs.copy(), cap.copy(), engine=engine,
                               now=NOW) == want_jobs


@pytest.mark.parametrize("method", ["yarn", "jobs"])
def test_float16_keys_raise_as_the_original(method):
    # the original's merge on a float16 key raises pandas' NotImplementedError ('float16 indexes are not
    # supported'); the kernel path took float16 as any float key and answered
    ids = pd.Series([1.0, 2.0], dtype="float16")
    if method == "yarn":
        orders = pd.DataFrame({"yarn_id": ids, "required_quantity": [3.0, 4.0], "priority": [1, 1],
                               "order_date": pd.to_datetime(["2026-01-05", "2026-01-06"])})
        args = (pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [10.0, 5.0]}), orders)
        original, mine, kwargs = ODFO.optimize_yarn_allocation, DFO.optimize_yarn_allocation, {}
    else:
        jobs = pd.DataFrame({"work_center_id": ids, "quantity": [300.0, 400.0], "priority": [1, 1],
                             "due_date": pd.to_datetime(["2026-01-05", "2026-01-06"])})
        args = (jobs, pd.DataFrame({"work_center_id": [1, 2], "available_hours": [10.0, 5.0]}))
        original, mine, kwargs = ODFO.optimize_production_scheduling, DFO.optimize_production_scheduling, {"now": NOW}
    with pytest.raises(NotImplementedError, match="float16") as want:
        original(*copy.deepcopy(args), **kwargs)
    for engine in [e for e in ENGINES if engine_status(e).available]:
        with pytest.raises(NotImplementedError) as got:
            mine(*copy.deepcopy(args), engine=engine, **kwargs)
        assert str(got.value) == str(want.value)


# ------------------------------------------------------ string operations on mostly non-ASCII str (compat2)


@needs("pyarrow")
def test_string_operations_on_mostly_non_ascii_str_keep_arrow_and_the_original_answers():
    # every value holding a non-ASCII byte was redone in Python and compared: 2-2.5x the original's time when most
    # values were like " Müller1 " (Arrow and Python agree on "ü"); now only characters they answer otherwise on
    # ("ß" upper-cased, in id columns only) are redone, and past _ODD_SHARE of a column the whole goes via object
    import time

    from bk_fast.compat._frames import odd_rows

    rng = np.random.default_rng(0)
    n = 40_000
    pattern = np.where(rng.random(n) < 0.95, " Müller%d ", " Muller%d ")
    values = [p % i for i, p in enumerate(pattern)]
    frame = pd.DataFrame({"customer_id": pd.Series(values, dtype="str"), "note": pd.Series(values, dtype="str")})
    assert odd_rows(frame["customer_id"]).size == 0

    def best(func, data):
        times = []
        for _ in range(3):
            df = data.copy()
            start = time.process_time()
            func(df)
            times.append(time.process_time() - start)
        return min(times)

    mine, original = best(DFO.optimize_string_operations, frame), best(ODFO.optimize_string_operations,
                                                                          frame.astype(object))
    assert mine <= original, f"drop-in {mine:.3f} s against the original's {original:.3f} s"
    mixed = ["  straße ", " Müller ", None, "ŉx\u00a0", "ﬁ,$1", " ǅ\x1c", "中 ", "Ǆ"] * 3
    for share in (1, 7, 24):  # below and above _ODD_SHARE
        col = pd.Series(mixed[:share] + ["Muller"] * (24 - share), dtype="str")
        frame = pd.DataFrame({"paid_id": col, "note": col, "price": col})
        want = _str_back(ODFO.optimize_string_operations(_as_object(frame)), ["paid_id", "note", "price"])
        assert_frame_equal(DFO.optimize_string_operations(frame.copy()), want)


def test_dense_sort2_refuses_a_step_that_does_not_divide_a_key(engine):
    # dense_sort2 / _sort_codes2 (reference.compat): "Returns 1, or 0 when some k - lo is not a multiple
    # of step (the caller picked a wrong step)": sort_order samples the step from the first 4096 values and
    # relies on that 0 to retry with the exact gcd (else rows would share a wrong bucket, keys rebuilt wrong).
    def sort2(k1, lo1, step1, span1, k2, lo2, step2, span2):
        n = len(k1)
        codes, dest, perm = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
        bounds = np.zeros((span1 + 1) * (span2 + 1) + 1, np.int64)
        ok = resolve("dense_sort2", engine)(np.array(k1, np.int64), lo1, step1, span1, np.empty(0, np.uint8),
                                            np.array(k2, np.int64), lo2, step2, span2, np.empty(0, np.uint8),
                                            codes, bounds, dest, perm)
        return ok, codes.tolist(), perm.tolist(), bounds.tolist()

    assert sort2([0, 3, 2], 0, 2, 2, [0, 0, 0], 0, 1, 0)[0] == 0  # 3 - 0 is no multiple of 2
    assert sort2([1, 4, 5], 1, 2, 3, [0, 0, 0], 0, 1, 0)[0] == 0  # 4 - 1 is none either
    assert sort2([0, 0, 0], 0, 1, 0, [5, 5, 8], 5, 2, 2)[0] == 0  # the second key: 8 - 5
    # a step that divides them all is taken: [0, 4, 2] with step 2 -> ranks [0, 2, 1]
    assert sort2([0, 4, 2], 0, 2, 2, [0, 0, 0], 0, 1, 0) == (1, [0, 2, 1], [0, 2, 1], [1, 2, 3, 3])


def test_hours_end_leaves_a_million_hours_and_beyond_to_pandas(engine):
    # hours_end (reference.compat): status 2 when a value is infinite or at least MAX_HOURS = 1e6 hours
    # from the start (|h| >= 1e6: the reference's and the compiled engines' bound), so the caller uses
    # pandas there; just below it the kernel answers itself, exactly as pandas does.
    start = pd.Timestamp("2026-03-02 09:30:00")
    for hours, status in (([0.5, 1e6], 2), ([0.5, -1e6], 2), ([0.5, np.inf], 2), ([0.5, 999_999.5], 0)):
        hours = np.array(hours)
        end = np.empty(len(hours), np.int64)
        assert resolve("hours_end", engine)(hours, start.value, end) == status, hours
        if status == 0:
            want = pd.Series(start, index=range(len(hours))) + pd.to_timedelta(pd.Series(hours), unit="h")
            np.testing.assert_array_equal(end.view("datetime64[ns]"), want.to_numpy())


def test_keyed_kernels_read_every_negative_code_as_a_missing_key(engine):
    # allocation_keyed / capacity_keyed (reference.compat): the group of a row is keys - base, "negative:
    # missing key" -> NaN available, NaN running sum, never fulfilled; not only -1: key 7 with base 10 is -3,
    # which must not read the table from its end (avail_by_code[-3] = 100.0 here).
    req = np.array([5.0, 5.0, 5.0, 5.0])
    keys = np.array([7, 10, 8, 12], dtype=np.int64)
    table = np.array([100.0, 50.0, 20.0])
    avail, cum, can, alloc = np.empty(4), np.empty(4), np.empty(4, bool), np.empty(4)
    resolve("allocation_keyed", engine)(req, keys, 10, table, avail, cum, can.view(np.uint8), alloc)
    np.testing.assert_array_equal(avail, [np.nan, 100.0, np.nan, 20.0])
    np.testing.assert_array_equal(cum, [np.nan, 5.0, np.nan, 5.0])
    np.testing.assert_array_equal(can, [False, True, False, True])
    np.testing.assert_array_equal(alloc, [np.nan, 5.0, np.nan, 5.0])
    ok = np.empty(4, bool)
    resolve("capacity_keyed", engine)(req, keys, 10, table, avail, cum, ok.view(np.uint8))
    np.testing.assert_array_equal(avail, [np.nan, 100.0, np.nan, 20.0])
    np.testing.assert_array_equal(cum, [np.nan, 5.0, np.nan, 5.0])
    np.testing.assert_array_equal(ok, [False, True, False, True])

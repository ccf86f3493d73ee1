"""bk_fast.io: the number-parsing kernel (every engine = Python's float() of the ERP-cleaned text) and
read_erp / read_exports (header finding, BOM mark, aliases, kinds, dates, chunks, the write_exports round trip)."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io as stdio
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bk_fast
from bk_fast import io as bkio
from bk_fast._columns import canonical
from bk_fast._engine import ENGINES, engine_status, resolve
from bk_fast._progress import Bar, wanted
from bk_fast._kernels.reference.parse import (
    _JUNK, JUNK, STATUS_DEFER, STATUS_LONG, clean_float, clean_float_ascii, clean_text)
from bk_fast.datasets import make_mill, write_exports

from _optional import ARROW, HAVE_PYARROW, needs, param

try:
    import pyarrow as pa
except ImportError:  # (the tests of pyarrow's paths are skipped: _optional)
    pa = None


def oracle(values) -> np.ndarray:
    """Python's float() of the ERP-cleaned text; numbers as numbers; missing / empty / unparsable NaN."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append(np.nan)
        elif isinstance(v, str):
            out.append(clean_float(v)[0])
        else:
            out.append(float(v))
    return np.array(out, dtype=np.float64)


def same_bits(a, b) -> bool:
    """Equal as IEEE values bit for bit (so -0.0 != 0.0), any NaN equal to any NaN."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    nan = np.isnan(a)
    return bool(np.array_equal(nan, np.isnan(b)) and np.array_equal(a[~nan].view(np.int64), b[~nan].view(np.int64)))


HAND = [
    "$1,326.67 ", "1,200.0", "($2,183.40)", "(2,183.40)", "$0.00 ", "", "   ", "\t\n", "()", "( )", "(5", "5)",
    "-0", "(0)", "+0.0", "inf", "-Infinity", "+INF", "nan", "NaN", "-nan", "infinit", "infinityy", "1e5",
    "1.e5", ".5", "5.", ".", "-.", "1e", "1e+", "1e-5", "1E+05", "e5", "abc", "n/a", "N/A", "--5", "+-5", "(-5)",
    "-(5)", "$ ( 1 , 000 ) ", "1 234", "1\xa0234", "\xa0(12)\xa0", "1_000", "1__000", "_1", "１２", "٣.٥",
    "12\u20093", "(5)\u2009", "12345678901234567890", "123456789012345678", "0.1", "0.30000000000000004",
    "1e300", "1e-300", "1e400", "1e-400", "9007199254740993", "9007199254740992", "123456789e30", "1e22",
    "3e37", "1e23", "3e300", "0e99999999", "00000000000000000000001.5", "1.50000000000000000000000", "1,2,3",
    "1.2.3", "$$5", "5$", "0x10", "1e5.5", "١", "\x00", "1\x005", "é", "12é",
]


def test_clean_text_is_the_erp_cleaning():
    assert clean_text(" ($2,183.40) ") == "-2183.40"
    assert clean_text("$1,326.67 ") == "1326.67"
    assert clean_text("((5))") == "-(5)"
    assert clean_float("") == (pytest.approx(np.nan, nan_ok=True), 1)


def test_hand_cases_equal_python_float(engine):
    out = bkio.parse_numbers(HAND, engine=engine)
    assert same_bits(out, oracle(HAND)), [(s, a, b) for s, a, b in zip(HAND, out, oracle(HAND))
                                          if not same_bits([a], [b])]


def test_erp_examples(engine):
    out = bkio.parse_numbers(pd.Series(["$1,326.67 ", "1,200.0", "($2,183.40)"]), engine=engine)
    assert out.tolist() == [1326.67, 1200.0, -2183.4]


def _buffer(strings):
    enc = [s.encode("utf-8", "surrogatepass") for s in strings]
    offsets = np.zeros(len(enc) + 1, np.int64)
    offsets[1:] = np.cumsum([len(e) for e in enc])
    return np.frombuffer(b"".join(enc) or b"\0", np.uint8), offsets


def test_kernel_statuses_match_the_reference(fast_engine):
    data, offsets = _buffer(HAND)
    ref_out, ref_st = np.empty(len(HAND)), np.empty(len(HAND), np.int8)
    assert resolve("parse_number_text", "numpy")(data, offsets, ref_out, ref_st) == 0
    out, st_ = np.empty(len(HAND)), np.empty(len(HAND), np.int8)
    deferred = resolve("parse_number_text", fast_engine)(data, offsets, out, st_)
    assert deferred == int((st_ >= STATUS_DEFER).sum()) > 0
    # the kernel decides every row itself (non-ASCII text, "_", "12\u20093" included) ...
    assert not (st_ == STATUS_DEFER).any()
    keep = st_ < STATUS_DEFER
    np.testing.assert_array_equal(st_[keep], ref_st[keep])
    assert same_bits(out[keep], ref_out[keep])
    # ... but valid ASCII numbers beyond the exact fast path, which the ASCII resolver gets right
    long = np.flatnonzero(st_ == STATUS_LONG)
    assert {HAND[i] for i in long} >= {"1e400", "12345678901234567890", "9007199254740993", "3e300"}
    for i in long:
        assert ref_st[i] == 0 and same_bits([clean_float_ascii(HAND[i])[0]], [ref_out[i]])
    # plain money text is never deferred
    assert not (~keep)[[HAND.index("$1,326.67 "), HAND.index("($2,183.40)"), HAND.index("1\xa0234")]].any()


def test_junk_is_every_character_the_cleaning_removes():
    """JUNK (what the compiled engines skip, io's RE2 class, clean_float_ascii's table) is exactly what the
    cleaning's regular expression removes, over every code point."""
    every = "".join(map(chr, range(0x110000)))
    assert sorted(set(_JUNK.findall(every))) == sorted(JUNK)
    assert {c for c in every if c.isspace()} == set(JUNK) - {"$", ","}


def test_kernel_decides_non_ascii_text(fast_engine):
    """Regression: the compiled engines left every string holding a non-ASCII byte to clean_float, one by one in
    Python (~6 s for 10^6 ids like " müller-12 "). A non-ASCII character is either whitespace, which the cleaning
    removes, or left in the cleaned text, which is then invalid: every code point U+0080-U+FFFF (surrogates
    passed through), astral ones and invalid bytes, alone, inside a number and around a negative, is decided in
    the kernel as the reference decides it."""
    cps = [chr(c) for c in range(0x80, 0x10000)] + ["\U0001f600", "\U0010ffff"]
    texts = cps + ["1" + c + "2" for c in cps] + [c + "($1," + c + "234)" + c for c in cps]
    odd = [b"1\xe2\x802", b"1\xe2\x80", b"\xc2", b"1\xa02", b"\xe2\xe2\x80\x80", b"1\xff2", b"\xed\xa0\x80"]
    raws = [t.encode("utf-8", "surrogatepass") for t in texts] + odd
    offsets = np.zeros(len(raws) + 1, np.int64)
    offsets[1:] = np.cumsum([len(r) for r in raws])
    out, status = np.empty(len(raws)), np.empty(len(raws), np.int8)
    data = np.frombuffer(b"".join(raws), np.uint8)
    assert resolve("parse_number_text", fast_engine)(data, offsets, out, status) == 0
    # the reference (clean_float, too slow for all here): a character the cleaning removes, or one left in the
    # cleaned text, which is then invalid; the invalid bytes as clean_float reads them
    space = np.array([c in JUNK for c in cps])
    assert space.sum() == 19 and clean_float("1\u20092") == (12.0, 0) and clean_float("1\xe92")[1] == 2
    ref = [clean_float(r.decode("utf-8", "surrogateescape")) for r in odd]
    expected = np.concatenate([np.full(len(cps), np.nan), np.where(space, 12.0, np.nan),
                               np.where(space, -1234.0, np.nan), [value for value, _ in ref]])
    codes = np.concatenate([np.where(space, 1, 2), np.where(space, 0, 2), np.where(space, 0, 2),
                            [code for _, code in ref]])
    np.testing.assert_array_equal(status, codes)
    assert same_bits(out, expected)


@pytest.mark.parametrize("dtype", ["object", "str", param("arrow", "pyarrow")])
def test_non_ascii_text_is_parsed_without_python(engine, dtype, monkeypatch):
    """Regression (see test_kernel_decides_non_ascii_text): non-ASCII whitespace around or inside a number reads
    as the number, a non-ASCII letter makes the text invalid, in every engine, with no per-row clean_float call
    in the compiled ones; ids like " müller-12 " stay text in normalize_ids(kind="yarn")."""
    texts = ["\u20091\u2009234\u2009", "\u3000($1,234.50)\u3000", "1\u202f000", "\x85(\xa05)\u2028", "\u2029",
             "1e\u16805", "in\u205ff", " müller-12 ", "12ü", "1_000", "１２", "12\u200b3", "ü", "(5)\u3000x"]
    texts += ["1234567890123456789\u2009" + str(i) for i in range(40)]  # (beyond the fast path, in bulk)
    expected = oracle(texts)
    assert same_bits(expected[:14], [1234, -1234.5, 1000, -5, np.nan, 1e5, np.inf] + [np.nan] * 7)
    if engine != "numpy":
        def python(text):
            raise AssertionError(f"clean_float called on {text!r}")
        monkeypatch.setattr(bkio, "clean_float", python)
        monkeypatch.setattr("bk_fast._kernels.reference.parse.clean_float", python)
    values = pd.Series(texts, dtype=pd.ArrowDtype(pa.string()) if dtype == "arrow" else dtype)
    assert same_bits(bkio.parse_numbers(values, engine=engine), expected)
    ids = bk_fast.normalize_ids(pd.Series([" müller-12 ", "1\u2009234", "\u3000 18767 "], dtype=values.dtype),
                                engine=engine)
    assert ids.tolist() == ["MÜLLER-12", "1234", "18767"]


ALPHABET = st.sampled_from(list("0123456789") * 3 + list("$,. ()+-eE_") + ["\xa0", "\u2009", "i", "n", "f",
                                                                              "a", "t", "y", "x", "１", "٣"])
TEXT = st.one_of(st.text(ALPHABET, max_size=14), st.text(max_size=6))


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, max_size=20))
def test_generated_text_equals_python_float(engine, strings):
    assert same_bits(bkio.parse_numbers(strings, engine=engine), oracle(strings))


NUMBER = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=60, deadline=None)
@given(st.lists(NUMBER, max_size=15), st.sampled_from(["repr", "money", "comma", "e"]))
def test_formatted_numbers_round_trip(engine, xs, style):
    if style == "repr":
        text = [repr(x) for x in xs]  # shortest repr: parses back to the same double
    elif style == "money":
        text = [(f"(${-x:,.2f})" if x < 0 else f"${x:,.2f} ") for x in xs]
    elif style == "comma":
        text = [f"{x:,.6f}" for x in xs]
    else:
        text = [f"{x:.17e}" for x in xs]
    out = bkio.parse_numbers(text, engine=engine)
    assert same_bits(out, oracle(text))
    if style == "repr":
        assert same_bits(out, np.array(xs, dtype=np.float64))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.decimals(allow_nan=False, allow_infinity=False, places=2,
                            min_value=-10 ** 12, max_value=10 ** 12), max_size=30))
def test_two_decimal_money_is_exact(engine, amounts):
    text = [f"{d:,}" for d in amounts]
    assert same_bits(bkio.parse_numbers(text, engine=engine), [float(str(d)) for d in amounts])


def test_input_kinds(engine):
    s = pd.Series(["$1.50 ", None, "(2)"], index=[7, 3, 9], name="Cost/Pound")
    before = s.copy(deep=True)
    out = bkio.parse_numbers(s, engine=engine)
    pd.testing.assert_series_equal(s, before)  # not mutated
    assert isinstance(out, pd.Series) and out.name == "Cost/Pound" and out.index.tolist() == [7, 3, 9]
    assert same_bits(out, [1.5, np.nan, -2.0])
    # object column mixing text, numbers and missing values
    mixed = np.array(["1,000", 5, 2.5, None, np.nan, "x", True], dtype=object)
    assert same_bits(bkio.parse_numbers(mixed, engine=engine), [1000, 5, 2.5, np.nan, np.nan, np.nan, 1.0])
    # numeric input passes through; NumPy unicode arrays; categoricals parse each category once
    assert same_bits(bkio.parse_numbers(np.array([1, 2]), engine=engine), [1.0, 2.0])
    assert same_bits(bkio.parse_numbers(np.array(["1", "(2)"]), engine=engine), [1.0, -2.0])
    cat = pd.Series(pd.Categorical(["$1 ", None, "$1 ", "(3)"]))
    assert same_bits(bkio.parse_numbers(cat, engine=engine), [1.0, np.nan, 1.0, -3.0])
    assert bkio.parse_numbers([], engine=engine).shape == (0,)
    assert same_bits(bkio.parse_numbers(pd.Series(["1", "2"], dtype="string[python]"), engine=engine), [1, 2])
    assert same_bits(bkio.parse_numbers(pd.Series([1, None], dtype="Int64"), engine=engine), [1, np.nan])


@needs("pyarrow")
def test_arrow_chunks_and_slices(engine):
    chunked = pa.chunked_array([pa.array(["1", None, "(2)"]), pa.array(["$3 ", "x"])])
    assert same_bits(bkio.parse_numbers(chunked, engine=engine), [1, np.nan, -2, 3, np.nan])
    large = pa.array(["$3 ", None, "4"], type=pa.large_string())
    assert same_bits(bkio.parse_numbers(large, engine=engine), [3, np.nan, 4])
    sliced = pa.array(["9", "8", "1,000", "7"]).slice(2, 2)
    assert same_bits(bkio.parse_numbers(sliced, engine=engine), [1000, 7])
    assert bkio.parse_numbers(pa.chunked_array([], type=pa.string()), engine=engine).shape == (0,)


def test_bad_input():
    with pytest.raises(ValueError, match="one-dimensional"):
        bkio.parse_numbers(np.array([["1"]]))
    with pytest.raises(TypeError, match="text or numbers"):
        bkio.parse_numbers(np.array(["2025-01-01"], dtype="datetime64[ns]"))
    with pytest.raises(ValueError, match="unknown engine"):
        bkio.parse_numbers(["1"], engine="fortran")
    with pytest.raises(ValueError, match="unknown engine"):
        bkio.parse_numbers([], engine="fortran")
    with pytest.raises(ValueError, match="unknown engine"):
        bkio.read_erp(b"WC,MACH\n1,2\n", engine="fortran")


# ---------------------------------------------------------------------------------------------------------
# read_erp


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    mill = make_mill(scale=0.2, seed=5)
    folder = tmp_path_factory.mktemp("exports")
    paths = write_exports(mill, folder)
    return mill, paths


#: columns write_exports derives from others with float arithmetic: the export writes them with the decimals
#: they need to read back exactly, so no column is rounded any more (kept for the tests' structure)
DERIVED: dict[str, tuple[str, ...]] = {}
DERIVED_INVENTORY = ("Theoretical Balance", "Planning Balance", "Total Cost")


def to_cents(x: pd.Series) -> np.ndarray:
    """What the export holds for a float column: |x| rounded to the cent, sign kept, -0 -> 0."""
    v = x.to_numpy(dtype=np.float64)
    c = np.rint(np.abs(v) * 100.0)
    return np.where(np.isnan(v), np.nan, np.where((v < 0) & (c > 0), -c, c) / 100.0 + 0.0)


def expected_frame(mill, kind):
    exp = mill[kind].rename(columns=lambda c: canonical(c) or c).copy()
    for col in DERIVED.get(kind, ()):
        exp[col] = to_cents(exp[col])
    return exp


def test_round_trip_write_exports(exported, engine):
    mill, paths = exported
    frames = bkio.read_exports(paths["bom"].parent, engine=engine)
    assert sorted(frames) == sorted(mill)
    for kind in mill:
        got = frames[kind]
        exp = expected_frame(mill, kind)
        assert got.attrs["bk_fast"]["kind"] == kind
        assert list(got.columns) == list(exp.columns)
        # back to the mill's dtypes, the values are identical (exact floats, text with its spaces, dates)
        pd.testing.assert_frame_equal(got.astype(exp.dtypes.to_dict()), exp, check_exact=True)
        # stored (non-derived) float columns are bit-identical to the mill's without any rounding
        for col in exp.columns:
            if exp[col].dtype.kind == "f" and col not in DERIVED.get(kind, ()):
                source = col if col in mill[kind] else [c for c in mill[kind] if canonical(c) == col][0]
                assert same_bits(got[col].astype("float64"), mill[kind][source])
    assert frames["knit_orders"].attrs["bk_fast"]["header_line"] == 2  # two junk lines above the header
    assert frames["yarn_inventory"]["Desc#"].dtype.kind == "i"
    assert frames["knit_orders"]["Start Date"].dtype == "datetime64[ns]"
    assert (frames["bom"]["Style#"].astype(str).str.startswith(" ")).any()  # leading spaces kept


def test_derived_columns_read_back_bit_for_bit(exported):
    mill, paths = exported
    inv = bkio.read_erp(paths["yarn_inventory"])
    for col in DERIVED_INVENTORY:
        assert same_bits(inv[col].astype("float64"), mill["yarn_inventory"][col])


def test_memory_is_optimised_losslessly(exported):
    mill, paths = exported
    full = bkio.read_erp(paths["bom"], optimize=False)
    small = bkio.read_erp(paths["bom"])
    info = small.attrs["bk_fast"]
    assert info["bytes"] < info["bytes_parsed"] == int(full.memory_usage(deep=True).sum())
    assert isinstance(small["Style#"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(small.astype(full.dtypes.to_dict()), full, check_exact=True)


def test_chunks_equal_the_whole(exported, capsys):
    mill, paths = exported
    whole = bkio.read_erp(paths["bom"], optimize=False)
    chunks = list(bkio.read_erp(paths["bom"], chunksize=1000, optimize=False, progress=True))
    assert [len(c) for c in chunks[:-1]] == [1000] * (len(chunks) - 1) and 0 < len(chunks[-1]) <= 1000
    pd.testing.assert_frame_equal(pd.concat(chunks), whole, check_exact=True)
    assert capsys.readouterr().err  # the progress bar was drawn
    list(bkio.read_erp(paths["machines"], chunksize=7, progress=False))
    assert capsys.readouterr().err == ""


def test_simple_progress_bar_without_tqdm(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name == "tqdm":
            raise ImportError("no tqdm")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    bar = Bar(100, "bom.csv", progress=True, unit="B")
    bar.update_to(100)
    bar.close()
    assert "bom.csv [" in capsys.readouterr().err


class _Tty(stdio.StringIO):
    def isatty(self):
        return True


def test_progress_rules(monkeypatch):
    # one meaning everywhere (read_erp, bench.run, bk-fast demo / bench): True on anywhere, False off, None on a
    # terminal; BK_FAST_PROGRESS=1 / 0 switches the default (None) on / off, not an explicit True / False
    monkeypatch.delenv("BK_FAST_PROGRESS", raising=False)
    pipe, tty = stdio.StringIO(), _Tty()
    assert wanted(True, stream=pipe) and not wanted(False, stream=tty) and wanted(np.bool_(True), stream=pipe)
    assert wanted(None, stream=tty) and not wanted(None, stream=pipe)
    assert not wanted(None, terminal=False, stream=tty)  # (a whole read: no bar by default)
    monkeypatch.setenv("BK_FAST_PROGRESS", "1")
    assert wanted(None, stream=pipe) and wanted(None, terminal=False, stream=pipe) and not wanted(False)
    monkeypatch.setenv("BK_FAST_PROGRESS", "0")
    assert not wanted(None, stream=tty) and wanted(True, stream=pipe)
    with pytest.raises(TypeError, match="progress must be True, False or None.*'yes'"):
        wanted("yes")


@pytest.mark.parametrize("value", ["none", "disabled", "1x", "2"])
def test_progress_env_of_another_value_is_an_error(monkeypatch, capsys, value):
    # BK_FAST_PROGRESS=none / disabled / a typo turned every default bar on (any value but 0/false/no/off was
    # "on"), also for whole read_erp calls that draw none by default: now a ValueError naming the variable and
    # the values it takes, as BK_FAST_ENGINE's; the accepted spellings in any case and with spaces, empty = unset
    pipe = stdio.StringIO()
    for on in ("1", " TRUE ", "Yes", "on"):
        monkeypatch.setenv("BK_FAST_PROGRESS", on)
        assert wanted(None, terminal=False, stream=pipe)
    for off in ("0", "False", " no", "OFF"):
        monkeypatch.setenv("BK_FAST_PROGRESS", off)
        assert not wanted(None, stream=_Tty())
    monkeypatch.setenv("BK_FAST_PROGRESS", "  ")
    assert wanted(None, stream=_Tty()) and not wanted(None, stream=pipe)
    monkeypatch.setenv("BK_FAST_PROGRESS", value)
    with pytest.raises(ValueError, match=rf"BK_FAST_PROGRESS must be 1 / true / yes / on .*got '{value}'"):
        bkio.read_erp(b"Desc#,Planning Balance\n1,2\n")
    with pytest.raises(ValueError, match="BK_FAST_PROGRESS"):  # (at the call, not at the first chunk)
        bkio.read_erp(b"Desc#,Planning Balance\n1,2\n", chunksize=1)
    assert wanted(True, stream=pipe) and not wanted(False)  # (an explicit value does not read it)
    assert capsys.readouterr().err == ""


def test_progress_checked_at_the_call_and_0_1_accepted():
    # a bad progress was refused only where the bar is made: a header-only file took progress="yes", a chunked
    # read raised at its first next(); and progress=1 / 0, accepted before the one rule, became a TypeError
    header_only, data = b"Desc#,Planning Balance\n", b"Desc#,Planning Balance\n1,2\n3,4\n"
    for bad in ("yes", 2, -1, 1.0, [True]):
        with pytest.raises(TypeError, match="progress must be True, False or None"):
            bkio.read_erp(header_only, progress=bad)
        with pytest.raises(TypeError, match="progress must be True, False or None"):
            bkio.read_erp(data, chunksize=1, progress=bad)
    assert wanted(1, stream=stdio.StringIO()) and not wanted(0, stream=_Tty()) and wanted(np.int64(1))
    assert bkio.read_erp(data, progress=0)["Planning Balance"].tolist() == [2.0, 4.0]
    assert [len(c) for c in bkio.read_erp(data, chunksize=1, progress=np.bool_(False))] == [1, 1]


def test_progress_bar_steps_clear_and_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # (no tqdm: the plain bar)
    bar = Bar(4, progress=True)
    bar.step("yarn_risk [numpy]")
    bar.clear()
    err = capsys.readouterr().err
    assert "1/4" in err and "yarn_risk [numpy]" in err and err.endswith("\r")
    bar.update_to(2)
    bar.update_to(1)  # never backwards
    assert bar.pos == 2
    bar.close()
    assert "2/4" in capsys.readouterr().err
    Bar(4, progress=False).step("x")
    assert capsys.readouterr().err == ""
    calls = []

    class FakeTqdm:
        def __init__(self, **kw):
            calls.append(("new", kw["total"], kw["unit"]))

        def update(self, n):
            calls.append(("update", n))

        def set_postfix_str(self, text):
            calls.append(("label", text))

        def close(self):
            calls.append(("close",))

    monkeypatch.setitem(sys.modules, "tqdm", type(sys)("tqdm"))
    sys.modules["tqdm"].tqdm = FakeTqdm
    bar = Bar(1000, "bom.csv", progress=True, unit="B")
    bar.update_to(400, "a")
    bar.update_to(1000)
    bar.close()
    assert calls == [("new", 1000, "B"), ("update", 400), ("label", "a"), ("update", 600), ("close",)]


def test_read_erp_progress_true_on_a_whole_read(exported, capsys, monkeypatch):
    # progress=True drew nothing on a read without chunksize (io passed False for whole reads); the default
    # (None) still draws no bar on a whole read, BK_FAST_PROGRESS=1 does, and False never
    monkeypatch.delenv("BK_FAST_PROGRESS", raising=False)
    mill, paths = exported
    whole = bkio.read_erp(paths["bom"], optimize=False, progress=True)
    err = capsys.readouterr().err
    assert f"{paths['bom'].name} [" in err and "parsing" in err and "100.0%" in err
    pd.testing.assert_frame_equal(whole, bkio.read_erp(paths["bom"], optimize=False, progress=False))
    bkio.read_erp(paths["machines"])
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("BK_FAST_PROGRESS", "1")
    bkio.read_erp(paths["machines"])
    assert "100.0%" in capsys.readouterr().err
    bkio.read_erp(paths["machines"], progress=False)
    assert capsys.readouterr().err == ""


def test_pandas_fallback_reads_the_same(exported, monkeypatch):
    mill, paths = exported
    with_arrow = {k: bkio.read_erp(paths[k], optimize=False) for k in ("yarn_inventory", "knit_orders", "bom")}
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", False)
    for k, frame in with_arrow.items():
        got = bkio.read_erp(paths[k], optimize=False)
        pd.testing.assert_frame_equal(got.astype(frame.dtypes.to_dict()), frame, check_exact=True)
        chunks = list(bkio.read_erp(paths[k], chunksize=50, optimize=False))
        assert sum(map(len, chunks)) == len(frame)


JUNKY = ("\ufeffACME Knits - Yarn Inventory\r\nPrinted: 9/1/2025,,,\r\n\r\n"
         " Desc # ,Yarn Description,Beginning_Balance,Consumed,Allocated,On_Order,Planning_Ballance,Unit Cost,"
         "Last Receipt Date,Color\r\n"
         '18767,"1/150/34 Poly, Textured","1,200.00",(50.00),,0,"1,150.00",$2.41 ,08/15/2025,White\r\n'
         '18929,Nylon,0.00,,(12.5),100,87.5,"$1,000.00 ",,Black\r\n')


def test_junk_lines_bom_aliases_and_dates():
    df = bkio.read_erp(JUNKY.encode("utf-8"))
    assert df.attrs["bk_fast"]["kind"] == "yarn_inventory" and df.attrs["bk_fast"]["header_line"] == 3
    assert list(df.columns) == ["Desc#", "Description", "Beginning Balance", "Consumed", "Allocated", "On Order",
                                "Planning Balance", "Cost/Pound", "Last Receipt Date", "Color"]
    assert df["Desc#"].tolist() == [18767, 18929]
    assert df["Description"].tolist() == ["1/150/34 Poly, Textured", "Nylon"]
    assert same_bits(df["Consumed"], [-50.0, np.nan]) and same_bits(df["Allocated"], [np.nan, -12.5])
    assert same_bits(df["Cost/Pound"], [2.41, 1000.0])
    assert df["Last Receipt Date"].tolist()[0] == pd.Timestamp("2025-08-15")
    assert pd.isna(df["Last Receipt Date"].tolist()[1])
    assert df["Color"].astype(str).tolist() == ["White", "Black"]


def test_file_like_and_cp1252(tmp_path):
    text = "Desc#,Description,Planning Balance\n1,Caf\u00e9 blend,5\n".encode("cp1252")
    df = bkio.read_erp(stdio.BytesIO(text))
    assert df["Description"].tolist() == ["Caf\u00e9 blend"]
    path = tmp_path / "inv.csv"
    path.write_bytes(text)
    assert bkio.read_erp(str(path))["Planning Balance"].tolist() == [5.0]


def test_unparsable_numbers_warn_and_count():
    text = b"Style#,Desc#,BOM_Percentage\n125792/1,18767,0.914\n125792/1,18929,n/a\n"
    with pytest.warns(UserWarning, match=r"'BOM_Percentage': 1 value\(s\) are not numbers.*'n/a'.*row 1"):
        df = bkio.read_erp(text)
    assert same_bits(df["BOM_Percentage"], [0.914, np.nan])
    assert df.attrs["bk_fast"]["coerced"] == {"BOM_Percentage": 1}


def test_text_columns_are_never_parsed_and_unknown_columns_are_inferred():
    text = b"fStyle#,gBase,Code,Mixed\n125792-NAV,0012,007,1\n125793-BLK,125793,008,x\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = bkio.read_erp(text, optimize=False)
    assert df["gBase"].tolist() == ["0012", "125793"]  # ids with leading zeros stay text
    assert df["Code"].tolist() == [7.0, 8.0]  # an unknown all-number column is numeric
    assert df["Mixed"].tolist() == ["1", "x"]  # an unknown column with text stays text


def test_duplicate_and_empty_headers():
    df = bkio.read_erp(b"Style#,WC,WC,\nA/1,9.38.20.F,x,\n", optimize=False)
    assert list(df.columns) == ["Style#", "WC", "WC.1", "Unnamed: 3"]
    assert df.attrs["bk_fast"]["kind"] == "style_work_center"


@pytest.mark.parametrize("kind, header", [
    ("machines", "WC,MACH"), ("style_capacity", "Style,Lbs/Day"), ("style_master", "fStyle,gBase"),
    ("sales_orders", "SO#,fStyle#,Customer,Ordered,Ship Date"), ("yarn_po", "Desc#,PO #,This Week,Later,PO Bal"),
    ("expected_receipts", "Desc#,Past Due,This Week,Later"), ("yarn_demand", "Desc#,Monday Inventory,Total Demand"),
    ("knit_orders", "KO #,Style #,Balance,Machine,Start Date"), ("bom", "Style #,Yarn ID,BOM %,UOM"),
])
def test_kind_detection(kind, header):
    assert bkio.detect_kind(header.split(",")) == kind
    row = ",".join("09/01/2025" if "Date" in h else "1" for h in header.split(","))
    df = bkio.read_erp((header + "\n" + row + "\n").encode())
    assert df.attrs["bk_fast"]["kind"] == kind


def test_errors_name_the_file_the_columns_found_and_expected(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("Colour,Weight\nred,1\n")
    with pytest.raises(ValueError, match=r"mystery\.csv: no header row found"):
        bkio.read_erp(path)
    path.write_text("Desc#,Colour\n1,red\n")
    with pytest.raises(ValueError, match=r"mystery\.csv: unknown kind.*'Desc#', 'Colour'.*bom: Style#, Desc#"):
        bkio.read_erp(path)
    path.write_text("Desc#,Planning Balance\n1,2\n")
    with pytest.raises(ValueError, match=r"mystery\.csv: not a bom export: missing required column\(s\) "
                                         r"'Style#', 'BOM_Percentage'; columns found: 'Desc#', 'Planning Balance'"):
        bkio.read_erp(path, kind="bom")
    with pytest.raises(ValueError, match="unknown kind 'boms'"):
        bkio.read_erp(path, kind="boms")
    with pytest.raises(FileNotFoundError, match="no such export"):
        bkio.read_erp(tmp_path / "absent.csv")
    with pytest.raises(TypeError, match="source must be"):
        bkio.read_erp(12)
    with pytest.raises(ValueError, match="chunksize"):
        bkio.read_erp(path, chunksize=0)


def test_read_exports_skips_unknown_files_and_rejects_two_of_a_kind(tmp_path):
    (tmp_path / "notes.csv").write_text("just,text\n1,2\n")
    (tmp_path / "machines.csv").write_text("WC,MACH\n9.38.20.F,12\n")
    with pytest.warns(UserWarning, match="skipped notes.csv"):
        frames = bkio.read_exports(tmp_path)
    assert list(frames) == ["machines"] and frames["machines"]["Machine"].tolist() == [12]
    (tmp_path / "machines2.csv").write_text("WC,Machine\n9.38.20.F,13\n")
    with pytest.raises(ValueError, match="two machines exports: machines.csv and machines2.csv"):
        bkio.read_exports(tmp_path)


def test_xlsx_cells_are_read_like_csv(monkeypatch):
    """The XLSX path without openpyxl installed: feed read_erp the cells pandas.read_excel would give."""
    cells = pd.DataFrame([
        ["Knit Orders - open", None, None, None, None],
        ["Order #", "Style #", "Balance (lbs)", "Machine", "Start Date"],
        ["K2508066", "125792/1", 1048.1, 12, pd.Timestamp("2025-09-01")],
        ["K2508067", " 125793/2", "(1,200.50)", None, pd.Timestamp("2025-09-03")],
        [2508068.0, 125794, 0.5, 7, "09/05/2025"],
        [None, None, None, None, None],
    ], dtype=object)
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    df = bkio.read_erp(b"PK\x03\x04 fake xlsx")
    assert df.attrs["bk_fast"]["kind"] == "knit_orders" and df.attrs["bk_fast"]["header_line"] == 1
    assert df["Style#"].tolist() == ["125792/1", " 125793/2", "125794"]  # numbers in text columns -> text
    assert df["Order #"].tolist() == ["K2508066", "K2508067", "2508068"]
    assert same_bits(df["Balance (lbs)"], [1048.1, -1200.5, 0.5])
    assert same_bits(df["Machine"], [12.0, np.nan, 7.0])
    assert df["Start Date"].tolist() == [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-03"),
                                         pd.Timestamp("2025-09-05")]
    assert [len(c) for c in bkio.read_erp(b"PK\x03\x04 fake", chunksize=2)] == [2, 1]


def test_xlsx_needs_openpyxl_or_says_so(tmp_path):
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"bk_fast\[xlsx\]"):
            bkio.read_erp(b"PK\x03\x04 not really a workbook")
    else:  # pragma: no cover - openpyxl is optional and not installed in the dev venv
        mill = make_mill(scale=0.01, seed=2)
        path = tmp_path / "machines.xlsx"
        mill["machines"].to_excel(path, index=False)
        df = bkio.read_erp(path)
        assert df["Machine"].tolist() == mill["machines"]["MACH"].tolist()


def test_read_exports_skips_an_xlsx_it_cannot_read_as_an_unreadable_csv(tmp_path, monkeypatch):
    """An XLSX that needs openpyxl (not installed) aborted the whole folder with ImportError, where a CSV that
    cannot be read is skipped with a warning: now skipped alike, the warning naming the file and the cause."""
    mill = make_mill(scale=0.01, seed=2)
    write_exports({"machines": mill["machines"]}, tmp_path)
    (tmp_path / "orders.xlsx").write_bytes(b"PK\x03\x04 a workbook")

    def no_openpyxl(src, name):
        raise bkio.NoXlsxReader(f"{name}: reading XLSX exports needs openpyxl: pip install 'bk_fast[xlsx]'")

    monkeypatch.setattr(bkio, "_xlsx_cells", no_openpyxl)
    with pytest.warns(UserWarning, match=r"skipped orders\.xlsx: reading XLSX exports needs openpyxl") as seen:
        frames = bkio.read_exports(tmp_path)
    assert list(frames) == ["machines"]
    assert str(tmp_path) not in str(seen[0].message)  # (the file named once)
    # any other ImportError (an explicit engine that is not installed, a broken module) is not a skipped file:
    # a review found read_exports(folder, engine="numba") without numba returning {} after "skipping" every file

    def no_engine(*args, **kwargs):
        raise ImportError("engine 'numba' is not available: pip install 'bk_fast[numba]'")

    monkeypatch.setattr(bkio, "read_erp", no_engine)
    with pytest.raises(ImportError, match="engine 'numba' is not available"):
        bkio.read_exports(tmp_path)


def test_read_erp_reads_a_file_name_that_is_not_utf8(tmp_path):
    """An export whose name is not valid UTF-8 (a Latin-1 name from a Windows share; any non-ASCII name under
    LC_ALL=C) failed with UnicodeEncodeError: pa.memory_map(str(path)) encodes the surrogate-escaped name as
    UTF-8. read_exports then skipped it with a warning and `bk-fast load` lost the BOM with exit 0."""
    write_exports({"bom": make_mill(scale=0.01, seed=1)["bom"]}, tmp_path)
    expected = bkio.read_erp(tmp_path / "BOM.csv")
    raw = os.path.join(os.fsencode(tmp_path), b"Caf\xe9_BOM.csv")
    try:
        os.rename(os.path.join(os.fsencode(tmp_path), b"BOM.csv"), raw)
    except OSError:  # pragma: no cover - a file system that takes UTF-8 names only
        pytest.skip("the file system refuses a name that is not UTF-8")
    name = os.fsdecode(raw)
    for source in (name, Path(name)):
        pd.testing.assert_frame_equal(bkio.read_erp(source), expected)
        assert sum(len(c) for c in bkio.read_erp(source, chunksize=50)) == len(expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(bkio.read_exports(tmp_path)) == ["bom"]


def test_read_exports_skips_what_is_no_regular_file(tmp_path):
    """A sub-folder named like an export (old.csv) raised IsADirectoryError, a dangling symlink link.csv
    FileNotFoundError: either aborted the whole folder (`bk-fast load` exit 2, nothing read) where the docstring
    promises a skipped file and a warning. A FIFO would block the read: skipped too."""
    mill = make_mill(scale=0.01, seed=1)
    write_exports(mill, tmp_path)
    (tmp_path / "old.csv").mkdir()
    (tmp_path / "link.csv").symlink_to(tmp_path / "does-not-exist")
    odd = {"old.csv": "a folder", "link.csv": "a symlink to nothing"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.tsv")
        odd["pipe.tsv"] = "not a regular file"
    with pytest.warns(UserWarning) as seen:
        frames = bkio.read_exports(tmp_path)
    assert sorted(frames) == sorted(mill)
    assert sorted(str(w.message) for w in seen) == sorted(f"skipped {k}: {v}, not an export file"
                                                        for k, v in odd.items())


def test_read_exports_skips_a_file_it_cannot_open(tmp_path, monkeypatch):
    """An OSError reading one file (no read permission, removed meanwhile) aborted the whole folder: now that
    file is skipped with a warning naming it and why."""
    mill = make_mill(scale=0.01, seed=1)
    write_exports(mill, tmp_path)
    read_erp = bkio.read_erp

    def locked(path, **kwargs):
        if path.name == "BOM.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return read_erp(path, **kwargs)

    monkeypatch.setattr(bkio, "read_erp", locked)
    with pytest.warns(UserWarning, match=r"^skipped BOM\.csv: cannot be read \(Permission denied\)$"):
        frames = bkio.read_exports(tmp_path)
    assert sorted(frames) == sorted(set(mill) - {"bom"})


def test_demo_step(engine):
    report = bkio._demo_step(make_mill(scale=0.02, seed=1), engine)
    assert "read back" in report.lines[0] and "True" in report.lines[0]
    assert set(report.table["kind"]) == set(make_mill(scale=0.02, seed=1))


def test_normalize_ids_yarn(engine):
    s = pd.Series([" 18767", "18929.0", 19003.0, None], index=[5, 6, 7, 8], name="Desc#")
    before = s.copy(deep=True)
    out = bk_fast.normalize_ids(s, engine=engine)
    pd.testing.assert_series_equal(s, before)
    assert str(out.dtype) == "Int64" and out.index.tolist() == [5, 6, 7, 8] and out.name == "Desc#"
    assert out.tolist()[:3] == [18767, 18929, 19003] and pd.isna(out.iloc[3])
    mixed = bk_fast.normalize_ids(pd.Series([" 18767.0", "ab-12 ", "1.5"]), engine=engine)
    assert mixed.tolist() == ["18767", "AB-12", "1.5"]


def test_normalize_ids_style():
    out = bk_fast.normalize_ids(pd.Series([" 125792/1", "ff  10006/0001", "180001/20st2", "180001", None]),
                                kind="style")
    assert out["style"].tolist()[:4] == ["125792/1", "FF 10006/0001", "180001/20ST2", "180001"]
    assert out["base"].tolist()[:4] == ["125792", "FF 10006", "180001", "180001"]
    assert out["version"].tolist()[:3] == ["1", "0001", "20ST2"] and out["version"].isna().tolist()[3:] == [True] * 2
    with pytest.raises(ValueError, match="kind must be 'yarn' or 'style'"):
        bk_fast.normalize_ids(pd.Series(["x"]), kind="colour")


@pytest.mark.parametrize("dtype", [object, "str"])
def test_normalize_ids_upper_cases_as_python_on_every_install(dtype):
    """normalize_ids upper-cased with pandas' .str.upper(): with pyarrow that is Arrow's one-to-one case mapping
    ("straße" -> "STRAẞE", "ﬁx-1" -> "ﬁX-1"), without it Python's ("STRASSE", "FIX-1"), so the same ids
    normalised on two installs did not join. Now Python's str rules wherever pyarrow is (non-ASCII values only)."""
    ids = ["straße", "ﬁx-1", " Y-100 ", "ŉ/1", None, "\u2003ﬀ\u3000 a /\xa0ﬁ ", "straße", "ASCII-1/2"]
    s = pd.Series(ids, index=range(10, 18), dtype=dtype)
    yarn = bk_fast.normalize_ids(s)
    assert yarn.index.tolist() == list(range(10, 18))
    assert yarn.tolist()[:4] == ["STRASSE", "FIX-1", "Y-100", "ʼN/1"] and pd.isna(yarn.iloc[4])
    assert yarn.tolist()[5:] == [v.strip().upper() for v in ids[5:]]
    style = bk_fast.normalize_ids(s, kind="style")
    want = []
    for v in ids:
        text = re.sub(r"\s+", " ", v.strip().upper()) if v is not None else None
        base, slash, version = (text or "").partition("/")
        want.append((text, base.strip() if text else None, version.strip() if slash else None))
    got = style.astype(object).where(style.notna(), None)
    assert list(got.itertuples(index=False, name=None)) == want
    assert want[1] == ("FIX-1", "FIX-1", None) and want[5] == ("FF A / FI", "FF A", "FI")


def assert_python_style(style: pd.DataFrame, ids: list) -> None:
    """``style`` (normalize_ids(kind="style") of ``ids``) is what Python's str rules give, row by row."""
    for (text, base, version), v in zip(style.itertuples(index=False, name=None), ids):
        if v is None:
            assert pd.isna(text) and pd.isna(base) and pd.isna(version)
            continue
        want = re.sub(r"\s+", " ", v.strip().upper())
        b, slash, ver = want.partition("/")
        assert (text, base) == (want, b.strip()) and (version == ver.strip() if slash else pd.isna(version)), v


@pytest.mark.parametrize("ascii_rows", [0, 40])
def test_normalize_ids_python_rules_with_few_or_mostly_odd_values(ascii_rows):
    """Python's str rules whether the non-ASCII values are a few (fixed one by one after Arrow's kernels) or most
    of the column (the whole column through Python-backed text: fixing most values one by one after Arrow's
    kernels took ~2-3x the time); 0x1C-0x1F are white space to Python's strip."""
    ids = ["straße", "ﬁx-1", "\x1cY-1\x1f", "ŉ/1", None, "\u2003ﬀ\u3000 a /\xa0ﬁ ", "İ i/ǅ"]
    ids += [f" a{i} /{i} " for i in range(ascii_rows)]
    s = pd.Series(ids, dtype="str")
    yarn = bk_fast.normalize_ids(s).tolist()
    assert yarn[:4] == ["STRASSE", "FIX-1", "Y-1", "ʼN/1"] and pd.isna(yarn[4])
    assert yarn[5:] == [v.strip().upper() for v in ids[5:]]
    style = bk_fast.normalize_ids(s, kind="style")
    assert str(style["style"].dtype) == str(bk_fast.normalize_ids(pd.Series(["a"], dtype="str"), "style")
                                           ["style"].dtype)
    assert_python_style(style, ids)


@pytest.mark.parametrize("clean", [0.2, 0.9])
def test_normalize_style_ids_white_space_runs_in_few_or_most_values(clean):
    """White space is collapsed by a regular expression on the values holding a run only (a tab ... a carriage
    return, two spaces) when they are few, on the whole column when most are: Python's rules either way."""
    rng = np.random.default_rng(1)
    pieces = ["a", "b", "/", " ", "  ", "\t", "\v", "\x0c", "\r\n", "ß", "\xa0"]
    ids = [f" cf {i}/{i % 3} " if rng.random() < clean else "".join(rng.choice(pieces, 6)) for i in range(300)]
    ids[::17] = [None] * len(ids[::17])
    style = bk_fast.normalize_ids(pd.Series(ids, dtype="str"), kind="style")
    assert_python_style(style, ids)


@needs("pyarrow")
def test_normalize_style_ids_no_python_work_per_plain_value():
    """normalize_ids(kind="style") split each id at its "/" and collapsed white space with pandas' string
    methods, which ran Python per value on Arrow text (split always, the \\s regex too): ~3 s for 10^6 ids.
    Arrow's kernels now: the Python calls made do not grow with the number of plain (ASCII) ids."""
    def calls(n):
        s = pd.Series([f" cf {i}/{i % 7:04d} " if i % 10 else f"cf  {i}\t/ 1" for i in range(n)], dtype="str")
        count = [0]

        def profile(frame, event, arg):
            count[0] += 1

        sys.setprofile(profile)
        try:
            bk_fast.normalize_ids(s, kind="style")
        finally:
            sys.setprofile(None)
        return count[0]

    calls(10)
    assert calls(5_000) < calls(500) + 500


#: the head of the scripts the pool tests run in a fresh interpreter: pyarrow's default pool replaced by one
#: appending its bytes to ``held`` at each ``release_unused()``
_COUNTING_POOL = """
import sys
import pyarrow as pa
real = pa.default_memory_pool()
held = []

class Pool:
    def __getattr__(self, attr):
        return getattr(real, attr)

    def release_unused(self):
        held.append(real.bytes_allocated())
        real.release_unused()

pa.default_memory_pool = Pool
"""

#: run in a fresh interpreter by test_normalize_ids_gives_arrow_pool_memory_back: the pool's bytes at each release
#: normalize_ids asks for, those once it has returned, and the length of its answer
_IDS_POOL = _COUNTING_POOL + """
import pandas as pd
import bk_fast
ids = pd.Series([" y-1", "straße/2", None, "ab  c/ 3"] * 50, dtype="str")
out = bk_fast.normalize_ids(ids, kind=sys.argv[1])
print(held, [real.bytes_allocated()], len(out), sep="|")
"""


@needs("pyarrow")
@pytest.mark.parametrize("kind", ["yarn", "style"])
def test_normalize_ids_gives_arrow_pool_memory_back(kind):
    """The Arrow text normalize_ids made and dropped stayed in pyarrow's default pool after it returned (20-70 MB
    for 10^6 ids, never reused by NumPy / pandas): the pool is told to release it, after the last Arrow work.
    Measured in a fresh interpreter: the pool is the process's, and in a test worker a collection falling between
    the release and the second reading frees other tests' Arrow buffers held in reference cycles."""
    import subprocess

    run = subprocess.run([sys.executable, "-c", _IDS_POOL, kind], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    calls, after, length = run.stdout.strip().split("|")
    assert calls == after  # (once, when no Arrow buffer of the call was left to free)
    assert length == "200"


@needs("pyarrow")
def test_normalize_ids_missing_values_stay_missing_when_their_slot_holds_bytes():
    """Arrow may leave bytes in a missing value's slot (pyarrow.compute.if_else keeps the dropped value's): the
    non-ASCII scan read them, so a missing id came back as another row's id ("SS") or raised IndexError."""
    import pyarrow.compute as pc

    def column(values, valid):
        out = pc.if_else(pa.array(valid), pa.array(values, pa.large_string()), pa.scalar(None, pa.large_string()))
        return pd.Series(pd.array(out, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))

    s = column(["ab", "éé", "cd", "ß", "ef", "gh"], [True, False, True, True, True, True])
    assert bk_fast.normalize_ids(s).isna().tolist() == [False, True, False, False, False, False]
    assert bk_fast.normalize_ids(s).iloc[3] == "SS"
    assert bk_fast.normalize_ids(s, kind="style")["style"].isna().tolist() == [False, True] + [False] * 4
    only = column(["ab", "éé", "cd"], [True, False, True])
    assert bk_fast.normalize_ids(only).isna().tolist() == [False, True, False]


@needs("pyarrow")
@pytest.mark.parametrize("share", [0.3, 1.0])
def test_normalize_yarn_ids_take_python_only_where_arrow_answers_otherwise(monkeypatch, share):
    """normalize_ids(kind="yarn") redid every id holding a non-ASCII byte in Python (odd_rows): " müller-12 " one by
    one after Arrow's strip / upper, or the whole column through Python-backed text when most ids were, though
    Arrow answers as Python's str on "ü". Now only the ids holding a character Arrow answers otherwise on ("ß":
    strip_upper_odd_rows) get Python's rule, once per distinct id."""
    met = []

    def python_id(value):
        met.append(value)
        return (value.strip().upper(),)

    monkeypatch.setattr(bkio, "_python_yarn_id", python_id)
    ids = [f"  müller-{i} " if i < share * 200 else f" y-{i}" for i in range(200)]
    ids += [" straße-1", None, "ﬁx-1", " straße-1", "18767"]
    out = bk_fast.normalize_ids(pd.Series(ids, dtype="str", index=range(5, 210)))
    assert sorted(met) == [" straße-1", "ﬁx-1"]
    assert out.index.tolist() == list(range(5, 210)) and pd.isna(out.iloc[-4])
    assert out.drop(out.index[-4]).tolist() == [v.strip().upper() for v in ids if v is not None]
    assert out.iloc[0] == "MÜLLER-0" and out.iloc[-5:].tolist()[::2] == ["STRASSE-1", "FIX-1", "18767"]


def test_load_report(exported):
    mill, paths = exported
    report = bkio.load_report(paths["bom"].parent)
    assert sorted(report["kind"]) == sorted(mill)
    row = report.set_index("kind").loc["bom"]
    assert row["rows"] == len(mill["bom"]) and row["MB optimised"] < row["MB parsed"]


def test_header_without_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for text in (b"WC,MACH\n", b"WC,MACH", b"WC,MACH\r\n\r\n"):
            df = bkio.read_erp(text)
            assert df.shape == (0, 2) and list(df.columns) == ["WC", "Machine"]
            assert list(bkio.read_erp(text, chunksize=5)) == []


def test_ragged_rows():
    with pytest.warns(UserWarning, match="reading with pandas") if HAVE_PYARROW else contextlib.nullcontext():
        short = bkio.read_erp(b"WC,MACH,Extra\n9.38.20.F,12\n9.38.20.F,13,x\n", optimize=False)
    assert short["Machine"].tolist() == [12, 13] and short["Extra"].isna().tolist() == [True, False]
    with pytest.raises(ValueError, match=r"<stream>: .*(fields|columns)"):
        with pytest.warns(UserWarning) if HAVE_PYARROW else contextlib.nullcontext():
            bkio.read_erp(b"WC,MACH\n9.38.20.F,12\n9.38.20.F,13,x,y\n")


def test_read_mill_spells_columns_like_the_mill(exported):
    mill, paths = exported
    again = bkio.read_mill(paths["bom"].parent)
    for kind, frame in mill.items():
        assert list(again[kind].columns) == list(frame.columns)
        assert again[kind].dtypes.tolist() == frame.dtypes.tolist()  # the mill's own dtypes, unoptimised
    pd.testing.assert_frame_equal(again["knit_orders"], mill["knit_orders"], check_exact=True)


_RANDOM_DECIMALS: list[str] = []


def random_decimals() -> list[str]:
    """30,000 decimal strings: significands of 1-19 digits, any point position, exponents -40..40 (a third)."""
    if not _RANDOM_DECIMALS:
        rng = np.random.default_rng(11)
        n = 30_000
        pool = "".join(map(str, rng.integers(0, 10, 20 * n)))
        k = rng.integers(1, 20, n)
        point = rng.integers(0, 20, n)
        exp = rng.integers(-40, 41, n)
        neg = rng.random(n) < 0.3
        for i in range(n):
            body = pool[20 * i:20 * i + k[i]]
            p = min(point[i], k[i])
            text = body[:p] + "." + body[p:] if p < k[i] else body
            if exp[i] % 3 == 0:
                text += f"e{exp[i]}"
            _RANDOM_DECIMALS.append(("-" if neg[i] else "") + text)
    return _RANDOM_DECIMALS


def test_exact_decimal_parsing_on_random_decimals(engine):
    """Around the exact fast path's limits (2**53, 10**22, 18 digits): every value equals Python's float() bit
    for bit, whether the kernel parsed it or deferred it to Python."""
    strings = random_decimals()
    got = bkio.parse_numbers(strings, engine=engine)
    assert same_bits(got, [float(s) for s in strings])


def test_long_numbers_in_bulk_are_exact(engine):
    """Full-precision floats (as to_csv writes them) go past the fast path in bulk: still float() exactly."""
    x = np.random.default_rng(4).normal(size=5000) * 1000
    text = [repr(v) for v in x.tolist()] + ["($12,345,678,901,234,567.89)", "1\xa0234.56789012345678901"]
    got = bkio.parse_numbers(pd.Series(text, dtype="str"), engine=engine)
    assert same_bits(got, [float(clean_text(t)) for t in text])
    assert same_bits(got[:5000], x)


@pytest.mark.parametrize("dtype", [object, "str"])
def test_the_two_number_cleaners_agree(engine, dtype):
    """``parse_numbers`` (the byte kernel, for exports) and ``_validate.clean_numbers`` (pandas ``to_numeric``,
    for number text reaching any other function) give the same value for every hand case, including ``_``
    separators and non-ASCII digits, which Python's ``float`` would read but the ERP's pandas does not."""
    from bk_fast._validate import clean_numbers

    texts = pd.Series(HAND, dtype=dtype)
    ours = bkio.parse_numbers(texts, engine=engine).to_numpy()
    erp = clean_numbers(texts).to_numpy()
    assert same_bits(ours, erp), [(s, a, b) for s, a, b in zip(HAND, ours, erp) if not same_bits([a], [b])]


def test_trailing_nul_in_a_list_is_kept(engine):
    """A list of text is read as Python strings: NumPy's fixed-width strings would drop trailing NULs and
    read "0\\x00" as 0 (found by the generated-text test)."""
    texts = ["0\x00", "5\x00\x00", "\x00", "12"]
    assert same_bits(bkio.parse_numbers(texts, engine=engine), oracle(texts))
    assert np.isnan(bkio.parse_numbers(texts, engine=engine)[:3]).all()


# ---------------------------------------------------------------------------------------------------------
# review fixes


def _late_accent(rows: int) -> bytes:
    """A cp1252 export whose first non-ASCII byte lies beyond the 64 KiB sample the encoding is guessed from."""
    body = "".join(f"{i},Yarn {i} polyester,{i}.5\n" for i in range(rows))
    return ("Desc#,Description,Planning Balance\n" + body + "99999,Caf\u00e9 blend,5\n").encode("cp1252")


@pytest.mark.parametrize("arrow", ARROW)
def test_cp1252_beyond_the_first_lines(monkeypatch, arrow):
    """Crashed with UnicodeDecodeError (after a misleading 'pyarrow could not parse' warning), and read_exports
    skipped such a file; now it is read as cp1252 with a warning."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = _late_accent(4000)
    assert len(text) > 1 << 16 and text[: 1 << 16].isascii()
    with pytest.warns(UserWarning, match="not UTF-8 beyond its first lines.*reading it as cp1252"):
        df = bkio.read_erp(text)
    assert len(df) == 4001 and df["Description"].iloc[-1] == "Caf\u00e9 blend" and df["Desc#"].iloc[-1] == 99999
    with pytest.warns(UserWarning, match="reading it as cp1252"):
        chunks = list(bkio.read_erp(text, chunksize=5000))
    assert chunks[0]["Description"].iloc[-1] == "Caf\u00e9 blend"
    # an encoding the caller gives is not second-guessed: a clear error naming the file and what to pass
    with pytest.raises(ValueError, match=r"<stream>: not valid utf-8 text .*encoding='cp1252'"):
        bkio.read_erp(text, encoding="utf-8")
    # neither UTF-8 nor cp1252 (0x81 is undefined in cp1252)
    with pytest.raises(ValueError, match="neither UTF-8 nor cp1252"):
        with pytest.warns(UserWarning):
            bkio.read_erp(text + b"1,x\x81y,3\n")


def test_cp1252_found_after_chunks_were_yielded_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", False)  # (the pandas reader decodes in 256 KiB steps: quick)
    chunks = bkio.read_erp(_late_accent(40000), chunksize=1000)
    assert len(next(chunks)) == 1000
    with pytest.raises(ValueError, match=r"not valid utf-8 text .*pass the export's encoding, e.g. encoding='cp1252'"):
        list(chunks)



def _next_line() -> int:
    """The number of the caller's next line."""
    return sys._getframe(1).f_lineno + 1


@pytest.mark.parametrize("arrow", ARROW)
def test_read_warnings_point_at_the_callers_line(monkeypatch, arrow):
    """Warnings from a chunked read pointed one frame too far out (at the caller's caller: their stack levels
    counted a read_erp frame that is not on the stack when the caller iterates the chunks), and those of values
    read as NaN pointed inside bk_fast, whole or chunked. Each points at the user's line now: the read_erp call,
    or the loop over the chunks."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    late = _late_accent(4000)
    head, rest = late.split(b"\n", 1)
    text = head + b",Cost/Pound\n" + b'1,a,abc,"1.234,56"\n' + rest.replace(b"\n", b",1\n")
    for chunked in (False, True):
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            if chunked:
                at = _next_line()
                for _ in bkio.read_erp(text, chunksize=100000, progress=False):
                    pass
            else:
                at = _next_line()
                bkio.read_erp(text)
        ours = [w for w in got if str(w.message).startswith("<stream>")]
        said = " | ".join(str(w.message) for w in ours)
        assert "reading it as cp1252" in said, said
        assert "'Planning Balance': 1 value(s) are not numbers" in said, said
        assert "'Cost/Pound': 1 value(s) are not numbers" in said, said  # (a misplaced comma)
        assert {(w.filename, w.lineno) for w in ours} == {(__file__, at)}, (chunked, said)

def test_normalize_ids_beyond_float64_integers(engine):
    """Ids went through float64: 12345678901234567 became ...568, int64 2**53 + 1 became 2**53, and ids beyond int64
    became -9223372036854775808."""
    out = bk_fast.normalize_ids(pd.Series(["12345678901234567", " 18767", "$9,007,199,254,740,993 "]), engine=engine)
    assert str(out.dtype) == "Int64" and out.tolist() == [12345678901234567, 18767, 9007199254740993]
    ints = pd.Series([2 ** 53 + 1, np.iinfo(np.int64).min, np.iinfo(np.int64).max], dtype=np.int64)
    assert bk_fast.normalize_ids(ints, engine=engine).tolist() == ints.tolist()
    big = pd.Series([2 ** 62 + 1, None], dtype="Int64")
    assert bk_fast.normalize_ids(big, engine=engine).tolist()[0] == 2 ** 62 + 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (the cast of 1e20 to int64 warned)
        big = bk_fast.normalize_ids(pd.Series(["99999999999999999999", "1", "12345678901234567.5"]), engine=engine)
        assert big.tolist() == ["99999999999999999999", "1", "12345678901234567.5"]  # beyond int64 / not whole: text
        u = bk_fast.normalize_ids(pd.Series(np.array([2 ** 64 - 1, 5], dtype=np.uint64)), engine=engine)
        assert u.tolist() == ["18446744073709551615", "5"]


def test_parse_numbers_rejects_datetime_series():
    """A NumPy datetime array was a TypeError but a datetime Series / DatetimeIndex read as NaN row by row."""
    for values in (pd.Series(pd.to_datetime(["2025-01-01"])), pd.to_datetime(["2025-01-01"]).tz_localize("UTC"),
                   pd.Series(pd.to_timedelta(["1D"]))):
        with pytest.raises(TypeError, match="values must be text or numbers"):
            bkio.parse_numbers(values)


def test_empty_date_column_is_dates_in_every_chunk():
    """A date column with no date filled in (all unassigned knit orders, or such a chunk) was kept as text with
    a warning that its dates are in no known format: chunks of one file got text and datetime columns."""
    text = b"KO #,Style #,Balance,Start Date\nK1,A/1,5,\nK2,A/2,6,\nK3,A/3,7,09/01/2025\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty = bkio.read_erp(text.replace(b"09/01/2025", b""), optimize=False)
        chunks = list(bkio.read_erp(text, chunksize=2, optimize=False))
    assert empty["Start Date"].dtype == "datetime64[ns]" and empty["Start Date"].isna().all()
    assert [c["Start Date"].dtype for c in chunks] == [np.dtype("datetime64[us]")] * 2  # (chunks: always us)
    assert pd.concat(chunks)["Start Date"].tolist()[1:] == [pd.NaT, pd.Timestamp("2025-09-01")]


@needs("pyarrow")
def test_zero_length_arrow_slice(engine):
    """A zero-length slice with an offset (pyarrow keeps them in chunked arrays) crashed the offsets view."""
    chunked = pa.chunked_array([pa.array(["1", "2"]).slice(2, 0), pa.array(["$3 "]), pa.array(["4"]).slice(1)])
    assert same_bits(bkio.parse_numbers(chunked, engine=engine), [3.0])


# -- review fixes (session 5) ---------------------------------------------------------------------------------

@pytest.mark.parametrize("arrow", ARROW)
def test_id_columns_beyond_2_53_are_exact(monkeypatch, arrow):
    """A Desc# / Machine of 2**53 or more went through float64 and was rounded (9007199254740993 read as
    9007199254740992, two distinct yarns as one); ids below 2**53 keep their dtypes (int64, float64 when some are
    empty)."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    big = 2 ** 53 + 1
    text = (b"Desc#,Planning Balance\n9007199254740993,1\n18767,2\n-9223372036854775807,3\n"
            b"\"$12,345,678,901,234,567 \",4\n9223372036854775807.0,5\n")
    for optimize in (False, True):
        df = bkio.read_erp(text, optimize=optimize)
        assert df["Desc#"].dtype == np.int64
        assert df["Desc#"].tolist() == [big, 18767, -(2 ** 63 - 1), 12345678901234567, 2 ** 63 - 1]
        gaps = bkio.read_erp(text.replace(b"18767", b""), optimize=optimize)["Desc#"]
        assert str(gaps.dtype) == "Int64" and gaps.isna().tolist() == [False, True, False, False, False]
        assert gaps.iloc[0] == big and gaps.iloc[3] == 12345678901234567
    chunks = list(bkio.read_erp(text, chunksize=2, optimize=False))
    assert pd.concat(chunks)["Desc#"].tolist()[0] == big
    assert bkio.read_erp(b"WC,MACH\nA,9007199254740993\nB,7\n")["Machine"].tolist() == [big, 7]
    # unchanged below 2**53, and no exact integer to give: float64 as before
    small = bkio.read_erp(b"Desc#,Planning Balance\n18767,1\n,2\n", optimize=False)["Desc#"]
    assert small.dtype == np.float64 and same_bits(small, [18767.0, np.nan])
    assert bkio.read_erp(b"Desc#,Planning Balance\n18767,1\n18929,2\n")["Desc#"].dtype.kind == "i"
    # an id int64 cannot hold was its rounded float64 (1e+20 for 99999999999999999999): now its text, beside the
    # other ids as ints (as an id that is no number is read)
    for junk in (b"9007199254740993.5", b"99999999999999999999", b"inf"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = bkio.read_erp(b"Desc#,Planning Balance\n" + junk + b",1\n18767,2\n", optimize=False)["Desc#"]
        assert got.dtype == object and got.tolist() == [junk.decode(), 18767] and type(got[1]) is int


def test_xlsx_id_cells_beyond_2_53_are_exact(monkeypatch):
    """openpyxl gives whole-number cells as Python ints (exact) or text; both went through float64."""
    cells = pd.DataFrame([["Desc#", "Planning Balance"], [2 ** 53 + 1, 1.0], ["12345678901234567", 2.0],
                          [None, 3.0]], dtype=object)
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    ids = bkio.read_erp(b"PK\x03\x04 fake", optimize=False)["Desc#"]
    assert str(ids.dtype) == "Int64" and ids.tolist()[:2] == [2 ** 53 + 1, 12345678901234567] and ids.isna().iloc[2]


def test_xlsx_header_without_data_gives_no_chunk(monkeypatch):
    """A header-only workbook read in chunks gave one empty frame where the CSV gives none; unchunked, both give
    one empty frame with the columns."""
    for cells in (pd.DataFrame([["WC", "MACH"]], dtype=object),
                  pd.DataFrame([["junk", None], ["WC", "MACH"], [None, None]], dtype=object)):
        monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name, cells=cells: cells)
        assert list(bkio.read_erp(b"PK\x03\x04 fake", chunksize=5)) == []
        df = bkio.read_erp(b"PK\x03\x04 fake")
        assert df.shape == (0, 2) and list(df.columns) == ["WC", "Machine"]
    assert list(bkio.read_erp(b"WC,MACH\n", chunksize=5)) == []


@pytest.mark.parametrize("arrow", ARROW)
def test_blank_lines_beyond_the_sample_give_no_chunk(monkeypatch, arrow):
    """A header and more than 64 KiB of blank lines: the pandas reader yielded one empty chunk, pyarrow none."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = b"WC,MACH\n" + b"\r\n" * 40000
    assert list(bkio.read_erp(text, chunksize=5)) == []
    assert bkio.read_erp(text).shape == (0, 2)


# ---- end to end: exports read back and fed to the ERP adapters equal the in-memory frames ----


def _chained_requirements(knit_orders, bom, engine):
    from bk_fast import erp

    res = erp.yarn_requirements(knit_orders, bom, engine=engine)
    return res.by_order, res.by_yarn, res.unmatched


_KO_TEXT = b"Order #,Style #,Balance (lbs)\nK1,125792/1,\"1,048.10\"\nK2,FF 10006/0001,\"$14,210.40 \"\n"


@pytest.mark.parametrize("arrow", ARROW)
def test_a_yarn_id_that_is_no_number_stays_an_id(monkeypatch, arrow, engine):
    """A Desc# column with one id that is not a number ('Y-100') read that id as NaN (with a warning): the
    yarn was lost, and the BOM then refused its empty ids. The id is now kept (the other ids stay integers, exact
    beyond 2**53), and the requirements equal those of the in-memory frame on every engine."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    big = 2 ** 53 + 1
    text = (b"Style#,Desc#,BOM_Percentage\n125792/1,18767,0.914\n125792/1,Y-100,0.086\n"
            b"FF 10006/0001,18767.0,0.131\nFF 10006/0001,9007199254740993,0.5\n,,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for optimize in (False, True):
            bom = bkio.read_erp(text, optimize=optimize)
            ids = bom["Desc#"].tolist()
            assert ids[:4] == [18767, "Y-100", 18767, big] and pd.isna(ids[4])
            assert [type(x) for x in ids[:4]] == [int, str, int, int]
        chunks = list(bkio.read_erp(text, chunksize=2, optimize=False))
        assert pd.concat(chunks)["Desc#"].tolist()[:4] == [18767, "Y-100", 18767, big]
        assert bkio.read_erp(b"Style#,Desc#,BOM_Percentage\nA,Y-1,1\nB,,1\n")["Desc#"].tolist()[0] == "Y-1"
        kos = bkio.read_erp(_KO_TEXT, optimize=False)
    memory = pd.DataFrame({"Style#": ["125792/1", "125792/1", "FF 10006/0001", "FF 10006/0001", np.nan],
                           "Desc#": pd.array([18767, "Y-100", 18767, big, np.nan], dtype=object),
                           "BOM_Percentage": [0.914, 0.086, 0.131, 0.5, np.nan]})
    ko_memory = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["125792/1", "FF 10006/0001"],
                              "Balance (lbs)": [1048.1, 14210.4]})
    want = _chained_requirements(ko_memory, memory, engine)
    got = _chained_requirements(kos, bom, engine)
    for a, b in zip(want, got):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert got[1]["Desc#"].tolist() == [18767, big, "Y-100"]


def test_xlsx_yarn_id_that_is_no_number_stays_an_id(monkeypatch):
    cells = pd.DataFrame([["Desc#", "Planning Balance"], [18767.0, 1.0], ["Y-100", 2.0], [None, 3.0],
                          [9007199254740993, 4.0]], dtype=object)
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    ids = bkio.read_erp(b"PK\x03\x04 fake", optimize=False)["Desc#"].tolist()
    assert ids[:2] == [18767, "Y-100"] and type(ids[0]) is int and pd.isna(ids[2]) and ids[3] == 2 ** 53 + 1


@pytest.mark.parametrize("arrow", ARROW)
def test_percent_text_in_number_columns(monkeypatch, arrow, engine):
    """BOM percentages written '45%' (beside fractions 0.45) read as NaN with a warning, and the BOM then refused
    them: a number followed by % is now that number / 100, exactly as the fraction's own text reads."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = (b"Style#,Desc#,BOM_Percentage\n125792/1,18767,91.4%\n125792/1,18929,0.086\n"
            b"FF 10006/0001,18767,\" 13.1 % \"\nFF 10006/0001,18929,(5%)\nFF 10006/0001,18930,abc%\n")
    with pytest.warns(UserWarning, match=r"'BOM_Percentage': 1 value\(s\) are not numbers.*'abc%'.*row 4"):
        bom = bkio.read_erp(text, engine=engine)
    assert same_bits(bom["BOM_Percentage"], [0.914, 0.086, 0.131, -0.05, np.nan])
    assert bom.attrs["bk_fast"]["coerced"] == {"BOM_Percentage": 1}
    for bad in ("%45", "45%%", "inf%", "1_0%", "\u0664\u0665%"):  # not numbers: NaN, as before
        with pytest.warns(UserWarning, match="not numbers"):
            got = bkio.read_erp(f"Style#,Desc#,BOM_Percentage\nA,1,{bad}\n".encode(), engine=engine)
        assert same_bits(got["BOM_Percentage"], [np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bom = bkio.read_erp(text.replace(b"abc%", b"0.1"), engine=engine)
        kos = bkio.read_erp(_KO_TEXT, optimize=False)
    memory = pd.DataFrame({"Style#": ["125792/1", "125792/1", "FF 10006/0001", "FF 10006/0001", "FF 10006/0001"],
                           "Desc#": [18767, 18929, 18767, 18929, 18930],
                           "BOM_Percentage": [0.914, 0.086, 0.131, -0.05, 0.1]}).iloc[[0, 1, 2, 4]]
    bom = bom.iloc[[0, 1, 2, 4]]  # (a negative fraction is a BOM error: left out of the chain)
    ko_memory = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["125792/1", "FF 10006/0001"],
                              "Balance (lbs)": [1048.1, 14210.4]})
    for a, b in zip(_chained_requirements(ko_memory, memory, engine), _chained_requirements(kos, bom, engine)):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.mark.parametrize("arrow", ARROW)
def test_dates_in_several_formats_in_one_column(monkeypatch, arrow):
    """A date column holding several of the ERP's formats (MM/DD/YYYY beside YYYY-MM-DD, DD-Mon-YYYY, MM/DD/YY)
    was kept as text with a warning; each date now reads in the first format that reads it, in every chunk."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = (b"Order #,Style #,Balance (lbs),Start Date,Quoted Date\n"
            b"K1,125792/1,10,07/29/2025,2025-10-10\nK2,125792/1,20,2025-08-25,02-Sep-2025\n"
            b"K3,125792/1,30,06/23/25,\nK4,125792/1,40,07/15/2025 12:00 AM,11/06/2025\n")
    want_start = pd.to_datetime(["2025-07-29", "2025-08-25", "2025-06-23", "2025-07-15"])
    want_quoted = pd.to_datetime(["2025-10-10", "2025-09-02", None, "2025-11-06"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = bkio.read_erp(text)
        chunks = pd.concat(list(bkio.read_erp(text, chunksize=2)))
    for frame, unit in ((df, "ns"), (chunks, "us")):  # (read in chunks: datetime64[us], one dtype in every chunk)
        assert frame["Start Date"].dtype == frame["Quoted Date"].dtype == f"datetime64[{unit}]"
        assert frame["Start Date"].tolist() == want_start.tolist()
        assert frame["Quoted Date"].isna().tolist() == [False, False, True, False]
        assert frame["Quoted Date"].dropna().tolist() == want_quoted.dropna().tolist()
    # a value in no format: NaT with a warning naming the column and the row, whole and in chunks (was: the
    # column kept as text, which made the chunks' dtypes differ)
    with pytest.warns(UserWarning, match=r"'Start Date': 1 value\(s\) are in none of the known date formats .* "
                                         r"read as NaT \(first: 'soon' in data row 2\)"):
        kept = bkio.read_erp(text.replace(b"06/23/25", b"soon"))
    assert kept["Start Date"].dtype == "datetime64[ns]" and pd.isna(kept["Start Date"].tolist()[2])
    assert kept.attrs["bk_fast"]["coerced"] == {"Start Date": 1}


@pytest.mark.parametrize("arrow", ARROW)
def test_a_row_with_too_many_fields_names_its_line_in_the_file(monkeypatch, arrow):
    """pandas counts lines from the first data line: below two junk lines and the header, the bad row on line 6
    of the file was reported as 'line 3' (the header's line)."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = (b"Report 09/01/2025\nKnit Orders,,\nOrder #,Style #,Balance (lbs)\nK1,125792/1,10\n"
            b"K2,125792/1,20\nK3,125792/1,30,99\nK4,125792/1,40\n")
    for chunksize in (None, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (pyarrow's failure: 'reading with pandas')
            with pytest.raises(ValueError, match=r"<stream>: .*Expected 3 fields in line 6 of the file, saw 4"):
                got = bkio.read_erp(text, chunksize=chunksize)
                if chunksize:
                    list(got)


@pytest.mark.parametrize("arrow", ARROW)
def test_dates_beyond_2262_read_as_microseconds(monkeypatch, arrow):
    """The ERP's 12/31/9999 placeholder in a date column raised pandas' OutOfBoundsDatetime (naming no column) on
    the cast to datetime64[ns], in one format or in several: such a column is datetime64[us] now."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    head = b"Order #,Style #,Balance (lbs),Start Date\n"
    for body, want in ((b"K1,S,1,07/29/2025\nK2,S,1,2025-08-25\nK3,S,1,12/31/9999\n",
                        ["2025-07-29", "2025-08-25", "9999-12-31"]),
                       (b"K1,S,1,07/29/2025\nK3,S,1,12/31/9999\n", ["2025-07-29", "9999-12-31"])):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            col = bkio.read_erp(head + body, optimize=False)["Start Date"]
        assert col.dtype == "datetime64[us]" and col.tolist() == [pd.Timestamp(d) for d in want]
        chunks = list(bkio.read_erp(head + body, chunksize=1, optimize=False))
        assert [c["Start Date"].iloc[0] for c in chunks] == [pd.Timestamp(d) for d in want]
    assert bkio.read_erp(head + b"K1,S,1,07/29/2025\n")["Start Date"].dtype == "datetime64[ns]"  # (as before)


@pytest.mark.parametrize("arrow", ARROW)
def test_missing_value_words_in_an_id_column_are_missing(monkeypatch, arrow):
    """Since id columns keep ids that are no numbers (e3bdebe), 'nan', 'N/A' and 'NULL' became yarns named so
    (and turned an all-number column into text ids); they are pandas' missing values: missing ids, as before."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    head = b"Style#,Desc#,BOM_Percentage\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixed = bkio.read_erp(head + b"A,18767,0.5\nA,nan,0.5\nA, N/A ,0.1\nA,Y-1,0.2\nA,,0.1\n", optimize=False)
        numbers = bkio.read_erp(head + b"A,18767,0.5\nA,NULL,0.5\nA,n/a,0.1\n", optimize=False)
    assert mixed["Desc#"].tolist()[0] == 18767 and mixed["Desc#"].tolist()[3] == "Y-1"
    assert mixed["Desc#"].isna().tolist() == [False, True, True, False, True]
    assert numbers["Desc#"].dtype == np.float64 and numbers["Desc#"].isna().tolist() == [False, True, True]


@pytest.mark.parametrize("arrow", ARROW)
def test_chunks_of_dates_concatenate_with_the_9999_placeholder(monkeypatch, arrow):
    """Read in chunks, the chunk holding 12/31/9999 was datetime64[us] and the others datetime64[ns]: pd.concat
    of the chunks cast to ns and raised OutOfBoundsDatetime. Every chunk's dates are datetime64[us] now."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = b"Order #,Style #,Balance (lbs),Start Date\nK1,S,1,07/29/2025\nK2,S,1,\nK3,S,1,12/31/9999\n"
    chunks = list(bkio.read_erp(text, chunksize=1, optimize=False))
    assert [c["Start Date"].dtype for c in chunks] == [np.dtype("datetime64[us]")] * 3
    assert pd.concat(chunks)["Start Date"].tolist() == [pd.Timestamp("2025-07-29"), pd.NaT,
                                                        pd.Timestamp("9999-12-31")]
    assert bkio.read_erp(text, optimize=False)["Start Date"].dtype == "datetime64[us]"  # (whole: as before)


def test_xlsx_date_cells_beyond_2262_are_not_wrapped(monkeypatch):
    """An XLSX date cell of 12/31/9999 (a datetime in the workbook) raised OutOfBoundsDatetime when every cell
    was a date, and beside a text date it silently became 1816-03-29 (the cast to ns wrapped around)."""
    when = [pd.Timestamp("2025-09-01").to_pydatetime(), pd.Timestamp("9999-12-31").to_pydatetime()]
    for cells_of_column in (when, [when[0], "12/31/9999"], [when[1], "09/01/2025"]):
        cells = pd.DataFrame([["Order #", "Style #", "Balance (lbs)", "Start Date"]]
                             + [["K1", "S", 1.0, cells_of_column[0]], ["K2", "S", 2.0, cells_of_column[1]]],
                             dtype=object)
        monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name, cells=cells: cells)
        col = bkio.read_erp(b"PK\x03\x04 fake xlsx", optimize=False)["Start Date"]
        want = sorted(pd.Timestamp(d) for d in ("2025-09-01", "9999-12-31"))
        assert col.dtype == "datetime64[us]" and sorted(col.tolist()) == want
    cells = pd.DataFrame([["Order #", "Style #", "Balance (lbs)", "Start Date"], ["K1", "S", 1.0, when[0]],
                          ["K2", "S", 2.0, "09/03/2025"]], dtype=object)
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    col = bkio.read_erp(b"PK\x03\x04 fake xlsx", optimize=False)["Start Date"]
    assert col.dtype == "datetime64[ns]" and col.tolist() == [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-03")]


@pytest.mark.parametrize("arrow", ARROW)
@pytest.mark.parametrize("block", [None, 1, 5])
def test_bad_row_line_counts_breaks_inside_quoted_fields(monkeypatch, tmp_path, arrow, block):
    """A quoted note spanning lines before a bad row: the error named pandas' line (which skips the breaks inside
    quotes), one short of the file's line per such break."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    if block:
        monkeypatch.setattr(bkio, "_LINE_BLOCK", block)
    text = (b'junk\nDesc#,Description,Planning Balance\n1,"t""w""o\r\nli\nnes",3\r\n\r\n2,b,4\n3,"c\n",5\n'
            b'4,d,5,6\n')
    path = tmp_path / "yarn.csv"
    path.write_bytes(text)
    for source in (text, path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (pyarrow's fallback to pandas warns)
            with pytest.raises(ValueError, match=r"Expected 3 fields in line 10 of the file, saw 4"):
                bkio.read_erp(source)


# -- review fixes (session 7, io oracle): exact wholeness of ids, big ids beside fractions, huge ints, dates ----

def _whole_id_oracle(text: str):
    """The id normalize_ids gives for one id text: its exact decimal value as an int when that is a whole number
    within int64, else the text (upper case)."""
    from decimal import Decimal

    d = Decimal(clean_text(text))
    if d.is_finite() and d == d.to_integral_value() and -2 ** 63 <= int(d) < 2 ** 63:
        return int(d)
    return text.strip().upper()


@pytest.mark.parametrize("arrow", ARROW)
@pytest.mark.parametrize("text", ["18767.0000000000000001", "9007199254740990.5", "4503599627370497.5", "1e-400",
                                  "-0.00000000000000000001", "0.99999999999999999999", "1875E-1"])
def test_normalize_ids_fraction_whose_float64_is_whole_stays_text(monkeypatch, engine, arrow, text):
    """Wholeness was decided from the float64: '18767.0000000000000001' (float64 18767.0) became yarn 18767, an
    id that exists; '1e-400' became 0. It is decided from the id as written now."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    for series in (pd.Series([text, " 18767"]), pd.Series([text, " 18767"], dtype=object),
                   pd.Series([text, " 18767"], dtype="category")):
        got = bk_fast.normalize_ids(series, engine=engine)
        assert str(got.dtype) != "Int64" and got.tolist() == [text.upper(), "18767"], (series.dtype, got.tolist())
    # whole numbers written with many digits are still whole
    for whole, want in (("18767.000000000000000000", 18767), ("0.0000000000000000e-400", 0), ("1.8767e4", 18767),
                        ("$12,345,678,901,234.000", 12345678901234)):
        assert bk_fast.normalize_ids(pd.Series([whole]), engine=engine).tolist() == [want]


def test_normalize_ids_decimal_objects_are_exact(engine):
    from decimal import Decimal
    from fractions import Fraction

    got = bk_fast.normalize_ids(pd.Series([Decimal("18767.00000000000000001"), Decimal("18767.000"),
                                           Fraction(37535, 2), Fraction(37534, 2), 5], dtype=object), engine=engine)
    assert got.tolist() == ["18767.00000000000000001", "18767", "37535/2", "18767", "5"]
    assert bk_fast.normalize_ids(pd.Series([Decimal("sNaN"), "5"]), engine=engine).tolist() == [pd.NA, 5]


_digits = st.text(alphabet="0123456789", min_size=0, max_size=22)


@settings(max_examples=80, deadline=None)
@given(ints=_digits, frac=_digits, exp=st.one_of(st.none(), st.integers(-420, 25)), neg=st.booleans(),
       arrow=st.booleans() if HAVE_PYARROW else st.just(False))
def test_normalize_ids_wholeness_matches_the_exact_decimal(ints, frac, exp, neg, arrow):
    text = ("-" if neg else "") + (ints or "0") + ("." + frac if frac else "") + ("" if exp is None else f"e{exp}")
    old = bkio._HAVE_PYARROW
    bkio._HAVE_PYARROW = arrow
    try:
        for engine in [e for e in ENGINES if engine_status(e).available]:  # (every one, in CI)
            got = bk_fast.normalize_ids(pd.Series([text, "7"]), engine=engine).tolist()
            want = _whole_id_oracle(text)
            assert got == ([want, 7] if isinstance(want, int) else [want, "7"]), (text, engine, got)
    finally:
        bkio._HAVE_PYARROW = old


@pytest.mark.parametrize("arrow", ARROW)
def test_read_erp_fraction_lost_in_float64_is_no_other_yarn(monkeypatch, engine, arrow):
    """Desc# '18767.0000000000000001' read as yarn 18767 (its float64), '1e-400' as yarn 0: such an id is no number
    to round, so the column is the documented object column (whole ids as ints, the others as written)."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = b"Desc#,Planning Balance\n18767.0000000000000001,1\n1e-400,2\n18767,3\n,4\n"
    for optimize in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ids = bkio.read_erp(text, optimize=optimize, engine=engine)["Desc#"]
        assert ids.dtype == object and ids.tolist()[:3] == ["18767.0000000000000001", "1e-400", 18767]
        assert type(ids.iloc[2]) is int and pd.isna(ids.iloc[3])
    chunks = list(bkio.read_erp(text, chunksize=1, optimize=False, engine=engine))
    assert [c["Desc#"].tolist()[0] for c in chunks[:3]] == ["18767.0000000000000001", "1e-400", 18767]
    # long text that is a whole number is still the number; plain fractions stay float64 as before
    assert bkio.read_erp(b"Desc#,Planning Balance\n18767.000000000000000000,1\n18929,2\n",
                         engine=engine)["Desc#"].tolist() == [18767, 18929]
    small = bkio.read_erp(b"Desc#,Planning Balance\n1.5,1\n18929,2\n", optimize=False, engine=engine)["Desc#"]
    assert small.dtype == np.float64 and small.tolist() == [1.5, 18929.0]


@pytest.mark.parametrize("arrow", ARROW)
def test_read_erp_fraction_beside_an_id_beyond_2_53_keeps_it_exact(monkeypatch, engine, arrow):
    """One fractional id made the column float64, rounding 9007199254740993 to ...992 (two yarns as one): such a
    column is the object column now (whole ids as ints, exactly; the fraction as its text)."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = b"Desc#,Planning Balance\n9007199254740993,1\n1.5,2\n,3\n18767,4\n"
    for optimize in (False, True):
        ids = bkio.read_erp(text, optimize=optimize, engine=engine)["Desc#"]
        assert ids.dtype == object and ids.tolist()[0] == 2 ** 53 + 1 and type(ids.iloc[0]) is int
        assert ids.tolist()[1] == "1.5" and pd.isna(ids.iloc[2]) and ids.tolist()[3] == 18767


def test_xlsx_fraction_beside_an_id_beyond_2_53(monkeypatch):
    cells = pd.DataFrame([["Desc#", "Planning Balance"], [2 ** 53 + 1, 1.0], [1.5, 2.0]], dtype=object)
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    ids = bkio.read_erp(b"PK\x03\x04 fake", optimize=False)["Desc#"]
    assert ids.dtype == object and ids.tolist() == [2 ** 53 + 1, "1.5"]


def test_parse_numbers_int_beyond_float_range_and_signalling_nan(engine):
    """A Python int beyond the float range raised OverflowError (its text '1e400' is inf); Decimal('sNaN') raised
    InvalidOperation (pandas' missing-value check). They are +-inf (the correctly rounded float) and NaN."""
    from decimal import Decimal

    values = np.array(["1", 10 ** 400, -(10 ** 400), 2 ** 1024 - 2 ** 970, 2 ** 1024 - 2 ** 971, Decimal("sNaN"),
                       Decimal("-sNaN"), 7], dtype=object)
    got = bkio.parse_numbers(values, engine=engine)
    assert same_bits(got, [1.0, np.inf, -np.inf, np.inf, float(2 ** 1024 - 2 ** 971), np.nan, np.nan, 7.0])
    assert same_bits(got[1:5], [float(str(v)) for v in values[1:5]])  # (as the same number written as text)
    assert same_bits(bkio.parse_numbers(pd.Series(values), engine=engine), got)


@pytest.mark.parametrize("arrow", ARROW)
def test_known_date_column_value_in_no_format_is_nat_whole_and_in_chunks(monkeypatch, engine, arrow):
    """A chunk holding one date in no known format came back as text while the other chunks were datetime64[us]
    (the chunks did not concatenate). Known date columns are dates always now: such a value is NaT, with a
    warning naming the column and the row, counted in attrs['coerced'], as a number column treats text."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = (b"Order #,Style #,Balance (lbs),Start Date,Last Receipt Date\n"
            b"K1,a,1,09/01/2025,09/01/2025\nK2,b,2,09/02/2025,09/01/2025\nK3,c,3,bad,09/01/2025\n"
            b"K4,d,4,TBD,soon\n")
    with pytest.warns(UserWarning, match=r"'Start Date': 2 value\(s\) .* NaT \(first: 'bad' in data row 2\)"):
        whole = bkio.read_erp(text, optimize=False, engine=engine)
    assert whole["Start Date"].dtype == "datetime64[ns]"
    assert whole["Start Date"].tolist() == [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-02"), pd.NaT, pd.NaT]
    assert whole.attrs["bk_fast"]["coerced"] == {"Start Date": 2}
    # an unknown column with "date" in its name is dates only when every value reads, as before
    assert whole["Last Receipt Date"].tolist() == ["09/01/2025"] * 3 + ["soon"]
    for size in (1, 2, 3):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parts = list(bkio.read_erp(text, chunksize=size, engine=engine, progress=False))
        assert {str(p["Start Date"].dtype) for p in parts} == {"datetime64[us]"}  # (also a chunk of no date)
        joined = pd.concat(parts)
        assert joined["Start Date"].tolist() == whole["Start Date"].tolist()
        assert parts[-1].attrs["bk_fast"]["coerced"] == {"Start Date": 2}  # (counted over the chunks so far)
        rows = sorted({m for w in caught for m in ("row 2", "row 3") if m in str(w.message)})
        assert rows == ["row 2", "row 3"] if size == 1 else rows[:1] == ["row 2"]


def test_xlsx_known_date_column_value_in_no_format_is_nat(monkeypatch):
    when = pd.Timestamp("2025-09-01").to_pydatetime()
    cells = pd.DataFrame([["Order #", "Style #", "Balance (lbs)", "Start Date"], ["K1", "S", 1.0, when],
                          ["K2", "S", 2.0, "soon"], ["K3", "S", 3.0, " 09/03/2025 "]], dtype=object)
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    with pytest.warns(UserWarning, match=r"'Start Date': 1 value\(s\) .* NaT \(first: 'soon' in data row 1\)"):
        col = bkio.read_erp(b"PK\x03\x04 fake xlsx", optimize=False)["Start Date"]
    assert col.dtype == "datetime64[ns]"
    assert col.tolist() == [pd.Timestamp("2025-09-01"), pd.NaT, pd.Timestamp("2025-09-03")]


@pytest.mark.parametrize("arrow", ARROW)
def test_dates_padded_with_spaces_read(monkeypatch, engine, arrow):
    """One date cell padded with spaces (' 09/02/2025 ', or no-break spaces) turned the whole date column into
    text: surrounding whitespace is stripped before matching the formats (DOMAIN: strip before matching); a
    blank cell is a missing date."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = ("Order #,Style #,Balance (lbs),Start Date,Last Receipt Date\n"
            "K1,a,1,09/01/2025,09/01/2025\nK2,b,2, 09/02/2025 ,\u00a009/02/2025\u00a0\n"
            "K3,c,3,\u00a02025-09-03\t,  \nK4,d,4,   ,09/04/2025\n").encode("utf-8")
    want = [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-02"), pd.Timestamp("2025-09-03"), pd.NaT]
    want_last = [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-02"), pd.NaT, pd.Timestamp("2025-09-04")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = bkio.read_erp(text, optimize=False, engine=engine)
        parts = list(bkio.read_erp(text, chunksize=3, optimize=False, engine=engine, progress=False))
    assert df["Start Date"].dtype == df["Last Receipt Date"].dtype == "datetime64[ns]"
    assert df["Start Date"].tolist() == want and df["Last Receipt Date"].tolist() == want_last
    assert pd.concat(parts)["Start Date"].tolist() == want
    assert df.attrs["bk_fast"]["coerced"] == {}


# -- review of session 7's changes (regressions) --------------------------------------------------------------


@pytest.mark.parametrize("arrow", ARROW)
@pytest.mark.parametrize("block", [None, 1, 4])
def test_bad_row_line_with_a_literal_quote_mid_field(monkeypatch, arrow, block):
    """A quote inside an unquoted field (an inch mark: 30" cotton) is a character to pandas, not the start of a
    quoted field; counting every quote's parity took each later line break as inside quotes (the bad row on line
    6 was named 'line 11', beyond the file's end). A quoted field closed before more text ("ab"cd) and "" kept."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    if block:
        monkeypatch.setattr(bkio, "_LINE_BLOCK", block)
    text = b'junk\nDesc#,Description,Planning Balance\n1,30" cotton,3\n2,b,4\n3,c,5\n4,d,5,6\n5,e,7\n'
    text2 = (b'junk\nDesc#,Description,Planning Balance\n"ab"cd,"x""\ny",1\n2,x"y"\n,3\n'
             b'"q""r",",\n",5\n4,d,5,6\n')  # (the bad row on line 9)
    for source, line in ((text, 6), (text2, 9)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (pyarrow's fallback to pandas warns)
            with pytest.raises(ValueError, match=rf"Expected 3 fields in line {line} of the file, saw 4"):
                bkio.read_erp(source)


@pytest.mark.parametrize("arrow", ARROW)
def test_zero_filled_or_padded_ids_are_not_checked_one_by_one(monkeypatch, arrow):
    """Review of session 7: the exact wholeness check of ids flagged every id text longer than 15 characters, so a
    column of ids zero-filled or right-aligned to 16 characters ("0000000000018767") went through Python row by row
    (read_erp 26x slower, normalize_ids 170x at 500,000 rows). Leading zeros, spaces, signs and currency hold no
    significant digit: only text with more than 15 characters from its first significant one is checked."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    vals = ["0000000000018767", "            18767", "(000000000000018767)", "$0,000,000,000,018,767.00",
            "+000000000000000000000000000000000000000000001", "18767.0000000000000001", "1e-400",
            "-0000000000000001.0000000000000001"]
    flagged = [False, False, False, False, False, True, True, True]
    out, _ = bkio._parse_any(np.array(vals, dtype=object), None)
    cand = out == np.trunc(out)
    assert cand.all()
    for col in (np.array(vals, dtype=object), *([pa.chunked_array([vals])] if HAVE_PYARROW else [])):
        assert bkio._float_may_mislead(col, out, cand).tolist() == flagged
    text = ("Desc#,Description,Planning Balance\n" + "".join(f"\"{v}\",x,1\n" for v in vals[:5])).encode()
    assert bkio.read_erp(text, optimize=False)["Desc#"].tolist() == [18767, 18767, -18767, 18767, 1]
    assert bkio.normalize_ids(pd.Series(vals[:5], dtype=object)).tolist() == [18767, 18767, -18767, 18767, 1]


def test_read_mill_gives_make_mills_float_id_columns(tmp_path, engine):
    """Found by an independent oracle: with every knit order on a machine (or a BOM export without trailing
    empty rows) read_mill gave Machine / Desc# as int64, where make_mill's frames hold float64."""
    mill = bk_fast.datasets.make_mill(scale=0.001, seed=0)
    bk_fast.datasets.write_exports(mill, tmp_path)
    (tmp_path / "BOM.csv").write_text("Style#,Desc#,BOM_Percentage\nA/1,18767,0.5\nA/1,18929,0.5\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = bk_fast.io.read_mill(tmp_path, engine=engine)
    assert again["knit_orders"]["Machine"].dtype == mill["knit_orders"]["Machine"].dtype == np.float64
    assert again["knit_orders"]["Machine"].tolist() == mill["knit_orders"]["Machine"].tolist()
    assert again["bom"]["Desc#"].dtype == np.float64 and again["bom"]["Desc#"].tolist() == [18767.0, 18929.0]


def test_chunks_with_big_ids_concatenate_exactly_through_int64():
    # a chunk of empty ids is float64 (as a whole read of small ids with empties): the docstring's recipe
    text = b"Desc#,Description,Planning Balance\n9007199254740993,a,1.5\n,b,2.0\n"
    whole = bkio.read_erp(text, optimize=False)
    assert whole["Desc#"].dtype == "Int64" and whole["Desc#"].iloc[0] == 2 ** 53 + 1
    for optimize in (False, True):
        chunks = [c.astype({"Desc#": "Int64"}) for c in bkio.read_erp(text, chunksize=1, optimize=optimize)]
        assert pd.concat(chunks)["Desc#"].tolist() == [2 ** 53 + 1, pd.NA]


def test_many_percent_cells_read_exactly_as_the_decimal_shift(engine):
    """Plain percent cells go through the parser in one pass ('91.4%' as '91.4e-2'); each must equal the
    Decimal shift of the per-cell path, float(Decimal(text).scaleb(-2)), sign of zero included."""
    from decimal import Decimal

    rng = np.random.default_rng(7)
    nums = [f"{x:.{d}f}" for x, d in zip(rng.uniform(-200, 200, 3000), rng.integers(0, 6, 3000))]
    nums += ["-0", "0", "5.", ".5", "+5", "9" * 25, "0.000000000000000000001"]
    cells = [f"{t}{rng.choice(['%', ' %', '% '])}" for t in nums]
    text = "Style#,Desc#,BOM_Percentage\n" + "".join(f"S,{i},\"{c}\"\n" for i, c in enumerate(cells))
    got = bkio.read_erp(text.encode(), engine=engine, optimize=False)["BOM_Percentage"].to_numpy()
    want = np.array([float(Decimal(t).scaleb(-2)) for t in nums])
    assert same_bits(got, want)


# -- Excel's "Unicode Text" and tab-separated exports (session 11) -------------------------------------------

_UNICODE_CSV = ('Yarn report 09/01/2025\r\nDesc #,Description,Planning_Balance,Cost/Pound\r\n'
                '18767,"1/150/34, Polyester","1,200.00",$2.41 \r\n18929,Caf\u00e9 nylon,(2183.40),$0.00 \r\n'
                '19003,"Blend ""A""",0,$1.10 \r\n')
_UNICODE_TAB = ('Yarn report 09/01/2025\r\nDesc #\tDescription\tPlanning_Balance\tCost/Pound\r\n'
                '18767\t1/150/34, Polyester\t"1,200.00"\t$2.41 \r\n18929\tCaf\u00e9 nylon\t(2183.40)\t$0.00 \r\n'
                '19003\t"Blend ""A"""\t0\t$1.10 \r\n')


@pytest.mark.parametrize("arrow", ARROW)
def test_unicode_text_and_tab_separated_exports_read_as_the_csv(monkeypatch, tmp_path, arrow):
    """Excel's "Save as Unicode Text" writes tab-separated UTF-16 with a byte-order mark: read_erp found no
    header in it ('no line names a known ERP column'), nor in tab-separated UTF-8. Both now read as the same
    export written as CSV, whole and in chunks, from bytes and from a file."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    want = bkio.read_erp(_UNICODE_CSV.encode())
    assert want["Description"].tolist() == ["1/150/34, Polyester", "Caf\u00e9 nylon", 'Blend "A"']
    cases = {"utf-8": _UNICODE_TAB.encode(), "utf-16": _UNICODE_TAB.encode("utf-16"),
             "utf-16-be": codecs.BOM_UTF16_BE + _UNICODE_TAB.encode("utf-16-be"),
             "utf-32": _UNICODE_TAB.encode("utf-32"), "csv utf-16": _UNICODE_CSV.encode("utf-16")}
    for label, data in cases.items():
        path = tmp_path / "yarn.txt"
        path.write_bytes(data)
        for src in (data, path):
            got = bkio.read_erp(src)
            pd.testing.assert_frame_equal(got, want, obj=label)
            assert got.attrs["bk_fast"]["header_line"] == 1 and got.attrs["bk_fast"]["kind"] == "yarn_inventory"
            pd.testing.assert_frame_equal(pd.concat(list(bkio.read_erp(src, chunksize=2))), want, obj=label)
    # an encoding given without a byte-order mark
    pd.testing.assert_frame_equal(bkio.read_erp(_UNICODE_TAB.encode("utf-16-le"), encoding="utf-16-le"), want)


def test_unicode_text_errors_name_the_file_and_what_to_pass():
    with pytest.raises(ValueError, match=r"<stream>: not valid utf-16 text .*truncated data"):
        bkio.read_erp(_UNICODE_TAB.encode("utf-16")[:-1])
    with pytest.raises(ValueError, match=r"<stream>: unknown encoding 'latin-9x'"):
        bkio.read_erp(_UNICODE_CSV.encode(), encoding="latin-9x")


@pytest.mark.parametrize("arrow", ARROW)
def test_a_bad_row_of_a_tab_separated_export_names_its_line(monkeypatch, arrow):
    """The line of a row with too many fields is counted with the file's delimiter (a quoted field holding line
    breaks opens after a tab)."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = ("Knit Orders\nOrder #\tStyle #\tBalance (lbs)\nK1\t\"125792/1\nsecond line\"\t10\n"
            "K2\t125792/1\t20\nK3\t125792/1\t30\t99\n").encode("utf-16")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (pyarrow's failure: 'reading with pandas')
        with pytest.raises(ValueError, match=r"<stream>: .*Expected 3 fields in line 6 of the file, saw 4"):
            bkio.read_erp(text)


def test_semicolon_exports_are_refused_unless_the_delimiter_is_given():
    """A semicolon-separated export comes from a locale that writes decimal commas: cleaning '1.200,50' as a
    thousands-comma number would read 1.2005, so the header is refused with what to do; given, it is read."""
    text = b"Desc#;Description;Planning Balance\n18767;Polyester;1200.50\n"
    with pytest.raises(ValueError, match=r"<stream>: the header is separated by semicolons.*delimiter=';'"):
        bkio.read_erp(text)
    got = bkio.read_erp(text, delimiter=";")
    assert got["Desc#"].tolist() == [18767] and got["Planning Balance"].tolist() == [1200.5]
    # the delimiter given wins over detection (tab text read with commas: one column, no known header)
    with pytest.raises(ValueError, match="no header row found"):
        bkio.read_erp(_UNICODE_TAB.encode(), delimiter=",")
    for bad in ("", ";;", '"', "\n", 9, "\u00a7"):
        with pytest.raises(ValueError, match="delimiter must be one ASCII character"):
            bkio.read_erp(text, delimiter=bad)


def test_read_exports_reads_unicode_text_and_tsv_files(tmp_path):
    """A folder where the inventory was saved as Unicode Text (.txt) and the BOM as .tsv: read_exports skipped
    both (only .csv / .xlsx were looked at), so read_mill had no inventory or BOM."""
    mill = bk_fast.datasets.make_mill(scale=0.01, seed=3)
    bk_fast.datasets.write_exports(mill, tmp_path / "csv")
    want = bkio.read_exports(tmp_path / "csv")
    mixed = tmp_path / "mixed"
    bk_fast.datasets.write_exports(mill, mixed)
    for name, new, enc in (("yarn_inventory.csv", "yarn_inventory.txt", "utf-16"), ("BOM.csv", "BOM.tsv", "utf-8")):
        rows = list(csv.reader(stdio.StringIO((mixed / name).read_text(encoding="utf-8-sig"), newline="")))
        out = stdio.StringIO(newline="")
        csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
        (mixed / new).write_bytes(out.getvalue().encode(enc))
        (mixed / name).unlink()
    got = bkio.read_exports(mixed)
    assert sorted(got) == sorted(want)
    for kind in want:
        pd.testing.assert_frame_equal(got[kind], want[kind], check_dtype=True, obj=kind)


def test_sql_and_excel_date_times_are_dates():
    """SQL-style '2025-09-01 08:00:00.000', Excel's '9/1/2025 8:00:00 PM', ISO with fractions and
    '2025-09-02 13:30' were in no known format: NaT with a warning (dates audit)."""
    text = (b"Order #,Style #,Balance (lbs),Start Date\nK1,S,1,2025-09-01 08:00:00.000\nK2,S,2,9/1/2025 8:00:00 PM\n"
            b"K3,S,3,2025-09-01T08:00:00.123456\nK4,S,4,2025-09-02 13:30\nK5,S,5,09/03/2025\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bkio.read_erp(text)["Start Date"]
    assert got.tolist() == [pd.Timestamp("2025-09-01 08:00"), pd.Timestamp("2025-09-01 20:00"),
                            pd.Timestamp("2025-09-01 08:00:00.123456"), pd.Timestamp("2025-09-02 13:30"),
                            pd.Timestamp("2025-09-03")]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(codec):
    """SQL Server's bcp -w writes UTF-16-LE without a BOM: it was read as UTF-8, one data row became several,
    the ids text with NUL bytes and every balance NaN, with warnings only (docs audit). A NUL in every other
    byte of the first KiB now marks it as UTF-16."""
    want = bkio.read_erp(_UNICODE_CSV.encode())
    pd.testing.assert_frame_equal(bkio.read_erp(_UNICODE_TAB.encode(codec)), want)
    pd.testing.assert_frame_equal(pd.concat(list(bkio.read_erp(_UNICODE_TAB.encode(codec), chunksize=2))), want)


def test_a_folder_of_semicolon_exports_reads_with_the_delimiter_given(tmp_path):
    """read_erp refuses a semicolon header with 'pass delimiter=;', but read_exports / read_mill took no
    delimiter= (docs audit): a folder of such exports could not be read at all."""
    (tmp_path / "yarn.csv").write_bytes(b"Desc#;Description;Planning Balance\n18767;Polyester;1200.50\n")
    with pytest.warns(UserWarning, match="skipped yarn.csv: .*separated by semicolons"):
        assert bkio.read_exports(tmp_path) == {}
    got = bkio.read_exports(tmp_path, delimiter=";")
    assert got["yarn_inventory"]["Planning Balance"].tolist() == [1200.5]
    assert bkio.read_mill(tmp_path, delimiter=";")["yarn_inventory"]["Desc#"].tolist() == [18767]
    with pytest.raises(ValueError, match="delimiter must be one ASCII character"):
        bkio.read_exports(tmp_path, delimiter=";;")


# -- io audit fixes: pyarrow's block ends, late reader failures in chunks, duplicate names, unknown columns in
# chunks, header cells with line breaks, text file objects --------------------------------------------------

def _crlf_note_at(offset: int) -> tuple[bytes, str]:
    """A yarn export whose body (below the header) holds a quoted note with a CRLF whose CR is byte ``offset``,
    and that note."""
    head = b"".join(b"%d,plain,1\r\n" % i for i in range((offset - 60) // 12))
    note = "x" * (offset - len(head) - len(b'999,"line one')) + "line one\r\nline two"
    body = head + b'999,"' + note.encode() + b'",7\r\n' + b"1000,tail,2\r\n"
    assert body[offset:offset + 2] == b"\r\n"
    return b"Desc#,Description,Planning Balance\r\n" + body, note


@needs("pyarrow")
@pytest.mark.parametrize("offset", [511, 1023, 1535])
def test_crlf_inside_a_quoted_field_at_the_end_of_a_pyarrow_block_keeps_its_lf(monkeypatch, offset):
    """pyarrow drops the LF of a CRLF inside a quoted field whose CR ends one of its blocks (apache/arrow#51368):
    a note 'line one\\r\\nline two' read as 'line one\\rline two'. The block size is now one at none of whose
    multiples the body splits a CRLF."""
    monkeypatch.setattr(bkio, "_ARROW_BLOCK", 512)
    text, note = _crlf_note_at(offset)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (read by pyarrow: no fallback to pandas)
        whole = bkio.read_erp(text, optimize=False)
        chunks = pd.concat(list(bkio.read_erp(text, optimize=False, chunksize=7)))
    for got in (whole, chunks):
        assert got.loc[got["Desc#"] == 999, "Description"].tolist() == [note]
        assert got["Desc#"].tolist()[-2:] == [999, 1000]
    body = text[text.index(b"\n") + 1:]
    size = bkio._arrow_block_size(pa.py_buffer(body), "utf-8", ",")
    assert size < 512 and all(body[k - 1:k + 1] != b"\r\n" for k in range(size, len(body), size))


def _late_row(last: bytes, n: int = 200) -> bytes:
    return b"WC,MACH,Extra\n" + b"".join(b"9.38.20.F,%d,x\n" % i for i in range(n)) + last


@needs("pyarrow")
def test_chunked_read_on_from_where_pyarrow_failed_equals_the_whole(monkeypatch):
    """A short row beyond pyarrow's first block, after chunks were yielded: 'Expected 3 columns, got 2' was raised
    where the whole read falls back to pandas and reads it. pandas now reads on from the first row not yielded."""
    monkeypatch.setattr(bkio, "_ARROW_BLOCK", 512)
    text = _late_row(b"9.38.20.F,12\n9.38.20.F,13,y\n")
    with pytest.warns(UserWarning, match="reading with pandas"):
        whole = bkio.read_erp(text, optimize=False)
    with pytest.warns(UserWarning, match=r"reading with pandas from data row \d+"):
        chunks = list(bkio.read_erp(text, optimize=False, chunksize=10))
    assert [len(c) for c in chunks] == [10] * 20 + [2]
    pd.testing.assert_frame_equal(pd.concat(chunks), whole)
    assert whole["Extra"].tolist()[-2:] == [np.nan, "y"]


def test_chunked_bad_row_beyond_pyarrow_first_block_names_its_line(monkeypatch):
    """The same late failure with a row of too many fields gave pyarrow's message, naming no line of the file."""
    monkeypatch.setattr(bkio, "_ARROW_BLOCK", 512)
    text = _late_row(b"9.38.20.F,12,x,y\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (pyarrow's failure: 'reading with pandas')
        for chunksize in (None, 10):
            with pytest.raises(ValueError, match=r"<stream>: .*Expected 3 fields in line 202 of the file, saw 4"):
                got = bkio.read_erp(text, chunksize=chunksize)
                if chunksize:
                    list(got)


def test_duplicate_names_are_bumped_past_the_names_taken():
    """Notes,Notes,Notes.1 gave Notes, Notes.1, Notes.1 and the frame kept one of the two Notes.1 columns."""
    df = bkio.read_erp(b"Desc#,Planning Balance,Notes,Notes,Notes.1\n1,2,a,b,c\n", optimize=False)
    assert list(df.columns) == ["Desc#", "Planning Balance", "Notes", "Notes.2", "Notes.1"]  # (as read_csv names)
    assert df.iloc[0, 2:].tolist() == ["a", "b", "c"]
    for names in (["a", "a.1", "a", "a"], ["a", "a", "a.1", "a.1", "a"], ["a", "a", "a.1", "a.2", "a", "a.1.1"]):
        want = pd.read_csv(stdio.StringIO(",".join(names) + "\n")).columns.tolist()
        assert bkio._dedupe(names) == want and len(set(want)) == len(names)


@pytest.mark.parametrize("arrow", ARROW)
def test_unknown_date_column_empty_in_a_chunk_is_dates(monkeypatch, arrow):
    """'Last Receipt Date' (no known column) with no date in a chunk was float64 NaN there: pd.concat of the
    chunks gave an object column. A date-named column with no date filled in is NaT."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    text = b"Desc#,Planning Balance,Last Receipt Date\n1,1,08/15/2025\n2,1,08/16/2025\n3,1,\n4,1,\n5,1,08/17/2025\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chunks = list(bkio.read_erp(text, optimize=False, chunksize=2))
        whole = bkio.read_erp(text, optimize=False)
        empty = bkio.read_erp(b"Desc#,Planning Balance,Last Receipt Date\n1,1,\n", optimize=False)
    assert [str(c["Last Receipt Date"].dtype) for c in chunks] == ["datetime64[us]"] * 3
    pd.testing.assert_series_equal(pd.concat(chunks)["Last Receipt Date"],
                                   whole["Last Receipt Date"].astype("datetime64[us]"))
    assert str(empty["Last Receipt Date"].dtype) == "datetime64[ns]" and empty["Last Receipt Date"].isna().all()


@pytest.mark.parametrize("arrow", ARROW)
def test_unknown_column_read_in_chunks_keeps_the_text_it_held(monkeypatch, arrow):
    """An unknown column typed chunk by chunk: 'Lot' 007 in one chunk, L-9 in another read as 7.0 and 'L-9'
    where the whole read keeps '007'. Text found in the rows read so far (pyarrow: its whole block) stays text
    in every later chunk."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    lots = [b"007"] * 3 + [b"L-9"] * 3 + [b"008"] * 3
    text = b"Desc#,Planning Balance,Lot\n" + b"".join(b"%d,1,%s\n" % (i, lot) for i, lot in enumerate(lots))
    whole = bkio.read_erp(text, optimize=False)
    chunks = pd.concat(list(bkio.read_erp(text, optimize=False, chunksize=3)))
    assert whole["Lot"].tolist() == [lot.decode() for lot in lots]
    if arrow:  # (one block: the whole read's values in every chunk)
        pd.testing.assert_frame_equal(chunks, whole)
    else:  # (pandas reads chunk by chunk: text from the chunk where it is found)
        assert chunks["Lot"].tolist()[3:] == whole["Lot"].tolist()[3:]


def test_xlsx_unknown_columns_in_chunks_are_typed_from_the_whole_sheet(monkeypatch):
    cells = pd.DataFrame([["Desc#", "Planning Balance", "Lot", "Last Receipt Date"],
                          [1, 1, 7, None], [2, 1, "L-9", pd.Timestamp("2025-08-15")]], dtype=object)
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    whole = bkio.read_erp(b"PK\x03\x04 fake", optimize=False)
    chunks = list(bkio.read_erp(b"PK\x03\x04 fake", optimize=False, chunksize=1))
    assert [c["Lot"].tolist() for c in chunks] == [[7], ["L-9"]] and whole["Lot"].tolist() == [7, "L-9"]
    assert [str(c["Last Receipt Date"].dtype) for c in chunks] == ["datetime64[us]"] * 2


def test_header_cell_with_a_quoted_line_break(monkeypatch):
    """'"Planning\\nBalance"' (Excel's Alt+Enter in a header cell) was refused: the header finder split the
    sample into lines without regard to quotes. A bad row below it names its line in the file."""
    text = b'Report\nDesc#,Description,"Planning\r\nBalance"\r\n1,a,5\n2,"b\nc",6\n'
    df = bkio.read_erp(text, optimize=False)
    assert list(df.columns) == ["Desc#", "Description", "Planning Balance"]
    assert df["Planning Balance"].tolist() == [5.0, 6.0] and df["Description"].tolist() == ["a", "b\nc"]
    assert df.attrs["bk_fast"]["header_line"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="Expected 3 fields in line 7 of the file, saw 4"):
            bkio.read_erp(text + b"3,d,7,8\n")
    # an unclosed quote in a junk line above the header still finds the header (the lines read plainly)
    assert bkio.read_erp(b'"Draft\nDesc#,Planning Balance\n1,5\n').attrs["bk_fast"]["header_line"] == 1


def test_text_file_object_is_not_decoded_twice(tmp_path):
    """A text handle opened with encoding='cp1252', read with encoding='cp1252': 'CafÃ©' (its text, already
    decoded, was encoded as UTF-8 and decoded as cp1252)."""
    path = tmp_path / "inv.csv"
    path.write_bytes("Desc#,Description,Planning Balance\n1,Caf\u00e9,5\n".encode("cp1252"))
    for encoding in (None, "cp1252", "utf-16"):
        with open(path, encoding="cp1252") as fh:
            assert bkio.read_erp(fh, encoding=encoding)["Description"].tolist() == ["Caf\u00e9"]


# -- review of the io audit fixes: long exports under a title line with an open quote, a BOM before a header cell
# with a line break, block sizes refused for a row's CRLF, block ends of transcoded exports -------------------

@pytest.mark.parametrize("kind", [None, "yarn_inventory"])
def test_open_quote_in_a_title_line_above_the_header_of_a_long_export(kind):
    """'"Yarn inventory' above the header joined it into one record; the header's kind was checked (plain lines
    read when it fails) only while the sample held fewer records than lines, i.e. never with 50+ rows:
    'unknown kind of export' / 'missing required column(s)'."""
    rows = ['"%d","x","%d"' % (i, i) for i in range(60)]
    for header in ('"Desc#","Description","Planning Balance"', "Desc#,Description,Planning Balance"):
        data = ("\r\n".join(['"Yarn inventory, printed 08/15/2025', header] + rows) + "\r\n").encode()
        df = bkio.read_erp(data, kind=kind, optimize=False)
        assert list(df.columns) == ["Desc#", "Description", "Planning Balance"] and len(df) == 60
        assert df.attrs["bk_fast"]["header_line"] == 1


def test_bom_before_a_header_cell_with_a_line_break():
    """Excel's "CSV UTF-8" writes a BOM: the first cell's opening quote after it was not taken as opening a
    field, so 'Planning<CRLF>Balance' was split into two lines."""
    data = b'\xef\xbb\xbf"Planning\r\nBalance",Desc#,Description\r\n5,1,a\r\n6,2,b\r\n'
    df = bkio.read_erp(data, optimize=False)
    assert list(df.columns) == ["Planning Balance", "Desc#", "Description"] and df["Desc#"].tolist() == [1, 2]


def _pyarrow_state(body: bytes, delimiter: str = ",") -> np.ndarray:
    """Whether each byte of the body lies inside a quoted field, as pyarrow's parser reads it (a quote opens a
    field at a field's start only, '""' inside one is a quote, a single quote closes it)."""
    d, inside, state = ord(delimiter), np.zeros(len(body), dtype=bool), "start"
    for i, b in enumerate(body):
        inside[i] = state == "quoted"
        if state == "quoted":
            state = "after" if b == 34 else "quoted"
        elif state == "after" and b == 34:
            state = "quoted"
        elif b in (d, 10, 13):
            state = "start"
        else:
            state = "quoted" if state == "start" and b == 34 else "field"
    return inside


@needs("pyarrow")
def test_quoted_splits_against_pyarrow_state(monkeypatch):
    """_quoted_splits (vectorised, in pieces) against a byte-by-byte model of pyarrow's parser: a size is refused
    whenever one of its multiples splits a CRLF inside a quoted field, and only then unless a literal quote
    outside a quoted field (``30"``) comes before (from there on any split CRLF refuses it)."""
    rnd = np.random.default_rng(0)
    tokens = [b",", b"\r\n", b"\r", b"\n", b"ab", b"\xe9", b'"x\r\ny"', b'"q",', b'""', b'"', b'30"']
    sizes = list(range(13, 3, -1))
    for trial in range(200):
        k = rnd.integers(0, 40)
        if trial % 3:  # (well-formed: fields, quoted or not, and separators)
            fields = [b"ab", b"\xe9", b'"x\r\ny"', b'"q"', b'""', b'"a""\r\nb"', b""]
            raw = b"".join(fields[f] + tokens[t] for f, t in zip(rnd.integers(0, 7, k), rnd.integers(0, 4, k)))
        else:
            raw = b"".join(tokens[t] for t in rnd.integers(0, len(tokens), k))
        encoding = ("utf-8", "cp1252")[trial % 2]
        body = raw.decode("cp1252").encode(encoding)
        utf8 = raw.decode("cp1252").encode("utf-8")
        inside = _pyarrow_state(utf8)
        want = [any(utf8[e - 1:e + 1] == b"\r\n" and inside[e - 1] for e in range(s, len(utf8), s)) for s in sizes]
        quotes = np.frombuffer(utf8, dtype=np.uint8) == 34
        literal = ((np.cumsum(quotes) - quotes) % 2 == 1).tolist() != inside.tolist()  # (the count misleads)
        for piece in (1 << 22, 3):
            monkeypatch.setattr(bkio, "_SCAN_PIECE", piece)
            got = bkio._quoted_splits(pa.py_buffer(body), encoding, ",", sizes)
            assert all(g or not w for g, w in zip(got, want)), (body, piece)
            if not literal:
                assert got == want, (body, piece)


def _crlf_rows(blocks: int, block: int, note: bytes = b"") -> bytes:
    """A CRLF yarn export of about ``blocks`` x ``block`` bytes (rows of 30-69 bytes), ``note`` (a row) in the
    middle."""
    rnd = np.random.default_rng(1)
    rows, size, i = [b"Desc#,Description,Planning Balance\r\n"], 0, 0
    while size < blocks * block:
        rows.append(b"%d,%s,%d\r\n" % (i, b"y" * int(rnd.integers(20, 60)), i))
        size, i = size + len(rows[-1]), i + 1
        if note and size > blocks * block // 2:
            rows.append(note)
            note = b""
    return b"".join(rows)


@needs("pyarrow")
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_crlf_export_of_many_blocks_stays_on_pyarrow(monkeypatch, encoding):
    """Every size whose multiples split any CRLF was refused, a row's CRLF too (which pyarrow reads right): a
    CRLF export of a few hundred blocks all went to the slower pandas reader. Only a CRLF inside a quoted field
    refuses a size now (a note holding one is in this export, and keeps its LF)."""
    monkeypatch.setattr(bkio, "_ARROW_BLOCK", 256)

    def no_pandas(*args, **kwargs):
        raise AssertionError("read by pandas")
        yield

    monkeypatch.setattr(bkio, "_read_csv_pandas", no_pandas)
    data = _crlf_rows(500, 256, '99999,"Caf\u00e9\r\nnote",1\r\n'.encode(encoding))
    body = data[data.index(b"\n") + 1:]
    assert all(any(body[e - 1:e + 1] == b"\r\n" for e in range(s, len(body), s)) for s in range(256, 192, -1))
    df = bkio.read_erp(data, optimize=False, encoding=None if encoding == "utf-8" else encoding)
    assert df.loc[df["Desc#"] == 99999, "Description"].tolist() == ["Caf\u00e9\r\nnote"]
    assert len(df) == data.count(b"\r\n") - 2


def test_cp1252_crlf_note_at_a_block_end_of_the_transcoded_body(monkeypatch):
    """pyarrow transcodes a cp1252 export to UTF-8 before cutting blocks: the sizes were checked on the raw
    bytes, and a note's CR that ends a block of the UTF-8 text (each accented character shifts it) lost its LF."""
    monkeypatch.setattr(bkio, "_ARROW_BLOCK", 64)
    hdr = b"Desc#,Description,Planning Balance\r\n"
    body = b"".join(b"%d,Caf\xe9,1\r\n" % i for i in range(3)) + b"50,%s,1\r\n" % (b"x" * 17)
    body += b'99,"ab\r\ncd",2\r\n' + b"".join(b"%d,Caf\xe9,1\r\n" % i for i in range(100, 104))
    assert (body.decode("cp1252").encode("utf-8").index(b"ab\r") + 3) % 64 == 0
    for encoding in (None, "cp1252"):
        for chunksize in (None, 3):
            got = bkio.read_erp(hdr + body, optimize=False, encoding=encoding, chunksize=chunksize)
            df = pd.concat(list(got)) if chunksize else got
            assert df.loc[df["Desc#"] == 99, "Description"].tolist() == ["ab\r\ncd"]


@needs("pyarrow")
def test_no_block_size_left_reads_with_pandas_and_says_so(monkeypatch):
    monkeypatch.setattr(bkio, "_ARROW_BLOCK", 3)  # (sizes 3 and 2: each splits a CRLF of the note)
    data = b'Description,Desc#,Planning Balance\r\n"' + b"\r\n" * 30 + b'",1,2\r\n'
    with pytest.warns(UserWarning, match="reading with pandas"):
        df = bkio.read_erp(data, optimize=False)
    assert df["Description"].tolist() == ["\r\n" * 30]


def _cell_oracle(v):
    """(value, status) of one object cell as the per-value reading has it: text as the kernel's reference, missing
    empty, a number its float() (an int beyond the float range +-inf), anything else invalid."""
    from decimal import Decimal

    from bk_fast._kernels.reference.parse import STATUS_EMPTY, STATUS_INVALID, STATUS_NUMBER

    if isinstance(v, str):
        return clean_float(v)
    if v is None or v is pd.NA or (isinstance(v, Decimal) and v.is_nan()) or (isinstance(v, float) and v != v):
        return np.nan, STATUS_EMPTY
    try:
        return float(v), STATUS_NUMBER
    except OverflowError:
        return (np.inf if v > 0 else -np.inf), STATUS_NUMBER
    except (TypeError, ValueError):
        return np.nan, STATUS_INVALID


def test_object_numbers_cast_at_once_keep_no_nan_sign():
    """A review: the one-cast path of object numbers kept a negative NaN's sign bit where a NaN read alone (and the
    per-value path before) is +NaN, missing."""
    from bk_fast._kernels.reference.parse import STATUS_EMPTY

    neg_nan = -np.float64(np.nan)
    got, status = bkio._parse_objects(np.array([1, neg_nan, 2.5], dtype=object), None)
    alone, _ = bkio._parse_objects(np.array([neg_nan], dtype=object), None)
    assert not np.signbit(got[1]) and not np.signbit(alone[0]) and np.isnan(got[1])
    assert status[1] == STATUS_EMPTY and got[0] == 1.0 and got[2] == 2.5


def test_object_cells_read_as_each_cell_alone():
    """Numbers in object columns were read one float() at a time in Python (~0.8 us a value, 10x parsing their
    text); they are cast at once now. Every kind of cell, alone or mixed, reads bit for bit as before."""
    from decimal import Decimal
    from fractions import Fraction

    numbers = [0.1, -0.0, 1e308, np.inf, -np.inf, np.nan, 3, -7, True, False, 2 ** 53 + 1, 2 ** 63 + 3,
               -(2 ** 70) - 1, 2 ** 1024, -(2 ** 1100), np.float32(0.1), np.float16(-2.5), np.longdouble(1) / 3,
               np.int8(-3), np.uint64(2 ** 64 - 1), np.bool_(True), np.float64(-1e-320), None]
    others = [Decimal("0.1"), Decimal("NaN"), Decimal("-1e400"), Fraction(1, 3), 1 + 2j, pd.NA, "$1,326.67 ", "n/a",
              "", "1e-400", b"1.5", [1], np.datetime64("2024-01-01")]
    rng = np.random.default_rng(7)
    for trial in range(300):
        pool = numbers if trial % 2 else numbers + others
        cells = [pool[i] for i in rng.integers(0, len(pool), rng.integers(1, 12))]
        arr = np.empty(len(cells), dtype=object)
        arr[:] = cells
        out, status = bkio._parse_any(arr, "numpy")
        want = [_cell_oracle(v) for v in cells]
        values = np.array([w[0] for w in want], dtype=np.float64)
        assert status.tolist() == [w[1] for w in want], cells
        nan = np.isnan(values)
        assert (np.isnan(out) == nan).all() and (out[~nan].view(np.int64) == values[~nan].view(np.int64)).all(), cells


def test_object_numbers_are_cast_at_once(monkeypatch):
    calls = []
    monkeypatch.setattr(bkio, "float", lambda v: calls.append(v) or float(v), raising=False)
    x = np.random.default_rng(1).random(1000) * 1e4
    arr = np.array(list(x) + [None, 5, np.nan], dtype=object)
    assert np.array_equal(bk_fast.io.parse_numbers(arr), np.r_[x, np.nan, 5.0, np.nan], equal_nan=True)
    mixed = np.array(list(x) + ["$1,200.50", None], dtype=object)
    assert np.array_equal(bk_fast.io.parse_numbers(mixed), np.r_[x, 1200.5, np.nan], equal_nan=True)
    assert not calls  # (no float() per value)
    assert bk_fast.io.parse_numbers(np.array([2 ** 1024, 1.5], dtype=object)).tolist() == [np.inf, 1.5]


def test_normalize_ids_exact_checks_only_where_needed(monkeypatch, engine):
    """normalize_ids checked every id of 2**53 or more one row at a time (`_exact_int(s.iloc[i])`), int64 columns
    too (10^5 17-digit ids: 0.7 s vs 1 ms for 5-digit ones), and so every id reading 0 ("0", a placeholder),
    flagged as a possible underflow ("1e-400"). Integer columns are their own ids; a plain zero is exact."""
    calls = []
    exact_int = bkio._exact_int
    monkeypatch.setattr(bkio, "_exact_int", lambda v: calls.append(v) or exact_int(v))
    ids = np.array([2 ** 53 + 1, 10 ** 17 + 3, 5, -(2 ** 63), 2 ** 63 - 1], dtype=np.int64)
    assert bk_fast.normalize_ids(pd.Series(ids), engine=engine).tolist() == ids.tolist()
    got = bk_fast.normalize_ids(pd.Series([2 ** 60 + 1, None, 7], dtype="Int64"), engine=engine)
    assert got.tolist() == [2 ** 60 + 1, pd.NA, 7] and str(got.dtype) == "Int64"
    u = bk_fast.normalize_ids(pd.Series(np.array([2 ** 64 - 1, 2 ** 63 - 1, 2 ** 53 + 1], dtype=np.uint64)),
                              engine=engine)
    assert u.tolist() == ["18446744073709551615", str(2 ** 63 - 1), str(2 ** 53 + 1)]
    for dtype in ("str", object, "category"):
        zeros = pd.Series(["0", " 18767", "0.00", "$0", "(0)", "-0", None], dtype=dtype)
        assert bk_fast.normalize_ids(zeros, engine=engine).tolist() == [0, 18767, 0, 0, 0, 0, pd.NA]
    assert not calls
    for dtype in ("str", object, "category"):  # (a zero that is not plain is still checked)
        got = bk_fast.normalize_ids(pd.Series(["1e-400", "0e5", "0", "12345678901234567"], dtype=dtype),
                                    engine=engine)
        assert got.tolist() == ["1E-400", "0", "0", "12345678901234567"]


def test_big_ids_in_plain_digits_skip_the_decimal_reading(monkeypatch):
    """An id of 2**53 or more was read exactly through clean_text + Decimal per id, and read_erp took an arrow
    scalar per id (10^5 17-digit ids: 0.66 s vs 17 ms for 5-digit ones); plain digits are int() now, pulled at
    once, with the same ids."""
    from decimal import Decimal

    calls = []
    monkeypatch.setattr(bkio, "Decimal", lambda *a: calls.append(a) or Decimal(*a))
    ids = [12345678901234567, 2 ** 53 + 1, 2 ** 63 - 1, 18767]
    text = "Desc#,Planning Balance\n" + "".join(f" {i} ,1\n" for i in ids)
    assert bkio.read_erp(stdio.BytesIO(text.encode()))["Desc#"].tolist() == ids
    assert bk_fast.normalize_ids(pd.Series([f" {i}" for i in ids], dtype=object)).tolist() == ids
    assert not calls
    odd = ["$12,345,678,901,234,567", "12345678901234567.0", "-12345678901234567", "99999999999999999999"]
    assert bk_fast.normalize_ids(pd.Series(odd)).tolist() == ["12345678901234567", "12345678901234567",
                                                               "-12345678901234567", "99999999999999999999"]


# ---------------------------------------------------------------------------------------------------------
# audit "io": results sharing the caller's memory, a UTF-8 BOM under an 8-bit encoding, misplaced commas


@pytest.mark.parametrize("values", [
    np.array([1.0, 2.0, np.nan]), np.array([1, 2, 3]), pd.Series([1.0, 2.0]), pd.Series([1, 2], dtype="int64"),
    pd.Series([1.0, 2.0], dtype="Float64"), pd.Series([1.0, None], dtype="Float64"),
    # (pyarrow dtypes built in the test, where pyarrow is installed)
    param(([1.0, 2.0], "float64[pyarrow]"), "pyarrow", id="0    1.0\n1    2.0\ndtype: double[pyarrow]"),
    param(([1.0, None], "float64[pyarrow]"), "pyarrow", id="0     1.0\n1    <NA>\ndtype: double[pyarrow]"),
    param(([1, 2], "int64[pyarrow]"), "pyarrow", id="0    1\n1    2\ndtype: int64[pyarrow]"),
    pd.Index([1.0, 2.0])], ids=repr)
def test_parse_numbers_of_numbers_is_a_fresh_writable_array(values):
    """The README's security section: results never share memory with the inputs. A float64 ndarray came back
    as the caller's very array, a float64 Series as a Series on its buffer (writing into the result changed the
    caller's data), a float64[pyarrow] Series as a read-only view of the arrow buffer."""
    if isinstance(values, tuple):
        values = pd.Series(values[0], dtype=values[1])
    before = pd.Series(values).copy(deep=True)
    out = bkio.parse_numbers(values)
    arr = out.array._ndarray if isinstance(out, pd.Series) else out  # (to_numpy: a read-only view, copy-on-write)
    assert arr.dtype == np.float64 and arr.flags.writeable and arr.flags.c_contiguous
    inner = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values
    assert not np.shares_memory(arr, inner)
    if isinstance(out, pd.Series):
        out.iloc[0] = 99.0  # (raised "assignment destination is read-only" for an arrow column)
    else:
        out[0] = 99.0
    assert pd.Series(values).equals(before)  # (a Series' own buffer was written through)


def test_parse_numbers_of_a_list_copies_once(monkeypatch):
    """One copy, not two: a list's array is NumPy's new one already, returned as it is."""
    copies = []
    real = np.array
    monkeypatch.setattr(bkio.np, "array", lambda *a, **k: copies.append(k.get("copy")) or real(*a, **k))
    assert bkio.parse_numbers([1.0, 2.0]).tolist() == [1.0, 2.0]
    assert copies == [None]


@pytest.mark.parametrize("arrow", ARROW)
@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", None])
def test_utf8_bom_with_an_8bit_encoding(monkeypatch, arrow, encoding):
    """Excel's "CSV UTF-8" with a stray cp1252 byte, read with encoding='cp1252' (as read_erp's own error message
    advises) or guessed cp1252: the BOM was decoded as 'ï»¿' and glued to the first name (unknown kind). Whole
    and chunked, pyarrow's reader and pandas': the header's names and the data rows as without the BOM."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    body = b"Desc#,Description,Planning Balance\n1,Caf\xe9,2\n\"2\",\"\xe9t\xe9\",3\n"
    for junk in (b"", b"Yarn report\n"):
        want = bkio.read_erp(junk + body, encoding="cp1252", optimize=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (None: cp1252 guessed)
            df = bkio.read_erp(codecs.BOM_UTF8 + junk + body, encoding=encoding, optimize=False)
            chunks = list(bkio.read_erp(codecs.BOM_UTF8 + junk + body, encoding=encoding, chunksize=1,
                                        optimize=False))
        assert list(df.columns) == ["Desc#", "Description", "Planning Balance"]
        pd.testing.assert_frame_equal(df, want)
        assert df["Description"].tolist() == ["Caf\u00e9", "\u00e9t\u00e9"]
        assert [c["Description"].item() for c in chunks] == ["Caf\u00e9", "\u00e9t\u00e9"]
        assert df.attrs["bk_fast"]["header_line"] == (1 if junk else 0)


@pytest.mark.parametrize("arrow", ARROW)
def test_misplaced_commas_in_number_columns_are_no_numbers(monkeypatch, arrow):
    """A decimal comma ("1.234,56" read as 1.23456) or commas in no thousands groups ("1,2,3" as 123) in a number
    column were silently misread, while semicolon exports are refused for exactly that: now NaN with the
    coerced-value warning naming column, value and row. Thousands commas read as before."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    cells = {"1.234,56": None, "1,200.00": 1200.0, "1,2,3": None, "$1,326.67 ": 1326.67, "(2,183.40)": -2183.4,
             "1234,567": None, "12,345,678.9": 12345678.9, "1,2345": None, "-$1,234": -1234.0, "1,234,": None,
             "1.5": 1.5, " 45% ": 0.45}
    raw = "Desc#,Planning Balance,Cost/Pound\n" + "".join(f'{i},"{c}",1\n' for i, c in enumerate(cells))
    with pytest.warns(UserWarning, match=r"'Planning Balance': 5 value\(s\) are not numbers and read as NaN "
                                         r"\(first: '1.234,56' in data row 0\)"):
        df = bkio.read_erp(raw.encode(), optimize=False)
    assert same_bits(df["Planning Balance"], [np.nan if v is None else v for v in cells.values()])
    assert df.attrs["bk_fast"]["coerced"] == {"Planning Balance": 5}
    # ids and parse_numbers keep the ERP's reading (parse_numbers is ERP-exact)
    assert bkio.parse_numbers(["1.234,56", "1,2,3"]).tolist() == [1.23456, 123.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = bkio.read_erp(b'Desc#,Planning Balance\n1,"1,200.00"\n2,5\n3,\n', chunksize=2, optimize=False)
        assert [same_bits(c["Planning Balance"], want) for c, want in zip(plain, ([1200.0, 5.0], [np.nan]))] == \
            [True, True]


@pytest.mark.parametrize("engine", ["numpy", "numba", "cython"])
def test_misplaced_commas_kernel_equals_the_pattern(engine):
    """The misplaced_commas kernel of every engine flags exactly the strings BAD_COMMA matches (the reference
    runs Python's re): generated text over digits, commas, points, exponents, signs, money and non-ASCII
    characters, plus the ERP's forms (read_erp's check on both readers: the test above)."""
    from bk_fast._engine import engine_status
    from bk_fast._kernels.reference.parse import BAD_COMMA

    if not engine_status(engine).available:
        pytest.skip(f"{engine} not available")
    rng = np.random.default_rng(7)
    alphabet = list("0123456789,,,..eE$()-+ %x") + ["\u00e9", "\u00a0"]
    texts = ["".join(rng.choice(alphabet, rng.integers(0, 14))) for _ in range(3000)]
    texts += ["1,234.56", "1.234,56", "1,2,3", ",5", "1234,567", "1,2345", "1,234,", "$1,234", "(1,234.56)",
              "1,234,567.89", "12,345", " 1,234.00 ", "1,234e5", "1e5,000", "", ",", "1,234\u00e9", "\u00e91,234"]
    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    flags = np.full(len(texts), 7, dtype=np.uint8)
    found = resolve("misplaced_commas", engine)(data, offsets, flags)
    want = [re.search(BAD_COMMA, t) is not None for t in texts]
    assert flags.astype(bool).tolist() == want and found == sum(want)


@pytest.mark.parametrize("arrow", ARROW)
def test_misplaced_commas_same_on_every_engine(monkeypatch, arrow):
    """read_erp's misplaced-comma check gives the same answer on every engine (the numpy engine takes pyarrow's
    RE2 on arrow chunks: its kernel, the reference, runs Python's re a cell at a time, ~30x slower; review rev12),
    on both readers."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    cells = ["1.234,56", "1,200.00", "1,2,3", "$1,326.67 ", "(2,183.40)", "1234,567", "", " - ", "1,234,"] * 3
    raw = ("Desc#,Planning Balance\n" + "".join(f'{i},"{c}"\n' for i, c in enumerate(cells))).encode()
    got = {}
    for engine in [e for e in ENGINES if engine_status(e).available]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got[engine] = bkio.read_erp(raw, engine=engine, optimize=False)["Planning Balance"].to_numpy()
    want = got.pop("numpy")
    assert np.isnan(want).sum() == 18  # (3 x 4 misplaced, 3 x 2 empty / dash: NaN)
    for engine, values in got.items():
        assert same_bits(values, want), engine


def test_misplaced_commas_in_xlsx_text_cells(monkeypatch):
    """XLSX cells: number cells as they are, text cells checked as CSV text is."""
    cells = pd.DataFrame([["Desc#", "Planning Balance"], [1, "1.234,56"], [2, 1234.5], [3, "1,234.5"]])
    monkeypatch.setattr(bkio, "_xlsx_cells", lambda src, name: cells)
    with pytest.warns(UserWarning, match=r"'Planning Balance': 1 value\(s\).*'1.234,56' in data row 0"):
        df = bkio.read_erp(b"PK\x03\x04 fake", optimize=False)
    assert same_bits(df["Planning Balance"], [np.nan, 1234.5, 1234.5])


@pytest.mark.parametrize("arrow", ARROW)
def test_read_erp_default_optimize_keeps_float64_and_int64_numbers(monkeypatch, arrow):
    """read_erp's default optimize narrowed the number columns (optimize_memory: Balance (lbs) float32, Machine
    int8): the values were exact, but the user's arithmetic became float32 / int8 (DOMAIN.md section 4's
    balance x fraction: 12988.396484375 for 14210.5 * 0.914, Machine * 2 wrapping). Numbers stay float64 / int64
    now, so arithmetic is that of the export read with optimize=False; text still becomes category."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    csv_text = ("Order #,Style #,Qty Ordered (lbs),G00 (lbs),Shipped (lbs),Balance (lbs),Machine,Start Date,"
                "Quoted Date\n" + "".join(f"K25080{i:02d},125792/1,{1200 + i},,,{14210 + i * 7}.5,{100 + i},"
                                          "2025-08-01,2025-09-01\n" for i in range(40)))
    kos = bkio.read_erp(stdio.StringIO(csv_text), "knit_orders")
    raw = bkio.read_erp(stdio.StringIO(csv_text), "knit_orders", optimize=False)
    for col in ("Qty Ordered (lbs)", "Balance (lbs)", "Machine"):
        assert kos[col].dtype == raw[col].dtype and kos[col].dtype in (np.float64, np.int64), (col, kos[col].dtype)
    assert kos["Balance (lbs)"].dtype == np.float64 and kos["Machine"].dtype == np.int64
    pd.testing.assert_series_equal(kos["Balance (lbs)"] * 0.914, raw["Balance (lbs)"] * 0.914, check_exact=True)
    assert (kos["Balance (lbs)"] * 0.914).iloc[0] == 14210.5 * 0.914
    assert (kos["Machine"] * 2).tolist() == (raw["Machine"] * 2).tolist() and (kos["Machine"] * 2).iloc[27] == 254
    assert isinstance(kos["Style#"].dtype, pd.CategoricalDtype)  # the text savings are kept
    assert kos.attrs["bk_fast"]["bytes"] < kos.attrs["bk_fast"]["bytes_parsed"]


def pool_releases(monkeypatch, record) -> list:
    """A list to which each ``release_unused()`` of pyarrow's default pool appends ``record()`` (then releases)."""
    real = pa.default_memory_pool()
    calls = []

    class Pool:
        def __getattr__(self, attr):
            return getattr(real, attr)

        def release_unused(self):
            calls.append(record())
            real.release_unused()

    monkeypatch.setattr(pa, "default_memory_pool", Pool)
    return calls


@needs("pyarrow")
@pytest.mark.parametrize("chunksize", [None, 2])
def test_read_erp_gives_arrow_pool_memory_back(monkeypatch, tmp_path, chunksize):
    # pyarrow's default pool (mimalloc / jemalloc) keeps the memory of freed buffers: the reader's table of the
    # whole file as text stayed resident after read_erp returned (281 MB for a 62 MB BOM export), until the pool
    # is told to release it; it must be, once the reader's table is gone (the frame or the last chunk is out; a
    # whole read also once its raw text is freed, before optimize_memory: test_read_erp_frees_the_raw_text...)
    calls = pool_releases(monkeypatch, lambda: len(frames))
    path = tmp_path / "BOM.csv"
    path.write_text("Style#,Desc#,BOM_Percentage\nA/1,18767,0.5\nA/1,18929,0.5\nB/2,18767,1\n")
    frames = []
    if chunksize is None:
        frames.append(bkio.read_erp(path))
        assert calls == [0, 0]  # (before read_erp returned)
    else:
        for chunk in bkio.read_erp(path, chunksize=chunksize):
            frames.append(chunk)
            assert calls == []  # (not per chunk: the pool keeps what the next chunk reuses)
        assert calls == [2]
    assert pd.concat(frames)["Desc#"].tolist() == [18767, 18929, 18767]


#: run in a fresh interpreter by test_read_erp_frees_the_raw_text_before_optimizing: the number of releases, the
#: pool's bytes at the first one less those before the read, then the two values it checks in the frame
_RAW_TEXT_FREED = _COUNTING_POOL + """
from bk_fast import io as bkio
path = sys.argv[1]
n = 20_000
with open(path, "w") as f:
    f.write("Style#,Desc#,BOM_Percentage\\n" + "".join(f"A/1,{18000 + i},0.{i:020d}\\n" for i in range(n)))
start = real.bytes_allocated()
frame = bkio.read_erp(path)
print(len(held), held[0] - start, frame["BOM_Percentage"].iloc[1] == float(f"0.{1:020d}"),
      frame["Desc#"].iloc[-1] == 18000 + n - 1)
"""


@needs("pyarrow")
def test_read_erp_frees_the_raw_text_before_optimizing(tmp_path):
    # read_erp's peak on text-heavy exports was 2.3-2.9x pandas.read_csv's (~480 vs 186 MB for the mill's BOM.csv
    # at scale 100): the reader's table of the whole file as text lived (in pyarrow's pool) beside the frame and
    # optimize_memory's work. Each raw column is now dropped once built and the pool's unused memory given back
    # before optimize_memory: the pool then holds the frame's text only, not the number columns' text.
    # Measured in a fresh interpreter: the pool is the process's, and in a test worker another test's Arrow buffers
    # can come and go during the read (the CI once saw 1.0 MB held here where a lone run holds 0.22 MB)
    import subprocess

    run = subprocess.run([sys.executable, "-c", _RAW_TEXT_FREED, str(tmp_path / "BOM.csv")], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    releases, held, percent, desc = run.stdout.split()
    assert releases == "2" and int(held) < 300_000  # (the raw percentages alone: ~500 KB; Style#: ~220 KB)
    assert percent == desc == "True"


@needs("pyarrow")
def test_chunked_read_erp_streams_the_file(monkeypatch, tmp_path):
    # chunked, pyarrow read the file from a memory map of it, so every page read stayed resident to the end: the
    # RSS of a chunked read grew with the file (a 297 MB export: 380 MB peak, 249 MB streamed). The map (for
    # the block size) must be gone and the reader given a file stream
    import gc
    import weakref

    real_map, real_open = pa.memory_map, bkio.pa_csv.open_csv
    buffers, seen = [], []

    class Map:
        def __init__(self, *args, **kwargs):
            self._map = real_map(*args, **kwargs)

        def read_buffer(self, *args):
            buf = self._map.read_buffer(*args)
            buffers.append(weakref.ref(buf))
            return buf

    def open_csv(stream, **kwargs):
        gc.collect()
        seen.append((type(stream), [ref() is None for ref in buffers]))
        return real_open(stream, **kwargs)

    monkeypatch.setattr(pa, "memory_map", Map)
    monkeypatch.setattr(bkio.pa_csv, "open_csv", open_csv)
    path = tmp_path / "BOM.csv"
    rows = "".join(f"A/{i},{18000 + i},0.5\n" for i in range(7))
    path.write_text("junk line\nStyle#,Desc#,BOM_Percentage\n" + rows)
    chunks = list(bkio.read_erp(path, chunksize=3))
    assert seen == [(pa.OSFile, [True])]
    assert [len(c) for c in chunks] == [3, 3, 1]
    pd.testing.assert_frame_equal(pd.concat(chunks), bkio.read_erp(path), check_dtype=False,
                                  check_categorical=False)


def test_parentheses_mean_negative_only_around_the_whole_cleaned_text(engine):
    # DOMAIN.md section 2 / reference.parse step 2: only when what is left after cleaning *is* "(x)" does it
    # become "-x"; "(1)2" is not of that form, so float("(1)2") raises: invalid, NaN (not -12). "(12)" -> -12.
    text = ["(1)2", " (1) 2 ", "2(1)", "(12)", "$ (1,2) "]
    out = bkio.parse_numbers(text, engine=engine)
    assert same_bits(out, [np.nan, np.nan, np.nan, -12.0, -12.0])
    assert clean_text("(1)2") == "(1)2" and clean_float("(1)2")[1] == 2


def test_every_ascii_separator_white_space_is_cleaned_away(engine):
    # reference.parse step 1: every character for which str.isspace() is true is removed, and that includes
    # the ASCII information separators U+001C..U+001F (JUNK lists them): "1\x1c2" cleans to "12".
    assert all(c.isspace() for c in "\x1c\x1d\x1e\x1f\x0b\x0c")
    text = ["1\x1c2", "\x1c5\x1c", "\x1d7", "8\x1e", "(\x1f9)", "1\x0b0\x0c"]
    out = bkio.parse_numbers(text, engine=engine)
    assert same_bits(out, [12.0, 5.0, 7.0, 8.0, -9.0, 10.0])


def test_misplaced_commas_after_an_exponent_of_either_case(engine):
    # BAD_COMMA (reference.parse): a comma after an exponent's "e" is no thousands separator, "E" as much as
    # "e" (the pattern's [.eE]); "1,234" and "12,345,678" are proper groups of three.
    from bk_fast._engine import engine_status

    if not engine_status(engine).available:
        pytest.skip(f"{engine} not available")
    texts = ["1E5,000", "1e5,000", "2E1,234", "x1E,000", "1,234", "12,345,678", "1E5", "E1"]
    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    flags = np.full(len(texts), 7, dtype=np.uint8)
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    found = resolve("misplaced_commas", engine)(data, offsets, flags)
    assert flags.tolist() == [1, 1, 1, 1, 0, 0, 0, 0] and found == 4


def test_words_longer_than_infinity_are_invalid(engine):
    # reference.parse step 3: float() reads only the words "inf", "infinity" and "nan" (any case, signed);
    # "xinfinity" (a letter before "infinity") and "infinityinfinity" are ValueErrors: invalid, NaN, not inf.
    text = ["xinfinity", "-ainfinity", "infinityinfinity", "aaaaaainf", "Infinity", "-INF"]
    out = bkio.parse_numbers(text, engine=engine)
    assert same_bits(out, [np.nan, np.nan, np.nan, np.nan, np.inf, -np.inf])

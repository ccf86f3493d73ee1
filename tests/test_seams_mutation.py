"""Mutation audit of the input seams every public function's input handling goes through: ``bk_fast._columns``
(header aliases and their normalised lookup), ``bk_fast._planning_inputs`` (the mill's frames as the planning
functions' inputs), ``bk_fast._gather`` (the 8-byte gathers behind the result columns) and ``bk_fast._arrow_text``
(text columns read from their Arrow buffers). 61 mutants, each run against the tests of its module's callers
(io, validate, compat, text, allocation, datasets, doctests): 28 killed, 6 equivalent (a filter that drops what
the removed step removed, no alias shared by two names, a continuation byte never read alone, ...), 27 gaps
closed by the tests below; no defect found. ``_planning_inputs`` had no value check at all (its 11 mutants all
survived: the Dask tests compare two runs of the same output); its tests use a hand-built mill of four knit orders.
Each test names the mutant it kills: the module, the line's code and the change (``also kills``: a mutant the
existing tests kill too). The tests call the module functions directly and assert exact, hand-computed answers;
the Arrow ones are skipped without pyarrow."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from _optional import HAVE_PYARROW, needs
from bk_fast._arrow_text import (
    chunk_buffers, mostly_odd, odd_rows, patch_rows, rows_holding, strip_upper_odd_rows, text_buffers, utf8_buffers)
from bk_fast._columns import canonical, normalise
from bk_fast._gather import is_8byte, take8
from bk_fast._planning_inputs import planning_inputs
from bk_fast.datasets import PO_BUCKET_COLUMNS

if HAVE_PYARROW:
    import pyarrow as pa


# --- _columns ----------------------------------------------------------------------------------------------------

def test_normalise_case_folds_rather_than_lowers():
    # kills C3: _columns.normalise `.strip().casefold()` -> `.strip().lower()` ("ﬁ" folds to "fi", "ẞ" to "ss";
    # lower() keeps both, so a header from a PDF export with a ligature no longer resolves)
    assert normalise("STRAẞE") == "strasse"
    assert canonical("ﬁnished style") == "fStyle#"


def test_normalise_keeps_digits():
    # also kills C4: _columns.normalise `ch.isalnum()` -> `ch.isalpha()` (digits dropped: "G99" would be "G00 (lbs)")
    assert normalise("G00 (lbs)") == "g00lbs"
    assert canonical("G99") is None
    assert canonical("g00") == "G00 (lbs)"


def test_normalise_keeps_slash():
    # kills C5: _columns.normalise `ch in "#%/"` -> `ch in "#%"` ("lbs/day" and a header "lbsday" would meet)
    assert normalise("Lbs/Day") == "lbs/day"
    assert canonical("lbsday") is None
    assert canonical("LBS / DAY") == "lbs/day"


def test_erp_typo_aliases_resolve():
    # also kills C11: _columns.ALIASES "Planning Balance" entry, `"Planning_Ballance"` alias dropped
    # kills C12: _columns.ALIASES "Total Cost" entry, `"Total Cast"` alias dropped
    assert canonical("Planning_Ballance") == "Planning Balance"
    assert canonical("planning ballance") == "Planning Balance"
    assert canonical("Total Cast") == "Total Cost"
    assert canonical("TOTAL_CAST") == "Total Cost"


# --- _planning_inputs --------------------------------------------------------------------------------------------

def _tiny_mill() -> dict:
    """Two styles, four knit orders, two yarns and two PO lines of yarn 1; every answer below is by hand."""
    bom = pd.DataFrame({"Style#": ["S1", "S1", "S2"], "Desc#": [1.0, 2.0, 2.0], "BOM_Percentage": [0.75, 0.25, 1.0],
                        "unit": ["lbs"] * 3})
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3", "K4"], "Style #": ["S1", "S2", "S1", "S2"],
                        "Qty Ordered (lbs)": [100.0, 100.0, 50.0, 70.0], "Balance (lbs)": [80.0, 0.0, 40.0, 20.0],
                        # 13 days after 2025-09-01 (week 1), on it, 121 days after (week 17: clipped to 9), before
                        "Start Date": pd.to_datetime(["2025-09-14", "2025-09-01", "2025-12-31", "2025-08-01"])})
    inv = pd.DataFrame({"Desc#": [1, 2], "Theoretical Balance": [-5.0, 10.0]})
    po = pd.DataFrame({"Desc#": [1, 1], "PO #": ["P1", "P2"], "Unscheduled or Past Due": [3.0, 4.0]})
    for column in PO_BUCKET_COLUMNS[1:]:
        po[column] = 0.0
    po.loc[0, PO_BUCKET_COLUMNS[2]] = 7.0  # PO 1: 7 lbs in week 1 (2025-09-08)
    po.loc[1, PO_BUCKET_COLUMNS[-1]] = -1.0  # PO 2: a -1 lbs correction in Later (week 9, 2025-11-03)
    return {"bom": bom, "knit_orders": kos, "yarn_inventory": inv, "yarn_po": po}


def test_planning_inputs_yarn_demand_weeks():
    # kills P1: _planning_inputs `.clip(0, 9)` -> `.clip(0, 8)` (K3's week 17 is the last bucket, 9)
    # kills P2: _planning_inputs `.dt.days // 7` -> `// 6` (K1's 13 days are week 1, not 2)
    d = planning_inputs(_tiny_mill())
    got = d["yarn_demand"]
    assert got["item"].tolist() == [1, 2, 2, 1, 2, 2]
    assert got["week"].tolist() == [1, 1, 0, 9, 9, 0]
    assert got["qty"].tolist() == [60.0, 20.0, 0.0, 30.0, 10.0, 20.0]


def test_planning_inputs_priority_breaks_ties_by_order():
    # kills P3: _planning_inputs `rank(method="first")` -> `rank(method="min")` (K1 and K2 both order 100 lbs)
    d = planning_inputs(_tiny_mill())
    assert d["kit_orders"]["priority"].tolist() == [3.0, 4.0, 1.0, 2.0]
    assert d["lines"]["priority"].tolist() == [3.0, 3.0, 4.0, 1.0, 1.0, 2.0]
    assert d["kit_orders"]["qty"].tolist() == [80.0, 0.0, 40.0, 20.0]


def test_planning_inputs_supply():
    # kills P4: _planning_inputs `if drop_zero_receipts:` -> `if not drop_zero_receipts:`
    # kills P5: _planning_inputs stock `inv["Theoretical Balance"].clip(lower=0)` -> unclipped (yarn 1 is -5)
    # kills P6: _planning_inputs `po_long["qty"] != 0` -> `> 0` (the -1 lbs correction is a receipt, kept)
    # kills P9: _planning_inputs `np.tile(weeks, len(po))` -> `np.repeat(weeks, len(po))` (PO weeks misdated)
    d = planning_inputs(_tiny_mill())
    supply = d["supply"]
    assert supply["item"].tolist() == [1, 2, 1, 1]
    assert supply["period"].tolist() == [pd.Timestamp(t) for t in ("2025-09-01", "2025-09-01", "2025-09-08",
                                                                    "2025-11-03")]
    assert supply["qty"].tolist() == [0.0, 10.0, 7.0, -1.0]
    kept = planning_inputs(_tiny_mill(), drop_zero_receipts=False)["supply"]
    assert len(kept) == 2 + 2 * 10
    assert kept["qty"].sum() == 16.0


def test_planning_inputs_past_due_adds_po_lines():
    # kills P10: _planning_inputs `["Unscheduled or Past Due"].sum()` -> `.max()`
    d = planning_inputs(_tiny_mill())
    assert d["past_due"].to_dict() == {1: 7.0}
    assert d["on_hand"].to_dict() == {1: -5.0, 2: 10.0}


def test_planning_inputs_requirements_leave_out_zero_fractions_without_warnings():
    # kills P7: _planning_inputs `requirements["fraction"] > 0` -> `>= 0` (K2's balance is 0: no requirement)
    # kills P8: _planning_inputs `qty / np.maximum(balance[line], 1e-300)` -> `qty / balance[line]` (0 / 0 warns)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        d = planning_inputs(_tiny_mill())
    req = d["requirements"]
    assert req["order"].tolist() == ["K1", "K1", "K3", "K3", "K4"]
    assert req["item"].tolist() == [1, 2, 1, 2, 2]
    assert req["fraction"].tolist() == [0.75, 0.25, 0.75, 0.25, 1.0]


def test_planning_inputs_uses_the_bom_given():
    # kills P12: _planning_inputs `BOM.from_frame(mill["bom"]) if bom is None else bom` -> always from_frame
    import bk_fast

    mill = _tiny_mill()
    other = bk_fast.BOM.from_frame(pd.DataFrame({"Style#": ["S1", "S2"], "Desc#": [2.0, 2.0],
                                                 "BOM_Percentage": [0.5, 0.5], "unit": ["lbs", "lbs"]}))
    d = planning_inputs(mill, other)
    assert d["bom"] is other
    assert d["yarn_demand"]["qty"].tolist() == [40.0, 0.0, 20.0, 10.0]


# --- _gather -----------------------------------------------------------------------------------------------------

def test_take8_of_long_double_is_numpys_take(engine):
    # kills G1: _gather.is_8byte `dtype.itemsize == 8` -> `>= 8` (16-byte long doubles through the 8-byte kernel)
    values = np.array([1.5, 2.5, 3.5, 4.5], dtype=np.longdouble)
    if values.dtype.itemsize == 8:
        pytest.skip("long double is double here")
    assert not is_8byte(values.dtype)
    got = take8(values, np.array([3, 0, 2], dtype=np.int64), engine)
    assert got.dtype == values.dtype
    assert got.tolist() == [4.5, 1.5, 3.5]


def test_take8_writes_dates_into_out(engine):
    # kills G2: _gather.is_8byte `dtype.kind in "iufmM"` -> `"iufm"` (dates no longer written into ``out``)
    # kills G9: _gather.is_8byte `dtype.kind in "iufmM"` -> `"iufM"` (spans no longer written into ``out``)
    rows = np.array([2, 0], dtype=np.int64)
    for values in (np.array(["2025-09-01", "2025-09-08", "2025-09-15"], dtype="datetime64[ns]"),
                   np.array([1, 2, 3], dtype="timedelta64[s]")):
        assert is_8byte(values.dtype)
        block = np.zeros((2, 2), dtype=np.int64)
        got = take8(values, rows, engine, out=block[1])
        assert got.dtype == values.dtype
        assert np.shares_memory(got, block)
        assert block[1].tolist() == values.view(np.int64)[[2, 0]].tolist()
        assert got.tolist() == values[[2, 0]].tolist()


def test_take8_of_a_strided_column(engine):
    # kills G6: _gather.take8 `np.ascontiguousarray(values).view(np.int64)` -> `values.view(np.int64)` (the cython
    # kernel refuses a strided buffer: "ndarray is not C-contiguous")
    values = np.arange(10.0)[::2]
    assert take8(values, np.array([4, 1], dtype=np.int64), engine).tolist() == [8.0, 2.0]


def test_take8_honours_the_engine_asked_for():
    # kills G8: _gather.take8 `resolve("gather8", engine)` -> `resolve("gather8", None)` (the engine in force used
    # instead of the caller's: an unknown engine name is no longer refused)
    with pytest.raises(ValueError, match=r"^unknown engine 'bogus'; expected one of cython, numba, numpy, auto$"):
        take8(np.arange(3.0), np.array([1], dtype=np.int64), engine="bogus")


# --- _arrow_text -------------------------------------------------------------------------------------------------

@needs("pyarrow")
def test_text_buffers_of_32_bit_offsets():
    # also kills A3: _arrow_text.text_buffers `is_large_string(...) or is_string(...)` -> large_string only
    # also kills A6: _arrow_text.chunk_buffers `width = np.int64 if large_string else np.int32` -> always np.int64
    column = pd.Series(["ab", None, "c"], dtype=pd.ArrowDtype(pa.string()))
    off, data, missing = text_buffers(column)
    assert off.dtype == np.int64 and missing.dtype == np.uint8
    assert (off.tolist(), data.tobytes(), missing.tolist()) == ([0, 2, 2, 3], b"abc", [0, 1, 0])


@needs("pyarrow")
def test_text_buffers_missing_mask_is_uint8():
    # kills A26: _arrow_text.text_buffers `np.zeros(len(chunked), dtype=np.uint8)` -> `dtype=bool` (no missing)
    off, data, missing = text_buffers(pd.Series(["a", "bc"], dtype="str"))
    assert missing.dtype == np.uint8
    assert (off.tolist(), data.tobytes(), missing.tolist()) == ([0, 1, 3], b"abc", [0, 0])


@needs("pyarrow")
def test_text_buffers_of_no_chunks():
    # kills A2: _arrow_text.text_buffers `chunked.num_chunks != 1` -> `> 1` (a chunked array of 0 chunks)
    column = pd.Series(pa.chunked_array([], type=pa.large_string()), dtype=pd.ArrowDtype(pa.large_string()))
    assert column.array.__arrow_array__().num_chunks == 0
    off, data, missing = text_buffers(column)
    assert (off.tolist(), data.tolist(), missing.tolist()) == ([0], [], [])


@needs("pyarrow")
def test_text_buffers_of_a_sliced_array():
    # also kills A7: _arrow_text.chunk_buffers `...count=start + n + 1)[start:]` -> `[start:]` dropped
    sliced = pa.array(["xx", "ab", "cde"]).slice(1)
    off, data, missing = text_buffers(pd.Series(pa.chunked_array([sliced]), dtype=pd.ArrowDtype(pa.string())))
    assert off.tolist() == [2, 4, 7] and missing.tolist() == [0, 0]
    assert [data[off[i]:off[i + 1]].tobytes() for i in range(2)] == [b"ab", b"cde"]


@needs("pyarrow")
def test_chunk_buffers_of_an_empty_slice_past_the_values():
    # kills A5: _arrow_text.chunk_buffers `if n == 0 or offs is None:` -> `if offs is None:`
    off, data = chunk_buffers(pa.array(["abc", "d"]).slice(2))
    assert (off.tolist(), data.tolist()) == ([0], [])


@needs("pyarrow")
def test_utf8_buffers_bytes_and_offsets():
    # kills A8: _arrow_text.utf8_buffers `errors="surrogatepass"` -> `errors="replace"`
    # also kills A30: _arrow_text.utf8_buffers `map(len, encoded)` -> `map(len, strings)` (characters, not bytes)
    data, off = utf8_buffers(["a\ud800", "é", ""])
    assert data.tobytes() == b"a\xed\xa0\x80\xc3\xa9"
    assert off.tolist() == [0, 4, 6, 6]


@needs("pyarrow")
def test_odd_rows_unit_separator():
    # kills A10: _arrow_text.odd_rows `(data <= 0x1F)` -> `(data < 0x1F)` (0x1F is white space to Python)
    assert odd_rows(pd.Series(["a\x1f", "b", "\x1cc"], dtype="str")).tolist() == [0, 2]


def _missing_value_holding_bytes(dtype):
    """A column whose missing first value's slot holds the bytes of "ß" (Arrow leaves them where they are)."""
    validity = pa.py_buffer(np.packbits([0, 1, 1], bitorder="little").tobytes())
    offsets = pa.py_buffer(np.array([0, 2, 3, 3], dtype=np.int64).tobytes())
    arr = pa.Array.from_buffers(pa.large_string(), 3, [validity, offsets, pa.py_buffer("ßx".encode())], 1)
    return pd.Series(pd.array(arr, dtype=dtype))


@needs("pyarrow")
def test_odd_rows_never_names_a_missing_value():
    # also kills A11: _arrow_text.odd_rows `return rows[missing[rows] == 0]` -> `return rows`
    for dtype in ("str", pd.ArrowDtype(pa.large_string())):
        column = _missing_value_holding_bytes(dtype)
        assert text_buffers(column)[1].tobytes() == "ßx".encode()
        assert odd_rows(column).tolist() == []
        assert strip_upper_odd_rows(column).tolist() == []


@needs("pyarrow")
def test_strip_upper_odd_rows_file_separator_and_both_kinds():
    # also kills A12: _arrow_text.strip_upper_odd_rows `(data >= 0x1C) & (data <= 0x1F)` -> `(data > 0x1C) & ...`
    # also kills A14: _arrow_text.strip_upper_odd_rows `np.union1d(at, lead[differs]) if at.size else ...` ->
    #            `lead[differs]` (the 0x1C-0x1F rows lost when an "ß" row is there too)
    column = pd.Series(["a\x1c", "b", "ß", "\x1fc"], dtype="str")
    assert strip_upper_odd_rows(column).tolist() == [0, 2, 3]
    assert strip_upper_odd_rows(column, upper=False).tolist() == [0, 3]


@needs("pyarrow")
def test_strip_upper_odd_rows_four_byte_characters_are_not_odd():
    # also kills A16: _arrow_text._code_points `four = first >= 0xF0` -> `first > 0xF0` (U+1F600 mis-decoded: "bad")
    # also kills A17: _arrow_text._code_points `(points > 0x10FFFF)` -> `(points >= 0x10FFFF)` (the last code point)
    column = pd.Series(["\U0001F600", "x\U0010FFFF", "\U00010000"], dtype="str")
    assert strip_upper_odd_rows(column).tolist() == []


@needs("pyarrow")
def test_mostly_odd_is_more_than_half():
    # kills A15: _arrow_text.mostly_odd `odd.size > ODD_SHARE * n` -> `>=`
    assert not mostly_odd(np.array([0]), 2)
    assert mostly_odd(np.array([0, 1]), 3)
    assert not mostly_odd(None, 0)


@needs("pyarrow")
def test_rows_holding_bytes_outside_every_value():
    # also kills A21: _arrow_text.rows_holding `rows < offsets.size - 1` -> `rows < offsets.size` (after the last)
    # also kills A22: _arrow_text.rows_holding `(rows >= 0) & ...` dropped (before the first value of a slice)
    assert rows_holding(np.array([0, 2, 4]), np.array([4, 5])).tolist() == []
    assert rows_holding(np.array([3, 5]), np.array([1, 3, 4])).tolist() == [0]
    assert rows_holding(np.array([0, 2, 4]), np.array([0, 1, 2])).tolist() == [0, 1]


@needs("pyarrow")
def test_patch_rows_keeps_the_callers_column():
    # kills A24: _arrow_text.patch_rows `(have == want) | (isna(have) & isna(want))` -> `have == want`
    # kills A25: _arrow_text.patch_rows `col = col.copy()` dropped (the caller's column edited in place)
    col = pd.Series(["A", None, "b"], dtype="str")
    assert patch_rows(col, np.array([1, 2]), np.array([np.nan, "b"], dtype=object)) is col
    got = patch_rows(col, np.array([1, 2]), np.array([np.nan, "B"], dtype=object))
    assert got is not col
    assert got.tolist()[::2] == ["A", "B"] and pd.isna(got.iloc[1])
    assert col.tolist()[::2] == ["A", "b"] and pd.isna(col.iloc[1])

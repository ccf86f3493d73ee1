"""Input validation (bk_fast._validate): cases a mutation audit found unchecked. Each test pins one rule of a
validation helper (or of a public function through it) with a hand-computed answer or the exact error text, so
that weakening the check (a flipped comparison, a bound moved by one, a dropped case) fails a test."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import erp
from bk_fast._validate import (columns_present, exact_int_floats, flag_value, float_array, float_column, infinite_at,
                               int64_offset, int_values, isin, number_arg, numpy_dates, offset_codes, one_column,
                               pick_column, same_ids, same_length, spelled_missing)

ORDERS = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [10.0, 10.0], "priority": [1, 2],
                       "due": [0, 0]})
BOM_LINES = pd.DataFrame({"Style#": ["S/1"], "Desc#": [18767], "BOM_Percentage": [1.0]})


def test_blank_flag_text_is_false_not_unknown():
    """An empty or blank text cell of a flag column is an empty cell (False), not an unrecognised flag (None),
    which would make the BOM's phantom column raise on a blank cell."""
    assert flag_value("") is False
    assert flag_value("   ") is False


def test_a_partial_tuple_label_under_a_three_level_header_names_its_columns():
    """Under a three-level header, a two-part label heading two columns is the ValueError naming both (not
    passed on as a label that selects a frame)."""
    cols = pd.MultiIndex.from_tuples([("qty", "lbs", "a"), ("qty", "lbs", "b"), ("due", "x", "y")])
    df = pd.DataFrame([[1, 2, 3]], columns=cols)
    with warnings.catch_warnings(), \
            pytest.raises(ValueError, match=re.escape("orders has a three-level column header (MultiIndex columns): "
                                                      "('qty', 'lbs') heads 2 columns, ('qty', 'lbs', 'a'), "
                                                      "('qty', 'lbs', 'b'); pass the full tuple")):
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)  # (pandas: past lexsort depth)
        one_column(df, ("qty", "lbs"), "orders")


@pytest.mark.parametrize("n, shown, more", [(6, 6, False), (7, 6, True)])
def test_a_first_level_label_lists_six_columns_then_an_ellipsis(n, shown, more):
    """A first-level label heading several columns lists up to six of them; ``...`` follows only when there are
    more than six (6 columns: all six, no ellipsis; 7: the first six and ``...``)."""
    cols = pd.MultiIndex.from_tuples([("due", str(i)) for i in range(n)])
    with pytest.raises(ValueError) as err:
        one_column(pd.DataFrame([list(range(n))], columns=cols), "due", "orders")
    listed = ", ".join(repr(("due", str(i))) for i in range(shown))
    assert f"'due' heads {n} columns, {listed}{', ...' if more else ''}; pass" in str(err.value)


def test_ordered_choice_is_the_first_whose_any_spelling_labels_a_column():
    """``ordered``: a choice of several spellings is taken when any one of them labels a column exactly, before
    a later choice that is present too (``Due Date`` for ``due``, not ``order_date``)."""
    df = pd.DataFrame(columns=["order_date", "Due Date"])
    assert pick_column(df, [("due", "Due Date"), "order_date"], "orders", "due", ordered=True) == "Due Date"


def test_columns_present_adds_no_count_when_every_column_is_shown():
    """Exactly ``shown`` columns: all listed, no ``... (0 more)``."""
    text = columns_present(pd.DataFrame(columns=[f"c{i}" for i in range(20)]), ["qty"])
    assert text == "columns present: " + ", ".join(f"'c{i}'" for i in range(20))


def test_near_miss_at_the_bounds_of_length_and_ratio_is_suggested():
    """'qty' against 'qtyabcd': lengths 3 and 7 (3 * 7 == 7 * 3, the length bound, inclusive) and a ratio of
    2 * 3 / 10 = 0.6 (the cutoff, inclusive): the label is suggested."""
    assert columns_present(pd.DataFrame(columns=["qtyabcd"]), ["qty"]) == \
        "columns present: 'qtyabcd'; did you mean 'qtyabcd'?"


def test_three_equally_near_misses_are_all_suggested():
    """'qtx', 'qtz', 'qtw' are each 2 * 2 / 6 = 0.667 from 'qty': all three are named (up to three are)."""
    text = columns_present(pd.DataFrame(columns=["qtx", "qtz", "qtw", "zzzz"]), ["qty"])
    suggested = text.split("; did you mean ")[1].rstrip("?").split(" or ")
    assert sorted(suggested) == ["'qtw'", "'qtx'", "'qtz'"]


def test_spelled_missing_is_false_for_missing_values():
    """Only text that spells a missing value is marked; a missing value itself (None, NaN) is not text."""
    got = spelled_missing(pd.Series(["N/A", None, np.nan, "x", " - "], dtype=object))
    assert got.tolist() == [True, False, False, False, True]


def test_a_bool_column_or_array_reads_as_ones_and_zeros():
    """Bool is a numeric kind: True/False read 1.0/0.0 (not the TypeError of a non-numeric column)."""
    assert float_column(pd.DataFrame({"a": [True, False]}), "a").tolist() == [1.0, 0.0]
    assert float_array(np.array([True, False])).tolist() == [1.0, 0.0]


def test_float_array_refuses_a_scalar_naming_the_argument():
    """A 0-d value is no 1-D array: ValueError naming the argument and the shape."""
    with pytest.raises(ValueError, match=re.escape("due must be one-dimensional, got shape ()")):
        float_array(np.float64(5.0), name="due")


def test_int_values_keeps_unsigned_and_declines_a_missing_value():
    """A uint64 column beyond 2**63 comes back exact as uint64 (not None, the float path where 2**63 + 1 and
    2**63 are one value); a nullable Int64 column with a missing value gives None (no error here)."""
    got = int_values(pd.DataFrame({"p": np.array([2 ** 63 + 1, 2 ** 63], dtype=np.uint64)}), "p")
    assert got.dtype == np.uint64 and got.tolist() == [2 ** 63 + 1, 2 ** 63]
    assert int_values(pd.DataFrame({"p": pd.array([1, None], dtype="Int64")}), "p") is None
    assert int_values(pd.DataFrame({"p": pd.array([3, 1], dtype="Int64")}), "p").tolist() == [3, 1]


def test_a_numpy_bool_is_no_number_argument():
    """np.True_ is refused as True is (float() would read it as 1.0)."""
    with pytest.raises(TypeError, match="rtol must be a number, got np.True_"):
        number_arg(np.True_, "rtol")


def test_text_in_a_quantity_is_named_at_its_first_row(engine):
    """Two text cells that are no number: the error names the first (row 9), not a later one (row 11)."""
    supply = pd.DataFrame({"item": ["Y", "Y", "Y"], "period": [0, 1, 2],
                           "qty": np.array(["5", "12 lbs", "3 kg"], dtype=object)}, index=[7, 9, 11])
    with pytest.raises(ValueError, match=r"supply column 'qty' row 9: '12 lbs' is not a number"):
        bk_fast.allocate(ORDERS, supply, engine=engine)


def test_offset_codes_of_keys_from_a_positive_low():
    """Keys 5 and 7 with low 5 are codes 0 and 2 (the offset of a low within int64 is the low itself)."""
    assert int64_offset(5) == 5 and int64_offset(2 ** 64 - 3) == -3
    assert offset_codes(np.array([5, 7], dtype=np.int64), 5).tolist() == [0, 2]


def test_an_infinite_first_row_is_named(engine):
    """inf in the first row (the rest finite) is found: row 4, position 0, order K1."""
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S/1", "S/1"], "Balance (lbs)": [np.inf, 100.0]},
                       index=[4, 5])
    assert infinite_at(np.array([np.inf, 1.0])) == 0
    with pytest.raises(ValueError, match=re.escape("knit_orders column 'Balance (lbs)' row 4 (position 0, Order # "
                                                   "'K1'): inf is not a finite quantity")):
        erp.yarn_requirements(kos, BOM_LINES, engine=engine)


def test_two_lengths_are_an_error():
    """Two arrays of different lengths are the ValueError naming both lengths."""
    with pytest.raises(ValueError, match="lengths differ: a=2, b=1"):
        same_length(a=[1, 2], b=[1])
    assert same_length(a=[1, 2], b=[3, 4]) == 2


@pytest.mark.parametrize("fid, why", [
    (2.0 ** 53, "9007199254740992.0 (= 9007199254740992) is a float64 id that is at or beyond 2**53"),
    (-(2.0 ** 60), "-1.152921504606847e+18 (= -1152921504606846976) is a float64 id that is at or beyond 2**53"),
])
def test_float_ids_at_or_beyond_2_53_in_magnitude_are_refused(fid, why):
    """Float ids beside integer ids must be whole and below 2**53 in magnitude: 2**53 itself and -2**60 are
    refused, naming the input and the other input."""
    assert not exact_int_floats(np.array([fid]))[0]
    with pytest.raises(ValueError, match=re.escape(f"b: item id {why}, where float64 cannot hold integer ids "
                                                   f"exactly, so it cannot be matched exactly with the integer ids "
                                                   f"of a")):
        same_ids([("a", pd.Index([1, 2])), ("b", pd.Index([fid]))])


def test_a_fractional_float_id_beside_object_integer_ids_is_refused():
    """Object ids of ints and floats are integer ids: a float id 2.5 beside them is 'not a whole number'."""
    with pytest.raises(ValueError, match=re.escape("supply: item id 2.5 is a float64 id that is not a whole "
                                                   "number, so it cannot be matched exactly with the integer ids "
                                                   "of orders")):
        same_ids([("orders", pd.Index([1, 2.0], dtype=object)), ("supply", pd.Index([2.5]))])


def test_unsigned_ids_meet_float_and_signed_ids_exactly():
    """uint64 ids are integer ids: beside float ids 1.0 those become int64 (then all int64, as below 2**63).
    uint64 2**63 beside -1: Python ints (int64 would wrap 2**63 to -2**63); beside 0 and 5: all uint64."""
    a, b = same_ids([("a", pd.Index([2 ** 60 + 1], dtype=np.uint64)), ("b", pd.Index([1.0]))])
    assert (a.dtype, a.tolist(), b.dtype, b.tolist()) == (np.int64, [2 ** 60 + 1], np.int64, [1])
    a, b = same_ids([("a", pd.Index([2 ** 63], dtype=np.uint64)), ("b", pd.Index([-1]))])
    assert (a.dtype, a.tolist(), b.tolist()) == (object, [2 ** 63], [-1])
    a, b = same_ids([("a", pd.Index([2 ** 63], dtype=np.uint64)), ("b", pd.Index([0, 5]))])
    assert (a.dtype, b.dtype, b.tolist()) == (np.uint64, np.uint64, [0, 5])


def test_float_ids_beside_no_integer_ids_are_left_as_they_are():
    """Float ids meet only text ids: nothing to match exactly with integers, so 1.5 is no error and the ids are
    returned unchanged."""
    a, b = same_ids([("a", pd.Index([1.5])), ("b", pd.Index(["x"]))])
    assert (a.dtype, a.tolist(), b.tolist()) == (np.float64, [1.5], ["x"])


def test_float_column_of_a_strided_block_is_contiguous():
    """A frame built on a 2-D array without a copy holds each column as a strided view: the column comes back
    C-contiguous (the compiled kernels read contiguous arrays), with its values."""
    df = pd.DataFrame(np.array([[0.0, 12.0], [1.0, 5.0], [2.0, 7.5]]), columns=["period", "qty"], copy=False)
    got = float_column(df, "qty")
    assert got.flags["C_CONTIGUOUS"] and got.tolist() == [12.0, 5.0, 7.5]


def test_arrow_dates_become_numpy_dates_of_their_unit():
    """Arrow date32 reads as datetime64[s] and date64 as datetime64[ms], the same day."""
    pa = pytest.importorskip("pyarrow")
    import datetime

    day = datetime.date(2025, 9, 1)
    for arrow, unit in ((pa.date32(), "s"), (pa.date64(), "ms")):
        got = numpy_dates(pd.Series([day], dtype=pd.ArrowDtype(arrow)))
        assert got.dtype == np.dtype(f"datetime64[{unit}]") and got.iloc[0] == pd.Timestamp("2025-09-01")


def test_arrow_text_meets_no_integer_and_overflows_as_pandas_does():
    """Arrow-backed text ids never match integer ids (all False), and a Python int beyond int64 among the ids
    looked for is pandas' own OverflowError (as pandas' isin of the same values)."""
    pytest.importorskip("pyarrow")
    idx = pd.Index(["a", "1"], dtype="string[pyarrow]")
    assert isin(idx, np.array([1, 2])).tolist() == [False, False]
    assert isin(idx, ["a", 1]).tolist() == [True, False]
    with pytest.raises(OverflowError):
        idx.isin([2 ** 63, "a"])
    with pytest.raises(OverflowError):
        isin(idx, [2 ** 63, "a"])

"""Mutation audit of the spine's Python layer (bk_fast.inventory, bk_fast.segments): one test per surviving mutant
that was a gap, each with hand-computed values and run on every engine where a kernel is involved. Each test
names the mutant it kills (the line changed and how)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast.inventory import _on_hand_stock

INF = np.inf


# -- inventory.py ---------------------------------------------------------------------------------------------

def _stock_frame(**extra):
    """Theoretical 100, Allocated -20 (stored <= 0, added), On Order 50, a Planning Balance column of 130."""
    return pd.DataFrame({"Planning Balance": [130.0], "Theoretical Balance": [100.0], "Allocated": [-20.0],
                         "On Order": [50.0], **extra})


def test_on_hand_stock_without_on_order_ignores_the_planning_balance_column(engine):
    """With the POs as receipts of their own (on_order=False) the stock is Theoretical + Allocated = 100 - 20 = 80,
    never the frame's Planning Balance (130, which counts the On Order 50 a second time), and a frame without an
    Allocated column is Theoretical alone. Kills: the Planning Balance shortcut taken without ``on_order``, and
    the Allocated choice ``on_order or`` turned into ``and`` / its presence test negated."""
    df = _stock_frame()
    assert _on_hand_stock(df, engine, on_order=False).tolist() == [80.0]
    assert _on_hand_stock(df[["Theoretical Balance", "On Order"]], engine, on_order=False).tolist() == [100.0]


def test_on_hand_stock_with_on_order_computes_all_three_and_needs_allocated(engine):
    """on_order=True without a Planning Balance column: 100 + (-20) + 50 = 130 (On Order counted); without an
    Allocated column it is a ValueError (the planning balance cannot be formed), not Theoretical + On Order.
    Kills: On Order replaced by zeros, and ``on_order or`` turned into ``and``."""
    df = _stock_frame().drop(columns="Planning Balance")
    assert _on_hand_stock(df, engine, on_order=True).tolist() == [130.0]
    with pytest.raises(ValueError, match=r"inventory has no column 'Allocated'"):
        _on_hand_stock(df[["Theoretical Balance", "On Order"]], engine, on_order=True)


def test_on_hand_stock_sums_theoretical_allocated_then_on_order(engine):
    """(1e16 + -1e16) + 0.5 = 0.5 in float64, while (1e16 + 0.5) + -1e16 = 0 (1e16 + 0.5 rounds to 1e16): the
    sum is taken in the ERP's order, Theoretical + Allocated first. Same for planning_balance. Kills: Allocated
    and On Order passed to the kernel in swapped positions (in _on_hand_stock and in planning_balance)."""
    df = pd.DataFrame({"Theoretical Balance": [1e16], "Allocated": [-1e16], "On Order": [0.5]})
    assert _on_hand_stock(df, engine, on_order=True).tolist() == [0.5]
    assert bk_fast.planning_balance(df, engine=engine).tolist() == [0.5]


@pytest.mark.parametrize("on_order", [True, False])
def test_on_hand_stock_rejects_infinite_and_text_quantities(engine, on_order):
    """An infinite quantity in a column read is a ValueError naming the column and row, and so is text that is no
    number (as 0 lbs, a yarn's stock would vanish silently), on the Planning Balance path (on_order=True with
    the column) and on the computed path. Kills: each of the four check_finite / reject_text calls deleted."""
    if on_order:
        inf_df = pd.DataFrame({"Planning Balance": [1.0, INF]}, index=["a", "b"])
        text_df = pd.DataFrame({"Planning Balance": ["5", "lots"]}, index=["a", "b"])
        label = "Planning Balance"
    else:
        inf_df = pd.DataFrame({"Theoretical Balance": [1.0, 2.0], "Allocated": [0.0, -INF]}, index=["a", "b"])
        text_df = pd.DataFrame({"Theoretical Balance": [1.0, 2.0], "Allocated": ["0", "lots"]}, index=["a", "b"])
        label = "Allocated"
    with pytest.raises(ValueError, match=rf"column '{label}' row 'b' \(position 1\): -?inf is not a finite"):
        _on_hand_stock(inf_df, engine, on_order=on_order)
    with pytest.raises(ValueError, match=rf"column '{label}' row 'b'.*'lots' is not a number"):
        _on_hand_stock(text_df, engine, on_order=on_order)


def test_on_hand_stock_text_is_rejected_only_in_rows_with_an_item_and_names_it(engine):
    """Text is rejected only in rows that have an item (``items`` missing where none): the row without a Desc#
    holding 'lots' reads as NaN, the other row 5; in a row with an item the error names the row, the item and
    what the cell should hold (by default 'lbs, or nothing for 0'). Kills: ``among`` always None in
    _Reader.reject_text, the items not passed on to reject_text."""
    df = pd.DataFrame({"Planning Balance": ["lots", "5"]})
    got = _on_hand_stock(df, engine, on_order=True, items=pd.Index([None, 7]))
    assert np.isnan(got[0]) and got[1] == 5.0
    df = pd.DataFrame({"Planning Balance": ["5", "lots"]}, index=["a", "b"])
    message = (r"^inventory column 'Planning Balance' row 'b' \(item 18929\): 'lots' is not a number "
               r"\(expected lbs, or nothing for 0\)$")
    with pytest.raises(ValueError, match=message):
        _on_hand_stock(df, engine, on_order=True, items=pd.Index([18767, 18929]))


def test_theoretical_balance_is_computed_even_beside_a_theoretical_column(engine):
    """theoretical_balance sums the four components (1 + 2 - 0.5 + NaN as 0 = 2.5) even when the frame also
    has a stale Theoretical Balance column (999). Kills: computed() replaced by theoretical()."""
    df = pd.DataFrame({"Theoretical Balance": [999.0], "Beginning Balance": [1.0], "Received": [2.0],
                       "Consumed": [-0.5], "Adjustments": [np.nan]})
    assert bk_fast.theoretical_balance(df, engine=engine).tolist() == [2.5]


def test_planning_balance_series_name_and_infinite_inputs(engine):
    """The Series is named 'Planning Balance'; an infinite Allocated is a ValueError naming it, and with both
    Allocated -inf and On Order inf (a NaN sum) Allocated, read first, is the one named. Kills: the name changed,
    the check_finite call in planning_balance deleted, Allocated / On Order read in the other order."""
    df = pd.DataFrame({"Theoretical Balance": [100.0], "Allocated": [-20.0], "On Order": [5.0]})
    out = bk_fast.planning_balance(df, engine=engine)
    assert out.name == "Planning Balance" and out.tolist() == [85.0]
    with pytest.raises(ValueError, match=r"column 'Allocated' row 0 \(position 0\): -inf is not a finite"):
        bk_fast.planning_balance(df.assign(Allocated=[-INF]), engine=engine)
    with pytest.raises(ValueError, match=r"column 'Allocated' row 0 \(position 0\): -inf is not a finite"):
        bk_fast.planning_balance(df.assign(Allocated=[-INF], **{"On Order": [INF]}), engine=engine)


def test_yarn_risk_missing_on_order_is_reported_before_an_infinite_allocated(engine):
    """Components given, Allocated read (-inf) and On Order absent: the missing column is the error; only an
    infinite *component* is named ahead of it. Kills: check_finite(among=4) scanning every column read, in
    _Reader.check_finite (``inputs[:among]``) and in yarn_risk (``among`` dropped)."""
    df = pd.DataFrame({"Beginning Balance": [1.0], "Received": [0.0], "Consumed": [0.0], "Adjustments": [0.0],
                       "Allocated": [-INF]})
    with pytest.raises(ValueError, match=r"inventory has no column 'On Order'"):
        bk_fast.yarn_risk(df, engine=engine)


def test_yarn_risk_components_are_summed_in_theoretical_balance_order(engine):
    """From components the Theoretical Balance is ((Beginning + Received) + Consumed) + Adjustments:
    ((1e16 + 0.5) + 0) + -1e16 = 0 in float64 (1e16 + 0.5 rounds to 1e16), so the balance is 0 and LOW, as
    theoretical_balance gives; Received and Adjustments swapped would give 0.5. Consumed -43 gives a weekly
    demand of 43 / 4.3 = 10 (not |Adjustments| / 4.3), balance 100 - 43 + 8.6 = 65.6 and 6.56 weeks. Kills: the
    kernel's parts swapped, Consumed and Adjustments read in swapped places."""
    df = pd.DataFrame({"Beginning Balance": [1e16, 100.0], "Received": [0.5, 0.0], "Consumed": [0.0, -43.0],
                       "Adjustments": [-1e16, 8.6], "Allocated": [0.0, 0.0], "On Order": [0.0, 0.0]})
    assert bk_fast.theoretical_balance(df, engine=engine).tolist()[0] == 0.0
    out = bk_fast.yarn_risk(df, engine=engine)
    assert out["planning_balance"].tolist()[0] == 0.0
    assert out["weekly_demand"].tolist() == [10.0, 10.0]
    assert out["planning_balance"].tolist()[1] == pytest.approx(65.6, abs=1e-12)
    assert out["weeks_of_supply"].tolist()[1] == pytest.approx(6.56, abs=1e-12)
    assert out["risk"].tolist() == ["LOW", "LOW"]


def test_yarn_risk_infinite_consumed_is_an_error_with_a_theoretical_column(engine):
    """Consumed only feeds the weekly demand when the Theoretical Balance is given: Consumed -inf leaves the
    balance finite (10) but the weekly demand infinite, which is still a ValueError naming Consumed. Kills: the
    error path checking the balance only (``check_finite(block[0])``)."""
    df = pd.DataFrame({"Theoretical Balance": [10.0], "Allocated": [0.0], "On Order": [0.0], "Consumed": [-INF]},
                      index=["y1"])
    with pytest.raises(ValueError, match=r"column 'Consumed' row 'y1' \(position 0\): -inf is not a finite"):
        bk_fast.yarn_risk(df, engine=engine)


def test_balances_near_the_float_limit_raise_no_runtimewarning(engine):
    """Two finite balances of 1e308 are finite results (1e308 each), but their sum in the finiteness fast path
    overflows: that is an internal step, so no RuntimeWarning escapes (with warnings as errors it would be an
    exception). Kills: the np.errstate around _Reader.check_finite's sums removed."""
    df = pd.DataFrame({"Theoretical Balance": [1e308, 1e308], "Allocated": [0.0, 0.0], "On Order": [0.0, 0.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bk_fast.planning_balance(df, engine=engine).tolist() == [1e308, 1e308]


# -- segments.py ----------------------------------------------------------------------------------------------

def test_integer_keys_spanning_a_huge_range_are_factorized(engine):
    """Integer keys 0 and 2**62 (a range far wider than their count) are hashed, not offset into 2**62 + 1
    dense codes (an impossible allocation): running sums 1, 2, 1 + 3 = 4. Kills: the range test in
    _group_codes dropped."""
    assert bk_fast.segmented_cumsum([1, 2, 3], np.array([0, 2 ** 62, 0]), engine=engine).tolist() == [1, 2, 4]


def test_uint64_keys_above_int64_are_grouped(engine):
    """uint64 keys 2**63 and 2**63 + 1 (a narrow range, but beyond int64) are factorized: [5, 7, 5 + 9 = 14].
    Kills: the ``hi <= int64 max`` test in _group_codes dropped (the int64 offset overflows)."""
    keys = np.array([2 ** 63, 2 ** 63 + 1, 2 ** 63], dtype=np.uint64)
    assert bk_fast.segmented_cumsum([5, 7, 9], keys, engine=engine).tolist() == [5, 7, 14]


def test_infinite_value_in_a_missing_key_row_is_an_error(engine):
    """inf in the row of a missing key never reaches a sum (its row is NaN), yet it is a ValueError naming the
    row, as the docstring promises. Kills: the input check (_check_finite on the values) deleted or disabled."""
    with pytest.raises(ValueError, match=r"values at row 1: inf is not a finite number"):
        bk_fast.segmented_cumsum([1.0, INF], [0, None], engine=engine)


def test_int_sum_of_exactly_2_63_is_an_overflow(engine):
    """2**62 + 2**62 = 2**63, one beyond int64: the skip test ``max |v| x n < 2**63`` must not skip when the bound
    is met exactly (2**62 x 2 = 2**63). Kills: ``<`` turned into ``<=`` in _int_overflow."""
    with pytest.raises(ValueError, match=r"running sum at row 1 exceeds the int64 range"):
        bk_fast.segmented_cumsum([2 ** 62, 2 ** 62], [0, 0], engine=engine)


def test_negative_int_beyond_2_53_beside_nan_is_read_exactly(engine):
    """NumPy reads [-(2**53) - 1, NaN] as float64, rounding the int to -2**53; the list is read as the ints
    themselves, so the exact sum -(2**53 + 1), which the float64 result cannot hold, is a ValueError. Kills:
    ``np.abs`` dropped in _maybe_inexact_ints (negative ints went through rounded)."""
    with pytest.raises(ValueError, match=r"running sum at row 0 is -9007199254740993, which float64 cannot hold"):
        bk_fast.segmented_cumsum([-(2 ** 53) - 1, float("nan")], [0, 0], engine=engine)


def test_byte_string_keys_keep_trailing_nuls(engine):
    """b'a\\x00' and b'a' are two keys (pandas keeps them apart); NumPy's bytes dtype would strip the NUL and
    merge them: [1, 2], not [1, 3]. Kills: a list of bytes left to NumPy (``"US"`` -> ``"U"``)."""
    assert bk_fast.segmented_cumsum([1, 2], [b"a\x00", b"a"], engine=engine).tolist() == [1, 2]


def test_two_dimensional_keys_and_list_values_are_errors():
    """A 2-D key array and a 2-D list of integer values are ValueErrors saying so. Kills: the keys ndim check
    and the values ndim check (the integer list path) deleted."""
    with pytest.raises(ValueError, match=r"keys must be one-dimensional, got shape \(2, 2\)"):
        bk_fast.segmented_cumsum([1, 2], np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"values must be one-dimensional, got shape \(2, 2\)"):
        bk_fast.segmented_cumsum([[1, 2], [3, 4]], [0, 0])


def test_uint64_values_at_and_above_the_int64_bound(engine):
    """uint64 values up to 2**63 - 1 are summed exactly ([2**63 - 1] -> 2**63 - 1); 2**63 + 1 is a ValueError, not
    a wrap to -2**63 + 1. Kills: the unsigned bound ``>`` turned into ``>=``, and the check deleted."""
    big = np.iinfo(np.int64).max
    assert bk_fast.segmented_cumsum(np.array([big], dtype=np.uint64), [0], engine=engine).tolist() == [big]
    with pytest.raises(ValueError, match=r"unsigned integers above the int64 range are not supported"):
        bk_fast.segmented_cumsum(np.array([2 ** 63 + 1], dtype=np.uint64), [0], engine=engine)


def test_object_ints_beside_erp_text_are_cleaned_as_numbers(engine):
    """An object column mixing a Python int and ERP number text ('$2.50') is read as numbers, the text cleaned:
    1, 1 + 2.5 = 3.5 (float64). Kills: 'mixed-integer' object columns sent down the exact-integer path."""
    out = bk_fast.segmented_cumsum(np.array([1, "$2.50"], dtype=object), [0, 0], engine=engine)
    assert out.dtype == np.float64 and out.tolist() == [1.0, 3.5]


def test_int_sum_2_63_minus_1_with_a_missing_key_raises_no_runtimewarning(engine):
    """2**63 - 1 with a missing key: float64 rounds it to 2**63, which is the documented ValueError, and the
    cast of 2**63 back to int64 while checking must not leak a RuntimeWarning first (an exception under
    warnings-as-errors). Kills: the np.errstate(invalid="ignore") around the exactness check removed."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"running sum at row 0 is 9223372036854775807, which float64 cannot"):
            bk_fast.segmented_cumsum([2 ** 63 - 1, 5], [0, None], engine=engine)


# -- a defect the audit found (object ints beside bools were read through float64), fixed in segments.py --------

def test_object_ints_beside_bools_add_exactly(engine):
    """Docstring: integers and booleans (Python ints in a list or an object column) stay int64 and add exactly:
    [2**53 + 1, True] in one group is 2**53 + 1, 2**53 + 2 (int64), as the list [3, True] already gives [3, 4].
    pandas types ints beside bools "mixed-integer", which was read through float64 (2**53 + 1 rounded); ints
    beside ERP text ("1,000") are still cleaned as numbers."""
    out = bk_fast.segmented_cumsum(np.array([2 ** 53 + 1, True], dtype=object), [0, 0], engine=engine)
    assert out.dtype == np.int64 and out.tolist() == [2 ** 53 + 1, 2 ** 53 + 2]
    out = bk_fast.segmented_cumsum(np.array([3, np.True_, None], dtype=object), [0, 0, 0], engine=engine)
    assert out.dtype == np.float64 and out[:2].tolist() == [3.0, 4.0] and np.isnan(out[2])
    out = bk_fast.segmented_cumsum(np.array([3, "1,000"], dtype=object), [0, 0], engine=engine)
    assert out.tolist() == [3.0, 1003.0]


def test_int_beyond_int64_beside_a_bool_is_an_error(engine):
    """Docstring: an integer beyond the int64 range is a ValueError; beside a bool it came back as
    9.223372036854776e18 twice (2**63 + 1 rounded, True added and lost to rounding)."""
    with pytest.raises(ValueError, match="int64 range"):
        bk_fast.segmented_cumsum([2 ** 63 + 1, True], [0, 0], engine=engine)

"""Cases found by a mutation audit of ``bk_fast.compat.dataframe_optimizer`` and ``bk_fast.compat._frames``
(each one an input on which a small change to the drop-in gave a different answer while the rest of the suite
still passed). Every case compares the drop-in (per engine where the method takes ``engine=``) with the
contract's transcription in ``tests/_original_phase3.py`` on a small hand-made frame, and asserts hand-computed
values too."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import bk_fast
from bk_fast.compat import DataFrameOptimizer as DFO

from _original_phase3 import OriginalDataFrameOptimizer as ODFO


def _both(method, *frames, engine, **kwargs):
    """The drop-in's and the original's result on deep copies of the frames among ``frames`` (the drop-in
    under ``engine``), plus the arguments each one was given (to compare their in-place mutation)."""
    mine = [f.copy(deep=True) if isinstance(f, pd.DataFrame) else f for f in frames]
    theirs = [f.copy(deep=True) if isinstance(f, pd.DataFrame) else f for f in frames]
    expected = getattr(ODFO, method)(*theirs, **kwargs)
    actual = getattr(DFO, method)(*mine, engine=engine, **kwargs)
    return actual, expected, mine, theirs


def test_a_kernel_unsuitable_input_counts_as_a_fallback_call(engine):
    """An ``object`` balance column cannot take the kernel path: the call is served by pandas and
    :func:`bk_fast.stats` counts it under ``fallback_calls`` (a flipped engine test in ``_fallback`` counted
    nothing)."""
    frame = pd.DataFrame({"theoretical_balance": pd.Series([1.0, "2"], dtype=object), "allocated": [1.0, 2.0]})
    bk_fast.reset_stats()
    out = DFO.optimize_planning_balance_calculation(frame, engine=engine)
    assert out["planning_balance"].tolist() == [2.0, 4.0]
    entry = bk_fast.stats()["optimize_planning_balance_calculation"]
    assert entry["calls"] == 1 and entry["fallback_calls"] == 1


def test_shortage_with_duplicate_labels_of_other_columns(engine):
    """Duplicate labels on columns other than the two compared ones: the rows are selected as
    ``df[below].copy()`` selects them (the kernel path reads one column per label, so such frames must take
    the pandas path; without the uniqueness check a label selected a two-column frame)."""
    inv = pd.DataFrame([[1.0, 3.0, 7, 8], [5.0, 3.0, 9, 10], [0.5, 2.0, 11, 12]],
                       columns=["planning_balance", "min_stock", "w", "w"])
    actual, expected, _, _ = _both("optimize_shortage_detection", inv, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.index.tolist() == [0, 2]
    assert actual["shortage_amount"].tolist() == [2.0, 1.5]
    assert actual.iloc[:, 2:4].to_numpy().tolist() == [[7, 8], [11, 12]]


def test_shortage_keeps_attrs(engine):
    """``df[below].copy()`` carries ``attrs`` over; the column-by-column kernel frame does not, so a frame with
    ``attrs`` takes the path that keeps them."""
    inv = pd.DataFrame({"planning_balance": [1.0, 5.0, -2.0], "min_stock": [3.0, 3.0, 0.0]})
    inv.attrs = {"site": "mill-2"}
    actual, expected, _, _ = _both("optimize_shortage_detection", inv, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.attrs == {"site": "mill-2"}
    assert actual.index.tolist() == [0, 2] and actual["shortage_amount"].tolist() == [2.0, 2.0]


@pytest.mark.parametrize("how", ["Float64", "pandas"])
def test_shortage_pandas_path_is_strict_on_ties(engine, how):
    """The plain pandas path (nullable ``Float64`` columns on every engine, or ``engine='pandas'``) keeps
    ``balance < threshold`` strict: a balance equal to its threshold is no shortage."""
    inv = pd.DataFrame({"planning_balance": [3.0, 1.0, 4.0], "min_stock": [3.0, 2.5, 3.0]})
    if how == "Float64":
        inv = inv.astype("Float64")
    actual, expected, _, _ = _both("optimize_shortage_detection", inv, engine=engine if how != "pandas" else how)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.index.tolist() == [1] and actual["shortage_amount"].tolist() == [1.5]


def test_shortage_when_the_input_already_has_shortage_amount(engine):
    """An input that already holds ``shortage_amount``: the column is overwritten in place (its position kept,
    no second label), as ``out['shortage_amount'] = ...`` does."""
    inv = pd.DataFrame({"shortage_amount": [9.0, 9.0, 9.0], "planning_balance": [1.0, 5.0, 0.0],
                        "min_stock": [3.0, 3.0, 0.5]})
    actual, expected, _, _ = _both("optimize_shortage_detection", inv, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.columns.tolist() == ["shortage_amount", "planning_balance", "min_stock"]
    assert actual.index.tolist() == [0, 2] and actual["shortage_amount"].tolist() == [2.0, 0.5]


def test_bom_integer_requirements_with_a_missing_yarn_id(engine):
    """Integer ``required_quantity`` (int ``quantity_per`` x int quantity) and a missing ``yarn_id``: groupby's
    cumsum drops the missing key, so ``cumulative_required`` is float64 with NaN on that row (an int64 running
    sum would leave an arbitrary integer there)."""
    bom = pd.DataFrame({"yarn_id": [1.0, np.nan, 1.0, 2.0], "quantity_per": [2, 3, 4, 5]})
    actual, expected, mine, theirs = _both("optimize_bom_explosion", bom, 2, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual is mine[0] and expected is theirs[0]
    assert actual["required_quantity"].dtype == np.int64 and actual["required_quantity"].tolist() == [4, 6, 8, 10]
    assert actual["cumulative_required"].dtype == np.float64
    np.testing.assert_array_equal(actual["cumulative_required"].to_numpy(), [4.0, np.nan, 12.0, 10.0])


def test_allocation_attrs_are_a_deep_copy(engine):
    """Both inputs hold the same ``attrs`` with a nested list: the result gets them as pandas' merge passes them on,
    deep-copied, so appending to the result's list leaves the inputs' ``attrs`` as they were."""
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [10.0, 5.0]})
    orders = pd.DataFrame({"yarn_id": [1, 2, 1], "required_quantity": [4.0, 6.0, 8.0], "priority": [1, 1, 2],
                           "order_date": pd.to_datetime(["2026-01-03", "2026-01-02", "2026-01-01"])})
    yarn.attrs = {"tags": ["erp"]}
    orders.attrs = {"tags": ["erp"]}
    actual, expected, mine, theirs = _both("optimize_yarn_allocation", yarn, orders, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual["allocated_quantity"].tolist() == [5.0, 4.0, 6.0] and actual.index.tolist() == [1, 0, 2]
    for result, inputs in ((actual, mine), (expected, theirs)):
        assert result.attrs == {"tags": ["erp"]}
        result.attrs["tags"].append("changed")
        assert [frame.attrs for frame in inputs] == [{"tags": ["erp"]}, {"tags": ["erp"]}]


def test_allocation_column_index_name_nan_beside_none(engine):
    """Orders whose column Index is named NaN beside yarn whose column Index has no name: the merge gives the
    result's columns no name (a NaN name is kept only when both inputs carry one)."""
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [10.0, 5.0]})
    orders = pd.DataFrame({"yarn_id": [2, 1], "required_quantity": [6.0, 4.0], "priority": [1, 1],
                           "order_date": pd.to_datetime(["2026-01-02", "2026-01-01"])})
    orders.columns.name = np.nan
    actual, expected, _, _ = _both("optimize_yarn_allocation", yarn, orders, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.columns.name is None and expected.columns.name is None
    assert actual["allocated_quantity"].tolist() == [4.0, 5.0] and actual.index.tolist() == [1, 0]


def test_due_today_is_not_overdue():
    """``is_overdue = days_until_due < 0`` (strict): a due date later on the clock's own day is 0 days away and
    not overdue; ``days_until_due`` takes the floor of the days (minus 1 day 9:30 -> -2)."""
    now = pd.Timestamp("2026-03-02 09:30:00")
    due = ["2026-03-02 12:00", "2026-03-01 00:00", "2026-03-05 00:00"]
    frame = pd.DataFrame({"due_date": pd.Series(due, dtype=object)})
    expected = ODFO.optimize_date_calculations(frame.copy(deep=True), now=now)
    actual = DFO.optimize_date_calculations(frame.copy(deep=True), now=now)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual["days_until_due"].tolist() == [0, -2, 2]
    assert actual["is_overdue"].tolist() == [False, True, False]


@pytest.mark.parametrize("text", ["object", "str"])
def test_string_operations_match_names_case_insensitively(text):
    """The name tests run on the lowercased name: ``Yarn_ID`` is upper-cased and ``Unit_AMOUNT`` loses ``$`` and
    ``,`` as ``yarn_id`` / ``unit_amount`` would."""
    frame = pd.DataFrame({"Yarn_ID": pd.Series([" ab-1 ", "c2"], dtype=text),
                          "Unit_AMOUNT": pd.Series([" $1,200 ", "3"], dtype=text)})
    source = frame.astype(object)
    expected = ODFO.optimize_string_operations(source.copy(deep=True))
    actual = DFO.optimize_string_operations(frame.copy(deep=True))
    assert actual["Yarn_ID"].tolist() == ["AB-1", "C2"] == expected["Yarn_ID"].tolist()
    assert actual["Unit_AMOUNT"].tolist() == ["1200", "3"] == expected["Unit_AMOUNT"].tolist()
    assert actual.dtypes.tolist() == frame.dtypes.tolist()


def test_memory_usage_bounds_are_inclusive_and_the_category_share_strict():
    """int16 takes -32768..32767 inclusive (32768 needs int32, -32768 fits int16); text becomes category only
    when ``nunique / len < 0.5`` (exactly one half stays text)."""
    frame = pd.DataFrame({"a": [0, 32768, 5, 5], "b": [-32768, 32767, 0, 1],
                          "half": pd.Series(["x", "y", "x", "y"], dtype=object),
                          "less": pd.Series(["x", "x", "x", "x"], dtype=object)})
    expected = ODFO.optimize_memory_usage(frame.copy(deep=True))
    actual = DFO.optimize_memory_usage(frame.copy(deep=True))
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.dtypes.astype(str).tolist() == ["int32", "int16", "object", "category"]
    assert actual["a"].tolist() == [0, 32768, 5, 5]


def _orders(ids):
    return pd.DataFrame({"yarn_id": pd.Series(ids, dtype=object if any(isinstance(i, (str, tuple)) for i in ids)
                                              else None),
                         "required_quantity": [3.0, 4.0, 5.0], "priority": [1, 1, 1],
                         "order_date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"])})


def test_allocation_missing_yarn_id_matches_a_missing_yarn_id(engine):
    """pandas' left merge matches a missing key with a missing key: orders without a yarn id get the
    availability of the yarn row without one (7.0), while groupby's cumsum still drops them (NaN demand, False,
    NaN allocated)."""
    yarn = pd.DataFrame({"yarn_id": [1.0, np.nan], "available_quantity": [10.0, 7.0]})
    actual, expected, _, _ = _both("optimize_yarn_allocation", yarn, _orders([np.nan, 1.0, np.nan]), engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual["available_quantity"].tolist() == [7.0, 10.0, 7.0]
    assert actual["can_fulfill"].tolist() == [False, True, False]
    np.testing.assert_array_equal(actual["allocated_quantity"].to_numpy(), [np.nan, 4.0, np.nan])


def test_allocation_object_keys_that_are_not_strings_raise_as_the_merge_does(engine):
    """``object`` yarn ids holding tuples beside strings and numbers: the original's merge raises TypeError, so the
    drop-in must not look them up itself."""
    yarn = pd.DataFrame({"yarn_id": pd.Series([(1, 2), 3.0, "a"], dtype=object), "available_quantity": [10.0] * 3})
    with pytest.raises(TypeError):
        ODFO.optimize_yarn_allocation(yarn.copy(), _orders([(1, 2), "a", 3]))
    with pytest.raises(TypeError):
        DFO.optimize_yarn_allocation(yarn.copy(), _orders([(1, 2), "a", 3]), engine=engine)


def test_allocation_sorts_fractional_float_priorities(engine):
    """Priorities 1.5 and 1.2 (floats that are not whole numbers) sort as floats: 1.2 before 1.5 whatever the
    order dates (truncated to integer codes both would be 1, and the date would decide)."""
    yarn = pd.DataFrame({"yarn_id": [1], "available_quantity": [5.0]})
    orders = pd.DataFrame({"yarn_id": [1, 1], "required_quantity": [4.0, 3.0], "priority": [1.5, 1.2],
                           "order_date": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    actual, expected, _, _ = _both("optimize_yarn_allocation", yarn, orders, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.index.tolist() == [1, 0] and actual["priority"].tolist() == [1.2, 1.5]
    assert actual["allocated_quantity"].tolist() == [3.0, 2.0]


def test_allocation_whole_float_keys_with_a_missing_one_do_not_warn(engine):
    """Float order yarn ids that are whole numbers apart from a missing one, beside integer yarn ids: pandas'
    merge gives no "not equal to their int representation" warning (NaN is left out of that test), and neither
    does the drop-in."""
    yarn = pd.DataFrame({"yarn_id": [1, 2], "available_quantity": [10.0, 5.0]})
    orders = _orders([1.0, np.nan, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = ODFO.optimize_yarn_allocation(yarn.copy(), orders.copy())
        actual = DFO.optimize_yarn_allocation(yarn.copy(), orders.copy(), engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    np.testing.assert_array_equal(actual["available_quantity"].to_numpy(), [10.0, np.nan, 5.0])


def test_allocation_sorts_uint64_priorities_beyond_int64(engine):
    """``uint64`` priorities 2**64 - 1 and 0 sort as unsigned numbers: 0 first (as int64, 2**64 - 1 would be -1 and
    sort first)."""
    yarn = pd.DataFrame({"yarn_id": [1], "available_quantity": [5.0]})
    orders = pd.DataFrame({"yarn_id": [1, 1], "required_quantity": [4.0, 3.0],
                           "priority": np.array([2 ** 64 - 1, 0], dtype=np.uint64),
                           "order_date": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    actual, expected, _, _ = _both("optimize_yarn_allocation", yarn, orders, engine=engine)
    assert_frame_equal(actual, expected, check_exact=True)
    assert actual.index.tolist() == [1, 0] and actual["allocated_quantity"].tolist() == [3.0, 2.0]


def test_scheduling_orders_that_already_hold_available_hours(engine):
    """Orders that already carry ``available_hours``: the merge suffixes the two columns (``_x`` / ``_y``) and the
    original then fails on the missing ``available_hours`` (KeyError); the drop-in raises the same."""
    orders = pd.DataFrame({"priority": [1, 2], "due_date": pd.to_datetime(["2026-01-01", "2026-01-02"]),
                           "quantity": [100.0, 300.0], "work_center_id": [1, 1], "available_hours": [9.0, 9.0]})
    capacity = pd.DataFrame({"work_center_id": [1], "available_hours": [2.0]})
    now = pd.Timestamp("2026-03-02 09:30:00")
    with pytest.raises(KeyError):
        ODFO.optimize_production_scheduling(orders.copy(), capacity.copy(), now=now)
    with pytest.raises(KeyError):
        DFO.optimize_production_scheduling(orders.copy(), capacity.copy(), now=now, engine=engine)

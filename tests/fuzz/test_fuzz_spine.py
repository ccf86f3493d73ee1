"""Fuzz the spine's public functions on every engine: theoretical_balance, planning_balance, yarn_risk,
segmented_cumsum. Adversarial frames (see _harness): each call returns what the reference returns on every
engine, or raises the same ValueError/TypeError naming the column or row; never a crash, a silent NaN, or a
mutated input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _harness import (AVAILABLE, check_engines, drawable, fuzz_settings, ids, index_of, int64s, number_column,
                      snapshot, assert_unchanged, any_floats, erp_text)
from hypothesis import given
from hypothesis import strategies as st

import bk_fast
from bk_fast._columns import ALIASES

INVENTORY_COLUMNS = ["Beginning Balance", "Received", "Consumed", "Adjustments", "Theoretical Balance",
                     "Allocated", "On Order"]


@st.composite
def inventory_frames(draw):
    n = draw(st.integers(0, 7))
    cols = {}
    for name in INVENTORY_COLUMNS:
        presence = draw(st.sampled_from(["present"] * 6 + ["absent"]))
        if presence == "absent":
            continue
        label = draw(st.sampled_from(list(ALIASES.get(name, (name,)))))
        cols[label] = number_column(n)
    data = {label: draw(strat).reset_index(drop=True) for label, strat in cols.items()}
    if draw(st.booleans()):
        data["Desc#"] = pd.Series(draw(st.lists(ids, min_size=n, max_size=n)), dtype=object)
    df = pd.DataFrame(data, index=pd.RangeIndex(n))
    df.index = draw(index_of(n))
    return df


def _no_silent_nan(result, df):
    """Inventory outputs never hold NaN: missing inputs count as 0 and infinite inputs are rejected."""
    frame = result if isinstance(result, pd.DataFrame) else result.to_frame()
    for col in frame.columns:
        if frame[col].dtype.kind == "f":
            assert not frame[col].isna().any(), f"silent NaN in {col!r}"
    pd.testing.assert_index_equal(frame.index, df.index)


@pytest.mark.parametrize("func", ["theoretical_balance", "planning_balance", "yarn_risk"])
@fuzz_settings(30)
@given(df=inventory_frames())
def test_inventory_functions(func, df):
    fn = getattr(bk_fast, func)
    before = snapshot(df)
    ref = check_engines(lambda eng: fn(df, engine=eng), list(df.columns) + INVENTORY_COLUMNS, where=func)
    assert_unchanged(before, [df])
    if ref.error is None:
        _no_silent_nan(ref.value, df)
        assert len(ref.value) == len(df)
    else:
        assert isinstance(ref.error, (ValueError, TypeError))


@fuzz_settings(30)
@given(df=inventory_frames())
def test_yarn_risk_agrees_with_planning_balance_and_its_rules(df):
    """Where both succeed on the reference, yarn_risk's balance equals planning_balance, shortage and the risk
    thresholds follow from it exactly."""
    try:
        pb = bk_fast.planning_balance(df, engine="numpy")
        risk = bk_fast.yarn_risk(df, engine="numpy")
    except (ValueError, TypeError):
        return
    np.testing.assert_array_equal(risk["planning_balance"].to_numpy(), pb.to_numpy())
    b = pb.to_numpy()
    np.testing.assert_array_equal(risk["shortage"].to_numpy(), np.where(b < 0, -b, 0.0))
    expected = np.select([b < -1000, b < -100, b < 0], ["CRITICAL", "HIGH", "MEDIUM"], "LOW")
    assert risk["risk"].astype(str).tolist() == expected.tolist()
    assert (risk["weekly_demand"] >= 0).all() and (risk["weeks_of_supply"] >= 0).all()


def test_infinite_quantity_is_a_clear_error():
    for value in (math.inf, "-inf", "1e400"):
        inv = pd.DataFrame({"Theoretical Balance": [1.0, value], "Allocated": [0.0, 0.0], "On Order": [0.0, 0.0],
                            "Consumed": [0.0, 0.0]}, index=["Y1", "Y2"])
        for eng in AVAILABLE:
            with pytest.raises(ValueError, match=r"column 'Theoretical Balance' row 'Y2' \(position 1\).*not a "
                                                 r"finite quantity"):
                bk_fast.yarn_risk(inv, engine=eng)


def test_missing_column_names_it_and_aliases():
    inv = pd.DataFrame({"Theoretical Balance": [1.0], "On Order": [0.0]})
    with pytest.raises(ValueError, match=r"no column 'Allocated' \(accepted names:"):
        bk_fast.planning_balance(inv)


def test_wrong_dtype_names_the_column():
    inv = pd.DataFrame({"Theoretical Balance": pd.to_datetime(["2025-01-01"]), "Allocated": [0.0],
                        "On Order": [0.0]})
    with pytest.raises(TypeError, match="'Theoretical Balance' must be numeric"):
        bk_fast.planning_balance(inv)


def test_not_a_frame():
    with pytest.raises(TypeError, match="inventory must be a pandas DataFrame, got dict"):
        bk_fast.yarn_risk({"Allocated": [1.0]})


# ----------------------------------------------------------------------------------------------------------
# segmented_cumsum

KEY_KINDS = drawable(("ints", "int_extremes", "uint64_big", "strings", "unicode", "floats", "bools", "none_mixed",
                      "tuples", "category", "pyarrow_string", "Int64", "datetime"))


@st.composite
def key_arrays(draw, n):
    kind = draw(st.sampled_from(KEY_KINDS))
    if kind == "ints":
        return np.array(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), dtype=np.int64)
    if kind == "int_extremes":
        return np.array(draw(st.lists(int64s, min_size=n, max_size=n)), dtype=np.int64)
    if kind == "uint64_big":
        return np.array(draw(st.lists(st.integers(2 ** 64 - 4, 2 ** 64 - 1), min_size=n, max_size=n)),
                        dtype=np.uint64)
    if kind == "strings":
        return pd.Series(draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n)))
    if kind == "unicode":
        return np.array(draw(st.lists(ids.map(str), min_size=n, max_size=n)), dtype=object)
    if kind == "floats":
        return np.array(draw(st.lists(st.sampled_from([0.0, -0.0, 1.5, math.nan, math.inf]), min_size=n,
                                      max_size=n)), dtype=np.float64)
    if kind == "bools":
        return np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if kind == "none_mixed":
        return draw(st.lists(st.one_of(st.none(), st.sampled_from(["x", "y"])), min_size=n, max_size=n))
    if kind == "tuples":
        return draw(st.lists(st.tuples(st.integers(0, 1), st.sampled_from(["a", "b"])), min_size=n, max_size=n))
    if kind == "category":
        return pd.Categorical(draw(st.lists(st.one_of(st.none(), st.sampled_from(["p", "q"])), min_size=n,
                                            max_size=n)))
    if kind == "pyarrow_string":
        return pd.Series(draw(st.lists(st.one_of(st.none(), st.sampled_from(["a", "a "])), min_size=n,
                                       max_size=n)), dtype="string[pyarrow]")
    if kind == "Int64":
        return pd.Series(draw(st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=n, max_size=n)),
                         dtype="Int64")
    return pd.Series(pd.to_datetime(draw(st.lists(st.sampled_from(["2025-01-01", "2025-01-02"]), min_size=n,
                                                  max_size=n))))


VALUE_KINDS = drawable(("float64", "int64", "Int64", "Float64", "object_numbers", "object_mixed", "string",
                        "category", "pyarrow_float", "pyarrow_int", "float32", "uint64", "bool", "datetime"))


@st.composite
def cumsum_cases(draw):
    n = draw(st.integers(0, 9))
    values = draw(number_column(n, VALUE_KINDS))
    form = draw(st.sampled_from(["series", "ndarray", "list"]))
    if form == "series":
        values.index = draw(index_of(n))
        values.name = draw(st.sampled_from([None, "lbs", "Balance (lbs)"]))
    elif form == "ndarray":
        values = values.to_numpy()
    else:
        values = values.tolist()
    keys = draw(key_arrays(n))
    if draw(st.integers(0, 9)) == 0:  # length mismatch
        keys = keys[:-1] if len(keys) else [0]
    return values, keys


def _pandas_oracle(values, keys):
    """pandas' groupby cumsum on the same (already validated) float values."""
    arr = bk_fast.segments.float_array(values, name="values") if not isinstance(values, np.ndarray) or \
        values.dtype.kind not in "iub" else values
    key_obj = keys
    if isinstance(keys, list):
        key_obj = np.empty(len(keys), dtype=object)
        key_obj[:] = keys
    if isinstance(key_obj, pd.Series):
        key_obj = key_obj.to_numpy(dtype=object, na_value=None)
    return pd.Series(np.asarray(arr, dtype=np.float64)).groupby(pd.Series(list(key_obj), dtype=object),
                                                               dropna=True).cumsum()


@fuzz_settings(80)
@given(case=cumsum_cases())
def test_segmented_cumsum(case):
    values, keys = case
    before = snapshot(values, keys)
    ref = check_engines(lambda eng: bk_fast.segmented_cumsum(values, keys, engine=eng),
                        ["values", "keys", "lengths"], where="segmented_cumsum")
    assert_unchanged(before, [values, keys])
    if ref.error is not None:
        return
    out = ref.value
    arr = out.to_numpy() if isinstance(out, pd.Series) else out
    assert len(arr) == len(keys)
    if arr.dtype.kind == "f":
        # NaN only where pandas has NaN (missing value or key): never a silent one
        expected = _pandas_oracle(values, keys).to_numpy()
        nan_ok = np.isnan(expected)
        assert np.array_equal(np.isnan(arr), nan_ok), (arr, expected)
        np.testing.assert_array_equal(arr[~nan_ok], expected[~nan_ok])
    if isinstance(values, pd.Series):
        pd.testing.assert_index_equal(out.index, values.index)


def test_segmented_cumsum_uint64_keys_above_int64_range():
    keys = np.array([2 ** 64 - 1, 2 ** 64 - 2, 2 ** 64 - 1], dtype=np.uint64)
    for eng in AVAILABLE:
        assert bk_fast.segmented_cumsum(np.array([1.0, 2.0, 3.0]), keys, engine=eng).tolist() == [1.0, 2.0, 4.0]


def test_segmented_cumsum_overflow_and_inf_are_clear_errors():
    for eng in AVAILABLE:
        with pytest.raises(ValueError, match=r"running sum at row 1: inf overflows float64"):
            bk_fast.segmented_cumsum(np.array([1e308, 1e308, -1e308]), np.zeros(3, dtype=np.int64), engine=eng)
        with pytest.raises(ValueError, match=r"values at row 'b' \(position 1\): -inf is not a finite number"):
            bk_fast.segmented_cumsum(pd.Series([1.0, -math.inf], index=["a", "b"]), [0, 0], engine=eng)


def test_segmented_cumsum_errors_name_the_argument():
    with pytest.raises(ValueError, match="lengths differ: values=3, keys=2"):
        bk_fast.segmented_cumsum([1.0, 2.0, 3.0], [0, 1])
    with pytest.raises(ValueError, match="values must be one-dimensional"):
        bk_fast.segmented_cumsum(np.ones((2, 2)), [0, 1])
    with pytest.raises(TypeError, match="keys must be one-dimensional"):
        bk_fast.segmented_cumsum([1.0], pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError, match="values must be numeric"):
        bk_fast.segmented_cumsum(np.array(["2025-01-01"], dtype="datetime64[D]"), [0])


@fuzz_settings(25)
@given(v=st.lists(st.one_of(any_floats, erp_text, st.none()), max_size=8))
def test_segmented_cumsum_text_values_parse_like_clean_numbers(v):
    keys = [i % 2 for i in range(len(v))]
    ref = check_engines(lambda eng: bk_fast.segmented_cumsum(pd.Series(v, dtype=object), keys, engine=eng),
                        ["values"], where="text values")
    if ref.error is None:
        cleaned = bk_fast._validate.clean_numbers(pd.Series(v, dtype=object))
        expected = cleaned.groupby(keys).cumsum()
        pd.testing.assert_series_equal(ref.value.reset_index(drop=True), expected.reset_index(drop=True),
                                       check_names=False, check_exact=True)

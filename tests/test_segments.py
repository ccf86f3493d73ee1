"""segmented_cumsum: every engine equals the reference and pandas' groupby().cumsum()."""

from __future__ import annotations

import decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bk_fast
from bk_fast._engine import ENGINES, engine_status


def pandas_cumsum(values, keys):
    return pd.Series(values).groupby(pd.Series(keys, dtype=object) if not isinstance(keys, pd.Series)
                                     else keys, sort=False).cumsum()


def test_hand_case(engine):
    out = bk_fast.segmented_cumsum([10, 5, 7, 1, 2], ["a", "b", "a", "b", "c"], engine=engine)
    assert out.dtype == np.int64
    assert out.tolist() == [10, 5, 17, 6, 2]


def test_float_nan_values_and_missing_keys(engine):
    out = bk_fast.segmented_cumsum([1.5, np.nan, 2.0, 1.0, 4.0], ["a", "a", None, "a", np.nan], engine=engine)
    np.testing.assert_array_equal(out, [1.5, np.nan, np.nan, 2.5, np.nan])


def test_series_in_series_out(engine):
    s = pd.Series([1.0, 2.0, 3.0], index=[7, 3, 9], name="lbs")
    out = bk_fast.segmented_cumsum(s, pd.Series([18767, 18767, 1]), engine=engine)
    assert isinstance(out, pd.Series) and out.name == "lbs"
    assert out.index.tolist() == [7, 3, 9]
    assert out.tolist() == [1.0, 3.0, 3.0]


def test_tuple_and_categorical_keys(engine):
    keys = [("125792/1", 1), ("125792/1", 2), ("125792/1", 1)]
    assert bk_fast.segmented_cumsum([1, 1, 1], keys, engine=engine).tolist() == [1, 1, 2]
    cat = pd.Categorical(["x", "y", "x"])
    assert bk_fast.segmented_cumsum([1.0, 2.0, 3.0], cat, engine=engine).tolist() == [1.0, 2.0, 4.0]


def test_empty(engine):
    out = bk_fast.segmented_cumsum(np.array([], dtype=float), np.array([], dtype=object), engine=engine)
    assert out.shape == (0,)


def test_long_group_and_many_short_groups(engine):
    rng = np.random.default_rng(1)
    keys = np.where(rng.random(5000) < 0.5, 0, rng.integers(1, 2000, 5000))
    vals = rng.normal(size=5000) * 1e3
    np.testing.assert_array_equal(bk_fast.segmented_cumsum(vals, keys, engine=engine),
                                  pandas_cumsum(vals, keys).to_numpy())


def test_int_overflow_is_an_error_where_the_kernel_wraps(engine):
    """The kernel wraps like NumPy; segmented_cumsum promises exact integer sums, so a wrapped one is a
    ValueError naming the row (it returned -2**63 for 2**63 - 1 plus 1, and 2**62 + 2**62; an independent
    oracle found it)."""
    from bk_fast._engine import resolve

    big = np.iinfo(np.int64).max
    out = np.zeros(2, dtype=np.int64)
    resolve("segmented_cumsum", engine)(np.array([big, 1]), np.zeros(2, dtype=np.int64), 1, out)
    assert out.tolist() == [big, np.iinfo(np.int64).min]
    for values, keys, row in (([big, 1], [0, 0], "row 1"), ([2 ** 62, 5, 2 ** 62], [0, 1, 0], "row 2"),
                              ([-(2 ** 62), -(2 ** 62), -1], [0, 0, 0], "row 2"),
                              (pd.Series([-(2 ** 63), 3, -1], index=[7, 8, 9]), [0, 1, 0], r"row 9 \(position 2\)")):
        with pytest.raises(ValueError, match=rf"running sum at {row} exceeds the int64 range"):
            bk_fast.segmented_cumsum(values, keys, engine=engine)
    # the extremes themselves are exact
    assert bk_fast.segmented_cumsum([2 ** 62, 2 ** 62 - 1, -(2 ** 63)], [0, 0, 1], engine=engine).tolist() == \
        [2 ** 62, big, -(2 ** 63)]
    assert bk_fast.segmented_cumsum([-(2 ** 62), -(2 ** 62)], [0, 0], engine=engine).tolist() == [-(2 ** 62),
                                                                                              -(2 ** 63)]


def test_integers_with_a_missing_key_add_exactly_or_raise(engine):
    """A missing key sent integer values through float64 (2**53 + 1 became 2**53); they are summed in int64
    now, the result float64 with NaN in the missing key's rows: exact below 2**53, a ValueError from there."""
    out = bk_fast.segmented_cumsum([2 ** 53 - 3, 7, 1, 1], [1, None, 1, 2], engine=engine)
    assert out.dtype == np.float64 and out.tolist()[0] == 2 ** 53 - 3 and np.isnan(out[1])
    assert out.tolist()[2:] == [2 ** 53 - 2, 1.0]
    with pytest.raises(ValueError, match=r"running sum at row 2 is 9007199254740993, which float64 cannot hold"):
        bk_fast.segmented_cumsum([2 ** 53 - 3, 7, 4], [1, None, 1], engine=engine)
    assert bk_fast.segmented_cumsum(np.array([True, True]), [None, 0], engine=engine).tolist()[1] == 1.0
    # sums beyond 2**53 that float64 holds exactly are fine (2**60, 2**62 + 2**10)
    got = bk_fast.segmented_cumsum(np.array([2 ** 60, 1, 2 ** 62, 2 ** 10]), [1, None, 2, 2], engine=engine)
    assert got[0] == 2 ** 60 and np.isnan(got[1]) and got[3] == 2 ** 62 + 2 ** 10


def test_errors():
    with pytest.raises(ValueError, match="lengths differ: values=2, keys=3"):
        bk_fast.segmented_cumsum([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="values must be one-dimensional"):
        bk_fast.segmented_cumsum(np.ones((2, 2)), [1, 2])
    with pytest.raises(TypeError, match="keys must be one-dimensional"):
        bk_fast.segmented_cumsum([1, 2], pd.DataFrame({"a": [1, 2]}))


def test_inputs_not_mutated(engine):
    vals = np.array([1.0, np.nan, 3.0])
    keys = np.array(["a", "b", "a"], dtype=object)
    v0, k0 = vals.copy(), keys.copy()
    bk_fast.segmented_cumsum(vals, keys, engine=engine)
    np.testing.assert_array_equal(vals, v0)
    assert (keys == k0).all()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None, " a", "ä"]),
                          st.one_of(st.floats(allow_infinity=False, min_value=-1e300, max_value=1e300),
                                    st.just(np.nan))), max_size=60))
def test_generated_floats_equal_pandas(fast_engine, rows):
    keys = [k for k, _ in rows]
    vals = np.array([v for _, v in rows], dtype=float)
    ref = bk_fast.segmented_cumsum(vals, keys, engine="numpy")
    np.testing.assert_array_equal(bk_fast.segmented_cumsum(vals, keys, engine=fast_engine), ref)
    np.testing.assert_array_equal(ref, pandas_cumsum(vals, keys).to_numpy(dtype=float))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-2**40, 2**40)), max_size=80))
def test_generated_ints_equal_pandas(fast_engine, rows):
    keys = np.array([k for k, _ in rows], dtype=np.int64)
    vals = np.array([v for _, v in rows], dtype=np.int64)
    ref = bk_fast.segmented_cumsum(vals, keys, engine="numpy")
    np.testing.assert_array_equal(bk_fast.segmented_cumsum(vals, keys, engine=fast_engine), ref)
    np.testing.assert_array_equal(ref, pandas_cumsum(vals, keys).to_numpy())


I64 = np.iinfo(np.int64)
#: int64 values near the limits (where a running sum leaves the range: a ValueError naming the row, never a wrap)
near_limits = st.one_of(st.integers(-2 ** 40, 2 ** 40), st.integers(I64.min, I64.max),
                        st.sampled_from([I64.max, I64.min, I64.max - 1, I64.min + 1, 2 ** 62, -2 ** 62,
                                         2 ** 63 - 1024, 2 ** 53 + 1, -(2 ** 53) - 1, 0, 1, -1]))


def _exact_cumsum(vals, keys):
    """Exact (Python int) running sums per key, None in a row of a missing key."""
    run, out = {}, []
    for k, v in zip(keys, vals):
        if k is None:
            out.append(None)
            continue
        run[k] = run.get(k, 0) + int(v)
        out.append(run[k])
    return out


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.one_of(st.integers(-3, 3), st.none()), near_limits), max_size=60),
       missing=st.booleans())
def test_generated_ints_near_the_int64_limits(rows, missing):
    """Every engine against exact integer sums: int64 results, a ValueError naming the first row whose running
    sum leaves the int64 range, and with a missing key float64 results (NaN in its rows), a ValueError naming
    the first sum float64 cannot hold exactly."""
    keys = [k if missing else (0 if k is None else k) for k, _ in rows]
    vals = np.array([v for _, v in rows], dtype=np.int64)
    exact = _exact_cumsum(vals, keys)
    beyond = [i for i, x in enumerate(exact) if x is not None and not I64.min <= x <= I64.max]
    inexact = [i for i, x in enumerate(exact) if x is not None and int(float(x)) != x]
    for eng in ENGINES:
        if not engine_status(eng).available:
            continue
        if beyond:
            with pytest.raises(ValueError, match=rf"running sum at row {beyond[0]} exceeds the int64 range"):
                bk_fast.segmented_cumsum(vals, keys, engine=eng)
        elif None in keys and inexact:
            with pytest.raises(ValueError, match=rf"running sum at row {inexact[0]} is {exact[inexact[0]]}, which "
                                                 r"float64 cannot hold exactly"):
                bk_fast.segmented_cumsum(vals, keys, engine=eng)
        elif None in keys:
            got = bk_fast.segmented_cumsum(vals, keys, engine=eng)
            want = np.array([np.nan if x is None else float(x) for x in exact])
            np.testing.assert_array_equal(got, want, strict=True)
        else:
            got = bk_fast.segmented_cumsum(vals, keys, engine=eng)
            assert got.dtype == np.int64 and got.tolist() == exact, eng


# -- review fixes ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("keys", [
    [np.nan, "a", np.nan, "a"],  # NumPy made NaN the text 'nan': a group instead of a missing key
    [1, "1", 1, "1"],  # ... and 1 the text '1', one group with '1'
    [b"a", "a", b"a", "a"],  # ... and b'a' the text 'a'
    [2 ** 63, 2 ** 63 + 1, -1, 2 ** 63],  # ... and these ints floats, 2**63 and 2**63 + 1 one group
    [1.5, "a", 1.5, None],
    [("a", 1), ("b",), ("a", 1), ("b",)],  # tuples of different lengths: NumPy raised
])
def test_list_keys_are_grouped_like_pandas(engine, keys):
    vals = [1.0, 2.0, 4.0, 8.0]
    expected = pd.Series(vals).groupby(pd.Series(keys, dtype=object), sort=False).cumsum().to_numpy()
    np.testing.assert_array_equal(bk_fast.segmented_cumsum(vals, keys, engine=engine), expected)


def test_unsigned_sum_beyond_int64_is_an_error(engine):
    """uint64 values add in int64: a running sum past 2**63 - 1 wrapped to a negative number silently (NumPy and
    pandas give 2**63 for uint64); now a ValueError naming the row."""
    vals = pd.Series(np.array([2 ** 62, 1, 2 ** 62, 1], dtype=np.uint64), index=[10, 11, 12, 13])
    with pytest.raises(ValueError, match=r"running sum at row 12 \(position 2\) exceeds the int64 "):
        bk_fast.segmented_cumsum(vals, [0, 1, 0, 1], engine=engine)
    ok = np.array([2 ** 62, 1, 2 ** 62 - 1, 1], dtype=np.uint64)
    assert bk_fast.segmented_cumsum(ok, [0, 1, 0, 1], engine=engine).tolist() == [2 ** 62, 1, 2 ** 63 - 1, 2]


def test_int64_min_in_a_row_of_a_missing_key_is_no_overflow(engine):
    """Review of session 7: the wrap check read a missing key's row (0, no sum) as ``0 - (-2**63)``, which wraps:
    a false 'exceeds the int64 range' where the row is simply NaN (as before the check, and as pandas)."""
    vals = np.array([-2 ** 63, 5, -7], dtype=np.int64)
    got = bk_fast.segmented_cumsum(vals, [np.nan, 1.0, 2.0], engine=engine)
    np.testing.assert_array_equal(got, [np.nan, 5.0, -7.0])
    with pytest.raises(ValueError, match=r"running sum at row 2 exceeds the int64 range"):
        bk_fast.segmented_cumsum(np.array([5, -2 ** 63, -2 ** 63], dtype=np.int64), [np.nan, 1.0, 1.0],
                                 engine=engine)


@pytest.mark.parametrize("make", [lambda v: pd.Series(v, dtype=object), lambda v: np.array(v, dtype=object)])
def test_object_ints_add_exactly_as_integers(make, engine):
    # an object column of Python ints went through float64: 2**53 + 1 read as 2**53, silently
    got = bk_fast.segmented_cumsum(make([2 ** 53 + 1, 2, 3]), ["a", "a", "a"], engine=engine)
    assert np.asarray(got).dtype == np.int64
    assert list(np.asarray(got)) == [2 ** 53 + 1, 2 ** 53 + 3, 2 ** 53 + 6]


def test_object_bools_count_as_integers(engine):
    # they were cleaned as text: True read as NaN
    got = bk_fast.segmented_cumsum(pd.Series([True, False, True], dtype=object), ["a", "a", "a"], engine=engine)
    assert got.dtype == np.int64 and got.tolist() == [1, 1, 2]


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT, complex("nan"), np.complex64(complex("nan")),
                                     decimal.Decimal("NaN"), np.datetime64("NaT"), np.timedelta64("NaT"),
                                     np.float32("nan")], ids=repr)
def test_any_missing_value_among_ints_and_bools_keeps_the_integer_path(engine, missing):
    """An object column of ints beside a bool ("mixed-integer" to pandas) and a missing value of any kind pandas
    knows is read as integers with a missing one: 5, missing, True sum as 5, NaN, 6 and 2**53 + 1 is the
    documented ValueError (float64 cannot hold it), where the text cleaning would round it silently. Checked
    since _ints_or_bools looks at the types present first and then only at values of a type a missing value
    can have (complex, Decimal, NaT... included)."""
    raw = np.empty(3, dtype=object)
    raw[:] = [5, missing, True]
    got = bk_fast.segmented_cumsum(raw, [0, 0, 0], engine=engine)
    np.testing.assert_array_equal(got, [5.0, np.nan, 6.0])
    raw[0] = 2 ** 53 + 1
    with pytest.raises(ValueError, match="float64 cannot hold exactly"):
        bk_fast.segmented_cumsum(raw, [0, 1, 1], engine=engine)


@pytest.mark.parametrize("other", ["x", decimal.Decimal("2"), 2.5, b"7"], ids=repr)
def test_ints_and_bools_beside_a_present_non_integer_are_cleaned_as_numbers(engine, other):
    """Beside text, a Decimal, a float or bytes that is not missing the column is cleaned as ERP numbers, as
    before (2**53 + 1 read through float64): the type check settles it without reading every value."""
    raw = np.empty(3, dtype=object)
    raw[:] = [2 ** 53 + 1, other, True]
    got = bk_fast.segmented_cumsum(raw, [0, 1, 1], engine=engine)
    assert got.dtype == np.float64 and got[0] == 2.0 ** 53


def test_nullable_ints_with_missing_values_are_exact_or_an_error(engine):
    got = bk_fast.segmented_cumsum(pd.Series([1, None, 3, 4], dtype="Int64"), ["a", "a", "a", "b"], engine=engine)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got.to_numpy(), [1.0, np.nan, 4.0, 4.0])
    # (NA rows made the column float64 on the way in, and 2**53 + 1 became 2**53, silently)
    with pytest.raises(ValueError, match="with a missing value the result is float64"):
        bk_fast.segmented_cumsum(pd.Series([2 ** 53 + 1, None], dtype="Int64"), ["a", "a"], engine=engine)
    with pytest.raises(ValueError, match="beyond the int64 range"):
        bk_fast.segmented_cumsum(pd.Series([2 ** 64, 1], dtype=object), ["a", "a"], engine=engine)


# -- audit fixes (inv) ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [[2 ** 63, 1], (2 ** 64, 1), [-2 ** 63 - 1, 1], [2 ** 63, np.nan]])
def test_list_of_ints_beyond_int64_is_an_error(values, engine):
    """NumPy reads a list of Python ints beyond int64 as float64: [2**63, 1] summed to 2**63 twice (the 1 lost)
    where the same ints in an object array are refused; now the list is refused alike."""
    with pytest.raises(ValueError, match="values: integers beyond the int64 range are not supported"):
        bk_fast.segmented_cumsum(values, [1, 1], engine=engine)
    # in range, or floats, as before
    assert bk_fast.segmented_cumsum([-2 ** 63, 1], [1, 1], engine=engine).tolist() == [-2 ** 63, 1 - 2 ** 63]
    assert bk_fast.segmented_cumsum([1e19, 2.0], [1, 1], engine=engine).tolist() == [1e19, 1e19 + 2.0]


@pytest.mark.parametrize("keys", [5, "ab", None, {1, 2}, (k for k in [1, 2])])
def test_keys_not_one_per_value_are_a_clear_error(keys):
    # a scalar (or a generator) raised "object of type 'int' has no len()"
    with pytest.raises(TypeError, match="keys must hold one key per value"):
        bk_fast.segmented_cumsum([1.0, 2.0], keys)


# -- audit fixes (rev2) ---------------------------------------------------------------------------------------

def test_list_of_ints_with_nan_is_exact_or_an_error(engine):
    """NumPy reads [2**53 + 1, nan] as float64: the 1 was lost silently, where [2**53 + 1, None] (an object
    array) is refused as the docstring says; now the list is read as its ints alike."""
    for values in ([2 ** 53 + 1, None], [2 ** 53 + 1, np.nan], [2 ** 54, np.nan, 2]):
        with pytest.raises(ValueError, match="float64 cannot hold exactly: with a missing value"):
            bk_fast.segmented_cumsum(values, ["a"] * len(values), engine=engine)
    got = bk_fast.segmented_cumsum([2 ** 53, np.nan, 2 ** 10], ["a", "a", "a"], engine=engine)
    np.testing.assert_array_equal(got, [2.0 ** 53, np.nan, 2.0 ** 53 + 2 ** 10])
    # floats, and ints mixed with floats, are float64 as NumPy reads them (the docstring says so)
    assert bk_fast.segmented_cumsum([1e20, 1.0], [1, 1], engine=engine).tolist() == [1e20, 1e20]
    assert bk_fast.segmented_cumsum([2 ** 53 + 1, 0.5], [1, 1], engine=engine).tolist() == [2.0 ** 53] * 2


@pytest.mark.parametrize("make", [list, lambda v: np.array(v, dtype=object), lambda v: pd.array(v, dtype="Int64")])
def test_minus_2_63_with_a_missing_value_is_held_exactly(make, engine):
    # -2**63 is a float64 exactly, yet was refused: "running sum at row 0 is -9223372036854775808, which float64
    # cannot hold exactly" (the check abs(f) < 2**63 left it out)
    got = bk_fast.segmented_cumsum(make([-2 ** 63, None]), ["a", "a"], engine=engine)
    assert got[0] == -2.0 ** 63 and np.isnan(got[1])
    got = bk_fast.segmented_cumsum([-2 ** 63, float("nan")], ["a", "a"], engine=engine)
    assert got[0] == -2.0 ** 63 and np.isnan(got[1])


def test_long_group_skips_nan_and_ints_stay_exact(engine):
    """A group longer than the vectorised path's 64 rows: a NaN value is skipped (its row NaN, the sum goes on:
    segmented_cumsum's docstring, as pandas), and integers add exactly in int64 (2**60 + k, which float64 would
    round to 2**60)."""
    vals = [1.0] * 70
    vals[3] = np.nan
    out = bk_fast.segmented_cumsum(vals, ["a"] * 70, engine=engine)
    want = [1.0, 2.0, 3.0, np.nan] + [float(k) for k in range(4, 70)]
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(out, pandas_cumsum(vals, ["a"] * 70).to_numpy())
    ints = [2**60] + [1] * 69
    out = bk_fast.segmented_cumsum(ints, [7] * 70, engine=engine)
    assert out.dtype == np.int64
    assert out.tolist() == [2**60 + k for k in range(70)]

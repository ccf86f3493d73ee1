"""optimize_memory: smaller dtypes, never a changed value or a dropped row; the report tells what changed."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import bk_fast
from bk_fast.datasets import make_mill, write_exports
from bk_fast.memory import MemoryReport, optimize_memory

from _optional import HAVE_PYARROW, needs, param


def round_trip_equal(small: pd.DataFrame, df: pd.DataFrame) -> None:
    """Back to the original dtypes, the frame is identical (values, NaN, index, column order)."""
    back = small.astype(df.dtypes.to_dict()) if len(set(df.columns)) == df.shape[1] else \
        pd.concat([small.iloc[:, i].astype(df.dtypes.iloc[i]) for i in range(df.shape[1])], axis=1)
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    for i in range(df.shape[1]):  # assert_frame_equal takes -0.0 for 0.0: compare float bits too
        x, y = back.iloc[:, i], df.iloc[:, i]
        if y.dtype.kind == "f" and not isinstance(y.dtype, pd.api.extensions.ExtensionDtype):
            x, y = x.to_numpy(), y.to_numpy()
            nan = np.isnan(y)
            assert np.array_equal(nan, np.isnan(x))
            assert np.array_equal(x[~nan].view(np.int64 if y.itemsize == 8 else np.int32),
                                  y[~nan].view(np.int64 if y.itemsize == 8 else np.int32))


def test_integers_to_the_smallest_signed_type_inclusive_bounds():
    df = pd.DataFrame({"i8": [-128, 127], "i16": [-129, 0], "i16b": [0, 128], "i32": [0, 2 ** 31 - 1],
                       "i64": [0, 2 ** 31], "u8": np.array([0, 255], dtype=np.uint64),
                       "u16": np.array([0, 256], dtype=np.uint32)})
    small, report = optimize_memory(df)
    assert small.dtypes.astype(str).tolist() == ["int8", "int16", "int16", "int32", "int64", "uint8", "uint16"]
    round_trip_equal(small, df)
    assert report.table.loc[0, "change"] == "int64 -> int8 (range -128..127)"
    assert report.table.loc[4, "change"] == ""


def test_nullable_integers_shrink_and_keep_missing():
    df = pd.DataFrame({"a": pd.array([1, None, 300], dtype="Int64"), "b": pd.array([1, 2, None], dtype="UInt64")})
    small, _ = optimize_memory(df)
    assert str(small["a"].dtype) == "Int16" and str(small["b"].dtype) == "UInt8"
    round_trip_equal(small, df)


def test_floats_to_float32_only_when_every_value_is_exact():
    df = pd.DataFrame({
        "exact": [0.5, -0.0, np.nan, np.inf, -np.inf, 16777216.0],
        "money": [1326.67, 0.5, 0.25, 1.0, 2.0, 3.0],  # 1326.67 is not a float32
        "big": [1e300, 0.0, 0.0, 0.0, 0.0, 0.0],
        "tiny": [1e-300, 0.0, 0.0, 0.0, 0.0, 0.0],
        "int_above_2_24": [16777217.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    })
    small, report = optimize_memory(df)
    assert small.dtypes.astype(str).tolist() == ["float32", "float64", "float64", "float64", "float64"]
    assert np.signbit(small["exact"].iloc[1])  # -0.0 kept
    round_trip_equal(small, df)
    assert "every value exact" in report.table.loc[0, "change"]
    if not HAVE_PYARROW:
        pytest.skip("the pack=True part needs pyarrow: not installed")
    # 16777217.0 is no float32, but a whole number: with pack=True int32 holds it exactly (40,000 distinct
    # values: too many for a category)
    wide = pd.DataFrame({"x": np.arange(40_000, dtype=np.float64) + 16777217.0})
    packed, _ = optimize_memory(wide, pack=True)
    assert packed["x"].dtype == np.int32
    round_trip_equal(packed, wide)


def test_whole_number_floats_to_the_smallest_int_exactly():
    df = pd.DataFrame({"qty": [1.0, 250.0, 3.0, 0.0], "machine": [31521.0, np.nan, 19050.0, 1.0],
                       "lots": [1.0, np.nan, 2.0, 3.0], "neg_zero": [-0.0, 1.0, 2.0, 3.0],
                       "huge": [2.0 ** 62, 1.0, 2.0, 3.0], "inf": [np.inf, 1.0, 2.0, 3.0]})
    assert optimize_memory(df)[0].dtypes.astype(str).tolist() == ["float32"] * 6  # only with pack=True
    if not HAVE_PYARROW:
        pytest.skip("pack=True needs pyarrow: not installed")
    small, report = optimize_memory(df, pack=True)
    # Int16 (2 bytes + mask) is smaller than float32; -0.0, 2**62 and inf stay floats
    assert small.dtypes.astype(str).tolist() == ["int16", "Int16", "Int8", "float32", "float32", "float32"]
    assert "whole numbers" in report.table.loc[0, "change"] and "NaN as <NA>" in report.table.loc[2, "change"]
    round_trip_equal(small, df)  # -0.0 stays -0.0 (float32), NaN comes back as NaN


def test_lossy_mode_uses_the_stated_tolerance():
    df = pd.DataFrame({"money": [1326.67, 2183.4, 0.0, np.nan], "huge": [1e300, 1.0, 2.0, 3.0]})
    small, report = optimize_memory(df, lossless=False)
    assert small.dtypes.astype(str).tolist() == ["float32", "float64"]  # 1e300 is out of float32 range
    x = df["money"].to_numpy()
    np.testing.assert_allclose(small["money"].to_numpy(np.float64), x, rtol=1e-6)
    assert "max relative error" in report.table.loc[0, "change"]
    strict, _ = optimize_memory(df, lossless=False, rtol=1e-12)
    assert strict["money"].dtype == np.float64


def test_text_to_category_by_cardinality():
    n = 100
    df = pd.DataFrame({
        "unit": ["lbs"] * n,  # str (pandas 3)
        "style": [f"{100000 + i}/1" for i in range(n)],  # unique: stays text
        "supplier_obj": pd.Series([f"Supplier {i % 7}" for i in range(n)], dtype=object),
        "unique_obj": pd.Series([f"K{i:07d}" for i in range(n)], dtype=object),
        "mixed_obj": pd.Series([1, "a"] * (n // 2), dtype=object),
        "with_nan": pd.Series(["a", np.nan] * (n // 2), dtype=object),
    })
    small, report = optimize_memory(df)
    kinds = small.dtypes.astype(str).tolist()
    assert kinds[0] == "category" and kinds[2] == "category" and kinds[5] == "category"
    assert kinds[1] == "str"
    # object text -> the compact str dtype; without pyarrow str is no smaller (Python strings): object is kept
    assert kinds[3] == ("str" if HAVE_PYARROW else "object")
    assert kinds[4] == "object"  # mixed objects are left alone
    assert small["with_nan"].isna().sum() == n // 2
    round_trip_equal(small, df)
    tight, _ = optimize_memory(df, category_ratio=0.05)
    assert str(tight["supplier_obj"].dtype) == ("str" if HAVE_PYARROW else "object")  # 7 / 100 >= 0.05
    assert report.table["bytes_after"].le(report.table["bytes_before"]).all()


def test_object_text_with_none_is_not_changed_to_str():
    df = pd.DataFrame({"x": pd.Series([f"v{i}" for i in range(50)] + [None], dtype=object)})
    small, _ = optimize_memory(df)
    assert small["x"].dtype == object and small["x"].iloc[-1] is None


def test_sparse_on_request():
    n = 1000
    received = np.full(n, np.nan)
    received[::50] = 10.0
    adjustments = np.zeros(n)
    adjustments[7] = -3.5
    df = pd.DataFrame({"Received": received, "Adjustments": adjustments, "Dense": np.arange(n) * 0.1})
    plain, _ = optimize_memory(df)
    assert not any(isinstance(t, pd.SparseDtype) for t in plain.dtypes)
    small, report = optimize_memory(df, sparse_ratio=0.9)
    assert isinstance(small["Received"].dtype, pd.SparseDtype) and np.isnan(small["Received"].dtype.fill_value)
    assert isinstance(small["Adjustments"].dtype, pd.SparseDtype) and small["Adjustments"].dtype.fill_value == 0
    assert not isinstance(small["Dense"].dtype, pd.SparseDtype)
    assert "Sparse" in report.table.loc[0, "change"]
    round_trip_equal(small, df)


def test_sparse_never_fills_negative_zero_with_zero():
    x = np.zeros(100)
    x[3] = -0.0
    x[7] = 1.5
    small, _ = optimize_memory(pd.DataFrame({"x": x}), sparse_ratio=0.5)
    assert not isinstance(small["x"].dtype, pd.SparseDtype) or np.isnan(small["x"].dtype.fill_value)
    assert np.signbit(small["x"].astype(np.float64).to_numpy()[3])
    round_trip_equal(small, pd.DataFrame({"x": x}))


def test_other_dtypes_untouched_and_report_totals():
    df = pd.DataFrame({"flag": [True, False], "when": pd.to_datetime(["2025-09-01", "2025-09-08"]),
                       "cat": pd.Categorical(["a", "b"]), "lbs": [1.5, 2.5]}, index=[10, 20])
    small, report = optimize_memory(df)
    assert small.dtypes.astype(str).tolist()[:3] == ["bool", "datetime64[us]", "category"] or \
        small.dtypes.astype(str).tolist()[:3] == ["bool", "datetime64[ns]", "category"]
    assert small.index.tolist() == [10, 20]
    assert isinstance(report, MemoryReport)
    assert list(report.table.columns) == ["column", "dtype_before", "dtype_after", "bytes_before", "bytes_after",
                                          "change"]
    idx = int(df.index.memory_usage(deep=True))
    assert report.bytes_before == int(report.table["bytes_before"].sum()) + idx == int(
        df.memory_usage(deep=True).sum())
    assert report.bytes_after == int(small.memory_usage(deep=True).sum())
    assert 0 < report.reduction < 1 and "saved" in str(report)


def test_not_mutated_duplicates_and_empty():
    df = pd.DataFrame([[1, 2.5, "a"], [3, 4.5, "a"]], columns=["x", "x", "y"])
    before = df.copy(deep=True)
    small, report = optimize_memory(df)
    pd.testing.assert_frame_equal(df, before)
    assert list(small.columns) == ["x", "x", "y"] and small.iloc[:, 0].dtype == np.int8
    round_trip_equal(small, df)
    empty, rep = optimize_memory(pd.DataFrame({"a": pd.Series([], dtype="int64")}))
    assert len(empty) == 0 and empty["a"].dtype == np.int64 and rep.bytes_after == rep.bytes_before


def test_bad_arguments():
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        optimize_memory([1, 2])
    with pytest.raises(ValueError, match="category_ratio"):
        optimize_memory(pd.DataFrame({"a": [1]}), category_ratio=2)
    with pytest.raises(ValueError, match="sparse_ratio"):
        optimize_memory(pd.DataFrame({"a": [1]}), sparse_ratio=0)
    with pytest.raises(ValueError, match="rtol"):
        optimize_memory(pd.DataFrame({"a": [1.0]}), rtol=-1)


FLOATS = hnp.arrays(np.float64, st.integers(0, 30), elements=st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 0.5, 2.0, 1e-45, 3.4e38])))
INTS = hnp.arrays(np.int64, st.integers(0, 30), elements=st.integers(-2 ** 63, 2 ** 63 - 1) | st.integers(-300, 300))


@settings(max_examples=150, deadline=None)
@given(FLOATS, INTS, st.lists(st.sampled_from(["a", "b", "", " c", None]), max_size=30),
       st.sampled_from([None, 0.5, 0.9]), st.booleans())
def test_generated_frames_round_trip_exactly(floats, ints, words, sparse_ratio, lossless):
    n = min(len(floats), len(ints), len(words))
    df = pd.DataFrame({"f": floats[:n], "i": ints[:n], "t": pd.Series(words[:n], dtype=object),
                       "s": pd.Series(words[:n], dtype="str")})
    before = df.copy(deep=True)
    small, report = optimize_memory(df, sparse_ratio=sparse_ratio, lossless=lossless)
    pd.testing.assert_frame_equal(df, before)
    assert len(small) == n and list(small.columns) == list(df.columns)
    assert report.bytes_after <= report.bytes_before
    if lossless:
        round_trip_equal(small, df)
    else:
        round_trip_equal(small.drop(columns="f"), df.drop(columns="f"))


@pytest.fixture(scope="module")
def mill_csv_frames(tmp_path_factory):
    mill = make_mill(scale=2, seed=0)
    paths = write_exports(mill, tmp_path_factory.mktemp("mem"))
    return {k: p for k, p in paths.items()}


def _read_csv(path, kind, infer_string: bool):
    skip = 2 if kind == "knit_orders" else 0
    if infer_string:
        return pd.read_csv(path, skiprows=skip)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pd.option_context("future.infer_string", False):  # pandas 2 (the ERP's) object text columns
            return pd.read_csv(path, skiprows=skip)


@needs("pyarrow")  # (the compact str dtype; without it unique object text stays object: ~54 %)
def test_mill_as_loaded_by_read_csv_pandas2_objects_shrinks_over_70_percent(mill_csv_frames):
    before = after = 0
    for kind, path in mill_csv_frames.items():
        df = _read_csv(path, kind, infer_string=False)
        small, report = optimize_memory(df)
        round_trip_equal(small, df)
        before += report.bytes_before
        after += report.bytes_after
    assert 1 - after / before >= 0.70


def test_mill_as_loaded_by_read_csv_pandas3_str(mill_csv_frames):
    """pandas 3 already holds text as compact pyarrow strings: the lossless saving is smaller (~45 %)."""
    before = after = 0
    for kind, path in mill_csv_frames.items():
        df = _read_csv(path, kind, infer_string=True)
        small, report = optimize_memory(df)
        round_trip_equal(small, df)
        before += report.bytes_before
        after += report.bytes_after
    assert 0.35 <= 1 - after / before


def test_mill_frames_themselves(mill):
    for name, df in mill.items():
        small, report = optimize_memory(df)
        round_trip_equal(small, df)
        assert report.bytes_after <= report.bytes_before


def test_demo_step():
    from bk_fast.memory import _demo_step

    report = _demo_step(make_mill(scale=0.05, seed=1), "numpy")
    assert "saved" in report.lines[0] and len(report.table) == len(make_mill(scale=0.05, seed=1))


@pytest.mark.parametrize("dtype", ["str", param("string[pyarrow]", "pyarrow"), "string[python]", object])
def test_categories_are_those_of_astype_category(dtype):
    words = pd.Series(["b", "a", np.nan, "b", "c", "a", "", " a", "b"] * 20, dtype=dtype)
    small, _ = optimize_memory(pd.DataFrame({"w": words}))
    want = words.astype("category")
    assert isinstance(small["w"].dtype, pd.CategoricalDtype)
    assert small["w"].cat.categories.tolist() == want.cat.categories.tolist()
    assert small["w"].cat.codes.tolist() == want.cat.codes.tolist()
    pd.testing.assert_series_equal(small["w"].astype(words.dtype), words, check_names=False)  # missing stays missing


def test_object_text_with_none_is_left_alone_even_when_repetitive():
    words = pd.Series(["b", None, "b"] * 20, dtype=object)
    small, report = optimize_memory(pd.DataFrame({"w": words}))
    assert small["w"].dtype == object and small["w"].iloc[1] is None and report.table.loc[0, "change"] == ""


def test_pack_without_pyarrow_says_what_to_install():
    """pyarrow is optional: pack=True without it is an ImportError naming the extra; pack=False and the demo
    step still work."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import sys
        sys.modules['pyarrow'] = None
        import pandas as pd
        import bk_fast
        df = pd.DataFrame({"Style#": ["CF 10015/0001", "CF 10016/0001"] * 50, "lbs": [1.5, 2.0] * 50})
        out, report = bk_fast.optimize_memory(df)
        assert out.astype(df.dtypes.to_dict()).equals(df)
        try:
            bk_fast.optimize_memory(df, pack=True)
        except ImportError as exc:
            print("IMPORTERROR", exc)
        from bk_fast.datasets import make_mill
        from bk_fast.memory import _demo_step
        print("DEMO", _demo_step(make_mill(scale=1, seed=0), "numpy").lines[0])
    """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "IMPORTERROR" in res.stdout and "bk_fast[pack]" in res.stdout
    assert "DEMO" in res.stdout and "pack=True skipped" in res.stdout  # bk-fast demo runs without pyarrow


# ---- adversarial review (session 5) ---------------------------------------------------------------------


def test_sparse_keeps_nullable_integers_beyond_2_53_exact():
    """A nullable integer column with <NA> reaches the sparse dtype as float64: 2**60 + 1 became
    1152921504606846976 (the Int64 -> Sparse[float64] conversion rounded it). Now such a column is left
    nullable; within +-2**53 the float64 sparse column is still used (exact there)."""
    big = pd.DataFrame({"a": pd.array([0] * 9 + [None, 2 ** 60 + 1], dtype="Int64")})
    before = big.copy(deep=True)
    small, _ = optimize_memory(big, sparse_ratio=0.5)
    pd.testing.assert_frame_equal(big, before)
    assert not isinstance(small["a"].dtype, pd.SparseDtype)
    assert small["a"].iloc[-1] == 2 ** 60 + 1
    round_trip_equal(small, big)
    within = pd.DataFrame({"a": pd.array([0] * 90 + [None] + [2 ** 53] * 2, dtype="Int64")})
    small, _ = optimize_memory(within, sparse_ratio=0.5)
    assert isinstance(small["a"].dtype, pd.SparseDtype)
    round_trip_equal(small, within)
    if not HAVE_PYARROW:
        pytest.skip("the int64[pyarrow] part needs pyarrow: not installed")
    arrow = pd.DataFrame({"a": pd.array([0] * 9 + [None, 2 ** 60 + 1], dtype="int64[pyarrow]")})
    small, _ = optimize_memory(arrow, sparse_ratio=0.5)
    assert small["a"].iloc[-1] == 2 ** 60 + 1
    round_trip_equal(small, arrow)


@needs("pyarrow")
def test_sparse_with_nullable_booleans_and_arrow_nan():
    """sparse_ratio on a nullable boolean column with <NA> raised 'boolean value of NA is ambiguous'; a
    pyarrow float column's NaN (not null) would come back from the sparse column as null."""
    import pyarrow as pa

    with_nan = pa.chunked_array([pa.array([0.0] * 8 + [float("nan"), 1.0])])
    df = pd.DataFrame({"flag": pd.array([True] * 9 + [None], dtype="boolean"),
                       "flag_pa": pd.array([False] * 9 + [None], dtype="bool[pyarrow]"),
                       "nan_pa": pd.arrays.ArrowExtensionArray(with_nan)})
    before = df.copy(deep=True)
    small, report = optimize_memory(df, sparse_ratio=0.5)
    pd.testing.assert_frame_equal(df, before)
    assert small["flag"].dtype == "boolean" and small["flag_pa"].dtype == df["flag_pa"].dtype
    assert small["nan_pa"].dtype == df["nan_pa"].dtype  # not sparse: NaN stays NaN, not null
    assert small["nan_pa"].isna().sum() == 0
    no_missing = pd.DataFrame({"flag": pd.array([False] * 99 + [True], dtype="boolean")})
    small, _ = optimize_memory(no_missing, sparse_ratio=0.5)
    round_trip_equal(small, no_missing)


def test_text_with_a_lone_surrogate_is_left_as_it_is():
    """'\\ud800' is a valid Python str without UTF-8 bytes: astype('str') / pyarrow raised
    UnicodeEncodeError out of optimize_memory; the column is now kept as it is."""
    df = pd.DataFrame({"t": pd.Series(["a\ud800"] + ["b"] * 9, dtype=object), "n": np.arange(10)})
    if not HAVE_PYARROW:  # (str holds Python strings, this one too: a category, as any repeated text)
        small, report = optimize_memory(df)
        assert isinstance(small["t"].dtype, pd.CategoricalDtype) and small["t"].tolist() == df["t"].tolist()
        pytest.skip("pyarrow's str (and pack=True) needs pyarrow: not installed")
    for pack in (False, True):
        small, report = optimize_memory(df, pack=pack)
        assert small["t"].dtype == object and small["t"].iloc[0] == "a\ud800"
        assert report.table.loc[0, "change"] == "" and small["n"].dtype == np.int8


def test_oracle_found_sparse_and_category_edges():
    """Found by an independent oracle: an all-<NA> nullable integer column with sparse_ratio raised TypeError;
    booleans became sparse although the docstring leaves them as they are; 32,767 distinct numbers became a
    category with int32 codes (documented: int8/int16)."""
    from bk_fast import optimize_memory

    for dtype in ("Int64", "Int8", "UInt64"):
        df = pd.DataFrame({"a": pd.array([None, None], dtype=dtype)})
        out, _ = optimize_memory(df, sparse_ratio=0.5)
        pd.testing.assert_frame_equal(out.astype(df.dtypes.to_dict()), df)
        if HAVE_PYARROW:  # (pack=True needs it)
            optimize_memory(df, sparse_ratio=0.5, pack=True)
    for col in (pd.array([False] * 8 + [True] * 2, dtype="boolean"), np.array([False] * 95 + [True] * 5)):
        df = pd.DataFrame({"b": col})
        assert optimize_memory(df, sparse_ratio=0.6)[0]["b"].dtype == df["b"].dtype
    if not HAVE_PYARROW:
        pytest.skip("the pack=True part needs pyarrow: not installed")
    big = pd.DataFrame({"x": np.repeat(np.arange(32_767, dtype=np.int64) * 1000, 3)})
    out = optimize_memory(big, pack=True)[0]["x"]
    assert not isinstance(out.dtype, pd.CategoricalDtype) or out.cat.codes.dtype.itemsize <= 2


@pytest.mark.parametrize("pack", [False, True])
def test_missing_text_stays_missing_under_pandas2_string_semantics(pack):
    """With pandas 2's string semantics (pandas 2, or pandas 3 with future.infer_string=False) astype("str")
    is NumPy's str: NaN became the text "nan" (a 'nan' category and no missing value; a unique column of
    'nan' text). Object text now stays object there (category when it repeats) and NaN stays missing."""
    if pack:
        pytest.importorskip("pyarrow")
    n = 101
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (pandas 3 deprecates the option)
        with pd.option_context("future.infer_string", False):
            df = pd.DataFrame({
                "unit": pd.Series(["kg", "lbs"] * 50 + [np.nan], dtype=object),
                "id": pd.Series([f"K{i:05d}" for i in range(n - 3)] + [np.nan] * 3, dtype=object),
                "word": pd.Series(["a", np.nan] * 50 + ["nan"], dtype=object),  # the text "nan" is a value
            })
            before = df.copy(deep=True)
            small, report = optimize_memory(df, pack=pack)
            unit = small["unit"]
            assert isinstance(unit.dtype, pd.CategoricalDtype) and list(unit.cat.categories) == ["kg", "lbs"]
            assert small.isna().sum().tolist() == [1, 3, 50]
            assert list(small["word"].cat.categories) == ["a", "nan"] and small["word"].iloc[-1] == "nan"
            if not pack:
                assert small["id"].dtype == object and report.table.loc[1, "change"] == ""
            round_trip_equal(small, df)
            pd.testing.assert_frame_equal(df, before)


# ---- audit (mem) ----------------------------------------------------------------------------------------------


def test_pyarrow_integers_stay_pyarrow():
    """int64[pyarrow] / uint64[pyarrow] columns became pandas' masked Int8 / UInt8 (values kept, the backing
    changed silently); they shrink within the pyarrow family now, as Int64 -> Int8 and int64 -> int8."""
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"u": pd.array([1, None, 3], dtype="uint64[pyarrow]"),
                       "i": pd.array([-1, 300, None], dtype="int64[pyarrow]"),
                       "m": pd.array([-1, None, 3], dtype="Int64"), "n": np.array([1, 2, 3], dtype=np.int64)})
    small, report = optimize_memory(df)
    assert small.dtypes.astype(str).tolist() == ["uint8[pyarrow]", "int16[pyarrow]", "Int8", "int8"]
    assert report.table["dtype_after"].tolist() == small.dtypes.astype(str).tolist()
    round_trip_equal(small, df)


def test_ratio_and_rtol_arguments_are_read_as_numbers():
    """rtol=None raised "'>=' not supported between NoneType and float", rtol='1e-6' the same; number text
    passed the checks of category_ratio / sparse_ratio and then failed with "'<' not supported between int
    and str". Each argument is read as a number once (a TypeError naming it when it is none), then used."""
    df = pd.DataFrame({"a": [0.1, 0.2, 0.1, 0.1], "t": ["x", "y", "x", "x"], "z": [0.0, 0.0, 0.0, 1.0]})
    for bad in (None, "x", [1e-6]):
        with pytest.raises(TypeError, match="rtol must be a number >= 0, got"):
            optimize_memory(df, lossless=False, rtol=bad)
    for kwargs, same in ((dict(rtol="1e-6", lossless=False), dict(rtol=1e-6, lossless=False)),
                         (dict(category_ratio="0.6"), dict(category_ratio=0.6)),
                         (dict(sparse_ratio="0.7"), dict(sparse_ratio=0.7))):
        got, want = optimize_memory(df, **kwargs)[0], optimize_memory(df, **same)[0]
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("arg", ["rtol", "category_ratio", "sparse_ratio"])
def test_a_bool_is_no_ratio_or_tolerance(arg):
    """rtol=True was read as 1.0, a 100 % relative tolerance with lossless=False; the ratios alike (review of
    session 12): a bool is refused where a number is expected."""
    df = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(TypeError, match=rf"{arg} must be .*got True"):
        optimize_memory(df, lossless=False, **{arg: True})


# ---- audit (lots / memory / cli) --------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [np.r_[np.full(900, np.nan), np.arange(100.0)],  # mostly NaN, whole numbers
                                    np.r_[np.zeros(900), np.arange(100.0) + 0.1]])  # mostly 0.0, fractions
def test_pack_with_sparse_ratio_is_never_larger_than_without_pack(values):
    """pack=True with sparse_ratio picked the numeric category first and then tried sparse on it only (a
    category is no number: never sparse), so the frame was larger than pack=False gave (1,932 vs 932 bytes;
    1,940 vs 1,332): sparse is now built from every number form of the column and the smallest kept."""
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"c": values})
    before = df.copy(deep=True)
    _, plain = optimize_memory(df, sparse_ratio=0.5)
    small, packed = optimize_memory(df, sparse_ratio=0.5, pack=True)
    assert packed.bytes_after <= plain.bytes_after, (packed.table["change"].tolist(), plain.table["change"].tolist())
    assert isinstance(small["c"].dtype, pd.SparseDtype) and "Sparse" in packed.table.loc[0, "change"]
    round_trip_equal(small, df)
    pd.testing.assert_frame_equal(df, before)


# ---- audit lsm: narrowed numbers compute in the narrow dtype -------------------------------------------------------


def test_numbers_false_keeps_float64_and_int64_arithmetic():
    """The stored values of a narrowed column are exact, but pandas computes in its dtype: the DOMAIN.md section 4
    yarn demand (balance x BOM fraction) on a float32 Balance gave 12988.396484375 for 14210.5 * 0.914, to_csv
    wrote float32 text and int8 quantities wrapped (100 * 2 == -56). numbers=False keeps every number column's
    dtype (text is still shrunk), so arithmetic, statistics and CSV text are those of the original frame."""
    df = pd.DataFrame({"Balance (lbs)": [14210.5, 1048.25, 322.0, 1750.0],
                       "v": [np.float64(np.float32(0.2616121470928192))] * 4,
                       "qty": [100, 120, 5, 110], "Qty": pd.array([100, 120, None, 110], dtype="Int64"),
                       "unit": ["lbs"] * 4})
    for kwargs in ({}, *([{"pack": True}] if HAVE_PYARROW else []), {"sparse_ratio": 0.5}):  # (pack: pyarrow)
        small, report = optimize_memory(df, numbers=False, **kwargs)
        assert small.dtypes.iloc[:4].astype(str).tolist() == ["float64", "float64", "int64", "Int64"], kwargs
        assert str(small["unit"].dtype) in ("category", "packed_str") and report.bytes_after < report.bytes_before
        pd.testing.assert_series_equal(small["Balance (lbs)"] * 0.914, df["Balance (lbs)"] * 0.914, check_exact=True)
        assert (small["Balance (lbs)"] * 0.914).iloc[0] == 14210.5 * 0.914
        assert small[["Balance (lbs)", "v", "qty"]].to_csv() == df[["Balance (lbs)", "v", "qty"]].to_csv()
        assert (small["qty"] * 2).tolist() == [200, 240, 10, 220]
        assert (small["Qty"] + 100).equals(df["Qty"] + 100)
    zeros = pd.DataFrame({"z": [0.0] * 9 + [0.5]})  # sparse keeps the column's own dtype
    assert optimize_memory(zeros, numbers=False, sparse_ratio=0.5)[0]["z"].dtype == pd.SparseDtype(np.float64, 0.0)
    with pytest.raises(TypeError, match="numbers must be True or False, got 'no'"):
        optimize_memory(df, numbers="no")


def test_default_still_narrows_numbers_as_documented():
    """The default (numbers=True) keeps narrowing (the README's memory figures measure it): the values are exact,
    and arithmetic is float32 / int8 arithmetic, as the docstring now says; astype back gives float64 / int64's."""
    df = pd.DataFrame({"Balance (lbs)": [14210.5, 1048.25, 322.0, 1750.0], "qty": [100, 120, 5, 110],
                       "Qty": pd.array([100, 120, None, 110], dtype="Int64")})
    small, _ = optimize_memory(df)
    assert small.dtypes.astype(str).tolist() == ["float32", "int8", "Int8"]
    round_trip_equal(small, df)
    assert (small["Balance (lbs)"] * 0.914).dtype == np.float32  # documented: float32 arithmetic
    assert float((small["Balance (lbs)"] * 0.914).iloc[0]) == 12988.396484375
    with np.errstate(over="ignore"):
        assert (small["qty"] * 2).tolist()[0] == -56  # documented: small ints wrap
    back = small.astype(df.dtypes)
    assert (back["Balance (lbs)"] * 0.914).iloc[0] == 14210.5 * 0.914 and (back["qty"] * 2).tolist()[0] == 200


#: run in a fresh interpreter by test_optimize_memory_gives_arrow_pool_memory_back: the pool's bytes at each release
#: optimize_memory asks for, then those once it has returned
_POOL_AFTER_OPTIMIZE = """
import sys
import numpy as np
import pandas as pd
import pyarrow as pa
import bk_fast.memory
calls = []
bk_fast.memory.release_arrow_memory = lambda: calls.append(pa.default_memory_pool().bytes_allocated())
df = pd.DataFrame({"id": pd.Series([f"S{i}" for i in range(300)], dtype=object),
                   "unit": pd.Series(["lbs", "kg", "m"] * 100, dtype="str"), "qty": np.arange(300)})
small, _ = bk_fast.memory.optimize_memory(df, pack=sys.argv[1] == "True")
print(calls, [pa.default_memory_pool().bytes_allocated()], sep="|")
"""


@needs("pyarrow")
@pytest.mark.parametrize("pack", [False, True])
def test_optimize_memory_gives_arrow_pool_memory_back(pack):
    """The Arrow text optimize_memory made and dropped (the str columns it tried, the uniques of the categories)
    stayed in pyarrow's default pool after it returned (20-180 MB for 10^6 rows, never reused by NumPy /
    pandas): the pool is told to release it, after the last Arrow work. Measured in a fresh interpreter: the
    pool is the process's, and in a test worker a collection falling between the release and the second reading
    frees other tests' Arrow buffers held in reference cycles."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", _POOL_AFTER_OPTIMIZE, str(pack)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    calls, after = run.stdout.strip().split("|")
    assert calls == after  # (once, after the last Arrow work)
    df = pd.DataFrame({"id": pd.Series([f"S{i}" for i in range(300)], dtype=object),
                       "unit": pd.Series(["lbs", "kg", "m"] * 100, dtype="str"), "qty": np.arange(300)})
    round_trip_equal(optimize_memory(df, pack=pack)[0], df)


@needs("pyarrow")
@pytest.mark.parametrize("distinct", [3, 200, 40_000])
def test_text_codes_built_in_the_categoricals_width(distinct):
    """The codes of a text column turned categorical were built as int64 (rank, take, where: three int64 arrays
    of the column's length, copied to the categorical's int8 / int16 / int32 at the end; ~60 MB of the ~135 MB
    optimize_memory took on top of read_erp's frame for the mill's scale-100 BOM): now in that width from the
    start, missing values -1."""
    from bk_fast.memory import _factorize_sorted

    values = [f"S{i % distinct:06d}" for i in range(4 * distinct)][::-1] + [None]
    s = pd.Series(values, dtype="str")
    codes, uniques = _factorize_sorted(s)
    want = pd.Categorical(values)
    assert codes.dtype == want.codes.dtype and codes.dtype.itemsize < 8
    assert codes.tolist() == want.codes.tolist() and uniques.tolist() == want.categories.tolist()
    small, _ = optimize_memory(pd.DataFrame({"id": s}))
    pd.testing.assert_series_equal(small["id"], s.astype("category"), check_names=False)

"""Mutation audit of bk_fast.memory (optimize_memory) and bk_fast._arrow_text (Arrow text buffers): cases that
tell the code from small changes of it (a flipped bound, a dropped guard, a tie broken the other way) which the
other tests let through. Every expected value is worked out by hand in the test's docstring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bk_fast.memory import _human, optimize_memory


def _payload_nan() -> float:
    """A quiet NaN whose lowest mantissa bit is set (0x7FF8000000000001): float32 cannot keep that bit."""
    return float(np.array([0x7FF8000000000001], dtype=np.int64).view(np.float64)[0])


# -- the report ---------------------------------------------------------------------------------------------------

def test_report_str_counts_the_changed_columns():
    """str(report) counts the columns whose ``change`` is not empty: of ``a`` (int64 [1, 2] -> int8, 16 -> 2
    bytes), ``b`` and ``c`` (bool, left as they are) one changed; the totals differ by the 14 bytes saved."""
    df = pd.DataFrame({"a": [1, 2], "b": [True, False], "c": [False, False]})
    small, report = optimize_memory(df)
    assert report.table["change"].tolist()[1:] == ["", ""] and report.table["change"].tolist()[0] != ""
    assert str(report).endswith("saved, 1 of 3 columns changed)")
    assert report.bytes_before - report.bytes_after == 14


def test_human_sizes_switch_units_at_1024():
    """_human prints whole bytes below 1024 (``"100 B"``, ``"1023 B"``, no decimals) and one decimal from the
    next unit on: 1024 is ``"1.0 KB"``, 1536 ``"1.5 KB"``, 1024**2 ``"1.0 MB"``; GB is the last unit (5 TiB is
    ``"5120.0 GB"``)."""
    assert [_human(n) for n in (0, 100, 1023, 1024, 1536, 1024 ** 2, 5 * 1024 ** 4)] == \
        ["0 B", "100 B", "1023 B", "1.0 KB", "1.5 KB", "1.0 MB", "5120.0 GB"]


# -- floats -------------------------------------------------------------------------------------------------------

def test_a_nan_with_payload_bits_is_still_float32_exact():
    """The docstring: a NaN counts as NaN, its payload bits are not kept. 0x7FF8000000000001 comes back from
    float32 as the plain NaN 0x7FF8000000000000 (bits differ, values equal with NaN as NaN): the column still
    becomes float32, and the value is still NaN."""
    df = pd.DataFrame({"x": [_payload_nan(), 1.5]})
    small, report = optimize_memory(df)
    assert str(small["x"].dtype) == "float32"
    assert report.table["change"][0] == "float64 -> float32 (every value exact)"
    assert np.isnan(small["x"].iloc[0]) and small["x"].iloc[1] == 1.5


def test_lossy_float32_never_overflows_to_inf_even_with_an_infinite_tolerance():
    """lossless=False with rtol=inf: 1e39 is past float32's range (it would become inf). Its error is inf,
    which inf * 1e39 would allow: only the range check keeps the column float64."""
    df = pd.DataFrame({"x": [1e39, 1.5]})
    small, report = optimize_memory(df, lossless=False, rtol=float("inf"))
    assert str(small["x"].dtype) == "float64" and report.table["change"][0] == ""
    assert small["x"].tolist() == [1e39, 1.5]


def test_lossy_note_states_the_relative_error_of_negative_values_as_positive():
    """lossless=False on [-0.1, -0.2]: float32(0.1) is 0.100000001490116..., relative error 1.4901e-08 for
    both (0.2 is 0.1 * 2): the note says ``1.5e-08``, not a negative error."""
    small, report = optimize_memory(pd.DataFrame({"x": [-0.1, -0.2]}), lossless=False)
    assert str(small["x"].dtype) == "float32"
    assert report.table["change"][0] == "float64 -> float32 (max relative error 1.5e-08 <= 1e-06)"


def test_whole_float32_numbers_become_int16_with_pack():
    """pack=True on float32 0..199 (whole numbers): int16 (2 bytes a row, 400) beats the float32 column (800)
    and a category (200 int16 codes + 200 float32 categories); the values stay 0..199."""
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"f": np.arange(200, dtype=np.float32)})
    small, report = optimize_memory(df, pack=True)
    assert str(small["f"].dtype) == "int16" and small["f"].tolist() == list(range(200))
    assert report.table[["bytes_before", "bytes_after"]].iloc[0].tolist() == [800, 400]
    assert report.table["change"][0] == "float32 -> int16 (whole numbers)"


# -- text ---------------------------------------------------------------------------------------------------------

def test_arrow_large_string_text_becomes_category_of_large_strings():
    """An ``ArrowDtype(large_string)`` column is text: ["b", "a", "b", "b", "b"] has 2 distinct values, below
    0.5 * 5, so it becomes a category with sorted categories ["a", "b"] (codes 1, 0, 1, 1, 1) held in the
    column's own dtype."""
    pa = pytest.importorskip("pyarrow")
    dtype = pd.ArrowDtype(pa.large_string())
    small, report = optimize_memory(pd.DataFrame({"t": pd.Series(["b", "a", "b", "b", "b"], dtype=dtype)}))
    col = small["t"]
    assert isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.tolist() == ["a", "b"]
    assert col.cat.categories.dtype == dtype and col.cat.codes.tolist() == [1, 0, 1, 1, 1]
    assert report.table["change"][0] == "large_string[pyarrow] -> category (2 distinct)"


def test_all_nan_object_column_is_text_and_becomes_an_empty_category():
    """An ``object`` column of 4 NaN is text to optimize_memory (pandas infers ``"empty"``): one distinct
    (missing counted once) is below 0.5 * 4, so it becomes a category with no categories, every code -1."""
    pytest.importorskip("pyarrow")
    small, report = optimize_memory(pd.DataFrame({"e": pd.Series([np.nan] * 4, dtype=object)}))
    col = small["e"]
    assert isinstance(col.dtype, pd.CategoricalDtype) and len(col.cat.categories) == 0
    assert col.cat.codes.tolist() == [-1] * 4 and report.table["change"][0] == "object -> category (0 distinct)"


def test_missing_text_counts_as_one_distinct_value():
    """["a", "a", NaN, NaN]: 1 distinct text + missing = 2 distinct, not below 0.5 * 4: no category (the object
    column becomes the compact ``str`` with pyarrow)."""
    pytest.importorskip("pyarrow")
    small, report = optimize_memory(pd.DataFrame({"t": pd.Series(["a", "a", np.nan, np.nan], dtype=object)}))
    assert not isinstance(small["t"].dtype, pd.CategoricalDtype)
    assert report.table["change"][0] == "object -> str"
    assert small["t"].tolist()[:2] == ["a", "a"] and small["t"].isna().tolist() == [False, False, True, True]


def test_text_at_exactly_the_category_ratio_is_no_category():
    """["a", "a", "b", "b"] in pandas' ``str``: 2 distinct of 4 rows is not *below* 0.5 * 4: no category, the
    column is left as it is."""
    df = pd.DataFrame({"t": pd.Series(["a", "a", "b", "b"], dtype="str")})
    small, report = optimize_memory(df)
    assert small["t"].dtype == df["t"].dtype and report.table["change"][0] == ""
    small, report = optimize_memory(df, category_ratio=0.51)  # 2 < 2.04
    assert isinstance(small["t"].dtype, pd.CategoricalDtype)


def test_arrow_text_in_several_chunks_becomes_category_of_every_chunk():
    """An Arrow string column held in two chunks (["b", "a"] and ["b", "b", "b"]) is categorised over all
    five values: codes 1, 0, 1, 1, 1 of ["a", "b"], the values read back in order."""
    pa = pytest.importorskip("pyarrow")
    col = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([["b", "a"], ["b", "b", "b"]])))
    small, report = optimize_memory(pd.DataFrame({"t": col}))
    assert small["t"].cat.codes.tolist() == [1, 0, 1, 1, 1] and small["t"].cat.categories.tolist() == ["a", "b"]
    assert small["t"].astype(object).tolist() == ["b", "a", "b", "b", "b"]


@pytest.mark.parametrize(("distinct", "width"), [(126, np.int8), (127, np.int16)])
def test_text_codes_take_int16_from_127_categories_on(distinct, width):
    """_factorize_sorted builds the codes in the width pandas' categorical keeps them: int8 up to 126
    categories, int16 from 127 on (pd.Categorical's own codes), so no copy is made to widen them."""
    pytest.importorskip("pyarrow")
    from bk_fast.memory import _factorize_sorted

    values = [f"v{i:03d}" for i in range(distinct)][::-1]
    codes, uniques = _factorize_sorted(pd.Series(values, dtype="str"))
    assert codes.dtype == width == pd.Categorical(values).codes.dtype
    assert codes.tolist() == list(range(distinct))[::-1] and uniques.tolist() == sorted(values)


def test_float16_numbers_are_left_as_they_are_with_pack():
    """pack=True on a float16 column (1, 1, 1, 2): no float32 step (not float64), no whole-number ints (only
    float32 / float64 are read), no category (pandas has no float16 Index): kept as float16, no error."""
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"h": np.array([1, 1, 1, 2], dtype=np.float16)})
    small, report = optimize_memory(df, pack=True)
    assert small["h"].dtype == np.float16 and small["h"].tolist() == [1.0, 1.0, 1.0, 2.0]
    assert report.table["change"][0] == ""


def test_number_categories_stop_below_32767_distinct_values():
    """_numeric_category takes at most 32,766 distinct numbers (pandas' codes are int32 from 32,767 categories
    on): 0..32765 becomes a category, 0..32766 is left as it is."""
    from bk_fast.memory import _numeric_category

    out, note = _numeric_category(pd.Series(np.arange(32766)))
    assert note == "int64 -> category (32766 distinct numbers)" and out.cat.codes.dtype == np.int16
    out, note = _numeric_category(pd.Series(np.arange(32767)))
    assert note == "" and out.dtype == np.int64


def test_packed_text_leaves_object_text_with_none_alone():
    """pack=True on ``object`` text "A0".."A49" and a None: packing would turn the None into NaN (as ``str``
    would), so the column is kept ``object`` with its None."""
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"t": pd.Series([f"A{i}" for i in range(50)] + [None], dtype=object)})
    small, report = optimize_memory(df, pack=True)
    assert small["t"].dtype == object and small["t"].iloc[-1] is None and report.table["change"][0] == ""


@pytest.mark.parametrize(("second", "shapes"), [("CF {:05d}", "1 shape"), ("DX-{:05d}", "2 shapes")])
def test_packed_text_note_counts_its_shapes(second, shapes):
    """The packed note names its shapes in the singular for one: "CF 00000".."CF 00059" is one shape (literal
    "CF ", a digit run), with every other value "DX-00001"... a second one."""
    pytest.importorskip("pyarrow")
    values = [f"CF {i:05d}" if i % 2 == 0 else second.format(i) for i in range(60)]
    small, report = optimize_memory(pd.DataFrame({"t": values}), pack=True)
    assert str(small["t"].dtype) == "packed_str" and report.table["change"][0] == f"str -> packed_str ({shapes})"
    assert small["t"].astype("str").tolist() == values


def test_a_tie_in_bytes_keeps_float32_over_whole_number_int32():
    """pack=True on [100000.0, 1.0, 2.0]: float32 and int32 (100000 needs 32 bits) both take 12 bytes, the
    category more (3 codes + 3 float64 categories): on the tie the first candidate, float32, is kept (float
    arithmetic stays float arithmetic)."""
    pytest.importorskip("pyarrow")
    small, report = optimize_memory(pd.DataFrame({"f": [100000.0, 1.0, 2.0]}), pack=True)
    assert str(small["f"].dtype) == "float32"
    assert report.table["change"][0] == "float64 -> float32 (every value exact)"


# -- sparse -------------------------------------------------------------------------------------------------------

def test_a_masked_float_holding_nan_is_not_made_sparse():
    """A pandas Float64 array can hold NaN as a value (not masked): [0, 0, 0, NaN] with no missing value. The
    sparse dtype would give the NaN back as <NA>, so with sparse_ratio=0.5 (75 % zeros) the column is kept."""
    fa = pd.arrays.FloatingArray(np.array([0.0, 0.0, 0.0, np.nan]), np.zeros(4, dtype=bool))
    df = pd.DataFrame({"f": fa})
    small, report = optimize_memory(df, sparse_ratio=0.5)
    assert small["f"].dtype == "Float64" and report.table["change"][0] == ""
    assert small["f"].isna().tolist() == [False] * 4


def test_sparse_nullable_integers_down_to_minus_2_53_and_all_missing():
    """Int64 [0, 0, 0, <NA>, -2**53]: -2**53 is exact in float64 (the bound is inclusive), so sparse_ratio=0.5
    (60 % zeros) makes it Sparse[float64, 0.0] and the values come back. An Int64 column of <NA> only is exact
    as NaN: Sparse[float64, nan] (100 % fill)."""
    df = pd.DataFrame({"a": pd.array([0, 0, 0, None, -2 ** 53], dtype="Int64")})
    small, report = optimize_memory(df, sparse_ratio=0.5)
    assert isinstance(small["a"].dtype, pd.SparseDtype) and report.table["change"][0] == \
        "Int64 -> Sparse[float64, 0.0] (60% fill)"
    assert small["a"].astype("Int64").tolist() == [0, 0, 0, pd.NA, -2 ** 53]
    small, report = optimize_memory(pd.DataFrame({"a": pd.array([None] * 4, dtype="Int64")}), sparse_ratio=0.5)
    assert report.table["change"][0] == "Int64 -> Sparse[float64, nan] (100% fill)"


def test_sparse_fill_on_a_tie_of_zero_and_nan_is_zero():
    """[NaN x4, 0.0 x4, 1.0, 2.0]: NaN and 0 fill 40 % each; the tie takes 0 (NaN only when it is more
    frequent). numbers=False keeps float64 out of it."""
    df = pd.DataFrame({"x": [np.nan] * 4 + [0.0] * 4 + [1.0, 2.0]})
    small, report = optimize_memory(df, sparse_ratio=0.4, numbers=False)
    assert small["x"].dtype == pd.SparseDtype(np.float64, 0.0)
    assert report.table["change"][0] == "float64 -> Sparse[float64, 0.0] (40% fill)"


def test_sparse_ratio_is_inclusive():
    """9 zeros of 10 values fill exactly 0.9 of the rows: sparse_ratio=0.9 makes the column sparse (at least that
    share), 0.91 does not."""
    df = pd.DataFrame({"x": [0.0] * 9 + [1.5]})
    small, report = optimize_memory(df, sparse_ratio=0.9, numbers=False)
    assert report.table["change"][0] == "float64 -> Sparse[float64, 0.0] (90% fill)"
    small, report = optimize_memory(df, sparse_ratio=0.91, numbers=False)
    assert report.table["change"][0] == ""


def test_sparse_is_built_from_the_narrowed_integers_too():
    """int64 [0 x9, 1] with sparse_ratio=0.5: Sparse[int64, 0] takes 8 + 4 bytes, Sparse[int8, 0] built from
    the int8 form 1 + 4 = 5: that one is kept, and the note names both steps."""
    small, report = optimize_memory(pd.DataFrame({"x": [0] * 9 + [1]}), sparse_ratio=0.5)
    assert small["x"].dtype == pd.SparseDtype(np.int8, 0)
    assert report.table[["bytes_before", "bytes_after"]].iloc[0].tolist() == [80, 5]
    assert report.table["change"][0] == "int64 -> int8 (range 0..1); int8 -> Sparse[int8, 0] (90% fill)"
    assert small["x"].astype(np.int64).tolist() == [0] * 9 + [1]


# -- what is left alone, arguments and totals ----------------------------------------------------------------------

def test_masked_floats_and_sparse_columns_keep_their_dtype():
    """Only NumPy float64 becomes float32: a pandas Float64 column [0.5, 0.25, ...] (exact in float32) stays
    Float64 (even with pack=True)."""
    df = pd.DataFrame({"m": pd.array([0.5, 0.25, 0.5, 0.5], dtype="Float64")})
    for pack in (False, True):
        if pack:
            pytest.importorskip("pyarrow")
        small, report = optimize_memory(df, pack=pack)
        assert small["m"].dtype == "Float64" and report.table["change"].tolist() == [""]


def test_a_sparse_integer_column_is_not_narrowed():
    """Sparse columns are not narrowed as number columns: Sparse[int64, 0] of [0, 0, 0, 5] (one stored value,
    8 + 4 bytes) keeps its dtype (no int8 / Int8 made of it) and its values."""
    df = pd.DataFrame({"s": pd.Series([0, 0, 0, 5], dtype=pd.SparseDtype(np.int64, 0))})
    small, report = optimize_memory(df)
    assert small["s"].dtype == pd.SparseDtype(np.int64, 0) and report.table["change"].tolist() == [""]
    assert small["s"].tolist() == [0, 0, 0, 5] and report.table["bytes_after"][0] == 12


def test_whole_number_floats_stay_float_without_pack():
    """Without pack, [1.0, 2.0] becomes float32 (exact), not int8: float arithmetic stays float arithmetic."""
    small, report = optimize_memory(pd.DataFrame({"x": [1.0, 2.0]}))
    assert small["x"].dtype == np.float32 and report.table["change"][0] == "float64 -> float32 (every value exact)"


def test_masked_integers_become_no_number_category_with_pack():
    """pack=True on Int64 [5 x100]: the number category is only for NumPy columns; the nullable column narrows
    to Int8 (200 bytes: values and mask) and stays nullable."""
    pytest.importorskip("pyarrow")
    small, report = optimize_memory(pd.DataFrame({"x": pd.array([5] * 100, dtype="Int64")}), pack=True)
    assert small["x"].dtype == "Int8" and report.table["change"][0] == "Int64 -> Int8 (range 5..5)"
    assert report.table["bytes_after"][0] == 200


def test_numbers_may_be_a_numpy_bool():
    """numbers=np.False_ is a boolean (as from a NumPy mask): accepted, float64 kept; a 0 is not."""
    small, report = optimize_memory(pd.DataFrame({"x": [1.0, 2.0]}), numbers=np.False_)
    assert small["x"].dtype == np.float64 and report.table["change"][0] == ""
    with pytest.raises(TypeError, match="numbers must be True or False"):
        optimize_memory(pd.DataFrame({"x": [1.0]}), numbers=0)


def test_totals_count_the_index_deeply_on_both_sides():
    """An object index ["alpha", "beta"] counts its Python strings (memory_usage(deep=True)) in both totals:
    bytes_before = 16 (int64 column) + index, bytes_after = 2 (int8) + the same index."""
    df = pd.DataFrame({"x": [1, 2]}, index=pd.Index(["alpha", "beta"], dtype=object))
    index_bytes = int(df.index.memory_usage(deep=True))
    assert index_bytes > int(df.index.memory_usage(deep=False))
    small, report = optimize_memory(df)
    assert (report.bytes_before, report.bytes_after) == (16 + index_bytes, 2 + index_bytes)


# -- bk_fast._arrow_text -------------------------------------------------------------------------------------------

def _from_buffers(pa, data: bytes, offsets: list[int]) -> pd.Series:
    """A pandas column over an Arrow string array built from raw buffers (Arrow does not check the UTF-8)."""
    offs = pa.py_buffer(np.array(offsets, dtype=np.int32).tobytes())
    array = pa.Array.from_buffers(pa.string(), len(offsets) - 1, [None, offs, pa.py_buffer(data)])
    return pd.Series(pd.arrays.ArrowExtensionArray(array))


@pytest.mark.parametrize("raw", [b"\xed\xa0\x80", b"\xed\xbf\xbf"])
def test_both_ends_of_the_surrogates_are_named(raw):
    """Bytes that are no character: U+D800 and U+DFFF (the first and last surrogate) encoded as ED A0 80 and
    ED BF BF, held by an array built from buffers: the value is named (row 0), the plain "x" is not."""
    pa = pytest.importorskip("pyarrow")
    from bk_fast._arrow_text import strip_upper_odd_rows

    column = _from_buffers(pa, raw + b"x", [0, len(raw), len(raw) + 1])
    assert strip_upper_odd_rows(column).tolist() == [0]
    assert strip_upper_odd_rows(column, upper=False).tolist() == [0]


@pytest.mark.parametrize("ratio", [0, 1])
def test_category_ratio_bounds_are_allowed(ratio):
    """category_ratio 0 and 1 are both allowed (the interval is closed): with 0 nothing is below 0 * 4 (no
    category, the str column kept), with 1 the 2 distinct of 4 rows are below 4 (category)."""
    df = pd.DataFrame({"t": pd.Series(["a", "b", "a", "a"], dtype="str")})
    small, report = optimize_memory(df, category_ratio=ratio)
    assert isinstance(small["t"].dtype, pd.CategoricalDtype) == (ratio == 1)


def test_rtol_zero_is_allowed():
    """rtol=0 with lossless=False is allowed (>= 0): 0.1 is not exact in float32, so it stays float64; 0.5 is
    exact and becomes float32."""
    small, report = optimize_memory(pd.DataFrame({"a": [0.1], "b": [0.5]}), lossless=False, rtol=0)
    assert small.dtypes.astype(str).tolist() == ["float64", "float32"]


def test_empty_number_columns_with_sparse_ratio_warn_of_nothing():
    """An empty frame's float64 and int64 columns with sparse_ratio=0.5: no sparse attempt (the share of an
    empty column would be a mean of nothing, a RuntimeWarning), the dtypes kept."""
    import warnings

    df = pd.DataFrame({"f": np.zeros(0), "i": np.zeros(0, dtype=np.int64)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small, report = optimize_memory(df, sparse_ratio=0.5)
    assert small.dtypes.astype(str).tolist() == ["float64", "int64"] and report.table["change"].tolist() == ["", ""]


def test_odd_rows_names_a_lone_continuation_byte():
    """odd_rows names every value holding a byte outside plain ASCII, 0x80 included: a value b"a\\x80" (a stray
    continuation byte, built from buffers) is row 0; "b" is not odd."""
    pa = pytest.importorskip("pyarrow")
    from bk_fast._arrow_text import odd_rows

    assert odd_rows(_from_buffers(pa, b"a\x80b", [0, 2, 3])).tolist() == [0]


def test_a_change_saving_no_byte_is_not_made():
    """str values "0".."6", "0" (8 rows, 7 distinct) with category_ratio=1: 7 is below 8, but the category (8
    int8 codes + 7 one-character categories) counts the same 72 bytes as the Arrow str column (offsets, data):
    a change that saves nothing is not made, the column is kept."""
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"t": pd.Series([str(i % 7) for i in range(8)], dtype="str")})
    small, report = optimize_memory(df, category_ratio=1.0)
    assert small["t"].dtype == df["t"].dtype and report.table["change"][0] == ""
    assert report.table[["bytes_before", "bytes_after"]].iloc[0].tolist() == [72, 72]


def test_release_arrow_memory_asks_pyarrows_pool_only_when_pyarrow_is_loaded(monkeypatch):
    """release_arrow_memory calls ``default_memory_pool().release_unused()`` of the pyarrow module already
    imported (here a stand-in counting the calls: 1), and does nothing, importing nothing, when there is none."""
    import sys
    import types

    from bk_fast._arrow_text import release_arrow_memory

    calls = []
    pool = types.SimpleNamespace(release_unused=lambda: calls.append("released"))
    monkeypatch.setitem(sys.modules, "pyarrow", types.SimpleNamespace(default_memory_pool=lambda: pool))
    release_arrow_memory()
    assert calls == ["released"]
    monkeypatch.delitem(sys.modules, "pyarrow")
    release_arrow_memory()
    assert calls == ["released"] and "pyarrow" not in sys.modules

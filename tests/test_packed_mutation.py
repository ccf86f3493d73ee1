"""Mutation audit of bk_fast._packed (packed text) and bk_fast._arrow_text (Arrow text buffers): cases that tell
the audited code from a small change of it (a flipped comparison, a dropped guard, an off-by-one bound) which the
other tests let pass. Expected values are worked out by hand in each test.

pyarrow is imported inside the tests (CI's base install has none): the cases that need it are skipped there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def pa():
    """pyarrow (skipped where it is not installed)."""
    return pytest.importorskip("pyarrow", reason="Arrow-backed text needs pyarrow: not installed")


@pytest.fixture
def packed():
    """The module bk_fast._packed (skipped without pyarrow, which it imports)."""
    pytest.importorskip("pyarrow", reason="bk_fast._packed needs pyarrow: not installed")
    from bk_fast import _packed
    return _packed


def _str(values) -> pd.Series:
    return pd.Series(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


# -- bk_fast._packed ---------------------------------------------------------------------------------------------

def test_narrowest_integer_types_take_their_maximum(packed):
    """The digit runs and the codes are held in the smallest type that holds their largest value: 255 is still
    uint8 (256 is uint16), 127 still int8 (128 is int16); a flipped bound or a dropped int8 would widen them."""
    assert packed._narrow_unsigned(np.array([0, 255])).dtype == np.uint8
    assert packed._narrow_unsigned(np.array([256])).dtype == np.uint16
    assert packed._narrow_unsigned(np.array([65535])).dtype == np.uint16
    assert packed._narrow_codes(np.array([127, -1, 0])).dtype == np.int8
    assert packed._narrow_codes(np.array([-1, 3])).dtype == np.int8
    assert packed._narrow_codes(np.array([128])).dtype == np.int16
    assert packed._narrow_codes(np.array([], dtype=np.int64)).dtype == np.int8


def test_a_value_past_the_first_block_of_a_column_with_missing_values(packed):
    """A single read past the first 2**14 rows of a one-shape column with missing values (a validity bit per
    row) reads the bits of its own block: 16,400 rows ``"CF i"`` with row 5 missing; row 16,390 is
    ``"CF 16390"`` (reading the bits from row 0 gives the row before it, ``"CF 16389"``)."""
    values = [f"CF {i}" for i in range(16_400)]
    values[5] = None
    arr = packed.pack_strings(_str(values))
    assert arr._codes is None and arr._table.valid is not None  # (the layout the case is about)
    assert arr[16_390] == "CF 16390" and arr[16_399] == "CF 16399" and arr[16_384] == "CF 16384"
    assert pd.isna(arr[5]) and arr[6] == "CF 6"


def test_compaction_does_not_count_missing_table_rows_as_used(packed, pa):
    """_compacted keeps only the table rows in use once the unused ones pass max(used, 64): a missing table
    row is never in use. A 102-row table, 100 rows missing and then ``"a"``, ``"b"``, read row by row, keeps 2
    rows (counting the missing ones as used would keep all 102)."""
    table = packed._encode_checked(pa.array(["a", "b"])).take(np.array([-1] * 100 + [0, 1]))
    assert table.n == 102 and int(table.isna().sum()) == 100
    small, rows = packed._compacted(table, np.arange(102))
    assert small.n == 2 and rows.tolist() == [-1] * 100 + [0, 1]
    assert small.render().to_pylist() == ["a", "b"]


def test_take_with_fill_checks_its_indices(packed):
    """take(allow_fill=True): -1 is the only negative index allowed (-2 raises ValueError) and ``len`` is out
    of bounds (IndexError), as for pandas' own arrays."""
    arr = packed.pack_strings(_str(["x", "y"]))
    with pytest.raises(ValueError, match="only -1"):
        arr.take([-2], allow_fill=True)
    with pytest.raises(IndexError, match="out of bounds"):
        arr.take([2], allow_fill=True)
    got = arr.take([1, -1, 0], allow_fill=True)
    assert got[0] == "y" and pd.isna(got[1]) and got[2] == "x"


def test_writes_past_127_table_rows_into_int8_codes(packed):
    """A write into a column held as int8 codes (120 distinct values, ten rows each) adds 20 new strings: the
    table grows to 140 rows, so the codes must widen (kept in int8, rows 128-139 would wrap around)."""
    values = [f"CF {10000 + i}/{i:04d}" for i in range(120)] * 10
    arr = packed.pack_strings(_str(values))
    assert arr._codes is not None and arr._codes.dtype == np.int8 and arr._table.n == 120
    new = [f"N{i}" for i in range(20)]
    arr[np.arange(20)] = new
    assert arr.astype(object).tolist() == new + values[20:]
    assert arr._codes.dtype == np.int16 and arr._table.n == 140


def test_a_written_string_held_by_a_joined_slot_is_pointed_at(packed):
    """After pd.concat joins ``"CF 7"``, ``"CF 12"`` (plain digits) with ``"CF 0003"``, ``"CF 0004"`` (four
    fixed digits), the joined slot keeps a printed width per row (1, 2, 4, 4). Writing ``"CF 12"`` finds it
    by number and width: the table keeps its 4 rows (a wrong width would keep it verbatim as a fifth row)."""
    a = pd.Series(packed.pack_strings(_str(["CF 7", "CF 12"])))
    b = pd.Series(packed.pack_strings(_str(["CF 0003", "CF 0004"])))
    joined = pd.concat([a, b], ignore_index=True)
    slots = [shape.slots[0] for shape in joined.array._table.shapes if shape.raw is None]
    assert [slot.widths.tolist() for slot in slots] == [[1, 2, 4, 4]]
    joined.iloc[3] = "CF 12"
    assert joined.astype(object).tolist() == ["CF 7", "CF 12", "CF 0003", "CF 12"]
    assert joined.array._table.n == 4


def test_two_digit_zero_padded_runs_are_encoded_not_verbatim(packed):
    """``"A 07"``, ``"A 08"``, ``"A 12"``: a run of two digits, zero-padded, prints back with its width, so the
    values are encoded (one shape, a fixed-width slot), not kept verbatim."""
    arr = packed.pack_strings(_str(["A 07", "A 08", "A 12"]))
    shapes = arr._table.shapes
    assert len(shapes) == 1 and shapes[0].raw is None
    assert (shapes[0].slots[0].style, shapes[0].slots[0].width) == ("fixed", 2)
    assert shapes[0].slots[0].values.tolist() == [7, 8, 12]
    assert arr.astype(object).tolist() == ["A 07", "A 08", "A 12"]



def _raw(arr) -> list:
    """The verbatim strings of a packed array's table (its shapes kept as text), in row order."""
    return [v for shape in arr._table.shapes if shape.raw is not None for v in shape.raw.to_pylist()]


def test_writing_a_string_the_table_holds_keeps_the_table(packed):
    """A written string that the table holds (found by its numbers, their printed widths and the largest value
    of the slot's type, or among the verbatim strings) is pointed at: the array keeps its table object (nothing
    new is built) and the right row. ``"A2"`` into ``["A1", "A2"]``; ``"A255"`` (255, the top of uint8);
    ``"A07"`` in a slot printing 7 as ``"A7"`` and as ``"A07"``; two verbatim strings written swapped."""
    for values, key, value, want in [(["A1", "A2"], 0, "A2", ["A2", "A2"]),
                                     (["A255", "A3", "A17"], 1, "A255", ["A255", "A255", "A17"]),
                                     (["A7", "A07", "A12"], 2, "A07", ["A7", "A07", "A07"]),
                                     (["x\x00a", "x\x00b"], [0, 1], ["x\x00b", "x\x00a"], ["x\x00b", "x\x00a"])]:
        arr = packed.pack_strings(_str(values))
        table = arr._table
        arr[key] = value
        assert arr.astype(object).tolist() == want and arr._table is table, values


def test_a_written_string_is_found_in_its_own_shape_rows(packed):
    """The table row found for a written string is counted among the rows of its shape: ``"B4"`` is the second
    row of shape ``"B#"`` in ``["A1", "B2", "A3", "B4"]``, table row 3 (not row 1, ``"B2"``); the verbatim
    ``"x\\0y"`` of ``["A1", "x\\0y", "A2"]`` is table row 1 (not row 0, ``"A1"``)."""
    arr = packed.pack_strings(_str(["A1", "B2", "A3", "B4"]))
    arr[0] = "B4"
    assert arr.astype(object).tolist() == ["B4", "B2", "A3", "B4"]
    arr = packed.pack_strings(_str(["A1", "x\x00y", "A2"]))
    arr[0] = "x\x00y"
    assert arr.astype(object).tolist() == ["x\x00y", "x\x00y", "A2"]


def test_encoding_choices_at_their_bounds(packed):
    """An 18-digit run is encoded (19 would not fit the rule); a lone ``"0"`` is no zero padding (``"A0"``,
    ``"A12"``, ``"A5"``: a plain slot); a value that does not print back (``"A 05"`` in a slot with thousands
    commas) joins the verbatim strings already there, one verbatim shape in row order."""
    arr = packed.pack_strings(_str(["A123456789012345678", "A1"]))
    assert [s.raw for s in arr._table.shapes] == [None]
    assert arr._table.shapes[0].slots[0].values.tolist() == [123456789012345678, 1]
    arr = packed.pack_strings(_str(["A0", "A12", "A5"]))
    assert [s.slots[0].style for s in arr._table.shapes] == ["plain"]
    arr = packed.pack_strings(_str(["A 1,234", "A 05", "x\x00y"]))
    assert [s.raw is None for s in arr._table.shapes] == [True, False] and _raw(arr) == ["A 05", "x\x00y"]
    assert arr.astype(object).tolist() == ["A 1,234", "A 05", "x\x00y"]


def test_the_rarest_shapes_past_126_stay_verbatim(packed):
    """128 letter-only words (a shape each, one value) and ``"CF 1"``-``"CF 3"`` (one shape, three values): 129
    shapes, of which the 126 with the most values are encoded (codes stay int8: 127 shapes with the verbatim
    one); the verbatim ones are the three last words (ties keep their order)."""
    words = ["w" + chr(97 + i // 26) + chr(97 + i % 26) for i in range(128)]
    arr = packed.pack_strings(_str(words + ["CF 1", "CF 2", "CF 3"]))
    assert len(arr._table.shapes) == 127 and _raw(arr) == ["wev", "wew", "wex"]
    assert arr.astype(object).tolist() == words + ["CF 1", "CF 2", "CF 3"]


def test_concat_past_126_shapes_keeps_the_rarest_verbatim_in_row_order(packed):
    """pd.concat of 126 one-word shapes with ``"common"`` x 5 and a verbatim ``"x\\0y"``: 127 encoded shapes,
    so the rarest (the last word, one row, row 125) is printed back into the verbatim strings, which stay in
    row order (the word at row 125 before ``"x\\0y"`` at row 131): the values are the str columns' concat."""
    words = ["w" + chr(97 + i // 26) + chr(97 + i % 26) for i in range(126)]
    a, b = _str(words), _str(["common"] * 5 + ["x\x00y"])
    got = pd.concat([pd.Series(packed.pack_strings(a)), pd.Series(packed.pack_strings(b))], ignore_index=True)
    assert _raw(got.array) == [words[125], "x\x00y"]
    assert got.astype(object).tolist() == words + ["common"] * 5 + ["x\x00y"]


def test_concat_keeps_thousands_commas_apart_and_drops_shapes_without_rows(packed, pa):
    """pd.concat of ``"1,234"`` (thousands commas) and ``"5678"`` (four digits) keeps two shapes (joined they
    would print alike); _Table.concat leaves out a shape no row has (``["A1", "B"]`` taken at row 0 keeps an
    empty ``"B"`` shape)."""
    got = pd.concat([pd.Series(packed.pack_strings(_str(["1,234"]))),
                     pd.Series(packed.pack_strings(_str(["5678"])))], ignore_index=True)
    assert got.astype(object).tolist() == ["1,234", "5678"]
    taken = packed._encode_checked(pa.array(["A1", "B"])).take(np.array([0]))
    assert [len(shape) for shape in taken.shapes] == [1, 0]
    joined = packed._Table.concat([taken, taken])
    assert len(joined.shapes) == 1 and joined.render().to_pylist() == ["A1", "A1"]


def test_compaction_threshold(packed, pa):
    """_compacted keeps only the used rows once the unused ones are more than max(used, 64): 128 rows, 64 used
    (64 unused, not more): kept whole; 63 used: compacted to 63; 60 rows, 10 used (50 unused, under 64):
    kept whole."""
    table = packed._encode_checked(pa.array([f"A{i}" for i in range(128)]))
    assert packed._compacted(table, np.arange(64))[0].n == 128
    small, rows = packed._compacted(table, np.arange(1, 64))
    assert small.n == 63 and rows.tolist() == list(range(63))
    assert small.render().to_pylist() == [f"A{i}" for i in range(1, 64)]
    table = packed._encode_checked(pa.array([f"A{i}" for i in range(60)]))
    assert packed._compacted(table, np.arange(10))[0].n == 60


# -- bk_fast._arrow_text -----------------------------------------------------------------------------------------

def _arrow_series(array) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(array))


def test_text_buffers_of_arrow_dtype_columns_and_no_chunks(pa):
    """text_buffers takes ``ArrowDtype`` string and large_string columns (offsets, bytes, a uint8 missing
    mask), and a column of no chunks at all gives the empty buffers (there is no chunk 0 to read)."""
    from bk_fast._arrow_text import text_buffers
    off, data, missing = text_buffers(pd.Series(["x", None], dtype=pd.ArrowDtype(pa.string())))
    assert (off.tolist(), data.tobytes(), missing.tolist()) == ([0, 1, 1], b"x", [0, 1])
    assert missing.dtype == np.uint8 and off.dtype == np.int64
    off, data, missing = text_buffers(pd.Series(["xy", "z"], dtype=pd.ArrowDtype(pa.large_string())))
    assert (off.tolist(), data.tobytes(), missing.tolist()) == ([0, 2, 3], b"xyz", [0, 0])
    off, data, missing = text_buffers(pd.arrays.ArrowExtensionArray(pa.chunked_array([], pa.string())))
    assert (off.tolist(), data.size, missing.size) == ([0], 0, 0)


def test_chunk_buffers_of_large_strings_and_an_empty_slice(pa):
    """chunk_buffers reads large_string offsets as int64 (``"ab"``, ``"c"``: 0, 2, 3), and a zero-length slice
    gives ``[0]`` whatever its offset (``["ab", "c"][2:]`` has offset 2, whose stored offset is 3)."""
    from bk_fast._arrow_text import chunk_buffers
    off, data = chunk_buffers(pa.array(["ab", "c"], pa.large_string()))
    assert off.tolist() == [0, 2, 3] and data.tobytes() == b"abc"
    off, data = chunk_buffers(pa.array(["ab", "c"]).slice(2))
    assert off.tolist() == [0] and data.size == 0


def test_utf8_buffers_pass_lone_surrogates_through():
    """utf8_buffers encodes ``"a\\ud800"`` as a, ED A0 80 (surrogatepass: the bytes Arrow cannot hold) and
    ``"é"`` as C3 A9: offsets 0, 4, 6."""
    from bk_fast._arrow_text import utf8_buffers
    data, offsets = utf8_buffers(["a\ud800", "é"])
    assert data.tolist() == [0x61, 0xED, 0xA0, 0x80, 0xC3, 0xA9] and offsets.tolist() == [0, 4, 6]


def test_odd_rows_bounds_of_the_python_white_space_bytes(pa):
    """0x1C and 0x1F are both in the odd range (white space to Python), for odd_rows and strip_upper_odd_rows;
    a value starting with an odd byte (``"ßa"``) is named, and so is row 0."""
    from bk_fast._arrow_text import odd_rows, strip_upper_odd_rows
    column = pd.Series(["x\x1f", "\x1c", "a"], dtype="str")
    assert odd_rows(column).tolist() == [0, 1] and strip_upper_odd_rows(column).tolist() == [0, 1]
    assert odd_rows(pd.Series(["ßa", "é", "a"], dtype="str")).tolist() == [0, 1]
    assert strip_upper_odd_rows(pd.Series(["ßa", "a"], dtype="str")).tolist() == [0]


def test_strip_upper_odd_rows_names_white_space_and_characters_together(pa):
    """A column with a 0x1C value and an ``"ß"`` value names both (rows 0 and 1), not only the character."""
    from bk_fast._arrow_text import strip_upper_odd_rows
    assert strip_upper_odd_rows(pd.Series(["\x1cx", "ß"], dtype="str")).tolist() == [0, 1]


def test_missing_values_are_never_odd_even_with_bytes_in_their_slot(pa):
    """An Arrow array may keep bytes in a missing value's slot: ``["a", null holding "ß", "b"]`` has no odd
    value for odd_rows nor strip_upper_odd_rows."""
    from bk_fast._arrow_text import odd_rows, strip_upper_odd_rows
    valid = pa.py_buffer(np.packbits([1, 0, 1], bitorder="little").tobytes())
    offsets = pa.py_buffer(np.array([0, 1, 3, 4], dtype=np.int32).tobytes())
    column = _arrow_series(pa.Array.from_buffers(pa.string(), 3, [valid, offsets, pa.py_buffer("aßb".encode())]))
    assert column.isna().tolist() == [False, True, False]
    assert odd_rows(column).tolist() == [] and strip_upper_odd_rows(column).tolist() == []


def test_bytes_that_are_no_character_are_named(pa):
    """strip_upper_odd_rows names a value holding a lead byte without its continuation (``b"a\\xc3"``, built
    from buffers, which Arrow does not check): row 0 of ``[b"a\\xc3", b"b"]``."""
    from bk_fast._arrow_text import strip_upper_odd_rows
    offsets = pa.py_buffer(np.array([0, 2, 3], dtype=np.int32).tobytes())
    column = _arrow_series(pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"a\xc3b")]))
    assert strip_upper_odd_rows(column).tolist() == [0]


def test_bytes_past_the_last_value_count_for_no_row(pa):
    """rows_holding: with offsets 0, 1, 3 (two values) the bytes at 1 and 2 are row 1 (once), those at 3 and 5
    lie past the last value (a sliced column's buffer) and count for none; so a slice ``["a", "ß"][:1]`` has no
    odd row."""
    from bk_fast._arrow_text import odd_rows, rows_holding
    assert rows_holding(np.array([0, 1, 3]), np.array([1, 2, 3, 5])).tolist() == [1]
    assert odd_rows(_arrow_series(pa.array(["a", "ß"]).slice(0, 1))).tolist() == []


def test_patch_rows_keeps_the_column_when_only_missing_values_meet(pa):
    """patch_rows gives the caller's column itself (no copy) when Python's answer equals Arrow's, missing
    equal to missing."""
    from bk_fast._arrow_text import patch_rows
    col = pd.Series(["a", None, "b"], dtype="str")
    assert patch_rows(col, np.array([0, 1]), np.array(["a", np.nan], dtype=object)) is col
    got = patch_rows(col, np.array([1, 2]), np.array([np.nan, "B"], dtype=object))
    assert got is not col and got.tolist()[::2] == ["a", "B"] and col.tolist()[2] == "b"


def test_mostly_odd_means_more_than_half():
    """mostly_odd: 5 odd values of 10 are not more than half (False), 6 are (True); None (no Arrow text) is
    never mostly odd."""
    from bk_fast._arrow_text import mostly_odd
    assert not mostly_odd(np.arange(5), 10) and mostly_odd(np.arange(6), 10) and not mostly_odd(None, 0)

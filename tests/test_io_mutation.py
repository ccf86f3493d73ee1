"""Tests closing the gaps a mutation audit of bk_fast.io and bk_fast.memory found: each pins a behaviour that
a small change of the code (a flipped bound, a dropped guard or copy) altered without any other test failing.
Expected values are worked out by hand in each test."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pandas as pd
import pytest

from bk_fast import io as bkio
from bk_fast.memory import MemoryReport, optimize_memory

from _optional import ARROW, needs

try:
    import pyarrow as pa
except ImportError:  # (the tests of pyarrow's paths are skipped: _optional)
    pa = None


@needs("pyarrow")
def test_parse_numbers_of_an_arrow_null_whose_slot_holds_digits_is_nan(engine):
    """pyarrow.compute.if_else leaves the dropped value's bytes ("5") in a null's slot; the kernel parses the
    slot's text, so the null must be set to NaN afterwards, not read as 5.0."""
    import pyarrow.compute as pc

    arr = pc.if_else(pa.array([True, False, True]), pa.array(["1", "5", "(2)"], pa.large_string()),
                     pa.scalar(None, pa.large_string()))
    assert arr.buffers()[2].to_pybytes() == b"15(2)"  # (the null's slot holds "5")
    out = bkio.parse_numbers(arr, engine=engine)
    assert out[0] == 1.0 and np.isnan(out[1]) and out[2] == -2.0


def _nan_with_payload() -> float:
    return struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000001))[0]


def test_float_column_with_a_payload_nan_still_narrows_to_float32():
    """The docstring: float64 -> float32 when every value converts back to the identical float64, "a NaN as NaN,
    its sign and payload bits not kept". A NaN with a payload bit comes back as a plain NaN (not bit-identical),
    so the NaN-as-NaN comparison must take it; 1.5 and -2.25 are exact in float32."""
    x = np.array([1.5, _nan_with_payload(), -2.25])
    assert struct.pack("<d", x[1]) != struct.pack("<d", float(np.float32(x[1])))  # (the payload is lost)
    small, report = optimize_memory(pd.DataFrame({"x": x}))
    assert small["x"].dtype == np.float32
    assert small["x"].iloc[0] == 1.5 and np.isnan(small["x"].iloc[1]) and small["x"].iloc[2] == -2.25
    assert report.table["change"].iloc[0] == "float64 -> float32 (every value exact)"


def test_detect_kind_tie_goes_to_the_first_kind_listed():
    """Style#, WC and Machine hold both style_work_center's required columns (Style#, WC) and machines' (WC,
    Machine): each kind matches 2 of its 2 columns, key (2, 1.0) both. The first kind in KINDS wins a tie, so the
    answer does not depend on a later kind happening to tie."""
    assert list(bkio.KINDS).index("style_work_center") < list(bkio.KINDS).index("machines")
    assert bkio.detect_kind(["Style#", "WC", "Machine"]) == "style_work_center"


def test_detect_kind_equal_hits_prefers_the_kind_they_cover_best():
    """Desc#, Planning Balance and Total Demand: yarn_inventory matches Desc# and Planning Balance (2 of its 13
    columns), yarn_demand Desc# and Total Demand (2 of its 9). Equal hits: the larger share, 2/9 > 2/13, wins."""
    assert len(bkio.KINDS["yarn_inventory"].columns) == 13 and len(bkio.KINDS["yarn_demand"].columns) == 9
    assert bkio.detect_kind(["Desc#", "Planning Balance", "Total Demand"]) == "yarn_demand"


def test_byte_order_mark_glued_to_a_header_below_a_junk_line_is_dropped_from_the_names():
    """The UTF-8 mark is stripped from the file's first line only; a header below a title line (two exports
    pasted together) can carry one too. Known names drop it in the alias lookup, but an unknown column kept it
    ('\\ufeffNotes'), and a cell holding only the mark must be an unnamed column, as an empty cell is."""
    text = b"Yarn report\n\xef\xbb\xbfDesc#,Planning Balance,\xef\xbb\xbfNotes,\xef\xbb\xbf\n18767,2,x,y\n"
    df = bkio.read_erp(text, optimize=False)
    assert list(df.columns) == ["Desc#", "Planning Balance", "Notes", "Unnamed: 3"]
    assert df["Desc#"].tolist() == [18767] and df["Notes"].tolist() == ["x"]


def test_a_header_cell_of_forty_characters_still_counts_as_a_known_name():
    """Header scoring skips cells longer than 40 characters (no header name is that long); a cell of exactly 40
    counts. 'Planning' + 25 spaces + 'Balance' (40 characters) is an alias of Planning Balance, so the second line
    names two known columns in its two cells and is the header, not the title line naming only 'Style#'."""
    long_name = "Planning" + " " * 25 + "Balance"
    assert len(long_name) == 40
    text = f"Style#\nDesc#,{long_name}\n18767,12.5\n".encode()
    df = bkio.read_erp(text, optimize=False)
    assert df.attrs["bk_fast"]["kind"] == "yarn_inventory" and df.attrs["bk_fast"]["header_line"] == 1
    assert list(df.columns) == ["Desc#", "Planning Balance"] and df["Planning Balance"].tolist() == [12.5]


def test_a_line_naming_one_known_column_alone_is_no_header():
    """A header needs at least two known names filling at least half its cells: a title line 'Supplier' (one
    known name, one cell) above the real header is junk, and the header is line 1."""
    df = bkio.read_erp(b"Supplier\nDesc#,Planning Balance\n18767,3\n", optimize=False)
    assert df.attrs["bk_fast"]["header_line"] == 1
    assert list(df.columns) == ["Desc#", "Planning Balance"] and df["Desc#"].tolist() == [18767]


def test_a_header_with_exactly_half_its_cells_known_is_the_header():
    """'Mostly known names' includes exactly half: Desc#, Planning Balance, Notes, Comments (2 of 4) is the
    header, not the summary line above it (Desc#, Supplier and three other cells: 2 of 5, which would win the
    fallback 'most known names, first such line')."""
    text = b"Desc#,Supplier,a,b,c\nDesc#,Planning Balance,Notes,Comments\n18767,4,n,c\n"
    df = bkio.read_erp(text, optimize=False)
    assert df.attrs["bk_fast"]["header_line"] == 1
    assert list(df.columns) == ["Desc#", "Planning Balance", "Notes", "Comments"]
    assert df["Planning Balance"].tolist() == [4.0]


def test_the_header_is_looked_for_in_the_first_fifty_lines_only():
    """read_erp's docstring: the header is found 'among the first 50 lines'. Below 49 junk lines (0-based line 49,
    the 50th) it is found; below 50 junk lines it is not, and the error says how many lines were searched."""
    body = b"Desc#,Planning Balance\n18767,5\n"
    df = bkio.read_erp(b"junk\n" * 49 + body, optimize=False)
    assert df.attrs["bk_fast"]["header_line"] == 49 and df["Planning Balance"].tolist() == [5.0]
    with pytest.raises(ValueError, match="no header row found in the first 50 lines"):
        bkio.read_erp(b"junk\n" * 50 + body)


def test_a_utf8_character_cut_at_the_end_of_the_64k_sample_keeps_utf8():
    """The encoding is guessed from the first 64 KiB; a two-byte 'é' whose first byte is the sample's last byte
    (65535) fails to decode only because the sample cuts it: the file is UTF-8 all the same, not cp1252 (which
    would read 'Ã©')."""
    head = b"Desc#,Description,Planning Balance\n"
    row = b"1,plain,1\n"
    rows = (65535 - len(head) - len(b"2,")) // len(row)
    fill = 65535 - len(head) - rows * len(row) - len(b"2,")  # (bytes of the row before its 'é')
    text = head + row * rows + b"2," + b"x" * fill + "é,2\n".encode() + b"3,end,3\n"
    assert text.index("é".encode()) == 65535
    df = bkio.read_erp(text, optimize=False)
    assert df["Description"].iloc[rows] == "x" * fill + "é"
    assert len(df) == rows + 2 and df["Planning Balance"].iloc[-1] == 3.0


def test_text_becomes_category_only_strictly_below_the_ratio():
    """'category when the number of distinct values is below category_ratio * len(df)': 2 distinct in 4 rows at
    ratio 0.5 is not below 2, so the str column stays; 2 distinct in 5 rows is below 2.5: category."""
    a, b = "x" * 100, "y" * 100
    four = pd.DataFrame({"t": pd.Series([a, b, a, b], dtype="str")})
    small, report = optimize_memory(four, category_ratio=0.5)
    assert small["t"].dtype == four["t"].dtype and report.table["change"].iloc[0] == ""
    five = pd.DataFrame({"t": pd.Series([a, b, a, b, a], dtype="str")})
    small, report = optimize_memory(five, category_ratio=0.5)
    assert isinstance(small["t"].dtype, pd.CategoricalDtype) and small["t"].tolist() == [a, b, a, b, a]


def test_doubled_quotes_inside_a_header_cell_holding_a_line_break():
    """'""' inside a quoted header cell is a quote, not the cell's end: the cell "Note ""a""<LF>more" runs on to
    the next line, so the header is both lines and the data begin below them (one data row, not two)."""
    df = bkio.read_erp(b'Desc#,Planning Balance,"Note ""a""\nmore"\n18767,5,x\n', optimize=False)
    assert list(df.columns) == ["Desc#", "Planning Balance", 'Note "a"\nmore']
    assert len(df) == 1 and df["Desc#"].tolist() == [18767] and df['Note "a"\nmore'].tolist() == ["x"]


def test_missing_text_counts_once_among_the_distinct_values():
    """'distinct values (missing counted once)': 'a', 'b' and missing are 3 distinct in 6 rows, not below
    0.5 * 6 = 3, so the str column stays; without the missing ones 'a', 'b', 'a', 'b' would be 2 of 6."""
    a, b = "x" * 100, "y" * 100
    df = pd.DataFrame({"t": pd.Series([a, a, a, b, None, None], dtype="str")})
    small, report = optimize_memory(df, category_ratio=0.5)
    assert small["t"].dtype == df["t"].dtype and report.table["change"].iloc[0] == ""
    seven = pd.DataFrame({"t": pd.Series([a, a, a, b, None, None, a], dtype="str")})  # (3 < 3.5: category)
    assert isinstance(optimize_memory(seven, category_ratio=0.5)[0]["t"].dtype, pd.CategoricalDtype)


def test_sparse_when_zero_fills_exactly_the_sparse_ratio():
    """'whose most frequent of 0 / NaN fills at least that share': two zeros in four rows fill exactly 0.5. 0.1
    and 0.2 are not exact in float32, so the float64 column (32 bytes) competes only with its sparse form: two
    float64 values and two int32 positions, 24 bytes."""
    df = pd.DataFrame({"x": [0.0, 0.0, 0.1, 0.2]})
    small, report = optimize_memory(df, sparse_ratio=0.5)
    assert small["x"].dtype == pd.SparseDtype(np.float64, 0.0)
    assert small["x"].sparse.to_dense().tolist() == [0.0, 0.0, 0.1, 0.2]
    assert report.table["bytes_before"].iloc[0] == 32 and report.table["bytes_after"].iloc[0] == 24


@pytest.mark.parametrize("arrow", ARROW)
def test_a_number_cell_of_only_commas_is_empty_not_a_misplaced_comma(monkeypatch, arrow, engine):
    """',' and '$ ,' clean to nothing: empty cells (NaN, no warning), as parse_numbers reads them. The comma check
    flags text that was read as a number only; the arrow path scans whole chunks, so its flags must be limited to
    those rows, else an empty cell was warned about and counted as coerced."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = bkio.read_erp(b'Desc#,Planning Balance\n1,","\n2,"$ ,"\n3,"1,200"\n', optimize=False,
                           engine=engine)
    assert np.isnan(df["Planning Balance"].iloc[0]) and np.isnan(df["Planning Balance"].iloc[1])
    assert df["Planning Balance"].iloc[2] == 1200.0 and df.attrs["bk_fast"]["coerced"] == {}


def test_unknown_date_column_that_was_dates_is_text_in_a_later_chunk_with_no_date(monkeypatch):
    """Read in chunks by pandas' reader (no look-ahead), 'Dye date' (no known column) holds a date in the first
    chunk (dates) and '5' in the second: a column that held dates is no number column, so the second chunk keeps
    the text '5', not the number 5.0 (the widest reading found so far: once text, text)."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", False)
    chunks = list(bkio.read_erp(b"Desc#,Planning Balance,Dye date\n1,2,07/29/2025\n3,4,5\n5,6,7\n",
                                chunksize=1, optimize=False))
    assert chunks[0]["Dye date"].tolist() == [pd.Timestamp("2025-07-29")]
    assert chunks[1]["Dye date"].tolist() == ["5"] and chunks[2]["Dye date"].tolist() == ["7"]


def test_header_only_export_has_int64_ids(engine):
    """_id_values: 'With no rows, int64: no id is missing (a header-only export has the ids' dtype of a complete
    one)'; the number column of no rows is float64."""
    df = bkio.read_erp(b"Desc#,Planning Balance\n", optimize=False, engine=engine)
    assert len(df) == 0 and df["Desc#"].dtype == np.int64 and df["Planning Balance"].dtype == np.float64


def test_category_ratio_zero_and_sparse_ratio_one_are_accepted():
    """category_ratio may be 0 (never category: no count is below 0) and sparse_ratio 1 (only columns all 0 / NaN
    become sparse): both ends of their documented ranges."""
    df = pd.DataFrame({"t": pd.Series(["a"] * 6, dtype="str"), "z": np.zeros(6), "x": [0.0] * 5 + [0.1]})
    small, _ = optimize_memory(df, category_ratio=0.0)
    assert small["t"].dtype == df["t"].dtype
    small, report = optimize_memory(df, sparse_ratio=1.0)
    assert small["z"].dtype == pd.SparseDtype(np.float64, 0.0) and small["z"].sparse.to_dense().tolist() == [0.0] * 6
    assert small["x"].dtype == np.float64  # (0.1 is not exact in float32; 5 of 6 zeros is below 1.0)


@needs("pyarrow")
def test_whole_floats_stay_float32_when_the_integer_type_is_no_smaller():
    """pack=True: whole floats become the smallest integer type 'when that is smaller than float32'. 70000 needs
    int32, 4 bytes a value as float32 (exact for 1, 2 and 70000): no saving, so the column stays float32 (its
    arithmetic stays float). With 7 the values fit int8 (1 byte): int8."""
    df = pd.DataFrame({"x": [1.0, 2.0, 70000.0], "y": [1.0, 2.0, 7.0]})
    small, _ = optimize_memory(df, pack=True)
    assert small["x"].dtype == np.float32 and small["x"].tolist() == [1.0, 2.0, 70000.0]
    assert small["y"].dtype == np.int8 and small["y"].tolist() == [1, 2, 7]


@needs("pyarrow")
def test_a_chunk_filled_exactly_by_a_block_is_yielded_before_the_next_block_is_read(monkeypatch):
    """Chunked, pyarrow's reader yields a chunk as soon as chunksize rows are read: with 32-byte blocks the first
    block holds the 4 rows '1,2,007' (4 x 8 bytes), exactly one chunk, built before the block holding 'X' is read.
    So the unknown column 'Code' is typed from the rows read so far: numbers (7.0) in the first chunk, text from
    the chunk holding 'X' on (the documented reading of chunks before a column's first text)."""
    monkeypatch.setattr(bkio, "_ARROW_BLOCK", 32)
    text = b"Desc#,Planning Balance,Code\n" + b"1,2,007\n" * 4 + b"1,2,X\n" + b"1,2,008\n" * 3
    chunks = list(bkio.read_erp(text, chunksize=4, optimize=False))
    assert [c["Code"].tolist() for c in chunks] == [[7.0] * 4, ["X", "008", "008", "008"]]
    assert [c.index.tolist() for c in chunks] == [[0, 1, 2, 3], [4, 5, 6, 7]]


@pytest.mark.parametrize("arrow", ARROW)
def test_an_id_of_exactly_2_63_is_beyond_int64_and_kept_as_text(monkeypatch, arrow, engine):
    """int64 holds ids up to 2**63 - 1; 9223372036854775808 (2**63) is beyond it: the id column keeps it as its
    text beside 2**63 - 1 as an int (no OverflowError); normalize_ids keeps it as text too."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    df = bkio.read_erp(b"Desc#,Planning Balance\n9223372036854775808,1\n9223372036854775807,2\n", optimize=False,
                       engine=engine)
    assert df["Desc#"].tolist() == ["9223372036854775808", 2 ** 63 - 1]
    assert bkio.normalize_ids(pd.Series(["9223372036854775808", "9223372036854775807"]), engine=engine).tolist() == [
        "9223372036854775808", "9223372036854775807"]


def test_memory_report_prints_1024_bytes_as_one_kilobyte():
    """Units step up at 1024: 1023 B stays bytes, 1024 B is '1.0 KB'; 512 of 1024 saved is 50.0%."""
    empty = pd.DataFrame({"change": pd.Series([], dtype=object)})
    assert str(MemoryReport(empty, 1024, 512)) == "1.0 KB -> 512 B (50.0% saved, 0 of 0 columns changed)"
    assert str(MemoryReport(empty, 1023, 1023)) == "1023 B -> 1023 B (0.0% saved, 0 of 0 columns changed)"


def test_lossy_float32_rtol_zero_and_infinite():
    """rtol=0 is allowed (>= 0): with lossless=False only exact values narrow (0.5 yes, 0.1 no). rtol=inf allows
    any rounding but never a value beyond float32's range: 1e300 would become inf, so that column stays
    float64, while 0.1 and 3.3 narrow (to float32's nearest)."""
    df = pd.DataFrame({"exact": [0.5, 2.0], "tenth": [0.1, 2.0]})
    small, _ = optimize_memory(df, lossless=False, rtol=0.0)
    assert small["exact"].dtype == np.float32 and small["tenth"].dtype == np.float64
    big = pd.DataFrame({"huge": [1e300, 0.1], "fine": [0.1, 3.3]})
    small, _ = optimize_memory(big, lossless=False, rtol=float("inf"))
    assert small["huge"].dtype == np.float64 and small["huge"].tolist() == [1e300, 0.1]
    assert small["fine"].dtype == np.float32 and small["fine"].tolist() == [float(np.float32(0.1)),
                                                                           float(np.float32(3.3))]


def test_sparse_nullable_integers_down_to_minus_2_53_are_exact():
    """Nullable integers with <NA> reach the sparse dtype through float64, exact within -2**53..2**53 inclusive:
    -2**53 (exactly a float64) among 90 zeros, one <NA> and 2**53 makes a sparse column that converts back."""
    col = pd.array([0] * 90 + [None] + [-(2 ** 53), 2 ** 53], dtype="Int64")
    small, _ = optimize_memory(pd.DataFrame({"a": col}), sparse_ratio=0.5)
    assert isinstance(small["a"].dtype, pd.SparseDtype)
    back = small["a"].sparse.to_dense()
    assert back.iloc[-2] == -(2 ** 53) and back.iloc[-1] == 2 ** 53 and np.isnan(back.iloc[90])
    assert (back.iloc[:90] == 0).all()


@pytest.mark.parametrize("arrow", ARROW)
def test_text_detected_as_cp1252_with_an_undefined_byte_is_not_retried(monkeypatch, arrow):
    """The first lines hold 'caf\\xe9' (no UTF-8: cp1252 is guessed); a later 0x81 (undefined in cp1252) fails the
    read. Only a guessed UTF-8 is retried as cp1252; this one says the cp1252 text is not valid and to pass the
    encoding, with no retry warning."""
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^<stream>: not valid cp1252 text \(.*0x81.*\); pass the export's "
                                             r"encoding"):
            bkio.read_erp(b"Desc#,Description,Planning Balance\n1,caf\xe9,1\n2,x\x81,2\n")


def test_read_mill_keeps_int64_ids_reaching_2_53(tmp_path):
    """read_mill makes the BOM's Desc# float64 'when every id is below 2**53'; an id of exactly 2**53 is not
    below it, so the column stays int64 as read_erp reads it (below it, 18767: float64)."""
    (tmp_path / "BOM.csv").write_bytes(b"Style#,Desc#,BOM_Percentage,unit\nS,9007199254740992,0.5,lbs\n"
                                       b"S,1,0.5,lbs\n")
    bom = bkio.read_mill(tmp_path)["bom"]
    assert bom["Desc#"].dtype == np.int64 and bom["Desc#"].tolist() == [2 ** 53, 1]
    (tmp_path / "BOM.csv").write_bytes(b"Style#,Desc#,BOM_Percentage,unit\nS,18767,0.5,lbs\nS,1,0.5,lbs\n")
    bom = bkio.read_mill(tmp_path)["bom"]
    assert bom["Desc#"].dtype == np.float64 and bom["Desc#"].tolist() == [18767.0, 1.0]


@needs("pyarrow")
def test_number_category_needs_at_most_32766_distinct_values():
    """pack=True: numbers with at most 32,766 distinct values may become category. 32,767 distinct floats (i + 0.1,
    not exact in float32) over 98,301 rows stay float64: a category would need int32 codes (pandas' int16 codes
    stop below 32,767 categories). 32,766 distinct over 98,298 rows: category (int16 codes + the numbers, about
    0.46 MB against float64's 0.79 MB), every value kept."""
    for distinct, want_category in ((32_767, False), (32_766, True)):
        x = np.tile(np.arange(distinct) + 0.1, 3)
        small, _ = optimize_memory(pd.DataFrame({"x": x}), pack=True)
        assert isinstance(small["x"].dtype, pd.CategoricalDtype) is want_category
        if want_category:
            assert small["x"].cat.codes.dtype == np.int16
            assert np.array_equal(small["x"].astype(np.float64).to_numpy(), x)
        else:
            assert small["x"].dtype == np.float64

"""Review (rev41) of 95f0542 (spelled_missing on Arrow text) and 893d238 / e728b55 (StyleIndex work-center lists
and sorted hash lookups): regression guards with hand-computed answers on edge cases the commits' own tests do not
pin (text that only looks blank, Arrow arrays of several chunks, every key missing, one hash for every key)."""

import numpy as np
import pandas as pd
import pytest

import bk_fast.erp as erp
from bk_fast._validate import spelled_missing
from bk_fast.erp import StyleIndex, erp_capacity

from _optional import param

# (cell, spells a missing value): white space is what str.isspace reads (U+200B and U+FEFF are not), a dash alone
# with an optional "$" before it is an accounting zero, anything else inside the text counts
CELLS = [
    ("\u3000-\x1c", True), ("$\u2028-", True), ("$-", True), ("--", False), (" - - ", False), ("-$", False),
    ("N/A\n", True), ("\r\n", True), ("\u200b", False), ("\ufeffN/A", False), ("N/A\x00", False),
    ("N\n/A", False), ("\x85nan\xa0", True), ("$ $ -", False), ("x", False), ("NULL", True), ("", True),
]


def _arrow_series(kind: str, cells: list) -> pd.Series:
    if kind == "chunks":  # (three chunks, one of them empty)
        import pyarrow as pa

        ca = pa.chunked_array([pa.array(cells[:5], pa.string()), pa.array([], pa.string()),
                               pa.array(cells[5:], pa.string())])
        return pd.Series(pd.arrays.ArrowStringArray(ca))
    return pd.Series(cells, dtype=kind)


@pytest.mark.parametrize("kind", ["str", param("string[pyarrow]", "pyarrow"), param("chunks", "pyarrow"),
                                  "string[python]", "object"])
def test_spelled_missing_on_look_alike_text(kind):
    """Each cell's answer as written in CELLS (a missing cell: False), whichever way the text is held: the Arrow
    path (regex strip by the str.isspace class, is_in, the dash-zero pattern) must not read U+200B, U+FEFF or NUL
    as white space, nor a line break inside the text as an end, nor "--" as a dash zero."""
    cells = [c for c, _ in CELLS] + [None]
    want = [w for _, w in CELLS] + [False]
    got = spelled_missing(_arrow_series(kind, cells))
    assert got.dtype == bool
    assert got.tolist() == want
    # a slice of the column (Arrow offsets not at 0) reads the same cells
    assert spelled_missing(_arrow_series(kind, cells).iloc[3:9]).tolist() == want[3:9]


@pytest.mark.parametrize("kind", ["str", param("string[pyarrow]", "pyarrow")])
def test_spelled_missing_empty_and_all_missing(kind):
    """No cells: an empty bool array; only missing cells: all False (a missing cell spells nothing)."""
    empty = spelled_missing(pd.Series([], dtype=kind))
    assert empty.dtype == bool and empty.shape == (0,)
    assert spelled_missing(pd.Series([None, None], dtype=kind)).tolist() == [False, False]


CAP = pd.DataFrame({"Style": ["12/1", "12 /2", None, "FF 9/1", "12/1"], "lbs/day": [700.0, 300.0, 50.0, 450.0, 9.0]})
SWC = pd.DataFrame({"Style": ["12/1", "12/2", "FF9/1", None, "12/1", "12/1"],
                    "WC": ["A", "B", "C", "D", "A", "E"]})
QUERY = ["12/1", "12/2", "FF9/1", "12/7", "77/1", None]


def _hashes(how: str):
    real = erp._key_hashes
    if how == "zero":
        return lambda keys, engine=None: np.zeros(len(keys), dtype=np.uint64)
    if how == "mod3":
        return lambda keys, engine=None: real(keys, engine) % np.uint64(3)
    return real


@pytest.mark.parametrize("how", ["real", "zero", "mod3"])
def test_index_lookups_with_colliding_hashes(monkeypatch, engine, how):
    """Rates and work-center lists of an index built and read with the real hashes, one hash for every key, and
    hashes mod 3 (the lookups' second search and text comparison): exact "12/1"; "12 /2" meets "12/2" without
    spaces; "FF9/1" meets "FF 9/1" without spaces; "12/7" the base "12" (first row, 700); "77/1" and a missing
    style nothing. Work centers: "12/1" A, E (A once); "12/2" B; "FF9/1" C; "12/7" by base "12": A, B, E."""
    monkeypatch.setattr(erp, "_key_hashes", _hashes(how))
    index = StyleIndex(CAP, SWC, engine=engine)
    got = erp_capacity(QUERY, index)
    assert got["lbs_per_day"].tolist() == [700.0, 300.0, 450.0, 700.0, 616.0, 616.0]
    assert got["rate_source"].tolist() == ["exact", "without spaces", "without spaces", "same base", "default",
                                           "default"]
    lists = index._work_centers(np.array(QUERY, dtype=object))
    assert list(lists) == [["A", "E"], ["B"], ["C"], ["A", "B", "E"], None, None]
    assert list(erp._sched_work_centers(SWC, np.array(QUERY, dtype=object))) == list(lists)


@pytest.mark.parametrize("how", ["real", "zero"])
def test_index_of_tables_without_styles(monkeypatch, engine, how):
    """Tables whose every style is missing, and empty tables: every style falls back to the default rate and
    has no work centers (the empty hash level answers at once)."""
    monkeypatch.setattr(erp, "_key_hashes", _hashes(how))
    for cap, swc in [(pd.DataFrame({"Style": [None, np.nan], "lbs/day": [1.0, 2.0]}),
                      pd.DataFrame({"Style": [None], "WC": ["A"]})),
                     (CAP.iloc[:0], SWC.iloc[:0])]:
        index = StyleIndex(cap, swc, engine=engine)
        got = erp_capacity(["12/1", None, "x"], index)
        assert got["lbs_per_day"].tolist() == [616.0] * 3
        assert got["rate_source"].tolist() == ["default"] * 3
        assert list(index._work_centers(np.array(["12/1", None], dtype=object))) == [None, None]

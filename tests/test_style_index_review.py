"""Regression guards from a review (rev40) of the hashed ``erp.StyleIndex`` build (f313bc0): the level keys on
every white-space character ``str.isspace`` knows and on Arrow columns of several chunks and a slice offset, an
index shared by threads, a pickled index, and work centers of rows without a style. Each answer is computed by
hand and is the answer f313bc0^ gave too."""

from __future__ import annotations

import pickle
import threading

import numpy as np
import pandas as pd
import pytest

from bk_fast import erp
from bk_fast.erp import StyleIndex, erp_capacity

#: every character str.isspace knows: \t..\r, \x1c..\x1f, space, \x85, NBSP, \u1680, \u2000..\u200a,
#: \u2028, \u2029, \u202f, \u205f, \u3000 (5 + 5 + 2 + 1 + 11 + 2 + 3 = 29)
_SPACES = [c for c in map(chr, range(0x110000)) if c.isspace()]


def _storages() -> list[str]:
    """The storages of pandas' ``str`` here: pyarrow's when pandas keeps text in it, Python's always."""
    return ["pyarrow", "python"] if erp._sched_arrow(pd.Series(["a"], dtype="str")) else ["python"]


def test_every_white_space_character_is_dropped_and_the_base_cut():
    """``"A<c>B/<c>1"`` for each of the 29 white-space characters is ``"AB/1"`` without spaces and ``"AB"`` at
    the same base; ``"/x/y"`` cuts at its first ``/`` (``""``), ``"//"`` too, ``"\u65e5 /2"`` keeps its
    non-ASCII base; a missing value stays missing; dtype, index and name are kept (an Arrow column of two
    chunks, sliced, on pyarrow's storage)."""
    assert len(_SPACES) == 29
    values = [f"A{c}B/{c}1" for c in _SPACES] + [None, "/x/y", "//", "\u65e5 /2", "plain"]
    nospace = ["AB/1"] * 29 + [None, "/x/y", "//", "\u65e5/2", "plain"]
    base = ["AB"] * 29 + [None, "", "", "\u65e5", "plain"]
    for storage in _storages():
        dtype = pd.StringDtype(storage, na_value=np.nan)
        col = pd.Series(["pad"] + values, dtype=dtype).iloc[1:]
        if storage == "pyarrow":
            import pyarrow as pa

            data = col.array.__arrow_array__().combine_chunks().slice(0)
            chunks = pa.chunked_array([data.slice(0, 10), data.slice(10)], type=data.type)
            col = pd.Series(pd.arrays.ArrowStringArray(chunks, dtype=dtype), index=col.index)
            assert col.array.__arrow_array__().num_chunks == 2
        col = col.rename("Style")
        for lv, want in ((0, values), (1, nospace), (2, base)):
            got = erp._sched_key(col, lv)
            assert got.dtype == dtype and got.index.equals(col.index) and got.name == "Style", (storage, lv)
            assert [None if pd.isna(v) else v for v in got] == want, (storage, lv)


def test_capacity_of_styles_written_with_every_white_space_character(engine):
    """Table ``"FF 10006/0001"`` (450) and ``"125792/1"`` (700): each query with one white-space character in
    place of the space (or added to ``125792/1``) is found without spaces, ``"125792/9\\t"`` at the same base;
    the index (built on each engine) answers as the table does."""
    cap = pd.DataFrame({"Style": ["FF 10006/0001", "125792/1"], "lbs/day": [450.0, 700.0]})
    query = [f"FF{c}10006/0001" for c in _SPACES] + [f"125792/1{c}" for c in _SPACES] + ["125792/9\t"]
    index = StyleIndex(cap, engine=engine)
    out = erp_capacity(query, index)
    want_rate = [450.0] * 29 + [700.0] * 29 + [700.0]
    # (the plain space is the table's own text: exact)
    want_how = ["exact" if c == " " else "without spaces" for c in _SPACES] + ["without spaces"] * 29 + ["same base"]
    assert out["lbs_per_day"].tolist() == want_rate
    assert out["rate_source"].tolist() == want_how
    pd.testing.assert_frame_equal(out, erp_capacity(query, cap))


def test_one_index_shared_by_eight_threads(engine):
    """Eight threads look up through one index at once (the hashing kernel runs without the GIL): each gets
    the rates a lookup alone gives (row i's style ``S<i>/1`` at 100 + i exact; ``S<i> /7`` at the same base;
    ``nope`` the default)."""
    n = 2000
    cap = pd.DataFrame({"Style": [f"S{i}/1" for i in range(n)], "lbs/day": 100.0 + np.arange(n)})
    index = StyleIndex(cap, engine=engine)
    errors: list = []

    def work(k: int) -> None:
        try:
            for step in range(5):
                i = np.arange(k * 31 + step, n, 97)
                query = [f"S{j}/1" for j in i] + [f"S{j} /7" for j in i] + ["nope"]
                out = erp_capacity(query, index)
                assert out["lbs_per_day"].tolist() == [100.0 + j for j in i] * 2 + [616.0]
                assert out["rate_source"].tolist() == ["exact"] * len(i) + ["same base"] * len(i) + ["default"]
        except Exception as exc:  # noqa: BLE001 - (reported by the main thread)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_pickled_index_answers_the_same(engine):
    """A pickled and unpickled index keeps its engine and gives the same rates and work centers: 125792/1 exact
    (700, the first of its rows), FF10006/0001 without spaces (450), 125792/9 at the same base with every work
    center of the 125792 versions."""
    cap = pd.DataFrame({"Style": ["125792/1", "FF 10006/0001", "125792/2", "125792/1"],
                        "lbs/day": [700.0, 450.0, 800.0, 999.0]})
    swc = pd.DataFrame({"Style": ["125792/1", "125792/1", "FF 10006/0001", "125792/3"],
                        "WC": ["9.38.20.F", "9.30.18.F", "9.30.18.F", "9.40.22.F"]})
    index = pickle.loads(pickle.dumps(StyleIndex(cap, swc, engine=engine)))
    assert index._capacity.engine == engine and index._work_center.engine == engine
    out = erp_capacity(["125792/1", "FF10006/0001", "125792/9"], index)
    assert out["lbs_per_day"].tolist() == [700.0, 450.0, 700.0]
    assert out["rate_source"].tolist() == ["exact", "without spaces", "same base"]
    query = np.array(["125792/1", "125792/9"], dtype=object)
    assert index._work_centers(query).tolist() == [["9.38.20.F", "9.30.18.F"],
                                                   ["9.38.20.F", "9.30.18.F", "9.40.22.F"]]


@pytest.mark.parametrize("dtype", ["object", "str"])
def test_work_centers_of_rows_without_a_style_are_never_listed(dtype):
    """Rows with no style (their work centers W9 and 1.0) belong to no key; a key of one row (``"A "``) lists
    its one work center; the two rows of ``A`` with W1 list it once; at the same base ``A/7`` lists every
    version's in table order (W1, then 1 of ``"A "``, then W2 of ``A/2``). As the tables give them."""
    swc = pd.DataFrame({"Style": pd.Series([None, "A", "A", "A ", "A/2", None], dtype=dtype),
                        "WC": pd.Series(["W9", "W1", "W1", 1, "W2", 1.0], dtype=object)})
    query = np.array(["A", "A ", "A/7", "B"], dtype=object)
    got = StyleIndex(swc.assign(**{"lbs/day": 1.0}), swc)._work_centers(query).tolist()
    assert got == [["W1"], [1], ["W1", 1, "W2"], None]
    assert [None if g is None else [type(v) for v in g] for g in got] == [[str], [int], [str, int, str], None]
    assert got == erp._sched_work_centers(swc, query).tolist()

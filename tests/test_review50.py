"""Review of 3ece6e7, a4657af, 3b794fd and c048dbe (rev50): pins of behaviour checked against the parent
commits. No defect was found; these tests fix the verified answers at the edges the commits touch (whole float
items of an object BOM near 2**53, negative and -0.0, found by integer ids in every engine and path; the
4,096-value blocks of ``_ints_or_bools``; ``_as_declared`` with NumPy bool / int declarations)."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import segments
from bk_fast.segments import segmented_cumsum


def _mixed_bom(parents, phantom=None):
    """A BOM of float parents (kept float: 1.5 is among them) over object integer components 12, 5, 7...;
    each line's qty_per is 2."""
    comps = pd.Series([12, 5, 7, 8, 9, 10][:len(parents)], dtype=object)
    lines = pd.DataFrame({"parent": parents, "component": comps, "qty_per": [2.0] * len(parents)})
    return bk_fast.BOM.from_frame(lines, phantom=phantom) if phantom is not None else bk_fast.BOM.from_frame(lines)


_EDGE_PARENTS = [3.0, 1.5, -3.0, -0.0, float(2 ** 53 - 1), float(2 ** 53)]


def test_integer_ids_find_whole_float_items_through_the_index():
    """c048dbe: negative whole float items make the integer lookup a hash index (not the dense table); the
    integer ids 3, -3, 0 and 2**53 - 1 find the float items 3.0, -3.0, -0.0 and 2.0**53 - 1, while 2**53 does not
    find the float item 2.0**53 (float64 cannot tell it from 2**53 + 1, as for a float64 BOM); a float id does.
    A list and an int64 array give the same codes, and so does a pickled copy of the BOM."""
    bom = _mixed_bom(_EDGE_PARENTS)
    assert bom.items.tolist()[:6] == _EDGE_PARENTS
    assert bom.codes([3, -3, 0, 2 ** 53 - 1, 2 ** 53, 4]).tolist() == [0, 2, 3, 4, -1, -1]
    ints = np.array([3, -3, 0, 2 ** 53 - 1, 2 ** 53], dtype=np.int64)
    assert bom.codes(ints).tolist() == [0, 2, 3, 4, -1]
    assert pickle.loads(pickle.dumps(bom)).codes(ints).tolist() == [0, 2, 3, 4, -1]
    assert bom.codes([3.0, -3.0, 0.0, float(2 ** 53)]).tolist() == [0, 2, 3, 5]


def test_integer_demand_explodes_whole_float_items(engine):
    """c048dbe, every engine: an int64 demand [3, -3, 0, 2**53 - 1, 2**53] explodes through the float parents
    3.0, -3.0, -0.0 and 2.0**53 - 1 (qty_per 2: 2, 4, 6, 8 of their components 12, 7, 8, 9); 2**53 is the one
    unmatched line, in the aggregate and the by-line explosion."""
    bom = _mixed_bom(_EDGE_PARENTS)
    demand = pd.DataFrame({"item": np.array([3, -3, 0, 2 ** 53 - 1, 2 ** 53], dtype=np.int64),
                           "qty": [1.0, 2.0, 3.0, 4.0, 5.0]})
    out = bom.explode(demand, engine=engine)
    assert out["item"].tolist() == [12, 7, 8, 9] and out["item"].dtype == np.int64
    assert out["qty"].tolist() == [2.0, 4.0, 6.0, 8.0]
    assert out.bk_fast.unmatched.to_dict("list") == {"item": [2 ** 53], "qty": [5.0], "lines": [1]}
    lines = bom.explode(demand, engine=engine, by_line=True)
    assert lines.to_dict("list") == {"line": [0, 1, 2, 3], "item": [12, 7, 8, 9], "qty": [2.0, 4.0, 6.0, 8.0]}


def test_dense_table_finds_whole_float_parent(engine):
    """c048dbe, every engine: small non-negative items take the dense id -> code table (the fused
    ``bom_accumulate_ids`` path); the int64 demand [3, 3, 1, 12] finds the float parent 3.0 (3 units: 6 of 12,
    plus 4 of 12 itself), 1 is unmatched, and the reported parent keeps its float id 3.0 (object items)."""
    bom = _mixed_bom([3.0, 1.5])
    assert bom._lookup is not None and bom._lookup.table is not None
    demand = pd.DataFrame({"item": np.array([3, 3, 1, 12], dtype=np.int64), "qty": [1.0, 2.0, 3.0, 4.0]})
    out = bom.explode(demand, engine=engine, leaves_only=False)
    assert out.to_dict("list") == {"item": [3.0, 12], "qty": [3.0, 10.0], "level": [0, 1], "leaf": [False, True]}
    assert [type(x) for x in out["item"]] == [float, int]
    assert out.bk_fast.unmatched.to_dict("list") == {"item": [1], "qty": [3.0], "lines": [1]}


def test_phantom_named_by_whole_float_id():
    """c048dbe: a phantom given as the whole float 3.0 (read as the integer 3) is the BOM's float item 3.0 (at
    the parent commit: 'phantom items not in the BOM'). One unit of 3.0 gives 2 of 12 (qty_per 2) and 2 * 3 = 6
    of 5 (12 -> 5, qty_per 3); the phantom itself is not reported."""
    lines = pd.DataFrame({"parent": [3.0, 1.5, 12.0], "component": pd.Series([12, 5, 5], dtype=object),
                          "qty_per": [2.0, 2.0, 3.0]})
    bom = bk_fast.BOM.from_frame(lines, phantom=[3.0])
    assert bom.is_phantom[bom.codes([3.0])].tolist() == [True]
    out = bom.explode(pd.DataFrame({"item": [3.0], "qty": [1.0]}), leaves_only=False)
    assert out["item"].tolist() == [12, 5] and out["qty"].tolist() == [2.0, 6.0]


def test_dask_explode_matches_memory_for_whole_float_item(monkeypatch):
    """c048dbe in bk_fast.dask.explode: a float demand [3.0, nan, 1.5, nan] over a BOM with float parents 3.0
    and 1.5 beside integer components gives the in-memory answer for 1 and 2 partitions (a partition [3.0]
    alone is read as the integer 3 and still finds 3.0), aggregate and by line, unmatched included."""
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    import bk_fast.dask as bkd

    monkeypatch.setattr(bkd, "_client", lambda: None)
    monkeypatch.setitem(dask.config.config, "scheduler", "sync")

    bom = _mixed_bom([3.0, 1.5])
    df = pd.DataFrame({"item": [3.0, np.nan, 1.5, np.nan], "qty": [1.0, 2.0, 3.0, 4.0]})
    for by_line in (False, True):
        mem = bom.explode(df, by_line=by_line)
        for n in (1, 2, 4):
            got = bkd.explode(dd.from_pandas(df, npartitions=n, sort=False), bom, by_line=by_line).compute()
            pd.testing.assert_frame_equal(got.reset_index(drop=True), mem.reset_index(drop=True))
            pd.testing.assert_frame_equal(got.bk_fast.unmatched, mem.bk_fast.unmatched)
    assert bom.explode(df).to_dict("list") == {"item": [12, 5], "qty": [2.0, 6.0]}


@pytest.mark.parametrize("pos", [1, 4095, 4096, 4097, 9000])
@pytest.mark.parametrize(("cell", "want"), [("x", False), (1.5, False), ([1], False), (np.nan, True),
                                            (None, True), (True, True)])
def test_ints_or_bools_blocks(pos, cell, want):
    """a4657af: the types are read 4,096 values at a time; the answer does not depend on which block holds
    the deciding value: ints with one text, one 1.5 or one list at ``pos`` are not ints only; with one NaN,
    None or True there they are (as the one-pass reading of the parent answered)."""
    raw = np.array(list(range(9001)), dtype=object)
    raw[pos] = cell
    assert segments._ints_or_bools(raw) is want


def test_ints_or_bools_missing_before_text_in_a_later_block():
    """a4657af: a NaN in the first block and text in the second: not ints only (the first block passes, the
    second settles it), as the one-pass reading answered; segmented_cumsum then cleans the text as numbers."""
    raw = np.array([1, np.nan] + [2] * 4200 + ["3"], dtype=object)
    assert segments._ints_or_bools(raw) is False
    raw[-1] = None
    assert segments._ints_or_bools(raw) is True
    out = segmented_cumsum(np.array([1, True, None, 2], dtype=object), np.zeros(4, dtype=np.int64))
    assert np.isnan(out[2]) and [out[0], out[1], out[3]] == [1.0, 2.0, 4.0]


def test_as_declared_keeps_missing_values_from_numpy_bool_and_ints():
    """3b794fd: a column of missing values only is not cast to a declared NumPy bool / int64 (NaN would become
    True / raise) but is cast to a declared float64 or str; an empty column takes any declared dtype."""
    pytest.importorskip("dask")
    from bk_fast.dask import _as_declared

    meta = pd.DataFrame({"b": pd.Series([], dtype=bool), "i": pd.Series([], dtype=np.int64),
                         "f": pd.Series([], dtype=np.float64)})
    frame = pd.DataFrame({"b": [np.nan, np.nan], "i": [None, None], "f": pd.Series([None, None], dtype=object)})
    got = _as_declared(frame, meta)
    assert got["b"].dtype == np.float64 and got["b"].isna().all()
    assert got["i"].dtype == object and got["i"].isna().all()
    assert got["f"].dtype == np.float64 and got["f"].isna().all()
    empty = _as_declared(frame.iloc[:0], meta)
    assert empty.dtypes.tolist() == [np.dtype(bool), np.dtype(np.int64), np.dtype(np.float64)]


@pytest.mark.parametrize("styles", [[3.0], [3], ["3"], ["3.0"]])
def test_yarn_requirements_find_whole_float_style(engine, styles):
    """c048dbe through bk_fast.erp.yarn_requirements, every engine: a BOM with the float styles 3.0 and 1.5 over
    integer yarns; a knit order for style 3.0, 3, "3" or "3.0" (each read as the integer 3) finds the style
    3.0 (0.5 lbs of yarn 18767 per lb: 5 of a 10 lb balance) with nothing unmatched; at the parent commit every
    one was unmatched, while [3, 1.5] (kept float) matched."""
    from bk_fast.erp import yarn_requirements

    lines = pd.DataFrame({"parent": [3.0, 1.5], "component": pd.Series([18767, 18929], dtype=object),
                          "qty_per": [0.5, 1.0]})
    bom = bk_fast.BOM.from_frame(lines)
    kos = pd.DataFrame({"Order #": ["K0"], "Style #": styles, "Balance (lbs)": [10.0]})
    res = yarn_requirements(kos, bom, engine=engine)
    assert res.by_order["Desc#"].tolist() == [18767] and res.by_order["lbs"].tolist() == [5.0]
    assert len(res.unmatched) == 0


def test_integer_id_beside_bool_item_independent_of_other_lines():
    """Lines 2 -> True and 'A' -> 1 (object ids) compile to the items [2, 'A', True]: the component 1 is merged
    into True. Whether the demand id 1 is found must not depend on the other demand lines: codes([1]) gives -1,
    codes([1, 'A']) finds it (2)."""
    lines = pd.DataFrame({"parent": pd.Series([2, "A"], dtype=object),
                          "component": pd.Series([True, 1], dtype=object), "qty_per": [1.0, 1.0]})
    bom = bk_fast.BOM.from_frame(lines)
    assert bom.codes([1]).tolist()[0] == bom.codes([1, "A"]).tolist()[0] == 2  # (was -1 alone: session 28)


@pytest.mark.parametrize("ids", ["int64", "object"])
@pytest.mark.parametrize("demand", [[True], [np.True_], np.array([True]), pd.Series([True, True])])
def test_bool_demand_id_finds_the_integer_item_alone_too(demand, ids):
    """A demand of bool ids alone (True) missed the integer item 1 of a BOM of integer ids, which [True, 'zz']
    found: pandas compares all-bool ids with no integer id, ids mixed with text by ==. True is the integer id 1
    in both now (session 28), as the BOM's own bool items are found by integer ids."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": pd.Series([1, 2], dtype=ids),
                                               "component": pd.Series([7, 8], dtype=ids), "qty_per": [2.0, 3.0]}))
    assert bom.codes(demand).tolist()[0] == bom.codes([True, "zz"]).tolist()[0] == bom.codes([1]).tolist()[0] == 0
    out = bom.explode(pd.DataFrame({"item": demand, "qty": 1.0}))
    assert out["item"].tolist() == [7] and out["qty"].tolist() == [2.0 * len(demand)]

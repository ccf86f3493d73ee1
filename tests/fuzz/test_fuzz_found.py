"""Bugs the hardening work found in capabilities owned by others, every one fixed since: each test here is a
regression test of its fix, the comment above it naming the bug (what failed, and how) and the fix.

A bug found and not fixed yet is added as a strict xfail naming it precisely
(``pytest.mark.xfail(strict=True, reason=...)``): it starts failing the suite, as XPASS, the day it is fixed;
the marker then goes and the comment says what was fixed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from _harness import AVAILABLE, module_or_skip

import bk_fast


# fixed by netting in 429f2c6 (was: order_counts overflowing int64 to -9223372036854775807): kept as a regression test
@pytest.mark.parametrize("eng", AVAILABLE)
def test_net_requirements_order_count_overflow(eng):
    module_or_skip("bk_fast.netting")
    from bk_fast.lots import MinMaxMultiple

    gross = np.array([[1e308, 20.0, 30.0, 40.0], [0.0, 140.0, 0.0, 16.0]])
    try:
        res = bk_fast.net_requirements(gross, 3.0, lot=MinMaxMultiple(50, 100, 25), lead_time=1, engine=eng)
        counts = res.order_counts
        _ = res.orders
    except ValueError as exc:
        assert "repeats may not contain negative values" not in str(exc)
        return
    assert (counts >= 0).all(), f"negative order counts {counts.tolist()}"


_WORKQUEUE = textwrap.dedent("""
    import threading, numpy as np, bk_fast
    from bk_fast.lots import WagnerWhitin
    g = np.abs(np.random.default_rng(0).normal(size=(64, 200))) * 10
    bk_fast.net_requirements(g, 0.0, lot=WagnerWhitin(setup=30, holding=1), engine="numba")
    barrier = threading.Barrier(8)
    def work():
        barrier.wait()
        for _ in range(20):
            bk_fast.net_requirements(g, 0.0, lot=WagnerWhitin(setup=30, holding=1), engine="numba")
    threads = [threading.Thread(target=work) for _ in range(8)]
    [t.start() for t in threads]; [t.join() for t in threads]
    print("OK")
""")


def _assert_ok_under_workqueue(code: str):
    """Run ``code`` in a fresh interpreter under numba's workqueue threading layer: it must exit 0 and print OK
    (a process abort cannot take the test run down with it)."""
    env = dict(os.environ, NUMBA_THREADING_LAYER="workqueue")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr[-500:]


# fixed by netting in 3388b4b (was: process abort under the workqueue layer): kept as a regression test
def test_numba_parallel_kernels_from_threads_under_workqueue(tmp_path):
    module_or_skip("bk_fast.netting")
    if "numba" not in AVAILABLE:
        pytest.skip("numba unavailable")
    _assert_ok_under_workqueue(_WORKQUEUE)


# fixed (bom): ids beyond int64 are plain hashable ids (was an OverflowError)
@pytest.mark.parametrize("bad", [10 ** 19, 2 ** 64, 1e308])
def test_bom_numeric_id_outside_int64(bad):
    module_or_skip("bk_fast.bom")
    import pandas as pd

    lines = pd.DataFrame({"parent": [bad, "FG"], "component": ["SUB", "Y1"], "qty_per": [2.0, 0.5]})
    try:
        bk_fast.BOM.from_frame(lines)
    except (ValueError, TypeError) as exc:
        assert "parent" in str(exc)


# fixed (bom): strided demand columns are made contiguous before the kernels (was a cython-only ValueError)
@pytest.mark.parametrize("ids", ["integer", "text"])
def test_bom_explode_strided_demand_on_cython(ids):
    module_or_skip("bk_fast.bom")
    import pandas as pd

    if "cython" not in AVAILABLE:
        pytest.skip("cython engine unavailable")
    lines = pd.DataFrame({"Style#": [1, 1, 2, 2, 3], "Desc#": [2, 3, 10, 11, 10],
                          "BOM_Percentage": [2.0, 1.0, 0.5, 0.25, 3.0]})
    demand = pd.DataFrame({"item": [1, 2, 3, 1], "qty": [10.0, 4.0, 1.0, 2.5]}).iloc[::-1]
    if ids == "text":
        lines = lines.astype({"Style#": str, "Desc#": str})
        demand = pd.DataFrame({"item": ["1", "2", "3", "1"], "qty": [10.0, 4.0, 1.0, 2.5]}).iloc[::-1]
    bom = bk_fast.BOM.from_frame(lines)
    expected = bom.explode(demand, engine="numpy")
    pd.testing.assert_frame_equal(bom.explode(demand, engine="cython"), expected)


# fixed (erp/bom; was: ValueError 'qty must be finite', naming neither the column nor the knit order/row)
@pytest.mark.parametrize("bad", [float("inf"), "1e400", float("-inf")])
def test_erp_yarn_requirements_infinite_balance_names_column(bad):
    erp = module_or_skip("bk_fast.erp")
    import pandas as pd

    mill = bk_fast.datasets.make_mill(scale=0.02, seed=3)
    ko = mill["knit_orders"].copy()
    vals = ko["Balance (lbs)"].tolist()
    vals[1] = bad
    ko["Balance (lbs)"] = pd.Series(vals, index=ko.index, dtype=object if isinstance(bad, str) else None)
    order = ko["Order #"].iloc[1]
    for open_only in (False, True):
        with pytest.raises(ValueError, match=rf"'Balance \(lbs\)' row {ko.index[1]!r} .*{order}.*not a finite"):
            erp.yarn_requirements(ko, mill["bom"], open_only=open_only)


# fixed (erp; was: TypeError "ufunc 'bitwise_and' not supported" from `[...] & open_` on an empty list; the
# machine table's lbs/setup_days were int64 when no job was placed, rate_source object when empty)
def test_erp_schedule_knit_orders_empty_orders():
    erp = module_or_skip("bk_fast.erp")
    mill = bk_fast.datasets.make_mill(scale=0.02, seed=3)
    args = (mill["machines"], mill["style_capacity"], mill["style_work_center"])
    full = erp.schedule_knit_orders(mill["knit_orders"], *args, start="2025-09-01")
    for kw in ({}, {"keep_assigned": False}, {"priority": None}):
        empty = erp.schedule_knit_orders(mill["knit_orders"].iloc[:0], *args, start="2025-09-01", **kw)
        assert len(empty.jobs) == 0 and empty.unscheduled.empty and empty.late.empty
        assert len(empty.machines) == len(mill["machines"])
        assert (empty.machines["jobs"] == 0).all() and (empty.machines["lbs"] == 0).all()
        for table in ("jobs", "machines"):
            got, want = getattr(empty, table), getattr(full, table)
            assert list(got.columns) == list(want.columns)
            assert got.dtypes.astype(str).to_dict() == want.dtypes.astype(str).to_dict(), table


# fixed (bom; was: ValueError 'assignment destination is read-only': bom.py wrote into the read-only mask
# pandas 3 hands out)
@pytest.mark.parametrize("blank", ["", " ", None])
def test_bom_blank_text_id_in_mixed_column(blank):
    module_or_skip("bk_fast.bom")
    import pandas as pd

    lines = pd.DataFrame({"Style#": pd.Series([blank, 1, 2, 2, 3], dtype=object), "Desc#": [2, 3, 10, 11, 10],
                          "BOM_Percentage": [2.0, 1.0, 0.5, 0.25, 3.0]})
    with pytest.raises(ValueError, match=r"'Style#' has empty ids at rows \[0\]"):
        bk_fast.BOM.from_frame(lines)


# fixed by netting in 429f2c6 (was: NaN in res.projected without an error): kept as a regression test
@pytest.mark.parametrize("where", ["qty_per", "demand"])
def test_mrp_overflow_is_not_a_silent_nan(where):
    module_or_skip("bk_fast.netting")
    import pandas as pd

    lines = pd.DataFrame({"parent": ["FG", "FG", "SUB", "SUB", "FG2"], "component": ["SUB", "Y1", "Y2", "Y1", "Y2"],
                          "qty_per": [1e308 if where == "qty_per" else 2.0, 0.5, 3.0, 0.25, 1.0]})
    demand = pd.DataFrame({"item": ["FG", "FG", "FG2", "SUB"], "week": [1, 3, 2, 0],
                           "qty": [1e308 if where == "demand" else 100.0, 50.0, 7.0, 1.0]})
    for eng in AVAILABLE:
        bom = bk_fast.BOM.from_frame(lines, engine=eng)
        try:
            res = bk_fast.mrp(demand, bom, on_hand={"FG": 30.0, "Y1": 10.0}, lead_time={"FG": 1, "Y1": 2},
                              periods=[0, 1, 2, 3], engine=eng)
        except ValueError:
            continue
        assert not np.isnan(res.projected).any(), f"{eng}: NaN in projected"


# fixed (bom; was: the same read-only mask error): a blank demand id is a missing id, reported as unmatched
# like None (documented: "demand whose item is missing or not in the BOM")
@pytest.mark.parametrize("blank", ["", " ", None])
@pytest.mark.parametrize("eng", AVAILABLE)
def test_bom_explode_blank_item_in_mixed_demand(blank, eng):
    module_or_skip("bk_fast.bom")
    import pandas as pd

    bom = bk_fast.BOM.from_frame(pd.DataFrame({"Style#": [1, 1, 2], "Desc#": [2, 3, 10],
                                               "BOM_Percentage": [2.0, 1.0, 0.5]}))
    demand = pd.DataFrame({"item": pd.Series([blank, 2, 1], dtype=object), "qty": [10.0, 4.0, 1.0]})
    for by_line in (False, True):
        out = bom.explode(demand, by_line=by_line, engine=eng)
        assert out["qty"].sum() == 4.0  # lines 1 and 2 only (item 2 is Style# 2 and Desc# 2: 1 -> 2 -> 10)
        um = out.bk_fast.unmatched
        assert um["qty"].tolist() == [10.0] and um["lines"].tolist() == [1] and pd.isna(um["item"].iloc[0])


_WORKQUEUE_BOM = textwrap.dedent("""
    import threading, numpy as np, pandas as pd, bk_fast
    n = 5000  # >= 4096 demanded items: the prange path of bom_unit_count / bom_unit_explode (main thread)
    lines = pd.DataFrame({"parent": np.repeat(np.arange(n), 2), "component": np.tile([10**6, 10**6 + 1], n),
                          "qty_per": np.ones(2 * n)})
    bom = bk_fast.BOM.from_frame(lines)
    demand = pd.DataFrame({"item": np.arange(n), "qty": np.ones(n)})
    bom.explode(demand, by_line=True, engine="numba")
    barrier = threading.Barrier(8)
    def work():
        barrier.wait()
        for _ in range(10):
            bom.explode(demand, by_line=True, engine="numba")
    threads = [threading.Thread(target=work) for _ in range(8)]
    [t.start() for t in threads]; [t.join() for t in threads]
    print("OK")
""")


# fixed (bom, numba engine; was: the parallel=True by-line kernels aborted the process, "Numba workqueue
# threading layer is terminating: Concurrent access has been detected"): off the main thread they run serially
# unless the threading layer is thread-safe (omp/tbb); see also test_threads.py
def test_bom_parallel_by_line_from_threads_under_workqueue():
    module_or_skip("bk_fast.bom")
    if "numba" not in AVAILABLE:
        pytest.skip("numba unavailable")
    _assert_ok_under_workqueue(_WORKQUEUE_BOM)


# found by the long fuzz run (erp.yarn_demand_report, target yarn_po; was: "past_due: item np.int64(10081) is
# infinite", naming neither the column nor the row): an infinite past-due cell names the column and row, finite
# rows of one yarn adding up to inf name the column and the yarn
@pytest.mark.parametrize("bad", [float("inf"), "1e400", "sum"])
def test_erp_yarn_demand_report_infinite_past_due_names_column(bad):
    erp = module_or_skip("bk_fast.erp")
    import pandas as pd

    mill = bk_fast.datasets.make_mill(scale=0.02, seed=3)
    ids = mill["yarn_inventory"]["Desc#"].to_numpy()[:5]
    demand = pd.DataFrame({"Desc#": ids, "This Week": np.linspace(0, 400, len(ids)),
                           "Week 36": np.linspace(50, 10, len(ids)), "Later": 1.0})
    po = mill["yarn_po"].copy()
    col = "Unscheduled or Past Due"
    if bad == "sum":
        po[col] = 0.0
        po.loc[po.index[:2], col] = 1e308
        po.loc[po.index[:2], "Desc#"] = po["Desc#"].iloc[0]
        match = rf"'{col}': the rows of Desc# {int(po['Desc#'].iloc[0])} add up"
    else:
        po[col] = po[col].astype(object)
        po.loc[po.index[1], col] = bad
        match = rf"'{col}' row {po.index[1]!r} .*not a finite quantity"
    for eng in AVAILABLE:
        with pytest.raises(ValueError, match=match):
            erp.yarn_demand_report(mill["yarn_inventory"], demand, po, engine=eng)


# found by the second long fuzz run (erp.yarn_requirements, target bom; was: TypeError "'<' not supported between
# instances of 'str' and 'int'" sorting by_yarn): yarn ids of mixed kinds sort numbers first, then text
def test_erp_yarn_requirements_mixed_yarn_id_kinds():
    erp = module_or_skip("bk_fast.erp")
    import pandas as pd

    bom = pd.DataFrame({"Style#": ["A", "A", "B", "B"], "Desc#": pd.Series([10130, "x1", 10003, " a2"], dtype=object),
                        "BOM_Percentage": [0.5, 0.5, 0.25, 0.75]})
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["A", "B"], "Balance (lbs)": [100.0, 40.0]})
    for eng in AVAILABLE:
        res = erp.yarn_requirements(kos, bom, engine=eng)
        assert res.by_yarn["Desc#"].tolist() == [10003, 10130, "a2", "x1"]
        assert res.by_yarn["lbs"].tolist() == [10.0, 50.0, 30.0, 50.0]
        assert res.by_yarn["orders"].tolist() == [1, 1, 1, 1]


# found by the long fuzz run (erp.allocate_knit_orders: "invalid value encountered in cast"): an infinite
# yarn id in the inventory was cast to int64 (wrapping to a garbage id); it now keeps the ids as they are, so
# the infinite row matches no BOM yarn and the other yarns are allocated as without it
def test_erp_allocate_knit_orders_infinite_yarn_id(mill):
    erp = module_or_skip("bk_fast.erp")
    import warnings

    import pandas as pd

    inv = mill["yarn_inventory"].copy()
    inv["Desc#"] = inv["Desc#"].astype(float)
    inv.loc[inv.index[0], "Desc#"] = np.inf
    today = bk_fast.datasets.REFERENCE_DATE  # (not the clock's: the two calls could fall either side of midnight)
    for eng in AVAILABLE:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            res = erp.allocate_knit_orders(mill["knit_orders"], mill["bom"], inv, today=today, engine=eng)
        without = erp.allocate_knit_orders(mill["knit_orders"], mill["bom"], inv.iloc[1:], today=today, engine=eng)
        pd.testing.assert_frame_equal(res.orders, without.orders)

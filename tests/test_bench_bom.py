"""Quick pytest-benchmark runs of the BOM suites (smoke tests with --benchmark-disable in CI); every baseline
is checked to give the numbers it is compared with."""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

import bk_fast  # noqa: E402
from benchmarks import bench_bom as bb  # noqa: E402
from bk_fast import BOM  # noqa: E402

ITEMS = 5_000
LINES = 20_000


@pytest.fixture(scope="module")
def four_level():
    bom = bb.four_level_bom(ITEMS, seed=2)
    return bom, bb.demand_lines(bom, LINES, seed=3)


@pytest.fixture(scope="module")
def reference(four_level):
    bom, demand = four_level
    return BOM.from_frame(bom, engine="numpy").explode(demand, engine="numpy").set_index("item")["qty"]


def _same(got: pd.Series, ref: pd.Series):
    assert sorted(got.index) == sorted(ref.index)
    np.testing.assert_allclose(got.reindex(ref.index).to_numpy(), ref.to_numpy(), rtol=1e-9)


def test_four_level_shape(four_level):
    bom, demand = four_level
    compiled = BOM.from_frame(bom)
    assert compiled.n_levels == 4 and compiled.n_items <= ITEMS
    assert demand["item"].isin(bom["parent"]).all()


def test_pandas_baseline_matches(four_level, reference):
    bom, demand = four_level
    got = bb.explode_pandas(bom, pd.Index(pd.unique(bom["parent"])), demand)
    _same(got.set_index("item")["qty"], reference)


def test_polars_baseline_matches(four_level, reference):
    pl = pytest.importorskip("polars")
    bom, demand = four_level
    got = bb.explode_polars(pl.from_pandas(bom), pl.Series(pd.unique(bom["parent"])), pl.from_pandas(demand))
    _same(got.to_pandas().set_index("item")["qty"], reference)


def test_duckdb_baseline_matches(four_level, reference):
    pytest.importorskip("duckdb")
    bom, demand = four_level
    got = bb.explode_duckdb(bb.duckdb_connection(bom), demand)
    _same(got.set_index("item")["qty"], reference)


def test_knit_order_baselines_match():
    mill = bk_fast.datasets.make_mill(scale=0.3, seed=4)
    kos, bom = mill["knit_orders"], mill["bom"]
    clean = bb.clean_bom(bom)
    ours = bk_fast.erp.yarn_requirements(kos, bom)
    loop = bb.yarn_iterrows(kos, clean)
    key = ["Order #", "Desc#"]
    a = ours.by_order.groupby(key)["lbs"].sum()
    b = loop.groupby(key)["lbs"].sum()
    assert a.index.equals(b.index)
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-12)
    _, per_yarn = bb.yarn_pandas(kos, clean)
    np.testing.assert_allclose(ours.by_yarn.set_index("Desc#")["lbs"].reindex(per_yarn.index), per_yarn,
                               rtol=1e-12)


def test_bench_explode(benchmark, engine, four_level, reference):
    bom, demand = four_level
    compiled = BOM.from_frame(bom, engine=engine)
    compiled.explode(demand.head(10), engine=engine)
    out = benchmark(compiled.explode, demand, engine=engine)
    _same(out.set_index("item")["qty"], reference)


def test_bench_explode_by_line(benchmark, engine, four_level):
    bom, demand = four_level
    compiled = BOM.from_frame(bom, engine=engine)
    small = demand.head(2_000)
    out = benchmark(compiled.explode, small, by_line=True, engine=engine)
    assert out["line"].nunique() == len(small)
    want = BOM.from_frame(bom, engine="numpy").explode(small, by_line=True, engine="numpy")
    pd.testing.assert_frame_equal(out, want, check_exact=True)


def test_bench_compile(benchmark, engine, four_level):
    bom, _ = four_level
    out = benchmark(BOM.from_frame, bom, engine=engine)
    assert out.n_levels == 4
    want = BOM.from_frame(bom, engine="numpy")
    np.testing.assert_array_equal(out.llc, want.llc, strict=True)
    assert out.items.equals(want.items)


@pytest.mark.parametrize("baseline", ["pandas", "polars", "duckdb"])
def test_bench_explode_baseline(benchmark, baseline, four_level):
    bom, demand = four_level
    parents = pd.unique(bom["parent"])
    if baseline == "pandas":
        run, args = bb.explode_pandas, (bom, pd.Index(parents), demand)
    elif baseline == "polars":
        pl = pytest.importorskip("polars")
        run, args = bb.explode_polars, (pl.from_pandas(bom), pl.Series(parents), pl.from_pandas(demand))
    else:
        pytest.importorskip("duckdb")
        run, args = bb.explode_duckdb, (bb.duckdb_connection(bom), demand)
    out = benchmark(run, *args)
    assert len(out) > 0


def test_bench_yarn_requirements(benchmark, engine, mill):
    compiled = BOM.from_frame(mill["bom"], engine=engine)
    res = benchmark(bk_fast.erp.yarn_requirements, mill["knit_orders"], compiled, engine=engine)
    assert len(res.by_order) > 0
    want = bk_fast.erp.yarn_requirements(mill["knit_orders"], BOM.from_frame(mill["bom"], engine="numpy"),
                                         engine="numpy")
    for table in ("by_order", "by_yarn", "unmatched"):
        pd.testing.assert_frame_equal(getattr(res, table), getattr(want, table), check_exact=True, obj=table)


def test_text_ids_case_times_every_method_on_checked_results(four_level):
    """bench_bom.text_ids: the text-id explosion, each engine's result checked against pandas' inside, a median
    per engine and baseline."""
    bom, demand = four_level
    engines = [e for e in ("cython", "numba", "numpy") if bk_fast.engines()[e].available]
    medians = bb.text_ids(bom, demand, engines, 1)
    assert set(engines) | {"pandas"} <= set(medians) and all(t > 0 for t in medians.values())

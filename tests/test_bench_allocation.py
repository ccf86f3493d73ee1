"""Quick pytest-benchmark smoke tests for allocation (CI runs them with --benchmark-disable): every engine and
the baselines on modest sizes, each also checked for agreeing with the others."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pandas as pd
import pytest

import bk_fast

_spec = importlib.util.spec_from_file_location(
    "bench_allocation", pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "bench_allocation.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def timeline():
    return bench.make_orders(20_000, 200)


@pytest.fixture(scope="module")
def on_hand():
    return bench.make_on_hand(20_000, 200)


def test_bench_allocate(benchmark, engine, timeline):
    orders, supply = timeline
    res = benchmark(bk_fast.allocate, orders, supply, engine=engine)
    deliveries, short = bench.python_loop_allocate(orders, supply)
    np.testing.assert_allclose(res.orders["short"].to_numpy(), short, rtol=0, atol=1e-6)
    assert len(res.deliveries) == len(deliveries)


def test_bench_allocate_dated(benchmark, engine):
    """The dated case is the integer one on a calendar: the same deliveries, a week per period late."""
    orders, supply = bench.make_dated(20_000, 200)
    res = benchmark(bk_fast.allocate, orders, supply, engine=engine)
    want = bk_fast.allocate(*bench.make_orders(20_000, 200), engine="numpy").deliveries
    got = res.deliveries
    np.testing.assert_array_equal(got["qty"].to_numpy(), want["qty"].to_numpy())
    np.testing.assert_array_equal(got["days_late"].to_numpy(), 7.0 * want["days_late"].to_numpy())
    np.testing.assert_array_equal(got["period"].to_numpy(),
                                  np.datetime64("2025-09-01", "s") + 7 * want["period"].to_numpy().astype("m8[D]"))


def test_bench_python_loop(benchmark, timeline):
    orders, supply = timeline
    deliveries, short = benchmark(bench.python_loop_allocate, orders, supply)
    assert 0 < sum(short) < orders["qty"].sum()


def test_bench_allocate_on_hand(benchmark, engine, on_hand):
    orders, supply = on_hand
    res = benchmark(bk_fast.allocate, orders, supply, max_lateness=0, engine=engine)
    erp = bench.pandas_cumsum_allocate(orders, supply).set_index("order")["allocated_quantity"]
    np.testing.assert_allclose(res.orders["delivered"].to_numpy(), erp.reindex(orders["order"]).to_numpy(),
                               rtol=0, atol=1e-6)


def test_bench_pandas_cumsum(benchmark, on_hand):
    orders, supply = on_hand
    out = benchmark(bench.pandas_cumsum_allocate, orders, supply)
    assert len(out) == len(orders)


def test_bench_allocate_knit_orders(benchmark, engine, mill):
    from bk_fast.datasets import REFERENCE_DATE
    from bk_fast.erp import allocate_knit_orders

    res = benchmark(allocate_knit_orders, mill["knit_orders"], mill["bom"], mill["yarn_inventory"],
                    mill["yarn_po"], today=REFERENCE_DATE, engine=engine)
    assert len(res.orders) == len(mill["knit_orders"])


def test_bench_erp_greedy_loop(benchmark, mill):
    from bk_fast.datasets import REFERENCE_DATE
    from bk_fast.erp import allocate_knit_orders

    can = benchmark(bench.erp_greedy_knit_orders, mill["knit_orders"], mill["bom"], mill["yarn_inventory"],
                    REFERENCE_DATE)
    ours = allocate_knit_orders(mill["knit_orders"], mill["bom"], mill["yarn_inventory"], today=REFERENCE_DATE,
                                mode="erp")
    matched = ours.orders["bom_matched"].to_numpy()  # the ERP lets a style without BOM rows "start"
    assert ours.orders["can_start"][matched].tolist() == [can[k] for k in ours.orders["Order #"][matched]]
    assert not ours.orders["can_start"][~matched].any()


def test_bench_on_hand_erp_frame(benchmark, engine, on_hand):
    """The drop-in on the on-hand case's ERP frames answers as the ERP's pandas code, and its allocated qty per
    order is what ``allocate`` delivers."""
    from bk_fast.compat import DataFrameOptimizer

    yarn, orders = bench.erp_frames(*on_hand)
    got = benchmark(DataFrameOptimizer.optimize_yarn_allocation, yarn, orders, engine=engine)
    want = DataFrameOptimizer.optimize_yarn_allocation(yarn, orders, engine="pandas")
    pd.testing.assert_frame_equal(got, want)
    res = bk_fast.allocate(*on_hand, max_lateness=0, engine="numpy")
    np.testing.assert_allclose(got.set_index("order")["allocated_quantity"].reindex(on_hand[0]["order"]).to_numpy(),
                               res.orders["delivered"].to_numpy(), rtol=0, atol=1e-6)

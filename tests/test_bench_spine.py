"""Quick side-by-side timings of the spine kernels and their baselines (pytest-benchmark).

Run locally with ``pytest tests/test_bench_spine.py --benchmark-only``; CI runs them with
``--benchmark-disable`` as smoke tests (each body runs once and its result is checked).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bk_fast
from benchmarks.bench_inventory import risk_iterrows, risk_pandas, risk_polars
from benchmarks.common import inventory

ROWS = 20_000


@pytest.fixture(scope="module")
def inv():
    return inventory(ROWS)


@pytest.mark.benchmark(group="yarn_risk")
def test_yarn_risk_engine(benchmark, engine, inv):
    out = benchmark(bk_fast.yarn_risk, inv, engine=engine)
    pd.testing.assert_frame_equal(out, risk_pandas(inv))


@pytest.mark.benchmark(group="yarn_risk")
def test_yarn_risk_pandas(benchmark, inv):
    out = benchmark(risk_pandas, inv)
    pd.testing.assert_frame_equal(out, bk_fast.yarn_risk(inv, engine="numpy"))


@pytest.mark.benchmark(group="yarn_risk")
def test_yarn_risk_polars(benchmark, inv):
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(inv)
    out = benchmark(risk_polars, frame)
    np.testing.assert_array_equal(out["planning_balance"].to_numpy(),
                                  bk_fast.yarn_risk(inv)["planning_balance"].to_numpy())


@pytest.mark.benchmark(group="yarn_risk")
def test_yarn_risk_iterrows(benchmark, inv):
    small = inv.head(2_000)
    out = benchmark.pedantic(risk_iterrows, args=(small,), rounds=1, iterations=1)
    pd.testing.assert_frame_equal(out, risk_pandas(small), check_names=False, check_index_type=False)


@pytest.mark.benchmark(group="segmented_cumsum")
def test_segmented_cumsum_engine(benchmark, engine, inv):
    keys = inv["Desc#"] % 97
    out = benchmark(bk_fast.segmented_cumsum, inv["Allocated"], keys, engine=engine)
    pd.testing.assert_series_equal(out, inv["Allocated"].groupby(keys).cumsum())


@pytest.mark.benchmark(group="segmented_cumsum")
def test_segmented_cumsum_pandas(benchmark, inv):
    keys = inv["Desc#"] % 97
    out = benchmark(lambda: inv["Allocated"].groupby(keys).cumsum())
    pd.testing.assert_series_equal(out, bk_fast.segmented_cumsum(inv["Allocated"], keys, engine="numpy"))

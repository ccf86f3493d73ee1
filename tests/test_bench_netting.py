"""pytest-benchmark smoke tests for netting (run with --benchmark-disable in CI); the baselines of
benchmarks/bench_netting.py are checked against the engines first, so the timings compare equal work."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_netting as bn  # noqa: E402


@pytest.mark.parametrize("lot", list(bn.RULES))
def test_net_baseline_matches_and_bench(benchmark, fast_engine, lot):
    g, s, oh = bn.netting_case(300, 20)
    rule = bn.RULES[lot]
    res = bn.net_engine(g, s, oh, rule, fast_engine)
    base = bn.net_pandas_loop(g, s, oh, rule)
    got = res.orders[["item", "due_period", "release_period", "qty"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, base, check_dtype=False, rtol=1e-9)
    benchmark(bn.net_engine, g, s, oh, rule, fast_engine)


def test_weekly_baselines_match_and_bench(benchmark, engine):
    on_hand, dem, rec, pdue = bn.weekly_case(500)
    out = bn.bk_fast.weekly_balance(on_hand, dem, rec, pdue, engine=engine)
    pan = bn.weekly_pandas(on_hand, dem, rec, pdue)
    loop = bn.weekly_iterrows(on_hand, dem, rec, pdue)
    np.testing.assert_allclose(out[bn.BUCKETS].to_numpy(), pan[bn.BUCKETS].to_numpy(), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(out[bn.BUCKETS].to_numpy(), loop[bn.BUCKETS].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(out["total_balance"], loop["total_balance"], rtol=1e-9, atol=1e-6)
    benchmark(bn.bk_fast.weekly_balance, on_hand, dem, rec, pdue, engine=engine)


def test_mrp_baseline_matches_and_bench(benchmark, fast_engine):
    case = bn.mrp_case(0.05, 16)
    res = bn.mrp_engine(case, fast_engine)
    base = bn.mrp_pandas_loop(case)
    assert len(res.orders) > 10
    got = res.orders.groupby("item")["qty"].sum()
    want = base.groupby("item")["qty"].sum()
    assert set(got.index) == set(want.index)
    np.testing.assert_allclose(got.reindex(want.index).to_numpy(), want.to_numpy(), rtol=1e-9)
    benchmark(bn.mrp_engine, case, fast_engine)

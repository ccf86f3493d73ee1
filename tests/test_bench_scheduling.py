"""Quick pytest-benchmark runs of the scheduling suites (smoke tests with --benchmark-disable in CI); the
baselines are checked to give the answer they are compared with."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

import bk_fast  # noqa: E402
from benchmarks import bench_scheduling as bs  # noqa: E402

SHOP = (2_000, 40, 8)


@pytest.fixture(scope="module")
def shop():
    return bs.make_shop(*SHOP)


def test_python_loop_baseline_is_the_same_schedule(shop):
    jobs, machines, rates = shop
    want = bs.python_loop(jobs, machines, rates)
    got = bk_fast.schedule(jobs, machines, rates=rates, setup=bs.CHANGEOVER_DAYS, start=bs.START, engine="numpy")
    got = got.jobs.set_index("job").loc[want["job"]]
    np.testing.assert_array_equal(got["machine"].to_numpy(), want["machine"].to_numpy())
    np.testing.assert_array_equal(got["end_day"].to_numpy(), want["end_day"].to_numpy())
    inp = bs.kernel_inputs(jobs, machines, rates)
    core = np.array([e for _, _, e in bs.python_loop_core(inp)])  # in rule order
    ends = bk_fast.schedule(jobs, machines, rates=rates, setup=bs.CHANGEOVER_DAYS,
                            start=bs.START).jobs["end_day"]
    np.testing.assert_array_equal(core, ends.to_numpy()[inp["rule_order"]])


def test_bench_schedule(benchmark, engine, shop):
    jobs, machines, rates = shop
    bk_fast.schedule(jobs, machines, rates=rates, setup=bs.CHANGEOVER_DAYS, start=bs.START, engine=engine)
    s = benchmark(bk_fast.schedule, jobs, machines, rates=rates, setup=bs.CHANGEOVER_DAYS, start=bs.START,
                  engine=engine)
    assert s.jobs["reason"].isna().all()


def test_bench_python_loop(benchmark, shop):
    out = benchmark(bs.python_loop, *shop)
    assert len(out) == SHOP[0]


def test_bench_erp_cumsum(benchmark, shop):
    out = benchmark(bs.erp_cumsum, *shop)
    assert out["cumulative_hours"].notna().all()


def test_bench_list_kernel(benchmark, engine, shop):
    suite = bs.TimeListKernel()
    suite.inp = bs.kernel_inputs(*shop)
    suite.fn = bk_fast._engine.resolve("list_schedule", engine)
    machine, start, end, _ = benchmark(suite.run, engine)
    assert (machine >= 0).all() and (end >= start).all()


def test_bench_min_late_jobs(benchmark, engine):
    rng = np.random.default_rng(0)
    p, d = rng.random(5_000) * 10, rng.random(5_000) * 15_000
    bk_fast.min_late_jobs(p, d, engine=engine)
    r = benchmark(bk_fast.min_late_jobs, p, d, engine=engine)
    assert r.on_time.tolist() == bs.python_moore_hodgson(p.tolist(), d.tolist())


def test_knit_orders_suites_same_schedule_with_the_style_index(engine):
    """The indexed suite schedules exactly what the tables' suite schedules (scale 1), and the index's build
    suite builds one."""
    plain, indexed = bs.TimeKnitOrders(), bs.TimeKnitOrdersIndexed()
    plain.setup(engine, 1)
    indexed.setup(engine, 1)
    assert isinstance(indexed.tables[2], bk_fast.erp.StyleIndex) and len(indexed.tables) == 3
    a, b = plain.run(engine), indexed.run(engine)
    assert a.jobs.equals(b.jobs) and a.machines.equals(b.machines)
    build = bs.TimeStyleIndex()
    build.setup(engine, 1)
    build.time_build(engine, 1)


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_spelled_missing_suite_times_the_storage_it_names(storage):
    """The blank-cell suite's column holds its text as named (pyarrow's kernels or the Python path) and gives the
    same answer both ways as on the mill's own column, with a few spellings planted: exactly those are blank."""
    if storage == "pyarrow":
        pytest.importorskip("pyarrow")
    from bk_fast._validate import spelled_missing

    suite = bs.TimeSpelledMissing()
    suite.setup(storage, 1)
    assert suite.values.dtype.storage == storage
    assert not spelled_missing(suite.values).any()
    planted = suite.values.copy()
    planted.iloc[[0, 5, 7]] = [" N/A ", "$ -", "\u3000"]
    assert np.flatnonzero(spelled_missing(planted)).tolist() == [0, 5, 7]
    suite.time_spelled_missing(storage, 1)

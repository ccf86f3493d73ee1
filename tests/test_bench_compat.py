"""Quick pytest-benchmark runs of the Phase-3 drop-ins and the transcription they replace (smoke tests with
--benchmark-disable in CI); each drop-in's timed result is checked against the transcription's."""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from benchmarks import bench_compat as bc  # noqa: E402

ROWS = 5_000


@pytest.fixture(scope="module", params=["int", "str"])
def frames(request):
    return bc.frames(ROWS, request.param == "str")


@pytest.mark.parametrize("name", bc.HOT)
@pytest.mark.parametrize("method", ["cython", "numba", "numpy", "pandas"])
def test_bench_hot(benchmark, frames, name, method):
    if method != "pandas" and not bc._available(method):
        pytest.skip(f"{method} unavailable")
    run, mutated = bc.runner(name, method, frames)
    got = benchmark.pedantic(run, setup=lambda: ([frames[k].copy() for k in mutated], {}), rounds=3)
    want, _ = bc.runner(name, "pandas", frames)
    assert_frame_equal(got, want(*[frames[k].copy() for k in mutated]), check_exact=True)


@pytest.mark.parametrize("name", [n for n in bc._calls(bc.frames(10, False)) if n not in bc.HOT])
@pytest.mark.parametrize("method", ["bk_fast", "pandas"])
def test_bench_other(benchmark, name, method):
    f = bc.frames(ROWS, False)
    run, mutated = bc.runner(name, "cython" if method == "bk_fast" else "pandas", f)
    got = benchmark.pedantic(run, setup=lambda: ([f[k].copy() for k in mutated], {}), rounds=3)
    want_run, _ = bc.runner(name, "pandas", f)
    if name == "optimize_dataframe":
        # the original only knows object text (pandas 2); compare both on object columns
        as_obj = [f[k].astype({c: object for c in f[k].columns if f[k][c].dtype == "str"}) for k in mutated]
        mine, _ = bc.runner(name, "cython", f)
        got, want = mine(*[a.copy() for a in as_obj]), want_run(*[a.copy() for a in as_obj])
    else:
        want = want_run(*[f[k].copy() for k in mutated])
    if isinstance(want, pd.DataFrame):
        assert_frame_equal(got, want, check_exact=True)


def test_planning_balance_timed_call_gets_a_frame_without_its_result_column(monkeypatch):
    """optimize_planning_balance_calculation adds 'planning_balance' to the frame it is given (the original
    and the drop-in): it was listed as mutating nothing, so setup's warm-up call and every round after the
    first timed a frame already holding the result column (the original ~13 % faster on it at 1e6 rows)."""
    monkeypatch.setenv("BK_FAST_BENCH_CACHE", "off")
    odf, _ = bc.original()
    seen = []
    real = odf.optimize_planning_balance_calculation

    def spy(df):
        seen.append("planning_balance" in df.columns)
        return real(df)

    monkeypatch.setattr(odf, "optimize_planning_balance_calculation", staticmethod(spy))
    b = bc.Phase3Hot()
    b.setup("optimize_planning_balance_calculation", "pandas", 2_000, "int")
    seen.clear()
    b.time_call("optimize_planning_balance_calculation", "pandas", 2_000, "int")
    assert seen == [False]


def test_cached_bk_fast_objects_follow_the_whole_package(monkeypatch, tmp_path):
    """A compiled BOM pickled by the benchmarks' cache was keyed on bk_fast.datasets and bk_fast.bom only:
    benchmarking a commit that changed only the column readers or a kernel read back a BOM compiled by
    another commit's code. Its key now hashes the whole installed package."""
    from benchmarks import common

    monkeypatch.setenv("BK_FAST_BENCH_CACHE", str(tmp_path))
    common._MEMO.clear()
    builds = []
    real_build = common._mill_bom

    def counting(scale, seed):
        builds.append(scale)
        return real_build(scale, seed)

    monkeypatch.setattr(common, "_mill_bom", counting)
    try:
        common.mill_bom(0.05)
        common._MEMO.clear()
        common.mill_bom(0.05)  # (read back from disk: the same package)
        assert builds == [0.05]
        monkeypatch.setattr(common, "_package_hash", lambda: "another commit")
        common._MEMO.clear()
        common.mill_bom(0.05)
        assert builds == [0.05, 0.05]
    finally:
        common._MEMO.clear()


def test_cached_frames_keep_this_process_string_storage(monkeypatch, tmp_path):
    """The benchmarks' disk cache keyed a mill on versions and sources only: a mill pickled by a process whose
    pandas held text in Python objects (``mode.string_storage = "python"``, or no pyarrow) was read back by every
    later process, so the StyleIndex and scheduling suites timed Python-held styles where ``make_mill`` gives
    Arrow-held ones. The key now includes the storage in effect."""
    pytest.importorskip("pyarrow")
    from benchmarks import common

    monkeypatch.setenv("BK_FAST_BENCH_CACHE", str(tmp_path))
    calls = []

    def frame(n):
        calls.append(pd.StringDtype(na_value=np.nan).storage)
        return pd.DataFrame({"style": pd.Series([f"{i}/1" for i in range(n)], dtype="str")})

    frame.__module__ = __name__
    common._MEMO.clear()
    try:
        with pd.option_context("mode.string_storage", "python"):
            held = common.cached(frame, 3)
        assert held["style"].dtype.storage == "python"
        common._MEMO.clear()
        with pd.option_context("mode.string_storage", "pyarrow"):
            got = common.cached(frame, 3)
        assert calls == ["python", "pyarrow"]
        assert got["style"].dtype.storage == "pyarrow"
        common._MEMO.clear()
        with pd.option_context("mode.string_storage", "python"):
            again = common.cached(frame, 3)  # read back from disk: the same storage as when it was written
        assert calls == ["python", "pyarrow"] and again["style"].dtype.storage == "python"
    finally:
        common._MEMO.clear()

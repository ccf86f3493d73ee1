"""Per-thread scratch memory (bk_fast._scratch) and its use by allocate: results never live in it, a later
call never changes an earlier result, buffers are per thread, reused, capped and releasable."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import _scratch
from bk_fast._scratch import release_scratch, scratch_bytes, work_array


def _orders_supply(seed: int, n: int = 3_000, n_items: int = 40, periods: int = 6):
    rng = np.random.default_rng(seed)
    orders = pd.DataFrame({"order": np.arange(n), "item": rng.integers(0, n_items, n),
                           "qty": np.round(rng.uniform(1, 50, n), 2), "priority": rng.integers(1, 9, n),
                           "due": rng.integers(0, periods, n)})
    supply = pd.DataFrame({"item": np.repeat(np.arange(n_items), periods),
                           "period": np.tile(np.arange(periods), n_items),
                           "qty": np.round(rng.uniform(0, 300, n_items * periods), 2)})
    return orders, supply


def _arrays(res):
    for frame in res:
        for col in frame.columns:
            yield frame[col].to_numpy()
        yield frame.index.to_numpy()


def test_work_array_shape_dtype_reuse_and_growth():
    release_scratch()
    a = work_array("t.a", (3, 4), np.int64)
    assert a.shape == (3, 4) and a.dtype == np.int64 and a.flags.c_contiguous
    b = work_array("t.a", 5, np.float64)  # smaller: the same memory
    assert np.shares_memory(a, b)
    c = work_array("t.a", (10, 10), np.float64)  # larger: a new buffer
    assert c.shape == (10, 10) and not np.shares_memory(a, c)
    d = work_array("t.b", 4, np.int64)  # another slot: other memory
    assert not np.shares_memory(c, d)
    assert scratch_bytes() >= 800 + 32
    assert release_scratch() >= 832
    assert scratch_bytes() == 0


def test_limit_zero_keeps_nothing(monkeypatch):
    release_scratch()
    monkeypatch.setattr(_scratch, "LIMIT_BYTES", 0)
    a = work_array("t.c", 16, np.int64)
    b = work_array("t.c", 16, np.int64)
    assert a.shape == (16,) and not np.shares_memory(a, b)
    assert scratch_bytes() == 0


def test_bad_limit_is_explained(monkeypatch):
    monkeypatch.setenv("BK_FAST_SCRATCH_MB", "lots")
    with pytest.raises(ValueError, match="BK_FAST_SCRATCH_MB"):
        _scratch._limit()
    monkeypatch.setenv("BK_FAST_SCRATCH_MB", "2")
    assert _scratch._limit() == 2 << 20


def test_buffers_are_per_thread():
    release_scratch()
    mine = work_array("t.d", 64, np.int64)
    seen = {}

    def other():
        seen["arr"] = work_array("t.d", 64, np.int64)
        seen["bytes"] = scratch_bytes()

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert not np.shares_memory(mine, seen["arr"])
    assert seen["bytes"] >= 512


def test_allocate_results_never_live_in_scratch(engine):
    orders, supply = _orders_supply(1)
    res = bk_fast.allocate(orders, supply, engine=engine)
    buffers = list(getattr(_scratch._local, "buffers", {}).values())
    if engine != "numpy":
        assert buffers, "the compiled engines keep their work arrays between calls"
    for arr in _arrays(res):
        for buf in buffers:
            assert not np.shares_memory(arr, buf)


def test_a_later_call_leaves_an_earlier_result_alone(engine):
    o1, s1 = _orders_supply(2)
    o2, s2 = _orders_supply(3, n=4_000, n_items=30)
    first = bk_fast.allocate(o1, s1, engine=engine)
    kept = [frame.copy(deep=True) for frame in first]
    bk_fast.allocate(o2, s2, engine=engine)
    bk_fast.allocate(o1.iloc[::-1], s1, max_lateness=1, engine=engine)
    for frame, copy_ in zip(first, kept):
        pd.testing.assert_frame_equal(frame, copy_)
    again = bk_fast.allocate(o1, s1, engine=engine)
    for frame, copy_ in zip(again, kept):
        pd.testing.assert_frame_equal(frame, copy_)


def test_the_thread_total_is_capped(monkeypatch):
    release_scratch()
    monkeypatch.setattr(_scratch, "LIMIT_BYTES", 1000)
    a = work_array("t.e", 100, np.int64)  # 800 bytes: kept
    b = work_array("t.f", 50, np.int64)  # 400 more would pass 1000: fresh, not kept
    assert scratch_bytes() == 800
    assert not np.shares_memory(work_array("t.f", 50, np.int64), b)
    assert np.shares_memory(a, work_array("t.e", 10, np.int64))
    big = work_array("t.e", 200, np.int64)  # 1600 bytes: past the cap, the slot keeps its old buffer
    assert big.shape == (200,) and scratch_bytes() == 800
    release_scratch()


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400", "1e308", "Infinity"])
def test_non_finite_limit_is_the_same_clear_error(monkeypatch, value):
    """inf / nan / 1e400 (and 1e308, whose bytes overflow) raised OverflowError or ValueError('cannot convert
    float NaN to integer') naming no variable; the variable is a cap in MB, so they are errors like 'lots'."""
    monkeypatch.setenv("BK_FAST_SCRATCH_MB", value)
    with pytest.raises(ValueError, match=f"BK_FAST_SCRATCH_MB must be a finite number of MB .*got '{value}'"):
        _scratch._limit()
    monkeypatch.setenv("BK_FAST_SCRATCH_MB", "1e6")  # large but finite: a cap of 10^6 MB
    assert _scratch._limit() == 10**6 << 20


def _fresh(code: str, scratch_mb: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, BK_FAST_SCRATCH_MB=scratch_mb)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_non_finite_limit_at_import_and_in_the_cli():
    r = _fresh("import bk_fast.allocation", "inf")
    assert r.returncode == 1 and r.stderr.strip().splitlines()[-1] == (
        "ValueError: BK_FAST_SCRATCH_MB must be a finite number of MB (0 disables the scratch buffers), got 'inf'")
    r = _fresh("import sys; from bk_fast.cli import main; "
               "sys.exit(main(['demo', '--scale', '0.02', '--no-compare', '--engine', 'numpy']))", "1e400")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "bk-fast: error: BK_FAST_SCRATCH_MB must be a finite number of MB" in r.stderr


def test_empty_limit_is_the_default_and_a_negative_one_an_error(monkeypatch):
    """`export BK_FAST_SCRATCH_MB=` (set but empty) made `import bk_fast.allocation` fail, where an empty
    BK_FAST_ENGINE means the default; -1 was silently 0 (state audit)."""
    for value in ("", "  "):
        monkeypatch.setenv("BK_FAST_SCRATCH_MB", value)
        assert _scratch._limit() == 512 << 20
    monkeypatch.setenv("BK_FAST_SCRATCH_MB", "-1")
    with pytest.raises(ValueError, match="BK_FAST_SCRATCH_MB must be >= 0 MB .*got '-1'"):
        _scratch._limit()

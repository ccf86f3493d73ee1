"""Leaks: 10,000 calls of every kernel on small inputs keep the process's resident memory within a few MB
after warm-up, leave no extra references on the arrays passed in, no new Python objects (those the collector
tracks, and the Python allocator's blocks, which also count floats and text), and (numba) no unfreed NRT
allocations.

Kernel calls are the ones the pandas layer really makes (recorded from small public-API scenarios, see
_hardening_scenarios), replayed on fresh copies of their inputs. The compiled engines run in CI; the
reference engine and the public-API loops are ``slow`` (run with ``-m slow`` or ``BK_FAST_SLOW=1``).
"""

from __future__ import annotations

import gc
import os
import sys

import numpy as np
import pytest

import _hardening_scenarios as H

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "fuzz"))
import bk_fast
from bk_fast._engine import engine_status

CALLS = 10_000
WARMUP = 500
LIMIT_MB = 2.0  # per kernel, after warm-up (a one-off jump above it is re-measured: a leak grows again)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
    except OSError:
        pytest.skip("resident set size needs /proc (Linux)")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def _nrt_live() -> int:
    """Live numba NRT allocations (allocations minus frees); 0 when numba is not loaded."""
    if "numba" not in sys.modules:
        return 0
    from numba.core.runtime import _nrt_python, rtsys

    if not _nrt_python.memsys_stats_enabled():  # off unless NUMBA_NRT_STATS=1
        _nrt_python.memsys_enable_stats()
    stats = rtsys.get_allocation_stats()
    return stats.alloc - stats.free


def _arguments(call):
    """``i -> arguments`` for the i-th call: one set of arrays, reset before every call to the recorded inputs
    (``np.copyto`` into the writable ones; read-only ones are inputs a kernel cannot write), so no allocation
    per call and every call sees exactly what the pandas layer passed. Never the previous call's outputs as
    inputs: kernels trust their caller, and their outputs need not meet their own preconditions (a counting
    sort whose bucket array must start at zero scatters out of bounds if called again on it: heap corruption
    with bounds checks off). Arguments other than arrays and scalars: fresh copies per call."""
    same = call.fresh_args()
    if not all(isinstance(a, (np.ndarray, int, float, str, bytes, np.generic, type(None))) for a in same):
        return lambda i: call.fresh_args()
    pairs = [(dst, src) for dst, src in zip(same, call.args) if isinstance(dst, np.ndarray) and dst.flags.writeable]

    def args_for(i):
        for dst, src in pairs:
            np.copyto(dst, src)
        return same

    return args_for


def _require_slow(request):
    """`slow` tests run only when asked for: ``-m slow`` or ``BK_FAST_SLOW=1`` (the default test command runs
    every marker but `dashboard`)."""
    expr = request.config.getoption("markexpr", "") or ""
    if os.environ.get("BK_FAST_SLOW", "") not in ("", "0"):
        return
    if "slow" in expr and "not slow" not in expr:
        return
    pytest.skip("slow: run with -m slow or BK_FAST_SLOW=1")


#: run in a fresh interpreter by _leak_check (argv: this folder, engine, calls): the rows and failures of the checks
#: of every kernel call the scenarios make, the number of kernels and the capabilities left out
_FRESH_CHECK = """
import json, os, sys
sys.path[:0] = [sys.argv[1], os.path.join(sys.argv[1], "fuzz")]
import _hardening_scenarios as H
import test_leaks as L
log, skipped = H.captured(sys.argv[2])
rows, failures = L._checked(log, sys.argv[2], int(sys.argv[3]))
print("RESULT" + json.dumps([rows, failures, len(log), skipped]))
"""


def _leak_check(eng: str, calls: int) -> list[str]:
    """The checks of ``eng``'s kernels, in a fresh interpreter: the RSS, the object and allocator-block counts and
    the references are the process's, and a test worker's other threads allocate during the loop (pytest-xdist's
    receiving thread queues every batch of test ids sent to the worker: one int block per test id)."""
    if not engine_status(eng).available:
        pytest.skip(f"{eng} engine unavailable: {engine_status(eng).reason}")
    _rss_mb()  # (skips where there is no /proc)
    import json
    import subprocess

    run = subprocess.run([sys.executable, "-c", _FRESH_CHECK, os.path.dirname(__file__), eng, str(calls)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    rows, failures, kernels, skipped = json.loads(
        [line for line in run.stdout.splitlines() if line.startswith("RESULT")][-1][len("RESULT"):])
    print("\n".join(rows))
    assert not failures, "\n".join(failures)
    if skipped:
        pytest.skip(f"checked {kernels} kernels; capabilities left out: {skipped}")
    return rows


def _checked(log: dict, eng: str, calls: int) -> tuple[list[str], list[str]]:
    """``(rows, failures)`` of the leak checks of every recorded call in ``log`` (name -> [Call, ...]).

    The objects alive before are moved to the collector's permanent generation (``gc.freeze``): the object counts
    then see only what the calls create, and the automatic collections that 10^4 calls trigger do not walk a
    long-lived test worker's whole heap (33 s -> ~5 s per engine inside the full suite)."""
    gc.collect()
    gc.freeze()
    try:
        return _measured(log, eng, calls)
    finally:
        gc.unfreeze()


def _measured(log: dict, eng: str, calls: int) -> tuple[list[str], list[str]]:
    rows, failures = [], []
    for name, recorded in sorted(log.items()):
        call = recorded[0]
        args_for = _arguments(call)
        for i in range(WARMUP):
            call.fn(*args_for(i))
        gc.collect()
        rss0, nrt0, objs0, blocks0 = _rss_mb(), _nrt_live(), len(gc.get_objects()), sys.getallocatedblocks()
        refs_bad = 0
        for i in range(calls):
            args = args_for(i)
            if i < 1000:  # references left on the arguments
                before = [sys.getrefcount(a) for a in args if isinstance(a, np.ndarray)]
                call.fn(*args)
                refs_bad += before != [sys.getrefcount(a) for a in args if isinstance(a, np.ndarray)]
            else:
                call.fn(*args)
            del args
        gc.collect()
        grow = _rss_mb() - rss0
        nrt = _nrt_live() - nrt0
        objs = len(gc.get_objects()) - objs0
        blocks = sys.getallocatedblocks() - blocks0   # (also objects the collector does not track: floats, str)
        again = ""
        if grow > LIMIT_MB:
            # a one-off jump (the allocator taking a new arena) does not repeat; a leak grows again
            rss1 = _rss_mb()
            for i in range(calls):
                call.fn(*args_for(i))
            gc.collect()
            second = _rss_mb() - rss1
            again = f", then {second:+.2f} MB over {calls} more"
            if second > LIMIT_MB / 2:
                failures.append(f"{name}: RSS grew {grow:.2f} MB over {calls} calls{again}")
        rows.append(f"{name}[{eng}]: {calls} calls, RSS {grow:+.2f} MB{again}, NRT live {nrt:+d}, objects "
                    f"{objs:+d}, Python allocator blocks {blocks:+d}, inputs {call.size} bytes")
        if refs_bad:
            failures.append(f"{name}: {refs_bad} calls left extra references on their array arguments")
        if nrt > 0:
            failures.append(f"{name}: {nrt} numba NRT allocations never freed")
        if objs > 100:
            failures.append(f"{name}: {objs} Python objects more after {calls} calls")
        elif blocks > 100:
            failures.append(f"{name}: {blocks} Python allocator blocks more after {calls} calls")
    return rows, failures


@pytest.mark.parametrize("eng", ["cython", "numba"])
def test_compiled_kernels_do_not_leak(eng):
    _leak_check(eng, CALLS)


def test_leak_check_flags_planted_leaks():
    """The detector itself, on four stand-in kernels over the same small arrays: one that keeps a new object per
    call, one that keeps a reference to its argument, one that leaks 64 KiB of C memory per call, and a clean one.
    Each leak is reported under its own name and check; the clean call is not reported at all (so freezing the
    heap hides neither new objects nor references)."""
    import ctypes

    kept: list = []
    malloc = ctypes.pythonapi.PyMem_RawMalloc
    malloc.restype = ctypes.c_void_p
    malloc.argtypes = [ctypes.c_size_t]

    def new_object(a, out):
        kept.append([a.shape])

    def new_reference(a, out):
        kept.append(a)

    leaked = (ctypes.c_void_p * 10_000)()   # (freed at the end: at most 500 + 2 x 2,000 calls)
    count = [0]

    def c_memory(a, out):
        # (touched, so resident; 128 MB per 2,000 calls: more than a long-lived worker's freed heap, which 4 KiB
        # blocks reused without growing the RSS in a full -n 2 run)
        p = malloc(65536)
        ctypes.memset(p, 1, 65536)
        leaked[count[0]] = p
        count[0] += 1

    def clean(a, out):
        np.add(a, 1.0, out=out)

    fns = {"new_object": new_object, "new_reference": new_reference, "c_memory": c_memory, "clean": clean}
    log = {name: [H.Call(name, "numpy", fn, (np.arange(8.0), np.zeros(8)))] for name, fn in fns.items()}
    try:
        rows, failures = _checked(log, "numpy", 2_000)
    finally:
        free = ctypes.pythonapi.PyMem_RawFree
        free.argtypes = [ctypes.c_void_p]
        for i in range(count[0]):
            free(leaked[i])
    assert len(rows) == 4
    for _ in range(2):  # (a test worker's other threads may allocate inside a window: a clean call is measured
        # again, up to twice; a leak is reported on every try)
        if not any(f.startswith("clean") for f in failures):
            break
        failures = [f for f in failures if not f.startswith("clean")] + _checked({"clean": log["clean"]}, "numpy",
                                                                                    2_000)[1]
    text = "\n".join(failures)
    assert "new_object: " in text and "Python objects more after 2000 calls" in text
    assert "new_reference: 1000 calls left extra references" in text
    assert "c_memory: RSS grew" in text
    assert "clean" not in text
    assert len(failures) == 3, text
    kept.clear()


@pytest.mark.slow
def test_reference_kernels_do_not_leak(request):
    _require_slow(request)
    _leak_check("numpy", CALLS)


@pytest.mark.slow
@pytest.mark.parametrize("eng", ["cython", "numba", "numpy"])
def test_public_spine_functions_do_not_leak(eng, request):
    _require_slow(request)
    if not engine_status(eng).available:
        pytest.skip(f"{eng} engine unavailable: {engine_status(eng).reason}")
    import pandas as pd

    inv = pd.DataFrame({"Theoretical Balance": ["$1,200.00 ", "(50.00)", None, 4.0],
                        "Allocated": [-300.0, None, -20.0, 0.0], "On Order": [0.0, 20.0, 0.0, 1.0],
                        "Consumed": [-43.0, 0.0, -1.0, 0.0]}, index=["a", "b", "c", "d"])
    keys = np.array(["x", "y", "x", "z"], dtype=object)
    calls = [lambda: bk_fast.yarn_risk(inv, engine=eng), lambda: bk_fast.planning_balance(inv, engine=eng),
             lambda: bk_fast.segmented_cumsum(inv["Allocated"], keys, engine=eng)]
    for fn in calls:
        for _ in range(WARMUP):
            fn()
        gc.collect()
        rss0 = _rss_mb()
        for _ in range(CALLS):
            fn()
        gc.collect()
        grow = _rss_mb() - rss0
        if grow > LIMIT_MB:  # re-measured: a one-off jump does not repeat, a leak does
            rss1 = _rss_mb()
            for _ in range(CALLS):
                fn()
            gc.collect()
            second = _rss_mb() - rss1
            assert second < LIMIT_MB / 2, f"RSS grew {grow:.2f} MB over {CALLS} calls, then {second:.2f} MB"

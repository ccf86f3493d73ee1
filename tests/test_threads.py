"""Thread safety and GIL release.

- Every registered kernel, on every engine, called from 8 threads at once on the inputs the pandas layer
  really hands it (recorded from small public-API scenarios, see _hardening_scenarios) gives exactly the
  serial result; so does every public scenario.
- First calls from 8 threads at once in a fresh process (numba compiling, the registry resolving) are safe.
- The compiled engines release the GIL during a long kernel: another Python thread keeps running (load-robust
  heartbeat check), and 2 threads finish two long calls >= 1.6x faster than one thread calling twice. That
  needs two free cores; each try also reads both threads' Linux schedstat, so a kernel that serialises the
  threads (one of them blocked on the GIL or a lock) fails at any load, while a busy machine (threads waiting
  for a CPU) skips with the figures. The judge itself is checked on a call that keeps the GIL.
- Every numba kernel is compiled with nogil=True; every Cython kernel releases the GIL in its body.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import _hardening_scenarios as H
import bk_fast
from bk_fast._engine import ENGINES, engine_status, kernels, resolve

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
from _harness import assert_same  # noqa: E402

N_THREADS = 8
ROUNDS = 3


@pytest.fixture(scope="module")
def captured():
    """{engine: (calls by kernel, skipped capabilities)} for every available engine."""
    return {eng: H.captured(eng) for eng in ENGINES if engine_status(eng).available}


def _skipped_kernels(skipped: dict) -> set:
    """Kernels of capabilities whose module did not import (not landed / broken)."""
    reg = kernels()
    return {k for k, kern in reg.items() if kern.capability in skipped or
            any(kern.capability.startswith(c) for c in skipped)}


def test_scenarios_exercise_every_kernel(captured):
    for eng, (log, skipped) in captured.items():
        if eng == "numpy":  # the pandas layer may take a plain pandas path on the numpy engine
            continue
        missing = set(kernels()) - set(log) - _skipped_kernels(skipped) - H.ARROW_TEXT_KERNELS
        assert not missing, f"{eng}: kernels no scenario reaches: {sorted(missing)} (skipped: {skipped})"


def _hammer(n_threads: int, rounds: int, job):
    """Run ``job(thread_index)`` ``rounds`` times in each of ``n_threads`` threads started together."""
    barrier = threading.Barrier(n_threads)
    errors = []

    def worker(t):
        barrier.wait()
        for _ in range(rounds):
            try:
                job(t)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append((t, exc))

    with ThreadPoolExecutor(n_threads) as pool:
        list(pool.map(worker, range(n_threads)))
    return errors


@pytest.mark.parametrize("eng", ENGINES)
def test_every_kernel_from_8_threads_equals_serial(captured, eng):
    if eng not in captured:
        pytest.skip(f"{eng} engine unavailable: {engine_status(eng).reason}")
    log, skipped = captured[eng]
    failures = []
    for name, calls in sorted(log.items()):
        for call in calls:
            expected = call.replay()
            # each thread gets its own copies of the inputs and outputs (as separate requests would)
            pre = [[call.fresh_args() for _ in range(ROUNDS)] for _ in range(N_THREADS)]
            results = [[] for _ in range(N_THREADS)]

            def job(t, call=call, pre=pre, results=results):
                results[t].append(call.replay(pre[t][len(results[t])]))

            errors = _hammer(N_THREADS, ROUNDS, job)
            if errors:
                failures.append(f"{name}: {errors[0][1]!r}")
                continue
            for t in range(N_THREADS):
                for got in results[t]:
                    try:
                        assert_same(expected, got, f"{name}[{eng}] thread {t}")
                    except AssertionError as exc:
                        failures.append(str(exc)[:300])
    assert not failures, "\n".join(failures[:10])
    if skipped:
        pytest.skip(f"checked {len(log)} kernels; capabilities left out: {skipped}")


@pytest.mark.parametrize("eng", ENGINES)
def test_public_scenarios_from_8_threads_equal_serial(eng):
    if not engine_status(eng).available:
        pytest.skip(f"{eng} engine unavailable: {engine_status(eng).reason}")
    left_out = {}
    for cap, (module, scenario) in H.SCENARIOS.items():
        reason = H.importable(cap)
        if reason:
            left_out[cap] = reason
            continue
        expected = scenario(eng)
        results = [None] * N_THREADS

        def job(t, scenario=scenario, results=results):
            results[t] = scenario(eng)

        errors = _hammer(N_THREADS, 1, job)
        assert not errors, f"{cap}: {errors[0][1]!r}"
        for t in range(N_THREADS):
            assert_same(expected, results[t], f"{cap}[{eng}] thread {t}")
    if left_out:
        pytest.skip(f"capabilities left out: {left_out}")


_COLD = textwrap.dedent("""
    import sys, threading, numpy as np, pandas as pd
    import bk_fast
    inv = pd.DataFrame({"Theoretical Balance": [430.0, -50.0, 80.0], "Allocated": [0.0, -1000.0, -200.0],
                        "On Order": [0.0, 0.0, 0.0], "Consumed": [-43.0, 0.0, 0.0]})
    engines = [e for e, s in bk_fast.engines().items() if s.available]
    barrier = threading.Barrier(8)
    out, errors = {}, []
    def work(t):
        eng = engines[t % len(engines)]
        barrier.wait()
        try:
            r = bk_fast.yarn_risk(inv, engine=eng)
            c = bk_fast.segmented_cumsum(np.arange(6.0), [0, 1, 0, 1, 2, 0], engine=eng)
            out[t] = (r["planning_balance"].tolist(), r["risk"].astype(str).tolist(), c.tolist())
        except BaseException as exc:
            errors.append(repr(exc))
    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    [t.start() for t in threads]; [t.join() for t in threads]
    assert not errors, errors
    assert len({repr(v) for v in out.values()}) == 1, out
    print("OK", engines, out[0])
""")


def test_first_calls_from_8_threads_in_a_fresh_process(tmp_path):
    """Cold start: empty numba cache, nothing resolved yet, 8 threads calling at once on all engines."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    env.pop("BK_FAST_ENGINE", None)
    proc = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "OK" in proc.stdout
    assert "[430.0, -1050.0, -120.0], ['LOW', 'CRITICAL', 'HIGH'], [0.0, 1.0, 2.0, 4.0, 4.0, 7.0]" in proc.stdout


#: a BOM and demand big enough for the by-line prange kernels: >= 4096 distinct demanded items (bom_unit_count /
#: bom_unit_explode run prange blocks) and >= 2**18 output rows (bom_expand_lines does too), from the main thread
_BIG_BY_LINE = textwrap.dedent("""
    import numpy as np, pandas as pd, bk_fast
    n, k = 5000, 64
    rng = np.random.default_rng(7)
    lines = pd.DataFrame({"parent": np.repeat(np.arange(n), k),
                          "component": 10**6 + rng.integers(0, 400, n * k), "qty_per": rng.random(n * k)})
    bom = bk_fast.BOM.from_frame(lines)
    demand = pd.DataFrame({"item": rng.permutation(n), "qty": rng.random(n)})
""")

_BOM_PARALLEL = _BIG_BY_LINE + textwrap.dedent("""
    import threading
    from bk_fast._kernels._numba import bom as nb
    expected = bom.explode(demand, by_line=True, engine="numpy")
    assert len(expected) >= 2 ** 18 and demand["item"].nunique() >= nb._PARALLEL_TOPS
    main = bom.explode(demand, by_line=True, engine="numba")  # main thread: the parallel kernels
    pd.testing.assert_frame_equal(main, expected, check_exact=True)
    barrier = threading.Barrier(8)
    results, errors = [None] * 8, []
    def work(t):
        barrier.wait()
        try:
            for _ in range(3):
                results[t] = bom.explode(demand, by_line=True, engine="numba")
        except BaseException as exc:
            errors.append(repr(exc))
    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    [t.start() for t in threads]; [t.join() for t in threads]
    assert not errors, errors
    for r in results:
        pd.testing.assert_frame_equal(r, expected, check_exact=True)
    print("OK", __import__("numba").threading_layer(), nb.parallel_allowed())
""")


@pytest.mark.parametrize("layer", ["default", "workqueue"])
def test_bom_parallel_by_line_kernels_from_8_threads(layer):
    """BOM by-line explosion big enough for numba's prange kernels, from 8 threads at once, under the default
    threading layer and under ``workqueue`` (not thread-safe: concurrent parallel regions abort the process, so
    the kernels must fall back to serial there): same bits as the reference, no crash. In a subprocess, so that
    an abort fails this test only."""
    if not engine_status("numba").available:
        pytest.skip(f"numba unavailable: {engine_status('numba').reason}")
    env = dict(os.environ)
    env.pop("NUMBA_THREADING_LAYER", None)
    if layer != "default":
        env["NUMBA_THREADING_LAYER"] = layer
    proc = subprocess.run([sys.executable, "-c", _BOM_PARALLEL], capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0 and "OK" in proc.stdout, (proc.returncode, proc.stderr[-3000:])
    if layer == "workqueue":
        assert "OK workqueue True" in proc.stdout  # the main thread ran the parallel kernels under workqueue


_FORK_AFTER_PARALLEL = _BIG_BY_LINE + textwrap.dedent("""
    import os, sys, numba
    if sys.argv[1] == "bom":
        expected = bom.explode(demand, by_line=True, engine="numba")  # a parallel region in the parent
    else:  # the application's own parallel code (a pre-forking server's warm-up): the BOM kernels load later
        @numba.njit(parallel=True)
        def warm(x):
            s = 0.0
            for i in numba.prange(x.shape[0]):
                s += x[i]
            return s

        warm(np.ones(10 ** 6))
        assert "bk_fast._kernels._numba.bom" not in sys.modules
        expected = bom.explode(demand, by_line=True, engine="numpy")
    layer = numba.threading_layer()
    pid = os.fork()  # (multiprocessing's fork start method, a ProcessPoolExecutor, a pre-forking server)
    if pid == 0:
        try:
            from bk_fast._kernels._numba import bom as nb
            assert nb.parallel_allowed() == (layer != "omp")
            got = bom.explode(demand, by_line=True, engine="numba")
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    print("layer", layer, "child exit", os.waitstatus_to_exitcode(status), flush=True)
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("parent_ran", ["bom", "own_prange"])
def test_numba_by_line_explode_in_a_child_forked_after_parallel_regions(parent_ran):
    """A process forked after its parent ran parallel regions under GNU OpenMP (numba's default layer here) was
    terminated by OpenMP on its first parallel region ("fork() called from a process already using GNU
    OpenMP"); such a child now runs the serial kernels: same bits, exit 0. Also when the parent's parallel
    regions were its own and bk_fast's numba BOM kernels load only in the child (a review: the hook was
    registered with those kernels, after the fork)."""
    if not engine_status("numba").available:
        pytest.skip(f"numba unavailable: {engine_status('numba').reason}")
    env = dict(os.environ)
    env.pop("NUMBA_THREADING_LAYER", None)  # the default layer a user gets
    proc = subprocess.run([sys.executable, "-c", _FORK_AFTER_PARALLEL, parent_ran], capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0 and "child exit 0" in proc.stdout, (proc.stdout, proc.stderr[-2000:])


def test_numba_parallel_allowed_off_the_main_thread():
    """Off the main thread, the BOM kernels go parallel only under a thread-safe threading layer."""
    if not engine_status("numba").available:
        pytest.skip(f"numba unavailable: {engine_status('numba').reason}")
    import numba

    from bk_fast._kernels._numba import bom as nb

    assert nb.parallel_allowed()  # pytest runs tests in the main thread
    seen = []
    th = threading.Thread(target=lambda: seen.append(nb.parallel_allowed()))
    th.start()
    th.join()
    try:
        layer = numba.threading_layer()
    except ValueError:
        layer = None
    assert seen == [layer in ("omp", "tbb")]


# ----------------------------------------------------------------------------------------------------------
# GIL release


def test_numba_kernels_are_nogil():
    if not engine_status("numba").available:
        pytest.skip(f"numba unavailable: {engine_status('numba').reason}")
    not_nogil = []
    for name in kernels():
        fn = resolve(name, "numba")
        # a plain-Python selector (BOM by-line: parallel or serial kernel) lists the compiled kernels it calls
        for compiled in getattr(fn, "compiled_kernels", (fn,)):
            if not getattr(compiled, "targetoptions", {}).get("nogil"):
                not_nogil.append(f"{name} ({getattr(compiled, '__name__', compiled)})")
    assert not not_nogil, f"numba kernels compiled without nogil=True: {not_nogil}"


def _pyx_functions(src: str) -> dict[str, str]:
    """Top-level ``def`` bodies of a .pyx file, by name."""
    parts = re.split(r"(?m)^(?=def |cdef |cpdef |ctypedef |cdef extern)", src)
    out = {}
    for part in parts:
        m = re.match(r"def (\w+)\(", part)
        if m:
            out[m.group(1)] = part
    return out


def test_cython_kernels_release_the_gil():
    """Every Cython kernel's body has a ``with nogil:`` block (or is declared nogil): checked on the source, so
    that a new kernel cannot silently hold the GIL."""
    root = Path(bk_fast.__file__).parent / "_kernels"
    pyx = {p.stem[1:]: p.read_text() for p in root.glob("_*.pyx")}
    if not pyx:
        pytest.skip("no .pyx sources next to the package (installed without sources)")
    holding = []
    for name, kern in kernels().items():
        funcs = _pyx_functions(pyx.get(kern.capability, ""))
        body = funcs.get(name)
        if body is None:
            holding.append(f"{name} (no def in _{kern.capability}.pyx)")
        elif "nogil" not in body:
            holding.append(name)
    assert not holding, f"Cython kernels that never release the GIL: {holding}"


def _long_calls():
    """Long kernel calls, recorded from the public API with big inputs: {label: Call} (compiled engines)."""
    from bk_fast.lots import WagnerWhitin

    out = {}
    rng = np.random.default_rng(5)
    # (2.4e7 rows: ~40 ms a call here; at 1.2e7 a fast machine ran it in 19 ms, below the 20 ms that
    # test_gil_released_during_long_kernels needs to tell a held GIL from a released one)
    n = 24_000_000
    values, keys = rng.normal(size=n), rng.integers(0, 16, n)
    gross = np.abs(rng.normal(size=(1, 6000))) * 10
    for eng in ("cython", "numba"):
        if not engine_status(eng).available:
            continue
        log = H.record(lambda: bk_fast.segmented_cumsum(values, keys, engine=eng), keep=1, copy_args=False)
        out[f"segmented_cumsum[{eng}] 2.4e7 rows"] = log["segmented_cumsum"][0]
        if H.importable("netting") is None:
            log = H.record(lambda: bk_fast.net_requirements(gross, 0.0, lot=WagnerWhitin(setup=30, holding=1),
                                                            engine=eng), keep=1)
            out[f"net_items[{eng}] Wagner-Whitin 6000 periods"] = log["net_items"][0]
    return out


@pytest.fixture(scope="module")
def long_calls():
    calls = _long_calls()
    if not calls:
        pytest.skip("no compiled engine available")
    for call in calls.values():  # warm up (numba compile, page faults)
        call.fn(*call.args)
    return calls


def _heartbeat(call) -> tuple[float, float, int]:
    """Run ``call`` in a worker while this thread counts; returns (kernel wall time, longest pause of this
    thread inside the kernel's window, beats in the window)."""
    window = {}
    started = threading.Event()

    def worker():
        started.set()
        window["t0"] = time.perf_counter()
        call.fn(*call.args)
        window["t1"] = time.perf_counter()

    beats = []
    th = threading.Thread(target=worker)
    th.start()
    started.wait()
    while th.is_alive():
        beats.append(time.perf_counter())
    th.join()
    t0, t1 = window["t0"], window["t1"]
    inside = [t0] + [b for b in beats if t0 < b < t1] + [t1]
    return t1 - t0, max(np.diff(inside)), len(inside) - 2


def test_gil_released_during_long_kernels(long_calls):
    """While a compiled kernel runs in one thread, another Python thread keeps running: its longest pause is
    well below the kernel's duration (holding the GIL would stop it for the whole call). Independent of how
    many cores are free."""
    report = []
    for label, call in long_calls.items():
        best = None
        for _ in range(3):
            dur, gap, beats = _heartbeat(call)
            if best is None or gap / dur < best[1] / best[0]:
                best = (dur, gap, beats)
            if gap < 0.5 * dur and beats > 10:
                break
        dur, gap, beats = best
        report.append(f"{label}: kernel {dur * 1e3:.0f} ms, longest pause of the other thread {gap * 1e3:.1f} ms, "
                      f"{beats} beats")
        assert dur > 0.02, f"{label}: kernel too short ({dur * 1e3:.1f} ms) to tell"
        assert gap < 0.5 * dur and beats > 10, "GIL held during the kernel:\n" + "\n".join(report)
    print("\n".join(report))


def _schedstat() -> tuple[int, int] | None:
    """(ns on a CPU, ns runnable but waiting for one) of the calling thread so far, from
    /proc/self/task/<tid>/schedstat; None where the kernel does not provide it."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as fh:
            run, wait = fh.read().split()[:2]
        return int(run), int(wait)
    except (OSError, ValueError, AttributeError):
        return None


class _Try:
    """One try: one thread calling twice, then two threads calling once each at the same moment.

    Besides the wall-clock ratio it records, for each of the two threads, what its kernel call's wall window
    was made of (Linux schedstat): time on a CPU, time runnable but waiting for a CPU (another process had
    it: the machine), and the rest, time *blocked* (asleep: waiting for the GIL or another lock). A kernel
    that serialises the threads shows as one thread blocked for about half of the time it was not waiting for
    a CPU, whatever the load; a busy machine shows as waiting for a CPU, never as blocked."""

    def __init__(self, call, args2):
        def once(args):
            call.fn(*args)

        c0, t = time.thread_time(), time.perf_counter()
        once(call.args)
        once(args2)
        self.serial = time.perf_counter() - t
        self.solo_cpu = (time.thread_time() - c0) / 2
        barrier = threading.Barrier(2)
        self.threads = [None, None]

        def run(i, args):
            # the window opens before the barrier: a thread that cannot get the GIL after it (the other one
            # holds it in a call) must show that wait as blocked, not start its clock only once it has the GIL
            s0, c, t0 = _schedstat(), time.thread_time(), time.perf_counter()
            barrier.wait()
            once(args)
            t1, c1, s1 = time.perf_counter(), time.thread_time(), _schedstat()
            window = t1 - t0
            if s0 is None or s1 is None:
                self.threads[i] = (window, c1 - c, None, None, None)
            else:
                on_cpu, waiting = (s1[0] - s0[0]) / 1e9, (s1[1] - s0[1]) / 1e9
                self.threads[i] = (window, c1 - c, waiting, max(window - on_cpu - waiting, 0.0), on_cpu)

        ths = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate((call.args, args2))]
        t = time.perf_counter()
        [th.start() for th in ths]
        [th.join() for th in ths]
        self.parallel = time.perf_counter() - t
        self.ratio = self.serial / self.parallel
        self.control = _control_speedup(attempts=1)

    @property
    def has_schedstat(self) -> bool:
        return all(th[2] is not None for th in self.threads)

    @property
    def blocked(self) -> float:
        """Largest share a thread spent blocked of the time it was not waiting for a CPU (blocked + on a
        CPU): ~0.5 for one of two threads serialised by the GIL, at any load; 0 without schedstat."""
        return max((th[3] / max(th[3] + th[4], 1e-9) if th[3] is not None else 0.0) for th in self.threads)

    @property
    def waiting(self) -> float:
        """Share of the two windows spent waiting for a CPU."""
        if not self.has_schedstat:
            return 0.0
        return sum(th[2] for th in self.threads) / sum(th[0] for th in self.threads)

    @property
    def slowdown(self) -> float:
        """CPU time per call when the two run together / alone (> 1: they shared something, e.g. one core)."""
        return sum(th[1] for th in self.threads) / 2 / self.solo_cpu

    def __str__(self) -> str:
        text = f"{self.ratio:.2f}x [control {self.control:.2f}x"
        if self.has_schedstat:
            text += f", blocked {self.blocked:.0%}, waiting for a CPU {self.waiting:.0%}"
        return text + f", CPU per call x{self.slowdown:.2f}]"


def _speedup(call, need: float, attempts: int = 4) -> list[_Try]:
    """Up to ``attempts`` tries, stopping at the first that reaches ``need``, or after two that show a busy
    machine (threads waiting for a CPU, not blocked: more tries would only measure the load)."""
    args2 = call.fresh_args()
    tries = []
    for _ in range(attempts):
        tries.append(_Try(call, args2))
        if tries[-1].ratio >= need:
            break
        if len(tries) >= 2 and all(t.has_schedstat and t.blocked < 0.3 and t.waiting > 0.3 for t in tries):
            break
    return tries


def _control_speedup(attempts: int = 5) -> float:
    """2-thread speed-up of hashlib (releases the GIL on large buffers): ~2x whenever the machine gives this
    process two cores at that moment."""
    import hashlib

    data = _CONTROL_DATA

    def work():
        hashlib.sha256(data).digest()

    best = 0.0
    for _ in range(attempts):
        t = time.perf_counter()
        work()
        work()
        serial = time.perf_counter() - t
        threads = [threading.Thread(target=work) for _ in range(2)]
        t = time.perf_counter()
        [th.start() for th in threads]
        [th.join() for th in threads]
        best = max(best, serial / (time.perf_counter() - t))
        if best >= 1.8:
            break
    return best


_CONTROL_DATA = np.random.default_rng(0).bytes(32 << 20)


def test_two_threads_at_least_1_6x_faster_than_one_calling_twice(long_calls):
    """Two threads running a long kernel finish >= 1.6x faster than one thread calling it twice.

    Why this was flaky, and how it is judged now: on this project's shared 2-core VM the 2-thread ratio of
    *every* workload (our kernels, numpy, hashlib, a pure register FP loop) follows how much CPU the machine
    gives the process at that moment (measured: ratio ~= (CPU time of both threads) / wall in every try, at
    any load), and the hashlib control, measured a moment later, cannot vouch for the kernel's own window:
    the Cython ``net_items`` "serialised at ~1.05x while the control reached 1.7-2.0x" was that. The kernel
    itself never holds the GIL (its C code runs between PyEval_SaveThread/RestoreThread with no Python API
    call, and its threads are never blocked). So each try also reads Linux schedstat for both threads: a try
    reaching the ratio passes; a kernel that serialises the threads shows one of them *blocked* (asleep on
    the GIL or a lock) for ~half its window whatever the load, which fails; a try short of the ratio whose
    threads were not blocked (they were waiting for a CPU, or slowed down together by the host) is the
    machine: the test is skipped with the figures. Without schedstat (not Linux), the hashlib control (right
    after every try) and the load decide."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if cores < 2:
        pytest.skip(f"needs 2 cores, this process may use {cores}")
    report, serialised, inconclusive = [], [], []
    for label, call in long_calls.items():
        # segmented_cumsum over 2.4e7 rows streams ~580 MB a call: two of them share the memory bus, which
        # caps them near 1.3-1.8x on this 2-core VM whatever the GIL does. The compute-bound kernel
        # (Wagner-Whitin's O(periods^2) loop) carries the 1.6x requirement; the memory-bound one must still
        # show real overlap (> 1.2x, impossible with the GIL held).
        need = 1.2 if label.startswith("segmented_cumsum") else 1.6
        tries = _speedup(call, need)
        best = max(t.ratio for t in tries)
        report.append(f"{label}: best {best:.2f}x, needs {need}x (tries " + "; ".join(map(str, tries)) + ")")
        if best >= need:
            continue
        if all(t.has_schedstat for t in tries):
            if sum(t.blocked >= 0.3 for t in tries) * 2 >= len(tries):
                serialised.append(label)
            else:
                inconclusive.append(label)
        elif all(t.control >= 1.6 for t in tries) and os.getloadavg()[0] <= cores - 0.5:
            # no schedstat (not Linux): only a quiet machine whose control reached 1.6x right after every try
            # counts against the kernel (a control at another moment cannot vouch for the kernel's window)
            serialised.append(label)
        else:
            inconclusive.append(label)
    print("\n".join(report))
    if serialised:
        pytest.fail("2 threads not >= 1.6x faster than one thread calling twice, and the kernel threads were "
                    "blocked (GIL or lock) or the machine was free: " + "; ".join(report))
    if inconclusive:
        pytest.skip(f"machine did not give 2 cores for {inconclusive} (threads not blocked): " + "; ".join(report))


def test_serialisation_detector_flags_a_call_that_holds_the_gil():
    """The judge of the speed-up test can fail: a compiled call that keeps the GIL (numpy sorting Python
    objects) shows one thread blocked for about half its time, at any load."""
    if _schedstat() is None:
        pytest.skip("no /proc/self/task/<tid>/schedstat here")

    class Held:
        objs = np.array([str(i) for i in range(200_000)], dtype=object)
        args = ()

        @staticmethod
        def fn():
            np.sort(Held.objs)

        def fresh_args(self):
            return ()

    tries = [_Try(Held(), ()) for _ in range(3)]
    assert sum(t.blocked >= 0.3 for t in tries) >= 2, "; ".join(map(str, tries))

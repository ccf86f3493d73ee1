"""Phase-3 drop-ins (``bk_fast.compat``) against the contract transcribed in plain pandas.

Baseline ``pandas`` is the test oracle ``tests/_original_phase3.py`` (the ERP's Phase-3 services as written);
the engines run ``bk_fast.compat.DataFrameOptimizer`` / ``MemoryOptimizer``. Yarn and work-center ids are
integers or text (``str`` dtype) as a parameter: hashing text is the floor there.

``python -m benchmarks.bench_compat [--hot] [rows ...]`` measures every method (``--hot``: the five
kernel-backed ones) in one run (median of several runs, all engines and the baseline), prints the markdown
table kept in ``benchmarks/results/compat.md`` and, with 1e6 rows, the issue's targets met or not.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pandas as pd

from bk_fast.compat import DataFrameOptimizer, MemoryOptimizer
from bk_fast.compat._synthetic import phase3_frames

from .common import ENGINES, cached, check_engine, rotated

NOW = pd.Timestamp("2026-02-02 08:00:00")
METHODS = ENGINES + ["pandas"]
SIZES = [10_000, 1_000_000]


def original():
    """The contract in plain pandas (the tests' oracle), or NotImplementedError outside a checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    tests = os.path.join(here, os.pardir, "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    try:
        from _original_phase3 import OriginalDataFrameOptimizer, OriginalMemoryOptimizer
    except ImportError:  # pragma: no cover - installed without the tests
        raise NotImplementedError("tests/_original_phase3.py not found") from None
    return OriginalDataFrameOptimizer, OriginalMemoryOptimizer


def _text_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """Frames for the text/date/cost/memory methods: padded ids, prices with $ and commas, date strings."""
    rng = np.random.default_rng(seed)
    day = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    return pd.DataFrame({
        "yarn_id": pd.Series(np.char.add(" y", rng.integers(0, 5000, n).astype("U6")), dtype="str"),
        "supplier": pd.Series(np.char.add("Mill ", rng.integers(0, 100, n).astype("U3")), dtype="str"),
        "unit_price": pd.Series(np.char.add("$1,", rng.integers(100, 999, n).astype("U3")), dtype="str"),
        "order_date": pd.Series(day.strftime("%Y-%m-%d"), dtype="str"),
        "delivery_date": pd.Series((day + pd.Timedelta(days=9)).strftime("%Y-%m-%d"), dtype="str"),
        "due_date": pd.Series((day + pd.Timedelta(days=30)).strftime("%Y-%m-%d"), dtype="str"),
        "material_cost": np.round(rng.gamma(1.0, 50.0, n), 2),
        "labor_cost": np.round(rng.gamma(1.0, 20.0, n), 2),
        "overhead_cost": np.round(rng.gamma(1.0, 5.0, n), 2),
        "quantity": rng.integers(0, 100, n),
        "theoretical_balance": np.round(rng.normal(500, 300, n), 2),
        "allocated": np.where(rng.random(n) < 0.1, -np.round(rng.gamma(1, 100, n), 2), 0.0),
        "on_order": np.where(rng.random(n) < 0.06, np.round(rng.gamma(1, 900, n), 2), 0.0),
    })


# method name -> (frames needed, how to call it, whether it mutates its inputs)
def _calls(f):
    text = f["text"]
    return {
        "optimize_yarn_allocation": (lambda C, **k: C.optimize_yarn_allocation(f["yarn"], f["orders"], **k), ()),
        # (these three add their result columns to the caller's frame, by contract: each call gets a fresh copy,
        # made outside the timed call; a reused frame already held the columns, which flattered the engines)
        "optimize_production_scheduling": (
            lambda C, wo, **k: C.optimize_production_scheduling(wo, f["capacity"], now=NOW, **k), ("work_orders",)),
        "optimize_bom_explosion": (lambda C, bom, **k: C.optimize_bom_explosion(bom, 3.5, **k), ("bom",)),
        "optimize_planning_balance_calculation": (
            lambda C, inv, **k: C.optimize_planning_balance_calculation(inv, **k), ("inventory_pb",)),
        "optimize_shortage_detection": (lambda C, **k: C.optimize_shortage_detection(f["inventory"], **k), ()),
        "optimize_cost_calculation": (lambda C, df: C.optimize_cost_calculation(df), ("text",)),
        "optimize_date_calculations": (lambda C, df: C.optimize_date_calculations(df, now=NOW), ("text",)),
        "optimize_string_operations": (lambda C, df: C.optimize_string_operations(df), ("text",)),
        "optimize_aggregations": (lambda C: C.optimize_aggregations(
            text, ["supplier"], {"material_cost": ["sum", "max"], "quantity": "mean"}), ()),
        "optimize_conditional_updates": (lambda C, df: C.optimize_conditional_updates(
            df, [(df["quantity"] > 50, 2), (df["quantity"] > 0, 1)], "band"), ("text",)),
        "optimize_memory_usage": (lambda C, df: C.optimize_memory_usage(df), ("text",)),
        "optimize_merge_operations": (lambda C, df: C.optimize_merge_operations(
            df, f["suppliers"].copy(), "supplier"), ("text",)),
        "apply_all_optimizations": (lambda C, df: C.apply_all_optimizations(df, now=NOW), ("text",)),
        "optimize_dataframe": (lambda C, df: C.optimize_dataframe(df), ("text",)),
    }


HOT = ["optimize_yarn_allocation", "optimize_production_scheduling", "optimize_bom_explosion",
       "optimize_planning_balance_calculation", "optimize_shortage_detection"]


def frames(rows: int, string_ids: bool) -> dict:
    f = phase3_frames(int(rows), seed=0, string_ids=string_ids)
    f["text"] = _text_frame(int(rows))
    # (the planning-balance input without its result column: the method adds it to the frame it is given)
    f["inventory_pb"] = f["inventory"].drop(columns="planning_balance")
    f["suppliers"] = pd.DataFrame({"supplier": pd.Series([f"Mill {i}" for i in range(100)], dtype="str"),
                                   "region": pd.Series(["N", "S", "E", "W"] * 25, dtype="str")})
    return f


def runner(name: str, method: str, f: dict):
    """A no-argument callable running ``name`` with ``method`` (an engine or ``"pandas"``) on fresh copies of
    the frames it mutates (the copy is made by ``prepare`` outside the timed call)."""
    odf, omem = original()
    call, mutated = _calls(f)[name]
    if name == "optimize_dataframe":
        target = omem if method == "pandas" else MemoryOptimizer
    else:
        target = odf if method == "pandas" else DataFrameOptimizer
    if name in HOT and method != "pandas":
        return (lambda *frames_: call(target, *frames_, engine=method)), mutated
    return (lambda *frames_: call(target, *frames_)), mutated


_DEPS = ("bk_fast.compat._synthetic",)  # what frames() depends on beyond this file


class Phase3Hot:
    """Hot drop-ins (kernels, three engines) vs the transcription, integer and text ids."""

    params = [HOT, METHODS, SIZES, ["int", "str"]]
    param_names = ["function", "method", "rows", "ids"]
    number = 1  # (a method that adds columns to its input gets a fresh copy per sample: setup makes it)
    timeout = 600

    def setup(self, function, method, rows, ids):
        if method in ENGINES:
            check_engine(method)
        self.f = cached(frames, rows, ids == "str", deps=_DEPS)  # built once per machine (benchmarks/common.py)
        self.run, mutated = runner(function, method, self.f)
        self.run(*[self.f[k].copy() for k in mutated])  # warm the JIT
        self.args = [self.f[k].copy() for k in mutated]  # (cached inputs are read-only: copies for the call)

    def time_call(self, function, method, rows, ids):
        self.run(*self.args)


class Phase3Other:
    """The other contract methods (plain pandas inside the drop-in too): no slower than the transcription."""

    params = [[name for name in _calls(frames(10, False)) if name not in HOT], ["bk_fast", "pandas"], SIZES]
    param_names = ["function", "method", "rows"]
    number = 1
    repeat = (3, 10, 30.0)
    timeout = 600

    def setup(self, function, method, rows):
        self.f = cached(frames, rows, False, deps=_DEPS)
        self.run, self.mutated = runner(function, "cython" if method == "bk_fast" else "pandas", self.f)
        self.args = [self.f[k].copy() for k in self.mutated]

    def time_call(self, function, method, rows):
        self.run(*self.args)


#: issue 3's Done-when: minimum speed-up over the transcription at 1e6 rows, by (method, ids)
TARGETS = {("optimize_yarn_allocation", "int"): 5.0, ("optimize_yarn_allocation", "str"): 2.0,
           ("optimize_production_scheduling", "int"): 5.0, ("optimize_production_scheduling", "str"): 2.0,
           ("optimize_bom_explosion", "int"): 5.0, ("optimize_bom_explosion", "str"): 2.0,
           ("optimize_planning_balance_calculation", "int"): 2.0,
           ("optimize_planning_balance_calculation", "str"): 2.0,
           ("optimize_shortage_detection", "int"): 2.0, ("optimize_shortage_detection", "str"): 2.0}


def targets(table: str, rows: int = 1_000_000) -> str:
    """The issue's targets against a :func:`measure` table: one line per hot method, ids and compiled engine
    with the wall and CPU speed-ups and whether the target is met (judged on the CPU speed-up)."""
    lines = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or cells[0] != f"{rows:,}" or cells[3] not in ("cython", "numba"):
            continue
        goal = TARGETS.get((cells[2], cells[1]))
        if goal is None:
            continue
        cpu = float(cells[7].rstrip("x"))
        lines.append(f"{cells[2]} ({cells[1]} ids, {cells[3]}): wall {cells[5]}, CPU {cells[7]} "
                     f"(target {goal:g}x: {'met' if cpu >= goal else 'NOT met'})")
    return "\n".join(lines)


def measure(rows_list=(10_000, 1_000_000), repeat: int = 5, hot_only: bool = False) -> str:
    """Every method x (engines + pandas) in one run, round-robin (each repeat times every method once, so load
    swings on a shared machine hit them alike): median wall time and median CPU time, with the speed-up over
    the pandas transcription for each. ``hot_only``: only the kernel-backed methods. Returns a markdown
    table."""
    out = ["| rows | ids | function | method | median wall ms | wall speed-up | median CPU ms | CPU speed-up |",
           "|---|---|---|---|---|---|---|---|"]
    available = [e for e in ENGINES if _available(e)]
    for rows in rows_list:
        for ids in ("int", "str"):
            f = frames(rows, ids == "str")
            for name in _calls(f):
                if (ids == "str" or hot_only) and name not in HOT:
                    continue
                methods = ["pandas"] + (available if name in HOT else ["cython"])
                runners = {m: runner(name, m, f) for m in methods}
                wall = {m: [] for m in methods}
                cpu = {m: [] for m in methods}
                runs = repeat if name in HOT else max(3, repeat // 2)
                for r in range(runs + 1):
                    for method in rotated(methods, r):  # (each round starts one further: see common.rotated)
                        run, mutated = runners[method]
                        args = [f[k].copy() for k in mutated]
                        w0, c0 = time.perf_counter(), time.process_time()
                        run(*args)
                        if r:  # the first round warms up
                            wall[method].append(time.perf_counter() - w0)
                            cpu[method].append(time.process_time() - c0)
                w_base, c_base = np.median(wall["pandas"]), np.median(cpu["pandas"])
                for method in methods:
                    w, c = np.median(wall[method]), np.median(cpu[method])
                    label = method if name in HOT or method == "pandas" else "bk_fast"
                    out.append(f"| {rows:,} | {ids} | {name} | {label} | {w * 1e3:.2f} | {w_base / w:.1f}x | "
                               f"{c * 1e3:.2f} | {c_base / c:.1f}x |")
                    print(out[-1], file=sys.stderr, flush=True)
    return "\n".join(out)


def _available(engine: str) -> bool:
    try:
        check_engine(engine)
        return True
    except NotImplementedError:
        return False


if __name__ == "__main__":  # pragma: no cover
    # python -m benchmarks.bench_compat [--hot] [rows ...]: the table, then the targets at 1e6 rows
    args = [a for a in sys.argv[1:] if a != "--hot"]
    sizes = [int(float(a)) for a in args] or [10_000, 1_000_000]
    table = measure(sizes, hot_only="--hot" in sys.argv[1:])
    print(table)
    if 1_000_000 in sizes:
        print()
        print(targets(table))

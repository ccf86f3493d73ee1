"""One-run measurement of the spine's performance targets (issue 2's "Done when"), all methods in one process.

    python -m benchmarks.spine_ratios            # prints a markdown table

- ``yarn_risk`` at 1e6 rows: cython / numba vs idiomatic pandas and vs polars (polars frame in and out);
- ``yarn_risk`` at 1e4 rows vs iterrows;
- the planning-balance kernel on bare arrays vs NumPy's ``a + b + c`` at 1e6 rows.

Wall-clock medians of repeated runs (polars uses several threads, so CPU time would be unfair to it).
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

import bk_fast
from bk_fast._engine import resolve

from .bench_inventory import risk_iterrows, risk_pandas, risk_polars
from .common import inventory


def median_time(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(repeat: int = 21) -> list[tuple[str, str, float, str]]:
    import polars as pl

    rows = []
    big = inventory(1_000_000)
    big_pl = pl.from_pandas(big)
    t = {"pandas": median_time(lambda: risk_pandas(big), repeat),
         "polars": median_time(lambda: risk_polars(big_pl), repeat)}
    for engine in ("cython", "numba", "numpy"):
        t[engine] = median_time(lambda e=engine: bk_fast.yarn_risk(big, engine=e), repeat)
    for name, sec in t.items():
        rows.append(("yarn_risk", "1e6", sec,
                     f"{name}: vs pandas {t['pandas'] / sec:.1f}x, vs polars {t['polars'] / sec:.1f}x"))
    small = inventory(10_000)
    loop = median_time(lambda: risk_iterrows(small), 3)
    rows.append(("yarn_risk", "1e4", loop, "iterrows"))
    for engine in ("cython", "numba", "numpy"):
        sec = median_time(lambda e=engine: bk_fast.yarn_risk(small, engine=e), repeat * 5)
        rows.append(("yarn_risk", "1e4", sec, f"{engine}: vs iterrows {loop / sec:,.0f}x"))
    a, b, c = (np.ascontiguousarray(big[k].fillna(0).to_numpy())
               for k in ("Theoretical Balance", "Allocated", "On Order"))
    out = np.empty_like(a)
    floor = median_time(lambda: a + b + c, repeat * 5)
    rows.append(("planning_balance kernel", "1e6", floor, "numpy a + b + c"))
    for engine in ("cython", "numba", "numpy"):
        kern = resolve("planning_balance", engine)
        sec = median_time(lambda k=kern: k(a, b, c, out), repeat * 5)
        rows.append(("planning_balance kernel", "1e6", sec, f"{engine}: {sec / floor:.2f}x the time of a + b + c"))
    return rows, t


def main() -> int:
    rows, _ = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
    print("| case | rows | median | note |\n|---|---:|---:|---|")
    for case, n, sec, note in rows:
        print(f"| {case} | {n} | {sec * 1e3:,.2f} ms | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Priority allocation benchmarks (asv): ``bk_fast.allocate`` on every engine against the baselines.

- ``TimeAllocate``: the full rule (time-phased supply, late deliveries) on order lines over items with 20
  receipt periods each; baseline ``python_loop``: a plain Python loop implementing the same rule.
- ``TimeAllocateDated``: the full rule on the same lines with dates (dues and weekly receipts on Mondays, as
  the ERP's data come): what dates cost against ``TimeAllocate``'s integer periods (the same rule, so the same
  Python loop baseline there).
- ``TimeAllocateOnHand``: one on-hand period, no lateness; baseline ``pandas_cumsum``: the ERP's allocation
  (merge availability, stable sort by priority and date, per-yarn running sum).
- ``TimeOnHandERPFrame``: the same on-hand case on the ERP's frames through the drop-in
  ``compat.DataFrameOptimizer.optimize_yarn_allocation`` (the ERP's merged frame as the answer); baseline
  ``pandas``: that call with ``engine="pandas"``, the ERP's own pandas code.
- ``TimeAllocateKits``: ``erp.allocate_knit_orders`` on ``make_mill(scale)``; baseline ``python_loop``: the
  ERP's domain-manager greedy (every knit order, every BOM row, in score order).

Run: ``asv run -E existing --bench bench_allocation`` or ``python -m benchmarks.bench_allocation [repeats]
[--targets]`` for one table of medians and ratios measured in one run (engines and baselines interleaved
round by round), followed by the issue's two targets.
"""

from __future__ import annotations

import os
import statistics
from bisect import bisect_right
import sys
import time

import numpy as np
import pandas as pd

ENGINES = ["cython", "numba", "numpy"]
PERIODS = 20

try:  # the mill and its compiled BOM, built once per machine (benchmarks/common.py)
    from benchmarks.common import mill, mill_bom, rotated, under_asv
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    from common import mill, mill_bom, rotated, under_asv


def make_orders(n_orders: int, n_items: int, periods: int = PERIODS, seed: int = 0):
    """Order lines (``order, item, qty, priority, due``) and time-phased supply (``item, period, qty``):
    Desc#-like integer items, due periods 0..periods-1, supply about 80 % of demand (on hand + receipts)."""
    rng = np.random.default_rng(seed)
    item = 10_000 + rng.integers(0, n_items, n_orders)
    qty = np.round(rng.uniform(1.0, 100.0, n_orders), 2)
    orders = pd.DataFrame({"order": np.arange(n_orders, dtype=np.int64), "item": item, "qty": qty,
                           "priority": rng.integers(1, 100, n_orders), "due": rng.integers(0, periods, n_orders)})
    per_item = 50.5 * n_orders / n_items * 0.8
    s_item = np.repeat(10_000 + np.arange(n_items), periods)
    s_period = np.tile(np.arange(periods), n_items)
    share = rng.uniform(0.0, 2.0, (n_items, periods))
    share[:, 0] += periods * 0.3  # a sizeable on hand
    share /= share.sum(axis=1, keepdims=True)
    supply = pd.DataFrame({"item": s_item, "period": s_period, "qty": np.round((share * per_item).ravel(), 2)})
    return orders, supply


def make_dated(n_orders: int, n_items: int, seed: int = 0):
    """:func:`make_orders` with dates: period ``p`` is the Monday ``p`` weeks after 2025-09-01 (datetime64[s],
    as ``pd.to_datetime`` of a date column gives), for the dues and the supply."""
    orders, supply = make_orders(n_orders, n_items, PERIODS, seed)
    week = np.datetime64("2025-09-01", "s") + np.arange(PERIODS) * np.timedelta64(7, "D")
    return (orders.assign(due=week[orders["due"].to_numpy()]),
            supply.assign(period=week[supply["period"].to_numpy()]))


def make_on_hand(n_orders: int, n_items: int, seed: int = 0):
    """The on-hand-only case: the same orders, one on-hand row per item (60 % of demand), all due now."""
    orders, _ = make_orders(n_orders, n_items, 1, seed)
    rng = np.random.default_rng(seed + 1)
    on_hand = pd.DataFrame({"item": 10_000 + np.arange(n_items), "period": 0,
                            "qty": np.round(rng.uniform(0.2, 1.0, n_items) * 50.5 * n_orders / n_items, 2)})
    return orders, on_hand


# ----------------------------------------------------------------------------------------------------------
# baselines


def python_loop_allocate(orders: pd.DataFrame, supply: pd.DataFrame, max_lateness=None):
    """The full rule as a plain Python loop: per item a list of free cumulative supply; every order, in
    (priority, due, order) order, takes at the earliest period whose suffix minimum is positive; a remainder
    within the rounding tolerance (``min((2 x supply rows + orders + 2) x 2**-53 x the item's sum of
    |supply qty|, 2**-20 x qty)``) is met."""
    max_late = float("inf") if max_lateness is None else max_lateness
    timeline, magnitude, ops = {}, {}, {}
    for it, t, q in zip(supply["item"].tolist(), supply["period"].tolist(), supply["qty"].tolist()):
        timeline.setdefault(it, {})
        timeline[it][t] = timeline[it].get(t, 0.0) + q
        magnitude[it] = magnitude.get(it, 0.0) + abs(q)
        ops[it] = ops.get(it, 2.0) + 2.0
    for it in orders["item"].tolist():
        ops[it] = ops.get(it, 2.0) + 1.0
    free, times = {}, {}
    for it, d in timeline.items():
        ts = sorted(d)
        acc, cum = 0.0, []
        for t in ts:
            acc += d[t]
            cum.append(acc)
        free[it], times[it] = cum, ts
    rows = sorted(zip(orders["priority"].tolist(), orders["due"].tolist(), orders["order"].tolist(),
                      range(len(orders)), orders["item"].tolist(), orders["qty"].tolist()))
    deliveries, short = [], [0.0] * len(orders)
    for _, due, oid, row, it, q in rows:
        f, ts = free.get(it), times.get(it)
        rem = q
        # a remainder within the rounding of the item's float sums is met (the rule's tolerance)
        tol = min(ops[it] * 2.0 ** -53 * magnitude.get(it, 0.0), q * 2.0 ** -20)
        if f:
            p = len(f)
            # the due's period: the last t <= due, by bisection (as the engines find it; a linear scan over
            # every period made this baseline ~1.1-1.2x slower than it needs to be)
            m = max(bisect_right(ts, due) - 1, 0)
            while rem > 0 and m < p and ts[m] - due <= max_late:
                run, m2 = float("inf"), p
                for j in range(p - 1, m - 1, -1):
                    v = min(run, f[j])
                    if not v > 0:
                        break
                    run, m2 = v, j
                if m2 >= p or ts[m2] - due > max_late:
                    break
                x = min(rem, run)
                for j in range(m2, p):
                    f[j] -= x
                deliveries.append((oid, it, ts[m2], x))
                rem = 0.0 if x >= rem - tol else rem - x
                m = m2 + 1
        short[row] = rem
    return deliveries, short


def erp_frames(orders: pd.DataFrame, on_hand: pd.DataFrame):
    """The on-hand case's data in the frames the ERP's Phase-3 ``optimize_yarn_allocation`` takes: ``(yarn_df,
    orders_df)`` (``yarn_id, available_quantity``; ``yarn_id, required_quantity, priority, order_date``)."""
    yarn = on_hand.rename(columns={"item": "yarn_id", "qty": "available_quantity"})[["yarn_id",
                                                                                    "available_quantity"]]
    return yarn, orders.rename(columns={"item": "yarn_id", "qty": "required_quantity", "due": "order_date"})


def pandas_cumsum_allocate(orders: pd.DataFrame, on_hand: pd.DataFrame) -> pd.DataFrame:
    """The ERP's allocation (Phase-3 ``optimize_yarn_allocation``) on the same data (renamed by
    :func:`erp_frames` in the timed call, as the ERP's frames come)."""
    yarn, df = erp_frames(orders, on_hand)
    m = df.merge(yarn, on="yarn_id", how="left")
    m = m.sort_values(["priority", "order_date"], kind="stable")
    m["cumulative_demand"] = m.groupby("yarn_id")["required_quantity"].cumsum()
    m["can_fulfill"] = m["cumulative_demand"] <= m["available_quantity"]
    m["allocated_quantity"] = np.where(
        m["can_fulfill"], m["required_quantity"],
        np.maximum(0, m["available_quantity"] - (m["cumulative_demand"] - m["required_quantity"])))
    return m


def erp_style_index(bom):
    """The greedy loop's BOM index: style -> [(yarn, fraction)], built once (as the engine's BOM is compiled
    once: a service keeps both)."""
    rows_by_style = {}
    for style, yarn, frac in zip(bom["Style#"].tolist(), bom["Desc#"].tolist(), bom["BOM_Percentage"].tolist()):
        if isinstance(style, str) and yarn == yarn:
            rows_by_style.setdefault(style.strip(), []).append((int(yarn), frac))
    return rows_by_style


def erp_greedy_knit_orders(knit_orders, bom, inventory, today):
    """The ERP's domain-manager allocation as it is written: score every knit order, then loop over orders
    (score order) and their BOM rows with a running availability dict. ``bom``: the BOM frame, or its
    :func:`erp_style_index` built before."""
    avail = dict(zip(inventory["Desc#"].tolist(), inventory["Planning Balance"].fillna(0.0).tolist()))
    rows_by_style = bom if isinstance(bom, dict) else erp_style_index(bom)
    scored = []
    for _, ko in knit_orders.iterrows():
        shipped = ko["Shipped (lbs)"] if ko["Shipped (lbs)"] == ko["Shipped (lbs)"] else 0.0
        score = 1000.0 if shipped > 0 else 0.0
        if pd.notna(ko["Quoted Date"]):
            score += max(0.0, 100.0 - (ko["Quoted Date"] - today).days)
        ordered = ko["Qty Ordered (lbs)"] if ko["Qty Ordered (lbs)"] == ko["Qty Ordered (lbs)"] else 0.0
        score += min(0.1 * ordered, 50.0)
        scored.append((-score, ko["Order #"], ko))
    scored.sort(key=lambda s: (s[0], s[1]))
    result = {}
    for _, oid, ko in scored:
        balance = ko["Balance (lbs)"] if ko["Balance (lbs)"] == ko["Balance (lbs)"] else 0.0
        ok = True
        for yarn, frac in rows_by_style.get(str(ko["Style #"]).strip(), []):
            need = balance * frac
            have = max(avail.get(yarn, 0.0), 0.0)
            got = min(need, have)
            if need - got > 0:
                ok = False
            avail[yarn] = max(avail.get(yarn, 0.0) - got, 0.0)
        result[oid] = ok
    return result


# ----------------------------------------------------------------------------------------------------------
# asv suites


def _require(engine):
    if engine in ENGINES:
        import bk_fast

        if not bk_fast.engines()[engine].available:
            raise NotImplementedError(engine)


class TimeAllocate:
    """The full rule: 20 receipt periods per item, late deliveries allowed."""

    params = [ENGINES + ["python_loop"], [10_000, 1_000_000]]
    param_names = ["engine", "order_lines"]
    timeout = 600

    def setup(self, engine, n):
        _require(engine)
        if engine == "python_loop" and n > 10_000 and under_asv():
            raise NotImplementedError("the Python loop takes a minute at 1e6 lines (main() measures it)")
        self.orders, self.supply = make_orders(n, max(n // 100, 1))
        if engine in ENGINES:
            import bk_fast

            small_o, small_s = make_orders(200, 4)
            bk_fast.allocate(small_o, small_s, engine=engine)  # JIT warm-up

    def time_allocate(self, engine, n):
        if engine == "python_loop":
            python_loop_allocate(self.orders, self.supply)
        else:
            import bk_fast

            res = bk_fast.allocate(self.orders, self.supply, engine=engine)
            res.deliveries.shape  # the frames are built eagerly; touch them anyway


class TimeAllocateDated:
    """The full rule with dates: ``TimeAllocate``'s lines, dues and receipts on weekly Mondays."""

    params = [ENGINES, [10_000, 1_000_000]]
    param_names = ["engine", "order_lines"]
    timeout = 600

    def setup(self, engine, n):
        _require(engine)
        self.orders, self.supply = make_dated(n, max(n // 100, 1))
        import bk_fast

        small_o, small_s = make_dated(200, 4)
        bk_fast.allocate(small_o, small_s, engine=engine)  # JIT warm-up

    def time_allocate(self, engine, n):
        import bk_fast

        bk_fast.allocate(self.orders, self.supply, engine=engine)


class TimeAllocateOnHand:
    """One on-hand period, no lateness: what the ERP's running-sum allocation computes."""

    params = [ENGINES + ["pandas_cumsum"], [10_000, 1_000_000]]
    param_names = ["engine", "order_lines"]
    timeout = 600

    def setup(self, engine, n):
        _require(engine)
        self.orders, self.on_hand = make_on_hand(n, max(n // 100, 1))
        if engine in ENGINES:
            import bk_fast

            small_o, small_s = make_on_hand(200, 4)
            bk_fast.allocate(small_o, small_s, max_lateness=0, engine=engine)

    def time_allocate(self, engine, n):
        if engine == "pandas_cumsum":
            pandas_cumsum_allocate(self.orders, self.on_hand)
        else:
            import bk_fast

            bk_fast.allocate(self.orders, self.on_hand, max_lateness=0, engine=engine)


class TimeOnHandERPFrame:
    """The on-hand case as the ERP asks it: ``compat.DataFrameOptimizer.optimize_yarn_allocation`` on the ERP's
    frames, whose answer is the ERP's merged frame (every order row, its running sum and allocated qty) rather than
    ``allocate``'s deliveries, shortfalls and per-order summary. The engines run the drop-in's kernel
    (``allocation_keyed``); baseline ``pandas``: the same call with ``engine="pandas"``, which runs the ERP's own
    pandas code (merge, sort, per-yarn cumsum). Beside :class:`TimeAllocateOnHand` in one run, the two
    answers to the issue's on-hand question: bk_fast's general allocation and its ERP-shaped one."""

    params = [ENGINES + ["pandas"], [10_000, 1_000_000]]
    param_names = ["engine", "order_lines"]
    timeout = 600

    def setup(self, engine, n):
        _require(engine)
        self.yarn, self.orders = erp_frames(*make_on_hand(n, max(n // 100, 1)))
        from bk_fast.compat import DataFrameOptimizer

        small = erp_frames(*make_on_hand(200, 4))
        DataFrameOptimizer.optimize_yarn_allocation(*small, engine=engine)

    def time_optimize_yarn_allocation(self, engine, n):
        from bk_fast.compat import DataFrameOptimizer

        DataFrameOptimizer.optimize_yarn_allocation(self.yarn, self.orders, engine=engine)


class TimeAllocateKits:
    """Knit orders x BOM yarns against stock and weekly PO receipts (``erp.allocate_knit_orders``)."""

    params = [ENGINES + ["python_loop"], [1, 100]]
    param_names = ["engine", "mill_scale"]
    timeout = 600

    def setup(self, engine, scale):
        _require(engine)
        if engine == "python_loop" and scale > 1 and under_asv():
            raise NotImplementedError("the Python greedy takes about a minute at scale 100 (main() measures it)")
        from bk_fast.datasets import REFERENCE_DATE, make_mill

        self.today = REFERENCE_DATE
        self.mill = mill(scale)  # make_mill(scale=scale, seed=0)
        # each side's BOM index built once, outside the timed call, as a service would keep it: the engine's
        # compiled BOM, the greedy loop's style -> yarn rows dict (it was rebuilt in every timed loop call,
        # ~70 % of the loop's time at scale 10)
        if engine == "python_loop":
            self.bom = erp_style_index(self.mill["bom"])
        else:
            self.bom = mill_bom(scale)  # BOM.from_frame(self.mill["bom"])
        if engine in ENGINES:
            from bk_fast.erp import allocate_knit_orders

            small = make_mill(scale=0.05, seed=1)
            allocate_knit_orders(small["knit_orders"], small["bom"], small["yarn_inventory"], small["yarn_po"],
                                 today=self.today, engine=engine)

    def time_allocate_knit_orders(self, engine, scale):
        m = self.mill
        if engine == "python_loop":
            erp_greedy_knit_orders(m["knit_orders"], self.bom, m["yarn_inventory"], self.today)
        else:
            from bk_fast.erp import allocate_knit_orders

            # (mode="erp": the rule of the greedy loop it is compared with)
            allocate_knit_orders(m["knit_orders"], self.bom, m["yarn_inventory"], today=self.today, mode="erp",
                                 engine=engine)


# ----------------------------------------------------------------------------------------------------------
# one-run table (python benchmarks/bench_allocation.py [repeats])


def _time(fn):
    """Wall and CPU time of one call (CPU time of this process is steadier on a shared machine)."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def main(repeats: int = 5, suites=None) -> list:  # pragma: no cover - manual measurement
    """Every engine and baseline of the suites in one run, interleaved round by round, each round starting one
    further in the list (the slow ones, the Python loops and the numpy engine, in the first 3 rounds only);
    prints a markdown table of medians and ratios, then the issue's targets. Returns the rows."""
    rows = []
    for suite, size in suites or ((TimeAllocate, 1_000_000), (TimeAllocateDated, 1_000_000),
                                  (TimeAllocateOnHand, 1_000_000), (TimeOnHandERPFrame, 1_000_000),
                                  (TimeAllocateKits, 100)):
        runs = {}
        for engine in suite.params[0]:
            b = suite()
            try:
                b.setup(engine, size)
            except NotImplementedError:
                continue
            fn = getattr(b, [a for a in dir(b) if a.startswith("time_")][0])
            runs[engine] = (lambda fn=fn, engine=engine: fn(engine, size), [], [])
        for r in range(repeats):
            for engine in rotated(runs, r):  # (each round starts one further: see common.rotated)
                call, wall, cpu = runs[engine]
                if engine in ("python_loop", "numpy") and r >= 3:
                    continue
                w, c = _time(call)
                wall.append(w)
                cpu.append(c)
        for engine, (_, wall, cpu) in runs.items():
            rows.append((suite.__name__, size, engine, statistics.median(wall), statistics.median(cpu)))
            print(f"{suite.__name__:18s} {size:>10,} {engine:14s} wall {rows[-1][3] * 1e3:10.1f} ms  "
                  f"cpu {rows[-1][4] * 1e3:10.1f} ms  ({len(cpu)} runs)", flush=True)
    print()
    print("| case | size | engine / baseline | median wall | median CPU | baseline / this (wall) | (CPU) |")
    print("|---|---|---|---|---|---|---|")
    for case in dict.fromkeys(r[0] for r in rows):
        sub = [r for r in rows if r[0] == case]
        base = [r for r in sub if r[2] not in ENGINES]
        for c, size, name, wall, cpu in sub:
            rw = " / ".join(f"{b[2]} {b[3] / wall:,.1f}x" for b in base)
            rc = " / ".join(f"{b[2]} {b[4] / cpu:,.1f}x" for b in base)
            print(f"| {c} | {size:,} | {name} | {wall * 1e3:,.1f} ms | {cpu * 1e3:,.1f} ms | {rw} | {rc} |")
    print()
    by = {(r[0], r[2]): r for r in rows}
    for case, base, need in (("TimeAllocate", "python_loop", 100.0), ("TimeAllocateOnHand", "pandas_cumsum", 5.0),
                             ("TimeOnHandERPFrame", "pandas", 5.0)):
        if (case, base) not in by:
            continue
        for engine in ("cython", "numba"):
            if (case, engine) not in by:
                continue
            e, b = by[(case, engine)], by[(case, base)]
            rc, rw = b[4] / e[4], b[3] / e[3]
            met_c, met_w = ("met" if x >= need else "NOT met" for x in (rc, rw))
            print(f"target {case} {engine} >= {need:g}x {base}: CPU {rc:,.1f}x ({met_c}), wall {rw:,.1f}x ({met_w})")
    return rows


if __name__ == "__main__":  # pragma: no cover
    # python -m benchmarks.bench_allocation [repeats] [--targets]  (--targets: the two suites of the issue's
    # targets only, without the kits suite)
    os.environ.setdefault("NUMBA_CACHE_DIR", "/tmp/numba_cache")
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 5,
         ((TimeAllocate, 1_000_000), (TimeAllocateOnHand, 1_000_000), (TimeOnHandERPFrame, 1_000_000))
         if "--targets" in sys.argv else None)

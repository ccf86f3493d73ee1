"""Knit-machine scheduling: bk_fast's engines vs the baselines a planner would otherwise use.

Baselines beside the engines:
- ``python_loop``: the same list-scheduling rule (priority, due, id; earliest finish, then lower load, then
  lower machine id; changeovers) written the way a Python service would: one sort, dicts, one loop. Same
  answer as bk_fast (checked in tests/test_bench_scheduling.py);
- ``erp_cumsum``: what the ERP does (DOMAIN.md 7 / the Phase-3 optimizer): sort by priority and due date and
  take a per-work-center running sum of hours against the capacity. Different semantics (no machines, no
  calendar, every order starts "now"): reported for context only.

Suites: ``TimeSchedule`` (the public API end to end: frames in, calendar, machine table out), ``TimeListKernel``
(the scheduling loop alone on prepared arrays, against the same loop in plain Python), ``TimeKnitOrders``
(``erp.schedule_knit_orders`` on the knit orders of ``make_mill(scale)``; ``TimeKnitOrdersIndexed`` the same with
the style tables keyed once by ``erp.StyleIndex``, ``TimeStyleIndex`` that index's build) and ``TimeMooreHodgson``.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd

import bk_fast
from bk_fast._engine import resolve

from .common import ENGINES, check_engine, rotated
from .common import mill as _mill  # make_mill(scale, seed=0), built once per machine

START = "2025-09-01"
CHANGEOVER_DAYS = 0.25
SHOPS = {"1e3x10": (1_000, 10, 2), "1e4x100": (10_000, 100, 10), "1e5x1000": (100_000, 1_000, 100)}


def make_shop(n_jobs: int, n_machines: int, n_work_centers: int, seed: int = 0):
    """Jobs (knit orders), machines and per-style rates: ``n_jobs`` orders of ~2,000 styles (lbs lognormal,
    median ~1,100), ``n_machines`` machines spread evenly over ``n_work_centers`` centers, priorities 1-3,
    due dates within ~60 weeks, rates lognormal around the ERP's 616 lbs/day."""
    rng = np.random.default_rng(seed)
    wc = np.array([f"{1 + i // 10}.{30 + i % 10}.20.F" for i in range(n_work_centers)], dtype=object)
    machines = pd.DataFrame({"machine": np.arange(1, n_machines + 1),
                             "work_center": wc[np.arange(n_machines) % n_work_centers]})
    n_styles = 2_000
    style_wc = rng.integers(0, n_work_centers, n_styles)
    st = rng.integers(0, n_styles, n_jobs)
    styles = np.array([f"{100000 + i}/1" for i in range(n_styles)], dtype=object)
    jobs = pd.DataFrame({"job": np.arange(n_jobs), "qty": np.round(rng.lognormal(7.0, 1.2, n_jobs), 2),
                         "style": styles[st], "work_center": wc[style_wc[st]],
                         "priority": rng.integers(1, 4, n_jobs),
                         "due": rng.integers(0, 300, n_jobs).astype(float)})
    rates = pd.Series(np.round(rng.lognormal(np.log(616.0), 0.5, n_styles), 1), index=styles)
    return jobs, machines, rates


def python_loop(jobs: pd.DataFrame, machines: pd.DataFrame, rates: pd.Series, setup: float = CHANGEOVER_DAYS):
    """bk_fast's rule in plain Python (working days; no calendar)."""
    ordered = jobs.sort_values(["priority", "due", "job"], kind="stable")
    by_wc: dict = {}
    for m, wc in sorted(zip(machines["machine"], machines["work_center"])):
        by_wc.setdefault(wc, []).append(m)
    avail = dict.fromkeys(machines["machine"], 0.0)
    last = dict.fromkeys(machines["machine"])
    load = dict.fromkeys(machines["machine"], 0.0)
    rate_of = rates.to_dict()
    rows = []
    for job, qty, style, wc, due in zip(ordered["job"], ordered["qty"], ordered["style"],
                                        ordered["work_center"], ordered["due"]):
        rate = rate_of.get(style)
        cands = by_wc.get(wc)
        if rate is None or not cands:
            rows.append((job, None, math.nan, math.nan, math.nan))
            continue
        best = None
        for m in cands:
            t = avail[m]
            su = setup if last[m] is not None and last[m] != style else 0.0
            end = t + su + qty / rate
            if best is None or end < best[0] or (end == best[0] and load[m] < best[1]):
                best = (end, load[m], m, t, su)
        end, ld, m, t, su = best
        avail[m] = end
        last[m] = style
        load[m] = ld + (su + qty / rate)
        rows.append((job, m, t, end, max(0.0, end - due)))
    return pd.DataFrame(rows, columns=["job", "machine", "start_day", "end_day", "days_late"])


def erp_cumsum(jobs: pd.DataFrame, machines: pd.DataFrame, rates: pd.Series, hours_per_day: float = 8.0):
    """The ERP's shortcut: hours = lbs / rate x 8, sorted by (priority, due), running hours per work center
    against the center's weekly hours; one start time for all."""
    df = jobs.assign(production_hours=jobs["qty"] / jobs["style"].map(rates).fillna(616.0) * hours_per_day)
    df = df.sort_values(["priority", "due"])
    cap = machines.groupby("work_center").size().mul(5 * hours_per_day).rename("available_hours")
    df = df.merge(cap, left_on="work_center", right_index=True, how="left")
    df["cumulative_hours"] = df.groupby("work_center")["production_hours"].cumsum()
    df["can_schedule"] = df["cumulative_hours"] <= df["available_hours"]
    now = pd.Timestamp(START)
    df["scheduled_start"] = now
    df["scheduled_end"] = now + pd.to_timedelta(df["production_hours"], unit="h")
    return df


def python_moore_hodgson(processing, due):
    """Moore-Hodgson with heapq, the textbook way."""
    order = sorted(range(len(due)), key=lambda j: (due[j], j))
    heap, total, late = [], 0.0, set()
    for j in order:
        heapq.heappush(heap, (-processing[j], -j))
        total += processing[j]
        if total > due[j]:
            p, k = heapq.heappop(heap)
            total += p
            late.add(-k)
    return [j not in late for j in range(len(due))]


class TimeSchedule:
    """``bk_fast.schedule`` end to end (frames in, calendar, job and machine tables out) vs the baselines."""

    params = [ENGINES + ["python_loop", "erp_cumsum"], list(SHOPS)]
    param_names = ["engine", "shop"]
    timeout = 300

    def setup(self, engine, shop):
        if engine in ENGINES:
            check_engine(engine)
        if engine == "numpy" and shop == "1e5x1000":
            raise NotImplementedError("the numpy reference is a plain Python loop: see python_loop")
        self.jobs, self.machines, self.rates = make_shop(*SHOPS[shop])
        if engine in ENGINES:
            self.run(engine)  # warm: numba JIT, caches

    def run(self, engine):
        if engine == "python_loop":
            return python_loop(self.jobs, self.machines, self.rates)
        if engine == "erp_cumsum":
            return erp_cumsum(self.jobs, self.machines, self.rates)
        return bk_fast.schedule(self.jobs, self.machines, rates=self.rates, setup=CHANGEOVER_DAYS, start=START,
                                engine=engine)

    def time_schedule(self, engine, shop):
        self.run(engine)


def kernel_inputs(jobs: pd.DataFrame, machines: pd.DataFrame, rates: pd.Series, setup: float = CHANGEOVER_DAYS):
    """The arrays ``bk_fast.schedule`` hands to the kernel: one group per work center, the machines numbered
    work center by work center (each center a run of consecutive codes, as ``schedule`` numbers them), rates
    per style (so every machine has speed 1), no releases."""
    mcodes, wcs = pd.factorize(machines["work_center"])
    counts = np.bincount(mcodes, minlength=len(wcs))
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    group_mach = np.arange(len(machines), dtype=np.int64)  # machines renumbered in (wc, id) order
    group = pd.Index(wcs).get_indexer(jobs["work_center"]).astype(np.int64)
    scodes, _ = pd.factorize(jobs["style"])
    work = (jobs["qty"] / jobs["style"].map(rates)).to_numpy(np.float64)
    order = np.lexsort((jobs["job"].to_numpy(), jobs["due"].to_numpy(), jobs["priority"].to_numpy()))
    n_m = len(machines)
    # like bk_fast.schedule: the jobs gathered into rule order, so the loop reads them sequentially
    return dict(order=np.arange(len(jobs), dtype=np.int64), job_group=group[order], work=work[order],
                release=np.zeros(len(jobs)), job_style=scodes.astype(np.int64)[order], group_ptr=ptr,
                group_mach=group_mach, speed=np.ones(n_m), setup=np.full(n_m, setup), n_machines=n_m,
                rule_order=order)


def python_loop_core(inp):
    """The same loop as the kernels over Python lists (what the numpy reference does), for the kernel suite."""
    n_m = inp["n_machines"]
    avail, last, load = [0.0] * n_m, [-1] * n_m, [0.0] * n_m
    ptr, mach, work = inp["group_ptr"].tolist(), inp["group_mach"].tolist(), inp["work"].tolist()
    group, style, setup = inp["job_group"].tolist(), inp["job_style"].tolist(), inp["setup"].tolist()
    out = [None] * len(work)
    for j in inp["order"].tolist():
        g = group[j]
        best = None
        for k in range(ptr[g], ptr[g + 1]):
            m = mach[k]
            su = setup[m] if last[m] >= 0 and last[m] != style[j] else 0.0
            end = avail[m] + su + work[j]
            if best is None or end < best[0] or (end == best[0] and load[m] < best[1]):
                best = (end, load[m], m, avail[m], su)
        end, ld, m, t, su = best
        avail[m], last[m], load[m] = end, style[j], ld + (su + work[j])
        out[j] = (m, t, end)
    return out


class TimeListKernel:
    """The list-scheduling loop alone (prepared arrays in, arrays out) vs the same loop in plain Python."""

    params = [ENGINES + ["python_loop_core"], list(SHOPS)]
    param_names = ["engine", "shop"]
    timeout = 300

    def setup(self, engine, shop):
        if engine in ENGINES:
            check_engine(engine)
        self.inp = kernel_inputs(*make_shop(*SHOPS[shop]))
        if engine in ENGINES:
            self.fn = resolve("list_schedule", engine)
            self.run(engine)

    def run(self, engine):
        inp = self.inp
        if engine == "python_loop_core":
            return python_loop_core(inp)
        n, m = inp["work"].shape[0], inp["n_machines"]
        out = (np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n))
        self.fn(inp["order"], inp["job_group"], inp["work"], inp["release"], inp["job_style"], inp["group_ptr"],
                inp["group_mach"], inp["speed"], inp["setup"], np.zeros(m), np.full(m, -1, np.int64),
                np.zeros(m), *out)
        return out

    def time_list_schedule(self, engine, shop):
        self.run(engine)


class TimeKnitOrders:
    """``erp.schedule_knit_orders`` on the synthetic mill's knit orders (ERP capacity lookup included); scale 500
    (2.7 * 10^6 rows in each style table) is where reading every table row in Python took 16 s of CPU."""

    params = [ENGINES, [1, 100, 500]]
    param_names = ["engine", "scale"]
    timeout = 600

    def setup(self, engine, scale):
        check_engine(engine)
        keys = ("knit_orders", "machines", "style_capacity", "style_work_center")
        self.tables = [_mill(1)[k] for k in keys]
        self.run(engine)  # warm the JIT on the scale-1 mill (a full-size warm-up doubled the setup at scale 100)
        mill = _mill(scale)
        self.tables = [mill[k] for k in keys]

    def run(self, engine):
        from bk_fast.erp import schedule_knit_orders

        return schedule_knit_orders(*self.tables, start=START, setup=CHANGEOVER_DAYS, engine=engine)

    def time_schedule_knit_orders(self, engine, scale):
        self.run(engine)


class TimeKnitOrdersIndexed(TimeKnitOrders):
    """:class:`TimeKnitOrders` with the style tables keyed once (``erp.StyleIndex``, built in the setup, as a
    service keeps it between calls): the same schedule; the index's own cost is :class:`TimeStyleIndex`."""

    def setup(self, engine, scale):
        from bk_fast.erp import StyleIndex

        super().setup(engine, scale)
        ko, machines, cap, swc = self.tables
        self.tables = [ko, machines, StyleIndex(cap, swc, engine=engine)]


class TimeStyleIndex:
    """Building ``erp.StyleIndex`` of the synthetic mill's two style tables (once per service, not per call), its
    text hashing on each engine."""

    params = [ENGINES, [1, 100, 500]]
    param_names = ["engine", "scale"]
    timeout = 600

    def setup(self, engine, scale):
        from bk_fast.erp import StyleIndex

        check_engine(engine)
        small = _mill(1)
        StyleIndex(small["style_capacity"], small["style_work_center"], engine=engine)  # (warms the JIT)
        mill = _mill(scale)
        self.tables = mill["style_capacity"], mill["style_work_center"]

    def time_build(self, engine, scale):
        from bk_fast.erp import StyleIndex

        StyleIndex(*self.tables, engine=engine)


class TimeSpelledMissing:
    """The blank-cell test every ``schedule_knit_orders`` call runs on the machines' work centers
    (``_validate.spelled_missing``: blank, "N/A", an accounting dash) on the mill's machine table, its text held by
    pyarrow (what ``make_mill`` and pandas 3 give: pyarrow's kernels) against the same column held in Python
    objects (``mode.string_storage = "python"``: the distinct cells tested one by one in Python)."""

    params = [["pyarrow", "python"], [1, 100]]
    param_names = ["storage", "scale"]

    def setup(self, storage, scale):
        if storage == "pyarrow":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise NotImplementedError("pyarrow not installed") from None
        wc = _mill(scale)["machines"]["WC"]
        self.values = pd.Series(wc.to_numpy(dtype=object), dtype=pd.StringDtype(storage, na_value=np.nan))

    def time_spelled_missing(self, storage, scale):
        from bk_fast._validate import spelled_missing

        spelled_missing(self.values)


class TimeMooreHodgson:
    """``min_late_jobs`` vs a heapq transcription."""

    params = [ENGINES + ["python_heapq"], [1_000, 100_000]]
    param_names = ["engine", "n"]

    def setup(self, engine, n):
        if engine in ENGINES:
            check_engine(engine)
        rng = np.random.default_rng(0)
        self.p = rng.random(n) * 10
        self.d = rng.random(n) * 3 * n
        if engine in ENGINES:
            bk_fast.min_late_jobs(self.p, self.d, engine=engine)
        else:
            self.pl, self.dl = self.p.tolist(), self.d.tolist()

    def time_min_late_jobs(self, engine, n):
        if engine == "python_heapq":
            python_moore_hodgson(self.pl, self.dl)
        else:
            bk_fast.min_late_jobs(self.p, self.d, engine=engine)


def measure(suites=("list", "sched", "mh", "ko")) -> list[tuple]:
    """All engines and baselines of each size set up in one process, then called in interleaved rounds (one
    call each per round, so load swings hit all alike); returns (suite, size, engine, median wall seconds,
    runs, median CPU seconds of this thread). On a shared machine the CPU time is the steadier figure: it
    leaves out the time other processes held the core. ``python -m benchmarks.bench_scheduling [list sched mh
    ko]`` prints the rows as it goes."""
    import statistics
    import time

    plan = {
        "list": (TimeListKernel, "time_list_schedule", TimeListKernel.params[0], ["1e3x10", "1e5x1000"]),
        "sched": (TimeSchedule, "time_schedule", TimeSchedule.params[0], ["1e3x10", "1e5x1000"]),
        "mh": (TimeMooreHodgson, "time_min_late_jobs", *TimeMooreHodgson.params),
        "ko": (TimeKnitOrders, "time_schedule_knit_orders", *TimeKnitOrders.params),
        "ko_index": (TimeKnitOrdersIndexed, "time_schedule_knit_orders", *TimeKnitOrdersIndexed.params),
        "style_index": (TimeStyleIndex, "time_build", *TimeStyleIndex.params),
        "blank": (TimeSpelledMissing, "time_spelled_missing", *TimeSpelledMissing.params),
    }
    rows = []
    for name in suites:
        cls, method, names, sizes = plan[name]
        for size in sizes:
            objs = {}
            for eng in names:
                obj = cls()
                try:
                    obj.setup(eng, size)
                except NotImplementedError:
                    continue
                objs[eng] = obj
            rounds = (5 if name in ("ko", "ko_index", "style_index")
                      else 25 if str(size) in ("1e3x10", "1000") else 7)
            times: dict = {e: [] for e in objs}
            cpu: dict = {e: [] for e in objs}
            for r in range(rounds):
                for eng in rotated(objs, r):  # (each round starts one further: see common.rotated)
                    obj = objs[eng]
                    c = time.thread_time()
                    t = time.perf_counter()
                    getattr(obj, method)(eng, size)
                    times[eng].append(time.perf_counter() - t)
                    cpu[eng].append(time.thread_time() - c)
            for eng, ts in times.items():
                wall, busy = statistics.median(ts), statistics.median(cpu[eng])
                rows.append((cls.__name__, str(size), eng, wall, len(ts), busy))
                print(f"{cls.__name__} {size} {eng}: {wall * 1e3:,.2f} ms wall, {busy * 1e3:,.2f} ms CPU "
                      f"(median of {len(ts)})", flush=True)
    return rows


def ratios(rows) -> list[str]:
    """The issue's target from ``measure`` rows: each engine's speed-up over the plain Python loop of the same
    rule (CPU and wall medians of the same interleaved run), ``TimeListKernel`` against ``python_loop_core``
    (the target: >= 50x at 1e5x1000) and ``TimeSchedule`` against ``python_loop``."""
    base = {"TimeListKernel": "python_loop_core", "TimeSchedule": "python_loop"}
    by = {(suite, size, eng): (wall, cpu) for suite, size, eng, wall, _, cpu in rows}
    lines = []
    for (suite, size, eng), (wall, cpu) in by.items():
        ref = by.get((suite, size, base.get(suite)))
        if ref is None or eng not in ENGINES:
            continue
        rc, rw = ref[1] / cpu, ref[0] / wall
        target = "  (target 50x: " + ("met" if min(rc, rw) >= 50 else "NOT met") + ")" \
            if suite == "TimeListKernel" and size == "1e5x1000" and eng != "numpy" else ""
        lines.append(f"{suite} {size} {eng}: {rc:,.1f}x CPU, {rw:,.1f}x wall vs {base[suite]}{target}")
    return lines


if __name__ == "__main__":
    import sys

    rows = measure(sys.argv[1:] or ("list", "sched", "mh", "ko"))
    print("\nspeed-up over the plain Python loop of the same rule (medians of one interleaved run):")
    for line in ratios(rows):
        print(line)

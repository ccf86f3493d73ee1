"""``bk-fast bench``: time every capability on the synthetic mill per engine and baseline.

Each capability contributes a few :class:`Case` objects from a small registry (:data:`CAPABILITIES`): a
function that builds the case's inputs from a mill (not timed), the engine call, and the baselines a planner
would otherwise use (``pandas``: idiomatic vectorised pandas; ``loop``: the plain Python / ``iterrows`` loop
the ERP runs, or the textbook sequential algorithm). The runner builds ``bk_fast.datasets.make_mill(scale)``
for each scale, runs every case for every available engine and every baseline (one warm-up call, then the
median of several timed calls: fewer within a time budget, at least one), prints a table of medians and
speed-up ratios, and optionally writes a PNG chart (needs matplotlib: ``pip install "bk_fast[plot]"``) and a
JSON file.

A capability whose module fails to import is skipped with the reason (printed and kept in the JSON), also
when selected by the name of one of its cases.

Examples
--------
>>> from bk_fast import bench
>>> sorted(bench.CAPABILITIES)  # doctest: +NORMALIZE_WHITESPACE
['allocation', 'bom', 'compat', 'inventory', 'io', 'netting', 'scheduling', 'segments']
>>> cases, skipped = bench.load_cases(["yarn_risk"])
>>> [c.key for c in cases], skipped
(['inventory.yarn_risk'], {})
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import json
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from bk_fast._engine import ENGINES, engines, pick, use_engine
from bk_fast._plotting import save_png
from bk_fast._progress import Bar, check as _check_progress

#: Mill scales (1 = the real mill: ~1,200 yarns, ~22,900 BOM rows, ~195 knit orders).
FULL_SCALES = (1.0, 10.0, 100.0)
QUICK_SCALES = (1.0, 5.0)

#: The baselines a ratio is taken against, in order of preference.
RATIO_BASELINES = ("pandas", "loop")


@dataclass(frozen=True)
class Case:
    """One benchmark: ``inputs(mill)`` builds the data once per scale (not timed); ``run(data, engine)`` is
    the bk_fast call; ``baselines[name](data)`` the alternatives; ``rows(data)`` the size shown in the table;
    ``max_scale[name]`` the largest mill scale a (slow) baseline is run at."""

    capability: str
    name: str
    inputs: Callable[[dict], Any]
    run: Callable[[Any, str], Any]
    baselines: dict[str, Callable[[Any], Any]]
    rows: Callable[[Any], int]
    description: str = ""
    max_scale: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.capability}.{self.name}"


#: capability -> factory returning its cases (imports the capability's module; ImportError = skipped)
CAPABILITIES: dict[str, Callable[[], list[Case]]] = {}
#: capability -> the names of its cases, known without importing its module: a case name then selects a
#: capability whose module fails to import (skipped with the reason) as its own name does
CASE_NAMES: dict[str, tuple[str, ...]] = {}


def capability(name: str, cases: tuple[str, ...] = ()):
    """Register a factory of :class:`Case` objects for capability ``name`` (decorator); ``cases``: the names
    of the cases it returns."""

    def deco(factory):
        CAPABILITIES[name] = factory
        CASE_NAMES[name] = tuple(cases)
        return factory

    return deco


def load_cases(selected=None) -> tuple[list[Case], dict[str, str]]:
    """The cases of the selected capabilities or case names (all when None), and ``{capability: reason}`` for
    the selected capabilities whose module failed to import (also when selected by a case name of theirs).
    Unknown names raise ValueError, a blank one too (``--kernels "$UNSET"`` would select nothing)."""
    wanted = None if not selected else {s.strip() for s in selected}
    cases: list[Case] = []
    skipped: dict[str, str] = {}
    matched: set[str] = set()
    for cap, factory in CAPABILITIES.items():
        try:
            cap_cases = factory()
        except Exception as exc:  # a module still landing, or broken: skip it, say why
            own = CASE_NAMES.get(cap, ())
            names = {cap, *own, *(f"{cap}.{n}" for n in own)}
            if wanted is None or names & wanted:
                skipped[cap] = f"{type(exc).__name__}: {exc}"
                matched |= names & (wanted or set())
            continue
        for c in cap_cases:
            names = {cap, c.name, c.key}
            if wanted is None or names & wanted:
                cases.append(c)
                matched |= names & (wanted or set())
    if wanted is not None:
        unknown = sorted(wanted - matched)
        if unknown:
            known = sorted(CAPABILITIES)
            case_names = sorted({n for cap in known for n in CASE_NAMES.get(cap, ())})
            raise ValueError(f"unknown --kernels {_names_text(unknown)}; capabilities: {', '.join(known)}; "
                             f"cases: {', '.join(case_names)}")
    return cases, skipped


def _names_text(names) -> str:
    """Unknown ``--kernels`` / ``--engines`` names for an error, a blank one shown as ``''``."""
    return ", ".join(n or "''" for n in names)


# ==========================================================================================================
# cases, one block per capability


def _fill0(s: pd.Series) -> pd.Series:
    return s.fillna(0.0)


# ---- inventory ----
_RISK_LABELS = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]


def _risk_pandas(df: pd.DataFrame) -> pd.DataFrame:
    t, a, c = _fill0(df["Theoretical Balance"]), _fill0(df["Allocated"]), _fill0(df["Consumed"])
    pb = t + a + _fill0(df["On Order"])
    weekly = np.where(c != 0, c.abs() / 4.3, np.where(a != 0, a.abs() / 8, 10.0))
    weeks = np.where((t > 0) & (weekly > 0), t / np.where(weekly > 0, weekly, 1.0), 0.0)
    codes = np.select([pb < -1000, pb < -100, pb < 0], [3, 2, 1], 0)
    return pd.DataFrame({"planning_balance": pb, "shortage": np.where(pb < 0, -pb, 0.0),
                         "weekly_demand": weekly, "weeks_of_supply": weeks,
                         "risk": pd.Categorical.from_codes(codes, categories=_RISK_LABELS, ordered=True)},
                        index=df.index)


def _risk_iterrows(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for idx, row in df.iterrows():
        theo, alloc, on_order, consumed = (0.0 if pd.isna(row[k]) else float(row[k]) for k in
                                           ("Theoretical Balance", "Allocated", "On Order", "Consumed"))
        pb = theo + alloc + on_order
        weekly = abs(consumed) / 4.3 if consumed != 0 else (abs(alloc) / 8 if alloc != 0 else 10.0)
        weeks = theo / weekly if theo > 0 and weekly > 0 else 0.0
        risk = "CRITICAL" if pb < -1000 else "HIGH" if pb < -100 else "MEDIUM" if pb < 0 else "LOW"
        rows.append((idx, pb, -pb if pb < 0 else 0.0, weekly, weeks, risk))
    out = pd.DataFrame(rows, columns=["index", "planning_balance", "shortage", "weekly_demand",
                                      "weeks_of_supply", "risk"]).set_index("index")
    out["risk"] = pd.Categorical(out["risk"], categories=_RISK_LABELS, ordered=True)
    return out


@capability("inventory", cases=("yarn_risk",))
def _inventory_cases() -> list[Case]:
    from bk_fast.inventory import yarn_risk

    return [Case("inventory", "yarn_risk", inputs=lambda mill: mill["yarn_inventory"],
                 run=lambda inv, e: yarn_risk(inv, engine=e),
                 baselines={"pandas": _risk_pandas, "loop": _risk_iterrows}, rows=len, max_scale={"loop": 1},
                 description="shortage, weeks of supply and risk of every yarn (loop = iterrows)")]


# ---- segments ----
def _cumsum_loop(data) -> list:
    values, keys = data
    totals: dict = {}
    out = []
    for k, v in zip(keys.tolist(), values.tolist()):
        totals[k] = totals.get(k, 0.0) + v
        out.append(totals[k])
    return out


@capability("segments", cases=("segmented_cumsum",))
def _segments_cases() -> list[Case]:
    from bk_fast.segments import segmented_cumsum

    def inputs(mill):
        bom = mill["bom"].dropna(subset=["Desc#"])
        return (bom["BOM_Percentage"].reset_index(drop=True),
                bom["Desc#"].astype("int64").reset_index(drop=True))

    return [Case("segments", "segmented_cumsum", inputs=inputs,
                 run=lambda d, e: segmented_cumsum(d[0], d[1], engine=e),
                 baselines={"pandas": lambda d: d[0].groupby(d[1], sort=False).cumsum(),
                            "loop": _cumsum_loop},
                 rows=lambda d: len(d[0]), max_scale={"loop": 10},
                 description="running sum per yarn over the BOM rows (pandas = groupby().cumsum())")]


# ---- bom ----
def _yarn_demand_pandas(data) -> pd.Series:
    _, demand, bom = data
    m = demand.merge(bom, left_on="Style #", right_on="style", how="inner")
    return (m["Balance (lbs)"] * m["BOM_Percentage"]).groupby(m["Desc#"]).sum()


def _yarn_demand_iterrows(data) -> dict:
    _, demand, bom = data
    styles = bom["style"]
    out: dict = {}
    for _, ko in demand.iterrows():  # the ERP: filter the BOM by style for every order, loop over its lines
        for _, line in bom[styles == ko["Style #"]].iterrows():
            out[line["Desc#"]] = out.get(line["Desc#"], 0.0) + ko["Balance (lbs)"] * line["BOM_Percentage"]
    return out


@capability("bom", cases=("explode",))
def _bom_cases() -> list[Case]:
    from bk_fast.bom import BOM

    def inputs(mill):
        raw = mill["bom"].dropna(subset=["Desc#"])
        compiled = BOM.from_frame(mill["bom"])  # compiled once, like the index it is
        ko = mill["knit_orders"]
        demand = ko.loc[ko["Style #"].notna() & (ko["Balance (lbs)"] > 0), ["Style #", "Balance (lbs)"]]
        demand = demand.reset_index(drop=True)
        bom = pd.DataFrame({"style": raw["Style#"].str.strip(), "Desc#": raw["Desc#"].astype("int64"),
                            "BOM_Percentage": raw["BOM_Percentage"]})
        return compiled, demand, bom

    return [Case("bom", "explode", inputs=inputs,
                 run=lambda d, e: d[0].explode(d[1], item="Style #", qty="Balance (lbs)", engine=e),
                 baselines={"pandas": _yarn_demand_pandas, "loop": _yarn_demand_iterrows},
                 rows=lambda d: len(d[1]), max_scale={"loop": 1},
                 description="yarn demand of the open knit orders through the compiled BOM "
                             "(pandas = merge + groupby; loop = the ERP's filter-and-iterrows)")]


# ---- netting ----
_NET_PERIODS = 26


def _net_loop(data) -> np.ndarray:
    gross, on_hand, receipts, safety, lead = data
    n, periods = gross.shape
    planned = np.zeros((n, periods))
    g, r = gross.tolist(), receipts.tolist()
    for i in range(n):
        proj, ss, gi, ri, pi = float(on_hand[i]), float(safety[i]), g[i], r[i], planned[i]
        for p in range(periods):
            avail = proj + ri[p] - gi[p]
            if avail < ss:  # lot-for-lot: order exactly the net requirement
                pi[p] = ss - avail
                avail = ss
            proj = avail
    return planned


def _net_pandas(data) -> pd.DataFrame:
    gross, on_hand, receipts, safety, lead = data
    g, r = pd.DataFrame(gross), pd.DataFrame(receipts)
    proj = pd.Series(on_hand)
    ss = pd.Series(safety)
    planned = {}
    for p in g.columns:  # periods are sequential; vectorised over items
        avail = proj + r[p] - g[p]
        net = (ss - avail).clip(lower=0.0)
        planned[p] = net
        proj = avail + net
    return pd.DataFrame(planned)


@capability("netting", cases=("net_requirements",))
def _netting_cases() -> list[Case]:
    from bk_fast.netting import net_requirements

    def inputs(mill):
        inv = mill["yarn_inventory"]
        n = len(inv)
        rng = np.random.default_rng(0)
        weekly = (_fill0(inv["Consumed"]).abs() / 4.3 + _fill0(inv["Allocated"]).abs() / 8).to_numpy() + 5.0
        gross = np.round(weekly[:, None] * rng.gamma(2.0, 0.5, (n, _NET_PERIODS)), 2)
        on_hand = np.ascontiguousarray(_fill0(inv["Theoretical Balance"]).clip(lower=0.0).to_numpy())
        receipts = np.zeros((n, _NET_PERIODS))
        po = mill["yarn_po"]
        row = pd.Index(inv["Desc#"]).get_indexer(po["Desc#"])
        ok = row >= 0
        buckets = [c for c in po.columns if c == "This Week" or str(c).startswith("Week ")][:_NET_PERIODS]
        for p, col in enumerate(buckets):
            np.add.at(receipts[:, p], row[ok], po[col].to_numpy()[ok])
        safety = np.round(weekly * 0.5, 2)
        return gross, on_hand, receipts, safety, 2

    return [Case("netting", "net_requirements", inputs=inputs,
                 run=lambda d, e: net_requirements(d[0], d[1], d[2], safety_stock=d[3], lead_time=d[4],
                                                   engine=e),
                 baselines={"pandas": _net_pandas, "loop": _net_loop}, rows=lambda d: d[0].size,
                 max_scale={"loop": 10},
                 description=f"gross-to-net, lot-for-lot, safety stock, lead time 2, every yarn x "
                             f"{_NET_PERIODS} weeks (rows = item-periods)")]


# ---- allocation ----
def _allocate_pandas(data) -> pd.DataFrame:
    orders, supply = data
    o = orders.sort_values(["priority", "due", "order"], kind="stable")
    avail = o["item"].map(supply.set_index("item")["qty"]).fillna(0.0)
    cum = o.groupby("item", sort=False)["qty"].cumsum()
    before = cum - o["qty"]
    return pd.DataFrame({"order": o["order"], "allocated": np.clip(avail - before, 0.0, o["qty"])})


def _allocate_loop(data) -> dict:
    orders, supply = data
    left = dict(zip(supply["item"].tolist(), supply["qty"].tolist()))
    order = np.lexsort((orders["order"].to_numpy(), orders["due"].to_numpy(), orders["priority"].to_numpy()))
    items, qtys, ids = orders["item"].to_numpy(), orders["qty"].to_numpy(), orders["order"].to_numpy()
    out = {}
    for k in order.tolist():
        have = left.get(items[k], 0.0)
        take = min(qtys[k], max(have, 0.0))
        left[items[k]] = have - take
        out[ids[k]] = take
    return out


@capability("allocation", cases=("allocate",))
def _allocation_cases() -> list[Case]:
    from bk_fast.allocation import allocate

    def inputs(mill):
        raw = mill["bom"].dropna(subset=["Desc#"])
        bom = pd.DataFrame({"Style #": raw["Style#"].str.strip(), "item": raw["Desc#"].astype("int64"),
                            "pct": raw["BOM_Percentage"]})
        ko = mill["knit_orders"]
        ko = ko.loc[ko["Balance (lbs)"] > 0, ["Order #", "Style #", "Balance (lbs)", "Quoted Date"]]
        lines = ko.merge(bom, on="Style #", how="inner")
        days = (lines["Quoted Date"] - lines["Quoted Date"].min()).dt.days.to_numpy()
        orders = pd.DataFrame({"order": np.arange(len(lines), dtype=np.int64),
                               "item": lines["item"].to_numpy(),
                               "qty": (lines["Balance (lbs)"] * lines["pct"]).round(2).to_numpy(),
                               "priority": days, "due": np.zeros(len(lines), dtype=np.int64)})
        inv = mill["yarn_inventory"]
        supply = pd.DataFrame({"item": inv["Desc#"].to_numpy(), "period": 0,
                               "qty": _fill0(inv["Theoretical Balance"]).clip(lower=0.0).to_numpy()})
        return orders, supply

    return [Case("allocation", "allocate", inputs=inputs, run=lambda d, e: allocate(d[0], d[1], engine=e),
                 baselines={"pandas": _allocate_pandas, "loop": _allocate_loop}, rows=lambda d: len(d[0]),
                 description="yarn stock to knit-order yarn lines in priority order (pandas = the ERP's "
                             "sort + groupby cumsum + clip)")]


# ---- scheduling ----
def _moore_hodgson_loop(data) -> list:
    processing, due = data
    order = sorted(range(len(due)), key=lambda j: due[j])
    heap: list = []
    total = 0.0
    late = []
    for rank, j in enumerate(order):
        heapq.heappush(heap, (-processing[j], -rank, j))
        total += processing[j]
        if total > due[j]:
            p, _, k = heapq.heappop(heap)
            total += p
            late.append(k)
    return late


@capability("scheduling", cases=("min_late_jobs",))
def _scheduling_cases() -> list[Case]:
    from bk_fast.scheduling import min_late_jobs

    def inputs(mill):
        ko = mill["knit_orders"]
        start = ko["Start Date"].min()
        processing = (_fill0(ko["Balance (lbs)"]) / 616.0).round(3).tolist()
        due = ((ko["Quoted Date"] - start).dt.days.clip(lower=0).astype(float)).tolist()
        return processing, due

    return [Case("scheduling", "min_late_jobs", inputs=inputs,
                 run=lambda d, e: min_late_jobs(d[0], d[1], engine=e),
                 baselines={"loop": _moore_hodgson_loop}, rows=lambda d: len(d[0]),
                 description="Moore-Hodgson on the knit orders (loop = heapq in Python)")]


# ---- io ----
def _money_text(values: np.ndarray) -> list[str]:
    return [f"(${-v:,.2f})" if v < 0 else f"${v:,.2f} " for v in values.tolist()]


def _parse_pandas(s: pd.Series) -> pd.Series:
    neg = s.str.startswith("(")
    clean = s.str.replace(r"[\$,\s()]", "", regex=True)
    return pd.to_numeric(clean, errors="coerce").where(~neg, lambda x: -x)


def _parse_loop(s: pd.Series) -> list:
    out = []
    for text in s.tolist():
        t = text.replace("$", "").replace(",", "").strip()
        neg = t.startswith("(") and t.endswith(")")
        try:
            v = float(t[1:-1] if neg else t)
        except ValueError:
            v = math.nan
        out.append(-v if neg else v)
    return out


@capability("io", cases=("parse_numbers",))
def _io_cases() -> list[Case]:
    from bk_fast.io import parse_numbers

    def inputs(mill):
        inv = mill["yarn_inventory"]
        cols = ["Theoretical Balance", "Planning Balance", "Total Cost", "Cost/Pound", "Beginning Balance"]
        values = np.concatenate([_fill0(inv[c]).to_numpy() for c in cols if c in inv.columns])
        return pd.Series(_money_text(values), dtype="str")

    return [Case("io", "parse_numbers", inputs=inputs, run=lambda s, e: parse_numbers(s, engine=e),
                 baselines={"pandas": _parse_pandas, "loop": _parse_loop}, rows=len,
                 description="ERP money text ('$1,326.67 ', '($2,183.40)') to floats")]


# ---- compat ----
def _phase3_allocation_pandas(data) -> pd.DataFrame:
    yarn_df, orders_df = data  # the original Phase-3 service, line for line
    merged = orders_df.merge(yarn_df[["yarn_id", "available_quantity"]], on="yarn_id", how="left")
    merged = merged.sort_values(["priority", "order_date"])
    merged["cumulative_demand"] = merged.groupby("yarn_id")["required_quantity"].cumsum()
    merged["can_fulfill"] = merged["cumulative_demand"] <= merged["available_quantity"]
    merged["allocated_quantity"] = np.where(
        merged["can_fulfill"], merged["required_quantity"],
        np.maximum(0, merged["available_quantity"]
                   - (merged["cumulative_demand"] - merged["required_quantity"])))
    return merged


@capability("compat", cases=("optimize_yarn_allocation",))
def _compat_cases() -> list[Case]:
    from bk_fast.compat import DataFrameOptimizer
    from bk_fast.compat._synthetic import phase3_frames

    def inputs(mill):
        frames = phase3_frames(20 * len(mill["yarn_inventory"]), seed=0)  # ~24,000 order lines at scale 1
        return frames["yarn"], frames["orders"]

    return [Case("compat", "optimize_yarn_allocation", inputs=inputs,
                 run=lambda d, e: DataFrameOptimizer.optimize_yarn_allocation(d[0], d[1], engine=e),
                 baselines={"pandas": _phase3_allocation_pandas}, rows=lambda d: len(d[1]),
                 description="the Phase-3 service drop-in vs its original pandas (Phase-3 frames, "
                             "20 order lines per mill yarn)")]


# ==========================================================================================================
# the runner


@dataclass
class Measurement:
    case: str
    capability: str
    scale: float
    rows: int
    method: str
    kind: str  # "engine" or "baseline"
    median_s: float = math.nan
    runs_s: list = field(default_factory=list)
    cpu_s: list = field(default_factory=list)
    first_call_s: float = math.nan
    status: str = "ok"  # ok | skipped: ... | error: ...


def _time_calls(func: Callable[[], Any], repeat: int, budget: float):
    """Time ``func``: the first call's time (the warm-up: JIT compile, cold caches; not a run) and up to
    ``repeat`` further timed calls, fewer when they exceed ``budget`` seconds in total (at least 3 unless one
    call alone exceeds it, at least 1: a call longer than the budget costs two calls, the warm one timed).
    Returns ``(first, wall, cpu)``: wall-clock seconds per run and this process's CPU seconds per run (all
    threads; robust to other processes competing for the cores of a shared machine)."""
    t = time.perf_counter()
    func()
    first = time.perf_counter() - t
    runs: list[float] = []
    cpu: list[float] = []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        spent = 0.0
        while len(runs) < repeat:
            c, t = time.process_time(), time.perf_counter()
            func()
            runs.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            spent += runs[-1]
            if spent > budget and (len(runs) >= 3 or runs[0] > budget):
                break
    finally:
        if gc_was:
            gc.enable()
    return first, runs, cpu


def _engine_list(requested) -> tuple[list[str], set[str] | None]:
    """(engines to run, baselines to keep or None = all) from ``--engines``; unknown or blank names ->
    ValueError."""
    status = engines()
    if not requested:
        return [e for e in ENGINES if status[e].available], None
    names = list(dict.fromkeys(n.strip() for n in requested))  # each once, in the given order
    picked = [n for n in names if n in ENGINES]
    baselines = {n for n in names if n not in ENGINES}
    known_baselines = {b for b in ("pandas", "loop")}
    unknown = sorted(baselines - known_baselines)
    if unknown:
        raise ValueError(f"unknown --engines {_names_text(unknown)}; engines: {', '.join(ENGINES)}; baselines: "
                         f"{', '.join(sorted(known_baselines))}")
    missing = [e for e in picked if not status[e].available]
    if missing:
        raise ImportError("; ".join(f"engine {e} unavailable: {status[e].reason}" for e in missing))
    return picked, (baselines or None)


def run(kernels=None, engine_names=None, *, quick: bool = False, scales=None, seed: int = 0, repeat=None,
        budget=None, progress: bool | None = None, clock: str | None = None) -> dict:
    """Run the benchmarks; return the JSON-ready result (``results``: one record per case, scale, method).

    ``progress``: a one-line bar on stderr, one step per case, scale and method: True draws it (anywhere),
    False never, None (the default; it was True, which drew the same) when stderr is a terminal, or by the
    environment variable ``BK_FAST_PROGRESS`` (``1`` on, ``0`` off; another value is a ValueError); 1 / 0 are
    taken as True / False.

    ``clock``: ``"wall"`` (default) takes medians of wall-clock time; ``"cpu"`` of this process's CPU time
    (for a machine shared with other work; env ``BK_FAST_BENCH_CLOCK``). Both are recorded per run."""
    from bk_fast.datasets import make_mill

    progress = _check_progress(progress)  # (before any case runs)
    clock = clock or os.environ.get("BK_FAST_BENCH_CLOCK", "").strip() or "wall"
    if clock not in ("wall", "cpu"):
        raise ValueError(f"BK_FAST_BENCH_CLOCK must be 'wall' or 'cpu', not {clock!r}")

    cases, skipped = load_cases(kernels)
    run_engines, keep_baselines = _engine_list(engine_names)
    scales = tuple(scales) if scales else (QUICK_SCALES if quick else FULL_SCALES)
    repeat = repeat or (5 if quick else 9)
    budget = budget if budget is not None else (0.2 if quick else 2.0)

    def methods(case: Case):
        base = [b for b in case.baselines if keep_baselines is None or b in keep_baselines]
        return [(e, "engine") for e in run_engines] + [(b, "baseline") for b in base]

    total = sum(len(methods(c)) for c in cases) * len(scales)
    bar = Bar(total, progress=progress)
    results: list[Measurement] = []
    t_start = time.perf_counter()
    for scale in scales:
        mill = make_mill(scale=scale, seed=seed)
        for case in cases:
            try:
                data = case.inputs(mill)
                rows = int(case.rows(data))
            except Exception as exc:
                for method, kind in methods(case):
                    results.append(Measurement(case.key, case.capability, scale, 0, method, kind,
                                               status=f"error: building inputs: {type(exc).__name__}: {exc}"))
                    bar.step(f"{case.key} x{scale:g} {method}")
                continue
            for method, kind in methods(case):
                bar.step(f"{case.key} x{scale:g} {method}")
                m = Measurement(case.key, case.capability, scale, rows, method, kind)
                limit = case.max_scale.get(method)
                if kind == "baseline" and limit is not None and scale > limit:
                    m.status = f"skipped: {method} only up to scale {limit:g}"
                    results.append(m)
                    continue
                if kind == "engine":
                    def call(_d=data, _e=method, _c=case):
                        return _c.run(_d, _e)
                else:
                    def call(_d=data, _f=case.baselines[method]):
                        return _f(_d)
                try:
                    # an engine's whole call on that engine, also what it computes without engine= (a BOM)
                    with use_engine(method) if kind == "engine" else contextlib.nullcontext():
                        m.first_call_s, m.runs_s, m.cpu_s = _time_calls(call, repeat, budget)
                    m.median_s = statistics.median(m.cpu_s if clock == "cpu" else m.runs_s)
                except Exception as exc:
                    m.status = f"error: {type(exc).__name__}: {exc}"
                results.append(m)
        del mill
    bar.close()
    _add_ratios(results)
    return {
        "bk_fast": _version(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": quick,
        "scales": list(scales),
        "seed": seed,
        "repeat": repeat,
        "budget_s": budget,
        "wall_s": round(time.perf_counter() - t_start, 3),
        "clock": clock,
        "machine": _machine(),
        "engines": {n: {"available": s.available, "version": s.version, "reason": s.reason}
                    for n, s in engines().items()},
        "skipped_capabilities": skipped,
        "cases": {c.key: c.description for c in cases},
        "results": [_record(m) for m in results],
    }


def _add_ratios(results: list[Measurement]) -> None:
    base: dict[tuple, float] = {}
    for m in results:
        if m.kind == "baseline" and m.status == "ok":
            base[(m.case, m.scale, m.method)] = m.median_s
    for m in results:
        m.ratios = {b: (base[(m.case, m.scale, b)] / m.median_s
                        if (m.case, m.scale, b) in base and m.status == "ok" and m.median_s > 0 else None)
                    for b in RATIO_BASELINES}


def _record(m: Measurement) -> dict:
    return {"case": m.case, "capability": m.capability, "scale": m.scale, "rows": m.rows, "method": m.method,
            "kind": m.kind, "median_s": None if math.isnan(m.median_s) else m.median_s,
            "first_call_s": None if math.isnan(m.first_call_s) else m.first_call_s, "runs_s": m.runs_s,
            "cpu_s": m.cpu_s,
            "speedup_vs": getattr(m, "ratios", {}), "status": m.status}


def _version() -> str:
    import bk_fast

    return bk_fast.__version__


def _machine() -> dict:
    info = {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(),
            "numpy": np.__version__, "pandas": pd.__version__}
    try:
        from importlib.metadata import version

        info["numba"] = version("numba")
    except Exception:
        info["numba"] = None
    return info


# ---------------------------------------------------------------------------------------------------------
# output


def _fmt_time(s) -> str:
    if s is None:
        return ""
    if s < 1e-3:
        return f"{s * 1e6:.0f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def _fmt_ratio(r) -> str:
    return "" if r is None else f"{r:,.1f}x"


def table(result: dict) -> pd.DataFrame:
    """The printed table: one row per case, scale and method: median and speed-up vs each baseline."""
    rows = []
    for r in result["results"]:
        if r["status"] != "ok" and not r["status"].startswith("error"):
            continue
        rows.append({"case": r["case"], "scale": f"{r['scale']:g}", "rows": f"{r['rows']:,}",
                     "method": r["method"],
                     "median": _fmt_time(r["median_s"]) if r["status"] == "ok" else r["status"][:40],
                     **{f"vs {b}": _fmt_ratio(r["speedup_vs"].get(b)) for b in RATIO_BASELINES}})
    return pd.DataFrame(rows, columns=["case", "scale", "rows", "method", "median",
                                       *[f"vs {b}" for b in RATIO_BASELINES]])


def markdown(result: dict) -> str:
    """The table as GitHub markdown (for the README's Performance section)."""
    df = table(result)
    head = "| " + " | ".join(df.columns) + " |"
    sep = "|" + "|".join("---" if c in ("case", "method") else "---:" for c in df.columns) + "|"
    lines = [head, sep]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def plot(result: dict, path) -> None:
    """PNG chart: one panel per case, median time vs rows (log-log), a line per engine/baseline."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError('--plot needs matplotlib: pip install "bk_fast[plot]"') from exc
    ok = [r for r in result["results"] if r["status"] == "ok"]
    cases = list(dict.fromkeys(r["case"] for r in ok))
    if not cases:
        raise ValueError("nothing was measured: no chart to draw")
    ncols = min(3, len(cases))
    nrows = math.ceil(len(cases) / ncols)
    # a plain Figure, not pyplot's: the caller's backend is left alone (_plotting.figure_axes' rule)
    fig = Figure(figsize=(5.2 * ncols, 3.8 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    styles = {"cython": ("C0", "-", "o"), "numba": ("C1", "-", "s"), "numpy": ("C2", "-", "^"),
              "pandas": ("C3", "--", "D"), "loop": ("C7", ":", "x")}
    for ax, case in zip(axes.flat, cases):
        recs = [r for r in ok if r["case"] == case]
        for method in dict.fromkeys(r["method"] for r in recs):
            pts = sorted((r["rows"], r["median_s"]) for r in recs if r["method"] == method)
            color, ls, marker = styles.get(method, (None, "-", "."))
            ax.plot([p[0] for p in pts], [p[1] * 1e3 for p in pts], ls, color=color, marker=marker,
                    label=method)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(case, fontsize=10)
        ax.set_xlabel("rows")
        ax.set_ylabel(f"median {'CPU ' if result.get('clock') == 'cpu' else ''}ms (lower is better)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    for ax in list(axes.flat)[len(cases):]:
        ax.axis("off")
    fig.suptitle(f"bk-fast bench (bk_fast {result['bk_fast']}, {result['machine']['cpus']} cpus"
                 f"{', quick' if result['quick'] else ''})", fontsize=11)
    fig.tight_layout()
    save_png(fig, path)  # (a name without a suffix: a PNG exactly there)


def main(args) -> int:
    """Entry point of ``bk-fast bench`` (``args`` from :func:`bk_fast.cli.build_parser`)."""
    from bk_fast.cli import check_output

    # the inputs are built on the engine in force: a broken BK_FAST_ENGINE (unknown or unavailable) made every
    # case that compiles a BOM an "error: building inputs" row, exit 1 after the whole run
    pick()
    # before the run (minutes): an unwritable --json / --plot was found only at the end, losing the run
    if args.json:
        check_output(args.json, "--json")
    if args.plot:
        check_output(args.plot, "--plot", plot=True)
    result = run(args.kernels, args.engines, quick=args.quick, progress=getattr(args, "progress", None))
    ran = [e for e in ENGINES if any(r["method"] == e for r in result["results"])]
    quick = " --quick" if result["quick"] else ""
    print(f"bk_fast {result['bk_fast']} bench{quick}: synthetic mill at scales "
          f"{', '.join(f'{s:g}' for s in result['scales'])}; engines {', '.join(ran) or '(none)'}; "
          f"median {'CPU' if result['clock'] == 'cpu' else 'wall'} time of up to {result['repeat']} warm "
          f"runs; "
          f"{result['machine']['cpus']} cpus")
    for cap, reason in result["skipped_capabilities"].items():
        print(f"skipped {cap}: {reason}")
    df = table(result)
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_rows", 1000):
        print(df.to_string(index=False))
    print("vs X = X's median / this median (higher is faster); loop = the ERP's row loop or the textbook "
          "sequential algorithm in Python")
    print(f"total {result['wall_s']:.1f} s")
    errors = [r for r in result["results"] if r["status"].startswith("error")]
    for r in errors:
        print(f"error in {r['case']} x{r['scale']:g} {r['method']}: {r['status']}", file=sys.stderr)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
        print(f"wrote {args.json}")
    if args.plot:
        plot(result, args.plot)
        print(f"wrote {args.plot}")
    return 1 if errors else 0

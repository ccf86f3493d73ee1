"""Time-phased netting: ``bk_fast.net_requirements``, ``weekly_balance`` and ``mrp`` vs what planners write instead.

Workloads and baselines:

- ``NetRequirements``: items x 52 weeks (long frames in: item, week, qty; ~50 % of cells with demand, ~5 % with a
  scheduled receipt), safety stock, lead time 2, each lot rule. Baselines: ``pandas-loop`` (group the frame by
  item, reindex each group to the weeks, loop over the periods in Python; what a planner writes) beside the
  ``numpy`` engine, which *is* the vectorised-where-possible NumPy version (vectorised across items, a loop over
  periods; the Wagner-Whitin programme vectorised across items over (order period, cover period)).
- ``WeeklyBalance``: the ERP's weekly yarn balance (10 buckets) for N yarns. Baselines: ``pandas`` (cumsum of
  receipts - demand across the wide frame) and ``iterrows`` (the ERP's row loop; only up to 1e4 rows).
- ``MRP``: ``make_mill(scale)`` with a finished level added (finished style -> greige style with 5 % loss ->
  yarns), 52 weeks: sales orders by ship week on finished styles, knit-order balances by start week on greige
  styles, yarn stock and open POs; lead times finished 1, greige 1, yarn 2 weeks; lot-for-lot. Baseline:
  ``pandas-loop`` (levels from pandas merges, then one Python loop per item in level order, explosion into dicts).

``python -m benchmarks.bench_netting`` measures everything in one run (medians) and writes
``benchmarks/results/netting.md``.
"""

from __future__ import annotations

import functools
import gc
import math
import statistics
import sys
import time

import numpy as np
import pandas as pd

import bk_fast
from bk_fast.lots import FixedPeriods, LotForLot, MinMaxMultiple, WagnerWhitin

from .common import ENGINES, PACKAGE, cached, check_engine

RULES = {
    "lot-for-lot": LotForLot(),
    "min-max-multiple": MinMaxMultiple(min=200.0, max=2000.0, multiple=50.0),
    "fixed-periods": FixedPeriods(4),
    "wagner-whitin": WagnerWhitin(setup=200.0, holding=0.2),
}
SAFETY, LEAD = 50.0, 2

# ----------------------------------------------------------------------------------------------------------
# data


@functools.lru_cache(maxsize=4)
def netting_case(n_items: int, n_weeks: int = 52, seed: int = 0):
    """(gross long frame, scheduled-receipts long frame, on-hand Series): yarn-like lbs, ids from 10000."""
    rng = np.random.default_rng(seed)
    ids = np.arange(10_000, 10_000 + n_items)
    g = np.where(rng.random((n_items, n_weeks)) < 0.5, rng.gamma(2.0, 100.0, (n_items, n_weeks)), 0.0).round(1)
    s = np.where(rng.random((n_items, n_weeks)) < 0.05, rng.gamma(2.0, 500.0, (n_items, n_weeks)), 0.0).round(0)
    gross = pd.DataFrame({"item": np.repeat(ids, n_weeks), "week": np.tile(np.arange(n_weeks), n_items),
                          "qty": g.reshape(-1)})
    r, c = np.nonzero(s)
    sched = pd.DataFrame({"item": ids[r], "week": c, "qty": s[r, c]})
    on_hand = pd.Series(rng.gamma(1.5, 500.0, n_items).round(1), index=ids)
    return gross, sched, on_hand


# ----------------------------------------------------------------------------------------------------------
# baseline: per-item pandas loop


def _ww_python(d, setup, holding):
    t_len = len(d)
    f = [0.0] * (t_len + 1)
    arg = [-1] * (t_len + 1)
    for j in range(t_len):
        if d[j] <= 0:
            f[j + 1] = f[j]
            continue
        best, bi = math.inf, -1
        for i in range(j + 1):
            if d[i] <= 0:
                continue
            c = f[i] + setup + holding * sum((t - i) * d[t] for t in range(i, j + 1))
            if c < best:
                best, bi = c, i
        f[j + 1], arg[j + 1] = best, bi
    rec = [0.0] * t_len
    j = t_len
    while j > 0:
        i = arg[j]
        if i < 0:
            j -= 1
        else:
            rec[i] = sum(d[i:j])
            j = i
    return rec


_HALF_ULP = 2.0 ** -53


def _lots(x: float, slack: float, extra: float) -> int:
    """A count of lots rounded up, up to a float residue (the rule's slack: ``slack`` of it plus the need's
    error bound in lots, at most half a lot)."""
    return math.ceil(x - min(x * slack + extra, 0.5))


def _mmm_orders(net: float, rule, slack: float, e2: float) -> list:
    """Lots of the max, then the rest raised to the min and rounded up to the multiple (lot counts up to a
    float residue, as the rule counts them)."""
    full = _lots(net / rule.max, slack, e2 / rule.max) - 1 if net > rule.max else 0
    rem = net - full * rule.max
    last = max(rem, rule.min)
    extra = e2 / rule.multiple if rem > rule.min else 0.0
    return [rule.max] * full + [min(_lots(last / rule.multiple, slack, extra) * rule.multiple, rule.max)]


def net_pandas_loop(gross: pd.DataFrame, sched: pd.DataFrame, on_hand: pd.Series, rule, safety=SAFETY,
                    lead=LEAD) -> pd.DataFrame:
    """Planned orders (item, due_period, release_period, qty), one item at a time: group the long frame by item,
    reindex each group to the weeks, roll the periods in a Python loop."""
    weeks = np.sort(gross["week"].unique())
    sched_by_item = {k: grp.set_index("week")["qty"] for k, grp in sched.groupby("item", sort=False)}
    empty = pd.Series(dtype=float)
    rows = []
    for item, grp in gross.groupby("item", sort=False):
        g = grp.groupby("week")["qty"].sum().reindex(weeks, fill_value=0.0).tolist()
        s = sched_by_item.get(item, empty).reindex(weeks, fill_value=0.0).tolist()
        prev = float(on_hand.get(item, 0.0))
        # the rule's running bound on the float error of avail, err, and what residues wrote off so far, wo: a
        # period below the safety stock by no more than err - wo is at it (wo grows by what that writes off)
        err0 = abs(prev) * _HALF_ULP + abs(safety) * _HALF_ULP
        if isinstance(rule, WagnerWhitin):
            d, p0, err, wo = [], prev, err0, 0.0
            for p in range(len(weeks)):
                t1 = p0 + s[p]
                avail = t1 - g[p]
                err = (((err + abs(s[p]) * _HALF_ULP) + abs(g[p]) * _HALF_ULP) + abs(t1) * _HALF_ULP) \
                    + abs(avail) * _HALF_ULP
                if avail < safety and not avail < safety - (err - wo):
                    wo, avail = wo + (safety - avail), safety
                dp = safety - avail if avail < safety else 0.0
                d.append(dp)
                p0 = avail + dp
                err = err + abs(p0) * _HALF_ULP
                if dp > 0 and p0 < safety:  # (the rule: a rounding below ss is none)
                    wo, p0 = wo + (safety - p0), safety
            for p, q in enumerate(_ww_python(d, rule.setup, rule.holding)):
                if q > 0:
                    rows.append((item, p, p - lead, q))
            continue
        cover = 0  # (fixed periods: no order inside the last order's window)
        err, wo = err0, 0.0
        for p in range(len(weeks)):
            t1 = prev + s[p]
            avail = t1 - g[p]
            err = (((err + abs(s[p]) * _HALF_ULP) + abs(g[p]) * _HALF_ULP) + abs(t1) * _HALF_ULP) \
                + abs(avail) * _HALF_ULP
            room = err - wo
            if avail < safety and not avail < safety - room:
                wo, avail = wo + (safety - avail), safety  # (below it by a rounding only)
            if avail < safety and p < cover:
                err = err + abs(avail) * _HALF_ULP
                wo, avail = wo + (safety - avail), safety  # (short by a rounding only: the window's order covers it)
            elif avail < safety:
                net = safety - avail
                if isinstance(rule, LotForLot):
                    qs = [net]
                elif isinstance(rule, MinMaxMultiple):
                    qs = _mmm_orders(net, rule, 2.0 ** -50, room + net * _HALF_ULP)  # (the need's error bound)
                    if avail + sum(qs) < safety - room:  # (the slack would leave more short than the room)
                        qs = _mmm_orders(net, rule, 0.0, 0.0)
                else:
                    cum, need = avail, net
                    for j in range(p + 1, min(p + rule.periods, len(weeks))):
                        cum = cum + s[j] - g[j]
                        need = max(need, safety - cum)
                    qs = [need]
                    cover = p + rule.periods
                for q in qs:
                    rows.append((item, p, p - lead, q))
                cur = avail + sum(qs)
                err = err + abs(cur) * _HALF_ULP
                if cur < safety:  # (the lots meet ss up to a residue: written off)
                    wo, cur = wo + (safety - cur), safety
                avail = cur
            else:
                err = err + abs(avail) * _HALF_ULP
            prev = avail
    return pd.DataFrame(rows, columns=["item", "due_period", "release_period", "qty"])


def net_engine(gross, sched, on_hand, rule, engine):
    return bk_fast.net_requirements(gross, on_hand, sched, safety_stock=SAFETY, lead_time=LEAD, lot=rule,
                                    engine=engine)


# ----------------------------------------------------------------------------------------------------------
# weekly balance


BUCKETS = ["This Week", *[f"Week {w}" for w in range(36, 44)], "Later"]


@functools.lru_cache(maxsize=4)
def weekly_case(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    ids = np.arange(10_000, 10_000 + n)
    dem = pd.DataFrame(np.where(rng.random((n, 10)) < 0.4, rng.gamma(2.0, 300.0, (n, 10)), 0.0).round(1),
                       index=ids, columns=BUCKETS)
    rec = pd.DataFrame(np.where(rng.random((n, 10)) < 0.05, rng.gamma(2.0, 2000.0, (n, 10)), 0.0).round(0),
                       index=ids, columns=BUCKETS)
    on_hand = pd.Series(rng.gamma(1.5, 800.0, n).round(1), index=ids)
    past_due = pd.Series(np.where(rng.random(n) < 0.03, 500.0, 0.0), index=ids)
    return on_hand, dem, rec, past_due


def weekly_pandas(on_hand, dem, rec, past_due):
    bal = (rec - dem).cumsum(axis=1).add(on_hand, axis=0)
    total = on_hand - dem.sum(axis=1) + past_due + rec.sum(axis=1)
    short = bal < 0
    first = short.idxmax(axis=1).where(short.any(axis=1))
    return bal.assign(total_balance=total, first_short=first)


def weekly_iterrows(on_hand, dem, rec, past_due):
    rows = []
    for item, drow in dem.iterrows():
        bal = on_hand[item]
        out = {}
        for b in BUCKETS:
            bal = bal - drow[b] + rec.at[item, b]
            out[b] = bal
        out["total_balance"] = on_hand[item] - drow.sum() + past_due[item] + rec.loc[item].sum()
        rows.append(out)
    return pd.DataFrame(rows, index=dem.index)


# ----------------------------------------------------------------------------------------------------------
# multi-level MRP on the synthetic mill with a finished level


@functools.lru_cache(maxsize=2)
def mrp_case(scale: float, n_weeks: int = 52, seed: int = 0):
    """(BOM lines frame, compiled BOM, demand long frame, on-hand Series, receipts long frame, lead Series)."""
    from bk_fast.datasets import PO_WEEK_COLUMNS, REFERENCE_DATE, make_mill

    mill = make_mill(scale=scale, seed=seed)
    yb = mill["bom"].dropna(subset=["Style#", "Desc#"])
    styles = yb["Style#"].str.strip()
    yarn_lines = pd.DataFrame({"parent": styles.to_numpy(), "component": yb["Desc#"].astype("int64").to_numpy(),
                               "qty_per": yb["BOM_Percentage"].to_numpy(), "loss": 0.0})
    greige = pd.Series(pd.unique(styles.to_numpy()))
    first_version = pd.Series(greige.to_numpy(), index=greige.str.split("/").str[0].to_numpy())
    first_version = first_version[~first_version.index.duplicated()]
    sm = mill["style_master"]
    g_of_f = first_version.reindex(sm["gBase"].to_numpy())
    ok = g_of_f.notna().to_numpy()
    fin_lines = pd.DataFrame({"parent": sm["fStyle#"].to_numpy()[ok], "component": g_of_f.to_numpy()[ok],
                              "qty_per": 1.0, "loss": 0.05})
    lines = pd.concat([fin_lines, yarn_lines], ignore_index=True)
    bom = bk_fast.BOM.from_frame(lines, loss="loss")
    so, ko = mill["sales_orders"], mill["knit_orders"].dropna(subset=["Style #"])
    week = lambda d: ((d - REFERENCE_DATE).dt.days // 7).clip(lower=0, upper=n_weeks - 1).to_numpy()  # noqa: E731
    demand = pd.concat([
        pd.DataFrame({"item": so["fStyle#"].to_numpy(), "week": week(so["Ship Date"]), "qty": so["Ordered"]
                      .to_numpy()}),
        pd.DataFrame({"item": ko["Style #"].to_numpy(), "week": week(ko["Start Date"]),
                      "qty": ko["Balance (lbs)"].fillna(0.0).to_numpy()}),
    ], ignore_index=True)
    inv = mill["yarn_inventory"]
    on_hand = pd.Series(inv["Theoretical Balance"].to_numpy(), index=inv["Desc#"].to_numpy())
    po = mill["yarn_po"]
    cols = {"Unscheduled or Past Due": 0, "This Week": 0, **{c: i + 1 for i, c in enumerate(PO_WEEK_COLUMNS)},
            "Later": min(10, n_weeks - 1)}
    po_long = po.melt(id_vars="Desc#", value_vars=list(cols), var_name="week", value_name="qty")
    po_long["week"] = po_long["week"].map(cols)
    po_long = po_long[po_long["qty"] != 0].rename(columns={"Desc#": "item"}).reset_index(drop=True)
    llc = bom.low_level_code
    lead = pd.Series(np.where(llc.to_numpy() == 0, 1.0, np.where(llc.to_numpy() == 1, 1.0, 2.0)), index=llc.index)
    lead = pd.concat([lead, pd.Series(2.0, index=on_hand.index.difference(lead.index))])
    return lines, bom, demand, on_hand, po_long, lead, n_weeks


def mrp_engine(case, engine):
    lines, bom, demand, on_hand, po, lead, n_weeks = case
    return bk_fast.mrp(demand, bom, on_hand, po, lead_time=lead, periods=range(n_weeks), engine=engine)


def mrp_structure(lines):
    """The pandas loop's BOM structure: low-level codes from pandas merges and the children per parent. Built
    once, outside the timed call, as the engine gets its BOM compiled once (a service keeps both)."""
    mult = (lines["qty_per"] * (1.0 + lines["loss"])).to_numpy()
    edges = pd.DataFrame({"parent": lines["parent"].to_numpy(), "child": lines["component"].to_numpy(),
                          "m": mult}).groupby(["parent", "child"], sort=False, as_index=False)["m"].sum()
    level = pd.Series(0, index=pd.unique(pd.concat([edges["parent"], edges["child"]], ignore_index=True)))
    while True:   # low-level code: a child sits below its deepest parent
        cand = edges.assign(lv=level.reindex(edges["parent"]).to_numpy() + 1).groupby("child")["lv"].max()
        new = level.copy()
        new.loc[cand.index] = np.maximum(level.loc[cand.index].to_numpy(), cand.to_numpy())
        if new.equals(level):
            break
        level = new
    children = {p: list(zip(g["child"], g["m"])) for p, g in edges.groupby("parent", sort=False)}
    return level, children


def mrp_pandas_loop(case, structure=None):
    """One Python loop per item in level order, releases exploded into dicts, over the BOM structure of
    :func:`mrp_structure` (built here when not given: it was built inside every timed call while the engine
    got its BOM compiled, ~90 % of this loop's time at scale 1). Returns planned orders (item, due_period,
    qty)."""
    lines, _, demand, on_hand, po, lead, n_weeks = case
    level, children = mrp_structure(lines) if structure is None else structure
    gross: dict = {}
    for it, w, q in demand[["item", "week", "qty"]].itertuples(index=False):
        row = gross.setdefault(it, [0.0] * n_weeks)
        row[w] += q
    sched: dict = {}
    for it, w, q in po[["item", "week", "qty"]].itertuples(index=False):
        row = sched.setdefault(it, [0.0] * n_weeks)
        row[w] += q
    stock = on_hand.to_dict()
    lead_d = lead.to_dict()
    in_bom = level.index
    others = pd.Index(list(gross) + list(sched) + list(stock)).unique().difference(in_bom)
    order = list(others) + list(level.sort_values(kind="stable").index)
    zero = [0.0] * n_weeks
    rows = []
    for it in order:
        g = gross.get(it)
        s = sched.get(it, zero)
        prev = stock.get(it, 0.0)
        if g is None and prev == 0.0 and it not in sched:
            continue
        g = g or zero
        lt = int(lead_d.get(it, 0))
        rel = [0.0] * n_weeks
        past_due = 0.0
        for p in range(n_weeks):
            avail = prev + s[p] - g[p]
            q = -avail if avail < 0 else 0.0
            if q > 0:
                rows.append((it, p, q))
                if p - lt >= 0:
                    rel[p - lt] = q
                else:
                    past_due += q
            prev = avail + q
        rel[0] += past_due
        for child, m in children.get(it, ()):
            row = gross.setdefault(child, [0.0] * n_weeks)
            for p in range(n_weeks):
                if rel[p]:
                    row[p] += rel[p] * m
    return pd.DataFrame(rows, columns=["item", "due_period", "qty"])


# ----------------------------------------------------------------------------------------------------------
# asv suites (inputs built once per machine: common.cached; the MRP case holds a compiled BOM, hence its deps)

_MRP_DEPS = (PACKAGE,)  # (the case holds a compiled BOM: a bk_fast object)


class NetRequirements:
    params = [ENGINES + ["pandas-loop"], [1_000, 50_000], list(RULES)]
    param_names = ["engine", "items", "lot"]
    number = 1
    repeat = (1, 5, 60.0)
    timeout = 1200

    def setup(self, engine, items, lot):
        if engine in ENGINES:
            check_engine(engine)
        if engine == "pandas-loop" and items > 1_000:
            raise NotImplementedError("the pandas loop takes minutes per rule at 5e4 items (measure() has it)")
        self.data = cached(netting_case, items)
        self.rule = RULES[lot]
        if engine in ENGINES:
            g, s, oh = netting_case(100)
            net_engine(g, s, oh, self.rule, engine)   # warm the JIT

    def time_net(self, engine, items, lot):
        if engine == "pandas-loop":
            net_pandas_loop(*self.data, self.rule)
        else:
            net_engine(*self.data, self.rule, engine)


class WeeklyBalance:
    params = [ENGINES + ["pandas", "iterrows"], [10_000, 1_000_000]]
    param_names = ["engine", "yarns"]

    def setup(self, engine, yarns):
        if engine == "iterrows" and yarns > 10_000:
            raise NotImplementedError("iterrows only up to 1e4 yarns")
        if engine in ENGINES:
            check_engine(engine)
            bk_fast.weekly_balance(*weekly_case(10)[:3], past_due=weekly_case(10)[3], engine=engine)
        self.data = cached(weekly_case, yarns)

    def time_weekly_balance(self, engine, yarns):
        on_hand, dem, rec, past_due = self.data
        if engine == "pandas":
            weekly_pandas(on_hand, dem, rec, past_due)
        elif engine == "iterrows":
            weekly_iterrows(on_hand, dem, rec, past_due)
        else:
            bk_fast.weekly_balance(on_hand, dem, rec, past_due, engine=engine)


class MRP:
    # scale 100 (1.1M BOM items; the pandas loop runs for minutes) is in measure() / results/netting.md
    params = [ENGINES + ["pandas-loop"], [1, 10]]
    param_names = ["engine", "scale"]
    number = 1
    repeat = (1, 3, 120.0)
    timeout = 1800

    def setup(self, engine, scale):
        if engine in ENGINES:
            check_engine(engine)
            mrp_engine(cached(mrp_case, 1, deps=_MRP_DEPS), engine)   # warm the JIT
        if engine == "pandas-loop" and scale > 1:
            raise NotImplementedError("the pandas loop takes 30 s at scale 10, minutes at 100 (measure() has it)")
        self.case = cached(mrp_case, scale, deps=_MRP_DEPS)
        if engine == "pandas-loop":
            self.structure = mrp_structure(self.case[0])

    def time_mrp(self, engine, scale):
        if engine == "pandas-loop":
            mrp_pandas_loop(self.case, self.structure)
        else:
            mrp_engine(self.case, engine)


# ----------------------------------------------------------------------------------------------------------
# one-run measurement


def _median(fn, runs):
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _fmt(sec):
    return f"{sec * 1000:.1f} ms" if sec < 1 else f"{sec:.2f} s"


def measure(items=50_000, scale=100, runs=7, loop_runs=1, out="benchmarks/results/netting.md"):
    rows = []
    engines = [e for e in ENGINES if bk_fast.engines()[e].available]
    g, s, oh = netting_case(items)
    for name, rule in RULES.items():
        for e in engines:
            net_engine(*netting_case(100), rule, e)
        res = {e: _median(lambda e=e: net_engine(g, s, oh, rule, e), runs) for e in engines}
        res["pandas-loop"] = _median(lambda: net_pandas_loop(g, s, oh, rule), loop_runs)
        base = res["pandas-loop"]
        for k, v in res.items():
            rows.append((f"net_requirements {items:,} items x 52 weeks, {name}", k, v, base / v))
        print(rows[-5:], file=sys.stderr, flush=True)
    on_hand, dem, rec, pdue = weekly_case(1_000_000)
    res = {e: _median(lambda e=e: bk_fast.weekly_balance(on_hand, dem, rec, pdue, engine=e), runs) for e in engines}
    res["pandas"] = _median(lambda: weekly_pandas(on_hand, dem, rec, pdue), runs)
    for k, v in res.items():
        rows.append(("weekly_balance 1,000,000 yarns x 10 buckets", k, v, res["pandas"] / v))
    small = weekly_case(10_000)
    res = {e: _median(lambda e=e: bk_fast.weekly_balance(*small[:3], small[3], engine=e), runs) for e in engines}
    res["iterrows"] = _median(lambda: weekly_iterrows(*small), 1)
    for k, v in res.items():
        rows.append(("weekly_balance 10,000 yarns x 10 buckets", k, v, res["iterrows"] / v))
    for sc in (1, scale):
        case = mrp_case(sc)
        for e in engines:
            mrp_engine(mrp_case(1), e)
        res = {e: _median(lambda e=e: mrp_engine(case, e), max(3, runs // 2)) for e in engines}
        structure = mrp_structure(case[0])  # (built once, as the engine's BOM is compiled in mrp_case)
        res["pandas-loop"] = _median(lambda: mrp_pandas_loop(case, structure), loop_runs)
        probe = mrp_engine(case, engines[0])
        label = (f"mrp make_mill(scale={sc}) + finished level, 52 weeks: {case[1].n_items:,} BOM items, "
                 f"{case[1].n_edges:,} edges, {len(probe.items):,} items in play")
        for k, v in res.items():
            rows.append((label, k, v, res["pandas-loop"] / v))
        print(rows[-4:], file=sys.stderr, flush=True)
    lines = ["# Netting: measured in one run", "",
             f"`python -m benchmarks.bench_netting` (median of {runs} runs for the engines, {loop_runs} for the "
             "per-item loops; 2-core shared machine). Ratio = baseline time / this time (the per-item pandas loop "
             "for netting and MRP, vectorised pandas and the ERP's iterrows loop for the weekly balance). The "
             "`numpy` engine is the vectorised-where-possible NumPy version.", "",
             "| workload | engine / baseline | median | ratio |", "|---|---|---|---|"]
    lines += [f"| {w} | {k} | {_fmt(v)} | {r:,.1f}x |" for w, k, v, r in rows]
    text = "\n".join(lines) + "\n"
    with open(out, "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    measure()

"""BOM explosion: the compiled ``bk_fast.BOM`` vs what the ERP and its users do instead.

Two workloads:

- ``FourLevel``: a synthetic 4-level BOM (10^5 items, ~2.4 x 10^5 edges, integer item ids, shared components
  reached through several paths) and 10^6 demand lines. Baselines: ``pandas`` (the best merge-per-level
  explosion: aggregate the demand, then merge the frontier with the edges and group by component, level after
  level), ``polars`` (the same loop in polars, polars frames in and out) and ``duckdb`` (a recursive CTE, what
  users pick instead; ``bench`` extra).
- ``KnitOrderYarn``: yarn demand of every knit order on ``make_mill(scale)`` (``bk_fast.erp.yarn_requirements``
  with the BOM compiled once). Baselines: ``iterrows`` (the ERP's nested row loops: for every knit order, filter
  the BOM by style, loop over its rows; asv runs it at scale 1 only: 30 s at 10, hours at 100) and ``pandas``
  (merge the knit orders with the BOM, multiply, group by yarn).

``python -m benchmarks.bench_bom`` measures everything in one run (medians) and writes
``benchmarks/results/bom.md``.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

import bk_fast
from bk_fast.bom import BOM

from .common import ENGINES, PACKAGE, cached, check_engine, mill, rotated

# ----------------------------------------------------------------------------------------------------------
# data


def four_level_bom(n_items: int = 100_000, children: int = 4, seed: int = 0) -> pd.DataFrame:
    """A 4-level BOM over ``n_items`` integer ids: 10 % top items, 20 % / 30 % intermediates, 40 % leaves;
    every non-leaf has ``children`` lines, 70 % to the next level and 30 % to any deeper level (so a
    component is reached through several paths and at several depths). Quantities 0.05..5, 2 decimals."""
    rng = np.random.default_rng(seed)
    sizes = np.round(np.array([0.1, 0.2, 0.3, 0.4]) * n_items).astype(int)
    sizes[-1] = n_items - sizes[:-1].sum()
    starts = np.r_[0, np.cumsum(sizes)]
    ids = rng.permutation(n_items).astype(np.int64) + 100_000
    parents, comps = [], []
    for lev in range(3):
        par = np.repeat(np.arange(starts[lev], starts[lev + 1]), children)
        nxt = rng.integers(starts[lev + 1], starts[lev + 2], par.size)
        deep = rng.integers(starts[lev + 1], n_items, par.size)
        parents.append(par)
        comps.append(np.where(rng.random(par.size) < 0.7, nxt, deep))
    p = np.concatenate(parents)
    c = np.concatenate(comps)
    qty = np.round(rng.uniform(0.05, 5.0, p.size), 2)
    return pd.DataFrame({"parent": ids[p], "component": ids[c], "qty_per": qty})


def demand_lines(bom: pd.DataFrame, n_lines: int = 1_000_000, seed: int = 1) -> pd.DataFrame:
    """``n_lines`` demand lines: 90 % on top items, 10 % on intermediates (spares), qty 1..1000 (2 decimals)."""
    rng = np.random.default_rng(seed)
    parents = pd.unique(bom["parent"])
    tops = np.setdiff1d(parents, bom["component"].to_numpy())
    mids = np.intersect1d(parents, bom["component"].to_numpy())
    items = np.where(rng.random(n_lines) < 0.9, rng.choice(tops, n_lines), rng.choice(mids, n_lines))
    return pd.DataFrame({"item": items, "qty": np.round(rng.uniform(1.0, 1000.0, n_lines), 2)})


# ----------------------------------------------------------------------------------------------------------
# baselines: 4-level explosion


def explode_pandas(edges: pd.DataFrame, parents: pd.Index, demand: pd.DataFrame) -> pd.DataFrame:
    """The best pandas explosion: aggregate demand, then merge-per-level (frontier x edges, group by
    component) until nothing is left; leaves summed over all levels."""
    frontier = demand.groupby("item", sort=False, as_index=False)["qty"].sum()
    leaves = []
    while len(frontier):
        leaves.append(frontier[~frontier["item"].isin(parents)])
        m = frontier.merge(edges, left_on="item", right_on="parent", how="inner", sort=False)
        frontier = (pd.DataFrame({"item": m["component"].to_numpy(),
                                  "qty": m["qty"].to_numpy() * m["qty_per"].to_numpy()})
                    .groupby("item", sort=False, as_index=False)["qty"].sum())
    return pd.concat(leaves).groupby("item", as_index=False)["qty"].sum()


def explode_polars(edges, parents, demand):
    """The same merge-per-level loop in polars (polars frames in and out)."""
    import polars as pl

    frontier = demand.group_by("item").agg(pl.col("qty").sum())
    leaves = []
    while frontier.height:
        leaves.append(frontier.filter(~pl.col("item").is_in(parents.implode())))
        frontier = (frontier.join(edges, left_on="item", right_on="parent", how="inner")
                    .select(pl.col("component").alias("item"), (pl.col("qty") * pl.col("qty_per")).alias("qty"))
                    .group_by("item").agg(pl.col("qty").sum()))
    return pl.concat(leaves).group_by("item").agg(pl.col("qty").sum())


DUCKDB_SQL = """
WITH RECURSIVE ex(item, qty) AS (
    SELECT item, SUM(qty) FROM demand GROUP BY item
    UNION ALL
    SELECT e.component, ex.qty * e.qty_per FROM ex JOIN edges e ON ex.item = e.parent
)
SELECT ex.item, SUM(ex.qty) AS qty FROM ex SEMI JOIN leaves l ON ex.item = l.item GROUP BY ex.item
"""


def duckdb_connection(edges: pd.DataFrame):
    """A DuckDB connection holding the edges and the leaf ids as native tables (built once, like the index)."""
    import duckdb

    con = duckdb.connect()
    con.register("edges_df", edges)
    con.execute("CREATE TABLE edges AS SELECT * FROM edges_df")
    con.execute("CREATE TABLE leaves AS SELECT DISTINCT component AS item FROM edges "
                "WHERE component NOT IN (SELECT parent FROM edges)")
    con.unregister("edges_df")
    return con


def explode_duckdb(con, demand: pd.DataFrame) -> pd.DataFrame:
    """Recursive CTE over the demand frame (scanned from pandas), result back as pandas."""
    con.register("demand", demand)
    try:
        return con.execute(DUCKDB_SQL).df()
    finally:
        con.unregister("demand")


# ----------------------------------------------------------------------------------------------------------
# baselines: knit-order yarn demand


def yarn_iterrows(kos: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    """The ERP's way: for every knit order, filter the BOM by its style and loop over the rows."""
    rows = []
    for _, ko in kos.iterrows():
        style = str(ko["Style #"]).strip()
        balance = ko["Balance (lbs)"]
        balance = 0.0 if pd.isna(balance) else float(balance)
        style_bom = bom[bom["Style#"] == style]
        for _, line in style_bom.iterrows():
            rows.append((ko["Order #"], style, int(line["Desc#"]), balance * float(line["BOM_Percentage"])))
    return pd.DataFrame(rows, columns=["Order #", "Style #", "Desc#", "lbs"])


def yarn_pandas(kos: pd.DataFrame, bom: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Idiomatic pandas: merge knit orders with the BOM on style, multiply, group by yarn."""
    k = pd.DataFrame({"Order #": kos["Order #"], "Style#": kos["Style #"].str.strip(),
                      "balance": kos["Balance (lbs)"].fillna(0.0)})
    m = k.merge(bom[["Style#", "Desc#", "BOM_Percentage"]], on="Style#", how="inner")
    m["lbs"] = m["balance"] * m["BOM_Percentage"]
    return m, m.groupby("Desc#")["lbs"].sum()


def clean_bom(bom: pd.DataFrame) -> pd.DataFrame:
    """The ERP's BOM as the baselines get it: empty rows dropped, styles stripped, yarn ids int."""
    b = bom.dropna(how="all").copy()
    b["Style#"] = b["Style#"].str.strip()
    b["Desc#"] = b["Desc#"].astype(np.int64)
    return b


# ----------------------------------------------------------------------------------------------------------
# asv suites

def four_level_case(n_items: int, n_lines: int):
    """(4-level BOM, demand lines)."""
    bom = four_level_bom(n_items)
    return bom, demand_lines(bom, n_lines)


def _four_level(n_items: int, n_lines: int):
    return cached(four_level_case, n_items, n_lines)  # built once per machine (common.cached)


def _mill(scale: float):
    return mill(scale)


def _compiled_mill_bom(scale: float, engine: str) -> BOM:
    return BOM.from_frame(_mill(scale)["bom"], engine=engine)


class FourLevel:
    """4-level BOM, 10^5 items: explode demand lines to leaf requirements."""

    params = [ENGINES + ["pandas", "polars", "duckdb"], [100_000, 1_000_000]]
    param_names = ["method", "lines"]
    timeout = 600

    def setup(self, method, lines):
        bom, demand = _four_level(100_000, int(lines))
        self.demand = demand
        if method in ENGINES:
            check_engine(method)
            self.bom = BOM.from_frame(bom, engine=method)
            self.bom.explode(demand.head(100), engine=method)  # warm the JIT
            self.run = lambda: self.bom.explode(self.demand, engine=method)
        elif method == "pandas":
            parents = pd.Index(pd.unique(bom["parent"]))
            self.run = lambda: explode_pandas(bom, parents, self.demand)
        elif method == "polars":
            try:
                import polars as pl
            except ImportError:
                raise NotImplementedError("polars not installed (bench extra)") from None
            edges, parents = pl.from_pandas(bom), pl.Series(pd.unique(bom["parent"]))
            d = pl.from_pandas(demand)
            self.run = lambda: explode_polars(edges, parents, d)
        elif method == "duckdb":
            try:
                con = duckdb_connection(bom)
            except ImportError:
                raise NotImplementedError("duckdb not installed") from None
            self.run = lambda: explode_duckdb(con, self.demand)

    def time_explode(self, method, lines):
        self.run()

    def peakmem_explode(self, method, lines):
        self.run()


class FourLevelCompile:
    """Compiling the 4-level BOM (codes, CSR, low-level codes, cycle check): done once, reused."""

    params = [ENGINES]
    param_names = ["engine"]

    def setup(self, engine):
        check_engine(engine)
        self.bom, _ = _four_level(100_000, 1000)
        BOM.from_frame(self.bom.head(100), engine=engine)

    def time_compile(self, engine):
        BOM.from_frame(self.bom, engine=engine)


class KnitOrderYarn:
    """Yarn demand of every knit order of ``make_mill(scale)``."""

    params = [ENGINES + ["pandas", "iterrows"], [1, 10, 100]]
    param_names = ["method", "scale"]
    timeout = 900

    def setup(self, method, scale):
        if method == "iterrows" and scale > 1:
            raise NotImplementedError("iterrows: 30 s at scale 10, hours at 100 (main() extrapolates it)")
        mill = _mill(scale)
        kos, bom = mill["knit_orders"], mill["bom"]
        if method in ENGINES:
            check_engine(method)
            # compiled once per machine, as a service would (compiling is FourLevelCompile's subject)
            compiled = cached(_compiled_mill_bom, scale, method, deps=(PACKAGE,))
            bk_fast.erp.yarn_requirements(kos.head(5), compiled, engine=method)
            self.run = lambda: bk_fast.erp.yarn_requirements(kos, compiled, engine=method)
        else:
            clean = clean_bom(bom)
            fn = yarn_pandas if method == "pandas" else yarn_iterrows
            self.run = lambda: fn(kos, clean)

    def time_yarn_requirements(self, method, scale):
        self.run()


# ----------------------------------------------------------------------------------------------------------
# one run: every engine and baseline, medians, ratios, peak memory


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _peak(fn) -> tuple[int, object]:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, out


def text_ids(bom: pd.DataFrame, demand: pd.DataFrame, available, repeat: int = 3) -> dict:
    """Medians of the 4-level explosion with text item ids (``"I123456"``: the BOM's ids and the demand's as
    pandas ``str`` columns), every engine and baseline interleaved round by round; each engine's result checked
    against pandas'."""
    sbom = pd.DataFrame({"parent": "I" + bom["parent"].astype(str), "component": "I" + bom["component"].astype(str),
                         "qty_per": bom["qty_per"]})
    sdemand = pd.DataFrame({"item": "I" + demand["item"].astype(str), "qty": demand["qty"]})
    scompiled = {e: BOM.from_frame(sbom, engine=e) for e in available}
    sparents = pd.Index(pd.unique(sbom["parent"]))
    sruns = {e: (lambda e=e: scompiled[e].explode(sdemand, engine=e)) for e in available}
    sruns["pandas"] = lambda: explode_pandas(sbom, sparents, sdemand)
    want = explode_pandas(sbom, sparents, sdemand).set_index("item")["qty"]
    for e in available:
        got = scompiled[e].explode(sdemand, engine=e)
        assert np.allclose(want.reindex(got["item"]).to_numpy(), got["qty"].to_numpy(), rtol=1e-9), e
    try:
        import polars as pl

        sedges, sparents_pl, sdemand_pl = pl.from_pandas(sbom), pl.Series(sparents.to_numpy()), pl.from_pandas(sdemand)
        sruns["polars"] = lambda: explode_polars(sedges, sparents_pl, sdemand_pl)
    except ImportError:
        pass
    try:
        scon = duckdb_connection(sbom)
        sruns["duckdb"] = lambda: explode_duckdb(scon, sdemand)
    except ImportError:
        pass
    times = {k: [] for k in sruns}
    for r in range(repeat):
        for k in rotated(sruns, r):  # (each round starts one further: see common.rotated)
            fn = sruns[k]
            gc.collect()
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def main(repeat: int = 5, out_path: str = "benchmarks/results/bom.md") -> str:
    rows = []
    notes = []
    available = [e for e in ENGINES if bk_fast.engines()[e].available]

    # --- 4-level BOM, 10^5 items, 10^6 lines
    bom, demand = _four_level(100_000, 1_000_000)
    compiled = {e: BOM.from_frame(bom, engine=e) for e in available}
    for e in available:
        compiled[e].explode(demand.head(100), engine=e)
    ref = compiled["numpy"].explode(demand, engine="numpy")
    parents = pd.Index(pd.unique(bom["parent"]))
    runs = {e: (lambda e=e: compiled[e].explode(demand, engine=e)) for e in available}
    runs["pandas"] = lambda: explode_pandas(bom, parents, demand)
    check = explode_pandas(bom, parents, demand).set_index("item")["qty"]
    assert np.allclose(check.reindex(ref["item"]).to_numpy(), ref["qty"].to_numpy(), rtol=1e-9)
    try:
        import polars as pl

        edges_pl, parents_pl, demand_pl = pl.from_pandas(bom), pl.Series(parents.to_numpy()), pl.from_pandas(demand)
        runs["polars"] = lambda: explode_polars(edges_pl, parents_pl, demand_pl)
    except ImportError:
        notes.append("polars not installed: no polars row")
    try:
        con = duckdb_connection(bom)
        runs["duckdb"] = lambda: explode_duckdb(con, demand)
        d = explode_duckdb(con, demand).set_index("item")["qty"]
        assert np.allclose(d.reindex(ref["item"]).to_numpy(), ref["qty"].to_numpy(), rtol=1e-9)
    except ImportError:
        notes.append("duckdb not installed: no duckdb row")
    times = {k: _median(fn, repeat) for k, fn in runs.items()}
    base = times["pandas"]
    for k, t in times.items():
        rows.append(("4-level BOM, 1e5 items, 1e6 demand lines", k, t, base / t))
    # the same with text item ids ("I123456")
    stimes = text_ids(bom, demand, available, 3)
    for k, t in stimes.items():
        rows.append(("same, text item ids (median of 3)", k, t, stimes["pandas"] / t))
    compile_t = {e: _median(lambda e=e: BOM.from_frame(bom, engine=e), 3) for e in available}
    for e, t in compile_t.items():
        rows.append(("compile the 4-level BOM (once)", e, t, float("nan")))
    peak_lines = []
    for e in available:
        peak, out = _peak(lambda e=e: compiled[e].explode(demand, engine=e))
        size = int(out.memory_usage(deep=True).sum())
        peak_lines.append(f"{e}: peak {peak / 2**20:.2f} MiB allocated during explode, output {size / 2**20:.2f} MiB "
                          f"-> {peak / size:.2f}x")

    # --- knit-order yarn demand, make_mill(scale=100)
    scale = 100
    mill = _mill(scale)
    kos, bom_df = mill["knit_orders"], mill["bom"]
    clean = clean_bom(bom_df)
    kruns = {}
    kcompiled = {e: BOM.from_frame(bom_df, engine=e) for e in available}
    for e in available:
        bk_fast.erp.yarn_requirements(kos.head(5), kcompiled[e], engine=e)
        kruns[e] = lambda e=e: bk_fast.erp.yarn_requirements(kos, kcompiled[e], engine=e)
    kruns["pandas"] = lambda: yarn_pandas(kos, clean)
    ktimes = {k: _median(fn, repeat) for k, fn in kruns.items()}
    best = available[0]
    ktimes[f"{best} incl. compiling the BOM"] = _median(
        lambda: bk_fast.erp.yarn_requirements(kos, bom_df, engine=best), 3)
    sample = 40
    t_sample = _median(lambda: yarn_iterrows(kos.head(sample), clean), 3)
    it_total = t_sample * len(kos) / sample
    ktimes["iterrows (ERP nested loop)"] = it_total
    notes.append(f"iterrows at scale {scale}: {t_sample:.2f} s for the first {sample} of {len(kos)} knit orders, "
                 f"extrapolated linearly (each knit order scans the whole {len(clean):,}-row BOM)")
    for k, t in ktimes.items():
        rows.append((f"knit-order yarn demand, make_mill(scale={scale}): {len(kos):,} KOs, {len(clean):,} BOM rows",
                     k, t, it_total / t))
    # fully measured iterrows at scale 1
    mill1 = _mill(1)
    kos1, clean1 = mill1["knit_orders"], clean_bom(mill1["bom"])
    k1 = BOM.from_frame(mill1["bom"])
    t_it1 = _median(lambda: yarn_iterrows(kos1, clean1), 3)
    label1 = f"knit-order yarn demand, make_mill(scale=1): {len(kos1)} KOs (iterrows measured in full)"
    rows.append((label1, "iterrows (ERP nested loop)", t_it1, 1.0))
    for e in available:
        t = _median(lambda e=e: bk_fast.erp.yarn_requirements(kos1, k1, engine=e), repeat)
        rows.append((label1, e, t, t_it1 / t))

    lines = ["# BOM explosion: measured in one run", "",
             f"`python -m benchmarks.bench_bom` (median of {repeat} runs unless noted; 2-core shared machine).",
             "Ratio = baseline time / this time (pandas merge-per-level for the 4-level BOM, the ERP's iterrows "
             "loop for knit orders).", "",
             "| workload | engine / baseline | median | ratio |", "|---|---|---|---|"]
    for w, k, t, r in rows:
        ratio = "" if np.isnan(r) else f"{r:,.1f}x"
        lines.append(f"| {w} | {k} | {_fmt(t)} | {ratio} |")
    lines += ["", "Ratios against each baseline of the 4-level benchmark (baseline time / engine time):", ""]
    for e in available:
        parts = [f"{b} {times[b] / times[e]:.1f}x" for b in ("pandas", "polars", "duckdb") if b in times]
        lines.append(f"- {e}: " + ", ".join(parts))
    lines += ["", "Peak memory (tracemalloc) of `explode` on the 4-level benchmark vs the size of its output:", ""]
    lines += [f"- {x}" for x in peak_lines]
    notes.append("4-level BOM: integer item ids (explode maps them through a dense id table); engines time "
                 "`bom.explode(demand)` on a BOM compiled once (compile time listed separately), baselines get "
                 "their static structures (edge frame, parent set, DuckDB tables) prepared in setup too")
    notes.append("knit orders: engines time `erp.yarn_requirements(kos, compiled_bom)` (per order and yarn, per-yarn "
                 "totals, unmatched); the `incl. compiling` row passes the raw BOM frame instead")
    modules = ("numpy", "pandas", "numba", "polars", "duckdb")
    notes.append("versions: " + ", ".join(f"{m} {_version(m)}" for m in modules))
    if notes:
        lines += ["", "Notes:", ""] + [f"- {x}" for x in notes]
    text = "\n".join(lines) + "\n"
    with open(out_path, "w") as fh:
        fh.write(text)
    return text


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except ImportError:
        return "absent"


def _fmt(t: float) -> str:
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.1f} ms"
    return f"{t * 1e6:.0f} us"


if __name__ == "__main__":
    # python -m benchmarks.bench_bom [repeat]: everything (the ERP's iterrows loop at scale 100 takes ~15 min);
    # python -m benchmarks.bench_bom --text-ids [repeat]: the text-id explosion only, printed
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--text-ids" in sys.argv:
        engines = [e for e in ENGINES if bk_fast.engines()[e].available]
        medians = text_ids(*_four_level(100_000, 1_000_000), engines, int(args[0]) if args else 5)
        for k, t in medians.items():
            print(f"| {k} | {_fmt(t)} | pandas {medians['pandas'] / t:,.1f}x"
                  + "".join(f" | {b} {medians[b] / t:,.1f}x" for b in ("polars", "duckdb") if b in medians) + " |")
    else:
        print(main(int(args[0]) if args else 5))

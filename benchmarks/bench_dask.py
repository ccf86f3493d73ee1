"""bk_fast.dask benchmarks: the kernels on a distributed LocalCluster against the same functions, one process.

Workloads on ``make_mill(scale)`` (yarn ids are integers, knit orders are the demand):

- ``explode``: the knit orders' yarn demand through the compiled BOM (compiled once, not timed; the cluster
  run includes broadcasting it to the workers); ``explode (BOM broadcast before)``: the same with the BOM sent
  once by ``bk_fast.dask.broadcast`` (its time is in the notes);
- ``weekly_balance``: yarn demand by week (from the knit orders' start dates) against the PO buckets;
- ``net_requirements``: the same demand netted with safety stock, lead time 2 and min/max/multiple lots;
- ``allocate``: one order line per knit order and yarn against stock + weekly PO receipts;
- ``allocate_kits``: knit orders as kits of their BOM yarns against the same supply.

"one process" = the single-machine function on pandas frames (auto engine, the Cython kernels).
"local cluster" = ``distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``, inputs
persisted in the cluster in ``PARTITIONS`` partitions before timing; the time includes everything the Dask
function does (the pass over the distinct items, splitting, the partitions, the result gathered back with
``.compute()``).

Run ``python benchmarks/bench_dask.py --scales 100 1000`` for one markdown table (median of ``--runs``) with
the peak memory of each worker process; ``asv run -E existing --bench bench_dask`` runs the small asv class.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

import pandas as pd

PARTITIONS = 8
WORKLOADS = ["explode", "explode (BOM broadcast before)", "weekly_balance", "net_requirements", "allocate",
             "allocate_kits"]


def make_inputs(scale: float, seed: int = 0) -> dict:
    """The inputs of every workload, from ``make_mill(scale, seed)`` (pandas frames; the builder the Dask
    tests use too), plus the safety stock and the sizes."""
    import bk_fast
    from bk_fast._planning_inputs import planning_inputs
    from bk_fast.datasets import make_mill

    t0 = time.perf_counter()
    mill = make_mill(scale=scale, seed=seed)
    t1 = time.perf_counter()
    bom = bk_fast.BOM.from_frame(mill["bom"])
    t2 = time.perf_counter()
    d = planning_inputs(mill, bom)
    d["ss"] = (d["on_hand"].clip(lower=0) * 0.1).round(2)
    d["info"] = {"mill_s": t1 - t0, "compile_s": t2 - t1, "bom_rows": len(mill["bom"]),
                 "kos": len(mill["knit_orders"]), "yarns": len(mill["yarn_inventory"]), "bom_items": bom.n_items,
                 "demand_lines": len(d["yarn_demand"])}
    del mill
    return d


def single(name: str, d: dict):
    """The workload in one process (pandas in, pandas out)."""
    import bk_fast
    from bk_fast.lots import MinMaxMultiple

    if name.startswith("explode"):
        return d["bom"].explode(d["demand"])
    if name == "weekly_balance":
        return bk_fast.weekly_balance(d["on_hand"], d["yarn_demand"], d["receipts"], past_due=d["past_due"])
    if name == "net_requirements":
        return bk_fast.net_requirements(d["yarn_demand"], d["on_hand"], d["receipts"], safety_stock=d["ss"],
                                        lead_time=2, lot=MinMaxMultiple(min=100, max=5000, multiple=25))
    if name == "allocate":
        return bk_fast.allocate(d["lines"], d["supply"], max_lateness=pd.Timedelta(weeks=3))
    if name == "allocate_kits":
        return bk_fast.allocate_kits(d["kit_orders"], d["requirements"], d["supply"])
    raise ValueError(name)


def clustered(name: str, d: dict, dd_inputs: dict):
    """The workload through bk_fast.dask; returns the computed pandas results."""
    import dask

    import bk_fast.dask as bkd
    from bk_fast.lots import MinMaxMultiple

    x = dd_inputs
    if name == "explode":
        return bkd.explode(x["demand"], d["bom"]).compute()
    if name == "explode (BOM broadcast before)":
        if "bom" not in x:
            s = time.perf_counter()
            x["bom"] = bkd.broadcast(d["bom"])
            x["broadcast_s"] = time.perf_counter() - s
        return bkd.explode(x["demand"], x["bom"]).compute()
    if name == "weekly_balance":
        return bkd.weekly_balance(d["on_hand"], x["yarn_demand"], x["receipts"], past_due=d["past_due"],
                                  npartitions=PARTITIONS).compute()
    if name == "net_requirements":
        res = bkd.net_requirements(x["yarn_demand"], d["on_hand"], x["receipts"], safety_stock=d["ss"],
                                   lead_time=2, lot=MinMaxMultiple(min=100, max=5000, multiple=25),
                                   npartitions=PARTITIONS)
        return dask.compute(*res)
    if name == "allocate":
        res = bkd.allocate(x["lines"], x["supply"], max_lateness=pd.Timedelta(weeks=3),
                           npartitions=PARTITIONS)
        return dask.compute(*res)
    if name == "allocate_kits":
        res = bkd.allocate_kits(x["kit_orders"], x["requirements"], x["supply"], npartitions=PARTITIONS)
        return dask.compute(res.orders, res.lines) + (res.components,)
    raise ValueError(name)


def _persisted(d: dict, client) -> dict:
    import dask
    import dask.dataframe as dd

    out = {}
    with dask.config.set({"dataframe.convert-string": False}):
        for k in ("demand", "yarn_demand", "receipts", "lines", "supply", "kit_orders", "requirements"):
            nparts = PARTITIONS if len(d[k]) >= PARTITIONS * 10 else 1
            out[k] = dd.from_pandas(d[k], npartitions=nparts, sort=False).persist()
    from distributed import wait

    wait(list(out.values()))
    return out


def _worker_peak_mib(client) -> dict:
    def peak():
        import resource

        import psutil

        return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                psutil.Process().memory_info().rss / 2 ** 20)

    return client.run(peak)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def measure(scales=(100, 1000), runs: int = 3, workloads=WORKLOADS, out: str | None = None) -> str:
    import distributed

    rows, notes = [], []
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, memory_limit="8GiB", silence_logs=50)
    client = distributed.Client(cluster)
    try:
        for scale in scales:
            t0 = time.perf_counter()
            try:
                d = make_inputs(scale)
            except MemoryError as exc:
                notes.append(f"scale={scale}: building the inputs ran out of memory ({exc})")
                continue
            info = d["info"]
            notes.append(f"scale={scale}: {info['kos']:,} knit orders, {info['bom_rows']:,} BOM rows "
                         f"({info['bom_items']:,} BOM items), {info['yarns']:,} yarns, "
                         f"{info['demand_lines']:,} yarn demand lines; make_mill {info['mill_s']:.1f} s, "
                         f"BOM compile {info['compile_s']:.1f} s (once, not timed); inputs ready after "
                         f"{time.perf_counter() - t0:.1f} s")
            x = _persisted(d, client)
            for name in workloads:
                t_one, t_cl = [], []
                for _ in range(runs):
                    gc.collect()
                    s = time.perf_counter()
                    single(name, d)
                    t_one.append(time.perf_counter() - s)
                    s = time.perf_counter()
                    clustered(name, d, x)
                    t_cl.append(time.perf_counter() - s)
                mem = _worker_peak_mib(client)
                peak = max(v[0] for v in mem.values())
                now = max(v[1] for v in mem.values())
                a, b = statistics.median(t_one), statistics.median(t_cl)
                rows.append((scale, name, _fmt(a), _fmt(b), f"{a / b:.2f}x",
                             f"{peak:,.0f} MiB / {now:,.0f} MiB"))
                print(rows[-1], flush=True)
            if "broadcast_s" in x:
                notes.append(f"scale={scale}: bk_fast.dask.broadcast(bom) took {x['broadcast_s']:.2f} s")
            if "allocate_kits" in workloads:
                import bk_fast.dask as bkd

                comp = bkd.order_item_components(d["kit_orders"]["order"], d["requirements"]["order"],
                                                 d["requirements"]["item"])[0]
                sizes = comp.value_counts()
                notes.append(f"scale={scale}: the knit-order/yarn graph has {len(sizes):,} components; the "
                             f"largest holds {sizes.iloc[0]:,} of {len(comp):,} knit orders "
                             f"({sizes.iloc[0] / len(comp):.0%})")
            del d, x
            client.run(gc.collect)
            gc.collect()
    finally:
        client.close()
        cluster.close()
    lines = ["| scale | workload | one process | local cluster (2 workers) | one process / cluster | "
             "worker peak RSS / RSS after |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    text = "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    if out:
        with open(out, "w") as fh:
            fh.write(text)
    return text


# ----------------------------------------------------------------------------------------------------------
# asv: small scale only (a cluster per setup)


class TimeDask:
    params = [["one process", "local cluster"], WORKLOADS, [2]]
    param_names = ["runner", "workload", "scale"]
    timeout = 300

    def setup(self, runner, workload, scale):
        try:
            import distributed  # noqa: F401

            import bk_fast.dask  # noqa: F401
        except ImportError as exc:
            raise NotImplementedError(f"dask extra not installed: {exc}") from None
        from .common import PACKAGE, cached

        # built once per machine (holds a compiled BOM, hence the deps)
        self.d = cached(make_inputs, scale, deps=(PACKAGE,))
        self.client = None
        if runner == "local cluster":
            import distributed

            self.cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                    dashboard_address=None, silence_logs=50)
            self.client = distributed.Client(self.cluster)
            self.x = _persisted(self.d, self.client)
            clustered(workload, self.d, self.x)  # warm the workers

    def teardown(self, runner, workload, scale):
        if self.client is not None:
            self.client.close()
            self.cluster.close()

    def time_workload(self, runner, workload, scale):
        if runner == "one process":
            single(workload, self.d)
        else:
            clustered(workload, self.d, self.x)


if __name__ == "__main__":  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[100, 1000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workloads", nargs="+", default=WORKLOADS)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    os.environ.setdefault("NUMBA_CACHE_DIR", "/tmp/numba_cache")
    sys.stdout.write(measure([int(s) if s == int(s) else s for s in args.scales], args.runs, args.workloads,
                             args.out))

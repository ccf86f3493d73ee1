"""``bk-fast demo`` step for the drop-ins: the Phase-3 services' hot methods on the synthetic mill (mapped to the
contract's snake_case columns), bk_fast vs the contract in plain pandas, same answers, speed-up reported."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from bk_fast.compat.dataframe_optimizer import PANDAS, DataFrameOptimizer as D
from bk_fast.compat._synthetic import phase3_frames


def _now() -> pd.Timestamp:
    """The services' "now": a week after the demo's planning date (2025-09-08 on the synthetic mill)."""
    from bk_fast._demo import today

    return today() + pd.Timedelta(weeks=1)


def mill_frames(mill) -> dict[str, pd.DataFrame]:
    """The mill's ERP frames in the Phase-3 contract's columns.

    inventory: ``yarn_id`` (Desc#), balances, ``min_stock`` = two weeks of the ERP's weekly demand rule;
    bom: ``style_id`` / ``yarn_id`` / ``quantity_per`` (the BOM fraction); allocation: every knit order x BOM
    line needs ``Balance x fraction`` of a yarn, priority 1 (already knitting: G00 or shipped), 2 (start date
    passed) or 3, ordered by quoted date, against ``max(Planning Balance, 0)``; scheduling: knit orders on
    their machine's work center at the style's lbs/day over 8-hour shifts, 5 days x 8 h per machine."""
    inv = mill["yarn_inventory"]
    inv = inv[inv["Desc#"].notna()]  # (an export's empty rows are no yarn)
    consumed = inv["Consumed"].fillna(0).abs()
    allocated = inv["Allocated"].fillna(0)
    weekly = np.where(consumed != 0, consumed / 4.3, np.where(allocated != 0, allocated.abs() / 8, 10.0))
    inventory = pd.DataFrame({"yarn_id": inv["Desc#"].astype("int64"),
                              "theoretical_balance": inv["Theoretical Balance"], "allocated": inv["Allocated"],
                              "on_order": inv["On Order"], "min_stock": 2 * weekly})
    bom_src = mill["bom"].dropna(subset=["Style#", "Desc#"])
    bom = pd.DataFrame({"style_id": bom_src["Style#"].astype("str").str.strip(),
                        "yarn_id": bom_src["Desc#"].astype("int64"), "quantity_per": bom_src["BOM_Percentage"]})
    kos = mill["knit_orders"]
    ko = pd.DataFrame({"order_id": kos["Order #"], "style_id": kos["Style #"].astype("str").str.strip(),
                       "balance": kos["Balance (lbs)"].fillna(0),
                       "priority": np.where((kos["Shipped (lbs)"].fillna(0) > 0) | (kos["G00 (lbs)"].fillna(0) > 0),
                                            1, np.where(kos["Start Date"] <= _now(), 2, 3)),
                       "order_date": kos["Quoted Date"], "machine": kos["Machine"]})
    lines = ko.merge(bom, on="style_id", how="inner")
    orders = pd.DataFrame({"order_id": lines["order_id"], "yarn_id": lines["yarn_id"],
                           "required_quantity": lines["balance"] * lines["quantity_per"],
                           "priority": lines["priority"], "order_date": lines["order_date"]})
    yarn = pd.DataFrame({"yarn_id": inventory["yarn_id"],
                         "available_quantity": inv["Planning Balance"].clip(lower=0)})
    machines = mill["machines"]
    wc_of_machine = dict(zip(machines["MACH"], machines["WC"]))
    rate = dict(zip(mill["style_capacity"]["Style"].astype("str").str.strip(), mill["style_capacity"]["lbs/day"]))
    work_orders = pd.DataFrame({
        "order_id": ko["order_id"], "work_center_id": ko["machine"].map(wc_of_machine).astype("str"),
        "quantity": ko["balance"],
        # (as float: mapping no knit order keeps the ids' text dtype, which cannot be divided)
        "production_rate": ko["style_id"].map(rate).astype("float64").where(lambda r: r > 0, 616.0).fillna(616.0)
        / 8.0,
        "priority": ko["priority"], "due_date": ko["order_date"]})
    per_wc = machines.groupby("WC").size()
    capacity = pd.DataFrame({"work_center_id": per_wc.index.astype("str"),
                             "available_hours": per_wc.to_numpy() * 40.0})
    return {"inventory": inventory, "bom": bom, "yarn": yarn, "orders": orders, "work_orders": work_orders,
            "capacity": capacity}


def _cases(f):
    inv = f["inventory"]
    inv_pb = inv.drop(columns=[c for c in ("planning_balance",) if c in inv.columns])
    short = D.optimize_planning_balance_calculation(inv_pb.copy(), engine=PANDAS)
    return {
        "optimize_yarn_allocation": lambda e: D.optimize_yarn_allocation(f["yarn"], f["orders"], engine=e),
        "optimize_production_scheduling": lambda e: D.optimize_production_scheduling(
            f["work_orders"].copy(), f["capacity"], now=_now(), engine=e),
        "optimize_bom_explosion": lambda e: D.optimize_bom_explosion(f["bom"].copy(), 1000.0, engine=e),
        "optimize_planning_balance_calculation": lambda e: D.optimize_planning_balance_calculation(
            inv_pb.copy(), engine=e),
        "optimize_shortage_detection": lambda e: D.optimize_shortage_detection(short, engine=e),
    }


def _best(fn, engine, repeat=3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(engine)
        best = min(best, time.perf_counter() - start)
    return best, out


def demo_step(mill, engine):
    from bk_fast._demo import DemoReport

    rows, lines = [], []
    sets = [("mill", mill_frames(mill)), ("1e5 rows", phase3_frames(100_000, seed=1))]
    for label, frames in sets:
        for name, fn in _cases(frames).items():
            fn(engine)  # warm-up (numba JIT, caches)
            t_bk, got = _best(fn, engine)
            t_pd, want = _best(fn, PANDAS)
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            rows.append({"data": label, "method": name, "rows": len(got), "bk_fast ms": round(t_bk * 1e3, 2),
                         "pandas ms": round(t_pd * 1e3, 2), "speed-up": round(t_pd / t_bk, 1)})
    table = pd.DataFrame(rows)
    alloc = mill_frames(mill)
    orders = alloc["orders"]
    out = D.optimize_yarn_allocation(alloc["yarn"], orders, engine=engine)
    # no yarn or no order line (an export with a header and no rows): the contract returns pd.DataFrame()
    short = (f"{int((~out['can_fulfill']).sum()):,} cannot be fully allocated" if len(out)
             else "none to allocate" if orders.empty else "no yarn in the inventory export: none allocated")
    lines.append(f"mill: {len(orders):,} knit-order x yarn lines over {orders['yarn_id'].nunique():,} yarns; "
                 f"{short}")
    lines.append("every drop-in result equals the contract run in plain pandas (same frame, dtypes, index, order)")
    return DemoReport(title="Phase-3 drop-ins (bk_fast.compat) vs the contract in plain pandas", lines=lines,
                      table=table)

"""The synthetic mill (:func:`bk_fast.datasets.make_mill`) turned into the inputs of every planning function:
one builder for the Dask tests and benchmarks, which run each function on the same inputs in one process and
partitioned."""

from __future__ import annotations

import numpy as np
import pandas as pd


def planning_inputs(mill: dict, bom=None, *, drop_zero_receipts: bool = True) -> dict:
    """Inputs for explosion, the weekly balance, netting, allocation and kit allocation, from mill frames.

    Parameters
    ----------
    mill : dict of DataFrame
        ``make_mill(...)`` output (knit orders, BOM, yarn inventory, yarn PO).
    bom : bk_fast.BOM, optional
        The mill's BOM compiled already (compiled here when omitted).
    drop_zero_receipts : bool, default True
        Leave out the PO week buckets holding 0 lbs from ``supply`` (False keeps them: supply rows of 0).

    Returns
    -------
    dict
        ``bom``; ``demand`` (knit-order balances by style); ``yarn_demand`` (item, week 0-9, qty: the by-line
        explosion, each line in its knit order's start week); ``on_hand`` (Theoretical Balance by yarn),
        ``receipts`` (the PO buckets as weeks 0-9), ``past_due``; ``lines`` (one allocation line per knit
        order and yarn: order, item, qty, priority = rank of the ordered lbs, due = start date) and ``supply``
        (stock today plus the PO receipts by week, dated); ``kit_orders`` and ``requirements`` (each yarn's
        fraction of its knit order's balance).

    Examples
    --------
    >>> from bk_fast.datasets import make_mill
    >>> d = planning_inputs(make_mill(scale=0.05, seed=1))
    >>> sorted(d)[:4], list(d["lines"].columns)
    (['bom', 'demand', 'kit_orders', 'lines'], ['order', 'item', 'qty', 'priority', 'due'])
    """
    import bk_fast
    from bk_fast.datasets import PO_BUCKET_COLUMNS, REFERENCE_DATE

    bom = bk_fast.BOM.from_frame(mill["bom"]) if bom is None else bom
    kos = mill["knit_orders"]
    demand = kos[["Style #", "Balance (lbs)"]].rename(columns={"Style #": "item", "Balance (lbs)": "qty"})
    by_line = bom.explode(demand, by_line=True)
    line = by_line["line"].to_numpy()
    item, qty = by_line["item"].to_numpy(), by_line["qty"].to_numpy()
    week = ((kos["Start Date"] - REFERENCE_DATE).dt.days // 7).clip(0, 9).to_numpy()
    yarn_demand = pd.DataFrame({"item": item, "week": week[line], "qty": qty})
    inv = mill["yarn_inventory"]
    on_hand = pd.Series(inv["Theoretical Balance"].to_numpy(), index=pd.Index(inv["Desc#"], name="item"))
    po = mill["yarn_po"]
    receipts = po[["Desc#", *PO_BUCKET_COLUMNS[1:]]].copy()
    receipts.columns = ["Desc#", *range(10)]  # This Week = 0, eight weeks, Later = 9; PO lines of a yarn add up
    past_due = po.groupby("Desc#")["Unscheduled or Past Due"].sum()
    ko_ids = kos["Order #"].to_numpy()
    score = kos["Qty Ordered (lbs)"].rank(method="first").to_numpy()
    balance = kos["Balance (lbs)"].to_numpy()
    starts = kos["Start Date"].to_numpy()
    lines = pd.DataFrame({"order": ko_ids[line], "item": item, "qty": qty, "priority": score[line],
                          "due": starts[line]})
    stock = pd.DataFrame({"item": inv["Desc#"], "period": REFERENCE_DATE,
                          "qty": inv["Theoretical Balance"].clip(lower=0)})
    weeks = [REFERENCE_DATE + pd.Timedelta(weeks=i) for i in range(10)]
    po_long = pd.DataFrame({"item": np.repeat(po["Desc#"].to_numpy(), 10), "period": np.tile(weeks, len(po)),
                            "qty": po[list(PO_BUCKET_COLUMNS[1:])].to_numpy().reshape(-1)})
    if drop_zero_receipts:
        po_long = po_long[po_long["qty"] != 0]
    supply = pd.concat([stock, po_long], ignore_index=True)
    kit_orders = pd.DataFrame({"order": ko_ids, "qty": balance, "priority": score, "due": starts})
    requirements = pd.DataFrame({"order": ko_ids[line], "item": item,
                                 "fraction": qty / np.maximum(balance[line], 1e-300)})
    requirements = requirements[requirements["fraction"] > 0]
    return dict(bom=bom, demand=demand, yarn_demand=yarn_demand, on_hand=on_hand, receipts=receipts,
                past_due=past_due, lines=lines, supply=supply, kit_orders=kit_orders, requirements=requirements)

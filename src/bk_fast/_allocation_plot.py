"""One item's allocation as a chart (:meth:`bk_fast.Allocation.plot`): cumulative supply received, demand due
and deliveries over time, with the stock on hand between receipts and deliveries and the demand not (yet)
delivered between dues and deliveries. A planner reads a late or short item off it at a glance, where the
deliveries table needs a running sum by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bk_fast._plotting import figure_axes, save_png
from bk_fast._validate import numpy_dates, plain, require_frame


def _qty_text(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _axis(df: pd.DataFrame, label, what: str, tz):
    """Column ``label`` as plot positions and whether they are dates: naive ``datetime64`` for dates (aware
    ones as wall times in ``tz``, or in their own zone), float64 for period numbers (as ``allocate`` reads
    them)."""
    from bk_fast.allocation import _times

    col = numpy_dates(df[label])
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        return col.dt.tz_convert(tz or col.dtype.tz).dt.tz_localize(None).to_numpy(), True
    if pd.api.types.is_datetime64_dtype(col.dtype):
        return col.to_numpy(), True
    return _times(df, label, what)[0], False


def _cumulative(grid: np.ndarray, at: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """Running total of ``qty`` by ``at``, read at every point of ``grid`` (everything at or before it)."""
    order = np.argsort(at, kind="stable")
    total = np.concatenate([[0.0], np.cumsum(qty[order])])
    return total[np.searchsorted(at[order], grid, side="right")]


def plot_allocation(result, supply: pd.DataFrame, item=None, path=None, *, ax=None, columns: dict | None = None):
    """Chart of one item of an :class:`~bk_fast.Allocation` (see :meth:`bk_fast.Allocation.plot`)."""
    from bk_fast.allocation import _SUPPLY_NAMES, _column, _roles, _supply_qty

    require_frame(supply, "supply")
    cols = _roles(columns, ("supply_item", "period", "supply_qty"))
    roles = {k[len("supply_"):] if k.startswith("supply_") else k: v for k, v in cols.items()}
    s_item = _column(supply, "item", _SUPPLY_NAMES, "supply", roles)
    s_period = _column(supply, "period", _SUPPLY_NAMES, "supply", roles)
    s_qty = _column(supply, "qty", _SUPPLY_NAMES, "supply", roles)
    deliveries, shortfalls = result.deliveries, result.shortfalls
    if item is None:
        # the item that lacks most: the most short, then the most late, then the most delivered
        late_qty = deliveries["qty"].where(deliveries["days_late"] > 0, 0.0)
        rank = pd.concat({"short": shortfalls.groupby("item", sort=False, observed=True)["qty_short"].sum(),
                          "late": late_qty.groupby(deliveries["item"], sort=False, observed=True).sum(),
                          "delivered": deliveries.groupby("item", sort=False, observed=True)["qty"].sum()},
                         axis=1).fillna(0.0)
        if rank.empty:
            raise ValueError("Allocation.plot: the allocation has no deliveries and no shortfalls; name an item "
                             "to plot its supply")
        item = rank.index[int(np.lexsort((rank["delivered"].to_numpy(), rank["late"].to_numpy(),
                                          rank["short"].to_numpy()))[-1])]
    item = plain(item)
    rows = supply[s_item].isin([item]).to_numpy(dtype=bool)
    d = deliveries[deliveries["item"].isin([item]).to_numpy(dtype=bool)]
    s = shortfalls[shortfalls["item"].isin([item]).to_numpy(dtype=bool)]
    if not rows.any() and d.empty and s.empty:
        raise ValueError(f"Allocation.plot: item {item!r} is neither in the supply nor in the allocation")
    sub = supply[rows]
    tz = getattr(sub[s_period].dtype, "tz", None) if len(sub) else None
    received_at, dated = _axis(sub, s_period, "supply", tz)
    received = _supply_qty(sub, s_qty)
    due_at, due_dated = _axis(pd.DataFrame({"due": pd.concat([d["due"], s["due"]], ignore_index=True)}), "due",
                              "allocation", tz)
    demand = np.concatenate([d["qty"].to_numpy(dtype=np.float64), s["qty_short"].to_numpy(dtype=np.float64)])
    sent_at, _ = _axis(d, "period", "deliveries", tz)
    sent = d["qty"].to_numpy(dtype=np.float64)
    if len(sub) and due_at.size and dated != due_dated:
        raise TypeError("Allocation.plot: the supply's periods and the allocation's dues must both be dates or "
                        "both be period numbers (was the supply the one allocated?)")
    dated = dated if len(sub) else due_dated
    keep = ~np.isnan(received_at) if received_at.dtype.kind == "f" else ~np.isnat(received_at)
    # (an undated row is left out of the chart: allocate refuses a missing period, a ValueError naming the row,
    # so only a supply other than the one allocated has such rows)
    received_at, received = received_at[keep], received[keep]
    grid = np.unique(np.concatenate([received_at, due_at, sent_at]))
    if grid.size > 1:  # one more step after the last change, so the last values show as a level
        grid = np.append(grid, grid[-1] + np.median(np.diff(grid)))
    have = _cumulative(grid, received_at, received)
    due = _cumulative(grid, due_at, demand)
    out = _cumulative(grid, sent_at, sent)
    fig, ax = figure_axes(ax, path, (9, 4.5))
    ax.fill_between(grid, out, have, where=have >= out, step="post", color="tab:green", alpha=0.15,
                    label="on hand")
    ax.fill_between(grid, out, due, where=due > out, step="post", facecolor="none", edgecolor="tab:red",
                    hatch="///", linewidth=0.0, alpha=0.5, label="due, not delivered")
    ax.step(grid, have, where="post", color="tab:green", label="received (supply)")
    ax.step(grid, due, where="post", color="tab:grey", linestyle="--", label="due (demand)")
    ax.step(grid, out, where="post", color="tab:blue", label="delivered")
    late = float(d["qty"].to_numpy(dtype=np.float64)[d["days_late"].to_numpy(dtype=np.float64) > 0].sum())
    short = float(s["qty_short"].sum())
    ax.set_title(f"{item}: {_qty_text(float(sent.sum()))} delivered ({_qty_text(late)} late), "
                 f"{_qty_text(short)} short of {_qty_text(float(demand.sum()))} due")
    ax.set_xlabel("date" if dated else "period")
    ax.set_ylabel("cumulative qty")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    if path is not None:
        save_png(fig, path)
    return fig

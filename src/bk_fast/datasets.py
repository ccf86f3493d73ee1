"""Synthetic knit mill with the Beverly Knits ERP's own schema, sign conventions and distributions.

:func:`make_mill` builds a seeded, reproducible mill at any scale (scale 1 is the size of the real mill:
~1,199 yarns, ~22,700 BOM rows over ~6,110 greige styles, ~195 knit orders, 285 machines in 93 work
centers). :func:`write_exports` writes it out as CSV files formatted the way the ERP exports them
(``"$1,326.67 "``, ``"(2,183.40)"``, a UTF-8 BOM mark, junk lines above a header), so the readers can be
tested against something that looks like the real thing. Nothing here reads the clock: every date is
placed around :data:`REFERENCE_DATE` (Monday 2025-09-01).

Counts scale linearly with ``scale`` (each table keeps at least one row, however small the scale). Text
columns are left to pandas (``str`` dtype under pandas 3). "Empty" in the ERP is ``NaN`` here.

Frames and columns
------------------
``"yarn_inventory"`` -- one row per yarn, sorted by ``Desc#``.
    ``Desc#`` (int64, unique yarn id), ``Description`` (str), ``Supplier`` (str; ~128 suppliers at scale 1),
    ``Beginning Balance`` (lbs, >= 0), ``Received`` (lbs > 0, mostly NaN), ``Consumed`` (lbs <= 0; non-zero
    for ~15 %, the rest 0.0 or NaN), ``Adjustments`` (lbs, almost always NaN), ``Theoretical Balance``
    (lbs, may be negative), ``Allocated`` (lbs <= 0; non-zero for ~12 %, the rest 0.0 or NaN), ``On Order``
    (lbs >= 0; non-zero for ~6 %, the rest 0.0 or NaN; equals the yarn's open ``PO Bal`` in ``yarn_po``),
    ``Planning Balance`` (lbs; < 0 for ~2.5-3 %), ``Cost/Pound`` ($, 0..34, median ~2.4, a quarter ~0),
    ``Total Cost`` ($). Every stored input is rounded to 2 decimals; the derived lbs columns are then exactly
    the float expressions the ERP uses, evaluated left to right with NaN counted as 0, and money is kept in
    cents::

        Theoretical Balance = ((Beginning Balance + Received) + Consumed) + Adjustments
        Planning Balance    = (Theoretical Balance + Allocated) + On Order   # Allocated <= 0 is ADDED
        Total Cost          = np.round(Theoretical Balance * Cost/Pound, 2)  (NumPy: x 100, half to even, / 100)

    ~70 % of yarns hold stock (``Theoretical Balance > 0``; median ~150 lbs, 99th percentile ~12,000: 11,000-13,500
    by seed at scales 5 to 50, 9,000-17,000 at scale 1; the real export's is ~15,600, DOMAIN.md 1b, a heavier tail
    than the generator's).
``"bom"`` -- greige style -> yarns, in style order, plus 3 all-NaN trailing rows like the export.
    ``Style#`` (str such as ``125792/1``, ``FF 10006/0001``, ``180001/20ST2``; ~0.5 % of rows carry a leading
    space), ``Desc#`` (float64 holding integer ids, because the trailing empty rows are NaN -- exactly what
    reading the real export gives), ``BOM_Percentage`` (fraction 0.01..1.00, 2 decimals; per-style sums
    0.94..1.00, not renormalised), ``unit`` (``"lbs"``). 1-9 distinct yarns per style (mean ~3.7, median 4);
    a few (style, yarn) pairs occur twice (~0.25 % of rows; additive, placed at the end of their style's
    block); yarn reuse is Zipf-like (median ~3 styles per yarn, max several hundred at any scale);
    ~871 of the ~2,000 distinct BOM yarns (~44 %) are absent from the
    inventory at scale 1.
``"style_master"`` -- finished style -> greige base.
    ``fStyle#`` (str, unique, e.g. ``125792-NAV``), ``gBase`` (str: the part of a BOM style before ``/``).
    Several greige versions (``125792/1``, ``125792/2``) share one base.
``"knit_orders"`` -- one row per knit order, sorted by ``Order #``.
    ``Order #`` (str ``K25xxxxx``, unique; more digits beyond ~98,000 orders, from about scale 500), ``Style #``
    (str, a clean greige style of the BOM; ~2 % are absent from the BOM), ``Qty Ordered (lbs)`` (median ~1,750, p5
    ~30, p95 ~22,500), ``G00 (lbs)`` and ``Shipped (lbs)`` (NaN in about half, else ``0 < x <= Qty Ordered``),
    ``Balance (lbs)`` (>= 0, ``<= Qty Ordered``, median ~320, many near 0), ``Machine`` (float64 machine number
    from ``machines.MACH``; NaN = unassigned, ~40 of 195; assigned orders sit on ~83 distinct machines of their
    style's work center), ``Start Date`` and ``Quoted Date`` (datetime64[ns] around :data:`REFERENCE_DATE`;
    ``Quoted Date > Start Date``).
``"sales_orders"`` -- ``SO #`` (str ``SOxxxxxx``, unique), ``fStyle#`` (str, from ``style_master``),
    ``Customer`` (str), ``Ordered`` (lbs), ``Ship Date`` (datetime64[ns]); ~350 rows at scale 1.
``"style_work_center"`` -- ``Style`` (str, a clean greige style; ~90 % of BOM styles are listed, once each),
    ``WC`` (str work-center code ``construction.diameter.needle-cut.type``, e.g. ``9.38.20.F``).
``"machines"`` -- ``WC`` (str), ``MACH`` (int64 machine number, unique); 285 machines in 93 work centers at
    scale 1, 1-17 per center (median 2), type letters mostly ``F``, then ``C``, ``M``, ``V``.
``"style_capacity"`` -- ``Style`` (str, ~90 % of the clean BOM styles), ``lbs/day`` (float, mean ~616; ~0.3 %
    negative as bad data, like the export).
``"yarn_po"`` -- open yarn purchase-order lines, sorted by ``PO #``.
    ``Desc#`` (int64, an inventory yarn), ``PO #`` (str ``PO25xxxx``; five digits or more from a few hundred
    lines, about scale 6), ``Supplier`` (str, the yarn's supplier), then the receipt buckets
    :data:`PO_BUCKET_COLUMNS` -- ``Unscheduled or Past Due``, ``This Week`` (the week starting
    :data:`REFERENCE_DATE`), eight weekly buckets named by their Monday, ``Week 2025-09-08`` ...
    ``Week 2025-10-27``, and ``Later`` -- and ``PO Bal``. Quantities are whole lbs (stored as float64, empty buckets
    0.0), so ``PO Bal == sum of the buckets`` exactly in any summation order; ~80 lines at scale 1, line quantity
    median ~11,000 lbs.

Examples
--------
>>> from bk_fast.datasets import make_mill
>>> mill = make_mill(scale=0.05, seed=3)
>>> list(mill)  # doctest: +NORMALIZE_WHITESPACE
['yarn_inventory', 'bom', 'style_master', 'knit_orders', 'sales_orders', 'style_work_center',
 'machines', 'style_capacity', 'yarn_po']
>>> mill["machines"].shape
(14, 2)
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "REFERENCE_DATE",
    "PO_WEEK_COLUMNS",
    "PO_BUCKET_COLUMNS",
    "EXPORT_FILES",
    "COLUMNS",
    "make_mill",
    "write_exports",
]

#: The fixed "today" of the synthetic mill (a Monday). All dates are placed relative to it.
REFERENCE_DATE = pd.Timestamp("2025-09-01")

#: Weekly PO receipt buckets after ``This Week``: ``"Week <Monday, ISO date>"``.
PO_WEEK_COLUMNS: tuple[str, ...] = tuple(
    f"Week {(REFERENCE_DATE + pd.Timedelta(weeks=i)).date().isoformat()}" for i in range(1, 9)
)

#: Every receipt bucket of ``yarn_po`` in time order; ``PO Bal`` is their sum.
PO_BUCKET_COLUMNS: tuple[str, ...] = ("Unscheduled or Past Due", "This Week", *PO_WEEK_COLUMNS, "Later")

#: Frame name -> file name used by :func:`write_exports`.
EXPORT_FILES: dict[str, str] = {
    "yarn_inventory": "yarn_inventory.csv",
    "bom": "BOM.csv",
    "style_master": "style_master.csv",
    "knit_orders": "knit_orders.csv",
    "sales_orders": "sales_orders.csv",
    "style_work_center": "style_work_center.csv",
    "machines": "machines.csv",
    "style_capacity": "style_capacity.csv",
    "yarn_po": "yarn_po.csv",
}

#: Frame name -> its columns, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "yarn_inventory": (
        "Desc#", "Description", "Supplier", "Beginning Balance", "Received", "Consumed", "Adjustments",
        "Theoretical Balance", "Allocated", "On Order", "Planning Balance", "Cost/Pound", "Total Cost",
    ),
    "bom": ("Style#", "Desc#", "BOM_Percentage", "unit"),
    "style_master": ("fStyle#", "gBase"),
    "knit_orders": (
        "Order #", "Style #", "Qty Ordered (lbs)", "G00 (lbs)", "Shipped (lbs)", "Balance (lbs)", "Machine",
        "Start Date", "Quoted Date",
    ),
    "sales_orders": ("SO #", "fStyle#", "Customer", "Ordered", "Ship Date"),
    "style_work_center": ("Style", "WC"),
    "machines": ("WC", "MACH"),
    "style_capacity": ("Style", "lbs/day"),
    "yarn_po": ("Desc#", "PO #", "Supplier", *PO_BUCKET_COLUMNS, "PO Bal"),
}

# Formatting of the exports: which columns are money / lbs, per frame.
_MONEY_COLUMNS = ("Cost/Pound", "Total Cost")
_INVENTORY_LBS = (
    "Beginning Balance", "Received", "Consumed", "Adjustments", "Theoretical Balance", "Allocated",
    "On Order", "Planning Balance",
)
_LBS_COLUMNS: dict[str, tuple[str, ...]] = {
    "knit_orders": ("Qty Ordered (lbs)", "G00 (lbs)", "Shipped (lbs)", "Balance (lbs)"),
    "sales_orders": ("Ordered",),
    "style_capacity": ("lbs/day",),
    "yarn_po": (*PO_BUCKET_COLUMNS, "PO Bal"),
}
_KNIT_ORDER_JUNK = (
    f"Report generated {REFERENCE_DATE:%m/%d/%Y} 06:00 AM",
    "Knit Orders - open,,,,,,,,",
)
_N_BLANK_BOM_ROWS = 3

# Shapes at scale 1 (the real mill).
_N_YARNS = 1199
_N_ABSENT_BOM_YARNS = 871
_N_SUPPLIERS = 128
_N_STYLES = 6110
_N_KNIT_ORDERS = 195
_N_UNASSIGNED = 40
_N_ACTIVE_MACHINES = 83
_N_MACHINES = 285
_N_WORK_CENTERS = 93
_N_SALES_ORDERS = 350
_N_CUSTOMERS = 45
_N_PO_LINES = 80
_MAX_MACHINES_PER_WC = 17

_SUPPLIER_STEMS = np.array([
    "Apex", "Blue Ridge", "Carolina", "Delta", "Eastern", "Piedmont", "Summit", "Tri-State", "Pacific",
    "Atlantic", "Granite", "Harbor", "Keystone", "Liberty", "Meridian", "Northstar",
])
_SUPPLIER_KINDS = np.array(["Yarns", "Fibers", "Spinning", "Textiles", "Filaments", "Mills", "Synthetics",
                            "Polymers"])
_CUSTOMER_STEMS = np.array([
    "Atlas", "Beacon", "Crescent", "Dominion", "Evergreen", "Frontier", "Golden", "Horizon", "Ironwood",
    "Jubilee", "Kingsway", "Lakeside",
])
_CUSTOMER_KINDS = np.array(["Apparel", "Activewear", "Outfitters", "Uniforms", "Medical", "Sportswear"])
_COLOUR_CODES = np.array(["NAV", "BLK", "WHT", "HGR", "RED", "ROY", "CHA", "NAT", "KEL", "MAR"])


# ----------------------------------------------------------------------------------------------------------
# small vectorised helpers


def _count(base: float, scale: float) -> int:
    """Rows of a table at ``scale`` (linear, at least 1)."""
    return max(1, int(round(base * scale)))


def _r2(x) -> np.ndarray:
    """Round to 2 decimals; ``+ 0.0`` turns a rounded ``-0.0`` into ``0.0``."""
    return np.round(np.asarray(x, dtype=np.float64), 2) + 0.0


_STR = np.dtypes.StringDType()


def _s(a) -> np.ndarray:
    """Vectorised ``str()`` of an array (numpy variable-width ``StringDType``, fast to concatenate)."""
    return np.asarray(a).astype(_STR)


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays / scalars."""
    out = _s(parts[0])
    for p in parts[1:]:
        out = np.strings.add(out, _s(p))
    return out


def _unique_ints(rng: np.random.Generator, n: int, start: int, max_step: int) -> np.ndarray:
    """``n`` distinct increasing integers above ``start`` (random gaps of 1..max_step)."""
    return start + np.cumsum(rng.integers(1, max_step + 1, size=n), dtype=np.int64)


def _zipf_p(n: int, a: float, c: float) -> np.ndarray:
    """Scale-free Zipf-like probabilities over ``n`` ranks: ``p_r ~ (r/n + c) ** -a``."""
    r = (np.arange(n) + 0.5) / n
    w = (r + c) ** -a
    return w / w.sum()


def _zipf_draw(rng: np.random.Generator, n: int, size: int, a: float, c: float) -> np.ndarray:
    """``size`` ranks in ``range(n)`` with density ``~ (r/n + c) ** -a`` (the continuous form of
    :func:`_zipf_p`), drawn by inverting its CDF: no table, fast for millions of draws."""
    lo, hi = c ** (1.0 - a), (1.0 + c) ** (1.0 - a)
    x = (lo - rng.random(size) * (lo - hi)) ** (1.0 / (1.0 - a)) - c
    return np.minimum((x * n).astype(np.int64), n - 1)


def _covering_draw(rng: np.random.Generator, n_items: int, size: int, p: np.ndarray) -> np.ndarray:
    """``size`` draws from ``range(n_items)`` with probabilities ``p`` where every item occurs at least once
    (when ``size >= n_items``), in random positions."""
    out = rng.choice(n_items, size=size, p=p)
    k = min(n_items, size)
    pos = rng.permutation(size)[:k]
    out[pos] = rng.permutation(n_items)[:k]
    return out


def _soft_cap(x, cap: float) -> np.ndarray:
    """Squash non-negative ``x`` smoothly below ``cap`` (no pile-up of values at the cap itself)."""
    return cap * np.tanh(np.asarray(x, dtype=np.float64) / cap)


def _split_normal(rng: np.random.Generator, n: int, median: float, lo_sigma: float, hi_sigma: float):
    """Lognormal with a different spread below and above the median."""
    z = rng.standard_normal(n)
    return median * np.exp(np.where(z < 0, z * lo_sigma, z * hi_sigma))


def _text(values):
    """A pandas text array of ``values``: whatever pandas infers for Python strings (``str`` under
    pandas 3, ``object`` under pandas 2); ``.take`` on it builds long columns fast."""
    arr = np.asarray(values)
    return pd.Series(arr.astype(object), dtype=pd.Series(arr[:1].astype(object)).dtype).array


def _frame(columns: dict) -> pd.DataFrame:
    """DataFrame whose numpy string columns become pandas text columns (see :func:`_text`)."""
    return pd.DataFrame({
        name: _text(col) if isinstance(col, np.ndarray) and col.dtype.kind in "TU" else col
        for name, col in columns.items()
    })


def _dates(days) -> np.ndarray:
    """``REFERENCE_DATE + days`` as datetime64[ns]."""
    ref = np.datetime64(REFERENCE_DATE.date(), "ns")
    return ref + np.asarray(days, dtype=np.int64) * np.timedelta64(1, "D").astype("timedelta64[ns]")


# ----------------------------------------------------------------------------------------------------------
# tables


def _machines(rng: np.random.Generator, scale: float) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Work centers and machines. Returns the frame, the work-center codes and machines per center."""
    n_wc = _count(_N_WORK_CENTERS, scale)
    n_mach = min(max(n_wc, _count(_N_MACHINES, scale)), n_wc * _MAX_MACHINES_PER_WC)

    # unique codes construction.diameter.cut.type, type letters weighted F > C > M > V
    diam = np.array([14, 16, 18, 20, 24, 26, 28, 30, 32, 34, 36, 38])
    diam_w = np.array([1, 1, 1, 2, 2, 3, 3, 5, 5, 4, 4, 5], dtype=float)
    cut = np.array([14, 18, 20, 22, 24, 28, 32, 36, 40])
    cut_w = np.array([1, 3, 5, 3, 4, 4, 3, 1, 1], dtype=float)
    types = np.array(["F", "C", "M", "V"])
    type_w = np.array([0.62, 0.2, 0.11, 0.07])
    n_con = max(9, math.ceil(3 * n_wc / (diam.size * cut.size * types.size)))
    con_w = 1.0 / np.arange(1, n_con + 1) ** 0.3
    w = (con_w[:, None, None, None] * diam_w[None, :, None, None] * cut_w[None, None, :, None]
         * type_w[None, None, None, :]).ravel()
    code = rng.choice(w.size, size=n_wc, replace=False, p=w / w.sum())
    ic, id_, ik, it = np.unravel_index(code, (n_con, diam.size, cut.size, types.size))
    wc = _cat(ic + 1, ".", diam[id_], ".", cut[ik], ".", types[it])
    wc = np.sort(wc)

    # machines per center: 1..17, median 2, exact total
    k = np.arange(1, _MAX_MACHINES_PER_WC + 1)
    pk = np.array([30, 30, 12, 7, 4, 3, 2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.3])
    cdf = np.cumsum(pk) / pk.sum()
    strata = (rng.permutation(n_wc) + rng.random(n_wc)) / n_wc  # stratified: stable shares at any seed
    per = k[np.minimum(np.searchsorted(cdf, strata, side="right"), k.size - 1)]
    for _ in range(1000):  # exact total: add to / take from centers in proportion to their size
        diff = n_mach - int(per.sum())
        if diff == 0:
            break
        cand = np.flatnonzero(per < _MAX_MACHINES_PER_WC) if diff > 0 else np.flatnonzero(per > 1)
        pw = per[cand] / per[cand].sum()
        pick = rng.choice(cand, size=min(abs(diff), cand.size), replace=False, p=pw)
        per[pick] += 1 if diff > 0 else -1
    mach = rng.permutation(_unique_ints(rng, n_mach, 0, 3))
    wc_of = np.repeat(wc, per)
    order = np.lexsort((mach, wc_of))
    frame = _frame({"WC": wc_of[order], "MACH": mach[order].astype(np.int64)})
    return frame, wc, per


def _suppliers(rng: np.random.Generator, n: int) -> np.ndarray:
    idx = rng.permutation(n)
    stems = _SUPPLIER_STEMS[idx % _SUPPLIER_STEMS.size]
    kinds = _SUPPLIER_KINDS[(idx // _SUPPLIER_STEMS.size) % _SUPPLIER_KINDS.size]
    rep = idx // (_SUPPLIER_STEMS.size * _SUPPLIER_KINDS.size)
    names = _cat(stems, " ", kinds)
    return np.where(rep > 0, _cat(names, " ", rep + 1), names)


def _descriptions(rng: np.random.Generator, n: int) -> np.ndarray:
    ply = np.array(["1", "1", "1", "2"])[rng.integers(0, 4, n)]
    denier = np.array([20, 30, 40, 50, 70, 75, 100, 150, 200, 300])[rng.integers(0, 10, n)]
    fil = np.array([12, 24, 34, 36, 48, 68, 72, 144])[rng.integers(0, 8, n)]
    fibre = np.array(["Polyester", "Nylon", "Spandex", "Cotton", "Rayon", "Modal", "Poly/Cotton",
                      "Recycled Polyester"])[rng.integers(0, 8, n)]
    finish = np.array(["Textured", "FDY", "Ring Spun", "Open End", "Air Covered", "Semi Dull"])[
        rng.integers(0, 6, n)]
    colour = np.array(["Natural", "Raw White", "Optical White", "Black", "Dope Dyed Navy"])[
        rng.integers(0, 5, n)]
    return _cat(ply, "/", denier, "/", fil, " ", fibre, " ", finish, " ", colour)


def _yarn_inventory(rng, inv_ids, on_order_yarns, on_order_lbs, n_sup):
    """Inventory rows with exact category counts so the shares are stable across seeds."""
    n = inv_ids.size
    supplier_names = _suppliers(rng, n_sup)
    sup_idx = _covering_draw(rng, n_sup, n, _zipf_p(n_sup, 0.9, 0.05))

    perm = rng.permutation(n)
    n_hold = int(round(0.70 * n))
    hold, non = perm[:n_hold], perm[n_hold:]

    def pick(cands, share, weight=None):
        size = min(cands.size, int(round(share * n)))
        p = None if weight is None else weight / weight.sum()
        return rng.choice(cands, size=size, replace=False, p=p)

    begin = np.zeros(n)
    begin[hold] = _r2(1.0 + _soft_cap(140.0 * np.exp(2.0 * rng.standard_normal(hold.size)), 80000.0))
    busy = np.sqrt(begin[hold])  # bigger stocks are consumed and allocated more often
    cons_h = pick(hold, 0.135, busy)
    cons_n = pick(non, 0.015)
    alloc_h = pick(hold, 0.112, busy)
    alloc_n = pick(non, 0.008)
    adj = pick(hold, 0.01)
    recv = np.union1d(pick(hold, 0.02), rng.permutation(np.concatenate([cons_h, cons_n]))[
        : (cons_h.size + cons_n.size) // 2])

    begin[cons_n] = _r2(np.clip(300.0 * np.exp(rng.standard_normal(cons_n.size)), 1.0, 5000.0)
                        * (rng.random(cons_n.size) < 0.5))

    received = np.full(n, np.nan)
    received[recv] = _r2(1.0 + _soft_cap(800.0 * np.exp(1.2 * rng.standard_normal(recv.size)), 30000.0))
    received[cons_n] = _r2(_soft_cap(received[cons_n], 4000.0))  # keeps their Consumed above ~-10,000
    rec0 = np.nan_to_num(received)

    consumed = np.where(rng.random(n) < 0.6, np.nan, 0.0)
    u = rng.uniform(0.05, 0.85, cons_h.size)
    consumed[cons_h] = -np.maximum(_r2(_soft_cap(u * (begin[cons_h] + rec0[cons_h]), 10000.0)), 0.01)
    extra = np.clip(60.0 * np.exp(1.2 * rng.standard_normal(cons_n.size)), 1.0, 3000.0)
    consumed[cons_n] = -_r2(begin[cons_n] + rec0[cons_n] + extra)

    adjustments = np.full(n, np.nan)
    adjustments[adj] = _r2(rng.uniform(-0.05, 0.05, adj.size) * begin[adj])

    theo = ((begin + rec0) + np.nan_to_num(consumed)) + np.nan_to_num(adjustments)

    allocated = np.where(rng.random(n) < 0.6, np.nan, 0.0)
    v = rng.uniform(0.05, 0.9, alloc_h.size)
    allocated[alloc_h] = -np.maximum(_r2(_soft_cap(v * theo[alloc_h], 12000.0)), 0.01)
    # a few holders are allocated more than they hold (Planning Balance < 0), never beyond ~12,000 lbs
    cand = alloc_h[theo[alloc_h] < 9000.0]
    excess = rng.permutation(cand)[: min(cand.size, int(round(0.005 * n)))]
    hi = np.minimum(2.5 * theo[excess], 12000.0)
    allocated[excess] = -_r2(rng.uniform(1.1 * theo[excess] + 0.02, hi + 0.03))
    allocated[alloc_n] = -_r2(1.0 + _soft_cap(400.0 * np.exp(rng.standard_normal(alloc_n.size)), 12000.0))

    on_order = np.where(rng.random(n) < 0.6, np.nan, 0.0)
    on_order[on_order_yarns] = on_order_lbs

    planning = (theo + np.nan_to_num(allocated)) + np.nan_to_num(on_order)

    z = rng.random(n)
    cost = np.where(z < 0.22, 0.0,
                    np.where(z < 0.25, rng.uniform(0.01, 0.09, n),
                             0.1 + _soft_cap(3.4 * np.exp(0.8 * rng.standard_normal(n)), 33.9)))
    cost = _r2(cost)
    total = np.round(theo * cost, 2) + 0.0  # money is kept in cents; + 0.0: no negative zero

    return _frame({
        "Desc#": inv_ids.astype(np.int64),
        "Description": _descriptions(rng, n),
        "Supplier": supplier_names[sup_idx],
        "Beginning Balance": begin,
        "Received": received,
        "Consumed": consumed,
        "Adjustments": adjustments,
        "Theoretical Balance": theo,
        "Allocated": allocated,
        "On Order": on_order,
        "Planning Balance": planning,
        "Cost/Pound": cost,
        "Total Cost": total,
    })


def _greige_styles(rng: np.random.Generator, n_styles: int, n_extra: int):
    """Greige style names ``<gBase>/<gVersion>`` (several versions per base) and ``n_extra`` more styles
    on bases of their own (for orders whose style is missing from the BOM)."""
    n_draw = int(n_styles / 2.0) + 10
    while True:
        per = np.minimum(rng.geometric(0.45, size=n_draw), 12)
        if per.sum() >= n_styles:
            break
        n_draw *= 2
    csum = np.cumsum(per)
    n_bases = int(np.searchsorted(csum, n_styles) + 1)
    per = per[:n_bases].copy()
    per[-1] -= int(csum[n_bases - 1] - n_styles)

    nums = _unique_ints(rng, n_bases + n_extra, 100000, 30)
    kind = rng.choice(3, size=n_bases + n_extra, p=[0.7, 0.15, 0.15])
    kind[n_bases:] = 0
    prefix = np.array(["FF", "CF", "AP", "HF", "DF"])[rng.integers(0, 5, n_bases + n_extra)]
    base = np.where(kind == 1, _cat(prefix, " ", nums - 90000), _s(nums))

    b_of = np.repeat(np.arange(n_bases), per)
    starts = np.concatenate([[0], np.cumsum(per)[:-1]])
    ver = np.arange(n_styles) - np.repeat(starts, per)
    k = kind[b_of]
    v1 = _s(ver + 1)
    version = np.where(k == 0, v1,
                       np.where(k == 1, np.strings.zfill(v1, 4), _cat(ver + 20, "ST", ver % 3 + 1)))
    styles = _cat(base[b_of], "/", version)
    extra = _cat(base[n_bases:], "/1")
    return styles, base[:n_bases], extra


def _bom(rng, style_text, bom_yarns):
    """BOM rows: yarn counts per style, Zipf-like yarn reuse (each BOM yarn at least once), fractions in
    whole hundredths summing to 0.94..1.00 per style, a few additive duplicates, leading spaces and blank
    trailing rows."""
    n_styles = len(style_text)
    n_d = bom_yarns.size
    kvals = np.arange(1, 10)
    pk = np.array([0.11, 0.15, 0.20, 0.25, 0.14, 0.08, 0.04, 0.02, 0.01])
    k = np.minimum(rng.choice(kvals, size=n_styles, p=pk / pk.sum()), n_d)
    rows = int(k.sum())
    style_of = np.repeat(np.arange(n_styles), k)
    first = np.concatenate([[0], np.cumsum(k)[:-1]])

    # yarns: every BOM yarn used at least once (fixed rows), the rest Zipf-like; no repeat within a style.
    # A style's rows are contiguous and at most 9 long, so repeats are found by comparing each row with
    # the 1..8 rows after it; the non-fixed row of a repeated pair is drawn again.
    yarn = _zipf_draw(rng, n_d, rows, 1.45, 0.008)
    fixed = np.zeros(rows, dtype=bool)
    n_fix = min(n_d, rows)
    pos = rng.permutation(rows)[:n_fix]
    yarn[pos] = rng.permutation(n_d)[:n_fix]
    fixed[pos] = True
    sub = np.arange(rows)
    for it in range(1000):
        s_sub, y_sub = style_of[sub], yarn[sub]
        bad = np.zeros(rows, dtype=bool)
        for d in range(1, min(9, sub.size)):
            same = (s_sub[d:] == s_sub[:-d]) & (y_sub[d:] == y_sub[:-d])
            lo, hi = sub[:-d][same], sub[d:][same]
            bad[np.where(fixed[hi], lo, hi)] = True
        bad_rows = np.flatnonzero(bad)
        if bad_rows.size == 0:
            break
        yarn[bad_rows] = (_zipf_draw(rng, n_d, bad_rows.size, 1.45, 0.008) if it < 8
                          else rng.integers(0, n_d, bad_rows.size))
        flagged = np.zeros(n_styles, dtype=bool)
        flagged[style_of[bad_rows]] = True
        sub = np.flatnonzero(flagged[style_of])

    # fractions in hundredths: >= 1 each, first yarn dominant, exact per-style target
    target = np.where(rng.random(n_styles) < 0.7, 100, rng.integers(94, 100, n_styles))
    w = rng.gamma(0.8, size=rows)
    w[first] += 3.0 * rng.gamma(2.0, size=n_styles)
    wsum = np.add.reduceat(w, first)
    spare = (target - k)[style_of]
    cents = 1 + np.floor(spare * w / wsum[style_of]).astype(np.int64)
    cents[first] += target - np.add.reduceat(cents, first)

    # a few duplicate (style, yarn) rows: split one row's hundredths in two
    cand = np.flatnonzero(cents >= 2)
    n_dup = min(cand.size, max(1, int(round(0.0025 * rows))))
    dup_rows = rng.permutation(cand)[:n_dup]
    a = 1 + np.floor(rng.random(n_dup) * (cents[dup_rows] - 1)).astype(np.int64)
    b = cents[dup_rows] - a
    cents[dup_rows] = a
    style_of = np.concatenate([style_of, style_of[dup_rows]])
    yarn = np.concatenate([yarn, yarn[dup_rows]])
    cents = np.concatenate([cents, b])
    order = np.argsort(style_of, kind="stable")
    style_of, yarn, cents = style_of[order], yarn[order], cents[order]
    lead = np.flatnonzero(rng.random(style_of.size) < 0.005)

    # trailing empty rows (code -1 / NaN), text columns by take from the unique values
    blank = np.full(_N_BLANK_BOM_ROWS, -1, dtype=np.int64)
    codes = np.concatenate([style_of, blank])
    bom = _frame({
        "Style#": style_text.take(codes, allow_fill=True),
        "Desc#": np.concatenate([bom_yarns[yarn].astype(np.float64), np.full(blank.size, np.nan)]),
        "BOM_Percentage": np.concatenate([cents / 100.0, np.full(blank.size, np.nan)]),
        "unit": _text(["lbs"]).take(np.concatenate([np.zeros(style_of.size, np.int64), blank]),
                                    allow_fill=True),
    })
    if lead.size:
        bom.loc[lead, "Style#"] = " " + bom.loc[lead, "Style#"]
    return bom


def _style_master(rng, bases):
    """Finished styles on a random half of the greige bases, 1-3 colours each."""
    n_bases = bases.size
    chosen = rng.permutation(n_bases)[: max(1, int(round(0.5 * n_bases)))]
    n_col = rng.integers(1, 4, size=chosen.size)
    base_idx = np.repeat(np.sort(chosen), n_col)
    rank = np.arange(base_idx.size) - np.repeat(np.concatenate([[0], np.cumsum(n_col)[:-1]]), n_col)
    offset = np.repeat(rng.integers(0, _COLOUR_CODES.size, chosen.size), n_col)
    colour = _COLOUR_CODES[(rank + offset) % _COLOUR_CODES.size]
    base_txt = bases[base_idx]
    fstyle = _cat(np.strings.replace(base_txt, " ", ""), "-", colour)
    return _frame({"fStyle#": fstyle, "gBase": base_txt})


def _style_work_center(rng, style_text, wc, per):
    n = len(style_text)
    listed = np.sort(rng.permutation(n)[: max(1, int(round(0.9 * n)))])
    wc_idx = rng.choice(wc.size, size=listed.size, p=per / per.sum())
    frame = _frame({"Style": style_text.take(listed), "WC": _text(wc).take(wc_idx)})
    return listed, wc_idx, frame


def _knit_orders(rng, scale, styles, extra_styles, machines, listed, wc_idx, wc):
    n = _count(_N_KNIT_ORDERS, scale)
    n_unassigned = min(n, int(round(_N_UNASSIGNED / _N_KNIT_ORDERS * n)))
    n_assigned = n - n_unassigned
    mach = machines["MACH"].to_numpy()
    mach_wc = np.searchsorted(wc, machines["WC"].to_numpy())

    # assigned orders: an active subset of machines, every one used, style from that machine's center
    machine = np.full(n, np.nan)
    style_idx = rng.integers(0, styles.size, size=n)
    assigned = rng.permutation(n)[:n_assigned]
    if n_assigned:
        n_active = min(mach.size, n_assigned, _count(_N_ACTIVE_MACHINES, scale))
        active = rng.permutation(mach.size)[:n_active]
        m = active[_covering_draw(rng, n_active, n_assigned, np.full(n_active, 1.0 / n_active))]
        machine[assigned] = mach[m].astype(np.float64)
        order = np.argsort(wc_idx, kind="stable")
        cnt = np.bincount(wc_idx, minlength=wc.size)
        start = np.concatenate([[0], np.cumsum(cnt)[:-1]])
        w = mach_wc[m]
        pick = start[w] + np.floor(rng.random(n_assigned) * np.maximum(cnt[w], 1)).astype(np.int64)
        ok = cnt[w] > 0
        style_idx[assigned[ok]] = listed[order[pick[ok]]]
    style = styles[style_idx]
    n_missing = min(extra_styles.size, n)
    style[rng.permutation(n)[:n_missing]] = extra_styles[:n_missing]

    qty = _r2(np.clip(_split_normal(rng, n, 1750.0, 2.45, 1.55), 5.0, 150000.0))
    z = rng.random(n)
    remain = np.where(z < 0.17, 1.0,
                      np.where(z < 0.37, rng.uniform(0.0, 0.02, n) * (rng.random(n) < 0.7),
                               rng.uniform(0.02, 1.0, n) ** 1.15))
    balance = _r2(qty * remain)
    knitted = qty - balance
    g = rng.uniform(0.0, 1.0, n)
    g00 = _r2(knitted * g)
    shipped = _r2(knitted - g00)
    g00 = np.where((rng.random(n) < 0.67) & (g00 > 0), np.minimum(g00, qty), np.nan)
    shipped = np.where((rng.random(n) < 0.67) & (shipped > 0), np.minimum(shipped, qty), np.nan)

    start_day = rng.integers(-75, 31, size=n)
    quoted_day = start_day + rng.integers(14, 101, size=n)
    ids = _cat("K25", np.strings.zfill(_s(_unique_ints(rng, n, 1000, max(1, min(20, 98000 // n)))), 5))
    frame = _frame({
        "Order #": ids,
        "Style #": style,
        "Qty Ordered (lbs)": qty,
        "G00 (lbs)": g00,
        "Shipped (lbs)": shipped,
        "Balance (lbs)": balance,
        "Machine": machine,
        "Start Date": _dates(start_day),
        "Quoted Date": _dates(quoted_day),
    })
    return frame


def _sales_orders(rng, scale, fstyles):
    n = _count(_N_SALES_ORDERS, scale)
    n_cust = _count(_N_CUSTOMERS, scale)
    idx = rng.permutation(n_cust)
    ns, nk = _CUSTOMER_STEMS.size, _CUSTOMER_KINDS.size
    cust = _cat(_CUSTOMER_STEMS[idx % ns], " ", _CUSTOMER_KINDS[(idx // ns) % nk])
    rep = idx // (ns * nk)
    cust = np.where(rep > 0, _cat(cust, " ", rep + 1), cust)
    who = _covering_draw(rng, n_cust, n, _zipf_p(n_cust, 1.0, 0.05))
    return _frame({
        "SO #": _cat("SO", np.strings.zfill(_s(_unique_ints(rng, n, 250000, 9)), 6)),
        "fStyle#": fstyles[rng.integers(0, fstyles.size, n)],
        "Customer": cust[who],
        "Ordered": _r2(np.clip(1500.0 * np.exp(1.1 * rng.standard_normal(n)), 10.0, 100000.0)),
        "Ship Date": _dates(rng.integers(-14, 121, size=n)),
    })


def _yarn_po_plan(rng, scale, n_yarns):
    """Which inventory yarns are on order, their On Order lbs (whole lbs) and the PO lines."""
    n_lines = _count(_N_PO_LINES, scale)
    n_oo = min(n_yarns, n_lines, max(1, int(round(0.06 * n_yarns))))
    oo_yarns = rng.permutation(n_yarns)[:n_oo]
    total = np.round(500.0 + _soft_cap(11500.0 * np.exp(0.45 * rng.standard_normal(n_oo)), 22000.0))
    line_yarn = np.concatenate([np.arange(n_oo), rng.integers(0, n_oo, n_lines - n_oo)])
    # split each yarn's total over its lines in whole lbs
    w = rng.uniform(0.3, 1.0, n_lines)
    wsum = np.bincount(line_yarn, weights=w, minlength=n_oo)
    qty = np.floor(total[line_yarn] * w / wsum[line_yarn])
    qty[:n_oo] += total - np.bincount(line_yarn, weights=qty, minlength=n_oo)
    return oo_yarns, total, line_yarn, qty


def _yarn_po(rng, inv, oo_yarns, line_yarn, qty):
    n = qty.size
    nb = len(PO_BUCKET_COLUMNS)
    bw = np.array([0.15, 0.1] + [0.07] * 8 + [0.19])
    first = rng.choice(nb, size=n, p=bw / bw.sum())
    nparts = rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15])
    f = rng.dirichlet([2.0, 2.0, 2.0], size=n) * (np.arange(3)[None, :] < nparts[:, None])
    f /= f.sum(axis=1, keepdims=True)
    parts = np.floor(qty[:, None] * f)
    parts[:, 0] += qty - parts.sum(axis=1)
    buckets = np.zeros((n, nb))
    rows = np.repeat(np.arange(n), 3)
    cols = np.minimum(first[:, None] + np.arange(3)[None, :], nb - 1).ravel()
    np.add.at(buckets, (rows, cols), parts.ravel())
    yarn_row = oo_yarns[line_yarn]
    frame = _frame({
        "Desc#": inv["Desc#"].to_numpy()[yarn_row],
        "PO #": _cat("PO25", np.strings.zfill(_s(rng.permutation(_unique_ints(rng, n, 0, 40))), 4)),
        "Supplier": inv["Supplier"].to_numpy()[yarn_row],
    })
    for j, col in enumerate(PO_BUCKET_COLUMNS):
        frame[col] = buckets[:, j]
    frame["PO Bal"] = buckets.sum(axis=1)
    return frame.sort_values("PO #", ignore_index=True)


def _style_capacity(rng, style_text):
    listed = np.sort(rng.permutation(len(style_text))[: max(1, int(round(0.9 * len(style_text))))])
    n = listed.size
    sigma = 0.55
    lbs = _r2(np.exp(math.log(616.0) - sigma**2 / 2 + sigma * rng.standard_normal(n)))
    bad = rng.permutation(n)[: max(1, int(round(0.003 * n)))]
    lbs[bad] = -lbs[bad]
    return _frame({"Style": style_text.take(listed), "lbs/day": lbs})


# ----------------------------------------------------------------------------------------------------------
# public API


def make_mill(scale: float = 1.0, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Build a synthetic knit mill with the ERP's column names, sign conventions and distributions.

    Parameters
    ----------
    scale : float, default 1.0
        Size relative to the real mill (1.0: ~1,199 yarns, ~22,700 BOM rows, 195 knit orders,
        285 machines). Row counts scale linearly; every table keeps at least one row.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`. The same (scale, seed) always gives identical frames.

    Returns
    -------
    dict[str, pandas.DataFrame]
        ``yarn_inventory``, ``bom``, ``style_master``, ``knit_orders``, ``sales_orders``,
        ``style_work_center``, ``machines``, ``style_capacity``, ``yarn_po``; columns as documented in
        the module docstring (see also :data:`COLUMNS`).

    Raises
    ------
    ValueError
        If ``scale`` is not a positive finite number.

    Examples
    --------
    >>> mill = make_mill(scale=0.1, seed=7)
    >>> inv = mill["yarn_inventory"]
    >>> len(inv)
    120
    >>> theo = (((inv["Beginning Balance"] + inv["Received"].fillna(0)) + inv["Consumed"].fillna(0))
    ...         + inv["Adjustments"].fillna(0))
    >>> bool((theo == inv["Theoretical Balance"]).all())
    True
    >>> pb = (inv["Theoretical Balance"] + inv["Allocated"].fillna(0)) + inv["On Order"].fillna(0)
    >>> bool((pb == inv["Planning Balance"]).all())
    True
    >>> bom = mill["bom"].dropna(how="all")
    >>> sums = bom.groupby(bom["Style#"].str.strip())["BOM_Percentage"].sum()
    >>> bool(sums.between(0.94 - 1e-9, 1.0 + 1e-9).all())
    True
    """
    scale = float(scale)
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    rng = np.random.default_rng(seed)

    machines, wc, per = _machines(rng, scale)

    # yarn ids: inventory + BOM-only yarns, from one pool of unique 5-digit-ish numbers
    n_inv = _count(_N_YARNS, scale)
    n_absent = _count(_N_ABSENT_BOM_YARNS, scale)
    pool = rng.permutation(_unique_ints(rng, n_inv + n_absent, 10000, 7))
    inv_ids = np.sort(pool[:n_inv])
    absent_ids = pool[n_inv:]
    in_bom = rng.permutation(inv_ids)[: max(1, int(round(0.92 * n_inv)))]
    bom_yarns = rng.permutation(np.concatenate([in_bom, absent_ids]))

    oo_yarns, oo_total, line_yarn, po_qty = _yarn_po_plan(rng, scale, n_inv)
    n_sup = min(n_inv, _count(_N_SUPPLIERS, scale))
    inv = _yarn_inventory(rng, inv_ids, oo_yarns, oo_total, n_sup)

    n_ko = _count(_N_KNIT_ORDERS, scale)
    n_missing = int(round(0.02 * n_ko))
    styles, bases, extra_styles = _greige_styles(rng, _count(_N_STYLES, scale), n_missing)
    style_text = _text(styles)
    bom = _bom(rng, style_text, bom_yarns)
    style_master = _style_master(rng, bases)
    listed, wc_idx, swc = _style_work_center(rng, style_text, wc, per)
    knit_orders = _knit_orders(rng, scale, styles, extra_styles, machines, listed, wc_idx, wc)
    knit_orders = knit_orders.sort_values("Order #", ignore_index=True)
    sales = _sales_orders(rng, scale, style_master["fStyle#"].to_numpy())
    sales = sales.sort_values("SO #", ignore_index=True)
    capacity = _style_capacity(rng, style_text)
    yarn_po = _yarn_po(rng, inv, oo_yarns, line_yarn, po_qty)

    return {
        "yarn_inventory": inv,
        "bom": bom,
        "style_master": style_master,
        "knit_orders": knit_orders,
        "sales_orders": sales,
        "style_work_center": swc,
        "machines": machines,
        "style_capacity": capacity,
        "yarn_po": yarn_po,
    }


# ----------------------------------------------------------------------------------------------------------
# ERP-style export


def _group_thousands(whole: np.ndarray) -> np.ndarray:
    """Non-negative integers as strings with thousands commas (vectorised)."""
    whole = np.asarray(whole, dtype=np.int64)
    top = int(whole.max()) if whole.size else 0
    n_groups = max(1, (len(str(top)) + 2) // 3)
    out = np.strings.zfill(_s(whole % 1000), 3)
    for j in range(1, n_groups):
        g = np.strings.zfill(_s((whole // 1000**j) % 1000), 3)
        out = np.strings.add(np.strings.add(g, ","), out)
    out = np.strings.lstrip(out, "0,")
    return np.where(out == "", "0", out)


def _split_amount(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(``"1,234.56"`` for ``|x|``, negative mask, NaN mask) of a float array, 2 decimals.

    A value that 2 decimals would not give back exactly (a derived column such as ``Planning Balance`` is
    the float sum of 2-decimal inputs, e.g. ``0.1 + 0.2``) gets the fewest further decimals that do, so the
    exports read back to the mill's values bit for bit.
    """
    x = np.asarray(values, dtype=np.float64)
    nan = ~np.isfinite(x)
    ax = np.abs(np.where(nan, 0.0, x))
    cents = np.rint(ax * 100.0).astype(np.int64)
    body = _cat(_group_thousands(cents // 100), ".", np.strings.zfill(_s(cents % 100), 2))
    inexact = np.flatnonzero(~nan & (cents / 100.0 != ax))
    if inexact.size:
        body = body.astype(object)
        for i in inexact.tolist():
            v = float(ax[i])
            for digits in range(3, 18):
                text = f"{v:,.{digits}f}"
                if float(text.replace(",", "")) == v:
                    break
            body[i] = text
    return body, (x < 0) & (ax > 0), nan


def _format_money(values) -> np.ndarray:
    """Format dollars as the ERP exports them: ``"$1,326.67 "``, ``"($2,183.40)"``, NaN -> ``""``.

    Examples
    --------
    >>> _format_money([1326.67, -2183.4, 0.0, float("nan")]).tolist()
    ['$1,326.67 ', '($2,183.40)', '$0.00 ', '']
    """
    body, neg, nan = _split_amount(values)
    out = np.where(neg, _cat("($", body, ")"), _cat("$", body, " "))
    return np.where(nan, "", out).astype(object)


def _format_lbs(values, *, parens: bool = False) -> np.ndarray:
    """Format pounds with thousands commas and 2 decimals; negatives as ``(x)`` when ``parens`` else ``-x``;
    NaN -> ``""``.

    Examples
    --------
    >>> _format_lbs([1200.0, -2183.4, 1234567.89, float("nan")], parens=True).tolist()
    ['1,200.00', '(2,183.40)', '1,234,567.89', '']
    >>> _format_lbs([-5.0]).tolist()
    ['-5.00']
    """
    body, neg, nan = _split_amount(values)
    out = np.where(neg, _cat("(", body, ")") if parens else _cat("-", body), body)
    return np.where(nan, "", out).astype(object)


def _format_ints(values) -> np.ndarray:
    """Ids and machine numbers as the ERP writes them: whole numbers without ``.0`` (integers exactly, also
    beyond 2**53), other numbers and text as they are, missing -> ``""``."""
    col = pd.Series(values)
    missing = col.isna().to_numpy()
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iu":
        return _s(col.to_numpy()).astype(object)  # (exact: never through float64)
    if isinstance(col.dtype, np.dtype) and col.dtype.kind == "f":
        x = col.to_numpy()
        whole = ~missing & (np.floor(x) == x) & (np.abs(x) < 2.0 ** 63)
        out = np.where(missing, "", _s(np.where(whole, x, 0).astype(np.int64))).astype(object)
        other = ~missing & ~whole
        if other.any():  # (only these are written as floats: 2.5, 1e+20)
            out[other] = [repr(float(v)) for v in x[other]]
        return out
    # nullable integers, objects: one value at a time (a whole float loses its ".0", the rest as written)
    return np.array(["" if m else str(int(v)) if isinstance(v, (float, np.floating)) and float(v).is_integer()
                     else str(v) for v, m in zip(col.tolist(), missing.tolist())], dtype=object)


def write_exports(mill: dict[str, pd.DataFrame], folder) -> dict[str, Path]:
    """Write the mill's frames as CSV files formatted the way the ERP exports them.

    Money (``Cost/Pound``, ``Total Cost``) is written ``"$1,326.67 "`` / ``"($2,183.40)"``; inventory lbs
    ``"1,200.00"`` / ``"(2,183.40)"``; lbs in the other files with thousands commas and a leading ``-`` for
    negatives; ids and machine numbers without ``.0``; dates ``MM/DD/YYYY``; empty = NaN. The yarn
    inventory starts with a UTF-8 BOM mark; the knit-order file has two junk lines above its header
    (read it with ``skiprows=2``). File names are :data:`EXPORT_FILES` (``yarn_inventory.csv``,
    ``BOM.csv``, ``knit_orders.csv``, ...); frames under other keys are written as ``<key>.csv``.

    Parameters
    ----------
    mill : dict[str, pandas.DataFrame]
        As returned by :func:`make_mill` (any subset of its keys). Not modified.
    folder : str or os.PathLike
        Target directory, created when missing. Existing files are overwritten.

    Returns
    -------
    dict[str, pathlib.Path]
        Frame name -> path of the file written.

    Examples
    --------
    >>> import tempfile
    >>> mill = make_mill(scale=0.02, seed=1)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_exports(mill, tmp)
    ...     head = paths["yarn_inventory"].read_bytes()[:3]
    ...     ko = pd.read_csv(paths["knit_orders"], skiprows=2)
    >>> sorted(p.name for p in paths.values())[:3]
    ['BOM.csv', 'knit_orders.csv', 'machines.csv']
    >>> head == b"\\xef\\xbb\\xbf"
    True
    >>> list(ko.columns) == list(mill["knit_orders"].columns)
    True
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for key, frame in mill.items():
        out = frame.copy()
        encoding = "utf-8"
        junk: tuple[str, ...] = ()
        if key == "yarn_inventory":
            encoding = "utf-8-sig"
            for col in _INVENTORY_LBS:
                if col in out:
                    out[col] = _format_lbs(out[col], parens=True)
            for col in _MONEY_COLUMNS:
                if col in out:
                    out[col] = _format_money(out[col])
        else:
            for col in _LBS_COLUMNS.get(key, ()):
                if col in out:
                    out[col] = _format_lbs(out[col])
        if key in ("bom", "yarn_po") and "Desc#" in out:
            out["Desc#"] = _format_ints(out["Desc#"])
        if key == "knit_orders":
            junk = _KNIT_ORDER_JUNK
            if "Machine" in out:
                out["Machine"] = _format_ints(out["Machine"])
        path = folder / EXPORT_FILES.get(key, f"{key}.csv")
        with open(path, "w", encoding=encoding, newline="") as fh:
            for line in junk:
                fh.write(line + "\n")
            out.to_csv(fh, index=False, date_format="%m/%d/%Y", lineterminator="\n")
        paths[key] = path
    return paths

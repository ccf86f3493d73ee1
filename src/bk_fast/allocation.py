"""Priority allocation of material against time-phased supply (DOMAIN.md sections 6 and 9).

Which orders get the yarn? :func:`allocate` takes orders one by one in priority order (lower number first;
ties by due, then order id) and gives each as much of its item as it can take **without driving the
projected on hand of that item negative at any period**, given what the higher-priority orders already
took. What cannot be met on time is delivered late, at the earliest later period with free material, unless
``max_lateness`` forbids it; what stays uncovered is a shortfall. :func:`allocate_kits` does the same for
orders that need several items at once in fixed fractions (a knit order and its yarns): the lbs an order
can make are limited by its scarcest item.

The rule, precisely: supply rows (item, period, qty) give each item a cumulative supply ``S(t)`` (the first
period is the on hand). An order due at ``d`` that takes ``x`` at period ``t`` lowers the projected on hand
of every period from ``t`` on, so it can take at most ``min over t' >= t of free(t')`` (the suffix minimum of
the free cumulative supply). That is exact and never lets any projected balance go below zero. A need left
over by float64 rounding alone (a residue within the item's rounding tolerance) is met, not short.
"""

from __future__ import annotations

import datetime
import decimal
import math
import numbers
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import pandas as pd

from bk_fast._engine import resolve
from bk_fast._gather import take8
from bk_fast._kernels.reference.allocation import thresholds
from bk_fast._kernels.reference.parse import clean_text
from bk_fast._scratch import work_array
from bk_fast._validate import (bytes_text, columns_present, float_column, int64_offset, int_values, numpy_dates,
                               offset_codes, one_column, pick_column, plain, reject_text, require_frame, same_ids,
                               whole_beyond, whole_number)

__all__ = ["allocate", "allocate_kits", "Allocation", "KitAllocation"]


#: role -> accepted column names (first match wins; matching ignores case, spaces and underscores)
_ORDER_NAMES = {
    "order": ("order", "order_id", "Order #", "Order#", "KO #", "id"),
    "item": ("item", "item_id", "yarn_id", "Desc#", "yarn", "material", "sku"),
    "qty": ("qty", "quantity", "required_quantity", "need", "Balance (lbs)"),
    "priority": ("priority",),
    "due": ("due", "due_date", "due_period", "period", "date", "order_date"),
}
_SUPPLY_NAMES = {
    "item": ("item", "item_id", "yarn_id", "Desc#", "yarn", "material", "sku"),
    "period": ("period", "date", "week", "time", "receipt_date"),
    "qty": ("qty", "quantity", "available_quantity", "supply", "on_hand"),
}
_REQ_NAMES = {
    "order": _ORDER_NAMES["order"],
    "item": _SUPPLY_NAMES["item"],
    "fraction": ("fraction", "qty_per", "share", "BOM_Percentage", "percentage", "per_unit"),
}

#: (frame, role) -> the role's key in ``columns=`` where it is not the role itself
_COLUMNS_KEY = {("supply", "item"): "supply_item", ("supply", "qty"): "supply_qty",
                ("requirements", "order"): "req_order", ("requirements", "item"): "req_item"}


def _column(df: pd.DataFrame, role: str, names: dict, what: str, columns: dict | None, required=True):
    """The caller's label for ``role``: ``columns[role]`` when given, else the first of the role's accepted
    names that labels a column (exactly, else loosely: ``"QTY"``), in their order (``due`` before
    ``order_date``: an orders frame may hold both); two labels of that name differing only in case, spaces or
    punctuation (``qty`` beside ``Qty``) are a ValueError naming both (:func:`bk_fast._validate.pick_column`)."""
    key = _COLUMNS_KEY.get((what, role), role)  # (the role's key in columns=)
    if columns and role in columns:
        label = columns[role]
        if label not in df.columns:
            raise ValueError(f"{what} has no column {label!r} (given for {key!r}); "
                             f"{columns_present(df, [label])}")
        return one_column(df, label, what)
    accepted = names[role]
    label = pick_column(df, accepted, what, role, f"choose one with columns={{{key!r}: <label>}}, or drop or "
                                                  f"rename the others", ordered=True)
    if label is None and required:
        raise ValueError(f"{what} has no {role!r} column (accepted names: {', '.join(map(repr, accepted))}, "
                         f"or pass columns={{{key!r}: <label>}}); {columns_present(df, accepted)}")
    return label


def _roles(columns: dict | None, accepted) -> dict:
    """``columns`` as a dict; ValueError for a role that is not one of ``accepted`` (a misspelt role was
    ignored silently, and the default column read instead)."""
    if columns is not None and not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a dict of role -> column label, got {type(columns).__name__}")
    cols = dict(columns or {})
    for role in cols:
        if role not in accepted:
            raise ValueError(f"columns: unknown role {role!r}; accepted roles: {', '.join(map(repr, accepted))}")
    return cols


def _take(col: pd.Series, idx: np.ndarray):
    """``col``'s values at positions ``idx`` (NumPy take for NumPy dtypes: no extension-array overhead)."""
    if isinstance(col.dtype, np.dtype) and col.dtype.kind != "O":
        return col.to_numpy()[idx]
    return col.array.take(idx)


def _gather(col: pd.Series, idx: np.ndarray, engine, out=None):
    """:func:`_take` for indices in range (a kernel's output), by :func:`bk_fast._gather.take8` for NumPy dtypes
    (into ``out`` for 8-byte ones, when given)."""
    if isinstance(col.dtype, np.dtype) and col.dtype.kind != "O":
        return take8(col.to_numpy(), idx, engine, out=out)
    return _take(col, idx)


def _first_bad(df: pd.DataFrame, mask: np.ndarray):
    return plain(df.index[int(np.flatnonzero(mask)[0])])


def _numpy_dates(df: pd.DataFrame, label) -> pd.DataFrame:
    """``df`` with its column ``label`` as :func:`numpy_dates` makes it (a shallow copy; the caller's
    frame is not touched), else ``df`` itself."""
    if label is None or label not in df.columns:
        return df
    col = numpy_dates(df[label])
    if col is df[label]:
        return df
    out = df.copy(deep=False)
    out[label] = col
    return out


def _times(df: pd.DataFrame, label, what: str) -> tuple[np.ndarray, bool]:
    """Column ``label`` as a float64 time axis: numbers as they are; for dates only NaT as NaN (0 elsewhere:
    :func:`_date_axis` places them, once the columns to share an axis are known)."""
    col = df[label]
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return np.where(col.array.asi8 == np.iinfo(np.int64).min, np.nan, 0.0), True
    if pd.api.types.is_timedelta64_dtype(col.dtype):
        raise TypeError(f"{what} column {label!r} must be periods (numbers) or dates, got {col.dtype}")
    if getattr(col.dtype, "kind", "O") in "iu" and len(col):
        _exact_periods(df, col, label, what)
    out = float_column(df, label, what=what)
    if getattr(col.dtype, "kind", "O") not in "fiub":  # text: numbers as text parse; say so when they do not
        text = np.isnan(out) & col.notna().to_numpy() & (col.astype(str).str.strip() != "").to_numpy()
        if text.any():
            rows = np.flatnonzero(text)
            dates = [isinstance(col.iloc[j], (datetime.date, np.datetime64, pd.Period)) for j in rows[:1000]]
            # (the first cell that is no date object, if any: a date beside text is not the problem)
            i = int(rows[dates.index(False)]) if not all(dates) else int(rows[0])
            v = col.iloc[i]
            if isinstance(v, (datetime.date, np.datetime64)) and pd.api.types.infer_dtype(col, skipna=True) in (
                    "date", "datetime", "datetime64"):  # (dates only, which numpy_dates could not unite)
                raise ValueError(f"{what} column {label!r} row {plain(df.index[i])!r} is {v!r}: the column's dates "
                                 f"are in several time zones (or naive beside aware ones); convert them to one "
                                 f"zone (e.g. pd.to_datetime(col, utc=True))")
            if isinstance(v, pd.Period):
                raise TypeError(f"{what} column {label!r} row {plain(df.index[i])!r} is {v!r}: periods are numbers "
                                f"or dates, not Period objects (convert them, e.g. with .dt.to_timestamp())")
            if isinstance(v, (datetime.date, np.datetime64)):  # (beside numbers: nothing else to show)
                raise ValueError(f"{what} column {label!r} row {plain(df.index[i])!r} is {v!r}, a date among period "
                                 f"numbers: the column must hold numbers only or dates only")
            raise ValueError(f"{what} column {label!r} row {plain(df.index[i])!r} is {col.iloc[i]!r}: text that is "
                             f"no period number; periods are numbers or dates (text dates: convert the column "
                             f"with pd.to_datetime first)")
        with np.errstate(invalid="ignore"):
            far = np.abs(out) >= 2.0 ** 53  # (Python ints or number text: float64 may have rounded them already)
        if far.any():
            i = int(np.flatnonzero(far)[0])
            _too_far(df, label, what, i, f"{col.iloc[i]!r} is at or beyond")
    return out, False


def _too_far(df: pd.DataFrame, label, what: str, i: int, shown: str):
    """The ValueError of a period number the float64 time axis cannot hold exactly (row ``i``)."""
    raise ValueError(f"{what} column {label!r} row {plain(df.index[i])!r}: {shown} 2**53 in magnitude, where the "
                     f"float64 time axis cannot hold integer periods exactly; number the periods from a nearer "
                     f"origin (e.g. subtract the first period)")


def _exact_periods(df: pd.DataFrame, col: pd.Series, label, what: str):
    """ValueError naming the row when integer period numbers go beyond 2**53 in magnitude: the time axis is
    float64, where 2**62 + 1 is 2**62 (a delivery in period 2**62 + 1 was reported in period 2**62, and one in
    2**63 - 1 in a garbage period)."""
    vals = col.to_numpy() if isinstance(col.dtype, np.dtype) else col  # (nullable: the present values)
    lo, hi = vals.min(), vals.max()
    if pd.isna(lo) or -(2 ** 53) <= int(lo) and int(hi) <= 2 ** 53:
        return
    far = col.to_numpy(dtype=object, na_value=0)
    bad = np.array([abs(int(v)) > 2 ** 53 for v in far], dtype=bool)
    i = int(np.flatnonzero(bad)[0])
    _too_far(df, label, what, i, f"{int(far[i])} is beyond")


def _ticks_per_day(dtype) -> int:
    unit, count = np.datetime_data(dtype)
    return int(np.timedelta64(1, "D") // np.timedelta64(count, unit))


_UNITS = ("s", "ms", "us", "ns")


def _date_axis(cols: list[pd.Series], groups: list[np.ndarray] | None = None,
               n_groups: int = 0) -> tuple[int, list[np.ndarray]]:
    """``(steps per day, the columns' points)``: date columns (the orders' due, the supply's period) on one
    float64 time axis, NaT as NaN. Its steps are the greatest common divisor of their times of day (a day for
    dates at midnight, an hour for times on the hour) in the finest unit among them, counted from the
    earliest day of each group (``groups``: each column's item codes, 0..n_groups-1; without them, of all):
    a point is exact while below 2**53 steps from its group's first day (nanosecond times over 104 days,
    microsecond ones over 285 years), a float64 rounding of it beyond. When every point of every group is
    below 2**53 steps from the first day of all, that day is every group's origin (the same exact points,
    shifted per group; times are only compared and subtracted within a group). Float64 days since 1970 put
    an on-time delivery due at 20:00 (datetime64[ns]) at 19:59:59.999999895, a local-midnight due west of UTC
    on the day before, and a receipt 1 ns after its due on time."""
    unit = max((c.dt.unit for c in cols), key=_UNITS.index, default="ns")
    per_day = _ticks_per_day(np.dtype(f"datetime64[{unit}]"))
    parts, g = [], per_day
    lo, hi = np.iinfo(np.int64).max, np.iinfo(np.int64).min  # (the first and last day of all)
    for k, c in enumerate(cols):
        ticks = c.array.asi8  # (UTC ticks of the column's unit, time zone or not; NaT the int64 minimum)
        own = _ticks_per_day(np.dtype(f"datetime64[{c.dt.unit}]"))
        nat = ticks == np.iinfo(np.int64).min
        whole = ticks // own
        rest = ticks - whole * own  # (the time of day: numpy's divmod is several times slower)
        if own != per_day:
            rest *= per_day // own
        ok = None if not nat.any() else ~nat
        days = whole if ok is None else whole[ok]
        if days.size:
            lo, hi = min(lo, int(days.min())), max(hi, int(days.max()))
            if rest.any():  # (dates at midnight: the step stays a day)
                g = int(np.gcd(g, np.gcd.reduce(rest if ok is None else rest[ok])))
        parts.append((whole, rest, nat if ok is not None else None, groups[k] if groups is not None else None))
    steps_per_day = per_day // g
    # each group's first day as the origin; one origin for all when every point is a whole number of steps
    # below 2**53 from it anyway (the same exact points: times are compared and subtracted within an item only)
    one = groups is None or hi < lo or (hi - lo + 1) * steps_per_day < 2 ** 53
    if not one:
        origin = np.full(max(n_groups, 1), np.iinfo(np.int64).max, dtype=np.int64)
        for whole, _, nat, grp in parts:
            np.minimum.at(origin, grp if nat is None else grp[~nat], whole if nat is None else whole[~nat])
    out = []
    for whole, rest, nat, grp in parts:
        if one:
            x = (whole - (lo if hi >= lo else 0)).astype(np.float64)
        else:
            base = origin[grp]
            if nat is not None:
                base[nat] = 0
            x = (whole - base).astype(np.float64)
        # (whole numbers of steps: exact in float64 while the sum stays below 2**53, rounded once beyond)
        if steps_per_day != 1:
            x *= steps_per_day
            x += (rest // g).astype(np.float64)
        if nat is not None:
            x[nat] = np.nan
        out.append(np.ascontiguousarray(x))
    return steps_per_day, out


def _components(o_code: np.ndarray, i_code: np.ndarray, n_orders: int, n_items: int) -> np.ndarray:
    """Component label of every order (0..n_orders-1) and item (n_orders..) of the bipartite graph with edges
    (order, item): the smallest node of its component. Each round hooks the root of every edge's larger end
    to the smaller root and then compresses every path to its root, so a chain of n orders sharing an item
    with the next takes about log n rounds (hooking the ends themselves took one round per hop: ~2 s for
    10,000 such orders, quadratic). No recursion; O(edges) per round."""
    n = n_orders + n_items
    label = np.arange(n, dtype=np.int64)  # (a forest: every label is at most its node, roots label themselves)
    a = o_code.astype(np.int64)
    b = i_code.astype(np.int64) + n_orders
    while True:
        ra, rb = label[a], label[b]  # (the roots: label is compressed)
        apart = ra != rb
        if not apart.any():
            return label
        ra, rb = ra[apart], rb[apart]
        low = np.minimum(ra, rb)
        np.minimum.at(label, np.maximum(ra, rb), low)  # (a root hooked below itself: no cycle)
        while True:  # pointer jumping: label[v] = label[label[v]] until every node points at its root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped


def _same_clock(orders, o_due, supply, s_period):
    """The orders' due's time zone (None when naive); TypeError when one of due and period has a time zone
    and the other has not (pandas does not compare such dates either)."""
    due_tz = getattr(orders[o_due].dtype, "tz", None)
    period_tz = getattr(supply[s_period].dtype, "tz", None)
    if len(orders) and len(supply) and (due_tz is None) != (period_tz is None):
        raise TypeError(f"orders column {o_due!r} ({orders[o_due].dtype}) and supply column {s_period!r} "
                        f"({supply[s_period].dtype}) must both have a time zone or both have none")
    return due_tz


def _wall_clock(col: pd.Series, tz) -> pd.Series:
    """A date column as the clock of time zone ``tz`` shows it (naive; ``tz`` None: the column's own zone), or
    the column itself when it has no zone: the time axis counts calendar days, so a delivery 10 days after its
    due across a daylight-saving change is 10 days late, not 10 days and an hour (instants put local midnights
    23 or 25 hours apart there). Wall-clock order is the instants' order but within the hour a fall-back
    repeats."""
    own = getattr(col.dtype, "tz", None)
    if own is None:
        return col
    return col.dt.tz_convert(tz if tz is not None else own).dt.tz_localize(None)


def _check_values(df, arr, label, what, *, allow_nan=False, nonneg=False, finite=True):
    with np.errstate(over="ignore", invalid="ignore"):
        clean = bool(np.isfinite(np.add.reduce(arr)))  # one reduction: no NaN and no inf (the usual case)
    if not clean:
        if not allow_nan and np.isnan(arr).any():
            raise ValueError(f"{what} column {label!r} has a missing or non-numeric value at row "
                             f"{_first_bad(df, np.isnan(arr))!r}")
        if finite and np.isinf(arr).any():
            raise ValueError(f"{what} column {label!r} has an infinite value at row "
                             f"{_first_bad(df, np.isinf(arr))!r}")
    if nonneg and arr.size and not (clean and arr.min() >= 0) and (arr < 0).any():
        raise ValueError(f"{what} column {label!r} must be >= 0; row {_first_bad(df, arr < 0)!r} is "
                         f"{float(arr[arr < 0][0])!r}")


def _supply_qty(supply: pd.DataFrame, label) -> np.ndarray:
    """The supply quantities as float64, a missing (or blank) one as 0; text that is no number (``"12 lbs"``)
    is a ValueError naming the row, not a silent 0."""
    qty = float_column(supply, label, what="supply")
    _check_values(supply, qty, label, "supply", allow_nan=True)
    reject_text(supply, label, qty, "supply", "lbs; a missing qty counts 0")
    # (a fresh array: float_column may hand out the caller's)
    return np.where(np.isnan(qty), 0.0, qty)


def _whole_qty(df: pd.DataFrame, label, qty: np.ndarray, what: str) -> None:
    """ValueError naming the row of an integer quantity of 2**53 or more in magnitude: float64 would round
    whole pounds there (2**53 + 1 read as 2**53), as the README's error table says for the supply's sums.
    Float columns are floats already: nothing to check; integer text (``"9,007,199,254,740,993"``) counts as an
    integer."""
    dtype = df[label].dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return
    big = np.abs(qty) >= _EXACT_SUM
    if not big.any():
        return
    col = df[label]
    for i in np.flatnonzero(big):
        v = bytes_text(col.iloc[int(i)])  # (bytes: as their text, as parse_numbers reads them)
        if isinstance(v, str):  # (the ERP's number text: $, commas, spaces, (x) for -x)
            text = clean_text(v)
            v = int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else v
        if whole_beyond(v, 2 ** 53 - 1):  # (ints, whole Decimal / Fraction values: exact, rounded by float64)
            mask = np.zeros(len(df), dtype=bool)
            mask[i] = True
            raise ValueError(f"{what} column {label!r} row {_first_bad(df, mask)!r}: {whole_number(v)} is 2**53 or "
                             f"more in magnitude, where float64 would round whole pounds")


def _ids(df: pd.DataFrame, label, what: str) -> pd.Series:
    col = df[label]
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iub":
        return col  # NumPy integers and booleans cannot be missing
    missing = col.isna().to_numpy()
    if missing.any():
        raise ValueError(f"{what} column {label!r} has a missing id at row {_first_bad(df, missing)!r}")
    return col


def _item_codes(order_items: pd.Series, supply_items: pd.Series):
    """Dense int64 codes shared by the order and supply item columns, their count, and a function mapping
    codes back to item values."""
    a, b = order_items.to_numpy(), supply_items.to_numpy()
    if a.dtype != b.dtype and a.size and b.size:
        # pandas would match integer and float64 ids (and unite int64 with uint64 ones) through float64, where
        # 2**60 + 1 == 2**60: whole floats below 2**53 become integers, other floats beside integers raise
        pa, pb = pd.Index(a), pd.Index(b)
        ia, ib = same_ids([("orders", pa), ("supply", pb)])
        if ia is not pa:
            a = ia.to_numpy()
            order_items = pd.Series(a)
        if ib is not pb:
            b = ib.to_numpy()
            supply_items = pd.Series(b)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu" and (a.size or b.size):
        lo = min(a.min() if a.size else b.min(), b.min() if b.size else a.min())
        hi = max(a.max() if a.size else b.max(), b.max() if b.size else a.max())
        span = int(hi) - int(lo) + 1
        if span <= 4 * (a.size + b.size) + 1024:
            dtype = a.dtype if a.size else b.dtype
            # (the order codes go to this thread's scratch: they live only until the kernel has run)
            o_code = offset_codes(a, lo, out=work_array("allocate.codes", a.size, np.int64))
            off = int64_offset(lo)
            return o_code, offset_codes(b, lo), span, lambda c: (c + off).astype(dtype, copy=False)
    # (an empty side takes the other side's dtype: its own may be any, e.g. float64 for an empty frame, and
    # would make the united ids object; with both empty the orders' dtype stays, e.g. pandas 3's str)
    a_dtype = order_items.dtype if a.size or not b.size else supply_items.dtype
    b_dtype = supply_items.dtype if b.size else a_dtype
    both = pd.concat([pd.Series(a, dtype=a_dtype), pd.Series(b, dtype=b_dtype)], ignore_index=True)
    codes, uniques = pd.factorize(both)
    codes = codes.astype(np.int64)
    return (np.ascontiguousarray(codes[:a.size]), np.ascontiguousarray(codes[a.size:]), len(uniques),
            lambda c: uniques.take(c))


_EXACT_SUM = 2.0 ** 53  # an item's supply magnitude (sum of |qty|) below which whole units add up exactly
#: half an ulp per unit of magnitude: an item's rounding tolerance is (2 x supply rows + orders + 2) of them
#: times its supply magnitude (sum of |qty|), a bound on the error of every float64 sum the rule makes for the
#: item (each rounded operation errs by at most half an ulp of the magnitude, and so does the decimal reading
#: of the inputs): a need left after a take that is no larger is a residue, not a shortfall (two-decimal
#: quantities miss their decimal sums by a few ulps: 0.3 - 0.1 is 0.19999999999999998)
_ROUNDING = 2.0 ** -53


def _timeline(code: np.ndarray, times: np.ndarray, qty: np.ndarray, n_items: int, engine, name_of=None,
              wanted: np.ndarray | None = None, uses: np.ndarray | None = None, first_rows: bool = False):
    """Per-item supply timeline: ``item_ptr``, strictly increasing ``times`` per item, cumulative ``cum``
    (duplicate (item, period) rows summed), and the item's rounding tolerance ``tol``: ``(2 x rows + uses + 2)
    x 2**-53`` times the sum of its ``|qty|`` (``uses``: how many orders or requirement lines ask for each
    item, default none; see ``_ROUNDING``).

    An item whose quantities add up to 2**53 or more in magnitude (sum of |qty|: 9.0e15 lbs) is a ValueError
    (``name_of(codes)`` names it): beyond, float64 sums round whole units, in an order that depends on the rows
    (1e16 + 3 - 1e16 is 4), and the rule would hand out material that does not exist. Only the items whose
    codes are in ``wanted`` (the orders' item codes, -1 for none; default all items) count: an item no order
    asks for hands nothing out. ``first_rows``: a fifth result, the supply row (position) of each entry of
    ``times``, its first row when several (item, period) rows add up."""
    n = code.size
    rows = None  # (the rows in timeline order, when they had to be sorted)
    magnitude = np.zeros(n_items)
    ops = np.full(n_items, 2.0) if uses is None else uses + 2.0
    if n:
        magnitude = np.bincount(code, weights=np.abs(qty), minlength=n_items)
        ops += 2.0 * np.bincount(code, minlength=n_items)
        big = np.flatnonzero(~(magnitude < _EXACT_SUM))
        if big.size and wanted is not None:  # (rare: the orders' items are looked at only then)
            big = big[np.isin(big, wanted)]
        if big.size:
            c = int(big[0])
            item = plain(name_of(np.array([c]))[0]) if name_of is not None else c
            raise ValueError(f"supply of item {item!r}: its quantities add up to {magnitude[c]:.6g} in magnitude "
                             f"(sum of |qty|), 2**53 or more: float64 sums would round whole units; rescale the "
                             f"quantities (e.g. to thousands of lbs)")
    if n > 1:
        c0, c1 = code[:-1], code[1:]
        if not bool(((c1 > c0) | ((c1 == c0) & (times[1:] > times[:-1]))).all()):
            rows = np.lexsort((times, code))
            code, times, qty = code[rows], times[rows], qty[rows]
    starts = None  # (the first of each run of equal (item, period) rows, when there are such runs)
    if n:
        new = np.r_[True, (code[1:] != code[:-1]) | (times[1:] != times[:-1])]
        starts = np.flatnonzero(new)
        if starts.size != n:
            qty = np.add.reduceat(qty, starts)
            code, times = code[starts], times[starts]
        else:
            starts = None
    item_ptr = np.zeros(n_items + 1, dtype=np.int64)
    np.cumsum(np.bincount(code, minlength=n_items), out=item_ptr[1:])
    cum = np.zeros(code.size, dtype=np.float64)
    if code.size:
        resolve("segmented_cumsum", engine)(np.ascontiguousarray(qty), np.ascontiguousarray(code), n_items, cum)
        bad = ~np.isfinite(cum)
        if bad.any():
            raise ValueError("supply: the cumulative supply of an item overflows float64 (values too large)")
    out = item_ptr, np.ascontiguousarray(times, dtype=np.float64), cum, ops * _ROUNDING * magnitude
    if not first_rows:
        return out
    first = np.arange(n, dtype=np.int64) if rows is None else rows
    return *out, (first if starts is None else first[starts])


class Allocation(NamedTuple):
    """Result of :func:`allocate`.

    ``deliveries``: one row per delivery, in allocation order (item by item, orders in priority order):
    ``order``, ``item``, ``due``, ``period`` (when it is delivered: the due date when on time, else the
    supply period it comes from, as given; dates in the due column's unit and time zone; numbers in the dtype
    the input columns' dtypes set, whatever their values: integer where the due and the supply period columns
    both are, in any integer dtype (int64; ``Int64`` / ``int64[pyarrow]`` for a nullable / Arrow due), else
    float64, as for integer dues with float periods, whole or not), ``qty``, ``days_late`` (``period -
    due``; in days for dates, in period units for numeric periods; 0 when on time).
    Dates are compared exactly, in steps of their common time of day (whole days for dates at midnight)
    from each item's first day, while an item's dates span fewer than 2**53 steps (nanosecond times: 104
    days; microsecond ones: 285 years); beyond, as float64 steps. The step is common to the call: one item's
    nanosecond times make every item's steps nanoseconds. Dates with a time zone are read on the clock of the
    due's zone: local midnights are whole days apart across a daylight-saving change (a delivery 10 days
    after its due is 10 days late, not 10 days and an hour), and ``max_lateness`` counts such days; only
    within the hour a fall-back repeats does the clock's order differ from the instants'.
    ``shortfalls``: ``order``, ``item``, ``due``, ``qty_short`` for every order not fully delivered (rows in
    the order of the input).
    ``orders``: per input row (indexed like the input): ``qty``, ``delivered`` (``qty - short``), ``on_time``
    (the qty of the on-time delivery), ``short`` (0 when what was left is a rounding residue; see
    :func:`allocate`).
    """

    deliveries: pd.DataFrame
    shortfalls: pd.DataFrame
    orders: pd.DataFrame

    def plot(self, supply: pd.DataFrame, item=None, path=None, *, ax=None, columns: dict | None = None):
        """Chart of one item over time: its supply received, demand due and deliveries, cumulative.

        Between the received and delivered lines (green) lies the stock on hand; between the due and
        delivered lines (red) the demand not delivered yet (late, or short when the red band stays open at
        the end). Needs matplotlib (the ``plot`` extra).

        Parameters
        ----------
        supply : DataFrame
            The supply that was allocated (read as :func:`allocate` reads it).
        item : optional
            The item to chart; default: the item with the most short, then late, then delivered qty.
        path : str or file, optional
            Write a PNG there (a name without a suffix too; a suffix such as ``.svg`` picks that format).
        ax : matplotlib Axes, optional
            Draw into it instead of a new figure.
        columns : dict, optional
            ``supply_item``, ``period``, ``supply_qty`` labels, as for :func:`allocate`.

        Returns
        -------
        matplotlib.figure.Figure
            Without ``path`` or ``ax``, a pyplot figure (``plt.show()``); with ``path`` only, a figure not
            registered with pyplot (charts written in a loop do not pile up in it; ``plt.show()`` does not
            show it).

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> orders = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [10.0, 10.0],
        ...                        "priority": [1, 2], "due": [0, 0]})
        >>> supply = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 5], "qty": [12.0, 5.0]})
        >>> fig = bk_fast.allocate(orders, supply).plot(supply)
        >>> fig.axes[0].get_title()
        'Y: 17 delivered (5 late), 3 short of 20 due'
        >>> import matplotlib.pyplot as plt; plt.close(fig)
        """
        from bk_fast._allocation_plot import plot_allocation

        return plot_allocation(self, supply, item, path, ax=ax, columns=columns)


#: seconds per unit of a NumPy duration of fixed length
_UNIT_SECONDS = {"W": Fraction(604_800), "D": Fraction(86_400), "h": Fraction(3_600), "m": Fraction(60),
                 "s": Fraction(1), "ms": Fraction(1, 10 ** 3), "us": Fraction(1, 10 ** 6), "ns": Fraction(1, 10 ** 9)}


def _lateness(max_lateness, is_date: bool, steps_per_day: int | None = None) -> float:
    """``max_lateness`` on the time axis: periods, or for dates days (given ``steps_per_day``: the date axis'
    steps, rounded down to whole steps; beyond the float range: no limit)."""
    if max_lateness is None:
        return np.inf
    if isinstance(max_lateness, (pd.Timedelta, np.timedelta64, datetime.timedelta, str)):
        if not is_date:
            raise TypeError(f"max_lateness {max_lateness!r} is a duration, but the orders' due and the supply "
                            f"periods are period numbers: pass a number of periods")
        if isinstance(max_lateness, datetime.timedelta) and not isinstance(max_lateness, pd.Timedelta):
            # (exactly, also beyond the ~292 years a Timedelta holds)
            days = Fraction(max_lateness.days) + Fraction(max_lateness.seconds * 10 ** 6
                                                          + max_lateness.microseconds, 86_400 * 10 ** 6)
        else:
            try:
                # (in the duration's own unit: a Timedelta of 300 years is held in seconds, beyond .value's ns)
                td = max_lateness if isinstance(max_lateness, np.timedelta64) else pd.Timedelta(max_lateness).asm8
                unit, count = np.datetime_data(td.dtype)
                if np.isnat(td) or unit not in _UNIT_SECONDS:
                    raise ValueError("not a fixed length of time")
                days = Fraction(int(td.astype(np.int64)) * count) * _UNIT_SECONDS[unit] / 86_400
            except (OverflowError, ValueError) as exc:  # (pandas: OutOfBoundsTimedelta, unreadable text)
                raise ValueError(f"max_lateness {max_lateness!r} is no duration pandas can hold ({exc}); pass a "
                                 f"number of days") from None
    else:
        try:
            value = float(max_lateness)
        except (TypeError, ValueError):
            raise TypeError(f"max_lateness must be None, a number or a Timedelta, got {max_lateness!r}") from None
        days = Fraction(value) if np.isfinite(value) else value
    if not days >= 0:
        raise ValueError(f"max_lateness must be >= 0, got {max_lateness!r}")
    if isinstance(days, Fraction):
        try:
            # (dates: whole steps, as every point on the axis is; the kernels' due + max_lateness then stays
            # exact, where a fraction of a step rounded with the due's magnitude)
            return float(math.floor(days * steps_per_day)) if steps_per_day is not None else float(days)
        except OverflowError:
            return np.inf
    return float(days)


def _tiebreak(ids: pd.Series) -> np.ndarray:
    arr = ids.to_numpy()
    if arr.dtype.kind in "iu":
        if arr.dtype.kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
            arr = pd.factorize(arr, sort=True)[0]
        return np.ascontiguousarray(arr, dtype=np.int64)
    try:
        codes = pd.factorize(ids, sort=True)[0]
    except TypeError:  # ids of mixed, unorderable types: ties fall back to row order
        return np.zeros(len(ids), dtype=np.int64)
    return np.ascontiguousarray(codes, dtype=np.int64)


def _packed(arr: np.ndarray, span=None):
    """``(values, offset, bit width)`` with ``values - offset`` the int64 key part, when ``arr`` holds
    integers only (else None). ``values`` is ``arr`` itself for integer dtypes (not to be modified), else a
    fresh int64 array with offset 0. ``span``: ``(arr.min(), arr.max())`` when the caller has it already."""
    lo, hi = (arr.min(), arr.max()) if span is None else span
    if arr.dtype.kind in "iu":
        # integers order exactly, beyond 2**53 too (2**62 + 1 before 2**62 + 2: float64 made them one value)
        width = int(hi) - int(lo)
        if width >= 2 ** 63:
            return None  # (the lexsort of the integers themselves)
        if int(hi) > np.iinfo(np.int64).max:  # uint64 beyond int64: the offsets fit
            return (arr - arr.dtype.type(lo)).astype(np.int64), 0, width.bit_length()
        return arr, int(lo), width.bit_length()
    if arr.dtype.kind == "f":
        # integers below 2**53 in magnitude: differences are exact, so distinct values stay distinct
        if not (-(2.0 ** 53) < lo and hi < 2.0 ** 53) or not np.array_equal(arr, np.floor(arr)):
            return None
        return (arr - lo).astype(np.int64), 0, int(hi - lo).bit_length()
    return arr, int(lo), (int(hi) - int(lo)).bit_length()


def _service_rank(priority: np.ndarray, due: np.ndarray, tiebreak: np.ndarray, due_span=None) -> np.ndarray:
    """One int64 per order whose order is (priority, due, tiebreak): the three bit-packed when they are
    integers that fit in 63 bits together (the common case: no sort needed here; a component with one value
    only takes no bits), else the rank of a lexsort (equal triples then rank by row, which the kernels' tie by
    row reproduces). ``priority`` and ``due`` may be the caller's integer columns (exact, no float checks).
    The key is built in one array, in place: ``((p - p0) << bd) + d - d0`` may wrap around in int64 on the
    way but ends in range, and two's-complement wrap-around keeps it exact. ``due_span``: ``(due.min(),
    due.max())`` when the caller has it (an integer ``due``), so the column is not read twice for it."""
    if priority.size == 0:
        return np.zeros(0, dtype=np.int64)
    keys = [priority, due]
    if not (tiebreak.size < 2 or bool((tiebreak[1:] >= tiebreak[:-1]).all())):
        keys.append(tiebreak)  # (ids ascending with the rows need no key: the kernels tie by row)
    parts = [_packed(a, due_span if i == 1 else None) for i, a in enumerate(keys)]
    if all(p is not None for p in parts) and sum(p[2] for p in parts) <= 63:
        key = None
        for (vals, off, bits), src in zip(parts, keys):
            if bits == 0:
                continue  # one value only: adds nothing to the order
            if key is None:
                key = vals if vals is not src else np.subtract(vals, off, dtype=np.int64)
            else:
                key <<= np.int64(bits)
                np.add(key, vals, out=key, casting="unsafe")
                if off:
                    key -= np.int64(off)
        return np.zeros(priority.size, dtype=np.int64) if key is None else np.ascontiguousarray(key)
    order = np.lexsort(keys[::-1])  # (integers as they are: exact; NumPy compares int and uint keys exactly)
    rank = np.empty(priority.size, dtype=np.int64)
    rank[order] = np.arange(priority.size, dtype=np.int64)
    return rank


def allocate(orders: pd.DataFrame, supply: pd.DataFrame, *, partial: bool = True, max_lateness=None,
             min_shipment: float | None = None, columns: dict | None = None,
             engine: str | None = None) -> Allocation:
    """Allocate each item's time-phased supply to orders in priority order.

    Orders are served one at a time, lower ``priority`` first (ties: earlier due, then lower order id, then
    row order). Each takes as much of its item as it can **on time** (at its due) such that the projected
    on hand of the item stays >= 0 at every period, given what higher-priority orders took; the rest is
    delivered at the earliest later period with free material (possibly split over several periods) as long
    as the lateness stays within ``max_lateness``; what is left is short. Items are independent.

    Parameters
    ----------
    orders : DataFrame
        One row per order line: ``order`` (id), ``item``, ``qty`` (>= 0), ``priority`` (number, lower = more
        urgent; integers, NumPy, nullable or Arrow, order exactly at any size), ``due`` (period number or
        date; integer periods within 2**53 in magnitude, which the float64 time axis holds exactly). Accepted
        names are listed in ``_ORDER_NAMES``, the first present read (``qty`` before ``quantity``); override
        with ``columns`` (two labels of that name differing only in case, spaces or punctuation, ``qty``
        beside ``Qty``, are a ValueError naming both unless ``columns`` chooses one). Not modified.
    supply : DataFrame
        ``item``, ``period`` (same kind as ``due``: numbers or dates; dates with a time zone when ``due`` has
        one, read on the clock of the due's zone, so that lateness counts calendar days across a
        daylight-saving change, and the deliveries' period is then given in the due's zone), ``qty``:
        receipts per item and period;
        each item's first period is its on hand. Rows of the same (item, period) add up; a missing (or blank)
        qty counts 0, text that is no number is a ValueError naming the row; negative quantities (withdrawals)
        are allowed. An item without supply rows has nothing.
        Not modified.
    partial : bool, default True
        False: an order ships only complete, in one delivery of its full qty (on time if possible, else at
        the earliest period within ``max_lateness`` where all of it is free).
    max_lateness : None, number or Timedelta
        None: any lateness. 0: on time only. For date periods a number means days; a duration (Timedelta,
        ``datetime.timedelta`` or text such as ``"3D"``) needs date periods (TypeError with period numbers).
    min_shipment : float, optional
        No delivery smaller than this is made (a remaining need below it stays short; an order whose qty is
        below it gets nothing, with ``partial=False`` too). With it, raising an order's priority can lower
        its total: with 6 free now and 10 arriving later, an order of 10 (``min_shipment=5``) served after
        another order that takes the 6 gets the 10 late, but served first it takes the 6 on time and its
        remaining 4, below the minimum, stays short. Without it, raising an order's priority never lowers
        what it gets, in total or on time.
    columns : dict, optional
        Role -> column label, for ``order``, ``item``, ``qty``, ``priority``, ``due`` (orders) and
        ``supply_item``, ``period``, ``supply_qty`` (supply).
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    Allocation
        ``(deliveries, shortfalls, orders)``: see :class:`Allocation`.

    Notes
    -----
    An order due at ``d`` falls in the last supply period ``t <= d`` of its item; a due before the item's
    first period can only be served late (from the first period on). The compiled engines sort the orders
    once (radix sort on item and a packed priority/due/id key), keep the suffix minima of each item's free
    cumulative supply exactly, find each take's period by binary search (O(log periods); amortised O(1)
    without ``min_shipment`` and with ``partial``, from the first period with free material, which only
    moves forward) and update the item's suffix minima in one branch-free pass (O(periods) per take: the
    exact floating-point order of the rule's subtractions rules out a lazy tree). Exact in floating point:
    no projected on hand goes below zero, not even by rounding, and all engines agree bit for bit. A rounding
    residue is not a shortage: float64 sums miss decimal ones by a few ulps (``0.3 - 0.1`` is
    0.19999999999999998, below an order of 0.2), so a need left after a take that is no larger than the
    order's tolerance counts as met (the delivery is what was free, so the deliveries of such an order add up
    to a few ulps less than its ``delivered``); ``partial=False`` and ``min_shipment`` compare up to the same
    tolerance. The tolerance bounds the float64 error of the item's sums: ``(2 x supply rows + orders + 2) x
    2**-53 x`` the sum of the item's ``|supply qty|`` (every rounded operation errs by at most half an ulp of
    that sum, and so does the decimal reading of the inputs), and at most ``2**-20 x qty`` (``2**-20 x
    min_shipment`` for that threshold). At 10^4 lbs of an item and 100 orders it is 2.3e-10 lbs; it stays
    below one unit while ``(2 x supply rows + orders + 2) x`` the magnitude is below 2**53, or the qty below
    2**20, so whole units stay exact there. An item's
    supply is summed in float64: whole units add up exactly while its quantities add up to less than 2**53
    (9.0e15) in magnitude; an item some order asks for at or beyond that is a ValueError (the supply of an
    item no order asks for is left alone). The supply's own rounding residue is free material like any
    other, as in the ERP's running sum: on hand rows of 0.1 and 0.2 add up to 0.30000000000000004, and after an
    order of 0.3 the next order gets a delivery of 5.6e-17. With one on-hand period the result equals the
    ERP's per-item running-sum allocation, ties of priority and due in the same order: the ERP keeps row
    order where ``allocate`` serves the lower order id first (the same when ids ascend with the rows).

    Examples
    --------
    Acceptance case A1 (priority beats due date): 25 on hand, three orders of 10.

    >>> import pandas as pd, bk_fast
    >>> orders = pd.DataFrame({"order": [1, 2, 3], "item": ["Y", "Y", "Y"], "qty": [10.0, 10.0, 10.0],
    ...                        "priority": [1, 2, 3], "due": [9, 10, 11]})
    >>> supply = pd.DataFrame({"item": ["Y"], "period": [0], "qty": [25.0]})
    >>> res = bk_fast.allocate(orders, supply)
    >>> res.deliveries
       order item  due  period   qty  days_late
    0      1    Y    9       9  10.0        0.0
    1      2    Y   10      10  10.0        0.0
    2      3    Y   11      11   5.0        0.0
    >>> res.shortfalls
       order item  due  qty_short
    2      3    Y   11        5.0

    A receipt in period 5 serves the rest late:

    >>> supply = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 5], "qty": [12.0, 20.0]})
    >>> orders = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [10.0, 10.0],
    ...                        "priority": [1, 2], "due": [0, 0]})
    >>> bk_fast.allocate(orders, supply).deliveries
       order item  due  period   qty  days_late
    0      1    Y    0       0  10.0        0.0
    1      2    Y    0       0   2.0        0.0
    2      2    Y    0       5   8.0        5.0
    """
    require_frame(orders, "orders")
    require_frame(supply, "supply")
    cols = _roles(columns, (*_ORDER_NAMES, "supply_item", "period", "supply_qty"))
    ocols = {k: v for k, v in cols.items() if k in _ORDER_NAMES}
    scols = {k[len("supply_"):] if k.startswith("supply_") else k: v for k, v in cols.items()
             if k in ("supply_item", "period", "supply_qty")}
    o_order = _column(orders, "order", _ORDER_NAMES, "orders", ocols)
    o_item = _column(orders, "item", _ORDER_NAMES, "orders", ocols)
    o_qty = _column(orders, "qty", _ORDER_NAMES, "orders", ocols)
    o_pri = _column(orders, "priority", _ORDER_NAMES, "orders", ocols)
    o_due = _column(orders, "due", _ORDER_NAMES, "orders", ocols)
    s_item = _column(supply, "item", _SUPPLY_NAMES, "supply", scols)
    s_period = _column(supply, "period", _SUPPLY_NAMES, "supply", scols)
    s_qty = _column(supply, "qty", _SUPPLY_NAMES, "supply", scols)

    if not isinstance(partial, (bool, np.bool_)):
        raise TypeError(f"partial must be True or False, got {partial!r}")
    if min_shipment is not None and (isinstance(min_shipment, (bool, np.bool_))
                                     or not isinstance(min_shipment, (numbers.Real, decimal.Decimal))):
        # (text, a duration, a bool: no quantity; float() read "5" as 5 lbs and failed on a Timedelta unnamed)
        raise TypeError(f"min_shipment must be None or a number of units (lbs) >= 0, got {min_shipment!r}")
    min_ship = 0.0 if min_shipment is None else float(min_shipment)
    if not (np.isfinite(min_ship) and min_ship >= 0):
        raise ValueError(f"min_shipment must be a finite number >= 0, got {min_shipment!r}")

    order_ids = _ids(orders, o_order, "orders")
    items = _ids(orders, o_item, "orders")
    qty = float_column(orders, o_qty, what="orders")
    _check_values(orders, qty, o_qty, "orders", nonneg=True)
    _whole_qty(orders, o_qty, qty, "orders")
    priority = int_values(orders, o_pri)  # integer priorities key the service order as they are
    if priority is None:
        priority = float_column(orders, o_pri, what="orders")
        _check_values(orders, priority, o_pri, "orders")
    orders, supply = _numpy_dates(orders, o_due), _numpy_dates(supply, s_period)
    due, due_is_date = _times(orders, o_due, "orders")
    due_int = int_values(orders, o_due)
    if due_int is None:
        _check_values(orders, due, o_due, "orders")

    sup_items = _ids(supply, s_item, "supply")
    period, period_is_date = _times(supply, s_period, "supply")
    _check_values(supply, period, s_period, "supply")
    if len(supply) and len(orders) and due_is_date != period_is_date:
        raise TypeError(f"orders column {o_due!r} and supply column {s_period!r} must both be dates or both "
                        f"be period numbers")
    due_tz = _same_clock(orders, o_due, supply, s_period) if due_is_date else None
    sqty = _supply_qty(supply, s_qty)
    o_code, s_code, n_items, item_of = _item_codes(items, sup_items)
    steps_per_day = None
    if due_is_date or period_is_date:
        # (an axis from each item's own first day: times are compared within an item only, so its answer does
        # not depend on the dates of other items)
        dated = [(_wall_clock(orders[o_due], due_tz), o_code, due_is_date),
                 (_wall_clock(supply[s_period], due_tz), s_code, period_is_date)]
        steps_per_day, dated = _date_axis([c for c, _, d in dated if d], [k for _, k, d in dated if d], n_items)
        due = dated.pop(0) if due_is_date else due
        period = dated.pop(0) if period_is_date else period
    max_late = _lateness(max_lateness, due_is_date or period_is_date, steps_per_day)

    item_ptr, times, cum, tol, first_row = _timeline(s_code, period, sqty, n_items, engine, item_of, o_code,
                                                     np.bincount(o_code, minlength=n_items), first_rows=True)
    tiebreak = _tiebreak(order_ids)

    n, n_per = len(orders), times.size
    free = np.empty(0, dtype=np.float64)  # the free supply per period after the takes: not needed here
    # large outputs come in blocks, one allocation each (big enough for huge pages: a fraction of the page
    # faults of one array per column): the per-order columns and the deliveries' qty / due / lateness; the
    # kernel's row and period indices (work space, dropped after the gathers) are the thread's scratch
    short, on_time_qty, delivered, own_qty = np.empty((4, n), dtype=np.float64)
    cap = n + n_per
    del_qty, del_due, del_late = np.empty((3, cap), dtype=np.float64)
    del_order, del_period = work_array("allocate.deliveries", (2, cap), np.int64)  # (gathered, never returned)
    # (the span of an integer due: packs the service key and decides the exactness of the deliveries' period;
    # (0, 0) without orders, when _service_rank does not look at it)
    due_span = (int(due_int.min()), int(due_int.max())) if due_int is not None and n else (0, 0)
    rank = _service_rank(priority, due if due_int is None else due_int, tiebreak,
                         None if due_int is None else due_span)
    # without partial, an order ships in one delivery of its qty: below min_shipment it gets nothing (the
    # kernel's threshold is the qty itself then), so it goes to the kernel as qty 0 and stays short. Below up to
    # the rounding tolerance, as the kernel compares min_shipment with partial (the same operations): an order of
    # 0.3 meets a min_shipment of 0.1 + 0.2 = 0.30000000000000004
    below = None
    if not partial and min_ship > 0:
        below = np.flatnonzero(qty < thresholds(tol[o_code], qty, min_ship)[1])
    k_qty = qty
    if below is not None and below.size:
        k_qty = qty.copy()
        k_qty[below] = 0.0
    nd = int(resolve("allocate_orders", engine)(
        item_ptr, times, cum, tol, o_code, rank, due, k_qty, bool(partial), min_ship, max_late,
        free, short, on_time_qty, del_order, del_period, del_qty, del_due, del_late))
    if below is not None and below.size:
        short[below] = qty[below]
    d_o, d_p, d_q, d_due, late = del_order[:nd], del_period[:nd], del_qty[:nd], del_due[:nd], del_late[:nd]

    # delivered at the due when on time, else at the supply period (gathers from the small period tables)
    due_col = orders[o_due]
    code_of_period = np.repeat(np.arange(n_items, dtype=np.int64), np.diff(item_ptr))
    item_of_period = item_of(code_of_period)
    cols = np.empty((4, nd), dtype=np.int64)  # the deliveries' order, item, due and period columns
    d_item = take8(item_of_period, d_p, engine, out=cols[1]) if isinstance(item_of_period, np.ndarray) else \
        item_of_period.take(d_p)
    on_time = late <= 0.0
    due_numpy = isinstance(due_col.dtype, np.dtype)
    if due_int is not None and due_numpy:
        if due_col.dtype == np.int64:
            d_due_out = cols[2]
            np.copyto(d_due_out, d_due, casting="unsafe")
        else:
            d_due_out = d_due.astype(due_col.dtype)
    elif due_numpy and due_col.dtype.kind == "f":
        d_due_out = d_due
    else:
        d_due_out = _gather(due_col, d_o, engine, out=cols[2])
    # the period's dtype follows the inputs' dtypes, never their values (bk_fast.dask's meta, from empty frames,
    # is then what its partitions compute): an integer when the due and the supply period both are, else float64
    if due_is_date:
        when = None  # (the due's dates: _delivery_dates)
    elif due_int is not None and pd.api.types.is_integer_dtype(supply[s_period].dtype):
        # (integer dues and periods are within 2**53 in magnitude: _times checked)
        if max(-due_span[0], due_span[1], -times.min(initial=0.0), times.max(initial=0.0)) <= 2 ** 52:
            # due + days late: exact for integers this small (the lateness is the difference of two)
            when = np.add(d_due, late, out=cols[3], casting="unsafe")
        else:
            when = take8(times.astype(np.int64), d_p, engine, out=cols[3])
            np.copyto(when, d_due, where=on_time, casting="unsafe")
        if not due_numpy:  # nullable or pyarrow integer dues: the period in their kind of column, as int64
            when = pd.array(when, dtype=pd.ArrowDtype(_pa_int64()) if isinstance(due_col.dtype, pd.ArrowDtype)
                            else pd.Int64Dtype())
    else:
        when = take8(times, d_p, engine, out=cols[3])
        np.copyto(when, d_due, where=on_time)
    deliveries = pd.DataFrame({
        "order": _gather(order_ids, d_o, engine, out=cols[0]),
        "item": d_item,
        "due": d_due_out,
        "period": _delivery_dates(on_time, d_o, d_p, due_col, first_row, supply[s_period], due_tz)
        if due_is_date else when,
        "qty": d_q,
        "days_late": late / steps_per_day if due_is_date and steps_per_day != 1 else late,
    }, copy=False)

    np.subtract(qty, short, out=delivered)
    # (qty may be a read-only view of the caller's column: the result's own copy, or the caller's later edits
    # would show in it)
    np.copyto(own_qty, qty)
    summary = pd.DataFrame({"qty": own_qty, "delivered": delivered, "on_time": on_time_qty, "short": short},
                           index=orders.index, copy=False)
    rows = np.flatnonzero(short > 0)
    cols = np.empty((4, rows.size), dtype=np.int64)  # the shortfalls' columns
    short_cols = {
        "order": _gather(order_ids, rows, engine, out=cols[0]),
        "item": _gather(items, rows, engine, out=cols[1]),
        "due": _gather(due_col, rows, engine, out=cols[2]),
        "qty_short": take8(short, rows, engine, out=cols[3]),
    }
    shortfalls = pd.DataFrame(short_cols, index=_index_at(orders.index, rows), copy=False)  # (rows used up)
    if isinstance(items.dtype, pd.CategoricalDtype) and deliveries["item"].dtype != items.dtype:
        # (by the categories' codes of the items, not a hash of every delivery's item: 0.24 s of 1.4 s at 10^6
        # orders of 10^5 text items)
        cat = items.dtype.categories.get_indexer(item_of(np.arange(n_items, dtype=np.int64)))
        deliveries["item"] = pd.Categorical.from_codes(cat[code_of_period[d_p]], dtype=items.dtype)
    for frame in (deliveries, shortfalls):
        for name, src in (("order", order_ids), ("item", items)):
            if frame[name].dtype != src.dtype:
                frame[name] = _in_dtype(frame[name], src.dtype)
    return Allocation(deliveries, shortfalls, summary)


def _in_dtype(col: pd.Series, dtype) -> pd.Series:
    """``col`` (ids gathered from the orders' column, or rebuilt from item codes) in that column's ``dtype``:
    the integer codes gave ``int64`` for categorical, nullable and pyarrow integer ids, and pandas infers
    ``str`` for gathered object ids (the deliveries' and shortfalls' ids then differed from each other and from
    the orders'). Left as it is where the cast fails."""
    try:
        return col.astype(dtype)
    except (TypeError, ValueError):  # pragma: no cover - every id came from the column itself
        return col


def _pa_int64():
    """pyarrow's int64 type (pyarrow is imported only for Arrow-backed columns)."""
    import pyarrow as pa

    return pa.int64()


def _delivery_dates(on_time: np.ndarray, d_o: np.ndarray, d_p: np.ndarray, due_col: pd.Series,
                    first_row: np.ndarray, period_col: pd.Series, tz):
    """The deliveries' dates, as given, in the due column's unit and time zone (a finer supply time rounded
    down): the due where on time, else the first supply row of the period (``d_p``: its index in the
    timeline; ``first_row``: the supply row of each timeline entry)."""
    unit = due_col.dt.unit
    ticks = _utc_ticks(due_col, unit, d_o)
    late = np.flatnonzero(~on_time)
    if late.size:
        ticks[late] = _utc_ticks(period_col, unit, first_row[d_p[late]])
    out = ticks.view(f"datetime64[{unit}]")
    return out if tz is None else pd.DatetimeIndex(out).tz_localize("UTC").tz_convert(tz)


def _utc_ticks(col: pd.Series, unit: str, rows: np.ndarray) -> np.ndarray:
    """The instants (UTC) of a date column's ``rows`` as int64 ticks of ``unit`` (a coarser unit than the
    column's: rounded down; a finer one: ValueError when an instant does not fit)."""
    ticks = col.array.asi8[rows]
    have, want = _ticks_per_day(np.dtype(f"datetime64[{col.dt.unit}]")), _ticks_per_day(
        np.dtype(f"datetime64[{unit}]"))
    if have == want:
        return ticks
    if have > want:
        return ticks // (have // want)
    factor = want // have
    if ticks.size and int(np.abs(ticks).max()) > np.iinfo(np.int64).max // factor:
        far = np.datetime64(int(ticks[np.abs(ticks).argmax()]), col.dt.unit)
        raise ValueError(f"allocate: a delivery date ({far}) does not fit in datetime64[{unit}], the unit of the "
                         f"orders' due: give the due in a coarser unit (e.g. datetime64[us])")
    return ticks * factor


def _index_at(index: pd.Index, rows: np.ndarray) -> pd.Index:
    """``index[rows]``; for a RangeIndex computed in ``rows`` itself (a fresh array the caller hands over)
    instead of a copy of it."""
    if isinstance(index, pd.RangeIndex) and index.dtype == np.int64:
        if index.step != 1:
            rows *= index.step
        if index.start:
            rows += index.start
        return pd.Index(rows, copy=False, name=index.name)
    return index[rows]


class KitAllocation(NamedTuple):
    """Result of :func:`allocate_kits`.

    ``orders``: per input order row (indexed like the input): ``qty``, ``knittable`` (what the allocated
    material makes), ``short`` (``qty - knittable``), ``limiting_item`` (the scarcest item when
    ``knittable < qty``, else missing; between equally scarce items, the one whose first requirement row
    with a positive fraction comes first; integer and bool ids give a nullable ``Int64`` / ``UInt64`` /
    ``boolean`` column), ``complete`` (the whole qty is covered).
    ``lines``: one row per (order, item) requirement (duplicates summed) in allocation order of the orders:
    ``order``, ``item``, ``fraction``, ``need`` (``fraction x qty``), ``available`` (what the order could
    have taken of the item when its turn came), ``taken``.
    """

    orders: pd.DataFrame
    lines: pd.DataFrame


def allocate_kits(orders: pd.DataFrame, requirements: pd.DataFrame, supply: pd.DataFrame, *,
                  mode: str = "proportional", columns: dict | None = None,
                  engine: str | None = None) -> KitAllocation:
    """Allocate items to orders that need several of them at once, in fixed fractions.

    Orders are served in priority order (lower first; ties by due, then order id, then row). Order ``o``
    needs ``fraction x lbs`` of each of its items for every lb it makes. With the free supply of each item
    limited as in :func:`allocate` (by the due bucket's suffix minimum, so no projected on hand goes
    negative), the lbs it can make are ``min(qty, min over items of available / fraction)``: the scarcest
    item limits the kit (an item whose need ``fraction x qty`` fits in what is available covers the whole
    qty, whatever the rounding of ``available / fraction``; a need above what is available by no more than a
    rounding residue (the tolerance of :func:`allocate`, with requirement lines for orders) fits too, taking what
    is available). ``mode="proportional"`` takes exactly that
    (every item in its fraction, nothing wasted on material the order cannot use);
    ``mode="all_or_nothing"`` takes only complete kits.

    Parameters
    ----------
    orders : DataFrame
        ``order`` (unique id), ``qty`` (>= 0), ``priority`` (integers, NumPy, nullable or Arrow, order
        exactly at any size), optional ``due`` (period or date; missing column or value = now, i.e. only what
        is free at each item's first period, and first among equal priorities). A kit is never delivered
        late: an order due before an item's first period finds none of it available. An order without
        requirement rows needs nothing: all its qty is knittable. Dates are compared as in :func:`allocate`,
        in steps from the first day of each connected component of the order-item graph (an order's due meets
        several items; orders sharing no item, even through other orders, never meet). Not modified.
    requirements : DataFrame
        ``order``, ``item``, ``fraction`` (> 0 per unit of the order; 0 rows are ignored; duplicate
        (order, item) rows add up, like BOM rows). Every order must be in ``orders``. Not modified.
    supply : DataFrame
        ``item``, optional ``period``, ``qty`` (as in :func:`allocate`; without ``period`` everything is on
        hand). An item without supply has none. Not modified.
    mode : {"proportional", "all_or_nothing"}
    columns : dict, optional
        Role -> label overrides: ``order``, ``qty``, ``priority``, ``due``, ``req_order``, ``req_item``,
        ``fraction``, ``supply_item``, ``period``, ``supply_qty``.
    engine : {None, "auto", "cython", "numba", "numpy"}

    Returns
    -------
    KitAllocation
        ``(orders, lines)``: see :class:`KitAllocation`.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [1000.0, 500.0], "priority": [1, 2]})
    >>> req = pd.DataFrame({"order": ["K1", "K1", "K2"], "item": [18767, 18929, 18767],
    ...                     "fraction": [0.9, 0.1, 1.0]})
    >>> supply = pd.DataFrame({"item": [18767, 18929], "qty": [1200.0, 50.0]})
    >>> res = bk_fast.allocate_kits(orders, req, supply)
    >>> res.orders
          qty  knittable  short  limiting_item  complete
    0  1000.0      500.0  500.0          18929     False
    1   500.0      500.0    0.0           <NA>      True
    >>> res.lines
      order   item  fraction   need  available  taken
    0    K1  18767       0.9  900.0     1200.0  450.0
    1    K1  18929       0.1  100.0       50.0   50.0
    2    K2  18767       1.0  500.0      750.0  500.0
    """
    require_frame(orders, "orders")
    require_frame(requirements, "requirements")
    require_frame(supply, "supply")
    if mode not in ("proportional", "all_or_nothing"):
        raise ValueError(f"mode must be 'proportional' or 'all_or_nothing', got {mode!r}")
    cols = _roles(columns, ("order", "qty", "priority", "due", "req_order", "req_item", "fraction", "supply_item",
                            "period", "supply_qty"))
    ocols = {k: v for k, v in cols.items() if k in ("order", "qty", "priority", "due")}
    rcols = {k[4:] if k.startswith("req_") else k: v for k, v in cols.items()
             if k in ("req_order", "req_item", "fraction")}
    scols = {k[len("supply_"):] if k.startswith("supply_") else k: v for k, v in cols.items()
             if k in ("supply_item", "period", "supply_qty")}
    o_order = _column(orders, "order", _ORDER_NAMES, "orders", ocols)
    o_qty = _column(orders, "qty", _ORDER_NAMES, "orders", ocols)
    o_pri = _column(orders, "priority", _ORDER_NAMES, "orders", ocols)
    o_due = _column(orders, "due", _ORDER_NAMES, "orders", ocols, required=False)
    r_order = _column(requirements, "order", _REQ_NAMES, "requirements", rcols)
    r_item = _column(requirements, "item", _REQ_NAMES, "requirements", rcols)
    r_frac = _column(requirements, "fraction", _REQ_NAMES, "requirements", rcols)
    s_item = _column(supply, "item", _SUPPLY_NAMES, "supply", scols)
    s_period = _column(supply, "period", _SUPPLY_NAMES, "supply", scols, required=False)
    s_qty = _column(supply, "qty", _SUPPLY_NAMES, "supply", scols)

    order_ids = _ids(orders, o_order, "orders")
    if order_ids.duplicated().any():
        dup = order_ids[order_ids.duplicated()].iloc[0]
        raise ValueError(f"orders column {o_order!r} must be unique for kits; {dup!r} occurs twice")
    qty = float_column(orders, o_qty, what="orders")
    _check_values(orders, qty, o_qty, "orders", nonneg=True)
    _whole_qty(orders, o_qty, qty, "orders")
    priority = int_values(orders, o_pri)  # integer priorities order as they are (exact beyond 2**53)
    if priority is None:
        priority = float_column(orders, o_pri, what="orders")
        _check_values(orders, priority, o_pri, "orders")
    n = len(orders)
    orders, supply = _numpy_dates(orders, o_due), _numpy_dates(supply, s_period)
    if o_due is not None:
        due, due_is_date = _times(orders, o_due, "orders")
        _check_values(orders, due, o_due, "orders", allow_nan=True)
        if np.isnan(due).all():
            due_is_date = None  # (a due column without a value, e.g. an export's empty column: all "now")
    else:
        due, due_is_date = np.full(n, np.nan), None

    sup_items = _ids(supply, s_item, "supply")
    sqty = _supply_qty(supply, s_qty)
    due_tz = None  # (the dues' time zone: the clock dated dues and periods are read on)
    if s_period is not None:
        period, period_is_date = _times(supply, s_period, "supply")
        _check_values(supply, period, s_period, "supply")
        if due_is_date is not None and len(supply) and n and due_is_date != period_is_date:
            raise TypeError(f"orders column {o_due!r} and supply column {s_period!r} must both be dates or "
                            f"both be period numbers")
        if due_is_date:
            due_tz = _same_clock(orders, o_due, supply, s_period)
    else:
        period, period_is_date = np.full(len(supply), -np.inf), None
    s_code, s_uniques = pd.factorize(sup_items)
    s_code = s_code.astype(np.int64)
    n_items = len(s_uniques)

    # requirement lines: order codes, item codes (-1 = no supply), duplicates summed, grouped by order
    # (matched exactly, as the item ids: pandas would match integer and float64 order ids through float64)
    try:
        o_index, r_index = same_ids([("orders", pd.Index(order_ids)),
                                     ("requirements", pd.Index(_ids(requirements, r_order, "requirements")))])
    except ValueError as e:
        raise ValueError(str(e).replace("item id", "order id", 1)) from None
    req_o = o_index.get_indexer(r_index)
    if (req_o < 0).any():
        pos = int(np.flatnonzero(req_o < 0)[0])  # (by position: the index may repeat labels or be a MultiIndex)
        raise ValueError(f"requirements row {_first_bad(requirements, req_o < 0)!r}: order "
                         f"{plain(requirements[r_order].iloc[pos])!r} is not in orders")
    req_items = _ids(requirements, r_item, "requirements")
    frac = float_column(requirements, r_frac, what="requirements")
    _check_values(requirements, frac, r_frac, "requirements", nonneg=True)
    keep = frac > 0
    item_key, item_uniques = pd.factorize(req_items)
    key = req_o.astype(np.int64) * max(len(item_uniques), 1) + item_key
    key, frac, first_row = key[keep], frac[keep], np.flatnonzero(keep)
    kcode, kuniq = pd.factorize(key)
    fsum = np.bincount(kcode, weights=frac, minlength=len(kuniq))
    rep_row = first_row[np.unique(kcode, return_index=True)[1]] if len(kuniq) else first_row[:0]
    line_order = kuniq // max(len(item_uniques), 1)
    grouped = np.argsort(line_order, kind="stable")
    line_o = line_order[grouped].astype(np.int64)
    line_rows = rep_row[grouped]
    line_frac = np.ascontiguousarray(fsum[grouped], dtype=np.float64)
    line_items = req_items.array.take(line_rows)
    if len(line_rows):
        # (matched exactly: pandas would match integer and float64 ids through float64)
        req_ids, sup_ids = same_ids([("requirements", pd.Index(line_items)), ("supply", pd.Index(s_uniques))])
        line_code = np.ascontiguousarray(sup_ids.get_indexer(req_ids), dtype=np.int64)
    else:
        line_code = np.zeros(0, dtype=np.int64)
    if due_is_date or period_is_date:
        # (an axis from the first day of each connected component of the order-item graph: an order's due is
        # compared with each of its items, and orders of other components never; dated dues without supply
        # periods still order the orders)
        ok = line_code >= 0
        label = _components(line_o[ok], line_code[ok], n, n_items)
        comp = np.unique(label, return_inverse=True)[1].astype(np.int64)
        dated = [(_wall_clock(orders[o_due], due_tz) if o_due is not None else None, comp[:n], due_is_date),
                 (_wall_clock(supply[s_period], due_tz) if s_period is not None else None, comp[n + s_code],
                  period_is_date)]
        _, dated = _date_axis([c for c, _, d in dated if d], [k for _, k, d in dated if d],
                              int(comp.max()) + 1 if comp.size else 1)
        due = dated.pop(0) if due_is_date else due
        period = dated.pop(0) if period_is_date else period
    item_ptr, times, cum, tol = _timeline(s_code, period, sqty, n_items, engine, s_uniques.take, line_code,
                                          np.bincount(line_code[line_code >= 0], minlength=n_items))
    req_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(line_o, minlength=n), out=req_ptr[1:])
    with np.errstate(over="ignore"):
        line_need = line_frac * qty[line_o]
    if not np.isfinite(line_need).all():
        i = int(np.flatnonzero(~np.isfinite(line_need))[0])
        raise ValueError(f"order {plain(order_ids.iloc[int(line_o[i])])!r} needs {plain(line_frac[i])!r} x "
                         f"{plain(qty[line_o[i]])!r} lbs of item {plain(line_items[i])!r}, which overflows the "
                         f"float range (|x| > 1.8e308)")

    rows = np.arange(n, dtype=np.int64)
    # (dated dues by their instants: the axis counts each component from its own first day; NaT first, as NaN)
    due_key = orders[o_due].array.asi8 if due_is_date else np.where(np.isnan(due), -np.inf, due)
    seq = np.lexsort((rows, _tiebreak(order_ids), due_key, priority)) if n else rows
    seq = np.ascontiguousarray(seq, dtype=np.int64)
    free = np.empty(times.size, dtype=np.float64)
    knit = np.empty(n, dtype=np.float64)
    limiting = np.empty(n, dtype=np.int64)
    taken = np.empty(line_o.size, dtype=np.float64)
    avail = np.empty(line_o.size, dtype=np.float64)
    resolve("allocate_kit_orders", engine)(item_ptr, times, cum, tol, seq, qty, due, req_ptr, line_code, line_frac,
                                           mode == "all_or_nothing", free, knit, limiting, taken, avail)

    has_lim = limiting >= 0
    # (uint64 ids may pass int64's max: an unsigned item column gives UInt64 whatever its values, so that results
    # on parts of the requirements, such as bk_fast.dask's partitions, concatenate without a cast to Float64)
    unsigned = requirements[r_item].dtype == np.uint64
    if len(line_rows):
        # (typed as the lines' item column: object ids mixing text and ints stay object, where pandas would infer
        # str from the limiting items alone when they are all text)
        mixed = pd.api.types.is_object_dtype(line_items.dtype) and \
            pd.api.types.infer_dtype(np.asarray(line_items), skipna=True) not in ("string", "empty")
        lim_vals = pd.Series(line_items.take(np.where(has_lim, limiting, 0)), index=orders.index,
                             dtype=object if mixed else None)
        if lim_vals.dtype.kind in "iu":
            lim_item = lim_vals.astype("UInt64" if unsigned or lim_vals.dtype == np.uint64 else "Int64")
            lim_item = lim_item.mask(~has_lim)
        elif lim_vals.dtype == np.bool_:  # (bool ids: nullable too, bool or not whether some order is unlimited)
            lim_item = lim_vals.astype("boolean").mask(~has_lim)
        else:
            lim_item = lim_vals.where(has_lim)
    elif line_items.dtype.kind in "iu":  # no requirement lines: nothing limits, in the ids' own column dtype
        lim_item = pd.Series(pd.NA, index=orders.index, dtype="UInt64" if unsigned else "Int64")
    elif line_items.dtype == np.bool_:
        lim_item = pd.Series(pd.NA, index=orders.index, dtype="boolean")
    else:
        lim_item = pd.Series(line_items.take(np.full(n, -1), allow_fill=True), index=orders.index)
    summary = pd.DataFrame({"qty": qty, "knittable": knit, "short": qty - knit, "limiting_item": lim_item,
                            "complete": knit >= qty}, index=orders.index)
    pos = np.empty(n, dtype=np.int64)
    pos[seq] = np.arange(n)
    show = np.argsort(pos[line_o], kind="stable") if line_o.size else line_o
    need = line_need[show]
    lines = pd.DataFrame({
        "order": order_ids.array.take(line_o[show]),
        "item": line_items.take(show) if len(line_rows) else line_items,
        "fraction": line_frac[show],
        "need": need,
        "available": avail[show],
        "taken": taken[show],
    })
    return KitAllocation(summary, lines)


def _demo_step(mill, engine):
    """``bk-fast demo``: allocate the mill's yarn (stock + weekly PO receipts) to its knit orders in ERP
    priority order; list the knit orders that cannot start and the yarn that blocks each."""
    from bk_fast._demo import DemoReport, today
    from bk_fast.erp import allocate_knit_orders

    res = allocate_knit_orders(mill["knit_orders"], mill["bom"], mill["yarn_inventory"], mill.get("yarn_po"),
                               today=today(), engine=engine)
    o = res.orders
    blocked = o[~o["can_start"] & (o["Balance (lbs)"] > 0)].sort_values("priority_score", ascending=False,
                                                                        kind="stable")
    open_ = o["Balance (lbs)"] > 0
    done = int((~open_).sum())
    lines = [
        f"{len(o)} knit orders, {int((o['can_start'] & open_).sum())} with lbs left to knit can start with their "
        f"full balance; {len(blocked)} cannot ({int((~blocked['bom_matched']).sum())} have no BOM)"
        + (f"; {done} have nothing left to knit" if done else ""),
        f"knittable {o['knittable_lbs'].sum():,.0f} of {o['Balance (lbs)'].sum():,.0f} lbs "
        f"(kits limited by the scarcest yarn, stock + PO receipts by start date)",
    ]
    table = blocked[["Order #", "Style #", "allocation_type", "Balance (lbs)", "knittable_lbs",
                     "limiting_yarn"]].head(12).reset_index(drop=True)
    return DemoReport("Allocation: which knit orders can start, and the yarn that blocks the others", lines, table)

"""Time-phased netting: the ERP's weekly yarn balance, gross-to-net with lot sizing, and multi-level MRP.

Semantics: DOMAIN.md sections 5 (the ERP's weekly roll) and 9 (BOM conventions). Three public functions:

- :func:`weekly_balance` rolls Monday inventory forward against weekly demand and receipts exactly as the
  ERP's "Yarn Demand" report does (past-due receipts count in the total, not in the roll);
- :func:`net_requirements` nets gross requirements against on-hand stock and scheduled receipts with a safety
  stock, a lead time and a lot-sizing rule (:mod:`bk_fast.lots`), giving the time-phased record and planned
  orders;
- :func:`mrp` does that level by level through a compiled BOM (:class:`bk_fast.BOM`).

Time-phased inputs are frames in either form:

- **wide**: one row per item (the index, whose tuples are the items when it is a MultiIndex, or an ``item`` /
  ``Desc#`` column), one column per period;
- **long**: columns item, period (``period``/``week``/``bucket``/``date``) and quantity
  (``qty``/``quantity``/``demand``/``receipt``/``gross``/``lbs``, the first present read, else the only
  column left); repeated (item, period) rows add up; two labels of that name differing only in case, spaces or
  punctuation (``qty`` beside ``Qty``) are an error naming both. A frame with a period column is never read as
  wide: when no other column has one of those names and more than one (or none) is left (``week``, ``required``,
  ``priority``), that is an error naming them (rename the quantity column);

or a 2-D array (rows = items 0..n-1, columns = periods 0..T-1). Periods are ordered as given by ``periods=``;
otherwise numbers, dates and pandas Periods (of one frequency) are sorted, the ERP's bucket names (``This Week``,
``Week 36`` / ``Week 2025-09-08``, ``Later``) are in the order of its weekly roll (unless that would reorder the
columns of the first wide input among themselves: then those keep the caller's order; long rows, a bag, never
do), and any other labels keep the order in which they first appear (wide columns first). Date objects
(``datetime.date`` from ``.dt.date`` or a database driver, ``datetime``, ``np.datetime64``) and pyarrow timestamps
and dates (``read_csv(dtype_backend="pyarrow")``) are read as Timestamps, so they sort and a date matches the
Timestamp of its day; dates with and without a time zone together are an error. Categorical labels are read as
their values. Where an input's labels are numbers (dates) or ``periods=`` are, another input's text labels that
read as numbers (ISO dates: ``"2025-01-06"``) are read as such (week 1 and the ``"1"`` of a CSV are one period);
text that reads as neither (the ERP's bucket names) stays text, and a number text beside dates only, or a date
text beside numbers only, is an error naming the input and the label. Missing (or blank) numbers count as 0;
infinite ones are an error naming the item and period, as are repeated rows of an item and period that add up
beyond the float range, and text that is no number (``"12 lbs"``) one naming the input, column, row and item.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from bk_fast._engine import resolve
from bk_fast.inventory import _Reader as _InventoryReader
from bk_fast._columns import canonical as _erp_column
from bk_fast._columns import normalise
from bk_fast._kernels.reference.netting import LOT_SLACK, lot_count, round_lot
from bk_fast._validate import (find_column, first_text, float_column, is_time_value, isin,
                               number_arg, numpy_dates, one_column, pick_column, plain, reject_text, require_frame,
                               same_ids)
from bk_fast.lots import FixedPeriods, LotForLot, MinMaxMultiple, WagnerWhitin, lot_rule

__all__ = ["weekly_balance", "net_requirements", "mrp", "NettingResult", "MRPResult"]

_WEEK_NO = re.compile(r"[0-9]+")  # a numbered week's number (ASCII digits: str.isdigit takes "²")
_ITEM_NAMES = ("item", "item_id", "Item", "sku", "material", "component")
_PERIOD_NAMES = ("period", "week", "bucket", "date", "Period", "Week", "Bucket", "Date", "due", "due_period")
_QTY_NAMES = ("qty", "quantity", "Qty", "Quantity", "demand", "Demand", "receipt", "receipts", "Receipts",
              "gross", "lbs", "amount", "scheduled", "on_hand")
_MAX_ORDERS = 20_000_000  # more planned orders than this is a lot max far too small, not a plan
_ON_HAND_NAMES = ("on_hand", "On Hand", "on hand", "Monday Inventory", "inventory", "Inventory", "stock",
                  "qty", "quantity", "Theoretical Balance", "Beginning Balance", "balance")
_BALANCE_PARTS = ("Received", "Consumed", "Adjustments")  # (Beginning Balance + these: the Theoretical Balance)


# ----------------------------------------------------------------------------------------------------------
# input shaping


def _lookup(df: pd.DataFrame, names, what: str = "frame", role=None) -> str | None:
    """The column of ``df`` for ``names``, None when there is none: ``names`` are choices in order (``qty``,
    else ``quantity``; an on-hand frame's ``on_hand``, else its ``Theoretical Balance``, ...), the first that
    labels a column, else the first that matches one loosely (case, spaces, underscores: ``"ITEM"``, ``"Item
    "``); two labels of the choice made differing only so (``on_hand`` beside ``On Hand``) are a ValueError
    naming both (:func:`bk_fast._validate.pick_column`; ``role``: the column's name in it, default the
    choice's)."""
    return pick_column(df, names, what, role, ordered=True)


def _item_column(df: pd.DataFrame, what: str) -> str | None:
    label = _lookup(df, _ITEM_NAMES, what, "item")
    if label is None:
        label = find_column(df, "Desc#", what=what, required=False)
    if label is None:
        label = find_column(df, "Style#", what=what, required=False)
    return label


@dataclass
class _Source:
    """One time-phased input, parsed to (item labels, period labels, values) triplets or a wide block."""

    what: str
    items: pd.Index | None = None      # item label per row (long) or per wide row
    periods: pd.Index | None = None    # period label per row (long) or per wide column
    values: np.ndarray | None = None   # 1-D (long) or 2-D (wide)
    long: bool = False
    array: bool = False
    rows: np.ndarray | None = None     # the input's row positions of the rows kept (None: all, in order)


#: the ERP's columns (canonical names) that are never periods: in a wide input they are refused (the PO
#: export's 'PO Bal', its total, read as a bucket received every PO a second time)
_NOT_PERIODS = frozenset({"PO #", "Supplier", "PO Bal", "Description", "Desc#", "Style#", "Order #", "SO #",
                          "Customer", "Total Demand", "Total Receipt", "Total Balance", "Monday Inventory",
                          "Planning Balance", "Theoretical Balance", "Beginning Balance", "Cost/Pound",
                          "Total Cost", "On Order"})


def _input_row(src: _Source, i) -> int:
    """The input's row position of row ``i`` of ``src``."""
    return int(src.rows[i]) if src.rows is not None else int(i)


def _missing_keys(keys) -> np.ndarray:
    """Bool mask of the missing keys (items or periods); a MultiIndex key (a wide frame's rows indexed by
    (yarn, lot)) is missing only when every level is (pandas' ``isna`` is not defined for a MultiIndex)."""
    if isinstance(keys, pd.MultiIndex):
        return np.logical_and.reduce([np.asarray(c) == -1 for c in keys.codes])
    return np.asarray(pd.isna(keys), dtype=bool)


def _check_keys(keys: pd.Index, what: str, kind: str, rows: np.ndarray | None = None) -> None:
    """ValueError naming the first row whose key is missing by its position in the input (``rows``: the
    positions of ``keys``' rows, when some were dropped; the Dask layer turns it into the row's label)."""
    miss = _missing_keys(keys)
    if miss.any():
        i = int(np.flatnonzero(miss)[0])
        raise ValueError(f"{what}: row {int(rows[i]) if rows is not None else i} has a missing {kind}")


def _layout(df: pd.DataFrame, what: str) -> tuple:
    """How a time-phased frame is read: ``(item column or None for the index, period column, qty column,
    value columns)``; a long frame has a period and a qty column (its value columns: the qty), a wide one
    neither (its value columns: every column but the item's, one period each). A period column with no qty
    column (no accepted name, and more than one other column, or none) is a ValueError naming them."""
    item_col = _item_column(df, what)
    period_col = _lookup(df, _PERIOD_NAMES, what)
    rest = [c for c in df.columns if c not in (item_col, period_col)]
    if period_col is not None:  # a long frame: never read wide (its period column dropped, silently)
        qty_col = _lookup(df[list(dict.fromkeys(rest))], _QTY_NAMES, what, "qty")
        if qty_col is None and len(rest) == 1:
            qty_col = rest[0]
        if qty_col is None:
            raise ValueError(f"{what} has a period column {period_col!r} (a long frame) but no quantity column "
                             f"among {rest!r} (accepted names: {', '.join(map(repr, _QTY_NAMES))}, or the only "
                             f"other column): rename the quantity column to one of them, or drop the others")
        return item_col, period_col, qty_col, [qty_col]
    if isinstance(df.columns, pd.MultiIndex):
        raise ValueError(f"{what} has a two-level column header (MultiIndex columns), read as a wide frame (no "
                         f"period and quantity columns) whose columns are its periods, one label each: flatten the "
                         f"header (e.g. df.columns = df.columns.get_level_values(-1) when the last level holds "
                         f"the periods, as after unstack() or pivot_table(values=[...]), or select one value: "
                         f"df['qty'])")
    return item_col, None, None, rest if item_col is not None else list(df.columns)


def _kept_rows(df: pd.DataFrame, what: str, layout: tuple | None = None) -> np.ndarray | None:
    """Positions of the rows of a time-phased frame that are read, None for all: an export's empty rows (no
    item and no quantity: the qty, or every period of a wide row, missing, blank or no number) are skipped,
    here and by the Dask layer, which splits inputs by item. ``layout``: :func:`_layout` of ``df``."""
    item_col, _, _, cols = _layout(df, what) if layout is None else layout
    items = df[item_col] if item_col is not None else df.index
    miss = np.flatnonzero(_missing_keys(items))
    if not miss.size:
        return None
    part = df.iloc[miss]
    empty = np.ones(miss.size, dtype=bool)
    for c in cols:
        empty &= np.isnan(float_column(part, c, what=what))
    if not empty.any():
        return None
    keep = np.ones(len(df), dtype=bool)
    keep[miss[empty]] = False
    return np.flatnonzero(keep)


def _parse(obj, what: str) -> _Source | None:
    if obj is None:
        return None
    if isinstance(obj, np.ndarray) or (isinstance(obj, (list, tuple)) and np.ndim(obj) == 2):
        arr = np.asarray(obj)
        if arr.ndim != 2:
            raise ValueError(f"{what} must be a DataFrame or a 2-D array (items x periods), got shape "
                             f"{arr.shape}")
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"{what} must be numeric, got dtype {arr.dtype}")
        return _Source(what, pd.RangeIndex(arr.shape[0]), pd.RangeIndex(arr.shape[1]),
                       np.asarray(arr, dtype=np.float64), array=True)
    if isinstance(obj, pd.Series):
        if isinstance(obj.index, pd.MultiIndex) and obj.index.nlevels == 2:
            vals = _item_numbers(obj, what)
            idx = obj.index
            return _Source(what, idx.get_level_values(0), _date_labels(idx.get_level_values(1), what), vals,
                           long=True)
        raise TypeError(f"{what}: a Series must have an (item, period) MultiIndex; use a DataFrame otherwise")
    df = require_frame(obj, what)
    item_col, period_col, qty_col, cols = _layout(df, what)
    items = pd.Index(df[item_col]) if item_col is not None else pd.Index(df.index)
    keys = items if item_col is not None else df.index  # (a MultiIndex of rows: missing when every level is)
    if qty_col is not None:
        periods = pd.Index(df[period_col])
        qty = float_column(df, qty_col, what=what)
        rows = _kept_rows(df, what, (item_col, period_col, qty_col, cols))
        _no_text(df, qty_col, qty, what, items, rows)
        if rows is not None:
            items, keys, periods, qty = items[rows], keys[rows], periods[rows], qty[rows]
        _check_keys(keys, what, "item", rows)
        _check_keys(periods, what, f"period ({period_col!r})", rows)
        return _Source(what, items, _date_labels(periods, what), qty, long=True, rows=rows)
    dup = pd.Index(cols)[pd.Index(cols).duplicated()]
    if len(dup):
        raise ValueError(f"{what} has several columns labelled {dup[0]!r}: one column per period")
    # the ERP's other columns (the PO export's PO #, Supplier, past due and PO Bal: its total) are no periods:
    # read as buckets they received the PO a second time, silently
    erp = [c for c in cols if isinstance(c, str) and (_erp_column(c) in _NOT_PERIODS
                                                      or _fold(c) == "unscheduled or past due")]
    if erp:
        raise ValueError(f"{what}: column(s) {erp} are the ERP's columns, not periods of quantities (a PO "
                         f"export's 'PO Bal' is its total, 'Unscheduled or Past Due' its past-due part, which "
                         f"weekly_balance takes as past_due=): pass the period columns only, or use "
                         f"erp.yarn_demand_report, which reads the ERP's exports as they are")
    rows = _kept_rows(df, what, (item_col, period_col, qty_col, cols))
    if cols and all(getattr(df[c].dtype, "kind", "O") in "fiu" for c in cols):
        # (by position: df[cols] reads a list of bool labels, periods True / False, as a row mask)
        block = df.iloc[:, [df.columns.get_loc(c) for c in cols]].to_numpy(dtype=np.float64)
        if not (block.flags.owndata and block.flags.c_contiguous and block.flags.writeable):
            # (one column, or one row, of a float frame is a read-only view of it: the result keeps the block)
            block = np.array(block, order="C")
    else:
        block = np.empty((len(df), len(cols)), dtype=np.float64)
        for j, c in enumerate(cols):
            block[:, j] = float_column(df, c, what=what)
            _no_text(df, c, block[:, j], what, items, rows)
    if rows is not None:
        items, keys, block = items[rows], keys[rows], np.ascontiguousarray(block[rows])
    _check_keys(keys, what, "item", rows)
    return _Source(what, items, _date_labels(pd.Index(cols), what), block, rows=rows)


def _no_text(df: pd.DataFrame, label, arr: np.ndarray, what: str, items: pd.Index,
             rows: np.ndarray | None = None) -> None:
    """ValueError naming the input, the column, the row and its item where quantity column ``label`` (``arr``:
    it through :func:`float_column`) holds text that is no number (``"12 lbs"``), which read as a missing
    number counted 0, silently (missing or blank cells still count 0). ``rows``: the positions of the rows
    read (None: all)."""
    among = None
    if rows is not None:
        among = np.zeros(len(df), dtype=bool)
        among[rows] = True
    reject_text(df, label, arr, what, "a quantity, or nothing for 0", among, items)


def _date_labels(idx: pd.Index, what: str = "periods") -> pd.Index:
    """Period labels that are all dates of Python or NumPy (``datetime.date``, ``datetime``, ``Timestamp``,
    ``np.datetime64`` objects: what ``.dt.date`` or a database driver gives) or pyarrow timestamps or dates
    (``read_csv(dtype_backend="pyarrow")``) as a DatetimeIndex (in their time zone), so that they sort and a
    date matches the Timestamp of its day (dates in several time zones stay Timestamps, which sort too); a
    categorical's labels as a plain Index of its categories' dtype (then as above). ValueError when they mix
    dates with and without a time zone, which do not compare."""
    if isinstance(idx.dtype, pd.CategoricalDtype):
        # (a CategoricalIndex or an Arrow-typed one never equals the plain labels of another input's same days:
        # the union held a week twice and get_indexer failed)
        idx = pd.Index(np.asarray(idx) if idx.hasnans else idx.astype(idx.dtype.categories.dtype), name=idx.name)
    if isinstance(idx.dtype, pd.ArrowDtype):
        idx = pd.Index(numpy_dates(pd.Series(idx, copy=False)), name=idx.name)
    if idx.dtype != object or not len(idx) or pd.api.types.infer_dtype(idx, skipna=False) not in (
            "date", "datetime", "datetime64"):
        return idx
    zones = {str(getattr(v, "tzinfo", None)) if getattr(v, "tzinfo", None) is not None else None for v in idx}
    if None in zones and len(zones) > 1:
        naive = next(v for v in idx if getattr(v, "tzinfo", None) is None)
        aware = next(v for v in idx if getattr(v, "tzinfo", None) is not None)
        raise ValueError(f"{what}: period dates with and without a time zone ({plain(naive)!r} and "
                         f"{plain(aware)!r}) do not compare; give them all a time zone or none")
    if len(zones) > 1:
        return idx
    return pd.DatetimeIndex(list(idx), name=idx.name)


def _union(indexes) -> pd.Index:
    out = None
    for idx in indexes:
        if idx is None or (out is not None and idx.equals(out)):
            continue
        u = pd.Index(pd.unique(idx)) if not idx.is_unique else idx
        if out is None or (not len(out) and len(u)):  # (an empty first index: its dtype would float the ids)
            out = u
        else:
            try:
                new = u[~isin(u, out)]
            # (pandas Periods beside pyarrow text: pyarrow's ArrowInvalid; Python ints beyond int64 beside
            # Arrow-backed text: pandas' / pyarrow's OverflowError)
            except (TypeError, ValueError, OverflowError):
                new = u[~u.astype(object).isin(out.astype(object))]
            if len(new):  # (appending even an empty float index turns integer ids into floats: 18767.0)
                out = out.append(new)
    return out if out is not None else pd.Index([])


def _sortable(idx: pd.Index) -> bool:
    if len(idx) == 0:
        return False
    if pd.api.types.is_bool_dtype(idx.dtype):
        return False
    if pd.api.types.is_numeric_dtype(idx.dtype) or pd.api.types.is_datetime64_any_dtype(idx.dtype):
        return True
    if isinstance(idx.dtype, pd.PeriodDtype):   # (pandas Periods of one frequency: by time)
        return True
    vals = list(idx)
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in vals):
        return True
    return all(isinstance(v, (pd.Timestamp, np.datetime64)) for v in vals)


def _fold(label: str) -> str:
    """``label`` in lower case with runs of spaces as one: how the ERP's bucket names are compared."""
    return " ".join(label.split()).lower()


def _erp_week_order(names):
    """The ERP's buckets in the order of its weekly roll: ``This Week`` first, ``Later`` last, the weeks between
    in calendar order (:func:`weekly_balance`'s default for such labels, and ``erp.yarn_demand_report``'s).
    Names compare in any case and spacing.

    Week numbers (``Week 36``) wrap at the year end, so the year is taken to start over after the widest gap
    between the numbers seen, read around the circle of a year's weeks (``Week 51, 52, 1, 2``; ``Week 10`` to
    ``Week 40`` in their order when the weeks between are there too); of equally wide gaps, the one ending
    nearest after the demand's first week. Date-labelled weeks (``Week 2025-09-08``) are in date order.
    When the labels mix these kinds, each kind is ordered within the places it takes in order of first
    appearance, and a label of neither kind keeps its place."""
    head, weeks, tail = _split_ends(names)
    text = [" ".join(w.split())[5:] for w in weeks]  # (what follows "Week ")
    num = [i for i, w in enumerate(text) if _WEEK_NO.fullmatch(w)]
    numbered = set(num)  # (built once: rebuilt per label it made 10^5 labels take a minute)
    other = [i for i in range(len(weeks)) if i not in numbered]
    dates = pd.to_datetime(pd.Series([text[i] for i in other], dtype=object), errors="coerce",
                           format="mixed") if other else pd.Series([], dtype="datetime64[ns]")
    dated = [(d, i) for d, i in zip(dates.tolist(), other) if not pd.isna(d)]
    out = list(weeks)
    if num:
        first = int(text[num[0]])
        seen = sorted({int(text[i]) for i in num})
        m = max(53, seen[-1] + 1)
        # the year starts over after the widest gap between the week numbers seen (around the circle of a
        # year's weeks); of equally wide gaps, the one ending at or soonest after the demand's first week
        gap = [((seen[(k + 1) % len(seen)] - n) % m or m, -((seen[(k + 1) % len(seen)] - first) % m))
               for k, n in enumerate(seen)]
        start = seen[(max(range(len(seen)), key=gap.__getitem__) + 1) % len(seen)]

        def year_week(i):
            return (int(text[i]) - start) % m

        for slot, i in zip(num, sorted(num, key=year_week)):
            out[slot] = weeks[i]
    for slot, (_, i) in zip(sorted(i for _, i in dated), sorted(dated, key=lambda x: x[0])):
        out[slot] = weeks[i]
    return head + out + tail


def _erp_bucket(label) -> bool:
    """True for the ERP's bucket names, in any case and spacing: ``This Week``, ``Week <number or date>``,
    ``Later``."""
    if not isinstance(label, str):
        return False
    folded = _fold(label)
    return folded in ("this week", "later") or (folded.startswith("week ") and bool(folded[5:].strip()))


#: text that reads as a number (ASCII digits: "1", " 2 ", "1.5", "1e3") or as an ISO date ("2025-01-06",
#: "2025-01-06 08:00", "2025-01-06T08:00:00"; no offset): a period label of a CSV read beside numbers or dates
_NUMBER_TEXT = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")
_DATE_TEXT = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?\s*")
_KINDS = {"string": "text", "integer": "number", "floating": "number", "mixed-integer-float": "number",
          "datetime": "date", "datetime64": "date"}


def _label_kinds(idx: pd.Index) -> set:
    """What a source's period labels (read by :func:`_date_labels`) are: ``"text"``, and the kinds of label
    text is read as, ``"number"`` and ``"date"`` (a mix of text and numbers: ``{"number", "text"}``), or none
    (bool, Periods, ...)."""
    dtype = idx.dtype
    if not len(idx) or pd.api.types.is_bool_dtype(dtype):
        return set()
    if pd.api.types.is_numeric_dtype(dtype):
        return {"number"}
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return {"date"}
    if dtype != object:
        return {"text"} if pd.api.types.is_string_dtype(dtype) else set()
    kind = _KINDS.get(pd.api.types.infer_dtype(idx, skipna=False))
    if kind is not None:
        return {kind}
    vals = pd.unique(idx)   # (labels of several kinds: an ERP bucket name beside week numbers or dates)
    return ({"number"} if any(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                              for v in vals) else set()) | (
        {"date"} if any(isinstance(v, (pd.Timestamp, np.datetime64)) for v in vals) else set()) | (
        {"text"} if any(isinstance(v, str) for v in vals) else set())


def _same_kinds(labels: list, given: pd.Index | None = None) -> list:
    """The period labels of each input (``labels``: (input name, Index) pairs) with text that reads as a number
    or an ISO date read as one where another input's labels (or ``periods=``: ``given``) are numbers or dates:
    week 1 of the demand and the ``"1"`` of receipts read from a CSV are one period, a Timestamp and
    ``"2025-01-06"`` one day (they were two periods, the text one rolled after every numbered week). The text
    labels of an input that also has numbers or dates (a frame concatenated from a CSV part and an in-memory
    part: ``1`` and ``"2"``) are read beside its own too. Other text (the ERP's bucket names) stays as it is.
    Text that reads as a number where the others have dates only, or as a date where they have numbers only, is a
    ValueError naming the input and the label."""
    dtypes = {idx.dtype for _, idx in labels} | ({given.dtype} if given is not None else set())
    if len(dtypes) < 2 and not any(d == object for d in dtypes):   # (one plain dtype: nothing to read)
        return [idx for _, idx in labels]
    kinds = [_label_kinds(idx) for _, idx in labels]
    if not any("text" in k for k in kinds):
        return [idx for _, idx in labels]
    if given is not None:
        want, named = _label_kinds(given) - {"text"}, "periods="
    else:
        want = set().union(*kinds) - {"text"}
        named = " and ".join(what for (what, _), k in zip(labels, kinds) if k & want)
    if not want:
        return [idx for _, idx in labels]
    zone = next((z for z in map(_zone, [idx for _, idx in labels] if given is None else [given]) if z), None)
    return [_read_text_labels(idx, what, want, named, zone) if "text" in k else idx
            for (what, idx), k in zip(labels, kinds)]


def _zone(idx: pd.Index):
    """The time zone of the first zone-aware date among period labels ``idx``, None when there is none."""
    if isinstance(idx, pd.DatetimeIndex) or idx.dtype != object:
        return getattr(idx.dtype, "tz", None)
    return next((v.tzinfo for v in pd.unique(idx) if isinstance(v, pd.Timestamp) and v.tzinfo is not None), None)


def _read_text_labels(idx: pd.Index, what: str, want: set, named: str, zone=None) -> pd.Index:
    """:func:`_same_kinds` for one input's text labels ``idx``; ``zone``: the time zone of the others' dates (a
    date text without one is then a ValueError naming the input and the label: naive and zone-aware dates do
    not compare)."""
    codes, uniq = pd.factorize(idx, use_na_sentinel=False)
    text = pd.Series(np.asarray(uniq, dtype=object), dtype=object)
    is_text = text.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    num = is_text & text.map(lambda v: isinstance(v, str) and _NUMBER_TEXT.fullmatch(v) is not None).to_numpy(
        dtype=bool)
    day = is_text & text.map(lambda v: isinstance(v, str) and _DATE_TEXT.fullmatch(v) is not None).to_numpy(
        dtype=bool)
    for mask, kind, other in ((num, "number", "dates"), (day, "date", "numbers")):
        if mask.any() and kind not in want:
            raise ValueError(f"{what}: period {text[mask].iloc[0]!r} is text that reads as a {kind}, where {named} "
                             f"has {other}: give the periods of every input as {other}")
    if not (num.any() or day.any()):
        return idx
    numbers = pd.to_numeric(text[num].str.strip()) if num.any() else None
    dates = pd.to_datetime(text[day].str.strip(), format="ISO8601", errors="coerce") if day.any() else None
    if dates is not None and dates.isna().any():
        raise ValueError(f"{what}: period {text[day][dates.isna()].iloc[0]!r} is no date")
    if dates is not None and zone is not None and dates.dt.tz is None:
        raise ValueError(f"{what}: period {text[day].iloc[0]!r} is a date without a time zone, where {named} "
                         f"has dates in time zone {zone}: give every input's dates a time zone, or none")
    if num.all():
        read = pd.Index(numbers)
    elif day.all():
        read = pd.DatetimeIndex(dates)
    else:   # (the ERP's bucket names beside them stay text)
        out = text.copy()
        for mask, values in ((num, numbers), (day, dates)):
            if values is not None:
                out[mask] = values.to_numpy(dtype=object)
        read = pd.Index(out.to_list(), dtype=object).infer_objects()   # (1 and "2" read: int64)
    return read.take(codes).rename(idx.name)


def _periods(sources, periods) -> pd.Index:
    if periods is not None:
        if isinstance(periods, (str, bytes)) or not np.iterable(periods):
            raise TypeError(f"periods must be a list (or Index) of period labels, got {periods!r}")
        out = _date_labels(pd.Index(periods).rename(None))
        if not out.is_unique:
            raise ValueError("periods must be unique labels")
        for s, labels in zip(sources, _same_kinds([(s.what, s.periods) for s in sources], out)):
            s.periods = labels
        for s in sources:
            unknown = ~isin(s.periods, out)
            if unknown.any():
                raise ValueError(f"{s.what}: period {plain(s.periods[unknown][0])!r} is not in periods=")
        return out
    for s, labels in zip(sources, _same_kinds([(s.what, s.periods) for s in sources])):
        s.periods = labels
    wide = [s.periods for s in sources if not s.long]
    # (only a wide input's columns are the caller's own order of weeks: long rows are a bag, in any order)
    return _default_order(_union(wide + [s.periods for s in sources if s.long]), wide[0] if wide else None)


def _default_order(out: pd.Index, lead: pd.Index | None = None) -> pd.Index:
    """The periods of the inputs (their union) in the default order: sorted when the labels sort; else as they
    come. The ERP's bucket names (all of them such) go in the order of its roll (a week only in the receipts
    before ``Later``), unless that would reorder the weeks of the first wide input (``lead``: its columns)
    among themselves: the caller's own order of its weeks is kept then, with ``This Week`` first and ``Later``
    last. Long rows carry no order of their own (``lead`` None). The Dask functions order their periods with it
    too."""
    out = _date_labels(out)
    if _sortable(out):
        out = out.sort_values()
    elif len(out) and all(_erp_bucket(label) for label in out):
        labels = list(out)
        mine = set(lead) if lead is not None else set()
        own = [b for b in labels if b in mine]  # (the first input's labels, in its order)
        ordered = _erp_week_order(labels) if _erp_week_order(own) == _ends(own) else _ends(labels)
        out = pd.Index(ordered, dtype=out.dtype)
    return out.rename(None)


def _split_ends(labels) -> tuple[list, list, list]:
    """(the ``This Week`` labels, the others, the ``Later`` labels), each in the order given."""
    folded = [_fold(b) for b in labels]
    return ([b for b, f in zip(labels, folded) if f == "this week"],
            [b for b, f in zip(labels, folded) if f not in ("this week", "later")],
            [b for b, f in zip(labels, folded) if f == "later"])


def _ends(labels: list) -> list:
    """``labels`` as they come, but ``This Week`` first and ``Later`` last."""
    head, middle, tail = _split_ends(labels)
    return head + middle + tail


def _exact_sum(values) -> float:
    """The sum of the finite float64 ``values``, exact and then rounded once (``math.fsum``'s, which raises on
    an intermediate overflow: ``1e308 + 1e308 - 1e308`` is 1e308 here); OverflowError when it is beyond the float
    range. Python integers in units of 2**-1074 (every float64 is a whole number of them)."""
    unit = 1 << 1074
    return sum(num * (unit // den) for num, den in map(float.as_integer_ratio, np.asarray(values).tolist())) / unit


def _resum(total: np.ndarray, key: np.ndarray, values: np.ndarray):
    """The sums in ``total`` that came out beyond the float range (inf, or NaN of inf less inf) while the finite
    ``values`` were added in row order, replaced by their :func:`_exact_sum` (``key``: each row's position in
    ``total``, 1-D; its row of ``total``, 2-D). Returns (cell, its rows) of the first sum beyond the float range
    exactly, else None. Nothing to do on sums that stayed finite."""
    if np.isfinite(total).all():
        return None
    for cell in np.argwhere(~np.isfinite(total)):
        rows = np.flatnonzero(key == cell[0])
        try:
            total[tuple(cell)] = _exact_sum(values[rows] if total.ndim == 1 else values[rows, cell[1]])
        except OverflowError:
            return cell, rows
    return None


def _check_sums(src: _Source, total: np.ndarray, key: np.ndarray, values: np.ndarray,
                kept: np.ndarray | None = None) -> None:
    """ValueError naming the item and period (long: and its first input row) whose rows of ``src`` add up beyond
    the float range: each finite, their sum inf, which the kernels never get (inf less inf is NaN there, which the
    engines read apart). A sum that only overflowed on the way (``1e308 + 1e308 - 1e308``) is replaced by the
    exact one (:func:`_resum`). ``total``: the sums (long: flat, ``key`` each row's position in it; wide: one row
    per distinct item, ``key`` each row's), ``values`` the rows added (finite); ``kept``: the input positions of
    the rows given, where some were left out."""
    over = _resum(total, key, values)
    if over is None:
        return
    cell, rows = over
    i = int(kept[rows[0]]) if kept is not None else int(rows[0])
    if src.long:
        where, period = f"row {_input_row(src, i)} and the other rows of item", src.periods[i]
    else:
        where, period = "the rows of item", src.periods[cell[1]]
    raise ValueError(f"{src.what}: {where} {plain(src.items[i])!r}, period {plain(period)!r} add up beyond the "
                     f"float range (|sum| > 1.8e308); expected finite totals")


def _matrix(src: _Source | None, items: pd.Index, periods: pd.Index) -> np.ndarray:
    n, t_len = len(items), len(periods)
    if src is None:
        return np.zeros((n, t_len))
    vals = src.values
    if not np.isfinite(vals).all():
        vals = np.where(np.isnan(vals), 0.0, vals)   # missing numbers count 0
        if np.isinf(vals).any():
            pos = np.argwhere(np.isinf(vals))[0]
            if src.long:
                raise ValueError(f"{src.what}: row {_input_row(src, pos[0])} (item {plain(src.items[pos[0]])!r}, "
                                 f"period {plain(src.periods[pos[0]])!r}) is infinite")
            raise ValueError(f"{src.what}: item {plain(src.items[pos[0]])!r}, period "
                             f"{plain(src.periods[pos[1]])!r} is infinite")
    elif src.array:
        vals = vals.copy()   # the result keeps it: never a view of the caller's array
    ci = periods.get_indexer(src.periods)
    if src.array:
        if ci.shape[0] == t_len and bool((ci == np.arange(t_len)).all()):
            return np.ascontiguousarray(vals)
        # an array's column j is period j: placed under that label (periods= may reorder them, and arrays
        # with fewer periods than the others have none after their last column); the kernels need n x t_len
        out = np.zeros((n, t_len))
        out[:, ci] = vals
        return out
    if src.long:
        ri = items.get_indexer(src.items)
        key = ri * t_len + ci
        flat = np.bincount(key, weights=vals, minlength=n * t_len) if n * t_len else np.zeros(0)
        _check_sums(src, flat, key, vals)
        return np.ascontiguousarray(flat.reshape(n, t_len), dtype=np.float64)
    if src.items.equals(items):
        ri = np.arange(n)
    elif src.items.is_unique:
        ri = items.get_indexer(src.items)
    else:   # repeated item rows add up
        codes, uniq = pd.factorize(src.items)
        block = np.zeros((len(uniq), vals.shape[1]))
        with np.errstate(over="ignore"):   # (a sum beyond the float range: named next)
            np.add.at(block, codes, vals)
        _check_sums(src, block, codes, vals)
        vals, ri = block, items.get_indexer(pd.Index(uniq))
    same_rows = ri.shape[0] == n and bool((ri == np.arange(n)).all())
    same_cols = ci.shape[0] == t_len and bool((ci == np.arange(t_len)).all())
    if same_rows and same_cols:
        return np.ascontiguousarray(vals)
    out = np.zeros((n, t_len))
    if same_rows:
        out[:, ci] = vals
    else:
        out[np.ix_(ri, ci)] = vals
    return out


@dataclass(frozen=True)
class _ItemRows:
    """A per-item parameter given by key, its keys already matched to rows of the items (``rows``, -1 for a
    key of no item): ``mrp`` matches them through the BOM's codes as it matches demand and stock."""

    values: pd.Series
    rows: np.ndarray


def _per_item(value, items: pd.Index, name: str, frame: pd.DataFrame | None, default: float,
              *, keyed: pd.Index | None = None) -> np.ndarray:
    """A per-item parameter as float64[n]: scalar, Series/dict by item (missing -> default), array in item
    order, or the name of a column of ``frame`` (the on-hand frame)."""
    n = len(items)
    if value is None:
        return np.full(n, default, dtype=np.float64)
    if isinstance(value, str):
        if frame is None or value not in frame.columns:
            # (a lot rule's text parameter that is no number is read as a column name: say both, so a typo in
            # a number, "1O0", reads as one)
            where = ("no on_hand frame with columns was given" if frame is None else
                     f"on_hand columns: {', '.join(map(repr, list(frame.columns)[:12]))}"
                     f"{', ...' if len(frame.columns) > 12 else ''}")
            raise ValueError(f"{name}={value!r}: no such column in the on_hand frame ({where}); text that is no "
                             f"number names a column here (a number was meant?)")
        label = one_column(frame, value, "on_hand")
        v = float_column(frame, label, what="on_hand")
        reject_text(frame, label, v, "on_hand", f"a number for {name}, or nothing for the default")
        value = pd.Series(v, index=keyed)
    if isinstance(value, dict):
        value = pd.Series(value, dtype=None if value else "float64")
    if isinstance(value, pd.Series):   # (keys matched to rows of ``items``, then as below)
        v = _item_numbers(value, name)
        keys = pd.Index(value.index)
        if not isinstance(keys, pd.MultiIndex) and keys.hasnans:   # (a missing key matches no item)
            v, keys = v[~keys.isna()], keys[~keys.isna()]
        keys, items = same_ids([(name, keys), ("the other inputs", items)])
        value = _ItemRows(pd.Series(v), np.arange(n) if keys.equals(items) else items.get_indexer(keys))
    if isinstance(value, _ItemRows):   # (keys already matched to rows of ``items``)
        v = _item_numbers(value.values, name)
        rows = value.rows
        keep = (rows >= 0) & ~np.isnan(v)   # (NaN: no value for that key, as a missing key)
        rows, v = rows[keep], v[keep]
        out = np.full(n, default, dtype=np.float64)
        if rows.size and np.bincount(rows, minlength=n).max() > 1:
            # one item under several keys (' FG' and 'FG'): the last value given wins
            last = rows.size - 1 - np.unique(rows[::-1], return_index=True)[1]
            rows, v = rows[last], v[last]
        out[rows] = v
        return out
    if np.ndim(value) == 0:
        if is_time_value(value):
            raise TypeError(f"{name} must be a number (of periods or lbs), got {value!r}: durations and dates are "
                            f"not converted to numbers")
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a number, a Series keyed by item, an array or a column name; "
                            f"got {value!r}") from None
        return np.full(n, default if math.isnan(x) else x, dtype=np.float64)
    raw = np.asarray(value)
    if raw.dtype.kind in "mM":  # (np.asarray(..., float64) reads them as counts of their unit: 7 days -> 7)
        raise TypeError(f"{name} must hold numbers (of periods or lbs), got an array of {raw.dtype}: durations "
                        f"and dates are not converted to numbers")
    if raw.shape != (n,):
        raise ValueError(f"{name}: an array must hold one value per item ({n}), got shape {raw.shape}")
    arr = np.asarray(value, dtype=np.float64) if raw.dtype.kind in "fiub" else _item_numbers(
        pd.Series(raw, index=items), name)
    return np.where(np.isnan(arr), default, arr)


def _item_numbers(values: pd.Series, name: str) -> np.ndarray:
    """The float64 values of a per-item parameter (or quantity) keyed by item (ERP number text cleaned; missing
    or blank: NaN, the default): text that is no number ("50 lbs") is a ValueError naming the parameter and the
    item, where it silently became the default."""
    v = float_column(values.to_frame(name), name, what=name)
    i = first_text(values, v)
    if i is not None:
        raise ValueError(f"{name} must be a number (or nothing, for the default); item {plain(values.index[i])!r} "
                         f"has {plain(values.iloc[i])!r}")
    return v


def _bad(items: pd.Index, mask: np.ndarray, name: str, expected: str, values: np.ndarray) -> None:
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        raise ValueError(f"{name} must be {expected}; item {plain(items[i])!r} has {plain(values[i])!r}")


def _bad_costs(items: pd.Index, setup: np.ndarray, hold: np.ndarray) -> None:
    """ValueError naming the first item whose setup or holding cost (per item) is not a finite number >= 0: the
    Wagner-Whitin rule's check, and :meth:`NettingResult.cost`'s."""
    _bad(items, ~np.isfinite(setup) | (setup < 0), "setup cost", "a finite number >= 0", setup)
    _bad(items, ~np.isfinite(hold) | (hold < 0), "holding cost", "a finite number >= 0", hold)


def _on_hand(on_hand, what: str = "on_hand", engine: str | None = None):
    """(items, values, frame, frame_items) of the on-hand input; items None for a scalar or plain array. A frame
    whose on-hand column is ``Beginning Balance`` beside any of ``Received``, ``Consumed``, ``Adjustments`` is
    read as its theoretical balance (:func:`bk_fast.theoretical_balance`; ``engine``: its kernel's)."""
    if on_hand is None:
        return None, None, None, None
    if isinstance(on_hand, pd.DataFrame):
        df = on_hand
        item_col = _item_column(df, what)
        rest = [c for c in df.columns if c != item_col]
        qty_col = _lookup(df[list(dict.fromkeys(rest))], _ON_HAND_NAMES, what)
        if qty_col is None:
            numeric = [c for c in rest if pd.api.types.is_numeric_dtype(df[c].dtype)]
            if len(numeric) != 1:
                raise ValueError(f"{what}: no on-hand column (accepted names: "
                                 f"{', '.join(map(repr, _ON_HAND_NAMES[:6]))}, ...)")
            qty_col = numeric[0]
        items = pd.Index(df[item_col]) if item_col is not None else pd.Index(df.index)
        _check_keys(items if item_col is not None else df.index, what, "item")
        if normalise(qty_col) == "beginningbalance" and any(
                find_column(df, c, what=what, required=False) is not None for c in _BALANCE_PARTS):
            # the ERP's inventory without its Theoretical Balance: computed from its components as the inventory
            # module does (DOMAIN.md section 2; NaN counts 0), not the Beginning Balance less what moved since
            lack = [c for c in _BALANCE_PARTS if find_column(df, c, what=what, required=False) is None]
            if lack:
                raise ValueError(f"{what}: its on-hand column {qty_col!r} is the ERP's Beginning Balance, beside "
                                 f"some of its movements ({', '.join(map(repr, _BALANCE_PARTS))}): the on hand is "
                                 f"the Theoretical Balance, Beginning Balance + Received + Consumed + Adjustments, "
                                 f"but {', '.join(map(repr, lack))} is missing; add it (empty for none) or pass a "
                                 f"'Theoretical Balance' or 'on_hand' column")
            reader = _InventoryReader(df)
            vals = reader.computed(engine)
            for label, arr in reader.inputs:
                _no_text(df, label, arr, what, items)
            return items, vals, df, items
        vals = float_column(df, qty_col, what=what)
        _no_text(df, qty_col, vals, what, items)
        return items, vals, df, items
    if isinstance(on_hand, dict):
        on_hand = pd.Series(on_hand, dtype=None if on_hand else "float64")
    if isinstance(on_hand, pd.Series):
        _check_keys(on_hand.index, what, "item")
        return pd.Index(on_hand.index), _item_numbers(on_hand, what), None, None
    if np.ndim(on_hand) == 0:
        return None, number_arg(on_hand, what, "a number, a Series/dict keyed by item, a DataFrame or a 1-D "
                                "numeric array"), None, None
    arr = np.asarray(on_hand)
    if arr.ndim != 1 or arr.dtype.kind not in "fiub":
        raise TypeError(f"{what} must be a number, a Series/dict keyed by item, a DataFrame or a 1-D numeric "
                        f"array")
    return None, np.asarray(arr, dtype=np.float64), None, None


def _vector(items, values, all_items: pd.Index, what: str) -> np.ndarray:
    n = len(all_items)
    if values is None:
        return np.zeros(n)
    if np.ndim(values) == 0:
        out = np.full(n, float(values))
    elif items is None:
        if len(values) != n:
            raise ValueError(f"{what}: an array must hold one value per item ({n}), got {len(values)}")
        out = np.array(values, dtype=np.float64)
    elif items.equals(all_items):
        out = np.array(values, dtype=np.float64)
    else:   # repeated items add up (missing numbers count 0)
        out = _item_sums(all_items.get_indexer(items), values, all_items, what)
    out = np.where(np.isnan(out), 0.0, out)
    if np.isinf(out).any():
        i = int(np.flatnonzero(np.isinf(out))[0])
        raise ValueError(f"{what}: item {plain(all_items[i])!r} is infinite")
    return out


def _item_sums(pos: np.ndarray, values, all_items: pd.Index, what: str) -> np.ndarray:
    """The entries ``values`` added up per item (``pos``: the position of each in ``all_items``; missing numbers
    count 0). ValueError naming the item of an infinite entry, or of entries that add up beyond the float range
    (a sum that only overflowed on the way is the exact one: :func:`_resum`)."""
    v = np.asarray(values, dtype=np.float64)
    v = np.where(np.isnan(v), 0.0, v)
    if np.isinf(v).any():
        raise ValueError(f"{what}: item {plain(all_items[pos[np.flatnonzero(np.isinf(v))[0]]])!r} is infinite")
    out = np.bincount(pos, weights=v, minlength=len(all_items)).astype(np.float64, copy=False)
    over = _resum(out, pos, v)
    if over is not None:
        raise ValueError(f"{what}: the entries of item {plain(all_items[over[0][0]])!r} add up beyond the float "
                         f"range (|sum| > 1.8e308); expected finite totals")
    return out


def _grid(first, others, on_hand, periods, *, on_hand_first: bool, also=(), engine: str | None = None):
    """Items (union, in order of appearance), periods and the on-hand input. The ids of the sources (their
    ``items`` are replaced), of on_hand and of ``also`` ((name, Index or None) pairs, returned last, in a
    list) are made comparable exactly first (:func:`bk_fast._validate.same_ids`)."""
    srcs = [s for s in [first, *others] if s is not None]
    oh_items, oh_vals, oh_frame, oh_keys = _on_hand(on_hand, engine=engine)
    also = list(also)
    if not any(s.array for s in srcs):
        ids = same_ids([(s.what, s.items) for s in srcs] + [("on_hand", oh_items)] + also)
        for s, i in zip(srcs, ids):
            s.items = i
        if oh_keys is not None:
            oh_keys = ids[len(srcs)]
        oh_items = ids[len(srcs)]
        also = [(w, i) for (w, _), i in zip(also, ids[len(srcs) + 1:])]
    arrays = [s for s in srcs if s.array]
    if arrays:
        n = len(arrays[0].items)
        if any(len(s.items) != n for s in arrays) or any(not s.array for s in srcs):
            raise ValueError("when one time-phased input is a 2-D array, all must be arrays with the same "
                             "rows")
        items = pd.RangeIndex(n)
        if oh_items is not None:
            raise ValueError("with 2-D array inputs, on_hand must be a number or a 1-D array")
    else:
        parts = [s.items for s in srcs]
        parts = ([oh_items] + parts) if on_hand_first else (parts + [oh_items])
        items = _union(parts)
    per = _periods(srcs, periods)
    if also:
        return items, per, (oh_items, oh_vals, oh_frame, oh_keys), [i for _, i in also]
    return items, per, (oh_items, oh_vals, oh_frame, oh_keys)


def _check_finite(items: pd.Index, periods: pd.Index, what: str, *arrays: np.ndarray) -> None:
    """ValueError naming the first item and period whose numbers overflowed the float range (finite inputs can
    still add up to inf, and inf - inf is NaN): never a silent inf/NaN in a plan."""
    for arr in arrays:
        if arr.size and not np.isfinite(arr).all():
            if arr.ndim == 2:
                r, c = np.argwhere(~np.isfinite(arr))[0]
                where = f"item {plain(items[int(r)])!r}, period {plain(periods[int(c)])!r}"
            else:
                where = f"item {plain(items[int(np.flatnonzero(~np.isfinite(arr))[0])])!r}"
            raise ValueError(f"{what}: the quantities of {where} overflow the float range (|x| > 1.8e308); "
                             f"check the demand, stock and BOM quantities of this item and of those above it")


def _totals(gross: np.ndarray, receipts: np.ndarray) -> tuple:
    """Per item, the total gross and total planned that ``NettingResult.summary`` reports, summed as there: finite
    periods may add up beyond the float range (:func:`_check_finite` names the item)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return gross.sum(axis=1), receipts.sum(axis=1)


# ----------------------------------------------------------------------------------------------------------
# weekly balance


def _labels_at(per: pd.Index, pos: np.ndarray) -> pd.Categorical:
    """Period labels at positions ``pos`` (-1 = missing) as an ordered categorical over the periods."""
    return pd.Categorical.from_codes(pos, dtype=pd.CategoricalDtype(per, ordered=True))


def weekly_balance(on_hand, demand, receipts=None, past_due=None, *, periods=None,
                   engine: str | None = None) -> pd.DataFrame:
    """The ERP's weekly yarn balance roll (its "Yarn Demand" report), exactly.

    Per item: ``balance[first] = on_hand - demand[first] + receipts[first]``, then
    ``balance[w] = balance[w-1] - demand[w] + receipts[w]`` through the last bucket (the ERP's ``Later``).
    Past-due receipts are **not** in the weekly roll but are in the total:
    ``total_receipt = past_due + sum(receipts)``, ``total_balance = on_hand - total_demand + total_receipt``.
    A shortage week is the first bucket with balance < 0; recovery is the first later bucket with balance > 0;
    each beyond a rounding residue: by more than the running bound on the balance's float64 error that
    :func:`net_requirements` keeps for its stock, per item (``2**-53`` of every input read, at least ``2**-1074``
    for a subnormal, and of every sum of the roll, a sum's at most either operand: none for a sum with 0). The
    balances are the ERP's float64 numbers, unchanged: 100.3 on hand less 40.1 and 60.2 is -7.1e-15, exactly 0 in
    decimal, and no shortage. A real shortage counts when it is larger than the bound (about 2e-14 lbs after one
    week on 100 lbs, growing with each week's movements: 1e-9 lbs short is a shortage week); a smaller one is
    read as a residue (100.3 on hand less the next float above it, 1.4e-14 short, is not).

    Parameters
    ----------
    on_hand : Series, dict, DataFrame, number or 1-D array
        Monday inventory per item (a frame: item column or index, and an on-hand column such as ``on_hand``,
        ``Monday Inventory`` or ``Theoretical Balance``; the ERP's inventory without that one, its ``Beginning
        Balance`` beside ``Received``, ``Consumed`` and ``Adjustments``, is read as its theoretical balance,
        their sum with missing numbers 0, as :func:`bk_fast.theoretical_balance` computes it). Items missing
        here start at 0.
    demand, receipts : DataFrame (wide or long) or 2-D array
        Demand and receipts per item and bucket (module docstring). ``receipts`` may be None.
    past_due : Series, dict, number or 1-D array, optional
        Past-due (and unscheduled) receipts per item.
    periods : sequence, optional
        The buckets, in order (default: see the module docstring).
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    DataFrame indexed by item (order: on-hand items, then new items of demand and receipts): one balance
    column per bucket, then ``on_hand``, ``total_demand``, ``past_due``, ``total_receipt``, ``total_balance``,
    ``first_short`` and ``recovery`` (bucket labels; missing when never short / never recovered).

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> demand = pd.DataFrame({"This Week": [3137.8, 10.0], "Week 36": [4120.3, 0.0]}, index=[18767, 18929])
    >>> receipts = pd.DataFrame({"Week 36": [8000.0]}, index=[18767])
    >>> out = bk_fast.weekly_balance(pd.Series({18767: 0.0, 18929: 25.0}), demand, receipts,
    ...                              past_due={18929: 5.0})
    >>> out[["This Week", "Week 36", "total_balance", "first_short", "recovery"]]
           This Week  Week 36  total_balance first_short recovery
    18767    -3137.8    741.9          741.9   This Week  Week 36
    18929       15.0     15.0           20.0         NaN      NaN
    >>> out = bk_fast.weekly_balance({1: 100.3}, pd.DataFrame({"This Week": [40.1], "Week 36": [60.2]}, index=[1]))
    >>> print(out.loc[1, "Week 36"], out.loc[1, "first_short"])
    -7.105427357601002e-15 nan
    """
    d_src = _parse(demand, "demand")
    if d_src is None:
        raise TypeError("demand is required")
    r_src = _parse(receipts, "receipts")
    pd_items, pd_vals = (None, None) if past_due is None else _on_hand(past_due, "past_due", engine)[:2]
    items, per, (oh_items, oh_vals, _, _), (pd_items,) = _grid(
        d_src, [r_src], on_hand, periods, on_hand_first=True, also=[("past_due", pd_items)], engine=engine)
    dem = _matrix(d_src, items, per)
    rec = _matrix(r_src, items, per)
    oh = _vector(oh_items, oh_vals, items, "on_hand")
    if pd_items is not None and not pd_items.equals(items):
        unknown = ~isin(pd_items, items)
        if unknown.any():
            raise ValueError(f"past_due: item {plain(pd_items[unknown][0])!r} has no on-hand, demand or receipt row")
    pdue = _vector(pd_items, pd_vals, items, "past_due")
    n, t_len = dem.shape
    bal = np.empty((n, t_len))
    td, tr, tot = np.empty(n), np.empty(n), np.empty(n)
    fs, rc = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    resolve("weekly_roll", engine)(oh, dem, rec, pdue, bal, td, tr, tot, fs, rc)
    _check_finite(items, per, "weekly_balance", bal, tot)
    out = pd.DataFrame(bal, index=items, columns=per, copy=False)
    extra = pd.DataFrame({
        "on_hand": oh, "total_demand": td, "past_due": pdue, "total_receipt": tr, "total_balance": tot,
        "first_short": _labels_at(per, fs), "recovery": _labels_at(per, rc),
    }, index=items)
    return pd.concat([out, extra], axis=1)


# ----------------------------------------------------------------------------------------------------------
# gross-to-net


@dataclass
class _Params:
    ss: np.ndarray
    lead: np.ndarray
    rule: np.ndarray
    lot_min: np.ndarray
    lot_max: np.ndarray
    lot_mult: np.ndarray
    lot_periods: np.ndarray
    setup: np.ndarray
    hold: np.ndarray


def _params(items, frame, keyed, safety_stock, lead_time, lot) -> _Params:
    n = len(items)
    rule = lot_rule(lot)
    ss = _per_item(safety_stock, items, "safety_stock", frame, 0.0, keyed=keyed)
    _bad(items, ~np.isfinite(ss) | (ss < 0), "safety_stock", "a finite number >= 0", ss)
    lt = _per_item(lead_time, items, "lead_time", frame, 0.0, keyed=keyed)
    # (2**63 and beyond would wrap to a negative int64 lead time: releases after their receipts)
    _bad(items, ~np.isfinite(lt) | (lt < 0) | (lt != np.floor(lt)) | (lt >= 2.0 ** 63), "lead_time",
         "a whole number of periods >= 0 (below 2**63)", lt)
    p = _Params(ss, lt.astype(np.int64), np.full(n, rule.code, dtype=np.int8), np.zeros(n),
                np.full(n, np.inf), np.zeros(n), np.ones(n, dtype=np.int64), np.zeros(n), np.zeros(n))
    if isinstance(rule, MinMaxMultiple):
        p.lot_min = _per_item(rule.min, items, "min", frame, 0.0, keyed=keyed)
        _bad(items, ~np.isfinite(p.lot_min) | (p.lot_min < 0), "lot min", "a finite number >= 0", p.lot_min)
        mult = _per_item(rule.multiple, items, "multiple", frame, 0.0, keyed=keyed)
        # (a subnormal multiple, below 2.2e-308, makes every lot count overflow to inf: a need of 0.25 with a
        # multiple of 5e-324 ordered the max)
        _bad(items, ~np.isfinite(mult) | (mult < 0) | ((mult > 0) & (mult < np.finfo(np.float64).tiny)),
             "lot multiple", "a finite number >= 0 (0 = none) and not below 2.2e-308", mult)
        mx = _per_item(rule.max, items, "max", frame, np.inf, keyed=keyed)
        _bad(items, ~(mx > 0), "lot max", "> 0 (None = uncapped)", mx)
        pos = mult > 0
        safe = np.where(pos, mult, 1.0)
        # (whole numbers of multiples up to the rule's slack, as the kernels count them: a max of 0.3 with a
        # multiple of 0.1 is 3 of them, although 0.3 / 0.1 is 2.9999999999999996; the cap is then the max itself,
        # not 3 x 0.1 = 0.30000000000000004)
        x, y = mx / safe, p.lot_min / safe
        k_max = np.floor(x + np.minimum(x * LOT_SLACK, 0.5))
        k_min = lot_count(y)
        eff = np.where(pos & np.isfinite(mx), np.minimum(k_max * safe, mx), mx)
        _bad(items, ~(eff > 0) | (pos & (k_min > k_max)) | (~pos & (p.lot_min > mx)), "lot max",
             "at least the min rounded up to the multiple (and at least one multiple)", mx)
        p.lot_mult, p.lot_max = mult, eff
    elif isinstance(rule, FixedPeriods):
        per = _per_item(rule.periods, items, "periods", frame, 1.0, keyed=keyed)
        _bad(items, ~np.isfinite(per) | (per < 1) | (per != np.floor(per)), "lot periods",
             "a whole number >= 1", per)
        # beyond the horizon every count covers the rest of it: capped so the int64 cast cannot wrap negative
        p.lot_periods = np.minimum(per, 2.0 ** 62).astype(np.int64)
    elif isinstance(rule, WagnerWhitin):
        p.setup = _per_item(rule.setup, items, "setup", frame, 0.0, keyed=keyed)
        p.hold = _per_item(rule.holding, items, "holding", frame, 0.0, keyed=keyed)
        _bad_costs(items, p.setup, p.hold)
    elif not isinstance(rule, LotForLot):  # pragma: no cover - lot_rule only returns the four rules
        raise TypeError(f"unsupported lot rule {rule!r}")
    return p


def _orders_frame(items, periods, receipt, net, counts, lead, p: _Params, per_item=None) -> pd.DataFrame:
    """Planned orders (one row per order) from the per-period receipts and order counts."""
    # (summed in float64: int64 sums of huge counts wrap; a count beyond int64 wrapped negative in the cast)
    per = counts.sum(axis=1, dtype=np.float64)
    wrapped = (counts < 0).any(axis=1)
    if wrapped.any() or per.sum() > _MAX_ORDERS:
        i = int(np.flatnonzero(wrapped)[0]) if wrapped.any() else int(np.argmax(per))
        alone = "more than 2**63" if wrapped[i] else f"{int(per[i]):,}"
        total = "more than 2**63" if wrapped.any() or per.sum() >= 2.0 ** 63 else f"{int(per.sum()):,}"
        raise ValueError(f"the plan has {total} planned orders (item {plain(items[i])!r} alone {alone}): the lot max "
                         f"is far too small for the requirements")
    r, c = np.nonzero(counts)          # row-major: by item, then period
    k = counts[r, c]
    qty = receipt[r, c]
    split = k > 1   # only min/max/multiple splits: k-1 orders of the effective max, then one last order
    if split.any():
        sr, sc, sk = r[split], c[split], k[split]
        e = p.lot_max[sr]
        full = (sk - 1).astype(np.float64) * e
        last = round_lot(np.maximum(net[sr, sc] - full, p.lot_min[sr]), p.lot_mult[sr], e)  # (as the kernels)
        # the kernels also count the multiples up to the roll's error bound, which is not kept: where that made
        # the last order one multiple less, the receipt tells (its last order is then the receipt less the full
        # ones, exact for multiples that are binary fractions and within an ulp otherwise)
        total = qty[split]
        last = np.where(full + last == total, last, total - full)
        rr, cc = np.repeat(r, k), np.repeat(c, k)
        fill = np.zeros(r.shape[0])
        fill[split] = e
        qq = np.repeat(fill, k)
        ends = np.cumsum(k) - 1
        qq[ends] = qty
        qq[ends[split]] = last
    else:
        rr, cc, qq = r, c, qty
    release = cc - lead[rr]
    out = pd.DataFrame({
        "item": items[rr] if len(rr) else items[:0],
        "due_period": cc.astype(np.int64),
        "due": periods[cc] if len(cc) else periods[:0],
        "release_period": release.astype(np.int64),
        "qty": qq,
        "past_due": release < 0,
    })
    for name, values in (per_item or {}).items():
        out[name] = values[rr]
    return out


def _releases(receipt, lead):
    """Planned releases (receipts shifted ``lead`` periods earlier) and the past-due quantity per item (its
    receipts in periods ``0 .. lead - 1``, added in period order). Leads are capped at the horizon (beyond it
    everything is past due: one case), and the items are grouped by lead with one sort: linear in the items
    however many distinct lead times they have (a pass over every item per distinct lead took ~9 s for 10^5
    items with distinct leads), and one slice copy when all share one lead (the common case: a shift of the
    whole matrix by gathers took 3-6x that)."""
    n, t_len = receipt.shape
    k = np.minimum(lead, t_len)
    rel = np.zeros((n, t_len))
    late = np.zeros(n)
    if not n:
        return rel, late
    if (k == k[0]).all():
        groups = [(int(k[0]), slice(None))]
    else:
        order = np.argsort(k, kind="stable")
        cuts = np.flatnonzero(np.diff(k[order])) + 1
        groups = [(int(k[order[s]]), rows) for s, rows in zip(np.r_[0, cuts], np.split(order, cuts))]
    for kk, rows in groups:
        if kk < t_len:
            rel[rows, : t_len - kk] = receipt[rows, kk:]
        if kk:
            acc = np.zeros(n) if isinstance(rows, slice) else np.zeros(rows.shape[0])
            for p in range(kk):
                acc += receipt[rows, p]
            late[rows] = acc
    return rel, late


@dataclass(eq=False)
class NettingResult:
    """Time-phased record and planned orders of :func:`net_requirements` (and per item of :func:`mrp`).

    Arrays are items x periods (rows in the order of ``items``, columns in the order of ``periods``).
    ``orders`` has one row per planned order: ``item``, ``due_period`` (position), ``due`` (label),
    ``release_period`` (position; negative = released before period 0), ``qty`` and ``past_due``.

    Two results are equal (``==``) when they are of the same class and every field is: the indexes and
    ``orders`` as :meth:`pandas.Index.equals` / :meth:`pandas.DataFrame.equals` see them, the arrays in shape,
    dtype and values (NaN equal to NaN). A result is not hashable (its arrays can change).

    Examples
    --------
    >>> import pickle, numpy as np, bk_fast
    >>> res = bk_fast.net_requirements(np.array([[5.0, 10.0]]), on_hand=[8.0])
    >>> res == pickle.loads(pickle.dumps(res)), res == bk_fast.net_requirements(np.array([[5.0, 11.0]]))
    (True, False)
    """

    def __eq__(self, other) -> bool:
        # (the generated __eq__ compared tuples of arrays: "the truth value of an array ... is ambiguous")
        if type(other) is not type(self):
            return NotImplemented
        for f in fields(self):
            if f.name == "_record":  # (a cache of the arrays' long form)
                continue
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, (pd.Index, pd.DataFrame)):
                same = isinstance(b, type(a)) and a.equals(b)
            elif isinstance(a, np.ndarray):
                same = isinstance(b, np.ndarray) and a.dtype == b.dtype and \
                    np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
            else:
                same = a is b or a == b
            if not same:
                return False
        return True

    __hash__ = None  # (equal by value, and mutable)

    items: pd.Index
    periods: pd.Index
    on_hand: np.ndarray
    safety_stock: np.ndarray
    lead_time: np.ndarray
    gross: np.ndarray
    scheduled: np.ndarray
    projected: np.ndarray
    net: np.ndarray
    planned_receipts: np.ndarray
    planned_releases: np.ndarray
    past_due: np.ndarray
    order_counts: np.ndarray
    orders: pd.DataFrame
    _record: pd.DataFrame | None = field(default=None, repr=False)

    _FIELDS = {"gross": "gross", "scheduled_receipts": "scheduled", "projected_on_hand": "projected",
               "net_requirement": "net", "planned_receipt": "planned_receipts",
               "planned_release": "planned_releases"}

    @property
    def record(self) -> pd.DataFrame:
        """Long time-phased record: one row per (item, period) with ``gross``, ``scheduled_receipts``,
        ``projected_on_hand``, ``net_requirement``, ``planned_receipt`` and ``planned_release``."""
        if self._record is None:
            n, t_len = self.gross.shape
            # (Index operations: the columns keep the items' and periods' dtypes, rows or none)
            data = {"item": self.items.repeat(t_len), "period": self.periods.take(np.tile(np.arange(t_len), n))}
            for name, attr in self._FIELDS.items():
                data[name] = getattr(self, attr).reshape(-1)
            self._record = pd.DataFrame(data)
        return self._record

    def frame(self, what: str = "projected_on_hand") -> pd.DataFrame:
        """One quantity of the record as a wide frame (items x periods)."""
        if what not in self._FIELDS:
            raise ValueError(f"unknown quantity {what!r}; expected one of {', '.join(self._FIELDS)}")
        return pd.DataFrame(getattr(self, self._FIELDS[what]), index=self.items, columns=self.periods)

    @property
    def summary(self) -> pd.DataFrame:
        """Per item (the index, named ``item`` whatever the inputs' ids are named): on hand, safety stock, lead
        time, total gross, total planned, number of orders, past-due releases (quantity released before period
        0) and the first period with a net requirement."""
        has = self.net > 0
        first = np.where(has.any(axis=1), has.argmax(axis=1), -1) if has.shape[1] else \
            np.full(has.shape[0], -1, dtype=np.int64)  # (no periods: nothing short)
        return pd.DataFrame({
            "on_hand": self.on_hand, "safety_stock": self.safety_stock, "lead_time": self.lead_time,
            "total_gross": self.gross.sum(axis=1), "total_planned": self.planned_receipts.sum(axis=1),
            "orders": self.order_counts.sum(axis=1), "past_due_release": self.past_due,
            "first_short": _labels_at(self.periods, first),
        }, index=self.items.rename("item"))

    def cost(self, setup, holding) -> pd.Series:
        """Cost of the plan per item: ``setup x number of orders + holding x sum of end-of-period projected on
        hand`` (the objective Wagner-Whitin minimises; the on-hand part is the same for every rule).

        ``setup`` and ``holding``: a number, a Series/dict by item (an item not in it costs 0) or a 1-D array in
        the order of ``items``, as the lot rules take them: each a finite number >= 0 (ValueError naming the first
        item that is not). A missing (None/NaN) setup or holding counts 0."""
        for v, name in ((setup, "setup"), (holding, "holding")):
            if isinstance(v, (str, bytes)):   # (no on-hand frame here, whose column it could name)
                raise TypeError(f"{name} must be a number or one number per item (a Series/dict by item or an "
                                f"array in item order), got {v!r}")
        s, h = (_per_item(v, self.items, name, None, 0.0) for v, name in ((setup, "setup"), (holding, "holding")))
        _bad_costs(self.items, s, h)
        with np.errstate(over="ignore", invalid="ignore"):
            # (a holding cost of 0 costs nothing, whatever the stock: 0 x inf was NaN where the stock adds up
            # beyond the float range)
            held = np.where(h == 0.0, 0.0, h * self.projected.sum(axis=1))
            cost = s * self.order_counts.sum(axis=1) + held
        bad = ~np.isfinite(cost)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"cost: the cost of item {plain(self.items[i])!r} (setup x orders + holding x the sum "
                             f"of its projected on hand) would overflow the float range (|x| > 1.8e308)")
        return pd.Series(cost, index=self.items, name="cost")


def net_requirements(gross, on_hand=None, receipts=None, *, safety_stock=0, lead_time=0, lot=None,
                     periods=None, engine: str | None = None) -> NettingResult:
    """Gross-to-net per item and period, with safety stock, lead-time offsetting and lot sizing.

    For each item, period by period: ``available = projected[p-1] + scheduled[p] - gross[p]`` (starting from
    on hand); when ``available < safety_stock`` the **net requirement** is ``safety_stock - available`` and
    the lot rule sizes a **planned order receipt** in that period (several orders when a max caps it);
    ``projected[p] = available + planned receipt``. So projected on hand never falls below the safety stock.
    Every rule's receipts bring the stock to at least the safety stock exactly; where that float64 sum rounds
    below it (``(8.27 + 2219.79) - 2219.79`` is ``8.269999999999982``), the projected on hand is the safety
    stock, so a later period is not short by the rounding (no order of 1.8e-14 lbs, or of a lot min, for it).
    For the same reason a period covered by the last fixed-periods order or an earlier Wagner-Whitin lot gets no
    net requirement and no order. A period whose ``available`` is below the safety stock by no more than a
    running bound on its float64 error (half an ulp, ``2**-53``, of every input read, at least ``2**-1074`` for a
    subnormal, of every sum the roll makes, and up to four of a min/max/multiple lot that is not the need itself:
    ``70842 x 0.03`` is ``2125.2599999999998`` for the lot of 2125.26), less what such residues wrote off before,
    is at the safety stock (all write-offs together stay within the bound, so the exact stock stays within twice
    the bound of the safety stock): not short, as
    where the binary inputs themselves fall short (``0.03 - 0.01`` is 3.5e-18 below ``0.02``) or a first
    period's sum leaves a residue. A lot count within a few ulps of a whole number is that number
    (:class:`bk_fast.lots.MinMaxMultiple`). Where a multiple is only a few thousand ulps of the quantities (a
    multiple of 0.001-0.01 on lots of 1e10 lbs or more), float64 cannot tell a need of one multiple from the
    bound, and a plan may differ from the decimal plan by a multiple.
    The **planned order release** is the receipt period minus the lead time; releases that fall before period
    0 are reported as past due (``past_due``, ``orders.past_due``), never dropped.

    Parameters
    ----------
    gross : DataFrame (wide or long) or 2-D array
        Gross requirements per item and period (module docstring).
    on_hand : Series, dict, DataFrame, number or 1-D array, optional
        Stock at the start of the first period (a frame may also hold per-item parameter columns; its on-hand
        column is read as in :func:`weekly_balance`, the ERP's ``Beginning Balance`` with its movements as
        their theoretical balance).
    receipts : DataFrame or 2-D array, optional
        Scheduled receipts (open purchase orders) per item and period.
    safety_stock, lead_time : number, Series/dict by item, 1-D array or on_hand column name
        Per-item safety stock (>= 0) and lead time (whole periods >= 0).
    lot : LotRule, str or None
        Lot-sizing rule (:mod:`bk_fast.lots`): lot-for-lot (default), min/max/multiple, fixed periods,
        Wagner-Whitin. Its parameters may be per item.
    periods : sequence, optional
        Period labels in order.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    NettingResult
        ``.orders`` (planned orders), ``.record`` (long time-phased record), ``.frame(name)`` (wide),
        ``.summary`` (per item), ``.cost(setup, holding)``.

    Examples
    --------
    >>> import numpy as np, bk_fast
    >>> from bk_fast.lots import WagnerWhitin
    >>> res = bk_fast.net_requirements(np.array([[10.0, 20, 30, 40]]), 0.0,
    ...                                lot=WagnerWhitin(setup=30, holding=1), lead_time=1)
    >>> res.planned_receipts[0].tolist()
    [30.0, 0.0, 30.0, 40.0]
    >>> res.orders[["due_period", "release_period", "qty", "past_due"]]
       due_period  release_period   qty  past_due
    0           0              -1  30.0      True
    1           2               1  30.0     False
    2           3               2  40.0     False
    >>> float(res.cost(30, 1).iloc[0])
    110.0
    """
    g_src = _parse(gross, "gross")
    if g_src is None:
        raise TypeError("gross is required")
    r_src = _parse(receipts, "receipts")
    items, per, (oh_items, oh_vals, oh_frame, oh_keys) = _grid(g_src, [r_src], on_hand, periods,
                                                               on_hand_first=False, engine=engine)
    g = _matrix(g_src, items, per)
    sch = _matrix(r_src, items, per)
    oh = _vector(oh_items, oh_vals, items, "on_hand")
    p = _params(items, oh_frame, oh_keys, safety_stock, lead_time, lot)
    n, t_len = g.shape
    proj, net, rec = np.empty((n, t_len)), np.empty((n, t_len)), np.empty((n, t_len))
    counts = np.empty((n, t_len), dtype=np.int64)
    resolve("net_items", engine)(oh, g, sch, p.ss, p.rule, p.lot_min, p.lot_max, p.lot_mult, p.lot_periods,
                                 p.setup, p.hold, proj, net, rec, counts)
    _check_finite(items, per, "net_requirements", proj, rec)
    with np.errstate(over="ignore"):  # (finite receipts may add up to an infinite past due: named just below)
        rel, late = _releases(rec, p.lead)
    _check_finite(items, per, "net_requirements", late, *_totals(g, rec))
    orders = _orders_frame(items, per, rec, net, counts, p.lead, p)
    return NettingResult(items, per, oh, p.ss, p.lead, g, sch, proj, net, rec, rel, late, counts, orders)


# ----------------------------------------------------------------------------------------------------------
# multi-level MRP


@dataclass(eq=False)
class MRPResult(NettingResult):
    """Result of :func:`mrp`: a :class:`NettingResult` over the items in play (BOM items in low-level-code
    order, then items that are not in the BOM; items with no demand, receipts, stock or safety stock and none
    of those above them in the BOM are left out, as their record is all zeros), plus ``low_level_code``
    (-1 for items not in the BOM),
    ``independent`` (the external demand, items x periods) and ``is_phantom``. ``gross`` is the total gross
    requirement (independent + dependent); ``orders`` has a ``low_level_code`` column too."""

    low_level_code: np.ndarray = None
    independent: np.ndarray = None
    is_phantom: np.ndarray = None


def _matrix_rows(src: _Source | None, rows: np.ndarray | None, n: int, periods: pd.Index) -> np.ndarray:
    if src is None:
        return np.zeros((n, len(periods)))
    if src.array:
        raise TypeError(f"{src.what}: mrp needs frames keyed by item (the BOM's ids), not a bare 2-D array")
    t_len = len(periods)
    ci = periods.get_indexer(src.periods)
    vals = np.where(np.isnan(src.values), 0.0, src.values)
    if np.isinf(vals).any():
        pos = np.argwhere(np.isinf(vals))[0]
        raise ValueError(f"{src.what}: item {plain(src.items[pos[0]])!r} has an infinite quantity")
    keep = rows >= 0   # rows of items out of play hold zeros only
    kept = None
    if not keep.all():
        kept = np.flatnonzero(keep)
        rows, vals = rows[keep], vals[keep]
        if src.long:
            ci = ci[keep]
    if src.long:
        key = rows * t_len + ci
        flat = np.bincount(key, weights=vals, minlength=n * t_len) if n * t_len else np.zeros(0)
        _check_sums(src, flat, key, vals, kept)
        return np.ascontiguousarray(flat.reshape(n, t_len), dtype=np.float64)
    out = np.zeros((n, t_len))
    block = np.zeros((n, vals.shape[1]))
    with np.errstate(over="ignore"):   # (a sum beyond the float range: named next)
        np.add.at(block, rows, vals)
    _check_sums(src, block, rows, vals, kept)
    out[:, ci] = block
    return out


def mrp(demand, bom, on_hand=None, receipts=None, *, lead_time=0, safety_stock=0, lot=None, periods=None,
        engine: str | None = None) -> MRPResult:
    """Multi-level MRP through a compiled BOM: net each item level by level, explode planned releases.

    Items are processed in low-level-code order (every parent before any of its components). Each item's
    total gross requirement (independent demand + what its parents' planned releases need) is netted like
    :func:`net_requirements`: its stock and scheduled receipts are used first (so intermediate stock is used
    once, before going deeper), then planned orders cover the rest with the item's safety stock and lot rule.
    Each planned order is released ``lead_time`` periods before it is due, and the release is exploded into
    the components' gross requirements **in the release period** (``release x qty`` per BOM edge, ``qty`` with
    per/loss/factor applied by the BOM). Releases that fall before period 0 are past due: they are reported
    (``past_due``, ``orders.past_due``) and their components are required in period 0 (now). Items with
    no demand, receipts, stock or safety stock, and nothing of that kind above them, are left out of the
    result (their record would be all zeros).
    Phantom items (``BOM.from_frame(..., phantom=...)``) pass through: their own stock is netted, then
    lot-for-lot, zero lead time and zero safety stock whatever the parameters say.

    Parameters
    ----------
    demand : DataFrame (wide or long)
        Independent demand per item and period (module docstring), items by the BOM's ids (any level).
    bom : BOM
        The compiled BOM (:meth:`bk_fast.BOM.from_frame`).
    on_hand : Series, dict, DataFrame or number, optional
        Stock per item now (a frame may also hold per-item parameter columns; read as in
        :func:`net_requirements`).
    receipts : DataFrame, optional
        Scheduled receipts per item and period.
    lead_time, safety_stock, lot, periods, engine
        As in :func:`net_requirements` (per-item parameters by item id). An item left out of a per-item Series
        or dict (or NaN there) gets the parameter's default: lead time and safety stock 0, lot min 0, no max
        or multiple, 1 period, setup and holding cost 0. So a ``WagnerWhitin`` whose setup and holding Series
        leave an item out (costs for the finished items only) plans that item at no cost: one order, in its
        first period of need, for its whole horizon (ties go to the earliest order).

    Returns
    -------
    MRPResult

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["FG", "FG"], "component": ["Y1", "Y2"],
    ...                                            "qty_per": [0.6, 0.4]}))
    >>> demand = pd.DataFrame({"item": ["FG", "FG"], "week": [1, 3], "qty": [100.0, 50.0]})
    >>> res = bk_fast.mrp(demand, bom, on_hand={"FG": 30.0, "Y1": 10.0}, lead_time={"FG": 1, "Y1": 2},
    ...                   periods=[0, 1, 2, 3])
    >>> res.orders[["item", "due_period", "release_period", "qty"]]
      item  due_period  release_period   qty
    0   FG           1               0  70.0
    1   FG           3               2  50.0
    2   Y1           0              -2  32.0
    3   Y1           2               0  30.0
    4   Y2           0               0  28.0
    5   Y2           2               2  20.0
    """
    from bk_fast.bom import BOM

    if not isinstance(bom, BOM):
        raise TypeError(f"bom must be a compiled bk_fast.BOM (BOM.from_frame(...)), got {type(bom).__name__}")
    d_src = _parse(demand, "demand")
    if d_src is None:
        raise TypeError("demand is required")
    r_src = _parse(receipts, "receipts")
    oh_items, oh_vals, oh_frame, oh_keys = _on_hand(on_hand, engine=engine)
    srcs = [s for s in (d_src, r_src) if s is not None]
    if any(s.array for s in srcs):
        raise TypeError("mrp needs frames keyed by item (the BOM's ids), not a bare 2-D array")
    if oh_items is None and oh_vals is not None and np.ndim(oh_vals) != 0:
        raise TypeError("mrp needs on_hand keyed by item (Series, dict or frame) or one number for all items")
    per = _periods(srcs, periods)
    nb = bom.n_items
    # items outside the BOM (ids that bom.codes does not know), in order of appearance
    # ids made comparable exactly (bom.codes and the union below match integer and float64 ids as floats)
    keyed = same_ids([(s.what, s.items) for s in srcs] + ([("on_hand", oh_items)] if oh_items is not None
                                                            else []), fixed=[("the BOM", bom.items)])
    for s, labels in zip(srcs, keyed):
        s.items = labels
    if oh_items is not None:
        oh_items = keyed[-1]
    codes = [bom.codes(labels) if len(labels) else np.zeros(0, dtype=np.int64) for labels in keyed]
    extra = _union([pd.Index(labels[c < 0]) for labels, c in zip(keyed, codes) if (c < 0).any()])
    n = nb + len(extra)
    if len(extra):   # (int64 BOM ids with uint64 ones beyond int64 were united as float64: ids rounded)
        b_ids, e_ids = same_ids([("the BOM", bom.items), ("the other inputs", extra)])
        items = pd.Index(b_ids.append(e_ids), name=None, tupleize_cols=False)
    else:
        items = bom.items.rename(None)

    def rows_of(labels, c):
        """Rows in ``items`` of ``labels`` whose BOM codes are ``c``: the misses are looked up in ``extra``
        (-1 where not found there either: a per-item parameter's key for no item in play)."""
        miss = c < 0
        if miss.any():
            c = c.copy()
            e = extra.get_indexer(labels[miss]) if len(extra) else np.full(int(miss.sum()), -1)
            c[miss] = np.where(e >= 0, nb + e, -1)
        return c

    rows = [rows_of(labels, c) for labels, c in zip(keyed, codes)]
    rows_d = rows[0]
    rows_r = rows[1] if r_src is not None else None
    oh_rows = rows[-1] if oh_items is not None else None
    if oh_items is not None:
        oh = _item_sums(oh_rows, oh_vals, items, "on_hand")
    else:
        oh = _vector(None, oh_vals, items, "on_hand")
    # per-item parameters are matched to the items the way demand and stock are (through bom.codes: ids
    # stripped, integral floats as integers): an on-hand frame's columns are keyed by the item of each row, a
    # Series/dict by the item its key maps to (e.g. ' FG' of an ERP export is the BOM's 'FG')
    def canonical(value, name):
        if isinstance(value, dict):
            value = pd.Series(value, dtype=None if value else "float64")
        if not isinstance(value, pd.Series) or not len(value):
            return value
        if not isinstance(value.index, pd.MultiIndex) and value.index.hasnans:   # (matches no item)
            value = value[~value.index.isna()]
        keys, = same_ids([(name, pd.Index(value.index))],
                          fixed=[("the BOM", bom.items), ("the other inputs", items)])
        if keys is not value.index:
            value = pd.Series(value.to_numpy(), index=keys)
        # each key's row in ``items`` (the BOM's codes, then the items outside it), found as the demand's are:
        # no relabelled copy of the keys to hash again (a 10^6-item lead-time Series: ~1 s of a 2 s call)
        return _ItemRows(value, rows_of(keys, bom.codes(keys)))

    rule = lot_rule(lot)
    if dataclasses.fields(rule):
        rule = dataclasses.replace(rule, **{f.name: canonical(getattr(rule, f.name), f.name)
                                            for f in dataclasses.fields(rule)})
    p = _params(items, oh_frame, items[oh_rows] if oh_frame is not None else None,
                canonical(safety_stock, "safety_stock"), canonical(lead_time, "lead_time"), rule)
    phantom = np.zeros(n, dtype=bool)
    phantom[:nb] = bom.is_phantom
    if phantom.any():
        p.rule[phantom] = LotForLot.code
        p.lead[phantom] = 0
        p.ss[phantom] = 0.0

    # items in play: demand, receipts, stock or safety stock, and everything below them in the BOM; the
    # others' records would be all zeros, so they are left out (a 10^6-item BOM stays cheap for sparse demand)
    seed = (oh != 0) | (p.ss > 0)
    for src, rows in ((d_src, rows_d), (r_src, rows_r)):
        if src is not None and len(rows):
            v = np.nan_to_num(src.values, nan=0.0)
            seed[rows[(v != 0) if src.long else (v != 0).any(axis=1)]] = True
    active = seed.copy()
    if nb and seed[:nb].any():
        codes = np.flatnonzero(seed[:nb])
        active[:nb] = bom._reach(codes.astype(np.int64), engine)
    idx = np.flatnonzero(active)
    m = idx.shape[0]
    pos = np.full(n, -1, dtype=np.int64)
    pos[idx] = np.arange(m, dtype=np.int64)
    ab = idx[idx < nb]
    ne = m - ab.shape[0]
    indptr = np.asarray(bom.indptr, dtype=np.int64)
    cnt = indptr[ab + 1] - indptr[ab] if nb else np.zeros(0, dtype=np.int64)
    total = int(cnt.sum())
    edges = (np.repeat(indptr[ab] - np.concatenate(([0], np.cumsum(cnt)[:-1])), cnt) + np.arange(total)
             if total else np.zeros(0, dtype=np.int64))
    child_idx = np.ascontiguousarray(pos[np.asarray(bom.indices, dtype=np.int64)[edges]])
    child_qty = np.ascontiguousarray(np.asarray(bom.qty, dtype=np.float64)[edges])
    child_ptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(cnt, out=child_ptr[1:ab.shape[0] + 1])
    child_ptr[ab.shape[0] + 1:] = total
    llc_b = np.asarray(bom.llc, dtype=np.int64)[ab]
    per_level = (np.bincount(llc_b, minlength=bom.n_levels) if ab.shape[0]
                 else np.zeros(bom.n_levels, dtype=np.int64))
    level_ptr = np.concatenate([[0, ne], ne + np.cumsum(per_level)]).astype(np.int64)
    nab = ab.shape[0]
    order = np.concatenate([np.arange(nab, m, dtype=np.int64), np.arange(nab, dtype=np.int64)])

    t_len = len(per)
    indep = _matrix_rows(d_src, pos[rows_d], m, per)
    sch = _matrix_rows(r_src, pos[rows_r] if rows_r is not None else None, m, per)
    items = items[idx]
    oh = oh[idx]
    for name in ("ss", "lead", "rule", "lot_min", "lot_max", "lot_mult", "lot_periods", "setup", "hold"):
        setattr(p, name, np.ascontiguousarray(getattr(p, name)[idx]))
    phantom = phantom[idx]
    gross = indep.copy()
    proj, net, rec, rel = (np.empty((m, t_len)) for _ in range(4))
    late = np.empty(m)
    counts = np.empty((m, t_len), dtype=np.int64)
    resolve("mrp_levels", engine)(order, level_ptr, child_ptr, child_idx, child_qty, p.lead, oh, gross, sch,
                                  p.ss, p.rule, p.lot_min, p.lot_max, p.lot_mult, p.lot_periods, p.setup,
                                  p.hold, proj, net, rec, rel, late, counts)
    _check_finite(items, per, "mrp", gross, proj, rec, late, *_totals(gross, rec))
    llc = np.concatenate([llc_b, np.full(ne, -1, dtype=np.int64)])
    orders = _orders_frame(items, per, rec, net, counts, p.lead, p, {"low_level_code": llc})
    return MRPResult(items, per, oh, p.ss, p.lead, gross, sch, proj, net, rec, rel, late, counts, orders,
                     low_level_code=llc, independent=indep, is_phantom=phantom)


# ----------------------------------------------------------------------------------------------------------
# demo


def _demo_step(mill, engine):
    """``bk-fast demo``: the yarns that go short in the next 8 weeks (knit-order demand exploded through the
    BOM by start week, netted against stock and open POs), with the week and the suggested order."""
    from bk_fast._demo import DemoReport, today
    from bk_fast.bom import BOM
    from bk_fast.erp import _alloc_po_supply, _net_yarn_ids

    # the ERP's buckets from the planning date on: This Week, then the next 7 weeks of 7 days each
    day0 = today()
    weeks = ["This Week", *(f"Week {(day0 + pd.Timedelta(weeks=k)).date().isoformat()}" for k in range(1, 8))]
    # yarn ids in one form in the BOM, the stock and the POs (as the allocation step reads them: a text id that
    # is a whole number, "13084", is the integer yarn 13084, which the PO reader makes of it)
    bom_frame = mill["bom"]
    if "Desc#" in bom_frame.columns:
        bom_frame = bom_frame.assign(**{"Desc#": _net_yarn_ids(bom_frame["Desc#"]).to_numpy()})
    bom = BOM.from_frame(bom_frame, engine=engine)
    ko = mill["knit_orders"]
    week = ((ko["Start Date"] - day0).dt.days // 7).clip(lower=0)
    keep = ko["Style #"].notna() & (week < len(weeks)) & (bom.codes(ko["Style #"]) >= 0)
    demand = pd.DataFrame({"item": ko["Style #"][keep].to_numpy(),
                           "week": [weeks[int(w)] for w in week[keep]],
                           "qty": ko["Balance (lbs)"][keep].fillna(0.0).to_numpy()})
    inv = mill["yarn_inventory"]
    inv = inv[inv["Desc#"].notna()]  # (an export's empty rows are no yarn)
    stock = pd.Series(inv["Theoretical Balance"].to_numpy(), index=_net_yarn_ids(inv["Desc#"]).to_numpy())
    po = mill["yarn_po"]
    po = po[po["Desc#"].notna()]  # (as the inventory's: net_requirements would skip them, the count not)
    # each receipt dated as the allocation step dates it (past due and This Week today, `Week 2025-09-08`,
    # `Week 9/8/2025` or `Week 9/8/25` on that date, a numbered `Week 37` on its Monday, Later a week after
    # the last; a week whose date cannot be read is a ValueError naming the column), in the bucket of its date
    rec = _alloc_po_supply(po, day0)
    rec = rec[rec["Desc#"].notna()]
    k = ((rec["date"] - day0).dt.days // 7).to_numpy()
    due = k < len(weeks)
    receipts = pd.DataFrame({"item": rec["Desc#"].to_numpy()[due], "week": [weeks[i] for i in k[due]],
                             "qty": rec["lbs"].to_numpy()[due]})
    # a knit order's start week is when its yarn is needed (the style itself has no lead time, and no lot: its
    # balance is exploded as it is); yarns: 2 weeks, bought in lots of min 100 lbs, multiple 50
    yarns = bom.items[bom.is_leaf].append(pd.Index(stock.index))
    yarns = yarns[~yarns.duplicated()]
    lot = MinMaxMultiple(min=pd.Series(100.0, index=yarns), multiple=pd.Series(50.0, index=yarns))
    res = mrp(demand, bom, stock, receipts, lead_time=pd.Series(2.0, index=yarns), lot=lot, periods=weeks,
              engine=engine)
    is_yarn = res.low_level_code != 0   # styles are the top level; yarns only in the inventory are -1
    short = is_yarn & (res.net > 0).any(axis=1)
    rows = np.flatnonzero(short)
    first = (res.net[rows] > 0).argmax(axis=1)
    orders = res.orders[isin(res.orders["item"], res.items[rows])]
    first_order = orders.groupby("item", sort=False).first()
    table = pd.DataFrame({
        "Desc#": res.items[rows],
        "short week": [weeks[i] for i in first],
        "net need (lbs)": res.net[rows, first].round(1),
        "suggested order (lbs)": first_order["qty"].reindex(res.items[rows]).to_numpy(),
        "release": ["past due" if r < 0 else weeks[r]
                    for r in first_order["release_period"].reindex(res.items[rows]).to_numpy()],
    })
    table = table.iloc[np.lexsort((-table["net need (lbs)"].to_numpy(), first))]
    unknown = int((~isin(res.items[rows], stock.index)).sum())
    lines = [
        f"{int(keep.sum()):,} of {len(ko):,} knit orders exploded by start week through {bom!r}"
        + (" (the others: no style in the BOM, no start date, or a start beyond 8 weeks)" if not keep.all() else "")
        + f"; stock and {len(po):,} open PO lines netted (receipts by the week of their date"
        + (f"; {rec['lbs'].to_numpy()[~due].sum():,.0f} lbs due after the 8 weeks left out)" if (~due).any()
           else ")"),
        f"{int(short.sum())} yarns go short within 8 weeks; suggested orders: {len(orders)} "
        f"({orders['qty'].sum():,.0f} lbs; lot min 100 lbs, multiple 50, lead time 2 weeks), "
        f"{int(orders['past_due'].sum())} of them past due; {unknown} short yarns are not in the yarn "
        f"inventory",
    ]
    per_week = np.bincount(first, minlength=len(weeks))
    lines.append("first short week: " + ", ".join(f"{w} {c}" for w, c in zip(weeks, per_week) if c))
    return DemoReport("Yarns short in the next 8 weeks (netting + MRP)", lines,
                      table.head(10).reset_index(drop=True))

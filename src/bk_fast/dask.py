"""bk_fast's kernels on Dask: partitioned the way the algorithms allow, equal to the single-machine results.

bk_fast does not grow its own cluster. For plans that outgrow one machine (a group of mills, a service
planning every customer nightly), these functions run the single-machine functions inside Dask, one call per
partition, on data split so that each call sees everything its answer depends on:

- :func:`explode`: the compiled :class:`bk_fast.BOM` is sent to the workers **once** (``Client.scatter(...,
  broadcast=True)`` when a distributed client is active); each demand partition is validated and mapped to
  item codes on its own worker. With ``exact=True`` (default) the mapped lines (16 bytes each) are accumulated
  in partition order and propagated through the BOM once, which gives the single-machine result bit for bit;
  with ``exact=False`` every partition is exploded independently and the partial requirements are summed per
  component in a tree (less data moved, but floating-point sums in another order: equal to rounding only).
  ``by_line=True`` is per line and therefore always exact and fully parallel (the unmatched demand its
  partitions carry is found first, when :func:`explode` is called, by a pass that maps ids to codes).
- :func:`weekly_balance` and :func:`net_requirements`: **partitioned by item**. Every input keyed by item is
  split by ranges of item ids (bounds from the sorted distinct items), so each item's periods stay together;
  the period axis is computed once globally and passed to every partition. An item's roll or netting depends
  on nothing else, so each partition's answer is exactly the single-machine answer for its items.
- :func:`allocate`: **partitioned by item** (single-item allocation is independent per item).
- :func:`allocate_kits`: an order needs all of its items at once, so orders that share an item (directly or
  through other orders) must be allocated together: the **connected components of the order-item graph**
  are computed first and whole components are packed into partitions.

Results are Dask DataFrames. Outputs keyed by item (weekly balance, netting record/orders/summary, allocation
deliveries) are indexed by item and sorted, with **known divisions**; outputs keyed by order rows (allocation
``orders``/``shortfalls``, kits) keep the input's row labels and have unknown divisions. Rows come in item
order (the single-machine functions list items in order of appearance); the values are identical. The
index keeps the ids' dtype as in memory, but for object ids that pandas reads as numbers (an object column
of Python ints, or of ints and floats) over several partitions: pandas infers int64 (or uint64; float64 for
ints beside floats, 10 becoming 10.0, an int beyond 2**53 rounded) when it concatenates the partitions'
object indexes, so every partition and the declared index have that dtype (with one partition: object, as
in memory). So with object text ids where the in-memory index stays object (no input brings an id the first
lacks): pandas infers ``str`` when it appends object indexes of text (pandas-dev/pandas#60159), which Dask's
``compute()`` does with the partitions' answers, so when the rows may fall in two item ranges or more every
partition and the declared index are ``str`` (the values as in memory); in one range, object, as in memory.
Categorical ids whose categories differ between the inputs get the dtype the in-memory function
gives their union (text, or the first input's categorical when the others bring no id it lacks) in every
partition, though a partition's own items may unite otherwise; so do text ids of several dtypes where one is
``str``, pandas' ``string`` or Arrow strings in ``pd.ArrowDtype`` (``dtype_backend="pyarrow"`` readers), and
such ids beside an empty input of another kind. An input whose partitions hold Arrow ``string`` and
``large_string`` ids (files from several writers), or pandas ``string`` and ``str`` ids (unless another
input's partitions differ otherwise), counts as its ``compute()`` (``pd.concat``) gives it. Nullable ids
(``Int64``) beside NumPy numbers are nullable items when they join the in-memory union (the first input with
ids, or bringing an id the earlier inputs lack), as in memory; so are netting's ``orders``, whose ids every
item range casts to the whole call's dtype (the ranges holding planned orders may unite theirs as int64).

Item ids must be sortable (one kind: numbers, or text) where inputs are split by item ranges
(:func:`weekly_balance`, :func:`net_requirements`, :func:`allocate`: mixed ids are a TypeError);
:func:`explode` and :func:`allocate_kits` take any ids the single-machine functions take. Inputs keyed by
item may be Dask or pandas frames (pandas inputs are split on the client). Time-phased inputs and on-hand
must be frames or Series keyed by item (2-D arrays and positional per-item arrays have no item ids to split
by). Dask inputs are read twice (once for the distinct items and periods, once for the work): ``persist()``
them first if they are expensive.
Dask turns text columns into Arrow strings by default (``dataframe.convert-string``); results then carry that
dtype (the values are the same); set it to False when building the inputs to keep pandas' own dtypes. It
converts an object column of ids mixing integers and text too: its integers arrive as text (``"18767"``),
which an integer-keyed BOM does not match (``dd.from_pandas`` under that option), so keep such columns
object with the option off. The same goes for an object column of dates (``datetime.date``, from ``.dt.date``):
it arrives as text, which the netting functions do not read as dates; convert it with ``pd.to_datetime``
or keep the option off. A row without an item is an error, as in the single-machine functions; an export's
empty row (no item, no quantity) in a time-phased input is skipped, as there.
A period column mixing date objects with text labels (``"Later"``) is read per partition, where a piece of
dates alone becomes Timestamps that the call's axis does not hold (an error): convert the dates first.
:func:`allocate` partitions may count date steps differently from the whole call when one item has
nanosecond times and another spans more than 104 days (the step is common to a call).

Examples
--------
>>> import pandas as pd, dask.dataframe as dd, bk_fast, bk_fast.dask as bkd
>>> lines = pd.DataFrame({"parent": ["FG", "FG", "SUB"], "component": ["SUB", "Y1", "Y2"],
...                       "qty_per": [2.0, 0.5, 3.0]})
>>> bom = bk_fast.BOM.from_frame(lines)
>>> demand = dd.from_pandas(pd.DataFrame({"item": ["FG", "SUB", "FG"], "qty": [10.0, 1.0, 2.0]}),
...                         npartitions=2)
>>> bkd.explode(demand, bom).compute()
  item   qty
0   Y1   6.0
1   Y2  75.0
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd

try:
    import dask
    import dask.dataframe as dd
    from dask.delayed import delayed
except ImportError as exc:
    raise ImportError(f'bk_fast.dask needs dask[dataframe]: pip install "bk_fast[dask]" ({exc})') from exc

from bk_fast import allocation as _alloc
from bk_fast import netting as _net
from bk_fast.allocation import allocate as _allocate
from bk_fast.allocation import allocate_kits as _allocate_kits
from bk_fast.allocation import _components  # (the order-item graph's, shared with allocate_kits)
from bk_fast._validate import exact_int_floats, float_column, id_kind, same_ids
from bk_fast._validate import plain as _plain
from bk_fast.bom import BOM, _unmatched, _with_unmatched
from bk_fast.netting import net_requirements as _net_requirements
from bk_fast.netting import weekly_balance as _weekly_balance

__all__ = ["explode", "broadcast", "BroadcastBOM", "weekly_balance", "net_requirements", "NettingFrames",
           "allocate", "AllocationFrames",
           "allocate_kits", "KitAllocationFrames", "order_item_components"]


# ----------------------------------------------------------------------------------------------------------
# plumbing


def _client():
    try:
        from distributed import get_client
    except ImportError:  # pragma: no cover - distributed is part of the extra
        return None
    try:
        return get_client()
    except ValueError:
        return None


def _broadcast(obj):
    """``obj`` as something a task can take: a future replicated on every worker under a distributed client
    (sent once per worker, reused by every task), else a delayed constant (one key in the graph)."""
    client = _client()
    if client is not None:
        return client.scatter(obj, broadcast=True, hash=False)
    return delayed(obj, pure=True, traverse=False)


def _is_dask(obj) -> bool:
    return isinstance(obj, (dd.DataFrame, dd.Series))


def _parts(obj) -> list:
    """Partitions of a Dask collection as delayed objects, or ``[obj]`` for a pandas object."""
    if _is_dask(obj):
        return list(obj.to_delayed())
    return [obj]


def _meta(obj):
    return obj._meta if _is_dask(obj) else obj


def _key_values(part, key) -> np.ndarray:
    """Item ids of a frame's rows: column ``key``, or the index when ``key`` is None."""
    if key is None:
        return part.index.to_numpy()
    return part[key].to_numpy()


def _read_rows(part, what):
    """The rows of a partition of a time-phased input (``what``: its name) that the single-machine functions
    read: an export's empty rows (no item, no quantity) are skipped there, so they go to no item range here;
    a partition as it is for other inputs (``what`` None)."""
    rows = _net._kept_rows(part, what) if what is not None else None
    return part if rows is None else part.iloc[rows]


def _distinct(part, key, what=None) -> tuple:
    """(distinct item ids of a partition, its row count, (position, label) of its first row without an item
    id or None, the ids' dtype): the single-machine functions refuse a missing item, and item ranges cannot
    hold one. The empty rows of a time-phased input (``what``: its name) are no such row: they are skipped, as
    there."""
    dtype = (part.index if key is None else part[key]).dtype
    vals = _key_values(part, key)
    na = pd.isna(vals)
    first = None
    if na.any():
        missing = na
        rows = _net._kept_rows(part, what) if what is not None else None
        if rows is not None:
            missing = np.zeros(len(part), dtype=bool)
            missing[rows] = na[rows]
        if missing.any():
            pos = int(np.flatnonzero(missing)[0])
            first = (pos, _plain(part.index[pos]))
        vals = vals[~na]
    return (pd.Index(pd.unique(vals)) if len(vals) else pd.Index(vals)), len(part), first, dtype


def _period_order(part, key, what=None) -> pd.Index:
    """The distinct periods of a partition in order of appearance, in the column's dtype (nullable and Arrow
    dtypes too, as the single-machine functions keep them)."""
    vals = _read_rows(part, what)[key]
    vals = vals[~vals.isna().to_numpy(dtype=bool)]  # not a period: the single-machine function reports the row
    return pd.Index(pd.unique(vals)) if len(vals) else pd.Index(vals.array)


def _union_ids(indexes) -> pd.Index:
    """The distinct ids of several indexes in order of appearance (``netting._union``), object ids that pandas
    would read as float64 (Python integers beside floats) kept object, as one index keeps them: appending object
    indexes infers a dtype from their ids (``[10, 11.5] + [12]`` gives float64, 10 becoming 10.0), so the items
    of an input depended on its partitioning."""
    indexes = [i for i in indexes if i is not None and len(i)]
    out = _net._union(indexes)
    if getattr(out.dtype, "kind", "O") == "f" and all(i.dtype == object for i in indexes):
        return pd.Index(pd.unique(np.concatenate([i.to_numpy() for i in indexes])), dtype=object)
    return out


def _sorted_items(indexes) -> pd.Index:
    items = _union_ids(indexes)
    try:
        return items.sort_values()
    except TypeError:
        pass
    # name one id of each kind, and where text ids beside numbers most often come from
    vals = items.to_numpy(dtype=object)
    text = next((v for v in vals if isinstance(v, str)), None)
    number = next((v for v in vals if isinstance(v, (int, float, np.number)) and not isinstance(v, bool)), None)
    number = number.item() if isinstance(number, np.generic) else number
    seen = f" ({number!r} beside {text!r})" if text is not None and number is not None else ""
    hint = (": dd.from_pandas turns an object column into text unless "
            "dask.config.set({'dataframe.convert-string': False})" if seen else "")
    raise TypeError("bk_fast.dask partitions by ranges of item ids, so item ids must be sortable (all numbers "
                    f"or all text); got mixed kinds{seen}{hint}") from None


def _bounds(items: pd.Index, nparts: int) -> tuple[np.ndarray, tuple]:
    """Cut points splitting the sorted distinct ``items`` into ``nparts`` ranges of (nearly) equal size, and
    the Dask divisions of an item-indexed result."""
    n = len(items)
    nparts = max(1, min(nparts, n))
    cuts = [(k * n) // nparts for k in range(1, nparts)]
    vals = items.to_numpy()
    bounds = vals[cuts] if cuts else vals[:0]
    # the labels as the index holds them (Timestamps for dates: datetime64[ns].tolist() gives integers)
    divisions = tuple(_plain(v) for v in items[[0] + cuts]) + (_plain(items[-1]),) if n else (None, None)
    return bounds, divisions


def _range_of(bounds: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """Item range of every value (``searchsorted(bounds, vals, side="right")``), compared exactly when one
    side is signed and the other unsigned: NumPy compares int64 with uint64 as float64, so an input keyed
    by uint64 ids and one keyed by int64 ids would send the same item above 2**53 to different ranges."""
    kinds = bounds.dtype.kind + vals.dtype.kind
    if kinds == "iu":  # signed bounds, unsigned values: above int64's max is past every bound
        big = vals > np.iinfo(np.int64).max
        low = np.where(big, 0, vals).astype(np.int64)
        where = np.searchsorted(bounds.astype(np.int64), low, side="right")
        where[big] = len(bounds)
        return where
    if kinds == "ui":  # unsigned bounds, signed values: a negative value is below every bound
        neg = vals < 0
        high = np.where(neg, 0, vals).astype(np.uint64)
        where = np.searchsorted(bounds.astype(np.uint64), high, side="right")
        where[neg] = 0
        return where
    return np.searchsorted(bounds, vals, side="right")


def _split(part, key, bounds, nparts: int, what=None) -> tuple:
    """Rows of ``part`` split by item range (row order kept within each piece); the empty rows of a
    time-phased input (``what``: its name) in none."""
    part = _read_rows(part, what)
    if nparts == 1:
        return (part,)
    vals = _key_values(part, key)
    where = _range_of(bounds, vals) if len(vals) else np.zeros(0, dtype=np.int64)
    order = np.argsort(where, kind="stable")
    ends = np.cumsum(np.bincount(where, minlength=nparts))
    starts = np.r_[0, ends[:-1]]
    return tuple(part.iloc[order[s:e]] for s, e in zip(starts, ends))


def _split_all(obj, key, bounds, nparts: int, what=None) -> list:
    """Per output partition, the list of pieces of ``obj`` (one per input partition, in partition order), as
    delayed objects; ``obj`` itself (broadcast) when it is not a frame or Series keyed by item. ``what``: the
    name of a time-phased input, whose empty rows go nowhere."""
    if obj is None or not isinstance(obj, (pd.DataFrame, pd.Series)) and not _is_dask(obj):
        return [obj] * nparts
    if _is_dask(obj):
        pieces = [delayed(_split, nout=nparts, pure=True)(p, key, bounds, nparts, what)
                  for p in obj.to_delayed()]
        return [[pc[j] for pc in pieces] for j in range(nparts)]
    local = _split(obj, key, bounds, nparts, what)
    return [[piece] for piece in local]


def _join(pieces):
    """One frame from the pieces of an input (or the broadcast value itself), as Dask's ``compute()`` joins
    partitions: the pieces with rows (an empty piece may have other dtypes, say an empty file read as object
    beside integer ids: pandas would give object), else the first."""
    if not isinstance(pieces, list):
        return pieces
    held = [p for p in pieces if len(p)]
    if len(held) < 2:
        return held[0] if held else pieces[0]
    return pd.concat(held)


def _as_frame(obj, what):
    if isinstance(obj, dict):
        return pd.Series(obj, dtype=None if obj else "float64")
    if isinstance(obj, np.ndarray) or (isinstance(obj, (list, tuple)) and np.ndim(obj) >= 1):
        raise TypeError(f"{what}: bk_fast.dask splits inputs by item id, so {what} must be a DataFrame or "
                        f"Series keyed by item (or a scalar), not a positional array")
    return obj


def _time_phased_key(obj, what):
    """(item column or None for the index, period column or None for a wide frame) of a time-phased input."""
    meta = _meta(obj)
    if isinstance(meta, pd.Series):
        raise TypeError(f"{what}: pass a long (item, period, qty) or wide (item x periods) DataFrame")
    src = _net._parse(meta.head(0) if isinstance(meta, pd.DataFrame) else meta, what)
    item = _net._item_column(meta, what)
    period = _net._lookup(meta, _net._PERIOD_NAMES) if src.long else None
    return item, period


def _on_hand_key(obj, what):
    meta = _meta(obj)
    if isinstance(meta, pd.Series):
        return None
    return _net._item_column(meta, what)


def _from_parts(parts: list, meta, divisions=None) -> dd.DataFrame:
    # results keep the single-machine dtypes: no conversion of object columns (mixed ids) to Arrow strings
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_delayed(parts, meta=meta, divisions=divisions, verify_meta=False)


def _pick(result, name):
    return getattr(result, name)


# ----------------------------------------------------------------------------------------------------------
# BOM explosion


def _int_size(x) -> int:
    """0 for an integer in [0, 2**63), 1 in [-2**63, 0), 2 in [2**63, 2**64), 3 beyond: the ranges by which
    pandas reads integers as int64, uint64 or object."""
    if 0 <= x < 2 ** 63:
        return 0
    if -2 ** 63 <= x < 0:
        return 1
    return 2 if 2 ** 63 <= x < 2 ** 64 else 3


def _id_kinds(ids, n: int) -> tuple:
    """A partition's ids as the dtype of an empty unmatched frame sees them: (source, kinds, values). ``values``
    holds one id of each kind as ``BOM.explode`` samples ids (``list(ids[pick])``: NumPy scalars of a numeric
    array, the objects of an object array), ``kinds`` the kind of every line (an int when they share one),
    ``source`` the ids' array kind ('i', 'f', 'O'). pandas infers the dtype of ids from their types and, for
    integers, their ranges (int64, uint64 or object), so ids of one kind are interchangeable there: the dtype of
    the ids at any positions is that of their kinds' values."""
    if isinstance(ids, pd.Series):  # (text ids, read by the BOM's text lookup: one kind)
        return "O", 0, [ids.iloc[0]] if n else []
    vals = np.asarray(ids)
    source = vals.dtype.kind
    if not n:
        return source, 0, []
    if source == "i":  # (the sign tells int64 from object beside a Python integer of 2**63 or more)
        neg = vals < 0
        if neg.any() and not neg.all():
            return source, neg.astype(np.uint8), [vals[int(np.argmin(neg))], vals[int(np.argmax(neg))]]
        return source, 0, [vals[0]]
    if source != "O" or pd.api.types.infer_dtype(vals, skipna=False) in ("string", "floating", "boolean"):
        return source, 0, [vals[0]]
    index, values, kinds = {}, [], []
    for x in vals:  # (ids of several kinds: their reading went through them one by one too)
        t = type(x)
        key = (t, _int_size(x)) if t is not bool and issubclass(t, (int, np.integer)) else t
        k = index.get(key)
        if k is None:
            k = index[key] = len(values)
            values.append(x)
        kinds.append(k)
    if len(values) == 1:
        return source, 0, values
    return source, np.array(kinds, dtype=np.uint8 if len(values) < 256 else np.int64), values


def _float_ids(pieces) -> bool:
    """Whether the whole demand reads its ids as floats, from its partitions' unmatched lines (:func:`_mapped`):
    some partition has lines of a float column that stayed floats (a non-whole id). A float column reads as
    integers only when all its ids are whole, so a partition of whole float ids alone reads them as int64
    where the whole demand reads them as float64."""
    return any(p[0].dtype.kind == "f" if p[0].shape[0] else p[4] is not None and p[4][0] == "f" and bool(p[4][2])
               for p in pieces)


class _Lines:
    """The ids of all partitions' lines in order, as ``bom._unmatched`` samples them for the item dtype of an
    empty unmatched frame (``len`` and ``[positions]``: the same 16 positions over the whole demand), from the
    partitions' :func:`_id_kinds` alone. Integer ids as the whole demand reads them: a partition whose ids all
    fit int64 (NumPy integers) beside one of Python integers (ids of 2**63 or more, or of several kinds) gives
    Python integers, beside one of non-whole float ids (a float column) floats."""

    def __init__(self, pieces):
        kinds = [p[4] for p in pieces]
        self._ends = np.cumsum([p[3] for p in pieces], dtype=np.int64)
        py_int = any(src == "O" and any(type(v) is int for v in vals) for src, _, vals in kinds)
        floats = _float_ids(pieces)
        self._kinds = [(k, [int(v) if py_int else np.float64(v) if floats else v for v in vals] if src == "i"
                        else vals) for src, k, vals in kinds]

    def __len__(self) -> int:
        return int(self._ends[-1]) if self._ends.shape[0] else 0

    def __getitem__(self, pick) -> list:
        out = []
        for pos in np.asarray(pick).tolist():
            j = int(np.searchsorted(self._ends, pos, side="right"))
            kinds, vals = self._kinds[j]
            start = int(self._ends[j - 1]) if j else 0
            out.append(vals[kinds if isinstance(kinds, int) else int(kinds[pos - start])])
        return out


def _mapped(part: pd.DataFrame, bom: BOM, item, qty, engine=None):
    """Validate one demand partition and map its ids to BOM codes: (codes, qty, line labels, unmatched), the
    unmatched lines as (ids, missing mask, qty, the partition's line count, its ids' kinds (:func:`_id_kinds`;
    None when some line is unmatched: the whole demand's unmatched frame then has rows), and when the unmatched
    lines are all missing ids, the count and kinds of its present ids (else None)))."""
    got = bom._demand(part, item, qty, engine)
    ids, miss, q, labels, qlabel = got[:5]
    pre = got[5] if len(got) > 5 else None  # codes the BOM already mapped (many text ids)
    q = np.ascontiguousarray(q, dtype=np.float64)
    bom._check_finite(q, qlabel, labels)
    if pre is not None:
        codes = np.array(pre, dtype=np.int64)
    else:
        codes = np.array(bom._codes(ids), dtype=np.int64) if len(ids) else np.zeros(0, dtype=np.int64)
    if miss.any():
        codes[miss] = -1
    bad = np.flatnonzero(codes < 0)
    miss_b = np.array(miss[bad] if miss.shape[0] == q.shape[0] else np.zeros(bad.shape[0], dtype=bool))
    kinds = _id_kinds(ids, q.shape[0]) if not bad.shape[0] else None
    present = None
    if bad.shape[0] and miss_b.all():  # (only missing ids unmatched: the report is typed by the present ones)
        keep = np.flatnonzero(~miss)
        present = (keep.shape[0], _id_kinds(ids.iloc[keep] if isinstance(ids, pd.Series) else
                                            np.asarray(ids)[keep], keep.shape[0]))
    return codes, q, labels, (np.asarray(ids)[bad], miss_b, q[bad], q.shape[0], kinds, present)


def _map_lines(part: pd.DataFrame, bom: BOM, item, qty, engine=None):
    """:func:`_mapped` without the line labels: (codes, qty, unmatched)."""
    codes, q, _, unmatched = _mapped(part, bom, item, qty, engine)
    return codes, q, unmatched


def _explode_part(part, bom: BOM, item, qty, engine):
    codes, q, unmatched = _map_lines(part, bom, item, qty, engine)
    req, touched = bom.explode_dense(codes, q, engine=engine)
    return req, touched, unmatched


def _add(a, b):
    return a[0] + b[0], a[1] | b[1], a[2] + b[2]


def _tree_sum(parts: list, split_every: int = 8):
    parts = [delayed(lambda p: (p[0], p[1], [p[2]]), pure=True)(p) for p in parts]
    while len(parts) > 1:
        nxt = []
        for s in range(0, len(parts), split_every):
            group = parts[s:s + split_every]
            acc = group[0]
            for g in group[1:]:
                acc = delayed(_add, pure=True)(acc, g)
            nxt.append(acc)
        parts = nxt
    return parts[0]


def _unmatched_of(pieces) -> pd.DataFrame:
    """The unmatched demand of the partitions' unmatched lines (:func:`_mapped`, in partition order), as
    ``BOM.explode`` reports it for the whole demand; with none, the item dtype is that of the ids at the
    positions ``BOM.explode`` samples over the whole demand (:class:`_Lines`), for any partitioning, and with
    only missing ids, that of the present ids at the positions it samples over them. Integer ids of a partition
    of whole float ids are floats again when the whole demand reads its ids as floats (:func:`_float_ids`)."""
    hit = [p for p in pieces if p[0].shape[0]]
    if not hit:
        return _unmatched(_Lines(pieces), None, None, np.zeros(0, dtype=np.int64))
    floats = _float_ids(pieces)
    ids = np.concatenate([(p[0].astype(np.float64) if floats and p[0].dtype.kind == "i" else p[0]).astype(object)
                          for p in hit])
    miss = np.concatenate([p[1] for p in hit])
    q = np.concatenate([p[2] for p in hit])
    present = None
    if all(p[5] is not None or not p[0].shape[0] for p in pieces):  # (only missing ids unmatched)
        present = _Lines([(p[0][:0], None, None, *(p[5] if p[0].shape[0] else (p[3], p[4]))) for p in pieces])
    return _unmatched(ids, miss, q, np.arange(ids.shape[0]), present=present)


def _explode_frame(bom: BOM, req, touched, unmatched, leaves_only, keep_levels) -> pd.DataFrame:
    """The frame ``BOM.explode`` builds from the dense requirements (same columns, order and dtypes)."""
    emit = bom._emit_leaf if leaves_only else ~bom.is_phantom
    sel = touched & emit
    codes = np.flatnonzero(sel).astype(np.int32 if bom.n_items < 2 ** 31 else np.int64)
    bom._check_overflow(req[codes], codes, "explode")  # (partial sums added up may overflow too)
    out = pd.DataFrame({"item": bom._take(codes, emit), "qty": req[codes]}, copy=False)
    out = bom._with_levels(out, codes, leaves_only, keep_levels)
    return _with_unmatched(out, unmatched) if unmatched is not None else out


def _item_as_declared(out: pd.DataFrame, item_dtype) -> pd.DataFrame:
    """``out`` with its item column in the declared dtype: the meta, built before the demand is seen, declares
    object where the items the answer could hold are not all integer ids (a mixed BOM), and the answer is
    int64 when the demand touches integer ids only (as ``BOM.explode`` answers in memory)."""
    if item_dtype == object and out["item"].dtype != object:
        out = out.assign(item=out["item"].astype(object))
    return out


def _explode_exact(mapped: list, bom: BOM, leaves_only, keep_levels, engine, item_dtype=None):
    codes = np.concatenate([m[0] for m in mapped]) if mapped else np.zeros(0, dtype=np.int64)
    q = np.concatenate([m[1] for m in mapped]) if mapped else np.zeros(0)
    req, touched = bom.explode_dense(codes, q, engine=engine)
    unmatched = _unmatched_of([m[2] for m in mapped])
    return _item_as_declared(_explode_frame(bom, req, touched, unmatched, leaves_only, keep_levels), item_dtype)


def _explode_summed(total, bom: BOM, leaves_only, keep_levels, item_dtype=None):
    req, touched, unmatched = total
    out = _explode_frame(bom, req, touched, _unmatched_of(unmatched), leaves_only, keep_levels)
    return _item_as_declared(out, item_dtype)


def _unmatched_lines(part, bom: BOM, item, qty, engine):
    """A demand partition's unmatched lines (:func:`_mapped`: its ids mapped to codes, no explosion)."""
    return _mapped(part, bom, item, qty, engine)[3]


def _by_line_part(part, bom: BOM, item, qty, leaves_only, keep_levels, engine, unmatched=None, item_dtype=None):
    """One demand partition exploded per line, as ``BOM.explode(by_line=True)`` builds it, carrying
    ``unmatched`` (the whole demand's unmatched demand, the same in every partition: the concatenation keeps
    it) when given, its item column in ``item_dtype`` (the meta's) when given."""
    codes, q, labels, _ = _mapped(part, bom, item, qty, engine)
    out = _item_as_declared(bom._line_frame(labels, codes, q, leaves_only, keep_levels, engine), item_dtype)
    return _with_unmatched(out, unmatched) if unmatched is not None else out


class BroadcastBOM(NamedTuple):
    """A compiled BOM already sent to every worker (see :func:`broadcast`): ``bom`` (the local object) and
    ``ref`` (the future, or a delayed constant without a distributed client)."""

    bom: BOM
    ref: object

    def __repr__(self) -> str:
        return f"BroadcastBOM({self.bom!r})"


def broadcast(bom) -> BroadcastBOM:
    """Send a compiled BOM to every worker once, for several :func:`explode` calls (a nightly run exploding
    many plans through the same BOM pays the transfer once).

    Examples
    --------
    >>> import pandas as pd, bk_fast, bk_fast.dask as bkd
    >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [2.0]}))
    >>> bkd.broadcast(bom)
    BroadcastBOM(BOM(2 items, 1 edges, 2 levels))
    """
    if isinstance(bom, BroadcastBOM):
        return bom
    if not isinstance(bom, BOM):
        raise TypeError(f"bom must be a bk_fast.BOM, got {type(bom).__name__}")
    return BroadcastBOM(bom, _broadcast(bom))


def explode(demand, bom, item=None, qty=None, *, leaves_only: bool = True, keep_levels: bool = False,
            by_line: bool = False, exact: bool = True, split_every: int = 8,
            engine: str | None = None) -> dd.DataFrame:
    """Explode demand held in a Dask DataFrame through a BOM compiled once and broadcast to the workers.

    Parameters
    ----------
    demand : dask or pandas DataFrame
        Demand lines (item and quantity columns, as for :meth:`bk_fast.BOM.explode`). Not modified.
    bom : BOM, BroadcastBOM or DataFrame
        A compiled :class:`bk_fast.BOM` (sent to the workers once per call), one already sent by
        :func:`broadcast` (reused as is), or BOM lines (compiled here, once, with default options).
    item, qty, leaves_only, keep_levels, by_line, engine
        As for :meth:`bk_fast.BOM.explode`.
    exact : bool, default True
        True: each partition validates its lines and maps them to codes in parallel; the codes are then
        accumulated in partition order and propagated through the BOM once, so the result equals
        ``bom.explode(demand.compute())`` bit for bit (16 bytes per demand line travel to one task).
        False: each partition is exploded on its own and the partial requirements are summed per component
        in a tree of ``split_every`` (dense vectors of ``n_items`` travel, not lines); the sums then run in
        another order, so quantities equal the single-machine ones only to rounding (about 1e-16 relative).
    split_every : int
        Fan-in of the tree sum when ``exact=False``.

    Returns
    -------
    dask DataFrame
        One partition: columns ``item, qty[, level][, leaf]`` in item code order, exactly as ``BOM.explode``
        (one difference, also by line: the item column's dtype is declared before the demand is seen, from the
        items the answer could hold, so in a BOM that mixes integer and text ids it is object where
        ``BOM.explode`` answers int64 when the demand touches integer ids only); the computed frame carries
        the unmatched demand (``.bk_fast.unmatched``). With ``by_line=True``, one output partition per demand
        partition (``line`` = the demand's index label, as in ``BOM.explode``;
        the index restarts at 0 in every partition), each carrying the unmatched demand of the whole demand,
        so the computed frame does too. That unmatched demand is found when ``explode`` is called, by a pass
        over the demand partitions that validates them and maps their ids to codes (no explosion: the demand is
        read twice, ``persist()`` it first if it is expensive to read; an invalid line is an error then); each
        output partition then depends on its own demand partition and that pass's result only, so one
        partition (``.head()``) explodes one demand partition and the partitions stream (``to_parquet``).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, bk_fast, bk_fast.dask as bkd
    >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "B"], "component": ["B", "C"],
    ...                                            "qty_per": [2.0, 3.0]}))
    >>> demand = dd.from_pandas(pd.DataFrame({"item": ["A", "B", "NOPE"], "qty": [1.0, 1.0, 4.0]}),
    ...                         npartitions=2)
    >>> out = bkd.explode(demand, bom, leaves_only=False).compute()
    >>> out
      item  qty  level   leaf
    0    A  1.0      0  False
    1    B  3.0      1  False
    2    C  9.0      2   True
    >>> out.bk_fast.unmatched
       item  qty  lines
    0  NOPE  4.0      1
    """
    ref = None
    if isinstance(bom, BroadcastBOM):
        bom, ref = bom.bom, bom.ref
    if not isinstance(bom, BOM):
        if isinstance(bom, pd.DataFrame):
            bom = BOM.from_frame(bom, engine=engine)
        else:
            raise TypeError(f"bom must be a bk_fast.BOM or a DataFrame of BOM lines, got "
                            f"{type(bom).__name__}")
    if not isinstance(demand, (pd.DataFrame, dd.DataFrame)):
        raise TypeError(f"demand must be a Dask or pandas DataFrame, got {type(demand).__name__}")
    if ref is None:
        ref = _broadcast(bom)
    parts = _parts(demand)
    if by_line:
        meta = _by_line_part(_meta(demand).head(0), bom, item, qty, leaves_only, keep_levels, engine)
        # the whole demand's unmatched demand, found now by a pass that maps the ids to codes (no explosion):
        # each output partition then depends on its own demand partition only
        found = dask.compute([delayed(_unmatched_lines, pure=True)(p, ref, item, qty, engine) for p in parts])[0]
        unmatched = _broadcast(_unmatched_of(found))
        return _from_parts([delayed(_by_line_part, pure=True)(p, ref, item, qty, leaves_only, keep_levels, engine,
                                                              unmatched, meta["item"].dtype) for p in parts], meta)
    meta = _explode_frame(bom, np.zeros(bom.n_items), np.zeros(bom.n_items, dtype=bool), None, leaves_only,
                          keep_levels)
    meta.attrs = {}
    if exact:
        mapped = [delayed(_map_lines, pure=True)(p, ref, item, qty, engine) for p in parts]
        result = delayed(_explode_exact, pure=True)(mapped, ref, leaves_only, keep_levels, engine,
                                                    meta["item"].dtype)
    else:
        partial = [delayed(_explode_part, pure=True)(p, ref, item, qty, engine) for p in parts]
        total = _tree_sum(partial, max(2, int(split_every)))
        result = delayed(_explode_summed, pure=True)(total, ref, leaves_only, keep_levels, meta["item"].dtype)
    return _from_parts([result], meta)


# ----------------------------------------------------------------------------------------------------------
# netting, partitioned by item


def _item_plan(inputs: list, nparts: int | None, periods_of: list, names: list | None = None, *,
               exact: bool = True, phased=(), united=None, dtypes: list | None = None):
    """Distinct items of all keyed inputs (and the periods of the long inputs), computed in one pass:
    (sorted items, per-source period orders, :func:`_united` of ``united`` or None, each input's distinct ids
    (None unless ``exact``), :func:`_numeric_ids` of ``united`` or None). A row without an item
    id is a ValueError naming the input (``names``, in the order of ``inputs``), the column, the row's
    position in the whole input and its label. ``exact``: the ids of the inputs are made comparable exactly
    first, as the netting functions do (:func:`bk_fast._validate.same_ids`: the same ValueError for a float id
    that cannot be matched with integer ids, int64 and uint64 ids united without rounding); else they are
    united as pandas does. ``phased``: the names of the time-phased inputs, whose empty rows are skipped;
    ``periods_of``: (input, period column, name) of the long time-phased inputs; ``united``: the positions of
    ``inputs`` in the order the single-machine function unites their ids. ``dtypes``: a list to which each input's
    set of id dtypes is appended (of its partitions holding rows, or of all when none does)."""
    jobs = []
    for k, (obj, key) in enumerate(inputs):
        what = names[k] if names and names[k] in phased else None
        jobs.append([delayed(_distinct, pure=True)(p, key, what) for p in _parts(obj)])
    pjobs = []
    for obj, key, what in periods_of:
        pjobs.append([delayed(_period_order, pure=True)(p, key, what) for p in _parts(obj)])
    found, per = dask.compute(jobs, pjobs)
    if dtypes is not None:
        dtypes.extend({d[3] for d in parts} for parts in _held(found))
    for k, ((obj, key), parts) in enumerate(zip(inputs, found)):
        offset = 0
        for _, n, first, _ in parts:
            if first is not None:
                what = names[k] if names else "input"
                where = "index" if key is None else f"column {key!r}"
                raise ValueError(f"{what}: row {offset + first[0]} (label {first[1]!r}) has a missing item "
                                 f"id in its {where}")
            offset += n
    if not exact:
        return _sorted_items([d[0] for parts in found for d in parts]), per, None, None, None
    # one Index per input (its partitions share a dtype), then the inputs' ids made comparable exactly: a
    # float64 union would round int64/uint64 ids beyond 2**53 (distinct items collapse) and let a float id of
    # one input match an integer id of another, which the in-memory function refuses
    per_input = [_union_ids([d[0] for d in parts]) for parts in found]
    what = names if names else ["input"] * len(per_input)
    # (object integer ids, which _distinct read as int64, as the function sees them: beside unsigned ids same_ids
    # reads them as uint64 there, not as int64)
    ids = same_ids([(w, _as_object(i) if {d[3] for d in parts} == {np.dtype(object)} else i)
                    for w, i, parts in zip(what, per_input, _held(found))])
    if united is None:
        return _sorted_items(ids), per, None, ids, None
    return _sorted_items(ids), per, _united(ids, found, united), ids, _numeric_ids(ids, found, united)


def _as_object(ids: pd.Index) -> pd.Index:
    """NumPy integer ids as the object ids they were read from (:func:`_distinct` reads object ids through
    NumPy); others as they are."""
    if isinstance(ids.dtype, np.dtype) and ids.dtype.kind in "iu":
        return pd.Index(ids.to_numpy(dtype=object), dtype=object, name=ids.name)
    return ids


def _held(found: list) -> list:
    """Each input's :func:`_distinct` answers of its partitions holding rows, or of all when none does: an input's
    dtypes are those of its partitions with rows (pd.concat, as compute(), ignores the empty ones, say an empty
    file read as object beside str partitions)."""
    return [[d for d in parts if d[1]] or parts for parts in found]


def _numeric(dtype) -> bool:
    """Whether ``dtype`` holds numbers: a NumPy integer or float dtype, or :func:`_numeric_ext`."""
    return (isinstance(dtype, np.dtype) and dtype.kind in "iuf") or _numeric_ext(dtype)


def _numeric_ext(dtype) -> bool:
    """Whether ``dtype`` is an extension dtype of numbers (nullable ``Int64`` / ``Float64``, Arrow integers or
    floats in ``pd.ArrowDtype``)."""
    return (isinstance(dtype, pd.api.extensions.ExtensionDtype) and getattr(dtype, "kind", "O") in "iuf"
            and not _text_extension(dtype))


def _numeric_ids(ids: list, found: list, order) -> list | None:
    """With ids of numeric extension dtypes (:func:`_numeric_ext`; one or several, Float64 or Arrow integers beside
    Int64) in some input's partitions, the others' NumPy numbers: each input's distinct ids in its own dtype
    (``ids``, :func:`_distinct`, read them through NumPy; the dtype is in ``found``), in the order of ``order``,
    the single-machine function's, made comparable as it makes them (``same_ids``); else None (also when an
    input's partitions holding rows differ in dtype). Object ids of integers (Python ints, say beyond int64) count
    as numbers: ``same_ids`` reads them so."""
    def numeric(k):
        kinds = {d[3] for d in found[k]}
        return all(map(_numeric, kinds)) or (
            kinds == {np.dtype(object)} and (getattr(ids[k].dtype, "kind", "O") in "iu"
                                             or ids[k].inferred_type == "integer"))

    if not any(_numeric_ext(d[3]) for parts in found for d in parts) or not all(map(numeric, range(len(found)))):
        return None
    own = []
    for k in order:
        kinds = {d[3] for d in found[k] if d[1]}
        if len(kinds) > 1:
            return None
        t = kinds.pop() if kinds else None
        own.append(ids[k].astype(t) if len(ids[k]) and _numeric_ext(t) else ids[k])
    # (made comparable again in their own dtypes, as the function does: Float64 ids beside integer ones become
    # int64 there, where the cast above gave them back their Float64)
    return same_ids([("input", p) for p in own])


def _with_union(meta: pd.DataFrame, own: list | None, like: pd.Index | None, cast: bool = False) -> pd.DataFrame:
    """``meta`` (an empty answer keyed by item) with the index dtype of the partitions' answers when numeric
    extension ids are involved (``own``, :func:`_numeric_ids`); as it is otherwise. The function unites the
    inputs' ids in order (``netting._union``): an input's ids join when it is the first with ids or brings an id
    the earlier ones lack, Int64 beside int64 giving Int64. A partition unites its inputs' ids in its item range
    so and keeps a nullable dtype (:func:`_as_items`, cast to ``like`` as there); an input's ids join the whole
    call's union exactly when they join in some range (the one holding an id the earlier inputs lack: other ranges
    may unite theirs as int64), and int64 beside Int64 parts concatenate to Int64, so the answers of all the ranges
    with ids concatenate to the dtype of the whole union. The function on the empty heads unites no ids: its index
    had the first input's dtype (int64 where Int64 ids with rows join, Int64 where only an empty input is Int64).
    An answer holding rows of some items only (netting's planned orders) is cast to it in every partition
    (:func:`_net_part`), as the function types them by all the items. ``meta`` as it is too when the ids in their
    own dtypes do not unite (NumPy uint64 ids beyond 2**63 beside Arrow integers: pandas unites them as Arrow,
    which refuses them; the function, having made the ids comparable first, answers). ``cast``: ``like`` is what
    :func:`_united` gives (categorical ids, or text ids of several dtypes), to which every range is cast: without
    ``own`` the index has its dtype. (Not the NumPy items' dtype of :func:`_like`: ranges of nullable ids beside
    object or empty text ids keep theirs.)"""
    if (own is None and not (cast and like is not None)) or len(meta) or \
            getattr(meta.index.dtype, "kind", "O") not in "iuf":
        return meta
    try:
        whole = like[:0] if own is None else _as_items(_net._union(own)[:0], like)
    except Exception:  # noqa: BLE001 - (the meta is a declaration; the partitions compute as they do)
        return meta
    if getattr(whole.dtype, "kind", "O") not in "iuf":
        return meta
    return meta.set_axis(whole.rename(meta.index.name), axis=0)


def _united(ids: list, found: list, order) -> pd.Index | None:
    """With categorical item ids: what every partition's item index is cast to (``like``, :func:`_as_items`),
    an empty Index of the dtype the single-machine function gives the ids of the whole inputs, else None.
    ``ids``: each input's distinct ids, ``found``: its partitions' :func:`_distinct`, ``order``: the positions
    of the inputs in the order that function unites them. It keeps the first input's categorical dtype when
    the others bring no id it lacks and, else, appends them (pandas gives text when categories differ), so a
    partition, holding some ids only, may keep a categorical dtype the whole call loses, or the reverse. So with
    text ids of several dtypes (``str``, ``string``, Arrow strings, object), one a text extension dtype
    (:func:`_text_extension`): pandas keeps the first input's dtype unless another brings an id it lacks, so a
    partition's may differ from the whole call's. So too with text extension ids beside an empty input of
    another kind: read through NumPy (``items``, :func:`_like`) they are ``str``. So too with an input of
    several text dtypes given one (:func:`_text_of`) that the whole call keeps: a partition's may differ."""
    dtypes, mixed = [], []
    for parts in _held(found):
        kinds = {d[3] for d in parts}
        mixed.append(len(kinds) > 1)
        dtypes.append(kinds.pop() if len(kinds) == 1 else _text_of(kinds, parts))
    # (an input whose partitions' dtypes differ otherwise has no dtype here, its ids read through NumPy: the
    # inputs of pandas string dtypes are then read so too, as the union cannot be told)
    if any(m and t is None for m, t in zip(mixed, dtypes)):
        dtypes = [None if m and isinstance(t, pd.StringDtype) else t for m, t in zip(mixed, dtypes)]
    # (object ids count as text only when they read as text: object integer ids beside an empty input's string
    # column are integers, their union pandas infers as it appends the partitions' answers, see _like)
    text = {t for k, t in enumerate(dtypes)
            if t is not None and _is_text(t) and (t != object or ids[k].inferred_type in ("string", "empty"))}
    # (object text ids: a partition's answer, uniting some ids only, may be object or ``str`` where the whole
    # call's is the other, appending object text ids giving ``str``)
    obj = any(t == object and ids[k].inferred_type == "string" for k, t in enumerate(dtypes))
    # (text extension ids with rows: an empty input of another kind beside them sets no dtype, they keep theirs)
    ext = any(t is not None and _text_extension(t) and len(ids[k]) for k, t in enumerate(dtypes))
    cast = (any(isinstance(d[3], pd.CategoricalDtype) for parts in found for d in parts)  # (per partition too)
            or (len(text) > 1 and any(_text_extension(t) for t in text)) or obj or ext)
    # (an input of several text dtypes given one (_text_of) that the whole call's ids keep: each partition's
    # concatenation of some of them may give another, say empty str and string partitions, string where
    # compute() gives str)
    several = {t for m, t in zip(mixed, dtypes) if m and t is not None}
    if not (cast or several):
        return None
    # (each input's ids in its own dtype, united as the single-machine function unites them)
    # (and made comparable again in those dtypes, as the function does: float64 ids beside Int64 ones become
    # int64 there, where the cast gave them back their float64 and the union was Float64)
    own = same_ids([("input", ids[k] if dtypes[k] is None else ids[k].astype(dtypes[k])) for k in order])
    like = _net._union(own)[:0]
    return like if cast or like.dtype in several else None


def _text_of(kinds: set, parts: list):
    """The ids' dtype of an input whose partitions (``parts``, :func:`_distinct`) hold text of several dtypes of
    one family (``kinds``: Arrow ``string`` and ``large_string``, files from several writers read with
    ``dtype_backend="pyarrow"``; or pandas ``string`` and ``str``): what Dask's ``compute()`` gives,
    ``pd.concat`` of its partitions holding rows (else its first partition), as the single-machine function
    sees the input; None when its partitions' dtypes differ otherwise (Arrow strings beside ``str`` give object
    in a column, ``str`` in an index). (With None, the ids read through NumPy, ``str``, meet the text-extension
    rule of :func:`_united` and are cast to ``str`` where the input is, say, pandas ``string``.)"""
    if not (all(isinstance(t, pd.ArrowDtype) and _text_extension(t) for t in kinds)
            or all(isinstance(t, pd.StringDtype) for t in kinds)):
        return None
    held = [d[3] for d in parts if d[1]] or [parts[0][3]]
    return pd.concat([pd.Series([], dtype=t) for t in dict.fromkeys(held)]).dtype


def _concatenated(like: pd.Index | None, bounds: np.ndarray, held) -> pd.Index | None:
    """``like`` as Dask's ``compute()`` returns it: it concatenates the partitions' answers holding rows, and
    pandas appending object indexes of text infers ``str`` (pandas-dev/pandas#60159), so object text ids
    (``like``, the single-machine function's dtype) become ``str`` when ``held`` (the ids that may have rows) lie
    in two item ranges or more (``bounds``): every partition and the declared index get it, whatever rows the
    partitions hold; else ``like``. ``held`` may be a function giving them, called for object ids only."""
    if like is None or like.dtype != object:
        return like
    held = held() if callable(held) else held
    if held.inferred_type != "string":
        return like
    if len(np.unique(_range_of(bounds, held.to_numpy(dtype=object)))) < 2:
        return like
    return pd.Index(held[:1].to_numpy(dtype=object))[:0].rename(like.name)  # (the dtype pandas infers)


def _like(items: pd.Index, nparts: int) -> pd.Index | None:
    """What a partition's item index is cast to (:func:`_as_items`), for ``nparts`` partitions: ``items[:0]``
    when the ids are integers, else None; but with several partitions, object ids that pandas reads as another
    dtype (Python integers as int64 or uint64, Python integers beside floats as float64) in that dtype:
    concatenating the partitions' indexes infers it (``Index.append``), where the in-memory function keeps
    object, so every partition and the declared index get it whatever the partitions hold."""
    if not len(items):
        return None
    if nparts > 1 and items.dtype == object:
        read = pd.Index(list(items), tupleize_cols=False)[:0]
        if read.dtype != object:
            return read.rename(items.name)
    return items[:0] if id_kind(items) == "int" else None


def _as_items(index: pd.Index, like: pd.Index | None) -> pd.Index:
    """A partition's item index in the dtype of all the items (``like``). A partition holds the ids of some
    inputs only, so the in-memory function may leave them as it found them (uint64 ids, whole float64 ids)
    where the whole call unites them with the other inputs' integer ids (int64, uint64 or Python ints). Nullable
    or Arrow integer ids beside integer ids of their kind are kept, as the in-memory function keeps them."""
    if like is None or index.dtype == like.dtype:
        return index
    if isinstance(index.dtype, pd.CategoricalDtype) or isinstance(like.dtype, pd.CategoricalDtype):
        return index.astype(like.dtype)  # (categorical ids: see _united)
    if index.dtype == object and like.dtype != object:  # (ids pandas reads as like's dtype: see _like)
        return index.astype(like.dtype)
    if _is_text(index.dtype) and _is_text(like.dtype):  # (text ids of several dtypes: see _united)
        return index.astype(like.dtype)
    kind = getattr(index.dtype, "kind", "O")
    if kind not in "iuf" or (isinstance(index.dtype, pd.api.extensions.ExtensionDtype)
                             and kind == getattr(like.dtype, "kind", "O")):
        return index
    vals = index.to_numpy()
    if vals.dtype.kind == "f":   # (whole numbers below 2**53: same_ids refused any other float id)
        if not exact_int_floats(vals).all():
            return index
        vals = vals.astype(np.int64)
    kind = getattr(like.dtype, "kind", "O")
    if kind in "iuf":  # (float64: object ids beside floats over several partitions, see _like)
        if not isinstance(like.dtype, np.dtype):  # (Float64 / Int64 items: NumPy cannot cast to them)
            return pd.Index(vals, name=index.name).astype(like.dtype)
        return pd.Index(vals.astype(like.dtype), name=index.name)
    if like.dtype == object:
        return pd.Index(vals.astype(object), dtype=object, name=index.name)
    return index


def _is_text(dtype) -> bool:
    return dtype == object or _text_extension(dtype)


def _text_extension(dtype) -> bool:
    """Whether ``dtype`` is an extension dtype of text: pandas' string dtypes (``str``, ``string``) or an Arrow
    string type in ``pd.ArrowDtype`` (``string``, ``large_string``: what ``dtype_backend="pyarrow"`` readers
    give; ``string_view`` too, though pandas 3.1 cannot yet take it through the single-machine functions), which
    pandas unites with other text dtypes as it does the string dtypes."""
    if isinstance(dtype, pd.StringDtype):
        return True
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    import pyarrow as pa  # (there is an ArrowDtype: pyarrow is installed)
    t = dtype.pyarrow_dtype
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _not_text(items: pd.Index) -> bool:
    """Whether ``items`` (ids that have rows) read as something else than text: an empty input's string id
    column then sets no id dtype, as in memory, where the ids with rows set it."""
    return len(items) > 0 and items.inferred_type not in ("string", "empty")


def _nparts(nparts, inputs) -> int:
    if nparts is not None:
        if int(nparts) < 1:
            raise ValueError(f"npartitions must be >= 1, got {nparts!r}")
        return int(nparts)
    counts = [obj.npartitions for obj, _ in inputs if _is_dask(obj)]
    return max(counts) if counts else 1


def _global_periods(sources: list, period_orders: list, periods, names=("demand", "receipts")):
    """The period axis exactly as the single-machine functions derive it (wide columns first, then long
    periods in order of first appearance, then netting's default order; an input's text labels read as numbers
    or dates beside another's as netting's ``_same_kinds`` reads them)."""
    if periods is not None:
        return _net._date_labels(pd.Index(periods).rename(None))
    labels, is_wide = [], []
    k = 0
    for (obj, (_, pcol)), name in zip(sources, names):
        # (date objects as Timestamps in each input before the union, as the in-memory functions read them)
        if pcol is None:
            meta = _meta(obj)
            icol = _net._item_column(meta, "input")
            labels.append((name, _net._date_labels(pd.Index([c for c in meta.columns if c != icol]))))
        else:
            orders = period_orders[k]
            k += 1
            labels.append((name, _net._union([_net._date_labels(o) for o in orders])))
        is_wide.append(pcol is None)
    read = _net._same_kinds(labels)
    wide = [idx for idx, w in zip(read, is_wide) if w]
    long = [idx for idx, w in zip(read, is_wide) if not w]
    return _net._default_order(_net._union(wide + long), wide[0] if wide else None)


def _sort_items(frame: pd.DataFrame, like: pd.Index | None = None) -> pd.DataFrame:
    if like is not None:
        frame = frame.set_axis(_as_items(frame.index, like), axis=0)
    if len(frame) < 2:
        return frame
    order = np.argsort(frame.index.to_numpy(), kind="stable")
    return frame.iloc[order]


_ROW_MESSAGE = re.compile(r"(\w+): row (\d+)\b")


def _with_row_labels(call, frames: dict):
    """``call()``; a ValueError of the netting functions that names a row by its position ("demand: row 4
    ...") names it by its index label instead: a partition holds some rows of an input, reordered, so
    positions within it mean nothing to the caller (allocation and explosion already give labels)."""
    try:
        return call()
    except ValueError as exc:
        m = _ROW_MESSAGE.match(str(exc))
        frame = frames.get(m.group(1)) if m else None
        if not isinstance(frame, (pd.DataFrame, pd.Series)) or int(m.group(2)) >= len(frame):
            raise
        label = _plain(frame.index[int(m.group(2))])
        raise ValueError(f"{m.group(1)}: the row labelled {label!r}{str(exc)[m.end():]}") from exc


def _empty_ids(frame, key, like):
    """An input piece without rows, its item ids in the dtype of all the items (``like``): the single-machine
    functions unite the ids with an empty input's dtype, and an empty float64 index made int64 ids beyond
    2**53 floats (rounded: 2**62 + 1 came back as 4.611686018427388e+18)."""
    if like is None or not isinstance(frame, (pd.DataFrame, pd.Series)) or len(frame):
        return frame
    if key is None or isinstance(frame, pd.Series):
        return frame.set_axis(like.rename(frame.index.name), axis=0)
    return frame.astype({key: like.dtype}) if key in frame.columns else frame


def _weekly_part(on_hand, demand, receipts, past_due, periods, engine, like=None, keys=None):
    keys = keys or {}
    frames = {k: _empty_ids(_join(v), keys.get(k), like) if k in keys else _join(v)
              for k, v in dict(on_hand=on_hand, demand=demand, receipts=receipts, past_due=past_due).items()}
    out = _with_row_labels(lambda: _weekly_balance(frames["on_hand"], frames["demand"], frames["receipts"],
                                                   frames["past_due"], periods=periods, engine=engine),
                           frames)
    return _sort_items(out, like)


def weekly_balance(on_hand, demand, receipts=None, past_due=None, *, periods=None,
                   npartitions: int | None = None, engine: str | None = None) -> dd.DataFrame:
    """:func:`bk_fast.weekly_balance` partitioned by item: each item's buckets stay together.

    Parameters
    ----------
    on_hand : Series, dict, DataFrame or dask DataFrame keyed by item, or a number
    demand, receipts : DataFrame or dask DataFrame (long or wide, keyed by item)
    past_due : Series, dict, DataFrame keyed by item, or a number, optional
    periods : sequence, optional
        The buckets in order; default: derived from all inputs exactly as the single-machine function does.
    npartitions : int, optional
        Number of item ranges (default: the largest partition count of the Dask inputs).
    engine : str, optional

    Returns
    -------
    dask DataFrame
        Indexed by item, sorted, with known divisions; the columns and values of
        :func:`bk_fast.weekly_balance` (``result.compute()`` equals ``bk_fast.weekly_balance(...)`` with its
        rows sorted by item; object integer ids: see the module notes).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, bk_fast.dask as bkd
    >>> demand = dd.from_pandas(pd.DataFrame({"item": [2, 1, 2], "week": [1, 1, 2], "qty": [5.0, 1.0, 5.0]}),
    ...                         npartitions=2)
    >>> out = bkd.weekly_balance(pd.Series({1: 3.0, 2: 7.0}), demand)
    >>> out.known_divisions
    True
    >>> out.compute()[[1, 2, "total_balance", "first_short"]]
         1    2  total_balance first_short
    1  2.0  2.0            2.0         NaN
    2  2.0 -3.0           -3.0           2
    """
    on_hand, past_due = _as_frame(on_hand, "on_hand"), _as_frame(past_due, "past_due")
    if demand is None:
        raise TypeError("demand is required")
    d_key = _time_phased_key(demand, "demand")
    r_key = _time_phased_key(receipts, "receipts") if receipts is not None else None
    keyed, names = [(demand, d_key[0])], ["demand"]
    if receipts is not None:
        keyed.append((receipts, r_key[0]))
        names.append("receipts")
    if isinstance(on_hand, (pd.DataFrame, pd.Series)) or _is_dask(on_hand):
        keyed.append((on_hand, _on_hand_key(on_hand, "on_hand")))
        names.append("on_hand")
    if isinstance(past_due, (pd.DataFrame, pd.Series)) or _is_dask(past_due):
        keyed.append((past_due, _on_hand_key(past_due, "past_due")))
        names.append("past_due")
    sources = [(demand, d_key)] + ([(receipts, r_key)] if receipts is not None else [])
    # (the time-phased inputs' names, whose empty rows are skipped; one frame may be both inputs)
    phased = {id(obj): name for (obj, _), name in zip(sources, ("demand", "receipts"))}
    long_sources = [(obj, k[1], name) for (obj, k), name in zip(sources, ("demand", "receipts"))
                    if k[1] is not None] if periods is None else []
    # (united in memory as on_hand, demand, receipts: past_due's ids are on_hand's, demand's or receipts')
    order = [names.index(n) for n in ("on_hand", "demand", "receipts") if n in names]
    items, porders, united, in_ids, own = _item_plan(keyed, npartitions, long_sources, names,
                                                     phased=("demand", "receipts"), united=order)
    per = _global_periods(sources, porders, periods, ("demand", "receipts"))
    nparts = _nparts(npartitions, keyed)
    bounds, divisions = _bounds(items, nparts)
    nparts = len(bounds) + 1
    split = {id(obj): _split_all(obj, key, bounds, nparts, phased.get(id(obj))) for obj, key in keyed}

    def pieces(obj, j):
        return split[id(obj)][j] if id(obj) in split else obj

    like = _concatenated(united, bounds, items) if united is not None else _like(items, nparts)
    keys = {name: key for name, (_, key) in zip(names, keyed)}
    # the meta: the partitions' function on the inputs' empty heads (the items' index named below)
    oh_meta = _meta_on_hand(on_hand)
    # (the empty heads' ids are cast to ``like`` only as the partitions cast empty pieces when there are no items:
    # with items, _empty_like gives the index the partitions' dtype)
    meta = _weekly_part(oh_meta, _meta(demand).head(0), _meta_on_hand(receipts), _meta_on_hand(past_due), per,
                        "numpy", like, None if len(items) else keys)
    parts = [delayed(_weekly_part, pure=True)(pieces(on_hand, j), pieces(demand, j), pieces(receipts, j),
                                              pieces(past_due, j), per, engine, like, keys)
             for j in range(nparts)]
    # (no items: one partition, the function on the inputs as they are, whose dtypes the heads have)
    if not len(items):
        return _from_parts(parts, meta.head(0))
    meta = _with_union(_empty_like(meta, items, like), own, like, united is not None)
    # the items' index named as the in-memory function names it from the whole inputs (an item range holding no
    # id that a later input adds would keep a name the whole answer drops)
    name = _items_name([(on_hand, "on_hand", in_ids[names.index("on_hand")] if "on_hand" in names else None),
                        (demand, "demand", in_ids[names.index("demand")]),
                        (receipts, "receipts", in_ids[names.index("receipts")] if receipts is not None else None)])
    meta = _index_named(meta, name)
    parts = [delayed(_index_named, pure=True)(p, name) for p in parts]
    return _from_parts(parts, meta, divisions)


def _items_name(inputs) -> object:
    """The name of the in-memory ``weekly_balance``'s items index: :func:`bk_fast.netting._union` of the inputs'
    ids, in its order (on_hand, demand, receipts), each named as the function reads it from the input's columns
    (``inputs``: (input, what, its distinct ids or None)): the first input with ids names it, a later one adding
    ids under another name drops the name."""
    named = []
    for obj, what, ids in inputs:
        if ids is None:
            continue
        head = _meta_on_hand(obj)
        read = _net._on_hand(head, what, "numpy")[0] if what == "on_hand" else _net._parse(head, what).items
        named.append(ids.rename(None if read is None else read.name))
    return _net._union(named).name


def _index_named(frame: pd.DataFrame, name) -> pd.DataFrame:
    return frame if frame.index.name == name else frame.set_axis(frame.index.rename(name), axis=0)


def _meta_on_hand(on_hand):
    if isinstance(on_hand, (pd.DataFrame, pd.Series)) or _is_dask(on_hand):
        return _meta(on_hand).head(0)
    return on_hand


def _empty_like(meta: pd.DataFrame, items: pd.Index, like: pd.Index | None = None, own=None) -> pd.DataFrame:
    """``meta`` (the function's answer on empty inputs, its index cast as the partitions cast theirs) with no
    rows and the index dtype of the partitions' answers: ``like``'s where categorical ids, or text extension ids
    (pandas string dtypes, Arrow strings) beside other text ids, are involved (the partitions are cast to it,
    :func:`_united`); an extension dtype of the ids (nullable, Arrow), which the partitions keep, as it is (not a
    text dtype that only an empty input brought beside ids that are not text, :func:`_not_text` of ``own``, the
    ids whose dtype the answer keeps, default ``items``); else ``like``'s (:func:`_like`), or the items' (a NumPy
    dtype of an empty answer cannot tell what the ids are: an object column of integers gives int64 ids)."""
    out = meta.head(0)
    index = (like if like is not None and (pd.CategoricalDtype in (type(like.dtype), type(meta.index.dtype))
                                           or _text_extension(like.dtype)
                                           or (like.dtype == object and items.inferred_type == "string"))
             else meta.index[:0] if (isinstance(meta.index.dtype, pd.api.extensions.ExtensionDtype)
                                     and not (_is_text(meta.index.dtype)
                                              and _not_text(items if own is None else own)))
             else like if like is not None else items[:0])
    return out.set_axis(index.rename(meta.index.name), axis=0)


class NettingFrames(NamedTuple):
    """Result of :func:`net_requirements`: the parts of :class:`bk_fast.netting.NettingResult` as Dask
    DataFrames indexed by item (sorted, known divisions).

    ``record``: one row per (item, period): ``period, gross, scheduled_receipts, projected_on_hand,
    net_requirement, planned_receipt, planned_release``. ``orders``: one row per planned order: ``due_period,
    due, release_period, qty, past_due``. ``summary``: one row per item, as ``NettingResult.summary``.
    """

    record: dd.DataFrame
    orders: dd.DataFrame
    summary: dd.DataFrame


def _netting_frames(res) -> tuple:
    record = res.record.set_index("item")
    orders = res.orders.set_index("item")
    return record, orders, res.summary  # (named ``item``, as in memory)


def _net_part(gross, on_hand, receipts, kwargs, like=None, keys=None, ordered=(None, None, None)):
    """The netting frames of one item range, indexed by item and sorted. ``ordered``: for each frame (record,
    orders, summary) the index dtype of the whole call's items (:func:`_with_union`), or None; given when numeric
    extension ids are involved. The function types the planned orders' ids by all its items, which a range's
    items may unite otherwise (int64 where an Int64 on_hand brings items of other ranges only), and object
    integer ids beside Int64 ones unite as int64 where they bring an id the others lack, in the whole call but not
    in a range where they bring none, so a frame's ids are cast to it."""
    keys = keys or {}
    frames = {k: _empty_ids(_join(v), keys.get(k), like) if k in keys else _join(v)
              for k, v in dict(gross=gross, on_hand=on_hand, receipts=receipts).items()}
    res = _with_row_labels(lambda: _net_requirements(frames["gross"], frames["on_hand"], frames["receipts"],
                                                     **kwargs), frames)
    record, orders, summary = (f.set_axis(_as_items(f.index, like), axis=0) for f in _netting_frames(res))
    record, orders, summary = (f.set_axis(f.index.astype(o.dtype), axis=0) if o is not None and
                               f.index.dtype != o.dtype else f
                               for f, o in zip((record, orders, summary), ordered))
    return (record.iloc[np.argsort(record.index.to_numpy(), kind="stable")] if len(record) > 1 else record,
            orders.iloc[np.argsort(orders.index.to_numpy(), kind="stable")] if len(orders) > 1 else orders,
            _sort_items(summary))


def net_requirements(gross, on_hand=None, receipts=None, *, safety_stock=0, lead_time=0, lot=None,
                     periods=None, npartitions: int | None = None,
                     engine: str | None = None) -> NettingFrames:
    """:func:`bk_fast.net_requirements` partitioned by item: each item's periods stay together.

    Parameters
    ----------
    gross, receipts : DataFrame or dask DataFrame (long or wide, keyed by item)
    on_hand : Series, dict, DataFrame or dask DataFrame keyed by item, or a number
        A frame may hold per-item parameter columns named by ``safety_stock``/``lead_time``; they travel with
        their items.
    safety_stock, lead_time : number, Series/dict by item, or an on_hand column name
        (Series are sent whole to every partition and looked up by item there; a Dask Series is computed
        once, on the client, first.)
    lot, periods, engine
        As for :func:`bk_fast.net_requirements`.
    npartitions : int, optional
        Number of item ranges (default: the largest partition count of the Dask inputs).

    Returns
    -------
    NettingFrames
        ``(record, orders, summary)``, each indexed by item with known divisions; their rows equal the
        single-machine ``res.record``/``res.orders`` (``item`` as the index) and ``res.summary``, sorted by
        item (object integer ids: see the module notes).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, bk_fast.dask as bkd
    >>> from bk_fast.lots import MinMaxMultiple
    >>> gross = dd.from_pandas(pd.DataFrame({"item": ["a", "b", "a"], "period": [0, 0, 1],
    ...                                      "qty": [16.0, 140.0, 5.0]}), npartitions=2)
    >>> res = bkd.net_requirements(gross, {"a": 0.0, "b": 0.0}, lot=MinMaxMultiple(min=50, max=100))
    >>> res.orders.compute()[["due_period", "qty"]]  # doctest: +NORMALIZE_WHITESPACE
          due_period    qty
    item
    a              0   50.0
    b              0  100.0
    b              0   50.0
    """
    for name, value in (("safety_stock", safety_stock), ("lead_time", lead_time)):
        _as_frame(value, name)
    # a Dask Series by item: computed once here (it is sent whole to every partition, as a pandas one)
    safety_stock, lead_time = (_compute(v) for v in (safety_stock, lead_time))
    on_hand = _as_frame(on_hand, "on_hand")
    if gross is None:
        raise TypeError("gross is required")
    g_key = _time_phased_key(gross, "gross")
    r_key = _time_phased_key(receipts, "receipts") if receipts is not None else None
    keyed = [(gross, g_key[0])] + ([(receipts, r_key[0])] if receipts is not None else [])
    names = ["gross"] + (["receipts"] if receipts is not None else [])
    if isinstance(on_hand, (pd.DataFrame, pd.Series)) or _is_dask(on_hand):
        keyed.append((on_hand, _on_hand_key(on_hand, "on_hand")))
        names.append("on_hand")
    sources = [(gross, g_key)] + ([(receipts, r_key)] if receipts is not None else [])
    # (the time-phased inputs' names, whose empty rows are skipped; one frame may be both inputs)
    phased = {id(obj): name for (obj, _), name in zip(sources, ("gross", "receipts"))}
    long_sources = [(obj, k[1], name) for (obj, k), name in zip(sources, ("gross", "receipts"))
                    if k[1] is not None] if periods is None else []
    # (ids united as gross, receipts, on_hand, as in memory)
    items, porders, united, _, own = _item_plan(keyed, npartitions, long_sources, names,
                                                phased=("gross", "receipts"), united=range(len(keyed)))
    per = _global_periods(sources, porders, periods, ("gross", "receipts"))
    nparts = _nparts(npartitions, keyed)
    bounds, divisions = _bounds(items, nparts)
    nparts = len(bounds) + 1
    split = {id(obj): _split_all(obj, key, bounds, nparts, phased.get(id(obj))) for obj, key in keyed}

    def pieces(obj, j):
        return split[id(obj)][j] if id(obj) in split else obj

    kwargs = dict(safety_stock=safety_stock, lead_time=lead_time, lot=lot, periods=per, engine=engine)
    like = _concatenated(united, bounds, items) if united is not None else _like(items, nparts)
    keys = {name: key for name, (_, key) in zip(names, keyed)}
    # the meta: the partitions' function on the inputs' empty heads (no items: one partition, the function on the
    # inputs as they are, whose dtypes the heads have)
    metas = _net_part(_meta(gross).head(0), _meta_on_hand(on_hand), _meta_on_hand(receipts),
                      {**kwargs, "engine": "numpy"}, like, None if len(items) else keys)
    bases = [_empty_like(m, items, like) if len(items) else m.head(0) for m in metas]
    metas = [_with_union(b, own, like, united is not None) if len(items) else b for b in bases]
    # (a frame whose declared dtype is the whole call's union (the orders hold the items with planned orders only,
    # a range's ids may unite otherwise): every partition's are cast to it)
    ordered = tuple(m.index if m is not b else None for m, b in zip(metas, bases))
    kw = delayed(kwargs, pure=True, traverse=False)  # one key: per-item Series parameters travel once
    parts = [delayed(_net_part, nout=3, pure=True)(pieces(gross, j), pieces(on_hand, j), pieces(receipts, j),
                                                   kw, like, keys, ordered) for j in range(nparts)]
    div = divisions if len(items) else None
    return NettingFrames(*(_from_parts([p[k] for p in parts], metas[k], div) for k in range(3)))


# ----------------------------------------------------------------------------------------------------------
# allocation


class AllocationFrames(NamedTuple):
    """Result of :func:`allocate`: :class:`bk_fast.allocation.Allocation` as Dask DataFrames.

    ``deliveries`` is indexed by item (sorted, known divisions; columns ``order, due, period, qty,
    days_late``); ``shortfalls`` and ``orders`` keep the orders' row labels (unknown divisions).
    """

    deliveries: dd.DataFrame
    shortfalls: dd.DataFrame
    orders: dd.DataFrame


def _alloc_part(orders, supply, kwargs, like=None):
    res = _allocate(_join(orders), _join(supply), **kwargs)
    d, short = res.deliveries, res.shortfalls
    if len(d) > 1:
        d = d.iloc[np.argsort(d["item"].to_numpy(), kind="stable")]
    d = d.set_index("item")
    if like is not None:
        # a partition may hold one kind of integer ids only (int64 or uint64) where the whole call united them
        # with the other kind (as uint64 or Python ints): the whole call's kind
        # (``shortfalls`` keep the orders' own ids, as the single-machine function does)
        # (categorical or text ids of several dtypes: the orders' dtype, see _united)
        if (getattr(d.index.dtype, "kind", "O") != getattr(like.dtype, "kind", "O")
                or pd.CategoricalDtype in (type(d.index.dtype), type(like.dtype))
                or (_is_text(d.index.dtype) and _is_text(like.dtype))):
            d.index = _as_items(d.index, like)
    return d, short, res.orders


def allocate(orders, supply, *, partial: bool = True, max_lateness=None, min_shipment: float | None = None,
             columns: dict | None = None, npartitions: int | None = None,
             engine: str | None = None) -> AllocationFrames:
    """:func:`bk_fast.allocate` partitioned by item (each item's orders and supply stay together).

    Parameters
    ----------
    orders, supply : DataFrame or dask DataFrame
        As for :func:`bk_fast.allocate`.
    partial, max_lateness, min_shipment, columns, engine
        As for :func:`bk_fast.allocate`.
    npartitions : int, optional
        Number of item ranges (default: the largest partition count of the inputs).

    Returns
    -------
    AllocationFrames
        ``(deliveries, shortfalls, orders)``. ``deliveries`` rows equal the single-machine deliveries sorted
        (stably) by item, with ``item`` as the index; ``shortfalls`` and ``orders`` hold the single-machine
        rows, grouped by item range.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd, bk_fast.dask as bkd
    >>> orders = dd.from_pandas(pd.DataFrame({"order": [1, 2, 3], "item": ["Y", "Z", "Y"],
    ...                                       "qty": [10.0, 5.0, 20.0], "priority": [1, 1, 2],
    ...                                       "due": [0, 0, 0]}), npartitions=2)
    >>> supply = pd.DataFrame({"item": ["Y", "Z"], "period": [0, 0], "qty": [25.0, 3.0]})
    >>> bkd.allocate(orders, supply).orders.compute().sort_index()
        qty  delivered  on_time  short
    0  10.0       10.0     10.0    0.0
    1   5.0        3.0      3.0    2.0
    2  20.0       15.0     15.0    5.0
    """
    cols = dict(columns or {})
    ocols = {k: v for k, v in cols.items() if k in _alloc._ORDER_NAMES}
    scols = {k[len("supply_"):] if k.startswith("supply_") else k: v for k, v in cols.items()
             if k in ("supply_item", "period", "supply_qty")}
    o_item = _alloc._column(_meta(orders), "item", _alloc._ORDER_NAMES, "orders", ocols)
    s_item = _alloc._column(_meta(supply), "item", _alloc._SUPPLY_NAMES, "supply", scols)
    keyed = [(orders, o_item), (supply, s_item)]
    # (exact, as the in-memory allocate matches the order and supply ids: the ranges keep each item together)
    # (the deliveries' ids are the orders', in the orders' dtype, as in memory: ``united`` of the orders only)
    kinds: list = []
    items, _, united, ids, _ = _item_plan(keyed, npartitions, [], ["orders", "supply"], united=[0], dtypes=kinds)
    nparts = _nparts(npartitions, keyed)
    bounds, divisions = _bounds(items, nparts)
    nparts = len(bounds) + 1
    o_split = _split_all(orders, o_item, bounds, nparts)
    s_split = _split_all(supply, s_item, bounds, nparts)
    kwargs = dict(partial=partial, max_lateness=max_lateness, min_shipment=min_shipment, columns=columns,
                  engine=engine)
    # (deliveries: of ids both ordered and supplied; found for object ids only: pandas 3.1's isin of ``str`` ids
    # makes a pyarrow scalar of each id looked for, about 1 s for 100,000 ids)
    like = (_concatenated(united, bounds, lambda: ids[0][ids[0].isin(ids[1])]) if united is not None
            else _like(items, nparts))
    o_dtype = next(iter(kinds[0])) if len(kinds[0]) == 1 else None
    if united is None and like is not None and _numeric(o_dtype):
        # (numeric order ids, of one dtype in every partition holding orders: the deliveries keep it, as in
        # memory, where the ids made comparable with the supply's (bk_fast._validate.same_ids) are int64:
        # float64, Float64 or UInt64 orders beside integer supply ids were keyed int64)
        like = pd.Index([], dtype=o_dtype)
    meta = _alloc_part(_meta(orders).head(0), _meta(supply).head(0), {**kwargs, "engine": "numpy"}, like)
    # (the deliveries keep the orders' id dtype, as in memory: so a text dtype of empty orders beside supply ids
    # that are not text)
    # (no items: one partition, the function on the inputs as they are, whose dtypes the heads have; no ordered
    # items: no partition delivers, and Dask's compute() gives the first partition's empty deliveries, the
    # function's on empty orders cast as the partitions cast theirs, not the items' dtype: empty int64 orders beside
    # float supply ids deliver int64 ids, as in memory)
    metas = [_empty_like(meta[0], items, like, ids[0]) if len(ids[0]) else meta[0].head(0), meta[1], meta[2]]
    parts = [delayed(_alloc_part, nout=3, pure=True)(o_split[j], s_split[j], kwargs, like) for j in range(nparts)]
    div = divisions if len(items) else None
    return AllocationFrames(_from_parts([p[0] for p in parts], metas[0], div),
                            _from_parts([p[1] for p in parts], metas[1]),
                            _from_parts([p[2] for p in parts], metas[2]))


# ----------------------------------------------------------------------------------------------------------
# kits: connected components of the order-item graph


def _edges_part(part, r_order, r_item, r_frac):
    # the fractions read as allocate_kits reads them (ERP number text such as "$0.50" or "1,000" too); text that
    # is no number reads as NaN, whose row the partition's allocate_kits then reports
    frac = float_column(part, r_frac, what="requirements")
    keep = ~(frac <= 0)  # zero rows are ignored by allocate_kits; NaN (and negative) rows are left for it to report
    return part[r_order].to_numpy()[keep], part[r_item].to_numpy()[keep]


def order_item_components(order_ids, req_orders, req_items) -> tuple[pd.Series, pd.Series]:
    """Connected components of the order-item graph: orders that share an item, directly or through other
    orders, get the same component.

    Parameters
    ----------
    order_ids : array-like
        Every order (an order without requirement lines is a component of its own).
    req_orders, req_items : array-like
        One requirement edge (order, item) per entry.

    Returns
    -------
    (orders, items) : Series
        Component number (0, 1, ... in order of each component's first order) of every distinct order and of
        every distinct item of the requirements.

    Examples
    --------
    >>> import bk_fast.dask as bkd
    >>> orders, items = bkd.order_item_components(["K1", "K2", "K3"], ["K1", "K2", "K2", "K3"],
    ...                                           [10, 10, 11, 12])
    >>> orders.tolist(), items.to_dict()
    ([0, 0, 1], {10: 0, 11: 0, 12: 1})
    """
    o_index = pd.Index(pd.unique(np.asarray(order_ids, dtype=object) if not isinstance(order_ids, (pd.Series,
                                                                                              pd.Index))
                                 else order_ids))
    oc = o_index.get_indexer(pd.Index(req_orders))
    if (oc < 0).any():
        raise ValueError(f"requirement order {_plain(pd.Index(req_orders)[oc < 0][0])!r} is not in the orders")
    ic, i_uniq = pd.factorize(pd.Index(req_items))
    label = _components(oc, ic, len(o_index), len(i_uniq))
    _, comp = np.unique(label[:len(o_index)], return_inverse=True)
    # renumber in order of each component's first order
    first = pd.unique(comp)
    renum = np.empty(first.shape[0], dtype=np.int64)
    renum[first] = np.arange(first.shape[0])
    comp_o = renum[comp]
    root_comp = dict(zip(label[:len(o_index)].tolist(), comp_o.tolist()))
    comp_i = np.array([root_comp[x] for x in label[len(o_index):].tolist()], dtype=np.int64)
    return pd.Series(comp_o, index=o_index, name="component"), pd.Series(comp_i, index=pd.Index(i_uniq),
                                                                          name="component")


def _pack(sizes: np.ndarray, nparts: int) -> np.ndarray:
    """Partition of every component: largest first onto the lightest partition (balanced by requirement
    lines)."""
    out = np.zeros(sizes.shape[0], dtype=np.int64)
    load = np.zeros(nparts)
    for c in np.argsort(-sizes, kind="stable"):
        j = int(np.argmin(load))
        out[c] = j
        load[j] += sizes[c]
    return out


def _split_by_map(part, key, mapping: pd.Series, nparts: int, default: int = 0) -> tuple:
    vals = _key_values(part, key) if key is not None else part.index.to_numpy()
    pos = mapping.index.get_indexer(pd.Index(vals))
    where = np.full(len(vals), default, dtype=np.int64)  # keys absent from ``mapping`` (it may be empty)
    hit = pos >= 0
    where[hit] = mapping.to_numpy()[pos[hit]]
    order = np.argsort(where, kind="stable")
    ends = np.cumsum(np.bincount(where, minlength=nparts))
    starts = np.r_[0, ends[:-1]]
    return tuple(part.iloc[order[s:e]] for s, e in zip(starts, ends))


def _split_map_all(obj, key, mapping, nparts):
    if _is_dask(obj):
        ref = _broadcast(mapping) if obj.npartitions > 1 else mapping
        pieces = [delayed(_split_by_map, nout=nparts, pure=True)(p, key, ref, nparts)
                  for p in obj.to_delayed()]
        return [[pc[j] for pc in pieces] for j in range(nparts)]
    return [[piece] for piece in _split_by_map(obj, key, mapping, nparts)]


class KitAllocationFrames(NamedTuple):
    """Result of :func:`allocate_kits`: :class:`bk_fast.allocation.KitAllocation` as Dask DataFrames (unknown
    divisions: rows are keyed by order), plus ``components``: the component and partition of every order."""

    orders: dd.DataFrame
    lines: dd.DataFrame
    components: pd.DataFrame


def _kits_part(orders, requirements, supply, kwargs, meta=None, mixed=False):
    """The single-machine function on one partition; ``meta``: the (orders, lines) the whole answer declares, to
    which a column with no value is cast (a partition without requirement rows has an object ``limiting_item``
    where the whole demand's text ids give ``str``); ``mixed``: the whole requirements' item ids mix text with
    other ids, whose columns the whole answer holds as object (a partition of text ids alone would give str)."""
    res = _allocate_kits(_join(orders), _join(requirements), _join(supply), **kwargs)
    if meta is None:
        return res.orders, res.lines
    frames = tuple(_as_declared(f, m) for f, m in zip((res.orders, res.lines), meta))
    if mixed:
        frames = (frames[0].astype({"limiting_item": object}), frames[1].astype({"item": object}))
    return frames


def _text_beside_others(ids: np.ndarray) -> bool:
    """Whether object ``ids`` hold text and ids of another kind (ints beside text styles: the single-machine
    answer's item columns are then object, where text alone gives ``str``)."""
    if ids.dtype != object or not len(ids) or \
            pd.api.types.infer_dtype(ids, skipna=True) not in ("mixed", "mixed-integer"):
        return False
    text = np.fromiter((isinstance(v, str) for v in ids), dtype=bool, count=len(ids))
    return bool(text.any()) and not bool(text.all())


def _as_declared(frame: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each column that holds no value (empty or all missing) cast to ``meta``'s dtype for it;
    a column of missing values only where that dtype can hold them (not NumPy bool or integers)."""
    def fits(dtype) -> bool:
        return not len(frame) or not (isinstance(dtype, np.dtype) and dtype.kind in "biu")

    cast = {c: meta[c].dtype for c in frame.columns if c in meta.columns and frame[c].dtype != meta[c].dtype
            and not frame[c].notna().any() and fits(meta[c].dtype)}
    return frame.astype(cast) if cast else frame


def allocate_kits(orders, requirements, supply, *, mode: str = "proportional", columns: dict | None = None,
                  npartitions: int | None = None, engine: str | None = None) -> KitAllocationFrames:
    """:func:`bk_fast.allocate_kits` partitioned by connected components of the order-item graph.

    An order takes all of its items at once, so two orders sharing an item cannot be allocated apart, nor
    can orders linked through a chain of shared items. The components are computed first (the requirement
    edges, 16 bytes each, are gathered on the client), then whole components are packed into
    ``npartitions`` partitions balanced by requirement lines; orders, requirements and supply are split
    accordingly and every partition runs the single-machine function.

    Parameters
    ----------
    orders, requirements, supply : DataFrame or dask DataFrame
        As for :func:`bk_fast.allocate_kits`.
    mode, columns, engine
        As for :func:`bk_fast.allocate_kits`.
    npartitions : int, optional
        Number of partitions (default: the largest partition count of the inputs).

    Returns
    -------
    KitAllocationFrames
        ``orders`` (rows equal the single-machine ``orders``, grouped by partition), ``lines`` (the
        single-machine lines; within a partition in allocation order) and ``components`` (pandas: per
        distinct order id, ``component`` and ``partition``).

    Examples
    --------
    >>> import pandas as pd, bk_fast.dask as bkd
    >>> orders = pd.DataFrame({"order": ["K1", "K2", "K3"], "qty": [100.0, 100.0, 10.0],
    ...                        "priority": [1, 2, 1]})
    >>> req = pd.DataFrame({"order": ["K1", "K2", "K3"], "item": [7, 7, 8], "fraction": [1.0, 1.0, 1.0]})
    >>> supply = pd.DataFrame({"item": [7, 8], "qty": [150.0, 5.0]})
    >>> res = bkd.allocate_kits(orders, req, supply, npartitions=2)
    >>> res.components  # doctest: +NORMALIZE_WHITESPACE
           component  partition
    order
    K1             0          0
    K2             0          0
    K3             1          1
    >>> res.orders.compute().sort_index()
         qty  knittable  short  limiting_item  complete
    0  100.0      100.0    0.0           <NA>      True
    1  100.0       50.0   50.0              7     False
    2   10.0        5.0    5.0              8     False
    """
    cols = dict(columns or {})
    ocols = {k: v for k, v in cols.items() if k in ("order", "qty", "priority", "due")}
    rcols = {k[4:] if k.startswith("req_") else k: v for k, v in cols.items()
             if k in ("req_order", "req_item", "fraction")}
    scols = {k[len("supply_"):] if k.startswith("supply_") else k: v for k, v in cols.items()
             if k in ("supply_item", "period", "supply_qty")}
    o_order = _alloc._column(_meta(orders), "order", _alloc._ORDER_NAMES, "orders", ocols)
    r_order = _alloc._column(_meta(requirements), "order", _alloc._REQ_NAMES, "requirements", rcols)
    r_item = _alloc._column(_meta(requirements), "item", _alloc._REQ_NAMES, "requirements", rcols)
    r_frac = _alloc._column(_meta(requirements), "fraction", _alloc._REQ_NAMES, "requirements", rcols)
    s_item = _alloc._column(_meta(supply), "item", _alloc._SUPPLY_NAMES, "supply", scols)

    ids_jobs = [delayed(lambda p: p[o_order].to_numpy(), pure=True)(p) for p in _parts(orders)]
    edge_jobs = [delayed(_edges_part, pure=True)(p, r_order, r_item, r_frac) for p in _parts(requirements)]
    s_jobs = [delayed(_distinct, pure=True)(p, s_item) for p in _parts(supply)]
    ids, edges, s_found = dask.compute(ids_jobs, edge_jobs, s_jobs)
    all_ids = np.concatenate(ids) if ids else np.zeros(0, dtype=object)
    e_o = np.concatenate([e[0] for e in edges]) if edges else np.zeros(0, dtype=object)
    e_i = np.concatenate([e[1] for e in edges]) if edges else np.zeros(0, dtype=object)
    known = pd.Index(all_ids)
    if not known.is_unique or (len(e_o) and (known.get_indexer(pd.Index(e_o)) < 0).any()):
        # the single-machine function reports the offending row (a repeated order id, a requirement of an
        # unknown order): run it on the whole to get its message
        _allocate_kits(_compute(orders), _compute(requirements), _compute(supply), mode=mode, columns=columns,
                       engine=engine)
        if not known.is_unique:  # pragma: no cover - the single-machine function refuses repeated ids
            raise ValueError(f"orders column {o_order!r} must be unique for kits")
    try:
        # the single-machine function matches requirement and supply item ids exactly and refuses a float id
        # it cannot match with integer ids (1.5, 2.0**60): the supply split below would match them as pandas
        # does and allocate silently, so the same error (raised by the function itself, in its order of checks)
        same_ids([("requirements", pd.Index(e_i)), ("supply", _net._union([d[0] for d in s_found]))])
    except ValueError:
        _allocate_kits(_compute(orders), _compute(requirements), _compute(supply), mode=mode, columns=columns,
                       engine=engine)
        raise
    comp_o, comp_i = order_item_components(all_ids, e_o, e_i)
    nparts = _nparts(npartitions, [(orders, None), (requirements, None), (supply, None)])
    n_comp = int(comp_o.max()) + 1 if len(comp_o) else 0
    nparts = max(1, min(nparts, max(n_comp, 1)))
    sizes = np.bincount(comp_o.to_numpy(), minlength=n_comp).astype(np.float64)
    if len(e_o):
        sizes += np.bincount(comp_o.to_numpy()[known.get_indexer(pd.Index(e_o))], minlength=n_comp)
    part_of_comp = _pack(sizes, nparts)
    o_part = pd.Series(part_of_comp[comp_o.to_numpy()], index=comp_o.index)
    i_part = pd.Series(part_of_comp[comp_i.to_numpy()], index=comp_i.index)
    o_split = _split_map_all(orders, o_order, o_part, nparts)
    r_split = _split_map_all(requirements, r_order, o_part, nparts)
    s_split = _split_map_all(supply, s_item, i_part, nparts)
    kwargs = dict(mode=mode, columns=columns, engine=engine)
    heads = [_meta(orders).head(0), _meta(requirements).head(0), _meta(supply).head(0)]
    meta = _kits_part(*heads, {**kwargs, "engine": "numpy"})
    if len(all_ids):
        # an answer with rows may type its id columns otherwise than one without (object text ids read as
        # ``str``): the meta is the partitions' function on one row of each input that has rows, its ids real
        # ids (the other columns dask's sample values), when that sample is one the function takes
        supplied = [d[0][:1] for d in s_found if len(d[0])]
        try:
            sample = [_sample(heads[0], {o_order: e_o[0] if len(e_o) else all_ids[0]}),
                      _sample(heads[1], {r_order: e_o[0], r_item: e_i[0], r_frac: 1.0}) if len(e_o) else heads[1],
                      _sample(heads[2], {s_item: e_i[0] if len(e_i) else supplied[0][0]}) if supplied else heads[2]]
            meta = tuple(m.head(0) for m in _kits_part(*sample, {**kwargs, "engine": "numpy"}))
        except Exception:  # any sample the casts or the function refuse (a requirement's item id that supply's
            # id dtype cannot hold raises OverflowError): the empty heads' meta, as before the sample
            pass
    mixed = _text_beside_others(e_i)
    if mixed:  # (a one-row sample sees one kind)
        meta = (meta[0].astype({"limiting_item": object}), meta[1].astype({"item": object}))
    parts = [delayed(_kits_part, nout=2, pure=True)(o_split[j], r_split[j], s_split[j], kwargs, meta, mixed)
             for j in range(nparts)]
    components = pd.DataFrame({"component": comp_o, "partition": o_part})
    components.index.name = o_order
    return KitAllocationFrames(_from_parts([p[0] for p in parts], meta[0]),
                               _from_parts([p[1] for p in parts], meta[1]), components)


def _sample(head: pd.DataFrame, values: dict) -> pd.DataFrame:
    """One row of ``head``'s columns and dtypes: dask's sample values (``meta_nonempty``), the columns of
    ``values`` holding the value given, in the column's dtype."""
    from dask.dataframe.utils import meta_nonempty

    out = meta_nonempty(head).head(1)
    for col, value in values.items():
        out[col] = pd.Series(np.array([value], dtype=object), index=out.index).astype(head[col].dtype)
    return out


def _compute(obj):
    return obj.compute() if _is_dask(obj) else obj

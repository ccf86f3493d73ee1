"""Frame plumbing for the drop-ins: text-column detection, dense group codes, stable sort codes, key lookups
and reordering a frame by a permutation. Everything here only decides whether the kernel path applies and
prepares validated arrays for it; ``None`` means "take the plain pandas path"."""

from __future__ import annotations

import sys
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from bk_fast._arrow_text import strip_upper_odd_rows, text_buffers
from bk_fast._engine import pick, resolve
from bk_fast._gather import take8
from bk_fast._validate import offset_codes

#: a dense key range is used (instead of hashing) while it is at most this many times the row count
_RANGE_FACTOR = 2
_RANGE_FLOOR = 1 << 16


def is_text(dtype, *, sparse: bool = False) -> bool:
    """``object`` columns and pandas 3 ``str`` columns (``StringDtype`` with NaN as missing value, either
    storage): the text the original treated, ``str`` standing for the ``object`` column pandas 2 held; a packed
    ``str`` column (``packed_str``, from ``bk_fast.optimize_memory(pack=True)``) alike. The opt-in ``string``
    dtype (``pd.NA`` as missing value) is not text to the original (``select_dtypes('object')`` skips it, under
    pandas 2 and 3), so it is not here either.

    ``sparse=True``: a ``Sparse[object]`` column too, which ``select_dtypes('object')`` selects (the
    DataFrameOptimizer original's text columns); MemoryOptimizer's original tests ``dtype == 'object'``, which
    it is not."""
    if sparse and isinstance(dtype, pd.SparseDtype) and dtype.subtype == object:
        return True
    return dtype == object or (isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA) or _packed(dtype)


def _packed(dtype) -> bool:
    """A ``packed_str`` dtype. Its module (which needs the optional pyarrow) is not imported for this: a packed
    column exists only once that module is loaded."""
    module = sys.modules.get("bk_fast._packed")
    return module is not None and isinstance(dtype, module.PackedStringDtype)


def _string_key(dtype) -> bool:
    """Text keys for a lookup: ``object`` or any ``StringDtype``."""
    return dtype == object or isinstance(dtype, pd.StringDtype)


def text_columns(df: pd.DataFrame, *, sparse: bool = False) -> list:
    """Labels of the columns :func:`is_text` accepts (``sparse`` as there)."""
    return [name for name, dtype in df.dtypes.items() if is_text(dtype, sparse=sparse)]


def as_object(series: pd.Series) -> pd.Series:
    """A ``str`` column as the ``object`` column pandas 2 would have held (missing -> NaN). The ``string``
    dtype (``pd.NA``) is returned as it is: the original saw it as it is too (see :func:`is_text`), and e.g.
    ``pd.to_numeric`` gives nullable ``Int64``/``Float64`` on it, ``float64`` on its object copy."""
    if isinstance(series, pd.Series) and is_text(series.dtype) and series.dtype != object:
        return series.astype(object)
    return series


def odd_rows(series: pd.Series, upper: bool = True) -> np.ndarray | None:
    """:func:`bk_fast._arrow_text.strip_upper_odd_rows` of a pandas ``str`` column held by pyarrow (the values
    whose ``.str.strip()`` / (``upper``) ``.str.upper()`` Arrow may answer otherwise than Python); None for any
    other column (an ``ArrowDtype`` text column too: the drop-ins read it through object, as the original
    did)."""
    return strip_upper_odd_rows(series, upper) if _arrow_text(series) is not None else None


def back_to_str(result: pd.Series, source: pd.Series) -> pd.Series:
    """After running object-column logic on a converted ``str`` (or packed) column, give the result the
    source's dtype back when it is still text (object); other results (datetimes, numbers) are kept as they
    are."""
    if (isinstance(source.dtype, pd.StringDtype) or _packed(source.dtype)) and result.dtype == object:
        try:
            return result.astype(source.dtype)
        except (TypeError, ValueError):
            return result
    return result


def plain_numpy(series: pd.Series) -> np.ndarray | None:
    """The column's ndarray when it is backed by a plain numpy dtype, else None (also for a DataFrame: a label
    naming several columns of a MultiIndex, which the pandas path rejects as the original does)."""
    if not isinstance(series, pd.Series):
        return None
    return series.to_numpy() if isinstance(series.dtype, np.dtype) else None


def _limit(n: int) -> int:
    return _RANGE_FACTOR * n + _RANGE_FLOOR


def int_range_codes(values: np.ndarray, n_rows: int, lo: int | None = None, hi: int | None = None):
    """``(values - lo, hi - lo + 1)`` for integer keys whose range is small enough, else None."""
    if values.dtype.kind not in "iu" or values.size == 0:
        return None
    lo = int(values.min()) if lo is None else lo
    hi = int(values.max()) if hi is None else hi
    span = hi - lo + 1
    if span > _limit(n_rows):
        return None
    return offset_codes(values, lo), span  # (uint64 keys beyond int64 too)


def _arrow_text(series: pd.Series):
    """Arrow buffers of a pyarrow-backed text column (pandas' ``str``): ``(offsets, data, nulls)`` (nulls empty
    when none is missing), or None."""
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    got = text_buffers(series)
    if got is None:  # pragma: no cover - (pyarrow-backed str: string or large_string)
        return None
    offsets, data, missing = got
    return offsets, data, (missing if missing.any() else np.empty(0, np.uint8))


def factorize(keys: pd.Series, engine=None, *, uniques: bool = True):
    """``pd.factorize(keys)``: codes (first-appearance order, -1 for missing), their number, and the distinct
    keys (None when ``uniques=False``).

    Arrow-backed text goes through the ``hash_factorize`` kernel (compiled engines); anything else, and the
    numpy engine, through pandas."""
    n = len(keys)
    buffers = _arrow_text(keys) if pick(engine) != "numpy" and n < 2 ** 32 - 1 else None
    if buffers is not None:
        codes = np.empty(n, dtype=np.int64)
        first = np.empty(n, dtype=np.int64)
        n_groups = int(resolve("hash_factorize", engine)(*buffers, codes, first))
        if n_groups >= 0:
            return codes, n_groups, keys.array.take(first[:n_groups]) if uniques else None
    codes, found = pd.factorize(keys, use_na_sentinel=True)
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    return codes, len(found), found


def take_text(series: pd.Series, rows: np.ndarray, engine=None):
    """``series.array.take(rows)`` for a pyarrow-backed text column without missing values, by the
    ``take_text`` kernel (Arrow's own take is several times slower on strings); None for anything else.
    ``rows`` must be distinct (the output buffer holds at most the input's bytes)."""
    buffers = _arrow_text(series) if pick(engine) != "numpy" else None
    if buffers is None or buffers[2].shape[0]:
        return None
    import pyarrow as pa

    offsets, data, _ = buffers
    out_offsets = np.empty(len(rows) + 1, dtype=np.int64)
    out_data = np.empty(data.shape[0], dtype=np.uint8)
    total = int(resolve("take_text", engine)(offsets, data, rows, out_offsets, out_data))
    out_data.resize(total, refcheck=False)
    arr = pa.LargeStringArray.from_buffers(len(rows), pa.py_buffer(out_offsets), pa.py_buffer(out_data))
    dtype = series.dtype
    return dtype.construct_array_type()(arr, dtype=dtype)


def group_codes(keys: pd.Series, engine=None):
    """Dense int64 group codes (-1 for a missing key, as groupby drops it), the number of groups, and whether
    any key is missing."""
    arr = plain_numpy(keys)
    if arr is not None:
        coded = int_range_codes(arr, len(arr))
        if coded is not None:
            return np.ascontiguousarray(coded[0]), coded[1], False
    codes, n_groups, _ = factorize(keys, engine, uniques=False)
    return codes, n_groups, bool((codes < 0).any())


def _numeric_key(dtype) -> bool:
    # (not float16: pandas' merge raises NotImplementedError on it, which the pandas path keeps)
    return isinstance(dtype, np.dtype) and dtype.kind in "iuf" and dtype != np.float16


def keyed_lookup(left: pd.Series, right: pd.Series, engine=None):
    """:func:`_keyed_lookup`; where it applies, pandas' merge warning for float keys that are not whole numbers
    beside integer keys, which the merge it replaces gives."""
    looked = _keyed_lookup(left, right, engine)
    if looked is not None:
        _warn_inexact_float_keys(left, right)
    return looked


def _warn_inexact_float_keys(left: pd.Series, right: pd.Series) -> None:
    """pandas' UserWarning (same text, same test: ``merge._maybe_coerce_merge_keys``) when one side's keys are
    integers and the other's floats that, NaN aside, do not survive a cast to the integer side's dtype (1.5,
    inf, 300.0 beside int8)."""
    ldt, rdt = left.dtype, right.dtype
    if not (isinstance(ldt, np.dtype) and isinstance(rdt, np.dtype)) or {ldt.kind, rdt.kind} not in \
            ({"f", "i"}, {"f", "u"}):
        return
    floats, ints = (left, right) if ldt.kind == "f" else (right, left)
    values = floats.to_numpy()
    with np.errstate(invalid="ignore"):
        casted = values.astype(ints.dtype)
    if not (values == casted)[~np.isnan(values)].all():
        warnings.warn("You are merging on int and float columns where the float values are not equal to their int "
                      "representation.", UserWarning, stacklevel=_outside_stacklevel())


def _outside_stacklevel() -> int:
    """The ``stacklevel`` naming the first caller outside bk_fast (as pandas' ``find_stack_level`` does for
    pandas)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "bk_fast":
        frame, level = frame.f_back, level + 1
    return level


def _keyed_lookup(left: pd.Series, right: pd.Series, engine=None):
    """How each row of ``left`` finds its match in ``right``, as a left merge on unique right keys would:
    ``(keys, base, n_groups, pos_by_code, raw)`` where row i belongs to group ``keys[i] - base`` (negative:
    missing key) and ``pos_by_code[g]`` is the position of group g's match in ``right`` (-1: no match).
    Integer keys in a narrow range are their own codes (``raw``: ``keys`` is the column as int64, ``base``
    the smallest key); anything else is factorised (``base`` 0, -1 for a missing key). ``None`` when the fast
    path does not apply (duplicate or missing right keys, key dtypes pandas would treat differently)."""
    ldt, rdt = left.dtype, right.dtype
    both_text = _string_key(ldt) and _string_key(rdt)
    both_num = _numeric_key(ldt) and _numeric_key(rdt)
    if not (both_text or both_num):
        return None
    if both_num and ldt != rdt:
        # pandas' merge compares numeric keys of different dtypes in their common dtype; looking them up
        # across dtypes could disagree with it (Index.get_indexer wraps signed ids into a narrower unsigned
        # index: 257 found as 1). Keys are cast to that dtype when it holds every key exactly; when it does
        # not (uint64 with a signed integer, or integers with a float: float64, where ids beyond 2**53 merge
        # as equal while groupby still tells them apart) the plain pandas path reproduces both.
        common = np.result_type(ldt, rdt)
        if common.kind == "f":
            exact = 2 ** (np.finfo(common).nmant + 1)
            for side in (left, right):
                if side.dtype.kind in "iu" and len(side) and \
                        max(abs(int(side.min())), abs(int(side.max()))) > exact:
                    return None
        left, right = left.astype(common), right.astype(common)
    if right.isna().any():
        return None
    if both_text and (ldt == object or rdt == object):
        # object keys may hold non-strings whose equality pandas decides by hashing: only plain strings here
        for side in (left, right):
            if side.dtype == object and pd.api.types.infer_dtype(side, skipna=True) not in ("string", "empty"):
                return None
    n = len(left)
    larr, rarr = plain_numpy(left), plain_numpy(right)
    if larr is not None and rarr is not None and larr.dtype.kind in "iu" and rarr.dtype.kind in "iu" \
            and larr.size and rarr.size and (larr.dtype.kind == "i" or int(larr.max()) <= np.iinfo(np.int64).max) \
            and (rarr.dtype.kind == "i" or int(rarr.max()) <= np.iinfo(np.int64).max):
        lo = min(int(larr.min()), int(rarr.min()))
        hi = max(int(larr.max()), int(rarr.max()))
        span = hi - lo + 1
        if span <= _limit(n + len(rarr)):
            table = np.full(span, -1, dtype=np.int64)
            table[rarr.astype(np.int64) - np.int64(lo)] = np.arange(len(rarr), dtype=np.int64)
            if np.count_nonzero(table >= 0) != len(rarr):
                return None  # duplicate right keys: the merge would repeat rows
            return np.ascontiguousarray(larr, dtype=np.int64), lo, span, table, True
    rindex = pd.Index(right)
    if not rindex.is_unique:
        return None
    codes, n_groups, uniques = factorize(left, engine)
    pos_by_code = np.asarray(rindex.get_indexer(uniques), dtype=np.int64) if n_groups else \
        np.empty(0, dtype=np.int64)
    return codes, 0, n_groups, pos_by_code, False


def values_by_code(values: np.ndarray, pos_by_code: np.ndarray) -> np.ndarray:
    """Per group: the right-hand value of its match as float64, NaN where the group has no match."""
    out = values.astype(np.float64)[np.maximum(pos_by_code, 0)] if len(values) else \
        np.full(len(pos_by_code), np.nan)
    out[pos_by_code < 0] = np.nan
    return np.ascontiguousarray(out)


_EMPTY_FLAGS = np.empty(0, dtype=np.uint8)


def _sort_params(series: pd.Series, n: int):
    """How one sort key becomes dense order-preserving codes without temporaries: ``(values as int64, lo,
    step, span, missing flags)`` with code ``(v - lo) / step`` and ``span`` for a missing value (missing sorts
    last, like pandas). ``None`` when the key cannot be coded densely (text, fractional floats, wide range)."""
    dtype = series.dtype
    if not isinstance(dtype, np.dtype):
        return None
    arr = series.to_numpy()
    kind = dtype.kind
    flags = _EMPTY_FLAGS
    if kind in "iu" and dtype.itemsize == 8 and kind == "i":
        vals = arr
    elif kind in "iub":
        if kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
            return None
        vals = arr.astype(np.int64)
    elif kind in "mM":
        if dtype.itemsize != 8:
            return None
        vals = arr.view(np.int64)
        missing = np.isnat(arr)
        if missing.any():
            flags = missing.view(np.uint8)
    elif kind == "f":
        missing = np.isnan(arr)
        has_missing = bool(missing.any())
        finite = arr[~missing] if has_missing else arr
        if finite.size and (not np.isfinite(finite).all() or np.abs(finite).max() >= 2.0 ** 53
                            or (finite != np.floor(finite)).any()):
            return None
        vals = np.where(missing, 0.0, arr).astype(np.int64)
        if has_missing:
            flags = missing.view(np.uint8)
    else:
        return None
    vals = np.ascontiguousarray(vals)
    valid = vals[~flags.view(bool)] if flags.shape[0] else vals
    if valid.size == 0:
        return vals, 0, 1, 0, flags
    lo, hi = int(valid.min()), int(valid.max())
    if hi - lo >= 2 ** 62:
        return None
    step = 1
    if hi - lo + 1 > _limit(n):
        sample = valid[:4096] - np.int64(lo)
        step = int(np.gcd.reduce(np.append(sample, np.int64(hi - lo))))
        if step <= 0:
            step = 1
    span = (hi - lo) // step + 1
    if span > _limit(n):
        return None
    return vals, lo, step, span, flags


def _full_step(params):
    """The exact step (gcd over every value) when a sampled step did not divide them all."""
    vals, lo, _, _, flags = params
    valid = vals[~flags.view(bool)] if flags.shape[0] else vals
    step = max(int(np.gcd.reduce(valid - np.int64(lo))), 1)
    hi = int(valid.max())
    return vals, lo, step, (hi - lo) // step + 1, flags


class SortOrder(NamedTuple):
    """A stable sort of a frame's rows: ``perm[j]`` is the row at sorted position j. Dense-coded sorts also
    keep the inverse ``dest`` (row i goes to position ``dest[i]``), their buckets (``bounds``, see the
    ``dense_sort2`` kernel) and per key ``(lo, step, span)``, from which a key column is rebuilt in sorted
    order without reading it again."""
    perm: np.ndarray
    dest: np.ndarray | None = None
    by: tuple = ()
    bounds: np.ndarray | None = None
    keys: tuple = ()


def sort_order(frame: pd.DataFrame, by: list, *, engine=None) -> SortOrder:
    """Stable two-key sort as ``frame.sort_values(by)`` orders rows (missing values last). Dense keys go
    through the ``dense_sort2`` kernel (one counting sort); anything else through pandas."""
    n = len(frame)
    params = [_sort_params(frame[name], n) for name in by] if len(by) == 2 else [None]
    if all(p is not None for p in params):
        for attempt in range(2):
            if attempt:  # a sampled step did not divide every value: the exact one
                params = [_full_step(params[0]), _full_step(params[1])]
            (k1, lo1, st1, sp1, m1), (k2, lo2, st2, sp2, m2) = params
            total = (sp1 + 1) * (sp2 + 1)
            if total > _limit(n):
                break
            codes = np.empty(n, dtype=np.int64)
            bounds = np.zeros(total + 1, dtype=np.int64)
            dest = np.empty(n, dtype=np.int64)
            perm = np.empty(n, dtype=np.int64)
            if resolve("dense_sort2", engine)(k1, lo1, st1, sp1, m1, k2, lo2, st2, sp2, m2, codes, bounds, dest,
                                              perm):
                return SortOrder(perm, dest, tuple(by), bounds, ((lo1, st1, sp1), (lo2, st2, sp2)))
    sub = frame[by].reset_index(drop=True)
    return SortOrder(sub.sort_values(by).index.to_numpy(dtype=np.int64))


def sort_permutation(frame: pd.DataFrame, by: list, *, engine=None):
    """``(dest, perm)`` of :func:`sort_order`: ``perm`` the row at each sorted position and ``dest`` its inverse
    (None: not computed)."""
    order = sort_order(frame, by, engine=engine)
    return order.dest, order.perm


_NAT = np.iinfo(np.int64).min


def sorted_column(frame: pd.DataFrame, name, order: SortOrder, engine=None):
    """Column ``name`` of ``frame`` in ``order``: a sort key of int64 or datetime64 dtype is rebuilt from the
    buckets (no reads), other 8-byte numpy columns moved by :func:`permute8`, anything else taken by
    pandas/numpy."""
    col = frame[name]
    dtype = col.dtype
    perm = order.perm
    if not isinstance(dtype, np.dtype):
        return col.array.take(perm)
    if order.bounds is not None and name in order.by and dtype.itemsize == 8 and (
            dtype == np.int64 or dtype.kind == "M"):
        which = order.by.index(name)
        lo, step, span = order.keys[which]
        out = np.empty(len(perm), dtype=dtype)
        resolve("expand_runs", engine)(order.bounds, order.keys[1][2] + 1, which == 1, lo, step, span, _NAT,
                                       out.view(np.int64))
        return out
    arr = col.to_numpy()
    if dtype.itemsize == 8 and dtype.kind in "iufmM":
        return permute8(arr, order, engine)
    return arr.take(perm)


def permute8(values: np.ndarray, order: SortOrder, engine=None) -> np.ndarray:
    """An 8-byte numpy array in sorted order. Scattered by ``dest`` when the sort kept it: reads are sequential
    and each bucket's writes fill a cache line in turn, two to three times cheaper than gathering by ``perm``
    (whose reads jump between buckets, one cache line per value)."""
    if order.dest is None:
        return take8(values, order.perm, engine)
    out = np.empty(len(order.perm), dtype=values.dtype)
    resolve("scatter8", engine)(order.dest, np.ascontiguousarray(values).view(np.int64), out.view(np.int64))
    return out


def set_column(df: pd.DataFrame, name, values: np.ndarray) -> None:
    """``df[name] = values`` for a fresh array nobody else holds, without the copy pandas makes of a bare
    ndarray (wrapped in a Series on ``df``'s own index, which pandas takes as it is)."""
    df[name] = pd.Series(values, index=df.index, copy=False)


def frame_from_columns(cols: dict, index=None) -> pd.DataFrame:
    """A DataFrame of the given column arrays without re-inferring dtypes (``object`` text stays ``object``;
    pandas 3 would otherwise turn an object array of strings into ``str``)."""
    if index is None:
        index = pd.RangeIndex(len(next(iter(cols.values()))) if cols else 0)
    if not any(isinstance(values, np.ndarray) and values.dtype == object for values in cols.values()):
        return pd.DataFrame(cols, index=index, copy=False)  # no text to re-infer: the short way (no Series)
    series = {}
    for name, values in cols.items():
        if isinstance(values, np.ndarray) and values.dtype == object:
            series[name] = pd.Series(values, index=index, dtype=object, copy=False)
        else:
            series[name] = pd.Series(values, index=index, copy=False)
    return pd.DataFrame(series, index=index, copy=False)

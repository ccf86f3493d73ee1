"""Lossless memory optimisation of data frames (the ERP's optimizers change values; this one does not).

:func:`optimize_memory` shrinks every column to the smallest dtype that holds *exactly* the same values:
integers to the smallest integer type that holds their range, float64 to float32 only where every value
survives the round trip bit for bit (a NaN as NaN: pandas reads every NaN as missing, and the sign and payload
bits of a NaN are not kept), text to ``category`` when it repeats enough, numeric columns that are
mostly one value to sparse (on request). Nothing is rounded, no row is dropped, the index is kept, and the
caller's frame is not modified. A :class:`MemoryReport` says what changed and what it saved. The stored values
are exact, but pandas computes in a column's dtype: arithmetic on a narrowed number column is float32 or
small-int arithmetic (``numbers=False`` keeps number columns as they are).

The ERP-compatible (lossy) ``MemoryOptimizer`` with its quirks (float16, ``drop_duplicates``) is the drop-in in
``bk_fast.compat``; this module is the exact one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bk_fast._arrow_text import release_arrow_memory
from bk_fast._validate import number_arg, require_frame

__all__ = ["optimize_memory", "MemoryReport"]

_SIGNED = (np.int8, np.int16, np.int32, np.int64)
_UNSIGNED = (np.uint8, np.uint16, np.uint32, np.uint64)


@dataclass(frozen=True)
class MemoryReport:
    """What :func:`optimize_memory` did.

    Attributes
    ----------
    table : DataFrame
        One row per column (in column order, labelled by the column's position and name): ``column``,
        ``dtype_before``, ``dtype_after``, ``bytes_before``, ``bytes_after`` (``memory_usage(deep=True)``) and
        ``change`` (empty when the column was kept as it was).
    bytes_before, bytes_after : int
        Totals including the index (which is never changed).
    """

    table: pd.DataFrame
    bytes_before: int
    bytes_after: int

    @property
    def reduction(self) -> float:
        """Fraction of the memory saved, ``1 - after / before`` (0.0 for an empty frame)."""
        return 1.0 - self.bytes_after / self.bytes_before if self.bytes_before else 0.0

    def __str__(self) -> str:
        return (f"{_human(self.bytes_before)} -> {_human(self.bytes_after)} "
                f"({self.reduction:.1%} saved, {int((self.table['change'] != '').sum())} of "
                f"{len(self.table)} columns changed)")


def _human(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def _bytes(s: pd.Series) -> int:
    return int(s.memory_usage(deep=True, index=False))


def _int_dtype(cand: type, like):
    """Integer type ``cand`` in the family of dtype ``like``: NumPy, pandas' masked (``Int8``) or pyarrow
    (``int8[pyarrow]``)."""
    if isinstance(like, pd.ArrowDtype):
        import pyarrow as pa

        return pd.ArrowDtype(pa.from_numpy_dtype(np.dtype(cand)))
    if isinstance(like, pd.api.extensions.ExtensionDtype):
        return pd.api.types.pandas_dtype(np.dtype(cand).name.capitalize().replace("Ui", "UI"))
    return np.dtype(cand)


def _smallest_int(s: pd.Series) -> tuple[pd.Series, str]:
    dtype = s.dtype
    np_dtype = dtype.numpy_dtype if isinstance(dtype, pd.api.extensions.ExtensionDtype) else dtype
    if len(s) == 0 or s.isna().all():
        return s, ""
    lo, hi = s.min(), s.max()
    for cand in (_UNSIGNED if np_dtype.kind == "u" else _SIGNED):
        info = np.iinfo(cand)
        if cand(0).itemsize >= np_dtype.itemsize:
            return s, ""
        if info.min <= lo and hi <= info.max:
            target = _int_dtype(cand, dtype)
            return s.astype(target), f"{dtype} -> {target} (range {lo}..{hi})"
    return s, ""


def _to_float32(s: pd.Series, lossless: bool, rtol: float) -> tuple[pd.Series, str]:
    x = s.to_numpy()
    if x.dtype != np.float64 or len(x) == 0:
        return s, ""
    with np.errstate(over="ignore", invalid="ignore"):
        x32 = x.astype(np.float32)
    back = x32.astype(np.float64)
    # bit-identical (fast; also keeps -0.0), else equal with NaN as NaN (a NaN payload may not survive)
    if np.array_equal(back.view(np.int64), x.view(np.int64)) or np.array_equal(back, x, equal_nan=True):
        return pd.Series(x32, index=s.index, name=s.name, copy=False), "float64 -> float32 (every value exact)"
    if lossless:
        return s, ""
    with np.errstate(invalid="ignore"):
        fin = np.isfinite(x)
        if not np.array_equal(fin, np.isfinite(back)):  # out of float32 range
            return s, ""
        err = np.abs(back[fin] - x[fin])
        ok = bool(np.all(err <= rtol * np.abs(x[fin])))
    if not ok:
        return s, ""
    worst = float(np.max(err / np.where(x[fin] == 0, 1.0, np.abs(x[fin])))) if err.size else 0.0
    return (pd.Series(x32, index=s.index, name=s.name, copy=False),
            f"float64 -> float32 (max relative error {worst:.2g} <= {rtol:g})")


def _integral_float(s: pd.Series) -> tuple[pd.Series, str]:
    """Floats that are all whole numbers (no -0.0, no inf) -> the smallest integer type (a nullable one when
    there are NaN), kept only when converting back gives the identical floats."""
    x = s.to_numpy()
    if x.dtype not in (np.float32, np.float64) or len(x) == 0:
        return s, ""
    nan = np.isnan(x)
    v = x[~nan]
    if v.size == 0 or not np.isfinite(v).all() or np.abs(v).max() >= 2.0 ** 62 or (v != np.trunc(v)).any() \
            or np.signbit(v[v == 0]).any():
        return s, ""
    as_int = np.where(nan, 0, x).astype(np.int64)
    if nan.any():
        ints = pd.array(as_int, dtype="Int64")
        ints[nan] = pd.NA
        out, _ = _smallest_int(pd.Series(ints, index=s.index, name=s.name, copy=False))
    else:
        out, _ = _smallest_int(pd.Series(as_int, index=s.index, name=s.name, copy=False))
    back = out.astype(x.dtype).to_numpy()
    bits = np.dtype(f"i{x.itemsize}")
    if not (np.array_equal(np.isnan(back), nan) and np.array_equal(back[~nan].view(bits), v.view(bits))):
        return s, ""  # pragma: no cover - guarded above; kept as a check
    return out, f"{s.dtype} -> {out.dtype} (whole numbers{', NaN as <NA>' if nan.any() else ''})"


def _is_text(s: pd.Series) -> bool:
    if isinstance(s.dtype, pd.StringDtype):
        return True
    if isinstance(s.dtype, pd.ArrowDtype):
        import pyarrow as pa

        return pa.types.is_string(s.dtype.pyarrow_dtype) or pa.types.is_large_string(s.dtype.pyarrow_dtype)
    if s.dtype == object:
        return pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")
    return False


def _missing_all_nan(s: pd.Series) -> bool:
    """An object column's missing values are all float NaN (so the ``str`` dtype keeps them as they are)."""
    missing = s[s.isna()]
    return all(isinstance(v, float) for v in missing)


def _text(s: pd.Series, category_ratio: float) -> tuple[pd.Series, str]:
    n = len(s)
    if n == 0:
        return s, ""
    plain = s
    note = ""
    if s.dtype == object:
        if not _missing_all_nan(s):  # None would come back as NaN: leave the column as it is
            return s, ""
        # with pandas 2 semantics (pandas 2, or pandas 3 with future.infer_string=False) "str" is NumPy's str:
        # astype("str") gives object again with NaN as the text "nan". There is no compact str dtype then: the
        # column stays object text (category below: NaN is a missing code)
        if isinstance(pd.api.types.pandas_dtype("str"), pd.StringDtype):
            try:
                plain = s.astype("str")
            except UnicodeEncodeError:  # a lone surrogate ("\ud800") has no UTF-8: the str dtype cannot hold it
                return s, ""
            note = f"{s.dtype} -> str"
    # one hashing pass decides and builds the categorical (sorted categories, as astype("category") gives)
    codes, uniques = _factorize_sorted(plain)
    distinct = len(uniques) + int(bool((codes < 0).any()))
    if distinct < category_ratio * n:
        dtype = pd.CategoricalDtype(uniques)
        cat = pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=s.index, name=s.name,
                        copy=False)
        return cat, f"{s.dtype} -> category ({len(uniques)} distinct)"
    return plain, note


def _factorize_sorted(plain: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``(codes, sorted uniques)`` of a text column, missing -> -1: pyarrow's hash and sort kernels for
    pyarrow-backed strings (several times faster than pandas' factorize with sort=True), pandas otherwise."""
    pa_array = getattr(plain.array, "_pa_array", None)
    if pa_array is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        if pa.types.is_string(pa_array.type) or pa.types.is_large_string(pa_array.type):
            arr = pa_array.combine_chunks() if pa_array.num_chunks != 1 else pa_array.chunk(0)
            encoded = arr.dictionary_encode()
            del arr
            dictionary, idx = encoded.dictionary, encoded.indices
            del encoded
            order = pc.array_sort_indices(dictionary).to_numpy()
            k = len(order)
            # the codes in the dtype the categorical keeps (int8 below 127 categories, ...): no int64 temporaries
            width = next(t for t in (np.int8, np.int16, np.int32, np.int64) if k < np.iinfo(t).max)
            rank = np.empty(k + 1, dtype=width)  # (rank[k]: a missing value's code)
            rank[order] = np.arange(k, dtype=width)
            rank[k] = -1
            codes = rank[idx.fill_null(k).to_numpy() if idx.null_count else idx.to_numpy()]
            del idx
            uniques = pd.Index(dictionary.take(pa.array(order)).to_pandas(
                types_mapper={pa.string(): plain.dtype, pa.large_string(): plain.dtype}.get))
            return codes, uniques
    codes, uniques = pd.factorize(plain, sort=True, use_na_sentinel=True)
    return codes, pd.Index(uniques, dtype=plain.dtype if plain.dtype != object else None)


def _numeric_category(s: pd.Series) -> tuple[pd.Series, str]:
    """A NumPy number column with at most 32,766 distinct values as ``category`` (int8/int16 codes + the distinct
    numbers), kept only when converting back gives the identical array (bit for bit; NaN as NaN; -0.0 kept)."""
    x = s.to_numpy()
    if len(x) == 0 or x.dtype.kind not in "iuf" or x.dtype == np.float16:  # pandas has no float16 Index
        return s, ""
    codes, uniques = pd.factorize(x, sort=True, use_na_sentinel=True)
    if len(uniques) >= np.iinfo(np.int16).max:  # (pandas takes int32 codes from 32,767 categories on)
        return s, ""
    cat = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(uniques, dtype=x.dtype)),
                                    validate=False)
    back = np.asarray(cat.astype(x.dtype))
    if x.dtype.kind == "f":
        nan = np.isnan(x)
        bits = np.dtype(f"i{x.itemsize}")
        same = np.array_equal(nan, np.isnan(back)) and np.array_equal(x[~nan].view(bits), back[~nan].view(bits))
    else:
        same = np.array_equal(back, x)
    if not same:
        return s, ""
    return (pd.Series(cat, index=s.index, name=s.name, copy=False),
            f"{s.dtype} -> category ({len(uniques)} distinct numbers)")


def _packed_text(s: pd.Series) -> tuple[pd.Series, str]:
    from bk_fast._packed import pack_strings

    if s.dtype == object and not _missing_all_nan(s):
        return s, ""
    try:
        arr = pack_strings(s)
    except UnicodeEncodeError:  # a lone surrogate: pyarrow strings are UTF-8
        return s, ""
    k = len(arr._table.shapes)
    layout = "int codes into the distinct values, " if arr._codes is not None else ""
    return (pd.Series(arr, index=s.index, name=s.name, copy=False),
            f"{s.dtype} -> packed_str ({layout}{k} shape{'' if k == 1 else 's'})")


def _smaller(a, b):
    """The candidate ``(series, note)`` with fewer bytes (``a`` on a tie or when ``b`` changed nothing)."""
    if not b[1] or _bytes(b[0]) >= _bytes(a[0]):
        return a
    return b


def _sparse_exact(s: pd.Series) -> bool:
    """Whether an extension-dtype number column survives the trip through the NumPy array the sparse dtype
    is built from: missing values come out as NaN (booleans with <NA> as objects), so only pandas' masked
    floats (NaN is their missing value) and masked integers within +-2**53 (float64 holds every such integer)
    may have missing values; a pyarrow float column's NaN (distinct from its nulls) would come back null."""
    missing = s.isna().to_numpy()
    if isinstance(s.array, pd.arrays.FloatingArray):
        return not np.isnan(s.to_numpy()[~missing]).any()
    if not missing.any():
        return s.dtype.kind != "f" or not np.isnan(s.to_numpy()).any()
    if isinstance(s.array, pd.arrays.IntegerArray):
        v = s[~missing]
        return not len(v) or (-(2 ** 53) <= int(v.min()) and int(v.max()) <= 2 ** 53)  # (all <NA>: NaN, exact)
    return False


def _sparse(s: pd.Series, ratio: float) -> tuple[pd.Series, str]:
    if s.dtype.kind not in "fiu" or len(s) == 0:  # (booleans are left as they are)
        return s, ""
    if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) and not _sparse_exact(s):
        return s, ""
    x = s.to_numpy()
    nan_share = float(np.isnan(x).mean()) if x.dtype.kind == "f" else 0.0
    zero = x == 0
    if x.dtype.kind == "f" and np.signbit(x[zero]).any():
        zero_share = 0.0  # a 0.0 fill would turn every -0.0 into 0.0: never fill with zero then
    else:
        zero_share = float(zero.mean())
    fill, share = (np.nan, nan_share) if nan_share > zero_share else (x.dtype.type(0), zero_share)
    if share < ratio:
        return s, ""
    out = s.astype(pd.SparseDtype(x.dtype, fill_value=fill))
    return out, f"{s.dtype} -> Sparse[{x.dtype}, {fill}] ({share:.0%} fill)"


def optimize_memory(df: pd.DataFrame, *, lossless: bool = True, category_ratio: float = 0.5,
                    sparse_ratio: float | None = None, rtol: float = 1e-6, pack: bool = False,
                    numbers: bool = True):
    """Shrink a frame's dtypes; every value stored stays exactly the same.

    Narrowed number columns hold the same values, but pandas computes in the column's dtype: on a float32
    column ``* 0.914``, ``mean``, ``std``, ``** 2`` give float32 results (14210.5 * 0.914 is 12988.396484375,
    not float64's 12988.397) and ``to_csv`` writes the float32 text (``0.26161215`` for 0.2616121470928192); on
    an int8 / Int8 column ``qty * 2`` wraps around silently (100 * 2 is -56). Convert back before computing
    (``small.astype(df.dtypes)``, or ``small[col].astype("float64")``), or pass ``numbers=False`` to narrow
    text only and keep every number column's dtype (what :func:`bk_fast.io.read_erp` does).

    Column by column, and only where it saves memory:

    - integers (NumPy, nullable or pyarrow) -> the smallest integer type of the same signedness and family
      holding their range (``int64`` -> ``int8``, ``Int64`` -> ``Int8``, ``int64[pyarrow]`` -> ``int8[pyarrow]``);
    - float64 -> float32 when *every* value converts back to the identical float64 (NaN, inf and -0.0
      included; a NaN as NaN, its sign and payload bits not kept); with ``lossless=False``, also when each
      value's relative error is at most ``rtol`` (float32 keeps ~7 significant digits: 2-decimal money up to
      ~10,000 is within 1e-6, not exact);
    - text (``object`` holding strings, pandas ``str`` / ``string``, pyarrow strings) -> ``category`` when
      the number of distinct values (missing counted once) is below ``category_ratio * len(df)``; other
      ``object`` text columns -> the compact ``str`` dtype when pyarrow is installed (one Arrow buffer; values
      and NaN kept). Without pyarrow pandas' ``str`` holds Python strings, no smaller than ``object``, so they
      stay ``object`` (as with pandas 2's string semantics, where ``str`` is NumPy's and holds NaN as the text
      ``"nan"``); pyarrow also makes the ``str`` columns pandas reads, and categories of text, smaller.
      ``object`` columns with ``None`` among their missing values are left alone (both would turn ``None``
      into NaN);
    - with ``sparse_ratio``: numeric (not boolean) columns whose most frequent of 0 / NaN fills at least that
      share of the rows -> a sparse column with that fill value, built from the column and from each smaller
      number form of it (above and, with ``pack=True``, below), the one counting the fewest bytes kept.

    With ``pack=True``, more exact representations compete, and each column takes whichever candidate
    (sparse ones included) counts the fewest bytes in ``memory_usage(deep=True)``:

    - floats that are all whole numbers (no -0.0, no inf) -> the smallest integer type (nullable when there
      is NaN) when that is smaller than float32 (arithmetic on the column becomes integer arithmetic);
    - numbers (NumPy int / float) with at most 32,766 distinct values -> ``category`` (int8/int16 codes and
      the distinct numbers), only when converting back gives the identical array bit for bit (a NaN as NaN);
    - text -> ``packed_str`` (:class:`bk_fast._packed.PackedStringArray`): every value split into literal
      pieces and digit runs stored as small integers (ids such as ``"CF 10015/0001"``, dates, ERP money text
      such as ``"$1,277.43 "``), each distinct value printed back and compared with its input before it is
      accepted. ``.str`` methods, comparisons, ``min`` / ``max``, sorting, grouping, merging with packed keys
      and ``where`` / ``mask`` work on the printed-back values (as on a ``str`` column: a missing value is False
      in ``.str.contains``; a merge with a number key matches nothing where a ``str`` key raises, and with a
      ``str`` key the key comes back ``object``: ``astype("str")`` the key first), and ``astype("str")`` (or the
      original dtype) gives back exactly the original strings. Writes (``replace``, ``update``, assignment,
      fills, ``where`` / ``mask``) take strings and missing values and keep every value exact; any other value
      raises TypeError, also where a ``str`` column would turn into ``object`` (``df.replace("", 0)``):
      ``astype("str")`` or ``astype(object)`` first. Written
      columns are less compact (new strings are stored as they are; a column packed one value per row gets a code
      per row, 4 bytes past 32,767 rows): ``optimize_memory(df.astype({col: "str"}), pack=True)`` packs one again.

    With ``numbers=False``, number columns keep their dtype: none of the narrowing above (no smaller ints, no
    float32, with ``pack=True`` no whole-number ints or number categories); ``sparse_ratio`` still makes sparse
    columns of their own dtype (``Sparse[float64]`` computes in float64).

    Booleans, datetimes, categoricals and everything else are left as they are. Rows are never dropped or
    reordered, the index and column order are kept.

    Parameters
    ----------
    df : DataFrame
        The frame. Not modified.
    lossless : bool, default True
        False also allows float32 within ``rtol``.
    category_ratio : float, default 0.5
        Text becomes categorical below this share of distinct values.
    sparse_ratio : float or None, default None
        None: no sparse columns.
    rtol : float, default 1e-6
        Relative tolerance for float32 when ``lossless=False``.
    pack : bool, default False
        Also consider numbers as categories and packed text (above): the smallest exact frame, at the cost of
        columns that must be converted back (``astype``) before arithmetic or writing into them. Needs pyarrow
        (the ``pack`` extra): ImportError without it.
    numbers : bool, default True
        Narrow number columns (smaller ints, float32; values exact, arithmetic in the narrow dtype). False:
        number columns keep their dtype, so arithmetic on them is what it is on ``df``; text is still shrunk.

    Returns
    -------
    (DataFrame, MemoryReport)
        The new frame and what changed per column.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> df = pd.DataFrame({"Desc#": [18767, 18929, 19003, 18767], "BOM_Percentage": [0.5, 0.25, 1.0, 0.125],
    ...                    "Cost/Pound": [2.41, 0.0, 3.1, 2.41], "unit": ["lbs"] * 4})
    >>> small, report = bk_fast.optimize_memory(df)
    >>> small.dtypes.astype(str).tolist()
    ['int16', 'float32', 'float64', 'category']
    >>> small.astype(df.dtypes).equals(df)
    True
    >>> float(small["BOM_Percentage"].iloc[0] * 0.3), float(df["BOM_Percentage"].iloc[0] * 0.3)  # float32 math
    (0.15000000596046448, 0.15)
    >>> bk_fast.optimize_memory(df, numbers=False)[0].dtypes.astype(str).tolist()
    ['int64', 'float64', 'float64', 'category']
    >>> report.table[["column", "dtype_after", "bytes_before", "bytes_after"]]  # "unit": see below
               column dtype_after  bytes_before  bytes_after
    0           Desc#       int16            32            8
    1  BOM_Percentage     float32            32           16
    2      Cost/Pound     float64            32           32
    3            unit    category           ...          ...

    The text column's bytes depend on what backs pandas' ``str`` dtype: 44 -> 16 with pyarrow (one Arrow
    buffer), 240 -> 64 without it (a Python string per value). Unique ``object`` text becomes ``str`` only where
    that is smaller, with pyarrow:

    >>> import importlib.util
    >>> orders = pd.DataFrame({"order": pd.Series([f"K{i:07d}" for i in range(100)], dtype=object)})
    >>> kept = bk_fast.optimize_memory(orders)[0]["order"]
    >>> str(kept.dtype) == ("str" if importlib.util.find_spec("pyarrow") else "object")
    True
    >>> kept.tolist() == orders["order"].tolist()
    True

    Packed text prints back exactly (with pyarrow):

    >>> ids = pd.DataFrame({"Style#": [f"CF {10015 + i // 3}/{i % 3:04d}" for i in range(300)]})
    >>> packed, report = bk_fast.optimize_memory(ids, pack=True)
    >>> str(packed["Style#"].dtype), packed["Style#"].iloc[4]
    ('packed_str', 'CF 10016/0001')
    >>> packed.astype(ids.dtypes).equals(ids), report.reduction > 0.75
    (True, True)
    """
    try:
        return _optimized(df, lossless=lossless, category_ratio=category_ratio, sparse_ratio=sparse_ratio, rtol=rtol,
                          pack=pack, numbers=numbers)
    finally:  # (the Arrow text made and dropped on the way, kept by pyarrow's pool: 20-180 MB for 10^6 rows)
        release_arrow_memory()


def _optimized(df: pd.DataFrame, *, lossless: bool = True, category_ratio: float = 0.5,
               sparse_ratio: float | None = None, rtol: float = 1e-6, pack: bool = False, numbers: bool = True):
    """:func:`optimize_memory` without giving pyarrow's pool its unused memory back (:func:`bk_fast.io.read_erp`,
    whose chunks reuse it, does that once at the end)."""
    require_frame(df, "df")
    ratio = number_arg(category_ratio, "category_ratio", "a number between 0 and 1")
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"category_ratio must be between 0 and 1, got {category_ratio!r}")
    sparse = None if sparse_ratio is None else number_arg(sparse_ratio, "sparse_ratio", "None or a number in (0, 1]")
    if sparse is not None and not 0.0 < sparse <= 1.0:
        raise ValueError(f"sparse_ratio must be None or in (0, 1], got {sparse_ratio!r}")
    tol = number_arg(rtol, "rtol", "a number >= 0")
    if not tol >= 0.0:
        raise ValueError(f"rtol must be >= 0, got {rtol!r}")
    if not isinstance(numbers, (bool, np.bool_)):
        raise TypeError(f"numbers must be True or False, got {numbers!r}")
    if pack:
        try:
            import pyarrow  # noqa: F401  (packed_str stores its pieces in pyarrow arrays)
        except ImportError as exc:
            raise ImportError("optimize_memory(pack=True) needs pyarrow: pip install 'bk_fast[pack]' "
                              "(or pack=False for the standard pandas dtypes)") from exc
    out = df.copy(deep=False)
    rows = []
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        before = _bytes(s)
        new, note = s, ""
        numeric = []  # the smaller number columns found: a sparse column is built from each of them and from s
        kind = s.dtype.kind if not isinstance(s.dtype, (pd.CategoricalDtype, pd.SparseDtype)) else "?"
        if kind in "iuf" and not numbers:
            pass  # number columns keep their dtype (sparse below, in that dtype)
        elif kind in "iu" and not pd.api.types.is_bool_dtype(s.dtype):
            new, note = _smallest_int(s)
            numeric.append((new, note))
        elif kind == "f" and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype):
            new, note = _to_float32(s, lossless, tol)
            numeric.append((new, note))
            if pack:  # float arithmetic would become integer arithmetic (which wraps): only on request
                numeric.append(_integral_float(s))
                new, note = _smaller((new, note), numeric[-1])
        elif kind != "?" and _is_text(s):
            new, note = _text(s, ratio)
        if pack and numbers and kind in "iuf" and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype) \
                and not pd.api.types.is_bool_dtype(s.dtype):
            new, note = _smaller((new, note), _numeric_category(s))
        elif pack and kind != "?" and _is_text(s):
            new, note = _smaller((new, note), _packed_text(s))
        if sparse is not None:  # sparse from every number form: the category that won above may not be smallest
            for base, base_note in [(s, ""), *(c for c in numeric if c[1])]:
                sp, sp_note = _sparse(base, sparse)
                if sp is not base:
                    new, note = _smaller((new, note), (sp, f"{base_note}; {sp_note}" if base_note else sp_note))
        after = _bytes(new) if new is not s else before
        if new is not s and after >= before:
            new, note, after = s, "", before
        if new is not s:
            out.isetitem(i, new)
        rows.append((df.columns[i], str(s.dtype), str(new.dtype), before, after, note))
    table = pd.DataFrame(rows, columns=["column", "dtype_before", "dtype_after", "bytes_before", "bytes_after",
                                        "change"])
    index_bytes = int(df.index.memory_usage(deep=True))
    report = MemoryReport(table, int(table["bytes_before"].sum()) + index_bytes,
                          int(table["bytes_after"].sum()) + index_bytes)
    return out, report


def _demo_step(mill, engine):
    """``bk-fast demo``: shrink every frame of the mill losslessly and show what it saved."""
    from bk_fast._demo import DemoReport

    try:
        import pyarrow  # noqa: F401  (pack=True needs it; the demo's install may not have it)
        can_pack = True
    except ImportError:
        can_pack = False
    rows = []
    before = after = after_packed = 0
    for name, frame in mill.items():
        small, report = optimize_memory(frame)
        packed, report_packed = optimize_memory(frame, pack=True) if can_pack else (small, report)
        exact = small.astype(frame.dtypes.to_dict()).equals(frame) and \
            packed.astype(frame.dtypes.to_dict()).equals(frame)
        before += report.bytes_before
        after += report.bytes_after
        after_packed += report_packed.bytes_after
        rows.append((name, len(frame), round(report.bytes_before / 1e6, 3), round(report.bytes_after / 1e6, 3),
                     f"{report.reduction:.0%}", round(report_packed.bytes_after / 1e6, 3),
                     f"{report_packed.reduction:.0%}", exact))
    table = pd.DataFrame(rows, columns=["frame", "rows", "MB before", "MB after", "saved", "MB packed",
                                        "saved packed", "values identical"])
    total = 1.0 - after / before if before else 0.0
    total_packed = 1.0 - after_packed / before if before else 0.0
    return DemoReport(
        title="Lossless memory optimisation (bk_fast.optimize_memory)",
        lines=[f"{before / 1e6:.2f} MB -> {after / 1e6:.2f} MB ({total:.0%} saved), stored values unchanged; "
               + (f"{after_packed / 1e6:.2f} MB ({total_packed:.0%}) with pack=True (ids and formatted text as "
                  "small integers, few-valued numbers as categories)" if can_pack else
                  "pack=True skipped: it needs pyarrow (pip install 'bk_fast[pack]'); 'MB packed' repeats the "
                  "standard result")],
        table=table,
    )

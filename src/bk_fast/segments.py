"""Running sums per key: the primitive behind the ERP's allocation, BOM and scheduling shortcuts."""

from __future__ import annotations

import decimal

import numpy as np
import pandas as pd

from bk_fast._engine import resolve
from bk_fast._validate import float_array, infinite_at, plain, same_length

__all__ = ["segmented_cumsum"]


def _group_codes(keys) -> tuple[np.ndarray, int]:
    """Dense int64 codes (-1 = missing key) and the number of codes. Integer keys spanning a range not much
    wider than their count (yarn ids, machine numbers) are offset directly, without hashing."""
    dtype = getattr(keys, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu" and len(keys):
        raw = keys.to_numpy() if isinstance(keys, (pd.Series, pd.Index)) else keys
        lo, hi = int(raw.min()), int(raw.max())
        if hi - lo < 4 * raw.size + 1024 and hi <= np.iinfo(np.int64).max:  # uint64 above int64: factorize
            return np.ascontiguousarray(raw.astype(np.int64, copy=False) - lo), hi - lo + 1
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    return np.ascontiguousarray(codes, dtype=np.int64), len(uniques)


def _row(values, i: int) -> str:
    """Row ``i`` of ``values`` in a message: its label and position for a Series, else its position."""
    return f"row {plain(values.index[i])!r} (position {i})" if isinstance(values, pd.Series) else f"row {i}"


def _check_finite(arr: np.ndarray, values, what: str, problem: str) -> None:
    i = infinite_at(arr)
    if i is not None:
        raise ValueError(f"{what} at {_row(values, i)}: {arr[i]} {problem} (an infinite sum makes the rest of its "
                         f"group NaN)")


def _int_overflow(arr: np.ndarray, out: np.ndarray, summed: np.ndarray) -> int | None:
    """First row whose int64 running sum wrapped around (``out[i] = prev + arr[i]`` past the int64 range:
    its sign differs from both ``prev`` and ``arr[i]``; ``prev = out[i] - arr[i]`` wraps back exactly), or
    None. Only the ``summed`` rows (a key present) count: a row of a missing key holds 0, not a sum (where
    ``arr[i]`` is -2**63, ``0 - arr[i]`` wraps and would look like an overflow). Skipped when no sum can reach
    2**63 (every value below 2**63 / n in magnitude)."""
    lo, hi = int(arr.min()), int(arr.max())
    if max(abs(lo), abs(hi)) * arr.shape[0] < 2 ** 63:
        return None
    with np.errstate(over="ignore"):
        prev = out - arr
    bad = np.flatnonzero((((prev ^ out) & (arr ^ out)) < 0) & summed)
    return int(bad[0]) if bad.size else None


def _maybe_inexact_ints(raw: np.ndarray) -> bool:
    """Whether NumPy's reading ``raw`` (float64 or uint64) of a list may have rounded or refused Python ints: a
    float64 at least 2**53 in magnitude (an int beside a NaN, such as 2**53 + 1, rounds; every such float64 is
    integral) or a uint64 above 2**63 - 1 (an int beyond int64)."""
    if raw.dtype.kind == "u":
        return bool(raw.max() > np.iinfo(np.int64).max)
    with np.errstate(invalid="ignore"):
        return bool((np.abs(raw) >= 2.0 ** 53).any())


def _ints_or_bools(raw: np.ndarray) -> bool:
    """Whether an object array holds integers only (Python or NumPy ints and bools, besides missing values):
    pandas types ints beside bools ``"mixed-integer"``, as it does ints beside text, which is cleaned as ERP
    numbers."""
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind in ("integer", "boolean"):
        return True
    if kind != "mixed-integer":
        return False
    # the types present first, a block at a time (C-level passes): text or any type that cannot be a missing
    # value settles it at the first block holding one; only values of the types a missing value can have are
    # looked at one by one
    for start in range(0, raw.shape[0], _TYPE_BLOCK):
        values = raw[start:start + _TYPE_BLOCK].tolist()
        other = {t for t in set(map(type, values)) if not issubclass(t, (int, np.integer, np.bool_))}
        if any(not issubclass(t, _MAY_BE_MISSING) for t in other):
            return False
        if other and not all(pd.isna(v) for v in values if type(v) in other):
            return False
    return True


#: values read per block by ``_ints_or_bools`` (a column with text early is settled in its first block)
_TYPE_BLOCK = 4096


#: the types of a missing value (None, NaN, pd.NA, NaT, a NaN Decimal...) among ints
_MAY_BE_MISSING = (type(None), float, complex, np.floating, np.complexfloating, type(pd.NA), type(pd.NaT),
                   np.datetime64, np.timedelta64, decimal.Decimal)


def segmented_cumsum(values, keys, *, engine: str | None = None):
    """Running sum of ``values`` per key, in row order: ``pandas.Series(values).groupby(keys).cumsum()``
    in one pass.

    Parameters
    ----------
    values : array-like or Series
        Numbers. Integers (and booleans; Python ints in a list or an object column and nullable Int64 /
        boolean columns too) stay int64 and add exactly (an integer beyond the int64 range is a ValueError; so
        is a running sum beyond it, naming the row, where NumPy and pandas wrap around; with a missing key or a
        missing integer the result is float64, NaN in those rows, and a sum float64 cannot hold exactly, such
        as 2**53 + 1, is a ValueError); floats are float64, and so is a list mixing ints and floats other than
        NaN (such as ``[2**63 + 1, 0.5]``, rounded as NumPy reads it; a NaN among ints is a missing integer);
        text is cleaned as ERP numbers. NaN values are skipped like pandas does: their row is NaN and the sum
        goes on. An infinite value, or a running sum that overflows float64, is a ValueError naming the row
        (pandas would turn the rest of the group into NaN).
    keys : array-like or Series
        Group keys of any hashable dtype (ints, strings, tuples, categoricals...), one per value, paired
        with the values by position (two Series are not aligned on their index labels, unlike pandas'
        groupby). A missing key (None/NaN) gives NaN, as pandas' groupby drops it.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    Series indexed like ``values`` when ``values`` is a Series, else an ndarray.

    Examples
    --------
    >>> import bk_fast
    >>> bk_fast.segmented_cumsum([10, 5, 7, 1], ["18767", "18929", "18767", "18929"])
    array([10,  5, 17,  6])
    >>> bk_fast.segmented_cumsum([1.5, float("nan"), 2.0], ["a", "a", None])
    array([1.5, nan, nan])
    """
    if isinstance(keys, pd.DataFrame):
        raise TypeError("keys must be one-dimensional (a Series or array), got a DataFrame")
    key_arr = keys
    if not isinstance(keys, (pd.Series, pd.Index, pd.Categorical, np.ndarray)):
        try:
            key_arr = np.asarray(keys)
        except ValueError:  # tuples of different lengths
            key_arr = None
        if key_arr is not None and key_arr.ndim == 0:  # a scalar, a string, a set, a generator...
            raise TypeError(f"keys must hold one key per value (a Series, array or list), got "
                            f"{type(keys).__name__} {keys!r:.60}")
        # NumPy's inference merges keys pandas keeps apart: NaN next to text becomes the text 'nan' (a group,
        # not a missing key), 1 next to '1' becomes '1', b'a' next to 'a' becomes 'a', and integers beyond
        # int64 next to negative ones become (rounded) floats. Such lists keep their own Python objects.
        if (key_arr is None or key_arr.ndim != 1 or key_arr.dtype.kind in "US"
                or (key_arr.dtype.kind == "f" and pd.api.types.infer_dtype(keys, skipna=True) != "floating")):
            key_arr = np.empty(len(keys), dtype=object)  # e.g. a list of tuples: each tuple is one key
            key_arr[:] = list(keys)
    if getattr(key_arr, "ndim", 1) != 1:
        raise ValueError(f"keys must be one-dimensional, got shape {np.shape(key_arr)}")
    codes, n_groups = _group_codes(key_arr)

    dtype = getattr(values, "dtype", None)
    if dtype is not None and not isinstance(dtype, np.dtype) and getattr(dtype, "kind", "O") in "iub":
        raw = np.asarray(values, dtype=object)  # nullable Int64 / boolean: NumPy would make NA rows float64
    else:
        raw = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
        if dtype is None and raw.dtype.kind in "fu" and raw.ndim == 1 and raw.size and _maybe_inexact_ints(raw):
            # a list of Python ints that NumPy read as (rounded) float64 or uint64, beside a NaN or beyond int64:
            # read as the ints themselves, which the integer path below adds exactly or refuses, as it does the
            # same ints in an object array (a list of floats, or of ints and floats, stays float64)
            raw = np.empty(raw.shape[0], dtype=object)
            raw[:] = list(values)
    if raw.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {raw.shape}")
    missing_key = bool((codes < 0).any())
    missing_value = None  # rows of a missing value among integers (object or nullable columns)
    if raw.dtype.kind == "O" and _ints_or_bools(raw):
        # Python ints and bools (an object or a nullable Int64 / boolean column) add exactly as integers, not
        # through float64 (2**53 + 1) or text cleaning (True read as a number of nothing)
        na = np.asarray(pd.isna(raw), dtype=bool)
        ints = np.array([0 if m else v for v, m in zip(raw.tolist(), na.tolist())]) if raw.size else \
            np.zeros(0, dtype=np.int64)
        if ints.dtype.kind not in "iub":
            raise ValueError("values: integers beyond the int64 range are not supported")
        raw = ints
        if na.any():
            missing_value = na
    is_int = raw.dtype.kind in "iub"
    if is_int:
        if raw.dtype.kind == "u" and raw.size and raw.max() > np.iinfo(np.int64).max:
            raise ValueError("values: unsigned integers above the int64 range are not supported")
        arr = np.ascontiguousarray(raw, dtype=np.int64)
        out = np.zeros(arr.shape[0], dtype=np.int64)  # (rows of a missing key stay 0 here; NaN below)
    else:
        arr = float_array(values, name="values")
        out = np.full(arr.shape[0], np.nan)
    same_length(values=arr, keys=codes)
    is_float = arr.dtype.kind == "f"
    if is_float:
        _check_finite(arr, values, "values", "is not a finite number")
    resolve("segmented_cumsum", engine)(arr, codes, n_groups, out)
    if is_float:  # finite inputs: an infinite sum is an overflow, and the next row of the group would be NaN
        _check_finite(out, values, "running sum", "overflows float64")
    elif out.size:
        i = _int_overflow(arr, out, codes >= 0)
        if i is not None:
            raise ValueError(f"running sum at {_row(values, i)} exceeds the int64 range (integers are summed in "
                             f"int64, exactly)")
        if missing_key or missing_value is not None:
            # NaN rows: float64, which holds every integer sum below 2**53 (and some beyond)
            nan_rows = codes < 0 if missing_value is None else (codes < 0) | missing_value
            f = out.astype(np.float64)
            with np.errstate(invalid="ignore"):  # 2**63 - 1 rounds to 2**63, which int64 cannot hold; -2**63 is exact
                exact = (f >= -2.0 ** 63) & (f < 2.0 ** 63) & (f.astype(np.int64) == out)
            big = np.flatnonzero(~exact & ~nan_rows)
            if big.size:
                i = int(big[0])
                what = "key" if missing_key else "value"
                raise ValueError(f"running sum at {_row(values, i)} is {int(out[i])}, which float64 cannot hold "
                                 f"exactly: with a missing {what} the result is float64 (NaN in its rows); drop "
                                 f"the rows whose {what} is missing first")
            out = f
            out[nan_rows] = np.nan
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name, copy=False)
    return out


def _demo_step(mill, engine):
    """``bk-fast demo``: the ERP's allocation shortcut, a running sum of knit-order yarn needs per yarn."""
    from bk_fast._demo import DemoReport

    bom = mill["bom"].dropna(subset=["Style#", "Desc#"])
    kos = mill["knit_orders"]
    styles = bom["Style#"].astype("string").str.strip()
    lines = pd.DataFrame({"Order #": kos["Order #"], "style": kos["Style #"].astype("string").str.strip(),
                          "balance": kos["Balance (lbs)"]})
    needs = lines.merge(pd.DataFrame({"style": styles, "Desc#": bom["Desc#"].astype("int64"),
                                      "pct": bom["BOM_Percentage"]}),
                        on="style", how="inner")
    needs["lbs"] = needs["balance"] * needs["pct"]
    needs["running lbs"] = segmented_cumsum(needs["lbs"], needs["Desc#"], engine=engine)
    per_yarn = needs.groupby("Desc#", sort=False)["running lbs"].last().sort_values(ascending=False)
    return DemoReport(
        title="Running yarn need per yarn over knit orders (segmented cumsum)",
        lines=[f"{len(needs):,} knit-order x yarn lines over {needs['Desc#'].nunique():,} yarns; "
               f"largest running total {per_yarn.iloc[0]:,.2f} lbs (yarn {per_yarn.index[0]})"
               if len(per_yarn) else "no knit order matched the BOM"],
        table=needs.loc[needs["Desc#"].isin(per_yarn.index[:2]),
                        ["Order #", "Desc#", "lbs", "running lbs"]].head(8))

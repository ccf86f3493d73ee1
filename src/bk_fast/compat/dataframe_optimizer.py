"""Drop-in ``DataFrameOptimizer``: the ERP's Phase-3 service with the same names, arguments, output frames and
in-place mutation (DOMAIN.md section 8), with the hot methods on bk_fast kernels.

Each method first checks whether its kernel path applies (plain numpy dtypes, unique merge keys, dense sort
keys); otherwise it runs the contract in plain pandas, so unusual input still gets the original's answer or
the original's exception. Text columns of pandas 3's ``str`` dtype are treated as the ``object`` text columns
the original was written for.
"""

from __future__ import annotations

import copy
import time
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import pandas as pd

from bk_fast._arrow_text import mostly_odd, patch_rows
from bk_fast._engine import _check_name, resolve
from bk_fast._gather import is_8byte, take8
from bk_fast.compat._frames import (
    as_object, back_to_str, frame_from_columns, group_codes, keyed_lookup, odd_rows, plain_numpy, permute8,
    set_column, sort_order, sorted_column, take_text, text_columns, values_by_code)
from bk_fast.compat.stats import note_fallback, tracked

__all__ = ["DataFrameOptimizer"]

_PB_INPUTS = ("theoretical_balance", "allocated", "on_order")
#: ``engine=PANDAS`` runs a hot method's plain pandas path: the contract transcribed, the baseline to beat
PANDAS = "pandas"


def _fallback(name: str, engine) -> None:
    if engine != PANDAS:
        note_fallback(name)


def _check_engine(engine) -> None:
    """Reject a misspelt ``engine=`` as the kernel path does (TypeError / ValueError naming it), whichever path
    the data would take: ``None`` and ``"pandas"`` pass, anything else must be an engine name."""
    if engine is not None and engine != PANDAS:
        _check_name(engine)


def _now(now):
    return pd.Timestamp.now() if now is None else now


def _flat_columns(df: pd.DataFrame) -> bool:
    """Unique, single-level column labels: each name selects one column (the kernel paths need that; a
    MultiIndex label may select several, which the pandas path handles or rejects as the original does)."""
    return df.columns.is_unique and not isinstance(df.columns, pd.MultiIndex)


def _f64(arr) -> bool:
    return arr is not None and arr.dtype == np.float64


def _coerce_numeric(series: pd.Series) -> pd.Series:
    """``pd.to_numeric(errors='coerce').fillna(0)`` on the column as the original saw it (``str`` as object)."""
    return pd.to_numeric(as_object(series), errors="coerce").fillna(0)


class DataFrameOptimizer:
    """Drop-in for the ERP's Phase-3 ``DataFrameOptimizer`` (all static methods, one classmethod).

    Same outputs as the original, column by column (values, dtypes, index, row order, NaN), and the same
    in-place changes to the caller's frames. Hot methods take keyword-only ``engine=`` (default: the engine in
    force, or ``"pandas"`` for the contract in plain pandas: the baseline; an unknown name raises ValueError,
    whichever path the data takes); methods that read the clock take ``now=`` (default ``pd.Timestamp.now()``,
    as the original).

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.compat import DataFrameOptimizer
    >>> yarn = pd.DataFrame({"yarn_id": [18767, 18929], "available_quantity": [100.0, 50.0]})
    >>> orders = pd.DataFrame({"yarn_id": [18767, 18767, 18929], "required_quantity": [60.0, 60.0, 10.0],
    ...                        "priority": [1, 2, 1], "order_date": pd.to_datetime(["2026-01-05"] * 3)})
    >>> out = DataFrameOptimizer.optimize_yarn_allocation(yarn, orders)
    >>> out[["yarn_id", "cumulative_demand", "can_fulfill", "allocated_quantity"]]
       yarn_id  cumulative_demand  can_fulfill  allocated_quantity
    0    18767               60.0         True                60.0
    2    18929               10.0         True                10.0
    1    18767              120.0        False                40.0
    """

    # ------------------------------------------------------------------------------------------ balances
    @staticmethod
    @tracked("optimize_planning_balance_calculation")
    def optimize_planning_balance_calculation(df: pd.DataFrame, *, engine: str | None = None) -> pd.DataFrame:
        """``planning_balance = theoretical_balance + allocated + on_order`` (those present; missing = 0).

        Present inputs are coerced with ``to_numeric(errors='coerce').fillna(0)`` and written back.
        **Mutates and returns the same object**; an empty frame is returned unchanged.
        """
        _check_engine(engine)
        if df.empty:
            return df
        present = [name for name in _PB_INPUTS if name in df.columns]
        unique = _flat_columns(df)
        arrays = {name: plain_numpy(df[name]) for name in present} if unique else {}
        if engine == PANDAS or not present or not unique or not all(_f64(arrays[name]) for name in present):
            _fallback("optimize_planning_balance_calculation", engine)
            for name in present:
                df[name] = _coerce_numeric(df[name])
            total = df.get("theoretical_balance", 0)
            total = total + df.get("allocated", 0)
            total = total + df.get("on_order", 0)
            df["planning_balance"] = total
            return df
        zeros = None
        inputs = []
        for name in _PB_INPUTS:
            if name in arrays:
                inputs.append(np.ascontiguousarray(arrays[name]))
            else:
                zeros = np.zeros(len(df)) if zeros is None else zeros
                inputs.append(zeros)
        out = np.empty(len(df), dtype=np.float64)
        flags = resolve("planning_balance_flags", engine)(*inputs, out)
        for bit, name in zip((1, 2, 4), _PB_INPUTS):
            if flags & bit and name in arrays:  # the original writes the NaN -> 0 column back
                df[name] = df[name].fillna(0)
        set_column(df, "planning_balance", out)
        return df

    @staticmethod
    @tracked("optimize_shortage_detection")
    def optimize_shortage_detection(df: pd.DataFrame, threshold_col: str = "min_stock",
                                    balance_col: str = "planning_balance", *,
                                    engine: str | None = None) -> pd.DataFrame:
        """Rows with ``balance < threshold`` (strict; NaN never), copied, with
        ``shortage_amount = threshold - balance``; original index and order. Empty input -> ``pd.DataFrame()``;
        a missing threshold column raises KeyError."""
        _check_engine(engine)
        if df.empty:
            return pd.DataFrame()
        ok = (balance_col in df.columns and threshold_col in df.columns and _flat_columns(df))
        bal = plain_numpy(df[balance_col]) if ok else None
        thr = plain_numpy(df[threshold_col]) if ok else None
        if engine == PANDAS or bal is None or thr is None or bal.dtype.kind not in "iuf" \
                or thr.dtype.kind not in "iuf":
            _fallback("optimize_shortage_detection", engine)
            below = df[balance_col] < df.get(threshold_col, 0)
            out = df[below].copy()
            out["shortage_amount"] = out[threshold_col] - out[balance_col]
            return out
        if _f64(bal) and _f64(thr) and type(df) is pd.DataFrame and not df.attrs \
                and df.flags.allows_duplicate_labels and balance_col != threshold_col:
            return _shortage_frame(df, bal, thr, threshold_col, balance_col, engine)
        with np.errstate(invalid="ignore"):
            rows = np.flatnonzero(bal < thr)
        amount = thr[rows] - bal[rows]
        out = df.take(rows)
        out["shortage_amount"] = amount
        return out

    # ----------------------------------------------------------------------------------------------- BOM
    @staticmethod
    @tracked("optimize_bom_explosion")
    def optimize_bom_explosion(bom_df: pd.DataFrame, quantity: float, style_id: Optional[str] = None, *,
                               engine: str | None = None) -> pd.DataFrame:
        """``required_quantity = quantity_per x quantity`` and ``cumulative_required`` = running sum per
        ``yarn_id`` in row order. Filters ``style_id`` when truthy (a copy); otherwise works on, and mutates,
        the caller's frame. Original index kept; an empty frame is returned unchanged."""
        _check_engine(engine)
        if bom_df.empty:
            return bom_df
        if style_id:
            bom_df = bom_df[bom_df["style_id"] == style_id].copy()
        fused = None if engine == PANDAS else _bom_fused(bom_df, quantity, engine)
        if fused is not None:
            set_column(bom_df, "required_quantity", fused[0])
            set_column(bom_df, "cumulative_required", fused[1])
            return bom_df
        bom_df["required_quantity"] = bom_df["quantity_per"] * quantity
        required = plain_numpy(bom_df["required_quantity"])
        if engine == PANDAS or required is None or required.dtype.kind not in "if" \
                or required.dtype.itemsize != 8 or "yarn_id" not in bom_df.columns \
                or not _flat_columns(bom_df):
            _fallback("optimize_bom_explosion", engine)
            bom_df["cumulative_required"] = bom_df.groupby("yarn_id")["required_quantity"].cumsum()
            return bom_df
        codes, n_groups, missing = group_codes(bom_df["yarn_id"], engine)
        set_column(bom_df, "cumulative_required", _running_sum(required, codes, n_groups, engine, missing=missing))
        return bom_df

    # ------------------------------------------------------------------------------------------ allocation
    @staticmethod
    @tracked("optimize_yarn_allocation")
    def optimize_yarn_allocation(yarn_df: pd.DataFrame, orders_df: pd.DataFrame, *,
                                 engine: str | None = None) -> pd.DataFrame:
        """Greedy yarn allocation in (``priority``, ``order_date``) order.

        Left-merges ``available_quantity`` on ``yarn_id``, sorts stably by priority then order date,
        ``cumulative_demand`` = running ``required_quantity`` per yarn, ``can_fulfill = cumulative_demand <=
        available_quantity``, ``allocated_quantity`` = required if it can be fulfilled else
        ``max(0, available - (cumulative_demand - required))``. Unknown yarn -> NaN available, False, NaN
        allocated. Rows come back in sorted order carrying the merged RangeIndex permuted. Either input empty
        -> ``pd.DataFrame()``. Neither input is modified.
        """
        _check_engine(engine)
        if yarn_df.empty or orders_df.empty:
            return pd.DataFrame()
        fast = None if engine == PANDAS else _allocation_fast(yarn_df, orders_df, engine)
        if fast is not None:
            return fast
        _fallback("optimize_yarn_allocation", engine)
        merged = orders_df.merge(yarn_df[["yarn_id", "available_quantity"]], on="yarn_id", how="left")
        merged = merged.sort_values(["priority", "order_date"])
        merged["cumulative_demand"] = merged.groupby("yarn_id")["required_quantity"].cumsum()
        merged["can_fulfill"] = merged["cumulative_demand"] <= merged["available_quantity"]
        merged["allocated_quantity"] = np.where(
            merged["can_fulfill"], merged["required_quantity"],
            np.maximum(0, merged["available_quantity"]
                       - (merged["cumulative_demand"] - merged["required_quantity"])))
        return merged

    # ------------------------------------------------------------------------------------------ scheduling
    @staticmethod
    @tracked("optimize_production_scheduling")
    def optimize_production_scheduling(orders_df: pd.DataFrame, capacity_df: pd.DataFrame, *, now=None,
                                       engine: str | None = None) -> pd.DataFrame:
        """``production_hours = quantity / production_rate`` (column, default 100; **added to the caller's
        frame**), sorted by (``priority``, ``due_date``), ``available_hours`` left-merged on
        ``work_center_id``, ``cumulative_hours`` per work center, ``can_schedule``, ``scheduled_start`` = one
        timestamp (``now``, default ``pd.Timestamp.now()``) and ``scheduled_end = start + hours``.
        With an empty capacity frame: the sorted copy. Empty orders are returned unchanged."""
        _check_engine(engine)
        if orders_df.empty:
            return orders_df
        orders_df["production_hours"] = orders_df["quantity"] / orders_df.get("production_rate", 100)
        start = _now(now)
        fast = None if engine == PANDAS else _scheduling_fast(orders_df, capacity_df, start, engine)
        if fast is not None:
            return fast
        _fallback("optimize_production_scheduling", engine)
        orders_df = orders_df.sort_values(["priority", "due_date"])
        if capacity_df.empty:
            return orders_df.copy()
        out = orders_df.merge(capacity_df[["work_center_id", "available_hours"]], on="work_center_id",
                              how="left")
        out["cumulative_hours"] = out.groupby("work_center_id")["production_hours"].cumsum()
        out["can_schedule"] = out["cumulative_hours"] <= out["available_hours"]
        out["scheduled_start"] = start
        out["scheduled_end"] = out["scheduled_start"] + pd.to_timedelta(out["production_hours"], unit="h")
        return out

    # ---------------------------------------------------------------------------------------------- costs
    @staticmethod
    @tracked("optimize_cost_calculation")
    def optimize_cost_calculation(df: pd.DataFrame, cost_columns: List[str] = None) -> pd.DataFrame:
        """``total_cost`` = row sum of the cost columns (default material/labor/overhead; present ones coerced
        to numbers, NaN -> 0; KeyError when a listed column is missing); with ``quantity``,
        ``cost_per_unit = total_cost / quantity`` (0 -> NaN -> 0). Mutates and returns ``df``."""
        if df.empty:
            return df
        if cost_columns is None:
            cost_columns = ["material_cost", "labor_cost", "overhead_cost"]
        for name in cost_columns:
            if name in df.columns:
                df[name] = _coerce_numeric(df[name])
        df["total_cost"] = df[cost_columns].sum(axis=1)
        if "quantity" in df.columns:
            df["cost_per_unit"] = df["total_cost"] / df["quantity"].replace(0, np.nan)
            df["cost_per_unit"] = df["cost_per_unit"].fillna(0)
        return df

    # ---------------------------------------------------------------------------------------------- dates
    @staticmethod
    @tracked("optimize_date_calculations")
    def optimize_date_calculations(df: pd.DataFrame, *, now=None) -> pd.DataFrame:
        """Text columns whose name contains ``date`` or ``time`` -> ``to_datetime(errors='coerce')``;
        ``lead_time_days = (delivery_date - order_date).dt.days``; with ``due_date``: ``days_until_due``
        (floor days from ``now``) and ``is_overdue``. Mutates and returns ``df``."""
        if df.empty:
            return df
        for name in text_columns(df, sparse=True):
            if "date" in name.lower() or "time" in name.lower():
                df[name] = pd.to_datetime(df[name], errors="coerce")
        if "order_date" in df.columns and "delivery_date" in df.columns:
            df["lead_time_days"] = (df["delivery_date"] - df["order_date"]).dt.days
        if "due_date" in df.columns:
            df["days_until_due"] = (df["due_date"] - _now(now)).dt.days
            df["is_overdue"] = df["days_until_due"] < 0
        return df

    # ------------------------------------------------------------------------------------------- generic
    @staticmethod
    @tracked("optimize_aggregations")
    def optimize_aggregations(df: pd.DataFrame, group_by: List[str],
                              agg_dict: Dict[str, List[str]]) -> pd.DataFrame:
        """``df.groupby(group_by).agg(agg_dict).reset_index()`` with MultiIndex columns flattened as
        ``'_'.join(col).strip('_')``; empty -> ``pd.DataFrame()``."""
        if df.empty:
            return pd.DataFrame()
        out = df.groupby(group_by).agg(agg_dict).reset_index()
        if isinstance(out.columns, pd.MultiIndex):
            out.columns = ["_".join(col).strip("_") for col in out.columns]
        return out

    @staticmethod
    @tracked("optimize_conditional_updates")
    def optimize_conditional_updates(df: pd.DataFrame, conditions: List[tuple], update_col: str) -> pd.DataFrame:
        """``df[update_col] = np.select(conditions, values, default=existing column or 0)``; first match
        wins. Mutates and returns ``df``."""
        if df.empty:
            return df
        df[update_col] = np.select([cond for cond, _ in conditions], [value for _, value in conditions],
                                   default=df.get(update_col, 0))
        return df

    @staticmethod
    @tracked("optimize_string_operations")
    def optimize_string_operations(df: pd.DataFrame) -> pd.DataFrame:
        """Every text column stripped; upper-cased when ``'id'`` is in its lowercased name (substring: ``paid``
        and ``width`` match too); ``$`` and ``,`` removed when the name contains price/cost/amount/quantity.
        ``str`` columns get the values ``object`` columns get and stay ``str``. Mutates and returns ``df``."""
        if df.empty:
            return df

        def clean(col, low):
            col = col.str.strip()
            if "id" in low:
                col = col.str.upper()
            if any(word in low for word in ("price", "cost", "amount", "quantity")):
                col = col.str.replace(r"[$,]", "", regex=True)
            return col

        for name in text_columns(df, sparse=True):
            source = df[name]
            low = name.lower()
            # str columns take Arrow's kernels except on the values holding a character on which Arrow's strip /
            # upper answer otherwise than Python's (odd_rows: "ß", not "ü"), which go through object: one "é" in
            # 10^6 rows sent the whole column through Python (~11x the original's time). Above ODD_SHARE of the
            # column (mostly_odd), patching costs more than the whole column through object
            odd = odd_rows(source, upper="id" in low)
            if odd is not None and not mostly_odd(odd, len(source)):
                col = clean(source, low)
                if odd.size:  # (only where Python's result differs from Arrow's: "straße".upper(), a 0x1C strip)
                    col = patch_rows(col, odd, clean(as_object(source.iloc[odd]), low).to_numpy(dtype=object))
                df[name] = col
                continue
            df[name] = back_to_str(clean(as_object(source), low), source)
        return df

    @staticmethod
    @tracked("optimize_merge_operations")
    def optimize_merge_operations(left_df: pd.DataFrame, right_df: pd.DataFrame, on: str,
                                  how: str = "left") -> pd.DataFrame:
        """:meth:`optimize_memory_usage` on both inputs (in place), both sorted by ``on``, then
        ``pd.merge(..., sort=False)``."""
        left_df = DataFrameOptimizer.optimize_memory_usage(left_df)
        right_df = DataFrameOptimizer.optimize_memory_usage(right_df)
        left_df = left_df.sort_values(on)
        right_df = right_df.sort_values(on)
        return pd.merge(left_df, right_df, on=on, how=how, sort=False)

    @staticmethod
    @tracked("optimize_memory_usage")
    def optimize_memory_usage(df: pd.DataFrame, deep: bool = True) -> pd.DataFrame:
        """In place: signed ints to the smallest of int8/16/32 by **inclusive** bounds, floats downcast to
        float32 where ``to_numeric(downcast='float')`` does, text columns to category when
        ``nunique / len < 0.5``. A 0-row frame with text columns (``object``, ``str``, ``Sparse[object]``)
        raises ZeroDivisionError, as the original does under pandas 3 (its ``select_dtypes('object')`` selects
        ``str`` columns too)."""
        for name in df.select_dtypes(include=["int"]).columns:
            lo, hi = df[name].min(), df[name].max()
            if lo >= -128 and hi <= 127:
                df[name] = df[name].astype(np.int8)
            elif lo >= -32768 and hi <= 32767:
                df[name] = df[name].astype(np.int16)
            elif lo >= -2147483648 and hi <= 2147483647:
                df[name] = df[name].astype(np.int32)
        for name in df.select_dtypes(include=["float"]).columns:
            df[name] = pd.to_numeric(df[name], downcast="float")
        for name in text_columns(df, sparse=True):
            col = df[name]
            if col.nunique() / len(col) < 0.5:
                df[name] = col.astype("category")
        return df

    @classmethod
    @tracked("benchmark_optimization")
    def benchmark_optimization(cls, func: Callable, *args, **kwargs) -> Dict[str, Any]:
        """Run ``func`` once: ``{'result', 'execution_time_ms', 'rows_processed'}`` (rows = ``len(result)``
        for a DataFrame, else 0)."""
        start = time.perf_counter()
        result = func(*args, **kwargs)
        elapsed = (time.perf_counter() - start) * 1000
        return {"result": result, "execution_time_ms": elapsed,
                "rows_processed": len(result) if isinstance(result, pd.DataFrame) else 0}

    @staticmethod
    @tracked("apply_all_optimizations")
    def apply_all_optimizations(df: pd.DataFrame, *, now=None) -> pd.DataFrame:
        """Strings -> dates -> planning balance (only when all three inputs exist) -> cost (every column whose
        name contains ``cost``) -> memory, all on ``df`` in place."""
        if df.empty:
            return df
        df = DataFrameOptimizer.optimize_string_operations(df)
        df = DataFrameOptimizer.optimize_date_calculations(df, now=now)
        if all(name in df.columns for name in _PB_INPUTS):
            df = DataFrameOptimizer.optimize_planning_balance_calculation(df)
        cost_cols = [name for name in df.columns if "cost" in name.lower()]
        if cost_cols:
            df = DataFrameOptimizer.optimize_cost_calculation(df, cost_cols)
        return DataFrameOptimizer.optimize_memory_usage(df)


# ---------------------------------------------------------------------------------------------- kernels


def _shortage_frame(df, bal, thr, threshold_col, balance_col, engine):
    """The shortage rows of ``df`` as ``df[below].copy()`` plus ``shortage_amount`` gives them, built column
    by column: one kernel pass selects the rows and compacts the two compared columns and the amount, the
    other 8-byte columns are gathered, the rest taken by pandas."""
    n = len(df)
    rows, amount, bal_out, thr_out = np.empty(n, dtype=np.int64), np.empty(n), np.empty(n), np.empty(n)
    k = resolve("shortage_compact", engine)(np.ascontiguousarray(bal), np.ascontiguousarray(thr), rows, amount,
                                            bal_out, thr_out)
    for arr in (rows, amount, bal_out, thr_out):
        arr.resize(k, refcheck=False)  # fresh arrays nothing else refers to: shrunk in place, not copied
    cols = {}
    for name in df.columns:
        if name == balance_col:
            cols[name] = bal_out
            continue
        if name == threshold_col:
            cols[name] = thr_out
            continue
        col = df[name]
        dtype = col.dtype
        if is_8byte(dtype):
            cols[name] = take8(col.to_numpy(), rows, engine)
        elif not isinstance(dtype, np.dtype):
            taken = take_text(col, rows, engine) if isinstance(dtype, pd.StringDtype) else None
            cols[name] = col.array.take(rows) if taken is None else taken
        else:
            cols[name] = col.to_numpy().take(rows)
    cols["shortage_amount"] = amount
    out = frame_from_columns(cols, _take_index(df.index, rows))
    # the column labels as pandas extends them (their Index type and name kept)
    out.columns = df.columns if "shortage_amount" in df.columns else \
        df.columns.insert(len(df.columns), "shortage_amount")
    return out


def _take_index(index: pd.Index, rows: np.ndarray) -> pd.Index:
    """``index.take(rows)``; for the default RangeIndex an Index on ``rows`` itself (a fresh array of the
    caller's) unless pandas would give a RangeIndex (equally spaced rows)."""
    k = len(rows)
    if type(index) is pd.RangeIndex and index.start == 0 and index.step == 1 and index.name is None and k > 2:
        # a range needs every gap equal: two unequal gaps among the first, the last and ~64 sampled between
        # prove it is not one (otherwise pandas decides)
        at = np.arange(0, k - 1, max(1, (k - 1) // 64), dtype=np.int64)
        at[-1] = k - 2
        gaps = rows[at + 1] - rows[at]
        if (gaps != gaps[0]).any():
            return pd.Index(rows, dtype=np.int64, copy=False)
    return index.take(rows)


def _bom_fused(bom_df, quantity, engine):
    """``(required, cumulative)`` in one kernel pass for float64 ``quantity_per``, a plain float/int quantity
    and integer yarn ids in a dense range; None otherwise (the general path then runs)."""
    if not _flat_columns(bom_df) or "quantity_per" not in bom_df.columns or "yarn_id" not in bom_df.columns:
        return None
    if type(quantity) not in (float, int) or abs(quantity) >= 2 ** 53:
        return None
    per = plain_numpy(bom_df["quantity_per"])
    ids = plain_numpy(bom_df["yarn_id"])
    if not _f64(per) or ids is None or ids.dtype != np.int64 or not len(ids):
        return None
    lo, hi = int(ids.min()), int(ids.max())
    if hi - lo + 1 > 2 * len(ids) + (1 << 16):
        return None
    required, cum = np.empty(len(ids)), np.empty(len(ids))
    resolve("scaled_running_sum", engine)(np.ascontiguousarray(per), float(quantity), np.ascontiguousarray(ids),
                                          lo, hi - lo + 1, required, cum)
    return required, cum


def _running_sum(values: np.ndarray, codes: np.ndarray, n_groups: int, engine, *,
                 missing: bool | None = None) -> np.ndarray:
    """``groupby(keys).cumsum()`` of int64/float64 ``values`` in row order (pandas' dtype rules: ints stay
    int64 unless a key is missing, which gives NaN rows and float64). ``missing=False`` when the caller knows
    no code is -1."""
    if missing is None:
        missing = bool((codes < 0).any())
    if values.dtype.kind in "iu" and not missing:
        arr = np.ascontiguousarray(values, dtype=np.int64)
        out = np.empty(arr.shape[0], dtype=np.int64)
    else:
        arr = np.ascontiguousarray(values, dtype=np.float64)
        out = np.empty(arr.shape[0]) if not missing else np.full(arr.shape[0], np.nan)
    resolve("segmented_cumsum", engine)(arr, codes, int(n_groups), out)
    return out


def _merged_column(values: np.ndarray, pos_by_code: np.ndarray, s_keys: np.ndarray, base: int,
                   from_kernel: np.ndarray):
    """The merged right-hand column as pandas' left merge gives it: the kernel's float64 values, or the
    original integers when every row matched (no NaN, so the dtype survives the merge)."""
    if values.dtype.kind in "iu" and not np.isnan(from_kernel).any():
        return values[pos_by_code[s_keys - np.int64(base)]]
    return from_kernel


def _merged_key(cols: dict, name, left: pd.Series, right: pd.Series) -> None:
    """The key column as pandas' left merge gives it: the left frame's, except that text keys of two different
    dtypes (``str`` and ``object``, ``str`` and ``string``, pyarrow and python storage) come back ``object``
    (missing as the left column's NaN / pd.NA / None)."""
    if isinstance(left.dtype, pd.StringDtype) and left.dtype != right.dtype:
        cols[name] = np.asarray(cols[name].astype(object), dtype=object)


def _sorted_frame(frame: pd.DataFrame, order, engine, done: dict) -> dict:
    """Every column of ``frame`` in sorted order (``done`` holds the ones a kernel already gathered)."""
    return {name: done[name] if name in done else sorted_column(frame, name, order, engine)
            for name in frame.columns}


def _same_name(a, b) -> bool:
    """Two column Index names are the same one (a NaN or NaT name too: pandas' merge keeps it)."""
    if pd.api.types.is_scalar(a) and pd.api.types.is_scalar(b) and pd.isna(a) and pd.isna(b):
        return a is not None and b is not None
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _merge_metadata(out: pd.DataFrame, *inputs: pd.DataFrame) -> pd.DataFrame:
    """``attrs``, ``flags`` and ``columns.name`` as pandas passes them on to ``out``: from one input (a sort or
    copy) as they are; from a merge's two inputs, ``attrs`` only when both hold the same non-empty ones, the
    columns' name only when both have the same one, and duplicate labels disallowed when either input
    disallows them."""
    first = inputs[0].attrs
    if all(frame.attrs for frame in inputs) and all(frame.attrs == first for frame in inputs[1:]):
        out.attrs = copy.deepcopy(first)
    name = inputs[0].columns.name  # the column Index's name, when every input has the same one
    if name is not None and all(_same_name(frame.columns.name, name) for frame in inputs[1:]):
        out.columns = out.columns.rename(name)
    if not all(frame.flags.allows_duplicate_labels for frame in inputs):
        out.flags.allows_duplicate_labels = False
    return out


def _allocation_fast(yarn_df, orders_df, engine):
    if type(orders_df) is not pd.DataFrame:  # the merge returns the left frame's subclass: pandas builds it
        return None
    needed = ("yarn_id", "required_quantity", "priority", "order_date")
    if not all(name in orders_df.columns for name in needed) or "available_quantity" in orders_df.columns:
        return None
    if "yarn_id" not in yarn_df.columns or "available_quantity" not in yarn_df.columns:
        return None
    if not _flat_columns(orders_df) or not _flat_columns(yarn_df):
        return None
    required = plain_numpy(orders_df["required_quantity"])
    available = plain_numpy(yarn_df["available_quantity"])
    if required is None or available is None or required.dtype not in (np.float64, np.int64) \
            or available.dtype not in (np.float64, np.int64):
        return None
    looked = keyed_lookup(orders_df["yarn_id"], yarn_df["yarn_id"], engine)
    if looked is None:
        return None
    keys, base, n_groups, pos_by_code, raw = looked
    order = sort_order(orders_df, ["priority", "order_date"], engine=engine)
    perm = order.perm
    n = len(perm)
    table = values_by_code(available, pos_by_code)
    s_keys = permute8(keys, order, engine)
    s_req = sorted_column(orders_df, "required_quantity", order, engine)
    avail = np.empty(n)
    if required.dtype == np.float64:
        cum, can, alloc = np.empty(n), np.empty(n, dtype=bool), np.empty(n)
        resolve("allocation_keyed", engine)(s_req, s_keys, int(base), table, avail, cum, can.view(np.uint8), alloc)
    else:
        codes = s_keys - np.int64(base) if base else s_keys
        cum = _running_sum(s_req, codes, n_groups, engine)
        avail[:] = np.append(table, np.nan)[codes]
        # integer availability that every order found stays integer in the merge: compared, subtracted and
        # allocated as integers there (int64 allocated_quantity, exact beyond 2**53)
        avail = _merged_column(available, pos_by_code, s_keys, base, avail)
        with np.errstate(invalid="ignore"):
            can = cum <= avail
            alloc = np.where(can, s_req, np.maximum(0, avail - (cum - s_req)))
    done = {"required_quantity": s_req}
    if raw and orders_df["yarn_id"].dtype == np.int64:  # integer ids are their own codes: the sorted column
        done["yarn_id"] = s_keys
    cols = _sorted_frame(orders_df, order, engine, done)
    _merged_key(cols, "yarn_id", orders_df["yarn_id"], yarn_df["yarn_id"])
    cols["available_quantity"] = avail if avail.dtype != np.float64 else \
        _merged_column(available, pos_by_code, s_keys, base, avail)
    cols["cumulative_demand"] = cum
    cols["can_fulfill"] = can
    cols["allocated_quantity"] = alloc
    return _merge_metadata(frame_from_columns(cols, _permuted_range(perm)), orders_df, yarn_df)


def _permuted_range(perm: np.ndarray) -> pd.Index:
    """``pd.RangeIndex(len(perm)).take(perm)`` without its copies: an Index on ``perm`` itself, unless the
    permutation is equally spaced (identity or reversal, or at most two rows), where pandas gives a
    RangeIndex."""
    n = len(perm)
    if n <= 2 or abs(int(perm[1]) - int(perm[0])) == 1:
        return pd.RangeIndex(n).take(perm)
    return pd.Index(perm, dtype=np.int64, copy=False)


def _scheduling_fast(orders_df, capacity_df, start, engine):
    if type(orders_df) is not pd.DataFrame:  # sort_values / merge return its subclass: pandas builds it
        return None
    needed = ("priority", "due_date", "production_hours")
    if not all(name in orders_df.columns for name in needed) or not _flat_columns(orders_df):
        return None
    if capacity_df.empty:
        order = sort_order(orders_df, ["priority", "due_date"], engine=engine)
        out = frame_from_columns(_sorted_frame(orders_df, order, engine, {}), orders_df.index.take(order.perm))
        out.columns = orders_df.columns  # the sorted copy keeps the caller's column Index (its dtype and name)
        return _merge_metadata(out, orders_df)
    if "work_center_id" not in orders_df.columns or "available_hours" in orders_df.columns:
        return None
    if "work_center_id" not in capacity_df.columns or "available_hours" not in capacity_df.columns \
            or not _flat_columns(capacity_df):
        return None
    hours = plain_numpy(orders_df["production_hours"])
    available = plain_numpy(capacity_df["available_hours"])
    if not _f64(hours) or available is None or available.dtype not in (np.float64, np.int64):
        return None
    looked = keyed_lookup(orders_df["work_center_id"], capacity_df["work_center_id"], engine)
    if looked is None:
        return None
    keys, base, n_groups, pos_by_code, raw = looked
    order = sort_order(orders_df, ["priority", "due_date"], engine=engine)
    n = len(order.perm)
    s_keys = permute8(keys, order, engine)
    s_hours = sorted_column(orders_df, "production_hours", order, engine)
    avail, cum, ok = np.empty(n), np.empty(n), np.empty(n, dtype=bool)
    resolve("capacity_keyed", engine)(s_hours, s_keys, int(base), values_by_code(available, pos_by_code), avail,
                                      cum, ok.view(np.uint8))
    done = {"production_hours": s_hours}
    if raw and orders_df["work_center_id"].dtype == np.int64:
        done["work_center_id"] = s_keys
    cols = _sorted_frame(orders_df, order, engine, done)
    _merged_key(cols, "work_center_id", orders_df["work_center_id"], capacity_df["work_center_id"])
    cols["available_hours"] = _merged_column(available, pos_by_code, s_keys, base, avail)
    cols["cumulative_hours"] = cum
    cols["can_schedule"] = ok
    out = _merge_metadata(frame_from_columns(cols), orders_df, capacity_df)
    out["scheduled_start"] = start
    end = _scheduled_end(s_hours, start, engine)
    if end is None:
        end = out["scheduled_start"] + pd.to_timedelta(out["production_hours"], unit="h")
    if isinstance(end, np.ndarray):
        set_column(out, "scheduled_end", end)
    else:
        out["scheduled_end"] = end
    return out


def _scheduled_end(hours: np.ndarray, start, engine):
    """``start + pd.to_timedelta(hours, unit='h')`` as datetime64[ns] by the ``hours_end`` kernel, or None when
    pandas must do it (tz-aware or far-off start, whole-hour data, huge or infinite hours)."""
    if type(start) is not pd.Timestamp or start.tz is not None:
        return None
    try:
        ns = start.value
    except OverflowError:  # beyond datetime64[ns]: pandas raises the original's OutOfBoundsDatetime
        return None
    if abs(ns) >= 4 * 10 ** 18:
        return None
    end = np.empty(len(hours), dtype=np.int64)
    if resolve("hours_end", engine)(np.ascontiguousarray(hours, dtype=np.float64), int(ns), end):
        return None
    return end.view("datetime64[ns]")

"""Test oracle: a straight pandas transcription of the ERP's Phase-3 optimizer contract (DOMAIN.md section 8).

Written from the contract, quirks included, in plain pandas the way the ERP's services run it. The drop-ins in
``bk_fast.compat`` are compared against these functions column by column (values, dtypes, index, order) and
for in-place mutation. Two deliberate differences from running the ERP's code verbatim:

- the clock is a parameter (``now=``) so results can be reproduced;
- the oracle is meant to be called on frames whose text columns are ``object`` (pandas 2 semantics); the tests
  convert pandas-3 ``str`` columns to ``object`` before calling it and map the result back (see
  ``tests/test_compat.py``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd


def _object_columns(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3.1 warns that 'object' also selects 'str'
        return list(df.select_dtypes(include=["object"]).columns)


class OriginalDataFrameOptimizer:
    """The contract of ``DataFrameOptimizer`` (all static methods, plus one classmethod)."""

    @staticmethod
    def optimize_planning_balance_calculation(df):
        if df.empty:
            return df
        for name in ("theoretical_balance", "allocated", "on_order"):
            if name in df.columns:
                df[name] = pd.to_numeric(df[name], errors="coerce").fillna(0)
        total = df.get("theoretical_balance", 0)
        total = total + df.get("allocated", 0)
        total = total + df.get("on_order", 0)
        df["planning_balance"] = total
        return df

    @staticmethod
    def optimize_shortage_detection(df, threshold_col="min_stock", balance_col="planning_balance"):
        if df.empty:
            return pd.DataFrame()
        below = df[balance_col] < df.get(threshold_col, 0)
        out = df[below].copy()
        out["shortage_amount"] = out[threshold_col] - out[balance_col]
        return out

    @staticmethod
    def optimize_bom_explosion(bom_df, quantity, style_id=None):
        if bom_df.empty:
            return bom_df
        if style_id:
            bom_df = bom_df[bom_df["style_id"] == style_id].copy()
        bom_df["required_quantity"] = bom_df["quantity_per"] * quantity
        bom_df["cumulative_required"] = bom_df.groupby("yarn_id")["required_quantity"].cumsum()
        return bom_df

    @staticmethod
    def optimize_yarn_allocation(yarn_df, orders_df):
        if yarn_df.empty or orders_df.empty:
            return pd.DataFrame()
        merged = orders_df.merge(yarn_df[["yarn_id", "available_quantity"]], on="yarn_id", how="left")
        merged = merged.sort_values(["priority", "order_date"])
        merged["cumulative_demand"] = merged.groupby("yarn_id")["required_quantity"].cumsum()
        merged["can_fulfill"] = merged["cumulative_demand"] <= merged["available_quantity"]
        before = merged["cumulative_demand"] - merged["required_quantity"]
        merged["allocated_quantity"] = np.where(
            merged["can_fulfill"], merged["required_quantity"],
            np.maximum(0, merged["available_quantity"] - before))
        return merged

    @staticmethod
    def optimize_production_scheduling(orders_df, capacity_df, now=None):
        if orders_df.empty:
            return orders_df
        orders_df["production_hours"] = orders_df["quantity"] / orders_df.get("production_rate", 100)
        orders_df = orders_df.sort_values(["priority", "due_date"])
        if capacity_df.empty:
            return orders_df.copy()
        out = orders_df.merge(capacity_df[["work_center_id", "available_hours"]], on="work_center_id", how="left")
        out["cumulative_hours"] = out.groupby("work_center_id")["production_hours"].cumsum()
        out["can_schedule"] = out["cumulative_hours"] <= out["available_hours"]
        out["scheduled_start"] = pd.Timestamp.now() if now is None else now
        out["scheduled_end"] = out["scheduled_start"] + pd.to_timedelta(out["production_hours"], unit="h")
        return out

    @staticmethod
    def optimize_cost_calculation(df, cost_columns=None):
        if df.empty:
            return df
        if cost_columns is None:
            cost_columns = ["material_cost", "labor_cost", "overhead_cost"]
        for name in cost_columns:
            if name in df.columns:
                df[name] = pd.to_numeric(df[name], errors="coerce").fillna(0)
        df["total_cost"] = df[cost_columns].sum(axis=1)
        if "quantity" in df.columns:
            df["cost_per_unit"] = df["total_cost"] / df["quantity"].replace(0, np.nan)
            df["cost_per_unit"] = df["cost_per_unit"].fillna(0)
        return df

    @staticmethod
    def optimize_date_calculations(df, now=None):
        if df.empty:
            return df
        for name in _object_columns(df):
            if "date" in name.lower() or "time" in name.lower():
                df[name] = pd.to_datetime(df[name], errors="coerce")
        if "order_date" in df.columns and "delivery_date" in df.columns:
            df["lead_time_days"] = (df["delivery_date"] - df["order_date"]).dt.days
        if "due_date" in df.columns:
            df["days_until_due"] = (df["due_date"] - (pd.Timestamp.now() if now is None else now)).dt.days
            df["is_overdue"] = df["days_until_due"] < 0
        return df

    @staticmethod
    def optimize_aggregations(df, group_by, agg_dict):
        if df.empty:
            return pd.DataFrame()
        out = df.groupby(group_by).agg(agg_dict).reset_index()
        if isinstance(out.columns, pd.MultiIndex):
            out.columns = ["_".join(col).strip("_") for col in out.columns]
        return out

    @staticmethod
    def optimize_conditional_updates(df, conditions, update_col):
        if df.empty:
            return df
        df[update_col] = np.select([c for c, _ in conditions], [v for _, v in conditions],
                                   default=df.get(update_col, 0))
        return df

    @staticmethod
    def optimize_string_operations(df):
        if df.empty:
            return df
        for name in _object_columns(df):
            df[name] = df[name].str.strip()
            low = name.lower()
            if "id" in low:
                df[name] = df[name].str.upper()
            if any(word in low for word in ("price", "cost", "amount", "quantity")):
                df[name] = df[name].str.replace(r"[$,]", "", regex=True)
        return df

    @staticmethod
    def optimize_merge_operations(left_df, right_df, on, how="left"):
        left_df = OriginalDataFrameOptimizer.optimize_memory_usage(left_df)
        right_df = OriginalDataFrameOptimizer.optimize_memory_usage(right_df)
        left_df = left_df.sort_values(on)
        right_df = right_df.sort_values(on)
        return pd.merge(left_df, right_df, on=on, how=how, sort=False)

    @staticmethod
    def optimize_memory_usage(df, deep=True):
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
        for name in _object_columns(df):
            if df[name].nunique() / len(df[name]) < 0.5:
                df[name] = df[name].astype("category")
        return df

    @classmethod
    def benchmark_optimization(cls, func, *args, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        elapsed = (time.perf_counter() - start) * 1000
        return {"result": result, "execution_time_ms": elapsed,
                "rows_processed": len(result) if isinstance(result, pd.DataFrame) else 0}

    @staticmethod
    def apply_all_optimizations(df, now=None):
        if df.empty:
            return df
        df = OriginalDataFrameOptimizer.optimize_string_operations(df)
        df = OriginalDataFrameOptimizer.optimize_date_calculations(df, now=now)
        if all(c in df.columns for c in ("theoretical_balance", "allocated", "on_order")):
            df = OriginalDataFrameOptimizer.optimize_planning_balance_calculation(df)
        cost_cols = [c for c in df.columns if "cost" in c.lower()]
        if cost_cols:
            df = OriginalDataFrameOptimizer.optimize_cost_calculation(df, cost_cols)
        return OriginalDataFrameOptimizer.optimize_memory_usage(df)


class OriginalMemoryOptimizer:
    """The contract of ``MemoryOptimizer.optimize_dataframe`` (lossy: strict-bound downcasts, float16 when
    aggressive, categories, duplicate rows dropped, sparse columns)."""

    @staticmethod
    def optimize_dataframe(df, deep=True, aggressive=False):
        if df.empty:
            return df
        for name in df.columns:
            kind = df[name].dtype
            if kind == "object":
                continue
            lo, hi = df[name].min(), df[name].max()
            if str(kind)[:3] == "int":
                for target in (np.int8, np.int16, np.int32, np.int64):
                    info = np.iinfo(target)
                    if lo > info.min and hi < info.max:
                        df[name] = df[name].astype(target)
                        break
            elif str(kind)[:5] == "float":
                targets = (np.float16, np.float32) if aggressive else (np.float32,)
                for target in targets:
                    info = np.finfo(target)
                    if lo > info.min and hi < info.max:
                        df[name] = df[name].astype(target)
                        break
        for name in _object_columns(df):
            if df[name].dtype == "object" and len(df[name].unique()) / len(df[name]) < 0.5:
                df[name] = df[name].astype("category")
        df = df.drop_duplicates()
        for name in df.select_dtypes(include=[np.number]).columns:
            zeros = (df[name] == 0).sum() / len(df[name])
            nans = df[name].isna().sum() / len(df[name])
            if zeros > 0.7 or nans > 0.7:
                df[name] = pd.arrays.SparseArray(df[name], fill_value=0)
        return df

"""Yarn inventory kernels vs the baselines a planner would otherwise use.

Baselines beside the engines:
- ``iterrows``: the seed ERP's "before", a row loop over the frame (only up to 1e4 rows: it takes minutes beyond);
- ``pandas``: idiomatic vectorised pandas (the seed's "after");
- ``polars``: the same expressions in polars, polars frame in, polars frame out (``bench`` extra).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import bk_fast
from bk_fast._engine import resolve

from .common import ENGINES, check_engine, inventory_cached

RISK_LABELS = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]


def risk_iterrows(df: pd.DataFrame) -> pd.DataFrame:
    """What the ERP did: one Python iteration per yarn."""
    rows = []
    for idx, row in df.iterrows():
        theo = 0.0 if pd.isna(row["Theoretical Balance"]) else float(row["Theoretical Balance"])
        alloc = 0.0 if pd.isna(row["Allocated"]) else float(row["Allocated"])
        on_order = 0.0 if pd.isna(row["On Order"]) else float(row["On Order"])
        consumed = 0.0 if pd.isna(row["Consumed"]) else float(row["Consumed"])
        pb = theo + alloc + on_order
        if consumed != 0:
            weekly = abs(consumed) / 4.3
        elif alloc != 0:
            weekly = abs(alloc) / 8
        else:
            weekly = 10.0
        weeks = theo / weekly if theo > 0 and weekly > 0 else 0.0
        if pb < -1000:
            risk = "CRITICAL"
        elif pb < -100:
            risk = "HIGH"
        elif pb < 0:
            risk = "MEDIUM"
        else:
            risk = "LOW"
        rows.append((idx, pb, -pb if pb < 0 else 0.0, weekly, weeks, risk))
    out = pd.DataFrame(rows, columns=["index", "planning_balance", "shortage", "weekly_demand",
                                      "weeks_of_supply", "risk"]).set_index("index")
    out["risk"] = pd.Categorical(out["risk"], categories=RISK_LABELS, ordered=True)
    return out


def risk_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """Idiomatic vectorised pandas."""
    t = df["Theoretical Balance"].fillna(0)
    a = df["Allocated"].fillna(0)
    c = df["Consumed"].fillna(0)
    pb = t + a + df["On Order"].fillna(0)
    weekly = np.where(c != 0, c.abs() / 4.3, np.where(a != 0, a.abs() / 8, 10.0))
    weeks = np.where((t > 0) & (weekly > 0), t / np.where(weekly > 0, weekly, 1.0), 0.0)
    codes = np.select([pb < -1000, pb < -100, pb < 0], [3, 2, 1], 0)
    return pd.DataFrame({"planning_balance": pb, "shortage": np.where(pb < 0, -pb, 0.0),
                         "weekly_demand": weekly, "weeks_of_supply": weeks,
                         "risk": pd.Categorical.from_codes(codes, categories=RISK_LABELS, ordered=True)},
                        index=df.index)


def risk_polars(frame):
    """The same in polars expressions (polars frame in, polars frame out)."""
    import polars as pl

    def z(name):
        return pl.col(name).fill_null(0.0).fill_nan(0.0)

    t, a, c = z("Theoretical Balance"), z("Allocated"), z("Consumed")
    pb = t + a + z("On Order")
    weekly = pl.when(c != 0).then(c.abs() / 4.3).when(a != 0).then(a.abs() / 8).otherwise(10.0)
    risk = (pl.when(pb < -1000).then(pl.lit("CRITICAL")).when(pb < -100).then(pl.lit("HIGH"))
            .when(pb < 0).then(pl.lit("MEDIUM")).otherwise(pl.lit("LOW")).cast(pl.Enum(RISK_LABELS)))
    return frame.select(
        pb.alias("planning_balance"), pl.when(pb < 0).then(-pb).otherwise(0.0).alias("shortage"),
        weekly.alias("weekly_demand"),
        pl.when((t > 0) & (weekly > 0)).then(t / weekly).otherwise(0.0).alias("weeks_of_supply"),
        risk.alias("risk"))


def _setup_frame(method: str, n: int):
    n = int(n)
    if method in ENGINES:
        check_engine(method)
    if method == "iterrows" and n > 10_000:
        raise NotImplementedError("iterrows is only run up to 1e4 rows")
    df = inventory_cached(n)
    if method == "polars":
        try:
            import polars as pl
        except ImportError:
            raise NotImplementedError("polars not installed (bench extra)") from None
        return pl.from_pandas(df)
    return df


class YarnRisk:
    """``bk_fast.yarn_risk`` (one fused pass) vs loop / pandas / polars."""

    params = [ENGINES + ["pandas", "polars", "iterrows"], [10_000, 1_000_000, 10_000_000]]
    param_names = ["method", "rows"]
    timeout = 600

    def setup(self, method, rows):
        self.data = _setup_frame(method, rows)
        self.run = {"pandas": risk_pandas, "polars": risk_polars, "iterrows": risk_iterrows}.get(method)
        if self.run is None:
            def run(df, _engine=method):
                return bk_fast.yarn_risk(df, engine=_engine)
            self.run = run
        self.run(self.data.head(10) if hasattr(self.data, "head") else self.data)  # warm the JIT

    def time_yarn_risk(self, method, rows):
        self.run(self.data)

    def peakmem_yarn_risk(self, method, rows):
        self.run(self.data)


class PlanningBalanceArrays:
    """The planning-balance kernel on bare arrays vs NumPy's ``a + b + c`` (the floor for this arithmetic)."""

    params = [ENGINES + ["numpy a+b+c"], [1_000, 1_000_000, 10_000_000]]
    param_names = ["method", "rows"]

    def setup(self, method, rows):
        df = inventory_cached(int(rows))
        self.a, self.b, self.c = (np.ascontiguousarray(df[k].fillna(0).to_numpy())
                                  for k in ("Theoretical Balance", "Allocated", "On Order"))
        self.out = np.empty(int(rows))
        if method in ENGINES:
            check_engine(method)
            self.kernel = resolve("planning_balance", method)
            self.kernel(self.a, self.b, self.c, self.out)
        else:
            self.kernel = None

    def time_planning_balance(self, method, rows):
        if self.kernel is None:
            self.a + self.b + self.c
        else:
            self.kernel(self.a, self.b, self.c, self.out)


class PlanningBalanceFrame:
    """``bk_fast.planning_balance`` on an inventory frame vs pandas ``fillna`` + add."""

    params = [ENGINES + ["pandas"], [10_000, 1_000_000]]
    param_names = ["method", "rows"]

    def setup(self, method, rows):
        self.df = inventory_cached(int(rows))
        if method in ENGINES:
            check_engine(method)
            bk_fast.planning_balance(self.df.head(5), engine=method)

    def time_planning_balance(self, method, rows):
        if method == "pandas":
            df = self.df
            df["Theoretical Balance"].fillna(0) + df["Allocated"].fillna(0) + df["On Order"].fillna(0)
        else:
            bk_fast.planning_balance(self.df, engine=method)

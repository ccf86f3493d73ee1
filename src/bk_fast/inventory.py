"""Yarn-inventory arithmetic on the ERP's yarn inventory frame (DOMAIN.md sections 2 and 3).

Sign conventions are the ERP's: ``Consumed`` and ``Allocated`` are stored <= 0 and are *added*;
``On Order`` >= 0. Missing numbers count as 0. Columns are found under any of the ERP's aliases
(``Planning Balance`` / ``Planning_Balance`` / ``planning_balance``, ...) and ERP number text such as
``"$1,326.67 "`` or ``"(2,183.40)"`` is cleaned the way the ERP cleans it. An infinite number (``inf``,
``"-inf"``) is a ValueError naming the column and row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bk_fast._engine import resolve
from bk_fast._kernels.reference.inventory import RISK_LEVELS
from bk_fast._validate import find_column, float_column, require_frame

__all__ = ["theoretical_balance", "planning_balance", "yarn_risk", "RISK_DTYPE"]

#: ordered categorical of :func:`yarn_risk`'s ``risk`` column
RISK_DTYPE = pd.CategoricalDtype(list(RISK_LEVELS), ordered=True)
_WHAT = "inventory"


def _finite(df: pd.DataFrame, label) -> np.ndarray:
    """Column ``label`` as float64; missing values stay NaN (they count as 0), an infinite value is a
    ValueError naming the column and row (inf - inf would turn a balance into a silent NaN)."""
    arr = float_column(df, label, what=_WHAT)
    bad = np.isinf(arr)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{_WHAT} column {label!r} row {df.index[i]!r} (position {i}): {arr[i]} is not a finite "
                         f"quantity")
    return arr


def _columns(df: pd.DataFrame, *names: str) -> list[np.ndarray]:
    return [_finite(df, find_column(df, n, what=_WHAT)) for n in names]


def _theoretical(df: pd.DataFrame, engine: str | None) -> np.ndarray:
    label = find_column(df, "Theoretical Balance", what=_WHAT, required=False)
    if label is not None:
        return _finite(df, label)
    if find_column(df, "Beginning Balance", what=_WHAT, required=False) is None:
        raise ValueError(
            "inventory has neither 'Theoretical Balance' nor the columns to compute it ('Beginning Balance', "
            "'Received', 'Consumed', 'Adjustments'); accepted names for 'Theoretical Balance': "
            "'Theoretical Balance', 'Theoretical_Balance', 'theoretical_balance'")
    out = np.empty(len(df), dtype=np.float64)
    resolve("theoretical_balance", engine)(
        *_columns(df, "Beginning Balance", "Received", "Consumed", "Adjustments"), out)
    return out


def theoretical_balance(inventory: pd.DataFrame, *, engine: str | None = None) -> pd.Series:
    """Theoretical balance of every yarn: ``Beginning Balance + Received + Consumed + Adjustments``.

    Parameters
    ----------
    inventory : DataFrame
        The ERP's yarn inventory; the four columns under any accepted alias. Not modified.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine; None uses the engine in force (see :func:`bk_fast.set_engine`).

    Returns
    -------
    Series named ``"Theoretical Balance"``, float64, indexed like ``inventory``.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> inv = pd.DataFrame({"Beginning Balance": [500.0, 0.0], "Received": [None, 100.0],
    ...                     "Consumed": [-120.5, 0.0], "Adjustments": [None, None]})
    >>> bk_fast.theoretical_balance(inv).tolist()
    [379.5, 100.0]
    """
    df = require_frame(inventory, _WHAT)
    out = np.empty(len(df), dtype=np.float64)
    resolve("theoretical_balance", engine)(
        *_columns(df, "Beginning Balance", "Received", "Consumed", "Adjustments"), out)
    return pd.Series(out, index=df.index, name="Theoretical Balance", copy=False)


def planning_balance(inventory: pd.DataFrame, *, engine: str | None = None) -> pd.Series:
    """Planning balance of every yarn: ``Theoretical Balance + Allocated + On Order``.

    ``Allocated`` is stored <= 0 by the ERP and is added, never subtracted or taken as abs(). When the frame
    has no ``Theoretical Balance`` it is computed from its components first.

    Parameters
    ----------
    inventory : DataFrame
        The ERP's yarn inventory. Not modified.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    Series named ``"Planning Balance"``, float64, indexed like ``inventory``.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> inv = pd.DataFrame({"Theoretical Balance": ["$1,200.00 ", "(50.00)"],
    ...                     "Allocated": [-300.0, None], "On_Order": [0.0, 20.0]})
    >>> bk_fast.planning_balance(inv).tolist()
    [900.0, -30.0]
    """
    df = require_frame(inventory, _WHAT)
    theo = _theoretical(df, engine)
    allocated, on_order = _columns(df, "Allocated", "On Order")
    out = np.empty(len(df), dtype=np.float64)
    resolve("planning_balance", engine)(theo, allocated, on_order, out)
    return pd.Series(out, index=df.index, name="Planning Balance", copy=False)


def yarn_risk(inventory: pd.DataFrame, *, engine: str | None = None) -> pd.DataFrame:
    """Shortage and risk of every yarn in one fused pass (DOMAIN.md section 3).

    Columns of the result:

    - ``planning_balance``: Theoretical + Allocated + On Order;
    - ``shortage``: ``-planning_balance`` where it is negative, else 0 (lbs);
    - ``weekly_demand``: ``|Consumed| / 4.3`` if Consumed != 0, elif Allocated != 0 ``|Allocated| / 8``,
      else 10 lbs;
    - ``weeks_of_supply``: Theoretical / weekly demand when both > 0, else 0;
    - ``risk``: ordered categorical LOW < MEDIUM < HIGH < CRITICAL: CRITICAL below -1000, HIGH below -100,
      MEDIUM below 0 (all strict), else LOW.

    Parameters
    ----------
    inventory : DataFrame
        The ERP's yarn inventory (``Theoretical Balance`` or its components, ``Allocated``, ``On Order``,
        ``Consumed``). Not modified.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    DataFrame indexed like ``inventory``.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> inv = pd.DataFrame({"Theoretical Balance": [430.0, -50.0, 80.0],
    ...                     "Allocated": [0.0, -1000.0, -200.0], "On Order": [0.0, 0.0, 0.0],
    ...                     "Consumed": [-43.0, 0.0, 0.0]}, index=[18767, 18929, 19003])
    >>> bk_fast.yarn_risk(inv)
           planning_balance  shortage  weekly_demand  weeks_of_supply      risk
    18767             430.0       0.0           10.0             43.0       LOW
    18929           -1050.0    1050.0          125.0              0.0  CRITICAL
    19003            -120.0     120.0           25.0              3.2      HIGH
    """
    df = require_frame(inventory, _WHAT)
    theo = _theoretical(df, engine)
    allocated, on_order, consumed = _columns(df, "Allocated", "On Order", "Consumed")
    n = len(df)
    block = np.empty((4, n), dtype=np.float64)
    risk = np.empty(n, dtype=np.int8)
    resolve("yarn_risk", engine)(theo, allocated, on_order, consumed, block[0], block[1], block[2], block[3],
                                 risk)
    out = pd.DataFrame(block.T, index=df.index, copy=False,
                       columns=["planning_balance", "shortage", "weekly_demand", "weeks_of_supply"])
    out["risk"] = pd.Categorical.from_codes(risk, dtype=RISK_DTYPE, validate=False)
    return out


def _demo_step(mill, engine):
    """``bk-fast demo``: shortage risk of every yarn, worst first."""
    from bk_fast._demo import DemoReport

    inv = mill["yarn_inventory"]
    risk = yarn_risk(inv, engine=engine)
    counts = risk["risk"].value_counts().reindex(RISK_DTYPE.categories)
    short = risk["shortage"] > 0
    top = (pd.concat([inv[["Desc#", "Description"]], risk], axis=1)
           .loc[short].sort_values(["risk", "shortage"], ascending=[False, False]).head(10))
    return DemoReport(
        title="Yarn shortage risk (planning balance = theoretical + allocated + on order)",
        lines=[f"{len(inv):,} yarns, {int(short.sum()):,} short, {risk['shortage'].sum():,.2f} lbs short in all",
               "risk levels: " + ", ".join(f"{k} {int(v):,}" for k, v in counts.items()),
               f"median weeks of supply of yarns in stock: "
               f"{risk.loc[risk['weeks_of_supply'] > 0, 'weeks_of_supply'].median():,.1f}",
               "top shortages:"],
        table=top[["Desc#", "Description", "planning_balance", "shortage", "weekly_demand", "risk"]])

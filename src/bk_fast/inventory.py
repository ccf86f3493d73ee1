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

from bk_fast._columns import ALIASES
from bk_fast._engine import resolve
from bk_fast._kernels.reference.inventory import CRITICAL_BELOW, HIGH_BELOW, MEDIUM_BELOW, RISK_LEVELS
from bk_fast._validate import find_column, float_column, infinite_at, plain, reject_text, require_frame

__all__ = ["theoretical_balance", "planning_balance", "yarn_risk", "RISK_DTYPE"]

#: ordered categorical of :func:`yarn_risk`'s ``risk`` column
RISK_DTYPE = pd.CategoricalDtype(list(RISK_LEVELS), ordered=True)
_WHAT = "inventory"
#: the Theoretical Balance's components, in the order they are summed
_COMPONENTS = ("Beginning Balance", "Received", "Consumed", "Adjustments")
#: yarn_risk's float columns, built once (an Index of text labels costs more than the kernel on small frames)
_FLOAT_COLUMNS = pd.Index(["planning_balance", "shortage", "weekly_demand", "weeks_of_supply"])


class _Reader:
    """Reads one call's inventory columns as float64 arrays and keeps them for the error path of
    :meth:`check_finite`."""

    def __init__(self, inventory) -> None:
        self.df = require_frame(inventory, _WHAT)
        self.inputs: list[tuple[object, np.ndarray]] = []

    def columns(self, *names: str) -> list[np.ndarray]:
        arrays = []
        for name in names:
            # (a label on two columns, or two spellings of one column, 'Allocated' beside 'allocated': reading
            # one and ignoring the other would lose data silently; find_column's ValueError)
            label = find_column(self.df, name, what=_WHAT, strict=True)
            arr = float_column(self.df, label, what=_WHAT)
            self.inputs.append((label, arr))
            arrays.append(arr)
        return arrays

    def theoretical(self, engine: str | None) -> np.ndarray:
        """``Theoretical Balance``, or computed from its components when the frame has none."""
        theo = self.theoretical_column()
        return self.computed(engine) if theo is None else theo

    def theoretical_column(self) -> np.ndarray | None:
        """The ``Theoretical Balance`` column, or None when the frame has none but has its components (else a
        ValueError naming both)."""
        df = self.df
        if find_column(df, "Theoretical Balance", what=_WHAT, required=False) is not None:
            return self.columns("Theoretical Balance")[0]
        if find_column(df, "Beginning Balance", what=_WHAT, required=False) is None:
            raise ValueError(
                "inventory has neither 'Theoretical Balance' nor the columns to compute it ('Beginning "
                "Balance', 'Received', 'Consumed', 'Adjustments'); accepted names for 'Theoretical Balance': "
                f"{', '.join(map(repr, ALIASES['Theoretical Balance']))}")
        return None

    def computed(self, engine: str | None) -> np.ndarray:
        """``Theoretical Balance`` computed from its four components, infinite components rejected here: the
        kernels downstream read the NaN of ``inf - inf`` as a missing number (0), so a planning balance made
        of it would be finite and pass :meth:`check_finite`."""
        out = np.empty(len(self.df), dtype=np.float64)
        resolve("theoretical_balance", engine)(*self.columns(*_COMPONENTS), out)
        self.check_finite(out)
        return out

    def check_finite(self, *results: np.ndarray, among: int | None = None) -> None:
        """ValueError naming the column and row of an infinite input quantity (inf - inf would turn a balance
        into a silent NaN). Sums of finite quantities that overflow to +-inf are IEEE results, left as they are.

        ``results`` together involve every input, so one sum over each is the fast path: the sum is finite
        when no element is inf or NaN; only otherwise are the inputs scanned (``among``: the first ``among``
        columns read only; no ``results``: scanned at once)."""
        with np.errstate(over="ignore", invalid="ignore"):
            if results and all(np.isfinite(np.add.reduce(r)) for r in results):  # (inf - inf leaves NaN here)
                return
        index = self.df.index
        for label, arr in self.inputs[:among]:
            i = infinite_at(arr)
            if i is not None:
                raise ValueError(f"{_WHAT} column {label!r} row {plain(index[i])!r} (position {i}): {arr[i]} is "
                                 f"not a finite quantity")

    def reject_text(self, items: pd.Index | None, expected: str) -> None:
        """ValueError naming the column, row and item of the first cell of text that is no number (``"lots"``)
        in the columns read so far, among the rows with an item (``items``: the rows' ids, missing where
        none; None: every row, no item named); ``expected``: what the cell should hold."""
        among = None if items is None else np.asarray(items.notna(), dtype=bool)
        for label, arr in self.inputs:
            reject_text(self.df, label, arr, _WHAT, expected, among, items)


def _on_hand_stock(inventory: pd.DataFrame, engine: str | None, *, on_order: bool, items: pd.Index | None = None,
                   expected: str = "lbs, or nothing for 0") -> np.ndarray:
    """The stock an allocation may promise, as a float64 array, infinite inputs rejected: ``Planning Balance``
    (``on_order``: the frame's column, else computed from its components) or, when the open POs come in as
    time-phased receipts of their own, ``Theoretical Balance + Allocated`` (the planning balance without On
    Order, so no PO is counted twice and what is already allocated is never promised again). Text that is no
    number in a column read, in a row with an item (``items``: the rows' ids, missing where none; None: every
    row, none named), is a ValueError naming the column, row and item (``expected``: what the cell should
    hold): as a missing number, 0 lbs, a yarn's stock would vanish silently."""
    reader = _Reader(inventory)
    if on_order and find_column(reader.df, "Planning Balance", what=_WHAT, required=False) is not None:
        out = reader.columns("Planning Balance")[0]
        reader.check_finite(out)
        reader.reject_text(items, expected)
        return out
    theo = reader.theoretical(engine)
    allocated = reader.columns("Allocated")[0] if on_order or find_column(
        reader.df, "Allocated", what=_WHAT, required=False) is not None else np.zeros(len(theo))
    po = reader.columns("On Order")[0] if on_order else np.zeros(len(theo))
    out = np.empty(len(reader.df), dtype=np.float64)
    resolve("planning_balance", engine)(theo, allocated, po, out)
    reader.check_finite(out)
    reader.reject_text(items, expected)
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
    reader = _Reader(inventory)
    return pd.Series(reader.computed(engine), index=reader.df.index, name="Theoretical Balance", copy=False)


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
    reader = _Reader(inventory)
    theo = reader.theoretical(engine)
    allocated, on_order = reader.columns("Allocated", "On Order")
    out = np.empty(len(reader.df), dtype=np.float64)
    resolve("planning_balance", engine)(theo, allocated, on_order, out)
    reader.check_finite(out)
    return pd.Series(out, index=reader.df.index, name="Planning Balance", copy=False)


def yarn_risk(inventory: pd.DataFrame, *, engine: str | None = None) -> pd.DataFrame:
    """Shortage and risk of every yarn in one fused pass (DOMAIN.md section 3).

    Columns of the result:

    - ``planning_balance``: (Theoretical + Allocated) + On Order, float64's sum as the ERP computes it;
    - ``shortage``: ``-planning_balance`` where the yarn is short, else 0 (lbs). Short means below 0 by more
      than a rounding allowance: ``planning_balance < -tol``, ``tol = |Theoretical| x R + |Allocated| x R +
      |On Order| x R + 3 x 2**-1074`` with ``R = 4 x 2**-53`` (``8 x 2**-53`` of all six inputs ``+ 6 x
      2**-1074`` when the Theoretical Balance is computed here from its four components). ``tol`` bounds how far
      float64's sums can lie from the exact sum of the decimal numbers read (each input within ``2**-53
      |input|`` of its decimal, or ``2**-1075`` below ``2**-1022``, each addition within ``2**-53 |result|``;
      derived at ``bk_fast._kernels.reference.inventory.RESIDUE``), so a balance of exactly 0 in decimal
      (``1048.1 - 1108.3 + 60.2`` is -4.3e-14 in float64) is not short, while a real shortage, however small
      (1e-9 lbs), is: DOMAIN.md section 3's "shortage when PB < 0" less the residue. A balance that overflows
      float64 from finite quantities is -inf, short by inf (CRITICAL), or +inf;
    - ``weekly_demand``: ``|Consumed| / 4.3`` if Consumed != 0, elif Allocated != 0 ``|Allocated| / 8``,
      else 10 lbs;
    - ``weeks_of_supply``: Theoretical / weekly demand when both > 0, else 0;
    - ``risk``: ordered categorical LOW < MEDIUM < HIGH < CRITICAL: LOW unless short; a short yarn is
      CRITICAL below -1000, HIGH below -100 (both strict, and by more than the same ``tol``: a balance of exactly
      -100 in decimal, ``1486.3 - 1676.2 + 89.9`` = -100.00000000000009 in float64, is MEDIUM), else MEDIUM.

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

    A balance of 0 in decimal that float64 misses by a rounding residue is not short; 1e-9 lbs short is:

    >>> inv = pd.DataFrame({"Theoretical Balance": [1048.1, 1048.1], "Allocated": [-1108.3, -1108.3],
    ...                     "On Order": [60.2, 60.199999999], "Consumed": [0.0, 0.0]})
    >>> bk_fast.yarn_risk(inv)[["planning_balance", "shortage", "risk"]]
       planning_balance      shortage    risk
    0     -4.263256e-14  0.000000e+00     LOW
    1     -1.000046e-09  1.000046e-09  MEDIUM
    """
    reader = _Reader(inventory)
    df = reader.df
    theo = reader.theoretical_column()
    if theo is None:  # the kernel sums the Theoretical Balance from its components (and their allowance)
        beginning, received, consumed, adjustments = reader.columns(*_COMPONENTS)
        try:
            allocated, on_order = reader.columns("Allocated", "On Order")
        except (TypeError, ValueError):
            reader.check_finite(among=len(_COMPONENTS))  # (an infinite component is named first, as ever)
            raise
        parts = (received, adjustments)
    else:
        beginning = theo
        allocated, on_order, consumed = reader.columns("Allocated", "On Order", "Consumed")
        parts = ()
    n = len(df)
    block = np.empty((4, n), dtype=np.float64)
    risk = np.empty(n, dtype=np.int8)
    resolve("yarn_risk", engine)(beginning, allocated, on_order, consumed, block[0], block[1], block[2], block[3],
                                 risk, *parts)
    if n and risk.min() < 0:  # the kernel marks rows whose balance or weekly demand is not finite
        reader.check_finite(block[0], block[2])  # names an infinite input; else the balance overflowed:
        bad = risk < 0
        pb = block[0][bad]
        # (pb is +-inf here: the kernels' finite allowance tol would change none of these comparisons)
        risk[bad] = np.select([pb < CRITICAL_BELOW, pb < HIGH_BELOW, pb < MEDIUM_BELOW], [3, 2, 1], 0)
        block[1][bad] = np.where(pb < 0.0, -pb, 0.0)  # shortage agrees: -inf is short by inf (as the kernels say)
    out = pd.DataFrame(block.T, index=df.index, copy=False, columns=_FLOAT_COLUMNS)
    out["risk"] = pd.Categorical.from_codes(risk, dtype=RISK_DTYPE, validate=False)
    return out


def _demo_step(mill, engine):
    """``bk-fast demo``: shortage risk of every yarn, worst first."""
    from bk_fast._demo import DemoReport

    inv = mill["yarn_inventory"]
    risk = yarn_risk(inv, engine=engine)
    counts = risk["risk"].value_counts().reindex(RISK_DTYPE.categories)
    short = risk["shortage"] > 0
    shown = [c for c in ("Desc#", "Description") if c in inv.columns]  # (an export may lack the description)
    top = (pd.concat([inv[shown], risk], axis=1)
           .loc[short].sort_values(["risk", "shortage"], ascending=[False, False]).head(10))
    no_id = int(inv["Desc#"].isna().sum()) if "Desc#" in inv.columns else 0  # (an export's empty rows)
    return DemoReport(
        title="Yarn shortage risk (planning balance = theoretical + allocated + on order)",
        lines=[f"{len(inv) - no_id:,} yarns{f' (and {no_id:,} rows without a Desc#)' if no_id else ''}, "
               f"{int(short.sum()):,} short, {risk['shortage'].sum():,.2f} lbs short in all",
               "risk levels: " + ", ".join(f"{k} {int(v):,}" for k, v in counts.items()),
               f"median weeks of supply of yarns in stock: "
               f"{risk.loc[risk['weeks_of_supply'] > 0, 'weeks_of_supply'].median():,.1f}",
               "top shortages:"],
        table=top[[*shown, "planning_balance", "shortage", "weekly_demand", "risk"]])

"""Lot-sizing rules for :func:`bk_fast.net_requirements` and :func:`bk_fast.mrp`.

A rule is an object (``LotForLot()``, ``MinMaxMultiple(min=50, max=100, multiple=25)``,
``FixedPeriods(3)``, ``WagnerWhitin(setup=30, holding=1)``) or a string naming one
(``"lot-for-lot"``, ``"min-max-multiple:min=50,max=100,multiple=25"``, ``"fixed-periods:3"``,
``"wagner-whitin:setup=30,holding=1"``). Every parameter may be a scalar (all items), a Series or dict keyed
by item (items not in it get the default), an array in item order, or the name of a column of the
``on_hand`` frame.

Examples
--------
>>> from bk_fast.lots import lot_rule
>>> lot_rule("min-max-multiple:min=50,max=100")
MinMaxMultiple(min=50, max=100, multiple=None)
>>> lot_rule("ww:setup=30,holding=1")
WagnerWhitin(setup=30, holding=1)
>>> lot_rule(None)
LotForLot()
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, ClassVar

import numpy as np

from bk_fast._validate import is_time_value

__all__ = ["LotRule", "LotForLot", "MinMaxMultiple", "FixedPeriods", "WagnerWhitin", "lot_rule"]


@dataclass(frozen=True)
class LotRule:
    """Base class of the lot-sizing rules; ``code`` is the kernel's rule number. A parameter given as one value
    for all items is a number (or ``None``, the default): a NaN is a ValueError and a bool a TypeError naming the
    parameter (``FixedPeriods(True)`` was one period, ``FixedPeriods(nan)`` and ``"fpq:nan"`` the default); a
    ``Decimal('NaN')`` is a NaN too, and a duration or date a TypeError.

    Examples
    --------
    >>> rule = lot_rule("fpq:2")
    >>> isinstance(rule, LotRule), rule.code
    (True, 2)
    >>> FixedPeriods(float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: FixedPeriods periods must be a whole number of periods >= 1 (None: 1), got nan
    """

    code: ClassVar[int] = -1
    #: what each parameter holds when given as one value, for the errors
    _expected: ClassVar[dict] = {}

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray) and v.ndim == 0:
                v = v[()] if v.dtype.kind in "mM" else v.item()  # (.item() reads 3 ns as the int 3)
            what = f"{type(self).__name__} {f.name} must be {self._expected[f.name]}, got"
            if isinstance(v, (bool, np.bool_)):
                raise TypeError(f"{what} the bool {v!r}")
            if is_time_value(v):  # (np.timedelta64 is an integer to NumPy: math.isnan would fail unnamed)
                raise TypeError(f"{what} {v!r}: durations and dates are not converted to numbers")
            if (isinstance(v, numbers.Real) and math.isnan(v)) or (isinstance(v, Decimal) and v.is_nan()):
                raise ValueError(f"{what} {v!r}")


@dataclass(frozen=True)
class LotForLot(LotRule):
    """Order exactly the net requirement of each period (the default rule, ``lot=None``).

    Examples
    --------
    >>> import numpy as np, bk_fast
    >>> res = bk_fast.net_requirements(np.array([[10.0, 20, 30, 40]]), 0.0, lot=LotForLot())
    >>> res.orders[["due_period", "qty"]].values.tolist()
    [[0.0, 10.0], [1.0, 20.0], [2.0, 30.0], [3.0, 40.0]]
    """

    code: ClassVar[int] = 0


@dataclass(frozen=True)
class MinMaxMultiple(LotRule):
    """Order ``max(net, min)`` rounded up to a multiple of ``multiple``; no order exceeds ``max``: a need above
    ``max`` rounded down to a multiple (the cap) becomes several orders: full orders of the cap and one last
    order for the rest (itself raised to ``min`` and rounded up). With max 37.5 and multiple 25, a need of
    28.75 orders 25 + 25, not 50. ``max=None``: uncapped; ``multiple=None`` (or 0): no rounding.

    Rounding is floating-point ``ceil(q / multiple) * multiple`` up to a float64 residue: a count of multiples
    (or of max lots) within a few ulps of it (``2**-50`` of it) plus the need's error bound (the roll's running
    bound, in lots; at most half a lot) of a whole number is that number (``887.32 - 487.32`` is
    400.00000000000006 and orders 400 with multiple 25, not 425; ``10,021.03 - (9,642.22 + 377.81)``
    is 1.0000000000018 and orders 1 with multiple 1; the residue left is read as meeting the safety stock). A
    real excess rounds up: a need of ``50.000000001`` with multiple 25 orders 75. The lot min is exact.

    Examples
    --------
    >>> import numpy as np, bk_fast
    >>> res = bk_fast.net_requirements(np.array([[28.75]]), lot=MinMaxMultiple(max=37.5, multiple=25))
    >>> res.orders["qty"].tolist()
    [25.0, 25.0]
    """

    code: ClassVar[int] = 1
    _expected: ClassVar[dict] = {"min": "a number >= 0 (None: 0)", "max": "a number > 0 (None: uncapped)",
                                "multiple": "a number >= 0 (None or 0: no rounding)"}
    min: Any = 0.0
    max: Any = None
    multiple: Any = None


@dataclass(frozen=True)
class FixedPeriods(LotRule):
    """Fixed period quantity: an order placed in a short period covers the net requirements of ``periods``
    periods counted from its own (the periods in between get no order).

    Parameters
    ----------
    periods : int, per-item values or on_hand column name
        Periods each order covers (whole, >= 1; default 1: lot-for-lot).

    Examples
    --------
    >>> import numpy as np, bk_fast
    >>> res = bk_fast.net_requirements(np.array([[10.0, 20, 30, 40]]), 0.0, lot=FixedPeriods(2))
    >>> res.planned_receipts[0].tolist()
    [30.0, 0.0, 70.0, 0.0]
    """

    code: ClassVar[int] = 2
    _expected: ClassVar[dict] = {"periods": "a whole number of periods >= 1 (None: 1)"}
    periods: Any = 1


@dataclass(frozen=True)
class WagnerWhitin(LotRule):
    """Optimal lots (Wagner-Whitin dynamic programme) for a ``setup`` cost per order and a ``holding`` cost
    per unit per period on end-of-period stock, over the lot-for-lot net requirements (safety stock and
    scheduled receipts included). Ties go to the earliest order period. The programme looks at every earlier
    order period for each period: O(periods^2) per item, which is nothing for weekly buckets (104 periods: ~10^4
    steps) but grows fast beyond. The compiled engines (numba, cython) take one item of 10^4 periods in ~0.1 s,
    10^5 periods in ~9 s. The numpy (reference) engine plans all items at once but steps through the period
    pairs in Python: ~0.1 s for 104 periods, ~1.3 s for 500, ~6 s for 1,000 and ~40 s for 2,000 (one item; 1,000
    items of 500 periods ~12 s). Lot-for-lot stays linear.

    Parameters
    ----------
    setup, holding : number, per-item values or on_hand column name
        Cost per order and per unit held one period (>= 0; default 0).

    Examples
    --------
    >>> import numpy as np, bk_fast
    >>> res = bk_fast.net_requirements(np.array([[10.0, 20, 30, 40]]), 0.0, lot=WagnerWhitin(setup=30, holding=1))
    >>> res.planned_receipts[0].tolist()
    [30.0, 0.0, 30.0, 40.0]
    """

    code: ClassVar[int] = 3
    _expected: ClassVar[dict] = {"setup": "a cost >= 0 per order (None: 0)",
                                "holding": "a cost >= 0 per unit and period (None: 0)"}
    setup: Any = 0.0
    holding: Any = 0.0


_NAMES = {
    "lot-for-lot": LotForLot, "lotforlot": LotForLot, "lfl": LotForLot, "l4l": LotForLot,
    "min-max-multiple": MinMaxMultiple, "min-max": MinMaxMultiple, "minmax": MinMaxMultiple,
    "mmm": MinMaxMultiple, "minmaxmultiple": MinMaxMultiple,
    "fixed-periods": FixedPeriods, "fixedperiods": FixedPeriods, "fixed-period": FixedPeriods,
    "fixed-period-quantity": FixedPeriods,
    "fpq": FixedPeriods, "poq": FixedPeriods,
    "wagner-whitin": WagnerWhitin, "wagnerwhitin": WagnerWhitin, "ww": WagnerWhitin,
}
_FIRST = {FixedPeriods: "periods", MinMaxMultiple: "min", WagnerWhitin: "setup"}


def _value(text: str):
    """A parameter's value: None for ``none`` or nothing, a number, else the name of an on_hand column."""
    t = text.strip()
    if t.lower() in ("none", ""):
        return None
    try:
        return int(t) if t.lstrip("+-").isdigit() else float(t)
    except ValueError:  # (a column that is not there is an error where the rule is used, as for rule objects)
        return t


def lot_rule(spec) -> LotRule:
    """A :class:`LotRule` from a rule object, ``None`` (lot-for-lot) or a string ``"name[:k=v,...]"``.

    Names: ``lot-for-lot`` (``lfl``), ``min-max-multiple`` (``min-max``), ``fixed-periods`` (``fpq``,
    ``poq``), ``wagner-whitin`` (``ww``), or the class name (``"FixedPeriods"``; any case). A bare value
    after the colon is the rule's first parameter (``"fpq:3"``); the others are given as ``name=value``. A
    value is a number, ``none`` (the default), or else the name of a column of the ``on_hand`` frame; ``nan`` is
    a ValueError naming the parameter, as for a rule object.

    Examples
    --------
    >>> lot_rule("fpq:3")
    FixedPeriods(periods=3)
    >>> lot_rule("mmm:min=lmin,multiple=25")
    MinMaxMultiple(min='lmin', max=None, multiple=25)
    """
    if spec is None:
        return LotForLot()
    if isinstance(spec, LotRule):
        if type(spec) is LotRule:
            raise TypeError("lot must be a concrete rule (LotForLot, MinMaxMultiple, FixedPeriods, "
                            "WagnerWhitin)")
        return spec
    if isinstance(spec, type) and issubclass(spec, LotRule) and spec is not LotRule:
        return spec()
    if not isinstance(spec, str):
        raise TypeError(f"lot must be a lot rule object or a string such as 'lot-for-lot', got "
                        f"{type(spec).__name__}")
    name, _, rest = spec.partition(":")
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    cls = _NAMES.get(key)
    if cls is None:
        raise ValueError(f"unknown lot rule {name!r}; expected one of lot-for-lot, min-max-multiple, "
                         f"fixed-periods, wagner-whitin")
    kwargs = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        if "=" in part:
            k, _, v = part.partition("=")
            k = k.strip().lower()
        else:
            if cls not in _FIRST:
                raise ValueError(f"lot rule {spec!r}: {cls.__name__} takes no parameters")
            k, v = _FIRST[cls], part
        if k not in {f.name for f in fields(cls)}:  # (the parameters; not ClassVars such as code, _expected)
            raise ValueError(f"lot rule {spec!r}: {cls.__name__} has no parameter {k!r}")
        if k in kwargs:  # "ww:30,1" read as setup=1: the second bare value overwrote the first
            raise ValueError(f"lot rule {spec!r}: parameter {k!r} is given twice (a bare value is the "
                             f"{_FIRST.get(cls)!r} parameter; give the others as name=value)")
        kwargs[k] = _value(v)
    try:
        return cls(**kwargs)
    except ValueError as e:  # ("fpq:nan": a NaN read as the default)
        raise ValueError(f"lot rule {spec!r}: {e}") from None

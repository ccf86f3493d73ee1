"""Reference kernels for yarn-inventory arithmetic (DOMAIN.md sections 2-3).

Inputs are float64 arrays of equal length; NaN counts as 0 (the ERP's ``fillna(0)``). Outputs are
preallocated by the caller. The cython and numba engines define the same functions.
"""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel

#: risk codes written by :func:`yarn_risk`, in order of severity
RISK_LEVELS = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
CRITICAL_BELOW = -1000.0
HIGH_BELOW = -100.0
MEDIUM_BELOW = 0.0
#: the rounding allowance of :func:`yarn_risk`: a planning balance ``pb = (t + a) + o`` of float64 quantities is
#: short only below ``-tol``, ``tol = |t| x RESIDUE + |a| x RESIDUE + |o| x RESIDUE``. Why that bounds how far
#: ``pb`` can lie from the exact sum of the decimal numbers the inputs were read from (u = 2**-53, round to
#: nearest): each input is within ``u |x|`` of its decimal, each of the two additions within ``u`` times its
#: rounded result, and those results are at most ``M (1 + u)`` and ``M (1 + u)**2`` with ``M = |t| + |a| + |o|``;
#: so ``|pb - exact| <= u M (3 + 3u + u**2)``. ``tol`` is ``4 u M`` less the rounding of its own two additions
#: (``>= 4 u M (1 - u)**2``), still above that (each term is scaled alone: exact in the normal range, and ``tol``
#: stays finite for any finite inputs). So a balance of exactly 0 in decimal is never short, and one more than
#: ``2 tol`` below 0 always is.
RESIDUE = 4 * 2.0**-53
CONSUMED_WEEKS = 4.3
ALLOCATED_WEEKS = 8.0
DEFAULT_WEEKLY_DEMAND = 10.0


def _z(a: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(a), 0.0, a)


@kernel
@np.errstate(over="ignore", invalid="ignore")
def theoretical_balance(beginning, received, consumed, adjustments, out):
    """``out = beginning + received + consumed + adjustments`` (Consumed is stored <= 0), NaN as 0."""
    np.add(_z(beginning), _z(received), out=out)
    out += _z(consumed)
    out += _z(adjustments)


@kernel
@np.errstate(over="ignore", invalid="ignore")
def planning_balance(theoretical, allocated, on_order, out):
    """``out = theoretical + allocated + on_order`` (Allocated is stored <= 0 and added), NaN as 0."""
    np.add(_z(theoretical), _z(allocated), out=out)
    out += _z(on_order)


@kernel
@np.errstate(over="ignore", invalid="ignore")
def yarn_risk(theoretical, allocated, on_order, consumed, balance, shortage, weekly, weeks, risk):
    """One pass: planning balance, shortage lbs, weekly demand, weeks of supply and risk code per yarn.

    - ``balance = (theoretical + allocated) + on_order``; ``shortage = -balance`` where balance is short, i.e.
      below ``-tol`` with ``tol = |theoretical| x RESIDUE + |allocated| x RESIDUE + |on_order| x RESIDUE`` (the
      rounding allowance, see :data:`RESIDUE`), else 0;
    - ``weekly = |consumed| / 4.3`` if consumed != 0, elif allocated != 0 ``|allocated| / 8``, else 10;
    - ``weeks = theoretical / weekly`` when both > 0, else 0;
    - ``risk``: 0 (LOW) unless short; when short 3 (CRITICAL) balance < -1000, 2 (HIGH) < -100, else 1
      (MEDIUM); -1 where the balance or the weekly demand is not finite (an infinite input, or a sum that
      overflows), so the caller checks one int8 array instead of rescanning the floats. (An infinite input
      makes ``tol`` infinite: such a row is never short here; the caller rejects infinite inputs.)
    """
    t = _z(theoretical)
    a = _z(allocated)
    c = _z(consumed)
    o = _z(on_order)
    np.add(t, a, out=balance)
    balance += o
    tol = np.abs(t) * RESIDUE
    tol += np.abs(a) * RESIDUE
    tol += np.abs(o) * RESIDUE
    neg = balance < -tol
    shortage[...] = np.where(neg, -balance, 0.0)
    weekly[...] = np.where(c != 0.0, np.abs(c) / CONSUMED_WEEKS,
                           np.where(a != 0.0, np.abs(a) / ALLOCATED_WEEKS, DEFAULT_WEEKLY_DEMAND))
    ok = (t > 0.0) & (weekly > 0.0)
    weeks[...] = np.where(ok, t / np.where(ok, weekly, 1.0), 0.0)
    risk[...] = np.select([~(np.isfinite(balance) & np.isfinite(weekly)), neg & (balance < CRITICAL_BELOW),
                           neg & (balance < HIGH_BELOW), neg], [-1, 3, 2, 1], 0)

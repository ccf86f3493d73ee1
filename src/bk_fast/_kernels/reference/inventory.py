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
#: short only below ``-tol``, ``tol = ((|t| x RESIDUE + |a| x RESIDUE) + |o| x RESIDUE) + RESIDUE_FLOOR``. Why that
#: bounds how far ``pb`` can lie from the exact sum of the decimal numbers the inputs were read from (u = 2**-53,
#: e = 2**-1075 half the smallest subnormal, round to nearest): each input is within ``u |x| + e`` of its decimal
#: (``u |x|`` in the normal range, ``e`` among the subnormals, where the spacing is 2 e), each of the two additions
#: within ``u`` times its rounded result (exact when that is subnormal), and those results are at most
#: ``M (1 + u)`` and ``M (1 + u)**2`` with ``M = |t| + |a| + |o|``; so ``|pb - exact| <= u M (3 + 3u + u**2) + 3e``.
#: Each product ``|x| x RESIDUE`` is exact in the normal range (a power of two) and within ``e`` of ``4 u |x|``
#: when it underflows, each of tol's three additions loses at most a factor ``1 - u``: ``tol >= ((4 u M - 3e) (1 -
#: u)**2 + RESIDUE_FLOOR) (1 - u)``, at least ``u M (3 + 3u + u**2) + 3e`` since ``4 u M (1 - u)**3`` covers the
#: first term and ``RESIDUE_FLOOR (1 - u) = 6e (1 - u)`` covers ``3e + 3e (1 - u)**3``. So a balance of exactly 0
#: in decimal is never short, subnormal inputs included, and one more than ``2 tol`` below 0 always is. The bound
#: is of the sum's absolute error, so it holds at every threshold: the risk levels compare ``pb < HIGH_BELOW -
#: tol`` and ``pb < CRITICAL_BELOW - tol``, and a balance of exactly -100 (-1000) in decimal passes neither
#: (``pb >= -100 - tol`` in exact arithmetic, so ``-100 - tol`` rounded to float64, a monotone rounding, is at
#: most ``pb``). ``tol`` stays finite for any finite inputs (each term is scaled alone); the floor changes ``tol``
#: only below about ``2**-1019`` (``M`` below ``2**-968``).
RESIDUE = 4 * 2.0**-53
RESIDUE_FLOOR = 3 * 2.0**-1074
#: the allowance when :func:`yarn_risk` sums the Theoretical Balance itself from its four components (``received``
#: given): ``tol`` is ``|x| x COMPONENT_RESIDUE`` of each of the six inputs ``b, r, c, j, a, o``, added in that
#: order, ``+ COMPONENT_FLOOR``. The planning balance is then five sums of six inputs, within ``u S (1 + 5 (1 +
#: u)**5) + 6e`` of the exact decimal sum (``S`` the sum of the six ``|input|``; the argument above with six
#: conversions and five sums); ``tol >= ((8 u S - 6e) (1 - u)**5 + COMPONENT_FLOOR) (1 - u)`` is above that:
#: ``8 u S (1 - u)**6 >= u S (1 + 5 (1 + u)**5)`` and ``COMPONENT_FLOOR (1 - u) = 12e (1 - u) >= 6e + 6e (1 -
#: u)**5``.
COMPONENT_RESIDUE = 8 * 2.0**-53
COMPONENT_FLOOR = 6 * 2.0**-1074
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
def yarn_risk(theoretical, allocated, on_order, consumed, balance, shortage, weekly, weeks, risk, received=None,
              adjustments=None):
    """One pass: planning balance, shortage lbs, weekly demand, weeks of supply and risk code per yarn.

    - ``t``: ``theoretical`` (NaN as 0), or, with ``received`` and ``adjustments`` given (both or neither),
      the Theoretical Balance summed here from its components as :func:`theoretical_balance` sums it,
      ``theoretical`` then being the Beginning Balance: ``t = ((theoretical + received) + consumed) +
      adjustments``, each NaN as 0 (``inf - inf`` stays NaN: a row whose balance is not finite);
    - ``balance = (t + allocated) + on_order``; ``shortage = -balance`` where balance is short, i.e. below
      ``-tol`` (the rounding allowance: ``tol = ((|t| x RESIDUE + |allocated| x RESIDUE) + |on_order| x RESIDUE)
      + RESIDUE_FLOOR``, see :data:`RESIDUE`; with the components, :data:`COMPONENT_RESIDUE` of each of the six
      inputs plus :data:`COMPONENT_FLOOR`), else 0;
    - ``weekly = |consumed| / 4.3`` if consumed != 0, elif allocated != 0 ``|allocated| / 8``, else 10;
    - ``weeks = t / weekly`` when both > 0, else 0;
    - ``risk``: 0 (LOW) unless short; when short 3 (CRITICAL) balance < -1000 - tol, 2 (HIGH) < -100 - tol (the
      same allowance at each threshold), else 1 (MEDIUM); -1 where the balance or the weekly demand is not
      finite (an infinite input, or a sum that overflows), so the caller checks one int8 array instead of
      rescanning the floats. An infinite input makes ``tol`` infinite, so that row is not short here: the
      caller rejects infinite inputs. A sum of finite inputs that overflows has a finite ``tol``: -inf is short
      by inf.
    """
    if (received is None) != (adjustments is None):
        raise TypeError("yarn_risk: pass received and adjustments both or neither")
    c = _z(consumed)
    a = _z(allocated)
    o = _z(on_order)
    if received is None:
        t = _z(theoretical)
        tol = np.abs(t) * RESIDUE
        tol += np.abs(a) * RESIDUE
        tol += np.abs(o) * RESIDUE
        tol += RESIDUE_FLOOR
    else:
        b, r, j = _z(theoretical), _z(received), _z(adjustments)
        t = b + r
        t += c
        t += j
        tol = np.abs(b) * COMPONENT_RESIDUE
        for x in (r, c, j, a, o):
            tol += np.abs(x) * COMPONENT_RESIDUE
        tol += COMPONENT_FLOOR
    np.add(t, a, out=balance)
    balance += o
    neg = balance < -tol
    shortage[...] = np.where(neg, -balance, 0.0)
    weekly[...] = np.where(c != 0.0, np.abs(c) / CONSUMED_WEEKS,
                           np.where(a != 0.0, np.abs(a) / ALLOCATED_WEEKS, DEFAULT_WEEKLY_DEMAND))
    ok = (t > 0.0) & (weekly > 0.0)
    weeks[...] = np.where(ok, t / np.where(ok, weekly, 1.0), 0.0)
    risk[...] = np.select([~(np.isfinite(balance) & np.isfinite(weekly)), neg & (balance < CRITICAL_BELOW - tol),
                           neg & (balance < HIGH_BELOW - tol), neg], [-1, 3, 2, 1], 0)

"""Numba engine for yarn-inventory arithmetic; same names and semantics as ``reference.inventory``."""

from __future__ import annotations

from bk_fast._kernels._numba import jit
from bk_fast._kernels.reference.inventory import (COMPONENT_FLOOR, COMPONENT_RESIDUE, CRITICAL_BELOW, HIGH_BELOW,
                                                  RESIDUE, RESIDUE_FLOOR)


@jit(inline="always")
def _z(x):
    return 0.0 if x != x else x


@jit
def theoretical_balance(beginning, received, consumed, adjustments, out):
    for i in range(out.shape[0]):
        out[i] = _z(beginning[i]) + _z(received[i]) + _z(consumed[i]) + _z(adjustments[i])


@jit
def planning_balance(theoretical, allocated, on_order, out):
    for i in range(out.shape[0]):
        out[i] = _z(theoretical[i]) + _z(allocated[i]) + _z(on_order[i])


@jit(error_model="numpy")  # (t / w: IEEE division, as in yarn_risk)
def _risk_row(i, t, a, o, c, tol, balance, shortage, weekly, weeks, risk):
    """Row ``i`` of yarn_risk from its (NaN-free) inputs, ``t`` the Theoretical Balance, ``tol`` its allowance."""
    pb = t + a + o
    short = pb < -tol
    balance[i] = pb
    shortage[i] = -pb if short else 0.0
    wc = abs(c) / 4.3
    wa = abs(a) / 8.0
    w = wa if a != 0.0 else 10.0
    w = wc if c != 0.0 else w
    weekly[i] = w
    weeks[i] = (t / w) if (t > 0.0) & (w > 0.0) else 0.0
    # each threshold less the same allowance: a balance of exactly -100 in decimal is not HIGH
    code = short + (short & (pb < HIGH_BELOW - tol)) + (short & (pb < CRITICAL_BELOW - tol))
    risk[i] = code if (pb - pb) + (w - w) == 0.0 else -1  # -1: balance or weekly not finite


@jit(error_model="numpy")  # t / w: IEEE division (selected away when w == 0), no ZeroDivisionError branch
def yarn_risk(theoretical, allocated, on_order, consumed, balance, shortage, weekly, weeks, risk, received=None,
              adjustments=None):
    # written without data-dependent branches (see the cython engine): selects compile to blends; received is None
    # or an array is known when numba compiles, so each form compiles to its own loop
    if received is None:
        for i in range(balance.shape[0]):
            t = _z(theoretical[i])
            a = _z(allocated[i])
            o = _z(on_order[i])
            tol = abs(t) * RESIDUE + abs(a) * RESIDUE + abs(o) * RESIDUE + RESIDUE_FLOOR  # reference.RESIDUE
            _risk_row(i, t, a, o, _z(consumed[i]), tol, balance, shortage, weekly, weeks, risk)
    else:  # the Theoretical Balance summed here from its components (theoretical: the Beginning Balance)
        for i in range(balance.shape[0]):
            b = _z(theoretical[i])
            r = _z(received[i])
            c = _z(consumed[i])
            j = _z(adjustments[i])
            a = _z(allocated[i])
            o = _z(on_order[i])
            tol = (abs(b) * COMPONENT_RESIDUE + abs(r) * COMPONENT_RESIDUE + abs(c) * COMPONENT_RESIDUE
                   + abs(j) * COMPONENT_RESIDUE + abs(a) * COMPONENT_RESIDUE + abs(o) * COMPONENT_RESIDUE
                   + COMPONENT_FLOOR)
            _risk_row(i, b + r + c + j, a, o, c, tol, balance, shortage, weekly, weeks, risk)

"""Numba engine for yarn-inventory arithmetic; same names and semantics as ``reference.inventory``."""

from __future__ import annotations

from bk_fast._kernels._numba import jit
from bk_fast._kernels.reference.inventory import RESIDUE


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


@jit(error_model="numpy")  # t / w: IEEE division (selected away when w == 0), no ZeroDivisionError branch
def yarn_risk(theoretical, allocated, on_order, consumed, balance, shortage, weekly, weeks, risk):
    # written without data-dependent branches (see the cython engine): selects compile to blends
    for i in range(balance.shape[0]):
        t = _z(theoretical[i])
        a = _z(allocated[i])
        c = _z(consumed[i])
        o = _z(on_order[i])
        pb = t + a + o
        tol = abs(t) * RESIDUE + abs(a) * RESIDUE + abs(o) * RESIDUE  # rounding allowance (reference.RESIDUE)
        short = pb < -tol
        balance[i] = pb
        shortage[i] = -pb if short else 0.0
        wc = abs(c) / 4.3
        wa = abs(a) / 8.0
        w = wa if a != 0.0 else 10.0
        w = wc if c != 0.0 else w
        weekly[i] = w
        weeks[i] = (t / w) if (t > 0.0) & (w > 0.0) else 0.0
        code = short + (short & (pb < -100.0)) + (short & (pb < -1000.0))
        risk[i] = code if (pb - pb) + (w - w) == 0.0 else -1  # -1: balance or weekly not finite

"""Numba engine for yarn-inventory arithmetic; same names and semantics as ``reference.inventory``."""

from __future__ import annotations

import numba

from bk_fast._kernels._numba import jit


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


@jit(parallel=True)
def yarn_risk(theoretical, allocated, on_order, consumed, balance, shortage, weekly, weeks, risk):
    for i in numba.prange(balance.shape[0]):
        t = _z(theoretical[i])
        a = _z(allocated[i])
        c = _z(consumed[i])
        pb = t + a + _z(on_order[i])
        balance[i] = pb
        shortage[i] = -pb if pb < 0.0 else 0.0
        if c != 0.0:
            w = abs(c) / 4.3
        elif a != 0.0:
            w = abs(a) / 8.0
        else:
            w = 10.0
        weekly[i] = w
        weeks[i] = t / w if (t > 0.0 and w > 0.0) else 0.0
        if pb < -1000.0:
            risk[i] = 3
        elif pb < -100.0:
            risk[i] = 2
        elif pb < 0.0:
            risk[i] = 1
        else:
            risk[i] = 0

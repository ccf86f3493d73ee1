"""Numba engine for the Phase-3 drop-in kernels; same semantics as ``reference.compat``."""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit


@jit
def counting_sort(codes, n_keys, dest, perm):
    pos = np.zeros(n_keys + 1, dtype=np.int64)
    n = codes.shape[0]
    for i in range(n):
        pos[codes[i] + 1] += 1
    for k in range(n_keys):
        pos[k + 1] += pos[k]
    for i in range(n):
        c = codes[i]
        j = pos[c]
        pos[c] = j + 1
        dest[i] = j
        perm[j] = i


@jit
def allocation_running(required, codes, n_groups, avail_by_code, avail_out, cum, can, alloc):
    acc = np.zeros(n_groups, dtype=np.float64)
    comp = np.zeros(n_groups, dtype=np.float64)
    for i in range(required.shape[0]):
        g = codes[i]
        r = required[i]
        a = avail_by_code[g] if g >= 0 else np.nan
        avail_out[i] = a
        if g < 0 or r != r:
            c = np.nan
        else:
            # Kahan compensation, operation for operation as pandas' groupby cumsum
            y = r - comp[g]
            c = acc[g] + y
            comp[g] = (c - acc[g]) - y
            acc[g] = c
        cum[i] = c
        ok = c <= a
        can[i] = ok
        if ok:
            alloc[i] = r
        else:
            rest = a - (c - r)
            if rest != rest:
                alloc[i] = np.nan
            elif rest < 0.0:
                alloc[i] = 0.0
            else:
                alloc[i] = rest


@jit
def capacity_running(hours, codes, n_groups, avail_by_code, avail_out, cum, ok):
    acc = np.zeros(n_groups, dtype=np.float64)
    comp = np.zeros(n_groups, dtype=np.float64)
    for i in range(hours.shape[0]):
        g = codes[i]
        h = hours[i]
        a = avail_by_code[g] if g >= 0 else np.nan
        avail_out[i] = a
        if g < 0 or h != h:
            c = np.nan
        else:
            y = h - comp[g]
            c = acc[g] + y
            comp[g] = (c - acc[g]) - y
            acc[g] = c
        cum[i] = c
        ok[i] = c <= a


@jit
def planning_balance_flags(theoretical, allocated, on_order, out):
    flags = 0
    for i in range(out.shape[0]):
        t = theoretical[i]
        a = allocated[i]
        o = on_order[i]
        if t != t:
            t = 0.0
            flags |= 1
        if a != a:
            a = 0.0
            flags |= 2
        if o != o:
            o = 0.0
            flags |= 4
        out[i] = (t + a) + o
    return flags


@jit
def shortage_rows(balance, threshold, rows, amount):
    k = 0
    for i in range(balance.shape[0]):
        b = balance[i]
        t = threshold[i]
        if b < t:
            rows[k] = i
            amount[k] = t - b
            k += 1
    return k

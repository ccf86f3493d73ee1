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


@jit
def _hash_bytes(data, start, stop):
    h = np.uint64(1469598103934665603)
    prime = np.uint64(1099511628211)
    for k in range(start, stop):
        h = (h ^ np.uint64(data[k])) * prime
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@jit
def _same_bytes(data, a, b, length):
    for k in range(length):
        if data[a + k] != data[b + k]:
            return False
    return True


@jit
def hash_factorize(offsets, data, nulls, codes, first_rows):
    n = codes.shape[0]
    has_nulls = nulls.shape[0] > 0
    cap = 1024
    slots = np.zeros(cap, dtype=np.int64)  # code + 1, 0 = empty
    hashes = np.empty(1024, dtype=np.uint64)
    n_groups = 0
    for i in range(n):
        if has_nulls and nulls[i]:
            codes[i] = -1
            continue
        start = offsets[i]
        length = offsets[i + 1] - start
        h = _hash_bytes(data, start, start + length)
        j = np.int64(h & np.uint64(cap - 1))
        while True:
            s = slots[j]
            if s == 0:
                if n_groups == hashes.shape[0]:
                    grown = np.empty(2 * n_groups, dtype=np.uint64)
                    grown[:n_groups] = hashes
                    hashes = grown
                hashes[n_groups] = h
                first_rows[n_groups] = i
                slots[j] = n_groups + 1
                codes[i] = n_groups
                n_groups += 1
                if 2 * n_groups > cap:
                    cap *= 2
                    slots = np.zeros(cap, dtype=np.int64)
                    for c in range(n_groups):
                        jj = np.int64(hashes[c] & np.uint64(cap - 1))
                        while slots[jj] != 0:
                            jj = (jj + 1) & (cap - 1)
                        slots[jj] = c + 1
                break
            c = s - 1
            if hashes[c] == h:
                r = first_rows[c]
                rs = offsets[r]
                if offsets[r + 1] - rs == length and _same_bytes(data, rs, start, length):
                    codes[i] = c
                    break
            j = (j + 1) & (cap - 1)
    return n_groups

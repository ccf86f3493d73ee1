"""Numba engine for priority allocation against time-phased supply; same semantics as ``reference.allocation``.

The algorithm (documented in ``reference.allocation``): orders are bucketed by item (counting sort) and
sorted within each item by (priority, due, tiebreak, row) with a merge sort; each item keeps its free
cumulative supply ``F`` as a dense array and every take subtracts from the suffix it affects, element by
element, so the three engines produce bit-identical results.
"""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit


@jit(inline="always")
def _before(i, j, priority, due, tiebreak):
    if priority[i] != priority[j]:
        return priority[i] < priority[j]
    if due[i] != due[j]:
        return due[i] < due[j]
    if tiebreak[i] != tiebreak[j]:
        return tiebreak[i] < tiebreak[j]
    return i < j


@jit
def _sort_segment(seq, tmp, lo, hi, priority, due, tiebreak):
    # insertion sort runs of 16, then bottom-up merges (ping-pong between seq and tmp)
    run = 16
    start = lo
    while start < hi:
        stop = min(start + run, hi)
        for p in range(start + 1, stop):
            v = seq[p]
            q = p - 1
            while q >= start and _before(v, seq[q], priority, due, tiebreak):
                seq[q + 1] = seq[q]
                q -= 1
            seq[q + 1] = v
        start = stop
    width = run
    src = seq
    dst = tmp
    swapped = False
    while width < hi - lo:
        left = lo
        while left < hi:
            mid = min(left + width, hi)
            right = min(left + 2 * width, hi)
            a = left
            b = mid
            out = left
            while a < mid and b < right:
                if _before(src[b], src[a], priority, due, tiebreak):
                    dst[out] = src[b]
                    b += 1
                else:
                    dst[out] = src[a]
                    a += 1
                out += 1
            while a < mid:
                dst[out] = src[a]
                a += 1
                out += 1
            while b < right:
                dst[out] = src[b]
                b += 1
                out += 1
            left = right
        src, dst = dst, src
        swapped = not swapped
        width *= 2
    if swapped:
        for p in range(lo, hi):
            seq[p] = tmp[p]


@jit(inline="always")
def _last_at_or_before(times, a, b, x):
    # number of periods in times[a:b] that are <= x, minus one (-1: none)
    lo = a
    hi = b
    while lo < hi:
        mid = (lo + hi) >> 1
        if times[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - a - 1


@jit
def allocate_orders(item_ptr, times, cum, order_item, priority, due, tiebreak, qty, partial, min_ship,
                    max_late, free, short, del_order, del_period, del_qty):
    n_items = item_ptr.shape[0] - 1
    n = order_item.shape[0]
    for j in range(free.shape[0]):
        free[j] = cum[j]
    # counting sort of the orders by item (stable), then each item's orders by priority
    start = np.zeros(n_items + 1, dtype=np.int64)
    for o in range(n):
        start[order_item[o] + 1] += 1
    for i in range(n_items):
        start[i + 1] += start[i]
    fill = start[:n_items].copy()
    seq = np.empty(n, dtype=np.int64)
    for o in range(n):
        it = order_item[o]
        seq[fill[it]] = o
        fill[it] += 1
    tmp = np.empty(n, dtype=np.int64)
    for i in range(n_items):
        if start[i + 1] - start[i] > 1:
            _sort_segment(seq, tmp, start[i], start[i + 1], priority, due, tiebreak)
    nd = 0
    for i in range(n_items):
        a = item_ptr[i]
        b = item_ptr[i + 1]
        p = b - a
        for idx in range(start[i], start[i + 1]):
            o = seq[idx]
            q = qty[o]
            r = q
            if p == 0 or not q > 0.0:
                short[o] = r
                continue
            s = min_ship if partial else q
            d = due[o]
            k = _last_at_or_before(times, a, b, d)
            last = _last_at_or_before(times, a, b, d + max_late)
            m = k if k > 0 else 0
            while r > 0.0 and m <= last:
                if s > 0.0 and r < s:
                    break
                # smallest m2 >= m whose suffix minimum of free supply meets the threshold
                run = np.inf
                m2 = p
                for j in range(p - 1, m - 1, -1):
                    v = free[a + j]
                    if run < v:
                        v = run
                    if s > 0.0:
                        ok = v >= s
                    else:
                        ok = v > 0.0
                    if not ok:
                        break
                    run = v
                    m2 = j
                if m2 > last:
                    break
                x = r if r <= run else run
                for j in range(a + m2, b):
                    free[j] -= x
                del_order[nd] = o
                del_period[nd] = a + m2
                del_qty[nd] = x
                nd += 1
                if x == r:
                    r = 0.0
                else:
                    r = r - x
                m = m2 + 1
            short[o] = r
    return nd


@jit
def allocate_kit_orders(item_ptr, times, cum, seq, qty, due, req_ptr, req_item, req_frac, all_or_nothing,
                        free, knit, limiting, taken, avail):
    for j in range(free.shape[0]):
        free[j] = cum[j]
    n_req = req_item.shape[0]
    first = np.zeros(n_req, dtype=np.int64)
    for idx in range(seq.shape[0]):
        o = seq[idx]
        q = qty[o]
        best = q
        lim = -1
        for line in range(req_ptr[o], req_ptr[o + 1]):
            it = req_item[line]
            g = 0.0
            k = -1
            if it >= 0:
                a = item_ptr[it]
                b = item_ptr[it + 1]
                if b > a:
                    d = due[o]
                    if d != d:
                        k = 0
                    else:
                        k = _last_at_or_before(times, a, b, d)
                    if k >= 0:
                        g = np.inf
                        for j in range(a + k, b):
                            if free[j] < g:
                                g = free[j]
                        if g < 0.0:
                            g = 0.0
                        k = a + k
            avail[line] = g
            first[line] = k
            cov = g / req_frac[line]
            if cov < best:
                best = cov
                lim = line
        if not best > 0.0:
            best = 0.0
        if all_or_nothing and best < q:
            best = 0.0
        knit[o] = best
        limiting[o] = lim
        for line in range(req_ptr[o], req_ptr[o + 1]):
            x = 0.0
            if best > 0.0:
                x = req_frac[line] * best
                if x > avail[line]:
                    x = avail[line]
                if x > 0.0:
                    b = item_ptr[req_item[line] + 1]
                    for j in range(first[line], b):
                        free[j] -= x
            taken[line] = x

"""Numba engine for machine scheduling; same names and semantics as ``reference.scheduling``."""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit


@jit(error_model="numpy")  # no zero-division check in the inner loop (speeds are validated > 0)
def list_schedule(order, job_group, work, release, job_style, group_ptr, group_mach, speed, setup,
                  avail, last_style, load, out_machine, out_start, out_end, out_setup):
    # Two passes per job: the earliest end (a branch-free min), then, among the machines that reach it, the
    # lower load, then the lower machine code: the same choice as the reference's lexicographic comparison,
    # with one hard-to-predict branch per job instead of one per machine. Indices are cast to uint64 so numba
    # skips its negative-index wraparound branch (the Python layer validated them all).
    widest = 0
    for g in range(group_ptr.shape[0] - 1):
        widest = max(widest, group_ptr[g + 1] - group_ptr[g])
    ends = np.empty(widest, dtype=np.float64)
    for i in range(order.shape[0]):
        j = np.uint64(order[i])
        g = job_group[j]
        if g < 0:
            out_machine[j] = -1
            continue
        gu = np.uint64(g)
        r = release[j]
        s = job_style[j]
        w = work[j]
        lo = np.uint64(group_ptr[gu])
        hi = np.uint64(group_ptr[gu + np.uint64(1)])
        min_end = np.inf
        for k in range(lo, hi):
            m = np.uint64(group_mach[k])
            t = max(avail[m], r)
            ls = last_style[m]
            su = setup[m] if (ls >= 0) & (ls != s) else 0.0
            e = t + su + w / speed[m]
            ends[k - lo] = e
            min_end = min(min_end, e)
        best = np.uint64(0xFFFFFFFFFFFFFFFF)
        best_load = np.inf
        found = False
        for k in range(lo, hi):
            if ends[k - lo] == min_end:
                m = np.uint64(group_mach[k])
                ld = load[m]
                if (not found) | (ld < best_load) | ((ld == best_load) & (m < best)):
                    found = True
                    best = m
                    best_load = ld
        t = max(avail[best], r)
        ls = last_style[best]
        su = setup[best] if (ls >= 0) & (ls != s) else 0.0
        avail[best] = min_end
        last_style[best] = s
        load[best] = best_load + (su + w / speed[best])
        out_machine[j] = np.int64(best)
        out_start[j] = t
        out_end[j] = min_end
        out_setup[j] = su


@jit
def _before(key_p, a, b):
    # strict heap order: a sits above b when it is longer, or as long and later in due order
    return key_p[a] > key_p[b] or (key_p[a] == key_p[b] and a > b)


@jit
def moore_hodgson(order, processing, due, on_time):
    n = order.shape[0]
    key_p = np.empty(n, dtype=np.float64)
    dl = np.empty(n, dtype=np.float64)
    for pos in range(n):
        key_p[pos] = processing[order[pos]]
        dl[pos] = due[order[pos]]
    heap = np.empty(n, dtype=np.int64)
    late = np.zeros(n, dtype=np.uint8)
    size = 0
    total = 0.0
    n_late = 0
    for pos in range(n):
        i = size
        heap[i] = pos
        size += 1
        while i > 0:
            parent = (i - 1) >> 1
            if _before(key_p, heap[i], heap[parent]):
                tmp = heap[parent]
                heap[parent] = heap[i]
                heap[i] = tmp
                i = parent
            else:
                break
        total = total + key_p[pos]
        if total > dl[pos]:
            top = heap[0]
            size -= 1
            heap[0] = heap[size]
            i = 0
            while True:
                left = 2 * i + 1
                if left >= size:
                    break
                c = left
                if left + 1 < size and _before(key_p, heap[left + 1], heap[left]):
                    c = left + 1
                if _before(key_p, heap[c], heap[i]):
                    tmp = heap[c]
                    heap[c] = heap[i]
                    heap[i] = tmp
                    i = c
                else:
                    break
            total = total - key_p[top]
            late[top] = 1
            n_late += 1
    for pos in range(n):
        on_time[order[pos]] = 1 - late[pos]
    return n_late

"""Numba engine for machine scheduling; same names and semantics as ``reference.scheduling``."""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit


@jit
def _group_kinds(group_ptr, group_mach, speed):
    # 1 when the group's machines are consecutive codes with one speed (the contiguous path), else 0
    n_groups = group_ptr.shape[0] - 1
    kind = np.zeros(max(n_groups, 0), dtype=np.uint8)
    for g in range(n_groups):
        lo = group_ptr[g]
        hi = group_ptr[g + 1]
        ok = hi > lo
        k = lo + 1
        while ok and k < hi:
            ok = group_mach[k] == group_mach[lo] + (k - lo) and speed[group_mach[k]] == speed[group_mach[lo]]
            k += 1
        kind[g] = 1 if ok else 0
    return kind


@jit(error_model="numpy")  # no zero-division check in the inner loop (speeds are validated > 0)
def list_schedule(order, job_group, work, release, job_style, group_ptr, group_mach, speed, setup,
                  avail, last_style, load, out_machine, out_start, out_end, out_setup):
    # Groups of consecutive machine codes with one speed (work centers as bk_fast.schedule numbers them) take
    # the contiguous path: plain runs of state, one division per job. Other groups (eligible lists, mixed
    # speeds) take the general path: the earliest end (a branch-free min), then among the machines that reach
    # it the lower load, then the lower machine code. t = release when it is later than avail, else avail:
    # the reference's choice (it matters for -0.0). Indices the Python layer validated are used unchecked.
    kind = _group_kinds(group_ptr, group_mach, speed)
    widest = 0
    for g in range(group_ptr.shape[0] - 1):
        widest = max(widest, group_ptr[g + 1] - group_ptr[g])
    ends = np.empty(max(widest, 1), dtype=np.float64)
    zero, one, two, three, four = np.uint64(0), np.uint64(1), np.uint64(2), np.uint64(3), np.uint64(4)
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
        if kind[gu]:
            # contiguous path (one speed: d divided once); uint64 positions skip numba's wraparound checks
            base = np.uint64(group_mach[lo])
            cnt = hi - lo
            d = w / speed[base]
            m0 = np.inf
            m1 = np.inf
            m2 = np.inf
            m3 = np.inf
            k = zero
            while k + four <= cnt:  # four running minima: the compares do not wait on each other
                for q in range(4):
                    kq = k + np.uint64(q)
                    a = avail[base + kq]
                    t = r if r > a else a
                    ls = last_style[base + kq]
                    su = setup[base + kq] if (ls >= 0) & (ls != s) else 0.0
                    ends[kq] = t + su + d
                m0 = min(ends[k], m0)
                m1 = min(ends[k + one], m1)
                m2 = min(ends[k + two], m2)
                m3 = min(ends[k + three], m3)
                k += four
            while k < cnt:
                a = avail[base + k]
                t = r if r > a else a
                ls = last_style[base + k]
                su = setup[base + k] if (ls >= 0) & (ls != s) else 0.0
                e = t + su + d
                ends[k] = e
                m0 = min(e, m0)
                k += one
            min_end = min(min(m0, m1), min(m2, m3))
            # among the machines reaching min_end: the lowest load, then the first (= lowest code). Ties are
            # rare once machines are busy: one branch-free pass finds the first and counts them, and the
            # loads are read only when there are several.
            arg = zero
            n_min = 0
            k = cnt
            while k > zero:
                k -= one
                eq = ends[k] == min_end
                arg = k if eq else arg
                n_min += eq
            if n_min > 1:
                bl = load[base + arg]
                k = arg + one
                while k < cnt:
                    if ends[k] == min_end and load[base + k] < bl:
                        bl = load[base + k]
                        arg = k
                    k += one
            best = base + arg  # no minimum at all (NaN input): the first machine
            e = ends[arg]
        else:
            min_end = np.inf
            for k in range(lo, hi):
                m = np.uint64(group_mach[k])
                a = avail[m]
                t = r if r > a else a
                ls = last_style[m]
                su = setup[m] if (ls >= 0) & (ls != s) else 0.0
                e = t + su + w / speed[m]
                ends[k - lo] = e
                min_end = min(min_end, e)
            best = np.uint64(group_mach[lo])
            best_load = 0.0
            e = ends[0]
            found = False
            for k in range(lo, hi):
                if ends[k - lo] == min_end:
                    m = np.uint64(group_mach[k])
                    ld = load[m]
                    if (not found) | (ld < best_load) | ((ld == best_load) & (m < best)):
                        found = True
                        best = m
                        best_load = ld
                        e = ends[k - lo]
            d = w / speed[best]
        a = avail[best]
        t = r if r > a else a
        ls = last_style[best]
        su = setup[best] if (ls >= 0) & (ls != s) else 0.0
        avail[best] = e
        last_style[best] = s
        load[best] = load[best] + (su + d)
        out_machine[j] = np.int64(best)
        out_start[j] = t
        out_end[j] = e
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

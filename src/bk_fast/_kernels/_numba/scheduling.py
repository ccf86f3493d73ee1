"""Numba engine for machine scheduling; same names and semantics as ``reference.scheduling``."""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit


@jit(error_model="numpy")  # no zero-division check in the inner loop (speeds are validated > 0)
def list_schedule(order, job_group, work, release, job_style, group_ptr, group_mach, speed, setup,
                  avail, last_style, load, out_machine, out_start, out_end, out_setup):
    # indices are cast to uint64: numba then skips its negative-index wraparound branch on every access
    # (the Python layer validated them all)
    for i in range(order.shape[0]):
        j = np.uint64(order[i])
        g = job_group[j]
        if g < 0:
            out_machine[j] = -1
            continue
        gu = np.uint64(g)
        best = np.uint64(0)
        found = False
        best_end = 0.0
        best_load = 0.0
        best_t = 0.0
        best_su = 0.0
        r = release[j]
        s = job_style[j]
        w = work[j]
        for k in range(np.uint64(group_ptr[gu]), np.uint64(group_ptr[gu + np.uint64(1)])):
            m = np.uint64(group_mach[k])
            t = avail[m]
            if r > t:
                t = r
            su = 0.0
            ls = last_style[m]
            if ls >= 0 and ls != s:
                su = setup[m]
            end = t + su + w / speed[m]
            ld = load[m]
            if (not found) or end < best_end or (end == best_end and (ld < best_load or (ld == best_load
                                                                                       and m < best))):
                found = True
                best = m
                best_end = end
                best_load = ld
                best_t = t
                best_su = su
        avail[best] = best_end
        last_style[best] = s
        load[best] = best_load + (best_su + w / speed[best])
        out_machine[j] = np.int64(best)
        out_start[j] = best_t
        out_end[j] = best_end
        out_setup[j] = best_su


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

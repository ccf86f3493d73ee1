# cython: language_level=3
"""Cython engine for machine scheduling; same names and semantics as ``reference.scheduling``.

Every index the kernels follow (job order, groups, machine codes) was validated by ``bk_fast.scheduling``
before the call: bounds checks are off.
"""

import numpy as np
from libc.math cimport INFINITY
from libc.stdint cimport int64_t, uint8_t


def list_schedule(const int64_t[::1] order, const int64_t[::1] job_group, const double[::1] work,
                  const double[::1] release, const int64_t[::1] job_style, const int64_t[::1] group_ptr,
                  const int64_t[::1] group_mach, const double[::1] speed, const double[::1] setup,
                  double[::1] avail, int64_t[::1] last_style, double[::1] load, int64_t[::1] out_machine,
                  double[::1] out_start, double[::1] out_end, double[::1] out_setup):
    # Two passes per job: the earliest end (a branch-free min), then, among the machines that reach it, the
    # lower load, then the lower machine code: the same choice as the reference's lexicographic comparison,
    # with one hard-to-predict branch per job instead of one per machine.
    cdef Py_ssize_t i, k, lo, hi, n = order.shape[0], widest = 0
    cdef int64_t j, g, m, best, s, ls
    cdef double best_load, min_end, r, w, t, su, e, ld
    cdef bint found
    for k in range(group_ptr.shape[0] - 1):
        if group_ptr[k + 1] - group_ptr[k] > widest:
            widest = group_ptr[k + 1] - group_ptr[k]
    cdef double[::1] ends = np.empty(max(widest, 1), dtype=np.float64)
    with nogil:
        for i in range(n):
            j = order[i]
            g = job_group[j]
            if g < 0:
                out_machine[j] = -1
                continue
            r = release[j]
            s = job_style[j]
            w = work[j]
            lo = group_ptr[g]
            hi = group_ptr[g + 1]
            min_end = INFINITY
            for k in range(lo, hi):
                m = group_mach[k]
                t = avail[m] if avail[m] > r else r
                ls = last_style[m]
                su = setup[m] if (ls >= 0) & (ls != s) else 0.0
                e = t + su + w / speed[m]
                ends[k - lo] = e
                min_end = e if e < min_end else min_end
            best = -1
            best_load = INFINITY
            found = False
            for k in range(lo, hi):
                if ends[k - lo] == min_end:
                    m = group_mach[k]
                    ld = load[m]
                    if (not found) or ld < best_load or (ld == best_load and m < best):
                        found = True
                        best = m
                        best_load = ld
            t = avail[best] if avail[best] > r else r
            ls = last_style[best]
            su = setup[best] if (ls >= 0) & (ls != s) else 0.0
            avail[best] = min_end
            last_style[best] = s
            load[best] = best_load + (su + w / speed[best])
            out_machine[j] = best
            out_start[j] = t
            out_end[j] = min_end
            out_setup[j] = su


cdef inline bint _before(const double* key_p, int64_t a, int64_t b) noexcept nogil:
    # strict heap order: a sits above b when it is longer, or as long and later in due order
    return key_p[a] > key_p[b] or (key_p[a] == key_p[b] and a > b)


def moore_hodgson(const int64_t[::1] order, const double[::1] processing, const double[::1] due,
                  uint8_t[::1] on_time):
    cdef Py_ssize_t n = order.shape[0]
    cdef double[::1] key_p = np.empty(n, dtype=np.float64)
    cdef double[::1] dl = np.empty(n, dtype=np.float64)
    cdef int64_t[::1] heap = np.empty(max(n, 1), dtype=np.int64)
    cdef uint8_t[::1] late = np.zeros(max(n, 1), dtype=np.uint8)
    cdef Py_ssize_t pos, i, parent, left, c, size = 0
    cdef int64_t tmp, top
    cdef double total = 0.0
    cdef Py_ssize_t n_late = 0
    cdef const double* kp
    if n == 0:
        return 0
    kp = &key_p[0]
    with nogil:
        for pos in range(n):
            key_p[pos] = processing[order[pos]]
            dl[pos] = due[order[pos]]
        for pos in range(n):
            i = size
            heap[i] = pos
            size += 1
            while i > 0:
                parent = (i - 1) >> 1
                if _before(kp, heap[i], heap[parent]):
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
                    if left + 1 < size and _before(kp, heap[left + 1], heap[left]):
                        c = left + 1
                    if _before(kp, heap[c], heap[i]):
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

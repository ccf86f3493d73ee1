# cython: language_level=3
"""Cython engine for priority allocation against time-phased supply; same semantics as
``reference.allocation`` (bit-identical results: the same floating-point operations in the same order)."""

import numpy as np
from libc.math cimport INFINITY
from libc.stdint cimport int64_t


cdef inline bint _before(int64_t i, int64_t j, const double[::1] priority, const double[::1] due,
                         const int64_t[::1] tiebreak) noexcept nogil:
    if priority[i] != priority[j]:
        return priority[i] < priority[j]
    if due[i] != due[j]:
        return due[i] < due[j]
    if tiebreak[i] != tiebreak[j]:
        return tiebreak[i] < tiebreak[j]
    return i < j


cdef void _sort_segment(int64_t[::1] seq, int64_t[::1] tmp, Py_ssize_t lo, Py_ssize_t hi,
                        const double[::1] priority, const double[::1] due,
                        const int64_t[::1] tiebreak) noexcept nogil:
    cdef Py_ssize_t run = 16, start = lo, stop, p, q, width, left, mid, right, a, b, out
    cdef int64_t v
    cdef int64_t[::1] src = seq
    cdef int64_t[::1] dst = tmp
    cdef int64_t[::1] swap
    cdef bint swapped = False
    while start < hi:
        stop = start + run if start + run < hi else hi
        for p in range(start + 1, stop):
            v = seq[p]
            q = p - 1
            while q >= start and _before(v, seq[q], priority, due, tiebreak):
                seq[q + 1] = seq[q]
                q -= 1
            seq[q + 1] = v
        start = stop
    width = run
    while width < hi - lo:
        left = lo
        while left < hi:
            mid = left + width if left + width < hi else hi
            right = left + 2 * width if left + 2 * width < hi else hi
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
        swap = src
        src = dst
        dst = swap
        swapped = not swapped
        width *= 2
    if swapped:
        for p in range(lo, hi):
            seq[p] = tmp[p]


cdef inline Py_ssize_t _last_at_or_before(const double[::1] times, Py_ssize_t a, Py_ssize_t b,
                                          double x) noexcept nogil:
    cdef Py_ssize_t lo = a, hi = b, mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if times[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - a - 1


def allocate_orders(const int64_t[::1] item_ptr, const double[::1] times, const double[::1] cum,
                    const int64_t[::1] order_item, const double[::1] priority, const double[::1] due,
                    const int64_t[::1] tiebreak, const double[::1] qty, bint partial, double min_ship,
                    double max_late, double[::1] free, double[::1] short, int64_t[::1] del_order,
                    int64_t[::1] del_period, double[::1] del_qty):
    cdef Py_ssize_t n_items = item_ptr.shape[0] - 1, n = order_item.shape[0]
    cdef Py_ssize_t i, j, o, idx, a, b, p, k, last, m, m2, nd = 0
    cdef int64_t it
    cdef double q, r, s, d, run, v, x
    cdef bint ok
    cdef int64_t[::1] start = np.zeros(n_items + 1, dtype=np.int64)
    cdef int64_t[::1] fill = np.zeros(n_items + 1, dtype=np.int64)
    cdef int64_t[::1] seq = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] tmp = np.empty(n, dtype=np.int64)
    with nogil:
        for j in range(free.shape[0]):
            free[j] = cum[j]
        for o in range(n):
            start[order_item[o] + 1] += 1
        for i in range(n_items):
            start[i + 1] += start[i]
        for i in range(n_items):
            fill[i] = start[i]
        for o in range(n):
            it = order_item[o]
            seq[fill[it]] = o
            fill[it] += 1
        for i in range(n_items):
            if start[i + 1] - start[i] > 1:
                _sort_segment(seq, tmp, start[i], start[i + 1], priority, due, tiebreak)
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
                    run = INFINITY
                    m2 = p
                    j = p - 1
                    while j >= m:
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
                        j -= 1
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


def allocate_kit_orders(const int64_t[::1] item_ptr, const double[::1] times, const double[::1] cum,
                        const int64_t[::1] seq, const double[::1] qty, const double[::1] due,
                        const int64_t[::1] req_ptr, const int64_t[::1] req_item, const double[::1] req_frac,
                        bint all_or_nothing, double[::1] free, double[::1] knit, int64_t[::1] limiting,
                        double[::1] taken, double[::1] avail):
    cdef Py_ssize_t n_req = req_item.shape[0], idx, o, line, j, a, b, k
    cdef int64_t it, lim
    cdef double q, best, g, d, cov, x
    cdef int64_t[::1] first = np.full(n_req, -1, dtype=np.int64)
    with nogil:
        for j in range(free.shape[0]):
            free[j] = cum[j]
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
                            g = INFINITY
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

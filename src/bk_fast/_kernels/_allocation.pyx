# cython: language_level=3
"""Cython engine for priority allocation against time-phased supply; same semantics as
``reference.allocation`` (bit-identical results: the same floating-point operations in the same order)."""

import numpy as np
from libc.math cimport INFINITY
from libc.stdint cimport int64_t


cdef inline int _bits(int64_t x) noexcept nogil:
    cdef int b = 0
    while b < 63 and ((<int64_t>1) << b) <= x:
        b += 1
    return b


cdef int64_t* _service_order(const int64_t[::1] order_item, const int64_t[::1] rank, Py_ssize_t n_items,
                             int64_t[::1] start, int64_t* key, int64_t* key2, int64_t* idx,
                             int64_t* idx2) noexcept nogil:
    """Rows sorted by (item, rank, row): stable LSD radix sort on <= 13-bit digits of ``item << bits | rank``
    (item last, by counting sort, when they do not fit in 63 bits). Fills ``start``; returns the buffer that
    holds the order (``idx`` or ``idx2``)."""
    cdef Py_ssize_t n = rank.shape[0], i, o, p
    cdef int64_t rmax = 0, d, it
    cdef int rbits, ibits, total, shift
    cdef bint packed, skip
    cdef int64_t count[8193]
    cdef int passes, digit
    cdef int64_t mask
    cdef int64_t* swap
    for o in range(n):
        start[order_item[o] + 1] += 1
    for i in range(n_items):
        start[i + 1] += start[i]
    for o in range(n):
        if rank[o] > rmax:
            rmax = rank[o]
    rbits = _bits(rmax)
    ibits = _bits(n_items - 1)
    packed = rbits + ibits <= 63
    for o in range(n):
        key[o] = ((order_item[o] << rbits) | rank[o]) if packed else rank[o]
        idx[o] = o
    total = rbits + ibits if packed else rbits
    passes = (total + 12) // 13
    digit = (total + passes - 1) // passes if passes > 0 else 1
    mask = ((<int64_t>1) << digit) - 1
    shift = 0
    while shift < total:
        for i in range(mask + 2):
            count[i] = 0
        for i in range(n):
            count[((key[i] >> shift) & mask) + 1] += 1
        skip = False
        for i in range(mask + 1):
            if count[i + 1] == n:
                skip = True
            count[i + 1] += count[i]
        if not skip:
            for i in range(n):
                d = (key[i] >> shift) & mask
                p = count[d]
                key2[p] = key[i]
                idx2[p] = idx[i]
                count[d] = p + 1
            swap = key
            key = key2
            key2 = swap
            swap = idx
            idx = idx2
            idx2 = swap
        shift += digit
    if not packed:
        # key2 is free here: use it as the fill pointers of the counting sort by item
        for i in range(n_items):
            key2[i] = start[i]
        for i in range(n):
            it = order_item[idx[i]]
            idx2[key2[it]] = idx[i]
            key2[it] += 1
        return idx2
    return idx


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
                    const int64_t[::1] order_item, const int64_t[::1] rank, const double[::1] due,
                    const double[::1] qty, bint partial, double min_ship,
                    double max_late, double[::1] free, double[::1] short, double[::1] on_time,
                    int64_t[::1] del_order, int64_t[::1] del_period, double[::1] del_qty,
                    double[::1] del_due, double[::1] del_late):
    cdef Py_ssize_t n_items = item_ptr.shape[0] - 1, n = order_item.shape[0]
    cdef Py_ssize_t i, j, o, idx, a, b, p, k, last, m, m2, nd = 0
    cdef int64_t it
    cdef double q, r, s, d, run, v, x
    cdef bint ok
    cdef int64_t[::1] start = np.zeros(n_items + 1, dtype=np.int64)
    # radix buffers (one spare slot so that n == 0 still has an address); key2 doubles as fill pointers
    cdef int64_t[::1] buf = np.empty(4 * n + max(n_items, 1) + 4, dtype=np.int64)
    cdef int64_t* seq
    cdef int64_t* base = &buf[0]
    cdef double[::1] sq = np.empty(n, dtype=np.float64)
    cdef double[::1] st = np.zeros(n, dtype=np.float64)
    cdef double t
    cdef double[::1] g = np.empty(free.shape[0], dtype=np.float64)
    cdef Py_ssize_t lo, hi, mid
    cdef double[::1] sd = np.empty(n, dtype=np.float64)
    with nogil:
        for j in range(free.shape[0]):
            free[j] = cum[j]
        # g: suffix minima of free per item (g[j] = min(free[j:b])); a take of x <= g[m] from m on lowers
        # free[j] and g[j] by x for j >= m exactly (rounding is monotone), and g before m by a running min
        for i in range(n_items):
            run = INFINITY
            j = item_ptr[i + 1] - 1
            while j >= item_ptr[i]:
                if cum[j] < run:
                    run = cum[j]
                g[j] = run
                j -= 1
        seq = _service_order(order_item, rank, n_items, start, base, base + n + 1,
                             base + 2 * n + max(n_items, 1) + 2, base + 3 * n + max(n_items, 1) + 3)
        # quantities and dues gathered into service order (one tight gather pass instead of scattered reads)
        for idx in range(n):
            sq[idx] = qty[seq[idx]]
            sd[idx] = due[seq[idx]]
        for i in range(n_items):
            a = item_ptr[i]
            b = item_ptr[i + 1]
            p = b - a
            for idx in range(start[i], start[i + 1]):
                q = sq[idx]
                r = q
                if p == 0 or not q > 0.0:
                    sq[idx] = r
                    continue
                s = min_ship if partial else q
                d = sd[idx]
                k = _last_at_or_before(times, a, b, d)
                if max_late == INFINITY:
                    last = p - 1
                else:
                    last = _last_at_or_before(times, a, b, d + max_late)
                m = k if k > 0 else 0
                while r > 0.0 and m <= last:
                    if s > 0.0 and r < s:
                        break
                    # smallest m2 >= m whose suffix minimum meets the threshold: binary search on the
                    # non-decreasing suffix minima g[a:b] (kept exact alongside free)
                    lo = m
                    hi = p
                    while lo < hi:
                        mid = (lo + hi) >> 1
                        v = g[a + mid]
                        if (v >= s) if s > 0.0 else (v > 0.0):
                            hi = mid
                        else:
                            lo = mid + 1
                    m2 = lo
                    if m2 > last:
                        break
                    run = g[a + m2]
                    x = r if r <= run else run
                    for j in range(a + m2, b):
                        free[j] -= x
                        g[j] -= x
                    # suffix minima before m2: min(g[j], g[j + 1]) until nothing changes
                    j = a + m2 - 1
                    while j >= a and g[j + 1] < g[j]:
                        g[j] = g[j + 1]
                        j -= 1
                    del_order[nd] = seq[idx]
                    del_period[nd] = a + m2
                    del_qty[nd] = x
                    del_due[nd] = d
                    t = times[a + m2]
                    if t > d:
                        del_late[nd] = t - d
                    else:
                        del_late[nd] = 0.0
                        st[idx] = x  # at most one on-time take per order (the next ones are later)
                    nd += 1
                    if x == r:
                        r = 0.0
                    else:
                        r = r - x
                    m = m2 + 1
                sq[idx] = r
        for idx in range(n):
            short[seq[idx]] = sq[idx]
            on_time[seq[idx]] = st[idx]
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

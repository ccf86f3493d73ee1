# cython: language_level=3
"""Cython engine for priority allocation against time-phased supply; same semantics as
``reference.allocation`` (bit-identical results: the same floating-point operations in the same order)."""

import numpy as np
from libc.math cimport INFINITY, nextafter
from libc.stdint cimport int64_t

# the share of an order's need that caps its rounding tolerance (reference.allocation.NEED_SHARE)
cdef double NEED_SHARE = 2.0 ** -20

from bk_fast._scratch import work_array


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


cdef int _sorted_words(const int64_t[::1] order_item, const int64_t[::1] rank, Py_ssize_t n_items,
                       int64_t rmax, int64_t[::1] start, int64_t* w, int64_t* w2, int64_t* cnt,
                       int64_t** res) noexcept nogil:
    """Rows in (item, rank, row) order as one word per row, ``(item << rbits | rank) << nbits | row``: one
    pass builds the words, the item counts (``start``) and every digit's histogram, then a stable LSD radix
    sort moves the words on <= 11-bit digits of the key part (rows start ascending, so ties keep row order).
    Half the memory traffic of sorting keys and row indices side by side. ``*res`` is the buffer holding the
    sorted words (``w`` or ``w2``); ``rmax`` is the largest rank. Returns ``nbits``, or -1 (nothing done) when a
    word would need more than 63 bits. ``cnt`` needs 6 * 2048 slots."""
    cdef Py_ssize_t n = rank.shape[0], i, p
    cdef int64_t c, tot
    cdef int rbits, ibits, nbits, kbits, passes, digit, ps, shift
    cdef int64_t mask, v, kk
    cdef int64_t* sw
    cdef int64_t* h
    cdef bint skip
    rbits = _bits(rmax)
    ibits = _bits(n_items - 1)
    nbits = _bits(n - 1)
    kbits = rbits + ibits
    if kbits + nbits > 63:
        return -1
    passes = (kbits + 10) // 11
    digit = (kbits + passes - 1) // passes if passes > 0 else 1
    mask = ((<int64_t>1) << digit) - 1
    for i in range(passes * 2048):
        cnt[i] = 0
    for i in range(n):
        start[order_item[i] + 1] += 1
        kk = (order_item[i] << rbits) | rank[i]
        w[i] = (kk << nbits) | i
        for ps in range(passes):
            cnt[ps * 2048 + <Py_ssize_t>((kk >> (ps * digit)) & mask)] += 1
    for i in range(n_items):
        start[i + 1] += start[i]
    for ps in range(passes):
        h = cnt + ps * 2048
        shift = nbits + ps * digit
        skip = False
        tot = 0
        for i in range(<Py_ssize_t>mask + 1):
            c = h[i]
            if c == n:
                skip = True  # one value of this digit only: the pass would move nothing
            h[i] = tot
            tot += c
        if skip:
            continue
        for i in range(n):
            v = w[i]
            p = h[(v >> shift) & mask]
            w2[p] = v
            h[(v >> shift) & mask] = p + 1
        sw = w
        w = w2
        w2 = sw
    res[0] = w
    return nbits


cdef extern from *:
    """
    /* One take's update of an item's suffix minima g[0:p]: g - x from m2 on, min(g, v) before. One loop of
       selects, vectorised with blends; gcc's loop splitting (-O3) would otherwise cut it at m2 into two
       loops with a scalar head and tail each, which cost the full-rule kernel ~14 ms of ~62 ms at 10^6
       orders x 20 periods. Both values are computed, one is kept: the same IEEE results as the other
       engines (no FP traps: -fno-trapping-math; no multiply, so nothing to contract into an FMA). With gcc on
       x86-64 glibc an AVX2 clone is picked at load time where the CPU has it (numba compiles for the host
       CPU; on an AMD EPYC the baseline SSE2 loop left the Cython kernel ~1.3x slower than numba's). */
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
    __attribute__((optimize("no-split-loops"), target_clones("avx2", "default")))
    #elif defined(__GNUC__) && !defined(__clang__)
    __attribute__((optimize("no-split-loops")))
    #endif
    static void bkf_take_pass(double *g, Py_ssize_t p, Py_ssize_t m2, double x, double v) {
        for (Py_ssize_t j = 0; j < p; j++) {
            double gv = g[j];
            double lo = v < gv ? v : gv;
            double hi = gv - x;
            g[j] = j >= m2 ? hi : lo;
        }
    }
    """
    void bkf_take_pass(double *g, Py_ssize_t p, Py_ssize_t m2, double x, double v) noexcept nogil

cdef inline Py_ssize_t _count_at_or_before(const double[::1] times, Py_ssize_t a, Py_ssize_t b,
                                           double x) noexcept nogil:
    """Number of ``times[a:b]`` (ascending) that are <= ``x``. Branch-free binary search (every step keeps
    "all before ``a`` are <= x, all from ``a + n`` on are > x"), for a pass of independent searches."""
    cdef Py_ssize_t n = b - a, half, a0 = a
    if n <= 0:
        return 0
    while n > 1:
        half = n >> 1
        a = a + half if times[a + half] <= x else a
        n -= half
    return a - a0 + (1 if times[a] <= x else 0)


cdef inline Py_ssize_t _count_within(const double[::1] times, Py_ssize_t a, Py_ssize_t b, double d,
                                     double late) noexcept nogil:
    """Number of ``times[a:b]`` (ascending) with ``time - d <= late``: the lateness the deliveries report,
    compared as reported (``time - d`` is non-decreasing in ``time``: rounding is monotone). Branch-free, as
    :func:`_count_at_or_before`."""
    cdef Py_ssize_t n = b - a, half, a0 = a
    if n <= 0:
        return 0
    while n > 1:
        half = n >> 1
        a = a + half if times[a + half] - d <= late else a
        n -= half
    return a - a0 + (1 if times[a] - d <= late else 0)


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
                    const double[::1] tol, const int64_t[::1] order_item, const int64_t[::1] rank,
                    const double[::1] due,
                    const double[::1] qty, bint partial, double min_ship,
                    double max_late, double[::1] free, double[::1] short, double[::1] on_time,
                    int64_t[::1] del_order, int64_t[::1] del_period, double[::1] del_qty,
                    double[::1] del_due, double[::1] del_late):
    cdef Py_ssize_t n_items = item_ptr.shape[0] - 1, n = order_item.shape[0]
    cdef Py_ssize_t i, j, o, idx, a, b, p, k, last, m, m2, z, nd = 0
    cdef int64_t it
    cdef double q, r, s, d, run, v, x, tl, th, tq
    cdef int64_t[::1] start = np.zeros(n_items + 1, dtype=np.int64)
    cdef Py_ssize_t ni = max(n_items, 1)
    cdef int64_t rmax = 0
    cdef int nbits = -1
    cdef int64_t rowmask
    cdef int64_t* words
    cdef bint fits
    cdef int64_t[::1] buf
    cdef int64_t[::1] cnt = np.empty(6 * 2048, dtype=np.int64)
    cdef int64_t* seq
    cdef int64_t* base
    cdef double[::1] sq  # qty, then what stays short
    cdef double[::1] sd  # due, then the qty delivered on time
    with nogil:
        for o in range(n):
            if rank[o] > rmax:
                rmax = rank[o]
    # work space of the sort: one word per row, in ``buf`` and ``del_order`` (unused until the takes; fewer
    # fresh pages to fault in); the fallback key/row sort needs 4 n + n_items of its own
    fits = _bits(rmax) + _bits(n_items - 1) + _bits(n - 1) <= 63
    # each order's due bucket k and last allowed period, in service order (``sk``: the last n slots of
    # ``del_period``, see below; ``last`` kept only when it is neither the last period nor k)
    cdef int late_mode = 0 if max_late == INFINITY else (1 if max_late == 0.0 else 2)
    cdef int64_t* sk
    cdef int64_t[::1] sl
    # all the work arrays in one piece of the thread's scratch memory (kept between calls: no fresh pages to
    # fault in)
    cdef Py_ssize_t nbuf = n + 1 if fits else 4 * n + ni + 4
    work = work_array("allocation.kernel", 2 * (n + 1) + nbuf + (n + 1 if late_mode == 2 else 1), np.int64)
    sq = work[:n + 1].view(np.float64)
    sd = work[n + 1:2 * (n + 1)].view(np.float64)
    buf = work[2 * (n + 1):2 * (n + 1) + nbuf]
    sl = work[2 * (n + 1) + nbuf:]
    base = &buf[0]
    cdef double t
    cdef double[::1] g = np.empty(cum.shape[0], dtype=np.float64)
    cdef Py_ssize_t lo, hi, mid
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
        if fits:
            nbits = _sorted_words(order_item, rank, n_items, rmax, start, base,
                                  &del_order[0] if del_order.shape[0] else NULL, &cnt[0], &words)
        if nbits >= 0:
            # row indices out of the sorted words (into ``buf``, in place or from ``del_order``), qty and due
            # gathered in the same pass. ``sk`` in the last n slots of ``del_period`` (length n + periods):
            # take number nd of order idx has nd <= idx + periods (one take per order ends it, every other
            # one empties a period for good: g[m2] = 0 moves z past m2), so the takes never overwrite the
            # k of an order not yet served
            seq = base
            sk = (&del_period[0] if del_period.shape[0] else NULL) + (del_period.shape[0] - n)
            rowmask = ((<int64_t>1) << nbits) - 1
            for idx in range(n):
                o = words[idx] & rowmask
                seq[idx] = o
                sq[idx] = qty[o]
                sd[idx] = due[o]
        else:
            seq = _service_order(order_item, rank, n_items, start, base, base + n + 1,
                                 base + 2 * n + ni + 2, base + 3 * n + ni + 3)
            sk = base  # (the keys are free once sorted)
            for idx in range(n):
                o = seq[idx]
                sq[idx] = qty[o]
                sd[idx] = due[o]
        # the period searches on the due, one independent branch-free search per order
        for i in range(n_items):
            a = item_ptr[i]
            b = item_ptr[i + 1]
            for idx in range(start[i], start[i + 1]):
                sk[idx] = _count_at_or_before(times, a, b, sd[idx]) - 1
        if late_mode == 2:
            for i in range(n_items):
                a = item_ptr[i]
                b = item_ptr[i + 1]
                for idx in range(start[i], start[i + 1]):
                    sl[idx] = _count_within(times, a, b, sd[idx], max_late) - 1
        for i in range(n_items):
            a = item_ptr[i]
            b = item_ptr[i + 1]
            p = b - a
            tl = tol[i]  # the item's rounding tolerance (see the reference)
            # z: the first period whose suffix minimum is > 0 (g is non-decreasing, so g > 0 from z on); it
            # only moves forward, so keeping it costs O(periods) per item in all
            z = 0
            while z < p and not g[a + z] > 0.0:
                z += 1
            for idx in range(start[i], start[i + 1]):
                q = sq[idx]
                r = q
                d = sd[idx]
                sd[idx] = 0.0  # from here on: the qty delivered on time
                if p == 0 or not q > 0.0:
                    continue
                s = min_ship if partial else (q if q >= min_ship else min_ship)  # (reference: max(qty, min_ship))
                tq = min(tl, q * NEED_SHARE)  # the order's rounding tolerance (see the reference)
                th = s - min(tq, s * NEED_SHARE)  # (a threshold s > 0 is met up to the tolerance)
                k = sk[idx]
                if late_mode == 0:
                    last = p - 1
                elif late_mode == 1:
                    last = k  # the last period <= due + 0
                else:
                    last = sl[idx]
                m = k if k > 0 else 0
                while r > 0.0 and m <= last:
                    if s > 0.0 and r < th:
                        break
                    # smallest m2 >= m whose suffix minimum meets the threshold: max(m, z) for "> 0", else a
                    # binary search on the non-decreasing suffix minima g[a:b] (kept exact alongside free)
                    if s > 0.0:
                        lo = m
                        hi = p
                        while lo < hi:
                            mid = (lo + hi) >> 1
                            if g[a + mid] >= th and g[a + mid] > 0.0:
                                hi = mid
                            else:
                                lo = mid + 1
                        m2 = lo
                    else:
                        m2 = m if m > z else z
                    if m2 > last:
                        break
                    run = g[a + m2]
                    x = r if r <= run else run
                    # one branch-free pass over the item's periods (fixed trip count, no data-dependent
                    # exit): from m2 on g drops by x; before m2 the suffix minima become min(g[j], g[m2] - x),
                    # which is what the chain min(g[j], g[j + 1]) gave, as g was non-decreasing. (free itself
                    # is not needed here: it is replayed from the deliveries at the end, if asked for)
                    v = run - x
                    bkf_take_pass(&g[a], p, m2, x, v)
                    if not g[a + m2] > 0.0:
                        # (x took all of it: g <= 0 up to m2 now; a take with g left > 0 keeps z, as
                        # g[z..m2] stay > 0)
                        z = m2 + 1
                        while z < p and not g[a + z] > 0.0:
                            z += 1
                    del_order[nd] = seq[idx]
                    del_period[nd] = a + m2
                    del_qty[nd] = x
                    del_due[nd] = d
                    t = times[a + m2]
                    if t > d:
                        del_late[nd] = t - d
                    else:
                        del_late[nd] = 0.0
                        sd[idx] = x  # at most one on-time take per order (the next ones are later)
                    nd += 1
                    if x >= r - tq:
                        r = 0.0  # (all of it, or all but a rounding residue: no need left)
                    else:
                        r = r - x
                    m = m2 + 1
                sq[idx] = r
        for idx in range(n):
            short[seq[idx]] = sq[idx]
            on_time[seq[idx]] = sd[idx]
        if free.shape[0]:
            # the free supply after every take: the deliveries replayed in their order (item by item, takes
            # in sequence), each lowering its item's periods from its own on: the same subtractions in the
            # same order as the rule (free[j] - 0.0 before the take's period would change nothing)
            i = 0
            for k in range(nd):
                p = del_period[k]
                while item_ptr[i + 1] <= p:
                    i += 1
                x = del_qty[k]
                for j in range(p, item_ptr[i + 1]):
                    free[j] = free[j] - x
    return nd


def allocate_kit_orders(const int64_t[::1] item_ptr, const double[::1] times, const double[::1] cum,
                        const double[::1] tol, const int64_t[::1] seq, const double[::1] qty, const double[::1] due,
                        const int64_t[::1] req_ptr, const int64_t[::1] req_item, const double[::1] req_frac,
                        bint all_or_nothing, double[::1] free, double[::1] knit, int64_t[::1] limiting,
                        double[::1] taken, double[::1] avail):
    cdef Py_ssize_t n_req = req_item.shape[0], idx, o, line, j, a, b, k
    cdef int64_t it, lim
    cdef double q, best, g, d, cov, x, tl, need
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
                tl = 0.0
                k = -1
                if it >= 0:
                    tl = tol[it]
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
                cov = q  # (the line covers the qty when its need fits: see the reference)
                need = req_frac[line] * q
                if not need <= g + min(tl, need * NEED_SHARE):
                    cov = g / req_frac[line]
                    if cov >= q:
                        cov = nextafter(q, -INFINITY)
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

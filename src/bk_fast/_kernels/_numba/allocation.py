"""Numba engine for priority allocation against time-phased supply; same semantics as ``reference.allocation``.

The algorithm (documented in ``reference.allocation``): orders are sorted by (item, rank, row) with a
stable LSD radix sort of one packed ``item | rank | row`` word per row (``rank`` encodes priority, due and
order id; a key/row radix sort when the word would not fit in 63 bits); each item keeps the exact suffix
minima of its free cumulative supply as a dense array (binary search for the period, element-wise update;
the free supply itself, when asked for, is replayed from the deliveries at the end), so the three engines
produce bit-identical results.
"""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit
from bk_fast._kernels.reference.allocation import NEED_SHARE
from bk_fast._scratch import work_array


@jit(inline="always")
def _bits(x):
    b = 0
    while b < 63 and (np.int64(1) << b) <= x:
        b += 1
    return b


@jit
def _service_order(order_item, rank, n_items, start):
    """Order rows sorted by (item, rank, row): a stable LSD radix sort on <= 13-bit digits of the packed key
    ``item << bits(rank) | rank`` (item last, by counting sort, when the two do not fit in 63 bits).
    Fills ``start`` (n_items + 1) with each item's first position."""
    n = rank.shape[0]
    for o in range(n):
        start[order_item[o] + 1] += 1
    for i in range(n_items):
        start[i + 1] += start[i]
    rmax = 0
    for o in range(n):
        if rank[o] > rmax:
            rmax = rank[o]
    rbits = _bits(rmax)
    ibits = _bits(n_items - 1)
    packed = rbits + ibits <= 63
    key = np.empty(n, dtype=np.int64)
    idx = np.arange(n)
    for o in range(n):
        key[o] = (order_item[o] << rbits) | rank[o] if packed else rank[o]
    total = rbits + ibits if packed else rbits
    key2 = np.empty(n, dtype=np.int64)
    idx2 = np.empty(n, dtype=np.int64)
    passes = (total + 12) // 13
    digit = (total + passes - 1) // passes if passes > 0 else 1
    mask = (np.int64(1) << digit) - 1
    count = np.empty(8193, dtype=np.int64)
    shift = 0
    while shift < total:
        count[:] = 0
        for i in range(n):
            count[((key[i] >> shift) & mask) + 1] += 1
        skip = False
        for d in range(mask + 1):
            if count[d + 1] == n:
                skip = True
            count[d + 1] += count[d]
        if not skip:
            for i in range(n):
                d = (key[i] >> shift) & mask
                p = count[d]
                key2[p] = key[i]
                idx2[p] = idx[i]
                count[d] = p + 1
            key, key2 = key2, key
            idx, idx2 = idx2, idx
        shift += digit
    if not packed:
        fill = start[:n_items].copy()
        for i in range(n):
            it = order_item[idx[i]]
            idx2[fill[it]] = idx[i]
            fill[it] += 1
        idx = idx2
    return idx


@jit(inline="never")
def _radix_pass(w, w2, h, shift, mask):
    """One stable counting-sort pass of the words ``w`` into ``w2`` on the digit ``(w >> shift) & mask``;
    ``h`` holds each digit value's first position."""
    for i in range(w.shape[0]):
        v = w[i]
        d = (v >> shift) & mask
        p = h[d]
        w2[p] = v
        h[d] = p + 1


@jit
def _sorted_words(order_item, rank, n_items, rmax, start, w, w2):
    """Rows in (item, rank, row) order as one word per row, ``(item << rbits | rank) << nbits | row``: one
    pass builds the words, the item counts (``start``) and every digit's histogram, then a stable LSD radix
    sort moves the words on <= 11-bit digits of the key part (rows start ascending, so ties keep row order).
    Returns ``(nbits, sorted words, the other buffer)``; ``nbits = -1`` (nothing done) when a word would
    need more than 63 bits."""
    n = rank.shape[0]
    rbits = _bits(rmax)
    ibits = _bits(n_items - 1)
    nbits = _bits(n - 1)
    kbits = rbits + ibits
    if kbits + nbits > 63:
        return -1, w, w2
    passes = (kbits + 10) // 11
    digit = (kbits + passes - 1) // passes if passes > 0 else 1
    mask = (np.int64(1) << digit) - 1
    cnt = np.zeros((6, 2048), dtype=np.int64)
    for i in range(n):
        start[order_item[i] + 1] += 1
        kk = (order_item[i] << rbits) | rank[i]
        w[i] = (kk << nbits) | i
        for ps in range(passes):
            cnt[ps, (kk >> (ps * digit)) & mask] += 1
    for i in range(n_items):
        start[i + 1] += start[i]
    for ps in range(passes):
        h = cnt[ps]
        skip = False
        tot = 0
        for i in range(mask + 1):
            c = h[i]
            if c == n:
                skip = True  # one value of this digit only: the pass would move nothing
            h[i] = tot
            tot += c
        if skip:
            continue
        _radix_pass(w, w2, h, nbits + ps * digit, mask)
        w, w2 = w2, w
    return nbits, w, w2


@jit(inline="always")
def _count_at_or_before(t, x):
    # number of t (ascending) that are <= x, for a pass of independent searches: short timelines are
    # counted in full (a vectorised loop without data-dependent branches; LLVM turns the selects of a
    # binary search into branches, which mispredict), long ones by binary search (O(log periods))
    if t.shape[0] <= 32:
        c = 0
        for j in range(t.shape[0]):
            c += np.int64(t[j] <= x)
        return c
    return _last_at_or_before(t, 0, t.shape[0], x) + 1


@jit(inline="always")
def _count_within(t, d, late):
    # number of t (ascending) with t - d <= late: the lateness the deliveries report, compared as reported
    # (t - d is non-decreasing in t: rounding is monotone); as _count_at_or_before
    if t.shape[0] <= 32:
        c = 0
        for j in range(t.shape[0]):
            c += np.int64(t[j] - d <= late)
        return c
    lo = 0
    hi = t.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if t[mid] - d <= late:
            lo = mid + 1
        else:
            hi = mid
    return lo


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


def allocate_orders(item_ptr, times, cum, tol, order_item, rank, due, qty, partial, min_ship,
                    max_late, free, short, on_time, del_order, del_period, del_qty, del_due, del_late):
    """The kernel with its large work arrays in the thread's scratch memory (``bk_fast._scratch``): arrays
    allocated inside numba code cost ~15 ms more per 10^6 orders here (measured), and fresh NumPy ones fault
    their pages in again whenever the C allocator has handed them back to the system."""
    n = order_item.shape[0]
    work = work_array("allocation.kernel", (3, n), np.int64)  # the thread's scratch: no fresh pages to fault in
    return _allocate_orders(item_ptr, times, cum, tol, order_item, rank, due, qty, partial, min_ship, max_late,
                            free, short, on_time, del_order, del_period, del_qty, del_due, del_late,
                            work[0].view(np.float64), work[1].view(np.float64), work[2])


@jit
def _allocate_orders(item_ptr, times, cum, tol, order_item, rank, due, qty, partial, min_ship, max_late,
                     free, short, on_time, del_order, del_period, del_qty, del_due, del_late, sq, sd, wa):
    # sq, sd: work arrays of n float64 (qty then what stays short; due then the qty delivered on time);
    # wa: n int64 for the sort, which also uses del_order (unused until the takes; fewer fresh pages)
    n_items = item_ptr.shape[0] - 1
    n = order_item.shape[0]
    for j in range(free.shape[0]):
        free[j] = cum[j]
    # g: suffix minima of free per item (g[j] = min(free[j:b])); a take of x <= g[m] from m on lowers
    # free[j] and g[j] by x for j >= m exactly (rounding is monotone), and g before m by a running min
    g = np.empty(cum.shape[0], dtype=np.float64)
    for i in range(n_items):
        run = np.inf
        for j in range(item_ptr[i + 1] - 1, item_ptr[i] - 1, -1):
            if cum[j] < run:
                run = cum[j]
            g[j] = run
    start = np.zeros(n_items + 1, dtype=np.int64)
    rmax = 0
    for o in range(n):
        if rank[o] > rmax:
            rmax = rank[o]
    # quantities and dues gathered into service order (one tight gather pass instead of scattered reads);
    # sq then holds what stays short, sd the qty delivered on time
    if _bits(rmax) + _bits(n_items - 1) + _bits(n - 1) <= 63:
        nbits, words, _ = _sorted_words(order_item, rank, n_items, rmax, start, wa, del_order[:n])
        rowmask = (np.int64(1) << nbits) - 1
        seq = wa
        for idx in range(n):
            o = words[idx] & rowmask
            seq[idx] = o  # row indices out of the sorted words (in place, or from del_order)
            sq[idx] = qty[o]
            sd[idx] = due[o]
        # sk in the last n slots of del_period (length n + periods): take number nd of order idx has
        # nd <= idx + periods (one take per order ends it, every other one empties a period for good:
        # g[m2] = 0 moves z past m2), so the takes never overwrite the k of an order not yet served
        sk = del_period[del_period.shape[0] - n:]
    else:
        seq = _service_order(order_item, rank, n_items, start)
        sk = np.empty(n, dtype=np.int64)
        for idx in range(n):
            sq[idx] = qty[seq[idx]]
            sd[idx] = due[seq[idx]]
    # each order's due bucket k and last allowed period, in service order: one independent branch-free
    # search per order (``sk``: see above; ``last`` kept only when it is neither the last period nor k)
    late_mode = 0 if max_late == np.inf else (1 if max_late == 0.0 else 2)
    sl = np.empty(n if late_mode == 2 else 0, dtype=np.int64)
    for i in range(n_items):
        t = times[item_ptr[i]:item_ptr[i + 1]]
        for idx in range(start[i], start[i + 1]):
            sk[idx] = _count_at_or_before(t, sd[idx]) - 1
    if late_mode == 2:
        for i in range(n_items):
            t = times[item_ptr[i]:item_ptr[i + 1]]
            for idx in range(start[i], start[i + 1]):
                sl[idx] = _count_within(t, sd[idx], max_late) - 1
    nd = 0
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
        # the item's orders as slices indexed from 0 (LLVM then drops the negative-index checks)
        s0 = start[i]
        s1 = start[i + 1]
        sq_ = sq[s0:s1]
        sd_ = sd[s0:s1]
        sk_ = sk[s0:s1]
        seq_ = seq[s0:s1]
        sl_ = sl[s0:s1] if late_mode == 2 else sl
        for idx in range(s1 - s0):
            q = sq_[idx]
            r = q
            d = sd_[idx]
            sd_[idx] = 0.0  # from here on: the qty delivered on time
            if p == 0 or not q > 0.0:
                continue
            s = min_ship if partial else (q if q >= min_ship else min_ship)  # (reference: max(qty, min_ship))
            tq = min(tl, q * NEED_SHARE)  # the order's rounding tolerance (see the reference)
            th = s - min(tq, s * NEED_SHARE)  # (a threshold s > 0 is met up to the tolerance)
            k = sk_[idx]
            if late_mode == 0:
                last = p - 1
            elif late_mode == 1:
                last = k  # the last period <= due + 0
            else:
                last = sl_[idx]
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
                gg = g[a:b]  # (an item slice with a loop from 0: LLVM drops the negative-index checks)
                for jj in range(p):
                    ge = jj >= m2
                    gv = gg[jj]
                    gg[jj] = (gv - x) if ge else (v if v < gv else gv)
                if not g[a + m2] > 0.0:
                    # (x took all of it: g <= 0 up to m2 now; a take with g left > 0 keeps z, as g[z..m2]
                    # stay > 0)
                    z = m2 + 1
                    while z < p and not g[a + z] > 0.0:
                        z += 1
                del_order[nd] = seq_[idx]
                del_period[nd] = a + m2
                del_qty[nd] = x
                del_due[nd] = d
                t = times[a + m2]
                if t > d:
                    del_late[nd] = t - d
                else:
                    del_late[nd] = 0.0
                    sd_[idx] = x  # at most one on-time take per order (the next ones are later)
                nd += 1
                if x >= r - tq:
                    r = 0.0  # (all of it, or all but a rounding residue: no need left)
                else:
                    r = r - x
                m = m2 + 1
            sq_[idx] = r
    for idx in range(n):
        short[seq[idx]] = sq[idx]
        on_time[seq[idx]] = sd[idx]
    if free.shape[0]:
        # the free supply after every take: the deliveries replayed in their order (item by item, takes in
        # sequence), each lowering its item's periods from its own on (the rule's subtractions, in order)
        i = 0
        for k in range(nd):
            p = del_period[k]
            while item_ptr[i + 1] <= p:
                i += 1
            x = del_qty[k]
            for j in range(p, item_ptr[i + 1]):
                free[j] = free[j] - x
    return nd


allocate_orders.compiled_kernels = (_allocate_orders,)  # what the GIL-release test inspects


@jit
def allocate_kit_orders(item_ptr, times, cum, tol, seq, qty, due, req_ptr, req_item, req_frac, all_or_nothing,
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
                        g = np.inf
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
                    cov = np.nextafter(q, -np.inf)
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

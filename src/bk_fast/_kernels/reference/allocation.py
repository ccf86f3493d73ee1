"""Reference kernels for priority allocation against time-phased supply (DOMAIN.md sections 6 and 9).

Supply layout (shared by both kernels): items are dense codes ``0..n_items-1``; item ``i`` owns the periods
``item_ptr[i]:item_ptr[i+1]`` of ``times`` (strictly increasing within the item) and ``cum`` (cumulative
supply through each period; the first period is the on-hand). ``free`` (output) starts as a copy of ``cum``
and ends as the cumulative supply still free after every take.

The rule. An order due at time ``d`` falls in bucket ``k`` = the last period with ``time <= d``. Taking ``x``
at period ``m`` subtracts ``x`` from ``free[j]`` for every ``j >= m`` (the projected on hand of every later
period drops by ``x``). Projected on hand is never negative at any period iff ``free[j] >= 0`` for all
``j``, so at period ``m`` an order can take at most ``g(m) = min(free[m:])``, the suffix minimum. ``g`` is
non-decreasing in ``m``, which makes "the earliest period with enough free material" a single backward scan.
Each order, in priority order, repeats: find the smallest ``m >= k`` (``m >= 0``) with ``g(m) > 0`` (with
``g(m) >= s`` when the smallest allowed shipment ``s`` is positive), stop if ``m`` is past the last period
allowed by ``max_late`` (or no such ``m`` exists, or the remaining need is below ``s``), take
``x = min(remaining, g(m))`` at ``m`` and continue from ``m + 1``. A take at ``m`` with ``x = g(m)`` leaves
``g(m') = 0`` for every ``m' <= m`` for good, so an item makes at most ``orders + periods`` takes. The compiled engines keep
the suffix minima ``g`` beside ``free`` (exactly: ``min(f - x) == min(f) - x`` in floating point because
rounding is monotone), so finding ``m`` is a binary search, O(log periods); the take itself subtracts ``x``
from the ``free`` and ``g`` entries from ``m`` on (a SIMD-friendly loop) and repairs ``g`` before ``m`` with
a running minimum that stops at the first unchanged entry. This reference recomputes the suffix minima. Taking ``x <= g(m) <= free[j]`` keeps ``free[j] - x >= 0`` exactly in floating point
(rounding is monotone), so no projected on hand ever goes negative, not even by one ulp.

``s = min_ship`` when ``partial`` else ``s = qty`` (one full shipment). ``max_late = inf`` allows any
lateness. Orders of an item are taken in (rank, row) order; items are independent.

All three engines perform the same floating-point operations in the same order, so they agree bit for bit.
"""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel


def _last_at_or_before(times, a, b, x):
    return int(np.searchsorted(times[a:b], x, side="right")) - 1


@kernel
def allocate_orders(item_ptr, times, cum, order_item, rank, due, qty, partial, min_ship,
                    max_late, free, short, del_order, del_period, del_qty):
    """Allocate orders (in their item's priority order) against each item's time-phased supply.

    Inputs per order (row ``o``): ``order_item`` (int64 code), ``rank`` (int64: the order of service within
    an item, ties by row; the caller encodes priority, due and order id in it), ``due`` (float64, no NaN),
    ``qty`` (float64 >= 0). Scalars: ``partial`` (0/1), ``min_ship`` (>= 0),
    ``max_late`` (>= 0, may be inf). Outputs: ``free`` (per period), ``short`` (per order) and the deliveries
    ``del_order`` (order row), ``del_period`` (global period index), ``del_qty``, which need room for
    ``len(order_item) + len(times)`` rows. Returns the number of deliveries written (in allocation order:
    item by item, orders in priority order, periods ascending).
    """
    n_items = item_ptr.shape[0] - 1
    n = order_item.shape[0]
    free[:] = cum
    rows = np.arange(n, dtype=np.int64)
    seq = np.lexsort((rows, rank, order_item)) if n else rows
    counts = np.bincount(order_item, minlength=n_items) if n else np.zeros(n_items, dtype=np.int64)
    start = np.zeros(n_items + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    nd = 0
    for i in range(n_items):
        a, b = int(item_ptr[i]), int(item_ptr[i + 1])
        p = b - a
        for o in seq[start[i]:start[i + 1]].tolist():
            q = float(qty[o])
            r = q
            if p == 0 or not q > 0.0:
                short[o] = r
                continue
            s = float(min_ship) if partial else q
            d = float(due[o])
            k = _last_at_or_before(times, a, b, d)
            last = _last_at_or_before(times, a, b, d + max_late)
            m = max(k, 0)
            while r > 0.0 and m <= last:
                if s > 0.0 and r < s:
                    break
                # suffix minima of free[m:p] and the smallest m2 >= m whose suffix minimum meets the threshold
                g = np.minimum.accumulate(free[a + m:b][::-1])[::-1]
                ok = g >= s if s > 0.0 else g > 0.0
                bad = np.flatnonzero(~ok)
                m2 = m + (int(bad[-1]) + 1 if bad.size else 0)
                if m2 > last or m2 >= p:
                    break
                run = float(g[m2 - m])
                x = r if r <= run else run
                free[a + m2:b] -= x
                del_order[nd] = o
                del_period[nd] = a + m2
                del_qty[nd] = x
                nd += 1
                r = 0.0 if x == r else r - x
                m = m2 + 1
            short[o] = r
    return nd


@kernel
def allocate_kit_orders(item_ptr, times, cum, seq, qty, due, req_ptr, req_item, req_frac, all_or_nothing,
                        free, knit, limiting, taken, avail):
    """Allocate kits: order ``o`` needs ``req_frac[line] * lbs`` of item ``req_item[line]`` for each line in
    ``req_ptr[o]:req_ptr[o+1]``; orders are taken in the sequence ``seq``.

    Each yarn line can give ``g`` = the suffix minimum of its item's free supply from the order's due bucket
    (``due`` NaN = the first period; a due before the item's first period or an item code of -1 gives 0);
    the knittable lbs are ``min(qty, min over lines of g / frac)`` (0 in all-or-nothing mode unless the full
    qty is covered). ``limiting`` is the first line reaching that minimum when it is below ``qty`` (else -1).
    Every line then takes ``min(frac * knit, g)`` from its bucket on (the ``min`` only guards rounding);
    ``avail[line]`` (output) is that ``g``.
    """
    free[:] = cum
    n_req = req_item.shape[0]
    first = np.full(n_req, -1, dtype=np.int64)
    for o in seq.tolist():
        q = float(qty[o])
        best = q
        lim = -1
        lo, hi = int(req_ptr[o]), int(req_ptr[o + 1])
        for line in range(lo, hi):
            it = int(req_item[line])
            g = 0.0
            k = -1
            if it >= 0:
                a, b = int(item_ptr[it]), int(item_ptr[it + 1])
                if b > a:
                    d = float(due[o])
                    k = 0 if d != d else _last_at_or_before(times, a, b, d)
                    if k >= 0:
                        g = max(float(free[a + k:b].min()), 0.0)
                        k = a + k
            avail[line] = g
            first[line] = k
            cov = g / req_frac[line]
            if cov < best:
                best = float(cov)
                lim = line
        if not best > 0.0:
            best = 0.0
        if all_or_nothing and best < q:
            best = 0.0
        knit[o] = best
        limiting[o] = lim
        for line in range(lo, hi):
            x = 0.0
            if best > 0.0:
                x = float(req_frac[line] * best)
                if x > avail[line]:
                    x = float(avail[line])
                if x > 0.0:
                    free[first[line]:item_ptr[req_item[line] + 1]] -= x
            taken[line] = x

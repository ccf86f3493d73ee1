"""Mutation audit of the numba allocation kernels (``bk_fast._kernels._numba.allocation``: ``_allocate_orders``
and its search helpers, and ``allocate_kit_orders``), against tests/test_allocation.py,
tests/test_allocation_mutation.py and tests/test_engines.py run on the numba engine.

67 mutants, one at a time (flipped and off-by-one comparisons, tolerance and threshold boundaries, dropped
``min``/``max``, wrong indices, removed exits and clamps, the lateness modes, min_shipment / partial=False, the
``z`` (first free period) upkeep, the free-supply replay, both sorts, the kit loop's limiting line and
all_or_nothing): 48 killed by the existing tests, 15 survivors equivalent, 4 survivors gaps, closed here.
No defect of the unmodified code was found (every engine agrees with the reference on every case below).

Equivalent survivors (why):
  M02  _sorted_words ``skip = True`` -> False: a pass over a digit with one value is the identity (stable).
  M03  g init ``cum[j] < run`` -> ``<=``: only a -0.0/+0.0 swap in g, never output and compared equal.
  M05  max_late 0 in mode 2: ``t - d <= 0`` iff ``t <= d`` for finite floats.
  M18  ``if s > 0.0`` -> ``s >= 0.0``: with s = 0 the binary search (th = 0) finds max(m, z), as the z path.
  M20  binary search drops ``g > 0``: th >= s x (1 - 2**-20) > 0 whenever s > 0.
  M25  ``x = r if r <= run else run`` -> ``<``: the same value on a tie.
  M27  update ``jj >= m2`` -> ``jj > m2``: at m2 both branches give run - x.
  M31  ``z = m2 + 1`` -> ``z = m2``: the following loop steps past m2, where g is now <= 0.
  M35  ``sd_[idx] = x`` -> ``+= x``: reset to 0 per order and at most one on-time take.
  M41  ``q >= min_ship`` -> ``>``: a tie gives s = min_ship either way.
  M44  ``if p == 0 or not q > 0.0: continue`` removed: then last = -1 or r <= 0, the loop does nothing.
  S01  packed path ``<= 63`` -> ``< 63``: both sorts give the (item, rank, row) order.
  S04  max_late inf in mode 2: every finite ``t - d`` (or its overflow to inf) is <= inf.
  S05  after a take ``m = m2 + 1`` -> ``m2``: the take either ends the order or empties g[m2], which the next
       search skips.
  S07  _count_at_or_before full-count cutoff ``<= 32`` -> ``< 32``: both counts are exact.

Gaps closed (the test naming each): M39 (order threshold ``th = s - tq``, the cap ``s x 2**-20`` dropped),
M40 (partial=False ``s = qty`` below min_ship, the reference's ``max(qty, min_ship)`` dropped), K14 (kit
``best`` clamp to +0.0 removed: knittable -0.0) and S03 (_service_order's item dropped from a packable item |
rank key, reached only when item | rank | row exceeds 63 bits but item | rank fits).

Each test below pins one surviving non-equivalent mutant (named in its comment: function, the line's code, the
change), on a hand-made case with hand-computed results, on every engine (the ``engine`` fixture), and equal to
the numpy reference. Most call the kernel directly (``bk_fast._engine.resolve``) with a chosen per-item
rounding tolerance ``tol``: the pandas layer derives ``tol`` from the supply (a few ulps of it), which makes
the tolerance boundaries (``min(tol, qty x 2**-20)`` against ``min_ship x 2**-20``) hard to place by hand;
with ``tol = 0.5`` and quantities near 2**20 every threshold is an exact binary fraction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bk_fast._engine import resolve
from bk_fast.allocation import allocate_kits

NEED_SHARE = 2.0 ** -20


def _orders_kernel(engine, cum, qty, *, times=None, tol=0.5, due=None, partial=True, min_ship=0.0,
                   max_late=np.inf):
    """``allocate_orders`` of ``engine`` on one item (periods ``times``, default 0, 1, ...; cumulative supply
    ``cum``) and orders of ``qty`` served in row order: ``(free, short, on_time, deliveries)`` with the
    deliveries as tuples ``(order, period index, qty, due, days late)``."""
    cum = np.asarray(cum, dtype=np.float64)
    p = cum.size
    times = np.arange(p, dtype=np.float64) if times is None else np.asarray(times, dtype=np.float64)
    qty = np.asarray(qty, dtype=np.float64)
    n = qty.size
    due = np.zeros(n) if due is None else np.asarray(due, dtype=np.float64)
    free, short, on_time = np.empty(p), np.empty(n), np.empty(n)
    c = n + p
    d = (np.empty(c, np.int64), np.empty(c, np.int64), np.empty(c), np.empty(c), np.empty(c))
    nd = resolve("allocate_orders", engine)(
        np.array([0, p], np.int64), times, cum, np.array([tol]), np.zeros(n, np.int64), np.arange(n, dtype=np.int64),
        due, qty, partial, min_ship, max_late, free, short, on_time, *d)
    deliveries = list(zip(*(x[:nd].tolist() for x in d)))
    return free.tolist(), short.tolist(), on_time.tolist(), deliveries


def _kit_kernel(engine, cum, qty, frac, *, tol=0.0, due=None, all_or_nothing=False):
    """``allocate_kit_orders`` of ``engine``: one item (one period, cumulative supply ``cum``) and orders of ``qty``
    served in row order, each with one line of ``frac`` of the item: ``(free, knit, limiting, taken, avail)``."""
    n = len(qty)
    free, knit, lim, taken, avail = np.empty(1), np.empty(n), np.empty(n, np.int64), np.empty(n), np.empty(n)
    resolve("allocate_kit_orders", engine)(
        np.array([0, 1], np.int64), np.array([0.0]), np.array([cum], np.float64), np.array([tol]),
        np.arange(n, dtype=np.int64), np.asarray(qty, np.float64),
        np.full(n, np.nan) if due is None else np.asarray(due, np.float64), np.arange(n + 1, dtype=np.int64),
        np.zeros(n, np.int64), np.full(n, frac, np.float64), all_or_nothing, free, knit, lim, taken, avail)
    return free.tolist(), knit.tolist(), lim.tolist(), taken.tolist(), avail.tolist()


def test_min_shipment_threshold_caps_the_tolerance_at_its_own_share(engine):
    # kills M39, _allocate_orders: ``th = s - min(tq, s * NEED_SHARE)`` changed to ``th = s - tq``.
    # tol 0.5, qty 2**20: the order's tolerance tq = min(0.5, 2**20 x 2**-20) = 0.5. min_ship 2**18 (partial):
    # the threshold is 2**18 - min(0.5, 2**18 x 2**-20 = 0.25) = 2**18 - 0.25, so 2**18 - 0.375 on hand does not
    # meet it: the order waits for period 1 (cum 2**18 + 100) and takes its suffix minimum there, 2**18 + 100,
    # 1 late. With th = s - tq = 2**18 - 0.5 it took the 2**18 - 0.375 on time.
    q, s = 2.0 ** 20, 2.0 ** 18
    cum = [s - 0.375, s + 100.0]
    assert s - min(min(0.5, q * NEED_SHARE), s * NEED_SHARE) == s - 0.25
    out = _orders_kernel(engine, cum, [q], min_ship=s)
    free, short, on_time, dels = out
    assert dels == [(0, 1, s + 100.0, 0.0, 1.0)]
    assert short == [q - (s + 100.0)] and on_time == [0.0]
    assert free == [s - 0.375, 0.0]
    assert out == _orders_kernel("numpy", cum, [q], min_ship=s)


def test_complete_shipment_below_min_shipment_is_held_to_min_shipments_threshold(engine):
    # kills M40, _allocate_orders: ``s = min_ship if partial else (q if q >= min_ship else min_ship)`` changed to
    # ``... else q`` (the max(qty, min_ship) of the reference dropped). partial=False, qty 2**20 and min_ship
    # 2**20 + 0.25 (allocate passes such an order when qty is within the tolerance below min_ship): s = 2**20 +
    # 0.25, th = s - min(tq = 0.5, s x 2**-20 > 1) = 2**20 - 0.25. 2**20 - 0.375 on hand misses it, so the order
    # ships complete (2**20) in period 1, 1 late; with s = qty (th = 2**20 - 0.5) it took the 2**20 - 0.375 on
    # hand on time (a delivery more than the tolerance below min_ship).
    q = 2.0 ** 20
    cum = [q - 0.375, q + 0.625]
    out = _orders_kernel(engine, cum, [q], partial=False, min_ship=q + 0.25)
    free, short, on_time, dels = out
    assert dels == [(0, 1, q, 0.0, 1.0)]
    assert short == [0.0] and on_time == [0.0]
    assert free == [q - 0.375, 0.625]
    assert out == _orders_kernel("numpy", cum, [q], partial=False, min_ship=q + 0.25)


def test_kit_knittable_of_a_negative_zero_qty_is_positive_zero(engine):
    # kills K14, allocate_kit_orders: ``if not best > 0.0: best = 0.0`` removed. The clamp is what turns a -0.0
    # (a qty of -0.0, which the pandas layer's ``qty >= 0`` check lets through, or a line's g / frac of -0.0) into
    # +0.0: without it the knittable lbs came out as -0.0, and the engines must agree bit for bit (signed zeros
    # included, as tests/test_engines.py compares). Order 0: qty -0.0 with 5 free; order 1: qty 2, 5 free.
    out = _kit_kernel(engine, 5.0, [-0.0, 2.0], 0.5)
    free, knit, lim, taken, avail = out
    assert knit == [0.0, 2.0] and not np.signbit(knit[0])
    assert lim == [-1, -1] and taken == [0.0, 1.0] and avail == [5.0, 5.0] and free == [4.0]
    assert not np.signbit(taken[0])
    ref = _kit_kernel("numpy", 5.0, [-0.0, 2.0], 0.5)
    assert out == ref and np.signbit(out[1]).tolist() == np.signbit(ref[1]).tolist()
    # the same through allocate_kits: knittable +0.0 (and short = -0.0 - 0.0 = -0.0), as the numpy reference
    orders = pd.DataFrame({"order": [1, 2], "qty": [-0.0, 2.0], "priority": [1, 2]})
    req = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "fraction": [0.5, 0.5]})
    supply = pd.DataFrame({"item": ["Y"], "qty": [5.0]})
    res = allocate_kits(orders, req, supply, engine=engine).orders
    assert res["knittable"].tolist() == [0.0, 2.0] and np.signbit(res["knittable"]).tolist() == [False, False]
    assert np.signbit(res["short"]).tolist() == [True, False]
    pd.testing.assert_frame_equal(res, allocate_kits(orders, req, supply, engine="numpy").orders)


def test_fallback_sort_with_a_packable_item_and_rank_key_keeps_items_apart(engine):
    # kills S03, _service_order: ``key[o] = (order_item[o] << rbits) | rank[o] if packed else rank[o]`` changed
    # to ``key[o] = rank[o]``. Ranks up to 2**60 (61 bits), 2 items (1 bit), 4 rows (2 bits): 64 bits, too wide
    # for _sorted_words' item | rank | row word, so the kernel sorts with _service_order, whose item | rank key
    # (62 bits) still packs (the existing tests reach it only with ranks of 63 bits, unpackable). Sorted on the
    # rank alone the rows ran 1, 2, 0, 3 and item 0's slice held row 2 (item 1's order).
    # Each item has 5 on hand; each serves its lower rank: row 1 (item 0, rank 0) and row 2 (item 1, rank 1).
    args = (np.array([0, 1, 2], np.int64), np.array([0.0, 0.0]), np.array([5.0, 5.0]), np.array([0.0, 0.0]),
            np.array([1, 0, 1, 0], np.int64), np.array([2 ** 60, 0, 1, 2 ** 60], np.int64), np.zeros(4),
            np.full(4, 5.0), True, 0.0, np.inf)

    def run(eng):
        free, short, on_time = np.empty(2), np.empty(4), np.empty(4)
        d = (np.empty(6, np.int64), np.empty(6, np.int64), np.empty(6), np.empty(6), np.empty(6))
        nd = resolve("allocate_orders", eng)(*args, free, short, on_time, *d)
        return free.tolist(), short.tolist(), on_time.tolist(), list(zip(*(x[:nd].tolist() for x in d)))

    out = run(engine)
    free, short, on_time, dels = out
    assert dels == [(1, 0, 5.0, 0.0, 0.0), (2, 1, 5.0, 0.0, 0.0)]
    assert short == [5.0, 0.0, 0.0, 5.0] and on_time == [0.0, 5.0, 5.0, 0.0] and free == [0.0, 0.0]
    assert out == run("numpy")

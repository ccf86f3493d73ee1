"""Mutation audit of the Cython allocation kernels (``bk_fast/_kernels/_allocation.pyx``: ``allocate_orders`` with its
sorts ``_sorted_words`` and the fallback ``_service_order``, the branch-free searches, the C take pass
``bkf_take_pass``, and ``allocate_kit_orders``), against tests/test_allocation.py, tests/test_allocation_mutation.py,
tests/test_allocation_kernel_mutation.py and tests/test_engines.py run on the cython engine. Every mutant was compiled
as the release build compiles the module (CMakeLists.txt's Cython directives and C flags, -O3 -DNDEBUG).

85 mutants, one at a time (plus one fatal control, killed): 63 killed by the existing tests, 22 survivors: 15
equivalent, 3 that change no output (memory safety only), 2 not reachable through the public API, 2 gaps.
No defect of the unmodified code was found (the three engines agree on every case below).

Equivalent survivors (why):
  C04  _sorted_words ``skip = True`` -> False, and C17 the same in _service_order: a pass over a digit with one
       value is the identity (the radix sort is stable).
  C12  ``fits = ... <= 63`` -> ``< 63``, and C16 _service_order ``packed = ... <= 63`` -> ``< 63``: at exactly 63
       bits the other sort runs, and both give the (item, rank, row) order.
  C23  max_late 0 in lateness mode 2: ``t - d <= 0`` iff ``t <= d`` for finite floats.
  L01  g init ``cum[j] < run`` -> ``<=``: only a -0.0/+0.0 swap in g, which is only compared (free is replayed
       from cum, the takes are > 0).
  L11  bkf_take_pass ``j >= m2`` -> ``j > m2``: at m2 both branches give run - x (x > 0, so min(run - x, run)).
  L21  after a take ``m = m2 + 1`` -> ``m2``: the take either ends the order or empties g[m2], which the next
       search skips.
  L27  ``z = m2 + 1`` -> ``z = m2``: the following loop steps past m2, where g is now <= 0.
  L28  ``x = r if r <= run else run`` -> ``<``: the same value on a tie.
  L29  ``not q > 0.0`` dropped from the skip: r = q <= 0 never enters the take loop.
  L30  ``if s > 0.0`` -> ``s >= 0.0``: with s = 0 the binary search (th = 0) finds max(m, z), as the z path.
  L31  partial=False ``q >= min_ship`` -> ``>``: a tie gives s = min_ship either way.
  K11  kit take ``if x > 0.0`` -> ``>= 0.0``: subtracting 0.0 leaves every free value (and its sign) as it is.
  K17  kit ``tl = 0.0`` (line of an unknown item) -> 1.0: need <= 0 + min(1, need x 2**-20) only when need = 0,
       as with 0.
No output changed (memory safety only; no test can pin them deterministically):
  C02  _sorted_words ``kbits + nbits > 63`` -> ``>= 63`` and C11 ``nbits = _bits(n - 1)`` -> ``_bits(n)``: at the
       63-bit boundary the kernel falls back to _service_order although its caller sized the scratch for the
       word sort: the fallback writes past the work array, then sorts correctly.
  C22  _service_order ``passes = (total + 12) // 13`` -> ``+ 11``: for a 14-, 27-, 40- or 53-bit key (e.g. 1025
       orders of one item, ranks of 53 bits) a 14-bit digit overruns the 8193-slot stack histogram; the sort itself
       stays right (checked: the same deliveries as the numpy engine).
Not reachable through the public API (no input of allocate_kits found that tells them apart):
  K13  kit ``if b > a`` -> ``b >= a``: an item with no periods and a NaN due would get g = inf, but every item code
       allocate_kits passes has at least one supply row (a requirement of an item without supply is code -1).
  K14  kit suffix minimum ``free[j] < g`` -> ``<=``: it only picks another of equal values, which differ only for
       a -0.0 / +0.0 pair; supply rows of -0.0 came out as a +0.0 cumulative supply, so no such pair was found.

Gaps closed (the test naming each): L24 (the short of an order of qty -0.0 written as +0.0) and K03 (the kit's
clamp of a negative suffix minimum to 0 weakened).
Each test pins its mutant through the public API (allocate, allocate_kits) with hand-computed results, on every
engine (the ``engine`` fixture), and equal to the numpy reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bk_fast.allocation import allocate, allocate_kits


def test_short_of_a_negative_zero_qty_keeps_its_sign(engine):
    # kills L24, allocate_orders: ``short[seq[idx]] = sq[idx]`` changed to ``sq[idx] if sq[idx] > 0.0 else 0.0``
    # (the write-back clamping a short of zero). An order of qty -0.0 (``qty >= 0`` lets it through) takes nothing
    # and its short is its qty, -0.0, as the numpy reference writes it (r = q, no take); the clamp made it +0.0
    # (and delivered = qty - short = -0.0 - 0.0 = -0.0 instead of +0.0). The engines agree bit for bit, signed
    # zeros included. Order 2 (qty 2, 5 on hand) takes 2 on time.
    orders = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [-0.0, 2.0], "priority": [1, 2],
                           "due": [0, 0]})
    supply = pd.DataFrame({"item": ["Y"], "period": [0], "qty": [5.0]})
    res = allocate(orders, supply, engine=engine)
    summary = res.orders
    assert summary.to_numpy(float).tolist() == [[0.0, 0.0, 0.0, 0.0], [2.0, 2.0, 2.0, 0.0]]
    assert np.signbit(summary["short"]).tolist() == [True, False]
    assert np.signbit(summary["delivered"]).tolist() == [False, False]
    assert res.deliveries[["order", "period", "qty", "days_late"]].values.tolist() == [[2, 0, 2.0, 0.0]]
    assert res.shortfalls.empty
    ref = allocate(orders, supply, engine="numpy")
    pd.testing.assert_frame_equal(summary, ref.orders)
    assert np.signbit(summary.to_numpy(float)).tolist() == np.signbit(ref.orders.to_numpy(float)).tolist()
    pd.testing.assert_frame_equal(res.deliveries, ref.deliveries)


def test_kit_line_available_is_zero_when_later_withdrawals_overdraw_the_supply(engine):
    # kills K03, allocate_kit_orders: ``if g < 0.0: g = 0.0`` changed to ``if g < -1.0`` (the clamp of a negative
    # suffix minimum weakened). Item Y: 5 on hand at period 0, a withdrawal of 5.5 at period 1: cumulative 5, -0.5.
    # The order (qty 2, due 0, fraction 0.5: need 1) looks from bucket 0: g = min(5, -0.5) = -0.5, clamped to 0,
    # so the line shows 0 available (the mutant showed -0.5), knittable 0, limited by Y, nothing taken.
    orders = pd.DataFrame({"order": [1], "qty": [2.0], "priority": [1], "due": [0]})
    req = pd.DataFrame({"order": [1], "item": ["Y"], "fraction": [0.5]})
    supply = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 1], "qty": [5.0, -5.5]})
    res = allocate_kits(orders, req, supply, engine=engine)
    assert res.orders.values.tolist() == [[2.0, 0.0, 2.0, "Y", False]]
    assert res.lines.values.tolist() == [[1, "Y", 0.5, 1.0, 0.0, 0.0]]
    assert not np.signbit(res.lines["available"]).any()
    ref = allocate_kits(orders, req, supply, engine="numpy")
    pd.testing.assert_frame_equal(res.orders, ref.orders)
    pd.testing.assert_frame_equal(res.lines, ref.lines)

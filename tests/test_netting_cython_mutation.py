"""Mutation audit of the Cython netting kernels (``bk_fast/_kernels/_netting.pyx``: weekly_roll and
_exact_marks, _ww, _lot_err, _mmm_lots, _net_one, net_items, mrp_levels, and the C helpers and constants of its
``cdef extern`` block): gap tests.

Applied one at a time to a copy of the package, each mutant rebuilt as the release build does (cython with
cdivision, no bounds / wraparound / initialized checks; gcc -O3 -fno-trapping-math -ffp-contract=off), 86
mutants were run against tests/test_netting.py, test_netting_mutation.py, test_netting_kernel_mutation.py,
test_lots.py and test_lots_mutation.py restricted to the cython engine (``-k "cython or not (numba or
numpy)"``). They start with what the numba twin (audited in test_netting_kernel_mutation.py) does not share:
the C helpers ``bk_fast_netting_read_err`` / ``bk_fast_netting_sum_err`` (their ternaries, NaN order), the C
constants (ROUNDING, READ_FLOOR, QUICK_BOUND, QUICK_LIMIT) and LOT_SLACK, the C integer and float widths of
``k``, ``stop``, ``cum``, ``lt``, the scratch-buffer and ``t_len == 0`` paths; then comparisons, loop bounds,
lead-time offsets, lot rounding and every term of the running error bound.

* 56 killed by the existing tests.
* 14 equivalent (no input through the public API tells them apart):
  - read_err ``f > t ? f : t`` -> ``f >= t`` (the same value at equality) and -> ``t > f ? t : f``, and
    sum_err ``y < x ? y : x`` -> ``x < y ? x : y`` (these differ only where an operand is NaN, which needs an
    infinite stock: the API rejects that plan as an overflow);
  - QUICK_BOUND 4.0 -> 2.0 (the running bound is at most (2t + 1) reading and rounding terms of the
    magnitudes after t + 1 buckets, below 2 (T + 1) of them), QUICK_LIMIT 2**1020 -> 2**1023 (magnitudes up to
    2**1023 keep every balance finite: the quick bound still covers the running one), and as in the numba
    audit: dropping ``mag <= QUICK_LIMIT`` from the shortage test, ``mag += abs(d)`` only, ``t_len + 1`` ->
    ``t_len``, and the shortage test ``cur < -bound`` -> ``<=`` (a balance on the quick bound is beyond the
    running bound too);
  - _exact_marks ``cur = balance[r, t]`` -> ``t1 + q`` (the same float sum, no contraction);
  - the Wagner-Whitin pre-pass ``dp = ss - avail if short`` -> ``if avail < ss`` and ``if dp > 0.0 and prev <
    ss`` -> ``if prev < ss`` (after the residue write-off ``avail < ss`` is ``short``), and _net_one's final
    ``if short and cur < ss`` -> ``if cur < ss`` (a period not short has avail >= ss and a receipt >= 0);
  - net_items without its ``if t_len == 0: return`` (the item loop then rolls no period).
* 1 not closed: R05 mrp_levels ``if t_len == 0: past_due[:] = 0.0`` -> ``pass``. The API hands the kernel an
  ``np.empty`` past-due buffer; without periods the mutant leaves it as allocated, and in the API's flow that
  buffer is always a freed zeroed one (items 2 to 8, after freeing a buffer of 7.5s: past due 0 every time):
  not observable through the public API.
* 15 gaps, each closed below by a test naming its mutant (each verified to fail on its mutant's cython build
  and to pass unmodified on all three engines, equal to the numpy reference):
  C04 READ_FLOOR 0x1p-1074 -> 0x1p-1073, E05 and E06 _exact_marks ``cur < -err`` -> ``<=`` and ``cur > err``
  -> ``>=`` (both on subnormal balances, where the bound is a whole number of floors), E03 _exact_marks' reading
  of the receipts, C10 sum_err's ``|a|`` operand cap, W02 the total balance's summing order, W05 a recovery
  within the quick bound left undecided, C15 LOT_SLACK 2**-50 -> 2**-40, L02 _lot_err's 0 for a lot that is the
  need, L05 the multiple's relative slack for a lot raised to the min, N09 the sum's term in the recount check,
  N11 the need's own rounding in the count's error bound, N18 the planned receipt's sum term in the running
  bound, N16 the fixed-periods window's summing order and R07 the lead time cut to a C int (32 bits). Most are
  in the error-bound bookkeeping: the inputs put a rounding residue between the bound with and without the
  term, with exact binary fractions (2**-33 is half an ulp of 2**20) or subnormals.

No defect found: on every input here the cython, numba and numpy engines agree bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import bk_fast
from bk_fast.lots import FixedPeriods, MinMaxMultiple

#: the least subnormal, 2**-1074: the reading term's floor (READ_FLOOR)
TINY = 2.0 ** -1074


def _weekly(engine, on_hand, demand, receipts):
    """``weekly_balance`` of one item on ``engine``, and the same on the numpy reference (equal, bit for bit)."""
    args = (np.array([on_hand]), np.array([demand]), np.array([receipts]))
    out = bk_fast.weekly_balance(*args, engine=engine)
    assert out.equals(bk_fast.weekly_balance(*args, engine="numpy"))
    return out


def _marks(out) -> tuple:
    """``(first_short, recovery)`` of the one item, None where there is none."""
    fs, rc = out["first_short"].iloc[0], out["recovery"].iloc[0]
    return (None if np.isnan(fs) else int(fs)), (None if np.isnan(rc) else int(rc))


def test_weekly_subnormal_shortage_against_the_reading_floor(engine):
    # kills C04: READ_FLOOR 0x1p-1074 -> 0x1p-1073 (the C constant of the reading term's floor), and E05:
    # _exact_marks `if cur < -err` -> `<=`. A demand of n least subnormals on no stock: the balance is -n x TINY,
    # within the quick bound (8 x TINY), and the running bound is three floors (reading on hand 0, the demand
    # and receipts 0; both sums exact): 3 x TINY exactly. n = 3 is on the bound, a residue (E05 made it a
    # shortage); n = 4 is beyond it, a shortage in week 0 (C04's doubled floor, 6 x TINY, read it as a residue).
    for n, short in ((3, None), (4, 0)):
        out = _weekly(engine, 0.0, [n * TINY], [0.0])
        assert out[0].iloc[0] == -n * TINY
        assert _marks(out) == (short, None)


def test_weekly_subnormal_recovery_on_the_bound_is_no_recovery(engine):
    # kills E06: _exact_marks `elif rc < 0 and cur > err` -> `cur >= err`. Week 0: a demand of 5 least
    # subnormals, -5 x TINY, short beyond the running bound of 3 x TINY; week 1: a receipt of k x TINY brings the
    # balance to (k - 5) x TINY against a bound of 5 x TINY (two more reading floors; every sum exact). k = 10 is
    # on the bound: no recovery (E06 recovered in week 1); k = 11 recovers in week 1.
    for k, rec in ((10, None), (11, 1)):
        out = _weekly(engine, 0.0, [5 * TINY, 0.0], [0.0, k * TINY])
        assert out[1].iloc[0] == (k - 5) * TINY
        assert _marks(out) == (0, rec)


def test_weekly_receipt_reading_term_in_the_running_bound(engine):
    # kills E03: _exact_marks `err = ((err + _read_err(d)) + _read_err(q)) + ...`, the receipts' reading term
    # dropped. On no stock, a demand j ulps (2**-32) above 2**20 and a receipt of 2**20 in week 0: the balance is
    # -j x 2**-32; the bound reads the demand and the receipt (2**-33 each; both sums add ~2**-85): just above
    # 2**-32. j = 1 is a residue (without the receipt's term, 2**-33, E03 read a shortage); j = 2 is a shortage.
    for j, short in ((1, None), (2, 0)):
        out = _weekly(engine, 0.0, [2.0 ** 20 + j * 2.0 ** -32], [2.0 ** 20])
        assert out[0].iloc[0] == -j * 2.0 ** -32
        assert _marks(out) == (short, None)


def test_weekly_sum_rounding_is_at_most_the_lost_operand(engine):
    # kills C10: bk_fast_netting_sum_err (C), `x = y < x ? y : x` -> `x = x`: the |a| operand's cap dropped (a
    # sum's rounding is at most either operand). On hand 2**-35, lost entirely in 2**-35 - 2**20 = -2**20 (half
    # an ulp there is 2**-34): that sum's term is 2**-35, not half an ulp of the sum (2**-33). Week 0 nets to 0
    # (receipt 2**20) with a bound of 2 x 2**-33 + 2**-35 (the demand's and the receipt's reading, that sum);
    # week 1's demand of 2.5 x 2**-33 is beyond it: a shortage in week 1. C10's bound (3 x 2**-33) read a residue.
    out = _weekly(engine, 2.0 ** -35, [2.0 ** 20, 2.5 * 2.0 ** -33], [2.0 ** 20, 0.0])
    assert out[[0, 1]].iloc[0].tolist() == [0.0, -2.5 * 2.0 ** -33]
    assert _marks(out) == (1, None)


def test_weekly_total_balance_sums_in_the_documented_order(engine):
    # kills W02: weekly_roll `total[r] = (on_hand[r] - td) + tr` -> `(on_hand[r] + tr) - td`. On hand 1e16 less
    # demand 1e16 is 0, plus a receipt of 1: a total balance of 1. In the other order 1e16 + 1 rounds to 1e16
    # (ulp 2) and the total was 0.
    out = _weekly(engine, 1e16, [1e16], [1.0])
    assert out["total_balance"].iloc[0] == 1.0
    assert out[0].iloc[0] == 1.0
    assert _marks(out) == (None, None)


def test_weekly_recovery_within_the_quick_bound_is_decided_by_the_running_bound(engine):
    # kills W05: weekly_roll, recovery branch `else: sure = False` -> `pass` (a positive balance within the quick
    # bound left undecided). Week 0: demand 1, short (-1, far beyond any bound). Week 1: a receipt 2 ulps above 1
    # brings the balance to 2**-51: within the quick bound (4 x 3 x 2**-53 x magnitudes ~2, 2.7e-15) but above the
    # running bound (the two reading terms of 1, 2**-52): a recovery in week 1. W05 reported none.
    out = _weekly(engine, 0.0, [1.0, 0.0], [0.0, 1.0 + 2 * 2.0 ** -52])
    assert out[1].iloc[0] == 2.0 ** -51
    assert _marks(out) == (0, 1)


def test_multiple_lot_count_slack_is_a_few_ulps(engine):
    # kills C15: LOT_SLACK 2**-50 -> 2**-40 (a lot count's relative slack). Stock and safety stock 2**20, gross
    # 1000 + 2**-31: a need of 1000 + 4 x 2**-33 (exact), lots of multiples of 1. The count's slack (1000 x 2**-50)
    # plus the need's error bound (~3 x 2**-33: reading the stock, the safety stock, the gross' sum) is below
    # 4 x 2**-33: 1001 multiples. With 2**-40 (9e-10 more) C15 counted 1000, and the recount check (the room, the
    # lot's own rounding and the sum's, ~4 x 2**-33 + 5.5e-13) accepted the 4 x 2**-33 short of ss as a residue.
    s = 2.0 ** 20
    gross = np.array([[1000.0 + 2.0 ** -31]])
    lot = MinMaxMultiple(multiple=1)
    res = bk_fast.net_requirements(gross, s, safety_stock=s, lot=lot, engine=engine)
    assert res.net.tolist() == [[1000.0 + 2.0 ** -31]]
    assert res.planned_receipts.tolist() == [[1001.0]]
    assert res.order_counts.tolist() == [[1]]
    assert res.projected.tolist() == [[s + 1.0 - 2.0 ** -31]]
    ref = bk_fast.net_requirements(gross, s, safety_stock=s, lot=lot, engine="numpy")
    for name in ("projected", "net", "planned_receipts", "order_counts", "planned_releases", "past_due"):
        assert np.array_equal(getattr(res, name), getattr(ref, name)), name


def _plan(engine, gross, on_hand, lot, **kw):
    """``net_requirements`` on ``engine``, checked equal to the numpy reference's plan (bit for bit)."""
    res = bk_fast.net_requirements(gross, on_hand, lot=lot, engine=engine, **kw)
    ref = bk_fast.net_requirements(gross, on_hand, lot=lot, engine="numpy", **kw)
    for name in ("projected", "net", "planned_receipts", "order_counts", "planned_releases", "past_due"):
        assert np.array_equal(getattr(res, name), getattr(ref, name)), name
    return res


def test_lot_equal_to_the_need_adds_no_lot_rounding_to_the_bound(engine):
    # kills L02: _lot_err `4.0 * _read_err(q) if q != nt else 0.0` -> `4.0 * _read_err(q)` (a lot that is the
    # need itself has no rounding of its own). Min/max/multiple with only a max of 2**21: the need of 2**20 in
    # period 0 is its own lot (the bound: reading 2**20, 2**-33). Period 1's need of 2**-32 is beyond that
    # bound: a second order. L02 added 4 x 2**-33 for the first lot and read the 2**-32 short as a residue.
    res = _plan(engine, np.array([[2.0 ** 20, 2.0 ** -32]]), 0.0, MinMaxMultiple(max=2.0 ** 21))
    assert res.planned_receipts.tolist() == [[2.0 ** 20, 2.0 ** -32]]
    assert res.net.tolist() == [[2.0 ** 20, 2.0 ** -32]]
    assert res.order_counts.tolist() == [[1, 1]]
    assert res.projected.tolist() == [[0.0, 0.0]]


def test_lot_min_counted_in_multiples_with_the_relative_slack(engine):
    # kills L05: _mmm_lots `ceil(x - min(x * slack + (e2 / lmult if rem > lmin else 0.0), 0.5)) * lmult`, the
    # relative slack `x * slack` dropped. A need of 0.1 is raised to the min 0.27 (exact: no need's error term),
    # and 0.27 / 0.03 is 9.000000000000002 in float64: 9 multiples of 0.03 (0.27) within the slack (9 x 2**-50).
    # L05 counted 10 (0.3).
    res = _plan(engine, np.array([[0.1]]), 0.0, MinMaxMultiple(min=0.27, multiple=0.03))
    assert res.planned_receipts.tolist() == [[9 * 0.03]]
    assert 9 * 0.03 == 0.27
    assert res.order_counts.tolist() == [[1]]
    assert res.projected.tolist() == [[0.27 - 0.1]]


def test_slack_counted_lot_within_the_sum_rounding_is_kept(engine):
    # kills N09: _net_one's recount check `cur < ss - ((room + _lot_err(q, nt)) + _sum_err(avail, q, cur))`, the
    # sum's term dropped. No stock, safety stock 2**21, gross 2**19 + 14 x 2**-33: the need 2**21 + 2**19 + 16 x
    # 2**-33 (rounded up from 14 x 2**-33) counts 2621440 multiples of 1 within its slack (20 + 5 x 2**-33);
    # that leaves the stock 14 x 2**-33 short of ss, within the room (2.5 x 2**-33), the lot's own rounding
    # (10 x 2**-33) and the sum's (2 x 2**-33): kept, at ss. N09 (12.5 x 2**-33) recounted: 2621441.
    res = _plan(engine, np.array([[2.0 ** 19 + 14 * 2.0 ** -33]]), 0.0, MinMaxMultiple(multiple=1),
                safety_stock=2.0 ** 21)
    assert res.net.tolist() == [[2621440.0 + 16 * 2.0 ** -33]]
    assert res.planned_receipts.tolist() == [[2621440.0]]
    assert res.order_counts.tolist() == [[1]]
    assert res.projected.tolist() == [[2.0 ** 21]]


def test_lot_count_reads_the_needs_own_rounding(engine):
    # kills N11: _net_one, `_mmm_lots(nt, ..., room + nt * ROUNDING, &kf)`, the need's own rounding dropped from
    # its error bound. Stock and safety stock 3 x 2**20, gross 786432 + 16 x 2**-33: a need 16 x 2**-33 above
    # 786432 multiples of 1. Its slack: 786432 x 2**-50 (6 x 2**-33), the room (9 x 2**-33: reading the stock, ss
    # and the gross, the gross' sum) and the need's rounding (0.75 x 2**-33): the count less 15.75 x 2**-33 rounds
    # (ulp 2**-33) to 786432: 786432 lots. Without the need's term N11 counted from 786432 + 2**-33: 786433.
    s = 3 * 2.0 ** 20
    res = _plan(engine, np.array([[786432.0 + 16 * 2.0 ** -33]]), s, MinMaxMultiple(multiple=1), safety_stock=s)
    assert res.net.tolist() == [[786432.0 + 16 * 2.0 ** -33]]
    assert res.planned_receipts.tolist() == [[786432.0]]
    assert res.order_counts.tolist() == [[1]]
    assert res.projected.tolist() == [[s]]


def test_receipt_sum_rounding_counts_in_the_running_bound(engine):
    # kills N18: _net_one `err = (err + _sum_err(avail, q, cur)) + lot_e`, the planned receipt's sum term
    # dropped. Lot-for-lot, safety stock 2**20, no stock: period 0's gross of 1 orders 2**20 + 1, and the sum
    # -1 + (2**20 + 1) adds half an ulp of 2**20 (2**-33) to the bound (reading ss 2**-33, the gross 2**-53).
    # Period 1's gross of k x 2**-33 (its sum adds ~2**-33): k = 3 is within the bound, ~3 x 2**-33 + 2**-53, a
    # residue written off (no order; N18's bound, 2 x 2**-33, ordered it); k = 4 is beyond it: an order of 2**-31.
    for k, rec in ((3, 0.0), (4, 4 * 2.0 ** -33)):
        res = _plan(engine, np.array([[1.0, k * 2.0 ** -33]]), 0.0, None, safety_stock=2.0 ** 20)
        assert res.planned_receipts.tolist() == [[2.0 ** 20 + 1, rec]]
        assert res.order_counts.tolist() == [[1, int(rec > 0)]]
        assert res.projected.tolist() == [[2.0 ** 20, 2.0 ** 20]]


def test_fixed_periods_window_sums_receipts_then_gross(engine):
    # kills N16: _net_one's fixed-periods window `cum = (cum + s[j]) - g[j]` -> `cum + (s[j] - g[j])`. Period
    # 0 is 0.5 short; its order covers periods 0 and 1, where 2**53 arrive and 2**53 + 2 are needed. In the
    # kernel's order -0.5 + 2**53 rounds (ulp 1, to even) to 2**53, then less 2**53 + 2 is -2: an order of 2.
    # N16 summed 2**53 - (2**53 + 2) = -2 first: -2.5, an order of 2.5. Period 1 then nets to 0, not short.
    res = _plan(engine, np.array([[0.5, 2.0 ** 53 + 2]]), 0.0, FixedPeriods(periods=2),
                receipts=np.array([[0.0, 2.0 ** 53]]))
    assert res.net.tolist() == [[0.5, 0.0]]
    assert res.planned_receipts.tolist() == [[2.0, 0.0]]
    assert res.order_counts.tolist() == [[1, 0]]
    assert res.projected.tolist() == [[1.5, 0.0]]


def _two_level_bom(engine):
    lines = pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [2.0]})
    return bk_fast.BOM.from_frame(lines, engine=engine)


def test_mrp_lead_time_beyond_32_bits_releases_before_the_horizon(engine):
    # kills R07: mrp_levels `cdef int64_t lt` -> `cdef int lt` (the lead time cut to 32 bits). A's order of 3 due
    # in period 1 with a lead time of 2**32 + 1 is released 2**32 periods before period 0: past due, exploded into
    # B's gross requirement now (2 x 3 in period 0). R07 read a lead time of 1: a release in period 0, no past due.
    bom = _two_level_bom(engine)
    dem = pd.DataFrame({"item": ["A"], "period": [1], "qty": [3.0]})
    res = bk_fast.mrp(dem, bom, lead_time={"A": 2 ** 32 + 1}, periods=[0, 1, 2], engine=engine)
    ref = bk_fast.mrp(dem, bom, lead_time={"A": 2 ** 32 + 1}, periods=[0, 1, 2], engine="numpy")
    assert list(res.items) == ["A", "B"]
    assert res.past_due.tolist() == [3.0, 0.0]
    assert res.planned_releases.tolist() == [[0.0, 0.0, 0.0], [6.0, 0.0, 0.0]]
    assert res.gross.tolist() == [[0.0, 3.0, 0.0], [6.0, 0.0, 0.0]]
    assert res.orders["release_period"].tolist() == [1 - (2 ** 32 + 1), 0]
    assert np.array_equal(res.past_due, ref.past_due)
    assert np.array_equal(res.planned_releases, ref.planned_releases)
    pd.testing.assert_frame_equal(res.orders, ref.orders)

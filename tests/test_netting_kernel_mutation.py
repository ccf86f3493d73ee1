"""Mutation audit of the Numba netting kernels (``bk_fast/_kernels/_numba/netting.py``): gap tests.

Applied one at a time to a copy of the package, 74 mutants (flipped / off-by-one comparisons and loop bounds,
lead-time offsets, lot min / max / multiple rounding, the Wagner-Whitin cost terms and tie-break, fixed-periods
coverage, safety stock, the running error bound and its write-offs, the quick bound of the weekly roll, past due)
were run against tests/test_netting.py, test_netting_mutation.py, test_lots.py, test_lots_mutation.py and
test_engines.py restricted to the numba engine (``-k "numba or not (cython or numpy)"``).

* 53 killed by the existing tests.
* 12 equivalent (no input tells them apart):
  - weekly_roll ``cur < 0.0`` -> ``<=`` and ``cur > 0.0`` -> ``>=`` (a zero balance then falls to the exact
    marks, which decide as the quick path); dropping ``mag <= QUICK_LIMIT`` (an infinite magnitude gives an
    infinite bound anyway, a finite one stays above the running bound); ``mag = abs(prev)`` -> 0,
    ``mag += abs(d) + abs(q)`` -> ``abs(d)``, and ``k = QUICK_BOUND * (t_len + 1)`` -> ``* t_len`` (the quick
    bound keeps a factor 2 over the running bound: where a balance is within it of 0 the dropped magnitudes are
    at most the kept ones, so the smaller quick bound is still above the running bound and defers as before);
  - _ww ``if dj != 0.0`` -> ``dj > 0.0`` (the pre-pass nets are >= 0); ``best = math.inf`` -> ``0.0`` (the
    first candidate is always taken, ``bi < 0``, and sets ``best``);
  - _mmm_lots ``nt > lmax`` -> ``>=`` (a need of exactly the max counts 0 extra lots either way) and
    ``rem > lmin`` -> ``>=`` in ``last = rem if rem > lmin else lmin`` (the same value at equality);
  - _net_one ``short = avail < ss and ...`` -> ``avail <= ss`` (the second clause, ``avail < ss - room``, or an
    infinite bound that only infinite inputs give, which the API rejects, already implies it);
  - _read_err ``t < READ_FLOOR`` -> ``<=`` (the same value at equality).
* 1 not closed: _net_one's min/max/multiple recount ``cur < ss - (...)`` -> ``<=``: differs only where the
  float sum lands exactly on the threshold; no input found in ~520,000 targeted random cases (lots a few ulps
  short of the need): practically equivalent.
* 8 gaps, each closed below by a test naming its mutant (each verified to fail on its mutant, pass unmodified):
  M13 _exact_marks' receipts sum term, M18 _ww's ``d[i] > 0`` candidate filter, M27 _mmm_lots' half-lot cap
  on the count's slack, M48 the lot's own rounding in the running bound, M51 the multiple's slack applied to a
  lot min, M54 and M55 the Wagner-Whitin pre-pass's order-sum term and safety-stock clamp, M58 the safety
  stock's reading term. Most are in the error-bound bookkeeping: only inputs whose rounding residues sit
  between the bound with and without the term tell them apart, so the tests use exact ulp offsets.

No defect found: on every input here the numba, cython and numpy engines agree bit for bit.
"""

from __future__ import annotations

import numpy as np

import bk_fast
from bk_fast.lots import MinMaxMultiple, WagnerWhitin


def _ulps_above(x: float, n: int) -> float:
    for _ in range(n):
        x = float(np.nextafter(x, np.inf))
    return x


def _same_plan(a, b) -> None:
    for name in ("projected", "net", "planned_receipts", "order_counts", "planned_releases", "past_due"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_weekly_receipt_sum_rounding_counts_in_the_running_bound(engine):
    # kills M13: _exact_marks, `err = ... + _sum_err(prev, d, t1)) + _sum_err(t1, q, cur)`, the receipts' sum
    # term dropped. Week 0 adds a receipt of 1 to 1e6 (a rounding of up to 1e6 x 2**-53 = 1.1e-10); week 1's
    # demand is 3 ulps (3.5e-10) above 1e6: the running bound (reading 1e6 on hand, 1, 1 and the demand, and
    # both week-0 sums: 4.4e-10) reads the -3.5e-10 as a residue, no shortage; without the receipts' term
    # (3.3e-10) it was a shortage week. 4 ulps (4.7e-10) short is beyond the bound: a shortage week.
    for n, short in ((3, False), (4, True)):
        dem = np.array([[1.0, _ulps_above(1e6, n)]])
        out = bk_fast.weekly_balance(np.array([1e6]), dem, np.array([[1.0, 0.0]]), engine=engine)
        assert out.iloc[0, 1] == -n * 2.0 ** -33
        assert out["first_short"].notna().iloc[0] == short
        if short:
            assert out["first_short"].iloc[0] == 1
        ref = bk_fast.weekly_balance(np.array([1e6]), dem, np.array([[1.0, 0.0]]), engine="numpy")
        assert out.equals(ref)


def test_wagner_whitin_orders_only_in_periods_with_a_need(engine):
    # kills M18: _ww, `if d[i] > 0.0:` (only periods with a net requirement are order candidates) dropped. With
    # no holding cost, ordering in the empty period 0 costs the same as in period 1 and came first: the
    # mutant ordered in period 0, a period with no need. Wanted: one order of 10 in period 1 (setup 10 once
    # beats twice; holding is free).
    res = bk_fast.net_requirements(np.array([[0.0, 5.0, 5.0]]), 0.0, lot=WagnerWhitin(setup=10, holding=0),
                                   engine=engine)
    assert res.planned_receipts.tolist() == [[0.0, 10.0, 0.0]]
    assert res.order_counts.tolist() == [[0, 1, 0]]
    assert res.projected.tolist() == [[0.0, 5.0, 0.0]]
    _same_plan(res, bk_fast.net_requirements(np.array([[0.0, 5.0, 5.0]]), 0.0,
                                             lot=WagnerWhitin(setup=10, holding=0), engine="numpy"))


def test_max_lot_count_slack_is_at_most_half_a_lot(engine):
    # kills M27: _mmm_lots, `kf = np.ceil(x - min(x * slack + e2 / lmax, 0.5)) - 1.0`, the cap 0.5 -> 0.999.
    # On hand 1.6e16 (ulp 2) less gross 1.6e16 + 4: a need of exactly 4 whose error bound (reading both, 3.55)
    # is above the max lot of 1.5. The count's slack is capped at half a lot: 4 / 1.5 = 2.67 -> 2 full lots
    # and a last lot of 1 (3 orders, 4 received). With the slack at 0.999 the mutant counted 1 full lot and a
    # capped last lot of 1.5 (2 orders, 3 received: 1 short, read as a residue).
    oh = 1.6e16
    gross = np.array([[oh + 4.0]])
    assert gross[0, 0] - oh == 4.0
    res = bk_fast.net_requirements(gross, oh, lot=MinMaxMultiple(max=1.5), engine=engine)
    assert res.net.tolist() == [[4.0]]
    assert res.planned_receipts.tolist() == [[4.0]]
    assert res.order_counts.tolist() == [[3]]
    assert res.projected.tolist() == [[0.0]]
    _same_plan(res, bk_fast.net_requirements(gross, oh, lot=MinMaxMultiple(max=1.5), engine="numpy"))


def test_multiple_lot_rounding_widens_the_later_residue_room(engine):
    # kills M48: _net_one, `err = (err + _sum_err(avail, q, cur)) + lot_e`, the lot's own rounding (lot_e)
    # dropped from the running bound. The lot of 70842 x 0.03 = 2125.2599999999998 for the need 2125.26 adds
    # 4 x 2**-53 x 2125.26 (9.4e-13) to the bound, less the 4.5e-13 it wrote off: a next period 5e-13 short is a
    # residue (no order); without lot_e the mutant ordered a multiple of 0.03 for it. 1e-12 short is beyond.
    lot = MinMaxMultiple(multiple=0.03)
    res = bk_fast.net_requirements(np.array([[2125.26, 5e-13]]), 0.0, lot=lot, engine=engine)
    assert res.planned_receipts.tolist() == [[70842 * 0.03, 0.0]]
    assert res.net.tolist() == [[2125.26, 0.0]]
    assert res.order_counts.tolist() == [[1, 0]]
    assert res.projected.tolist() == [[0.0, 0.0]]
    _same_plan(res, bk_fast.net_requirements(np.array([[2125.26, 5e-13]]), 0.0, lot=lot, engine="numpy"))
    res = bk_fast.net_requirements(np.array([[2125.26, 1e-12]]), 0.0, lot=lot, engine=engine)
    assert res.planned_receipts.tolist() == [[70842 * 0.03, 0.03]]
    assert res.order_counts.tolist() == [[1, 1]]


def test_lot_min_rounded_up_to_a_multiple_without_slack(engine):
    # kills M51: _mmm_lots, `(e2 / lmult if rem > lmin else 0.0)`, the need's error slack applied to a lot that
    # is the min (not the need) too. A need of 4 (on hand 1.6e16 less 1.6e16 + 4: its bound is 3.55) under a min
    # of 10: the min, exact, rounds up to 4 multiples of 3 = 12. With the slack the mutant rounded 10 / 3 = 3.33
    # less 0.5 up to 3 multiples: a lot of 9, below the min.
    oh = 1.6e16
    gross = np.array([[oh + 4.0]])
    lot = MinMaxMultiple(min=10, multiple=3)
    res = bk_fast.net_requirements(gross, oh, lot=lot, engine=engine)
    assert res.planned_receipts.tolist() == [[12.0]]
    assert res.order_counts.tolist() == [[1]]
    assert res.projected.tolist() == [[8.0]]
    _same_plan(res, bk_fast.net_requirements(gross, oh, lot=lot, engine="numpy"))


def test_wagner_whitin_prepass_bound_counts_the_order_sum(engine):
    # kills M54: _net_one's Wagner-Whitin pre-pass, `err = err + _sum_err(avail, dp, prev)` dropped. Safety
    # stock and on hand 1e6; period 0 is 1 short (net 1, prev back at 1e6: a sum rounding of up to 1.1e-10);
    # period 1's gross of 5 ulps of 1e6 (5.8e-10) is within the bound with that term (a residue: no net), beyond
    # it without: the mutant netted it, and the one lot grew to 1.0000000005820766.
    gross = np.array([[1.0, 5 * 2.0 ** -33]])
    lot = WagnerWhitin(setup=100, holding=1)
    res = bk_fast.net_requirements(gross, 1e6, safety_stock=1e6, lot=lot, engine=engine)
    assert res.planned_receipts.tolist() == [[1.0, 0.0]]
    assert res.net.tolist() == [[1.0, 0.0]]
    assert res.order_counts.tolist() == [[1, 0]]
    assert res.projected.tolist() == [[1e6, 1e6]]
    _same_plan(res, bk_fast.net_requirements(gross, 1e6, safety_stock=1e6, lot=lot, engine="numpy"))


def test_wagner_whitin_prepass_stock_is_at_least_the_safety_stock(engine):
    # kills M55: _net_one's Wagner-Whitin pre-pass, `if dp > 0.0 and prev < ss:` (stock back at the safety stock
    # where avail + dp rounds below it) dropped. ss 8.27, gross 2219.79 then 5: (-2219.79 + 2228.06) is
    # 8.269999999999982, read as 8.27; so period 1 nets exactly 8.27 - 3.27 = 5.0. The mutant carried the
    # 1.8e-14 residue and netted 5.000000000000018 (projected 8.270000000000017).
    gross = np.array([[2219.79, 5.0]])
    lot = WagnerWhitin(setup=1, holding=100)
    res = bk_fast.net_requirements(gross, 0.0, safety_stock=8.27, lot=lot, engine=engine)
    assert res.planned_receipts.tolist() == [[2228.06, 5.0]]
    assert res.net.tolist() == [[2228.06, 5.0]]
    assert res.order_counts.tolist() == [[1, 1]]
    assert res.projected.tolist() == [[8.27, 8.27]]
    _same_plan(res, bk_fast.net_requirements(gross, 0.0, safety_stock=8.27, lot=lot, engine="numpy"))


def test_safety_stock_reading_counts_in_the_bound(engine):
    # kills M58: _net_one, `err0 = _read_err(on_hand) + _read_err(ss)`, the safety stock's reading term dropped.
    # On hand and safety stock 1e6 (each read to within 1.1e-10), gross 3 ulps of 1e6 (3.5e-10): within the
    # bound (3.3e-10 and the sum's rounding), a residue: no order; the mutant ordered 3.5e-10. 4 ulps are short.
    for n, want in ((3, 0.0), (4, 4 * 2.0 ** -33)):
        gross = np.array([[n * 2.0 ** -33]])
        res = bk_fast.net_requirements(gross, 1e6, safety_stock=1e6, engine=engine)
        assert res.planned_receipts.tolist() == [[want]]
        assert res.order_counts.tolist() == [[int(want > 0)]]
        assert res.projected.tolist() == [[1e6]]
        _same_plan(res, bk_fast.net_requirements(gross, 1e6, safety_stock=1e6, engine="numpy"))

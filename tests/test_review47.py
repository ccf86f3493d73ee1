"""Review rev47 of af274fd (allocate's partial=False min_shipment threshold), aeba785 (net_requirements' past-due
overflow) and c38172b (a wide frame's period columns read by position). Each test asserts hand-computed values
on every available engine. The defects found:

- ``allocate(partial=False, min_shipment=...)`` applied the rounding tolerance twice after af274fd: once when
  the Python layer keeps an order up to the tolerance below min_shipment, and again in the kernel, whose
  threshold for a complete shipment was the qty up to its tolerance. A lone order then got a delivery about two
  tolerances below min_shipment, beyond the documented ``2**-20 x min_shipment``, where ``partial=True`` (the
  less restrictive mode) gives the same order nothing. Fixed: the kernels' threshold without partial is
  ``max(qty, min_shipment)``'s (the xfail marker removed).
- Overflow paths aeba785 left open (strict xfails in 30ce9fe, fixed since: the totals are checked where the plan is
  made, and cost counts a holding cost of 0 as 0 and names an overflow): ``NettingResult.summary``'s
  ``total_gross`` / ``total_planned`` are inf (a RuntimeWarning only) for a plan whose every number is finite, in
  ``net_requirements`` and ``mrp``; and
  ``NettingResult.cost`` is NaN (``0 x inf``) with a holding cost of 0 when the projected stock adds up beyond
  the float range, or inf with a holding cost > 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bk_fast

#: the lowest order the Python layer keeps against min_shipment 1.0 when the item's tolerance exceeds 2**-20 x
#: qty: q >= 1 - q x 2**-20 (q = 1 / (1 + 2**-20) rounded up)
_Q = 0.9999990463265931
#: the free supply that the kernel's complete-shipment test accepts for it: q - q x 2**-20, 1.9e-6 below 1.0
_G = 0.9999980926531862


def _double_tolerance_case():
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": [_Q], "priority": [1], "due": [2]})
    # (+1e10 then -1e10: the item's magnitude, 2e10, makes its tolerance 9 x 2**-53 x 2e10 = 2.0e-5, above the
    # 2**-20 x qty cap; period 2, the order's, holds _G exactly free)
    supply = pd.DataFrame({"item": ["Y"] * 3, "period": [0, 1, 2], "qty": [1e10, -1e10, _G]})
    return orders, supply


def test_double_tolerance_constants_are_as_stated():
    """The two constants above are what their comments say (so the allocation test below is about them)."""
    s = 2.0 ** -20
    assert _Q >= 1.0 - _Q * s and not np.nextafter(_Q, 0.0) >= 1.0 - np.nextafter(_Q, 0.0) * s
    assert _G == _Q - _Q * s and 1.0 - _G > s


@pytest.mark.parametrize("partial", [True, False])
def test_no_delivery_two_tolerances_below_min_shipment(engine, partial):
    """An order of _Q (within the tolerance below min_shipment 1.0) with _G free in its period: a delivery of
    _G would be 1.9e-6 below the minimum, twice the documented ``2**-20 x min_shipment``. partial=True leaves
    the order short (its threshold 1 - _Q x 2**-20 is above _G); partial=False, which only adds the condition
    that the shipment be complete, must not ship more: delivered 0, short _Q, no delivery. (After af274fd the
    kernel shipped _G with partial=False, its threshold being the order's own, _Q up to its tolerance; it is now
    max(qty, min_shipment)'s, as partial=True's.)"""
    orders, supply = _double_tolerance_case()
    res = bk_fast.allocate(orders, supply, partial=partial, min_shipment=1.0, engine=engine)
    assert res.orders["delivered"].tolist() == [0.0]
    assert res.orders["short"].tolist() == [_Q]
    assert res.deliveries["qty"].tolist() == []


def test_complete_order_at_min_shipment_ships_within_one_tolerance(engine):
    """The accepted side of the same threshold: an order of exactly 1.0 (= min_shipment) with 1 - 2**-20 free
    ships complete with partial=False, one delivery of what was free (the residue 2**-20 is the order's
    tolerance, min(2.0e-5, 1.0 x 2**-20)), delivered 1.0 and short 0."""
    orders, supply = _double_tolerance_case()
    orders["qty"] = [1.0]
    supply["qty"] = [1e10, -1e10, 1.0 - 2.0 ** -20]
    res = bk_fast.allocate(orders, supply, partial=False, min_shipment=1.0, engine=engine)
    assert res.orders["delivered"].tolist() == [1.0]
    assert res.orders["short"].tolist() == [0.0]
    assert res.deliveries["qty"].tolist() == [1.0 - 2.0 ** -20]


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_net_requirements_summary_totals_beyond_the_float_range(engine):
    """Gross 1e308 in each of two periods, nothing on hand, lead time 0: every period's number is finite
    (planned receipts 1e308 each, projected 0), but the item's total gross and total planned are 2e308. As for
    the past due (aeba785), that is the ValueError naming the item, from net_requirements or from summary,
    never an inf total."""
    with pytest.raises(ValueError, match="overflow the float range"):
        bk_fast.net_requirements(np.array([[1e308, 1e308]]), 0.0, engine=engine).summary


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_mrp_summary_totals_beyond_the_float_range(engine):
    """The same through mrp: X needs 1e308 in periods 0 and 1, one Y per X; each period is finite, the totals
    2e308. The ValueError naming the item, from mrp or from summary."""
    demand = pd.DataFrame({0: [1e308], 1: [1e308]}, index=["X"])
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["X"], "component": ["Y"], "qty_per": [1.0]}))
    with pytest.raises(ValueError, match="overflow the float range"):
        bk_fast.mrp(demand, bom, engine=engine).summary


@pytest.mark.filterwarnings("ignore:overflow encountered", "ignore:invalid value encountered")
@pytest.mark.parametrize("setup", [0.0, 1.0])
def test_cost_with_no_holding_cost_of_a_huge_stock(engine, setup):
    """1e308 on hand and no demand: projected 1e308 in both periods (each finite), no orders. With a holding
    cost of 0 the plan costs setup x 0 orders + 0 = 0.0, whatever the stock; main gives NaN."""
    res = bk_fast.net_requirements(np.zeros((1, 2)), 1e308, engine=engine)
    assert res.projected.tolist() == [[1e308, 1e308]] and res.order_counts.sum() == 0
    assert res.cost(setup, 0.0).tolist() == [0.0]


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_cost_beyond_the_float_range(engine):
    """The same plan with a holding cost of 1: 1 x (1e308 + 1e308) is beyond the float range; the ValueError
    naming the overflow rather than an inf cost."""
    res = bk_fast.net_requirements(np.zeros((1, 2)), 1e308, engine=engine)
    with pytest.raises(ValueError, match="overflow"):
        res.cost(0.0, 1.0)


@pytest.mark.parametrize("labels", [[True, False], [np.True_, np.False_]])
def test_bool_period_columns_beside_an_item_column(engine, labels):
    """c38172b's position read with an item column too (its test has the items in the index): columns 'item',
    True, False; the net 5 then 1, the weekly balance -5 then -6 (before: 'Item wrong length 2 instead of 1')."""
    gross = pd.DataFrame({"item": ["a"], "p": [5.0], "q": [1.0]})
    gross.columns = pd.Index(["item", *labels], dtype=object)
    res = bk_fast.net_requirements(gross, 0.0, engine=engine)
    assert res.items.tolist() == ["a"] and res.periods.tolist() == [True, False]
    assert res.net.tolist() == [[5.0, 1.0]]
    bal = bk_fast.weekly_balance(0.0, gross, engine=engine)
    assert bal.loc["a", True] == -5.0 and bal.loc["a", False] == -6.0

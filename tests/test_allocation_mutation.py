"""Mutation audit of the pandas-facing layer of bk_fast.allocation (allocate, allocate_kits and their helpers):
each test pins a behaviour that a small change of that layer (a comparison, a bound, a bit width, a dropped
guard) altered while the existing tests still passed (or passed without dask). Expected values are computed by
hand in each docstring."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from bk_fast.allocation import allocate, allocate_kits


def _two_orders(priority, due, qty=(5.0, 5.0)):
    """Orders 1 and 2 of item "Y" (rows in that order) with the given priorities and dues."""
    return pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": list(qty), "priority": priority,
                         "due": due})


def _on_hand(qty=5.0, period=0):
    """One supply row of item "Y": ``qty`` at ``period``."""
    return pd.DataFrame({"item": ["Y"], "period": [period], "qty": [qty]})


def _dated_one_order(due, period, unit="ns"):
    """One order of 5 of item "Y" due at ``due``; 5 of supply at ``period`` (datetime64 of ``unit``)."""
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": [5.0], "priority": [1],
                           "due": pd.Series(pd.to_datetime([due])).astype(f"datetime64[{unit}]")})
    supply = pd.DataFrame({"item": ["Y"], "period": pd.Series(pd.to_datetime([period])).astype(
        f"datetime64[{unit}]"), "qty": [5.0]})
    return orders, supply


def _ns(*values):
    """A datetime64[ns] Series of ``values`` (ISO text)."""
    return pd.Series(np.array(values, dtype="datetime64[ns]"))


def test_integer_periods_near_2_53_deliver_at_the_exact_period(engine):
    """Integer dues and periods beyond 2**52 in magnitude: the period of a delivery is the due when on time
    (order 1, due 10, served from the on hand of period 0) and the supply period when late (order 2, due
    -(2**53 - 1), served at period 2**53 - 2). due + days_late would round there: the lateness 2**54 - 3 is
    2**54 - 4 in float64, and -(2**53 - 1) + 2**54 - 4 is 2**53 - 3."""
    orders = _two_orders([1, 2], [10, -(2 ** 53 - 1)])
    supply = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 2 ** 53 - 2], "qty": [5.0, 5.0]})
    res = allocate(orders, supply, engine=engine)
    d = res.deliveries
    assert d["order"].tolist() == [1, 2]
    assert d["period"].dtype == np.int64
    assert d["period"].tolist() == [10, 2 ** 53 - 2]
    assert d["qty"].tolist() == [5.0, 5.0]


@pytest.mark.parametrize("limit", [datetime.timedelta(hours=36), np.timedelta64(36, "h"), pd.Timedelta(hours=36),
                                   1.5])
def test_max_lateness_of_36_hours_on_an_hourly_axis(engine, limit):
    """Due 2024-01-01 00:00, receipt 2024-01-02 12:00: 36 hours late, on an axis of hour steps (24 a day).
    max_lateness of 36 hours (a standard-library timedelta of 1 day and 43,200 s, a NumPy duration in hours,
    a Timedelta, or 1.5 days) is 36 steps: the delivery is made, 1.5 days late. 35 hours is too little."""
    orders, supply = _dated_one_order("2024-01-01 00:00", "2024-01-02 12:00")
    res = allocate(orders, supply, max_lateness=limit, engine=engine)
    assert res.orders["delivered"].tolist() == [5.0]
    assert res.deliveries["days_late"].tolist() == [1.5]
    assert res.deliveries["period"].tolist() == [pd.Timestamp("2024-01-02 12:00")]
    res = allocate(orders, supply, max_lateness=datetime.timedelta(hours=35), engine=engine)
    assert res.orders["delivered"].tolist() == [0.0]


def test_late_delivery_date_in_a_coarser_due_unit_rounds_down(engine):
    """A due in seconds (datetime64[s]) and a receipt at 2024-01-03 00:00:00.75 (datetime64[ns]): the late
    delivery's period is given in the due's unit, the finer supply time rounded down, 2024-01-03 00:00:00
    (not up to 00:00:01); days_late is the exact 2 days and 0.75 s."""
    orders, _ = _dated_one_order("2024-01-01", "2024-01-01", unit="s")
    supply = pd.DataFrame({"item": ["Y"], "period": pd.to_datetime(["2024-01-03 00:00:00.75"]).astype(
        "datetime64[ns]"), "qty": [5.0]})
    res = allocate(orders, supply, engine=engine)
    d = res.deliveries
    assert d["period"].dtype == "datetime64[s]"
    assert d["period"].tolist() == [pd.Timestamp("2024-01-03 00:00:00")]
    assert d["days_late"].tolist() == [2 + 0.75 / 86_400]


def test_kits_missing_due_is_served_first_among_equal_priorities(engine):
    """allocate_kits: a missing due means now, first among equal priorities. K2 (due NaN) is served before K1
    (due 5, the first row and the lower id), so K2 makes 5 lbs of the 5 on hand and K1 none (NaN sorted
    last served K1 first)."""
    orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [5.0, 5.0], "priority": [1, 1], "due": [5.0, np.nan]})
    req = pd.DataFrame({"order": ["K1", "K2"], "item": ["Y", "Y"], "fraction": [1.0, 1.0]})
    supply = pd.DataFrame({"item": ["Y"], "period": [0], "qty": [5.0]})
    res = allocate_kits(orders, req, supply, engine=engine)
    assert res.orders["knittable"].tolist() == [0.0, 5.0]
    assert res.lines["order"].tolist() == ["K2", "K1"]


def test_kits_without_supply_periods_serve_any_due(engine):
    """allocate_kits without a supply period column: everything is on hand, also for an order due at a
    negative period (-5 finds the whole 5, not nothing as if the on hand were at period 0)."""
    orders = pd.DataFrame({"order": ["K1"], "qty": [5.0], "priority": [1], "due": [-5]})
    req = pd.DataFrame({"order": ["K1"], "item": ["Y"], "fraction": [1.0]})
    supply = pd.DataFrame({"item": ["Y"], "qty": [5.0]})
    res = allocate_kits(orders, req, supply, engine=engine)
    assert res.orders["knittable"].tolist() == [5.0]
    assert res.lines["available"].tolist() == [5.0]


def test_uint64_order_ids_beyond_int64_tie_by_their_value(engine):
    """Equal priority and due: the lower order id is served first, also for uint64 ids beyond int64's max
    (2**63 before 2**64 - 1, although 2**64 - 1 is the first row)."""
    orders = pd.DataFrame({"order": np.array([2 ** 64 - 1, 2 ** 63], dtype=np.uint64), "item": ["Y", "Y"],
                           "qty": [5.0, 5.0], "priority": [1, 1], "due": [0, 0]})
    res = allocate(orders, _on_hand(), engine=engine)
    assert res.orders["delivered"].tolist() == [0.0, 5.0]
    assert res.deliveries["order"].tolist() == [2 ** 63]


@pytest.mark.parametrize("start, step", [(5, 1), (0, 2), (10, 3)])
def test_shortfalls_keep_the_labels_of_a_range_index(engine, start, step):
    """The shortfalls are indexed like the orders: rows 1 and 2 of a RangeIndex(start, .., step) are labels
    start + step and start + 2 * step (orders 2 and 3 of 5 each find nothing after order 1 takes the 5)."""
    orders = pd.DataFrame({"order": [1, 2, 3], "item": ["Y"] * 3, "qty": [5.0] * 3, "priority": [1, 2, 3],
                           "due": [0, 0, 0]}, index=pd.RangeIndex(start, start + 3 * step, step))
    res = allocate(orders, _on_hand(), engine=engine)
    assert res.shortfalls.index.tolist() == [start + step, start + 2 * step]
    assert res.shortfalls["order"].tolist() == [2, 3]


def test_late_delivery_date_is_its_supply_rows_date_when_rows_are_unsorted(engine):
    """Supply rows out of period order, with a repeated (item, period): 5 on 2024-01-10 (row 0), then 0 and 0
    on 2024-01-05 (rows 1 and 2). The order due 2024-01-01 is served late from 2024-01-10, the date of row
    0, 9 days late (the rows of the sorted timeline, 1 or 2, gave 2024-01-05)."""
    orders, _ = _dated_one_order("2024-01-01", "2024-01-01")
    supply = pd.DataFrame({"item": ["Y"] * 3, "qty": [5.0, 0.0, 0.0],
                           "period": _ns("2024-01-10", "2024-01-05", "2024-01-05")})
    d = allocate(orders, supply, engine=engine).deliveries
    assert d["period"].tolist() == [pd.Timestamp("2024-01-10")]
    assert d["days_late"].tolist() == [9.0]
    assert d["qty"].tolist() == [5.0]


def test_kits_without_requirement_lines_keep_unsigned_item_ids():
    """allocate_kits with no requirement rows of a uint64 item column: nothing limits, and limiting_item is
    missing in UInt64 (the item ids' unsigned kind), not Int64; every order can make its whole qty."""
    orders = pd.DataFrame({"order": ["K1"], "qty": [3.0], "priority": [1]})
    req = pd.DataFrame({"order": pd.Series([], dtype=object), "item": pd.Series([], dtype=np.uint64),
                        "fraction": pd.Series([], dtype=np.float64)})
    supply = pd.DataFrame({"item": np.array([7], dtype=np.uint64), "qty": [1.0]})
    res = allocate_kits(orders, req, supply)
    assert str(res.orders["limiting_item"].dtype) == "UInt64"
    assert res.orders["limiting_item"].isna().tolist() == [True]
    assert res.orders["knittable"].tolist() == [3.0]


def test_kits_dated_axis_counts_an_orders_due_from_its_items_first_day(engine):
    """allocate_kits, nanosecond dates spanning 153 days (each connected order-item component gets its own
    origin): K1 needs item X (the first supply item), 5 on 2024-01-01 and 5 on 2024-01-03; due 2024-01-05
    it finds both (10). Counted from its own due's day instead of X's first day, the due fell in X's first
    period and K1 found 5."""
    orders = pd.DataFrame({"order": ["K1"], "qty": [10.0], "priority": [1], "due": _ns("2024-01-05")})
    req = pd.DataFrame({"order": ["K1"], "item": ["X"], "fraction": [1.0]})
    supply = pd.DataFrame({"item": ["X", "X", "Z"], "qty": [5.0, 5.0, 1.0],
                           "period": _ns("2024-01-01", "2024-01-03", "2024-06-01T00:00:00.000000001")})
    res = allocate_kits(orders, req, supply, engine=engine)
    assert res.orders["knittable"].tolist() == [10.0]
    assert res.lines["available"].tolist() == [10.0]


def test_kits_equal_priorities_go_by_due_instants_across_components(engine):
    """allocate_kits: K2 (due 2024-01-05) comes before K1 (due 2024-06-01) at equal priority, also when they
    share no item and the nanosecond axis counts each component from its own first day (K1's due is day 0
    of its component, K2's day 4 of its own): the lines list K2 first."""
    orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [1.0, 1.0], "priority": [1, 1],
                           "due": _ns("2024-06-01", "2024-01-05")})
    req = pd.DataFrame({"order": ["K1", "K2"], "item": ["A", "B"], "fraction": [1.0, 1.0]})
    supply = pd.DataFrame({"item": ["A", "B"], "qty": [1.0, 1.0],
                           "period": _ns("2024-06-01", "2024-01-01T00:00:00.000000001")})
    res = allocate_kits(orders, req, supply, engine=engine)
    assert res.lines["order"].tolist() == ["K2", "K1"]
    assert res.orders["knittable"].tolist() == [1.0, 1.0]


def test_float_priorities_at_minus_2_53_order_exactly(engine):
    """Float priorities 2**53 - 3 and 2**53 - 4 beside -2**53: packed as offsets from -2**53 they would be
    2**54 - 3 and 2**54 - 4, one float64 value, and the earlier due (order 1) broke the tie. Order 2 (the lower
    priority 2**53 - 4) takes the 5 on hand; order 3 (qty 0) needs nothing."""
    orders = pd.DataFrame({"order": [1, 2, 3], "item": ["Y"] * 3, "qty": [5.0, 5.0, 0.0],
                           "priority": [2.0 ** 53 - 3, 2.0 ** 53 - 4, -(2.0 ** 53)], "due": [0, 1, 0]})
    res = allocate(orders, _on_hand(), engine=engine)
    assert res.orders["delivered"].tolist() == [0.0, 5.0, 0.0]
    assert res.shortfalls["order"].tolist() == [1]


def test_integer_due_beyond_2_53_names_the_first_row_beyond_it():
    """Dues 2**53 (row 'a', within the bound) and -(2**53) - 1 (row 'b', beyond): the error names row 'b'."""
    orders = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [5.0, 5.0], "priority": [1, 1],
                           "due": np.array([2 ** 53, -(2 ** 53) - 1], dtype=np.int64)}, index=["a", "b"])
    with pytest.raises(ValueError, match=r"row 'b': -9007199254740993 is beyond 2\*\*53"):
        allocate(orders, _on_hand())


def test_due_in_seconds_and_supply_in_nanoseconds_share_one_axis(engine):
    """Due 2024-01-01 12:00:00 (datetime64[s]); supply 5 at 06:00 and 5 at 18:00:00.5 (datetime64[ns]) of
    that day: the 5 of 06:00 is on time, the 5 of 18:00:00.5 is 6 hours and 0.5 s late (0.25000578... days),
    delivered at 18:00:00 in the due's unit (seconds, rounded down)."""
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": [10.0], "priority": [1],
                           "due": pd.Series(pd.to_datetime(["2024-01-01 12:00"])).astype("datetime64[s]")})
    supply = pd.DataFrame({"item": ["Y", "Y"], "qty": [5.0, 5.0],
                           "period": _ns("2024-01-01T06:00", "2024-01-01T18:00:00.5")})
    d = allocate(orders, supply, engine=engine).deliveries
    assert d["qty"].tolist() == [5.0, 5.0]
    assert d["days_late"].tolist() == [0.0, (6 * 3600 + 0.5) / 86_400]
    assert d["period"].tolist() == [pd.Timestamp("2024-01-01 12:00"), pd.Timestamp("2024-01-01 18:00")]


def test_order_within_the_tolerance_below_min_shipment_ships_with_partial(engine):
    """min_shipment compares up to the rounding tolerance (allocate's Notes): an order of 0.3 with
    min_shipment 0.1 + 0.2 (0.30000000000000004, one ulp more; the item's tolerance is 5 x 2**-53 x 1.0)
    ships its 0.3 on time with partial=True."""
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": [0.3], "priority": [1], "due": [0]})
    res = allocate(orders, _on_hand(1.0), min_shipment=0.1 + 0.2, engine=engine)
    assert res.orders["delivered"].tolist() == [0.3]
    assert res.orders["on_time"].tolist() == [0.3]
    assert res.deliveries["qty"].tolist() == [0.3]


@pytest.mark.parametrize("min_shipment, delivered", [(0.1 + 0.2, 0.3), (0.3, 0.3), (0.31, 0.0)])
def test_order_within_the_tolerance_below_min_shipment_ships_without_partial(engine, min_shipment, delivered):
    """The same order with partial=False (the audit's defect): the Python layer dropped an order whose qty is
    below min_shipment by a strict ``qty < min_shipment``, so 0.3 against 0.1 + 0.2 stayed short, where the Notes
    say partial=False and min_shipment compare up to the same tolerance and partial=True ships it. Now it ships
    its one complete delivery; 0.31 (beyond the tolerance) still leaves it short."""
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": [0.3], "priority": [1], "due": [0]})
    res = allocate(orders, _on_hand(1.0), partial=False, min_shipment=min_shipment, engine=engine)
    assert res.orders["delivered"].tolist() == [delivered]
    assert res.orders["short"].tolist() == [0.3 - delivered]
    assert res.deliveries["qty"].tolist() == ([0.3] if delivered else [])


def test_service_order_of_priorities_beyond_63_bits_is_a_rank_not_a_permutation(engine):
    """Priorities 2**62, -2**62 and 0 span 2**63, beyond a packed key: the service order comes from a lexsort,
    whose rank per row (2, 0, 1) serves order 2 (priority -2**62) first with the 5 on hand. Using the sort
    permutation (1, 2, 0) as ranks served order 3 first."""
    orders = pd.DataFrame({"order": [1, 2, 3], "item": ["Y"] * 3, "qty": [5.0] * 3,
                           "priority": [2 ** 62, -(2 ** 62), 0], "due": [0, 0, 0]})
    res = allocate(orders, _on_hand(), engine=engine)
    assert res.orders["delivered"].tolist() == [0.0, 5.0, 0.0]
    assert res.shortfalls["order"].tolist() == [1, 3]


def test_object_dates_in_the_callers_frames_are_left_alone(engine):
    """Dues and periods as object columns of Timestamps are read as dates (delivered on time at the due, 5 of
    5) in a copy: the caller's frames keep their object columns."""
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": [5.0], "priority": [1],
                           "due": pd.Series([pd.Timestamp("2024-01-05")], dtype=object)})
    supply = pd.DataFrame({"item": ["Y"], "qty": [5.0], "period": pd.Series([pd.Timestamp("2024-01-01")],
                                                                              dtype=object)})
    before_o, before_s = orders.copy(), supply.copy()
    res = allocate(orders, supply, engine=engine)
    assert res.deliveries["period"].tolist() == [pd.Timestamp("2024-01-05")]
    pd.testing.assert_frame_equal(orders, before_o)
    pd.testing.assert_frame_equal(supply, before_s)
    assert orders["due"].dtype == object and supply["period"].dtype == object


def test_late_delivery_date_in_a_finer_due_unit(engine):
    """Due in nanoseconds, receipt 2024-01-03 in seconds (datetime64[s]): the late delivery's period is
    2024-01-03 in the due's unit (the seconds scaled to nanoseconds), 2 days late."""
    orders, _ = _dated_one_order("2024-01-01", "2024-01-01")
    supply = pd.DataFrame({"item": ["Y"], "qty": [5.0],
                           "period": pd.Series(pd.to_datetime(["2024-01-03"])).astype("datetime64[s]")})
    d = allocate(orders, supply, engine=engine).deliveries
    assert d["period"].dtype == "datetime64[ns]"
    assert d["period"].tolist() == [pd.Timestamp("2024-01-03")]
    assert d["days_late"].tolist() == [2.0]


def test_kits_equal_priorities_without_due_go_by_order_id(engine):
    """allocate_kits: ties of priority (no due) go to the lower order id, here the second row: K1 makes the
    4 of the 4 on hand, K2 none; the lines list K1 first."""
    orders = pd.DataFrame({"order": ["K2", "K1"], "qty": [4.0, 4.0], "priority": [1, 1]})
    req = pd.DataFrame({"order": ["K2", "K1"], "item": ["Y", "Y"], "fraction": [1.0, 1.0]})
    supply = pd.DataFrame({"item": ["Y"], "qty": [4.0]})
    res = allocate_kits(orders, req, supply, engine=engine)
    assert res.orders["knittable"].tolist() == [0.0, 4.0]
    assert res.lines["order"].tolist() == ["K1", "K2"]


def test_kits_dated_dues_beside_an_empty_supply_with_period_numbers(engine):
    """allocate_kits: dated dues beside a supply without rows whose period column holds numbers are no
    mismatch (there is nothing to compare): the order finds no material, knittable 0, short 3."""
    orders = pd.DataFrame({"order": ["K1"], "qty": [3.0], "priority": [1], "due": _ns("2024-01-05")})
    req = pd.DataFrame({"order": ["K1"], "item": ["Y"], "fraction": [1.0]})
    supply = pd.DataFrame({"item": pd.Series([], dtype=object), "period": pd.Series([], dtype=np.int64),
                           "qty": pd.Series([], dtype=np.float64)})
    res = allocate_kits(orders, req, supply, engine=engine)
    assert res.orders["knittable"].tolist() == [0.0]
    assert res.orders["short"].tolist() == [3.0]


def test_dated_dues_beside_an_empty_supply_with_period_numbers(engine):
    """allocate: dated dues beside a supply without rows whose period column holds numbers are no mismatch
    (nothing to compare): the order of 5 gets nothing and is short 5; and the same for an empty orders frame
    with integer dues beside dated supply periods (no deliveries, no shortfalls)."""
    orders, _ = _dated_one_order("2024-01-05", "2024-01-05")
    supply = pd.DataFrame({"item": pd.Series([], dtype=object), "period": pd.Series([], dtype=np.int64),
                           "qty": pd.Series([], dtype=np.float64)})
    res = allocate(orders, supply, engine=engine)
    assert res.orders["short"].tolist() == [5.0]
    assert res.shortfalls["qty_short"].tolist() == [5.0]
    assert len(res.deliveries) == 0
    no_orders = pd.DataFrame({"order": pd.Series([], dtype=np.int64), "item": pd.Series([], dtype=object),
                              "qty": pd.Series([], dtype=np.float64), "priority": pd.Series([], dtype=np.int64),
                              "due": pd.Series([], dtype=np.int64)})
    res = allocate(no_orders, _dated_one_order("2024-01-05", "2024-01-05")[1], engine=engine)
    assert len(res.deliveries) == 0 and len(res.shortfalls) == 0 and len(res.orders) == 0


def test_integer_order_qty_of_exactly_2_53_is_an_error():
    """An integer qty of exactly 2**53 is "2**53 or more" (float64 would round 2**53 + 1 to it): a ValueError
    naming the row."""
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": np.array([2 ** 53], dtype=np.int64),
                           "priority": [1], "due": [0]}, index=["r0"])
    with pytest.raises(ValueError, match=r"row 'r0': 9007199254740992 is 2\*\*53 or more"):
        allocate(orders, _on_hand())


@pytest.mark.parametrize("partial", ["no", 0, None])
def test_partial_must_be_a_bool(partial):
    """partial is True or False: text such as "no" (truthy), 0 or None is a TypeError naming the value, not
    read by its truth value."""
    orders = pd.DataFrame({"order": [1], "item": ["Y"], "qty": [5.0], "priority": [1], "due": [0]})
    with pytest.raises(TypeError, match=f"partial must be True or False, got {partial!r}"):
        allocate(orders, _on_hand(), partial=partial)

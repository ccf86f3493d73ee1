"""Time-phased netting (bk_fast.netting), its pandas-facing layer: cases a mutation audit of netting.py found
unchecked by the other tests (per-item parameter checks, the weekly total's overflow, result fields). Each test
asserts hand-computed values or the exact error, on every available engine where the kernels take part. The
audit found one defect, fixed since: net_requirements returned an infinite past-due quantity silently where mrp
raises."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast.lots import MinMaxMultiple


def test_weekly_total_beyond_the_float_range_is_an_error(engine):
    """The weekly roll leaves the past-due receipts out, the total takes them in: 1e308 past due and 1e308
    received in the first week keep every balance finite (1e308) while the total balance, 0 - 0 + 2e308, is
    beyond the float range. That is the ValueError naming the item, never an inf total."""
    with pytest.raises(ValueError, match="weekly_balance: the quantities of item 0 overflow the float range"):
        bk_fast.weekly_balance(np.array([0.0]), np.zeros((1, 2)), np.array([[1e308, 0.0]]),
                               past_due=np.array([1e308]), engine=engine)


@pytest.mark.parametrize("lot, message", [
    (MinMaxMultiple(min=pd.Series({0: -1.0})), "lot min must be a finite number >= 0; item 0 has -1.0"),
    (MinMaxMultiple(max=pd.Series({0: 0.0})), r"lot max must be > 0 \(None = uncapped\); item 0 has 0.0"),
])
def test_per_item_lot_min_and_max_are_checked(engine, lot, message):
    """A per-item lot parameter is not checked by the rule's constructor (a Series): a negative min and a max of
    0 are the ValueError naming the parameter, what it must be and the item (a max of 0 is not reported as a
    max below the min)."""
    with pytest.raises(ValueError, match=message):
        bk_fast.net_requirements(np.array([[5.0]]), lot=lot, engine=engine)


@pytest.mark.parametrize("on_hand", [np.array([np.inf]), np.inf])
def test_an_infinite_on_hand_number_or_array_entry_is_named(engine, on_hand):
    """An infinite stock given as a number or as a plain array (no item keys) is the ValueError naming the input
    and the item's row (``on_hand: item 0 is infinite``), before any roll: not reported later as a plan that
    overflowed the float range."""
    with pytest.raises(ValueError, match="^on_hand: item 0 is infinite$"):
        bk_fast.net_requirements(np.array([[5.0]]), on_hand=on_hand, engine=engine)
    with pytest.raises(ValueError, match="^past_due: item 0 is infinite$"):
        bk_fast.weekly_balance(np.array([1.0]), np.array([[5.0]]), past_due=np.array([-np.inf]), engine=engine)


def test_an_on_hand_array_of_the_wrong_length_is_an_error(engine):
    """A plain on-hand array holds one value per item in row order: one value for two items is the ValueError
    saying so (never a short vector handed to the kernels)."""
    with pytest.raises(ValueError, match=r"^on_hand: an array must hold one value per item \(2\), got 1$"):
        bk_fast.net_requirements(np.array([[5.0], [1.0]]), on_hand=np.array([1.0]), engine=engine)


def test_a_missing_on_hand_entry_beside_another_of_its_item_counts_zero(engine):
    """Repeated on-hand entries of an item add up, a missing one counting 0: 1 and NaN for 'a' is a stock of 1
    (not a NaN sum read as no stock at all), so a gross of 5 nets to 4; in ``mrp`` likewise FG's stock is 1,
    its net 4, and Y (2 per FG, stock 3) needs 2 x 4 = 8 gross, 5 net."""
    gross = pd.DataFrame({"item": ["a"], "period": [0], "qty": [5.0]})
    res = bk_fast.net_requirements(gross, on_hand=pd.Series([1.0, np.nan], index=["a", "a"]), engine=engine)
    assert (res.on_hand.tolist(), res.net.tolist(), res.planned_receipts.tolist()) == ([1.0], [[4.0]], [[4.0]])
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["FG"], "component": ["Y"], "qty_per": [2.0]}))
    res = bk_fast.mrp(gross.replace("a", "FG"), bom, on_hand=pd.Series([1.0, np.nan, 3.0], index=["FG", "FG", "Y"]),
                      engine=engine)
    assert res.items.tolist() == ["FG", "Y"]
    assert (res.on_hand.tolist(), res.gross.tolist(), res.net.tolist()) == ([1.0, 3.0], [[5.0], [8.0]],
                                                                           [[4.0], [5.0]])


def test_result_arrays_are_no_views_of_the_callers_arrays(engine):
    """The result keeps its own copy of 2-D array inputs (gross, receipts; weekly demand): changing the caller's
    arrays afterwards leaves the result's gross and scheduled receipts as they were (5, 1 and 2, 0)."""
    gross, receipts = np.array([[5.0, 1.0]]), np.array([[2.0, 0.0]])
    res = bk_fast.net_requirements(gross, 0.0, receipts, engine=engine)
    assert not np.shares_memory(res.gross, gross) and not np.shares_memory(res.scheduled, receipts)
    gross[:] = 99.0
    receipts[:] = 99.0
    assert (res.gross.tolist(), res.scheduled.tolist()) == ([[5.0, 1.0]], [[2.0, 0.0]])
    assert res.net.tolist() == [[3.0, 1.0]]



@pytest.mark.parametrize("gross, dtype", [(np.array([["5", "1"]]), "<U1"),
                                          (np.array([[5, 1]], dtype="timedelta64[D]"), r"timedelta64\[D\]")])
def test_a_2d_array_of_text_or_durations_is_no_gross(engine, gross, dtype):
    """A 2-D array input must be numeric: text ("5") and durations (5 days) are the TypeError naming the input
    and the dtype, not read as the numbers 5 and 1 (NumPy would convert both to float64 silently)."""
    with pytest.raises(TypeError, match=f"^gross must be numeric, got dtype {dtype}$"):
        bk_fast.net_requirements(gross, 0.0, engine=engine)


def test_dates_in_several_time_zones_stay_timestamps_in_time_order(engine):
    """Period dates in two time zones are kept as the Timestamps they are (no DatetimeIndex holds two zones)
    and sorted by the instant: 08:00 New York (13:00 UTC) given first comes after 12:00 UTC."""
    utc = pd.Timestamp("2025-01-06 12:00", tz="UTC")
    east = pd.Timestamp("2025-01-06 08:00", tz="America/New_York")
    gross = pd.DataFrame({"item": ["x", "x"], "date": pd.Series([east, utc], dtype=object), "qty": [2.0, 1.0]})
    res = bk_fast.net_requirements(gross, 0.0, engine=engine)
    assert res.periods.dtype == object and res.periods.tolist() == [utc, east]
    assert [str(p.tz) for p in res.periods] == ["UTC", "America/New_York"]
    assert res.net.tolist() == [[1.0, 2.0]]


def test_bool_period_labels_keep_their_order(engine):
    """Bool period labels are no numbers to sort: True given before False stays first (the net of 5 in True's
    period, then 1)."""
    gross = pd.DataFrame({"item": ["a", "a"], "period": [True, False], "qty": [5.0, 1.0]})
    res = bk_fast.net_requirements(gross, 0.0, engine=engine)
    assert res.periods.tolist() == [True, False]
    assert res.net.tolist() == [[5.0, 1.0]]


def test_bool_period_columns_of_a_wide_frame(engine):
    """A wide frame whose period columns are labelled True and False (the audit's smaller finding): the block of
    numbers was read with ``df[[True, False]]``, which pandas takes as a row mask ("Item wrong length 2 instead
    of 1"); now by position. The net of 5 in True's period, then 1; the weekly roll -5, then -6."""
    gross = pd.DataFrame({True: [5.0], False: [1.0]}, index=["a"])
    res = bk_fast.net_requirements(gross, 0.0, engine=engine)
    assert res.periods.tolist() == [True, False] and res.net.tolist() == [[5.0, 1.0]]
    bal = bk_fast.weekly_balance(0.0, gross, engine=engine)
    assert bal.loc["a", True] == -5.0 and bal.loc["a", False] == -6.0


@pytest.mark.parametrize("weeks, order, balance", [
    # the year's 53-week circle: 1 -> 27 is 26 weeks, 27 -> 1 is 27 (the wider gap: the year starts at 1)
    (["Week 27", "Week 1"], ["Week 1", "Week 27"], [3.0, 2.0]),
    # 1 -> 19 and 19 -> 37 are 18 weeks each, 37 -> 1 is 17: of the equal gaps, the one ending at the demand's
    # first week (37) starts the year
    (["Week 37", "Week 1", "Week 19"], ["Week 37", "Week 1", "Week 19"], [4.0, 2.0, -1.0]),
])
def test_numbered_erp_weeks_of_long_rows_in_roll_order(engine, weeks, order, balance):
    """Long rows carry no order of their own: numbered ERP weeks are put in roll order, the year starting over
    after the widest gap between the numbers seen on a circle of 53 weeks (ties: the gap ending nearest at or
    after the first week given). The balances roll in that order (5 on hand less 1, 2, 3 in row order)."""
    demand = pd.DataFrame({"item": ["a"] * len(weeks), "week": weeks, "qty": [1.0, 2.0, 3.0][:len(weeks)]})
    out = bk_fast.weekly_balance({"a": 5.0}, demand, engine=engine)
    assert out.columns.tolist()[:len(weeks)] == order
    assert out.loc["a", order].tolist() == balance


def test_repeated_periods_are_an_error(engine):
    """``periods=`` names each period once: a label given twice is the ValueError saying so, for
    ``net_requirements`` and ``weekly_balance`` alike."""
    with pytest.raises(ValueError, match="^periods must be unique labels$"):
        bk_fast.net_requirements(np.array([[1.0, 2.0]]), 0.0, periods=[0, 1, 1], engine=engine)
    with pytest.raises(ValueError, match="^periods must be unique labels$"):
        bk_fast.weekly_balance({"a": 1.0}, pd.DataFrame({0: [1.0]}, index=["a"]), periods=[0, 0], engine=engine)


def test_split_orders_count_one_each_in_summary_and_cost(engine):
    """A need of 25 under a lot max of 10 is three orders in one period (10, 10, 5): the summary counts 3 orders
    (not 1 period with orders), and the cost at a setup of 2 and no holding is 3 x 2 = 6."""
    res = bk_fast.net_requirements(np.array([[25.0, 0.0]]), 0.0, lot=MinMaxMultiple(max=10), engine=engine)
    assert res.orders["qty"].tolist() == [10.0, 10.0, 5.0]
    assert res.summary["orders"].tolist() == [3]
    assert res.cost(2, 0).tolist() == [6.0]


def test_first_short_and_recovery_are_ordered_categoricals(engine):
    """The shortage labels compare in period order (an ordered categorical over the periods): a shortage in
    period 0 of weekly_balance (1 on hand less 5) is before period 1; the summary's first short period too."""
    out = bk_fast.weekly_balance(np.array([1.0]), np.array([[5.0, 0.0, 9.0]]), np.array([[0.0, 0.0, 20.0]]),
                                 engine=engine)
    for col in ("first_short", "recovery"):
        assert out[col].cat.ordered and out[col].cat.categories.tolist() == [0, 1, 2]
    assert (out["first_short"] < 1).tolist() == [True] and out["recovery"].tolist() == [2]
    summary = bk_fast.net_requirements(np.array([[0.0, 5.0]]), 1.0, engine=engine).summary
    assert summary["first_short"].cat.ordered and (summary["first_short"] > 0).tolist() == [True]


def test_results_with_nan_in_the_same_places_are_equal(engine):
    """Results compare their arrays with NaN equal to NaN (the class docstring): two copies of a result, each
    given a NaN gross in period 0, are equal; a NaN in one and 5 in the other are not."""
    one = bk_fast.net_requirements(np.array([[5.0, 1.0]]), 2.0, engine=engine)
    two = copy.deepcopy(one)
    assert one == two
    one.gross[0, 0] = np.nan
    assert one != two
    two.gross[0, 0] = np.nan
    assert one == two


def test_mrp_missing_demand_and_receipt_numbers_count_zero(engine):
    """In ``mrp`` a missing quantity counts 0 in long demand rows and in wide receipts alike: FG's demand of 5
    and NaN is 5 then 0; on hand 1 leaves a net of 4, which needs 2 x 4 = 8 of Y in period 0; Y's receipts (NaN,
    3) are 0 then 3, so its net is 8 then 0 and its stock ends at 3."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["FG"], "component": ["Y"], "qty_per": [2.0]}))
    demand = pd.DataFrame({"item": ["FG", "FG"], "period": [0, 1], "qty": [5.0, np.nan]})
    receipts = pd.DataFrame({0: [np.nan], 1: [3.0]}, index=["Y"])
    res = bk_fast.mrp(demand, bom, on_hand={"FG": 1.0}, receipts=receipts, engine=engine)
    assert res.items.tolist() == ["FG", "Y"]
    assert res.independent.tolist() == [[5.0, 0.0], [0.0, 0.0]]
    assert res.gross.tolist() == [[5.0, 0.0], [8.0, 0.0]]
    assert res.scheduled.tolist() == [[0.0, 0.0], [0.0, 3.0]]
    assert res.net.tolist() == [[4.0, 0.0], [8.0, 0.0]]
    assert res.projected.tolist() == [[0.0, 0.0], [0.0, 3.0]]


def test_on_hand_frame_with_several_unnamed_numeric_columns_is_an_error(engine):
    """An on-hand frame with no on-hand column of an accepted name is read by its only numeric column (3 of 'a'
    on hand: a gross of 5 nets to 2); with two numeric columns the choice is not guessed, and with none there
    is nothing to read: a ValueError naming the accepted names either way."""
    gross = pd.DataFrame({"item": ["a"], "period": [0], "qty": [5.0]})
    res = bk_fast.net_requirements(gross, pd.DataFrame({"item": ["a"], "lbs_now": [3.0], "note": ["x"]}),
                                   engine=engine)
    assert (res.on_hand.tolist(), res.net.tolist()) == ([3.0], [[2.0]])
    for frame in (pd.DataFrame({"item": ["a"], "x": [1.0], "y": [2.0]}), pd.DataFrame({"item": ["a"], "x": ["q"]})):
        with pytest.raises(ValueError, match=r"^on_hand: no on-hand column \(accepted names: 'on_hand', "):
            bk_fast.net_requirements(gross, frame, engine=engine)


def test_mrp_sum_beyond_the_float_range_names_the_input_row_past_rows_out_of_play(engine):
    """``mrp`` leaves out the demand rows of items out of play (Z: demand 0, no stock): an overflowing sum of
    FG's rows is named by FG's first row in the input (row 1), not by its position among the rows kept (0,
    Z's row)."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["FG", "Z"], "component": ["Y", "W"],
                                               "qty_per": [2.0, 1.0]}))
    demand = pd.DataFrame({"item": ["Z", "FG", "FG"], "period": [0, 0, 0], "qty": [0.0, 1e308, 1e308]})
    with pytest.raises(ValueError, match="^demand: row 1 and the other rows of item 'FG', period 0 add up beyond"):
        bk_fast.mrp(demand, bom, engine=engine)


def test_mrp_past_due_beyond_the_float_range_is_an_error(engine):
    """Y's receipts of 1e308 in periods 0 and 1 are each finite, but with a lead time of 2 both are released
    before period 0: the past-due quantity, 2e308, is beyond the float range. ``mrp`` says so, naming Y."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["FG"], "component": ["Y"], "qty_per": [1.0]}))
    demand = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 1], "qty": [1e308, 1e308]})
    with pytest.raises(ValueError, match="^mrp: the quantities of item 'Y' overflow the float range"):
        bk_fast.mrp(demand, bom, lead_time={"Y": 2}, engine=engine)


@pytest.mark.filterwarnings("error:overflow encountered")
def test_net_requirements_past_due_beyond_the_float_range_is_an_error(engine):
    """The same plan as ``mrp``'s above through ``net_requirements``: receipts of 1e308 in periods 0 and 1 with a
    lead time of 2 are 2e308 past due: the same ValueError naming the item (never an inf in a plan), and no
    RuntimeWarning on the way. Before the fix it came back as ``past_due == [inf]`` with a RuntimeWarning only
    (the audit's strict xfail)."""
    with pytest.raises(ValueError, match="net_requirements: the quantities of item 0 overflow the float range"):
        bk_fast.net_requirements(np.array([[1e308, 1e308]]), 0.0, lead_time=2, engine=engine)


@pytest.mark.parametrize("gross", [pd.DataFrame({"Style#": ["S1", "S2"], "week": [0, 1], "qty": [5.0, 2.0]}),
                                   pd.DataFrame({"Style#": ["S1", "S2"], 0: [5.0, 0.0], 1: [0.0, 2.0]})])
def test_style_column_is_the_item_column(engine, gross):
    """The ERP's ``Style#`` column names the items when there is no item (or ``Desc#``) column, long or wide:
    S1 (5 in period 0, 1 on hand) nets to 4, S2 to 2 in period 1; the frame's row numbers are no items."""
    res = bk_fast.net_requirements(gross, {"S1": 1.0}, engine=engine)
    assert res.items.tolist() == ["S1", "S2"] and res.periods.tolist() == [0, 1]
    assert res.net.tolist() == [[4.0, 0.0], [0.0, 2.0]]


@pytest.mark.parametrize("on_hand", [pd.DataFrame({"item": ["a", None], "on_hand": [1.0, 2.0]}),
                                     pd.Series([1.0, 2.0], index=["a", np.nan])])
def test_on_hand_with_a_missing_item_is_an_error(engine, on_hand):
    """An on-hand entry without an item (a frame's item cell or a Series key missing) is stock of nothing known:
    the ValueError naming its row (1), not an item NaN in the plan."""
    gross = pd.DataFrame({"item": ["a"], "period": [0], "qty": [5.0]})
    with pytest.raises(ValueError, match="^on_hand: row 1 has a missing item$"):
        bk_fast.net_requirements(gross, on_hand, engine=engine)


def test_date_shaped_text_that_is_no_date_is_an_error(engine):
    """Beside the gross's dates, receipts' period text shaped as an ISO date but naming no day (month 13, day 45)
    is the ValueError naming the input and the label, not a missing period."""
    gross = pd.DataFrame({"item": ["x"], "date": [pd.Timestamp("2025-01-06")], "qty": [1.0]})
    receipts = pd.DataFrame({"item": ["x"], "date": ["2025-13-45"], "qty": [2.0]})
    with pytest.raises(ValueError, match="^receipts: period '2025-13-45' is no date$"):
        bk_fast.net_requirements(gross, 0.0, receipts, engine=engine)

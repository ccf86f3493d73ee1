"""Tests closing the gaps a mutation audit of the ERP adapters (bk_fast.erp: allocate_knit_orders,
schedule_knit_orders, erp_capacity, yarn_demand_report) found: each pins a documented rule (DOMAIN.md sections
3, 5, 6, 7) with hand-computed values that a small change of the code (a flipped comparison, a dropped guard, a
changed constant) would alter (audit `mutE`)."""

import numpy as np
import pandas as pd

from bk_fast.erp import allocate_knit_orders, erp_capacity, schedule_knit_orders, yarn_demand_report

# ---------------------------------------------------------------------------------------------------------
# allocate_knit_orders: priority score, allocation type, PO supply


def _one_yarn_bom():
    return pd.DataFrame({"Style#": ["S1"], "Desc#": [1], "BOM_Percentage": [1.0]})


def test_allocation_score_terms_and_types_at_their_bounds(engine):
    """Each term of the ERP score (DOMAIN.md section 6) and each allocation type at its bound, today given at
    15:00 (its date counts). K1: quoted today, 100 - 0 = 100 points, + 0.1 x 400 = 40, + 50 VIP (a flag of -1
    is nonzero: a member) = 190; starts at 08:00 today: SOFT (dates compared). K2: quoted 31 days ago, 100 + 31
    = 131, + min(60, 50) = 50: 181; G00 > 0: HARD. K3: no quote (0 points, not 100), nothing ordered, VIP flag
    2.5: 50; no start date: AVAILABLE (not SOFT). K4: quoted 121 days out, max(0, -21) = 0, a negative Qty
    Ordered scores -10 (the cap is only from above), a missing flag is no member: -10; started in the past:
    SOFT. Text flags for sales_linked: "Y" +100, a missing cell is no member."""
    kos = pd.DataFrame({
        "Order #": ["K1", "K2", "K3", "K4"], "Style #": ["S1"] * 4, "Balance (lbs)": [10.0] * 4,
        "Qty Ordered (lbs)": [400.0, 600.0, 0.0, -100.0],
        "Quoted Date": pd.to_datetime(["2025-09-01", "2025-08-01", None, "2025-12-31"]),
        "Start Date": pd.to_datetime(["2025-09-01 08:00", "2025-09-02 00:00", None, "2025-08-01 00:00"]),
        "G00 (lbs)": [0.0, 5.0, 0.0, 0.0], "Shipped (lbs)": [0.0, 0.0, 0.0, 0.0],
        "vip_flag": [-1.0, 0.0, 2.5, np.nan], "so": ["N", None, "n", "Y"]})
    inv = pd.DataFrame({"Desc#": [1], "Planning Balance": [100.0]})
    res = allocate_knit_orders(kos, _one_yarn_bom(), inv, today="2025-09-01 15:00", vip="vip_flag",
                               sales_linked="so", engine=engine)
    assert res.orders["priority_score"].tolist() == [190.0, 181.0, 50.0, 90.0]
    assert res.orders["allocation_type"].astype(str).tolist() == ["SOFT", "HARD", "AVAILABLE", "SOFT"]
    assert res.orders["can_start"].tolist() == [True] * 4


def test_allocation_po_buckets_dates_and_due_by_start(engine):
    """Time-phased PO supply (allocate_knit_orders' yarn_po): past due, This Week and a week dated before today
    arrive today; ``Week 2025-09-04`` on its date; ``Week 37`` on the Monday of ISO week 37 nearest today
    (2025-09-08); ``Later`` a week after the last dated bucket (2025-09-15); a zero PO cell is no receipt, while
    the inventory's rows stay. Today is given at 15:00: its date counts, the supply is dated midnight. Today's
    stock with POs is Theoretical Balance + Allocated (6 - 1 = 5), without On Order (the POs come in as
    receipts, not twice). Both orders score 0: the one without a start date (due today) goes first and may use
    only what arrives today, 5 + 1 + 2 + 3 = 11 lbs; K1 (start 2025-09-20) gets the receipts by its start, 7 +
    4 + 6 = 17 lbs. The same supply in every mode, the same lbs in the proportional and ERP modes; complete kits
    only (2,000 lbs each) knit nothing."""
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S1", "S1"], "Balance (lbs)": [2000.0, 2000.0],
                        "Start Date": pd.to_datetime(["2025-09-20", None])})
    inv = pd.DataFrame({"Desc#": [1, 2], "Theoretical Balance": [6.0, 0.0], "Allocated": [-1.0, 0.0],
                        "On Order": [1000.0, 0.0]})
    po = pd.DataFrame({"Desc#": [1, 2], "Unscheduled or Past Due": [1.0, 0.0], "This Week": [2.0, 0.0],
                       "Week 2025-08-25": [3.0, 0.0], "Week 2025-09-04": [7.0, 0.0], "Week 37": [4.0, 0.0],
                       "Later": [6.0, 0.0]})
    days = [pd.Timestamp("2025-09-03")] * 5 + [pd.Timestamp(d) for d in ("2025-09-04", "2025-09-08", "2025-09-15")]
    for mode in ("proportional", "all_or_nothing", "erp"):
        res = allocate_knit_orders(kos, _one_yarn_bom(), inv, po, today="2025-09-03 15:00", mode=mode,
                                   engine=engine)
        assert res.supply["Desc#"].tolist() == [1, 2, 1, 1, 1, 1, 1, 1]
        assert res.supply["date"].tolist() == days
        assert res.supply["lbs"].tolist() == [5.0, 0.0, 1.0, 2.0, 3.0, 7.0, 4.0, 6.0]
        if mode == "all_or_nothing":  # (complete kits only: 2000 lbs are never there)
            assert res.orders["knittable_lbs"].tolist() == [0.0, 0.0]
            continue
        assert res.orders["knittable_lbs"].tolist() == [17.0, 11.0]
        assert res.orders["short_lbs"].tolist() == [1983.0, 1989.0]
        assert res.orders["can_start"].tolist() == [False, False]



def test_allocation_erp_mode_limiting_yarn_is_the_relatively_scarcest(engine):
    """``mode="erp"``, the ERP's per-line greedy (DOMAIN.md section 6): K1 (100 lbs of S1: yarns 1, 2, 3 at 0.5,
    0.3, 0.2) needs 50, 30, 20 lbs and gets min(need, available) = 40, 15, 20: short 10 of 50 (20 %) and 15 of
    30 (50 %), so yarn 2 limits it, not yarn 1 with its smaller share short; it knits what its scarcest line
    allows, min(40 / 0.5, 15 / 0.3) = 50 lbs, and cannot start. K2 (10 lbs of yarn 3, 80 lbs left) is covered
    exactly: short 0, can start."""
    bom = pd.DataFrame({"Style#": ["S1", "S1", "S1", "S2"], "Desc#": [1, 2, 3, 3],
                        "BOM_Percentage": [0.5, 0.3, 0.2, 1.0]})
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S1", "S2"], "Balance (lbs)": [100.0, 10.0]})
    inv = pd.DataFrame({"Desc#": [1, 2, 3], "Planning Balance": [40.0, 15.0, 100.0]})
    res = allocate_knit_orders(kos, bom, inv, today="2025-09-03", mode="erp", engine=engine)
    assert res.orders["knittable_lbs"].tolist() == [50.0, 10.0]
    assert res.orders["short_lbs"].tolist() == [50.0, 0.0]
    assert res.orders["limiting_yarn"].isna().tolist() == [False, True]
    assert res.orders["limiting_yarn"].iloc[0] == 2
    assert res.orders["can_start"].tolist() == [False, True]
    assert res.lines["Desc#"].tolist() == [1, 2, 3, 3]
    assert res.lines["need_lbs"].tolist() == [50.0, 30.0, 20.0, 10.0]
    assert res.lines["allocated_lbs"].tolist() == [40.0, 15.0, 20.0, 10.0]
    assert res.lines["short_lbs"].tolist() == [10.0, 15.0, 0.0, 0.0]


def test_allocation_unmatched_style_never_starts(engine):
    """A knit order whose style has no BOM rows (``S9``) has no yarn to check: it is reported unmatched, knits 0
    lbs, is short its whole balance and cannot start, in every mode (DOMAIN.md section 4: unmatched is
    reported, not silently passed); the matched K1 beside it (10 lbs of 100 in stock) can."""
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S1", "S9"], "Balance (lbs)": [10.0, 25.0]})
    inv = pd.DataFrame({"Desc#": [1], "Planning Balance": [100.0]})
    for mode in ("proportional", "all_or_nothing", "erp"):
        res = allocate_knit_orders(kos, _one_yarn_bom(), inv, today="2025-09-03", mode=mode, engine=engine)
        assert res.orders["bom_matched"].tolist() == [True, False]
        assert res.orders["knittable_lbs"].tolist() == [10.0, 0.0]
        assert res.orders["short_lbs"].tolist() == [0.0, 25.0]
        assert res.orders["can_start"].tolist() == [True, False]


def test_allocation_numbered_week_53_is_the_next_iso_years(engine):
    """A numbered PO week lands on the Monday of that ISO week nearest to today, among today's ISO year and the
    years before and after it. Today Monday 2024-12-30 is in ISO year 2025 (its week's Thursday is 2025-01-02);
    2024 and 2025 have 52 weeks, 2026 has 53: ``Week 53`` is 2026-12-28 (not an error, which reading the year
    from the calendar date 2024 would give: 2023-2025 have no week 53)."""
    kos = pd.DataFrame({"Order #": ["K1"], "Style #": ["S1"], "Balance (lbs)": [10.0]})
    inv = pd.DataFrame({"Desc#": [1], "Theoretical Balance": [0.0]})
    po = pd.DataFrame({"Desc#": [1], "Week 53": [5.0]})
    res = allocate_knit_orders(kos, _one_yarn_bom(), inv, po, today="2024-12-30", engine=engine)
    assert res.supply["date"].tolist() == [pd.Timestamp("2024-12-30"), pd.Timestamp("2026-12-28")]
    assert res.supply["lbs"].tolist() == [0.0, 5.0]
    assert res.orders["knittable_lbs"].tolist() == [0.0]

# ---------------------------------------------------------------------------------------------------------
# erp_capacity: the lookup's levels, bad rates, the default


def test_erp_capacity_levels_first_row_base_before_first_slash_and_bad_rates():
    """The ERP's capacity lookup (DOMAIN.md section 7) level by level. Exact text first (of two rows of one
    style, the first wins: ``Z/1`` is 400, not 500); then without white space, a tab as a space (``"B D/1"``
    meets ``"B\\tD/1"``); then the same base, the part before the *first* ``/`` (``"X/5"`` meets ``"X/1/2"``, base
    ``X``); a whole float ``125792.0`` and the texts ``"125792"`` / ``"125792.0"`` meet exactly. A rate of 0 or
    a missing one is a bad rate: the caller's ``default`` (600, not the ERP's 616), marked ``default (bad
    rate)``; no match, or no style, is ``default``."""
    cap = pd.DataFrame({"Style": ["A/1", "A/2", "B C/1", "B\tD/1", "Z/1", "Z/1", "N/1", "X/1/2", 125792.0, "Q/1"],
                        "lbs/day": [100.0, 200.0, 300.0, 350.0, 400.0, 500.0, 0.0, 700.0, 800.0, np.nan]})
    styles = ["A/1", "A/9", "BC/1", "B D/1", "BD/1", "Z/1", "N/1", "X/1/3", "X/5", "125792", "125792.0", "Q/1",
              "nope", None, " A/1"]
    out = erp_capacity(styles, cap, default=600.0)
    assert out["lbs_per_day"].tolist() == [100.0, 100.0, 300.0, 350.0, 350.0, 400.0, 600.0, 700.0, 700.0, 800.0,
                                           800.0, 600.0, 600.0, 600.0, 100.0]
    assert out["rate_source"].tolist() == [
        "exact", "same base", "without spaces", "without spaces", "without spaces", "exact", "default (bad rate)",
        "same base", "same base", "exact", "exact", "default (bad rate)", "default", "default", "without spaces"]
    # alone (no other query with the base X): the base is still cut at the first "/", "X/1/3" meets "X/1/2"
    alone = erp_capacity(["X/1/3"], pd.DataFrame({"Style": ["X/1/2"], "lbs/day": [700.0]}))
    assert alone["lbs_per_day"].tolist() == [700.0]
    assert alone["rate_source"].tolist() == ["same base"]


# ---------------------------------------------------------------------------------------------------------
# schedule_knit_orders: ERP estimates, utilisation, keep_assigned, blank machines, priority


def _sched_inputs():
    ko = pd.DataFrame({"Order #": ["K1", "K2", "K3", "K4", "K5"], "Style #": ["A/1", "A/1", "A/1", "B/1", "A/1"],
                       "Balance (lbs)": [12760.0, 500.0, 100.0, 8221.95, 0.0],
                       "Machine": [101.0, 103.0, 101, " - ", 102.0],
                       "G00 (lbs)": [0.0, 10.0, 0.0, 0.0, 0.0], "Shipped (lbs)": [0.0, 0.0, 0.0, 0.0, 0.0]})
    machines = pd.DataFrame({"WC": ["W", "W", "W", ""], "MACH": [101, 102, 103, "N/A"]})
    cap = pd.DataFrame({"Style": ["A/1", "B/1"], "lbs/day": [616.0, 182.71]})
    swc = pd.DataFrame({"Style": ["A/1", "B/1"], "WC": ["W", "W"]})
    return ko, machines, cap, swc


def test_schedule_erp_estimates_and_utilisation(engine):
    """The ERP's own figures (DOMAIN.md section 7): calendar days = ceil(lbs / rate / 5 x 7) in exact decimals
    (12,760 lbs at 616 lbs/day is 20.714 days, exactly 29 calendar days though the float quotient is a hair
    above; 8,221.95 at 182.71 is 45 days, exactly 63; 500 / 616 x 7 / 5 = 1.136: 2; 100 lbs: 1; a closed order
    0); workload = the balances assigned to each machine (101: 12,760 + 100 = 12,860; 102: the closed
    K5's 0; 103: 500), utilisation = min(100, workload / 616 / 5 x 100) with the ERP's 616 whatever
    ``default_rate`` the caller gives (103: 500 / 3,080 = 16.23 %; 101 capped at 100). The machines table's
    trailing row (``"N/A"``, blank work center) is no machine; the KO's ``" - "`` is unassigned: K4 gets a
    suggestion, the idle 102."""
    ko, machines, cap, swc = _sched_inputs()
    s = schedule_knit_orders(ko, machines, cap, swc, start="2025-09-01", default_rate=500.0, engine=engine)
    jobs = s.jobs
    assert jobs["erp_calendar_days"].tolist() == [29.0, 2.0, 1.0, 63.0, 0.0]
    np.testing.assert_allclose(jobs["erp_production_days"].to_numpy(),
                               [12760 / 616, 500 / 616, 100 / 616, 45.0, 0.0], rtol=1e-12)
    assert jobs["machine"].tolist()[:4] == [101.0, 103.0, 101.0, 102.0]
    assert jobs["suggested_machine"].isna().tolist() == [True, True, True, False, True]
    assert jobs["suggested_machine"].iloc[3] == 102.0
    assert s.machines["machine"].tolist() == [101.0, 102.0, 103.0]
    assert s.machines["erp_workload_lbs"].tolist() == [12860.0, 0.0, 500.0]
    np.testing.assert_allclose(s.machines["erp_utilisation_pct"].to_numpy(), [100.0, 0.0, 500 / 3080 * 100],
                               rtol=1e-12)


def _nan_list(values):
    return [None if pd.isna(v) else float(v) for v in values]


def test_schedule_keep_assigned_false_keeps_started_and_stranded_orders(engine):
    """``keep_assigned=False``: only orders already knitting (G00 or Shipped > 0) and orders with nowhere else to
    go stay on their ``Machine``; the others are placed like unassigned ones and ``suggested_machine`` shows a
    move only where the machine differs. First schedule: K2 (G00 10 lbs) holds 103; K1 goes to 101, its own
    machine (no suggestion); K3 and K4 to 102, the machine whose committed work ends first (K3 a move from 101).
    Second: nothing in G00, K3 shipping holds 101, K4 (style B/1, no work center now) stays on its 103; K1 goes
    to the idle 102, K2 to 101 after K3's 0.16 days (both moves)."""
    ko, machines, cap, swc = _sched_inputs()
    s = schedule_knit_orders(ko, machines, cap, swc, start="2025-09-01", keep_assigned=False, engine=engine)
    assert _nan_list(s.jobs["machine"]) == [101.0, 103.0, 102.0, 102.0, None]
    assert _nan_list(s.jobs["suggested_machine"]) == [None, None, 102.0, 102.0, None]
    ko2 = ko.assign(**{"G00 (lbs)": [0.0] * 5, "Shipped (lbs)": [0.0, 0.0, 3.0, 0.0, 0.0],
                       "Machine": [101.0, 102.0, 101.0, 103.0, 102.0]})
    s = schedule_knit_orders(ko2, machines, cap, swc.assign(Style=["A/1", "C/1"]), start="2025-09-01",
                             keep_assigned=False, engine=engine)
    assert _nan_list(s.jobs["machine"]) == [102.0, 101.0, 101.0, 103.0, None]
    assert _nan_list(s.jobs["suggested_machine"]) == [102.0, 101.0, None, None, None]
    np.testing.assert_allclose(s.jobs["start_day"].to_numpy()[:4], [0.0, 100 / 616, 0.0, 0.0], rtol=1e-12)


def test_schedule_erp_priority_terms_order_the_orders(engine):
    """The ERP score in schedule_knit_orders (DOMAIN.md section 6 without the sales-order and VIP terms), start
    2025-09-01: K1 quoted that day, 100 + 0.1 x 100 = 110; K2 quoted 31 days before, 131 + min(100, 50) = 181;
    K3 shipping, quoted a year out (max(0, 100 - 365) = 0), nothing ordered: 1000; K4 nothing: 0. Higher first on
    the one machine, a day each (100 lbs at 100 lbs/day): K3, K2, K1, K4."""
    ko = pd.DataFrame({"Order #": ["K1", "K2", "K3", "K4"], "Style #": ["A/1"] * 4, "Balance (lbs)": [100.0] * 4,
                       "Machine": [None] * 4,
                       "Quoted Date": pd.to_datetime(["2025-09-01", "2025-08-01", "2026-09-01", None]),
                       "Shipped (lbs)": [0.0, 0.0, 5.0, np.nan], "Qty Ordered (lbs)": [100.0, 1000.0, 0.0, np.nan]})
    s = schedule_knit_orders(ko, pd.DataFrame({"WC": ["W"], "MACH": [101]}),
                             pd.DataFrame({"Style": ["A/1"], "lbs/day": [100.0]}),
                             pd.DataFrame({"Style": ["A/1"], "WC": ["W"]}), start="2025-09-01", engine=engine)
    assert s.jobs["priority_score"].tolist() == [110.0, 181.0, 1000.0, 0.0]
    assert s.jobs["start_day"].tolist() == [2.0, 1.0, 0.0, 3.0]


# ---------------------------------------------------------------------------------------------------------
# yarn_demand_report: inventory column, past-due columns, week spellings, blank rows


def test_yarn_demand_report_reads_every_frame_as_the_erp_writes_it(engine):
    """The weekly report (DOMAIN.md section 5) by hand. Monday inventory from ``Monday Inventory`` when present
    (not ``Theoretical Balance``), a missing one as 0, two rows of yarn 2 added (10 + 5 = 15). Demand: Desc# as
    text (``"2.0"`` is yarn 2), a blank-id row without quantities skipped, ``Demand  This  Week`` (runs of spaces)
    is This Week, an empty ``Wk 37`` column is no lost demand. POs: ``Week 09`` is the demand's ``Week 9``; both
    past-due columns count (``Unscheduled or Past Due`` 3 and ``Past Due Receipts`` 2 for yarn 1), in the total
    but not in the roll; yarn 4 has past-due receipts only and gets a row. Yarn 1: 100 - 10 = 90, 90 - 20 + 15 =
    85, + 4 = 89; total receipt 5 + 19 = 24, total balance 100 - 30 + 24 = 94. Yarn 3: 0, -5 (short in Week 9),
    -5 + 8 = 3 (recovered Later)."""
    inv = pd.DataFrame({"Desc#": [1, 2, 2, 3], "Monday Inventory": [100.0, 10.0, 5.0, np.nan],
                        "Theoretical Balance": [999.0] * 4})
    dem = pd.DataFrame({"Desc#": ["1", "2.0", " ", "3"], "Demand  This  Week": [10.0, 1.0, 0.0, 0.0],
                        "Week 9": [20.0, 0.0, 0.0, 5.0], "Later": [0.0] * 4, "Wk 37": [np.nan] * 4})
    po = pd.DataFrame({"Desc#": [1, 4, 3], "Unscheduled or Past Due": [3.0, 0.0, 0.0],
                       "Past Due Receipts": [2.0, 7.0, 0.0], "This Week": [0.0, 0.0, 0.0],
                       "Week 09": [15.0, 0.0, 0.0], "Later": [4.0, 0.0, 8.0], "PO Bal": [24.0, 7.0, 8.0]})
    rep = yarn_demand_report(inv, dem, po, engine=engine)
    assert rep.columns.tolist() == ["Desc#", "Monday Inventory", "Balance This Week", "Balance Week 9",
                                    "Balance Later", "Total Demand", "Unscheduled or Past Due", "Total Receipt",
                                    "Total Balance", "Shortage Week", "Recovery Week"]
    assert rep["Desc#"].tolist() == [1, 2, 3, 4]
    assert rep["Monday Inventory"].tolist() == [100.0, 15.0, 0.0, 0.0]
    assert rep["Balance This Week"].tolist() == [90.0, 14.0, 0.0, 0.0]
    assert rep["Balance Week 9"].tolist() == [85.0, 14.0, -5.0, 0.0]
    assert rep["Balance Later"].tolist() == [89.0, 14.0, 3.0, 0.0]
    assert rep["Total Demand"].tolist() == [30.0, 1.0, 5.0, 0.0]
    assert rep["Unscheduled or Past Due"].tolist() == [5.0, 0.0, 0.0, 7.0]
    assert rep["Total Receipt"].tolist() == [24.0, 0.0, 8.0, 7.0]
    assert rep["Total Balance"].tolist() == [94.0, 14.0, 3.0, 7.0]
    assert rep["Shortage Week"].isna().tolist() == [True, True, False, True]
    assert rep["Shortage Week"].iloc[2] == "Week 9"
    assert rep["Recovery Week"].isna().tolist() == [True, True, False, True]
    assert rep["Recovery Week"].iloc[2] == "Later"



def test_schedule_several_work_centers_numeric_quotes_and_default_horizon(engine):
    """A style listed under two work centers may run on the machines of both: K2 (highest score) takes 101 of
    W1, K1 the idle 201 of W2, K3 101 after K2. A style whose only work-center cell is empty has no work center
    (K4, named). Quoted Date as working days from the start (Friday 2025-09-05): 2.5 is due at the end of
    working day ceil(2.5) - 1 = 2, Tuesday 2025-09-09, 4 calendar days: 100 - 4 = 96; 1 is day 0: 100; inf (no
    due) 0. The schedule's utilisation is over one week of ``days_per_week`` = 5 working days: 101 knits 2
    days (40 %), 201 one (20 %)."""
    ko = pd.DataFrame({"Order #": ["K1", "K2", "K3", "K4"], "Style #": ["A/1", "A/1", "A/1", "C/1"],
                       "Balance (lbs)": [100.0] * 4, "Machine": [None] * 4, "Quoted Date": [2.5, 1, np.inf, None]})
    machines = pd.DataFrame({"WC": ["W1", "W2"], "MACH": [101, 201]})
    cap = pd.DataFrame({"Style": ["A/1"], "lbs/day": [100.0]})
    swc = pd.DataFrame({"Style": ["A/1", "A/1", "C/1"], "WC": ["W1", "W2", np.nan]})
    s = schedule_knit_orders(ko, machines, cap, swc, start="2025-09-05", engine=engine)
    assert s.jobs["priority_score"].tolist() == [96.0, 100.0, 0.0, 0.0]
    assert _nan_list(s.jobs["machine"]) == [201.0, 101.0, 101.0, None]
    assert _nan_list(s.jobs["start_day"]) == [0.0, 0.0, 1.0, None]
    assert s.jobs["reason"].iloc[3] == "style has no work center in style_work_center"
    assert s.jobs["reason"].isna().tolist() == [True, True, True, False]
    assert s.machines["machine"].tolist() == [101.0, 201.0]
    assert s.machines["utilisation_pct"].tolist() == [40.0, 20.0]


def test_schedule_erp_workload_sums_every_assigned_balance(engine):
    """``erp_workload_lbs`` is the ERP's figure, the sum of the balances of the knit orders assigned to each
    machine as the export holds them (DOMAIN.md section 7), closed ones included: an over-knit order's -100 lbs
    on 101 beside an open 700 gives 600 lbs, 600 / 616 / 5 x 100 = 19.48 %, though only the 700 lbs are
    scheduled (utilisation_pct 700 / 616 = 1.136 of 5 days: 22.73 %)."""
    ko = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["A/1", "A/1"], "Balance (lbs)": [700.0, -100.0],
                       "Machine": [101.0, 101.0]})
    s = schedule_knit_orders(ko, pd.DataFrame({"WC": ["W"], "MACH": [101]}),
                             pd.DataFrame({"Style": ["A/1"], "lbs/day": [616.0]}),
                             pd.DataFrame({"Style": ["A/1"], "WC": ["W"]}), start="2025-09-01", engine=engine)
    assert s.machines["erp_workload_lbs"].tolist() == [600.0]
    np.testing.assert_allclose(s.machines["erp_utilisation_pct"].to_numpy(), [600 / 3080 * 100], rtol=1e-12)
    np.testing.assert_allclose(s.machines["utilisation_pct"].to_numpy(), [700 / 616 / 5 * 100], rtol=1e-12)
    assert s.jobs["reason"].iloc[1] == "nothing left to knit (Balance (lbs) <= 0 or empty)"

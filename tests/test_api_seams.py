"""Regression tests of the `api` audit's seams between the pandas layer and its callers' frames: two-level column
headers, MultiIndex rows and Series, two spellings of one column, NettingResult.cost's costs and min_late_jobs'
error rows."""

from __future__ import annotations

import importlib
import inspect
import pathlib
import re

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import erp


def _two_level(df: pd.DataFrame, second: str = "x") -> pd.DataFrame:
    """``df`` with a two-level column header (as read_excel(header=[0, 1]) reads one): (label, second)."""
    out = df.copy()
    out.columns = pd.MultiIndex.from_arrays([list(df.columns), [second] * df.shape[1]])
    return out


_INV = pd.DataFrame({"Theoretical Balance": [100.0, -50.0], "Allocated": [0.0, -10.0], "On Order": [5.0, 0.0],
                     "Consumed": [-43.0, 0.0]})
_ORDERS = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [10.0, 10.0], "priority": [1, 2],
                        "due": [0, 0]})
_SUPPLY = pd.DataFrame({"item": ["Y"], "period": [0], "qty": [15.0]})


# -- two-level column headers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda df, e: bk_fast.planning_balance(df, engine=e),
    lambda df, e: bk_fast.yarn_risk(df, engine=e)["planning_balance"],
], ids=["planning_balance", "yarn_risk"])
def test_multiindex_column_header_inventory(call, engine):
    """A first-level label heading one column was read as a sub-frame: AttributeError "'DataFrame' object has no
    attribute 'dtype'". It is that column now (loose ERP spellings on the first level too)."""
    df = _two_level(_INV.rename(columns={"Theoretical Balance": "theoretical_balance"}))
    before = df.copy(deep=True)
    assert call(df, engine).tolist() == [105.0, -60.0]
    pd.testing.assert_frame_equal(df, before)


def test_multiindex_column_header_allocate(engine):
    res = bk_fast.allocate(_two_level(_ORDERS), _two_level(_SUPPLY, "y"), engine=engine)
    assert res.deliveries["qty"].tolist() == [10.0, 5.0]
    # a label heading two columns names them and the header; the full tuple still picks one
    two = pd.concat([_two_level(_ORDERS), pd.DataFrame({("qty", "y"): [1.0, 1.0]})], axis=1)
    with pytest.raises(ValueError, match=r"orders has a two-level column header \(MultiIndex columns\): 'qty' "
                                         r"heads 2 columns, \('qty', 'x'\), \('qty', 'y'\); pass the full tuple"):
        bk_fast.allocate(two, _SUPPLY, engine=engine)
    res = bk_fast.allocate(two, _SUPPLY, columns={"qty": ("qty", "y")}, engine=engine)
    assert res.deliveries["qty"].tolist() == [1.0, 1.0]


def test_multiindex_column_header_weekly_balance(engine):
    """A wide frame with a two-level header died in pandas ("Must pass list-like as `names`"); a long one now reads
    its columns by their first-level labels."""
    demand = pd.DataFrame({"This Week": [10.0], "Week 36": [5.0]}, index=["Y1"])
    with pytest.raises(ValueError, match=r"demand has a two-level column header .*flatten the header"):
        bk_fast.weekly_balance(pd.Series({"Y1": 20.0}), _two_level(demand), engine=engine)
    long = pd.DataFrame({"item": ["Y1", "Y1"], "week": ["This Week", "Week 36"], "qty": [10.0, 5.0]})
    out = bk_fast.weekly_balance(pd.Series({"Y1": 20.0}), _two_level(long), engine=engine)
    assert out.loc["Y1", ["This Week", "Week 36"]].tolist() == [10.0, 5.0]


def test_multiindex_column_header_bom_schedule_and_erp(engine):
    bom = pd.DataFrame({"Style#": ["S/1"], "Desc#": [1], "BOM_Percentage": [1.0]})
    b = bk_fast.BOM.from_frame(_two_level(bom), engine=engine)
    out = b.explode(_two_level(pd.DataFrame({"sty": ["S/1"], "q": [3.0]})), item="sty", qty="q", engine=engine)
    assert out.to_dict("list") == {"item": [1], "qty": [3.0]}
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "Balance (lbs)": [100.0]})
    assert erp.yarn_requirements(_two_level(ko), _two_level(bom)).by_yarn["lbs"].tolist() == [100.0]
    jobs = pd.DataFrame({"job": ["a"], "qty": [10.0], "eligible": [[1]]})
    s = bk_fast.schedule(_two_level(jobs), _two_level(pd.DataFrame({"machine": [1]})), rates=10.0,
                         start="2025-09-01", engine=engine)
    assert s.jobs["end_day"].tolist() == [1.0]


# -- MultiIndex rows and Series ---------------------------------------------------------------------------------

def test_min_late_jobs_multiindex_series_in_other_order(engine):
    """_validate.isin read `own.array` before its MultiIndex guard: "MultiIndex has no single backing array"."""
    idx = pd.MultiIndex.from_tuples([("K1", 1), ("K2", 1), ("K3", 2)])
    p = pd.Series([1.0, 2.0, 3.0], index=idx)
    d = pd.Series([2.0, 2.0, 10.0], index=idx)
    expected = bk_fast.min_late_jobs(p, d, engine=engine)
    got = bk_fast.min_late_jobs(p, d.iloc[::-1], engine=engine)
    assert got.n_late == expected.n_late == 1
    pd.testing.assert_series_equal(got.on_time, expected.on_time)
    assert list(got.sequence) == list(expected.sequence)


def test_isin_helper_multiindex_matches_pandas():
    from bk_fast._validate import isin

    mi = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])
    among = pd.MultiIndex.from_tuples([("b", 2)])
    np.testing.assert_array_equal(isin(mi, among), pd.Index(mi).isin(among))
    np.testing.assert_array_equal(isin(mi, [("a", 1)]), [True, False])


_MI_ROWS = pd.MultiIndex.from_tuples([("Y1", "lot1"), ("Y2", "lot1")])


def test_weekly_balance_wide_frame_with_multiindex_rows(engine):
    """pd.isna(df.index) of a MultiIndex: pandas' NotImplementedError "isna is not defined for MultiIndex". The
    rows' tuples are the items, as in long form; a row is without an item only when every level is missing."""
    demand = pd.DataFrame({"This Week": [1.0, 2.0], "Week 36": [3.0, 4.0]}, index=_MI_ROWS)
    out = bk_fast.weekly_balance(pd.Series([5.0, 5.0], index=_MI_ROWS), demand, engine=engine)
    assert out.index.tolist() == [("Y1", "lot1"), ("Y2", "lot1")]
    assert out["Week 36"].tolist() == [1.0, -1.0]
    rows = pd.MultiIndex.from_tuples([("Y1", "lot1"), (np.nan, np.nan), ("Y3", np.nan)])
    demand = pd.DataFrame({"This Week": [1.0, np.nan, 2.0], "Week 36": [3.0, np.nan, 4.0]}, index=rows)
    out = bk_fast.weekly_balance(0.0, demand, engine=engine)  # (an export's empty row: skipped)
    assert out.index.tolist() == [("Y1", "lot1"), ("Y3", np.nan)] and out["Week 36"].tolist() == [-4.0, -6.0]
    with pytest.raises(ValueError, match=r"demand: row 1 has a missing item"):
        bk_fast.weekly_balance(0.0, demand.fillna({"This Week": 7.0}), engine=engine)


def test_net_requirements_wide_frame_with_multiindex_rows(engine):
    gross = pd.DataFrame({0: [1.0, 2.0], 1: [3.0, 4.0]}, index=_MI_ROWS)
    res = bk_fast.net_requirements(gross, 0.0, engine=engine)
    assert res.orders["qty"].tolist() == [1.0, 3.0, 2.0, 4.0]
    assert res.orders["item"].tolist() == [("Y1", "lot1")] * 2 + [("Y2", "lot1")] * 2


# -- NettingResult.cost ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("setup, holding, message", [
    (-1.0, 1.0, r"setup cost must be a finite number >= 0; item 0 has -1.0"),
    (np.inf, 1.0, r"setup cost must be a finite number >= 0; item 0 has inf"),
    (1.0, np.array([-2.0]), r"holding cost must be a finite number >= 0; item 0 has -2.0"),
], ids=["negative", "inf", "holding"])
def test_netting_cost_rejects_negative_or_infinite_setup(setup, holding, message, engine):
    """cost(-1, 1) priced every order at -1, below the plan's holding cost; the lot rules refuse such a cost."""
    res = bk_fast.net_requirements(np.array([[10.0, 20, 30, 40]]), 0.0, lot="ww:setup=30,holding=1", engine=engine)
    with pytest.raises(ValueError, match=message):
        res.cost(setup, holding)
    with pytest.raises(ValueError, match=message):  # (the lot rule's own check, same words)
        bk_fast.net_requirements(np.array([[10.0, 20, 30, 40]]), 0.0,
                                 lot=bk_fast.lots.WagnerWhitin(setup=setup, holding=holding), engine=engine)
    assert res.cost(None, np.nan).tolist() == [0.0]  # (a missing cost counts 0)


# -- two spellings of one column -------------------------------------------------------------------------------

def test_two_spellings_of_balance_column_are_refused_like_inventory():
    """yarn_requirements read 'Balance (lbs)' and ignored 'balance (lbs)' silently (by_yarn 100 lbs, not 105 or
    an error); the inventory functions refused such a frame."""
    with pytest.raises(ValueError, match=r"inventory has 2 columns for 'Allocated': 'Allocated', 'allocated'"):
        bk_fast.planning_balance(_INV.assign(allocated=[1.0, 1.0]))
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "Balance (lbs)": [100.0], "balance (lbs)": [5.0]})
    bom = pd.DataFrame({"Style#": ["S/1"], "Desc#": [1], "BOM_Percentage": [1.0]})
    before = ko.copy(deep=True)
    with pytest.raises(ValueError, match=r"knit_orders has 2 columns for 'Balance \(lbs\)': 'Balance \(lbs\)', "
                                         r"'balance \(lbs\)'; expected exactly one \(drop or rename the others\)"):
        erp.yarn_requirements(ko, bom)
    pd.testing.assert_frame_equal(ko, before)


def test_two_spellings_of_one_role_are_refused_by_every_adapter(engine):
    """Two labels of the accepted name read that differ only in case, spaces or punctuation (``qty`` beside
    ``Qty``) are refused by every adapter; different accepted names are read in their order (``qty`` before
    ``quantity``, ``due`` before ``Quoted Date``, ``parent`` before ``Style#``: an export may hold both)."""
    with pytest.raises(ValueError, match=r"orders has 2 columns for 'qty': 'qty', 'Qty'; expected exactly one "
                                         r"\(choose one with columns=\{'qty': <label>\}"):
        bk_fast.allocate(_ORDERS.assign(Qty=1.0), _SUPPLY, engine=engine)
    with pytest.raises(ValueError, match=r"supply has 2 columns for 'qty': 'qty', 'QTY '; "
                                         r".*columns=\{'supply_qty'"):
        bk_fast.allocate(_ORDERS, _SUPPLY.assign(**{"QTY ": 1.0}), engine=engine)
    res = bk_fast.allocate(_ORDERS.assign(Qty=1.0), _SUPPLY, columns={"qty": "Qty"}, engine=engine)
    assert res.deliveries["qty"].tolist() == [1.0, 1.0]  # (columns= chooses: no error)
    first = bk_fast.allocate(_ORDERS.assign(quantity=1.0), _SUPPLY.assign(on_hand=1.0), engine=engine)
    pd.testing.assert_frame_equal(first.deliveries, bk_fast.allocate(_ORDERS, _SUPPLY, engine=engine).deliveries)
    jobs = pd.DataFrame({"job": ["a"], "qty": [10.0], "Qty": [20.0]})
    with pytest.raises(ValueError, match=r"jobs has 2 columns for 'qty': 'qty', 'Qty'"):
        bk_fast.schedule(jobs, pd.DataFrame({"machine": [1]}), rates=10.0, start="2025-09-01", engine=engine)
    both = pd.DataFrame({"job": ["a"], "qty": [10.0], "lbs": [20.0], "due": [0.5], "Quoted Date": [9.0]})
    got = bk_fast.schedule(both, pd.DataFrame({"machine": [1]}), rates=10.0, start="2025-09-01", engine=engine)
    assert got.jobs[["qty", "due_day"]].values.tolist() == [[10.0, 0.5]]  # (qty and due read: not lbs, Quoted Date)
    long = pd.DataFrame({"item": ["A"], "period": [0], "qty": [5.0], "QTY": [6.0]})
    with pytest.raises(ValueError, match=r"gross has 2 columns for 'qty': 'qty', 'QTY'"):
        bk_fast.net_requirements(long, 0.0, engine=engine)
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"Style#": ["S/1"], "Desc#": [1], "BOM_Percentage": [1.0]}))
    with pytest.raises(ValueError, match=r"demand has 2 columns for 'item': 'item', 'Item'; expected exactly one "
                                         r"\(choose one with item=<column label>"):
        bom.explode(pd.DataFrame({"item": ["S/1"], "Item": ["S/2"], "qty": [1.0]}), engine=engine)
    assert bom.explode(pd.DataFrame({"item": ["S/1"], "Style#": ["S/2"], "qty": [1.0]}),
                       engine=engine)["qty"].tolist() == [1.0]  # (item before Style#)


def test_style_work_center_reads_the_first_accepted_style_column():
    """A style / work-center table holding 'Style#' and its alias 'Style' was refused (60efed1); the lookup reads
    the canonical 'Style#' as before; two spellings of that one ('Style#' beside 'style#') are refused."""
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["125792/1"], "Balance (lbs)": [5000.0], "Machine": [None],
                       "Quoted Date": pd.to_datetime(["2025-09-10"])})
    machines = pd.DataFrame({"WC": ["9.38.20.F"], "MACH": [101]})
    cap = pd.DataFrame({"Style": ["125792/1"], "lbs/day": [500.0]})
    swc = pd.DataFrame({"Style": ["X"], "WC": ["9.38.20.F"], "Style#": ["125792/1"]})
    plain_swc = pd.DataFrame({"Style#": ["125792/1"], "WC": ["9.38.20.F"]})
    a = erp.schedule_knit_orders(ko, machines, cap, swc, start="2025-09-01")
    b = erp.schedule_knit_orders(ko, machines, cap, swc.drop(columns="Style"), start="2025-09-01")
    pd.testing.assert_frame_equal(a.jobs, b.jobs)
    assert a.jobs["machine"].tolist() == [101]
    with pytest.raises(ValueError, match=r"style_work_center has 2 columns for 'Style#': 'Style#', 'style#'"):
        erp.schedule_knit_orders(ko, machines, cap, plain_swc.assign(**{"style#": ["Y"]}), start="2025-09-01")


def test_choice_lists_of_different_columns_are_no_ambiguity(engine):
    """Netting's period and on-hand names are choices of different columns in order, not spellings of one: an
    ERP inventory holds 'Theoretical Balance' and 'Beginning Balance'; planned orders, 'due' and 'due_period'."""
    inv = pd.DataFrame({"item": ["A"], "Beginning Balance": [1.0], "Theoretical Balance": [4.0]})
    res = bk_fast.net_requirements(pd.DataFrame({"item": ["A", "A"], "period": [0, 1], "qty": [5.0, 6.0]}), inv,
                                   engine=engine)
    assert res.orders["qty"].tolist() == [1.0, 6.0]
    again = bk_fast.net_requirements(res.orders[["item", "due", "due_period", "qty"]], 0.0, engine=engine)
    assert again.periods.tolist() == [0, 1] and again.orders["qty"].tolist() == [1.0, 6.0]
    with pytest.raises(ValueError, match=r"on_hand has 2 columns for 'on_hand': 'on_hand', 'On Hand'"):
        bk_fast.net_requirements(res.orders, pd.DataFrame({"item": ["A"], "on_hand": [1.0], "On Hand": [2.0]}),
                                 engine=engine)


# -- min_late_jobs' error rows ---------------------------------------------------------------------------------

def test_min_late_jobs_error_names_series_label():
    """The error named the position of the aligned array ('processing[1]'), not the caller's row."""
    p = pd.Series([1.0, -1.0], index=["p", "q"])
    d = pd.Series([5.0, 5.0], index=["p", "q"])
    with pytest.raises(ValueError, match=r"^processing\['q'\]: expected a finite time >= 0, got -1.0$"):
        bk_fast.min_late_jobs(p, d)
    # due in another order: its label, not processing's position
    with pytest.raises(ValueError, match=r"^due\['p'\]: expected a due time \(inf for none\), got 'x'$"):
        bk_fast.min_late_jobs(pd.Series([1.0, 1.0], index=["p", "q"]), pd.Series([5.0, "x"], index=["q", "p"]))
    with pytest.raises(ValueError, match=r"^processing\[1\]: "):  # (arrays: the position)
        bk_fast.min_late_jobs([1.0, -1.0], [5.0, 5.0])


def test_allocation_choices_of_different_columns_are_no_ambiguity(engine):
    """An orders frame holding its due and the date it was placed (``due`` and ``order_date``), a supply frame
    holding a period and a date (``period``, ``date``, ``week``): different columns, taken in the accepted
    names' order as before, not refused as two spellings of one (the first version of the two-spellings check
    refused them); two labels of the due differing only in case (``due`` beside ``Due``) are refused."""
    orders = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [5.0, 5.0], "priority": [1, 2],
                           "due": [0, 3], "order_date": [9, 9]})
    supply = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 3], "qty": [5.0, 5.0], "week": [40, 43],
                           "date": pd.to_datetime(["2025-09-01", "2025-09-22"])})
    res = bk_fast.allocate(orders, supply, engine=engine)
    assert res.deliveries[["order", "period", "qty"]].values.tolist() == [[1, 0, 5.0], [2, 3, 5.0]]
    kits = bk_fast.allocate_kits(orders, pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "fraction": [1.0, 1.0]}),
                                 supply, engine=engine)
    assert kits.orders["knittable"].tolist() == [5.0, 5.0]
    with pytest.raises(ValueError, match=r"orders has 2 columns for 'due': 'due', 'Due'"):
        bk_fast.allocate(orders.assign(Due=[1, 1]), supply, engine=engine)
    pd.testing.assert_frame_equal(bk_fast.allocate(orders.assign(due_date=[1, 1]), supply, engine=engine).deliveries,
                                  res.deliveries)  # (due before due_date)


# ----------------------------------------------------------------------------------------------------------
# a review of 60efed1 / 3288f2c (rev8): frames the two-spellings check refused that worked before; one rule now
# (the first accepted name present is read, two labels of it differing only in case, spaces or punctuation are
# refused; the inventory's balance columns stay strict)

_T = pd.Timestamp("2025-09-01")
_KO = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "Balance (lbs)": [100.0]})
_BOM = pd.DataFrame({"Style#": ["S/1"], "Desc#": [1], "BOM_Percentage": [1.0]})


# R1. allocate_knit_orders(on_hand=<label>) names the inventory column to use ("Inventory column used as today's
#     stock", erp.allocate_knit_orders docstring); 60efed1's message: "columns= or an explicit label chooses
#     without error". Now find_column(inv, on_hand) refuses the label the caller named, because another alias of
#     the same canonical column is present ('On Hand' and 'Beginning Balance' are both spellings of Beginning
#     Balance). Worked before 60efed1 (find_column returned an exact label at once). Expected: 80 lbs knittable.
def test_allocate_knit_orders_explicit_on_hand_label_is_used():
    inv = pd.DataFrame({"Desc#": [1], "Beginning Balance": [50.0], "On Hand": [80.0], "Planning Balance": [50.0]})
    res = erp.allocate_knit_orders(_KO, _BOM, inv, today=_T, on_hand="On Hand")
    assert res.orders["knittable_lbs"].tolist() == [80.0]


# R2. The ERP adapters build the BOM through bom._label(..., "component"), whose refusal now says "choose one with
#     component=<column label>"; yarn_requirements / sales_to_greige / allocate_knit_orders take no component=
#     argument (TypeError if tried). README: "Every message names the column, argument or row it is about" -
#     here it names an argument that does not exist. (A BOM export whose 'Yarn' column holds the yarn's name,
#     beside Desc#, worked before 60efed1: Desc# was read.) Expected: no error, or a hint the caller can follow.
def test_erp_bom_refusal_names_no_missing_argument():
    bom = _BOM.assign(Yarn=["30/1 cotton"])
    try:
        erp.yarn_requirements(_KO, bom)
    except ValueError as exc:
        assert "component=" not in str(exc), str(exc)
        with pytest.raises(TypeError):  # (what the hint asks for is not possible)
            erp.yarn_requirements(_KO, bom, component="Desc#")
        raise


# R3. bk_fast.schedule's jobs docstring lists the aliases it accepts (qty: Balance (lbs); job: Order #; style:
#     Style#; work_center: WC) and names no alias for `due`; _JOB_NAMES["due"] = ("due", "Quoted Date") plus
#     Quoted Date's ERP aliases (Due Date, Quote Date, quoted_date). 60efed1's _pick takes all of them as spellings
#     of one column: a jobs frame built from a knit-order export with the planner's own `due` beside the export's
#     `Quoted Date` is now a ValueError ("jobs has 2 columns for 'due'"); before, `due` was read. Neither the
#     refusal nor this alias is documented, and schedule has no argument to choose. Expected: `due` is read.
def test_schedule_due_beside_quoted_date():
    jobs = pd.DataFrame({"job": ["K1", "K2"], "qty": [600.0, 600.0], "style": ["A", "A"], "work_center": ["W", "W"],
                         "due": [1, 1], "Quoted Date": [pd.Timestamp("2025-12-01")] * 2})
    machines = pd.DataFrame({"machine": [1], "work_center": ["W"], "rate": [600.0]})
    s = bk_fast.schedule(jobs, machines, start=_T)
    assert len(s.late) == 1  # (due day 1: the second job ends on day 2)


# R4. BOM.from_frame docstring: "parent, component, qty_per: Default: parent/component/qty_per, else the ERP's
#     Style#/Desc#/BOM_Percentage". A frame holding both (a user's role columns added beside the export's own)
#     is now a ValueError ("bom has 2 columns for 'parent': 'parent', 'Style#'"), so the documented precedence
#     ("else") is false. Expected: parent/component/qty_per are read, as before 60efed1.
def test_bom_from_frame_default_names_before_erp_names():
    bom = _BOM.assign(parent=["S/1"], component=[1], qty_per=[0.5])
    b = bk_fast.BOM.from_frame(bom)
    assert b.qty.tolist() == [0.5]


# R5. ERP knit-order exports: find_column now refuses 'Quoted Date' beside 'Due Date' (an alias in
#     _columns.ALIASES), 'Machine' beside 'Machine #', ..., with no way to choose in the adapters (no columns=);
#     schedule_knit_orders' docstring names ``Quoted Date`` as the due date. Worked before 60efed1 (the exact
#     canonical label won). (read_erp outputs are unaffected: it renames the second to 'Quoted Date.1'.)
#     Expected: the documented canonical column is read.
def test_schedule_knit_orders_quoted_date_beside_due_date():
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "Balance (lbs)": [616.0], "Machine": [101.0],
                       "Quoted Date": [pd.Timestamp("2025-09-01")], "Due Date": [pd.Timestamp("2025-12-01")]})
    machines = pd.DataFrame({"WC": ["9.38.20.F"], "MACH": [101]})
    cap = pd.DataFrame({"Style": ["S/1"], "lbs/day": [616.0]})
    swc = pd.DataFrame({"Style": ["S/1"], "WC": ["9.38.20.F"]})
    s = erp.schedule_knit_orders(ko, machines, cap, swc, start=_T)
    assert len(s.late) == 0  # (1 working day from 2025-09-01, due through 2025-09-01)


# R6. netting._layout's error for a wide frame with a two-level header recommends
#     "df.columns = df.columns.get_level_values(0)". The usual way such a frame arises, long.set_index([item,
#     week]).unstack() (or pivot_table(values=[...])), puts the value name on level 0 and the periods on level 1:
#     following the advice gives columns all named 'qty' and the next ValueError ("several columns labelled
#     'qty'"). Expected: advice that works for that frame (e.g. the last level / df['qty'] / droplevel(0)).
def test_wide_two_level_header_advice_works():
    long = pd.DataFrame({"item": ["Y", "Y", "Z"], "week": [1, 2, 1], "qty": [5.0, 6.0, 7.0]})
    wide = long.set_index(["item", "week"]).unstack()
    with pytest.raises(ValueError) as exc:
        bk_fast.net_requirements(wide, on_hand=0.0)
    fixed = wide.copy()
    if "get_level_values(0)" in str(exc.value):
        fixed.columns = fixed.columns.get_level_values(0)  # the advice, as given
    else:
        fixed.columns = fixed.columns.get_level_values(-1)
    bk_fast.net_requirements(fixed, on_hand=0.0)  # FAILS when the advice is get_level_values(0)


def test_override_and_balance_errors_name_the_callers_key_and_column():
    """rev10: a columns= override naming no column said "(given for 'item')" for the key 'supply_item'; a
    negative balance in allocate_knit_orders named 'Balance (lbs)' where the caller's column is 'balance_lbs'."""
    with pytest.raises(ValueError, match=r"supply has no column 'Yarn' \(given for 'supply_item'\)"):
        bk_fast.allocate(_ORDERS, _SUPPLY, columns={"supply_item": "Yarn"})
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "balance_lbs": [-5.0]})
    inv = pd.DataFrame({"Desc#": [1], "Planning Balance": [50.0]})
    with pytest.raises(ValueError, match=r"knit_orders column 'balance_lbs' must be >= 0; row 0 is negative"):
        erp.allocate_knit_orders(ko, _BOM, inv, today=_T)


# -- public API: erp.__all__ and an Examples section for every public name (docfix) ------------------------------

#: helpers erp imports from bk_fast._validate: public-looking names in erp's namespace that are not its API
_VALIDATE_HELPERS = ("date_arg", "float_column", "is_time_value", "missing_text", "require_frame", "spelled_missing")


def test_erp_all_is_its_public_api():
    """bk_fast.erp had no ``__all__``: ``from bk_fast.erp import *`` also gave the _validate helpers (date_arg,
    require_frame...), Fraction, math, np and pd. ``__all__`` now lists its public functions and result classes,
    every name the README uses from bk_fast.erp among them."""
    names = erp.__all__
    assert len(set(names)) == len(names)
    assert [n for n in names if not hasattr(erp, n)] == []
    assert set(_VALIDATE_HELPERS).isdisjoint(names)
    assert all(getattr(erp, n).__module__ == "bk_fast.erp" for n in names)  # (nothing imported from elsewhere)
    defined = {n for n, obj in vars(erp).items() if not n.startswith("_")
               and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == "bk_fast.erp"}
    assert set(names) == defined
    star: dict = {}
    exec("from bk_fast.erp import *", star)
    assert set(star) - {"__builtins__"} == set(names)
    readme = pathlib.Path(__file__).resolve().parents[1] / "README.md"
    if readme.exists():
        used = set(re.findall(r"\berp\.([A-Za-z]\w*)", readme.read_text(encoding="utf-8")))
        assert used and used <= set(names), sorted(used - set(names))


#: public classes without an Examples section of their own: (module, name) -> why
_NO_EXAMPLES = {
    ("bk_fast.erp", "YarnRequirements"): "frozen dataclass result of yarn_requirements, whose examples show it",
    ("bk_fast.erp", "GreigeDemand"): "frozen dataclass result of sales_to_greige, whose examples show it",
}


def _public_objects(module):
    """``module``'s public functions and classes: (name, object)."""
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj


def test_every_public_function_and_class_has_examples():
    """get_engine, reset_stats, release_scratch, BOMCycleError, compat.unpatch / disabled / reset_stats and the
    lot rules LotRule, LotForLot, FixedPeriods, WagnerWhitin had no example (tests/test_doctests.py runs them).
    NamedTuple result classes are left out, and the listed exceptions."""
    missing, seen = [], set()
    for module_name in ("bk_fast", "bk_fast.erp", "bk_fast.lots", "bk_fast.compat"):
        for name, obj in _public_objects(importlib.import_module(module_name)):
            if inspect.isclass(obj) and issubclass(obj, tuple) and hasattr(obj, "_fields"):
                continue
            doc = inspect.getdoc(obj) or ""
            has = "\nExamples\n--------" in doc or ">>>" in doc
            if (module_name, name) in _NO_EXAMPLES:
                seen.add((module_name, name))
                assert not has, f"{module_name}.{name} has examples now: drop it from _NO_EXAMPLES"
            elif not has:
                missing.append(f"{module_name}.{name}")
    assert missing == []
    assert seen == set(_NO_EXAMPLES), f"stale _NO_EXAMPLES entries: {set(_NO_EXAMPLES) - seen}"

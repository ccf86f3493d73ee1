"""The dtypes of the ERP adapters' answers do not depend on whether an answer (or a column of it) has rows or
values: an empty ``by_yarn`` / ``lines`` / ``unmatched`` has the id dtypes of a full one (``str`` text ids,
int64 integer ids, float64 lbs), ``limiting_yarn`` is the yarn ids' nullable dtype also when no order is blocked,
the week labels of the demand report are ``str`` also when none is set, and a header-only export reads with
make_mill's dtypes. (A service that stores or concatenates each run's answer saw its columns turn object.)"""

import warnings

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import erp

TODAY = "2025-09-01"
MODES = ["proportional", "all_or_nothing", "erp"]


def _dtypes(df):
    return {c: str(t) for c, t in df.dtypes.items()}


def _bom(yarns):
    n = len(yarns)
    return pd.DataFrame({"Style#": ["S/1"] * n, "Desc#": yarns, "BOM_Percentage": [1.0 / n] * n})


YARNS = {"int": [18767, 18929], "text": pd.array(["Y-1", "Y-2"], dtype="str")}
KOS = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S/1", "S/1"], "Balance (lbs)": [100.0, 0.0]})


# ---- yarn_requirements ----


@pytest.mark.parametrize("yarns", list(YARNS))
def test_yarn_requirements_empty_frames_have_the_full_dtypes(engine, yarns):
    bom = _bom(YARNS[yarns])
    full = erp.yarn_requirements(KOS.assign(**{"Style #": ["S/1", "X/9"]}), bom, engine=engine)
    assert len(full.by_order) and len(full.by_yarn) and len(full.unmatched)
    yarn = "int64" if yarns == "int" else "str"
    assert _dtypes(full.by_order) == {"Order #": "str", "Style #": "str", "Desc#": yarn, "lbs": "float64"}
    assert _dtypes(full.by_yarn) == {"Desc#": yarn, "lbs": "float64", "orders": "int64"}
    assert _dtypes(full.unmatched) == {"Order #": "str", "Style #": "str", "Balance (lbs)": "float64"}
    no_match = erp.yarn_requirements(KOS.assign(**{"Style #": ["X/9", "X/8"]}), bom, engine=engine)
    all_match = erp.yarn_requirements(KOS, bom, engine=engine)
    none_open = erp.yarn_requirements(KOS.assign(**{"Balance (lbs)": [0.0, 0.0]}), bom, open_only=True,
                                      engine=engine)
    no_orders = erp.yarn_requirements(KOS.iloc[:0], bom, engine=engine)
    for res in (no_match, none_open, no_orders):
        assert len(res.by_order) == 0 and len(res.by_yarn) == 0
        assert _dtypes(res.by_order) == _dtypes(full.by_order)
        assert _dtypes(res.by_yarn) == _dtypes(full.by_yarn)  # (lbs was int64: the bincount of nothing)
    for res in (all_match, none_open, no_orders):
        assert len(res.unmatched) == 0 and _dtypes(res.unmatched) == _dtypes(full.unmatched)
    # what it is for: the answers of several runs concatenate without turning the ids object
    runs = pd.concat([full.by_order, no_match.by_order], ignore_index=True)
    assert _dtypes(runs) == _dtypes(full.by_order)


def test_yarn_requirements_integer_ids_stay_int64_when_empty():
    bom = _bom([18767])
    kos = pd.DataFrame({"Order #": [1, 2], "Style #": ["S/1", "X/9"], "Balance (lbs)": [5.0, 5.0]})
    full = erp.yarn_requirements(kos, bom)
    empty = erp.yarn_requirements(kos.assign(**{"Style #": ["X/9", "X/9"]}), bom)
    assert full.by_order["Order #"].dtype == empty.by_order["Order #"].dtype == np.int64
    assert empty.by_order["Desc#"].dtype == np.int64


# ---- allocate_knit_orders ----


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("yarns", list(YARNS))
def test_allocate_knit_orders_limiting_yarn_one_dtype(engine, mode, yarns):
    """Int64 (missing <NA>) for integer yarns and str for text ones, whether or not an order is blocked; before,
    all-NaN float64 (proportional, all_or_nothing) or object (erp) when none was."""
    ids = YARNS[yarns]
    bom = _bom(ids)
    kos = KOS.assign(**{"Balance (lbs)": [100.0, 50.0]})
    short = erp.allocate_knit_orders(kos, bom, pd.DataFrame({"Desc#": ids, "Planning Balance": [10.0, 1e6]}),
                                     today=TODAY, mode=mode, engine=engine)
    covered = erp.allocate_knit_orders(kos, bom, pd.DataFrame({"Desc#": ids, "Planning Balance": [1e6, 1e6]}),
                                       today=TODAY, mode=mode, engine=engine)
    want = "Int64" if yarns == "int" else "str"
    assert str(short.orders["limiting_yarn"].dtype) == want
    assert short.orders["limiting_yarn"].tolist()[0] == ids[0]
    assert str(covered.orders["limiting_yarn"].dtype) == want
    assert covered.orders["limiting_yarn"].isna().all() and covered.orders["can_start"].all()
    if yarns == "int":
        assert covered.orders["limiting_yarn"].tolist() == [pd.NA, pd.NA]


@pytest.mark.parametrize("mode", MODES)
def test_allocate_knit_orders_limiting_yarn_of_mixed_ids_is_object(engine, mode):
    """Yarn ids of both kinds: object (missing <NA>) whichever yarn blocks; an integer one made it Int64, a text
    one str, none float64 / object."""
    bom = pd.DataFrame({"Style#": ["S/1", "S/1", "S/2"], "Desc#": [18767, "Y-2", 18767],
                        "BOM_Percentage": [0.5, 0.5, 1.0]})
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S/1", "S/2"], "Balance (lbs)": [100.0, 100.0]})
    got = set()
    for stock in ([10.0, 1e6], [1e6, 10.0], [1e6, 1e6]):
        inv = pd.DataFrame({"Desc#": [18767, "Y-2"], "Planning Balance": stock})
        res = erp.allocate_knit_orders(kos, bom, inv, today=TODAY, mode=mode, engine=engine)
        assert res.lines["Desc#"].dtype == object
        got.add(str(res.orders["limiting_yarn"].dtype))
        assert all(v is pd.NA for v in res.orders["limiting_yarn"] if not isinstance(v, (int, str)))
    assert got == {"object"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("yarns", list(YARNS))
def test_allocate_knit_orders_no_lines_keeps_id_dtypes(engine, mode, yarns):
    ids = YARNS[yarns]
    bom = _bom(ids)
    inv = pd.DataFrame({"Desc#": ids, "Planning Balance": [1e6, 1e6]})
    normal = erp.allocate_knit_orders(KOS, bom, inv, today=TODAY, mode=mode, engine=engine)
    assert len(normal.lines) and normal.lines["Desc#"].dtype == ("int64" if yarns == "int" else "str")
    assert normal.lines["Order #"].dtype == "str"
    for kos in (KOS.assign(**{"Style #": ["X/1", "X/2"]}), KOS.iloc[:0]):
        none = erp.allocate_knit_orders(kos, bom, inv, today=TODAY, mode=mode, engine=engine)
        assert len(none.lines) == 0
        assert _dtypes(none.lines) == _dtypes(normal.lines)
        assert str(none.orders["limiting_yarn"].dtype) == ("Int64" if yarns == "int" else "str")


@pytest.mark.parametrize("mode", ["proportional", "all_or_nothing"])
def test_allocate_knit_orders_limiting_yarn_beyond_2_53_is_exact(engine, mode):
    """(Found while fixing the dtype.) proportional / all_or_nothing took the kits' Int64 limiting item through
    float64 (``.to_numpy()`` with a missing one): yarn 2**53 + 1 was reported as 2**53, a yarn not in the BOM.
    mode="erp" was exact: the same answer."""
    big = 2 ** 53 + 1
    bom = pd.DataFrame({"Style#": ["S/1", "S/2"], "Desc#": [big, 7], "BOM_Percentage": [1.0, 1.0]})
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S/1", "S/2"], "Balance (lbs)": [100.0, 100.0]})
    inv = pd.DataFrame({"Desc#": [big, 7], "Planning Balance": [10.0, 1e6]})
    res = erp.allocate_knit_orders(kos, bom, inv, today=TODAY, mode=mode, engine=engine)
    assert res.lines["Desc#"].tolist() == [big, 7]
    assert str(res.orders["limiting_yarn"].dtype) == "Int64"
    assert res.orders["limiting_yarn"].tolist() == [big, pd.NA]
    ref = erp.allocate_knit_orders(kos, bom, inv, today=TODAY, mode="erp", engine=engine)
    pd.testing.assert_series_equal(res.orders["limiting_yarn"], ref.orders["limiting_yarn"])


# ---- yarn_demand_report ----


def test_yarn_demand_report_week_labels_are_str_when_missing(engine):
    inv = pd.DataFrame({"Desc#": [1, 2], "Theoretical Balance": [0.0, 1000.0]})
    dem = pd.DataFrame({"Desc#": [1, 2], "This Week": [10.0, 10.0], "Week 36": [10.0, 10.0]})
    some = erp.yarn_demand_report(inv, dem, engine=engine)
    assert some["Shortage Week"].tolist()[0] == "This Week" and some["Recovery Week"].isna().all()
    none = erp.yarn_demand_report(inv.assign(**{"Theoretical Balance": [1e3, 1e3]}), dem, engine=engine)
    assert none["Shortage Week"].isna().all()
    po = pd.DataFrame({"Desc#": [1], "Week 36": [100.0]})
    recovers = erp.yarn_demand_report(inv, dem, po, engine=engine)
    assert recovers["Recovery Week"].tolist()[0] == "Week 36"
    for rep in (some, none, recovers):
        assert rep["Shortage Week"].dtype == rep["Recovery Week"].dtype == "str"


def _report_error(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as err:
            erp.yarn_demand_report(*args, **kw)
    return str(err.value)


@pytest.mark.parametrize("val", [np.inf, -np.inf])
def test_yarn_demand_report_infinite_inventory_names_yarn_inventory(engine, val):
    """An infinite Monday inventory (its column, the inventory_column, Theoretical Balance or one of its
    components) was "on_hand: item 1 is infinite" (weekly_balance's parameter, not the caller's frame) or
    "inventory column ... (position 1)" without the Desc#: now named as yarn_po's infinite quantities are."""
    dem = pd.DataFrame({"Desc#": [1, 2], "This Week": [1.0, 2.0]})
    inv = pd.DataFrame({"Desc#": [1, 2], "Monday Inventory": [10.0, val]}, index=["a", "b"])
    tail = f"row 'b' (position 1, Desc# 2): {val} is not a finite quantity"
    assert _report_error(inv, dem, engine=engine) == f"yarn_inventory column 'Monday Inventory' {tail}"
    stock = inv.rename(columns={"Monday Inventory": "Stock"})
    assert _report_error(stock, dem, inventory_column="Stock", engine=engine) == \
        f"yarn_inventory column 'Stock' {tail}"
    theo = inv.rename(columns={"Monday Inventory": "Theoretical Balance"})
    assert _report_error(theo, dem, engine=engine) == f"yarn_inventory column 'Theoretical Balance' {tail}"
    comp = pd.DataFrame({"Desc#": [1, 2], "Beginning Balance": [1.0, 2.0], "Received": [0.0, val],
                         "Consumed": [0.0, -val], "Adjustments": [None, None]}, index=["a", "b"])
    assert _report_error(comp, dem, engine=engine) == f"yarn_inventory column 'Received' {tail}"


def test_yarn_demand_report_theoretical_balance_beyond_the_float_range(engine):
    """Finite components whose sum is beyond the float range gave "on_hand: item 2 is infinite": now named as
    yarn_inventory's row and Desc#; a sum that overflows only on the way is the exact one."""
    dem = pd.DataFrame({"Desc#": [1, 2], "This Week": [1.0, 2.0]})
    comp = pd.DataFrame({"Desc#": [1, 2], "Beginning Balance": [1.0, 1e308], "Received": [0.0, 1e308],
                         "Consumed": [0.0, None], "Adjustments": [0.0, 0.0]}, index=[7, 8])
    assert _report_error(comp, dem, engine=engine) == (
        "yarn_inventory row 8 (position 1, Desc# 2): its Theoretical Balance components 'Beginning Balance', "
        "'Received', 'Consumed', 'Adjustments', each finite, add up beyond the float range (|sum| > 1.8e308); "
        "expected a finite total")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = erp.yarn_demand_report(comp.assign(Consumed=[0.0, -1e308]), dem, engine=engine)
    assert rep["Monday Inventory"].tolist() == [1.0, 1e308]
    assert rep["Balance This Week"].tolist() == [0.0, 1e308]


@pytest.mark.parametrize("val", [np.inf, -np.inf])
def test_yarn_demand_report_infinite_demand_names_the_column_row_and_desc(engine, val):
    """An infinite demand quantity was "demand: item 2, period 'This Week' is infinite" (weekly_balance's
    bucket, not the caller's column, and no row): now named as yarn_po's are."""
    inv = pd.DataFrame({"Desc#": [1, 2], "Monday Inventory": [10.0, 5.0]})
    dem = pd.DataFrame({"Desc#": [1, 2, 2], "Demand This Week": [1.0, 2.0, val], "Week 37": [2.0, 1.0, 0.0]},
                       index=[4, 5, 6])
    assert _report_error(inv, dem, engine=engine) == (
        f"demand column 'Demand This Week' row 6 (position 2, Desc# 2): {val} is not a finite quantity")
    po = pd.DataFrame({"Desc#": [2], "This Week": [np.inf]})   # (the message it follows)
    assert _report_error(inv, dem.assign(**{"Demand This Week": 1.0}), po, engine=engine) == (
        "yarn_po column 'This Week' row 0 (position 0, Desc# 2): inf is not a finite quantity")


def _report_frames(inv_ids, inv_vals, past_due, column="Monday Inventory"):
    inv = pd.DataFrame({"Desc#": inv_ids, column: inv_vals})
    dem = pd.DataFrame({"Desc#": [1], "This Week": [5.0]})
    po = pd.DataFrame({"Desc#": [1], "This Week": [1.0]})
    if past_due:
        po["Unscheduled or Past Due"] = [2.0]
    return inv, dem, po


@pytest.mark.parametrize("past_due", [False, True])
def test_yarn_demand_report_inventory_rows_beyond_the_float_range_name_yarn_inventory(engine, past_due):
    """Finite inventory rows of one Desc# adding up beyond the float range were "on_hand: item 1 is infinite"
    and a pandas RuntimeWarning (yarn_po with past due) or "on_hand: the entries of item 1 ..." (without):
    weekly_balance's parameter. Now named as yarn_po's totals are: the frame, the column as written, Desc#."""
    tail = "the rows of Desc# 1 add up beyond the float range (|sum| > 1.8e308); expected finite totals"
    inv, dem, po = _report_frames([1, 1], [1e308, 1e308], past_due)
    assert _report_error(inv, dem, po, engine=engine) == f"yarn_inventory column 'Monday Inventory': {tail}"
    stock = inv.rename(columns={"Monday Inventory": "Stock"})
    assert _report_error(stock, dem, po, inventory_column="Stock", engine=engine) == \
        f"yarn_inventory column 'Stock': {tail}"
    comp = pd.DataFrame({"Desc#": [1, 1], "Beginning Balance": [1e308, 1e308], "Received": [0.0, 0.0],
                         "Consumed": [0.0, 0.0], "Adjustments": [0.0, 0.0]})
    assert _report_error(comp, dem, po, engine=engine) == (
        "yarn_inventory column 'Theoretical Balance' (computed from its components 'Beginning Balance', "
        f"'Received', 'Consumed', 'Adjustments'): {tail}")


@pytest.mark.parametrize("past_due", [False, True])
def test_yarn_demand_report_inventory_rows_overflowing_on_the_way_are_exact(engine, past_due):
    """Rows 1e308, 1e308, -1e308 of Desc# 1 (another yarn between them) total 1e308: so they were without a
    past-due column in yarn_po; with one, pandas' groupby sum overflowed and "on_hand: item 1 is infinite"."""
    inv, dem, po = _report_frames([1, 2, 1, 1], [1e308, 5.0, 1e308, -1e308], past_due)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = erp.yarn_demand_report(inv, dem, po, engine=engine)
    assert rep["Monday Inventory"].tolist() == [1e308, 5.0]


@pytest.mark.parametrize("vals", [[0.1] * 10, [1e16, 1.0, 1.0, -1e16]])
def test_yarn_demand_report_inventory_rows_add_up_alike_with_or_without_past_due(engine, vals):
    """Inventory rows of one Desc# were added in row order without a past-due column in yarn_po (ten 0.1:
    0.9999999999999999; 1e16, 1, 1, -1e16: 0.0) and by pandas' compensated groupby sum with one (1.0; 2.0):
    one report, one way of adding, netting's (row order)."""
    want = 0.0
    for v in vals:
        want += v
    for past_due in (False, True):
        inv, dem, po = _report_frames([1] * len(vals), vals, past_due)
        rep = erp.yarn_demand_report(inv, dem, po, engine=engine)
        assert rep["Monday Inventory"].tolist() == [want], past_due
        assert rep["Balance This Week"].tolist() == [want - 5.0 + 1.0], past_due


# ---- sales_to_greige ----


@pytest.mark.parametrize("ids", ["text", "int"])
def test_sales_to_greige_empty_frames_have_the_full_dtypes(ids):
    bom = pd.DataFrame({"Style#": ["125792/1"], "Desc#": [1], "BOM_Percentage": [1.0]})
    if ids == "text":
        master = pd.DataFrame({"fStyle#": ["F1"], "gBase": ["125792"]})
        sales = pd.DataFrame({"SO #": ["SO1", "SO2"], "fStyle#": ["F1", "F1"], "Ordered": [10.0, 5.0]})
        other = ["NOPE", "NOPE"]
    else:
        master = pd.DataFrame({"fStyle#": [5001], "gBase": ["125792"]})
        sales = pd.DataFrame({"SO #": [1, 2], "fStyle#": [5001, 5001], "Ordered": [10.0, 5.0]})
        other = [9, 9]
    some = erp.sales_to_greige(sales.assign(**{"fStyle#": [sales["fStyle#"][0], other[0]]}), master, bom)
    assert len(some.lines) and len(some.unmatched)
    key = "str" if ids == "text" else "int64"
    assert _dtypes(some.lines) == {"line": "int64", "SO #": key, "fStyle#": key, "gBase": "str",
                                       "Style#": "str", "versions": "int64", "qty": "float64"}
    assert _dtypes(some.unmatched) == {"line": "int64", "SO #": key, "fStyle#": key, "qty": "float64",
                                       "reason": "str"}
    all_mapped = erp.sales_to_greige(sales, master, bom)
    none_mapped = erp.sales_to_greige(sales.assign(**{"fStyle#": other}), master, bom)
    no_sales = erp.sales_to_greige(sales.iloc[:0], master, bom)
    for res in (all_mapped, no_sales):
        assert len(res.unmatched) == 0 and _dtypes(res.unmatched) == _dtypes(some.unmatched)
    for res in (none_mapped, no_sales):
        assert len(res.lines) == 0 and _dtypes(res.lines) == _dtypes(some.lines)


def test_sales_to_greige_shows_ids_as_read():
    """The code said the master's gBase is "shown as written", but it shows the id as read (spaces stripped, a
    whole-number float without .0; whole-number text kept), as fStyle# is: the docstring now says so."""
    bom = pd.DataFrame({"Style#": ["125792/1", "180001/2", "5001/1"], "Desc#": [1, 1, 1], "BOM_Percentage": 1.0})
    master = pd.DataFrame({"fStyle#": [" F1 ", "F2", "F3"], "gBase": ["  125792 ", 180001.0, "5001.0"]})
    sales = pd.DataFrame({"fStyle#": ["F1", " F2", "F3"], "Ordered": [10.0, 5.0, 1.0]})
    lines = erp.sales_to_greige(sales, master, bom).lines
    assert lines["gBase"].tolist() == ["125792", "180001", "5001.0"]
    assert lines["fStyle#"].tolist() == ["F1", "F2", "F3"]
    assert "shown are the ids as read" in " ".join(erp.sales_to_greige.__doc__.split())


# ---- read_mill / read_erp ----


def test_header_only_exports_read_with_make_mills_dtypes(tmp_path):
    """README: read_mill "gives the frames with the synthetic mill's column spellings and dtypes"; an export with
    its header and no rows read its integer ids (Desc#, MACH) as float64, where make_mill (and an export with
    one row) has int64."""
    mill = bk_fast.datasets.make_mill(scale=0.01, seed=1)
    full, cut = tmp_path / "full", tmp_path / "cut"
    full.mkdir()
    cut.mkdir()
    bk_fast.datasets.write_exports(mill, full)
    for kind, name in bk_fast.datasets.EXPORT_FILES.items():  # (each export up to its header line)
        lines = (full / name).read_text(encoding="utf-8-sig").splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith(mill[kind].columns[0] + ","))
        (cut / name).write_text("\n".join(lines[:header + 1]) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (every export is recognised, none is skipped)
        got = bk_fast.io.read_mill(cut)
    assert sorted(got) == sorted(mill)
    for kind, frame in got.items():
        assert len(frame) == 0 and list(frame.columns) == list(mill[kind].columns), kind
        assert _dtypes(frame) == _dtypes(mill[kind]), kind
    assert bk_fast.io.read_erp(cut / "machines.csv", optimize=False)["Machine"].dtype == np.int64
    # (one row: int64 before and after; a missing id still makes the column float64)
    assert bk_fast.io.read_erp(b"WC,MACH\nW1,101\n", optimize=False)["Machine"].dtype == np.int64
    assert bk_fast.io.read_erp(b"WC,MACH\nW1,101\nW2,\n", optimize=False)["Machine"].dtype == np.float64


# ---- allocate_knit_orders with no knit orders; schedule_knit_orders' reason ----


def test_allocate_knit_orders_without_orders_keeps_the_id_dtypes(engine):
    mill = bk_fast.datasets.make_mill(scale=0.05, seed=1)
    args = (mill["bom"], mill["yarn_inventory"], mill["yarn_po"])
    full = erp.allocate_knit_orders(mill["knit_orders"], *args, engine=engine)
    none = erp.allocate_knit_orders(mill["knit_orders"].iloc[:0], *args, engine=engine)
    assert len(none.orders) == 0 and _dtypes(none.orders) == _dtypes(full.orders)


def test_schedule_knit_orders_reason_is_str_when_every_order_is_placed(engine):
    mill = bk_fast.datasets.make_mill(scale=0.05, seed=1)
    ko = mill["knit_orders"]
    args = (mill["machines"], mill["style_capacity"], mill["style_work_center"])
    some = erp.schedule_knit_orders(ko.assign(**{"Balance (lbs)": 0.0}), *args, engine=engine)
    none = erp.schedule_knit_orders(ko[ko["Balance (lbs)"] > 0].head(2), *args, engine=engine)
    assert some.jobs["reason"].notna().all() and none.jobs["reason"].isna().all()
    assert some.jobs["reason"].dtype == "str" and none.jobs["reason"].dtype == "str"


# ---- audit fixes (erpdem): number text, dates, reasons and styles of the ERP adapters ----

ABOM = pd.DataFrame({"Style#": ["125792/1", "125792/1"], "Desc#": [18767, 18929], "BOM_Percentage": [0.914, 0.086]})
AINV = pd.DataFrame({"Desc#": [18767, 18929], "Planning Balance": [5000.0, 5000.0]})


def _kos(**cols):
    d = {"Order #": ["K2508066"], "Style #": ["125792/1"], "Balance (lbs)": [1048.1]}
    d.update(cols)
    return pd.DataFrame(d)


def test_yarn_requirements_balance_text_that_is_no_number_is_rejected():
    """'1,048.1 lbs' was read as 0 lbs silently: the order's whole yarn demand vanished from by_yarn."""
    kos = _kos(**{"Balance (lbs)": ["1,048.1 lbs"]}).set_axis([7])
    before = kos.copy(deep=True)
    with pytest.raises(ValueError, match=r"knit_orders column 'Balance \(lbs\)' row 7: '1,048.1 lbs' is not a "
                                         r"number \(expected lbs, or nothing for 0\)"):
        erp.yarn_requirements(kos, ABOM)
    pd.testing.assert_frame_equal(kos, before)
    # ERP number text is still cleaned, and a missing balance still counts 0 lbs
    res = erp.yarn_requirements(_kos(**{"Order #": ["K1", "K2", "K3"], "Style #": ["125792/1"] * 3,
                                        "Balance (lbs)": ["1,000.0", "N/A", ""]}), ABOM)
    assert res.by_yarn["lbs"].round(6).tolist() == [914.0, 86.0]


@pytest.mark.parametrize("col", ["Balance (lbs)", "Shipped (lbs)", "G00 (lbs)", "Qty Ordered (lbs)"])
def test_allocate_knit_orders_number_text_in_knit_orders_is_rejected(col):
    """Every knit-order number column: '5 lbs' in Shipped lost the +1000 and HARD silently, a balance of text
    became 0 lbs (can_start True)."""
    kos = _kos(**{col: ["5 lbs"]}).set_axis([3])
    with pytest.raises(ValueError, match=rf"knit_orders column '{col[:-6]} \(lbs\)' row 3: '5 lbs' is not a "
                                         r"number \(expected lbs, or nothing for 0\)"):
        erp.allocate_knit_orders(kos, ABOM, AINV, today=TODAY)
    ok = erp.allocate_knit_orders(_kos(**{col: ["N/A"]}) if col != "Balance (lbs)" else _kos(), ABOM, AINV,
                                  today=TODAY)
    assert ok.orders["can_start"].tolist() == [True]


def test_allocate_knit_orders_number_text_in_po_and_stock_is_rejected():
    """yarn_demand_report rejected these frames; allocate_knit_orders read them as 0 lbs of supply silently."""
    inv = pd.DataFrame({"Desc#": [18767, 18929], "Theoretical Balance": [0.0, 5000.0], "Allocated": [0.0, 0.0]})
    po = pd.DataFrame({"Desc#": [18767], "This Week": ["5,000 lbs"]})
    with pytest.raises(ValueError, match=r"yarn_po column 'This Week' row 0 \(item 18767\): '5,000 lbs' is not a "
                                         r"number \(expected lbs, or nothing for 0\)"):
        erp.allocate_knit_orders(_kos(), ABOM, inv, po, today=TODAY)
    text_pb = AINV.assign(**{"Planning Balance": ["5000", "lots"]})
    with pytest.raises(ValueError, match=r"column 'Planning Balance' row 1 \(item 18929\): 'lots' is not a number"):
        erp.allocate_knit_orders(_kos(), ABOM, text_pb, today=TODAY)
    with pytest.raises(ValueError, match=r"column 'Theoretical Balance' row 1 \(item 18929\): 'lots'"):
        erp.allocate_knit_orders(_kos(), ABOM, inv.assign(**{"Theoretical Balance": ["0", "lots"]}),
                                 po.assign(**{"This Week": [1.0]}), today=TODAY)
    with pytest.raises(ValueError, match=r"yarn_inventory column 'Planning Balance' row 1 \(item 18929\): 'lots'"):
        erp.allocate_knit_orders(_kos(), ABOM, text_pb, on_hand="Planning Balance", today=TODAY)
    # a row without a yarn (an export's footer) is no stock of any yarn: not read, not checked
    footer = pd.concat([AINV, pd.DataFrame({"Desc#": [None], "Planning Balance": ["see note"]})], ignore_index=True)
    assert erp.allocate_knit_orders(_kos(), ABOM, footer, today=TODAY).orders["can_start"].tolist() == [True]


def test_allocate_knit_orders_today_with_time_of_day_gives_same_scores():
    """An explicit today of datetime.now() was not normalised as the default is: 111 instead of 110."""
    import datetime as dt

    kos = _kos(**{"Qty Ordered (lbs)": [100.0], "Quoted Date": pd.to_datetime(["2025-09-01"]),
                  "Start Date": pd.to_datetime(["2025-09-01"])})
    scores = [erp.allocate_knit_orders(kos, ABOM, AINV, today=t).orders["priority_score"].tolist()
              for t in (TODAY, dt.datetime(2025, 9, 1, 15, 30), pd.Timestamp("2025-09-01 23:59", tz="US/Eastern"))]
    assert scores == [[110.0]] * 3


def test_allocate_knit_orders_dates_are_compared_as_dates():
    """A Start Date later on today's date was AVAILABLE (timestamps compared); the quote term counts dates."""
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": ["125792/1"] * 3, "Balance (lbs)": [1.0] * 3,
                        "Start Date": ["2025-09-01 08:00", "2025-09-02 00:00", "2025-08-31 23:00"],
                        "Quoted Date": ["2025-09-01 18:00", "2025-09-02 01:00", "2025-08-30 12:00"]})
    res = erp.allocate_knit_orders(kos, ABOM, AINV, today=TODAY).orders
    assert res["allocation_type"].tolist() == ["SOFT", "AVAILABLE", "SOFT"]
    assert res["priority_score"].tolist() == [100.0, 99.0, 102.0]  # (overdue 2 days: 102)


def test_allocate_knit_orders_text_dates_with_dst_offsets():
    """A local-time export across a DST change (-04:00 / -05:00) died inside pandas ('Mixed timezones detected')
    naming no column; datetime objects of two offsets were read as NaT. Both are their wall-clock dates."""
    import datetime as dt

    starts = ["2025-08-15T00:00:00-04:00", "2025-11-15T00:00:00-05:00", "2025-09-01T23:30:00-04:00",
              "2025-09-02 00:00", None]
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3", "K4", "K5"], "Style #": ["125792/1"] * 5,
                        "Balance (lbs)": [1.0] * 5, "Start Date": starts})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no value is lost as "no date")
        res = erp.allocate_knit_orders(kos, ABOM, AINV, today=TODAY)
    assert res.orders["allocation_type"].tolist() == ["SOFT", "AVAILABLE", "SOFT", "AVAILABLE", "AVAILABLE"]
    zones = [dt.timezone(dt.timedelta(hours=-4)), dt.timezone(dt.timedelta(hours=-5))]
    objs = kos.assign(**{"Start Date": pd.Series([dt.datetime(2025, 8, 15, tzinfo=zones[0]),
                                                  dt.datetime(2025, 11, 15, tzinfo=zones[1]),
                                                  dt.datetime(2025, 9, 1, 23, 30, tzinfo=zones[0]),
                                                  dt.datetime(2025, 9, 2), None], dtype=object)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = erp.allocate_knit_orders(objs, ABOM, AINV, today=TODAY)
    assert res.orders["allocation_type"].tolist() == ["SOFT", "AVAILABLE", "SOFT", "AVAILABLE", "AVAILABLE"]


def test_sales_to_greige_reason_for_master_row_with_empty_gbase():
    """An fStyle# in the master only on rows with an empty gBase was 'fStyle# not in style master' (false)."""
    master = pd.DataFrame({"fStyle#": ["125792-NAV", "125792-NAV ", "180001-RED"], "gBase": [None, "", "999"]})
    sales = pd.DataFrame({"SO #": ["SO1", "SO2", "SO3", "SO4"], "fStyle#": ["125792-NAV", "nope", "180001-RED", None],
                          "Ordered": [10.0, 1.0, 2.0, 3.0]})
    res = erp.sales_to_greige(sales, master, ABOM)
    assert res.unmatched["reason"].tolist() == ["empty gBase in style master", "fStyle# not in style master",
                                                "no BOM style for gBase", "fStyle# not in style master"]


def test_allocate_knit_orders_numeric_style_shown_as_yarn_requirements_shows_it():
    """A float Style # 125792.0 was '125792.0' in allocate_knit_orders, 125792 in yarn_requirements."""
    bom = pd.DataFrame({"Style#": [125792], "Desc#": [18767], "BOM_Percentage": [1.0]})
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": [125792.0, np.nan], "Balance (lbs)": [10.0, 1.0]})
    y = erp.yarn_requirements(kos, bom).by_order["Style #"].astype(str).tolist()
    a = erp.allocate_knit_orders(kos, bom, AINV, today=TODAY).orders["Style #"]
    assert a.iloc[:1].tolist() == y == ["125792"] and a.isna().tolist() == [False, True] and a.dtype == "str"


def test_erp_bom_error_does_not_suggest_a_missing_parameter():
    """An ERP BOM frame whose fraction column has another name ('Pct'), or with two component columns, was a
    ValueError from BOM.from_frame advising 'pass qty_per=<column label>' / 'choose one with component=...':
    parameters yarn_requirements, allocate_knit_orders and sales_to_greige do not have (a TypeError when
    followed). The advice is now to compile the BOM with BOM.from_frame and pass it, which works."""
    mill = bk_fast.datasets.make_mill(scale=0.01, seed=1)
    bad = mill["bom"].rename(columns={"BOM_Percentage": "Pct"})
    twice = mill["bom"].assign(**{"desc#": mill["bom"]["Desc#"]})
    calls = {"yarn_requirements": lambda b: erp.yarn_requirements(mill["knit_orders"], b),
             "allocate_knit_orders": lambda b: erp.allocate_knit_orders(mill["knit_orders"], b,
                                                                        mill["yarn_inventory"]),
             "sales_to_greige": lambda b: erp.sales_to_greige(mill["sales_orders"], mill["style_master"], b)}
    for name, call in calls.items():
        with pytest.raises(ValueError) as info:
            call(bad)
        msg = str(info.value)
        assert "pass qty_per" not in msg and "bk_fast.BOM.from_frame(bom, qty_per=<column label>) and pass" in msg, \
            (name, msg)
        with pytest.raises(ValueError) as info:
            call(twice)
        msg = str(info.value)
        assert "choose one with" not in msg and "'Desc#', 'desc#'" in msg, (name, msg)
        assert "bk_fast.BOM.from_frame(bom, component=<column label>) and pass" in msg, (name, msg)
    with pytest.raises(ValueError, match=r"from_frame\(bom, qty_per=<column label>, scale='percent'\)"):
        erp.yarn_requirements(mill["knit_orders"], bad, scale="percent")
    # the advice followed: the compiled BOM gives the answer of the ERP's own frame
    got = erp.yarn_requirements(mill["knit_orders"], bk_fast.BOM.from_frame(bad, qty_per="Pct"))
    assert len(got.by_yarn)
    pd.testing.assert_frame_equal(got.by_yarn, erp.yarn_requirements(mill["knit_orders"], mill["bom"]).by_yarn)

"""Id matching across the ERP adapters (bk_fast.erp): one reading of a style, yarn or machine id, whatever the
function, the dtype or the way an export wrote it (audit `erpids`)."""

import io
import pickle
import sys

import numpy as np
import pandas as pd
import pytest

import bk_fast.erp as erp
from bk_fast import BOM, normalize_ids
from bk_fast.erp import (_net_yarn_ids, allocate_knit_orders, erp_capacity, sales_to_greige,
                         schedule_knit_orders, yarn_demand_report, yarn_requirements)
from bk_fast.io import read_erp

from _optional import HAVE_PYARROW, needs

try:
    import pyarrow as pa
except ImportError:  # (the tests of pyarrow-backed ids are skipped: _optional)
    pa = None

#: what pd.read_csv(..., dtype_backend="pyarrow") gives text columns
ARROW_STR = pd.ArrowDtype(pa.string()) if HAVE_PYARROW else None


def _kos(styles, balance=100.0):
    return pd.DataFrame({"Order #": [f"K{i + 1}" for i in range(len(styles))], "Style #": styles,
                         "Balance (lbs)": [balance] * len(styles)})


# ---------------------------------------------------------------------------------------------------------
# a BOM style written as whole-number text with a ".0" (a float column written as text)

@pytest.mark.parametrize("style", ["125792", 125792, 125792.0, " 125792 ", "125792.00"])
def test_bom_style_written_with_point_zero_unmatched_unlike_scheduling(engine, style):
    """The BOM's "125792.0" (read back by read_erp, which keeps Style# as written) was unmatched by the knit
    order's 125792 / "125792" in yarn_requirements and allocate_knit_orders, while erp_capacity matched the same
    pair "exact". The ids in the answers stay as written."""
    src = pd.DataFrame({"Style#": [125792, 125792, np.nan], "Desc#": [18767, 18929, np.nan],
                        "BOM_Percentage": [0.9, 0.1, np.nan]})  # trailing empty row -> float column
    bom = read_erp(src.to_csv(index=False).encode(), kind="bom")
    assert bom["Style#"].iloc[0] == "125792.0"
    kos = _kos([style])
    cap = pd.DataFrame({"Style": bom["Style#"].iloc[:1], "lbs/day": [700.0]})
    assert erp_capacity(kos["Style #"], cap)["lbs_per_day"].tolist() == [700.0]  # (the scheduling lookup)
    res = yarn_requirements(kos, bom, engine=engine)
    assert len(res.unmatched) == 0, res.unmatched
    assert res.by_yarn["Desc#"].tolist() == [18767, 18929]
    np.testing.assert_allclose(res.by_yarn["lbs"].to_numpy(), [90.0, 10.0])
    assert res.by_order["Style #"].tolist() == [kos["Style #"].iloc[0].strip() if isinstance(style, str)
                                                else 125792] * 2
    inv = pd.DataFrame({"Desc#": [18767, 18929], "Planning Balance": [1000.0, 1000.0]})
    alloc = allocate_knit_orders(kos, bom, inv, today="2025-09-01", engine=engine)
    assert alloc.orders["bom_matched"].tolist() == [True] and alloc.orders["can_start"].tolist() == [True]


def test_bom_point_zero_style_own_text_first(engine):
    """A BOM holding both "125792" and "125792.0": "125792" meets its own text, "125792.0" its own; text that is
    no whole number ("125792.5", "0125792") meets neither."""
    bom = pd.DataFrame({"Style#": ["125792", "125792.0", "7.0"], "Desc#": [1, 2, 3], "BOM_Percentage": [1.0] * 3})
    res = yarn_requirements(_kos(["125792", "125792.0", "125792.5", 7, "7.00", "x7"]), bom, engine=engine)
    assert res.by_order["Desc#"].tolist() == [1, 2, 3, 3]
    assert res.unmatched["Style #"].tolist() == ["125792.5", "x7"]


# ---------------------------------------------------------------------------------------------------------
# yarn ids with thousands separators

def test_thousands_separator_yarn_id_not_matched_by_adapters(engine):
    """read_erp / normalize_ids read "18,767" as the yarn 18767; the adapters kept the text, so the stock (and a
    PO, and a BOM's Desc#) never met 18767: nothing knittable, silently."""
    assert normalize_ids(pd.Series(["18,767"])).tolist() == [18767]
    bom = pd.DataFrame({"Style#": ["S/1"], "Desc#": [18767], "BOM_Percentage": [1.0]})
    kos = _kos(["S/1"])
    inv = pd.DataFrame({"Desc#": ["18,767"], "Planning Balance": [1000.0]})
    res = allocate_knit_orders(kos, bom, inv, today="2025-09-01", engine=engine)
    assert res.orders["can_start"].tolist() == [True], res.lines
    # a PO's "18,767" and a BOM's "18,767": the same yarn
    po = pd.DataFrame({"Desc#": ["18,767"], "This Week": [100.0]})
    bom_text = bom.assign(**{"Desc#": ["18,767"]})
    res = allocate_knit_orders(kos, bom_text, inv.assign(**{"Planning Balance": [0.0]}), po,
                               today="2025-09-01", on_hand="Planning Balance", engine=engine)
    assert res.orders["can_start"].tolist() == [True], res.lines
    assert res.lines["Desc#"].tolist() == [18767]
    assert yarn_requirements(kos, bom_text, engine=engine).by_yarn["Desc#"].tolist() == [18767]


def test_thousands_separator_yarn_id_splits_yarn_demand_report(engine):
    inv = pd.DataFrame({"Desc#": ["18,767", "1,234,567.0"], "Theoretical Balance": [100.0, 5.0]})
    dem = pd.DataFrame({"Desc#": [18767, 1234567], "This Week": [10.0, 1.0]})
    rep = yarn_demand_report(inv, dem, engine=engine)
    assert rep["Desc#"].tolist() == [18767, 1234567], rep[["Desc#", "Monday Inventory", "Balance This Week"]]
    assert rep["Balance This Week"].tolist() == [90.0, 4.0]


@pytest.mark.parametrize("text", ["1,2", "18,76,7", "18,7670", ",767", "18,767,", "18 767", "1_000"])
def test_thousands_separator_only_groups_of_three(text):
    """Only a plain thousands-grouped whole number is a number: other text with commas stays text."""
    assert _net_yarn_ids([text, "5"]).tolist() == [text.strip(), 5]
    assert _net_yarn_ids(["-18,767", "+1,000.00"]).tolist() == [-18767, 1000]


# ---------------------------------------------------------------------------------------------------------
# sales_to_greige: whole-number text with a ".0"

def test_sales_to_greige_point_zero_text_ids():
    """The text "5001.0" did not meet the master's 5001, and a gBase "125792.0" did not meet the BOM's
    "125792/1", while the float forms did. The ids are shown as written."""
    bom = pd.DataFrame({"Style#": ["125792/1", "125792.0/2", "880/1"], "Desc#": [1, 1, 1],
                        "BOM_Percentage": [1.0] * 3})
    master = pd.DataFrame({"fStyle#": [5001, 5002, "5003.0", 5004], "gBase": ["125792", "125792.0", 880.0, "880"]})
    sales = pd.DataFrame({"fStyle#": ["5001.0", 5002.0, 5003, " 5004.00 ", "5001.5"],
                          "Ordered": [10.0, 20.0, 30.0, 40.0, 50.0]})
    res = sales_to_greige(sales, master, bom)
    assert res.unmatched["fStyle#"].tolist() == ["5001.5"], res.unmatched
    lines = res.lines
    assert lines["line"].tolist() == [0, 0, 1, 1, 2, 3]
    assert lines["fStyle#"].tolist() == ["5001.0", "5001.0", 5002, 5002, 5003, "5004.00"]
    assert lines["gBase"].tolist() == ["125792", "125792", "125792.0", "125792.0", "880", "880"]
    assert lines["Style#"].tolist() == ["125792/1", "125792.0/2"] * 2 + ["880/1", "880/1"]
    assert lines["qty"].tolist() == [5.0, 5.0, 10.0, 10.0, 30.0, 40.0]


# ---------------------------------------------------------------------------------------------------------
# the scheduling lookups: white space that is not a plain space

def test_capacity_lookup_nbsp_tab_takes_other_versions_rate(engine):
    """"125792/2\\xa0" (or a tab) fell to "same base" and took another version's rate (125792/1's) in
    erp_capacity and the work-center lookup; the yarn side matched it. Any white space now counts as a space."""
    cap = pd.DataFrame({"Style": ["125792/1", "125792/2", "FF\u200910006/1"], "lbs/day": [700.0, 450.0, 300.0]})
    assert len(yarn_requirements(_kos(["125792/2\xa0"]), pd.DataFrame(
        {"Style#": ["125792/2"], "Desc#": [1], "BOM_Percentage": [1.0]}), engine=engine).unmatched) == 0
    out = erp_capacity(["125792/2\xa0", "125792/2\t", "\t125792/2", "125792 /2", "FF 10006/1", "125792/2"], cap)
    assert out["lbs_per_day"].tolist() == [450.0, 450.0, 450.0, 450.0, 300.0, 450.0], out
    assert out["rate_source"].tolist() == ["without spaces"] * 5 + ["exact"]
    # the work-center lookup reads the keys alike: 125792/2's own work center, on both sides
    ko = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["125792/2\xa0", "125792/1"],
                       "Balance (lbs)": [450.0, 700.0], "Machine": [np.nan, np.nan]})
    mach = pd.DataFrame({"WC": ["A", "B"], "MACH": [1, 2]})
    swc = pd.DataFrame({"Style": ["125792/1", "125792/2\t"], "WC": ["A", "B"]})
    s = schedule_knit_orders(ko, mach, cap, swc, start="2025-09-01", engine=engine)
    assert s.jobs["machine"].tolist() == [2.0, 1.0], s.jobs[["job", "machine", "rate_source"]]
    assert s.jobs["lbs_per_day"].tolist() == [450.0, 700.0]


def test_capacity_without_spaces_drops_every_white_space():
    """Every character Python reads as white space is dropped at the "without spaces" level, whatever the text
    dtype (pyarrow's own regex "\\s" is ASCII only); a zero-width space is no white space."""
    ws = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    cap = pd.DataFrame({"Style": ["125792/1", "125792/2"], "lbs/day": [700.0, 450.0]})
    styles = [f"125792{c}/2" for c in ws] + ["125792\u200b/2"]
    for dtype in (object, "str", "string[python]", *([ARROW_STR] if HAVE_PYARROW else [])):
        out = erp_capacity(pd.Series(styles, dtype=dtype), cap.astype({"Style": dtype}))
        assert out["lbs_per_day"].tolist() == [450.0] * len(ws) + [616.0], dtype
        assert out["rate_source"].tolist() == ["without spaces"] * len(ws) + ["default"], dtype


# ---------------------------------------------------------------------------------------------------------
# machine ids read as text

def _schedule_text(machines, orders, engine):
    """(knit orders, schedule_knit_orders' result) of a machines table (``WC,MACH`` rows) and knit orders
    (``Order #,Style #,Balance (lbs),Machine`` rows) read as text (read_csv dtype=str), one style S/1 in W."""
    mach = pd.read_csv(io.StringIO("WC,MACH\n" + machines), dtype=str)
    ko = pd.read_csv(io.StringIO("Order #,Style #,Balance (lbs),Machine\n" + orders), dtype=str)
    return ko, schedule_knit_orders(ko, mach, _S1_CAP, _S1_SWC, start="2025-09-01", engine=engine)


_S1_CAP = pd.DataFrame({"Style": ["S/1"], "lbs/day": [616.0]})
_S1_SWC = pd.DataFrame({"Style": ["S/1"], "WC": ["W"]})


def test_text_machine_ids_mixed_table_do_not_match(engine):
    """A machines table read as text holding "101" and "M5": the KO's "101" was read as 101.0 (every KO machine
    is numeric), the table's "101" stayed text: "machine 101.0 is not in the machines table", a busy machine
    suggested, ERP workload 0. Each cell is now read by one rule on both sides."""
    ko, res = _schedule_text("W,101\nW,M5\n", "K1,S/1,616,101\nK2,S/1,616,\n", engine)
    cap, swc = _S1_CAP, _S1_SWC
    assert res.jobs["reason"].isna().all(), res.jobs[["job", "machine", "reason"]]
    # (shown as the table wrote them: the text "101", not 101.0)
    assert res.jobs["machine"].tolist() == ["101", "M5"]
    assert res.jobs["assigned_machine"].tolist()[0] == "101"
    assert res.machines["machine"].tolist() == ["101", "M5"]
    assert res.machines["erp_workload_lbs"].tolist() == [616.0, 0.0]
    # the table's ints, the KO's text "M5 " and "101.0": the same machines
    mach2 = pd.DataFrame({"WC": ["W", "W"], "MACH": pd.Series([101, " M5"], dtype=object)})
    ko2 = ko.assign(Machine=["101.0", "M5 "])
    res = schedule_knit_orders(ko2, mach2, cap, swc, start="2025-09-01", engine=engine)
    assert res.jobs["reason"].isna().all(), res.jobs[["job", "machine", "reason"]]
    assert res.machines["erp_workload_lbs"].tolist() == [616.0, 616.0]


def test_text_machine_ids_repeat_across_spellings():
    """"101" and 101 in one table are one machine listed twice: the repeat is named."""
    mach = pd.DataFrame({"WC": ["W", "W", "W"], "MACH": pd.Series(["101", "M5", 101.0], dtype=object)})
    ko = _kos(["S/1"]).assign(Machine=[np.nan])
    with pytest.raises(ValueError, match="MACH.*unique machine id"):
        schedule_knit_orders(ko, mach, pd.DataFrame({"Style": ["S/1"], "lbs/day": [616.0]}),
                             pd.DataFrame({"Style": ["S/1"], "WC": ["W"]}), start="2025-09-01")


# ---------------------------------------------------------------------------------------------------------
# yarn ids in a pyarrow string column (pd.read_csv(dtype_backend="pyarrow"))

@needs("pyarrow")
def test_arrow_string_inventory_ids_not_matched_in_allocation(engine):
    csv = "Desc#,Planning Balance\n18767,1000\n18929,1000\nY-100,5\n"
    bom = pd.DataFrame({"Style#": ["S/1", "S/1"], "Desc#": [18767, 18929], "BOM_Percentage": [0.5, 0.5]})
    kos = _kos(["S/1"])
    default = allocate_knit_orders(kos, bom, pd.read_csv(io.StringIO(csv)), today="2025-09-01", engine=engine)
    assert default.orders["can_start"].tolist() == [True]
    inv = pd.read_csv(io.StringIO(csv), dtype_backend="pyarrow")
    assert inv["Desc#"].dtype == ARROW_STR
    arrow = allocate_knit_orders(kos, bom, inv, today="2025-09-01", engine=engine)
    assert arrow.orders["can_start"].tolist() == [True], arrow.lines
    assert arrow.lines["Desc#"].tolist() == [18767, 18929]


@needs("pyarrow")
def test_arrow_string_yarn_ids_in_yarn_demand_report(engine):
    inv = pd.DataFrame({"Desc#": pd.Series(["18767", "  ", " 18929 "], dtype=ARROW_STR),
                        "Theoretical Balance": [100.0, 0.0, 5.0]})
    dem = pd.DataFrame({"Desc#": [18767, 18929], "This Week": [10.0, 1.0]})
    rep = yarn_demand_report(inv, dem, engine=engine)
    assert rep["Desc#"].tolist() == [18767, 18929], rep[["Desc#", "Monday Inventory"]]
    # a blank id with a quantity is named, as in a `str` column
    with pytest.raises(ValueError, match="yarn_inventory row 1 .* no 'Desc#'"):
        yarn_demand_report(inv.assign(**{"Theoretical Balance": [100.0, 3.0, 5.0]}), dem, engine=engine)


@needs("pyarrow")
def test_arrow_string_text_yarn_ids_keep_their_dtype():
    """Text ids that are no numbers stay in the column's own text dtype, stripped; a missing one stays missing."""
    out = _net_yarn_ids(pd.Series([" Y-1", "Y-2 ", None], dtype=ARROW_STR))
    assert out.dtype == ARROW_STR and out[:2].tolist() == ["Y-1", "Y-2"] and pd.isna(out[2])


@needs("pyarrow")
def test_arrow_string_bom_yarn_ids_split_in_yarn_requirements(engine):
    kos = _kos(["S/1"])
    bom = pd.DataFrame({"Style#": ["S/1", "S/1"], "Desc#": pd.Series(["18767", "18767.0"], dtype=ARROW_STR),
                        "BOM_Percentage": [0.5, 0.5]})
    res = yarn_requirements(kos, bom, engine=engine)
    assert res.by_yarn["Desc#"].tolist() == [18767], res.by_yarn
    assert res.by_yarn["lbs"].tolist() == [100.0]


# ---------------------------------------------------------------------------------------------------------
# review of the id matching (rev7): regressions and leftovers

def test_int_style_bom_with_text_yarn_crashes_on_unmatched_style(engine):
    """An integer-style BOM with one text yarn id (its items object, its parents all ints) and a knit order
    unmatched at the first step: "Can only use .str accessor with string values" from the scan of the BOM's
    ".0" styles, in yarn_requirements and allocate_knit_orders."""
    bom = pd.read_csv(io.StringIO("Style#,Desc#,BOM_Percentage\n125792,18767,0.9\n125792,Y-100,0.1\n"))
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": [125792, "999999/1", "125,792"],
                        "Balance (lbs)": [100.0, 5.0, 10.0]})
    res = yarn_requirements(kos, bom, engine=engine)
    assert res.unmatched["Order #"].tolist() == ["K2"]
    # (thousands-grouped text meets the integer style, as documented)
    assert res.by_order["Order #"].tolist() == ["K1", "K1", "K3", "K3"]
    inv = pd.DataFrame({"Desc#": [18767, "Y-100"], "Planning Balance": [1000.0, 1000.0]})
    alloc = allocate_knit_orders(kos, bom, inv, today="2025-09-01", engine=engine)
    assert alloc.orders["bom_matched"].tolist() == [True, False, True]


def test_float_style_bom_crashes():
    """Float styles not all whole keep the items object with no text among them: the same crash."""
    bom = pd.DataFrame({"Style#": [125792.0, 125792.5], "Desc#": [1, 2], "BOM_Percentage": [1.0, 1.0]})
    res = yarn_requirements(_kos(["x", 125792.5, 125792]), bom)
    assert res.unmatched["Style #"].tolist() == ["x"]
    assert res.by_order["Desc#"].tolist() == [2, 1]


def test_one_unmatched_order_scans_whole_bom_each_call(monkeypatch):
    """Every call with one unmatched knit order scanned all the BOM's styles for ".0" ones (a Python regex over
    611,000 styles of make_mill(100): yarn_requirements 79 -> 462 ms). The scan now runs once per BOM, kept
    for its copies and pickles (same token), and not at all when a knit order matches before it."""
    scans = []
    scan = erp._point_zero_scan
    monkeypatch.setattr(erp, "_point_zero_scan", lambda compiled: scans.append(1) or scan(compiled), raising=False)
    bom = BOM.from_frame(pd.DataFrame({"Style#": ["125792.0", "S/1", "S/2"], "Desc#": [1, 2, 3],
                                       "BOM_Percentage": 1.0}))
    kos = _kos(["S/1", "125792", "nope/1"])
    inv = pd.DataFrame({"Desc#": [1, 2], "Planning Balance": [1000.0, 1000.0]})
    for _ in range(3):
        res = yarn_requirements(kos, bom)
        assert res.unmatched["Style #"].tolist() == ["nope/1"]
        assert res.by_order["Desc#"].tolist() == [2, 1]
    assert allocate_knit_orders(kos, bom, inv, today="2025-09-01").orders["bom_matched"].tolist() == [
        True, True, False]
    assert yarn_requirements(kos, pickle.loads(pickle.dumps(bom))).by_order["Desc#"].tolist() == [2, 1]
    assert len(scans) == 1
    yarn_requirements(_kos(["S/1", "S/2"]), BOM.from_frame(pd.DataFrame(
        {"Style#": ["S/1", "S/2"], "Desc#": [1, 2], "BOM_Percentage": 1.0})))
    assert len(scans) == 1  # (every order matched: no scan)


def test_point_zero_scan_reads_text_styles_only():
    """The scan of a BOM's ".0" styles: text ones only (beside numbers too), each key once, first style first."""
    bom = BOM.from_frame(pd.DataFrame({"Style#": pd.Series(["7.0", 12, "7.00", "8.5", 3.0, "x.0", "-9.0"],
                                                           dtype=object),
                                       "Desc#": [100, 101, 102, 103, 104, 105, 106], "BOM_Percentage": 1.0}))
    keys, codes = erp._point_zero_scan(bom)
    assert keys.tolist() == ["7", "-9"]
    assert bom.items.take(codes).tolist() == ["7.0", "-9.0"]
    for items in ([1, 2], [1.0, 2.5]):  # (no text styles: nothing to scan)
        b = BOM.from_frame(pd.DataFrame({"Style#": items, "Desc#": ["a", "b"], "BOM_Percentage": 1.0}))
        assert len(erp._point_zero_scan(b)[0]) == 0


def test_point_zero_bom_style_is_last_resort(engine):
    """A BOM holding the integer style 125792 and the text "125792.0": the knit order's text "125792" went to
    "125792.0" (the step for a BOM's ".0" style came before the integer step); the integer style comes first,
    as before that step existed, in yarn_requirements and allocate_knit_orders alike."""
    bom = pd.DataFrame({"Style#": pd.Series([125792, "125792.0", "88.0"], dtype=object), "Desc#": [1, 2, 3],
                        "BOM_Percentage": 1.0})
    kos = _kos(["125792", 125792, " 125792.0", "125792.0", "88", 88])
    res = yarn_requirements(kos, bom, engine=engine)
    assert res.by_order["Desc#"].tolist() == [1, 1, 2, 2, 3, 3], res.by_order
    inv = pd.DataFrame({"Desc#": [1, 2, 3], "Planning Balance": [1000.0, 0.0, 1000.0]})
    alloc = allocate_knit_orders(kos, bom, inv, today="2025-09-01", engine=engine)
    assert alloc.orders["can_start"].tolist() == [True, True, False, False, True, True], alloc.lines


def test_text_machine_names_read_as_numbers_collide(engine):
    """Text machine ids were read by clean_numbers, an amount parser: "1E2" was 100, "1,01", "1 01" and
    "00101" 101, "(101)" -101, "inf" inf, so "100" and "1E2" of one table collided ("this one repeats"), and a
    knit order's "1E2" went on machine 100. Only whole-number text is a number now; other text is a name."""
    _, res = _schedule_text("W,100\nW,1E2\nW,M5\n", "K1,S/1,616,1E2\nK2,S/1,616,100.0\n", engine)
    assert res.machines["machine"].tolist() == ["100", "1E2", "M5"]
    assert res.machines["erp_workload_lbs"].tolist() == [616.0, 616.0, 0.0]
    assert res.jobs["machine"].tolist() == ["1E2", "100"]
    names = ["1E2", "1,01", "1 01", "(101)", "inf", "101.5", "$101", "0x65"]
    ids = erp._sched_machine_ids(pd.Series(names + [" 101 ", "+101", "0101", "101.", "101.00", " - ", "", None]))
    assert ids[:len(names)].tolist() == names
    assert ids[len(names):-3].tolist() == [101.0] * 5 and pd.isna(ids[-3:]).all()
    # a table of numbers only: float ids, as the ERP's Machine
    assert erp._sched_machine_ids(pd.Series(["101", 102, " 103.0"], dtype=object)).tolist() == [101.0, 102.0, 103.0]


def test_categorical_blank_yarn_id_with_quantity_not_named():
    """A blank Desc# with a quantity in a categorical column (optimize_memory's id column) became the yarn ''
    silently, where a str column names the row."""
    dem = pd.DataFrame({"Desc#": [18767, 18929], "This Week": [10.0, 1.0]})
    inv = pd.DataFrame({"Desc#": pd.Series(["18767", "  ", "18929"], dtype="category"),
                        "Theoretical Balance": [100.0, 3.0, 5.0]})
    with pytest.raises(ValueError, match="row 1 .* no 'Desc#'"):
        yarn_demand_report(inv, dem)
    rep = yarn_demand_report(inv.assign(**{"Theoretical Balance": [100.0, 0.0, 5.0]}), dem)
    assert rep["Desc#"].tolist() == [18767, 18929] and rep["Monday Inventory"].tolist() == [100.0, 5.0]


def test_schedule_knit_orders_rejects_numeric_quoted_date():
    """An export's Quoted Date 20250903 written as a number was read as 20,250,903 working days (every order on
    time, no due-date priority), where allocate_knit_orders refuses numbers there. A whole number that reads as
    YYYYMMDD is refused; other numbers stay working days (test_scheduling)."""
    ko = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["125792/1", "125792/1"],
                       "Balance (lbs)": [5000.0, 5000.0], "Machine": [101.0, None], "Quoted Date": [3, 20250801]})
    machines = pd.DataFrame({"WC": ["9.38.20.F", "9.38.20.F"], "MACH": [101, 102]})
    cap = pd.DataFrame({"Style": ["125792/1"], "lbs/day": [500.0]})
    swc = pd.DataFrame({"Style": ["125792/1"], "WC": ["9.38.20.F"]})
    for dates in (ko["Quoted Date"], ko["Quoted Date"].astype(float), ko["Quoted Date"].astype(object),
                  ko["Quoted Date"].astype("Int64"), ko["Quoted Date"].astype("category")):
        with pytest.raises(ValueError, match=r"^knit_orders column 'Quoted Date' holds a date written as a number "
                                             r"\(row 1: 20250801, YYYYMMDD\).*format='%Y%m%d'"):
            schedule_knit_orders(ko.assign(**{"Quoted Date": dates}), machines, cap, swc, start="2025-09-01")
    # (below 10**5 working days: numbers of working days; 20251340, no YYYYMMDD date, is refused as too large)
    res = schedule_knit_orders(ko.assign(**{"Quoted Date": [99_999, 12.5]}), machines, cap, swc,
                               start="2025-09-01")
    assert res.jobs["due_day"].tolist() == [99_999.0, 12.5]
    with pytest.raises(ValueError, match=r"'Quoted Date' holds a number too large .*row 1: 20251340"):
        schedule_knit_orders(ko.assign(**{"Quoted Date": [3, 20251340]}), machines, cap, swc, start="2025-09-01")


@pytest.mark.parametrize("value", [np.nan, "abc"], ids=["missing", "text"])
def test_sales_to_greige_missing_qty_line_explodes(value):
    """A missing quantity (or text that is no number) went through as qty NaN, and BOM.explode of the lines, the
    documented next step, raised "qty must be finite". A missing quantity counts 0; text is named."""
    bom = pd.DataFrame({"Style#": ["125792/1", "125792/2", "180001/20ST2"], "Desc#": [1, 2, 1],
                        "BOM_Percentage": [1.0, 1.0, 1.0]})
    master = pd.DataFrame({"fStyle#": ["125792-NAV", "180001-RED", "777-X"], "gBase": ["125792", "180001", "777"]})
    sales = pd.DataFrame({"SO #": ["SO1", "SO2", "SO3"], "fStyle#": ["125792-NAV", "180001-RED", "777-X"],
                          "Ordered": pd.array([100.0, value, value], dtype=object if isinstance(value, str)
                                              else float)}, index=[5, 6, 7])
    if isinstance(value, str):
        with pytest.raises(ValueError, match=r"^sales column 'Ordered' row 6: 'abc' is not a number"):
            sales_to_greige(sales, master, bom)
        sales["Ordered"] = [100.0, "N/A", " "]  # (spellings of a missing value: 0)
    res = sales_to_greige(sales, master, bom)
    assert res.lines["qty"].tolist() == [50.0, 50.0, 0.0]
    assert res.unmatched["qty"].tolist() == [0.0]
    out = BOM.from_frame(bom).explode(res.lines, item="Style#", qty="qty")
    assert out["qty"].sum() == 100.0


def test_yarn_demand_report_text_in_default_inventory_column():
    """Text that is no number ("#REF!") in the default Theoretical Balance column read as 0 lbs silently, where
    the same column named by inventory_column is a ValueError naming the row."""
    inv = pd.DataFrame({"Desc#": [1, 2], "Theoretical Balance": ["#REF!", "100"]})
    dem = pd.DataFrame({"Desc#": [1, 2], "This Week": [10.0, 10.0]})
    for kw in ({"inventory_column": "Theoretical Balance"}, {}):
        with pytest.raises(ValueError, match=r"yarn_inventory column 'Theoretical Balance' row 0 .*'#REF!'"):
            yarn_demand_report(inv, dem, **kw)
    inv["Theoretical Balance"] = ["", "100"]  # (an empty cell: 0)
    assert yarn_demand_report(inv, dem)["Monday Inventory"].tolist() == [0.0, 100.0]


def test_sales_to_greige_bom_bases_any_white_space():
    """The BOM's bases (the text before the first "/") are split once per style and read once per base: white
    space stripped as str.strip strips it (a non-breaking space too), a whole number's ".0" dropped."""
    bom = pd.DataFrame({"Style#": ["\xa0125792.0 /1", "125792/2/X", "7/1"], "Desc#": [1, 1, 1],
                        "BOM_Percentage": 1.0})
    master = pd.DataFrame({"fStyle#": ["F1", "F7"], "gBase": [125792, " 7 "]})
    res = sales_to_greige(pd.DataFrame({"fStyle#": ["F1", "F7"], "Ordered": [10.0, 4.0]}), master, bom)
    assert res.lines["Style#"].tolist() == ["125792.0 /1", "125792/2/X", "7/1"], res.lines
    assert res.lines["qty"].tolist() == [5.0, 5.0, 4.0]


# ---------------------------------------------------------------------------------------------------------
# review rev9 of 563e60a

_CAP = pd.DataFrame({"Style": ["S/1"], "lbs/day": [616.0]})
_SWC = pd.DataFrame({"Style": ["S/1"], "WC": ["W"]})


@pytest.mark.parametrize("column", ["Beginning Balance", "Received", "Consumed", "Adjustments"])
def test_yarn_demand_report_text_in_component_column_named(column):
    """Without a Theoretical Balance column its components are read: "#REF!" in one of them read as 0 lbs
    silently, though the docstring promises a ValueError naming the row of text in a column read."""
    inv = pd.DataFrame({"Desc#": [1, 2], "Beginning Balance": [0.0, 100.0], "Received": [0.0, 0.0],
                        "Consumed": [0.0, 0.0], "Adjustments": [0.0, 0.0]})
    inv[column] = pd.array(["#REF!", "100" if column == "Beginning Balance" else "0"], dtype=object)
    dem = pd.DataFrame({"Desc#": [1, 2], "This Week": [10.0, 10.0]})
    with pytest.raises(ValueError, match=rf"^yarn_inventory column '{column}' row 0 \(item 1\): '#REF!' is not"):
        yarn_demand_report(inv, dem)
    inv[column] = ["", "100" if column == "Beginning Balance" else "0"]  # (an empty cell: 0)
    assert yarn_demand_report(inv, dem)["Monday Inventory"].tolist() == [0.0, 100.0]


@pytest.mark.parametrize("quoted", [12312025, 250903, 100_000, 1e9], ids=["MMDDYYYY", "YYMMDD", "1e5", "1e9"])
def test_schedule_quoted_date_mmddyyyy_number_refused(quoted):
    """Only a number that parses as YYYYMMDD was refused: 12312025 (MMDDYYYY) or 250903 (YYMMDD) was read as
    that many working days, every order on time. A count of 10**5 working days (~380 years) or more is refused,
    naming the column and row; 99,999 and inf (no due date) stay working days."""
    ko = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S/1", "S/1"], "Balance (lbs)": [616.0, 616.0],
                       "Machine": [np.nan, np.nan], "Quoted Date": [5.0, quoted]}, index=[7, 8])
    mach = pd.DataFrame({"WC": ["W"], "MACH": [101]})
    with pytest.raises(ValueError, match=r"^knit_orders column 'Quoted Date' holds a number too large for a "
                                         r"number of working days \(row 8: .*date written as a number.*'%m%d%Y'"):
        schedule_knit_orders(ko, mach, _CAP, _SWC, start="2025-09-01")
    res = schedule_knit_orders(ko.assign(**{"Quoted Date": [99_999.0, np.inf]}), mach, _CAP, _SWC,
                               start="2025-09-01")
    assert res.jobs["due_day"].iloc[0] == 99_999.0 and np.isnan(res.jobs["due_day"].iloc[1])  # (inf: no due)


def test_point_zero_cache_keeps_bom_in_use(monkeypatch):
    """The ".0" scan cache kept "the few BOMs last used" by insertion order: a BOM used on every other call was
    evicted by 8 others and scanned again. A hit moves it to the end (least recently used evicted first)."""
    scans = []
    orig = erp._point_zero_scan
    monkeypatch.setattr(erp, "_point_zero_scan", lambda c: (scans.append(c._token), orig(c))[1])

    def frame(j):
        return pd.DataFrame({"Style#": [f"{1000 + j}.0", "A"], "Desc#": [1, 2], "BOM_Percentage": 1.0})

    a = BOM.from_frame(frame(0).set_axis(["parent", "component", "qty_per"], axis=1))
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["999"], "Balance (lbs)": [1.0]})  # (reaches the scan)
    erp.yarn_requirements(ko, a)
    for i in range(2 * erp._POINT_ZERO_CACHE_SIZE):
        erp.yarn_requirements(ko, frame(i + 1))
        erp.yarn_requirements(ko, a)
    assert scans.count(a._token) == 1
    assert len(erp._POINT_ZERO_CACHE) <= erp._POINT_ZERO_CACHE_SIZE


def test_read_erp_machine_ids_follow_schedule_rule():
    """read_erp read a Machine "1E2" as 100 (an amount), where schedule_knit_orders reads it as a machine name:
    the table read by read_erp was refused ("this one repeats"). Machine text is a number only when a whole
    number once stripped; yarn ids (Desc#) keep their own reading."""
    mach = read_erp(b"WC,MACH\nW,100\nW,1E2\nW,M5\nW, +101.0 \nW,(7)\nW,1.5\n", kind="machines")
    assert mach["Machine"].tolist() == [100, "1E2", "M5", 101, "(7)", "1.5"]
    assert read_erp(b"WC,MACH\nW,100\nW, 101 \n", kind="machines", optimize=False)["Machine"].dtype == np.int64
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "Balance (lbs)": [616.0], "Machine": ["1E2"]})
    res = schedule_knit_orders(ko, mach, _CAP, _SWC, start="2025-09-01")
    assert res.jobs["machine"].tolist() == ["1E2"]
    inv = read_erp(b"Desc#,Planning Balance\n1E2,5\n18767,3\n", kind="yarn_inventory")
    assert inv["Desc#"].tolist() == [100, 18767]  # (a yarn id: parsed as before)


def test_text_machine_id_beyond_2_53_not_rounded():
    """Whole-number machine text was read as float64: beyond 2**53 two ids round to one, and a KO's machine
    "12345678901234567" was pinned to the table's "12345678901234568". Such ids are kept as exact ints."""
    ko = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S/1", "S/1"], "Balance (lbs)": [616.0, 616.0],
                       "Machine": ["12345678901234567", "12345678901234569"]})
    for table in (["12345678901234568", "12345678901234569"], [12345678901234568, 12345678901234569]):
        mach = pd.DataFrame({"WC": ["W", "W"], "MACH": table})
        res = schedule_knit_orders(ko, mach, _CAP, _SWC, start="2025-09-01")
        assert pd.isna(res.jobs["machine"].iloc[0]), res.jobs  # (no such machine: not placed on another)
        assert res.jobs["machine"].iloc[1] == table[1]
    with pytest.raises(ValueError, match="repeats"):  # (two spellings of one exact id)
        schedule_knit_orders(ko, pd.DataFrame({"WC": "W", "MACH": ["12345678901234567", " 12345678901234567.0"]}),
                             _CAP, _SWC, start="2025-09-01")

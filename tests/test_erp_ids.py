"""Id matching across the ERP adapters (bk_fast.erp): one reading of a style, yarn or machine id, whatever the
function, the dtype or the way an export wrote it (audit `erpids`)."""

import io
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from bk_fast import normalize_ids
from bk_fast.erp import (_net_yarn_ids, allocate_knit_orders, erp_capacity, sales_to_greige,
                         schedule_knit_orders, yarn_demand_report, yarn_requirements)
from bk_fast.io import read_erp

ARROW_STR = pd.ArrowDtype(pa.string())  # what pd.read_csv(..., dtype_backend="pyarrow") gives text columns


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
    for dtype in (object, "str", "string[python]", ARROW_STR):
        out = erp_capacity(pd.Series(styles, dtype=dtype), cap.astype({"Style": dtype}))
        assert out["lbs_per_day"].tolist() == [450.0] * len(ws) + [616.0], dtype
        assert out["rate_source"].tolist() == ["without spaces"] * len(ws) + ["default"], dtype


# ---------------------------------------------------------------------------------------------------------
# machine ids read as text

def test_text_machine_ids_mixed_table_do_not_match(engine):
    """A machines table read as text holding "101" and "M5": the KO's "101" was read as 101.0 (every KO machine
    is numeric), the table's "101" stayed text: "machine 101.0 is not in the machines table", a busy machine
    suggested, ERP workload 0. Each cell is now read by one rule on both sides."""
    mach = pd.read_csv(io.StringIO("WC,MACH\nW,101\nW,M5\n"), dtype=str)
    ko = pd.read_csv(io.StringIO("Order #,Style #,Balance (lbs),Machine\nK1,S/1,616,101\nK2,S/1,616,\n"),
                     dtype=str)
    cap = pd.DataFrame({"Style": ["S/1"], "lbs/day": [616.0]})
    swc = pd.DataFrame({"Style": ["S/1"], "WC": ["W"]})
    res = schedule_knit_orders(ko, mach, cap, swc, start="2025-09-01", engine=engine)
    assert res.jobs["reason"].isna().all(), res.jobs[["job", "machine", "reason"]]
    assert res.jobs["machine"].tolist() == [101.0, "M5"]
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


def test_arrow_string_yarn_ids_in_yarn_demand_report(engine):
    inv = pd.DataFrame({"Desc#": pd.Series(["18767", "  ", " 18929 "], dtype=ARROW_STR),
                        "Theoretical Balance": [100.0, 0.0, 5.0]})
    dem = pd.DataFrame({"Desc#": [18767, 18929], "This Week": [10.0, 1.0]})
    rep = yarn_demand_report(inv, dem, engine=engine)
    assert rep["Desc#"].tolist() == [18767, 18929], rep[["Desc#", "Monday Inventory"]]
    # a blank id with a quantity is named, as in a `str` column
    with pytest.raises(ValueError, match="yarn_inventory row 1 .* no 'Desc#'"):
        yarn_demand_report(inv.assign(**{"Theoretical Balance": [100.0, 3.0, 5.0]}), dem, engine=engine)


def test_arrow_string_text_yarn_ids_keep_their_dtype():
    """Text ids that are no numbers stay in the column's own text dtype, stripped; a missing one stays missing."""
    out = _net_yarn_ids(pd.Series([" Y-1", "Y-2 ", None], dtype=ARROW_STR))
    assert out.dtype == ARROW_STR and out[:2].tolist() == ["Y-1", "Y-2"] and pd.isna(out[2])


def test_arrow_string_bom_yarn_ids_split_in_yarn_requirements(engine):
    kos = _kos(["S/1"])
    bom = pd.DataFrame({"Style#": ["S/1", "S/1"], "Desc#": pd.Series(["18767", "18767.0"], dtype=ARROW_STR),
                        "BOM_Percentage": [0.5, 0.5]})
    res = yarn_requirements(kos, bom, engine=engine)
    assert res.by_yarn["Desc#"].tolist() == [18767], res.by_yarn
    assert res.by_yarn["lbs"].tolist() == [100.0]

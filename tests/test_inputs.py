"""Input handling across the public API: what every function does with frames a user can hand it by mistake
(repeated column labels, loosely spelled headers, text in number columns). Capability-specific input tests
live beside each capability; these cover rules shared by all of them."""

import re

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import erp

ORDERS = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": [10.0, 10.0], "priority": [1, 2],
                       "due": [0, 0]})
SUPPLY = pd.DataFrame({"item": ["Y"], "period": [0], "qty": [12.0]})
KNIT_ORDERS = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "Balance (lbs)": [100.0]})
BOM_LINES = pd.DataFrame({"Style#": ["S/1"], "Desc#": [18767], "BOM_Percentage": [1.0]})
JOBS = pd.DataFrame({"job": ["A"], "qty": [10.0], "work_center": ["W"]})
MACHINES = pd.DataFrame({"machine": [1], "work_center": ["W"]})


def _twice(df, label):
    """``df`` with a second column labelled ``label`` (a copy of the first)."""
    return pd.concat([df, df[[label]]], axis=1)


# a second column of the same label made df[label] a frame: pandas internals (AttributeError "'DataFrame'
# object has no attribute 'dtype'", IndexError, "Buffer has wrong number of dimensions") named nothing
REPEATED = {
    "allocate orders qty": (lambda e: bk_fast.allocate(_twice(ORDERS, "qty"), SUPPLY, engine=e), "qty"),
    "allocate supply period": (lambda e: bk_fast.allocate(ORDERS, _twice(SUPPLY, "period"), engine=e), "period"),
    "allocate with columns=": (lambda e: bk_fast.allocate(_twice(ORDERS, "qty"), SUPPLY, columns={"qty": "qty"},
                                                          engine=e), "qty"),
    "BOM.from_frame": (lambda e: bk_fast.BOM.from_frame(_twice(BOM_LINES, "BOM_Percentage"), engine=e),
                       "BOM_Percentage"),
    "erp.yarn_requirements": (lambda e: erp.yarn_requirements(_twice(KNIT_ORDERS, "Balance (lbs)"), BOM_LINES,
                                                              engine=e), "Balance (lbs)"),
    "schedule jobs qty": (lambda e: bk_fast.schedule(_twice(JOBS, "qty"), MACHINES, rates=10.0,
                                                     start="2025-09-01", engine=e), "qty"),
    "net_requirements item": (lambda e: bk_fast.net_requirements(
        _twice(pd.DataFrame({"item": ["A"], "period": [0], "qty": [5.0]}), "item"), engine=e), "item"),
    "net_requirements qty": (lambda e: bk_fast.net_requirements(
        _twice(pd.DataFrame({"item": ["A"], "period": [0], "qty": [5.0]}), "qty"), engine=e), "qty"),
    "weekly_balance on hand": (lambda e: bk_fast.weekly_balance(
        _twice(pd.DataFrame({"item": ["A"], "on_hand": [5.0]}), "on_hand"),
        pd.DataFrame({"item": ["A"], "Week 1": [1.0]}), engine=e), "on_hand"),
}


@pytest.mark.parametrize("case", list(REPEATED))
def test_a_repeated_column_label_is_an_error_naming_it(case, engine):
    call, label = REPEATED[case]
    with pytest.raises(ValueError, match=re.escape(f"2 columns labelled '{label}'; expected exactly one")):
        call(engine)


def test_a_repeated_label_of_a_column_not_used_is_fine():
    orders = pd.concat([ORDERS, pd.DataFrame({"note": ["a", "b"]}), pd.DataFrame({"note": ["c", "d"]})], axis=1)
    res = bk_fast.allocate(orders, SUPPLY)
    assert res.deliveries["qty"].tolist() == [10.0, 2.0]


@pytest.mark.parametrize("label", ["ITEM", "item ", " Item", "SKU", "Item_Id"])
def test_netting_finds_a_loosely_spelled_item_column(label, engine):
    # exact spellings only were looked up: the frame's RangeIndex became the items and the id column a
    # bucket of zeros, silently (items A and B kept their stock untouched)
    on_hand = pd.Series({"A": 10.0, "B": 5.0})
    wide = pd.DataFrame({label: ["A", "B"], "Week 1": [4.0, 7.0]})
    out = bk_fast.weekly_balance(on_hand, wide, engine=engine)
    assert label not in out.columns
    assert out.loc["A", "Week 1"] == 6.0 and out.loc["B", "Week 1"] == -2.0
    long = pd.DataFrame({label: ["A", "B"], "PERIOD": [0, 0], "Qty ": [4.0, 7.0]})
    net = bk_fast.net_requirements(long, on_hand=on_hand, engine=engine)
    expected = bk_fast.net_requirements(pd.DataFrame({"item": ["A", "B"], "period": [0, 0], "qty": [4.0, 7.0]}),
                                        on_hand=on_hand, engine=engine)
    pd.testing.assert_frame_equal(net.record, expected.record)
    pd.testing.assert_frame_equal(net.orders, expected.orders)


@pytest.mark.parametrize("kits", [False, True])
def test_supply_text_that_is_no_number_is_an_error_not_zero(kits, engine):
    # '12 lbs' was read as 0 lbs, silently (the same text in the orders' qty was an error)
    supply = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 1], "qty": np.array(["5", "12 lbs"], dtype=object)},
                          index=[7, 9])
    with pytest.raises(ValueError, match=r"supply column 'qty' row 9: '12 lbs' is not a number \(expected lbs; a missing"):
        if kits:
            bk_fast.allocate_kits(ORDERS, pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "fraction": [1.0, 1.0]}),
                                  supply, engine=engine)
        else:
            bk_fast.allocate(ORDERS, supply, engine=engine)


@pytest.mark.parametrize("blank", [None, np.nan, "", "  ", pd.NA])
def test_supply_missing_or_blank_qty_still_counts_zero(blank, engine):
    supply = pd.DataFrame({"item": ["Y", "Y"], "period": [0, 0], "qty": pd.Series(["$12.00", blank], dtype=object)})
    res = bk_fast.allocate(ORDERS, supply, engine=engine)
    assert res.orders["delivered"].tolist() == [10.0, 2.0]


@pytest.mark.parametrize("name, default", [("loss", 0.0), ("factor", 1.0)])
def test_bom_modifier_text_that_is_no_number_is_an_error(name, default, engine):
    # a loss of '5%' was read as 0 and a factor of '2 kg' as 1, silently (qty_per text was an error)
    lines = pd.DataFrame({"parent": ["A", "A", None], "component": ["B", "C", None], "qty_per": [300.0, 1.0, None],
                          "m": np.array(["", "5 pct", "notes"], dtype=object)}, index=[10, 11, 12])
    with pytest.raises(ValueError, match=rf"bom column 'm' row 11: '5 pct' is not a number \(expected a number "
                                         rf"for {name}, or an empty cell for {default:g}\)"):
        bk_fast.BOM.from_frame(lines, **{name: "m"}, engine=engine)
    # empty cells take the default, and the blank line (dropped) is not looked at
    ok = lines.assign(m=np.array([" ", None, "notes"], dtype=object))
    bom = bk_fast.BOM.from_frame(ok, **{name: "m"}, engine=engine)
    assert bom.explode({"A": 10.0}).set_index("item")["qty"].to_dict() == {"B": 3000.0, "C": 10.0}


def test_schedule_priority_text_is_an_error_not_last(engine):
    # 'high' was read as a missing priority and the job silently went last
    jobs = pd.DataFrame({"job": ["A", "B", "C"], "qty": [100.0, 100.0, 100.0], "work_center": ["W", "W", "W"],
                         "priority": np.array([2, "high", None], dtype=object)})
    with pytest.raises(ValueError, match=r"jobs column 'priority' row 1: 'high' is not a number"):
        bk_fast.schedule(jobs, MACHINES, rates=100.0, start="2025-09-01", engine=engine)
    s = bk_fast.schedule(jobs.assign(priority=np.array([2, "1", None], dtype=object)), MACHINES, rates=100.0,
                         start="2025-09-01", engine=engine)
    assert s.jobs.sort_values("start_day")["job"].tolist() == ["B", "A", "C"]  # missing last

"""Input handling across the public API: what every function does with frames a user can hand it by mistake
(repeated column labels, loosely spelled headers, text in number columns). Capability-specific input tests
live beside each capability; these cover rules shared by all of them."""

import re
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bk_fast
from bk_fast import erp

from _optional import needs

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
    with pytest.raises(ValueError,
                       match=r"supply column 'qty' row 9: '12 lbs' is not a number \(expected lbs; a missing"):
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


# ---- the ERP adapters name the caller's frame, column and row ----

_SCHED = dict(machines=pd.DataFrame({"WC": ["W"], "MACH": [101]}),
              style_capacity=pd.DataFrame({"Style": ["S/1"], "lbs/day": [500.0]}),
              style_work_center=pd.DataFrame({"Style": ["S/1"], "WC": ["W"]}))


def _knit_orders(**over):
    base = {"Order #": ["K0", "K1"], "Style #": ["S/1", "S/1"], "Balance (lbs)": [10.0, 1000.0],
            "Machine": [np.nan, np.nan], "Quoted Date": pd.to_datetime(["2025-09-10", "2025-09-12"])}
    base.update(over)
    return pd.DataFrame(base)


def test_schedule_knit_orders_infinite_balance_is_an_error(engine):
    # it was reported as "nothing left to knit (Balance (lbs) <= 0 or empty)"
    with pytest.raises(ValueError, match=re.escape("knit_orders column 'Balance (lbs)' row 1 (position 1, Order # "
                                                   "'K1'): inf is not a finite quantity")):
        erp.schedule_knit_orders(_knit_orders(**{"Balance (lbs)": [5.0, np.inf]}), **_SCHED, start="2025-09-01",
                                 engine=engine)


def test_schedule_knit_orders_names_days_per_week_and_the_quoted_date_column():
    # "horizon must be a positive number..." (the caller passed no horizon) and "jobs column 'due' row 1"
    with pytest.raises(ValueError, match="days_per_week must be an integer from 1 to 7, got 0"):
        erp.schedule_knit_orders(_knit_orders(), **_SCHED, start="2025-09-01", days_per_week=0)
    bad = _knit_orders(**{"Quoted Date": np.array(["09/10/2025", "soon"], dtype=object)})
    with pytest.raises(ValueError, match="knit_orders column 'Quoted Date' row 1: expected a date or a number of "
                                         "working days, got 'soon'"):
        erp.schedule_knit_orders(bad, **_SCHED, start="2025-09-01")
    with pytest.raises(ValueError, match="start must be a date"):
        erp.schedule_knit_orders(_knit_orders(), **_SCHED, start="someday")


def test_allocate_knit_orders_names_the_po_column_of_an_infinite_receipt(engine):
    # it named "supply column 'qty' ... row 3": an internal long table
    kos = pd.DataFrame({"Order #": ["K1"], "Style #": ["S/1"], "Balance (lbs)": [100.0],
                        "Start Date": pd.to_datetime(["2025-09-10"])})
    inv = pd.DataFrame({"Desc#": [18767], "Theoretical Balance": [50.0], "Allocated": [0.0]})
    po = pd.DataFrame({"Desc#": [18767, 18768], "Unscheduled or Past Due": [0.0, 0.0],
                       "Week 2025-09-08": [1.0, -np.inf]}, index=[5, 6])
    with pytest.raises(ValueError, match=re.escape("yarn_po column 'Week 2025-09-08' row 6 (position 1): -inf is "
                                                   "not a finite quantity")):
        erp.allocate_knit_orders(kos, BOM_LINES, inv, po, today="2025-09-01", engine=engine)


@pytest.mark.parametrize("start", [pd.NaT, "notadate", 5, [1]])
def test_schedule_start_that_is_no_date(start):
    # pd.NaT: "'float' object cannot be interpreted as an integer"; 5 was read as 5 ns after 1970-01-01
    with pytest.raises(ValueError, match="start must be a date"):
        bk_fast.schedule(JOBS, MACHINES, rates=10.0, start=start)


@pytest.mark.parametrize("styles", [None, "125792/1", pd.DataFrame({"s": ["125792/1"]}), 7])
def test_erp_capacity_styles_must_be_one_dimensional(styles):
    # "len() of unsized object", "Buffer has wrong number of dimensions"
    with pytest.raises((TypeError, ValueError), match="styles must be"):
        erp.erp_capacity(styles, pd.DataFrame({"Style": ["125792/1"], "lbs/day": [700.0]}))


def test_schedule_due_text_that_is_no_date_is_named_not_the_number_beside_it():
    jobs = pd.DataFrame({"job": ["A", "B"], "qty": [10.0, 10.0], "work_center": ["W", "W"],
                         "due": np.array(["abc", 3], dtype=object)})
    with pytest.raises(ValueError, match="jobs column 'due' row 0: expected a date or a number of working days, "
                                         "got 'abc'"):
        bk_fast.schedule(jobs, MACHINES, rates=10.0, start="2025-09-01")
    mixed = jobs.assign(due=np.array(["2025-09-03", 3], dtype=object))  # a real mix keeps its message
    with pytest.raises(ValueError, match="not a mix of both"):
        bk_fast.schedule(mixed, MACHINES, rates=10.0, start="2025-09-01")


# ---- arguments of the wrong kind are named (they failed inside Python or pandas: "could not convert string
# to float: 'x'", "unhashable type: 'list'", "'int' object is not iterable", "Index(...) must be called with a
# collection of some kind") ----

def _bom():
    return bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [2.0]}))


def _net():
    return bk_fast.net_requirements(pd.DataFrame({"item": ["A"], "period": [0], "qty": [5.0]}))


WRONG_ARGUMENTS = {
    "BOM.rollup missing": (lambda: _bom().rollup({"B": 1.0}, missing="x"), TypeError, "missing must be a number"),
    "BOM.where_used list": (lambda: _bom().where_used(["B"]), TypeError, "item must be one item id"),
    "BOM.explode_dense text qty": (lambda: _bom().explode_dense(np.array([0]), np.array(["abc"])), TypeError,
                                   "qty must be an array of numbers"),
    "optimize_memory category_ratio": (lambda: bk_fast.optimize_memory(pd.DataFrame({"a": [1]}), category_ratio="x"),
                                       TypeError, "category_ratio must be a number between 0 and 1"),
    "optimize_memory sparse_ratio": (lambda: bk_fast.optimize_memory(pd.DataFrame({"a": [1]}), sparse_ratio="x"),
                                     TypeError, "sparse_ratio must be None or a number"),
    "NettingResult.cost": (lambda: _net().cost("a", 1), TypeError, "setup must be a number or one number per item"),
    "weekly_balance on_hand text": (lambda: bk_fast.weekly_balance(
        "abc", pd.DataFrame({"item": ["A"], "Week 1": [1.0]})), TypeError, "on_hand must be a number"),
    "weekly_balance periods text": (lambda: bk_fast.weekly_balance(
        0.0, pd.DataFrame({"item": ["A"], "This Week": [1.0]}), periods="This Week"), TypeError,
        "periods must be a list"),
    "schedule holidays number": (lambda: bk_fast.schedule(JOBS, MACHINES, rates=10.0, start="2025-09-01", holidays=5),
                                 TypeError, "holidays must be a date or a list"),
    "allocate columns list": (lambda: bk_fast.allocate(ORDERS, SUPPLY, columns=[("qty", "qty")]), TypeError,
                              "columns must be a dict"),
    "io.detect_kind None": (lambda: bk_fast.io.detect_kind(None), TypeError, "columns must be a list"),
    "io.read_exports None": (lambda: bk_fast.io.read_exports(None), TypeError, "folder must be a path"),
    "allocate_knit_orders sales_linked number": (lambda: erp.allocate_knit_orders(
        KNIT_ORDERS, BOM_LINES, pd.DataFrame({"Desc#": [18767], "Planning Balance": [5.0]}), sales_linked=5),
        TypeError, "sales_linked must be a list of Order # values"),
}


@pytest.mark.parametrize("case", list(WRONG_ARGUMENTS))
def test_an_argument_of_the_wrong_kind_is_named(case):
    call, error, message = WRONG_ARGUMENTS[case]
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_sales_to_greige_infinite_quantity_is_an_error():
    # it went through as inf lbs of greige, where every other adapter names the row
    sales = pd.DataFrame({"SO #": ["S1", "S2"], "fStyle#": ["F1", "F1"], "Ordered": [10.0, np.inf]})
    styles = pd.DataFrame({"fStyle#": ["F1"], "gBase": ["125792"]})
    bom = pd.DataFrame({"Style#": ["125792/1"], "Desc#": [18767], "BOM_Percentage": [1.0]})
    with pytest.raises(ValueError, match=re.escape("sales column 'Ordered' row 1 (position 1, SO # 'S2'): inf is "
                                                   "not a finite quantity")):
        erp.sales_to_greige(sales, styles, bom)
    assert erp.sales_to_greige(sales.iloc[:1], styles, bom).lines["qty"].tolist() == [10.0]


def test_categorical_numbers_with_a_missing_value_are_read_and_named(engine):
    """A categorical of integers with a missing value failed inside pandas ('Cannot convert float NaN to
    integer', naming nothing); it reads as its numbers, the missing one as missing, like the plain column."""
    from bk_fast._validate import float_column

    got = float_column(pd.DataFrame({"x": pd.Categorical([3, None, 1])}), "x")
    assert np.array_equal(got, [3.0, np.nan, 1.0], equal_nan=True) and got.flags.c_contiguous
    assert np.isnan(float_column(pd.DataFrame({"x": pd.Categorical([None, None])}), "x")).all()
    orders = pd.DataFrame({"order": [1, 2], "item": ["Y", "Y"], "qty": pd.Categorical([4, 2]),
                           "priority": pd.Categorical([2, None]), "due": [0, 0]})
    supply = pd.DataFrame({"item": ["Y"], "period": [0], "qty": [5.0]})
    with pytest.raises(ValueError, match="orders column 'priority' has a missing or non-numeric value at row 1"):
        bk_fast.allocate(orders, supply, engine=engine)
    res = bk_fast.allocate(orders.assign(priority=pd.Categorical([2, 1])), supply, engine=engine)
    assert res.orders["delivered"].tolist() == [3.0, 2.0]


def test_number_text_in_any_column_is_read_by_the_exact_parser():
    """float_column's text path (clean_numbers) is io.parse_numbers' parser: correctly rounded where pandas'
    to_numeric of the cleaned text was not ('+3e-47' gave 2.9999999999999997e-47), and the same numbers as
    parse_numbers on ERP text, str or object columns alike."""
    from bk_fast._validate import clean_numbers, float_column
    from bk_fast.io import parse_numbers

    text = ["+3e-47", "+142.2250738585072014e-308", "$1,326.67 ", "(2,183.40)", "($0.00)", "", "n/a", "1e400",
            "\u00a01,200\u3000", "1_000", "-0", "9007199254740993"]
    for dtype in ("str", object):
        s = pd.Series(text, dtype=dtype)
        got = float_column(s.to_frame("q"), "q")
        assert got[0] == float("3e-47") and got[1] == float("142.2250738585072014e-308")
        want = parse_numbers(s).to_numpy()
        assert np.array_equal(got, want, equal_nan=True) and np.array_equal(np.signbit(got), np.signbit(want))
    assert clean_numbers(pd.Series([7, True, None, "1,200"], dtype=object)).tolist()[:2] == [7.0, 1.0]


def test_a_dash_is_no_number_zero_but_missing():
    """An accounting-format zero ("$ -") reads NaN in every number column (a missing number: 0 where a missing
    quantity counts 0, as in netting and the ERP report), not 0.0: in a machine or priority column a dash is no
    machine 0. Netting and the ERP report take it as missing, not as text that is no number."""
    from bk_fast._validate import clean_numbers, missing_text

    assert np.isnan(clean_numbers(pd.Series(["$ -", " - ", "-"])).to_numpy()).all()
    assert clean_numbers(pd.Series(["-5"])).tolist() == [-5.0]
    assert all(missing_text(v) for v in ("$ -", " - ", "-", "N/A", "#N/A", " nan ", None, float("nan")))
    assert not any(missing_text(v) for v in ("12 lbs", "-5x", "0"))


_SPELLING_PIECES = ["N/A", "NA", "nan", "#N/A N/A", "-", "$", "$ -", "null", "None", "x", "0", "-1.#IND", ""]
_SPELLING_SPACE = [" ", "\t", "\n", "\xa0", "\x1c", "\u2028", "\u3000", "\x85", "\u200b", "\ufeff"]


@needs("pyarrow")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(_SPELLING_PIECES + _SPELLING_SPACE), max_size=4)
                          .map("".join)), max_size=15))
def test_spelled_missing_on_arrow_text_is_the_cell_by_cell_test(cells):
    """Text that pyarrow holds is read by its regex and set kernels; the answer is the cell-by-cell test's
    (:func:`missing_text`: ``str.strip`` then pandas' spellings, or ``_DASH_ZERO``'s fullmatch) for spellings
    padded with every kind of white space ``str.isspace`` knows and two it does not (U+200B, U+FEFF), dashes and
    dollars, missing cells (False)."""
    from bk_fast._validate import missing_text, spelled_missing

    want = [isinstance(v, str) and missing_text(v) for v in cells]
    for dtype in ("str", pd.StringDtype("pyarrow")):
        got = spelled_missing(pd.Series(cells, dtype=dtype))
        assert got.dtype == bool and got.tolist() == want, dtype
    assert spelled_missing(pd.Series(cells, dtype=object)).tolist() == want


def test_space_class_is_every_character_str_isspace_knows():
    """The white-space class the Arrow paths use (``SPACE_CLASS``) matches exactly the characters for which
    ``str.isspace`` is true (which ``str.strip`` strips and ``re``'s ``\\s`` matches)."""
    import sys

    from bk_fast._validate import SPACE_CLASS

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(re.findall(SPACE_CLASS, every)) == {c for c in every if c.isspace()}


def test_missing_column_message_stays_fast_in_a_very_wide_frame():
    """columns_present ran difflib over every folded label for every accepted spelling: 0.7 s CPU for 10^4
    long labels, 8 s for 10^5, on an error path. Above NEAR_MISS_COLUMNS there is no suggestion (the message says
    so), below it only labels of a length that can reach the cutoff are compared; a label present twice is
    suggested once."""
    from bk_fast._validate import NEAR_MISS_COLUMNS, columns_present, spellings

    names = spellings("Planning Balance", "qty", "Desc#", "Machine", "due")
    df = pd.DataFrame(columns=[f"Planning Balance week {i} total (lbs)" for i in range(100_000)])
    t = time.process_time()
    msg = columns_present(df, names)
    assert time.process_time() - t < 1.0
    assert msg.endswith(f"... (99980 more) (no near-miss search in more than {NEAR_MISS_COLUMNS:,} columns)")
    near = pd.DataFrame(columns=[f"c{i}" for i in range(NEAR_MISS_COLUMNS - 1)] + ["Qtty"])
    assert columns_present(near, names).endswith("; did you mean 'Qtty'?")
    assert columns_present(pd.DataFrame([[1, 2]], columns=["Qty", "Qty"]), ["qtty"]) == \
        "columns present: 'Qty', 'Qty'; did you mean 'Qty'?"
    assert columns_present(pd.DataFrame(columns=[np.int64(7), "Qtty"]), ["qty"]) == \
        "columns present: 7, 'Qtty'; did you mean 'Qtty'?"


def test_scratch_module_example_holds_with_no_scratch(monkeypatch):
    """The _scratch module's example ended in release_scratch() >= 48, False under BK_FAST_SCRATCH_MB=0 (no
    buffer kept): it now compares with scratch_bytes, true under any setting."""
    import doctest

    from bk_fast import _scratch

    monkeypatch.setattr(_scratch, "LIMIT_BYTES", 0)
    test = doctest.DocTestFinder().find(_scratch, "bk_fast._scratch")[0]
    assert test.name == "bk_fast._scratch" and "release_scratch()" in test.docstring
    assert doctest.DocTestRunner(verbose=False).run(test).failed == 0


def test_missing_column_message_names_the_near_miss_in_a_wide_frame():
    """A missing column's message listed the frame's first 20 columns with no sign that more exist, and never
    the one the caller most likely meant: in an ERP export of 30 columns the misspelt 'qtty' was not shown.
    allocate, schedule, BOM.from_frame and find_column (one helper now) say how many more columns there are
    and name the nearest (case, spaces and punctuation folded)."""
    from bk_fast._validate import find_column

    def wide(df, near):
        df = df.assign(**{f"extra{i:02d}": 0 for i in range(25)})
        df[near] = 1.0
        return df

    orders = wide(pd.DataFrame({"order": [1], "item": ["Y"], "priority": [1], "due": [0]}), "qtty")
    supply = pd.DataFrame({"item": ["Y"], "period": [0], "qty": [12.0]})
    jobs = wide(pd.DataFrame({"job": ["J1"], "style": ["S"], "work_center": ["W"]}), "Qnty")
    machines = pd.DataFrame({"machine": [1], "work_center": ["W"]})
    bom = wide(pd.DataFrame({"parent": ["P"], "component": ["C"]}), "QTY PR")
    inv = wide(pd.DataFrame({"Desc#": [1]}), "Planing Balance")
    cases = {"allocate": (lambda: bk_fast.allocate(orders, supply), orders, "'qtty'"),
             "allocate columns=": (lambda: bk_fast.allocate(orders, supply, columns={"qty": "qty "}), orders,
                                   "'qtty'"),
             "schedule": (lambda: bk_fast.schedule(jobs, machines, rates=1.0, start="2025-09-01"), jobs, "'Qnty'"),
             "BOM.from_frame": (lambda: bk_fast.BOM.from_frame(bom), bom, "'QTY PR'"),
             "find_column": (lambda: find_column(inv, "Planning Balance", what="yarn_inventory"), inv,
                             "'Planing Balance'")}
    for name, (call, df, near) in cases.items():
        with pytest.raises(ValueError) as info:
            call()
        msg = str(info.value)
        assert f"{df.columns[19]!r}, ... ({len(df.columns) - 20} more); did you mean {near}?" in msg, (name, msg)
    # nothing near: no guess
    with pytest.raises(ValueError) as info:
        bk_fast.allocate(orders.drop(columns="qtty"), supply)
    assert "did you mean" not in str(info.value) and "(9 more)" in str(info.value)

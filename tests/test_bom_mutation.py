"""Tests closing the gaps a mutation audit of the BOM's Python layer (src/bk_fast/bom.py) found.

Each test pins one behaviour that a small change of bom.py (a flipped comparison, a dropped guard or copy, a
changed tie-break) altered without any other test noticing. Expected values are worked out by hand from the
docstrings and DOMAIN.md section 9. The tests of explode, roll-up, where-used and the array APIs run once per
engine (the ``engine`` fixture of conftest.py); the others check reading and validation done in Python at
compile time or in the id lookup.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from bk_fast import BOM, BOMCycleError


def lines(parents, components, qty, **extra) -> pd.DataFrame:
    """A BOM frame of the default column labels, plus any extra columns."""
    return pd.DataFrame({"parent": parents, "component": components, "qty_per": qty, **extra})


# ----------------------------------------------------------------------------------------------------------
# error messages name the rows: up to 10, then "and N more"


def test_bad_rows_list_names_ten_rows_then_counts_the_rest():
    """Ten bad rows are all named with no tail; eleven name the first ten and "and 1 more" (the row list of
    every from_frame error is cut at ten, and the count says how many were left out)."""
    with pytest.raises(ValueError, match=re.escape("bad rows [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]")) as ten:
        BOM.from_frame(lines(["A"] * 10, ["B"] * 10, [-1.0] * 10))
    assert "more" not in str(ten.value)
    with pytest.raises(ValueError, match=re.escape("bad rows [0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 1 more]")):
        BOM.from_frame(lines(["A"] * 11, ["B"] * 11, [-1.0] * 11))


# ----------------------------------------------------------------------------------------------------------
# reading ids


def test_uint64_id_of_exactly_2_63_stays_an_exact_python_int():
    """A uint64 id column whose largest id is exactly 2**63 (one past int64) keeps its ids as exact Python ints:
    the item is 2**63, found by its own id, never wrapped to -2**63."""
    bom = BOM.from_frame(lines(pd.Series([2 ** 63], dtype=np.uint64), pd.Series([5], dtype=np.uint64), [1.0]))
    assert bom.items.tolist() == [2 ** 63, 5]
    assert bom.codes([2 ** 63, 5, -(2 ** 63)]).tolist() == [0, 1, -1]


def test_float_id_2_53_in_a_mixed_column_stays_a_float():
    """A whole float id is an integer only below 2**53 in magnitude: 2.0**53 (which may be a rounded 2**53 + 1)
    in an object column stays the float it is."""
    bom = BOM.from_frame(lines(pd.Series([2.0 ** 53, "a"], dtype=object), ["B", "C"], [1.0, 1.0]))
    first = bom.items[0]
    assert type(first) is float and first == 2.0 ** 53


# ----------------------------------------------------------------------------------------------------------
# phantom flag columns


@pytest.mark.parametrize("flags", [pd.array([True, pd.NA, False], dtype="boolean"), [1.0, np.nan, 0.0],
                                   ["Y", "", "N"], ["Y", "  ", "N"], ["Y", None, "N"]],
                         ids=["nullable-bool", "float", "empty-text", "blank-text", "none"])
def test_empty_phantom_cell_does_not_disagree_with_a_flag(flags):
    """B is flagged phantom on row 0 and left empty on row 1 (<NA>, NaN, "", blank, None): an empty cell leaves
    the line to the others, so B is phantom with no disagreement; Y (flagged not) is not. Items in code order:
    A, C (level 0), B, Y."""
    bom = BOM.from_frame(lines(["A", "C", "B"], ["B", "B", "Y"], [1.0, 1.0, 1.0], ph=flags), phantom="ph")
    assert bom.items.tolist() == ["A", "C", "B", "Y"]
    assert bom.is_phantom.tolist() == [False, False, True, False]


def test_phantom_disagreement_names_the_rows_of_that_component():
    """Z is flagged phantom at r0, B at r1 and not at r2: the error names B's rows r1 and r2 (not Z's r0)."""
    df = pd.DataFrame({"parent": ["P", "A", "C", "B", "Z"], "component": ["Z", "B", "B", "Y", "W"],
                       "qty_per": [1.0] * 5, "ph": ["Y", "Y", "N", "N", "N"]},
                      index=["r0", "r1", "r2", "r3", "r4"])
    with pytest.raises(ValueError, match="flags component 'B' phantom at row 'r1' but not at row 'r2'"):
        BOM.from_frame(df, phantom="ph")


# ----------------------------------------------------------------------------------------------------------
# per / loss / factor and quantities


def test_loss_text_is_an_error_and_empty_loss_and_factor_take_defaults():
    """Loss "5%" is no number: a ValueError naming the row. Empty loss / factor cells count 0 / 1:
    line A->B 1 x (1 + 0) x 1 = 1, line A->C 2 x 1.5 x 2 = 6."""
    with pytest.raises(ValueError, match=re.escape("bom column 'loss' row 0: '5%' is not a number")):
        BOM.from_frame(lines(["A"], ["B"], [1.0], loss=["5%"]), loss="loss")
    bom = BOM.from_frame(lines(["A", "A"], ["B", "C"], [1.0, 2.0], loss=[np.nan, 0.5], factor=[np.nan, 2.0]),
                         loss="loss", factor="factor")
    assert bom.qty.tolist() == [1.0, 6.0]


def test_loss_text_on_a_skipped_export_row_is_not_read():
    """A skipped empty row's loss cell is not looked at: A->B = 1 x 1.5."""
    bom = BOM.from_frame(lines(["A", None], ["B", None], [1.0, np.nan], loss=[0.5, "x"]), loss="loss")
    assert bom.qty.tolist() == [1.5]


def test_row_of_quantity_without_ids_is_an_error():
    """A row with no parent and no component but a quantity is not an empty export row: empty ids, named."""
    with pytest.raises(ValueError, match=re.escape("bom column 'parent' has empty ids at rows [0]")):
        BOM.from_frame(lines([None, "A"], [None, "B"], [5.0, 1.0]))


@pytest.mark.parametrize("kw, text", [({"per": np.inf}, "bom per (inf) must be a finite number > 0"),
                                      ({"loss": np.inf}, "bom loss (inf) must be a finite number >= 0")])
def test_infinite_per_or_loss_is_refused(kw, text):
    """per and loss must be finite: per = inf would make every need silently 0, loss = inf every need inf."""
    with pytest.raises(ValueError, match=re.escape(text)):
        BOM.from_frame(lines(["A"], ["B"], [1.0]), **kw)


def test_empty_per_cell_is_an_error_not_one():
    """per has no default for an empty cell (unlike loss / factor): NaN is a bad row."""
    with pytest.raises(ValueError, match=re.escape("bom per ('per') must be a finite number > 0; bad rows [0]")):
        BOM.from_frame(lines(["A", "A"], ["B", "C"], [1.0, 1.0], per=[np.nan, 2.0]), per="per")


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_quantity_overflowing_in_the_product_is_an_error():
    """qty_per 1e308 x factor 10 overflows float64: a ValueError naming the row, not an inf edge."""
    with pytest.raises(ValueError, match=re.escape("bom quantities overflow to infinity at rows [0]")):
        BOM.from_frame(lines(["A"], ["B"], [1e308]), factor=10)


# ----------------------------------------------------------------------------------------------------------
# compile: cycles and the kept lines


@pytest.mark.parametrize("parents, components, cycle", [
    (["A", "B", "C"], ["B", "C", "A"], ["A", "B", "C"]),
    (["C", "A", "B"], ["A", "B", "C"], ["C", "A", "B"]),
    (["B", "C", "A", "B"], ["C", "A", "B", "A"], ["B", "C", "A"]),
    (["A", "B", "C", "D"], ["B", "A", "D", "C"], ["A", "B"]),
])
def test_cycle_is_named_parent_to_child_from_the_first_item_met(parents, components, cycle):
    """The cycle runs parent -> child, starting at the item met first in the lines (parents first), and where
    an item has several parents in the cycles the first line's parent is followed: with B->C, C->A, A->B,
    B->A the reported cycle is B -> C -> A (C->A comes before B->A), not A -> B; of two separate cycles the one
    of the first item (A <-> B, not C <-> D)."""
    with pytest.raises(BOMCycleError) as err:
        BOM.from_frame(lines(parents, components, [1.0] * len(parents)))
    assert err.value.cycle == cycle
    assert str(err.value) == "BOM has a cycle: " + " -> ".join(repr(x) for x in cycle + cycle[:1])


def test_to_frame_is_not_a_view_of_the_callers_columns_or_of_the_bom():
    """The BOM keeps its own copy of the lines: editing the input frame after compiling, or a frame to_frame
    handed out, changes no later to_frame (qty_per 1, 2 and per 2, 4 as given)."""
    df = lines(["A", "A"], ["B", "C"], [1.0, 2.0], per=[2.0, 4.0])
    bom = BOM.from_frame(df, per="per")
    df.loc[0, "qty_per"] = 9.0
    df.loc[0, "per"] = 7.0
    out = bom.to_frame()
    out.loc[0, "qty_per"] = 5.0
    out.loc[0, "per"] = 5.0
    again = bom.to_frame()
    assert again["qty_per"].tolist() == [1.0, 2.0]
    assert again["per"].tolist() == [2.0, 4.0]


# ----------------------------------------------------------------------------------------------------------
# roll-up and where-used


def test_rollup_nan_cost_of_a_parent_is_its_own_cost_absent():
    """FG -> SUB x2, FG -> Y x1, SUB -> Y x3; Y costs 1, SUB's own cost NaN counts as absent (0), not as an
    unknown leaf: SUB = 3, FG = 2 x 3 + 1 = 7. A NaN cost beside a real one for Y is no duplicate."""
    bom = BOM.from_frame(lines(["FG", "FG", "SUB"], ["SUB", "Y", "Y"], [2.0, 1.0, 3.0]))
    assert bom.rollup({"Y": 1.0, "SUB": np.nan}).to_dict() == {"FG": 7.0, "SUB": 3.0, "Y": 1.0}
    assert bom.rollup(pd.Series([1.0, np.nan], index=["Y", "Y"])).to_dict() == {"FG": 7.0, "SUB": 3.0, "Y": 1.0}
    with pytest.raises(ValueError, match=re.escape("unit_cost has several costs for items ['Y']")):
        bom.rollup(pd.Series([1.0, 2.0], index=["Y", "Y"]))


def test_rollup_overflow_under_a_missing_cost_is_still_an_error(engine):
    """SUB = 10 x 1e308 + 10 x (-1e308) is inf - inf although both its costs are known: an overflow, a
    ValueError, even though FG's other leaf Y3 has no cost (whose NaN alone would be the answer)."""
    bom = BOM.from_frame(lines(["FG", "FG", "SUB", "SUB"], ["SUB", "Y3", "Y1", "Y2"], [1.0, 1.0, 10.0, 10.0]))
    with pytest.raises(ValueError, match="rollup: the quantity of item .* overflows the float range"):
        bom.rollup({"Y1": 1e308, "Y2": -1e308}, engine=engine)


def test_where_used_reports_a_parent_of_zero_quantity_and_direct_only_for_direct_parents(engine):
    """T -> M -> X, T -> Z, M -> Z, G -> X x0: X is used by T (through M, not directly, though T has a line to
    the deeper-coded Z), by M (directly, 2) and by G (directly, quantity 0: still a user)."""
    bom = BOM.from_frame(lines(["T", "M", "T", "M", "G"], ["M", "X", "Z", "Z", "X"], [3.0, 2.0, 1.0, 1.0, 0.0]))
    out = bom.where_used("X", engine=engine)
    assert out["parent"].tolist() == ["T", "G", "M"]
    assert out["qty"].tolist() == [6.0, 0.0, 2.0]
    assert out["level"].tolist() == [0, 0, 1]
    assert out["direct"].tolist() == [False, True, True]


# ----------------------------------------------------------------------------------------------------------
# ids to codes


def test_integer_lookup_table_bounds():
    """Items 0, 1, 2 (a dense id table of 3 slots): ids 0..2 find codes 0..2, id 3 (one past the table) and
    -1 find nothing."""
    bom = BOM.from_frame(lines([0, 0], [1, 2], [2.0, 3.0]))
    assert bom.codes(np.array([0, 1, 2, 3, -1])).tolist() == [0, 1, 2, -1, -1]


def test_uint64_item_2_63_is_not_found_by_its_int64_wrap():
    """uint64 items 1 and 2**63: the int64 id -2**63 (what 2**63 wraps to) is not item 2**63."""
    bom = BOM.from_frame(lines(pd.Series([1], dtype=np.uint64), pd.Series([2 ** 63], dtype=np.uint64), [2.0]))
    assert bom.items.tolist() == [1, 2 ** 63]
    assert bom.codes(np.array([-(2 ** 63), 1])).tolist() == [-1, 0]


def test_python_int_id_2_63_in_a_mixed_bom():
    """A mixed BOM (text and integer ids) holding the Python int 2**63 (beyond int64) finds it, and the int64
    ids beside it, by their own values."""
    bom = BOM.from_frame(lines(pd.Series([1, "A"], dtype=object), pd.Series([2 ** 63, 3], dtype=object), [2.0, 1.0]))
    assert bom.items.tolist() == [1, "A", 2 ** 63, 3]
    assert bom.codes([2 ** 63, 1, 3]).tolist() == [2, 0, 3]


def test_missing_nullable_id_is_not_item_zero():
    """An <NA> in a nullable Int64 column of ids is missing (-1), never read as the integer item 0."""
    bom = BOM.from_frame(lines([0, 0], [1, 2], [2.0, 3.0]))
    assert bom.codes(pd.Series([0, None], dtype="Int64")).tolist() == [0, -1]


def test_integer_id_2_53_never_meets_a_float_item():
    """Float items (0.5 beside 2.0**53, or -2.0**53 and 3.0): an integer id meets a float item only below 2**53
    in magnitude, so 2**53 and -2**53 find nothing while 3 finds 3.0."""
    bom = BOM.from_frame(lines([0.5], [2.0 ** 53], [1.0]))
    assert bom.codes(np.array([2 ** 53])).tolist() == [-1]
    other = BOM.from_frame(lines([0.5, 0.5], [-(2.0 ** 53), 3.0], [1.0, 1.0]))
    assert other.codes(np.array([-(2 ** 53), 3])).tolist() == [-1, 2]


# ----------------------------------------------------------------------------------------------------------
# explosion: missing ids, unmatched demand


@pytest.mark.parametrize("by_line", [False, True])
def test_missing_nullable_demand_id_is_unmatched_not_item_zero(engine, by_line):
    """Demand of Int64 ids [2**60 + 1, <NA>, 0] with quantities 1, 5, 1 through 0 -> 1 x2, 0 -> 2 x3: only the
    line of item 0 explodes (1: 2, 2: 3; by line, all from line 2); the <NA> line is unmatched as None (never
    item 0's demand), beside the exact unknown id 2**60 + 1."""
    bom = BOM.from_frame(lines([0, 0], [1, 2], [2.0, 3.0]))
    d = pd.DataFrame({"item": pd.Series([2 ** 60 + 1, None, 0], dtype="Int64"), "qty": [1.0, 5.0, 1.0]})
    out = bom.explode(d, by_line=by_line, engine=engine)
    assert out["item"].tolist() == [1, 2] and out["qty"].tolist() == [2.0, 3.0]
    if by_line:
        assert out["line"].tolist() == [2, 2]
    unmatched = out.bk_fast.unmatched
    assert unmatched["item"].tolist() == [2 ** 60 + 1, None]
    assert unmatched["qty"].tolist() == [1.0, 5.0] and unmatched["lines"].tolist() == [1, 1]


# ----------------------------------------------------------------------------------------------------------
# the array API: codes and finite quantities


@pytest.mark.parametrize("codes, error, text", [
    (np.array([2]), ValueError, "codes must be in [-1, 2); position 0 is 2"),
    (np.array([2], dtype=object), ValueError, "codes must be in [-1, 2); position 0 is 2"),
    (np.array([np.inf]), ValueError, "codes must be whole numbers"),
], ids=["int-n", "object-n", "float-inf"])
def test_code_array_refusals(engine, codes, error, text):
    """Codes of a 2-item BOM must be whole numbers in [-1, 2): code 2 (int or object: one past the last item,
    which a kernel would read out of bounds) and inf are ValueErrors naming the position; both array APIs
    check alike."""
    bom = BOM.from_frame(lines(["A"], ["B"], [2.0]))
    with pytest.raises(error, match=re.escape(text)):
        bom.explode_dense(codes, np.ones(1), engine=engine)
    with pytest.raises(error, match=re.escape(text)):
        bom.explode_lines(codes, np.ones(1), engine=engine)


def test_array_apis_refuse_nan_quantities(engine):
    """A NaN quantity is refused up front by both array APIs with "qty must be finite"."""
    bom = BOM.from_frame(lines(["A"], ["B"], [2.0]))
    with pytest.raises(ValueError, match="^qty must be finite$"):
        bom.explode_dense(np.array([0]), np.array([np.nan]), engine=engine)
    with pytest.raises(ValueError, match="^qty must be finite$"):
        bom.explode_lines(np.array([0]), np.array([np.nan]), engine=engine)


# ----------------------------------------------------------------------------------------------------------
# the kept lines and the item index


def test_to_frame_keeps_a_signed_zero_loss_bit_for_bit():
    """Loss cells 0.0 and -0.0 are equal as numbers but not bit for bit: to_frame gives each line's own (the
    sign of the second is kept)."""
    bom = BOM.from_frame(lines(["A", "A"], ["B", "C"], [1.0, 1.0], loss=[0.0, -0.0]), loss="loss")
    assert np.signbit(bom.to_frame()["loss"].to_numpy()).tolist() == [False, True]


def test_integer_ids_read_as_objects_give_an_int64_index():
    """A parent column of objects (1, and a blank on a skipped export row) over int64 components: the items are
    all integers, so the item index is int64, not object."""
    df = lines(pd.Series([1, "  "], dtype=object), [5, None], [1.0, np.nan])
    bom = BOM.from_frame(df)
    assert bom.items.tolist() == [1, 5] and bom.items.dtype == np.int64


def test_integer_index_of_ids_never_meets_a_float_item_through_float64():
    """Float items 0.5 and 2.0**53: an Index of the integer ids 2**53 + 1 and 2**53 finds nothing (an integer id
    meets a float item only below 2**53), though float64 would round 2**53 + 1 onto the item."""
    bom = BOM.from_frame(lines([0.5], [2.0 ** 53], [1.0]))
    assert bom.codes(pd.Index([2 ** 53 + 1, 2 ** 53])).tolist() == [-1, -1]


"""From review rev44 of 30a5ee2 (bytes read as text: parse_numbers' pre-filtered bytes scan, missing_text;
schedule's 2**53 day check on categories and on whole Decimal / Fraction). Part A pins what 30a5ee2 does right;
part B its findings, fixed after it (each failed at 30a5ee2)."""

from __future__ import annotations

import decimal
import fractions

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import io
from bk_fast.scheduling import _beyond_exact

B = 2 ** 53


def _obj(*cells):
    out = np.empty(len(cells), dtype=object)
    for i, c in enumerate(cells):
        out[i] = c
    return out


def _jobs(**cols):
    n = len(next(iter(cols.values())))
    df = pd.DataFrame({"job": list(range(n)), "qty": [100.0] * n, "style": ["a"] * n, "work_center": ["w"] * n})
    for k, v in cols.items():
        df[k] = v
    return df


MACHINES = pd.DataFrame({"machine": [1], "work_center": ["w"]})
RATES = pd.Series([100.0], index=["a"])


# ---------------------------------------------------------------------------------------------------- part A


def test_few_bytes_among_plain_numbers_are_read_as_their_text(engine):
    """The bytes scan runs only when the non-text, non-missing cells are no plain numbers (pandas' infer_dtype
    of those cells): a column of numbers with a few bytes cells of each holder must still decode them, and an
    int beyond float range beside them is +inf as before. b"1_000" is no number as its text is not (Python's
    float(b"1_000") would give 1000.0)."""
    values = _obj(1, 2.5, b"$1,326.67", np.int64(4), bytearray(b"(2)"), memoryview(b" N/A "), None,
                  np.bytes_(b"7"), b"\xff1", b"1_000", 10 ** 400, True)
    want = [1.0, 2.5, 1326.67, 4.0, -2.0, np.nan, np.nan, 7.0, np.nan, np.nan, np.inf, 1.0]
    np.testing.assert_array_equal(io.parse_numbers(values, engine=engine), want)


def test_unused_category_beyond_2_53_is_not_refused(engine):
    """A categorical due whose category 2**53 + 1 is used by no row (and a missing cell) is no error: the check
    reads the cells' categories, not every category. Job 1 (due 3) runs before job 0 (due 5), job 2 (no due)
    last: the same schedule as the float column [5, 3, NaN] gives."""
    due = pd.Categorical.from_codes([1, 0, -1], categories=[3, 5, B + 1])
    got = bk_fast.schedule(_jobs(due=due), MACHINES, rates=RATES, start="2025-09-01", rule="due", engine=engine)
    assert got.jobs["start_day"].tolist() == [1.0, 0.0, 2.0]
    assert got.jobs["due_day"].tolist()[:2] == [5.0, 3.0]


@pytest.mark.parametrize("cell, first", [(decimal.Decimal(B) + decimal.Decimal("0.5"), 1),
                                         (fractions.Fraction(2 * B + 1, 2), 1), (2.0 ** 60, 1),
                                         (decimal.Decimal(B), 1), (-B, 0)])
def test_not_whole_or_float_or_2_53_days_are_still_read(engine, cell, first):
    """Only whole numbers held exactly beyond 2**53 are refused: a fractional Decimal / Fraction past 2**53, a
    float and +-2**53 itself are read as before (the job with the earlier due, ``first``, runs first; the other
    due is day 1)."""
    got = bk_fast.schedule(_jobs(due=_obj(cell, 1)), MACHINES, rates=RATES, start="2025-09-01", rule="due",
                           engine=engine)
    assert got.jobs["start_day"].tolist() == ([0.0, 1.0] if first == 0 else [1.0, 0.0])


@pytest.mark.parametrize("cell", [b"N/A", "N/A"])
def test_bytes_missing_spelling_priority_is_last_as_its_text(engine, cell):
    """missing_text reads bytes: a priority b"N/A" is a missing priority (last), as "N/A" is, not a ValueError
    (before 30a5ee2 first_text named b"N/A" as no number)."""
    got = bk_fast.schedule(_jobs(priority=_obj(cell, 1)), MACHINES, rates=RATES, start="2025-09-01",
                           engine=engine)
    assert got.jobs["start_day"].tolist() == [1.0, 0.0]


def test_bytes_integer_qty_in_a_categorical_or_arrow_binary_is_refused():
    """_whole_qty decodes the cell it looks at, whatever holds the bytes: a categorical of bytes and a pyarrow
    binary column refuse 9,007,199,254,740,993 as the str does."""
    pa = pytest.importorskip("pyarrow")
    supply = pd.DataFrame({"item": ["a"], "period": [0], "qty": [5.0]})
    text = b"9,007,199,254,740,993"
    for qty in (pd.Categorical([text, b"3"]), pd.array([text, b"3"], dtype=pd.ArrowDtype(pa.binary()))):
        orders = pd.DataFrame({"order": [0, 1], "item": ["a", "a"], "qty": qty, "priority": [1, 1], "due": [1, 1]})
        with pytest.raises(ValueError, match=r"orders column 'qty' row 0: 9007199254740993 is 2\*\*53 or more"):
            bk_fast.allocate(orders, supply)


# ---------------------------------------------------------------------------------------------------- part B


@pytest.mark.parametrize("cell", [decimal.Decimal(B + 1), fractions.Fraction(B + 1)])
def test_whole_decimal_qty_beyond_2_53_is_refused_as_an_int_is(cell):
    """allocate rounded a whole Decimal / Fraction qty beyond 2**53 (its check knew ints only), where schedule
    refuses such days: both read _validate.whole_number now."""
    supply = pd.DataFrame({"item": ["a"], "period": [0], "qty": [5.0]})
    orders = pd.DataFrame({"order": [0], "item": ["a"], "qty": _obj(cell), "priority": [1], "due": [1]})
    with pytest.raises(ValueError, match=r"orders column 'qty' row 0: 9007199254740993 is 2\*\*53 or more"):
        bk_fast.allocate(orders, supply)


@pytest.mark.parametrize("cell", [b"", b"N/A"])
def test_bytes_blank_due_is_no_due_as_blank_text(cell):
    """spelled_missing read str only while missing_text reads bytes: a due b"" / b"N/A" was a ValueError where a
    priority b"N/A" is missing; now no due, as the text is."""
    got = bk_fast.schedule(_jobs(due=_obj(cell, 4)), MACHINES, rates=RATES, start="2025-09-01")
    assert np.isnan(got.jobs["due_day"].iloc[0])


def test_beyond_exact_does_not_depend_on_the_decimal_context():
    """abs(Decimal) rounded to the ambient context's precision (prec=1 made 2**53 + 2**40 look like 9E+15)."""
    values = _obj(decimal.Decimal(B + 2 ** 40))
    with decimal.localcontext() as ctx:
        ctx.prec = 1
        assert _beyond_exact(values).tolist() == [True]


def test_signalling_nan_decimal_due_is_no_due(engine):
    """A Decimal('sNaN') due raised a bare decimal.InvalidOperation from pd.notna; it is missing, as parse_numbers
    reads it (and as Decimal('NaN') is): no due."""
    got = bk_fast.schedule(_jobs(due=_obj(decimal.Decimal("sNaN"), 4)), MACHINES, rates=RATES, start="2025-09-01",
                           engine=engine)
    assert np.isnan(got.jobs["due_day"].iloc[0]) and got.jobs["due_day"].iloc[1] == 4.0


def test_huge_exponent_decimal_due_is_refused_quickly():
    """Review rev45 of bd12755: the day check made an int of Decimal("1E+1000000") to compare it with 2**53 (58 s
    in this call; quadratic in the digits). The Decimal is compared as it is now; the bound is generous, the
    failure it guards against is a minute."""
    import time

    due = _obj(decimal.Decimal("1E+1000000"), 1)
    began = time.process_time()  # (this process's CPU time: the wall time follows the load of the machine)
    with pytest.raises(ValueError, match=r"jobs column 'due' row 0: expected a whole number of working days"):
        bk_fast.schedule(_jobs(due=due), MACHINES, rates=RATES, start="2025-09-01", rule="due")
    assert time.process_time() - began < 5.0


def test_spelled_missing_of_unhashable_bytes_cells():
    """A bytearray / memoryview cell made pandas' factorize fail, and every cell was then tested alone (rev45:
    26x slower at 10^6 cells); they are factorized as bytes now. The answers: blank and missing spellings in any
    bytes holder (a released memoryview is no text), nothing else."""
    from bk_fast._validate import spelled_missing

    gone = memoryview(b"N/A")
    gone.release()
    cells = _obj(b"N/A", bytearray(b" - "), memoryview(b""), "x", b"7", bytearray(b"7"), gone, None, " n/a ")
    before = list(cells)
    assert spelled_missing(pd.Series(cells)).tolist() == [True, True, True, False, False, False, False, False, True]
    assert all(a is b for a, b in zip(cells, before))  # (the caller's cells are not replaced)

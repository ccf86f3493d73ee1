"""Regression tests from review rev42 of 793331c (bytes read as number text) and 8f2841f (integer days beyond
2**53): each failed on main at 8f2841f."""

from __future__ import annotations

import decimal
import fractions

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import io

B = 2 ** 53


def test_categorical_integer_due_with_a_missing_value_beyond_2_53_is_refused(engine):
    """A categorical of NumPy integers with a missing value becomes float64 in ``uncategorized`` before the
    2**53 check: due 2**53 + 1 was read as 2**53, and job 0 ran before job 1 (due 2**53) by id. It must be the
    same ValueError as the categorical without a missing value gives, naming row 0."""
    machines = pd.DataFrame({"machine": [1], "work_center": ["w"]})
    jobs = pd.DataFrame({"job": [0, 1, 2], "qty": [100.0] * 3, "style": ["a"] * 3, "work_center": ["w"] * 3,
                         "due": pd.Categorical([B + 1, B, None])})
    with pytest.raises(ValueError, match=r"jobs column 'due' row 0: expected a whole number of working days "
                                         r"within 2\*\*53 .* got 9007199254740993$"):
        bk_fast.schedule(jobs, machines, rates=pd.Series([100.0], index=["a"]), start="2025-09-01", rule="due",
                         engine=engine)


def test_bytes_integer_qty_beyond_2_53_is_refused_as_its_text_is():
    """Orders qty b"9,007,199,254,740,993" now parses (as its text) to 2**53 and was accepted, rounded, where the
    str "9,007,199,254,740,993" is a ValueError (allocation._whole_qty reads integer text of str cells only);
    before 793331c the bytes cell was refused as no number."""
    qty = np.empty(1, dtype=object)
    qty[0] = b"9,007,199,254,740,993"
    orders = pd.DataFrame({"order": [1], "item": ["a"], "qty": qty, "priority": [1], "due": [1]})
    supply = pd.DataFrame({"item": ["a"], "period": [0], "qty": [5.0]})
    with pytest.raises(ValueError, match=r"orders column 'qty' row 0: 9007199254740993 is 2\*\*53 or more"):
        bk_fast.allocate(orders, supply)


def test_released_memoryview_cell_is_invalid_not_an_exception(engine):
    """A released memoryview cell was invalid (NaN) before 793331c; bytes() of it raises ValueError, which
    _bytes_as_text does not catch, so parse_numbers raised."""
    mv = memoryview(b"7")
    mv.release()
    values = np.empty(2, dtype=object)
    values[0], values[1] = mv, "$2"
    np.testing.assert_array_equal(io.parse_numbers(values, engine=engine), [np.nan, 2.0])


@pytest.mark.parametrize("cell", [b"", b" ", b"N/A", b" - "])
def test_blank_bytes_qty_counts_zero_as_blank_text_does(cell):
    """Bytes read as their text for the number but not for the blank check (first_text / missing_text take only
    str): supply qty b"" / b"N/A" / b" - " is a ValueError where "" / "N/A" / " - " count 0."""
    qty = np.empty(2, dtype=object)
    qty[0], qty[1] = cell, b"10"
    orders = pd.DataFrame({"order": [1], "item": ["a"], "qty": [5.0], "priority": [1], "due": [1]})
    supply = pd.DataFrame({"item": ["a", "a"], "period": [0, 1], "qty": qty})
    got = bk_fast.allocate(orders, supply).orders
    assert got["delivered"].tolist() == [5.0] and got["on_time"].tolist() == [5.0]


@pytest.mark.parametrize("cell", [decimal.Decimal(B + 1), fractions.Fraction(B + 1)])
def test_whole_decimal_or_fraction_due_beyond_2_53_is_refused(engine, cell):
    """Whole Decimal / Fraction days beyond 2**53 are integers held exactly, which float64 would round, as for
    ints (they are no ``numbers.Integral``: 8f2841f let them through, rounded to 2**53)."""
    machines = pd.DataFrame({"machine": [1], "work_center": ["w"]})
    due = np.empty(2, dtype=object)
    due[0], due[1] = cell, 5
    jobs = pd.DataFrame({"job": [0, 1], "qty": [100.0] * 2, "style": ["a"] * 2, "work_center": ["w"] * 2,
                         "due": due})
    with pytest.raises(ValueError, match=r"jobs column 'due' row 0: expected a whole number of working days"):
        bk_fast.schedule(jobs, machines, rates=pd.Series([100.0], index=["a"]), start="2025-09-01", engine=engine)

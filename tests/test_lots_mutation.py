"""Lot-sizing rules (bk_fast.lots): cases a mutation audit found unchecked: the rules' defaults, the spellings
``lot_rule`` accepts, its handling of blank and ``none`` values, and the errors for what is no rule. Each test
asserts a hand-computed plan or the exact rule / error."""

from __future__ import annotations

import numpy as np
import pytest

import bk_fast
from bk_fast.lots import FixedPeriods, LotForLot, LotRule, MinMaxMultiple, WagnerWhitin, lot_rule


def test_a_float32_nan_parameter_is_an_error():
    """A NumPy float32 NaN is a NaN like a float one: the ValueError naming the rule and parameter."""
    with pytest.raises(ValueError, match="FixedPeriods periods must be a whole number of periods >= 1"):
        FixedPeriods(np.float32("nan"))


def test_default_parameters_plan_as_documented(engine):
    """Defaults: MinMaxMultiple min 0 (a need of 0.5 orders 0.5, not a raised lot), FixedPeriods 1 period
    (lot-for-lot: 10 and 20 each in their period), WagnerWhitin setup 0 (with holding 1 per unit and period,
    needs of 1 and 1 are ordered each in its period: holding one unit costs 1 more than a free second order;
    with setup 1 the tie goes to the earliest order period: 2 then 0)."""
    assert (MinMaxMultiple().min, FixedPeriods().periods, WagnerWhitin().setup) == (0.0, 1, 0.0)
    got = bk_fast.net_requirements(np.array([[0.5]]), 0.0, lot=MinMaxMultiple(), engine=engine)
    assert got.orders["qty"].tolist() == [0.5]
    got = bk_fast.net_requirements(np.array([[10.0, 20.0]]), 0.0, lot=FixedPeriods(), engine=engine)
    assert got.planned_receipts[0].tolist() == [10.0, 20.0]
    got = bk_fast.net_requirements(np.array([[1.0, 1.0]]), 0.0, lot=WagnerWhitin(holding=1), engine=engine)
    assert got.planned_receipts[0].tolist() == [1.0, 1.0]
    got = bk_fast.net_requirements(np.array([[1.0, 1.0]]), 0.0, lot=WagnerWhitin(setup=1, holding=1),
                                   engine=engine)
    assert got.planned_receipts[0].tolist() == [2.0, 0.0]


@pytest.mark.parametrize("spec, rule", [
    ("poq:2", FixedPeriods(2)),
    ("l4l", LotForLot()),
    ("lot_for_lot", LotForLot()),
    ("fixed_periods:3", FixedPeriods(3)),
    ("wagner whitin:setup=30", WagnerWhitin(setup=30)),
    ("mmm:min=,max=100", MinMaxMultiple(min=None, max=100)),   # (an empty value is None: the default)
    ("mmm:max=None", MinMaxMultiple(max=None)),
    ("mmm:max= none ,multiple=25", MinMaxMultiple(multiple=25)),
    ("ww:30, ,holding=1", WagnerWhitin(setup=30, holding=1)),    # (a blank part is no bare value)
])
def test_rule_spellings(spec, rule):
    """Names with underscores or spaces, the POQ and L4L abbreviations, blank and ``none`` values (any case,
    spaces around them) are read as documented."""
    got = lot_rule(spec)
    assert type(got) is type(rule) and got == rule


def test_an_integer_value_is_read_exactly():
    """A value of whole-number text (sign allowed) is an int, exact beyond 2**53 (a float would read
    9007199254740993 as 9007199254740992)."""
    got = lot_rule("mmm:min=+9007199254740993").min
    assert type(got) is int and got == 9007199254740993


def test_what_is_no_concrete_rule_is_a_type_error():
    """The base class (an instance or the class itself) is no rule: TypeError, not a rule of code -1."""
    with pytest.raises(TypeError, match="lot must be a concrete rule"):
        lot_rule(LotRule())
    with pytest.raises(TypeError, match="lot must be a lot rule object or a string such as 'lot-for-lot', got "
                                        "type"):
        lot_rule(LotRule)


def test_the_rule_code_is_no_parameter():
    """``code`` (the kernel's rule number, a class constant) is not settable from a string: the ValueError of an
    unknown parameter."""
    with pytest.raises(ValueError, match="lot rule 'fpq:code=3': FixedPeriods has no parameter 'code'"):
        lot_rule("fpq:code=3")


@pytest.mark.parametrize("spec, cls, name", [("fpq:_expected=3", "FixedPeriods", "_expected"),
                                             ("ww:_expected=1", "WagnerWhitin", "_expected"),
                                             ("mmm:__class__=2", "MinMaxMultiple", "__class__")])
def test_class_constants_and_attributes_are_no_parameters(spec, cls, name):
    """Every name that is not one of the rule's parameters is the ValueError of an unknown parameter: the other
    class constant ``_expected`` went through to the dataclass and came back as a TypeError of ``__init__``
    (found by the mutation audit mutV)."""
    with pytest.raises(ValueError, match=f"lot rule '{spec}': {cls} has no parameter '{name}'"):
        lot_rule(spec)

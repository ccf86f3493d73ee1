"""lot_rule: parsing of lot-sizing rule strings (the rules' arithmetic is tested in test_netting.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bk_fast.lots import FixedPeriods, MinMaxMultiple, WagnerWhitin, lot_rule


def test_a_parameter_given_twice_is_an_error():
    # "ww:30,1" read as setup=1, holding=0 (the second bare value overwrote the first parameter)
    for spec, name in (("ww:30,1", "setup"), ("mmm:50,100,25", "min"), ("fpq:3,4", "periods"),
                       ("min-max-multiple:min=5,max=9,min=6", "min"), ("ww:30,setup=1", "setup"),
                       ("ww:setup=30,Setup=1", "setup")):
        with pytest.raises(ValueError, match=f"{name!r} is given twice"):
            lot_rule(spec)
    assert lot_rule("ww:30,holding=1") == WagnerWhitin(setup=30, holding=1)
    assert lot_rule("mmm:50,max=100,multiple=25") == MinMaxMultiple(min=50, max=100, multiple=25)
    assert lot_rule("fpq: 3 ,") == FixedPeriods(periods=3)


def test_every_class_name_is_a_rule_name():
    # "LotForLot" and "WagnerWhitin" were accepted, "FixedPeriods" and "MinMaxMultiple" were not
    from bk_fast.lots import FixedPeriods, LotForLot, MinMaxMultiple, WagnerWhitin, lot_rule

    for cls in (LotForLot, MinMaxMultiple, FixedPeriods, WagnerWhitin):
        assert type(lot_rule(cls.__name__)) is cls


def test_a_string_parameter_may_name_an_on_hand_column():
    # "mmm:min=lmin" raised "'lmin' is not a number" although every parameter may name a column of on_hand (as
    # MinMaxMultiple(min="lmin") does): text that is no number is a column name, checked where the rule is used
    import numpy as np
    import pandas as pd

    import bk_fast

    assert lot_rule("mmm:min=lmin") == MinMaxMultiple(min="lmin")
    assert lot_rule("ww: Setup Cost ,holding=1") == WagnerWhitin(setup="Setup Cost", holding=1)
    assert lot_rule("fpq:3") == FixedPeriods(periods=3) and lot_rule("mmm:max=none") == MinMaxMultiple()
    on_hand = pd.DataFrame({"qty": [0.0, 0.0], "lmin": [50.0, 0.0]}, index=["A", "B"])
    gross = pd.DataFrame({0: [10.0, 10.0]}, index=["A", "B"])
    by_string = bk_fast.net_requirements(gross, on_hand, lot="mmm:min=lmin", engine="numpy")
    by_object = bk_fast.net_requirements(gross, on_hand, lot=MinMaxMultiple(min="lmin"), engine="numpy")
    pd.testing.assert_frame_equal(by_string.orders, by_object.orders)
    assert np.allclose(by_string.orders.sort_values("item")["qty"], [50.0, 10.0])
    with pytest.raises(ValueError, match="min='lmax': no such column in the on_hand frame "
                                         r"\(on_hand columns: 'qty', 'lmin'\)"):
        bk_fast.net_requirements(gross, on_hand, lot="mmm:min=lmax", engine="numpy")
    # a typo in a number ("1O0", letter O) said only "no such column" (a review): the message says a number was
    # expected too, and that there is no on_hand frame when none was given
    with pytest.raises(ValueError, match=r"min='1O0': no such column .* \(a number was meant\?\)"):
        bk_fast.net_requirements(gross, on_hand, lot="mmm:min=1O0", engine="numpy")
    with pytest.raises(ValueError, match=r"min='1O0': .* \(no on_hand frame with columns was given\)"):
        bk_fast.net_requirements(gross, on_hand["qty"], lot="mmm:min=1O0", engine="numpy")


@pytest.mark.parametrize("spec, obj, name", [
    ("mmm:min=nan", lambda: MinMaxMultiple(min=float("nan")), "MinMaxMultiple min"),
    ("mmm:max=NaN", lambda: MinMaxMultiple(max=float("nan")), "MinMaxMultiple max"),
    ("mmm:multiple=nan", lambda: MinMaxMultiple(multiple=float("nan")), "MinMaxMultiple multiple"),
    ("fpq:nan", lambda: FixedPeriods(float("nan")), "FixedPeriods periods"),
    ("ww:setup=nan,holding=1", lambda: WagnerWhitin(setup=float("nan"), holding=1), "WagnerWhitin setup"),
])
def test_a_nan_lot_parameter_is_an_error(spec, obj, name):
    # "mmm:min=nan", "fpq:nan" and MinMaxMultiple(min=nan), FixedPeriods(nan) were read as the default
    import numpy as np

    import bk_fast

    with pytest.raises(ValueError, match=rf"^lot rule {spec!r}: {name} must be .*, got nan$"):
        lot_rule(spec)
    with pytest.raises(ValueError, match=rf"^{name} must be .*, got nan$"):
        obj()
    with pytest.raises(ValueError, match=rf"^lot rule {spec!r}: {name} must be"):
        bk_fast.net_requirements(np.array([[5.0, 5.0]]), lot=spec, engine="numpy")
    # per item, a NaN is still no value for that item: its default
    assert FixedPeriods({"A": np.nan}).periods == {"A": np.nan}


def test_a_bool_lot_parameter_is_an_error():
    # FixedPeriods(True) planned with 1 period (a bool is no number, as allocate's min_shipment=True)
    import numpy as np

    import bk_fast

    with pytest.raises(TypeError, match=r"^FixedPeriods periods must be a whole number of periods >= 1 .*, got "
                                        r"the bool True$"):
        bk_fast.net_requirements(np.array([[5.0, 5.0]]), lot=FixedPeriods(True), engine="numpy")
    for make in (lambda: FixedPeriods(np.True_), lambda: MinMaxMultiple(min=True),
                 lambda: WagnerWhitin(holding=False)):
        with pytest.raises(TypeError, match="got the bool"):
            make()
    assert FixedPeriods(np.int64(2)).periods == 2 and FixedPeriods(None).periods is None


@pytest.mark.parametrize("make, name", [(lambda v: MinMaxMultiple(min=v), "MinMaxMultiple min"),
                                        (lambda v: FixedPeriods(v), "FixedPeriods periods"),
                                        (lambda v: WagnerWhitin(setup=v), "WagnerWhitin setup")])
def test_a_decimal_nan_lot_parameter_is_an_error(make, name):
    # Decimal('NaN') is no numbers.Real: it passed the NaN check and was read as the default (a review)
    from decimal import Decimal

    for nan in (Decimal("NaN"), Decimal("sNaN"), np.array(Decimal("NaN"), dtype=object)):
        with pytest.raises(ValueError, match=rf"^{name} must be .*, got Decimal\('s?NaN'\)$"):
            make(nan)
    assert make(Decimal("3")) == make(Decimal("3"))  # (a Decimal number stays a number)


@pytest.mark.parametrize("value", [np.timedelta64(3, "D"), np.array(np.timedelta64(3, "ns")),
                                   np.datetime64("2025-09-01"), pd.Timedelta(days=3)])
def test_a_duration_lot_parameter_names_the_parameter(value):
    # np.timedelta64 is an integer to NumPy: the NaN check failed with "float() argument must be a string or a
    # real number, not 'datetime.timedelta'", naming no rule nor parameter (a review)
    with pytest.raises(TypeError, match=r"^MinMaxMultiple min must be a number >= 0 \(None: 0\), got .*: "
                                        r"durations and dates are not converted to numbers$"):
        MinMaxMultiple(min=value)

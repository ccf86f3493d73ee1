"""Inventory kernels: every engine equals the reference; ERP conventions, aliases, thresholds, errors."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import bk_fast
from bk_fast._engine import ENGINES, engine_status, resolve

COLS = ["Theoretical Balance", "Allocated", "On Order", "Consumed"]


def frame(theo, alloc, on_order, consumed, **extra):
    return pd.DataFrame({"Theoretical Balance": theo, "Allocated": alloc, "On Order": on_order,
                         "Consumed": consumed, **extra})


def risk_by_hand(df: pd.DataFrame) -> pd.DataFrame:
    """Straight pandas transcription of DOMAIN.md section 3 (independent of the kernels), each threshold (short,
    HIGH, CRITICAL) passed only by more than the rounding allowance of yarn_risk's docstring."""
    t = df["Theoretical Balance"].fillna(0)
    a = df["Allocated"].fillna(0)
    c = df["Consumed"].fillna(0)
    o = df["On Order"].fillna(0)
    pb = t + a + o
    tol = t.abs() * 2.0**-51 + a.abs() * 2.0**-51 + o.abs() * 2.0**-51 + 3 * 2.0**-1074
    short = pb < -tol
    weekly = np.where(c != 0, c.abs() / 4.3, np.where(a != 0, a.abs() / 8, 10.0))
    weeks = np.where((t > 0) & (weekly > 0), t / weekly, 0.0)
    risk = np.select([short & (pb < -1000 - tol), short & (pb < -100 - tol), short], ["CRITICAL", "HIGH", "MEDIUM"],
                     "LOW")
    return pd.DataFrame({"planning_balance": pb, "shortage": np.where(short, -pb, 0.0),
                         "weekly_demand": weekly, "weeks_of_supply": weeks,
                         "risk": pd.Categorical(risk, dtype=bk_fast.RISK_DTYPE)}, index=df.index)


# -- hand cases ---------------------------------------------------------------------------------------------

def test_planning_balance_adds_allocated(engine):
    df = frame([1000.0, 0.0], [-300.0, -50.0], [200.0, 0.0], [0.0, 0.0])
    assert bk_fast.planning_balance(df, engine=engine).tolist() == [900.0, -50.0]


def test_theoretical_balance_components(engine):
    df = pd.DataFrame({"Beginning Balance": [500.0, np.nan], "Received": [np.nan, 20.0],
                       "Consumed": [-120.5, np.nan], "Adjustments": [1.5, np.nan]})
    s = bk_fast.theoretical_balance(df, engine=engine)
    assert s.name == "Theoretical Balance"
    assert s.tolist() == [381.0, 20.0]


def test_planning_balance_computes_theoretical_when_absent(engine):
    df = pd.DataFrame({"Beginning Balance": [100.0], "Received": [0.0], "Consumed": [-40.0],
                       "Adjustments": [np.nan], "Allocated": [-10.0], "On Order": [5.0]})
    assert bk_fast.planning_balance(df, engine=engine).tolist() == [55.0]


@pytest.mark.parametrize("alias", ["Planning_Balance", "planning_balance", "Theoretical_Balance",
                                   "theoretical_balance"])
def test_aliases(engine, alias):
    names = {"Theoretical_Balance": "Theoretical_Balance", "theoretical_balance": "theoretical_balance"}
    df = pd.DataFrame({names.get(alias, "Theoretical Balance"): [10.0], "allocated": [-1.0],
                       "On_Order": [2.0], "consumed": [0.0]})
    assert bk_fast.planning_balance(df, engine=engine).tolist() == [11.0]


def test_erp_number_strings(engine):
    df = frame(["$1,326.67 ", "1,200.0", "($2,183.40)", "", "n/a"], ["-0.5", None, "(1.5)", "0", "x"],
               ["0", "0", "0", "0", "0"], ["0", "0", "0", "0", "0"])
    assert bk_fast.planning_balance(df, engine=engine).tolist() == [1326.17, 1200.0, -2184.9, 0.0, 0.0]


def test_yarn_risk_hand(engine):
    df = frame([430.0, -50.0, 80.0, 0.0], [0.0, -1000.0, -200.0, 0.0], [0.0, 0.0, 0.0, 0.0],
               [-43.0, 0.0, 0.0, np.nan], index=None)
    out = bk_fast.yarn_risk(df, engine=engine)
    assert list(out.columns) == ["planning_balance", "shortage", "weekly_demand", "weeks_of_supply", "risk"]
    assert out["risk"].tolist() == ["LOW", "CRITICAL", "HIGH", "LOW"]
    assert out["weekly_demand"].tolist() == [10.0, 125.0, 25.0, 10.0]
    assert out["weeks_of_supply"].tolist() == [43.0, 0.0, 3.2, 0.0]
    assert out["shortage"].tolist() == [0.0, 1050.0, 120.0, 0.0]
    assert out["risk"].cat.ordered and list(out["risk"].cat.categories) == ["LOW", "MEDIUM", "HIGH", "CRITICAL"]


@pytest.mark.parametrize("pb, level", [(-1000.0, "HIGH"), (-1000.01, "CRITICAL"), (-100.0, "MEDIUM"),
                                       (-100.01, "HIGH"), (0.0, "LOW"), (-0.0, "LOW"), (-0.01, "MEDIUM"),
                                       (1e300, "LOW"), (-1e300, "CRITICAL")])
def test_risk_threshold_boundaries(engine, pb, level):
    out = bk_fast.yarn_risk(frame([pb], [0.0], [0.0], [0.0]), engine=engine)
    assert out["risk"].tolist() == [level]
    assert out["shortage"].iloc[0] == (-pb if pb < 0 else 0.0)


def test_weekly_demand_consumed_zero_allocated_nonzero(engine):
    out = bk_fast.yarn_risk(frame([100.0, 100.0], [-80.0, -80.0], [0.0, 0.0], [0.0, -8.6]), engine=engine)
    assert out["weekly_demand"].tolist() == [10.0, 2.0]
    assert out["weeks_of_supply"].tolist() == [10.0, 50.0]


def test_index_kept(engine):
    df = frame([1.0, 2.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0])
    df.index = pd.Index([18767, 18929], name="Desc#")
    assert bk_fast.yarn_risk(df, engine=engine).index.equals(df.index)
    assert bk_fast.planning_balance(df, engine=engine).index.equals(df.index)


# -- errors and immutability -----------------------------------------------------------------------------------

def test_missing_column_names_it_and_aliases():
    df = pd.DataFrame({"Theoretical Balance": [1.0], "Allocated": [0.0], "Consumed": [0.0]})
    with pytest.raises(ValueError, match=r"'On Order'.*'On_Order'"):
        bk_fast.yarn_risk(df)
    with pytest.raises(ValueError, match="Theoretical Balance"):
        bk_fast.planning_balance(pd.DataFrame({"Allocated": [1.0], "On Order": [1.0]}))


def test_not_a_frame():
    with pytest.raises(TypeError, match="inventory must be a pandas DataFrame"):
        bk_fast.yarn_risk({"Allocated": [1.0]})


def test_datetime_column_rejected():
    df = frame(pd.to_datetime(["2025-01-01"]), [0.0], [0.0], [0.0])
    with pytest.raises(TypeError, match="'Theoretical Balance' must be numeric"):
        bk_fast.planning_balance(df)


def test_inputs_not_mutated(engine, mill):
    inv = mill["yarn_inventory"]
    before = inv.copy(deep=True)
    bk_fast.yarn_risk(inv, engine=engine)
    bk_fast.planning_balance(inv, engine=engine)
    bk_fast.theoretical_balance(inv, engine=engine)
    pd.testing.assert_frame_equal(inv, before)


def test_read_only_arrays(engine):
    arrays = [np.arange(5, dtype=float) for _ in range(4)]
    for a in arrays:
        a.flags.writeable = False
    out = np.empty(5)
    resolve("theoretical_balance", engine)(*arrays, out)
    assert out.tolist() == [0.0, 4.0, 8.0, 12.0, 16.0]


# -- the synthetic mill and generated cases ----------------------------------------------------------------

def test_mill_matches_erp_columns(engine, mill):
    inv = mill["yarn_inventory"]
    pb = bk_fast.planning_balance(inv, engine=engine)
    np.testing.assert_array_equal(pb.to_numpy(), inv["Planning Balance"].fillna(0).to_numpy())
    th = bk_fast.theoretical_balance(inv, engine=engine)
    np.testing.assert_array_equal(th.to_numpy(), inv["Theoretical Balance"].fillna(0).to_numpy())
    pd.testing.assert_frame_equal(bk_fast.yarn_risk(inv, engine=engine), risk_by_hand(inv))


#: special inventory quantities: signed zeros, the risk thresholds and beside them, huge, subnormal, NaN, inf
SPECIAL = [0.0, -0.0, -1000.0, -100.0, -1000.0001, -99.99999999999, 1e308, -1e308, 1.7976931348623157e308,
           5e-324, -5e-324, np.nan, np.inf, -np.inf]


def values(n, infinite=True):
    """``n`` float64 quantities: any float (NaN, and +-inf unless ``infinite=False``) or a special one."""
    special = SPECIAL if infinite else [v for v in SPECIAL if not np.isinf(v)]
    return hnp.arrays(np.float64, n, elements=st.one_of(st.floats(allow_infinity=infinite, width=64),
                                                        st.sampled_from(special)))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_cases_equal_reference(fast_engine, data):
    n = data.draw(st.integers(0, 40))
    cols = {c: data.draw(values(n, infinite=False)) for c in COLS}
    df = pd.DataFrame(cols)
    ref = bk_fast.yarn_risk(df, engine="numpy")
    got = bk_fast.yarn_risk(df, engine=fast_engine)
    pd.testing.assert_frame_equal(got, ref)
    with np.errstate(all="ignore"):
        pd.testing.assert_frame_equal(got, risk_by_hand(df))
    pd.testing.assert_series_equal(bk_fast.planning_balance(df, engine=fast_engine),
                                   bk_fast.planning_balance(df, engine="numpy"))


COMPONENTS = ["Beginning Balance", "Received", "Consumed", "Adjustments"]


def _outcome(call):
    try:
        return call(), None
    except ValueError as exc:
        return None, exc


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_theoretical_balance_equals_reference(data):
    """theoretical_balance on generated components (NaN, +-inf, negative, huge, subnormal): every engine gives
    the reference's Series bit for bit (signed zeros too), or its error; NaN counts as 0, an infinite component
    is an error naming its column and row, a finite sum that overflows is inf."""
    n = data.draw(st.integers(0, 40))
    comps = {c: data.draw(values(n)) for c in COMPONENTS}
    df = pd.DataFrame(comps, index=[f"y{i}" for i in range(n)])
    before = df.copy(deep=True)
    ref, err = _outcome(lambda: bk_fast.theoretical_balance(df, engine="numpy"))
    for eng in ENGINES:
        if not engine_status(eng).available:
            continue
        got, got_err = _outcome(lambda: bk_fast.theoretical_balance(df, engine=eng))
        assert (type(got_err), str(got_err)) == (type(err), str(err)), eng
        if err is None:
            pd.testing.assert_series_equal(got, ref, check_exact=True, obj=eng)
            assert np.array_equal(np.signbit(got.to_numpy()), np.signbit(ref.to_numpy())), eng
        # the kernel itself, infinite inputs included (inf - inf is NaN on every engine)
        arrays = [np.ascontiguousarray(comps[c]) for c in COMPONENTS]
        outs = []
        for e in ("numpy", eng):
            out = np.empty(n)
            with np.errstate(all="ignore"):
                resolve("theoretical_balance", e)(*arrays, out)
            outs.append(out)
        np.testing.assert_array_equal(outs[1], outs[0], err_msg=eng, strict=True)
        assert np.array_equal(np.signbit(outs[1]), np.signbit(outs[0])), eng
    pd.testing.assert_frame_equal(df, before)
    if np.isinf(df.to_numpy()).any():
        named = re.search(r"column '(.+)' row 'y(\d+)' \(position (\d+)\): -?inf is not a finite", str(err))
        assert named and named[2] == named[3] and np.isinf(df[named[1]].iloc[int(named[2])]), err
        return
    assert err is None
    with np.errstate(all="ignore"):
        want = ((df["Beginning Balance"].fillna(0) + df["Received"].fillna(0)) + df["Consumed"].fillna(0)) \
            + df["Adjustments"].fillna(0)
    np.testing.assert_array_equal(ref.to_numpy(), want.to_numpy(), strict=True)
    assert ref.name == "Theoretical Balance" and ref.index.equals(df.index)


# -- review fixes ---------------------------------------------------------------------------------------------

def test_duplicate_column_labels_named():
    """Two columns labelled 'Allocated' made float_column fail with AttributeError ('DataFrame' has no dtype)."""
    df = pd.DataFrame([[10.0, -1.0, 2.0, 0.0, 5.0]], columns=COLS + ["Allocated"])
    for f in (bk_fast.yarn_risk, bk_fast.planning_balance):
        with pytest.raises(ValueError, match=r"inventory has 2 columns labelled 'Allocated'; expected exactly one"):
            f(df)
    # a duplicate the function does not read is no error
    df = pd.DataFrame([[10.0, -1.0, 2.0, 0.0, "a", "b"]], columns=COLS + ["Colour", "Colour"])
    assert bk_fast.planning_balance(df).tolist() == [11.0]


def test_error_rows_are_plain_labels():
    # integer index labels were printed as NumPy reprs: "row np.int64(11)"
    df = pd.DataFrame({"Beginning Balance": [1.0, np.inf], "Received": 0.0, "Consumed": 0.0,
                       "Adjustments": 0.0}, index=[10, 11])
    with pytest.raises(ValueError, match=r"row 11 \(position 1\): inf is not a finite quantity"):
        bk_fast.theoretical_balance(df)


# -- review fixes (session 5) ---------------------------------------------------------------------------------

def test_no_theoretical_balance_error_lists_every_accepted_name():
    """The message listed three names; 'Theoretical Bal' (an alias, and accepted) was missing."""
    from bk_fast._columns import ALIASES

    with pytest.raises(ValueError) as info:
        bk_fast.planning_balance(pd.DataFrame({"Allocated": [1.0], "On Order": [1.0]}))
    for alias in ALIASES["Theoretical Balance"]:
        assert repr(alias) in str(info.value)
    df = pd.DataFrame({"Theoretical Bal": [5.0], "Allocated": [-1.0], "On Order": [2.0]})
    assert bk_fast.planning_balance(df).tolist() == [6.0]


@pytest.mark.parametrize("canon, other", [("Allocated", "allocated"), ("On Order", "On_Order"),
                                          ("Theoretical Balance", "Theoretical Bal"), ("Consumed", " consumed ")])
def test_two_spellings_of_one_column_are_an_error(canon, other):
    """With 'Allocated' and 'allocated' in one frame the exact label was read and the other silently ignored."""
    df = frame([10.0], [-1.0], [2.0], [-4.3])
    df[other] = [-100.0]
    before = df.copy(deep=True)
    funcs = [bk_fast.yarn_risk] if canon == "Consumed" else [bk_fast.yarn_risk, bk_fast.planning_balance]
    for f in funcs:
        with pytest.raises(ValueError, match=rf"2 columns for {canon!r}: {canon!r}, {other!r}"):
            f(df)
    pd.testing.assert_frame_equal(df, before)
    comp = pd.DataFrame({"Beginning Balance": [1.0], "Inventory": [2.0], "Received": 0.0, "Consumed": 0.0,
                         "Adjustments": 0.0})
    with pytest.raises(ValueError, match=r"'Beginning Balance', 'Inventory'"):
        bk_fast.theoretical_balance(comp)
    # a spelling of a column the function does not read is no error
    df = frame([10.0], [-1.0], [2.0], [0.0], **{"Planning Balance": [11.0], "planning_balance": [0.0]})
    assert bk_fast.planning_balance(df).tolist() == [11.0]


# -- audit fixes (inv) ----------------------------------------------------------------------------------------

def test_cancelling_infinite_components_are_an_error_on_every_path(engine):
    """Received inf and Adjustments -inf: the computed Theoretical Balance was inf - inf = NaN, which the planning
    balance / risk kernels read as a missing number (0): yarn y1 came out -50, MEDIUM, with no error, where
    theoretical_balance() on the same frame raised (and _on_hand_stock, the stock erp.py allocates, promised -50)."""
    from bk_fast.inventory import _on_hand_stock

    df = pd.DataFrame({"Beginning Balance": [5.0, 100.0], "Received": [0.0, np.inf], "Consumed": [0.0, 0.0],
                       "Adjustments": [0.0, -np.inf], "Allocated": [0.0, -50.0], "On Order": [0.0, 0.0]},
                      index=["y2", "y1"])
    before = df.copy(deep=True)
    calls = [lambda: bk_fast.planning_balance(df, engine=engine), lambda: bk_fast.yarn_risk(df, engine=engine),
             lambda: _on_hand_stock(df, engine, on_order=True), lambda: _on_hand_stock(df, engine, on_order=False)]
    for call in calls:
        with pytest.raises(ValueError, match=r"column 'Received' row 'y1' \(position 1\): inf is not a finite"):
            call()
    pd.testing.assert_frame_equal(df, before)
    # finite components whose sum overflows stay an IEEE result, as before
    big = df.assign(Received=[0.0, 1e308], Adjustments=[0.0, 1e308])
    assert bk_fast.planning_balance(big, engine=engine).tolist() == [5.0, np.inf]


def _risk_kernel(engine, cols, parts=()):
    """The yarn_risk kernel of ``engine`` on four float64 arrays (and ``parts``: Received, Adjustments, the first
    array being then the Beginning Balance): its five outputs as bit patterns."""
    n = cols[0].size
    block, risk = np.full((4, n), 12345.0), np.full(n, 99, dtype=np.int8)  # (no output left unwritten)
    with np.errstate(all="ignore"):
        resolve("yarn_risk", engine)(*cols, block[0], block[1], block[2], block[3], risk, *parts)
    return block.view(np.int64), risk


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_generated_risk_kernel_bit_for_bit(fast_engine, data):
    """The yarn_risk kernel itself (the Cython engine runs an AVX2 loop four rows a step where the CPU has it,
    then the plain loop for the last rows) gives the reference's bits: signed zeros, NaN and infinite inputs
    (the kernel's -1 risk code), every length 0..41 so that every tail after a full step is met."""
    n = data.draw(st.integers(0, 41))
    cols = [data.draw(values(n)) for _ in COLS]  # theoretical, allocated, on order, consumed
    # and the form that sums the Theoretical Balance from its components (received, adjustments)
    parts = [data.draw(values(n)) for _ in range(2)] if data.draw(st.booleans()) else []
    ref_block, ref_risk = _risk_kernel("numpy", cols, parts)
    got_block, got_risk = _risk_kernel(fast_engine, cols, parts)
    np.testing.assert_array_equal(got_risk, ref_risk)
    np.testing.assert_array_equal(got_block, ref_block)


def test_risk_kernel_every_select_at_every_lane(fast_engine):
    """Each row of a 4-row step takes each branch of the rule in turn (NaN inputs, each weekly-demand source,
    each risk level and threshold, a non-finite balance), at every position of the step and in the tail."""
    rows = [  # theoretical, allocated, on order, consumed
        (np.nan, np.nan, np.nan, np.nan), (430.0, 0.0, 0.0, -43.0), (-50.0, -1000.0, 0.0, 0.0),
        (80.0, -200.0, 0.0, 0.0), (-1000.0, 0.0, 0.0, 0.0), (-100.0, 0.0, -0.0, 0.0), (-0.0, -0.0, -0.0, -0.0),
        (5.0, 0.0, 0.0, 0.0), (np.inf, 0.0, 0.0, 0.0), (-np.inf, 1.0, 0.0, 0.0), (1e308, 1e308, 0.0, 0.0),
        (7.0, np.nan, 3.0, -8.6), (-1000.0001, 0.0, 0.0, np.inf), (0.0, 0.0, 0.0, 5e-324),
        (1048.1, -1108.3, 60.2, 0.0), (1048.1, -1108.3, 60.199999999, 0.0), (2e18, -(2e18 + 256.0), 0.0, 0.0),
        (np.nan, -1e-9, -0.0, 0.0), (1486.3, -1676.2, 89.9, 0.0), (75.3, -1107.4, 32.1, 0.0)]
    # a rounding residue (LOW), 1e-9 short, -256 in the allowance (LOW), 1e-9 short, -100 and -1000 in decimal
    # (float64 -100.00000000000009, -1000.0000000000001: MEDIUM, HIGH)
    base = np.array(rows, dtype=np.float64)
    for shift in range(5):
        arr = np.roll(np.concatenate([base, base[:shift]]), shift, axis=0)
        cols = [np.ascontiguousarray(arr[:, j]) for j in range(4)]
        ref_block, ref_risk = _risk_kernel("numpy", cols)
        got_block, got_risk = _risk_kernel(fast_engine, cols)
        np.testing.assert_array_equal(got_risk, ref_risk)
        np.testing.assert_array_equal(got_block, ref_block)
        # summed from its components: received and adjustments beside each row (NaN, cancelling, huge, tiny)
        parts = [np.resize([np.nan, 0.3, -1e308, np.inf, -5e-324, 1e-9, -0.2], len(arr)),
                 np.resize([-0.1, np.nan, -1e308, -np.inf, 5e-324, -2e18, 0.0, 1e-300], len(arr))]
        ref_block, ref_risk = _risk_kernel("numpy", cols, parts)
        got_block, got_risk = _risk_kernel(fast_engine, cols, parts)
        np.testing.assert_array_equal(got_risk, ref_risk)
        np.testing.assert_array_equal(got_block, ref_block)


# -- audit fixes (prec) ---------------------------------------------------------------------------------------

def test_rounding_residue_is_no_shortage(engine):
    """1048.1 - 1108.3 + 60.2 is 0 in decimal and -4.26e-14 in float64: the yarn was short 4.3e-14 lbs, MEDIUM
    (298 of 1,000 random two-decimal yarns with a balance of exactly 0 were). A planning balance within the
    rounding allowance of its float64 sums is not short; a real shortage, 1e-9 lbs, still is. The balance itself
    stays float64's sum."""
    df = frame([1048.1, 1048.1, 0.0, 2e18, 2e18], [-1108.3, -1108.3, -1e-9, -(2e18 + 256.0), -(2e18 + 4096.0)],
               [60.2, 60.199999999, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0])
    out = bk_fast.yarn_risk(df, engine=engine)
    assert out["planning_balance"].iloc[0] == 1048.1 - 1108.3 + 60.2 < 0
    # 2e18 lbs: the allowance is ~1776 lbs, so -256 is no shortage (nor HIGH); -4096 is CRITICAL
    assert out["shortage"].tolist() == [0.0, 1108.3 - 1048.1 - 60.199999999, 1e-9, 0.0, 4096.0]
    assert out["risk"].tolist() == ["LOW", "MEDIUM", "MEDIUM", "LOW", "CRITICAL"]
    # computed here from its components, the Theoretical Balance's three sums count too: 0.3 - 0.1 - 0.2 = 0 in
    # decimal, -2.8e-17 in float64 (far beyond the kernel's allowance of the sums it makes itself)
    comp = pd.DataFrame({"Beginning Balance": [0.3, 0.3], "Received": [np.nan, 0.0], "Consumed": [-0.1, -0.1],
                         "Adjustments": [-0.2, -0.2], "Allocated": [0.0, -1e-9], "On Order": [np.nan, 0.0]})
    out = bk_fast.yarn_risk(comp, engine=engine)
    assert out["planning_balance"].tolist() == [0.3 - 0.1 - 0.2, 0.3 - 0.1 - 0.2 - 1e-9] and 0.3 - 0.1 - 0.2 < 0
    assert out["shortage"].tolist() == [0.0, -(0.3 - 0.1 - 0.2 - 1e-9)]
    assert out["risk"].tolist() == ["LOW", "MEDIUM"]


def _text(v):
    return None if v is None else f"{'-' if v < 0 else ''}{abs(v) // 100}.{abs(v) % 100:02d}"


@st.composite
def _two_decimal_row(draw, n):
    """``n`` two-decimal quantities as decimal strings (None: a blank), the last one often balancing the others
    to an exact sum of 0 or +-0.01 in decimal, or of a risk threshold (-100, -1000) or 0.01 either side of it."""
    vals = draw(st.lists(st.one_of(st.none(), st.integers(-10**12, 10**12)), min_size=n, max_size=n))
    offset = draw(st.sampled_from([None, 0, 0, -1, 1, -10000, -10001, -9999, -100000, -100001, -99999]))
    if offset is not None:
        vals[-1] = offset - sum(v or 0 for v in vals[:-1])
    return [_text(v) for v in vals]


@settings(max_examples=60, deadline=None)
@given(st.booleans().flatmap(lambda comp: st.tuples(st.just(comp), st.lists(_two_decimal_row(6 if comp else 3),
                                                                            min_size=1, max_size=9))))
def test_generated_two_decimal_shortage_against_exact_sum(engine, case):
    """Random two-decimal yarns (up to 1e10 lbs a quantity), read from their decimal text; the exact planning
    balance is the sum of the texts' Fractions: >= 0 is never short (LOW), <= -0.01 always is, by -PB as
    float64 computed it, and its risk is that of the exact balance (HIGH below -100, CRITICAL below -1000). Through
    a Theoretical Balance column and through its four components."""
    components, rows = case
    names = (["Beginning Balance", "Received", "Consumed", "Adjustments"] if components
             else ["Theoretical Balance"]) + ["Allocated", "On Order"]
    df = pd.DataFrame([[np.nan if v is None else float(v) for v in r] for r in rows], columns=names)
    out = bk_fast.yarn_risk(df if components else df.assign(Consumed=0.0), engine=engine)
    for r, pb, short, risk in zip(rows, out["planning_balance"], out["shortage"], out["risk"]):
        exact = sum(Fraction(v) for v in r if v is not None)
        if exact >= 0:
            assert (short, risk) == (0.0, "LOW"), (r, pb)
        elif exact <= Fraction(-1, 100):
            assert short == -pb > 0, (r, pb, short)
            assert risk == ("CRITICAL" if exact < -1000 else "HIGH" if exact < -100 else "MEDIUM"), (r, pb)


# -- audit fixes (rev23) --------------------------------------------------------------------------------------

def _decimal_zero_rows(rng, rows, n):
    """``rows`` rows of ``n`` decimal texts ``k E-e`` (exponents 300..330: subnormal and the smallest normal
    numbers) whose exact decimal sum is 0, some blank (None)."""
    out = []
    for _ in range(rows):
        e = [int(v) for v in rng.integers(300, 331, n)]
        k = [0 if rng.random() < 0.1 else int(v) for v in rng.integers(-10**6, 10**6, n)]  # (0: a blank)
        k[-1] = -sum(kk * 10**(max(e) - ee) for kk, ee in zip(k[:-1], e[:-1]))  # in units of 1E-max(e)
        e[-1] = max(e)
        out.append([f"{kk}E-{ee}" if kk else None for kk, ee in zip(k, e)])
    return out


def test_subnormal_exact_zero_balance_is_not_short(engine):
    """-6.2220679E-310 - 1.262051347037E-310 + 7.484119247037E-310 is 0 in decimal, -5e-324 in float64: the yarn
    was short 5e-324 lbs, MEDIUM. A subnormal input is only within 2**-1075 of its decimal (not 2**-53 of it) and
    |x| x 2**-51 underflows to 0, so the allowance was 0; it now has a floor (3 x 2**-1074, 6 x 2**-1074 from the
    components). Through a Theoretical Balance column and its components, the audit's rows and 200 generated
    ones each; a real shortage of 1e-320 lbs still counts."""
    tb = pd.DataFrame({"Theoretical Balance": [float("-6.2220679E-310"), -1e-320],
                       "Allocated": [float("-1.262051347037E-310"), 0.0],
                       "On Order": [float("7.484119247037E-310"), 0.0], "Consumed": [0.0, 0.0]})
    comp = pd.DataFrame({c: [float(v), 0.0] for c, v in zip(
        [*COMPONENTS, "Allocated", "On Order"],
        ["-6.139E-321", "5.2931E-320", "-4.2736E-320", "3.2301E-320", "-6.3490E-320", "2.7133E-320"])})
    comp.loc[1, "Received"] = -1e-320
    for df in (tb, comp):
        out = bk_fast.yarn_risk(df, engine=engine)
        assert out["planning_balance"].tolist() == [-5e-324, -1e-320]  # float64's sums, kept
        assert out["shortage"].tolist() == [0.0, 1e-320]
        assert out["risk"].tolist() == ["LOW", "MEDIUM"]
    rng = np.random.default_rng(23)
    for names in (["Theoretical Balance", "Allocated", "On Order"], [*COMPONENTS, "Allocated", "On Order"]):
        rows = _decimal_zero_rows(rng, 200, len(names))
        df = pd.DataFrame([[np.nan if v is None else float(v) for v in r] for r in rows], columns=names)
        if "Consumed" not in df:
            df["Consumed"] = 0.0
        out = bk_fast.yarn_risk(df, engine=engine)
        assert all(sum(Fraction(v) for v in r if v is not None) == 0 for r in rows)
        assert (out["planning_balance"] != 0).sum() > 20  # (float64 misses 0 in many)
        assert (out["shortage"] == 0).all() and (out["risk"] == "LOW").all(), df[out["shortage"] != 0]


def test_overflowing_computed_theoretical_balance_shortage_matches_risk(engine):
    """Components -1e308 + -1e308 (finite: allowed) overflow the computed Theoretical Balance to -inf: yarn_risk
    gave planning_balance -inf, risk CRITICAL but shortage 0 (the kernel's allowance of an infinite Theoretical
    Balance was infinite, the caller re-derived the risk alone), so the demo's "N short" (shortage > 0) left out a
    CRITICAL yarn. Now the allowance is the components' (finite): short by inf, as with a Theoretical Balance
    column; +inf is no shortage."""
    comp = pd.DataFrame({"Beginning Balance": [-1e308, 1e308, 5.0], "Received": [-1e308, 1e308, 0.0],
                         "Consumed": [0.0, 0.0, -43.0], "Adjustments": [0.0, 0.0, np.nan],
                         "Allocated": [0.0, -1e308, -10.0], "On Order": [0.0, 0.0, 0.0]})
    tb = pd.DataFrame({"Theoretical Balance": [-1e308, 1e308, -38.0], "Allocated": [-1e308, 1e308, -10.0],
                       "On Order": [0.0, 0.0, 0.0], "Consumed": [0.0, 0.0, -43.0]})
    for df in (comp, tb):
        out = bk_fast.yarn_risk(df, engine=engine)
        assert out["planning_balance"].tolist() == [-np.inf, np.inf, -48.0]
        assert out["shortage"].tolist() == [np.inf, 0.0, 48.0]
        assert out["risk"].tolist() == ["CRITICAL", "LOW", "MEDIUM"]


def test_components_path_names_an_infinite_component_before_a_missing_column(engine):
    """yarn_risk sums the Theoretical Balance from its components in its own kernel; an infinite component is
    still the error reported first, before a missing Allocated or On Order column (as when it was summed apart)."""
    df = pd.DataFrame({"Beginning Balance": [5.0, 1.0], "Received": [0.0, -np.inf], "Consumed": [0.0, 0.0],
                       "Adjustments": [0.0, 0.0], "On Order": [0.0, 0.0]}, index=["y2", "y1"])
    with pytest.raises(ValueError, match=r"column 'Received' row 'y1' \(position 1\): -inf is not a finite"):
        bk_fast.yarn_risk(df, engine=engine)
    with pytest.raises(ValueError, match="Allocated"):
        bk_fast.yarn_risk(df.assign(Received=0.0), engine=engine)


@pytest.mark.parametrize("engine", [e for e in ("numpy", "cython") if e in ENGINES and engine_status(e).available])
def test_risk_kernel_components_both_or_neither(engine):
    """The kernel's components form takes received and adjustments together, each with a row per row: one
    without the other was read through a NULL pointer by the Cython engine (the interpreter died), a shorter
    one past its end (review rev26)."""
    kernel = resolve("yarn_risk", engine)
    n = 5
    cols = [np.ones(n) for _ in range(4)]
    outs = [np.empty(n) for _ in range(4)] + [np.empty(n, dtype=np.int8)]
    with pytest.raises(TypeError, match="both or neither"):
        kernel(*cols, *outs, received=np.ones(n))
    with pytest.raises(TypeError, match="both or neither"):
        kernel(*cols, *outs, adjustments=np.ones(n))
    if engine == "cython":
        with pytest.raises(ValueError, match="need 5 rows"):
            kernel(*cols, *outs, received=np.ones(n), adjustments=np.ones(n - 1))
    kernel(*cols, *outs, received=np.zeros(n), adjustments=np.zeros(n))  # both: the components form
    np.testing.assert_array_equal(outs[0], np.full(n, 4.0))  # ((1 + 0) + 1) + 0, plus 1 + 1


# -- audit fixes (fixrisk) ------------------------------------------------------------------------------------

def _threshold_rows(rng, rows, n, target):
    """``rows`` rows of ``n`` two-decimal quantities (in cents, realistic signs: Allocated <= 0, On Order >= 0)
    whose exact sum is ``target`` cents, the first one balancing the others."""
    vals = rng.integers(0, 10 ** rng.integers(2, 9, (rows, n)), (rows, n))
    vals[:, -2] *= -1  # Allocated
    if n == 6:
        vals[:, 2] *= -1  # Consumed
        vals[:, 3] -= rng.integers(0, 10**6, rows)  # Adjustments, either sign
    vals[:, 0] = target - vals[:, 1:].sum(axis=1)
    return vals


def test_decimal_threshold_balance_is_not_below_it(engine):
    """1486.3 - 1676.2 + 89.9 is -100 in decimal and -100.00000000000009 in float64: the yarn was HIGH (26 % of
    random two-decimal yarns with a balance of exactly -100.00, 42 % through the components; at -1000.00 CRITICAL
    as often). Each threshold, not only 0's, is now passed only by more than the rounding allowance; one cent
    below it still is. The balance stays float64's sum."""
    tb = frame([1486.3, 75.3, 1486.3, 75.3], [-1676.2, -1107.4, -1676.21, -1107.41], [89.9, 32.1, 89.9, 32.1],
               [0.0, 0.0, 0.0, 0.0])
    comp = pd.DataFrame({"Beginning Balance": [478.0, 400.6], "Received": [473.9, 453.6],
                         "Consumed": [-457.6, -215.8], "Adjustments": [13.4, 17.6], "Allocated": [-636.0, -1977.9],
                         "On Order": [28.3, 321.9]})
    out = bk_fast.yarn_risk(tb, engine=engine)
    assert out["planning_balance"].tolist()[:2] == [-100.00000000000009, -1000.0000000000001]
    assert out["risk"].tolist() == ["MEDIUM", "HIGH", "HIGH", "CRITICAL"]
    assert out["shortage"].tolist() == (-out["planning_balance"]).tolist()
    out = bk_fast.yarn_risk(comp, engine=engine)
    assert out["planning_balance"].tolist() == [-100.00000000000007, -1000.0000000000001]
    assert out["risk"].tolist() == ["MEDIUM", "HIGH"]
    rng = np.random.default_rng(41)
    for names in (["Theoretical Balance", "Allocated", "On Order"], [*COMPONENTS, "Allocated", "On Order"]):
        for target, level, below in ((-10000, "MEDIUM", "HIGH"), (-100000, "HIGH", "CRITICAL")):
            for cents, want in ((target, level), (target - 1, below)):
                vals = _threshold_rows(rng, 301, len(names), cents)
                assert all(sum(Fraction(int(v), 100) for v in r) == Fraction(cents, 100) for r in vals[::50])
                df = pd.DataFrame(vals / 100.0, columns=names)  # each the double nearest its decimal
                if "Consumed" not in df:
                    df["Consumed"] = 0.0
                out = bk_fast.yarn_risk(df, engine=engine)
                if cents == target:
                    assert (out["planning_balance"] < target / 100).sum() > 30  # (float64 misses it below, often)
                assert (out["risk"] == want).all(), df[out["risk"] != want]
                assert (out["shortage"] == -out["planning_balance"]).all()


def test_critical_threshold_is_strict_at_minus_1000_minus_tol(engine):
    """A balance exactly at ``-1000 - tol`` is not CRITICAL (yarn_risk's docstring: CRITICAL "below -1000 - tol",
    strict). x = -1000 - 4 ulps is that fixed point: tol = |x| x 2**-51 (+ 3 x 2**-1074) is 3.9 ulps of 1000,
    so -1000 - tol rounds to x itself; one ulp further down is below it."""
    x = -1000.0 - 4 * 2.0**-43
    tol = abs(x) * 2.0**-51 + 3 * 2.0**-1074
    assert -1000.0 - tol == x  # (the fixed point, in float64)
    below = np.nextafter(x, -np.inf)
    out = bk_fast.yarn_risk(frame([x, below], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]), engine=engine)
    assert out["planning_balance"].tolist() == [x, below]
    assert out["risk"].tolist() == ["HIGH", "CRITICAL"]
    assert out["shortage"].tolist() == [-x, -below]


def test_rounding_allowance_is_the_documented_size(engine):
    """tol is ``(|T| + |A| + |O|) x 4 x 2**-53`` (RESIDUE), and ``8 x 2**-53`` of all six inputs when the
    Theoretical Balance is summed from its components (COMPONENT_RESIDUE): yarn_risk's docstring. With u =
    2**-52: T = 1, A = -(1 + 3u) gives a balance of -3u (exact, Sterbenz) within tol ~ 4u, not short, while
    -(1 + 5u) gives -5u, short. Through the components tol ~ 8u: -5u is not short, -9u is."""
    u = 2.0**-52
    out = bk_fast.yarn_risk(frame([1.0, 1.0], [-(1 + 3 * u), -(1 + 5 * u)], [0.0, 0.0], [0.0, 0.0]),
                            engine=engine)
    assert out["planning_balance"].tolist() == [-3 * u, -5 * u]
    assert out["risk"].tolist() == ["LOW", "MEDIUM"]
    assert out["shortage"].tolist() == [0.0, 5 * u]
    comp = pd.DataFrame({"Beginning Balance": [1.0, 1.0], "Received": [0.0, 0.0], "Consumed": [0.0, 0.0],
                         "Adjustments": [0.0, 0.0], "Allocated": [-(1 + 5 * u), -(1 + 9 * u)], "On Order": [0.0, 0.0]})
    out = bk_fast.yarn_risk(comp, engine=engine)
    assert out["planning_balance"].tolist() == [-5 * u, -9 * u]
    assert out["risk"].tolist() == ["LOW", "MEDIUM"]
    assert out["shortage"].tolist() == [0.0, 9 * u]

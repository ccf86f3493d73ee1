"""Fuzz every other capability's public functions on every engine by mutating valid inputs: one adversarial
cell (NaN, inf, -0.0, huge/tiny, negative, int64 extremes, text, unicode), a column's dtype (object, string,
categorical, pyarrow), the rows (empty, one, duplicated, reversed, dropped), ids (unicode/whitespace
variants, ids missing from the other frame, int vs text), a dropped column or an odd index.

Each call returns what the reference returns on every engine, or raises the same ValueError/TypeError naming
a column/argument or row; never a crash, a mutated input, or a silent NaN (a NaN in an output column that
the unmutated input's result had none in, caused by a finite number or a layout change). A capability whose
module is missing is skipped with the reason; known bugs are strict xfails naming the bug.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _harness import (AVAILABLE, I64, assert_same, assert_unchanged, check_engines, drawable, fuzz_settings,
                      module_or_skip, snapshot)
from hypothesis import assume, given
from hypothesis import strategies as st

import bk_fast

FINITE = [0.0, -0.0, 1e308, -1e308, 5e-324, -5e-324, -1.0, -1e-9, 1e15 + 0.5, 0.1, float(I64.max), 2.0 ** 53 + 1,
          7, -3, I64.max, I64.min, True]
MISSING = [math.nan, None, math.inf, -math.inf, "", "abc", " 12 ", "(5)", "$1,200.50", "\u0661\u0662", "1e400"]
ID_VARIANTS = [" {}", "{} ", "{}\u00a0", "\u200b{}", "{}".upper(), "e\u0301{}", "{}.0"]


def _set_cell(df, col, row, value):
    vals = df[col].tolist()
    vals[row] = value
    try:
        df[col] = pd.Series(vals, index=df.index)
    except (TypeError, ValueError):
        df[col] = pd.Series(vals, index=df.index, dtype=object)


@st.composite
def mutation(draw, df: pd.DataFrame, id_cols=()):
    """A mutated copy of ``df`` and whether the mutation may legitimately bring NaN into results."""
    df = df.copy(deep=True)
    kind = draw(st.sampled_from(["finite", "missing", "dtype", "rows", "ids", "drop", "index", "none"]))
    may_nan = kind in ("missing", "drop")
    cols = list(df.columns)
    if kind in ("finite", "missing") and len(df) and cols:
        col = draw(st.sampled_from(cols))
        row = draw(st.integers(0, len(df) - 1))
        _set_cell(df, col, row, draw(st.sampled_from(FINITE if kind == "finite" else MISSING)))
        may_nan = may_nan or col in id_cols  # a changed id may legitimately match nothing
    elif kind == "dtype" and cols:
        col = draw(st.sampled_from(cols))
        to = draw(st.sampled_from(drawable(["object", "string", "category", "pyarrow", "text"])))
        may_nan = col in id_cols  # ids as text: 18767 and "18767" are different ids
        s = df[col]
        try:
            if to == "object":
                df[col] = s.astype(object)
            elif to == "string":
                df[col] = s.astype("string")
                may_nan = True  # numbers as text: parsed, but text ids / exotic text can become NaN
            elif to == "category":
                df[col] = s.astype("category")
            elif to == "text":
                df[col] = s.map(lambda v: f"{v:,}" if isinstance(v, (int, float)) else v).astype(object)
                may_nan = True
            elif s.dtype.kind == "f":
                df[col] = s.astype("double[pyarrow]")
            elif s.dtype.kind in "iu":
                df[col] = s.astype("int64[pyarrow]")
            else:
                df[col] = s.astype("string[pyarrow]")
        except (TypeError, ValueError):
            pass
    elif kind == "rows":
        how = draw(st.sampled_from(["empty", "one", "dup", "reverse", "drop"]))
        if how == "empty":
            df = df.iloc[:0]
        elif how == "one":
            df = df.iloc[:1]
        elif how == "dup" and len(df):
            df = pd.concat([df, df.iloc[[draw(st.integers(0, len(df) - 1))]]])
        elif how == "reverse":
            df = df.iloc[::-1]
        elif how == "drop" and len(df):
            df = df.drop(df.index[draw(st.integers(0, len(df) - 1))])
        may_nan = True  # rows gone: their partners in other frames are unmatched
    elif kind == "ids" and id_cols and len(df):
        col = draw(st.sampled_from([c for c in id_cols if c in df.columns] or cols))
        row = draw(st.integers(0, len(df) - 1))
        variant = draw(st.sampled_from(ID_VARIANTS + ["NEW-ID", 10 ** 12, -1, "18767"]))
        old = df[col].iloc[row]
        _set_cell(df, col, row, variant.format(old) if isinstance(variant, str) else variant)
        may_nan = True  # an id not in the other frame: unmatched
    elif kind == "drop" and cols:
        df = df.drop(columns=draw(st.sampled_from(cols)))
    elif kind == "index":
        df.index = draw(st.sampled_from([pd.Index(["r"] * len(df)), pd.Index([f"ü{i} " for i in range(len(df))]),
                                         pd.RangeIndex(len(df))[::-1]]))
    return df, may_nan


def _float_outputs(value) -> dict:
    """Float columns/arrays of a result, by path."""
    out = {}

    def walk(v, path):
        if isinstance(v, pd.DataFrame):
            for c in v.columns:
                if v[c].dtype.kind == "f":
                    out[f"{path}[{c!r}]"] = v[c].to_numpy()
        elif isinstance(v, pd.Series) and v.dtype.kind == "f":
            out[path] = v.to_numpy()
        elif isinstance(v, np.ndarray) and v.dtype.kind == "f":
            out[path] = v
        elif isinstance(v, (list, tuple)):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
        elif hasattr(v, "__dataclass_fields__"):
            for f in v.__dataclass_fields__:
                walk(getattr(v, f, None), f"{path}.{f}")
        elif hasattr(v, "__dict__") and not isinstance(v, type):
            for k, x in vars(v).items():
                if not k.startswith("_"):
                    walk(x, f"{path}.{k}")

    walk(value, "result")
    return out


def assert_no_new_nan(base, result, may_nan: bool, what: str):
    if may_nan:
        return
    before = _float_outputs(base)
    for path, arr in _float_outputs(result).items():
        if path in before and not np.isnan(before[path]).any() and np.isnan(arr).any():
            raise AssertionError(f"{what}: silent NaN in {path}")


def fuzz_call(what, call, frames: dict, names, base_frames: dict, may_nan: bool, *, contract_errors=False):
    """Run ``call(engine, **frames)`` on all engines with the checks; compare NaNs with the base result.
    ``contract_errors``: a drop-in whose contract is the original's behaviour, errors included: only engine
    agreement is checked for errors (any exception type, same on every engine)."""
    before = snapshot(*frames.values())
    if contract_errors:
        outcomes = {}
        for eng in AVAILABLE:
            try:
                outcomes[eng] = ("ok", call(eng, **frames))
            except Exception as exc:  # noqa: BLE001
                outcomes[eng] = ("error", f"{type(exc).__name__}: {exc}")
        ref = outcomes["numpy"]
        for eng, got in outcomes.items():
            if ref[0] == "error" or got[0] == "error":
                assert ref == got, f"{what}: numpy -> {ref}, {eng} -> {got}"
            else:
                assert_same(ref[1], got[1], f"{what} [{eng} vs numpy]")
        assert_unchanged(before, list(frames.values()))
        return None
    ref = check_engines(lambda eng: call(eng, **frames), list(names), where=what)
    assert_unchanged(before, list(frames.values()))
    if ref.error is None:
        base = call("numpy", **base_frames)
        assert_no_new_nan(base, ref.value, may_nan, what)
    return ref


def _frames_names(frames: dict):
    names = set(frames)
    for v in frames.values():
        if isinstance(v, pd.DataFrame):
            names |= {str(c) for c in v.columns}
        elif isinstance(v, pd.Series) and v.name is not None:
            names.add(str(v.name))
    return names


def _blank_in_mixed(df: pd.DataFrame, cols) -> bool:
    """Known bug (test_fuzz_found.py): a blank text id in an object column that also holds numbers."""
    for c in cols:
        if c in df.columns and df[c].dtype == object:
            vals = df[c].tolist()
            if any(isinstance(v, str) and not v.strip() for v in vals) and \
                    any(not isinstance(v, str) for v in vals):
                return True
    return False


# ----------------------------------------------------------------------------------------------------------
# allocation

ORDERS = pd.DataFrame({"order": [1, 2, 3, 4, 5], "item": ["Y", "Y", "Y", "Z", "Z"],
                       "qty": [10.0, 10.0, 10.0, 3.0, 4.5], "priority": [1, 2, 3, 1, 1], "due": [9, 10, 11, 2, 0]})
SUPPLY = pd.DataFrame({"item": ["Y", "Y", "Z"], "period": [0, 5, 1], "qty": [25.0, 4.0, 2.0]})


def _allocate(eng, orders, supply):
    res = bk_fast.allocate(orders, supply, engine=eng)
    return [res.deliveries, res.shortfalls, res.orders]


@pytest.mark.parametrize("target", ["orders", "supply"])
@fuzz_settings(15)
@given(data=st.data())
def test_allocate(target, data):
    module_or_skip("bk_fast.allocation")
    base = {"orders": ORDERS, "supply": SUPPLY}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target], id_cols=("item", "order")))
    fuzz_call("allocate", _allocate, frames, _frames_names(base), base, may_nan)


KIT_ORDERS = pd.DataFrame({"order": ["K1", "K2", "K3"], "qty": [1000.0, 500.0, 20.0], "priority": [1, 2, 2]})
KIT_REQ = pd.DataFrame({"order": ["K1", "K1", "K2", "K3"], "item": [18767, 18929, 18767, 18929],
                        "fraction": [0.9, 0.1, 1.0, 1.0]})
KIT_SUPPLY = pd.DataFrame({"item": [18767, 18929], "qty": [1200.0, 50.0]})


def _kits(eng, orders, requirements, supply):
    res = bk_fast.allocate_kits(orders, requirements, supply, engine=eng)
    return [res.orders, res.lines]


@pytest.mark.parametrize("target", ["orders", "requirements", "supply"])
@fuzz_settings(12)
@given(data=st.data())
def test_allocate_kits(target, data):
    module_or_skip("bk_fast.allocation")
    base = {"orders": KIT_ORDERS, "requirements": KIT_REQ, "supply": KIT_SUPPLY}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target], id_cols=("item", "order")))
    fuzz_call("allocate_kits", _kits, frames, _frames_names(base), base, may_nan)


# ----------------------------------------------------------------------------------------------------------
# netting

DEMAND = pd.DataFrame({"This Week": [3137.8, 10.0, 0.0], "Week 36": [4120.3, 0.0, 5.5],
                       "Week 37": [0.0, 1.0, 2.0]}, index=[18767, 18929, 19003])
RECEIPTS = pd.DataFrame({"Week 36": [8000.0, 1.0]}, index=[18767, 19003])
ON_HAND = pd.DataFrame({"on_hand": [0.0, 25.0, -4.0]}, index=[18767, 18929, 19003])


def _weekly(eng, demand, receipts, on_hand):
    oh = on_hand.iloc[:, 0] if on_hand.shape[1] else pd.Series(dtype=float)
    return bk_fast.weekly_balance(oh, demand, receipts, past_due={18929: 5.0}, engine=eng)


@pytest.mark.parametrize("target", ["demand", "receipts", "on_hand"])
@fuzz_settings(12)
@given(data=st.data())
def test_weekly_balance(target, data):
    module_or_skip("bk_fast.netting")
    base = {"demand": DEMAND, "receipts": RECEIPTS, "on_hand": ON_HAND}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target]))
    fuzz_call("weekly_balance", _weekly, frames, _frames_names(base) | {"on_hand", "demand", "receipts"}, base,
              may_nan)


GROSS = pd.DataFrame({"p0": [10.0, 0.0, 5.0], "p1": [20.0, 140.0, 0.0], "p2": [30.0, 0.0, 0.0],
                      "p3": [40.0, 16.0, 1e-9]})


@pytest.mark.parametrize("lot", ["lfl", "ww", "mmm"])
@fuzz_settings(12)
@given(data=st.data())
def test_net_requirements(lot, data):
    module_or_skip("bk_fast.netting")
    from bk_fast.lots import LotForLot, MinMaxMultiple, WagnerWhitin

    rule = {"lfl": LotForLot(), "ww": WagnerWhitin(setup=30, holding=1), "mmm": MinMaxMultiple(50, 100, 25)}[lot]

    def call(eng, gross):
        res = bk_fast.net_requirements(gross.to_numpy() if gross.dtypes.map(lambda d: d.kind == "f").all()
                                       else gross, 3.0, lot=rule, lead_time=1, safety_stock=1.0, engine=eng)
        return [res.planned_receipts, res.planned_releases, res.projected, res.orders]

    gross, may_nan = data.draw(mutation(GROSS))
    fuzz_call("net_requirements", call, {"gross": gross},
              {"gross", "on_hand", "periods", "item", "lot", *GROSS.columns},
              {"gross": GROSS}, may_nan)


BOM_LINES = pd.DataFrame({"parent": ["FG", "FG", "SUB", "SUB", "FG2"], "component": ["SUB", "Y1", "Y2", "Y1", "Y2"],
                          "qty_per": [2.0, 0.5, 3.0, 0.25, 1.0]})
MRP_DEMAND = pd.DataFrame({"item": ["FG", "FG", "FG2", "SUB"], "week": [1, 3, 2, 0], "qty": [100.0, 50.0, 7.0, 1.0]})


def _mrp(eng, demand, lines):
    bom = bk_fast.BOM.from_frame(lines, engine=eng)
    res = bk_fast.mrp(demand, bom, on_hand={"FG": 30.0, "Y1": 10.0}, lead_time={"FG": 1, "Y1": 2},
                      periods=[0, 1, 2, 3], engine=eng)
    return [res.orders, res.planned_receipts, res.projected, res.net]


@pytest.mark.parametrize("target", ["demand", "lines"])
@fuzz_settings(12)
@given(data=st.data())
def test_mrp(target, data):
    module_or_skip("bk_fast.netting")
    base = {"demand": MRP_DEMAND, "lines": BOM_LINES}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target], id_cols=("item", "parent", "component")))
    assume(not _blank_in_mixed(frames["lines"], ("parent", "component")))
    assume(not _blank_in_mixed(frames["demand"], ("item",)))
    fuzz_call("mrp", _mrp, frames, _frames_names(base) | {"demand", "bom", "lead_time"}, base, may_nan)


# ----------------------------------------------------------------------------------------------------------
# BOM


def _explode(eng, lines, demand):
    bom = bk_fast.BOM.from_frame(lines, engine=eng)
    out = [bom.explode(demand, engine=eng), bom.explode(demand, leaves_only=False, engine=eng)]
    out.append(bom.explode(demand, by_line=True, engine=eng))
    return out


@pytest.mark.parametrize("target", ["lines", "demand"])
@fuzz_settings(15)
@given(data=st.data())
def test_bom_explode(target, data):
    module_or_skip("bk_fast.bom")
    base = {"lines": BOM_LINES, "demand": MRP_DEMAND[["item", "qty"]]}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target], id_cols=("item", "parent", "component")))
    assume(not _blank_in_mixed(frames["lines"], ("parent", "component")))
    assume(not _blank_in_mixed(frames["demand"], ("item",)))
    fuzz_call("BOM.explode", _explode, frames, _frames_names(base) | {"demand", "qty_per"}, base, may_nan)


INT_BOM = pd.DataFrame({"Style#": [1, 1, 2, 2, 3], "Desc#": [2, 3, 10, 11, 10],
                        "BOM_Percentage": [2.0, 1.0, 0.5, 0.25, 3.0]})
INT_DEMAND = pd.DataFrame({"item": [1, 2, 3, 1], "qty": [10.0, 4.0, 1.0, 2.5]})


def _explode_int(eng, lines, demand):
    bom = bk_fast.BOM.from_frame(lines, engine=eng)
    return [bom.explode(demand, engine=eng), bom.rollup({10: 2.0, 11: 4.0}, missing=0.0, engine=eng)]


@pytest.mark.parametrize("target", ["lines", "demand"])
@fuzz_settings(12)
@given(data=st.data())
def test_bom_integer_ids(target, data):
    module_or_skip("bk_fast.bom")
    base = {"lines": INT_BOM, "demand": INT_DEMAND}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target], id_cols=("item", "Style#", "Desc#")))
    assume(not _blank_in_mixed(frames["lines"], ("Style#", "Desc#")))
    assume(not _blank_in_mixed(frames["demand"], ("item",)))
    fuzz_call("BOM integer ids", _explode_int, frames, _frames_names(base) | {"demand", "unit_cost"}, base,
              may_nan)


# ----------------------------------------------------------------------------------------------------------
# scheduling

MACHINES = pd.DataFrame({"machine": [1, 2, 3], "work_center": ["9.38.20.F", "9.38.20.F", "7.30.28.C"]})
JOBS = pd.DataFrame({"job": ["K1", "K2", "K3", "K4", "K5"], "qty": [1200.0, 600.0, 600.0, 900.0, 300.0],
                     "style": ["A", "B", "B", "A", "A"],
                     "work_center": ["9.38.20.F"] * 4 + ["7.30.28.C"], "due": [2, 3, 1, 4, 5]})


def _schedule(eng, jobs, machines):
    s = bk_fast.schedule(jobs, machines, rates={"A": 600.0, "B": 300.0}, start="2025-09-05", setup=0.5,
                         rule="due", engine=eng)
    return [s.jobs, s.machines]


@pytest.mark.parametrize("target", ["jobs", "machines"])
@fuzz_settings(15)
@given(data=st.data())
def test_schedule(target, data):
    module_or_skip("bk_fast.scheduling")
    base = {"jobs": JOBS, "machines": MACHINES}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target], id_cols=("job", "machine", "work_center",
                                                                          "style")))
    fuzz_call("schedule", _schedule, frames, _frames_names(base) | {"rates", "jobs", "machines"}, base, may_nan)


@fuzz_settings(30)
@given(p=st.lists(st.one_of(st.sampled_from(FINITE + [math.nan, math.inf]), st.integers(-5, 50)), max_size=8),
       d=st.lists(st.one_of(st.sampled_from(FINITE + [math.nan, -math.inf]), st.integers(-5, 80)), max_size=8))
def test_min_late_jobs(p, d):
    module_or_skip("bk_fast.scheduling")
    d = (d + [10] * len(p))[:len(p)] if len(d) < len(p) and len(p) % 3 else d

    def call(eng, processing, due):
        r = bk_fast.min_late_jobs(processing, due, engine=eng)
        return [r.sequence, r.on_time, r.n_late]

    ref = check_engines(lambda eng: call(eng, list(p), list(d)), ["processing", "due", "lengths"],
                        where="min_late_jobs")
    if ref.error is None:
        seq, on_time, n_late = ref.value
        assert int(n_late) == len(p) - int(np.sum(on_time))


# ----------------------------------------------------------------------------------------------------------
# io and compat


@fuzz_settings(40)
@given(v=st.lists(st.one_of(st.sampled_from(MISSING + FINITE), st.text(max_size=8),
                            st.floats().map(lambda x: f"({x:,.3f})")), max_size=10),
       kind=st.sampled_from(drawable(["list", "object", "string", "pyarrow", "category"])))
def test_parse_numbers(v, kind):
    io = module_or_skip("bk_fast.io")
    if kind == "list":
        values = list(v)
    elif kind == "object":
        values = pd.Series(v, dtype=object)
    else:
        try:
            values = pd.Series([x if isinstance(x, str) or x is None else str(x) for x in v],
                               dtype={"string": "string", "pyarrow": "string[pyarrow]", "category": "category"}[kind])
        except (TypeError, ValueError):
            return
    before = snapshot(values)
    check_engines(lambda eng: io.parse_numbers(values, engine=eng), ["values", "row"], where="parse_numbers")
    assert_unchanged(before, [values])


def _compat(eng, inventory, yarn, orders):
    from bk_fast.compat import DataFrameOptimizer as D

    return [D.optimize_planning_balance_calculation(inventory.copy(), engine=eng),
            D.optimize_shortage_detection(inventory.copy(), engine=eng),
            D.optimize_yarn_allocation(yarn, orders, engine=eng)]


@pytest.mark.parametrize("target", ["inventory", "yarn", "orders"])
@fuzz_settings(12)
@given(data=st.data())
def test_compat_dataframe_optimizer(target, data):
    module_or_skip("bk_fast.compat")
    from bk_fast.compat._synthetic import phase3_frames

    f = phase3_frames(8, seed=1)
    base = {"inventory": f["inventory"], "yarn": f["yarn"], "orders": f["orders"]}
    frames = dict(base)
    frames[target], may_nan = data.draw(mutation(base[target], id_cols=("yarn_id",)))
    # the drop-ins keep the original's quirks (NaN where the original had NaN): engine agreement only
    fuzz_call("DataFrameOptimizer", _compat, frames, _frames_names(base), base, True, contract_errors=True)

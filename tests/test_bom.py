"""BOM engine: compile, explode (aggregated and per line), roll-up, where-used, ERP adapters.

Every engine is compared with the numpy reference (bit for bit: they share one summation order), with a
naive recursive explosion, and with the acceptance cases B1-B5 of ACCEPTANCE.md.
"""

from __future__ import annotations

import copy
import time
import pickle
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

import bk_fast
from bk_fast import BOM, BOMCycleError
from bk_fast._engine import ENGINES, engine_status
from bk_fast._validate import plain
from bk_fast.erp import sales_to_greige, yarn_requirements

AVAILABLE = [e for e in ENGINES if engine_status(e).available]


def frame(rows, **extra):
    df = pd.DataFrame(rows, columns=["parent", "component", "qty_per"])
    for k, v in extra.items():
        df[k] = v
    return df


def demand(items, qty):
    return pd.DataFrame({"item": list(items), "qty": [float(x) for x in qty]})


def as_dict(out, key="item"):
    return dict(zip(out[key].tolist(), out["qty"].tolist()))


# ----------------------------------------------------------------------------------------------------------
# acceptance cases

B1 = frame([
    ("FG", "SubL1-1", 3), ("FG", "SubL1-2", 5), ("FG", "FG-Item1", 8),
    ("SubL1-1", "SubL2-1", 2), ("SubL1-1", "SubL2-2", 7), ("SubL1-1", "L1-1-Item1", 6),
    ("SubL2-1", "L2-1-Item1", 3), ("SubL2-1", "L2-1-Item2", 5),
    ("SubL2-2", "L2-2-Item1", 2), ("SubL2-2", "L2-2-Item2", 13),
    ("SubL1-2", "SubL2-3", 1), ("SubL1-2", "L1-2-Item1", 9),
    ("SubL2-3", "L2-3-Item1", 4), ("SubL2-3", "L2-3-Item2", 11),
])
B1_LEAVES = {"L2-1-Item1": 54, "L2-1-Item2": 90, "L2-2-Item1": 126, "L2-2-Item2": 819, "L1-1-Item1": 54,
             "L2-3-Item1": 60, "L2-3-Item2": 165, "L1-2-Item1": 135, "FG-Item1": 24}
B1_INTERMEDIATE = {"SubL1-1": 9, "SubL1-2": 15, "SubL2-1": 18, "SubL2-2": 63, "SubL2-3": 15}


def test_b1_three_level_shared_levels(engine):
    bom = BOM.from_frame(B1, engine=engine)
    out = bom.explode(demand(["FG"], [3]), engine=engine)
    assert as_dict(out) == B1_LEAVES
    assert list(out.columns) == ["item", "qty"]
    full = bom.explode(demand(["FG"], [3]), leaves_only=False, engine=engine)
    got = as_dict(full)
    assert got == {**B1_LEAVES, **B1_INTERMEDIATE, "FG": 3}
    levels = dict(zip(full["item"], full["level"]))
    assert levels["FG"] == 0 and levels["SubL1-1"] == 1 and levels["SubL2-2"] == 2 and levels["L2-2-Item2"] == 3
    assert levels["FG-Item1"] == 1
    leaf = dict(zip(full["item"], full["leaf"]))
    assert leaf["FG-Item1"] and not leaf["SubL2-3"]
    # rows in level order
    assert full["level"].is_monotonic_increasing


def test_b2_chain(engine):
    bom = BOM.from_frame(frame([("BOM1", "BOM2", 2), ("BOM2", "BOM3", 3), ("BOM3", "RM", 3)]), engine=engine)
    out = bom.explode(demand(["BOM1"], [3]), leaves_only=False, engine=engine)
    assert as_dict(out) == {"BOM1": 3, "BOM2": 6, "BOM3": 18, "RM": 54}
    assert out["level"].tolist() == [0, 1, 2, 3]


def test_b3_attrition(engine):
    bom = BOM.from_frame(frame([("P", "C", 300)], loss=[0.05]), loss="loss", engine=engine)
    out = bom.explode(demand(["P"], [10]), engine=engine)
    assert out["qty"].tolist() == pytest.approx([3150.0], rel=1e-15)
    # the efficiency form is loss = 1/yield - 1, named, never guessed
    assert bom.rollup({"C": 1.0}, engine=engine)["P"] == pytest.approx(315.0)


@pytest.mark.parametrize("rows, cycle", [
    ([("X", "X", 1)], ["X"]),
    ([("A", "B", 1), ("B", "A", 1)], ["A", "B"]),
    ([("A", "B", 10), ("B", "C", 10), ("C", "A", 1)], ["A", "B", "C"]),
    ([("R", "A", 1), ("A", "B", 10), ("B", "C", 10), ("C", "A", 1), ("C", "Z", 1), ("R", "Z", 1)],
     ["A", "B", "C"]),
])
def test_b4_cycles_name_their_items(engine, rows, cycle):
    with pytest.raises(BOMCycleError) as info:
        BOM.from_frame(frame(rows), engine=engine)
    assert info.value.cycle == cycle
    assert " -> ".join(repr(x) for x in cycle + cycle[:1]) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_b4_cycle_below_a_long_chain(engine):
    n = 2000
    rows = [(f"N{i}", f"N{i + 1}", 1) for i in range(n)] + [(f"N{n}", f"N{n - 2}", 1)]
    with pytest.raises(BOMCycleError) as info:
        BOM.from_frame(frame(rows), engine=engine)
    assert info.value.cycle == [f"N{n - 2}", f"N{n - 1}", f"N{n}"]


def test_b4_chain_10000_levels(engine):
    n = 10_000
    ids = np.arange(n + 1)
    df = pd.DataFrame({"parent": ids[:-1], "component": ids[1:], "qty_per": np.where(ids[:-1] % 2, 2.0, 0.5)})
    bom = BOM.from_frame(df, engine=engine)
    assert bom.n_levels == n + 1
    assert bom.low_level_code.loc[n] == n
    out = bom.explode(demand([0], [3.0]), engine=engine)
    assert out["item"].tolist() == [n] and out["qty"].tolist() == [3.0]
    full = bom.explode(demand([0], [1.0]), leaves_only=False, engine=engine)
    assert len(full) == n + 1
    lines = bom.explode(demand([0, 5000], [1.0, 2.0]), by_line=True, engine=engine)
    assert lines["qty"].tolist() == [1.0, 2.0]
    cost = bom.rollup({n: 7.0}, engine=engine)
    assert cost.loc[0] == 7.0
    used = bom.where_used(n, engine=engine)
    assert len(used) == n and used["qty"].isin([1.0, 2.0]).all() and used["direct"].sum() == 1
    assert used["qty"].iloc[0] == 1.0  # 0.5 x 2 x 0.5 x 2 ... exactly


def test_b5_knit_order_yarn_demand(engine):
    bom = pd.DataFrame({"Style#": ["125792/1", "125792/1", "180001/20ST2"], "Desc#": [18767.0, 18929.0, 19003.0],
                        "BOM_Percentage": [0.914, 0.086, 0.131]})
    kos = pd.DataFrame({"Order #": ["K2508066", "K2508067"], "Style #": ["125792/1", "180001/20ST2"],
                        "Balance (lbs)": [1048.1, 14210.4]})
    res = yarn_requirements(kos, bom, engine=engine)
    got = {(o, y): v for o, y, v in zip(res.by_order["Order #"], res.by_order["Desc#"], res.by_order["lbs"])}
    assert got == {("K2508066", 18767): pytest.approx(957.9634, abs=1e-9),
                   ("K2508066", 18929): pytest.approx(90.1366, abs=1e-9),
                   ("K2508067", 19003): pytest.approx(1861.5624, abs=1e-9)}
    # exactly the ERP's float expression, balance x fraction
    assert got[("K2508066", 18767)] == 1048.1 * 0.914
    assert res.by_yarn["Desc#"].tolist() == [18767, 18929, 19003]
    assert res.unmatched.empty


# ----------------------------------------------------------------------------------------------------------
# semantics


def test_duplicates_add_up_and_multi_path_sums(engine):
    df = frame([("A", "B", 2), ("A", "C", 1), ("B", "D", 3), ("C", "D", 5), ("A", "D", 1), ("A", "D", 0.5)])
    bom = BOM.from_frame(df, engine=engine)
    assert bom.n_edges == 5
    out = bom.explode(demand(["A"], [2]), engine=engine)
    # D: 2 x (2*3 + 1*5 + 1 + 0.5)
    assert as_dict(out) == {"D": 2 * (6 + 5 + 1.5)}
    assert bom.where_used("D", engine=engine).set_index("parent")["qty"].to_dict() == {"A": 12.5, "B": 3.0,
                                                                                        "C": 5.0}


def test_per_factor_percent(engine):
    df = pd.DataFrame({"parent": ["P", "P"], "component": ["Y", "Z"], "qty_per": [50.0, 10.0],
                       "per": [100.0, 1.0], "loss": [np.nan, 0.1], "factor": [2.0, np.nan]})
    bom = BOM.from_frame(df, per="per", loss="loss", factor="factor", scale="percent", engine=engine)
    out = bom.explode(demand(["P"], [100]), engine=engine)
    assert as_dict(out) == {"Y": pytest.approx(100 * 0.5 / 100 * 2.0), "Z": pytest.approx(100 * 0.1 * 1.1)}
    bom2 = BOM.from_frame(df, per=4, loss=0.5, engine=engine)
    assert bom2.qty.tolist() == pytest.approx([50 / 4 * 1.5, 10 / 4 * 1.5])


def test_phantom_is_exploded_through_not_reported(engine):
    df = frame([("FG", "PH", 2), ("PH", "Y", 3), ("FG", "SUB", 1), ("SUB", "Y", 1)])
    bom = BOM.from_frame(df, phantom=["PH"], engine=engine)
    full = bom.explode(demand(["FG"], [1]), leaves_only=False, engine=engine)
    assert as_dict(full) == {"FG": 1, "SUB": 1, "Y": 7}
    flagged = BOM.from_frame(df.assign(ph=[True, False, False, False]), phantom="ph", engine=engine)
    assert flagged.is_phantom.tolist() == bom.is_phantom.tolist()
    assert_frame_equal(flagged.explode(demand(["FG"], [1]), leaves_only=False, engine=engine), full)
    with pytest.raises(ValueError, match="phantom items must have components"):
        BOM.from_frame(df, phantom=["Y"], engine=engine)
    with pytest.raises(ValueError, match="not in the BOM"):
        BOM.from_frame(df, phantom=["NOPE"], engine=engine)
    with pytest.raises(ValueError, match="not a column"):
        BOM.from_frame(df, phantom="nocolumn", engine=engine)


def test_unmatched_reported_not_dropped(engine):
    bom = BOM.from_frame(frame([("A", "Y", 1)]), engine=engine)
    d = pd.DataFrame({"item": ["A", "ZZ", None, "ZZ", " A "], "qty": [1.0, 2.0, 3.0, 4.0, 5.0]})
    out = bom.explode(d, engine=engine)
    assert as_dict(out) == {"Y": 6.0}
    um = out.bk_fast.unmatched
    assert um["item"].tolist()[0] == "ZZ" and um["qty"].tolist() == [6.0, 3.0] and um["lines"].tolist() == [2, 1]
    assert pd.isna(um["item"].tolist()[1])
    lines = bom.explode(d, by_line=True, engine=engine)
    assert lines["line"].tolist() == [0, 4] and lines["qty"].tolist() == [1.0, 5.0]
    assert lines.bk_fast.unmatched["qty"].tolist() == [6.0, 3.0]


def test_unmatched_survives_pandas_and_results_concat():
    """The unmatched demand rides in ``attrs`` as a holder pandas can compare: results concatenate (a DataFrame in
    ``attrs`` made pd.concat raise "truth value ... ambiguous"), selections and pickling keep it, and the
    accessor hands out a copy."""
    import pickle

    bom = BOM.from_frame(frame([("A", "Y", 1), ("B", "Z", 2)]))
    a = bom.explode(demand(["A", "ZZ"], [1.0, 2.0]))
    b = bom.explode(demand(["B", "QQ"], [1.0, 3.0]))
    c = bom.explode(demand(["B", "ZZ"], [1.0, 2.0]))
    both = pd.concat([a, b], ignore_index=True)  # different unmatched demand: pandas drops the attrs
    assert as_dict(both) == {"Y": 1.0, "Z": 2.0}
    with pytest.raises(ValueError, match="carries no unmatched demand"):
        both.bk_fast.unmatched
    same = pd.concat([a, c], ignore_index=True)  # equal unmatched demand: kept, as pandas keeps equal attrs
    assert same.bk_fast.unmatched["item"].tolist() == ["ZZ"]
    assert pd.concat([a.assign(k=1), a]).merge(a, on="item").shape[0] == 2
    assert a[a["qty"] > 0].bk_fast.unmatched["qty"].tolist() == [2.0]
    assert pickle.loads(pickle.dumps(a)).bk_fast.unmatched["lines"].tolist() == [1]
    um = a.bk_fast.unmatched
    um.loc[0, "qty"] = 99.0
    assert a.bk_fast.unmatched["qty"].tolist() == [2.0]
    with pytest.raises(ValueError, match="carries no unmatched demand"):
        pd.DataFrame({"x": [1]}).bk_fast.unmatched


def test_demand_forms_and_levels(engine):
    bom = BOM.from_frame(B1, engine=engine)
    a = bom.explode(pd.Series({"FG": 3.0}), engine=engine)
    b = bom.explode({"FG": 3.0}, engine=engine)
    c = bom.explode(pd.DataFrame({"Style#": ["FG"], "quantity": [3]}), engine=engine)
    assert_frame_equal(a, b)
    assert_frame_equal(a, c)
    k = bom.explode({"FG": 3.0}, keep_levels=True, engine=engine)
    assert list(k.columns) == ["item", "qty", "level"]
    assert k["level"].max() == 3


def test_leaf_demand_and_zero_and_negative(engine):
    bom = BOM.from_frame(frame([("A", "Y", 2)]), engine=engine)
    out = bom.explode(demand(["Y", "A", "A"], [1, 0, -0.25]), engine=engine)
    assert as_dict(out) == {"Y": 0.5}
    zero = bom.explode(demand(["A"], [0]), engine=engine)
    assert as_dict(zero) == {"Y": 0.0}


def test_empty_demand_and_empty_bom(engine):
    bom = BOM.from_frame(B1, engine=engine)
    out = bom.explode(demand([], []), engine=engine)
    assert out.empty and list(out.columns) == ["item", "qty"]
    assert bom.explode(demand([], []), by_line=True, engine=engine).empty
    empty = BOM.from_frame(frame([]), engine=engine)
    assert empty.n_items == 0 and empty.n_levels == 0
    out = empty.explode(demand(["A"], [1]), engine=engine)
    assert out.empty and out.bk_fast.unmatched["qty"].tolist() == [1.0]
    assert empty.rollup({}, engine=engine).empty


def test_rollup(engine):
    bom = BOM.from_frame(B1, engine=engine)
    leaf_cost = {k: 1.0 for k in B1_LEAVES}
    cost = bom.rollup(leaf_cost, engine=engine)
    per_unit = {k: v / 3 for k, v in B1_LEAVES.items()}
    assert cost["FG"] == sum(per_unit.values())
    assert cost["SubL2-3"] == 15.0
    # own (value-added) cost of a parent is added; a missing leaf cost propagates as NaN
    cost2 = bom.rollup({**leaf_cost, "SubL2-3": 100.0}, engine=engine)
    assert cost2["SubL2-3"] == 115.0 and cost2["FG"] == cost["FG"] + 5 * 100.0
    partial = bom.rollup({"L2-3-Item1": 1.0}, engine=engine)
    assert np.isnan(partial["FG"]) and np.isnan(partial["SubL2-3"]) and partial["L2-3-Item1"] == 1.0
    zero = bom.rollup({"L2-3-Item1": 1.0}, missing=0.0, engine=engine)
    assert zero["SubL2-3"] == 4.0
    with pytest.raises(ValueError, match="several costs"):
        bom.rollup(pd.Series([1.0, 2.0], index=["FG-Item1", "FG-Item1"]))


def test_where_used(engine):
    bom = BOM.from_frame(B1, engine=engine)
    used = bom.where_used("L2-3-Item2", engine=engine)
    assert used["parent"].tolist() == ["FG", "SubL1-2", "SubL2-3"]
    assert used["qty"].tolist() == [55.0, 11.0, 11.0]
    assert used["direct"].tolist() == [False, False, True]
    assert bom.where_used("FG", engine=engine).empty
    with pytest.raises(KeyError):
        bom.where_used("nope")


def test_compiled_arrays_invariants():
    bom = BOM.from_frame(B1)
    n = bom.n_items
    assert bom.indptr.shape == (n + 1,) and bom.indptr[-1] == bom.n_edges
    assert np.all(bom.edge_parent < bom.indices)  # codes in low-level-code order
    assert np.all(bom.llc[bom.edge_parent] < bom.llc[bom.indices])
    assert np.all(np.diff(bom.llc) >= 0)
    for lev in range(bom.n_levels):
        assert np.all(bom.llc[bom.level_ptr[lev]:bom.level_ptr[lev + 1]] == lev)
    assert bom.codes(["FG", "nope"]).tolist() == [0, -1]
    with pytest.raises(ValueError):
        bom.qty[0] = 5.0
    assert bom.low_level_code["FG"] == 0


def test_to_frame_round_trip_and_pickle():
    df = pd.DataFrame({"parent": [" FG", "FG", "SUB", "FG", None], "component": ["SUB", "Y", "Y", "Y", None],
                       "qty_per": [200.0, 50.0, 30.0, 10.0, np.nan], "loss": [0.0, 0.1, np.nan, 0.0, np.nan]})
    bom = BOM.from_frame(df, loss="loss", scale="percent")
    f = bom.to_frame()
    assert len(f) == 4 and f["parent"].tolist()[0] == "FG"
    again = BOM.from_frame(f, per="per", loss="loss", factor="factor", phantom="phantom")
    assert_frame_equal(again.to_frame(), f)
    for name in ("indptr", "indices", "qty", "llc", "level_ptr", "is_leaf", "is_phantom"):
        np.testing.assert_array_equal(getattr(again, name), getattr(bom, name))
    assert again.items.equals(bom.items)
    clone = pickle.loads(pickle.dumps(bom))
    assert_frame_equal(clone.explode({"FG": 2.0}), bom.explode({"FG": 2.0}))


# ----------------------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("rows, match", [
    ([("A", "B", -1.0)], r"qty_per.*finite number >= 0.*\[0\]"),
    ([("A", "B", 1.0), ("A", "C", np.nan)], r"qty_per.*\[1\]"),
    ([("A", "B", np.inf)], r"qty_per"),
    ([("A", "", 1.0)], r"'component' has empty ids at rows \[0\]"),
    ([("A", "B", 1.0), (None, "B", 1.0)], r"'parent' has empty ids at rows \[1\]"),
    ([("A", "B", "abc")], r"qty_per"),
])
def test_bad_bom_rows_are_named(rows, match):
    with pytest.raises(ValueError, match=match):
        BOM.from_frame(frame(rows))


def test_bad_options():
    df = frame([("A", "B", 1.0)])
    with pytest.raises(ValueError, match=r"per.*> 0"):
        BOM.from_frame(df.assign(per=[0.0]), per="per")
    with pytest.raises(ValueError, match=r"loss.*>= 0"):
        BOM.from_frame(df, loss=-0.1)
    with pytest.raises(ValueError, match="scale"):
        BOM.from_frame(df, scale="percentage")
    with pytest.raises(ValueError, match="no parent column"):
        BOM.from_frame(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="'nope'"):
        BOM.from_frame(df, qty_per="nope")
    with pytest.raises(TypeError, match="DataFrame"):
        BOM.from_frame([("A", "B", 1.0)])
    bom = BOM.from_frame(df)
    with pytest.raises(ValueError, match=r"'qty'.*\[1\]"):
        bom.explode(demand(["A", "A"], [1.0, np.nan]))
    with pytest.raises(TypeError, match="demand"):
        bom.explode([("A", 1.0)])
    with pytest.raises(ValueError, match="codes"):
        bom.explode_dense(np.array([5]), np.array([1.0]))


def test_inputs_not_mutated(engine):
    df = pd.DataFrame({"Style#": [" S/1", "S/1", "T/2", None], "Desc#": [1.0, 2.0, 1.0, np.nan],
                       "BOM_Percentage": ["50", "50", "100", None]})
    d = pd.DataFrame({"item": [" S/1", "T/2", "X"], "qty": [1.0, 2.0, 3.0]}, index=[10, 11, 12])
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["S/1", "X/9"], "Balance (lbs)": ["1,000.5", None]})
    before = [copy.deepcopy(x) for x in (df, d, kos)]
    bom = BOM.from_frame(df, scale="percent", engine=engine)
    out = bom.explode(d, by_line=True, engine=engine)
    assert out["line"].tolist() == [10, 10, 11]
    bom.explode(d, engine=engine)
    res = yarn_requirements(kos, df, scale="percent", engine=engine)
    assert res.by_order["lbs"].tolist() == [500.25, 500.25]
    assert res.unmatched["Order #"].tolist() == ["K2"] and res.unmatched["Balance (lbs)"].tolist() == [0.0]
    for a, b in zip((df, d, kos), before):
        assert_frame_equal(a, b)


# ----------------------------------------------------------------------------------------------------------
# properties: random DAGs, every engine against the reference and a naive recursive explosion


#: qty_per of the generated BOMs: a few round values, two- to four-decimal ones, and a wide range (zero,
#: subnormal, tiny, large) within the contract (finite, >= 0)
QTY_KINDS = ("fixed", "decimal", "wide")


def _qty_per(rng, m, kind):
    if kind == "decimal":
        return np.round(rng.uniform(0, 5, m), int(rng.integers(1, 5)))
    if kind == "wide":
        return rng.choice([0.0, 5e-324, 1e-300, 1e-9, 0.914, 0.086, 1 / 3, 7.0, 1e3, 1e6], size=m)
    return rng.choice([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 0.1], size=m)


def random_dag(rng, n, density=2.0, int_ids=True, dup=0.05, qty="fixed"):
    """Random DAG over ``n`` items (edges from lower to higher rank, ids shuffled), with duplicate lines;
    ``qty``: the kind of qty_per (QTY_KINDS)."""
    m = int(n * density)
    a = rng.integers(0, n, m)
    b = rng.integers(0, n, m)
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    perm = rng.permutation(n)
    names = perm if int_ids else np.array([f"I{p}" for p in perm], dtype=object)
    qty = _qty_per(rng, lo.shape[0], qty)
    df = pd.DataFrame({"parent": names[lo], "component": names[hi], "qty_per": qty})
    if dup and len(df):
        df = pd.concat([df, df.sample(frac=dup, random_state=int(rng.integers(1 << 30)))], ignore_index=True)
    return df


def naive_explode(df, dem, magnitude=None):
    """Recursive explosion over the lines as given (duplicates and every path summed). ``magnitude``: a dict
    that receives, per item, the sum of the absolute values of the terms (the scale of the rounding error of
    any summation order, which matters when positive and negative demand cancel)."""
    children = {}
    for p, c, q in df[["parent", "component", "qty_per"]].itertuples(index=False):
        children.setdefault(p, []).append((c, q))
    total = {}
    mag = {} if magnitude is None else magnitude

    def walk(item, q):
        total[item] = total.get(item, 0.0) + q
        mag[item] = mag.get(item, 0.0) + abs(q)
        for c, m in children.get(item, ()):
            walk(c, q * m)

    known = set(df["parent"]) | set(df["component"])
    for item, q in dem:
        if item in known:
            walk(item, q)
    return total


@st.composite
def dag_cases(draw):
    seed = draw(st.integers(0, 2 ** 31))
    n = draw(st.integers(1, 40))
    rng = np.random.default_rng(seed)
    df = random_dag(rng, n, density=draw(st.floats(0.0, 3.0)), int_ids=draw(st.booleans()),
                    qty=draw(st.sampled_from(QTY_KINDS)))
    items = pd.unique(pd.concat([df["parent"], df["component"]])) if len(df) else np.array([0])
    k = draw(st.integers(0, 12))
    dem_items = list(rng.choice(items, k)) if k else []
    qty = draw(st.lists(st.sampled_from([0.0, 1.0, 2.5, -1.0, 1e-300, 1e300, 7.0, 3.0, 1048.1, 0.3]), min_size=k,
                        max_size=k))
    return df, demand(dem_items, qty)


@st.composite
def bom_options(draw, df):
    """Options of BOM.from_frame for the lines ``df``: loss / per / factor (a column, a number or none), the
    percent scale, phantom items (a flag column or a list of ids). Returns (lines, kwargs, the multiplier of
    every line as from_frame documents it, the phantom items)."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 31)))
    df, kwargs, m = df.copy(), {}, len(df)
    parts = {}
    for name, column, number in (("loss", [0.0, 0.05, 0.1, 1 / 3, 0.0, np.nan], 0.02),
                                 ("per", [1.0, 1.0, 2.0, 12.0, 0.3], 4.0),
                                 ("factor", [1.0, 0.4536, 2.2046, 1.0, np.nan], 0.5)):
        how = draw(st.sampled_from(["none", "none", "column", "number"]))
        if how == "column":
            df[name] = rng.choice(column, m)
            kwargs[name] = name
            parts[name] = df[name].to_numpy()
        elif how == "number":
            kwargs[name] = number
            parts[name] = np.full(m, number)
    # empty loss cells count 0, empty factor cells 1 (per has no NaN here: an empty per is an error)
    loss = np.nan_to_num(parts.get("loss", np.zeros(m)), nan=0.0)
    factor = np.where(np.isnan(parts.get("factor", np.ones(m))), 1.0, parts.get("factor", np.ones(m)))
    per = parts.get("per", np.ones(m))
    qfrac = df["qty_per"].to_numpy(dtype=float)
    if draw(st.booleans()):
        kwargs["scale"] = "percent"
        df["qty_per"] = qfrac * 100.0
        qfrac = df["qty_per"].to_numpy() / 100.0
    mult = qfrac / per * (1.0 + loss) * factor
    phantoms = []
    parents = pd.unique(df["parent"]) if m else []
    components = set(df["component"]) if m else set()
    candidates = [p for p in parents if p in components]  # with components, and reached from another item
    how = draw(st.sampled_from(["none", "none", "ids", "column"]))
    if candidates and how != "none":
        phantoms = list(rng.choice(np.array(candidates, dtype=object), min(len(candidates), 3), replace=False))
        if how == "ids":
            kwargs["phantom"] = phantoms
        else:
            flag = df["component"].isin(phantoms)
            df["phantom"] = np.where(flag, rng.choice(["Y", "yes", "1", "True"], m),
                                     rng.choice(["N", "", "no", "0"], m))
            df.loc[~flag & (df["phantom"] == ""), "phantom"] = None
            kwargs["phantom"] = "phantom"
    return df, kwargs, mult, set(phantoms)


def _outcome(call):
    """(result, None) or (None, the ValueError raised)."""
    try:
        return call(), None
    except ValueError as exc:
        return None, exc


def _same_outcome(got, exp, where):
    if exp[1] is not None or got[1] is not None:
        assert (type(got[1]), str(got[1])) == (type(exp[1]), str(exp[1])), where
    elif isinstance(exp[0], pd.Series):
        assert_series_equal(got[0], exp[0], obj=where)
    else:
        assert_frame_equal(got[0], exp[0], obj=where)
        assert_frame_equal(got[0].bk_fast.unmatched, exp[0].bk_fast.unmatched, obj=where)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=dag_cases(), data=st.data())
def test_engines_equal_reference_and_naive(case, data):
    df, d = case
    df, options, mult, phantoms = data.draw(bom_options(df))
    ref = BOM.from_frame(df, engine="numpy", **options)
    expected = {}
    for mode in ({}, {"leaves_only": False}, {"by_line": True}, {"by_line": True, "leaves_only": False}):
        expected[str(mode)] = _outcome(lambda: ref.explode(d, engine="numpy", **mode))
    mag = {}
    lines = pd.DataFrame({"parent": df["parent"], "component": df["component"], "qty_per": mult})
    naive = naive_explode(lines, zip(d["item"], d["qty"]), mag) if len(df) < 60 else None
    if naive is not None and len(d):
        naive = {k: v for k, v in naive.items() if k not in phantoms}  # exploded through, never reported
        full, error = expected[str({"leaves_only": False})]
        if error is not None:  # an item's quantity overflows (documented ValueError naming the item)
            assert "overflows the float range" in str(error)
            assert not all(np.isfinite(v) for v in naive.values()) or \
                not all(np.isfinite(v) for v in mag.values())
        else:
            got = dict(zip(full["item"].tolist(), full["qty"].tolist()))
            assert set(got) == set(naive)
            for k, v in naive.items():
                # another summation order: equal within rounding relative to the terms' magnitude (demand of +1
                # and -1 cancels to 0 in one order and to 4e-16 in another)
                assert got[k] == pytest.approx(v, rel=1e-12, abs=max(1e-300, 1e-12 * mag[k]))
    costs = pd.Series(np.arange(ref.n_items, dtype=float) + 0.5, index=ref.items)
    ref_cost = _outcome(lambda: ref.rollup(costs, engine="numpy"))
    for eng in AVAILABLE:
        bom = BOM.from_frame(df, engine=eng, **options)
        np.testing.assert_array_equal(bom.llc, ref.llc)
        np.testing.assert_array_equal(bom.is_phantom, ref.is_phantom)
        assert set(bom.items[bom.is_phantom]) == phantoms
        for mode, exp in expected.items():
            _same_outcome(_outcome(lambda: bom.explode(d, engine=eng, **eval(mode))), exp, f"{eng} {mode}")
        _same_outcome(_outcome(lambda: bom.rollup(costs, engine=eng)), ref_cost, f"{eng} rollup")
        if ref.n_items:
            it = ref.items[-1]
            assert_frame_equal(bom.where_used(it, engine=eng), ref.where_used(it, engine="numpy"))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 31), a=st.sampled_from([0.0, 0.5, 2.0, -3.0, 1e6]))
def test_explosion_is_linear(seed, a):
    rng = np.random.default_rng(seed)
    df = random_dag(rng, 30, 2.5, dup=0.0)
    bom = BOM.from_frame(df)
    items = bom.items.to_numpy()
    d1 = demand(rng.choice(items, 5), rng.integers(0, 100, 5))
    d2 = demand(rng.choice(items, 5), rng.integers(0, 100, 5))
    n = bom.n_items
    r1, t1 = bom.explode_dense(bom.codes(d1["item"]), d1["qty"].to_numpy())
    r2, t2 = bom.explode_dense(bom.codes(d2["item"]), d2["qty"].to_numpy())
    both = pd.concat([d1.assign(qty=d1["qty"] * a), d2], ignore_index=True)
    r, t = bom.explode_dense(bom.codes(both["item"]), both["qty"].to_numpy())
    np.testing.assert_allclose(r, a * r1 + r2, rtol=1e-12, atol=1e-9)
    assert np.array_equal(t, t1 | t2) and r.shape == (n,)
    # by_line rows add up to the aggregated explosion
    lines = bom.explode(both, by_line=True, leaves_only=False)
    agg = bom.explode(both, leaves_only=False)
    s = lines.groupby("item", sort=False)["qty"].sum()
    np.testing.assert_allclose(s.reindex(agg["item"]).to_numpy(), agg["qty"].to_numpy(), rtol=1e-12, atol=1e-6)


def test_large_random_dag_100k(engine):
    rng = np.random.default_rng(7)
    n = 100_000
    df = random_dag(rng, n, density=3.0, dup=0.01)
    bom = BOM.from_frame(df, engine=engine)
    assert bom.n_items <= n and np.all(bom.edge_parent < bom.indices)
    d = demand(rng.choice(bom.items.to_numpy()[:2000], 5000), rng.random(5000))
    out = bom.explode(d, engine=engine)
    assert len(out) > 0 and np.isfinite(out["qty"]).all()
    # mass check: with every qty_per = 1 and no duplicates, leaf totals count weighted paths
    if engine != "numpy":
        ref = BOM.from_frame(df, engine="numpy")
        assert_frame_equal(out, ref.explode(d, engine="numpy"))


def test_int_lookup_and_hashed_paths_agree(engine):
    df = pd.DataFrame({"parent": [5, 5, 7], "component": [7, 9, 11], "qty_per": [2.0, 1.0, 3.0]})
    bom = BOM.from_frame(df, engine=engine)
    d_int = pd.DataFrame({"item": [5, 7, -3, 10 ** 12, 11], "qty": [1.0, 2.0, 3.0, 4.0, 5.0]})
    d_float = d_int.assign(item=d_int["item"].astype(float))
    d_obj = d_int.assign(item=d_int["item"].astype(object))
    a = bom.explode(d_int, engine=engine)
    for other in (d_float, d_obj):
        assert_frame_equal(bom.explode(other, engine=engine), a)
    assert as_dict(a) == {9: 1.0, 11: 6.0 + 3 * 2 + 5}
    assert sorted(a.bk_fast.unmatched["item"].tolist()) == [-3, 10 ** 12]


# ----------------------------------------------------------------------------------------------------------
# ERP adapters and the demo


def test_yarn_requirements_on_mill(engine, mill):
    kos, bom_df = mill["knit_orders"], mill["bom"]
    res = yarn_requirements(kos, bom_df, engine=engine)
    # the ERP's nested loop, transcribed
    b = bom_df.dropna(how="all").copy()
    b["Style#"] = b["Style#"].str.strip()
    expect = {}
    for _, ko in kos.iterrows():
        bal = 0.0 if pd.isna(ko["Balance (lbs)"]) else ko["Balance (lbs)"]
        for _, row in b[b["Style#"] == ko["Style #"].strip()].iterrows():
            key = (ko["Order #"], int(row["Desc#"]))
            expect[key] = expect.get(key, 0.0) + bal * row["BOM_Percentage"]
    got = {(o, y): v for o, y, v in zip(res.by_order["Order #"], res.by_order["Desc#"], res.by_order["lbs"])}
    assert set(got) == set(expect)
    for k, v in expect.items():
        assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-9)
    per_yarn = res.by_order.groupby("Desc#")["lbs"].sum()
    np.testing.assert_allclose(res.by_yarn.set_index("Desc#")["lbs"].reindex(per_yarn.index), per_yarn,
                               rtol=1e-12)
    missing = ~kos["Style #"].str.strip().isin(set(b["Style#"]))
    assert sorted(res.unmatched["Order #"]) == sorted(kos.loc[missing, "Order #"])
    assert res.by_order["Desc#"].dtype.kind == "i"
    opened = yarn_requirements(kos, BOM.from_frame(bom_df, engine=engine), open_only=True, engine=engine)
    assert opened.by_order["lbs"].gt(0).all() or opened.by_order.empty


def test_sales_to_greige(mill):
    res = sales_to_greige(mill["sales_orders"], mill["style_master"], mill["bom"])
    lines = res.lines
    assert len(lines) > 0
    # split preserves every mapped sales line's total
    sums = lines.groupby("line")["qty"].sum()
    ordered = mill["sales_orders"]["Ordered"].to_numpy()
    np.testing.assert_allclose(sums.to_numpy(), ordered[sums.index.to_numpy()], rtol=1e-12)
    assert (lines["Style#"].str.split("/").str[0].str.strip() == lines["gBase"]).all()
    assert len(sums) + len(res.unmatched) == len(mill["sales_orders"])
    full = sales_to_greige(mill["sales_orders"], mill["style_master"], mill["bom"], how="all")
    assert (full["qty"] if isinstance(full, pd.DataFrame) else full.lines["qty"]).ge(lines["qty"]).all()
    demand_ = bk_fast.BOM.from_frame(mill["bom"]).explode(lines, item="Style#", qty="qty")
    assert demand_["qty"].sum() > 0


def test_demo_step(engine, mill):
    from bk_fast.bom import _demo_step

    rep = _demo_step(mill, engine)
    assert "knit orders" in rep.lines[0] and len(rep.table) > 0
    assert rep.table["lbs"].is_monotonic_decreasing


def test_int_ids_bad_quantities_named(engine):
    bom = BOM.from_frame(pd.DataFrame({"parent": [1, 1], "component": [2, 3], "qty_per": [1e300, 1.0]}),
                         engine=engine)
    for qty in ([1.0, np.nan], [1.0, np.inf]):
        with pytest.raises(ValueError, match=r"'qty'.*\[1\]"):
            bom.explode(pd.DataFrame({"item": [1, 1], "qty": qty}), engine=engine)
    with pytest.raises(ValueError, match=r"'qty'.*\[1\]"):  # on a line whose item is not in the BOM
        bom.explode(pd.DataFrame({"item": [1, 99], "qty": [1.0, np.nan]}), engine=engine)
    # finite demand whose requirement overflows: an error naming the item (it was reported as inf; the README's
    # error table asks for an error where the computation cannot give a true answer, as mrp gives)
    with pytest.raises(ValueError, match="item 2 overflows the float range"):
        bom.explode(pd.DataFrame({"item": [1], "qty": [1e10]}), engine=engine)


@pytest.fixture(scope="module")
def many_tops():
    """A shallow BOM with > 4096 distinct demanded items and > 2**18 output rows (numba's parallel path)."""
    rng = np.random.default_rng(11)
    n_top, n_mid, n_leaf = 6000, 3000, 2000
    p = np.r_[np.repeat(np.arange(n_top), 6), np.repeat(np.arange(n_top, n_top + n_mid), 5)]
    c = np.r_[rng.integers(n_top, n_top + n_mid + n_leaf, n_top * 6),
              rng.integers(n_top + n_mid, n_top + n_mid + n_leaf, n_mid * 5)]
    df = pd.DataFrame({"parent": p, "component": c, "qty_per": rng.integers(1, 9, p.size) / 4})
    d = demand(rng.integers(0, n_top, 16_000), rng.integers(1, 50, 16_000))
    ref = BOM.from_frame(df, engine="numpy")
    return df, d, ref.explode(d, by_line=True, engine="numpy")


def test_by_line_many_tops_parallel_path(fast_engine, many_tops):
    df, d, expected = many_tops
    assert d["item"].nunique() > 4096 and len(expected) > 2 ** 18
    got = BOM.from_frame(df, engine=fast_engine).explode(d, by_line=True, engine=fast_engine)
    assert_frame_equal(got, expected)


@pytest.mark.parametrize("by_line", [False, True])
def test_many_text_ids_factorized_path(engine, by_line):
    """More than one chunk of text ids goes through factorize + map of the distinct ids."""
    bom = BOM.from_frame(B1, engine=engine)
    rng = np.random.default_rng(5)
    pool = np.array(["FG", " SubL1-1", "SubL2-3 ", "L2-3-Item1", "nope", "", None], dtype=object)
    items = pool[rng.integers(0, len(pool), 20_000)]
    qty = rng.integers(0, 5, 20_000).astype(float)
    d = pd.DataFrame({"item": pd.array(items, dtype="str"), "qty": qty})
    out = bom.explode(d, by_line=by_line, engine=engine)
    # the same demand mapped one id at a time
    codes = bom.codes(list(items))
    if by_line:
        line, code, q = bom.explode_lines(codes, qty, engine=engine)
        assert out["line"].tolist() == line.tolist() and out["qty"].tolist() == q.tolist()
        assert out["item"].tolist() == bom.items.take(code).tolist()
    else:
        req, touched = bom.explode_dense(codes, qty, engine=engine)
        keep = touched & bom.is_leaf
        assert as_dict(out) == dict(zip(bom.items[keep].tolist(), req[keep].tolist()))
    um = out.bk_fast.unmatched
    assert um["lines"].sum() == int((codes < 0).sum())
    assert "nope" in um["item"].tolist() and um["item"].isna().any()
    assert um["qty"].sum() == qty[codes < 0].sum()


@pytest.mark.parametrize("bad", [10 ** 19, 2 ** 64, 1e308])
def test_ids_beyond_int64_are_plain_ids(engine, bad):
    lines = pd.DataFrame({"parent": [bad, "FG"], "component": ["SUB", "Y1"], "qty_per": [2.0, 0.5]})
    bom = BOM.from_frame(lines, engine=engine)
    assert bom.items.tolist()[0] == bad
    assert as_dict(bom.explode({bad: 1.0, "FG": 2.0}, engine=engine)) == {"SUB": 2.0, "Y1": 1.0}
    big = pd.DataFrame({"parent": np.array([2 ** 63 + 5, 1], dtype=np.uint64),
                        "component": np.array([7, 8], dtype=np.uint64), "qty_per": [1.0, 2.0]})
    big_bom = BOM.from_frame(big, engine=engine)
    assert as_dict(big_bom.explode({2 ** 63 + 5: 1.0, 1: 1.0}, engine=engine)) == {7: 1.0, 8: 2.0}


@pytest.mark.parametrize("text", [False, True])
def test_strided_demand_columns(engine, text):
    lines = pd.DataFrame({"parent": [1, 1, 2], "component": [2, 3, 10], "qty_per": [2.0, 1.0, 0.5]})
    d = pd.DataFrame({"item": [1, 2, 3, 1], "qty": [10.0, 4.0, 1.0, 2.5]})
    if text:
        lines = lines.astype({"parent": str, "component": str})
        d = d.astype({"item": str})
    bom = BOM.from_frame(lines, engine=engine)
    rev = d.iloc[::-1]
    assert_frame_equal(bom.explode(rev, engine=engine), bom.explode(rev.copy(), engine=engine))
    assert_frame_equal(bom.explode(rev, by_line=True, engine=engine),
                       bom.explode(rev.copy(), by_line=True, engine=engine))


# ----------------------------------------------------------------------------------------------------------
# review fixes (session 5)


def test_uint64_ids_beyond_int64_do_not_alias_negative_ints(engine):
    """uint64 id 2**64-1 was cast to int64 -1 in the integer lookup: the int64 id -1 found it."""
    big = pd.DataFrame({"parent": np.array([2 ** 64 - 1, 1], dtype=np.uint64),
                        "component": np.array([7, 8], dtype=np.uint64), "qty_per": [1.0, 2.0]})
    bom = BOM.from_frame(big, engine=engine)
    assert bom.codes([-1]).tolist() == [-1] and bom.codes(np.array([-1, 1])).tolist() == [-1, 1]
    assert bom.codes(pd.Series([-1, 7], dtype="int8")).tolist() == [-1, bom.codes([7])[0]]
    d = pd.DataFrame({"item": np.array([-1, 1], dtype=np.int64), "qty": [5.0, 1.0]})
    for by_line in (False, True):
        out = bom.explode(d, by_line=by_line, engine=engine)
        assert as_dict(out) == {8: 2.0}
        assert out.bk_fast.unmatched[["item", "qty"]].values.tolist() == [[-1, 5.0]]
    # the big id itself is still found (as a Python int or a uint64 array)
    assert as_dict(bom.explode({2 ** 64 - 1: 3.0}, engine=engine)) == {7: 3.0}
    assert as_dict(bom.explode(pd.DataFrame({"item": np.array([2 ** 64 - 1], dtype=np.uint64), "qty": [2.0]}),
                               engine=engine)) == {7: 2.0}


def test_nullable_int_ids_with_missing_stay_exact(engine):
    """Int64 ids with <NA> went through float64: 2**60 (not in the BOM) was read as 2**60 + 1."""
    lines = pd.DataFrame({"parent": pd.array([2 ** 60 + 1, None, 5], dtype="Int64"),
                          "component": pd.array([7, None, 8], dtype="Int64"), "qty_per": [1.0, np.nan, 1.0]})
    bom = BOM.from_frame(lines, engine=engine)  # the all-empty row is skipped
    assert bom.items.tolist() == [2 ** 60 + 1, 5, 7, 8]
    d = pd.DataFrame({"item": pd.array([2 ** 60, None, 2 ** 60 + 1, 99], dtype="Int64"),
                      "qty": [1.0, 2.0, 3.0, 4.0]})
    for by_line in (False, True):
        out = bom.explode(d, by_line=by_line, engine=engine)
        assert out["qty"].sum() == 3.0 and set(out["item"]) == {7}
        um = out.bk_fast.unmatched
        # exact integer ids (not 1.152921504606847e+18 and 99.0), the missing one as None
        assert um["item"].tolist() == [2 ** 60, None, 99] and um["qty"].tolist() == [1.0, 2.0, 4.0]
        assert all(type(x) is int for x in um["item"].iloc[[0, 2]])


def test_yarn_requirements_missing_style_is_not_style_0(engine):
    bom = pd.DataFrame({"Style#": [101, 202], "Desc#": [1, 2], "BOM_Percentage": [0.5, 1.0]})
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": pd.array([101, None, 303], dtype="Int64"),
                        "Balance (lbs)": [10.0, 20.0, 30.0]}, index=[5, 5, 1])
    for k in (kos, kos.astype({"Style #": "float64"})):
        res = yarn_requirements(k, bom, engine=engine)
        assert res.unmatched["Order #"].tolist() == ["K2", "K3"]
        assert res.unmatched["Style #"].tolist() == [None, 303]
        assert res.by_order[["Order #", "Desc#", "lbs"]].values.tolist() == [["K1", 1, 5.0]]


def test_sales_to_greige_numeric_fstyle_ids():
    """Numeric fStyle# ids never matched the style master (keys compared as text on one side only)."""
    bom = pd.DataFrame({"Style#": ["125792/1", "125792/2", "180001/20ST2"], "Desc#": [1, 2, 1],
                        "BOM_Percentage": [1.0, 1.0, 1.0]})
    master = pd.DataFrame({"fStyle#": [5001, 5002, 5003], "gBase": [125792, 180001, 777]})
    sales = pd.DataFrame({"SO #": ["SO1", "SO2", "SO3"], "fStyle#": [5001, 5002, 9], "Ordered": [100.0, 30.0, 5.0]})
    for s, m in ((sales, master), (sales, master.astype({"fStyle#": str})),
                 (sales.astype({"fStyle#": str}), master), (sales.astype({"fStyle#": float}), master)):
        res = sales_to_greige(s, m, bom)
        assert res.lines[["line", "Style#", "qty"]].values.tolist() == [
            [0, "125792/1", 50.0], [0, "125792/2", 50.0], [1, "180001/20ST2", 30.0]]
        assert res.unmatched[["line", "reason"]].values.tolist() == [[2, "fStyle# not in style master"]]
    res = sales_to_greige(sales.assign(**{"fStyle#": [5001, None, 9]}), master, bom)
    assert res.unmatched["line"].tolist() == [1, 2] and pd.isna(res.unmatched["fStyle#"].iloc[0])


def test_phantom_flag_column_reads_erp_text_not_truthiness(engine):
    """ERP text "N" / "No" / "False" / "0" is truthy: every such line marked its component phantom."""
    lines = pd.DataFrame({"parent": ["FG", "FG", "PH", "PH"], "component": ["PH", "X", "Y1", "Y2"],
                          "qty_per": [1.0, 2.0, 0.5, 0.5]}, index=[10, 11, 12, 13])
    flags = {"text": [" yes", "N", "no ", "False"], "short": ["T", "f", "0", ""], "case": ["TRUE", None, np.nan, "  "],
             "yn": ["Y", "No", "n", "FALSE"], "str": pd.array(["Y", "n", None, "0"], dtype="str"),
             "string": pd.array(["1", "N", None, "F"], dtype="string"), "cat": pd.Categorical(["Yes", "N", "N", None]),
             "bool": [True, False, False, False], "boolean": pd.array([True, None, False, None], dtype="boolean"),
             "int": [1, 0, 0, 0], "Int64": pd.array([1, None, 0, None], dtype="Int64"),
             "float": [1.0, np.nan, 0.0, 0.0], "uint8": np.array([1, 0, 0, 0], dtype=np.uint8),
             "mixed": [True, 0, "N", None]}
    before = lines.assign(ph=flags["text"]).copy(deep=True)
    for name, flag in flags.items():
        bom = BOM.from_frame(lines.assign(ph=flag), phantom="ph", engine=engine)
        assert bom.items.tolist() == ["FG", "PH", "X", "Y1", "Y2"], name
        assert bom.is_phantom.tolist() == [False, True, False, False, False], name
        out = as_dict(bom.explode(demand(["FG"], [10.0]), engine=engine))
        assert out == {"X": 20.0, "Y1": 5.0, "Y2": 5.0}, name
    assert_frame_equal(lines.assign(ph=flags["text"]), before)
    for bad, shown in ((["Y", "maybe", "N", "N"], "'maybe'"), ([1, 2, 0, 0], "2"), ([1.0, 0.5, 0.0, 0.0], "0.5"),
                       ([True, "x", 0, 0], "'x'"), (["Y", "-1", "N", "N"], "'-1'")):
        with pytest.raises(ValueError, match=rf"bom column 'ph' row 11 \(position 1\): {shown} is not a phantom "
                                             r"flag; accepted: .*Y/N, Yes/No, True/False, T/F, 1/0"):
            BOM.from_frame(lines.assign(ph=bad), phantom="ph", engine=engine)
    # a skipped trailing export row is not read; a repeated flag column is named
    tail = pd.DataFrame({"parent": [None], "component": [None], "qty_per": [np.nan], "ph": ["?"]}, index=[99])
    bom = BOM.from_frame(pd.concat([lines.assign(ph=["Y", "N", "N", "N"]), tail]), phantom="ph", engine=engine)
    assert bom.is_phantom.tolist() == [False, True, False, False, False]
    two = pd.concat([lines, pd.DataFrame({"a": ["Y", "N", "N", "N"], "b": ["N"] * 4}, index=lines.index)], axis=1)
    with pytest.raises(ValueError, match="several columns labelled 'ph'"):
        BOM.from_frame(two.rename(columns={"a": "ph", "b": "ph"}), phantom="ph", engine=engine)


def test_float_ids_beyond_2_53_never_match_integer_ids(engine):
    """pandas matched float64 demand ids with the BOM's integer ids through float64: 2.0**60 exploded as item
    2**60 + 1 (and 2.0**63 as the uint64 id 2**63 + 1). A float id that is not a whole number below 2**53
    now matches no integer id: it is unmatched demand, like any unknown id; every engine agrees."""
    big = 2 ** 60 + 1
    bom = BOM.from_frame(pd.DataFrame({"parent": [big, big], "component": [5, 6], "qty_per": [1.0, 2.0]}),
                         engine=engine)
    assert bom.codes([2.0 ** 60]).tolist() == [-1]
    assert bom.codes(np.array([2.0 ** 60, 5.0, 1.5, 6.0])).tolist() == [-1, 1, -1, 2]
    assert bom.codes(pd.Series([2.0 ** 60, "x", 5.0], dtype=object)).tolist() == [-1, -1, 1]
    assert bom.codes([big, 5.0, 5]).tolist() == [0, 1, 1]  # integer ids in a list with floats stay exact
    dem = pd.DataFrame({"item": [2.0 ** 60, 5.0, 2.0 ** 60], "qty": [1.0, 2.0, 3.0]}, index=[7, 8, 9])
    before = dem.copy(deep=True)
    for eng in (engine, "numpy"):
        out = bom.explode(dem, engine=eng)
        assert as_dict(out) == {5: 2.0}
        un = out.bk_fast.unmatched
        assert un["item"].tolist() == [2.0 ** 60] and un["qty"].tolist() == [4.0] and un["lines"].tolist() == [2]
        by_line = bom.explode(dem, by_line=True, engine=eng)
        assert by_line.values.tolist() == [[8, 5, 2.0]]
        assert by_line.bk_fast.unmatched["qty"].tolist() == [4.0]
    assert_frame_equal(dem, before)
    # a mapping mixing integer and float keys keeps its integer ids exact (pandas would make them float64)
    out = bom.explode({big: 1.0, 5.5: 2.0}, engine=engine)
    assert as_dict(out) == {5: 1.0, 6: 2.0}
    assert out.bk_fast.unmatched["item"].tolist() == [5.5]
    assert bom.rollup(pd.Series([7.0, 1.0, 1.0], index=[2.0 ** 60, 5, 6]), engine=engine)[big] == 3.0
    # uint64 ids beyond int64; a BOM of text and integer ids; float ids of the BOM still match float ids
    ubom = BOM.from_frame(pd.DataFrame({"parent": np.array([2 ** 63 + 1], dtype=np.uint64),
                                        "component": np.array([5], dtype=np.uint64), "qty_per": [1.0]}),
                          engine=engine)
    assert ubom.codes([2.0 ** 63]).tolist() == [-1]
    assert ubom.codes(np.array([2.0 ** 63, 5.0])).tolist() == [-1, 1]
    mixed = BOM.from_frame(pd.DataFrame({"parent": ["A", 2 ** 60], "component": [2 ** 60, 5],
                                         "qty_per": [1.0, 1.0]}), engine=engine)
    assert mixed.codes([2.0 ** 60, "A", 5.0]).tolist() == [-1, 0, 2]
    fbom = BOM.from_frame(pd.DataFrame({"parent": [2.0 ** 60], "component": [2.0], "qty_per": [3.0]}),
                          engine=engine)
    assert fbom.codes([2.0 ** 60, 2, big]).tolist() == [0, 1, -1]
    assert as_dict(fbom.explode(pd.DataFrame({"item": [2.0 ** 60], "qty": [1.0]}), engine=engine)) == {2: 3.0}


def test_a_list_or_mapping_of_integer_ids_beside_a_missing_id_stays_exact(engine):
    """A list (or a mapping's keys) of Python integer ids with a missing one: pandas made it float64, so the
    id 2**53 + 1 was read as the float 2**53 and matched nothing (review 51, pre-existing), where the same ids
    in an object Series or an Int64 array matched. Now exact; the missing id stays unmatched."""
    big = 2 ** 53 + 1
    bom = BOM.from_frame(pd.DataFrame({"parent": [big, 5], "component": [7, 8], "qty_per": [1.0, 2.0]}),
                         engine=engine)
    for missing in (None, np.nan, pd.NA):
        assert bom.codes([big, missing]).tolist() == [0, -1]
        assert bom.codes([missing, 2 ** 53]).tolist() == [-1, -1]  # (2**53 is no item)
        assert bom.codes([5, missing]).tolist() == [1, -1]
    assert bom.codes(pd.Series([big, None], dtype=object)).tolist() == [0, -1]
    assert bom.codes(pd.array([big, None], dtype="Int64")).tolist() == [0, -1]
    out = bom.explode({big: 3.0, None: 2.0}, engine=engine)
    assert as_dict(out) == {7: 3.0}
    assert out.bk_fast.unmatched[["qty", "lines"]].values.tolist() == [[2.0, 1]]
    assert out.bk_fast.unmatched["item"].isna().all()
    assert as_dict(bom.explode({5: 1.0, None: 2.0}, engine=engine)) == {8: 2.0}


def test_contract_a_component_reached_by_several_paths_sums_them(engine):
    """DOMAIN.md section 9: a component reached through several paths gets the sum over all paths (diamond
    A -> B -> D and A -> C -> D: 10 x 2 x 0.5 + 10 x 3 x 1 = 40), at the level of its longest path."""
    lines = pd.DataFrame({"parent": ["A", "A", "B", "C"], "component": ["B", "C", "D", "D"],
                          "qty_per": [2.0, 3.0, 0.5, 1.0]})
    bom = bk_fast.BOM.from_frame(lines, engine=engine)
    demand = pd.DataFrame({"item": ["A"], "qty": [10.0]})
    leaves = bom.explode(demand, engine=engine)
    assert leaves["item"].tolist() == ["D"] and leaves["qty"].tolist() == [40.0]
    every = bom.explode(demand, leaves_only=False, engine=engine)
    assert every["item"].tolist() == ["A", "B", "C", "D"] and every["qty"].tolist() == [10.0, 20.0, 30.0, 40.0]
    assert every["level"].tolist() == [0, 1, 1, 2]


def test_yarn_requirements_style_that_is_only_a_yarn_is_unmatched(engine):
    """DOMAIN.md section 4 (independent oracle, session 7): a knit order whose Style # is a yarn id of the BOM
    (an item with no BOM rows of its own) matched the yarn item, which then stood in for its own style at 100 % of the
    balance and inflated by_yarn. Only a style with BOM rows (a parent) matches: the frame and the compiled BOM,
    integer ids in an object column, an all-integer BOM (integer Style # column) and text yarn ids alike."""
    bom = pd.DataFrame({"Style#": ["125792/1", "125792/1"], "Desc#": [18767, 18929],
                        "BOM_Percentage": [0.914, 0.086]})
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": pd.Series(["125792/1", 18767, 18929.0],
                                                                            dtype=object),
                        "Balance (lbs)": [1000.0, 500.0, 7.0]}).set_axis([9, 9, 3])
    before = kos.copy(deep=True)
    for b in (bom, BOM.from_frame(bom, engine=engine)):
        res = yarn_requirements(kos, b, engine=engine)
        assert res.unmatched[["Order #", "Balance (lbs)"]].values.tolist() == [["K2", 500.0], ["K3", 7.0]]
        assert res.unmatched["Style #"].tolist() == [18767, 18929.0]
        assert res.by_order["Order #"].tolist() == ["K1", "K1"]
        assert res.by_order["lbs"].tolist() == pytest.approx([914.0, 86.0])
        assert dict(zip(res.by_yarn["Desc#"], res.by_yarn["lbs"])) == pytest.approx({18767: 914.0, 18929: 86.0})
        assert res.by_yarn["orders"].tolist() == [1, 1]
    assert_frame_equal(kos, before)
    # all-integer BOM, integer Style # column (the integer lookup path); open_only too
    ibom = pd.DataFrame({"Style#": [123, 123], "Desc#": [1, 2], "BOM_Percentage": [0.5, 0.5]})
    ikos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": [123, 2], "Balance (lbs)": [4.0, 10.0]})
    for open_only in (False, True):
        res = yarn_requirements(ikos, BOM.from_frame(ibom, engine=engine), open_only=open_only, engine=engine)
        assert res.unmatched[["Order #", "Style #"]].values.tolist() == [["K2", 2]]
        assert res.by_yarn[["Desc#", "lbs"]].values.tolist() == [[1, 2.0], [2, 2.0]]
    # text yarn ids; a multi-level style (a parent that is also a component) still matches
    tbom = pd.DataFrame({"Style#": ["S1", "S1", "SUB"], "Desc#": ["Y1", "SUB", "Y2"],
                         "BOM_Percentage": [0.5, 0.5, 1.0]})
    tkos = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": [" Y1", "SUB", "S1"],
                         "Balance (lbs)": [5.0, 2.0, 10.0]})
    res = yarn_requirements(tkos, tbom, engine=engine)
    assert res.unmatched[["Order #", "Style #"]].values.tolist() == [["K1", "Y1"]]
    assert res.by_order[["Order #", "Desc#", "lbs"]].values.tolist() == [
        ["K2", "Y2", 2.0], ["K3", "Y1", 5.0], ["K3", "Y2", 5.0]]
    assert res.by_yarn[["Desc#", "lbs", "orders"]].values.tolist() == [["Y1", 5.0, 1], ["Y2", 7.0, 2]]


def test_explode_codes_are_validated_never_truncated(engine):
    """explode_dense / explode_lines (independent oracle, session 7): float codes were truncated (1.7 -> item 1,
    exploded silently), NaN cast to garbage, uint64 codes >= 2**63 wrapped before the range check (the message
    showed the wrapped value) and a non-bool emit was cast (an integer array of item codes became a mask).
    Whole floats are codes (2.0 is 2); the rest is an error naming the argument and the first bad position."""
    bom = BOM.from_frame(pd.DataFrame({"parent": ["A", "A"], "component": ["B", "C"], "qty_per": [2.0, 1.0]}),
                         engine=engine)
    q2 = np.array([1.0, 3.0])
    for bad, exc, msg in ((np.array([0.0, 1.7]), ValueError, r"codes must be whole.*position 1 is 1\.7"),
                          (np.array([0.5, 0.0]), ValueError, r"codes.*position 0 is 0\.5"),
                          (np.array([0.0, np.nan]), ValueError, r"codes.*position 1 is nan"),
                          (np.array([0.0, np.inf]), ValueError, r"codes.*position 1 is inf"),
                          (pd.array([0, None], dtype="Int64"), ValueError, r"codes.*position 1"),
                          (np.array([0, 2 ** 63 + 5], dtype=np.uint64), ValueError,
                           r"\[-1, 3\); position 1 is 9223372036854775813"),
                          (np.array([0, 2 ** 64 - 1], dtype=np.uint64), ValueError,
                           r"position 1 is 18446744073709551615"),
                          (np.array([0, -128], dtype=np.int8), ValueError, r"\[-1, 3\); position 1 is -128"),
                          (np.array([1e30, 0.0]), ValueError, r"\[-1, 3\); position 0 is 1e\+30"),
                          (np.array([0, 2 ** 70], dtype=object), ValueError, r"position 1 is 1180591620717411303424"),
                          (np.array([0, 1.5], dtype=object), ValueError, r"codes must be whole.*position 1"),
                          (np.array([0, "1"], dtype=object), TypeError, r"codes.*position 1 is '1'"),
                          (np.array([True, False]), TypeError, r"codes.*bool"),
                          (np.array(["0", "1"]), TypeError, r"codes.*dtype")):
        with pytest.raises(exc, match=msg):
            bom.explode_dense(bad, q2, engine=engine)
        with pytest.raises(exc, match=msg):
            bom.explode_lines(bad, q2, engine=engine)
    # every integer dtype, whole floats and object integers give the int64 result, on every engine
    want_dense = bom.explode_dense(np.array([0, 1], dtype=np.int64), q2, engine="numpy")
    want_lines = bom.explode_lines(np.array([0, -1], dtype=np.int64), q2, engine="numpy")
    assert want_dense[0].tolist() == [1.0, 5.0, 1.0] and want_dense[1].tolist() == [True, True, True]
    assert [a.tolist() for a in want_lines] == [[0, 0], [1, 2], [2.0, 1.0]]
    for dt in (np.int8, np.int16, np.int32, np.uint8, np.uint64, np.float32, np.float64, object):
        req, touched = bom.explode_dense(np.array([0, 1], dtype=dt), q2, engine=engine)
        assert req.tolist() == want_dense[0].tolist() and touched.tolist() == want_dense[1].tolist(), dt
        if dt is not np.uint8 and dt is not np.uint64:
            got = bom.explode_lines(np.array([0, -1], dtype=dt), q2, engine=engine)
            assert [a.tolist() for a in got] == [a.tolist() for a in want_lines], dt
    codes = np.array([0.0, 1.0])
    codes.flags.writeable = False
    bom.explode_dense(codes, q2, engine=engine)
    assert codes.tolist() == [0.0, 1.0]
    # emit: a bool mask of n_items; integers (which could be item codes) are a TypeError
    for emit in (np.array([0, 1, 2]), np.array([1, 0, 1]), np.array([1.0, 0.0, 1.0])):
        with pytest.raises(TypeError, match="emit must be a bool array"):
            bom.explode_lines(np.array([0]), np.array([1.0]), emit=emit, engine=engine)
    with pytest.raises(ValueError, match=r"emit.*n_items=3.*\(2,\)"):
        bom.explode_lines(np.array([0]), np.array([1.0]), emit=np.array([True, False]), engine=engine)
    got = bom.explode_lines(np.array([0]), np.array([1.0]), emit=[True, False, True], engine=engine)
    assert [a.tolist() for a in got] == [[0, 0], [0, 2], [1.0, 1.0]]


def test_sales_to_greige_with_no_usable_master_row_reports_unmatched():
    """Found by an independent oracle: an empty style master, or one whose gBase cells are all empty, raised
    pandas' 'merge on float64 and str columns'; every sales line is unmatched, with its reason."""
    from bk_fast.erp import sales_to_greige

    bom = pd.DataFrame({"Style#": ["125792/1"], "Desc#": [1.0], "BOM_Percentage": [1.0]})
    sales = pd.DataFrame({"SO #": ["SO1"], "fStyle#": ["A"], "Ordered": [10.0]})
    for master, reason in ((pd.DataFrame({"fStyle#": ["A"], "gBase": [np.nan]}), "empty gBase in style master"),
                           (pd.DataFrame({"fStyle#": pd.Series([], dtype=object),
                                          "gBase": pd.Series([], dtype=object)}), "fStyle# not in style master")):
        res = sales_to_greige(sales, master, bom)
        assert len(res.lines) == 0
        assert res.unmatched["qty"].tolist() == [10.0]
        assert res.unmatched["reason"].tolist() == [reason]  # (f1a6aba: a master row without gBase has its own)


def test_sales_to_greige_split_preserves_totals():
    """how="split" promises preserved totals, but q / 3 added three times missed q by an ulp for 132 of 1,000
    two-decimal quantities (6369.62 -> 6369.619999999999; audit prec #5). Now each version but the last gets
    q / k rounded toward zero onto q's float64 grid and the last the rest: the parts add up to exactly q in
    float64 in any order (in order, reversed, pairwise, pandas' compensated groupby sum), each within k - 1 ulps
    of q / k; two versions get q / 2 each."""
    rng = np.random.default_rng(0)
    ks = np.arange(1, 11)
    bom = pd.DataFrame({"Style#": [f"B{k}/{v}" for k in ks for v in range(1, k + 1)], "Desc#": 1,
                        "BOM_Percentage": 1.0})
    master = pd.DataFrame({"fStyle#": [f"F{k}" for k in ks], "gBase": [f"B{k}" for k in ks]})
    special = [0.0, 6369.62, 8132.7, 1.0, 2.0**-1022, 5e-324, 3e-323, 1e-310, 2.0**60, 1.7976931348623157e308,
               -6369.62, 0.01, 1e15 + 0.5]
    qs = np.concatenate([np.round(rng.random(600) * 10000, 2), rng.random(300) * 10.0 ** rng.integers(-300, 300, 300),
                         special])
    sales = pd.DataFrame({"fStyle#": np.repeat([f"F{k}" for k in ks], qs.size), "Ordered": np.tile(qs, ks.size)})
    lines = sales_to_greige(sales, master, bom).lines
    assert len(lines) == qs.size * ks.sum() and (lines["line"].diff().dropna() >= 0).all()
    assert (lines.groupby("line")["qty"].sum().to_numpy() == sales["Ordered"].to_numpy()).all()
    for k in ks:
        parts = lines.loc[lines["versions"] == k, "qty"].to_numpy().reshape(-1, k)  # (a line's rows in order)
        total = np.zeros(qs.size)
        for j in range(k):
            total = total + parts[:, j]
        assert (total == qs).all(), (k, qs[total != qs][:3])
        backwards = np.zeros(qs.size)
        for j in reversed(range(k)):
            backwards = backwards + parts[:, j]
        assert (backwards == qs).all() and (parts.sum(axis=1) == qs).all()
        gap = np.abs(qs) - np.nextafter(np.abs(qs), 0.0)  # (the grid: q's ulp, half of it at a power of two)
        assert (np.abs(parts - (qs / k)[:, None]) <= max(k - 1, 0.5) * gap[:, None]).all()
        if k == 2:  # (halves, exact but for a subnormal quantity)
            normal = np.abs(qs) >= 2.0**-1021
            assert (parts[normal] == (qs[normal] / 2)[:, None]).all()
    at = sales.index[(sales["fStyle#"] == "F3") & (sales["Ordered"] == 6369.62)]
    three = lines.loc[lines["line"] == at[0], "qty"]  # (the random quantities hold 6369.62 too)
    assert three.tolist() == [2123.206666666666, 2123.206666666666, 2123.206666666668]  # (the docstring's)
    # any order: every part of a normal quantity has its sign, so every partial sum is on its grid below |q|
    for k in (3, 7, 10):
        parts = lines.loc[lines["versions"] == k, "qty"].to_numpy().reshape(-1, k)
        for i in rng.integers(0, qs.size, 50):
            acc = 0.0
            for j in rng.permutation(k):
                acc += parts[i, j]
            assert acc == qs[i]
    # "all" is untouched: every version the full quantity
    every = sales_to_greige(sales.iloc[:5], master, bom, how="all").lines
    assert every["qty"].tolist() == sales["Ordered"].iloc[:5].tolist()


def test_split_parts_have_the_quantitys_sign():
    """how="split" of a subnormal quantity: q / k is itself rounded to nearest onto the subnormal grid (1.5e-323
    / 5 is 5e-324), so four parts of 5e-324 left -5e-324 on the last version: a positive sale gave a negative
    greige demand, against _split_parts' "every part of q's sign" (audit rev22 #5). Now a subnormal q's parts
    are n // k smallest subnormals (n = q / 5e-324), the rest on the last: of q's sign, exact in sum, each
    within k - 1 of them of q / k."""
    tiny = 5e-324
    bom = pd.DataFrame({"Style#": [f"B/{v}" for v in range(1, 6)], "Desc#": 1, "BOM_Percentage": 1.0})
    master = pd.DataFrame({"fStyle#": ["F"], "gBase": ["B"]})
    lines = sales_to_greige(pd.DataFrame({"fStyle#": ["F"], "Ordered": [1.5e-323]}), master, bom).lines
    assert lines["qty"].tolist() == [0.0] * 4 + [1.5e-323]
    from bk_fast.erp import _split_parts

    rng = np.random.default_rng(0)
    ns = np.concatenate([np.arange(0, 120), rng.integers(0, 2**52, 200), [2**52 - 1, 2**52, 2**52 + 1]])
    for k in range(1, 12):
        for sign in (1.0, -1.0):
            q = np.repeat(sign * ns * tiny, k)  # (the last three: the largest subnormal, the two smallest normals)
            parts = _split_parts(q, np.full(q.shape[0], k), np.repeat(np.arange(ns.size), k)).reshape(-1, k)
            assert (parts * sign >= 0).all()
            assert (parts.sum(axis=1) == q[::k]).all() and (parts[:, ::-1].sum(axis=1) == q[::k]).all()
            assert (np.abs(parts - (q[::k] / k)[:, None]) <= max(k - 1, 1) * tiny).all()


def test_to_frame_round_trip_with_a_top_level_phantom(engine):
    # the phantom column flags each line's component: a top-level phantom has no row to carry it (documented);
    # passing the phantoms as ids keeps every one
    lines = pd.DataFrame({"parent": ["A", "B"], "component": ["B", "C"], "qty_per": [2.0, 3.0]})
    b = bk_fast.BOM.from_frame(lines, phantom=["A", "B"], engine=engine)
    frame = b.to_frame()
    by_column = bk_fast.BOM.from_frame(frame, per="per", loss="loss", factor="factor", phantom="phantom",
                                       engine=engine)
    assert by_column.is_phantom.tolist() == [False, True, False]  # A is lost: the documented limit
    by_ids = bk_fast.BOM.from_frame(frame, per="per", loss="loss", factor="factor", phantom=b.items[b.is_phantom],
                                    engine=engine)
    assert by_ids.is_phantom.tolist() == b.is_phantom.tolist()
    pd.testing.assert_frame_equal(by_ids.explode({"A": 1.0}, leaves_only=False, engine=engine),
                                  b.explode({"A": 1.0}, leaves_only=False, engine=engine))


@pytest.mark.parametrize("strip", [True, False])
def test_codes_of_an_index_of_labels_equal_the_reading_of_each_id(strip):
    # an Index of text and integer labels is looked up in one go, the rest read as before: same codes
    lines = pd.DataFrame({"parent": ["FG", "FG", "FG"], "component": [" C", 18767, 2 ** 62], "qty_per": [1.0] * 3})
    bom = bk_fast.BOM.from_frame(lines, strip=strip)
    keys = ["FG", " FG", "C", " C", 18767, np.int64(18767), 2 ** 62, "18767", "", "  ", True, (1, 2), "Z"]
    want = [bom.codes([k])[0] for k in keys]  # (one id at a time: the list path)
    assert bom.codes(pd.Index(keys, dtype=object)).tolist() == want
    assert bom.codes(pd.Index(["FG", "C", "Z", " FG"])).tolist() == [bom.codes([k])[0] for k in ["FG", "C", "Z", " FG"]]
    assert bom.codes(pd.Index([18767, 2 ** 62, 5])).tolist() == [bom.codes([k])[0] for k in [18767, 2 ** 62, 5]]


# ----------------------------------------------------------------------------------------------------------
# finite quantities that overflow float64 along the BOM: an error naming the item, never an inf or NaN


def _overflow_chain():
    # A -> B -> C at 1e300 each (every line finite), C -> D at 0 and C -> E at 1
    return bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "B", "C", "C"], "component": ["B", "C", "D", "E"],
                                                "qty_per": [1e300, 1e300, 0.0, 1.0]}))


@pytest.mark.parametrize("by_line", [False, True])
def test_explode_overflow_is_an_error_naming_the_item(engine, by_line):
    # C's requirement is 1e600: D came back NaN (0 x inf, true answer 0) and E inf
    with pytest.raises(ValueError, match="explode.*item 'C' overflows the float range"):
        _overflow_chain().explode(pd.DataFrame({"item": ["A"], "qty": [1.0]}), leaves_only=False, by_line=by_line,
                                  engine=engine)
    with pytest.raises(ValueError, match="item '(D|E)' overflows"):
        _overflow_chain().explode(pd.DataFrame({"item": ["A"], "qty": [1.0]}), by_line=by_line, engine=engine)
    # demand lines that add up past the range (1e308 + 1e308 - 1e308) and two paths meeting as inf - inf
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [1.0]}), engine=engine)
    with pytest.raises(ValueError, match="item 'B' overflows"):
        bom.explode(pd.DataFrame({"item": ["A", "A", "A"], "qty": [1e308, 1e308, -1e308]}), engine=engine)
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "B", "X"], "component": ["B", "C", "C"],
                                               "qty_per": [1e300, 1e300, 1e300]}), engine=engine)
    with pytest.raises(ValueError, match="item 'C' overflows"):
        bom.explode(pd.DataFrame({"item": ["A", "X"], "qty": [1.0, -1e300]}), engine=engine)
    with pytest.raises(ValueError, match="explode_dense: the quantity of item 'C'"):
        _overflow_chain().explode_dense(np.array([0]), np.array([1.0]), engine=engine)
    # a large but finite answer is fine
    out = _overflow_chain().explode(pd.DataFrame({"item": ["B"], "qty": [1e-300]}), engine=engine)
    assert out.set_index("item")["qty"].to_dict() == {"D": 0.0, "E": 1.0}


def test_rollup_overflow_is_an_error_and_missing_costs_stay_nan(engine):
    # X uses C at 0 per unit and C costs 1e600: X was 0 x inf = NaN with every cost known
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["X", "C", "B"], "component": ["C", "B", "D"],
                                               "qty_per": [0.0, 1e300, 1e300]}), engine=engine)
    with pytest.raises(ValueError, match="rollup: the quantity of item '(X|C)' overflows"):
        bom.rollup({"D": 1.0}, engine=engine)
    cost = bom.rollup({}, engine=engine)  # (D's cost unknown: NaN everywhere above it, which is the answer)
    assert cost.isna().all()
    with pytest.raises(ValueError, match="unit_cost must be finite numbers.*'D' has inf"):
        bom.rollup({"D": np.inf}, engine=engine)
    with pytest.raises(ValueError, match="missing must be a finite number or NaN"):
        bom.rollup({}, missing=np.inf, engine=engine)
    with pytest.raises(ValueError, match=r"where_used\('D'\): the quantity of item 'X' overflows"):
        bom.where_used("D", engine=engine)  # (X uses D at 0 x 1e600)


@pytest.mark.parametrize("by_line", [False, True])
def test_empty_explosion_keeps_the_item_dtype_of_a_full_one(engine, by_line):
    # the ERP's BOM (text styles, integer yarns): the yarn column is int64, also when no yarn is reached
    bom = BOM.from_frame(pd.DataFrame({"Style#": ["S/1", "S/1"], "Desc#": [18767, 18929],
                                       "BOM_Percentage": [0.5, 0.5]}), engine=engine)
    hit = bom.explode(pd.DataFrame({"item": ["S/1"], "qty": [10.0]}), by_line=by_line, engine=engine)
    miss = bom.explode(pd.DataFrame({"item": ["X/1"], "qty": [10.0]}), by_line=by_line, engine=engine)
    assert hit["item"].dtype == np.int64 and miss["item"].dtype == np.int64 and len(miss) == 0
    # every item reported (styles too): as the items are
    assert bom.explode(pd.DataFrame({"item": ["X/1"], "qty": [1.0]}), leaves_only=False,
                       engine=engine)["item"].dtype == object


@pytest.mark.parametrize("ids", [[5, 6, 999], ["A", "B", "ZZ"]], ids=["int", "str"])
def test_unmatched_demand_keeps_the_ids_dtype_when_empty(engine, ids):
    # it was a fixed object frame when nothing was unmatched: pd.concat of several runs' unmatched went object
    a, b, nope = ids
    dtype = "int64" if isinstance(a, int) else "str"
    bom = BOM.from_frame(pd.DataFrame({"parent": pd.array([a], dtype=dtype), "component": pd.array([b], dtype=dtype),
                                       "qty_per": [1.0]}), engine=engine)
    some = bom.explode(pd.DataFrame({"item": pd.array([a, nope], dtype=dtype), "qty": [1.0, 2.0]}), engine=engine)
    none = bom.explode(pd.DataFrame({"item": pd.array([a], dtype=dtype), "qty": [1.0]}), engine=engine)
    assert str(some.bk_fast.unmatched["item"].dtype) == dtype == str(none.bk_fast.unmatched["item"].dtype)
    assert none.bk_fast.unmatched.empty and list(none.bk_fast.unmatched.columns) == ["item", "qty", "lines"]


def test_unmatched_of_mixed_ids_is_object_when_empty(engine):
    bom = BOM.from_frame(pd.DataFrame({"parent": ["A", 9], "component": ["B", "B"], "qty_per": [1.0, 1.0]}),
                         engine=engine)
    for ids in (["A", 9], [9, "A"]):
        none = bom.explode(pd.DataFrame({"item": pd.Series(ids, dtype=object), "qty": [1.0, 1.0]}), engine=engine)
        assert none.bk_fast.unmatched.empty and none.bk_fast.unmatched["item"].dtype == object


@pytest.mark.parametrize("ids,dtype,item", [
    ([1, None, 1], "Int64", [None]), ([1, None, 1], object, [None]), ([None, None], "Int64", [None]),
    (["A", None, "A"], "str", [np.nan]), (["A", None, "A"], object, [np.nan])])
def test_unmatched_of_only_missing_ids_is_typed_as_the_demand(engine, ids, dtype, item):
    """When the only unmatched ids were missing ones the report's item column was float64 NaN, whatever the demand
    held; beside a real unknown id the same missing id is None among integer ids (object) and NaN among text ids
    (str). Now the missing id alone is reported so too: the dtype the demand's present ids give."""
    text = isinstance(ids[0], str)
    lines = pd.DataFrame({"parent": ["A", "B"] if text else [1, 2], "component": ["B", "C"] if text else [2, 3],
                          "qty_per": [2.0, 3.0]})
    bom = BOM.from_frame(lines, engine=engine)
    col = pd.Series(ids, dtype=object) if dtype is object else pd.array(ids, dtype=dtype)
    demand = pd.DataFrame({"item": col, "qty": [1.0, 2.0, 4.0][:len(ids)]})
    for by_line in (False, True):
        unmatched = bom.explode(demand, by_line=by_line, engine=engine).bk_fast.unmatched
        assert unmatched["qty"].tolist() == [2.0 if len(ids) == 3 else 3.0] and unmatched["lines"].tolist() == [
            1 if len(ids) == 3 else 2]
        expected = "str" if text else object
        assert unmatched["item"].dtype == expected, (by_line, unmatched["item"].dtype)
        assert unmatched["item"].tolist() == item or (text and pd.isna(unmatched["item"]).all())
    if len(ids) == 3:   # beside a real unknown id: the same dtype, as before
        beside = pd.DataFrame({"item": pd.Series(ids + [ids[0] * 3 if text else 99], dtype=object if dtype is object
                                                 else dtype), "qty": [1.0, 2.0, 4.0, 8.0]})
        assert bom.explode(beside, engine=engine).bk_fast.unmatched["item"].dtype == expected


def test_a_compiled_bom_keeps_its_own_lines(engine):
    """BOM.from_frame kept views of the caller's parent / component / qty_per columns as its lines: editing
    the frame afterwards changed to_frame() (and the pickled state) while explode kept the compiled numbers,
    so the BOM contradicted itself (state audit, helper)."""
    import pickle

    lines = pd.DataFrame({"parent": [1, 1, 2], "component": [2, 3, 10], "qty_per": [2.0, 1.0, 0.5],
                          "loss": [0.1, 0.0, 0.0]})
    bom = bk_fast.BOM.from_frame(lines, loss="loss", engine=engine)
    kept, saved = bom.to_frame(), pickle.dumps(bom)
    lines.loc[0, "qty_per"] = 100.0
    lines.loc[2, "component"] = 99
    lines.loc[1, "loss"] = 5.0
    pd.testing.assert_frame_equal(bom.to_frame(), kept)
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(bom)).to_frame(), pickle.loads(saved).to_frame())
    demand = pd.DataFrame({"item": [1], "qty": [1.0]})
    rebuilt = bk_fast.BOM.from_frame(bom.to_frame(), per="per", loss="loss", factor="factor", phantom="phantom",
                                     engine=engine)
    pd.testing.assert_frame_equal(rebuilt.explode(demand, engine=engine), bom.explode(demand, engine=engine))


@pytest.mark.parametrize("dtype", ["int64", "float64", "Int64"])
def test_numeric_style_ids_meet_a_bom_of_text_styles_in_both_erp_adapters(engine, dtype):
    """Knit orders whose Style # pandas read as numbers (102910) against a BOM whose styles are text
    ("102910", beside "FF 1/1"): allocate_knit_orders matched them, yarn_requirements called them unmatched
    with no yarn, so netting's gross missed yarn the allocation needed (planner workflow audit)."""
    from bk_fast.erp import allocate_knit_orders, yarn_requirements

    bom = pd.DataFrame({"Style#": ["102910", "FF 1/1"], "Desc#": [10251.0, 10220.0],
                        "BOM_Percentage": [1.0, 1.0]})
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": pd.array([102910, 555], dtype=dtype),
                        "Balance (lbs)": [100.0, 7.0], "Start Date": pd.to_datetime(["2025-09-01"] * 2)})
    inv = pd.DataFrame({"Desc#": [10251, 10220], "Planning Balance": [500.0, 0.0]})
    req = yarn_requirements(kos, bom, engine=engine)
    alloc = allocate_knit_orders(kos, bom, inv, today="2025-09-01", engine=engine)
    assert req.by_yarn["lbs"].tolist() == [100.0] and req.unmatched["Order #"].tolist() == ["K2"]
    assert alloc.orders["bom_matched"].tolist() == [True, False]
    assert alloc.lines["need_lbs"].sum() == req.by_yarn["lbs"].sum()


def test_nullable_and_mixed_style_ids_meet_a_bom_of_text_styles_in_both_erp_adapters(engine):
    """A nullable Float64 Style # (102910.0) matched in yarn_requirements but not in allocate_knit_orders
    ('102910.0'), and an object column mixing numbers and text (pd.read_excel of a sheet) matched in
    allocate_knit_orders but not in yarn_requirements (review of session 11)."""
    from bk_fast.erp import allocate_knit_orders, yarn_requirements

    bom = pd.DataFrame({"Style#": ["102910", "FF 1/1"], "Desc#": [10251, 10220], "BOM_Percentage": [1.0, 1.0]})
    inv = pd.DataFrame({"Desc#": [10251, 10220], "Planning Balance": [500.0, 500.0]})
    for styles in (pd.array([102910.0, None], dtype="Float64"), pd.Series([102910, " FF 1/1"], dtype=object),
                   pd.Series([102910.0, "FF 1/1"], dtype=object)):
        kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": styles, "Balance (lbs)": [100.0, 7.0],
                            "Start Date": pd.to_datetime(["2025-09-01"] * 2)})
        req = yarn_requirements(kos, bom, engine=engine)
        alloc = allocate_knit_orders(kos, bom, inv, today="2025-09-01", engine=engine)
        assert alloc.lines["need_lbs"].sum() == req.by_yarn["lbs"].sum() >= 100.0
        assert alloc.orders["bom_matched"].tolist()[0] and req.unmatched["Order #"].tolist() in ([], ["K2"])


def test_reference_levels_of_a_deep_chain_beside_a_wide_fan_are_linear():
    """The numpy engine's Kahn levelling counted over all n items once per level: O(levels x items), 47 s for a
    10^5-level chain (cython 0.1 s), ~4.5 s for a 5,000-deep chain beside 195,000 leaves (BOM audit, session
    12). Levels now touch their own children only, narrow ones edge by edge; the levels are the compiled
    engines'."""
    depth, wide = 5000, 195_000
    chain = pd.DataFrame({"parent": np.arange(depth), "component": np.arange(1, depth + 1), "qty_per": 1.0})
    fan = pd.DataFrame({"parent": np.zeros(wide, dtype=np.int64),
                        "component": np.arange(depth + 1, depth + 1 + wide), "qty_per": 1.0})
    # (a diamond lattice too: narrow and wide levels mixed, several parents per child)
    lattice = pd.DataFrame({"parent": np.repeat(np.arange(-400, -1), 2), "qty_per": 1.0,
                            "component": np.column_stack([np.arange(-399, 0), np.arange(-398, 1)]).ravel()})
    df = pd.concat([chain, fan, lattice], ignore_index=True)
    t = time.process_time()  # (this process's CPU time: the wall time follows the load of the shared 2 cores)
    ref = BOM.from_frame(df, engine="numpy")
    assert time.process_time() - t < 2.0  # (0.23 s at load 3.5; it was ~5 s)
    assert ref.n_levels == depth + 400  # (the lattice ends in the chain's top item 0)
    for engine in ("cython", "numba"):
        if bk_fast.engines()[engine].available:
            other = BOM.from_frame(df, engine=engine)
            np.testing.assert_array_equal(ref.llc, other.llc)
            assert ref.items.equals(other.items)


@pytest.mark.parametrize("arg", ["loss", "factor", "per", "parent", "component", "qty_per"])
def test_a_series_where_a_column_label_is_expected_is_named(arg):
    """A Series given as loss/factor/per or as the parent/component/qty_per column raised a bare 'unhashable
    type: Series' (BOM audit, session 12): the error names the argument."""
    df = pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [1.0], "x": [0.5]})
    with pytest.raises(TypeError, match=rf"{arg} must be a column label"):
        BOM.from_frame(df, **{arg: df["x"]})


def test_reference_levels_alternating_narrow_and_wide_are_linear():
    """Review of session 12: the narrow-level path rebuilt its Python lists at every switch back from a wide
    level, so a chain of diamonds (levels of 1 and 17 items) was quadratic again (51k items 7.6 s, cython 0.1
    s); the lists are made once."""
    par, comp = [], []
    for k in range(1500):
        for j in range(17):
            par += [f"C{k}", f"M{k}_{j}"]
            comp += [f"M{k}_{j}", f"C{k + 1}"]
    lines = pd.DataFrame({"parent": par, "component": comp, "qty_per": 1.0})
    t = time.process_time()  # (this process's CPU time: the wall time follows the load of the shared 2 cores)
    bom = BOM.from_frame(lines, engine="numpy")
    assert time.process_time() - t < 3.0
    assert int(bom.llc.max()) == 3000
    np.testing.assert_array_equal(bom.llc, BOM.from_frame(lines, engine="cython").llc)


def test_yarn_requirements_reads_text_and_integer_desc_as_one_yarn(engine):
    """BOM audit: a sheet's Desc# cells 18767 and "18767" (an object column, as pd.read_excel gives) were two
    yarns 18767 in by_yarn (and by_order) while allocate_knit_orders and netting read one: an ERP BOM frame's
    yarn ids are read as erp._net_yarn_ids reads the stock's (DOMAIN.md section 1: Desc# is an integer id)."""
    bom = pd.DataFrame({"Style#": ["A/1", "B/1", "B/1"], "BOM_Percentage": [1.0, 0.5, 0.5],
                        "Desc#": pd.Series([18767, "18767", " 18929 "], dtype=object)})
    before = bom.copy(deep=True)
    kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["A/1", "B/1"], "Balance (lbs)": [100.0, 50.0]})
    res = yarn_requirements(kos, bom, engine=engine)
    assert res.by_yarn["Desc#"].tolist() == [18767, 18929] and res.by_yarn["Desc#"].dtype == np.int64
    assert res.by_yarn["lbs"].tolist() == [125.0, 25.0] and res.by_yarn["orders"].tolist() == [2, 1]
    assert res.by_order["Desc#"].tolist() == [18767, 18767, 18929]
    assert_frame_equal(bom, before)  # (the caller's frame is not modified)
    # text yarns that are no number stay text; an all-integer sheet is as it was
    text = yarn_requirements(kos, bom.assign(**{"Desc#": ["X 1", " X 1", 7]}), engine=engine).by_yarn
    assert text["Desc#"].tolist() == [7, "X 1"] and text["lbs"].tolist() == [25.0, 125.0]


@pytest.mark.parametrize("style", ["102910", " 102910 ", "102910.0"])
def test_text_style_meets_an_integer_bom_style_in_both_erp_adapters(style):
    """BOM audit: knit orders whose Style # is text "102910" did not meet a BOM whose all-numeric Style# is
    int64 (pd.read_csv), the mirror of an integer style meeting a text one: K1's 100 lbs vanished into
    unmatched. Whole-number text now meets an integer style, in yarn_requirements and allocate_knit_orders."""
    from bk_fast.erp import allocate_knit_orders

    bom = pd.DataFrame({"Style#": [102910, 555], "Desc#": [10251, 10220], "BOM_Percentage": [1.0, 1.0]})
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": [style, "FF 1/1", "10251"],
                        "Balance (lbs)": [100.0, 7.0, 3.0]})
    res = yarn_requirements(kos, bom)
    assert res.unmatched["Order #"].tolist() == ["K2", "K3"]  # (K3: the text of a yarn id is no style)
    assert res.by_yarn["Desc#"].tolist() == [10251] and res.by_yarn["lbs"].tolist() == [100.0]
    inv = pd.DataFrame({"Desc#": [10251, 10220], "Planning Balance": [1000.0, 1000.0]})
    orders = allocate_knit_orders(kos, bom, inv, today="2025-09-01").orders
    assert orders["bom_matched"].tolist() == [True, False, False]


@pytest.mark.parametrize("dtype", ["str", object])
def test_whole_number_text_with_point_zero_meets_a_bom_of_text_styles(dtype):
    """The text "125792.0" (a float Style # column written as text) met the style "125792" in the scheduling
    lookups (erp._sched_text) but not in yarn_requirements / allocate_knit_orders against a BOM of text styles:
    its yarn went missing from the requirements. Now the ".0" of whole-number text is dropped there too; spaces,
    leading zeros and fractions still count ("999.0" is no "0999", "125792.5" no "125792")."""
    from bk_fast.erp import allocate_knit_orders

    bom = pd.DataFrame({"Style#": ["125792", "125792/1", "0999"], "Desc#": [1, 2, 3],
                        "BOM_Percentage": [1.0, 1.0, 1.0]})
    kos = pd.DataFrame({"Order #": ["A", "B", "C", "D", "E"],
                        "Style #": pd.Series(["125792.0", " 125792.00 ", "0999.0", "999.0", "125792.5"], dtype=dtype),
                        "Balance (lbs)": [10.0, 20.0, 30.0, 40.0, 50.0]})
    res = yarn_requirements(kos, bom)
    assert res.by_order["Order #"].tolist() == ["A", "B", "C"] and res.by_order["Desc#"].tolist() == [1, 1, 3]
    assert res.unmatched["Order #"].tolist() == ["D", "E"]
    inv = pd.DataFrame({"Desc#": [1, 2, 3], "Planning Balance": [100.0, 100.0, 100.0]})
    orders = allocate_knit_orders(kos, bom, inv, today="2025-09-01").orders
    assert orders["bom_matched"].tolist() == [True, True, True, False, False]


@pytest.mark.parametrize("column", ["str", "object", "mixed"])
def test_strip_false_blank_ids_are_missing_whatever_the_column_holds(fast_engine, column):
    """BOM audit: with strip=False a white-space-only id was an item in a column of text and an empty id in one
    mixing numbers and text. Blank text is missing in both (_id_values), in the BOM and in the demand, through
    the text_lookup kernel (long text columns, compiled engines) and pandas alike."""
    cells = {"str": ["B", " \xa0"], "object": pd.Series(["B", " \t"], dtype=object),
             "mixed": pd.Series([1, "  "], dtype=object)}[column]
    lines = pd.DataFrame({"parent": ["A", "A"], "component": cells, "qty_per": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"bom column 'component' has empty ids at rows \[1\]"):
        BOM.from_frame(lines, strip=False, engine=fast_engine)
    b = BOM.from_frame(pd.DataFrame({"parent": ["A", " A"], "component": ["B", "C"], "qty_per": [1.0, 1.0]}),
                       strip=False, engine=fast_engine)
    ids = {"str": pd.Series(["  ", "A", " A", "\u3000"] * 5000, dtype="str"),
           "object": pd.Series(["  ", "A", " A", "\u3000"], dtype=object),
           "mixed": pd.Series(["  ", "A", " A", 5], dtype=object)}[column]
    for engine in ("numpy", fast_engine):
        out = b.explode(pd.DataFrame({"item": ids, "qty": 1.0}), engine=engine)
        um = out.bk_fast.unmatched
        assert pd.isna(um["item"].iloc[0]) and um["lines"].iloc[0] == len(ids) // 4 * (1 if column == "mixed" else 2)
        assert as_dict(out) == {"B": len(ids) // 4, "C": len(ids) // 4}  # (" A" and "A" still two items)


def test_to_frame_round_trip_names_strip_false():
    """BOM audit: the documented round trip merged the items " A" and "A" of a strip=False BOM: the docstring
    says to pass strip=False too, and that call rebuilds the BOM."""
    b = BOM.from_frame(pd.DataFrame({"parent": [" A", "A"], "component": ["Y", "Z"], "qty_per": [1.0, 2.0]}),
                       strip=False)
    assert "strip=False" in BOM.to_frame.__doc__
    b2 = BOM.from_frame(b.to_frame(), per="per", loss="loss", factor="factor", phantom="phantom", strip=False)
    assert b2.items.tolist() == b.items.tolist() == [" A", "A", "Y", "Z"]
    np.testing.assert_array_equal(b2.qty, b.qty)


def test_unhashable_id_cells_are_named(engine):
    """BOM audit: a list or dict in an id cell gave pandas' bare "unhashable type: 'list'" in from_frame and in
    explode: a TypeError naming the column, the row and the value."""
    lines = pd.DataFrame({"parent": ["A", "A"], "component": ["B", "C"], "qty_per": [1.0, 2.0]}, index=[10, 11])
    bad = lines.assign(component=pd.Series(["B", ["x"]], dtype=object, index=lines.index))
    with pytest.raises(TypeError, match=r"id column 'component' row 11 \(position 1\): \['x'\] \(list\) is no id"):
        BOM.from_frame(bad, engine=engine)
    with pytest.raises(TypeError, match=r"id column 'Desc#' row 11 .*\{'a': 1\} \(dict\)"):
        yarn_requirements(pd.DataFrame({"Order #": ["K"], "Style #": ["A"], "Balance (lbs)": [1.0]}),
                          bad.rename(columns={"parent": "Style#", "component": "Desc#", "qty_per": "BOM_Percentage"})
                          .assign(**{"Desc#": pd.Series([1, {"a": 1}], dtype=object, index=lines.index)}))
    b = BOM.from_frame(lines, engine=engine)
    dem = pd.DataFrame({"item": pd.Series(["A", ["x"]], dtype=object, index=[5, 6]), "qty": [1.0, 1.0]})
    for by_line in (False, True):
        with pytest.raises(TypeError, match=r"id column 'item' row 6 \(position 1\)"):
            b.explode(dem, by_line=by_line, engine=engine)


def test_conflicting_phantom_flags_of_one_component_are_an_error(engine):
    """BOM audit: a component flagged Y on one line and N on another silently became phantom on every line
    (phantom-ness is the item's): a ValueError naming the column, the item and both rows. An empty cell does not
    disagree."""
    df = pd.DataFrame({"parent": ["FG", "FG2", "SUB"], "component": ["SUB", "SUB", "Y2"],
                       "qty_per": [2.0, 1.0, 3.0]}, index=[7, 8, 9])
    for flags in (["Y", "N", "N"], [True, False, False], [1, 0, 0], ["N", "yes", None]):
        first, second = (7, 8) if flags[0] in ("Y", True, 1) else (8, 7)
        with pytest.raises(ValueError, match=rf"bom column 'ph' flags component 'SUB' phantom at row {first} but "
                                             rf"not at row {second}"):
            BOM.from_frame(df.assign(ph=flags), phantom="ph", engine=engine)
    for flags in (["Y", None, "N"], ["Y", "", "N"], [1.0, np.nan, 0.0], ["Y", "Y", "N"]):
        bom = BOM.from_frame(df.assign(ph=flags), phantom="ph", engine=engine)
        assert bom.is_phantom[bom.codes(["SUB"])].tolist() == [True]


def test_erp_bom_frame_whole_number_text_intermediate_style_still_links(engine):
    """Review2 #1: an ERP BOM frame reads whole-number text yarn ids as integers (c72c43c), but only leaves are
    yarns: an intermediate style "102910" (a parent too) keeps its id and explodes to its yarns, in
    yarn_requirements and allocate_knit_orders; a text leaf "18767" still meets the stock's integer yarn."""
    from bk_fast.erp import allocate_knit_orders

    bom = pd.DataFrame({"Style#": ["F1", "102910", "102910", "F2"], "Desc#": ["102910", "18767", "18929", "18767"],
                        "BOM_Percentage": [1.0, 0.6, 0.4, 1.0]})
    before = bom.copy()
    kos = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": ["F1", 102910, "F2"],
                        "Balance (lbs)": [100.0, 10.0, 5.0]})
    res = yarn_requirements(kos, bom, engine=engine)
    assert res.by_yarn["Desc#"].tolist() == [18767, 18929] and res.by_yarn["lbs"].tolist() == [71.0, 44.0]
    assert res.unmatched.empty
    inv = pd.DataFrame({"Desc#": [18767, 18929], "Planning Balance": [1000.0, 1000.0]})
    alloc = allocate_knit_orders(kos, bom, inv, today="2025-09-01", on_hand="Planning Balance", engine=engine)
    assert sorted(map(int, alloc.lines["Desc#"])) == [18767, 18767, 18767, 18929, 18929]
    assert_frame_equal(bom, before)


def test_all_missing_nullable_uint64_ids_are_unmatched(engine):
    """Audit: an all-missing nullable UInt64 item column crashed ("boolean value of NA is ambiguous": its max is
    <NA>), as does any Dask partition holding only missing ids; missing ids are unmatched demand."""
    bom = BOM.from_frame(pd.DataFrame({"parent": [1, 2], "component": [2, 3], "qty_per": [2.0, 3.0]}), engine=engine)
    demand = pd.DataFrame({"item": pd.array([None, None], dtype="UInt64"), "qty": [2.0, 3.0]})
    for by_line in (False, True):
        out = bom.explode(demand, by_line=by_line, engine=engine)
        assert out.empty
        unmatched = out.bk_fast.unmatched
        assert unmatched["qty"].tolist() == [5.0] and unmatched["lines"].tolist() == [2]
        assert pd.isna(unmatched["item"]).all()


def test_dask_token_is_fixed_at_compile_time_and_kept_by_pickles():
    """Audit: without a distributed client bk_fast.dask named the BOM's graph key by pickling the whole BOM (0.5 s
    at scale 20). A BOM names itself by an id drawn when it was compiled: its pickled copies (on the workers) keep
    it, another compile (even of the same lines) has its own, and naming it never pickles it."""
    tokenize = pytest.importorskip("dask.base").tokenize
    lines = pd.DataFrame({"parent": ["A", "B"], "component": ["B", "C"], "qty_per": [2.0, 3.0]})
    bom = BOM.from_frame(lines)
    state = bom.__getstate__()
    assert tokenize(pickle.loads(pickle.dumps(bom))) == tokenize(bom) == tokenize(copy.deepcopy(bom))
    assert tokenize(BOM.from_frame(lines)) != tokenize(bom)
    old = BOM.__new__(BOM)  # (a BOM pickled before BOMs had an id)
    old.__setstate__({k: v for k, v in state.items() if k != "_token"})
    assert tokenize(old) == tokenize(old) != tokenize(bom)
    assert_frame_equal(old.explode(pd.DataFrame({"item": ["A"], "qty": [1.0]})), pd.DataFrame(
        {"item": ["C"], "qty": [6.0]}))


def test_whole_float_demand_meets_float_items_whatever_else_is_in_the_demand(engine):
    """A BOM of float items (read from float id columns): the demand [1.0, 1.0] matched nothing (the demand reader
    makes whole float ids integers, and integer ids never met float items) while [1.0, 2.5] (kept float) matched
    1.0: the answer depended on the other lines (found by the dask fixer). Integer ids meet float items exactly
    below 2**53 in magnitude."""
    bom = BOM.from_frame(pd.DataFrame({"parent": [1.0, 2.5], "component": [10.0, 20.5], "qty_per": [1.0, 2.0]}),
                         engine=engine)
    got = bom.explode(pd.DataFrame({"item": [1.0, 1.0], "qty": [1.0, 2.0]}), engine=engine)
    assert got["item"].tolist() == [10.0] and got["qty"].tolist() == [3.0] and got.bk_fast.unmatched.empty
    got = bom.explode(pd.DataFrame({"item": [1, 2 ** 53 + 1], "qty": [1.0, 2.0]}), engine=engine)
    assert got["item"].tolist() == [10.0] and got.bk_fast.unmatched["item"].tolist() == [2 ** 53 + 1]
    assert bom.codes(np.array([1, 2 ** 63 + 5], dtype=np.uint64)).tolist() == [0, -1]
    # the id 2**53 + 1 never meets the float item 2.0**53 (float64 rounds it to that), whatever holds the ids; 2**53
    # itself neither, as a float 2.0**53 never meets an integer item (below 2**53 only, both ways; a review)
    big = BOM.from_frame(pd.DataFrame({"parent": [2.0 ** 53], "component": [10.0], "qty_per": [1.0]}), engine=engine)
    for ids in ([2 ** 53 + 1], pd.Index([2 ** 53 + 1]), pd.Index([2 ** 53 + 1], dtype=np.uint64), [2 ** 53]):
        assert big.codes(ids).tolist() == [-1], ids


def test_number_that_is_also_a_column_label_is_ambiguous():
    """A frame of numbered columns (read_csv(header=None)): per=1 read column 1 (the component ids 5, 7) as
    per, and factor=2 column 2 (qty_per itself) as the factor, silently (need 0.1 instead of 0.5). Such a
    number is a ValueError naming the argument and how to choose; text labels choose the column, and a number
    that is no label is a number as before."""
    df = pd.DataFrame({0: ["S", "S"], 1: [5, 7], 2: [0.5, 0.5]})
    for arg in ("per", "factor", "loss"):
        for value in (1, 2.0, np.int64(0)):
            shown = re.escape(f"{arg}={plain(value)!r} is a number and also a column label")
            with pytest.raises(ValueError, match=shown):
                BOM.from_frame(df, parent=0, component=1, qty_per=2, **{arg: value})
    assert BOM.from_frame(df, parent=0, component=1, qty_per=2, per=4).qty.tolist() == [0.125, 0.125]
    named = df.rename(columns=str).assign(per=[2.0, 5.0])
    got = BOM.from_frame(named, parent="0", component="1", qty_per="2", per="per", factor=2)
    assert got.qty.tolist() == [0.5, 0.2]


@pytest.mark.parametrize("leaves_only", [True, False])
def test_by_line_frame_keeps_the_kernel_arrays_and_shares_nothing_with_inputs(engine, leaves_only, monkeypatch):
    """explode(by_line=True) copied every column the kernel had just written (pandas' default copy=True) and
    kept the line / code arrays alive beside them: a peak of ~3.5x the output (audit 'peakmem' 1). The frame
    takes the fresh arrays as they are, yet shares no memory with the demand or the compiled BOM."""
    bom = BOM.from_frame(frame([("A", 10, 2.0), ("A", "B", 1.0), ("B", 11, 0.5), ("B", 12, 3.0)]))
    dem = pd.DataFrame({"item": ["A", "B", "X", "A"], "qty": [1.0, 2.0, 3.0, 4.0]}, index=[5, 6, 7, 8])
    made = []
    real = BOM.explode_lines
    monkeypatch.setattr(BOM, "explode_lines", lambda self, *a, **k: made.append(real(self, *a, **k)) or made[-1])
    out = bom.explode(dem, by_line=True, leaves_only=leaves_only, engine=engine)
    assert out["line"].tolist()[:2] == [5, 5] and len(out) == (8 if leaves_only else 13)
    assert np.shares_memory(out["qty"].to_numpy(), made[0][2])  # (not a copy)
    inputs = [dem[c].to_numpy() for c in dem] + [dem.index.to_numpy(), np.asarray(bom.items)]
    inputs += [getattr(bom, k) for k in ("llc", "level_ptr", "indptr", "indices", "qty", "edge_parent", "is_leaf",
                                         "is_phantom", "_emit_leaf")]
    if bom._lookup is not None and bom._lookup.ids is not None:
        inputs.append(bom._lookup.ids)
    for c in out:
        col = out[c].to_numpy()
        assert not any(np.shares_memory(col, a) for a in inputs), c
    out.loc[out.index[0], "qty"] = -1.0  # (writable, and the BOM's answer is unchanged)
    assert bom.explode(dem, by_line=True, leaves_only=leaves_only, engine=engine)["qty"].iloc[0] != -1.0


def _lines_nbytes(bom):
    arrays = [x for a in bom._lines for x in (a if isinstance(a, tuple) else (a,)) if isinstance(x, np.ndarray)]
    return sum(a.nbytes for a in arrays)


def test_compiled_bom_keeps_its_lines_compactly():
    """A compiled BOM kept its input lines (for to_frame and pickles) as full copies: the ids (a Python string
    per line for text styles), qty_per, component codes and per / loss / factor columns of defaults, ~56 B a
    line plus the strings (audit 'peakmem' 4: 483 MB for a mill whose BOM frame is 98 MB). Now item codes into
    one id per item, and one number for a constant column; to_frame and pickles give the same lines back."""
    rng = np.random.default_rng(0)
    m = 30_000
    styles = np.char.add("CF ", rng.integers(0, 10**6, m // 3).astype("U7")).astype(object)
    df = pd.DataFrame({"Style#": styles[rng.integers(0, styles.size, m)], "Desc#": rng.integers(10**4, 10**5, m),
                       "BOM_Percentage": np.round(rng.uniform(0.01, 1, m), 2)})
    bom = BOM.from_frame(df)
    assert _lines_nbytes(bom) <= 20 * m + 16 * bom.n_items
    assert all(isinstance(x, float) for x in bom._lines[3:6])
    f = bom.to_frame()
    expect = pd.DataFrame({"parent": df["Style#"], "component": df["Desc#"], "qty_per": df["BOM_Percentage"],
                           "per": 1.0, "loss": 0.0, "factor": 1.0, "phantom": False})
    assert_frame_equal(f, expect, check_dtype=False)
    assert f["per"].dtype == f["loss"].dtype == f["factor"].dtype == np.float64 and f["parent"].dtype == "str"
    assert_frame_equal(pickle.loads(pickle.dumps(bom)).to_frame(), f)
    # ids whose uniques are not the ids (1, 1.0 and True are one unique), -0.0, and a given column kept as given
    odd = frame([(1, "X", 1.0), (1.0, "Y", 1.0), (True, "Z", 2.0), (-0.0, 2.5, 1.0)], loss=[0.0, -0.0, 0.0, 0.5],
                per=[2.0, 2.0, 2.0, 2.0])
    f = BOM.from_frame(odd, per="per", loss="loss").to_frame()
    assert [type(x) for x in f["parent"]] == [int, int, bool, int]
    assert f["component"].tolist() == ["X", "Y", "Z", 2.5]
    assert np.signbit(f["loss"]).tolist() == [False, True, False, False] and f["per"].tolist() == [2.0] * 4
    floats = BOM.from_frame(frame([(0.5, 0.25, 1.0), (0.5, 2.5, 2.0), (1.5, 0.25, 1.0)])).to_frame()
    assert floats["component"].tolist() == [0.25, 2.5, 0.25] and floats["parent"].dtype == np.float64
    # a BOM pickled before (its lines: 7 full arrays) still gives its lines
    old = BOM.from_frame(frame([("A", "B", 0.5)]))
    state = old.__getstate__()
    state["_lines"] = (np.array(["A"], dtype=object), np.array(["B"], dtype=object), np.array([0.5]),
                       np.ones(1), np.zeros(1), np.ones(1), np.array([1]))
    again = BOM.__new__(BOM)
    again.__setstate__(state)
    assert_frame_equal(again.to_frame(), old.to_frame())


def test_a_bom_pickled_by_an_older_version_rebuilds_its_integer_lookup():
    """An object BOM pickled by an older version holds the integer lookup it was compiled with, without its bool
    items (and, older still, its whole float items); this version reads an all-bool demand as integers through
    that lookup, so the demand [True] missed the item True that a fresh compile (and the older version) found
    (review 51). A state of another lookup revision rebuilds the lookup; this version's pickles keep theirs."""
    from bk_fast.bom import _IntLookup

    bools = BOM.from_frame(pd.DataFrame({"parent": pd.Series([2, "A"], dtype=object),
                                         "component": pd.Series([True, 1], dtype=object), "qty_per": 1.0}))
    floats = BOM.from_frame(pd.DataFrame({"parent": [1.5, 3.0], "component": [1, 2], "qty_per": 1.0}))
    assert [type(x) for x in bools.items] == [int, str, bool]
    assert [type(x) for x in floats.items] == [float, float, int, int]
    demand = [[True], [1], [3.0], [3], [True, "A"], [2], [1.5]]
    for bom in (bools, floats):
        fresh = [bom.codes(d).tolist() for d in demand]
        state = bom.__getstate__()
        assert state.pop("_lookup_rev") >= 2
        # the lookup an older version built: the plain integer items only (bools and whole floats left out)
        plain = [v if type(v) is int else object() for v in bom.items]
        state["_lookup"] = _IntLookup.build(pd.Index(plain, dtype=object))
        old = BOM.__new__(BOM)
        old.__setstate__(dict(state))
        assert [old.codes(d).tolist() for d in demand] == fresh
        assert [pickle.loads(pickle.dumps(old)).codes(d).tolist() for d in demand] == fresh
        # a state of this revision is taken as it is (no rebuild on every load of a large BOM)
        kept = BOM.__new__(BOM)
        kept.__setstate__(bom.__getstate__())
        assert kept._lookup is bom._lookup
    assert bools.codes([True]).tolist() == [2] and floats.codes([3]).tolist() == [1]


def test_integer_ids_just_past_the_id_table_are_unmatched(engine):
    """Integer item ids 0..2 go through a dense id -> code table of length 3: a demand id of 3 (one past its
    end) or -1 is no item of the BOM, reported as unmatched, not dropped and no IndexError (README/explode:
    unmatched demand is reported). 3 x 1 + 1 x 1 lbs of item 1 make 4 x 3 = 12 of item 2 and 4 x 0.5 = 2 of 0."""
    bom = BOM.from_frame(pd.DataFrame({"parent": [1, 1], "component": [2, 0], "qty_per": [3.0, 0.5]}),
                         engine=engine)
    out = bom.explode(pd.DataFrame({"item": [1, 3, -1, 1], "qty": [3.0, 5.0, 7.0, 1.0]}), engine=engine)
    assert as_dict(out) == {2: 12.0, 0: 2.0}
    um = out.bk_fast.unmatched
    assert um["item"].tolist() == [3, -1] and um["qty"].tolist() == [5.0, 7.0] and um["lines"].tolist() == [1, 1]

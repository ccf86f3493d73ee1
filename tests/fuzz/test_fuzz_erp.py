"""Fuzz the ERP-facing adapters (bk_fast.erp) and the engine-free public functions (optimize_memory, read_erp)
on mutated ERP-shaped frames from the synthetic mill: every engine returns the reference's answer or the same
clear ValueError/TypeError naming a column/argument or row; inputs are never modified."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from _harness import assert_unchanged, check_engines, fuzz_settings, module_or_skip, number_column, run, snapshot
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_capabilities import mutation

import bk_fast


@functools.lru_cache(maxsize=None)
def _mill():
    return bk_fast.datasets.make_mill(scale=0.02, seed=3)


def _names(frames):
    out = set(frames)
    for f in frames.values():
        out |= {str(c) for c in f.columns}
    return out


IDS = ("Desc#", "Style#", "Style #", "Order #", "Machine", "WC", "Work Center", "fStyle#", "gStyle")


def _fuzz(what, call, keys, target, data):
    erp = module_or_skip("bk_fast.erp")
    mill = _mill()
    frames = {k: mill[k] for k in keys}
    frames[target], _ = data.draw(mutation(mill[target], id_cols=IDS))
    before = snapshot(*frames.values())
    check_engines(lambda eng: call(erp, eng, **frames), _names(frames), where=what)
    assert_unchanged(before, list(frames.values()))


@pytest.mark.parametrize("target", ["knit_orders", "bom"])
@fuzz_settings(4)
@given(data=st.data())
def test_erp_yarn_requirements(target, data):
    def call(erp, eng, knit_orders, bom):
        r = erp.yarn_requirements(knit_orders, bom, engine=eng)
        return [r.by_order, r.by_yarn, r.unmatched]

    _fuzz("erp.yarn_requirements", call, ("knit_orders", "bom"), target, data)


@pytest.mark.parametrize("target", ["knit_orders", "bom", "yarn_inventory", "yarn_po"])
@fuzz_settings(3)
@given(data=st.data())
def test_erp_allocate_knit_orders(target, data):
    def call(erp, eng, knit_orders, bom, yarn_inventory, yarn_po):
        r = erp.allocate_knit_orders(knit_orders, bom, yarn_inventory, yarn_po, today="2025-09-01", engine=eng)
        return [r.orders, r.lines, r.supply]

    _fuzz("erp.allocate_knit_orders", call, ("knit_orders", "bom", "yarn_inventory", "yarn_po"), target, data)


@pytest.mark.parametrize("target", ["knit_orders", "machines", "style_capacity", "style_work_center"])
@fuzz_settings(3)
@given(data=st.data())
def test_erp_schedule_knit_orders(target, data):
    def call(erp, eng, knit_orders, machines, style_capacity, style_work_center):
        s = erp.schedule_knit_orders(knit_orders, machines, style_capacity, style_work_center, start="2025-09-01",
                                     engine=eng)
        return [getattr(s, "jobs", s), getattr(s, "machines", None)]

    _fuzz("erp.schedule_knit_orders", call, ("knit_orders", "machines", "style_capacity", "style_work_center"),
          target, data)


@pytest.mark.parametrize("target", ["yarn_inventory", "yarn_po"])
@fuzz_settings(4)
@given(data=st.data())
def test_erp_yarn_demand_report(target, data):
    erp = module_or_skip("bk_fast.erp")
    mill = _mill()
    ids = mill["yarn_inventory"]["Desc#"].to_numpy()[:5]
    demand = pd.DataFrame({"Desc#": ids, "This Week": np.linspace(0, 400, len(ids)),
                           "Week 36": np.linspace(50, 10, len(ids)), "Later": 1.0})

    def call(erp, eng, yarn_inventory, yarn_po):
        return erp.yarn_demand_report(yarn_inventory, demand, yarn_po, engine=eng)

    _fuzz("erp.yarn_demand_report", call, ("yarn_inventory", "yarn_po"), target, data)


@fuzz_settings(15)
@given(data=st.data())
def test_optimize_memory_round_trips(data):
    n = data.draw(st.integers(0, 6))
    df = pd.DataFrame({f"c{i}": data.draw(number_column(n)).reset_index(drop=True) for i in range(3)})
    before = snapshot(df)
    out = run(bk_fast.optimize_memory, df)
    assert_unchanged(before, [df])
    if out.error is None:
        small, report = out.value
        assert list(small.columns) == list(df.columns) and len(small) == len(df)
        for c in df.columns:
            a, b = df[c], small[c]
            if a.dtype.kind in "fiub" and b.dtype.kind in "fiub":  # lossless: the same numbers back
                assert b.astype(a.dtype).equals(a), (c, a.dtype, b.dtype, a.tolist(), b.tolist())


@fuzz_settings(15)
@given(body=st.lists(st.lists(st.one_of(st.sampled_from(["18767", "$1,200.00", "(5)", "", "n/a", "Nylon", "ü"]),
                                        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=5)),
                              min_size=4, max_size=4), max_size=5),
       header=st.sampled_from(["Desc#,Description,Planning_Balance,Cost/Pound", "a,b,c,d",
                               "Desc #,Description,Theoretical Balance,Allocated"]))
def test_read_erp_text(body, header):
    io = module_or_skip("bk_fast.io")
    lines = [header] + [",".join('"' + c.replace('"', "'") + '"' for c in row) for row in body]
    raw = ("\n".join(lines) + "\n").encode("utf-8")

    def call(eng):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return io.read_erp(raw, engine=eng)

    check_engines(call, ["header", "column", "columns", "kind", "source"], where="read_erp")

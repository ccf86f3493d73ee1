"""Small public-API scenarios covering every registered kernel, and a recorder that captures the arrays each
kernel is called with, so that thread and leak tests can replay every kernel on every engine with real,
validated inputs (what the pandas layer hands the kernel), not hand-made ones.

A capability whose module does not import (not landed yet, or broken) is left out with the reason.
"""

from __future__ import annotations

import copy
import functools
import importlib
import importlib.util
import warnings

import numpy as np
import pandas as pd

import bk_fast
from bk_fast import _engine

#: kernels reading the Arrow bytes of text columns: without pyarrow (pandas' str holds Python strings) no public
#: path calls them, so no scenario can (the tests of "every kernel reached" leave them out there)
ARROW_TEXT_KERNELS = frozenset() if importlib.util.find_spec("pyarrow") else \
    frozenset({"hash_factorize", "take_text", "text_lookup"})


@functools.lru_cache(maxsize=None)
def small_mill():
    return bk_fast.datasets.make_mill(scale=0.03, seed=7)


def _inventory(engine):
    inv = small_mill()["yarn_inventory"]
    comps = inv.drop(columns=[c for c in inv.columns if "heoretical" in str(c)])
    return [bk_fast.yarn_risk(inv, engine=engine), bk_fast.planning_balance(inv, engine=engine),
            bk_fast.theoretical_balance(comps, engine=engine)]


def _segments(engine):
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 20, 300)
    return [bk_fast.segmented_cumsum(rng.normal(size=300), keys, engine=engine),
            bk_fast.segmented_cumsum(rng.integers(-50, 50, 300), keys.astype(str), engine=engine)]


def _bom(engine):
    bom_mod = importlib.import_module("bk_fast.bom")
    out = [bom_mod._demo_step(small_mill(), engine).table]
    lines = pd.DataFrame({"parent": [1, 1, 2, 2, 3], "component": [2, 3, 10, 11, 10],
                          "qty_per": [2.0, 1.0, 0.5, 0.25, 3.0]})
    bom = bk_fast.BOM.from_frame(lines, engine=engine)
    out.append(bom.explode(pd.DataFrame({"item": [1, 2, 3, 1], "qty": [10.0, 4.0, 1.0, 2.5]}), engine=engine))
    out.append(bom.explode(pd.DataFrame({"item": [1, 3], "qty": [1.0, 2.0]}), by_line=True, engine=engine))
    out.append(bom.rollup({10: 2.0, 11: 4.0}, engine=engine))
    out.append(bom.where_used(10, engine=engine))
    return out


def _text(engine):
    # text ids: a demand column longer than the BOM's chunk (8192 lines) goes through text_lookup on the
    # compiled engines (padded, unicode-padded, blank, missing and unknown ids)
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["FG", "FG", "SUB"], "component": ["SUB", "Y1", "Y2"],
                                               "qty_per": [2.0, 0.5, 3.0]}), engine=engine)
    ids = pd.Series(["FG", " SUB\t", "Y1", "\xa0FG", "", None, "nope"] * 1200, dtype="str")
    # the ERP's style tables keyed once (text_hash: at the build and at each lookup)
    erp = importlib.import_module("bk_fast.erp")
    mill = small_mill()
    styles = erp.StyleIndex(mill["style_capacity"], mill["style_work_center"], engine=engine)
    return [bom.explode(pd.DataFrame({"item": ids, "qty": 1.0}), engine=engine),
            erp.erp_capacity(mill["knit_orders"]["Style #"], styles)]


def _netting(engine):
    from bk_fast.lots import MinMaxMultiple, WagnerWhitin

    netting = importlib.import_module("bk_fast.netting")
    demand = pd.DataFrame({"This Week": [3137.8, 10.0], "Week 36": [4120.3, 0.0]}, index=[18767, 18929])
    receipts = pd.DataFrame({"Week 36": [8000.0]}, index=[18767])
    out = [bk_fast.weekly_balance(pd.Series({18767: 0.0, 18929: 25.0}), demand, receipts,
                                  past_due={18929: 5.0}, engine=engine)]
    gross = np.array([[10.0, 20, 30, 40], [0.0, 140, 0, 16]])
    out.append(bk_fast.net_requirements(gross, 0.0, lot=WagnerWhitin(setup=30, holding=1), lead_time=1,
                                        engine=engine).planned_receipts)
    out.append(bk_fast.net_requirements(gross, 5.0, lot=MinMaxMultiple(50, 100, 1), engine=engine).orders)
    out.append(netting._demo_step(small_mill(), engine).table)
    return out


def _allocation(engine):
    allocation = importlib.import_module("bk_fast.allocation")
    orders = pd.DataFrame({"order": [1, 2, 3, 4], "item": ["Y", "Y", "Y", "Z"], "qty": [10.0, 10.0, 10.0, 3.0],
                           "priority": [1, 2, 3, 1], "due": [9, 10, 11, 2]})
    supply = pd.DataFrame({"item": ["Y", "Y", "Z"], "period": [0, 5, 1], "qty": [25.0, 4.0, 2.0]})
    res = bk_fast.allocate(orders, supply, engine=engine)
    kit_orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [1000.0, 500.0], "priority": [1, 2]})
    req = pd.DataFrame({"order": ["K1", "K1", "K2"], "item": [18767, 18929, 18767], "fraction": [0.9, 0.1, 1.0]})
    kit_supply = pd.DataFrame({"item": [18767, 18929], "qty": [1200.0, 50.0]})
    kits = bk_fast.allocate_kits(kit_orders, req, kit_supply, engine=engine)
    return [res.deliveries, res.shortfalls, kits.orders, kits.lines,
            allocation._demo_step(small_mill(), engine).table]


def _scheduling(engine):
    scheduling = importlib.import_module("bk_fast.scheduling")
    r = bk_fast.min_late_jobs([7, 8, 4, 6, 6, 3, 9], [9, 17, 18, 19, 20, 5, 30], engine=engine)
    return [r.sequence, r.on_time, r.n_late, scheduling._demo_step(small_mill(), engine).table]


def _io(engine):
    io = importlib.import_module("bk_fast.io")
    export = b'Desc#,Planning Balance\n1,"$1,326.67"\n2,"1.234,56"\n3,"1,2,3"\n4,5\n'  # (misplaced commas too)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the misplaced commas' coerced-value warning)
        inventory = io.read_erp(export, engine=engine, optimize=False)
    return [io.parse_numbers(["$1,326.67 ", "1,200.0", "($2,183.40)", "", "n/a", None, "1e5", "١٢"] * 20,
                             engine=engine), inventory]


def _compat(engine):
    from bk_fast.compat import DataFrameOptimizer as D
    from bk_fast.compat._synthetic import phase3_frames

    out = []
    f = phase3_frames(60, seed=3)
    g = phase3_frames(60, seed=4, string_ids=True)
    for name, args in [("optimize_planning_balance_calculation", (f["inventory"].copy(),)),
                       ("optimize_shortage_detection", (f["inventory"].copy(),)),
                       # str yarn ids (pyarrow-backed, no missing values): the shortage rows' text column is
                       # taken by the take_text kernel on the compiled engines
                       ("optimize_shortage_detection", (g["inventory"].copy(),)),
                       ("optimize_bom_explosion", (f["bom"], 100.0)),
                       ("optimize_yarn_allocation", (f["yarn"], f["orders"])),
                       ("optimize_yarn_allocation", (g["yarn"], g["orders"])),
                       ("optimize_production_scheduling", (f["work_orders"], f["capacity"]))]:
        fn = getattr(D, name)
        kwargs = {"engine": engine}
        if name == "optimize_production_scheduling":
            kwargs["now"] = pd.Timestamp("2025-09-01")
        try:
            out.append(fn(*args, **kwargs))
        except TypeError:  # a method without engine=
            out.append(fn(*args))
    return out


#: capability -> (module that must import, scenario)
SCENARIOS = {
    "inventory": ("bk_fast.inventory", _inventory),
    "segments": ("bk_fast.segments", _segments),
    "bom": ("bk_fast.bom", _bom),
    "text": ("bk_fast.bom", _text),
    "netting": ("bk_fast.netting", _netting),
    "allocation": ("bk_fast.allocation", _allocation),
    "scheduling": ("bk_fast.scheduling", _scheduling),
    "io": ("bk_fast.io", _io),
    "compat": ("bk_fast.compat", _compat),
}


def importable(capability: str) -> str | None:
    """None when the capability's module imports, else the reason it does not."""
    try:
        importlib.import_module(SCENARIOS[capability][0])
    except Exception as exc:  # noqa: BLE001
        return f"{SCENARIOS[capability][0]} does not import: {type(exc).__name__}: {exc}"
    return None


# ----------------------------------------------------------------------------------------------------------
# recording kernel calls


def _copy_arg(a):
    if a is None or isinstance(a, (int, float, str, bytes, np.generic)):
        return a
    if isinstance(a, np.ndarray):
        c = np.array(a, copy=True, order="K")
        c.flags.writeable = a.flags.writeable  # same numba type (read-only arrays are a distinct type)
        return c
    try:
        return copy.deepcopy(a)
    except Exception:  # noqa: BLE001 - e.g. a numba typed container: replayed as is
        return a


class Call:
    """One recorded kernel call: the callable and a copy of its arguments as they were before the call."""

    def __init__(self, name: str, engine: str, fn, args, copy_args: bool = True):
        self.name, self.engine, self.fn = name, engine, fn
        self.args = tuple(_copy_arg(a) for a in args) if copy_args else tuple(args)

    def fresh_args(self):
        return tuple(_copy_arg(a) for a in self.args)

    def replay(self, args=None):
        """Run on fresh copies; the result is the return value and every array argument after the call."""
        args = self.fresh_args() if args is None else args
        ret = self.fn(*args)
        return ret, [a for a in args if isinstance(a, np.ndarray)]

    @property
    def size(self) -> int:
        return sum(a.nbytes for a in self.args if isinstance(a, np.ndarray))


class _Recorder(dict):
    """Stands in for the engine registry's resolved-callable cache: hands out wrappers that record the first
    ``keep`` calls of each (kernel, engine)."""

    def __init__(self, base, log, keep, copy_args=True):
        super().__init__(base)
        self.log, self.keep, self.copy_args = log, keep, copy_args

    def get(self, key, default=None):
        fn = dict.get(self, key)
        if fn is None:
            return default
        name, engine = key
        log, keep = self.log, self.keep

        def recording(*args):
            calls = log.setdefault(name, [])
            if len(calls) < keep:
                calls.append(Call(name, engine, fn, args, self.copy_args))
            return fn(*args)

        return recording


def capture(engine: str, keep: int = 2) -> tuple[dict[str, list[Call]], dict[str, str]]:
    """Run every scenario on ``engine`` and record the kernel calls: ({kernel: [Call, ...]}, {capability:
    reason it was left out})."""
    skipped = {}
    for cap in SCENARIOS:  # warm up (fills the resolved cache; first calls are not recorded)
        reason = importable(cap)
        if reason:
            skipped[cap] = reason
            continue
        try:
            SCENARIOS[cap][1](engine)
        except Exception as exc:  # noqa: BLE001
            skipped[cap] = f"scenario failed: {type(exc).__name__}: {exc}"
    log: dict[str, list[Call]] = {}
    saved = _engine._RESOLVED
    _engine._RESOLVED = _Recorder(saved, log, keep)
    try:
        for cap in SCENARIOS:
            if cap not in skipped:
                SCENARIOS[cap][1](engine)
    finally:
        rec = _engine._RESOLVED
        _engine._RESOLVED = saved
        saved.update({k: v for k, v in dict.items(rec) if k not in saved})
    return log, skipped


def record(fn, keep: int = 1, copy_args: bool = True) -> dict[str, list[Call]]:
    """Run ``fn()`` twice (the first warms the resolved cache) and record the kernel calls of the second."""
    fn()
    log: dict[str, list[Call]] = {}
    saved = _engine._RESOLVED
    _engine._RESOLVED = _Recorder(saved, log, keep, copy_args)
    try:
        fn()
    finally:
        _engine._RESOLVED = saved
    return log


@functools.lru_cache(maxsize=None)
def captured(engine: str):
    """:func:`capture` once per engine per test session (shared by the thread and leak tests)."""
    return capture(engine)

"""Swap bk_fast's drop-ins into an ERP service without touching its callers, and back.

``patch(target)`` replaces every method of ``target`` (a service object or class) whose name the Phase-3
contract knows with the bk_fast version; the originals are kept in ``target._original_methods``. With the
environment variable ``BK_FAST_DISABLE=1`` (read on every call) patched methods call the originals: a rollback
switch that needs no deploy. ``unpatch(target)`` restores the originals exactly.
"""

from __future__ import annotations

import functools
import inspect
import threading
import time

from bk_fast._engine import switched
from bk_fast.compat.dataframe_optimizer import DataFrameOptimizer
from bk_fast.compat.memory_optimizer import MemoryOptimizer
from bk_fast.compat.stats import note_original

__all__ = ["patch", "unpatch", "disabled", "CONTRACT_METHODS"]

#: held while a target is patched or unpatched: two threads patching at once both saw it unpatched, and the
#: second kept the first one's bk_fast methods as the "originals" (unpatch then restored bk_fast)
_LOCK = threading.RLock()

#: method name -> the bk_fast drop-in that replaces it
CONTRACT_METHODS = {
    name: getattr(DataFrameOptimizer, name) for name in (
        "optimize_planning_balance_calculation", "optimize_shortage_detection", "optimize_bom_explosion",
        "optimize_yarn_allocation", "optimize_production_scheduling", "optimize_cost_calculation",
        "optimize_date_calculations", "optimize_aggregations", "optimize_conditional_updates",
        "optimize_string_operations", "optimize_merge_operations", "optimize_memory_usage",
        "benchmark_optimization", "apply_all_optimizations")
}
CONTRACT_METHODS["optimize_dataframe"] = MemoryOptimizer.optimize_dataframe

_MISSING = object()


def disabled() -> bool:
    """True when ``BK_FAST_DISABLE`` is set to anything but ``""``, ``0``, ``false``, ``no`` or ``off`` (any case,
    surrounding spaces ignored: :func:`bk_fast._engine.switched`; unknown text disables, as a kill switch should).

    Read at every patched call: while it is true, patched methods run the originals.

    Returns
    -------
    bool

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from bk_fast.compat import disabled
    >>> with mock.patch.dict(os.environ, {"BK_FAST_DISABLE": "1"}):
    ...     disabled()
    True
    >>> with mock.patch.dict(os.environ, {"BK_FAST_DISABLE": "False"}):
    ...     disabled()
    False
    >>> with mock.patch.dict(os.environ, {"BK_FAST_DISABLE": "off"}):
    ...     disabled()
    False
    """
    return switched("BK_FAST_DISABLE")


def _route(name, fast, original):
    """A callable that runs ``fast`` unless disabled, else ``original`` (timed into the stats)."""

    @functools.wraps(fast)
    def call(*args, **kwargs):
        if disabled():
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                note_original(name, time.perf_counter() - start)
        return fast(*args, **kwargs)

    return _marked(call)


def _marked(func):
    """``func`` with the marker ``__bk_fast_patched__ = True`` that every patched method carries."""
    func.__bk_fast_patched__ = True
    return func


def _class_replacement(cls, name, raw):
    fast = CONTRACT_METHODS[name]
    if isinstance(raw, staticmethod):
        return staticmethod(_route(name, fast, raw.__func__))
    if isinstance(raw, classmethod):
        func = raw.__func__

        def via_class(klass, *args, **kwargs):
            return routed(klass, *args, **kwargs)

        routed = _route(name, lambda klass, *a, **kw: fast(*a, **kw),
                        lambda klass, *a, **kw: func(klass, *a, **kw))
        return classmethod(_marked(functools.wraps(fast)(via_class)))
    if inspect.isfunction(raw):
        routed = _route(name, lambda self, *a, **kw: fast(*a, **kw), raw)
        return _marked(functools.wraps(fast)(lambda self, *a, **kw: routed(self, *a, **kw)))
    # any other callable attribute: called without an instance
    return staticmethod(_route(name, fast, raw))


def patch(target):
    """Replace ``target``'s contract methods with bk_fast's drop-ins; returns ``target``.

    ``target`` is a class (e.g. the ERP's ``DataFrameOptimizer``; static, class and instance methods are all
    handled) or a service object (its attributes are shadowed on the instance). Only names the contract knows
    and ``target`` has are touched. Patching twice is a no-op. Every patched method, however it is reached
    (``Service.name``, ``Service().name``, a patched instance's ``obj.name``), carries the attribute
    ``__bk_fast_patched__ = True``; the originals do not.

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.compat import patch, unpatch
    >>> class Service:
    ...     @staticmethod
    ...     def optimize_planning_balance_calculation(df):
    ...         raise RuntimeError("the slow original")
    >>> patch(Service)
    <class 'bk_fast.compat.patching.Service'>
    >>> out = Service.optimize_planning_balance_calculation(pd.DataFrame({"allocated": [-3.0]}))
    >>> out["planning_balance"].tolist()
    [-3.0]
    >>> sorted(Service._original_methods)
    ['optimize_planning_balance_calculation']
    >>> Service.optimize_planning_balance_calculation.__bk_fast_patched__
    True
    >>> unpatch(Service)
    <class 'bk_fast.compat.patching.Service'>
    """
    with _LOCK:  # (the check and the saving of the originals as one step: threads patching at once)
        return _patch(target)


def _patch(target):
    if "_bk_fast_raw" in vars(target):
        return target
    raw_saved, originals = {}, {}
    is_class = inspect.isclass(target)
    for name in CONTRACT_METHODS:
        try:
            raw = inspect.getattr_static(target, name)
        except AttributeError:
            continue
        originals[name] = getattr(target, name)
        own = vars(target).get(name, _MISSING) if hasattr(target, "__dict__") else _MISSING
        raw_saved[name] = own
        if is_class:
            setattr(target, name, _class_replacement(target, name, raw))
        else:
            setattr(target, name, _route(name, CONTRACT_METHODS[name], originals[name]))
    had_originals = vars(target).get("_original_methods", _MISSING)
    setattr(target, "_bk_fast_raw", (raw_saved, had_originals))
    setattr(target, "_original_methods", originals)
    return target


def unpatch(target):
    """Undo :func:`patch`: restore every original method exactly (descriptors included); returns ``target``.

    A target that is not patched is returned unchanged.

    Examples
    --------
    >>> from bk_fast.compat import patch, unpatch
    >>> class Service:
    ...     @staticmethod
    ...     def optimize_planning_balance_calculation(df):
    ...         return "the original"
    >>> original = vars(Service)["optimize_planning_balance_calculation"]
    >>> vars(patch(Service))["optimize_planning_balance_calculation"] is original
    False
    >>> vars(unpatch(Service))["optimize_planning_balance_calculation"] is original
    True
    >>> Service.optimize_planning_balance_calculation(None), hasattr(Service, "_original_methods")
    ('the original', False)
    """
    with _LOCK:
        return _unpatch(target)


def _unpatch(target):
    state = vars(target).get("_bk_fast_raw")
    if state is None:
        return target
    raw_saved, had_originals = state
    for name, own in raw_saved.items():
        if own is _MISSING:
            delattr(target, name)
        else:
            setattr(target, name, own)
    delattr(target, "_bk_fast_raw")
    if had_originals is _MISSING:
        delattr(target, "_original_methods")
    else:
        setattr(target, "_original_methods", had_originals)
    return target

"""Per-function call statistics of the drop-ins: thread-safe counters, served as a plain dict."""

from __future__ import annotations

import functools
import threading
import time

import pandas as pd

__all__ = ["stats", "reset_stats", "tracked", "note_fallback", "note_original"]

_LOCK = threading.Lock()
_STATS: dict[str, dict[str, float]] = {}


def _entry(name: str) -> dict[str, float]:
    entry = _STATS.get(name)
    if entry is None:
        entry = _STATS[name] = {"calls": 0, "rows": 0, "seconds": 0.0, "fallback_calls": 0,
                                "original_calls": 0, "original_seconds": 0.0}
    return entry


def _rows(args, kwargs) -> int:
    for value in (*args, *kwargs.values()):
        if isinstance(value, pd.DataFrame):
            return len(value)
    return 0


def tracked(name: str):
    """Decorator: count calls, input rows (the first DataFrame argument) and wall seconds under ``name``."""

    def wrap(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            rows = _rows(args, kwargs)
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                with _LOCK:
                    entry = _entry(name)
                    entry["calls"] += 1
                    entry["rows"] += rows
                    entry["seconds"] += elapsed

        return run

    return wrap


def note_fallback(name: str) -> None:
    """Count a call that left the kernel path for the plain pandas path (unusual dtypes, missing columns...)."""
    with _LOCK:
        _entry(name)["fallback_calls"] += 1


def note_original(name: str, seconds: float) -> None:
    """Count a patched call that ``BK_FAST_DISABLE`` sent to the original method."""
    with _LOCK:
        entry = _entry(name)
        entry["original_calls"] += 1
        entry["original_seconds"] += seconds


def stats() -> dict[str, dict[str, float]]:
    """Call statistics of the drop-ins since start (or :func:`reset_stats`), ready to serve as JSON.

    One entry per function name: ``calls``, ``rows`` (input rows), ``seconds`` (total wall time),
    ``fallback_calls`` (calls the kernels could not serve, left to the plain pandas path: unusual dtypes, missing
    columns; a call that asks for ``engine="pandas"`` is no fallback), and for patched services ``original_calls`` /
    ``original_seconds`` (calls that ``BK_FAST_DISABLE=1`` routed to the original method).

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> from bk_fast.compat import DataFrameOptimizer
    >>> bk_fast.reset_stats()
    >>> _ = DataFrameOptimizer.optimize_planning_balance_calculation(pd.DataFrame({"allocated": [-5.0, 0.0]}))
    >>> s = bk_fast.stats()["optimize_planning_balance_calculation"]
    >>> s["calls"], s["rows"]
    (1, 2)
    """
    with _LOCK:
        return {name: dict(entry) for name, entry in sorted(_STATS.items())}


def reset_stats() -> None:
    """Forget all call statistics: :func:`stats` starts again from an empty dict.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> from bk_fast.compat import DataFrameOptimizer
    >>> _ = DataFrameOptimizer.optimize_planning_balance_calculation(pd.DataFrame({"allocated": [-5.0]}))
    >>> "optimize_planning_balance_calculation" in bk_fast.stats()
    True
    >>> bk_fast.reset_stats()
    >>> bk_fast.stats()
    {}
    """
    with _LOCK:
        _STATS.clear()

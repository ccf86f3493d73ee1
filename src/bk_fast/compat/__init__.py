"""Drop-in replacements for the ERP's Phase-3 optimizer services (DOMAIN.md section 8).

- :class:`DataFrameOptimizer` and :class:`MemoryOptimizer`: same names, arguments, output frames (columns,
  dtypes, index, row order, NaN) and in-place mutation as the originals; the hot methods (allocation,
  scheduling, BOM cumulative, shortage, planning balance) run on bk_fast kernels.
- :func:`patch` / :func:`unpatch`: swap them into a service object or class without touching its callers;
  ``BK_FAST_DISABLE=1`` sends patched calls back to the originals.
- :func:`stats` / :func:`reset_stats`: per-function calls, rows and seconds, as a plain dict.

Examples
--------
>>> import pandas as pd
>>> from bk_fast.compat import DataFrameOptimizer
>>> inv = pd.DataFrame({"theoretical_balance": [500.0, 20.0], "allocated": [-120.0, None],
...                     "on_order": [0.0, 0.0], "min_stock": [100.0, 50.0]})
>>> DataFrameOptimizer.optimize_planning_balance_calculation(inv) is inv   # in place, like the original
True
>>> DataFrameOptimizer.optimize_shortage_detection(inv)[["planning_balance", "shortage_amount"]]
   planning_balance  shortage_amount
1              20.0             30.0
"""

from __future__ import annotations

from bk_fast.compat.dataframe_optimizer import DataFrameOptimizer
from bk_fast.compat.memory_optimizer import MemoryOptimizer
from bk_fast.compat.patching import CONTRACT_METHODS, disabled, patch, unpatch
from bk_fast.compat.stats import reset_stats, stats

__all__ = ["DataFrameOptimizer", "MemoryOptimizer", "patch", "unpatch", "disabled", "stats", "reset_stats",
           "CONTRACT_METHODS"]


def _demo_step(mill, engine):
    from bk_fast.compat._demo import demo_step

    return demo_step(mill, engine)

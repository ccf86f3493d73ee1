"""bk_fast: the fast compute core for knit-mill planning.

Exact, fast kernels for yarn balances, shortage risk, BOM explosion, netting, allocation and machine
scheduling, each with three engines (Cython, Numba, pure NumPy) behind one pandas-facing API.

Public names load on first use: ``import bk_fast`` imports neither numba nor the compiled extension.

Examples
--------
>>> import bk_fast
>>> sorted(bk_fast.engines())
['cython', 'numba', 'numpy']
"""

from __future__ import annotations

import importlib

from bk_fast._engine import engines, get_engine, set_engine, use_engine

__version__ = "0.1.0"

# public name -> module that defines it (loaded lazily by __getattr__)
_LAZY = {
    "theoretical_balance": "bk_fast.inventory",
    "planning_balance": "bk_fast.inventory",
    "yarn_risk": "bk_fast.inventory",
    "RISK_DTYPE": "bk_fast.inventory",
    "segmented_cumsum": "bk_fast.segments",
    "datasets": "bk_fast.datasets",
    # capabilities that later modules provide
    "BOM": "bk_fast.bom",
    "BOMCycleError": "bk_fast.bom",
    "weekly_balance": "bk_fast.netting",
    "net_requirements": "bk_fast.netting",
    "mrp": "bk_fast.netting",
    "allocate": "bk_fast.allocation",
    "allocate_kits": "bk_fast.allocation",
    "schedule": "bk_fast.scheduling",
    "min_late_jobs": "bk_fast.scheduling",
    "optimize_memory": "bk_fast.memory",
    "stats": "bk_fast.compat",
    "reset_stats": "bk_fast.compat",
    "compat": "bk_fast.compat",
    "erp": "bk_fast.erp",
    "io": "bk_fast.io",
    "bench": "bk_fast.bench",
    "normalize_ids": "bk_fast.io",
    "release_scratch": "bk_fast._scratch",
}

__all__ = ["engines", "get_engine", "set_engine", "use_engine", "__version__", *_LAZY]


def __getattr__(name: str):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'bk_fast' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"bk_fast.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

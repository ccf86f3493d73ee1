"""Helpers shared by the asv suites (engine checks, synthetic inventories of any size)."""

from __future__ import annotations

import numpy as np
import pandas as pd

ENGINES = ["cython", "numba", "numpy"]


def check_engine(engine: str) -> None:
    """Raise NotImplementedError (asv: skip) when ``engine`` is not available here."""
    import bk_fast

    status = bk_fast.engines()[engine]
    if not status.available:
        raise NotImplementedError(f"{engine} unavailable: {status.reason}")


def inventory(n: int, seed: int = 0) -> pd.DataFrame:
    """A yarn inventory of ``n`` rows with the real mill's shape (DOMAIN.md 1b): NaNs where the ERP has
    blanks, Consumed/Allocated <= 0 in 15 %/12 % of rows, On Order in 6 %."""
    rng = np.random.default_rng(seed)
    stock = np.where(rng.random(n) < 0.7, rng.lognormal(5.0, 1.6, n), 0.0).round(2)
    consumed = np.where(rng.random(n) < 0.15, -rng.lognormal(6.0, 1.2, n), np.nan).round(2)
    allocated = np.where(rng.random(n) < 0.12, -rng.lognormal(6.0, 1.3, n), 0.0).round(2)
    on_order = np.where(rng.random(n) < 0.06, rng.lognormal(8.0, 1.0, n), 0.0).round(2)
    theoretical = stock + np.nan_to_num(consumed)
    return pd.DataFrame({"Desc#": np.arange(10000, 10000 + n), "Theoretical Balance": theoretical,
                         "Allocated": allocated, "On Order": on_order, "Consumed": consumed})

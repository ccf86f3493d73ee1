"""segmented_cumsum vs pandas groupby().cumsum() and a plain Python loop (the ERP's per-yarn running sums)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import bk_fast

from .common import ENGINES, cached, check_engine


def segments_case(rows: int, str_keys: bool):
    """(values, keys): exponential quantities and zipf-distributed yarn ids (``rows // 20`` distinct), the ids
    as integers or as pandas ``str``."""
    rng = np.random.default_rng(0)
    ids = rng.zipf(1.6, rows) % max(rows // 20, 1)
    keys = pd.Series(ids.astype(str) if str_keys else ids)
    values = pd.Series(rng.exponential(500.0, rows).round(2))
    return values, keys


def cumsum_loop(values, keys):
    """Plain Python: a dict of running totals."""
    totals: dict = {}
    out = []
    for k, v in zip(keys, values):
        totals[k] = totals.get(k, 0.0) + v
        out.append(totals[k])
    return out


class SegmentedCumsum:
    params = [ENGINES + ["pandas", "loop"], [10_000, 1_000_000, 10_000_000], ["int", "str"]]
    param_names = ["method", "rows", "keys"]
    timeout = 600

    def setup(self, method, rows, keys):
        rows = int(rows)
        if method in ENGINES:
            check_engine(method)
        if method in ("loop", "numpy") and rows > 1_000_000:
            raise NotImplementedError("the Python loop and the numpy reference are only run up to 1e6 rows")
        self.values, self.keys = cached(segments_case, rows, keys == "str")
        if method in ENGINES:
            bk_fast.segmented_cumsum(self.values.head(10), self.keys.head(10), engine=method)

    def time_segmented_cumsum(self, method, rows, keys):
        if method == "pandas":
            self.values.groupby(self.keys, sort=False).cumsum()
        elif method == "loop":
            cumsum_loop(self.values.tolist(), self.keys.tolist())
        else:
            bk_fast.segmented_cumsum(self.values, self.keys, engine=method)

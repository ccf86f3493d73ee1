"""Numba engine for running sums per key; same semantics as ``reference.segments``."""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit


@jit
def segmented_cumsum(values, codes, n_groups, out):
    acc = np.zeros(n_groups, dtype=values.dtype)
    comp = np.zeros(n_groups, dtype=values.dtype)
    for i in range(values.shape[0]):
        g = codes[i]
        if g < 0:
            continue
        v = values[i]
        if v != v:  # NaN (never true for integers)
            out[i] = v
            continue
        # Kahan compensation as pandas' groupby cumsum; for integers comp stays 0 (wrapping arithmetic)
        y = v - comp[g]
        t = acc[g] + y
        comp[g] = (t - acc[g]) - y
        acc[g] = t
        out[i] = t

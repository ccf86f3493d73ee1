"""Reference kernels behind the Phase-3 drop-ins (``bk_fast.compat``): stable counting sort on dense keys,
running allocation / capacity sums per group in sorted order, and shortage row selection.

All inputs are validated by ``bk_fast.compat`` first: codes are dense int64 in ``[0, n)`` (or -1 where a
function says so), arrays have equal lengths, outputs are preallocated.
"""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel
from bk_fast._kernels.reference.segments import segmented_cumsum as _segmented_cumsum


@kernel
def counting_sort(codes, n_keys, dest, perm):
    """Stable sort of rows by dense key ``codes`` in ``[0, n_keys)``: ``dest[i]`` is row i's position in the
    sorted order and ``perm[j]`` the row at position j (``perm[dest[i]] == i``)."""
    n = codes.shape[0]
    perm[:] = np.argsort(codes, kind="stable")
    dest[perm] = np.arange(n, dtype=np.int64)


def _running(values, codes, n_groups):
    cum = np.full(values.shape[0], np.nan)
    _segmented_cumsum(values, codes, n_groups, cum)
    return cum


@kernel
def allocation_running(required, codes, n_groups, available, cum, can, alloc):
    """Rows already in allocation order. Per group code, the running sum of ``required`` (Kahan-compensated like pandas; NaN rows skipped,
    code -1 gives NaN) into ``cum``; ``can = cum <= available`` (NaN never); ``alloc = required`` where
    ``can`` else ``max(0, available - (cum - required))`` with NaN propagating."""
    cum[:] = _running(required, codes, n_groups)
    with np.errstate(invalid="ignore"):
        can[:] = cum <= available
        rest = available - (cum - required)
        alloc[:] = np.where(can, required, np.where(np.isnan(rest), np.nan, np.where(rest < 0.0, 0.0, rest)))


@kernel
def capacity_running(hours, codes, n_groups, available, cum, ok):
    """Rows already in schedule order. Per group code, the running sum of ``hours`` (Kahan-compensated; NaN rows skipped, code -1
    gives NaN) into ``cum``; ``ok = cum <= available`` (NaN never)."""
    cum[:] = _running(hours, codes, n_groups)
    with np.errstate(invalid="ignore"):
        ok[:] = cum <= available


@kernel
def shortage_rows(balance, threshold, rows, amount):
    """Positions where ``balance < threshold`` (strict, NaN never) into ``rows[:k]`` in row order and
    ``threshold - balance`` into ``amount[:k]``; returns ``k``."""
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(balance < threshold)
    k = hit.shape[0]
    rows[:k] = hit
    amount[:k] = threshold[hit] - balance[hit]
    return k

"""Reference kernel for running sums per key (the primitive behind the ERP's groupby-cumsum shortcuts)."""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel

#: groups at most this long are summed position by position across all groups at once; longer groups
#: are summed slice by slice. Both add in row order, so results equal a sequential loop bit for bit.
_SHORT = 64


@kernel
def segmented_cumsum(values, codes, n_groups, out):
    """Running sum of ``values`` per group code in row order, written to ``out``.

    ``codes`` are dense int64 group codes in ``[0, n_groups)`` or -1 (missing key: the row of ``out`` is left
    as the caller filled it).
    NaN values are skipped like pandas' ``groupby().cumsum()``: their row gets NaN and the sum goes on.
    Integer values accumulate in their own dtype (wrapping on overflow, like NumPy).
    """
    n = values.shape[0]
    if n == 0:
        return
    is_float = values.dtype.kind == "f"
    nan_rows = np.isnan(values) if is_float else np.zeros(n, dtype=bool)
    vals = np.where(nan_rows, 0, values).astype(values.dtype, copy=False)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    sorted_vals = vals[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, n])
    acc = np.empty_like(sorted_vals)
    short = sizes <= _SHORT
    s_starts, s_sizes = starts[short], sizes[short]
    if s_starts.size:
        acc[s_starts] = sorted_vals[s_starts]
        with np.errstate(over="ignore"):
            for k in range(1, int(s_sizes.max())):
                pos = s_starts[s_sizes > k] + k
                acc[pos] = acc[pos - 1] + sorted_vals[pos]
    for start, size in zip(starts[~short].tolist(), sizes[~short].tolist()):
        np.cumsum(sorted_vals[start:start + size], out=acc[start:start + size])
    result = np.empty_like(acc)
    result[order] = acc
    if is_float:
        result[nan_rows] = np.nan
    keep = codes >= 0
    out[keep] = result[keep]

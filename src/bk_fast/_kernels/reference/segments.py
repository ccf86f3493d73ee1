"""Reference kernel for running sums per key (the primitive behind the ERP's groupby-cumsum shortcuts)."""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel

#: groups at most this long are summed position by position across all groups at once (vectorised);
#: longer groups are summed by a plain loop. Both follow the same sequence of float operations.
_SHORT = 64


def _long_group(vals: np.ndarray) -> np.ndarray:
    out = np.empty_like(vals)
    if vals.dtype.kind != "f":
        np.cumsum(vals, out=out)
        return out
    acc = comp = 0.0
    for i, v in enumerate(vals.tolist()):
        if v != v:
            out[i] = v
            continue
        y = v - comp
        t = acc + y
        comp = (t - acc) - y
        acc = t
        out[i] = t
    return out


@kernel
def segmented_cumsum(values, codes, n_groups, out):
    """Running sum of ``values`` per group code in row order, written to ``out``.

    ``codes`` are dense int64 group codes in ``[0, n_groups)`` or -1 (missing key: the row of ``out`` is left
    as the caller filled it). Floats are summed with Kahan compensation, operation for operation as pandas'
    ``groupby().cumsum()`` does, so results equal pandas bit for bit; NaN values are skipped (their row is NaN
    and the sum goes on). Integers accumulate in int64, wrapping on overflow like NumPy.
    """
    n = values.shape[0]
    if n == 0:
        return
    is_float = values.dtype.kind == "f"
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    if order.size == 0:
        return
    sorted_codes = codes[order]
    vals = values[order]
    m = vals.shape[0]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, m])
    acc_out = np.empty_like(vals)
    short = sizes <= _SHORT
    s_starts, s_sizes = starts[short], sizes[short]
    if s_starts.size:
        acc = np.zeros(s_starts.size, dtype=vals.dtype)
        comp = np.zeros(s_starts.size, dtype=vals.dtype)
        with np.errstate(all="ignore"):
            for k in range(int(s_sizes.max())):
                live = s_sizes > k
                pos = s_starts[live] + k
                v = vals[pos]
                if is_float:
                    ok = ~np.isnan(v)
                    y = v - comp[live]
                    t = acc[live] + y
                    new_comp = (t - acc[live]) - y
                    comp[live] = np.where(ok, new_comp, comp[live])
                    acc[live] = np.where(ok, t, acc[live])
                    acc_out[pos] = np.where(ok, t, v)
                else:
                    acc[live] = acc[live] + v
                    acc_out[pos] = acc[live]
    for start, size in zip(starts[~short].tolist(), sizes[~short].tolist()):
        acc_out[start:start + size] = _long_group(vals[start:start + size])
    out[order] = acc_out

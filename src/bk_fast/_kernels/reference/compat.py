"""Reference kernels behind the Phase-3 drop-ins (``bk_fast.compat``): stable counting sort on two dense keys,
running allocation / capacity sums per group in sorted order, and shortage row selection.

All inputs are validated by ``bk_fast.compat`` first: codes are dense int64 in ``[0, n)`` (or -1 where a
function says so), arrays have equal lengths, outputs are preallocated.
"""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel
from bk_fast._kernels.reference.segments import segmented_cumsum as _segmented_cumsum


def _sort_codes2(k1, lo1, step1, span1, miss1, k2, lo2, step2, span2, miss2, codes):
    """Composite dense sort codes of two int64 keys: ``r = (k - lo) / step`` per key (``span`` for a row
    flagged in ``miss``, i.e. missing values sort last; ``miss`` may be empty), ``codes = r1 * (span2 + 1) +
    r2``. Returns 1, or 0 when some ``k - lo`` is not a multiple of ``step`` (the caller picked a wrong step).

    A helper of :func:`dense_sort2`, not a kernel of its own."""
    rel1 = (k1 - np.int64(lo1)) if lo1 else k1.astype(np.int64, copy=True)
    rel2 = (k2 - np.int64(lo2)) if lo2 else k2.astype(np.int64, copy=True)
    r = []
    for rel, step, span, miss in ((rel1, step1, span1, miss1), (rel2, step2, span2, miss2)):
        flagged = miss.astype(bool) if miss.shape[0] else np.zeros(rel.shape[0], dtype=bool)
        rel = np.where(flagged, 0, rel)
        if step != 1:
            if (rel % step != 0).any():
                return 0
            rel = rel // step
        r.append(np.where(flagged, span, rel))
    codes[:] = r[0] * np.int64(span2 + 1) + r[1]
    return 1


def _running(values, codes, n_groups):
    cum = np.full(values.shape[0], np.nan)
    _segmented_cumsum(values, codes, n_groups, cum)
    return cum


def _available(codes, avail_by_code, avail_out):
    table = np.append(avail_by_code, np.nan)  # code -1 (missing key) reads the trailing NaN
    avail_out[:] = table[codes]


def _allocation_running(required, codes, n_groups, avail_by_code, avail_out, cum, can, alloc):
    """Rows already in allocation order, ``codes`` dense group codes (-1: missing key).

    ``avail_out`` = ``avail_by_code[code]`` (NaN for -1; the table holds NaN for unknown groups);
    ``cum`` = running sum of ``required`` per group (Kahan-compensated like pandas' groupby cumsum; NaN rows
    skipped; NaN for code -1); ``can = cum <= avail`` (NaN never); ``alloc = required`` where ``can`` else
    ``max(0, avail - (cum - required))`` with NaN propagating. The body of :func:`allocation_keyed`."""
    _available(codes, avail_by_code, avail_out)
    cum[:] = _running(required, codes, n_groups)
    with np.errstate(invalid="ignore"):
        can[:] = cum <= avail_out
        rest = avail_out - (cum - required)
        alloc[:] = np.where(can, required, np.where(np.isnan(rest), np.nan, np.where(rest < 0.0, 0.0, rest)))


def _capacity_running(hours, codes, n_groups, avail_by_code, avail_out, cum, ok):
    """Rows already in schedule order: ``avail_out`` as in :func:`_allocation_running`, ``cum`` = running sum
    of ``hours`` per group (Kahan-compensated; NaN rows skipped; NaN for code -1), ``ok = cum <= avail``. The
    body of :func:`capacity_keyed`."""
    _available(codes, avail_by_code, avail_out)
    cum[:] = _running(hours, codes, n_groups)
    with np.errstate(invalid="ignore"):
        ok[:] = cum <= avail_out


@kernel
def scaled_running_sum(per, quantity, ids, lo, n_groups, required, cum):
    """BOM explosion in one pass: ``required = per * quantity`` and ``cum`` = its running sum per integer id
    (group ``ids - lo`` in ``[0, n_groups)``), Kahan-compensated like pandas' groupby cumsum, NaN rows skipped
    (NaN in ``cum``, the sum goes on). Overflow and ``inf * 0`` give inf / NaN silently, as in the compiled
    engines and pandas."""
    with np.errstate(over="ignore", invalid="ignore"):
        np.multiply(per, quantity, out=required)
    codes = ids - np.int64(lo)
    cum[:] = np.nan
    _segmented_cumsum(required, codes, n_groups, cum)


@kernel
def planning_balance_flags(theoretical, allocated, on_order, out):
    """``out = theoretical + allocated + on_order`` with NaN as 0 (the planning-balance sum) and, in one pass,
    which inputs held NaN: returns a bit mask (1 theoretical, 2 allocated, 4 on_order)."""
    flags = 0
    for bit, arr in ((1, theoretical), (2, allocated), (4, on_order)):
        if np.isnan(arr).any():
            flags |= bit
    with np.errstate(all="ignore"):  # (overflow to inf, inf - inf: IEEE results, silent as pandas' + is)
        np.add(np.where(np.isnan(theoretical), 0.0, theoretical), np.where(np.isnan(allocated), 0.0, allocated),
               out=out)
        out += np.where(np.isnan(on_order), 0.0, on_order)
    return flags


#: nanoseconds per hour, and the digits pandas keeps of a fractional hour (``int(log10(3.6e12))``)
NS_PER_HOUR = 3_600_000_000_000
HOUR_DIGITS = 1e12
MAX_HOURS = 1e6
NAT = np.iinfo(np.int64).min


@kernel
def hours_end(hours, start_ns, end):
    """``end = start + hours`` as int64 nanoseconds, the way ``start + pd.to_timedelta(hours, unit='h')`` computes
    it for float hours: whole hours ``* 3.6e12`` plus the fraction rounded to 12 digits, times 3.6e12,
    truncated (NaN -> NaT). Returns 0 when done; 1 when every hour value is whole (pandas then takes its
    integer path: the caller must use pandas) and 2 when a value is infinite or beyond 1e6 hours."""
    finite = ~np.isnan(hours)
    h = hours[finite]
    if np.isinf(h).any() or (np.abs(h) >= MAX_HOURS).any():
        return 2
    base = h.astype(np.int64)
    frac = h - base
    if not (frac != 0.0).any():
        return 1
    frac = np.round(frac, 12)
    end[:] = NAT
    end[finite] = start_ns + (base * NS_PER_HOUR + (frac * NS_PER_HOUR).astype(np.int64))
    return 0


@kernel
def scatter8(dest, values, out):
    """``out[dest[i]] = values[i]`` (8-byte values viewed as int64): a permutation applied by scattering,
    which reads sequentially, unlike a gather."""
    out[dest] = values


def _shortage_rows(balance, threshold, rows, amount):
    """Positions where ``balance < threshold`` (strict, NaN never) into ``rows[:k]`` in row order and
    ``threshold - balance`` into ``amount[:k]``; returns ``k``. The first half of :func:`shortage_compact`."""
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(balance < threshold)
    k = hit.shape[0]
    rows[:k] = hit
    with np.errstate(all="ignore"):  # (1e308 - -1e308 is inf: an IEEE result, silent as pandas' - is)
        amount[:k] = threshold[hit] - balance[hit]
    return k


@kernel
def hash_factorize(offsets, data, nulls, codes, first_rows):
    """Dense codes of variable-length byte strings in first-appearance order (``pandas.factorize`` order).

    String ``i`` is ``data[offsets[i]:offsets[i + 1]]`` (Arrow's large_string layout); ``nulls`` is empty or
    one flag per row (missing -> code -1). ``first_rows[k]`` is the first row holding code ``k``. Returns
    the number of distinct strings (an engine may return -1 instead for input it cannot take, e.g. strings of
    16 MiB or more: the caller then uses pandas)."""
    n = codes.shape[0]
    seen: dict[bytes, int] = {}
    raw = data.tobytes()
    has_nulls = nulls.shape[0] > 0
    for i in range(n):
        if has_nulls and nulls[i]:
            codes[i] = -1
            continue
        key = raw[offsets[i]:offsets[i + 1]]
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(seen)
            first_rows[code] = i
        codes[i] = code
    return len(seen)


@kernel
def dense_sort2(k1, lo1, step1, span1, miss1, k2, lo2, step2, span2, miss2, codes, bounds, dest, perm):
    """:func:`_sort_codes2` and a stable counting sort in one call: ``codes`` as there, ``perm[j]`` the row at
    sorted position j, ``dest`` its inverse (``dest[perm[j]] = j``), and ``bounds`` (``n_keys + 1`` zeros on entry,
    ``n_keys = (span1 + 1) * (span2 + 1)``) holding on return the end of each bucket: bucket c occupies
    ``[bounds[c - 1], bounds[c])`` (0 for ``c = 0``), and ``bounds[n_keys] = n``. Returns 1, or 0 as
    :func:`_sort_codes2` (then ``bounds`` and ``perm`` are undefined)."""
    if not _sort_codes2(k1, lo1, step1, span1, miss1, k2, lo2, step2, span2, miss2, codes):
        return 0
    n_keys = bounds.shape[0] - 1
    perm[:] = np.argsort(codes, kind="stable")
    dest[perm] = np.arange(codes.shape[0], dtype=np.int64)
    bounds[:n_keys] = np.cumsum(np.bincount(codes, minlength=n_keys))[:n_keys]
    bounds[n_keys] = codes.shape[0]
    return 1


@kernel
def expand_runs(bounds, width, minor, lo, step, span, missing, out):
    """One key of :func:`dense_sort2` in sorted order, from its buckets alone: bucket c holds rank
    ``c % width`` (``minor``) or ``c // width`` of that key, i.e. value ``lo + rank * step`` (``missing`` for
    rank ``span``), int64."""
    n_keys = bounds.shape[0] - 1
    ends = bounds[:n_keys]
    sizes = np.diff(ends, prepend=np.int64(0))
    c = np.arange(n_keys, dtype=np.int64)
    rank = c % width if minor else c // width
    values = np.where(rank == span, np.int64(missing), np.int64(lo) + rank * np.int64(step))
    out[:] = np.repeat(values, sizes)


@kernel
def gather8(perm, values, out):
    """``out[j] = values[perm[j]]`` (8-byte values viewed as int64)."""
    out[:] = values[perm]


@kernel
def allocation_keyed(required, keys, base, avail_by_code, avail_out, cum, can, alloc):
    """:func:`_allocation_running` with the group of a row given as ``keys - base`` (negative: missing key;
    below ``len(avail_by_code)``): integer ids in a narrow range need no codes of their own."""
    codes = keys - np.int64(base)
    codes[codes < 0] = -1
    _allocation_running(required, codes, avail_by_code.shape[0], avail_by_code, avail_out, cum, can, alloc)


@kernel
def capacity_keyed(hours, keys, base, avail_by_code, avail_out, cum, ok):
    """:func:`_capacity_running` with the group of a row given as ``keys - base``, as :func:`allocation_keyed`."""
    codes = keys - np.int64(base)
    codes[codes < 0] = -1
    _capacity_running(hours, codes, avail_by_code.shape[0], avail_by_code, avail_out, cum, ok)


@kernel
def shortage_compact(balance, threshold, rows, amount, bal_out, thr_out):
    """:func:`_shortage_rows`, also compacting the two inputs themselves: ``bal_out[:k]`` and ``thr_out[:k]``
    are ``balance`` and ``threshold`` at the selected rows. Returns ``k``."""
    k = _shortage_rows(balance, threshold, rows, amount)
    bal_out[:k] = balance[rows[:k]]
    thr_out[:k] = threshold[rows[:k]]
    return k


@kernel
def take_text(offsets, data, rows, out_offsets, out_data):
    """Rows ``rows`` of variable-length byte strings in Arrow's large_string layout (string i is
    ``data[offsets[i]:offsets[i + 1]]``): ``out_offsets`` (``len(rows) + 1``) and the bytes in ``out_data``,
    which must hold them all (e.g. ``len(data)`` bytes when ``rows`` has no repeats). Returns the byte count;
    the compiled engines may overwrite bytes of ``out_data`` past it."""
    starts = offsets[rows]
    lengths = offsets[rows + 1] - starts
    out_offsets[0] = 0
    np.cumsum(lengths, out=out_offsets[1:])
    total = int(out_offsets[-1])
    if total:
        idx = np.repeat(starts - out_offsets[:-1], lengths) + np.arange(total, dtype=np.int64)
        out_data[:total] = data[idx]
    return total

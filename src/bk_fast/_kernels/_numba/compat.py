"""Numba engine for the Phase-3 drop-in kernels; same semantics as ``reference.compat``."""

from __future__ import annotations

import sys

import numpy as np
from llvmlite import ir
from numba import types
from numba.core.extending import intrinsic

from bk_fast._kernels._numba import jit


@jit
def _rank(v, lo, step, span, miss, has_miss, i):
    if has_miss and miss[i]:
        return span, True
    rel = v - lo
    if step == 1:
        return rel, True
    q = np.int64(np.rint(np.float64(rel) / np.float64(step)))
    return q, q * step == rel


@jit
def _sort_codes2(k1, lo1, step1, span1, miss1, k2, lo2, step2, span2, miss2, codes):
    # the first pass of dense_sort2 (not a kernel of its own)
    h1 = miss1.shape[0] > 0
    h2 = miss2.shape[0] > 0
    width = span2 + 1
    for i in range(codes.shape[0]):
        r1, ok1 = _rank(k1[i], lo1, step1, span1, miss1, h1, i)
        r2, ok2 = _rank(k2[i], lo2, step2, span2, miss2, h2, i)
        if not (ok1 and ok2):
            return 0
        codes[i] = r1 * width + r2
    return 1


@jit
def planning_balance_flags(theoretical, allocated, on_order, out):
    flags = 0
    for i in range(out.shape[0]):
        t = theoretical[i]
        a = allocated[i]
        o = on_order[i]
        if t != t:
            t = 0.0
            flags |= 1
        if a != a:
            a = 0.0
            flags |= 2
        if o != o:
            o = 0.0
            flags |= 4
        out[i] = (t + a) + o
    return flags


@jit
def scatter8(dest, values, out):
    for i in range(dest.shape[0]):
        out[dest[i]] = values[i]


_M1 = np.uint64(0x9DDFEA08EB382D69)
_FM1 = np.uint64(0xFF51AFD7ED558CCD)
_FM2 = np.uint64(0xC4CEB9FE1A85EC53)
_SEED = np.uint64(0x9E3779B97F4A7C15)
_LOW24 = np.uint64(0xFFFFFF)
_LOW32 = np.uint64(0xFFFFFFFF)
_HIGH32 = np.uint64(0xFFFFFFFF00000000)
_LITTLE = sys.byteorder == "little"

# The hash code below keeps every index, length and counter uint64 (np.uint64 constants, never a bare int
# literal next to a uint64: numba would promote the mix to float64), so numba emits no negative-index
# wraparound on any access.


@intrinsic
def _load8(typingctx, data, pos):
    """The 8 bytes of a uint8 array at byte ``pos`` as one native-endian uint64 (an unaligned load); the
    caller guarantees ``pos + 8 <= len(data)``."""
    sig = types.uint64(data, pos)

    def codegen(context, builder, sig, args):
        base = context.make_array(sig.args[0])(context, builder, args[0]).data
        ptr = builder.bitcast(builder.gep(base, [args[1]], inbounds=True), ir.IntType(64).as_pointer())
        return builder.load(ptr, align=1)

    return sig, codegen


@jit
def _word(data, start, length):
    """Up to 8 bytes from ``start`` as one little-endian word, zero padded (``start``, ``length`` uint64).
    One unaligned load, masked, wherever 8 bytes remain in the buffer; byte by byte at its very end."""
    if _LITTLE and start + np.uint64(8) <= np.uint64(data.shape[0]):
        w = _load8(data, start)
        if length >= np.uint64(8):
            return w
        return w & ((np.uint64(1) << (length << np.uint64(3))) - np.uint64(1))
    w = np.uint64(0)
    k = length
    while k > np.uint64(0):
        k -= np.uint64(1)
        w = (w << np.uint64(8)) | np.uint64(data[start + k])
    return w


@jit
def _rehash(chash, n_groups, cap):
    slots = np.zeros(cap, dtype=np.uint64)
    one = np.uint64(1)
    mask = cap - one
    c = np.uint64(0)
    while c < n_groups:
        h = chash[c]
        j = h & mask
        while slots[j] != np.uint64(0):
            j = (j + one) & mask
        c += one
        slots[j] = (h & _HIGH32) | c
    return slots


@jit
def _grown(arr, size):
    out = np.empty(size, dtype=arr.dtype)
    out[:arr.shape[0]] = arr
    return out


@jit
def hash_factorize(offsets, data, nulls, codes, first_rows):
    # open addressing over 8-byte slots (32-bit hash tag | code + 1) so that the table stays cache-sized; per
    # distinct string its full hash, first word, and (offset << 24 | length) of its bytes in one compact
    # buffer, so a match is confirmed from cache-resident memory. The same layout as the cython kernel, and the
    # same hash but for strings of exactly 8 bytes (the cython kernel mixes once more, h ^= h >> 29, after their
    # one word): the codes follow first appearance, so the answers are the same. -1 for a string of 16 MiB or
    # more (the caller then uses pandas).
    n = codes.shape[0]
    has_nulls = nulls.shape[0] > 0
    one = np.uint64(1)
    eight = np.uint64(8)
    cap = np.uint64(1024)
    slots = np.zeros(cap, dtype=np.uint64)
    chash = np.empty(1024, dtype=np.uint64)
    cword = np.empty(1024, dtype=np.uint64)
    cmeta = np.empty(1024, dtype=np.uint64)
    ubuf = np.empty(16384, dtype=np.uint8)
    bused = np.uint64(0)
    n_groups = np.uint64(0)
    for row in range(n):
        i = np.uint64(row)
        if has_nulls and nulls[i]:
            codes[i] = -1
            continue
        start = np.uint64(offsets[i])
        length = np.uint64(offsets[i + one]) - start
        if length >= np.uint64(1 << 24):
            return -1
        first = _word(data, start, length)
        h = _SEED ^ length
        if length > np.uint64(0):
            h = (h ^ first) * _M1
            if length > eight:
                h ^= h >> np.uint64(29)
                k = eight
                while length - k >= eight:
                    h = (h ^ _word(data, start + k, eight)) * _M1
                    h ^= h >> np.uint64(29)
                    k += eight
                if k < length:
                    h = (h ^ _word(data, start + k, length - k)) * _M1
        h ^= h >> np.uint64(33)
        h *= _FM1
        h ^= h >> np.uint64(33)
        h *= _FM2
        h ^= h >> np.uint64(33)
        tag = h & _HIGH32
        mask = cap - one
        j = h & mask
        while True:
            slot = slots[j]
            if slot == np.uint64(0):
                # a new distinct string: remember it compactly
                if n_groups == np.uint64(chash.shape[0]):
                    size = np.uint64(2) * n_groups
                    chash = _grown(chash, size)
                    cword = _grown(cword, size)
                    cmeta = _grown(cmeta, size)
                if bused + length > np.uint64(ubuf.shape[0]):
                    size = np.uint64(ubuf.shape[0])
                    while bused + length > size:
                        size *= np.uint64(2)
                    ubuf = _grown(ubuf[:bused], size)
                for k in range(length):
                    ubuf[bused + k] = data[start + k]
                chash[n_groups] = h
                cword[n_groups] = first
                cmeta[n_groups] = (bused << np.uint64(24)) | length
                bused += length
                first_rows[n_groups] = row
                codes[i] = np.int64(n_groups)
                n_groups += one
                slots[j] = tag | n_groups
                if np.uint64(4) * n_groups > np.uint64(3) * cap:
                    cap *= np.uint64(2)
                    slots = _rehash(chash, n_groups, cap)
                break
            if slot & _HIGH32 == tag:
                c = (slot & _LOW32) - one
                meta = cmeta[c]
                if meta & _LOW24 == length and cword[c] == first:
                    same = True
                    if length > eight:
                        at = (meta >> np.uint64(24)) + eight
                        s8 = start + eight
                        for k in range(length - eight):
                            if ubuf[at + k] != data[s8 + k]:
                                same = False
                                break
                    if same:
                        codes[i] = np.int64(c)
                        break
            j = (j + one) & mask
    return np.int64(n_groups)


@jit
def hours_end(hours, start_ns, end):
    nat = np.int64(-9223372036854775808)
    m = np.int64(3_600_000_000_000)
    any_frac = False
    for i in range(hours.shape[0]):
        v = hours[i]
        if v != v:
            continue
        if not (abs(v) < 1e6):
            return 2
        if v != np.floor(v):
            any_frac = True
    if not any_frac:
        return 1
    for i in range(hours.shape[0]):
        v = hours[i]
        if v != v:
            end[i] = nat
            continue
        base = np.int64(v)
        frac = v - base
        frac = np.rint(frac * 1e12) / 1e12
        end[i] = start_ns + (base * m + np.int64(frac * 3_600_000_000_000.0))
    return 0


@jit
def scaled_running_sum(per, quantity, ids, lo, n_groups, required, cum):
    # running sum and Kahan compensation side by side: one cache line per group visit
    acc = np.zeros(2 * n_groups + 2, dtype=np.float64)
    for i in range(per.shape[0]):
        r = per[i] * quantity
        required[i] = r
        if r != r:
            cum[i] = r
            continue
        g = 2 * (ids[i] - lo)
        s = acc[g]
        y = r - acc[g + 1]
        t = s + y
        acc[g + 1] = (t - s) - y
        acc[g] = t
        cum[i] = t


@jit
def dense_sort2(k1, lo1, step1, span1, miss1, k2, lo2, step2, span2, miss2, codes, bounds, dest, perm):
    if not _sort_codes2(k1, lo1, step1, span1, miss1, k2, lo2, step2, span2, miss2, codes):
        return 0
    n = codes.shape[0]
    n_keys = bounds.shape[0] - 1
    for i in range(n):
        bounds[codes[i] + 1] += 1
    for k in range(n_keys):
        bounds[k + 1] += bounds[k]
    for i in range(n):
        c = codes[i]
        j = bounds[c]
        bounds[c] = j + 1
        dest[i] = j
        perm[j] = i
    return 1


@jit
def expand_runs(bounds, width, minor, lo, step, span, missing, out):
    start = 0
    for c in range(bounds.shape[0] - 1):
        end = bounds[c]
        if end > start:
            r = c % width if minor else c // width
            v = missing if r == span else lo + r * step
            for j in range(start, end):
                out[j] = v
        start = end


@jit
def gather8(perm, values, out):
    for j in range(perm.shape[0]):
        out[j] = values[perm[j]]


@jit(inline="always")
def _kahan_add(acc, g, x):
    # group g's running sum (acc[2g], compensation acc[2g+1]) plus x: Kahan compensation, operation for
    # operation as pandas' groupby cumsum; returns the new sum
    s = acc[2 * g]
    y = x - acc[2 * g + 1]
    c = s + y
    acc[2 * g + 1] = (c - s) - y
    acc[2 * g] = c
    return c


@jit
def allocation_keyed(required, keys, base, avail_by_code, avail_out, cum, can, alloc):
    acc = np.zeros(2 * avail_by_code.shape[0] + 2, dtype=np.float64)
    n = required.shape[0]
    for i in range(n):
        g = keys[i] - base
        r = required[i]
        if g < 0 or r != r:
            a = avail_by_code[g] if g >= 0 else np.nan
            c = np.nan
        else:
            a = avail_by_code[g]
            c = _kahan_add(acc, g, r)
        avail_out[i] = a
        cum[i] = c
        can[i] = c <= a
        alloc[i] = a - (c - r)
    # whether a row can be fulfilled, and whether what is left is negative, are data (about every other row):
    # LLVM turns selects on them in the loop above into mispredicted branches, so they run as two simple
    # passes it vectorises (blends)
    for i in range(n):
        x = alloc[i]
        alloc[i] = 0.0 if x < 0.0 else x  # np.maximum(0, x): NaN and -0.0 kept
    req_bits = required.view(np.int64)
    alloc_bits = alloc.view(np.int64)
    for i in range(n):
        m = -np.int64(can[i])
        alloc_bits[i] = (req_bits[i] & m) | (alloc_bits[i] & ~m)


@jit
def capacity_keyed(hours, keys, base, avail_by_code, avail_out, cum, ok):
    acc = np.zeros(2 * avail_by_code.shape[0] + 2, dtype=np.float64)
    for i in range(hours.shape[0]):
        g = keys[i] - base
        h = hours[i]
        if g < 0 or h != h:
            a = avail_by_code[g] if g >= 0 else np.nan
            c = np.nan
        else:
            a = avail_by_code[g]
            c = _kahan_add(acc, g, h)
        avail_out[i] = a
        cum[i] = c
        ok[i] = c <= a


@jit
def shortage_compact(balance, threshold, rows, amount, bal_out, thr_out):
    k = 0
    for i in range(balance.shape[0]):
        # branch-free compaction: always write, advance only on a shortage (k <= i, so in bounds)
        b = balance[i]
        t = threshold[i]
        rows[k] = i
        amount[k] = t - b
        bal_out[k] = b
        thr_out[k] = t
        k += b < t
    return k


@intrinsic
def _store8(typingctx, out, pos, value):
    """Write uint64 ``value`` as the 8 bytes of a uint8 array at byte ``pos`` (an unaligned store); the caller
    guarantees ``pos + 8 <= len(out)``."""
    sig = types.void(out, pos, value)

    def codegen(context, builder, sig, args):
        base = context.make_array(sig.args[0])(context, builder, args[0]).data
        ptr = builder.bitcast(builder.gep(base, [args[1]], inbounds=True), ir.IntType(64).as_pointer())
        builder.store(args[2], ptr, align=1)
        return context.get_dummy_value()

    return sig, codegen


@jit
def take_text(offsets, data, rows, out_offsets, out_data):
    # unsigned positions (numba then skips its negative-index wraparound); 8 bytes per load/store while both
    # buffers have 8 bytes left past the position (a string's last word may copy bytes past its end: the next
    # string overwrites them, and the caller cuts the buffer at the returned length)
    pos = np.uint64(0)
    one = np.uint64(1)
    eight = np.uint64(8)
    n_src = np.uint64(data.shape[0])
    n_dst = np.uint64(out_data.shape[0])
    out_offsets[0] = 0
    for j in range(rows.shape[0]):
        r = np.uint64(rows[j])
        b = np.uint64(offsets[r])
        e = np.uint64(offsets[r + one])
        end = pos + (e - b)
        while b < e and b + eight <= n_src and pos + eight <= n_dst:
            _store8(out_data, pos, _load8(data, b))
            b += eight
            pos += eight
        while b < e:
            out_data[pos] = data[b]
            b += one
            pos += one
        pos = end
        out_offsets[j + 1] = pos
    return pos

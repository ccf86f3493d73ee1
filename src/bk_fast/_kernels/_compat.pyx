# cython: language_level=3
"""Cython engine for the Phase-3 drop-in kernels; same names and semantics as ``reference.compat``."""

import numpy as np
from libc.stdint cimport INT64_MIN, int64_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcmp, memcpy
from libc.math cimport NAN, fabs, floor, rint


cdef inline double _kahan_add(double* acc, int64_t g, double x) noexcept nogil:
    # group g's running sum (acc[2g], compensation acc[2g+1]) plus x: Kahan compensation, operation for
    # operation as pandas' groupby cumsum; returns the new sum
    cdef double s = acc[2 * g]
    cdef double y = x - acc[2 * g + 1]
    cdef double c = s + y
    acc[2 * g + 1] = (c - s) - y
    acc[2 * g] = c
    return c


cdef inline double _keyed_step(double* acc, const double* table, int64_t g, double x,
                               double* value) noexcept nogil:
    # one row of a keyed running sum against a per-key table (the allocation and capacity drop-ins): the key's
    # table value in *value (NaN for a key without one, g < 0) and the key's running sum after x, returned
    # (NaN for an unknown key or a NaN x, which leave every sum as it was)
    if g < 0 or x != x:
        value[0] = table[g] if g >= 0 else NAN
        return NAN
    value[0] = table[g]
    return _kahan_add(acc, g, x)


cdef inline bint _rank(int64_t v, int64_t lo, int64_t step, int64_t span, const unsigned char[::1] miss,
                       bint has_miss, Py_ssize_t i, int64_t* out) noexcept nogil:
    cdef int64_t rel, q
    if has_miss and miss[i]:
        out[0] = span
        return True
    rel = v - lo
    if step == 1:
        out[0] = rel
        return True
    # exact division by a runtime step without an integer divide: the quotient is small, so the rounded
    # float quotient is exact whenever step divides rel, which the multiply-back verifies
    q = <int64_t>rint(<double>rel / <double>step)
    out[0] = q
    return q * step == rel


def planning_balance_flags(const double[::1] theoretical, const double[::1] allocated,
                           const double[::1] on_order, double[::1] out):
    cdef Py_ssize_t i, n = out.shape[0]
    cdef double t, a, o
    cdef int flags = 0
    with nogil:
        for i in range(n):
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


def scatter8(const int64_t[::1] dest, const int64_t[::1] values, int64_t[::1] out):
    """``out[dest[i]] = values[i]`` for 8-byte values (any 8-byte dtype viewed as int64)."""
    cdef Py_ssize_t i, n = dest.shape[0]
    cdef const int64_t* p_dest = &dest[0] if n else NULL
    cdef const int64_t* p_val = &values[0] if n else NULL
    cdef int64_t* p_out = &out[0] if n else NULL
    with nogil:
        for i in range(n):
            p_out[p_dest[i]] = p_val[i]


cdef inline uint64_t _fmix64(uint64_t h) noexcept nogil:
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    h ^= h >> 33
    return h


cdef inline uint64_t _word(const unsigned char* p, Py_ssize_t length) noexcept nogil:
    """Up to 8 bytes as one little-endian word (zero padded)."""
    cdef uint64_t w = 0
    cdef Py_ssize_t k
    for k in range(length):
        w |= (<uint64_t>p[k]) << (8 * k)
    return w


cdef inline uint64_t _hash_bytes(const unsigned char* p, Py_ssize_t length, uint64_t* first_word) noexcept nogil:
    """Word-at-a-time hash of a byte string; ``first_word`` receives its first (up to) 8 bytes."""
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ <uint64_t>length
    cdef uint64_t w
    cdef Py_ssize_t k = 0
    first_word[0] = _word(p, length if length < 8 else 8)
    while length - k >= 8:
        w = _word(p + k, 8) if k else first_word[0]
        h = (h ^ w) * 0x9DDFEA08EB382D69ULL
        h ^= h >> 29
        k += 8
    if k < length:
        w = _word(p + k, length - k) if k else first_word[0]
        h = (h ^ w) * 0x9DDFEA08EB382D69ULL
    return _fmix64(h)


cdef bint _rehash(uint64_t** slots, int64_t* cap, const uint64_t* chash, int64_t n_groups) noexcept nogil:
    """Double the slot table and re-insert every code by its full hash."""
    cdef int64_t new_cap = 2 * cap[0], c, j
    cdef uint64_t* new = <uint64_t*>calloc(new_cap, sizeof(uint64_t))
    if new == NULL:
        return False
    for c in range(n_groups):
        j = <int64_t>(chash[c] & <uint64_t>(new_cap - 1))
        while new[j] != 0:
            j = (j + 1) & (new_cap - 1)
        new[j] = ((chash[c] >> 32) << 32) | <uint64_t>(c + 1)
    free(slots[0])
    slots[0] = new
    cap[0] = new_cap
    return True


def hash_factorize(const int64_t[::1] offsets, const unsigned char[::1] data, const unsigned char[::1] nulls,
                   int64_t[::1] codes, int64_t[::1] first_rows):
    """Open addressing over 8-byte slots (32-bit hash tag | code + 1), so the table stays cache-sized; each
    distinct string is copied into one compact buffer as it first appears, with its offset and length packed
    in one word, so a match is confirmed from cache-resident memory. Returns the number of distinct strings,
    or -1 when a string is too long for the packing (>= 16 MiB: the caller uses pandas)."""
    cdef Py_ssize_t i, n = codes.shape[0]
    cdef bint has_nulls = nulls.shape[0] > 0
    cdef const unsigned char* base = &data[0] if data.shape[0] > 0 else NULL
    cdef int64_t cap = 1024, ucap = 1024, bcap = 16384, bused = 0, n_groups = 0, j, c, start, length
    cdef uint64_t h, tag, slot, meta, word = 0
    cdef uint64_t* slots = <uint64_t*>calloc(cap, sizeof(uint64_t))
    cdef uint64_t* chash = <uint64_t*>malloc(ucap * sizeof(uint64_t))
    cdef uint64_t* cmeta = <uint64_t*>malloc(ucap * sizeof(uint64_t))
    cdef uint64_t* cword = <uint64_t*>malloc(ucap * sizeof(uint64_t))
    cdef unsigned char* ubuf = <unsigned char*>malloc(bcap)
    cdef void* grown
    cdef int status = 0
    if slots == NULL or chash == NULL or cmeta == NULL or cword == NULL or ubuf == NULL:
        free(slots)
        free(chash)
        free(cmeta)
        free(cword)
        free(ubuf)
        raise MemoryError()
    with nogil:
        for i in range(n):
            if has_nulls and nulls[i]:
                codes[i] = -1
                continue
            start = offsets[i]
            length = offsets[i + 1] - start
            if length >= (1 << 24):
                status = 2
                break
            h = _hash_bytes(base + start, length, &word)
            tag = (h >> 32) << 32
            j = <int64_t>(h & <uint64_t>(cap - 1))
            while True:
                slot = slots[j]
                if slot == 0:
                    # a new distinct string: remember it compactly
                    if n_groups == ucap:
                        grown = realloc(chash, 2 * ucap * sizeof(uint64_t))
                        if grown == NULL:
                            status = 1
                            break
                        chash = <uint64_t*>grown
                        grown = realloc(cmeta, 2 * ucap * sizeof(uint64_t))
                        if grown == NULL:
                            status = 1
                            break
                        cmeta = <uint64_t*>grown
                        grown = realloc(cword, 2 * ucap * sizeof(uint64_t))
                        if grown == NULL:
                            status = 1
                            break
                        cword = <uint64_t*>grown
                        ucap *= 2
                    if bused + length > bcap:
                        while bused + length > bcap:
                            bcap *= 2
                        grown = realloc(ubuf, bcap)
                        if grown == NULL:
                            status = 1
                            break
                        ubuf = <unsigned char*>grown
                    if length:
                        memcpy(ubuf + bused, base + start, length)
                    chash[n_groups] = h
                    cmeta[n_groups] = (<uint64_t>bused << 24) | <uint64_t>length
                    cword[n_groups] = word
                    bused += length
                    slots[j] = tag | <uint64_t>(n_groups + 1)
                    first_rows[n_groups] = i
                    codes[i] = n_groups
                    n_groups += 1
                    if 4 * n_groups > 3 * cap and not _rehash(&slots, &cap, chash, n_groups):
                        status = 1
                    break
                if (slot >> 32) << 32 == tag:
                    c = <int64_t>(slot & 0xFFFFFFFFULL) - 1
                    meta = cmeta[c]
                    # same length and first word; longer strings compare the rest from the compact buffer
                    if <int64_t>(meta & 0xFFFFFFULL) == length and cword[c] == word and (
                            length <= 8 or memcmp(ubuf + (meta >> 24) + 8, base + start + 8, length - 8) == 0):
                        codes[i] = c
                        break
                j = (j + 1) & (cap - 1)
            if status:
                break
    free(slots)
    free(chash)
    free(cmeta)
    free(cword)
    free(ubuf)
    if status == 1:
        raise MemoryError()
    if status == 2:
        return -1
    return n_groups


cdef int _hours_end(const double[::1] hours, int64_t start_ns, int64_t[::1] end) noexcept nogil:
    cdef Py_ssize_t i, n = hours.shape[0]
    cdef int64_t nat = INT64_MIN  # NaT (Cython folds -9223372036854775807 - 1 into a C literal gcc warns of)
    cdef int64_t m = 3600000000000
    cdef int64_t base
    cdef double v, frac
    cdef bint any_frac = False
    for i in range(n):
        v = hours[i]
        if v != v:
            continue
        if not (fabs(v) < 1e6):
            return 2
        if v != floor(v):
            any_frac = True
    if not any_frac:
        return 1
    for i in range(n):
        v = hours[i]
        if v != v:
            end[i] = nat
            continue
        base = <int64_t>v
        frac = v - <double>base
        # np.round(frac, 12): scale, round half to even, unscale (pandas' cast_from_unit_vectorized)
        frac = rint(frac * 1e12) / 1e12
        end[i] = start_ns + (base * m + <int64_t>(frac * 3600000000000.0))
    return 0


def hours_end(const double[::1] hours, int64_t start_ns, int64_t[::1] end):
    cdef int status
    with nogil:
        status = _hours_end(hours, start_ns, end)
    return status


def scaled_running_sum(const double[::1] per, double quantity, const int64_t[::1] ids, int64_t lo,
                       Py_ssize_t n_groups, double[::1] required, double[::1] cum):
    cdef Py_ssize_t i, n = per.shape[0]
    cdef int64_t g
    cdef double r, y, t, s, e
    # running sum and Kahan compensation side by side: one cache line per group visit
    cdef double[::1] acc_v = np.zeros(2 * n_groups + 2, dtype=np.float64)
    # raw pointers: lets the C compiler keep them in registers across the stores (no aliasing reloads)
    cdef double* acc = &acc_v[0]
    cdef const double* p_per = &per[0] if n else NULL
    cdef const int64_t* p_ids = &ids[0] if n else NULL
    cdef double* p_req = &required[0] if n else NULL
    cdef double* p_cum = &cum[0] if n else NULL
    with nogil:
        for i in range(n):
            r = p_per[i] * quantity
            p_req[i] = r
            if r != r:
                p_cum[i] = r
                continue
            g = 2 * (p_ids[i] - lo)
            # Kahan compensation, operation for operation as pandas' groupby cumsum
            s = acc[g]
            e = acc[g + 1]
            y = r - e
            t = s + y
            acc[g + 1] = (t - s) - y
            acc[g] = t
            p_cum[i] = t


def dense_sort2(const int64_t[::1] k1, int64_t lo1, int64_t step1, int64_t span1, const unsigned char[::1] miss1,
                const int64_t[::1] k2, int64_t lo2, int64_t step2, int64_t span2, const unsigned char[::1] miss2,
                int64_t[::1] codes, int64_t[::1] bounds, int64_t[::1] dest, int64_t[::1] perm):
    """Stable two-key counting sort in two passes: composite codes and their histogram, then the scatter into
    ``perm`` (and its inverse ``dest``). ``bounds`` (n_keys + 1 zeros) ends with bucket c occupying
    ``[bounds[c - 1], bounds[c])``."""
    cdef Py_ssize_t i, k, n = codes.shape[0], n_keys = bounds.shape[0] - 1
    cdef bint h1 = miss1.shape[0] > 0, h2 = miss2.shape[0] > 0
    cdef int64_t width = span2 + 1, r1 = 0, r2 = 0, c, j
    cdef int ok = 1
    cdef int64_t* pos = &bounds[0]
    cdef int64_t* p_codes = &codes[0] if n else NULL
    cdef int64_t* p_dest = &dest[0] if n else NULL
    cdef int64_t* p_perm = &perm[0] if n else NULL
    with nogil:
        for i in range(n):
            if not (_rank(k1[i], lo1, step1, span1, miss1, h1, i, &r1)
                    and _rank(k2[i], lo2, step2, span2, miss2, h2, i, &r2)):
                ok = 0
                break
            c = r1 * width + r2
            p_codes[i] = c
            pos[c + 1] += 1
        if ok:
            for k in range(n_keys):
                pos[k + 1] += pos[k]
            for i in range(n):
                c = p_codes[i]
                j = pos[c]
                pos[c] = j + 1
                p_dest[i] = j
                p_perm[j] = i
    return ok


def expand_runs(const int64_t[::1] bounds, int64_t width, bint minor, int64_t lo, int64_t step, int64_t span,
                int64_t missing, int64_t[::1] out):
    """One sort key in sorted order, rebuilt from the buckets of :func:`dense_sort2`: bucket c holds rank
    ``c // width`` of the major key (``c % width`` of the minor one), value ``lo + rank * step`` (``missing``
    for rank ``span``)."""
    cdef Py_ssize_t c, j, n_keys = bounds.shape[0] - 1
    cdef int64_t start = 0, end, r, v
    cdef int64_t* p_out = &out[0] if out.shape[0] else NULL
    with nogil:
        for c in range(n_keys):
            end = bounds[c]
            if end > start:
                r = c % width if minor else c // width
                v = missing if r == span else lo + r * step
                for j in range(start, end):
                    p_out[j] = v
            start = end


def gather8(const int64_t[::1] perm, const int64_t[::1] values, int64_t[::1] out):
    """``out[j] = values[perm[j]]`` for 8-byte values viewed as int64 (``perm`` validated by the caller)."""
    cdef Py_ssize_t j, n = perm.shape[0]
    cdef const int64_t* p_perm = &perm[0] if n else NULL
    cdef const int64_t* p_val = &values[0] if values.shape[0] else NULL
    cdef int64_t* p_out = &out[0] if n else NULL
    with nogil:
        for j in range(n):
            p_out[j] = p_val[p_perm[j]]


cdef extern from *:
    """
    /* Branch-free selects for the allocation loop: whether an order can be fulfilled, and whether what is
       left is negative, are data (about every other row in sorted order), so branches on them would be
       mispredicted; compilers turn the plain ternaries into branches there. */
    #include <stdint.h>
    #include <string.h>
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif
    static inline double bkf_max0(double x) {  /* np.maximum(0, x): NaN and -0.0 come back as they are */
    #if defined(__SSE2__)
        return _mm_cvtsd_f64(_mm_max_sd(_mm_setzero_pd(), _mm_set_sd(x)));
    #else
        return 0.0 > x ? 0.0 : x;
    #endif
    }
    static inline double bkf_pick(int first, double x, double y) {  /* first ? x : y, by bit masking */
        uint64_t bx, by, m = (uint64_t)0 - (uint64_t)(first != 0);
        memcpy(&bx, &x, 8);
        memcpy(&by, &y, 8);
        bx = by ^ ((bx ^ by) & m);
        memcpy(&x, &bx, 8);
        return x;
    }
    """
    double bkf_max0(double x) noexcept nogil
    double bkf_pick(int first, double x, double y) noexcept nogil


def allocation_keyed(const double[::1] required, const int64_t[::1] keys, int64_t base,
                     const double[::1] avail_by_code, double[::1] avail_out, double[::1] cum,
                     unsigned char[::1] can, double[::1] alloc):
    cdef Py_ssize_t i, n = required.shape[0], n_groups = avail_by_code.shape[0]
    cdef double r, c, a
    cdef int ok
    # running sum and Kahan compensation side by side: one cache line per group visit
    cdef double[::1] acc_v = np.zeros(2 * n_groups + 2, dtype=np.float64)
    cdef double* acc = &acc_v[0]
    cdef const double* p_req = &required[0] if n else NULL
    cdef const int64_t* p_keys = &keys[0] if n else NULL
    cdef const double* p_table = &avail_by_code[0] if n_groups else NULL
    cdef double* p_avail = &avail_out[0] if n else NULL
    cdef double* p_cum = &cum[0] if n else NULL
    cdef unsigned char* p_can = &can[0] if n else NULL
    cdef double* p_alloc = &alloc[0] if n else NULL
    with nogil:
        for i in range(n):
            r = p_req[i]
            c = _keyed_step(acc, p_table, p_keys[i] - base, r, &a)
            p_avail[i] = a
            p_cum[i] = c
            # branch-free: whether a row can be fulfilled is data, not a pattern the predictor learns
            ok = c <= a
            p_can[i] = ok
            p_alloc[i] = bkf_pick(ok, r, bkf_max0(a - (c - r)))


def capacity_keyed(const double[::1] hours, const int64_t[::1] keys, int64_t base,
                   const double[::1] avail_by_code, double[::1] avail_out, double[::1] cum,
                   unsigned char[::1] ok):
    cdef Py_ssize_t i, n = hours.shape[0], n_groups = avail_by_code.shape[0]
    cdef double c, a
    cdef double[::1] acc_v = np.zeros(2 * n_groups + 2, dtype=np.float64)
    cdef double* acc = &acc_v[0]
    cdef const double* p_hours = &hours[0] if n else NULL
    cdef const int64_t* p_keys = &keys[0] if n else NULL
    cdef const double* p_table = &avail_by_code[0] if n_groups else NULL
    cdef double* p_avail = &avail_out[0] if n else NULL
    cdef double* p_cum = &cum[0] if n else NULL
    cdef unsigned char* p_ok = &ok[0] if n else NULL
    with nogil:
        for i in range(n):
            c = _keyed_step(acc, p_table, p_keys[i] - base, p_hours[i], &a)
            p_avail[i] = a
            p_cum[i] = c
            p_ok[i] = c <= a


def shortage_compact(const double[::1] balance, const double[::1] threshold, int64_t[::1] rows,
                     double[::1] amount, double[::1] bal_out, double[::1] thr_out):
    cdef Py_ssize_t i, k = 0, n = balance.shape[0]
    cdef double b, t
    cdef const double* p_bal = &balance[0] if n else NULL
    cdef const double* p_thr = &threshold[0] if n else NULL
    cdef int64_t* p_rows = &rows[0] if n else NULL
    cdef double* p_amount = &amount[0] if n else NULL
    cdef double* p_bo = &bal_out[0] if n else NULL
    cdef double* p_to = &thr_out[0] if n else NULL
    with nogil:
        for i in range(n):
            # branch-free compaction: always write, advance only on a shortage (k <= i, so in bounds)
            b = p_bal[i]
            t = p_thr[i]
            p_rows[k] = i
            p_amount[k] = t - b
            p_bo[k] = b
            p_to[k] = t
            k += b < t
    return k


def take_text(const int64_t[::1] offsets, const unsigned char[::1] data, const int64_t[::1] rows,
              int64_t[::1] out_offsets, unsigned char[::1] out_data):
    """8 bytes per (unaligned) load/store while both buffers have 8 bytes left past the position: a string's
    last word may copy bytes past its end, which the next string overwrites (bytes past the returned count
    are unspecified)."""
    cdef Py_ssize_t j, k = rows.shape[0]
    cdef int64_t r, b, e, pos = 0, end
    cdef int64_t n_src = data.shape[0], n_dst = out_data.shape[0]
    cdef const unsigned char* src = &data[0] if data.shape[0] else NULL
    cdef unsigned char* dst = &out_data[0] if out_data.shape[0] else NULL
    with nogil:
        out_offsets[0] = 0
        for j in range(k):
            r = rows[j]
            b = offsets[r]
            e = offsets[r + 1]
            end = pos + (e - b)
            while b < e and b + 8 <= n_src and pos + 8 <= n_dst:
                memcpy(dst + pos, src + b, 8)
                b += 8
                pos += 8
            if b < e:
                memcpy(dst + pos, src + b, e - b)
            pos = end
            out_offsets[j + 1] = pos
    return pos

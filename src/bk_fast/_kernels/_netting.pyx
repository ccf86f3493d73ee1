# cython: language_level=3
"""Cython engine for time-phased netting; same names, semantics and float operations as
``reference.netting``. Inputs are read-only-safe (``const``) memoryviews; the GIL is released for the
loops."""

import numpy as np
from libc.math cimport ceil, fabs, INFINITY
from libc.stdint cimport int64_t

# half an ulp per unit of magnitude: the rounding error bound's unit (reference.netting.ROUNDING), a C constant
# (a module-level cdef double is a global, loaded from memory and reloaded after stores through a double
# pointer); the rounding term of a sum (reference.netting._sum_err) and an input's reading term (_read_err)
cdef extern from *:
    """
    #include <math.h>
    #define BK_FAST_NETTING_ROUNDING 0x1p-53
    /* reference.netting.READ_FLOOR, QUICK_BOUND and QUICK_LIMIT */
    #define BK_FAST_NETTING_READ_FLOOR 0x1p-1074
    #define BK_FAST_NETTING_QUICK_BOUND 4.0
    #define BK_FAST_NETTING_QUICK_LIMIT 0x1p1020
    /* min(|total| x 2**-53, |a|, |b|): the rounding of total = a + b is at most half an ulp of it and at most
       |a| and |b| (each operand is a float that far from the exact sum), so 0 where an operand is 0 (the sum is
       then exact). As ternaries, the minsd instruction: no branch (whether a demand is 0 is unpredictable; a
       select of 0 where an operand is 0, compiled as a branch, took the weekly roll about twice as long). */
    /* max(|x| x 2**-53, 2**-1074): an input's reading term (reference.netting._read_err), at least half an ulp
       of x also where the product underflows (subnormals). Written so that gcc emits maxsd (NaN stays NaN): with
       the constant in the ternary it compiled to a compare and cmov through integer registers (+20 % weekly) */
    static inline double bk_fast_netting_read_err(double x) {
        double t = fabs(x) * BK_FAST_NETTING_ROUNDING, f = BK_FAST_NETTING_READ_FLOOR;
        return f > t ? f : t;
    }
    static inline double bk_fast_netting_sum_err(double a, double b, double total) {
        double x = fabs(total) * BK_FAST_NETTING_ROUNDING, y = fabs(a), z = fabs(b);
        x = y < x ? y : x;
        return z < x ? z : x;
    }
    """
    const double ROUNDING "BK_FAST_NETTING_ROUNDING"
    const double READ_FLOOR "BK_FAST_NETTING_READ_FLOOR"
    const double QUICK_BOUND "BK_FAST_NETTING_QUICK_BOUND"
    const double QUICK_LIMIT "BK_FAST_NETTING_QUICK_LIMIT"
    double _sum_err "bk_fast_netting_sum_err"(double a, double b, double total) noexcept nogil
    double _read_err "bk_fast_netting_read_err"(double x) noexcept nogil
# a lot count's slack (reference.netting.LOT_SLACK)
cdef double LOT_SLACK = 2.0 ** -50


def weekly_roll(const double[::1] on_hand, const double[:, ::1] demand, const double[:, ::1] receipts,
                const double[::1] past_due, double[:, ::1] balance, double[::1] total_demand,
                double[::1] total_receipt, double[::1] total, int64_t[::1] first_short,
                int64_t[::1] recovery):
    cdef Py_ssize_t r, t, n = demand.shape[0], t_len = demand.shape[1]
    cdef double prev, cur, td, tr, d, q, t1, mag
    # the quick bound's factors (reference.netting._quick_bound)
    cdef double k = QUICK_BOUND * <double>(t_len + 1), c = k * ROUNDING, f = k * READ_FLOOR
    cdef int64_t fs, rc
    cdef bint sure
    with nogil:
        for r in range(n):
            prev = on_hand[r]
            mag = fabs(prev)  # (the item's magnitudes so far: its quick bound, as the reference's)
            td = 0.0
            tr = past_due[r]
            fs = -1
            rc = -1
            sure = True
            for t in range(t_len):
                d = demand[r, t]
                q = receipts[r, t]
                t1 = prev - d
                cur = t1 + q
                balance[r, t] = cur
                td += d
                tr += q
                mag += fabs(d) + fabs(q)
                if fs < 0:
                    if cur < 0.0:
                        if cur < -(mag * c + f) and mag <= QUICK_LIMIT:
                            fs = t
                        else:
                            sure = False  # (within the quick bound: the running bound decides, below)
                elif rc < 0 and cur > 0.0:
                    if cur > mag * c + f and mag <= QUICK_LIMIT:
                        rc = t
                    else:
                        sure = False
                prev = cur
            total_demand[r] = td
            total_receipt[r] = tr
            total[r] = (on_hand[r] - td) + tr
            if sure:
                first_short[r] = fs
                recovery[r] = rc
            else:
                _exact_marks(r, on_hand, demand, receipts, balance, first_short, recovery)


cdef void _exact_marks(Py_ssize_t r, const double[::1] on_hand, const double[:, ::1] demand,
                       const double[:, ::1] receipts, const double[:, ::1] balance, int64_t[::1] first_short,
                       int64_t[::1] recovery) noexcept nogil:
    """Item ``r``'s shortage and recovery weeks against the running error bound of its balances (the reference's
    ``_exact_marks``; the balances as the roll wrote them)."""
    cdef Py_ssize_t t
    cdef double prev = on_hand[r], err = _read_err(prev), d, q, t1, cur
    cdef int64_t fs = -1, rc = -1
    for t in range(demand.shape[1]):
        d = demand[r, t]
        q = receipts[r, t]
        t1 = prev - d
        cur = balance[r, t]
        err = (((err + _read_err(d)) + _read_err(q)) + _sum_err(prev, d, t1)) + _sum_err(t1, q, cur)
        if fs < 0:
            if cur < -err:
                fs = t
        elif rc < 0 and cur > err:
            rc = t
        prev = cur
    first_short[r] = fs
    recovery[r] = rc


cdef void _ww(const double* d, Py_ssize_t t_len, double setup, double hold, double* rec, double* f, double* c,
              int64_t* arg) noexcept nogil:
    cdef Py_ssize_t i, j, t, bi
    cdef double dj, best, cand, acc
    f[0] = 0.0
    for j in range(t_len):
        c[j] = setup
        dj = d[j]
        if dj != 0.0:  # (no demand adds no holding cost: inf * 0 is NaN, a cost no candidate beats)
            for i in range(j):
                c[i] += hold * <double>(j - i) * dj
        if dj > 0.0:
            best = INFINITY
            bi = -1
            for i in range(j + 1):
                if d[i] > 0.0:
                    cand = f[i] + c[i]
                    if cand < best or bi < 0:  # (the first candidate always: costs that overflow to inf tie)
                        best = cand
                        bi = i
            f[j + 1] = best
            arg[j + 1] = bi
        else:
            f[j + 1] = f[j]
            arg[j + 1] = -1
    for t in range(t_len):
        rec[t] = 0.0
    j = t_len
    while j > 0:
        i = arg[j]
        if i < 0:
            j -= 1
        else:
            acc = 0.0
            for t in range(i, j):
                acc += d[t]
            rec[i] = acc
            j = i


cdef inline double _lot_err(double q, double nt) noexcept nogil:
    """A min/max/multiple lot's own rounding (the reference's ``_lot_err``): ``4 x _read_err(q)``, 0 where the
    lot is the need itself."""
    return 4.0 * _read_err(q) if q != nt else 0.0


cdef inline double _mmm_lots(double nt, double lmin, double lmax, double lmult, double slack, double e2,
                            double* kf_out) noexcept nogil:
    """A min/max/multiple receipt for the need ``nt`` (its count of max lots less one in ``kf_out``; see the
    reference's ``_mmm_lots``): lot counts up to ``x * slack + e2 / unit`` (at most half a lot)."""
    cdef double kf = 0.0, x, full, rem, last
    if nt > lmax:
        x = nt / lmax
        kf = ceil(x - min(x * slack + e2 / lmax, 0.5)) - 1.0
    full = kf * lmax if kf > 0.0 else 0.0
    rem = nt - full
    last = rem if rem > lmin else lmin
    if lmult > 0.0:
        # (a whole number of multiples, also where the product rounds a hair below the need: the roll reads that
        # residue as meeting the safety stock; the min is exact)
        x = last / lmult
        last = ceil(x - min(x * slack + (e2 / lmult if rem > lmin else 0.0), 0.5)) * lmult
    if last > lmax:  # (the max is a multiple: a quotient rounded up past it, 74.7 / 0.3; or a residue)
        last = lmax
    kf_out[0] = kf
    return full + last


cdef void _net_one(Py_ssize_t t_len, double on_hand, const double* g, const double* s, double ss,
                   signed char rule, double lmin, double lmax, double lmult, int64_t nper, double setup,
                   double hold, double* proj, double* net, double* rec, int64_t* orders, double* f, double* c,
                   int64_t* arg) noexcept nogil:
    """One item's row (pointers to the start of its contiguous rows)."""
    cdef Py_ssize_t p, j, stop, cover
    cdef double prev, avail, dp, nt, q, kf, full, rem, last, cum, need, x, cur, err, t1, e2, wo, room, lot_e
    cdef double err0 = _read_err(on_hand) + _read_err(ss)
    cdef int64_t k
    cdef bint short
    if rule == 3:
        prev = on_hand
        err = err0
        wo = 0.0
        for p in range(t_len):
            t1 = prev + s[p]
            avail = t1 - g[p]
            # (err: a bound on the float64 error of avail, from the inputs' reading and every rounded sum)
            err = (((err + _read_err(s[p])) + _read_err(g[p])) + _sum_err(prev, s[p], t1)) \
                + _sum_err(t1, g[p], avail)
            # (short, and the residue rule: as in the loop below)
            short = avail < ss and (not err < INFINITY or avail < ss - (err - wo))
            if avail < ss and not short:
                wo = wo + (ss - avail)
                avail = ss
            dp = ss - avail if short else 0.0
            net[p] = dp
            prev = avail + dp
            err = err + _sum_err(avail, dp, prev)
            if dp > 0.0 and prev < ss:
                wo = wo + (ss - prev)
                prev = ss
        _ww(net, t_len, setup, hold, rec, f, c, arg)
    prev = on_hand
    cover = 0  # (fixed periods: the periods before this one are covered by the last order)
    err = err0
    wo = 0.0  # (what residues wrote off so far: with it, every write-off together stays within the bound)
    for p in range(t_len):
        t1 = prev + s[p]
        avail = t1 - g[p]
        # (err: a bound on the float64 error of avail, from the inputs' reading and every rounded sum)
        err = (((err + _read_err(s[p])) + _read_err(g[p])) + _sum_err(prev, s[p], t1)) \
            + _sum_err(t1, g[p], avail)
        # short only beyond what the error bound leaves after the earlier write-offs (an infinite bound: an
        # overflow, no residue); below ss by less is a residue: at ss, written off
        room = err - wo
        short = avail < ss and (not err < INFINITY or avail < ss - room)
        if avail < ss and not short:
            wo = wo + (ss - avail)
            avail = ss
        nt = ss - avail if short else 0.0
        q = 0.0
        k = 0
        lot_e = 0.0  # (a min/max/multiple lot's own rounding)
        if rule == 3:
            q = rec[p]
            k = 1 if q > 0.0 else 0
            if short and q == 0.0:
                nt = 0.0  # (covered by an earlier lot, exactly: short by a rounding only)
        elif short:
            if rule == 0:
                q = nt
                k = 1
            elif rule == 1:
                # the need's error bound: the room the roll's leaves, and the rounding of ss - avail (a lot count
                # within it, or a few ulps, of a whole number is that number: the need may be that in decimal)
                q = _mmm_lots(nt, lmin, lmax, lmult, LOT_SLACK, room + nt * ROUNDING, &kf)
                cur = avail + q
                if cur < ss - ((room + _lot_err(q, nt)) + _sum_err(avail, q, cur)):
                    # (the count's relative slack left more short than the room, the lot's own rounding and the
                    # sum's allow: counted without slack)
                    q = _mmm_lots(nt, lmin, lmax, lmult, 0.0, 0.0, &kf)
                lot_e = _lot_err(q, nt)
                k = <int64_t>kf + 1
            elif p < cover:
                nt = 0.0  # (covered by the last order, exactly: short by a rounding only; no order between)
            else:
                cum = avail
                need = nt
                stop = p + nper
                if stop > t_len:
                    stop = t_len
                for j in range(p + 1, stop):
                    cum = (cum + s[j]) - g[j]
                    x = ss - cum
                    if x > need:
                        need = x
                q = need
                k = 1
                cover = stop
        net[p] = nt
        rec[p] = q
        orders[p] = k
        cur = avail + q
        err = (err + _sum_err(avail, q, cur)) + lot_e
        if short and cur < ss:
            # (every rule's receipts meet the safety stock up to a residue of the sum or of the lot count)
            wo = wo + (ss - cur)
            cur = ss
        proj[p] = cur
        prev = cur


def net_items(const double[::1] on_hand, const double[:, ::1] gross, const double[:, ::1] scheduled,
              const double[::1] ss, const signed char[::1] rule, const double[::1] lot_min,
              const double[::1] lot_max, const double[::1] lot_mult, const int64_t[::1] lot_periods,
              const double[::1] setup, const double[::1] hold, double[:, ::1] proj, double[:, ::1] net,
              double[:, ::1] receipt, int64_t[:, ::1] orders):
    cdef Py_ssize_t r, n = gross.shape[0], t_len = gross.shape[1]
    cdef double[::1] f = np.empty(t_len + 1)
    cdef double[::1] c = np.empty(t_len + 1)
    cdef int64_t[::1] arg = np.empty(t_len + 1, dtype=np.int64)
    if t_len == 0:
        return
    with nogil:
        for r in range(n):
            _net_one(t_len, on_hand[r], &gross[r, 0], &scheduled[r, 0], ss[r], rule[r], lot_min[r], lot_max[r],
                     lot_mult[r], lot_periods[r], setup[r], hold[r], &proj[r, 0], &net[r, 0], &receipt[r, 0],
                     &orders[r, 0], &f[0], &c[0], &arg[0])


def mrp_levels(const int64_t[::1] order, const int64_t[::1] level_ptr, const int64_t[::1] child_ptr,
               const int64_t[::1] child_idx, const double[::1] child_qty, const int64_t[::1] lead,
               const double[::1] on_hand, double[:, ::1] gross, const double[:, ::1] scheduled,
               const double[::1] ss, const signed char[::1] rule, const double[::1] lot_min,
               const double[::1] lot_max, const double[::1] lot_mult, const int64_t[::1] lot_periods,
               const double[::1] setup, const double[::1] hold, double[:, ::1] proj, double[:, ::1] net,
               double[:, ::1] receipt, double[:, ::1] release, double[::1] past_due, int64_t[:, ::1] orders):
    cdef Py_ssize_t pos, r, p, e, k, t_len = gross.shape[1]
    cdef int64_t lt
    cdef double pd, qty, v
    cdef double[::1] f = np.empty(t_len + 1)
    cdef double[::1] c = np.empty(t_len + 1)
    cdef int64_t[::1] arg = np.empty(t_len + 1, dtype=np.int64)
    if t_len == 0:
        past_due[:] = 0.0
        return
    with nogil:
        for pos in range(order.shape[0]):
            r = order[pos]
            _net_one(t_len, on_hand[r], &gross[r, 0], &scheduled[r, 0], ss[r], rule[r], lot_min[r], lot_max[r],
                     lot_mult[r], lot_periods[r], setup[r], hold[r], &proj[r, 0], &net[r, 0], &receipt[r, 0],
                     &orders[r, 0], &f[0], &c[0], &arg[0])
            lt = lead[r]
            pd = 0.0
            for p in range(t_len):
                release[r, p] = 0.0
            for p in range(t_len):
                if p - lt >= 0:
                    release[r, p - lt] = receipt[r, p]
                else:
                    pd += receipt[r, p]
            past_due[r] = pd
            for e in range(child_ptr[r], child_ptr[r + 1]):
                k = child_idx[e]
                qty = child_qty[e]
                for p in range(t_len):
                    v = release[r, p]
                    if p == 0:
                        v = pd + v
                    gross[k, p] += v * qty

"""Numba engine for time-phased netting; same names, semantics and float operations as
``reference.netting``.

The kernels are serial on purpose: ``parallel=True`` kernels abort the process when called from several Python
threads under numba's workqueue threading layer (the fallback when neither tbb nor omp loads), and a service
runs these from a thread pool; items are independent, so callers can split the items across threads instead
(the kernels release the GIL).
"""

from __future__ import annotations

import math

import numpy as np

from bk_fast._kernels._numba import jit
from bk_fast._kernels.reference.netting import LOT_SLACK, QUICK_BOUND, QUICK_LIMIT, READ_FLOOR, ROUNDING


@jit(inline="always")
def _read_err(x):
    """The reading term of an input (the reference's ``_read_err``): ``max(|x| x ROUNDING, READ_FLOOR)``."""
    t = abs(x) * ROUNDING
    return READ_FLOOR if t < READ_FLOOR else t


@jit(inline="always")
def _sum_err(a, b, total):
    """The rounding term of ``total = a + b`` (the reference's ``_sum_err``): ``min(|total| x ROUNDING, |a|,
    |b|)``, 0 where an operand is 0 (exact)."""
    return min(min(abs(total) * ROUNDING, abs(a)), abs(b))


@jit
def weekly_roll(on_hand, demand, receipts, past_due, balance, total_demand, total_receipt, total,
                first_short, recovery):
    n, t_len = demand.shape
    k = QUICK_BOUND * (t_len + 1)  # (the reference's _quick_bound)
    c = k * ROUNDING
    f = k * READ_FLOOR
    for r in range(n):
        prev = on_hand[r]
        mag = abs(prev)  # (the item's magnitudes so far: its quick bound, as the reference's)
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
            mag += abs(d) + abs(q)
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


@jit
def _exact_marks(r, on_hand, demand, receipts, balance, first_short, recovery):
    """Item ``r``'s shortage and recovery weeks against the running error bound of its balances (the reference's
    ``_exact_marks``; the balances as the roll wrote them)."""
    prev = on_hand[r]
    err = _read_err(prev)
    fs = -1
    rc = -1
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


@jit
def _ww(d, setup, hold, rec, f, c, arg):
    t_len = d.shape[0]
    f[0] = 0.0
    for j in range(t_len):
        c[j] = setup
        dj = d[j]
        if dj != 0.0:  # (no demand adds no holding cost: inf * 0 is NaN, a cost no candidate beats)
            for i in range(j):
                c[i] += hold * float(j - i) * dj
        if dj > 0.0:
            best = math.inf
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


@jit(inline="always")
def _lot_err(q, nt):
    """A min/max/multiple lot's own rounding (the reference's ``_lot_err``): ``4 x _read_err(q)``, 0 where the
    lot is the need itself."""
    return 4.0 * _read_err(q) if q != nt else 0.0


@jit(inline="always", error_model="numpy")  # (IEEE division: a max of 0 gives NaN, as in the others)
def _mmm_lots(nt, lmin, lmax, lmult, slack, e2):
    """A min/max/multiple receipt for the need ``nt`` and its count of max lots less one (see the reference's
    ``_mmm_lots``): lot counts up to ``x * slack + e2 / unit`` (at most half a lot)."""
    kf = 0.0
    if nt > lmax:
        x = nt / lmax
        kf = np.ceil(x - min(x * slack + e2 / lmax, 0.5)) - 1.0  # (np.ceil: a float; math.ceil an int64 that wraps)
    full = kf * lmax if kf > 0.0 else 0.0
    rem = nt - full
    last = rem if rem > lmin else lmin
    if lmult > 0.0:
        # (a whole number of multiples, also where the product rounds a hair below the need: the roll reads that
        # residue as meeting the safety stock; the min is exact)
        x = last / lmult
        last = np.ceil(x - min(x * slack + (e2 / lmult if rem > lmin else 0.0), 0.5)) * lmult
    if last > lmax:  # (the max is a multiple: a quotient rounded up past it, 74.7 / 0.3; or a residue)
        last = lmax
    return full + last, kf


@jit(error_model="numpy")  # (IEEE division, as the reference and Cython: no ZeroDivisionError)
def _net_one(on_hand, g, s, ss, rule, lmin, lmax, lmult, nper, setup, hold, proj, net, rec, orders,
             f, c, arg):
    t_len = g.shape[0]
    err0 = _read_err(on_hand) + _read_err(ss)
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
            short = avail < ss and (not err < np.inf or avail < ss - (err - wo))
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
        _ww(net, setup, hold, rec, f, c, arg)
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
        short = avail < ss and (not err < np.inf or avail < ss - room)
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
                q, kf = _mmm_lots(nt, lmin, lmax, lmult, LOT_SLACK, room + nt * ROUNDING)
                cur = avail + q
                if cur < ss - ((room + _lot_err(q, nt)) + _sum_err(avail, q, cur)):
                    # (the count's relative slack left more short than the room, the lot's own rounding and the
                    # sum's allow: counted without slack)
                    q, kf = _mmm_lots(nt, lmin, lmax, lmult, 0.0, 0.0)
                lot_e = _lot_err(q, nt)
                k = int(kf) + 1
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


@jit
def _net_block(lo, hi, on_hand, gross, scheduled, ss, rule, lot_min, lot_max, lot_mult, lot_periods, setup,
               hold, proj, net, receipt, orders):
    t_len = gross.shape[1]
    f = np.empty(t_len + 1)
    c = np.empty(t_len + 1)
    arg = np.empty(t_len + 1, dtype=np.int64)
    for r in range(lo, hi):
        _net_one(on_hand[r], gross[r], scheduled[r], ss[r], rule[r], lot_min[r], lot_max[r], lot_mult[r],
                 lot_periods[r], setup[r], hold[r], proj[r], net[r], receipt[r], orders[r], f, c, arg)


@jit
def net_items(on_hand, gross, scheduled, ss, rule, lot_min, lot_max, lot_mult, lot_periods, setup, hold,
              proj, net, receipt, orders):
    _net_block(0, gross.shape[0], on_hand, gross, scheduled, ss, rule, lot_min, lot_max, lot_mult,
               lot_periods, setup, hold, proj, net, receipt, orders)


@jit
def mrp_levels(order, level_ptr, child_ptr, child_idx, child_qty, lead, on_hand, gross, scheduled, ss, rule,
               lot_min, lot_max, lot_mult, lot_periods, setup, hold, proj, net, receipt, release, past_due,
               orders):
    t_len = gross.shape[1]
    f = np.empty(t_len + 1)
    c = np.empty(t_len + 1)
    arg = np.empty(t_len + 1, dtype=np.int64)
    for pos in range(order.shape[0]):
        r = order[pos]
        _net_one(on_hand[r], gross[r], scheduled[r], ss[r], rule[r], lot_min[r], lot_max[r], lot_mult[r],
                 lot_periods[r], setup[r], hold[r], proj[r], net[r], receipt[r], orders[r], f, c, arg)
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

"""Reference kernels for time-phased netting (DOMAIN.md sections 5 and 9).

All kernels are vectorised across items and loop over periods (the roll is sequential in time). The float
operations are the same, in the same order, as in the cython and numba engines, so all three agree to the
last bit. Inputs are clean (finite, NaN already replaced by 0) and validated by the pandas layer.

Rule codes (``rule`` arrays, one per item):

- ``0`` lot-for-lot: receipt = net requirement;
- ``1`` min / max / multiple: ``max(net, min)`` rounded up to ``multiple``; a need above the (effective)
  max is split into full orders of max plus one last order (``lot_max`` is the effective max: already a
  multiple of ``multiple``, ``inf`` when uncapped; ``lot_mult`` 0 means no rounding);
- ``2`` fixed period quantity: an order covers the requirements of ``lot_periods`` periods from its own;
- ``3`` Wagner-Whitin: optimal lots for ``setup`` cost per order and ``hold`` cost per unit per period on
  end-of-period stock, over the lot-for-lot net requirements.
"""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel

LOT_FOR_LOT, MIN_MAX_MULTIPLE, FIXED_PERIODS, WAGNER_WHITIN = 0, 1, 2, 3


@kernel
@np.errstate(over="ignore", invalid="ignore")   # (as mrp_levels: an overflow is inf, the caller names it)
def weekly_roll(on_hand, demand, receipts, past_due, balance, total_demand, total_receipt, total,
                first_short, recovery):
    """The ERP's weekly yarn balance roll, per item (row) over buckets (columns).

    ``balance[:, 0] = (on_hand - demand[:, 0]) + receipts[:, 0]``, then
    ``balance[:, t] = (balance[:, t-1] - demand[:, t]) + receipts[:, t]``. Past-due receipts stay out of the
    roll: ``total_receipt = past_due + sum(receipts)`` (summed left to right),
    ``total = (on_hand - total_demand) + total_receipt``. ``first_short`` = first bucket with balance < 0
    (else -1); ``recovery`` = first later bucket with balance > 0 (else -1); each beyond the running bound on
    the balance's float64 error (``ROUNDING``, as the netting roll keeps it; the balances are as computed):
    a rounding residue of 0 is neither. The running bound is kept only for the items where it can decide: a
    balance beyond the quick bound (``QUICK_BOUND``), above the running one, is decided by the quick one; an item
    with a balance of the right sign within it (or magnitudes beyond ``QUICK_LIMIT``) is rolled again with the
    running bound (``_exact_marks``). Every decision is the running bound's.
    """
    n, t_len = demand.shape
    c, f = _quick_bound(t_len)
    prev = on_hand.copy()
    mag = np.abs(on_hand)
    unsure = np.zeros(n, dtype=bool)
    td = np.zeros(n)
    tr = past_due.copy()
    first_short[:] = -1
    recovery[:] = -1
    for t in range(t_len):
        d, q = demand[:, t], receipts[:, t]
        cur = (prev + -d) - -q   # (_roll's sums: the same NaN too)
        balance[:, t] = cur
        td += d
        tr += q
        mag = mag + (np.abs(d) + np.abs(q))   # (finite inputs may add up to inf here: no quick bound then)
        bound = np.where(mag <= QUICK_LIMIT, mag * c + f, np.inf)   # (NaN: inf)
        short_open = first_short < 0
        recovery_open = ~short_open & (recovery < 0)
        unsure |= (short_open & (cur < 0.0) & ~(cur < -bound)) | (recovery_open & (cur > 0.0) & ~(cur > bound))
        recovery[recovery_open & (cur > bound)] = t
        first_short[short_open & (cur < -bound)] = t
        prev = cur
    total_demand[:] = td
    total_receipt[:] = tr
    total[:] = (on_hand - td) + tr
    redo = np.flatnonzero(unsure)
    if redo.size:
        first_short[redo], recovery[redo] = _exact_marks(on_hand[redo], demand[redo], receipts[redo])


def _exact_marks(on_hand, demand, receipts):
    """``(first_short, recovery)`` of ``weekly_roll``'s items decided against the running error bound of every
    balance (as the netting roll keeps it)."""
    n, t_len = demand.shape
    prev = on_hand.copy()
    err = _read_err(on_hand)
    first_short = np.full(n, -1, dtype=np.int64)
    recovery = np.full(n, -1, dtype=np.int64)
    for t in range(t_len):
        cur, err = _roll(prev, -demand[:, t], -receipts[:, t], err)
        newly_short = (first_short < 0) & (cur < -err)
        recovered = (first_short >= 0) & (recovery < 0) & (cur > err)
        recovery[recovered] = t
        first_short[newly_short] = t
        prev = cur
    return first_short, recovery


def _ww_plan(d, setup, hold):
    """Wagner-Whitin lots over net requirements ``d`` (rows x periods): planned receipts, same arithmetic
    as the compiled engines (costs accumulated lot by lot, ties to the earliest order period)."""
    n, t_len = d.shape
    rec = np.zeros((n, t_len))
    if n == 0 or t_len == 0:
        return rec
    f = np.zeros((n, t_len + 1))
    c = np.zeros((n, t_len))
    arg = np.full((n, t_len + 1), -1, dtype=np.int64)
    positive = d > 0.0
    # (costs that overflow are inf, as in the compiled engines: they tie, the earliest order period wins; a
    # period of no demand adds no holding cost, not inf * 0 = NaN, a cost that no candidate beats)
    with np.errstate(over="ignore", invalid="ignore"):
        for j in range(t_len):
            c[:, j] = setup
            dj = d[:, j]
            some = dj != 0.0
            for i in range(j):
                c[:, i] = np.where(some, c[:, i] + hold * float(j - i) * dj, c[:, i])
            best = np.full(n, np.inf)
            bi = np.full(n, -1, dtype=np.int64)
            for i in range(j + 1):
                cand = f[:, i] + c[:, i]
                better = positive[:, i] & ((cand < best) | (bi < 0))  # (the first candidate always)
                best = np.where(better, cand, best)
                bi[better] = i
            need = dj > 0.0
            f[:, j + 1] = np.where(need, best, f[:, j])
            arg[:, j + 1] = np.where(need, bi, -1)
    # backtrack: owner[r, t] = period of the lot that covers period t (or -1)
    owner = np.full((n, t_len), -1, dtype=np.int64)
    rows = np.arange(n)
    cur = np.full(n, t_len, dtype=np.int64)
    for _ in range(t_len):
        live = cur > 0
        if not live.any():
            break
        a = np.full(n, -1, dtype=np.int64)
        a[live] = arg[rows[live], cur[live]]
        carry = live & (a < 0)
        lot = live & (a >= 0)
        for r in np.flatnonzero(lot):
            owner[r, a[r]:cur[r]] = a[r]
        cur[carry] -= 1
        cur[lot] = a[lot]
    for t in range(t_len):
        has = owner[:, t] >= 0
        r = rows[has]
        rec[r, owner[r, t]] += d[r, t]
    return rec


#: half an ulp per unit of magnitude. The roll keeps a running bound on the float64 error of ``avail``: the
#: decimal reading of |on hand|, |ss| and every period's |receipts| and |gross| (``_read_err``: at least
#: ``READ_FLOOR``), and the rounding of each sum of the roll (``prev + receipts``, ``- gross``, ``+ planned
#: receipt``), at most half an ulp of its result and at most either operand (``_sum_err``: 0 where an operand
#: is 0, the sum is exact; idle periods add nothing):
#: ``err += _read_err(s) + _read_err(g) + _sum_err(prev, s, prev + s) + _sum_err(prev + s, -g, avail)``, in
#: that order, and ``+ _sum_err(avail, q, avail + q)`` then ``+ _lot_err(q, need)`` (a min/max/multiple lot's
#: own rounding against its decimal value) (terms scaled one by one: exact, a power of two, and no overflow to
#: inf where the magnitudes pass the float range). A period below the safety stock by no more than
#: ``err - wo`` is at it, where ``wo`` is what such residues (and receipts a residue short of ss) wrote off
#: before: all write-offs together stay within the bound (a min/max/multiple lot whose count's relative slack
#: would leave more short than the room, its own rounding and the sum's allow is counted without slack: the
#: write-off stays within the bound grown by those terms), so the exact stock stays within twice the
#: bound of ss (the float stock's own error comes on top). ``weekly_roll`` keeps the same bound on its balances
#: (``prev - demand + receipts``).
ROUNDING = 2.0 ** -53
#: the least reading term: a decimal read as a subnormal (or near 2**-1022) is off by up to 2**-1075, where
#: ``|x| x ROUNDING`` underflows to 0 (7.4e-324 and 3.7e-324 both read as 5e-324); against any err above
#: ~2**-1020 the floor rounds away (realistic data: the same bound, bit for bit)
READ_FLOOR = 2.0 ** -1074
#: ``weekly_roll``'s quick bound on the running bound: ``(4 T + 4) x (ROUNDING x m + READ_FLOOR)`` over ``T``
#: buckets, ``m`` the sum of the item's |on hand|, |demand| and |receipts| so far. Every balance and partial
#: sum is at most ``m`` (up to ``(1 + ROUNDING) ** (2 T)``), so the running bound, ``2 t + 1`` reading and
#: ``2 t`` rounding terms, is below ``(2 T + 1) x ROUNDING x m + (3 T + 1) x READ_FLOOR`` (up to its own sums'
#: rounding): the factor 2 to spare covers every rounding of both for ``T`` below 2**40.
QUICK_BOUND = 4.0
#: magnitudes at most this cannot overflow the float range on the way (beyond it: the running bound)
QUICK_LIMIT = 2.0 ** 1020


def _read_err(x):
    """The reading term of an input ``x``: ``max(|x| x ROUNDING, READ_FLOOR)``, at least half an ulp of ``x``
    (NaN stays NaN)."""
    t = np.abs(x) * ROUNDING
    return np.where(t < READ_FLOOR, READ_FLOOR, t)


def _quick_bound(t_len):
    """``(c, f)``: ``weekly_roll``'s quick bound over ``t_len`` buckets is ``m x c + f`` (``QUICK_BOUND``)."""
    k = QUICK_BOUND * (t_len + 1)
    return k * ROUNDING, k * READ_FLOOR


def _sum_err(a, b, total):
    """The rounding term of ``total = a + b``: ``min(|total| x ROUNDING, |a|, |b|)``. The rounding is at most half
    an ulp of the sum and at most |a| and |b| (each operand is a float that far from the exact sum): 0 where
    ``a`` or ``b`` is 0, the sum is then exact."""
    return np.minimum(np.minimum(np.abs(total) * ROUNDING, np.abs(a)), np.abs(b))


def _roll(prev, s, g, err):
    """One period's ``avail = (prev + s) - g`` and the error bound grown by its terms (``weekly_roll``: ``s`` the
    negated demand, ``g`` the negated receipts, the same sums)."""
    t1 = prev + s
    avail = t1 - g
    err = (((err + _read_err(s)) + _read_err(g)) + _sum_err(prev, s, t1)) + _sum_err(t1, g, avail)
    return avail, err


def _short(avail, ss, err, wo):
    """``(short, avail, wo)``: short is below ``ss`` by more than what the error bound ``err`` leaves after the
    earlier write-offs ``wo`` (or at all when the bound is infinite: an overflow is no residue); below ``ss``
    by less is a residue: ``avail`` is ``ss``, and ``wo`` grows by what that wrote off, so all write-offs
    together stay within the bound (not one bound a period)."""
    short = (avail < ss) & (~(err < np.inf) | (avail < ss - (err - wo)))
    res = (avail < ss) & ~short
    return short, np.where(res, ss, avail), np.where(res, wo + (ss - avail), wo)


def _l4l_nets(on_hand, gross, scheduled, ss):
    n, t_len = gross.shape
    d = np.zeros((n, t_len))
    prev = on_hand.copy()
    err = _read_err(on_hand) + _read_err(ss)
    wo = np.zeros(n)
    for p in range(t_len):
        avail, err = _roll(prev, scheduled[:, p], gross[:, p], err)
        short, avail, wo = _short(avail, ss, err, wo)
        dp = np.where(short, ss - avail, 0.0)
        d[:, p] = dp
        prev = avail + dp
        err = err + _sum_err(avail, dp, prev)
        low = (dp > 0.0) & (prev < ss)
        wo = np.where(low, wo + (ss - prev), wo)
        prev = np.where(low, ss, prev)
    return d


#: a lot count's slack: a need above a whole number ``k`` of multiples (or of max lots) by no more than this
#: share of the count (a few ulps of it), and by less than half a lot, is ``k`` of them, not ``k + 1``
#: (``887.32 - 487.32`` is 400.00000000000006: 16.000000000000004 multiples of 25 are 16; the receipt then
#: meets the safety stock up to the residue, which the roll reads as meeting it). The kernels add the need's
#: error bound (the roll's, in lots) to the slack: a need that is a small difference of large stock carries
#: the stock's residue (10,021.03 - (9,642.22 + 377.81) is 1.0000000000018: 1 lot of 1).
LOT_SLACK = 2.0 ** -50


def lot_count(x):
    """``ceil`` of a lot count ``x >= 0`` up to the slack ``min(x * LOT_SLACK, 0.5)`` (the kernels add the need's
    error bound, in lots, to it: ``_mmm_lots``)."""
    return np.ceil(x - np.minimum(x * LOT_SLACK, 0.5))


def _mmm_lots(nt, lmin, lmax, mult, slack, e2):
    """Min/max/multiple receipts for the needs ``nt`` and their counts of max lots less one: lots of the
    effective max, then the rest raised to the min and rounded up to the multiple, every count up to
    ``x * slack + e2 / unit`` (at most half a lot; ``e2``: the need's error bound, none for a lot raised to the
    min, which is exact)."""
    div = np.where(nt > lmax, lmax, 1.0)
    x = nt / div
    kf = np.where(nt > lmax, np.ceil(x - np.minimum(x * slack + e2 / div, 0.5)) - 1.0, 0.0)
    full = kf * np.where(kf > 0.0, lmax, 0.0)
    rem = nt - full
    last = np.where(rem > lmin, rem, lmin)   # (as the compiled engines: an infinite need's rem, inf - inf, is NaN)
    pos = mult > 0.0
    safe = np.where(pos, mult, 1.0)
    y = last / safe
    up = np.ceil(y - np.minimum(y * slack + np.where(rem > lmin, e2, 0.0) / safe, 0.5)) * mult
    last = np.where(pos, up, last)
    return full + np.where(last > lmax, lmax, last), kf


def _lot_err(q, nt):
    """A min/max/multiple lot's own rounding against the decimal lot it stands for (a term of the roll's bound,
    ``ROUNDING``): ``4 x _read_err(q)`` where the lot is not the need itself, none where it is. Each product
    ``count x unit`` (of multiples, of max lots) is off by half an ulp of it and by the count times the unit's
    own (reading) error; the sum of the full lots and the last by half an ulp of ``q``: at most 4 half-ulps of
    ``q`` in all (70842 x 0.03 is 2125.2599999999998 for 2125.26)."""
    return np.where(q != nt, 4.0 * _read_err(q), 0.0)


def round_lot(last, mult, cap):
    """A min/max/multiple lot rounded up to its multiple where ``mult > 0``: ``ceil(last / mult) * mult`` (the
    count up to ``LOT_SLACK``; the product may round a hair below ``last``, 505.10999999999996 for 505.11 with
    0.03, a residue the roll reads as meeting the safety stock), never above the effective max ``cap``, itself
    a multiple (a quotient that rounds up past a whole number, 74.7 / 0.3, or a residue above it). The pandas
    layer's rounding of the last of several orders: the kernels' own (``_mmm_lots``) also counts up to the
    need's error bound, which ``netting._orders_frame`` reads off the receipt where it made a difference."""
    pos = mult > 0.0
    last = np.where(pos, lot_count(last / np.where(pos, mult, 1.0)) * mult, last)
    return np.where(last > cap, cap, last)


def _net_rows(on_hand, gross, scheduled, ss, rule, lot_min, lot_max, lot_mult, lot_periods, setup, hold,
              proj, net, receipt, orders):
    """Net a block of rows (vectorised across rows, sequential over periods); outputs written in place."""
    n, t_len = gross.shape
    ww = rule == WAGNER_WHITIN
    fixed = None
    if ww.any():
        w = np.flatnonzero(ww)
        d = _l4l_nets(on_hand[w], gross[w], scheduled[w], ss[w])
        fixed = np.zeros((n, t_len))
        fixed[w] = _ww_plan(d, setup[w], hold[w])
    is_l4l = rule == LOT_FOR_LOT
    is_mmm = rule == MIN_MAX_MULTIPLE
    is_fpq = rule == FIXED_PERIODS
    max_periods = int(lot_periods[is_fpq].max()) if is_fpq.any() else 1
    prev = on_hand.copy()
    err = _read_err(on_hand) + _read_err(ss)
    wo = np.zeros(n)  # (what residues wrote off so far)
    cover = np.zeros(n, dtype=np.int64)  # (fixed periods: periods before this are covered by the last order)
    for p in range(t_len):
        avail, err = _roll(prev, scheduled[:, p], gross[:, p], err)
        room = err - wo
        short, avail, wo = _short(avail, ss, err, wo)
        nt = np.where(short, ss - avail, 0.0)
        q = np.zeros(n)
        k = np.zeros(n, dtype=np.int64)
        lot_e = np.zeros(n)  # (a min/max/multiple lot's own rounding: _lot_err)

        m = short & is_l4l
        q[m] = nt[m]
        k[m] = 1

        m = short & is_mmm
        if m.any():
            e, ntm, lmin, mult, rm = lot_max[m], nt[m], lot_min[m], lot_mult[m], room[m]
            # the need's error bound: the room the roll's leaves, and the rounding of ss - avail (a lot count
            # within it, or a few ulps, of a whole number is that number: the need may be that in decimal)
            qm, kf = _mmm_lots(ntm, lmin, e, mult, LOT_SLACK, rm + ntm * ROUNDING)
            # (where the count's relative slack left more short than the room, the lot's own rounding and the
            # sum's allow: counted without slack)
            am = avail[m]
            cm = am + qm
            again = cm < ss[m] - ((rm + _lot_err(qm, ntm)) + _sum_err(am, qm, cm))
            if again.any():
                q0, k0 = _mmm_lots(ntm, lmin, e, mult, 0.0, np.zeros_like(ntm))
                qm, kf = np.where(again, q0, qm), np.where(again, k0, kf)
            q[m] = qm
            lot_e[m] = _lot_err(qm, ntm)
            with np.errstate(invalid="ignore"):  # (a count beyond int64 wraps as in the compiled engines)
                k[m] = kf.astype(np.int64) + 1

        m = short & is_fpq
        covered = m & (p < cover)  # (covered by the last order, exactly: short by a rounding; no order)
        nt[covered] = 0.0
        m &= ~covered
        if m.any():
            cover[m] = p + lot_periods[m]
            cum = avail[m]
            need = nt[m]
            ssm = ss[m]
            per = lot_periods[m]
            for step in range(1, max_periods):
                j = p + step
                if j >= t_len:
                    break
                active = step < per
                cum = np.where(active, (cum + scheduled[m, j]) - gross[m, j], cum)
                x = ssm - cum
                need = np.where(active & (x > need), x, need)   # (a NaN sum raises no need, as compiled)
            q[m] = need
            k[m] = 1

        if fixed is not None:
            fq = fixed[ww, p]
            q[ww] = fq
            k[ww] = (fq > 0.0).astype(np.int64)
            nt[ww & short & (q == 0.0)] = 0.0  # (covered by an earlier lot, exactly: short by a rounding)

        net[:, p] = nt
        receipt[:, p] = q
        orders[:, p] = k
        cur = avail + q
        err = (err + _sum_err(avail, q, cur)) + lot_e
        low = short & (cur < ss)  # (every rule's receipts meet ss up to a residue of the sum or the lot count)
        wo = np.where(low, wo + (ss - cur), wo)
        cur = np.where(low, ss, cur)
        proj[:, p] = cur
        prev = cur


@kernel
def net_items(on_hand, gross, scheduled, ss, rule, lot_min, lot_max, lot_mult, lot_periods, setup, hold,
              proj, net, receipt, orders):
    """Gross-to-net per item (row) over periods with safety stock and a lot rule per item.

    ``avail = (proj[p-1] + scheduled[p]) - gross[p]`` (``proj[-1] = on_hand``; ``ss`` where it is below ``ss``
    by no more than the running bound on its float64 error, ``ROUNDING`` above); when
    ``avail < ss`` the net requirement is ``ss - avail`` and the item's lot rule (module docstring) sizes the
    planned receipt;
    ``proj[p] = avail + receipt[p]``, or ``ss`` where a short period's sum rounds below it (the receipts meet
    ``ss`` exactly); ``orders[p]`` counts the planned orders due in ``p``. A short period inside the window
    of the last fixed-periods order, or a Wagner-Whitin period without a lot, is short by a rounding only: net
    0, no order, ``proj[p] = ss``. A lot count within a few ulps of a whole number is that number (``LOT_SLACK``).
    """
    with np.errstate(over="ignore", invalid="ignore"):   # (as mrp_levels: an overflow is inf, the caller names it)
        _net_rows(on_hand, gross, scheduled, ss, rule, lot_min, lot_max, lot_mult, lot_periods, setup, hold,
                  proj, net, receipt, orders)


@kernel
def mrp_levels(order, level_ptr, child_ptr, child_idx, child_qty, lead, on_hand, gross, scheduled, ss, rule,
               lot_min, lot_max, lot_mult, lot_periods, setup, hold, proj, net, receipt, release, past_due,
               orders):
    """Multi-level MRP: items in low-level-code order (``order``; level ``l`` is
    ``order[level_ptr[l]:level_ptr[l+1]]``). Each item is netted like :func:`net_items`; its planned
    receipts are released ``lead`` periods earlier (``release[p - lead] = receipt[p]``; receipts whose release
    falls before period 0 are summed into ``past_due``), and each item's releases are exploded into its
    children's gross requirements in the release period, ``gross[child, p] += release[item, p] * qty``, with
    the past-due releases required now: period 0 explodes ``(past_due + release[item, 0]) * qty``. Parents are
    taken in ``order`` and lines in CSR order. ``gross`` is updated in place (it ends as the total gross
    requirement of every item).
    """
    # (quantities that overflow are inf, as in the compiled engines, without a RuntimeWarning: the caller's
    # check names the item and period)
    with np.errstate(over="ignore", invalid="ignore"):
        _mrp_levels(order, level_ptr, child_ptr, child_idx, child_qty, lead, on_hand, gross, scheduled, ss, rule,
                    lot_min, lot_max, lot_mult, lot_periods, setup, hold, proj, net, receipt, release, past_due,
                    orders)


def _mrp_levels(order, level_ptr, child_ptr, child_idx, child_qty, lead, on_hand, gross, scheduled, ss, rule,
                lot_min, lot_max, lot_mult, lot_periods, setup, hold, proj, net, receipt, release, past_due, orders):
    t_len = gross.shape[1]
    n_levels = level_ptr.shape[0] - 1
    for lev in range(n_levels):
        rows = order[level_ptr[lev]:level_ptr[lev + 1]]
        nr = rows.shape[0]
        if nr == 0:
            continue
        b_proj = np.empty((nr, t_len))
        b_net = np.empty_like(b_proj)
        b_rec = np.empty_like(b_proj)
        b_ord = np.empty((nr, t_len), dtype=np.int64)
        _net_rows(on_hand[rows], gross[rows], scheduled[rows], ss[rows], rule[rows], lot_min[rows],
                  lot_max[rows], lot_mult[rows], lot_periods[rows], setup[rows], hold[rows], b_proj, b_net,
                  b_rec, b_ord)
        proj[rows] = b_proj
        net[rows] = b_net
        receipt[rows] = b_rec
        orders[rows] = b_ord
        b_rel = np.zeros_like(b_rec)
        b_pd = np.zeros(nr)
        lt = lead[rows]
        for p in range(t_len):
            dst = p - lt
            ok = dst >= 0
            b_rel[np.flatnonzero(ok), dst[ok]] = b_rec[ok, p]
            b_pd[~ok] += b_rec[~ok, p]
        release[rows] = b_rel
        past_due[rows] = b_pd
        # explosion: parents in order, lines in CSR order (np.add.at applies updates sequentially)
        starts = child_ptr[rows]
        counts = child_ptr[rows + 1] - starts
        total = int(counts.sum())
        if total == 0 or t_len == 0:
            continue
        src = b_rel.copy()
        src[:, 0] = b_pd + src[:, 0]
        parent_pos = np.repeat(np.arange(nr), counts)
        line = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts) + np.arange(total)
        np.add.at(gross, child_idx[line], src[parent_pos] * child_qty[line][:, None])

"""Reference kernels for priority allocation against time-phased supply (DOMAIN.md sections 6 and 9).

Supply layout (shared by both kernels): items are dense codes ``0..n_items-1``; item ``i`` owns the periods
``item_ptr[i]:item_ptr[i+1]`` of ``times`` (strictly increasing within the item) and ``cum`` (cumulative
supply through each period; the first period is the on-hand). ``free`` (output) starts as a copy of ``cum``
and ends as the cumulative supply still free after every take.

The rule. An order due at time ``d`` falls in bucket ``k`` = the last period with ``time <= d``. Taking ``x``
at period ``m`` subtracts ``x`` from ``free[j]`` for every ``j >= m`` (the projected on hand of every later
period drops by ``x``). Projected on hand is never negative at any period iff ``free[j] >= 0`` for all
``j``, so at period ``m`` an order can take at most ``g(m) = min(free[m:])``, the suffix minimum. ``g`` is
non-decreasing in ``m``, which makes "the earliest period with enough free material" a single backward scan.
Each order, in priority order, repeats: find the smallest ``m >= k`` (``m >= 0``) with ``g(m) > 0`` (with
``g(m) >= s`` when the smallest allowed shipment ``s`` is positive), stop if ``m`` is past the last period
allowed by ``max_late`` (the last with ``time - d <= max_late``, the lateness as the deliveries report it;
or no such ``m`` exists, or the remaining need is below ``s``), take
``x = min(remaining, g(m))`` at ``m`` and continue from ``m + 1``. A take at ``m`` with ``x = g(m)`` leaves
``g(m') = 0`` for every ``m' <= m`` for good, so an item makes at most ``orders + periods`` takes. The
compiled engines keep only the suffix minima ``g``, exactly (``min(f - x) == min(f) - x`` in floating point
because rounding is monotone), so finding ``m`` is a binary search, O(log periods), or with the threshold
``> 0`` (``s == 0``) just ``max(m, z)`` where ``z``, the first period with ``g > 0``, only moves forward (a
take that leaves ``g(m) > 0`` keeps it; one that empties ``g(m)`` moves it past ``m``); the take itself is one
branch-free pass over the item's periods that subtracts ``x`` from ``g`` from ``m`` on and sets
``min(g, g(m) - x)`` before ``m``. ``free`` itself is an optional output: when asked for, the compiled
engines replay the deliveries at the end (the same subtractions in the same order). This reference
recomputes the suffix minima from ``free``. Taking ``x <= g(m) <= free[j]`` keeps ``free[j] - x >= 0``
exactly in floating point (rounding is monotone), so no projected on hand ever goes negative, not even by
one ulp.

``s = min_ship`` when ``partial`` else ``s = max(qty, min_ship)`` (one full shipment; the caller gives an order
below ``min_ship`` up to its tolerance as qty 0, and one within the tolerance below it is held to ``min_ship``'s
threshold too, so the delivery is never more than that tolerance below ``min_ship``). ``max_late = inf`` allows
any lateness. Orders of an item are taken in (rank, row) order; items are independent.

Rounding. ``tol`` (input, per item, >= 0) bounds the rounding error of the item's float64 sums, which miss
the decimal ones by a few ulps (``0.3 - 0.1`` is 0.19999999999999998, below an order of 0.2); the caller gives
``(2 x supply rows + orders + 2) x 2**-53 x`` the sum of the item's ``|qty|`` supply rows: every rounded
operation on the item's free supply errs by at most half an ulp of that sum, and so does the decimal reading
of its inputs. An order's tolerance is ``t = min(tol, qty x 2**-20)`` (``NEED_SHARE``: a cap for huge
magnitudes) and its threshold ``th = s - min(t, s x 2**-20)``: a take ``x`` that leaves at most the residue
(``x >= remaining - t``) ends the order (no shortfall, no late take of the residue; the delivery is what was
free), a threshold ``s > 0`` is met by ``g(m) >= th`` (and ``g(m) > 0``), and the remaining need is below it
when ``< th``. With ``partial=False`` (``s = qty``) the two tests are the same comparison, so an order that
meets its threshold ships complete. A take never exceeds ``g(m)``, so the exactness below holds as before.
The kit kernel counts a line as covering the qty when ``need <= g + min(tol, need x 2**-20)``,
``need = frac x qty``.

All three engines perform the same floating-point operations in the same order, so they agree bit for bit.
"""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel


#: the share of an order's need (qty, or a kit line's fraction x qty) that caps its rounding tolerance
NEED_SHARE = 2.0 ** -20


def thresholds(tol, qty, s):
    """``(t, th)``: orders' rounding tolerances ``t = min(tol, qty x NEED_SHARE)`` and the thresholds ``th = s -
    min(t, s x NEED_SHARE)`` that meet ``s`` up to them (module docstring), element-wise. The compiled engines
    compute the same two lines per order; the pandas layer (``bk_fast.allocation``) drops an order below
    ``min_shipment`` by them."""
    t = np.minimum(tol, qty * NEED_SHARE)
    return t, s - np.minimum(t, s * NEED_SHARE)


def _last_at_or_before(times, a, b, x):
    return int(np.searchsorted(times[a:b], x, side="right")) - 1


@kernel
@np.errstate(over="ignore", invalid="ignore")  # due + max_late, times - due may overflow to inf: as compiled
def allocate_orders(item_ptr, times, cum, tol, order_item, rank, due, qty, partial, min_ship,
                    max_late, free, short, on_time, del_order, del_period, del_qty, del_due, del_late):
    """Allocate orders (in their item's priority order) against each item's time-phased supply.

    ``tol``: per item, the rounding tolerance (module docstring). Inputs per order (row ``o``): ``order_item``
    (int64 code), ``rank`` (int64 >= 0: the order of service within an item, ties by row; the caller encodes
    priority, due and order id in it), ``due`` (float64, no NaN), ``qty`` (float64 >= 0). Scalars:
    ``partial`` (0/1), ``min_ship`` (>= 0), ``max_late`` (>= 0, may be inf). Outputs: ``free`` (per period; a
    zero-length array when not wanted, which saves the compiled engines half the work of a take), ``short``
    and ``on_time`` (qty delivered on time; per order) and the deliveries ``del_order`` (order row),
    ``del_period`` (global period index), ``del_qty``, ``del_due`` (the order's due), ``del_late`` (``time -
    due`` when the period is after the due, else 0), which need room for ``len(order_item) + len(times)`` rows.
    Returns the number of deliveries written (in allocation order: item by item, orders in priority order,
    periods ascending).

    NumPy formulation: items are independent, so every round advances each item by one step of its own
    sequential loop (one take, or closing its current order), vectorised across items over a dense
    ``items x periods`` matrix of free supply (padded with +inf, which is never a suffix minimum). Every
    element sees the same floating-point operations in the same order as in the sequential loop.
    """
    n_items = item_ptr.shape[0] - 1
    n = order_item.shape[0]
    want_free = free.shape[0] > 0  # (an empty ``free``: not asked for)
    if want_free:
        free[:] = cum
    on_time[:] = 0.0
    if n == 0:
        return 0
    rows = np.arange(n, dtype=np.int64)
    seq = np.lexsort((rows, rank, order_item))
    start = np.zeros(n_items + 1, dtype=np.int64)
    np.cumsum(np.bincount(order_item, minlength=n_items), out=start[1:])
    plen = np.diff(item_ptr)
    width = int(plen.max(initial=0)) + 1  # one +inf sentinel column at least
    per_item = np.repeat(np.arange(n_items, dtype=np.int64), plen)
    col = np.arange(times.shape[0], dtype=np.int64) - item_ptr[per_item]
    F = np.full((n_items, width), np.inf)
    F[per_item, col] = cum

    # k = last period <= due, last = about the last period <= due + max_late (-1: none), via one global
    # searchsorted on (item, time rank) keys: ranks keep the order of every time involved exactly
    bound = due + max_late
    bound = np.where(np.isnan(bound), np.inf, bound)  # -inf + inf cannot occur (due is finite)
    allt, inv = np.unique(np.concatenate([times, due, bound]), return_inverse=True)
    base = np.int64(allt.shape[0] + 1)
    t_rank, d_rank, b_rank = np.split(inv.astype(np.int64), [times.shape[0], times.shape[0] + n])
    pkey = per_item * base + t_rank
    k = np.searchsorted(pkey, order_item * base + d_rank, side="right") - item_ptr[order_item] - 1
    last = np.searchsorted(pkey, order_item * base + b_rank, side="right") - item_ptr[order_item] - 1
    k = np.maximum(k, -1)
    last = np.maximum(last, -1)
    # the lateness is compared as the deliveries report it, ``time - due <= max_late`` (due + max_late may round
    # across a period): step ``last`` to where that holds (a period or two at most; t - due is monotone in t)
    plen_o = plen[order_item]
    while True:
        up = (last + 1 < plen_o)
        up[up] = times[item_ptr[order_item[up]] + last[up] + 1] - due[up] <= max_late
        down = last >= 0
        down[down] = times[item_ptr[order_item[down]] + last[down]] - due[down] > max_late
        if not (up.any() or down.any()):
            break
        last = last + up - down

    pos = start[:-1].copy()
    end = start[1:]
    cur = np.full(n_items, -1, dtype=np.int64)  # current order per item (-1: take the next one)
    r = np.zeros(n_items)
    s = np.zeros(n_items)
    tq = np.zeros(n_items)  # the current order's tolerance
    th = np.zeros(n_items)  # and its threshold, s up to the tolerance
    m = np.zeros(n_items, dtype=np.int64)
    lst = np.zeros(n_items, dtype=np.int64)
    out_o, out_p, out_q, out_i = [], [], [], []
    cols = np.arange(width, dtype=np.int64)
    while True:
        fresh = np.flatnonzero((cur < 0) & (pos < end))
        if fresh.size:
            o = seq[pos[fresh]]
            cur[fresh] = o
            q = qty[o]
            r[fresh] = q
            s[fresh] = min_ship if partial else np.maximum(q, min_ship)
            tq[fresh], th[fresh] = thresholds(tol[fresh], q, s[fresh])
            m[fresh] = np.maximum(k[o], 0)
            lst[fresh] = np.where(plen[fresh] > 0, last[o], -1)
        act = np.flatnonzero(cur >= 0)
        if act.size == 0:
            break
        ra, sa, ma = r[act], s[act], m[act]
        done = ~(ra > 0.0) | (ma > lst[act]) | ((sa > 0.0) & (ra < th[act]))
        go = act[~done]
        if go.size:
            G = np.minimum.accumulate(F[go][:, ::-1], axis=1)[:, ::-1]
            sg = s[go][:, None]
            ok = np.where(sg > 0.0, (G >= th[go][:, None]) & (G > 0.0), G > 0.0) & \
                (cols[None, :] >= m[go][:, None])
            m2 = ok.argmax(axis=1)  # ok is monotone from m on and true in the sentinel column
            stop = m2 > lst[go]
            done[np.searchsorted(act, go[stop])] = True
            take = go[~stop]
            m2 = m2[~stop]
            if take.size:
                run = G[~stop, m2]
                rt = r[take]
                x = np.where(rt <= run, rt, run)
                F[take] -= np.where(cols[None, :] >= m2[:, None], x[:, None], 0.0)
                out_o.append(cur[take])
                out_p.append(item_ptr[take] + m2)
                out_q.append(x)
                out_i.append(take)
                # all of it, or all but a rounding residue: no need left
                r[take] = np.where(x >= rt - tq[take], 0.0, rt - x)
                m[take] = m2 + 1
        fin = act[done]
        short[cur[fin]] = r[fin]
        cur[fin] = -1
        pos[fin] += 1
    if want_free:
        free[:] = F[per_item, col]
    if not out_o:
        return 0
    d_item = np.concatenate(out_i)
    order = np.argsort(d_item, kind="stable")  # rounds keep each item's own sequence
    nd = order.shape[0]
    del_order[:nd] = np.concatenate(out_o)[order]
    del_period[:nd] = np.concatenate(out_p)[order]
    del_qty[:nd] = np.concatenate(out_q)[order]
    d = due[del_order[:nd]]
    t = times[del_period[:nd]]
    late = t > d
    del_due[:nd] = d
    del_late[:nd] = np.where(late, t - d, 0.0)
    on_time[del_order[:nd][~late]] = del_qty[:nd][~late]  # at most one on-time delivery per order
    return nd


@kernel
@np.errstate(over="ignore", divide="ignore", invalid="ignore")  # g / frac may overflow to inf: as compiled
def allocate_kit_orders(item_ptr, times, cum, tol, seq, qty, due, req_ptr, req_item, req_frac, all_or_nothing,
                        free, knit, limiting, taken, avail):
    """Allocate kits: order ``o`` needs ``req_frac[line] * lbs`` of item ``req_item[line]`` for each line in
    ``req_ptr[o]:req_ptr[o+1]``; orders are taken in the sequence ``seq``.

    Each yarn line can give ``g`` = the suffix minimum of its item's free supply from the order's due bucket
    (``due`` NaN = the first period; a due before the item's first period or an item code of -1 gives 0);
    the knittable lbs are ``min(qty, min over lines of g / frac)`` (0 in all-or-nothing mode unless the full
    qty is covered), where a line whose need ``frac * qty`` fits in ``g`` (up to the item's ``tol``) covers the
    qty exactly (``g / frac`` may round below it) and one whose need does not fit covers less than the qty
    (``g / frac`` may round up to it). ``limiting`` is the first line reaching that minimum when it is below
    ``qty`` (else -1).
    Every line then takes ``min(frac * knit, g)`` from its bucket on (the ``min`` only guards rounding);
    ``avail[line]`` (output) is that ``g``.
    """
    free[:] = cum
    n_req = req_item.shape[0]
    first = np.full(n_req, -1, dtype=np.int64)
    for o in seq.tolist():
        q = float(qty[o])
        best = q
        lim = -1
        lo, hi = int(req_ptr[o]), int(req_ptr[o + 1])
        for line in range(lo, hi):
            it = int(req_item[line])
            g = 0.0
            k = -1
            if it >= 0:
                a, b = int(item_ptr[it]), int(item_ptr[it + 1])
                if b > a:
                    d = float(due[o])
                    k = 0 if d != d else _last_at_or_before(times, a, b, d)
                    if k >= 0:
                        g = max(float(free[a + k:b].min()), 0.0)
                        k = a + k
            avail[line] = g
            first[line] = k
            # the line covers the qty when its need fits in what is free (need <= g, as the ERP reads it; up to
            # the item's rounding tolerance)
            cov = q
            need = req_frac[line] * q
            if not need <= g + (min(float(tol[it]), need * NEED_SHARE) if it >= 0 else 0.0):
                cov = g / req_frac[line]
                if cov >= q:  # (g / frac rounded up to q although frac * q > g: the line cannot cover q)
                    cov = float(np.nextafter(q, -np.inf))
            if cov < best:
                best = float(cov)
                lim = line
        if not best > 0.0:
            best = 0.0
        if all_or_nothing and best < q:
            best = 0.0
        knit[o] = best
        limiting[o] = lim
        for line in range(lo, hi):
            x = 0.0
            if best > 0.0:
                x = float(req_frac[line] * best)
                if x > avail[line]:
                    x = float(avail[line])
                if x > 0.0:
                    free[first[line]:item_ptr[req_item[line] + 1]] -= x
            taken[line] = x

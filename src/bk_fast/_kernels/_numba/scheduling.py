"""Numba engine for machine scheduling; same names and semantics as ``reference.scheduling``."""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import types
from numba.core.extending import intrinsic, overload

from bk_fast._kernels._numba import jit

_MH_CAP = 2112  # room for moore_hodgson's exact running total (reference.MH_CAP)
_V4D = ir.VectorType(ir.DoubleType(), 4)
_V4I = ir.VectorType(ir.IntType(64), 4)


def _splat(builder, value, vty):
    v = ir.Constant(vty, ir.Undefined)
    for q in range(4):
        v = builder.insert_element(v, value, ir.Constant(ir.IntType(32), q))
    return v


@intrinsic
def _ends4_vec(typingctx, avail, last_style, setup, ends, pos, k, r, s, d, m0, m1, m2, m3):
    # Four machines pos..pos+3 of a contiguous group in one step, as LLVM vectors (4 doubles: one AVX2 step,
    # two SSE2 steps): t = r > a ? r : a, su = setup when last >= 0 and last != s else +0.0, e = (t + su) + d,
    # ends[k:k+4] = e, and the four running minima (e < m ? e : m). The same IEEE operations, lane by lane,
    # as the scalar code; numba would not vectorise the selects itself. Only for C-contiguous float64/int64
    # arrays (see _ends4).
    sig = types.UniTuple(types.float64, 4)(avail, last_style, setup, ends, pos, k, r, s, d, m0, m1, m2, m3)

    def codegen(context, builder, sig, args):
        avail_v, last_v, setup_v, ends_v, pos_v, k_v, r_v, s_v, d_v = args[:9]

        def vptr(value, ty, idx, vty):
            data = context.make_array(ty)(context, builder, value).data
            return builder.bitcast(builder.gep(data, [idx], inbounds=True), vty.as_pointer())

        a = builder.load(vptr(avail_v, sig.args[0], pos_v, _V4D), align=8)
        ls = builder.load(vptr(last_v, sig.args[1], pos_v, _V4I), align=8)
        sp = builder.load(vptr(setup_v, sig.args[2], pos_v, _V4D), align=8)
        rv = _splat(builder, r_v, _V4D)
        t = builder.select(builder.fcmp_ordered(">", rv, a), rv, a)
        change = builder.and_(builder.icmp_signed(">=", ls, ir.Constant(_V4I, [0] * 4)),
                              builder.icmp_signed("!=", ls, _splat(builder, s_v, _V4I)))
        su = builder.select(change, sp, ir.Constant(_V4D, [0.0] * 4))
        e = builder.fadd(builder.fadd(t, su), _splat(builder, d_v, _V4D))
        builder.store(e, vptr(ends_v, sig.args[3], k_v, _V4D), align=8)
        acc = ir.Constant(_V4D, ir.Undefined)
        for q in range(4):
            acc = builder.insert_element(acc, args[9 + q], ir.Constant(ir.IntType(32), q))
        acc = builder.select(builder.fcmp_ordered("<", e, acc), e, acc)
        lanes = [builder.extract_element(acc, ir.Constant(ir.IntType(32), q)) for q in range(4)]
        return context.make_tuple(builder, sig.return_type, lanes)

    return sig, codegen


def _ends4(avail, last_style, setup, ends, pos, k, r, s, d, m0, m1, m2, m3):  # pragma: no cover - jit only
    raise NotImplementedError


@overload(_ends4)
def _ends4_impl(avail, last_style, setup, ends, pos, k, r, s, d, m0, m1, m2, m3):
    dtypes = (types.float64, types.int64, types.float64, types.float64)
    arrays = (avail, last_style, setup, ends)
    if all(isinstance(a, types.Array) and a.layout == "C" and a.dtype == t and a.ndim == 1
           for a, t in zip(arrays, dtypes)) and r == types.float64 and d == types.float64 \
            and s == types.int64:
        def vec(avail, last_style, setup, ends, pos, k, r, s, d, m0, m1, m2, m3):
            return _ends4_vec(avail, last_style, setup, ends, pos, k, r, s, d, m0, m1, m2, m3)
        return vec

    def scalar(avail, last_style, setup, ends, pos, k, r, s, d, m0, m1, m2, m3):
        p = np.int64(pos)
        kk = np.int64(k)
        for q in range(4):
            a = avail[p + q]
            t = r if r > a else a
            ls = last_style[p + q]
            su = setup[p + q] if (ls >= 0) & (ls != s) else 0.0
            ends[kk + q] = t + su + d
        e0, e1, e2, e3 = ends[kk], ends[kk + 1], ends[kk + 2], ends[kk + 3]
        return (e0 if e0 < m0 else m0, e1 if e1 < m1 else m1, e2 if e2 < m2 else m2, e3 if e3 < m3 else m3)
    return scalar


@jit
def _group_kinds(group_ptr, group_mach, speed):
    # 1 when the group's machines are consecutive codes with one speed (the contiguous path), else 0
    n_groups = group_ptr.shape[0] - 1
    kind = np.zeros(max(n_groups, 0), dtype=np.uint8)
    for g in range(n_groups):
        lo = group_ptr[g]
        hi = group_ptr[g + 1]
        ok = hi > lo
        k = lo + 1
        while ok and k < hi:
            ok = group_mach[k] == group_mach[lo] + (k - lo) and speed[group_mach[k]] == speed[group_mach[lo]]
            k += 1
        kind[g] = 1 if ok else 0
    return kind


@jit(error_model="numpy")  # no zero-division check in the inner loop (speeds are validated > 0)
def list_schedule(order, job_group, work, release, job_style, group_ptr, group_mach, speed, setup,
                  avail, last_style, load, out_machine, out_start, out_end, out_setup):
    # Groups of consecutive machine codes with one speed (work centers as bk_fast.schedule numbers them) take
    # the contiguous path: plain runs of state, one division per job. Other groups (eligible lists, mixed
    # speeds) take the general path: the earliest end (a branch-free min), then among the machines that reach
    # it the lower load, then the lower machine code. t = release when it is later than avail, else avail:
    # the reference's choice (it matters for -0.0). Indices the Python layer validated are used unchecked.
    kind = _group_kinds(group_ptr, group_mach, speed)
    widest = 0
    for g in range(group_ptr.shape[0] - 1):
        widest = max(widest, group_ptr[g + 1] - group_ptr[g])
    ends = np.empty(max(widest, 1), dtype=np.float64)
    zero, one, four = np.uint64(0), np.uint64(1), np.uint64(4)
    for i in range(order.shape[0]):
        j = np.uint64(order[i])
        g = job_group[j]
        if g < 0:
            out_machine[j] = -1
            continue
        gu = np.uint64(g)
        r = release[j]
        s = job_style[j]
        w = work[j]
        lo = np.uint64(group_ptr[gu])
        hi = np.uint64(group_ptr[gu + np.uint64(1)])
        if kind[gu]:
            # contiguous path (one speed: d divided once); uint64 positions skip numba's wraparound checks
            base = np.uint64(group_mach[lo])
            cnt = hi - lo
            d = w / speed[base]
            m0 = np.inf
            m1 = np.inf
            m2 = np.inf
            m3 = np.inf
            k = zero
            while k + four <= cnt:  # four machines a step, four running minima
                m0, m1, m2, m3 = _ends4(avail, last_style, setup, ends, base + k, k, r, s, d, m0, m1, m2, m3)
                k += four
            while k < cnt:
                a = avail[base + k]
                t = r if r > a else a
                ls = last_style[base + k]
                su = setup[base + k] if (ls >= 0) & (ls != s) else 0.0
                e = t + su + d
                ends[k] = e
                m0 = min(e, m0)
                k += one
            min_end = min(min(m0, m1), min(m2, m3))
            # among the machines reaching min_end: the lowest load, then the first (= lowest code). Ties are
            # rare once machines are busy: one branch-free pass finds the first and counts them, and the
            # loads are read only when there are several.
            arg = zero
            n_min = 0
            k = cnt
            while k > zero:
                k -= one
                eq = ends[k] == min_end
                arg = k if eq else arg
                n_min += eq
            if n_min > 1:
                bl = load[base + arg]
                k = arg + one
                while k < cnt:
                    if ends[k] == min_end and load[base + k] < bl:
                        bl = load[base + k]
                        arg = k
                    k += one
            best = base + arg  # no minimum at all (NaN input): the first machine
            e = ends[arg]
        else:
            min_end = np.inf
            for k in range(lo, hi):
                m = np.uint64(group_mach[k])
                a = avail[m]
                t = r if r > a else a
                ls = last_style[m]
                su = setup[m] if (ls >= 0) & (ls != s) else 0.0
                e = t + su + w / speed[m]
                ends[k - lo] = e
                min_end = min(min_end, e)
            best = np.uint64(group_mach[lo])
            best_load = 0.0
            e = ends[0]
            found = False
            for k in range(lo, hi):
                if ends[k - lo] == min_end:
                    m = np.uint64(group_mach[k])
                    ld = load[m]
                    if (not found) | (ld < best_load) | ((ld == best_load) & (m < best)):
                        found = True
                        best = m
                        best_load = ld
                        e = ends[k - lo]
            d = w / speed[best]
        a = avail[best]
        t = r if r > a else a
        ls = last_style[best]
        su = setup[best] if (ls >= 0) & (ls != s) else 0.0
        avail[best] = e
        last_style[best] = s
        load[best] = load[best] + (su + d)
        out_machine[j] = np.int64(best)
        out_start[j] = t
        out_end[j] = e
        out_setup[j] = su


@jit
def _before(key_p, a, b):
    # strict heap order: a sits above b when it is longer, or as long and later in due order
    return key_p[a] > key_p[b] or (key_p[a] == key_p[b] and a > b)


@jit
def _two_sum(a, b):
    # Knuth's TwoSum: fl(a + b) and its exact error: reference._two_sum
    s = a + b
    bv = s - a
    av = s - bv
    return s, (a - av) + (b - bv)


@jit
def _grow(e, m, b):
    # e[:m] += b in place, exactly (grow-expansion with TwoSum, zeros dropped): reference._grow
    q = b
    k = 0
    for i in range(m):
        q, h = _two_sum(q, e[i])
        if h != 0.0:
            e[k] = h
            k += 1
    if q != 0.0:
        e[k] = q
        k += 1
    return k


@jit
def _exceeds(e, m, d):
    # e[:m] > d exactly (d finite): reference._exceeds
    q = -d
    last = 0.0
    for i in range(m):
        q, h = _two_sum(q, e[i])
        if h != 0.0:
            last = h
    return (q if q != 0.0 else last) > 0.0


@jit
def moore_hodgson(order, processing, due, on_time):
    # the running total is exact (a nonoverlapping expansion in total[:m]); see reference.moore_hodgson
    n = order.shape[0]
    key_p = np.empty(n, dtype=np.float64)
    dl = np.empty(n, dtype=np.float64)
    for pos in range(n):
        key_p[pos] = processing[order[pos]]
        dl[pos] = due[order[pos]]
    heap = np.empty(n, dtype=np.int64)
    late = np.zeros(n, dtype=np.uint8)
    total = np.empty(_MH_CAP, dtype=np.float64)
    m = 0
    size = 0
    n_late = 0
    for pos in range(n):
        p = key_p[pos]
        d = dl[pos]
        if d == np.inf:
            break  # due order: no job from here on has a due date
        if p > d:  # late on its own: the longest job so far, the one Moore-Hodgson drops
            late[pos] = 1
            n_late += 1
            continue
        i = size
        heap[i] = pos
        size += 1
        while i > 0:
            parent = (i - 1) >> 1
            if _before(key_p, heap[i], heap[parent]):
                tmp = heap[parent]
                heap[parent] = heap[i]
                heap[i] = tmp
                i = parent
            else:
                break
        m = _grow(total, m, p)
        if _exceeds(total, m, d):
            top = heap[0]
            size -= 1
            heap[0] = heap[size]
            i = 0
            while True:
                left = 2 * i + 1
                if left >= size:
                    break
                c = left
                if left + 1 < size and _before(key_p, heap[left + 1], heap[left]):
                    c = left + 1
                if _before(key_p, heap[c], heap[i]):
                    tmp = heap[c]
                    heap[c] = heap[i]
                    heap[i] = tmp
                    i = c
                else:
                    break
            m = _grow(total, m, -key_p[top])
            late[top] = 1
            n_late += 1
    for pos in range(n):
        on_time[order[pos]] = 1 - late[pos]
    return n_late

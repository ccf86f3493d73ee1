"""Numba engine for the compiled BOM; same names, signatures and summation order as ``reference.bom``.

The by-line kernels (``bom_unit_count``, ``bom_unit_explode``, ``bom_expand_lines``) split big inputs into
``prange`` blocks. Numba's ``workqueue`` threading layer (the one left when neither OpenMP nor TBB loads) is not
thread-safe: two Python threads entering a parallel region at once abort the process. So those three are plain
Python selectors: the parallel kernel runs only when that cannot happen (the layer in force is ``omp`` or
``tbb``, or the caller is the main thread, the only thread that may run a parallel region while the layer is
not known yet or is ``workqueue``); otherwise the serial kernel runs. Every block works on its own items or
lines, so both give the same bits.
"""

from __future__ import annotations

import threading

import numba
import numpy as np

from bk_fast._engine import FORKED_AFTER_OMP
from bk_fast._kernels._numba import jit

#: independent blocks of demanded items for prange (each block owns O(n_items) scratch arrays)
_BLOCKS = 2
#: below these sizes the kernels run serially (waking threads costs more than the work)
_PARALLEL_TOPS = 4096
_PARALLEL_ROWS = 1 << 18


@jit
def bom_levels(indptr, indices, llc):
    n = llc.shape[0]
    indeg = np.zeros(n, dtype=np.int64)
    for e in range(indices.shape[0]):
        indeg[indices[e]] += 1
    queue = np.empty(n, dtype=np.int64)
    tail = 0
    for v in range(n):
        llc[v] = -1
        if indeg[v] == 0:
            llc[v] = 0
            queue[tail] = v
            tail += 1
    head = 0
    while head < tail:
        u = queue[head]
        head += 1
        lu = llc[u] + 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if llc[v] < lu:
                llc[v] = lu
            indeg[v] -= 1
            if indeg[v] == 0:
                queue[tail] = v
                tail += 1
    for v in range(n):
        if indeg[v] > 0:
            llc[v] = -1
    return tail


@jit
def bom_accumulate(codes, qty, req, touched):
    skipped = 0
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0:
            skipped += 1
            continue
        req[c] += qty[i]
        touched[c] = 1
    return skipped


@jit
def bom_accumulate_ids(ids, table, qty, req, touched):
    skipped = 0
    m = table.shape[0]
    for i in range(ids.shape[0]):
        x = ids[i]
        c = table[x] if (x >= 0 and x < m) else -1
        if c < 0:
            skipped += 1
            continue
        req[c] += qty[i]
        touched[c] = 1
    return skipped


@jit
def bom_propagate(indptr, indices, mult, edge_parent, level_ptr, req, touched):
    n = indptr.shape[0] - 1
    for u in range(n):
        if touched[u] == 0:
            continue
        x = req[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            req[v] = req[v] + x * mult[e]
            touched[v] = 1


@jit
def bom_rollup(indptr, indices, mult, edge_parent, level_ptr, out):
    n = indptr.shape[0] - 1
    for u in range(n - 1, -1, -1):
        e0 = indptr[u]
        e1 = indptr[u + 1]
        if e0 == e1:
            continue
        acc = out[u]
        for e in range(e0, e1):
            acc = acc + mult[e] * out[indices[e]]
        out[u] = acc


@jit(inline="always")
def _reach(indptr, indices, top, stamp, mark, stack, reach):
    """Items reachable from ``top`` (top included) into ``reach``, sorted by code; returns how many."""
    sp = 0
    stack[0] = top
    sp = 1
    stamp[top] = mark
    r = 0
    while sp > 0:
        sp -= 1
        u = stack[sp]
        reach[r] = u
        r += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if stamp[v] != mark:
                stamp[v] = mark
                stack[sp] = v
                sp += 1
    if r <= 32:  # insertion sort: the usual reachable set is a style and its few yarns
        for i in range(1, r):
            x = reach[i]
            j = i - 1
            while j >= 0 and reach[j] > x:
                reach[j + 1] = reach[j]
                j -= 1
            reach[j + 1] = x
    else:
        reach[:r].sort()
    return r


@jit
def _count_block(indptr, indices, tops, emit, counts, b, nblocks):
    n = indptr.shape[0] - 1
    nt = tops.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    reach = np.empty(n, dtype=np.int64)
    for t in range(b, nt, nblocks):
        r = _reach(indptr, indices, tops[t], stamp, t, stack, reach)
        k = 0
        for j in range(r):
            if emit[reach[j]] != 0:
                k += 1
        counts[t] = k


@jit
def _explode_block(indptr, indices, mult, tops, emit, tptr, tcomp, tqty, b, nblocks):
    n = indptr.shape[0] - 1
    nt = tops.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    reach = np.empty(n, dtype=np.int64)
    val = np.empty(n, dtype=np.float64)
    for t in range(b, nt, nblocks):
        top = tops[t]
        r = _reach(indptr, indices, top, stamp, t, stack, reach)
        for j in range(r):
            val[reach[j]] = 0.0
        val[top] = 1.0
        for j in range(r):
            u = reach[j]
            x = val[u]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                val[v] = val[v] + x * mult[e]
        k = tptr[t]
        for j in range(r):
            u = reach[j]
            if emit[u] != 0:
                tcomp[k] = u
                tqty[k] = val[u]
                k += 1


@jit(parallel=True)
def _count_parallel(indptr, indices, tops, emit, counts, nblocks):
    for b in numba.prange(nblocks):
        _count_block(indptr, indices, tops, emit, counts, b, nblocks)


@jit(parallel=True)
def _explode_parallel(indptr, indices, mult, tops, emit, tptr, tcomp, tqty, nblocks):
    for b in numba.prange(nblocks):
        _explode_block(indptr, indices, mult, tops, emit, tptr, tcomp, tqty, b, nblocks)


#: threading layers that let several Python threads run parallel regions at once
_THREAD_SAFE_LAYERS = ("omp", "tbb")


def _layer():
    """The threading layer in force, or None before the process's first parallel region."""
    try:
        return numba.threading_layer()
    except ValueError:  # no parallel region has run in this process yet
        return None


def parallel_allowed() -> bool:
    """Whether a ``parallel=True`` kernel may run from the calling thread without risking numba's
    concurrent-access abort: the threading layer in force is thread-safe (known only after the process's first
    parallel region), or this is the main thread (so no other thread of ours is in a parallel region: the
    others run serial kernels until the layer is known to be safe). Never in a process forked after its parent
    ran parallel regions on ``omp`` (multiprocessing's fork start method, a pre-forking server)."""
    if FORKED_AFTER_OMP[0]:  # (bk_fast._engine's at-fork hook)
        return False
    return _layer() in _THREAD_SAFE_LAYERS or threading.current_thread() is threading.main_thread()


def _selector(parallel_kernel, serial_kernel):
    """Mark a Python-level selector with the compiled kernels it calls (the nogil test checks them)."""

    def mark(f):
        f.compiled_kernels = (parallel_kernel, serial_kernel)
        return f

    return mark


@_selector(_count_parallel, _count_block)
def bom_unit_count(indptr, indices, tops, emit, counts):
    # independent blocks of demanded items in parallel, only when there are enough to pay for the threads
    if tops.shape[0] >= _PARALLEL_TOPS and parallel_allowed():
        _count_parallel(indptr, indices, tops, emit, counts, _BLOCKS)
    else:
        _count_block(indptr, indices, tops, emit, counts, 0, 1)


@_selector(_explode_parallel, _explode_block)
def bom_unit_explode(indptr, indices, mult, tops, emit, tptr, tcomp, tqty):
    if tops.shape[0] >= _PARALLEL_TOPS and parallel_allowed():
        _explode_parallel(indptr, indices, mult, tops, emit, tptr, tcomp, tqty, _BLOCKS)
    else:
        _explode_block(indptr, indices, mult, tops, emit, tptr, tcomp, tqty, 0, 1)


@jit
def _expand_range(line_top, line_qty, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty, i0, i1):
    for i in range(i0, i1):
        t = line_top[i]
        if t < 0:
            continue
        q = line_qty[i]
        k = offsets[i]
        for j in range(tptr[t], tptr[t + 1]):
            out_line[k] = i
            out_code[k] = tcomp[j]
            out_qty[k] = q * tqty[j]
            k += 1


@jit(parallel=True)
def _expand_parallel(line_top, line_qty, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty, nblocks):
    n = line_top.shape[0]
    step = (n + nblocks - 1) // nblocks
    for b in numba.prange(nblocks):
        _expand_range(line_top, line_qty, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty, b * step,
                      min(n, (b + 1) * step))


@_selector(_expand_parallel, _expand_range)
def bom_expand_lines(line_top, line_qty, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty):
    n = line_top.shape[0]
    if out_qty.shape[0] >= _PARALLEL_ROWS and parallel_allowed():
        _expand_parallel(line_top, line_qty, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty, _BLOCKS)
    else:
        _expand_range(line_top, line_qty, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty, 0, n)

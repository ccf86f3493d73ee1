# cython: language_level=3
"""Cython engine for the compiled BOM; same names, signatures and summation order as ``reference.bom``.

Inputs are ``const`` memoryviews (pandas 3 hands out read-only arrays); every loop runs without the GIL.
Indices are validated by ``bk_fast.bom`` before any call (bounds checks are off).
"""

import numpy as np
from libc.stdint cimport int64_t
from libc.stdlib cimport qsort


cdef int _cmp_int64(const void* a, const void* b) noexcept nogil:
    cdef int64_t x = (<const int64_t*>a)[0]
    cdef int64_t y = (<const int64_t*>b)[0]
    return (x > y) - (x < y)


def bom_levels(const int64_t[::1] indptr, const int64_t[::1] indices, int64_t[::1] llc):
    cdef Py_ssize_t n = llc.shape[0], e, v, u, head = 0, tail = 0
    cdef int64_t lu
    cdef int64_t[::1] indeg = np.zeros(n, dtype=np.int64)
    cdef int64_t[::1] queue = np.empty(n, dtype=np.int64)
    with nogil:
        for e in range(indices.shape[0]):
            indeg[indices[e]] += 1
        for v in range(n):
            llc[v] = -1
            if indeg[v] == 0:
                llc[v] = 0
                queue[tail] = v
                tail += 1
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


def bom_accumulate(const int64_t[::1] codes, const double[::1] qty, double[::1] req, unsigned char[::1] touched):
    cdef Py_ssize_t i, skipped = 0
    cdef int64_t c
    with nogil:
        for i in range(codes.shape[0]):
            c = codes[i]
            if c < 0:
                skipped += 1
                continue
            req[c] += qty[i]
            touched[c] = 1
    return skipped


def bom_accumulate_ids(const int64_t[::1] ids, const int64_t[::1] table, const double[::1] qty, double[::1] req,
                       unsigned char[::1] touched):
    cdef Py_ssize_t i, skipped = 0
    cdef int64_t x, c, m = table.shape[0]
    with nogil:
        for i in range(ids.shape[0]):
            x = ids[i]
            if x >= 0 and x < m:
                c = table[x]
            else:
                c = -1
            if c < 0:
                skipped += 1
                continue
            req[c] += qty[i]
            touched[c] = 1
    return skipped


def bom_propagate(const int64_t[::1] indptr, const int64_t[::1] indices, const double[::1] mult,
                  const int64_t[::1] edge_parent, const int64_t[::1] level_ptr, double[::1] req,
                  unsigned char[::1] touched):
    cdef Py_ssize_t n = indptr.shape[0] - 1, u, e
    cdef int64_t v
    cdef double x
    with nogil:
        for u in range(n):
            if touched[u] == 0:
                continue
            x = req[u]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                req[v] = req[v] + x * mult[e]
                touched[v] = 1


def bom_rollup(const int64_t[::1] indptr, const int64_t[::1] indices, const double[::1] mult,
               const int64_t[::1] edge_parent, const int64_t[::1] level_ptr, double[::1] out):
    cdef Py_ssize_t n = indptr.shape[0] - 1, u, e, e0, e1
    cdef double acc
    with nogil:
        for u in range(n - 1, -1, -1):
            e0 = indptr[u]
            e1 = indptr[u + 1]
            if e0 == e1:
                continue
            acc = out[u]
            for e in range(e0, e1):
                acc = acc + mult[e] * out[indices[e]]
            out[u] = acc


cdef Py_ssize_t _reach(const int64_t[::1] indptr, const int64_t[::1] indices, int64_t top, int64_t[::1] stamp,
                       int64_t mark, int64_t[::1] stack, int64_t[::1] reach) noexcept nogil:
    cdef Py_ssize_t sp = 1, r = 0, e
    cdef int64_t u, v
    stack[0] = top
    stamp[top] = mark
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
    cdef Py_ssize_t i, j
    cdef int64_t x
    if r <= 32:  # insertion sort: the usual reachable set is a style and its few yarns
        for i in range(1, r):
            x = reach[i]
            j = i - 1
            while j >= 0 and reach[j] > x:
                reach[j + 1] = reach[j]
                j -= 1
            reach[j + 1] = x
    else:
        qsort(&reach[0], r, sizeof(int64_t), _cmp_int64)
    return r


def bom_unit_count(const int64_t[::1] indptr, const int64_t[::1] indices, const int64_t[::1] tops,
                   const unsigned char[::1] emit, int64_t[::1] counts):
    cdef Py_ssize_t n = indptr.shape[0] - 1, t, j, r, k
    cdef int64_t[::1] stamp = np.full(n, -1, dtype=np.int64)
    cdef int64_t[::1] stack = np.empty(max(n, 1), dtype=np.int64)
    cdef int64_t[::1] reach = np.empty(max(n, 1), dtype=np.int64)
    with nogil:
        for t in range(tops.shape[0]):
            r = _reach(indptr, indices, tops[t], stamp, t, stack, reach)
            k = 0
            for j in range(r):
                if emit[reach[j]] != 0:
                    k += 1
            counts[t] = k


def bom_unit_explode(const int64_t[::1] indptr, const int64_t[::1] indices, const double[::1] mult,
                     const int64_t[::1] tops, const unsigned char[::1] emit, const int64_t[::1] tptr,
                     int64_t[::1] tcomp, double[::1] tqty):
    cdef Py_ssize_t n = indptr.shape[0] - 1, t, j, r, k, e
    cdef int64_t top, u, v
    cdef double x
    cdef int64_t[::1] stamp = np.full(n, -1, dtype=np.int64)
    cdef int64_t[::1] stack = np.empty(max(n, 1), dtype=np.int64)
    cdef int64_t[::1] reach = np.empty(max(n, 1), dtype=np.int64)
    cdef double[::1] val = np.empty(max(n, 1), dtype=np.float64)
    with nogil:
        for t in range(tops.shape[0]):
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


def bom_expand_lines(const int64_t[::1] line_top, const double[::1] line_qty, const int64_t[::1] tptr,
                     const int64_t[::1] tcomp, const double[::1] tqty, const int64_t[::1] offsets,
                     int64_t[::1] out_line, int64_t[::1] out_code, double[::1] out_qty):
    cdef Py_ssize_t i, j, k
    cdef int64_t t
    cdef double q
    with nogil:
        for i in range(line_top.shape[0]):
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

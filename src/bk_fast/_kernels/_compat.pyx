# cython: language_level=3
"""Cython engine for the Phase-3 drop-in kernels; same names and semantics as ``reference.compat``."""

import numpy as np
from libc.stdint cimport int64_t


def counting_sort(const int64_t[::1] codes, Py_ssize_t n_keys, int64_t[::1] dest, int64_t[::1] perm):
    cdef Py_ssize_t i, k, n = codes.shape[0]
    cdef int64_t c, j
    cdef int64_t[::1] pos = np.zeros(n_keys + 1, dtype=np.int64)
    with nogil:
        for i in range(n):
            pos[codes[i] + 1] += 1
        for k in range(n_keys):
            pos[k + 1] += pos[k]
        for i in range(n):
            c = codes[i]
            j = pos[c]
            pos[c] = j + 1
            dest[i] = j
            perm[j] = i


def allocation_running(const double[::1] required, const int64_t[::1] codes, Py_ssize_t n_groups,
                       const double[::1] avail_by_code, double[::1] avail_out, double[::1] cum,
                       unsigned char[::1] can, double[::1] alloc):
    cdef Py_ssize_t i, n = required.shape[0]
    cdef int64_t g
    cdef double r, c, a, rest, y
    cdef double nan = float("nan")
    cdef double[::1] acc = np.zeros(n_groups, dtype=np.float64)
    cdef double[::1] comp = np.zeros(n_groups, dtype=np.float64)
    with nogil:
        for i in range(n):
            g = codes[i]
            r = required[i]
            a = avail_by_code[g] if g >= 0 else nan
            avail_out[i] = a
            if g < 0 or r != r:
                c = nan
            else:
                # Kahan compensation, operation for operation as pandas' groupby cumsum
                y = r - comp[g]
                c = acc[g] + y
                comp[g] = (c - acc[g]) - y
                acc[g] = c
            cum[i] = c
            if c <= a:
                can[i] = 1
                alloc[i] = r
            else:
                can[i] = 0
                rest = a - (c - r)
                if rest != rest:
                    alloc[i] = nan
                elif rest < 0.0:
                    alloc[i] = 0.0
                else:
                    alloc[i] = rest


def capacity_running(const double[::1] hours, const int64_t[::1] codes, Py_ssize_t n_groups,
                     const double[::1] avail_by_code, double[::1] avail_out, double[::1] cum,
                     unsigned char[::1] ok):
    cdef Py_ssize_t i, n = hours.shape[0]
    cdef int64_t g
    cdef double h, c, a, y
    cdef double nan = float("nan")
    cdef double[::1] acc = np.zeros(n_groups, dtype=np.float64)
    cdef double[::1] comp = np.zeros(n_groups, dtype=np.float64)
    with nogil:
        for i in range(n):
            g = codes[i]
            h = hours[i]
            a = avail_by_code[g] if g >= 0 else nan
            avail_out[i] = a
            if g < 0 or h != h:
                c = nan
            else:
                y = h - comp[g]
                c = acc[g] + y
                comp[g] = (c - acc[g]) - y
                acc[g] = c
            cum[i] = c
            ok[i] = 1 if c <= a else 0


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


def shortage_rows(const double[::1] balance, const double[::1] threshold, int64_t[::1] rows,
                  double[::1] amount):
    cdef Py_ssize_t i, k = 0, n = balance.shape[0]
    cdef double b, t
    with nogil:
        for i in range(n):
            b = balance[i]
            t = threshold[i]
            if b < t:
                rows[k] = i
                amount[k] = t - b
                k += 1
    return k

# cython: language_level=3
"""Cython engine for the Phase-3 drop-in kernels; same names and semantics as ``reference.compat``."""

import numpy as np
from libc.stdint cimport int64_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcmp


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


cdef inline uint64_t _hash_bytes(const unsigned char* p, Py_ssize_t length) noexcept nogil:
    cdef uint64_t h = 1469598103934665603ULL
    cdef Py_ssize_t k
    for k in range(length):
        h = (h ^ p[k]) * 1099511628211ULL
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    h ^= h >> 33
    return h


def hash_factorize(const int64_t[::1] offsets, const unsigned char[::1] data, const unsigned char[::1] nulls,
                   int64_t[::1] codes, int64_t[::1] first_rows):
    cdef Py_ssize_t i, n = codes.shape[0]
    cdef bint has_nulls = nulls.shape[0] > 0
    cdef const unsigned char* base = &data[0] if data.shape[0] > 0 else NULL
    cdef int64_t cap = 1024, hcap = 1024, n_groups = 0, j, jj, s, c, r, rs, start, length
    cdef uint64_t h
    cdef int64_t* slots = <int64_t*>calloc(cap, sizeof(int64_t))
    cdef uint64_t* hashes = <uint64_t*>malloc(hcap * sizeof(uint64_t))
    cdef int64_t* grown_slots
    cdef uint64_t* grown_hashes
    cdef bint failed = False
    if slots == NULL or hashes == NULL:
        free(slots)
        free(hashes)
        raise MemoryError()
    with nogil:
        for i in range(n):
            if has_nulls and nulls[i]:
                codes[i] = -1
                continue
            start = offsets[i]
            length = offsets[i + 1] - start
            h = _hash_bytes(base + start, length)
            j = <int64_t>(h & <uint64_t>(cap - 1))
            while True:
                s = slots[j]
                if s == 0:
                    if n_groups == hcap:
                        grown_hashes = <uint64_t*>realloc(hashes, 2 * hcap * sizeof(uint64_t))
                        if grown_hashes == NULL:
                            failed = True
                            break
                        hashes = grown_hashes
                        hcap *= 2
                    hashes[n_groups] = h
                    first_rows[n_groups] = i
                    slots[j] = n_groups + 1
                    codes[i] = n_groups
                    n_groups += 1
                    if 2 * n_groups > cap:
                        grown_slots = <int64_t*>calloc(2 * cap, sizeof(int64_t))
                        if grown_slots == NULL:
                            failed = True
                            break
                        free(slots)
                        slots = grown_slots
                        cap *= 2
                        for c in range(n_groups):
                            jj = <int64_t>(hashes[c] & <uint64_t>(cap - 1))
                            while slots[jj] != 0:
                                jj = (jj + 1) & (cap - 1)
                            slots[jj] = c + 1
                    break
                c = s - 1
                if hashes[c] == h:
                    r = first_rows[c]
                    rs = offsets[r]
                    if offsets[r + 1] - rs == length and (length == 0 or
                                                          memcmp(base + rs, base + start, length) == 0):
                        codes[i] = c
                        break
                j = (j + 1) & (cap - 1)
            if failed:
                break
    free(slots)
    free(hashes)
    if failed:
        raise MemoryError()
    return n_groups

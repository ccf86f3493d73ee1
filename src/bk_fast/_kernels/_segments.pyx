# cython: language_level=3
"""Cython engine for running sums per key; same semantics as ``reference.segments``."""

import numpy as np
from libc.stdint cimport int64_t, uint64_t

ctypedef fused number_t:
    double
    int64_t


def segmented_cumsum(const number_t[::1] values, const int64_t[::1] codes, Py_ssize_t n_groups,
                     number_t[::1] out):
    cdef Py_ssize_t i, n = values.shape[0]
    cdef int64_t g
    cdef number_t v, y, t
    cdef number_t[::1] acc = np.zeros(n_groups, dtype=np.float64 if number_t is double else np.int64)
    cdef number_t[::1] comp = np.zeros(n_groups, dtype=np.float64 if number_t is double else np.int64)
    with nogil:
        for i in range(n):
            g = codes[i]
            if g < 0:
                continue
            v = values[i]
            if number_t is double:
                if v != v:
                    out[i] = v
                    continue
                # Kahan compensation, operation for operation as pandas' groupby cumsum
                y = v - comp[g]
                t = acc[g] + y
                comp[g] = (t - acc[g]) - y
                acc[g] = t
            else:
                # unsigned add: wraps on overflow like NumPy instead of C's undefined behaviour
                acc[g] = <int64_t>(<uint64_t>acc[g] + <uint64_t>v)
            out[i] = acc[g]

# cython: language_level=3
"""Cython engine for yarn-inventory arithmetic; same names and semantics as ``reference.inventory``.

Inputs are read-only-safe (``const``) float64 memoryviews; the GIL is released for the loops.
"""

from libc.math cimport fabs


cdef inline double _z(double x) noexcept nogil:
    return 0.0 if x != x else x


def theoretical_balance(const double[::1] beginning, const double[::1] received, const double[::1] consumed,
                        const double[::1] adjustments, double[::1] out):
    cdef Py_ssize_t i, n = out.shape[0]
    with nogil:
        for i in range(n):
            out[i] = _z(beginning[i]) + _z(received[i]) + _z(consumed[i]) + _z(adjustments[i])


def planning_balance(const double[::1] theoretical, const double[::1] allocated, const double[::1] on_order,
                     double[::1] out):
    cdef Py_ssize_t i, n = out.shape[0]
    with nogil:
        for i in range(n):
            out[i] = _z(theoretical[i]) + _z(allocated[i]) + _z(on_order[i])


def yarn_risk(const double[::1] theoretical, const double[::1] allocated, const double[::1] on_order,
              const double[::1] consumed, double[::1] balance, double[::1] shortage, double[::1] weekly,
              double[::1] weeks, signed char[::1] risk):
    cdef Py_ssize_t i, n = balance.shape[0]
    cdef double t, a, c, pb, w
    with nogil:
        for i in range(n):
            t = _z(theoretical[i])
            a = _z(allocated[i])
            c = _z(consumed[i])
            pb = t + a + _z(on_order[i])
            balance[i] = pb
            shortage[i] = -pb if pb < 0.0 else 0.0
            if c != 0.0:
                w = fabs(c) / 4.3
            elif a != 0.0:
                w = fabs(a) / 8.0
            else:
                w = 10.0
            weekly[i] = w
            weeks[i] = t / w if (t > 0.0 and w > 0.0) else 0.0
            if pb < -1000.0:
                risk[i] = 3
            elif pb < -100.0:
                risk[i] = 2
            elif pb < 0.0:
                risk[i] = 1
            else:
                risk[i] = 0

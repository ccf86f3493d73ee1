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


cdef extern from *:
    """
    /* The fused yarn-risk loop in plain C so that the outputs can be declared __restrict (they are fresh
       arrays from the Python layer) and every select is a blend: real inventories scatter NaNs and signs at
       random, so branches would be mispredicted, and without __restrict nine arrays' worth of alias checks
       stop the compiler from vectorising. Same IEEE operations, in the same order, as the other engines. */
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) \
        && !defined(BK_FAST_BOUNDSCHECK)
    /* one AVX2 clone picked at load time on CPUs that have it (4 doubles a step), the baseline x86-64
       (SSE2) clone elsewhere: the wheel stays portable. No FMA: results are the same IEEE operations. */
    __attribute__((noinline, target_clones("avx2", "default")))
    #elif defined(__GNUC__)
    __attribute__((noinline))  /* vectorised on its own; inlined into the wrapper it is not (gcc 12) */
    #endif
    static void bkf_yarn_risk(Py_ssize_t n, const double *th, const double *al, const double *oo,
                              const double *co, double *__restrict bal, double *__restrict sh,
                              double *__restrict wk, double *__restrict ws, signed char *__restrict rk) {
        for (Py_ssize_t i = 0; i < n; i++) {
            double t = th[i] == th[i] ? th[i] : 0.0;
            double a = al[i] == al[i] ? al[i] : 0.0;
            double c = co[i] == co[i] ? co[i] : 0.0;
            double o = oo[i] == oo[i] ? oo[i] : 0.0;
            double pb = t + a + o;
            double wc = fabs(c) / 4.3;
            double wa = fabs(a) / 8.0;
            double w = a != 0.0 ? wa : 10.0;
            w = c != 0.0 ? wc : w;
            double q = t / w;
            bal[i] = pb;
            sh[i] = pb < 0.0 ? -pb : 0.0;
            wk[i] = w;
            double r = t > 0.0 ? q : 0.0;  /* here, not above the stores: gcc 12 vectorises only this order */
            ws[i] = w > 0.0 ? r : 0.0;  /* (the form `(t > 0) & (w > 0) ? q : 0` defeats gcc 12's vectoriser) */
            signed char code = (signed char)(pb < 0.0 ? (pb < -100.0 ? (pb < -1000.0 ? 3 : 2) : 1) : 0);
            rk[i] = (pb - pb) + (w - w) == 0.0 ? code : (signed char)-1;  /* -1: balance or weekly not finite */
        }
    }
    """
    void bkf_yarn_risk(Py_ssize_t n, const double *th, const double *al, const double *oo, const double *co,
                       double *bal, double *sh, double *wk, double *ws, signed char *rk) noexcept nogil


def yarn_risk(const double[::1] theoretical, const double[::1] allocated, const double[::1] on_order,
              const double[::1] consumed, double[::1] balance, double[::1] shortage, double[::1] weekly,
              double[::1] weeks, signed char[::1] risk):
    cdef Py_ssize_t n = balance.shape[0]
    if n == 0:
        return
    with nogil:
        bkf_yarn_risk(n, &theoretical[0], &allocated[0], &on_order[0], &consumed[0], &balance[0],
                      &shortage[0], &weekly[0], &weeks[0], &risk[0])

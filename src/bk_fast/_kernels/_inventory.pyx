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
       stop the compiler from vectorising. Same IEEE operations, in the same order, as the other engines. Two
       loops: from the Theoretical Balance, and (_parts) from its four components, bb the Beginning Balance, rb
       Received, co Consumed, jb Adjustments: t = ((b + r) + c) + j as theoretical_balance sums them (inf - inf
       stays NaN: the row's balance is not finite). */
    #define BKF_RESIDUE 0x1p-51  /* the rounding allowance's scale, reference.inventory.RESIDUE (4 x 2**-53) */
    #define BKF_RESIDUE_FLOOR 0x3p-1074  /* ... and its floor, RESIDUE_FLOOR (3 x 2**-1074) */
    #define BKF_COMPONENT_RESIDUE 0x1p-50  /* from the components: COMPONENT_RESIDUE (8 x 2**-53) */
    #define BKF_COMPONENT_FLOOR 0x6p-1074  /* ... COMPONENT_FLOOR (6 x 2**-1074) */
    #define BKF_HIGH_BELOW (-100.0)  /* the risk thresholds, reference.inventory.HIGH_BELOW ... */
    #define BKF_CRITICAL_BELOW (-1000.0)  /* ... and CRITICAL_BELOW; each compared less the allowance tol */
    #define BKF_Z(x) ((x) == (x) ? (x) : 0.0)
    /* row i from its NaN-free inputs, t the Theoretical Balance and tol its allowance (-ffp-contract=off: no
       FMA), inlined into the loops below; no __restrict here: the loops' own say it, and with it here too gcc 12
       vectorises neither loop */
    static inline __attribute__((always_inline)) void bkf_risk_row(
            Py_ssize_t i, double t, double a, double o, double c, double tol, double *bal, double *sh, double *wk,
            double *ws, signed char *rk) {
        double pb = t + a + o;
        int short_ = pb < -tol;  /* short: below the rounding allowance */
        double wc = fabs(c) / 4.3;
        double wa = fabs(a) / 8.0;
        double w = a != 0.0 ? wa : 10.0;
        w = c != 0.0 ? wc : w;
        double q = t / w;
        bal[i] = pb;
        sh[i] = short_ ? -pb : 0.0;
        wk[i] = w;
        double r = t > 0.0 ? q : 0.0;  /* here, not above the stores: gcc 12 vectorises only this order */
        ws[i] = w > 0.0 ? r : 0.0;  /* (the form `(t > 0) & (w > 0) ? q : 0` defeats gcc 12's vectoriser) */
        /* each threshold less the same allowance: a balance of exactly -100 in decimal is not HIGH */
        signed char code = (signed char)(short_ ? (pb < BKF_HIGH_BELOW - tol
                                                   ? (pb < BKF_CRITICAL_BELOW - tol ? 3 : 2) : 1) : 0);
        rk[i] = (pb - pb) + (w - w) == 0.0 ? code : (signed char)-1;  /* -1: balance or weekly not finite */
    }
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) \
        && !defined(BK_FAST_BOUNDSCHECK)
    /* one AVX2 clone picked at load time on CPUs that have it (4 doubles a step), the baseline x86-64
       (SSE2) clone elsewhere: the wheel stays portable. No FMA: results are the same IEEE operations. */
    #define BKF_CLONES __attribute__((noinline, target_clones("avx2", "default")))
    #elif defined(__GNUC__)
    #define BKF_CLONES __attribute__((noinline))  /* vectorised on its own; inlined into the caller it is not */
    #else
    #define BKF_CLONES
    #endif
    BKF_CLONES
    static void bkf_yarn_risk(Py_ssize_t n, const double *th, const double *al, const double *oo,
                              const double *co, double *__restrict bal, double *__restrict sh,
                              double *__restrict wk, double *__restrict ws, signed char *__restrict rk) {
        for (Py_ssize_t i = 0; i < n; i++) {
            double t = BKF_Z(th[i]), a = BKF_Z(al[i]), o = BKF_Z(oo[i]);
            double tol = fabs(t) * BKF_RESIDUE + fabs(a) * BKF_RESIDUE + fabs(o) * BKF_RESIDUE + BKF_RESIDUE_FLOOR;
            bkf_risk_row(i, t, a, o, BKF_Z(co[i]), tol, bal, sh, wk, ws, rk);
        }
    }
    BKF_CLONES
    static void bkf_yarn_risk_parts(Py_ssize_t n, const double *bb, const double *rb, const double *jb,
                                    const double *al, const double *oo, const double *co, double *__restrict bal,
                                    double *__restrict sh, double *__restrict wk, double *__restrict ws,
                                    signed char *__restrict rk) {
        for (Py_ssize_t i = 0; i < n; i++) {
            double b = BKF_Z(bb[i]), r = BKF_Z(rb[i]), c = BKF_Z(co[i]), j = BKF_Z(jb[i]);
            double a = BKF_Z(al[i]), o = BKF_Z(oo[i]);
            double tol = fabs(b) * BKF_COMPONENT_RESIDUE + fabs(r) * BKF_COMPONENT_RESIDUE
                + fabs(c) * BKF_COMPONENT_RESIDUE + fabs(j) * BKF_COMPONENT_RESIDUE + fabs(a) * BKF_COMPONENT_RESIDUE
                + fabs(o) * BKF_COMPONENT_RESIDUE + BKF_COMPONENT_FLOOR;
            bkf_risk_row(i, b + r + c + j, a, o, c, tol, bal, sh, wk, ws, rk);
        }
    }

    #if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(BK_FAST_BOUNDSCHECK)
    #include <immintrin.h>
    #include <string.h>
    /* The same loops written with AVX2 intrinsics, four rows a step, picked at run time on CPUs that have AVX2.
       gcc 12 vectorises the plain loop above too, but packs the risk codes of 32 rows into one byte vector per
       iteration and spills most of its registers: ~1.6x the time of numba's loop on an AMD EPYC (5.3 vs 3.4
       ms at 10^6 rows), which left the Cython engine below 10x pandas in most runs. Here every select is a
       mask (and / blend), the codes are the sum of three comparison masks, four bytes stored a step. The
       same IEEE operations in the same order as the scalar loop: (t + a) + o, |c| / 4.3, |a| / 8, t / w
       (no FMA: intrinsics are never contracted), the allowance too; NaN inputs read as 0 by masking them out. */
    #define BKF_AVX2 __attribute__((target("avx2"), always_inline)) static inline
    BKF_AVX2 __m256d bkf_z4(const double *p) {  /* four inputs, NaN -> +0.0 */
        __m256d x = _mm256_loadu_pd(p);
        return _mm256_and_pd(x, _mm256_cmp_pd(x, x, _CMP_EQ_OQ));
    }
    BKF_AVX2 __m256d bkf_scaled4(__m256d x, double scale) {  /* |x| x scale */
        return _mm256_mul_pd(_mm256_andnot_pd(_mm256_set1_pd(-0.0), x), _mm256_set1_pd(scale));
    }
    BKF_AVX2 void bkf_risk_row4(Py_ssize_t i, __m256d t, __m256d a, __m256d o, __m256d c, __m256d tol,
                                double *bal, double *sh, double *wk, double *ws, signed char *rk) {
        const __m256d zero = _mm256_setzero_pd(), sign = _mm256_set1_pd(-0.0);
        const __m256i low32 = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
        __m256d pb = _mm256_add_pd(_mm256_add_pd(t, a), o);
        __m256d wc = _mm256_div_pd(_mm256_andnot_pd(sign, c), _mm256_set1_pd(4.3));
        __m256d wa = _mm256_div_pd(_mm256_andnot_pd(sign, a), _mm256_set1_pd(8.0));
        __m256d w = _mm256_blendv_pd(_mm256_set1_pd(10.0), wa, _mm256_cmp_pd(a, zero, _CMP_NEQ_UQ));
        w = _mm256_blendv_pd(w, wc, _mm256_cmp_pd(c, zero, _CMP_NEQ_UQ));
        __m256d q = _mm256_div_pd(t, w);
        __m256d neg = _mm256_cmp_pd(pb, _mm256_xor_pd(tol, sign), _CMP_LT_OQ);  /* short: pb < -tol */
        __m256d pos = _mm256_and_pd(_mm256_cmp_pd(t, zero, _CMP_GT_OQ), _mm256_cmp_pd(w, zero, _CMP_GT_OQ));
        _mm256_storeu_pd(bal + i, pb);
        _mm256_storeu_pd(sh + i, _mm256_and_pd(_mm256_xor_pd(pb, sign), neg));  /* -pb when short, else +0.0 */
        _mm256_storeu_pd(wk + i, w);
        _mm256_storeu_pd(ws + i, _mm256_and_pd(q, pos));
        /* masks are -1 where true: 0 - short - (short & pb < -100 - tol) - (short & pb < -1000 - tol) is the
           code 0..3 */
        __m256i code = _mm256_sub_epi64(_mm256_setzero_si256(), _mm256_castpd_si256(neg));
        code = _mm256_sub_epi64(code, _mm256_castpd_si256(_mm256_and_pd(neg, _mm256_cmp_pd(
            pb, _mm256_sub_pd(_mm256_set1_pd(BKF_HIGH_BELOW), tol), _CMP_LT_OQ))));
        code = _mm256_sub_epi64(code, _mm256_castpd_si256(_mm256_and_pd(neg, _mm256_cmp_pd(
            pb, _mm256_sub_pd(_mm256_set1_pd(BKF_CRITICAL_BELOW), tol), _CMP_LT_OQ))));
        __m256d fin = _mm256_cmp_pd(_mm256_add_pd(_mm256_sub_pd(pb, pb), _mm256_sub_pd(w, w)), zero,
                                    _CMP_EQ_OQ);
        code = _mm256_or_si256(code, _mm256_andnot_si256(_mm256_castpd_si256(fin), _mm256_set1_epi64x(-1)));
        __m128i b = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(code, low32));
        b = _mm_packs_epi16(_mm_packs_epi32(b, b), b);
        int bytes = _mm_cvtsi128_si32(b);
        memcpy(rk + i, &bytes, 4);
    }
    __attribute__((target("avx2")))
    static Py_ssize_t bkf_yarn_risk_avx2(Py_ssize_t n, const double *th, const double *al, const double *oo,
                                         const double *co, double *__restrict bal, double *__restrict sh,
                                         double *__restrict wk, double *__restrict ws,
                                         signed char *__restrict rk) {
        Py_ssize_t i = 0;
        for (; i + 4 <= n; i += 4) {
            __m256d t = bkf_z4(th + i), a = bkf_z4(al + i), o = bkf_z4(oo + i);
            __m256d tol = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(bkf_scaled4(t, BKF_RESIDUE),
                                                                    bkf_scaled4(a, BKF_RESIDUE)),
                                                      bkf_scaled4(o, BKF_RESIDUE)),
                                        _mm256_set1_pd(BKF_RESIDUE_FLOOR));
            bkf_risk_row4(i, t, a, o, bkf_z4(co + i), tol, bal, sh, wk, ws, rk);
        }
        return i;
    }
    __attribute__((target("avx2")))
    static Py_ssize_t bkf_yarn_risk_parts_avx2(Py_ssize_t n, const double *bb, const double *rb, const double *jb,
                                               const double *al, const double *oo, const double *co,
                                               double *__restrict bal, double *__restrict sh,
                                               double *__restrict wk, double *__restrict ws,
                                               signed char *__restrict rk) {
        Py_ssize_t i = 0;
        for (; i + 4 <= n; i += 4) {
            __m256d b = bkf_z4(bb + i), r = bkf_z4(rb + i), c = bkf_z4(co + i), j = bkf_z4(jb + i);
            __m256d a = bkf_z4(al + i), o = bkf_z4(oo + i);
            __m256d tol = bkf_scaled4(b, BKF_COMPONENT_RESIDUE);
            tol = _mm256_add_pd(tol, bkf_scaled4(r, BKF_COMPONENT_RESIDUE));
            tol = _mm256_add_pd(tol, bkf_scaled4(c, BKF_COMPONENT_RESIDUE));
            tol = _mm256_add_pd(tol, bkf_scaled4(j, BKF_COMPONENT_RESIDUE));
            tol = _mm256_add_pd(tol, bkf_scaled4(a, BKF_COMPONENT_RESIDUE));
            tol = _mm256_add_pd(tol, bkf_scaled4(o, BKF_COMPONENT_RESIDUE));
            tol = _mm256_add_pd(tol, _mm256_set1_pd(BKF_COMPONENT_FLOOR));
            __m256d t = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(b, r), c), j);
            bkf_risk_row4(i, t, a, o, c, tol, bal, sh, wk, ws, rk);
        }
        return i;
    }
    #define BKF_HAVE_RISK_AVX2 1
    #endif

    /* rb, jb NULL: th is the Theoretical Balance; else the Beginning Balance and rb, jb Received, Adjustments */
    static void bkf_yarn_risk_run(Py_ssize_t n, const double *th, const double *rb, const double *jb,
                                  const double *al, const double *oo, const double *co, double *bal, double *sh,
                                  double *wk, double *ws, signed char *rk) {
        Py_ssize_t i = 0;
    #ifdef BKF_HAVE_RISK_AVX2
        if (__builtin_cpu_supports("avx2"))
            i = rb ? bkf_yarn_risk_parts_avx2(n, th, rb, jb, al, oo, co, bal, sh, wk, ws, rk)
                   : bkf_yarn_risk_avx2(n, th, al, oo, co, bal, sh, wk, ws, rk);
    #endif
        if (i < n && rb)  /* the rows after the last full step, or all of them without AVX2 */
            bkf_yarn_risk_parts(n - i, th + i, rb + i, jb + i, al + i, oo + i, co + i, bal + i, sh + i, wk + i,
                                ws + i, rk + i);
        else if (i < n)
            bkf_yarn_risk(n - i, th + i, al + i, oo + i, co + i, bal + i, sh + i, wk + i, ws + i, rk + i);
    }
    """
    void bkf_yarn_risk_run(Py_ssize_t n, const double *th, const double *rb, const double *jb, const double *al,
                           const double *oo, const double *co, double *bal, double *sh, double *wk, double *ws,
                           signed char *rk) noexcept nogil


def yarn_risk(const double[::1] theoretical, const double[::1] allocated, const double[::1] on_order,
              const double[::1] consumed, double[::1] balance, double[::1] shortage, double[::1] weekly,
              double[::1] weeks, signed char[::1] risk, const double[::1] received=None,
              const double[::1] adjustments=None):
    cdef Py_ssize_t n = balance.shape[0]
    cdef const double *rb = NULL
    cdef const double *jb = NULL
    if (received is None) != (adjustments is None):
        raise TypeError("yarn_risk: pass received and adjustments both or neither")
    if received is not None and not received.shape[0] == adjustments.shape[0] == n:
        raise ValueError(f"yarn_risk: received and adjustments need {n} rows, got {received.shape[0]} and "
                         f"{adjustments.shape[0]}")
    if n == 0:
        return
    if received is not None:  # the Theoretical Balance from its components (theoretical: the Beginning Balance)
        rb = &received[0]
        jb = &adjustments[0]
    with nogil:
        bkf_yarn_risk_run(n, &theoretical[0], rb, jb, &allocated[0], &on_order[0], &consumed[0], &balance[0],
                          &shortage[0], &weekly[0], &weeks[0], &risk[0])

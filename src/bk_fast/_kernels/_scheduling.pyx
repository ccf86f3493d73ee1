# cython: language_level=3
"""Cython engine for machine scheduling; same names and semantics as ``reference.scheduling``.

Every index the kernels follow (job order, groups, machine codes) was validated by ``bk_fast.scheduling``
before the call: bounds checks are off.
"""

import numpy as np
from libc.math cimport INFINITY
from libc.stdint cimport int64_t, uint8_t


cdef extern from *:
    """
    /* The list-scheduling loop in plain C (bkf_ls_*). Per job, on machine m: t = r > avail[m] ? r : avail[m],
       su = setup[m] when last_style[m] >= 0 differs from the job's style, end = (t + su) + work / speed[m];
       the earliest end wins, ties to the lower load, then the lower machine code. The same IEEE operations
       in the same order as the reference, so the results are equal bit for bit.

       Groups come in two kinds (flags from bkf_ls_group_kinds): "contiguous" groups whose machines are
       consecutive codes base, base + 1, ... with one speed (work centers once bk_fast.schedule has numbered
       the machines work center by work center; per-style rates give every machine speed 1) read the
       machines' state as plain runs of memory and divide once per job (the same division for every
       machine); every other group (eligible-machine lists, mixed speeds) takes the general path. */
    #include <stdint.h>
    #include <math.h>
    #if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && !defined(BK_FAST_BOUNDSCHECK)
    #define BKF_LS_AVX2 1
    #include <immintrin.h>
    #endif

    #define BKF_LS_CONTIG 1

    static int64_t bkf_ctz64(uint64_t x) {  /* x != 0 */
    #if defined(__GNUC__)
        return (int64_t)__builtin_ctzll(x);
    #else
        int64_t k = 0;
        while (!(x & 1u)) { x >>= 1; k++; }
        return k;
    #endif
    }

    /* flags per group: BKF_LS_CONTIG when its machines are consecutive codes with one speed */
    static void bkf_ls_group_kinds(int64_t n_groups, const int64_t *group_ptr, const int64_t *group_mach,
                                   const double *speed, unsigned char *kind) {
        for (int64_t g = 0; g < n_groups; g++) {
            int64_t lo = group_ptr[g], hi = group_ptr[g + 1];
            int ok = hi > lo;
            for (int64_t k = lo + 1; ok && k < hi; k++)
                ok = group_mach[k] == group_mach[lo] + (k - lo) && speed[group_mach[k]] == speed[group_mach[lo]];
            kind[g] = ok ? BKF_LS_CONTIG : 0;
        }
    }

    /* Among ends[0:cnt] equal to min_end: the lowest load (loads at ld[0:cnt]), the first one on equal loads.
       Ties are rare once machines are busy: a bit mask of the minima says whether there are any. */
    static CYTHON_INLINE int64_t bkf_ls_pick_contig(int64_t cnt, const double *ends, double min_end,
                                                    const double *ld) {
        int64_t k, arg = 0;
        if (cnt <= 64) {
            uint64_t m0 = 0, m1 = 0;
            for (k = 0; k + 2 <= cnt; k += 2) {
                m0 |= (uint64_t)(ends[k] == min_end) << k;
                m1 |= (uint64_t)(ends[k + 1] == min_end) << (k + 1);
            }
            if (k < cnt) m0 |= (uint64_t)(ends[k] == min_end) << k;
            m0 |= m1;
            if (m0 == 0) return 0;  /* only without a finite minimum (NaN input): the first machine */
            arg = bkf_ctz64(m0);
            if (!(m0 & (m0 - 1))) return arg;
        } else {
            while (arg < cnt && !(ends[arg] == min_end)) arg++;
            if (arg == cnt) return 0;
        }
        double bl = ld[arg];
        for (k = arg + 1; k < cnt; k++)
            if (ends[k] == min_end && ld[k] < bl) { bl = ld[k]; arg = k; }
        return arg;
    }

    /* contiguous group, scalar: ends of the job on machines 0..cnt-1 (from base), four running minima */
    static CYTHON_INLINE double bkf_ls_scan_contig(int64_t cnt, const double *pa, const int64_t *pl,
                                                   const double *ps, double r, int64_t s, double d,
                                                   double *ends) {
        double m0 = INFINITY, m1 = INFINITY, m2 = INFINITY, m3 = INFINITY, e;
        int64_t k = 0;
        for (; k + 4 <= cnt; k += 4) {
            for (int q = 0; q < 4; q++) {
                double a = pa[k + q], t = r > a ? r : a;
                int64_t ls = pl[k + q];
                double su = ((ls >= 0) & (ls != s)) ? ps[k + q] : 0.0;
                ends[k + q] = t + su + d;
            }
            m0 = ends[k] < m0 ? ends[k] : m0;
            m1 = ends[k + 1] < m1 ? ends[k + 1] : m1;
            m2 = ends[k + 2] < m2 ? ends[k + 2] : m2;
            m3 = ends[k + 3] < m3 ? ends[k + 3] : m3;
        }
        for (; k < cnt; k++) {
            double a = pa[k], t = r > a ? r : a;
            int64_t ls = pl[k];
            double su = ((ls >= 0) & (ls != s)) ? ps[k] : 0.0;
            e = t + su + d;
            ends[k] = e;
            m0 = e < m0 ? e : m0;
        }
        m0 = m1 < m0 ? m1 : m0;
        m2 = m3 < m2 ? m3 : m2;
        return m2 < m0 ? m2 : m0;
    }

    #ifdef BKF_LS_AVX2
    /* contiguous group of >= 4 machines, four at a time; the last step overlaps the one before when cnt is
       not a multiple of 4 (recomputing a machine's end gives the same value). */
    __attribute__((target("avx2")))
    static inline double bkf_ls_scan_contig_avx2(int64_t cnt, const double *pa, const int64_t *pl,
                                                 const double *ps, double r, int64_t s, double d,
                                                 double *ends) {
        const __m256i none = _mm256_set1_epi64x(-1);
        __m256d rv = _mm256_set1_pd(r), dv = _mm256_set1_pd(d), acc = _mm256_set1_pd(INFINITY);
        __m256i sv = _mm256_set1_epi64x(s);
        int64_t k = 0;
        for (;;) {
            if (k + 4 > cnt) k = cnt - 4;
            __m256d a = _mm256_loadu_pd(pa + k);
            __m256d t = _mm256_blendv_pd(a, rv, _mm256_cmp_pd(rv, a, _CMP_GT_OQ));  /* r > a ? r : a */
            __m256i ls = _mm256_loadu_si256((const __m256i *)(pl + k));
            __m256i ch = _mm256_andnot_si256(_mm256_cmpeq_epi64(ls, sv), _mm256_cmpgt_epi64(ls, none));
            __m256d su = _mm256_and_pd(_mm256_loadu_pd(ps + k), _mm256_castsi256_pd(ch));  /* else +0.0 */
            __m256d e = _mm256_add_pd(_mm256_add_pd(t, su), dv);
            _mm256_storeu_pd(ends + k, e);
            acc = _mm256_blendv_pd(acc, e, _mm256_cmp_pd(e, acc, _CMP_LT_OQ));  /* e < acc ? e : acc */
            k += 4;
            if (k >= cnt) break;
        }
        __m128d h = _mm256_castpd256_pd128(acc), h1 = _mm256_extractf128_pd(acc, 1);
        h = _mm_blendv_pd(h, h1, _mm_cmplt_pd(h1, h));
        h1 = _mm_unpackhi_pd(h, h);
        return _mm_cvtsd_f64(h1) < _mm_cvtsd_f64(h) ? _mm_cvtsd_f64(h1) : _mm_cvtsd_f64(h);
    }
    #endif

    /* general group: machines through group_mach, a division per machine unless the group has one speed;
       ties resolved lexicographically on (load, machine code) */
    static CYTHON_INLINE int64_t bkf_ls_job_general(int64_t lo, int64_t hi, const int64_t *group_mach,
                                                    const double *speed, const double *setup,
                                                    const double *avail, const int64_t *last_style,
                                                    const double *load, double r, int64_t s, double w,
                                                    double *ends, double *end_out) {
        double min_end = INFINITY;
        int64_t k, m, best = group_mach[lo];
        for (k = lo; k < hi; k++) {
            m = group_mach[k];
            double a = avail[m], t = r > a ? r : a;
            int64_t ls = last_style[m];
            double su = ((ls >= 0) & (ls != s)) ? setup[m] : 0.0;
            double e = t + su + w / speed[m];
            ends[k - lo] = e;
            min_end = e < min_end ? e : min_end;
        }
        double best_load = 0.0, best_end = ends[0];
        int found = 0;
        for (k = lo; k < hi; k++) {
            if (ends[k - lo] == min_end) {
                m = group_mach[k];
                double ld = load[m];
                if (!found || ld < best_load || (ld == best_load && m < best)) {
                    found = 1; best = m; best_load = ld; best_end = ends[k - lo];
                }
            }
        }
        *end_out = best_end;
        return best;
    }

    #define BKF_LS_LOOP(SCAN_WIDE)                                                                            \\
        for (int64_t i = 0; i < n; i++) {                                                                    \\
            int64_t j = order[i], g = job_group[j], best;                                                    \\
            if (g < 0) { out_machine[j] = -1; continue; }                                                    \\
            double r = release[j], w = work[j], e, d;                                                        \\
            int64_t s = job_style[j], lo = group_ptr[g], cnt = group_ptr[g + 1] - lo;                         \\
            if (kind[g] & BKF_LS_CONTIG) {                                                                   \\
                int64_t base = group_mach[lo];                                                               \\
                d = w / speed[base];                                                                         \\
                double min_end = SCAN_WIDE(cnt, avail + base, last_style + base, setup + base, r, s, d, ends); \\
                int64_t arg = bkf_ls_pick_contig(cnt, ends, min_end, load + base);                           \\
                best = base + arg;                                                                           \\
                e = ends[arg];                                                                               \\
            } else {                                                                                         \\
                best = bkf_ls_job_general(lo, group_ptr[g + 1], group_mach, speed, setup, avail, last_style,  \\
                                          load, r, s, w, ends, &e);                                          \\
                d = w / speed[best];                                                                         \\
            }                                                                                                \\
            double a = avail[best], t = r > a ? r : a;                                                       \\
            int64_t ls = last_style[best];                                                                   \\
            double su = ((ls >= 0) & (ls != s)) ? setup[best] : 0.0;                                         \\
            avail[best] = e;                                                                                 \\
            last_style[best] = s;                                                                            \\
            load[best] = load[best] + (su + d);                                                              \\
            out_machine[j] = best;                                                                           \\
            out_start[j] = t;                                                                                \\
            out_end[j] = e;                                                                                  \\
            out_setup[j] = su;                                                                               \\
        }

    #define BKF_LS_ARGS int64_t n, const int64_t *order, const int64_t *job_group, const double *work,       \\
        const double *release, const int64_t *job_style, const int64_t *group_ptr, const int64_t *group_mach, \\
        const double *speed, const double *setup, const unsigned char *kind, double *avail,                   \\
        int64_t *last_style, double *load, int64_t *out_machine, double *out_start, double *out_end,         \\
        double *out_setup, double *ends

    static void bkf_ls_scalar(BKF_LS_ARGS) {
        BKF_LS_LOOP(bkf_ls_scan_contig)
    }

    #ifdef BKF_LS_AVX2
    __attribute__((target("avx2")))
    static inline double bkf_ls_scan_wide_avx2(int64_t cnt, const double *pa, const int64_t *pl,
                                               const double *ps, double r, int64_t s, double d, double *ends) {
        return cnt >= 4 ? bkf_ls_scan_contig_avx2(cnt, pa, pl, ps, r, s, d, ends)
                        : bkf_ls_scan_contig(cnt, pa, pl, ps, r, s, d, ends);
    }

    __attribute__((target("avx2")))
    static void bkf_ls_avx2(BKF_LS_ARGS) {
        BKF_LS_LOOP(bkf_ls_scan_wide_avx2)
    }
    #endif

    /* AVX2 on CPUs that have it (checked at run time: the wheel stays portable), the scalar loop elsewhere;
       bkf_ls_simd = 0 (tests, through _simd) forces the scalar loop */
    static int bkf_ls_simd = 1;

    static int bkf_ls_simd_available(void) {
    #ifdef BKF_LS_AVX2
        return __builtin_cpu_supports("avx2") ? 1 : 0;
    #else
        return 0;
    #endif
    }

    static void bkf_list_schedule(BKF_LS_ARGS) {
    #ifdef BKF_LS_AVX2
        if (bkf_ls_simd && __builtin_cpu_supports("avx2")) {
            bkf_ls_avx2(n, order, job_group, work, release, job_style, group_ptr, group_mach, speed, setup,
                        kind, avail, last_style, load, out_machine, out_start, out_end, out_setup, ends);
            return;
        }
    #endif
        bkf_ls_scalar(n, order, job_group, work, release, job_style, group_ptr, group_mach, speed, setup,
                      kind, avail, last_style, load, out_machine, out_start, out_end, out_setup, ends);
    }
    """
    int bkf_ls_simd
    int bkf_ls_simd_available() noexcept nogil
    void bkf_ls_group_kinds(int64_t n_groups, const int64_t *group_ptr, const int64_t *group_mach,
                            const double *speed, unsigned char *kind) noexcept nogil
    void bkf_list_schedule(int64_t n, const int64_t *order, const int64_t *job_group, const double *work,
                           const double *release, const int64_t *job_style, const int64_t *group_ptr,
                           const int64_t *group_mach, const double *speed, const double *setup,
                           const unsigned char *kind, double *avail, int64_t *last_style, double *load,
                           int64_t *out_machine, double *out_start, double *out_end, double *out_setup,
                           double *ends) noexcept nogil


def _simd(enabled=None):
    """Whether ``list_schedule`` uses its AVX2 loop (a CPU without AVX2, or a build without it, never does);
    ``enabled=False`` forces the scalar loop (for tests: both must give the same results), ``True`` allows
    AVX2 again. Returns the setting in force."""
    global bkf_ls_simd
    if enabled is not None:
        bkf_ls_simd = 1 if enabled else 0
    return bool(bkf_ls_simd and bkf_ls_simd_available())


def list_schedule(const int64_t[::1] order, const int64_t[::1] job_group, const double[::1] work,
                  const double[::1] release, const int64_t[::1] job_style, const int64_t[::1] group_ptr,
                  const int64_t[::1] group_mach, const double[::1] speed, const double[::1] setup,
                  double[::1] avail, int64_t[::1] last_style, double[::1] load, int64_t[::1] out_machine,
                  double[::1] out_start, double[::1] out_end, double[::1] out_setup):
    cdef Py_ssize_t k, n = order.shape[0], n_groups = group_ptr.shape[0] - 1, widest = 0
    if n == 0 or n_groups <= 0:
        with nogil:
            for k in range(n):
                out_machine[order[k]] = -1  # no groups: every job has g < 0
        return
    for k in range(n_groups):
        if group_ptr[k + 1] - group_ptr[k] > widest:
            widest = group_ptr[k + 1] - group_ptr[k]
    cdef double[::1] ends = np.empty(max(widest, 1), dtype=np.float64)
    cdef unsigned char[::1] kind = np.empty(n_groups, dtype=np.uint8)
    # pointers to element 0 of possibly empty arrays: never dereferenced when empty
    cdef const int64_t* gm = &group_mach[0] if group_mach.shape[0] else NULL
    cdef const double* sp = &speed[0] if speed.shape[0] else NULL
    cdef const double* su = &setup[0] if setup.shape[0] else NULL
    cdef double* av = &avail[0] if avail.shape[0] else NULL
    cdef int64_t* ls = &last_style[0] if last_style.shape[0] else NULL
    cdef double* ld = &load[0] if load.shape[0] else NULL
    with nogil:
        bkf_ls_group_kinds(n_groups, &group_ptr[0], gm, sp, &kind[0])
        bkf_list_schedule(n, &order[0], &job_group[0], &work[0], &release[0], &job_style[0], &group_ptr[0], gm,
                          sp, su, &kind[0], av, ls, ld, &out_machine[0], &out_start[0], &out_end[0],
                          &out_setup[0], &ends[0])


# room for moore_hodgson's exact running total (reference.MH_CAP)
cdef Py_ssize_t _MH_CAP = 2112


cdef inline bint _before(const double* key_p, int64_t a, int64_t b) noexcept nogil:
    # strict heap order: a sits above b when it is longer, or as long and later in due order
    return key_p[a] > key_p[b] or (key_p[a] == key_p[b] and a > b)


cdef inline double _two_sum(double a, double b, double* err) noexcept nogil:
    # Knuth's TwoSum: returns fl(a + b) and stores the exact error in err[0]: reference._two_sum
    cdef double s = a + b
    cdef double bv = s - a
    cdef double av = s - bv
    err[0] = (a - av) + (b - bv)
    return s


cdef inline Py_ssize_t _grow(double* e, Py_ssize_t m, double b) noexcept nogil:
    # e[:m] += b in place, exactly (grow-expansion with TwoSum, zeros dropped): reference._grow
    cdef double q = b, h
    cdef Py_ssize_t i, k = 0
    for i in range(m):
        q = _two_sum(q, e[i], &h)
        if h != 0.0:
            e[k] = h
            k += 1
    if q != 0.0:
        e[k] = q
        k += 1
    return k


cdef inline bint _exceeds(const double* e, Py_ssize_t m, double d) noexcept nogil:
    # e[:m] > d exactly (d finite): reference._exceeds
    cdef double q = -d, last = 0.0, h
    cdef Py_ssize_t i
    for i in range(m):
        q = _two_sum(q, e[i], &h)
        if h != 0.0:
            last = h
    return (q if q != 0.0 else last) > 0.0


def moore_hodgson(const int64_t[::1] order, const double[::1] processing, const double[::1] due,
                  uint8_t[::1] on_time):
    # the running total is exact (a nonoverlapping expansion in total[:m]); see reference.moore_hodgson
    cdef Py_ssize_t n = order.shape[0]
    cdef double[::1] key_p = np.empty(n, dtype=np.float64)
    cdef double[::1] dl = np.empty(n, dtype=np.float64)
    cdef int64_t[::1] heap = np.empty(max(n, 1), dtype=np.int64)
    cdef uint8_t[::1] late = np.zeros(max(n, 1), dtype=np.uint8)
    cdef double[::1] total = np.empty(_MH_CAP, dtype=np.float64)
    cdef Py_ssize_t pos, i, parent, left, c, size = 0, m = 0
    cdef int64_t tmp, top
    cdef double p, d
    cdef Py_ssize_t n_late = 0
    cdef const double* kp
    cdef double* tp = &total[0]
    if n == 0:
        return 0
    kp = &key_p[0]
    with nogil:
        for pos in range(n):
            key_p[pos] = processing[order[pos]]
            dl[pos] = due[order[pos]]
        for pos in range(n):
            p = key_p[pos]
            d = dl[pos]
            if d == INFINITY:
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
                if _before(kp, heap[i], heap[parent]):
                    tmp = heap[parent]
                    heap[parent] = heap[i]
                    heap[i] = tmp
                    i = parent
                else:
                    break
            m = _grow(tp, m, p)
            if _exceeds(tp, m, d):
                top = heap[0]
                size -= 1
                heap[0] = heap[size]
                i = 0
                while True:
                    left = 2 * i + 1
                    if left >= size:
                        break
                    c = left
                    if left + 1 < size and _before(kp, heap[left + 1], heap[left]):
                        c = left + 1
                    if _before(kp, heap[c], heap[i]):
                        tmp = heap[c]
                        heap[c] = heap[i]
                        heap[i] = tmp
                        i = c
                    else:
                        break
                m = _grow(tp, m, -key_p[top])
                late[top] = 1
                n_late += 1
        for pos in range(n):
            on_time[order[pos]] = 1 - late[pos]
    return n_late

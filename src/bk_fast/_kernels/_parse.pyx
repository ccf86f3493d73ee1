# cython: language_level=3
"""Cython engine for parsing ERP number text; same names and semantics as ``reference.parse``.

A byte-level scan over the concatenated UTF-8 buffer, GIL released. Decimal text is converted exactly with the
Clinger fast path (an integer significand of at most 2**53 times or divided by an exact power of ten is one
correctly rounded IEEE operation); anything outside it (non-ASCII other than the no-break space, ``_``, more
than 18 significant digits, large exponents) is left to the Python layer: STATUS_DEFER for text only Python
can judge (non-ASCII, ``_``), STATUS_LONG for valid ASCII decimal text beyond the exact fast path.
"""

from libc.math cimport NAN, INFINITY
from libc.stdint cimport int64_t, uint8_t, int8_t

cdef enum:
    NUMBER = 0
    EMPTY = 1
    INVALID = 2
    DEFER = 3
    LONG = 4

cdef int64_t TWO53 = 9007199254740992
cdef int64_t W_INF = 0x696E66
cdef int64_t W_INFINITY = 0x696E66696E697479
cdef int64_t W_NAN = 0x6E616E
cdef double POW10[23]
cdef int _k
POW10[0] = 1.0
for _k in range(1, 23):
    POW10[_k] = POW10[_k - 1] * 10.0  # every power up to 1e22 is exact in binary64


cdef inline bint _junk(int64_t c) noexcept nogil:
    # '$', ',' and the ASCII characters for which str.isspace() is true
    return c == 32 or c == 36 or c == 44 or (9 <= c <= 13) or (28 <= c <= 31)


cdef inline Py_ssize_t _skip(const uint8_t[::1] data, Py_ssize_t j, Py_ssize_t e) noexcept nogil:
    cdef int64_t c
    while j < e:
        c = data[j]
        if _junk(c):
            j += 1
        elif c == 0xC2 and j + 1 < e and data[j + 1] == 0xA0:  # U+00A0 no-break space
            j += 2
        else:
            break
    return j


cdef inline int _not_number(const uint8_t[::1] data, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    cdef Py_ssize_t j
    for j in range(a, b):
        if data[j] >= 0x80 or data[j] == 95:
            return DEFER
    return INVALID


cdef int _parse_one(const uint8_t[::1] data, Py_ssize_t a, Py_ssize_t b, double* value) noexcept nogil:
    cdef Py_ssize_t p, q, e, j
    cdef int64_t c, low, packed, m, extra
    cdef int n, nd, zeros, frac, exp, e10, k
    cdef bint paren = False, neg = False, seen = False, in_frac = False, overflow = False, eneg, got
    cdef double v
    value[0] = NAN
    p = _skip(data, a, b)
    if p == b:
        return EMPTY
    q = b - 1
    while q > p:
        c = data[q]
        if _junk(c):
            q -= 1
        elif c == 0xA0 and data[q - 1] == 0xC2:
            q -= 2
        else:
            break
    e = q + 1
    if q > p and data[p] == 40 and data[q] == 41:  # "(x)" -> "-x"
        paren = True
        neg = True
        e = q
        p += 1
    j = _skip(data, p, e)
    if j == e:  # "()" cleans to "-"
        return INVALID
    c = data[j]
    if c == 43 or c == 45:
        if paren:
            return _not_number(data, a, b)
        neg = c == 45
        j = _skip(data, j + 1, e)
        if j == e:
            return INVALID
        c = data[j]
    low = c | 0x20
    if 97 <= low <= 122:
        packed = 0
        n = 0
        while j < e:
            c = data[j]
            low = c | 0x20
            if not (97 <= low <= 122) or n == 8:
                return _not_number(data, a, b)
            packed = packed * 256 + low
            n += 1
            j = _skip(data, j + 1, e)
        if packed == W_INF or packed == W_INFINITY:
            v = INFINITY
        elif packed == W_NAN:
            v = NAN
        else:
            return _not_number(data, a, b)
        value[0] = -v if neg else v
        return NUMBER

    m = 0
    nd = 0
    zeros = 0
    frac = 0
    while j < e:
        c = data[j]
        if 48 <= c <= 57:
            seen = True
            if in_frac:
                frac += 1
            if c == 48:
                if m != 0:
                    zeros += 1
            elif nd + zeros + 1 > 18:
                overflow = True
            else:
                for k in range(zeros):
                    m *= 10
                m = m * 10 + (c - 48)
                nd += zeros + 1
                zeros = 0
        elif c == 46 and not in_frac:
            in_frac = True
        else:
            break
        j = _skip(data, j + 1, e)
    if not seen:
        return _not_number(data, a, b)
    exp = 0
    if j < e and (data[j] | 0x20) == 101:
        j = _skip(data, j + 1, e)
        if j == e:
            return INVALID
        c = data[j]
        eneg = False
        if c == 43 or c == 45:
            eneg = c == 45
            j = _skip(data, j + 1, e)
        got = False
        while j < e:
            c = data[j]
            if not (48 <= c <= 57):
                break
            got = True
            if exp < 100000:
                exp = exp * 10 + <int>(c - 48)
            j = _skip(data, j + 1, e)
        if not got:
            return _not_number(data, a, b)
        if eneg:
            exp = -exp
    if j < e:
        return _not_number(data, a, b)
    if m == 0:
        v = 0.0
    elif overflow or m > TWO53:
        return LONG
    else:
        e10 = zeros - frac + exp
        if 0 <= e10 <= 22:
            v = <double>m * POW10[e10]
        elif -22 <= e10 < 0:
            v = <double>m / POW10[-e10]
        elif 22 < e10 <= 37:
            # m * 10**(e10 - 22) is still an exact integer <= 2**53: one rounding in the final multiply
            extra = 1
            for k in range(e10 - 22):
                extra *= 10
            if m > TWO53 // extra:
                return LONG
            v = <double>(m * extra) * POW10[22]
        else:
            return LONG
    value[0] = -v if neg else v
    return NUMBER


def parse_number_text(const uint8_t[::1] data, const int64_t[::1] offsets, double[::1] out,
                      int8_t[::1] status):
    cdef Py_ssize_t i, n = out.shape[0], deferred = 0
    cdef int code
    with nogil:
        for i in range(n):
            code = _parse_one(data, offsets[i], offsets[i + 1], &out[i])
            status[i] = <int8_t>code
            if code >= DEFER:
                deferred += 1
    return deferred


cdef inline bint _digit(uint8_t c) noexcept nogil:
    return 48 <= c <= 57


def misplaced_commas(const uint8_t[::1] data, const int64_t[::1] offsets, uint8_t[::1] bad):
    cdef Py_ssize_t i, j, a, b, n = bad.shape[0], found = 0
    cdef uint8_t c
    cdef bint point, hit
    with nogil:
        for i in range(n):
            a = offsets[i]
            b = offsets[i + 1]
            point = False
            hit = False
            for j in range(a, b):
                c = data[j]
                if c == 46 or c == 101 or c == 69:  # '.', 'e', 'E'
                    point = True
                elif c == 44:
                    if point or j == a or not _digit(data[j - 1]):
                        hit = True
                    elif j - 4 >= a and _digit(data[j - 2]) and _digit(data[j - 3]) and _digit(data[j - 4]):
                        hit = True  # (four digits before it: data[j - 1] is one)
                    elif not (j + 3 < b and _digit(data[j + 1]) and _digit(data[j + 2]) and _digit(data[j + 3])
                              and (j + 4 >= b or not _digit(data[j + 4]))):
                        hit = True
                    if hit:
                        break
            bad[i] = 1 if hit else 0
            found += hit
    return found

# cython: language_level=3
"""Cython engine for parsing ERP number text; same names and semantics as ``reference.parse``.

A byte-level scan over the concatenated UTF-8 buffer, GIL released. The cleaning's characters
(``reference.parse.JUNK``: ``$``, ``,`` and Python's whitespace, ASCII or not) are skipped by their exact UTF-8
bytes; any other byte of 0x80 or more is a non-ASCII character (or an invalid byte, which Python decodes to a
surrogate escape) left after cleaning, so the row is invalid. UTF-8 is self-synchronising (a lead byte is never
a continuation byte), so these byte patterns decode to the same characters wherever they stand. Decimal text is
converted exactly with the Clinger fast path (an integer significand of at most 2**53 times or divided by an
exact power of ten is one correctly rounded IEEE operation); valid decimal text beyond it (more than 18
significant digits, large exponents) is left to the Python layer as STATUS_LONG. No row is left as
STATUS_DEFER.
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


cdef inline int _junk_at(const uint8_t[::1] data, Py_ssize_t j, Py_ssize_t e) noexcept nogil:
    """Byte length of the character at ``j`` (``< e``) if the cleaning removes it (``reference.parse.JUNK``),
    else 0."""
    cdef int64_t c = data[j], c1, c2
    cdef bint hit
    if c < 0x80:
        return 1 if _junk(c) else 0
    if c == 0xC2:  # U+0085, U+00A0
        return 2 if j + 1 < e and (data[j + 1] == 0x85 or data[j + 1] == 0xA0) else 0
    if c < 0xE1 or c > 0xE3 or j + 2 >= e:
        return 0
    c1 = data[j + 1]
    c2 = data[j + 2]
    if c == 0xE1:  # U+1680
        hit = c1 == 0x9A and c2 == 0x80
    elif c == 0xE3:  # U+3000
        hit = c1 == 0x80 and c2 == 0x80
    elif c1 == 0x80:  # U+2000-200A, U+2028, U+2029, U+202F
        hit = 0x80 <= c2 <= 0x8A or c2 == 0xA8 or c2 == 0xA9 or c2 == 0xAF
    else:  # U+205F
        hit = c1 == 0x81 and c2 == 0x9F
    return 3 if hit else 0


cdef inline int _junk_before(const uint8_t[::1] data, Py_ssize_t p, Py_ssize_t q) noexcept nogil:
    """Byte length of the character ending at ``q`` (starting at ``p`` or later) if the cleaning removes it,
    else 0."""
    if data[q] < 0x80:
        return 1 if _junk(data[q]) else 0
    if q - 1 >= p and _junk_at(data, q - 1, q + 1) == 2:
        return 2
    if q - 2 >= p and _junk_at(data, q - 2, q + 1) == 3:
        return 3
    return 0


cdef inline Py_ssize_t _skip(const uint8_t[::1] data, Py_ssize_t j, Py_ssize_t e) noexcept nogil:
    cdef int k
    while j < e:
        k = _junk_at(data, j, e)
        if k == 0:
            break
        j += k
    return j


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
        k = _junk_before(data, p, q)
        if k == 0:
            break
        q -= k
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
            return INVALID
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
                return INVALID
            packed = packed * 256 + low
            n += 1
            j = _skip(data, j + 1, e)
        if packed == W_INF or packed == W_INFINITY:
            v = INFINITY
        elif packed == W_NAN:
            v = NAN
        else:
            return INVALID
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
        return INVALID
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
            return INVALID
        if eneg:
            exp = -exp
    if j < e:
        return INVALID
    if m == 0:
        v = 0.0
    elif overflow or m > TWO53 or not -100000 < exp < 100000:
        # (an exponent of 100000 or more is saturated: digits counted in zeros - frac could cancel the part it
        # dropped, e.g. "1" + "0" * 100000 + "e-1000000", 1e-900000, read as 1.0 before)
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

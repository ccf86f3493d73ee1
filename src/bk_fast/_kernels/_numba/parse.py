"""Numba engine for parsing ERP number text; same names and semantics as ``reference.parse``.

A byte-level scan over the concatenated UTF-8 buffer. The cleaning's characters (``reference.parse.JUNK``:
``$``, ``,`` and Python's whitespace, ASCII or not) are skipped by their exact UTF-8 bytes; any other byte of
0x80 or more is a non-ASCII character (or an invalid byte, which Python decodes to a surrogate escape) left
after cleaning, so the row is invalid. UTF-8 is self-synchronising (a lead byte is never a continuation byte),
so these byte patterns decode to the same characters wherever they stand. Decimal text is converted exactly
with the Clinger fast path (an integer significand of at most 2**53 times or divided by an exact power of ten is
one correctly rounded IEEE operation); valid decimal text beyond it (more than 18 significant digits, large
exponents) is left to the Python layer as STATUS_LONG. No row is left as STATUS_DEFER.
"""

from __future__ import annotations

import numpy as np

from bk_fast._kernels._numba import jit

_NUMBER, _EMPTY, _INVALID, _DEFER, _LONG = 0, 1, 2, 3, 4
_POW10 = np.array([10.0 ** k for k in range(23)])
_TWO53 = 9007199254740992
# words float() accepts, lower case, packed big-endian into an int64 (at most 8 letters)
_INF = 0x696E66  # "inf"
_INFINITY = 0x696E66696E697479  # "infinity"
_NAN = 0x6E616E  # "nan"


@jit(inline="always")
def _junk(c):
    # '$', ',' and the ASCII characters for which str.isspace() is true
    return c == 32 or c == 36 or c == 44 or (9 <= c <= 13) or (28 <= c <= 31)


@jit(inline="always")
def _junk_at(data, j, e):
    """Byte length of the character at ``j`` (``< e``) if the cleaning removes it (``reference.parse.JUNK``),
    else 0."""
    c = np.int64(data[j])
    if c < 0x80:
        return 1 if _junk(c) else 0
    if c == 0xC2:  # U+0085, U+00A0
        return 2 if j + 1 < e and (data[j + 1] == 0x85 or data[j + 1] == 0xA0) else 0
    if c < 0xE1 or c > 0xE3 or j + 2 >= e:
        return 0
    c1 = np.int64(data[j + 1])
    c2 = np.int64(data[j + 2])
    if c == 0xE1:  # U+1680
        hit = c1 == 0x9A and c2 == 0x80
    elif c == 0xE3:  # U+3000
        hit = c1 == 0x80 and c2 == 0x80
    elif c1 == 0x80:  # U+2000-200A, U+2028, U+2029, U+202F
        hit = 0x80 <= c2 <= 0x8A or c2 == 0xA8 or c2 == 0xA9 or c2 == 0xAF
    else:  # U+205F
        hit = c1 == 0x81 and c2 == 0x9F
    return 3 if hit else 0


@jit(inline="always")
def _junk_before(data, p, q):
    """Byte length of the character ending at ``q`` (starting at ``p`` or later) if the cleaning removes it,
    else 0."""
    if data[q] < 0x80:
        return 1 if _junk(np.int64(data[q])) else 0
    if q - 1 >= p and _junk_at(data, q - 1, q + 1) == 2:
        return 2
    if q - 2 >= p and _junk_at(data, q - 2, q + 1) == 3:
        return 3
    return 0


@jit(inline="always")
def _skip(data, j, e):
    """Index of the next character at or after ``j`` that survives cleaning (``e`` if none)."""
    while j < e:
        c = np.int64(data[j])
        if c < 0x80:  # (ASCII first: the common case, kept out of _junk_at, which Numba compiled ~30 % slower)
            if not _junk(c):
                break
            j += 1
        else:
            k = _junk_at(data, j, e)
            if k == 0:
                break
            j += k
    return j


@jit
def _parse_one(data, a, b):
    nan = np.nan
    p = _skip(data, a, b)
    if p == b:
        return nan, _EMPTY
    q = b - 1
    while q > p:
        k = _junk_before(data, p, q)
        if k == 0:
            break
        q -= k
    e = q + 1
    paren = False
    neg = False
    if q > p and data[p] == 40 and data[q] == 41:  # "(x)" -> "-x"
        paren = True
        neg = True
        e = q
        p += 1
    j = _skip(data, p, e)
    if j == e:  # "()" cleans to "-"
        return nan, _INVALID
    c = np.int64(data[j])
    if c == 43 or c == 45:
        if paren:
            return nan, _INVALID
        neg = c == 45
        j = _skip(data, j + 1, e)
        if j == e:
            return nan, _INVALID
        c = np.int64(data[j])
    low = c | 0x20
    if 97 <= low <= 122:
        packed = np.int64(0)
        n = 0
        while j < e:
            c = np.int64(data[j])
            low = c | 0x20
            if not (97 <= low <= 122) or n == 8:
                return nan, _INVALID
            packed = packed * 256 + low
            n += 1
            j = _skip(data, j + 1, e)
        if packed == _INF or packed == _INFINITY:
            value = np.inf
        elif packed == _NAN:
            value = np.nan
        else:
            return nan, _INVALID
        return (-value if neg else value), _NUMBER

    m = np.int64(0)
    nd = 0
    zeros = 0
    frac = 0
    seen = False
    in_frac = False
    overflow = False
    while j < e:
        c = np.int64(data[j])
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
                for _ in range(zeros):
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
        return nan, _INVALID
    exp = 0
    if j < e and (np.int64(data[j]) | 0x20) == 101:
        j = _skip(data, j + 1, e)
        if j == e:
            return nan, _INVALID
        c = np.int64(data[j])
        eneg = False
        if c == 43 or c == 45:
            eneg = c == 45
            j = _skip(data, j + 1, e)
        got = False
        while j < e:
            c = np.int64(data[j])
            if not (48 <= c <= 57):
                break
            got = True
            if exp < 100000:
                exp = exp * 10 + (c - 48)
            j = _skip(data, j + 1, e)
        if not got:
            return nan, _INVALID
        if eneg:
            exp = -exp
    if j < e:
        return nan, _INVALID
    if m == 0:
        value = 0.0
    elif overflow or m > _TWO53 or not -100000 < exp < 100000:
        # (an exponent of 100000 or more is saturated: digits counted in zeros - frac could cancel the part it
        # dropped, e.g. "1" + "0" * 100000 + "e-1000000", 1e-900000, read as 1.0 before)
        return nan, _LONG
    else:
        e10 = zeros - frac + exp
        if 0 <= e10 <= 22:
            value = np.float64(m) * _POW10[e10]
        elif -22 <= e10 < 0:
            value = np.float64(m) / _POW10[-e10]
        elif 22 < e10 <= 37:
            # m * 10**(e10 - 22) is still an exact integer <= 2**53: one rounding in the final multiply
            extra = np.int64(1)
            for _ in range(e10 - 22):
                extra *= 10
            if m > _TWO53 // extra:
                return nan, _LONG
            value = np.float64(m * extra) * _POW10[22]
        else:
            return nan, _LONG
    return (-value if neg else value), _NUMBER


@jit
def parse_number_text(data, offsets, out, status):
    # serial: the scan is memory-bound and short per row; prange only added thread start-up cost (measured)
    n = out.shape[0]
    deferred = 0
    for i in range(n):
        value, code = _parse_one(data, offsets[i], offsets[i + 1])
        out[i] = value
        status[i] = code
        if code >= _DEFER:
            deferred += 1
    return deferred


@jit(inline="always")
def _digit(c):
    return 48 <= c <= 57


@jit
def misplaced_commas(data, offsets, bad):
    found = 0
    for i in range(bad.shape[0]):
        a, b = offsets[i], offsets[i + 1]
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

"""Numba engine for parsing ERP number text; same names and semantics as ``reference.parse``.

A byte-level scan over the concatenated UTF-8 buffer. Decimal text is converted exactly with the
Clinger fast path (an integer significand of at most 2**53 times or divided by an exact power of ten is one
correctly rounded IEEE operation); anything outside it (non-ASCII other than the no-break space, ``_``, more
than 18 significant digits, large exponents) is left to the Python layer: STATUS_DEFER for text only Python
can judge (non-ASCII, ``_``), STATUS_LONG for valid ASCII decimal text beyond the exact fast path.
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
def _skip(data, j, e):
    """Index of the next character at or after ``j`` that survives cleaning (``e`` if none)."""
    while j < e:
        c = np.int64(data[j])
        if _junk(c):
            j += 1
        elif c == 0xC2 and j + 1 < e and data[j + 1] == 0xA0:  # U+00A0 no-break space
            j += 2
        else:
            break
    return j


@jit
def _not_number(data, a, b):
    """INVALID, unless the string holds text only Python can judge (non-ASCII, ``_``): then DEFER."""
    for j in range(a, b):
        c = data[j]
        if c >= 0x80 or c == 95:
            return _DEFER
    return _INVALID


@jit
def _parse_one(data, a, b):
    nan = np.nan
    p = _skip(data, a, b)
    if p == b:
        return nan, _EMPTY
    q = b - 1
    while q > p:
        c = np.int64(data[q])
        if _junk(c):
            q -= 1
        elif c == 0xA0 and data[q - 1] == 0xC2:
            q -= 2
        else:
            break
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
            return nan, _not_number(data, a, b)
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
                return nan, _not_number(data, a, b)
            packed = packed * 256 + low
            n += 1
            j = _skip(data, j + 1, e)
        if packed == _INF or packed == _INFINITY:
            value = np.inf
        elif packed == _NAN:
            value = np.nan
        else:
            return nan, _not_number(data, a, b)
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
        return nan, _not_number(data, a, b)
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
            return nan, _not_number(data, a, b)
        if eneg:
            exp = -exp
    if j < e:
        return nan, _not_number(data, a, b)
    if m == 0:
        value = 0.0
    elif overflow or m > _TWO53:
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

"""Reference kernel for parsing the ERP's number text (DOMAIN.md section 2).

Input is a buffer of concatenated UTF-8 strings: string ``i`` is ``data[offsets[i]:offsets[i + 1]]``. Each
string is *cleaned* the way the ERP cleans numbers, then converted exactly as Python's :func:`float` does:

1. remove every ``$``, ``,`` and whitespace character (anywhere in the string; whitespace as Python's
   ``str.isspace``, so the no-break space counts);
2. if what is left is ``(x)``, it becomes ``-x`` (parentheses mean negative);
3. ``float()`` of the result; an empty result is *empty*, a ``ValueError`` is *invalid* (NaN either way).
   Text with ``_`` digit separators or non-ASCII characters left after cleaning (``"1_000"``, ``"１２"``,
   ``"٣.٥"``) is *invalid* too, although ``float()`` would read it: ``pandas.to_numeric`` does not, and the
   ERP's numbers (and :func:`bk_fast._validate.clean_numbers`, bk_fast's other cleaner) go through it.

Outputs are preallocated by the caller: ``out`` (float64, the value or NaN) and ``status`` (int8, one of the
``STATUS_*`` codes below). The reference resolves every string itself (plain Python, one string at a time) and
never answers :data:`STATUS_DEFER` or :data:`STATUS_LONG`; the compiled engines decide every string in place
(non-ASCII text included: a character the cleaning does not remove, :data:`JUNK`, is non-ASCII text left after
cleaning, so invalid) but valid decimal text beyond their exact fast path (more than 18 significant digits,
large exponents): :data:`STATUS_LONG`, resolved by the Python layer with :func:`clean_float_ascii`.
:data:`STATUS_DEFER` (text for :func:`clean_float`) stays part of the contract; no engine answers it now.
"""

from __future__ import annotations

import re

import numpy as np

from bk_fast._engine import kernel

STATUS_NUMBER = 0  #: parsed: ``out`` holds the value (may be inf or NaN for the words ``inf`` / ``nan``)
STATUS_EMPTY = 1  #: nothing left after cleaning (or a missing value): ``out`` is NaN
STATUS_INVALID = 2  #: not a number after cleaning: ``out`` is NaN
STATUS_DEFER = 3  #: compiled engines only: not decided in the kernel, the caller resolves it with clean_float
STATUS_LONG = 4  #: compiled engines only: valid ASCII decimal text beyond the fast path: clean_float_ascii

_JUNK = re.compile(r"[\$,\s]")
#: every character :data:`_JUNK` matches (``$``, ``,`` and the 29 for which ``str.isspace()`` is true), which the
#: compiled engines skip by their UTF-8 bytes (a test checks it against every code point)
JUNK = ("$,\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
        "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_PARENS = re.compile(r"^\((.*)\)$")


def clean_text(text: str) -> str:
    """The ERP's cleaning of one number string: drop ``$ ,`` and whitespace, ``(x)`` -> ``-x``.

    Examples
    --------
    >>> clean_text(" ($2,183.40) ")
    '-2183.40'
    """
    return _PARENS.sub(r"-\1", _JUNK.sub("", text))


def clean_float(text: str) -> tuple[float, int]:
    """``(value, status)`` of one string: Python's ``float`` of :func:`clean_text` (``_`` separators and
    non-ASCII digits, which ``float`` reads but ``pandas.to_numeric`` does not, are invalid).

    Examples
    --------
    >>> clean_float("$1,326.67 ")
    (1326.67, 0)
    >>> clean_float("n/a")
    (nan, 2)
    >>> clean_float("1_000")
    (nan, 2)
    """
    cleaned = clean_text(text)
    if not cleaned:
        return float("nan"), STATUS_EMPTY
    if "_" in cleaned or not cleaned.isascii():  # numbers to float(), not to pandas.to_numeric (the ERP)
        return float("nan"), STATUS_INVALID
    try:
        return float(cleaned), STATUS_NUMBER
    except ValueError:
        return float("nan"), STATUS_INVALID


#: str.translate table deleting what the cleaning removes
_DELETE = dict.fromkeys(map(ord, JUNK))


def clean_float_ascii(text: str) -> tuple[float, int]:
    """:func:`clean_float` for text a compiled kernel has already checked to be a valid ASCII number (only ``$``,
    ``,`` and whitespace, :data:`JUNK`, around or inside it, maybe in parentheses): the same answer, several times
    faster (``str.translate`` instead of regular expressions).

    Examples
    --------
    >>> clean_float_ascii("($12,345,678,901,234,567.89)")
    (-1.2345678901234568e+16, 0)
    """
    cleaned = text.translate(_DELETE)
    if len(cleaned) > 1 and cleaned[0] == "(" and cleaned[-1] == ")":
        cleaned = "-" + cleaned[1:-1]
    try:
        return float(cleaned), STATUS_NUMBER
    except ValueError:  # pragma: no cover - the kernels only mark valid numbers STATUS_LONG
        return clean_float(text)


@kernel
def parse_number_text(data, offsets, out, status):
    """Parse ``len(out)`` strings of ``data`` (uint8, UTF-8) delimited by ``offsets`` (int64, ``len(out) + 1``)
    into ``out`` (float64) and ``status`` (int8). Returns the number of rows left as STATUS_DEFER or STATUS_LONG
    (always 0 here)."""
    raw = np.asarray(data, dtype=np.uint8).tobytes()
    starts = np.asarray(offsets, dtype=np.int64)
    for i in range(out.shape[0]):
        value, code = clean_float(raw[starts[i]:starts[i + 1]].decode("utf-8", errors="surrogateescape"))
        out[i] = value
        status[i] = code
    return 0


#: a comma in number text that is no thousands separator (:func:`misplaced_commas`): after a decimal point or an
#: exponent's ``e`` (``"1.234,56"``), after no digit (``",5"``, ``"1 ,234"``) or after more than three
#: (``"1234,567"``: groups of three after a first of one to three digits), or followed by other than exactly three
#: digits (``"1,2,3"``, ``"1,2345"``, ``"1,234,"``); a pattern of Python's ``re`` and RE2 alike
BAD_COMMA = r"[.eE][^,]*,|(?:^|[^0-9]),|[0-9]{4},|,(?:[0-9]{0,2}(?:[^0-9]|$)|[0-9]{4})"
_BAD_COMMA = re.compile(BAD_COMMA)


@kernel
def misplaced_commas(data, offsets, bad):
    """``bad[i] = 1`` where string ``i`` of ``data`` (delimited by ``offsets``, as for :func:`parse_number_text`)
    holds a comma that is no thousands separator (:data:`BAD_COMMA`), else 0: a decimal comma (``"1.234,56"``,
    which the cleaning reads as 1.23456) or commas in no groups of three (``"1,2,3"``: 123). Returns how many.
    (The ERP's cleaning drops every comma: :func:`parse_number_text` reads such text as a number, and a reader
    that wants to refuse it asks this kernel.)"""
    raw = np.asarray(data, dtype=np.uint8).tobytes()
    starts = np.asarray(offsets, dtype=np.int64)
    found = 0
    for i in range(bad.shape[0]):
        text = raw[starts[i]:starts[i + 1]].decode("utf-8", errors="surrogateescape")
        hit = b"," in raw[starts[i]:starts[i + 1]] and _BAD_COMMA.search(text) is not None
        bad[i] = 1 if hit else 0
        found += hit
    return found

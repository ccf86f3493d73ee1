"""Reference kernel for parsing the ERP's number text (DOMAIN.md section 2).

Input is a buffer of concatenated UTF-8 strings: string ``i`` is ``data[offsets[i]:offsets[i + 1]]``. Each
string is *cleaned* the way the ERP cleans numbers, then converted exactly as Python's :func:`float` does:

1. remove every ``$``, ``,`` and whitespace character (anywhere in the string; whitespace as Python's
   ``str.isspace``, so the no-break space counts);
2. if what is left is ``(x)``, it becomes ``-x`` (parentheses mean negative);
3. ``float()`` of the result; an empty result is *empty*, a ``ValueError`` is *invalid* (NaN either way).

Outputs are preallocated by the caller: ``out`` (float64, the value or NaN) and ``status`` (int8, one of the
``STATUS_*`` codes below). The reference resolves every string itself (plain Python, one string at a time) and
never answers :data:`STATUS_DEFER`; the compiled engines parse the common decimal forms in place and leave the
rare rest (non-ASCII text, underscores, more than 19 significant digits, exponents beyond the exact fast path)
marked :data:`STATUS_DEFER` for the Python layer, which resolves those rows with :func:`clean_float` here.
"""

from __future__ import annotations

import re

import numpy as np

from bk_fast._engine import kernel

STATUS_NUMBER = 0  #: parsed: ``out`` holds the value (may be inf or NaN for the words ``inf`` / ``nan``)
STATUS_EMPTY = 1  #: nothing left after cleaning (or a missing value): ``out`` is NaN
STATUS_INVALID = 2  #: not a number after cleaning: ``out`` is NaN
STATUS_DEFER = 3  #: compiled engines only: not decided in the kernel, the caller resolves it with clean_float

_JUNK = re.compile(r"[\$,\s]")
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
    """``(value, status)`` of one string: Python's ``float`` of :func:`clean_text`.

    Examples
    --------
    >>> clean_float("$1,326.67 ")
    (1326.67, 0)
    >>> clean_float("n/a")
    (nan, 2)
    """
    cleaned = clean_text(text)
    if not cleaned:
        return float("nan"), STATUS_EMPTY
    try:
        return float(cleaned), STATUS_NUMBER
    except ValueError:
        return float("nan"), STATUS_INVALID


@kernel
def parse_number_text(data, offsets, out, status):
    """Parse ``len(out)`` strings of ``data`` (uint8, UTF-8) delimited by ``offsets`` (int64, ``len(out) + 1``)
    into ``out`` (float64) and ``status`` (int8). Returns the number of rows left as STATUS_DEFER (always 0
    here)."""
    raw = np.asarray(data, dtype=np.uint8).tobytes()
    starts = np.asarray(offsets, dtype=np.int64)
    for i in range(out.shape[0]):
        value, code = clean_float(raw[starts[i]:starts[i + 1]].decode("utf-8", errors="surrogateescape"))
        out[i] = value
        status[i] = code
    return 0

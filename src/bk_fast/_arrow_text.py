"""Text columns as the text kernels read them: Arrow's UTF-8 bytes, int64 offsets and a missing mask, taken
from the column's own buffers (no Python string per value).

Examples
--------
>>> import pandas as pd
>>> off, data, missing = text_buffers(pd.Series(["FG", None, " Y1"], dtype="str"))
>>> off.tolist(), data.tobytes(), missing.tolist()
([0, 2, 2, 5], b'FG Y1', [0, 1, 0])
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def text_buffers(values) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``(offsets int64[n + 1], data uint8, missing uint8[n])`` of a text column (Series, Index or array)
    backed by Arrow strings (pandas' ``str`` dtype with pyarrow, ``string[pyarrow]``, an ``ArrowDtype`` string),
    or held by Python in pandas' ``str`` / ``string[python]`` (converted to Arrow when pyarrow is there, which
    refuses lone surrogates);
    None for any other column (object, Arrow string views). Value ``i`` is
    ``data[offsets[i]:offsets[i + 1]]``; read-only views of the column's buffers where they can be."""
    arr = values.array if isinstance(values, (pd.Series, pd.Index)) else values
    if not hasattr(arr, "__arrow_array__") or not isinstance(arr.dtype, (pd.StringDtype, pd.ArrowDtype)):
        return None
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - (an Arrow-backed column means pyarrow is there)
        return None
    chunked = arr.__arrow_array__()
    if isinstance(chunked, pa.ChunkedArray):
        chunked = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
    if not (pa.types.is_large_string(chunked.type) or pa.types.is_string(chunked.type)):
        return None
    off, data = chunk_buffers(chunked)
    if chunked.null_count:
        missing = np.ascontiguousarray(chunked.is_null().to_numpy(zero_copy_only=False), dtype=np.uint8)
    else:
        missing = np.zeros(len(chunked), dtype=np.uint8)
    return off, data, missing


def chunk_buffers(chunk) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets int64[n + 1], data uint8)`` of one pyarrow ``string`` / ``large_string`` array, its slice
    offset applied: value ``i`` is ``data[offsets[i]:offsets[i + 1]]`` (read-only views of its buffers; the
    offsets converted to int64). A zero-length array gives ``[0]`` and no data (its slice offset may lie past
    its offsets buffer)."""
    n, start = len(chunk), chunk.offset
    _, offs, data = chunk.buffers()
    if n == 0 or offs is None:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    import pyarrow as pa

    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    off = np.frombuffer(offs, dtype=width, count=start + n + 1)[start:]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return np.ascontiguousarray(off, dtype=np.int64), data


def utf8_buffers(strings) -> tuple[np.ndarray, np.ndarray]:
    """``(data, offsets)`` of Python ``str`` values (no missing ones) as the text kernels take them, UTF-8 with
    lone surrogates passed through (the bytes of text that Arrow does not hold)."""
    encoded = [s.encode("utf-8", errors="surrogatepass") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    if encoded:
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def odd_rows(values) -> np.ndarray | None:
    """Positions (ascending) of the values of an Arrow-backed text column that hold a byte outside plain ASCII
    or in 0x1C-0x1F, where Arrow's string kernels (strip, upper, replace) and Python's ``str`` may differ
    (``"straße".upper()`` is ``"STRASSE"`` to Python, ``"STRAẞE"`` to Arrow; 0x1C-0x1F are white space to
    Python); None for any other column. Missing values are never odd (Arrow may leave bytes in a missing
    value's slot). One pass over the bytes and a binary search per odd byte: the other values can take the
    Arrow kernels, which give exactly Python's results on them.

    >>> odd_rows(pd.Series(["ab", "straße", None, "x\\x1cy"], dtype="str")).tolist()
    [1, 3]
    """
    buffers = text_buffers(values)
    if buffers is None:
        return None
    offsets, data, missing = buffers
    rows = rows_holding(offsets, np.flatnonzero((data >= 0x80) | ((data >= 0x1C) & (data <= 0x1F))))
    return rows[missing[rows] == 0]


def strip_upper_odd_rows(values, upper: bool = True) -> np.ndarray | None:
    """Positions (ascending) of the values of an Arrow-backed text column on which pandas' ``.str.strip()`` or
    (``upper``) ``.str.upper()`` may answer otherwise on this column's dtype (Arrow's kernels) than on ``object``
    (Python's ``str``): values holding a byte in 0x1C-0x1F (white space to Python; to Arrow in some versions
    only) or a non-ASCII character on which the two answers differ (``"ß"``: ``"SS"`` against ``"ẞ"``); None
    for any other column. Missing values are never odd. Narrower than :func:`odd_rows`, which takes every
    non-ASCII value: ``"Müller"`` is not odd here.

    Both operations act on each character alone (strip drops the white space characters at both ends, upper
    maps each character), so they agree on a value when they agree on each of its characters; each distinct
    character (its code point, decoded from the UTF-8 bytes) is decided once by running both on it and kept in a
    table over every code point per dtype and operation. Not for ``lower`` or ``title``, whose answers depend on
    the neighbours (Python's final sigma).

    >>> column = pd.Series(["ab", "Müller", None, "straße", "x\\x1cy"], dtype="str")
    >>> strip_upper_odd_rows(column).tolist(), strip_upper_odd_rows(column, upper=False).tolist()
    ([3, 4], [4])
    """
    buffers = text_buffers(values)
    if buffers is None:
        return None
    offsets, data, missing = buffers
    at = np.flatnonzero((data >= 0x1C) & (data <= 0x1F))
    lead = np.flatnonzero(data >= 0xC0)  # the first byte of each multi-byte character
    if lead.size:
        points, bad = _code_points(data, lead)
        differs = bad | _strip_upper_differs(points, bad, values.dtype, upper)
        if differs.any():  # (most columns hold no 0x1C-0x1F: no sort then, lead is ascending)
            at = np.union1d(at, lead[differs]) if at.size else lead[differs]
    rows = rows_holding(offsets, at)
    return rows[missing[rows] == 0]


#: The share of a text column's values past which its odd values (:func:`strip_upper_odd_rows`) are "most": then
#: the whole column through Python's ``str`` methods (Python-backed text, or ``object``) is quicker than Arrow's
#: kernels on the whole column followed by Python's answer on each odd value and a copy of the column with them
#: set. The patch grows with the odd values, the whole-column path hardly does. 10^6 str values, "straße" ones
#: odd among "müller" ones, all distinct, CPU medians of 5, patch against whole: normalize_ids' text step at 40 %
#: odd 1.17-1.21 s against 1.36, 50 % 1.06-1.29 against 1.17-1.37, 60 % 1.52-1.59 against 1.40-1.53;
#: optimize_string_operations (an id column) 40 % 0.88-1.05 against 1.25-1.44, 50 % 1.02-1.22 against 1.12-1.32,
#: 60 % 1.39-1.52 against 1.43 (the two cross near 55 %; with repeated values the patch, once per distinct value
#: in normalize_ids, wins further)
ODD_SHARE = 0.5


def mostly_odd(odd: np.ndarray | None, n: int) -> bool:
    """Whether ``odd`` (positions of the odd values of an Arrow-backed text column of ``n`` values, or None for
    any other column) names more than :data:`ODD_SHARE` of the column: then the caller takes the whole column
    through Python's ``str`` methods rather than patching Arrow's answer."""
    return odd is not None and odd.size > ODD_SHARE * n


def _code_points(data: np.ndarray, lead: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The code points (int32) of the multi-byte UTF-8 characters whose first bytes are at ``lead`` (positions
    in ``data`` of bytes >= 0xC0), decoded from their lead and continuation bytes, and where the bytes are no
    character (a missing or stray continuation byte, an overlong form, a surrogate, past U+10FFFF: 0 there)."""
    padded = np.concatenate((data, np.zeros(3, dtype=np.uint8)))  # (a character cut short meets zeros)
    first = padded[lead]
    three, four = first >= 0xE0, first >= 0xF0
    points = (first & (0x1F >> (three.view(np.uint8) + four.view(np.uint8)))).astype(np.int32)
    bad = first >= 0xF8
    for k, more in ((1, None), (2, three), (3, four)):
        nxt = padded[lead + k]
        stray = (nxt & 0xC0) != 0x80
        joined = (points << 6) | (nxt & 0x3F)
        if more is None:
            bad |= stray
            points = joined
        else:
            bad |= more & stray
            points = np.where(more, joined, points)
    bad |= (points < 0x80) | (three & (points < 0x800)) | (four & ((points < 0x10000) | (points > 0x10FFFF)))
    bad |= (points >= 0xD800) & (points <= 0xDFFF)
    return np.where(bad, 0, points), bad


#: Per ``(str(dtype), operation)`` (``"strip"``, ``"upper"``): a table over every code point, 0 unknown,
#: ``_SAME`` or ``_DIFFERS`` (whether pandas' ``.str.<operation>()`` answers otherwise on that dtype than on
#: ``object``), filled as characters are met: 1.1 MB each, whatever the columns.
_STRIP_UPPER_DIFFERS: dict = {}
_SAME, _DIFFERS = 1, 2


def _strip_upper_differs(points: np.ndarray, bad: np.ndarray, dtype, upper: bool) -> np.ndarray:
    """Per code point (``bad`` ones: False, the caller names them anyway): whether ``.str.strip()`` or
    (``upper``) ``.str.upper()`` answers otherwise on ``dtype`` than on ``object``. Read from the tables of
    ``dtype``, the code points not in them yet decided (each once, by running both) and written there. An entry
    is written only once its answer is known, so another thread reads either unknown (and decides it too, alike)
    or the answer."""
    differs = np.zeros(points.size, dtype=bool)
    for op in ("strip", "upper") if upper else ("strip",):
        table = _STRIP_UPPER_DIFFERS.get((str(dtype), op))
        if table is None:
            table = _STRIP_UPPER_DIFFERS.setdefault((str(dtype), op), np.zeros(0x110000, dtype=np.uint8))
        states = table[points]
        unknown = (states == 0) & ~bad
        if unknown.any():
            met = np.zeros(table.size, dtype=bool)  # (each once, ascending: no sort)
            met[points[unknown]] = True
            new = np.flatnonzero(met)
            chars = [chr(point) for point in new.tolist()]
            python = np.array(list(map(getattr(str, op), chars)), dtype=object)  # (what pandas calls on object)
            same = getattr(pd.Series(chars, dtype=dtype).str, op)().to_numpy(dtype=object) == python
            table[new] = np.where(same, _SAME, _DIFFERS)
            states = table[points]
        differs |= (states == _DIFFERS) & ~bad
    return differs


def rows_holding(offsets: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The values (ascending positions, int64, each once) holding the bytes at ``at`` (ascending positions in the
    data of a text column whose value ``i`` is ``data[offsets[i]:offsets[i + 1]]``); bytes outside every value
    (in a sliced column's buffer) count for none."""
    rows = np.searchsorted(offsets, at, side="right") - 1
    rows = rows[(rows >= 0) & (rows < offsets.size - 1)]
    rows = rows[np.r_[True, rows[1:] != rows[:-1]]] if rows.size else rows
    return rows.astype(np.int64, copy=False)


def patch_rows(col: pd.Series, rows: np.ndarray, want: np.ndarray) -> pd.Series:
    """``col`` (an Arrow kernel's answer) with the values at positions ``rows`` set to ``want`` (Python's answer
    there, object array) where they differ, missing equal to missing: the caller's column when none differs, else
    a copy (an Arrow column's setitem rebuilds the whole column: only where needed)."""
    have = col.iloc[rows].to_numpy(dtype=object)
    differ = np.flatnonzero(~((have == want) | (pd.isna(have) & pd.isna(want))))
    if differ.size:
        col = col.copy()
        col.iloc[rows[differ]] = want[differ]
    return col


def release_arrow_memory() -> None:
    """Return to the system the memory pyarrow's default pool (mimalloc / jemalloc) keeps after its buffers are
    freed, which it would otherwise hold for the process's life, unused by NumPy and pandas (the text columns a
    call made and dropped: 20-180 MB after a million ids). Microseconds when there is nothing to return; nothing
    when pyarrow was never imported."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()

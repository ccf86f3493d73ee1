"""Reading the ERP's exports: fast number parsing, header finding, column aliases, dates, right dtypes.

The ERP's CSV / XLSX exports carry money as ``"$1,326.67 "``, thousands commas, parentheses negatives,
a UTF-8 byte-order mark, junk lines above the header and a dozen spellings of each column (DOMAIN.md sections
1-2). :func:`read_erp` loads one export into a frame with canonical column names (``bk_fast._columns``), real
numbers, real dates and compact text dtypes (:func:`bk_fast.optimize_memory` with ``numbers=False``: number
columns stay float64 / int64); :func:`read_exports` loads a folder of them; :func:`parse_numbers` is the number
parser on its own (a byte-level kernel in three engines).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from bk_fast._arrow_text import (
    chunk_buffers, mostly_odd, odd_rows, patch_rows, release_arrow_memory, rows_holding, strip_upper_odd_rows,
    utf8_buffers)
from bk_fast._columns import canonical
from bk_fast._engine import pick, resolve
from bk_fast._progress import Bar, check as _check_progress
from bk_fast._validate import as_array, bytes_as_text, isna_objects
from bk_fast._kernels.reference.parse import (
    BAD_COMMA,
    JUNK,
    STATUS_DEFER,
    STATUS_EMPTY,
    STATUS_INVALID,
    STATUS_LONG,
    STATUS_NUMBER,
    clean_float,
    clean_float_ascii,
    clean_text,
)

__all__ = ["parse_numbers", "read_erp", "read_exports", "read_mill", "detect_kind", "normalize_ids", "load_report",
           "KINDS", "ExportKind"]

try:  # pyarrow is optional: it gives zero-copy string buffers and a multi-threaded CSV reader
    import pyarrow as pa
    import pyarrow.csv as pa_csv
except ImportError:  # pragma: no cover - exercised by monkeypatching _HAVE_PYARROW in the tests
    pa = pa_csv = None
_HAVE_PYARROW = pa is not None

_STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan) if _HAVE_PYARROW else "str"


# ----------------------------------------------------------------------------------------------------------
# number parsing


def _run_kernel(data: np.ndarray, offsets: np.ndarray, engine: str | None):
    n = offsets.shape[0] - 1
    out = np.empty(n, dtype=np.float64)
    status = np.empty(n, dtype=np.int8)
    if n:
        if data.shape[0] == 0:
            data = np.zeros(1, dtype=np.uint8)  # a valid (never read) buffer for the compiled engines
        resolve("parse_number_text", engine)(data, offsets, out, status)
    return out, status


#: what the ERP's cleaning removes (JUNK), as an RE2 class (pyarrow), for text the kernels found to be numbers
_JUNK_RE2 = "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in JUNK) + "]"


def _resolve_long_arrow(chunk, out, status) -> None:
    """STATUS_LONG rows of an arrow chunk in bulk: clean with pyarrow's regex kernels, then NumPy's object ->
    float64 cast, which is Python's ``float()`` per value (exact)."""
    idx = np.flatnonzero(status == STATUS_LONG)
    if idx.size < 32:
        return
    import pyarrow.compute as pc

    text = pc.replace_substring_regex(chunk.take(pa.array(idx)), _JUNK_RE2, "")
    text = pc.replace_substring_regex(text, r"^\((.*)\)$", r"-\1")
    try:
        values = text.to_numpy(zero_copy_only=False).astype(np.float64)
    except ValueError:  # pragma: no cover - the kernels only mark valid numbers STATUS_LONG
        return
    out[idx] = values
    status[idx] = STATUS_NUMBER


def _resolve_deferred(out, status, text_of) -> None:
    """Rows the compiled kernels left to Python (STATUS_LONG; no engine answers STATUS_DEFER now, the contract
    keeps it): ``float()`` of the cleaned text, exactly the reference."""
    for i in np.flatnonzero(status >= STATUS_DEFER):
        text = text_of(int(i))
        out[i], status[i] = clean_float_ascii(text) if status[i] == STATUS_LONG else clean_float(text)


def _parse_arrow_chunk(chunk, engine):
    if chunk.type != pa.string() and chunk.type != pa.large_string():
        try:
            chunk = chunk.cast(pa.large_string())
        except pa.ArrowInvalid:  # (binary that is no UTF-8: cell by cell, such a cell invalid as in an object array)
            cells = np.empty(len(chunk), dtype=object)
            cells[:] = chunk.to_pylist()
            return _parse_objects(cells, engine)
    n = len(chunk)
    if n == 0:  # (a zero-length slice can carry an offset past its buffer's offsets)
        return np.empty(0), np.empty(0, np.int8)
    offsets, data = chunk_buffers(chunk)
    out, status = _run_kernel(data, offsets, engine)

    def text_of(i):
        return data[offsets[i]:offsets[i + 1]].tobytes().decode("utf-8", errors="surrogateescape")

    _resolve_long_arrow(chunk, out, status)
    _resolve_deferred(out, status, text_of)
    if chunk.null_count:
        null = chunk.is_null().to_numpy(zero_copy_only=False)
        out[null] = np.nan
        status[null] = STATUS_EMPTY
    return out, status


def _parse_arrow(chunked, engine):
    chunks = chunked.chunks if hasattr(chunked, "chunks") else [chunked]
    if not chunks:
        return np.empty(0), np.empty(0, np.int8)
    parts = [_parse_arrow_chunk(c, engine) for c in chunks]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _parse_strings(strings: list, engine):
    """Parse a list of Python ``str`` (no missing values)."""
    data, offsets = utf8_buffers(strings)
    out, status = _run_kernel(data, offsets, engine)
    _resolve_deferred(out, status, lambda i: strings[i])
    return out, status


#: what pandas infers for object cells that are all Python / NumPy ints, floats or bools
_PLAIN_NUMBERS = frozenset({"floating", "integer", "mixed-integer-float", "boolean"})


def _parse_objects(arr: np.ndarray, engine):
    """Object array: strings through the kernel, numbers as numbers, missing as empty."""
    n = arr.shape[0]
    out = np.full(n, np.nan)
    status = np.full(n, STATUS_EMPTY, dtype=np.int8)
    inferred = pd.api.types.infer_dtype(arr, skipna=True)
    if inferred in ("string", "empty"):
        missing = pd.isna(arr)
        is_str = ~missing
    elif inferred in _PLAIN_NUMBERS:  # numbers only: NumPy's object -> float64 cast, Python's float() per value in C
        try:  # (None and NaN give NaN: missing; pd.NA or an int beyond the float range raise: per value below)
            out = arr.astype(np.float64)
        except (OverflowError, TypeError, ValueError):
            pass
        else:
            nan = np.isnan(out)
            out[nan] = np.nan  # (a NaN read alone is missing, +NaN: no sign bit kept, as before)
            return out, np.where(nan, STATUS_EMPTY, STATUS_NUMBER).astype(np.int8)
        missing = isna_objects(arr)
        is_str = np.zeros(n, dtype=bool)
    else:
        is_str = np.fromiter((isinstance(v, str) for v in arr), dtype=bool, count=n)
        missing = ~is_str & isna_objects(arr)
        if inferred in ("bytes", "mixed", "mixed-integer"):  # (where pandas finds a bytes cell, if any)
            other = np.flatnonzero(~is_str & ~missing)
            if other.size and pd.api.types.infer_dtype(arr[other], skipna=False) not in _PLAIN_NUMBERS:
                # (only cells that are no text and no plain number: bytes as their text, as pyarrow binary is read;
                # NumPy reads b"1.5" as 1.5 too; bytes that are no UTF-8 stay, invalid)
                arr, decoded = bytes_as_text(arr, other)
                is_str[decoded] = True
    idx = np.flatnonzero(is_str)
    if idx.size:
        if _HAVE_PYARROW:
            o, s = _parse_arrow(pa.array(arr[idx], type=pa.large_string()), engine)
        else:
            o, s = _parse_strings(arr[idx].tolist(), engine)
        out[idx], status[idx] = o, s
    rest = np.flatnonzero(~is_str & ~missing)
    if rest.size and pd.api.types.infer_dtype(arr[rest], skipna=False) in _PLAIN_NUMBERS:
        try:  # (as above: no missing value among them)
            out[rest], status[rest] = arr[rest].astype(np.float64), STATUS_NUMBER
            return out, status
        except (OverflowError, TypeError, ValueError):  # an int beyond the float range: per value below
            pass
    for i in rest:
        value = arr[i]
        try:
            out[i], status[i] = float(value), STATUS_NUMBER
        except OverflowError:  # an int beyond the float range: its correctly rounded float, +-inf (as its text)
            out[i], status[i] = (np.inf if value > 0 else -np.inf), STATUS_NUMBER
        except (TypeError, ValueError):
            out[i], status[i] = np.nan, STATUS_INVALID
    return out, status


def _parse_any(values, engine):
    """``(float64 values, int8 status)`` of a 1-D column of text / numbers / missing values."""
    if _HAVE_PYARROW and isinstance(values, (pa.Array, pa.ChunkedArray)):
        return _parse_arrow(values, engine)
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.array
    if isinstance(values, pd.arrays.NumpyExtensionArray):  # (a plain ndarray: no na_value pass, whose NA check
        values = values.to_numpy()  # raises on a Decimal('sNaN'); the object path below finds missing values)
    if isinstance(values, pd.Categorical):
        cats_out, cats_status = _parse_any(np.asarray(values.categories, dtype=object), engine)
        codes = values.codes
        out = np.where(codes >= 0, cats_out[codes] if cats_out.size else np.nan, np.nan)
        status = np.where(codes >= 0, cats_status[codes] if cats_status.size else STATUS_EMPTY, STATUS_EMPTY)
        return out, status.astype(np.int8)
    pa_array = getattr(values, "_pa_array", None)
    if pa_array is not None and _HAVE_PYARROW and (pa.types.is_string(pa_array.type)
                                                    or pa.types.is_large_string(pa_array.type)):
        return _parse_arrow(pa_array, engine)
    arr = as_array(values) if not isinstance(values, pd.api.extensions.ExtensionArray) else None
    if arr is None:
        if getattr(values.dtype, "kind", "O") in "fiub":
            out = values.to_numpy(dtype=np.float64, na_value=np.nan)
            owner = getattr(values, "_data", None)  # (a masked array's values, which float64 ones come back as)
            if not out.flags.writeable or (isinstance(owner, np.ndarray) and np.may_share_memory(out, owner)):
                out = out.copy()  # (a view of the caller's buffer; an arrow one is read-only): never shared
            st = np.where(np.isnan(out), STATUS_EMPTY, STATUS_NUMBER).astype(np.int8)
            return np.ascontiguousarray(out), st
        if getattr(values.dtype, "kind", "O") in "mM":  # as for a NumPy datetime array (not NaN per row)
            raise TypeError(f"values must be text or numbers, got dtype {values.dtype}")
        arr = values.to_numpy(dtype=object, na_value=None)
    if arr.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind in "fiub":  # a fresh array: the caller's never (one copy), a list's own new one as it is
        out = np.array(arr, dtype=np.float64, order="C", copy=None if isinstance(values, (list, tuple)) else True)
        st = np.where(np.isnan(out), STATUS_EMPTY, STATUS_NUMBER).astype(np.int8)
        return out, st
    if arr.dtype.kind in "OUST":
        return _parse_objects(arr.astype(object) if arr.dtype.kind != "O" else arr, engine)
    raise TypeError(f"values must be text or numbers, got dtype {arr.dtype}")


def parse_numbers(values, engine: str | None = None):
    """Parse the ERP's number text exactly: ``"$1,326.67 "``, ``"1,200.0"``, ``"($2,183.40)"`` -> floats.

    Each string is cleaned as the ERP cleans numbers: every ``$``, ``,`` and whitespace character (Python's
    ``str.isspace``: the no-break space too) is removed, ``(x)`` becomes ``-x``; the result is exactly
    Python's ``float()`` of the cleaned text (correctly rounded; ``"-0"`` gives -0.0; ``inf`` / ``nan``
    words and exponents as ``float`` accepts them), except that ``_`` digit separators and non-ASCII digits
    are not numbers, as for ``pandas.to_numeric`` (the ERP's parser). Empty or unparsable text and missing
    values give NaN.
    Numbers in the input (numeric dtypes, or numbers inside an object column) are taken as they are; bytes
    (NumPy ``S`` arrays, ``bytes`` cells, pyarrow binary) are read as their UTF-8 text.

    The kernel scans a buffer of concatenated UTF-8 strings (pandas' pyarrow-backed ``str`` columns are
    read without copying); the compiled engines decide every string in place (non-ASCII text too: its white
    space is removed, any other non-ASCII character makes it invalid) but hand decimal text beyond their exact
    fast path (more than 18 significant digits, large exponents) to Python's ``float``.

    Parameters
    ----------
    values : Series, Index, array-like or list
        Text, numbers or both; a categorical parses each category once.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine; None uses the engine in force.

    Returns
    -------
    Series (float64, same index and name) for a Series, else a float64 ndarray.

    Examples
    --------
    >>> import bk_fast
    >>> bk_fast.io.parse_numbers(["$1,326.67 ", "1,200.0", "($2,183.40)", "", "n/a", None])
    array([ 1326.67,  1200.  , -2183.4 ,      nan,      nan,      nan])
    """
    engine = pick(engine)  # an unknown or missing engine fails here, whatever the input
    out, _ = _parse_any(values, engine)
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name, copy=False)
    return out


# ----------------------------------------------------------------------------------------------------------
# export kinds


@dataclass(frozen=True)
class ExportKind:
    """One kind of ERP export: the canonical columns it must have, and those it usually has."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


#: every export kind :func:`read_erp` recognises, keyed like :func:`bk_fast.datasets.make_mill`'s frames
KINDS: dict[str, ExportKind] = {k.name: k for k in (
    ExportKind("yarn_inventory", ("Desc#", "Planning Balance"),
               ("Description", "Supplier", "Beginning Balance", "Received", "Consumed", "Adjustments",
                "Theoretical Balance", "Allocated", "On Order", "Cost/Pound", "Total Cost")),
    ExportKind("bom", ("Style#", "Desc#", "BOM_Percentage"), ("unit",)),
    ExportKind("style_master", ("fStyle#", "gBase")),
    ExportKind("knit_orders", ("Order #", "Style#", "Balance (lbs)"),
               ("Qty Ordered (lbs)", "G00 (lbs)", "Shipped (lbs)", "Machine", "Start Date", "Quoted Date")),
    ExportKind("sales_orders", ("SO #", "fStyle#"), ("Customer", "Qty Ordered (lbs)", "Ship Date")),
    ExportKind("style_work_center", ("Style#", "WC")),
    ExportKind("machines", ("WC", "Machine")),
    ExportKind("style_capacity", ("Style#", "lbs/day")),
    ExportKind("yarn_po", ("Desc#", "PO #"),
               ("Supplier", "Unscheduled or Past Due", "This Week", "Later", "PO Bal")),
    ExportKind("expected_receipts", ("Desc#", "This Week", "Later"),
               ("Description", "Supplier", "Unscheduled or Past Due", "PO Bal")),
    ExportKind("yarn_demand", ("Desc#", "Total Demand"),
               ("Description", "Monday Inventory", "Total Receipt", "Total Balance", "Unscheduled or Past Due",
                "This Week", "Later")),
)}

#: canonical columns that are text even when every value looks like a number (ids with leading zeros...)
TEXT_COLUMNS = frozenset({"Description", "Supplier", "Style#", "unit", "Order #", "fStyle#", "gBase", "WC",
                          "PO #", "SO #", "Customer"})
#: canonical columns holding integer ids: int64 when complete, float64 when some are empty (Int64 when an id of
#: 2**53 or more, which float64 would round, is among them)
ID_COLUMNS = frozenset({"Desc#", "Machine"})
#: id columns naming a machine: a text cell is a number only when it is a whole number once stripped (``"101"``,
#: ``" +101.0 "``), as :func:`bk_fast.erp.schedule_knit_orders` reads machine ids; other text (``"1E2"``,
#: ``"(101)"``, ``"1,01"``, ``"101.5"``) is the machine's name as written
MACHINE_ID_COLUMNS = frozenset({"Machine"})
#: a machine number written as text (stripped): ASCII digits, an optional sign and ``.0``
MACHINE_NUMBER = r"[+-]?[0-9]+(?:\.0*)?"
#: canonical columns holding dates
DATE_COLUMNS = frozenset({"Start Date", "Quoted Date", "Ship Date"})
#: canonical columns that are numbers: unparsable text in them becomes NaN (with a warning), as in the ERP
NUMBER_COLUMNS = frozenset({
    "Beginning Balance", "Received", "Consumed", "Adjustments", "Theoretical Balance", "Allocated", "On Order",
    "Planning Balance", "Cost/Pound", "Total Cost", "BOM_Percentage", "Qty Ordered (lbs)", "G00 (lbs)",
    "Shipped (lbs)", "Balance (lbs)", "lbs/day", "PO Bal", "Unscheduled or Past Due", "This Week", "Later",
    "Monday Inventory", "Total Demand", "Total Receipt", "Total Balance",
})
#: date formats of the ERP's exports, tried in order (the first that reads every value wins, else each value in
#: the first that reads it)
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S",
                "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S.%f",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%d-%b-%Y", "%d-%b-%y")

_HEADER_SCAN_LINES = 50


def detect_kind(columns, *, source: str = "export") -> str:
    """The export kind whose required columns are all in ``columns`` (canonical or alias spellings) and
    which matches most of them; ValueError naming ``source``, the columns found and what each kind needs.

    Examples
    --------
    >>> detect_kind(["Style #", "Desc#", "BOM_Percent", "unit"])
    'bom'
    """
    if isinstance(columns, (str, bytes)) or not np.iterable(columns):
        raise TypeError(f"columns must be a list of column names, got {columns!r}")
    names = {canonical(c) or str(c).strip() for c in columns}
    best, best_key = None, None
    for kind in KINDS.values():
        if not set(kind.required) <= names:
            continue
        hits = len(names & set(kind.columns))
        key = (hits, hits / len(kind.columns))
        if best_key is None or key > best_key:
            best, best_key = kind.name, key
    if best is None:
        expected = "; ".join(f"{k.name}: {', '.join(k.required)}" for k in KINDS.values())
        raise ValueError(f"{source}: unknown kind of export; columns found: {', '.join(map(repr, columns))}; "
                         f"expected the required columns of one of: {expected}")
    return best


def _check_kind(kind: str, names: list[str], source: str) -> ExportKind:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    spec = KINDS[kind]
    missing = [c for c in spec.required if c not in names]
    if missing:
        raise ValueError(f"{source}: not a {kind} export: missing required column(s) {', '.join(map(repr, missing))}"
                         f"; columns found: {', '.join(map(repr, names))}; expected: "
                         f"{', '.join(map(repr, spec.required))}")
    return spec


# ----------------------------------------------------------------------------------------------------------
# header finding


@dataclass
class _Header:
    names: list[str]  # canonical (or cleaned) names, de-duplicated
    raw: list[str]  # as written in the file
    line: int  # 0-based line of the header
    offset: int  # byte offset of the first data line
    encoding: str
    delimiter: str = ","
    breaks: int = 0  # line breaks inside the header's quoted cells (the data begin at line + breaks + 1)


def _clean_name(cell: str, i: int) -> str:
    text = str(cell).replace("\ufeff", "").strip()
    if not text:
        return f"Unnamed: {i}"
    return canonical(text) or text


def _dedupe(names: list[str]) -> list[str]:
    """Unique names as pandas' ``read_csv`` makes them: a repeated name gets ``.1``, ``.2``..., the suffix bumped
    past the names of the header and those given before (``Notes, Notes, Notes.1`` -> ``Notes, Notes.2,
    Notes.1``), so no column is lost."""
    written = set(names)
    counts: dict[str, int] = {}
    out = []
    for name in names:
        count = counts.get(name, 0)
        new = name
        while count > 0:
            counts[name] = count + 1
            new = f"{name}.{count}"
            count = count + 1 if new in written else counts.get(new, 0)
        out.append(new)
        counts[new] = count + 1
    return out


def _score(cells: list[str]) -> int:
    """How many distinct known ERP columns a row names (cells longer than a header name are skipped)."""
    return len({c for c in (canonical(x) for x in cells if 0 < len(str(x).strip()) <= 40) if c is not None})


def _pick_header(rows: list[list[str]], kind: str | None, source: str) -> int:
    """Index of the header among the first rows: the first row holding the required columns of ``kind`` (when
    given), else the first row whose filled cells are mostly known column names (at least two), else the row
    with the most known column names (at least one)."""
    if kind is not None and kind in KINDS:
        need = set(KINDS[kind].required)
        for i, cells in enumerate(rows):
            if need <= {_clean_name(c, j) for j, c in enumerate(cells)}:
                return i
    scores = []
    for i, cells in enumerate(rows):
        score = _score(cells)
        filled = sum(1 for c in cells if str(c).strip())
        if score >= 2 and 2 * score >= filled:  # mostly known column names: the header
            return i
        scores.append(score)
    if scores and max(scores) >= 1:
        return scores.index(max(scores))
    if kind is not None and rows:
        return 0  # let the required-column check name what is missing
    raise ValueError(f"{source}: no header row found in the first {len(rows)} lines (no line names a known "
                     f"ERP column such as 'Desc#', 'Style#', 'Planning Balance')")


# the byte-order marks of the wide encodings (UTF-32's first: its little-endian mark begins with UTF-16's)
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
              (codecs.BOM_UTF16_BE, "utf-16"))


def _wide_text(src, name: str, encoding: str | None):
    """``(src, encoding)`` with a UTF-16 / UTF-32 export (Excel's "Unicode Text": a byte-order mark, or the
    encoding given) transcoded to UTF-8 bytes in memory, as the readers below scan bytes of an ASCII-compatible
    encoding; anything else unchanged."""
    if encoding is None:
        if isinstance(src, Path):
            with open(src, "rb") as fh:
                head = fh.read(1024)
        else:
            head = bytes(src[:1024])
        wide = next((enc for bom, enc in _WIDE_BOMS if head.startswith(bom)), None) or _bomless_utf16(head)
    else:
        try:
            wide = encoding if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")) else None
        except LookupError:
            raise ValueError(f"{name}: unknown encoding {encoding!r}") from None
    if wide is None:
        return src, encoding
    data = src.read_bytes() if isinstance(src, Path) else src
    try:
        text = data.decode(wide)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: not valid {wide} text ({exc}); pass the export's encoding") from exc
    return text.encode("utf-8", errors="surrogatepass"), "utf-8"


def _bomless_utf16(head: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` for text that is UTF-16 without a byte-order mark (SQL Server's
    ``bcp -w`` writes it): its ASCII characters leave a NUL in every other byte of its first KiB (``head``),
    which text in an 8-bit encoding never holds; else None."""
    head = head[: len(head) // 2 * 2]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.2 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.2 * len(odd):
        return "utf-16-be"
    return None


EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")  # what read_exports reads in a folder
_DELIMITERS = (",", "\t", ";")  # detected from the header line, in this order of preference


def _split(texts: list[str], delimiter: str) -> list[list[str]]:
    return [_first_row(t.rstrip("\r\n"), delimiter) for t in texts]


def _first_row(text: str, delimiter: str) -> list[str]:
    """The cells of one record (a line break inside a quoted cell is kept); of its first line when, under this
    delimiter, a line break lies outside quotes (the record was joined under another delimiter)."""
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return next(csv.reader(text.splitlines(), delimiter=delimiter), [])


def _check_delimiter(delimiter) -> None:
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n'
                                  or not delimiter.isascii()):
        raise ValueError(f"delimiter must be one ASCII character other than a quote or a line break, got "
                         f"{delimiter!r}")


def _sniff_delimiter(texts: list[str], kind: str | None, source: str) -> str:
    """The delimiter under which a line of the first lines names the most known ERP columns (the required ones
    of ``kind`` first); comma on a tie. A semicolon is refused: such exports come from locales that write
    decimal commas, which the number cleaning (thousands commas dropped) would misread."""
    need = set(KINDS[kind].required) if kind is not None and kind in KINDS else set()

    def rank(d):
        rows = _split(texts, d)
        full = any(need and need <= {_clean_name(c, j) for j, c in enumerate(r)} for r in rows)
        return (full, max((_score(r) for r in rows), default=0))

    ranks = [rank(d) for d in _DELIMITERS]
    best = _DELIMITERS[ranks.index(max(ranks))]
    if best == ";":
        raise ValueError(f"{source}: the header is separated by semicolons, as in exports of locales that write "
                         f"decimal commas (1.200,50), which bk_fast does not read; export it with commas, or "
                         f"pass delimiter=';' when its numbers are written with decimal points")
    return best


def _sample_records(raw: bytes, delimiter: str | None, quote_aware: bool):
    """``(records, byte offsets, line numbers)`` of the first :data:`_HEADER_SCAN_LINES` records of the sample
    (0-based lines: where each record begins): its lines, joined where
    a line break lies inside a quoted field (``quote_aware``; a header cell holding a line break, Excel's
    Alt+Enter). As the CSV readers, a quote opens a quoted field only at the start of a field (after the
    delimiter, or a UTF-8 byte-order mark; before it is known, any of :data:`_DELIMITERS`), and ``""`` inside one
    is a quote."""
    field_start = set((delimiter or "".join(_DELIMITERS)).encode("ascii"))
    lines: list[bytes] = []
    starts: list[int] = []
    firsts: list[int] = []
    pos, quoted = 0, False
    lead = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0  # (the first cell begins after a BOM)
    for i, line in enumerate(raw.splitlines(keepends=True)):
        if quoted:
            lines[-1] += line
        elif len(lines) == _HEADER_SCAN_LINES:
            break
        else:
            lines.append(line)
            starts.append(pos)
            firsts.append(i)
        pos += len(line)
        q = line.find(b'"') if quote_aware else -1
        while q >= 0:  # (only the quotes cost Python)
            if quoted:
                if line[q + 1:q + 2] == b'"':  # "" inside a quoted field
                    q = line.find(b'"', q + 2)
                    continue
                quoted = False
            elif q == (lead if i == 0 else 0) or line[q - 1] in field_start:
                quoted = True
            q = line.find(b'"', q + 1)
    return lines, starts, firsts


def _csv_header(raw: bytes, kind: str | None, source: str, encoding: str | None,
                delimiter: str | None = None) -> _Header:
    if encoding is None:
        encoding = "utf-8"
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(raw) - 4:  # not just a multi-byte character cut at the sample's end
                encoding = "cp1252"
    # records whose quoted cells may hold line breaks; else (an unclosed quote in a junk line joined the lines
    # below it, hiding the header: a record up to the header that spans lines must give a header of the kind)
    # plain lines
    for quote_aware in (True, False):
        lines, starts, firsts = _sample_records(raw, delimiter, quote_aware)
        # (a UTF-8 byte-order mark is no text in any encoding: skipped before decoding, or cp1252 would read it as
        # 'ï»¿' glued to the first column's name; the data rows begin below the header line, past it)
        bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        texts = [line[bom if i == 0 else 0:].decode(encoding, errors="replace") for i, line in enumerate(lines)]
        if texts:
            texts[0] = texts[0].lstrip("\ufeff")
        try:
            sep = _sniff_delimiter(texts, kind, source) if delimiter is None else delimiter
            rows = _split(texts, sep)
            idx = _pick_header(rows, kind, source)
            cells = rows[idx] if rows else []
            names = _dedupe([_clean_name(c, j) for j, c in enumerate(cells)])
            if quote_aware and any(len(line.splitlines()) > 1 for line in lines[:idx + 1]):  # (else: plain lines)
                _check_kind(kind, names, source) if kind is not None else detect_kind(names, source=source)
        except ValueError:
            if not quote_aware:
                raise
            continue
        break
    offset = starts[idx] + len(lines[idx]) if lines else 0
    line = firsts[idx] if lines else 0
    breaks = lines[idx].count(b"\n") + lines[idx].count(b"\r") - lines[idx].count(b"\r\n") - 1 if lines else 0
    return _Header(names, [str(c) for c in cells], line, offset, encoding, sep, max(breaks, 0))


# ----------------------------------------------------------------------------------------------------------
# building frames


def _read_dates(col, unit: str | None = None) -> tuple[pd.Series | None, np.ndarray]:
    """``(dates, bad)``: each present value of a column in the first of :data:`DATE_FORMATS` that reads it,
    surrounding whitespace (no-break spaces too) stripped first, blank text missing; ``bad`` marks the present
    values that no format reads (NaT in ``dates``). ``dates`` is None when no value is present.
    ``unit``: "us" gives datetime64[us] always (the chunks of one read then share a dtype), None gives
    datetime64[ns] when every date fits in it (:func:`_dates_in`)."""
    values = _to_text(col)
    none_bad = np.zeros(len(values), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return _dates_in(values, unit), none_bad
    if values.dtype == object:  # XLSX cells: datetime objects, maybe mixed with text
        kinds = pd.api.types.infer_dtype(values, skipna=True)
        if kinds in ("datetime", "datetime64", "date"):
            return _dates_in(pd.to_datetime(values).astype("datetime64[us]"), unit), none_bad
        arr = values.to_numpy()
        is_date = np.fromiter((isinstance(v, (_dt.date, np.datetime64)) for v in arr), dtype=bool,
                              count=len(arr))
        if is_date.any():
            # (in microseconds throughout: the ERP's 12/31/9999 placeholder, as a cell's date or as its text,
            # is beyond what datetime64[ns] holds)
            out = np.full(len(arr), np.datetime64("NaT", "us"))
            out[is_date] = pd.to_datetime(arr[is_date]).astype("datetime64[us]").to_numpy()
            rest = ~is_date & values.notna().to_numpy()
            bad = none_bad.copy()
            if rest.any():
                parsed, bad[rest] = _read_dates(pd.Series(arr[rest], dtype=object), "us")
                if parsed is not None:
                    out[rest] = parsed.to_numpy()
            return _dates_in(pd.Series(out, index=values.index, name=values.name), unit), bad
        values = values.astype(_STR_DTYPE)
    values = values.str.strip()  # (" 09/02/2025 ": the ERP pads cells; str.strip takes no-break spaces too)
    present = values.notna().to_numpy() & (values != "").fillna(False).to_numpy(dtype=bool)
    n_present = int(present.sum())
    if n_present == 0:
        return None, none_bad
    if n_present < len(values):
        values = values.where(present)  # (blank text: missing)
    parsed = pd.to_datetime(values, format=DATE_FORMATS[0], errors="coerce").astype("datetime64[us]")
    if int(parsed.notna().sum()) == n_present:
        return _dates_in(parsed, unit), none_bad
    # dates in several of the formats in one column: each value in the first format that reads it (the formats
    # never read one text two ways: each must match the whole text); each next format reads only the values
    # still unread (one 'TBD' among 10^5 dates made every format read the whole column: 7x the time)
    out = parsed.to_numpy().copy()
    todo = np.flatnonzero(present & np.isnat(out))
    for fmt in DATE_FORMATS[1:]:
        if not todo.size:
            break
        more = pd.to_datetime(values.iloc[todo], format=fmt, errors="coerce").astype("datetime64[us]").to_numpy()
        read = ~np.isnat(more)
        out[todo[read]] = more[read]
        todo = todo[~read]
    bad = np.zeros(len(values), dtype=bool)
    bad[todo] = True
    return _dates_in(pd.Series(out, index=values.index, name=values.name), unit), bad


def _dates_in(dates: pd.Series, unit: str | None) -> pd.Series:
    """``dates`` in ``unit`` ("us"), or with ``unit`` None as datetime64[ns], or datetime64[us] when one lies
    beyond the years ns holds (1677-2262: the ERP's ``12/31/9999`` placeholder), which pandas refuses to cast."""
    if unit is not None:
        return dates.astype(f"datetime64[{unit}]")
    try:
        return dates.astype("datetime64[ns]")
    except pd.errors.OutOfBoundsDatetime:
        return dates.astype("datetime64[us]")


def _to_text(col) -> pd.Series:
    if _HAVE_PYARROW and isinstance(col, (pa.Array, pa.ChunkedArray)):
        mapper = {pa.string(): _STR_DTYPE, pa.large_string(): _STR_DTYPE}.get
        return col.to_pandas(types_mapper=mapper)
    s = pd.Series(col, copy=False)
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return s.astype(_STR_DTYPE)
    return s


def _cell_text(value) -> str:
    """Text of a spreadsheet cell: whole-number floats without ``.0`` (Excel stores every number as a float)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _role(name: str) -> str | None:
    if name in TEXT_COLUMNS:
        return "text"
    if name in ID_COLUMNS:
        return "id"
    if name in DATE_COLUMNS:
        return "date"
    if name in NUMBER_COLUMNS:
        return "number"
    return None


def _column(name: str, col, source: str, engine, state: dict):
    """One column of an export as text, dates or numbers (see :func:`read_erp`)."""
    role = _role(name)
    if role == "text":
        text = _to_text(col)
        if text.dtype == object:  # XLSX cells: ids typed as numbers in the workbook -> their text
            text = text.map(_cell_text, na_action="ignore").astype(_STR_DTYPE)
        return text.array
    if role == "date":  # dates always, whole or in chunks: a value in none of the formats is NaT, with a warning
        dates, bad = _read_dates(col, state.get("unit"))
        if dates is None:  # no date filled in (in this chunk): NaT
            return pd.array(np.full(len(col), np.datetime64("NaT", state.get("unit") or "ns")))
        if bad.any():
            _coerced(name, col, bad, source, state, f"are in none of the known date formats {DATE_FORMATS} and "
                                                    f"read as NaT")
        return dates.array
    if role is None:
        return _unknown_column(name, col, engine, state)
    out, status = _parse_any(col, engine)
    if name in MACHINE_ID_COLUMNS:
        _machine_names(col, status)
    bad = status == STATUS_INVALID
    if bad.any():
        if role == "id":  # an id that is no number ("Y-100") is an id all the same: never NaN
            na = bad & _na_text(col)  # ("N/A", "NULL", ...: pandas' missing values, no ids)
            status[na] = STATUS_EMPTY
            bad &= ~na
            if bad.any():
                return _mixed_ids(col, out, status)
            return _id_values(col, out, status)
        bad = _percents(col, out, status, bad, engine)
    if role == "number":
        bad |= _misplaced_commas(col, out, status, engine)
    if bad.any():
        _coerced(name, col, bad, source, state, "are not numbers and read as NaN")
    if role == "id":
        return _id_values(col, out, status)
    return out


def _misplaced_commas(col, out: np.ndarray, status: np.ndarray, engine) -> np.ndarray:
    """Marks (in ``out`` and ``status``, in place: NaN, ``STATUS_INVALID``) the text cells of a number column read
    as numbers that hold a comma of :data:`BAD_COMMA`: a decimal comma (``"1.234,56"``, which the cleaning reads as
    1.23456) or commas in no thousands groups (``"1,2,3"``: 123). Returns where it marked. The
    ``misplaced_commas`` kernel scans the text: arrow chunks in place (only those whose bytes hold a comma),
    other text (pandas' reader, XLSX cells) as the distinct cells holding a comma."""
    bad = np.zeros(status.shape[0], dtype=bool)
    kernel = resolve("misplaced_commas", engine)
    # (the numpy engine's kernel is the reference, the pattern run with Python's re a cell at a time: on arrow
    # chunks pyarrow's RE2 runs the same pattern ~30x faster)
    use_re2 = pick(engine) == "numpy"
    pa_col = col if _HAVE_PYARROW and isinstance(col, (pa.Array, pa.ChunkedArray)) else None
    if pa_col is not None and (pa.types.is_string(pa_col.type) or pa.types.is_large_string(pa_col.type)):
        at = 0
        for chunk in (pa_col.chunks if isinstance(pa_col, pa.ChunkedArray) else [pa_col]):
            n = len(chunk)
            offsets, data = chunk_buffers(chunk)
            if n and data.size and (data[offsets[0]:offsets[-1]] == ord(",")).any():
                if use_re2:
                    import pyarrow.compute as pc

                    found = pc.fill_null(pc.match_substring_regex(chunk, BAD_COMMA), False)
                    bad[at:at + n] = np.asarray(found, dtype=bool)
                else:
                    flags = np.zeros(n, dtype=np.uint8)
                    kernel(data, offsets, flags)
                    bad[at:at + n] = flags.view(bool)
            at += n
    else:  # (pandas' reader, XLSX cells: object arrays; number cells hold no commas)
        rows = np.flatnonzero(status == STATUS_NUMBER)
        text = _to_text(col)
        if text.dtype == object:  # (XLSX cells: numbers as numbers, text as text)
            cells = _cells(col)[rows]
            comma = np.fromiter((isinstance(v, str) and "," in v for v in cells), dtype=bool, count=rows.size)
            cells = cells[comma]
        else:  # (text: the comma cells found by pandas' string method, no Python object per cell)
            text = text.iloc[rows] if rows.size < len(text) else text
            comma = text.str.contains(",", regex=False, na=False).to_numpy(dtype=bool)
            cells = text.to_numpy(dtype=object)[comma] if comma.any() else None
        if comma.any():
            codes, uniq = pd.factorize(cells)  # (each distinct comma cell once: money columns repeat values)
            data, offsets = utf8_buffers(uniq)
            flags = np.zeros(len(uniq), dtype=np.uint8)
            kernel(data, offsets, flags)
            bad[rows[comma][flags.view(bool)[codes]]] = True
    bad &= status == STATUS_NUMBER
    out[bad], status[bad] = np.nan, STATUS_INVALID
    return bad


def _unknown_column(name: str, col, engine, state: dict):
    """An unknown column: dates when its name contains "date" and every value filled in is one (none filled
    in: NaT), else numbers when every value is one, else its text as written.

    Read in chunks, ``state["wide"]`` holds what the column held in the rows read before (and, through the
    readers' ``peek``, in the rows read ahead of the chunk: the rest of pyarrow's block, the whole of an XLSX):
    "date" (a date), "nodate" (a value that is no date, in a date-named column) or "text" (a value that is no
    number nor date); a column keeps the widest reading found so far: once text, text in every later chunk."""
    wide = state.get("wide")
    wide = {} if wide is None else wide
    was = wide.get(name)
    if was in (None, "date") and "date" in name.lower():
        dates, bad = _read_dates(col, state.get("unit"))
        if dates is None:  # no date filled in (in this chunk): NaT
            return pd.array(np.full(len(col), np.datetime64("NaT", state.get("unit") or "ns")))
        if not bad.any():
            wide[name] = "date"
            return dates.array
        wide[name] = was = "text" if was == "date" else "nodate"  # (dates read before are no numbers)
    if was != "text":
        out, status = _parse_any(col, engine)
        if not (status == STATUS_INVALID).any():
            return out
        wide[name] = "text"
    return _to_text(col).array


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _warn(message: str) -> None:
    """``warnings.warn`` pointing at the first frame outside bk_fast: the user's line however deep the reader
    warns from (a whole read: the call of :func:`read_erp`; chunked: the line iterating the chunks, which drives
    the generator with no ``read_erp`` frame on the stack)."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, stacklevel=level)


def _coerced(name: str, col, bad: np.ndarray, source: str, state: dict, what: str) -> None:
    """Count the ``bad`` cells of a column in ``state["coerced"]`` and warn once, naming the column, how many
    and the first one with its data row (``what``: what became of them)."""
    n_bad = int(bad.sum())
    state["coerced"][name] = state["coerced"].get(name, 0) + n_bad
    first = int(np.flatnonzero(bad)[0])
    _warn(f"{source}: column {name!r}: {n_bad} value(s) {what} (first: {_to_text(col).iloc[first]!r} in "
          f"data row {state['row0'] + first})")


def _cells_at(col, rows: np.ndarray) -> list:
    """The cells of a column (Series, arrow or NumPy array) at the positions ``rows`` as Python objects (arrow
    scalars as theirs), pulled at once: an ``.iloc`` or an arrow scalar a row cost ~8 us."""
    if not rows.size:
        return []
    if isinstance(col, pd.Series):
        return col.iloc[rows].to_numpy(dtype=object).tolist()
    if _HAVE_PYARROW and isinstance(col, (pa.Array, pa.ChunkedArray)):
        return col.take(pa.array(rows)).to_pylist()
    if isinstance(col, np.ndarray):
        return list(col[rows])
    return [v.as_py() if hasattr(v, "as_py") else v for v in (col[int(i)] for i in rows)]


def _machine_names(col, status: np.ndarray) -> None:
    """Marks (in ``status``, in place) the text cells of a machine id column that parse as numbers but are no
    whole number once stripped (:data:`MACHINE_NUMBER`): names such as ``"1E2"``, kept as written."""
    rows = np.flatnonzero(status == STATUS_NUMBER)
    if not rows.size:
        return
    text = _to_text(col)
    if text.dtype == object:  # (XLSX cells: only the text ones, a number cell is a number)
        cells = text.to_numpy(dtype=object)[rows]
        is_str = np.fromiter((isinstance(v, str) for v in cells), dtype=bool, count=rows.size)
        rows, sub = rows[is_str], pd.Series(cells[is_str], dtype=_STR_DTYPE)
    elif pd.api.types.is_string_dtype(text.dtype):
        sub = text.iloc[rows]
    else:  # (numbers)
        return
    whole = sub.str.strip().str.fullmatch(MACHINE_NUMBER).to_numpy(dtype=bool, na_value=False)
    status[rows[~whole]] = STATUS_INVALID


def _id_values(col, out: np.ndarray, status: np.ndarray):
    """An id column's parsed floats as integers when every present id is a whole number: int64 when none is
    missing; ids of 2**53 or more (their float64 is rounded) are read exactly from their own digits, as int64,
    or Int64 when some are missing. An id that int64 cannot hold (beyond int64, ``inf``, a fraction lost in
    float64: ``"18767.0000000000000001"``, wholeness being decided from the id as written) is no number to round:
    the column is then that of :func:`_mixed_ids` (the id as its text). So is a column holding a fraction
    (``1.5``) beside an id of 2**53 or more, which float64 would round. Otherwise (a fraction among ids below
    2**53, or ids all below 2**53 with some missing) the float64 values. With no rows, int64: no id is missing
    (a header-only export has the ids' dtype of a complete one)."""
    if not out.size:
        return out.astype(np.int64)
    missing = np.isnan(out)
    if missing.all():
        return out
    filled = np.where(missing, 0.0, out)
    frac = filled != np.trunc(filled)
    big = ~frac & (np.abs(filled) >= 2.0 ** 53)
    flagged = np.flatnonzero(_float_may_mislead(col, out, ~missing & ~frac & ~big))
    if any(_exact_int(value) is None for value in _cells_at(col, flagged)):
        return _mixed_ids(col, out, status)  # a fraction whose float64 is whole: no number to round to an id
    if frac.any():  # the float64 values, unless they would round an id of 2**53 or more: then the ids as text
        return _mixed_ids(col, out, status) if big.any() else out
    if not big.any():
        return out if missing.any() else out.astype(np.int64)
    ints = np.where(missing | big, 0.0, out).astype(np.int64)
    rows = np.flatnonzero(big)
    for i, value in zip(rows, _cells_at(col, rows)):
        exact = _exact_int(value)
        if exact is None:  # inf, a fraction lost in float64 (9007199254740993.5), or beyond int64: as text
            return _mixed_ids(col, out, status)
        ints[i] = exact
    if not missing.any():
        return ints
    ids = pd.array(ints, dtype="Int64")
    ids[missing] = pd.NA
    return ids


def _percents(col, out: np.ndarray, status: np.ndarray, bad: np.ndarray, engine=None) -> np.ndarray:
    """Number text written as a percentage (``"45%"``, ``"91.4 %"``, ``"(5%)"``) is that number / 100, exactly
    (``"91.4%"`` gives ``float("0.914")``); ``out`` and ``status`` are updated in place. The rows still bad."""
    text = _cells(col)  # (one array: an .iloc per row cost ~30x the parse)
    rows = np.flatnonzero(bad)
    if rows.size:
        # plain cells ("91.4%", " -5 %") in one pass: "91.4e-2" parses to float("0.914"), the correctly rounded
        # value of the number / 100, exactly what the Decimal shift below gives (~3 us a cell there); the rest
        # (currency, commas, parentheses, exponents, odd text) goes through that loop
        cells = pd.Series(text[rows], dtype=object).where(lambda c: c.map(type) == str, "")  # noqa: E721
        num = cells.str.extract(r"^\s*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))\s*%\s*$", expand=False)
        plain_ = num.notna().to_numpy()
        if plain_.any():
            got, st = _parse_any(pd.Series(num[plain_].to_numpy(dtype=object) + "e-2", dtype=object),
                                 pick(engine))
            read = np.zeros(rows.size, dtype=bool)
            read[plain_] = st == STATUS_NUMBER
            out[rows[read]], status[rows[read]] = got[st == STATUS_NUMBER], STATUS_NUMBER
            rows = rows[~read]
    for i in rows:
        cell = text[i]
        cleaned = clean_text(cell) if isinstance(cell, str) else ""
        if cleaned.count("%") != 1 or not cleaned.endswith("%"):
            continue
        cleaned = cleaned[:-1]
        if not cleaned or cleaned[-1] not in "0123456789." or not cleaned.isascii() or "_" in cleaned:
            continue  # no digits before the %, "inf%" / "nan%", or what parse_numbers does not read as a number
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            continue
        if value.is_finite():
            out[i], status[i] = float(value.scaleb(-2)), STATUS_NUMBER
    return status == STATUS_INVALID


_NA_TEXT = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                      "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})  # (read_csv's na_values)


def _cells(col) -> np.ndarray:
    """The cells of a column as one object array: text as str (missing as None), XLSX cells as they are."""
    text = _to_text(col)
    if text.dtype != object:
        return text.to_numpy(dtype=object, na_value=None)
    return np.asarray(col, dtype=object)  # (XLSX cells: numbers as numbers, text as text)


def _na_text(col) -> np.ndarray:
    """Where a cell's text (stripped) is one of pandas' default missing-value spellings."""
    cells = _cells(col)
    return np.fromiter((isinstance(v, str) and v.strip() in _NA_TEXT for v in cells), dtype=bool, count=len(cells))


def _mixed_ids(col, out: np.ndarray, status: np.ndarray):
    """An id column in which some ids are not numbers: an object array holding the ids that are whole numbers
    as Python ints (exactly, also beyond 2**53) and every other id as its text as written; empty cells NaN. With
    no whole-number id at all, the text column."""
    cells = _cells(col)
    ids = np.full(len(out), np.nan, dtype=object)
    number = status == STATUS_NUMBER
    with np.errstate(invalid="ignore"):
        small = number & (out == np.trunc(out)) & (np.abs(out) < 2.0 ** 53)  # (whole: exact as int64)
    small &= ~_float_may_mislead(col, out, small)  # (whole in float64, maybe not as written: checked below)
    ids[small] = out[small].astype(np.int64).astype(object)  # (Python ints)
    for i in np.flatnonzero(number & ~small & ~np.isnan(out)):  # (the word "nan" is missing, not an id)
        value = out[i]
        cell = cells[i]
        raw = cell.as_py() if hasattr(cell, "as_py") else cell
        exact = None
        if np.isfinite(value) and value == np.trunc(value):
            exact = _exact_int(raw)
        ids[i] = exact if exact is not None else (raw if isinstance(raw, str) else _cell_text(raw))
    for i in np.flatnonzero(status == STATUS_INVALID):
        ids[i] = cells[i] if isinstance(cells[i], str) else _cell_text(cells[i])
    if not any(isinstance(v, int) for v in ids):
        return pd.array(ids, dtype=_STR_DTYPE)
    return pd.array(ids, dtype=object)


def _build_frame(names: list[str], columns: list, source: str, engine, state: dict) -> pd.DataFrame:
    """The frame of the raw ``columns`` (each dropped from the list once built: a whole file's text, freed column
    by column)."""
    data = {}
    for i, name in enumerate(names):
        col, columns[i] = columns[i], None
        data[name] = _column(name, col, source, engine, state)
        del col
        if state.get("bar") is not None:  # (a whole read's bar: a column built)
            state["bar"].step()
    n = len(next(iter(data.values()))) if data else 0
    return pd.DataFrame(data, index=pd.RangeIndex(state["row0"], state["row0"] + n), copy=False)


# ----------------------------------------------------------------------------------------------------------
# reading


def _source_bytes(source) -> tuple[object, str, bool, bool]:
    """``(path or bytes, display name, is_xlsx, is_text)``; ``is_text``: a text file object, whose decoded text is
    given as UTF-8 bytes."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"no such export: {path}")
        with open(path, "rb") as fh:
            magic = fh.read(4)
        return path, str(path), path.suffix.lower() in (".xlsx", ".xlsm") or magic == b"PK\x03\x04", False
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):  # (a text file object: decoded already, in its own encoding)
            return data.encode("utf-8", errors="surrogatepass"), str(getattr(source, "name", "<stream>")), False, \
                True
    else:
        raise TypeError(f"source must be a path, bytes or a binary file object, got {type(source).__name__}")
    name = str(getattr(source, "name", "<stream>"))
    return data, name, data[:4] == b"PK\x03\x04", False


def _finish(frame: pd.DataFrame, kind: str, source: str, header: int, optimize: bool, state: dict):
    before = int(frame.memory_usage(deep=True).sum())
    after = before
    if optimize:
        frame, report = _optimize(frame)
        after = report.bytes_after
    frame.attrs["bk_fast"] = {"kind": kind, "source": source, "header_line": header, "bytes_parsed": before,
                              "bytes": after, "coerced": dict(state["coerced"])}
    return frame


def _optimize(frame):
    from bk_fast.memory import _optimized

    # numbers=False: narrowed number columns (float32, int8) would make the caller's arithmetic float32 / wrap;
    # (pyarrow's pool given its unused memory back once, when the read is done: the next chunk reuses it)
    return _optimized(frame, numbers=False)


class _NotText(Exception):
    """pyarrow found bytes that are not text in the header's encoding."""


#: bytes of the body per block of pyarrow's CSV reader (at most; see :func:`_arrow_block_size`)
_ARROW_BLOCK = 1 << 22


def _arrow_block_size(body, encoding: str, delimiter: str) -> int | None:
    """A block size for pyarrow's CSV reader, :data:`_ARROW_BLOCK` or a little less, at none of whose multiples
    a CRLF inside a quoted field is split: pyarrow drops the LF of such a CRLF whose CR ends a block
    (apache/arrow#51368); a row's CRLF split there reads right. Block ends are offsets of the body in UTF-8
    (pyarrow transcodes another ``encoding`` first). None when none of 64 sizes does (then pandas reads).

    First one byte per block is looked at (any split CRLF refuses a size); only when that refuses every size
    (a large CRLF export), the body is scanned for its quoted fields (:func:`_quoted_splits`)."""
    sizes = list(range(_ARROW_BLOCK, max(_ARROW_BLOCK - 64, 1), -1))
    if codecs.lookup(encoding).name == "utf-8":
        data = np.frombuffer(body, dtype=np.uint8)
        for size in sizes:
            ends = np.arange(size, data.shape[0], size)
            if not ((data[ends - 1] == ord("\r")) & (data[ends] == ord("\n"))).any():
                return size
    bad = _quoted_splits(body, encoding, delimiter, sizes)
    return next((size for size, refused in zip(sizes, bad) if not refused), None)


#: bytes of the body per piece scanned by :func:`_quoted_splits`
_SCAN_PIECE = 1 << 22


def _quoted_splits(body, encoding: str, delimiter: str, sizes: list[int]) -> list[bool]:
    """For each block size, whether one of its multiples (offsets of the body in UTF-8) splits a CRLF that may
    lie inside a quoted field. Reads the body in pieces (transcoded to UTF-8 unless it is UTF-8 already),
    vectorised: a byte lies inside a quoted field when an odd number of quotes precede it. That count is the
    parser's state (pyarrow's: a quote opens a field only at a field's start, ``""`` inside one is a quote, a
    single quote closes it) up to the first run of an odd number of quotes outside a quoted field and not at a
    field's start (a literal ``30"`` inch mark); from there on, any split CRLF counts."""
    quote, cr, lf = ord('"'), ord("\r"), ord("\n")
    delim = ord(delimiter)
    steps = np.asarray(sizes, dtype=np.int64)
    bad = np.zeros(len(sizes), dtype=bool)
    raw = np.frombuffer(body, dtype=np.uint8)
    decoder = None if codecs.lookup(encoding).name == "utf-8" else codecs.getincrementaldecoder(encoding)()
    base, prev, count, trusted = 0, lf, 0, True  # prev: the byte before the piece (the body starts a line)
    run = None  # (start, quotes before it, byte before it) of a run of quotes not ended at the last piece's end
    for at in range(0, max(raw.shape[0], 1), _SCAN_PIECE):
        piece = raw[at:at + _SCAN_PIECE]
        last = at + _SCAN_PIECE >= raw.shape[0]
        if decoder is not None:
            piece = np.frombuffer(decoder.decode(piece.tobytes(), last).encode("utf-8"), dtype=np.uint8)
        n = piece.shape[0]
        if not n and not last:  # (a piece of part of one character)
            continue
        before = np.concatenate((np.asarray([prev], dtype=np.uint8), piece[:-1]))[:n]
        limit = None
        if trusted:
            # the runs of quotes: where each starts (the quotes before it, the byte before it) and ends; a run
            # at the piece's end may go on into the next piece
            qs = np.flatnonzero(piece == quote)
            first = np.flatnonzero(before[qs] != quote)  # (indices into qs: the quotes before each in the piece)
            after = piece[np.minimum(qs + 1, n - 1)]
            ended = qs[((qs + 1 < n) & (after != quote)) | (last & (qs == n - 1))] + base
            run_starts, run_before, run_prev = qs[first] + base, first + count, before[qs[first]]
            if run is not None:
                run_starts, run_before, run_prev = (np.concatenate(([v], w)) for v, w in
                                                    zip(run, (run_starts, run_before, run_prev)))
                if not (qs.size and qs[0] == 0):  # (it ended at the last piece's end)
                    ended = np.concatenate(([base - 1], ended))
            m = ended.shape[0]
            run = (run_starts[m], run_before[m], run_prev[m]) if run_starts.shape[0] > m else None
            odd = (ended + 1 - run_starts[:m]) % 2 == 1
            at_start = (run_prev[:m] == delim) | (run_prev[:m] == cr) | (run_prev[:m] == lf)
            literal = odd & (run_before[:m] % 2 == 0) & ~at_start
            hit = np.flatnonzero(literal)
            limit = int(run_starts[hit[0]]) if hit.size else None
        for j in np.flatnonzero(~bad):  # the multiples of each size in this piece that split a CRLF
            ends = np.arange(-(-max(base, 1) // steps[j]) * steps[j], base + n, steps[j]) - base
            if not ends.size:
                continue
            split = ends[(piece[ends] == lf) & (before[ends] == cr)]
            if not split.size:
                continue
            if not trusted or (limit is not None and split[-1] + base >= limit):
                bad[j] = True
            else:
                bad[j] = bool((np.searchsorted(qs, split) % 2 != count % 2).any()) if qs.size else count % 2 == 1
        if trusted:
            count += qs.size
            trusted = limit is None
        if n:
            prev = piece[-1]
        base += n
        if bad.all():
            break
    return bad.tolist()


def _read_csv_arrow(buf, header: _Header, chunksize, progress, build, peek, block: int):
    names = header.names
    read = pa_csv.ReadOptions(column_names=[f"c{i}" for i in range(len(names))], encoding=header.encoding,
                              block_size=block)
    parse = pa_csv.ParseOptions(delimiter=header.delimiter, newlines_in_values=True)
    convert = pa_csv.ConvertOptions(column_types={f"c{i}": pa.string() for i in range(len(names))},
                                    strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""])
    if chunksize is None:
        table = pa_csv.read_csv(pa.BufferReader(buf.slice(header.offset)), read_options=read, parse_options=parse,
                                convert_options=convert)
        columns = [table.column(i) for i in range(len(names))]
        del table  # (each raw column freed once built: _build_frame)
        yield build(columns)
        return
    # a file is read through a stream: from a map, every page read would stay resident to the end (the RSS of a
    # chunked read would grow with the file)
    with pa.OSFile(os.fsencode(buf)) if isinstance(buf, Path) else pa.BufferReader(buf) as stream:
        stream.seek(header.offset)
        reader = pa_csv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
        pending: list = []
        rows = 0
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            peek([batch.column(i) for i in range(len(names))])  # (the unknown columns' kinds, ahead of the chunks)
            progress.update_to(stream.tell())
            while rows >= chunksize:
                table = pa.Table.from_batches(pending, schema=reader.schema)
                head, rest = table.slice(0, chunksize), table.slice(chunksize)
                yield build([head.column(i) for i in range(len(names))])
                pending, rows = rest.to_batches(), rest.num_rows
        if rows:
            table = pa.Table.from_batches(pending, schema=reader.schema)
            yield build([table.column(i) for i in range(len(names))])


def _read_csv_pandas(raw_or_path, header: _Header, chunksize, progress, build, skip: int = 0):
    """pandas' reader; chunked, the first ``skip`` data rows (a multiple of ``chunksize``: those yielded already,
    by pyarrow's reader before it failed) are read and not built again. (No look-ahead of the unknown columns:
    it reads one chunk at a time, so the rows ahead are the chunk itself, which ``build`` types.)"""
    import io as _io

    names = header.names
    if isinstance(raw_or_path, Path):
        fh = open(raw_or_path, "rb")
    else:
        fh = _io.BytesIO(raw_or_path)
    try:
        fh.seek(header.offset)
        text = _io.TextIOWrapper(fh, encoding=header.encoding, newline="")
        opts = dict(header=None, names=[f"c{i}" for i in range(len(names))], dtype=object, keep_default_na=False,
                    na_values=[""], skip_blank_lines=True, sep=header.delimiter)
        if chunksize is None:
            frame = pd.read_csv(text, **opts)
            yield build([frame.iloc[:, i].to_numpy(dtype=object) for i in range(len(names))])
            return
        for frame in pd.read_csv(text, chunksize=chunksize, **opts):
            progress.update_to(fh.tell())
            if skip:
                frame, skip = frame.iloc[skip:], max(skip - len(frame), 0)
            if not len(frame):  # only blank lines below the header: no chunk (as pyarrow's reader gives)
                continue
            yield build([frame.iloc[:, i].to_numpy(dtype=object) for i in range(len(names))])
    finally:
        fh.close()


_LINE_BLOCK = 1 << 22  # bytes per read of _file_line


def _file_line(raw_or_path, header: _Header, n: int) -> int:
    """The file's line (1-based) of pandas' ``line n`` of the body below the header: pandas counts the line breaks
    outside quoted fields only, so each one inside a quoted field (a note spanning lines) before it adds one.
    As pandas' tokenizer, a quote opens a quoted field only at the start of a field (``30" cotton`` holds a
    literal inch mark), and ``""`` inside one is a quote. Reads the body in blocks; only the quotes cost Python
    (an error path: only when a row is bad)."""
    import io as _io

    fh = open(raw_or_path, "rb") if isinstance(raw_or_path, Path) else _io.BytesIO(raw_or_path)
    inside_breaks, outside_breaks = 0, 0
    state, open_at, last_q = 0, -1, -1  # state 0: outside; 1: in a quoted field; 2: at a quote in one (a close?)
    prev, base = ord("\n"), 0  # (the byte before the body: a line start)
    field_start = (ord(header.delimiter), ord("\n"), ord("\r"))
    try:
        fh.seek(header.offset)
        while outside_breaks < n - 1:
            data = fh.read(_LINE_BLOCK)
            if not data:
                break
            block = np.frombuffer(data, dtype=np.uint8)
            opens, closes = ([open_at] if state else []), []  # the quoted spans of this block (absolute offsets)
            for q in np.flatnonzero(block == ord('"')).tolist():
                if state == 1:  # a closing quote, or the first of ""
                    state, last_q = 2, base + q
                    continue
                if state == 2:
                    if base + q == last_q + 1:  # "": a quote inside the field
                        state = 1
                        continue
                    closes.append(last_q)  # the field closed at last_q; this quote is outside
                    state = 0
                if (data[q - 1] if q else prev) in field_start:  # (elsewhere a quote outside is a character)
                    state, open_at = 1, base + q
                    opens.append(open_at)
            if state == 2 and last_q < base + len(data) - 1:  # followed by no quote: it closed the field
                closes.append(last_q)
                state = 0
            if len(closes) < len(opens):  # (still open at the block's end)
                closes.append(np.iinfo(np.int64).max)
            breaks = np.flatnonzero(block == ord("\n")) + base
            span = np.searchsorted(np.asarray(opens, dtype=np.int64), breaks) - 1
            inside = (span >= 0) & (breaks < np.asarray(closes, dtype=np.int64)[np.maximum(span, 0)]) \
                if opens else np.zeros(breaks.size, dtype=bool)
            outside_at = np.flatnonzero(~inside)
            need = n - 1 - outside_breaks
            if outside_at.size >= need:  # pandas' line n starts after this block's need-th outside break
                inside_breaks += int(inside[:outside_at[need - 1]].sum())
                break
            inside_breaks += int(inside.sum())
            outside_breaks += int(outside_at.size)
            prev, base = data[-1], base + len(data)
    finally:
        fh.close()
    return n + header.line + header.breaks + 1 + inside_breaks


class NoXlsxReader(ImportError):
    """An XLSX export met without openpyxl installed (an ImportError; :func:`read_exports` skips such files)."""


def _xlsx_cells(src, name: str) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise NoXlsxReader(f"{name}: reading XLSX exports needs openpyxl: `pip install 'bk_fast[xlsx]'`") from None
    return pd.read_excel(src if isinstance(src, Path) else __import__("io").BytesIO(src), header=None,
                         dtype=object, engine="openpyxl")


def read_erp(source, kind: str | None = None, *, chunksize: int | None = None, engine: str | None = None,
             optimize: bool = True, encoding: str | None = None, progress: bool | None = None,
             delimiter: str | None = None):
    """Read one of the ERP's exports (CSV or XLSX) into a clean, compact frame.

    - finds the header below any junk lines (among the first 50 lines, the first whose filled cells are mostly
      known ERP column names, else the one naming the most) and strips the UTF-8 byte-order mark;
    - reads comma- or tab-separated text (detected from the header) in UTF-8, cp1252, or UTF-16 / UTF-32 with
      a byte-order mark (Excel's "Save as Unicode Text": tab-separated UTF-16, transcoded in memory), and
      UTF-16 without one (SQL Server's ``bcp -w``: a NUL in every other byte);
    - renames columns to one canonical spelling (``Style #`` -> ``Style#``, ``MACH`` -> ``Machine``,
      ``Planning_Balance`` -> ``Planning Balance``: the alias table of ``bk_fast._columns``); other columns
      keep their (stripped) header; duplicates get ``.1``, ``.2``... (as ``pandas.read_csv`` names them: past the
      names the header holds, so ``Notes, Notes, Notes.1`` gives ``Notes, Notes.2, Notes.1``); a quoted header
      cell may hold a line break (Excel's Alt+Enter);
    - detects the kind of export from the header (or checks the one given);
    - parses numbers with :func:`parse_numbers` (money, thousands commas, ``(x)`` negatives): known number columns
      always (``"45%"`` is 0.45; text that is not a number becomes NaN, with a warning naming the column and row),
      unknown columns when every value is a number; in the known number columns commas must be thousands groups
      (:data:`BAD_COMMA`: each after one to three digits or a group, followed by exactly three digits, none after
      the decimal point): a decimal comma (``"1.234,56"``) or ``"1,2,3"`` is text that is no number (NaN, warned
      and counted), not the 1.23456 or 123 that dropping the commas, as :func:`parse_numbers` and the ERP do,
      would read; id columns (``Desc#``, ``Machine``) are int64 when none is
      empty, and ids of 2**53 or more are read exactly (int64, or Int64 when some are empty); an id is whole
      when its value as written is (``18767.0000000000000001`` is not, though its float64 is); an id column
      holding an id that is no number (``"Y-100"``), one int64 cannot hold (beyond int64, ``inf``), a fraction
      float64 reads as a whole number, or a fraction beside an id of 2**53 or more (which float64 would round)
      is an object column of the whole-number ids as ints and the others as their text (a fraction among ids
      below 2**53: float64); in ``Machine`` text is a number only when it is a whole number once stripped
      (``"101"``, ``" 101.0 "``; the reading of :func:`bk_fast.erp.schedule_knit_orders`), other text a machine
      name kept as written (``"1E2"``, ``"(101)"``, ``"$101"``, ``"101.5"``: no amounts, unlike in ``Desc#``);
      text columns (styles, orders, suppliers...) stay text exactly as written (leading
      spaces included);
    - reads dates in the ERP's formats (``MM/DD/YYYY`` first; each value in the first format that reads it,
      surrounding spaces stripped; blank is missing) as datetime64[ns] (datetime64[us] when a date is beyond
      2262, such as the placeholder 12/31/9999; read in chunks, datetime64[us] in every chunk, so that the
      chunks concatenate). The known date columns (``Start Date``, ``Quoted Date``, ``Ship Date``) are dates
      always, whole or in chunks: a value in none of the formats becomes NaT, with a warning naming the column
      and the first such row, and is counted in ``attrs["bk_fast"]["coerced"]`` (as text in a number column
      becomes NaN; so a column holding no date at all is all NaT). Other columns whose name contains "date"
      become dates only when every value filled in reads as one (none filled in: NaT), else they are read as
      any other column;
    - applies :func:`bk_fast.optimize_memory` with ``numbers=False`` unless ``optimize=False``: repeated text
      becomes ``category`` (other text is ``str``: compact, Arrow-backed, with pyarrow; Python strings, no
      smaller than ``object``, without it); number columns keep the dtype they are read in (float64, int64, or
      the Int64 / object forms above), so arithmetic on them is float64 / int64, as on the export read with
      ``optimize=False``. For the narrower (exact) float32 / small-int columns, with arithmetic in those
      dtypes, call ``bk_fast.optimize_memory(frame)`` yourself;
    - gives back what pyarrow's memory pool (mimalloc / jemalloc) keeps of the freed reading buffers
      (``pyarrow.default_memory_pool().release_unused()``, once the frame is built or the last chunk read;
      a few ms at most): without it the text of the whole file stayed resident after the read, 2-5x the frame.

    Parameters
    ----------
    source : str, os.PathLike, bytes, or binary or text file object
        The export. XLSX is recognised by its extension or content (needs the ``xlsx`` extra, openpyxl).
    kind : str, optional
        One of :data:`KINDS` (``"yarn_inventory"``, ``"bom"``, ``"knit_orders"``, ...); detected when None.
    chunksize : int, optional
        Yield frames of at most this many rows instead of one frame (for files larger than memory; no frame
        for an export with a header and no data rows, where ``chunksize=None`` gives one empty frame); each
        chunk is parsed and optimised on its own (so dtypes can differ between chunks: an id column int64 in one
        and float64 in one with an empty id, text ``category`` with different categories; dates are
        datetime64[us] in every chunk); the index runs on across chunks. A progress bar shows on a terminal
        (``progress``). A file is read as a stream (not memory-mapped), so the resident memory does not grow
        with its size.
        A column of no known kind is typed from the rows read so far (pyarrow reads 4 MiB blocks: the rest of
        the chunk's block too; an XLSX: the whole sheet) and keeps the widest reading found: once text (a value
        that is no number), text in every later chunk. Its chunks hold the whole read's values unless its
        first text lies beyond that: the chunks before it then hold numbers (or dates) where the whole read
        holds the text as written (``"007"``: 7.0). A row pyarrow cannot read (too few fields) is read on by
        pandas from the first row not yielded.
        An id column is float64 in a chunk whose ids are all below 2**53 and some empty (or all empty), as
        in a whole read: ``pd.concat`` of such a chunk with one holding ids of 2**53 or more (int64 / Int64)
        would round those through float64; where ids get that big, ``.astype("Int64")`` the id columns of
        each chunk before concatenating.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Engine of the number-parsing kernel.
    optimize : bool, default True
        Apply :func:`bk_fast.optimize_memory` with ``numbers=False`` (text to ``category`` / ``str``; numbers
        as read).
    encoding : str, optional
        Text encoding; default UTF-8 (with or without BOM), UTF-16 / UTF-32 when the file starts with their
        byte-order mark, cp1252 when the first lines are not UTF-8. Not applied to a text file object (opened
        without ``"b"``), whose text is decoded already.
    progress : bool, optional
        Progress bar on stderr (tqdm when installed): True draws it (anywhere), False never. None (the
        default): a chunked read draws it when stderr is a terminal, a whole read does not; the environment
        variable ``BK_FAST_PROGRESS=1`` turns the default on (also for whole reads), ``0`` off (another value is
        a ValueError). 1 / 0 are taken as True / False. A chunked read's bar counts the bytes read (an XLSX:
        rows), a whole read's the text parsed, then the columns built.
    delimiter : str, optional
        The field separator, one character; default: comma or tab, whichever makes a line of the first lines
        name the most known ERP columns. A header separated by semicolons is refused unless given here: such
        exports come from locales that write decimal commas (``1.200,50``), which the number cleaning would
        misread (it drops thousands commas; in a number column such a cell is NaN, with a warning).

    Returns
    -------
    DataFrame, or an iterator of DataFrames with ``chunksize``. ``frame.attrs["bk_fast"]`` holds the kind,
    source, header line, bytes before / after optimising and the count of values coerced per column (text in
    a number column read as NaN, values of a known date column in no date format read as NaT).

    Raises
    ------
    ValueError
        Unknown kind, no header, or required columns missing: the message names the file, the columns found
        and the columns expected.

    Examples
    --------
    >>> import bk_fast
    >>> text = b'\\xef\\xbb\\xbfYarn report 09/01/2025\\nDesc #,Description,Planning_Balance,Cost/Pound\\n' \\
    ...        b'18767,"1/150/34 Polyester","1,200.00",$2.41 \\n18929,Nylon,(2183.40),$0.00 \\n'
    >>> df = bk_fast.io.read_erp(text)
    >>> df.attrs["bk_fast"]["kind"]
    'yarn_inventory'
    >>> df
       Desc#         Description  Planning Balance  Cost/Pound
    0  18767  1/150/34 Polyester            1200.0        2.41
    1  18929               Nylon           -2183.4        0.00
    """
    if chunksize is not None and (not isinstance(chunksize, (int, np.integer)) or chunksize < 1):
        raise ValueError(f"chunksize must be a positive integer or None, got {chunksize!r}")
    _check_delimiter(delimiter)
    progress = _check_progress(progress)  # (here, not where the bar is made: a header-only file makes none)
    engine = pick(engine)
    src, name, is_xlsx, is_text = _source_bytes(source)
    if is_text:  # its text is decoded already: ``encoding`` applied to it would decode it twice ('CafÃ©')
        encoding = "utf-8"
    if is_xlsx:
        cells = _xlsx_cells(src, name)
        head = cells.head(_HEADER_SCAN_LINES).astype(str).where(cells.head(_HEADER_SCAN_LINES).notna(), "")
        rows = head.values.tolist()
        idx = _pick_header(rows, kind, name)
        names = _dedupe([_clean_name(c, j) for j, c in enumerate(rows[idx])])
        kind = detect_kind(names, source=name) if kind is None else kind
        _check_kind(kind, names, name)
        body = cells.iloc[idx + 1:].dropna(how="all").reset_index(drop=True)
        state = {"coerced": {}, "row0": 0, "unit": None if chunksize is None else "us", "wide": {}}
        if chunksize is not None:  # (the unknown columns' kinds from the whole sheet: the whole read's values)
            for col_name, i in zip(names, range(body.shape[1])):
                if _role(col_name) is None:
                    _unknown_column(col_name, body.iloc[:, i].to_numpy(dtype=object), engine, state)

        def frames():
            step = chunksize or max(len(body), 1)
            # a header and no data: one empty frame, or no chunk at all when chunked (as for a CSV)
            stop = len(body) if chunksize is not None else max(len(body), 1)
            # chunked: rows yielded; whole: columns built (only when asked: progress=True or BK_FAST_PROGRESS=1)
            bar = Bar(stop if chunksize is not None else len(names), Path(name).name, progress=progress,
                      terminal=chunksize is not None, percent=True)
            if chunksize is None:
                state["bar"] = bar
            try:
                for start in range(0, stop, step):
                    part = body.iloc[start:start + step]
                    state["row0"] = start
                    cols = [part.iloc[:, i].to_numpy(dtype=object) for i in range(len(names))]
                    yield _finish(_build_frame(names, cols, name, engine, state), kind, name, idx, optimize, state)
                    if chunksize is not None:
                        bar.update_to(start + len(part))
            finally:
                bar.close()

        gen = frames()
        return gen if chunksize is not None else _closed(next(gen), gen)

    src, encoding = _wide_text(src, name, encoding)
    if isinstance(src, Path):
        total = src.stat().st_size
        with open(src, "rb") as fh:
            sample = fh.read(1 << 16)
    else:
        total = len(src)
        sample = src[: 1 << 16]
    header = _csv_header(sample, kind, name, encoding, delimiter)
    if encoding is not None:
        header.encoding = encoding
    kind = detect_kind(header.names, source=name) if kind is None else kind
    _check_kind(kind, header.names, name)
    state = {"coerced": {}, "row0": 0, "built": 0, "unit": None if chunksize is None else "us", "wide": {}}
    bar = None

    def build(columns):
        if bar is not None and chunksize is None:  # a whole read's bar: the text parsed (half), each column built
            bar.update_to(len(header.names), "columns")
            state["bar"] = bar
        frame = _build_frame(header.names, columns, name, engine, state)
        if chunksize is None:  # the raw text read is freed: give it back before optimize_memory's work
            release_arrow_memory()
        state["row0"] += len(frame)
        state["built"] += 1
        return _finish(frame, kind, name, header.line, optimize, state)

    def peek(columns):  # chunked: what the unknown columns hold in the rows read (:func:`_unknown_column`)
        for col_name, col in zip(header.names, columns):
            if _role(col_name) is None and state["wide"].get(col_name) != "text":
                _unknown_column(col_name, col, engine, state)

    def body():
        skip = 0
        buf = None
        if _HAVE_PYARROW:
            # (the path as bytes: a name that is not valid UTF-8, held with surrogate escapes, is no str pyarrow
            # can encode)
            buf = pa.memory_map(os.fsencode(src)).read_buffer() if isinstance(src, Path) else pa.py_buffer(src)
            block = _arrow_block_size(buf.slice(header.offset), header.encoding, header.delimiter)
            if block is None:
                _warn(f"{name}: line breaks inside quoted fields fall at the ends of pyarrow's blocks for "
                      f"every block size tried (apache/arrow#51368); reading with pandas (slower)")
        if buf is not None and block is not None:
            if chunksize is not None and isinstance(src, Path):
                buf = src  # (chunked, the file is read through a stream: the map is dropped)
            try:
                yield from _read_csv_arrow(buf, header, chunksize, bar, build, peek, block)
                return
            except pa.ArrowInvalid as exc:
                if "UTF8" in str(exc) or "UTF-8" in str(exc):
                    raise _NotText(str(exc)) from exc
                skip = state["row0"]  # (chunked: the rows yielded; pandas reads on from the next one)
                _warn(f"{name}: pyarrow could not parse the file ({exc}); reading with pandas"
                      + (f" from data row {skip}" if skip else ""))
        try:
            yield from _read_csv_pandas(src, header, chunksize, bar, build, skip)
        except pd.errors.ParserError as exc:
            # pandas counts lines from the first data line: name the line of the file
            text = re.sub(r"\bline (\d+)\b", lambda m: f"line {_file_line(src, header, int(m[1]))} of the file",
                          str(exc).strip())
            raise ValueError(f"{name}: {text}") from exc

    def frames():
        nonlocal bar
        if total <= len(sample) and not sample[header.offset:].strip():  # a header and no data
            if chunksize is None:
                yield build([np.empty(0, dtype=object) for _ in header.names])
            return
        # chunked: bytes read; a whole read: the text parsed, then its columns built (a whole read draws its bar
        # only when asked, progress=True or BK_FAST_PROGRESS=1: not on every short read at a terminal)
        bar = Bar(total if chunksize is not None else 2 * len(header.names), Path(name).name, progress=progress,
                  terminal=chunksize is not None, unit="B" if chunksize is not None else "", percent=True)
        if chunksize is None:
            bar.update_to(0, "parsing")
        try:
            try:
                yield from body()
            except (UnicodeDecodeError, _NotText) as exc:
                # the first 64 KiB were UTF-8, a later line is not: an auto-detected encoding is retried as
                # cp1252 (a Windows export with one accented name deep in the file) while nothing is yielded
                cause = exc.__cause__ or exc
                if encoding is not None or header.encoding != "utf-8" or state["built"]:
                    raise ValueError(f"{name}: not valid {header.encoding} text ({cause}); pass the export's "
                                     f"encoding, e.g. encoding='cp1252'") from cause
                _warn(f"{name}: not UTF-8 beyond its first lines ({cause}); reading it as cp1252")
                header.encoding = "cp1252"
                state["coerced"].clear()
                state["wide"].clear()
                try:
                    yield from body()
                except (UnicodeDecodeError, _NotText) as again:
                    cause = again.__cause__ or again
                    raise ValueError(f"{name}: neither UTF-8 nor cp1252 text ({cause}); pass the export's "
                                     f"encoding") from cause
        finally:
            bar.update_to(bar.total)
            bar.close()
            if chunksize is not None:  # (a whole read: _closed, once its frame is out)
                release_arrow_memory()

    gen = frames()
    return gen if chunksize is not None else _closed(next(gen), gen)


def _closed(frame, frames):
    """``frame``, the first of the generator ``frames``, after closing ``frames`` (which drops the reader's Arrow
    table) and trimming pyarrow's pool (:func:`bk_fast._arrow_text.release_arrow_memory`)."""
    frames.close()
    release_arrow_memory()
    return frame


def read_exports(folder, *, engine: str | None = None, optimize: bool = True,
                 delimiter: str | None = None) -> dict[str, pd.DataFrame]:
    """Read every ERP export (``*.csv``, ``*.tsv``, ``*.txt``, ``*.xlsx``) in ``folder``, keyed by detected kind.

    Files whose kind cannot be detected or that cannot be read (an XLSX without openpyxl installed, a file
    without read permission) are skipped with a warning naming the file and why, as are entries named like an
    export that are no regular file (a sub-folder ``old.csv``, a dangling symlink, a FIFO); two files of one
    kind -> ValueError.
    ``delimiter``: the text exports' field separator, as :func:`read_erp` takes it (default: detected; a
    folder of semicolon-separated exports needs ``delimiter=";"``).
    ``optimize``: as :func:`read_erp` (text to ``category`` / ``str``; number columns stay float64 / int64).

    Examples
    --------
    >>> import tempfile, bk_fast
    >>> mill = bk_fast.datasets.make_mill(scale=0.01, seed=1)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = bk_fast.datasets.write_exports(mill, tmp)
    ...     frames = bk_fast.io.read_exports(tmp)
    >>> sorted(frames) == sorted(mill)
    True
    """
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path (str or os.PathLike), got {type(folder).__name__}")
    folder = Path(folder)
    if not folder.is_dir():
        if folder.is_file():
            raise NotADirectoryError(f"{folder} is a file, not a folder of exports (read one export with "
                                     f"bk_fast.io.read_erp)")
        raise FileNotFoundError(f"no such folder: {folder}")
    found: dict[str, pd.DataFrame] = {}
    where: dict[str, Path] = {}
    _check_delimiter(delimiter)  # (once: a bad one would skip every file with a warning)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in EXPORT_SUFFIXES or path.name.startswith("~$"):
            continue
        if not path.is_file():  # (a FIFO would block the read)
            what = ("a folder" if path.is_dir() else "a symlink to nothing" if not path.exists()
                    else "not a regular file")
            warnings.warn(f"skipped {path.name}: {what}, not an export file", stacklevel=2)
            continue
        try:
            frame = read_erp(path, engine=engine, optimize=optimize, delimiter=delimiter)
        except ValueError as exc:
            warnings.warn(f"skipped {path.name}: {exc}", stacklevel=2)
            continue
        except OSError as exc:  # (no read permission, removed meanwhile...: this file, not the folder)
            warnings.warn(f"skipped {path.name}: cannot be read ({exc.strerror or exc})", stacklevel=2)
            continue
        except NoXlsxReader as exc:  # (skipped as an unreadable CSV is; any other ImportError, e.g. an engine
            # that is not installed, is the caller's to see)
            warnings.warn(f"skipped {path.name}: {str(exc).replace(f'{path}: ', '')}", stacklevel=2)
            continue
        kind = frame.attrs["bk_fast"]["kind"]
        if kind in found:
            raise ValueError(f"{folder}: two {kind} exports: {where[kind].name} and {path.name}")
        found[kind], where[kind] = frame, path
    return found


def read_mill(folder, *, engine: str | None = None, optimize: bool = False,
              delimiter: str | None = None) -> dict[str, pd.DataFrame]:
    """Real exports as a mill: :func:`read_exports` (``delimiter`` as there) with the columns spelled as
    :func:`bk_fast.datasets.make_mill` spells them (``Style #`` on knit orders, ``MACH`` on machines...), so
    code written against the synthetic mill (``bk-fast demo --from FOLDER``) runs on the real thing.
    Plain dtypes by default (``optimize=False``). The id columns ``make_mill`` holds as float64 (``Machine`` of
    the knit orders, NaN = unassigned; ``Desc#`` of the BOM, whose export ends in empty rows) are float64 here
    too, also where every cell is filled (which :func:`read_erp` reads as int64), when every id is below 2**53.

    Examples
    --------
    >>> import tempfile, bk_fast
    >>> mill = bk_fast.datasets.make_mill(scale=0.01, seed=1)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = bk_fast.datasets.write_exports(mill, tmp)
    ...     again = bk_fast.io.read_mill(tmp)
    >>> all(list(again[k].columns) == list(mill[k].columns) for k in mill)
    True
    """
    from bk_fast.datasets import COLUMNS

    frames = read_exports(folder, engine=engine, optimize=optimize, delimiter=delimiter)
    for kind, frame in frames.items():
        spelled = {canonical(c) or c: c for c in COLUMNS.get(kind, ())}
        frame = frame.rename(columns=lambda c: spelled.get(c, c))
        for col in _MILL_FLOAT_IDS.get(kind, ()):
            ids = frame[col] if col in frame.columns and frame.columns.is_unique else None
            top = ids.abs().max() if ids is not None and ids.dtype.kind in "iu" and len(ids) else None
            if ids is not None and ids.dtype.kind in "iu" and (top is None or pd.isna(top) or int(top) < 2 ** 53):
                frame = frame.assign(**{col: ids.astype(np.float64)})  # (exact: whole numbers below 2**53)
        frames[kind] = frame
    return frames


#: id columns that make_mill holds as float64 (as the ERP's exports read with empty cells), per kind
_MILL_FLOAT_IDS = {"knit_orders": ("Machine",), "bom": ("Desc#",)}


#: text of at most this many bytes holds at most 15 significant digits, which float64 keeps apart from every whole
#: number: such text reads as a whole float64 only when it is a whole number (or when it reads as 0: "1e-400")
_SHORT_NUMBER_BYTES = 15
#: characters before the first significant digit (spaces, currency, signs, thousands commas, leading zeros) and
#: after the last one (spaces, a closing parenthesis), not counted in that length: ids padded or zero-filled to
#: 16 characters or more ("0000000000018767") would otherwise each be checked in Python
#: (ASCII: NumPy 2.4's np.strings.lstrip of StringDType ignores the characters after a non-ASCII one in its
#: ``chars``; a no-break space is added where the stripping is arrow's or Python's own)
_LEAD_JUNK = " \t\n\r\x0b\x0c$,()+-0"
_TRAIL_JUNK = " \t\n\r\x0b\x0c)"


def _float_may_mislead(col, out: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """The rows of ``cand`` (cells whose float64 ``out`` is a whole number below 2**53) whose own value may be no
    whole number, to be checked exactly (:func:`_exact_int`): text of more than 15 bytes or characters from its
    first significant character to its last (:data:`_LEAD_JUNK` / :data:`_TRAIL_JUNK` not counted; more digits
    than float64 holds: ``"18767.0000000000000001"``, ``"4503599627370497.5"``), text reading as 0 that is no
    plain zero (an exponent that underflows: ``"1e-400"``; ``"0"``, ``"0.00"`` are exact) and numbers other than
    ints and floats (``Decimal``). Numeric columns, ints and floats are exactly their float64. Text is measured in
    bulk: only the flagged rows cost Python."""
    if not cand.any():
        return cand
    if isinstance(col, (pd.Series, pd.Index)):
        col = col.array
    dtype = getattr(col, "dtype", None)
    if getattr(dtype, "kind", "O") in "fiub" and not isinstance(dtype, pd.CategoricalDtype):
        return np.zeros(out.shape[0], dtype=bool)
    pa_col = None
    if _HAVE_PYARROW:
        pa_col = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else getattr(col, "_pa_array", None)
        if pa_col is not None and not (pa.types.is_string(pa_col.type) or pa.types.is_large_string(pa_col.type)):
            pa_col = None
    if pa_col is not None:  # (whole-column arrow and NumPy operations: a few ms for a million rows)
        import pyarrow.compute as pc

        core = pc.utf8_rtrim(pc.utf8_ltrim(pa_col, characters=_LEAD_JUNK + "\xa0"),
                             characters=_TRAIL_JUNK + "\xa0")
        lengths = np.asarray(pc.fill_null(pc.binary_length(core), 0))
        zero = cand & (out == 0)
        if zero.any():  # (a zero not plain: its core has more than zeros and points)
            zero &= np.asarray(pc.fill_null(pc.binary_length(pc.utf8_ltrim(core, characters="0.")), 0)) > 0
        return cand & ((lengths > _SHORT_NUMBER_BYTES) | zero)
    idx = np.flatnonzero(cand)
    cells = np.asarray(col, dtype=object)
    cells = cells if idx.size == cells.shape[0] else cells[idx]
    zero = out[idx] == 0
    try:  # (text only: its length in characters, in NumPy's string functions)
        text = np.asarray(cells, dtype=np.dtypes.StringDType(coerce=False))
        core = np.strings.rstrip(np.strings.lstrip(text, _LEAD_JUNK), _TRAIL_JUNK)
        lengths = np.strings.str_len(core)
        if zero.any():  # (a zero not plain: its core has more than zeros and points)
            zero &= np.strings.str_len(np.strings.lstrip(core, "0.")) > 0
    except (TypeError, ValueError):  # numbers among the text (XLSX cells, object columns): other than int / float
        lead, trail = _LEAD_JUNK + "\xa0", _TRAIL_JUNK + "\xa0"
        cores = [v.lstrip(lead).rstrip(trail) if isinstance(v, str) else
                 "" if isinstance(v, (int, float, np.integer, np.floating)) else None for v in cells]
        lengths = np.fromiter((_SHORT_NUMBER_BYTES + 1 if v is None else len(v) for v in cores), dtype=np.int64,
                              count=idx.size)
        zero &= np.fromiter((v is None or v.lstrip("0.") != "" for v in cores), dtype=bool, count=idx.size)
    flag = np.zeros(out.shape[0], dtype=bool)
    flag[idx] = (lengths > _SHORT_NUMBER_BYTES) | zero
    return flag


def _exact_int(value) -> int | None:
    """The integer a whole-number id beyond 2**53 stands for, exactly (its float64 is rounded), or None when it
    is not a whole number or lies beyond int64."""
    if isinstance(value, (int, np.integer)):
        n = int(value)
    elif isinstance(value, str) and len(value) < 40 and (plain := value.strip()).isascii() and plain.isdigit():
        n = int(plain)  # (plain digits, the common id: what the cleaning and Decimal below give, ~7x faster)
    elif isinstance(value, Fraction):
        if value.denominator != 1:
            return None
        n = int(value)
    else:
        try:
            d = Decimal(clean_text(value) if isinstance(value, str) else
                        value if isinstance(value, Decimal) else float(value))
        except (InvalidOperation, TypeError, ValueError):
            return None
        if not d.is_finite() or d != d.to_integral_value():
            return None
        n = int(d)
    return n if -2 ** 63 <= n < 2 ** 63 else None


def normalize_ids(series, kind: str = "yarn", *, engine: str | None = None):
    """Canonical spelling of yarn or style ids, for matching across exports.

    - ``kind="yarn"``: surrounding spaces stripped, upper case; ids that are whole numbers (``"18767"``,
      ``" 18767 "``, ``"18767.0"``, ``18767.0``) become that number, exactly (also beyond 2**53; ids beyond
      int64 stay text); whole as written, not as float64 reads it (``"18767.0000000000000001"`` and ``"1e-400"``
      are fractions, kept as text). Returns an ``Int64`` Series when every present id is a whole number, else a
      ``str`` Series (whole numbers written without ``.0``).
    - ``kind="style"``: stripped, upper case, inner runs of spaces collapsed to one; returns a DataFrame with
      ``style`` (the canonical text), ``base`` (before the first ``/``) and ``version`` (after it; missing when
      there is no ``/``): ``"FF 10006/0001"`` -> ``FF 10006``, ``0001``.

    Stripping, upper case and white space follow Python's ``str`` rules (``str.strip``, ``str.upper``, ``\\s``
    of ``re``) whether or not pyarrow is installed: ``"straße"`` -> ``STRASSE``, ``"ﬁx-1"`` -> ``FIX-1``, so ids
    normalised on two installs join. Missing values stay missing. The input is not modified; the index is kept.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> bk_fast.normalize_ids(pd.Series([" 18767", "18929.0", 19003.0])).tolist()
    [18767, 18929, 19003]
    >>> bk_fast.normalize_ids(pd.Series([" 125792/1", "ff  10006/0001", "180001"]), kind="style")
               style      base version
    0       125792/1    125792       1
    1  FF 10006/0001  FF 10006    0001
    2         180001    180001     NaN
    """
    try:
        return _normalized(series, kind, engine)
    finally:  # (the Arrow text made and dropped on the way, kept by pyarrow's pool: 20-70 MB for 10^6 ids)
        release_arrow_memory()


def _normalized(series, kind: str, engine: str | None):
    if kind not in ("yarn", "style"):
        raise ValueError(f"kind must be 'yarn' or 'style', got {kind!r}")
    s = series if isinstance(series, pd.Series) else pd.Series(series)
    if s.ndim != 1:
        raise ValueError("normalize_ids takes one column of ids")
    try:
        missing = s.isna().to_numpy()
    except InvalidOperation:  # a Decimal('sNaN'), on which pandas' check raises: missing, as Decimal('NaN') is
        missing = isna_objects(s.to_numpy(dtype=object))
        s = pd.Series(np.where(missing, None, s.to_numpy(dtype=object)), index=s.index, name=s.name, dtype=object)
    if kind == "yarn":
        values, status = _parse_any(s.array, engine)
        whole = (status == STATUS_NUMBER) & np.isfinite(values)
        whole &= np.equal(values, np.trunc(np.where(whole, values, 0.0)))
        small = np.abs(values) < 2.0 ** 53  # float64 holds these integers exactly
        # a whole float64 is no whole id when the id's own value is not ("18767.0000000000000001", "1e-400")
        flagged = np.flatnonzero(_float_may_mislead(s.array, values, whole & small))
        for i, cell in zip(flagged, _cells_at(s, flagged)):
            if _exact_int(cell) is None:
                whole[i] = False
        ints = np.where(whole & small, values, 0.0).astype(np.int64)
        big = np.flatnonzero(whole & ~small)  # beyond: the id's own digits, not its nearest float64
        kind = getattr(s.dtype, "kind", "O") if not isinstance(s.dtype, pd.CategoricalDtype) else "O"
        if big.size and kind in "iu":  # integers are exactly themselves: int64, or text beyond it
            exact = s.to_numpy(dtype=np.uint64 if kind == "u" else np.int64, na_value=0)[big]
            beyond = exact > 2 ** 63 - 1 if kind == "u" else np.zeros(big.size, dtype=bool)
            whole[big[beyond]] = False
            ints[big[~beyond]] = exact[~beyond].astype(np.int64)
            big = big[:0]
        for i, cell in zip(big, _cells_at(s, big)):
            exact = _exact_int(cell)
            if exact is None:  # not a whole number, or beyond int64: kept as text
                whole[i] = False
            else:
                ints[i] = exact
        if (whole | missing).all():
            out = pd.array(ints, dtype="Int64")
            out[missing] = pd.NA
            return pd.Series(out, index=s.index, name=s.name)
        text = s.astype(_STR_DTYPE)
        # strip and upper only: the values holding a character on which Arrow's kernels answer otherwise than
        # Python's str ("ß", not "ü"); the others keep Arrow's answer
        odd = strip_upper_odd_rows(text)
        if mostly_odd(odd, len(text)):  # (quicker through Python-backed text than patched one by one)
            text = text.astype(_PY_STR).str.strip().str.upper().astype(_STR_DTYPE)
        else:
            text = _python_fixed([text.str.strip().str.upper()], text, odd, _python_yarn_id)[0]
        as_int = pd.Series(ints, index=s.index).astype(_STR_DTYPE)
        return text.where(~whole, as_int).rename(s.name)
    source = s.astype(_STR_DTYPE)
    # every non-ASCII value, not strip_upper_odd_rows: the style also collapses runs of white space, Arrow's
    # only ASCII ones, so "a\u3000b" needs Python's rule though Arrow strips and upper-cases it as Python does
    odd = odd_rows(source)
    if odd is not None:  # Arrow-backed text: Arrow's kernels, Python's rules on the odd values
        columns = [pd.Series(pd.array(col, dtype=_STR_DTYPE), index=s.index) for col in _arrow_style_ids(source, odd)]
    else:  # (no pyarrow: pandas' string methods on Python strings, which are Python's str rules)
        text = source.str.strip().str.upper().str.replace(r"\s+", " ", regex=True)
        parts = text.str.split("/", n=1, expand=True)
        base = parts[0].str.strip() if 0 in parts else text
        version = parts[1].str.strip() if 1 in parts else pd.Series(np.nan, index=s.index, dtype=_STR_DTYPE)
        columns = [text, base, version.astype(_STR_DTYPE)]
    return pd.DataFrame(dict(zip(("style", "base", "version"), columns)), index=s.index)


#: Python-backed text (its string methods are Python's ``str`` rules; pandas' ``str`` without pyarrow)
_PY_STR = pd.StringDtype("python", na_value=np.nan)


def _python_yarn_id(value: str) -> tuple:
    return (value.strip().upper(),)


def _python_style(value: str) -> tuple:
    # (Python's rules: strip, upper, runs of white space (re's \s, which is str.isspace) to one space.
    # str.split() splits at those runs and drops them at the ends; upper() maps white space to white space
    # only and anything else to no white space (every code point checked))
    return (" ".join(value.upper().split()),)


def _python_fixed(columns: list, source: pd.Series, odd: np.ndarray | None, python) -> list:
    """``columns`` (computed from ``source`` by Arrow's kernels) with the rows at ``odd`` replaced by
    ``python(value)`` where it differs: Python's ``str`` rules on every install. ``python`` runs once per
    distinct odd value; ASCII-only columns are returned as they are."""
    if odd is None or not odd.size:
        return columns
    return [patch_rows(col, odd, want) for col, want in zip(columns, _python_answers(source, odd, python))]


def _python_answers(source: pd.Series, rows: np.ndarray, python) -> list[np.ndarray]:
    """Per item of ``python(value)``'s answer, an object array of it at the positions ``rows`` of ``source``
    (``python`` run once per distinct value there)."""
    codes, distinct = pd.factorize(source.iloc[rows].to_numpy(dtype=object))
    answers = [python(value) for value in distinct]
    return [np.array([answer[k] for answer in answers], dtype=object)[codes] for k in range(len(answers[0]))] \
        if answers else []


#: white space of Python's ``re`` (``\s``) in plain ASCII, for RE2 (whose ``\s`` leaves out ``\v``); 0x1C-0x1F
#: are odd (:func:`bk_fast._arrow_text.odd_rows`): Python's answer is taken there
_ASCII_WHITE_RUN = "[\t\n\v\f\r ]+"


def _arrow_style_ids(source: pd.Series, odd: np.ndarray) -> list:
    """``style``, ``base`` and ``version`` (pyarrow string arrays) of the Arrow-backed ``source`` as
    :func:`normalize_ids` (``kind="style"``) spells them. The style: Arrow's kernels (Python's ``str`` rules on
    plain ASCII), Python's (:func:`_python_style`) at the ``odd`` rows, once per distinct value. The style holds
    no white space but single spaces then, so base and version are its parts around the first ``/`` (a byte
    search in UTF-8) without spaces at their ends, the same on every row."""
    import pyarrow.compute as pc

    arr = source.array.__arrow_array__()
    arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    text = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    # the values with white space to collapse (a tab ... a carriage return, or two spaces in a row): the
    # regular expression, the slowest step, on those only
    offsets, data = chunk_buffers(text)
    space = data == 32
    collapse = (data >= 9) & (data <= 13)
    collapse[:-1] |= space[:-1] & space[1:]
    runs = rows_holding(offsets, np.flatnonzero(collapse))
    if 2 * runs.size > len(text):
        text = pc.replace_substring_regex(text, _ASCII_WHITE_RUN, " ")
    elif runs.size:
        text = _set_rows(text, runs, pc.replace_substring_regex(text.take(runs), _ASCII_WHITE_RUN, " "))
    if odd.size:
        text = _set_rows(text, odd, pa.array(_python_answers(source, odd, _python_style)[0], type=text.type))
    parts = pc.split_pattern(text, "/", max_splits=1)  # (one or two parts a value; none for a missing one)
    first = parts.offsets.to_numpy()
    count = np.diff(first)
    first = first[:-1]
    base = pc.utf8_rtrim(parts.values.take(pa.array(first, mask=count < 1)), characters=" ")
    version = pc.utf8_ltrim(parts.values.take(pa.array(first + 1, mask=count < 2)), characters=" ")
    return [text, base, version]


def _set_rows(arr, rows: np.ndarray, values):
    """The pyarrow array ``arr`` with its values at the positions ``rows`` (ascending) set to ``values``."""
    import pyarrow.compute as pc

    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(arr, mask, values)


def load_report(folder, *, engine: str | None = None) -> pd.DataFrame:
    """What :func:`read_exports` finds in ``folder`` (for ``bk-fast load FOLDER``): one row per export with its
    kind, file, rows, columns, the header line, MB as parsed and MB after :func:`bk_fast.optimize_memory` with
    ``numbers=False``, as :func:`read_erp` applies it (text made compact, numbers left float64 / int64).

    Examples
    --------
    >>> import tempfile, bk_fast
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = bk_fast.datasets.write_exports(bk_fast.datasets.make_mill(scale=0.01, seed=1), tmp)
    ...     report = bk_fast.io.load_report(tmp)
    >>> report.loc[report["kind"] == "knit_orders", "header line"].item()
    2
    """
    frames = read_exports(folder, engine=engine)
    rows = []
    for kind, frame in frames.items():
        info = frame.attrs["bk_fast"]
        rows.append((kind, Path(info["source"]).name, len(frame), frame.shape[1], info["header_line"],
                     round(info["bytes_parsed"] / 1e6, 3), round(info["bytes"] / 1e6, 3)))
    return pd.DataFrame(rows, columns=["kind", "file", "rows", "columns", "header line", "MB parsed",
                                       "MB optimised"])


def _demo_step(mill, engine):
    """``bk-fast demo``: write the mill as ERP exports, read them back, and parse money text."""
    import tempfile

    from bk_fast._demo import DemoReport
    from bk_fast.datasets import write_exports

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_exports(mill, tmp)
        t0 = time.perf_counter()
        frames = read_exports(tmp, engine=engine)
        elapsed = time.perf_counter() - t0
        for kind, frame in frames.items():
            info = frame.attrs["bk_fast"]
            rows.append((kind, Path(info["source"]).name, len(frame), frame.shape[1], info["header_line"],
                         round(info["bytes_parsed"] / 1e6, 2), round(info["bytes"] / 1e6, 2)))
        same = all(len(frames[k]) == len(mill[k]) for k in frames if k in mill)
    table = pd.DataFrame(rows, columns=["kind", "file", "rows", "columns", "header line", "MB parsed",
                                        "MB optimised"])
    money = pd.Series(["$1,326.67 ", "($2,183.40)", "1,200.0"] * 1000)
    values = parse_numbers(money, engine=engine)
    return DemoReport(
        title="Reading the ERP's exports (bk_fast.io.read_erp)",
        lines=[f"{len(paths)} files written by write_exports, {len(frames)} read back in {elapsed:.2f} s "
               f"(kinds detected from the headers; row counts equal the mill's: {same})",
               f"parse_numbers: '$1,326.67 ' -> {values.iloc[0]}, '($2,183.40)' -> {values.iloc[1]}"],
        table=table,
    )

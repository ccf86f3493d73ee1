"""Checks shared by every public function: frames in, validated contiguous arrays out, clear errors.

Kernels never validate (the Cython ones run with bounds checks off), so everything a kernel relies on is
established here: the column exists (under one of its ERP aliases), numbers are numbers (ERP strings cleaned),
arrays are contiguous float64/int64, ids are dense codes in range.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import fractions
import numbers
import re
from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd

from bk_fast._columns import ALIASES, canonical, normalise


FLAG_SPELLINGS = "booleans, numbers 0/1, or text Y/N, Yes/No, True/False, T/F, 1/0 (any case)"
_FLAG_TRUE = frozenset({"y", "yes", "true", "t", "1"})
_FLAG_FALSE = frozenset({"n", "no", "false", "f", "0", ""})


def flag_value(x):
    """True/False of one cell of a flag column (see :data:`FLAG_SPELLINGS`; an empty cell is False), None when
    it is no flag. ERP text ``"N"`` / ``"False"`` is False, though a non-empty string is truthy.

    Examples
    --------
    >>> [flag_value(x) for x in (True, " yes", "F", 0.0, None, float("nan"), "maybe", 2)]
    [True, True, False, False, False, False, None, None]
    """
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, str):
        t = x.strip().lower()
        return True if t in _FLAG_TRUE else False if t in _FLAG_FALSE else None
    if isinstance(x, (int, np.integer, float, np.floating)):
        if x != x:  # NaN: an empty cell
            return False
        return True if x == 1 else False if x == 0 else None
    if x is None or x is pd.NA or x is pd.NaT:
        return False
    return None


def plain(label):
    """``label`` as a Python scalar when it is a NumPy one (each part of a MultiIndex tuple too), for error
    messages: ``row 12``, not ``row np.int64(12)``.

    Examples
    --------
    >>> import numpy as np
    >>> f"row {plain(np.int64(12))!r}", plain("K1"), plain(("b", np.int64(2)))
    ('row 12', 'K1', ('b', 2))
    """
    if isinstance(label, tuple):
        return tuple(plain(part) for part in label)
    return label.item() if isinstance(label, np.generic) else label


def require_frame(obj, what: str) -> pd.DataFrame:
    """``obj`` itself when it is a pandas DataFrame, else TypeError naming the argument."""
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(obj).__name__}")
    return obj


#: how to choose one of several columns of one role, where the function takes no column argument for it
DROP_OTHERS = "drop or rename the others"
_fold = lru_cache(maxsize=4096)(normalise)  # (column labels recur from call to call)


def one_column(df: pd.DataFrame, label, what: str = "frame"):
    """The label of the one column of ``df`` that ``label`` names: ``label`` itself, or under a two-level header
    (MultiIndex columns: ``read_excel(header=[0, 1])``, ``pivot_table``, ``groupby().agg``) the full tuple of the
    one column a first-level label heads. ValueError naming it when it names several columns (``df[label]``
    would be a frame, not the column).

    Examples
    --------
    >>> import pandas as pd
    >>> one_column(pd.DataFrame([[1, 2]], columns=["qty", "qty"]), "qty", "orders")
    Traceback (most recent call last):
    ...
    ValueError: orders has 2 columns labelled 'qty'; expected exactly one (drop or rename the others)
    >>> two = pd.DataFrame([[1, 2, 3]], columns=pd.MultiIndex.from_tuples([("qty", "lbs"), ("due", "a"),
    ...                                                                     ("due", "b")]))
    >>> one_column(two, "qty", "orders")
    ('qty', 'lbs')
    >>> one_column(two, "due", "orders")
    Traceback (most recent call last):
    ...
    ValueError: orders has a two-level column header (MultiIndex columns): 'due' heads 2 columns, ('due', 'a'), \
('due', 'b'); pass the full tuple of one as the column's label (columns=..., or the function's argument for \
that column) or flatten the header
    """
    cols = df.columns
    if isinstance(cols, pd.MultiIndex) and not (isinstance(label, tuple) and len(label) == cols.nlevels):
        loc = cols.get_loc(label)
        subs = cols[[loc]] if isinstance(loc, (int, np.integer)) else cols[loc]
        if len(subs) != 1:
            levels = {2: "two", 3: "three", 4: "four"}.get(cols.nlevels, str(cols.nlevels))
            raise ValueError(f"{what} has a {levels}-level column header (MultiIndex columns): {plain(label)!r} "
                             f"heads {len(subs)} columns, {', '.join(repr(plain(c)) for c in subs[:6])}"
                             f"{', ...' if len(subs) > 6 else ''}; pass the full tuple of one as the column's "
                             f"label (columns=..., or the function's argument for that column) or flatten the "
                             f"header")
        label = subs[0]
    if not cols.is_unique:
        loc = cols.get_loc(label)
        count = 1 if isinstance(loc, (int, np.integer)) else (
            len(range(*loc.indices(len(cols)))) if isinstance(loc, slice) else int(np.sum(loc)))
        if count > 1:
            raise ValueError(f"{what} has {count} columns labelled {plain(label)!r}; expected exactly one (drop "
                             f"or rename the others)")
    return label


_HEADERS: dict = {}  # id(columns) -> (columns, :func:`_header` of them), for the frames of the last calls


def _header(cols: pd.Index) -> tuple[set, list]:
    """(the text labels, [(text label, its folded form)]) of a frame's columns (of their first level under a
    two-level header), kept for the columns' Index: a frame's columns are looked up once per column a function
    reads, and iterating an Arrow-backed Index of text costs ~2 us a label."""
    hit = _HEADERS.get(id(cols))
    if hit is not None and hit[0] is cols:  # (the Index is held here, so its id is not reused meanwhile)
        return hit[1]
    heads = (cols.unique(level=0) if isinstance(cols, pd.MultiIndex) else cols).tolist()
    folded = [(c, _fold(c)) for c in heads if isinstance(c, str)]
    out = ({c for c, _ in folded}, folded)
    if len(_HEADERS) >= 32:
        _HEADERS.clear()
    _HEADERS[id(cols)] = (cols, out)
    return out


def pick_column(df: pd.DataFrame, names, what: str, role, choose: str = DROP_OTHERS, *, ordered: bool = False):
    """The label of the one column of ``df`` spelt as one of ``names`` (the accepted spellings of column
    ``role``: exact labels first, then a loose match on case, spaces and punctuation: ``"ITEM "``), None when
    there is none. Several such columns (``Balance (lbs)`` beside ``balance (lbs)``, ``Allocated`` beside
    ``allocated``) are a ValueError naming them and ``choose`` (how to pick one): reading one and ignoring the
    other would lose data silently. A first-level label of a two-level header is read as :func:`one_column`
    reads it.

    ``ordered``: ``names`` are choices in order of preference, each a name or a tuple of the spellings of one
    name (``due`` before ``order_date``: different columns, both may be present): the first choice that labels
    a column exactly, else the first that matches one loosely; only two columns spelt as that one choice are
    the ValueError (``role`` None: named by the choice's first spelling).

    Examples
    --------
    >>> import pandas as pd
    >>> pick_column(pd.DataFrame(columns=["Item ", "qty"]), ("item", "sku"), "orders", "item")
    'Item '
    >>> pick_column(pd.DataFrame(columns=["qty", "quantity"]), ("qty", "quantity"), "orders", "qty")
    Traceback (most recent call last):
    ...
    ValueError: orders has 2 columns for 'qty': 'qty', 'quantity'; expected exactly one (drop or rename the others)
    >>> pick_column(pd.DataFrame(columns=["order_date", "due"]), ("due", "order_date"), "orders", "due",
    ...             ordered=True)
    'due'
    """
    cols = df.columns
    text, folded = _header(cols)
    if ordered:
        groups = [n if isinstance(n, tuple) else (n,) for n in names]
        present = {f for _, f in folded}
        pick = next((g for g in groups if any(c in text if isinstance(c, str) else c in cols for c in g)), None)
        if pick is None:
            pick = next((g for g in groups if any(isinstance(c, str) and _fold(c) in present for c in g)), None)
        if pick is None:
            return None
        names = pick
        role = pick[0] if role is None else role
    found = []
    for name in names:
        if (name in text if isinstance(name, str) else name in cols) and name not in found:
            found.append(name)
    wanted = {_fold(n) for n in names if isinstance(n, str)}
    for col, fold in folded:
        if fold in wanted and col not in found:
            found.append(col)
    if not found:
        return None
    labels = list(dict.fromkeys(one_column(df, label, what) for label in found))
    if len(labels) > 1:
        raise ValueError(f"{what} has {len(labels)} columns for {plain(role)!r}: "
                         f"{', '.join(repr(plain(c)) for c in labels)}; expected exactly one ({choose})")
    return labels[0]


def spellings(*names) -> tuple:
    """Each of ``names`` followed by the ERP's other spellings of it (:data:`bk_fast._columns.ALIASES`), each
    once: the accepted spellings of one column that goes by any of ``names``.

    Examples
    --------
    >>> spellings("qty", "Machine")
    ('qty', 'Machine', 'machine', 'MACH', 'Machine #', 'machine_id')
    """
    out = []
    for name in names:
        target = canonical(name) if isinstance(name, str) else None
        out += [name, *ALIASES.get(target or name, ())]
    return tuple(dict.fromkeys(out))


def find_column(df: pd.DataFrame, name: str, *, what: str = "frame", required: bool = True,
                strict: bool = False) -> str | None:
    """The caller's label for ERP column ``name`` (exact label first, then any of its aliases in order, then a
    loose match on case, spaces and underscores). Missing and required: ValueError naming the column and its
    accepted aliases; two labels of the name found that differ only in case, spaces or punctuation
    (``Allocated`` beside ``allocated``): ValueError naming both (:func:`pick_column`). Different aliases
    (``Quoted Date`` beside ``Due Date``) are read in order, the first present; with ``strict`` every alias is
    a spelling of the one column and two of them are the ValueError (the inventory's balance columns).

    Examples
    --------
    >>> import pandas as pd
    >>> find_column(pd.DataFrame(columns=["Planning_Balance"]), "Planning Balance")
    'Planning_Balance'
    """
    target = (canonical(name) if isinstance(name, str) else None) or name
    label = pick_column(df, spellings(name), what, target, ordered=not strict)
    if label is None and required:
        aliases = ALIASES.get(target, (name,))
        raise ValueError(
            f"{what} has no column {target!r} (accepted names: {', '.join(repr(a) for a in aliases)}); "
            f"{columns_present(df, aliases)}")
    return label


#: :func:`columns_present` looks for near misses in a frame of at most this many columns (an error message
#: stays fast: folding and difflib over 10^4 long labels took 0.7 s, 10^5 8 s)
NEAR_MISS_COLUMNS = 2000


def columns_present(df: pd.DataFrame, names=(), shown: int = 20) -> str:
    """The end of a missing-column error: ``"columns present: ..."``, the frame's first ``shown`` labels and
    ``"... (N more)"`` beyond them, then ``"; did you mean ...?"`` naming up to 3 labels nearest one of
    ``names`` (the spellings looked for) once case, spaces and punctuation are folded away (``difflib``: a
    ratio of 0.6 or more, and within 0.1 of the nearest), each label once. A frame of more than
    :data:`NEAR_MISS_COLUMNS` columns gets no suggestion, and the message says so.

    Examples
    --------
    >>> import pandas as pd
    >>> columns_present(pd.DataFrame(columns=["order", "Qtty", "due"]), ["qty", "quantity"])
    "columns present: 'order', 'Qtty', 'due'; did you mean 'Qtty'?"
    >>> columns_present(pd.DataFrame(columns=[f"c{i}" for i in range(25)]), ["qty"], shown=3)
    "columns present: 'c0', 'c1', 'c2', ... (22 more)"
    """
    count = len(df.columns)  # (no list of them all beyond NEAR_MISS_COLUMNS: a str Index iterates slowly)
    text = f"columns present: {', '.join(repr(plain(c)) for c in df.columns[:shown].tolist())}"
    if count > shown:
        text += f", ... ({count - shown} more)"
    if count > NEAR_MISS_COLUMNS:
        return text + f" (no near-miss search in more than {NEAR_MISS_COLUMNS:,} columns)"
    by_length = {}  # length -> folded label -> the labels of that form
    for col in df.columns.tolist():
        f = _fold(col) if isinstance(col, str) else _fold(str(col))
        by_length.setdefault(len(f), {}).setdefault(f, []).append(col)
    score, folded = {}, {}
    for name in dict.fromkeys(_fold(str(n)) for n in names):
        if not name:
            continue
        # a ratio 2 * matches / (len(a) + len(b)) >= 0.6 needs len(b) within 3/7 .. 7/3 of len(a)
        near_length = {f: c for m, forms in by_length.items() if 3 * m <= 7 * len(name) and 3 * len(name) <= 7 * m
                       for f, c in forms.items()}
        folded.update(near_length)
        for near in difflib.get_close_matches(name, list(near_length), n=3, cutoff=0.6):
            score[near] = max(score.get(near, 0.0), difflib.SequenceMatcher(None, name, near).ratio())
    best = max(score.values(), default=0.0)  # (only the nearest: 'parent' is near 'percent' too, but less)
    near = list(dict.fromkeys(col for f in sorted(score, key=score.get, reverse=True) if score[f] >= best - 0.1
                              for col in folded[f]))[:3]
    if near:
        text += f"; did you mean {' or '.join(repr(plain(c)) for c in near)}?"
    return text


def clean_numbers(values: pd.Series) -> pd.Series:
    """Parse ERP number strings the way the ERP does: strip ``$``, thousands commas and spaces, ``(x)`` means
    ``-x``, anything unparsable becomes NaN (an accounting-format zero, a dash alone such as ``"$ -"``, too: where
    a missing number counts 0, so does it; a dash in a machine or priority column is no machine 0); numbers in
    the column are taken as they are.

    The byte-level parser of :func:`bk_fast.io.parse_numbers` (the engine in force; ~50 ns a value for a
    ``str`` column, where pandas' regex replace and ``to_numeric`` took ~1.4 us): the same numbers as
    ``to_numeric`` of the cleaned text, but correctly rounded where pandas is not (``"+3e-47"`` gave
    2.9999999999999997e-47).

    Examples
    --------
    >>> import pandas as pd
    >>> clean_numbers(pd.Series(["$1,326.67 ", "(2,183.40)", "", "n/a", 7, "$ -"])).tolist()
    [1326.67, -2183.4, nan, nan, 7.0, nan]
    """
    from bk_fast._engine import pick
    from bk_fast.io import _parse_any  # (io imports this module)

    out, _ = _parse_any(values, pick(None))
    return pd.Series(out, index=values.index, name=values.name, copy=False)


_DASH_ZERO = re.compile(r"\s*\$?\s*-\s*")  # (Excel's accounting format writes 0 as "-", "$ -", " - ")

#: white space as Python's ``str.isspace`` (so ``str.strip`` and ``re``'s ``\s``) reads it, as a character class of
#: the characters themselves, which pyarrow's regex takes too (its ``\s`` is ASCII only)
SPACE_CLASS = "[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
#: the white space ``str.strip`` strips, as a pattern for ``str.replace(..., regex=True)`` or pyarrow's regex
SPACE_STRIP = f"^{SPACE_CLASS}+|{SPACE_CLASS}+$"
_ARROW_DASH_ZERO = f"^{SPACE_CLASS}*\\$?{SPACE_CLASS}*-{SPACE_CLASS}*$"  # (_DASH_ZERO's fullmatch)


#: the holders of bytes that number and id text may come in (NumPy ``S`` arrays give ``bytes`` cells)
BYTES_LIKE = (bytes, bytearray, memoryview)


def bytes_text(value):
    r"""A bytes-like value (:data:`BYTES_LIKE`) as its UTF-8 text; ``value`` itself when it is no bytes, or bytes
    that are no UTF-8 (or a released memoryview): those stay invalid where text is expected.

    Examples
    --------
    >>> bytes_text(b"$1,326.67"), bytes_text(b"\xff1"), bytes_text(7)
    ('$1,326.67', b'\xff1', 7)
    """
    if isinstance(value, BYTES_LIKE):
        try:
            return bytes(value).decode("utf-8")
        except (UnicodeDecodeError, ValueError, TypeError):
            return value
    return value


def isna_objects(arr: np.ndarray) -> np.ndarray:
    """``pd.isna`` of an object array; a signalling ``Decimal('sNaN')`` (on which pandas' check raises
    InvalidOperation) is missing, as ``Decimal('NaN')`` is."""
    try:
        return np.asarray(pd.isna(arr), dtype=bool)
    except decimal.InvalidOperation:
        return np.fromiter((v.is_nan() if isinstance(v, decimal.Decimal) else pd.api.types.is_scalar(v)
                            and bool(pd.isna(v)) for v in arr), dtype=bool, count=arr.shape[0])


def whole_number(value) -> int | None:
    """The integer an exactly held whole number is: a Python or NumPy integer, a whole ``Decimal`` or
    ``Fraction``; None for anything else (bools, floats, text, a NaN or infinite ``Decimal``). Exact whatever
    the ambient decimal context. The int of a ``Decimal`` costs time quadratic in its digits (seconds for
    ``Decimal("1E+1000000")``): to compare a magnitude, :func:`whole_beyond`.

    Examples
    --------
    >>> import decimal, fractions
    >>> whole_number(decimal.Decimal("9007199254740993")), whole_number(fractions.Fraction(6, 3)), whole_number(2.0)
    (9007199254740993, 2, None)
    """
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, fractions.Fraction):
        return int(value) if value.denominator == 1 else None
    return None


def whole_beyond(value, bound: int) -> bool:
    """Whether ``value`` is an exactly held whole number (:func:`whole_number`) beyond ``bound`` in magnitude,
    e.g. an integer float64 would round. A ``Decimal`` is compared as it is (exact under any context, and quick:
    no int of ``Decimal("1E+1000000")`` is made).

    Examples
    --------
    >>> import decimal
    >>> whole_beyond(2 ** 53 + 1, 2 ** 53), whole_beyond(decimal.Decimal("1E+1000000"), 2 ** 53)
    (True, True)
    >>> whole_beyond(2 ** 53, 2 ** 53), whole_beyond(1e300, 0)
    (False, False)
    """
    if isinstance(value, decimal.Decimal):
        return value.is_finite() and value.copy_abs() > bound and value == value.to_integral_value()
    whole = whole_number(value)
    return whole is not None and abs(whole) > bound


def missing_text(value) -> bool:
    """True for a missing value, blank text or text that spells a missing value (``"N/A"``, ``"#N/A"``,
    ``"nan"``, ``"NULL"``, ...: pandas' ``read_csv`` missing-value spellings, as :func:`bk_fast.io.read_erp`
    reads them in id columns) or an accounting-format zero (a dash alone: ``" - "``, ``"$ -"``), which reads
    NaN, counted 0 where a missing quantity is."""
    from bk_fast.io import _NA_TEXT  # (io imports this module)

    value = bytes_text(value)  # (bytes are read as their text, as parse_numbers reads them)
    if isinstance(value, str):
        return value.strip() in _NA_TEXT or _DASH_ZERO.fullmatch(value) is not None
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def spelled_missing(values: pd.Series) -> np.ndarray:
    """True where a text cell of ``values`` spells a missing value (blank, ``"N/A"``, a dash:
    :func:`missing_text`); False for missing values and cells that are no text. Each distinct cell is looked at
    once (date, machine and work-center columns repeat few values); a column holding an unhashable cell (a list)
    one cell at a time, for the caller's check of that cell to name it. Text that pyarrow holds is read by its
    kernels (the same test: 30 -> ~10 ms, on a busy machine, for a machine table's 28,500 work centers)."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return _spelled_missing_arrow(values.array.__arrow_array__())
    cells = values.to_numpy(dtype=object)
    text = (str, *BYTES_LIKE)  # (bytes as their text, as parse_numbers reads them)
    try:
        codes, uniq = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:
        try:  # (bytearray / memoryview cells are unhashable: as their text, each distinct cell is looked at once)
            mutable = np.fromiter((isinstance(v, (bytearray, memoryview)) for v in cells), dtype=bool,
                                  count=cells.size)
            codes, uniq = pd.factorize(bytes_as_text(cells, np.flatnonzero(mutable))[0], use_na_sentinel=True)
        except (TypeError, ValueError):  # (a list, a released memoryview: one cell at a time)
            return np.fromiter((isinstance(v, text) and missing_text(v) for v in cells), dtype=bool,
                               count=cells.size)
    spelled = np.fromiter((isinstance(v, text) and missing_text(v) for v in uniq), dtype=bool, count=len(uniq))
    return np.append(spelled, False)[codes]


def bytes_as_text(cells: np.ndarray, at: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(cells, decoded)``: an object array's bytes-like cells (:data:`BYTES_LIKE`) among positions ``at``
    (default all) as their UTF-8 text (:func:`bytes_text`), and the positions so decoded; ``cells`` itself is
    never changed (a copy when a cell is decoded). Bytes that are no UTF-8 (and a released memoryview) stay.

    Examples
    --------
    >>> cells, decoded = bytes_as_text(np.array([b"$7", "x", bytearray(b"N/A"), b"\\xff"], dtype=object))
    >>> cells.tolist(), decoded.tolist()
    (['$7', 'x', 'N/A', b'\\xff'], [0, 2])
    """
    at = np.arange(cells.shape[0]) if at is None else at
    found = at[np.fromiter((isinstance(v, BYTES_LIKE) for v in cells[at]), dtype=bool, count=at.size)]
    text = [bytes_text(cells[i]) for i in found]
    decoded = found[np.fromiter((isinstance(t, str) for t in text), dtype=bool, count=found.size)]
    if not decoded.size:
        return cells, decoded
    cells = cells.copy()
    for i, t in zip(found.tolist(), text):
        if isinstance(t, str):
            cells[i] = t
    return cells, decoded


def _spelled_missing_arrow(data) -> np.ndarray:
    """:func:`spelled_missing` of pyarrow text ``data``: stripped text among the missing-value spellings, or an
    accounting-format zero; False where missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from bk_fast.io import _NA_TEXT  # (io imports this module)

    stripped = pc.replace_substring_regex(data, SPACE_STRIP, "")
    spelled = pc.or_(pc.is_in(stripped, value_set=pa.array(sorted(_NA_TEXT), type=stripped.type)),
                     pc.match_substring_regex(data, _ARROW_DASH_ZERO))
    return pc.fill_null(spelled, False).to_numpy(zero_copy_only=False)


def uncategorized(col: pd.Series) -> pd.Series:
    """A categorical column as its categories' values, a missing one filled as their dtype holds it (NaN for
    numbers and text, NaT for dates; an astype to integer categories fails on a missing value); any other column
    as it is."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return col
    cat = col.array
    return pd.Series(cat.categories.array.take(cat.codes, allow_fill=True), index=col.index, name=col.name)


def float_column(df: pd.DataFrame, label, *, what: str = "frame") -> np.ndarray:
    """Column ``label`` of ``df`` as a contiguous float64 array, never mutating ``df``: for a float64 column
    a read-only view of it (so the caller's later edits show in it: copy it before it goes into a result
    frame built with ``copy=False``). Numeric dtypes convert directly (missing -> NaN); text is cleaned with
    :func:`clean_numbers`; datetimes and other kinds raise TypeError naming the column."""
    col = uncategorized(df[one_column(df, label, what)])
    dtype = col.dtype
    kind = getattr(dtype, "kind", "O")
    if kind in "fiub":
        arr = col.to_numpy(dtype="float64", na_value=np.nan)
    elif kind in "OSU" or pd.api.types.is_string_dtype(dtype):
        arr = clean_numbers(col).to_numpy(dtype="float64")
    else:
        raise TypeError(f"{what} column {label!r} must be numeric (or ERP number text), got dtype {dtype}")
    return np.ascontiguousarray(arr, dtype=np.float64)


def int_values(df: pd.DataFrame, label) -> np.ndarray | None:
    """Column ``label`` as a NumPy integer array when it has an integer dtype and nothing missing (nothing
    missing or infinite to check, and an exact sort key beyond 2**53 too), else None: a NumPy integer column
    as it is, a nullable (``Int64``, ``UInt64``...) or Arrow (``int64[pyarrow]``...) one converted exactly to
    the NumPy dtype of its values (float64 made 2**53 + 1 and 2**53 one value). A missing value gives None,
    for the caller's float path to report it."""
    col = df[label]
    dtype = col.dtype
    if isinstance(dtype, np.dtype):
        return col.to_numpy() if dtype.kind in "iu" else None
    if getattr(dtype, "kind", "O") in "iu" and isinstance(getattr(dtype, "numpy_dtype", None), np.dtype) \
            and dtype.numpy_dtype.kind in "iu" and not col.hasnans:
        return col.to_numpy(dtype=dtype.numpy_dtype)
    return None


#: durations and dates, which are no numbers (of days, periods or lbs): np.timedelta64 passes
#: isinstance(x, numbers.Real) (numpy makes it an integer) and float() reads it as a count of its unit (one day
#: in ns: 8.64e13); pd.Timedelta, pd.Timestamp and NaT are datetime.timedelta / datetime.date subclasses
TIME_TYPES = (np.timedelta64, np.datetime64, datetime.timedelta, datetime.date, pd.Period)


def is_time_value(value) -> bool:
    """True for a duration or date scalar (:data:`TIME_TYPES`), which a number parameter must refuse."""
    return isinstance(value, TIME_TYPES)


def date_arg(value, name: str, none: str) -> pd.Timestamp:
    """A date parameter (Timestamp, datetime, np.datetime64 or date text) as a Timestamp; ValueError naming
    ``name`` for a number (pandas would read 20250901 as 20250901 ns after 1970-01-01), a duration, NaT or
    text that is no date (``none``: what None means, for the message)."""
    given = value
    try:
        if type(value).__module__.startswith("pyarrow") and hasattr(value, "as_py"):
            value = value.as_py()  # (a pyarrow date or timestamp scalar, e.g. one cell of an Arrow column)
            if value is None:
                raise TypeError(given)
        if isinstance(value, (numbers.Number, np.timedelta64)):
            raise TypeError(value)
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a date (a Timestamp, datetime or text such as '2025-09-01') or None for "
                         f"{none}, got {given!r}") from exc
    if stamp is pd.NaT:
        raise ValueError(f"{name} must be a date or None for {none}, got {value!r}")
    return stamp


def number_arg(value, name: str, expected: str = "a number") -> float:
    """``value`` as a float; TypeError naming the argument and what was expected when it is no number (text,
    None, a list...), instead of ``float()``'s "could not convert string to float".

    Examples
    --------
    >>> number_arg("0.5", "category_ratio")
    0.5
    >>> number_arg("x", "category_ratio", "a number between 0 and 1")
    Traceback (most recent call last):
    ...
    TypeError: category_ratio must be a number between 0 and 1, got 'x'

    A bool is no number here (``True`` read as 1.0 made ``rtol=True`` a 100 % tolerance):

    >>> number_arg(True, "rtol")
    Traceback (most recent call last):
    ...
    TypeError: rtol must be a number, got True
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be {expected}, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {expected}, got {value!r}") from None


def reject_text(df: pd.DataFrame, label, arr: np.ndarray, what: str, expected: str, among=None,
                items=None) -> None:
    """ValueError naming the first row of column ``label`` that holds something other than a missing or blank
    value where ``arr`` (the column through :func:`float_column`) is NaN: text that is no number (``"12 lbs"``)
    where a missing value has a default. ``expected`` says what the row should hold; ``among``: a bool mask of
    the rows to look at (default all); ``items``: each row's item, named beside the row when given.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"loss": ["", "5 pct"]}, index=[3, 4])
    >>> reject_text(df, "loss", float_column(df, "loss"), "bom", "a number >= 0 or nothing")
    Traceback (most recent call last):
    ...
    ValueError: bom column 'loss' row 4: '5 pct' is not a number (expected a number >= 0 or nothing)
    """
    col = df[label]
    i = first_text(col, arr, among)
    if i is not None:
        item = f" (item {plain(items[i])!r})" if items is not None else ""
        raise ValueError(f"{what} column {plain(label)!r} row {plain(df.index[i])!r}{item}: {plain(col.iloc[i])!r} "
                         f"is not a number (expected {expected})")


def first_text(col: pd.Series, arr: np.ndarray, among=None) -> int | None:
    """Position of the first value of ``col`` that is neither missing nor blank where ``arr`` (``col`` through
    :func:`float_column`) is NaN (text that is no number), None when there is none; ``among``: a bool mask of
    the rows to look at (default all). Text spelling a missing value (``"N/A"``, ``"#N/A"``, ``"nan"``:
    :func:`missing_text`) is missing, not text."""
    nan = np.isnan(arr) if among is None else np.isnan(arr) & among
    if not nan.any() or getattr(col.dtype, "kind", "O") in "fiub":
        return None  # (a NaN of a number column is a missing value)
    rows = np.flatnonzero(nan)
    cells = col.iloc[rows]  # (only the cells that read as NaN are looked at)
    blank = cells.isna().to_numpy(dtype=bool) | cells.map(missing_text).to_numpy(dtype=bool)
    bad = rows[~blank]
    return int(bad[0]) if bad.size else None


def as_array(values) -> np.ndarray:
    r"""``np.asarray(values)``, except that a sequence of text becomes an object array of its Python strings:
    NumPy's fixed-width strings drop trailing NUL characters (``"0\x00"`` would read as ``"0"``).

    Examples
    --------
    >>> as_array(["0\x00", "1"]).tolist(), as_array([1.5, 2]).dtype
    (['0\x00', '1'], dtype('float64'))
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "US" and not isinstance(values, np.ndarray):
        arr = np.asarray(values, dtype=object)
    return arr


def int64_offset(lo: int) -> int:
    """The int64 to subtract from integer keys whose lowest value is ``lo``: ``lo`` itself, or its wrap-around
    modulo 2**64 when it is beyond int64 (uint64 keys). See :func:`offset_codes`."""
    return (int(lo) + 2 ** 63) % 2 ** 64 - 2 ** 63


def offset_codes(values: np.ndarray, lo: int, out: np.ndarray | None = None) -> np.ndarray:
    """Dense int64 codes ``values - lo`` of integer keys, for codes known to lie in ``[0, 2**63)`` (a key range
    checked by the caller). Computed in int64 arithmetic (a narrow dtype's own would wrap: int8 127 - (-128))
    with :func:`int64_offset` as the offset: exact modulo 2**64, so uint64 keys beyond int64 work too (where
    ``np.int64(lo)`` would overflow). ``out``: an int64 array to write into.

    Examples
    --------
    >>> offset_codes(np.array([-128, 127], dtype=np.int8), -128).tolist()
    [0, 255]
    >>> offset_codes(np.array([2 ** 64 - 1, 2 ** 64 - 3], dtype=np.uint64), 2 ** 64 - 3).tolist()
    [2, 0]
    """
    return np.subtract(values, int64_offset(lo), out=out, dtype=np.int64, casting="unsafe")


def float_array(values, *, name: str = "values") -> np.ndarray:
    """Any 1-D array-like of numbers as a contiguous float64 array; TypeError/ValueError naming ``name``."""
    if isinstance(values, pd.Series):
        try:
            return float_column(values.to_frame(name="__v"), "__v", what=name)
        except TypeError:  # (the message names the frame's column, which the caller never saw)
            raise TypeError(f"{name} must be numeric (or number text), got dtype {values.dtype}") from None
    arr = as_array(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind in "fiub":
        return np.ascontiguousarray(arr, dtype=np.float64)
    if arr.dtype.kind in "OSUT":
        return clean_numbers(pd.Series(arr, dtype="object")).to_numpy(dtype="float64")
    raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")


def infinite_at(arr: np.ndarray) -> int | None:
    """Position of the first infinite element of a float array, or None. One reduction is the fast path: a
    sum is finite only when no element is inf or NaN; only otherwise is the array scanned.

    Examples
    --------
    >>> infinite_at(np.array([1.0, np.nan, -np.inf])), infinite_at(np.array([1.0, 2.0]))
    (2, None)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(arr)):
            return None
    bad = np.isinf(arr)
    return int(np.argmax(bad)) if bad.any() else None


def require_finite(df: pd.DataFrame, label, values: np.ndarray, what: str, id_label=None,
                   id_name: str | None = None) -> None:
    """ValueError naming the first row of column ``label`` whose value (``values``: the column as floats) is
    infinite: ``"<what> column <label> row <index> (position <i>[, <id_name> <id>]): inf is not a finite
    quantity"``; the id is read from column ``id_label`` and shown as ``id_name`` (default its label).

    Examples
    --------
    >>> import pandas as pd
    >>> kos = pd.DataFrame({"Order #": ["K1", "K2"], "Balance (lbs)": [5.0, float("inf")]})
    >>> require_finite(kos, "Balance (lbs)", kos["Balance (lbs)"].to_numpy(), "knit_orders", "Order #")
    Traceback (most recent call last):
    ...
    ValueError: knit_orders column 'Balance (lbs)' row 1 (position 1, Order # 'K2'): inf is not a finite quantity
    """
    i = infinite_at(values)
    if i is not None:
        named = "" if id_label is None else f", {id_name or id_label} {plain(df[id_label].iloc[i])!r}"
        raise ValueError(f"{what} column {label!r} row {plain(df.index[i])!r} (position {i}{named}): {values[i]} "
                         f"is not a finite quantity")


def same_length(**arrays: Iterable) -> int:
    """Common length of the named arrays; ValueError naming the ones that differ."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError("lengths differ: " + ", ".join(f"{k}={n}" for k, n in lengths.items()))
    return next(iter(lengths.values()), 0)


def exact_int_floats(vals: np.ndarray) -> np.ndarray:
    """Mask of the float64 values that are whole numbers below 2**53 in magnitude: the integer ids float64
    holds exactly (NaN, inf, fractions and larger values are not).

    Examples
    --------
    >>> import numpy as np
    >>> exact_int_floats(np.array([7.0, 1.5, 2.0 ** 60, np.inf, np.nan])).tolist()
    [True, False, False, False, False]
    """
    with np.errstate(invalid="ignore"):
        return np.isfinite(vals) & (vals == np.floor(vals)) & (np.abs(vals) < 2.0 ** 53)


def id_kind(idx: pd.Index, infer: bool = True) -> str:
    """'int' (integer dtype, or object ids some of which are Python ints), 'float' or 'other' ('object' for
    object ids when not ``infer``)."""
    dtype = idx.dtype
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return "other"
    kind = getattr(dtype, "kind", "O")
    if kind in "iu":
        return "int"
    if kind == "f":
        return "float"
    if kind == "O" and isinstance(dtype, np.dtype) and len(idx):
        if not infer:
            return "object"
        if pd.api.types.infer_dtype(idx, skipna=True) in ("integer", "mixed-integer", "mixed-integer-float"):
            return "int"
    return "other"


def same_ids(parts, fixed=()) -> list:
    """The item ids of several inputs made comparable exactly: pandas matches an integer id with a float64 one
    (and unites int64 with uint64 ids) through float64, where 2**60 + 1 == 2**60. ``parts`` are (input name,
    Index or None); the Indexes are returned in the same order (unchanged unless they mix kinds). ``fixed``
    are (name, Index) pairs that only count as the ids met (e.g. a BOM's items).

    When integer ids meet float ids, float ids that are whole numbers below 2**53 in magnitude (exact) become
    int64; any other float id is a ValueError naming its input. Unsigned ids beyond int64 with signed ids:
    all become uint64 when no id is negative, else Python ints (object). Object ids of Python ints beyond int64,
    or beside unsigned ids (:func:`_object_ints`), and categoricals of integers beside ids of the other signedness
    (:func:`_categorical_ints`) take part as the integers they hold. Arrow unsigned ids beside another unsigned
    dtype become uint64 (pandas unites UInt64 and Arrow unsigned ids as int64, which meets a third unsigned
    input through float64). An empty input meets no id and changes no other's."""
    idx = [p for _, p in parts]
    kinds = [None if p is None else id_kind(p, infer=False) for p in idx]
    every = ([(w, id_kind(p, infer=False), p) for w, p in fixed if len(p)]   # (an empty index meets no id)
             + [(w, k, p) for (w, p), k in zip(parts, kinds) if k is not None and len(p)])
    if any(k == "float" for w, k, _ in every):   # (object ids are scanned only then: text ids cost nothing)
        every = [(w, id_kind(p) if k == "object" else k, p) for w, k, p in every]
    every = [(w, k) for w, k, _ in every]
    ints = [w for w, k in every if k == "int"]
    if ints and any(k == "float" for _, k in every):
        for j, ((what, _), k) in enumerate(zip(parts, kinds)):
            if k != "float":
                continue
            vals = idx[j].to_numpy(dtype=np.float64, na_value=np.nan)
            bad = ~exact_int_floats(vals)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                whole = bool(np.isfinite(vals[i]) and vals[i] == np.floor(vals[i]))
                other = next(w for w in ints if w != what) if any(w != what for w in ints) else what
                why = ("is not a whole number" if not whole else
                       "is at or beyond 2**53, where float64 cannot hold integer ids exactly")
                shown = f"{float(vals[i])!r}" + (f" (= {int(vals[i])})" if whole else "")
                raise ValueError(f"{what}: item id {shown} is a float64 id that {why}, so it cannot be "
                                 f"matched exactly with the integer ids of {other}; pass the ids as integers "
                                 f"(e.g. an int64 or Int64 column)")
            idx[j] = pd.Index(vals.astype(np.int64), name=idx[j].name)
    def integer_parts():
        return [j for j, p in enumerate(idx) if p is not None and getattr(p.dtype, "kind", "O") in "iu"]

    _object_ints(idx, integer_parts())
    _categorical_ints(idx, integer_parts())  # (object ids made integers count)
    num = [j for j in integer_parts() if len(idx[j])]   # (an empty index meets no id: it changes no other's)
    uns = [j for j in num if idx[j].dtype.kind == "u"]
    sig = [j for j in num if idx[j].dtype.kind == "i"]
    if uns and sig:
        if all(not len(idx[j]) or int(idx[j].max()) < 2 ** 63 for j in uns):
            for j in uns:
                idx[j] = pd.Index(idx[j].to_numpy(dtype=np.int64), name=idx[j].name)
        elif all(not len(idx[j]) or int(idx[j].min()) >= 0 for j in sig):
            for j in sig:
                idx[j] = pd.Index(idx[j].to_numpy(dtype=np.uint64), name=idx[j].name)
        else:
            for j in num:
                idx[j] = pd.Index(idx[j].to_numpy(dtype=object), dtype=object, name=idx[j].name)
    # pandas unites Arrow unsigned ids with nullable UInt64 ones as int64 (ids below 2**63), which a third unsigned
    # input then meets through float64 (8.0): Arrow unsigned ids beside another unsigned dtype become uint64
    unsigned = [j for j in num if idx[j].dtype.kind == "u"]   # (num's ids as converted above)
    if len({idx[j].dtype for j in unsigned}) > 1:
        for j in unsigned:
            if isinstance(idx[j].dtype, pd.ArrowDtype):
                idx[j] = pd.Index(idx[j].to_numpy(dtype=np.uint64), name=idx[j].name)
    return idx


def _object_ints(idx: list, num: list) -> None:
    """Object ids that are all integers (Python ints, as an export of ids beyond int64 reads) beside other integer
    ids (``num``: the positions of integer dtypes; ``idx`` is changed in place): pandas unites them with int64 ids
    through float64 or uint64, depending on the order, when one is beyond int64 (2**63 + 7 became
    9.223372036854776e+18, and an id of the other input missed it). With an id beyond int64 they become uint64
    when no id of the integer inputs is negative and all are below 2**64 (``same_ids`` then makes the signed ones
    uint64 too), else the integer dtypes become Python ints (object). Within int64, beside unsigned ids (which
    pandas unites with them through float64) they become uint64, or int64 where one is negative, which
    ``same_ids`` then unites exactly; pandas unites them with signed ids as int64 exactly: left as they are
    there."""
    oints = [j for j, p in enumerate(idx) if p is not None and len(p) and p.dtype == object
             and p.inferred_type == "integer"]
    if not oints or not (num or len(oints) > 1):
        return
    vals = {j: [int(v) for v in idx[j]] for j in oints}
    if all(-2 ** 63 <= min(v) and max(v) < 2 ** 63 for v in vals.values()):
        # (beside unsigned ids pandas unites them through float64 too: 2**63 + 7 of a uint64 input became
        # 9.223372036854776e+18, and small ids 8.0; as uint64, or int64 where one is negative, ``same_ids``
        # unites them with those exactly)
        if any(idx[j].dtype.kind == "u" and len(idx[j]) for j in num):   # (an empty index meets no id)
            for j in oints:
                kind = np.uint64 if min(vals[j]) >= 0 else np.int64
                idx[j] = pd.Index(np.array(vals[j], dtype=kind), name=idx[j].name)
        return
    los = [min(v) for v in vals.values()] + [int(idx[j].min()) for j in num if len(idx[j])]
    his = [max(v) for v in vals.values()] + [int(idx[j].max()) for j in num if len(idx[j])]
    if min(los) >= 0 and max(his) < 2 ** 64:
        for j in oints:
            idx[j] = pd.Index(np.array(vals[j], dtype=np.uint64), name=idx[j].name)
    else:
        for j in num:
            idx[j] = pd.Index(idx[j].to_numpy(dtype=object), dtype=object, name=idx[j].name)


def _categorical_ints(idx: list, num: list) -> None:
    """Categorical ids of integers beside integer ids of the other signedness (``num``: the positions of integer
    dtypes; ``idx`` is changed in place): pandas unites uint64 ids with a categorical of int64 ones (and int64 or
    Int64 ids with one of uint64) through float64, where 2**60 + 1 == 2**60 and two ids beyond 2**63 may become
    one. Such categoricals become the integers they hold (their categories' dtype), which ``same_ids`` then unites
    exactly with the others. Categoricals beside ids of their own signedness unite exactly: left as they are."""
    cats = [j for j, p in enumerate(idx) if p is not None and len(p) and isinstance(p.dtype, pd.CategoricalDtype)
            and getattr(p.dtype.categories.dtype, "kind", "O") in "iu"]
    kinds = {idx[j].dtype.kind for j in num if len(idx[j])} | {idx[j].dtype.categories.dtype.kind for j in cats}
    if cats and kinds == {"i", "u"}:
        for j in cats:
            idx[j] = pd.Index(np.asarray(idx[j].astype(idx[j].dtype.categories.dtype)), name=idx[j].name)


def numpy_dates(col: pd.Series) -> pd.Series:
    """``col`` as NumPy ``datetime64`` (with its time zone) when it holds pyarrow timestamps or dates (``date32``
    as ``datetime64[s]``, ``date64`` as ``[ms]``), categorical dates or an object column of date objects
    (``Timestamp``, ``datetime``, ``date``, ``np.datetime64``; in one time zone or none), else ``col`` itself:
    the date axis reads int64 ticks."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        if not pd.api.types.is_datetime64_any_dtype(col.dtype.categories.dtype):
            return col
        col = col.astype(col.dtype.categories.dtype)
    if col.dtype == object and len(col) and pd.api.types.infer_dtype(col, skipna=True) in (
            "date", "datetime", "datetime64"):
        try:
            return pd.Series(pd.to_datetime(col), index=col.index, name=col.name)
        except (TypeError, ValueError):  # (several time zones, or naive with aware: refused as before)
            return col
    if not isinstance(col.dtype, pd.ArrowDtype):
        return col
    import pyarrow as pa

    t = col.dtype.pyarrow_dtype
    if pa.types.is_timestamp(t):
        return col.astype(pd.DatetimeTZDtype(t.unit, t.tz) if t.tz else np.dtype(f"datetime64[{t.unit}]"))
    if pa.types.is_date(t):
        return col.astype(np.dtype("datetime64[s]" if pa.types.is_date32(t) else "datetime64[ms]"))
    return col


def isin(values, among) -> np.ndarray:
    """``pd.Index(values).isin(among)`` (a Series' or an Index's own ``isin``) as a bool array, without pandas'
    Python loop for Arrow-backed text: for pandas' ``str`` / ``string[pyarrow]`` ``values`` pandas builds one
    pyarrow scalar per value of ``among`` (~9 us each: seconds for 10^5 ids). Here the text of ``among`` goes to
    ``pyarrow.compute.is_in`` in one piece, keeping pandas' rules: only text meets text (numbers never do), and a
    missing value meets a missing one (None, NaN, ``pd.NA``, ``pd.NaT``). Any other case: pandas' own ``isin``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> isin(pd.Index(["a", "b", None, "1"], dtype="str"), ["b", np.nan, 1]).tolist()
    [False, True, True, False]
    """
    own = values if isinstance(values, (pd.Index, pd.Series)) else pd.Index(values)
    if isinstance(own, pd.MultiIndex) or isinstance(among, pd.MultiIndex):  # (a MultiIndex has no one array)
        return np.asarray(own.isin(among), dtype=bool)
    arr = own.array
    if not (isinstance(arr.dtype, pd.StringDtype) and arr.dtype.storage == "pyarrow"):
        return np.asarray(own.isin(among), dtype=bool)
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = arr.__arrow_array__()
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    other = among.array if isinstance(among, (pd.Index, pd.Series)) else among
    other = other.to_numpy() if isinstance(other, pd.arrays.NumpyExtensionArray) else other
    if isinstance(getattr(other, "dtype", None), pd.StringDtype):
        other = np.asarray(other, dtype=object) if other.dtype.storage != "pyarrow" else other
    elif isinstance(getattr(other, "dtype", None), pd.CategoricalDtype):
        other = np.asarray(other, dtype=object)
    elif not isinstance(other, np.ndarray) and hasattr(other, "dtype") or isinstance(other, (str, bytes)):
        return np.asarray(own.isin(among), dtype=bool)  # (other arrays, and pandas' error for one string)
    elif not isinstance(other, np.ndarray):
        if not np.iterable(other):
            return np.asarray(own.isin(among), dtype=bool)
        other = list(other)
    if isinstance(other, np.ndarray) and other.ndim != 1:
        return np.asarray(own.isin(among), dtype=bool)
    if isinstance(other, np.ndarray) and other.dtype.kind in "iub":
        return np.zeros(len(arr), dtype=bool)
    if isinstance(other, np.ndarray) and other.dtype.kind == "f":  # (NaN is missing for float64 only, as pyarrow)
        null = pa.scalar(other.dtype.type(np.nan), from_pandas=True).type == pa.null() and np.isnan(other).any()
        keep = pa.array([None] if null else [], type=texts.type)
    elif isinstance(other, np.ndarray) and other.dtype.kind == "U":
        keep = pa.array(other.tolist(), type=texts.type)  # (from a "<U" array pyarrow cuts at a NUL character)
    elif isinstance(other, np.ndarray) and other.dtype != object:
        return np.asarray(own.isin(among), dtype=bool)
    elif not isinstance(other, (np.ndarray, list)):  # Arrow text
        keep = other.__arrow_array__()
        keep = keep.combine_chunks() if isinstance(keep, pa.ChunkedArray) else keep
    else:
        strs = [v for v in other if isinstance(v, str)]
        null = False
        if len(strs) < len(other):
            for v in other:
                if isinstance(v, str) or isinstance(v, (int, np.integer)) and (
                        not isinstance(v, int) or -2 ** 63 <= v < 2 ** 63):
                    continue  # (ints beyond int64 go to pyarrow below: pandas' OverflowError)
                if type(v) is float or isinstance(v, np.float64) or v is None or v is pd.NA or v is pd.NaT:
                    null = null or v is None or v is pd.NA or v is pd.NaT or v != v
                    continue
                s = pa.scalar(v, from_pandas=True)  # (as pandas reads any other value)
                if s.type in (pa.string(), pa.large_string()):
                    strs.append(s.as_py())
                null = null or s.type == pa.null()
        keep = pa.array(strs + [None] if null else strs, type=texts.type)
    if not len(keep):
        return np.zeros(len(arr), dtype=bool)
    return np.array(pc.is_in(texts, value_set=keep.cast(texts.type)), dtype=np.bool_)

"""Compiled bill of materials: multi-level explosion, cost roll-up, where-used and low-level codes.

A :class:`BOM` is compiled once from a frame of lines (parent, component, quantity) into dense integer codes,
CSR child arrays and low-level codes (the "index"); every explosion then runs through it in one pass over the
edges, level by level, with all three engines giving the same bits. Semantics (DOMAIN.md sections 1, 4, 9):

- the quantity of a component per one unit of its parent is ``qty_per / per x (1 + loss) x factor``
  (``per`` = parent output quantity the line refers to, ``loss`` = attrition on the component, ``factor`` =
  conversion of the line's unit to the component's stock unit); ``scale="percent"`` divides ``qty_per`` by 100;
- duplicate (parent, component) lines add up; a component reached through several paths sums all paths;
- no rounding anywhere in the explosion;
- a cycle is an error (:class:`BOMCycleError`) naming the items of one cycle in order.

Compiled arrays other modules may read (all read-only NumPy arrays, indexed by item *code*):

- ``items`` (pandas Index): the item id of every code; ``codes(ids)`` maps ids to codes (-1 = not in the BOM);
- ``llc`` (int64[n]): low-level code (0 = top level; a component is always at a deeper level than every parent
  of it). Codes are numbered in low-level-code order, so every edge goes from a lower code to a higher one,
  ``range(n_items)`` is a topological order, and the codes of level ``L`` are
  ``range(level_ptr[L], level_ptr[L + 1])``;
- ``indptr`` (int64[n+1]), ``indices`` (int64[E]), ``qty`` (float64[E]): CSR children: the components of code
  ``u`` are ``indices[indptr[u]:indptr[u+1]]`` (ascending), each needing ``qty[e]`` per unit of ``u``;
  ``edge_parent`` (int64[E]) is the parent code of each edge;
- ``is_leaf`` and ``is_phantom`` (bool[n]).
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd

from bk_fast._arrow_text import text_buffers
from bk_fast._engine import pick, resolve
from bk_fast._validate import FLAG_SPELLINGS, columns_present, exact_int_floats, find_column, flag_value, \
    float_column, number_arg, one_column, pick_column, plain, reject_text, require_frame, spellings

__all__ = ["BOM", "BOMCycleError"]

#: demand lines are mapped to codes and accumulated this many at a time (bounds temporary memory)
_CHUNK = 1 << 13
_SCALES = ("fraction", "percent")


class BOMCycleError(ValueError):
    """The BOM contains a cycle; ``cycle`` lists the items of one cycle in order (the first item is repeated
    at the end of the message, not in the list). A ``ValueError``.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> bad = pd.DataFrame({"parent": ["A", "B", "B"], "component": ["B", "A", "Y"], "qty_per": [1, 1, 2]})
    >>> try:
    ...     bk_fast.BOM.from_frame(bad)
    ... except bk_fast.BOMCycleError as exc:
    ...     print(exc.cycle, exc)
    ['A', 'B'] BOM has a cycle: 'A' -> 'B' -> 'A'
    """

    def __init__(self, cycle: list):
        self.cycle = list(cycle)
        path = " -> ".join(repr(x) for x in self.cycle + self.cycle[:1])
        super().__init__(f"BOM has a cycle: {path}")


# ----------------------------------------------------------------------------------------------------------
# validation helpers


def _rows(labels, mask: np.ndarray, limit: int = 10) -> str:
    """Short text naming the rows (index labels) where ``mask`` is true."""
    where = np.flatnonzero(mask)
    shown = ", ".join(repr(x) for x in pd.Index(labels).take(where[:limit]).tolist())
    more = f" and {where.size - limit} more" if where.size > limit else ""
    return f"[{shown}{more}]"


def _id_values(col: pd.Series, strip: bool) -> tuple[np.ndarray, np.ndarray]:
    """Item ids of a column as an array (int64 when every id is an integer, including integral floats; else
    float64 or object) and the mask of missing ids (NaN, None, empty or blank text: white space only is missing
    with ``strip`` False too, in a column of text as in one mixing numbers and text). A cell that is no id (a
    list, a dict: unhashable) is a TypeError naming the column, the row and the value."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        col = col.astype(object)
        dtype = col.dtype
    kind = getattr(dtype, "kind", "O")
    # our own writable copy: pandas 3 hands out read-only arrays, and the mixed-object path below marks blanks
    missing = np.array(col.isna(), dtype=bool)
    # (an all-missing nullable UInt64 column: max() is <NA>, whose truth is ambiguous)
    if kind == "u" and not missing.all() and col.max() >= 2 ** 63:  # beyond int64: keep the ids as Python ints
        return col.to_numpy(dtype=object), missing
    if kind in "iu":  # (nullable Int64/UInt64 with <NA> too: never through float64, which rounds ids > 2**53)
        if not missing.any():
            return np.ascontiguousarray(col.to_numpy(dtype=np.int64)), missing
        return col.to_numpy(dtype=np.int64, na_value=0), missing
    if kind in "fiu":
        arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
        good = arr[~missing]
        if np.all(np.isfinite(good)) and np.all(good == np.floor(good)) and np.all(np.abs(good) < 2.0 ** 53):
            return np.where(missing, 0.0, arr).astype(np.int64), missing
        return arr, missing
    inferred = pd.api.types.infer_dtype(col, skipna=True)
    if inferred == "integer":
        vals = col.to_numpy(dtype=object)
        out = np.zeros(len(vals), dtype=np.int64)
        try:
            out[~missing] = vals[~missing].astype(np.int64)
            return out, missing
        except OverflowError:  # ids beyond int64 stay Python ints (hashable ids like any other)
            pass
    if inferred in ("string", "empty"):
        text = col.astype("string")
        stripped = text.str.strip()
        if strip:
            text = stripped
        blank = (stripped == "").fillna(False).to_numpy(dtype=bool)
        return text.to_numpy(dtype=object, na_value=None), missing | blank
    vals = col.to_numpy(dtype=object).copy()
    for i, x in enumerate(vals):
        if isinstance(x, str):
            x = x.strip() if strip else x
            vals[i] = x
            if x == "" or x.isspace():
                missing[i] = True
        elif isinstance(x, float):
            if x.is_integer() and abs(x) < 2.0 ** 53:
                vals[i] = int(x)
        elif not isinstance(x, int):
            try:
                hash(x)
            except TypeError:
                raise TypeError(f"id column {plain(col.name)!r} row {plain(col.index[i])!r} (position {i}): "
                                f"{x!r} ({type(x).__name__}) is no id; ids are numbers or text") from None
    return vals, missing


def _phantom_flags(col, label, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Phantom flag of every line and the mask of the lines flagged not phantom (``N``, False, 0: an empty cell
    is neither), bool arrays; a cell that is not a recognised flag, on a line that is kept, is a ValueError naming
    the column and the row (ERP text ``"N"``/``"No"`` is not phantom, though truthy)."""
    if isinstance(col, pd.DataFrame):
        raise ValueError(f"bom has several columns labelled {label!r}: pass one phantom flag column")
    dtype = col.dtype
    kind = getattr(dtype, "kind", "O")
    if kind == "b":  # bool, and nullable boolean (<NA> = not phantom)
        flag = np.array(col.to_numpy(dtype=bool, na_value=False), dtype=bool)
        return flag, ~flag & ~np.asarray(col.isna(), dtype=bool)
    if kind in "iuf" and not isinstance(dtype, pd.CategoricalDtype):
        arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
        flag, no = arr == 1, arr == 0
        bad = ~(np.isnan(arr) | flag | no)
        values = col.to_numpy(dtype=object)
    else:
        values = col.to_numpy(dtype=object)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        known = [flag_value(u) for u in uniques]
        ok = np.array([k is not None for k in known] + [True], dtype=bool)  # (code -1: missing, not phantom)
        yes = np.array([k is True for k in known] + [False], dtype=bool)
        said_no = np.array([k is False and not (isinstance(u, str) and not u.strip()) for u, k in zip(uniques, known)]
                           + [False], dtype=bool)  # (blank text is an empty cell: no say)
        flag, no, bad = yes[codes], said_no[codes], ~ok[codes]
    bad &= keep
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        row, value = plain(col.index[i]), plain(values[i])
        raise ValueError(f"bom column {label!r} row {row!r} (position {i}): {value!r} is not a phantom flag; "
                         f"accepted: {FLAG_SPELLINGS}; an empty cell is not phantom")
    return np.asarray(flag, dtype=bool), np.asarray(no, dtype=bool)


def _agreeing_flags(fc: np.ndarray, flag: np.ndarray, no: np.ndarray, labels, label, uniques) -> None:
    """ValueError naming the column, the item and two rows when lines of one component (codes ``fc``) disagree:
    one flagged phantom (``flag``), another flagged not (``no``). Phantom-ness is the item's, not the line's."""
    if not (flag.any() and no.any()):
        return
    said = np.zeros(len(uniques), dtype=bool)
    said[fc[flag]] = True
    clash = no & said[fc]
    if clash.any():
        j = int(np.flatnonzero(clash)[0])
        i = int(np.flatnonzero(flag & (fc == fc[j]))[0])
        raise ValueError(f"bom column {label!r} flags component {_py(uniques[fc[j]])!r} phantom at row "
                         f"{plain(labels[i])!r} but not at row {plain(labels[j])!r}: a phantom is an item, "
                         f"phantom on all of its lines (an empty cell leaves the line to the others) or none")


def _is_label(df: pd.DataFrame, spec) -> bool:
    """``spec in df.columns``, False for what no label can be (a Series, a list: unhashable)."""
    try:
        return spec in df.columns
    except TypeError:
        return False


def _label_advice(argname: str) -> tuple[str, str]:
    """What :func:`_label`'s errors tell the caller to do for parameter ``argname``: (its column missing, several
    columns for it). The ERP adapters, which have no such parameter, replace it
    (:func:`bk_fast.erp._bom_compiled`)."""
    return (f"pass {argname}=<column label>",
            f"choose one with {argname}=<column label>, or drop or rename the others")


def _label(df: pd.DataFrame, given, defaults: tuple[str, ...], what: str, argname: str):
    """The frame's label for a column: ``given`` (exactly or by ERP alias), else the first of the defaults (each
    followed by its ERP aliases) present; two labels of it differing only in case, spaces or punctuation
    (``qty`` beside ``Qty``) are a ValueError naming both."""
    if given is not None:
        try:
            present = given in df.columns
        except TypeError:  # (a Series or a list of values: no label)
            raise TypeError(f"{argname} must be a column label of the {what} frame, got "
                            f"{type(given).__name__}") from None
        if present:
            return one_column(df, given, what)
        return find_column(df, given, what=what)
    missing, several = _label_advice(argname)
    label = pick_column(df, spellings(*defaults), what, argname, several, ordered=True)
    if label is not None:
        return label
    raise ValueError(f"{what} has no {argname} column (looked for {', '.join(map(repr, defaults))}); {missing}; "
                     f"{columns_present(df, spellings(*defaults))}")


def _optional(df: pd.DataFrame, spec, name: str, default: float, *, allow_nan_default: bool,
              keep: np.ndarray | None = None) -> np.ndarray | None:
    """Per-line numbers from a column label, a scalar, or None (absent). ``keep``: the lines read (blank lines
    are dropped: what they hold is not looked at)."""
    if spec is None:
        return None
    number = isinstance(spec, (int, float, np.integer, np.floating)) and not isinstance(spec, (bool, np.bool_))
    if number and _is_label(df, spec):
        # (a frame with number labels, read_csv(header=None): per=1 read column 1, the component ids, as per)
        raise ValueError(f"{name}={plain(spec)!r} is a number and also a column label of the bom frame (its "
                         f"columns are numbered, e.g. read_csv(header=None)): give the frame text labels "
                         f"(df.rename(columns=str)) and pass {name}={str(plain(spec))!r} for that column or "
                         f"{name}={plain(spec)!r} for the number")
    if isinstance(spec, str) or _is_label(df, spec):
        label = one_column(df, spec, "bom") if spec in df.columns else find_column(df, spec, what="bom")
        arr = float_column(df, label, what="bom")
        if allow_nan_default:  # (empty cells take the default; text that is no number is an error)
            reject_text(df, label, arr, "bom", f"a number for {name}, or an empty cell for {default:g}", keep)
    elif number:
        arr = np.full(len(df), float(spec))
    else:
        raise TypeError(f"{name} must be a column label or a number, got {type(spec).__name__}")
    if allow_nan_default:
        arr = np.where(np.isnan(arr), default, arr)
    return arr


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.setflags(write=False)


# ----------------------------------------------------------------------------------------------------------


def _code_array(codes: np.ndarray, n: int) -> np.ndarray:
    """``codes`` (1-D, any array-like already through ``np.asarray``) as int64 item codes in ``[-1, n)``.

    Integer dtypes are taken as they are (uint64 beyond int64 included: checked before any cast); float codes
    only when every one is a whole number (``2.0`` is code 2; ``1.7``, NaN and inf are errors, never truncated);
    an object array only of integers and such floats. Booleans and any other dtype are a TypeError. Errors name
    ``codes`` and the first bad position."""
    kind = codes.dtype.kind
    if kind == "O":
        vals = codes.tolist()
        for i, x in enumerate(vals):
            if not isinstance(x, (int, np.integer, float, np.floating)) or isinstance(x, (bool, np.bool_)):
                raise TypeError(f"codes must be integer item codes; position {i} is {x!r} "
                                f"({type(x).__name__})")
        whole = np.fromiter((isinstance(x, (int, np.integer)) or float(x).is_integer() for x in vals), dtype=bool,
                            count=len(vals))
        inside = np.fromiter((-1 <= x < n for x in vals), dtype=bool, count=len(vals))
    elif kind in "iu":
        if not codes.size or (codes.min() >= -1 and codes.max() < n):  # (compared in the codes' own dtype)
            return np.ascontiguousarray(codes, dtype=np.int64)
        vals = codes
        whole = np.ones(codes.shape[0], dtype=bool)
        inside = (codes >= -1) & (codes < n)
    elif kind == "f":
        vals = codes
        whole = np.isfinite(codes) & (np.trunc(codes) == codes)
        inside = (codes >= -1) & (codes < n)
    elif kind == "b":
        raise TypeError("codes must be integer item codes, got a bool array (a mask is not codes: "
                        "np.flatnonzero(mask) gives the codes it selects)")
    else:
        raise TypeError(f"codes must be an array of integer item codes, got dtype {codes.dtype}")
    if not whole.all():
        i = int(np.flatnonzero(~whole)[0])
        raise ValueError(f"codes must be whole numbers (integer item codes, -1 = not in the BOM); position {i} "
                         f"is {plain(vals[i])!r}")
    if not inside.all():
        i = int(np.flatnonzero(~inside)[0])
        raise ValueError(f"codes must be in [-1, {n}); position {i} is {plain(vals[i])!r}")
    if kind == "O":
        return np.array([int(x) for x in vals], dtype=np.int64)
    return np.ascontiguousarray(codes, dtype=np.int64)


def _emit_mask(emit, n: int) -> np.ndarray:
    """``emit`` as a contiguous bool[n]; any other dtype (0/1 integers could be item codes) is a TypeError."""
    arr = np.asarray(emit)
    if arr.dtype.kind != "b":
        raise TypeError(f"emit must be a bool array of length n_items={n} (a mask over the items), got dtype "
                        f"{arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"emit must be a bool array of length n_items={n}, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


class BOM:
    """A bill of materials compiled once into arrays; explode any demand through it in one pass.

    Build it with :meth:`BOM.from_frame`. See the module docstring for the compiled arrays
    (``items``, ``llc``, ``level_ptr``, ``indptr``, ``indices``, ``qty``, ``edge_parent``, ``is_leaf``,
    ``is_phantom``) that other kernels may read; the arrays are read-only.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> lines = pd.DataFrame({"parent": ["FG", "FG", "SUB"], "component": ["SUB", "Y1", "Y2"],
    ...                       "qty_per": [2.0, 0.5, 3.0]})
    >>> bom = bk_fast.BOM.from_frame(lines)
    >>> bom
    BOM(4 items, 3 edges, 3 levels)
    >>> bom.explode(pd.DataFrame({"item": ["FG"], "qty": [10.0]}))
      item   qty
    0   Y1   5.0
    1   Y2  60.0
    """

    __slots__ = ("items", "llc", "level_ptr", "indptr", "indices", "qty", "edge_parent", "is_leaf",
                 "is_phantom", "_lines", "_lookup", "_strip", "_emit_leaf", "_token")
    # _lines: the validated input lines (ids, qty_per as a fraction, per, loss, factor, component codes), kept
    # compactly (see _compile); _line_columns gives them back
    # _token: a random id drawn at compile time and kept by pickles and copies (see __dask_tokenize__)

    # ------------------------------------------------------------------------------------------------------
    # construction

    @classmethod
    def from_frame(cls, df: pd.DataFrame, parent=None, component=None, qty_per=None, per=None, loss=None,
                   factor=None, phantom=None, scale: str = "fraction", strip: bool = True, *,
                   engine: str | None = None) -> "BOM":
        """Compile a BOM from one row per (parent, component) line.

        Parameters
        ----------
        df : DataFrame
            BOM lines. Not modified. Rows whose parent, component and quantity are all empty (the trailing
            rows of ERP exports) are skipped.
        parent, component, qty_per : column label, optional
            Default: ``parent``/``component``/``qty_per``, else the ERP's ``Style#``/``Desc#``/
            ``BOM_Percentage`` (under any accepted alias).
        per : column label or number, optional
            Parent output quantity the line refers to (default 1): need = parent qty x qty_per / per. Must be
            > 0. A number that is also a column label (a frame of numbered columns) is a ValueError, for
            ``per``, ``loss`` and ``factor``: rename the columns to text to choose.
        loss : column label or number, optional
            Attrition fraction on the line (default 0): need x (1 + loss). Empty cells count 0 (text that is no
            number, such as ``"5%"``, is a ValueError naming the row); must be >= 0. (The efficiency form,
            need / yield, is ``loss = 1 / yield - 1``.)
        factor : column label or number, optional
            Conversion of the line's unit to the component's stock unit (default 1). Empty cells count 1 (text
            that is no number is a ValueError); must be > 0.
        phantom : column label or iterable of item ids, optional
            Phantom items are exploded through but never reported as demand. A column flags the line's
            component as phantom: booleans (nullable too), numbers 0/1, or text ``Y``/``N``, ``Yes``/``No``,
            ``True``/``False``, ``T``/``F``, ``1``/``0`` (any case, surrounding spaces ignored); an empty cell
            is not phantom, any other value is a ValueError naming the row. A phantom item must have
            components. The flags of one component's lines must agree: ``Y`` on one and ``N`` on another is a
            ValueError naming both rows (an empty cell does not disagree: the component is phantom when another
            of its lines flags it).
        scale : {"fraction", "percent"}
            ``"percent"`` divides ``qty_per`` by 100 (never guessed).
        strip : bool
            Strip surrounding spaces from text ids (ERP exports carry leading spaces).
        engine : str, optional
            Engine for the level kernel.

        Returns
        -------
        BOM

        Raises
        ------
        ValueError
            Missing column; empty ids, negative/NaN/infinite quantities, ``per`` <= 0 (message names the rows).
        BOMCycleError
            The lines contain a cycle (message names its items in order).

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> erp = pd.DataFrame({"Style#": [" 125792/1", "125792/1"], "Desc#": [18767, 18929],
        ...                     "BOM_Percentage": [91.4, 8.6], "unit": ["lbs", "lbs"]})
        >>> bom = bk_fast.BOM.from_frame(erp, scale="percent")
        >>> bom.items.tolist(), bom.llc.tolist()
        (['125792/1', 18767, 18929], [0, 1, 1])
        >>> bad = pd.DataFrame({"parent": ["A", "B"], "component": ["B", "A"], "qty_per": [1, 1]})
        >>> bk_fast.BOM.from_frame(bad)
        Traceback (most recent call last):
        ...
        bk_fast.bom.BOMCycleError: BOM has a cycle: 'A' -> 'B' -> 'A'
        """
        df = require_frame(df, "bom")
        if scale not in _SCALES:
            raise ValueError(f"scale must be one of {_SCALES}, got {scale!r}")
        p_label = _label(df, parent, ("parent", "Style#"), "bom", "parent")
        c_label = _label(df, component, ("component", "Desc#"), "bom", "component")
        q_label = _label(df, qty_per, ("qty_per", "BOM_Percentage"), "bom", "qty_per")
        pids, pmiss = _id_values(df[p_label], strip)
        cids, cmiss = _id_values(df[c_label], strip)
        q = float_column(df, q_label, what="bom")
        keep = ~(pmiss & cmiss & np.isnan(q))
        labels = df.index
        if not keep.all():
            labels = df.index[keep]
            pids, pmiss, cids, cmiss, q = pids[keep], pmiss[keep], cids[keep], cmiss[keep], q[keep]
        for miss, lab in ((pmiss, p_label), (cmiss, c_label)):
            if miss.any():
                raise ValueError(f"bom column {lab!r} has empty ids at rows {_rows(labels, miss)}")
        bad = ~np.isfinite(q) | (q < 0)
        if bad.any():
            raise ValueError(f"bom column {q_label!r} must be a finite number >= 0; bad rows "
                             f"{_rows(labels, bad)}")
        extra = {}
        for spec, name, default, check in ((per, "per", 1.0, "> 0"), (loss, "loss", 0.0, ">= 0"),
                                           (factor, "factor", 1.0, "> 0")):
            arr = _optional(df, spec, name, default, allow_nan_default=name != "per", keep=keep)
            if arr is None:
                extra[name] = default  # (one number for every line: _compile keeps no column of defaults)
                continue
            if not keep.all():
                arr = arr[keep]
            bad = ~np.isfinite(arr) | ((arr <= 0) if check == "> 0" else (arr < 0))
            if bad.any():
                raise ValueError(f"bom {name} ({spec!r}) must be a finite number {check}; bad rows "
                                 f"{_rows(labels, bad)}")
            extra[name] = arr
        qfrac = q / 100.0 if scale == "percent" else q
        mult = qfrac / extra["per"] * (1.0 + extra["loss"]) * extra["factor"]
        if not np.all(np.isfinite(mult)):
            raise ValueError(f"bom quantities overflow to infinity at rows {_rows(labels, ~np.isfinite(mult))}")

        # phantom items (by line flag or by id)
        phantom_ids = None
        if phantom is not None:
            is_col = False
            try:
                is_col = phantom in df.columns
            except TypeError:  # unhashable: a list of ids
                pass
            if is_col:  # (a first-level label of a two-level header: its one column; a repeated label is named)
                ph_label = one_column(df, phantom, "bom") if isinstance(df.columns, pd.MultiIndex) else phantom
                flag, no = _phantom_flags(df[ph_label], phantom, keep)
                if not keep.all():
                    flag, no = flag[keep], no[keep]
                phantom_ids = ("codes", (flag, no, labels, phantom))
            elif isinstance(phantom, str) or not isinstance(phantom, Iterable):
                raise ValueError(f"phantom {phantom!r} is not a column of bom; pass a column label or a list "
                                 f"of item ids")
            else:
                phantom_ids = ("ids", list(phantom))

        return cls._compile(pids, cids, mult, phantom_ids, strip, engine,
                            lines=(q, qfrac, extra))

    @classmethod
    def _compile(cls, pids, cids, mult, phantom_spec, strip, engine, lines) -> "BOM":
        self = cls.__new__(cls)
        self._strip = strip
        m = pids.shape[0]
        # factorize each column in its own dtype (hashing one mixed object array is several times slower),
        # then add the components that are not parents
        fp, puniq = pd.factorize(pids)
        fc, cuniq = pd.factorize(cids)
        same = puniq.dtype == cuniq.dtype and puniq.dtype != object
        if not same and _disjoint_kinds(puniq, cuniq):  # e.g. text styles over integer yarns
            cmap = np.full(len(cuniq), -1, dtype=np.int64)
        else:
            pindex = pd.Index(puniq if same else puniq.astype(object), dtype=None if same else object)
            cmap = pindex.get_indexer(cuniq if same else cuniq.astype(object)).astype(np.int64)
        fresh = cmap < 0
        cmap[fresh] = len(puniq) + np.arange(int(fresh.sum()), dtype=np.int64)
        uniques = np.concatenate([puniq, cuniq[fresh]] if same else
                                 [puniq.astype(object), cuniq[fresh].astype(object)])
        n = len(uniques)
        fp = fp.astype(np.int64)
        fc = cmap[fc] if m else fc.astype(np.int64)
        # levels (Kahn) on the raw lines: CSR by parent, duplicates included (they count as in-edges twice)
        by_parent = np.arange(m) if m < 2 or np.all(fp[1:] >= fp[:-1]) else np.argsort(fp, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(fp, minlength=n), out=indptr[1:])
        llc = np.empty(n, dtype=np.int64)
        done = resolve("bom_levels", engine)(indptr, np.ascontiguousarray(fc[by_parent]), llc)
        if done < n:
            raise BOMCycleError(_find_cycle(fp, fc, llc, uniques))
        del by_parent
        # renumber codes in low-level-code order (stable: first appearance within a level)
        order = np.argsort(llc, kind="stable")
        new = np.empty(n, dtype=np.int64)
        new[order] = np.arange(n, dtype=np.int64)
        # one sort by (new parent, new child); duplicate lines add up, in line order
        key = new[fp] * n + new[fc]
        eorder = np.argsort(key)
        skey = key[eorder]
        first = np.ones(m, dtype=bool)
        if m:
            np.not_equal(skey[1:], skey[:-1], out=first[1:])
        ukey = skey[first]
        group = np.empty(m, dtype=np.int64)
        group[eorder] = np.cumsum(first) - 1
        msum = np.zeros(ukey.shape[0], dtype=np.float64)
        np.add.at(msum, group, mult)
        self.edge_parent = np.ascontiguousarray(ukey // n) if n else np.zeros(0, dtype=np.int64)
        self.indices = np.ascontiguousarray(ukey % n) if n else np.zeros(0, dtype=np.int64)
        self.qty = msum
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.edge_parent, minlength=n), out=self.indptr[1:])
        self.llc = np.ascontiguousarray(llc[order])
        n_levels = int(self.llc[-1]) + 1 if n else 0
        self.level_ptr = np.zeros(n_levels + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.llc, minlength=n_levels), out=self.level_ptr[1:])
        ordered = uniques[order]
        if ordered.dtype == object:
            self.items = pd.Index(ordered, dtype=object, name="item", tupleize_cols=False)
            if self.items.inferred_type in ("string", "integer"):
                self.items = pd.Index(list(ordered), name="item", tupleize_cols=False)
        else:
            self.items = pd.Index(ordered, name="item")
        self.is_leaf = np.diff(self.indptr) == 0
        self.is_phantom = np.zeros(n, dtype=bool)
        self._lookup = _IntLookup.build(self.items)
        if n:
            self.items.get_indexer(self.items[:1])  # build the hash table once, here
        if phantom_spec is not None:
            kind, spec = phantom_spec
            if kind == "codes":
                flag, no, labels, label = spec
                pc = new[fc[flag]]
                _agreeing_flags(fc, flag, no, labels, label, uniques)
            else:
                ids, miss = _id_values(pd.Series(spec, dtype=object), strip)
                pc = self.codes(ids) if len(ids) else np.zeros(0, dtype=np.int64)
                if (pc < 0).any() or miss.any():
                    unknown = [spec[i] for i in np.flatnonzero((pc < 0) | miss)[:10]]
                    raise ValueError(f"phantom items not in the BOM: {unknown}")
            self.is_phantom[pc] = True
            leafy = self.is_phantom & self.is_leaf
            if leafy.any():
                raise ValueError(f"phantom items must have components (their demand would vanish): "
                                 f"{self.items[leafy][:10].tolist()}")
        self._emit_leaf = self.is_leaf & ~self.is_phantom
        q, qfrac, extra = lines
        # the lines for to_frame and pickles, compactly: the ids as item codes (int32) into one id per item
        # (kept only where that gives every line's id back exactly, else a copy of the ids), per / loss / factor
        # as one number when every line has the same. (Copies: the ids and numbers may be views of the caller's
        # columns, whose later edits would show in to_frame and the pickled state while the compiled BOM keeps
        # the old numbers.)
        small = np.int32 if n < 2 ** 31 else np.int64
        pcodes, ccodes = new[fp].astype(small), new[fc].astype(small)
        pby = _ids_by_item(pids, new[:len(puniq)], puniq, n)
        cby = _ids_by_item(cids, new[cmap], cuniq, n)
        pspec = _compact_ids(pids, pby, pcodes)
        self._lines = (pspec, _compact_ids(cids, cby, ccodes), np.array(qfrac, copy=True),
                       *(_constant(extra[k]) for k in ("per", "loss", "factor")), ccodes,
                       pcodes if isinstance(pspec, tuple) else None)
        _readonly(self.edge_parent, self.indices, self.qty, self.indptr, self.llc, self.level_ptr, self.is_leaf,
                  self.is_phantom, self._emit_leaf)
        self._token = uuid.uuid4().hex
        return self

    # ------------------------------------------------------------------------------------------------------
    # properties

    @property
    def n_items(self) -> int:
        """Number of distinct items (parents and components)."""
        return len(self.items)

    @property
    def n_edges(self) -> int:
        """Number of distinct (parent, component) edges (duplicate lines merged)."""
        return int(self.indices.shape[0])

    @property
    def n_levels(self) -> int:
        """Number of low levels (max low-level code + 1)."""
        return int(self.level_ptr.shape[0] - 1)

    @property
    def low_level_code(self) -> pd.Series:
        """Low-level code of every item (0 = top; deeper than every parent), a Series indexed by item.

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "A", "B"], "component": ["B", "C", "C"],
        ...                                            "qty_per": [1, 1, 1]}))
        >>> bom.low_level_code.to_dict()
        {'A': 0, 'B': 1, 'C': 2}
        """
        return pd.Series(self.llc, index=self.items, name="low_level_code", copy=True)

    def __repr__(self) -> str:
        return f"BOM({self.n_items} items, {self.n_edges} edges, {self.n_levels} levels)"

    def __len__(self) -> int:
        return self.n_items

    def __getstate__(self):
        state = {k: getattr(self, k) for k in self.__slots__ if hasattr(self, k)}
        state["_lookup_rev"] = _LOOKUP_REV
        return state

    def __dask_tokenize__(self):
        """Dask's name for this BOM in a task graph: the id drawn when it was compiled (a BOM is immutable, and
        its pickled copies on the workers keep the id), so building a graph never pickles the whole BOM to
        hash it (~0.5 s for a 20-mill BOM) just to name it."""
        if not hasattr(self, "_token"):  # (a BOM pickled before BOMs had an id)
            object.__setattr__(self, "_token", uuid.uuid4().hex)
        return ("bk_fast.BOM", self._token)

    def __setstate__(self, state):
        state = dict(state)
        rev = state.pop("_lookup_rev", 0)
        for k, v in state.items():
            object.__setattr__(self, k, v)
        if rev != _LOOKUP_REV:
            # a BOM pickled by an older version holds the integer lookup it was compiled with: one without the
            # whole float items (before _LOOKUP_REV 1) or the bool items (before 2) of an object BOM, which the
            # demand reader of this version expects to find there (an all-bool demand is read as integers)
            object.__setattr__(self, "_lookup", _IntLookup.build(self.items))
        _readonly(self.edge_parent, self.indices, self.qty, self.indptr, self.llc, self.level_ptr, self.is_leaf,
                  self.is_phantom)

    def to_frame(self) -> pd.DataFrame:
        """The validated lines, one row per input line (empty export rows dropped, ids as compiled: stripped
        unless ``strip=False``, ``qty_per`` as a fraction): columns ``parent, component, qty_per, per, loss,
        factor, phantom``.

        ``BOM.from_frame(b.to_frame(), per="per", loss="loss", factor="factor", phantom="phantom")`` rebuilds
        the same BOM, except for a phantom that is no line's component (a top-level phantom): the ``phantom``
        column flags each line's component, so no row can carry it. Pass the phantoms as ids instead to keep
        those too: ``phantom=b.items[b.is_phantom]``. A BOM compiled with ``strip=False`` is rebuilt with
        ``strip=False`` too (its ids ``" A"`` and ``"A"`` are two items; stripping would merge them).

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [50.0]}),
        ...                              scale="percent")
        >>> bom.to_frame()
          parent component  qty_per  per  loss  factor  phantom
        0      A         B      0.5  1.0   0.0     1.0    False
        """
        pids, cids, qfrac, per, loss, factor, ccodes = self._line_columns()
        return pd.DataFrame({"parent": _id_series(pids), "component": _id_series(cids), "qty_per": qfrac,
                             "per": per, "loss": loss, "factor": factor, "phantom": self.is_phantom[ccodes]},
                            copy=False)

    def _line_columns(self) -> tuple:
        """The stored input lines as fresh arrays (parent ids, component ids, qty_per as a fraction, per, loss,
        factor, component codes), from :meth:`_compile`'s compact form or a BOM pickled before it (7 arrays)."""
        pspec, cspec, qfrac, per, loss, factor, ccodes = self._lines[:7]
        pcodes = self._lines[7] if len(self._lines) > 7 else None
        m = qfrac.shape[0]
        pids = pspec[0][pcodes] if isinstance(pspec, tuple) else pspec
        cids = cspec[0][ccodes] if isinstance(cspec, tuple) else cspec
        numbers = (np.full(m, x) if np.ndim(x) == 0 else x.copy() for x in (per, loss, factor))
        return (pids, cids, qfrac.copy(), *numbers, ccodes)

    # ------------------------------------------------------------------------------------------------------
    # id mapping

    def codes(self, ids) -> np.ndarray:
        """Dense codes (int64) of item ids, -1 for ids not in the BOM.

        A float id matches an integer id of the BOM only when it is a whole number below 2**53 in magnitude
        (float64 holds those exactly); any other float id, e.g. ``2.0**60`` (which may be a rounded
        ``2**60 + 1``), is -1 like an unknown id.

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [1]}))
        >>> bom.codes(["B", "Z", "A"]).tolist()
        [1, -1, 0]
        """
        if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
            raise TypeError(f"ids must be list-like, got {type(ids).__name__}")
        if isinstance(ids, pd.Index) and len(ids) and ids.inferred_type in ("string", "integer", "mixed-integer") \
                and self.items.dtype.kind != "f":  # (float items: pandas would meet 2**53 + 1 through float64)
            # ids that are the BOM's own labels as they are (text and integers: no float to round, and the BOM's
            # text is stripped as the lookup below would strip it) are found by one hash lookup; only the others
            # go through the reading of ids (MRP's per-item parameters keyed by every item: 0.8 -> 0.3 s per 10^6)
            try:
                out = self.items.get_indexer(ids).astype(np.int64, copy=False)
            except (TypeError, ValueError):
                out = None
            if out is not None:
                rest = np.flatnonzero(out < 0)
                if rest.size:  # (the reading below, on these ids alone)
                    arr, miss = _id_values(pd.Series(ids.take(rest)), self._strip)
                    sub = self._codes(arr)
                    sub[miss] = -1
                    out[rest] = sub
                return out
        if isinstance(ids, pd.Series):
            s = ids.reset_index(drop=True)
        else:
            s = ids if isinstance(ids, (np.ndarray, pd.Index)) else list(ids)
            s = pd.Series(s) if not isinstance(s, list) else _list_series(s)
        arr, miss = _id_values(s, self._strip)
        out = self._codes(arr)
        out[miss] = -1
        return out

    def _codes(self, arr: np.ndarray) -> np.ndarray:
        if arr.shape[0] == 0 or self.n_items == 0:
            return np.full(arr.shape[0], -1, dtype=np.int64)
        if arr.dtype == object and isinstance(arr[0], (bool, np.bool_)) and \
                pd.api.types.infer_dtype(arr, skipna=False) == "boolean":
            # pandas matches all-bool ids with no integer id, where it compares ids mixed with text by ==: True
            # is the integer id 1 here, as in a mix and as the BOM's own bool items are found (_IntLookup)
            arr = arr.astype(np.int64)
        if arr.dtype.kind in "iu":
            if self._lookup is not None:
                return self._lookup(arr)
            if self.items.dtype.kind == "f":
                # float items (a BOM read from float id columns): an integer id is its float item below 2**53 in
                # magnitude (float64 holds it exactly); the demand reader makes whole float ids integers, so
                # [1.0, 1.0] came here as int64 and matched nothing, where [1.0, 2.5] (kept float) matched
                exact = (arr > -(2 ** 53)) & (arr < 2 ** 53)  # (as a float id meets an integer item)
                out = self.items.get_indexer(arr.astype(np.float64)).astype(np.int64, copy=False)
                out[~exact] = -1
                return out
            if self.items.dtype.kind not in "iuO":
                return np.full(arr.shape[0], -1, dtype=np.int64)
        inexact = self._inexact_floats(arr)
        if arr.dtype.kind in "iuf" and self.items.dtype == object:
            arr = arr.astype(object)
        try:
            out = self.items.get_indexer(arr).astype(np.int64, copy=False)
        except (TypeError, ValueError):
            out = self.items.get_indexer(pd.Index(arr, dtype=object)).astype(np.int64, copy=False)
        if inexact is not None:
            # pandas matches float64 ids with integer ids through float64 (2.0**60 finds 2**60 + 1): a float id
            # that is not a whole number below 2**53 never matches an integer id (it may match a float id)
            hit = np.flatnonzero(inexact & (out >= 0))
            if hit.shape[0]:
                if self.items.dtype.kind in "iu":
                    out[hit] = -1
                else:
                    found = self.items.take(out[hit])
                    is_int = np.fromiter((isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
                                          for x in found), dtype=bool, count=hit.shape[0])
                    out[hit[is_int]] = -1
        return out

    def _inexact_floats(self, arr: np.ndarray) -> np.ndarray | None:
        """Mask of the float ids of ``arr`` that are not whole numbers below 2**53 in magnitude (float64 cannot
        tell such an id from its integer neighbours); None when there are none to care about (no float ids,
        or no integer ids in the BOM)."""
        kind = self.items.dtype.kind
        if kind not in "iuO" or arr.dtype.kind not in "fO":
            return None
        if kind == "O" and self._lookup is None and self.items.inferred_type not in (
                "integer", "mixed-integer", "mixed-integer-float"):
            return None   # (no integer ids: text, float ids; inferred_type is cached by the index)
        if arr.dtype.kind == "f":
            vals = arr.astype(np.float64, copy=False)
            pos = None
        else:
            types = np.fromiter(map(type, arr), dtype=object, count=arr.shape[0])
            kinds = [t for t in pd.unique(types) if issubclass(t, (float, np.floating))]
            if not kinds:
                return None
            pos = np.flatnonzero(np.isin(types, np.array(kinds, dtype=object)))
            vals = arr[pos].astype(np.float64)
        bad = ~exact_int_floats(vals) & ~np.isnan(vals)   # (missing ids are handled by the callers)
        if not bad.any():
            return None
        if pos is None:
            return bad
        out = np.zeros(arr.shape[0], dtype=bool)
        out[pos[bad]] = True
        return out

    def _parent_codes(self, codes: np.ndarray) -> np.ndarray:
        """``codes`` with those of items that have no BOM rows of their own (leaves: yarns) set to -1, in place
        (returned): for demand that must name a style (a parent), as the ERP's knit orders do."""
        hit = np.flatnonzero(codes >= 0)
        codes[hit[self.is_leaf[codes[hit]]]] = -1
        return codes

    def _take(self, codes: np.ndarray, among: np.ndarray | None = None):
        """Item ids of ``codes``: int64 when they are all integer ids (even in a mixed BOM), else as ``items``.
        ``among``: the mask of the items the answer could hold (e.g. the leaves an explosion reports), which
        decides the dtype of an empty answer: int64 when they are all integer ids, as a non-empty one."""
        if self._lookup is not None and self._lookup.ids is not None and self.items.dtype == object:
            ids = self._lookup.ids[codes]
            if codes.shape[0] and self._lookup.is_int[codes].all():
                return pd.Index(ids, name="item")
            if not codes.shape[0] and among is not None and among.any() and self._lookup.is_int[among].all():
                return pd.Index(np.zeros(0, dtype=np.int64), name="item")
        return self.items.take(codes)

    # ------------------------------------------------------------------------------------------------------
    # explosion

    def _demand(self, demand, item, qty, engine: str | None = None):
        """(ids, missing mask, qty float64, line labels) of a demand frame, Series or mapping."""
        if isinstance(demand, pd.DataFrame):
            il = _label(demand, item, ("item", "parent", "Style#"), "demand", "item")
            ql = _label(demand, qty, ("qty", "quantity", "Balance (lbs)"), "demand", "qty")
            col = demand[il]
            codes = None
            if col.dtype == np.int64:  # fast path: a view when contiguous, nothing can be missing
                ids, miss = np.ascontiguousarray(col.to_numpy()), np.zeros(1, dtype=bool)
            elif len(col) > _CHUNK and pd.api.types.is_string_dtype(col.dtype) and \
                    pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
                ids, miss, codes = self._text_codes(col, engine)
            else:
                ids, miss = _id_values(col, self._strip)
            qcol = demand[ql]
            q = (np.ascontiguousarray(qcol.to_numpy()) if qcol.dtype == np.float64
                 else float_column(demand, ql, what="demand"))
            labels = demand.index
        elif isinstance(demand, (pd.Series, Mapping)):
            s = demand if isinstance(demand, pd.Series) else _mapping_series(demand)
            ids, miss = _id_values(s.index.to_series(index=pd.RangeIndex(len(s))), self._strip)
            codes = None
            q = float_column(s.reset_index(drop=True).to_frame("qty"), "qty", what="demand")
            ql = "qty"
            labels = s.index
        else:
            raise TypeError(f"demand must be a DataFrame (item and qty columns), a Series (qty indexed by item) "
                            f"or a mapping item -> qty; got {type(demand).__name__}")
        if miss.shape[0] != q.shape[0]:
            miss = np.broadcast_to(miss[:1], q.shape)
        return ids, miss, q, labels, ql, codes

    def _text_codes(self, col: pd.Series, engine: str | None = None):
        """Codes of many text ids. Returns (stripped ids as a Series, missing mask, codes).

        A BOM of text items on a compiled engine: the ``text_lookup`` kernel reads the column's Arrow bytes and
        probes a hash table of the item bytes, one pass, no Python string per line (white space stripped from
        the bytes as ``str.strip()`` strips it). Otherwise: factorize the column (fast on pandas' string
        arrays), map only the distinct ids through the item index. Blank ids are missing, stripped or not."""
        text = col.astype("str") if col.dtype != "str" else col
        keys = text_buffers(self.items) if self.items.dtype == "str" and pick(engine) != "numpy" else None
        buffers = text_buffers(text) if keys is not None else None
        if buffers is not None:
            codes = np.empty(len(text), dtype=np.int64)
            shortened = np.zeros(1, dtype=np.int64)
            resolve("text_lookup", engine)(*keys[:2], *buffers, bool(self._strip), codes, shortened)
            miss = codes == -3
            if not self._strip:  # white space only is missing, as _id_values reads it (no item is blank)
                rest = np.flatnonzero(codes == -1)
                if rest.size:
                    miss[rest[text.iloc[rest].str.isspace().to_numpy(dtype=bool, na_value=False)]] = True
            codes[miss] = -1
            return (text.str.strip() if shortened[0] else text), miss, codes
        if self._strip:
            text = text.str.strip()
        fcodes, uniq = pd.factorize(text)
        uobj = np.asarray(uniq, dtype=object)
        ucodes = self._codes(uobj) if uobj.shape[0] else np.zeros(0, dtype=np.int64)
        blank = np.fromiter((not x.strip() for x in uobj), dtype=bool, count=uobj.shape[0])
        ucodes[blank] = -1
        ucodes = np.append(ucodes, -1)  # fcodes -1 (missing) picks this
        codes = ucodes[fcodes]
        miss = np.append(blank, True)[fcodes]  # (several blank ids when not stripped: "  ", "\t")
        return text, miss, codes

    @staticmethod
    def _check_finite(q, qlabel, labels):
        for start in range(0, q.shape[0], _CHUNK):  # chunked: no full-length temporaries
            if not np.isfinite(q[start:start + _CHUNK]).all():
                bad = ~np.isfinite(q)
                raise ValueError(f"demand column {qlabel!r} must be finite numbers; bad rows {_rows(labels, bad)}")

    def _check_overflow(self, values: np.ndarray, codes, what: str) -> None:
        """ValueError naming the first item whose result in ``values`` (for the item codes ``codes``) is not
        finite: finite quantities whose products or sums along the BOM overflow float64 (inf; inf - inf and
        0 x inf are NaN). Never a silent inf or NaN in a requirement."""
        for start in range(0, values.shape[0], _CHUNK):  # chunked: no full-length temporaries
            if not np.isfinite(values[start:start + _CHUNK]).all():
                i = start + int(np.flatnonzero(~np.isfinite(values[start:start + _CHUNK]))[0])
                raise ValueError(f"{what}: the quantity of item {plain(self.items[int(codes[i])])!r} overflows the "
                                 f"float range (|x| > 1.8e308, or inf - inf); check the demand and the BOM "
                                 f"quantities on its paths")

    def explode_dense(self, codes: np.ndarray, qty: np.ndarray, *, engine: str | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Gross requirement of every item code for demand lines given as codes: the array API.

        Parameters
        ----------
        codes : integer array
            Item code of each demand line (``-1`` = not in the BOM: skipped), in ``[-1, n_items)``. Any integer
            dtype; floats only when whole (``2.0``; never truncated: ``1.7``, NaN are a ValueError naming the
            position); booleans are a TypeError.
        qty : float64 array
            Quantity of each line (finite).

        Returns
        -------
        req : float64[n_items]
            Direct demand plus everything derived through the BOM (phantoms included, leaves and
            intermediates alike).
        touched : bool[n_items]
            Items the demand reached (including zero quantities).

        Examples
        --------
        >>> import numpy as np, pandas as pd, bk_fast
        >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [2.0]}))
        >>> req, touched = bom.explode_dense(np.array([0]), np.array([3.0]))
        >>> req.tolist(), touched.tolist()
        ([3.0, 6.0], [True, True])
        """
        codes = np.asarray(codes)
        try:
            qty = np.ascontiguousarray(qty, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("qty must be an array of numbers (float64), one per code") from None
        if codes.shape != qty.shape or codes.ndim != 1:
            raise ValueError(f"codes and qty must be 1-D of equal length, got {codes.shape} and {qty.shape}")
        codes = _code_array(codes, self.n_items)
        if not np.all(np.isfinite(qty)):
            raise ValueError("qty must be finite")
        req, touched = self._dense(codes, qty, engine)
        self._check_overflow(req, np.arange(self.n_items), "explode_dense")
        return req, touched

    def _dense(self, codes: np.ndarray, qty: np.ndarray, engine) -> tuple[np.ndarray, np.ndarray]:
        """``explode_dense`` on valid codes without its checks: the requirements (which may overflow) and the
        mask of the items reached."""
        req = np.zeros(self.n_items, dtype=np.float64)
        touched = np.zeros(self.n_items, dtype=np.uint8)
        resolve("bom_accumulate", engine)(codes, qty, req, touched)
        self._propagate(req, touched, engine)
        return req, touched.view(bool)

    def _reach(self, codes: np.ndarray, engine) -> np.ndarray:
        """Items reached from the item ``codes`` (valid int64 codes): themselves and everything below them, as
        a bool mask (the quantities on the way are not looked at: they may overflow without harm here)."""
        return self._dense(codes, np.ones(codes.shape[0]), engine)[1]

    def _propagate(self, req, touched, engine):
        resolve("bom_propagate", engine)(self.indptr, self.indices, self.qty, self.edge_parent, self.level_ptr,
                                         req, touched)

    def explode(self, demand, item=None, qty=None, *, leaves_only: bool = True, keep_levels: bool = False,
                by_line: bool = False, engine: str | None = None) -> pd.DataFrame:
        """Multi-level explosion of demand through the BOM, every path summed, in one pass over the edges.

        Parameters
        ----------
        demand : DataFrame, Series or mapping
            Demand lines: a frame with item and quantity columns, or quantities indexed by item. Not modified.
            Quantities must be finite (negative allowed: the explosion is linear). A float item id matches an
            integer id of the BOM only when it is a whole number below 2**53 in magnitude; any other (e.g.
            ``2.0**60``, which float64 cannot tell from ``2**60 + 1``) is reported as unmatched.
        item, qty : column label, optional
            Demand columns; default ``item``/``qty`` (or ``parent``/``Style#``, ``quantity``/``Balance (lbs)``).
        leaves_only : bool
            True: items without components only (raw materials). False: every item the demand reaches,
            including the demanded items themselves, with their ``level`` and ``leaf`` flag. Phantom items
            are never reported.
        keep_levels : bool
            Add the ``level`` column (the item's low-level code) also when ``leaves_only`` is True.
        by_line : bool
            One row per demand line and item (column ``line`` = the demand's index label) instead of one row
            per item. Computed from the explosion of one unit of each distinct demanded item, scaled per line
            (no dense lines x items matrix). Its cost is the size of each distinct demanded item's whole
            sub-BOM, not of the output: a mill's few-level BOMs cost ~30-180 ns per output row, but 10^4 styles
            sharing one sub-assembly 1,000 levels deep take ~0.3-0.5 s where the totals take 4 ms.
        engine : str, optional
            Kernel engine.

        Returns
        -------
        DataFrame
            Columns ``[line,] item, qty[, level][, leaf]``; rows in item code order (low level first), by
            line first when ``by_line``. ``qty`` is the gross requirement: direct demand on the item plus
            everything derived from its parents (attrition and unit factors included, no rounding).
            ``result.bk_fast.unmatched`` is a frame (``item, qty, lines``) of the demand whose item is
            missing or not in the BOM: reported, never silently dropped (see :class:`BkFastAccessor`;
            results stay safe to ``pd.concat``). A requirement that overflows float64 (finite quantities whose
            products or sums pass 1.8e308, or meet as inf - inf) is a ValueError naming the item, never an
            inf or NaN in the result.

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> lines = pd.DataFrame({"parent": ["BOM1", "BOM2", "BOM3"], "component": ["BOM2", "BOM3", "RM"],
        ...                       "qty_per": [2.0, 3.0, 3.0]})
        >>> bom = bk_fast.BOM.from_frame(lines)
        >>> demand = pd.DataFrame({"item": ["BOM1", "NOPE"], "qty": [3.0, 1.0]})
        >>> out = bom.explode(demand, leaves_only=False)
        >>> out
           item   qty  level   leaf
        0  BOM1   3.0      0  False
        1  BOM2   6.0      1  False
        2  BOM3  18.0      2  False
        3    RM  54.0      3   True
        >>> out.bk_fast.unmatched
           item  qty  lines
        0  NOPE  1.0      1
        >>> bom.explode(pd.DataFrame({"item": ["BOM2", "BOM3"], "qty": [1.0, 2.0]}), by_line=True)
           line item  qty
        0     0   RM  9.0
        1     1   RM  6.0
        """
        ids, miss, q, labels, qlabel, pre = self._demand(demand, item, qty, engine)
        emit = self._emit_leaf if leaves_only else ~self.is_phantom
        if by_line:
            self._check_finite(q, qlabel, labels)
            line_codes = pre if pre is not None else self._codes(ids)
            if pre is None and miss.any():
                line_codes[miss] = -1
            out = self._line_frame(labels, line_codes, q, leaves_only, keep_levels, engine)
            unmatched = np.flatnonzero(line_codes < 0)
        else:
            req = np.zeros(self.n_items, dtype=np.float64)
            touched = np.zeros(self.n_items, dtype=np.uint8)
            bad = []
            table = self._lookup.table if self._lookup is not None else None
            if pre is not None:
                if resolve("bom_accumulate", engine)(pre, q, req, touched):
                    bad.append(np.flatnonzero(pre < 0))
            elif table is not None and ids.dtype == np.int64 and not miss.any():
                # integer ids: one fused pass through the dense id -> code table, no temporaries
                if resolve("bom_accumulate_ids", engine)(ids, table, q, req, touched):
                    for s in range(0, q.shape[0], _CHUNK):
                        c = self._codes(ids[s:s + _CHUNK])
                        bad.append(s + np.flatnonzero(c < 0))
            else:
                acc = resolve("bom_accumulate", engine)
                for s in range(0, max(q.shape[0], 1), _CHUNK):
                    c = self._codes(ids[s:s + _CHUNK])
                    if miss[s:s + _CHUNK].any():
                        c[miss[s:s + _CHUNK]] = -1
                    if acc(c, q[s:s + _CHUNK], req, touched):
                        bad.append(s + np.flatnonzero(c < 0))
            unmatched = np.concatenate(bad) if bad else np.zeros(0, dtype=np.int64)
            # a NaN/inf quantity reaches req (or the unmatched lines): only then look for the bad rows
            if not (np.isfinite(req).all() and np.isfinite(q[unmatched]).all()):
                self._check_finite(q, qlabel, labels)
            self._propagate(req, touched, engine)
            np.logical_and(touched.view(bool), emit, out=touched.view(bool))
            codes = np.empty(int(np.count_nonzero(touched)), dtype=np.int32 if self.n_items < 2**31 else np.int64)
            k = 0
            for s in range(0, self.n_items, _CHUNK):
                nz = np.flatnonzero(touched[s:s + _CHUNK])
                codes[k:k + nz.shape[0]] = nz + s
                k += nz.shape[0]
            del touched
            # compact the requirements in place (codes[i] >= i, so a forward gather is safe) and give the
            # rest of the dense array back: the output holds k numbers, not n
            k = codes.shape[0]
            for s in range(0, k, _CHUNK):
                e = min(s + _CHUNK, k)
                req[s:e] = req[codes[s:e]]
            req.resize(k, refcheck=False)
            self._check_overflow(req, codes, "explode")
            out = pd.DataFrame({"item": self._take(codes, emit), "qty": req}, copy=False)
            out = self._with_levels(out, codes, leaves_only, keep_levels)
        return _with_unmatched(out, _unmatched(ids, miss, q, unmatched))

    def _with_levels(self, out, codes, leaves_only: bool, keep_levels: bool):
        """``out`` (a frame or a dict of columns, one row per item code of ``codes``) with the ``level`` and
        ``leaf`` columns :meth:`explode` adds for these options (also for ``bk_fast.dask.explode``)."""
        if keep_levels or not leaves_only:
            out["level"] = self.llc[codes]
        if not leaves_only:
            out["leaf"] = self.is_leaf[codes]
        return out

    def _line_frame(self, labels, line_codes, q, leaves_only: bool, keep_levels: bool, engine) -> pd.DataFrame:
        """The frame of :meth:`explode` with ``by_line=True`` for demand lines already mapped to codes
        (``line_codes``, -1 = unmatched; ``labels`` the lines' labels): ``line, item, qty`` and the level columns
        (also for ``bk_fast.dask.explode``)."""
        emit = self._emit_leaf if leaves_only else ~self.is_phantom
        out_line, codes, out_qty = self.explode_lines(line_codes, q, emit=emit, engine=engine)
        # every column is a fresh array of this call's (the kernel's, or gathered from the lines' labels and the
        # items): the frame takes them as they are, and the index arrays go as soon as they are read (the peak
        # stays ~1.5x the output, not 3.5x)
        line = pd.Index(labels).take(out_line)
        del out_line
        item = self._take(codes, emit)
        levels = self._with_levels({}, codes, leaves_only, keep_levels)
        del codes
        return pd.DataFrame({"line": line, "item": item, "qty": out_qty, **levels}, copy=False)

    def explode_lines(self, codes: np.ndarray, qty: np.ndarray, *, emit: np.ndarray | None = None,
                      engine: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-line explosion for demand lines given as codes: the array API behind ``explode(by_line=True)``.

        Parameters
        ----------
        codes : integer array
            Item code of each demand line (-1 = not in the BOM: no rows), in ``[-1, n_items)``; validated as in
            :meth:`explode_dense` (whole floats accepted, never truncated).
        qty : float64 array
            Quantity of each line (finite).
        emit : bool array, optional
            Items to report, a mask of length ``n_items`` (default: leaves that are not phantoms). Any other
            dtype is a TypeError (integers could be item codes, not a mask).

        Returns
        -------
        line, code, qty : arrays
            One entry per (line, item): the line's position, the item code (ascending within a line) and
            ``qty[line]`` x the item's quantity per unit of the line's item (every path summed).

        Examples
        --------
        >>> import numpy as np, pandas as pd, bk_fast
        >>> bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "A"], "component": ["B", "C"],
        ...                                            "qty_per": [2.0, 0.5]}))
        >>> [a.tolist() for a in bom.explode_lines(np.array([0, -1, 0]), np.array([1.0, 5.0, 4.0]))]
        [[0, 0, 2, 2], [1, 2, 1, 2], [2.0, 0.5, 8.0, 2.0]]
        """
        n = self.n_items
        codes = np.asarray(codes)
        q = np.ascontiguousarray(qty, dtype=np.float64)
        if codes.shape != q.shape or codes.ndim != 1:
            raise ValueError(f"codes and qty must be 1-D of equal length, got {codes.shape} and {q.shape}")
        codes = _code_array(codes, n)
        if not np.all(np.isfinite(q)):
            raise ValueError("qty must be finite")
        emit = self._emit_leaf if emit is None else _emit_mask(emit, n)
        ok = codes >= 0
        present = np.zeros(n, dtype=bool)
        present[codes[ok]] = True
        tops = np.flatnonzero(present).astype(np.int64)
        top_of = np.full(n, -1, dtype=np.int64)
        top_of[tops] = np.arange(tops.shape[0], dtype=np.int64)
        line_top = np.full(codes.shape[0], -1, dtype=np.int64)
        line_top[ok] = top_of[codes[ok]]
        emit8 = emit.view(np.uint8)
        counts = np.zeros(tops.shape[0], dtype=np.int64)
        resolve("bom_unit_count", engine)(self.indptr, self.indices, tops, emit8, counts)
        tptr = np.zeros(tops.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=tptr[1:])
        tcomp = np.empty(int(tptr[-1]), dtype=np.int64)
        tqty = np.empty(int(tptr[-1]), dtype=np.float64)
        resolve("bom_unit_explode", engine)(self.indptr, self.indices, self.qty, tops, emit8, tptr, tcomp, tqty)
        sizes = np.zeros(codes.shape[0], dtype=np.int64)
        sizes[ok] = counts[line_top[ok]]
        offsets = np.zeros(q.shape[0] + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        total = int(offsets[-1])
        out_line = np.empty(total, dtype=np.int64)
        out_code = np.empty(total, dtype=np.int64)
        out_qty = np.empty(total, dtype=np.float64)
        resolve("bom_expand_lines", engine)(line_top, q, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty)
        self._check_overflow(out_qty, out_code, "explode (by line)")
        return out_line, out_code, out_qty

    # ------------------------------------------------------------------------------------------------------
    # roll-up and where-used

    def rollup(self, unit_cost, *, missing: float = np.nan, engine: str | None = None) -> pd.Series:
        """Cost of one unit of every item through all levels, attrition and unit factors included.

        ``cost(u) = own(u) + sum over components v of qty(u, v) x cost(v)``, where ``qty`` includes
        per/loss/factor. For an item with components, a cost given in ``unit_cost`` is its own (value-added)
        cost, 0 when absent; a leaf without a cost gets ``missing`` (default NaN, which propagates to every
        parent: an unknown cost is not 0).

        Parameters
        ----------
        unit_cost : Series or mapping
            Cost per stock unit, indexed by item id. Items not in the BOM are ignored; NaN counts as missing;
            infinite costs are a ValueError.
        missing : float
            Cost of a leaf absent from ``unit_cost`` (finite, or NaN). A roll-up whose products or sums
            overflow float64 (every cost known, yet inf or 0 x inf) is a ValueError naming the item.
        engine : str, optional
            Kernel engine.

        Returns
        -------
        Series named ``unit_cost`` indexed by item (code order).

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> lines = pd.DataFrame({"parent": ["FG", "FG"], "component": ["Y1", "Y2"], "qty_per": [300.0, 1.0],
        ...                       "loss": [0.05, 0.0]})
        >>> bom = bk_fast.BOM.from_frame(lines, loss="loss")
        >>> bom.rollup({"Y1": 2.0, "Y2": 10.0}).to_dict()
        {'FG': 640.0, 'Y1': 2.0, 'Y2': 10.0}
        """
        if isinstance(unit_cost, Mapping):
            unit_cost = _mapping_series(unit_cost)
        if not isinstance(unit_cost, pd.Series):
            raise TypeError(f"unit_cost must be a Series or mapping indexed by item, got "
                            f"{type(unit_cost).__name__}")
        vals = float_column(unit_cost.reset_index(drop=True).to_frame("cost"), "cost", what="unit_cost")
        ids, miss = _id_values(unit_cost.index.to_series(index=pd.RangeIndex(len(unit_cost))), self._strip)
        c = self._codes(ids)
        c[miss] = -1
        ok = (c >= 0) & ~np.isnan(vals)
        if pd.Index(c[ok]).has_duplicates:
            dup = pd.Index(c[ok])[pd.Index(c[ok]).duplicated()]
            raise ValueError(f"unit_cost has several costs for items {self.items.take(dup[:10]).tolist()}")
        if np.isinf(vals).any():
            i = int(np.flatnonzero(np.isinf(vals))[0])
            raise ValueError(f"unit_cost must be finite numbers (NaN: missing); item {plain(unit_cost.index[i])!r} "
                             f"has {plain(vals[i])!r}")
        fill = number_arg(missing, "missing", "a number (the cost of a leaf without one)")
        if np.isinf(fill):
            raise ValueError(f"missing must be a finite number or NaN, got {missing!r}")
        out = np.where(self.is_leaf, fill, 0.0)
        out[c[ok]] = vals[ok]
        given = out.copy() if np.isnan(out).any() else None
        roll = resolve("bom_rollup", engine)
        roll(self.indptr, self.indices, self.qty, self.edge_parent, self.level_ptr, out)
        if not np.isfinite(out).all():
            # NaN from a missing cost is the answer; inf, or NaN where every cost is known (0 x inf), is an
            # overflow: the roll-up with the missing costs as 0 tells them apart
            check = out if given is None else np.nan_to_num(given, nan=0.0)
            if given is not None:
                roll(self.indptr, self.indices, self.qty, self.edge_parent, self.level_ptr, check)
            self._check_overflow(np.where(np.isnan(out) & np.isfinite(check), 0.0, out), np.arange(self.n_items),
                                 "rollup")
        return pd.Series(out, index=self.items.copy(), name="unit_cost")

    def where_used(self, item, *, engine: str | None = None) -> pd.DataFrame:
        """Every item that uses ``item``, directly or through any number of levels.

        Returns
        -------
        DataFrame
            Columns ``parent``, ``qty`` (quantity of ``item`` in one unit of the parent, every path summed,
            loss and factors included), ``level`` (the parent's low-level code) and ``direct`` (the parent
            lists ``item`` itself); in code order (top level first). Empty for a top-level item.

        Raises
        ------
        KeyError
            ``item`` is not in the BOM.

        Examples
        --------
        >>> import pandas as pd, bk_fast
        >>> lines = pd.DataFrame({"parent": ["FG", "FG", "SUB"], "component": ["SUB", "Y", "Y"],
        ...                       "qty_per": [2.0, 1.0, 3.0]})
        >>> bk_fast.BOM.from_frame(lines).where_used("Y")
          parent  qty  level  direct
        0     FG  7.0      0    True
        1    SUB  3.0      1    True
        """
        if not isinstance(item, Hashable):
            raise TypeError(f"item must be one item id, got {type(item).__name__} (call where_used once per item)")
        code = int(self.codes([item])[0])
        if code < 0:
            raise KeyError(f"item {item!r} is not in the BOM")
        roll = resolve("bom_rollup", engine)
        q = np.zeros(self.n_items, dtype=np.float64)
        q[code] = 1.0
        roll(self.indptr, self.indices, self.qty, self.edge_parent, self.level_ptr, q)
        paths = np.zeros(self.n_items, dtype=np.float64)
        paths[code] = 1.0
        ones = np.ones(self.n_edges, dtype=np.float64)
        roll(self.indptr, self.indices, ones, self.edge_parent, self.level_ptr, paths)
        paths[code] = 0.0
        users = np.flatnonzero(paths > 0)
        self._check_overflow(q[users], users, f"where_used({item!r})")
        direct = np.zeros(self.n_items, dtype=bool)
        direct[self.edge_parent[self.indices == code]] = True
        return pd.DataFrame({"parent": self.items.take(users), "qty": q[users], "level": self.llc[users],
                             "direct": direct[users]})


# ----------------------------------------------------------------------------------------------------------


# the revision of what _IntLookup.build holds, kept in a pickled BOM: 1 = whole float items of an object BOM, 2 = its
# bool items as 0 / 1; a BOM unpickled from another revision (an older version's) rebuilds its lookup
_LOOKUP_REV = 2


class _IntLookup:
    """Integer item ids -> codes without hashing: a dense table when the ids are small non-negative integers,
    else a hash index of the integer ids; in a mixed BOM (text styles, integer yarns) only the integer ids."""

    __slots__ = ("table", "index", "codes", "ids", "is_int")

    @classmethod
    def build(cls, items: pd.Index):
        if len(items) == 0:
            return None
        self = cls()
        self.ids = self.is_int = None
        if items.dtype.kind == "u" and items.max() >= 2 ** 63:
            # uint64 ids beyond int64: only those within int64 take the table / int index (an int64 cast would
            # wrap 2**64-1 to -1 and let the int64 id -1 find it); the others are found by the uint64 index
            vals = items.to_numpy()
            codes = np.flatnonzero(vals < np.uint64(2 ** 63)).astype(np.int64)
            if codes.shape[0] == 0:
                return None
            ints = vals[codes].astype(np.int64)
        elif items.dtype.kind in "iu":
            ints = items.to_numpy(dtype=np.int64)
            codes = np.arange(len(items), dtype=np.int64)
        elif items.dtype == object:
            vals = items.to_numpy()
            types = np.fromiter(map(type, vals), dtype=object, count=len(vals))
            kinds = pd.unique(types)
            int_types = [t for t in kinds if issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_))]
            is_int = np.isin(types, np.array(int_types, dtype=object)) if int_types else np.zeros(len(vals), bool)
            if not is_int.any():
                return None
            # only ids within int64 take the table / int index (larger Python ints stay hashed as objects)
            lo64, hi64 = -(2 ** 63), 2 ** 63
            is_int &= np.fromiter((t and lo64 <= x < hi64 for t, x in zip(is_int, vals)), dtype=bool,
                                  count=len(vals))
            if not is_int.any():
                return None
            # whole float items below 2**53 in magnitude (a float id column with fractions elsewhere keeps 3.0 a
            # float) are found by the integer ids equal to them, as a float demand id finds them: the reader
            # makes a demand's whole float ids integers, so [3.0] must find the item 3.0 as [3.0, 1.5] does
            float_types = [t for t in kinds if issubclass(t, (float, np.floating))]
            found = is_int
            if float_types:
                is_float = np.isin(types, np.array(float_types, dtype=object))
                fv = vals[is_float].astype(np.float64)
                whole = np.zeros(len(vals), dtype=bool)
                whole[np.flatnonzero(is_float)[exact_int_floats(fv)]] = True
                found = is_int | whole
            # a bool item (True / False) is the integer id equal to it (1 / 0), as Python's == and the hash
            # lookup of a demand holding text have it: the integer demand [1] finds the item True alone too
            bool_types = [t for t in kinds if issubclass(t, (bool, np.bool_))]
            if bool_types:
                found = found | np.isin(types, np.array(bool_types, dtype=object))
            codes = np.flatnonzero(found).astype(np.int64)
            ints = vals[codes].astype(np.int64)
            self.ids = np.zeros(len(items), dtype=np.int64)
            self.ids[codes] = ints
            self.is_int = is_int
        else:
            return None
        lo, hi = int(ints.min()), int(ints.max())
        self.table = self.index = None
        if lo >= 0 and hi <= 8 * len(ints) + (1 << 20):
            self.table = np.full(hi + 1, -1, dtype=np.int64)
            self.table[ints] = codes
        else:
            self.index = pd.Index(ints)
            self.codes = codes
        return self

    def __call__(self, arr: np.ndarray) -> np.ndarray:
        arr = arr.astype(np.int64, copy=False)
        if self.table is not None:
            table = self.table
            ok = (arr >= 0) & (arr < table.shape[0])
            if ok.all():
                return table[arr]
            return np.where(ok, table[np.where(ok, arr, 0)], -1)
        pos = self.index.get_indexer(arr)
        return np.where(pos >= 0, self.codes[pos], -1)


_NO_UNMATCHED = pd.DataFrame({"item": pd.Series([], dtype=object), "qty": np.zeros(0),
                              "lines": np.zeros(0, dtype=np.int64)})

#: ``attrs`` key of the unmatched demand an explosion carries (read it with ``result.bk_fast.unmatched``)
_UNMATCHED_KEY = "bk_fast.unmatched"


class _Unmatched:
    """The unmatched demand of an explosion, held in the result's ``attrs`` in a form pandas can handle:
    ``pd.concat``/``merge`` compare the inputs' ``attrs`` with ``==`` (a DataFrame there raises "truth value
    ... is ambiguous"), and nearly every operation deep-copies them. This holder compares by content with a
    bool, and is never copied (it is immutable: the frame is only handed out as a copy)."""

    __slots__ = ("frame",)

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __eq__(self, other) -> bool:
        return self is other or (isinstance(other, _Unmatched) and self.frame.equals(other.frame))

    __hash__ = None

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (_Unmatched, (self.frame,))

    def __repr__(self) -> str:
        return f"<bk_fast unmatched demand: {len(self.frame)} items; read it with result.bk_fast.unmatched>"


def _with_unmatched(out: pd.DataFrame, unmatched: pd.DataFrame) -> pd.DataFrame:
    """Attach the unmatched demand to an explosion result (read back with ``out.bk_fast.unmatched``)."""
    out.attrs[_UNMATCHED_KEY] = _Unmatched(unmatched)
    return out


@pd.api.extensions.register_dataframe_accessor("bk_fast")
class BkFastAccessor:
    """``frame.bk_fast``: what bk_fast attached to a result frame.

    ``unmatched`` (a DataFrame ``item, qty, lines``): the demand of a :meth:`BOM.explode` whose item is
    missing or not in the BOM (also on results of ``bk_fast.dask.explode``). It follows the frame through
    pandas operations that keep ``attrs`` (selections, copies); ``pd.concat`` keeps it only when every input
    carries the same unmatched demand (pandas' rule for ``attrs``), else the concatenation has none.
    """

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame

    @property
    def unmatched(self) -> pd.DataFrame:
        held = self._frame.attrs.get(_UNMATCHED_KEY)
        if not isinstance(held, _Unmatched):
            raise ValueError("this frame carries no unmatched demand: only BOM.explode results do (pd.concat of "
                             "results keeps it only when they all carry the same)")
        return held.frame.copy()


def _id_dtype(ids):
    """The dtype a report of these demand ids would infer (int64, str...), from up to 16 of them spread over the
    ids (all of them would cost a pass over every line; mixed ids give object)."""
    pick = np.unique(np.linspace(0, len(ids) - 1, 16).astype(np.int64)) if len(ids) else np.zeros(0, np.int64)
    sample = list(ids.iloc[pick] if isinstance(ids, pd.Series) else ids[pick])
    dtype = pd.Index(sample, tupleize_cols=False).dtype if len(sample) else np.dtype(object)
    return dtype if dtype.kind in "iufO" or dtype == "str" else np.dtype(object)


def _unmatched(ids, miss, q, rows, present=None) -> pd.DataFrame:
    """The unmatched demand report of ``ids[rows]`` (``miss``: missing ids, ``q``: quantities; with no rows,
    ``ids`` types the empty report). ``present``: the demand's ids that are not missing, to type a report of only
    missing ones (default ``ids`` where ``miss`` is false)."""
    if rows.shape[0] == 0:
        return _NO_UNMATCHED.astype({"item": _id_dtype(ids)})
    items = ids.iloc[rows].to_numpy(dtype=object) if isinstance(ids, pd.Series) else ids[rows].astype(object)
    items[miss[rows]] = None
    # group by the ids' factorized codes: grouping the object ids themselves lets pandas turn integer ids mixed
    # with a missing one into float64 (id 2**60 + 1 reported as 1.152921504606847e+18, 99 as 99.0)
    fcodes, uniq = pd.factorize(items, use_na_sentinel=False)
    frame = pd.DataFrame({"code": fcodes, "qty": q[rows]})
    out = frame.groupby("code", sort=False).agg(qty=("qty", "sum"), lines=("qty", "size"))
    found = np.asarray(uniq, dtype=object)[out.index.to_numpy()]
    gone = pd.isna(found)
    kind = pd.api.types.infer_dtype(found, skipna=True) if gone.any() else ""
    if kind == "empty":
        # only missing ids: the column the demand's present ids would give beside them (None among integer or
        # object ids, NaN among text or float ids), not float64 NaN whatever the demand held; sampled among the
        # present ids (a missing id reads as None, NaN or an integer placeholder, by partition)
        if present is None:
            keep = np.flatnonzero(~np.asarray(miss, dtype=bool))
            present = ids.iloc[keep] if isinstance(ids, pd.Series) else ids[keep]
        dtype = _id_dtype(present)
        text_or_float = dtype == "str" or dtype.kind == "f"
        item = pd.Series([np.nan if text_or_float else None] * len(found), dtype=dtype if text_or_float else object)
    elif kind == "integer":
        found[gone] = None  # exact integer ids and None, as object
        item = pd.Series(found, dtype=object)
    else:
        item = pd.Series(pd.Index(list(found), tupleize_cols=False))
    return pd.DataFrame({"item": item, "qty": out["qty"].to_numpy(), "lines": out["lines"].to_numpy()})


def _find_cycle(ep: np.ndarray, ec: np.ndarray, llc: np.ndarray, uniques) -> list:
    """Items of one cycle in order, among the items Kahn's algorithm could not level (iterative walk)."""
    left = llc < 0
    both = left[ep] & left[ec]
    pred = np.full(llc.shape[0], -1, dtype=np.int64)
    # any remaining parent will do: walking parents from a remaining item must close a cycle
    pred[ec[both][::-1]] = ep[both][::-1]
    start = int(np.flatnonzero(left)[0])
    seen: dict[int, int] = {}
    walk = []
    v = start
    while v not in seen:
        seen[v] = len(walk)
        walk.append(v)
        v = int(pred[v])
    cycle = walk[seen[v]:][::-1]  # walked child -> parent; the cycle runs parent -> child
    k = cycle.index(min(cycle))
    cycle = cycle[k:] + cycle[:k]
    return [_py(uniques[i]) for i in cycle]


def _disjoint_kinds(a: np.ndarray, b: np.ndarray) -> bool:
    """True when no id of ``a`` can equal one of ``b``: one side all text, the other all integers."""
    kinds = {pd.api.types.infer_dtype(a, skipna=False), pd.api.types.infer_dtype(b, skipna=False)}
    return kinds == {"string", "integer"}


def _ints_made_float(dtype, values: list) -> bool:
    """Whether pandas read the ``values`` as ``dtype`` float although they are integers, beside float ones or a
    missing id (their exact values are then lost beyond 2**53)."""
    return dtype.kind == "f" and pd.api.types.infer_dtype(values, skipna=True) in ("integer", "mixed-integer-float")


def _list_series(values: list) -> pd.Series:
    """A Series of a list of ids; integer ids mixed with float ones or beside a missing id stay exact (pandas
    would make the list float64, where 2**60 + 1 is the float 2**60)."""
    s = pd.Series(values)
    if _ints_made_float(s.dtype, values):
        s = pd.Series(values, dtype=object)
    return s


def _mapping_series(mapping: Mapping) -> pd.Series:
    """The values of a mapping indexed by its keys (object values), integer keys mixed with float ones or beside
    a missing key exact."""
    s = pd.Series(dict(mapping), dtype=object)
    if _ints_made_float(s.index.dtype, list(mapping)):
        s.index = pd.Index(list(dict(mapping)), dtype=object, tupleize_cols=False)
    return s


def _ids_by_item(ids: np.ndarray, codes: np.ndarray, uniques: np.ndarray, n: int) -> np.ndarray:
    """One id per item code (``uniques`` of ``ids`` at their item ``codes``; other items: unset), ``ids``' dtype."""
    out = np.empty(n, dtype=ids.dtype)
    out[codes] = uniques
    return out


def _compact_ids(ids: np.ndarray, by_item: np.ndarray, codes: np.ndarray):
    """``(by_item,)`` when ``by_item[codes]`` is ``ids`` exactly (numbers bit for bit; all-text ids, which
    factorize as they compare), else a copy of ``ids`` (mixed ids: 1 and 1.0 or True are one unique)."""
    if ids.dtype == object:
        exact = pd.api.types.infer_dtype(ids, skipna=False) == "string"
    else:
        back = by_item[codes]
        exact = back.dtype == ids.dtype and np.array_equal(back.view(np.uint8),
                                                            np.ascontiguousarray(ids).view(np.uint8))
    return (by_item,) if exact else np.array(ids, copy=True)


def _constant(values):
    """One number for lines that all hold the same (bit for bit: 0.0 and -0.0 differ), else a copy."""
    if np.ndim(values) == 0:
        return float(values)
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    return float(values[0]) if bits.shape[0] and (bits == bits[0]).all() else np.array(values, copy=True)


def _id_series(ids: np.ndarray) -> pd.Series:
    return pd.Series(ids, dtype=object).infer_objects() if ids.dtype == object else pd.Series(ids)


def _py(x):
    return x.item() if isinstance(x, np.generic) else x


# ----------------------------------------------------------------------------------------------------------
# bk-fast demo


def _demo_step(mill, engine):
    from bk_fast._demo import DemoReport
    from bk_fast.erp import yarn_requirements

    kos = mill["knit_orders"]
    res = yarn_requirements(kos, mill["bom"], open_only=True, engine=engine)
    top = res.by_yarn.sort_values("lbs", ascending=False).head(8).reset_index(drop=True)
    lines = [
        f"{len(kos)} knit orders, {res.by_order['Order #'].nunique()} open with yarn demand, "
        f"{len(res.by_yarn)} yarns, {res.by_yarn['lbs'].sum():,.1f} lbs in total",
        f"{len(res.unmatched)} knit orders whose style is not in the BOM "
        f"({res.unmatched['Balance (lbs)'].sum():,.1f} lbs unexploded)",
    ]
    return DemoReport("BOM explosion: yarn demand of open knit orders", lines, top)

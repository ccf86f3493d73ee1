"""ERP-column-name adapters: the mill ERP's own frames in, bk_fast kernels underneath."""

__all__ = ["yarn_requirements", "YarnRequirements", "sales_to_greige", "GreigeDemand", "erp_capacity",
           "StyleIndex", "schedule_knit_orders", "yarn_demand_report", "allocate_knit_orders", "KnitOrderAllocation"]

# ---- shared: dtypes of empty answers ----
# A column of an answer has one dtype whether or not the answer has rows (a service stores or concatenates the
# answers of many runs): with no rows, the dtype its rows would give it.

import numpy as _schema_np
import pandas as _schema_pd


def _rows_dtypes(frame, sources: dict, infer_objects: bool = False):
    """``frame`` as it is when it has rows. With none, each column named in ``sources`` is cast to the dtype it
    gets with rows: that of a column built the way the caller builds it (the DataFrame constructor, which reads
    text as ``str``; then ``infer_objects`` if the caller's frame went through it) from every value its rows
    could be taken from (``sources[col]``: an array, Index or Series); from no values, the source's own dtype
    (a ``str`` or int64 input column with no rows), else the column is left as it is."""
    if len(frame):
        return frame
    dtypes = {}
    for col, values in sources.items():
        if len(values):
            arr = values.to_numpy() if isinstance(values, (_schema_pd.Series, _schema_pd.Index)) else values
            built = _schema_pd.DataFrame({"c": arr})["c"]
            dtypes[col] = (built.infer_objects() if infer_objects else built).dtype
        elif getattr(values, "dtype", object) != object:
            dtypes[col] = values.dtype
    return frame.astype(dtypes) if dtypes else frame


def _bom_yarns(compiled):
    """The ids an explosion of ``compiled`` can report (its leaves that are not phantoms), as it reports them:
    the values whose dtype an empty explosion's item column takes."""
    return compiled._take(_schema_np.flatnonzero(compiled._emit_leaf))


# ---- bom ----
# Yarn demand of knit orders (DOMAIN.md section 4) and finished-style sales to greige styles (section 1).

import threading as _bom_threading
from dataclasses import dataclass as _bom_dataclass

import numpy as _bom_np
import pandas as _bom_pd

_KO_LBS = "lbs, or nothing for 0"  # (what a knit order's number cell holds: the ERP adapters' errors say it)


def _ko_lbs(ko, label, what: str, order_label=None):
    """A knit order's lbs column as float64, NaN where missing; text that is no number (``"1,048.1 lbs"``) is a
    ValueError naming the column and row: read as 0, an order's yarn demand, priority or type would change
    silently. ``order_label``: an infinite value is named first, with its ``Order #``."""
    from bk_fast._validate import float_column, reject_text, require_finite

    v = float_column(ko, label, what=what)
    if order_label is not None:
        require_finite(ko, label, v, what, order_label, "Order #")
    reject_text(ko, label, v, what, _KO_LBS)
    return v


@_bom_dataclass(frozen=True)
class YarnRequirements:
    """Yarn demand of knit orders: ``by_order`` (``Order #, Style #, Desc#, lbs``: one row per knit order and
    yarn), ``by_yarn`` (``Desc#, lbs, orders``: per-yarn totals, ascending ``Desc#``; numeric ids before text
    ones when the BOM mixes both) and ``unmatched``
    (``Order #, Style #, Balance (lbs)``: knit orders whose style is empty, not in the BOM, or only a
    component of it, such as a yarn id). ``Style #`` is the knit order's style id as it is matched: text
    stripped, a whole float as its integer (``125792.0`` is 125792; :func:`allocate_knit_orders` shows the same
    id as the text ``"125792"``)."""

    by_order: _bom_pd.DataFrame
    by_yarn: _bom_pd.DataFrame
    unmatched: _bom_pd.DataFrame


def _bom_compiled(bom, scale="fraction", engine=None):
    """The BOM of every ERP adapter: a compiled one as it is; a frame compiled with its yarn ids (the component
    column, ``Desc#``) read as :func:`_net_yarn_ids` reads them, as the netting and allocation adapters read
    the stock's and the POs': the text ``"18767"`` of a sheet is the integer yarn 18767, one item beside an
    integer 18767 (DOMAIN.md section 1: ``Desc#`` is an integer id). Only leaves are yarns: a component that is
    also a parent (``Style#``, as :meth:`BOM.from_frame` matches them: an intermediate style ``"102910"``)
    keeps its id, so it still links to its own BOM rows.

    A frame's column missing (or found twice) is a ValueError advising :meth:`BOM.from_frame`'s parameter
    (``qty_per=<column label>``), which the adapters do not have: it advises compiling the BOM with it instead
    and passing the compiled BOM."""
    from bk_fast.bom import _label_advice

    try:
        return _bom_frame_compiled(bom, scale, engine)
    except ValueError as err:
        text = str(err)
        sc = "" if scale == "fraction" else f", scale={scale!r}"
        for argname in ("parent", "component", "qty_per"):
            compile_ = f"compile the BOM with bk_fast.BOM.from_frame(bom, {argname}=<column label>{sc})"
            missing, several = _label_advice(argname)
            text = text.replace(missing, f"{compile_} and pass that BOM instead of the frame").replace(
                several, f"drop or rename the others, or {compile_} and pass that BOM instead of the frame")
        if text == str(err):
            raise
        raise ValueError(text) from None


def _bom_frame_compiled(bom, scale, engine):
    """:func:`_bom_compiled` but for its advice."""
    from bk_fast.bom import BOM, _id_values, _label

    if isinstance(bom, BOM):
        return bom
    if isinstance(bom, _bom_pd.DataFrame):
        c_label = _label(bom, None, ("component", "Desc#"), "bom", "component")
        col = bom[c_label]
        if isinstance(col, _bom_pd.Series):  # (several columns of that label: from_frame names them)
            try:
                ids = _net_yarn_ids(col)
            except TypeError:  # (an unhashable cell: from_frame names its row)
                ids = None
            if ids is not None and ids is not col and not ids.equals(_bom_pd.Index(col)):
                p_label = _label(bom, None, ("parent", "Style#"), "bom", "parent")
                parents = bom[p_label] if p_label is not None else None
                try:
                    if not isinstance(parents, _bom_pd.Series):
                        raise TypeError  # (no or several parent columns: from_frame names them)
                    pid, pmiss = _id_values(parents, True)
                    cid, cmiss = _id_values(col, True)
                    inner = ~cmiss & _bom_pd.Index(cid, dtype=object).isin(
                        _bom_pd.Index(pid[~pmiss], dtype=object))
                except TypeError:  # (an unhashable cell: from_frame names its row)
                    inner = _bom_np.zeros(len(col), dtype=bool)
                vals = ids.to_numpy(dtype=object, copy=True)
                vals[inner] = col.to_numpy(dtype=object)[inner]  # (an intermediate style: its id as given)
                ids = _bom_pd.Index(vals, dtype=object).infer_objects() if inner.any() else ids
                bom = bom.copy(deep=False)  # (the caller's frame is not modified)
                bom[c_label] = _bom_pd.Series(ids.array if ids.dtype != object else ids.to_numpy(),
                                              index=bom.index, dtype=ids.dtype)
        return BOM.from_frame(bom, scale=scale, engine=engine)  # (compiled on the caller's engine)
    raise TypeError(f"bom must be a bk_fast.BOM or the ERP's BOM frame (Style#, Desc#, BOM_Percentage), "
                    f"got {type(bom).__name__}")


def _style_text(styles: _bom_pd.Series) -> _bom_np.ndarray:
    """Style ids as stripped text, a whole number without its ``.0`` (``102910.0`` -> ``"102910"``, also in an
    object column beside text ids), missing as None: how numeric ``Style #`` ids meet a BOM whose styles are
    text."""
    if isinstance(styles.dtype, _bom_pd.CategoricalDtype):  # (as its values: a category 102910.0 is "102910")
        styles = styles.astype(object)
    dtype = styles.dtype
    if _bom_pd.api.types.is_bool_dtype(dtype) or not (_bom_pd.api.types.is_numeric_dtype(dtype)
                                                       or dtype == object):
        return styles.astype("string").str.strip().to_numpy(dtype=object, na_value=None)
    if _bom_pd.api.types.is_integer_dtype(dtype):
        out = _bom_np.full(len(styles), None, dtype=object)
        ok = styles.notna().to_numpy()
        out[ok] = styles[ok].astype(str).to_numpy(dtype=object)
        return out
    if _bom_pd.api.types.is_float_dtype(dtype):
        v = styles.to_numpy(dtype=_bom_np.float64, na_value=_bom_np.nan)
        out = _bom_np.full(len(v), None, dtype=object)
        ok = ~_bom_np.isnan(v)
        whole = ok & (v == _bom_np.floor(v)) & (_bom_np.abs(v) < 2.0 ** 63)
        out[whole] = v[whole].astype(_bom_np.int64).astype(str)
        out[ok & ~whole] = v[ok & ~whole].astype(str)
        return out
    vals = styles.to_numpy(dtype=object)  # (object: ids of several kinds, e.g. a sheet's numbers and text)
    out = _bom_np.full(len(vals), None, dtype=object)
    for i, v in enumerate(vals):
        if isinstance(v, (float, _bom_np.floating)):
            if v == v:
                out[i] = str(int(v)) if float(v).is_integer() and abs(v) < 2.0 ** 63 else str(v)
        elif v is not None and v is not _bom_pd.NA and v is not _bom_pd.NaT:
            out[i] = str(v).strip()
    return out


def _style_codes(compiled, col: _bom_pd.Series, ids=None, miss=None) -> _bom_np.ndarray:
    """The BOM code of every knit order's style, -1 when it has no BOM rows of its own or no style: matched by
    id first (the integer 102910 meets the BOM's integer style, text stripped), then the rest by the id's text
    (:func:`_style_text`: a number meets a BOM of text styles, ``"102910"``), then, when the BOM has integer
    ids, the rest whose text is a whole number by that integer (:func:`_net_yarn_ids`' reading: the text
    ``"102910"`` meets the BOM's integer style 102910), whatever the column's dtype; whole-number text with a
    ``.0`` meets a text style without it (``"102910.0"``, as :func:`_sched_text` reads it), and, last, a whole
    number meets a BOM's text style written with a ``.0`` (``102910`` and ``"102910"`` meet ``"102910.0"``, a
    float column written as text) when no style of its own or integer style took it, the BOM's ids left as
    they are. Against a BOM of integer styles (whose leading zeros the export already dropped) whole-number
    text is read as that integer, leading zeros, sign and thousands separators included (``"0999"`` and
    ``"+999"`` meet 999; ``"125,792"`` meets 125792, as :func:`read_erp <bk_fast.io.read_erp>` reads a
    ``Desc#``), while the scheduling lookups (:func:`erp_capacity`) compare text. The one rule of
    :func:`yarn_requirements` and :func:`allocate_knit_orders`, so that both take the same yarns when a BOM
    holds the integer style and its text. ``ids``, ``miss``: ``_id_values(col, True)``, when the caller has
    them."""
    from bk_fast.bom import _id_values

    if ids is None and len(col) > 4096 and isinstance(col.dtype, _bom_pd.StringDtype):
        # many text ids: each distinct one matched once (pandas factorizes its string arrays fast)
        fcodes, uniq = _bom_pd.factorize(col.str.strip())
        ucodes = _style_codes(compiled, _bom_pd.Series(_bom_np.asarray(uniq, dtype=object), dtype=object))
        return _bom_np.append(ucodes, -1)[fcodes]  # (a missing style: -1)
    if ids is None:
        ids, miss = _id_values(col, True)
    codes = compiled._codes(ids)
    codes[miss] = -1
    # only a style with BOM rows of its own matches: an id that is only a component (a yarn, Desc#) has no
    # BOM, and would otherwise stand in for itself at 100 % of the balance
    compiled._parent_codes(codes)
    rest = _bom_np.flatnonzero((codes < 0) & ~miss)
    if rest.size:  # (by the text: each distinct one matched once)
        tcodes, text = _bom_pd.factorize(_style_text(col.iloc[rest]), use_na_sentinel=True)
        codes[rest] = _bom_np.append(_text_style_codes(compiled, _bom_np.asarray(text, dtype=object)), -1)[tcodes]
    return codes


#: whole-number text written with a ".0" (a float column written as text: "125792.0"), stripped
_POINT_ZERO_TEXT = r"[+-]?[0-9]+\.0+"


def _point_zero_dropped(text: _bom_pd.Series):
    """``(mask, texts)``: which of the stripped ``text`` (a Series of text, missing values allowed) are whole
    numbers written with a ``.0`` (:data:`_POINT_ZERO_TEXT`), and those texts without it (``"125792.0"`` ->
    ``"125792"``), by patterns pyarrow's string methods take (no look-around)."""
    mask = text.str.fullmatch(_POINT_ZERO_TEXT, na=False).to_numpy(dtype=bool, na_value=False)
    return mask, text[mask].str.replace(r"\.0+$", "", regex=True)


def _text_mask(values) -> _bom_np.ndarray:
    """Which of ``values`` (distinct ids, none missing) are text: one pass of pandas' type inference when all
    are, else a look at each value."""
    if _bom_pd.api.types.infer_dtype(values, skipna=True) == "string":
        return _bom_np.ones(len(values), dtype=bool)
    return _bom_np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))


def _text_style_codes(compiled, text: _bom_np.ndarray) -> _bom_np.ndarray:
    """The BOM code (a parent's, else -1) of each style text (:func:`_style_text`) of :func:`_style_codes`, by
    the steps in its order: the text itself, whole-number text without its ``.0``, whole-number text as the
    BOM's integer style, and last a whole number as the BOM's text style written with a ``.0``."""
    codes = compiled._parent_codes(compiled._codes(text))
    left = codes < 0
    if left.any():
        # whole-number text with its ".0" (a float column written as text: "125792.0") meets the BOM's
        # text style without it, as the scheduling lookups read it (_sched_text)
        point, dropped = _point_zero_dropped(_bom_pd.Series(text[left], dtype=object))
        if point.any():
            codes[_bom_np.flatnonzero(left)[point]] = compiled._parent_codes(compiled._codes(
                dropped.to_numpy(dtype=object)))
            left = codes < 0
    if left.any() and compiled._lookup is not None:  # (a BOM with integer ids: whole-number text as those)
        ints = _net_yarn_ids(text[left]).to_numpy(dtype=object)
        is_int = _bom_np.fromiter((isinstance(v, int) for v in ints), dtype=bool, count=len(ints))
        if is_int.any():
            whole = ints[is_int].astype(_bom_np.int64)
            codes[_bom_np.flatnonzero(left)[is_int]] = compiled._parent_codes(compiled._codes(whole))
            left = codes < 0
    if left.any():
        # last: a whole number meets the BOM's text style written with a ".0" (a float column written as text),
        # after the integer style it also names
        keys, pcodes = _style_point_zero_parents(compiled)
        if len(keys):
            key = _bom_pd.Series(text[left], dtype=object)
            key = key.where(key.str.fullmatch(r"[+-]?[0-9]+(?:\.0+)?", na=False), None)
            key = key.str.replace(_SCHED_POINT_ZERO, "", regex=True).to_numpy(dtype=object)
            codes[left] = _bom_np.append(pcodes, -1)[keys.get_indexer(key)]  # (not found: -1)
    return codes


def _greige_base_keys(styles: _bom_pd.Index) -> _bom_np.ndarray:
    """:func:`_greige_keys` of the base of each BOM style text (``styles``: the text before the first ``/``),
    each distinct base read once; split by pyarrow when it is installed (pandas splits text in Python)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - (pyarrow is a test dependency)
        return _greige_keys(_bom_pd.Series(styles, dtype=object).str.split("/", n=1).str[0])
    arr = pa.array(styles.array) if isinstance(styles.dtype, _bom_pd.StringDtype) \
        else pa.array(styles.to_numpy(dtype=object), type=pa.string())
    enc = pc.dictionary_encode(pc.list_element(pc.split_pattern(arr, "/", max_splits=1), 0))
    keys = _greige_text_keys(_bom_pd.Series(enc.dictionary, dtype="str"))
    return _bom_np.append(keys, None)[enc.indices.to_numpy(zero_copy_only=False)]


def _greige_keys(values) -> _bom_np.ndarray:
    """The text key of each id of :func:`sales_to_greige` (object array, None where missing or blank): read as
    the scheduling lookups read styles (:func:`_sched_text`: a whole number, or whole-number text, without its
    ``.0``), surrounding white space stripped. Each distinct id is read once."""
    codes, uniq = _bom_pd.factorize(_bom_pd.Series(values).to_numpy(dtype=object), use_na_sentinel=True)
    uniq = _bom_np.asarray(uniq, dtype=object)
    keys = _bom_np.full(len(uniq), None, dtype=object)
    is_str = _text_mask(uniq)
    if not is_str.all():  # (numbers: their text, a whole one without its ".0")
        keys[~is_str] = _sched_text(_bom_pd.Series(uniq[~is_str], dtype=object)).str.strip().to_numpy(
            dtype=object, na_value=None)
    if is_str.any():
        keys[is_str] = _greige_text_keys(_bom_pd.Series(uniq[is_str], dtype="str"))
    return _bom_np.append(keys, None)[codes]


def _greige_text_keys(text: _bom_pd.Series) -> _bom_np.ndarray:
    """:func:`_greige_keys` of text ids (a ``str`` Series without missing values): white space stripped as
    ``str.strip`` strips it, then a whole number's ``.0`` dropped; blank text None. By pandas' string methods
    (pyarrow's when installed: no look-around or ``\\s`` in the patterns, which would send them to Python)."""
    text = text.str.replace(SPACE_STRIP, "", regex=True)
    whole, dropped = _point_zero_dropped(text)
    if whole.any():
        text = text.copy()
        text[whole] = dropped
    return text.where(text != "").to_numpy(dtype=object, na_value=None)


# the ".0" styles of a compiled BOM (_style_point_zero_parents), by the BOM's token: a BOM is immutable and its
# copies and pickles keep the token, so each is scanned once (the few BOMs last used: a frame is compiled anew;
# a hit moves its BOM to the end, the first is evicted)
_POINT_ZERO_CACHE: dict = {}
_POINT_ZERO_CACHE_SIZE = 8
_POINT_ZERO_LOCK = _bom_threading.Lock()


def _style_point_zero_parents(compiled):
    """(Index of keys, codes) of the BOM's styles (parents) written as whole-number text with a ``.0``
    (``"102910.0"``): the key is the text without it, first style first when two share a key. Scanned once per
    BOM (:func:`_point_zero_scan`), then kept."""
    token = getattr(compiled, "_token", None)  # (None: a BOM pickled before BOMs had one, scanned each time)
    found = None
    if token is not None:
        with _POINT_ZERO_LOCK:
            found = _POINT_ZERO_CACHE.pop(token, None)
            if found is not None:  # (least recently used first)
                _POINT_ZERO_CACHE[token] = found
    if found is None:
        found = _point_zero_scan(compiled)
        if token is not None:
            with _POINT_ZERO_LOCK:
                while len(_POINT_ZERO_CACHE) >= _POINT_ZERO_CACHE_SIZE:
                    del _POINT_ZERO_CACHE[next(iter(_POINT_ZERO_CACHE))]
                _POINT_ZERO_CACHE[token] = found
    return found


def _point_zero_scan(compiled):
    """The scan of :func:`_style_point_zero_parents`: only the styles that are text (an integer, float or mixed
    number BOM has none to look at), and of those only the ones with a ``"."``, found by pandas' string methods
    (pyarrow's when installed), go to the regex."""
    parents = _bom_np.flatnonzero(~compiled.is_leaf)
    empty = (_bom_pd.Index([], dtype=object), _bom_np.zeros(0, dtype=_bom_np.int64))
    if not parents.size or not _bom_pd.api.types.is_string_dtype(compiled.items.dtype):
        return empty  # (integer or float styles only)
    styles = _bom_pd.Series(compiled.items.take(parents), copy=False)
    kind = _bom_pd.api.types.infer_dtype(styles, skipna=True)
    if kind not in ("string", "mixed", "mixed-integer"):
        return empty  # (no text among the styles: e.g. integer styles beside a text yarn id)
    # (all text: pandas' str dtype; text beside numbers: object, whose string methods skip the numbers)
    text = styles.astype("str") if kind == "string" else styles.astype(object)
    dot = _bom_np.flatnonzero(text.str.contains(".", regex=False, na=False).to_numpy(dtype=bool))
    cand = _bom_pd.Series(styles.iloc[dot].to_numpy(dtype=object), dtype=object)
    point, dropped = _point_zero_dropped(cand)
    if not point.any():
        return empty
    keys = _bom_pd.Index(dropped.to_numpy(dtype=object))
    first = ~keys.duplicated()
    return keys[first], parents[dot[point]][first]


def yarn_requirements(knit_orders, bom, *, open_only: bool = False, scale: str = "fraction",
                      engine=None) -> YarnRequirements:
    """Yarn lbs of every knit order: ``Balance (lbs) x BOM fraction`` per knit order and yarn, summed per yarn.

    The ERP's own report, without its nested row loops (DOMAIN.md section 4): no loss factor, duplicate
    (style, yarn) BOM rows add up, styles are matched after stripping spaces (a whole number, as a number or as
    text such as ``"125792.0"``, without its ``.0``, on either side), and a knit order whose style is
    not in the BOM is reported in ``unmatched``, never dropped silently. Against a BOM of integer styles (whose
    leading zeros the export already dropped) whole-number text is read as that integer, leading zeros, sign
    and thousands separators included (``"0999"`` meets 999; ``"125,792"`` 125792, as :func:`read_erp
    <bk_fast.io.read_erp>` reads a ``Desc#``), before a text style written with a ``.0`` (``"125792.0"``); the
    scheduling lookups (:func:`erp_capacity`, :func:`schedule_knit_orders`) compare text. Only a
    style with BOM rows of its own (a parent) matches: a ``Style #`` that is only a component of the BOM (a
    yarn id) is unmatched too, whatever the id's type. A missing balance (an empty cell, ``"N/A"``) counts as
    0 lbs.

    Parameters
    ----------
    knit_orders : DataFrame
        ``Order #``, ``Style #``, ``Balance (lbs)`` (any accepted alias; ERP number text is cleaned; text that
        is no number, ``"1,048.1 lbs"``, or an infinite balance is a ValueError naming the column and row).
        Not modified.
    bom : BOM or DataFrame
        A compiled :class:`bk_fast.BOM`, or the ERP's BOM frame (``Style#``, ``Desc#``, ``BOM_Percentage``),
        compiled here (compile once and pass the BOM when calling repeatedly).
    open_only : bool
        Only knit orders with a positive balance. Without it a negative balance (an overshipped order) gives
        negative yarn lbs that offset other orders' demand in ``by_yarn``, as the ERP's report sums them; for
        planning (netting, MRP, shortages) pass ``open_only=True``, as ``bk-fast demo`` does
        (:func:`allocate_knit_orders` rejects a negative balance, :func:`schedule_knit_orders` has nothing to
        knit for it).
    scale : {"fraction", "percent"}
        Scale of ``BOM_Percentage`` when ``bom`` is a frame.
    engine : str, optional
        Kernel engine.

    Returns
    -------
    YarnRequirements

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.erp import yarn_requirements
    >>> bom = pd.DataFrame({"Style#": ["125792/1", "125792/1", "FF 10006/0001"], "Desc#": [18767, 18929, 18767],
    ...                     "BOM_Percentage": [0.914, 0.086, 0.131]})
    >>> kos = pd.DataFrame({"Order #": ["K2508066", "K2508070", "K2508071"],
    ...                     "Style #": [" 125792/1", "FF 10006/0001", "999999/1"],
    ...                     "Balance (lbs)": [1048.1, 14210.4, 50.0]})
    >>> res = yarn_requirements(kos, bom)
    >>> res.by_order.round(4)
        Order #        Style #  Desc#        lbs
    0  K2508066       125792/1  18767   957.9634
    1  K2508066       125792/1  18929    90.1366
    2  K2508070  FF 10006/0001  18767  1861.5624
    >>> res.by_yarn.round(4)
       Desc#        lbs  orders
    0  18767  2819.5258       2
    1  18929    90.1366       1
    >>> res.unmatched
        Order #   Style #  Balance (lbs)
    0  K2508071  999999/1           50.0
    """
    from bk_fast._validate import find_column, require_frame
    from bk_fast.bom import _id_values

    kos = require_frame(knit_orders, "knit_orders")
    compiled = _bom_compiled(bom, scale, engine)
    o_label = find_column(kos, "Order #", what="knit_orders")
    s_label = find_column(kos, "Style#", what="knit_orders")
    b_label = find_column(kos, "Balance (lbs)", what="knit_orders")
    # (an infinite balance would make inf/NaN lbs: named here, before any kernel)
    balance = _ko_lbs(kos, b_label, "knit_orders", o_label)
    balance = _bom_np.where(_bom_np.isnan(balance), 0.0, balance)
    styles, miss = _id_values(kos[s_label], True)
    orders = kos[o_label].to_numpy()
    id_src = {"Order #": kos[o_label], "Style #": styles if len(styles) else kos[s_label]}  # (for _rows_dtypes)
    codes = _style_codes(compiled, kos[s_label], styles, miss)
    if open_only:
        keep = balance > 0
        balance, styles, miss, orders, codes = balance[keep], styles[keep], miss[keep], orders[keep], codes[keep]
    row, ycodes, lbs_rows = compiled.explode_lines(codes, balance, engine=engine)
    by_order = _bom_pd.DataFrame({"Order #": orders[row], "Style #": styles[row],
                                  "Desc#": compiled._take(ycodes), "lbs": lbs_rows})
    present = _bom_np.zeros(compiled.n_items, dtype=bool)
    present[ycodes] = True
    used = _bom_np.flatnonzero(present)
    # (float64 also with no rows: the bincount of nothing is int64, weights or not)
    lbs = _bom_np.bincount(ycodes, weights=lbs_rows, minlength=compiled.n_items)[used].astype(_bom_np.float64)
    count = _bom_np.bincount(ycodes, minlength=compiled.n_items)[used]
    by_yarn = _bom_pd.DataFrame({"Desc#": compiled._take(used), "lbs": lbs, "orders": count})
    try:
        by_yarn = by_yarn.sort_values("Desc#", kind="stable", ignore_index=True)
    except TypeError:  # yarn ids of mixed kinds (numbers and text) do not compare: numbers first, then the rest
        ids = by_yarn["Desc#"].to_numpy(dtype=object)
        is_num = [isinstance(x, (int, float, _bom_np.number)) and not isinstance(x, (bool, _bom_np.bool_))
                  for x in ids]
        nums = sorted((i for i in range(len(ids)) if is_num[i]), key=lambda i: ids[i])
        rest = sorted((i for i in range(len(ids)) if not is_num[i]), key=lambda i: str(ids[i]))
        by_yarn = by_yarn.take(nums + rest).reset_index(drop=True)
    bad = codes < 0
    um_styles = styles[bad]
    if miss[bad].any():  # a missing style is None, not the 0 that stands in for it among integer ids
        um_styles = um_styles.astype(object)
        um_styles[miss[bad]] = None
    unmatched = _bom_pd.DataFrame({"Order #": orders[bad], "Style #": um_styles,
                                   "Balance (lbs)": balance[bad]})
    # with no rows, the dtypes the columns have with rows (not object): the knit orders' ids, the BOM's yarns
    yarns = {"Desc#": _bom_yarns(compiled)} if not (len(by_order) and len(by_yarn)) else {}
    by_order = _rows_dtypes(by_order, {**id_src, **yarns})
    by_yarn = _rows_dtypes(by_yarn, yarns)
    return YarnRequirements(by_order, by_yarn, _rows_dtypes(unmatched, id_src))


@_bom_dataclass(frozen=True)
class GreigeDemand:
    """Sales mapped to greige styles: ``lines`` (one row per sales line and greige style: ``line``, the sales
    id column when present, ``fStyle#``, ``gBase``, ``Style#``, ``versions``, ``qty``) and ``unmatched`` (the
    sales lines that could not be mapped, with a ``reason``: ``"fStyle# not in style master"``, ``"empty gBase
    in style master"`` (the master has the ``fStyle#`` only on rows without a ``gBase``) or ``"no BOM style for
    gBase"``)."""

    lines: _bom_pd.DataFrame
    unmatched: _bom_pd.DataFrame


def _split_parts(q: _bom_np.ndarray, k: _bom_np.ndarray, line: _bom_np.ndarray) -> _bom_np.ndarray:
    """Each line's quantity ``q`` (repeated on its ``k`` rows, which are consecutive) in ``k`` parts that add up
    to exactly ``q`` in float64, in any order: ``q / 2`` and ``q - q / 2`` for two; for more, ``q / k`` rounded
    toward zero onto ``q``'s float64 grid (multiples of ``g``, the gap below ``|q|``: the ulp of ``q``, half of
    it at a power of two) and the rest on the line's last row (q / 3 added three times missed 6369.62 by an
    ulp). Every part is then a multiple of ``g`` of ``q``'s sign, so every partial sum, of any of the parts, is
    a multiple of ``g`` no larger than ``|q|``: a float64, each addition exact. A part is within ``(k - 1) x g``
    of ``q / k``: a ``q / k`` that float64 rounds up onto the grid is above it by ``g / 4`` at most, which the
    ``k - 1`` first parts keep below ``|q|`` up to ``k`` ~ 2**27. A subnormal ``q`` is a whole number ``n`` of
    the smallest subnormal (its ``g``), onto which ``q / k`` is itself rounded to nearest (1.5e-323 / 5 is
    5e-324, four such parts more than ``q``): its parts are ``n // k`` of it, the rest on the last row."""
    with _bom_np.errstate(over="ignore", under="ignore", invalid="ignore"):
        a = _bom_np.abs(q)
        g = a - _bom_np.nextafter(a, 0.0)  # (np.spacing looks upward: inf at the largest float64)
        g[g == 0.0] = 1.0  # (q = 0: parts of 0)
        part = _bom_np.where(k <= 2, q / k, _bom_np.trunc(q / k / g) * g)
        sub = (a < _bom_np.finfo(_bom_np.float64).smallest_normal) & (k > 2)
        if sub.any():  # (n / tiny and n // k x tiny: exact, n < 2**52)
            tiny = _bom_np.finfo(_bom_np.float64).smallest_subnormal
            part[sub] = _bom_np.sign(q[sub]) * ((a[sub] / tiny).astype(_bom_np.int64) // k[sub]) * tiny
    last = _bom_np.ones(q.shape[0], dtype=bool)
    last[:-1] = line[1:] != line[:-1]
    part[last] = q[last] - (k[last] - 1) * part[last]  # ((k - 1) x part: a multiple of g below |q|, exact)
    return part


def sales_to_greige(sales, styles, bom, *, qty=None, how: str = "split") -> GreigeDemand:
    """Map finished-style sales through the style master to the BOM's greige styles.

    ``fStyle# -> gBase`` through the style master, then to every BOM style whose base (the text before the
    first ``/``) is that ``gBase`` (DOMAIN.md section 1). Ids are compared with surrounding spaces stripped, a
    whole number, as a number or as text, without its ``.0`` (``5001.0`` and ``"5001.0"`` meet ``5001``, a
    ``gBase`` ``"125792.0"`` meets the BOM's ``125792/1``), as the scheduling lookups read styles. The
    ``fStyle#`` and ``gBase`` shown are the ids as read, not their keys: surrounding spaces stripped, a
    whole-number float without its ``.0`` (a ``gBase`` ``" 125792 "`` or ``125792.0`` shows ``"125792"``),
    text otherwise as written (``"125792.0"`` stays ``"125792.0"``).

    Parameters
    ----------
    sales : DataFrame
        Sales lines with ``fStyle#`` and a quantity (``qty``, default ``Ordered``). Not modified.
    styles : DataFrame
        Style master: ``fStyle#`` -> ``gBase`` (rows with an empty ``gBase`` are skipped: a sales line whose
        ``fStyle#`` has no other row is unmatched with the reason ``"empty gBase in style master"``; the first
        of the others wins for a repeated ``fStyle#``).
    bom : BOM or DataFrame
        The greige BOM (its parent items are the greige styles).
    qty : column label, optional
        Quantity column of ``sales`` (default ``Ordered``): ERP number text is cleaned, a missing quantity
        (an empty cell, ``"N/A"``) counts 0; text that is no number or an infinite quantity is a ValueError
        naming the column and row.
    how : {"split", "all"}
        With several greige versions of one base: ``"split"`` divides the quantity equally over them, so that
        the parts add up to exactly the quantity in float64, in any order (totals are preserved, so the result
        can be exploded directly): two versions get ``qty / 2`` and ``qty - qty / 2`` (halves, but for a
        subnormal quantity); ``k`` more get ``qty / k`` rounded toward zero onto the quantity's float64 grid
        (multiples of the gap to the float64 below it), the last version the rest, so a part is ``qty / k`` to
        less than ``k - 1`` ulps of the quantity (6369.62 over three versions: 2123.206666666666 twice and
        2123.206666666668). ``"all"`` gives every version the full quantity (candidates for a planner to
        choose from).

    Returns
    -------
    GreigeDemand

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.erp import sales_to_greige
    >>> bom = pd.DataFrame({"Style#": ["125792/1", "125792/2", "180001/20ST2"], "Desc#": [1, 2, 1],
    ...                     "BOM_Percentage": [1.0, 1.0, 1.0]})
    >>> master = pd.DataFrame({"fStyle#": ["125792-NAV", "180001-RED", "777-X"],
    ...                        "gBase": ["125792", "180001", "777"]})
    >>> sales = pd.DataFrame({"SO #": ["SO1", "SO2", "SO3"], "fStyle#": ["125792-NAV", "180001-RED", "nope"],
    ...                       "Ordered": [100.0, 30.0, 5.0]})
    >>> res = sales_to_greige(sales, master, bom)
    >>> res.lines
       line SO #     fStyle#   gBase        Style#  versions   qty
    0     0  SO1  125792-NAV  125792      125792/1         2  50.0
    1     0  SO1  125792-NAV  125792      125792/2         2  50.0
    2     1  SO2  180001-RED  180001  180001/20ST2         1  30.0
    >>> res.unmatched
       line SO # fStyle#  qty                       reason
    0     2  SO3    nope  5.0  fStyle# not in style master
    """
    from bk_fast._validate import find_column, float_column, reject_text, require_finite, require_frame
    from bk_fast.bom import _id_values

    if how not in ("split", "all"):
        raise ValueError(f"how must be 'split' or 'all', got {how!r}")
    sales = require_frame(sales, "sales")
    styles = require_frame(styles, "styles")
    compiled = _bom_compiled(bom)
    f_label = find_column(sales, "fStyle#", what="sales")
    if qty is not None:
        q_label = qty if qty in sales.columns else find_column(sales, qty, what="sales")
    elif "Ordered" in sales.columns:
        q_label = "Ordered"
    else:
        q_label = find_column(sales, "Qty Ordered (lbs)", what="sales")
    id_label = find_column(sales, "SO #", what="sales", required=False) if "SO #" in sales.columns else None
    q = float_column(sales, q_label, what="sales")
    require_finite(sales, q_label, q, "sales", id_label)  # (as every other adapter: inf lbs is no quantity)
    # (text that is no number named, a missing quantity 0: the lines go to BOM.explode, which takes no NaN)
    reject_text(sales, q_label, q, "sales", "a quantity, or nothing for 0")
    q = _bom_np.where(_bom_np.isnan(q), 0.0, q)
    fs, fmiss = _id_values(sales[f_label].astype(object), True)
    mf_col = styles[find_column(styles, "fStyle#", what="styles")]
    mb_col = styles[find_column(styles, "gBase", what="styles")]
    _, mmiss = _id_values(mf_col.astype(object), True)
    mb, bmiss = _id_values(mb_col.astype(object), True)
    # ids matched by their text keys (_greige_keys: 5001, 5001.0, "5001" and "5001.0" are one id), the first
    # master row of a repeated fStyle# winning; the master's gBase shown as read as an id (surrounding spaces
    # stripped, a whole-number float without its .0), not by its key (text "125792.0" stays "125792.0")
    ok = _bom_np.flatnonzero(~(mmiss | bmiss))
    mf_keys = _greige_keys(mf_col)
    mkeys = _bom_pd.Index(mf_keys[ok], dtype=object)
    first = ok[~mkeys.duplicated()]
    skeys = _greige_keys(sales[f_label])
    at = mkeys[~mkeys.duplicated()].get_indexer(skeys)
    at[fmiss] = -1
    base = _bom_np.append(mb[first].astype(str).astype(object), None)[at]  # (at -1: None)
    base_key = _bom_np.append(_greige_keys(mb_col)[first], None)[at]
    # greige styles of the BOM by base (its key, as the master's)
    parents = _bom_np.flatnonzero(~compiled.is_leaf)
    gstyles = compiled.items.take(parents)
    gtext = gstyles.astype(str)
    versions = _bom_pd.DataFrame({"_key": _greige_base_keys(gtext), "Style#": gstyles.to_numpy()})
    versions = versions[versions["_key"].notna()]
    versions = versions.assign(versions=versions.groupby("_key", sort=False)["Style#"].transform("size"))
    fstr = _bom_pd.Series(fs, dtype=object).where(~fmiss, None)
    head = {"line": _bom_np.arange(len(sales))}
    if id_label is not None:
        head[id_label] = sales[id_label].to_numpy()
    # (object keys on both sides: pandas refuses to merge float NaN keys with text ones)
    left = _bom_pd.DataFrame({**head, "fStyle#": fstr.to_numpy(), "gBase": base, "qty": q, "_key": base_key})
    merged = left[at >= 0].merge(versions, on="_key", how="inner", sort=False)
    merged = merged.sort_values("line", kind="stable", ignore_index=True)
    if how == "split":
        merged["qty"] = _split_parts(merged["qty"].to_numpy(dtype=_bom_np.float64),
                                     merged["versions"].to_numpy(dtype=_bom_np.int64),
                                     merged["line"].to_numpy())
    cols = list(head) + ["fStyle#", "gBase", "Style#", "versions", "qty"]
    lines = merged[cols].infer_objects()
    found = _bom_np.zeros(len(sales), dtype=bool)
    found[merged["line"].to_numpy()] = True
    # (an fStyle# the master holds only with an empty gBase: the planner fills in the gBase, no row is missing)
    no_base = ~fmiss & _bom_pd.Index(skeys, dtype=object).isin(mf_keys[~mmiss & bmiss])
    reason = _bom_np.where(at >= 0, "no BOM style for gBase",
                           _bom_np.where(no_base, "empty gBase in style master", "fStyle# not in style master"))
    um = ~found
    unmatched = _bom_pd.DataFrame({**{k: v[um] for k, v in head.items()}, "fStyle#": fstr.to_numpy()[um],
                                   "qty": q[um], "reason": reason[um]}).infer_objects()
    # with no rows, the dtypes the columns have with rows (not object)
    src = {"fStyle#": fstr if len(fstr) else sales[f_label]}
    if id_label is not None:
        src[id_label] = sales[id_label]
    lines = _rows_dtypes(lines, {**src, "gBase": gtext.to_numpy(dtype=object), "Style#": versions["Style#"]}, True)
    return GreigeDemand(lines, _rows_dtypes(unmatched, src, True))


# ---- scheduling ----
# Knit orders on knitting machines (DOMAIN.md sections 1 and 7): the ERP's capacity lookup and utilisation,
# bk_fast's finite-capacity schedule. Names are prefixed _sched_ so they never clash with other blocks.

import math  # noqa: E402
from fractions import Fraction  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bk_fast._arrow_text import text_buffers, utf8_buffers  # noqa: E402
from bk_fast._engine import resolve  # noqa: E402
from bk_fast._validate import (SPACE_CLASS, SPACE_STRIP, clean_numbers, date_arg, find_column,  # noqa: E402
                               float_column, is_time_value, isin, missing_text, plain, require_frame,
                               spelled_missing)

_SCHED_DEFAULT_RATE = 616.0


_SCHED_LEVELS = ("exact", "without spaces", "same base")
_SCHED_POINT_ZERO = r"(?<=[0-9])\.0+(?=\s*$)"  # (the ".0" a whole float keeps when written as text)


def _sched_text(values) -> pd.Series:
    """Style ids as the text the ERP's lookup compares: a number as :func:`_style_text` writes it (a whole one
    without its ``.0``: the float ``125792.0`` of a ``Style #`` column with an empty cell is ``"125792"``), and
    text as it is but for the ``.0`` after the digits of a whole number (``"125792.0"``, a float column turned to
    text, is ``"125792"`` too); its spaces, sign and leading zeros count (``"0999"`` stays ``"0999"``, and its
    ``"0999/1"`` meets it at the same base); missing as NaN. Text of any dtype is read as pandas' ``str``: an
    ``ArrowDtype`` string column (``read_csv(dtype_backend="pyarrow")``) would send the patterns below to
    pyarrow's RE2 (no look-behind, an ASCII-only ``\\s``), and ``string[python]`` would miss the Arrow kernels."""
    if isinstance(values, pd.Series) and pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        text = values.reset_index(drop=True)
        if text.dtype != "str":  # (string[python] / [pyarrow], ArrowDtype string / large_string)
            text = text.astype("str")
    else:
        vals = np.asarray(values, dtype=object)
        other = np.flatnonzero(np.fromiter((not isinstance(v, str) for v in vals), dtype=bool,
                                           count=vals.shape[0]))
        if other.size:
            vals = vals.copy()
            vals[other] = _style_text(pd.Series(vals[other], dtype=object))
        text = pd.Series(vals, dtype="str")
    # (the pattern's Unicode "\s" takes Python's regex, a call a value: it reads only the text with a ".0", found by
    # pyarrow's substring search: 1.57 s -> 0.14 s for 2.7 * 10^6 styles)
    maybe = np.flatnonzero(text.str.contains(".0", regex=False, na=False).to_numpy(dtype=bool, na_value=False))
    whole = maybe[text.iloc[maybe].str.fullmatch(r"\s*[+-]?[0-9]+\.0+\s*", na=False).to_numpy(dtype=bool)]
    if whole.size:
        text = text.copy()
        text.iloc[whole] = text.iloc[whole].str.replace(_SCHED_POINT_ZERO, "", regex=True)
    return text


# white space as Python's str.isspace reads it (a space, tab, non-breaking space, ...): the characters themselves,
# which pyarrow's regex takes too (its "\s" is ASCII only, Python's regex ~4x slower on 10^5 table rows)
_SCHED_SPACE = f"{SPACE_CLASS}+"


def _sched_key(text: pd.Series, level: int) -> pd.Series:
    """Key of the ERP's style lookup at ``level``: 0 the text as is, 1 without spaces (any white space: a
    non-breaking space or a tab as a space), 2 the base before ``/`` (of the text without spaces). Element by
    element: the key of some rows is those rows of the whole column's key."""
    if level == 0:
        return text
    nospace = _without_space(text)
    return nospace if level == 1 else _base_key(nospace)


def _sched_arrow(*texts) -> bool:
    """Whether each of ``texts`` (Series, Index) is text that pyarrow holds (pandas' ``str`` with pyarrow)."""
    return all(isinstance(t.dtype, pd.StringDtype) and t.dtype.storage == "pyarrow" for t in texts)


def _plain_text(data) -> np.ndarray:
    """True where a value of ``data`` (pyarrow text) holds no white space for certain: printable ASCII without a
    space (a missing value too: it has no key)."""
    import pyarrow.compute as pc

    plain = pc.and_(pc.and_(pc.string_is_ascii(data), pc.ascii_is_printable(data)),
                    pc.invert(pc.match_substring(data, " ")))
    return pc.fill_null(plain, True).to_numpy(zero_copy_only=False)


def _arrow_text(data, like: pd.Series) -> pd.Series:
    """``data`` (pyarrow text) as a Series of ``like``'s dtype, index and name."""
    return pd.Series(pd.arrays.ArrowStringArray(data, dtype=like.dtype), index=like.index, name=like.name)


def _without_space(text: pd.Series) -> pd.Series:
    """``text`` without its white space (any of :data:`_SCHED_SPACE`). On Arrow text pyarrow's regex reads only
    the values that may hold some (not printable ASCII without a space; 85 % of a mill's styles are): 136 ->
    ~60 ms for 5.5 * 10^5 styles."""
    if not _sched_arrow(text):
        return text.str.replace(_SCHED_SPACE, "", regex=True)
    import pyarrow as pa
    import pyarrow.compute as pc

    data = text.array.__arrow_array__()
    rows = np.flatnonzero(~_plain_text(data))
    if not rows.size:
        return text
    fixed = pc.replace_substring_regex(data.take(rows), _SCHED_SPACE, "")
    where = np.arange(len(data), dtype=np.int64)
    where[rows] = len(data) + np.arange(rows.size)
    return _arrow_text(pa.chunked_array(data.chunks + fixed.chunks, type=data.type).take(where), text)


def _base_key(nospace: pd.Series) -> pd.Series:
    """The same-base key of keys without white space: the text before the first ``/``, all of it without one
    (the ERP's pattern ``/.*$`` cut: no line break is left for ``$``). On Arrow text by pyarrow's split (283 ->
    55 ms for 5.5 * 10^5 styles against its regex)."""
    if not _sched_arrow(nospace):
        return nospace.str.replace(r"/.*$", "", regex=True)
    return _arrow_text(_arrow_base(nospace.array.__arrow_array__()), nospace)


def _arrow_base(data):
    """Each value of ``data`` (pyarrow text) up to its first ``/`` (all of it without one), by pyarrow's split."""
    import pyarrow.compute as pc

    return pc.list_element(pc.split_pattern(data, "/", max_splits=1), 0)


def _sched_probe(keys: pd.Series, among: pd.Index) -> np.ndarray:
    """Position of each of ``keys`` in ``among`` (distinct keys, none missing), -1 where it is not there or
    missing: ``among.get_indexer(keys)``, by pyarrow's hash lookup when both are Arrow text (pandas' reads the
    Arrow text as Python strings first: 1.7 s for 2.7 * 10^6 table keys against 10^5 query keys, 0.18 s here)."""
    if not len(among):
        return np.full(len(keys), -1, dtype=np.int64)
    if not _sched_arrow(keys, among):
        return among.get_indexer(keys)
    import pyarrow.compute as pc

    data = keys.array.__arrow_array__()
    at = pc.index_in(data, value_set=among.array.__arrow_array__().cast(data.type))
    return pc.fill_null(at, -1).to_numpy().astype(np.int64)


def _sched_candidates(ttext: pd.Series, qtext: pd.Series) -> np.ndarray:
    """Positions of the rows of ``ttext`` (the table's :func:`_sched_text`) whose same-base key is one of the
    ``qtext``'s: the only rows whose key can equal a query's at any level (each level's key is a function of the
    one before: the same text has the same key without spaces, and that the same base). All rows unless both
    are Arrow text; else the table's bases are cut at the first ``/`` before their white space is dropped (the
    same key: ``/`` is no white space, and text without white space has no line break for ``$``), by pyarrow's
    kernels, and the regex of white space runs only on the bases that may hold some (not printable ASCII
    without a space)."""
    if not _sched_arrow(ttext, qtext):
        return np.arange(len(ttext))
    import pyarrow.compute as pc

    data = ttext.array.__arrow_array__()
    qbases = _sched_key(qtext, 2).dropna().array.__arrow_array__().cast(data.type)
    base = _arrow_base(data)
    plain = _plain_text(base)
    hit = pc.fill_null(pc.is_in(base, value_set=qbases), False).to_numpy(zero_copy_only=False) & plain
    spaced = np.flatnonzero(~plain)
    if spaced.size:  # (pandas' own kernel for _sched_key's pattern, which needs no Python regex)
        key = pc.replace_substring_regex(base.take(spaced), _SCHED_SPACE, "")
        hit[spaced] = pc.fill_null(pc.is_in(key, value_set=qbases), False).to_numpy(zero_copy_only=False)
    return np.flatnonzero(hit)


def _sched_match(table_styles, query):
    """Row of ``table_styles`` each ``query`` style matches by the ERP's chain (exact, without spaces, same
    base; the first row wins at every level), or -1; the level name; the level number (-1: none); the query's
    keys per level and the table's (computed only as far as needed), the latter of the table rows ``trows``
    only (positions, ascending: :func:`_sched_candidates`, the rows any query can meet at any level)."""
    ttext, qtext = _sched_text(table_styles), _sched_text(query)
    n = len(qtext)
    row = np.full(n, -1, dtype=np.int64)
    how = np.full(n, "not found", dtype=object)
    level = np.full(n, -1, dtype=np.int64)
    tkeys, qkeys = {}, {}
    trows = np.zeros(0, dtype=np.int64)
    for lv, name in enumerate(_SCHED_LEVELS):
        todo = (row < 0) & qtext.notna().to_numpy()
        if not todo.any():
            break
        if lv == 0:
            trows = _sched_candidates(ttext, qtext)
            ttext = ttext.iloc[trows]
        if lv == 2:  # the base is cut from the text without spaces, computed at level 1
            tk = tkeys[lv] = _base_key(tkeys[1])
            qk = qkeys[lv] = _base_key(qkeys[1])
        else:
            tk = tkeys[lv] = _sched_key(ttext, lv)
            qk = qkeys[lv] = _sched_key(qtext, lv)
        # hash the (few) query keys and probe the (long) table with them: first table row per query key
        qcodes, quniq = pd.factorize(qk, use_na_sentinel=True)
        qcodes = np.asarray(qcodes)
        probe = _sched_probe(tk, pd.Index(quniq))
        rows_hit = np.flatnonzero(probe >= 0)
        first_row = np.full(len(quniq), -1, dtype=np.int64)
        keys_hit, at = np.unique(probe[rows_hit], return_index=True)
        first_row[keys_hit] = trows[rows_hit[at]]
        pos = np.where(qcodes >= 0, first_row[np.maximum(qcodes, 0)] if len(quniq) else -1, -1)
        hit = todo & (pos >= 0)
        row[hit] = pos[hit]
        how[hit] = name
        level[hit] = lv
    how[qtext.isna().to_numpy()] = "no style"
    return row, how, level, tkeys, qkeys, trows


def _key_hashes(keys: pd.Series, engine: str | None = None) -> np.ndarray:
    """64-bit hashes of text keys (none missing): the FNV-1a of their UTF-8 bytes (the ``text_hash`` kernel on
    ``engine``; every engine's are the same), so equal text has one hash whether pyarrow or Python holds it."""
    # (pyarrow's bytes as they are; else the Python strings encoded, lone surrogates passed through: text_buffers
    # would convert a Python-held str column to Arrow, which refuses them)
    buffers = text_buffers(keys) if _sched_arrow(keys) else None
    if buffers is None:
        data, off = utf8_buffers(keys.tolist())
    else:
        off, data, _ = buffers
    out = np.empty(len(keys), dtype=np.uint64)
    resolve("text_hash", engine)(off, data, out)
    return out


def _keyed_by_hash(key: pd.Series, engine: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each row's key (``key``: a level's keys of a table, NaN where missing) as the position of its first row
    (-1: missing), and the distinct keys' hashes and first rows sorted by hash, from one sort of the rows'
    hashes; None when two different keys share a hash (:func:`_keyed_by_codes` answers then)."""
    named = np.flatnonzero(key.notna().to_numpy())
    h = _key_hashes(key.iloc[named], engine)
    order = np.argsort(h)  # (not stable, 1.8x faster: a run's first row is its least, taken below)
    h, rows = h[order], named[order]
    start = np.ones(len(h), dtype=bool)
    start[1:] = h[1:] != h[:-1]
    at = np.flatnonzero(start)
    least = np.minimum.reduceat(rows, at) if at.size else rows
    first = least[np.cumsum(start) - 1]  # (each row's first row among those of its hash)
    later = np.flatnonzero(rows != first)
    if later.size and not np.all(key.iloc[rows[later]].array == key.iloc[first[later]].array):
        return None
    kid = np.full(len(key), -1, dtype=np.int64)
    kid[rows] = first
    return kid, h[start], least


def _keyed_by_codes(key: pd.Series, engine: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_keyed_by_hash`'s answer by a factorize of the keys (keys of one hash, ordered by first row)."""
    codes, uniq = pd.factorize(key, use_na_sentinel=True)
    first = _first_rows(codes, len(uniq))
    codes = np.asarray(codes, dtype=np.int64)
    kid = np.full(len(codes), -1, dtype=np.int64)
    kid[codes >= 0] = first[codes[codes >= 0]]
    h = _key_hashes(pd.Series(uniq), engine)
    order = np.argsort(h, kind="stable")
    return kid, h[order], first[order]


def _first_rows(codes, k: int) -> np.ndarray:
    """Position of the first row of each of the ``k`` codes of a factorize (uniques in order of appearance:
    code ``c`` first appears after codes ``0 .. c-1``; -1 missing)."""
    codes = np.asarray(codes, dtype=np.int64)
    if not codes.size:
        return np.zeros(0, dtype=np.int64)
    top = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.concatenate(([top[0] >= 0], top[1:] > top[:-1])))
    if len(first) != k or (k and not np.array_equal(codes[first], np.arange(k))):  # (not in appearance order)
        _, first = np.unique(np.where(codes >= 0, codes, k), return_index=True)
        first = first[:k]
    return first


class _PreparedStyles:
    """One table's style column keyed at the ERP's three lookup levels, once, compactly: the table's text (as
    :func:`_sched_text` reads it) and per level each distinct key's first row, sorted by the key's 64-bit hash
    (a lookup probes the hashes and compares the text of the rows found, so two keys of one hash stay two);
    with ``values`` (the work centers) also per level the distinct (key, value) pairs, each at its first row
    (equal values as ``drop_duplicates`` finds them), ordered by key, then table order."""

    def __init__(self, table_styles: pd.Series, values: pd.Series | None = None, engine: str | None = None):
        self.text, self.engine = _sched_text(table_styles), engine
        self.hash, self.row, self.pair_key, self.pair_row, self.distinct = [], [], [], [], []
        self.values = None if values is None else values.reset_index(drop=True).copy()
        if values is not None:  # (equal values as one code: one factorize for the three levels)
            present = values.notna().to_numpy()
            # (of the rows with a style only, the rows every level keys: pandas' equality of mixed types is not
            # transitive, Decimal("1") == 1.0 == np.int64(1) but Decimal("1") != np.int64(1), so a value of a row
            # without a style would decide which of the others are one)
            keyed = np.flatnonzero(self.text.notna().to_numpy() & present)
            wcodes = np.zeros(len(present), dtype=np.int64)
            wcodes[keyed] = np.asarray(pd.factorize(self.values.iloc[keyed])[0], dtype=np.int64) + 1
            wbase = int(wcodes.max(initial=0)) + 1
        key = self.text
        for lv in range(len(_SCHED_LEVELS)):
            if lv:  # (each level's key from the one before: without spaces, then the base of that)
                key = _without_space(key) if lv == 1 else _base_key(key)
            # (kid: each row's key as its first row)
            kid, h, first = _keyed_by_hash(key, engine) or _keyed_by_codes(key, engine)
            self.hash.append(h)
            self.row.append(first)
            self.distinct.append(bool((h[1:] != h[:-1]).all()))
            if values is None:
                continue
            have = np.flatnonzero((kid >= 0) & present)
            # each distinct (key, value) pair's first row, in table order: a key of one row is a pair of its own,
            # the rest are told apart by a factorize of the pairs' codes
            again = np.bincount(kid[have], minlength=len(kid))[kid[have]] > 1
            many = have[again]
            pcodes, puniq = pd.factorize(kid[many] * wbase + wcodes[many])
            pair = np.sort(np.concatenate([have[~again], many[_first_rows(pcodes, len(puniq))]]))
            order = np.argsort(kid[pair], kind="stable")
            self.pair_key.append(kid[pair][order])
            self.pair_row.append(pair[order])

    def __setstate__(self, state: dict) -> None:
        """An index pickled by an earlier version (its hashes pandas' ``hash_array``, no ``distinct``) is keyed
        again from its text and values; a current one is restored as it is."""
        if "distinct" in state:
            self.__dict__.update(state)
        else:
            self.__init__(state["text"], state["values"])

    def _find(self, keys: pd.Series, lv: int) -> np.ndarray:
        """First table row of each of ``keys`` (level ``lv`` keys, none missing) at that level, or -1."""
        found = np.full(len(keys), -1, dtype=np.int64)
        if not len(keys) or not len(self.hash[lv]):
            return found
        qh = _key_hashes(keys, self.engine)
        table = self.hash[lv]
        # (hashes in ascending order: NumPy's search narrows each from the one before, 2.7x faster than at random)
        order = np.argsort(qh)
        lo = np.empty(len(qh), dtype=np.int64)
        lo[order] = np.searchsorted(table, qh[order], side="left")
        if self.distinct[lv]:  # (no two keys of one hash: one key or none at each hash)
            hi = lo + (table[np.minimum(lo, len(table) - 1)] == qh)
        else:
            hi = np.empty(len(qh), dtype=np.int64)
            hi[order] = np.searchsorted(table, qh[order], side="right")
        qtext = keys.to_numpy(dtype=object)
        for step in range(int((hi - lo).max())):  # (one step unless two keys share a hash)
            cand = np.flatnonzero((found < 0) & (lo + step < hi))
            rows = self.row[lv][lo[cand] + step]
            same = _sched_key(self.text.iloc[rows], lv).to_numpy(dtype=object) == qtext[cand]
            found[cand[same]] = rows[same]
        return found

    def match(self, query: np.ndarray) -> tuple:
        """As :func:`_sched_match` for the distinct styles ``query``: the table row each matches (-1: none),
        the level's name and the level (-1: none)."""
        qtext = _sched_text(query)
        n = len(qtext)
        row = np.full(n, -1, dtype=np.int64)
        how = np.full(n, "not found", dtype=object)
        level = np.full(n, -1, dtype=np.int64)
        named = qtext.notna().to_numpy()
        for lv, name in enumerate(_SCHED_LEVELS):
            todo = np.flatnonzero((row < 0) & named)
            if not todo.size:
                break
            at = self._find(_sched_key(qtext.iloc[todo], lv), lv)
            hit = at >= 0
            row[todo[hit]] = at[hit]
            how[todo[hit]] = name
            level[todo[hit]] = lv
        how[~named] = "no style"
        return row, how, level

    def work_centers(self, query: np.ndarray) -> np.ndarray:
        """Each distinct style's list of work centers (every one listed under its matched key, in table order),
        or None."""
        row, _, level = self.match(query)
        out = np.full(len(row), None, dtype=object)
        for lv in range(len(_SCHED_LEVELS)):
            sel = np.flatnonzero(level == lv)
            if not sel.size:
                continue
            lo = np.searchsorted(self.pair_key[lv], row[sel], side="left")
            hi = np.searchsorted(self.pair_key[lv], row[sel], side="right")
            count = hi - lo
            before = np.cumsum(count) - count  # (the runs lo[i] .. hi[i] one after another, without a loop)
            take = np.arange(int(count.sum()), dtype=np.int64) + np.repeat(lo - before, count)
            vals = self.values.iloc[self.pair_row[lv][take]].to_numpy(dtype=object)
            # (read as one column, as :func:`_sched_work_centers`' frame of the level's pairs reads its values:
            # all text gives str (np.str_ too), all dates Timestamps)
            vals = pd.Series(vals).tolist()
            start = 0
            for i, n in zip(sel.tolist(), count.tolist()):
                if n:
                    out[i] = vals[start:start + n]
                start += n
        return out


class StyleIndex:
    """The ERP's style tables prepared once for repeated capacity lookups and schedules.

    :func:`erp_capacity` and :func:`schedule_knit_orders` key every style of their tables at the ERP's three
    lookup levels (exact text, without spaces, the base before ``/``) on every call; with tables of 10^5-10^6
    rows that is most of a call's time. A service that schedules again and again against the same tables
    builds a ``StyleIndex`` once (as it compiles the BOM once) and passes it in place of ``style_capacity``
    (``style_work_center`` then omitted): the answers are the same as with the tables themselves (but for work
    centers that are equal values of different types, such as ``Decimal("1")`` beside ``np.int64(1)`` or one
    instant in two time zones: the tables' path may keep either of such a pair, depending on the other styles
    asked for). The index copies what it needs: later edits of the tables do not reach it (build a new one after
    them).

    Parameters
    ----------
    style_capacity : DataFrame
        The ERP's style capacity table: a style column (``Style`` / ``Style#``) and ``lbs/day``, as
        :func:`erp_capacity` reads it. Not modified.
    style_work_center : DataFrame, optional
        ``Style``, ``WC``, as :func:`schedule_knit_orders` reads it; needed to schedule, not for
        :func:`erp_capacity`. Not modified.
    engine : {"cython", "numba", "numpy"}, optional
        Engine of the index's text hashing (the ``text_hash`` kernel), at the build and at every lookup;
        default: the engine in force at each. Every engine gives the same hashes and the same answers.

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.erp import StyleIndex, erp_capacity
    >>> cap = pd.DataFrame({"Style": ["125792/1", "FF 10006/0001"], "lbs/day": [700.0, 450.0]})
    >>> swc = pd.DataFrame({"Style": ["125792/1", "FF 10006/0001"], "WC": ["9.38.20.F", "9.30.18.F"]})
    >>> styles = StyleIndex(cap, swc)
    >>> styles
    StyleIndex(2 capacity rows, 2 work-center rows)
    >>> erp_capacity(["125792/1", "FF10006/0001", "125792/2", "999/1"], styles)
       lbs_per_day     rate_source
    0        700.0           exact
    1        450.0  without spaces
    2        700.0       same base
    3        616.0         default
    """

    def __init__(self, style_capacity: pd.DataFrame, style_work_center: pd.DataFrame | None = None, *,
                 engine: str | None = None):
        cdf = require_frame(style_capacity, "style_capacity")
        s_label = find_column(cdf, "Style#", what="style_capacity")
        r_label = find_column(cdf, "lbs/day", what="style_capacity")
        self._rates = np.array(float_column(cdf, r_label, what="style_capacity"))  # (a copy, not a view)
        self._capacity = _PreparedStyles(cdf[s_label], engine=engine)
        self._n_capacity, self._n_work_center = len(cdf), None
        self._work_center = None
        if style_work_center is not None:
            swc = require_frame(style_work_center, "style_work_center")
            sw_s = find_column(swc, "Style#", what="style_work_center")
            sw_w = find_column(swc, "WC", what="style_work_center")
            _sched_one_value(swc, sw_w, "style_work_center", "a work center (one value, not a list)")
            self._work_center = _PreparedStyles(swc[sw_s], swc[sw_w], engine)
            self._n_work_center = len(swc)

    def __repr__(self) -> str:
        wc = "no work centers" if self._work_center is None else f"{self._n_work_center:,} work-center rows"
        return f"StyleIndex({self._n_capacity:,} capacity rows, {wc})"

    def _require_work_centers(self) -> None:
        """A ValueError when the index was built without the work-center table (a schedule needs it)."""
        if self._work_center is None:
            raise ValueError("this StyleIndex was built without a style_work_center table: build it as "
                             "StyleIndex(style_capacity, style_work_center) to schedule with it")

    def _work_centers(self, query: np.ndarray) -> np.ndarray:
        self._require_work_centers()
        return self._work_center.work_centers(query)


def _sched_work_centers(swc: pd.DataFrame, query: np.ndarray) -> np.ndarray:
    """Each of the distinct styles ``query``'s list of work centers in ``swc`` (``style_work_center``): every
    work center listed under the key it matches (:func:`_sched_match`), in table order, or None."""
    sw_s = find_column(swc, "Style#", what="style_work_center")
    sw_w = find_column(swc, "WC", what="style_work_center")
    _sched_one_value(swc, sw_w, "style_work_center", "a work center (one value, not a list)")
    sw_wc = swc[sw_w]
    row, _, level, tkeys, qkeys, trows = _sched_match(swc[sw_s], query)
    sw_wc = sw_wc.iloc[trows]  # (the rows whose keys tkeys holds: the only ones a style can meet)
    wc_u = np.full(len(query), None, dtype=object)
    for lv in range(3):
        sel = np.flatnonzero(level == lv)
        if not sel.size:
            continue
        # every work center listed under the matched key (a style may sit in several)
        keys = qkeys[lv].to_numpy(dtype=object)[sel]
        rows = np.flatnonzero(isin(tkeys[lv], keys) & sw_wc.notna().to_numpy())
        pairs = pd.DataFrame({"k": tkeys[lv].iloc[rows].to_numpy(dtype=object),
                              "w": sw_wc.iloc[rows].to_numpy(dtype=object)}).drop_duplicates()
        lists: dict = {}
        for k, w in zip(pairs["k"].tolist(), pairs["w"].tolist()):
            lists.setdefault(k, []).append(w)
        for i, k in zip(sel, keys):
            wc_u[i] = lists.get(k)
    return wc_u


def _sched_blank(values: pd.Series) -> np.ndarray:
    """True where a cell is missing or text that spells a missing value (blank, ``"N/A"``, a dash:
    :func:`bk_fast._validate.missing_text`). Each distinct text is read once; numbers are never text."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(values.dtype):
        return missing
    return missing | spelled_missing(values)


def _sched_float(value) -> float:
    """A number as float, an integer beyond float's range as an infinity of its sign."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


# (a machine number written as text: "101", "101.0"; no "1E2"; read_erp reads a Machine column by it too)
from bk_fast.io import MACHINE_NUMBER as _SCHED_MACHINE_NO  # noqa: E402
_SCHED_EXACT = 2.0 ** 53  # (a whole number from here on is kept as an int: float64 would round it)


def _sched_whole(value):
    """A whole number as float, or as an exact int from 2**53 on (float64 would round it: two machines one)."""
    if isinstance(value, str):  # (text of MACHINE_NUMBER, stripped)
        value = int(value.split(".", 1)[0])
    elif isinstance(value, (int, np.integer)):
        value = int(value)
    else:
        return _sched_float(value)
    return value if abs(value) >= _SCHED_EXACT else float(value)


def _sched_machine_ids(values: pd.Series) -> np.ndarray:
    """Machine ids read cell by cell, by one rule for the knit orders' ``Machine`` and the table's ``MACH``: a
    number, or text that is a whole number once stripped (``"101"``, ``" 101.0 "``, ``"+101"``: ASCII digits,
    an optional sign and ``.0``), is that number as float (the ERP stores ``Machine`` as float and ``MACH`` as
    int: 101, ``"101"`` and 101.0 are one machine), a whole one of 2**53 or more as an exact int (float64 would
    round ``"12345678901234567"`` to another machine); other text is a name, stripped (``"M5"``; ``"1E2"``,
    ``"1,01"``, ``"(101)"`` and ``"101.5"`` are names too, never read as amounts); a cell that is missing or
    spells a missing value (``""``, ``"-"``, ``"N/A"``: DOMAIN.md section 1, empty = unassigned) is NaN.
    Float64 when no id is a name or such an int, else object. Each distinct cell is read once."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        num = values.to_numpy(dtype="float64", na_value=np.nan)
        if values.dtype.kind not in "iu" or not (np.abs(num) >= _SCHED_EXACT).any():
            return num
        values = values.astype(object)  # (ints beyond float64's exact range: read one by one, below)
    text_dtype = pd.api.types.is_string_dtype(values.dtype) and values.dtype != object
    codes, uniq = pd.factorize(values if text_dtype else values.to_numpy(dtype=object), use_na_sentinel=True)
    codes = np.asarray(codes)
    is_str = np.ones(len(uniq), dtype=bool) if text_dtype else _text_mask(uniq)
    num = np.full(len(uniq), np.nan)
    ids = None  # (the names, where there are any)
    at = np.flatnonzero(is_str)
    if at.size:
        text = pd.Series(uniq if is_str.all() else np.asarray(uniq, dtype=object)[at], dtype="str")
        whole = text.str.fullmatch(_SCHED_MACHINE_NO).to_numpy(dtype=bool, na_value=False, copy=True)
        rest = np.flatnonzero(~whole)
        if rest.size:  # (white space as str.strip strips it; the numbers found among the stripped too)
            stripped = text.iloc[rest].str.replace(SPACE_STRIP, "", regex=True)
            more = stripped.str.fullmatch(_SCHED_MACHINE_NO).to_numpy(dtype=bool, na_value=False)
            text = text.copy()
            text.iloc[rest] = stripped
            whole[rest[more]] = True
            rest = rest[~more]
            named = ~np.fromiter((missing_text(v) for v in stripped[~more]), dtype=bool, count=rest.size)
            if named.any():
                ids = np.full(len(uniq), None, dtype=object)
                ids[at[rest[named]]] = text.iloc[rest[named]].to_numpy(dtype=object)
        num[at[whole]] = clean_numbers(text[whole]).to_numpy(dtype="float64")  # (plain numbers only, here)
        big = np.flatnonzero(whole & (np.abs(num[at]) >= _SCHED_EXACT))
        if big.size:
            ids = np.full(len(uniq), None, dtype=object) if ids is None else ids
            ids[at[big]] = [_sched_whole(t) for t in text.iloc[big].str.strip().tolist()]
    other = np.flatnonzero(~is_str)
    if other.size:  # (numbers as float; any other object, a bool say, is a name as it is)
        vals = np.asarray(uniq, dtype=object)[other]
        number = np.fromiter((isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
            v, (bool, np.bool_, np.timedelta64)) for v in vals), dtype=bool, count=other.size)
        exact = np.array([_sched_whole(v) for v in vals[number]], dtype=object)
        as_int = np.fromiter((isinstance(v, int) for v in exact), dtype=bool, count=exact.size)
        num[other[number]] = np.where(as_int, np.nan, exact).astype("float64")
        if as_int.any() or not number.all():
            ids = np.full(len(uniq), None, dtype=object) if ids is None else ids
            ids[other[~number]] = vals[~number]
            ids[other[number][as_int]] = exact[as_int]
    if ids is None:
        return np.append(num, np.nan)[codes]
    named = pd.notna(ids)
    ids[~named] = num[~named]
    return np.append(ids, np.nan)[codes]


def _sched_one_value(frame: pd.DataFrame, label, what: str, expected: str) -> None:
    """ValueError naming column ``label`` of ``frame`` (``what``) and its first row holding a list (a value that
    does not hash) where one value is expected."""
    from bk_fast.scheduling import _hashable, _unhashable_row

    if frame[label].dtype == object and not _hashable(tuple(frame[label])):
        _unhashable_row(frame, label, what, expected)


def erp_capacity(styles, style_capacity: pd.DataFrame, *, default: float = _SCHED_DEFAULT_RATE) -> pd.DataFrame:
    """Knitting rate (lbs/day) of each style the way the ERP looks it up.

    Exact style text first, then the style without spaces, then the first style with the same base (the
    part before ``/``), else ``default`` (616 lbs/day). A rate found that is not a positive number (the
    export has a few negative ones) falls back to ``default`` too.

    Parameters
    ----------
    styles : array-like or Series
        Greige styles (``Style #`` of the knit orders). A numeric id is the text of its number, a whole one
        without ``.0``, and whole-number text drops its ``.0`` too (``125792.0``, of a float column with an
        empty cell, and the text ``"125792.0"`` are ``"125792"``), here and in the table: such ids meet at the
        ``exact`` level. Text otherwise counts as written: white space (the next level drops all of it: spaces,
        non-breaking spaces, tabs), signs and leading zeros (``"0999"`` is not ``"999"``).
    style_capacity : DataFrame or StyleIndex
        The ERP's style capacity table: a style column (``Style``/``Style#``) and ``lbs/day``. Not modified.
        Or a :class:`StyleIndex` of it (built once for many calls; the same answer).
    default : float
        The ERP's default rate.

    Returns
    -------
    DataFrame with ``lbs_per_day`` and ``rate_source`` (``exact``, ``without spaces``, ``same base``,
    ``default`` or ``default (bad rate)``), one row per style, indexed like ``styles`` when it is a Series.

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.erp import erp_capacity
    >>> cap = pd.DataFrame({"Style": ["125792/1", "FF 10006/0001", "180001/20ST2"],
    ...                     "lbs/day": [700.0, 450.0, -90.0]})
    >>> erp_capacity([" 125792/1", "FF10006/0001", "125792/2", "180001/20ST2", "999/1"], cap)
       lbs_per_day         rate_source
    0        700.0      without spaces
    1        450.0      without spaces
    2        700.0           same base
    3        616.0  default (bad rate)
    4        616.0             default
    """
    try:
        # (text "616" passed float() and failed later; a duration passed it as a count of its unit)
        ok = (not isinstance(default, (bool, np.bool_, str, bytes)) and not is_time_value(default)
              and bool(np.isfinite(float(default)) and float(default) > 0))
    except (TypeError, ValueError):
        ok = False
    if not ok:  # (the fallback of every bad rate: it must be a rate itself)
        raise ValueError(f"default rate must be a positive number of lbs/day, got {default!r}")
    if isinstance(style_capacity, StyleIndex):  # (the table keyed once, by the caller)
        prepared, rates = style_capacity._capacity, style_capacity._rates
    else:
        cdf = require_frame(style_capacity, "style_capacity")
        s_label = find_column(cdf, "Style#", what="style_capacity")
        r_label = find_column(cdf, "lbs/day", what="style_capacity")
        prepared, rates = None, float_column(cdf, r_label, what="style_capacity")
    if styles is None or isinstance(styles, (str, bytes, pd.DataFrame)) or not hasattr(styles, "__len__"):
        raise TypeError(f"styles must be a one-dimensional array-like or Series of styles (e.g. the knit "
                        f"orders' 'Style #' column), got {type(styles).__name__}")
    values = styles.to_numpy(dtype=object) if isinstance(styles, pd.Series) else np.asarray(styles, dtype=object)
    if values.ndim != 1:
        raise ValueError(f"styles must be one-dimensional, got shape {values.shape}")
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if prepared is None:
        row, how_u, _, _, _, _ = _sched_match(cdf[s_label], np.asarray(uniques, dtype=object))
    else:
        row, how_u, _ = prepared.match(np.asarray(uniques, dtype=object))
    rate_u = np.where(row >= 0, rates[np.maximum(row, 0)] if rates.size else default, default)
    found = row >= 0
    bad = found & ~(np.isfinite(rate_u) & (rate_u > 0))
    rate_u = np.where(bad, default, rate_u)
    how_u = np.where(bad, "default (bad rate)", np.where(found, how_u, "default"))
    index = styles.index if isinstance(styles, pd.Series) else None
    # rate_source as text even when there are no styles (an empty object array would stay object)
    return pd.DataFrame({"lbs_per_day": rate_u[codes], "rate_source": pd.array(how_u[codes], dtype="str")},
                        index=index)


def _sched_quoted_dates(quoted: pd.Series, cal, first) -> pd.Series:
    """Quoted dates for the ERP priority, read like :func:`bk_fast.schedule` reads a due column: dates as their
    local (tz-naive) dates; numbers (a numeric column, or an object column of numbers only) as working days
    from the schedule's first working day, each shown as the date its due moment falls on (due ``k`` is the
    end of working day ``ceil(k) - 1``; ``inf``: no date). ``cal``: the schedule's business-day calendar,
    ``first``: its first working day."""
    import numbers

    from bk_fast.scheduling import _MAX_CALENDAR_DAYS, _wall_dates

    numeric = pd.api.types.is_numeric_dtype(quoted.dtype) and not pd.api.types.is_bool_dtype(quoted.dtype)
    if not numeric and quoted.dtype == object:
        # (blank cells, "-" or "N/A" beside numbers of working days are no due, as the schedule reads them: the
        # column is still one of numbers, not dates where 3 would be 1970-01-01 and top the ERP priority)
        present = [v for v in quoted[quoted.notna()].to_numpy() if not (isinstance(v, str) and missing_text(v))]
        numeric = len(present) > 0 and all(
            isinstance(v, numbers.Number) and not isinstance(v, (bool, np.timedelta64)) for v in present)
    if not numeric:
        return _wall_dates(quoted)  # local dates, time zones dropped like bk_fast.schedule does
    k = pd.to_numeric(pd.Series(quoted.to_numpy(dtype=object)), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    out = np.full(k.shape[0], np.datetime64("NaT", "D"))
    ok = np.isfinite(k)  # (inf: no due date; -inf is refused by the schedule)
    if ok.any():
        days = np.clip(np.ceil(k[ok]) - 1.0, -_MAX_CALENDAR_DAYS, _MAX_CALENDAR_DAYS).astype(np.int64)
        out[ok] = np.busday_offset(first, days, roll="forward", busdaycal=cal)
    return pd.Series(out.astype("datetime64[s]"), index=quoted.index)  # ([s]: ~500 years out still fit)


# how to read an export's date written as a number, for the errors that refuse one (allocate_knit_orders,
# schedule_knit_orders)
_DATE_NUMBER_HINT = ("convert it first, e.g. pd.to_datetime(col.astype('Int64').astype(str), format='%Y%m%d') "
                     "for 20250915")


_SCHED_MAX_DUE_DAYS = 10 ** 5  # (working days, ~380 years: no real due; a date written as a number is larger)


def _sched_number_dates(ko: pd.DataFrame, label, what: str) -> None:
    """ValueError naming column ``label`` and its first row holding a date written as a number, which the
    schedule would take for a number of working days (20,250,903: every order on time): a number of working
    days of 100,000 (~380 years) or more, none of which is a real due (an export's 20250903 as ``YYYYMMDD``,
    12312025 as ``MMDDYYYY``, 250903 as ``YYMMDD``). Other numbers (and ``inf``: no due date) stay working
    days."""
    from bk_fast._validate import uncategorized

    col = uncategorized(ko[label])
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        v = col.to_numpy(dtype="float64", na_value=np.nan)
    elif col.dtype == object:
        cells = col.to_numpy()
        num = np.fromiter((isinstance(c, (int, float, np.integer, np.floating)) and not isinstance(
            c, (bool, np.bool_, np.timedelta64)) for c in cells), dtype=bool, count=len(cells))
        v = np.full(len(cells), np.nan)
        v[num] = [_sched_float(c) for c in cells[num]]
    else:
        return
    with np.errstate(invalid="ignore"):
        at = np.flatnonzero(np.isfinite(v) & (v >= _SCHED_MAX_DUE_DAYS))
    if not at.size:
        return
    with np.errstate(invalid="ignore"):
        ymd = at[(v[at] >= 1e7) & (v[at] < 1e8) & (v[at] == np.floor(v[at]))]
    dates = pd.to_datetime(pd.Series(v[ymd].astype(np.int64).astype(str)), format="%Y%m%d", errors="coerce")
    hit = ymd[dates.notna().to_numpy()]
    if hit.size:  # (the one whose form is known: named as such)
        i = int(hit[0])
        raise ValueError(f"{what} column {label!r} holds a date written as a number (row {plain(ko.index[i])!r}: "
                         f"{int(v[i])}, YYYYMMDD), not a date or a number of working days: "
                         f"{_DATE_NUMBER_HINT} (read as working days, it would be due {int(v[i]):,} working days "
                         f"from start)")
    i = int(at[0])
    raise ValueError(f"{what} column {label!r} holds a number too large for a number of working days (row "
                     f"{plain(ko.index[i])!r}: {plain(ko[label].iloc[i])!r}; {_SCHED_MAX_DUE_DAYS:,} or more is "
                     f"~380 years), a date written as a number? convert it first, e.g. pd.to_datetime(col.astype("
                     f"'Int64').astype(str).str.zfill(8), format='%m%d%Y') for 12312025 ('%Y%m%d' for 20251231; "
                     f"zfill(6) and '%y%m%d' for 250903) (read as working days, it would be due {v[i]:,.0f} "
                     f"working days from start)")


def _sched_stripped(styles: pd.Series) -> pd.Series:
    """Style ids with surrounding spaces stripped from the text ones (DOMAIN.md section 1: "strip before
    matching"); numbers and missing values as they are."""
    if pd.api.types.is_string_dtype(styles.dtype) and styles.dtype != object:
        return styles.str.strip()
    if isinstance(styles.dtype, pd.CategoricalDtype):  # (" A" and "A" are two categories: strip as object)
        styles = styles.astype(object)
    if styles.dtype == object:
        return styles.map(lambda v: v.strip() if isinstance(v, str) else v)
    return styles


def _days_after(dates: pd.Series, day: pd.Timestamp) -> np.ndarray:
    """Days from ``day``'s date to each of the tz-naive ``dates``' date (float64, NaN where NaT), counted in
    NumPy days: pandas casts ``day`` to the column's unit, and a day after 2262 (or before 1677) is beyond a
    datetime64[ns] column's (OutOfBoundsDatetime, even for a column of NaT)."""
    d = dates.to_numpy().astype("datetime64[D]")  # (floors, also before 1970)
    out = (d - day.to_datetime64().astype("datetime64[D]")).astype(np.float64)
    out[np.isnat(d)] = np.nan
    return out


def _sched_calendar_days(days: np.ndarray, lbs: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """``ceil(days / 5 x 7)`` of ``days = lbs / rate`` in exact arithmetic: the float quotient can land a hair
    above a whole number (12,760 lbs at 616 lbs/day is exactly 29 calendar days, 29.000000000000004 in float),
    or on / below one where the exact value is above it, so rows within 1e-9 of a whole number are settled with
    fractions of the decimals the floats stand for (each float's shortest decimal, ``repr``: 8,221.95 lbs at
    182.71 lbs/day is exactly 45 days, 63 calendar days, though the binary 182.71 lies a hair below 182.71 and
    its exact quotient a hair above 63)."""
    with np.errstate(invalid="ignore", over="ignore"):
        x = days / 5.0 * 7.0
        out = np.ceil(x)
        # within 1e-9 of a whole number on either side: the three float roundings can also land on it or below
        # it (5,720.000000000001 lbs at 616 lbs/day is exactly a hair above 13 days, 13.0 in float)
        near = np.flatnonzero(np.isfinite(x) & (np.abs(x - np.rint(x)) <= 1e-9 * np.maximum(1.0, np.abs(x)))
                              & (days > 0))
    if near.size:  # (once per distinct (lbs, rate): round balances at one rate repeat)
        pairs, inverse = np.unique(np.stack([lbs[near], rate[near]], axis=1).astype(np.float64), axis=0,
                                   return_inverse=True)
        ceil_u = np.array([float(math.ceil(Fraction(repr(float(a))) * 7 / (Fraction(repr(float(b))) * 5)))
                           for a, b in pairs])
        out[near] = ceil_u[inverse.reshape(-1)]
    return out


def _sched_order(rule, held: np.ndarray, score: np.ndarray, work: np.ndarray, job_ids):
    """The rule and the priority column with which :func:`bk_fast.schedule` (its kernels and tie rule as they
    are) takes the orders that hold their machine (``held``) first, then the others, each group in ``rule``'s
    order: ``priority_due`` the ERP ``score`` (higher first), then due, then order id; ``due`` due, then order
    id; ``spt`` the working days (``work``), then order id. The priority is the rank of the group and the key
    before due (equal where the rule ties), given with the rule ``priority_due``; a rule that is none of these
    goes to schedule as it is (its error)."""
    from bk_fast.scheduling import RULES, _ids

    if rule not in RULES:
        return rule, -score
    group = (~held).astype(np.int64)
    if rule == "priority_due":
        keys = [-score, group]
    elif rule == "due":
        keys = [group]
    else:  # (the order id as schedule ranks it, then the row: a unique place per order, due never consulted)
        rank = _ids(job_ids)[0]
        keys = [np.arange(len(group)), np.where(rank < 0, np.iinfo(np.int64).max, rank), work, group]
    order = np.lexsort(keys)
    differs = np.zeros(len(order), dtype=bool)
    for k in keys:
        differs[1:] |= k[order][1:] != k[order][:-1]
    priority = np.empty(len(order), dtype=np.int64)
    priority[order] = np.cumsum(differs)
    return "priority_due", priority


def schedule_knit_orders(knit_orders: pd.DataFrame, machines: pd.DataFrame, style_capacity,
                         style_work_center: pd.DataFrame | None = None, *, start=None, days_per_week: int = 5,
                         holidays=None,
                         setup=None, rule: str = "priority_due", priority: str | None = "erp",
                         default_rate: float = _SCHED_DEFAULT_RATE, horizon: float | None = None,
                         keep_assigned: bool = True, engine: str | None = None):
    """Finite-capacity schedule of the ERP's knit orders on its knitting machines.

    Every open knit order (``Balance (lbs)`` > 0) goes on one machine after another at its style's rate
    (the ERP's capacity lookup, see :func:`erp_capacity`), with ``days_per_week`` working days a week:
    orders already assigned to a ``Machine`` stay on it; unassigned ones get the machine of their style's work
    center (``style_work_center``, matched at the capacity's levels: exact style, then without spaces, then the
    same base; every work center listed under the matched key counts, so at the same-base level those of every
    version of the base, where the capacity takes the first style's rate) where they finish earliest: that is
    the **machine suggestion**. The assigned orders (with ``keep_assigned=False`` those that stay) hold their
    machines: they are scheduled before the others (each group in ``rule``'s order: with ``priority="erp"``
    the ERP's priority), so a suggestion goes to the machine that finishes its committed work earliest (an
    idle one before one busy with an assigned order; a busy one when it still finishes earlier) and never
    pushes an assigned order back. Tie-breaks and calendar are those of :func:`bk_fast.schedule`.

    Parameters
    ----------
    knit_orders : DataFrame
        ``Order #``, ``Style #``, ``Balance (lbs)``, ``Machine`` (empty, blank, ``-`` or ``N/A`` = unassigned),
        ``Quoted Date`` (the due date: a date, or as in :func:`bk_fast.schedule` a number of working days from
        ``start``; a number of 100,000 or more, ~380 years and so no real due but a date written as a number
        such as an export's ``20250903`` or ``12312025``, is a ValueError naming the row; empty, blank, ``-``
        or ``N/A``: no due date); optional
        ``Shipped (lbs)``, ``Qty Ordered (lbs)`` for the ERP priority. Not modified.
    machines : DataFrame
        ``WC``, ``MACH``. Not modified. A machine id is a number, or text that is a whole number (``"101"``,
        ``"101.0"``: the machine 101 on both sides), or else a name (``"M5"``, ``"1E2"``; surrounding white
        space stripped). The answers show the ids as float when the table holds numbers only (as the ERP's
        ``Machine``), else as the table writes them.
    style_capacity : DataFrame or StyleIndex
        ``Style``, ``lbs/day``. Or a :class:`StyleIndex` of both style tables, built once for many calls
        (``style_work_center`` then omitted): the same schedule without keying the tables' styles again.
    style_work_center : DataFrame
        ``Style``, ``WC`` (a style listed under several work centers may run on any of their machines).
    start : date-like, optional
        Day 0 (default today), of the years 1 to 9999 (else a ValueError).
    days_per_week, holidays, setup, rule, engine
        As in :func:`bk_fast.schedule` (``rule`` orders the orders within the assigned and the unassigned group).
    priority : {"erp", None}
        ``"erp"``: the ERP's knit-order score (higher first; DOMAIN.md section 6, without the sales-order and
        VIP terms, which need tables this function is not given): +1000 if shipping, + max(0, 100 - calendar
        days until the quoted date), + min(0.1 x Qty Ordered, 50). None: no priority (due date, then order).
    default_rate : float
        The ERP's default lbs/day.
    horizon : float, optional
        Working days over which the schedule's ``utilisation_pct`` is measured; default one week
        (``days_per_week``), the period of the ERP's own figure.
    keep_assigned : bool
        True (default): every assigned order stays on its ``Machine``. False: only orders already knitting
        (``G00 (lbs)`` or ``Shipped (lbs)`` > 0) stay; the others are placed like unassigned ones, and
        ``suggested_machine`` shows a machine different from the assigned one (a proposed move), except
        an order with nowhere else to go (its style has no work center, or none with a machine): it stays
        on its ``Machine`` rather than go unscheduled.

    Returns
    -------
    bk_fast.scheduling.Schedule
        ``.jobs`` has, besides :func:`bk_fast.schedule`'s columns, ``assigned_machine`` (the KO's
        ``Machine`` read as a machine id: a machine of a table that names one as the table writes it, such as
        ``"101"`` for a KO's 101.0, else as read: float, an exact int from 2**53 on, a name stripped),
        ``suggested_machine`` (the machine chosen for an unassigned KO, or a move with
        ``keep_assigned=False``), ``lbs_per_day``,
        ``rate_source``, ``priority_score`` and the ERP's own estimates ``erp_production_days`` (lbs / rate)
        and ``erp_calendar_days`` (ceil(days / 5 x 7), exact on the decimals given: 12,760 lbs at 616 lbs/day
        is 29, 8,221.95 lbs at 182.71 lbs/day 63). ``.machines``
        has ``erp_workload_lbs`` (sum of the balances assigned to the machine) and ``erp_utilisation_pct``
        (min(100, workload / 616 / 5 x 100), the ERP's figure) beside the schedule's ``utilisation_pct``.

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.erp import schedule_knit_orders
    >>> ko = pd.DataFrame({"Order #": ["K2508066", "K2508067", "K2508070"],
    ...                    "Style #": ["125792/1", " 125792/1", "180001/20ST2"],
    ...                    "Balance (lbs)": [1048.1, 524.05, 0.0], "Machine": [101.0, None, None],
    ...                    "Quoted Date": pd.to_datetime(["2025-09-03", "2025-09-12", "2025-09-30"])})
    >>> machines = pd.DataFrame({"WC": ["9.38.20.F", "9.38.20.F"], "MACH": [101, 102]})
    >>> cap = pd.DataFrame({"Style": ["125792/1"], "lbs/day": [524.05]})
    >>> swc = pd.DataFrame({"Style": ["125792/1", "180001/20ST2"], "WC": ["9.38.20.F", "9.38.20.F"]})
    >>> s = schedule_knit_orders(ko, machines, cap, swc, start="2025-09-01")
    >>> s.jobs[["job", "machine", "suggested_machine", "lbs_per_day", "end_day", "days_late"]]
            job  machine  suggested_machine  lbs_per_day  end_day  days_late
    0  K2508066    101.0                NaN       524.05      2.0        0.0
    1  K2508067    102.0              102.0       524.05      1.0        0.0
    2  K2508070      NaN                NaN       616.00      NaN        NaN
    >>> s.jobs["reason"].tolist()
    [nan, nan, 'nothing left to knit (Balance (lbs) <= 0 or empty)']
    >>> s.machines[["machine", "erp_workload_lbs", "erp_utilisation_pct", "utilisation_pct"]]
       machine  erp_workload_lbs  erp_utilisation_pct  utilisation_pct
    0    101.0            1048.1            34.029221             40.0
    1    102.0               0.0             0.000000             20.0
    """
    from bk_fast.scheduling import schedule as _schedule

    ko = require_frame(knit_orders, "knit_orders")
    mdf = require_frame(machines, "machines")
    if isinstance(style_capacity, StyleIndex):  # (both style tables keyed once, by the caller)
        if style_work_center is not None:
            raise TypeError("style_work_center must be omitted when style_capacity is a StyleIndex: build the "
                            "index with both tables, StyleIndex(style_capacity, style_work_center)")
        prepared = style_capacity
        prepared._require_work_centers()  # (said before the work)
    elif style_work_center is None:
        raise TypeError("schedule_knit_orders needs style_work_center (or a StyleIndex of both style tables in "
                        "place of style_capacity)")
    else:
        prepared, swc = None, require_frame(style_work_center, "style_work_center")
    if priority not in ("erp", None):
        raise ValueError(f"priority must be 'erp' or None, got {priority!r}")
    what = "knit_orders"
    o_label = find_column(ko, "Order #", what=what)
    s_label = find_column(ko, "Style#", what=what)
    b_label = find_column(ko, "Balance (lbs)", what=what)
    m_label = find_column(ko, "Machine", what=what, required=False)
    d_label = find_column(ko, "Quoted Date", what=what, required=False)
    n = len(ko)
    # (a list in a cell: named here, where the factorizing below and schedule's own names would not)
    for label, expected in ((o_label, "an order number (one value, not a list)"),
                            (s_label, "a style (one value, not a list)"),
                            (m_label, "one machine number (not a list)")):
        if label is not None:
            _sched_one_value(ko, label, what, expected)

    from bk_fast._validate import require_finite
    from bk_fast.scheduling import _bad_row, _calendar, _day_column, _start_day

    cal = _calendar(days_per_week, holidays)  # (checked here: the horizon defaults to days_per_week)
    balance = _ko_lbs(ko, b_label, what)
    require_finite(ko, b_label, balance, what, o_label, "Order #")  # (inf is no "nothing left to knit")
    open_ = np.isfinite(balance) & (balance > 0)
    cap = erp_capacity(ko[s_label], style_capacity, default=default_rate)
    rate = cap["lbs_per_day"].to_numpy()

    # machines: ids read by one rule (_sched_machine_ids) so that the KO's float Machine matches the table's int
    # MACH, and text "101" of either meets 101
    mk = find_column(mdf, "Machine", what="machines")
    wk = find_column(mdf, "WC", what="machines")
    no_id = _sched_blank(mdf[mk])
    blank = no_id & _sched_blank(mdf[wk])
    if blank.any():  # (the empty trailing rows of an export: neither a machine nor a work center)
        mdf, no_id = mdf[~blank], no_id[~blank]
    if no_id.any():
        i = int(np.flatnonzero(no_id)[0])
        raise ValueError(f"machines column {mk!r} row {plain(mdf.index[i])!r}: work center "
                         f"{plain(mdf[wk].iloc[i])!r} has no machine id")
    # (checked here in the caller's words: schedule would name its own 'machine' / 'work_center')
    _sched_one_value(mdf, mk, "machines", "one machine id (not a list)")
    _sched_one_value(mdf, wk, "machines", "a work center (one value, not a list)")
    mach_ids = _sched_machine_ids(mdf[mk])
    dup = pd.Index(mach_ids, dtype=object).duplicated()
    if dup.any():  # (also one machine listed under two work centers)
        _bad_row(mdf, mk, dup, "machines", "a unique machine id (this one repeats)")
    # matched by those ids, shown as the table wrote them when it names a machine (["101", "M5"]: text); a table
    # of numbers only shows them as float, as the ERP's Machine
    shown = mach_ids if mach_ids.dtype.kind == "f" else mdf[mk].to_numpy(dtype=object)
    mtab = pd.DataFrame({"machine": shown, "work_center": mdf[wk].array})

    # style -> work centers (every WC listed for the matched key)
    styles = ko[s_label].to_numpy(dtype=object)
    codes, uniques = pd.factorize(styles, use_na_sentinel=False)
    if prepared is None:
        wc_u = _sched_work_centers(swc, np.asarray(uniques, dtype=object))
    else:
        wc_u = prepared._work_centers(np.asarray(uniques, dtype=object))
    # per style, then per order (a style's machine list is built once, however many orders it has): one work
    # center, or the machines of several (a list of eligible machines), or with none of those staffed the reason
    n_u = len(uniques)
    one_wc = np.full(n_u, None, dtype=object)
    eligible_u = np.full(n_u, None, dtype=object)
    unstaffed_u = np.full(n_u, None, dtype=object)
    by_wc: dict = {}
    for m, w in zip(mtab["machine"].tolist(), mtab["work_center"].tolist()):
        by_wc.setdefault(w, []).append(m)
    for u, w in enumerate(wc_u):
        if w is not None and len(w) == 1:
            one_wc[u] = w[0]
        elif w is not None:
            eligible_u[u] = [m for c in w for m in by_wc.get(c, [])]
            if not eligible_u[u]:  # (as schedule's "no machine in work center V" for one)
                eligible_u[u] = None
                unstaffed_u[u] = f"no machine in work centers {', '.join(map(str, w))}"
    codes = np.asarray(codes, dtype=np.int64)
    work_center = np.where(open_, one_wc[codes], None)
    eligible = np.where(open_, eligible_u[codes], None)
    multi = np.fromiter((e is not None for e in eligible_u), dtype=bool, count=n_u)[codes] & open_

    assigned = (_sched_machine_ids(ko[m_label]) if m_label is not None else np.full(n, np.nan))
    if shown is not mach_ids and n:  # (a machine of the table as the table shows it)
        pos = pd.Index(mach_ids, dtype=object).get_indexer(pd.Index(assigned, dtype=object))
        assigned = assigned.astype(object)
        assigned[pos >= 0] = shown[pos[pos >= 0]]
    assigned_present = pd.notna(assigned)
    pinned = assigned_present.copy()
    if not keep_assigned:
        started = np.zeros(n, dtype=bool)
        for col in ("G00 (lbs)", "Shipped (lbs)"):
            label = find_column(ko, col, what=what, required=False)
            if label is not None:
                started |= np.nan_to_num(_ko_lbs(ko, label, what)) > 0
        # an order with nowhere else to go (its style has no work center, or none with a machine) stays where it
        # is rather than go unscheduled
        staffed = set(mtab["work_center"].tolist())
        nowhere = np.array([not (isinstance(w, list) and any(c in staffed for c in w)) for w in wc_u], dtype=bool)
        pinned &= started | (nowhere[codes] if n else np.zeros(0, dtype=bool))
    fixed = np.where(open_ & pinned, assigned, np.nan if assigned.dtype.kind == "f" else None)

    if d_label is not None:
        due = ko[d_label]
    else:
        due = pd.Series(np.full(n, np.nan), index=ko.index)
    # (a start that is no date: the schedule's own error; a pyarrow date scalar read as schedule reads it)
    day0 = (pd.Timestamp(np.datetime64("today", "D")) if start is None
            else date_arg(start, "start", "today").normalize())
    if day0.tzinfo is not None:  # its local day, as bk_fast.schedule reads it
        day0 = day0.tz_localize(None)
    first = _start_day(day0, cal)  # (the schedule's first working day)
    if d_label is not None and not pd.api.types.is_datetime64_any_dtype(due.dtype):
        _sched_number_dates(ko, d_label, what)  # (20250903: a date, not 20,250,903 working days)
        # text that is no date, a number of -inf: named here in the caller's words (schedule would name its own
        # 'jobs' / 'due')
        bad = _day_column(ko, d_label, what, first, cal, inclusive=True) == -np.inf
        if bad.any():
            _bad_row(ko, d_label, bad, what, "a date or a number of working days (inf or empty: no due date)")
    score = np.zeros(n)
    if priority == "erp":
        sh = find_column(ko, "Shipped (lbs)", what=what, required=False)
        if sh is not None:
            score += np.where(np.nan_to_num(_ko_lbs(ko, sh, what)) > 0, 1000.0, 0.0)
        if d_label is not None:
            quoted = _sched_quoted_dates(ko[d_label], cal, first)
            days_until = _days_after(quoted, day0)
            score += np.where(np.isnan(days_until), 0.0, np.maximum(0.0, 100.0 - np.nan_to_num(days_until)))
        qo = find_column(ko, "Qty Ordered (lbs)", what=what, required=False)
        if qo is not None:
            score += np.minimum(0.1 * np.nan_to_num(_ko_lbs(ko, qo, what)), 50.0)

    jobs = pd.DataFrame({
        "job": ko[o_label].array,
        "qty": np.where(open_, balance, 0.0),
        "style": _sched_stripped(ko[s_label]).array,  # (a leading space is the same style: no changeover)
        "work_center": pd.array(work_center, dtype=object),
        "eligible": pd.array(eligible, dtype=object),
        "machine": pd.array(fixed, dtype=object) if fixed.dtype == object else fixed,
        "due": due.to_numpy(),
        "rate": rate,
    }, index=ko.index)
    if not multi.any():
        jobs = jobs.drop(columns="eligible")
    # the orders that stay on their machine hold it: placed first, so that a suggestion goes where the committed
    # work ends earliest and never pushes a held order back
    with np.errstate(over="ignore"):  # (a duration beyond float64: schedule's error)
        work = jobs["qty"].to_numpy() / rate
    rule, priority_key = _sched_order(rule, open_ & pinned, score, work, jobs["job"].array)
    jobs["priority"] = priority_key
    result = _schedule(jobs, mtab.set_axis(mdf.index), start=day0, days_per_week=days_per_week,
                       holidays=holidays, setup=setup, rule=rule,
                       horizon=days_per_week if horizon is None else horizon, engine=engine)
    out = result.jobs
    reason = out["reason"].to_numpy(dtype=object).copy()
    closed = ~open_
    reason[closed] = "nothing left to knit (Balance (lbs) <= 0 or empty)"
    unplaced = open_ & ~pinned
    no_wc = unplaced & np.fromiter((w is None for w in wc_u), dtype=bool, count=n_u)[codes]
    reason[no_wc] = "style has no work center in style_work_center"
    unstaffed = unplaced & pd.notna(unstaffed_u)[codes]
    reason[unstaffed] = unstaffed_u[codes][unstaffed]
    out["reason"] = pd.array(reason, dtype="str")  # (as schedule's own: str, NaN where the order was placed)
    out["assigned_machine"] = assigned
    placed = out["machine"].notna().to_numpy()
    moved = ~assigned_present | (out["machine"].to_numpy() != assigned)
    out["suggested_machine"] = out["machine"].where(placed & ~pinned & moved)
    out["lbs_per_day"] = rate
    out["rate_source"] = cap["rate_source"].array
    out["priority_score"] = score
    erp_days = np.where(open_, balance / rate, 0.0)
    out["erp_production_days"] = erp_days
    out["erp_calendar_days"] = _sched_calendar_days(erp_days, balance, rate)

    # the ERP's utilisation: sum of the balances of the orders on each machine, against 616 lbs/day x 5 days
    bal0 = np.nan_to_num(balance)
    workload = pd.Series(bal0[assigned_present]).groupby(
        pd.Index(np.asarray(assigned)[assigned_present])).sum() if assigned_present.any() else pd.Series(
        dtype="float64")
    wl = workload.reindex(pd.Index(shown)).fillna(0.0).to_numpy()
    result.machines["erp_workload_lbs"] = wl
    result.machines["erp_utilisation_pct"] = np.minimum(100.0, wl / _SCHED_DEFAULT_RATE / 5.0 * 100.0)
    return result


# ---- netting ----
# The ERP's weekly "Yarn Demand" report (DOMAIN.md section 5): Monday inventory rolled forward against weekly
# yarn demand and PO receipt buckets. Names are prefixed _net_ so they never clash with other blocks.

import re as _net_re  # noqa: E402

import numpy as _net_np  # noqa: E402
import pandas as _net_pd  # noqa: E402

_NET_PREFIX = _net_re.compile(r"^\s*(demand|receipts?|balance|po)\s+", _net_re.IGNORECASE)
_NET_PAST_DUE = ("Unscheduled or Past Due", "Past Due", "Unscheduled", "past_due")
from bk_fast.netting import _WEEK_NO as _NET_WEEK_NO  # noqa: E402
from bk_fast.netting import _erp_week_order as _net_order  # noqa: E402
from bk_fast.netting import _fold as _net_fold  # noqa: E402  (lower case, runs of spaces as one)
_NET_SKIP = {"po bal", "po balance", "po #", "po#", "supplier", "description", "total", "total demand",
             "total receipt", "total balance", "monday inventory"}


def _net_bucket(label):
    """ERP bucket name of a column (``This Week``, ``Week NN`` / ``Week <date>``, ``Later``) or None."""
    if not isinstance(label, str):
        return None
    text = " ".join(_NET_PREFIX.sub("", label.strip()).split())  # ("This  Week": runs of spaces are one)
    low = text.lower()
    if low == "this week":
        return "This Week"
    if low == "later":
        return "Later"
    if low.startswith("week ") and text[5:].strip():
        return "Week " + text[5:].strip()
    return None


_NET_LBS = _net_re.compile(r"\s*\(lbs?\)\s*$", _net_re.IGNORECASE)


def _net_past_due(label):
    """True when ``label`` names the ERP's past-due receipt bucket: ``Unscheduled or Past Due``, ``Past Due``,
    ``Unscheduled`` in any case and spacing, with a ``PO`` / ``Receipts`` prefix or a ``(lbs)`` suffix, or any
    name starting with ``unscheduled`` or ``past due`` (``Unscheduled/Past Due``, ``Past Due Receipts``)."""
    if not isinstance(label, str):
        return False
    text = _net_fold(_NET_LBS.sub("", _NET_PREFIX.sub("", label.strip())))
    return text in _NET_PAST_DUE_LOW or text.startswith(("unscheduled", "past due", "past_due"))


_NET_PAST_DUE_LOW = {_net_fold(c) for c in _NET_PAST_DUE}


def _net_week_key(bucket):
    """What makes a bucket one week: the date of a dated week (``Week 2025-09-08`` and ``Week 9/8/2025`` are
    one), the number of a numbered one (``Week 09`` and ``Week 9``), else its name."""
    w = bucket[5:].strip() if bucket.startswith("Week ") else ""
    if not w:
        return bucket
    if _NET_WEEK_NO.fullmatch(w):
        return ("week", int(w))
    d = _net_pd.to_datetime(_net_pd.Series([w], dtype=object), errors="coerce", format="mixed").iloc[0]
    return bucket if _net_pd.isna(d) else d


def _net_wide(frame, what, yarn_col, seen=None, finite=False):
    """{bucket: float array} of an ERP frame with one column per bucket. ``seen`` ({week key: bucket name},
    updated) names each week by its first spelling across the frames; two columns of one week are an error.
    Quantity text that is no number (``"12 lbs"``) is a ValueError naming the frame, column, row and yarn, as in
    :func:`~bk_fast.netting.weekly_balance` (blank, missing-value text such as ``"N/A"`` and accounting dashes
    still read as nothing and 0). ``finite``: an infinite quantity is a ValueError naming the frame, column, row
    and yarn."""
    seen = {} if seen is None else seen
    buckets, cols = {}, {}
    for col in frame.columns:
        if col == yarn_col or str(col).strip().lower() in _NET_SKIP or _net_past_due(col):
            continue
        b = _net_bucket(col)
        if b is None:
            continue
        key = _net_week_key(b)
        if key in cols:
            first = _net_bucket(cols[key])
            same = "" if first == b else f" ({cols[key]!r} and {col!r} are the same week)"
            raise ValueError(f"{what} has two columns for bucket {first!r}{same}")
        cols[key] = col
        buckets[seen.setdefault(key, b)] = _net_quantities(frame, col, what, yarn_col)
        if finite:   # (the frame's own column, row and Desc#: weekly_balance would name its receipts' item)
            from bk_fast._validate import require_finite

            require_finite(frame, col, buckets[seen[key]], what, yarn_col, "Desc#")
    return buckets


_NET_WEEKISH = _net_re.compile(r"^\s*w(ee)?k\s*[-_#]?\s*\d+", _net_re.IGNORECASE)


def _net_no_lost_demand(frame, yarn_col):
    """ValueError naming a demand column that holds quantities (other than 0) under a label that looks like a
    week but is no bucket (``Week36``, ``Wk 37``, ``Week_38``) or under a past-due label (past due is a receipts
    bucket only, DOMAIN.md section 5): :func:`_net_wide` skips both, and their demand was lost silently. Other
    columns (prices, notes) are left alone."""
    from bk_fast._validate import float_column

    for col in frame.columns:
        if col == yarn_col or not isinstance(col, str) or _net_bucket(col) is not None:
            continue
        past = _net_past_due(col)
        if not (past or _NET_WEEKISH.match(_NET_PREFIX.sub("", col.strip()))):
            continue
        if not _net_np.nan_to_num(float_column(frame, col, what="demand")).any():
            continue  # (no quantity in it, or zeros only: nothing is lost)
        why = ("a past-due bucket, which only receipts have (yarn_po's 'Unscheduled or Past Due')" if past
               else "not a bucket name")
        raise ValueError(f"demand column {col!r} holds quantities but is {why}: the demand buckets are 'This "
                         f"Week', 'Week NN' (e.g. 'Week 36', a space before the number) or 'Week <date>', and "
                         f"'Later' (an optional 'Demand ' prefix): rename the column to its bucket (past-due "
                         f"demand into 'This Week') or drop it")


def _net_quantities(frame, col, what, yarn_col, arr=None):
    """Quantity column ``col`` of an ERP frame as float64 (:func:`float_column`, or ``arr`` when the caller
    read it so); text that is no number is a ValueError naming ``what``, the column, the row and its yarn
    (``yarn_col``)."""
    from bk_fast._validate import float_column
    from bk_fast.netting import _no_text

    arr = float_column(frame, col, what=what) if arr is None else arr
    _no_text(frame, col, arr, what, _net_pd.Index(frame[yarn_col]))
    return arr


# ("18767.0", "18,767": digits, or groups of three after a comma; no "_", "1e4", "٣", "1,2", "18,76,7")
_NET_WHOLE = _net_re.compile(r"([+-]?)([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.0*)?", _net_re.ASCII)


def _net_yarn_ids(ids):
    """Yarn ids (``Desc#``) in one form for every ERP frame: a text id that is a whole number once stripped
    (``" 18767 "``, ``"18767.0"``, ``"+18767"``, ``"18,767"`` with thousands separators, as :func:`read_erp
    <bk_fast.io.read_erp>` reads it: ASCII digits, within int64, read exactly by its digits) is that integer
    yarn, other text is stripped (case kept; ``"1,2"`` is no number). An Index of int64 when every id is such a
    number, else of object ids mixing Python ints and strs (``"18767"`` still meets an integer 18767
    elsewhere), or of the column's own text dtype when no id is a number. Ids without text (integer, float,
    Python numbers) are returned as they are; missing ids stay missing.

    >>> _net_yarn_ids(["18767", " +18768.0 "]).tolist(), _net_yarn_ids(["18,767", "x1 "]).tolist()
    ([18767, 18768], [18767, 'x1'])
    """
    given = _net_pd.Index(ids)
    idx = given.astype(object) if isinstance(given.dtype, _net_pd.CategoricalDtype) else given
    # (text of any dtype: object, str, string, a pyarrow string of read_csv(dtype_backend="pyarrow"))
    if not _net_pd.api.types.is_string_dtype(idx.dtype) or not len(idx):
        return given
    codes, uniq = _net_pd.factorize(idx, use_na_sentinel=True)
    vals = list(uniq)
    if not any(isinstance(v, str) for v in vals):
        return given
    out = []
    for v in vals:
        if isinstance(v, str):
            v = v.strip()
            m = _NET_WHOLE.fullmatch(v)
            n = int(m.group(1) + m.group(2).replace(",", "")) if m else None
            v = n if n is not None and -2 ** 63 <= n < 2 ** 63 else v
        elif isinstance(v, _net_np.integer):
            v = int(v)
        out.append(v)
    if all(isinstance(v, int) and not isinstance(v, bool) and -2 ** 63 <= v < 2 ** 63 for v in out) \
            and (codes >= 0).all():
        return _net_pd.Index(_net_np.array(out, dtype=_net_np.int64)[codes], name=idx.name)
    if all(isinstance(v, str) for v in out) and idx.dtype != object:
        return _net_pd.Index(_net_pd.array(out, dtype=idx.dtype).take(codes, allow_fill=True), name=idx.name)
    table = _net_np.empty(len(out) + 1, dtype=object)
    table[:-1] = out
    table[-1] = None
    missing = codes < 0
    res = table[codes]
    if missing.any():
        res[missing] = _net_np.asarray(idx, dtype=object)[missing]  # (each missing value as it was)
    return _net_pd.Index(res, dtype=object, name=idx.name)


def _net_ids(frame, id_label, quantities, what):
    """(Index of the ids, mask of the rows kept or None when all are): a row without an id (missing or blank)
    is skipped when its quantities are all empty or zero (the trailing rows of ERP exports); with a quantity it
    is a ValueError naming ``what`` (the caller's frame) and the row. Integral float ids made float only by the
    skipped rows become integers again, as in an export without them."""
    keys = _net_pd.Index(frame[id_label])
    miss = _net_np.array(_net_pd.isna(keys), dtype=bool)
    # blank ids (any text dtype, or categories of text: optimize_memory's id column), checked once each
    if isinstance(keys.dtype, _net_pd.CategoricalDtype):
        codes, uniq = keys.codes, keys.categories
    elif _net_pd.api.types.is_string_dtype(keys.dtype):
        codes, uniq = _net_pd.factorize(keys, use_na_sentinel=True)
    else:
        uniq = ()
    if len(uniq):
        blank = _net_np.fromiter((isinstance(x, str) and not x.strip() for x in uniq), dtype=bool, count=len(uniq))
        miss |= _net_np.append(blank, False)[codes]
    if not miss.any():
        return _net_yarn_ids(keys), None  # (' 18767 ' and '18767' of an export are the yarn 18767)
    lost = miss & _net_np.any([_net_np.nan_to_num(v, nan=0.0) != 0 for v in quantities], axis=0) if quantities \
        else _net_np.zeros(len(keys), dtype=bool)
    if lost.any():
        from bk_fast._validate import plain

        i = int(_net_np.flatnonzero(lost)[0])
        raise ValueError(f"{what} row {plain(frame.index[i])!r} (position {i}) has quantities but no "
                         f"{id_label!r}")
    keep = ~miss
    keys = keys[keep]
    if keys.dtype == _net_np.float64:
        vals = keys.to_numpy()
        from bk_fast._validate import exact_int_floats

        if exact_int_floats(vals).all():
            keys = _net_pd.Index(vals.astype(_net_np.int64), name=keys.name)
    elif keys.dtype == object:
        keys = keys.infer_objects()
    return _net_yarn_ids(keys), keep


def _net_exact_sums(sums, pos, values, cols, what="yarn_po", components=()):
    """``sums`` (a Series of the sums per Desc# of the columns ``cols``, a list, of the caller's frame ``what``) as
    floats, those that came out beyond the float range while the finite ``values`` were added in row order
    (``1e308 + 1e308 - 1e308``) replaced by the exact sums (:func:`bk_fast.netting._resum`; ``pos``: each value's
    position in ``sums``); a ValueError naming ``what``, the columns ``cols`` summed (and the ``components`` the
    column was computed from, if it was) and the Desc# where the exact sum is beyond the range."""
    from bk_fast.netting import _resum

    out = sums.to_numpy(dtype=_net_np.float64, copy=True)
    over = _resum(out, pos, _net_np.where(_net_np.isnan(values), 0.0, values))
    if over is not None:   # finite rows of one yarn adding up beyond the float range
        key = sums.index[over[0][0]]
        key = key.item() if isinstance(key, _net_np.generic) else key
        named = f"column {cols[0]!r}" if len(cols) == 1 else "columns " + ", ".join(repr(c) for c in cols)
        if components:
            named += f" (computed from its components {', '.join(repr(c) for c in components)})"
        raise ValueError(f"{what} {named}: the rows of Desc# {key!r} add up beyond the float range "
                         f"(|sum| > 1.8e308); expected finite totals")
    return out


def _net_theoretical(inv, inv_id, engine):
    """(yarn_inventory's ``Theoretical Balance`` as float64, the label of its column, the labels of the components
    it was computed from: empty when read): its column, else computed from its components. Text
    that is no number, then an infinite quantity, in a column read is a ValueError naming yarn_inventory, the
    column, the row and its Desc# (as in a column named by ``inventory_column``); finite components whose sum is
    beyond the float range one too, naming the row and Desc# (a sum that overflows only on the way, ``1e308 +
    1e308 - 1e308``, is the exact one)."""
    from bk_fast._engine import resolve
    from bk_fast._validate import plain, require_finite
    from bk_fast.inventory import _COMPONENTS, _Reader
    from bk_fast.netting import _exact_sum

    reader = _Reader(inv)
    theo = reader.theoretical_column()
    parts = reader.columns(*_COMPONENTS) if theo is None else None
    for label, arr in reader.inputs:
        _net_quantities(inv, label, "yarn_inventory", inv_id, arr)
        require_finite(inv, label, arr, "yarn_inventory", inv_id, "Desc#")
    if theo is not None:
        return theo, reader.inputs[0][0], ()
    theo = _net_np.empty(len(inv), dtype=_net_np.float64)
    resolve("theoretical_balance", engine)(*parts, theo)   # (each component finite: a sum beyond the range is inf)
    for i in _net_np.flatnonzero(~_net_np.isfinite(theo)):   # (the error path only)
        try:
            theo[i] = _exact_sum([v[i] for v in parts if not _net_np.isnan(v[i])])
        except OverflowError:
            labels = ", ".join(repr(label) for label, _ in reader.inputs)
            raise ValueError(f"yarn_inventory row {plain(inv.index[i])!r} (position {i}, Desc# "
                             f"{plain(inv[inv_id].iloc[i])!r}): its Theoretical Balance components {labels}, "
                             f"each finite, add up beyond the float range (|sum| > 1.8e308); expected a finite "
                             f"total") from None
    return theo, "Theoretical Balance", [label for label, _ in reader.inputs]


def yarn_demand_report(yarn_inventory, demand, yarn_po=None, *, inventory_column=None, engine=None):
    """The ERP's weekly "Yarn Demand" report, computed exactly (DOMAIN.md section 5).

    Per yarn: ``Balance This Week = Monday Inventory - Demand This Week + Receipts This Week``, then
    ``Balance Week N = Balance Week N-1 - Demand N + Receipts N`` through ``Later``. PO receipts in
    ``Unscheduled or Past Due`` are not in the weekly roll but are in the total:
    ``Total Receipt = Unscheduled or Past Due + sum(weekly receipts)``,
    ``Total Balance = Monday Inventory - Total Demand + Total Receipt``.

    The weeks of all frames are rolled in calendar order: week numbers across the year end (``Week 51, 52,
    1, 2``; the year starts over after the widest gap between the numbers seen), dated weeks by date. In
    every frame, rows with no ``Desc#`` and no quantity (the trailing rows of ERP exports) are skipped; a row
    with a quantity and no ``Desc#`` is a ValueError naming the frame and the row.

    Parameters
    ----------
    yarn_inventory : DataFrame
        The ERP's yarn inventory: ``Desc#`` and the Monday inventory (``inventory_column``; default
        ``Monday Inventory`` when present, else ``Theoretical Balance``, computed from its components when
        absent; text that is no number, or an infinite quantity, in a column read is a ValueError naming the
        column, row and Desc#, as are finite components adding up beyond the float range). Rows of one yarn add
        up in row order, exactly where a running sum overflows on the way (a total beyond the float range is a
        ValueError naming the column and Desc#). Not modified.
    demand : DataFrame
        Yarn demand per week: ``Desc#`` and one column per bucket, named ``This Week``, ``Week NN`` (or
        ``Week <date>``), ``Later`` (an optional ``Demand `` prefix is ignored). Rows of one yarn add up. A
        column holding quantities (other than 0) under a label that looks like a week but is none of those
        (``Week36``, ``Wk 37``) or under a past-due label (``Past Due``: receipts only) is a ValueError naming
        it; other columns are ignored. An infinite quantity is a ValueError naming the column, row and Desc#.
    yarn_po : DataFrame, optional
        Open yarn PO lines: ``Desc#``, ``Unscheduled or Past Due``, ``This Week``, ``Week ...``, ``Later``
        (``PO Bal`` and other columns are ignored); lines of one yarn add up, exactly where a running sum
        overflows on the way (``1e308, 1e308, -1e308``; a total beyond the float range is a ValueError naming
        the column, or the past-due columns added up, and Desc#). An infinite quantity is a ValueError naming the
        column, row and Desc#.
    inventory_column : str, optional
        Column of ``yarn_inventory`` holding the Monday inventory.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    DataFrame, one row per yarn (inventory order, then yarns only in demand or POs): ``Desc#``,
    ``Monday Inventory``, ``Balance This Week``, ``Balance Week ...``, ``Balance Later``, ``Total Demand``,
    ``Unscheduled or Past Due``, ``Total Receipt``, ``Total Balance``, ``Shortage Week`` and ``Recovery Week``
    (bucket names; missing when never short / never recovered).

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.erp import yarn_demand_report
    >>> inv = pd.DataFrame({"Desc#": [18767], "Theoretical Balance": [0.0]})
    >>> dem = pd.DataFrame({"Desc#": [18767], "This Week": [3137.8], "Week 36": [4120.3]})
    >>> rep = yarn_demand_report(inv, dem)
    >>> rep[["Desc#", "Balance This Week", "Balance Week 36", "Total Balance", "Shortage Week"]]
       Desc#  Balance This Week  Balance Week 36  Total Balance Shortage Week
    0  18767            -3137.8          -7258.1        -7258.1     This Week
    """
    from bk_fast._validate import find_column, require_finite, require_frame
    from bk_fast.netting import weekly_balance

    inv = require_frame(yarn_inventory, "yarn_inventory")
    dem = require_frame(demand, "demand")
    inv_id = find_column(inv, "Desc#", what="yarn_inventory")
    if inventory_column is not None and inventory_column not in inv.columns:
        raise ValueError(f"yarn_inventory has no column {inventory_column!r}")
    label = inventory_column if inventory_column is not None else \
        "Monday Inventory" if "Monday Inventory" in inv.columns else None
    if label is not None:
        monday = _net_quantities(inv, label, "yarn_inventory", inv_id)
        require_finite(inv, label, monday, "yarn_inventory", inv_id, "Desc#")
        components = ()
    else:
        monday, label, components = _net_theoretical(inv, inv_id, engine)
    inv_keys, keep = _net_ids(inv, inv_id, [monday], "yarn_inventory")
    if keep is not None:
        monday = monday[keep]
    on_hand = _net_pd.Series(_net_np.where(_net_np.isnan(monday), 0.0, monday), index=inv_keys)

    dem_id = find_column(dem, "Desc#", what="demand")
    weeks = {}  # (week key: its first spelling, which names its bucket)
    _net_no_lost_demand(dem, dem_id)
    dem_b = _net_wide(dem, "demand", dem_id, weeks, finite=True)
    if not dem_b:
        raise ValueError("demand has no bucket columns (expected 'This Week', 'Week NN' ..., 'Later')")
    names = list(dem_b)
    rec_frame = None
    past_due = None
    if yarn_po is not None:
        po = require_frame(yarn_po, "yarn_po")
        po_id = find_column(po, "Desc#", what="yarn_po")
        po_b = _net_wide(po, "yarn_po", po_id, weeks, finite=True)
        names += [b for b in po_b if b not in names]
        # every past-due column counts (in the total, not in the roll), each checked for infinite values
        pd_cols = [c for c in po.columns if c != po_id and _net_past_due(c)]
        pdv = None
        if pd_cols:
            parts = [_net_quantities(po, c, "yarn_po", po_id) for c in pd_cols]
            for c, v in zip(pd_cols, parts):
                require_finite(po, c, v, "yarn_po", po_id, "Desc#")
            with _net_np.errstate(over="ignore"):
                pdv = parts[0] if len(parts) == 1 else _net_np.nansum(_net_np.vstack(parts), axis=0)
        keys, keep = _net_ids(po, po_id, [*po_b.values()] + ([pdv] if pdv is not None else []), "yarn_po")
        if keep is not None:
            po_b = {b: v[keep] for b, v in po_b.items()}
        with _net_np.errstate(over="ignore", invalid="ignore"):   # (sums beyond the float range: named next)
            rec_frame = _net_pd.DataFrame(po_b, index=keys).groupby(level=0, sort=False).sum()
        bad = ~_net_np.isfinite(rec_frame.to_numpy())
        if bad.any():   # a sum that only overflowed on the way (1e308 + 1e308 - 1e308) is the exact one
            pos = rec_frame.index.get_indexer(keys)
            for j, b in enumerate(rec_frame.columns):
                if bad[:, j].any():   # (each value finite: _net_wide)
                    col = next(c for c in po.columns if c != po_id and _net_bucket(c) is not None
                               and _net_week_key(_net_bucket(c)) == _net_week_key(b))
                    rec_frame[b] = _net_exact_sums(rec_frame[b], pos, po_b[b], [col])
        if pd_cols:
            if keep is not None:
                pdv = pdv[keep]
                parts = [v[keep] for v in parts]
            with _net_np.errstate(over="ignore", invalid="ignore"):   # (sums beyond the float range: named next)
                past_due = _net_pd.Series(_net_np.where(_net_np.isnan(pdv), 0.0, pdv), index=keys).groupby(
                    level=0, sort=False).sum()
            if not _net_np.isfinite(past_due.to_numpy()).all():   # (every cell of a yarn's rows, each column's)
                past_due[:] = _net_exact_sums(past_due, _net_np.tile(past_due.index.get_indexer(keys), len(parts)),
                                              _net_np.concatenate(parts), pd_cols)
    order = _net_order(names)
    dem_keys, keep = _net_ids(dem, dem_id, list(dem_b.values()), "demand")
    # Desc# of the three frames made comparable exactly (pandas matches Int64 2**60 + 1 with float 2**60):
    # a float Desc# that cannot be an exact integer next to integer ones is a ValueError naming its frame
    from bk_fast._validate import same_ids

    inv_ids, dem_keys, po_ids, pd_ids = same_ids([
        ("yarn_inventory", on_hand.index), ("demand", dem_keys),
        ("yarn_po", rec_frame.index if rec_frame is not None else None),
        ("yarn_po", past_due.index if past_due is not None else None)])
    on_hand.index = inv_ids
    if not inv_ids.is_unique:
        # the inventory's rows of one yarn added up here, once, whether or not yarn_po has past due: in row order
        # as netting adds them, exactly where the running sum overflows on the way; a total beyond the float
        # range is a ValueError naming yarn_inventory, the column and the Desc#
        yarns = inv_ids.unique()
        pos = yarns.get_indexer(inv_ids)
        values = on_hand.to_numpy()
        sums = _net_pd.Series(_net_np.bincount(pos, weights=values, minlength=len(yarns)), index=yarns)
        on_hand = _net_pd.Series(_net_exact_sums(sums, pos, values, [label], "yarn_inventory", components),
                                 index=yarns)
    if rec_frame is not None:
        rec_frame.index = po_ids
    if past_due is not None:
        past_due.index = pd_ids
    dem_frame = _net_pd.DataFrame(dem_b if keep is None else {b: v[keep] for b, v in dem_b.items()}, index=dem_keys)
    if past_due is not None:
        # every past-due yarn needs a row (on hand 0 for a yarn of the POs only): the yarns in the report's order
        # (inventory, then demand, then POs), so that a column of zeros reorders nothing
        full = on_hand.index
        for ix in (dem_frame.index, rec_frame.index if rec_frame is not None else None, past_due.index):
            new = ix[~isin(ix, full)].unique() if ix is not None else ix
            if new is not None and len(new):  # (appending an empty float index would turn integer Desc# float)
                full = full.append(new)
        if len(full) > len(on_hand):
            on_hand = on_hand.reindex(full, fill_value=0.0)
    res = weekly_balance(on_hand, dem_frame, rec_frame, past_due, periods=order, engine=engine)
    # (built in one piece: a column inserted per bucket fragmented the frame, and pandas warned the caller
    # from about 100 buckets on)
    cols = {"Desc#": res.index.to_numpy(), "Monday Inventory": res["on_hand"].to_numpy()}
    cols.update({f"Balance {b}": res[b].to_numpy() for b in order})
    for name, key in (("Total Demand", "total_demand"), ("Unscheduled or Past Due", "past_due"),
                      ("Total Receipt", "total_receipt"), ("Total Balance", "total_balance"),
                      ("Shortage Week", "first_short"), ("Recovery Week", "recovery")):
        cols[name] = res[key].to_numpy()
    for name in ("Shortage Week", "Recovery Week"):  # bucket names: str also when every one is missing
        cols[name] = _net_pd.array(cols[name], dtype="str")
    return _net_pd.DataFrame(cols)


# ---- allocation ----
# Knit orders against yarn (DOMAIN.md section 6): the ERP's priority score and allocation types, yarn needs
# from the BOM engine, kit allocation against on-hand and PO receipts, can_start per knit order.

from typing import NamedTuple as _alloc_NamedTuple

import numpy as _alloc_np
import pandas as _alloc_pd


class KnitOrderAllocation(_alloc_NamedTuple):
    """Result of :func:`allocate_knit_orders`.

    ``orders`` (indexed like the knit orders): ``Order #``, ``Style #`` (as text, stripped, a whole float
    without its ``.0``: ``125792.0`` is ``"125792"``, the id :func:`yarn_requirements` shows), ``priority_score``,
    ``allocation_type`` (HARD / SOFT / AVAILABLE), ``Balance (lbs)``, ``knittable_lbs``, ``short_lbs``,
    ``limiting_yarn`` (the yarn that blocks the order, missing when none does; between equally scarce yarns,
    the one that comes first in the compiled BOM's yarn order, not the style's own row order; in the yarn ids'
    nullable dtype whatever the rows: Int64 for integer ``Desc#``, ``str`` for text), ``bom_matched`` and
    ``can_start`` (every yarn of the remaining balance is covered).
    ``lines``: one row per knit order and yarn, in allocation order: ``Order #``, ``Desc#``, ``fraction``,
    ``need_lbs``, ``available_lbs`` (what was free for it when its turn came; missing with ``mode="erp"``, whose
    per-yarn greedy does not keep it), ``allocated_lbs``, ``short_lbs``.
    ``supply``: the yarn supply used (``Desc#``, ``date``, ``lbs``).
    """

    orders: _alloc_pd.DataFrame
    lines: _alloc_pd.DataFrame
    supply: _alloc_pd.DataFrame


def _alloc_nullable_ids(values, dtype):
    """Yarn ids ``values`` (missing where none) in the nullable form of the yarn ids' ``dtype``, whatever the
    values (all missing too): Int64 / UInt64 for integer ids, Float64 for float ones, ``str`` for text (missing
    as its NaN), else object with missing as <NA>."""
    if isinstance(dtype, _alloc_np.dtype) and dtype.kind in "iuf":
        return _alloc_pd.array(values, dtype={"i": "Int64", "u": "UInt64", "f": "Float64"}[dtype.kind])
    if dtype == object:  # (an Index: from an array, pandas would read ids that happen to be all text as str)
        values = _alloc_np.array(values, dtype=object)
        values[_alloc_pd.isna(values)] = _alloc_pd.NA
        return _alloc_pd.Index(values, dtype=object)
    return _alloc_pd.array(values, dtype=dtype)


def _alloc_members(kos, o_label, spec, what):
    """Boolean mask: knit orders listed in ``spec`` (ids), or ``spec`` itself when it is a boolean column/array."""
    n = len(kos)
    if spec is None:
        return _alloc_np.zeros(n, dtype=bool)
    if isinstance(spec, str) and spec in kos.columns:
        col = kos[spec]
        if _alloc_pd.api.types.is_bool_dtype(col.dtype) or _alloc_pd.api.types.is_numeric_dtype(col.dtype):
            v = col.to_numpy(dtype=_alloc_np.float64, na_value=_alloc_np.nan)
            return (v != 0) & ~_alloc_np.isnan(v)  # (empty = not a member)
        # text flags as the ERP writes them ("N", "False" would all read True as Python truth values)
        from bk_fast._validate import FLAG_SPELLINGS, flag_value, plain

        flags = col.to_numpy(dtype=object)
        codes, uniques = _alloc_pd.factorize(flags, use_na_sentinel=True)
        # (a number counts as in a numeric column: nonzero is a member; code -1: empty, not a member)
        number = (int, float, _alloc_np.integer, _alloc_np.floating)
        known = [bool(u != 0) if isinstance(u, number) and not isinstance(u, (bool, _alloc_np.bool_)) and u == u
                 else flag_value(u) for u in uniques] + [False]
        bad = [i for i, k in enumerate(known) if k is None]
        if bad:
            row = int(_alloc_np.flatnonzero(codes == bad[0])[0])
            raise TypeError(f"{what}: knit_orders column {spec!r} must hold flags ({FLAG_SPELLINGS}; any nonzero "
                            f"number is a member, an empty cell is not); row {plain(kos.index[row])!r} is "
                            f"{plain(flags[row])!r}")
        return _alloc_np.array([k is True for k in known], dtype=bool)[codes]
    if isinstance(spec, str):  # (its characters would be taken as order ids, matching nothing)
        raise ValueError(f"{what}: {spec!r} is no column of knit_orders; pass a list of Order # values, a "
                         f"boolean mask or the name of a boolean column")
    if not _alloc_np.iterable(spec):
        raise TypeError(f"{what} must be a list of Order # values, a boolean mask or the name of a column, got "
                        f"{spec!r}")
    if _alloc_pd.api.types.is_bool_dtype(getattr(spec, "dtype", None)):
        # (nullable or pyarrow booleans: a missing value is no member; np.asarray made them an object array of
        # order ids that matched nothing, silently)
        spec = _alloc_pd.array(spec).to_numpy(dtype=bool, na_value=False)
    arr = _alloc_np.asarray(list(spec) if not hasattr(spec, "__array__") else spec)
    if arr.dtype == object and any(isinstance(v, (bool, _alloc_np.bool_)) for v in arr.tolist()) and all(
            isinstance(v, (bool, _alloc_np.bool_)) or v is None or v is _alloc_pd.NA for v in arr.tolist()):
        arr = _alloc_np.array([v is True or v is _alloc_np.True_ for v in arr.tolist()], dtype=bool)  # (missing: no)
    if arr.dtype == bool:
        if arr.shape[0] != n:
            raise ValueError(f"{what}: a boolean mask must have one value per knit order ({n}), got {arr.shape[0]}")
        return arr
    # (text ids on either side compared without surrounding white space: an export's "K2508066 " is the order
    # "K2508066" of the caller's list, as the knit orders' styles are matched stripped)
    return isin(_sched_stripped(kos[o_label]), list(_sched_stripped(_alloc_pd.Series(arr, dtype=object))))


def _alloc_iso_week1(years):
    """Day numbers (days after 1970-01-01) of the Monday of ISO week 1 of ``years`` (an int64 array): the Monday
    on or before 4 January. NumPy's proleptic Gregorian days, any year of datetime64[D] (year 0 and 10000 too)."""
    jan4 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(_alloc_np.int64) + 3
    return jan4 - (jan4 + 3) % 7  # (1970-01-01, day 0, was a Thursday: weekday Monday = 0 is (day + 3) % 7)


def _alloc_day(when) -> int:
    """The day number (days after 1970-01-01, floored) of the Timestamp ``when``, in Python integers: exact for
    any tick of its unit (NumPy's ``astype("datetime64[D]")`` overflowed within datetime64[us]'s first week)."""
    tick = when.to_datetime64()
    unit = _alloc_np.datetime_data(tick.dtype)[0]
    per_day = int(_alloc_np.timedelta64(1, "D").astype(f"timedelta64[{unit}]").astype(_alloc_np.int64))
    return int(tick.astype(_alloc_np.int64)) // per_day


def _alloc_week_monday(number: int, today, col):
    """The Monday of ISO week ``number`` nearest to ``today`` (of today's ISO year or the one before or after:
    ``Week 1`` seen in late December is next year's, ``Week 52`` seen in early January last year's), counted
    in NumPy's days: any ``today`` of datetime64[us]. A ValueError naming ``col`` and today where that Monday
    is no day of datetime64[us] (before -290308-12-22 or after 294247-01-10)."""
    day = _alloc_day(today)
    thursday = day - (day + 3) % 7 + 3  # (today's ISO year: the calendar year of its week's Thursday)
    year = int(_alloc_np.int64(thursday).astype("datetime64[D]").astype("datetime64[Y]").astype(_alloc_np.int64))
    week1 = _alloc_iso_week1(_alloc_np.arange(year + 1969, year + 1973, dtype=_alloc_np.int64))
    # (week 53 only of a year of 53 weeks: up to the next year's week 1)
    days = [int(w) + 7 * (number - 1) for w, nxt in zip(week1[:-1], week1[1:]) if 1 <= number <= (nxt - w) // 7]
    if not days:  # (week 0 or 54; week 53 where none of the three years has one)
        raise ValueError(f"yarn_po column {col!r}: week {number} is no week of a year (1 to 53)")
    # (the later Monday of two as near)
    monday = min(days, key=lambda d: (abs(d - day), -(d - day)))
    if not _ALLOC_US_DAYS[0] <= monday <= _ALLOC_US_DAYS[1]:
        raise ValueError(f"yarn_po column {col!r}: week {number}'s Monday nearest to today is outside the days of "
                         f"datetime64[us] (-290308-12-22 to 294247-01-10); got today {today}")
    return _alloc_pd.Timestamp(_alloc_np.datetime64(monday, "D"))


# (the first and last midnight that datetime64[us] holds, as day numbers: it holds -290308-12-21 19:59:05.224193
# to 294247-01-10 04:00:54.775807)
_ALLOC_US_DAYS = tuple(int(_alloc_np.datetime64(d, "D").astype(_alloc_np.int64)) for d in ("-290308-12-22",
                                                                                           "294247-01-10"))


def _alloc_po_supply(yarn_po, today):
    """The ERP's wide PO frame (``Desc#``, ``Unscheduled or Past Due``, ``This Week``, ``Week <date>`` or
    ``Week NN``..., ``Later``; names read as :func:`yarn_demand_report` reads them) as long receipts (Desc#,
    date, lbs). Past due and this week arrive today; a numbered week on its Monday nearest to today; ``Later``
    one week after the last dated bucket."""
    from bk_fast._validate import find_column, float_column, reject_text, require_finite, require_frame

    po = require_frame(yarn_po, "yarn_po")
    y_label = find_column(po, "Desc#", what="yarn_po")
    buckets, later = [], []
    for col in po.columns:  # (the bucket names of yarn_demand_report: one reading of the ERP's PO frame)
        bucket = None if col == y_label else _net_bucket(col)
        if _net_past_due(col) or bucket == "This Week":
            buckets.append((col, today))
        elif bucket == "Later":
            later.append(col)
        elif bucket is not None:
            week = bucket[5:]
            if _NET_WEEK_NO.fullmatch(week):  # a week number: its Monday nearest to today
                buckets.append((col, _alloc_week_monday(int(week), today, col)))
                continue
            try:
                when = _alloc_pd.Timestamp(week)
            except ValueError:
                raise ValueError(f"yarn_po column {col!r}: cannot read the week's date") from None
            # (a date with a time zone is read as its local wall-clock date, as today is)
            buckets.append((col, when.tz_localize(None) if when.tz is not None else when))
    dated = [d for _, d in buckets]
    last = max(dated) if dated else today
    if later and _alloc_day(last) + 7 > _ALLOC_US_DAYS[1]:  # (pandas: an unnamed OutOfBoundsDatetime)
        last_day, day = (_alloc_np.datetime64(_alloc_day(w), "D") for w in (last, today))
        raise ValueError(f"yarn_po column {later[0]!r}: a week after the last bucket ({last_day}) is after the "
                         f"last day of datetime64[us] (294247-01-10); got today {day}")
    buckets += [(col, last + _alloc_pd.Timedelta(weeks=1)) for col in later]
    if not buckets:
        raise ValueError("yarn_po has no receipt bucket columns ('Unscheduled or Past Due', 'This Week', "
                         "'Week <date>', 'Later')")
    ids = _net_yarn_ids(po[y_label])  # (text ids that are numbers are those integer yarns)
    frames = []
    for col, when in buckets:
        lbs = float_column(po, col, what="yarn_po")
        require_finite(po, col, lbs, "yarn_po")  # (the allocation would name its own long 'supply' table)
        # (text that is no number named, as yarn_demand_report names it: read as 0 lbs, a receipt would vanish)
        reject_text(po, col, lbs, "yarn_po", _KO_LBS, _alloc_np.asarray(ids.notna()), ids)
        frames.append(_alloc_pd.DataFrame({"Desc#": ids.to_numpy(), "date": max(when, today),
                                           "lbs": _alloc_np.where(_alloc_np.isnan(lbs), 0.0, lbs)}))
    out = _alloc_pd.concat(frames, ignore_index=True)
    return out[out["lbs"] != 0]


def allocate_knit_orders(knit_orders, bom, yarn_inventory, yarn_po=None, *, today=None,
                         mode: str = "proportional", on_hand: str | None = None, sales_linked=None,
                         vip=None, engine=None) -> KnitOrderAllocation:
    """Which knit orders can start, and which yarn blocks the others: the ERP's allocation, done right.

    The ERP's priority score (higher first; DOMAIN.md section 6): +1000 if already shipping (``Shipped`` > 0),
    +100 if tied to a sales order, + max(0, 100 - days until ``Quoted Date``), + min(0.1 x ``Qty Ordered``,
    50), +50 for a VIP customer. Allocation type: HARD if ``Shipped`` > 0 or ``G00`` > 0, SOFT if
    ``Start Date`` <= today, else AVAILABLE. Yarn needs come from the BOM engine: ``Balance (lbs) x
    BOM fraction`` per yarn (duplicate BOM rows add up; styles matched after stripping spaces).

    Knit orders are then served in score order (ties: earlier start, then order id). ``mode="proportional"``
    (default) gives each order the lbs its scarcest yarn allows and takes every yarn in its BOM fraction of
    those lbs, so no yarn is tied up in an order that cannot use it; ``"all_or_nothing"`` allocates complete
    kits only; ``"erp"`` is the ERP's own greedy (every yarn line independently: ``min(need, available)``,
    partial). ``can_start`` means the whole remaining balance is covered, in every mode (the ERP's "no
    shortage").

    Parameters
    ----------
    knit_orders : DataFrame
        ``Order #``, ``Style #``, ``Balance (lbs)``, and for the score ``Qty Ordered (lbs)``, ``Shipped
        (lbs)``, ``G00 (lbs)``, ``Start Date``, ``Quoted Date`` (missing columns count as empty). A missing
        number counts 0; text that is no number (``"5 lbs"``) is a ValueError naming the column and row (so is
        such text in the stock's and the POs' lbs, naming the yarn too). Not modified.
    bom : BOM or DataFrame
        A compiled :class:`bk_fast.BOM` or the ERP's BOM frame (``Style#``, ``Desc#``, ``BOM_Percentage`` as
        fractions).
    yarn_inventory : DataFrame
        ``Desc#`` and the on-hand column (see ``on_hand``). Not modified. With integer yarn ids in the BOM,
        a stock or PO row whose ``Desc#`` is no exact integer (``inf``, ``1.5``, a float beyond 2**53) is
        no yarn of it and is left out.
    yarn_po : DataFrame, optional
        The ERP's open yarn POs in weekly buckets. When given, receipts are time-phased: an order may use a
        receipt that arrives by its ``Start Date`` (never today's stock promised to a later period). Buckets:
        past-due columns and ``This Week`` arrive today; ``Week 2025-09-08`` (or ``Week 9/8/2025``) on that
        date; a numbered ``Week 36`` on the Monday of that ISO week nearest to ``today`` (of today's ISO year,
        the one before or the one after; proleptic Gregorian, years 0 and 10000 too); ``Later`` a week after
        the last week bucket. A bucket dated before ``today`` arrives today.
    today : date-like, optional
        "Now" (default: today's date); its date counts, a time of day is dropped. Dates are compared as dates
        (a ``Start Date`` later on today's date is SOFT; days until ``Quoted Date`` count dates); start dates
        before today count as today. Dates with a time zone or UTC offset (here or in the knit orders, also
        offsets that differ from row to row, as across a DST change) are read as their local wall-clock dates.
        Any date of datetime64[us] (years -290308 to 294247; after 2262 too) is taken, else a ValueError
        (also where a numbered week in ``yarn_po``, ``Week 5``, falls outside those days).
    mode : {"proportional", "all_or_nothing", "erp"}
    on_hand : str, optional
        Inventory column used as today's stock. Default ``Planning Balance`` without ``yarn_po`` (the
        ERP's availability, which already counts open POs; computed from its components when the frame has
        none) and ``Theoretical Balance + Allocated`` with it (the planning balance without ``On Order``:
        the POs come in as receipts, not twice, and what is already allocated is not promised again).
    sales_linked, vip : optional
        Knit orders tied to a sales order / of VIP customers: a list of ``Order #`` (text compared without
        surrounding white space), a boolean mask, or the name of a column of ``knit_orders`` holding flags
        (booleans, numbers: nonzero is a member, or text Y/N, Yes/No, True/False, T/F, 1/0 in any case; an empty
        cell is not a member).
    engine : str, optional
        Kernel engine.

    Returns
    -------
    KnitOrderAllocation
        ``(orders, lines, supply)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from bk_fast.erp import allocate_knit_orders
    >>> bom = pd.DataFrame({"Style#": ["125792/1", "125792/1", "FF 10006/0001"],
    ...                     "Desc#": [18767, 18929, 18767], "BOM_Percentage": [0.914, 0.086, 0.131]})
    >>> kos = pd.DataFrame({"Order #": ["K1", "K2"], "Style #": ["125792/1", "FF 10006/0001"],
    ...                     "Balance (lbs)": [1000.0, 2000.0], "Shipped (lbs)": [100.0, None],
    ...                     "Start Date": pd.to_datetime(["2025-08-25", "2025-09-15"])})
    >>> inv = pd.DataFrame({"Desc#": [18767, 18929], "Planning Balance": [1100.0, 43.0]})
    >>> res = allocate_knit_orders(kos, bom, inv, today="2025-09-01")
    >>> res.orders[["Order #", "priority_score", "allocation_type"]]
      Order #  priority_score allocation_type
    0      K1          1000.0            HARD
    1      K2             0.0       AVAILABLE
    >>> res.orders[["Order #", "knittable_lbs", "limiting_yarn", "can_start"]]
      Order #  knittable_lbs  limiting_yarn  can_start
    0      K1          500.0          18929      False
    1      K2         2000.0           <NA>       True
    """
    import warnings

    from bk_fast._validate import date_arg, exact_int_floats, find_column, float_column, id_kind, plain, \
        reject_text, require_finite, require_frame
    from bk_fast._validate import numpy_dates
    from bk_fast.scheduling import _wall_dates
    from bk_fast.allocation import allocate, allocate_kits
    from bk_fast.bom import BOM

    if mode not in ("proportional", "all_or_nothing", "erp"):
        raise ValueError(f"mode must be 'proportional', 'all_or_nothing' or 'erp', got {mode!r}")
    kos = require_frame(knit_orders, "knit_orders")
    inv = require_frame(yarn_inventory, "yarn_inventory")
    today = _alloc_pd.Timestamp.today().normalize() if today is None else date_arg(today, "today", "today's date")
    if today.tz is not None:
        today = today.tz_localize(None)  # (dates are read as local wall-clock dates, as the ERP keeps them)
    today = today.normalize()  # (its date, as the default's: datetime.now() scored one point apart from it)
    n = len(kos)

    def num(name, required=False, finite=False):
        label = find_column(kos, name, what="knit_orders", required=required)
        if label is None:
            return _alloc_np.zeros(n)
        # (finite: an infinite value named here, it would reach the kernels as an infinite qty or priority)
        v = _ko_lbs(kos, label, "knit_orders", o_label if finite else None)
        return _alloc_np.where(_alloc_np.isnan(v), 0.0, v)

    def date(name):
        label = find_column(kos, name, what="knit_orders", required=False)
        if label is None:
            return _alloc_pd.Series(_alloc_pd.NaT, index=kos.index, dtype="datetime64[ns]")
        # (pyarrow timestamps and dates as NumPy dates; categories as their values, whose numbers are checked)
        col = numpy_dates(kos[label])
        if isinstance(col.dtype, _alloc_pd.CategoricalDtype):
            col = col.astype(object)
        # numbers, a column of them or a cell beside text dates (an Excel number, ints held as objects): to_datetime
        # would read 20250915 as 20250915 ns after 1970-01-01, silently
        if _alloc_pd.api.types.is_numeric_dtype(col.dtype) and not _alloc_pd.api.types.is_bool_dtype(col.dtype):
            num = col.notna().to_numpy()
        elif col.dtype == object:
            num = _alloc_np.fromiter((isinstance(v, (int, float, _alloc_np.number)) and not isinstance(
                v, (bool, _alloc_np.bool_)) and v == v for v in col.to_numpy()), dtype=bool, count=len(col))
        else:
            num = None
        if num is not None and num.any():
            i = int(_alloc_np.flatnonzero(num)[0])
            raise ValueError(f"knit_orders column {label!r} holds numbers (row {plain(kos.index[i])!r}: "
                             f"{plain(col.iloc[i])!r}), not dates: {_DATE_NUMBER_HINT} (pandas would read "
                             f"it as 20250915 ns after 1970-01-01)")
        if not _alloc_pd.api.types.is_datetime64_any_dtype(col.dtype):
            raw = col
            col = _wall_dates(col)  # (each value's own format, its wall-clock date)
            given = raw.notna().to_numpy() & (raw.astype(str).str.strip() != "").to_numpy()
            lost = given & col.isna().to_numpy()
            if lost.any():  # (read_erp warns of such text too; here it would pass as "no date" silently)
                i = int(_alloc_np.flatnonzero(lost)[0])
                warnings.warn(f"knit_orders column {label!r}: {int(lost.sum())} value(s) that are no date read as "
                              f"missing (first at row {plain(kos.index[i])!r}: {raw.iloc[i]!r})", stacklevel=3)
        if getattr(col.dtype, "tz", None) is not None:
            col = col.dt.tz_localize(None)  # the local wall-clock date, like a naive ERP date
        return col

    o_label = find_column(kos, "Order #", what="knit_orders")
    s_label = find_column(kos, "Style#", what="knit_orders")
    balance = num("Balance (lbs)", required=True, finite=True)  # (a missing balance is no 0 lbs to knit)
    if (balance < 0).any():
        bad = plain(kos.index[int(_alloc_np.flatnonzero(balance < 0)[0])])
        b_label = find_column(kos, "Balance (lbs)", what="knit_orders")
        raise ValueError(f"knit_orders column {plain(b_label)!r} must be >= 0; row {bad!r} is negative")
    shipped, g00, ordered = num("Shipped (lbs)"), num("G00 (lbs)"), num("Qty Ordered (lbs)", finite=True)
    start, quoted = date("Start Date"), date("Quoted Date")
    beyond_ns = not _alloc_pd.Timestamp.min <= today <= _alloc_pd.Timestamp.max
    if beyond_ns or today.unit == "ns":
        # today in microseconds: a today beyond datetime64[ns] (after 2262-04-11, before 1677-09-21), which it
        # holds (pandas would cast today to a nanosecond column's unit: OutOfBoundsDatetime), and a nanosecond
        # today, as the default's (near 2262 or 1677 it overflowed in what is counted from it -- a Later bucket a
        # week on, a numbered PO week's Monday in 2263 or 1676, PO weeks dated past it)
        try:
            today = today.as_unit("us")
        except (OverflowError, ValueError):  # (OutOfBoundsDatetime is a ValueError)
            raise ValueError(f"today must be a date within datetime64[us]'s years (-290308 to 294247), got "
                             f"{today}") from None
    if beyond_ns:  # (the dates beside it in microseconds too)
        start, quoted = (c.astype("datetime64[us]") if c.dt.unit == "ns" else c for c in (start, quoted))

    start_day = start.dt.normalize()  # (DOMAIN.md section 6 compares dates: a start at 08:00 today is today's)
    days_to_quote = _days_after(quoted, today)
    quote_pts = _alloc_np.where(_alloc_np.isnan(days_to_quote), 0.0, _alloc_np.maximum(0.0, 100.0 - days_to_quote))
    score = (1000.0 * (shipped > 0) + 100.0 * _alloc_members(kos, o_label, sales_linked, "sales_linked")
             + quote_pts + _alloc_np.minimum(0.1 * ordered, 50.0) + 50.0 * _alloc_members(kos, o_label, vip, "vip"))
    soft = (start_day <= today).fillna(False).to_numpy(dtype=bool)
    kind = _alloc_np.where((shipped > 0) | (g00 > 0), "HARD", _alloc_np.where(soft, "SOFT", "AVAILABLE"))

    # yarn fractions per knit order from the BOM engine (one unit of each order's style, by line)
    # (yarn ids read as the stock's: _bom_compiled)
    compiled = bom if isinstance(bom, BOM) else _bom_compiled(require_frame(bom, "bom"), engine=engine)
    styles = _style_text(kos[s_label])  # (as yarn_requirements shows them: 125792.0 is "125792")
    # (as yarn_requirements matches them: by id, then by the id's text; only a style with BOM rows of its own)
    line_pos, ycodes, line_frac = compiled.explode_lines(_style_codes(compiled, kos[s_label]), _alloc_np.ones(n),
                                                         engine=engine)
    matched = _alloc_np.zeros(n, dtype=bool)
    matched[line_pos] = True
    line_item = compiled._take(ycodes).to_numpy()
    # (yarn ids in one form with the stock's: the text "18767" of a BOM is the integer yarn 18767)
    req = _alloc_pd.DataFrame({"order": line_pos, "item": _net_yarn_ids(line_item).to_numpy(), "fraction": line_frac})
    req = req[req["fraction"] > 0]

    # supply: today's stock (+ PO receipts by week)
    y_label = find_column(inv, "Desc#", what="yarn_inventory")
    yarn_ids = _net_yarn_ids(inv[y_label])
    if on_hand is not None:
        h_label = find_column(inv, on_hand, what="yarn_inventory")
        stock = float_column(inv, h_label, what="yarn_inventory")
        require_finite(inv, h_label, stock, "yarn_inventory", y_label, "Desc#")  # (named as the default path)
        # (text that is no number named, in the rows of a yarn: read as 0 lbs, the stock would vanish silently)
        reject_text(inv, h_label, stock, "yarn_inventory", _KO_LBS, _alloc_np.asarray(yarn_ids.notna()), yarn_ids)
    else:  # Planning Balance; with the POs as receipts of their own, Theoretical Balance + Allocated
        from bk_fast.inventory import _on_hand_stock

        stock = _on_hand_stock(inv, engine, on_order=yarn_po is None, items=yarn_ids, expected=_KO_LBS)
    # (.array: nullable Int64 ids with a missing one keep their integers; to_numpy made them float64)
    supply = _alloc_pd.DataFrame({"Desc#": yarn_ids.array, "date": today,
                                  "lbs": _alloc_np.where(_alloc_np.isnan(stock), 0.0, stock)})
    if yarn_po is not None:
        supply = _alloc_pd.concat([supply, _alloc_po_supply(yarn_po, today)], ignore_index=True)
    supply = supply[supply["Desc#"].notna()]
    text = supply["Desc#"].dtype.kind == "O" and any(isinstance(v, str) for v in _alloc_pd.unique(supply["Desc#"]))
    if supply["Desc#"].dtype == object and not text:  # (the ints of text ids, once the rows without one are gone)
        supply = supply.assign(**{"Desc#": _alloc_pd.Index(supply["Desc#"]).infer_objects().to_numpy()})
    if len(supply) and len(req):
        try:  # the BOM carries Desc# as float (trailing empty rows); match ids on integers when they are
            # (integer and text ids are final: float64 rounds 2**53 + 1, numpy reads the text "1e3" as 1000)
            ids = None if text or supply["Desc#"].dtype.kind in "iu" else \
                supply["Desc#"].to_numpy(dtype=_alloc_np.float64)
        except (TypeError, ValueError):
            ids = None
        if ids is not None:
            # whole numbers only, and only where int64 holds them exactly (an inf id must not wrap to garbage)
            exact = exact_int_floats(ids)
            if not exact.all() and id_kind(_alloc_pd.Index(req["item"])) == "int":
                # a stock row whose Desc# no integer equals (inf, 1.5, beyond 2**53) is no yarn of the BOM's
                supply, ids, exact = supply[exact], ids[exact], exact[exact]
            if exact.all():
                supply = supply.assign(**{"Desc#": ids.astype(_alloc_np.int64)})
    start_at = start.where(start_day > today, today).fillna(today)  # (a start by today, or none: today)
    due = start_at if yarn_po is not None else _alloc_pd.Series(today, index=kos.index)
    ko_ids = kos[o_label]
    # the service order: score (higher first), then earlier start, then order id, as one rank (the kits' and
    # the lines' priority: without POs every order is due today, which would leave the start out of the tie)
    rank = _alloc_np.empty(n, dtype=_alloc_np.int64)
    rank[_alloc_np.lexsort((_alloc_pd.factorize(ko_ids, sort=True)[0] if n else _alloc_np.zeros(0),
                            start_at.to_numpy(), -score))] = _alloc_np.arange(n)
    orders = _alloc_pd.DataFrame({"order": _alloc_np.arange(n), "qty": balance, "priority": rank,
                                  "due": due.to_numpy()})  # (in its unit: a 9999-12-31 start wraps in ns)
    # (in microseconds: a PO week dated after 2262 wrapped around in nanoseconds to 1816, i.e. stock today)
    sup = _alloc_pd.DataFrame({"item": supply["Desc#"].to_numpy(), "period": supply["date"].to_numpy(
        dtype="datetime64[us]"), "qty": supply["lbs"].to_numpy()})

    knittable = balance.copy()
    limiting = _alloc_pd.Series(_alloc_pd.NA, index=kos.index, dtype=object)
    if mode == "erp":
        lines_in = _alloc_pd.DataFrame({
            "order": req["order"].to_numpy(), "item": req["item"].to_numpy(),
            "qty": req["fraction"].to_numpy() * balance[req["order"].to_numpy()],
            "priority": rank[req["order"].to_numpy()], "due": orders["due"].to_numpy()[req["order"].to_numpy()]})
        lines_in["tb"] = rank[lines_in["order"].to_numpy()]  # (one knit order's lines: in BOM line order)
        res = allocate(lines_in, sup, max_lateness=0, engine=engine,
                       columns={"order": "tb", "supply_item": "item", "supply_qty": "qty"})
        allocated = res.orders["delivered"].to_numpy()
        need = lines_in["qty"].to_numpy()
        line_short = res.orders["short"].to_numpy()
        available = _alloc_np.full(len(lines_in), _alloc_np.nan)
        order_short = _alloc_np.bincount(lines_in["order"].to_numpy(), weights=line_short, minlength=n) \
            if n else _alloc_np.zeros(0)
        worst = lines_in.assign(s=line_short / _alloc_np.where(need > 0, need, 1.0))
        worst = worst[line_short > 0].sort_values(["order", "s"], ascending=[True, False], kind="stable")
        worst = worst.drop_duplicates("order")
        limiting.iloc[worst["order"].to_numpy()] = worst["item"].to_numpy()
        # the lbs each line's yarn can knit: the whole balance when it is covered, else allocated / fraction
        # (one division: balance x (allocated / need) rounded twice, 104 lbs with 60 of its one yarn gave
        # 59.99999999999999); the order knits what its scarcest line allows
        frac = req["fraction"].to_numpy()
        line_o = lines_in["order"].to_numpy()
        per_line = _alloc_np.where(line_short > 0, allocated / _alloc_np.where(frac > 0, frac, 1.0), balance[line_o])
        knittable = balance.astype(_alloc_np.float64, copy=True)
        _alloc_np.minimum.at(knittable, line_o, per_line)
        can_start = (order_short <= 0) & matched
        # allocation order; within an order, the BOM engine's line order
        seq = _alloc_np.argsort(lines_in["tb"].to_numpy(), kind="stable")
        line_frame = _alloc_pd.DataFrame({"Order #": ko_ids.to_numpy()[lines_in["order"].to_numpy()[seq]],
                                          "Desc#": lines_in["item"].to_numpy()[seq],
                                          "fraction": req["fraction"].to_numpy()[seq], "need_lbs": need[seq],
                                          "available_lbs": available, "allocated_lbs": allocated[seq],
                                          "short_lbs": line_short[seq]})
    else:
        res = allocate_kits(orders, req, sup, mode=mode, engine=engine,
                            columns={"order": "order", "qty": "qty", "priority": "priority", "due": "due",
                                     "req_order": "order", "req_item": "item", "fraction": "fraction"})
        knittable = res.orders["knittable"].to_numpy()
        limiting = _alloc_pd.Series(res.orders["limiting_item"].array, index=kos.index)  # (Int64: no float64)
        complete = knittable >= balance
        can_start = complete & matched
        lk = res.lines
        pos = lk["order"].to_numpy(dtype=_alloc_np.int64)
        need = lk["need"].to_numpy()
        taken = lk["taken"].to_numpy()
        # (a line of a complete knit order is short of nothing, also where it took a rounding residue less
        # than its need: allocate_kits counts that as covered)
        line_short = _alloc_np.where(complete[pos], 0.0, _alloc_np.maximum(need - taken, 0.0))
        line_frame = _alloc_pd.DataFrame({"Order #": ko_ids.to_numpy()[pos], "Desc#": lk["item"].to_numpy(),
                                          "fraction": lk["fraction"].to_numpy(), "need_lbs": need,
                                          "available_lbs": lk["available"].to_numpy(),
                                          "allocated_lbs": taken, "short_lbs": line_short})
    if not len(line_frame):  # (the dtypes of the ids with lines, not object)
        line_frame = _rows_dtypes(line_frame, {"Order #": ko_ids, "Desc#": _net_yarn_ids(_bom_yarns(compiled))})
    knittable = _alloc_np.where(matched, knittable, 0.0)
    out = _alloc_pd.DataFrame({
        "Order #": ko_ids.to_numpy(), "Style #": styles, "priority_score": score,
        "allocation_type": _alloc_pd.Categorical(kind, categories=["HARD", "SOFT", "AVAILABLE"]),
        "Balance (lbs)": balance, "knittable_lbs": knittable, "short_lbs": balance - knittable,
        "limiting_yarn": _alloc_nullable_ids(limiting.array, line_frame["Desc#"].dtype),
        "bom_matched": matched, "can_start": can_start,
    }, index=kos.index)
    out = _rows_dtypes(out, {"Order #": ko_ids, "Style #": kos[s_label]})  # (no knit orders: the ids' dtypes)
    supply_used = sup.rename(columns={"item": "Desc#", "period": "date", "qty": "lbs"})
    return KnitOrderAllocation(out, line_frame, supply_used)

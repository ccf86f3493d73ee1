"""Packed text: a pandas extension array that stores structured text (ids, codes, formatted numbers,
dates) as small integers plus a few literal strings, and gives back exactly the same strings.

Every value is split into literal text and digit runs (``"CF 10015/0001"`` -> ``"CF "``, 10015, ``"/"``, 1 with
width 4; ``"$1,277.43 "`` -> ``"$"``, 1277 with thousands commas, ``"."``, 43 with width 2, ``" "``). The
literal pieces form the value's *shape*; the digit runs are stored per shape and slot as the smallest unsigned
integers, with how to print them (plain, zero-padded to a fixed width, a width per row, thousands commas). A
value that does not print back to itself (too many digits, unusual commas, a NUL character, a shape too rare to
be worth its own entry) is kept verbatim. Distinct values are encoded once; rows hold either the encoded values
themselves or int8/16/32 codes into them, whichever is smaller. Encoding is checked by printing every distinct
value back and comparing it with the original, so the array *never* holds a value different from its input.

Used by :func:`bk_fast.optimize_memory` with ``pack=True``. The pandas ``.str`` accessor works on the
printed-back values (each call prints the column back first, so ``astype("str")`` once is faster for many string
operations).

Writing into the array (``arr[i] = v``, ``.loc`` assignment, ``replace``, ``update``, ``fillna``, ``where`` /
``mask``, pandas' ``fill_value``) takes strings and missing values, as the ``str`` column does. Any other value
raises TypeError, also where a ``str`` column would turn into ``object`` instead (``replace("", 0)``,
``where(cond, 0)``, ``fillna(0)``): convert with ``astype("str")`` or ``astype(object)`` first. A written string
that the array's table already holds (encoded or verbatim) is pointed at; the others are kept verbatim beside the
packed ones, in a new table of the array's own (tables never change: slices, copies and other arrays sharing one
keep their values). Once the table rows that no row uses outnumber the used ones (and 64), the table keeps only
the used rows, so its size follows the distinct values the array holds, not the number of writes. A written
column is exact but less compact: new strings are stored as they are, and a column packed one value per row (the
encoded rows themselves, no codes) gets a code per row (int8 / int16 / int32 by the table's size: 4 bytes a row
past 32,767 rows). Each write copies the codes (O(rows) array work, no re-encoding): write in bulk rather than
cell by cell. ``optimize_memory(df.astype({col: "str"}), pack=True)`` packs a written column again.

``pd.concat`` of packed columns joins their tables (shapes with the same literal pieces merged, the digit runs
appended) and points the rows into the result: O(rows) array work, no value printed back or encoded again. A value
held by two of the joined tables is held twice (exact, less compact; packing again as above merges them). Distinct
values (``unique``, ``nunique``, ``value_counts``, ``factorize``, groupby keys) are told apart on the table printed
back once; the uniques point into the column's table (nothing is encoded again).
"""

from __future__ import annotations

import operator
import re
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray, ExtensionDtype, register_extension_dtype
from pandas.api.indexers import check_array_indexer

__all__ = ["PackedStringDtype", "PackedStringArray", "pack_strings"]

_TOKEN = re.compile(r"([1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)")
_MAX_DIGITS = 18  # fits uint64 comfortably
_MAX_SHAPES = 127  # shape codes stay int8
_STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
_BLOCK_SHIFT = 14  # a scalar read counts the shape codes of at most 2**14 rows
_FIND_BY_NUMBERS = 8  # a write looks up at most this many strings per shape by their numbers (else prints it)
_MIN_DEAD = 64  # a table is compacted (writes, concat, uniques) when its unused rows pass max(used rows, this)


#: bytes of an empty ndarray object: counted for every small array a packed column holds besides its data
#: (a packed column holds up to a few hundred small arrays; pandas counts only the data of its one array)
_ARRAY_HEADER = sys.getsizeof(np.empty(0))


def _array_bytes(a: np.ndarray) -> int:
    return int(a.nbytes) + _ARRAY_HEADER


def _narrow_unsigned(v: np.ndarray) -> np.ndarray:
    top = int(v.max()) if v.size else 0
    for t in (np.uint8, np.uint16, np.uint32, np.uint64):
        if top <= np.iinfo(t).max:
            return v.astype(t)
    raise AssertionError("unreachable")  # pragma: no cover


def _narrow_codes(c: np.ndarray) -> np.ndarray:
    top = int(c.max()) if c.size else 0
    for t in (np.int8, np.int16, np.int32, np.int64):
        if top <= np.iinfo(t).max:
            return c.astype(t, copy=False)
    raise AssertionError("unreachable")  # pragma: no cover


def _scatter(pieces: list[tuple[np.ndarray, pa.Array]], n: int) -> pa.Array:
    """Rows ``positions`` of the result from each ``(positions, strings)``; uncovered rows are null."""
    arrays = [p for _, p in pieces]
    arrays.append(pa.nulls(1, pa.string()))
    combined = pa.concat_arrays([a.cast(pa.string()) for a in arrays])
    inv = np.full(n, len(combined) - 1, dtype=np.int64)
    start = 0
    for pos, p in pieces:
        inv[pos] = np.arange(start, start + len(p), dtype=np.int64)
        start += len(p)
    return combined.take(pa.array(inv))


class _Slot:
    """One digit run of a shape: values (smallest unsigned ints) and how they print."""

    __slots__ = ("values", "style", "width", "widths")

    def __init__(self, values, style, width=0, widths=None):
        self.values, self.style, self.width, self.widths = values, style, width, widths

    @property
    def nbytes(self) -> int:
        return _array_bytes(self.values) + (_array_bytes(self.widths) if self.widths is not None else 0)

    def take(self, rank: np.ndarray) -> "_Slot":
        return _Slot(self.values[rank], self.style, self.width, None if self.widths is None else self.widths[rank])

    def printed_widths(self) -> np.ndarray:
        """Per value the number of characters it prints (not for ``"grouped"``): its width in a ``"widths"``
        slot, which prints it alike."""
        if self.style == "widths":
            return self.widths
        if self.style == "fixed":
            return np.full(len(self.values), self.width, dtype=np.uint8)
        digits = np.ones(len(self.values), dtype=np.uint8)
        rest = self.values.astype(np.uint64) // np.uint64(10)
        while rest.any():
            digits += rest > 0
            rest //= np.uint64(10)
        return digits

    def render(self) -> pa.Array:
        v = self.values
        if self.style == "grouped":
            return _render_grouped(v.astype(np.uint64))
        text = pa.array(v).cast(pa.string())
        if self.style == "fixed" and self.width > 1:
            return pc.utf8_lpad(text, width=self.width, padding="0")
        if self.style == "widths":
            pieces = []
            for w in np.unique(self.widths).tolist():
                pos = np.flatnonzero(self.widths == w)
                pieces.append((pos, pc.utf8_lpad(text.take(pa.array(pos)), width=int(w), padding="0")))
            return _scatter(pieces, len(v))
        return text


def _joined_slot(slots: list[_Slot]) -> _Slot:
    """The values of ``slots`` one after another, each printed as its slot prints it (all ``"grouped"`` or none):
    in the slots' style when they share it, else with a width per value."""
    first = slots[0]
    values = np.concatenate([s.values for s in slots])
    if all(s.style == first.style and s.width == first.width for s in slots):
        return _Slot(values, first.style, first.width,
                     None if first.widths is None else np.concatenate([s.widths for s in slots]))
    return _Slot(values, "widths", widths=np.concatenate([s.printed_widths() for s in slots]))


def _render_grouped(v: np.ndarray) -> pa.Array:
    """Non-negative integers with thousands commas (``f"{v:,}"``)."""
    groups = np.ones(len(v), dtype=np.int64)
    t = v // 1000
    while np.any(t > 0):
        groups += t > 0
        t = t // 1000
    pieces = []
    for g in np.unique(groups).tolist():
        pos = np.flatnonzero(groups == g)
        x = v[pos]
        parts = [pa.array(x // np.uint64(1000 ** (g - 1))).cast(pa.string())]
        for j in range(g - 2, -1, -1):
            chunk = pa.array((x // np.uint64(1000 ** j)) % np.uint64(1000)).cast(pa.string())
            parts += [pa.scalar(","), pc.utf8_lpad(chunk, width=3, padding="0")]
        out = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "")
        pieces.append((pos, out))
    return _scatter(pieces, len(v))


class _Shape:
    """Literal pieces around the digit runs (``literals`` has one more item than ``slots``), or verbatim text
    (``raw``) for the values that do not encode."""

    __slots__ = ("literals", "slots", "raw", "_count")

    def __init__(self, literals, slots, raw=None, count=0):
        self.literals, self.slots, self.raw, self._count = literals, slots, raw, count

    @property
    def nbytes(self) -> int:
        if self.raw is not None:
            return int(self.raw.nbytes)
        # the literal pieces are Python strings: counted like pandas counts object text (sys.getsizeof)
        return sys.getsizeof(self.literals) + sum(sys.getsizeof(x) for x in self.literals) + \
            sum(s.nbytes for s in self.slots)

    def __len__(self) -> int:
        if self.raw is not None:
            return len(self.raw)
        return len(self.slots[0].values) if self.slots else self._count

    def take(self, rank: np.ndarray) -> "_Shape":
        if self.raw is not None:
            return _Shape(None, None, self.raw.take(pa.array(rank)))
        return _Shape(self.literals, [s.take(rank) for s in self.slots], count=len(rank))

    def render(self) -> pa.Array:
        if self.raw is not None:
            return self.raw
        n = len(self)
        if not self.slots:
            return pa.array(np.full(n, self.literals[0], dtype=object), pa.string())
        parts = []
        for lit, slot in zip(self.literals, self.slots):
            if lit:
                parts.append(pa.scalar(lit))
            parts.append(slot.render())
        if self.literals[-1]:
            parts.append(pa.scalar(self.literals[-1]))
        return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "")


class _Table:
    """Encoded values: a shape code per row (-1 = missing; absent when every row has shape 0 and is present,
    a validity bit per row when there is one shape and some missing) and per shape its rows' slots.

    A table never changes (arrays share tables). ``marks`` holds per block of ``2**_BLOCK_SHIFT`` rows how many
    rows of each shape come before the block, for :meth:`value`; it is built with the table (one count over the
    shape codes, when there are any), so ``nbytes`` counts it from the start and reading a value never changes
    the reported size."""

    __slots__ = ("n", "codes", "valid", "shapes", "marks")

    def __init__(self, n, codes, valid, shapes):
        self.n, self.codes, self.valid, self.shapes = n, codes, valid, shapes
        self.marks = None
        if (codes is not None or valid is not None) and shapes:
            codes = self.shape_codes()
            rows = np.flatnonzero(codes >= 0)
            m = len(shapes)
            counts = np.bincount((rows >> _BLOCK_SHIFT) * m + codes[rows],
                                 minlength=((n >> _BLOCK_SHIFT) + 1) * m).reshape(-1, m)
            self.marks = _narrow_unsigned(np.cumsum(counts, axis=0) - counts)

    @property
    def nbytes(self) -> int:
        total = sum(s.nbytes for s in self.shapes)
        for a in (self.codes, self.valid, self.marks):
            if a is not None:
                total += _array_bytes(a)
        return total

    def shape_codes(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The shape codes of rows ``start:stop`` (``start`` a multiple of 8)."""
        stop = self.n if stop is None else stop
        if self.codes is not None:
            return self.codes[start:stop]
        if self.valid is None:
            return np.zeros(stop - start, dtype=np.int8)
        bits = np.unpackbits(self.valid[start >> 3:(stop + 7) >> 3], count=stop - start)
        return np.where(bits.astype(bool), 0, -1).astype(np.int8)

    def isna(self) -> np.ndarray:
        return self.shape_codes() < 0

    def take(self, idx: np.ndarray) -> "_Table":
        """Rows ``idx`` (-1 = missing) as a new table."""
        codes = self.shape_codes()
        rank = np.empty(self.n, dtype=np.int64)
        for k in range(len(self.shapes)):
            pos = np.flatnonzero(codes == k)
            rank[pos] = np.arange(len(pos))
        new_codes = np.where(idx >= 0, codes[np.maximum(idx, 0)] if self.n else -1, -1).astype(np.int8)
        shapes = []
        for k, shape in enumerate(self.shapes):
            sel = idx[new_codes == k]
            shapes.append(shape.take(rank[sel]))
        return _Table.build(len(idx), new_codes, shapes)

    @staticmethod
    def build(n, codes, shapes) -> "_Table":
        if len(shapes) == 1:
            missing = codes < 0
            if not missing.any():
                return _Table(n, None, None, shapes)
            return _Table(n, None, np.packbits(~missing), shapes)
        return _Table(n, codes, None, shapes)

    def with_verbatim(self, strings: pa.Array) -> "_Table":
        """A new table: this one's rows, then ``strings`` (not missing) kept verbatim. The shapes are shared but
        the verbatim one, which is extended in a copy (its rows follow its earlier rows, so their ranks do)."""
        if not len(strings):
            return self
        shapes = list(self.shapes)
        k = next((k for k, shape in enumerate(shapes) if shape.raw is not None), len(shapes))
        if k == len(shapes):  # (at most _MAX_SHAPES - 1 shapes then: the codes stay int8)
            shapes.append(_Shape(None, None, strings))
        else:
            shapes[k] = _Shape(None, None, pa.concat_arrays([shapes[k].raw.cast(pa.string()), strings]))
        codes = np.concatenate([self.shape_codes(), np.full(len(strings), k, dtype=np.int8)])
        return _Table.build(self.n + len(strings), codes, shapes)

    @staticmethod
    def concat(tables: list["_Table"]) -> "_Table":
        """The rows of ``tables`` one after another, as one new table; nothing is encoded again. Encoded shapes
        with the same literal pieces (and thousands commas in the same slots) become one, their digit runs joined
        (a slot the tables print with different widths keeps a width per row); the verbatim strings stay verbatim,
        and so do, printed back, the rows of the rarest shapes past ``_MAX_SHAPES - 1`` (the codes stay int8)."""
        groups: dict[tuple, list[tuple[_Shape, np.ndarray]]] = {}
        verbatim: list[tuple[pa.Array, np.ndarray]] = []
        n = 0
        for table in tables:
            codes = table.shape_codes()
            for k, shape in enumerate(table.shapes):
                pos = n + np.flatnonzero(codes == k)
                if not len(pos):  # (a shape no row of the table has: taken tables keep them)
                    continue
                if shape.raw is not None:
                    verbatim.append((shape.raw.cast(pa.string()), pos))
                else:
                    key = (tuple(shape.literals), tuple(slot.style == "grouped" for slot in shape.slots))
                    groups.setdefault(key, []).append((shape, pos))
            n += table.n
        members = list(groups.values())
        if len(members) > _MAX_SHAPES - 1:
            rare = set(sorted(range(len(members)), key=lambda g: -sum(len(pos) for _, pos in members[g]))
                       [_MAX_SHAPES - 1:])
            verbatim += [(shape.render(), pos) for g in sorted(rare) for shape, pos in members[g]]
            members = [m for g, m in enumerate(members) if g not in rare]
        codes = np.full(n, -1, dtype=np.int8)
        shapes = []
        for group in members + ([verbatim] if verbatim else []):
            pos = np.concatenate([p for _, p in group])
            if group is verbatim:
                shape = _Shape(None, None, pa.concat_arrays([strings for strings, _ in group]))
            elif len(group) == 1:
                shape = group[0][0]
            else:
                first = group[0][0]
                shape = _Shape(first.literals, [_joined_slot([s.slots[j] for s, _ in group])
                                                 for j in range(len(first.slots))], count=len(pos))
            if len(pos) > 1 and (np.diff(pos) < 0).any():  # a shape's rows in row order (so are their ranks)
                order = np.argsort(pos, kind="stable")
                shape, pos = shape.take(order), pos[order]
            codes[pos] = len(shapes)
            shapes.append(shape)
        return _Table.build(n, codes, shapes)

    def find(self, strings: pa.Array) -> np.ndarray:
        """For each of ``strings`` (distinct, not missing) a row of this table that prints it, or -1.

        An encoded row is found from the string's digit runs (compared as numbers in the shape with the same
        literal pieces, then the first candidate printed back and checked; a shape asked for more than
        ``_FIND_BY_NUMBERS`` strings is printed back whole instead), a verbatim one by a scan of the verbatim
        strings: O(rows of the shapes asked about) per call, nothing kept."""
        out = np.full(len(strings), -1, dtype=np.int64)
        if not len(strings) or not self.n:
            return out
        codes = None if self.codes is None and self.valid is None else self.shape_codes()  # (None: rank = row)
        values = strings.to_pylist()
        by_literals = {tuple(s.literals): k for k, s in enumerate(self.shapes) if s.raw is None}
        asked: dict[int, list[int]] = {}
        for i, v in enumerate(values):
            k = by_literals.get(tuple(_TOKEN.split(v)[0::2]))
            if k is not None:
                asked.setdefault(k, []).append(i)
        for k, items in asked.items():
            shape = self.shapes[k]
            if len(items) > _FIND_BY_NUMBERS:
                ranks = pc.index_in(pa.array([values[i] for i in items], pa.string()),
                                    value_set=shape.render().cast(pa.string()))
                ranks = ranks.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            else:
                ranks = np.array([_rank_of(shape, values[i]) for i in items], dtype=np.int64)
            hit = ranks >= 0
            if hit.any():
                out[np.asarray(items)[hit]] = ranks[hit] if codes is None else np.flatnonzero(codes == k)[ranks[hit]]
        for k, shape in enumerate(self.shapes):
            rest = np.flatnonzero(out < 0)
            if shape.raw is None or not len(rest) or not len(shape):
                continue
            if len(rest) == 1:
                ranks = np.array([pc.index(shape.raw, strings[int(rest[0])]).as_py()])
                found, ranks = (ranks >= 0).nonzero()[0], ranks[ranks >= 0]
            else:
                which = pc.index_in(shape.raw, value_set=strings.take(pa.array(rest)))
                which = which.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
                ranks = np.flatnonzero(which >= 0)
                found, first = np.unique(which[ranks], return_index=True)
                ranks = ranks[first]
            out[rest[found]] = ranks if codes is None else np.flatnonzero(codes == k)[ranks]
        return out

    def compact(self, rows: np.ndarray) -> "_Table":
        """Rows ``rows`` (none missing) as a new table, without the shapes left with no row."""
        table = self.take(rows)
        keep = [k for k, shape in enumerate(table.shapes) if len(shape)]
        if len(keep) == len(table.shapes):
            return table
        renumber = np.full(len(table.shapes), -1, dtype=np.int8)
        renumber[keep] = np.arange(len(keep))
        return _Table.build(table.n, renumber[table.shape_codes()], [table.shapes[k] for k in keep])

    def render(self) -> pa.Array:
        codes = self.shape_codes()
        pieces = []
        for k, shape in enumerate(self.shapes):
            pos = np.flatnonzero(codes == k)
            if len(pos):
                pieces.append((pos, shape.render()))
        return _scatter(pieces, self.n)

    def value(self, i: int):
        """Row ``i`` (None when missing), printed back alone: its row within its shape is the count of its
        shape before its block (``marks``) plus that within the block, so a read costs O(block), not O(n)."""
        if self.codes is None and self.valid is None:
            k, rank = 0, i
        else:
            start = i >> _BLOCK_SHIFT << _BLOCK_SHIFT
            block = self.shape_codes(start, i + 1)
            k = int(block[-1])
            if k < 0:
                return None
            rank = int(self.marks[i >> _BLOCK_SHIFT, k]) + int(np.count_nonzero(block[:-1] == k))
        return self.shapes[k].take(np.array([rank], dtype=np.int64)).render()[0].as_py()


def _rank_of(shape: _Shape, value: str) -> int:
    """The first row of encoded ``shape`` (whose literal pieces are ``value``'s) that prints ``value``, or -1."""
    match = np.ones(len(shape), dtype=bool)
    for slot, tok in zip(shape.slots, _TOKEN.split(value)[1::2]):
        digits = tok.replace(",", "")
        if len(digits) > _MAX_DIGITS or int(digits) > np.iinfo(slot.values.dtype).max:
            return -1
        match &= slot.values == int(digits)
        if slot.widths is not None:
            match &= slot.widths == len(tok)
    rank = int(np.argmax(match)) if len(match) else -1
    if rank < 0 or not match[rank]:
        return -1
    # rows with the same numbers (and widths) print alike: the first one tells for all
    return rank if shape.take(np.array([rank])).render()[0].as_py() == value else -1


def _encode_uniques(values: list[str]) -> _Table:
    """Encode distinct, non-missing strings."""
    groups: dict[tuple, list[int]] = {}
    tokens_of: list[list[str]] = []
    raw_rows: list[int] = []
    for i, v in enumerate(values):
        pieces = _TOKEN.split(v)
        toks = pieces[1::2]
        if "\x00" in v or any(len(t) - t.count(",") > _MAX_DIGITS for t in toks):
            raw_rows.append(i)
            tokens_of.append([])
            continue
        tokens_of.append(toks)
        groups.setdefault(tuple(pieces[0::2]), []).append(i)
    # the most frequent shapes get their own entry, the rest stay verbatim
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    keep = ordered[:_MAX_SHAPES - 1]
    for _, rows in ordered[_MAX_SHAPES - 1:]:
        raw_rows.extend(rows)
    shapes: list[_Shape] = []
    codes = np.full(len(values), -1, dtype=np.int8)
    for k, (literals, rows) in enumerate(keep):
        slots = []
        for j in range(len(literals) - 1):
            toks = np.array([tokens_of[r][j] for r in rows], dtype=object)
            slots.append(_encode_slot(toks))
        shapes.append(_Shape(literals, slots, count=len(rows)))
        codes[np.asarray(rows, dtype=np.int64)] = k
    if raw_rows:
        raw_rows.sort()
        codes[np.asarray(raw_rows, dtype=np.int64)] = len(shapes)
        shapes.append(_Shape(None, None, pa.array([values[r] for r in raw_rows], pa.string())))
    return _Table.build(len(values), codes, shapes)


def _encode_slot(toks: np.ndarray) -> _Slot:
    text = toks.astype(str)
    has_comma = np.strings.find(text, ",") >= 0
    digits = np.strings.replace(text, ",", "") if has_comma.any() else text
    values = _narrow_unsigned(digits.astype(np.uint64))
    if has_comma.any():
        return _Slot(values, "grouped")
    lengths = np.strings.str_len(text)
    if lengths.size and (lengths == lengths[0]).all():
        return _Slot(values, "fixed", int(lengths[0]))
    leading = (np.strings.startswith(text, "0")) & (lengths > 1)
    if not leading.any():
        return _Slot(values, "plain")
    return _Slot(values, "widths", widths=lengths.astype(np.uint8))


def _encode_checked(uniques: pa.Array) -> _Table:
    """Encode distinct strings; any value that does not print back exactly is re-encoded verbatim."""
    values = uniques.to_pylist()
    table = _encode_uniques(values)
    back = table.render().cast(pa.string())
    bad = np.flatnonzero(~pc.equal(back, uniques.cast(pa.string())).fill_null(False).to_numpy(zero_copy_only=False))
    if bad.size:
        codes = table.shape_codes().copy()
        raw_rank_rows = set(bad.tolist())
        if table.shapes and table.shapes[-1].raw is not None:
            raw_rank_rows.update(np.flatnonzero(codes == len(table.shapes) - 1).tolist())
            shapes = table.shapes[:-1]
        else:
            shapes = list(table.shapes)
        rank = np.empty(table.n, dtype=np.int64)
        for k in range(len(table.shapes)):
            pos = np.flatnonzero(codes == k)
            rank[pos] = np.arange(len(pos))
        new_shapes = []
        new_codes = np.full(table.n, -1, dtype=np.int8)
        for k, shape in enumerate(shapes):
            pos = np.flatnonzero(codes == k)
            good = np.array([p not in raw_rank_rows for p in pos.tolist()], dtype=bool)
            if good.any():
                new_codes[pos[good]] = len(new_shapes)
                new_shapes.append(shape.take(rank[pos[good]]))
        raw = sorted(raw_rank_rows)
        new_codes[np.asarray(raw, dtype=np.int64)] = len(new_shapes)
        new_shapes.append(_Shape(None, None, pa.array([values[r] for r in raw], pa.string())))
        table = _Table.build(table.n, new_codes, new_shapes)
        back = table.render().cast(pa.string())
        if not pc.all(pc.equal(back, uniques.cast(pa.string()))).as_py():  # pragma: no cover - a bug guard
            # never keep an encoding that does not print back: every value verbatim
            table = _Table.build(table.n, np.zeros(table.n, dtype=np.int8),
                                 [_Shape(None, None, uniques.cast(pa.string()))])
    return table


def _to_arrow(values) -> pa.Array:
    """Text values (a Series / array of str with NaN or None for missing) as one pyarrow string array."""
    arr = getattr(getattr(values, "array", values), "_pa_array", None)
    if arr is None:
        arr = pa.array(pd.array(np.asarray(values, dtype=object), dtype=_STR_DTYPE)._pa_array.combine_chunks())
    else:
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    if pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string())
    return arr


def _written(arr: "PackedStringArray", key, value) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """``arr[key] = value`` as the str column takes it (its setitem on a stand-in of missing values does the
    checks, the errors and the broadcasting): the rows written, per row the index of its value in the distinct
    strings written (-1 = missing) and those strings."""
    n = len(arr)
    stand_in = pd.arrays.ArrowStringArray(pa.chunked_array([pa.nulls(n, pa.string())]), dtype=_STR_DTYPE)
    try:
        stand_in[key] = value._str_array() if isinstance(value, PackedStringArray) else value
    except TypeError as exc:
        raise _text_only(exc) from exc
    written = np.zeros(n, dtype=bool)
    written[check_array_indexer(arr, key[0] if isinstance(key, tuple) and len(key) == 1 else key)] = True
    pos = np.flatnonzero(written)
    encoded = stand_in._pa_array.combine_chunks().take(pa.array(pos)).dictionary_encode()
    new = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return pos, new, encoded.dictionary.cast(pa.string())


def _text_only(exc: TypeError) -> TypeError:
    """The str array's error for a value that is not text, saying what a packed column takes."""
    return TypeError(f"{exc} A packed_str column holds only strings and missing values: a non-string value "
                     "raises, also in replace / where / mask / fillna, where a str column would become object; "
                     "convert the column first with .astype('str') or .astype(object)")


def pack_strings(values) -> "PackedStringArray":
    """Encode text values (pandas ``str`` / ``string`` / object strings, missing as NaN or None) as a
    :class:`PackedStringArray` in whichever layout takes fewer bytes: the encoded rows themselves, or int codes
    into the encoded distinct values.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["CF 10015/0001", "CF 10015/0002", None, "AP 7/0001"], dtype="str")
    >>> packed = pack_strings(s)
    >>> packed.astype("str").tolist() == s.tolist()
    True
    """
    arr = _to_arrow(values)
    encoded = arr.dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return _laid_out(_encode_checked(encoded.dictionary), codes)


def _compacted(table: _Table, rows: np.ndarray) -> tuple[_Table, np.ndarray]:
    """``table`` and ``rows`` (its rows, -1 = missing), the table keeping only the rows used (and ``rows``
    renumbered) once the unused ones outnumber them and ``_MIN_DEAD``."""
    used = np.zeros(table.n, dtype=bool)
    used[rows[rows >= 0]] = True
    used &= ~table.isna()
    live = int(np.count_nonzero(used))
    if table.n - live > max(live, _MIN_DEAD):
        keep = np.flatnonzero(used)
        renumber = np.full(table.n, -1, dtype=np.int64)
        renumber[keep] = np.arange(live)
        rows = np.where(rows >= 0, renumber[np.maximum(rows, 0)], -1)
        table = table.compact(keep)
    return table, rows


def _laid_out(table: _Table, rows: np.ndarray) -> "PackedStringArray":
    """Rows ``rows`` of ``table`` (int64, -1 = missing) as an array in whichever layout takes fewer bytes: the
    rows themselves (a table of their own) or codes into the table (kept to its used rows, see _compacted)."""
    if len(rows) == table.n and np.array_equal(rows, np.arange(table.n)):
        return PackedStringArray(table, None)
    table, rows = _compacted(table, rows)
    coded = PackedStringArray(table, _narrow_codes(rows))
    per_row = PackedStringArray(table.take(rows), None)
    return per_row if per_row.nbytes <= coded.nbytes else coded


@register_extension_dtype
class PackedStringDtype(ExtensionDtype):
    """Dtype of :class:`PackedStringArray` (``"packed_str"``): text, missing as NaN.

    It is *not* a string dtype for ``pd.api.types.is_string_dtype`` (False), by decision: pandas treats every
    extension dtype that function accepts as its own ``StringDtype`` (it reads the dtype's ``storage`` and
    writes through its string paths: ``replace`` would fail with an AttributeError where it now answers as on
    the ``str`` column). Find packed text columns with ``isinstance(dtype,
    PackedStringDtype)`` or ``df.select_dtypes(include=str)`` (the dtype's scalar type is ``str``). Combined
    with other text it is text: ``pd.concat`` of packed and ``str`` / ``string`` columns gives the dtype the
    ``str`` column would give with them (object with object columns).

    Known limitation, merge keys: pandas' ``merge`` checks a key pair by ``is_string_dtype`` / ``is_object_dtype``
    alone, and this dtype is neither (see above), so pandas converts a packed key and a key of another dtype both
    to object without its checks. Merged with an int or float key, a packed key does not raise "You are trying to
    merge on str and int64 columns" as the ``str`` column does: no row matches (an inner merge is empty). Merged
    with a ``str`` key, the key column comes out object (``str`` with ``str`` stays ``str``). Packed with packed
    merges as ``str`` with ``str``. For a merge with other keys, convert the packed key first:
    ``df.astype({key: "str"}).merge(...)``.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.Series(pack_strings(pd.Series(["CF 1/0001", None], dtype="str")))
    >>> pd.api.types.is_string_dtype(p.dtype), pd.DataFrame({"p": p}).select_dtypes(include=str).columns.tolist()
    (False, ['p'])
    >>> pd.concat([p, pd.Series(["x"], dtype="str")]).dtype == pd.Series(["x"], dtype="str").dtype
    True
    """

    name = "packed_str"
    type = str
    kind = "O"
    na_value = np.nan

    @classmethod
    def construct_array_type(cls):
        return PackedStringArray

    def _get_common_dtype(self, dtypes):
        # with other text: what the str column would give with it (packed text stands for a str column)
        return _STR_DTYPE._get_common_dtype([_STR_DTYPE if isinstance(d, PackedStringDtype) else d
                                             for d in dtypes])

    def __repr__(self) -> str:
        return "PackedStringDtype()"

    @classmethod
    def construct_from_string(cls, string):
        if string == cls.name:
            return cls()
        raise TypeError(f"Cannot construct a '{cls.__name__}' from '{string}'")


class PackedStringArray(ExtensionArray):
    """Text array stored as shapes + small integers (see the module docstring).

    ``astype("str")`` (or any other dtype) prints the values back exactly; ``nbytes`` counts every buffer held
    (reading values never changes it). Iterating (``tolist``, ``items``, ``to_dict``...) prints the column back
    once; a single value (``iloc[i]``) is printed back alone. ``isin``, comparisons, ``+`` / ``*`` (also with
    ``fill_value``) and ``cumsum`` / ``cummin`` / ``cummax`` answer as the ``str`` column (the results of
    ``+`` / ``*`` / ``cumsum`` are ``str`` columns), and so does sorting (stable: tied rows keep their order). A
    write takes strings and missing values (anything else raises TypeError, also where a ``str`` column would
    become ``object``) and keeps the new strings verbatim (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.Series(pack_strings(pd.Series(["CF 1/0001", None, "CF 1/0003"], dtype="str")))
    >>> p.add(pd.Series(["-a", "-b", None], dtype="str"), fill_value="?").tolist()
    ['CF 1/0001-a', '?-b', 'CF 1/0003?']
    >>> q = p.copy()
    >>> q.iloc[1] = "AP 7/0001"
    >>> q.tolist(), p.tolist()
    (['CF 1/0001', 'AP 7/0001', 'CF 1/0003'], ['CF 1/0001', nan, 'CF 1/0003'])
    """

    _dtype = PackedStringDtype()

    def __init__(self, table: _Table, codes: np.ndarray | None = None):
        # one assignment holds both (a write replaces the pair at once: no reader sees a new table with old
        # codes); methods read the pair once
        self._state = (table, codes)

    @property
    def _table(self) -> _Table:
        return self._state[0]

    @property
    def _codes(self) -> np.ndarray | None:
        return self._state[1]

    # -- construction ---------------------------------------------------------------------------------
    @classmethod
    def _from_sequence(cls, scalars, *, dtype=None, copy=False):
        if isinstance(scalars, cls):
            return scalars.copy() if copy else scalars
        return pack_strings(pd.array(scalars, dtype=_STR_DTYPE))

    @classmethod
    def _from_scalars(cls, scalars, *, dtype):
        # pandas casts the result of Series.map / apply back to the column's dtype through this: only text
        # (and missing values) may become packed text; numbers (say map({"7": 1})) stay numbers
        if pd.api.types.infer_dtype(scalars, skipna=True) not in ("string", "empty"):
            raise TypeError("packed text holds only strings")
        return cls._from_sequence(scalars, dtype=dtype)

    @classmethod
    def _from_factorized(cls, values, original):
        return cls._from_sequence(values)

    @classmethod
    def _concat_same_type(cls, to_concat):
        # the arrays' tables joined (each table once: slices of one column share it) and the rows pointed into
        # the result: no value is printed back or encoded again (see _Table.concat)
        tables: dict[int, tuple[_Table, int]] = {}
        rows = [np.zeros(0, dtype=np.int64)]
        start = 0
        for arr in to_concat:
            table, codes = arr._state
            if id(table) not in tables:
                tables[id(table)] = (table, start)
                start += table.n
            base = tables[id(table)][1]
            rows.append(np.arange(base, base + table.n, dtype=np.int64) if codes is None else
                        np.where(codes >= 0, codes.astype(np.int64) + base, -1))
        return _laid_out(_Table.concat([table for table, _ in tables.values()]), np.concatenate(rows))

    # -- basics ---------------------------------------------------------------------------------------
    @property
    def dtype(self) -> PackedStringDtype:
        return self._dtype

    def __len__(self) -> int:
        table, codes = self._state
        return table.n if codes is None else len(codes)

    @property
    def nbytes(self) -> int:
        table, codes = self._state
        return int(table.nbytes + (0 if codes is None else _array_bytes(codes)))

    def __sizeof__(self) -> int:
        return self.nbytes + object.__sizeof__(self)

    def _arrow(self) -> pa.Array:
        """The values as a pyarrow string array (missing = null)."""
        table, codes = self._state
        if codes is None:
            return table.render().cast(pa.string())
        return table.take(codes.astype(np.int64)).render().cast(pa.string())

    def _str_array(self):
        return pd.arrays.ArrowStringArray(pa.chunked_array([self._arrow()]), dtype=_STR_DTYPE)

    def __arrow_array__(self, type=None):
        arr = self._arrow()
        return arr if type is None else arr.cast(type)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._str_array(), dtype=dtype)

    def __iter__(self):
        return iter(self.tolist())

    def tolist(self) -> list:
        return [np.nan if v is None else v for v in self._arrow().to_pylist()]

    def isna(self) -> np.ndarray:
        table, codes = self._state
        missing = table.isna()
        if codes is None:
            return missing
        return (codes < 0) | (missing[np.maximum(codes, 0)] if len(missing) else True)

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            i = int(key)
            if i < 0:
                i += len(self)
            if not 0 <= i < len(self):
                raise IndexError(f"index {key} is out of bounds for length {len(self)}")
            table, codes = self._state
            j = i if codes is None else int(codes[i])
            if j < 0:
                return np.nan
            v = table.value(j)
            return np.nan if v is None else v
        if isinstance(key, tuple) and len(key) == 1:
            key = key[0]
        key = check_array_indexer(self, key)
        if isinstance(key, slice):
            idx = np.arange(len(self), dtype=np.int64)[key]
        elif np.asarray(key).dtype == bool:
            idx = np.flatnonzero(key)
        else:
            idx = np.asarray(key, dtype=np.int64)
            if ((idx < -len(self)) | (idx >= len(self))).any():  # else -n-1 would read as missing (-1)
                raise IndexError(f"indices are out of bounds for length {len(self)}")
            idx = np.where(idx < 0, idx + len(self), idx)
        return self._take_positions(idx)

    def _take_positions(self, idx: np.ndarray) -> "PackedStringArray":
        table, codes = self._state
        base = idx if codes is None else np.where(idx >= 0, codes.astype(np.int64)[np.maximum(idx, 0)]
                                                  if len(codes) else -1, -1)
        return PackedStringArray(table, _narrow_codes(base.astype(np.int64)))

    def take(self, indices, *, allow_fill=False, fill_value=None):
        idx = np.asarray(indices, dtype=np.int64)
        n = len(self)
        if allow_fill and fill_value is not None and not pd.isna(fill_value):
            return pack_strings(self._str_array().take(indices, allow_fill=True, fill_value=fill_value))
        if allow_fill:
            if (idx < -1).any():
                raise ValueError("invalid value in 'indices': only -1 may mean a missing value")
            if (idx >= n).any():
                raise IndexError("indices are out of bounds")
        else:
            if ((idx < -n) | (idx >= n)).any():
                raise IndexError("indices are out of bounds")
            idx = np.where(idx < 0, idx + n, idx)
        return self._take_positions(idx)

    def copy(self):
        table, codes = self._state
        return PackedStringArray(table, None if codes is None else codes.copy())

    def __setitem__(self, key, value):
        # written as the str column takes it (_written). A written string already in the table is pointed at; the
        # others are kept verbatim in a new table of this array's own (the old one, shared with slices and
        # copies, never changes) and the rows become codes into it. Once the table rows no row uses outnumber
        # the used ones (and _MIN_DEAD), the table keeps only the used rows: its size follows the distinct values
        # the array holds, not the number of writes
        if self._readonly:
            raise ValueError("Cannot modify read-only array")
        table, codes = self._state
        n = len(self)
        one = type(value) is str and isinstance(key, (int, np.integer)) and type(key) is not bool
        if one and -n <= int(key) < n:  # (one string into one row: nothing to broadcast or check)
            # (int(key): numpy 2 computes np.int8(3) % 40000 in int8, which overflows)
            pos, new, strings = np.array([int(key) % n]), np.zeros(1, dtype=np.int64), pa.array([value], pa.string())
        else:
            pos, new, strings = _written(self, key, value)
            if not len(pos):
                return
        rows = table.find(strings)
        fresh = rows < 0
        rows[fresh] = table.n + np.arange(int(fresh.sum()))
        table = table.with_verbatim(strings.filter(pa.array(fresh)))
        out = np.arange(n, dtype=np.int64) if codes is None else codes.astype(np.int64)  # (nothing shared written)
        out[pos] = np.where(new >= 0, rows[np.maximum(new, 0)] if len(rows) else -1, -1)
        table, out = _compacted(table, out)
        self._state = (table, _narrow_codes(out))

    def insert(self, loc, item):
        # as the str array inserts: a value that is not text raises its TypeError (an Index falls back to
        # object then, holding the value itself)
        return pack_strings(self._str_array().insert(loc, item))

    def argsort(self, *, ascending=True, kind="quicksort", na_position="last", **kwargs):
        # the str array's order: stable (pyarrow), so tied rows keep their order as in the str column
        return self._str_array().argsort(ascending=ascending, kind=kind, na_position=na_position, **kwargs)

    # -- conversions and comparisons ------------------------------------------------------------------
    def astype(self, dtype, copy=True):
        dtype = pd.api.types.pandas_dtype(dtype)
        if isinstance(dtype, PackedStringDtype):
            return self.copy() if copy else self
        return self._str_array().astype(dtype, copy=False)

    def _op(self, other, op):
        """``op`` on the printed-back values, as the ``str`` column would answer it."""
        if isinstance(other, (pd.Series, pd.Index, pd.DataFrame)):
            return NotImplemented
        if isinstance(other, PackedStringArray):
            other = other._str_array()
        return op(self._str_array(), other)

    def __eq__(self, other):
        return self._op(other, operator.eq)

    def __ne__(self, other):
        return self._op(other, operator.ne)

    def __lt__(self, other):
        return self._op(other, operator.lt)

    def __le__(self, other):
        return self._op(other, operator.le)

    def __gt__(self, other):
        return self._op(other, operator.gt)

    def __ge__(self, other):
        return self._op(other, operator.ge)

    def __add__(self, other):
        return self._op(other, operator.add)

    def __radd__(self, other):
        return self._op(other, lambda s, o: o + s)

    def __mul__(self, other):
        return self._op(other, operator.mul)

    def __rmul__(self, other):
        return self._op(other, lambda s, o: o * s)

    def isin(self, values) -> np.ndarray:
        return self._str_array().isin(values)

    # -- what pandas computes from the values (min / max, groupby reductions, where / mask): on the printed-back
    # values; a result that is text again is packed again (nothing of this column is written) --------------
    def _reduce(self, name, *, skipna=True, keepdims=False, **kwargs):
        return self._str_array()._reduce(name, skipna=skipna, keepdims=keepdims, **kwargs)

    def _accumulate(self, name, *, skipna=True, **kwargs):
        out = self._str_array()._accumulate(name, skipna=skipna, **kwargs)
        return out if name == "cumsum" else pack_strings(out)  # (cummin / cummax: values of this column)

    def _groupby_op(self, *, how, has_dropped_na, min_count, ngroups, ids, **kwargs):
        return self._str_array()._groupby_op(how=how, has_dropped_na=has_dropped_na, min_count=min_count,
                                             ngroups=ngroups, ids=ids, **kwargs)

    def _where(self, mask, value):
        try:
            out = self._str_array()._where(mask, value.astype("str") if isinstance(value, PackedStringArray)
                                           else value)
        except TypeError as exc:
            raise _text_only(exc) from exc
        return pack_strings(out)

    def _values_for_factorize(self):
        return np.asarray(self._str_array(), dtype=object), np.nan

    # -- distinct values (unique, nunique, value_counts, factorize, groupby keys): the table printed back once and
    # its rows told apart by their text (rows of different shapes may print alike), the uniques pointed into the
    # table: nothing is encoded again ------------------------------------------------------------------------
    def _distinct(self) -> tuple[_Table, np.ndarray, np.ndarray]:
        """The table, per row the number of its value in order of first appearance (-1 = missing), and per value
        the first table row that prints it."""
        table, codes = self._state
        if codes is not None:  # (a slice, filter or group of a big column: render only the rows it uses)
            table, codes = _compacted(table, codes.astype(np.int64))
        ids = table.render().dictionary_encode().indices.fill_null(-1).to_numpy(zero_copy_only=False)
        ids = ids.astype(np.int64)
        # (the ids count up in order of first appearance: a value first appears where its id passes all before)
        first = np.flatnonzero(ids > np.maximum.accumulate(np.concatenate([[-1], ids[:-1]])))
        if codes is None:
            return table, ids, first
        ids = np.where(codes >= 0, ids[np.maximum(codes, 0)] if len(ids) else -1, -1)
        numbers, seen = pd.factorize(ids)  # (-1, missing, is a value here: taken out below)
        missing = np.flatnonzero(seen < 0)
        if len(missing):
            m = int(missing[0])
            numbers = np.where(numbers == m, -1, numbers - (numbers > m))
            seen = np.delete(seen, m)
        return table, numbers, first[seen]

    def factorize(self, use_na_sentinel: bool = True):
        table, numbers, rows = self._distinct()
        missing = numbers < 0
        if not use_na_sentinel and missing.any():
            # missing as a value of its own where it first appears, as the str column has it
            at = int(np.argmax(missing))
            k = int(numbers[:at].max()) + 1 if at else 0
            numbers = np.where(missing, k, numbers + (numbers >= k))
            rows = np.insert(rows, k, -1)
        return numbers.astype(np.intp), _laid_out(table, rows)

    def unique(self):
        return self.factorize(use_na_sentinel=False)[1]

    def value_counts(self, dropna: bool = True) -> pd.Series:
        numbers, uniques = self.factorize(use_na_sentinel=dropna)
        counts = np.bincount(numbers[numbers >= 0], minlength=len(uniques)).astype(np.int64)
        return pd.Series(counts, index=pd.Index(uniques, copy=False), name="count", copy=False)

    def fillna(self, value, limit=None, copy=True):
        try:
            return pack_strings(self._str_array().fillna(value, limit=limit))
        except TypeError as exc:
            raise _text_only(exc) from exc

    def _formatter(self, boxed=False):
        return lambda x: x if isinstance(x, str) else "NaN"

    def __reduce__(self):
        return (pack_strings, (self._arrow(),))

    def __getattr__(self, name):
        # the pandas ``.str`` accessor calls ``_str_<method>``: run it on the printed-back str array
        if name.startswith("_str_"):
            return getattr(self._str_array(), name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


"""Reference kernels for the compiled BOM (DOMAIN.md sections 1, 4 and 9): levels, explosion, roll-up.

The BOM reaches the kernels as CSR arrays over dense item codes, prepared and validated by ``bk_fast.bom``:

- ``indptr`` (int64[n+1]), ``indices`` (int64[E], child codes), ``mult`` (float64[E], quantity of the child per
  one unit of the parent, per/loss/factor already applied, duplicate lines already added up);
- after compilation the codes are numbered in low-level-code order, so every edge goes from a lower code to a
  higher one and the codes of one level are the contiguous range ``level_ptr[L]:level_ptr[L+1]``.

Summation order is fixed and shared by all three engines: a component's requirement is its direct demand
(demand lines added in line order), then the contribution of each parent in increasing parent code; each
contribution is ``req[parent] * mult[edge]``. The vectorised reference adds in exactly that order
(``np.add.at`` is sequential), so every engine gives the same bits.
"""

from __future__ import annotations

import numpy as np

from bk_fast._engine import kernel


@kernel
def bom_levels(indptr, indices, llc):
    """Low-level codes by Kahn's algorithm, level-synchronous and iterative (no recursion).

    Writes ``llc[v]`` = length of the longest path from any root (an item with no parent) to ``v``; items on
    or below a cycle are left at -1. Returns the number of items levelled (``n`` when the BOM is acyclic).
    """
    n = llc.shape[0]
    llc[:] = -1
    if n == 0:
        return 0
    indeg = np.bincount(indices, minlength=n).astype(np.int64)
    counts = np.diff(indptr)
    frontier = np.flatnonzero(indeg == 0)
    level = 0
    done = 0
    lists = None  # (indptr and indices as Python lists, made once, for narrow levels)
    while frontier.size:
        llc[frontier] = level
        done += frontier.size
        if frontier.size <= 16:
            # a narrow level (a deep chain): edge by edge, as array calls cost far more than the work there
            if lists is None:
                lists = indptr.tolist(), indices.tolist()
            ptr, idx = lists
            nxt = []
            for v in frontier.tolist():
                for e in range(ptr[v], ptr[v + 1]):
                    child = idx[e]
                    indeg[child] -= 1
                    if indeg[child] == 0:
                        nxt.append(child)
            frontier = np.array(nxt, dtype=np.int64)
            level += 1
            continue
        c = counts[frontier]
        total = int(c.sum())
        if total == 0:
            break
        # edge ids of all frontier rows, in row order
        starts = np.repeat(indptr[frontier] - np.cumsum(c) + c, c)
        eids = starts + np.arange(total)
        # (the children of this level only: a count over all n items per level made a deep chain O(levels x n))
        touched, dec = np.unique(indices[eids], return_counts=True)
        indeg[touched] -= dec
        frontier = touched[indeg[touched] == 0]
        level += 1
    return done


@kernel
def bom_accumulate(codes, qty, req, touched):
    """Add demand lines into the dense requirement: ``req[codes[i]] += qty[i]`` in line order, flag the item as
    touched; lines with code -1 (item not in the BOM) are skipped. Returns the number of skipped lines."""
    ok = codes >= 0
    c = codes[ok]
    with np.errstate(over="ignore", invalid="ignore"):
        np.add.at(req, c, qty[ok])
    touched[c] = 1
    return int(codes.shape[0] - c.shape[0])


@kernel
def bom_accumulate_ids(ids, table, qty, req, touched):
    """``bom_accumulate`` for integer item ids through a dense id -> code table (-1 = not an item): lines whose
    id is outside ``[0, len(table))`` or maps to -1 are skipped. Returns the number of skipped lines."""
    skipped = 0
    step = 1 << 16  # bounded temporaries
    for s in range(0, ids.shape[0], step):
        part = ids[s:s + step]
        ok = (part >= 0) & (part < table.shape[0])
        codes = np.full(part.shape[0], -1, dtype=np.int64)
        codes[ok] = table[part[ok]]
        skipped += bom_accumulate(codes, qty[s:s + step], req, touched)
    return skipped


@kernel
def bom_propagate(indptr, indices, mult, edge_parent, level_ptr, req, touched):
    """Push requirements down the BOM, level by level in low-level-code order, one pass over the edges:
    ``req[child] += req[parent] * mult`` for every edge of a touched parent; the child becomes touched."""
    n_levels = level_ptr.shape[0] - 1
    for lev in range(n_levels):
        e0 = indptr[level_ptr[lev]]
        e1 = indptr[level_ptr[lev + 1]]
        if e0 == e1:
            continue
        par = edge_parent[e0:e1]
        live = touched[par] != 0
        if not live.any():
            continue
        par = par[live]
        ch = indices[e0:e1][live]
        with np.errstate(over="ignore", invalid="ignore"):  # overflow gives inf, like the compiled engines
            np.add.at(req, ch, req[par] * mult[e0:e1][live])
        touched[ch] = 1


@kernel
def bom_rollup(indptr, indices, mult, edge_parent, level_ptr, out):
    """Cost roll-up in place, bottom level first: ``out[parent] = out[parent] + sum(mult * out[child])`` over the
    parent's edges in CSR order (``out`` holds every item's own cost on entry)."""
    n_levels = level_ptr.shape[0] - 1
    for lev in range(n_levels - 1, -1, -1):
        e0 = indptr[level_ptr[lev]]
        e1 = indptr[level_ptr[lev + 1]]
        if e0 == e1:
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            np.add.at(out, edge_parent[e0:e1], mult[e0:e1] * out[indices[e0:e1]])


def _unit(indptr, indices, mult, top, emit, stamp, val, mark):
    """Reachable set of ``top`` (iterative DFS), sorted by code, and the unit explosion over it."""
    stack = [top]
    stamp[top] = mark
    reach = []
    while stack:
        u = stack.pop()
        reach.append(u)
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if stamp[v] != mark:
                stamp[v] = mark
                stack.append(v)
    reach.sort()
    for u in reach:
        val[u] = 0.0
    val[top] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):  # overflow gives inf, like the compiled engines
        for u in reach:
            x = val[u]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                val[v] = val[v] + x * mult[e]
    return [u for u in reach if emit[u]]


@kernel
def bom_unit_count(indptr, indices, tops, emit, counts):
    """``counts[t]`` = number of emitted items (``emit[v] != 0``) reachable from ``tops[t]``, the top included."""
    n = indptr.shape[0] - 1
    stamp = np.full(n, -1, dtype=np.int64)
    val = np.zeros(n, dtype=np.float64)
    mult = np.zeros(indices.shape[0], dtype=np.float64)
    for t in range(tops.shape[0]):
        counts[t] = len(_unit(indptr, indices, mult, int(tops[t]), emit, stamp, val, t))


@kernel
def bom_unit_explode(indptr, indices, mult, tops, emit, tptr, tcomp, tqty):
    """Explosion of one unit of every top: for top ``t``, rows ``tptr[t]:tptr[t+1]`` get the emitted items
    reachable from it in code order (``tcomp``) and their quantity per unit of the top (``tqty``)."""
    n = indptr.shape[0] - 1
    stamp = np.full(n, -1, dtype=np.int64)
    val = np.zeros(n, dtype=np.float64)
    for t in range(tops.shape[0]):
        items = _unit(indptr, indices, mult, int(tops[t]), emit, stamp, val, t)
        k = tptr[t]
        for u in items:
            tcomp[k] = u
            tqty[k] = val[u]
            k += 1


@kernel
def bom_expand_lines(line_top, line_qty, tptr, tcomp, tqty, offsets, out_line, out_code, out_qty):
    """Per demand line ``i`` with top index ``line_top[i]`` (-1 = unmatched, no rows), write the top's unit
    explosion scaled by ``line_qty[i]`` at ``offsets[i]``: line number, item code, ``line_qty[i] * tqty``."""
    ok = line_top >= 0
    lines = np.flatnonzero(ok)
    t = line_top[ok]
    sizes = tptr[t + 1] - tptr[t]
    total = int(sizes.sum())
    if total == 0:
        return
    rows = np.repeat(lines, sizes)
    first = np.repeat(tptr[t] - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
    dest = np.repeat(offsets[lines] - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
    out_line[dest] = rows
    out_code[dest] = tcomp[first]
    with np.errstate(over="ignore", invalid="ignore"):
        out_qty[dest] = line_qty[rows] * tqty[first]

"""Mutation audit of the Numba BOM kernels (``bk_fast/_kernels/_numba/bom.py``): gap tests.

Applied one at a time to a copy of the package, 95 mutants (flipped / off-by-one comparisons and loop bounds of
Kahn's levels and its cycle count, the demand accumulation by code and through the id table, the level-order
propagation, the cost roll-up's order and own cost, the reachable set's visited marks and sort, the unit
explosion and its counts, the per-line expansion and its prange blocks, the serial / parallel selectors and
``parallel_allowed``) were run against tests/test_bom.py, test_bom_mutation.py and test_engines.py restricted to
the numba engine (``-k "numba or not (cython or numpy)"``), plus test_threads.py for the selectors.

* 69 killed by the existing tests (M52, ``parallel_allowed`` without its thread-safe-layer clause, only when a
  parallel region has run before test_threads.py's check, as in the suite's order after test_bom.py).
* 21 equivalent (no input tells them apart):
  - bom_levels ``llc[v] < lu`` -> ``<=`` (the same value is stored) and the max dropped (``llc[v] = lu`` from
    whichever parent comes last): the queue holds the items in non-decreasing level, so an item's last parent
    out of the queue is one of its deepest; ``indeg[v] == 0`` -> ``<= 0`` on enqueueing (an in-degree counts its
    edges and never goes below 0);
  - operands swapped (IEEE ``+`` and ``*`` commute): bom_propagate ``req[v] + x * mult[e]``, bom_rollup
    ``acc + mult[e] * out[...]``, _explode_block ``val[v] + x * mult[e]``, _expand_range ``q * tqty[j]``;
  - bom_propagate ``range(n)`` -> ``range(n - 1)``: the last code is on the deepest level, so has no component;
  - a parent's edges in reverse order in bom_propagate and _explode_block: they go to distinct children
    (duplicate lines are merged at compile time), so every child still adds its parents in increasing code;
  - bom_rollup without ``if e0 == e1: continue`` (a leaf stores its own cost back);
  - _reach: the top not stamped (in a DAG nothing below the top leads back to it); the insertion sort /
    ``np.sort`` threshold 32 -> ``< 32`` or ``<= 2`` (both sort); ``reach[j] > x`` -> ``>=`` (the codes are
    distinct); the insertion sort from ``i = 2`` or stopping at ``j > 0`` (``reach[0]`` is the top, the
    smallest code of its reachable set: nothing passes it);
  - _explode_block: the top left out of the zeroing (it is set to 1 right after);
  - the selectors: ``>= _PARALLEL_TOPS`` -> ``>``, ``_BLOCKS = 1`` and ``_PARALLEL_ROWS`` out of reach (the
    serial and the prange kernels give the same bits).
* 1 not closed: _expand_parallel without ``min(n, ...)`` on the last block's end: with an odd number of lines it
  reads ``line_top[n]``, one past the array, and writes only past the outputs; the results are unchanged unless
  that undefined read crashes. No assertion on the results can tell it apart.
* 4 gaps, each closed below by a test naming its mutant (each verified to fail on its mutant, pass unmodified,
  on all three engines): M23 bom_accumulate_ids ``x < m`` -> ``x <= m`` (one past the id table), M48 and M49
  bom_rollup's summation order (a parent's components in reverse code order; its own cost added last), M80
  _expand_parallel's block step ``n // nblocks`` (an odd number of lines loses the last).

No defect found: on every input here the numba, cython and numpy engines agree bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal, assert_series_equal

from bk_fast import BOM


def test_rollup_adds_the_own_cost_first_then_the_components_in_code_order(engine):
    # kills M48: bom_rollup, `for e in range(e0, e1)` -> `range(e1 - 1, e0 - 1, -1)`, and M49: `acc = 0.0` then
    # `out[u] = out[u] + acc` (the own cost added after the components). The documented order is the own cost,
    # then the components in code order: (0.1 + 1 x 0.1) + 1 x 0.4 = 0.2 + 0.4 = 0.6000000000000001 in float64,
    # where (0.1 + 0.4) + 0.1 (reversed) and 0.1 + (0.1 + 0.4) (own cost last) both round to 0.6.
    bom = BOM.from_frame(pd.DataFrame({"parent": ["P", "P"], "component": ["A", "B"], "qty_per": [1.0, 1.0]}),
                         engine=engine)
    costs = {"P": 0.1, "A": 0.1, "B": 0.4}
    got = bom.rollup(costs, engine=engine)
    assert got.to_dict() == {"P": 0.6000000000000001, "A": 0.1, "B": 0.4}
    assert_series_equal(got, bom.rollup(costs, engine="numpy"), check_exact=True)


def test_by_line_parallel_expansion_covers_an_odd_number_of_lines(engine):
    # kills M80: _expand_parallel, `step = (n + nblocks - 1) // nblocks` -> `n // nblocks`. 4,097 lines of one
    # item with 64 leaves make 262,208 rows (>= 2**18: the two prange blocks run); with the floor step the blocks
    # cover lines 0..4,095 and the last line's 64 rows stayed unwritten (np.empty). The existing parallel test has
    # an even number of lines, where both steps are equal. Wanted: line i gives leaves 1..64, each (i + 1) x 1.
    k, n = 64, 4097
    bom = BOM.from_frame(pd.DataFrame({"parent": np.zeros(k, dtype=np.int64), "component": np.arange(1, k + 1),
                                       "qty_per": np.ones(k)}), engine=engine)
    codes, q = np.zeros(n, dtype=np.int64), np.arange(1.0, n + 1.0)
    line, code, qty = bom.explode_lines(codes, q, engine=engine)
    assert line.shape[0] == n * k >= 2 ** 18
    assert np.array_equal(line, np.repeat(np.arange(n), k))
    assert np.array_equal(code, np.tile(np.arange(1, k + 1), n))
    assert np.array_equal(qty, np.repeat(q, k))
    for got, exp in zip((line, code, qty), bom.explode_lines(codes, q, engine="numpy")):
        assert np.array_equal(got, exp)


def test_integer_id_one_past_the_id_table_is_the_only_unmatched_line(engine):
    # kills M23: bom_accumulate_ids, `x >= 0 and x < m` -> `x <= m`. Items 0..2 give a dense id -> code table of
    # 3 entries; the mutant reads id 3 one past its end, where the value is not the table's -1 (here the
    # allocator's next header, >= 0): the line was taken as matched and not counted as skipped, and as it is the
    # only unmatched line, explode saw 0 skipped lines and reported no unmatched demand. (The existing test of
    # id 3 also has an id -1, whose count made explode look for the unmatched lines itself.) Wanted: 2 x 3 = 6
    # of item 2, 2 x 0.5 = 1 of item 0; the 5.0 of id 3 unmatched, on line 1.
    bom = BOM.from_frame(pd.DataFrame({"parent": [1, 1], "component": [2, 0], "qty_per": [3.0, 0.5]}),
                         engine=engine)
    d = pd.DataFrame({"item": [1, 3], "qty": [2.0, 5.0]})
    out = bom.explode(d, engine=engine)
    assert dict(zip(out["item"], out["qty"])) == {2: 6.0, 0: 1.0}
    um = out.bk_fast.unmatched
    assert um["item"].tolist() == [3] and um["qty"].tolist() == [5.0] and um["lines"].tolist() == [1]
    ref = bom.explode(d, engine="numpy")
    assert_frame_equal(out, ref, check_exact=True)
    assert_frame_equal(um, ref.bk_fast.unmatched, check_exact=True)

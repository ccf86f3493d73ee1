"""Review rev48 of e2b46ad (leak loop under gc.freeze), 6134506 (netting reference on non-finite numbers),
04c6e16 + 57031c4 (same_ids: object ids within int64 beside unsigned ids), 727271b (bk_fast.dask object ids) and
0fce7f2 (segmented_cumsum: object ints beside bools).

Strict xfails recorded what this review found wrong: two id mixes where net_requirements answered worse since
04c6e16 (an OverflowError where the items were exact Python ints; float64 items where they were int64), since
fixed at their roots (netting._union, same_ids), and a leak class the detector could not see, with the heap frozen
or not (new objects the collector does not track), which it now counts. The tests pin what was checked and
holds.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast._engine import ENGINES, engine_status

sys.path.insert(0, os.path.dirname(__file__))
import _hardening_scenarios as H  # noqa: E402
import test_leaks as L  # noqa: E402
from test_netting import _net_one_row  # noqa: E402

BIG = 2 ** 63 + 7
HERE = tuple(e for e in ENGINES if engine_status(e).available)


# ----------------------------------------------------------------------------------------------------------
# e2b46ad: the leak detector with the heap frozen

def _planted(fn, calls=2_000):
    log = {fn.__name__: [H.Call(fn.__name__, "numpy", fn, (np.arange(8.0), np.zeros(8)))]}
    rows, failures = L._checked(log, "numpy", calls)
    assert len(rows) == 1
    return "\n".join(failures)


def test_leak_check_counts_new_objects_kept_by_a_frozen_module_cache():
    """A kernel that stores a new list per call in a dict that existed before the loop (a module-level cache,
    frozen by ``gc.freeze``): the dict is in the permanent generation, which ``gc.get_objects()`` leaves out,
    but the lists are young objects and are counted, one per call: at least 2,000 after 2,000 calls (a stray
    object or two of the interpreter may come on top)."""
    cache: dict = {}

    def cache_list(a, out):
        cache[len(cache)] = [len(cache)]

    text = _planted(cache_list)
    line = [x for x in text.splitlines() if x.startswith("cache_list: ")]
    assert len(line) == 1 and line[0].endswith(" Python objects more after 2000 calls"), text
    assert 2_000 <= int(line[0].split()[1]) <= 2_010, line
    assert len(cache) == 2_500   # (500 warm-up calls, then 2,000 measured)
    cache.clear()


def test_leak_check_reports_a_kernel_that_keeps_a_float_per_call():
    """A kernel keeping one new float per call (a leak of 2,000 Python objects, which the module docstring says
    the check rules out) is reported under its name. Objects the collector does not track (floats, str, tuples
    of atoms) are invisible to ``len(gc.get_objects())``, frozen heap or not, and 10^4 kept floats grow the RSS
    ~0.3 MB, under its 2 MB limit: rev48 found this leak unreported. The check now also counts the Python
    allocator's blocks (``sys.getallocatedblocks``; the real kernels: +1 to +6 over 10^4 calls)."""
    kept: list = []

    def float_leak(a, out):
        kept.append(len(kept) + 0.5)

    text = _planted(float_leak)
    kept.clear()
    assert "float_leak" in text


# ----------------------------------------------------------------------------------------------------------
# 6134506: netting reference kernel, finite inputs unchanged

@pytest.mark.parametrize("e", HERE)
def test_kernel_min_max_multiple_unbounded_max_tiny_multiple(e):
    """Need 5 with no max (inf) and a multiple of 0.3: 5 / 0.3 = 16.67 lots, rounded up to 17, the receipt
    17 x 0.3 in one order; the rest (``rem``) is the need itself, above the min of 0 (the line 6134506 changed
    from ``np.maximum`` to ``np.where``). 4,000 random finite calls: old and new reference bit-identical."""
    proj, net, rec, orders = _net_one_row(e, 0.0, [5.0], [0.0], 0.0, 1, mult=0.3)
    assert rec == [17 * 0.3] and net == [5.0] and orders == [1]
    assert proj == [17 * 0.3 - 5.0]


@pytest.mark.parametrize("e", HERE)
def test_kernel_fixed_periods_window_with_large_quantities(e):
    """Fixed periods of 2 over gross 1e15, 2e15, 3e15 (no stock): period 0's order covers periods 0-1, 3e15
    (the window's running need, the line 6134506 changed); period 1 is covered; period 2 orders its 3e15."""
    proj, net, rec, orders = _net_one_row(e, 0.0, [1e15, 2e15, 3e15], [0.0, 0.0, 0.0], 0.0, 2, per=2)
    assert rec == [3e15, 0.0, 3e15] and orders == [1, 0, 1]
    assert net == [1e15, 0.0, 3e15] and proj == [2e15, 0.0, 0.0]


# ----------------------------------------------------------------------------------------------------------
# 04c6e16 + 57031c4: same_ids, object ids within int64 beside unsigned ids

def test_object_ids_with_a_negative_beside_uint64_beyond_int64_and_text_ids(engine):
    """Gross keyed by uint64 ids (2**63 + 7: 5 in period 0; 10: 6), on_hand by object Python ints (-3: 1,
    21: 2), receipts by text ids ('a': 1 in period 0, 'b': 2 in period 1). No item meets another's: the two
    gross items are short by their gross, the others never short. Before 04c6e16 this gave object items
    [2**63 + 7, 10, 'a', 'b', -3, 21], exact; since, an OverflowError from the item union's isin (pandas'
    for Python ints beyond int64 beside Arrow-backed text), which an int64 on_hand already raised before: the
    union now compares such ids as objects."""
    gross = pd.DataFrame({"item": np.array([BIG, 10], dtype=np.uint64), "period": [0, 0], "qty": [5.0, 6.0]})
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(np.array([-3, 21], dtype=object), dtype=object))
    receipts = pd.DataFrame({"item": np.array(["a", "b"], dtype=object), "period": [0, 1], "qty": [1.0, 2.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert res.items.tolist() == [BIG, 10, "a", "b", -3, 21]
    assert res.net.tolist() == [[5.0, 0.0], [6.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    assert res.projected.tolist() == [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 2.0], [1.0, 1.0], [2.0, 2.0]]


def test_object_ids_beside_nullable_and_arrow_unsigned_ids_stay_integers(engine):
    """Gross keyed by UInt64 ids (8: 5 then 7; 10: 6), on_hand by object Python ints (10: 1, 21: 2), receipts
    by uint64[pyarrow] ids (10: 1 in period 0, 30: 2 in period 1). Item 10: 1 + 1 - 6 = -4, net 4 in period 0;
    item 8 is short by its gross. The items are integers (int64 before 04c6e16), not float64: pandas unites
    UInt64 with uint64[pyarrow] ids as int64, which the uint64 the object ids are read as met through float64 (as
    a uint64 on_hand already did before). Arrow unsigned ids beside another unsigned dtype are now read as
    uint64: UInt64 items."""
    pa = pytest.importorskip("pyarrow")
    gross = pd.DataFrame({"item": pd.array([8, 10, 8], dtype="UInt64"), "period": [0, 0, 1],
                          "qty": [5.0, 6.0, 7.0]})
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(np.array([10, 21], dtype=object), dtype=object))
    receipts = pd.DataFrame({"item": pd.array([10, 30], dtype=pd.ArrowDtype(pa.uint64())), "period": [0, 1],
                             "qty": [1.0, 2.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert str(res.items.dtype) == "UInt64" and res.items.tolist() == [8, 10, 30, 21]
    assert res.net.tolist() == [[5.0, 7.0], [4.0, 0.0], [0.0, 0.0], [0.0, 0.0]]


# ----------------------------------------------------------------------------------------------------------
# 0fce7f2: segmented_cumsum, object ints beside bools

@pytest.mark.parametrize("e", HERE)
def test_object_ints_beside_numpy_bools_add_as_integers(e):
    """An object array of 2**53 + 1, numpy True, 4 (one key): 2**53 + 1, 2**53 + 2, 2**53 + 6 as int64, exact
    (through float64 before 0fce7f2: 9007199254740992.0 twice)."""
    vals = np.empty(3, dtype=object)
    vals[:] = [2 ** 53 + 1, np.bool_(True), 4]
    out = np.asarray(bk_fast.segmented_cumsum(vals, [0, 0, 0], engine=e))
    assert out.dtype == np.int64 and out.tolist() == [2 ** 53 + 1, 2 ** 53 + 2, 2 ** 53 + 6]


@pytest.mark.parametrize("e", HERE)
def test_object_ints_beside_bools_and_text_still_cleaned_as_numbers(e):
    """3, True, text '4' (ERP text among ints): still cleaned as numbers, float64 3, 4, 8 (the text ends the
    int check, which reads the whole column when the text comes last: ~+40% on 10^6 rows, measured)."""
    vals = np.empty(3, dtype=object)
    vals[:] = [3, True, "4"]
    out = np.asarray(bk_fast.segmented_cumsum(vals, [0, 0, 0], engine=e))
    assert out.dtype == np.float64 and out.tolist() == [3.0, 4.0, 8.0]

"""Review of 1924ab2 / bd7b038 (bk_fast.dask: ids made comparable by same_ids before the union, ``_with_union``
declaring ``like`` where ``_numeric_ids`` gives no list): the lazy netting and balance answers keep the item
dtype the in-memory functions give, and declare it. Found by a matrix of id dtypes (int64, Int64, float64,
Float64, UInt64, uint64 beyond 2**63, negative int64, object Python ints, int64[pyarrow], categorical, text
dtypes) for gross / on_hand / receipts over 1 to 3 partitions, run before and after the two commits.

Gross keyed by a numeric extension dtype (Int64, UInt64, int64[pyarrow]) beside receipts keyed by object Python
integers, or empty receipts whose item column is object or ``str`` (an empty file): ``_numeric_ids`` gives None
(object or text ids are not numeric), so since bd7b038 ``_with_union`` declares ``like``, the NumPy items' dtype
(``_like``), and net_requirements casts every partition's planned orders to it: the orders came back int64 /
uint64 where in memory (and before bd7b038) they are keyed by the extension dtype; record, summary and
weekly_balance compute the extension dtype but declare the NumPy one. And allocate read the orders' id dtype off
their declared meta, which a partition of Python ints beyond int64 overflowed. Both fixed since (the reviewed
regressions were strict xfails in a25efa5; _with_union declares like only when _united gave it, allocate reads
the orders' partitions' own dtype). The remaining difference (uint64 ids beyond int64 beside negative and
categorical ids rounded through float64) is fixed in same_ids, which now reads a categorical of integers beside
ids of the other signedness as the integers it holds.
Synchronous scheduler, no distributed client."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")

import bk_fast  # noqa: E402
import bk_fast.dask as bkd  # noqa: E402
# (the synchronous scheduler without a distributed client, autouse, and frames in partitions of given sizes)
from test_dask_meta import _dd, local  # noqa: E402,F401

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")

# (gross / demand id dtype, receipts: object Python int ids, or an empty item column of object or str, as an
# empty file gives)
_CASES = [("Int64", "object int"), ("UInt64", "object int"), ("int64[pyarrow]", "object int"),
          ("Int64", "empty object"), ("UInt64", "empty str")]


def _inputs(dtype, kind):
    """Gross keyed by ids of the extension ``dtype`` (items 10 and 8); receipts keyed by an object Python int
    (item 8, which gross has too), or empty with an item column of object / ``str`` dtype."""
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    gross = pd.DataFrame({"item": pd.array([10, 8], dtype=dtype), "period": [0, 0], "qty": [5.0, 6.0]})
    if kind == "object int":
        receipts = pd.DataFrame({"item": np.array([8], dtype=object), "period": [1], "qty": [1.0]})
    else:
        receipts = pd.DataFrame({"item": pd.Series([], dtype=object if kind == "empty object" else "str"),
                                 "period": pd.Series([], dtype=np.int64), "qty": pd.Series([], dtype=np.float64)})
    return gross, receipts


@pytest.mark.parametrize("dtype, kind", _CASES)
def test_extension_gross_beside_object_receipts_orders_keyed_as_in_memory(dtype, kind, engine):
    """In memory the planned orders (10: 5, 8: 6) are keyed by gross's extension dtype, and so were the lazy
    ones before bd7b038; since, the orders compute and declare int64 / uint64 and record and summary declare it
    while computing the extension dtype (with one item range too)."""
    gross, receipts = _inputs(dtype, kind)
    want = bk_fast.net_requirements(gross, None, receipts, engine=engine)
    assert str(want.orders["item"].dtype) == str(want.record["item"].dtype) == dtype
    lazy = bkd.net_requirements(_dd(gross, [1, 1]), None, receipts, npartitions=2, engine=engine)
    got = lazy.orders.compute()
    assert got.index.tolist() == [8, 10] and got["qty"].tolist() == [6.0, 5.0]
    for frame in (lazy.record, lazy.orders, lazy.summary):
        assert (str(frame._meta.index.dtype), str(frame.compute().index.dtype)) == (dtype, dtype)


@pytest.mark.parametrize("dtype, kind", [_CASES[0], _CASES[3], _CASES[4]])
def test_extension_demand_beside_object_receipts_balance_declared_as_computed(dtype, kind, engine):
    """weekly_balance on the same ids: the balance is keyed by the extension dtype in memory and computed so
    lazily (items 8 and 10); since bd7b038 the lazy frame declares int64 / uint64."""
    demand, receipts = _inputs(dtype, kind)
    want = bk_fast.weekly_balance(0.0, demand, receipts, engine=engine)
    assert str(want.index.dtype) == dtype
    lazy = bkd.weekly_balance(0.0, _dd(demand, [1, 1]), receipts, npartitions=2, engine=engine)
    got = lazy.compute()
    assert got.index.tolist() == [8, 10]
    assert (str(lazy._meta.index.dtype), str(got.index.dtype)) == (dtype, dtype)


def test_uint64_beyond_int64_beside_negative_and_categorical_ids_exact(engine):
    """gross keyed by uint64 ids (2**63 + 7 and 8), on_hand by a negative int64 id (-3), receipts by a categorical
    of integers (30): in memory the ids are made comparable as Python ints (object) and kept exact. With two item
    ranges the lazy summary concatenates a range of object ids with one of float64 ids (2**63 + 7 read as
    9.223372036854776e+18), which pandas joins as float64: the ids lose their exact values."""
    big = 2 ** 63 + 7
    gross = pd.DataFrame({"item": np.array([big, 8], dtype=np.uint64), "period": [0, 0], "qty": [5.0, 6.0]})
    on_hand = pd.Series([1.0], index=pd.Index(np.array([-3], dtype=np.int64)))
    receipts = pd.DataFrame({"item": pd.Categorical([30]), "period": [1], "qty": [1.0]})
    want = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine).summary
    assert want.index.dtype == object and sorted(want.index.tolist()) == [-3, 8, 30, big]
    lazy = bkd.net_requirements(_dd(gross, [1, 1]), on_hand, receipts, npartitions=2, engine=engine).summary
    got = lazy.compute()
    assert [type(x) for x in got.index.tolist()] == [int] * 4 and got.index.tolist() == [-3, 8, 30, big]
    assert str(lazy._meta.index.dtype) == str(got.index.dtype) == "object"


def test_allocate_orders_partition_of_python_ints_beyond_int64_answers(engine):
    """Orders in two partitions, the first (and so the declared meta) int64 ids (10), the second object Python
    ints beyond int64 (2**63 + 7, as a file of big ids reads): the whole orders are object ids and in memory the
    deliveries are 10: 1 and 2**63 + 7: 6. The lazy deliveries cast every range's ids to the declared int64 and
    raised OverflowError."""
    import dask
    import dask.dataframe as dd

    big = 2 ** 63 + 7
    first = pd.DataFrame({"order": [1], "item": np.array([10], dtype=np.int64), "qty": [5.0], "priority": [1],
                          "due": [0]})
    second = pd.DataFrame({"order": [2], "item": np.array([big], dtype=object), "qty": [6.0], "priority": [1],
                           "due": [0]}, index=[1])
    supply = pd.DataFrame({"item": np.array([big, 10], dtype=np.uint64), "period": [0, 0], "qty": [8.0, 1.0]})
    with dask.config.set({"dataframe.convert-string": False}):
        orders = dd.from_delayed([dask.delayed(first), dask.delayed(second)], meta=first.head(0),
                                 verify_meta=False)
    want = bk_fast.allocate(orders.compute(), supply, engine=engine).deliveries
    assert want["item"].tolist() == [10, big] and want["qty"].tolist() == [1.0, 6.0]
    got = bkd.allocate(orders, supply, npartitions=2, engine=engine).deliveries.compute()
    assert got.index.tolist() == [10, big] and got["qty"].tolist() == [1.0, 6.0]


def test_gross_partitions_of_int64_and_Int64_orders_computed_as_in_memory(engine):
    """Gross in two partitions, int64 ids (10) and Int64 ids (8), declared int64: the whole gross is Int64 and
    in memory the orders (8: 6, 10: 5) are keyed Int64, as the lazy ones computed before bd7b038. _numeric_ids
    gives None for an input whose partitions differ in dtype, so _with_union now declares the NumPy items' dtype
    and the orders are cast to int64. (The declared index was int64 before too: not checked here.)"""
    import dask
    import dask.dataframe as dd

    first = pd.DataFrame({"item": np.array([10], dtype=np.int64), "period": [0], "qty": [5.0]})
    second = pd.DataFrame({"item": pd.array([8], dtype="Int64"), "period": [0], "qty": [6.0]}, index=[1])
    with dask.config.set({"dataframe.convert-string": False}):
        gross = dd.from_delayed([dask.delayed(first), dask.delayed(second)], meta=first.head(0), verify_meta=False)
    want = bk_fast.net_requirements(gross.compute(), None, engine=engine).orders
    assert str(want["item"].dtype) == "Int64" and want["item"].tolist() == [10, 8]
    got = bkd.net_requirements(gross, None, npartitions=2, engine=engine).orders.compute()
    assert got.index.tolist() == [8, 10] and got["qty"].tolist() == [6.0, 5.0]
    assert str(got.index.dtype) == "Int64"

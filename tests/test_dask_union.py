"""bk_fast.dask.net_requirements: the planned orders' item ids have the dtype of the whole call's items, as in
memory, where the item ranges holding orders unite their ids otherwise. Gross keyed by int64 ids beside an
on_hand keyed by nullable Int64 ids that brings an id gross lacks: the function's items (and so its orders' ids)
are Int64, but a range whose on_hand ids are all gross's too unites them as int64, and the orders held by such
ranges only came back int64 (and the meta declared int64 where ranges of both kinds held orders). Also: ids of
several kinds (categorical, float, two numeric extension dtypes) computed and declared as in memory by
net_requirements and weekly_balance, and allocate's deliveries keyed in the orders' id dtype. Synchronous
scheduler, no distributed client."""

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


def _orders(gross, on_hand, sizes, npartitions, engine):
    """The lazy orders computed, checked against the in-memory orders (values, dtypes, index) and against their
    own declared meta (column dtypes, index dtype and name)."""
    lazy = bkd.net_requirements(_dd(gross, sizes), on_hand, npartitions=npartitions, engine=engine).orders
    got = lazy.compute()
    want = bk_fast.net_requirements(gross, on_hand, engine=engine).orders.set_index("item")
    pd.testing.assert_frame_equal(got, want)
    assert [str(t) for t in lazy.dtypes] == [str(t) for t in got.dtypes]
    assert str(lazy._meta.index.dtype) == str(got.index.dtype)
    assert lazy._meta.index.name == got.index.name == "item"
    return got


_GROSS = pd.DataFrame({"item": np.array([10, 20], dtype=np.int64), "period": [0, 0], "qty": [16.0, 5.0]})


def test_orders_only_in_ranges_of_integer_ids_are_nullable(engine):
    """Three ranges (10), (20), (30): the orders (10 needs 16 - 6 = 10, 20 needs 5 - 0 = 5) lie in the ranges of 10
    and 20, whose ids unite as int64 (on_hand's 10 is gross's too); only the range of 30, which has no order, is
    Int64. In memory the orders' ids are Int64 (30 joins the items); the computed orders were int64."""
    on_hand = pd.Series([6.0, 1.0], index=pd.Index(pd.array([10, 30], dtype="Int64")))
    got = _orders(_GROSS, on_hand, [1, 1], 3, engine)
    assert str(got.index.dtype) == "Int64"
    assert got.index.tolist() == [10, 20]
    assert got["qty"].tolist() == [10.0, 5.0]


def test_orders_in_ranges_of_both_kinds_are_declared_nullable(engine):
    """Two ranges (10), (20, 30): the orders of 10 (int64 range) and 20 (Int64 range, 30 joins there) concatenate
    to Int64, as in memory; the meta declared int64, since which ranges hold orders is known when computed."""
    on_hand = pd.Series([6.0, 1.0], index=pd.Index(pd.array([10, 30], dtype="Int64")))
    got = _orders(_GROSS, on_hand, [1, 0, 1], 2, engine)
    assert str(got.index.dtype) == "Int64"
    assert got["qty"].tolist() == [10.0, 5.0]


def test_orders_beside_disjoint_nullable_on_hand(engine):
    """on_hand keyed by Int64 ids 40, 50 that gross lacks, two ranges (10, 20), (40, 50): the orders (10 needs
    16, 20 needs 5: nothing on hand) all lie in the int64 range; in memory they are Int64."""
    on_hand = pd.Series([3.0, 4.0], index=pd.Index(pd.array([40, 50], dtype="Int64")))
    got = _orders(_GROSS, on_hand, [2], 2, engine)
    assert str(got.index.dtype) == "Int64"
    assert got.index.tolist() == [10, 20]
    assert got["qty"].tolist() == [16.0, 5.0]


def test_no_orders_are_keyed_by_nullable_ids(engine):
    """Enough on hand for every item (10: 16 of 20, 20: 5 of 9): no orders; ``compute()`` gives the first
    range's empty orders, whose ids (10, int64 only) were int64, where the function's empty orders are Int64."""
    on_hand = pd.Series([20.0, 9.0, 1.0], index=pd.Index(pd.array([10, 20, 30], dtype="Int64")))
    got = _orders(_GROSS, on_hand, [1, 1], 3, engine)
    assert str(got.index.dtype) == "Int64"
    assert len(got) == 0


@pytest.mark.parametrize("dtype", ["int64[pyarrow]", "UInt64"])
def test_orders_keyed_by_other_numeric_extension_ids(engine, dtype):
    """The same three ranges as above with on_hand ids of another numeric extension dtype (gross ids uint64 beside
    UInt64): orders of 10 (16 - 1) and 20 (16 - 0) in the ranges whose ids are gross's only came back int64 /
    uint64; in memory, and now, the on_hand's dtype (review rev43)."""
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    gross = pd.DataFrame({"item": np.array([10, 20], dtype=np.uint64 if dtype == "UInt64" else np.int64),
                          "period": [0, 0], "qty": [16.0, 16.0]})
    on_hand = pd.Series([1.0, 1.0], index=pd.Index(pd.array([10, 30], dtype=dtype)))
    got = _orders(gross, on_hand, [1, 1], 3, engine)
    assert str(got.index.dtype) == dtype
    assert got.index.tolist() == [10, 20] and got["qty"].tolist() == [15.0, 16.0]


def test_uint64_gross_beside_categorical_integer_receipts_builds(engine):
    """UInt64 gross ids beside receipts keyed by a categorical of integers: building the lazy call raised TypeError
    ("Cannot interpret 'Float64Dtype()' as a data type": a NumPy cast to the union's extension dtype, rev43), when
    in memory the items united as Float64. Since same_ids reads a categorical of int64 beside unsigned ids as the
    integers it holds, the items are int64 in memory (exact: Float64 rounds ids beyond 2**53). Every frame
    computes as in memory, and is declared so."""
    gross = pd.DataFrame({"item": pd.array([2, 8], dtype="UInt64"), "period": [0, 1], "qty": [1.0, 16.0]})
    receipts = pd.DataFrame({"item": pd.Categorical([8, 21]), "period": [1, 1], "qty": [1.0, 1.0]})
    want = bk_fast.net_requirements(gross, 3.0, receipts, engine=engine)
    for npartitions in (1, 3):
        lazy = bkd.net_requirements(_dd(gross, [2]), 3.0, receipts, npartitions=npartitions, engine=engine)
        got = lazy.orders.compute()
        pd.testing.assert_frame_equal(got, want.orders.set_index("item"))
        assert str(got.index.dtype) == str(lazy.orders._meta.index.dtype) == "int64"
        assert got.index.tolist() == [8] and got["qty"].tolist() == [12.0]
        summary = lazy.summary.compute()
        pd.testing.assert_frame_equal(summary, want.summary)
        assert str(summary.index.dtype) == str(lazy.summary._meta.index.dtype) == "int64"
        assert summary.index.tolist() == [2, 8, 21]


def test_float_gross_nullable_on_hand_categorical_receipts_orders_keyed_as_in_memory(engine):
    """float64 gross ids, Int64 on_hand ids and receipts keyed by a categorical of integers: in memory the
    orders are keyed Int64 (same_ids makes the whole float ids int64 first). The lazy call gave Float64 with the
    same values (rev45): the ranges' ids were cast to the inputs' own dtypes, float64 for gross, and united
    without being made comparable again."""
    gross = pd.DataFrame({"item": np.array([10.0, 10.0, 8.0, 8.0]), "period": [2, 0, 2, 0],
                          "qty": [20.0, 11.0, 18.0, 15.0]})
    on_hand = pd.Series([9.0, 9.0, 7.0], index=pd.Index(pd.array([10, 30, 21], dtype="Int64")))
    receipts = pd.DataFrame({"item": pd.Categorical([30, 10]), "period": [2, 1], "qty": [2.0, 4.0]})
    want = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine).orders.set_index("item")
    want = want.iloc[np.argsort(want.index.to_numpy(), kind="stable")]  # (the lazy frames are sorted by item)
    got = bkd.net_requirements(_dd(gross, [1, 3, 0]), on_hand, receipts, npartitions=1, engine=engine).orders
    assert got.compute().to_numpy().tolist() == want.to_numpy().tolist()  # (the same values already)
    assert got.compute().index.tolist() == want.index.tolist() == [8, 8, 10, 10]
    assert str(got.compute().index.dtype) == str(want.index.dtype) == "Int64"


def _ids_of(vals, dtype):
    return pd.Categorical(vals) if dtype == "category" else pd.array(vals, dtype=dtype)


def _three(g, o, r):
    """Gross, on_hand and receipts keyed by ids of the dtypes ``g``, ``o``, ``r``."""
    if "pyarrow" in g + o + r:
        pytest.importorskip("pyarrow")
    gross = pd.DataFrame({"item": _ids_of([10, 10, 8, 8], g), "period": [2, 0, 2, 0],
                          "qty": [20.0, 11.0, 18.0, 15.0]})
    on_hand = pd.Series([9.0, 9.0, 7.0], index=pd.Index(_ids_of([10, 30, 21], o)))
    receipts = pd.DataFrame({"item": _ids_of([30, 10], r), "period": [2, 1], "qty": [2.0, 4.0]})
    return gross, on_hand, receipts


@pytest.mark.parametrize("g, o, r", [("float64", "Int64", "category"), ("int64", "float64", "category"),
                                     ("Float64", "UInt64", "category"), ("UInt64", "category", "Float64"),
                                     ("float64", "category", "int64[pyarrow]"),
                                     ("int64[pyarrow]", "Float64", "category")])
def test_ids_of_several_kinds_beside_categorical_keyed_as_in_memory(g, o, r):
    """Gross, on_hand and receipts ids of three dtypes, one categorical (of integers): the function makes the ids
    comparable first (whole float ids beside integer ones become int64, as UInt64 beside signed ones) and keys
    the orders by their union. The lazy call cast each input's ids back to its own dtype and united them without
    that step, so float64 or Float64 ids kept the union a float (float64 / Float64 / double[pyarrow] where the
    function gives int64 / Int64 / int64[pyarrow]): 62 of the 343 combinations of seven dtypes for the three
    inputs differed so in the computed index dtype, 0 now. The values were already equal."""
    gross, on_hand, receipts = _three(g, o, r)
    want = bk_fast.net_requirements(gross, on_hand, receipts, engine="numpy").orders.set_index("item")
    want = want.iloc[np.argsort(want.index.to_numpy(), kind="stable")]
    got = bkd.net_requirements(_dd(gross, [1, 3]), on_hand, receipts, npartitions=1, engine="numpy").orders
    got = got.compute()
    assert got.index.tolist() == want.index.tolist() == [8, 8, 10, 10]
    assert got.to_numpy().tolist() == want.to_numpy().tolist()
    assert str(got.index.dtype) == str(want.index.dtype) != "float64"


@pytest.mark.parametrize("g, o, r", [("int64", "Int64", "Float64"), ("int64", "Int64", "UInt64"),
                                     ("float64", "UInt64", "Int64"), ("Int64", "int64", "int64[pyarrow]"),
                                     ("Int64", "int64[pyarrow]", "category")])
def test_declared_index_of_several_numeric_extension_ids_is_computed_one(g, o, r):
    """Ids of two numeric extension dtypes (Int64 beside Float64, UInt64 or int64[pyarrow]; the last also beside a
    categorical): the lazy orders compute the in-memory index dtype, but declared the first input's (int64 where
    Int64 is computed, Int64 where int64 is): 76 of the 343 combinations of seven dtypes declared so for
    net_requirements' orders, and 51 for weekly_balance; 0 now. Checked here on both functions."""
    gross, on_hand, receipts = _three(g, o, r)
    want = bk_fast.net_requirements(gross, on_hand, receipts, engine="numpy").orders.set_index("item")
    lazy = bkd.net_requirements(_dd(gross, [1, 3]), on_hand, receipts, npartitions=1, engine="numpy").orders
    got = lazy.compute()
    assert got.index.tolist() == [8, 8, 10, 10]
    assert str(lazy._meta.index.dtype) == str(got.index.dtype) == str(want.index.dtype)
    b_want = bk_fast.weekly_balance(on_hand, gross, receipts, engine="numpy")
    b_lazy = bkd.weekly_balance(on_hand, _dd(gross, [1, 3]), receipts, npartitions=1, engine="numpy")
    b_got = b_lazy.compute()
    assert b_got.index.tolist() == [8, 10, 21, 30]
    assert str(b_lazy._meta.index.dtype) == str(b_got.index.dtype) == str(b_want.index.dtype)


@pytest.mark.parametrize("dtype", ["float64", "Float64", "UInt64"])
def test_allocate_deliveries_keep_the_orders_id_dtype(dtype):
    """Numeric order ids of a dtype the supply's int64 ids are not (float64, Float64, UInt64): in memory the
    deliveries' item column keeps the orders' dtype (the ids are matched as int64); the lazy deliveries were keyed
    int64 (13 of 49 combinations of seven order and supply id dtypes differed so), and declared so."""
    orders = pd.DataFrame({"order": [1, 2, 3], "item": _ids_of([10, 10, 8], dtype), "qty": [5.0, 6.0, 7.0],
                           "priority": [1, 2, 3], "due": [0, 0, 1]})
    supply = pd.DataFrame({"item": np.array([10, 30, 8], dtype=np.int64), "period": [0, 0, 1],
                           "qty": [8.0, 1.0, 3.0]})
    want = bk_fast.allocate(orders, supply, engine="numpy").deliveries
    lazy = bkd.allocate(_dd(orders, [2, 1]), supply, npartitions=1, engine="numpy").deliveries
    got = lazy.compute()
    assert got.index.tolist() == [8, 10, 10] and got["qty"].tolist() == [3.0, 5.0, 3.0]
    assert str(want["item"].dtype) == str(got.index.dtype) == str(lazy._meta.index.dtype) == dtype


@pytest.mark.parametrize("other", ["Int64", "int64[pyarrow]"])
@pytest.mark.parametrize("objects_in", ["gross", "receipts"])
def test_object_integer_ids_beside_nullable_ids_keyed_as_in_memory(other, objects_in):
    """Object ids of Python ints (1, 2, 3; an export read without a dtype) in one time-phased input, Int64 or
    int64[pyarrow] ids (2, 3, 4) in the other: in memory the function unites them by appending, and pandas
    appending object ids and nullable ones infers int64, so every frame is keyed int64. The lazy call united the
    object ids as the int64 its partitions read them as, giving Int64 (declared for all three frames; computed
    for the orders, and for the record and summary of ranges where the object ids bring no id the other lacks):
    13 of rev46's 2645 generated cases differed so after session 25, 0 here now. Values equal throughout."""
    if "pyarrow" in other:
        pytest.importorskip("pyarrow")
    objects = pd.Series([1, 2, 3], dtype=object)
    typed = pd.Series([2, 3, 4], dtype=other)
    g_ids, r_ids = (objects, typed) if objects_in == "gross" else (typed, objects)
    gross = pd.DataFrame({"item": g_ids, "period": [0, 1, 0], "qty": [5.0, 6.0, 7.0]})
    receipts = pd.DataFrame({"item": r_ids, "period": [0, 0, 1], "qty": [1.0, 2.0, 3.0]})
    want = bk_fast.net_requirements(gross, 0.0, receipts, engine="numpy")
    lazy = bkd.net_requirements(_dd(gross, [2, 1]), 0.0, _dd(receipts, [1, 2]), npartitions=2, engine="numpy")
    for name in ("record", "orders", "summary"):
        frame = getattr(lazy, name)
        got = frame.compute()
        mem = getattr(want, name)
        mem_ids = mem["item"] if "item" in mem.columns else mem.index
        assert str(mem_ids.dtype) == "int64"
        assert str(got.index.dtype) == str(frame._meta.index.dtype) == "int64", name
    # (lot for lot from 0 on hand: gross 5 / 6 / 7 of items 1 / 2 / 3 less receipts 1 / 2 of items 2 / 3 in time,
    # or gross 5 / 6 / 7 of items 2 / 3 / 4 less receipts 2 / 3 of items 2 / 3 in time)
    ids, qty = ([1, 2, 3], [5.0, 5.0, 5.0]) if objects_in == "gross" else ([2, 3, 4], [3.0, 3.0, 7.0])
    orders = lazy.orders.compute()
    assert orders.index.tolist() == want.orders["item"].tolist() == ids
    assert orders["qty"].tolist() == want.orders["qty"].tolist() == qty
    summary = lazy.summary.compute()
    assert summary.index.tolist() == [1, 2, 3, 4]
    pd.testing.assert_frame_equal(summary, want.summary.sort_index(), check_index_type=False)


def test_object_integer_ids_beside_unsigned_nullable_ids_keyed_as_in_memory():
    """Gross keyed by object Python ints (8, 10, 40), on_hand and receipts by UInt64 ids: in memory the object ids
    are read as uint64 beside unsigned ids (pandas would unite them through float64: Float64 items 8.0, 10.0) and
    the items are UInt64. The lazy call read the object ids as the int64 its partitions give, so its items were
    int64 (declared and computed for all three frames). Now it reads them as object ids, as the function does."""
    gross = pd.DataFrame({"item": np.array([10, 10, 8, 8, 40], dtype=object), "period": [2, 0, 2, 0, 1],
                          "qty": [20.0, 11.0, 18.0, 15.0, 6.0]})
    on_hand = pd.Series([9.0, 9.0, 7.0], index=pd.Index(pd.array([10, 30, 21], dtype="UInt64")))
    receipts = pd.DataFrame({"item": pd.array([30, 10, 40], dtype="UInt64"), "period": [2, 1, 0],
                             "qty": [2.0, 4.0, 1.0]})
    want = bk_fast.net_requirements(gross, on_hand, receipts, engine="numpy")
    assert str(want.items.dtype) == "UInt64" and want.items.tolist() == [10, 8, 40, 30, 21]
    lazy = bkd.net_requirements(_dd(gross, [2, 3]), on_hand, receipts, npartitions=2, engine="numpy")
    for name in ("record", "orders", "summary"):
        frame = getattr(lazy, name)
        assert str(frame._meta.index.dtype) == str(frame.compute().index.dtype) == "UInt64", name
    orders = lazy.orders.compute()
    # (item 8: 15 in period 0 and 18 in 2; item 10: 9 on hand less 11, 2 in period 0, then 4 in 1 less 20 in 2,
    # 16; item 40: 1 in period 0 less 6 in 1, 5)
    assert orders.index.tolist() == [8, 8, 10, 10, 40]
    assert orders["qty"].tolist() == [15.0, 18.0, 2.0, 16.0, 5.0]
    assert orders["qty"].tolist() == want.orders.sort_values("item", kind="stable")["qty"].tolist()

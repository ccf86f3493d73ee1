"""bk_fast.dask: the declared meta (columns, dtypes, index dtype and name) of every result equals the computed
frame's, and the computed values equal the in-memory function's, for inputs whose meta came out otherwise:
an entirely empty input beside an empty input of integer, float, nullable or datetime ids (the meta's index was
an empty object Index), an empty on_hand beside demand with rows (the index name), kits with object text ids
(the meta said object where the answer with rows is ``str``). Synchronous scheduler, no distributed client."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

import bk_fast  # noqa: E402
import bk_fast.dask as bkd  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def local(monkeypatch):
    """No distributed client and the synchronous scheduler: graphs built and computed in this process."""
    monkeypatch.setattr(bkd, "_client", lambda: None)
    with dask.config.set(scheduler="sync"):
        yield


def _dd(df: pd.DataFrame, sizes) -> dd.DataFrame:
    """``df`` in partitions of the given row counts (an empty one among them), its dtypes kept."""
    cuts = np.r_[0, np.cumsum(sizes)]
    parts = [dask.delayed(df.iloc[cuts[i]:cuts[i + 1]]) for i in range(len(sizes))]
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_delayed(parts, meta=df.head(0), verify_meta=False)


def _declared_as_computed(lazy) -> pd.DataFrame:
    got = lazy.compute()
    assert list(lazy.columns) == list(got.columns)
    # (as text: pandas' ``str`` dtype compares equal to object)
    assert [str(t) for t in lazy.dtypes] == [str(t) for t in got.dtypes]
    assert str(lazy.index.dtype) == str(got.index.dtype)
    assert lazy._meta.index.name == got.index.name
    return got


_IDS = {"int64": pd.Series([10, 20], dtype="int64"), "float": pd.Series([1.5, 2.5]),
        "datetime": pd.to_datetime(pd.Series(["2026-01-05", "2026-01-12"]))}


@pytest.mark.parametrize("kind", list(_IDS))
def test_empty_input_beside_an_empty_input_declares_the_ids_dtype(kind):
    """Demand/gross/orders with no rows (one empty partition) beside an empty on_hand/supply keyed by ``kind``
    ids: one partition runs the function on the inputs as they are, whose answer keeps the ids' dtype (as in
    memory); the meta declared an empty object index."""
    ids = _IDS[kind]
    gross = pd.DataFrame({"item": ids, "period": [0, 1], "qty": [1.0, 2.0]}).iloc[:0]
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(ids)).iloc[:0]
    dtype = ids.dtype
    got = _declared_as_computed(bkd.weekly_balance(on_hand, _dd(gross, [0])))
    assert got.index.dtype == dtype and len(got) == 0
    pd.testing.assert_frame_equal(got, bk_fast.weekly_balance(on_hand, gross))
    res = bkd.net_requirements(_dd(gross, [0]), on_hand)
    mem = bk_fast.net_requirements(gross, on_hand)
    for lazy in res:
        assert _declared_as_computed(lazy).index.dtype == dtype
    pd.testing.assert_frame_equal(res.orders.compute(), mem.orders.set_index("item"))
    orders = pd.DataFrame({"order": [1, 2], "item": ids, "qty": [3.0, 4.0], "priority": 1, "due": 0}).iloc[:0]
    supply = pd.DataFrame({"item": ids, "period": 0, "qty": [5.0, 6.0]}).iloc[:0]
    res = bkd.allocate(_dd(orders, [0]), supply)
    deliveries = _declared_as_computed(res.deliveries)
    assert deliveries.index.dtype == dtype
    pd.testing.assert_frame_equal(deliveries, bk_fast.allocate(orders, supply).deliveries.set_index("item"))


@pytest.mark.parametrize("sizes", [[4], [2, 0, 2]])
def test_weekly_balance_empty_on_hand_names_the_index_item(sizes):
    """An on_hand without rows beside demand with rows: in memory (and in every partition) the items' index is
    named after the demand's item column, ``item``; the meta, from the empty on_hand, declared no name."""
    demand = pd.DataFrame({"item": [20, 10, 20, 30], "period": [0, 0, 1, 1], "qty": [1.0, 2.0, 3.0, 4.0]})
    on_hand = pd.Series([], dtype="float64", index=pd.Index([], dtype="int64"))
    got = _declared_as_computed(bkd.weekly_balance(on_hand, _dd(demand, sizes), npartitions=len(sizes)))
    assert got.index.name == "item"
    assert got.index.tolist() == [10, 20, 30]
    assert got["total_balance"].tolist() == [-2.0, -4.0, -4.0]
    pd.testing.assert_frame_equal(got, bk_fast.weekly_balance(on_hand, demand).sort_index())


@pytest.mark.parametrize("sizes", [[4], [2, 2], [1, 1, 2]])
def test_weekly_balance_names_the_index_as_the_whole_inputs_do(sizes):
    """The in-memory function names the items' index after the first input with ids, and drops the name when a
    later input adds ids under another name (an on_hand indexed by ``sku``, demand bringing item 3). Each item
    range computed it from its own ids: a range without item 3 kept ``sku``, the others had none, and the meta
    declared ``sku`` (found by the second Dask mutation audit). Now every partition and the meta carry the name of
    the whole answer; without a new id, ``sku`` stays."""
    on_hand = pd.Series([1.0, 2.0], index=pd.Index([1, 2], name="sku"))
    for items, name in (([3, 1, 2, 3], None), ([2, 1, 2, 1], "sku")):
        demand = pd.DataFrame({"item": items, "week": [0, 0, 1, 1], "qty": [1.0, 2.0, 3.0, 4.0]})
        mem = bk_fast.weekly_balance(on_hand, demand)
        assert mem.index.name == name
        lazy = bkd.weekly_balance(on_hand, _dd(demand, sizes), npartitions=len(sizes))
        got = _declared_as_computed(lazy)
        assert [lazy.get_partition(k).compute().index.name for k in range(lazy.npartitions)] == \
            [name] * lazy.npartitions
        pd.testing.assert_frame_equal(got, mem.sort_index())
    # receipts indexed by another name, adding an item: no name; an empty on_hand leaves the demand's name
    receipts = pd.DataFrame({0: [5.0]}, index=pd.Index([7], name="rc"))
    demand = pd.DataFrame({"item": [2, 1, 2, 1], "week": [0, 0, 1, 1], "qty": [1.0, 2.0, 3.0, 4.0]})
    for oh, rec, name in ((on_hand, receipts, None), (on_hand.iloc[:0], None, "item")):
        mem = bk_fast.weekly_balance(oh, demand, rec)
        assert mem.index.name == name
        lazy = bkd.weekly_balance(oh, _dd(demand, sizes), rec, npartitions=len(sizes))
        pd.testing.assert_frame_equal(_declared_as_computed(lazy), mem.sort_index())
        assert {lazy.get_partition(k).compute().index.name for k in range(lazy.npartitions)} == {name}


@pytest.mark.parametrize("sizes", [[4], [2, 2]])
def test_net_requirements_summary_index_is_named_item_in_memory_as_in_dask(sizes):
    """``NettingResult.summary`` took the name of the united ids (on_hand's ``sku`` when the gross added no item,
    none when it did, the gross' ``item`` when on_hand added none), where bk_fast.dask names its summary ``item``
    (as the record's and orders' item column) for every input: 267 of 300 random inputs differed. Both name it
    ``item`` now."""
    on_hand = pd.Series([1.0, 2.0], index=pd.Index([1, 2], name="sku"))
    for items in ([3, 1, 2, 3], [2, 1, 2, 1], [2, 2, 2, 2]):
        gross = pd.DataFrame({"item": items, "period": [0, 0, 1, 1], "qty": [1.0, 2.0, 3.0, 4.0]})
        for oh in (on_hand, on_hand.rename_axis(None), on_hand.iloc[:0]):
            mem = bk_fast.net_requirements(gross, oh).summary
            assert mem.index.name == "item"
            lazy = bkd.net_requirements(_dd(gross, sizes), oh, npartitions=len(sizes)).summary
            pd.testing.assert_frame_equal(_declared_as_computed(lazy), mem.sort_index())


@pytest.mark.parametrize("sizes", [[5], [2, 0, 3]])
def test_kits_object_text_ids_declared_as_computed(sizes):
    """Requirements with object item ids of text: the answers with rows type ``item`` and ``limiting_item`` as
    pandas reads the ids (``str``), as in memory; the meta, from empty inputs, declared object."""
    orders = pd.DataFrame({"order": ["K1", "K2", "K3", "K4"], "qty": [100.0, 100.0, 10.0, 5.0],
                           "priority": [1, 2, 1, 1]})
    req = pd.DataFrame({"order": ["K1", "K2", "K3", "K4", "K4"],
                        "item": pd.Series(["A", "A", "B", "C", "D"], dtype=object),
                        "fraction": [1.0, 1.0, 1.0, 0.5, 0.5]})
    supply = pd.DataFrame({"item": pd.Series(["A", "B", "C"], dtype=object), "qty": [150.0, 5.0, 1.0]})
    assert req["item"].dtype == object and supply["item"].dtype == object
    res = bkd.allocate_kits(orders, _dd(req, sizes), supply, npartitions=len(sizes))
    mem = bk_fast.allocate_kits(orders, req, supply)
    got = _declared_as_computed(res.orders).sort_index()
    assert str(got["limiting_item"].dtype) == str(mem.orders["limiting_item"].dtype) == "str"
    pd.testing.assert_frame_equal(got, mem.orders)
    assert got["knittable"].tolist() == [100.0, 50.0, 5.0, 0.0]
    lines = _declared_as_computed(res.lines)
    assert str(lines["item"].dtype) == str(mem.lines["item"].dtype) == "str"
    assert sorted(zip(lines["order"], lines["item"], lines["taken"])) == sorted(
        zip(mem.lines["order"], mem.lines["item"], mem.lines["taken"]))


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("keep_levels", [True, False])
@pytest.mark.parametrize("by_line", [False, True])
def test_explode_mixed_bom_integer_demand_declared_as_computed(exact, keep_levels, by_line):
    """A BOM mixing text and integer ids with every non-phantom reported (``leaves_only=False``): the meta can
    only see that the answer may hold text ids and declares object; demand touching integer ids only made
    ``BOM.explode`` answer int64, and the computed frame did too (not by line). Now it is cast to the declared
    object; the values equal the in-memory answer's, and the unmatched demand travels with it."""
    lines = pd.DataFrame({"parent": pd.Series(["S1", "S1", 5], dtype=object),
                          "component": pd.Series([5, 7, 8], dtype=object), "qty_per": [1.0, 2.0, 3.0]})
    bom = bk_fast.BOM.from_frame(lines)
    demand = pd.DataFrame({"item": [5, 5, 99], "qty": [2.0, 1.0, 4.0]})
    mem = bom.explode(demand, leaves_only=False, keep_levels=keep_levels, by_line=by_line)
    lazy = bkd.explode(_dd(demand, [2, 0, 1]), bom, leaves_only=False, keep_levels=keep_levels, by_line=by_line,
                       exact=exact)
    assert lazy.dtypes["item"] == object
    got = _declared_as_computed(lazy)
    if by_line:
        got = got.reset_index(drop=True)
        mem = mem.reset_index(drop=True)
    pd.testing.assert_frame_equal(got, mem.astype({"item": object}), check_exact=True)
    assert got["item"].tolist() == [5, 8] * (2 if by_line else 1)
    assert got.bk_fast.unmatched["item"].tolist() == [99]


@pytest.mark.parametrize("kind", ["int64", "float", "datetime"])
def test_empty_object_partition_beside_typed_ids_declared_as_computed(kind):
    """An empty partition whose item column is object (an empty file read without dtypes) beside partitions of
    ``kind`` ids: ``compute()`` of the input drops it (the in-memory answer keeps the ids' dtype), so every
    partition joins its pieces with rows only; pandas' concat with the empty object piece made the answers'
    ids object (orders' shortfalls, kits' lines and limiting items) where the meta declared ``kind``."""
    ids = pd.concat([_IDS[kind], _IDS[kind]], ignore_index=True)
    orders = pd.DataFrame({"order": [1, 2, 3, 4], "item": ids, "qty": [10.0, 5.0, 20.0, 3.0], "priority": 1,
                           "due": 0})
    supply = pd.DataFrame({"item": _IDS[kind], "period": 0, "qty": [25.0, 3.0]})
    pieces = [orders.iloc[:2], orders.iloc[:0].astype({"item": object}), orders.iloc[2:]]
    with dask.config.set({"dataframe.convert-string": False}):
        lazy = dd.from_delayed([dask.delayed(p) for p in pieces], meta=orders.head(0), verify_meta=False)
    res = bkd.allocate(lazy, supply, npartitions=2)
    mem = bk_fast.allocate(orders, supply)
    got = _declared_as_computed(res.shortfalls).sort_index()
    assert got["item"].dtype == ids.dtype
    pd.testing.assert_frame_equal(got, mem.shortfalls)
    assert _declared_as_computed(res.orders).sort_index()["delivered"].tolist() == [10.0, 3.0, 15.0, 0.0]


def test_kits_requirement_item_outside_supply_id_dtype(engine):
    """Requirements with an int64 item id (300) that supply's int8 ids cannot hold: the meta's one-row sample
    casts that id to supply's dtype and numpy refuses it (OverflowError, not among the sample's fallbacks), so
    allocate_kits raised where the in-memory function answers. K1 needs item 300, of which there is none
    (knittable 0, short 10); K2 needs item 7, 3 supplied (knittable 3, short 2)."""
    orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [10.0, 5.0], "priority": [1, 1]})
    req = pd.DataFrame({"order": ["K1", "K2"], "item": np.array([300, 7], dtype=np.int64), "fraction": [1.0, 1.0]})
    supply = pd.DataFrame({"item": np.array([7, 8], dtype=np.int8), "qty": [3.0, 4.0]})
    res = bkd.allocate_kits(orders, req, supply, npartitions=2, engine=engine)
    got = _declared_as_computed(res.orders).sort_index()
    assert got["knittable"].tolist() == [0.0, 3.0]
    assert got["short"].tolist() == [10.0, 2.0]
    assert got["limiting_item"].tolist() == [300, 7]
    pd.testing.assert_frame_equal(got, bk_fast.allocate_kits(orders, req, supply, engine=engine).orders)
    lines = _declared_as_computed(res.lines)
    assert sorted(zip(lines["order"], lines["item"].tolist(), lines["taken"])) == [("K1", 300, 0.0), ("K2", 7, 3.0)]


def test_weekly_balance_nullable_demand_ids_beside_integer_on_hand(engine):
    """Demand keyed by nullable Int64 ids beside on_hand keyed by int64 ids: the function unites on_hand's ids
    first and appends demand's ids that on_hand lacks, so the items are Int64 when demand brings such an id (20)
    and int64 when it brings none, in memory as in every partition and their concatenation; the meta, the
    function on the empty heads (which unite no ids), declared int64 in both cases."""
    on_hand = pd.Series([5.0, 2.0], index=pd.Index([10, 30], dtype="int64"))
    demand = pd.DataFrame({"item": pd.array([10, 20, 30, 20], dtype="Int64"), "period": [0, 0, 1, 1],
                           "qty": [1.0, 2.0, 3.0, 4.0]})
    for sizes in ([4], [2, 0, 2]):
        got = _declared_as_computed(bkd.weekly_balance(on_hand, _dd(demand, sizes), npartitions=len(sizes),
                                                       engine=engine))
        assert str(got.index.dtype) == "Int64"
        assert got.index.tolist() == [10, 20, 30]
        assert got["total_balance"].tolist() == [4.0, -6.0, -1.0]  # 5 - 1, 0 - 2 - 4, 2 - 3
        pd.testing.assert_frame_equal(got, bk_fast.weekly_balance(on_hand, demand, engine=engine).sort_index())
    known = demand[demand["item"] != 20]
    got = _declared_as_computed(bkd.weekly_balance(on_hand, _dd(known, [1, 0, 1]), npartitions=2, engine=engine))
    assert str(got.index.dtype) == "int64"
    assert got["total_balance"].tolist() == [4.0, -1.0]
    pd.testing.assert_frame_equal(got, bk_fast.weekly_balance(on_hand, known, engine=engine))


_NUMERIC = {"int64": pd.Index([10, 20], dtype="int64"), "Int64": pd.Index(pd.array([10, 20], dtype="Int64")),
            "float": pd.Index([1.5, 2.5])}


@pytest.mark.parametrize("g_kind, o_kind", [("int64", "Int64"), ("Int64", "int64"), ("float", "Int64"),
                                            ("Int64", "float")])
def test_net_requirements_empty_gross_beside_on_hand_of_another_numeric_kind(g_kind, o_kind, engine):
    """An empty gross (one empty partition) keyed by ``g_kind`` ids beside on_hand with rows keyed by ``o_kind``
    ids: the function skips the empty gross's ids, so the items (every frame's index) have on_hand's dtype, in
    memory as in the partitions; the meta, the function on the empty heads, declared gross's dtype."""
    gross = pd.DataFrame({"item": pd.Series(_NUMERIC[g_kind]), "period": [0, 0], "qty": [1.0, 2.0]}).iloc[:0]
    ids = _NUMERIC[o_kind]
    on_hand = pd.Series([4.0, 0.0], index=ids)
    res = bkd.net_requirements(_dd(gross, [0]), on_hand, engine=engine)
    mem = bk_fast.net_requirements(gross, on_hand, engine=engine)
    summary = _declared_as_computed(res.summary)
    assert summary.index.dtype == ids.dtype
    assert summary.index.tolist() == ids.tolist()
    assert summary["on_hand"].tolist() == [4.0, 0.0] and summary["total_planned"].tolist() == [0.0, 0.0]
    pd.testing.assert_frame_equal(summary, mem.summary.rename_axis("item"))
    for lazy, frame in ((res.record, mem.record), (res.orders, mem.orders)):
        got = _declared_as_computed(lazy)
        assert got.index.dtype == ids.dtype
        pd.testing.assert_frame_equal(got, frame.set_index("item"))


def test_net_requirements_integer_gross_beside_nullable_on_hand_with_a_new_id(engine):
    """Gross keyed by int64 ids (10, 20) beside on_hand keyed by Int64 ids (10, 30): on_hand brings an id gross
    lacks (30), so the united items of the summary and record are Int64, in memory as in the partitions (the one
    holding 30 answers Int64 ids); the meta declared int64. Item 10 needs 16 - 6 = 10, item 20 needs 5, item 30
    nothing."""
    gross = pd.DataFrame({"item": [10, 20], "period": [0, 0], "qty": [16.0, 5.0]})
    on_hand = pd.Series([6.0, 1.0], index=pd.Index(pd.array([10, 30], dtype="Int64")))
    res = bkd.net_requirements(_dd(gross, [1, 0, 1]), on_hand, npartitions=3, engine=engine)
    mem = bk_fast.net_requirements(gross, on_hand, engine=engine)
    summary = _declared_as_computed(res.summary)
    assert str(summary.index.dtype) == "Int64"
    assert summary.index.tolist() == [10, 20, 30]
    assert summary["total_planned"].tolist() == [10.0, 5.0, 0.0]
    pd.testing.assert_frame_equal(summary, mem.summary.rename_axis("item"))
    # (the orders: only the ranges of 10 and 20 hold some, whose ids unite as int64, so they are int64 where memory
    # has Int64: which ranges hold orders is known when computed only; the meta declares what compute() gives)
    orders = _declared_as_computed(res.orders)
    assert orders.index.tolist() == [10, 20] and orders["qty"].tolist() == [10.0, 5.0]
    pd.testing.assert_frame_equal(orders, mem.orders.set_index("item"), check_index_type=False)
    pd.testing.assert_frame_equal(_declared_as_computed(res.record), mem.record.set_index("item"))


@pytest.mark.parametrize("supplied", [[1.5, 2.5], [10.0, 20.0]])
def test_allocate_empty_integer_orders_beside_float_supply(supplied, engine):
    """Orders without rows keyed by int64 ids beside supply keyed by float ids: no partition delivers, so
    ``compute()`` gives the first partition's empty deliveries, keyed by the orders' int64 ids as in memory; the
    meta declared the items' dtype (float64)."""
    orders = pd.DataFrame({"order": [1], "item": [10], "qty": [3.0], "priority": 1, "due": 0}).iloc[:0]
    supply = pd.DataFrame({"item": supplied, "period": 0, "qty": [5.0, 6.0]})
    res = bkd.allocate(_dd(orders, [0]), supply, engine=engine)
    mem = bk_fast.allocate(orders, supply, engine=engine)
    got = _declared_as_computed(res.deliveries)
    assert got.index.dtype == np.int64 and len(got) == 0
    pd.testing.assert_frame_equal(got, mem.deliveries.set_index("item"))
    assert len(_declared_as_computed(res.orders)) == 0


@pytest.mark.parametrize("arrow", ["int64[pyarrow]", "double[pyarrow]"])
def test_huge_uint64_ids_beside_arrow_ids_still_answer(arrow, engine):
    """Demand keyed by NumPy uint64 ids beyond 2**63 beside on_hand keyed by Arrow numbers: the function makes
    the ids comparable first and answers (a uint64 index); the meta's union of the ids in their own dtypes,
    which pandas unites as Arrow and Arrow refuses (ArrowInvalid, when the graph was built), is left out, and
    the lazy answers equal the function's (found by review rev41 of bc42141)."""
    pytest.importorskip("pyarrow")
    demand = pd.DataFrame({"item": np.array([2 ** 63, 10], dtype=np.uint64), "period": [0, 0], "qty": [5.0, 5.0]})
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(pd.array([10, 40], dtype=arrow)))
    want = bk_fast.weekly_balance(on_hand, demand, engine=engine)
    got = bkd.weekly_balance(on_hand, _dd(demand, [2]), npartitions=1, engine=engine).compute()
    assert str(want.index.dtype) == "uint64" and want.index.tolist() == [10, 40, 2 ** 63]
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index())
    assert got["total_balance"].tolist() == [-4.0, 2.0, -5.0]  # 1 - 5, 2, 0 - 5
    net = bkd.net_requirements(_dd(demand, [2]), on_hand, engine=engine)
    summary = bk_fast.net_requirements(demand, on_hand, engine=engine).summary
    summary.index.name = "item"  # (the lazy summary names its index, as in test_dask.py)
    pd.testing.assert_frame_equal(net.summary.compute().sort_index(), summary.sort_index())

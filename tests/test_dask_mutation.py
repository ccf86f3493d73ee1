"""Cases found by a mutation audit of ``bk_fast.dask``: each test fails on a small change to the module (named in
its comment: the line's code and the change), most of which the rest of the suite did not detect (where another
test detects one too, the comment says so), and passes on the code as it is. Without a distributed client, on
Dask's synchronous scheduler (small frames, fast); the expected values are computed by hand or by the in-memory
bk_fast function on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _optional import needs

dd = pytest.importorskip("dask.dataframe")

import bk_fast  # noqa: E402
import bk_fast.dask as bkd  # noqa: E402

pytestmark = [needs("dask"), pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")]


@pytest.fixture(autouse=True)
def local(monkeypatch):
    """No distributed client, the synchronous scheduler: the graphs are built and computed in this process."""
    import dask

    monkeypatch.setattr(bkd, "_client", lambda: None)
    with dask.config.set(scheduler="sync"):
        yield


def _dd(df, n=2):
    """``df`` in ``n`` partitions, its dtypes kept (no conversion of text columns to Arrow strings)."""
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_pandas(df, npartitions=n, sort=False)


# ----------------------------------------------------------------------------------------------------------
# item ranges


def test_more_partitions_asked_than_items_gives_one_range_per_item():
    # kills dask.py _bounds: `nparts = max(1, min(nparts, n))` -> `nparts = max(1, nparts)` (4 ranges for 2
    # items: empty partitions and repeated divisions ('a', 'a', 'b', 'b', 'b'))
    gross = pd.DataFrame({"item": ["b", "a", "b"], "period": [0, 0, 1], "qty": [5.0, 3.0, 1.0]})
    res = bkd.net_requirements(_dd(gross), 1.0, npartitions=4)
    for frame in res:
        assert frame.npartitions == 2 and frame.divisions == ("a", "b", "b")
    balance = bkd.weekly_balance(0.0, _dd(gross.rename(columns={"period": "week"})), npartitions=5)
    assert balance.npartitions == 2 and balance.divisions == ("a", "b", "b")
    expected = bk_fast.net_requirements(gross, 1.0)
    pd.testing.assert_frame_equal(res.summary.compute(), expected.summary.sort_index(), check_names=False)


def test_int64_ids_beside_uint64_bounds_stay_in_one_range():
    # kills dask.py _range_of: `if kinds == "ui":` branch dropped (NumPy compares uint64 bounds with int64 ids as
    # float64: demand's item 2**53 went past the bound 2**53 + 1, to the range after on_hand's, two rows of it)
    ids = np.array([2 ** 53 + 2, 2 ** 53, 2 ** 53 + 1, 2 ** 53], dtype=np.int64)
    demand = pd.DataFrame({"item": ids, "week": [0, 1, 0, 0], "qty": [1.0, 2.0, 3.0, 4.0]})
    big = np.array([2 ** 53, 2 ** 53 + 1, 2 ** 53 + 2, 2 ** 63 + 1], dtype=np.uint64)  # (the union: uint64)
    on_hand = pd.Series([10.0, 20.0, 30.0, 40.0], index=pd.Index(big))
    got = bkd.weekly_balance(on_hand, _dd(demand), npartitions=4).compute()
    pd.testing.assert_frame_equal(got, bk_fast.weekly_balance(on_hand, demand).sort_index(), check_exact=True)
    assert got.loc[2 ** 53, 0] == 10.0 - 4.0 - 0.0 and got.loc[2 ** 53, 1] == 10.0 - 4.0 - 2.0


# ----------------------------------------------------------------------------------------------------------
# kits: components and their packing


def _kits_case():
    """Components (numbered by first order): {K1, K2} (2 orders + 3 lines), {K3} (1 + 1), {K4} (1 + 1), {K5}
    (1 + 6)."""
    orders = pd.DataFrame({"order": ["K1", "K2", "K3", "K4", "K5"], "qty": [10.0, 20.0, 5.0, 5.0, 8.0],
                           "priority": [1, 2, 1, 1, 1]})
    req = pd.DataFrame({"order": ["K1", "K2", "K2", "K3", "K4"] + ["K5"] * 6,
                        "item": ["a", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
                        "fraction": [1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
    supply = pd.DataFrame({"item": list("abcdefghij"), "qty": [25.0, 4.0, 1.0, 9.0, 8.0, 8.0, 8.0, 8.0, 8.0, 3.0]})
    return orders, req, supply


def test_kits_components_packed_largest_first_onto_the_lightest_partition():
    # kills dask.py _pack: `np.argsort(-sizes, ...)` -> `np.argsort(sizes, ...)` ([0, 0, 0, 1, 1]),
    # `load[j] += sizes[c]` -> `load[j] += 1` ([1, 1, 0, 1, 0]), and allocate_kits' sizes: the requirement lines
    # not added ([0, 0, 1, 1, 0]) or the orders not counted ([1, 1, 1, 1, 0]) (the first change is also detected by
    # the allocate_kits doctest)
    # sizes 5, 2, 2, 7: {K5} -> 0 (load 7), {K1, K2} -> 1 (5), {K3} -> 1 (7), {K4} -> 0 (the first lightest)
    orders, req, supply = _kits_case()
    res = bkd.allocate_kits(_dd(orders), _dd(req, 3), supply, npartitions=2)
    assert res.components["component"].tolist() == [0, 0, 1, 2, 3]
    assert res.components["partition"].tolist() == [1, 1, 1, 0, 0]
    expected = bk_fast.allocate_kits(orders, req, supply)
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)


def test_kits_zero_fraction_line_links_no_orders():
    # kills dask.py _edges_part: `keep = ~(frac <= 0)` -> `keep = ~(frac < 0)` (the zero line of K2 on K1's item a,
    # which allocate_kits ignores, joined K1 and K2 in one component)
    orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [10.0, 10.0], "priority": [1, 1]})
    req = pd.DataFrame({"order": ["K1", "K2", "K2"], "item": ["a", "a", "b"], "fraction": [1.0, 0.0, 1.0]})
    supply = pd.DataFrame({"item": ["a", "b"], "qty": [4.0, 6.0]})
    res = bkd.allocate_kits(_dd(orders), _dd(req), supply, npartitions=2)
    assert res.components["component"].tolist() == [0, 1] and res.components["partition"].tolist() == [0, 1]
    expected = bk_fast.allocate_kits(orders, req, supply)
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)


# ----------------------------------------------------------------------------------------------------------
# rows sorted by item, each item's rows in the in-memory order


def test_record_rows_keep_each_items_periods_in_order():
    # kills dask.py _net_part: `np.argsort(record.index.to_numpy(), kind="stable")` -> kind="quicksort" (20 periods
    # of 3 items listed in reverse: an unstable sort mixed each item's periods), and the same change for the orders
    # (both also detected, on larger data, by test_dask.py / test_dask_union.py)
    periods = list(range(20))
    gross = pd.DataFrame({"item": np.repeat(["c", "b", "a"], 20), "period": periods * 3,
                          "qty": np.arange(60, dtype=np.float64) % 7})
    expected = bk_fast.net_requirements(gross, 5.0, lead_time=1)
    res = bkd.net_requirements(_dd(gross), 5.0, lead_time=1, npartitions=1)
    record = expected.record.iloc[np.argsort(expected.record["item"].to_numpy(), kind="stable")].set_index("item")
    pd.testing.assert_frame_equal(res.record.compute(), record, check_exact=True)
    orders = expected.orders.iloc[np.argsort(expected.orders["item"].to_numpy(), kind="stable")].set_index("item")
    pd.testing.assert_frame_equal(res.orders.compute(), orders, check_exact=True)


def test_deliveries_keep_each_items_allocation_order():
    # kills dask.py _alloc_part: `np.argsort(d["item"].to_numpy(), kind="stable")` -> kind="quicksort" (the
    # deliveries of an item are in allocation order in memory; 40 of two text ids sorted unstably mixed them)
    n = 40
    orders = pd.DataFrame({"order": np.arange(n), "item": np.tile(["y", "x"], n // 2), "qty": np.full(n, 2.0),
                           "priority": np.arange(n) % 4, "due": np.arange(n) % 5})
    supply = pd.DataFrame({"item": ["x", "y", "x", "y"], "period": [0, 0, 2, 3], "qty": [30.0, 25.0, 30.0, 30.0]})
    expected = bk_fast.allocate(orders, supply)
    res = bkd.allocate(_dd(orders, 3), supply, npartitions=1)
    want = expected.deliveries.iloc[np.argsort(expected.deliveries["item"].to_numpy(), kind="stable")]
    pd.testing.assert_frame_equal(res.deliveries.compute(), want.set_index("item"), check_exact=True)


@pytest.mark.parametrize("call", ["weekly_balance", "net_requirements", "allocate", "allocate_kits"])
def test_npartitions_zero_is_refused(call):
    # kills dask.py _nparts: `if int(nparts) < 1:` -> `< 0` (npartitions=0 ran as 1 partition)
    demand = pd.DataFrame({"item": ["a"], "week": [0], "qty": [1.0]})
    orders = pd.DataFrame({"order": ["K1"], "item": ["a"], "qty": [1.0], "priority": [1], "due": [0]})
    supply = pd.DataFrame({"item": ["a"], "period": [0], "qty": [1.0]})
    req = pd.DataFrame({"order": ["K1"], "item": ["a"], "fraction": [1.0]})
    run = {"weekly_balance": lambda: bkd.weekly_balance(0.0, _dd(demand, 1), npartitions=0),
           "net_requirements": lambda: bkd.net_requirements(_dd(demand.rename(columns={"week": "period"}), 1),
                                                            npartitions=0),
           "allocate": lambda: bkd.allocate(_dd(orders, 1), supply, npartitions=0),
           "allocate_kits": lambda: bkd.allocate_kits(_dd(orders[["order", "qty", "priority"]], 1), req, supply,
                                                      npartitions=0)}[call]
    with pytest.raises(ValueError, match=r"npartitions must be >= 1, got 0"):
        run()


# ----------------------------------------------------------------------------------------------------------
# explode


def _bom():
    return bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A"], "component": ["B"], "qty_per": [1.0]}))


def test_explode_default_is_exact_bit_for_bit():
    # kills dask.py explode: `exact: bool = True` -> `exact: bool = False` (in line order 1e16 + 1 + 1 + 1 rounds
    # to 1e16 each time; summed per partition, 1e16 + (1 + 1) is 1e16 + 2) (also detected, on the mill data, by
    # test_dask.py::test_explode_exact_equals_single_machine; here by hand)
    demand = pd.DataFrame({"item": ["A", "A", "A", "A"], "qty": [1e16, 1.0, 1.0, 1.0]})
    got = bkd.explode(_dd(demand), _bom()).compute()
    assert got["qty"].tolist() == [1e16] == bkd.explode(_dd(demand), _bom(), exact=True).compute()["qty"].tolist()
    pd.testing.assert_frame_equal(got, _bom().explode(demand), check_exact=True)
    assert bkd.explode(_dd(demand), _bom(), exact=False).compute()["qty"].tolist() == [1e16 + 2]


def test_explode_tree_sum_keeps_the_unmatched_lines_in_order():
    # kills dask.py _add: `a[2] + b[2]` -> `b[2] + a[2]` (exact=False: the unmatched lines of later partitions
    # came first) (also detected by test_dask.py::test_explode_partition_of_missing_uint64_ids)
    demand = pd.DataFrame({"item": ["X1", "A", "X2", "A", "X3"], "qty": [3.0, 1.0, 4.0, 2.0, 5.0]})
    expected = _bom().explode(demand).bk_fast.unmatched
    for n in (2, 3):
        got = bkd.explode(_dd(demand, n), _bom(), exact=False).compute()
        assert got.bk_fast.unmatched["item"].tolist() == ["X1", "X2", "X3"]
        pd.testing.assert_frame_equal(got.bk_fast.unmatched, expected, check_exact=True)


# ----------------------------------------------------------------------------------------------------------
# the error for ids of mixed kinds


def test_mixed_bool_and_text_ids_error_names_no_number():
    # kills dask.py _sorted_items: `and not isinstance(v, bool)` dropped (True named as a number beside 'a') and
    # `... if seen else ""` -> `if True` (the hint about dd.from_pandas's text conversion without a number beside
    # text to explain)
    demand = pd.DataFrame({"item": pd.Series([True, "a", "a"], dtype=object), "week": [0, 0, 1],
                           "qty": [1.0, 2.0, 3.0]})
    with pytest.raises(TypeError) as exc:
        bkd.weekly_balance(0.0, _dd(demand), npartitions=2)
    assert str(exc.value).endswith("item ids must be sortable (all numbers or all text); got mixed kinds")


def test_default_npartitions_is_the_largest_input_partition_count():
    # kills dask.py _nparts: `max(counts)` -> `min(counts)`, and `... if counts else 1` -> `else 2` (pandas inputs
    # only: one range)
    demand = pd.DataFrame({"item": list("abcdef"), "week": [0] * 6, "qty": np.arange(6.0)})
    receipts = demand.assign(qty=1.0)
    out = bkd.weekly_balance(0.0, _dd(demand, 3), _dd(receipts, 1))
    assert out.npartitions == 3 and out.divisions == ("a", "c", "e", "f")
    assert bkd.weekly_balance(0.0, demand, receipts).npartitions == 1
    pd.testing.assert_frame_equal(out.compute(), bk_fast.weekly_balance(0.0, demand, receipts), check_exact=True)

"""bk_fast.dask on a real distributed LocalCluster (2 worker processes, several partitions): every result
equals the single-machine function's on the same data."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import bk_fast  # noqa: E402
import bk_fast.dask as bkd  # noqa: E402
from bk_fast._planning_inputs import planning_inputs  # noqa: E402
from bk_fast.datasets import make_mill  # noqa: E402
from bk_fast.lots import MinMaxMultiple  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None, memory_limit="2GiB", silence_logs=50)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def data():
    """The scale-2 synthetic mill turned into the inputs of every function (yarn ids are integers; the PO week
    buckets of 0 lbs stay in ``supply`` as rows of 0)."""
    return planning_inputs(make_mill(scale=2.0, seed=11), drop_zero_receipts=False)


def _dd(df, n=4):
    """``df`` in ``n`` partitions, its dtypes kept (no conversion of text columns to Arrow strings), so the
    single-machine function and bk_fast.dask see the same data."""
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_pandas(df, npartitions=n, sort=False)


# ----------------------------------------------------------------------------------------------------------
# explode


def test_explode_exact_equals_single_machine(client, data):
    bom, demand = data["bom"], data["demand"]
    before = demand.copy(deep=True)
    expected = bom.explode(demand)
    out = bkd.explode(_dd(demand), bom)
    assert out.npartitions == 1
    got = out.compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    pd.testing.assert_frame_equal(got.bk_fast.unmatched, expected.bk_fast.unmatched, check_exact=True)
    assert len(expected.bk_fast.unmatched) > 0  # ~2 % of the knit orders have no BOM
    pd.testing.assert_frame_equal(demand, before)


def test_explode_overflow_is_the_single_machine_error(client):
    # every line finite, the requirement of C 1e600: an error naming C, as BOM.explode gives, on both paths
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "B"], "component": ["B", "C"],
                                               "qty_per": [1e300, 1e300]}))
    demand = pd.DataFrame({"item": ["A", "A", "B"], "qty": [1.0, 1.0, 1.0]})
    for exact in (True, False):
        with pytest.raises(ValueError, match="item 'C' overflows the float range"):
            bkd.explode(_dd(demand, 2), bom, exact=exact).compute()


def test_explode_all_levels_and_text_ids(client, data):
    bom, demand = data["bom"], data["demand"]
    expected = bom.explode(demand, leaves_only=False)
    got = bkd.explode(_dd(demand, 5), bom, leaves_only=False).compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    exp_lv = bom.explode(demand, keep_levels=True)
    pd.testing.assert_frame_equal(bkd.explode(_dd(demand, 3), bom, keep_levels=True).compute(), exp_lv,
                                  check_exact=True)


def test_explode_integer_ids_many_lines(client):
    rng = np.random.default_rng(5)
    parents = np.repeat(np.arange(1000), 3)
    comps = 5000 + rng.integers(0, 400, parents.size)
    lines = pd.DataFrame({"parent": parents, "component": comps,
                          "qty_per": rng.random(parents.size).round(3)})
    bom = bk_fast.BOM.from_frame(lines)
    demand = pd.DataFrame({"item": rng.integers(0, 1100, 40_000), "qty": rng.random(40_000) * 1000})
    expected = bom.explode(demand)
    got = bkd.explode(_dd(demand, 6), bom).compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.bk_fast.unmatched["lines"].sum() == int((demand["item"] >= 1000).sum())


def test_explode_tree_sum_is_equal_to_rounding_and_exact_on_dyadic_numbers(client, data):
    bom, demand = data["bom"], data["demand"]
    expected = bom.explode(demand)
    got = bkd.explode(_dd(demand, 5), bom, exact=False, split_every=2).compute()
    pd.testing.assert_series_equal(got["item"], expected["item"])
    np.testing.assert_allclose(got["qty"], expected["qty"], rtol=1e-12, atol=0)
    # with quantities whose every partial sum is exact (small dyadic numbers) the order of the sums is moot
    lines = pd.DataFrame({"parent": ["A", "A", "B", "C"], "component": ["B", "Y", "Y", "Y"],
                          "qty_per": [0.5, 0.25, 2.0, 0.125]})
    small = bk_fast.BOM.from_frame(lines)
    dem = pd.DataFrame({"item": ["A", "B", "C", "A"] * 50, "qty": np.arange(200) / 4.0})
    pd.testing.assert_frame_equal(bkd.explode(_dd(dem, 7), small, exact=False).compute(), small.explode(dem),
                                  check_exact=True)


def test_explode_by_line_equals_single_machine(client, data):
    bom, demand = data["bom"], data["demand"]
    expected = bom.explode(demand, by_line=True)
    out = bkd.explode(_dd(demand), bom, by_line=True)
    assert out.npartitions == 4
    got = out.compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_explode_broadcasts_the_bom_once(client, data, monkeypatch):
    calls = []
    real = distributed.Client.scatter

    def spy(self, data_, *args, **kwargs):
        calls.append((type(data_).__name__, kwargs.get("broadcast")))
        return real(self, data_, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "scatter", spy)
    bkd.explode(_dd(data["demand"], 6), data["bom"]).compute()
    assert calls == [("BOM", True)]
    # broadcast() once, explode many times: no further transfer of the BOM
    shared = bkd.broadcast(data["bom"])
    assert calls == [("BOM", True)] * 2
    first = bkd.explode(_dd(data["demand"], 3), shared).compute()
    second = bkd.explode(_dd(data["demand"].iloc[::2], 2), shared, exact=False).compute()
    assert calls == [("BOM", True)] * 2
    pd.testing.assert_frame_equal(first, data["bom"].explode(data["demand"]), check_exact=True)
    assert len(second) > 0


def test_explode_errors(client, data):
    bad = data["demand"].copy()
    bad.loc[bad.index[7], "qty"] = np.inf
    with pytest.raises(ValueError, match="must be finite"):
        bkd.explode(_dd(bad), data["bom"]).compute()
    with pytest.raises(TypeError, match="bk_fast.BOM"):
        bkd.explode(_dd(data["demand"]), "not a bom")


# ----------------------------------------------------------------------------------------------------------
# netting, partitioned by item


def test_weekly_balance_equals_single_machine(client, data):
    args = (data["on_hand"], data["yarn_demand"], data["receipts"])
    before = [copy.deepcopy(a) for a in args]
    expected = bk_fast.weekly_balance(*args, past_due=data["past_due"]).sort_index()
    out = bkd.weekly_balance(data["on_hand"], _dd(data["yarn_demand"], 5), _dd(data["receipts"], 2),
                             past_due=data["past_due"], npartitions=4)
    assert out.known_divisions and out.npartitions == 4
    got = out.compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for a, b in zip(args, before):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            pd.testing.assert_series_equal(a, b)
    # the item index is what the divisions say it is
    parts = [p.compute() for p in out.partitions]
    for i, p in enumerate(parts):
        assert out.divisions[i] <= p.index.min() and p.index.max() <= out.divisions[i + 1]


def test_weekly_balance_unsortable_periods_keep_first_appearance(client):
    demand = pd.DataFrame({"item": ["b", "a", "a", "c", "b"], "week": ["W2", "W1", "W3", "W1", "W3"],
                           "qty": [1.0, 2.0, 3.0, 4.0, 5.0]})
    expected = bk_fast.weekly_balance({"a": 1.0, "b": 2.0}, demand).sort_index()
    got = bkd.weekly_balance({"a": 1.0, "b": 2.0}, _dd(demand, 3), npartitions=2).compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(got.columns[:3]) == ["W2", "W1", "W3"]


def test_net_requirements_equals_single_machine(client, data):
    on_hand = data["on_hand"]
    ss = (on_hand.clip(lower=0) * 0.1).round(2)
    lot = MinMaxMultiple(min=100, max=5000, multiple=25)
    expected = bk_fast.net_requirements(data["yarn_demand"], on_hand, data["receipts"], safety_stock=ss,
                                        lead_time=2, lot=lot)
    res = bkd.net_requirements(_dd(data["yarn_demand"], 5), on_hand, _dd(data["receipts"], 2),
                               safety_stock=ss, lead_time=2, lot=lot, npartitions=3)
    assert res.record.known_divisions and res.orders.known_divisions and res.summary.known_divisions
    rec = expected.record
    rec = rec.iloc[np.argsort(rec["item"].to_numpy(), kind="stable")].set_index("item")
    pd.testing.assert_frame_equal(res.record.compute(), rec, check_exact=True)
    orders = expected.orders
    orders = orders.iloc[np.argsort(orders["item"].to_numpy(), kind="stable")].set_index("item")
    got_orders = res.orders.compute()
    assert len(got_orders) > 50
    pd.testing.assert_frame_equal(got_orders, orders, check_exact=True)
    summary = expected.summary.sort_index()
    summary.index.name = "item"
    pd.testing.assert_frame_equal(res.summary.compute(), summary, check_exact=True)


def test_positional_arrays_are_refused(client, data):
    with pytest.raises(TypeError, match="keyed by item"):
        bkd.net_requirements(_dd(data["yarn_demand"]), np.zeros(3))
    with pytest.raises(TypeError, match="sortable"):
        bkd.weekly_balance(0.0, _dd(pd.DataFrame({"item": ["a", 1], "week": [0, 0], "qty": [1.0, 2.0]}), 1))


# ----------------------------------------------------------------------------------------------------------
# allocation


def test_allocate_equals_single_machine(client, data):
    lines, supply = data["lines"], data["supply"]
    before = lines.copy(deep=True)
    expected = bk_fast.allocate(lines, supply, max_lateness=pd.Timedelta(weeks=3))
    res = bkd.allocate(_dd(lines, 5), _dd(supply, 3), max_lateness=pd.Timedelta(weeks=3), npartitions=4)
    assert res.deliveries.known_divisions
    d = expected.deliveries
    d = d.iloc[np.argsort(d["item"].to_numpy(), kind="stable")].set_index("item")
    pd.testing.assert_frame_equal(res.deliveries.compute(), d, check_exact=True)
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)
    short = expected.shortfalls
    assert len(short) > 10
    pd.testing.assert_frame_equal(res.shortfalls.compute().sort_index(), short, check_exact=True)
    pd.testing.assert_frame_equal(lines, before)


def test_components_hand_case():
    orders, items = bkd.order_item_components(["K1", "K2", "K3", "K4", "K5"],
                                              ["K1", "K2", "K2", "K3", "K5", "K5"],
                                              ["a", "a", "b", "b", "c", "d"])
    assert orders.tolist() == [0, 0, 0, 1, 2]  # K1-a-K2-b-K3 linked; K4 has no lines; K5 alone with c, d
    assert items.to_dict() == {"a": 0, "b": 0, "c": 2, "d": 2}
    # a long chain (one component through 2,000 links)
    n = 2000
    o, i = bkd.order_item_components(np.arange(n), np.r_[np.arange(n), np.arange(n)], np.r_[np.arange(n),
                                                                                            np.arange(n) + 1])
    assert set(o.tolist()) == {0} and set(i.tolist()) == {0}


def test_allocate_kits_many_components(client):
    rng = np.random.default_rng(3)
    n = 400
    orders = pd.DataFrame({"order": [f"K{i:04d}" for i in range(n)], "qty": rng.integers(1, 500, n) * 1.0,
                           "priority": rng.integers(0, 20, n), "due": rng.integers(0, 6, n)})
    group = rng.integers(0, 40, n)  # items are shared only inside a group: ~40 components
    req = pd.DataFrame({"order": np.repeat(orders["order"].to_numpy(), 3),
                        "item": np.repeat(group * 10, 3) + rng.integers(0, 10, 3 * n),
                        "fraction": np.tile([0.5, 0.3, 0.2], n)})
    supply = pd.DataFrame({"item": np.repeat(np.arange(400), 2), "period": np.tile([0, 3], 400),
                           "qty": rng.integers(0, 300, 800) * 1.0})
    expected = bk_fast.allocate_kits(orders, req, supply)
    res = bkd.allocate_kits(_dd(orders, 3), _dd(req, 4), _dd(supply, 2), npartitions=4)
    comps = res.components
    assert comps["component"].nunique() > 20 and sorted(comps["partition"].unique()) == [0, 1, 2, 3]
    # every item's orders are in one partition
    part = comps["partition"].reindex(req["order"]).to_numpy()
    assert (pd.Series(part).groupby(req["item"].to_numpy()).nunique() == 1).all()
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)
    key = ["order", "item"]
    got_lines = res.lines.compute().sort_values(key, kind="stable").reset_index(drop=True)
    want = expected.lines.sort_values(key, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got_lines, want, check_exact=True)
    assert (expected.orders["short"] > 0).sum() > 20


def test_allocate_kits_mill(client, data):
    orders, req, supply = data["kit_orders"], data["requirements"], data["supply"]
    expected = bk_fast.allocate_kits(orders, req, supply, mode="all_or_nothing")
    res = bkd.allocate_kits(_dd(orders, 3), _dd(req, 3), _dd(supply, 2), mode="all_or_nothing", npartitions=3)
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)
    key = ["order", "item"]
    got = res.lines.compute().sort_values(key, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected.lines.sort_values(key, kind="stable").reset_index(drop=True),
                                  check_exact=True)


def test_allocate_kits_unknown_order_reports_the_row(client):
    orders = pd.DataFrame({"order": ["K1"], "qty": [1.0], "priority": [1]})
    req = pd.DataFrame({"order": ["K1", "K9"], "item": [1, 2], "fraction": [1.0, 1.0]})
    supply = pd.DataFrame({"item": [1], "qty": [1.0]})
    with pytest.raises(ValueError, match="K9"):
        bkd.allocate_kits(_dd(orders, 1), _dd(req, 2), supply)


# ----------------------------------------------------------------------------------------------------------
# adversarial review (session 5)


def _uneven(df, sizes):
    """``df`` in partitions of the given sizes (0 = an empty partition), unknown divisions, dtypes kept."""
    import dask

    cuts = np.r_[0, np.cumsum(sizes)]
    assert cuts[-1] == len(df)
    parts = [dask.delayed(df.iloc[cuts[i]:cuts[i + 1]]) for i in range(len(sizes))]
    with dask.config.set({"dataframe.convert-string": False}):
        out = dd.from_delayed(parts, meta=df.head(0), verify_meta=False)
    assert not out.known_divisions
    return out


@pytest.fixture(scope="module")
def small_data():
    return planning_inputs(make_mill(scale=0.2, seed=3), drop_zero_receipts=False)


def test_uneven_and_empty_partitions_every_engine(client, small_data, engine):
    """Partitions of unequal size, empty ones among them, unknown divisions: every function equals the
    in-memory one on the computed frame, on every engine."""
    d = small_data
    bom, demand = d["bom"], d["demand"]
    n = len(demand)
    expected = bom.explode(demand, engine=engine)
    for sizes in ([0, n, 0], [1, 0, n - 1]):
        got = bkd.explode(_uneven(demand, sizes), bom, engine=engine).compute()
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        pd.testing.assert_frame_equal(got.bk_fast.unmatched, expected.bk_fast.unmatched, check_exact=True)
    by_line = bkd.explode(_uneven(demand, [3, 0, n - 3]), bom, by_line=True, engine=engine).compute()
    pd.testing.assert_frame_equal(by_line.reset_index(drop=True),
                                  bom.explode(demand, by_line=True, engine=engine), check_exact=True)
    yd, rec = d["yarn_demand"], d["receipts"]
    m = len(yd)
    sizes = [0, m // 7, 0, m - m // 7]
    exp = bk_fast.weekly_balance(d["on_hand"], yd, rec, past_due=d["past_due"], engine=engine).sort_index()
    got = bkd.weekly_balance(d["on_hand"], _uneven(yd, sizes), _uneven(rec, [len(rec), 0]),
                             past_due=d["past_due"], npartitions=3, engine=engine).compute()
    pd.testing.assert_frame_equal(got, exp, check_exact=True)
    net = bk_fast.net_requirements(yd, d["on_hand"], rec, lead_time=1, engine=engine)
    res = bkd.net_requirements(_uneven(yd, sizes), d["on_hand"], rec, lead_time=1, npartitions=4,
                               engine=engine)
    record = net.record.iloc[np.argsort(net.record["item"].to_numpy(), kind="stable")].set_index("item")
    pd.testing.assert_frame_equal(res.record.compute(), record, check_exact=True)
    lines, supply = d["lines"], d["supply"]
    exp = bk_fast.allocate(lines, supply, engine=engine)
    res = bkd.allocate(_uneven(lines, [len(lines) - 5, 0, 5]), _uneven(supply, [0, len(supply)]),
                       npartitions=3, engine=engine)
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), exp.orders, check_exact=True)
    o, r, s = d["kit_orders"], d["requirements"], d["supply"]
    exp = bk_fast.allocate_kits(o, r, s, engine=engine)
    res = bkd.allocate_kits(_uneven(o, [0, len(o)]), _uneven(r, [2, 0, len(r) - 2]), _uneven(s, [len(s), 0]),
                            npartitions=3, engine=engine)
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), exp.orders, check_exact=True)


def test_int64_and_uint64_item_ids_meet_in_one_range(client):
    """NumPy compares uint64 with int64 bounds as float64: on hand keyed by uint64 ids and demand by int64
    ids above 2**53 sent item 2**53 + 1 to two ranges (4 rows instead of 3, a float index)."""
    big = np.array([2 ** 53 + 1, 2 ** 53, 2 ** 53 + 2, 2 ** 53 + 1], dtype=np.int64)
    demand = pd.DataFrame({"item": big, "week": [0, 1, 2, 0], "qty": [1.0, 2.0, 3.0, 4.0]})
    on_hand = pd.Series([0.0, 10.0, 20.0], index=pd.Index(np.array([2 ** 53, 2 ** 53 + 1, 2 ** 53 + 2],
                                                                   dtype=np.uint64)))
    expected = bk_fast.weekly_balance(on_hand, demand).sort_index()
    got = bkd.weekly_balance(on_hand, _dd(demand, 2), npartitions=3).compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    # and the other way round: uint64 ranges (the int64 ids are all among them), int64 values
    ids = np.array([2 ** 53 + 1, 2 ** 53, 2 ** 53 + 1, 2 ** 53 + 2], dtype=np.uint64)
    demand = pd.DataFrame({"item": ids,
                           "week": [0, 1, 2, 0], "qty": [1.0, 2.0, 3.0, 4.0]})
    on_hand = pd.Series([1.0, 2.0, 3.0], index=pd.Index(np.array([2 ** 53, 2 ** 53 + 1, 2 ** 53 + 2],
                                                                 dtype=np.int64)))
    expected = bk_fast.weekly_balance(on_hand, demand).sort_index()
    for nparts in (2, 3, 4):
        got = bkd.weekly_balance(on_hand, _dd(demand, 2), npartitions=nparts).compute()
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_missing_item_id_is_named_with_its_row(client):
    """A missing text item raised "'<' not supported between instances of 'str' and 'float'" (the ranges
    are cut by sorting); now a ValueError names the input, the column, the row and its label."""
    demand = pd.DataFrame({"item": pd.array(["b", "a", "c", None], dtype="str"), "week": [0, 1, 2, 0],
                           "qty": [1.0, 2.0, 3.0, 4.0]}, index=[10, 11, 12, 13])
    with pytest.raises(ValueError,
                       match=r"demand: row 3 \(label 13\) has a missing item id in its column 'item'"):
        bkd.weekly_balance(0.0, _dd(demand, 2), npartitions=2)
    with pytest.raises(ValueError, match=r"gross: row 3 \(label 13\) has a missing item"):
        bkd.net_requirements(_dd(demand, 2), 0.0, npartitions=2)
    orders = demand.rename(columns={"week": "due"}).assign(order=range(4), priority=1)
    with pytest.raises(ValueError, match=r"orders: row 3 \(label 13\) has a missing item"):
        bkd.allocate(_dd(orders, 3), pd.DataFrame({"item": ["a"], "period": [0], "qty": [1.0]}))
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(["a", None], dtype="str"))
    with pytest.raises(ValueError, match=r"on_hand: row 1 \(label nan\) has a missing item id in its index"):
        bkd.weekly_balance(on_hand, _dd(demand.iloc[:3], 2))


def test_bad_rows_are_named_by_their_label(client):
    """A partition holds some rows of an input, reordered: the netting functions' "row 4" (a position) named
    the wrong row ("row 1"), and a missing period failed with "Categorical categories cannot be null"."""
    demand = pd.DataFrame({"item": ["c", "a", "b", "a", "c", "b"], "week": [0, 1, 2, None, 1, 2],
                           "qty": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}, index=[10, 11, 12, 13, 14, 15])
    with pytest.raises(ValueError, match=r"demand: the row labelled 13 has a missing period \('week'\)"):
        bkd.weekly_balance(0.0, _dd(demand, 2), npartitions=3).compute()
    with pytest.raises(ValueError, match=r"gross: the row labelled 13 has a missing period"):
        bkd.net_requirements(_dd(demand, 2), 0.0, npartitions=3).record.compute()
    inf = demand.assign(week=[0, 1, 2, 0, 1, 2], qty=[1.0, 2.0, 3.0, 4.0, np.inf, 6.0])
    with pytest.raises(ValueError, match=r"demand: row 4 \(item 'c'"):
        bk_fast.weekly_balance(0.0, inf)
    with pytest.raises(ValueError,
                       match=r"demand: the row labelled 14 \(item 'c', period 1\) is infinite"):
        bkd.weekly_balance(0.0, _dd(inf, 2), npartitions=3).compute()


def test_kits_without_requirement_lines_and_repeated_orders(client):
    """No requirement line (or only zero fractions) made the supply split index an empty map (IndexError);
    a repeated order id raised pandas' 'Reindexing only valid with uniquely valued Index objects'."""
    orders = pd.DataFrame({"order": ["K1", "K2", "K3", "K4"], "qty": [10.0, 20.0, 5.0, 7.0],
                           "priority": [1, 2, 1, 3]})
    req = pd.DataFrame({"order": ["K1", "K2"], "item": [1, 2], "fraction": [0.0, 0.0]})
    supply = pd.DataFrame({"item": [1, 2, 3, 1], "qty": [15.0, 2.0, 9.0, 1.0]})
    for r in (req.iloc[:0], req):
        expected = bk_fast.allocate_kits(orders, r, supply)
        res = bkd.allocate_kits(_dd(orders, 2), _dd(r, 1), _dd(supply, 2), npartitions=2)
        pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)
        assert res.lines.compute().shape[0] == expected.lines.shape[0]
    twice = pd.DataFrame({"order": ["K1", "K1"], "qty": [1.0, 2.0], "priority": [1, 1]})
    with pytest.raises(ValueError, match="must be unique for kits; 'K1' occurs twice"):
        bkd.allocate_kits(_dd(twice, 2), _dd(req.iloc[:1], 1), supply)


def test_datetime_item_ids_divisions_are_timestamps(client):
    """datetime64[ns] ids gave integer divisions (ns since 1970) beside a DatetimeIndex."""
    days = pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02", "2024-01-05"])
    days = days.to_numpy().astype("M8[ns]")
    demand = pd.DataFrame({"item": days, "week": [0, 1, 2, 0], "qty": [1.0, 2.0, 3.0, 4.0]})
    out = bkd.weekly_balance(0.0, _dd(demand, 2), npartitions=2)
    assert all(isinstance(v, pd.Timestamp) for v in out.divisions)
    got = out.compute()
    pd.testing.assert_frame_equal(got, bk_fast.weekly_balance(0.0, demand).sort_index(), check_exact=True)
    assert len(out.loc[pd.Timestamp("2024-01-02")].compute()) == 1


def test_float_and_uint64_ids_next_to_integer_ids_as_in_memory(client):
    """The item ranges united the inputs' ids through float64 (netting._union): int64 ids with uint64 ids
    beyond int64 gave float divisions and a float64 index (2**63 + 1 and 2**63 + 2 both 9.223372e+18, .loc
    could not find them), whole float ids beside integer ids came back as floats, and a float id that the
    in-memory function refuses (1.5, 2.0**62 next to integer ids) was netted when its range held no integer
    id. The ids are now made comparable as _validate.same_ids does: same rows, dtypes and errors."""
    demand = pd.DataFrame({"item": np.array([-1, 5, -1, 2 ** 62], dtype=np.int64), "week": [0, 1, 1, 0],
                           "qty": [1.0, 2.0, 3.0, 4.0]})
    big = pd.Series([1.0, 2.0, 3.0], index=pd.Index(np.array([2 ** 63 + 1, 2 ** 63 + 2, 5], dtype=np.uint64)))
    whole = pd.Series([1.0, 2.0, 4.0], index=pd.Index([-1.0, 7.0, 9.0]))
    for on_hand in (big, big.iloc[:2], whole):
        for d, dtype in ((demand, object if on_hand is not whole else np.int64),
                         (demand.assign(item=demand["item"].abs()), np.uint64 if on_hand is not whole else np.int64)):
            expected = bk_fast.weekly_balance(on_hand, d).sort_index()
            out = bkd.weekly_balance(on_hand, _dd(d, 2), npartitions=4)
            got = out.compute()
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
            assert got.index.dtype == dtype and all(isinstance(v, int) for v in out.divisions)
            assert len(out.loc[got.index[-1]].compute()) == 1
            net = bk_fast.net_requirements(d, on_hand, lead_time=1)
            res = bkd.net_requirements(_dd(d, 2), on_hand, lead_time=1, npartitions=3)
            rec = net.record.iloc[np.argsort(net.record["item"].to_numpy(), kind="stable")].set_index("item")
            pd.testing.assert_frame_equal(res.record.compute(), rec, check_exact=True)
            summary = net.summary.sort_index()
            summary.index.name = "item"
            pd.testing.assert_frame_equal(res.summary.compute(), summary, check_exact=True)
    # float ids the in-memory functions refuse next to integer ids: the same error, wherever the range falls
    for bad in (1.5, 2.0 ** 62):
        on_hand = pd.Series([1.0], index=pd.Index([bad]))
        with pytest.raises(ValueError) as mem:
            bk_fast.weekly_balance(on_hand, demand)
        with pytest.raises(ValueError, match="integer ids of demand") as dsk:
            bkd.weekly_balance(on_hand, _dd(demand, 2), npartitions=5)
        assert str(dsk.value) == str(mem.value)
        with pytest.raises(ValueError) as mem:
            bk_fast.net_requirements(demand, None, demand.assign(item=[bad] * 4))
        with pytest.raises(ValueError, match="receipts: item id") as dsk:
            bkd.net_requirements(_dd(demand, 2), None, demand.assign(item=[bad] * 4), npartitions=5)
        assert str(dsk.value) == str(mem.value)


def test_explode_float_ids_beyond_2_53_unmatched_as_in_memory(client):
    """A float demand id 2.0**60 was exploded as the BOM's integer item 2**60 + 1 (in memory too); both now
    report it as unmatched demand, exact and tree-summed, aggregated and per line."""
    big = 2 ** 60 + 1
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": [big], "component": [5], "qty_per": [2.0]}))
    dem = pd.DataFrame({"item": [2.0 ** 60, 5.0, 2.0 ** 60, 1.5], "qty": [1.0, 2.0, 3.0, 4.0]})
    expected = bom.explode(dem)
    assert expected.values.tolist() == [[5, 2.0]]
    for exact in (True, False):
        got = bkd.explode(_dd(dem, 2), bom, exact=exact).compute()
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        pd.testing.assert_frame_equal(got.bk_fast.unmatched, expected.bk_fast.unmatched, check_exact=True)
    assert expected.bk_fast.unmatched["qty"].tolist() == [4.0, 4.0]
    got = bkd.explode(_dd(dem, 2), bom, by_line=True).compute()
    pd.testing.assert_frame_equal(got.reset_index(drop=True), bom.explode(dem, by_line=True), check_exact=True)


def test_allocate_mixed_id_kinds_as_in_memory(client):
    """bk_fast.allocate matches order and supply ids exactly (int64 beside uint64 ids beyond int64; whole
    float ids below 2**53 as integers; any other float id beside integers is a ValueError naming it); the Dask
    version gives the same rows and the same error."""
    cases = [(np.array([-1, 5, -1, 2 ** 62], dtype=np.int64),
              np.array([2 ** 63 + 1, 5, 2 ** 64 - 1, 2 ** 62], dtype=np.uint64)),
             (np.array([1, 5, 1, 7], dtype=np.int64), np.array([1.0, 5.0, 3.0, 7.0]))]
    for o_items, s_items in cases:
        orders = pd.DataFrame({"order": range(4), "item": o_items, "qty": [5.0, 2.0, 3.0, 4.0], "priority": 1,
                               "due": 0})
        supply = pd.DataFrame({"item": s_items, "period": 0, "qty": [1.0, 2.0, 3.0, 4.0]})
        expected = bk_fast.allocate(orders, supply)
        res = bkd.allocate(_dd(orders, 2), supply, npartitions=3)
        pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)
        d = expected.deliveries
        d = d.iloc[np.argsort(d["item"].to_numpy(), kind="stable")].set_index("item")
        # (the same ids; the Dask index takes the dtype uniting all the ids, int64 with uint64 beyond int64:
        # object, where the in-memory deliveries keep the orders' int64)
        pd.testing.assert_frame_equal(res.deliveries.compute(), d, check_exact=True, check_index_type=False)
        assert res.deliveries.compute().index.tolist() == d.index.tolist()
    for bad in (np.array([1.5, 5.0, 1.0, 7.0]), np.array([2.0 ** 60, 5.0, 1.0, 7.0])):
        orders = pd.DataFrame({"order": range(4), "item": np.array([2 ** 60 + 1, 5, 1, 7]), "qty": 1.0,
                               "priority": 1, "due": 0})
        supply = pd.DataFrame({"item": bad, "period": 0, "qty": 1.0})
        with pytest.raises(ValueError, match="supply: item id") as mem:
            bk_fast.allocate(orders, supply)
        with pytest.raises(ValueError, match="supply: item id") as dist:
            bkd.allocate(_dd(orders, 2), supply, npartitions=3)
        assert str(dist.value) == str(mem.value)


def test_weekly_balance_range_without_float_keyed_rows_keeps_integer_ids_exact(client, engine):
    """A range holding no on_hand row got an empty float64 on_hand piece, and the single-machine function
    united the demand's int64 ids with that float64 index: 2**62 + 1 came back as the float
    4.611686018427388e+18 (a wrong item id, and a float64 index where the whole call gives int64)."""
    big = 2 ** 62 + 1
    demand = pd.DataFrame({"item": np.array([3, -2, 7, 3, big, 1], dtype=np.int64), "week": [0, 1, 1, 2, 0, 2],
                           "qty": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}, index=[10, 11, 12, 13, 14, 15])
    on_hand = pd.Series([5.0, 1.0, 2.0], index=pd.Index([3.0, 5.0, 1.0]))
    receipts = demand.iloc[:2].assign(item=[3.0, 1.0])
    expected = bk_fast.weekly_balance(on_hand, demand, receipts, engine=engine).sort_index()
    assert expected.index.dtype == np.int64 and big in expected.index
    for n in (1, 3, 5):
        got = bkd.weekly_balance(on_hand, _uneven(demand, [0, 1, 5, 0]), receipts, npartitions=n,
                                 engine=engine).compute()
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        net = bk_fast.net_requirements(demand, on_hand, receipts, lead_time=1, engine=engine)
        res = bkd.net_requirements(_uneven(demand, [0, 1, 5, 0]), on_hand, receipts, lead_time=1, npartitions=n,
                                   engine=engine)
        summary = net.summary.sort_index()
        summary.index.name = "item"
        pd.testing.assert_frame_equal(res.summary.compute(), summary, check_exact=True)


def test_allocate_shortfalls_keep_the_orders_item_ids(client, engine):
    """The single-machine shortfalls carry the orders' own item column; bk_fast.dask cast it to the ids of the
    whole call (uint64 order ids came back int64, int64 order ids beside uint64 supply ids as Python ints)."""
    cases = [(np.array([3, 5, 7, 3, 9, 1], dtype=np.uint64), np.array([3, 5, 1], dtype=np.int64)),
             (np.array([3, -2, 7, 3, 2 ** 62, 1], dtype=np.int64), np.array([3, 2 ** 63 + 5, 1], dtype=np.uint64)),
             (np.array([3.0, 5.0, 7.0, 3.0, 9.0, 1.0]), np.array([3, 5, 1], dtype=np.int64))]
    for o_items, s_items in cases:
        orders = pd.DataFrame({"order": range(6), "item": o_items, "qty": [5.0, 2.0, 3.0, 4.0, 1.0, 9.0],
                               "priority": 1, "due": 0}, index=list(range(20, 26)))
        supply = pd.DataFrame({"item": s_items, "period": 0, "qty": [1.0, 2.0, 3.0]})
        expected = bk_fast.allocate(orders, supply, engine=engine)
        for n in (1, 3):
            res = bkd.allocate(_uneven(orders, [0, 1, 5, 0]), supply, npartitions=n, engine=engine)
            short = res.shortfalls.compute().sort_index()
            assert short["item"].dtype == o_items.dtype
            pd.testing.assert_frame_equal(short, expected.shortfalls.sort_index(), check_exact=True)
            pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders.sort_index(),
                                          check_exact=True)


def test_allocate_kits_float_ids_it_cannot_match_are_the_in_memory_error(client, engine):
    """bk_fast.allocate_kits refuses a requirement or supply float item id that cannot be matched exactly with
    the other's integer ids (1.5, 2.0**60); bk_fast.dask split the supply by pandas' matching and allocated
    silently (the 2.5 line limited by an item no supply row has). Whole float ids still match as integers."""
    orders = pd.DataFrame({"order": [1, 2, 3], "qty": [10.0, 10.0, 5.0], "priority": [1, 1, 2]})
    supply = pd.DataFrame({"item": np.array([1, 2, 2 ** 60 + 1], dtype=np.int64), "qty": [4.0, 7.0, 3.0]})
    for bad in (2.5, 2.0 ** 60):
        req = pd.DataFrame({"order": [1, 2, 3], "item": [1.0, bad, 1.0], "fraction": [1.0, 1.0, 0.5]})
        for r, s, name in ((req, supply, "requirements"),
                           (req.assign(item=supply["item"].to_numpy()), supply.assign(item=[1.0, bad, 3.0]),
                            "supply")):
            with pytest.raises(ValueError, match=f"{name}: item id") as mem:
                bk_fast.allocate_kits(orders, r, s, engine=engine)
            with pytest.raises(ValueError, match=f"{name}: item id") as dist:
                bkd.allocate_kits(_uneven(orders, [0, 2, 1]), _uneven(r, [1, 0, 2]), _dd(s, 2), npartitions=2,
                                  engine=engine)
            assert str(dist.value) == str(mem.value)
    req = pd.DataFrame({"order": [1, 2, 3], "item": [1.0, 2.0, 1.0], "fraction": [1.0, 1.0, 0.5]})
    expected = bk_fast.allocate_kits(orders, req, supply, engine=engine)
    res = bkd.allocate_kits(_uneven(orders, [0, 2, 1]), _uneven(req, [1, 0, 2]), _dd(supply, 2), npartitions=2,
                            engine=engine)
    pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected.orders, check_exact=True)


def test_weekly_balance_orders_erp_buckets_as_in_memory(engine):
    """The Dask periods axis had its own copy of netting's default order: after weekly_balance learned the ERP's
    roll order (a week only in the receipts before 'Later'), bk_fast.dask still rolled 'Week 37' after 'Later'.
    Both now use one ordering function."""
    demand = pd.DataFrame({"item": [1, 2, 3], "week": ["This Week", "Week 36", "Later"], "qty": [10.0, 10.0, 10.0]})
    receipts = pd.DataFrame({"item": [1, 3], "week": ["Week 37", "Week 35"], "qty": [50.0, 1.0]})
    want = bk_fast.weekly_balance(0.0, demand, receipts, engine=engine)
    got = bkd.weekly_balance(0.0, _dd(demand, 2), _dd(receipts, 2), npartitions=2, engine=engine).compute()
    assert list(got.columns[:5]) == ["This Week", "Week 35", "Week 36", "Week 37", "Later"]
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index(), check_dtype=False)


@pytest.mark.parametrize("item", [4, "Y", np.uint64(2 ** 63 + 1)])
def test_kits_limiting_item_dtype_equals_the_single_machine(item):
    """Found by an independent oracle: an order without requirement rows got a partition of its own, whose
    limiting_item column was object, and the concatenation made the column object (uint64 ids beyond int64:
    Float64, rounding them). The column keeps the ids' dtype in every partition and in the meta."""
    orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [7.0, 7.0], "priority": [1, 2]})
    req = pd.DataFrame({"order": ["K1"], "item": [item], "fraction": [1.0]})
    supply = pd.DataFrame({"item": [item], "qty": [0.0]})
    import dask

    with dask.config.set(scheduler="synchronous"):
        expected = bk_fast.allocate_kits(orders, req, supply).orders
        res = bkd.allocate_kits(orders, req, supply, npartitions=2)
        pd.testing.assert_frame_equal(res.orders.compute().sort_index(), expected, check_exact=True)
    assert res.orders.dtypes["limiting_item"] == expected["limiting_item"].dtype


def test_date_object_periods_match_timestamps_as_in_memory(engine):
    """Gross periods as datetime.date objects and receipts as Timestamps: in memory one week each (date
    objects are read as Timestamps); the Dask call united the raw labels first and split a date from the
    Timestamp of its day (review of session 11). With convert-string off (else Dask makes the dates text,
    documented), the Dask records equal the in-memory ones, also with periods= as date objects."""
    import datetime as dt

    import dask

    d6, d13 = dt.date(2025, 1, 6), dt.date(2025, 1, 13)
    with dask.config.set({"dataframe.convert-string": False}):
        gross = pd.DataFrame({"item": ["Y", "Y", "Z"], "period": [d13, d6, d6], "qty": [5.0, 3.0, 1.0]})
        rec = pd.DataFrame({"item": ["Y"], "period": [pd.Timestamp("2025-01-06")], "qty": [2.0]})
        on_hand = {"Y": 4.0, "Z": 0.0}
        for periods in (None, [d6, d13]):
            ref = bk_fast.net_requirements(gross, on_hand=on_hand, receipts=rec, periods=periods,
                                           engine=engine).record
            got = bkd.net_requirements(dd.from_pandas(gross, npartitions=2), on_hand=on_hand, receipts=rec,
                                       periods=periods, engine=engine).record.compute()
            assert len(got) == len(ref) == 4
            assert got["planned_receipt"].tolist() == ref["planned_receipt"].tolist()
            assert got["period"].tolist() == ref["period"].tolist()
            wb = bkd.weekly_balance(on_hand, dd.from_pandas(gross, npartitions=2), rec, periods=periods,
                                    engine=engine).compute()
            pd.testing.assert_frame_equal(wb, bk_fast.weekly_balance(on_hand, gross, rec, periods=periods,
                                                                     engine=engine), check_index_type=False)


def test_kits_with_dates_far_apart_equal_in_memory(engine):
    """allocate_kits counted date steps from the earliest day of the whole call, each Dask partition from its
    own: an unrelated kit 17 months earlier made a receipt 1 ns after a due round to on time in memory only
    (Dask parity audit). Steps now count from each connected component's first day, in both."""
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        due = pd.Series(pd.to_datetime(["2025-06-02 08:00", "2024-01-03 00:00"])).astype("datetime64[ns]")
        orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [10.0, 10.0], "priority": [1, 1], "due": due})
        req = pd.DataFrame({"order": ["K1", "K2"], "item": ["A", "B"], "fraction": [1.0, 1.0]})
        supply = pd.DataFrame({"item": ["A", "B"], "qty": [10.0, 10.0],
                               "period": [due[0] + pd.Timedelta(1, "ns"), due[1]]})
        ref = bk_fast.allocate_kits(orders, req, supply, engine=engine).orders
        assert ref["knittable"].tolist() == [0.0, 10.0]
        got = bkd.allocate_kits(dd.from_pandas(orders, npartitions=2), req, supply, npartitions=2,
                                engine=engine).orders.compute()
        assert got.sort_index()["knittable"].tolist() == [0.0, 10.0]


def test_empty_export_rows_are_skipped_as_in_memory(client):
    """An export's empty rows (no item, no quantity), which the single-machine netting functions skip, were an
    error here ('row 2 has a missing item id'): a Dask frame read from such an export could not be netted. Now
    they are skipped the same way, long or wide, text or number ids, with their periods left out of the axis;
    a row with a quantity and no item is still an error naming its row."""
    gross = pd.DataFrame({"item": ["b", "a", None, "a", None], "period": [0, 1, 7, 2, None],
                          "qty": [5.0, 5.0, np.nan, 1.0, np.nan]}, index=[10, 11, 12, 13, 14])
    rec = pd.DataFrame({"item": ["a", None, None], "period": [1, 9, None], "qty": [4.0, np.nan, ""]})
    wide = pd.DataFrame({"item": ["a", None, "b"], 0: [0.0, np.nan, 1.0], 1: [4.0, np.nan, 2.0]})
    for r in (rec, wide):
        want = bk_fast.net_requirements(gross, 2.0, r)
        got = bkd.net_requirements(_dd(gross, 2), 2.0, _dd(r, 2), npartitions=2)
        pd.testing.assert_frame_equal(got.record.compute().reset_index(),
                                      want.record.sort_values("item", kind="stable").reset_index(drop=True))
        want = bk_fast.weekly_balance(2.0, gross, r).sort_index()
        pd.testing.assert_frame_equal(bkd.weekly_balance(2.0, _dd(gross, 3), r, npartitions=2).compute(), want)
    assert 7 not in bkd.weekly_balance(2.0, _dd(gross, 2)).columns  # (the empty row's period is no bucket)
    num = gross.assign(item=[2.0, 1.0, np.nan, 1.0, np.nan])
    want = bk_fast.weekly_balance(0.0, num).sort_index()
    pd.testing.assert_frame_equal(bkd.weekly_balance(0.0, _dd(num, 2), npartitions=2).compute(), want)
    with pytest.raises(ValueError, match=r"gross: row 4 \(label 14\) has a missing item"):
        bkd.net_requirements(_dd(gross.assign(qty=[5.0, 5.0, np.nan, 1.0, 3.0]), 2), 0.0, npartitions=2)


def test_empty_export_rows_skipped_when_one_frame_is_both_inputs(client):
    """Review of session 12: the same frame passed as demand and receipts was read as time-phased under one
    name only (keyed by id()), so its empty rows were refused as the demand's."""
    d = pd.DataFrame({"item": ["a", "b", None, "a"], "period": [0, 1, None, 2], "qty": [5.0, 2.0, np.nan, 1.0]})
    part = _dd(d, 2)
    pd.testing.assert_frame_equal(bkd.weekly_balance(1.0, part, part).compute(),
                                  bk_fast.weekly_balance(1.0, d, d).sort_index())
    want = bk_fast.net_requirements(d, 1.0, d).record.sort_values("item", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(bkd.net_requirements(part, 1.0, part).record.compute().reset_index(), want)


def test_text_periods_read_as_the_other_inputs_numbers_as_in_memory(engine):
    """In memory, week 1 of the gross and the "1" of receipts read from a CSV are one period (netting's
    _same_kinds); the Dask call united the raw labels and kept an extra empty "1" period."""
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        gross = pd.DataFrame({"item": ["Y", "Y", "Z"], "period": [1, 2, 1], "qty": [10.0, 10.0, 1.0]})
        rec = pd.DataFrame({"item": ["Y"], "period": pd.Series(["1"], dtype=object), "qty": [10.0]})
        ref = bk_fast.net_requirements(gross, receipts=rec, engine=engine).record
        got = bkd.net_requirements(dd.from_pandas(gross, npartitions=2), receipts=rec, engine=engine).record.compute()
        assert len(ref) == 4 and got["period"].tolist() == ref["period"].tolist()
        assert got["planned_receipt"].tolist() == ref["planned_receipt"].tolist()
        wb = bkd.weekly_balance({"Y": 0.0, "Z": 0.0}, dd.from_pandas(gross, npartitions=2), rec,
                                engine=engine).compute()
        pd.testing.assert_frame_equal(wb, bk_fast.weekly_balance({"Y": 0.0, "Z": 0.0}, gross, rec, engine=engine),
                                      check_index_type=False)


# ----------------------------------------------------------------------------------------------------------
# audit of bk_fast.dask (session 13)


@pytest.fixture()
def local(monkeypatch):
    """No distributed client (the module's LocalCluster may be running) and the synchronous scheduler: the
    graphs are built and computed as without a cluster, fast."""
    import dask

    monkeypatch.setattr(bkd, "_client", lambda: None)
    with dask.config.set(scheduler="sync"):
        yield


_KIT_ORDERS = pd.DataFrame({"order": ["K1", "K2", "K3"], "qty": [100.0, 100.0, 10.0], "priority": [1, 2, 1]})
_KIT_SUPPLY = pd.DataFrame({"item": [7, 8], "qty": [150.0, 5.0]})


def _kit_req(fraction) -> pd.DataFrame:
    return pd.DataFrame({"order": ["K1", "K2", "K3"], "item": [7, 7, 8], "fraction": ["1", fraction, "1"]},
                        index=[20, 21, 22])


@pytest.mark.parametrize("fraction", ["$0.50", "1,000", " 0.5 "])
def test_kits_erp_number_fractions_as_in_memory(local, fraction):
    """The requirement fractions were read with a bare float conversion to build the components: ERP number text
    that allocate_kits reads ("$0.50", "1,000") crashed the Dask call. Now read by the same parser."""
    req = _kit_req(fraction)
    before = req.copy()
    expected = bk_fast.allocate_kits(_KIT_ORDERS, req, _KIT_SUPPLY).orders
    got = bkd.allocate_kits(_uneven(_KIT_ORDERS, [2, 1]), _uneven(req, [1, 2]), _KIT_SUPPLY).orders.compute()
    pd.testing.assert_frame_equal(got.sort_index(), expected, check_exact=True)
    pd.testing.assert_frame_equal(req, before)


@pytest.mark.parametrize("fraction", ["abc", "", "N/A", "(0.5)", None])
def test_kits_bad_fraction_is_the_in_memory_error(local, fraction):
    """Text that is no fraction gave "could not convert string to float" without column or row; now the
    in-memory error naming the column and the row (label 21)."""
    req = _kit_req(fraction)
    with pytest.raises(ValueError, match=r"requirements column 'fraction'.*row 21") as mem:
        bk_fast.allocate_kits(_KIT_ORDERS, req, _KIT_SUPPLY)
    with pytest.raises(ValueError) as got:
        bkd.allocate_kits(_uneven(_KIT_ORDERS, [2, 1]), _uneven(req, [1, 2]), _KIT_SUPPLY).orders.compute()
    assert str(got.value) == str(mem.value)


def test_explode_by_line_carries_the_unmatched_demand(client):
    """explode(by_line=True) dropped the unmatched demand (the partitions' attrs were cleared): the computed
    frame had no .bk_fast.unmatched. Now every partition carries the whole demand's, as BOM.explode does
    (the same sums: an unmatched item in several partitions, a missing id)."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "B"], "component": ["B", "C"],
                                               "qty_per": [2.0, 3.0]}))
    demand = pd.DataFrame({"item": ["A", "NOPE", "B", None, "NOPE", "A"], "qty": [1.0, 0.1, 4.0, 2.0, 0.2, 1.0]},
                          index=list("abcdef"))
    expected = bom.explode(demand, by_line=True)
    got = bkd.explode(_uneven(demand, [2, 0, 1, 3]), bom, by_line=True).compute()
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_exact=True)
    pd.testing.assert_frame_equal(got.bk_fast.unmatched, expected.bk_fast.unmatched, check_exact=True)


def test_explode_graph_does_not_pickle_the_bom(local, monkeypatch):
    """Without a distributed client every explode call hashed the whole compiled BOM (pickled it) to name its
    graph key: 0.46 s of CPU at scale 20 before any work. The BOM now names itself (BOM.__dask_tokenize__)."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "B"], "component": ["B", "C"],
                                               "qty_per": [2.0, 3.0]}))
    demand = pd.DataFrame({"item": ["A", "B", "A"], "qty": [1.0, 2.0, 3.0]})
    expected = bom.explode(demand)
    pickled = []
    state = bk_fast.BOM.__getstate__
    monkeypatch.setattr(bk_fast.BOM, "__getstate__", lambda self: pickled.append(1) or state(self))
    outs = [bkd.explode(_uneven(demand, [1, 2]), bom, **kw) for kw in ({}, {"exact": False}, {"by_line": True})]
    assert not pickled
    pd.testing.assert_frame_equal(outs[0].compute(), expected, check_exact=True)


@pytest.mark.parametrize("ids", [[1, 2, 1], ["A", "B", "A"]])
@pytest.mark.parametrize("kw", [{}, {"exact": False}, {"by_line": True}])
def test_explode_nothing_unmatched_keeps_the_id_dtype(local, ids, kw):
    """With nothing unmatched the unmatched frame's item column was object; BOM.explode gives the ids' dtype."""
    comp = [9, 9] if ids[0] == 1 else ["Z", "Z"]
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ids[:2], "component": comp, "qty_per": [2.0, 3.0]}))
    demand = pd.DataFrame({"item": ids, "qty": [1.0, 1.0, 2.0]})
    expected = bom.explode(demand, by_line=kw.get("by_line", False)).bk_fast.unmatched
    assert expected["item"].dtype != object
    got = bkd.explode(_uneven(demand, [1, 0, 2]), bom, **kw).compute().bk_fast.unmatched
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_explode_partition_of_missing_uint64_ids(local):
    """A partition whose nullable UInt64 ids are all missing crashed BOM.explode ("boolean value of NA is
    ambiguous"): missing ids are unmatched demand, in Dask as in memory."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": [1, 2], "component": [2, 3], "qty_per": [2.0, 3.0]}))
    demand = pd.DataFrame({"item": pd.array([1, None, 5], dtype="UInt64"), "qty": [1.0, 2.0, 3.0]})
    expected = bom.explode(demand)
    for kw in ({}, {"exact": False}):
        got = bkd.explode(_uneven(demand, [1, 1, 1]), bom, **kw).compute()
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        pd.testing.assert_frame_equal(got.bk_fast.unmatched, expected.bk_fast.unmatched, check_exact=True)


@pytest.mark.parametrize("ids,dtype", [([1, None, 1, 2], "Int64"), ([1, None, 1, 2], object),
                                       (["A", None, "A", "B"], "str"), (["A", None, "A", "B"], object)])
@pytest.mark.parametrize("kw", [{}, {"exact": False}, {"by_line": True}])
def test_explode_only_missing_ids_unmatched_as_in_memory(local, ids, dtype, kw):
    """Only a missing id unmatched: BOM.explode reports it as the demand's present ids give (None in an object
    column among integer ids, NaN in a str column among text ids), and so does Dask for any partitioning,
    also when a partition holds only the missing id (alone it reads as object None, not as the integers the
    whole demand reads)."""
    text = isinstance(ids[0], str)
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ids[2:], "component": ["Z", "Z"] if text else [9, 9],
                                               "qty_per": [2.0, 3.0]}))
    col = pd.Series(ids, dtype=object) if dtype is object else pd.array(ids, dtype=dtype)
    demand = pd.DataFrame({"item": col, "qty": [1.0, 2.0, 4.0, 8.0]})
    expected = bom.explode(demand, by_line=kw.get("by_line", False)).bk_fast.unmatched
    assert expected["item"].dtype == ("str" if text else object) and expected["qty"].tolist() == [2.0]
    for sizes in ([4], [1, 1, 2], [1, 3], [2, 2]):
        got = bkd.explode(_uneven(demand, sizes), bom, **kw).compute().bk_fast.unmatched
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_kits_partition_without_requirements_keeps_the_declared_id_dtype(local):
    """Object text item ids: the single-machine function reports the limiting item as ``str``, but a partition
    whose orders have no requirement row (its own component) gave an object ``limiting_item`` column (and object
    empty lines), so the computed frames were object where the declared meta and the in-memory answer are
    ``str``. A column with no value is now cast to the declared dtype (found by fuzzing random kit inputs in
    memory vs Dask: 11 of 200 differed so before, 0 of 1,450 after)."""
    orders = pd.DataFrame({"order": ["K1", "K2"], "qty": [100.0, 10.0], "priority": [1, 1]})
    req = pd.DataFrame({"order": ["K1"], "item": pd.Series(["A"], dtype=object), "fraction": [1.0]})
    supply = pd.DataFrame({"item": pd.Series(["A"], dtype=object), "qty": [50.0]})
    expected = bk_fast.allocate_kits(orders, req, supply)
    assert str(expected.orders["limiting_item"].dtype) == "str"
    res = bkd.allocate_kits(orders, req, supply, npartitions=2)
    assert res.components["partition"].tolist() == [0, 1]
    got = res.orders.compute().sort_index()
    assert got["limiting_item"].iloc[0] == "A" and pd.isna(got["limiting_item"].iloc[1])
    pd.testing.assert_frame_equal(got, expected.orders, check_exact=True)
    lines = res.lines.compute()
    pd.testing.assert_frame_equal(lines.reset_index(drop=True), expected.lines.reset_index(drop=True),
                                  check_exact=True)
    assert list(got.dtypes) == list(res.orders._meta.dtypes) and list(lines.dtypes) == list(res.lines._meta.dtypes)


def test_kits_cast_to_the_declared_dtype_only_where_it_holds_a_missing_value():
    """A partition's column of missing values only is cast to the declared dtype when that can hold them (str,
    object, nullable): a NumPy bool or int64 declaration would turn NaN into True or raise (rev49), so such a column
    stays float64; an empty column takes any declared dtype."""
    meta = pd.DataFrame({"a": pd.Series([], dtype=bool), "b": pd.Series([], dtype="str"),
                         "c": pd.Series([], dtype=np.int64), "d": pd.Series([], dtype="Int64")})
    part = pd.DataFrame({"a": [np.nan], "b": pd.Series([None], dtype=object), "c": [np.nan], "d": [np.nan]})
    got = bkd._as_declared(part, meta)
    assert [str(t) for t in got.dtypes] == ["float64", "str", "float64", "Int64"]
    assert got["a"].isna().all() and got["b"].isna().all() and got["d"].isna().all()
    assert [str(t) for t in bkd._as_declared(part.head(0), meta).dtypes] == ["bool", "str", "int64", "Int64"]


def test_ids_made_text_by_from_pandas_are_named_in_the_error(local):
    """An export read without a dtype has object Python-int ids; dd.from_pandas turns such a column into text
    (Dask's convert-string option), which then meets the numeric on-hand ids. The error said only "mixed kinds";
    it now names one id of each kind and the option (with it off the same data nets as in memory)."""
    import dask

    gross = pd.DataFrame({"item": pd.Series([1, 2, 1], dtype=object), "week": [1, 1, 2], "qty": [5.0, 3.0, 4.0]})
    on_hand = pd.Series([2.0, 1.0], index=pd.Index([1, 2]))
    with dask.config.set({"dataframe.convert-string": True}):
        lazy = dd.from_pandas(gross, npartitions=2)
    with pytest.raises(TypeError, match=r"mixed kinds \(1 beside '1'\).*'dataframe.convert-string': False"):
        bkd.net_requirements(lazy, on_hand)
    with dask.config.set({"dataframe.convert-string": False}):
        lazy = dd.from_pandas(gross, npartitions=2)
    got = bkd.net_requirements(lazy, on_hand).orders.compute()
    assert got["qty"].tolist() == [3.0, 4.0, 2.0] and got.index.tolist() == [1, 1, 2]


@pytest.mark.parametrize("dtype", ["Int64", "Float64", "int64[pyarrow]", "string[pyarrow]"])
def test_nullable_and_arrow_period_dtypes_kept(local, dtype):
    """The periods were read with .to_numpy(): first_short / recovery and the record's period came back int64
    or str where the in-memory functions keep Int64, Float64, int64[pyarrow], string[pyarrow]."""
    weeks = [1, 1, 2, 1, 3, 2] if dtype != "string[pyarrow]" else ["w1", "w1", "w2", "w1", "w3", "w2"]
    demand = pd.DataFrame({"item": ["b", "a", "a", "c", "b", "c"], "week": pd.array(weeks, dtype=dtype),
                           "qty": [1.0, 2, 3, 4, 5, 6]})
    on_hand = pd.Series({"a": 1.0, "b": 2.0, "c": 0.0})
    expected = bk_fast.weekly_balance(on_hand, demand).sort_index()
    got = bkd.weekly_balance(on_hand, _uneven(demand, [3, 3]), npartitions=2).compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    rec = bk_fast.net_requirements(demand, on_hand).record
    rec = rec.iloc[np.argsort(rec["item"].to_numpy(), kind="stable")].set_index("item")
    got = bkd.net_requirements(_uneven(demand, [3, 3]), on_hand, npartitions=2).record.compute()
    pd.testing.assert_frame_equal(got, rec, check_exact=True)


@pytest.mark.parametrize("param", ["safety_stock", "lead_time"])
def test_net_requirements_dask_series_parameter(local, param):
    """A Dask Series of safety stock (or lead time) by item was computed while building the graph and then
    refused ("an array must hold one value per item (0), got shape (3,)"). It is computed once on the client and
    used as the pandas Series is."""
    import dask

    demand = pd.DataFrame({"item": ["b", "a", "a", "c", "b", "c"], "week": [1, 1, 2, 1, 3, 2],
                           "qty": [1.0, 2, 3, 4, 5, 6]})
    on_hand = pd.Series({"a": 1.0, "b": 2.0, "c": 30.0})
    value = pd.Series({"a": 5.0, "b": 20.0, "c": 1.0}) if param == "safety_stock" else pd.Series({"a": 1, "b": 0,
                                                                                                  "c": 2})
    want = bk_fast.net_requirements(demand, on_hand, **{param: value})
    summary = want.summary.sort_index()
    summary.index.name = "item"
    orders = want.orders.iloc[np.argsort(want.orders["item"].to_numpy(), kind="stable")].set_index("item")
    with dask.config.set({"dataframe.convert-string": False}):
        dvalue = dd.from_pandas(value, npartitions=2)
    res = bkd.net_requirements(_uneven(demand, [3, 3]), on_hand, npartitions=2, **{param: dvalue})
    pd.testing.assert_frame_equal(res.summary.compute(), summary, check_exact=True)
    pd.testing.assert_frame_equal(res.orders.compute(), orders, check_exact=True)


@pytest.mark.parametrize("ids", [pd.Categorical(["y1", "y2", "y3"]), pd.Categorical([1, 5, 9]),
                                 pd.array(["y1", "y2", "y3"], dtype="string[pyarrow]"),
                                 pd.array([1, 2, 3], dtype="Int64")])
def test_declared_index_dtype_is_the_computed_one(local, ids):
    """The declared (meta) index dtype was the items' as read by .to_numpy() (str / int64) where the computed
    frames' is categorical, string[pyarrow] (or Int64 for allocate's deliveries)."""
    rng = np.random.default_rng(0)
    item = pd.Series(ids).take(rng.integers(0, 3, 30)).reset_index(drop=True)
    demand = pd.DataFrame({"item": item, "week": rng.integers(0, 4, 30), "qty": rng.random(30)})
    frames = [bkd.weekly_balance(0.0, _uneven(demand, [10, 10, 10]), npartitions=2)]
    frames += list(bkd.net_requirements(_uneven(demand, [10, 10, 10]), 0.0, npartitions=2))
    orders = pd.DataFrame({"order": range(30), "item": item, "qty": rng.random(30), "priority": 1, "due": 0})
    supply = pd.DataFrame({"item": pd.Series(ids), "period": 0, "qty": [1.0, 2.0, 3.0]})
    frames.append(bkd.allocate(_uneven(orders, [10, 10, 10]), supply, npartitions=2).deliveries)
    for out in frames:
        assert out.index.dtype == out.compute().index.dtype


# ----------------------------------------------------------------------------------------------------------
# review of 7fca73c


def test_explode_by_line_partition_explodes_its_own_demand_only(local, monkeypatch):
    """explode(by_line=True) made every output partition wait for the unmatched demand of all partitions' explosions:
    one partition (or .head()) exploded the whole demand, and no partition could stream out before the last was
    exploded. The unmatched demand now comes from a pass that only maps ids (run when explode is called); an
    output partition loads and explodes its own demand partition only, and the result still carries it."""
    import dask

    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": ["A", "B"], "component": ["B", "C"],
                                               "qty_per": [2.0, 3.0]}))
    loaded, exploded = [], []

    def load(i):
        loaded.append(i)
        return pd.DataFrame({"item": ["A", "NOPE" if i == 5 else "B"], "qty": [1.0, 2.0]}, index=[2 * i, 2 * i + 1])

    lines = bk_fast.BOM.explode_lines
    monkeypatch.setattr(bk_fast.BOM, "explode_lines",
                        lambda self, codes, *a, **k: exploded.append(len(codes)) or lines(self, codes, *a, **k))
    meta = pd.DataFrame({"item": pd.Series([], dtype=object), "qty": pd.Series([], dtype=float)})
    with dask.config.set({"dataframe.convert-string": False}):
        demand = dd.from_map(load, list(range(8)), meta=meta, enforce_metadata=False)
    out = bkd.explode(demand, bom, by_line=True)
    assert not any(exploded)  # (the pass run by explode maps ids to codes: nothing exploded, but the meta)
    loaded.clear()
    first = out.partitions[0].compute()
    assert loaded == [0] and [k for k in exploded if k] == [2]
    expected = bom.explode(pd.concat([load(i) for i in range(8)]), by_line=True)
    pd.testing.assert_frame_equal(first.bk_fast.unmatched, expected.bk_fast.unmatched, check_exact=True)
    got = out.compute()
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_exact=True)
    pd.testing.assert_frame_equal(got.bk_fast.unmatched, expected.bk_fast.unmatched, check_exact=True)


@pytest.mark.parametrize("case", ["mixed", "uint64", "negative_and_big", "floats"])
def test_explode_empty_unmatched_dtype_whatever_the_partitions(local, case):
    """With nothing unmatched, the unmatched frame's item dtype is that of 16 ids sampled over the whole demand
    (BOM.explode); each partition sampled its own and disagreeing partitions gave object (or int64 where the whole
    demand's Python integers of 2**63 or more give uint64, int64 where its floats give float64). Now the same 16
    positions over the whole demand, for every partitioning, aggregated, tree-summed and per line."""
    n = 60
    parents = {"mixed": [1, "A"], "uint64": [5, 2 ** 63 + 1], "negative_and_big": [-3, 2 ** 63 + 1],
               "floats": [1, 2.5]}[case]
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": np.array(parents, dtype=object), "component": [9, 9],
                                               "qty_per": [1.0, 1.0]}))
    # the second id at line 1, which BOM.explode does not sample (lines 0, 3, 7, ...), or at random lines
    for other in (np.arange(n) == 1, np.random.default_rng(5).random(n) > 0.85):
        ids = np.array([parents[1] if o else parents[0] for o in other], dtype=object)
        if case in ("uint64", "floats"):  # (a uint64 column beyond int64; a float column)
            ids = ids.astype(np.uint64 if case == "uint64" else np.float64)
        demand = pd.DataFrame({"item": ids, "qty": 1.0})
        for by_line in (False, True):
            want = bom.explode(demand, by_line=by_line).bk_fast.unmatched
            assert len(want) == 0
            for sizes in ([n], [1, n - 1], [15, 45], [30, 30], [7, 0, 20, 33]):
                for kw in ({}, {"exact": False}) if not by_line else ({},):
                    got = bkd.explode(_uneven(demand, sizes), bom, by_line=by_line, **kw).compute()
                    pd.testing.assert_frame_equal(got.bk_fast.unmatched, want, obj=f"unmatched, {sizes}, {kw}")


@pytest.mark.parametrize("ids", [pd.array([10, 11, 10], dtype=t) for t in ("Int64", "int64[pyarrow]", "UInt64")]
                         + [np.array([10, 11, 10], dtype=object)],
                         ids=["Int64", "int64[pyarrow]", "UInt64", "object"])
def test_netting_item_index_dtype_as_in_memory(local, ids):
    """weekly_balance / net_requirements cast nullable and Arrow integer ids to int64 (uint64) where the in-memory
    functions keep them; object integer ids came back object from one partition, int64 from two (pandas infers
    int64 when it concatenates the partitions' object indexes) while the declared index said object. Now the
    in-memory dtype, and for object ids over several partitions int64, declared and computed alike."""
    demand = pd.DataFrame({"item": ids, "week": [1, 2, 1], "qty": [1.0, 2.0, 3.0]})
    want = [bk_fast.weekly_balance(0.0, demand).sort_index()]
    res = bk_fast.net_requirements(demand, 0.0)
    want += [f.iloc[np.argsort(f["item"].to_numpy(), kind="stable")].set_index("item") for f in (res.record,
                                                                                                 res.orders)]
    want.append(res.summary.sort_index().rename_axis("item"))
    for k in (1, 2):
        frames = [bkd.weekly_balance(0.0, _uneven(demand, [2, 1]), npartitions=k)]
        frames += list(bkd.net_requirements(_uneven(demand, [2, 1]), 0.0, npartitions=k))
        for out, expected in zip(frames, want):
            got = out.compute()
            assert out.index.dtype == got.index.dtype
            if k == 2 and ids.dtype == object:  # (pandas' concatenation of the partitions reads the ids as int64)
                expected = expected.set_axis(expected.index.astype(np.int64), axis=0)
            pd.testing.assert_frame_equal(got, expected, check_exact=True)


# ----------------------------------------------------------------------------------------------------------
# review of 322dce6 and 1205988


@pytest.mark.parametrize("kw", [{"by_line": True}, {}, {"exact": False}])
def test_explode_unmatched_float_ids_dtype_whatever_the_partitions(local, kw):
    """A float id column reads as integers only when all its ids are whole: the unmatched whole id 7.0 in a
    partition apart from the 2.5 came back int64 [7] (object [7, None] beside a missing id) where in memory it is
    float64 [7.0] ([7.0, nan]). Now the whole demand's reading (floats), for every partitioning."""
    bom = bk_fast.BOM.from_frame(pd.DataFrame({"parent": [1.0, 2.5], "component": ["C", "C"], "qty_per": 1.0}))
    for ids in ([7.0, 2.5], [7.0, np.nan, 2.5], [2.5, 7.0, 1.0, 8.0]):
        demand = pd.DataFrame({"item": ids, "qty": 1.0})
        want = bom.explode(demand, by_line=kw.get("by_line", False)).bk_fast.unmatched
        assert want["item"].dtype == np.float64
        for sizes in ([len(ids) - 1, 1], [1, len(ids) - 1], [1] * len(ids)):
            got = bkd.explode(_uneven(demand, sizes), bom, **kw).compute().bk_fast.unmatched
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"unmatched, {ids}, {sizes}")


@pytest.mark.parametrize("nin", [1, 2])
def test_netting_object_ids_beside_floats_declared_as_computed(local, nin):
    """Object ids mixing Python ints and floats over several partitions: the declared index was float64 (or
    object, from one input partition) while every computed partition's was object, and the computed whole float64
    (pandas' concatenation). Now float64 declared and computed alike; one output partition keeps object, as in
    memory."""
    import dask

    ids = np.array([10, 11.5, 12, 10], dtype=object)
    demand = pd.DataFrame({"item": ids, "week": [1, 2, 1, 3], "qty": [1.0, 2.0, 3.0, 4.0]})
    want = bk_fast.weekly_balance(0.0, demand).sort_index()
    summary = bk_fast.net_requirements(demand, 0.0).summary.sort_index().rename_axis("item")
    for k in (1, 2, 3):
        with dask.config.set({"dataframe.convert-string": False}):
            frames = [bkd.weekly_balance(0.0, dd.from_pandas(demand, npartitions=nin, sort=False), npartitions=k)]
            frames += list(bkd.net_requirements(dd.from_pandas(demand, npartitions=nin, sort=False), 0.0,
                                                npartitions=k))
        for out in frames:
            dtype = np.dtype(object) if k == 1 else np.dtype(np.float64)
            assert out._meta.index.dtype == dtype
            assert [p.index.dtype for p in dask.compute(*out.to_delayed())] == [dtype] * out.npartitions
            assert out.compute().index.dtype == dtype
        for got, expected in ((frames[0].compute(), want), (frames[3].compute(), summary)):
            if k > 1:
                expected = expected.set_axis(expected.index.astype(np.float64), axis=0)
            pd.testing.assert_frame_equal(got, expected, check_exact=True)


# ----------------------------------------------------------------------------------------------------------
# audit 'dskinv': categorical ids whose categories differ between the inputs


def _netting_frames_in_memory(res) -> list:
    rec = res.record.iloc[np.argsort(res.record["item"].to_numpy(), kind="stable")].set_index("item")
    return [rec, res.summary.sort_index().rename_axis("item")]


@pytest.mark.parametrize("sizes,nparts", [([4], 1), ([2, 2], 2), ([2, 0, 2], 5)])
def test_weekly_balance_categorical_ids_index_dtype_as_in_memory(local, sizes, nparts):
    """on_hand's categories a subset of demand's: in memory the united index is text; bk_fast.dask declared a
    CategoricalIndex of on_hand's categories and computed text (one partition) or a CategoricalIndex whose
    categories depended on the partitioning. Now text, declared and computed alike."""
    demand = pd.DataFrame({"item": pd.Categorical(["b", "a", "c", "a"]), "week": [0, 1, 0, 1],
                           "qty": [1.0, 2.0, 3.0, 4.0]})
    on_hand = pd.Series([5.0, 6.0], index=pd.CategoricalIndex(["a", "c"]))
    expected = bk_fast.weekly_balance(on_hand, demand).sort_index()
    assert not isinstance(expected.index.dtype, pd.CategoricalDtype)
    out = bkd.weekly_balance(on_hand, _uneven(demand, sizes), npartitions=nparts)
    got = out.compute()
    assert out._meta.index.dtype == got.index.dtype
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_net_requirements_categorical_ids_record_as_in_memory(local):
    """on_hand holds an item ('e') demand lacks and the reverse: in memory record['item'] and the summary index
    are text; the declared index was demand's categories, the computed one a categorical of them all."""
    demand = pd.DataFrame({"item": pd.Categorical(["b", "a", "c", "d"]), "week": [0, 1, 0, 1],
                           "qty": [1.0, 2.0, 3.0, 4.0]})
    on_hand = pd.Series([5.0, 6.0, 1.0], index=pd.CategoricalIndex(["a", "c", "e"]))
    want = _netting_frames_in_memory(bk_fast.net_requirements(demand, on_hand, lead_time=1))
    res = bkd.net_requirements(_uneven(demand, [4]), on_hand, lead_time=1, npartitions=3)
    for out, expected in zip((res.record, res.summary), want):
        got = out.compute()
        assert out._meta.index.dtype == got.index.dtype
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("oh_cats", [["a", "b", "c"], ["a", "c"]])
def test_netting_categorical_ids_kept_when_in_memory_keeps_them(local, oh_cats):
    """Equal categories keep the categorical dtype; so does gross' dtype in net_requirements when on_hand (united
    after gross in memory) brings no id gross lacks, whatever its categories, while weekly_balance (on_hand first)
    gives text then. Every partitioning gives the in-memory dtype."""
    demand = pd.DataFrame({"item": pd.Categorical(["b", "a", "c", "a"]), "week": [0, 1, 0, 1],
                           "qty": [1.0, 2.0, 3.0, 4.0]})
    on_hand = pd.Series([5.0, 6.0], index=pd.CategoricalIndex(["a", "c"], categories=oh_cats))
    wb = bk_fast.weekly_balance(on_hand, demand).sort_index()
    want = _netting_frames_in_memory(bk_fast.net_requirements(demand, on_hand))
    assert want[0].index.dtype == demand["item"].dtype
    assert isinstance(wb.index.dtype, pd.CategoricalDtype) == (oh_cats == ["a", "b", "c"])
    for sizes, k in (([4], 1), ([1, 3], 2), ([2, 0, 2], 3)):
        res = bkd.net_requirements(_uneven(demand, sizes), on_hand, npartitions=k)
        for out, expected in zip([bkd.weekly_balance(on_hand, _uneven(demand, sizes), npartitions=k),
                                  res.record, res.summary], [wb] + want):
            got = out.compute()
            assert out._meta.index.dtype == got.index.dtype
            pd.testing.assert_frame_equal(got, expected, check_exact=True)


# ----------------------------------------------------------------------------------------------------------
# audit 'dask2': the declared index dtype of text ids of several dtypes, and of allocate's categorical orders


def test_weekly_balance_arrow_ids_beside_str_on_hand_declared_as_computed(local):
    """Demand ids as dask's Arrow strings (string, na_value=<NA>), an on_hand item without demand: computed and in
    memory the index is that Arrow dtype; the lazy frame declared ``str`` (its meta came from empty inputs)."""
    demand = dd.from_pandas(pd.DataFrame({"item": pd.Series(["A", "B", "A"], dtype=pd.StringDtype(na_value=pd.NA)),
                                          "week": [0, 1, 1], "qty": [1.0, 2.0, 3.0]}), npartitions=2)
    on_hand = pd.Series({"A": 1.0, "C": 2.0})
    lazy = bkd.weekly_balance(on_hand, demand)
    got = lazy.compute()
    expected = bk_fast.weekly_balance(on_hand, demand.compute())
    assert got.index.dtype == expected.index.dtype
    assert lazy.index.dtype == got.index.dtype


def test_allocate_categorical_orders_of_different_categories_declared_as_computed(local):
    """Orders' partitions categorised each on its own (different categories): the deliveries are text computed and
    in memory; they were declared with the first partition's categorical dtype."""
    import dask

    o = pd.DataFrame({"order": [1, 2, 3, 4], "item": ["A", "B", "C", "A"], "qty": [1.0, 2.0, 3.0, 4.0],
                      "priority": 1, "due": 0})
    o1, o2 = o.iloc[:2].copy(), o.iloc[2:].copy()
    o1["item"], o2["item"] = pd.Categorical(o1["item"]), pd.Categorical(o2["item"])
    orders = dd.from_delayed([dask.delayed(lambda p: p)(p) for p in (o1, o2)], meta=o1.head(0), verify_meta=False)
    supply = pd.DataFrame({"item": ["A", "C"], "period": [0, 0], "qty": [3.0, 1.0]})
    expected = bk_fast.allocate(pd.concat([o1, o2]), supply).deliveries
    res = bkd.allocate(orders, supply, npartitions=2)
    got = res.deliveries.compute()
    assert got.index.dtype == expected["item"].dtype
    assert res.deliveries.index.dtype == got.index.dtype


def test_allocate_empty_object_orders_beside_str_supply_declared_as_computed(local):
    """No orders, their item column object, the supply's ids ``str``: the deliveries keep the orders' dtype
    (object), computed and in memory; they were declared ``str`` (the supply's ids)."""
    orders = pd.DataFrame({"order": pd.Series([], dtype=np.int64), "item": pd.Series([], dtype=object),
                           "qty": pd.Series([], dtype=float), "priority": pd.Series([], dtype=np.int64),
                           "due": pd.Series([], dtype=np.int64)})
    supply = pd.DataFrame({"item": pd.Series(["A", "C"], dtype="str"), "period": [0, 0], "qty": [3.0, 1.0]})
    import dask

    expected = bk_fast.allocate(orders, supply).deliveries
    with dask.config.set({"dataframe.convert-string": False}):  # (the orders' object column kept)
        lazy_orders = dd.from_pandas(orders, npartitions=1)
    res = bkd.allocate(lazy_orders, supply, npartitions=2)
    got = res.deliveries.compute()
    assert got.index.dtype == expected["item"].dtype
    assert res.deliveries.index.dtype == got.index.dtype


# ----------------------------------------------------------------------------------------------------------
# audit 'dask2' (left over): object text ids. Dask's compute() concatenates the partitions' answers, and pandas
# appending object indexes of text infers ``str`` (pandas-dev/pandas#60159)


def _object_lazy(frame, npartitions=1):
    import dask

    with dask.config.set({"dataframe.convert-string": False}):  # (the object item column kept)
        return dd.from_pandas(frame, npartitions=npartitions)


def _obj(values):
    return pd.Series(values, dtype=object)


def test_object_text_ids_with_rows_in_one_range_declared_object_as_computed(local):
    """Object text ids whose answer has rows in one item range: computed and in memory the index is object; it
    was declared ``str`` (the function's answer on empty inputs appends an empty index: pandas infers str)."""
    on_hand = pd.Series([1.0], index=pd.Index(["A"], dtype=object))
    demand = pd.DataFrame({"item": _obj([]), "week": pd.Series([], dtype=np.int64),
                           "qty": pd.Series([], dtype=float)})
    lazy = bkd.weekly_balance(on_hand, _object_lazy(demand), npartitions=2)
    got, expected = lazy.compute(), bk_fast.weekly_balance(on_hand, demand)
    assert lazy.index.dtype == got.index.dtype == expected.index.dtype == object
    gross = demand.rename(columns={"week": "period"})
    res = bkd.net_requirements(_object_lazy(gross), on_hand, npartitions=2)
    got = res.summary.compute()
    assert res.summary.index.dtype == got.index.dtype == object
    assert got.index.dtype == bk_fast.net_requirements(gross, on_hand).summary.index.dtype
    # allocate: A ordered and supplied, B ordered only, C supplied only: deliveries of A only (one range)
    orders = pd.DataFrame({"order": [0, 1, 2], "item": _obj(["A", "B", "A"]), "qty": 1.0, "priority": 1, "due": 0})
    supply = pd.DataFrame({"item": _obj(["A", "C"]), "period": 0, "qty": 1.0})
    res = bkd.allocate(_object_lazy(orders, 2), supply, npartitions=2)
    got, expected = res.deliveries.compute(), bk_fast.allocate(orders, supply).deliveries
    assert res.deliveries.index.dtype == got.index.dtype == expected["item"].dtype == object


def test_object_text_ids_over_several_ranges_declared_str_as_computed(local):
    """Object text ids beside ``str`` ones, no id appended (in memory: object), rows in two item ranges: compute()
    gives ``str`` (pandas re-infers it concatenating the partitions), which was declared object; now declared
    ``str``, the values equal to the in-memory answer's."""
    demand = pd.DataFrame({"item": pd.Series(["A", "B", "A"], dtype="str"), "week": [0, 1, 2], "qty": 1.0})
    on_hand = pd.Series([1.0, 1.0, 1.0], index=pd.Index(["A", "B", "C"], dtype=object))
    lazy = bkd.weekly_balance(on_hand, _object_lazy(demand), npartitions=2)
    got, expected = lazy.compute(), bk_fast.weekly_balance(on_hand, demand)
    assert expected.index.dtype == object and lazy.index.dtype == got.index.dtype == "str"
    pd.testing.assert_frame_equal(got, expected.sort_index(), check_index_type=False)
    gross = pd.DataFrame({"item": _obj(["B", "B", "A"]), "period": [0, 1, 2], "qty": 1.0})
    on_hand = pd.Series([1.0], index=pd.Index(["A"], dtype="str"))
    res = bkd.net_requirements(_object_lazy(gross), on_hand, npartitions=2)
    got = res.summary.compute()
    assert res.summary.index.dtype == got.index.dtype == "str"
    assert res.record.index.dtype == res.record.compute().index.dtype
    orders = pd.DataFrame({"order": [0, 1, 2], "item": _obj(["A", "B", "A"]), "qty": 1.0, "priority": 1, "due": 0})
    supply = pd.DataFrame({"item": pd.Series(["A", "B", "C"], dtype="str"), "period": 0, "qty": 1.0})
    res = bkd.allocate(_object_lazy(orders, 2), supply, npartitions=2)
    got, expected = res.deliveries.compute(), bk_fast.allocate(orders, supply).deliveries
    assert res.deliveries.index.dtype == got.index.dtype == "str"
    pd.testing.assert_frame_equal(got, expected.set_index("item"), check_index_type=False)


def _empty_text_demand():
    """An empty demand built the ordinary way: Dask's default convert-string makes its item column a string dtype."""
    return dd.from_pandas(pd.DataFrame({"item": pd.Series([], dtype=object), "week": pd.Series([], dtype="int64"),
                                        "qty": pd.Series([], dtype=float)}), npartitions=1)


def test_weekly_balance_empty_text_demand_object_int_on_hand_declared_as_computed(local):
    """Object integer ids beside an empty demand's string column were text for _united (any object dtype was),
    so the frame declared object where compute() gives int64 (pandas infers it appending the partitions)."""
    on_hand = pd.Series([3.0, 7.0], index=pd.Index([1, 2], dtype=object))
    lazy = bkd.weekly_balance(on_hand, _empty_text_demand(), npartitions=2)
    got = lazy.compute()
    assert lazy.index.dtype == got.index.dtype == np.int64
    assert got.index.tolist() == [1, 2] and got.loc[2].iloc[0] == 7.0


def test_net_requirements_empty_text_gross_int_on_hand_declared_as_computed(local):
    """An empty gross's string item column set the declared ids' dtype (the meta is the function on empty
    inputs) where compute() and memory give the on_hand's int64 ids."""
    gross = _empty_text_demand().rename(columns={"week": "period"})
    on_hand = pd.Series({1: 3.0, 2: 7.0})
    res = bkd.net_requirements(gross, on_hand, npartitions=2)
    expected = bk_fast.net_requirements(gross.compute(), on_hand)
    for lazy, exp in ((res.summary, expected.summary), (res.record, expected.record.set_index("item"))):
        got = lazy.compute()
        assert lazy.index.dtype == got.index.dtype == exp.index.dtype == np.int64
    assert res.summary.compute()["on_hand"].tolist() == [3.0, 7.0]


# ----------------------------------------------------------------------------------------------------------
# audit rev19 (left over): ids in ``pd.ArrowDtype`` strings (``dtype_backend="pyarrow"`` readers) were not text
# for the choice of the declared index dtype


def _arrow_text(name):
    pa = pytest.importorskip("pyarrow")
    return pd.ArrowDtype(getattr(pa, name)())


@pytest.mark.parametrize("arrow", ["string", "large_string"])
def test_weekly_balance_arrow_dtype_on_hand_beside_str_demand_declared_as_computed(local, arrow):
    """An on_hand keyed by Arrow strings beside a ``str`` demand bringing ids it lacks: compute() and memory
    give ``str``; the frame declared the ArrowDtype."""
    demand = dd.from_pandas(pd.DataFrame({"item": pd.Series(["c3", "c1", "c2", "c3", "c5"], dtype="str"),
                                          "week": [0, 1, 2, 3, 4], "qty": [1.0, 2.0, 3.0, 4.0, 5.0]}), npartitions=2)
    on_hand = pd.Series([2.0, 2.0], index=pd.Index(pd.array(["c1", "c4"], dtype=_arrow_text(arrow))))
    lazy = bkd.weekly_balance(on_hand, demand, npartitions=2)
    got, expected = lazy.compute(), bk_fast.weekly_balance(on_hand, demand.compute())
    assert lazy.index.dtype == got.index.dtype == expected.index.dtype == "str"
    pd.testing.assert_frame_equal(got, expected.sort_index())


@pytest.mark.parametrize("arrow", ["string", "large_string"])
def test_allocate_empty_object_orders_beside_arrow_dtype_supply_declared_as_computed(local, arrow):
    """No orders (object item column), the supply keyed by Arrow strings: the deliveries keep the orders' object
    dtype, computed and in memory; they were declared ``str``."""
    orders = pd.DataFrame({"order": pd.Series([], dtype=np.int64), "item": _obj([]),
                           "qty": pd.Series([], dtype=float), "priority": pd.Series([], dtype=np.int64),
                           "due": pd.Series([], dtype=np.int64)})
    supply = pd.DataFrame({"item": pd.array(["A", "C"], dtype=_arrow_text(arrow)), "period": [0, 0],
                           "qty": [3.0, 1.0]})
    res = bkd.allocate(_object_lazy(orders), supply, npartitions=2)
    got = res.deliveries.compute()
    assert res.deliveries.index.dtype == got.index.dtype == bk_fast.allocate(orders, supply).deliveries["item"].dtype
    assert got.index.dtype == object and len(got) == 0


@pytest.mark.parametrize("arrow", ["string", "large_string"])
def test_netting_arrow_dtype_ids_beside_an_empty_input_of_another_kind_declared_as_computed(local, arrow):
    """Arrow string ids with rows beside an empty input of another kind (int64 ids, no rows): compute() and
    memory keep the Arrow dtype; the frames declared ``str`` (the ids read through NumPy)."""
    text = _arrow_text(arrow)
    empty = pd.DataFrame({"item": pd.Series([], dtype=np.int64), "week": pd.Series([], dtype=np.int64),
                          "qty": pd.Series([], dtype=float)})
    on_hand = pd.Series([2.0, 2.0], index=pd.Index(pd.array(["c1", "c4"], dtype=text)))
    gross = empty.rename(columns={"week": "period"})
    res = bkd.net_requirements(_object_lazy(gross, 2), on_hand, npartitions=2)
    expected = bk_fast.net_requirements(gross, on_hand)
    for lazy, exp in ((res.summary, expected.summary), (res.record, expected.record.set_index("item"))):
        assert lazy.index.dtype == lazy.compute().index.dtype == exp.index.dtype == text
    demand = pd.DataFrame({"item": pd.array(["c3", "c1"], dtype=text), "week": [0, 1], "qty": [1.0, 2.0]})
    no_stock = pd.Series([], dtype=float, index=pd.Index([], dtype=np.int64))
    lazy = bkd.weekly_balance(no_stock, _object_lazy(demand), npartitions=2)
    got, expected = lazy.compute(), bk_fast.weekly_balance(no_stock, demand)
    assert lazy.index.dtype == got.index.dtype == expected.index.dtype == text
    pd.testing.assert_frame_equal(got, expected.sort_index())


@pytest.mark.parametrize("arrow", ["string", "large_string"])
def test_allocate_empty_orders_beside_supply_of_another_kind_declared_as_computed(local, arrow):
    """No orders (int64 item column), the supply keyed by Arrow strings: the deliveries keep the orders' int64,
    computed and in memory; they were declared ``str``. And no orders keyed by Arrow strings beside int64 supply
    keep the Arrow dtype (a text dtype of an empty input beside ids that are not text still counts here)."""
    text = _arrow_text(arrow)
    orders = pd.DataFrame({"order": pd.Series([], dtype=np.int64), "item": pd.Series([], dtype=np.int64),
                           "qty": pd.Series([], dtype=float), "priority": pd.Series([], dtype=np.int64),
                           "due": pd.Series([], dtype=np.int64)})
    supply = pd.DataFrame({"item": pd.array(["c1", "c4"], dtype=text), "period": [0, 0], "qty": [3.0, 1.0]})
    int_supply = supply.assign(item=[1, 4])
    for orders, supply in ((orders, supply), (orders.astype({"item": text}), int_supply)):
        res = bkd.allocate(_object_lazy(orders), supply, npartitions=2)
        got = res.deliveries.compute()
        assert res.deliveries.index.dtype == got.index.dtype == orders["item"].dtype
        assert bk_fast.allocate(orders, supply).deliveries["item"].dtype == orders["item"].dtype


# ----------------------------------------------------------------------------------------------------------
# audit rev24: an input whose partitions hold Arrow ``string`` and ``large_string`` ids (files from several
# writers read with ``dtype_backend="pyarrow"``) was declared and computed ``str`` since 52eb5de


def _arrow_files(kinds, second=("c2", "c3")):
    """One Dask partition per file, each file's ids in its own Arrow string type (``dd.from_map`` keeps them)."""
    import dask

    files = [(["c1", "c3"], kinds[0]), (list(second), kinds[1])]

    def read(j):
        ids, kind = files[j]
        return pd.DataFrame({"item": pd.array(ids, dtype=_arrow_text(kind)), "week": range(len(ids)),
                             "qty": [1.0] * len(ids)})

    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_map(read, range(len(files)))


@pytest.mark.parametrize("kinds", [("string", "large_string"), ("large_string", "string")])
def test_arrow_string_and_large_string_partitions_keep_the_concatenated_dtype(local, kinds):
    """pd.concat of the partitions (compute(), memory) gives Arrow ``string``: the frames are declared and
    computed so, not ``str``."""
    demand = _arrow_files(kinds)
    whole = demand.compute()
    text = _arrow_text("string")
    assert whole["item"].dtype == text
    on_hand = pd.Series([2.0, 2.0], index=pd.Index(pd.array(["c1", "c4"], dtype=text)))
    lazy = bkd.weekly_balance(on_hand, demand, npartitions=2)
    got, expected = lazy.compute(), bk_fast.weekly_balance(on_hand, whole)
    assert lazy.index.dtype == got.index.dtype == expected.index.dtype == text
    pd.testing.assert_frame_equal(got, expected.sort_index())
    gross = demand.rename(columns={"week": "period"})
    res = bkd.net_requirements(gross, on_hand, npartitions=2)
    assert res.summary.index.dtype == res.summary.compute().index.dtype == text
    orders = demand.assign(order=1, priority=1, due=0)
    supply = pd.DataFrame({"item": on_hand.index.array, "period": 0, "qty": 2.0})
    deliveries = bkd.allocate(orders, supply, npartitions=2).deliveries
    assert deliveries.index.dtype == deliveries.compute().index.dtype == text
    assert bk_fast.allocate(orders.compute(), supply).deliveries["item"].dtype == text


def test_arrow_large_string_partition_beside_an_empty_string_one_keeps_large_string(local):
    """compute() drops the empty partition: the input is Arrow ``large_string``, as the frames are declared and
    computed (they were ``str``)."""
    orders = _arrow_files(("large_string", "string"), ()).assign(order=1, priority=1, due=0)
    text = _arrow_text("large_string")
    supply = pd.DataFrame({"item": pd.array(["c1", "c4"], dtype=_arrow_text("string")), "period": 0, "qty": 2.0})
    deliveries = bkd.allocate(orders, supply, npartitions=2).deliveries
    got = deliveries.compute()
    assert deliveries.index.dtype == got.index.dtype == text
    assert bk_fast.allocate(orders.compute(), supply).deliveries["item"].dtype == text
    on_hand = pd.Series([2.0, 2.0], index=pd.Index(supply["item"].array))
    lazy = bkd.weekly_balance(on_hand, orders, npartitions=2)
    expected = bk_fast.weekly_balance(on_hand, orders.compute()).index.dtype
    assert lazy.index.dtype == lazy.compute().index.dtype == expected == _arrow_text("string")


# ----------------------------------------------------------------------------------------------------------
# audit rev31: an input whose partitions hold pandas ``string`` and ``str`` ids counts as its compute() gives it
# (``string``); its ids read through NumPy (``str``) were cast to ``str`` beside Arrow text ids (since 1631b34
# beside a supply mixing Arrow ``string`` and ``large_string`` partitions too)


def _text_files(frames):
    """One Dask partition per frame, each frame's ``item`` column in its own text dtype."""
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_map(lambda j: frames[j], list(range(len(frames))), enforce_metadata=False)


def _string_str_orders(first="string", second="str"):
    return _text_files([
        pd.DataFrame({"order": [1, 2], "item": pd.array(["c1", "c3"], dtype=first), "qty": 3.0, "priority": 1,
                      "due": 0}),
        pd.DataFrame({"order": [3, 4], "item": pd.array(["c5", "c2"], dtype=second), "qty": 3.0, "priority": 1,
                      "due": 0})])


def _deliveries_keep(orders, supply, dtype):
    """The deliveries of Dask ``orders`` and ``supply`` are declared and computed ``dtype``, as in memory."""
    expected = bk_fast.allocate(orders.compute(), supply.compute()).deliveries
    assert expected["item"].dtype == dtype
    deliveries = bkd.allocate(orders, supply, npartitions=2).deliveries
    got = deliveries.compute()
    assert deliveries.index.dtype == got.index.dtype == dtype
    pd.testing.assert_frame_equal(got.reset_index(), expected.sort_values("item", ignore_index=True),
                                  check_like=True)


def test_allocate_string_and_str_order_partitions_beside_arrow_mixed_supply_keep_string(local):
    """Orders of ``string`` and ``str`` partitions (compute(), memory: ``string``) beside a supply of Arrow
    ``string`` and ``large_string`` partitions: the deliveries were declared and computed ``str`` since 1631b34."""
    orders = _string_str_orders()
    supply = _text_files([
        pd.DataFrame({"item": pd.array(["c1", "c5"], dtype=_arrow_text("string")), "period": 0, "qty": 2.0}),
        pd.DataFrame({"item": pd.array(["c2"], dtype=_arrow_text("large_string")), "period": 0, "qty": 2.0})])
    _deliveries_keep(orders, supply, "string")


@pytest.mark.parametrize("first, second", [("string", "str"), ("str", "string")])
def test_string_and_str_partitions_beside_other_text_keep_string(local, first, second):
    """The same input beside a single-dtype Arrow supply (allocate) or ``str`` on hand (weekly_balance): declared
    and computed ``str`` before, where compute() and memory give ``string``."""
    orders = _string_str_orders(first, second)
    supply = pd.DataFrame({"item": pd.array(["c1", "c5", "c2"], dtype=_arrow_text("string")), "period": 0,
                           "qty": 2.0})
    assert bk_fast.allocate(orders.compute(), supply).deliveries["item"].dtype == "string"
    deliveries = bkd.allocate(orders, supply, npartitions=2).deliveries
    assert deliveries.index.dtype == deliveries.compute().index.dtype == "string"
    demand = orders.rename(columns={"due": "week"})[["item", "week", "qty"]]
    on_hand = pd.Series([1.0, 1.0], index=pd.Index(pd.array(["c1", "c9"], dtype="str")))
    expected = bk_fast.weekly_balance(on_hand, demand.compute())
    assert expected.index.dtype == "string"
    lazy = bkd.weekly_balance(on_hand, demand, npartitions=2)
    got = lazy.compute()
    assert lazy.index.dtype == got.index.dtype == "string"
    pd.testing.assert_frame_equal(got, expected.sort_index())


# ----------------------------------------------------------------------------------------------------------
# audit rev34: an input of pandas ``str`` and ``string`` partitions, all empty, and an input of ``str``
# partitions beside an empty one read as object (an empty file): declared ``str``, computed otherwise


def _str_orders(*parts):
    """Orders of one partition per ``(dtype, ids)``."""
    return _text_files([pd.DataFrame({"order": np.arange(len(ids)), "item": pd.Series(ids, dtype=dtype),
                                      "qty": 1.0, "priority": 0, "due": 0}) for dtype, ids in parts])


def test_allocate_empty_str_and_string_order_partitions_keep_str(local):
    """compute() and memory give ``str`` (the first partition's dtype); each result partition concatenating
    the empty ``str`` and ``string`` pieces gave ``string``."""
    orders = _str_orders(("str", []), ("string", []))
    supply = pd.DataFrame({"item": [1.0, 2.0], "period": 0, "qty": 1.0})
    expected = bk_fast.allocate(orders.compute(), supply).deliveries["item"].dtype
    assert expected == "str"
    deliveries = bkd.allocate(orders, supply, npartitions=1).deliveries
    assert deliveries.index.dtype == deliveries.compute().index.dtype == expected


def test_allocate_str_orders_with_an_empty_object_partition_keep_str(local):
    """compute() drops the empty object partition: the orders are ``str``, as memory gives the deliveries;
    they were computed object beside a supply of ``str`` and an empty ``string`` partition."""
    orders = _str_orders(("str", ["a", "b"]), (object, []), ("str", ["c", "d"]))
    supply = _text_files([pd.DataFrame({"item": pd.array(ids, dtype=dtype), "period": 0, "qty": 1.0})
                          for dtype, ids in (("str", ["a"]), ("string", []))])
    _deliveries_keep(orders, supply, "str")

"""Item ids beyond int64 met by ids of another integer kind (review rev46's findings in the in-memory functions):
object ids of Python ints beyond int64 beside int64 ids, and categorical ids of integers beside integer ids of the
other signedness. pandas unites such ids through float64 (2**63 + 7 read as 9.223372036854776e+18; two ids beyond
2**63 became one) or uint64 depending on the order; ``bk_fast._validate.same_ids`` now makes them one integer kind
first (uint64 where no id is negative, else Python ints), so every input's rows land on their exact item."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bk_fast

BIG = 2 ** 63 + 7


def _gross(ids, dtype=None):
    return pd.DataFrame({"item": np.array(ids, dtype=dtype), "period": [0] * len(ids),
                         "qty": [5.0, 6.0][:len(ids)]})


def test_object_ids_beyond_int64_beside_int64_ids(engine):
    """int64 gross ids (10, 8) and on_hand (30) with receipts keyed by an object Python int 2**63 + 7 (an export
    of big ids): net_requirements raised numpy's "'list' argument must have no negative elements" (the union was
    float64 and missed the receipt's id); weekly_balance gave uint64. Both now key the four items uint64, exactly,
    and the receipt of 1 lands on its item in period 1."""
    on_hand = pd.Series([1.0], index=pd.Index(np.array([30])))
    receipts = pd.DataFrame({"item": np.array([BIG], dtype=object), "period": [1], "qty": [1.0]})
    res = bk_fast.net_requirements(_gross([10, 8]), on_hand, receipts, engine=engine)
    assert res.items.dtype == np.uint64 and res.items.tolist() == [10, 8, BIG, 30]
    assert res.scheduled.tolist() == [[0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    assert res.net.tolist() == [[5.0, 0.0], [6.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    bal = bk_fast.weekly_balance(on_hand, _gross([10, 8]), receipts, engine=engine)
    assert bal.index.dtype == np.uint64 and sorted(bal.index.tolist()) == [8, 10, 30, BIG]
    assert bal.loc[BIG, 1] == 1.0 and bal.loc[30, 1] == 1.0 and bal.loc[10, 1] == -5.0


def test_object_ids_below_int64_beside_unsigned_ids_beyond_it_are_python_ints(engine):
    """A negative object id beyond int64 (-2**70) beside int64 ids: no unsigned kind holds them all, so every
    integer input is read as Python ints (object), exactly."""
    receipts = pd.DataFrame({"item": np.array([-(2 ** 70)], dtype=object), "period": [1], "qty": [1.0]})
    res = bk_fast.net_requirements(_gross([10, 8]), None, receipts, engine=engine)
    assert res.items.dtype == object and res.items.tolist() == [10, 8, -(2 ** 70)]
    assert res.scheduled[2].tolist() == [0.0, 1.0]


def test_object_ids_within_int64_beside_uint64_ids_beyond_it_stay_exact(engine):
    """Gross keyed by object Python ints within int64 (8, 10: an export read without a dtype), on_hand by uint64
    ids (10, 2**63 + 7), receipts by int64 (10, 30): pandas unites object ints with uint64 ids through float64, so
    the items were float64 and 2**63 + 7 became 9.223372036854776e+18 (another id: 2**63 + 8 rounds to it too).
    The object ids are now read as int64 first, and all four items are uint64, exact; on_hand's 2.0 stays on its
    item, and the receipt of 1 meets item 10's gross of 6 in period 0."""
    gross = pd.DataFrame({"item": np.array([8, 10, 8], dtype=object), "period": [0, 0, 1], "qty": [5.0, 6.0, 7.0]})
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(np.array([10, BIG], dtype=np.uint64)))
    receipts = pd.DataFrame({"item": np.array([10, 30]), "period": [0, 1], "qty": [1.0, 2.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert res.items.dtype == np.uint64 and res.items.tolist() == [8, 10, 30, BIG]
    assert res.net.tolist() == [[5.0, 7.0], [4.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    assert res.projected[3].tolist() == [2.0, 2.0] and res.projected[2].tolist() == [0.0, 2.0]
    bal = bk_fast.weekly_balance(on_hand, gross, receipts, engine=engine)
    assert bal.index.dtype == np.uint64 and sorted(bal.index.tolist()) == [8, 10, 30, BIG]
    assert bal.loc[BIG, 1] == 2.0 and bal.loc[8, 1] == -12.0


def test_object_ids_within_int64_beside_nullable_unsigned_ids_are_integers(engine):
    """Object ids 8, 10 beside UInt64 on_hand and receipts ids (10, 21 / 10, 30): pandas appending them gave Float64
    items (8.0, 10.0); now the object ids are read as uint64 and the items are UInt64, the others' dtype."""
    gross = pd.DataFrame({"item": np.array([8, 10], dtype=object), "period": [0, 0], "qty": [5.0, 6.0]})
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(pd.array([10, 21], dtype="UInt64")))
    receipts = pd.DataFrame({"item": pd.array([10, 30], dtype="UInt64"), "period": [0, 0], "qty": [1.0, 2.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert str(res.items.dtype) == "UInt64" and res.items.tolist() == [8, 10, 30, 21]   # (gross, receipts, on_hand)
    assert res.net.tolist() == [[5.0], [4.0], [0.0], [0.0]]


def test_object_ids_within_int64_beside_an_empty_unsigned_input_stay_as_pandas_unites_them(engine):
    """An empty UInt64 on_hand meets no id: object gross and receipts ids (8, 10 / 10, 30) are united as pandas
    unites them, int64, not read as uint64 because of it (rev46's generator: 6 cases of net_requirements and
    weekly_balance had turned uint64 in memory)."""
    gross = pd.DataFrame({"item": np.array([8, 10], dtype=object), "period": [0, 0], "qty": [5.0, 6.0]})
    on_hand = pd.Series([], index=pd.Index(pd.array([], dtype="UInt64")), dtype=np.float64)
    receipts = pd.DataFrame({"item": np.array([10, 30], dtype=object), "period": [0, 0], "qty": [1.0, 2.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert res.items.dtype == np.int64 and res.items.tolist() == [8, 10, 30]
    assert res.net.tolist() == [[5.0], [5.0], [0.0]]


def test_an_empty_signed_input_leaves_nullable_unsigned_ids_as_they_are(engine):
    """UInt64 gross and receipts ids (10, 8 / 30) beside an empty int64 on_hand: the empty input meets no id, but it
    made the unsigned ids int64 (items int64, the nullable dtype lost; bk_fast.dask kept UInt64: 8 of rev46's
    generated cases differed so). Now UInt64, in memory as lazily."""
    gross = pd.DataFrame({"item": pd.array([10, 8], dtype="UInt64"), "period": [0, 0], "qty": [5.0, 6.0]})
    on_hand = pd.Series([], index=pd.Index(np.array([], dtype=np.int64)), dtype=np.float64)
    receipts = pd.DataFrame({"item": pd.array([30], dtype="UInt64"), "period": [0], "qty": [1.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert str(res.items.dtype) == "UInt64" and res.items.tolist() == [10, 8, 30]
    assert res.net.tolist() == [[5.0], [6.0], [0.0]]
    bal = bk_fast.weekly_balance(on_hand, gross, receipts, engine=engine)
    assert str(bal.index.dtype) == "UInt64" and bal.loc[30, 0] == 1.0


def test_python_int_ids_beyond_int64_beside_text_ids_are_united_exactly(engine):
    """uint64 gross ids (2**63 + 7, 10) beside an int64 on_hand with a negative id (-3, 21): no integer dtype
    holds them all, so they are Python ints (object); beside text receipt ids ('a', 'b') the item union's isin
    raised pandas' OverflowError ("Python int too large to convert to C long", for the ints beyond int64 beside
    Arrow-backed text). The union now compares them as objects: six exact items."""
    gross = pd.DataFrame({"item": np.array([BIG, 10], dtype=np.uint64), "period": [0, 0], "qty": [5.0, 6.0]})
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(np.array([-3, 21])))
    receipts = pd.DataFrame({"item": np.array(["a", "b"], dtype=object), "period": [0, 1], "qty": [1.0, 2.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert res.items.dtype == object and res.items.tolist() == [BIG, 10, "a", "b", -3, 21]
    assert res.net.tolist() == [[5.0, 0.0], [6.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]


def test_arrow_unsigned_ids_beside_two_other_unsigned_dtypes_stay_integers(engine):
    """UInt64 gross (8, 10), uint64 on_hand (10, 21) and uint64[pyarrow] receipts (10, 30): pandas unites UInt64
    with Arrow unsigned ids as int64 (ids below 2**63), then meets the uint64 ones through float64: items 8.0,
    10.0, 30.0, 21.0. Arrow unsigned ids beside another unsigned dtype are read as uint64 first: UInt64 items."""
    pa = pytest.importorskip("pyarrow")
    gross = pd.DataFrame({"item": pd.array([8, 10], dtype="UInt64"), "period": [0, 0], "qty": [5.0, 6.0]})
    on_hand = pd.Series([1.0, 2.0], index=pd.Index(np.array([10, 21], dtype=np.uint64)))
    receipts = pd.DataFrame({"item": pd.array([10, 30], dtype=pd.ArrowDtype(pa.uint64())), "period": [0, 0],
                             "qty": [1.0, 2.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert str(res.items.dtype) == "UInt64" and res.items.tolist() == [8, 10, 30, 21]
    assert res.net.tolist() == [[5.0], [4.0], [0.0], [0.0]]


def test_uint64_ids_beyond_int64_beside_categorical_ints(engine):
    """uint64 gross ids 2**63 + 7 and 2**63 + 8 beside receipts keyed by a categorical of int64 (30): the union was
    float64, where the two ids are one (pandas' InvalidIndexError "Reindexing only valid with uniquely valued
    Index objects"), and 2**63 + 7 beside 8 was rounded. Now uint64, exact, for both functions."""
    receipts = pd.DataFrame({"item": pd.Categorical([30]), "period": [1], "qty": [1.0]})
    for ids in ([BIG, BIG + 1], [BIG, 8]):
        gross = _gross(ids, np.uint64)
        res = bk_fast.net_requirements(gross, None, receipts, engine=engine)
        assert res.items.dtype == np.uint64 and res.items.tolist() == [*ids, 30]
        assert res.net.tolist() == [[5.0, 0.0], [6.0, 0.0], [0.0, 0.0]]
        bal = bk_fast.weekly_balance(0.0, gross, receipts, engine=engine)
        assert bal.index.dtype == np.uint64 and bal.index.tolist() == [*ids, 30]


def test_int64_ids_beside_categorical_of_uint64_match_exactly(engine):
    """int64 gross id 2**60 + 1 with receipts keyed by a categorical of uint64 holding the same id: through float64
    2**60 + 1 == 2**60, and the receipt (1 in period 0) must land on the gross item exactly: net 5 - 1 = 4."""
    b = 2 ** 60 + 1
    gross = _gross([b, 8])
    receipts = pd.DataFrame({"item": pd.Categorical(np.array([b], dtype=np.uint64)), "period": [0],
                             "qty": [1.0]})
    res = bk_fast.net_requirements(gross, None, receipts, engine=engine)
    assert res.items.tolist() == [b, 8]
    assert res.net.tolist() == [[4.0], [6.0]]


def test_object_ids_beyond_int64_in_two_inputs_beside_categorical_ints(engine):
    """Gross and on_hand both keyed by object Python ints beyond int64 (2**63 + 7 and 8; 2**63 + 8), receipts by a
    categorical of int64 (30): with no integer dtype among the inputs the categorical was left as it is and the
    union went through float64, where 2**63 + 7 and 2**63 + 8 are one id (InvalidIndexError). The object ids are
    now read as uint64 first, and the categorical beside them as its integers: uint64, exact."""
    gross = _gross([BIG, 8], object)
    on_hand = pd.Series([1.0], index=pd.Index(np.array([BIG + 1], dtype=object)))
    receipts = pd.DataFrame({"item": pd.Categorical([30]), "period": [1], "qty": [1.0]})
    res = bk_fast.net_requirements(gross, on_hand, receipts, engine=engine)
    assert res.items.dtype == np.uint64 and res.items.tolist() == [BIG, 8, 30, BIG + 1]
    assert res.net.tolist() == [[5.0, 0.0], [6.0, 0.0], [0.0, 0.0], [0.0, 0.0]]


def test_lazy_object_ids_beyond_int64_beside_nullable_unsigned_declared_as_computed(engine):
    """bk_fast.dask: int64 gross, on_hand keyed by an object 2**63 + 7 and receipts keyed UInt64: in memory the
    items are UInt64 (the object ids read as uint64 beside them); the lazy frames computed UInt64 but declared
    uint64, as object ids made the meta's own-dtype union give up (_numeric_ids)."""
    dd = pytest.importorskip("dask.dataframe")
    import bk_fast.dask as bkd

    on_hand = pd.Series([1.0], index=pd.Index(np.array([BIG], dtype=object)))
    receipts = pd.DataFrame({"item": pd.array([30, 8], dtype="UInt64"), "period": [1, 1], "qty": [1.0, 2.0]})
    want = bk_fast.net_requirements(_gross([10, 8]), on_hand, receipts, engine=engine)
    assert str(want.items.dtype) == "UInt64"
    lazy = bkd.net_requirements(dd.from_pandas(_gross([10, 8]), npartitions=2), on_hand, receipts, npartitions=2,
                                engine=engine)
    for frame in (lazy.record, lazy.orders, lazy.summary):
        assert str(frame._meta.index.dtype) == str(frame.compute().index.dtype) == "UInt64"
    assert lazy.summary.compute().index.tolist() == [8, 10, 30, BIG]

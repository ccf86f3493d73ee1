"""``bk_fast.erp.StyleIndex``: the ERP's style tables keyed once. Its answers must be exactly those of the tables
themselves (``erp_capacity``, the work-center lists and ``schedule_knit_orders``), on hand cases, on generated
tables full of the lookup's edge cases (white space of every kind, versions of one base, repeated styles with other
rates and work centers, missing cells, numbers written as floats), and when every key shares one hash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bk_fast import erp
from bk_fast.erp import StyleIndex, erp_capacity, schedule_knit_orders

CAP = pd.DataFrame({"Style": ["125792/1", "FF 10006/0001", "125792/2", "180001/20ST2", "125792/1"],
                    "lbs/day": [700.0, 450.0, 800.0, -90.0, 999.0]})
SWC = pd.DataFrame({"Style": ["125792/1", "125792/1", "FF 10006/0001", "125792/3", "180001/20ST2", "125792/1"],
                    "WC": ["9.38.20.F", "9.30.18.F", "9.30.18.F", "9.40.22.F", None, "9.38.20.F"]})


def _typed(values):
    """A list of work centers with each value's type (1 and 1.0 are equal but not the same answer)."""
    return None if values is None else [(type(v).__name__, v) for v in values]


def test_capacity_hand_case():
    """Exact text (the first of two rows wins: 700 not 999), without spaces, same base (the first version's
    rate: 125792/1's 700), a bad rate (-90: default), not found, and a missing style, as the table gives them."""
    styles = ["125792/1", "FF10006/0001", "125792/9", "180001/20ST2", "999/1", None]
    out = erp_capacity(styles, StyleIndex(CAP))
    assert out["lbs_per_day"].tolist() == [700.0, 450.0, 700.0, 616.0, 616.0, 616.0]
    assert out["rate_source"].tolist() == ["exact", "without spaces", "same base", "default (bad rate)",
                                           "default", "default"]
    pd.testing.assert_frame_equal(out, erp_capacity(styles, CAP))


def test_work_centers_hand_case():
    """Every distinct work center listed under the matched key, in table order, missing ones left out:
    125792/1 exact -> [9.38.20.F, 9.30.18.F] (its third row repeats the first); 125792/7 at the same base ->
    the work centers of every 125792 version (9.40.22.F of 125792/3 too); 180001/20ST2's only row has none ->
    None; no match -> None."""
    query = np.array(["125792/1", "125792/7", "180001/20ST2", "77/1", "FF10006/0001"], dtype=object)
    got = StyleIndex(CAP, SWC)._work_centers(query).tolist()
    assert got == [["9.38.20.F", "9.30.18.F"], ["9.38.20.F", "9.30.18.F", "9.40.22.F"], None, None,
                   ["9.30.18.F"]]
    assert got == erp._sched_work_centers(SWC, query).tolist()


def test_schedule_with_index_equals_tables(mill, engine):
    """The synthetic mill's schedule, jobs and machines, is the same with a StyleIndex as with the tables."""
    args = (mill["knit_orders"], mill["machines"])
    a = schedule_knit_orders(*args, mill["style_capacity"], mill["style_work_center"], start="2025-09-01",
                             engine=engine)
    b = schedule_knit_orders(*args, StyleIndex(mill["style_capacity"], mill["style_work_center"]),
                             start="2025-09-01", engine=engine)
    pd.testing.assert_frame_equal(a.jobs, b.jobs)
    pd.testing.assert_frame_equal(a.machines, b.machines)


def test_schedule_several_work_centers_with_index(engine):
    """A style under two work centers may go to any of their machines; an unknown style gets the reason; the
    same schedule either way."""
    ko = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": ["125792/1", "125792/1", "77/1"],
                       "Balance (lbs)": [700.0, 1400.0, 50.0], "Machine": [None, None, None],
                       "Quoted Date": pd.to_datetime(["2025-09-05", "2025-09-12", "2025-09-12"])})
    machines = pd.DataFrame({"WC": ["9.38.20.F", "9.30.18.F"], "MACH": [101, 102]})
    a = schedule_knit_orders(ko, machines, CAP, SWC, start="2025-09-01", engine=engine)
    b = schedule_knit_orders(ko, machines, StyleIndex(CAP, SWC), start="2025-09-01", engine=engine)
    pd.testing.assert_frame_equal(a.jobs, b.jobs)
    assert sorted(b.jobs["machine"].iloc[:2].tolist()) == [101.0, 102.0]  # (one each: both finish earliest)
    assert b.jobs["reason"].iloc[2] == "style has no work center in style_work_center"


_PIECES = ["125792", "FF", "10006", "18", "0999", "999", "A"]
_SPACE = ["", " ", "\xa0", "\t", "  "]


@st.composite
def _style(draw):
    """A style as exports write them: a base, maybe a space inside, maybe a version, white space around; or a
    whole number as a float or as its text with .0; or missing."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return None
    if kind == 1:
        return float(draw(st.sampled_from([125792, 999, 18])))
    if kind == 2:
        return draw(st.sampled_from(["125792.0", "999.00", " 18.0"]))
    base = draw(st.sampled_from(_PIECES))
    if draw(st.booleans()):
        base = base[:1] + draw(st.sampled_from(_SPACE)) + base[1:]
    if draw(st.booleans()):
        base += "/" + draw(st.sampled_from(["1", "2", "0001", "20ST2", " 1"]))
    return draw(st.sampled_from(_SPACE)) + base + draw(st.sampled_from(_SPACE))


_WC = st.sampled_from(["9.38.20.F", "9.30.18.F", "W3", None, 1, 1.0, "1"])


@given(table=st.lists(st.tuples(_style(), st.floats(-10, 900) | st.just(float("nan")), _WC), max_size=25),
       query=st.lists(_style(), max_size=12), arrow=st.booleans())
@settings(max_examples=150, deadline=None)
def test_generated_tables_equal_tables(table, query, arrow):
    """On generated tables and queries (object columns, or pandas' str when every style is text), the index's
    capacity and work-center answers equal the tables': values, sources, and the work centers' types."""
    styles = [t[0] for t in table]
    dtype = "str" if arrow and all(isinstance(s, str) or s is None for s in styles) else object
    cap = pd.DataFrame({"Style": pd.Series(styles, dtype=dtype), "lbs/day": [t[1] for t in table]})
    swc = pd.DataFrame({"Style": pd.Series(styles, dtype=dtype), "WC": pd.Series([t[2] for t in table],
                                                                                 dtype=object)})
    index = StyleIndex(cap, swc)
    pd.testing.assert_frame_equal(erp_capacity(query, index), erp_capacity(query, cap))
    distinct = np.asarray(pd.unique(pd.Series(query, dtype=object)), dtype=object)
    assert list(map(_typed, index._work_centers(distinct))) == \
        list(map(_typed, erp._sched_work_centers(swc, distinct)))


def test_one_hash_for_every_key(monkeypatch, mill):
    """With every key hashed alike (as if all collided) the lookup compares the text and still finds each key's
    own first row: the same capacities and work centers as the tables give."""
    monkeypatch.setattr(erp, "_key_hashes", lambda keys, engine=None: np.zeros(len(keys), dtype=np.uint64))
    cap, swc = mill["style_capacity"].iloc[:300], mill["style_work_center"].iloc[:300]
    query = pd.concat([cap["Style"].iloc[::7], pd.Series([" 1/1", "nope", None])]).to_numpy(dtype=object)
    index = StyleIndex(cap, swc)
    assert len(index._capacity.hash[0]) > 1  # (many keys, one hash)
    pd.testing.assert_frame_equal(erp_capacity(query, index), erp_capacity(query, cap))
    distinct = np.asarray(pd.unique(pd.Series(query, dtype=object)), dtype=object)
    assert index._work_centers(distinct).tolist() == erp._sched_work_centers(swc, distinct).tolist()


def test_some_keys_sharing_a_hash(monkeypatch, mill):
    """With hashes reduced to 5 values (many keys per hash, but not all: the sorted runs of one hash hold
    different keys) the build keys the tables by their codes instead, and a lookup compares the text: the same
    capacities and work centers as the tables give."""
    real = erp._key_hashes
    monkeypatch.setattr(erp, "_key_hashes", lambda keys, engine=None: real(keys, engine) % np.uint64(5))
    cap, swc = mill["style_capacity"].iloc[:400], mill["style_work_center"].iloc[:400]
    query = pd.concat([cap["Style"].iloc[::5], swc["Style"].iloc[3::9] + " ", pd.Series(["x/1", None])])
    query = query.to_numpy(dtype=object)
    index = StyleIndex(cap, swc)
    assert len(index._capacity.hash[0]) > 5 and set(index._capacity.hash[0].tolist()) <= set(range(5))
    pd.testing.assert_frame_equal(erp_capacity(query, index), erp_capacity(query, cap))
    distinct = np.asarray(pd.unique(pd.Series(query, dtype=object)), dtype=object)
    assert index._work_centers(distinct).tolist() == erp._sched_work_centers(swc, distinct).tolist()


@pytest.mark.parametrize("table", ["style_capacity", "style_work_center"])
def test_keys_by_hash_equal_keys_by_codes(mill, engine, table):
    """The build's sort of every row's hash gives what a factorize of the keys gives (each row's key as its
    first row; the distinct keys' first rows and hashes, by hash) at each level of the mill's tables (at the
    same base about two rows a key), with a missing style and a repeated one added."""
    text = erp._sched_text(pd.concat([mill[table]["Style"], pd.Series([None, "125792/1"])]))
    for lv in range(3):
        key = erp._sched_key(text, lv)
        by_hash = erp._keyed_by_hash(key, engine)
        assert by_hash is not None
        for a, b in zip(by_hash, erp._keyed_by_codes(key, engine)):
            np.testing.assert_array_equal(a, b)
        assert by_hash[0][-2] == -1 and by_hash[0][-1] == by_hash[0][text.tolist().index("125792/1")]


def test_index_engines_agree(mill):
    """An index built on one engine answers lookups on another (the same hashes on every engine)."""
    from bk_fast._engine import engine_status

    engines = [e for e in ("numpy", "numba", "cython") if engine_status(e).available]
    cap = mill["style_capacity"]
    query = pd.concat([cap["Style"].iloc[::11], pd.Series(["FF10006/0001", "77/1"])]).to_numpy(dtype=object)
    want = erp_capacity(query, cap)
    for build in engines:
        index = StyleIndex(cap, engine=build)
        for look in engines:
            index._capacity.engine = look
            pd.testing.assert_frame_equal(erp_capacity(query, index), want)


_KEY_TEXT = st.text(st.sampled_from(["A", "7", "/", " ", "\xa0", "\t", "\n", "\u3000", "\u2028", "\x1c", ".",
                                     "é", "\u200b"]), max_size=8)


@given(values=st.lists(st.one_of(st.none(), _KEY_TEXT), max_size=20))
@settings(max_examples=200, deadline=None)
def test_key_levels_equal_the_erp_patterns(values):
    """The level keys (white space removed only where a value may hold some; the base cut by a split on Arrow
    text) equal the ERP's patterns applied by Python's re to every value, on pyarrow's and Python's str."""
    import re

    nospace = [None if v is None else re.sub(erp._SCHED_SPACE, "", v) for v in values]
    base = [None if v is None else re.sub(r"/.*$", "", v) for v in nospace]
    storages = ["pyarrow", "python"] if erp._sched_arrow(pd.Series(["a"], dtype="str")) else ["python"]
    for storage in storages:
        col = pd.Series(values, dtype=pd.StringDtype(storage, na_value=np.nan), index=range(5, 5 + len(values)))
        for lv, want in ((1, nospace), (2, base)):
            got = erp._sched_key(col, lv)
            assert got.dtype == col.dtype and got.index.equals(col.index)
            assert [None if pd.isna(v) else v for v in got] == want, (storage, lv)


def test_tables_not_modified_and_later_edits_not_seen():
    """Building the index leaves the tables as they were; editing them afterwards does not change its answers
    (it holds its own copy)."""
    cap, swc = CAP.copy(), SWC.copy()
    index = StyleIndex(cap, swc)
    pd.testing.assert_frame_equal(cap, CAP)
    pd.testing.assert_frame_equal(swc, SWC)
    cap.loc[0, "lbs/day"] = 1.0
    cap.loc[1, "Style"] = "other"
    swc.loc[0, "WC"] = "X"
    out = erp_capacity(["125792/1", "FF 10006/0001"], index)
    assert out["lbs_per_day"].tolist() == [700.0, 450.0]
    assert index._work_centers(np.array(["125792/1"], dtype=object)).tolist() == [["9.38.20.F", "9.30.18.F"]]


def test_errors_name_what_is_wrong():
    """Bad tables are named when the index is built; a schedule needs the work centers, given once."""
    with pytest.raises(ValueError, match="lbs/day"):
        StyleIndex(CAP.drop(columns="lbs/day"))
    with pytest.raises(ValueError, match="WC"):
        StyleIndex(CAP, SWC.drop(columns="WC"))
    with pytest.raises(TypeError, match="style_capacity"):
        StyleIndex([1, 2])
    ko = pd.DataFrame({"Order #": ["K1"], "Style #": ["125792/1"], "Balance (lbs)": [10.0]})
    machines = pd.DataFrame({"WC": ["9.38.20.F"], "MACH": [101]})
    with pytest.raises(ValueError, match="built without a style_work_center"):
        schedule_knit_orders(ko, machines, StyleIndex(CAP), start="2025-09-01")
    with pytest.raises(TypeError, match="must be omitted"):
        schedule_knit_orders(ko, machines, StyleIndex(CAP, SWC), SWC, start="2025-09-01")
    with pytest.raises(TypeError, match="needs style_work_center"):
        schedule_knit_orders(ko, machines, CAP, start="2025-09-01")


def test_repr_and_empty_tables():
    """The repr counts the rows; empty tables give the default rate and no work centers."""
    assert repr(StyleIndex(CAP, SWC)) == "StyleIndex(5 capacity rows, 6 work-center rows)"
    assert repr(StyleIndex(CAP)) == "StyleIndex(5 capacity rows, no work centers)"
    empty = StyleIndex(CAP.iloc[:0], SWC.iloc[:0])
    out = erp_capacity(["125792/1"], empty)
    assert out["lbs_per_day"].tolist() == [616.0] and out["rate_source"].tolist() == ["default"]
    assert empty._work_centers(np.array(["125792/1"], dtype=object)).tolist() == [None]


def test_work_center_types_inferred_as_the_tables_path_does():
    """The tables' path puts the work centers listed for the matched keys of one level into a frame, which reads
    them as one type when all are text or all dates: a NumPy string ``np.str_('W1')`` comes back as ``str`` (with
    pyarrow) and a ``datetime`` as a ``Timestamp`` (when every work center met is of that kind; ``'W1'`` beside the
    number 7 stays ``np.str_``). The index must give the same Python types, not the cells' own objects."""
    when = pd.Timestamp("2025-09-01").to_pydatetime()
    swc = pd.DataFrame({"Style": ["A", "B", "C", "C"],
                        "WC": pd.Series([np.str_("W1"), when, np.str_("W1"), 7], dtype=object)})
    index = StyleIndex(swc.assign(**{"lbs/day": 1.0}), swc)
    for query, values in ((["A"], [["W1"]]), (["B"], [[pd.Timestamp("2025-09-01")]]), (["C"], [["W1", 7]])):
        query = np.array(query, dtype=object)
        tables = erp._sched_work_centers(swc, query).tolist()
        # (by value here: the text's type depends on pandas' storage of text, str with pyarrow, np.str_ kept
        # without it; the index must give the tables' types either way)
        assert tables == values
        assert list(map(_typed, index._work_centers(query))) == list(map(_typed, tables))


def test_a_work_center_of_a_row_without_a_style_does_not_merge_others():
    """Decimal("1") on a row with no style must not decide how 1.0 and np.int64(1) of style A compare (pandas'
    factorize takes Decimal == np.int64 for unequal, its TypeError, while 1.0 equals both): A lists [1.0], as
    the tables do (found by review rev40: the build factorized every row's work center)."""
    from decimal import Decimal

    swc = pd.DataFrame({"Style": [None, "A", "A"], "WC": pd.Series([Decimal("1"), 1.0, np.int64(1)], dtype=object)})
    query = np.array(["A"], dtype=object)
    got = StyleIndex(swc.assign(**{"lbs/day": 1.0}), swc)._work_centers(query).tolist()
    assert got == [[1.0]] and type(got[0][0]) is float
    assert got == erp._sched_work_centers(swc, query).tolist()


def test_an_index_pickled_by_the_earlier_version_is_keyed_again(mill):
    """An index pickled before its hashes were the text_hash kernel's (pandas' hash_array, no ``engine`` nor
    ``distinct``) is keyed again when unpickled: the tables' answers, not lookups that miss every style."""
    import pickle

    cap, swc = mill["style_capacity"].iloc[:500], mill["style_work_center"].iloc[:500]
    index = StyleIndex(cap, swc)
    for prepared in (index._capacity, index._work_center):
        prepared.hash = [pd.util.hash_array(np.asarray(h, dtype=object)) for h in prepared.hash]
        del prepared.engine, prepared.distinct
    query = pd.concat([cap["Style"].iloc[::9], pd.Series(["77/1", None])]).to_numpy(dtype=object)
    again = pickle.loads(pickle.dumps(index))
    pd.testing.assert_frame_equal(erp_capacity(query, again), erp_capacity(query, cap))
    distinct = np.asarray(pd.unique(pd.Series(query, dtype=object)), dtype=object)
    assert again._work_centers(distinct).tolist() == erp._sched_work_centers(swc, distinct).tolist()


def test_styles_with_lone_surrogates_held_by_python():
    """With pandas' str held by Python (``mode.string_storage = "python"``) a style may hold a lone surrogate
    (Arrow refuses it): the index hashes the strings' bytes (surrogates passed through) and answers as the
    tables do (it raised UnicodeEncodeError, converting the keys to Arrow)."""
    with pd.option_context("mode.string_storage", "python"):
        cap = pd.DataFrame({"Style": ["A\ud800/1", "B 2/1", "A\ud800/2"], "lbs/day": [500.0, 600.0, 700.0]})
        query = np.array(["A\ud800/1", "A\ud800/9", "B2/1", "C/1"], dtype=object)
        got = erp_capacity(query, StyleIndex(cap))
        assert got["lbs_per_day"].tolist() == [500.0, 500.0, 600.0, 616.0]
        pd.testing.assert_frame_equal(got, erp_capacity(query, cap))

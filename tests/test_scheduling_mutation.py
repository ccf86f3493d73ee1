"""Tests closing the gaps a mutation audit of the Python layer of :func:`bk_fast.schedule` and
:func:`bk_fast.min_late_jobs` (``bk_fast/scheduling.py``) found: each test fails on one small change of that layer
(a flipped comparison, a dropped guard or permutation, a swapped tie-break) that the other tests let pass.
Expected values are worked out by hand in each test's docstring."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import bk_fast


def test_schedules_with_other_start_differ():
    """Two schedules whose frames are equal (nothing placed, so no dates) but whose start differs are not equal:
    ``==`` compares the start too (Schedule's Notes)."""
    jobs = pd.DataFrame({"qty": pd.Series([], dtype=float), "work_center": pd.Series([], dtype=object)})
    machines = pd.DataFrame({"machine": [1], "work_center": ["W"]})
    a = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01")
    b = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-08")
    assert a.jobs.equals(b.jobs) and a.machines.equals(b.machines)
    assert a.start == pd.Timestamp("2025-09-01") and b.start == pd.Timestamp("2025-09-08")
    assert a != b
    assert a == dataclasses.replace(b, start=pd.Timestamp("2025-09-01"))


_W1 = pd.DataFrame({"machine": [1], "work_center": ["W"]})


def test_late_is_latest_first(engine):
    """``Schedule.late`` lists the late jobs latest first. One machine, 100 lbs/day, EDD: A (100 lbs, due day 0)
    ends on day 1 (1 day late), B (300 lbs, due 0) ends on day 4 (4 late), C (100 lbs, due 9) on day 5, on time;
    so ``late`` is B then A (input order is A, B)."""
    jobs = pd.DataFrame({"job": ["A", "B", "C"], "qty": [100.0, 300.0, 100.0], "work_center": "W",
                         "due": [0, 0, 9]})
    s = bk_fast.schedule(jobs, _W1, rates=100.0, start="2025-09-01", rule="due", engine=engine)
    assert s.jobs["end_day"].tolist() == [1.0, 4.0, 5.0]
    assert s.late["job"].tolist() == ["B", "A"]
    assert s.late["days_late"].tolist() == [4.0, 1.0]


def test_horizon_ignores_jobs_after_it(engine):
    """Busy time inside ``horizon`` counts each job's part before it, never a negative part of a job starting
    after it. One machine, 100 lbs/day, three 200-lb jobs: [0, 2], [2, 4], [4, 6]; horizon 3: busy 2 + 1 + 0 = 3
    of 3 working days, 100 % (a job after the horizon subtracting 1 would give 66.7 %)."""
    jobs = pd.DataFrame({"qty": [200.0] * 3, "work_center": "W"})
    s = bk_fast.schedule(jobs, _W1, rates=100.0, start="2025-09-01", horizon=3, engine=engine)
    assert s.jobs["start_day"].tolist() == [0.0, 2.0, 4.0]
    assert s.machines["utilisation_pct"].iloc[0] == 100.0


def test_horizon_span_starts_at_availability(engine):
    """``utilisation_pct`` is over ``[available, horizon)``: a machine available from day 2 with one 200-lb job at
    100 lbs/day ([2, 4]) and horizon 6 is busy 2 of 4 working days, 50 % (over the whole 6 days: 33.3 %)."""
    machines = pd.DataFrame({"machine": [1], "work_center": ["W"], "available_from": [2]})
    jobs = pd.DataFrame({"qty": [200.0], "work_center": ["W"]})
    s = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01", horizon=6, engine=engine)
    assert s.jobs["start_day"].iloc[0] == 2.0
    assert s.machines["available_day"].iloc[0] == 2.0
    assert s.machines["utilisation_pct"].iloc[0] == 50.0


def test_available_before_start_is_day_0(engine):
    """A machine available before the schedule start (``available_from`` -2 working days, or the Friday before a
    Monday start) is available from day 0: ``available_day`` 0 and the utilisation measured from day 0 (one
    100-lb job at 100 lbs/day, [0, 1]: 100 %, not 1 of 3 days)."""
    for avail in (-2, pd.Timestamp("2025-08-29")):
        machines = pd.DataFrame({"machine": [1], "work_center": ["W"], "available_from": [avail]})
        jobs = pd.DataFrame({"qty": [100.0], "work_center": ["W"]})
        s = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01", engine=engine)
        assert s.jobs["start_day"].iloc[0] == 0.0 and s.jobs["end_day"].iloc[0] == 1.0
        assert s.machines["available_day"].iloc[0] == 0.0
        assert s.machines["utilisation_pct"].iloc[0] == 100.0


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_available_from_refused(value):
    """``available_from`` must be a finite date or number of working days: inf (never available) or -inf is a
    ValueError naming the machines' column and row, not a machine silently available from day 0 or never."""
    machines = pd.DataFrame({"machine": [1, 2], "work_center": ["W", "W"], "available_from": [0.0, value]})
    jobs = pd.DataFrame({"qty": [100.0], "work_center": ["W"]})
    with pytest.raises(ValueError, match=r"machines column 'available_from' row 1: expected a finite date"):
        bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01")


@pytest.mark.parametrize("rule", ["priority_due", "due", "spt"])
def test_missing_job_id_breaks_ties_last(engine, rule):
    """Ties of the rule's keys go to the job id; a missing id sorts after every id. Two equal jobs (100 lbs at
    100 lbs/day, no due) on one machine, ids [NaN, 2.0] in that row order: job 2 runs first [0, 1], the one
    without an id second [1, 2]."""
    jobs = pd.DataFrame({"job": [np.nan, 2.0], "qty": [100.0, 100.0], "work_center": "W"})
    s = bk_fast.schedule(jobs, _W1, rates=100.0, start="2025-09-01", rule=rule, engine=engine)
    assert s.jobs["start_day"].tolist() == [1.0, 0.0]
    assert s.jobs["end_day"].tolist() == [2.0, 1.0]


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_release_refused(value):
    """A job's ``release`` must be a finite date or number of working days: inf or -inf is a ValueError naming the
    jobs' column and row (not a job released at day 0)."""
    jobs = pd.DataFrame({"qty": [100.0, 100.0], "work_center": "W", "release": [1.0, value]})
    with pytest.raises(ValueError, match=r"jobs column 'release' row 1: expected a finite date"):
        bk_fast.schedule(jobs, _W1, rates=100.0, start="2025-09-01")


def test_machine_table_rows_follow_the_input_order(engine):
    """``machines`` has one row per machine in the input's order, whatever order the machines are numbered in
    inside (by work center, then id). Machines given as 3 (work center V, available from day 1), 2 (W), 1 (W);
    jobs: 100 lbs in W, then 300 and 100 lbs in V, at 100 lbs/day. The W job goes to machine 1 (tie of two idle
    machines: the lower id), [0, 1]; the V jobs to machine 3, [1, 4] and [4, 5]. Rows: machine 3: 2 jobs, 400 lbs,
    available 1, finish 5; machine 2: none; machine 1: 1 job, 100 lbs, available 0, finish 1."""
    machines = pd.DataFrame({"machine": [3, 2, 1], "work_center": ["V", "W", "W"], "available_from": [1, 0, 0]},
                            index=["r3", "r2", "r1"])
    jobs = pd.DataFrame({"qty": [100.0, 300.0, 100.0], "work_center": ["W", "V", "V"]})
    s = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01", engine=engine)
    assert s.jobs["machine"].tolist() == [1.0, 3.0, 3.0]
    assert s.jobs["end_day"].tolist() == [1.0, 4.0, 5.0]
    m = s.machines
    assert m.index.tolist() == ["r3", "r2", "r1"]
    assert m["machine"].tolist() == [3, 2, 1]
    assert m["work_center"].tolist() == ["V", "W", "W"]
    assert m["jobs"].tolist() == [2, 0, 1]
    assert m["lbs"].tolist() == [400.0, 0.0, 100.0]
    assert m["knit_days"].tolist() == [4.0, 0.0, 1.0]
    assert m["available_day"].tolist() == [1.0, 0.0, 0.0]
    np.testing.assert_array_equal(m["finish_day"].to_numpy(), [5.0, np.nan, 1.0])
    assert m["finish"].tolist()[0] == pd.Timestamp("2025-09-06 00:00")  # (24:00 of working day 4, a Friday)
    assert pd.isna(m["finish"].iloc[1])


@pytest.mark.parametrize("ids, dtype", [([2**53, 1], "float64"), ([-(2**53), 1], "float64"),
                                         ([2**53 + 1, 1], "object"), ([-(2**53) - 1, 1], "object")])
def test_machine_ids_beyond_2_53_are_exact(engine, ids, dtype):
    """Integer machine ids show as float64 in ``jobs['machine']`` while float64 holds them (within 2**53 in
    magnitude, either sign), else as exact Python ints (object). The only job, in work center W, goes to the
    first machine, the only one there."""
    machines = pd.DataFrame({"machine": np.array(ids, dtype=np.int64), "work_center": ["W", "V"]})
    jobs = pd.DataFrame({"qty": [100.0], "work_center": ["W"]})
    s = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01", engine=engine)
    col = s.jobs["machine"]
    assert col.dtype == np.dtype(dtype)
    assert col.iloc[0] == ids[0]
    if dtype == "object":
        assert type(col.iloc[0]) is int and col.iloc[0] - ids[0] == 0


@pytest.mark.parametrize("rate", [0.0, -100.0])
def test_job_rate_must_be_positive(rate):
    """A job's own ``rate`` column must be > 0 lbs/day: 0 or -100 is a ValueError naming the column and row (a
    negative rate would give a negative duration, 0 an infinite one)."""
    jobs = pd.DataFrame({"qty": [100.0, 100.0], "work_center": "W", "rate": [100.0, rate]})
    with pytest.raises(ValueError, match=r"jobs column 'rate' row 1: expected a rate in lbs/day > 0"):
        bk_fast.schedule(jobs, _W1, start="2025-09-01")


# machines given in the row order 2, 1 (their internal numbering is by id: 1, 2), both in work center W
_M21 = pd.DataFrame({"machine": [2, 1], "work_center": ["W", "W"], "current_style": ["X", "X"]})


@pytest.mark.parametrize("how", ["machines-column", "rates-frame"])
def test_rates_per_machine_follow_the_machine(engine, how):
    """Rates per machine belong to their machine whatever the row order: machine 2 knits 200 lbs/day, machine 1
    100. A 200-lb job takes 1 working day on machine 2 and 2 on machine 1: it goes to machine 2, [0, 1]."""
    jobs = pd.DataFrame({"qty": [200.0], "work_center": ["W"]})
    if how == "machines-column":
        s = bk_fast.schedule(jobs, _M21.assign(rate=[200.0, 100.0]), start="2025-09-01", engine=engine)
    else:
        rates = pd.DataFrame({"machine": [1, 2], "rate": [100.0, 200.0]})
        s = bk_fast.schedule(jobs, _M21, rates=rates, start="2025-09-01", engine=engine)
    assert s.jobs["machine"].iloc[0] == 2.0
    assert s.jobs["end_day"].iloc[0] == 1.0


def test_setup_per_machine_follows_the_machine(engine):
    """A changeover per machine belongs to its machine whatever the row order: setup {2: 0, 1: 1}, both machines
    on style X, one 100-lb job of style A at 100 lbs/day: machine 2 ends it on day 0 + 1 = 1, machine 1 on day
    1 + 1 = 2: it goes to machine 2 with no changeover days."""
    jobs = pd.DataFrame({"qty": [100.0], "style": ["A"], "work_center": ["W"]})
    s = bk_fast.schedule(jobs, _M21, rates=100.0, setup={2: 0.0, 1: 1.0}, start="2025-09-01", engine=engine)
    assert s.jobs["machine"].iloc[0] == 2.0
    assert s.jobs["setup_days"].iloc[0] == 0.0 and s.jobs["end_day"].iloc[0] == 1.0


def test_horizon_clips_a_job_running_past_it(engine):
    """Only the part of a job before ``horizon`` is busy time inside it: one 200-lb job at 100 lbs/day released on
    day 2 runs [2, 4]; with horizon 3 the machine is busy 1 of 3 working days, 33.3 % (the whole job: 66.7 %)."""
    jobs = pd.DataFrame({"qty": [200.0], "work_center": ["W"], "release": [2]})
    s = bk_fast.schedule(jobs, _W1, rates=100.0, start="2025-09-01", horizon=3, engine=engine)
    assert s.jobs["start_day"].iloc[0] == 2.0 and s.jobs["end_day"].iloc[0] == 4.0
    assert s.machines["utilisation_pct"].iloc[0] == pytest.approx(100.0 / 3.0, rel=1e-15)


_J1 = pd.DataFrame({"qty": [100.0], "style": ["A"], "work_center": ["W"]})
_M12 = pd.DataFrame({"machine": [1, 2], "work_center": ["W", "W"]})


@pytest.mark.parametrize("rates, message", [
    (pd.DataFrame({"machine": [1], "rate": [100.0]}), r"rates has no rate for machine 2"),
    (pd.Series([100.0, 200.0], index=["A", "A"]), r"rates: one rate per style"),
    (pd.DataFrame({"style": ["A", "A"], "rate": [100.0, 200.0]}), r"rates column 'style' row 1: expected one rate "
                                                                  r"per style"),
])
def test_bad_rate_tables_refused(rates, message):
    """A rates frame per machine must give every machine a rate (machine 2 missing: a ValueError naming it, not
    another machine's rate); a rates table per style must give each style one rate (a repeated style: a ValueError,
    not whichever rate comes first)."""
    with pytest.raises(ValueError, match=message):
        bk_fast.schedule(_J1, _M12, rates=rates, start="2025-09-01")


def test_missing_eligible_list_falls_back_to_the_work_center(engine):
    """A job whose ``eligible`` cell is missing (NaN) is matched by its work center; a job with an empty list is
    not placed, with that reason. Jobs: eligible [2], NaN (work center W) and [] ; 100 lbs each at 100 lbs/day on
    machines 1 and 2 in W: the first runs on machine 2 [0, 1], the second on the idle machine 1 [0, 1]."""
    jobs = pd.DataFrame({"qty": [100.0] * 3, "work_center": "W",
                         "eligible": pd.Series([[2], np.nan, []], dtype=object)})
    s = bk_fast.schedule(jobs, _M12, rates=100.0, start="2025-09-01", engine=engine)
    np.testing.assert_array_equal(s.jobs["machine"].to_numpy(), [2.0, 1.0, np.nan])
    assert s.jobs["end_day"].tolist()[:2] == [1.0, 1.0]
    assert s.jobs["reason"].iloc[2] == "empty list of eligible machines"


def test_rounding_residue_past_due_is_not_late(engine):
    """A job is late only beyond the rounding tolerance (schedule's Notes): 10 lbs then 20 lbs at 100 lbs/day end
    at 0.1 + 0.2 = 0.30000000000000004 working days, 5.6e-17 past a due of 0.3 (tolerance 2**-40 = 9.1e-13): on
    time, 0 days late."""
    jobs = pd.DataFrame({"job": [1, 2], "qty": [10.0, 20.0], "work_center": "W", "due": [0.1, 0.3]})
    s = bk_fast.schedule(jobs, _W1, rates=100.0, start="2025-09-01", rule="due", engine=engine)
    assert s.jobs["end_day"].iloc[1] == 0.1 + 0.2 > 0.3
    assert s.jobs["late"].tolist() == [False, False]
    assert s.jobs["days_late"].tolist() == [0.0, 0.0]
    assert s.late.empty

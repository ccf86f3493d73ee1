"""Mutation audit of the Numba scheduling kernels (``bk_fast/_kernels/_numba/scheduling.py``): gap tests.

Applied one at a time to a copy of the package, 103 mutants (the 4-machine LLVM vector step and its scalar
fallback, the choice between them, ``_group_kinds``' contiguity test, list_schedule's contiguous and general
paths: loop bounds, running minima, the end / load / code tie-breaks, the final state update; Moore-Hodgson's
heap, TwoSum, grow-expansion and exact comparison) were run against tests/test_scheduling.py,
test_scheduling_mutation.py and test_engines.py restricted to the numba engine
(``-k "numba or not (cython or numpy)"``).

* 72 killed by the existing tests (two of them, ``ends`` sized without the last group and the grow-expansion
  keeping zeros, by a crash: writes past an array's end).
* 17 equivalent (no input tells them apart):
  - the vector step's running minimum ``e < acc`` -> ``<=`` (V8) and the tail's ``m0 = min(e, m0)`` ->
    ``m1 = min(e, m1)`` (L13): equal ends only swap which of two equal values is kept, and ``min_end`` is only
    compared with ``==`` (the end reported is ``ends[arg]``); the scalar fallback's ``e0 < m0`` -> ``<=`` (S4)
    likewise;
  - ``k + 4 <= cnt`` -> ``<`` (L7): the last full block then goes through the one-machine tail, the same IEEE
    operations;
  - ``n_min > 1`` -> ``> 0`` (L19), the load scan from ``arg`` instead of ``arg + 1`` (L21), ``ends[k] ==
    min_end`` -> ``<=`` on either path (L27, L35: nothing is below the minimum, NaN fails both), and the general
    path's ``(ld == best_load) & (m < best)`` dropped (L32: machines come in ascending code, so a later tied
    machine is never the lower code);
  - ``_group_kinds``: ``k = lo + 1`` -> ``lo`` (G2, a trivially true first check), ``hi > lo`` -> ``>=`` (G1:
    an empty group is never referenced by a job), and every group sent to the general path (G6), or the vector
    step always replaced by the scalar one (O2): the paths give the reference's results bit for bit, only
    slower;
  - Moore-Hodgson: the ``due == inf`` break dropped (H9: the exact comparison with an infinite due never says
    late), a zero top component kept in the grow-expansion (H6: the next grow drops it again, ``_exceeds`` skips
    zeros), the sift-down's ``left >= size`` -> ``>`` and ``left + 1 < size`` -> ``<=`` (H13, H14: the stale
    slot ``heap[size]`` holds the sinking job itself, which ``_before`` never puts above itself).
* 3 equivalent on valid input only: the vector minimum's ordered ``<`` -> unordered (V9), the general path's
  starting ``best`` = the last machine (L29) and ``e = ends[0]`` -> 0.0 (L40) differ only where an end is NaN,
  which schedule() never passes (a job without a rate is not placed and gets work 0).
* 9 unreachable through the public API, closed by kernel-level tests below: the scalar fallback of the 4-machine
  step (S1 ``r > a`` -> ``>=``, S2 ``ls >= 0`` -> ``> 0``, S3 the changeover dropped, S5 ``range(4)`` ->
  ``range(3)``, S6 lane 3's minimum from lane 2) and the dropped C-layout check (O1) are taken only for strided
  state or non-int64 styles (schedule() passes C-contiguous int64/float64), and
  test_list_schedule_numba_strided_state never reached them (its int32 styles keep every layout off the vector
  step, and its runs cross the 8-machine blocks of one speed: the general path); ``e = ends[arg]`` ->
  ``min_end`` on the contiguous path (L26), ``e = ends[k - lo]`` -> ``min_end`` and ``r > a`` -> ``>=`` on the
  general path (L34, L37) differ only in the sign of a zero end, which needs a machine free at -0.0 (schedule()
  clamps times to >= +0.0).
* 2 gaps through the public API, each closed below by a test naming its mutant: G7 (``_group_kinds``' run test
  off by one) and H24 (``_exceeds`` taking the sign of the smallest residue instead of the largest).

Each test was verified to fail on its mutant and pass unmodified. No defect found: on every input here the
numba, cython and numpy engines agree bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast._engine import resolve


def test_eligible_list_with_a_gap_is_not_a_run_of_machines(engine):
    # kills G7: _group_kinds tests `group_mach[k] == group_mach[lo] + (k - lo + 1)`, so the list of codes
    # [0, 2, 3] (machines 1, 3, 4: with an eligible column the machines are numbered by id) passed as a run of
    # one speed, and the contiguous path read machines 0, 1, 2 (ids 1, 2, 3) instead. Machine 2, not eligible,
    # is free from day 0 (the mutant put the job there, [0, 1]); of the eligible ones machine 4 is free first,
    # day 2 (1 and 3 from day 5): 100 lbs at 100 lbs/day on machine 4, [2, 3].
    machines = pd.DataFrame({"machine": [1, 2, 3, 4], "work_center": "W", "available_from": [5.0, 0.0, 5.0, 2.0]})
    jobs = pd.DataFrame({"qty": [100.0], "work_center": ["W"], "eligible": pd.Series([[1, 3, 4]], dtype=object)})
    s = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01", engine=engine)
    assert s.jobs["machine"].tolist() == [4.0]
    assert s.jobs["start_day"].tolist() == [2.0] and s.jobs["end_day"].tolist() == [3.0]
    assert s.machines["jobs"].tolist() == [0, 0, 0, 1]
    ref = bk_fast.schedule(jobs, machines, rates=100.0, start="2025-09-01", engine="numpy")
    assert s == ref


def test_min_late_jobs_exact_total_signed_by_its_largest_residue(engine):
    # kills H24: _exceeds keeps the first nonzero TwoSum residue (`if h != 0.0 and last == 0.0`) instead of the
    # last, the largest: when the rounded sum cancels to 0 the sign of the exact difference is that of the
    # largest residue. All three due at d = 1 + 2**-52. Adding 1, 2**-53 + 2**-60 and 2**-120 gives the
    # expansion [2**-120, -(2**-53 - 2**-60), 1 + 2**-52] (exact sum 1 + 2**-53 + 2**-60 + 2**-120 < d); against
    # d the residues are 2**-120 then -(2**-53 - 2**-60) and the rounded part cancels: below d, every job on
    # time. The mutant read the sign of 2**-120: past due, and dropped the longest job (0).
    p = [1.0, 2.0**-53 + 2.0**-60, 2.0**-120]
    d = [1.0 + 2.0**-52] * 3
    r = bk_fast.min_late_jobs(p, d, engine=engine)
    assert r.n_late == 0
    assert r.on_time.tolist() == [True, True, True]
    assert r.sequence.tolist() == [0, 1, 2]
    ref = bk_fast.min_late_jobs(p, d, engine="numpy")
    assert np.array_equal(r.on_time, ref.on_time) and np.array_equal(r.sequence, ref.sequence)


def _kernel(engine, jobs, machines, ptr, group_mach, style_dtype=np.int64, strided=False):
    """list_schedule on ``jobs`` (group, work, release, style per job, in order) and ``machines`` (avail,
    last style, setup, load, speed per machine); the state arrays every other element of twice as long ones
    when ``strided``. Returns (machine, start, end, setup) per job and (avail, last style, load) per machine."""
    group, work, release, style = (np.array(c) for c in zip(*jobs))
    avail, last, setup, load, speed = (np.array(c) for c in zip(*machines))
    n, m = len(jobs), len(machines)
    state = [avail.astype(np.float64), last.astype(np.int64), load.astype(np.float64), setup.astype(np.float64)]
    if strided:
        wide = [np.zeros(2 * m, a.dtype) for a in state]
        for w, a in zip(wide, state):
            w[::2] = a
        state = [w[::2] for w in wide]
    out = [np.full(n, -7, np.int64), np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)]
    resolve("list_schedule", engine)(
        np.arange(n, dtype=np.int64), group.astype(np.int64), work.astype(np.float64), release.astype(np.float64),
        style.astype(style_dtype), np.array(ptr, np.int64), np.array(group_mach, np.int64), speed.astype(np.float64),
        state[3], state[0], state[1], state[2], *out)
    return out, state[:3]


def _same_bits(got, want) -> None:
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
        if a.dtype.kind == "f":
            np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


# one work center of 5 machines (codes 0-4, speed 1): a 4-machine step and the one-machine tail. Machine 3 runs
# style 0, the others style 1; changeovers 2 days; machine 3 is free from day 0, the others from day 3.
_RUN5 = [(3.0, 1, 2.0, 0.0, 1.0)] * 3 + [(0.0, 0, 2.0, 0.0, 1.0), (3.0, 1, 2.0, 0.0, 1.0)]
# two jobs of style 1, 1 day each, released at 0
_RUN5_JOBS = [(0, 1.0, 0.0, 1), (0, 1.0, 0.0, 1)]
# four machines free at -0.0 on style 0 with changeovers of -0.0 days; a job of style 1, work -0.0, released at
# +0.0: t = -0.0 (release only when greater), end (-0.0 + -0.0) + -0.0 = -0.0 on machine 0 (the tie's lowest)
_ZERO4 = [(-0.0, 0, -0.0, 0.0, 1.0)] * 4
_ZERO4_JOBS = [(0, -0.0, 0.0, 1)]


@pytest.mark.parametrize("form", ["int32-styles", "strided-state"])
@pytest.mark.parametrize("case", ["changeover", "signed-zero"])
def test_list_schedule_numba_scalar_step(form, case):
    # the numba kernel's 4-machine step runs as LLVM vectors on C-contiguous float64/int64 state with int64
    # styles, else as a scalar loop: schedule() always passes the former, so this calls the kernel directly,
    # in both forms that take the scalar loop (and, strided with int64 styles, the check that keeps the vector
    # loads away from strided state). Kills S1-S3, S5, S6 (the scalar loop) and O1 (the layout check dropped).
    # "changeover": job 0 ends on machine 3 at 0 + 2 (changeover from style 0) + 1 = 3, on the others at
    # 3 + 0 + 1 = 4: machine 3, [0, 3] with 2 days of changeover (S2 `ls > 0` and S3 no changeover: ends at 1;
    # S6 lane 3's minimum from lane 2 and S5 lane 3 unwritten: machine 3's end unseen). Job 1 ends at 4 on every
    # machine: the lowest load, machine 0 (machine 3 has 3 days), [3, 4]. "signed-zero": S1 `r >= a` starts at
    # +0.0 and ends at +0.0. O1 (vector loads over strided state) reads the zeros between the elements.
    if not bk_fast.engines()["numba"].available:
        pytest.skip("numba not available")
    machines, jobs = (_RUN5, _RUN5_JOBS) if case == "changeover" else (_ZERO4, _ZERO4_JOBS)
    ptr, group_mach = [0, len(machines)], list(range(len(machines)))
    got = _kernel("numba", jobs, machines, ptr, group_mach, style_dtype=np.int32 if form == "int32-styles"
                  else np.int64, strided=form == "strided-state")
    want = _kernel("numpy", jobs, machines, ptr, group_mach)
    _same_bits(got[0] + got[1], want[0] + want[1])
    out_m, out_start, out_end, out_setup = got[0]
    if case == "changeover":
        assert out_m.tolist() == [3, 0]
        assert out_start.tolist() == [0.0, 3.0] and out_end.tolist() == [3.0, 4.0]
        assert out_setup.tolist() == [2.0, 0.0]
        assert got[1][2].tolist() == [1.0, 0.0, 0.0, 3.0, 0.0]
    else:
        assert out_m.tolist() == [0]
        for a in (out_start, out_end, out_setup):
            assert a.tolist() == [0.0] and np.signbit(a).all()


def test_list_schedule_contiguous_end_is_the_chosen_machines(engine):
    # kills L26: the contiguous path reports `e = min_end` instead of the chosen machine's own end. Machines 0-4
    # (one speed, a run) on style 0, changeovers -0.0 days; machine 0 free at -0.0, 1-3 at 1, machine 4 at +0.0.
    # A job of style 1, work -0.0, released at +0.0 ends at (-0.0 + -0.0) + -0.0 = -0.0 on machine 0 and at
    # (+0.0 + -0.0) + -0.0 = +0.0 on machine 4: a tie of equal loads, machine 0 (the reference: the first
    # machine, a later one only when strictly earlier). The running minimum ends on machine 4's +0.0 (the tail's
    # min(e, m0) keeps its first argument among equals), which the mutant reported as the end. Kernel level only:
    # schedule() never frees a machine at -0.0.
    machines = [(-0.0, 0, -0.0, 0.0, 1.0)] + [(1.0, 0, -0.0, 0.0, 1.0)] * 3 + [(0.0, 0, -0.0, 0.0, 1.0)]
    args = ([(0, -0.0, 0.0, 1)], machines, [0, 5], range(5))
    got = _kernel(engine, *args)
    want = _kernel("numpy", *args)
    _same_bits(got[0] + got[1], want[0] + want[1])
    out_m, out_start, out_end, out_setup = got[0]
    assert out_m.tolist() == [0]
    for a in (out_start, out_end, out_setup, got[1][0][:1]):
        assert a.tolist() == [0.0] and np.signbit(a).all()


def test_list_schedule_general_path_end_is_the_chosen_machines(engine):
    # kills L34 (`e = min_end` instead of the chosen machine's end) and L37 (`t = r if r >= a`) on the general
    # path: the group [0, 2] is no run. Machine 0 is free at +0.0 with 1 day of load, machine 2 at -0.0 with none;
    # both on style 0, changeovers -0.0 days. A job of style 1, work -0.0, released at +0.0 ends at +0.0 on machine
    # 0 and at -0.0 on machine 2 (t = -0.0: release only when greater): equal ends, machine 2 has the lower load.
    # The running min(min_end, e) keeps machine 0's +0.0 (L34 reported it); L37 started machine 2 at +0.0, so it
    # ended at +0.0. Kernel level only: schedule() never frees a machine at -0.0.
    machines = [(0.0, 0, -0.0, 1.0, 1.0), (9.0, 0, -0.0, 0.0, 1.0), (-0.0, 0, -0.0, 0.0, 1.0)]
    args = ([(0, -0.0, 0.0, 1)], machines, [0, 2], [0, 2])
    got = _kernel(engine, *args)
    want = _kernel("numpy", *args)
    _same_bits(got[0] + got[1], want[0] + want[1])
    out_m, out_start, out_end, out_setup = got[0]
    assert out_m.tolist() == [2]
    for a in (out_start, out_end, out_setup, got[1][0][2:]):
        assert a.tolist() == [0.0] and np.signbit(a).all()
    assert got[1][2].tolist() == [1.0, 0.0, 0.0]

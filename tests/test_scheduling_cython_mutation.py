"""Mutation audit of the Cython scheduling kernels (``bk_fast/_kernels/_scheduling.pyx``): gap tests.

Applied one at a time to a copy of the package (only ``_scheduling`` rebuilt, with the release build's cython
directives and gcc flags; a fatal mutant, every job on machine 0, was killed first to show the rebuilt module is
the one loaded), 101 mutants were run against tests/test_scheduling.py, test_scheduling_mutation.py and
test_scheduling_kernel_mutation.py restricted to the cython engine (``-k "cython or not (numba or numpy)"``).
They cover the C code the numba twin does not share (``bkf_ls_group_kinds``' run test, ``bkf_ls_pick_contig``'s
64-bit tie mask and its scan for wider runs, the scalar 4-machine step and its tail, the AVX2 step with its
overlapping last step and lane reduction, the AVX2 / scalar dispatch and the ``_simd`` switch, the Python
wrapper's early return and ``ends`` sizing), then the shared loop (changeover rule, end, load and code
tie-breaks, state update) and Moore-Hodgson (heap order, sift-up / sift-down, TwoSum, grow-expansion, exact
comparison, the capacity of the running total).

* 79 killed by the existing tests, four of them by a crash (the AVX2 step without its overlap fix ``k = cnt -
  4``, ``ends`` sized without the last group, the grow-expansion keeping zero residues and the running total
  sized 4: writes past an array's end). For 21 the first failure was a Hypothesis test (random draws locally,
  a fixed seed in CI); P2, S4, V4 and G2 among them now also have the deterministic tests below.
* 19 equivalent (no valid input tells them apart):
  - ``bkf_ls_group_kinds``: an empty group marked a run (K1: no job has an empty group) and every group sent to
    the general path (K4); the dispatch always scalar (D1), AVX2 only from 5 machines (V9) and the scalar
    step's ``k + 4 <= cnt`` -> ``<`` (S5): the paths give the reference's results bit for bit, only slower;
  - ``bkf_ls_pick_contig``: the mask for ``cnt < 64`` only (P1) or never (P12: always the one-by-one scan), the
    lone-minimum shortcut dropped (P6), the load scan from ``arg`` instead of ``arg + 1`` (P8) and the scan's
    ``ends[arg] == min_end`` -> ``<=`` (P10): both find the first minimal end and scan the same ties, nothing is
    below the minimum;
  - the AVX2 running minimum ``_CMP_LT_OQ`` -> ``_CMP_LE_OQ`` (V6) and the general path's ``e < min_end`` ->
    ``<=`` (G11): ``min_end`` is only compared with ``==`` there (the reported end is the chosen machine's); the
    general path's ``(ld == best_load && m < best)`` dropped (G4: machines come in ascending code) and its
    starting ``best`` = the last machine (G9: overwritten by the first tie, differs only where every end is
    NaN, which schedule() never passes);
  - the wrapper's ``n_groups <= 0`` early return dropped (X15: without groups every job has g < 0, which the C
    loop marks -1 as well);
  - Moore-Hodgson: a zero top component kept by ``_grow`` (H6: the next grow drops it, ``_exceeds`` skips
    zeros), the ``due == inf`` break dropped (H10: an infinite due is never exceeded), the sift-down's ``left >=
    size`` -> ``>`` and ``left + 1 < size`` -> ``<=`` (H13, H14: the stale slot ``heap[size]`` holds the sinking
    job itself, never ``_before`` itself).
* 3 gaps (survivors), each closed below by a test naming its mutant: L3 (the contiguous path reports the
  scan's ``min_end`` instead of the chosen machine's ``ends[arg]``; kernel level: it needs a machine free at
  -0.0), S12 (the scalar 4-machine step's end ``t + (su + d)``; only with ``_simd(False)`` on an AVX2 CPU, where
  the API reaches it through that switch) and D2 (``_simd(False)`` not switching the AVX2 loop off).
* Deterministic kills added for mutants the existing suite killed only through a random draw: P2 (65 machines
  let into the 64-bit tie mask), S4, V4 and G2 (``t + (su + d)`` in the scalar tail, the AVX2 step and the
  general path: one test with S12).

Each test was verified to fail on its mutant's cython build and pass unmodified on the cython, numba and numpy
engines. No defect found: on every input here the three engines agree bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast._engine import resolve


def _list_schedule(engine, jobs, machines, ptr, group_mach, simd=True):
    """list_schedule on ``jobs`` (group, work, release, style per job, in this order) and ``machines`` (avail,
    last style, setup, load, speed per machine); ``simd=False`` forces the cython engine's scalar loop.
    Returns [machine, start, end, setup] per job and [avail, last style, load] per machine."""
    group, work, release, style = (np.array(c) for c in zip(*jobs))
    avail, last, setup, load, speed = (np.array(c, dtype=float) for c in zip(*machines))
    n = len(jobs)
    state = [avail, last.astype(np.int64), load]
    out = [np.full(n, -7, np.int64), np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)]
    if engine == "cython" and not simd:
        from bk_fast._kernels import _scheduling
        _scheduling._simd(False)
    try:
        resolve("list_schedule", engine)(
            np.arange(n, dtype=np.int64), group.astype(np.int64), work.astype(np.float64),
            release.astype(np.float64), style.astype(np.int64), np.array(ptr, np.int64),
            np.array(group_mach, np.int64), speed, setup, *state, *out)
    finally:
        if engine == "cython" and not simd:
            _scheduling._simd(True)
    return out, state


def _same_bits(got, want) -> None:
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
        if a.dtype.kind == "f":
            np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


@pytest.mark.parametrize("simd", [True, False])
def test_list_schedule_run_reports_the_lighter_tied_machines_end(engine, simd):
    # kills L3: the contiguous path reports `e = min_end`, the scan's minimum, instead of ends[arg], the chosen
    # machine's own end. Machines 0-4 (a run of one speed) on style 0, changeovers -0.0 days: machine 0 free at
    # +0.0 with 1 day of load, machine 1 free at -0.0 with none, machines 2-4 free at day 1. A job of style 1,
    # work -0.0, released at +0.0 ends at (+0.0 + -0.0) + -0.0 = +0.0 on machine 0 and, started at -0.0 (release
    # only when greater), at -0.0 on machine 1: a tie of ends, machine 1 has the lower load. Both cython scans
    # (AVX2: lanes 0-3, then 1-4, reduced lane 0 vs 2, 1 vs 3, 0 vs 1; scalar: four running minima) keep the
    # first of equal values, machine 0's +0.0, which the mutant reported as the end and the machine's new
    # availability. (test_list_schedule_contiguous_end_is_the_chosen_machines has the -0.0 on machine 0, which
    # every scan keeps: it kills the numba L26 but not this one.) Kernel level only: schedule() never frees a
    # machine at -0.0.
    if engine != "cython" and not simd:
        pytest.skip("the scalar loop switch is cython's")
    machines = [(0.0, 0, -0.0, 1.0, 1.0), (-0.0, 0, -0.0, 0.0, 1.0)] + [(1.0, 0, -0.0, 0.0, 1.0)] * 3
    args = ([(0, -0.0, 0.0, 1)], machines, [0, 5], range(5))
    got = _list_schedule(engine, *args, simd=simd)
    want = _list_schedule("numpy", *args)
    _same_bits(got[0] + got[1], want[0] + want[1])
    out_m, out_start, out_end, out_setup = got[0]
    assert out_m.tolist() == [1]
    for a in (out_start, out_end, out_setup, got[1][0][1:2]):
        assert a.tolist() == [0.0] and np.signbit(a).all()
    assert got[1][2].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_work_center_of_65_machines_finds_its_last_machine(engine):
    # kills P2: bkf_ls_pick_contig builds its bit mask of the minimal ends for runs of up to 64 machines (one
    # bit each in a uint64) and scans runs of more one by one; the mutant let 65 machines into the mask, where
    # machine 64's bit shifted by 64 (x86 counts shifts mod 64) landed on bit 0. A work center of 65 machines
    # (ids 1-65, codes 0-64), all free at day 1 but the last, free at 0: one job of 1 lb at 1 lb/day ends first
    # on machine 65, [0, 1]; the mutant read the mask as machine 1's and put it there, [1, 2]. The second job
    # ends at 2 on every machine: the lowest load, then the lowest id, machine 1, [1, 2] (the scan of the wide
    # run's ties). (test_list_schedule_layouts_equal_reference kills P2 only when its random draw has a run of
    # exactly 65 machines with a lone earliest end at the last one.)
    machines = pd.DataFrame({"machine": range(1, 66), "work_center": "W",
                             "available_from": [1.0] * 64 + [0.0]})
    jobs = pd.DataFrame({"qty": [1.0, 1.0], "work_center": "W"})
    s = bk_fast.schedule(jobs, machines, rates=1.0, start="2025-09-01", engine=engine)
    assert s.jobs["machine"].tolist() == [65.0, 1.0]
    assert s.jobs["start_day"].tolist() == [0.0, 1.0] and s.jobs["end_day"].tolist() == [1.0, 2.0]
    assert s.machines["jobs"].tolist() == [1] + [0] * 63 + [1]
    assert s == bk_fast.schedule(jobs, machines, rates=1.0, start="2025-09-01", engine="numpy")


@pytest.mark.parametrize("simd", [True, False])
def test_end_adds_changeover_then_knitting_in_that_order(engine, simd):
    # kills S12 (the scalar 4-machine step), S4 (its one-machine tail), V4 (the AVX2 step) and G2 (the general
    # path), each computing an end as `t + (su + d)` instead of the reference's `(t + su) + d`. Every machine is
    # free at 0.5 on style A with a changeover of 2**-54 days; each job (style B) is 2**-54 lbs at 1 lb/day. In
    # order, 0.5 + 2**-54 is a tie that rounds to even, 0.5, and so does adding 2**-54 again: every job ends at
    # 0.5 (the exact 0.5 + 2**-53 is one ulp above, the mutants' end). All machines tie: the lowest id of each
    # group. Work center W5 (machines 1-5) takes the 4-wide steps (AVX2, or the scalar loop with simd=False:
    # the cython switch, only where the API calls the kernel; test_list_schedule_layouts_equal_reference kills
    # S12 only when its random floats round the two ways differently on a chosen machine), W3 (6-8) the tail,
    # the eligible list [9, 11] the general path.
    if engine != "cython" and not simd:
        pytest.skip("the scalar loop switch is cython's")
    machines = pd.DataFrame({"machine": range(1, 12), "work_center": ["W5"] * 5 + ["W3"] * 3 + ["W2"] * 3,
                             "available_from": 0.5, "current_style": "A"})
    jobs = pd.DataFrame({"qty": 2.0**-54, "style": "B", "work_center": ["W5", "W3", "W2"],
                         "eligible": pd.Series([None, None, [9, 11]], dtype=object)})
    kw = dict(rates=1.0, setup=2.0**-54, start="2025-09-01")
    if engine == "cython" and not simd:
        from bk_fast._kernels import _scheduling
        _scheduling._simd(False)
        try:
            s = bk_fast.schedule(jobs, machines, engine=engine, **kw)
        finally:
            _scheduling._simd(True)
    else:
        s = bk_fast.schedule(jobs, machines, engine=engine, **kw)
    assert s.jobs["machine"].tolist() == [1.0, 6.0, 9.0]
    assert s.jobs["start_day"].tolist() == [0.5] * 3 and s.jobs["end_day"].tolist() == [0.5] * 3
    assert s == bk_fast.schedule(jobs, machines, engine="numpy", **kw)


def test_simd_switch_forces_the_scalar_loop():
    # kills D2: `_simd(False)` left the AVX2 loop on (`bkf_ls_simd = 1`), so the tests that switch to the scalar
    # loop (test_list_schedule_layouts_equal_reference, the simd=False cases here) silently ran AVX2 again and
    # S6, S8-S10, S12, S13 (the scalar 4-machine step) went unseen. The switch reports the setting in force.
    if not bk_fast.engines()["cython"].available:
        pytest.skip("cython not available")
    from bk_fast._kernels import _scheduling
    try:
        assert _scheduling._simd(False) is False
        assert _scheduling._simd() is False
    finally:
        _scheduling._simd(True)

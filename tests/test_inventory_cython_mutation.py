"""Mutation audit of the Cython inventory kernels (``bk_fast/_kernels/_inventory.pyx``: theoretical_balance,
planning_balance and the fused yarn_risk pass, its scalar C loops and their AVX2 twins), against
tests/test_inventory.py and the inventory parts of tests/test_compat.py, test_compat_mutation.py, test_engines.py
and test_api_seams.py run on the cython engine. Every mutant was compiled as the release build compiles the module
(the same Cython directives and C flags, -O3 -DNDEBUG -ffp-contract=off); this machine has AVX2, so rows in whole
steps of four take the intrinsics loop and only the tail rows (n % 4) the scalar C loop (its avx2 clone).

72 mutants, one at a time (plus one fatal control, killed): 54 killed by the existing tests, 18 survivors: 6
equivalent, 12 gaps. No defect of the unmodified code was found (the three engines agree on every case below).
Mutants are named by where they are: z_/tb_/pb_ the Cython _z, theoretical_balance, planning_balance; S_ the scalar
C row (bkf_risk_row and its loops), V_ the AVX2 intrinsics, C_ the shared allowance constants, R_ the dispatch
bkf_yarn_risk_run, P_ the Python wrapper. S_short_le, V_neg_le and V_pos_no_w (``pb < -tol`` -> ``<=``, scalar
and AVX2; the AVX2 weeks mask without ``w > 0``) were killed only by hypothesis searches; the tests below kill them
deterministically too.

Equivalent survivors (why):
  S_sh_sign  ``sh = short_ ? -pb`` -> ``fabs(pb)``, and V_sh_sign (the AVX2 ``-pb`` -> ``|pb|``): short means
             pb < -tol <= 0, so -pb == |pb|.
  V_a_neq_oq the AVX2 ``a != 0`` compare _CMP_NEQ_UQ -> _CMP_NEQ_OQ: a is NaN-free (bkf_z4), ordered and
             unordered compares agree.
  V_loop_lt  AVX2 loop ``i + 4 <= n`` -> ``< n``, and R_no_avx2 (the AVX2 loops never taken): the rows move to the
             scalar loop, which does the same IEEE operations in the same order (this is the non-AVX2 CPU path).
  P_no_n0    the wrapper's ``if n == 0: return`` dropped: with n = 0 neither loop reads or writes a row.

Gaps closed (the test naming each):
  z_neg_zero (the cdef _z reading NaN as -0.0) - test_missing_components_sum_to_positive_zero;
  S_Z_negzero (the scalar BKF_Z reading NaN as -0.0) - test_all_missing_yarn_has_positive_zero_balance_in_the_tail;
  S_ws_nowcheck, V_pos_no_w (weeks of supply without ``weekly > 0``) -
    test_weekly_demand_that_underflows_gives_no_weeks_of_supply;
  S_high_le, V_high_le, V_crit_le (a threshold compare ``<`` -> ``<=``) and V_crit_shift (the AVX2 CRITICAL
    threshold -1000 + 2**-43) - test_risk_thresholds_are_strict_at_minus_tol_in_every_lane;
  C_floor_2, C_floor_4 (RESIDUE_FLOOR 2 or 4 x 2**-1074), C_cfloor_5 (COMPONENT_FLOOR 5 x 2**-1074),
    S_floor_only_scalar (the scalar loop's floor 2 x 2**-1074), V_cfloor_res (the AVX2 component floor 3 x
    2**-1074), with S_short_le and V_neg_le - test_allowance_floor_is_exactly_3_and_6_smallest_subnormals.
Each test pins its mutants through the public API (theoretical_balance, planning_balance, yarn_risk) with
hand-computed results, on every engine (the ``engine`` fixture), and equal to the numpy reference; rows come five
at a time where the kernel has two loops, so both the AVX2 step and the scalar tail see them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import bk_fast


def _frame(rows):
    return pd.DataFrame(rows, columns=["Theoretical Balance", "Allocated", "On Order", "Consumed"])


def _same_bits(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.array_equal(a.view(np.int64), b.view(np.int64))


def test_missing_components_sum_to_positive_zero(engine):
    # kills z_neg_zero, the cdef ``_z``: ``0.0 if x != x else x`` -> ``-0.0 if ...`` (a missing number read as
    # -0.0). Missing numbers are +0.0 (the ERP's fillna(0)); with every other term -0.0 the sum is +0.0 + -0.0 =
    # +0.0, while -0.0 + -0.0 stays -0.0: only a row of NaN and -0.0 tells the two zeros apart.
    nan = np.nan
    comp = pd.DataFrame({"Beginning Balance": [nan, nan, -0.0], "Received": [-0.0, nan, -0.0],
                         "Consumed": [-0.0, nan, -0.0], "Adjustments": [-0.0, nan, -0.0]})
    got = bk_fast.theoretical_balance(comp, engine=engine).to_numpy()
    assert _same_bits(got, [0.0, 0.0, -0.0])
    assert _same_bits(got, bk_fast.theoretical_balance(comp, engine="numpy").to_numpy())
    inv = pd.DataFrame({"Theoretical Balance": [nan, -0.0, nan], "Allocated": [-0.0, nan, nan],
                        "On Order": [-0.0, -0.0, nan]})
    got = bk_fast.planning_balance(inv, engine=engine).to_numpy()
    assert _same_bits(got, [0.0, 0.0, 0.0])
    assert _same_bits(got, bk_fast.planning_balance(inv, engine="numpy").to_numpy())


def test_all_missing_yarn_has_positive_zero_balance_in_the_tail(engine):
    # kills S_Z_negzero, the scalar C loop's ``BKF_Z``: NaN -> +0.0 changed to -0.0. Five rows of missing numbers:
    # rows 0-3 go through the AVX2 step (bkf_z4 masks NaN to +0.0), row 4 through the scalar tail, where the
    # mutant's -0.0 + -0.0 + -0.0 made a planning balance of -0.0. assert_array_equal cannot see it; the bits can.
    nan = np.nan
    out = bk_fast.yarn_risk(_frame([(nan, nan, nan, nan)] * 5), engine=engine)
    ref = bk_fast.yarn_risk(_frame([(nan, nan, nan, nan)] * 5), engine="numpy")
    for col in ("planning_balance", "shortage", "weeks_of_supply"):
        assert _same_bits(out[col], np.zeros(5)), col
        assert _same_bits(out[col], ref[col]), col
    assert out["weekly_demand"].tolist() == [10.0] * 5 and out["risk"].tolist() == ["LOW"] * 5
    comp = pd.DataFrame({k: [nan] * 5 for k in ("Beginning Balance", "Received", "Consumed", "Adjustments",
                                                "Allocated", "On Order")})
    out = bk_fast.yarn_risk(comp, engine=engine)
    assert _same_bits(out["planning_balance"], np.zeros(5))
    assert _same_bits(out["planning_balance"], bk_fast.yarn_risk(comp, engine="numpy")["planning_balance"])


def test_weekly_demand_that_underflows_gives_no_weeks_of_supply(engine):
    # kills S_ws_nowcheck (scalar ``ws[i] = w > 0.0 ? r : 0.0`` -> ``ws[i] = r``) and V_pos_no_w (the AVX2 mask
    # ``pos`` without ``w > 0``). Consumed 5e-324 (the smallest subnormal) is != 0, so weekly demand is
    # |5e-324| / 4.3, which rounds to 0.0; Allocated -5e-324 alone gives |-5e-324| / 8 = 0.0 too. Weeks of supply
    # is t / weekly only when both are > 0: 0 here, where the mutants wrote 10 / 0 = inf. Each row five times:
    # four in the AVX2 step, one in the scalar tail.
    rows = [(10.0, 0.0, 0.0, 5e-324)] * 5 + [(10.0, -5e-324, 0.0, 0.0)] * 5
    out = bk_fast.yarn_risk(_frame(rows[:5]), engine=engine)
    out2 = bk_fast.yarn_risk(_frame(rows[5:]), engine=engine)
    for got, sub in ((out, rows[:5]), (out2, rows[5:])):
        assert got["weekly_demand"].tolist() == [0.0] * 5
        assert got["weeks_of_supply"].tolist() == [0.0] * 5
        assert got["planning_balance"].tolist() == [10.0] * 5 and got["risk"].tolist() == ["LOW"] * 5
        pd.testing.assert_frame_equal(got, bk_fast.yarn_risk(_frame(sub), engine="numpy"))


def test_risk_thresholds_are_strict_at_minus_tol_in_every_lane(engine):
    # kills S_high_le (scalar ``pb < BKF_HIGH_BELOW - tol`` -> ``<=``), V_high_le and V_crit_le (the AVX2 compares
    # _CMP_LT_OQ -> _CMP_LE_OQ; test_inventory's -1000 case has two rows, so it reaches the scalar tail only), and
    # V_crit_shift (the AVX2 threshold -1000 + 2**-43, which made -1000 - 4 ulps CRITICAL).
    # x = -100 - 3 ulps (ulp 2**-46) is the fixed point of -100 - tol: tol = |x| x 2**-51 (+ 3 x 2**-1074) is 3.125
    # ulps, so -100 - tol rounds to x itself; likewise -1000 - 4 ulps (ulp 2**-43, tol 3.9 ulps). x is not below
    # its threshold less tol: MEDIUM (HIGH at -1000); one ulp further down is HIGH (CRITICAL). The <= mutants
    # moved x up a level. Each row five times: four in the AVX2 step, one in the scalar tail.
    for x, level, worse in ((-100.0 - 3 * 2.0**-46, "MEDIUM", "HIGH"), (-1000.0 - 4 * 2.0**-43, "HIGH", "CRITICAL")):
        threshold = -100.0 if level == "MEDIUM" else -1000.0
        assert threshold - (abs(x) * 2.0**-51 + 3 * 2.0**-1074) == x
        below = np.nextafter(x, -np.inf)
        for v, want in ((x, level), (below, worse)):
            df = _frame([(v, 0.0, 0.0, 0.0)] * 5)
            out = bk_fast.yarn_risk(df, engine=engine)
            assert out["risk"].tolist() == [want] * 5
            assert out["shortage"].tolist() == [-v] * 5
            pd.testing.assert_frame_equal(out, bk_fast.yarn_risk(df, engine="numpy"))


def test_allowance_floor_is_exactly_3_and_6_smallest_subnormals(engine):
    # kills C_floor_2 / C_floor_4 (``BKF_RESIDUE_FLOOR 0x3p-1074`` -> 0x2p-1074 / 0x4p-1074), C_cfloor_5
    # (``BKF_COMPONENT_FLOOR 0x6p-1074`` -> 0x5p-1074), S_floor_only_scalar (the scalar loop's floor 2 x 2**-1074),
    # V_cfloor_res (the AVX2 component floor 3 x 2**-1074), and S_short_le / V_neg_le (short ``pb < -tol`` ->
    # ``<=``, scalar / AVX2). For a subnormal balance |x| x 2**-51 underflows to 0, so tol is the floor alone:
    # 3 x 2**-1074 (6 x 2**-1074 from the components). A balance of exactly -tol is not short (strict), one
    # smallest subnormal more is: -3e LOW, -4e MEDIUM; through the components -6e LOW, -7e MEDIUM (e = 2**-1074 =
    # 5e-324). A smaller floor or ``<=`` made -3e (-6e) short, a larger one left -4e LOW. Five rows of each value
    # in a frame of their own: four in the AVX2 step, one in the scalar tail.
    e = 5e-324
    for v, want in ((-3 * e, "LOW"), (-4 * e, "MEDIUM")):
        df = _frame([(v, 0.0, 0.0, 0.0)] * 5)
        out = bk_fast.yarn_risk(df, engine=engine)
        assert out["planning_balance"].tolist() == [v] * 5
        assert out["shortage"].tolist() == [0.0 if want == "LOW" else -v] * 5
        assert out["risk"].tolist() == [want] * 5
        pd.testing.assert_frame_equal(out, bk_fast.yarn_risk(df, engine="numpy"))
    for v, want in ((-6 * e, "LOW"), (-7 * e, "MEDIUM")):
        comp = pd.DataFrame({"Beginning Balance": [v] * 5, "Received": 0.0, "Consumed": 0.0, "Adjustments": 0.0,
                             "Allocated": 0.0, "On Order": 0.0})
        out = bk_fast.yarn_risk(comp, engine=engine)
        assert out["planning_balance"].tolist() == [v] * 5
        assert out["shortage"].tolist() == [0.0 if want == "LOW" else -v] * 5
        assert out["risk"].tolist() == [want] * 5
        pd.testing.assert_frame_equal(out, bk_fast.yarn_risk(comp, engine="numpy"))

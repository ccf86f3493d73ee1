"""Mutation audit of the Cython drop-in kernels (``bk_fast/_kernels/_compat.pyx``: planning_balance_flags,
scatter8, hash_factorize with its hashing and _rehash, hours_end, scaled_running_sum, dense_sort2 with _rank,
expand_runs, gather8, allocation_keyed / capacity_keyed with _kahan_add, _keyed_step and the C selects
bkf_max0 / bkf_pick, shortage_compact and take_text), against tests/test_compat.py, test_compat_mutation.py,
test_bench_compat.py (skipped without pytest-benchmark), test_patching_mutation.py, test_seams_mutation.py,
test_text.py, test_text_collisions.py, test_api_seams.py and fuzz/test_fuzz_capabilities.py, run on the cython
engine (``-k "not numba"``). Every mutant was compiled as the release build compiles the module (the same Cython
directives and C flags, -O3 -DNDEBUG -ffp-contract=off).

113 mutants, one at a time (plus one fatal control, killed; one more did not compile and is not counted):
73 killed by the existing tests (3 of them by a crash: D_width_p2 a segfault, D_hist_c and T_dst_over an abort
when glibc found the heap they corrupted), 40 survivors: 30 equivalent, 1 unreachable, 9 gaps. No defect of the
unmodified code was found (the three engines agree with the reference on every case below).

Equivalent survivors (why):
  R_no_step1      _rank `if step == 1:` -> `if False:`: valid ranks are below span (sized by the bounds array), far
                  below 2**53, so rel / 1.0 is exact and rint gives rel back.
  H_fmix_32       _fmix64 `h ^= h >> 33` -> `>> 32`; H_no_len_seed, the seed without `^ length`; H_loop_gt8,
  H_tail_le       _hash_bytes `while length - k >= 8` -> `> 8` and `if k < length` -> `<=`; H_long_first, every
  H_long_first    word hashed as the first one: hash values only; a match is always confirmed by length, first
  H_no_len_seed   word and the bytes past it (five mutants).
  H_loop_gt8
  HF_limit_23     `length >= (1 << 24)` -> `(1 << 23)`: -1 for strings of 8 to 16 MiB, which the kernel's contract
                  allows; the caller then factorizes with pandas (the same codes).
  HF_grow_ge      `bused + length > bcap` -> `>=`: the byte buffer grows one string earlier.
  HF_nolen_memcpy `if length:` -> `if True:` before the memcpy: a copy of 0 bytes.
  HF_rehash_ge    `4 * n_groups > 3 * cap` -> `>=`, and HF_rehash_half (-> `2 * n_groups > cap`): the load factor
  HF_rehash_half  at which the table doubles; the codes do not depend on it.
  HF_tag_true     `if (slot >> 32) << 32 == tag:` -> `if True:`: the tag only filters; length and bytes decide.
  HF_le8_lt8      `length <= 8 or memcmp(...)` -> `length < 8`: at length 8 the memcmp compares 0 bytes.
  HF_ucap_gt      `if n_groups == ucap:` -> `== ucap + 1`: record ucap is written one entry past the three arrays
                  before they grow; here it lands in glibc's chunk slack (8200 usable bytes for malloc(8192)) and
                  realloc copies it, so no output changes (an out-of-bounds write, not observable by a test).
  HE_rint_frac    `v != floor(v)` -> `v != rint(v)`: both say v is not a whole number.
  HE_assoc        `start_ns + (base * m + f)` -> `(start_ns + base * m) + f`: int64 sums, exact and in range
                  either way (|start_ns| < 4e18, |base * m| < 3.6e18).
  SR_nan_const    `p_cum[i] = r` (r NaN) -> `NAN`: only the NaN's sign or payload differs (pandas writes a plain
                  NaN there).
  SR_init_negz    the running sums and compensations start at -0.0 instead of +0.0 (scaled_running_sum,
  A_acc_small     allocation_keyed, capacity_keyed): x - (-0.0) and -0.0 + y give the same sum and compensation as
  C_acc_negz      from +0.0 (no running sum is ever -0.0), three mutants.
  C_acc_size      `np.zeros(2 * n_groups + 2)` -> `+ 1`: indexes reach 2 * n_groups - 1; the spare entry only keeps
                  `&acc_v[0]` valid for no groups, which one entry does too.
  E_ge            expand_runs `if end > start:` -> `>=`, and E_nocheck (-> `if True:`): an empty bucket writes
  E_nocheck       nothing either way.
  E_span_ge       expand_runs `r == span` -> `r >= span`: a rank never exceeds span.
  E_start_in      expand_runs `start = end` moved into the `if`: bounds never decrease, so otherwise end == start.
  SC_neg          shortage_compact `t - b` -> `-(b - t)`: IEEE subtraction rounds symmetrically, and a kept row
                  has b < t (no zero to sign).
  T_src_lt        take_text `b + 8 <= n_src` -> `<`, and T_while_full (`while b < e` -> `while b + 8 <= e`): fewer
  T_while_full    word copies; the byte tail copies the rest.
  T_src_over      take_text `b + 8 <= n_src` -> `<= n_src + 1`: the byte read past the data lands past the
                  string's end, where the next string or the unspecified bytes past the count go (an over-read,
                  not observable by a test).
  T_tail_le       take_text `if b < e:` -> `if b <= e:`: a copy of 0 bytes.

Unreachable survivor: R_step_le1, _rank `if step == 1:` -> `if step <= 1:`, differs only for a step below 1, which
no caller passes (_sort_params and _full_step make it at least 1) and the reference cannot take (``rel % 0``).

Gaps closed (the test naming each): R_floor, R_trunc (_rank's quotient floored / truncated) -
test_dense_sort2_ranks_keys_a_huge_step_apart (through the public API the mutants only sent such sorts to pandas,
with the same order; the kernel's contract is to accept them); P_t_negz, P_a_negz, P_o_negz (a missing planning
input read as -0.0) - test_missing_planning_inputs_are_positive_zero; H_first_7 (a first word of 7 bytes) -
test_hash_factorize_reads_the_eighth_byte; HF_limit_25 (strings of 16 MiB taken) -
test_hash_factorize_leaves_strings_of_16_mib_to_pandas; HF_no_len_chk (a match without the length) -
test_hash_factorize_tells_a_string_from_itself_nul_extended; HF_no_word_chk (a match without the first word) -
test_hash_factorize_tells_same_tag_same_length_strings_apart. T_dst_over, killed only by a later abort, is also
pinned by test_take_text_writes_nothing_past_the_output_buffer. Each test runs on every engine (the ``engine``
fixture) and compares with the numpy reference, asserting hand-computed values.

Crafted hash inputs: ``hash_factorize`` keeps per slot the top 32 bits of a string's hash (its tag) and per
distinct string its length and first 8 bytes, and confirms a match by comparing those (and the bytes past the
8th). The two pairs below have equal tags, so the second string's probe meets the first one's slot (through
fillers occupying the slots between, as in tests/test_text_collisions.py); they were found by a search over
printable strings (a scan of 6-byte strings against themselves NUL-extended; a birthday search over 7-byte
strings). ``test_the_crafted_strings_collide`` recomputes the hashes, so a change of the hashing that makes them
stop colliding shows up there rather than leaving the tests below checking nothing in particular.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bk_fast._engine import resolve
from bk_fast.compat import DataFrameOptimizer as DFO

from _optional import needs
from _original_phase3 import OriginalDataFrameOptimizer as ODFO
from test_text_collisions import _buffers, _factorize_hash

#: tag 0xf974d196 for both; the same zero-padded first word, lengths 6 and 7; first slots (of 1024) 109 and 27
LENGTH_PAIR = (b');.O7"', b');.O7"\x00')
#: tag 0xbf50e4d4 for both; the same length 7, different first words; first slots 146 and 127
WORD_PAIR = (b"w2ieeaa", b"w9r7eaa")
_EMPTY = np.empty(0, np.uint8)


def _slot(s: bytes) -> int:
    return _factorize_hash(s) & 1023


def _fillers(first: int, stop: int, prefix: bytes) -> list:
    """One string per slot ``first .. stop - 1`` (of 1024): ``prefix`` + a number, whose first slot it is."""
    by_slot, i = {}, 0
    while len(by_slot) < stop - first:
        s = prefix + b"%d" % i
        if first <= _slot(s) < stop:
            by_slot.setdefault(_slot(s), s)
        i += 1
    return [by_slot[j] for j in range(first, stop)]


def _factorize(strings, engine):
    """``hash_factorize`` of byte strings (no nulls): number of groups, codes, first rows of the groups."""
    codes = np.full(len(strings), 99, dtype=np.int64)
    first = np.full(len(strings), 99, dtype=np.int64)
    n_groups = int(resolve("hash_factorize", engine)(*_buffers(strings), _EMPTY, codes, first))
    return n_groups, codes.tolist(), first[:n_groups].tolist()


def test_the_crafted_strings_collide():
    for (a, b), tag, slots in ((LENGTH_PAIR, 0xF974D196, (109, 27)), (WORD_PAIR, 0xBF50E4D4, (146, 127))):
        assert a != b and _factorize_hash(a) >> 32 == _factorize_hash(b) >> 32 == tag
        assert (_slot(a), _slot(b)) == slots
    a, b = LENGTH_PAIR
    assert b == a + b"\x00" and len(b) < 8  # one zero-padded first word
    a, b = WORD_PAIR
    assert len(a) == len(b) == 7 and a[:1] == b[:1] and a[1:] != b[1:]


def test_hash_factorize_tells_a_string_from_itself_nul_extended(engine):
    # kills HF_no_len_chk, hash_factorize `if <int64_t>(meta & 0xFFFFFFULL) == length and cword[c] == word and (`
    # -> `if cword[c] == word and (` (a match without the length). ');.O7"' and the same plus a NUL byte have one
    # tag and one zero-padded first word, and at most 8 bytes nothing else is compared: the mutant gave the
    # 7-byte string (probing from slot 27 over 82 fillers to slot 109) the 6-byte one's code.
    a, b = LENGTH_PAIR
    strings = [a, *_fillers(27, 109, b"f"), b, a, b]
    want = (84, [*range(84), 0, 83], list(range(84)))
    assert _factorize(strings, engine) == want
    assert _factorize(strings, "numpy") == want
    assert _factorize([a, b, b, a], engine) == (2, [0, 1, 1, 0], [0, 1])


def test_hash_factorize_tells_same_tag_same_length_strings_apart(engine):
    # kills HF_no_word_chk, hash_factorize `... == length and cword[c] == word and (` -> `... == length and (`
    # (a match without the first word). w2ieeaa and w9r7eaa (7 bytes) have one tag; the second one's probe walks
    # from slot 127 over 19 fillers to the first one's slot 146, where the mutant matched it by tag and length.
    a, b = WORD_PAIR
    strings = [a, *_fillers(127, 146, b"g"), b, a, b]
    want = (21, [*range(21), 0, 20], list(range(21)))
    assert _factorize(strings, engine) == want
    assert _factorize(strings, "numpy") == want


def test_hash_factorize_reads_the_eighth_byte(engine):
    # kills H_first_7, _hash_bytes `first_word[0] = _word(p, length if length < 8 else 8)` -> `... < 7 else 7`
    # (a first word of 7 bytes): strings differing in their 8th byte only (index 7) then hash alike and match on
    # the first word, and the bytes compared past it start at index 8: both pairs below became one group each.
    strings = [b"abcdefgX", b"abcdefgY", b"abcdefgXzz", b"abcdefgYzz", b"abcdefgX", b"abcdefgYzz", b"abcdefgY"]
    want = (4, [0, 1, 2, 3, 0, 3, 1], [0, 1, 2, 3])
    assert _factorize(strings, engine) == want
    assert _factorize(strings, "numpy") == want


@needs("pyarrow")
def test_hash_factorize_leaves_strings_of_16_mib_to_pandas(engine):
    # kills HF_limit_25, hash_factorize `if length >= (1 << 24):` -> `(1 << 25)`: a distinct string's length is
    # packed in 24 bits (offset << 24 | length); a string of 16 MiB does not fit, its record never matches it again
    # and the mutant gave two equal 16 MiB strings two codes. The kernel may answer -1 (the caller then uses pandas)
    # but never a wrong grouping.
    from bk_fast.compat._frames import factorize

    size = 1 << 24
    offsets, data = np.array([0, size, 2 * size, 2 * size + 1], np.int64), np.zeros(2 * size + 1, np.uint8)
    codes, first = np.full(3, 99, np.int64), np.full(3, 99, np.int64)
    n_groups = resolve("hash_factorize", engine)(offsets, data, _EMPTY, codes, first)
    assert n_groups == -1 or (n_groups == 2 and codes.tolist() == [0, 0, 1] and first[:2].tolist() == [0, 2])
    if engine == "numpy":
        assert n_groups == 2
    keys = pd.Series(["y" * size, "y" * size, "z"], dtype="str")
    got_codes, got_n, got_uniques = factorize(keys, engine)
    assert got_codes.tolist() == [0, 0, 1] and got_n == 2 and list(got_uniques) == ["y" * size, "z"]


def test_dense_sort2_ranks_keys_a_huge_step_apart(engine):
    # kills R_floor and R_trunc, _rank `q = <int64_t>rint(<double>rel / <double>step)` -> `floor(...)` and -> a
    # plain cast: with step = 2**60 + 384, rel = 3 * step and step are both rounded on their way to double and
    # the quotient comes out one ulp below 3 (2.9999999999999996). rint gives 3 (3 * step == rel: accepted);
    # floor and truncation give 2, and the mutants refused the key (0) though step divides every value.
    step = 2 ** 60 + 384
    assert float(3 * step) / float(step) == 3.0 - 2.0 ** -51
    k1 = np.array([3 * step, 0, step, 2 * step, step, 0], np.int64)
    k2 = np.zeros(6, np.int64)
    results = []
    for eng in (engine, "numpy"):
        codes, bounds, dest, perm = (np.empty(6, np.int64), np.zeros(6, np.int64), np.empty(6, np.int64),
                                     np.empty(6, np.int64))
        assert resolve("dense_sort2", eng)(k1, 0, step, 4, _EMPTY, k2, 0, 1, 0, _EMPTY, codes, bounds, dest,
                                           perm) == 1
        key = np.empty(6, np.int64)
        resolve("expand_runs", eng)(bounds, 1, False, 0, step, 4, -1, key)
        results.append([a.tolist() for a in (codes, bounds, dest, perm, key)])
    assert results[0] == results[1] == [[3, 0, 1, 2, 1, 0], [2, 4, 5, 6, 6, 6], [5, 0, 2, 4, 3, 1],
                                        [1, 5, 2, 4, 3, 0], [0, 0, step, step, 2 * step, 3 * step]]


def test_missing_planning_inputs_are_positive_zero(engine):
    # kills P_t_negz, P_a_negz and P_o_negz, planning_balance_flags `t = 0.0` / `a = 0.0` / `o = 0.0` (a NaN input
    # read as zero) -> `-0.0`. Row i has NaN in input i and -0.0 in the other two: fillna(0) gives +0.0, and
    # +0.0 + -0.0 + -0.0 is +0.0 where the mutant's -0.0 + -0.0 + -0.0 stays -0.0. Row 3 (no NaN) is -0.0.
    nan = np.nan
    df = pd.DataFrame({"theoretical_balance": [nan, -0.0, -0.0, -0.0], "allocated": [-0.0, nan, -0.0, -0.0],
                       "on_order": [-0.0, -0.0, nan, -0.0]})
    want = ODFO.optimize_planning_balance_calculation(df.copy())["planning_balance"].to_numpy()
    got = DFO.optimize_planning_balance_calculation(df.copy(), engine=engine)["planning_balance"].to_numpy()
    assert got.tolist() == want.tolist() == [0.0] * 4
    assert np.signbit(got).tolist() == np.signbit(want).tolist() == [False, False, False, True]
    out = np.empty(4)
    assert resolve("planning_balance_flags", engine)(*(df[c].to_numpy() for c in df.columns), out) == 7
    assert np.signbit(out).tolist() == [False, False, False, True]


def test_take_text_writes_nothing_past_the_output_buffer(engine):
    # pins T_dst_over, take_text `pos + 8 <= n_dst` -> `pos + 8 <= n_dst + 1` (killed by the suite only through a
    # later abort, when glibc noticed the heap it corrupted): the 15-byte string data[8:23] goes as one word and
    # then 7 bytes, since a second word at output position 8 would end at 16, one byte past the 15-byte buffer.
    # The buffer is a view of a larger array whose byte 15 must keep its guard value.
    data = np.frombuffer(b"0123456789abcdefghijklmnopqrstuv", np.uint8)
    offsets = np.array([0, 8, 23, 32], np.int64)
    guarded = np.full(15 + 8, 0xAA, np.uint8)
    out_offsets = np.empty(2, np.int64)
    assert resolve("take_text", engine)(offsets, data, np.array([1], np.int64), out_offsets, guarded[:15]) == 15
    assert out_offsets.tolist() == [0, 15] and guarded[:15].tobytes() == b"89abcdefghijklm"
    assert guarded[15:].tolist() == [0xAA] * 8

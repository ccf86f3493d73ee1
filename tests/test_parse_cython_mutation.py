"""Mutation audit of the Cython number parser (``bk_fast/_kernels/_parse.pyx``: ``parse_number_text`` with its
byte-level cleaning ``_junk`` / ``_junk_at`` / ``_junk_before``, the Clinger fast path and the exponent scan, and
``misplaced_commas``), against tests/test_io.py, tests/test_parse_bytes.py, tests/test_io_mutation.py,
tests/test_inputs.py and tests/test_review42.py run on the cython engine. Every mutant was compiled as the release
build compiles the module (CMakeLists.txt's Cython directives and C flags, -O3 -DNDEBUG).

45 mutants, one at a time (plus one fatal control, killed): 36 killed by the existing tests, 9 survived and
were judged as follows (6 equivalent, 1 not reachable, 2 gaps closed below).

Equivalent survivors (why):
  M07  _junk_before ``q - 1 >= p`` -> ``q - 1 > p``: a junk character starting at p is impossible, p is the first
       byte _skip did not remove.
  M19  ``nd + zeros + 1 > 18`` -> ``> 17``, M22 ``m > TWO53`` -> ``m >= TWO53``, M34 ``0 <= e10 <= 22`` ->
       ``<= 21`` and M36 ``22 < e10 <= 37`` -> ``<= 38``: each only sends more valid text to STATUS_LONG, which
       the Python layer resolves exactly (float() of the cleaned text); at e10 = 38 TWO53 // 10**16 is 0, so LONG.
  C06  misplaced_commas ``if hit: break`` dropped: hit is never reset within a row, so only the scan is longer.
Not reachable with valid UTF-8 text:
  M40  _junk_at ``j + 1 < e`` -> ``<= e``: reads the next string's first byte after a trailing 0xC2, which str
       input (valid UTF-8) never ends on.

Gaps closed (the test naming each): M02 (the carriage return no longer skipped as white space) and M29 (the
exponent's saturation at 100000 dropped: a huge exponent overflows the C int).
Each test pins its mutant through the public API (parse_numbers) with exact expected values, on every engine (the
``engine`` fixture), and equal to the numpy reference.
"""

from __future__ import annotations

import numpy as np

from bk_fast.io import parse_numbers


def test_carriage_return_is_cleaned_away(engine):
    # kills M02, _junk: ``(9 <= c <= 13)`` changed to ``(9 <= c <= 12)`` (U+000D, the carriage return, no longer
    # skipped). str.isspace() is true for "\r", so the cleaning drops it wherever it stands: "1\r5" is 15 and
    # "\r(7)\r" is -7; the mutant left the byte in the number and read both as invalid (NaN). No other test text
    # holds a "\r" (HAND has "\t\n" only, which the mutant still skips).
    texts = ["1\r5", "\r(7)\r", "$2,\r000.5"]
    got = parse_numbers(texts, engine=engine)
    assert got.tolist() == [15.0, -7.0, 2000.5]
    np.testing.assert_array_equal(got, parse_numbers(texts, engine="numpy"))


def test_exponent_beyond_the_c_int_is_not_wrapped(engine):
    # kills M29, exponent scan: ``if exp < 100000:`` changed to ``if True:`` (no saturation). 4294967296 is 2**32:
    # accumulated in a 32-bit int it wraps to 0 and "1e4294967296" read as 1.0, "-1e-4294967297" as -10.0; Python's
    # float() (the numpy reference) gives inf and -0.0. The saturated exponent leaves both to STATUS_LONG.
    texts = ["1e4294967296", "-1e-4294967297", "2.5e4294967297"]
    got = parse_numbers(texts, engine=engine)
    assert got.tolist() == [np.inf, -0.0, np.inf]
    assert np.signbit(got).tolist() == [False, True, False]
    np.testing.assert_array_equal(got, parse_numbers(texts, engine="numpy"))

"""Mutation audit of the Numba number-text and text-id kernels: gap tests.

Target: ``bk_fast/_kernels/_numba/parse.py`` (``parse_number_text``: ``_junk`` / ``_junk_at`` /
``_junk_before`` / ``_skip``, ``_parse_one``'s trimming, parentheses, sign, words, digits, exponent and Clinger fast
path; ``misplaced_commas``) and ``bk_fast/_kernels/_numba/text.py`` (``text_lookup``: ``_space_at`` /
``_space_before``, ``_tag``, ``_slot``, the table's sizing, insertion, stripping and probe; ``text_hash``).
Applied one at a time to a copy of the package, with ``BK_FAST_ENGINE=numba`` (so the tests that take no engine
run numba too), each mutant was run against tests/test_io.py, test_parse_bytes.py, test_io_mutation.py,
test_inputs.py, test_review42.py, test_engines.py and test_parse_cython_mutation.py (parse.py), or against
tests/test_text.py, test_text_collisions.py, test_bom.py, test_scheduling.py, test_style_index.py and
test_style_index_review.py (text.py), restricted to ``-k "numba or not (cython or numpy)"``.

126 mutants (72 in parse.py, 54 in text.py; 20 more were planned and not run, for time): 93 killed (one by a
hang: ``mask = size - 2`` never leaves an occupied slot), 22 equivalent, 4 not reachable, 7 gaps (3 closed below,
2 closed by tests/test_text_segments_cython_mutation.py, which landed during this audit, 2 not closed).

Equivalent (no input tells them apart):
  _junk ``28 <= c <= 31`` -> ``<= 32`` (32 is junk already); _junk_at's ASCII branch -> ``return 0`` (_skip never
  calls it for ASCII, _junk_before uses only the answers 2 and 3); _junk_before ``q - 1 >= p`` -> ``> p`` (no
  junk starts at p, the first surviving byte); the trailing trim ``while q > p`` -> ``q > p + 1`` (every scan
  step _skips junk; the trim only matters for a ")" after a "(" at p); the ``j == e`` checks after a sign and
  after an "e" dropped (the byte read past the end leads to no word and no digit: invalid all the same);
  ``nd + zeros + 1 > 18`` -> ``> 17``, ``m > _TWO53`` -> ``>=`` and ``22 < e10 <= 37`` -> ``<= 38`` (more text
  to STATUS_LONG, resolved exactly by float(); at 38 ``_TWO53 // 10**16`` is 0); ``if m == 0: value = 0.0``
  dropped (0 times a power of ten, or LONG: the same signed zero); ``code >= _DEFER`` -> ``>`` (only LONG is
  returned); misplaced_commas without ``if hit: break`` (hit is never reset in a row); _space_before
  ``b - 2 >= a`` / ``b - 3 >= a`` -> ``>`` (the leading strip removed any space starting at a); _tag for up to
  8 bytes (an 8-byte tag's top byte, byte 7 | 8, is no length 1-7, and 8-byte queries are compared byte by
  byte); the long tag ``(h >> 8) | _LONG`` -> ``h | _LONG`` (long keys are always compared byte by byte);
  ``bits += 1`` dropped (first slots in the first 16, linear probing still finds every key); the strip's fast
  path ``32 < q_data[b - 1]`` -> ``33 <`` and without ``a < b`` (the strip loops find nothing to strip); tag-only
  matching for up to 6 bytes (7-byte queries compared byte by byte too); the byte comparison over ``n - 1``
  bytes (two strings of one length differing in the last byte only have hashes δ·P apart, |δ| < 256, so
  different tags); no ``break`` after a byte match (keys are distinct: the probe ends at a free slot, the code
  kept).
Not reachable (valid UTF-8 only: str text encoded by bk_fast, Arrow's validated strings): _junk_at ``j + 1 < e``
  -> ``<=``, _junk_at ``j + 2 >= e`` -> ``>``, _space_at ``a + 1 < b`` -> ``<=`` and ``a + 2 < b`` -> ``<=``
  (a lead byte with its continuation bytes cut off at the end of a string).
Gaps not closed (no input could be built): _tag hashing keys of 7 bytes (``n <= 7`` -> ``n <= 6``) while the
  probe still matches up to 7 bytes by the tag alone needs two 7-byte ids with equal 56-bit FNV-1a tags (no pair
  among 7e8 printable strings, nor by cycle finding over 7-bit bytes); the probe without its length check
  (``key_off[k + 1] - ka == n`` -> ``True``) needs a key and a proper prefix of it with equal tags (a 2**56
  search, no birthday shortcut).
Gaps closed, each by the test naming it (each fails on its mutant, passes unmodified, on every engine): P35 the
  parenthesis test without ``data[q] == 41``, P66 the exponent saturated at 1000, C08 misplaced_commas's four-digit
  check without ``_digit(data[j - 2])``. T24 (short tags shifted by 7 bits) and T28 (the table sized to the keys
  alone) are killed on numba by test_short_keys_are_told_apart_from_same_tag_keys and
  test_sixteen_keys_and_a_query_of_none in tests/test_text_segments_cython_mutation.py (checked on both mutants),
  so they are not repeated here.

Defect found at the audited commit (78cb98a), now fixed (compiled engines only): the exponent's saturation at
100000 (``if exp < 100000``) was exact only while the text had fewer than ~100000 digits. "1" + "0" * 100000 +
"e-1000000" is 1e-900000, 0.0 for float() (the numpy engine); numba and cython read 1.0 (zeros = 100000, the
exponent kept at -100000, e10 = 0). "0." + "0" * 99999 + "1e1000000" is inf; both compiled engines read 1.0.
Both kernels now send a saturated exponent to STATUS_LONG: test_a_saturated_exponent_is_left_to_python.
"""

from __future__ import annotations

import numpy as np
import pytest

import bk_fast.io as bkio
from bk_fast.io import parse_numbers

from _optional import param


def test_an_opening_parenthesis_without_its_closing_one_is_invalid(engine):
    # kills P35, _parse_one: ``if q > p and data[p] == 40 and data[q] == 41:`` changed to ``... and data[p] == 40:``
    # (any text opening with "(" read as negative, its last character dropped as if it were the ")"). The cleaning
    # turns only a whole "(x)" into "-x": "(56" stays "(56", a ValueError for float(), so invalid (NaN); the mutant
    # read "(56" as -5, "(1.25" as -1.2 and "($7,000" as -700. HAND's "(5" gave "" (invalid) either way.
    texts = ["(56", "(1.25", "($7,000", " (12 ", "(5)"]
    got = parse_numbers(texts, engine=engine)
    assert np.isnan(got[:4]).all() and got[4] == -5.0
    np.testing.assert_array_equal(got, parse_numbers(texts, engine="numpy"))


def test_a_long_exponent_past_a_thousand_is_not_cut_short(engine):
    # kills P66, exponent scan: ``if exp < 100000:`` changed to ``if exp < 1000:`` (the exponent saturated at its
    # first value of 1000 or more). With 1000 trailing zeros (zeros = 1000) "1000...0e-10000" is 10**(1000 -
    # 10000), 0.0 for float(); the mutant kept exp = 1000 and read 10**0 = 1.0. With 1000 decimals (frac = 1000)
    # "0.000...1e10030" is 10**9030, inf; the mutant kept exp = 1003 and read 10**3 = 1000.0. The real kernel
    # leaves both to STATUS_LONG, which the Python layer resolves with float() of the cleaned text.
    texts = ["1" + "0" * 1000 + "e-10000", "0." + "0" * 999 + "1e10030", "-0." + "0" * 999 + "1e10030"]
    got = parse_numbers(texts, engine=engine)
    assert got.tolist() == [0.0, np.inf, -np.inf]
    np.testing.assert_array_equal(got, parse_numbers(texts, engine="numpy"))


@pytest.mark.parametrize("arrow", [param(True, "pyarrow"), False])
def test_a_comma_after_three_digits_split_by_a_space_is_a_thousands_separator(engine, monkeypatch, arrow):
    # kills C08, misplaced_commas: ``elif j - 4 >= a and _digit(data[j - 2]) and _digit(data[j - 3]) and
    # _digit(data[j - 4]):`` with ``_digit(data[j - 2])`` dropped (a comma after "d?dd" taken for one after four
    # digits). BAD_COMMA's ``[0-9]{4},`` needs four digits in a row: in "12 3,456" and "$1 2,345.5" the comma
    # follows the one digit "3" / "2", then exactly three digits, so it is a thousands separator and the cleaning
    # reads 123456 and 12345.5; the mutant flagged both as misplaced (NaN). "1234,567" is misplaced on both.
    from bk_fast._engine import resolve

    texts = ["12 3,456", "$1 2,345.5", "1234,567", "1\t2,345"]
    enc = [t.encode() for t in texts]
    offsets = np.zeros(len(enc) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in enc])
    flags = np.full(len(texts), 7, dtype=np.uint8)
    assert resolve("misplaced_commas", engine)(np.frombuffer(b"".join(enc), np.uint8), offsets, flags) == 1
    assert flags.tolist() == [0, 0, 1, 0]
    monkeypatch.setattr(bkio, "_HAVE_PYARROW", arrow)
    raw = ("Desc#,Planning Balance\n" + "".join(f'{i},"{t}"\n' for i, t in enumerate(texts))).encode()
    with pytest.warns(UserWarning, match=r"'Planning Balance': 1 value\(s\)"):
        got = bkio.read_erp(raw, engine=engine, optimize=False)["Planning Balance"].to_numpy()
    np.testing.assert_array_equal(got, [123456.0, 12345.5, np.nan, 12345.0])


def test_a_saturated_exponent_is_left_to_python(engine):
    # a defect this audit found in the real code (both compiled engines): the exponent stops growing at 100000
    # (a cap against overflow), which was exact only while the text's digits (zeros - frac) could not cancel
    # the part it dropped. "1" + 100000 zeros + "e-1000000" is 1e-900000, 0.0 for float() (the numpy engine);
    # cython and numba read 10**(100000 - 100000) = 1.0; "0." + 99999 zeros + "1e1000000" is 1e900000, inf, read
    # as 1.0. A saturated exponent (|exp| >= 100000) now goes to STATUS_LONG, float() of the cleaned text.
    texts = ["1" + "0" * 100000 + "e-1000000", "0." + "0" * 99999 + "1e1000000",
             "-1" + "0" * 100000 + "e-1000000", "1" + "0" * 99999 + "e-99999", "1e99999", "0e1000000"]
    got = parse_numbers(texts, engine=engine)
    assert got.tolist() == [0.0, np.inf, -0.0, 1.0, np.inf, 0.0]
    assert np.signbit(got).tolist() == [False, False, True, False, False, False]
    np.testing.assert_array_equal(got, parse_numbers(texts, engine="numpy"))

"""Bytes read as number text: ``parse_numbers`` / ``float_array`` / ``float_column`` read ``b"$1,326.67"`` as
``"$1,326.67"`` on every engine. Before, a bytes cell reached Python's ``float()`` as a number would: ``b"7"`` gave
7.0 but ``b"$1,326.67"`` and ``b"(2)"`` gave NaN, while a pyarrow binary array of the same bytes gave the numbers
(an undocumented split found by the mutation audit mutV)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bk_fast import io
from bk_fast._validate import float_array, float_column

TEXT = ["$1,326.67 ", "(2,183.40)", "7", " 1e3 ", "", "n/a"]
WANT = [1326.67, -2183.4, 7.0, 1000.0, np.nan, np.nan]


def _as_bytes(kind):
    cells = [t.encode() for t in TEXT]
    if kind == "S":
        return np.array(cells, dtype="S")
    if kind == "bytearray":
        return np.array([bytearray(c) for c in cells], dtype=object)
    return np.array(cells, dtype=object)


@pytest.mark.parametrize("kind", ["S", "object", "bytearray"])
def test_bytes_parse_as_their_text(engine, kind):
    """Each holder of bytes gives exactly what the same text gives."""
    values = _as_bytes(kind)
    before = values.copy()
    np.testing.assert_array_equal(io.parse_numbers(values, engine=engine), WANT)
    np.testing.assert_array_equal(io.parse_numbers(TEXT, engine=engine), WANT)
    np.testing.assert_array_equal(values, before)  # (the caller's array: never decoded in place)


def test_bytes_beside_text_numbers_and_missing(engine):
    """An object column mixing bytes, text, numbers and missing values: bytes as text, the rest as before; bytes
    that are no UTF-8 are invalid (NaN), as unparsable text is."""
    values = np.array([b"$5", "($3)", 4, None, b"\xff1", bytearray(b" 2,000 ")], dtype=object)
    np.testing.assert_array_equal(io.parse_numbers(values, engine=engine), [5.0, -3.0, 4.0, np.nan, np.nan, 2000.0])


def test_float_array_and_column_read_bytes_as_text():
    """The validators every API uses: an ``S`` array, a Series of bytes and a frame's bytes column."""
    np.testing.assert_array_equal(float_array(np.array([b"$1,326.67", b"(2)"], dtype="S")), [1326.67, -2.0])
    np.testing.assert_array_equal(float_array(pd.Series([b"1,200.5", b"-"])), [1200.5, np.nan])
    frame = pd.DataFrame({"qty": np.array([b"$10", b"(1)"], dtype=object)})
    np.testing.assert_array_equal(float_column(frame, "qty"), [10.0, -1.0])


def test_arrow_binary_column_agrees():
    """A pandas column of pyarrow binary gives what a pyarrow binary array gives (it gave NaN for ``$7``)."""
    pa = pytest.importorskip("pyarrow")
    arr = pa.array([b"$7", b"8", None])
    np.testing.assert_array_equal(io.parse_numbers(arr), [7.0, 8.0, np.nan])
    col = pd.Series(arr, dtype=pd.ArrowDtype(pa.binary()))
    np.testing.assert_array_equal(io.parse_numbers(col).to_numpy(), [7.0, 8.0, np.nan])


def test_arrow_binary_that_is_no_utf8_is_invalid_not_an_error(engine):
    """A pyarrow binary array holding bytes that are no UTF-8 raised ArrowInvalid (its cast to text failed), where
    the same bytes in an object array or a pandas ArrowDtype(binary) column are invalid (NaN); now the same NaN,
    the other cells as their text (reviews rev42 / rev44)."""
    pa = pytest.importorskip("pyarrow")
    arr = pa.array([b"\xff1", b"$7", None, b"(2)"], type=pa.binary())
    np.testing.assert_array_equal(io.parse_numbers(arr, engine=engine), [np.nan, 7.0, np.nan, -2.0])
    chunked = pa.chunked_array([pa.array([b"1"], pa.large_binary()), pa.array([b"\xfe", b"3"], pa.large_binary())])
    np.testing.assert_array_equal(io.parse_numbers(chunked, engine=engine), [1.0, np.nan, 3.0])

"""Shared machinery of the fuzz suite: hypothesis profiles, adversarial cells/columns/ids, and the check that
every engine either returns what the reference returns or raises the same clear ValueError/TypeError.

Profiles (applied per test with ``@FUZZ``, never loaded globally, so other test files keep their settings):

- ``ci`` (default): derandomized (fixed seed), bounded examples: the CI run;
- ``long``: ``BK_FAST_FUZZ=long`` (optionally ``BK_FAST_FUZZ_EXAMPLES=<n>``, default 2000 per test), random
  seeds, for on-demand runs.
"""

from __future__ import annotations

import copy
import importlib.util
import math
import os
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bk_fast._engine import ENGINES, engine_status

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
           HealthCheck.function_scoped_fixture]
settings.register_profile("bk_fast_fuzz_ci", derandomize=True, max_examples=int(os.environ.get(
    "BK_FAST_FUZZ_CI_EXAMPLES", "30")), deadline=None, suppress_health_check=_HEALTH, database=None,
    print_blob=True)
settings.register_profile("bk_fast_fuzz_long", derandomize=False, max_examples=int(os.environ.get(
    "BK_FAST_FUZZ_EXAMPLES", "2000")), deadline=None, suppress_health_check=_HEALTH, database=None,
    print_blob=True)
PROFILE = "bk_fast_fuzz_long" if os.environ.get("BK_FAST_FUZZ", "").strip().lower() == "long" \
    else "bk_fast_fuzz_ci"
#: decorator: the fuzz profile in force (ci or long)
FUZZ = settings(settings.get_profile(PROFILE))
LONG = PROFILE.endswith("long")


def fuzz_settings(ci_examples: int) -> settings:
    """The profile with a per-test number of examples in CI (long runs keep the profile's count)."""
    if LONG:
        return FUZZ
    return settings(settings.get_profile(PROFILE), max_examples=ci_examples)


#: engines available here (the fuzz compares all of them with the reference)
AVAILABLE = [e for e in ENGINES if engine_status(e).available]

HAVE_PYARROW = importlib.util.find_spec("pyarrow") is not None


def drawable(kinds):
    """``kinds`` (names of column / dtype kinds to draw from) as they are where pyarrow is installed; without it,
    those naming pyarrow left out (their dtypes cannot be made there)."""
    return kinds if HAVE_PYARROW else type(kinds)(k for k in kinds if "pyarrow" not in k)

# ----------------------------------------------------------------------------------------------------------
# adversarial values

I64 = np.iinfo(np.int64)
SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.0, math.nan, math.inf, -math.inf, 1e308, -1e308, 1.7976931348623157e308,
                  5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 0.1, 1e15 + 0.3, 2.0 ** 53 + 1, -1000.0,
                  -1000.0000000001, -100.0, -99.99999999999, 4.3, 8.0]
SPECIAL_INTS = [0, 1, -1, I64.max, I64.min, I64.max - 1, I64.min + 1, 2 ** 53 + 1, -1000, -1001, -100, -101]
ERP_TEXT = ["$1,326.67 ", "(2,183.40)", "($2,183.40)", "1,200.0", "", " ", "n/a", "-", " 12 ", "12\u00a0",
            "1e400", "-1e400", "inf", "-inf", "nan", "NaN", "-0", "0x10", "1_000", "\u0661\u0662", "１２",
            "(-5)", "((5))", "$", "12abc", "1.2.3", "\t-3.5\n", "+7", ".5", "5.", "e5", "1e-400"]
UNICODE_IDS = ["18767", " 18767", "18767 ", "18767\u00a0", "Ä-yarn", "\u00e9", "e\u0301", "\u200b",
               "𝟏𝟖", "ß", "SS", "", " ", "\t", "None", "nan", "NaN", "0", "-0", "0.0"]

finite_floats = st.one_of(st.sampled_from([v for v in SPECIAL_FLOATS if math.isfinite(v)]),
                          st.floats(allow_nan=False, allow_infinity=False, width=64))
any_floats = st.one_of(st.sampled_from(SPECIAL_FLOATS), st.floats(width=64))
int64s = st.one_of(st.sampled_from(SPECIAL_INTS), st.integers(I64.min, I64.max))
erp_text = st.one_of(st.sampled_from(ERP_TEXT), st.text(max_size=6),
                     finite_floats.map(lambda v: f"{v:,.2f}"), finite_floats.map(repr))
ids = st.one_of(st.sampled_from(UNICODE_IDS), st.text(max_size=4), st.integers(-3, 3),
                st.sampled_from([I64.max, I64.min]))

# column kinds: how a column of numbers reaches bk_fast in the wild
NUMBER_KINDS = drawable(("float64", "int64", "Int64", "Float64", "object_numbers", "object_mixed", "string",
                         "category", "pyarrow_float", "pyarrow_int", "pyarrow_string", "float32", "uint64", "bool",
                         "datetime", "timedelta", "complex"))


@st.composite
def number_column(draw, n: int, kinds=NUMBER_KINDS) -> pd.Series:
    """A Series of ``n`` adversarial numbers in one of the ways ERP frames carry numbers."""
    kind = draw(st.sampled_from(kinds))
    if kind in ("float64", "Float64", "pyarrow_float", "float32"):
        vals = draw(st.lists(any_floats, min_size=n, max_size=n))
        if kind == "float64":
            return pd.Series(vals, dtype="float64")
        if kind == "float32":
            with np.errstate(over="ignore"):
                return pd.Series(np.array(vals, dtype=np.float32))
        if kind == "Float64":
            return pd.Series([None if (isinstance(v, float) and math.isnan(v) and draw(st.booleans())) else v
                              for v in vals], dtype="Float64")
        return pd.Series(vals, dtype="double[pyarrow]")
    if kind in ("int64", "Int64", "pyarrow_int", "uint64"):
        vals = draw(st.lists(int64s, min_size=n, max_size=n))
        if kind == "int64":
            return pd.Series(vals, dtype="int64")
        if kind == "uint64":
            return pd.Series(np.array(vals, dtype=np.int64).view(np.uint64))
        nulls = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        vals = [None if z else v for v, z in zip(vals, nulls)]
        return pd.Series(vals, dtype="Int64" if kind == "Int64" else "int64[pyarrow]")
    if kind == "object_numbers":
        vals = draw(st.lists(st.one_of(any_floats, int64s, st.none()), min_size=n, max_size=n))
        return pd.Series(vals, dtype=object)
    if kind == "object_mixed":
        vals = draw(st.lists(st.one_of(any_floats, int64s, st.none(), erp_text, st.booleans()),
                             min_size=n, max_size=n))
        return pd.Series(vals, dtype=object)
    if kind in ("string", "pyarrow_string"):
        vals = draw(st.lists(st.one_of(erp_text, st.none()), min_size=n, max_size=n))
        return pd.Series(vals, dtype="string" if kind == "string" else "string[pyarrow]")
    if kind == "category":
        vals = draw(st.lists(st.one_of(finite_floats, erp_text, st.none()), min_size=n, max_size=n))
        if draw(st.booleans()):
            vals = [v if not isinstance(v, str) else 1.5 for v in vals]
        try:
            return pd.Series(vals, dtype="category")
        except (TypeError, ValueError):
            return pd.Series([str(v) for v in vals], dtype="category")
    if kind == "bool":
        return pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    if kind == "datetime":
        return pd.Series(pd.date_range("2025-09-01", periods=n, freq="D"))
    if kind == "timedelta":
        return pd.Series(pd.to_timedelta(np.arange(n), unit="D"))
    return pd.Series(np.arange(n) + 1j, dtype=complex)


@st.composite
def index_of(draw, n: int) -> pd.Index:
    """A row index: range, shuffled ints, duplicates, unicode/whitespace strings or a MultiIndex."""
    kind = draw(st.sampled_from(["range", "ints", "dups", "strings", "multi", "float"]))
    if kind == "range":
        return pd.RangeIndex(n)
    if kind == "ints":
        return pd.Index(draw(st.lists(int64s, min_size=n, max_size=n, unique=True)), dtype="int64")
    if kind == "dups":
        return pd.Index([0] * n)
    if kind == "strings":
        return pd.Index(draw(st.lists(ids.map(str), min_size=n, max_size=n)), dtype=object)
    if kind == "float":
        return pd.Index(draw(st.lists(any_floats, min_size=n, max_size=n)), dtype="float64")
    return pd.MultiIndex.from_arrays([list(range(n)), ["a"] * n])


# ----------------------------------------------------------------------------------------------------------
# outcome comparison

CLEAR = (ValueError, TypeError)


class Outcome:
    """What a call did: ``value`` or a clear ``error`` (anything else fails the test at once)."""

    def __init__(self, value=None, error: BaseException | None = None):
        self.value = value
        self.error = error

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"Outcome(error={self.error!r})" if self.error is not None else f"Outcome(value={self.value!r})"


def run(fn, *args, **kwargs) -> Outcome:
    """Call; a ValueError/TypeError is a clear outcome, any other exception fails the test (a crash)."""
    try:
        return Outcome(value=fn(*args, **kwargs))
    except CLEAR as exc:
        return Outcome(error=exc)
    except Exception as exc:  # noqa: BLE001 - this is what the fuzz looks for
        raise AssertionError(f"unclear exception {type(exc).__name__}: {exc}") from exc


def assert_same(a, b, where: str = "") -> None:
    """Exact equality of results (frames, series, arrays, dataclasses of those, scalars); NaN == NaN."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=f"DataFrame{where}")
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=f"Series{where}")
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, exact=True, obj=f"Index{where}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        if a.dtype.kind in "fc":
            np.testing.assert_array_equal(a, b, err_msg=where, strict=True)
            # -0.0 vs 0.0 and NaN positions must match too
            assert np.array_equal(np.signbit(a), np.signbit(b)) if a.dtype.kind == "f" else True, where
        else:
            np.testing.assert_array_equal(a, b, err_msg=where, strict=True)
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif hasattr(a, "__dataclass_fields__"):
        assert type(a) is type(b), where
        for f in a.__dataclass_fields__:
            assert_same(getattr(a, f), getattr(b, f), f"{where}.{f}")
    elif isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def error_names_something(exc: BaseException, names) -> bool:
    """The message names one of ``names`` (columns, arguments), a row, or a position."""
    msg = str(exc)
    if type(exc).__name__ == "BOMCycleError":  # names the items of the cycle, in order (ACCEPTANCE B4)
        return True
    if re.search(r"\brows?\b|\bposition\b|\bline\b|\bindex\b", msg):
        return True
    return any(str(n) in msg for n in names if str(n))


def check_engines(call, names, *, where: str = "") -> Outcome:
    """``call(engine)`` on every available engine: the same clear error (type and message) everywhere,
    naming something in ``names`` or a row, or results equal to the reference's. Returns the reference's
    outcome."""
    ref = run(call, "numpy")
    if ref.error is not None:
        assert error_names_something(ref.error, names), \
            f"{where}: error does not name the column/row: {type(ref.error).__name__}: {ref.error}"
    for eng in AVAILABLE:
        if eng == "numpy":
            continue
        got = run(call, eng)
        if ref.error is not None or got.error is not None:
            assert (type(ref.error), str(ref.error)) == (type(got.error), str(got.error)), \
                f"{where}: numpy -> {ref.error!r}, {eng} -> {got.error!r}"
            continue
        assert_same(ref.value, got.value, f"{where} [{eng} vs numpy]")
    return ref


def snapshot(*objs):
    """Deep copies to check afterwards that the caller's data was not mutated."""
    return [copy.deepcopy(o) for o in objs]


def assert_unchanged(before, after) -> None:
    """The caller's objects equal their deep copies taken before the call (values, dtypes, index, -0.0)."""
    for a, b in zip(before, after):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b, check_exact=True)
        elif isinstance(a, pd.Index):
            pd.testing.assert_index_equal(a, b, exact=True)
        elif isinstance(a, pd.api.extensions.ExtensionArray):
            pd.testing.assert_extension_array_equal(a, b)
        elif isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape
            if a.dtype.kind == "O":
                assert [repr(x) for x in a.tolist()] == [repr(x) for x in b.tolist()]
            else:
                assert a.tobytes() == b.tobytes()
        elif isinstance(a, (list, tuple)):
            assert repr(a) == repr(b)
        elif isinstance(a, dict):
            assert a.keys() == b.keys()
            assert_unchanged(list(a.values()), list(b.values()))
        else:
            assert repr(a) == repr(b)


def module_or_skip(name: str):
    """Import a capability module, or skip the test with the reason (not landed / broken import)."""
    import importlib

    try:
        return importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"{name} not importable here: {type(exc).__name__}: {exc}")

"""Mutation audit of the dispatch and helper modules: ``bk_fast._engine`` (registry, engine choice, dispatch),
``bk_fast._columns`` (header folding), ``bk_fast._gather`` (``take8``), ``bk_fast._scratch`` (per-thread work
buffers) and ``bk_fast._progress`` (the progress rule and the plain bar).

Each test pins a behaviour that a small change of the code (a mutant: a flipped comparison, a dropped guard, a
dropped normalisation) changed without any other test failing. Expected values are worked out by hand from the
modules' documented rules. Engine state (probed statuses, resolved callables, broken modules, the default
engine) is swapped for fresh dictionaries through pytest's ``monkeypatch`` so nothing leaks into other tests;
engine-specific parts run on the engines available here (the ``engine`` fixture skips the others).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import types
import warnings

import numpy as np
import pandas as pd
import pytest

import bk_fast
from bk_fast import _engine, _progress, _scratch
from bk_fast._columns import canonical, normalise
from bk_fast._gather import is_8byte, take8
from bk_fast._progress import Bar, quiet, wanted
from bk_fast._scratch import release_scratch, scratch_bytes, work_array

from _optional import HAVE_NUMBA


@pytest.fixture
def fresh(monkeypatch):
    """Empty engine caches and no default engine for the test (the real ones come back after it)."""
    monkeypatch.setattr(_engine, "_STATUS", {})
    monkeypatch.setattr(_engine, "_RESOLVED", {})
    monkeypatch.setattr(_engine, "_BROKEN", {})
    monkeypatch.setattr(_engine, "_default_engine", None)
    monkeypatch.delenv("BK_FAST_ENGINE", raising=False)
    return monkeypatch


def _status(available: bool, name: str, reason: str = "") -> _engine.EngineStatus:
    return _engine.EngineStatus(name, available, reason=reason)


# ----------------------------------------------------------------------------------------------------------
# _engine: names, the default engine, the environment variable


def test_engine_names_are_trimmed_and_case_folded_everywhere(fresh):
    """``" NumPy "`` names the numpy engine in ``pick``, ``use_engine`` (what it yields and what
    ``get_engine`` then says), ``set_engine`` and ``BK_FAST_ENGINE``: the normalised name, never the raw one."""
    assert _engine.pick(" NumPy ") == "numpy"
    with bk_fast.use_engine(" NUMPY\t") as key:
        assert key == "numpy"
        assert bk_fast.get_engine() == "numpy"
    bk_fast.set_engine(" Numpy ")
    assert bk_fast.get_engine() == "numpy"
    bk_fast.set_engine(None)
    assert bk_fast.get_engine() == "auto"  # (None forgets the default)
    fresh.setenv("BK_FAST_ENGINE", "   ")  # (blank: unset)
    assert bk_fast.get_engine() == "auto"
    fresh.setenv("BK_FAST_ENGINE", " NumPy ")
    assert bk_fast.get_engine() == "numpy"


def test_bad_engine_names_and_types_are_explained(fresh):
    """A non-string engine is a TypeError; ``engine_status`` takes only concrete engines (``"auto"`` is a
    ValueError listing the three); a bad ``BK_FAST_ENGINE`` names the variable."""
    with pytest.raises(TypeError, match="engine must be a string, one of .*got int"):
        _engine.pick(3)
    with pytest.raises(ValueError, match=r"^unknown engine 'auto'; expected one of cython, numba, numpy$"):
        _engine.engine_status("auto")
    fresh.setenv("BK_FAST_ENGINE", "gpu")
    with pytest.raises(ValueError, match=r"^environment variable BK_FAST_ENGINE: unknown engine 'gpu'; "):
        bk_fast.get_engine()


def test_set_engine_of_a_missing_engine_raises_and_keeps_the_default(fresh):
    """``set_engine`` of an engine that is not available raises ImportError with the reason and leaves the
    default it had (numpy here)."""
    fresh.setitem(_engine._STATUS, "numba", _status(False, "numba", "faked away for this test"))
    bk_fast.set_engine("numpy")
    with pytest.raises(ImportError, match="'numba' is not available: faked away for this test"):
        bk_fast.set_engine("numba")
    assert bk_fast.get_engine() == "numpy"
    with pytest.raises(ImportError, match="faked away for this test"):
        _engine.pick("numba")


def test_pick_without_an_engine_follows_the_one_in_force(fresh):
    """``pick()`` (no engine) is the engine in force: the innermost ``use_engine`` block, not ``"auto"``
    (which, with cython reported available, would pick cython)."""
    fresh.setitem(_engine._STATUS, "cython", _status(True, "cython"))
    assert _engine.pick() == "cython"
    with bk_fast.use_engine("numpy"):
        assert _engine.pick() == "numpy"
        assert _engine.pick(None) == "numpy"


# ----------------------------------------------------------------------------------------------------------
# _engine: dispatch


def _fake_kernel(fresh, capability: str, name: str):
    """Register a reference kernel ``name`` of a made-up ``capability`` (the registry is a copy for the test)."""
    fresh.setattr(_engine, "_REGISTRY", dict(_engine._REGISTRY))

    def ref(*args):
        return "numpy"

    ref.__name__ = ref.__qualname__ = name
    ref.__module__ = f"bk_fast._kernels.reference.{capability}"
    return _engine.kernel(ref)


def test_dispatch_finds_each_engine_in_its_own_module(fresh):
    """A kernel of capability ``fakecap`` runs, on cython, ``bk_fast._kernels._fakecap.<name>``, on numba
    ``bk_fast._kernels._numba.fakecap.<name>``, on numpy the reference itself (made-up modules stand in for
    the compiled ones, so this holds whichever engines are built here)."""
    ref = _fake_kernel(fresh, "fakecap", "mut_fake_kernel")
    for engine, path in (("cython", "bk_fast._kernels._fakecap"), ("numba", "bk_fast._kernels._numba.fakecap")):
        module = types.ModuleType(path)
        module.mut_fake_kernel = lambda *args, _e=engine: _e
        fresh.setitem(sys.modules, path, module)
        fresh.setitem(_engine._STATUS, engine, _status(True, engine))
    assert _engine.resolve("mut_fake_kernel", "cython")() == "cython"
    assert _engine.resolve("mut_fake_kernel", "numba")() == "numba"
    assert _engine.resolve("mut_fake_kernel", "numpy") is ref
    assert _engine.resolve("mut_fake_kernel", "auto")() == "cython"


def test_a_compiled_module_without_the_kernel_is_not_implemented(fresh):
    """A compiled module that imports but lacks the kernel is a NotImplementedError naming both."""
    _fake_kernel(fresh, "fakecap", "mut_fake_kernel")
    fresh.setitem(sys.modules, "bk_fast._kernels._fakecap", types.ModuleType("bk_fast._kernels._fakecap"))
    fresh.setitem(_engine._STATUS, "cython", _status(True, "cython"))
    with pytest.raises(NotImplementedError, match="'mut_fake_kernel' has no cython implementation in "
                                                  "bk_fast._kernels._fakecap"):
        _engine.resolve("mut_fake_kernel", "cython")


def test_auto_skips_engines_that_are_not_available(fresh):
    """Under ``"auto"`` with cython and numba unavailable, the kernel is the numpy reference itself, even when
    a compiled module would import."""
    for name in ("cython", "numba"):
        fresh.setitem(_engine._STATUS, name, _status(False, name, "test"))
    ref = _engine.kernels()["planning_balance"].reference
    assert _engine.resolve("planning_balance", "auto") is ref
    assert _engine.resolve("planning_balance") is ref  # (None: the engine in force, "auto")


def test_a_recorded_broken_module_is_skipped_silently_and_refused_explicitly(fresh):
    """A (kernel, engine) pair recorded as broken: ``"auto"`` goes on to the next engine without another
    RuntimeWarning (it was warned about once, when it broke), an explicit call raises the recorded reason
    without trying the import again."""
    fresh.setitem(_engine._STATUS, "cython", _status(True, "cython"))
    fresh.setitem(_engine._STATUS, "numba", _status(False, "numba", "test"))
    fresh.setitem(_engine._BROKEN, ("planning_balance", "cython"), "recorded: module x failed to import")
    ref = _engine.kernels()["planning_balance"].reference
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _engine.resolve("planning_balance", "auto") is ref
    with pytest.raises(ImportError, match="^recorded: module x failed to import$"):
        _engine.resolve("planning_balance", "cython")


def test_auto_falls_back_past_a_module_that_fails_to_import(fresh):
    """A compiled module that fails to import: ``"auto"`` warns once (RuntimeWarning naming the module) and runs
    the next engine, later calls go there silently, an explicit call raises ImportError naming the module."""
    ref = _fake_kernel(fresh, "fakecap", "mut_fake_kernel")
    fresh.setitem(sys.modules, "bk_fast._kernels._fakecap", None)  # (importing it raises ImportError)
    fresh.setitem(_engine._STATUS, "cython", _status(True, "cython"))
    fresh.setitem(_engine._STATUS, "numba", _status(False, "numba", "test"))
    with pytest.warns(RuntimeWarning, match=r"module bk_fast\._kernels\._fakecap failed to import .*next engine"):
        assert _engine.resolve("mut_fake_kernel", "auto") is ref
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _engine.resolve("mut_fake_kernel", "auto") is ref
    with pytest.raises(ImportError, match=r"engine 'cython' cannot run kernel 'mut_fake_kernel': module "
                                          r"bk_fast\._kernels\._fakecap failed to import"):
        _engine.resolve("mut_fake_kernel", "cython")


def test_reset_for_tests_forgets_broken_modules(fresh):
    """``_reset_for_tests`` also forgets the (kernel, engine) pairs recorded as broken: a pair recorded as
    broken (even numpy's) raises until then, and resolves after."""
    fresh.setitem(_engine._BROKEN, ("planning_balance", "numpy"), "stale record")
    with pytest.raises(ImportError, match="^stale record$"):
        _engine.resolve("planning_balance", "numpy")
    _engine._reset_for_tests()
    assert _engine.resolve("planning_balance", "numpy") is _engine.kernels()["planning_balance"].reference


def test_registering_a_kernel_twice(fresh):
    """The same name registered again from the same capability (a reloaded module) replaces the entry; from
    another capability it is a RuntimeError naming both."""
    first = _fake_kernel(fresh, "capa", "mut_twice")
    assert _engine._REGISTRY["mut_twice"].capability == "capa"
    assert _engine._REGISTRY["mut_twice"].reference is first

    def again():
        return None

    again.__name__, again.__module__ = "mut_twice", "bk_fast._kernels.reference.capa"
    assert _engine.kernel(again) is again
    assert _engine._REGISTRY["mut_twice"].reference is again

    def other():
        return None

    other.__name__, other.__module__ = "mut_twice", "bk_fast._kernels.reference.capb"
    with pytest.raises(RuntimeError, match=r"kernel 'mut_twice' registered twice \(capa and capb\)"):
        _engine.kernel(other)


def test_kernels_come_sorted_by_name(fresh):
    """``kernels()`` lists the kernels by name whatever the order they were registered in."""
    registry = _engine.kernels()
    fresh.setattr(_engine, "_REGISTRY", dict(reversed(list(registry.items()))))
    names = list(_engine.kernels())
    assert names == sorted(names) and names[0] < names[-1]


@pytest.mark.parametrize("code, expected", [
    ("print(e.resolve('gather8', 'numpy').__module__)", "bk_fast._kernels.reference.compat"),
    ("k = e.kernels(); print(all(n in k for n in ('gather8', 'planning_balance', 'segmented_cumsum')))", "True"),
])
def test_a_fresh_process_registers_the_kernels_on_first_use(code, expected):
    """In a fresh interpreter (no reference module imported yet), a first ``resolve`` and a first
    ``kernels()`` import the reference modules themselves: ``gather8`` (capability ``compat``) is found, and
    ``kernels()`` lists kernels of several capabilities."""
    out = subprocess.run([sys.executable, "-c", "import bk_fast._engine as e; " + code], capture_output=True,
                         text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != "BK_FAST_ENGINE"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected


# ----------------------------------------------------------------------------------------------------------
# _engine: probes and the fork hook


def test_probe_cython_names_the_build_flavour(monkeypatch):
    """The cython status names the Cython version and the build flavour from ``_build_info``."""
    for flag, flavour in ((True, "boundscheck"), (False, "release")):
        info = types.SimpleNamespace(BOUNDSCHECK=flag, CYTHON_VERSION="9.9")
        monkeypatch.setitem(sys.modules, "bk_fast._kernels._build_info", info)
        status = _engine._probe_cython()
        assert status.available and status.version == f"Cython 9.9, {flavour} build"


@pytest.mark.parametrize("value, disabled", [("1", True), (" yes ", True), ("on", True), ("0", False),
                                             (" 0 ", False), ("", False), ("  ", False), ("false", False),
                                             (" No ", False), ("OFF", False)])
def test_probe_numba_reads_bk_fast_disable_numba(monkeypatch, value, disabled):
    """``BK_FAST_DISABLE_NUMBA``: any value but empty, ``0``, ``false``, ``no`` or ``off`` (any case, spaces aside)
    disables numba, as ``BK_FAST_DISABLE`` reads its value (``false`` disabled numba before session 30); otherwise
    numba is available exactly when it is installed."""
    monkeypatch.setenv("BK_FAST_DISABLE_NUMBA", value)
    status = _engine._probe_numba()
    if disabled:
        assert (status.available, status.reason) == (False, "disabled by BK_FAST_DISABLE_NUMBA")
    elif HAVE_NUMBA:
        assert status.available and status.reason == "" and status.version.startswith("numba ")
    else:
        assert not status.available and status.reason.startswith("numba is not installed")


@pytest.mark.parametrize("layer, expected", [("omp", True), ("tbb", False), ("workqueue", False),
                                             (ValueError, False), (None, False)])
def test_fork_hook_flags_only_the_omp_layer(monkeypatch, layer, expected):
    """The at-fork hook sets FORKED_AFTER_OMP only when numba is loaded and its threading layer is ``omp``; no
    numba module, or no parallel region run yet (``threading_layer`` raises ValueError), leaves it alone."""
    flag = [False]
    monkeypatch.setattr(_engine, "FORKED_AFTER_OMP", flag)
    if layer is None:
        monkeypatch.delitem(sys.modules, "numba", raising=False)
    else:
        def threading_layer():
            if layer is ValueError:
                raise ValueError("no threading layer loaded")
            return layer

        monkeypatch.setitem(sys.modules, "numba", types.SimpleNamespace(threading_layer=threading_layer))
    _engine._after_fork_in_child()
    assert flag == [expected]


# ----------------------------------------------------------------------------------------------------------
# _columns


def test_normalise_keeps_letters_digits_and_hash_percent_slash():
    """Folding is ``casefold`` (so ß is ss), and of the punctuation only ``#``, ``%`` and ``/`` survive."""
    assert normalise("Straße") == "strasse"
    assert normalise("G00 (lbs)") == "g00lbs"
    assert normalise("BOM %") == "bom%"
    assert normalise("Cost/Pound") == "cost/pound"
    assert normalise("\ufeff Style # ") == "style#"


def test_canonical_tells_the_kept_punctuation_apart():
    """Because ``#``, ``%`` and ``/`` are kept, ``desc`` is the Description column (not ``Desc#``), ``bom`` and
    ``lbs day`` are no alias (only ``BOM %`` and ``lbs/day`` are), and ``G 00`` is ``G00 (lbs)``'s short name."""
    assert canonical("desc") == "Description"
    assert canonical("Desc #") == "Desc#"
    assert canonical("bom") is None and canonical("bom %") == "BOM_Percentage"
    assert canonical("lbs day") is None and canonical("LBS/DAY") == "lbs/day"
    assert canonical("G 00") == "G00 (lbs)"


# ----------------------------------------------------------------------------------------------------------
# _gather


@pytest.mark.parametrize("dtype, expected", [
    ("i8", True), ("u8", True), ("f8", True), ("M8[ns]", True), ("m8[s]", True),
    ("i4", False), ("f4", False), ("c8", False), ("c16", False), ("?", False), ("O", False), ("S8", False),
])
def test_is_8byte(dtype, expected):
    """8-byte ints, floats, dates and spans only: not complex64 (8 bytes, but complex), nor 16-byte types."""
    assert is_8byte(np.dtype(dtype)) is expected


def test_is_8byte_refuses_extension_and_long_double_dtypes():
    """A pandas extension dtype (Int64: itemsize 8, kind 'i') is no NumPy dtype; a long double wider than 8
    bytes is not moved either, and ``take8`` gives its values exactly."""
    assert is_8byte(pd.Int64Dtype()) is False
    ld = np.dtype(np.longdouble)
    assert is_8byte(ld) is (ld.itemsize == 8)
    values = np.array([1.5, 2.25, 3.125], dtype=np.longdouble)
    got = take8(values, np.array([2, 0], dtype=np.int64), engine="numpy")
    assert got.dtype == ld and got.tolist() == [3.125, 1.5]


def test_take8_dates_strided_values_and_out(engine):
    """Dates come back as dates; a strided view is gathered from its own elements; ``out`` (an int64 block) is
    written and handed back viewed as the values' dtype."""
    rows = np.array([2, 0, 2], dtype=np.int64)
    dates = np.array(["2024-01-01", "2024-02-29", "2024-12-31"], dtype="M8[D]").astype("M8[ns]")
    got = take8(dates, rows, engine=engine)
    assert got.dtype == np.dtype("M8[ns]")
    assert got.astype("M8[D]").astype(str).tolist() == ["2024-12-31", "2024-01-01", "2024-12-31"]
    strided = np.arange(10, dtype=np.float64)[::2]  # 0, 2, 4, 6, 8
    assert take8(strided, np.array([4, 0, 2], dtype=np.int64), engine=engine).tolist() == [8.0, 0.0, 4.0]
    block = np.zeros(3, dtype=np.int64)
    got = take8(np.array([0.5, -1.5, 7.0]), rows, engine=engine, out=block)
    assert got.dtype == np.float64 and got.tolist() == [7.0, 0.5, 7.0] and np.shares_memory(got, block)
    assert take8(np.array([10, 20, 30], dtype=np.int32), rows, engine=engine).tolist() == [30, 10, 30]


def test_take8_honours_an_unavailable_engine(fresh):
    """``engine=`` reaches the kernel: an engine that is not available raises ImportError."""
    fresh.setitem(_engine._STATUS, "numba", _status(False, "numba", "faked away"))
    with pytest.raises(ImportError, match="faked away"):
        take8(np.array([1.0, 2.0]), np.array([1], dtype=np.int64), engine="numba")


# ----------------------------------------------------------------------------------------------------------
# _scratch


@pytest.fixture
def scratch(monkeypatch):
    """An empty scratch for the calling thread, with ``set_limit`` to change the cap for the test."""
    release_scratch()
    yield lambda n: monkeypatch.setattr(_scratch, "LIMIT_BYTES", n)
    release_scratch()


def test_scratch_request_of_exactly_the_cap_is_kept_and_reused(scratch):
    """A request of exactly LIMIT_BYTES is kept; the same request again gets the same memory."""
    scratch(800)
    a = work_array("mut.a", 100, np.int64)
    assert scratch_bytes() == 800
    assert np.shares_memory(a, work_array("mut.a", 100, np.int64))
    assert np.shares_memory(a, work_array("mut.a", np.int64(25), np.float64))  # (a NumPy integer as shape)
    assert work_array("mut.a", np.int64(25), np.float64).shape == (25,)


def test_scratch_growing_a_slot_counts_only_the_other_slots(scratch):
    """Growing a slot from 400 to 800 bytes under a cap of 1000 replaces its buffer (400 + 800 would pass the
    cap, but the old 400 go); two slots that fill the cap exactly (800 + 64) are both kept."""
    scratch(1000)
    work_array("mut.g", 50, np.int64)
    assert scratch_bytes() == 400
    work_array("mut.g", 100, np.int64)
    assert scratch_bytes() == 800
    release_scratch()
    scratch(864)
    work_array("mut.a", 100, np.int64)
    b = work_array("mut.b", 8, np.int64)
    assert scratch_bytes() == 864 and np.shares_memory(b, work_array("mut.b", 8, np.int64))


def test_scratch_buffers_are_at_least_64_bytes_and_within_the_cap(scratch):
    """A tiny request keeps a 64-byte buffer, and that 64 counts against the cap: under a cap of 100 a second
    slot's 8 bytes are not kept (64 + 64 > 100)."""
    scratch(100)
    work_array("mut.x", 1, np.int64)
    assert scratch_bytes() == 64
    b = work_array("mut.y", 1, np.int64)
    assert scratch_bytes() == 64 and b.shape == (1,)


def test_scratch_limit_zero_is_allowed(monkeypatch):
    """``BK_FAST_SCRATCH_MB=0`` is a valid cap (nothing kept), ``0.5`` half a MB."""
    monkeypatch.setenv("BK_FAST_SCRATCH_MB", "0")
    assert _scratch._limit() == 0
    monkeypatch.setenv("BK_FAST_SCRATCH_MB", "0.5")
    assert _scratch._limit() == 1 << 19


# ----------------------------------------------------------------------------------------------------------
# _progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


class _Clock:
    """A stand-in for ``time`` in bk_fast._progress: ``perf_counter`` returns ``now``."""

    def __init__(self):
        self.now = 100.0

    def perf_counter(self):
        return self.now


@pytest.fixture
def plain(monkeypatch, capsys):
    """The plain bar (no tqdm) on a clock that moves only when told; returns the clock."""
    monkeypatch.setitem(sys.modules, "tqdm", None)
    clock = _Clock()
    monkeypatch.setattr(_progress, "time", clock)
    capsys.readouterr()
    return clock


def test_wanted_quiet_and_closed_streams(monkeypatch):
    """Within ``quiet()`` the default draws no bar even with BK_FAST_PROGRESS=1 (an explicit True still does),
    and after it the default is back; a closed stream is no terminal; a bad BK_FAST_PROGRESS is checked by
    ``check(None)``."""
    monkeypatch.setenv("BK_FAST_PROGRESS", "1")
    with quiet():
        assert wanted(None, stream=_Tty()) is False
        assert wanted(True) is True
    assert wanted(None, stream=io.StringIO()) is True
    monkeypatch.delenv("BK_FAST_PROGRESS")
    assert wanted(None, stream=_Tty()) is True
    closed = io.StringIO()
    closed.close()
    assert wanted(None, stream=closed) is False
    monkeypatch.setenv("BK_FAST_PROGRESS", "maybe")
    with pytest.raises(ValueError, match="BK_FAST_PROGRESS must be"):
        _progress.check(None)


def test_plain_bar_text(plain, capsys):
    """The plain bar's exact lines: 28 cells filled ``int(28 * pos / total)`` (2 of 3: 18), a shorter line
    padded to the longest one drawn, the label cut to 46 characters, ``pos`` held within 0..total."""
    bar = Bar(3, "job", progress=True)
    bar.update_to(2, "x" * 50)
    line1 = "job [" + "#" * 18 + "." * 10 + "]   2/3   0.0s " + "x" * 46
    assert capsys.readouterr().err == "\r" + line1
    bar.update_to(10, "b")  # (past the end: held at 3)
    line2 = "job [" + "#" * 28 + "]   3/3   0.0s b"
    assert capsys.readouterr().err == "\r" + line2.ljust(len(line1))
    bar.update_to(3, "c")
    assert capsys.readouterr().err == "\r" + (line2[:-1] + "c").ljust(len(line1))
    assert bar.pos == 3


def test_plain_bar_throttle_labels_end_and_clear(plain, capsys):
    """Moves without a label within 0.1 s are not drawn, except the last one (pos == total); a label is drawn
    at once; after ``clear`` the next move draws at once; a clear with nothing drawn writes nothing; after
    ``close`` nothing is drawn."""
    bar = Bar(4, progress=True)
    bar.clear()
    assert capsys.readouterr().err == ""
    bar.step()
    assert capsys.readouterr().err == "\r[" + "#" * 7 + "." * 21 + "]   1/4   0.0s"
    bar.step()
    assert capsys.readouterr().err == ""  # (throttled: same instant, no label)
    bar.step("lab")
    assert capsys.readouterr().err.endswith("3/4   0.0s lab")
    bar.clear()
    assert capsys.readouterr().err == "\r" + " " * len("[" + "#" * 21 + "." * 7 + "]   3/4   0.0s lab") + "\r"
    plain.now += 0.06
    bar.update_to(3)
    assert capsys.readouterr().err == "\r[" + "#" * 21 + "." * 7 + "]   3/4   0.1s"
    bar.update_to(4)
    assert capsys.readouterr().err == "\r[" + "#" * 28 + "]   4/4   0.1s"
    bar.close()
    bar.step("after")
    bar.update_to(4, "after")
    assert capsys.readouterr().err == "\r" + " " * 43 + "\r"


def test_plain_bar_of_nothing_and_of_bytes(plain, capsys):
    """A bar of 0 units counts as 1 (no division by zero); ``unit="B"`` shows the percentage."""
    bar = Bar(0, progress=True)
    assert bar.total == 1
    bar.update_to(0, "s")
    assert capsys.readouterr().err == "\r[" + "." * 28 + "]   0/1   0.0s s"
    bar = Bar(2048, "f.csv", progress=True, unit="B")
    bar.update_to(1024, "r")
    assert capsys.readouterr().err == "\rf.csv [" + "#" * 14 + "." * 14 + "]  50.0%   0.0s r"

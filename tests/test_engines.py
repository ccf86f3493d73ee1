"""The engine registry and dispatch: availability, selection, errors, laziness."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import _hardening_scenarios as H

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "fuzz"))
import bk_fast  # noqa: E402
from _harness import assert_same  # noqa: E402
from bk_fast import _engine  # noqa: E402
from bk_fast._engine import ENGINES, engine_status, kernels, resolve  # noqa: E402
from bk_fast._kernels.reference.parse import STATUS_DEFER, STATUS_LONG, clean_float, clean_float_ascii  # noqa: E402


def test_import_does_not_load_numba_or_extension():
    code = ("import sys, bk_fast; bk_fast.__version__; "
            "print('numba' in sys.modules, any(m.startswith('bk_fast._kernels._') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_engines_reports_every_engine():
    status = bk_fast.engines()
    assert list(status) == list(ENGINES)
    assert status["numpy"].available
    for name, st in status.items():
        assert st.available or st.reason, f"{name} unavailable without a reason"


def test_all_engines_available_in_ci():
    """CI must exercise all three engines: there a missing engine is a failure, not a skip."""
    if not os.environ.get("CI"):
        pytest.skip("only enforced in CI (CI=true)")
    missing = {k: v.reason for k, v in bk_fast.engines().items() if not v.available}
    assert not missing, f"engines missing in CI: {missing}"


def test_every_kernel_has_every_engine(engine):
    for name in kernels():
        fn = resolve(name, engine)
        assert callable(fn), name


def test_registry_names_match_across_engines():
    registry = kernels()
    assert {"planning_balance", "theoretical_balance", "yarn_risk", "segmented_cumsum"} <= set(registry)
    for name, kern in registry.items():
        assert kern.reference.__name__ == name
        assert kern.reference.__module__ == f"bk_fast._kernels.reference.{kern.capability}"


def test_auto_prefers_cython_then_numba_then_numpy():
    available = [e for e in ENGINES if bk_fast.engines()[e].available]
    assert _engine.pick("auto") == available[0]


def test_set_engine_and_context_manager():
    try:
        bk_fast.set_engine("numpy")
        assert bk_fast.get_engine() == "numpy"
        with bk_fast.use_engine("auto"):
            assert bk_fast.get_engine() == "auto"
        assert bk_fast.get_engine() == "numpy"
    finally:
        bk_fast.set_engine(None)


def test_use_engine_is_per_thread():
    seen = {}
    with bk_fast.use_engine("numpy"):
        t = threading.Thread(target=lambda: seen.setdefault("other", bk_fast.get_engine()))
        t.start()
        t.join()
        assert bk_fast.get_engine() == "numpy"
    assert seen["other"] == "auto"


def test_env_variable_sets_default(monkeypatch):
    monkeypatch.setattr(_engine, "_default_engine", None)
    monkeypatch.setenv("BK_FAST_ENGINE", "numpy")
    assert bk_fast.get_engine() == "numpy"
    monkeypatch.setenv("BK_FAST_ENGINE", "fortran")
    with pytest.raises(ValueError, match="unknown engine 'fortran'"):
        bk_fast.get_engine()


def test_unknown_engine_is_a_value_error():
    with pytest.raises(ValueError, match="expected one of"):
        bk_fast.planning_balance(bk_fast.datasets.make_mill(0.01)["yarn_inventory"], engine="gpu")


def test_missing_engine_raises_import_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(_engine._STATUS, "numba", _engine.EngineStatus(
        "numba", False, reason="numba is not installed; install the numba extra: `pip install 'bk_fast[numba]'`"))
    monkeypatch.setattr(_engine, "_RESOLVED", {})
    with pytest.raises(ImportError, match=r"bk_fast\[numba\]"):
        resolve("planning_balance", "numba")
    with pytest.raises(ImportError, match="numba"):
        with bk_fast.use_engine("numba"):
            pass


def test_auto_falls_back_when_compiled_engines_are_missing(monkeypatch):
    for name in ("cython", "numba"):
        monkeypatch.setitem(_engine._STATUS, name, _engine.EngineStatus(name, False, reason="test"))
    assert _engine.pick("auto") == "numpy"
    out = np.empty(2)
    resolve("planning_balance", "auto")(np.ones(2), np.ones(2), np.ones(2), out)
    assert out.tolist() == [3.0, 3.0]


def test_disable_numba_env_in_fresh_process():
    code = "import bk_fast; s = bk_fast.engines()['numba']; print(s.available, '|', s.reason)"
    env = dict(os.environ, BK_FAST_DISABLE_NUMBA="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.startswith("False | disabled by BK_FAST_DISABLE_NUMBA")


def test_unknown_kernel():
    with pytest.raises(KeyError, match="no kernel named 'explode_everything'"):
        resolve("explode_everything", "numpy")


# ----------------------------------------------------------------------------------------------------------
# every registered kernel, every engine, on the calls the public API really makes

#: registered kernels the recorded scenarios (tests/_hardening_scenarios.py) may leave out, with the reason;
#: any other kernel missing from the recording fails the test below (add a scenario for it)
NOT_EXERCISED: dict[str, str] = {}


def _cut_tail(result, k: int, positions):
    """The arguments at ``positions`` cut to their first ``k`` entries (the rest is an unused buffer tail)."""
    ret, args = result
    return ret, [a[:k] if i in positions else a for i, a in enumerate(args)]


def _parse_resolved(result):
    """parse_number_text: the rows a compiled engine hands back to Python (STATUS_DEFER / STATUS_LONG, counted
    by the return value) resolved as bk_fast.io resolves them, so every row compares with the reference."""
    ret, args = result
    data, offsets, out, status = args
    deferred = np.flatnonzero(status >= STATUS_DEFER)
    assert ret == len(deferred), f"parse_number_text returned {ret}, {len(deferred)} rows deferred"
    out, status = out.copy(), status.copy()
    for i in deferred:
        text = data[offsets[i]:offsets[i + 1]].tobytes().decode("utf-8", errors="surrogateescape")
        out[i], status[i] = clean_float_ascii(text) if status[i] == STATUS_LONG else clean_float(text)
    return 0, [data, offsets, out, status]


def _comparable(name: str, result):
    """What of a kernel's (return value, arguments after the call) its contract defines."""
    if name == "shortage_compact":  # (balance, threshold, rows, amount, bal_out, thr_out) -> k
        return _cut_tail(result, result[0], {2, 3, 4, 5})
    if name == "take_text":  # (offsets, data, rows, out_offsets, out_data) -> byte count
        return _cut_tail(result, result[0], {4})
    if name == "parse_number_text":
        return _parse_resolved(result)
    return result


def test_every_kernel_matches_the_reference_on_recorded_calls():
    """The kernel calls the public API makes on small scenarios, recorded on a compiled engine, replayed on
    fresh copies of their inputs on every engine: the same return value and the same arguments after the call
    (outputs written, inputs untouched) as the numpy reference, bit for bit (NaN and signed zeros included)."""
    engines = [e for e in ENGINES if engine_status(e).available]
    source = next((e for e in engines if e != "numpy"), None)
    if source is None:
        pytest.skip("no compiled engine available")
    log, skipped = H.captured(source)
    assert not skipped, f"scenarios left out: {skipped}"
    registered = set(kernels())
    assert set(NOT_EXERCISED) <= registered, f"stale NOT_EXERCISED entries: {set(NOT_EXERCISED) - registered}"
    missing = registered - set(log) - set(NOT_EXERCISED) - H.ARROW_TEXT_KERNELS
    assert not missing, f"kernels no scenario of tests/_hardening_scenarios.py calls: {sorted(missing)}"
    for name, calls in sorted(log.items()):
        for n, call in enumerate(calls):
            results = {}
            for eng in engines:
                args = call.fresh_args()
                ret = resolve(name, eng)(*args)
                results[eng] = _comparable(name, (ret, list(args)))
            for eng in engines:
                if eng != "numpy":
                    assert_same(results["numpy"], results[eng], f" {name} call {n}: {eng} vs numpy")

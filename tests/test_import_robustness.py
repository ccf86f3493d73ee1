"""Import robustness: `import bk_fast` works, and `bk_fast.engines()` says why an engine is off, when numba's
cache directory is unwritable, numba is missing or broken, or the compiled extension is missing or partial.

Each scenario runs in a fresh interpreter (the engine probes are cached per process); a small prelude hides
numba or the extension from the import system the way an install without them would look.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import bk_fast
from bk_fast import _engine

# Hide modules from the import system: a finder that says "not installed" for the given names.
_HIDE = textwrap.dedent("""
    import importlib.abc, sys
    class _Hide(importlib.abc.MetaPathFinder):
        def __init__(self, test):
            self.test = test
        def find_spec(self, name, path=None, target=None):
            if self.test(name):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None
""")

# After the prelude: import bk_fast, report engines, run planning_balance / yarn_risk / segmented_cumsum
# under "auto" and each available engine, and print everything as JSON.
_PROBE = textwrap.dedent("""
    import json, sys, warnings
    import numpy as np, pandas as pd
    import bk_fast
    status = {k: [v.available, v.version, v.reason] for k, v in bk_fast.engines().items()}
    inv = pd.DataFrame({"Theoretical Balance": [430.0, -50.0, "(1,200.00)"], "Allocated": [0.0, -1000.0, None],
                        "On Order": [0.0, 0.0, 20.0], "Consumed": [-43.0, 0.0, 0.0]})
    out = {"status": status, "auto": bk_fast._engine.pick("auto"), "results": {}, "errors": {}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for eng in ("auto", "cython", "numba", "numpy"):
            try:
                pb = bk_fast.planning_balance(inv, engine=eng).tolist()
                risk = bk_fast.yarn_risk(inv, engine=eng)["risk"].astype(str).tolist()
                cs = bk_fast.segmented_cumsum([1.0, 2.0, 3.0], ["a", "b", "a"], engine=eng).tolist()
                out["results"][eng] = [pb, risk, cs]
            except Exception as exc:
                out["errors"][eng] = [type(exc).__name__, str(exc)]
    out["warnings"] = [str(w.message) for w in caught]
    out["numba_loaded"] = "numba" in sys.modules
    print("RESULT" + json.dumps(out))
""")

_EXPECTED = [[430.0, -1050.0, -1180.0], ["LOW", "CRITICAL", "CRITICAL"], [1.0, 2.0, 4.0]]


def _run(prelude: str = "", env: dict | None = None) -> dict:
    full_env = dict(os.environ)
    full_env.pop("BK_FAST_ENGINE", None)
    full_env.update(env or {})
    code = _HIDE + textwrap.dedent(prelude) + _PROBE
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=300,
                          cwd=os.path.dirname(__file__))
    assert proc.returncode == 0, f"subprocess failed:\n{proc.stdout}\n{proc.stderr}"
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def _numba_really_installed() -> bool:
    return bk_fast.engines()["numba"].available


def test_baseline_every_available_engine_gives_the_same_answers():
    out = _run()
    assert out["errors"] == {k: v for k, v in out["errors"].items() if not out["status"][k][0]}
    for eng, res in out["results"].items():
        assert res == _EXPECTED, eng


def test_unwritable_numba_cache_dir(tmp_path):
    """NUMBA_CACHE_DIR pointing below a regular file (unwritable even for root): numba still works, without
    a disk cache, and engines() says so."""
    if not _numba_really_installed():
        pytest.skip("numba not installed here")
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    out = _run(env={"NUMBA_CACHE_DIR": str(blocker / "cache")})
    available, version, _ = out["status"]["numba"]
    assert available
    assert "no writable cache dir" in version
    assert out["results"]["numba"] == _EXPECTED
    assert not any("cache" in w.lower() for w in out["warnings"]), out["warnings"]


def test_numba_not_installed():
    out = _run("sys.modules['numba'] = None\n")
    available, _, reason = out["status"]["numba"]
    assert not available
    assert "numba is not installed" in reason and "bk_fast[numba]" in reason
    assert out["errors"]["numba"][0] == "ImportError"
    assert "bk_fast[numba]" in out["errors"]["numba"][1]
    for eng in ("auto", "numpy"):
        assert out["results"][eng] == _EXPECTED


def test_numba_broken_on_import(tmp_path):
    """numba present but failing to import (e.g. built for another numpy): engine off with the error."""
    fake = tmp_path / "numba"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('Numba needs NumPy 2.3 or less')\n")
    env = {"PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = _run(env=env)
    available, _, reason = out["status"]["numba"]
    assert not available
    assert "numba failed to import" in reason and "NumPy 2.3 or less" in reason
    assert out["errors"]["numba"][0] == "ImportError"
    assert out["results"]["auto"] == _EXPECTED


def test_compiled_extension_missing():
    """No compiled modules at all (an sdist installed without a compiler, a wheel for another Python)."""
    prelude = ("sys.meta_path.insert(0, _Hide(lambda n: n.startswith('bk_fast._kernels._') and "
               "not n.startswith('bk_fast._kernels._numba')))\n")
    out = _run(prelude)
    available, _, reason = out["status"]["cython"]
    assert not available
    assert "compiled extension not importable" in reason and "_build_info" in reason
    assert out["errors"]["cython"][0] == "ImportError"
    assert "compiled extension" in out["errors"]["cython"][1]
    assert out["auto"] == ("numba" if out["status"]["numba"][0] else "numpy")
    assert out["results"]["auto"] == _EXPECTED
    assert out["results"]["numpy"] == _EXPECTED


def test_compiled_extension_and_numba_missing():
    prelude = ("sys.modules['numba'] = None\n"
               "sys.meta_path.insert(0, _Hide(lambda n: n.startswith('bk_fast._kernels._') and "
               "not n.startswith('bk_fast._kernels._numba')))\n")
    out = _run(prelude)
    assert [out["status"][e][0] for e in ("cython", "numba", "numpy")] == [False, False, True]
    assert out["auto"] == "numpy"
    assert out["results"]["auto"] == _EXPECTED
    assert set(out["errors"]) == {"cython", "numba"}


def test_partial_compiled_extension_falls_back_under_auto():
    """A stale/partial build: the extension imports but one capability's module does not. "auto" runs that
    kernel on the next engine with a RuntimeWarning naming the module; an explicit cython call raises
    ImportError naming it; the other modules still run compiled."""
    prelude = "sys.meta_path.insert(0, _Hide(lambda n: n == 'bk_fast._kernels._inventory'))\n"
    out = _run(prelude)
    if not out["status"]["cython"][0]:
        pytest.skip("cython engine not built here")
    assert out["results"]["auto"] == _EXPECTED
    assert any("bk_fast._kernels._inventory" in w and "next engine" in w for w in out["warnings"]), \
        out["warnings"]
    name, msg = out["errors"]["cython"]
    assert name == "ImportError" and "bk_fast._kernels._inventory" in msg and "failed to import" in msg


def test_bad_engine_env_is_reported_at_call_time_with_the_variable_name():
    env = {"BK_FAST_ENGINE": "gpu"}
    code = ("import bk_fast; print(sorted(bk_fast.engines()))\n"
            "try:\n    bk_fast.segmented_cumsum([1.0], [0])\nexcept ValueError as e:\n    print('ERR', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **env))
    assert proc.returncode == 0, proc.stderr
    assert "['cython', 'numba', 'numpy']" in proc.stdout
    assert "ERR environment variable BK_FAST_ENGINE: unknown engine 'gpu'" in proc.stdout


def test_import_does_not_touch_numba_cache_or_extension(tmp_path):
    """`import bk_fast` alone creates nothing on disk and imports neither numba nor the extension, even
    with an unwritable cache dir configured."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = ("import sys, bk_fast; bk_fast.__version__; bk_fast.get_engine();"
            "print('numba' in sys.modules, any(m.startswith('bk_fast._kernels._') for m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, NUMBA_CACHE_DIR=str(blocker / "x")))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]


def test_in_process_partial_failure_records_reason(monkeypatch):
    """Same as the subprocess test, in process: a module that fails to import is remembered, not retried."""
    monkeypatch.setattr(_engine, "_RESOLVED", {})
    monkeypatch.setattr(_engine, "_BROKEN", {})
    calls = []
    real = _engine.importlib.import_module

    def fake_import(name, *a, **k):
        if name == "bk_fast._kernels._segments":
            calls.append(name)
            raise ImportError("undefined symbol: PyFoo")
        return real(name, *a, **k)

    monkeypatch.setattr(_engine.importlib, "import_module", fake_import)
    if not bk_fast.engines()["cython"].available:
        pytest.skip("cython engine not built here")
    with pytest.raises(ImportError, match=r"_segments failed to import \(undefined symbol: PyFoo\)"):
        _engine.resolve("segmented_cumsum", "cython")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fn = _engine.resolve("segmented_cumsum", "auto")
    assert fn.__module__ != "bk_fast._kernels._segments"
    out = np.zeros(3)
    fn(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1], dtype=np.int64), 2, out)
    assert out.tolist() == [1.0, 3.0, 3.0]
    _engine.resolve("segmented_cumsum", "auto")
    assert len(calls) == 1  # not retried on every call

"""Packaging: the --version flag, the dask extra's import error, a type stub per Cython kernel, tools/dev-build.sh."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import bk_fast
from bk_fast.cli import main

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ROOT / "src" / "bk_fast" / "_kernels"
PYX = sorted(KERNELS.glob("_*.pyx"))


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flag_prints_the_version(flag, capsys):
    with pytest.raises(SystemExit) as exc:
        main([flag])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"bk_fast {bk_fast.__version__}"


def test_dask_module_without_dask_names_the_extra(monkeypatch):
    for name in ("dask", "dask.dataframe", "dask.delayed"):
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: "not installed"
    monkeypatch.delitem(sys.modules, "bk_fast.dask", raising=False)  # restored afterwards
    with pytest.raises(ImportError, match=re.escape('pip install "bk_fast[dask]"')) as exc:
        importlib.import_module("bk_fast.dask")
    assert isinstance(exc.value.__cause__, ImportError)  # the original error is chained


def test_every_pyx_has_a_pyi_stub():
    assert PYX, f"no kernels found in {KERNELS}"
    missing = [p.name for p in PYX if not p.with_suffix(".pyi").exists()]
    assert not missing, f"no .pyi stub beside {missing}"


def _stub_names(path: Path) -> tuple[set[str], set[str]]:
    """The functions and the annotated module constants that a stub declares."""
    tree = ast.parse(path.read_text())
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    constants = {node.target.id for node in tree.body
                 if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)}
    return functions, constants


@pytest.mark.parametrize("pyx", PYX, ids=lambda p: p.stem)
def test_stub_names_match_the_compiled_module(pyx):
    stub = pyx.with_suffix(".pyi")
    if not stub.exists():
        pytest.fail(f"no .pyi stub beside {pyx.name}")
    try:
        module = importlib.import_module(f"bk_fast._kernels.{pyx.stem}")
    except ImportError as exc:
        pytest.skip(f"the Cython kernels are not built: {exc}")
    public = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    # the module's own functions (not ones it imports, such as _allocation's work_array) and its constants
    callables = {name for name, value in public.items()
                 if callable(value) and getattr(value, "__module__", None) == module.__name__}
    values = {name for name, value in public.items()
              if not callable(value) and not isinstance(value, types.ModuleType)}
    functions, constants = (names - {name for name in names if name.startswith("_")} for names in _stub_names(stub))
    assert functions == callables, f"{stub.name}: functions {sorted(functions)}, the module's {sorted(callables)}"
    assert constants == values, f"{stub.name}: constants {sorted(constants)}, the module's {sorted(values)}"


def test_dev_build_installs_the_build_requirements_it_needs():
    script = (ROOT / "tools" / "dev-build.sh").read_text()
    subprocess.run(["bash", "-n", str(ROOT / "tools" / "dev-build.sh")], check=True)
    build_system = re.search(r"^requires = \[(.*)\]", (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    needed = {re.split(r"[<>=\[]", req.strip().strip('"'))[0].lower() for req in build_system.split(",")}
    listed = re.search(r"^BUILD_REQUIREMENTS=\((.*)\)", script, re.M)
    assert listed, "dev-build.sh builds without isolation but lists no build requirements to install"
    names = {re.split(r"[<>=]", req.strip('"'))[0].lower() for req in listed.group(1).split()}
    assert needed | {"ninja", "cmake"} <= names, f"dev-build.sh does not install {sorted(needed - names)}"
    assert "--no-build-isolation" in script and "pip install" in script

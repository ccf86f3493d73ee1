"""Every Examples section in bk_fast's docstrings runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bk_fast

MODULES = sorted(m.name for m in pkgutil.walk_packages(bk_fast.__path__, "bk_fast.")
                 if "._kernels._" not in m.name and not m.name.startswith("bk_fast._kernels._numba"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # an optional extra (dask, openpyxl, matplotlib) not installed
        pytest.skip(f"{name}: {exc}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"

"""The optional packages some tests need (pyarrow, numba, matplotlib): a test that needs one that is not installed
is skipped with a reason naming it (DESIGN.md), in a plain ``pip install bk_fast`` (numpy + pandas) as in one
with every extra, where each such test runs as before."""

from __future__ import annotations

import importlib.util

import pytest


def have(name: str) -> bool:
    """Whether the package ``name`` is installed (not imported for this)."""
    return importlib.util.find_spec(name) is not None


HAVE_PYARROW = have("pyarrow")
HAVE_NUMBA = have("numba")


def needs(*names: str):
    """A skip mark for a test that needs every package named (its reason: the ones missing)."""
    missing = [name for name in names if not have(name)]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}: not installed")


def param(value, *names: str, **kwargs):
    """``value`` as a ``pytest.param`` that is skipped when a package named is missing (the same test id)."""
    return pytest.param(value, marks=needs(*names), **kwargs)


#: ``@pytest.mark.parametrize("arrow", ARROW)``: True (pyarrow's code paths, skipped without pyarrow) and False
ARROW = [param(True, "pyarrow"), False]

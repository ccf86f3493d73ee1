"""Every Examples section in bk_fast's docstrings runs and prints what it shows.

Where an optional package is not installed, a docstring's examples from the first one that needs it (NEEDS) are
left out, the ones before it still run, and the test is skipped with the reason once they pass; with every
package installed, every example runs."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import bk_fast

from _optional import have

MODULES = sorted(m.name for m in pkgutil.walk_packages(bk_fast.__path__, "bk_fast.")
                 if "._kernels._" not in m.name and not m.name.startswith("bk_fast._kernels._numba"))

#: (docstring, text of its first example that needs the package, package): the examples from there on are left
#: out where the package is not installed
NEEDS = [
    ("bk_fast._arrow_text", "text_buffers(", "pyarrow"),  # (Python-backed str: no Arrow buffers)
    ("bk_fast._arrow_text.odd_rows", "odd_rows(", "pyarrow"),
    ("bk_fast._arrow_text.strip_upper_odd_rows", "strip_upper_odd_rows(", "pyarrow"),
    ("bk_fast.allocation.Allocation.plot", ".plot(supply)", "matplotlib"),
    ("bk_fast.memory.optimize_memory", "pack=True)", "pyarrow"),
]


def _module_of(name: str) -> str:
    """The module (of MODULES) whose docstrings hold the one named ``name``."""
    return max((m for m in MODULES if name == m or name.startswith(m + ".")), key=len)


def _without_missing_packages(module: str, tests: list) -> tuple[list, list]:
    """``module``'s ``tests`` with the examples that need a package not installed here cut off, and what was
    cut."""
    names = {test.name: test for test in tests}
    left_out = []
    for name, text, package in NEEDS:
        if _module_of(name) != module:
            continue
        assert name in names, f"stale NEEDS entry: {module} has no docstring {name} with examples"
        test = names[name]
        first = next((i for i, ex in enumerate(test.examples) if text in ex.source), None)
        assert first is not None, f"stale NEEDS entry: no example of {name} holds {text!r}"
        if not have(package):
            names[name] = doctest.DocTest(test.examples[:first], test.globs, test.name, test.filename, test.lineno,
                                          test.docstring)
            left_out.append(f"{name}: {len(test.examples) - first} example(s) need {package}: not installed")
    return [names[test.name] for test in tests], left_out


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # an optional extra (dask, openpyxl, matplotlib) not installed
        pytest.skip(f"{name}: {exc}")
    # (doctest.testmod's own loop, with the examples needing a package not installed left out)
    tests, left_out = _without_missing_packages(name, doctest.DocTestFinder(exclude_empty=False).find(module))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
    if left_out:
        pytest.skip("; ".join(left_out))


def test_public_names_are_collected():
    """Every public function and class of bk_fast, bk_fast.erp, bk_fast.lots and bk_fast.compat is defined in a
    module collected above (whose docstrings run), so their Examples run here."""
    outside = []
    for module_name in ("bk_fast", "bk_fast.erp", "bk_fast.lots", "bk_fast.compat"):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ not in MODULES:
                outside.append(f"{module_name}.{name} ({obj.__module__})")
    assert outside == []

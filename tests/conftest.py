"""Shared fixtures: every kernel test runs once per engine; absent engines are skipped with the reason
(CI separately fails when any engine is missing: see tests/test_engines.py and .ci/run)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

import bk_fast
from bk_fast._engine import ENGINES, engine_status

os.environ.setdefault("BK_FAST_TEST", "1")

# CI runs the generated cases from a fixed seed (a red CI then means the code, not the draw); locally every run
# explores new cases, and a failing one is kept in .hypothesis/ and replayed first
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")


@pytest.fixture(params=ENGINES, scope="session")
def engine(request) -> str:
    """Each engine name in turn; skipped with the reason when the engine is not available here."""
    status = engine_status(request.param)
    if not status.available:
        pytest.skip(f"{request.param} engine unavailable: {status.reason}")
    return request.param


@pytest.fixture(params=[e for e in ENGINES if e != "numpy"], scope="session")
def fast_engine(request) -> str:
    """The compiled engines (cython, numba), to compare against the numpy reference."""
    status = engine_status(request.param)
    if not status.available:
        pytest.skip(f"{request.param} engine unavailable: {status.reason}")
    return request.param


@pytest.fixture(scope="session")
def mill():
    """The synthetic mill at scale 1 (built once per test session)."""
    return bk_fast.datasets.make_mill(scale=1.0, seed=0)


def pytest_configure(config):
    """Without pytest-benchmark (not installed, or ``-p no:benchmark``) its ``benchmark`` mark is still known,
    so that ``--strict-markers`` collects the files using it (their tests are skipped below)."""
    if not config.pluginmanager.hasplugin("benchmark"):
        config.addinivalue_line("markers", "benchmark: pytest-benchmark's options (the plugin is not loaded)")


def pytest_collection_modifyitems(config, items):
    """Tests timing with pytest-benchmark's ``benchmark`` fixture are skipped when the plugin is not loaded.
    ``slow`` tests run only when asked for: ``-m slow`` (or any -m naming it) or ``BK_FAST_SLOW=1``."""
    if not config.pluginmanager.hasplugin("benchmark"):
        skip = pytest.mark.skip(reason="needs pytest-benchmark: not installed or not loaded (-p no:benchmark)")
        for item in items:
            if "benchmark" in getattr(item, "fixturenames", ()):
                item.add_marker(skip)
    if "slow" in (config.getoption("-m") or "").replace("not slow", "") or \
            os.environ.get("BK_FAST_SLOW", "") not in ("", "0"):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or BK_FAST_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)

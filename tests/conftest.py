"""Shared fixtures: every kernel test runs once per engine; absent engines are skipped with the reason
(CI separately fails when any engine is missing: see tests/test_engines.py and .ci/run)."""

from __future__ import annotations

import os

import pytest

import bk_fast
from bk_fast._engine import ENGINES, engine_status

os.environ.setdefault("BK_FAST_TEST", "1")


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

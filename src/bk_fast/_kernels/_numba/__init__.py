"""Numba engine: ``@njit(nogil=True)`` kernels, imported only when dispatch first asks for one.

On-disk caching is used only where numba can write its cache: ``NUMBA_CACHE_DIR`` when set and writable,
else the package's own ``__pycache__``. Otherwise kernels compile once per process.
"""

from __future__ import annotations

import os
import tempfile

import numba

__all__ = ["jit", "CACHE", "cache_status"]


def _writable(path: str) -> bool:
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
        return True
    except OSError:
        return False


def _cache_dir() -> str | None:
    env = os.environ.get("NUMBA_CACHE_DIR", "").strip()
    if env:
        return env if _writable(env) else None
    here = os.path.join(os.path.dirname(__file__), "__pycache__")
    return here if _writable(here) else None


CACHE_DIR = _cache_dir()
CACHE = CACHE_DIR is not None


def cache_status() -> str:
    """One line: where compiled kernels are cached, or why they are not."""
    if CACHE:
        return f"cache in {CACHE_DIR}"
    return "no writable cache dir (NUMBA_CACHE_DIR unset/unwritable): kernels compile once per process"


def jit(func=None, **options):
    """``numba.njit`` with bk_fast's defaults: ``nogil=True``, ``cache`` when a writable dir exists."""
    options.setdefault("nogil", True)
    options.setdefault("cache", CACHE)

    def wrap(f):
        return numba.njit(**options)(f)

    return wrap(func) if func is not None else wrap

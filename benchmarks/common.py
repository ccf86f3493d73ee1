"""Helpers shared by the asv suites (engine checks, synthetic inputs of any size, built once and cached)."""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import pickle
import sys
import tempfile
import types
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd

ENGINES = ["cython", "numba", "numpy"]


def under_asv() -> bool:
    """True inside an asv benchmark process: suites skip their slowest baseline sizes there (one-run ``main()``
    scripts that call the same ``setup`` still measure them)."""
    return "asv_runner" in sys.modules


def rotated(names: list, r: int) -> list:
    """``names`` in the order of interleaved round ``r``: starting ``r`` places further each round. The call right
    after a baseline runs on memory the baseline just gave back and faults it in again (measured: ~6-8 ms of a
    ~20 ms drop-in call, whichever engine came first after the pandas baseline), so every engine and baseline
    takes that place in turn instead of the first in the list always.

    >>> [rotated(["a", "b", "c"], r) for r in range(4)]
    [['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['a', 'b', 'c']]
    """
    names = list(names)
    k = r % len(names) if names else 0
    return names[k:] + names[:k]


def check_engine(engine: str) -> None:
    """Raise NotImplementedError (asv: skip) when ``engine`` is not available here."""
    import bk_fast

    status = bk_fast.engines()[engine]
    if not status.available:
        raise NotImplementedError(f"{engine} unavailable: {status.reason}")


def inventory(n: int, seed: int = 0) -> pd.DataFrame:
    """A yarn inventory of ``n`` rows with the real mill's shape (DOMAIN.md 1b): NaNs where the ERP has
    blanks, Consumed/Allocated <= 0 in 15 %/12 % of rows, On Order in 6 %."""
    rng = np.random.default_rng(seed)
    stock = np.where(rng.random(n) < 0.7, rng.lognormal(5.0, 1.6, n), 0.0).round(2)
    consumed = np.where(rng.random(n) < 0.15, -rng.lognormal(6.0, 1.2, n), np.nan).round(2)
    allocated = np.where(rng.random(n) < 0.12, -rng.lognormal(6.0, 1.3, n), 0.0).round(2)
    on_order = np.where(rng.random(n) < 0.06, rng.lognormal(8.0, 1.0, n), 0.0).round(2)
    theoretical = stock + np.nan_to_num(consumed)
    return pd.DataFrame({"Desc#": np.arange(10000, 10000 + n), "Theoretical Balance": theoretical,
                         "Allocated": allocated, "On Order": on_order, "Consumed": consumed})


# ----------------------------------------------------------------------------------------------------------
# Generated inputs, built once.
#
# asv runs every (benchmark, parameter combination) in a fresh interpreter (launch method "spawn"), so a plain
# module-level dict only helps inside one process (``bk-fast bench``-style loops, the ``main()`` scripts, the
# pytest-benchmark smoke tests). ``cached`` therefore keeps a second level on disk: the first process that needs
# ``make_mill(100)`` builds it (5 s) and pickles it, every later process (and every later asv run) loads it
# (0.2 s). The key holds the generator's name and arguments and a hash of the source files it depends on (the
# file defining the generator, plus ``deps``), so editing a generator or ``bk_fast/datasets.py`` - or
# benchmarking another commit whose ``datasets.py`` differs - builds fresh inputs instead of reading stale ones.
# asv's own ``setup_cache`` was the alternative, but it is not parameterised: it would build every size of a
# suite in every asv run and each process would unpickle all of them to use one.
#
# Treat cached inputs as read-only (kernels and baselines never mutate their inputs; copy before mutating).
# Where: $BK_FAST_BENCH_CACHE or <tmp>/bk_fast_bench_cache; BK_FAST_BENCH_CACHE=off keeps memory-only caching.
# Delete the folder to reclaim the space (a few GB with every suite's large sizes).

_MEMO: OrderedDict = OrderedDict()
_MEMO_MAX = 6  # entries kept per process (inputs of the largest sizes are hundreds of MB each)


def cache_dir() -> Path | None:
    """The on-disk cache folder, or ``None`` when disk caching is off (``BK_FAST_BENCH_CACHE=off``)."""
    where = os.environ.get("BK_FAST_BENCH_CACHE", "")
    if where.lower() in ("off", "0", "no", "false"):
        return None
    return Path(where) if where else Path(tempfile.gettempdir()) / "bk_fast_bench_cache"


#: a dependency on the whole installed bk_fast package (every module and compiled kernel), for cached values
#: that are bk_fast objects built by many modules (a compiled BOM: its column readers, text ids, levelling
#: kernels), where listing modules would miss some
PACKAGE = "bk_fast/*"


@functools.lru_cache(maxsize=1)
def _package_hash() -> str:
    """sha1 of every module and compiled extension of the installed bk_fast package (once per process)."""
    import bk_fast

    root = Path(bk_fast.__file__).parent
    h = hashlib.sha1()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".so", ".pyd") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _source_hash(obj) -> str:
    """sha1 of the source file of a module, function or module name ("" if it has none); of the whole package
    for :data:`PACKAGE`."""
    if obj == PACKAGE:
        return _package_hash()
    if isinstance(obj, str):
        obj = importlib.import_module(obj)
    mod = obj if isinstance(obj, types.ModuleType) else sys.modules.get(getattr(obj, "__module__", ""), None)
    path = getattr(mod, "__file__", None)
    if not path:
        return ""
    try:
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def _string_storage() -> tuple:
    """Where pandas keeps text in this process (its ``str`` and ``string`` dtypes: "pyarrow" or "python").

    Part of every cache key: a frame pickled where pandas held its text in Python objects (no pyarrow installed,
    or ``mode.string_storage = "python"``) unpickles with that storage, and a mill read back from such a file
    timed the text paths on other arrays than ``make_mill`` gives in this process.
    """
    return pd.StringDtype(na_value=np.nan).storage, pd.StringDtype().storage


def cached(fn, *args, deps=(), **kwargs):
    """``fn(*args, **kwargs)``, computed once per process and once per machine (pickled to disk).

    ``deps``: modules (or module names) whose source the result also depends on, e.g. ``"bk_fast.datasets"``.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    key_text = repr((name, args, sorted(kwargs.items()), _source_hash(fn), [_source_hash(d) for d in deps],
                     sys.version_info[:2], pd.__version__, np.__version__, _string_storage()))
    key = hashlib.sha1(key_text.encode()).hexdigest()[:20]
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    folder = cache_dir()
    path = None
    value = _MISSING = object()
    if folder is not None:
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in f"{fn.__qualname__}-{args}")[:80]
        path = folder / f"{safe}-{key}.pkl"
        try:
            with open(path, "rb") as fh:
                value = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
            value = _MISSING
    if value is _MISSING:
        value = fn(*args, **kwargs)
        if path is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as fh:
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)  # atomic: concurrent processes never read half a file
            except OSError:
                pass
    _MEMO[key] = value
    while len(_MEMO) > _MEMO_MAX:
        _MEMO.popitem(last=False)
    return value


def _make_mill(scale, seed):
    from bk_fast.datasets import make_mill

    return make_mill(scale=scale, seed=seed)


def mill(scale: float, seed: int = 0) -> dict:
    """``bk_fast.datasets.make_mill(scale, seed)``, cached (read-only: copy a frame before changing it)."""
    return cached(_make_mill, scale, seed, deps=("bk_fast.datasets",))


def inventory_cached(n: int, seed: int = 0) -> pd.DataFrame:
    """:func:`inventory`, cached (read-only)."""
    return cached(inventory, int(n), seed)


def _mill_bom(scale, seed):
    from bk_fast.bom import BOM

    return BOM.from_frame(mill(scale, seed)["bom"])


def mill_bom(scale: float, seed: int = 0):
    """``bk_fast.BOM.from_frame(mill(scale, seed)["bom"])`` (default engine), compiled once per machine (and per
    version of the package: the compiled BOM is a bk_fast object)."""
    return cached(_mill_bom, scale, seed, deps=(PACKAGE,))

# ----------------------------------------------------------------------------------------------------------
# asv's forkserver (asv.conf.json "launch_method": "forkserver") imports the suites once and forks one child per
# benchmark and parameter combination. Importing numba (0.5-2 s), the kernel modules and distributed (2-10 s,
# for bench_dask) here, in the server, saves every child that import; it runs nothing (no numba thread pool, no
# dask cluster exists before the fork) and changes no measurement (import time and first calls are measured in
# fresh interpreters by bench_import).


def _preimport_in_forkserver() -> None:
    if sys.argv[1:2] != ["run_server"] or os.environ.get("BK_FAST_BENCH_PREIMPORT", "1") == "0":
        return
    import pkgutil

    names = ["numba", "bk_fast.datasets", "bk_fast.bom", "bk_fast.erp", "distributed", "bk_fast.dask"]
    try:
        import bk_fast._kernels as kernels

        names += [f"bk_fast._kernels.{m.name}" for m in pkgutil.iter_modules(kernels.__path__)]
        import bk_fast._kernels._numba as numba_kernels

        names += [f"bk_fast._kernels._numba.{m.name}" for m in pkgutil.iter_modules(numba_kernels.__path__)]
    except Exception:  # noqa: BLE001 - numba absent or broken: the engine checks skip it later
        pass
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - same: a missing engine is reported by check_engine, not here
            pass


_preimport_in_forkserver()


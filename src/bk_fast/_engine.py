"""Engine registry and dispatch.

Every hot path is one *kernel* with three engines that share a name and a signature over plain contiguous
NumPy arrays and write into preallocated outputs:

- ``cython``: compiled into the wheel (``bk_fast._kernels._<capability>``), no warm-up, releases the GIL;
- ``numba``: JIT kernels in ``bk_fast._kernels._numba.<capability>``, imported only on first dispatch;
- ``numpy``: the pure-NumPy reference in ``bk_fast._kernels.reference.<capability>``: fallback and test oracle.

A kernel is registered once, by decorating its reference implementation with :func:`kernel`; the other two
engines are found by the same function name in the sibling modules. Dispatch, tests and benchmarks all iterate
this one registry.

The engine in force is, from strongest to weakest: the ``engine=`` argument of a call, the innermost
:func:`use_engine` block, :func:`set_engine`, the ``BK_FAST_ENGINE`` environment variable, then ``"auto"``
(cython if the extension is importable, else numba if installed, else numpy).
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import importlib.util
import os
import pkgutil
import sys
import threading
from dataclasses import dataclass
from typing import Callable, Iterator

ENGINES: tuple[str, ...] = ("cython", "numba", "numpy")
_CHOICES = ENGINES + ("auto",)

_EXTRA = {
    "cython": "a compiled build: reinstall with `pip install bk_fast` from a wheel or an sdist with a C compiler",
    "numba": "the numba extra: `pip install 'bk_fast[numba]'`",
    "numpy": "numpy",
}


@dataclass(frozen=True)
class EngineStatus:
    """Availability of one engine: ``available`` and, when not, ``reason``; ``version`` when known."""

    name: str
    available: bool
    version: str = ""
    reason: str = ""

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        state = f"available ({self.version})" if self.available else f"unavailable: {self.reason}"
        return f"{self.name}: {state}"


@dataclass(frozen=True)
class Kernel:
    """One registered kernel: its name, the capability module it lives in, and the reference callable."""

    name: str
    capability: str
    reference: Callable

    def module_path(self, engine: str) -> str:
        if engine == "cython":
            return f"bk_fast._kernels._{self.capability}"
        if engine == "numba":
            return f"bk_fast._kernels._numba.{self.capability}"
        return self.reference.__module__


_REGISTRY: dict[str, Kernel] = {}
_RESOLVED: dict[tuple[str, str], Callable] = {}
_STATUS: dict[str, EngineStatus] = {}
_LOCK = threading.RLock()

#: True in a process forked after its parent ran numba parallel regions on the ``omp`` threading layer: GNU
#: OpenMP terminates a forked child that enters a parallel region ("fork() called from a process already using
#: GNU OpenMP"), so numba kernels with parallel variants run their serial ones there (same results). Set by an
#: at-fork hook registered when bk_fast is imported (the numba kernel modules load later, on first use).
FORKED_AFTER_OMP = [False]


def _after_fork_in_child() -> None:
    numba = sys.modules.get("numba")  # (never imports numba: a parent without it ran no parallel region)
    if numba is None:
        return
    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel region ran in the parent
        return
    if layer == "omp":
        FORKED_AFTER_OMP[0] = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
_default_engine: str | None = None
_context_engine: contextvars.ContextVar[str | None] = contextvars.ContextVar("bk_fast_engine", default=None)


def kernel(func: Callable) -> Callable:
    """Register a reference kernel (decorator). Its module ``bk_fast._kernels.reference.<capability>`` names the
    capability; the cython and numba engines must define a function of the same name in their modules."""
    capability = func.__module__.rsplit(".", 1)[-1]
    name = func.__name__
    existing = _REGISTRY.get(name)
    if existing is not None and existing.reference is not func and existing.capability != capability:
        raise RuntimeError(f"kernel {name!r} registered twice ({existing.capability} and {capability})")
    _REGISTRY[name] = Kernel(name, capability, func)
    return func


def _load_reference_kernels() -> None:
    from bk_fast._kernels import reference

    for mod in pkgutil.iter_modules(reference.__path__):
        importlib.import_module(f"{reference.__name__}.{mod.name}")


def kernels() -> dict[str, Kernel]:
    """All registered kernels, by name (imports every reference module, never numba or the extension)."""
    _load_reference_kernels()
    return dict(sorted(_REGISTRY.items()))


# ----------------------------------------------------------------------------------------------------------
# engine availability


def _probe_cython() -> EngineStatus:
    try:
        info = importlib.import_module("bk_fast._kernels._build_info")
    except ImportError as exc:
        return EngineStatus("cython", False, reason=f"compiled extension not importable ({exc}); install "
                            f"{_EXTRA['cython']}")
    flavour = "boundscheck" if info.BOUNDSCHECK else "release"
    return EngineStatus("cython", True, version=f"Cython {info.CYTHON_VERSION}, {flavour} build")


#: what a kill-switch variable (``BK_FAST_DISABLE``, ``BK_FAST_DISABLE_NUMBA``) may hold and still be off, in any case
SWITCH_OFF = ("", "0", "false", "no", "off")


def switched(name: str) -> bool:
    """Whether the kill-switch environment variable ``name`` is on: set to anything but one of
    :data:`SWITCH_OFF` (any case, surrounding spaces ignored). Anything else turns it on, unknown text included:
    a kill switch errs on the side of the rollback it asks for.

    >>> import os
    >>> from unittest import mock
    >>> def read(value):
    ...     with mock.patch.dict(os.environ, {"BK_FAST_X": value}):
    ...         return switched("BK_FAST_X")
    >>> [read(v) for v in ("1", "yes", "rollback", " Off ", "FALSE", "")]
    [True, True, True, False, False, False]
    """
    return os.environ.get(name, "").strip().lower() not in SWITCH_OFF


def _probe_numba() -> EngineStatus:
    if switched("BK_FAST_DISABLE_NUMBA"):
        return EngineStatus("numba", False, reason="disabled by BK_FAST_DISABLE_NUMBA")
    if importlib.util.find_spec("numba") is None:
        return EngineStatus("numba", False, reason=f"numba is not installed; install {_EXTRA['numba']}")
    try:
        import numba
    except Exception as exc:  # numba present but broken (e.g. numpy too new for it)
        return EngineStatus("numba", False, reason=f"numba failed to import: {exc}")
    from bk_fast._kernels._numba import cache_status

    return EngineStatus("numba", True, version=f"numba {numba.__version__}; {cache_status()}")


def _probe_numpy() -> EngineStatus:
    import numpy

    return EngineStatus("numpy", True, version=f"numpy {numpy.__version__}")


_PROBES = {"cython": _probe_cython, "numba": _probe_numba, "numpy": _probe_numpy}


def engine_status(name: str) -> EngineStatus:
    """Availability of one engine (cached after the first probe)."""
    _check_name(name, allow_auto=False)
    with _LOCK:
        if name not in _STATUS:
            _STATUS[name] = _PROBES[name]()
        return _STATUS[name]


def engines() -> dict[str, EngineStatus]:
    """Which engines are available and, for those that are not, why.

    Probing numba imports it (this function is the one place outside dispatch that does).

    Examples
    --------
    >>> import bk_fast
    >>> status = bk_fast.engines()
    >>> sorted(status)
    ['cython', 'numba', 'numpy']
    >>> status["numpy"].available
    True
    """
    return {name: engine_status(name) for name in ENGINES}


# ----------------------------------------------------------------------------------------------------------
# choosing the engine


def _check_name(name: str, *, allow_auto: bool = True) -> str:
    if not isinstance(name, str):
        raise TypeError(f"engine must be a string, one of {_CHOICES}; got {type(name).__name__}")
    key = name.strip().lower()
    allowed = _CHOICES if allow_auto else ENGINES
    if key not in allowed:
        raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(allowed)}")
    return key


def set_engine(name: str | None) -> None:
    """Set the process-wide default engine (``"auto"``, ``"cython"``, ``"numba"`` or ``"numpy"``);
    ``None`` forgets it, so ``BK_FAST_ENGINE`` (or ``"auto"``) applies again.

    An explicit engine that is not available raises ImportError naming what to install.

    Examples
    --------
    >>> import bk_fast
    >>> bk_fast.set_engine("numpy")
    >>> bk_fast.get_engine()
    'numpy'
    >>> bk_fast.set_engine(None)
    """
    global _default_engine
    if name is None:
        _default_engine = None
        return
    key = _check_name(name)
    if key != "auto":
        _require(key)
    _default_engine = key


def get_engine() -> str:
    """The engine name in force here (may be ``"auto"``).

    From strongest to weakest: the innermost :func:`use_engine` block, :func:`set_engine`, the
    ``BK_FAST_ENGINE`` environment variable, then ``"auto"``. A call's own ``engine=`` argument is not seen here.

    Returns
    -------
    str
        ``"auto"``, ``"cython"``, ``"numba"`` or ``"numpy"``; ``"auto"`` runs each call on the first
        available of cython, numba, numpy (:func:`engines`).

    Examples
    --------
    >>> import bk_fast
    >>> with bk_fast.use_engine("numpy"):
    ...     bk_fast.get_engine()
    'numpy'
    """
    ctx = _context_engine.get()
    if ctx is not None:
        return ctx
    if _default_engine is not None:
        return _default_engine
    env = os.environ.get("BK_FAST_ENGINE", "").strip()
    if not env:
        return "auto"
    try:
        return _check_name(env)
    except ValueError as exc:
        raise ValueError(f"environment variable BK_FAST_ENGINE: {exc}") from None


@contextlib.contextmanager
def use_engine(name: str) -> Iterator[str]:
    """Context manager: run the block with ``name`` as the default engine (per thread / async task).

    Examples
    --------
    >>> import numpy as np, bk_fast
    >>> with bk_fast.use_engine("numpy"):
    ...     bk_fast.segmented_cumsum(np.array([1.0, 2.0, 3.0]), np.array([0, 1, 0]))
    array([1., 2., 4.])
    """
    key = _check_name(name)
    if key != "auto":
        _require(key)
    token = _context_engine.set(key)
    try:
        yield key
    finally:
        _context_engine.reset(token)


def _require(name: str) -> None:
    status = engine_status(name)
    if not status.available:
        raise ImportError(f"bk_fast engine {name!r} is not available: {status.reason}")


def pick(engine: str | None = None) -> str:
    """Concrete engine name for a call: resolves ``None`` and ``"auto"``; raises ImportError for a missing
    explicit engine."""
    key = get_engine() if engine is None else _check_name(engine)
    if key == "auto":
        for name in ENGINES:
            if engine_status(name).available:
                return name
    _require(key)
    return key


def resolve(name: str, engine: str | None = None) -> Callable:
    """The callable implementing kernel ``name`` on ``engine`` (``None`` = the engine in force).

    Under ``"auto"``, a compiled module that fails to import (a partial or stale build) is skipped for the
    next engine with a RuntimeWarning naming it; an explicit engine raises ImportError naming the module.

    Examples
    --------
    >>> from bk_fast._engine import resolve
    >>> resolve("planning_balance", "numpy").__module__
    'bk_fast._kernels.reference.inventory'
    """
    key = get_engine() if engine is None else _check_name(engine)
    if key != "auto":
        _require(key)
        fn = _RESOLVED.get((name, key))
        return fn if fn is not None else _load(name, key)
    for candidate in ENGINES:
        if not engine_status(candidate).available:
            continue
        fn = _RESOLVED.get((name, candidate))
        if fn is not None:
            return fn
        if (name, candidate) in _BROKEN:
            continue
        try:
            return _load(name, candidate)
        except ImportError as exc:
            import warnings

            warnings.warn(f"bk_fast: {exc}; using the next engine for {name!r}", RuntimeWarning, stacklevel=2)
    raise ImportError(f"no engine can run kernel {name!r}")  # pragma: no cover - numpy is always there


#: (kernel, engine) pairs whose module failed to import, with the reason
_BROKEN: dict[tuple[str, str], str] = {}


def _load(name: str, concrete: str) -> Callable:
    with _LOCK:
        fn = _RESOLVED.get((name, concrete))
        if fn is not None:
            return fn
        if name not in _REGISTRY:
            _load_reference_kernels()
        if name not in _REGISTRY:
            raise KeyError(f"no kernel named {name!r}; known: {', '.join(sorted(_REGISTRY))}")
        kern = _REGISTRY[name]
        if (name, concrete) in _BROKEN:
            raise ImportError(_BROKEN[(name, concrete)])
        if concrete == "numpy":
            fn = kern.reference
        else:
            path = kern.module_path(concrete)
            try:
                module = importlib.import_module(path)
            except ImportError as exc:
                _BROKEN[(name, concrete)] = (f"bk_fast engine {concrete!r} cannot run kernel {name!r}: module {path} "
                                             f"failed to import ({exc})")
                raise ImportError(_BROKEN[(name, concrete)]) from exc
            try:
                fn = getattr(module, name)
            except AttributeError:
                raise NotImplementedError(
                    f"kernel {name!r} has no {concrete} implementation in {module.__name__}") from None
        _RESOLVED[(name, concrete)] = fn
        return fn


def _reset_for_tests() -> None:
    """Forget probed engines and resolved callables (tests that fake a missing engine use this)."""
    global _default_engine
    with _LOCK:
        _STATUS.clear()
        _RESOLVED.clear()
        _BROKEN.clear()
        _default_engine = None

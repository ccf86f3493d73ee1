"""Progress bars on stderr, with one rule for the whole package (``bk_fast.io.read_erp``, ``bk_fast.bench.run``,
``bk-fast demo`` and ``bk-fast bench``).

``progress=True`` draws the bar (anywhere, also when stderr is no terminal), ``False`` never; ``None`` (the
default) draws it when stderr is a terminal, and the environment variable ``BK_FAST_PROGRESS`` overrides that
default: ``1`` (or ``true``, ``yes``, ``on``) on anywhere, ``0`` (``false``, ``no``, ``off``) off, empty as unset;
any other value is a ValueError naming it (an explicit True / False wins over it). tqdm draws the bar when
installed, else a plain one-line bar; either is erased when done.

Examples
--------
>>> from bk_fast._progress import wanted
>>> wanted(True), wanted(False)
(True, False)
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import time

import numpy as np

#: the environment variable that switches the default (``progress=None``) bars on (``1``) or off (``0``)
ENV = "BK_FAST_PROGRESS"
_ON = ("1", "true", "yes", "on")
_OFF = ("0", "false", "no", "off")
_QUIET = contextvars.ContextVar("bk_fast_progress_quiet", default=False)


@contextlib.contextmanager
def quiet():
    """Within: the default (``progress=None``) draws no bar, whatever ``BK_FAST_PROGRESS`` says (the calls of a
    run that draws its own bar, such as ``bk-fast demo``'s steps); an explicit True still draws."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def env_default() -> bool | None:
    """``BK_FAST_PROGRESS`` as True (``1``, ``true``, ``yes``, ``on``), False (``0``, ``false``, ``no``,
    ``off``), case and surrounding spaces aside, or None (unset or empty); any other value is a ValueError naming
    the variable and the values it takes (raised where the default is looked up, as for ``BK_FAST_ENGINE``)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    if raw.lower() in _ON + _OFF:
        return raw.lower() in _ON
    raise ValueError(f"environment variable {ENV} must be {' / '.join(_ON)} (bars on), {' / '.join(_OFF)} (off) "
                     f"or empty (the default: on a terminal), got {raw!r}")


def check(progress) -> bool | None:
    """``progress`` as True, False or None, checked where a call is made (before any work or bar): True / False
    and NumPy bools as they are, the integers 0 / 1 as False / True (accepted before the one rule of this
    module: ``bool(x)``), None as it is, after checking ``BK_FAST_PROGRESS`` (unless within :func:`quiet`,
    where it is not read). Anything else is a TypeError naming ``progress``."""
    if isinstance(progress, (bool, np.bool_)):
        return bool(progress)
    if isinstance(progress, (int, np.integer)) and progress in (0, 1):
        return bool(progress)
    if progress is not None:
        raise TypeError(f"progress must be True, False or None (the default: on a terminal, or by "
                        f"{ENV}=1 / 0), got {progress!r}")
    if not _QUIET.get():
        env_default()
    return None


def wanted(progress, *, terminal: bool = True, stream=None) -> bool:
    """Whether to draw a bar: ``progress`` True / False (or 1 / 0, see :func:`check`) as given; None by
    ``BK_FAST_PROGRESS`` (:func:`env_default`), off within :func:`quiet`, else, when ``terminal``, whether
    ``stream`` (default stderr) is a terminal (``terminal=False``: a call that draws no bar by default, such as
    a whole ``read_erp``). Anything else is a TypeError naming ``progress``, a ``BK_FAST_PROGRESS`` of another
    value a ValueError."""
    progress = check(progress)
    if progress is not None:
        return progress
    if _QUIET.get():
        return False
    env = env_default()
    if env is not None:
        return env
    stream = sys.stderr if stream is None else stream
    try:
        return bool(terminal and stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Bar:
    """A progress bar of ``total`` units on stderr (the stderr of its creation), drawn only when
    :func:`wanted` (``progress``, ``terminal``) says so; ``unit="B"`` counts bytes; ``percent``: the plain bar
    shows the percentage done (always for bytes), else done / total.
    :meth:`update_to` moves it (never backwards), :meth:`step` one unit on, :meth:`clear` erases the line (before
    printing something else to the terminal; the next update draws it again), :meth:`close` ends it."""

    def __init__(self, total: int, desc: str = "", *, progress=None, terminal: bool = True, unit: str = "",
                 percent: bool = False):
        self.stream = sys.stderr
        self.enabled = wanted(progress, terminal=terminal, stream=self.stream)
        self.total, self.desc, self.unit, self.percent = max(int(total), 1), desc, unit, percent or unit == "B"
        self.pos, self._tqdm, self._last, self._width, self._t0 = 0, None, -1.0, 0, time.perf_counter()
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._tqdm = tqdm(total=self.total, desc=desc or None, unit=unit or "it", unit_scale=unit == "B",
                                  file=self.stream, leave=False)

    def update_to(self, pos: int, label: str | None = None) -> None:
        """Move the bar to ``pos`` of ``total`` (``label``: what runs now; a new label is drawn at once, other
        moves at most every 0.1 s and at the end)."""
        if not self.enabled:
            return
        pos = min(max(int(pos), self.pos), self.total)
        if self._tqdm is not None:
            self._tqdm.update(pos - self.pos)
            if label is not None:
                self._tqdm.set_postfix_str(label)
            self.pos = pos
            return
        self.pos = pos
        now = time.perf_counter()
        if label is None and now - self._last < 0.1 and pos < self.total:
            return
        self._last = now
        fill = int(28 * pos / self.total)
        count = f"{pos / self.total:6.1%}" if self.percent else f"{pos:3d}/{self.total}"
        text = (f"{self.desc + ' ' if self.desc else ''}[{'#' * fill}{'.' * (28 - fill)}] {count} "
                f"{now - self._t0:5.1f}s {(label or '')[:46]}").rstrip()
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(text))

    def step(self, label: str | None = None) -> None:
        """One unit on."""
        self.update_to(self.pos + 1, label)

    def clear(self) -> None:
        """Erase the bar's line (a plain bar; tqdm's is left as it is)."""
        if self.enabled and self._tqdm is None and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width, self._last = 0, -1.0

    def close(self) -> None:
        """End the bar, erasing it."""
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
        else:
            self.clear()
        self.enabled = False

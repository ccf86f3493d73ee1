"""Matplotlib for the result charts (``Schedule.plot_gantt``, ``Allocation.plot``, ``bk-fast bench --plot``):
optional, the ``plot`` extra."""

from __future__ import annotations

import os

HINT = "plotting needs matplotlib: pip install 'bk_fast[plot]'"


def figure_axes(ax, path, figsize):
    """``(figure, axes)`` to draw on: ``ax`` and its figure when given, else a new figure of ``figsize``
    inches. A new figure only written to ``path`` is a plain :class:`matplotlib.figure.Figure`, not registered
    with pyplot (a service writing charts does not pile them up in pyplot's registry; the caller's backend is
    left alone); without ``path`` it is a pyplot figure, for ``plt.show()``. ImportError with the install hint
    when matplotlib is missing."""
    if ax is not None:
        return ax.figure, ax
    try:
        if path is not None:
            from matplotlib.figure import Figure

            fig = Figure(figsize=figsize)
            return fig, fig.subplots()
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(HINT) from exc
    return plt.subplots(figsize=figsize)


def save_png(fig, path) -> None:
    """Write ``fig`` to ``path`` (a file name or a binary file object) at 110 dpi: as PNG exactly there when the
    name has no suffix or ``path`` is a file object (matplotlib would add ".png" to such a name), else in the
    format of the suffix."""
    named = isinstance(path, (str, bytes, os.PathLike))
    fig.savefig(path, dpi=110, format=None if named and os.path.splitext(os.fspath(path))[1] else "png")

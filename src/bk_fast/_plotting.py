"""Matplotlib for the result charts (``Schedule.plot_gantt``, ``Allocation.plot``): optional, the ``plot`` extra."""

from __future__ import annotations

HINT = "plotting needs matplotlib: pip install 'bk_fast[plot]'"


def figure_axes(ax, path, figsize):
    """``(figure, axes)`` to draw on: ``ax`` and its figure when given, else a new figure of ``figsize``
    inches (with the non-interactive Agg backend when it is only written to ``path`` and no backend was chosen
    yet). ImportError with the install hint when matplotlib is missing."""
    try:
        import matplotlib

        if path is not None and ax is None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(HINT) from exc
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax

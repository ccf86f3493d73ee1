"""Steps of ``bk-fast demo``: one per capability, run in this order on the synthetic mill.

A capability module takes part by defining ``_demo_step(mill, engine) -> DemoReport``; modules that do not
exist yet (or define no step) are skipped. The CLI times each step once per engine and prints the report of
the selected engine.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from dataclasses import dataclass, field

import pandas as pd

#: capability modules in demo order
STEP_MODULES = (
    "bk_fast.inventory",
    "bk_fast.segments",
    "bk_fast.bom",
    "bk_fast.netting",
    "bk_fast.allocation",
    "bk_fast.scheduling",
    "bk_fast.memory",
    "bk_fast.io",
    "bk_fast.compat",
)


@dataclass
class DemoReport:
    """What one demo step shows: a title, a few summary lines and optionally a small table."""

    title: str
    lines: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None


_today: list = [None]  # the planning date the CLI set (None: the synthetic mill's)


def today() -> pd.Timestamp:
    """The planning date of the demo's steps ("today" of the ERP's scores, the schedule's start, the netting
    weeks): the synthetic mill's ``REFERENCE_DATE`` (2025-09-01) unless the CLI set another with
    :func:`planning_date` (``--today``, or the date read off the exports of ``--from``)."""
    if _today[0] is not None:
        return _today[0]
    from bk_fast.datasets import REFERENCE_DATE

    return REFERENCE_DATE


@contextlib.contextmanager
def planning_date(day):
    """Run the steps inside with ``day`` as :func:`today` (None: the synthetic mill's)."""
    before = _today[0]
    _today[0] = None if day is None else pd.Timestamp(day).normalize()
    try:
        yield
    finally:
        _today[0] = before


_DATED_WEEK = re.compile(r"\s*week\s+(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}))\s*$", re.IGNORECASE)


def exports_date(mill: dict) -> tuple[pd.Timestamp, str]:
    """``(date, how it was found)`` of a folder of exports: the Monday before the first dated week column of
    ``yarn_po`` (``Week 2025-09-08``, ``Week 9/8/2025`` or ``Week 9/8/25``: the ERP's "This Week" is the week
    before), else today's date.

    Examples
    --------
    >>> po = pd.DataFrame(columns=["Desc#", "This Week", "Week 2025-09-15", "Week 2025-09-08"])
    >>> exports_date({"yarn_po": po})
    (Timestamp('2025-09-01 00:00:00'), "the week before yarn_po's first dated week (Week 2025-09-08)")
    """
    po = mill.get("yarn_po")
    dated = []
    for col in ([] if po is None else po.columns):
        m = _DATED_WEEK.match(str(col))
        if m:
            try:
                dated.append((pd.Timestamp(m.group(1)), str(col).strip()))
            except ValueError:
                continue
    if dated:
        first, label = min(dated)
        # (the Monday of the week before, also when the column is dated another day of its week)
        monday = first - pd.Timedelta(days=first.weekday() + 7)
        return monday, f"the week before yarn_po's first dated week ({label})"
    why = "no yarn_po export" if po is None else "yarn_po has no dated week columns"
    return pd.Timestamp.today().normalize(), f"today's date ({why})"


def steps():
    """``(module name, step function)`` for every capability that defines a demo step, in demo order."""
    found = []
    for name in STEP_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        step = getattr(module, "_demo_step", None)
        if step is not None:
            found.append((name, step))
    return found

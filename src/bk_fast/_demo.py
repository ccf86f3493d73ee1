"""Steps of ``bk-fast demo``: one per capability, run in this order on the synthetic mill.

A capability module takes part by defining ``_demo_step(mill, engine) -> DemoReport``; modules that do not
exist yet (or define no step) are skipped. The CLI times each step once per engine and prints the report of
the selected engine.
"""

from __future__ import annotations

import importlib
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

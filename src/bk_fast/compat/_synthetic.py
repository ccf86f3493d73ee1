"""Seeded snake_case frames shaped like the Phase-3 services' inputs (tests, benchmarks and the demo)."""

from __future__ import annotations

import numpy as np
import pandas as pd

_DAY = np.timedelta64(1, "D")
_START = np.datetime64("2026-01-05")


def _ids(rng, count, n_ids, string_ids):
    raw = rng.integers(18000, 18000 + max(n_ids, 1), size=count)
    if string_ids:
        return pd.Series(np.char.add("Y", raw.astype("U8")), dtype="str")
    return pd.Series(raw, dtype="int64")


def phase3_frames(n: int, *, seed: int = 0, string_ids: bool = False) -> dict[str, pd.DataFrame]:
    """Frames for every Phase-3 method at ``n`` rows: ``inventory`` (yarns with balances and ``min_stock``),
    ``bom`` (style/yarn/quantity_per), ``yarn`` + ``orders`` (allocation), ``work_orders`` + ``capacity``
    (scheduling), ``costs``. Yarn and work center ids are int64 or, with ``string_ids``, text like
    ``"Y18034"`` and ``"WC0042"``."""
    rng = np.random.default_rng(seed)
    n = int(n)
    n_yarns = max(1, min(n // 10, 50_000))
    n_styles = max(1, n // 4)
    n_wc = max(1, min(n // 50, 2_000))
    yarn_ids = np.arange(18000, 18000 + n_yarns)
    yarn_key = pd.Series(np.char.add("Y", yarn_ids.astype("U8")), dtype="str") if string_ids else \
        pd.Series(yarn_ids, dtype="int64")
    # yarn inventory shaped like the real one (DOMAIN.md 1b): 70 % hold stock (median ~150 lbs), Consumed
    # non-zero in 15 %, Allocated in 12 %, On Order in 6 %; min_stock = two weeks of the ERP's weekly demand
    stock = np.where(rng.random(n) < 0.7, rng.lognormal(5.0, 1.6, n), 0.0).round(2)
    consumed = np.where(rng.random(n) < 0.15, -rng.lognormal(6.0, 1.2, n), 0.0).round(2)
    allocated = np.where(rng.random(n) < 0.12, -rng.lognormal(6.0, 1.3, n), 0.0).round(2)
    on_order = np.where(rng.random(n) < 0.06, rng.lognormal(8.0, 1.0, n), 0.0).round(2)
    weekly = np.where(consumed != 0, np.abs(consumed) / 4.3, np.where(allocated != 0, np.abs(allocated) / 8, 10.0))
    inventory = pd.DataFrame({
        "yarn_id": _ids(rng, n, n_yarns, string_ids),
        "theoretical_balance": stock,
        "allocated": allocated,
        "on_order": on_order,
        "min_stock": np.round(2 * weekly, 1),
    })
    inventory["planning_balance"] = (inventory["theoretical_balance"] + inventory["allocated"]
                                     + inventory["on_order"])
    bom = pd.DataFrame({
        "style_id": pd.Series(np.char.add("S", rng.integers(0, n_styles, n).astype("U8")), dtype="str"),
        "yarn_id": _ids(rng, n, n_yarns, string_ids),
        "quantity_per": np.round(rng.uniform(0.01, 1.0, n), 2),
    })
    yarn = pd.DataFrame({"yarn_id": yarn_key,
                         "available_quantity": np.round(rng.gamma(0.8, 5000.0, n_yarns), 2)})
    orders = pd.DataFrame({
        "order_id": np.arange(n, dtype=np.int64),
        "yarn_id": _ids(rng, n, n_yarns, string_ids),
        "required_quantity": np.round(rng.gamma(1.0, 300.0, n), 2),
        "priority": rng.integers(1, 6, n),
        "order_date": _START + rng.integers(0, 365, n) * _DAY,
    })
    wc_ids = np.arange(1, n_wc + 1)
    work_orders = pd.DataFrame({
        "order_id": np.arange(n, dtype=np.int64),
        "work_center_id": rng.integers(1, n_wc + 1, n),
        "quantity": np.round(rng.gamma(1.0, 1500.0, n), 1),
        "production_rate": np.round(rng.uniform(40.0, 160.0, n), 1),
        "priority": rng.integers(1, 6, n),
        "due_date": _START + rng.integers(0, 120, n) * _DAY,
    })
    capacity = pd.DataFrame({"work_center_id": wc_ids,
                             "available_hours": np.round(rng.uniform(100.0, 5000.0, n_wc), 0)})
    if string_ids:  # work centers named like "WC0042" too (the same draws: the int frames do not change)
        for frame in (work_orders, capacity):
            frame["work_center_id"] = pd.Series(np.char.add("WC", np.char.zfill(
                frame["work_center_id"].to_numpy().astype("U5"), 4)), dtype="str")
    costs = pd.DataFrame({
        "material_cost": np.round(rng.gamma(1.0, 50.0, n), 2),
        "labor_cost": np.round(rng.gamma(1.0, 20.0, n), 2),
        "overhead_cost": np.round(rng.gamma(1.0, 5.0, n), 2),
        "quantity": rng.integers(0, 100, n),
    })
    return {"inventory": inventory, "bom": bom, "yarn": yarn, "orders": orders, "work_orders": work_orders,
            "capacity": capacity, "costs": costs}

"""Type stub for the Cython netting kernels (see ``bk_fast._kernels.reference.netting`` for semantics)."""

import numpy as np
import numpy.typing as npt

F1 = npt.NDArray[np.float64]
F2 = npt.NDArray[np.float64]
I1 = npt.NDArray[np.int64]
I2 = npt.NDArray[np.int64]
B1 = npt.NDArray[np.int8]

def weekly_roll(on_hand: F1, demand: F2, receipts: F2, past_due: F1, balance: F2, total_demand: F1,
                total_receipt: F1, total: F1, first_short: I1, recovery: I1) -> None: ...
def net_items(on_hand: F1, gross: F2, scheduled: F2, ss: F1, rule: B1, lot_min: F1, lot_max: F1, lot_mult: F1,
              lot_periods: I1, setup: F1, hold: F1, proj: F2, net: F2, receipt: F2, orders: I2) -> None: ...
def mrp_levels(order: I1, level_ptr: I1, child_ptr: I1, child_idx: I1, child_qty: F1, lead: I1, on_hand: F1,
               gross: F2, scheduled: F2, ss: F1, rule: B1, lot_min: F1, lot_max: F1, lot_mult: F1, lot_periods: I1,
               setup: F1, hold: F1, proj: F2, net: F2, receipt: F2, release: F2, past_due: F1,
               orders: I2) -> None: ...

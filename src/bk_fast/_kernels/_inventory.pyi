"""Type stub for the Cython yarn-inventory kernels (``_inventory.pyx``); semantics in
``bk_fast._kernels.reference.inventory``."""

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I8 = npt.NDArray[np.int8]

def theoretical_balance(beginning: F64, received: F64, consumed: F64, adjustments: F64, out: F64) -> None: ...
def planning_balance(theoretical: F64, allocated: F64, on_order: F64, out: F64) -> None: ...
def yarn_risk(theoretical: F64, allocated: F64, on_order: F64, consumed: F64, balance: F64, shortage: F64,
              weekly: F64, weeks: F64, risk: I8, received: F64 | None = None,
              adjustments: F64 | None = None) -> None: ...

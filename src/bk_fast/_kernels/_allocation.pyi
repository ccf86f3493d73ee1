"""Type stub for the Cython allocation kernels (see ``reference.allocation`` for the semantics)."""

import numpy as np
import numpy.typing as npt

def allocate_orders(
    item_ptr: npt.NDArray[np.int64],
    times: npt.NDArray[np.float64],
    cum: npt.NDArray[np.float64],
    tol: npt.NDArray[np.float64],
    order_item: npt.NDArray[np.int64],
    rank: npt.NDArray[np.int64],
    due: npt.NDArray[np.float64],
    qty: npt.NDArray[np.float64],
    partial: bool,
    min_ship: float,
    max_late: float,
    free: npt.NDArray[np.float64],
    short: npt.NDArray[np.float64],
    on_time: npt.NDArray[np.float64],
    del_order: npt.NDArray[np.int64],
    del_period: npt.NDArray[np.int64],
    del_qty: npt.NDArray[np.float64],
    del_due: npt.NDArray[np.float64],
    del_late: npt.NDArray[np.float64],
) -> int: ...
def allocate_kit_orders(
    item_ptr: npt.NDArray[np.int64],
    times: npt.NDArray[np.float64],
    cum: npt.NDArray[np.float64],
    tol: npt.NDArray[np.float64],
    seq: npt.NDArray[np.int64],
    qty: npt.NDArray[np.float64],
    due: npt.NDArray[np.float64],
    req_ptr: npt.NDArray[np.int64],
    req_item: npt.NDArray[np.int64],
    req_frac: npt.NDArray[np.float64],
    all_or_nothing: bool,
    free: npt.NDArray[np.float64],
    knit: npt.NDArray[np.float64],
    limiting: npt.NDArray[np.int64],
    taken: npt.NDArray[np.float64],
    avail: npt.NDArray[np.float64],
) -> None: ...

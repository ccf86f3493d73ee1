"""Type stub for the Cython Phase-3 drop-in kernels (``_compat.pyx``)."""

import numpy as np
import numpy.typing as npt

def counting_sort(codes: npt.NDArray[np.int64], n_keys: int, dest: npt.NDArray[np.int64],
                  perm: npt.NDArray[np.int64]) -> None: ...
def allocation_running(required: npt.NDArray[np.float64], codes: npt.NDArray[np.int64], n_groups: int,
                       avail_by_code: npt.NDArray[np.float64], avail_out: npt.NDArray[np.float64],
                       cum: npt.NDArray[np.float64], can: npt.NDArray[np.uint8],
                       alloc: npt.NDArray[np.float64]) -> None: ...
def capacity_running(hours: npt.NDArray[np.float64], codes: npt.NDArray[np.int64], n_groups: int,
                     avail_by_code: npt.NDArray[np.float64], avail_out: npt.NDArray[np.float64],
                     cum: npt.NDArray[np.float64], ok: npt.NDArray[np.uint8]) -> None: ...
def planning_balance_flags(theoretical: npt.NDArray[np.float64], allocated: npt.NDArray[np.float64],
                           on_order: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> int: ...
def shortage_rows(balance: npt.NDArray[np.float64], threshold: npt.NDArray[np.float64],
                  rows: npt.NDArray[np.int64], amount: npt.NDArray[np.float64]) -> int: ...
def hash_factorize(offsets: npt.NDArray[np.int64], data: npt.NDArray[np.uint8], nulls: npt.NDArray[np.uint8],
                   codes: npt.NDArray[np.int64], first_rows: npt.NDArray[np.int64]) -> int: ...

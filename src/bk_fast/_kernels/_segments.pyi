"""Type stub for the Cython running-sum-per-key kernel (``_segments.pyx``); semantics in
``bk_fast._kernels.reference.segments``."""

from typing import overload

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# a fused kernel: values and out are both float64 or both int64
@overload
def segmented_cumsum(values: F64, codes: I64, n_groups: int, out: F64) -> None: ...
@overload
def segmented_cumsum(values: I64, codes: I64, n_groups: int, out: I64) -> None: ...

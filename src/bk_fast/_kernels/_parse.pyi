"""Type stub for the Cython number-text parser (see ``bk_fast._kernels.reference.parse``)."""

import numpy as np
import numpy.typing as npt

def parse_number_text(
    data: npt.NDArray[np.uint8],
    offsets: npt.NDArray[np.int64],
    out: npt.NDArray[np.float64],
    status: npt.NDArray[np.int8],
) -> int: ...

def misplaced_commas(
    data: npt.NDArray[np.uint8],
    offsets: npt.NDArray[np.int64],
    bad: npt.NDArray[np.uint8],
) -> int: ...

"""Type stub for the Cython text-id kernel (``_text.pyx``)."""

import numpy as np
import numpy.typing as npt

def text_lookup(key_off: npt.NDArray[np.int64], key_data: npt.NDArray[np.uint8], q_off: npt.NDArray[np.int64],
                q_data: npt.NDArray[np.uint8], q_missing: npt.NDArray[np.uint8], strip: bool,
                out: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> None: ...
def text_hash(off: npt.NDArray[np.int64], data: npt.NDArray[np.uint8], out: npt.NDArray[np.uint64]) -> None: ...

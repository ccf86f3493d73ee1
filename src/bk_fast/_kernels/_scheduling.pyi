"""Type stub for the compiled scheduling kernels (``_scheduling.pyx``)."""

import numpy as np
import numpy.typing as npt

def _simd(enabled: bool | None = None) -> bool: ...
def list_schedule(order: npt.NDArray[np.int64], job_group: npt.NDArray[np.int64],
                  work: npt.NDArray[np.float64], release: npt.NDArray[np.float64],
                  job_style: npt.NDArray[np.int64], group_ptr: npt.NDArray[np.int64],
                  group_mach: npt.NDArray[np.int64], speed: npt.NDArray[np.float64],
                  setup: npt.NDArray[np.float64], avail: npt.NDArray[np.float64],
                  last_style: npt.NDArray[np.int64], load: npt.NDArray[np.float64],
                  out_machine: npt.NDArray[np.int64], out_start: npt.NDArray[np.float64],
                  out_end: npt.NDArray[np.float64], out_setup: npt.NDArray[np.float64]) -> None: ...
def moore_hodgson(order: npt.NDArray[np.int64], processing: npt.NDArray[np.float64],
                  due: npt.NDArray[np.float64], on_time: npt.NDArray[np.uint8]) -> int: ...

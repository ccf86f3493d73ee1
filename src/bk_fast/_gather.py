"""Row gathers for the pandas layers: ``values[rows]`` through the registered ``gather8`` kernel for 8-byte
NumPy numbers and dates (NumPy's fancy indexing costs two to three times as much per element), by NumPy for
anything else. ``rows`` must be in range (a kernel's output): the compiled kernels do not check them."""

from __future__ import annotations

import numpy as np

from bk_fast._engine import resolve


def is_8byte(dtype) -> bool:
    """Whether ``dtype`` is a NumPy dtype the ``gather8`` kernel moves (8-byte ints, floats, dates, spans)."""
    return isinstance(dtype, np.dtype) and dtype.itemsize == 8 and dtype.kind in "iufmM"


def take8(values: np.ndarray, rows: np.ndarray, engine=None, out: np.ndarray | None = None) -> np.ndarray:
    """``values[rows]`` as a fresh array, by the ``gather8`` kernel where :func:`is_8byte`.

    ``out``: an 8-byte array of ``rows.size`` elements to write into instead (e.g. one row of a block that
    holds a whole result frame: one allocation, huge pages, instead of one per column); it is returned
    viewed as ``values.dtype``. Ignored for other dtypes.

    Examples
    --------
    >>> import numpy as np
    >>> take8(np.array([1.5, 2.5, 3.5]), np.array([2, 0], dtype=np.int64), engine="numpy").tolist()
    [3.5, 1.5]
    """
    if not is_8byte(values.dtype):
        return values[rows]
    if out is None:
        out = np.empty(rows.size, dtype=values.dtype)
    else:
        out = out.view(values.dtype)
    resolve("gather8", engine)(rows, np.ascontiguousarray(values).view(np.int64), out.view(np.int64))
    return out

"""Per-thread scratch memory for the large work arrays of a call (sort buffers, index lists).

A call on 10^6 order lines needs tens of MB of work arrays that die when it returns. Fresh memory is not free:
the C allocator hands large blocks back to the operating system and takes new ones on the next call, and the
first touch of every fresh 4 KiB page is a page fault (a few microseconds each on a virtual machine: ~10 ms a
call at that size). So each thread keeps its work buffers between calls and the next call of the same size
touches no fresh page. Results handed to the caller never live in these buffers.

Set the environment variable ``BK_FAST_SCRATCH_MB`` (read at import) to cap the scratch memory one thread
keeps, in MB (a finite number; default 512; ``0`` keeps nothing: every call allocates afresh; a request that
does not fit gets a fresh array), and call :func:`release_scratch` to free the calling thread's buffers (a
thread's buffers also go when the thread ends). ``allocate`` on 10^6 order lines keeps ~48 MB.

Examples
--------
>>> import numpy as np
>>> from bk_fast._scratch import work_array, release_scratch, scratch_bytes
>>> a = work_array("doc.example", (2, 3), np.int64)   # contents undefined, like numpy.empty
>>> a.shape, a.dtype
((2, 3), dtype('int64'))
>>> work_array("doc.example", 4, np.float64).base is a.base   # the same memory on the next request
True
>>> kept = scratch_bytes()   # 48 bytes or more kept (0 under BK_FAST_SCRATCH_MB=0)
>>> release_scratch() == kept, scratch_bytes()
(True, 0)
"""

from __future__ import annotations

import math
import os
import threading

import numpy as np

__all__ = ["work_array", "release_scratch", "scratch_bytes"]


def _limit() -> int:
    raw = os.environ.get("BK_FAST_SCRATCH_MB", "").strip() or "512"  # (set but empty: the default, as for
    # BK_FAST_ENGINE; `export BK_FAST_SCRATCH_MB=` made the import fail)
    try:
        nbytes = float(raw) * (1 << 20)
    except ValueError:
        nbytes = math.nan
    if not math.isfinite(nbytes):  # inf, nan, 1e400, 1e308 (whose bytes overflow): a cap is a number of MB
        raise ValueError(f"BK_FAST_SCRATCH_MB must be a finite number of MB (0 disables the scratch buffers), "
                         f"got {raw!r}")
    if nbytes < 0:
        raise ValueError(f"BK_FAST_SCRATCH_MB must be >= 0 MB (0 disables the scratch buffers), got {raw!r}")
    return int(nbytes)


#: the most scratch memory one thread keeps between calls, in bytes (requests beyond it are allocated afresh)
LIMIT_BYTES = _limit()

_local = threading.local()


def work_array(slot: str, shape, dtype) -> np.ndarray:
    """An uninitialised array of ``shape`` and ``dtype`` in the calling thread's buffer ``slot``.

    The buffer is kept for the thread's next request of the same slot, which overwrites it: the array is
    valid until then, and must never be returned to a caller or stored. Two arrays alive at once need two
    slots. A request that would take the thread's kept buffers past :data:`LIMIT_BYTES` gets a fresh array
    (and the slot keeps its old buffer).
    """
    dtype = np.dtype(dtype)
    shape = (int(shape),) if np.isscalar(shape) else tuple(int(s) for s in shape)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > LIMIT_BYTES:
        return np.empty(shape, dtype=dtype)
    buffers = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = {}
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        kept = sum(b.nbytes for b in buffers.values()) - (0 if buf is None else buf.nbytes)
        if kept + max(nbytes, 64) > LIMIT_BYTES:
            return np.empty(shape, dtype=dtype)
        buffers.pop(slot, None)  # (the old buffer goes before the new one is taken)
        buf = buffers[slot] = np.empty(max(nbytes, 64), dtype=np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def scratch_bytes() -> int:
    """Bytes of scratch memory the calling thread keeps."""
    return sum(b.nbytes for b in getattr(_local, "buffers", {}).values())


def release_scratch() -> int:
    """Free the calling thread's scratch buffers (other threads keep theirs).

    Arrays still referenced stay valid until dropped.

    Returns
    -------
    int
        The bytes released: what :func:`scratch_bytes` gave before the call.

    Examples
    --------
    >>> import numpy as np, bk_fast
    >>> from bk_fast._scratch import scratch_bytes, work_array
    >>> _ = work_array("doc.release", 1000, np.float64)
    >>> kept = scratch_bytes()
    >>> bk_fast.release_scratch() == kept, scratch_bytes()
    (True, 0)
    """
    freed = scratch_bytes()
    _local.buffers = {}
    return freed

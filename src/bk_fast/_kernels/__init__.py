"""Kernels over plain NumPy arrays, one module per capability and engine.

- ``reference/<capability>.py``: pure NumPy (plain loops where the algorithm is sequential); oracle and fallback.
  Each kernel is registered there with :func:`bk_fast._engine.kernel`.
- ``_numba/<capability>.py``: the same function names, ``@njit(nogil=True)``; imported only on dispatch.
- ``_<capability>.pyx``: the same function names in Cython, compiled into the wheel, GIL released.

Every implementation has the same signature and writes into preallocated outputs. Kernels never validate:
the pandas layer (``bk_fast._validate``) guarantees lengths, dtypes, contiguity and index ranges first.
"""

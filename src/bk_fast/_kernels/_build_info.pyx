# cython: language_level=3
"""Facts about how the compiled kernels were built (probed by ``bk_fast.engines()``)."""

cdef extern from *:
    """
    #ifdef BK_FAST_BOUNDSCHECK
    #define BKF_BOUNDSCHECK 1
    #else
    #define BKF_BOUNDSCHECK 0
    #endif
    """
    int BKF_BOUNDSCHECK

import cython

BOUNDSCHECK = bool(BKF_BOUNDSCHECK)
CYTHON_VERSION = cython.__version__

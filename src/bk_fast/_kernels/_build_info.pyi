"""Type stub for the facts about how the compiled kernels were built (``_build_info.pyx``)."""

BOUNDSCHECK: bool
CYTHON_VERSION: str

"""Pure-NumPy reference kernels: the test oracle and the fallback engine."""

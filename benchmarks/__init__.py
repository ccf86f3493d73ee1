"""asv benchmark suites: one module per capability, params over engine (and baseline) x size."""

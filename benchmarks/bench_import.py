"""Import time of bk_fast and the first call per engine (numba JIT compile or cache load, extension load)."""

from __future__ import annotations

import subprocess
import sys

from .common import ENGINES, check_engine

_FIRST_CALL = """
import time, numpy as np
t = time.perf_counter()
import bk_fast
from bk_fast._engine import resolve
out = np.empty(4)
resolve("planning_balance", "{engine}")(np.ones(4), np.ones(4), np.ones(4), out)
print(time.perf_counter() - t)
"""


class ImportTime:
    """``import bk_fast`` in a fresh interpreter (must not import numba or the extension)."""

    def timeraw_import_bk_fast(self):
        return "import bk_fast"


class FirstCall:
    """Import plus the first kernel call on each engine, in a fresh interpreter, seconds."""

    params = [ENGINES]
    param_names = ["engine"]
    timeout = 300

    def setup(self, engine):
        check_engine(engine)

    def track_first_call_seconds(self, engine):
        out = subprocess.run([sys.executable, "-c", _FIRST_CALL.format(engine=engine)], capture_output=True,
                             text=True, check=True)
        return float(out.stdout.strip())

    track_first_call_seconds.unit = "seconds"

#!/usr/bin/env bash
# Debug build: compile the Cython kernels with bounds checks on (Cython boundscheck=True, initializedcheck=True,
# wraparound still off so that a negative index raises instead of wrapping) into a SEPARATE venv, check that
# bk_fast.engines() reports the "boundscheck build", then run the test suite against it.
#
#   tools/debug_build.sh                      # build into /tmp/bkdebug and run the whole suite
#   tools/debug_build.sh tests/test_fuzz.py   # build, then run only these tests (any pytest arguments)
#   NO_TESTS=1 tools/debug_build.sh           # build and check only
#
# Environment:
#   VENV        the debug venv (default /tmp/bkdebug); created if missing
#   BASE_VENV   a venv whose installed dependencies (numpy, pandas, numba, pytest, hypothesis, Cython,
#               scikit-build-core, cython-cmake) the debug venv reuses through a .pth file, so that the build
#               needs no network (default /work/venv if it exists). Set BASE_VENV= (empty) to install the
#               dependencies from the package index instead (".[test]" plus the build requirements).
#   BUILD_DIR   CMake build dir, separate from the release/dev build (default build/debug)
#
# An index error inside a kernel raises IndexError (or, in a noexcept helper, is reported as an unraisable
# exception, which the test run turns into a failure with -W error::pytest.PytestUnraisableExceptionWarning).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/bkdebug}
if [ -z "${BASE_VENV+x}" ]; then
  BASE_VENV=/work/venv
  [ -x "$BASE_VENV/bin/python" ] || BASE_VENV=
fi
BUILD_DIR=${BUILD_DIR:-build/debug}
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-/tmp/numba_cache_debug}
export PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$NUMBA_CACHE_DIR" build

if [ ! -x "$VENV/bin/python" ]; then
  if [ -n "$BASE_VENV" ]; then
    "$BASE_VENV/bin/python" -m venv "$VENV"
  else
    python3 -m venv "$VENV"
  fi
fi
if [ -n "$BASE_VENV" ]; then
  base_site=$("$BASE_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  # appended after the debug venv's own site-packages: its bk_fast wins over the base venv's
  echo "$base_site" > "$site/_bk_fast_debug_base.pth"
  pip_args=(--no-build-isolation --no-deps)
else
  "$VENV/bin/python" -m pip install -q "scikit-build-core>=0.10" "cython>=3.0" "cython-cmake>=0.2" "numpy>=2" \
    pytest pytest-benchmark hypothesis "numba>=0.60" pandas
  pip_args=(--no-build-isolation)
fi

exec 9>build/.debug-build.lock
flock 9
echo "debug_build: compiling with BK_FAST_BOUNDSCHECK=ON into $VENV (build dir $BUILD_DIR)"
BK_FAST_BOUNDSCHECK=ON "$VENV/bin/python" -m pip install -q --force-reinstall "${pip_args[@]}" \
  -Cbuild-dir="$BUILD_DIR" -Ccmake.define.BK_FAST_BOUNDSCHECK=ON .
flock -u 9

# run from outside the checkout so that nothing can shadow the installed (debug) package
(cd / && "$VENV/bin/python" - <<'PY'
import sys
import bk_fast
st = bk_fast.engines()["cython"]
print(f"debug_build: bk_fast from {bk_fast.__file__}")
print(f"debug_build: cython engine: {st.version if st.available else 'MISSING: ' + st.reason}")
if not st.available or "boundscheck build" not in st.version:
    sys.exit("debug_build: the cython engine is not a boundscheck build")
if "/site-packages/" not in bk_fast.__file__:
    sys.exit("debug_build: bk_fast is not the installed debug copy")
# a kernel fed an out-of-range index must raise, not corrupt memory
import numpy as np
from bk_fast._engine import resolve
try:
    resolve("segmented_cumsum", "cython")(np.ones(3), np.array([0, 5, 0]), 1, np.zeros(3))
except IndexError as exc:
    print(f"debug_build: out-of-range code raises IndexError ({exc})")
else:
    sys.exit("debug_build: an out-of-range index did not raise in the boundscheck build")
PY
)

if [ -n "${NO_TESTS:-}" ]; then exit 0; fi
[ "$#" -gt 0 ] || set -- tests
echo "debug_build: pytest $*"
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider --benchmark-disable \
  -W error::pytest.PytestUnraisableExceptionWarning "$@"

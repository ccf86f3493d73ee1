#!/usr/bin/env bash
# Developer build: (re)install bk_fast editable into the venv given by $VENV (default .venv), recompiling the
# Cython kernels. Serialised with flock so that parallel workers never run two builds in one build dir.
#
# The build runs without isolation (--no-build-isolation: fast rebuilds reuse build/dev), so the build
# requirements must be in $VENV itself. A venv made the README's way (`pip install ".[numba]"`) has none of
# them: any that is missing or too old (scikit-build-core>=0.10, cython>=3, cython-cmake>=0.2, ninja, cmake,
# numpy>=2) is first installed into $VENV with pip (needs the package index once); a venv that has them all is
# left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BUILD_REQUIREMENTS=("scikit-build-core>=0.10" "cython>=3" "cython-cmake>=0.2" "ninja" "cmake" "numpy>=2")
# the requirements (from BUILD_REQUIREMENTS) that $VENV lacks or has older than the floor, one a line
missing=$("$VENV/bin/python" - "${BUILD_REQUIREMENTS[@]}" <<'PY'
import re
import sys
from importlib.metadata import PackageNotFoundError, version


def release(text):
    return tuple(int(part) for part in re.findall(r"\d+", re.match(r"[\d.]*", text).group()))


for requirement in sys.argv[1:]:
    name, _, floor = requirement.partition(">=")
    try:
        installed = version(name)
    except PackageNotFoundError:
        print(requirement)
        continue
    if floor and release(installed) < release(floor):
        print(requirement)
PY
)
if [ -n "$missing" ]; then
  echo "dev-build: installing the build requirements missing from $VENV:" $missing
  mapfile -t missing_list <<< "$missing"
  "$VENV/bin/python" -m pip install -q "${missing_list[@]}"
fi
mkdir -p build
exec 9>build/.dev-build.lock
flock 9
"$VENV/bin/python" -m pip install -q --no-build-isolation --no-deps -Cbuild-dir=build/dev -e . "$@"

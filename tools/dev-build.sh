#!/usr/bin/env bash
# Developer build: (re)install bk_fast editable into the venv given by $VENV (default .venv), recompiling the
# Cython kernels. Serialised with flock so that parallel workers never run two builds in one build dir.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
mkdir -p build
exec 9>build/.dev-build.lock
flock 9
"$VENV/bin/python" -m pip install -q --no-build-isolation --no-deps -Cbuild-dir=build/dev -e . "$@"

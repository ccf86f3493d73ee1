#!/usr/bin/env bash
# Benchmark the last N commits of main with asv (one virtualenv, ONE wheel build per commit, cached) and
# publish the HTML dashboard to .asv/html. Run from anywhere inside the checkout.
#
#   benchmarks/run_history.sh                 # last 5 commits, every benchmark
#   benchmarks/run_history.sh -n 10           # last 10 commits
#   benchmarks/run_history.sh -b 'bench_import|bench_inventory.YarnRisk' --quick   # a subset, one run each
#   benchmarks/run_history.sh --existing      # only the installed package (asv -E existing), this commit
#   benchmarks/run_history.sh --preview       # serve the dashboard on http://127.0.0.1:8080 afterwards
#
# Needs asv and virtualenv (`pip install "bk_fast[bench]" virtualenv`), git, a C compiler and network access
# to PyPI for the isolated wheel builds. Commits that fail to build are recorded as failed, not fatal.
# For an offline dashboard: apt-get install libjs-jquery libjs-jquery-flot libjs-bootstrap
# libjs-jquery-stupidtable node-blueimp-md5 (VENDOR_JS=0 keeps asv's CDN links).
# Then check that the dashboard renders: `pytest -m dashboard tests/test_dashboard.py` (needs chromium).
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"

n=5
quick=()
bench=()
existing=0
preview=0
ASV=${ASV:-asv}
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift 2 ;;
    -b|--bench) bench=(--bench "$2"); shift 2 ;;
    --quick) quick=(--quick); shift ;;
    --existing) existing=1; shift ;;
    --preview) preview=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run_history: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v "$ASV" >/dev/null || { echo "run_history: asv not found (pip install 'bk_fast[bench]')" >&2; exit 1; }
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-/tmp/bk_fast_numba_cache}

[ -f "$HOME/.asv-machine.json" ] || "$ASV" machine --yes

if [ "$existing" = 1 ]; then
  "$ASV" run -E existing --set-commit-hash "$(git rev-parse HEAD)" "${quick[@]}" "${bench[@]}" --show-stderr
else
  hashes=$(mktemp)
  trap 'rm -f "$hashes"' EXIT
  git rev-list --first-parent --max-count="$n" HEAD > "$hashes"
  echo "run_history: benchmarking $(wc -l < "$hashes") commits: $(tr '\n' ' ' < "$hashes")"
  # --skip-existing-commits: commits already measured on this machine are not rebuilt nor rerun
  "$ASV" run "HASHFILE:$hashes" --skip-existing-commits "${quick[@]}" "${bench[@]}" --show-stderr || {
    rc=$?; echo "run_history: asv run exited $rc (failed builds/benchmarks are kept as failed in the results)" >&2; }
fi

"$ASV" publish
html=$(python3 -c 'import json,re,sys; t=open("asv.conf.json").read(); t=re.sub(r"^\s*//.*$","",t,flags=re.M); print(json.loads(t).get("html_dir","html"))')
# asv's pages load jQuery/flot/bootstrap from CDNs: use local copies (Debian's libjs-* packages) so the
# dashboard also renders without internet access (benchmarks/vendor_dashboard.py says what and why).
if [ "${VENDOR_JS:-1}" = 1 ]; then
  python3 benchmarks/vendor_dashboard.py "$html" || echo "run_history: dashboard left with CDN links" >&2
fi
echo "run_history: dashboard published to $PWD/$html/index.html"
if [ "$preview" = 1 ]; then
  "$ASV" preview --port 8080
fi

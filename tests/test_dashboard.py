"""The published asv dashboard really renders: headless Chromium opens it from a loopback server and sees the
benchmark list and a drawn graph. Screenshots are kept under ``artifacts/`` (git-ignored).

Run on demand (deselected by default; needs Debian's ``chromium`` and a published dashboard)::

    benchmarks/run_history.sh -n 2    # or: asv run ... && asv publish && benchmarks/vendor_dashboard.py
    python -m pytest -m dashboard tests/test_dashboard.py

``BK_FAST_ASV_HTML`` points at another published directory; ``CHROMIUM`` at another browser binary.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.dashboard

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"


def _html_dir() -> Path:
    if os.environ.get("BK_FAST_ASV_HTML"):
        return Path(os.environ["BK_FAST_ASV_HTML"])
    text = (ROOT / "asv.conf.json").read_text()
    conf = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))
    return ROOT / conf.get("html_dir", "html")


def _chromium() -> str:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    pytest.skip("no chromium on PATH (apt-get install chromium)")


@pytest.fixture(scope="module")
def site():
    """The published dashboard served on 127.0.0.1 (asv's pages load their JSON by XHR, which file://
    blocks)."""
    html = _html_dir()
    if not (html / "index.html").is_file() or not (html / "index.json").is_file():
        pytest.fail(f"no published asv dashboard in {html}: run benchmarks/run_history.sh (or asv publish) "
                    f"first")
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", html
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


def _browser(url: str, *extra: str) -> subprocess.CompletedProcess:
    """Headless Chromium on ``url`` with virtual time (lets the page's scripts load the JSON and draw)."""
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--hide-scrollbars", "--window-size=1400,1000", "--virtual-time-budget=20000",
           *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


def _dom(url: str) -> str:
    proc = _browser(url, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "dependencies of airspeed velocity failed to load" not in proc.stdout, (
        "asv's CDN scripts did not load (no internet?): run benchmarks/vendor_dashboard.py on the published "
        "directory (benchmarks/run_history.sh does)")
    return proc.stdout


def _screenshot(url: str, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.unlink(missing_ok=True)
    proc = _browser(url, f"--screenshot={path}")
    assert path.is_file(), proc.stderr[-2000:]
    return path


def _not_blank(png: Path) -> None:
    import matplotlib.image as mpimg

    pixels = mpimg.imread(str(png))
    assert pixels.shape[0] > 500 and pixels.shape[1] > 500
    # a blank page is one colour; a rendered dashboard has text, boxes and plot lines
    assert pixels.reshape(-1, pixels.shape[-1]).std(axis=0).max() > 0.05


def _benchmarks(html: Path) -> dict:
    index = json.loads((html / "index.json").read_text())
    assert index["benchmarks"], "index.json lists no benchmarks"
    return index["benchmarks"]


def _with_graph(html: Path, benchmarks: dict) -> str:
    """A benchmark that has measured points in the published graphs."""
    for name in sorted(benchmarks):
        for graph in html.glob(f"graphs/**/{name}.json"):
            points = json.loads(graph.read_text())
            if any(p[1] is not None and p[1] == p[1] for p in points if not isinstance(p[1], list)) or any(
                    isinstance(p[1], list) and any(v is not None for v in p[1]) for p in points):
                return name
    pytest.fail("no benchmark with measured points in the published graphs")


def test_benchmark_list_renders(site):
    url, html = site
    names = _benchmarks(html)
    dom = _dom(f"{url}/index.html")
    assert "airspeed velocity" in dom and "bk_fast" in dom
    # the summary grid: one box per benchmark, each with its name, drawn by the page's script
    boxes = re.findall(r'class="[^"]*benchmark-container[^"]*"', dom)
    assert len(boxes) >= len(names), (len(boxes), len(names))
    missing = [n for n in names if n not in dom]
    assert not missing, f"benchmarks missing from the rendered list: {missing[:10]}"
    for suite in ("bench_inventory", "bench_segments", "bench_import"):
        assert any(n.startswith(suite + ".") for n in names), f"{suite} not published"
    _not_blank(_screenshot(f"{url}/index.html", "dashboard_index.png"))


def test_graph_renders(site):
    url, html = site
    names = _benchmarks(html)
    name = _with_graph(html, names)
    page = f"{url}/index.html#{name}"
    dom = _dom(page)
    # the graph view: the navigation list of benchmarks and a flot plot drawn on canvases in #main-graph
    assert 'id="main-graph"' in dom
    graph = dom[dom.index('id="main-graph"'):]
    assert re.search(r'<canvas class="flot-base"', graph), "no flot canvas in the main graph"
    assert re.search(r'class="flot-(tick-label|x-axis|y-axis)', graph), "graph has no axes"
    nav = dom[dom.index('id="navigation"'):] if 'id="navigation"' in dom else dom
    assert sum(n in nav for n in names) >= min(len(names), 5)
    _not_blank(_screenshot(page, "dashboard_graph.png"))

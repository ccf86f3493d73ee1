"""Make a published asv dashboard work offline: asv's pages load jQuery, flot, bootstrap, stupidtable and
blueimp-md5 from public CDNs, so on a machine without internet access (like the project's own) the
dashboard shows only "One or more external (JavaScript) dependencies of airspeed velocity failed to load".
This copies those libraries from Debian's packages into ``<html>/vendor/`` and points the pages at them.

    apt-get install libjs-jquery libjs-jquery-flot libjs-bootstrap libjs-jquery-stupidtable node-blueimp-md5
    python benchmarks/vendor_dashboard.py .asv/html

Debian ships flot 4.2 (asv was written against flot 0.8.3; its pages draw with it: checked by
tests/test_dashboard.py) as one file holding the time, selection and categories plugins. flot-orderbars
(side-by-side bars in asv's bar-chart view of parametrised benchmarks) is not packaged: a stub keeps
``bars.order`` harmless, so those bars overlap instead of standing side by side. Flot 4 draws axis labels
itself, so asv's own axislabels plugin is dropped (else every label is drawn twice), and its SVG legend gets
a light background (unstyled, SVG fills it black over black text). Running it twice is a no-op.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

JS = Path("/usr/share/javascript")
# CDN file name (last path component of the URL) -> local file, or None for the bundled/stubbed ones
SOURCES = {
    "jquery-3.3.1.min.js": JS / "jquery/jquery.min.js",
    "jquery.flot.min.js": JS / "jquery-flot/jquery.flot.js",  # flot 4 + all its plugins in one file
    "jquery.flot.time.min.js": None,
    "jquery.flot.selection.min.js": None,
    "jquery.flot.categories.min.js": None,
    "jquery.flot.orderBars.js": "stub",
    "stupidtable.min.js": JS / "jquery-stupidtable/stupidtable.min.js",
    "md5.min.js": JS / "blueimp-md5/md5.min.js",
    "bootstrap.min.js": JS / "bootstrap/js/bootstrap.min.js",
    "bootstrap.min.css": JS / "bootstrap/css/bootstrap.min.css",
}
PACKAGES = "libjs-jquery libjs-jquery-flot libjs-bootstrap libjs-jquery-stupidtable node-blueimp-md5"
ORDERBARS_STUB = """/* flot-orderbars is not in Debian: accept `bars.order`, keep the default placement. */
(function ($) {
  $.plot.plugins.push({init: function () {}, options: {series: {bars: {order: null}}}, name: "orderBars",
                       version: "stub"});
})(jQuery);
"""
FLOT4_CSS = """/* asv's pages with Debian's flot 4 (benchmarks/vendor_dashboard.py) */
.legendLayer rect.background { fill: #ffffff; fill-opacity: 0.85; stroke: #bbbbbb; }
.legendLayer text { fill: #333333; font-size: 12px; }
"""
ASV_AXISLABELS = re.compile(r'<script[^>]*src="jquery\.flot\.axislabels\.js"[^>]*>\s*</script>')
TAG = re.compile(r'<(script|link)\b[^>]*?(?:src|href)="(https://[^"]+)"[^>]*>(?:\s*</script>)?', re.S)


def vendor(html_dir: Path) -> list[str]:
    """Copy the libraries into ``html_dir/vendor`` and rewrite every page; returns the rewritten pages."""
    missing = [str(p) for p in SOURCES.values() if isinstance(p, Path) and not p.is_file()]
    if missing:
        raise SystemExit(f"vendor_dashboard: missing {', '.join(missing)}; apt-get install {PACKAGES}")
    vendor_dir = html_dir / "vendor"
    vendor_dir.mkdir(exist_ok=True)
    for name, src in SOURCES.items():
        if isinstance(src, Path):
            shutil.copyfile(src, vendor_dir / name)
        elif src == "stub":
            (vendor_dir / name).write_text(ORDERBARS_STUB)
    (vendor_dir / "flot4-asv.css").write_text(FLOT4_CSS)
    rewritten = []
    for page in sorted(html_dir.glob("*.html")):
        text = page.read_text(encoding="utf-8")

        def local(m: re.Match) -> str:
            kind, url = m.group(1), m.group(2)
            name = url.rsplit("/", 1)[-1]
            if name not in SOURCES:
                raise SystemExit(f"vendor_dashboard: {page.name} loads {url}, which has no local copy")
            if SOURCES[name] is None:
                return f"<!-- {name}: bundled in vendor/jquery.flot.min.js -->"
            extra = ' onerror="js_load_failure()"' if "js_load_failure" in m.group(0) else ""
            if kind == "link":
                return f'<link rel="stylesheet" href="vendor/{name}">'
            return f'<script src="vendor/{name}"{extra}></script>'

        new = TAG.sub(local, text)
        new = ASV_AXISLABELS.sub("<!-- jquery.flot.axislabels.js: flot 4 draws axis labels itself -->", new)
        if "vendor/flot4-asv.css" not in new and 'href="asv.css"' in new:
            new = re.sub(r'(<link href="asv\.css"[^>]*>)',
                         r'\1\n    <link href="vendor/flot4-asv.css" rel="stylesheet" type="text/css"/>', new,
                         count=1)
        if new != text:
            page.write_text(new, encoding="utf-8")
            rewritten.append(page.name)
    return rewritten


def main(argv: list[str]) -> int:
    html_dir = Path(argv[0] if argv else ".asv/html")
    if not (html_dir / "index.html").is_file():
        print(f"vendor_dashboard: no published dashboard in {html_dir}", file=sys.stderr)
        return 1
    pages = vendor(html_dir)
    done = ", ".join(pages) or "none"
    print(f"vendor_dashboard: {html_dir}: local copies in vendor/, pages rewritten: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The ``bk-fast`` command: ``info``, ``demo``, ``load`` and ``bench``.

Examples
--------
>>> from bk_fast.cli import main
>>> main(["info", "--short"])  # doctest: +ELLIPSIS
bk_fast ...
0
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

import bk_fast
from bk_fast._engine import ENGINES, engines, pick


def _info(args) -> int:
    print(f"bk_fast {bk_fast.__version__}  (python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"pandas {pd.__version__})")
    if args.short:
        return 0
    print(f"cores: {os.cpu_count()}   default engine: {bk_fast.get_engine()} -> {pick()}")
    print(f"numba cache dir: {os.environ.get('NUMBA_CACHE_DIR') or '(NUMBA_CACHE_DIR unset)'}")
    print("engines:")
    for name, status in engines().items():
        state = f"available   {status.version}" if status.available else f"unavailable {status.reason}"
        print(f"  {name:7s} {state}")
    from bk_fast._engine import kernels

    print("kernels: " + ", ".join(kernels()))
    return 0


def _fmt_seconds(s: float) -> str:
    return f"{s * 1e3:8.1f} ms" if s < 10 else f"{s:8.1f} s "


def _print_table(df: pd.DataFrame, indent: str = "  ") -> None:
    with pd.option_context("display.width", 120, "display.max_columns", 12, "display.float_format",
                           lambda v: f"{v:,.2f}"):
        for line in df.to_string(index=False).splitlines():
            print(indent + line)


def _progress(i: int, n: int, label: str) -> None:
    if not sys.stderr.isatty():
        return
    width = 24
    done = int(width * i / max(n, 1))
    sys.stderr.write(f"\r  [{'#' * done}{'.' * (width - done)}] {i}/{n} {label[:40]:40s}")
    sys.stderr.flush()
    if i == n:
        sys.stderr.write("\r" + " " * (width + 50) + "\r")


def _demo(args) -> int:
    from bk_fast import _demo as demo
    from bk_fast.datasets import make_mill

    chosen = pick(args.engine)
    available = [e for e in ENGINES if engines()[e].available]
    timed = available if args.compare else [chosen]
    source = (f"ERP exports in {args.from_folder}" if args.from_folder
              else f"synthetic mill, scale={args.scale:g}, seed={args.seed}")
    print(f"bk_fast {bk_fast.__version__} demo: {source}; report from the {chosen} engine")
    t0 = time.perf_counter()
    if args.from_folder:
        from bk_fast.io import read_mill

        mill = read_mill(args.from_folder, engine=chosen)
        print(f"read the ERP exports in {args.from_folder}")
    else:
        mill = make_mill(scale=args.scale, seed=args.seed)
    sizes = ", ".join(f"{k} {len(v):,}" for k, v in mill.items())
    print(f"built the mill in {_fmt_seconds(time.perf_counter() - t0).strip()}: {sizes}")
    steps = demo.steps()
    timings: dict[str, dict[str, float]] = {}
    n_runs = len(steps) * len(timed)
    run = 0
    for module, step in steps:
        report = None
        timings[module] = {}
        for engine in timed:
            run += 1
            _progress(run, n_runs, f"{module.split('.')[-1]} [{engine}]")
            step(mill, engine)  # first call compiles/warms (numba JIT, caches)
            start = time.perf_counter()
            result = step(mill, engine)
            timings[module][engine] = time.perf_counter() - start
            if engine == chosen:
                report = result
        _progress(n_runs, n_runs, "")
        if report is None:
            report = step(mill, chosen)
        print()
        print(f"== {report.title} ==")
        for line in report.lines:
            print(f"  {line}")
        if report.table is not None and len(report.table):
            _print_table(report.table)
    if args.plot:
        from bk_fast.scheduling import _demo_plot

        _demo_plot(mill, chosen, args.plot)
        print(f"\nwrote the Gantt chart of the busiest work centers to {args.plot}")
    print()
    print("== time per step (warm, one run each) ==")
    table = pd.DataFrame(timings).T
    table.index = [m.split(".")[-1] for m in table.index]
    with pd.option_context("display.float_format", lambda v: f"{v * 1e3:,.2f} ms"):
        print(table.to_string())
    print(f"total {_fmt_seconds(time.perf_counter() - t0).strip()}")
    return 0


def _load(args) -> int:
    from bk_fast.io import load_report

    report = load_report(args.folder, engine=args.engine)
    print(f"ERP exports in {args.folder}: {len(report)} file(s)")
    _print_table(report)
    before, after = report["MB parsed"].sum(), report["MB optimised"].sum()
    if before > 0:
        print(f"memory: {before:,.2f} MB as parsed -> {after:,.2f} MB optimised (lossless), "
              f"{100 * (1 - after / before):.0f} % saved")
    return 0


def _bench(args) -> int:
    try:
        from bk_fast import bench
    except ModuleNotFoundError:
        print("bk-fast bench is not available in this build", file=sys.stderr)
        return 2
    return bench.main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bk-fast", description="bk_fast: fast compute core for knit-mill "
                                     "planning")
    sub = parser.add_subparsers(dest="command", required=True)
    info = sub.add_parser("info", help="version, engines, numba cache dir, cores")
    info.add_argument("--short", action="store_true", help="version line only")
    info.set_defaults(func=_info)
    demo = sub.add_parser("demo", help="run every capability on the synthetic mill and print a report")
    demo.add_argument("--scale", type=float, default=1.0, help="mill size; 1 = the real mill (default)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--engine", default=None, choices=[*ENGINES, "auto"],
                      help="engine whose report is printed (default: the engine in force)")
    demo.add_argument("--from", dest="from_folder", default=None, metavar="FOLDER",
                      help="run on the ERP exports in FOLDER instead of the synthetic mill")
    demo.add_argument("--plot", default=None, metavar="FILE",
                      help="also write a Gantt chart PNG of the machine schedule (needs matplotlib)")
    demo.add_argument("--no-compare", dest="compare", action="store_false",
                      help="time only the chosen engine (default: time every available engine)")
    demo.set_defaults(func=_demo)
    load = sub.add_parser("load", help="read the ERP exports in a folder and report kinds, rows and memory")
    load.add_argument("folder")
    load.add_argument("--engine", default=None, choices=[*ENGINES, "auto"])
    load.set_defaults(func=_load)
    bench = sub.add_parser("bench", help="time every capability per engine and baseline")
    bench.add_argument("--quick", action="store_true", help="small sizes, finishes in under a minute")
    bench.add_argument("--kernels", nargs="*", default=None, help="capabilities to run (default: all)")
    bench.add_argument("--engines", nargs="*", default=None, help="engines to run (default: all available)")
    bench.add_argument("--plot", default=None, help="write a PNG chart here (needs matplotlib)")
    bench.add_argument("--json", default=None, help="write the measurements as JSON here")
    bench.set_defaults(func=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ImportError, ValueError, OSError) as exc:
        print(f"bk-fast: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

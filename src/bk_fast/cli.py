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
import contextlib
import os
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import bk_fast
from bk_fast._engine import ENGINES, engines, pick, use_engine
from bk_fast._progress import Bar, quiet


def _info(args) -> int:
    print(f"bk_fast {bk_fast.__version__}  (python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"pandas {pd.__version__})")
    if args.short:
        return 0
    # a default engine that is unknown or unavailable is reported after the engine list (info is where one
    # looks when the engine setup is wrong), not in place of it
    problem, name = None, os.environ.get("BK_FAST_ENGINE", "").strip()
    try:
        name = bk_fast.get_engine()
        default = f"{name} -> {pick()}"
    except (ImportError, ValueError) as exc:
        problem, default = exc, f"{name} -> unavailable"
    print(f"cores: {os.cpu_count()}   default engine: {default}")
    print(f"numba cache dir: {os.environ.get('NUMBA_CACHE_DIR') or '(NUMBA_CACHE_DIR unset)'}")
    print("engines:")
    for name, status in engines().items():
        state = f"available   {status.version}" if status.available else f"unavailable {status.reason}"
        print(f"  {name:7s} {state}")
    from bk_fast._engine import kernels

    print("kernels: " + ", ".join(kernels()))
    if problem is not None:
        print(f"bk-fast: error: default engine: {problem}", file=sys.stderr)
        return 2
    return 0


def _fmt_seconds(s: float) -> str:
    return f"{s * 1e3:8.1f} ms" if s < 10 else f"{s:8.1f} s "


#: canonical ERP id columns, and the endings of other id-like column names (``machine``,
#: ``suggested_machine``, ``limiting_yarn``, ``order_id``, ``PO #``)
_ID_COLUMNS = ("Desc#", "Style#", "Order #", "Machine", "PO #", "SO #", "WC")
_ID_NAME = re.compile(r"(?:^|[\s_])(?:id|machine|mach|yarn)$|#$", re.IGNORECASE)


def _ids_as_integers(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its float id columns whose values are whole numbers as nullable integers, so that machine
    169 prints ``169``, not ``169.00`` (a float column of ids: missing machines are NaN)."""
    from bk_fast._columns import canonical

    out = df
    for i, (name, col) in enumerate(df.items()):
        if col.dtype.kind != "f" or not (canonical(str(name)) in _ID_COLUMNS or _ID_NAME.search(str(name))):
            continue
        values = col.to_numpy(dtype=float, na_value=np.nan)
        present = values[~np.isnan(values)]
        if np.isfinite(present).all() and (present == np.round(present)).all() and \
                (np.abs(present) < 2.0 ** 53).all():
            if out is df:
                out = df.copy()
            out.isetitem(i, col.astype("Int64"))
    return out


def _print_table(df: pd.DataFrame, indent: str = "  ") -> None:
    df = _ids_as_integers(df)
    with pd.option_context("display.width", 120, "display.max_columns", 12, "display.float_format",
                           lambda v: f"{v:,.2f}"):
        for line in df.to_string(index=False).splitlines():
            print(indent + line)


def check_output(path, option: str, *, plot: bool = False) -> Path:
    """Fail fast on an output file that cannot be written (before minutes of work): ``path`` must name a file
    in an existing folder, writable (probed by opening it; nothing is left behind), and for ``plot=True`` have
    a suffix matplotlib can write (none = PNG). Errors are ValueError / OSError / ImportError starting with
    ``option`` and the path."""
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{option} {path}: is a folder, expected a file name")
    folder = p.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"{option} {path}: no such folder {folder}")
    if plot:
        try:
            from matplotlib.backend_bases import FigureCanvasBase
        except ImportError as exc:
            raise ImportError(f'{option} needs matplotlib: pip install "bk_fast[plot]"') from exc
        kinds = FigureCanvasBase.get_supported_filetypes()
        suffix = p.suffix[1:].lower()
        if suffix and suffix not in kinds:
            raise ValueError(f"{option} {path}: matplotlib cannot write .{suffix} files; use one of "
                             f"{', '.join(sorted(kinds))} (no suffix: PNG)")
    existed = p.exists()
    try:
        with open(p, "ab"):
            pass
    except OSError as exc:
        raise OSError(f"{option} {path}: cannot write there ({exc.strerror or exc})") from None
    if not existed:
        p.unlink(missing_ok=True)
    return p


def _demo(args) -> int:
    chosen = pick(args.engine)
    # every call a step makes runs on the engine asked for, also those that take no engine= argument (a BOM
    # compiled inside a step used the default engine: a broken BK_FAST_ENGINE failed `--engine numpy`)
    # --no-progress: no bar at all, also none of the exports read (--from) under BK_FAST_PROGRESS=1
    with use_engine(chosen), quiet() if args.progress is False else contextlib.nullcontext():
        return _demo_run(args, chosen)


def _demo_run(args, chosen: str) -> int:
    from bk_fast import _demo as demo
    from bk_fast.datasets import make_mill

    if args.plot:
        check_output(args.plot, "--plot", plot=True)
    available = [e for e in ENGINES if engines()[e].available]
    timed = available if args.compare else [chosen]
    source = (f"ERP exports in {args.from_folder}" if args.from_folder
              else f"synthetic mill, scale={args.scale:g}, seed={args.seed}")
    print(f"bk_fast {bk_fast.__version__} demo: {source}; report from the {chosen} engine")
    t0 = time.perf_counter()
    if args.from_folder:
        from bk_fast.io import read_mill

        mill = read_mill(args.from_folder, engine=chosen)
        if not mill:
            raise FileNotFoundError(f"no ERP exports (.csv, .tsv, .txt, .xlsx) found in {args.from_folder}")
        print(f"read the ERP exports in {args.from_folder}")
    else:
        mill = make_mill(scale=args.scale, seed=args.seed)
    sizes = ", ".join(f"{k} {len(v):,}" for k, v in mill.items())
    print(f"built the mill in {_fmt_seconds(time.perf_counter() - t0).strip()}: {sizes}")
    # the planning date: --today, else the exports' own (their yarn_po weeks), else the synthetic mill's
    if args.today is not None:
        day, how = args.today, "--today"
    elif args.from_folder:
        day, how = demo.exports_date(mill)
    else:
        day, how = None, "the synthetic mill's"
    with demo.planning_date(day):
        print(f"planning date (today): {demo.today().date().isoformat()} ({how})")
        return _demo_steps(args, demo, mill, chosen, timed, t0)


def _step_failure(exc: Exception) -> str:
    """One line for a demo step that could not run on a folder of exports."""
    if isinstance(exc, KeyError):
        return f"a column it reads is missing: {exc.args[0] if exc.args else exc}"
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def _demo_steps(args, demo, mill, chosen: str, timed: list, t0: float) -> int:
    from bk_fast.datasets import COLUMNS

    steps = demo.steps()
    timings: dict[str, dict[str, float]] = {}
    skipped: dict[str, str] = {}  # module -> the export it needs and the folder lacks
    failed: dict[str, str] = {}  # module -> why it could not run on the exports of --from
    n_runs = len(steps) * len(timed)
    bar = Bar(n_runs, progress=args.progress)  # (erased before each report is printed)
    for module, step in steps:
        report = None
        timings[module] = {}
        try:
            for engine in timed:
                bar.step(f"{module.split('.')[-1]} [{engine}]")
                # the whole step on this engine, not only its engine= calls; no bars of its own (a read_erp's
                # under BK_FAST_PROGRESS=1) beside the demo's
                with use_engine(engine), quiet():
                    step(mill, engine)  # first call compiles/warms (numba JIT, caches)
                    start = time.perf_counter()
                    result = step(mill, engine)
                    timings[module][engine] = time.perf_counter() - start
                if engine == chosen:
                    report = result
            if report is None:
                with quiet():
                    report = step(mill, chosen)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError, ZeroDivisionError) as exc:
            # a step needing an export the folder (--from) does not have is skipped; on real exports the
            # loader read, a step whose reading of them does not fit (a column it needs is missing, empty or
            # text, a frame is empty) says so; either way the other steps still run
            missing = exc.args[0] if isinstance(exc, KeyError) and exc.args else None
            if isinstance(missing, str) and missing in COLUMNS and missing not in mill:
                skipped[module] = missing
                why = f"skipped, the exports have no {missing} export"
            elif args.from_folder:
                failed[module] = _step_failure(exc)
                why = f"could not run on these exports: {failed[module]}"
            else:
                raise
            bar.clear()
            del timings[module]
            print()
            print(f"== {module.split('.')[-1]}: {why} ==")
            continue
        bar.clear()
        print()
        print(f"== {report.title} ==")
        for line in report.lines:
            print(f"  {line}")
        if report.table is not None and len(report.table):
            _print_table(report.table)
    bar.close()
    if args.plot:
        from bk_fast.scheduling import _demo_plot

        if "bk_fast.scheduling" in skipped:
            raise FileNotFoundError(f"--plot {args.plot}: no Gantt chart, the exports have no "
                                    f"{skipped['bk_fast.scheduling']} export")
        if "bk_fast.scheduling" in failed:
            raise ValueError(f"--plot {args.plot}: no Gantt chart, the scheduling step could not run on these "
                             f"exports ({failed['bk_fast.scheduling']})")
        if Path(args.plot).suffix:
            _demo_plot(mill, chosen, args.plot)
        else:  # an open file: matplotlib adds ".png" to a name without a suffix, writing elsewhere
            with open(args.plot, "wb") as fh:
                _demo_plot(mill, chosen, fh)
        print(f"\nwrote the Gantt chart of the busiest work centers to {args.plot}")
    print()
    print("== time per step (warm, one run each) ==")
    table = pd.DataFrame(timings).T
    if table.empty:
        table = pd.DataFrame(columns=timed)
    table.index = [m.split(".")[-1] for m in table.index]
    with pd.option_context("display.float_format", lambda v: f"{v * 1e3:,.2f} ms"):
        print(table.to_string())
    print(f"total {_fmt_seconds(time.perf_counter() - t0).strip()}")
    if failed:
        print(f"{len(failed)} of {len(steps)} steps could not run on these exports: "
              f"{', '.join(m.split('.')[-1] for m in failed)} (reasons above)")
    return 0


def _load(args) -> int:
    from bk_fast.io import load_report

    engine = pick(args.engine)  # an unknown BK_FAST_ENGINE skipped every file with a warning, exit 0
    report = load_report(args.folder, engine=engine)
    if report.empty:
        raise FileNotFoundError(f"no ERP exports (.csv, .tsv, .txt, .xlsx) found in {args.folder}")
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


#: the largest ``demo --scale``: a thousand real mills (the demo's time and memory grow about linearly with the
#: scale: scale 10 takes ~25 s and ~0.5 GB); far larger ones ended in a MemoryError traceback
_MAX_SCALE = 1000.0


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text!r}")
    if value > _MAX_SCALE:
        raise argparse.ArgumentTypeError(f"expected a scale of at most {_MAX_SCALE:g} (1 = the real mill), "
                                         f"got {text!r}")
    return value


#: the planning dates the demo's steps handle: within pandas' nanosecond Timestamps (1677-09-22 to 2262-04-11)
#: with decades to spare for the weeks and months the steps plan ahead (each step runs at both ends)
_DATES = (pd.Timestamp("1900-01-01"), pd.Timestamp("2200-12-31"))


def _names_a_day(text: str) -> bool:
    """Whether ``text`` names a day, not only a year or a month ("2025", "2025-09", "Sep 2025", which pandas
    reads as their first day): the day read with two different defaults for the missing parts is the same.
    Forms only pandas reads ("today") name a day."""
    from datetime import datetime

    from dateutil import parser

    try:
        return parser.parse(text, default=datetime(2001, 1, 1)).date() == \
            parser.parse(text, default=datetime(2002, 2, 2)).date()
    except (ValueError, OverflowError):
        return True


def _date(text: str):
    try:
        day = pd.Timestamp(text)
    except (TypeError, ValueError, OverflowError):
        day = pd.NaT
    if day is pd.NaT:
        raise argparse.ArgumentTypeError(f"expected a date such as 2025-09-01, got {text!r}")
    if day.tz is not None:  # the steps' dates are the mill's calendar days, without a zone: they cannot mix
        raise argparse.ArgumentTypeError(f"expected a date such as 2025-09-01 without a time zone (the mill's "
                                         f"calendar day), got {text!r}")
    if not _names_a_day(text):  # a planner typing 2025 (or 2025-09) most likely meant a day
        raise argparse.ArgumentTypeError(f"expected a day such as 2025-09-01, got {text!r}, which names no day "
                                         f"(pandas would read it as {day.date().isoformat()})")
    day = day.normalize()  # the planning day: a time of day is dropped
    if not _DATES[0] <= day <= _DATES[1]:
        raise argparse.ArgumentTypeError(f"expected a date from {_DATES[0].date()} to {_DATES[1].date()} (the "
                                         f"dates the demo's steps handle), got {text!r}")
    return day


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


_NO_PROGRESS = ("no progress bar on stderr (default: one on a terminal; the environment variable "
                "BK_FAST_PROGRESS=1 draws it anywhere, 0 never)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bk-fast", description="bk_fast: fast compute core for knit-mill "
                                     "planning")
    parser.add_argument("-V", "--version", action="version", version=f"bk_fast {bk_fast.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    info = sub.add_parser("info", help="version, engines, numba cache dir, cores")
    info.add_argument("--short", action="store_true", help="version line only")
    info.set_defaults(func=_info)
    demo = sub.add_parser("demo", help="run every capability on the synthetic mill and print a report")
    demo.add_argument("--scale", type=_scale, default=1.0,
                      help=f"mill size; 1 = the real mill (default), at most {_MAX_SCALE:g}; time and memory grow "
                           f"about linearly (scale 10: ~25 s, ~0.5 GB)")
    demo.add_argument("--seed", type=_seed, default=0,
                      help="random seed of the synthetic mill (an integer >= 0)")
    demo.add_argument("--engine", default=None, choices=[*ENGINES, "auto"],
                      help="engine whose report is printed (default: the engine in force)")
    demo.add_argument("--from", dest="from_folder", default=None, metavar="FOLDER",
                      help="run on the ERP exports in FOLDER instead of the synthetic mill")
    demo.add_argument("--today", type=_date, default=None, metavar="DATE",
                      help="planning date of the steps (YYYY-MM-DD, from 1900-01-01 to 2200-12-31; a time "
                           "of day is dropped, a time zone or a bare year or month refused); default: the "
                           "synthetic mill's 2025-09-01, or with --from the week before yarn_po's first dated "
                           "week column, else today")
    demo.add_argument("--plot", default=None, metavar="FILE",
                      help="also write a Gantt chart PNG of the machine schedule (needs matplotlib)")
    demo.add_argument("--no-compare", dest="compare", action="store_false",
                      help="time only the chosen engine (default: time every available engine)")
    demo.add_argument("--no-progress", dest="progress", action="store_const", const=False, default=None,
                      help=_NO_PROGRESS)
    demo.set_defaults(func=_demo)
    load = sub.add_parser("load", help="read the ERP exports in a folder and report kinds, rows and memory")
    load.add_argument("folder", help="folder of ERP exports (.csv, .tsv, .txt, .xlsx)")
    load.add_argument("--engine", default=None, choices=[*ENGINES, "auto"],
                      help="engine that parses the numbers (default: the engine in force)")
    load.set_defaults(func=_load)
    bench = sub.add_parser("bench", help="time every capability per engine and baseline")
    bench.add_argument("--quick", action="store_true", help="small sizes, finishes in under a minute")
    bench.add_argument("--kernels", nargs="*", default=None,
                       help="capabilities (inventory, bom, ...) or case names (yarn_risk) to run (default: all)")
    bench.add_argument("--engines", nargs="*", default=None,
                       help="engines to run (default: all available); naming baselines (pandas, loop) keeps only "
                            "those")
    bench.add_argument("--plot", default=None, help="write a PNG chart here (needs matplotlib)")
    bench.add_argument("--json", default=None, help="write the measurements as JSON here")
    bench.add_argument("--no-progress", dest="progress", action="store_const", const=False, default=None,
                       help=_NO_PROGRESS)
    bench.set_defaults(func=_bench)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line naming what it is about (not Python's file:line and source line)."""
    kind = "" if category is UserWarning else f" ({category.__name__})"
    print(f"bk-fast: warning{kind}: {message}", file=file or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _main(args)


def _main(args) -> int:
    try:
        rc = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's shutdown
        return rc
    except BrokenPipeError:  # `bk-fast demo | head`: the reader left; exit quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the shutdown flush would raise again
        except (OSError, ValueError):
            pass
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the shell's code for an interrupt, no traceback
        print("bk-fast: interrupted", file=sys.stderr)
        return 130
    except (ImportError, ValueError, OSError) as exc:
        print(f"bk-fast: error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:  # a scale (or a folder of exports) too large for this machine: say which, no traceback
        synthetic = args.command == "demo" and not args.from_folder
        what = f"the demo at --scale {args.scale:g}" if synthetic else f"bk-fast {args.command}"
        print(f"bk-fast: error: out of memory running {what}"
              + ("; try a smaller --scale (1 = the real mill)" if synthetic else ""), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Reading the ERP's exports: number parsing, whole-export loading and lossless memory optimisation.

Baselines beside the engines:
- ``pandas``: the pandas cleaning chain the ERP uses for number text,
  ``s.str.replace(r"[$,\\s]", "", regex=True).str.replace(r"^\\((.*)\\)$", r"-\\1", regex=True)`` then
  ``pd.to_numeric(errors="coerce")``, on the same pandas 3 ``str`` column;
- ``loop``: a Python loop of ``float(cleaned)`` per value (``Series.apply`` with a cleaning function);
- for whole exports, ``pandas``: ``pandas.read_csv`` per file plus the ERP's cleaning of every number column and
  ``to_datetime`` of the dates.

Run ``python -m benchmarks.bench_io`` for the one-run comparison table (medians) written to
``benchmarks/results/io.md``.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import bk_fast
from bk_fast import io as bkio

from .common import ENGINES, check_engine

_JUNK = r"[\$,\s]"
_PARENS = r"^\((.*)\)$"


def money_strings(n: int, seed: int = 0) -> pd.Series:
    """``n`` ERP number strings (``"$1,326.67 "``, ``"($2,183.40)"``, ``"1,200.00"``, empty) as a pandas
    ``str`` column: 100,000 distinct values drawn with replacement."""
    rng = np.random.default_rng(seed)
    pool_n = min(n, 100_000)
    amount = np.round(rng.lognormal(5.0, 2.0, pool_n), 2) * np.where(rng.random(pool_n) < 0.15, -1, 1)
    style = rng.integers(0, 10, pool_n)
    pool = []
    for x, k in zip(amount.tolist(), style.tolist()):
        if k == 0:
            pool.append("")
        elif k < 6:
            pool.append(f"(${-x:,.2f})" if x < 0 else f"${x:,.2f} ")
        else:
            pool.append(f"({-x:,.2f})" if x < 0 else f"{x:,.2f}")
    pool_s = pd.Series(pool, dtype="str")
    return pool_s.take(rng.integers(0, pool_n, n)).reset_index(drop=True)


def parse_pandas(s: pd.Series) -> pd.Series:
    """The ERP's chain: regex strip, parentheses to minus, to_numeric."""
    text = s.str.replace(_JUNK, "", regex=True).str.replace(_PARENS, r"-\1", regex=True)
    return pd.to_numeric(text, errors="coerce")


_JUNK_RE = re.compile(_JUNK)
_PARENS_RE = re.compile(_PARENS)


def _clean_one(v):
    if not isinstance(v, str):
        return np.nan
    t = _PARENS_RE.sub(r"-\1", _JUNK_RE.sub("", v))
    try:
        return float(t)
    except ValueError:
        return np.nan


def parse_loop(s: pd.Series) -> pd.Series:
    """A Python function applied per value."""
    return s.apply(_clean_one)


class ParseNumbers:
    """``bk_fast.io.parse_numbers`` on a pandas ``str`` column of money text vs the pandas chain and a loop."""

    params = [ENGINES + ["pandas", "loop"], [10_000, 1_000_000, 10_000_000]]
    param_names = ["method", "rows"]
    timeout = 900

    def setup(self, method, rows):
        if method in ENGINES:
            check_engine(method)
        if method in ("numpy", "loop") and rows > 1_000_000:
            raise NotImplementedError("the pure-Python paths are only run up to 1e6 rows")
        self.s = money_strings(int(rows))
        self.run = {"pandas": parse_pandas, "loop": parse_loop}.get(method)
        if self.run is None:
            def run(s, _engine=method):
                return bkio.parse_numbers(s, engine=_engine)
            self.run = run
        self.run(self.s.head(10))  # warm the JIT

    def time_parse_numbers(self, method, rows):
        self.run(self.s)


# ---------------------------------------------------------------------------------------------------------
# whole exports


def export_folder(scale: float, seed: int = 0) -> Path:
    """``write_exports(make_mill(scale))`` in a cached temp folder (written once per scale and seed)."""
    folder = Path(tempfile.gettempdir()) / f"bk_fast_bench_io_{scale:g}_{seed}"
    done = folder / ".complete"
    if not done.exists():
        from bk_fast.datasets import make_mill, write_exports

        write_exports(make_mill(scale=scale, seed=seed), folder)
        done.write_text("ok")
    return folder


#: what the ERP knows about its files: junk lines to skip, number columns to clean, date columns
_ERP_SKIP = {"knit_orders.csv": 2}
_ERP_TEXT = {"Desc#", "Description", "Supplier", "Style#", "Style #", "Style", "unit", "Order #", "fStyle#",
             "gBase", "WC", "PO #", "SO #", "Customer", "MACH", "Machine"}
_ERP_DATES = {"Start Date", "Quoted Date", "Ship Date"}


def erp_load(folder: Path) -> dict[str, pd.DataFrame]:
    """The ERP's loader: ``read_csv`` per file, then its number cleaning and ``to_datetime``."""
    frames = {}
    for path in sorted(folder.glob("*.csv")):
        df = pd.read_csv(path, skiprows=_ERP_SKIP.get(path.name, 0), encoding="utf-8-sig")
        for col in df.columns:
            if col in _ERP_DATES:
                df[col] = pd.to_datetime(df[col], errors="coerce")
            elif col not in _ERP_TEXT and not pd.api.types.is_numeric_dtype(df[col]):
                text = df[col].astype(str).str.replace(_JUNK, "", regex=True)
                text = text.str.replace(_PARENS, r"-\1", regex=True)
                df[col] = pd.to_numeric(text, errors="coerce")
        frames[path.stem] = df
    return frames


class ReadExports:
    """``bk_fast.io.read_exports`` (every file: header, kind, parse, dates, optimise) vs the ERP's loader."""

    params = [ENGINES + ["pandas"], [1, 10, 100]]
    param_names = ["method", "scale"]
    timeout = 1200

    def setup(self, method, scale):
        if method in ENGINES:
            check_engine(method)
        if method == "numpy" and scale > 10:
            raise NotImplementedError("the pure-Python reference is only run up to scale 10")
        self.folder = export_folder(scale)
        if method in ENGINES:
            bkio.parse_numbers(["1"], engine=method)

    def time_read_exports(self, method, scale):
        if method == "pandas":
            erp_load(self.folder)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                bkio.read_exports(self.folder, engine=method)


class MemoryReduction:
    """``bk_fast.optimize_memory`` on the mill's exports as loaded by ``pandas.read_csv`` (percent saved, time)."""

    params = [["str", "object"], [1, 10]]
    param_names = ["text_dtype", "scale"]
    timeout = 600

    def setup(self, text_dtype, scale):
        folder = export_folder(scale)
        self.frames = []
        for path in sorted(folder.glob("*.csv")):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if text_dtype == "object":
                    with pd.option_context("future.infer_string", False):
                        df = pd.read_csv(path, skiprows=_ERP_SKIP.get(path.name, 0))
                else:
                    df = pd.read_csv(path, skiprows=_ERP_SKIP.get(path.name, 0))
            self.frames.append(df)

    def time_optimize_memory(self, text_dtype, scale):
        for df in self.frames:
            bk_fast.optimize_memory(df)

    def track_percent_saved(self, text_dtype, scale):
        before = after = 0
        for df in self.frames:
            _, report = bk_fast.optimize_memory(df)
            before += report.bytes_before
            after += report.bytes_after
        return 100.0 * (1.0 - after / before)

    track_percent_saved.unit = "percent"


# ---------------------------------------------------------------------------------------------------------
# one-run comparison table


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _available(engine: str) -> bool:
    return bk_fast.engines()[engine].available


def main(argv=None) -> None:  # pragma: no cover - a measuring script
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--scale", type=float, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "io.md"))
    args = ap.parse_args(argv)
    lines = ["# bk_fast.io / optimize_memory: measured in one run", "",
             f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, pandas {pd.__version__}, "
             f"numpy {np.__version__}. Median of {args.repeat} runs; ratio = baseline time / method time "
             "(higher is faster than the pandas chain).", ""]

    # 1. number parsing
    s = money_strings(args.rows)
    small = s.head(min(args.rows, 1_000_000))
    expect = parse_pandas(small).to_numpy(dtype=np.float64)
    rows = []
    base = _median_time(lambda: parse_pandas(s), args.repeat)
    rows.append((args.rows, "pandas str.replace + to_numeric", base))
    for engine in ENGINES:
        if not _available(engine):
            continue
        assert np.array_equal(bkio.parse_numbers(small, engine=engine).to_numpy(), expect, equal_nan=True)
        data = s if engine != "numpy" else small
        t = _median_time(lambda: bkio.parse_numbers(data, engine=engine), args.repeat if engine != "numpy" else 1)
        rows.append((len(data), f"bk_fast {engine}", t))
    small_base = _median_time(lambda: parse_pandas(small), args.repeat) if len(small) < args.rows else base
    if len(small) < args.rows:
        rows.append((len(small), "pandas str.replace + to_numeric", small_base))
    rows.append((len(small), "Python loop (apply)", _median_time(lambda: parse_loop(small), 1)))
    lines += ["## Parsing money text (`bk_fast.io.parse_numbers`)", "",
              "| rows | method | median (s) | speed-up vs pandas chain |", "|---:|---|---:|---:|"]
    for n, name, t in rows:
        ref = base if n == args.rows else small_base  # each row against the pandas chain on the same rows
        lines.append(f"| {n:,} | {name} | {t:.3f} | {ref / t:.1f}x |")
    # full-precision floats (what to_csv writes): about half are beyond the kernels' exact fast path
    x = np.random.default_rng(1).normal(size=len(small)) * 1000.0
    full = pd.Series([repr(v) for v in x.tolist()], dtype="str")
    fbase = _median_time(lambda: parse_pandas(full), args.repeat)
    lines += ["", "Full-precision floats (`repr`, 17 significant digits; the rows beyond the exact fast path are "
              "resolved in bulk with Python's `float`):", "",
              "| rows | method | median (s) | speed-up vs pandas chain |", "|---:|---|---:|---:|",
              f"| {len(full):,} | pandas str.replace + to_numeric | {fbase:.3f} | 1.0x |"]
    for engine in ("cython", "numba"):
        if _available(engine):
            assert np.array_equal(bkio.parse_numbers(full, engine=engine).to_numpy(), x)
            t = _median_time(lambda: bkio.parse_numbers(full, engine=engine), args.repeat)
            lines.append(f"| {len(full):,} | bk_fast {engine} | {t:.3f} | {fbase / t:.1f}x |")
    print("\n".join(lines), flush=True)

    # 2. whole exports
    folder = export_folder(args.scale)
    lines += ["", f"## Reading `write_exports(make_mill(scale={args.scale:g}))` (all {len(list(folder.glob('*.csv')))} "
              "files)", "", "| scale | method | median (s) | speed-up vs read_csv + ERP cleaning |",
              "|---:|---|---:|---:|"]
    erp = _median_time(lambda: erp_load(folder), args.repeat)
    lines.append(f"| {args.scale:g} | pandas.read_csv + ERP cleaning | {erp:.2f} | 1.0x |")
    for engine in ("cython", "numba"):
        if not _available(engine):
            continue
        bkio.parse_numbers(["1"], engine=engine)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = _median_time(lambda: bkio.read_exports(folder, engine=engine), args.repeat)
            t_raw = _median_time(lambda: bkio.read_exports(folder, engine=engine, optimize=False), args.repeat)
        lines.append(f"| {args.scale:g} | bk_fast.io.read_exports ({engine}, optimised) | {t:.2f} | {erp / t:.1f}x |")
        lines.append(f"| {args.scale:g} | bk_fast.io.read_exports ({engine}, optimize=False) | {t_raw:.2f} | "
                     f"{erp / t_raw:.1f}x |")
    print("\n".join(lines[-4:]), flush=True)

    # 3. memory
    lines += ["", f"## Memory of the scale-{args.scale:g} exports (`memory_usage(deep=True)`, all files)", "",
              "| frames | MB | saved |", "|---|---:|---:|"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        str_frames = [pd.read_csv(p, skiprows=_ERP_SKIP.get(p.name, 0)) for p in sorted(folder.glob("*.csv"))]
        with pd.option_context("future.infer_string", False):
            obj_frames = [pd.read_csv(p, skiprows=_ERP_SKIP.get(p.name, 0)) for p in sorted(folder.glob("*.csv"))]
        ours = bkio.read_exports(folder)
    mb = lambda frames: sum(int(f.memory_usage(deep=True).sum()) for f in frames) / 1e6  # noqa: E731
    str_mb, obj_mb = mb(str_frames), mb(obj_frames)
    opt_str = mb([bk_fast.optimize_memory(f)[0] for f in str_frames])
    opt_obj = mb([bk_fast.optimize_memory(f)[0] for f in obj_frames])
    lines += [f"| read_csv, pandas 3 `str` text | {str_mb:.1f} | |",
              f"| same, `optimize_memory` (lossless) | {opt_str:.1f} | {1 - opt_str / str_mb:.1%} |",
              f"| read_csv, pandas 2 `object` text (the ERP's frames) | {obj_mb:.1f} | |",
              f"| same, `optimize_memory` (lossless) | {opt_obj:.1f} | {1 - opt_obj / obj_mb:.1%} |",
              f"| `read_exports` (parsed numbers and dates, optimised) | {mb(ours.values()):.1f} | "
              f"{1 - mb(ours.values()) / str_mb:.1%} vs pandas 3 read_csv, {1 - mb(ours.values()) / obj_mb:.1%} "
              "vs pandas 2 read_csv |"]
    print("\n".join(lines[-7:]), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()

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

from .common import ENGINES, cached, check_engine

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
        self.s = cached(money_strings, int(rows))  # built once per machine (benchmarks/common.py)
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
    """``write_exports(make_mill(scale))`` in a cached temp folder (written once per scale, seed and version of
    ``bk_fast/datasets.py``: a changed generator or export format never reuses stale files)."""
    import hashlib
    import inspect

    import bk_fast.datasets

    digest = hashlib.sha1(inspect.getsource(bk_fast.datasets).encode()).hexdigest()[:10]
    folder = Path(tempfile.gettempdir()) / f"bk_fast_bench_io_{scale:g}_{seed}_{digest}"
    done = folder / ".complete"
    if not done.exists():
        from bk_fast.datasets import make_mill, write_exports

        write_exports(make_mill(scale=scale, seed=seed), folder)
        done.write_text("ok")
    return folder


def read_csv_frames(folder: Path, *, object_text: bool = False) -> dict[str, pd.DataFrame]:
    """Every export as plain ``pandas.read_csv`` loads it (defaults; only the knit-order file's two junk lines
    skipped). ``object_text=True``: text as pandas 2's ``object`` columns (the ERP's frames)."""
    frames = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted(folder.glob("*.csv")):
            if object_text:
                with pd.option_context("future.infer_string", False):
                    frames[path.name] = pd.read_csv(path, skiprows=_ERP_SKIP.get(path.name, 0))
            else:
                frames[path.name] = pd.read_csv(path, skiprows=_ERP_SKIP.get(path.name, 0))
    return frames


def assert_round_trip(small: pd.DataFrame, df: pd.DataFrame) -> None:
    """Back to the original dtypes, ``small`` is ``df`` exactly (values, NaN, float bits, index, columns)."""
    back = small.astype(df.dtypes.to_dict())
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    for i in range(df.shape[1]):  # assert_frame_equal takes -0.0 for 0.0: compare the float bits too
        if df.dtypes.iloc[i] in (np.float32, np.float64):
            x, y = back.iloc[:, i].to_numpy(), df.iloc[:, i].to_numpy()
            nan = np.isnan(y)
            bits = np.dtype(f"i{y.itemsize}")
            assert np.array_equal(nan, np.isnan(x)) and np.array_equal(x[~nan].view(bits), y[~nan].view(bits))


def memory_reduction(frames: dict[str, pd.DataFrame], **options) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """``optimize_memory(frame, **options)`` on every frame, each checked to round-trip exactly: (per-frame
    table, per-column table, CPU seconds). Bytes are ``memory_usage(deep=True)`` including the index."""
    per_frame, per_column = [], []
    cpu = 0.0
    for name, df in frames.items():
        t = time.process_time()
        small, report = bk_fast.optimize_memory(df, **options)
        cpu += time.process_time() - t
        assert_round_trip(small, df)
        assert report.bytes_before == int(df.memory_usage(deep=True).sum())
        assert report.bytes_after == int(small.memory_usage(deep=True).sum())
        per_frame.append((name, len(df), report.bytes_before, report.bytes_after))
        for row in report.table.itertuples(index=False):
            per_column.append((name, row.column, row.dtype_before, row.dtype_after, row.bytes_before,
                               row.bytes_after, row.change))
    table = pd.DataFrame(per_frame, columns=["file", "rows", "bytes_before", "bytes_after"])
    columns = pd.DataFrame(per_column, columns=["file", "column", "dtype_before", "dtype_after", "bytes_before",
                                                "bytes_after", "change"])
    return table, columns, cpu


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
    """``bk_fast.optimize_memory`` (default, and ``pack=True``) on the mill's exports as loaded by
    ``pandas.read_csv`` (percent saved, time)."""

    params = [["str", "object"], [False, True], [1, 10, 100]]
    param_names = ["text_dtype", "pack", "scale"]
    timeout = 1200

    def setup(self, text_dtype, pack, scale):
        if pack and scale > 10:
            raise NotImplementedError("pack=True at scale 100 takes over a minute per call on a busy 2-core box; "
                                      "python -m benchmarks.bench_io measures it")
        if pack:
            try:
                import pyarrow  # noqa: F401  (pack=True needs it; not a dependency of bk_fast)
            except ImportError:
                raise NotImplementedError("pack=True needs pyarrow") from None
        # read once per machine and kept pickled (benchmarks/common.py; the folder name holds datasets.py's hash)
        self.frames = list(cached(read_csv_frames, export_folder(scale), object_text=text_dtype == "object").values())

    def time_optimize_memory(self, text_dtype, pack, scale):
        for df in self.frames:
            bk_fast.optimize_memory(df, pack=pack)

    def track_percent_saved(self, text_dtype, pack, scale):
        before = after = 0
        for df in self.frames:
            _, report = bk_fast.optimize_memory(df, pack=pack)
            before += report.bytes_before
            after += report.bytes_after
        return 100.0 * (1.0 - after / before)

    track_percent_saved.unit = "percent"


# ---------------------------------------------------------------------------------------------------------
# one-run comparison table


#: CPU seconds (``time.process_time``) of every timed call, by the last ``_median_time``: the medians below are
#: of wall time, the CPU medians are reported beside them (the machine is shared; CPU time is steadier)
_LAST_CPU: list[float] = []


def _median_time(fn, repeat: int) -> float:
    """Median wall seconds of ``repeat`` calls; the median CPU seconds are left in ``_LAST_CPU[0]``."""
    times, cpus = [], []
    for _ in range(repeat):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    _LAST_CPU[:] = [statistics.median(cpus)]
    return statistics.median(times)


def _timed(fn, repeat: int) -> tuple[float, float]:
    """(median wall, median CPU) seconds."""
    wall = _median_time(fn, repeat)
    return wall, _LAST_CPU[0]


def _available(engine: str) -> bool:
    return bk_fast.engines()[engine].available


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f}"


def storage_lines(frames: dict[str, pd.DataFrame]) -> list[str]:
    """How ``memory_usage(deep=True)`` counts one text column (the largest) in each exact representation."""
    import pyarrow as pa

    from bk_fast._packed import pack_strings

    name, col = max(((n, c) for n, df in frames.items() for c in df.columns if str(df[c].dtype) == "str"),
                    key=lambda nc: int(frames[nc[0]][nc[1]].memory_usage(deep=True, index=False)))
    s = frames[name][col]
    n = len(s)
    reps = [("`str` (pandas 3 default: pyarrow large_string, 8-byte offsets)", s),
            ("`string[python]` / `object` (a Python str object per row)", s.astype("string[python]")),
            ("`ArrowDtype(pa.string())` (4-byte offsets)", s.astype(pd.ArrowDtype(pa.string()))),
            ("`category`, `str` categories (what the default optimize_memory gives)", s.astype("category")),
            ("`packed_str` (pack=True)", pd.Series(pack_strings(s)))]
    out = ["", f"How each exact representation of `{name}` / `{col}` ({n:,} rows, {s.nunique():,} distinct) is "
           "counted by `memory_usage(deep=True)`:", "", "| representation | bytes | bytes per row | equal to the "
           "read_csv column after astype back |", "|---|---:|---:|---|"]
    for label, rep in reps:
        b = int(rep.memory_usage(deep=True, index=False))
        same = rep.astype(s.dtype).equals(s)
        out.append(f"| {label} | {b:,} | {b / n:.1f} | {same} |")
    return out


def memory_section(folder: Path, scale: float) -> tuple[list[str], str]:
    """The memory target: every export as ``pandas.read_csv`` loads it (pandas 3 defaults), ``optimize_memory``
    default and ``pack=True``, each frame checked to round-trip exactly; per file, per column, and totals."""
    frames = read_csv_frames(folder)
    default, default_columns, cpu_default = memory_reduction(frames)
    packed, columns, cpu_packed = memory_reduction(frames, pack=True)
    obj_frames = read_csv_frames(folder, object_text=True)
    obj_default, _, _ = memory_reduction(obj_frames)
    total_before = int(default["bytes_before"].sum())
    d_after, p_after = int(default["bytes_after"].sum()), int(packed["bytes_after"].sum())
    text_dtype = next(str(df[c].dtype) + " (" + type(df[c].array).__name__ + ")" for df in frames.values()
                      for c in df.columns if df[c].dtype.kind == "O" or str(df[c].dtype) == "str")
    lines = ["", f"## Memory of `write_exports(make_mill(scale={scale:g}))` as `pandas.read_csv` loads it",
             "", f"`memory_usage(deep=True)` including the index; read_csv with its defaults (pandas {pd.__version__}: "
             f"text is `{text_dtype}`); every optimised frame converted back with `astype(original dtypes)` is "
             "`assert_frame_equal(check_exact=True)` to the loaded frame (float bits compared too). "
             f"CPU time of optimize_memory over all files: default {cpu_default:.1f} s, pack=True {cpu_packed:.1f} s.",
             "", "| file | rows | read_csv MB | optimize_memory MB | saved | pack=True MB | saved |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for d, p in zip(default.itertuples(index=False), packed.itertuples(index=False)):
        lines.append(f"| {d.file} | {d.rows:,} | {_mb(d.bytes_before)} | {_mb(d.bytes_after)} | "
                     f"{1 - d.bytes_after / d.bytes_before:.1%} | {_mb(p.bytes_after)} | "
                     f"{1 - p.bytes_after / p.bytes_before:.1%} |")
    lines.append(f"| **all files** | {int(default['rows'].sum()):,} | **{_mb(total_before)}** | {_mb(d_after)} | "
                 f"{1 - d_after / total_before:.1%} | **{_mb(p_after)}** | **{1 - p_after / total_before:.1%}** |")
    obj_before, obj_after = int(obj_default["bytes_before"].sum()), int(obj_default["bytes_after"].sum())
    lines += ["", f"Same files read with pandas 2's `object` text (`future.infer_string=False`, the ERP's frames): "
              f"{_mb(obj_before)} MB -> {_mb(obj_after)} MB with the default optimize_memory "
              f"({1 - obj_after / obj_before:.1%} saved)."]
    lines += storage_lines(frames)
    top = default_columns.sort_values("bytes_after", ascending=False).head(10)
    lines += ["", "Why the default stops near 45 %: the ten largest columns after `optimize_memory(df)` (standard "
              "dtypes only), and what `pack=True` makes of them:", "",
              "| file | column | read_csv bytes | default: dtype, bytes | distinct | pack=True: dtype, bytes |",
              "|---|---|---:|---|---:|---|"]
    packed_by = {(r.file, r.column): r for r in columns.itertuples(index=False)}
    for r in top.itertuples(index=False):
        p = packed_by[(r.file, r.column)]
        distinct = frames[r.file][r.column].nunique(dropna=False)
        lines.append(f"| {r.file} | {r.column} | {r.bytes_before:,} | {r.dtype_after}, {r.bytes_after:,} | "
                     f"{distinct:,} | {p.dtype_after}, {p.bytes_after:,} |")
    lines += ["",
              "", "### Per column, `optimize_memory(df, pack=True)`", "",
              "| file | column | dtype before | dtype after | bytes before | bytes after | change |",
              "|---|---|---|---|---:|---:|---|"]
    for r in columns.itertuples(index=False):
        lines.append(f"| {r.file} | {r.column} | {r.dtype_before} | {r.dtype_after} | {r.bytes_before:,} | "
                     f"{r.bytes_after:,} | {r.change} |")
    summary = (f"memory of the scale-{scale:g} exports as read_csv loads them: {_mb(total_before)} MB -> "
               f"{_mb(p_after)} MB with optimize_memory(pack=True) ({1 - p_after / total_before:.1%} saved; target "
               f">= 70 %), {_mb(d_after)} MB with the default ({1 - d_after / total_before:.1%}); every frame "
               "round-trips exactly")
    return lines, summary


def main(argv=None) -> None:  # pragma: no cover - a measuring script
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--scale", type=float, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "io.md"))
    ap.add_argument("--sections", default="parse,read,memory",
                    help="comma-separated subset of parse,read,memory (default: all)")
    args = ap.parse_args(argv)
    sections = set(args.sections.split(","))
    load = os.getloadavg()
    try:
        import subprocess

        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, check=False).stdout.strip() or "unknown"
    except OSError:  # pragma: no cover
        commit = "unknown"
    lines = ["# bk_fast.io / optimize_memory: measured in one run", "",
             f"Commit {commit}. Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
             f"pandas {pd.__version__}, "
             f"numpy {np.__version__}; load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}. "
             f"Median of {args.repeat} runs, wall and CPU (`time.process_time`) seconds; ratio = baseline / method "
             "(CPU medians; higher is faster than the pandas chain). Reproduce: "
             f"`python -m benchmarks.bench_io --sections {args.sections} --scale {args.scale:g}` "
             "(asv suites in `benchmarks/bench_io.py`).", ""]
    summary = []

    # 1. number parsing
    if "parse" in sections:
        s = money_strings(args.rows)
        small = s.head(min(args.rows, 1_000_000))
        expect = parse_pandas(small).to_numpy(dtype=np.float64)
        rows = []
        base = _timed(lambda: parse_pandas(s), args.repeat)
        rows.append((args.rows, "pandas str.replace + to_numeric", base))
        for engine in ENGINES:
            if not _available(engine):
                continue
            assert np.array_equal(bkio.parse_numbers(small, engine=engine).to_numpy(), expect, equal_nan=True)
            data = s if engine != "numpy" else small
            t = _timed(lambda: bkio.parse_numbers(data, engine=engine), args.repeat if engine != "numpy" else 1)
            rows.append((len(data), f"bk_fast {engine}", t))
            if engine != "numpy":
                summary.append(f"parse_numbers {engine}: {base[1] / t[1]:.1f}x the pandas chain (CPU; wall "
                               f"{base[0] / t[0]:.1f}x) on {args.rows:,} money strings (target >= 5x)")
        small_base = _timed(lambda: parse_pandas(small), args.repeat) if len(small) < args.rows else base
        if len(small) < args.rows:
            rows.append((len(small), "pandas str.replace + to_numeric", small_base))
        rows.append((len(small), "Python loop (apply)", _timed(lambda: parse_loop(small), 1)))
        lines += ["## Parsing money text (`bk_fast.io.parse_numbers`)", "",
                  "| rows | method | wall median (s) | CPU median (s) | speed-up vs pandas chain (CPU) |",
                  "|---:|---|---:|---:|---:|"]
        for n, name, (wall, cpu) in rows:
            ref = base if n == args.rows else small_base  # each row against the pandas chain on the same rows
            lines.append(f"| {n:,} | {name} | {wall:.3f} | {cpu:.3f} | {ref[1] / cpu:.1f}x |")
        # full-precision floats (what to_csv writes): about half are beyond the kernels' exact fast path
        x = np.random.default_rng(1).normal(size=len(small)) * 1000.0
        full = pd.Series([repr(v) for v in x.tolist()], dtype="str")
        fbase = _timed(lambda: parse_pandas(full), args.repeat)
        lines += ["", "Full-precision floats (`repr`, 17 significant digits; the rows beyond the exact fast path "
                  "are resolved in bulk with Python's `float`):", "",
                  "| rows | method | wall median (s) | CPU median (s) | speed-up vs pandas chain (CPU) |",
                  "|---:|---|---:|---:|---:|",
                  f"| {len(full):,} | pandas str.replace + to_numeric | {fbase[0]:.3f} | {fbase[1]:.3f} | 1.0x |"]
        for engine in ("cython", "numba"):
            if _available(engine):
                assert np.array_equal(bkio.parse_numbers(full, engine=engine).to_numpy(), x)
                wall, cpu = _timed(lambda: bkio.parse_numbers(full, engine=engine), args.repeat)
                lines.append(f"| {len(full):,} | bk_fast {engine} | {wall:.3f} | {cpu:.3f} | {fbase[1] / cpu:.1f}x |")
        print("\n".join(lines), flush=True)

    # 2. whole exports
    folder = export_folder(args.scale)
    if "read" in sections:
        lines += ["", f"## Reading `write_exports(make_mill(scale={args.scale:g}))` "
                  f"(all {len(list(folder.glob('*.csv')))} files)", "",
                  "| scale | method | wall median (s) | CPU median (s) | speed-up vs read_csv + ERP cleaning (CPU) |",
                  "|---:|---|---:|---:|---:|"]
        erp = _timed(lambda: erp_load(folder), args.repeat)
        lines.append(f"| {args.scale:g} | pandas.read_csv + ERP cleaning | {erp[0]:.2f} | {erp[1]:.2f} | 1.0x |")
        for engine in ("cython", "numba"):
            if not _available(engine):
                continue
            bkio.parse_numbers(["1"], engine=engine)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = _timed(lambda: bkio.read_exports(folder, engine=engine), args.repeat)
                t_raw = _timed(lambda: bkio.read_exports(folder, engine=engine, optimize=False), args.repeat)
            lines.append(f"| {args.scale:g} | bk_fast.io.read_exports ({engine}, optimised) | {t[0]:.2f} | "
                         f"{t[1]:.2f} | {erp[1] / t[1]:.1f}x |")
            lines.append(f"| {args.scale:g} | bk_fast.io.read_exports ({engine}, optimize=False) | {t_raw[0]:.2f} | "
                         f"{t_raw[1]:.2f} | {erp[1] / t_raw[1]:.1f}x |")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = bkio.read_exports(folder)
        mb = sum(int(f.memory_usage(deep=True).sum()) for f in ours.values())
        lines += ["", f"`read_exports` frames (numbers and dates parsed, default optimize_memory): {_mb(mb)} MB."]
        print("\n".join(lines[-8:]), flush=True)

    # 3. memory
    if "memory" in sections:
        mem, mem_summary = memory_section(folder, args.scale)
        lines += mem
        summary.append(mem_summary)
        print("\n".join(mem), flush=True)
    lines[1:1] = ["", "**Targets (issue 8):**", ""] + [f"- {x}" for x in summary]
    print("\n".join(["", "Targets:"] + summary), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()

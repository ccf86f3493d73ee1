"""The bk-fast command: info and demo run and print what they promise."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from bk_fast.cli import main


def test_info(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "bk_fast 0.1.0" in out
    for engine in ("cython", "numba", "numpy"):
        assert f"  {engine}" in out
    assert "planning_balance" in out and "cores:" in out


def test_demo_small_mill(capsys):
    assert main(["demo", "--scale", "0.05", "--engine", "numpy", "--no-compare"]) == 0
    out = capsys.readouterr().out
    assert "Yarn shortage risk" in out
    assert "time per step" in out
    assert "report from the numpy engine" in out


def test_demo_compares_engines(capsys):
    from bk_fast._engine import ENGINES, engine_status

    assert main(["demo", "--scale", "0.01"]) == 0
    out = capsys.readouterr().out
    header = out.split("== time per step")[1].splitlines()[1]
    assert "inventory" in out.split("== time per step")[1]
    for engine in ENGINES:
        if engine_status(engine).available:
            assert engine in header


def test_bad_engine_is_an_argparse_error():
    with pytest.raises(SystemExit):
        main(["demo", "--engine", "gpu"])


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "bk_fast.cli", "info", "--short"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("bk_fast ")


def test_load_and_demo_from_exports(tmp_path, capsys):
    from bk_fast.datasets import make_mill, write_exports

    write_exports(make_mill(scale=0.03, seed=2), tmp_path)
    assert main(["load", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "knit_orders" in out and "yarn_inventory" in out and "% saved" in out
    assert main(["demo", "--from", str(tmp_path), "--engine", "numpy", "--no-compare"]) == 0
    out = capsys.readouterr().out
    assert f"ERP exports in {tmp_path}" in out and "Yarn shortage risk" in out


def test_load_missing_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["load", str(tmp_path / "nope")]) == 2
    assert "bk-fast: error:" in capsys.readouterr().err


def test_demo_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "gantt.png"
    assert main(["demo", "--scale", "0.02", "--engine", "numpy", "--no-compare", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------------------------------------
# review follow-ups: each failed before its fix


@pytest.fixture
def fresh_engines():
    """Forget probed engines before and after (tests that fake a missing engine through the environment)."""
    from bk_fast._engine import _reset_for_tests

    _reset_for_tests()
    yield
    _reset_for_tests()


def test_demo_table_prints_whole_number_ids_as_integers(capsys):
    import pandas as pd

    from bk_fast.cli import _print_table

    # the schedule's machine column is float64 (knit orders without a machine are NaN): 169.0 printed "169.00"
    _print_table(pd.DataFrame({"job": ["K1", "K2"], "machine": [169.0, 1234.0], "Desc#": [18767.0, 19003.0],
                               "suggested_machine": [float("nan"), 12.0], "qty": [1234.5, 2.0]}))
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["K1", "169", "18767", "<NA>", "1,234.50"]
    assert lines[2].split() == ["K2", "1234", "19003", "12", "2.00"]


def test_demo_from_exports_missing_some_kinds(tmp_path, capsys):
    from bk_fast.datasets import make_mill, write_exports

    written = write_exports(make_mill(scale=0.03, seed=2), tmp_path)
    written["yarn_po"].unlink()  # a folder without the PO export crashed with KeyError: 'yarn_po'
    assert main(["demo", "--from", str(tmp_path), "--engine", "numpy", "--no-compare"]) == 0
    out = capsys.readouterr().out
    assert "Yarn shortage risk" in out and "no yarn_po export" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["demo", "--from", str(empty), "--engine", "numpy", "--no-compare"]) == 2
    assert "no ERP exports" in capsys.readouterr().err


def test_load_empty_folder_and_bad_engine_setting(tmp_path, capsys, monkeypatch):
    from bk_fast.datasets import make_mill, write_exports

    assert main(["load", str(tmp_path)]) == 2  # printed pandas' "Empty DataFrame" and exited 0
    assert "no ERP exports" in capsys.readouterr().err
    write_exports(make_mill(scale=0.01, seed=2), tmp_path)
    monkeypatch.setenv("BK_FAST_ENGINE", "gpu")  # every file was skipped with a warning, exit 0
    assert main(["load", str(tmp_path)]) == 2
    assert "BK_FAST_ENGINE" in capsys.readouterr().err


def test_info_lists_engines_when_the_default_engine_is_missing(capsys, monkeypatch, fresh_engines):
    monkeypatch.setenv("BK_FAST_DISABLE_NUMBA", "1")
    monkeypatch.setenv("BK_FAST_ENGINE", "numba")
    assert main(["info"]) == 2  # stopped after the version line, without the engine list
    captured = capsys.readouterr()
    assert "numba   unavailable disabled by BK_FAST_DISABLE_NUMBA" in captured.out
    assert "kernels: " in captured.out and "numpy   available" in captured.out
    assert "'numba' is not available" in captured.err


def test_negative_seed_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--seed", "-1"])
    assert "--seed" in capsys.readouterr().err  # was "bk-fast: error: expected non-negative integer"


@pytest.mark.parametrize("scale", ["-1", "0", "nan", "inf", "big"])
def test_bad_scale_is_an_argparse_error_before_the_demo_starts(capsys, scale):
    with pytest.raises(SystemExit):
        main(["demo", "--scale", scale])
    captured = capsys.readouterr()
    assert "--scale" in captured.err and "positive finite number" in captured.err
    assert "demo:" not in captured.out  # (the demo's banner was printed before the error)


def test_demo_plot_path_checked_before_the_demo_runs(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    import bk_fast.datasets

    def no_mill(*a, **k):
        raise AssertionError("the demo ran before the bad --plot path was noticed")

    monkeypatch.setattr(bk_fast.datasets, "make_mill", no_mill)
    for bad, words in ((tmp_path / "nope" / "g.png", "no such folder"), (tmp_path, "is a folder"),
                       (tmp_path / "g.xyz", "xyz")):
        assert main(["demo", "--engine", "numpy", "--no-compare", "--plot", str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("bk-fast: error: --plot") and words in err, err
    assert list(tmp_path.iterdir()) == []  # the write probe leaves nothing behind


def test_demo_plot_written_exactly_where_asked(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "gantt"  # no suffix: matplotlib wrote gantt.png and the CLI said it wrote gantt
    assert main(["demo", "--scale", "0.02", "--engine", "numpy", "--no-compare", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "gantt.png").exists()
    assert f"to {png}" in capsys.readouterr().out


def test_closed_stdout_exits_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "bk_fast.cli", "info"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # like `bk-fast info | head -0`: "bk-fast: error: [Errno 32] Broken pipe"
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert err == ""


def test_demo_plot_from_exports_without_knit_orders(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from bk_fast.datasets import make_mill, write_exports

    folder = tmp_path / "exports"
    folder.mkdir()
    written = write_exports(make_mill(scale=0.02, seed=2), folder)
    for kind in ("knit_orders", "bom", "yarn_inventory", "yarn_po"):
        written[kind].unlink()
    png = tmp_path / "gantt.png"  # crashed with KeyError: 'knit_orders' (a traceback) after the report
    assert main(["demo", "--from", str(folder), "--engine", "numpy", "--no-compare", "--plot", str(png)]) == 2
    captured = capsys.readouterr()
    assert "== scheduling: skipped, the exports have no knit_orders export ==" in captured.out
    assert captured.err.startswith("bk-fast: error: --plot") and "no knit_orders export" in captured.err
    assert not png.exists()


def test_interrupt_exits_130_without_traceback(monkeypatch, capsys):
    from bk_fast import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_info", interrupted)
    assert cli.main(["info"]) == 130
    assert capsys.readouterr().err.strip() == "bk-fast: interrupted"


def test_demo_explicit_engine_is_the_engine_of_every_step(monkeypatch, capsys):
    from bk_fast import _demo, _engine

    # `--engine numpy` ran parts of the steps (BOM.from_frame inside yarn_requirements, allocate_knit_orders,
    # the netting step) on the default engine: with BK_FAST_ENGINE=gpu the demo failed half-way (exit 2)
    # although an engine was given, and the numpy column of the time table included cython work
    monkeypatch.setenv("BK_FAST_ENGINE", "gpu")
    assert main(["demo", "--scale", "0.02", "--engine", "numpy", "--no-compare"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    # (no step skipped; without pyarrow the memory step says its pack=True column is: bk_fast[pack])
    assert "skipped" not in out.replace("pack=True skipped: it needs pyarrow", "") and "time per step" in out
    seen = []

    def probe(mill, engine):
        seen.append((engine, _engine.get_engine()))
        return _demo.DemoReport("probe", ["ok"])

    monkeypatch.delenv("BK_FAST_ENGINE")
    monkeypatch.setattr(_demo, "steps", lambda: [("bk_fast.probe", probe)])
    assert main(["demo", "--scale", "0.01", "--engine", "numpy"]) == 0
    assert seen and all(engine == inner for engine, inner in seen), seen
    assert {engine for engine, _ in seen} == {e for e in _engine.ENGINES if _engine.engines()[e].available}


def test_bench_engine_calls_run_on_that_engine_and_bad_setting_fails_fast(monkeypatch, capsys):
    from bk_fast import _engine, bench

    seen = []

    def factory():
        return [bench.Case("zz_probe", "probe", inputs=lambda mill: None,
                           run=lambda d, e: seen.append((e, _engine.get_engine())), baselines={},
                           rows=lambda d: 1)]

    monkeypatch.setitem(bench.CAPABILITIES, "zz_probe", factory)
    bench.run(["zz_probe"], ["numpy"], scales=[0.01], repeat=2, budget=0.01, progress=False)
    assert seen and all(inner == "numpy" for _, inner in seen), seen  # was the default engine ("auto")

    def no_run(*a, **k):
        raise AssertionError("the benchmarks ran before the bad BK_FAST_ENGINE was noticed")

    monkeypatch.setattr(bench, "run", no_run)
    monkeypatch.setenv("BK_FAST_ENGINE", "gpu")  # every bom case was an "error: building inputs" row, exit 1
    assert main(["bench", "--quick", "--kernels", "bom", "--engines", "numpy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bk-fast: error:") and "BK_FAST_ENGINE" in err and len(err.splitlines()) == 1


def test_warnings_are_one_line_messages(tmp_path, capsys):
    from bk_fast.datasets import make_mill, write_exports

    write_exports(make_mill(scale=0.01, seed=2), tmp_path)
    (tmp_path / "notes.csv").write_text("hello,world\n")
    # printed as "/…/bk_fast/io.py:1326: UserWarning: skipped notes.csv: …" plus the io.py source line
    assert main(["load", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("bk-fast: warning: skipped notes.csv:") and len(err.splitlines()) == 1, err
    assert "io.py" not in err and "read_exports(" not in err


def test_help_names_what_the_options_take(capsys):
    # bench --engines also takes the baselines pandas / loop and --kernels case names (README), the help
    # said neither; load's folder and --engine had no help at all
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "baselines (pandas, loop)" in out and "case names (yarn_risk)" in out
    with pytest.raises(SystemExit):
        main(["load", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "folder of ERP exports" in out and "engine that parses" in out


# ---- demo --from on real, messy exports (a first-hour audit: each of these was a traceback or a wrong line) ----


def _exports(tmp_path, change=None, name="exports"):
    from bk_fast.datasets import make_mill, write_exports

    mill = make_mill(scale=0.05, seed=1)
    if change is not None:
        change(mill)
    folder = tmp_path / name
    write_exports(mill, folder)
    return folder


def _shift_dates(weeks):
    def change(mill):
        shift = pd.Timedelta(weeks=weeks)
        ko = mill["knit_orders"]
        mill["knit_orders"] = ko.assign(**{c: ko[c] + shift for c in ("Start Date", "Quoted Date")})
        so = mill["sales_orders"]
        mill["sales_orders"] = so.assign(**{"Ship Date": so["Ship Date"] + shift})
        mill["yarn_po"] = mill["yarn_po"].rename(
            columns=lambda c: f"Week {(pd.Timestamp(c[5:]) + shift).date().isoformat()}" if c.startswith("Week ")
            else c)
    return change


@pytest.mark.parametrize("kind, column", [("yarn_inventory", "Description"), ("knit_orders", "Quoted Date"),
                                          ("yarn_po", "This Week"), ("knit_orders", "Start Date")])
def test_demo_from_exports_without_an_optional_column_runs_the_other_steps(tmp_path, capsys, kind, column):
    folder = _exports(tmp_path, lambda mill: mill.update({kind: mill[kind].drop(columns=[column])}))
    assert main(["demo", "--from", str(folder), "--engine", "numpy", "--no-compare"]) == 0
    out = capsys.readouterr().out
    assert "Traceback" not in out
    failed = [line.strip("= ").split(":")[0] for line in out.splitlines()
              if line.startswith("== ") and "could not run on these exports" in line]
    assert set(failed) <= {"netting", "compat"}, failed  # the steps that need the column say so, the others run
    assert "== Yarn shortage risk" in out and "== Knit-machine schedule" in out and "== Allocation" in out
    if failed:
        assert f"{len(failed)} of 9 steps could not run on these exports: {', '.join(failed)}" in out


def test_demo_from_exports_of_another_week_plans_from_their_own_date(tmp_path, capsys):
    # the steps used the synthetic mill's 2025-09-01 on every folder: exports made 8 weeks later crashed the
    # netting step (the PO week columns it named were not there) and scheduled 8 weeks early (0 late, not 3)
    reports = []
    for name, change in (("base", None), ("later", _shift_dates(8))):
        assert main(["demo", "--from", str(_exports(tmp_path, change, name)), "--engine", "numpy",
                     "--no-compare"]) == 0
        reports.append(capsys.readouterr().out)
    base, later = reports
    assert "planning date (today): 2025-09-01 (the week before yarn_po's first dated week" in base
    assert "planning date (today): 2025-10-27 (the week before yarn_po's first dated week" in later
    assert "could not run" not in base + later

    def lines(out, marker):
        return [line.strip() for line in out.splitlines() if marker in line]

    for marker in ("late, worst", "yarns go short within 8 weeks", "knit orders exploded by start week"):
        assert lines(base, marker) == lines(later, marker), marker


def test_demo_today_option(tmp_path, capsys):
    assert main(["demo", "--scale", "0.02", "--engine", "numpy", "--no-compare", "--today", "2025-09-08"]) == 0
    assert "planning date (today): 2025-09-08 (--today)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["demo", "--today", "someday"])
    assert "--today" in capsys.readouterr().err


def test_demo_from_exports_with_empty_rows_and_text_ids(tmp_path, capsys):
    folder = _exports(tmp_path)
    inv = folder / "yarn_inventory.csv"
    inv.write_bytes(inv.read_bytes() + b",,,,,,,,,,,,\n" * 2)  # the ERP's trailing empty rows
    assert main(["demo", "--from", str(folder), "--engine", "numpy", "--no-compare"]) == 0
    out = capsys.readouterr().out
    assert "60 yarns (and 2 rows without a Desc#)" in out  # ("62 yarns"; then netting stopped the demo)
    assert "could not run" not in out
    exploded = next(line for line in out.splitlines() if "knit orders exploded" in line)
    assert exploded.strip().startswith("10 of 10 knit orders exploded")


def test_load_on_a_file_says_it_is_no_folder(tmp_path, capsys):
    folder = _exports(tmp_path)
    assert main(["load", str(folder / "BOM.csv")]) == 2
    assert "is a file, not a folder of exports" in capsys.readouterr().err


def test_exports_date_reads_us_dated_weeks():
    """yarn_po's 'Week 9/8/2025' columns (which allocate_knit_orders and yarn_demand_report read) were not
    seen by the demo's planning date, which fell back to today (dates audit)."""
    from bk_fast._demo import exports_date

    po = pd.DataFrame(columns=["Desc#", "This Week", "Week 9/15/2025", "Week 9/8/2025"])
    assert exports_date({"yarn_po": po})[0] == pd.Timestamp("2025-09-01")
    po = pd.DataFrame(columns=["Desc#", "This Week", "Week 9/15/25", "Week 9/8/25"])
    assert exports_date({"yarn_po": po})[0] == pd.Timestamp("2025-09-01")

    # a week column dated another day than Monday: still the Monday of the week before (was that day - 7 days,
    # a Wednesday for "Week 2025-09-10"; README audit)
    po = pd.DataFrame(columns=["Desc#", "This Week", "Week 2025-09-10", "Week 2025-09-17"])
    assert exports_date({"yarn_po": po})[0] == pd.Timestamp("2025-09-01")
    # without a yarn_po export at all the note said "yarn_po has no dated week columns"
    assert exports_date({})[1] == "today's date (no yarn_po export)"
    assert exports_date({"yarn_po": po[["Desc#"]]})[1] == "today's date (yarn_po has no dated week columns)"


# ---------------------------------------------------------------------------------------------------------
# audit of the cli/bench: each failed before its fix


def test_demo_today_with_a_time_zone_is_refused(capsys):
    # was accepted, then the netting step raised "Cannot subtract tz-naive and tz-aware" (traceback, exit 1)
    for text in ("2025-09-01T00:00+02:00", "2025-09-01 00:00:00-05:00"):
        with pytest.raises(SystemExit) as exc:
            main(["demo", "--scale", "0.01", "--engine", "numpy", "--no-compare", "--today", text])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert "argument --today" in err and "without a time zone" in err and text in err, err
    from bk_fast.cli import _date

    assert _date("2025-09-08T14:30") == _date("2025-09-08") == pd.Timestamp("2025-09-08")  # the planning day


@pytest.fixture
def small_phase3(monkeypatch):
    """The compat demo step's second data set (10^5 Phase-3 rows) at 300 rows: the step in a fraction of a
    second."""
    from bk_fast.compat import _demo

    real = _demo.phase3_frames
    monkeypatch.setattr(_demo, "phase3_frames", lambda n, seed: real(300, seed=seed))


@pytest.mark.parametrize("kind, summary", [
    ("bom", "mill: 0 knit-order x yarn lines over 0 yarns; none to allocate"),
    ("knit_orders", "mill: 0 knit-order x yarn lines over 0 yarns; none to allocate"),
    ("yarn_inventory", "yarn lines over 10 yarns; no yarn in the inventory export: none allocated")])
def test_compat_demo_step_on_an_export_with_a_header_and_no_rows(small_phase3, kind, summary):
    # an empty bom / yarn_inventory: "a column it reads is missing: can_fulfill" (the contract's allocation
    # returns pd.DataFrame() for an empty input); an empty knit_orders: "TypeError: operation 'truediv' not
    # supported for dtype 'str'" (mill_frames divided the empty text Series of rates by 8)
    from bk_fast.compat._demo import demo_step, mill_frames
    from bk_fast.datasets import make_mill

    mill = make_mill(scale=0.02, seed=0)
    mill[kind] = mill[kind].iloc[:0]
    frames = mill_frames(mill)
    assert frames["work_orders"]["production_rate"].dtype == "float64"
    report = demo_step(mill, "numpy")
    assert summary in report.lines[0], report.lines
    assert len(report.table) == 10  # every drop-in ran on both data sets


@pytest.mark.parametrize("day", ["9999-12-31", "2262-04-11", "1677-09-22", "3000-01-01", "0001-01-01",
                                 "1899-12-31", "2201-01-01"])
def test_demo_today_outside_the_steps_date_range_is_an_argparse_error(day, capsys):
    # was accepted by _date: the netting / compat steps then crashed with a traceback (NotImplementedError
    # "outside the range", OverflowError; exit 1), or the run ended "Cannot cast ... to unit=ns" not naming --today
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--scale", "0.01", "--engine", "numpy", "--no-compare", "--today", day])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --today" in err and "from 1900-01-01 to 2200-12-31" in err and day in err, err


@pytest.mark.parametrize("text", ["2025", "2025-09", "Sep 2025"])
def test_demo_today_naming_no_day_is_an_argparse_error(text, capsys):
    # a bare year was silently the planning date 2025-01-01 (a year-month its first day)
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--scale", "0.01", "--engine", "numpy", "--no-compare", "--today", text])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --today" in err and "names no day" in err and repr(text) in err, err
    from bk_fast.cli import _date

    assert _date("20250908") == _date("9/8/25") == _date("Sept 8 2025") == pd.Timestamp("2025-09-08")


@pytest.mark.slow
@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
def test_demo_runs_every_step_at_both_ends_of_the_today_range(small_phase3, day, capsys):
    assert main(["demo", "--scale", "0.01", "--engine", "numpy", "--no-compare", "--today", day]) == 0
    out = capsys.readouterr().out
    assert f"planning date (today): {day} (--today)" in out and "could not run" not in out


# ---- audit (lots / memory / cli) --------------------------------------------------------------------------------


def test_demo_scale_too_large_is_a_clear_error_not_a_traceback(capsys, monkeypatch):
    # `demo --scale 1e9` ended in a MemoryError traceback from make_mill (exit 1): every other bad argument gets
    # "bk-fast: error: ..." naming it, exit 2. A scale above the documented bound is refused before the demo
    # starts; a MemoryError at an allowed scale is one line naming --scale, exit 2
    from bk_fast import cli, datasets

    for scale in ("1e9", "1000.5"):
        with pytest.raises(SystemExit) as exc:
            main(["demo", "--scale", scale, "--no-compare"])
        assert exc.value.code == 2
        captured = capsys.readouterr()
        assert "argument --scale" in captured.err and "at most 1000" in captured.err and repr(scale) in captured.err
        assert "demo:" not in captured.out
    assert cli._scale("1000") == 1000.0

    def out_of_memory(scale, seed):
        raise MemoryError

    monkeypatch.setattr(datasets, "make_mill", out_of_memory)
    assert main(["demo", "--scale", "900", "--engine", "numpy", "--no-compare"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bk-fast: error: out of memory") and "--scale 900" in err and "Traceback" not in err


def test_demo_no_progress(monkeypatch, capsys):
    # the demo's bar could not be turned off (and showed only on a terminal): --no-progress turns it off, the
    # default follows the package's rule (BK_FAST_PROGRESS=1 on anywhere, 0 off); a step's own read_erp draws
    # no second bar beside the demo's
    from bk_fast import _demo
    from bk_fast.io import read_erp

    def step(mill, engine):
        read_erp(b"Desc#,Planning Balance\n1,2\n")  # (a bar under BK_FAST_PROGRESS=1 outside the demo)
        return _demo.DemoReport("probe", ["ok"])

    monkeypatch.setattr(_demo, "steps", lambda: [("bk_fast.probe", step)])
    monkeypatch.setenv("BK_FAST_PROGRESS", "1")
    args = ["demo", "--scale", "0.01", "--engine", "numpy", "--no-compare"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "1/1" in err and "probe [numpy]" in err and "%" not in err
    assert main([*args, "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("BK_FAST_PROGRESS", "0")
    assert main(args) == 0
    assert capsys.readouterr().err == ""


def test_bench_is_an_attribute_of_the_package():
    # bk_fast.bench was not reachable after `import bk_fast` (io, erp, datasets were): it is in the lazy table
    import bk_fast

    assert "bench" in bk_fast.__all__ and "bench" in dir(bk_fast)
    assert bk_fast.__getattr__("bench") is sys.modules["bk_fast.bench"]
    out = subprocess.run([sys.executable, "-c", "import bk_fast; print(callable(bk_fast.bench.run))"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"

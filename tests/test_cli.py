"""The bk-fast command: info and demo run and print what they promise."""

from __future__ import annotations

import subprocess
import sys

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

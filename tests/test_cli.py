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


def test_demo_compares_engines(capsys, engine):
    assert main(["demo", "--scale", "0.02", "--engine", engine]) == 0
    out = capsys.readouterr().out
    table = out.split("== time per step")[1]
    assert "inventory" in table and engine in table


def test_bad_engine_is_an_argparse_error():
    with pytest.raises(SystemExit):
        main(["demo", "--engine", "gpu"])


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "bk_fast.cli", "info", "--short"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("bk_fast ")

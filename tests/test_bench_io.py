"""Quick pytest-benchmark runs of the io / memory suites (smoke tests with --benchmark-disable in CI); the
baselines are checked to give the answers they are compared with."""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

import bk_fast  # noqa: E402
from benchmarks import bench_io as bi  # noqa: E402

from _optional import needs  # noqa: E402

ROWS = 20_000


@pytest.fixture(scope="module")
def money():
    return bi.money_strings(ROWS, seed=3)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from bk_fast.datasets import make_mill, write_exports

    path = tmp_path_factory.mktemp("bench_io")
    write_exports(make_mill(scale=0.2, seed=1), path)
    return path


def test_baselines_give_the_same_numbers(money):
    want = bk_fast.io.parse_numbers(money, engine="numpy").to_numpy()
    np.testing.assert_array_equal(bi.parse_pandas(money).to_numpy(dtype=np.float64), want)
    np.testing.assert_array_equal(bi.parse_loop(money).to_numpy(dtype=np.float64), want)
    assert money.str.startswith("(").any() and money.str.contains(",").any() and (money == "").any()


def test_erp_loader_baseline_reads_the_same_values(folder):
    erp = bi.erp_load(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = bk_fast.io.read_exports(folder, optimize=False)
    inv_erp, inv = erp["yarn_inventory"], ours["yarn_inventory"]
    for col in ("Beginning Balance", "Allocated", "Total Cost"):
        np.testing.assert_array_equal(inv_erp[col].to_numpy(dtype=np.float64), inv[col].to_numpy())
    np.testing.assert_array_equal(erp["BOM"]["BOM_Percentage"].to_numpy(), ours["bom"]["BOM_Percentage"].to_numpy())


@pytest.fixture(scope="module")
def parsed(money):
    """The numpy engine's parse of the money strings: what every timed parse must return."""
    return bk_fast.io.parse_numbers(money, engine="numpy")


def test_bench_parse_numbers(benchmark, engine, money, parsed):
    bk_fast.io.parse_numbers(money.head(5), engine=engine)
    out = benchmark(bk_fast.io.parse_numbers, money, engine=engine)
    pd.testing.assert_series_equal(out, parsed, check_exact=True)


@pytest.mark.parametrize("baseline", ["pandas", "loop"])
def test_bench_parse_baseline(benchmark, baseline, money, parsed):
    run = {"pandas": bi.parse_pandas, "loop": bi.parse_loop}[baseline]
    out = benchmark(run, money)
    np.testing.assert_array_equal(out.to_numpy(dtype=np.float64), parsed.to_numpy(), strict=True)


def test_bench_read_exports(benchmark, fast_engine, folder):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = benchmark(bk_fast.io.read_exports, folder, engine=fast_engine)
        want = bk_fast.io.read_exports(folder, engine="numpy")
    assert "bom" in frames and len(frames["bom"]) > 0
    assert frames.keys() == want.keys()
    for name, frame in want.items():
        pd.testing.assert_frame_equal(frames[name], frame, check_exact=True, obj=name)


def test_bench_erp_loader(benchmark, folder):
    assert "BOM" in benchmark(bi.erp_load, folder)


def test_bench_optimize_memory(benchmark, folder):
    df = pd.read_csv(folder / "BOM.csv")
    small, report = benchmark(bk_fast.optimize_memory, df)
    assert report.bytes_after < report.bytes_before


@needs("pyarrow")  # (the section reports pack=True)
def test_memory_section_round_trips_and_reports_every_column(folder):
    frames = bi.read_csv_frames(folder)
    table, columns, cpu = bi.memory_reduction(frames, pack=True)  # asserts the exact round trip of every frame
    assert len(table) == len(frames) and cpu >= 0
    assert len(columns) == sum(df.shape[1] for df in frames.values())
    assert (table["bytes_after"] < table["bytes_before"]).all()
    lines, summary = bi.memory_section(folder, 0.2)
    assert any(line.startswith("| **all files**") for line in lines) and "pack=True" in summary

"""Smoke tests of ``bk-fast bench`` on a tiny subset (tiny mill scales, few runs), and checks that the
baselines the runner times compute the same thing as the engines they are compared with."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bk_fast import bench
from bk_fast.cli import main
from bk_fast.datasets import make_mill

TINY = (0.05, 0.1)


@pytest.fixture
def tiny_scales(monkeypatch):
    monkeypatch.setattr(bench, "QUICK_SCALES", TINY)


def test_cli_quick_table_json_png(tiny_scales, tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("BK_FAST_PROGRESS", "1")
    out_json, out_png = tmp_path / "bench.json", tmp_path / "bench.png"
    rc = main(["bench", "--quick", "--kernels", "yarn_risk", "segments", "--engines", "numpy", "pandas",
               "loop", "--json", str(out_json), "--plot", str(out_png)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    # the table: header, both cases at both scales, engines and baselines, ratio columns
    lines = captured.out.splitlines()
    header = next(line for line in lines if line.split()[:2] == ["case", "scale"])
    assert header.split() == ["case", "scale", "rows", "method", "median", "vs", "pandas", "vs", "loop"]
    for case in ("inventory.yarn_risk", "segments.segmented_cumsum"):
        for scale in ("0.05", "0.1"):
            methods = {line.split()[3] for line in lines if line.split()[:2] == [case, scale]}
            assert methods == {"numpy", "pandas", "loop"}, (case, scale, methods)
    pandas_rows = [line for line in lines if line.split()[3:4] == ["pandas"]]
    assert pandas_rows and all("1.0x" in line for line in pandas_rows)  # pandas vs itself
    assert "wrote " + str(out_json) in captured.out and "wrote " + str(out_png) in captured.out
    # the progress bar went to stderr
    assert "[" in captured.err and f"/{2 * 2 * 3}" in captured.err

    data = json.loads(out_json.read_text())
    assert data["quick"] is True and data["scales"] == list(TINY)
    recs = data["results"]
    assert len(recs) == 2 * 2 * 3 and all(r["status"] == "ok" for r in recs)
    for r in recs:
        assert r["median_s"] > 0 and r["runs_s"] and r["median_s"] == pytest.approx(np.median(r["runs_s"]))
        assert r["rows"] > 0
        if r["method"] == "pandas":
            assert r["speedup_vs"]["pandas"] == pytest.approx(1.0)
        else:
            base = next(b for b in recs if b["case"] == r["case"] and b["scale"] == r["scale"]
                        and b["method"] == "pandas")
            assert r["speedup_vs"]["pandas"] == pytest.approx(base["median_s"] / r["median_s"])
    rows = {(r["case"], r["scale"]): r["rows"] for r in recs}
    assert rows[("segments.segmented_cumsum", 0.1)] > rows[("segments.segmented_cumsum", 0.05)]
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out_png.stat().st_size > 10_000


def test_unknown_names_are_errors(capsys):
    assert main(["bench", "--quick", "--kernels", "no_such_thing"]) == 2
    assert "unknown --kernels no_such_thing" in capsys.readouterr().err
    assert main(["bench", "--quick", "--kernels", "yarn_risk", "--engines", "fortran"]) == 2
    assert "unknown --engines fortran" in capsys.readouterr().err


def test_blank_names_are_errors_not_an_empty_selection(capsys):
    """A blank name (`--kernels "$UNSET"`) selected nothing: load_cases([""]) returned no case and no error, so
    the CLI built the mills and printed an empty table, exit 0; `--engines ""` timed no engine at all."""
    for blank in ([""], ["  "]):
        with pytest.raises(ValueError, match=r"^unknown --kernels ''; capabilities: "):
            bench.load_cases(blank)
        with pytest.raises(ValueError, match=r"^unknown --kernels ''; capabilities: "):
            bench.load_cases(["yarn_risk", *blank])
        with pytest.raises(ValueError, match=r"^unknown --engines ''; engines: "):
            bench._engine_list(blank)
        with pytest.raises(ValueError, match=r"^unknown --engines ''; engines: "):
            bench._engine_list(["numpy", *blank])
    assert main(["bench", "--quick", "--kernels", ""]) == 2
    assert "unknown --kernels ''" in capsys.readouterr().err
    assert main(["bench", "--quick", "--kernels", "yarn_risk", "--engines", ""]) == 2
    assert "unknown --engines ''" in capsys.readouterr().err
    # names with spaces around them are still those names
    assert [c.key for c in bench.load_cases([" yarn_risk "])[0]] == ["inventory.yarn_risk"]
    assert bench._engine_list([" numpy ", "pandas"]) == (["numpy"], {"pandas"})


def test_capability_that_fails_to_import_is_skipped(monkeypatch):
    def broken():
        raise ImportError("module still landing")

    monkeypatch.setitem(bench.CAPABILITIES, "zz_broken", broken)
    cases, skipped = bench.load_cases(None)
    assert skipped.get("zz_broken") == "ImportError: module still landing"
    assert {c.capability for c in cases} >= {"inventory", "segments"}
    result = bench.run(["yarn_risk", "zz_broken"], ["numpy"], scales=[0.05], repeat=2, progress=False)
    assert result["skipped_capabilities"] == {"zz_broken": "ImportError: module still landing"}
    assert {r["method"] for r in result["results"]} == {"numpy", "pandas", "loop"}


def test_slow_baseline_capped_by_scale():
    case = bench.load_cases(["yarn_risk"])[0][0]
    assert case.max_scale["loop"] == 1
    result = bench.run(["yarn_risk"], ["numpy"], scales=[2.0], repeat=2, budget=0.01, progress=False)
    loop = next(r for r in result["results"] if r["method"] == "loop")
    assert loop["status"].startswith("skipped") and loop["median_s"] is None
    assert "loop" not in set(bench.table(result)["method"])


def test_markdown_table():
    result = bench.run(["yarn_risk"], ["numpy"], scales=[0.05], repeat=2, progress=False)
    md = bench.markdown(result).splitlines()
    assert md[0] == "| case | scale | rows | method | median | vs pandas | vs loop |"
    assert md[1].startswith("|---|---:|") and len(md) == 2 + 3


# ---------------------------------------------------------------------------------------------------------
# the baselines answer the same question as the engines


@pytest.fixture(scope="module")
def small_mill():
    return make_mill(scale=0.2, seed=1)


def _case(key):
    cases, skipped = bench.load_cases([key])
    if not cases:
        pytest.skip(f"{key}: {skipped}")
    return cases[0]


def test_baselines_equal_engine_yarn_risk(small_mill):
    case = _case("yarn_risk")
    data = case.inputs(small_mill)
    got = case.run(data, "numpy")
    for name in ("pandas", "loop"):
        base = case.baselines[name](data)
        for col in ("planning_balance", "shortage", "weekly_demand", "weeks_of_supply"):
            np.testing.assert_allclose(base[col].to_numpy(), got[col].to_numpy(), rtol=1e-12, err_msg=name)
        assert (base["risk"].astype(str).to_numpy() == got["risk"].astype(str).to_numpy()).all()


def test_baselines_equal_engine_segmented_cumsum(small_mill):
    case = _case("segmented_cumsum")
    data = case.inputs(small_mill)
    got = np.asarray(case.run(data, "numpy"), dtype=float)
    np.testing.assert_allclose(case.baselines["pandas"](data).to_numpy(), got, rtol=1e-12)
    np.testing.assert_allclose(np.array(case.baselines["loop"](data)), got, rtol=1e-9)


def test_baselines_equal_engine_bom_explode(small_mill):
    case = _case("bom.explode")
    data = case.inputs(small_mill)
    got = case.run(data, "numpy").set_index("item")["qty"]
    pandas = case.baselines["pandas"](data)
    loop = pd.Series(case.baselines["loop"](data))
    for base in (pandas, loop):
        base = base[base != 0]
        common = got.index.intersection(base.index)
        assert len(common) == len(base) > 0
        np.testing.assert_allclose(got.reindex(base.index).to_numpy(float), base.to_numpy(float), rtol=1e-9)


def test_baselines_equal_engine_netting(small_mill):
    case = _case("netting.net_requirements")
    data = case.inputs(small_mill)
    got = case.run(data, "numpy").planned_receipts
    np.testing.assert_allclose(case.baselines["loop"](data), got, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(case.baselines["pandas"](data).to_numpy(), got, rtol=1e-9, atol=1e-9)


def test_baselines_equal_engine_allocation(small_mill):
    case = _case("allocation.allocate")
    data = case.inputs(small_mill)
    res = case.run(data, "numpy")
    orders = data[0]
    delivered = res.deliveries.groupby("order")["qty"].sum().reindex(orders["order"]).fillna(0.0)
    loop = pd.Series(case.baselines["loop"](data)).reindex(orders["order"])
    np.testing.assert_allclose(delivered.to_numpy(), loop.to_numpy(), rtol=1e-9, atol=1e-9)
    pandas = case.baselines["pandas"](data).set_index("order")["allocated"].reindex(orders["order"])
    np.testing.assert_allclose(pandas.to_numpy(), loop.to_numpy(), rtol=1e-9, atol=1e-9)


def test_baselines_equal_engine_min_late_jobs(small_mill):
    case = _case("min_late_jobs")
    data = case.inputs(small_mill)
    res = case.run(data, "numpy")
    assert res.n_late == len(case.baselines["loop"](data))


def test_baselines_equal_engine_parse_numbers(small_mill):
    case = _case("parse_numbers")
    data = case.inputs(small_mill)
    got = np.asarray(case.run(data, "numpy"), dtype=float)
    np.testing.assert_array_equal(case.baselines["pandas"](data).to_numpy(float), got)
    np.testing.assert_array_equal(np.array(case.baselines["loop"](data)), got)


def test_cpu_clock(monkeypatch):
    monkeypatch.setenv("BK_FAST_BENCH_CLOCK", "cpu")
    result = bench.run(["yarn_risk"], ["numpy"], scales=[0.05], repeat=3, progress=False)
    assert result["clock"] == "cpu"
    for r in result["results"]:
        assert len(r["cpu_s"]) == len(r["runs_s"]) >= 1
        assert r["median_s"] == pytest.approx(np.median(r["cpu_s"]))
    monkeypatch.setenv("BK_FAST_BENCH_CLOCK", "sundial")
    with pytest.raises(ValueError, match="BK_FAST_BENCH_CLOCK"):
        bench.run(["yarn_risk"], ["numpy"], scales=[0.05], progress=False)


# ---------------------------------------------------------------------------------------------------------
# review follow-ups: each failed before its fix


def test_output_paths_checked_before_running(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")

    def no_run(*a, **k):
        raise AssertionError("benchmarks ran before the bad output path was noticed")

    monkeypatch.setattr(bench, "run", no_run)  # a full run takes minutes; the JSON was lost at the end
    for flag, bad, words in (("--json", tmp_path / "nope" / "b.json", "no such folder"),
                             ("--json", tmp_path, "is a folder"),
                             ("--plot", tmp_path / "nope" / "b.png", "no such folder"),
                             ("--plot", tmp_path / "b.xyz", "xyz")):
        assert main(["bench", "--quick", "--kernels", "yarn_risk", "--engines", "numpy", flag, str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"bk-fast: error: {flag}") and words in err, err
    assert list(tmp_path.iterdir()) == []


def test_plot_without_suffix_is_written_exactly_there(tmp_path):
    pytest.importorskip("matplotlib")
    result = bench.run(["yarn_risk"], ["numpy"], scales=[0.05], repeat=2, progress=False)
    bench.plot(result, tmp_path / "chart")  # was written to chart.png
    assert (tmp_path / "chart").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "chart.png").exists()


def test_engines_named_twice_run_once():
    assert bench._engine_list(["numpy", "numpy", "pandas", "pandas"]) == (["numpy"], {"pandas"})


# ---------------------------------------------------------------------------------------------------------
# audit of the cli/bench: each failed before its fix


def test_case_name_of_a_capability_that_fails_to_import_skips_it_with_the_reason(monkeypatch, capsys):
    # `--kernels yarn_risk` with bk_fast.inventory broken said "unknown --kernels yarn_risk; ... (or a case name
    # such as yarn_risk)" and never showed the import error the module doc promises
    def broken():
        raise ImportError("No module named 'bk_fast.inventory'")

    monkeypatch.setitem(bench.CAPABILITIES, "inventory", broken)
    for name in ("yarn_risk", "inventory.yarn_risk", "inventory"):
        assert bench.load_cases([name]) == ([], {"inventory": "ImportError: No module named 'bk_fast.inventory'"})
    result = bench.run(["yarn_risk"], ["numpy"], scales=[0.01], repeat=2, progress=False)
    assert result["results"] == [] and list(result["skipped_capabilities"]) == ["inventory"]
    # an unknown name lists the case names there are, not one that is itself refused
    assert main(["bench", "--quick", "--kernels", "no_such_thing"]) == 2
    err = capsys.readouterr().err
    assert "unknown --kernels no_such_thing" in err and "cases: " in err and "yarn_risk" in err, err


def test_declared_case_names_are_the_cases_of_each_capability():
    for cap, factory in bench.CAPABILITIES.items():
        assert sorted(c.name for c in factory()) == sorted(bench.CASE_NAMES[cap]), cap


def test_a_call_slower_than_the_budget_is_timed_warm(monkeypatch):
    # the doc and the printed header say "warm runs", but a non-numba call whose first call exceeded the budget
    # was recorded as that one cold call (io.parse_numbers numpy at scale 5 in --quick, the bom loop baseline)
    clock = [0.0]
    calls = []

    def f():  # the first (cold) call takes 1 s of the fake clock, the warm ones 0.25 s
        calls.append(1)
        clock[0] += 1.0 if len(calls) == 1 else 0.25

    monkeypatch.setattr(bench, "time", type("FakeTime", (), {"perf_counter": staticmethod(lambda: clock[0]),
                                                             "process_time": staticmethod(lambda: clock[0])}))
    first, runs, cpu = bench._time_calls(f, repeat=5, budget=0.1)  # the warm-up, then one warm timed call
    assert (len(calls), first, runs, cpu) == (2, 1.0, [0.25], [0.25])
    calls.clear()
    assert bench._time_calls(f, repeat=5, budget=0.6)[1] == [0.25] * 3  # at least 3 when they fit
    calls.clear()
    assert bench._time_calls(f, repeat=5, budget=10.0)[1] == [0.25] * 5


def test_progress_true_means_the_same_in_bench_run(monkeypatch, capsys):
    # bench.run(progress=True) drew nothing off a terminal unless BK_FAST_PROGRESS=1, where read_erp's True
    # draws anywhere: one rule now (bk_fast._progress), True on anywhere, None (the default) on a terminal
    monkeypatch.delenv("BK_FAST_PROGRESS", raising=False)
    kw = dict(scales=[0.01], repeat=1, budget=0.01)
    bench.run(["yarn_risk"], ["numpy"], progress=True, **kw)
    assert "yarn_risk x0.01 numpy" in capsys.readouterr().err
    bench.run(["yarn_risk"], ["numpy"], **kw)  # (stderr is no terminal here)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("BK_FAST_PROGRESS", "0")
    bench.run(["yarn_risk"], ["numpy"], progress=True, **kw)
    assert "yarn_risk x0.01 numpy" in capsys.readouterr().err
    monkeypatch.setenv("BK_FAST_PROGRESS", "1")
    bench.run(["yarn_risk"], ["numpy"], progress=False, **kw)
    assert capsys.readouterr().err == ""


def test_bench_run_progress_0_1_and_checked_first(monkeypatch, capsys):
    # progress=1 / 0 (accepted before the one progress rule) became a TypeError; a bad value or a junk
    # BK_FAST_PROGRESS (which turned the bar on) is refused before any case runs
    monkeypatch.delenv("BK_FAST_PROGRESS", raising=False)
    kw = dict(scales=[0.01], repeat=1, budget=0.01)
    bench.run(["yarn_risk"], ["numpy"], progress=1, **kw)
    assert "yarn_risk x0.01 numpy" in capsys.readouterr().err
    bench.run(["yarn_risk"], ["numpy"], progress=0, **kw)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(bench, "load_cases", lambda *a: pytest.fail("a case was loaded before the check"))
    with pytest.raises(TypeError, match="progress must be True, False or None.*got 2"):
        bench.run(["yarn_risk"], ["numpy"], progress=2, **kw)
    monkeypatch.setenv("BK_FAST_PROGRESS", "disabled")
    with pytest.raises(ValueError, match="BK_FAST_PROGRESS must be .*got 'disabled'"):
        bench.run(["yarn_risk"], ["numpy"], **kw)


def test_cli_bench_no_progress(tiny_scales, monkeypatch, capsys):
    monkeypatch.setenv("BK_FAST_PROGRESS", "1")
    monkeypatch.setattr(bench, "QUICK_SCALES", (0.01,))
    assert main(["bench", "--quick", "--kernels", "yarn_risk", "--engines", "numpy", "--no-progress"]) == 0
    assert capsys.readouterr().err == ""


def test_bench_plot_leaves_callers_backend_alone(tmp_path):
    # bench.plot called matplotlib.use("Agg"): the process's backend switched (a notebook's charts stopped
    # showing); it now draws on a plain Figure, as the other charts do (_plotting.figure_axes)
    matplotlib = pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    before = matplotlib.get_backend()
    plt.switch_backend("svg")
    try:
        res = {"results": [{"case": "x", "status": "ok", "rows": 10, "median_s": 0.1, "method": "cython"}],
               "clock": "wall", "bk_fast": "0.1", "machine": {"cpus": 2}, "quick": True}
        n_figures = len(plt.get_fignums())
        bench.plot(res, tmp_path / "b.png")
        assert (tmp_path / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert matplotlib.get_backend() == "svg" and len(plt.get_fignums()) == n_figures
    finally:
        plt.switch_backend(before)

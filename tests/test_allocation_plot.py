"""``Allocation.plot``: one item's cumulative supply, demand and deliveries, drawn from the result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bk_fast

pytest.importorskip("matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(fig):
    return {line.get_label(): (line.get_xdata(), line.get_ydata()) for line in fig.axes[0].lines}


ORDERS = pd.DataFrame({"order": [1, 2, 3], "item": ["Y", "Y", "Z"], "qty": [10.0, 10.0, 4.0],
                       "priority": [1, 2, 3], "due": [0, 2, 1]})
SUPPLY = pd.DataFrame({"item": ["Y", "Y", "Z"], "period": [0, 5, 0], "qty": [12.0, 5.0, 4.0]})


def test_lines_are_the_cumulative_supply_demand_and_deliveries():
    res = bk_fast.allocate(ORDERS, SUPPLY, engine="numpy")
    fig = res.plot(SUPPLY, "Y")
    lines = _lines(fig)
    # order 1 takes 10 at 0; order 2 (due 2) takes 2 on time and 5 late at 5, 3 stay short
    x, received = lines["received (supply)"]
    assert x.tolist() == [0.0, 2.0, 5.0, 7.5]  # (one more step after the last: the median step)
    assert received.tolist() == [12.0, 12.0, 17.0, 17.0]
    assert lines["due (demand)"][1].tolist() == [10.0, 20.0, 20.0, 20.0]
    assert lines["delivered"][1].tolist() == [10.0, 12.0, 17.0, 17.0]
    assert fig.axes[0].get_title() == "Y: 17 delivered (5 late), 3 short of 20 due"
    assert fig.axes[0].get_xlabel() == "period"


def test_default_item_is_the_one_most_short():
    res = bk_fast.allocate(ORDERS, SUPPLY, engine="numpy")
    assert res.plot(SUPPLY).axes[0].get_title().startswith("Y:")
    # nothing short: the most late, then the most delivered
    res = bk_fast.allocate(ORDERS.assign(qty=[1.0, 1.0, 4.0]), SUPPLY, engine="numpy")
    assert res.plot(SUPPLY).axes[0].get_title().startswith("Z:")


def test_dates_in_time_zones_are_wall_times_of_the_supply_zone(tmp_path):
    orders = ORDERS.assign(due=pd.to_datetime(["2025-09-01", "2025-09-03", "2025-09-02"]).tz_localize(
        "Europe/Berlin"))
    supply = SUPPLY.assign(period=pd.to_datetime(["2025-09-01", "2025-09-15", "2025-09-01"]).tz_localize("UTC"))
    res = bk_fast.allocate(orders, supply, engine="numpy")
    path = tmp_path / "y.png"
    fig = res.plot(supply, "Y", path)
    x, received = _lines(fig)["received (supply)"]
    assert x.dtype.kind == "M"
    assert x[0] == np.datetime64("2025-08-31T22:00")  # (midnight in Berlin, as a UTC wall time)
    assert received[np.flatnonzero(x == np.datetime64("2025-09-15"))].tolist() == [17.0]
    assert fig.axes[0].get_xlabel() == "date"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_columns_ax_and_inputs_untouched():
    supply = SUPPLY.rename(columns={"item": "Desc#", "qty": "Planning Balance"})
    before = supply.copy(deep=True)
    res = bk_fast.allocate(ORDERS, supply, columns={"supply_qty": "Planning Balance"}, engine="numpy")
    fig, ax = plt.subplots()
    assert res.plot(supply, "Z", ax=ax, columns={"supply_qty": "Planning Balance"}) is fig
    assert _lines(fig)["received (supply)"][1].tolist() == [4.0, 4.0, 4.0]
    pd.testing.assert_frame_equal(supply, before)


def test_bad_requests_are_named():
    res = bk_fast.allocate(ORDERS, SUPPLY, engine="numpy")
    with pytest.raises(ValueError, match="item 'W' is neither in the supply nor in the allocation"):
        res.plot(SUPPLY, "W")
    with pytest.raises(ValueError, match="supply has no 'period' column"):
        res.plot(SUPPLY.drop(columns="period"), "Y")
    with pytest.raises(TypeError, match="both be dates or both be period numbers"):
        res.plot(SUPPLY.assign(period=pd.Timestamp("2025-09-01")), "Y")
    empty = bk_fast.allocate(ORDERS.iloc[:0], SUPPLY, engine="numpy")
    with pytest.raises(ValueError, match="no deliveries and no shortfalls; name an item"):
        empty.plot(SUPPLY)
    # an item with supply only: its receipts, nothing due
    assert _lines(empty.plot(SUPPLY, "Z"))["due (demand)"][1].tolist() == [0.0]


def test_default_item_ranks_short_before_late_before_delivered():
    """A weighted sum (1e6 x short + 1e3 x late + delivered) put an item 2,010 lbs late before one 1 lb short."""
    orders = pd.DataFrame({"order": [1, 2, 3], "item": pd.Categorical(["A", "B", "B"]), "qty": [2.0, 3000.0, 10.0],
                           "priority": [1, 1, 2], "due": [0, 0, 0]})
    supply = pd.DataFrame({"item": ["A", "B", "B"], "period": [0, 0, 5], "qty": [1.0, 1000.0, 2010.0]})
    res = bk_fast.allocate(orders, supply, engine="numpy")
    assert res.shortfalls["item"].tolist() == ["A"]
    assert res.plot(supply).axes[0].get_title().startswith("A:")


def test_path_is_where_the_png_is_written(tmp_path):
    """A path without a suffix was written to '<path>.png' (matplotlib adds the default format's suffix), where
    the docstring says the PNG is written there; a suffix still picks the format."""
    res = bk_fast.allocate(ORDERS, SUPPLY, engine="numpy")
    res.plot(SUPPLY, "Y", path=str(tmp_path / "chart"))
    res.plot(SUPPLY, "Y", path=tmp_path / "chart.svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart", "chart.svg"]
    assert (tmp_path / "chart").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "chart.svg").read_bytes()[:1000]


def test_a_chart_written_to_a_path_is_not_left_open_in_pyplot(tmp_path):
    """Each chart written to a path stayed registered in pyplot (a leak in a service writing charts)."""
    res = bk_fast.allocate(ORDERS, SUPPLY, engine="numpy")
    plt.close("all")
    fig = res.plot(SUPPLY, "Y", path=tmp_path / "y.png")
    assert plt.get_fignums() == [] and fig.axes[0].get_title().startswith("Y:")
    assert res.plot(SUPPLY, "Y").number in plt.get_fignums()  # (without a path: pyplot's, for plt.show())

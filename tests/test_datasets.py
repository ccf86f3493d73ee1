"""The synthetic mill: schema, ERP arithmetic and sign conventions, the shape of the real data at scale 1,
determinism, scaling, and the ERP-style CSV exports (formatting round trip)."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest

from bk_fast import datasets
from bk_fast._columns import ALIASES, canonical
from bk_fast.datasets import (
    COLUMNS,
    EXPORT_FILES,
    PO_BUCKET_COLUMNS,
    REFERENCE_DATE,
    _format_lbs,
    _format_money,
    make_mill,
    write_exports,
)

FRAMES = ["yarn_inventory", "bom", "style_master", "knit_orders", "sales_orders", "style_work_center",
          "machines", "style_capacity", "yarn_po"]


@pytest.fixture(scope="module")
def mill1():
    return make_mill(scale=1.0, seed=0)


@pytest.fixture(scope="module")
def small():
    return make_mill(scale=0.2, seed=11)


def _bom_rows(bom: pd.DataFrame) -> pd.DataFrame:
    rows = bom.dropna(how="all")
    return rows.assign(style=rows["Style#"].str.strip())


def _theoretical(inv: pd.DataFrame) -> pd.Series:
    return (((inv["Beginning Balance"] + inv["Received"].fillna(0)) + inv["Consumed"].fillna(0))
            + inv["Adjustments"].fillna(0))


def _planning(inv: pd.DataFrame) -> pd.Series:
    return (inv["Theoretical Balance"] + inv["Allocated"].fillna(0)) + inv["On Order"].fillna(0)


def _clean(values: pd.Series) -> pd.Series:
    """The ERP's numeric cleaning: strip ``$ , spaces``, ``(x)`` -> ``-x``."""
    text = values.str.replace(r"[\$,\s]", "", regex=True).str.replace(r"^\((.*)\)$", r"-\1", regex=True)
    return pd.to_numeric(text)


def _check_arithmetic(inv: pd.DataFrame) -> None:
    assert np.array_equal(_theoretical(inv).to_numpy(), inv["Theoretical Balance"].to_numpy())
    assert np.array_equal(_planning(inv).to_numpy(), inv["Planning Balance"].to_numpy())
    assert np.array_equal((inv["Theoretical Balance"] * inv["Cost/Pound"]).round(2).to_numpy(),
                          inv["Total Cost"].to_numpy())


# ---------------------------------------------------------------------------------------------- schema


def test_frames_and_columns(mill1):
    assert list(mill1) == FRAMES
    for name, frame in mill1.items():
        assert tuple(frame.columns) == COLUMNS[name], name
    assert list(mill1["yarn_inventory"].columns) == [
        "Desc#", "Description", "Supplier", "Beginning Balance", "Received", "Consumed", "Adjustments",
        "Theoretical Balance", "Allocated", "On Order", "Planning Balance", "Cost/Pound", "Total Cost"]
    assert list(mill1["bom"].columns) == ["Style#", "Desc#", "BOM_Percentage", "unit"]
    assert list(mill1["knit_orders"].columns) == [
        "Order #", "Style #", "Qty Ordered (lbs)", "G00 (lbs)", "Shipped (lbs)", "Balance (lbs)", "Machine",
        "Start Date", "Quoted Date"]
    assert list(mill1["yarn_po"].columns) == ["Desc#", "PO #", "Supplier", "Unscheduled or Past Due",
                                              "This Week", *[f"Week 2025-{d}" for d in (
                                                  "09-08", "09-15", "09-22", "09-29", "10-06", "10-13",
                                                  "10-20", "10-27")], "Later", "PO Bal"]
    assert PO_BUCKET_COLUMNS == tuple(mill1["yarn_po"].columns[3:-1])


def test_columns_use_the_canonical_spelling(mill1):
    """Every column that the alias table knows is written in its canonical spelling."""
    canon = set(ALIASES)
    for name in ("yarn_inventory", "bom", "knit_orders", "style_master"):
        for col in mill1[name].columns:
            if (name, col) == ("knit_orders", "Style #"):  # the ERP's own spelling on knit orders
                assert canonical(col) == "Style#"
                continue
            assert col in canon, (name, col)
    assert "PO Bal" in canon and "PO #" in canon and "lbs/day" in canon and "WC" in canon


def test_dtypes(mill1):
    inv, bom, ko = mill1["yarn_inventory"], mill1["bom"], mill1["knit_orders"]
    assert inv["Desc#"].dtype == np.int64 and inv["Desc#"].is_unique and inv["Desc#"].is_monotonic_increasing
    for col in COLUMNS["yarn_inventory"][3:]:
        assert inv[col].dtype == np.float64, col
    for name, cols in {"yarn_inventory": ["Description", "Supplier"], "bom": ["Style#", "unit"],
                       "knit_orders": ["Order #", "Style #"], "style_master": ["fStyle#", "gBase"],
                       "machines": ["WC"], "yarn_po": ["PO #", "Supplier"]}.items():
        for col in cols:
            assert pd.api.types.is_string_dtype(mill1[name][col]), (name, col)
    assert bom["Desc#"].dtype == np.float64  # the trailing empty rows are NaN, as in the export
    assert (bom["Desc#"].dropna() % 1 == 0).all()
    assert ko["Machine"].dtype == np.float64
    assert ko["Start Date"].dtype == "datetime64[ns]" and ko["Quoted Date"].dtype == "datetime64[ns]"
    assert mill1["machines"]["MACH"].dtype == np.int64
    assert mill1["yarn_po"]["Desc#"].dtype == np.int64


# ------------------------------------------------------------------------------------- yarn inventory


def test_inventory_arithmetic_is_exact(mill1, small):
    for m in (mill1, small):
        _check_arithmetic(m["yarn_inventory"])


def test_inventory_arithmetic_with_series_equal(mill1):
    inv = mill1["yarn_inventory"]
    pd.testing.assert_series_equal(_theoretical(inv), inv["Theoretical Balance"], check_names=False,
                                   check_exact=True)
    pd.testing.assert_series_equal(_planning(inv), inv["Planning Balance"], check_names=False,
                                   check_exact=True)


def test_inputs_have_two_decimals(mill1):
    inv = mill1["yarn_inventory"]
    for col in ("Beginning Balance", "Received", "Consumed", "Adjustments", "Allocated", "On Order",
                "Cost/Pound"):
        x = inv[col].dropna().to_numpy()
        assert np.array_equal(np.round(x, 2), x), col
        assert not np.any(np.signbit(x) & (x == 0)), col  # no -0.0


def test_sign_conventions(mill1):
    inv = mill1["yarn_inventory"]
    assert (inv["Consumed"].dropna() <= 0).all()
    assert (inv["Allocated"].dropna() <= 0).all()
    assert (inv["On Order"].dropna() >= 0).all()
    assert (inv["Beginning Balance"] >= 0).all()
    assert (inv["Received"].dropna() > 0).all()
    assert (inv["Theoretical Balance"] < 0).any()  # Theoretical may be negative


def test_inventory_shape_at_scale_1(mill1):
    inv = mill1["yarn_inventory"]
    n = len(inv)
    assert n == 1199
    assert 110 <= inv["Supplier"].nunique() <= 140
    theo = inv["Theoretical Balance"]
    assert 0.65 <= (theo > 0).mean() <= 0.75
    assert 100 <= theo[theo > 0].median() <= 220
    assert 5_000 <= theo[theo > 0].quantile(0.99) <= 30_000
    nz = {c: (inv[c].fillna(0) != 0).mean() for c in ("Consumed", "Allocated", "On Order")}
    assert 0.13 <= nz["Consumed"] <= 0.17
    assert 0.10 <= nz["Allocated"] <= 0.14
    assert 0.05 <= nz["On Order"] <= 0.07
    for c in ("Consumed", "Allocated", "On Order"):  # "zero" is both 0.0 and NaN
        zero = inv[c].fillna(0) == 0
        assert inv[c].isna().sum() > 0.2 * zero.sum() and (inv[c] == 0).sum() > 0.2 * zero.sum(), c
    assert -12_500 <= inv["Consumed"].min() <= -3_000
    assert -12_500 <= inv["Allocated"].min() <= -2_000
    assert 5_000 <= inv["On Order"].max() <= 23_000
    assert inv["Received"].isna().mean() > 0.8
    assert inv["Adjustments"].isna().mean() > 0.97
    assert 0.02 <= (inv["Planning Balance"] < 0).mean() <= 0.05
    cost = inv["Cost/Pound"]
    assert 1.8 <= cost.median() <= 3.0
    assert cost.min() >= 0 and cost.max() <= 34
    assert 0.2 <= (cost < 0.1).mean() <= 0.3


# ------------------------------------------------------------------------------------------------ BOM


def test_bom_shape_at_scale_1(mill1):
    bom = mill1["bom"]
    rows = _bom_rows(bom)
    assert 21_500 <= len(rows) <= 24_000
    assert 6_000 <= rows["style"].nunique() <= 6_200
    assert (rows["unit"] == "lbs").all()
    per_style = rows.groupby("style")["Desc#"].nunique()
    assert per_style.min() == 1 and per_style.max() == 9
    assert 3.5 <= per_style.mean() <= 3.9 and per_style.median() == 4
    reuse = rows.groupby("Desc#")["style"].nunique()
    assert 2 <= reuse.median() <= 4
    assert 200 <= reuse.max() <= 1_500


def test_bom_fractions(mill1):
    rows = _bom_rows(mill1["bom"])
    pct = rows["BOM_Percentage"].to_numpy()
    assert pct.min() >= 0.01 and pct.max() <= 1.0
    assert np.array_equal(np.round(pct, 2), pct)
    sums = rows.groupby("style")["BOM_Percentage"].sum()
    assert sums.between(0.94 - 1e-9, 1.0 + 1e-9).all()
    assert (sums < 0.995).any() and (sums > 0.995).any()  # not renormalised


def test_bom_duplicates_and_blank_rows(mill1):
    bom = mill1["bom"]
    rows = _bom_rows(bom)
    dups = rows.duplicated(["style", "Desc#"]).sum()
    assert 1 <= dups <= 0.01 * len(rows)
    blank = bom.isna().all(axis=1)
    assert 1 <= blank.sum() <= 5
    assert blank.iloc[-int(blank.sum()):].all()  # only at the end
    lead = rows["Style#"].str.startswith(" ")
    assert 0.002 <= lead.mean() <= 0.01
    assert not rows["style"].str.startswith(" ").any()


def test_bom_yarns_missing_from_inventory(mill1):
    rows = _bom_rows(mill1["bom"])
    yarns = pd.Series(rows["Desc#"].unique())
    absent = ~yarns.isin(mill1["yarn_inventory"]["Desc#"])
    assert 800 <= absent.sum() <= 950
    assert 0.35 <= absent.mean() <= 0.5


def test_style_master(mill1):
    sm, rows = mill1["style_master"], _bom_rows(mill1["bom"])
    assert sm["fStyle#"].is_unique
    bases = rows["style"].str.split("/").str[0]
    assert sm["gBase"].isin(bases).all()
    versions = rows.drop_duplicates("style").groupby(bases)["style"].size()
    assert (versions >= 2).mean() > 0.3  # several greige versions share a base
    assert rows["style"].str.match(r"^\d{6}/\d+$").any()
    assert rows["style"].str.match(r"^[A-Z]{2} \d{5}/\d{4}$").any()
    assert rows["style"].str.match(r"^\d{6}/\d+ST\d$").any()


# ------------------------------------------------------------------------------------- orders, machines


def test_knit_orders(mill1):
    ko, rows = mill1["knit_orders"], _bom_rows(mill1["bom"])
    assert len(ko) == 195
    assert ko["Order #"].is_unique and ko["Order #"].str.match(r"^K25\d{5}$").all()
    in_bom = ko["Style #"].isin(rows["style"])
    assert 0.95 <= in_bom.mean() < 1.0
    assert ko["Machine"].isna().sum() == 40
    assigned = ko["Machine"].dropna()
    assert assigned.nunique() == 83
    assert assigned.isin(mill1["machines"]["MACH"].astype(float)).all()
    qty = ko["Qty Ordered (lbs)"]
    assert 900 <= qty.median() <= 3_500
    assert 5 <= qty.quantile(0.05) <= 150
    assert 8_000 <= qty.quantile(0.95) <= 50_000
    bal = ko["Balance (lbs)"]
    assert (bal >= 0).all() and (bal <= qty).all()
    assert 100 <= bal.median() <= 800
    assert (bal < 10).mean() >= 0.08  # many near 0
    for col in ("G00 (lbs)", "Shipped (lbs)"):
        assert 0.35 <= ko[col].isna().mean() <= 0.65, col
        x = ko[col].dropna()
        assert (x > 0).all() and (x <= qty[x.index]).all(), col
    for col in ("Start Date", "Quoted Date"):
        days = (ko[col] - REFERENCE_DATE).dt.days
        assert days.between(-200, 200).all()
    assert (ko["Quoted Date"] > ko["Start Date"]).all()


def test_knit_orders_sit_on_their_styles_work_center(mill1):
    ko = mill1["knit_orders"].dropna(subset=["Machine"])
    mach = mill1["machines"].set_index("MACH")["WC"]
    swc = mill1["style_work_center"].set_index("Style")["WC"]
    known = ko["Style #"].isin(swc.index)
    wc_of_machine = mach.loc[ko.loc[known, "Machine"].astype(int)].to_numpy()
    assert (wc_of_machine == swc.loc[ko.loc[known, "Style #"]].to_numpy()).mean() > 0.95


def test_machines(mill1):
    mc = mill1["machines"]
    assert len(mc) == 285 and mc["MACH"].is_unique
    per = mc.groupby("WC").size()
    assert len(per) == 93
    assert per.min() >= 1 and per.max() <= 17 and per.median() == 2
    assert mc["WC"].str.match(r"^\d+\.\d{2}\.\d{2}\.[FCMV]$").all()
    letters = pd.Series(per.index.str[-1]).value_counts()
    assert letters.index[0] == "F"


def test_style_work_center_and_capacity(mill1):
    styles = set(_bom_rows(mill1["bom"])["style"])
    swc, cap = mill1["style_work_center"], mill1["style_capacity"]
    assert swc["Style"].is_unique and swc["Style"].isin(styles).all()
    assert swc["WC"].isin(mill1["machines"]["WC"]).all()
    assert len(swc) >= 0.8 * len(styles)
    assert cap["Style"].isin(styles).all()
    lbs = cap["lbs/day"]
    assert 560 <= lbs.mean() <= 680
    assert 1 <= (lbs < 0).sum() <= 0.01 * len(cap)


def test_sales_orders(mill1):
    so = mill1["sales_orders"]
    assert 200 <= len(so) <= 500
    assert so["SO #"].is_unique
    assert so["fStyle#"].isin(mill1["style_master"]["fStyle#"]).all()
    assert (so["Ordered"] > 0).all()
    assert so["Ship Date"].dtype == "datetime64[ns]"


def test_yarn_po(mill1):
    po, inv = mill1["yarn_po"], mill1["yarn_inventory"]
    assert 70 <= len(po) <= 90
    assert po["PO #"].is_unique
    buckets = po[list(PO_BUCKET_COLUMNS)]
    assert (buckets >= 0).all().all()
    left_to_right = buckets.iloc[:, 0].copy()
    for col in PO_BUCKET_COLUMNS[1:]:
        left_to_right = left_to_right + buckets[col]
    assert np.array_equal(left_to_right.to_numpy(), po["PO Bal"].to_numpy())
    assert np.array_equal(buckets.fillna(0).sum(axis=1).to_numpy(), po["PO Bal"].to_numpy())
    assert 7_000 <= po["PO Bal"].median() <= 16_000
    assert po["Desc#"].isin(inv["Desc#"]).all()
    # On Order of the inventory is the yarn's open PO balance; the supplier is the yarn's supplier
    on_order = inv.set_index("Desc#")["On Order"]
    per_yarn = po.groupby("Desc#")["PO Bal"].sum()
    assert np.array_equal(on_order.loc[per_yarn.index].to_numpy(), per_yarn.to_numpy())
    assert (on_order.fillna(0) > 0).sum() == len(per_yarn)
    sup = inv.set_index("Desc#")["Supplier"]
    assert (sup.loc[po["Desc#"]].to_numpy() == po["Supplier"].to_numpy()).all()


# ------------------------------------------------------------------------------ determinism and scale


def test_same_seed_same_frames():
    a, b = make_mill(0.2, seed=5), make_mill(0.2, seed=5)
    for name in FRAMES:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


def test_other_seed_differs(small):
    other = make_mill(0.2, seed=12)
    for name in ("yarn_inventory", "bom", "knit_orders", "yarn_po"):
        assert not small[name].equals(other[name]), name


def test_tiny_scales_work():
    for scale in (0.01, 0.001):
        m = make_mill(scale=scale, seed=3)
        assert list(m) == FRAMES
        for name, frame in m.items():
            assert len(frame) >= 1, (scale, name)
            assert tuple(frame.columns) == COLUMNS[name]
        _check_arithmetic(m["yarn_inventory"])
        po = m["yarn_po"]
        assert np.array_equal(po[list(PO_BUCKET_COLUMNS)].sum(axis=1).to_numpy(), po["PO Bal"].to_numpy())
        rows = _bom_rows(m["bom"])
        assert rows.groupby("style")["BOM_Percentage"].sum().between(0.94 - 1e-9, 1.0 + 1e-9).all()


def test_counts_scale_linearly(mill1):
    m = make_mill(scale=2.0, seed=0)
    assert len(m["yarn_inventory"]) == 2398
    assert len(m["machines"]) == 570 and m["machines"]["WC"].nunique() == 186
    assert len(m["knit_orders"]) == 390
    ratio = len(_bom_rows(m["bom"])) / len(_bom_rows(mill1["bom"]))
    assert 1.9 <= ratio <= 2.1
    _check_arithmetic(m["yarn_inventory"])


@pytest.mark.parametrize("scale", [0, -1, float("nan"), float("inf")])
def test_bad_scale_raises(scale):
    with pytest.raises(ValueError, match="scale"):
        make_mill(scale=scale)


@pytest.mark.slow
def test_scale_100_builds_fast():
    # CPU time of this process, not wall time: the shared 2-core machine may be busy with other work.
    # (The real figure, ~3 s, is tracked by the benchmarks; this only guards against a per-row Python loop.)
    t0 = time.process_time()
    m = make_mill(scale=100, seed=0)
    elapsed = time.process_time() - t0
    assert elapsed < 20, elapsed
    assert len(m["yarn_inventory"]) == 119_900
    assert 2_150_000 <= len(_bom_rows(m["bom"])) <= 2_400_000
    _check_arithmetic(m["yarn_inventory"])


# --------------------------------------------------------------------------------------------- exports


def test_format_helpers():
    money = _format_money(np.array([1326.67, -2183.4, 0.0, np.nan, 1234567.891, -0.001, 999.995]))
    # values with more than 2 decimals keep the digits they need to read back exactly (derived columns)
    assert money.tolist() == ["$1,326.67 ", "($2,183.40)", "$0.00 ", "", "$1,234,567.891 ", "($0.001)",
                              "$999.995 "]
    assert _format_lbs(np.array([0.1 + 0.2])).tolist() == ["0.30000000000000004"]
    lbs = _format_lbs(np.array([1200.0, -2183.4, 0.5, 1e9, np.nan]), parens=True)
    assert lbs.tolist() == ["1,200.00", "(2,183.40)", "0.50", "1,000,000,000.00", ""]
    assert _format_lbs(np.array([-1234.5, 999.0])).tolist() == ["-1,234.50", "999.00"]
    assert _format_lbs(np.array([])).tolist() == []


def test_format_helpers_agree_with_python_formatting():
    rng = np.random.default_rng(0)
    x = np.round(rng.normal(0, 1, 2000) * 10.0 ** rng.integers(0, 8, 2000), 2) + 0.0  # no -0.0
    expected = [f"{v:,.2f}" if v >= 0 else f"({-v:,.2f})" for v in x]
    expected = [e if e != "(0.00)" else "0.00" for e in expected]
    assert _format_lbs(x, parens=True).tolist() == expected


@pytest.fixture(scope="module")
def exported(mill1, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    before = {k: v.copy() for k, v in mill1.items()}
    paths = write_exports(mill1, folder / "sub")
    for k in mill1:  # the mill is not modified
        pd.testing.assert_frame_equal(mill1[k], before[k])
    return paths


def test_export_files(exported):
    assert set(exported) == set(FRAMES)
    for key, path in exported.items():
        assert path.name == EXPORT_FILES[key] and path.exists()
    assert exported["bom"].name == "BOM.csv"
    assert exported["yarn_inventory"].read_bytes().startswith(b"\xef\xbb\xbfDesc#,")
    for key in FRAMES:
        if key != "yarn_inventory":
            assert not exported[key].read_bytes().startswith(b"\xef\xbb\xbf"), key
    first = exported["knit_orders"].read_text().splitlines()[0]
    assert first.startswith("Report generated")


def test_inventory_export_round_trip(mill1, exported):
    inv = mill1["yarn_inventory"]
    raw = pd.read_csv(exported["yarn_inventory"], dtype=str)
    assert list(raw.columns) == list(inv.columns)  # pandas strips the UTF-8 BOM mark
    money = raw["Total Cost"].dropna()
    assert money.str.match(r"^(\$[\d,]+\.\d{2} |\(\$[\d,]+\.\d{2}\))$").all()
    assert money.str.startswith("(").any() and raw["Total Cost"].str.contains(",").any()
    assert raw["Consumed"].dropna().str.match(r"^(0\.00|\([\d,]+\.\d{2}\))$").all()
    assert raw["Planning Balance"].str.startswith("(").any()
    assert (raw["Desc#"].astype(int).to_numpy() == inv["Desc#"].to_numpy()).all()
    pd.testing.assert_series_equal(raw["Supplier"], inv["Supplier"], check_dtype=False)
    for col in ("Beginning Balance", "Received", "Consumed", "Adjustments", "Allocated", "On Order",
                "Cost/Pound"):
        pd.testing.assert_series_equal(_clean(raw[col]), inv[col], check_exact=True, check_names=False)
    # derived lbs keep the decimals they need (rarely more than 2), so every column reads back exactly
    for col in ("Theoretical Balance", "Planning Balance", "Total Cost"):
        pd.testing.assert_series_equal(_clean(raw[col]), inv[col], check_exact=True, check_names=False)
    assert raw["Planning Balance"].str.match(r"^(-?[\d,]+\.\d{2,17}|\([\d,]+\.\d{2,17}\))$").all()


def test_other_exports_round_trip(mill1, exported):
    ko = mill1["knit_orders"]
    raw = pd.read_csv(exported["knit_orders"], skiprows=2, dtype=str)
    assert list(raw.columns) == list(ko.columns)
    assert (raw["Order #"] == ko["Order #"]).all()
    for col in ("Qty Ordered (lbs)", "G00 (lbs)", "Shipped (lbs)", "Balance (lbs)", "Machine"):
        pd.testing.assert_series_equal(_clean(raw[col]).astype(float), ko[col], check_exact=True,
                                       check_names=False)
    for col in ("Start Date", "Quoted Date"):
        back = pd.to_datetime(raw[col], format="%m/%d/%Y")
        assert (back.to_numpy() == ko[col].to_numpy()).all()

    bom = mill1["bom"]
    raw = pd.read_csv(exported["bom"], dtype={"Style#": str})
    assert len(raw) == len(bom)
    pd.testing.assert_series_equal(raw["Style#"], bom["Style#"], check_dtype=False)  # leading spaces kept
    pd.testing.assert_series_equal(raw["Desc#"], bom["Desc#"], check_exact=True)
    pd.testing.assert_series_equal(raw["BOM_Percentage"], bom["BOM_Percentage"], check_exact=True)

    po = mill1["yarn_po"]
    raw = pd.read_csv(exported["yarn_po"], dtype=str)
    assert list(raw.columns) == list(po.columns)
    for col in (*PO_BUCKET_COLUMNS, "PO Bal"):
        pd.testing.assert_series_equal(_clean(raw[col]), po[col], check_exact=True, check_names=False)

    for key, col in (("sales_orders", "Ordered"), ("style_capacity", "lbs/day")):
        raw = pd.read_csv(exported[key], dtype=str)
        pd.testing.assert_series_equal(_clean(raw[col]), mill1[key][col], check_exact=True,
                                       check_names=False)
    raw = pd.read_csv(exported["style_capacity"], dtype=str)
    assert raw["lbs/day"].str.startswith("-").any()

    raw = pd.read_csv(exported["machines"])
    assert (raw["MACH"].to_numpy() == mill1["machines"]["MACH"].to_numpy()).all()
    assert (raw["WC"].to_numpy() == mill1["machines"]["WC"].to_numpy()).all()


def test_write_exports_subset_and_unknown_keys(tmp_path):
    m = make_mill(scale=0.01, seed=2)
    extra = pd.DataFrame({"a": [1, 2]})
    paths = write_exports({"machines": m["machines"], "extra": extra}, tmp_path)
    assert set(paths) == {"machines", "extra"}
    assert paths["extra"].name == "extra.csv"
    assert pd.read_csv(paths["extra"]).equals(extra)


def test_module_docstring_mentions_every_column():
    doc = datasets.__doc__
    for name, cols in COLUMNS.items():
        assert f'"{name}"' in doc, name
        for col in cols:
            if col.startswith("Week "):
                continue
            assert re.search(re.escape(f"``{col}``"), doc), (name, col)


def test_write_exports_writes_ids_and_machines_exactly(tmp_path):
    # ids and machines went through float64 and int64: the id 2**53 + 1 was written 2**53 (another yarn, the
    # inventory file kept the right one), machine 2.5 became machine 2 and 1e20 -9223372036854775808
    from bk_fast.datasets import write_exports
    from bk_fast.io import read_mill

    big = 2 ** 53 + 1
    po = pd.DataFrame({"Desc#": np.array([big, 18767], dtype=np.int64), "PO #": ["PO1", "PO2"],
                       "Supplier": ["S", "S"], "Unscheduled or Past Due": [0.0, 0.0], "This Week": [5.0, 1.0],
                       "Later": [0.0, 0.0], "PO Bal": [5.0, 1.0]})
    bom = pd.DataFrame({"Style#": ["1/1", "1/1", None], "Desc#": [float(18767), 2.0 ** 60, np.nan],
                        "BOM_Percentage": [0.5, 0.5, np.nan], "unit": ["lbs", "lbs", None]})
    ko = pd.DataFrame({"Order #": ["K1", "K2", "K3"], "Style #": ["1/1"] * 3, "Qty Ordered (lbs)": [10.0] * 3,
                       "G00 (lbs)": [0.0] * 3, "Shipped (lbs)": [0.0] * 3, "Balance (lbs)": [10.0] * 3,
                       "Machine": [2.5, 1e20, np.nan], "Start Date": pd.to_datetime(["2025-09-08"] * 3),
                       "Quoted Date": pd.to_datetime(["2025-09-20"] * 3)})
    paths = write_exports({"yarn_po": po, "bom": bom, "knit_orders": ko}, tmp_path)
    assert f"\n{big},PO1," in paths["yarn_po"].read_text()
    assert "\n1/1,18767,0.5,lbs\n1/1,1152921504606846976,0.5,lbs\n,,,\n" in paths["bom"].read_text()
    back = read_mill(tmp_path)
    assert back["yarn_po"]["Desc#"].tolist() == [big, 18767]
    machines = back["knit_orders"]["Machine"].tolist()  # (an id column of a fraction and 1e20: their text)
    assert [float(m) for m in machines[:2]] == [2.5, 1e20] and pd.isna(machines[2])


def test_inventory_p99_is_the_documented_one():
    """Audit: the module docstring gave the real export's 99th percentile of the holders' stock (~15,600), where
    make_mill gives ~12,000; it now states what make_mill gives (and the export's separately)."""
    stated = re.search(r"99th percentile ~([\d,]+)", datasets.__doc__)
    figure = float(stated.group(1).replace(",", ""))
    inv = make_mill(scale=5, seed=1)["yarn_inventory"]
    held = inv.loc[inv["Theoretical Balance"] > 0, "Theoretical Balance"]
    assert 0.85 * figure <= held.quantile(0.99) <= 1.15 * figure

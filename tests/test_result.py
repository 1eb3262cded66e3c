"""IndexMatrix / IndexPanel / TopPartners / TradeMatrix: labels and codes, access, every output
form, arithmetic, panel assembly."""
import json

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import scipy.sparse as sp

import tradeindex
from tradeindex import IndexMatrix, IndexPanel, TopPartners, TradeMatrix, kernels
from tradeindex.result import column_name

TC = "trade complementarity"


@pytest.fixture
def m():
    values = np.array([[np.nan, 80.0, 60.0], [70.0, np.nan, 50.0]])
    return IndexMatrix(values, np.array(["RUS", "KAZ"]), np.array(["RUS", "KAZ", "BLR"]), TC,
                       "exporter", "importer", 2016, {"scale": 100},
                       row_codes=[643, 398], col_codes=[643, 398, 112])


@pytest.fixture
def group():
    """Countries x (countries + a group): the group has no code."""
    values = np.array([[np.nan, 10.0, 30.0], [20.0, np.nan, 40.0]])
    return IndexMatrix(values, ["ARM", "KAZ"], ["ARM", "KAZ", "EAEU"], "Grubel-Lloyd", "reporter", "partner",
                       2015, row_codes=[51, 398], col_codes=[51, 398, -1])


def panel_of(m):
    return IndexPanel(np.stack([m.values, m.values + 1]), [2015, 2016], m.rows, m.cols, m.name, "exporter",
                      "importer", {"scale": 100}, row_codes=m.row_codes, col_codes=m.col_codes)


# -- construction ------------------------------------------------------------------------------------
def test_codes_default_and_positional_order(m):
    plain = IndexMatrix(m.values, m.rows, m.cols, TC, "exporter", "importer", 2016, {})
    assert plain.row_codes.tolist() == [-1, -1] and plain.col_codes.dtype == np.int64
    assert m.row_codes.tolist() == [643, 398] and m.year == 2016 and m.meta == {"scale": 100}
    assert list(m.rows) == ["RUS", "KAZ"] and m.rows.dtype == object


@pytest.mark.parametrize("kwargs, message", [
    ({"row_codes": [643]}, "row_codes must be of length 2 like the labels; found length 1"),
    ({"rows": ["RUS", "RUS"]}, "rows must be unique labels; found 'RUS' more than once"),
    ({"cols": ["RUS", "KAZ"]}, "cols must be of length 3 like the values' cols; found length 2"),
    ({"col_name": "exporter"}, "col_name must be an axis name different from row_name 'exporter'"),
    ({"values": np.zeros(3)}, r"values must be a 2-D array \(rows x cols\); found shape \(3,\)"),
])
def test_construction_errors(m, kwargs, message):
    args = {"values": m.values, "rows": m.rows, "cols": m.cols, "name": TC, "row_name": "exporter",
            "col_name": "importer", **kwargs}
    with pytest.raises(ValueError, match=message):
        IndexMatrix(**args)


@pytest.mark.parametrize("name, expected", [
    ("trade complementarity", "trade_complementarity"), ("Grubel-Lloyd", "grubel_lloyd"),
    ("marginal IIT A", "marginal_iit_a"), ("trade type one_way (ghm)", "trade_type_one_way_ghm"),
    ("export similarity", "export_similarity"), ("RCA", "rca"), ("3 digits", "v_3_digits"),
    ("Ünïcode  share %", "unicode_share"), ("", "value"), ("in", "in_"), ("long", "long_"),
    ("a very long index name that goes past the Stata limit", "a_very_long_index_name_that_goes"),
])
def test_column_name(name, expected):
    got = column_name(name)
    assert got == expected and got.isidentifier() and len(got) <= 32


# -- access ------------------------------------------------------------------------------------------
def test_loc(m):
    assert m.loc["RUS", "KAZ"] == 80.0
    sub = m.loc[["KAZ"], ["BLR", "RUS"]]
    assert sub.values.tolist() == [[50.0, 70.0]] and list(sub.cols) == ["BLR", "RUS"]
    assert sub.col_codes.tolist() == [112, 643] and sub.meta == m.meta
    assert m.loc["KAZ"].shape == (1, 3)
    assert m.loc[:, "KAZ":"BLR"].cols.tolist() == ["KAZ", "BLR"]  # label slices are inclusive
    with pytest.raises(KeyError, match=r"exporter must be labels, numeric country codes or country names "
                                       r"among RUS, KAZ; found 'ARM'"):
        m.loc["ARM", "KAZ"]
    assert "2 exporters x 3 importers, 2 NaN" in repr(m)


def test_loc_by_code_and_name(m):
    assert m.loc[643, 398] == m.loc["643", np.int64(398)] == m.loc["RUS", "KAZ"]
    assert m.loc["Russian Federation", "kazakhstan"] == 80.0  # names, case-insensitive
    assert m.loc[[398, "Russian Federation"], "Belarus"].values.tolist() == [[50.0], [60.0]]
    no_codes = IndexMatrix(m.values, m.rows, m.cols, TC, "exporter", "importer")
    assert no_codes.loc["Kazakhstan", "Belarus"] == 50.0  # a name falls back on its ISO3 label
    with pytest.raises(KeyError, match="found 999"):
        m.loc[999, "KAZ"]


def test_numpy_protocol(m):
    assert np.asarray(m) is not None and np.asarray(m).shape == (2, 3)
    np.testing.assert_array_equal(np.asarray(m), m.values)
    assert np.asarray(m, dtype=np.float32).dtype == np.float32
    assert np.array(m, copy=True) is not m.values and np.shares_memory(np.asarray(m), m.values)
    assert len(m) == 2 and m.ndim == 2 and m.shape == (2, 3)
    import pandas as pd
    assert pd.DataFrame(m).shape == (2, 3)  # unlabelled (the values); to_pandas() is labelled
    with pytest.raises(ValueError, match="truth value of a IndexMatrix is ambiguous"):
        bool(m)


# -- out: the long table ---------------------------------------------------------------------------
def test_long_table_columns_codes_and_self_pairs(m):
    t = m.to_arrow()
    assert t.column_names == ["year", "exporter", "exporter_code", "importer", "importer_code",
                              "trade_complementarity"]
    # RUS-RUS and KAZ-KAZ left out: 4 of the 6 cells, in row-major order
    assert list(zip(t["exporter"].to_pylist(), t["importer"].to_pylist())) == [
        ("RUS", "KAZ"), ("RUS", "BLR"), ("KAZ", "RUS"), ("KAZ", "BLR")]
    assert t["importer_code"].to_pylist() == [398, 112, 643, 112]
    assert t["trade_complementarity"].to_pylist() == [80.0, 60.0, 70.0, 50.0]
    kept = IndexMatrix(m.values, m.rows, m.cols, TC, "exporter", "importer", 2016, {"self_pairs": True},
                       row_codes=m.row_codes, col_codes=m.col_codes).to_arrow()
    assert kept.num_rows == 6 and kept["trade_complementarity"].null_count == 2  # NaN is null


def test_long_table_groups_and_no_year(group):
    t = group.to_arrow()
    assert t.column_names == ["year", "reporter", "reporter_code", "partner", "partner_code", "grubel_lloyd"]
    assert t["partner"].to_pylist() == ["KAZ", "EAEU", "ARM", "EAEU"]
    assert t["partner_code"].to_pylist() == [398, None, 51, None]  # a group: null code
    no_year = IndexMatrix(group.values, group.rows, group.cols, "Grubel-Lloyd", "reporter", "partner")
    assert no_year.to_arrow().column_names[0] == "reporter"
    # no codes: self-pairs recognised by label; products have no code column
    rca = IndexMatrix(np.ones((2, 2)), ["ARG", "BRA"], ["01", "02"], "RCA", "country", "product", 1990)
    assert rca.to_arrow().column_names == ["year", "country", "country_code", "product", "rca"]


def test_long_pandas(m):
    long = m.to_long()
    assert list(long.columns) == ["year", "exporter", "exporter_code", "importer", "importer_code",
                                  "trade_complementarity"]
    assert len(long) == 4 and str(long.exporter_code.dtype) == "Int64"
    withnan = IndexMatrix(m.values, m.rows, m.cols, TC, "exporter", "importer", 2016, {"self_pairs": True})
    long = withnan.to_long()
    assert long.trade_complementarity.isna().sum() == 2 and long.trade_complementarity.dtype == np.float64
    assert long.exporter_code.isna().all()


def test_arrow_stream_protocol(m, group):
    assert pa.table(m).equals(m.to_arrow())
    import polars as pl
    frame = pl.DataFrame(m)
    assert frame.columns == m.to_arrow().column_names and frame["trade_complementarity"].to_list() == [80, 60, 70, 50]
    import duckdb
    r = group  # noqa: F841 - DuckDB finds it by name
    [(nulls, coded)] = duckdb.sql("select count(*) - count(grubel_lloyd), count(partner_code) from r").fetchall()
    assert (nulls, coded) == (0, 2)


def test_pandas_wide(m):
    df = m.to_pandas()
    assert df.loc["KAZ", "BLR"] == 50.0 and df.index.name == "exporter" and df.columns.name == "importer"
    assert df.shape == (2, 3) and np.isnan(df.loc["RUS", "RUS"])  # every cell, NaN kept


def test_xarray(m):
    da = m.to_xarray()
    assert da.dims == ("exporter", "importer") and da.name == "trade_complementarity"
    assert da.sel(exporter="KAZ", importer="BLR").item() == 50.0
    assert da.exporter_code.values.tolist() == [643, 398] and int(da.year) == 2016
    assert da.attrs == {"index": TC, "scale": 100}
    nested = IndexMatrix(m.values, m.rows, m.cols, TC, "exporter", "importer", 2016,
                         {"groups": {2016: {"EAEU": ["KAZ", "RUS"]}}, "flag": True, "none": None})
    attrs = nested.to_xarray().attrs
    assert json.loads(attrs["groups"]) == {"2016": {"EAEU": ["KAZ", "RUS"]}} and attrs["flag"] == "true"
    assert attrs["none"] == "null"


def test_to_string(m):
    text = m.to_string()
    assert text.splitlines()[0].split() == ["exporter", "RUS", "KAZ", "BLR"]
    assert text.splitlines()[1].split() == ["RUS", "n/a", "80", "60"]
    assert "(2 x 3 in all)" in m.to_string(max_rows=1)


def test_files(m, tmp_path):
    m.to_csv(tmp_path / "w.csv")
    wide = pacsv.read_csv(tmp_path / "w.csv")
    assert wide.column_names == ["exporter", "RUS", "KAZ", "BLR"] and wide["KAZ"].to_pylist() == [80.0, None]
    m.to_csv(tmp_path / "l.csv", long=True)
    assert pacsv.read_csv(tmp_path / "l.csv").equals(m.to_arrow().cast(pacsv.read_csv(tmp_path / "l.csv").schema))
    m.to_parquet(tmp_path / "l.parquet")
    assert pq.read_table(tmp_path / "l.parquet").equals(m.to_arrow())
    m.write(tmp_path / "l.feather")
    assert pa.feather.read_table(tmp_path / "l.feather").equals(m.to_arrow())
    with pytest.raises(ValueError, match=r"path must be a file name ending in .parquet; found '.*l.csv'"):
        m.to_parquet(tmp_path / "l.csv")


# -- panels ----------------------------------------------------------------------------------------
def test_panel(m):
    p = panel_of(m)
    assert p[2016].loc["RUS", "KAZ"] == 81.0 and p[2016].year == 2016
    assert p[2016].col_codes.tolist() == [643, 398, 112]
    assert len(p) == 2 and len(p.to_long()) == 8 and p.shape == (2, 2, 3) and p.ndim == 3
    assert [x.year for x in p] == [2015, 2016]
    np.testing.assert_array_equal(np.asarray(p), p.values)
    with pytest.raises(KeyError, match="year must be one of the years 2015, 2016; found 2020"):
        p[2020]


def test_panel_long_and_pandas(m):
    p = panel_of(m)
    t = p.to_arrow()
    assert t.column_names == ["year", "exporter", "exporter_code", "importer", "importer_code",
                              "trade_complementarity"]
    assert t["year"].to_pylist() == [2015] * 4 + [2016] * 4
    assert t.slice(4).drop(["year"]).equals(p[2016].to_arrow().drop(["year"]))
    wide = p.to_pandas()
    assert wide.index.names == ["year", "exporter"] and wide.loc[(2016, "KAZ"), "BLR"] == 51.0
    assert wide.loc[2016].equals(p[2016].to_pandas())
    long = p.to_pandas(wide=False)
    assert long.index.names == ["year", "exporter", "importer"] and len(long) == 12
    assert long.loc[(2015, "RUS", "BLR"), "trade_complementarity"] == 60.0
    da = p.to_xarray()
    assert da.dims == ("year", "exporter", "importer") and da.sel(year=2016, exporter="RUS", importer="KAZ") == 81


def test_panel_loc(m):
    p = panel_of(m)
    assert p.loc[2016, "RUS", "KAZ"] == 81.0
    assert p.loc[:, "RUS", "KAZ"] == {2015: 80.0, 2016: 81.0}
    assert p.loc[:, 643, "Kazakhstan"] == {2015: 80.0, 2016: 81.0}
    one_year = p.loc[2015, ["KAZ"]]
    assert isinstance(one_year, IndexMatrix) and one_year.shape == (1, 3) and one_year.year == 2015
    sub = p.loc[[2016], :, ["BLR", "KAZ"]]
    assert isinstance(sub, IndexPanel) and sub.years == [2016] and sub.cols.tolist() == ["BLR", "KAZ"]
    np.testing.assert_array_equal(sub.values, [[[61.0, 81.0], [51.0, np.nan]]])
    assert p.loc[2016:, "RUS", "KAZ"] == {2016: 81.0} and p.loc[:2015, "KAZ", "RUS"] == {2015: 70.0}
    with pytest.raises(KeyError, match="importer must be labels"):
        p.loc[:, "RUS", "ZZZ"]


# -- arithmetic ------------------------------------------------------------------------------------
def test_arithmetic_scalars(m):
    half = m / 2
    np.testing.assert_array_equal(half.values, m.values / 2)
    assert half.name == TC and half.meta["operations"] == ["x / 2"] and half.row_codes.tolist() == [643, 398]
    assert (100 - m).meta["operations"] == ["100 - x"] and (100 - m).loc["RUS", "KAZ"] == 20.0
    assert np.log(m).meta["operations"] == ["log(x)"] and (-m).loc["KAZ", "RUS"] == -70.0
    assert (m > 60).values.tolist() == [[False, True, False], [True, False, False]]
    assert m.meta == {"scale": 100}  # the operand is not modified
    with pytest.raises(TypeError):
        m + np.ones((2, 3))  # unlabelled arrays do not align: use np.asarray(m) + array


def test_year_difference(m):
    p = panel_of(m)
    change = p[2016] - p[2015]
    assert change.name == "trade complementarity, 2016 - 2015" and change.year is None
    np.testing.assert_array_equal(change.values, np.where(np.isnan(m.values), np.nan, 1.0))
    assert change.meta["operation"] == {"op": "left - right", "left": {"name": TC, "year": 2016, "meta": {}},
                                        "right": {"name": TC, "year": 2015, "meta": {}}}
    assert change.meta["scale"] == 100 and change.value_name == "trade_complementarity_2016_2015"
    assert (p - p).values[~np.isnan(p.values)].tolist() == [0.0] * 8


def test_arithmetic_aligns_labels(m):
    other = IndexMatrix(np.array([[1.0, 2.0], [3.0, 4.0]]), ["KAZ", "ARM"], ["RUS", "ARM"], "GL", "exporter",
                        "importer", 2016, {"scale": 1}, row_codes=[398, 51], col_codes=[643, 51])
    total = m + other
    assert total.name == "trade complementarity + GL" and total.year == 2016
    # the union: countries by code (ARM 51, KAZ 398, RUS 643; BLR 112 among the columns)
    assert total.rows.tolist() == ["ARM", "KAZ", "RUS"] and total.cols.tolist() == ["ARM", "BLR", "KAZ", "RUS"]
    assert total.row_codes.tolist() == [51, 398, 643] and total.col_codes.tolist() == [51, 112, 398, 643]
    assert total.loc["KAZ", "RUS"] == 71.0 and np.isnan(total.loc["ARM", "RUS"]) and np.isnan(total.loc["KAZ", "ARM"])
    assert total.meta["operation"]["left"]["meta"] == {"scale": 100}
    assert total.meta["operation"]["right"]["meta"] == {"scale": 1}
    flipped = IndexMatrix(m.values, m.rows, m.cols, TC, "reporter", "partner", 2016)
    with pytest.raises(ValueError, match="other must be a result with axes exporter x importer .* found reporter x partner"):
        m - flipped
    with pytest.raises(TypeError):
        m - panel_of(m)


def test_panel_arithmetic_aligns_years(m):
    p = panel_of(m)
    later = IndexPanel(m.values[None] + 5, [2016], m.rows, m.cols, TC, "exporter", "importer",
                       row_codes=m.row_codes, col_codes=m.col_codes)
    diff = later - p
    assert diff.years == [2015, 2016] and np.isnan(diff.values[0]).all()
    assert diff.loc[2016, "RUS", "KAZ"] == 4.0 and (p * 2).loc[2015, "KAZ", "BLR"] == 100.0


# -- assembly --------------------------------------------------------------------------------------
def test_from_matrices_aligns_on_the_union():
    a = IndexMatrix(np.array([[1.0, 2.0]]), ["RUS"], ["KAZ", "EAEU"], TC, "exporter", "importer", 2014,
                    {"scale": 100, "groups": {2014: {"EAEU": ["BLR", "KAZ", "RUS"]}}, "products": 10},
                    row_codes=[643], col_codes=[398, -1])
    b = IndexMatrix(np.array([[3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]), ["ARM", "RUS"], ["EU27", "EAEU", "ARM"], TC,
                    "exporter", "importer", 2015,
                    {"scale": 100, "groups": {2015: {"EAEU": ["ARM", "BLR", "KAZ", "KGZ", "RUS"]}}, "products": 12},
                    row_codes=[51, 643], col_codes=[-1, -1, 51])
    p = IndexPanel.from_matrices([b, a])  # any order in, years in order out
    assert p.years == [2014, 2015]
    assert p.rows.tolist() == ["ARM", "RUS"] and p.row_codes.tolist() == [51, 643]
    # countries by code, then groups in order of first appearance over the years
    assert p.cols.tolist() == ["ARM", "KAZ", "EAEU", "EU27"] and p.col_codes.tolist() == [51, 398, -1, -1]
    assert p.loc[2014, "RUS", "EAEU"] == 2.0 and p.loc[2015, "ARM", "EU27"] == 3.0
    assert np.isnan(p.values[0, 0]).all() and np.isnan(p.loc[2015, "RUS", "KAZ"])
    assert p.meta == {"scale": 100, "groups": {2014: a.meta["groups"][2014], 2015: b.meta["groups"][2015]},
                      "products": {2014: 10, 2015: 12}}
    assert p[2015].meta["groups"] == b.meta["groups"]  # a year's meta back out of the panel


def test_from_matrices_round_trip(m):
    p = panel_of(m)
    p.meta = {"scale": 100, "method_used": {2015: "dense", 2016: "sparse"}}
    back = IndexPanel.from_matrices(list(p))
    assert back.equals(p) and back.meta == p.meta
    assert not back.equals(p * 2)


def test_from_matrices_of_the_sample():
    """The per-year driver's contract: per-year results assembled equal the multi-year call."""
    flows = tradeindex.sample()
    groups = {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]}
    panel = tradeindex.complementarity(flows, groups=groups)
    parts = [tradeindex.complementarity(flows, years=y, groups=groups) for y in panel.years]
    assembled = IndexPanel.from_matrices(parts)
    assert assembled.equals(panel) and assembled.meta == panel.meta


def test_from_matrices_labels_and_errors(m):
    # two countries that share a label in the union (BACI's Belgium 56 and Belgium-Luxembourg 58)
    a = IndexMatrix(np.ones((1, 1)), ["BEL"], ["FRA"], TC, "exporter", "importer", 1998, row_codes=[58], col_codes=[251])
    b = IndexMatrix(np.ones((1, 1)), ["BEL"], ["FRA"], TC, "exporter", "importer", 1999, row_codes=[56], col_codes=[251])
    assert IndexPanel.from_matrices([a, b]).rows.tolist() == ["BEL(56)", "BEL(58)"]
    # an input without codes matches by label
    c = IndexMatrix(np.ones((1, 1)), ["BEL"], ["FRA"], TC, "exporter", "importer", 2000)
    assert IndexPanel.from_matrices([b, c]).rows.tolist() == ["BEL"]
    with pytest.raises(ValueError, match="matrices must be results of one year each, every year once; found years 2016, 2016"):
        IndexPanel.from_matrices([m, m])
    with pytest.raises(ValueError, match=r"matrices must be results of one index \('trade complementarity', exporter x importer\)"):
        IndexPanel.from_matrices([m, IndexMatrix(m.values, m.rows, m.cols, "GL", "exporter", "importer", 2017)])
    with pytest.raises(TypeError, match="matrices must be a non-empty list of IndexMatrix results; found an empty list"):
        IndexPanel.from_matrices([])


# -- TopPartners -----------------------------------------------------------------------------------
@pytest.fixture
def top():
    values = np.array([[[90.0, 80.0], [70.0, np.nan]]])
    partners = np.array([[["KAZ", "EAEU"], ["RUS", ""]]], dtype=object)
    return TopPartners(values, partners, [2016], ["RUS", "KAZ"], TC, "exporter", "importer", {"k": 2},
                       row_codes=[643, 398], partner_codes=[[[398, -1], [643, -1]]])


def test_top_partners_long(top):
    t = top.to_arrow()
    assert t.column_names == ["year", "exporter", "exporter_code", "rank", "importer", "importer_code",
                              "trade_complementarity"]
    assert t["importer"].to_pylist() == ["KAZ", "EAEU", "RUS"] and t["rank"].to_pylist() == [1, 2, 1]
    assert t["importer_code"].to_pylist() == [398, None, 643]
    assert top.to_pandas().equals(top.to_long()) and pa.table(top).equals(t)
    mine = TopPartners(top.values, np.array([[["RUS", "KAZ"], ["RUS", ""]]], dtype=object), [2016], top.rows, TC,
                       "exporter", "importer", row_codes=[643, 398])
    assert mine.to_arrow()["importer"].to_pylist() == ["KAZ", "RUS"]  # (RUS, RUS) is a self-pair
    da = top.to_xarray()
    assert da.dims == ("year", "exporter", "rank") and da.importer.values[0, 0].tolist() == ["KAZ", "EAEU"]
    assert len(top) == 1 and np.asarray(top).shape == (1, 2, 2)


def test_top_partners_from_years(top):
    later = TopPartners(np.array([[[60.0], [50.0], [40.0]]]), np.array([[["KAZ"], ["RUS"], ["RUS"]]], dtype=object),
                        [2017], ["RUS", "ARM", "KAZ"], TC, "exporter", "importer", {"k": 1},
                        row_codes=[643, 51, 398], partner_codes=[[[398], [643], [643]]])
    both = TopPartners.from_years([later, top])
    assert both.years == [2016, 2017] and both.rows.tolist() == ["ARM", "KAZ", "RUS"]
    assert both.values.shape == (2, 3, 2) and both.partners[0, 0].tolist() == ["", ""]
    assert both.partners[1, 1].tolist() == ["RUS", ""] and both.partner_codes[1, 1].tolist() == [643, -1]
    assert both.meta == {"k": {2016: 2, 2017: 1}}
    assert len(both.to_arrow()) == 3 + 3


# -- TradeMatrix -----------------------------------------------------------------------------------
def test_trade_matrix_into_kernels():
    flows = tradeindex.sample()
    X, M = flows.exports(1990), flows.imports(1990)
    assert isinstance(X, TradeMatrix) and np.asarray(X).shape == X.shape and X.to_pandas().shape == X.shape
    np.testing.assert_array_equal(np.asarray(X), X.matrix.toarray())
    got = kernels.complementarity(X, M, scale=100)
    np.testing.assert_allclose(got, kernels.complementarity(X.matrix, M.matrix, scale=100), equal_nan=True)
    np.testing.assert_allclose(got, tradeindex.complementarity(flows, years=1990, self_pairs=True).values, rtol=1e-12)
    values, index = kernels.complementarity_top_k(X, M, 2)
    assert values.shape == index.shape == (len(X.rows), 2)
    with pytest.raises(ValueError, match="copy=False impossible"):
        np.array(X, copy=False)
    bad = TradeMatrix(sp.csr_array(np.array([[1.0, -2.0]])), ["A"], ["01", "02"], 1990, "exports")
    with pytest.raises(ValueError, match="X must be finite and non-negative trade values; found -2.0"):
        kernels.complementarity(bad, bad)


def test_panel_and_top_partners_construction_errors(m, top):
    with pytest.raises(ValueError, match="years must be unique labels; found '2016' more than once"):
        IndexPanel(np.stack([m.values] * 2), [2016, 2016], m.rows, m.cols, TC, "exporter", "importer")
    with pytest.raises(ValueError, match=r"values must be a 3-D array \(years x rows x cols\); found shape \(2, 3\)"):
        IndexPanel(m.values, [2016], m.rows, m.cols, TC, "exporter", "importer")
    with pytest.raises(ValueError, match=r"partners must be an array shaped like the values \(1, 2, 2\); found shape \(1, 2\)"):
        TopPartners(top.values, top.partners[:, :, 0], [2016], top.rows, TC, "exporter", "importer")
    with pytest.raises(ValueError, match=r"partner_codes must be an array shaped like the values"):
        TopPartners(top.values, top.partners, [2016], top.rows, TC, "exporter", "importer", partner_codes=[1, 2])
    with pytest.raises(ValueError, match="col_name must be an axis name different from row_name 'exporter' and from 'year'"):
        IndexPanel(m.values[None], [2016], m.rows, m.cols, TC, "exporter", "year")


def test_panel_getitem_many_years(m):
    p = panel_of(m)
    assert p[[2016]].years == [2016] and p[2015:].equals(p)


def test_xarray_is_optional(m, top, monkeypatch):
    nameless = TopPartners(top.values, top.partners, [None], top.rows, TC, "exporter", "importer")
    assert nameless.to_xarray().dims == ("exporter", "rank") and "year" not in nameless.to_arrow().column_names
    import sys
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(ImportError, match=r"to_xarray\(\) needs xarray: pip install 'tradeindex\[xarray\]'"):
        m.to_xarray()

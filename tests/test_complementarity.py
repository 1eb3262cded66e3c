"""tradeindex.complementarity / export_similarity / import_similarity on TradeFlows."""
import numpy as np
import pandas as pd
import pytest

import tradeindex
from reference import trade_complementarity


def naive(X, M, rows=None, cols=None):
    """The naive formula with self-pairs NaN (the default): the same country on both axes
    (the diagonal, when no labels are given) or the same labels."""
    out = trade_complementarity(X, M)
    if rows is None:
        np.fill_diagonal(out, np.nan)
    else:
        out[np.equal.outer(np.asarray(rows, dtype=str), np.asarray(cols, dtype=str))] = np.nan
    return out


@pytest.fixture(scope="module")
def flows():
    return tradeindex.sample()


def side_matrix(flows, side, year, product_ids=None):
    """countries x products values of one year, summed by hand with np.add.at."""
    rows = flows.year == year
    who = (flows.exporter if side == "exports" else flows.importer)[rows]
    A = np.zeros((len(flows.countries), len(flows.products)))
    np.add.at(A, (who, flows.product[rows]), flows.value[rows])
    return A if product_ids is None else A[:, product_ids]


def test_sample_1990_against_pandas(flows):
    tc = tradeindex.complementarity(flows, years=1990)
    df = pd.DataFrame({"year": flows.year, "exporter": flows.countries.label[flows.exporter],
                       "importer": flows.countries.label[flows.importer],
                       "product": flows.products.code[flows.product], "value": flows.value})
    df = df[df.year == 1990]
    x = df.pivot_table(index="exporter", columns="product", values="value", aggfunc="sum", fill_value=0)
    m = df.pivot_table(index="importer", columns="product", values="value", aggfunc="sum", fill_value=0)
    x, m = x.reindex(columns=m.columns.union(x.columns), fill_value=0), m.reindex(columns=m.columns.union(x.columns), fill_value=0)
    x, m = x.div(x.sum(axis=1), axis=0), m.div(m.sum(axis=1), axis=0)
    assert tc.values.shape == (23, 23) and np.array_equal(np.isnan(tc.values), np.eye(23, dtype=bool))
    with_self = tradeindex.complementarity(flows, years=1990, self_pairs=True)
    assert not np.isnan(with_self.values).any() and with_self.meta["self_pairs"] and not tc.meta["self_pairs"]
    for j in x.index:
        for k in m.index:
            expected = 100 * (1 - (x.loc[j] - m.loc[k]).abs().sum() / 2)
            assert with_self.loc[j, k] == pytest.approx(expected, rel=1e-10)
            if j != k:
                assert tc.loc[j, k] == with_self.loc[j, k]
    wide = tc.to_pandas()
    assert list(wide.index) == list(flows.countries.label) and wide.index.name == "exporter"


def test_panel_and_years(flows):
    panel = tradeindex.complementarity(flows)
    assert isinstance(panel, tradeindex.IndexPanel) and panel.years == [1989, 1990]
    for year in (1989, 1990):
        one = tradeindex.complementarity(flows, years=year)
        assert np.array_equal(panel[year].values, one.values, equal_nan=True)
        np.testing.assert_allclose(one.values, naive(side_matrix(flows, "exports", year),
                                                     side_matrix(flows, "imports", year)), rtol=1e-10)
    assert len(tradeindex.complementarity(flows, years=[1990])) == 1


def test_product_subset_renormalises(flows):
    tc = tradeindex.complementarity(flows, years=1990, products=["84", "85"])
    ids = flows.products.ids(["84", "85"], "products")
    expected = naive(side_matrix(flows, "exports", 1990, ids), side_matrix(flows, "imports", 1990, ids))
    np.testing.assert_allclose(tc.values, expected, rtol=1e-10)
    assert tc.meta["products"] == {1990: len(ids)} and tc.meta["product_selection"] == ["84", "85"]


def test_no_trade_in_selection_is_nan(flows):
    # a product chapter some countries do not export: their rows are NaN, never 0
    tc = tradeindex.complementarity(flows, years=1990, products=["93"])
    exports = side_matrix(flows, "exports", 1990, flows.products.ids(["93"], "products")).sum(axis=1)
    assert (exports == 0).any()
    assert np.isnan(tc.values[exports == 0]).all()
    assert not np.isnan(tc.values[exports > 0]).all(axis=1).any()


def test_groups_equal_summed_members(flows):
    members = ["ARG", "BRA", "PRY", "URY"]
    groups = {"MERCOSUR": members, "SOUTH": ["ARG", "CHL", "URY"]}  # URY in both
    tc = tradeindex.complementarity(flows, years=1990, groups=groups, exporters=["CHN", "USA"],
                                    importers=["BRA", "DEU"])
    assert list(tc.rows) == ["CHN", "USA", "MERCOSUR", "SOUTH"]
    assert list(tc.cols) == ["BRA", "DEU", "MERCOSUR", "SOUTH"]
    X, M = side_matrix(flows, "exports", 1990), side_matrix(flows, "imports", 1990)
    ids = {c: flows.countries.ids(c, "c")[0] for c in ["CHN", "USA", "BRA", "DEU", "ARG", "PRY", "URY", "CHL"]}

    def by_hand(A, names, groups):
        rows = [A[ids[c]] for c in names]
        rows += [sum(A[ids[c]] for c in group) for group in groups.values()]
        return np.array(rows)

    expected = naive(by_hand(X, ["CHN", "USA"], groups), by_hand(M, ["BRA", "DEU"], groups), tc.rows, tc.cols)
    assert np.isnan(tc.loc["MERCOSUR", "MERCOSUR"]) and not np.isnan(tc.loc["MERCOSUR", "SOUTH"])
    np.testing.assert_allclose(tc.values, expected, rtol=1e-10)
    assert tc.loc["CHN", "MERCOSUR"] == pytest.approx(expected[0, 2])


def test_selection_is_a_sub_matrix(flows):
    full = tradeindex.complementarity(flows, years=1990)
    part = tradeindex.complementarity(flows, years=1990, exporters=["USA", "BRA"], importers=["JPN"])
    assert list(part.rows) == ["BRA", "USA"]  # id (numeric code) order
    np.testing.assert_array_equal(part.values, full.loc[["BRA", "USA"], ["JPN"]].values)
    assert part.meta["self_pairs"] is False


@pytest.mark.parametrize("dtype, method", [("float64", "dense"), ("float64", "sparse"), ("float32", "auto")])
def test_options_agree(flows, dtype, method):
    ref = tradeindex.complementarity(flows, years=1990)
    got = tradeindex.complementarity(flows, years=1990, dtype=dtype, method=method, n_threads=2, scale=1)
    assert got.values.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got.values * 100, ref.values, rtol=1e-6 if dtype == "float32" else 1e-12)


def test_top_k(flows):
    groups = {"EC": ["FRA", "DEU", "ITA", "NLD"]}
    full = tradeindex.complementarity(flows, groups=groups)
    top = tradeindex.complementarity(flows, top_k=3, groups=groups)
    assert top.values.shape == (2, 24, 3) and top.years == [1989, 1990]
    long = top.to_long()
    assert list(long.columns) == ["year", "exporter", "exporter_code", "rank", "importer", "importer_code",
                                  "trade_complementarity"]
    assert len(long) == 2 * 24 * 3
    usa = long[(long.year == 1990) & (long.exporter == "USA")]
    expected = full[1990].to_pandas().loc["USA"].sort_values(ascending=False, kind="stable")[:3]
    assert list(usa.importer) == list(expected.index)
    np.testing.assert_allclose(usa.trade_complementarity, expected.values, rtol=1e-12)
    assert "USA" not in set(usa.importer)  # never its own partner (the full matrix's diagonal is NaN)
    for year in (1989, 1990):
        ranked = top.partners[top.years.index(year)]
        assert not (ranked == np.asarray(top.rows, dtype=object)[:, None]).any()
    with_self = tradeindex.complementarity(flows, top_k=3, groups=groups, self_pairs=True, years=1990)
    assert (with_self.partners[0] == np.asarray(with_self.rows, dtype=object)[:, None]).any()


def test_similarities(flows):
    es = tradeindex.export_similarity(flows, years=1990)
    X = side_matrix(flows, "exports", 1990)
    np.testing.assert_allclose(es.values, naive(X, X), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(es.values, es.values.T)
    assert np.isnan(np.diag(es.values)).all()
    np.testing.assert_allclose(np.diag(tradeindex.export_similarity(flows, years=1990, self_pairs=True).values), 100)
    assert es.row_name == "country" and es.name == "export similarity"
    ms = tradeindex.import_similarity(flows, years=1989, countries=["USA"], partners=["CAN", "MEX"])
    M = side_matrix(flows, "imports", 1989)
    ids = [flows.countries.ids(c, "c")[0] for c in ("USA", "CAN", "MEX")]
    np.testing.assert_allclose(ms.values, naive(M[ids[:1]], M[ids[1:]], ["USA"], ["CAN", "MEX"]), rtol=1e-10)


def test_outputs_round_trip(flows, tmp_path):
    tc = tradeindex.complementarity(flows, years=1990, exporters=["BRA", "ARG"])
    tc.to_parquet(tmp_path / "tc.parquet")
    back = pd.read_parquet(tmp_path / "tc.parquet")
    assert len(back) == 2 * 22  # self-pairs are not pair rows
    want = tc.values[~np.isnan(tc.values)]
    np.testing.assert_allclose(back.trade_complementarity.to_numpy(), want)
    assert list(back.columns) == ["year", "exporter", "exporter_code", "importer", "importer_code",
                                  "trade_complementarity"]
    top = tradeindex.complementarity(flows, years=1990, top_k=2)
    top.to_csv(tmp_path / "top.csv")
    assert pd.read_csv(tmp_path / "top.csv").shape == (23 * 2, 7)


def test_flows_are_not_modified(flows):
    before = flows.value.copy()
    tradeindex.complementarity(flows, years=1990, groups={"G": ["ARG", "BRA"]})
    assert np.array_equal(flows.value, before) and not flows.value.flags.writeable


@pytest.mark.parametrize("kwargs, exc, message", [
    ({"exporters": ["XXX"]}, ValueError, "exporters must be countries present"),
    ({"groups": {"G": []}}, ValueError, "groups must be a non-empty name"),
    ({"groups": ["ARG"]}, ValueError, r"groups must be a dict \{name: \[ISO3, ...\]\} or names of built-in groups .*found .ARG."),
    ({"groups": {"USA": ["CAN"]}}, ValueError, "groups must be names different from the country labels"),
    ({"groups": {"G": ["ARG", "ZZZ"]}}, ValueError, "groups\\['G'\\] must be countries present"),
    ({"years": 2001}, ValueError, "years must be one of the years present"),
    ({"years": []}, ValueError, "years must be None, a year or a non-empty list"),
    ({"top_k": 0}, ValueError, "top_k must be a positive integer"),
    ({"products": ["99"]}, ValueError, "products must be HS product codes or prefixes of codes present"),
    ({"dtype": "int8"}, ValueError, "dtype must be one of"),
])
def test_errors(flows, kwargs, exc, message):
    with pytest.raises(exc, match=message):
        tradeindex.complementarity(flows, **kwargs)


@pytest.fixture(scope="module")
def baci_csv(flows, tmp_path_factory):
    """The sample written as a BACI-style CSV (t, i, j, k, v, q with numeric country codes)."""
    path = tmp_path_factory.mktemp("baci") / "flows.csv"
    pd.DataFrame({"t": flows.year, "i": flows.countries.code[flows.exporter],
                  "j": flows.countries.code[flows.importer], "k": flows.products.code[flows.product],
                  "v": flows.value, "q": flows.quantity}).to_csv(path, index=False)
    return path


def test_cli_complementarity(flows, baci_csv, tmp_path, capsys):
    from tradeindex.cli import main
    out = tmp_path / "tc.parquet"
    assert main(["complementarity", str(baci_csv), "--year", "1990", "--products", "84,85",
                 "--group", "MERCOSUR=ARG,BRA,PRY,URY", "-o", str(out)]) == 0
    got = pd.read_parquet(out).set_index(["exporter", "importer"]).trade_complementarity
    expected = tradeindex.complementarity(flows, years=1990, products=["84", "85"],
                                          groups={"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]})
    assert len(got) == 24 * 24 - 24  # every pair but the self-pairs
    assert got["BRA", "MERCOSUR"] == pytest.approx(expected.loc["BRA", "MERCOSUR"], rel=1e-12)
    wide = tmp_path / "wide.csv"
    assert main(["complementarity", str(baci_csv), "--years", "1990", "--wide", "-o", str(wide)]) == 0
    assert pd.read_csv(wide, index_col=0).shape == (23, 23)
    top = tmp_path / "top.csv"
    assert main(["complementarity", str(baci_csv), "--top-k", "2", "-o", str(top)]) == 0
    assert pd.read_csv(top).shape == (2 * 23 * 2, 7)
    assert main(["complementarity", str(baci_csv), "--group", "NOPE", "-o", str(top), "--overwrite"]) == 2
    assert "--group must be NAME=A,B,C (e.g. EAEU=ARM,BLR,KAZ,KGZ,RUS) or a built-in group" in capsys.readouterr().err
    assert main(["complementarity", str(baci_csv), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "-o/--output must be a file name ending in .csv.gz or .csv or .parquet" in capsys.readouterr().err


def test_dense_and_sparse_assembly_agree(flows, monkeypatch):
    import importlib
    module = importlib.import_module("tradeindex.flows")
    dense = tradeindex.complementarity(flows, groups={"G": ["ARG", "BRA"]}, products=["84"])
    monkeypatch.setattr(module, "DENSE_CELLS_PER_FLOW", 0)  # every side as a sparse matrix
    monkeypatch.setattr(module, "DENSE_CELLS_MIN", 0)
    sparse = tradeindex.complementarity(flows, groups={"G": ["ARG", "BRA"]}, products=["84"])
    np.testing.assert_allclose(dense.values, sparse.values, rtol=1e-12)


def test_builtin_group_membership_by_year(eaeu_flows):
    """A built-in group takes each year's members: Armenia counts in the EAEU from 2015 only."""
    tc = tradeindex.complementarity(eaeu_flows, groups="EAEU")
    assert tc.meta["groups"][2014]["EAEU"] == ["BLR", "KAZ", "RUS"]
    assert sorted(tc.meta["groups"][2015]["EAEU"]) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    for year, members in ((2014, ["BLR", "KAZ", "RUS"]), (2015, ["ARM", "BLR", "KAZ", "KGZ", "RUS"])):
        by_hand = tradeindex.complementarity(eaeu_flows, years=year, groups={"EAEU": members})
        assert tc[year].loc["DEU", "EAEU"] == pytest.approx(by_hand.loc["DEU", "EAEU"], rel=1e-12)


def test_meta_records_the_method_used(flows):
    tc = tradeindex.complementarity(flows, years=1990)
    assert tc.meta["method"] == "auto" and tc.meta["method_used"][1990] in ("dense", "sparse")
    assert tradeindex.complementarity(flows, years=1990, method="sparse").meta["method_used"] == {1990: "sparse"}

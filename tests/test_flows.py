"""TradeFlows: selection, aggregation, matrices (against a pandas groupby), totals, display."""
import numpy as np
import pytest

import tradeindex
from tradeindex import TradeFlows


def _groupby_matrix(df, year, side, flows):
    col = "i" if side == "exports" else "j"
    g = df[df.t == year].groupby([col, "k"])["v"].sum()
    code_to_id = {c: n for n, c in enumerate(flows.countries.code)}
    prod_to_id = {c: n for n, c in enumerate(flows.products.code)}
    dense = np.zeros((len(flows.countries), len(flows.products)))
    for (country, product), v in g.items():
        dense[code_to_id[country], prod_to_id[product]] = v
    return dense


@pytest.mark.parametrize("side", ["exports", "imports"])
@pytest.mark.parametrize("year", [1989, 1990])
def test_matrices_against_pandas_groupby(sample, sample_frame, side, year):
    m = getattr(sample, side)(year)
    assert m.kind == side and m.year == year
    assert list(m.rows) == list(sample.countries.label) and list(m.cols) == list(sample.products.code)
    np.testing.assert_allclose(m.matrix.toarray(), _groupby_matrix(sample_frame, year, side, sample), rtol=1e-12)
    assert m.matrix.format == "csr"


def test_matrices_by_year(sample):
    by_year = sample.exports_by_year()
    assert list(by_year) == [1989, 1990]
    assert (by_year[1990].matrix != sample.exports(1990).matrix).nnz == 0
    assert set(sample.imports_by_year()) == {1989, 1990}


def test_country_totals_kernel_against_bincount(sample):
    for n_threads in (1, 2):
        exp, imp = sample.country_totals(n_threads=n_threads)
        np.testing.assert_allclose(exp, np.bincount(sample.exporter, sample.value), rtol=1e-12)
        np.testing.assert_allclose(imp, np.bincount(sample.importer, sample.value), rtol=1e-12)


def test_select(sample, sample_frame):
    s = sample.select(years=[1990], exporters=["BRA", 32], importers=["USA", "DEU"], products=["84", "8501"])
    df = sample_frame
    want = df[(df.t == 1990) & df.i.isin([76, 32]) & df.j.isin([842, 276])
              & (df.k.str.startswith("84") | (df.k == "8501"))]
    assert len(s) == len(want) > 0
    assert s.value.sum() == pytest.approx(want.v.sum(), rel=1e-12)
    assert set(s.countries.label) == {"ARG", "BRA", "USA", "DEU"}
    assert len(s.products) == want.k.nunique()
    assert len(sample) == 229_585  # the original is untouched


def test_select_product_range(sample):
    s = sample.select(products="84-85")
    assert {c[:2] for c in s.products.code} == {"84", "85"}


def test_aggregate_products(sample, sample_frame):
    a = sample.aggregate_products(2)
    df = sample_frame.assign(k2=sample_frame.k.str[:2])
    g = df.groupby(["t", "i", "j", "k2"]).agg(v=("v", "sum"), q=("q", lambda s: s.sum(min_count=len(s))))
    assert len(a) == len(g)
    assert a.value.sum() == pytest.approx(df.v.sum(), rel=1e-12)
    assert np.isnan(a.quantity).sum() == g.q.isna().sum()
    assert list(a.products.code) == sorted(df.k2.unique())


def test_summary_and_repr(sample):
    text = sample.summary()
    assert "229,585 flows" in text and "1989-1990" in text and "23" in text and "HS92" in text
    assert repr(sample) == "<TradeFlows 229,585 flows, 1989-1990, 23 countries, 1,241 products, HS92>"


def test_duplicates_sum_reports(recwarn):
    f = tradeindex.TradeFlows.from_arrays([4, 4, 8, 4], [8, 8, 4, 8], ["01", "01", "01", "01"],
                                          [1.0, 2.0, 3.0, 4.0], quantity=[1.0, np.nan, 2.0, 1.0],
                                          duplicates="sum")
    assert len(f) == 2 and sorted(f.value) == [3.0, 7.0]
    assert np.isnan(f.quantity[f.value == 7.0]).all()
    assert "2 duplicated rows were summed into 2 flows" in f.notes[0]
    assert "2 duplicated rows were summed" in str(recwarn.pop(UserWarning).message)
    assert "note: duplicates='sum'" in f.summary()


def test_sorted_and_shuffled_input_agree(sample):
    rng = np.random.default_rng(0)
    order = rng.permutation(len(sample))
    codes = sample.countries.code
    g = tradeindex.TradeFlows.from_arrays(codes[sample.exporter][order], codes[sample.importer][order],
                                          sample.products.code[sample.product][order].astype(str),
                                          sample.value[order], year=sample.year[order])
    # sums over partners run in another order: equal to rounding
    np.testing.assert_allclose(g.exports(1990).matrix.toarray(), sample.exports(1990).matrix.toarray(), rtol=1e-13)


@pytest.mark.parametrize("n_countries", [10, 3000])  # counting-sort check, and the sort fallback
def test_unsorted_duplicates_found(n_countries):
    rng = np.random.default_rng(1)
    e = rng.integers(0, n_countries, 500)
    i = (e + 1 + rng.integers(0, n_countries - 1, 500)) % n_countries
    k = rng.integers(0, 50, 500)
    key = np.unique((e * n_countries + i) * 50 + k, return_index=True)[1]
    e, i, k = e[key], i[key], k[key]
    order = rng.permutation(len(e))
    e, i, k = [f"c{x}" for x in e[order]], [f"c{x}" for x in i[order]], [f"{x:02d}" for x in k[order]]
    v = np.ones(len(e))
    assert len(TradeFlows.from_arrays(e, i, k, v)) == len(e)
    with pytest.raises(ValueError, match=rf"found a duplicated row at row {len(e)} .* repeating row 7"):
        TradeFlows.from_arrays(e + [e[7]], i + [i[7]], k + [k[7]], np.ones(len(e) + 1))

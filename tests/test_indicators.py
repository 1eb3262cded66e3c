"""Trade indicators: the array kernels against the naive formulas of tests/reference.py (random
data, empty rows and columns, every sparse format), the index functions against pandas on the
real sample, the same results from TradeFlows and from a lazily read release; every error message."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

import reference as ref
import tradeindex
from tradeindex import kernels

MERCOSUR = {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]}
FORMATS = [np.asarray, sp.csr_array, sp.csc_array, sp.coo_array, sp.csr_matrix]


@pytest.fixture(scope="module")
def flows():
    return tradeindex.sample()


@pytest.fixture(scope="module")
def df90(flows):
    return ref.labelled_frame(flows, 1990)


def trade_matrices(max_rows=6, max_cols=7):
    """Non-negative integer matrices with many zeros (whole rows and columns included)."""
    shape = st.tuples(st.integers(1, max_rows), st.integers(1, max_cols))
    return shape.flatmap(lambda s: arrays(np.float64, s, elements=st.sampled_from([0.0, 0.0, 1.0, 2.0, 3.0, 7.0, 40.0])))


def bilateral(max_n=6):
    """Square matrices with a zero diagonal."""
    def zero_diagonal(B):
        B = B.copy()
        np.fill_diagonal(B, 0.0)
        return B
    return st.integers(2, max_n).flatmap(
        lambda n: arrays(np.float64, (n, n), elements=st.sampled_from([0.0, 0.0, 1.0, 3.0, 10.0]))).map(zero_diagonal)


def readonly(a):
    a = np.array(a, dtype=np.float64)
    a.flags.writeable = False
    return a


# -- kernels: cell_totals ------------------------------------------------------------------------
@pytest.mark.parametrize("n_threads", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("order", ["sorted", "shuffled"])
def test_cell_totals_against_add_at(n_threads, dtype, order):
    rng = np.random.default_rng(3)
    rows, cols = rng.integers(0, 7, 5000).astype(dtype), rng.integers(0, 11, 5000).astype(dtype)
    values = rng.random(5000)
    if order == "sorted":
        o = np.lexsort((cols, rows))
        rows, cols, values = rows[o], cols[o], values[o]
    expected = np.zeros((7, 11))
    np.add.at(expected, (rows, cols), values)
    got = kernels.cell_totals(rows, cols, values, 7, 11, n_threads=n_threads)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    none = np.zeros(0, np.int64)
    assert kernels.cell_totals(none, none, [], 2, 3).tolist() == [[0.0] * 3] * 2
    assert kernels._cell_totals(none, none, np.zeros(0), 0, 3).shape == (0, 3)  # flows without countries


def test_cell_totals_errors():
    with pytest.raises(ValueError, match=r"rows must be ids in \[0, 2\); found 2 at row 1"):
        kernels.cell_totals([0, 2], [0, 0], [1.0, 1.0], 2, 2)
    with pytest.raises(ValueError, match="values must be of length 2 like rows; found length 1"):
        kernels.cell_totals([0, 1], [0, 0], [1.0], 2, 2)
    with pytest.raises(ValueError, match="n_cols must be a positive integer; found 0"):
        kernels.cell_totals([0], [0], [1.0], 1, 0)


# -- kernels: RCA ---------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(trade_matrices())
def test_rca_against_naive(X):
    expected = ref.rca(X)
    np.testing.assert_allclose(kernels.rca(X), expected, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(kernels.rca(X, kind="symmetric"), (expected - 1) / (expected + 1),
                               rtol=1e-12, atol=1e-15, equal_nan=True)
    np.testing.assert_array_equal(kernels.rca(X, kind="binary"), ref.rca_binary(X))
    for fmt in FORMATS[1:]:
        got = kernels.rca(fmt(X))
        assert sp.issparse(got)
        np.testing.assert_allclose(got.toarray(), expected, rtol=1e-12, equal_nan=True)
        np.testing.assert_array_equal(kernels.rca(fmt(X), kind="binary").toarray(), ref.rca_binary(X))


@settings(max_examples=40, deadline=None)
@given(trade_matrices(), st.data())
def test_rca_against_a_reference_row(X, data):
    row = data.draw(arrays(np.float64, X.shape[1], elements=st.sampled_from([0.0, 1.0, 5.0, 9.0])))
    np.testing.assert_allclose(kernels.rca(X, reference=row), ref.rca(X, row), rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(kernels.rca(X, reference=row, kind="binary"), ref.rca_binary(X, row))
    np.testing.assert_allclose(kernels.rca(sp.csr_array(X), reference=row).toarray(), ref.rca(X, row),
                               rtol=1e-12, equal_nan=True)


def test_rca_zero_division_is_nan_and_inputs_untouched():
    X = readonly([[4.0, 0.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 0.0]])
    out = kernels.rca(X)
    assert np.isnan(out[2]).all() and np.isnan(out[:, 2]).all()  # no exports / nobody exports
    assert out[0, 1] == 0.0  # a true zero: defined denominators
    S = sp.csr_array(X)
    before = S.data.copy()
    kernels.rca(S)
    np.testing.assert_array_equal(S.data, before)
    assert sp.issparse(kernels.rca(S)) and not sp.issparse(kernels.rca(S, kind="symmetric"))


def test_rca_errors():
    with pytest.raises(ValueError, match="kind must be one of 'ratio', 'symmetric', 'binary'; found 'log'"):
        kernels.rca(np.ones((2, 2)), kind="log")
    with pytest.raises(ValueError, match=r"reference must be of length 2 like the columns of X; found length 3"):
        kernels.rca(np.ones((2, 2)), reference=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="reference must be finite and non-negative; found -1.0 at row 1"):
        kernels.rca(np.ones((2, 2)), reference=[1.0, -1.0])
    with pytest.raises(ValueError, match="X must be finite and non-negative trade values; found "):
        kernels.rca(np.array([[1.0, -2.0]]))


# -- kernels: trade intensity and partner shares -----------------------------------------------------
def groups_of(data, n):
    """Random 0/1 aggregation: a few single countries and a few groups (lists of ids)."""
    k = data.draw(st.integers(1, 4))
    members = [sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))) for _ in range(k)]
    G = np.zeros((k, n))
    for r, m in enumerate(members):
        G[r, m] = 1.0
    return G, members


@settings(max_examples=60, deadline=None)
@given(bilateral(), st.booleans())
def test_trade_intensity_against_naive(B, exclude_self):
    expected = ref.trade_intensity(B, exclude_self=exclude_self)
    for fmt in FORMATS:
        got = kernels.trade_intensity(fmt(B), exclude_self=exclude_self)
        np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)
    assert np.isnan(np.diag(expected)).all()


@settings(max_examples=60, deadline=None)
@given(bilateral(), st.booleans(), st.data())
def test_trade_intensity_of_groups_against_naive(B, exclude_self, data):
    R, rows = groups_of(data, len(B))
    K, cols = groups_of(data, len(B))
    got = kernels.trade_intensity(B, rows=R, cols=sp.csr_array(K), exclude_self=exclude_self)
    np.testing.assert_allclose(got, ref.trade_intensity(B, rows, cols, exclude_self), rtol=1e-12, equal_nan=True)
    shares = kernels.partner_shares(B, rows=R, cols=K, scale=100)
    np.testing.assert_allclose(shares, ref.partner_shares(B, rows, cols, 100.0), rtol=1e-12, equal_nan=True)


def test_trade_intensity_rest_of_world_has_no_rounding_residue():
    # only country 0 exports to 2: the rest of the world sends 0 there -> NaN, not 1e17
    B = np.array([[0.0, 0.1, 0.7], [0.2, 0.0, 0.0], [0.3, 0.6, 0.0]])
    got = kernels.trade_intensity(B, rows=[[1, 0, 0], [1, 1, 0]], cols=[[0, 0, 1]], exclude_self=True)
    assert np.isnan(got).all()


def test_bilateral_errors():
    with pytest.raises(ValueError, match=r"B must be a square countries x countries matrix \(exporters x importers\); found shape \(2, 3\)"):
        kernels.trade_intensity(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"B must be zero on the diagonal \(no trade of a country with itself\); found 5.0 at \(1, 1\); 1 in all"):
        kernels.trade_intensity(np.diag([0.0, 5.0]))
    with pytest.raises(ValueError, match=r"rows must be None or a 2-D 0/1 matrix with 2 columns \(one per country\); found shape \(1, 3\)"):
        kernels.trade_intensity(np.zeros((2, 2)), rows=[[1, 0, 1]])
    with pytest.raises(ValueError, match=r"cols must be a matrix of 0s and 1s \(members of each output row\); found 0.5"):
        kernels.partner_shares(np.zeros((2, 2)), cols=[[0.5, 1.0]])
    with pytest.raises(ValueError, match="scale must be a positive finite number"):
        kernels.partner_shares(np.zeros((2, 2)), scale=0)


# -- kernels: concentration, specialisation, Krugman, regional orientation ---------------------------------
@settings(max_examples=60, deadline=None)
@given(trade_matrices())
def test_hhi_against_naive(A):
    for fmt in FORMATS:
        np.testing.assert_allclose(kernels.hhi(fmt(A)), ref.hhi(A), rtol=1e-12, equal_nan=True)
        got, counts = kernels.hhi(fmt(A), normalized=True, scale=10000, return_counts=True)
        np.testing.assert_allclose(got, 10000 * ref.hhi(A, normalized=True), rtol=1e-9, atol=1e-9, equal_nan=True)
        np.testing.assert_array_equal(counts, (A > 0).sum(axis=1))


def test_hhi_bounds():
    A = np.array([[5.0, 5.0, 5.0, 5.0], [0.0, 9.0, 0.0, 0.0]])
    np.testing.assert_allclose(kernels.hhi(A), [0.25, 1.0])
    np.testing.assert_allclose(kernels.hhi(A, normalized=True), [0.0, np.nan], atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(trade_matrices(), st.data())
def test_specialisation_and_orientation_against_naive(X, data):
    M = data.draw(arrays(np.float64, X.shape, elements=st.sampled_from([0.0, 0.0, 1.0, 4.0])))
    for fmt in FORMATS:
        np.testing.assert_allclose(kernels.trade_specialisation(fmt(X), fmt(M)), ref.trade_specialisation(X, M),
                                   rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(kernels.regional_orientation(fmt(X), fmt(M)), ref.regional_orientation(X, M),
                                   rtol=1e-12, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(trade_matrices(), st.sampled_from(["dense", "sparse"]))
def test_krugman_against_naive_l1(X, method):
    np.testing.assert_allclose(kernels.krugman(X, method=method), ref.krugman(X, X), atol=1e-12, equal_nan=True)
    Y = X[::-1]
    np.testing.assert_allclose(kernels.krugman(sp.csr_array(X), Y, method=method), ref.krugman(X, Y), atol=1e-12,
                               equal_nan=True)


def test_shape_errors():
    with pytest.raises(ValueError, match=r"M must be the shape of X \(1, 2\); found shape \(1, 3\)"):
        kernels.trade_specialisation(np.ones((1, 2)), np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"X_out must be the shape of X_in \(2, 2\); found shape \(1, 2\)"):
        kernels.regional_orientation(np.ones((2, 2)), np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"A must be a 2-D array \(rows x products\) or a scipy.sparse matrix; found shape \(3,\)"):
        kernels.hhi(np.ones(3))


# -- TradeFlows: RCA on the sample -----------------------------------------------------------------
def test_rca_sample_against_pandas(flows, df90):
    r = tradeindex.rca(flows, years=1990)
    long = ref.rca_pandas(df90)
    got = r.to_pandas().stack()
    np.testing.assert_allclose(got.loc[long.index].to_numpy(), long.to_numpy(), rtol=1e-10)
    traded = set(long.index)
    rest = [v for key, v in got.items() if key not in traded]
    assert np.allclose(rest, 0.0)  # cells without exports: a true 0 (every country exports)
    assert r.name == "rca" and r.row_name == "country" and r.col_name == "product"
    assert "rca" in r.to_arrow().column_names and r.meta["scale"] == 1 and r.meta["against"] == "world"


def test_rca_groups_reference_and_kinds(flows):
    X = flows.exports(1990).matrix.toarray()
    ids = flows.countries.ids(MERCOSUR["MERCOSUR"], "m")
    r = tradeindex.rca(flows, years=1990, countries=["BRA", "CHN"], groups=MERCOSUR)
    assert list(r.rows) == ["BRA", "CHN", "MERCOSUR"]
    rows = np.vstack([X[flows.countries.ids(["BRA", "CHN"], "c")], X[ids].sum(axis=0)])
    np.testing.assert_allclose(r.values, ref.rca(rows, X.sum(axis=0)), rtol=1e-12, equal_nan=True)
    regional = tradeindex.rca(flows, years=1990, countries=["BRA"], reference=MERCOSUR)
    np.testing.assert_allclose(regional.values, ref.rca(X[flows.countries.ids("BRA", "c")], X[ids].sum(axis=0)),
                               rtol=1e-12, equal_nan=True)
    assert regional.meta["against"] == "MERCOSUR" and regional.meta["groups"][1990]["MERCOSUR"] == MERCOSUR["MERCOSUR"]
    assert np.isnan(regional.values).any()  # products MERCOSUR does not export: NaN, never 0
    binary = tradeindex.rca(flows, years=1990, kind="binary")
    np.testing.assert_array_equal(binary.values, ref.rca_binary(np.round(X * 1000)))  # values have 3 decimals
    assert binary.name == "rca binary" and tradeindex.rca(flows, years=1990, kind="symmetric").name == "rsca"


def test_rca_product_subset_uses_the_subset_totals(flows):
    r = tradeindex.rca(flows, years=1990, products=["84", "85"])
    ids = flows.products.ids(["84", "85"], "p")
    assert list(r.cols) == list(flows.products.code[ids]) and r.meta["product_selection"] == ["84", "85"]
    X = np.zeros((len(flows.countries), len(ids)))
    rows = (flows.year == 1990) & np.isin(flows.product, ids)
    np.add.at(X, (flows.exporter[rows], np.searchsorted(ids, flows.product[rows])), flows.value[rows])
    present = np.unique(np.r_[flows.exporter[rows], flows.importer[rows]])  # the selection's countries
    assert list(r.rows) == list(flows.countries.label[present])
    np.testing.assert_allclose(r.values, ref.rca(X[present]), rtol=1e-12, equal_nan=True)


def test_panel_is_the_years_side_by_side(flows):
    panel = tradeindex.rca(flows)
    assert isinstance(panel, tradeindex.IndexPanel) and panel.years == [1989, 1990]
    for year in (1989, 1990):
        one = tradeindex.rca(flows, years=year)
        got = panel[year].to_pandas().loc[list(one.rows), list(one.cols)]
        np.testing.assert_array_equal(got.to_numpy(), one.values)
    assert set(panel.meta["products"]) == {1989, 1990}


def test_panel_membership_by_year(eaeu_flows):
    ro = tradeindex.regional_orientation(eaeu_flows, "EAEU")
    assert list(ro.rows) == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "EAEU"]
    assert np.isnan(ro[2014].loc[["ARM", "KGZ"]].values).all()  # not members yet
    assert not np.isnan(ro[2015].loc[["ARM", "KGZ"]].values).all()
    assert ro.meta["groups"][2014]["EAEU"] == ["BLR", "KAZ", "RUS"]
    assert ro.meta["groups"][2015]["EAEU"] == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    share = tradeindex.intra_group_share(eaeu_flows, "EAEU", years=2014)
    assert list(share.rows) == ["BLR", "KAZ", "RUS", "EAEU"]


@pytest.mark.parametrize("membership", ["fixed", 2015])
def test_panel_membership_fixed(eaeu_flows, membership):
    """One composition (the last year's, or a given year's) in every year: the 2015 members in 2014."""
    ro = tradeindex.regional_orientation(eaeu_flows, "EAEU", membership=membership)
    assert ro.meta["groups"][2014]["EAEU"] == ro.meta["groups"][2015]["EAEU"] == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert not np.isnan(ro[2014].loc[["ARM", "KGZ"]].values).all() and ro.meta["membership"] == membership
    by_hand = tradeindex.regional_orientation(eaeu_flows, {"EAEU": ["ARM", "BLR", "KAZ", "KGZ", "RUS"]}, years=2014)
    np.testing.assert_array_equal(ro[2014].values, by_hand.values)
    ti = tradeindex.trade_intensity(eaeu_flows, groups="EAEU", membership=membership)
    assert ti.meta["groups"][2014]["EAEU"] == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    one = tradeindex.trade_intensity(eaeu_flows, groups="EAEU", membership=membership, years=2014)
    assert one.meta["groups"][2014]["EAEU"] == (["BLR", "KAZ", "RUS"] if membership == "fixed" else
                                                ["ARM", "BLR", "KAZ", "KGZ", "RUS"])  # fixed: the last year asked


def test_country_absent_in_a_year_is_nan_in_that_year():
    f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA", "ARG", "BRA", "CHL"], ["BRA", "ARG", "BRA", "CHL", "ARG"],
                                          ["01", "01", "02", "01", "02"], [1.0, 2.0, 3.0, 4.0, 5.0],
                                          year=[1990, 1990, 1991, 1991, 1991])
    r = tradeindex.rca(f, countries=["CHL", "ARG"])
    assert list(r.rows) == ["ARG", "CHL"]
    assert np.isnan(r[1990].loc["CHL"].values).all() and not np.isnan(r[1991].loc["CHL"].values).all()
    one = tradeindex.rca(f, years=1990, countries=["CHL"])
    assert list(one.rows) == ["CHL"] and np.isnan(one.values).all()


def test_flows_without_years():
    f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA", "BRA"], ["BRA", "ARG", "CHL"], ["01", "01", "02"],
                                          [1.0, 2.0, 3.0])
    r = tradeindex.rca(f)
    assert r.year is None and list(r.rows) == ["ARG", "BRA", "CHL"]
    np.testing.assert_allclose(r.values, [[2.0, 0.0], [0.8, 1.2], [np.nan, np.nan]])  # CHL exports nothing
    assert tradeindex.trade_intensity(f).meta["groups"] == {None: {}}


# -- the same results from a release read lazily, one year at a time ---------------------------------------
@pytest.fixture(scope="module")
def release(tmp_path_factory, flows):
    """The sample as yearly BACI-named Parquet files, and a third year: 1990 without Bolivia,
    values perturbed (a country absent in one year)."""
    folder = tmp_path_factory.mktemp("release")
    code = flows.countries.code
    table = pa.table({"t": flows.year, "i": code[flows.exporter].astype(np.int32), "j": code[flows.importer].astype(np.int32),
                      "k": flows.products.code[flows.product].astype(str), "v": flows.value})
    for year in (1989, 1990):
        pq.write_table(table.filter(pa.compute.equal(table["t"], year)), folder / f"BACI_HS92_Y{year}_V1.parquet")
    bol = flows.countries.ids("BOL", "b")[0]
    rows = (flows.year == 1990) & (flows.exporter != bol) & (flows.importer != bol)
    later = table.filter(pa.array(rows)).set_column(0, "t", pa.array(np.full(rows.sum(), 1991, np.int32)))
    later = later.set_column(4, "v", pa.array(later["v"].to_numpy() * np.random.default_rng(5).uniform(0.5, 2.0, len(later))))
    pq.write_table(later, folder / "BACI_HS92_Y1991_V1.parquet")
    return folder


INDICATORS = {
    "rca": lambda f, **kw: tradeindex.rca(f, countries=["BOL", "BRA", "CHN"], groups=MERCOSUR, **kw),
    "rca against a group": lambda f, **kw: tradeindex.rca(f, reference=MERCOSUR, kind="binary", **kw),
    "rca in a product set": lambda f, **kw: tradeindex.rca(f, products="84-90", **kw),
    "trade intensity": lambda f, **kw: tradeindex.trade_intensity(f, groups=MERCOSUR, exclude_self=True, **kw),
    "intra-group share": lambda f, **kw: tradeindex.intra_group_share(f, MERCOSUR, side="imports", **kw),
    "intra-group intensity": lambda f, **kw: tradeindex.intra_group_intensity(f, "MERCOSUR", membership=1991, **kw),
    "concentration": lambda f, **kw: tradeindex.concentration(f, groups=MERCOSUR, measure="normalized", **kw),
    "specialisation": lambda f, **kw: tradeindex.trade_specialisation(f, countries=["BOL", "ARG"], products="84", **kw),
    "krugman": lambda f, **kw: tradeindex.krugman(f, groups=MERCOSUR, side="imports", **kw),
    "orientation": lambda f, **kw: tradeindex.regional_orientation(f, MERCOSUR, countries=["BOL", "USA"], **kw),
}


@pytest.mark.parametrize("name", INDICATORS)
def test_lazy_release_gives_the_same_results(release, name):
    """Every indicator from scan_baci (read one year at a time, products pushed down to the
    reader) equals the same indicator from the release in memory: the panel of all years and
    one year; a country absent in 1991 (Bolivia) is NaN there."""
    lazy, memory = tradeindex.scan_baci(release), tradeindex.read_baci(release)
    for years in (None, 1991):
        a, b = (INDICATORS[name](f, years=years) for f in (lazy, memory))
        assert a.equals(b), (name, years)
        assert a.meta["groups"] == b.meta["groups"] and a.meta["products"] == b.meta["products"]
    assert a.meta["product_selection"] == b.meta["product_selection"]
    panel = INDICATORS[name](lazy, progress=True)
    assert panel.years == [1989, 1990, 1991]
    if "BOL" in panel.rows:
        assert np.isnan(panel[1991].loc["BOL"].values).all() and not np.isnan(panel[1990].loc["BOL"].values).all()


# -- TradeFlows: bilateral ------------------------------------------------------------------------
def test_trade_intensity_sample_against_pandas(flows, df90):
    ti = tradeindex.trade_intensity(flows, years=1990)
    long = ref.intensity_pandas(df90)
    np.testing.assert_allclose(ti.to_pandas().stack().loc[long.index].to_numpy(), long.to_numpy(), rtol=1e-10)
    assert np.isnan(np.diag(ti.values)).all() and ti.name == "trade intensity"
    assert "trade_intensity" in ti.to_arrow().column_names


def test_trade_intensity_groups_and_rest_of_world(flows):
    B = np.zeros((len(flows.countries),) * 2)
    rows = flows.year == 1990
    np.add.at(B, (flows.exporter[rows], flows.importer[rows]), flows.value[rows])
    members = list(flows.countries.ids(MERCOSUR["MERCOSUR"], "m"))
    axis = [[i] for i in range(len(B))] + [members]
    for exclude in (False, True):
        ti = tradeindex.trade_intensity(flows, years=1990, groups=MERCOSUR, exclude_self=exclude, self_pairs=True)
        np.testing.assert_allclose(ti.values, ref.trade_intensity(B, axis, axis, exclude), rtol=1e-10, equal_nan=True)
    within = tradeindex.intra_group_intensity(flows, MERCOSUR, years=1990, exclude_self=True)
    np.testing.assert_allclose(within.values[:, 0], ti.to_pandas().loc[list(within.rows), "MERCOSUR"], rtol=1e-12)
    assert list(within.rows) == ["ARG", "BRA", "PRY", "URY", "MERCOSUR"] and within.meta["variant"] == "rest of world"
    long = within.to_long()  # the group's own row (its intra-group intensity) is in the long table
    assert long.set_index("reporter").trade_intensity["MERCOSUR"] == pytest.approx(ti.loc["MERCOSUR", "MERCOSUR"])


def test_self_pairs_of_intensity_and_krugman(flows):
    """A country (group) with itself: NaN and out of the pair table by default, as in
    complementarity; self_pairs=True keeps them (Krugman 0, the intra-group intensity, and a
    country's intensity with itself still NaN: BACI has no flow i -> i)."""
    kept = {}
    for fn in (tradeindex.trade_intensity, tradeindex.krugman):
        default, kept[fn] = (fn(flows, years=1990, groups=MERCOSUR, self_pairs=keep) for keep in (False, True))
        assert np.isnan(np.diag(default.values)).all() and default.meta["self_pairs"] is False
        long = default.to_long()
        assert len(long) == default.values.size - len(default.rows) and not (long.reporter == long.partner).any()
        off = ~np.eye(len(default.rows), dtype=bool)
        np.testing.assert_array_equal(default.values[off], kept[fn].values[off])
        assert len(kept[fn].to_long()) == kept[fn].values.size and kept[fn].meta["self_pairs"] is True
    np.testing.assert_allclose(np.diag(kept[tradeindex.krugman].values), 0, atol=1e-12)  # a profile with itself
    ti = kept[tradeindex.trade_intensity]
    assert np.isnan(np.diag(ti.values)[:-1]).all() and ti.loc["MERCOSUR", "MERCOSUR"] > 1


@pytest.mark.parametrize("side", ["exports", "imports"])
def test_intra_group_share_against_pandas(flows, df90, side):
    members = MERCOSUR["MERCOSUR"]
    share = tradeindex.intra_group_share(flows, MERCOSUR, years=1990, side=side)
    expected = ref.intra_group_share_pandas(df90, members, side)
    np.testing.assert_allclose(share.values[:4, 0], expected.loc[list(share.rows[:4])], rtol=1e-12)
    assert share.name == f"{side[:-1]} share" and share.meta["scale"] == 100
    assert list(share.to_long().reporter) == ["ARG", "BRA", "PRY", "URY", "MERCOSUR"]  # [G, G] kept
    rows = flows.year == 1990
    inside = np.isin(flows.exporter, flows.countries.ids(members, "m")) & np.isin(flows.importer, flows.countries.ids(members, "m"))
    side_ids = flows.exporter if side == "exports" else flows.importer
    total = flows.value[rows & np.isin(side_ids, flows.countries.ids(members, "m"))].sum()
    assert share.loc["MERCOSUR", "MERCOSUR"] == pytest.approx(100 * flows.value[rows & inside].sum() / total, rel=1e-12)


# -- TradeFlows: concentration, specialisation, Krugman, orientation -----------------------------------
def test_concentration_against_pandas(flows, df90):
    c = tradeindex.concentration(flows, years=1990)
    n = tradeindex.concentration(flows, years=1990, measure="count")
    h = tradeindex.concentration(flows, years=1990, measure="normalized", scale=10000)
    for col, (who, over) in zip(c.cols, [("i", "k"), ("i", "j"), ("j", "k"), ("j", "i")]):
        sums = df90.groupby([who, over]).v.sum()
        share = sums / sums.groupby(level=0).transform("sum")
        expected = (share ** 2).groupby(level=0).sum()
        count = sums.groupby(level=0).size()
        np.testing.assert_allclose(c.to_pandas().loc[expected.index, col], expected, rtol=1e-12)
        np.testing.assert_array_equal(n.to_pandas().loc[count.index, col], count)
        norm = 10000 * (expected - 1 / count) / (1 - 1 / count)
        np.testing.assert_allclose(h.to_pandas().loc[norm.index, col], norm, rtol=1e-9)
    assert list(c.cols) == ["exports by product", "exports by partner", "imports by product", "imports by partner"]


def test_concentration_of_a_group(flows):
    c = tradeindex.concentration(flows, years=1990, countries=[], groups=MERCOSUR)
    X = flows.exports(1990).matrix.toarray()[flows.countries.ids(MERCOSUR["MERCOSUR"], "m")].sum(axis=0)
    assert list(c.rows) == ["MERCOSUR"] and c.values[0, 0] == pytest.approx(((X / X.sum()) ** 2).sum(), rel=1e-12)


def test_trade_specialisation_against_pandas_and_grubel_lloyd(flows, df90):
    ts = tradeindex.trade_specialisation(flows, years=1990)
    x, m = df90.groupby(["i", "k"]).v.sum(), df90.groupby(["j", "k"]).v.sum()
    x.index.names = m.index.names = ["c", "k"]
    both = pd.concat([x.rename("x"), m.rename("m")], axis=1).fillna(0.0)
    got = ts.to_pandas().stack(future_stack=True)
    np.testing.assert_allclose(got.loc[both.index], (both.x - both.m) / (both.x + both.m), rtol=1e-12)
    assert got.drop(both.index).isna().all()  # no trade either way: NaN, never 0
    gl = tradeindex.grubel_lloyd(flows, by="product", reporters=["BRA"], years=1990, scale=1)
    np.testing.assert_allclose(np.abs(ts.to_pandas().loc["BRA", gl["product"]]), 1 - gl["grubel_lloyd"], atol=1e-12)


def test_krugman_identity_with_similarity(flows):
    k = tradeindex.krugman(flows, years=1990, groups=MERCOSUR, self_pairs=True)
    es = tradeindex.export_similarity(flows, years=1990, groups=MERCOSUR, self_pairs=True)
    np.testing.assert_allclose(k.values, np.maximum(2 - 2 * es.values / 100, 0), atol=1e-12)
    X = flows.exports(1990).matrix.toarray()
    np.testing.assert_allclose(k.values[:-1, :-1], ref.krugman(X, X), atol=1e-12)
    km = tradeindex.krugman(flows, years=1990, side="imports", countries=["USA"], partners=["CAN", "MEX"])
    ms = tradeindex.import_similarity(flows, years=1990, countries="USA", partners=["CAN", "MEX"])
    np.testing.assert_allclose(km.values, 2 - 2 * ms.values / 100, atol=1e-12)
    assert k.meta["scale"] == 2 and "similarity" in k.meta["identity"]
    tc = tradeindex.complementarity(flows, years=1990, self_pairs=True)  # exports vs imports: 2 - 2 TC / 100
    M = flows.imports(1990).matrix
    np.testing.assert_allclose(kernels.krugman(X, M), 2 - 2 * tc.values / 100, atol=1e-12)


def test_kernels_never_write_their_inputs():
    X, M = readonly([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0]]), readonly([[0.0, 3.0, 1.0], [2.0, 0.0, 0.0]])
    B = readonly([[0.0, 2.0], [1.0, 0.0]])
    kernels.rca(X, reference=X[0]), kernels.hhi(X), kernels.trade_specialisation(X, M)
    kernels.krugman(X, M), kernels.regional_orientation(X, M), kernels.trade_intensity(B, rows=B > 0)
    kernels.partner_shares(B, rows=readonly([[1.0, 1.0]]))
    assert X.tolist() == [[1.0, 0.0, 2.0], [0.0, 0.0, 0.0]] and B.tolist() == [[0.0, 2.0], [1.0, 0.0]]


def test_regional_orientation_against_pandas(flows, df90):
    ro = tradeindex.regional_orientation(flows, MERCOSUR, years=1990, countries=["BRA", "CHN"])
    assert list(ro.rows) == ["BRA", "CHN", "MERCOSUR"]
    members, wide = MERCOSUR["MERCOSUR"], ro.to_pandas()
    for who in ("BRA", "CHN", "MERCOSUR"):
        d = df90[df90.i.isin(members if who == "MERCOSUR" else [who])]
        inside, outside = d[d.j.isin(members)].groupby("k").v.sum(), d[~d.j.isin(members)].groupby("k").v.sum()
        expected = (inside / inside.sum()).reindex(outside.index, fill_value=0.0) / (outside / outside.sum())
        np.testing.assert_allclose(wide.loc[who, expected.index], expected, rtol=1e-12)
        assert wide.loc[who].drop(outside.index).isna().all()  # not exported outside: NaN


# -- errors of the TradeFlows functions -------------------------------------------------------------
def test_indicator_errors(flows):
    with pytest.raises(ValueError, match="measure must be one of 'hhi', 'normalized', 'count'; found 'gini'"):
        tradeindex.concentration(flows, measure="gini")
    with pytest.raises(ValueError, match="side must be one of 'exports', 'imports'; found 'both'"):
        tradeindex.intra_group_share(flows, MERCOSUR, side="both")
    with pytest.raises(ValueError, match=r"groups\['MERCOSUR'\] must be countries present in these flows .*'XXX'"):
        tradeindex.rca(flows, groups={"MERCOSUR": ["ARG", "XXX"]})
    with pytest.raises(ValueError, match=r"group must be one group: a built-in group name or \{name: \[ISO3, \.\.\.\]\}; found 2 groups"):
        tradeindex.regional_orientation(flows, {"A": ["ARG"], "B": ["BRA"]}, years=1990)
    with pytest.raises(ValueError, match=r"reference must be one group"):
        tradeindex.rca(flows, years=1990, reference={"A": ["ARG"], "B": ["BRA"]})
    with pytest.raises(ValueError, match=r"countries must be countries present in these flows .*'ATL'"):
        tradeindex.trade_specialisation(flows, countries=["ATL"])
    with pytest.raises(ValueError, match=r"years must be one of the years present \[1989, 1990\]; found 2020"):
        tradeindex.krugman(flows, years=2020)
    f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA"], ["BRA", "ARG"], ["01", "02"], [1.0, 2.0], year=[1990, 1991])
    with pytest.raises(ValueError, match=r"products must be HS product codes or prefixes of codes present in these flows .*'02'"):
        tradeindex.trade_intensity(f, products="02")  # none in 1990: the driver's message
    with pytest.raises(ValueError, match=r"groups must be at least one group: a built-in group name or \{name: \[ISO3, \.\.\.\]\}; found none"):
        tradeindex.intra_group_share(flows, None)
    with pytest.raises(ValueError, match="membership must be 'by-year'"):
        tradeindex.krugman(flows, membership="last")
    with pytest.raises(TypeError, match="flows must be TradeFlows .* or LazyFlows"):
        tradeindex.concentration(flows.exports(1990))


def test_per_year_functions_pickle_for_the_driver(flows):
    """The per-year functions are what the per-year driver will call (through functools.partial,
    possibly on another process): module-level, options as keywords, one year's flows in."""
    import pickle
    from functools import partial
    from tradeindex import indicators
    one = flows.select(years=1990)
    fn = pickle.loads(pickle.dumps(partial(indicators._rca_year, rows=None, groups=MERCOSUR, reference=None,
                                           kind="symmetric", membership="by-year", years=[1990])))
    np.testing.assert_array_equal(fn(one, (1990,)).values,
                                  tradeindex.rca(flows, years=1990, groups=MERCOSUR, kind="symmetric").values)
    for name in ("_bilateral_year", "_concentration_year", "_specialisation_year", "_krugman_year", "_orientation_year"):
        pickle.dumps(partial(getattr(indicators, name), groups=MERCOSUR, rows=indicators.MEMBERS))

"""Grubel-Lloyd family against the naive pandas formulas of tests/reference.py."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as ref
import tradeindex as ti
from tradeindex import kernels

CODES = [4, 8, 12, 24, 32, 36, 40]  # numeric country codes (ids follow their order)
MERCOSUR = ["ARG", "BRA", "PRY", "URY"]


@st.composite
def random_flows(draw, max_countries=6, max_products=6, quantities=False, years=(1990,)):
    """Random unique flows; some are exact mirrors (X = M) and some carry missing quantities."""
    n_c = draw(st.integers(2, max_countries))
    n_p = draw(st.integers(1, max_products))
    keys = draw(st.lists(st.tuples(st.sampled_from(years), st.integers(0, n_c - 1), st.integers(0, n_c - 1),
                                   st.integers(0, n_p - 1)), min_size=1, max_size=60, unique=True))
    keys = [k for k in keys if k[1] != k[2]] or [(years[0], 0, 1, 0)]
    vals = draw(st.lists(st.sampled_from([1.0, 2.0, 3.5, 10.0, 100.0, 0.25]), min_size=len(keys),
                         max_size=len(keys)))
    mirror = draw(st.booleans())
    if mirror:  # add the exact mirror of every flow whose mirror is absent: GL = 100 there
        have = set(keys)
        extra = [(t, j, i, p) for t, i, j, p in keys if (t, j, i, p) not in have]
        vals += [vals[keys.index((t, j, i, p))] for t, i, j, p in extra]
        keys += extra
    qty = None
    if quantities:
        qty = draw(st.lists(st.sampled_from([1.0, 2.0, 0.5, 1.1, np.nan, 0.0]), min_size=len(keys),
                            max_size=len(keys)))
    t, i, j, p = (np.array(c) for c in zip(*keys))
    codes = np.array(CODES)
    return ti.TradeFlows.from_arrays(codes[i], codes[j], [f"{k:02d}" for k in p], vals, quantity=qty,
                                     year=t if len(years) > 1 else years[0])


def same(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-9, equal_nan=True)


# -- bilateral -----------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(random_flows(), st.sampled_from([None, "imbalance", "aquino"]))
def test_pairs_match_naive_merge(flows, adjust):
    gl = ti.grubel_lloyd(flows, adjust=adjust).values
    same(gl, ref.gl_pairs(ref.frame(flows), len(flows.countries), adjust))
    same(gl, gl.T)
    assert np.all((gl[~np.isnan(gl)] >= -1e-9) & (gl[~np.isnan(gl)] <= 100 + 1e-9))


@settings(max_examples=30, deadline=None)
@given(random_flows())
def test_pairs_self_consistency(flows):
    gl = ti.grubel_lloyd(flows).values
    traded = np.zeros(gl.shape, bool)
    traded[flows.exporter, flows.importer] = True
    traded |= traded.T
    assert np.array_equal(np.isnan(gl), ~traded)  # NaN exactly where no trade either way
    code, prod = flows.countries.code, flows.products.code
    both = np.r_[flows.exporter, flows.importer], np.r_[flows.importer, flows.exporter]
    with warnings.catch_warnings():  # flows whose mirror exists are summed (a warning)
        warnings.simplefilter("ignore", UserWarning)
        mirror = ti.TradeFlows.from_arrays(code[both[0]], code[both[1]], prod[np.r_[flows.product, flows.product]],
                                           np.r_[flows.value, flows.value], year=1990, duplicates="sum")
    gl_sym = ti.grubel_lloyd(mirror).values
    np.testing.assert_allclose(gl_sym[~np.isnan(gl_sym)], 100.0)  # X = M product by product


@settings(max_examples=25, deadline=None)
@given(random_flows(years=(1989, 1990, 1992)), st.sampled_from(["pair", "country"]))
def test_panel_matches_each_year(flows, by):
    got = ti.grubel_lloyd(flows, by=by)
    df, n = ref.frame(flows), len(flows.countries)
    for year in flows.years:
        want = (ref.gl_pairs(df[df.t == year], n) if by == "pair"
                else ref.gl_groups(df[df.t == year], range(n), [range(n)]))
        same(got[year].values if len(flows.years) > 1 else got.values, want)


def test_sample_1990_all_pairs():
    f = ti.sample()
    gl = ti.grubel_lloyd(f, years=1990)
    assert gl.shape == (23, 23) and gl.year == 1990
    same(gl.values, ref.gl_pairs(ref.frame(f, 1990), 23))
    iu = np.triu_indices(23, 1)
    assert len(iu[0]) == 253 and np.sum(~np.isnan(gl.values[iu])) == 175  # 78 pairs do not trade
    panel = ti.grubel_lloyd(f)
    assert panel.years == [1989, 1990]
    same(panel[1990].values, gl.values)
    same(panel[1989].values, ref.gl_pairs(ref.frame(f, 1989), 23))


def test_sample_products_and_subsets():
    f = ti.sample()
    gl = ti.grubel_lloyd(f, years=1990, products="84-85", reporters=MERCOSUR, partners=["ARG", "BRA", "CHL"])
    sub = f.select(years=1990, products="84-85")
    full = ref.gl_pairs(ref.frame(sub), len(sub.countries))
    r, c = sub.countries.ids(MERCOSUR, "r"), sub.countries.ids(["ARG", "BRA", "CHL"], "p")
    same(gl.values, full[np.ix_(r, c)])
    assert list(gl.rows) == MERCOSUR and list(gl.cols) == ["ARG", "BRA", "CHL"]


# -- reporters vs partner groups -----------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(random_flows(), st.data(), st.sampled_from([None, "imbalance", "aquino"]))
def test_groups_match_naive(flows, data, adjust):
    n = len(flows.countries)
    group = data.draw(st.lists(st.integers(0, n - 1), min_size=1, unique=True))
    labels = list(flows.countries.label)
    got = ti.grubel_lloyd(flows, by="country", adjust=adjust,
                          partners={"G": [labels[g] for g in group], "World": None})
    same(got.values, ref.gl_groups(ref.frame(flows), range(n), [group, range(n)], adjust))
    assert list(got.cols) == ["G", "World"]


def test_sample_mercosur_within_vs_world():
    f = ti.sample()
    got = ti.grubel_lloyd(f, by="country", years=1990, reporters=MERCOSUR,
                          partners={"MERCOSUR": MERCOSUR, "World": None})
    ids = list(f.countries.ids(MERCOSUR, "m"))
    same(got.values, ref.gl_groups(ref.frame(f, 1990), ids, [ids, range(23)]))
    assert not np.isnan(got.values).any()
    assert got.meta["partners"][1990]["MERCOSUR"] == MERCOSUR and len(got.meta["partners"][1990]["World"]) == 23


@settings(max_examples=30, deadline=None)
@given(random_flows())
def test_by_product_matches_naive(flows):
    table = ti.grubel_lloyd(flows, by="product").to_pandas()
    labels = list(flows.countries.label)
    for r in range(len(labels)):
        want = ref.gl_product(ref.frame(flows), r, range(len(labels)))
        got = table[table.reporter == labels[r]]
        assert len(got) == len(want)
        same(got.grubel_lloyd.to_numpy(), want.gl.to_numpy())
        same(got.exports.to_numpy(), want.x.to_numpy())
        assert list(got["product"]) == [flows.products.code[k] for k in want.index]


def test_by_product_aquino_aggregates_to_country():
    f = ti.sample().select(years=1990)
    t = ti.grubel_lloyd(f, by="product", reporters=MERCOSUR, adjust="aquino").to_pandas()
    c = ti.grubel_lloyd(f, by="country", reporters=MERCOSUR, adjust="aquino")
    # Aquino's X'+M' add up to X+M, so the weighted mean of the product indices is the aggregate
    for r in MERCOSUR:
        rows = t[t.reporter == r]
        x, m = rows.exports, rows.imports
        X, M = x.sum(), m.sum()
        xa, ma = x * (X + M) / (2 * X), m * (X + M) / (2 * M)
        assert np.isclose(100 * (xa + ma - (xa - ma).abs()).sum() / (X + M), c.loc[r, "World"], rtol=1e-9)
        same(rows.grubel_lloyd.to_numpy(), 100 * (1 - (xa - ma).abs() / (xa + ma)).to_numpy())


# -- marginal IIT ------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(random_flows(years=(1989, 1990)))
def test_marginal_matches_naive(flows):
    if flows.years != [1989, 1990]:
        return
    a, b = ti.marginal_iit(flows, 1989, 1990)
    want_a, want_b = ref.marginal(ref.frame(flows), 1989, 1990, len(flows.countries))
    same(a.values, want_a)
    same(b.values, want_b)
    same(b.values, -b.values.T)
    ok = ~np.isnan(a.values)
    assert np.all((a.values[ok] >= -1e-9) & (a.values[ok] <= 100 + 1e-9))


@settings(max_examples=30, deadline=None)
@given(random_flows(years=(1989, 1990)), st.data())
def test_marginal_groups_match_naive(flows, data):
    if flows.years != [1989, 1990]:
        return
    n = len(flows.countries)
    group = data.draw(st.lists(st.integers(0, n - 1), min_size=1, unique=True))
    labels = list(flows.countries.label)
    a, b = ti.marginal_iit(flows, 1989, 1990, by="country", partners={"G": [labels[g] for g in group], "W": None})
    want_a, want_b = ref.marginal_groups(ref.frame(flows), 1989, 1990, range(n), [group, range(n)])
    same(a.values, want_a)
    same(b.values, want_b)


def test_sample_marginal_1989_1990():
    f = ti.sample()
    a, b = ti.marginal_iit(f, 1989, 1990)
    want_a, want_b = ref.marginal(ref.frame(f), 1989, 1990, 23)
    same(a.values, want_a)
    same(b.values, want_b)
    ca, cb = ti.marginal_iit(f, 1989, 1990, by="country", partners={"MERCOSUR": MERCOSUR})
    table = ti.marginal_iit(f, 1989, 1990, by="product", reporters=["BRA"], partners={"MERCOSUR": MERCOSUR}).to_pandas()
    w = table.d_exports.abs() + table.d_imports.abs()
    assert np.isclose(100 * (w - (table.d_exports - table.d_imports).abs()).sum() / w.sum(),
                      ca.loc["BRA", "MERCOSUR"], rtol=1e-9)
    assert np.isclose(100 * (table.d_exports - table.d_imports).sum() / w.sum(), cb.loc["BRA", "MERCOSUR"], rtol=1e-9)


# -- trade types ---------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(random_flows(quantities=True), st.sampled_from(["ghm", "ff"]), st.sampled_from([0.15, 0.25]))
def test_trade_types_match_naive(flows, method, alpha):
    got = ti.trade_types(flows, method=method, alpha=alpha)
    want = ref.trade_types_pairs(ref.frame(flows), len(flows.countries), alpha, method)
    for name in ti.intra_industry.TRADE_TYPES:
        same(got[name].values, want[name])
    total = sum(m.values for m in got.values())
    same(total[~np.isnan(total)], 100.0)


@settings(max_examples=30, deadline=None)
@given(random_flows(quantities=True), st.sampled_from(["ghm", "ff"]), st.data())
def test_trade_types_groups_match_naive(flows, method, data):
    n = len(flows.countries)
    group = data.draw(st.lists(st.integers(0, n - 1), min_size=1, unique=True))
    labels = list(flows.countries.label)
    got = ti.trade_types(flows, method=method, by="country", partners={"G": [labels[g] for g in group], "W": None})
    want = ref.trade_types_groups(ref.frame(flows), range(n), [group, range(n)], 0.15, method)
    for name in ti.intra_industry.TRADE_TYPES:
        same(got[name].values, want[name])


def test_sample_trade_types_with_quantities():
    f = ti.sample().select(years=1990)
    assert np.isnan(f.quantity).any()  # the sample has flows without a quantity: unallocated
    for method in ("ghm", "ff"):
        got = ti.trade_types(f, method=method)
        want = ref.trade_types_pairs(ref.frame(f), 23, 0.15, method)
        for name in ti.intra_industry.TRADE_TYPES:
            same(got[name].values, want[name])
        assert np.nansum(got["unallocated"].values) > 0
    groups = ti.trade_types(f, by="country", reporters=MERCOSUR, partners={"MERCOSUR": MERCOSUR, "World": None})
    total = sum(m.values for m in groups.values())
    same(total, np.full((4, 2), 100.0))
    # the GHM overlap is the Grubel-Lloyd numerator: two-way shares add up to GL
    gl = ti.grubel_lloyd(f, by="country", reporters=MERCOSUR, partners={"MERCOSUR": MERCOSUR, "World": None})
    same(100 - groups["one_way"].values, gl.values)


# -- kernel properties -----------------------------------------------------------------------------
def _shuffled_sample():
    f = ti.sample().select(years=1990)
    order = np.random.default_rng(1).permutation(len(f))
    return f, order


def test_threads_and_sort_order_invariance():
    f, order = _shuffled_sample()
    args = (f.exporter, f.importer, f.product, f.value, len(f.countries))
    base = kernels.bilateral_gl(*args, n_threads=1)
    for t in (2, 3, 4):
        assert np.array_equal(kernels.bilateral_gl(*args, n_threads=t), base, equal_nan=True)
    shuffled = [a[order] for a in args[:4]]
    for t in (1, 2, 3):
        same(kernels.bilateral_gl(*shuffled, len(f.countries), n_threads=t), base)
    same(100 * base, ti.grubel_lloyd(f).values)
    g1 = ti.grubel_lloyd(ti.sample(), by="country", n_threads=1).values
    assert np.array_equal(ti.grubel_lloyd(ti.sample(), by="country", n_threads=3).values, g1, equal_nan=True)


def test_threads_invariance_types_and_marginal():
    f = ti.sample()
    for t in (2, 3):
        a1, a3 = ti.trade_types(f, n_threads=1), ti.trade_types(f, n_threads=t)
        for name in a1:
            assert np.array_equal(a1[name].values, a3[name].values, equal_nan=True)
        m1, m3 = ti.marginal_iit(f, 1989, 1990, n_threads=1), ti.marginal_iit(f, 1989, 1990, n_threads=t)
        assert np.array_equal(m1.A.values, m3.A.values, equal_nan=True)
        assert np.array_equal(m1.B.values, m3.B.values, equal_nan=True)


def test_array_api_parts_dtypes_and_readonly():
    f, order = _shuffled_sample()
    e, i, p, v = (np.array(a[order]) for a in (f.exporter, f.importer, f.product, f.value))
    for a in (e, i, p, v):
        a.flags.writeable = False
    copies = [a.copy() for a in (e, i, p, v)]
    gl, num, den = kernels.bilateral_gl(e, i.astype(np.int64), p.astype(np.int16), v, 23, return_parts=True,
                                        scale=100)
    for a, c in zip((e, i, p, v), copies):
        assert np.array_equal(a, c)
    same(gl, ti.grubel_lloyd(f).values)
    same(num, num.T)
    flows_ij = np.zeros((23, 23))
    np.add.at(flows_ij, (f.exporter, f.importer), f.value)
    same(den, flows_ij + flows_ij.T)
    assert kernels.bilateral_gl(*[np.zeros(0, int)] * 3, [], 3).shape == (3, 3)


def test_duplicates_in_array_api_add_up():
    gl = kernels.bilateral_gl([0, 0, 1], [1, 1, 0], [0, 0, 0], [2.0, 3.0, 5.0], 2)
    assert gl[0, 1] == 1.0


# -- errors -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda f: ti.grubel_lloyd(f, by="pairs"), "by must be one of 'pair'"),
    (lambda f: ti.grubel_lloyd(f, adjust="aquinno"), "adjust must be one of None"),
    (lambda f: ti.grubel_lloyd(f, by="product", adjust="imbalance"), "adjust must be None or 'aquino'"),
    (lambda f: ti.grubel_lloyd(f, partners={"M": MERCOSUR}), "partners must be a list of countries when by='pair'"),
    (lambda f: ti.grubel_lloyd(f, by="country", partners={"M": []}), r"partners\['M'\] must be a non-empty"),
    (lambda f: ti.grubel_lloyd(f, by="country", partners=["XXX"]), "partners must be countries present"),
    (lambda f: ti.grubel_lloyd(f, scale=0), "scale must be a positive finite number"),
    (lambda f: ti.grubel_lloyd(f, years=2001), "years must be one of the years present"),
    (lambda f: ti.marginal_iit(f, 1990, 1990), "end must be a year different from start"),
    (lambda f: ti.marginal_iit(f, 1989, 1999), "end must be one of the years present"),
    (lambda f: ti.trade_types(f, alpha=1.5), "alpha must be a number strictly between 0 and 1"),
    (lambda f: ti.trade_types(f, method="gh"), "method must be one of 'ghm', 'ff'"),
])
def test_errors_name_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError, KeyError), match=match):
        call(ti.sample())


def test_array_api_errors():
    with pytest.raises(ValueError, match=r"exporter must be ids in \[0, 2\); found 5"):
        kernels.bilateral_gl([5], [1], [0], [1.0], 2)
    with pytest.raises(ValueError, match="value must be finite and non-negative; found -1.0"):
        kernels.bilateral_gl([0], [1], [0], [-1.0], 2)
    with pytest.raises(ValueError, match="importer must be different from exporter"):
        kernels.bilateral_gl([0], [0], [0], [1.0], 2)
    with pytest.raises(ValueError, match="product must be of length 1 like exporter"):
        kernels.bilateral_gl([0], [1], [0, 1], [1.0], 2)


def test_builtin_partner_groups_follow_membership_by_year(eaeu_flows):
    """partners="EAEU" takes each year's members: Armenia and Kyrgyzstan only from 2015."""
    f = eaeu_flows
    gl = ti.grubel_lloyd(f, by="country", reporters=["RUS", "ARM"], partners={"EAEU": "EAEU", "World": None})
    assert gl.years == [2014, 2015] and list(gl.cols) == ["EAEU", "World"]
    assert gl.meta["partners"][2014]["EAEU"] == ["BLR", "KAZ", "RUS"]
    for year, members in ((2014, ["BLR", "KAZ", "RUS"]), (2015, ["ARM", "BLR", "KAZ", "KGZ", "RUS"])):
        by_hand = ti.grubel_lloyd(f, by="country", reporters=["RUS", "ARM"], years=year,
                                  partners={"EAEU": members, "World": None})
        np.testing.assert_array_equal(gl[year].values, by_hand.values)
    types = ti.trade_types(f, by="country", reporters=["RUS"], partners="EAEU")
    assert types["one_way"].years == [2014, 2015]
    miit = ti.marginal_iit(f, 2014, 2015, by="country", reporters=["RUS"], partners={"EAEU": "EAEU"})
    by_hand = ti.marginal_iit(f, 2014, 2015, by="country", reporters=["RUS"],
                              partners={"EAEU": ["ARM", "BLR", "KAZ", "KGZ", "RUS"]})
    np.testing.assert_array_equal(miit.A.values, by_hand.A.values)

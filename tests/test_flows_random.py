"""TradeFlows on random flows (hypothesis): matrices and aggregation against plain-Python sums."""
from collections import defaultdict

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tradeindex import TradeFlows

CODES = [4, 8, 12, 31, 32, 643, 710, 842]
PRODUCTS = ["010121", "010129", "020110", "847130", "847141", "850110"]

flow_lists = st.lists(
    st.tuples(st.sampled_from([2019, 2020]), st.sampled_from(CODES), st.sampled_from(CODES),
              st.sampled_from(PRODUCTS), st.floats(0, 1e6, allow_nan=False)),
    min_size=1, max_size=60, unique_by=lambda r: r[:4]).map(lambda rows: [r for r in rows if r[1] != r[2]])


def _flows(rows):
    cols = list(zip(*rows))
    return TradeFlows.from_arrays(np.array(cols[1]), np.array(cols[2]), list(cols[3]), np.array(cols[4]),
                                  year=np.array(cols[0], dtype=np.int32))


@settings(max_examples=60, deadline=None)
@given(flow_lists)
def test_matrices_match_python_sums(rows):
    assume(rows)
    f = _flows(rows)
    for year in f.years:
        for side, who in (("exports", 1), ("imports", 2)):
            want = defaultdict(float)
            for r in rows:
                if r[0] == year:
                    want[(r[who], r[3])] += r[4]
            m = getattr(f, side)(year)
            got = m.matrix.toarray()
            assert got.shape == (len(f.countries), len(f.products))
            expected = np.zeros_like(got)
            for (c, p), v in want.items():
                expected[list(f.countries.code).index(c), list(m.cols).index(p)] = v
            np.testing.assert_allclose(got, expected, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(flow_lists, st.integers(1, 6))
def test_aggregate_products_matches_python_sums(rows, digits):
    assume(rows)
    agg = _flows(rows).aggregate_products(digits)
    want = defaultdict(float)
    for y, e, i, k, v in rows:
        want[(y, e, i, k[:digits])] += v
    got = {(int(y), int(agg.countries.code[e]), int(agg.countries.code[i]), agg.products.code[k]): v
           for y, e, i, k, v in zip(agg.year, agg.exporter, agg.importer, agg.product, agg.value)}
    assert got.keys() == want.keys()
    assert all(np.isclose(got[key], want[key], rtol=1e-12) for key in want)

"""Results against naive re-implementations on random axes (hypothesis): the long table against
a Python loop over the cells, label-aligned arithmetic and panel assembly against pandas."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeindex import IndexMatrix, IndexPanel

#: A pool of axis entries: countries with codes, and groups / free text without.
POOL = [("ARM", 51), ("BLR", 112), ("KAZ", 398), ("KGZ", 417), ("RUS", 643), ("EAEU", -1), ("World", -1),
        ("EU27", -1)]


@st.composite
def matrices(draw, year=2016):
    rows = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=6, unique=True))
    cols = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=6, unique=True))
    values = draw(st.lists(st.one_of(st.floats(0, 100), st.just(np.nan)), min_size=len(rows) * len(cols),
                           max_size=len(rows) * len(cols)))
    return IndexMatrix(np.array(values).reshape(len(rows), len(cols)), [r for r, _ in rows], [c for c, _ in cols],
                       "trade complementarity", "exporter", "importer", year, {"self_pairs": draw(st.booleans())},
                       row_codes=[c for _, c in rows], col_codes=[c for _, c in cols])


def naive_long(m):
    out = []
    for i, (r, rc) in enumerate(zip(m.rows, m.row_codes)):
        for j, (c, cc) in enumerate(zip(m.cols, m.col_codes)):
            if m.meta["self_pairs"] or not (r == c or rc == cc >= 0):
                v = m.values[i, j]
                out.append({"year": m.year, "exporter": r, "exporter_code": None if rc < 0 else rc, "importer": c,
                            "importer_code": None if cc < 0 else cc, "trade_complementarity": None if np.isnan(v) else v})
    return out


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_long_table_is_the_cells(m):
    assert m.to_arrow().to_pylist() == naive_long(m)


@settings(max_examples=60, deadline=None)
@given(matrices(), matrices(), st.sampled_from(["+", "-", "*", "/"]))
def test_arithmetic_aligns_like_pandas(a, b, op):
    got = {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]
    x, y = a.to_pandas(), b.to_pandas()
    expected = getattr(x, {"+": "add", "-": "sub", "*": "mul", "/": "truediv"}[op])(y)
    assert set(got.rows) == set(expected.index) and set(got.cols) == set(expected.columns)
    expected = expected.reindex(index=list(got.rows), columns=list(got.cols))
    np.testing.assert_array_equal(got.values, expected.to_numpy())
    if np.array_equal(a.rows, b.rows) and np.array_equal(a.row_codes, b.row_codes):
        assert got.rows.tolist() == a.rows.tolist()  # the same axis is kept as it is
    else:  # the union: countries by code, then the others
        coded = got.row_codes[got.row_codes >= 0]
        assert (np.diff(coded) > 0).all() and (got.row_codes[:len(coded)] >= 0).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(matrices(), min_size=1, max_size=4))
def test_from_matrices_like_pandas(parts):
    parts = [IndexMatrix(p.values, p.rows, p.cols, p.name, p.row_name, p.col_name, 2000 + n, p.meta,
                         row_codes=p.row_codes, col_codes=p.col_codes) for n, p in enumerate(parts)]
    panel = IndexPanel.from_matrices(parts)
    assert set(panel.rows) == set().union(*(set(p.rows) for p in parts))
    for p in parts:
        expected = p.to_pandas().reindex(index=list(panel.rows), columns=list(panel.cols))
        pd.testing.assert_frame_equal(panel[p.year].to_pandas(), expected, check_names=False)
    assert panel.to_arrow().num_rows == sum(IndexMatrix(panel.values[n], panel.rows, panel.cols, panel.name,
                                                        "exporter", "importer", y, panel.meta,
                                                        row_codes=panel.row_codes, col_codes=panel.col_codes
                                                        ).to_arrow().num_rows for n, y in enumerate(panel.years))

"""Property tests at volume: every index family of the array API against the naive formulas of
tests/reference.py (written differently: L1 form, extended precision, dense tensors), on random
cases that include extreme magnitudes (1e-300, 1e300, subnormals, values whose sums overflow
float64), single products, exact ties, empty rows and product columns.

The case count comes from the hypothesis profile (tests/conftest.py): 10,000 per family in the
ci profile, 100,000 in long. The values are drawn by NumPy from a seed hypothesis draws (with
the shapes and the options), which keeps a case at well under a millisecond of generation; the
worst error per family is printed at the end of the session.

Numerical contract tested (see kernels.complementarity and kernels.bilateral_gl): any finite
non-negative values give finite indices in [0, scale] (NaN exactly where a row has no trade),
within (P + 8) * 2**-52 * scale of the exact value in float64 (P products; (P + 8) * 2**-23 in
float32) for complementarity and within (2n + 16) * 2**-52 * scale for Grubel-Lloyd (n flows).
"""
import os

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from tradeindex import kernels
from reference import gl_arrays, top_k as naive_top_k, trade_complementarity

#: 100 x the profile's default: 10,000 cases per family in the ci profile (TRADEINDEX_PROPERTY_SCALE
#: scales it: tests/sanitize.sh runs 1/10 of it on the slow instrumented builds).
VOLUME = max(1, int(100 * settings.default.max_examples * float(os.environ.get("TRADEINDEX_PROPERTY_SCALE", 1))))
EPS = {np.float64: 2.0**-52, np.float32: 2.0**-23}
BIG = np.finfo(np.float64).max

FORMATS = {
    "dense": lambda A: A,
    "fortran": np.asfortranarray,
    "csr": sp.csr_array,
    "csc": sp.csc_matrix,
    "coo": sp.coo_array,
}


def magnitudes(rng, shape, kind):
    """Positive values of one magnitude class (integers where ties and exact sums matter)."""
    if kind == "integers":                        # exact ties
        return rng.integers(1, 5, shape).astype(np.float64)
    if kind == "subnormal":                       # integer multiples of the smallest subnormal
        return rng.integers(1, 2**20, shape) * 5e-324
    if kind == "near max":                        # rows whose sums overflow float64
        return rng.uniform(0.25, 1.0, shape) * BIG
    if kind == "mixed":                           # 1e-300, 1 and 1e300 side by side
        return rng.gamma(0.7, 1.0, shape) * 10.0 ** rng.choice([-300, 0, 300], shape)
    return rng.gamma(0.5, 1.0, shape) * {"unit": 1.0, "tiny": 1e-300, "huge": 1e300}[kind]


# Hypothesis draws the shapes, the magnitude class and a seed (each draw costs ~0.15 ms of its
# engine, more than a small kernel call); NumPy draws the rest from the seed. Two threads in one
# case of 16: an OpenMP team costs ~1-15 ms to wake on a loaded machine, more than a case;
# thread-count invariance has its own tests (test_kernels_complementarity, adversarial).
MAGNITUDE = st.sampled_from(["unit", "integers", "tiny", "huge", "subnormal", "near max", "mixed"])
SEED = st.integers(0, 2**32 - 1)


def options(rng, **choices):
    """Keyword options drawn by `rng`: each from its list of choices."""
    return {name: values[rng.integers(len(values))] for name, values in choices.items()}


@st.composite
def matrix_pairs(draw):
    """(X, M, format, options, extra): C1 x P and C2 x P values with empty rows and product
    columns, ties (repeated rows), single products; M is X itself for the similarity indices;
    `extra` in 1..9 (k, rows)."""
    c1, c2, p = draw(st.integers(0, 7)), draw(st.integers(0, 7)), draw(st.integers(1, 12))
    kind, rng = draw(MAGNITUDE), np.random.default_rng(draw(SEED))
    density = (0.15, 0.5, 1.0)[rng.integers(3)]

    def values(rows):
        A = magnitudes(rng, (rows, p), kind) * (rng.random((rows, p)) < density)
        A[rng.random(rows) < 0.15] = 0                      # rows without trade
        if rows > 1 and rng.random() < 0.3:
            A[rng.integers(0, rows)] = A[rng.integers(0, rows)]   # a repeated row: a tie
        return A
    X = values(c1)
    M = X if rng.random() < 0.25 else values(c2)            # similarity: M is X
    empty = rng.random(p) < 0.15                              # products nobody trades
    X[:, empty] = 0
    if M is not X:
        M[:, empty] = 0
    kw = options(rng, method=["dense", "sparse", "auto"], dtype=[np.float64] * 3 + [np.float32],
                 scale=[1.0, 100.0], n_threads=[1] * 15 + [2])
    return X, M, FORMATS[list(FORMATS)[rng.integers(len(FORMATS))]], kw, int(rng.integers(1, 10))


def tolerance(p, options):
    return (p + 8) * EPS[options["dtype"]] * options["scale"]


def check_against_reference(got, expected, p, options):
    assert got.shape == expected.shape and got.dtype == np.dtype(options["dtype"])
    assert np.array_equal(np.isnan(got), np.isnan(expected)), "NaN exactly where a row has no trade"
    ok = ~np.isnan(got)
    assert (got[ok] >= 0).all() and (got[ok] <= options["scale"]).all()
    np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance(p, options))


@settings(max_examples=VOLUME)
@given(matrix_pairs())
def test_complementarity_and_similarity(worst, case):
    X, M, fmt, options, _ = case
    Xf, Mf = fmt(X), (fmt(M) if M is not X else None)
    got = kernels.complementarity(Xf, Mf if Mf is not None else Xf, **options)
    expected = trade_complementarity(X, M, scale=options["scale"])
    check_against_reference(got, expected, X.shape[1], options)
    worst(("complementarity " if M is not X else "similarity ") + np.dtype(options["dtype"]).name, got, expected,
          options["scale"])


@settings(max_examples=VOLUME)
@given(matrix_pairs())
def test_top_k(worst, case):
    X, M, fmt, options, k = case
    values, index = kernels.complementarity_top_k(fmt(X), fmt(M), k, **options)
    expected = trade_complementarity(X, M, scale=options["scale"])
    ref_values, _ = naive_top_k(expected, k)
    check_against_reference(values, ref_values, X.shape[1], options)
    # the ranking: the kernel's own full matrix ranked naively gives the same index (ties: lower first) ...
    # (ties are equal overlaps before scaling and storage rounding: the full matrix at scale 1 in float64)
    if options["dtype"] == np.float64:
        full = kernels.complementarity(fmt(X), fmt(M), **{**options, "scale": 1.0})
        assert np.array_equal(index, naive_top_k(full, k)[1])
    # ... and no row of M left out beats a chosen one by more than the tolerance in exact terms
    chosen = np.zeros(expected.shape, bool)
    rows = np.broadcast_to(np.arange(len(X))[:, None], index.shape)
    chosen[rows[index >= 0], index[index >= 0]] = True
    valid = ~np.isnan(expected)
    worst_chosen = np.where(chosen, expected, np.inf).min(axis=1, initial=np.inf)
    best_left_out = np.where(valid & ~chosen, expected, -np.inf).max(axis=1, initial=-np.inf)
    assert (best_left_out <= worst_chosen + 2 * tolerance(X.shape[1], options)).all()
    worst("top-k " + np.dtype(options["dtype"]).name, values, ref_values, options["scale"])


@settings(max_examples=VOLUME)
@given(matrix_pairs())
def test_blocks(worst, case):
    X, M, fmt, options, rows = case
    blocks = list(kernels.complementarity_blocks(fmt(X), fmt(M), rows=rows, **options))
    assert [s for s, _ in blocks] == list(range(0, len(X), rows))
    got = np.vstack([b for _, b in blocks]) if blocks else np.zeros((0, len(M)), options["dtype"])
    assert np.array_equal(got, kernels.complementarity(fmt(X), fmt(M), **options), equal_nan=True)
    expected = trade_complementarity(X, M, scale=options["scale"])
    check_against_reference(got, expected, X.shape[1], options)
    worst("blocks " + np.dtype(options["dtype"]).name, got, expected, options["scale"])


@st.composite
def flow_arrays(draw):
    """Flows among C countries in P products: one-way and two-way pairs, repeated
    (exporter, importer, product) rows (they add up), BACI order or shuffled, int32/int64 ids."""
    c, p = draw(st.integers(2, 6)), draw(st.integers(1, 6))
    kind, rng = draw(MAGNITUDE), np.random.default_rng(draw(SEED))
    e, i, k = (a.ravel() for a in np.meshgrid(np.arange(c), np.arange(c), np.arange(p), indexing="ij"))
    keep = (e != i) & (rng.random(len(e)) < (0.2, 0.5, 0.9)[rng.integers(3)])
    e, i, k = e[keep], i[keep], k[keep]
    v = magnitudes(rng, len(e), kind)
    if len(e) and rng.random() < 0.5:                # repeated rows: a flow split in two
        twice = rng.random(len(e)) < 0.3
        e, i, k = np.r_[e, e[twice]], np.r_[i, i[twice]], np.r_[k, k[twice]]
        v = np.r_[v, magnitudes(rng, int(twice.sum()), kind)]
    if rng.random() < 0.5:                          # shuffled (else BACI order: sorted by pair)
        order = rng.permutation(len(e))
        e, i, k, v = e[order], i[order], k[order], v[order]
    ids = (np.int32, np.int64)[rng.integers(2)]
    kw = options(rng, adjust=[None, "imbalance", "aquino"], scale=[1.0, 100.0], n_threads=[1] * 15 + [2])
    return e.astype(ids), i.astype(ids), k.astype(ids), v, c, p, kw


def aquino_overflows(e, i, v, c):
    """A pair whose totals one way and the other differ by more than the float64 range."""
    T = np.zeros((c, c), np.longdouble)
    np.add.at(T, (e, i), v)
    lo, hi = np.minimum(T, T.T), np.maximum(T, T.T)
    with np.errstate(divide="ignore", invalid="ignore"):
        return bool(((lo > 0) & ((lo + hi) / (2 * lo) > np.finfo(np.float64).max)).any())


@settings(max_examples=VOLUME)
@given(flow_arrays())
def test_bilateral_gl(worst, case):
    e, i, k, v, c, p, options = case
    if options["adjust"] == "aquino" and aquino_overflows(e, i, v, c):
        with pytest.raises(ValueError, match=r"^value must be such that, with adjust='aquino', the two directions"):
            kernels.bilateral_gl(e, i, k, v, c, n_products=p, **options)
        return
    got = kernels.bilateral_gl(e, i, k, v, c, n_products=p, **options)
    expected = gl_arrays(e, i, k, v, c, p, adjust=options["adjust"], scale=options["scale"])
    assert np.array_equal(np.isnan(got), np.isnan(expected)), "NaN exactly where a pair does not trade"
    assert np.array_equal(got, got.T, equal_nan=True)
    ok = ~np.isnan(got)
    assert (got[ok] >= 0).all() and (got[ok] <= options["scale"] * (1 + 1e-15)).all()
    np.testing.assert_allclose(got, expected, rtol=0, atol=(2 * len(v) + 16) * EPS[np.float64] * options["scale"])
    worst(f"bilateral GL {options['adjust'] or 'plain'}", got, expected, options["scale"])


# -- the indicator family: RCA, trade intensity, shares, concentration, specialisation, Krugman, orientation --
INDICATORS = ("rca", "rca reference", "rca binary", "rca symmetric", "trade intensity", "trade intensity groups",
              "trade intensity rest of world", "partner shares", "hhi", "hhi normalized", "specialisation",
              "krugman", "regional orientation")
EXACT_TIES = ("integers", "subnormal")  # exact sums and products: RCA >= 1 is decided exactly


@st.composite
def indicator_cases(draw):
    """(index, arguments, naive arguments, n): one index of the family (drawn by the seed) on
    C x P values, or on C x C bilateral totals (zero diagonal) with 0/1 group matrices (empty
    groups, single countries, overlapping groups); rows and columns without trade; any format.
    n: the number of values in the largest sum (the tolerance)."""
    c, p = draw(st.integers(0, 7)), draw(st.integers(1, 12))
    kind, rng = draw(MAGNITUDE), np.random.default_rng(draw(SEED))
    index = INDICATORS[rng.integers(len(INDICATORS))]
    fmt = FORMATS[list(FORMATS)[rng.integers(len(FORMATS))]]
    density = (0.15, 0.5, 1.0)[rng.integers(3)]

    def values(shape):
        A = magnitudes(rng, shape, kind) * (rng.random(shape) < density)
        A[rng.random(shape[0]) < 0.15] = 0                  # rows without trade
        if shape[1] > 1:
            A[:, rng.random(shape[1]) < 0.15] = 0            # columns nobody trades
        return A
    if index.startswith(("trade intensity", "partner")):
        n = max(c, 1)
        B = values((n, n))
        np.fill_diagonal(B, 0.0)
        groups = [rng.random((rng.integers(1, 4), n)) < 0.4 for _ in range(2)]
        groups = [np.vstack([g, np.eye(n, dtype=bool)[rng.integers(0, n, 1)]]) for g in groups]  # a single country
        kw = {"rows": None, "cols": None}
        if index in ("trade intensity groups", "trade intensity rest of world", "partner shares"):
            kw = {"rows": groups[0].astype(np.float64), "cols": groups[1].astype(np.float64)}
        if index == "partner shares":
            kw["scale"] = (1.0, 100.0)[rng.integers(2)]
        return index, fmt(B), B, kw, n * n
    X = values((c, p))
    Y = values((c, p)) if index in ("specialisation", "regional orientation") else values((rng.integers(0, 8), p))
    kw = {}
    if index == "rca reference":
        kw["reference"] = magnitudes(rng, p, kind) * (rng.random(p) < 0.8)
    if index.startswith("hhi"):
        kw["scale"] = (1.0, 10000.0)[rng.integers(2)]
    if index == "krugman":
        kw.update(options(rng, method=["dense", "sparse", "auto"], n_threads=[1] * 15 + [2]))
    return index, (fmt(X), fmt(Y)), (X, Y), kw, max(c * p, 1) + p


def _dense_result(r):
    return r.toarray() if sp.issparse(r) else np.asarray(r)


def _members(G, n):
    return [[i] for i in range(n)] if G is None else [list(np.flatnonzero(row)) for row in G]


def indicator_pair(index, args, naive_args, kw):
    """(kernel result, naive result, bounded?) of one index on one case."""
    from reference import (hhi, krugman, partner_shares, rca, rca_symmetric, regional_orientation,
                           trade_intensity, trade_specialisation)
    if index.startswith(("trade intensity", "partner")):
        n = len(naive_args)
        rows, cols = _members(kw["rows"], n), _members(kw["cols"], n)
        if index == "partner shares":
            return (kernels.partner_shares(args, **kw), partner_shares(naive_args, rows, cols, kw["scale"]), False)
        exclude = index.endswith("rest of world")
        return (kernels.trade_intensity(args, exclude_self=exclude, **kw),
                trade_intensity(naive_args, rows, cols, exclude), False)
    (X, Y), (Xn, Yn) = args, naive_args
    if index == "specialisation":
        return kernels.trade_specialisation(X, Y), trade_specialisation(Xn, Yn), True
    if index == "regional orientation":
        return kernels.regional_orientation(X, Y), regional_orientation(Xn, Yn), False
    if index == "krugman":
        return kernels.krugman(X, Y, **kw), krugman(Xn, Yn), True
    if index.startswith("hhi"):
        normalized = index == "hhi normalized"
        return kernels.hhi(X, normalized=normalized, **kw), kw["scale"] * hhi(Xn, normalized), True
    if index == "rca symmetric":
        return kernels.rca(X, kind="symmetric"), rca_symmetric(Xn), True
    return (_dense_result(kernels.rca(X, kind="binary" if index == "rca binary" else "ratio", **kw)),
            rca(Xn, kw.get("reference")), False)


@settings(max_examples=VOLUME)
@given(indicator_cases())
def test_indicators(worst, case):
    """Every index of the family against its naive formula in extended precision: NaN exactly
    where a denominator is 0; within (2n + 16) * 2**-52 of the exact value, relatively for the
    ratios (inf only where the exact value is beyond 1.8e308) and absolutely (x scale) for the
    bounded indices; RCA >= 1 decided exactly where the sums and products are exact."""
    index, args, naive_args, kw, n = case
    if not reference_extended():
        pytest.skip("np.longdouble is plain double here: the extended-precision reference needs x86")
    got, expected, bounded = indicator_pair(index, args, naive_args, kw)
    got = _dense_result(got)
    assert got.shape == expected.shape and got.dtype == np.float64
    if index == "rca binary":
        ratio = expected
        expected = np.where(np.isnan(ratio), np.nan, (ratio >= 1).astype(np.float64))
        decided = np.isnan(ratio) | (np.abs(ratio - 1) > 1e-12)
        assert np.array_equal(got[decided], expected[decided], equal_nan=True)
        worst(index, got, expected, 1.0)
        return
    assert np.array_equal(np.isnan(got), np.isnan(expected)), "NaN exactly where a denominator is 0"
    tol = (2 * n + 16) * EPS[np.float64]
    ok = ~np.isnan(got)
    g, e = np.minimum(got[ok], BIG), np.minimum(expected[ok], BIG)  # inf: beyond the float64 range
    scale = kw.get("scale", 1.0) if index != "krugman" else 2.0
    if bounded:
        np.testing.assert_allclose(g, e, rtol=0, atol=tol * scale)
    else:
        assert (got[ok] >= 0).all()
        assert np.all(np.abs(g - e) <= tol * e + 2.0**-1070), "relative error above (2n + 16) * 2**-52"
    worst(index, g, e, scale)


def reference_extended():
    from reference import EXTENDED
    return EXTENDED

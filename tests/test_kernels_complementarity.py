"""tradeindex.kernels.complementarity*: the array-level API against the naive L1 formula."""
import threading

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from tradeindex import kernels
from reference import top_k as naive_top_k, trade_complementarity as naive

FORMATS = {"dense": np.asarray, "csr": sp.csr_array, "csc": sp.csc_array}


def random_values(rng, rows, cols, density, empty_rows=(), empty_cols=()):
    A = rng.gamma(0.5, 100.0, (rows, cols)) * (rng.random((rows, cols)) < density)
    A[list(empty_rows), :] = 0
    A[:, list(empty_cols)] = 0
    return A


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(42)
    X = random_values(rng, 23, 601, 0.3, empty_rows=[3, 22], empty_cols=[0, 7])
    M = random_values(rng, 18, 601, 0.6, empty_rows=[0], empty_cols=[7, 600])
    return X, M, naive(X, M, scale=1.0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("method", ["dense", "sparse", "auto"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_matches_naive_l1(pair, dtype, fmt, method, n_threads):
    X, M, expected = pair
    got = kernels.complementarity(FORMATS[fmt](X), FORMATS[fmt](M), dtype=dtype, method=method,
                                  n_threads=n_threads)
    assert got.dtype == np.dtype(dtype) and got.shape == expected.shape
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    assert np.isnan(got[3]).all() and np.isnan(got[:, 0]).all()  # no trade -> NaN, never 0
    rtol = 1e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-14)


def test_scale_and_known_values():
    X = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 5.0]])
    M = np.array([[2.0, 0.0, 2.0], [0.0, 1.0, 0.0]])
    got = kernels.complementarity(X, M, scale=100)
    np.testing.assert_allclose(got, [[50.0, 50.0], [50.0, 0.0]])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_hypothesis_against_naive(data):
    c1, c2, p = (data.draw(st.integers(1, n)) for n in (9, 9, 70))
    values = st.one_of(st.just(0.0), st.floats(1e-3, 1e6))
    X = data.draw(hnp.arrays(np.float64, (c1, p), elements=values))
    M = data.draw(hnp.arrays(np.float64, (c2, p), elements=values))
    # whole rows (no trade: NaN) and product columns (traded by nobody) emptied on purpose
    X[data.draw(hnp.arrays(bool, c1)), :] = 0
    M[data.draw(hnp.arrays(bool, c2)), :] = 0
    empty_products = data.draw(hnp.arrays(bool, p))
    X[:, empty_products] = 0
    M[:, empty_products] = 0
    method = data.draw(st.sampled_from(["dense", "sparse", "auto"]))
    fmt = data.draw(st.sampled_from(list(FORMATS)))
    got = kernels.complementarity(FORMATS[fmt](X), FORMATS[fmt](M), method=method, scale=100,
                                  n_threads=data.draw(st.sampled_from([1, 2])))
    np.testing.assert_allclose(got, naive(X, M), rtol=1e-10, atol=1e-10)


def test_float32_relative_accuracy():
    rng = np.random.default_rng(1)
    X, M = random_values(rng, 40, 5000, 0.5), random_values(rng, 37, 5000, 0.75)
    expected = naive(X, M, scale=1.0)
    for method in ("dense", "sparse"):
        got = kernels.complementarity(X, M, dtype="float32", method=method)
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_thread_count_invariance(pair):
    X, M, _ = pair
    for method in ("dense", "sparse"):
        one = kernels.complementarity(X, M, method=method, n_threads=1)
        for n in (2, 3, 8):
            assert np.array_equal(one, kernels.complementarity(X, M, method=method, n_threads=n),
                                  equal_nan=True)


def test_read_only_inputs_are_not_modified(pair):
    X, M, expected = pair
    Xr, Mr = X.copy(), M.copy()
    Xr.flags.writeable = Mr.flags.writeable = False
    Xs, Ms = sp.csr_array(X), sp.csc_array(M)
    for a in (Xs.data, Xs.indices, Xs.indptr, Ms.data, Ms.indices, Ms.indptr):
        a.flags.writeable = False
    for method in ("dense", "sparse"):
        np.testing.assert_allclose(kernels.complementarity(Xr, Mr, method=method), expected, rtol=1e-12)
        np.testing.assert_allclose(kernels.complementarity(Xs, Ms, method=method), expected, rtol=1e-12)
        kernels.complementarity_top_k(Xs, Ms, 3, method=method)
    assert np.array_equal(Xr, X) and np.array_equal(Xs.toarray(), X) and np.array_equal(Ms.toarray(), M)


def test_int64_indices_and_duplicates(pair):
    X, M, expected = pair
    Xs = sp.csr_array(X)
    Xs.indptr, Xs.indices = Xs.indptr.astype(np.int64), Xs.indices.astype(np.int64)
    got = kernels.complementarity(Xs, sp.csc_array(M), method="sparse")
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # a COO matrix with a value split over two entries is the same as the summed value
    coo = sp.coo_array(M)
    split = sp.coo_array((np.r_[coo.data / 2, coo.data / 2], (np.r_[coo.row, coo.row], np.r_[coo.col, coo.col])),
                         shape=M.shape)
    for method in ("dense", "sparse"):
        np.testing.assert_allclose(kernels.complementarity(X, split, method=method), expected, rtol=1e-12)


def test_integer_inputs():
    X = np.array([[3, 1, 0]], dtype=np.int32)
    M = np.array([[1, 1, 2]], dtype=np.uint8)
    assert kernels.complementarity(X, M, scale=100)[0, 0] == pytest.approx(50.0)
    assert kernels.complementarity([[3, 1, 0]], [[1, 1, 2]], scale=100)[0, 0] == pytest.approx(50.0)
    assert kernels.complementarity_top_k([[3, 1, 0]], [[1, 1, 2]], 1)[1][0, 0] == 0
    assert next(kernels.complementarity_blocks([[3, 1, 0]], [[1, 1, 2]]))[1].shape == (1, 1)


@pytest.mark.parametrize("method", ["dense", "sparse"])
@pytest.mark.parametrize("k", [1, 3, 25])
def test_top_k_matches_full_matrix(pair, method, k):
    X, M, expected = pair
    full = kernels.complementarity(X, M, method=method, scale=100)
    values, index = kernels.complementarity_top_k(X, M, k, method=method, scale=100, n_threads=2)
    ref_values, ref_index = naive_top_k(full, k)
    assert values.shape == index.shape == (len(X), k)
    assert np.array_equal(index, ref_index)
    np.testing.assert_array_equal(values, ref_values)
    np.testing.assert_allclose(values, naive_top_k(expected * 100, k)[0], rtol=1e-12)


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_top_k_ties_and_no_overlap(method):
    # importers 0, 2 identical (a tie: the lower index first); importer 3 shares no product
    X = np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    M = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0],
                  [0.0, 0.0, 0.0, 2.0], [0.0, 3.0, 3.0, 0.0]])
    values, index = kernels.complementarity_top_k(X, M, 5, method=method, scale=100)
    np.testing.assert_array_equal(index, [[0, 2, 4, 3, -1], [-1] * 5])
    np.testing.assert_allclose(values[0], [50.0, 50.0, 50.0, 0.0, np.nan])
    assert np.isnan(values[1]).all()


def test_blocks_equal_full(pair):
    X, M, _ = pair
    for method in ("dense", "sparse"):
        full = kernels.complementarity(sp.csr_array(X), M, method=method)
        blocks = list(kernels.complementarity_blocks(sp.csr_array(X), M, rows=5, method=method))
        assert [s for s, _ in blocks] == [0, 5, 10, 15, 20]
        assert np.array_equal(np.vstack([b for _, b in blocks]), full, equal_nan=True)


def test_auto_uses_cost_model_not_format():
    rng = np.random.default_rng(3)
    sparse_data = random_values(rng, 200, 3000, 0.002)
    dense_data = random_values(rng, 50, 300, 0.9)
    assert kernels.choose_method(sparse_data, sparse_data) == "sparse"  # dense array, sparse content
    assert kernels.choose_method(sp.csr_array(dense_data), sp.csr_array(dense_data)) == "dense"


def test_many_python_threads():
    rng = np.random.default_rng(5)
    X, M = random_values(rng, 30, 400, 0.4), random_values(rng, 20, 400, 0.7)
    expected = kernels.complementarity(X, M, n_threads=1)
    results = [None] * 8

    def work(i):
        results[i] = kernels.complementarity(X, M, method=("dense", "sparse")[i % 2], n_threads=1)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_allclose(r, expected, rtol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: kernels.complementarity(-np.ones((2, 3)), np.ones((2, 3))), "X must be finite and non-negative"),
    (lambda: kernels.complementarity(np.ones((2, 3)), sp.csr_array(np.full((2, 3), np.nan))), "M must be finite"),
    (lambda: kernels.complementarity(np.ones((2, 3)), np.ones((2, 4))), "M must be 3 columns"),
    (lambda: kernels.complementarity(np.ones(3), np.ones((2, 3))), "X must be a 2-D array"),
    (lambda: kernels.complementarity(np.ones((2, 3)), np.ones((2, 3)), dtype="float16"), "dtype must be one of"),
    (lambda: kernels.complementarity(np.ones((2, 3)), np.ones((2, 3)), method="fast"), "method must be one of"),
    (lambda: kernels.complementarity(np.ones((2, 3)), np.ones((2, 3)), n_threads=0), "n_threads must be"),
    (lambda: kernels.complementarity_top_k(np.ones((2, 3)), np.ones((2, 3)), 0), "k must be a positive"),
    (lambda: list(kernels.complementarity_blocks(np.ones((2, 3)), np.ones((2, 3)), rows=0)), "rows must be"),
])
def test_errors_name_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_non_numeric_is_a_type_error():
    with pytest.raises(TypeError, match="X must be numeric"):
        kernels.complementarity(np.array([["a", "b"]]), np.ones((1, 2)))


def test_sparse_top_k_few_overlaps():
    # rows visiting few importers take the visited-list path; zero-overlap importers fill in order
    rng = np.random.default_rng(9)
    X = sp.random_array((30, 3000), density=0.001, format="csr", rng=rng)
    M = sp.random_array((500, 3000), density=0.002, format="csr", rng=rng)
    full = kernels.complementarity(X, M, method="sparse", scale=100)
    for k in (1, 5, 40):
        values, index = kernels.complementarity_top_k(X, M, k, method="sparse", scale=100)
        ref_values, ref_index = naive_top_k(full, k)
        assert np.array_equal(index, ref_index)
        np.testing.assert_array_equal(values, ref_values)

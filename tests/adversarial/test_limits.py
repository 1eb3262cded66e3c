"""Sizes that cannot fit: OutputTooLargeError before any input is processed, with the size and
the ways out; the limit comes from the memory available or TRADEINDEX_MAX_OUTPUT_BYTES."""
import numpy as np
import pytest
import scipy.sparse as sp

from tradeindex import _validation, config, kernels
from tradeindex._validation import OutputTooLargeError, check_output_size, memory_limit

GIB = 2**30


@pytest.fixture
def limit_1gib(monkeypatch):
    monkeypatch.setenv("TRADEINDEX_MAX_OUTPUT_BYTES", str(GIB))


def test_issue_13_message(limit_1gib):
    """200,000 x 200,000 rows: 298 GiB asked for; the answer names the size and the ways out."""
    X = sp.csr_array((200_000, 3))  # no values: only the shapes are read before the answer
    with pytest.raises(OutputTooLargeError) as info:
        kernels.complementarity(X, X)
    assert str(info.value) == (
        "X and M must be small enough for the result to fit in memory (1.0 GiB, the limit "
        "TRADEINDEX_MAX_OUTPUT_BYTES sets); found a 200,000 x 200,000 float64 result of 298.0 GiB; ask for less: "
        "top_k=K (kernels.complementarity_top_k) keeps the K best partners of each row, "
        "kernels.complementarity_blocks(..., rows=R) yields the rows block by block, dtype='float32' halves the "
        "result, or split the rows over a Dask cluster")
    assert isinstance(info.value, MemoryError) and isinstance(info.value, ValueError)


def test_checked_before_the_values(limit_1gib):
    X = np.full((20_000, 1), np.nan)  # bad values, but the size is answered first
    with pytest.raises(OutputTooLargeError, match=r"^X and M must be small enough .*found a 20,000 x 20,000 "
                       r"float32 result of 1.5 GiB \(4.5 GiB with working memory\)"):
        kernels.complementarity(X, X, dtype="float32")
    with pytest.raises(ValueError, match=r"^X must be finite and non-negative trade values; found nan at row 0, column 0; 20000 entries in all"):
        kernels.complementarity(X, X[:10])


def test_each_function_names_its_parameter(limit_1gib):
    X = sp.csr_array((50_000, 3))
    with pytest.raises(OutputTooLargeError, match=r"^rows must be small enough for the result .*found a 20,000 x 50,000 "
                       r"float64 result of 7.5 GiB; pass fewer rows=, or ask for the best partners only with "
                       r"kernels.complementarity_top_k$"):
        kernels.complementarity_blocks(X, X, rows=20_000)
    assert next(kernels.complementarity_blocks(X[:10], X, rows=2))[1].shape == (2, 50_000)
    with pytest.raises(OutputTooLargeError, match=r"^k must be small enough .*found a 50,000 x 10,000 float64 result "
                       r"of 3.7 GiB \(.* with working memory\); pass a smaller k, or split the rows of X over several calls$"):
        kernels.complementarity_top_k(X, X, 10_000)
    with pytest.raises(OutputTooLargeError, match=r"^n_groups must be small enough .*found a 1,000,000,000 float64 "
                       r"result of 7.5 GiB .*; number the groups present 0..G-1 \(np.unique\(ids, return_inverse=True\)\)$"):
        kernels.group_totals([0], [1.0], 10**9)
    with pytest.raises(OutputTooLargeError, match=r"^n_countries must be small enough .*found a 20,000 x 20,000 float64 "
                       r"result of 3.0 GiB .*; number the countries and products present 0..C-1 and 0..P-1"):
        kernels.bilateral_gl([0], [1], [0], [1.0], 20_000)
    with pytest.raises(OutputTooLargeError, match=r"^product must be small enough for the per-thread product buffers "
                       r"to fit in memory .*found a \d+ x 5 x 100,000,000 float64 per-thread product buffers of"):
        kernels.bilateral_gl([0], [1], [10**8 - 1], [1.0], 2)
    with pytest.raises(OutputTooLargeError, match=r"^n_products must be small enough for the per-thread"):
        kernels.bilateral_gl([0], [1], [0], [1.0], 2, n_products=10**8)


def test_dense_shares_are_checked_too(monkeypatch):
    monkeypatch.setenv("TRADEINDEX_MAX_OUTPUT_BYTES", str(2**20))  # 1 MiB: the 1 x 1 result fits
    X = sp.csr_array(([1.0], ([0], [199_999])), shape=(1, 200_000))
    with pytest.raises(OutputTooLargeError, match=r"^X and M must be small enough for the dense share matrices to fit "
                       r"in memory .*found a 2 x 200,000 float64 dense share matrices of 3.1 MiB \(6.1 MiB with "
                       r"working memory\); pass method='sparse'$"):
        kernels.complementarity(X, X, method="dense")
    assert kernels.complementarity(X, X, method="sparse")[0, 0] == 1.0


def test_the_limit(monkeypatch):
    monkeypatch.delenv("TRADEINDEX_MAX_OUTPUT_BYTES", raising=False)
    limit, source = memory_limit()
    assert limit is None or limit > 0
    assert source in ("MemAvailable", "free memory", "the cgroup memory.max less memory.current", "unknown")
    monkeypatch.setenv("TRADEINDEX_MAX_OUTPUT_BYTES", "8e9")
    assert memory_limit() == (8_000_000_000, "TRADEINDEX_MAX_OUTPUT_BYTES")
    assert config.config()["memory_limit"] == 8_000_000_000
    assert check_output_size("X", (1000, 1000), np.float32, work=5) == 4_000_005
    for bad in ("lots", "-1", "0", "nan", "inf"):
        monkeypatch.setenv("TRADEINDEX_MAX_OUTPUT_BYTES", bad)
        with pytest.raises(ValueError, match=r"^TRADEINDEX_MAX_OUTPUT_BYTES must be a positive number of bytes "
                           rf"\(e.g. 8e9\); found '{bad}'$"):
            kernels.complementarity(np.ones((2, 2)), np.ones((2, 2)))


def test_byte_units():
    assert [_validation._bytes(n) for n in (5, 2048, 3 * 2**20, 298 * GIB)] == [
        "5 bytes", "2.0 KiB", "3.0 MiB", "298.0 GiB"]


def test_scale_must_fit_the_dtype():
    with pytest.raises(ValueError, match=r"^scale must be a positive finite number up to 3.4e\+38 \(100 for "
                       r"percentages, 1 for shares\); found 1e\+300$"):
        kernels.complementarity(np.ones((2, 2)), np.ones((2, 2)), dtype="float32", scale=1e300)
    assert kernels.complementarity(np.ones((2, 2)), np.ones((2, 2)), scale=1e300)[0, 0] == 1e300


def test_gl_values_beyond_one_float64_range():
    """A sum of values near 1.8e308 overflows: the values are scaled by a power of two (exact);
    when the smallest would not survive that, an error says so."""
    e, i, p = [0, 1, 0, 1], [1, 0, 1, 0], [0, 0, 1, 1]
    big = np.finfo(np.float64).max
    gl, num, den = kernels.bilateral_gl(e, i, p, [big, big / 2, big / 4, big], 2, return_parts=True)
    expected = kernels.bilateral_gl(e, i, p, [4.0, 2.0, 1.0, 4.0], 2)
    np.testing.assert_allclose(gl, expected, rtol=1e-15)
    assert np.isinf(den[0, 1])  # the true sum is beyond float64: inf, while the index is exact
    with pytest.raises(ValueError, match=r"^value must be within a range whose sums float64 can hold .*; found "
                       r"1.7976931348623157e\+308 beside 5e-324 at row 2; rescale or drop the negligible flows$"):
        kernels.bilateral_gl(e, i, p, [big, big, 5e-324, 1.0], 2)
    sub = kernels.bilateral_gl(e, i, p, [4 * 5e-324, 2 * 5e-324, 5e-324, 4 * 5e-324], 2, adjust="aquino")
    np.testing.assert_allclose(sub, kernels.bilateral_gl(e, i, p, [4.0, 2.0, 1.0, 4.0], 2, adjust="aquino"), rtol=1e-15)

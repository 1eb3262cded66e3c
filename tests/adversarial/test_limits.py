"""Sizes that cannot fit: OutputTooLargeError before any input is processed, with the size and
the ways out; the limit comes from the memory available or TRADEINDEX_MAX_OUTPUT_BYTES."""
import os
import re
import subprocess
import sys

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


# -- the labelled functions: the size of the whole result, before any year is read -----------------------
@pytest.fixture(scope="module")
def many_countries():
    """Flows among 200,000 countries (a ring: each exports one product to the next)."""
    import tradeindex
    n = 200_000
    codes = np.arange(n) + 1000
    return tradeindex.TradeFlows.from_arrays(codes, np.roll(codes, 1), ["01"] * n, np.ones(n), year=2000)


@pytest.fixture
def no_year_read(monkeypatch, limit_1gib):
    """Reading a year is an error: the size must be answered before."""
    from tradeindex import _years

    def load(*a, **k):
        raise AssertionError("a year was read before the size was checked")
    monkeypatch.setattr(_years, "load", load)


PAIRS = r"; ask for less: top_k=K keeps the K best partners of each row, {} and {} \(or fewer years\) narrow the matrix"
GL_WAYS = (r"; select fewer countries first \(flows.select\(exporters=..., importers=...\)\): the pairwise sums take "
           r"C x C x K whatever reporters= and partners= keep; or fewer years, or compute the years on a Dask cluster$")


def test_labelled_complementarity_message(many_countries, no_year_read):
    """Issue 13's 200,000-country request: the size and the ways out, at once."""
    import tradeindex
    with pytest.raises(OutputTooLargeError) as info:
        tradeindex.complementarity(many_countries)
    assert str(info.value) == (
        "exporters and importers must be small enough for the result to fit in memory (1.0 GiB, the limit "
        "TRADEINDEX_MAX_OUTPUT_BYTES sets); found a 1 x 200,000 x 200,000 float64 result of 298.0 GiB; ask for less: "
        "top_k=K keeps the K best partners of each row, exporters= and importers= (or fewer years) narrow the matrix, "
        "dtype='float32' halves it, or compute the years on a Dask cluster")
    with pytest.raises(OutputTooLargeError, match=r"^countries and partners must be small enough .*found a 1 x 200,002 "
                       r"x 200,002 float32 result of 149.0 GiB; ask for less: top_k=K keeps the K best partners of "
                       r"each row, countries= and partners= \(or fewer years\) narrow the matrix, or compute"):
        tradeindex.export_similarity(many_countries, dtype="float32", groups={"A": ["1000"], "B": ["1001"]})
    with pytest.raises(OutputTooLargeError, match=r"^top_k must be small enough .*found a 1 x 200,000 x 100,000 float64 "
                       r"result of 149.0 GiB \(.* with working memory\); pass a smaller top_k, or fewer exporters= or "
                       r"years, or compute the years on a Dask cluster$"):
        tradeindex.complementarity(many_countries, top_k=100_000)


def test_labelled_indicators_and_grubel_lloyd_sizes(many_countries, no_year_read):
    import tradeindex
    f = many_countries
    with pytest.raises(OutputTooLargeError, match=r"^countries and partners must be small enough .*1 x 200,000 x 200,000 "
                       r"float64 result of 298.0 GiB; ask for less: countries= and partners= \(or fewer years\) narrow "
                       r"the matrix, dtype='float32' halves it, or compute the years on a Dask cluster$"):
        tradeindex.krugman(f)
    with pytest.raises(OutputTooLargeError, match=r"^reporters and partners must be small enough .*1 x 200,000 x 200,000 "
                       r"float64 result of 298.0 GiB; ask for less: reporters= and partners= \(or fewer years\) narrow "
                       r"the matrix, or compute the years on a Dask cluster$"):
        tradeindex.trade_intensity(f)
    with pytest.raises(OutputTooLargeError, match=r"^flows must be small enough .*found a 1 x 200,000 x 200,000 x 2 "
                       r"float64 result of 596.0 GiB \(.* with working memory\)" + GL_WAYS):
        tradeindex.grubel_lloyd(f)
    with pytest.raises(OutputTooLargeError, match=r"^flows must be small enough .*found a 1 x 200,000 x 1 x 2 float64 "
                       r"result of 3.1 MiB \(1,192.1 GiB with working memory\)" + GL_WAYS):
        tradeindex.grubel_lloyd(f, by="country")  # a small result, but the pairwise sums behind it
    with pytest.raises(OutputTooLargeError, match=r"^flows must be small enough .*1 x 200,000 x 200,000 x 5 float64"):
        tradeindex.trade_types(f)
    two = tradeindex.TradeFlows.from_arrays(np.r_[f.countries.code[f.exporter]] * 1, f.countries.code[f.importer],
                                            ["01"] * len(f), np.ones(len(f)), year=np.r_[[2000] * (len(f) - 1), 2001])
    with pytest.raises(OutputTooLargeError, match=r"^flows must be small enough .*1 x 200,000 x 200,000 x 3 float64"):
        tradeindex.marginal_iit(two, 2000, 2001)


def test_labelled_sizes_within_a_year_and_the_report(limit_1gib, tmp_path):
    """Lazy flows (their countries known when a year is read), the report and the CLI: the same
    message; the CLI in one line with exit code 2."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import tradeindex
    n = 20_000
    codes = np.arange(n) + 1000
    path = tmp_path / "BACI_HS92_Y2000_V1.csv"
    pacsv.write_csv(pa.table({"t": [2000] * n, "i": codes, "j": np.roll(codes, 1), "k": ["010101"] * n,
                              "v": np.ones(n), "q": np.ones(n)}), path)
    lazy = tradeindex.scan_baci(path)
    with pytest.raises(OutputTooLargeError, match=r"^exporters and importers must be small enough .*found a 1 x 20,000 "
                       r"x 20,000 float64 result of 3.0 GiB; ask for less"):
        tradeindex.complementarity(lazy)
    with pytest.raises(OutputTooLargeError, match=r"^flows must be small enough .*1 x 20,000 x 20,000 x 2 float64 result .*" + GL_WAYS):
        tradeindex.grubel_lloyd(lazy)
    with pytest.raises(OutputTooLargeError, match=r"^flows must be small enough for the bilateral totals to fit in memory "
                       r".*found a 20,000 x 20,000 float64 bilateral totals of 3.0 GiB \(8.9 GiB with working memory\); "
                       r"select fewer countries first"):
        tradeindex.concentration(lazy)
    report = (r"flows must be small enough for the tables of every pair \(complementarity, trade intensity\) to fit in "
              r"memory .*found a 2 x 20,003 x 20,003 float64 tables of every pair .* of 6.0 GiB \(.* with working "
              r"memory\); select fewer countries first \(flows.select\(exporters=..., importers=...\)\) or fewer years, "
              r"or compute the years on a Dask cluster$")
    with pytest.raises(OutputTooLargeError, match="^" + report):
        tradeindex.regional_report(lazy, {"G": ["1000", "1001"]})
    for argv, message in ((["report", str(path), "--group", "G=1000,1001", "-o", str(tmp_path / "r")], report),
                          (["complementarity", str(path), "-o", str(tmp_path / "x.csv")],
                           r"exporters and importers must be small enough .*result of 3.0 GiB; ask for less")):
        run = subprocess.run([sys.executable, "-m", "tradeindex.cli", *argv], capture_output=True, text=True,
                             env={**os.environ, "TRADEINDEX_MAX_OUTPUT_BYTES": str(GIB)}, timeout=120)
        assert run.returncode == 2 and len(run.stderr.splitlines()) == 1, run.stderr
        assert re.match(rf"^tradeindex {argv[0]}: error: {message}", run.stderr.strip()), run.stderr


def test_labelled_grubel_lloyd_values_beyond_one_float64_range():
    """The labelled Grubel-Lloyd family scales the values by a power of two as bilateral_gl does:
    near 1.8e308 the index is exact; Aquino's factors beyond the float64 range are an error
    naming the pair."""
    import tradeindex
    big = np.finfo(np.float64).max
    e, i, p = ["ARG", "BRA", "ARG", "BRA"], ["BRA", "ARG", "BRA", "ARG"], ["01", "01", "02", "02"]
    huge = tradeindex.TradeFlows.from_arrays(e, i, p, [big, big / 2, big / 4, big], year=1990)
    small = tradeindex.TradeFlows.from_arrays(e, i, p, [4.0, 2.0, 1.0, 4.0], year=1990)
    for kw in ({}, {"adjust": "aquino"}, {"adjust": "imbalance"}, {"by": "country"}, {"by": "country", "adjust": "aquino"}):
        np.testing.assert_allclose(tradeindex.grubel_lloyd(huge, **kw).values, tradeindex.grubel_lloyd(small, **kw).values,
                                   rtol=1e-15)
    got = tradeindex.grubel_lloyd(huge, by="product", adjust="aquino").to_pandas()
    np.testing.assert_allclose(got.grubel_lloyd, tradeindex.grubel_lloyd(small, by="product", adjust="aquino")
                               .to_pandas().grubel_lloyd, rtol=1e-15)
    apart = tradeindex.TradeFlows.from_arrays(e, i, p, [1e300, 1e-300, 1e300, 1e-300], year=1990)
    with pytest.raises(ValueError, match=r"^flows must be such that, with adjust='aquino', the two directions of every "
                       r"pair are within a ratio of 1.8e308 .*; found 2e\+300 from ARG to BRA against 2e-300 back; 1 pairs"):
        tradeindex.grubel_lloyd(apart, adjust="aquino")
    with pytest.raises(ValueError, match=r"^flows must be such that, with adjust='aquino'.*found 2e\+300 between ARG and "
                       r"World against 2e-300 back; 2 pairs in all$"):
        tradeindex.grubel_lloyd(apart, by="country", adjust="aquino")
    spread = tradeindex.TradeFlows.from_arrays(e, i, p, [big, big, 5e-324, 1.0], year=1990)
    with pytest.raises(ValueError, match=r"^flows must be within a range whose sums float64 can hold .*found "
                       r"1.7976931348623157e\+308 beside 5e-324 at row 2; rescale or drop the negligible flows$"):
        tradeindex.grubel_lloyd(spread)

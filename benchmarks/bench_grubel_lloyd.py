"""Bilateral Grubel-Lloyd for all pairs: tradeindex vs DuckDB SQL, polars and pandas, same data,
same process (peers in peers_grubel_lloyd.py; every peer's matrix is checked against ours).

BACI-like flows from generate.py: "full" (240 countries x 5,000 HS6, ~10M flows), "medium"
(~3M, for pandas), "large" (~30M, scaling), each shuffled and as BACI ships it (sorted by i, j, k).

    python -m pytest benchmarks/bench_grubel_lloyd.py --benchmark-json=benchmarks/results/gl.json
    python benchmarks/ratios.py benchmarks/results/gl.json
"""
import numpy as np
import pyarrow as pa
import pytest

import peers_grubel_lloyd as peers
from tradeindex import kernels

ROUNDS = 5


@pytest.fixture(scope="module")
def data():
    cache = {}

    def get(preset, order):
        if (preset, order) not in cache:
            cols, n_c, n_p = peers.flows(preset)
            cache[preset, order] = (cols if order == "sorted" else peers.shuffled(cols), n_c, n_p)
        return cache[preset, order]
    return get


@pytest.fixture(scope="module")
def duck():
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()  # all cores (DuckDB's default)
    yield con
    con.close()


def _ours(cols, n_c, n_p, n_threads=None):
    return kernels.bilateral_gl(cols["i"], cols["j"], cols["k"], cols["v"], n_c, n_products=n_p,
                                n_threads=n_threads)


def _bench(benchmark, fn, *args, rounds=ROUNDS):
    return benchmark.pedantic(fn, args=args, rounds=rounds, iterations=1, warmup_rounds=1)


def _check(got, cols, n_c, n_p):
    np.testing.assert_allclose(got, _ours(cols, n_c, n_p), rtol=1e-9, equal_nan=True)


CASES = [("full", "shuffled"), ("full", "sorted"), ("large", "shuffled"), ("large", "sorted")]


@pytest.mark.parametrize("preset, order", CASES)
def test_tradeindex(benchmark, data, preset, order):
    cols, n_c, n_p = data(preset, order)
    benchmark.group = f"bilateral GL {preset} {order}"
    benchmark.extra_info["rows"] = len(cols["v"])
    _bench(benchmark, _ours, cols, n_c, n_p)


@pytest.mark.parametrize("preset, order", CASES[:2])
def test_one_thread(benchmark, data, preset, order):
    """tradeindex with n_threads=1: on a machine whose cores are busy with other work a 2-thread
    static schedule waits for the slower core."""
    cols, n_c, n_p = data(preset, order)
    benchmark.group = f"bilateral GL {preset} {order}"
    _bench(benchmark, _ours, cols, n_c, n_p, 1)


@pytest.mark.parametrize("preset, order", CASES)
def test_duckdb(benchmark, data, duck, preset, order):
    cols, n_c, n_p = data(preset, order)
    benchmark.group = f"bilateral GL {preset} {order}"
    benchmark.extra_info["threads"] = duck.execute("SELECT current_setting('threads')").fetchall()[0][0]
    table = pa.table(cols)
    _check(_bench(benchmark, peers.duckdb_gl, duck, table, n_c, rounds=3), cols, n_c, n_p)


@pytest.mark.parametrize("preset, order", CASES[:2])
def test_polars(benchmark, data, preset, order):
    pytest.importorskip("polars")
    cols, n_c, n_p = data(preset, order)
    benchmark.group = f"bilateral GL {preset} {order}"
    _check(_bench(benchmark, peers.polars_gl, cols, n_c, rounds=3), cols, n_c, n_p)


@pytest.mark.parametrize("who", ["tradeindex", "pandas", "duckdb"])
def test_medium_with_pandas(benchmark, data, duck, who):
    pytest.importorskip("pandas")
    cols, n_c, n_p = data("medium", "shuffled")
    benchmark.group = "bilateral GL medium shuffled (pandas)"
    benchmark.extra_info["rows"] = len(cols["v"])
    if who == "tradeindex":
        _bench(benchmark, _ours, cols, n_c, n_p)
    elif who == "pandas":
        _check(_bench(benchmark, peers.pandas_gl, cols, n_c, rounds=3), cols, n_c, n_p)
    else:
        _check(_bench(benchmark, peers.duckdb_gl, duck, pa.table(cols), n_c, rounds=3), cols, n_c, n_p)


@pytest.fixture(scope="module")
def baci_flows(data):
    cols, n_c, n_p = data("full", "sorted")
    return peers.trade_flows(cols, n_c, n_p), cols, n_c


@pytest.mark.parametrize("who", ["tradeindex", "duckdb"])
def test_country_vs_world(benchmark, baci_flows, duck, who):
    """grubel_lloyd(flows, by="country") (public API, every country vs the world) vs DuckDB SQL."""
    import tradeindex
    flows, cols, n_c = baci_flows
    benchmark.group = "GL each country vs world, full (public API, BACI order)"
    ours = tradeindex.grubel_lloyd(flows, by="country", scale=1).values[:, 0]
    if who == "tradeindex":
        benchmark.extra_info["rows"] = len(flows)
        _bench(benchmark, lambda: tradeindex.grubel_lloyd(flows, by="country", scale=1))
    else:
        got = _bench(benchmark, peers.duckdb_country_gl, duck, pa.table(cols), n_c, rounds=3)
        np.testing.assert_allclose(got, ours, rtol=1e-9, equal_nan=True)


@pytest.mark.parametrize("who", ["tradeindex", "duckdb"])
def test_pairs_public_api(benchmark, baci_flows, duck, who):
    """grubel_lloyd(flows) on a TradeFlows (public API, labelled IndexMatrix) vs DuckDB SQL."""
    import tradeindex
    flows, cols, n_c = baci_flows
    benchmark.group = "GL all pairs, full (public API, BACI order)"
    if who == "tradeindex":
        benchmark.extra_info["rows"] = len(flows)
        _bench(benchmark, lambda: tradeindex.grubel_lloyd(flows))
    else:
        got = _bench(benchmark, peers.duckdb_gl, duck, pa.table(cols), n_c, rounds=3)
        np.testing.assert_allclose(100 * got, tradeindex.grubel_lloyd(flows).values, rtol=1e-9, equal_nan=True)

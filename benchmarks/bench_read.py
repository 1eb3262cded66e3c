"""Read throughput: tradeindex.read_baci vs what a user would otherwise run (pandas.read_csv,
pyarrow alone), same file, same process.

    python -m pytest benchmarks/bench_read.py --benchmark-json=benchmarks/results/read.json
    python benchmarks/ratios.py benchmarks/results/read.json
"""
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import tradeindex

pd = pytest.importorskip("pandas")


def _run(benchmark, fn, *args, **kw):
    return benchmark.pedantic(fn, args=args, kwargs=kw, rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.benchmark(group="read CSV")
def test_csv_tradeindex(benchmark, files):
    flows = _run(benchmark, tradeindex.read_baci, files["csv"])
    benchmark.extra_info["rows"] = len(flows)


@pytest.mark.benchmark(group="read CSV")
def test_csv_pyarrow(benchmark, files):
    types = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.string(), "v": pa.float64()}
    opts = pacsv.ConvertOptions(column_types=types)
    _run(benchmark, pacsv.read_csv, files["csv"], convert_options=opts)


@pytest.mark.benchmark(group="read CSV")
def test_csv_pandas(benchmark, files):
    _run(benchmark, pd.read_csv, files["csv"], dtype={"k": str}, na_values=["NA"])


@pytest.mark.benchmark(group="read Parquet")
def test_parquet_tradeindex(benchmark, files):
    flows = _run(benchmark, tradeindex.read_baci, files["parquet"])
    benchmark.extra_info["rows"] = len(flows)


@pytest.mark.benchmark(group="read Parquet")
def test_parquet_pyarrow(benchmark, files):
    _run(benchmark, pq.read_table, files["parquet"])


@pytest.mark.benchmark(group="read Parquet")
def test_parquet_pandas(benchmark, files):
    _run(benchmark, pd.read_parquet, files["parquet"])


@pytest.mark.benchmark(group="read CSV shuffled")
def test_csv_shuffled_tradeindex(benchmark, files):
    _run(benchmark, tradeindex.read_baci, files["csv_shuffled"])


@pytest.mark.benchmark(group="read CSV shuffled")
def test_csv_shuffled_pandas(benchmark, files):
    _run(benchmark, pd.read_csv, files["csv_shuffled"], dtype={"k": str}, na_values=["NA"])

"""Dask: what the engine costs and what a cluster buys, on a LocalCluster of 2 worker processes
(one thread each) on this machine, against the single-process path on the same cores.

1. report: the 30-year BACI-size regional report (bench_release.py's release: 30 yearly Parquet
   files of 10M flows, reused from benchmarks/data/release_full_30) through the CLI in a fresh
   process, streaming in one process and then with ``--scheduler`` on the cluster: wall time,
   peak RSS of the process that ran the CLI and of each worker, the tables compared.
2. firms: 200,000 exporting firms x 200,000 importing firms, 20-200 of 5,000 products each
   (bench_complementarity.firms), the top 10 partners of every firm: one process (both cores)
   and as row blocks on the cluster; results compared exactly, the compute time of every block
   from the cluster's task stream (the basis of the projection to 1M and 10M firms).

    python benchmarks/bench_dask.py [--report] [--firms] [--years 30] [--n 200000] [--blocks 16] [--out F]

Writes benchmarks/results/dask.json (or F). The cluster starts before the clock (a user's cluster is
already running); its start-up time is reported apart.
"""
import argparse
import filecmp
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import bench_release  # noqa: E402
from bench_complementarity import firms  # noqa: E402

from tradeindex import kernels  # noqa: E402


def local_cluster(n_workers=2):
    """(cluster, client, seconds to start them): n_workers processes of one thread each."""
    from distributed import Client, LocalCluster
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    return cluster, Client(cluster), time.perf_counter() - t0


def worker_peaks(client):
    """Peak resident memory (MB) of each worker process since it started (VmHWM: ru_maxrss
    would carry the parent's peak over the exec that starts a worker)."""
    def peak():
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmHWM"))
        return int(line.split()[1]) / 1024
    return sorted(round(v) for v in client.run(peak).values())


def report(years):
    """The report over the last `years` of the 30-year release, in one process and on the cluster."""
    source = bench_release.release_folder(30)
    last = bench_release.FIRST + 29
    span = f"{last - years + 1}-{last}"
    out = {}
    one = HERE / "data" / "dask_report_local"
    out["local"] = bench_release.report(source, span, False, one)
    print(f"report {span}, one process: {out['local']['wall']:.1f} s, peak RSS {out['local']['peak_mb']:.0f} MB",
          flush=True)
    cluster, client, start = local_cluster()
    with cluster, client:
        two = HERE / "data" / "dask_report_cluster"
        out["cluster"] = bench_release.report(source, span, False, two, extra=["--scheduler", cluster.scheduler_address])
        out["cluster"]["worker_peak_mb"] = worker_peaks(client)
    if out["local"]["code"] or out["cluster"]["code"]:
        raise SystemExit(f"the report failed: {out}")
    out["cluster"]["start_s"] = start
    out["ratio"] = out["cluster"]["wall"] / out["local"]["wall"]
    out["tables_identical"], out["max_relative_difference"] = compare(one, two)
    print(f"report {span}, LocalCluster(2 x 1 thread): {out['cluster']['wall']:.1f} s ({out['ratio']:.2f}x), "
          f"client peak RSS {out['cluster']['peak_mb']:.0f} MB, worker peaks {out['cluster']['worker_peak_mb']} MB, "
          f"cluster start {start:.1f} s; tables identical: {out['tables_identical']} (largest relative "
          f"difference {out['max_relative_difference']:.1e}: 2 threads against 1)", flush=True)
    # the same thread count (1) in one process and on the workers: the same bytes
    span3 = f"{last - 2}-{last}"
    bench_release.report(source, span3, False, one, extra=["--threads", "1"])
    cluster, client, _ = local_cluster()
    with cluster, client:
        bench_release.report(source, span3, False, two, extra=["--scheduler", cluster.scheduler_address])
    out["same_threads_identical"] = compare(one, two)[0]
    print(f"report {span3} with --threads 1 against the cluster's 1-thread workers: identical "
          f"{out['same_threads_identical']}", flush=True)
    return out


def compare(one, two):
    """(every table byte-identical, the largest relative difference of a value) of two reports."""
    import pyarrow.csv as pacsv
    tables = sorted(p.name for p in one.glob("*.csv"))
    worst = 0.0
    for name in tables:
        a, b = pacsv.read_csv(one / name), pacsv.read_csv(two / name)
        for col in a.column_names:
            if a[col].type == "double":
                x, y = a[col].to_numpy(zero_copy_only=False), b[col].to_numpy(zero_copy_only=False)
                with np.errstate(invalid="ignore", divide="ignore"):
                    rel = np.abs(x - y) / np.maximum(np.abs(x), 1e-300)
                worst = max(worst, float(np.nanmax(rel, initial=0.0)))
            else:
                assert a[col].equals(b[col]), (name, col)
    return all(filecmp.cmp(one / t, two / t, shallow=False) for t in tables), worst


def firm_scale(n, n_blocks, k=10):
    from distributed import get_task_stream
    t0 = time.perf_counter()
    X, M = firms(n, seed=7), firms(n, seed=8)
    out = {"n": n, "k": k, "products": X.shape[1], "nnz_X": X.nnz, "nnz_M": M.nnz,
           "made_s": time.perf_counter() - t0,  # the sparse kernel's min+adds: sum_p nnz_X(p) * nnz_M(p)
           "ops": float(kernels._column_counts(X) @ kernels._column_counts(M))}
    t0 = time.perf_counter()
    local = kernels.complementarity_top_k(X, M, k)
    out["local_s"] = time.perf_counter() - t0
    out["local_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"firms {n:,} x {n:,}, top {k}, one process (both cores): {out['local_s']:.1f} s", flush=True)
    cluster, client, out["start_s"] = local_cluster()
    with cluster, client:
        rows = -(-n // n_blocks)
        blocks = [X[a:a + rows] for a in range(0, n, rows)]
        with get_task_stream(client) as stream:
            t0 = time.perf_counter()
            remote = kernels.complementarity_top_k(blocks, M, k)
            out["cluster_s"] = time.perf_counter() - t0
        out["worker_peak_mb"] = worker_peaks(client)
    out["identical"] = bool(np.array_equal(local[0], remote[0], equal_nan=True) and np.array_equal(local[1], remote[1]))
    per_block = sorted((rec["key"], sum(s["stop"] - s["start"] for s in rec["startstops"] if s["action"] == "compute"))
                       for rec in stream.data if str(rec["key"]).startswith("tradeindex-top-k"))
    out["block_rows"] = rows
    out["block_s"] = [round(t, 3) for _, t in per_block]
    out["compute_s"] = sum(out["block_s"])
    # core-seconds per (exporter row x importer row): the unit of the projection (uniform products)
    out["core_s_per_pair"] = float(np.median(out["block_s"])) / (rows * n)
    out["ns_per_op"] = 1e9 * out["compute_s"] / out["ops"]
    print(f"firms as {len(blocks)} blocks of {rows:,} rows on LocalCluster(2 x 1 thread): {out['cluster_s']:.1f} s "
          f"({out['cluster_s'] / out['local_s']:.2f}x one process); per block {min(out['block_s']):.1f}-"
          f"{max(out['block_s']):.1f} s (median {np.median(out['block_s']):.1f}), "
          f"sum {out['compute_s']:.0f} core-s, {out['ns_per_op']:.2f} ns per min+add; worker peaks {out['worker_peak_mb']} MB; identical: {out['identical']}",
          flush=True)
    for big in (1_000_000, 10_000_000):
        core_hours = out["core_s_per_pair"] * big * big / 3600
        print(f"  projection {big:,} x {big:,}: {core_hours:,.0f} core-hours -> {int(np.ceil(core_hours)):,} "
              f"one-thread workers for one hour", flush=True)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--firms", action="store_true")
    ap.add_argument("--years", type=int, default=30, help="the last YEARS of the 30-year release")
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--blocks", type=int, default=16)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "dask.json")
    a = ap.parse_args(argv)
    results = {"when": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    if a.report or not a.firms:
        results["report"] = report(a.years)
    if a.firms or not a.report:
        results["firms"] = firm_scale(a.n, a.blocks)
    a.out.parent.mkdir(exist_ok=True)
    a.out.write_text(json.dumps(results, indent=1))
    print(f"-> {a.out}")


if __name__ == "__main__":
    main()

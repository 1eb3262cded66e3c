"""Thread scaling of the whole `complementarity` call on a BACI-size year (read once; 240
countries x 5,000 HS6 products and the same year in SITC Rev.3 groups) and of the array-level
kernel, for 1 .. every core (and more threads than cores, which are clamped to the cores);
rounds interleaved, medians. "More threads never slower" is the check.

    python benchmarks/scaling_complementarity.py [--rounds 9]
"""
import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from bench_pipeline import dataset  # noqa: E402

import tradeindex as ti  # noqa: E402
from tradeindex.config import available_cores  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=9)
    a = ap.parse_args(argv)
    path = dataset("full", [2015]) / "BACI_HS17_Y2015_V202401.parquet"
    flows = ti.read_baci(path, quantity=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sitc = flows.convert("sitc3")
    X, M = flows._side_values("exports", slice(None)), flows._side_values("imports", slice(None))
    cores = available_cores()
    threads = sorted({1, 2, cores, 2 * cores})
    jobs = {}
    for t in threads:
        jobs[f"complementarity(flows), HS6, {t} threads"] = lambda t=t: ti.complementarity(flows, n_threads=t)
        jobs[f"complementarity(flows), SITC3, {t} threads"] = lambda t=t: ti.complementarity(sitc, n_threads=t)
        jobs[f"kernels.complementarity(X, M), {t} threads"] = lambda t=t: ti.kernels.complementarity(X, M, n_threads=t)
    times = {k: [] for k in jobs}
    names = list(jobs)
    for r in range(a.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            t0 = time.perf_counter()
            jobs[name]()
            times[name].append(time.perf_counter() - t0)
    print(f"{cores} cores; medians of {a.rounds} interleaved rounds (min), ms:")
    for name in names:
        print(f"  {name:48s} {1000 * statistics.median(times[name]):7.1f} ({1000 * min(times[name]):.1f})")


if __name__ == "__main__":
    main()

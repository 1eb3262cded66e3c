"""Time growth from 10M ("full") to 30M ("large") flows of kernels.bilateral_gl, rounds
interleaved (full, large, full, large, ...) so that load from other processes hits both alike.

    python benchmarks/scaling_grubel_lloyd.py [rounds]
"""
import sys
import time

import numpy as np

import peers_grubel_lloyd as peers
from tradeindex import kernels


def main(rounds=7):
    data = {p: peers.flows(p) for p in ("full", "large")}
    for order in ("sorted", "shuffled"):
        cases = {p: ((c if order == "sorted" else peers.shuffled(c)), n_c, n_p) for p, (c, n_c, n_p) in data.items()}
        times = {p: [] for p in cases}
        for _ in range(int(rounds)):
            for p, (c, n_c, n_p) in cases.items():
                t0 = time.perf_counter()
                kernels.bilateral_gl(c["i"], c["j"], c["k"], c["v"], n_c, n_products=n_p)
                times[p].append(time.perf_counter() - t0)
        med = {p: float(np.median(t)) for p, t in times.items()}
        rows = {p: len(c["v"]) for p, (c, _, _) in cases.items()}
        print(f"{order}: full {rows['full']:,} flows {med['full']:.3f} s, large {rows['large']:,} flows "
              f"{med['large']:.3f} s (medians of {rounds}); time x{med['large'] / med['full']:.2f} for rows "
              f"x{rows['large'] / rows['full']:.2f}")


if __name__ == "__main__":
    main(*sys.argv[1:])

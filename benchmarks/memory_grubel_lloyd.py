"""Peak extra memory of kernels.bilateral_gl (tracemalloc: NumPy registers its buffers), over the
input columns already in memory, against the size of those columns.

    python benchmarks/memory_grubel_lloyd.py [preset]
"""
import sys
import tracemalloc

import peers_grubel_lloyd as peers
from tradeindex import kernels


def main(preset="full"):
    cols, n_c, n_p = peers.flows(preset)
    for order, c in (("sorted", cols), ("shuffled", peers.shuffled(cols))):
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        kernels.bilateral_gl(c["i"], c["j"], c["k"], c["v"], n_c, n_products=n_p)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        n = len(c["v"])
        columns = sum(a.nbytes for a in c.values())  # i, j, k (int32), v (float64)
        baci = n * (4 * 4 + 8 * 2)  # t, i, j, k (int32), v, q (float64): a TradeFlows / BACI year
        print(f"{preset} {order}: {n:,} flows; peak extra {peak / 1e6:.1f} MB = "
              f"{peak / columns:.2f} x the 4 input columns ({columns / 1e6:.0f} MB), "
              f"{peak / baci:.2f} x the 6 BACI columns ({baci / 1e6:.0f} MB)")


if __name__ == "__main__":
    main(*sys.argv[1:])

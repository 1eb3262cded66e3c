"""pandas (outer merge with the mirror + groupby) vs tradeindex on the full 10M flows, shuffled:
a few rounds outside pytest-benchmark because each pandas round takes tens of seconds.

    python benchmarks/pandas10m_grubel_lloyd.py [rounds]
"""
import sys
import time

import numpy as np

import peers_grubel_lloyd as peers
from tradeindex import kernels


def main(rounds=3):
    cols, n_c, n_p = peers.flows("full")
    cols = peers.shuffled(cols)
    ours, theirs = [], []
    for _ in range(int(rounds)):
        t0 = time.perf_counter()
        gl = kernels.bilateral_gl(cols["i"], cols["j"], cols["k"], cols["v"], n_c, n_products=n_p)
        t1 = time.perf_counter()
        ref = peers.pandas_gl(cols, n_c)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        theirs.append(t2 - t1)
        np.testing.assert_allclose(ref, gl, rtol=1e-9, equal_nan=True)
    a, b = float(np.median(ours)), float(np.median(theirs))
    print(f"10M shuffled, medians of {rounds}: tradeindex {a:.3f} s, pandas {b:.2f} s -> {b / a:.1f}x")


if __name__ == "__main__":
    main(*sys.argv[1:])

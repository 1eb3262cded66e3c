"""-march=native against a TRADEINDEX_PORTABLE=1 build of the dense kernel, same process, same
240 x 5,000 BACI-like share matrices (kernel only, 2 threads), interleaved rounds.

    cp -r . /tmp/portable_src && cd /tmp/portable_src && rm -rf build src/tradeindex/*.so
    TRADEINDEX_PORTABLE=1 python setup.py build_ext --build-lib /tmp/portable
    python benchmarks/bench_complementarity_portable.py /tmp/portable
"""
import glob
import importlib.util
import sys
import time

import numpy as np

from bench_complementarity import baci_like
from tradeindex import _build, _complementarity


def load(directory, name):
    path = glob.glob(f"{directory}/tradeindex/{name}*.so")[0]
    spec = importlib.util.spec_from_file_location(f"tradeindex.{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(directory, rounds=15):
    portable, portable_build = load(directory, "_complementarity"), load(directory, "_build")
    X, M = (np.asarray(A.toarray()) for A in baci_like())
    for dtype in (np.float64, np.float32):
        xs = (X / X.sum(1, keepdims=True)).astype(dtype)
        ms = (M / M.sum(1, keepdims=True)).astype(dtype)
        out = np.empty((len(xs), len(ms)))
        times = {"native": [], "portable": []}
        for _ in range(rounds):
            for label, mod in (("native", _complementarity), ("portable", portable)):
                t0 = time.perf_counter()
                mod.overlap_dense(xs, ms, out, 2)
                times[label].append(time.perf_counter() - t0)
        ops = xs.shape[0] * ms.shape[0] * xs.shape[1]
        nat, por = np.median(times["native"]), np.median(times["portable"])
        print(f"{np.dtype(dtype).name}: native ({_build.simd}, {_build.cflags}) {nat * 1e3:.1f} ms "
              f"{ops / nat / 1e9:.1f} Gop/s; portable ({portable_build.simd}, {portable_build.cflags}) "
              f"{por * 1e3:.1f} ms {ops / por / 1e9:.1f} Gop/s; native {por / nat:.2f}x faster (medians of {rounds})")


if __name__ == "__main__":
    main(sys.argv[1])

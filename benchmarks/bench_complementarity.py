"""Complementarity benchmarks: tradeindex against cdist / sklearn, in one process, same data.

pytest-benchmark (ratios per group with benchmarks/ratios.py):

    python -m pytest benchmarks/bench_complementarity.py --benchmark-json=benchmarks/results/complementarity.json
    python benchmarks/ratios.py benchmarks/results/complementarity.json

Script mode (interleaves tradeindex and the peer round by round, so the machine's load hits both
alike; prints the tables of RESULTS.md, the method="auto" sweep and the SPARSE_COST fit):

    python benchmarks/bench_complementarity.py [--rounds 5] [--skip-large]
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import peers_complementarity as peers  # noqa: E402

import tradeindex  # noqa: E402
from tradeindex import _complementarity, kernels  # noqa: E402
from tradeindex.config import effective_threads  # noqa: E402

DATA = HERE / "data" / "complementarity"


# -- data ----------------------------------------------------------------------------------------
def baci_like():
    """(exports, imports) CSR, 240 countries x 5,000 products from the BACI-like generator's
    `full` preset (10M flows, exporter x product density ~0.5, importer x product ~0.75)."""
    path = DATA / "baci_full_2020.npz"
    if not path.exists():
        f = generate.generate_flows(*generate.PRESETS["full"], year=2020, seed=0)
        countries, c_ids = np.unique(np.r_[f["i"], f["j"]], return_inverse=True)
        _, k = np.unique(f["k"], return_inverse=True)
        n = len(f["i"])
        shape = (len(countries), k.max() + 1)
        X = sp.csr_array((f["v"], (c_ids[:n], k)), shape=shape)
        M = sp.csr_array((f["v"], (c_ids[n:], k)), shape=shape)
        DATA.mkdir(parents=True, exist_ok=True)
        np.savez(path, **{f"{s}_{a}": getattr(A, a) for s, A in (("X", X), ("M", M))
                          for a in ("data", "indices", "indptr")}, shape=shape)
    z = np.load(path)
    return tuple(sp.csr_array((z[f"{s}_data"], z[f"{s}_indices"], z[f"{s}_indptr"]), shape=tuple(z["shape"]))
                 for s in "XM")


def baci_flows():
    """The same `full` preset year as TradeFlows and as a pandas flow table."""
    import pandas as pd
    f = generate.generate_flows(*generate.PRESETS["full"], year=2020, seed=0)
    flows = tradeindex.TradeFlows.from_arrays(f["i"], f["j"], f["k"], f["v"], year=2020)
    frame = pd.DataFrame({"exporter": f["i"], "importer": f["j"], "product": f["k"], "value": f["v"]})
    return flows, frame


def random_dense(rows, cols, density, seed):
    rng = np.random.default_rng(seed)
    return rng.lognormal(0, 2, (rows, cols)) * (rng.random((rows, cols)) < density)


def random_sparse(rows, cols, density, seed):
    return sp.random_array((rows, cols), density=density, format="csr", rng=seed,
                           data_sampler=lambda size: np.random.default_rng(seed).lognormal(0, 2, size))


def firms(n=50_000, products=5_000, lo=20, hi=200, seed=0):
    """CSR of n firms, each trading between lo and hi of the products (uniformly chosen)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(lo, hi + 1, n)
    rows = np.repeat(np.arange(n), counts)
    cols = np.concatenate([rng.choice(products, c, replace=False) for c in counts])
    return sp.csr_array((rng.lognormal(0, 2, len(cols)), (rows, cols)), shape=(n, products))


# -- cases: name -> (tradeindex call, peer call, min+add operations[, peer time multiplier]) ----
def cases(skip_large=False):
    out = {}
    X, M = baci_like()
    Xd, Md = X.toarray(), M.toarray()
    ops = X.shape[0] * M.shape[0] * X.shape[1]
    result = np.empty((X.shape[0], M.shape[0]))
    for dt in ("float64", "float32"):
        xs, ms = peers.shares(Xd, dt), peers.shares(Md, dt)
        for threads in (None, 1):
            label = "" if threads is None else ", 1 thread"
            out[f"BACI-like 240x5000 {dt}{label}, from values, vs cdist on shares"] = (
                lambda dt=dt, threads=threads: kernels.complementarity(Xd, Md, dtype=dt, method="dense",
                                                                       n_threads=threads),
                lambda xs=xs, ms=ms: peers.cdist_tc(xs, ms), ops)
            out[f"BACI-like 240x5000 {dt}{label}, kernel on shares, vs cdist on shares"] = (
                lambda xs=xs, ms=ms, threads=threads: _complementarity.overlap_dense(
                    xs, ms, result, effective_threads(threads)),
                lambda xs=xs, ms=ms: peers.cdist_tc(xs, ms), ops)
    A, B = random_dense(1000, 5000, 0.5, 1), random_dense(1000, 5000, 0.75, 2)
    xs, ms = peers.shares(A), peers.shares(B)
    out["dense-ish 1000x5000 float64 vs cdist"] = (
        lambda: kernels.complementarity(A, B, method="dense"), lambda: peers.cdist_tc(xs, ms), 1000 * 1000 * 5000)
    if not skip_large:
        A3, B3 = random_dense(3000, 20000, 0.5, 3), random_dense(3000, 20000, 0.75, 4)
        xs3, ms3 = peers.shares(A3[:300]), peers.shares(B3)
        out["dense-ish 3000x20000 float64, both on a 300 x 3000 slice, vs cdist"] = (
            lambda: kernels.complementarity(A3[:300], B3, method="dense"),
            lambda: peers.cdist_tc(xs3, ms3), 300 * 3000 * 20000)
        out["dense-ish 3000x20000 float64, tradeindex full 3000 x 3000 vs cdist 300 x 3000 slice x 10"] = (
            lambda: kernels.complementarity(A3, B3, method="dense"),
            lambda: peers.cdist_tc(xs3, ms3), 3000 * 3000 * 20000, 10)
    flows, frame = baci_flows()
    out["BACI-like 10M flows, tradeindex.complementarity(flows) vs pandas pivot_table + cdist"] = (
        lambda: tradeindex.complementarity(flows), lambda: peers.pandas_tc(frame), ops)
    FX, FM = firms(2000, seed=5), firms(2000, seed=6)
    fxs, fms = peers.shares(FX), peers.shares(FM)
    out["firms 2000x2000 (20-200 of 5000 products) vs sklearn manhattan_distances CSR"] = (
        lambda: kernels.complementarity(FX, FM), lambda: peers.sklearn_tc(fxs, fms), None)
    return out


def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def run_case(ours, peer, rounds, budget=30.0):
    """Times of tradeindex and the peer alternating round by round (tradeindex warmed up once;
    either side stops after 2 rounds once it has used `budget` seconds)."""
    ours()
    t_ours, t_peer = [], []
    for r in range(rounds):
        if r < 2 or sum(t_ours) < budget:
            t_ours.append(timed(ours))
        if r < 2 or sum(t_peer) < budget:
            t_peer.append(timed(peer))
    return np.array(t_ours), np.array(t_peer)


def auto_sweep(rows=600, cols=3000, densities=(0.002, 0.01, 0.05, 0.2, 0.5, 1.0), rounds=5):
    """Best-of-rounds times of dense, sparse and auto (interleaved round by round) across densities, and
    the SPARSE_COST each density implies: (sparse s per op) / (dense s per op)."""
    lines, fits = [], []
    for d in densities:
        X = random_sparse(rows, cols, d, 10) if d < 1 else sp.csr_array(random_dense(rows, cols, 1.0, 10))
        M = random_sparse(rows, cols, d, 11) if d < 1 else sp.csr_array(random_dense(rows, cols, 1.0, 11))
        runs = {m: [] for m in ("dense", "sparse", "auto")}
        for _ in range(rounds):
            for m in runs:
                runs[m].append(timed(lambda m=m: kernels.complementarity(X, M, method=m)))
        t = {m: float(np.min(v)) for m, v in runs.items()}  # noise here is one-sided (descheduled threads)
        chosen = kernels.choose_method(X, M)
        sparse_work = float(kernels._column_counts(X) @ kernels._column_counts(M))
        dense_work = float(rows) * rows * cols
        fits.append((t["sparse"] / sparse_work) / (t["dense"] / dense_work))
        lines.append(f"| {d} | {t['dense'] * 1e3:.1f} | {t['sparse'] * 1e3:.1f} | {t['auto'] * 1e3:.1f} ({chosen}) "
                     f"| {t['auto'] / min(t['dense'], t['sparse']):.2f} |")
    return lines, fits


def firms_top_k(k=10):
    FX, FM = firms(seed=7), firms(seed=8)
    t = timed(lambda: kernels.complementarity_top_k(FX, FM, k))
    return t, FX.shape[0]


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--skip-large", action="store_true")
    args = p.parse_args(argv)
    from tradeindex.config import config
    print(f"tradeindex {config()}")
    print("| case | tradeindex median (min) s | peer median (min) s | ratio of medians | ratio of mins "
          "| tradeindex Gop/s (min+add, median) |")
    print("|---|---|---|---|---|---|")
    for name, (ours, peer, ops, *repeat) in cases(args.skip_large).items():
        if "from values" in name or "pandas" in name or "sklearn" in name:  # same answer first
            mine, theirs = ours(), peer()
            mine = getattr(mine, "values", mine) / (100 if "pandas" in name else 1)
            assert np.allclose(mine, theirs / (100 if "pandas" in name else 1), rtol=1e-5, atol=1e-6), name
        t, tp = run_case(ours, peer, args.rounds)
        tp = tp * (repeat[0] if repeat else 1)
        rate = f"{ops / np.median(t) / 1e9:.1f}" if ops else "-"
        print(f"| {name} | {np.median(t):.4f} ({t.min():.4f}) | {np.median(tp):.4f} ({tp.min():.4f}) "
              f"| {np.median(tp) / np.median(t):.1f}x | {tp.min() / t.min():.1f}x | {rate} |", flush=True)
    t, n = firms_top_k()
    print(f"\nfirms {n}x{n} (20-200 of 5000 products each), top_k=10, full run: {t:.2f} s")
    lines, fits = auto_sweep()
    print("\n| density | dense ms (min) | sparse ms (min) | auto ms (min; chosen) | auto / best |\n|---|---|---|---|---|")
    print("\n".join(lines))
    print(f"fitted SPARSE_COST per density: {np.round(fits, 1).tolist()} (kernels.SPARSE_COST = {kernels.SPARSE_COST})")


# -- pytest-benchmark ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def all_cases():
    return cases(skip_large=True)


def _names():
    return ["BACI-like 240x5000 float64, from values, vs cdist on shares",
            "BACI-like 240x5000 float64, kernel on shares, vs cdist on shares",
            "BACI-like 240x5000 float32, from values, vs cdist on shares",
            "dense-ish 1000x5000 float64 vs cdist",
            "firms 2000x2000 (20-200 of 5000 products) vs sklearn manhattan_distances CSR"]


@pytest.mark.parametrize("case", _names())
def test_tradeindex(benchmark, all_cases, case):
    benchmark.group = case
    benchmark.pedantic(all_cases[case][0], rounds=5, warmup_rounds=1)


@pytest.mark.parametrize("case", _names())
def test_peer(benchmark, all_cases, case):
    benchmark.group = case
    benchmark.pedantic(all_cases[case][1], rounds=3, warmup_rounds=0)


def test_tradeindex_firms_top10(benchmark):
    FX, FM = firms(seed=7), firms(seed=8)
    benchmark.group = "firms 50000x50000 top_k=10"
    benchmark.pedantic(lambda: kernels.complementarity_top_k(FX, FM, 10), rounds=1, warmup_rounds=0)


if __name__ == "__main__":
    main()

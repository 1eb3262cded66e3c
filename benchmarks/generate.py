"""Seeded, BACI-like synthetic generator of bilateral trade flows.

Model (all draws from ``numpy.random.default_rng``; same seed -> same output):

* Country sizes ``s`` ~ lognormal(0, 1.5) (heavy tailed, GDP-like); product
  popularity ``pop`` ~ lognormal(0, 1).
* Specialisation: exporter ``i`` has product ``p`` in its export set with
  probability ``clip(cx * s_i^0.5 * pop_p^0.5, 0, 1)`` (large countries export
  more products); importer ``j`` has ``p`` in its import set with probability
  ``clip(cm * s_j^0.3 * pop_p^0.3, 0, 1)``.
* Gravity: given both sets, the flow ``i -> j`` in ``p`` exists with
  probability ``clip(K * s_i^0.6 * s_j^0.45 * pop_p * exp(ca_ip), 0, 1)``, where
  ``ca_ip ~ N(0, 1)`` is exporter i's comparative advantage in p (it concentrates
  flows in few exporter x product cells and keeps the mirror rate realistic).
* Mirror flows: for each unordered pair {i, j} and product, the two directions
  use uniforms coupled by a Gaussian copula with correlation ``rho``.
* ``K, cx, cm, rho`` are calibrated jointly (damped fixed-point iteration on a
  product subsample with common random numbers) so that the expected number of
  flows is ``target_flows``, exporter x product density ~0.5, importer x product
  density ~0.75 and ~22% of flows have their mirror.
* Values (thousand USD): lognormal around a gravity mean, rounded to 3
  decimals, >= 0.001.  Quantities (tonnes): value / unit value (lognormal per
  product, noise per flow), NaN for ~5% of rows.
* Panels (``generate_panel``): same structure (sizes, sets, calibration) every
  year; each year ~90% of last year's flows persist with perturbed values and
  the rest are replaced by flows drawn afresh from the model.

Generation works in product blocks (all country pairs of a block at once,
needed for the copula), so memory stays bounded; ``large`` (~30M flows) takes
roughly 3x as long as ``full`` and needs a few GB for the final sort/writers.

Script usage::

    python benchmarks/generate.py --preset full --years 2020 --out benchmarks/data \
        [--format csv,parquet] [--shuffle] [--gzip] [--seed 0]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.special import ndtri

DATA = Path(__file__).resolve().parents[1] / "src" / "tradeindex" / "data"
PRESETS = {  # name: (n_countries, n_products, target_flows)
    "tiny": (30, 200, 20_000),
    "small": (100, 1000, 500_000),
    "medium": (240, 5000, 3_000_000),
    "full": (240, 5000, 10_000_000),
    "large": (240, 5000, 30_000_000),
}
TARGETS = {"mirror": 0.22, "exp_density": 0.5, "imp_density": 0.75}
BLOCK = 64  # products per generation block (fixed: part of the seeded output)
N_CALIB = 100
GRAV = (0.6, 0.45)  # gravity exponents of exporter / importer size
CA_SIGMA = 1.0  # sd of log comparative advantage  # products in the calibration subsample
Q_WIDTH = 13  # BACI pads q to this width, e.g. "      169.800", "           NA"


# ---------------------------------------------------------------- labels
def country_codes(n: int) -> np.ndarray:
    """First ``n`` BACI numeric country codes ascending (unused codes >= 900 if more needed)."""
    codes = set()
    for f in ("country_codes_V202401.csv", "country_codes_extra.csv"):
        with open(DATA / f) as fh:
            next(fh)
            codes.update(int(line.split(",", 1)[0]) for line in fh)
    codes = sorted(codes)
    codes += range(900, 900 + max(0, n - len(codes)))
    return np.array(codes[:n], dtype=np.int32)


def product_codes(n: int) -> np.ndarray:
    """First ``n`` HS17 codes (6-digit strings, sorted); unused codes appended if more needed."""
    with open(DATA / "product_codes_HS17_V202401.csv") as fh:
        next(fh)
        codes = sorted({int(line[:6]) for line in fh})
    if n > len(codes):
        free = np.setdiff1d(np.arange(10_000, 1_000_000), codes)
        codes = sorted(codes + free[np.linspace(0, len(free) - 1, n - len(codes)).astype(int)].tolist())
    return np.char.zfill(np.array(codes[:n]).astype("U6"), 6)


# ---------------------------------------------------------------- model
class _Model:
    """Structural draws (sizes, popularity, unit values) and calibrated parameters."""

    def __init__(self, n_countries, n_products, target_flows, seed):
        rng = np.random.default_rng([seed, 0])
        self.N, self.P, self.target, self.seed = n_countries, n_products, target_flows, seed
        self.logs = rng.normal(0.0, 1.5, n_countries)
        self.logpop = rng.normal(0.0, 1.0, n_products)
        self.loguv = rng.normal(np.log(3.0), 1.5, n_products)  # thousand USD / tonne
        self.lower = np.tri(n_countries, k=-1, dtype=bool)  # i > j: mirror direction
        self.offdiag = ~np.eye(n_countries, dtype=bool)
        self._calibrate(rng)

    def set_probs(self, p):
        """Export / import set membership probabilities for products ``p``, shape (N, len(p))."""
        s, pop = np.exp(self.logs)[:, None], np.exp(self.logpop[p])[None, :]
        return (np.minimum(self.cx * s**0.5 * pop**0.5, 1.0),
                np.minimum(self.cm * s**0.3 * pop**0.3, 1.0))

    def mask(self, p, ux, um, ca, z1, e):
        """Boolean flow mask (N, N, len(p)) given set uniforms ``ux, um``, comparative
        advantage normals ``ca`` (N, len(p)) and copula normals ``z1, e`` (N, N, len(p))."""
        px, pm = self.set_probs(p)
        logq = (np.log(self.K) + GRAV[0] * self.logs[:, None, None] + GRAV[1] * self.logs[None, :, None]
                + self.logpop[p][None, None, :] + CA_SIGMA * ca[:, None, :])
        thr = ndtri(np.exp(np.minimum(logq, 0.0)))
        # Copula: i<j uses z1[i,j]; i>j uses rho*z1[j,i] + sqrt(1-rho^2)*e[i,j].
        w = np.where(self.lower[:, :, None],
                     self.rho * z1.transpose(1, 0, 2) + np.sqrt(1 - self.rho**2) * e, z1)
        return ((w < thr) & (ux < px)[:, None, :] & (um < pm)[None, :, :]
                & self.offdiag[:, :, None])

    def _calibrate(self, rng):
        N, S = self.N, min(self.P, N_CALIB)
        # Subsample stratified by popularity (every P/S-th product in popularity order).
        p = np.sort(np.argsort(self.logpop)[((np.arange(S) + 0.5) * self.P / S).astype(int)])
        draws = (rng.random((N, S)), rng.random((N, S)), rng.standard_normal((N, S)),
                 rng.standard_normal((N, N, S)), rng.standard_normal((N, N, S)))
        self.K, self.cx, self.cm, self.rho = 1e-3, 0.3, 0.5, 0.3
        for _ in range(60):
            m = self.mask(p, *draws)
            n = m.sum()
            got = np.array([n * self.P / S, m.any(1).mean(), m.any(0).mean(),
                            (m & m.transpose(1, 0, 2)).sum() / max(n, 1)])
            want = np.array([self.target, TARGETS["exp_density"], TARGETS["imp_density"],
                             TARGETS["mirror"]])
            if np.all(np.abs(got / want - 1) < 0.01):
                break
            # Damped multiplicative updates; densities also rise with K, hence the damping.
            self.K *= want[0] / max(got[0], 1.0)
            self.cx *= (want[1] / max(got[1], 1e-3)) ** 0.7
            self.cm *= (want[2] / max(got[2], 1e-3)) ** 0.7
            self.rho = float(np.clip(np.tanh(np.arctanh(self.rho) + 2.0 * (want[3] - got[3])),
                                     -0.99, 0.995))

    def draw(self, stream=0):
        """All flows for one draw: sorted keys of (i, j, p), values v and quantities q.

        Export/import sets and comparative advantage are structural (same for every
        ``stream``); the pair-level copula draws and values depend on ``stream``.
        """
        N = self.N
        cell_rng, rng = (np.random.default_rng([self.seed, 1]),
                         np.random.default_rng([self.seed, 2, stream]))
        parts = []
        for start in range(0, self.P, BLOCK):
            p = np.arange(start, min(start + BLOCK, self.P))
            B = len(p)
            cells = cell_rng.random((N, B)), cell_rng.random((N, B)), cell_rng.standard_normal((N, B))
            m = self.mask(p, *cells, rng.standard_normal((N, N, B)), rng.standard_normal((N, N, B)))
            ii, jj, pp = np.nonzero(m)
            parts.append((ii * N + jj) * self.P + p[pp])
        key = np.sort(np.concatenate(parts))
        v, q = self.values(key, rng)
        return key, v, q

    def values(self, key, rng):
        """Lognormal values (gravity mean) and quantities for flow keys."""
        i, j, p = self.split(key)
        logv = np.log(15.0) + 0.5 * self.logs[i] + 0.4 * self.logs[j] + 0.3 * self.logpop[p]
        v = np.maximum(np.round(np.exp(logv + rng.normal(0.0, 2.3, len(key))), 3), 0.001)
        q = np.maximum(np.round(v / np.exp(self.loguv[p] + rng.normal(0.0, 0.8, len(key))), 3), 0.001)
        q[rng.random(len(key)) < 0.05] = np.nan
        return v, q

    def split(self, key):
        ij, p = np.divmod(key, self.P)
        i, j = np.divmod(ij, self.N)
        return i, j, p


def _to_flows(model, key, v, q, year):
    i, j, p = model.split(key)
    cc, pc = country_codes(model.N), product_codes(model.P)
    return {"t": np.full(len(key), year, np.int32), "i": cc[i], "j": cc[j], "k": pc[p],
            "v": v, "q": q}


def generate_flows(n_countries=240, n_products=5000, target_flows=10_000_000, year=2020, seed=0):
    """One year of flows as a dict of arrays t, i, j (int32), k (U6), v, q (float64), sorted by (i, j, k)."""
    model = _Model(n_countries, n_products, target_flows, seed)
    return _to_flows(model, *model.draw(), year)


def generate_panel(years, n_countries=240, n_products=5000, target_flows=10_000_000, seed=0,
                   persistence=0.9):
    """Yield ``(year, flows)``; the first year equals ``generate_flows(..., seed=seed)``."""
    model = _Model(n_countries, n_products, target_flows, seed)
    key, v, q = model.draw()
    for n, year in enumerate(years):
        if n:
            rng = np.random.default_rng([seed, 3, year])
            keep = rng.random(len(key)) < persistence
            growth = np.exp(rng.normal(0.03, 0.3, keep.sum()))  # same factor for v and q
            v_old = np.maximum(np.round(v[keep] * growth, 3), 0.001)
            q_old = np.maximum(np.round(q[keep] * growth, 3), 0.001)  # NaN stays NaN
            fresh, v_new, q_new = model.draw(year)
            new = ~np.isin(fresh, key[keep], assume_unique=True)
            take = np.sort(rng.choice(np.flatnonzero(new), min(new.sum(), len(key) - keep.sum()),
                                      replace=False))
            key = np.concatenate([key[keep], fresh[take]])
            order = np.argsort(key, kind="stable")
            key = key[order]
            v = np.concatenate([v_old, v_new[take]])[order]
            q = np.concatenate([q_old, q_new[take]])[order]
        yield year, _to_flows(model, key, v, q, year)


# ---------------------------------------------------------------- stats
def stats(flows) -> dict:
    """Flow count, mirror rate and exporter/importer x product densities.

    Densities are over (countries appearing as exporter or importer) x (products appearing).
    """
    countries, ci = np.unique(np.concatenate([flows["i"], flows["j"]]), return_inverse=True)
    n = len(flows["i"])
    i, j = ci[:n].astype(np.int64), ci[n:].astype(np.int64)
    k = flows["k"].astype(np.int64)
    nk = int(k.max()) + 1 if n else 1
    key = np.sort((i * len(countries) + j) * nk + k)
    mirror = (j * len(countries) + i) * nk + k
    pos = np.minimum(np.searchsorted(key, mirror), max(n - 1, 0))
    n_prod, C = len(np.unique(k)), len(countries)
    return {
        "n_flows": n,
        "mirror_rate": float(np.mean(key[pos] == mirror)) if n else 0.0,
        "exp_density": len(np.unique(i * nk + k)) / (C * n_prod) if n else 0.0,
        "imp_density": len(np.unique(j * nk + k)) / (C * n_prod) if n else 0.0,
    }


# ---------------------------------------------------------------- writers
def _fmt3(x):
    """Vectorised '%.3f' for non-negative floats as a pyarrow string array (nulls kept)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    m = np.rint(np.nan_to_num(x) * 1000).astype(np.int64)
    ip, fp = np.divmod(m, 1000)
    s = pc.binary_join_element_wise(pc.cast(pa.array(ip), pa.string()),
                                    pc.utf8_lpad(pc.cast(pa.array(fp), pa.string()), 3, "0"), ".")
    return pc.if_else(pa.array(np.isnan(x)), pa.scalar(None, pa.string()), s)


def to_table(flows, csv=False):
    """pyarrow Table; with ``csv`` v/q are pre-formatted BACI-style strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = {c: pa.array(flows[c], pa.int32()) for c in "tij"}
    cols["k"] = pa.array(flows["k"], pa.string())
    if csv:
        cols["v"] = _fmt3(flows["v"])
        cols["q"] = pc.fill_null(pc.utf8_lpad(_fmt3(flows["q"]), Q_WIDTH, " "), "NA".rjust(Q_WIDTH))
    else:
        cols["v"] = pa.array(flows["v"], pa.float64())
        cols["q"] = pa.array(flows["q"], pa.float64(), from_pandas=True)  # NaN -> null
    return pa.table(cols)


def write_csv(flows, path, gzip=False):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    with (pa.CompressedOutputStream(str(path), "gzip") if gzip else pa.OSFile(str(path), "wb")) as out:
        out.write(b"t,i,j,k,v,q\n")
        pcsv.write_csv(to_table(flows, csv=True), out,
                       pcsv.WriteOptions(include_header=False, quoting_style="none"))


def write_parquet(flows, path):
    import pyarrow.parquet as pq

    pq.write_table(to_table(flows), str(path))


def baci_name(year, ext, suffix=""):
    return f"BACI_HS17_Y{year}_V202401{suffix}.{ext}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", choices=PRESETS, default="tiny")
    ap.add_argument("--years", default="2020", help="YEAR or FIRST-LAST (panel)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    ap.add_argument("--format", default="csv,parquet")
    ap.add_argument("--shuffle", action="store_true", help="also write a row-shuffled variant")
    ap.add_argument("--gzip", action="store_true", help="gzip the CSV (.csv.gz)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    first, _, last = a.years.partition("-")
    years = range(int(first), int(last or first) + 1)
    formats = a.format.split(",")
    a.out.mkdir(parents=True, exist_ok=True)
    nc, npr, nf = PRESETS[a.preset]

    t0 = time.perf_counter()
    for year, flows in generate_panel(years, nc, npr, nf, seed=a.seed):
        print(f"{year}: generated in {time.perf_counter() - t0:.1f}s; stats {stats(flows)}")
        variants = [("", flows)]
        if a.shuffle:
            perm = np.random.default_rng([a.seed, 4, year]).permutation(len(flows["v"]))
            variants.append(("_shuffled", {c: x[perm] for c, x in flows.items()}))
        for suffix, fl in variants:
            for fmt in formats:
                t1 = time.perf_counter()
                if fmt == "csv":
                    path = a.out / baci_name(year, "csv.gz" if a.gzip else "csv", suffix)
                    write_csv(fl, path, a.gzip)
                elif fmt == "parquet":
                    path = a.out / baci_name(year, "parquet", suffix)
                    write_parquet(fl, path)
                else:
                    raise SystemExit(f"unknown format {fmt!r}")
                print(f"  wrote {path} ({path.stat().st_size / 1e6:.1f} MB) "
                      f"in {time.perf_counter() - t1:.1f}s")
        t0 = time.perf_counter()


if __name__ == "__main__":
    main()

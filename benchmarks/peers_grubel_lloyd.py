"""Peers for the bilateral Grubel-Lloyd benchmark, each written the way a user of that tool would:
DuckDB SQL, pandas merge + groupby, polars join + group_by. Each returns the C x C matrix of
GL_ij = sum_p (X+M-|X-M|) / sum_p (X+M) (scale 1, NaN where no trade), from integer-id columns.

Also the benchmark data: BACI-like flows from generate.py as int32 ids (cached as .npz).
"""
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

GL_SQL = """
WITH m AS (
    SELECT COALESCE(a.i, b.j) AS i, COALESCE(a.j, b.i) AS j,
           COALESCE(a.v, 0) AS x, COALESCE(b.v, 0) AS m
    FROM f a FULL OUTER JOIN f b ON a.i = b.j AND a.j = b.i AND a.k = b.k
)
SELECT i, j, SUM(x + m - ABS(x - m)) / SUM(x + m) AS gl
FROM m WHERE i < j GROUP BY i, j
"""


def flows(preset="full", seed=0):
    """dict of i, j, k (int32 ids, countries in code order) and v, sorted by (i, j, k) as BACI
    ships it; generated once and cached in benchmarks/data/gl_<preset>.npz."""
    path = HERE / "data" / f"gl_{preset}_{seed}.npz"
    if not path.exists():
        f = generate.generate_flows(*generate.PRESETS[preset], year=2020, seed=seed)
        codes, i_j = np.unique(np.r_[f["i"], f["j"]], return_inverse=True)
        _, k = np.unique(f["k"], return_inverse=True)
        n = len(f["v"])
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, i=i_j[:n].astype(np.int32), j=i_j[n:].astype(np.int32), k=k.astype(np.int32),
                 v=f["v"], n_countries=len(codes), n_products=k.max() + 1)
    d = np.load(path)
    return {name: d[name] for name in ("i", "j", "k", "v")}, int(d["n_countries"]), int(d["n_products"])


def shuffled(cols, seed=1):
    order = np.random.default_rng(seed).permutation(len(cols["v"]))
    return {name: a[order] for name, a in cols.items()}


def _matrix(i, j, gl, n):
    out = np.full((n, n), np.nan)
    out[i, j] = gl
    out[j, i] = gl
    return out


def duckdb_gl(con, table, n):
    """DuckDB SQL: full outer self-join on (i, j, k) = (j, i, k), aggregation per unordered pair.
    `table` is a pyarrow Table registered as view "f" (zero copy)."""
    con.register("f", table)
    r = con.execute(GL_SQL).fetchnumpy()
    con.unregister("f")
    return _matrix(r["i"], r["j"], r["gl"], n)


def pandas_gl(cols, n):
    """pandas: outer merge of the flows with their mirror, then groupby sums."""
    import pandas as pd
    df = pd.DataFrame(cols)
    mirror = df.rename(columns={"i": "j", "j": "i", "v": "m"})
    mg = df.merge(mirror, on=["i", "j", "k"], how="outer")
    mg = mg[mg.i < mg.j]
    x, m = mg.v.fillna(0.0), mg.m.fillna(0.0)
    mg = mg.assign(num=x + m - (x - m).abs(), den=x + m)
    g = mg.groupby(["i", "j"], sort=False)[["num", "den"]].sum()
    i, j = (g.index.get_level_values(c).to_numpy() for c in ("i", "j"))
    return _matrix(i, j, (g.num / g.den).to_numpy(), n)


def polars_gl(cols, n):
    """polars: full join with the mirror, then group_by sums."""
    import polars as pl
    df = pl.DataFrame(cols)
    mirror = df.rename({"i": "j", "j": "i", "v": "m"})
    mg = (df.join(mirror, on=["i", "j", "k"], how="full", coalesce=True)
          .filter(pl.col("i") < pl.col("j"))
          .with_columns(pl.col("v").fill_null(0.0), pl.col("m").fill_null(0.0))
          .group_by("i", "j")
          .agg(num=(pl.col("v") + pl.col("m") - (pl.col("v") - pl.col("m")).abs()).sum(),
               den=(pl.col("v") + pl.col("m")).sum()))
    return _matrix(mg["i"].to_numpy(), mg["j"].to_numpy(), (mg["num"] / mg["den"]).to_numpy(), n)


COUNTRY_SQL = """
WITH x AS (SELECT i AS r, k, SUM(v) AS x FROM f GROUP BY i, k),
     m AS (SELECT j AS r, k, SUM(v) AS m FROM f GROUP BY j, k),
     xm AS (SELECT COALESCE(x.r, m.r) AS r, COALESCE(x.x, 0) AS x, COALESCE(m.m, 0) AS m
            FROM x FULL OUTER JOIN m ON x.r = m.r AND x.k = m.k)
SELECT r, SUM(x + m - ABS(x - m)) / SUM(x + m) AS gl FROM xm GROUP BY r
"""


def duckdb_country_gl(con, table, n):
    """DuckDB SQL: each country vs the world - exports and imports per product summed over
    partners, full outer join, trade-weighted GL. A length-C vector."""
    con.register("f", table)
    r = con.execute(COUNTRY_SQL).fetchnumpy()
    con.unregister("f")
    out = np.full(n, np.nan)
    out[r["r"]] = r["gl"]
    return out


def trade_flows(cols, n_countries, n_products):
    """The same flows as a tradeindex.TradeFlows (BACI country and HS17 product codes)."""
    import tradeindex
    codes = generate.country_codes(n_countries)
    products = generate.product_codes(n_products).astype(np.int32)
    return tradeindex.TradeFlows.from_arrays(codes[cols["i"]], codes[cols["j"]], products[cols["k"]],
                                             cols["v"], year=2020, hs="HS17")

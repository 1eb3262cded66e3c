"""Trade indicators on one BACI-like year: tradeindex against the pandas and DuckDB code a user
would write for each, end to end from the same in-memory columns, every result checked equal to
ours (rtol 1e-9) before anything is timed.

    python benchmarks/bench_indicators.py --preset small [--rounds 5] [--threads 1] [--json out.json]
    python benchmarks/bench_indicators.py --preset full --rounds 3

Data: benchmarks/generate.py through conftest.bench_files (the Parquet file as BACI ships it,
sorted by exporter, importer, product), read once with tradeindex.read_baci. Every contender gets
the flows' own columns: integer ids i (exporter), j (importer), k (product) and the value v -
tradeindex as the TradeFlows, pandas as a DataFrame, DuckDB as a registered Arrow table (zero
copy, all cores). What is timed is the whole job from those columns to the index: the sums by
country x product or by pair, the totals, the index, and for tradeindex the labelled IndexMatrix
too; the peers stop at their natural output (a long table or a pivot). Rounds are interleaved
(round r of every contender before round r + 1), so the machine's load hits all alike; medians.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from conftest import bench_files  # noqa: E402

import tradeindex  # noqa: E402
from tradeindex import kernels  # noqa: E402


# -- data ------------------------------------------------------------------------------------------
def load(preset):
    import pandas as pd
    import pyarrow as pa
    flows = tradeindex.read_baci(bench_files(preset)["parquet"])
    cols = {"i": flows.exporter, "j": flows.importer, "k": flows.product, "v": flows.value}
    return flows, pd.DataFrame(cols), pa.table(cols)


def group_of(flows, size=20):
    """A group for the regional orientation: the first `size` countries (by code)."""
    return {"G": list(flows.countries.label[:size])}


# -- pandas: what a user writes --------------------------------------------------------------------
def pandas_rca(df):
    cp = df.groupby(["i", "k"], as_index=False).v.sum()
    xc, xp = cp.groupby("i").v.transform("sum"), cp.groupby("k").v.transform("sum")
    cp["rca"] = (cp.v / xc) / (xp / cp.v.sum())
    return cp


def pandas_intensity(df):
    b = df.groupby(["i", "j"], as_index=False).v.sum()
    xi, mj = b.groupby("i").v.transform("sum"), b.groupby("j").v.transform("sum")
    b["tii"] = (b.v / xi) / (mj / b.v.sum())
    return b


def pandas_hhi(df):
    out = {}
    for who, over in (("i", "k"), ("i", "j"), ("j", "k"), ("j", "i")):
        s = df.groupby([who, over]).v.sum()
        share = s / s.groupby(level=0).transform("sum")
        out[who, over] = (share ** 2).groupby(level=0).sum()
    return out


def pandas_specialisation(df):
    x = df.groupby(["i", "k"]).v.sum().rename_axis(["c", "k"])
    m = df.groupby(["j", "k"]).v.sum().rename_axis(["c", "k"])
    xm = x.to_frame("x").join(m.to_frame("m"), how="outer").fillna(0.0)
    return ((xm.x - xm.m) / (xm.x + xm.m)).reset_index(name="ts")


def pandas_krugman(df):
    from scipy.spatial.distance import cdist
    x = df.pivot_table(index="i", columns="k", values="v", aggfunc="sum", fill_value=0.0)
    s = x.div(x.sum(axis=1), axis=0).to_numpy()
    return x.index.to_numpy(), cdist(s, s, "cityblock")


def pandas_orientation(df, members):
    d = df.assign(inside=df.j.isin(members))
    t = d.groupby(["i", "k", "inside"]).v.sum().unstack("inside", fill_value=0.0)
    share = t / t.groupby(level=0).transform("sum")
    return (share[True] / share[False].where(share[False] > 0)).reset_index(name="ro")


# -- DuckDB SQL: what a user writes ----------------------------------------------------------------
SQL = {
    "rca": """
        WITH cp AS (SELECT i, k, SUM(v) AS v FROM f GROUP BY i, k)
        SELECT i, k, (v / SUM(v) OVER (PARTITION BY i)) / (SUM(v) OVER (PARTITION BY k) / SUM(v) OVER ()) AS rca
        FROM cp""",
    "intensity": """
        WITH b AS (SELECT i, j, SUM(v) AS v FROM f GROUP BY i, j)
        SELECT i, j, (v / SUM(v) OVER (PARTITION BY i)) / (SUM(v) OVER (PARTITION BY j) / SUM(v) OVER ()) AS tii
        FROM b""",
    "hhi": """
        WITH a AS (SELECT 'xk' AS d, i AS c, k AS o, SUM(v) AS v FROM f GROUP BY i, k
                   UNION ALL SELECT 'xj', i, j, SUM(v) FROM f GROUP BY i, j
                   UNION ALL SELECT 'mk', j, k, SUM(v) FROM f GROUP BY j, k
                   UNION ALL SELECT 'mi', j, i, SUM(v) FROM f GROUP BY j, i)
        SELECT d, c, SUM(v * v) / (SUM(v) * SUM(v)) AS hhi FROM a GROUP BY d, c""",
    "specialisation": """
        WITH x AS (SELECT i AS c, k, SUM(v) AS x FROM f GROUP BY i, k),
             m AS (SELECT j AS c, k, SUM(v) AS m FROM f GROUP BY j, k)
        SELECT COALESCE(x.c, m.c) AS c, COALESCE(x.k, m.k) AS k,
               (COALESCE(x, 0) - COALESCE(m, 0)) / (COALESCE(x, 0) + COALESCE(m, 0)) AS ts
        FROM x FULL OUTER JOIN m ON x.c = m.c AND x.k = m.k""",
    "krugman": """
        WITH cp AS (SELECT i, k, SUM(v) AS v FROM f GROUP BY i, k),
             s AS (SELECT i, k, v / SUM(v) OVER (PARTITION BY i) AS s FROM cp)
        SELECT a.i AS a, b.i AS b, 2 - 2 * SUM(LEAST(a.s, b.s)) AS krugman
        FROM s a JOIN s b ON a.k = b.k GROUP BY a.i, b.i""",
    "orientation": """
        WITH t AS (SELECT i, k, SUM(CASE WHEN j IN (SELECT id FROM g) THEN v ELSE 0 END) AS vin,
                          SUM(CASE WHEN j IN (SELECT id FROM g) THEN 0 ELSE v END) AS vout
                   FROM f GROUP BY i, k)
        SELECT i, k, (vin / SUM(vin) OVER (PARTITION BY i)) / (vout / SUM(vout) OVER (PARTITION BY i)) AS ro
        FROM t QUALIFY vout > 0""",
}


def duck(con, name):
    return con.execute(SQL[name]).fetchnumpy()


# -- checks: every peer equals tradeindex ----------------------------------------------------------
def _scatter(shape, rows, cols, values):
    """A peer's long result as a matrix (NaN where it has no row; SQL NULL is NaN)."""
    out = np.full(shape, np.nan)
    values = np.ma.filled(np.ma.asarray(values, dtype=np.float64), np.nan)
    out[np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)] = values
    return out


def check(name, ours, peer):
    """Compare on the peer's cells (the peers leave out cells they have no row for)."""
    mask = ~np.isnan(peer)
    np.testing.assert_allclose(ours[mask], peer[mask], rtol=1e-9, atol=1e-12, err_msg=name)


def cases(flows, df, con, members, member_ids):
    """{indicator: (tradeindex's matrix, {contender: (job, its result -> a matrix like ours)})}."""
    C, P = len(flows.countries), len(flows.products)
    group, labels = {"G": members}, flows.countries.label
    cp, cc = (lambda a, b, v: _scatter((C, P), a, b, v)), (lambda a, b, v: _scatter((C, C), a, b, v))

    def rca_kernels():  # what rca() costs once TradeFlows._side_values sums with cell_totals
        return kernels.rca(kernels.cell_totals(flows.exporter, flows.product, flows.value, C, P))

    def hhi_pandas(p):
        return np.column_stack([_scatter((C, 1), p[key].index, 0, p[key].values)[:, 0]
                                for key in (("i", "k"), ("i", "j"), ("j", "k"), ("j", "i"))])

    def hhi_duck(d):
        return np.column_stack([_scatter((C, 1), d["c"][d["d"] == tag], 0, d["hhi"][d["d"] == tag])[:, 0]
                                for tag in ("xk", "xj", "mk", "mi")])

    def krugman_pandas(p):
        out = np.full((C, C), np.nan)
        out[np.ix_(p[0], p[0])] = p[1]
        return out

    return {
        "rca": (lambda: tradeindex.rca(flows), {
            "tradeindex kernels": (rca_kernels, lambda r: r),
            "pandas": (lambda: pandas_rca(df), lambda p: cp(p.i, p.k, p.rca)),
            "duckdb": (lambda: duck(con, "rca"), lambda d: cp(d["i"], d["k"], d["rca"]))}),
        "trade intensity": (lambda: tradeindex.trade_intensity(flows), {
            "pandas": (lambda: pandas_intensity(df), lambda p: cc(p.i, p.j, p.tii)),
            "duckdb": (lambda: duck(con, "intensity"), lambda d: cc(d["i"], d["j"], d["tii"]))}),
        "hhi (4 columns)": (lambda: tradeindex.concentration(flows), {
            "pandas": (lambda: pandas_hhi(df), hhi_pandas),
            "duckdb": (lambda: duck(con, "hhi"), hhi_duck)}),
        "trade specialisation": (lambda: tradeindex.trade_specialisation(flows), {
            "pandas": (lambda: pandas_specialisation(df), lambda p: cp(p.c, p.k, p.ts)),
            "duckdb": (lambda: duck(con, "specialisation"), lambda d: cp(d["c"], d["k"], d["ts"]))}),
        "krugman": (lambda: tradeindex.krugman(flows, self_pairs=True), {  # the peers keep the 0 diagonal
            "pandas": (lambda: pandas_krugman(df), krugman_pandas),
            "duckdb": (lambda: duck(con, "krugman"), lambda d: cc(d["a"], d["b"], d["krugman"]))}),
        "regional orientation": (lambda: tradeindex.regional_orientation(flows, group, countries=labels), {
            "pandas": (lambda: pandas_orientation(df, member_ids), lambda p: cp(p.i, p.k, p.ro)),
            "duckdb": (lambda: duck(con, "orientation"), lambda d: cp(d["i"], d["k"], d["ro"]))}),
    }


# -- timing ----------------------------------------------------------------------------------------
def run(preset, rounds, threads=None):
    import duckdb
    import pyarrow as pa
    if threads:  # every tradeindex kernel reads OMP_NUM_THREADS at each call; DuckDB its setting
        os.environ["OMP_NUM_THREADS"] = str(threads)
    flows, df, table = load(preset)
    members = group_of(flows)["G"]
    member_ids = flows.countries.ids(members, "members")
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.register("f", table)
    con.register("g", pa.table({"id": member_ids.astype(np.int32)}))
    jobs_of = {}
    for name, (ours, peers) in cases(flows, df, con, members, member_ids).items():
        mine = ours().values[:len(flows.countries)]  # orientation: the group's own row last
        for who, (job, as_matrix) in peers.items():
            check(f"{name}: {who}", mine, as_matrix(job()))
        jobs_of[name] = {"tradeindex": ours, **{who: job for who, (job, _) in peers.items()}}
    print(f"{preset}: {len(flows):,} flows, {len(flows.countries)} countries x {len(flows.products):,} products; "
          f"DuckDB threads {con.execute('SELECT current_setting(' + repr('threads') + ')').fetchone()[0]}; "
          "every peer checked equal to tradeindex (rtol 1e-9)")
    results = {}
    for name, jobs in jobs_of.items():
        times = {who: [] for who in jobs}
        for _ in range(rounds + 1):  # round 0: warm-up, not kept
            for who, fn in jobs.items():
                t0 = time.perf_counter()
                fn()
                times[who].append(time.perf_counter() - t0)
        times = {who: t[1:] for who, t in times.items()}
        med = {who: float(np.median(t)) for who, t in times.items()}
        peers = {w: t for w, t in med.items() if not w.startswith("tradeindex")}
        faster = min(peers, key=peers.get)
        results[name] = {"median_s": med, "min_s": {w: float(np.min(t)) for w, t in times.items()},
                         "vs_faster_peer": peers[faster] / med["tradeindex"], "faster_peer": faster}
        line = ", ".join(f"{w} {t * 1000:.1f} ms" for w, t in med.items())
        print(f"  {name:22s} {line}; faster peer {faster}: {results[name]['vs_faster_peer']:.1f}x")
    return {"preset": preset, "flows": len(flows), "countries": len(flows.countries),
            "products": len(flows.products), "rounds": rounds, "threads": threads or "all", "results": results}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", choices=["small", "full"], default="small")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, help="threads for tradeindex and DuckDB alike (default: all cores)")
    p.add_argument("--json", type=Path, help="write the medians and ratios here")
    a = p.parse_args(argv)
    out = run(a.preset, a.rounds, a.threads)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

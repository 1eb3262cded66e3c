"""The study's pipeline end to end: read BACI Parquet years, convert HS17 to SITC Rev.3 3-digit
groups, all-pairs trade complementarity and bilateral Grubel-Lloyd for each year; tradeindex
against the DuckDB SQL and the pandas code a BACI user would write for the same numbers, in one
process, on the same files, rounds interleaved. Every peer's result is checked against
tradeindex's (1e-9) before any timing counts.

    python benchmarks/bench_pipeline.py [--preset full] [--years 2015-2017] [--rounds 5] [--pandas]

Prints the medians, the ratios (peer / tradeindex) and tradeindex's split (read, convert,
indices); --json FILE keeps every timing.
"""
import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

import tradeindex as ti  # noqa: E402
from tradeindex.codes import concordance_table  # noqa: E402


def dataset(preset, years):
    """A folder holding only the Parquet files of `years` (generated once, BACI file names)."""
    folder = HERE / "data" / f"pipeline_{preset}_{years[0]}_{years[-1]}"
    if not all((folder / generate.baci_name(y, "parquet")).exists() for y in years):
        folder.mkdir(parents=True, exist_ok=True)
        generate.main(["--preset", preset, "--years", f"{years[0]}-{years[-1]}", "--out", str(folder),
                       "--format", "parquet"])
    return folder


# -- tradeindex: the code a user writes ---------------------------------------------------------------
def tradeindex_pipeline(folder, years, split=None):
    """Read the years, convert to SITC Rev.3 3-digit, both indices for every year (panels)."""
    t0 = time.perf_counter()
    flows = ti.read_baci(folder, years=years, quantity=False)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # monetary gold has no SITC code: reported, left out
        sitc = flows.convert("sitc3", digits=3)
    t2 = time.perf_counter()
    tc = ti.complementarity(sitc, years=years, self_pairs=True)
    gl = ti.grubel_lloyd(sitc, years=years)
    t3 = time.perf_counter()
    if split is not None:
        split.append({"read": t1 - t0, "convert": t2 - t1, "indices": t3 - t2})
    return tc, gl


def tradeindex_per_year(folder, years):
    """The recommended pattern for several indices over a release: each year read and converted
    once (lazily), both indices computed on it, the year released before the next. Without the
    quantity column, as the in-memory variant and DuckDB (value-based indices do not use it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = ti.scan_baci(folder).convert("sitc3", digits=3)
        tcs, gls = [], []
        for year in years:
            flows = lazy.collect(year, quantity=False)
            tcs.append(ti.complementarity(flows, self_pairs=True))
            gls.append(ti.grubel_lloyd(flows))
    return ti.IndexPanel.from_matrices(tcs), ti.IndexPanel.from_matrices(gls)


def tradeindex_lazy(folder, years):
    """The same through the lazy reader: each index reads, converts and computes year by year."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = ti.scan_baci(folder).convert("sitc3", digits=3)
        return (ti.complementarity(lazy, years=years, self_pairs=True), ti.grubel_lloyd(lazy, years=years))


# -- DuckDB: the SQL a BACI user writes ---------------------------------------------------------------
SQL = """
CREATE OR REPLACE TEMP TABLE sitc AS
SELECT f.t, f.i, f.j, c.s, SUM(f.v) AS v
FROM read_parquet('{files}') f JOIN conc c ON f.k = c.hs
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE tc AS
WITH ex AS (SELECT t, i, s, SUM(v) AS v FROM sitc GROUP BY ALL),
     xs AS (SELECT t, i, s, v / SUM(v) OVER (PARTITION BY t, i) AS x FROM ex),
     im AS (SELECT t, j, s, SUM(v) AS v FROM sitc GROUP BY ALL),
     ms AS (SELECT t, j, s, v / SUM(v) OVER (PARTITION BY t, j) AS m FROM im)
SELECT xs.t, xs.i, ms.j, 100 * SUM(LEAST(xs.x, ms.m)) AS tc
FROM xs JOIN ms ON xs.t = ms.t AND xs.s = ms.s
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE gl AS
WITH m AS (
    SELECT COALESCE(a.t, b.t) AS t, COALESCE(a.i, b.j) AS i, COALESCE(a.j, b.i) AS j,
           COALESCE(a.v, 0) AS x, COALESCE(b.v, 0) AS m
    FROM sitc a FULL OUTER JOIN sitc b ON a.t = b.t AND a.i = b.j AND a.j = b.i AND a.s = b.s)
SELECT t, i, j, 100 * SUM(x + m - ABS(x - m)) / SUM(x + m) AS gl
FROM m GROUP BY ALL;
"""


def duckdb_pipeline(con, folder, years):
    files = [str(folder / generate.baci_name(y, "parquet")) for y in years]
    con.execute(SQL.replace("'{files}'", "[" + ", ".join(f"'{f}'" for f in files) + "]"))
    return con.execute("SELECT * FROM tc").fetchnumpy(), con.execute("SELECT * FROM gl").fetchnumpy()


def duckdb_connection():
    import duckdb
    import pyarrow as pa
    hs, sitc = concordance_table("HS17")  # the bundled UNSD table (with BACI's 271000 -> 334)
    con = duckdb.connect()
    con.register("conc_arrow", pa.table({"hs": hs.astype(str), "s": pa.array([s[:3] for s in sitc.tolist()])}))
    con.execute("CREATE TABLE conc AS SELECT * FROM conc_arrow")
    return con


# -- pandas --------------------------------------------------------------------------------------------
def pandas_pipeline(folder, years):
    import pandas as pd
    hs, sitc = concordance_table("HS17")
    conc = pd.Series([s[:3] for s in sitc.tolist()], index=hs.astype(str))
    df = pd.concat([pd.read_parquet(folder / generate.baci_name(y, "parquet"), columns=["t", "i", "j", "k", "v"])
                    for y in years])
    df["s"] = df.k.map(conc)
    df = df.dropna(subset=["s"]).groupby(["t", "i", "j", "s"], as_index=False).v.sum()
    ex = df.groupby(["t", "i", "s"]).v.sum()
    x = ex / ex.groupby(level=[0, 1]).transform("sum")
    im = df.groupby(["t", "j", "s"]).v.sum()
    m = im / im.groupby(level=[0, 1]).transform("sum")
    tc = {}
    for y in years:
        X = x.loc[y].unstack(fill_value=0.0)
        M = m.loc[y].unstack(fill_value=0.0)
        cols = X.columns.union(M.columns)
        X, M = X.reindex(columns=cols, fill_value=0.0), M.reindex(columns=cols, fill_value=0.0)
        tc[y] = pd.DataFrame(100 * np.minimum(X.to_numpy()[:, None, :], M.to_numpy()[None, :, :]).sum(-1),
                             index=X.index, columns=M.index)
    mirror = df.rename(columns={"i": "j", "j": "i", "v": "m"})
    mg = df.merge(mirror, on=["t", "i", "j", "s"], how="outer")
    xv, mv = mg.v.fillna(0.0), mg.m.fillna(0.0)
    mg = mg.assign(num=xv + mv - (xv - mv).abs(), den=xv + mv)
    g = mg.groupby(["t", "i", "j"])[["num", "den"]].sum()
    return tc, 100 * g.num / g.den


# -- checks ----------------------------------------------------------------------------------------------
def _cell(panel, year, i, j):
    return panel[year].values[panel.rows.tolist().index(i), panel.cols.tolist().index(j)]


def check(tc, gl, duck=None, pandas=None):
    """Every peer value equals tradeindex's to 1e-9 (absolute, 0-100 scale)."""
    code = {int(c): n for n, c in enumerate(tc.row_codes)}
    gcode = {int(c): n for n, c in enumerate(gl.row_codes)}
    worst = 0.0
    if duck is not None:
        dtc, dgl = duck
        for t, i, j, v in zip(dtc["t"], dtc["i"], dtc["j"], dtc["tc"]):
            ours = tc.values[tc.years.index(int(t)), code[int(i)], tc.col_codes.tolist().index(int(j))]
            worst = max(worst, abs(ours - v))
        n_pairs = (~np.isnan(gl.values)).sum()
        assert len(dgl["gl"]) == n_pairs, (len(dgl["gl"]), n_pairs)
        ours = gl.values[[gl.years.index(int(t)) for t in dgl["t"]], [gcode[int(i)] for i in dgl["i"]],
                         [gcode[int(j)] for j in dgl["j"]]]
        worst = max(worst, float(np.max(np.abs(ours - dgl["gl"]))))
    if pandas is not None:
        ptc, pgl = pandas
        for y, frame in ptc.items():
            r = [code[int(c)] for c in frame.index]
            c = [tc.col_codes.tolist().index(int(x)) for x in frame.columns]
            worst = max(worst, float(np.nanmax(np.abs(tc.values[tc.years.index(y)][np.ix_(r, c)] - frame.to_numpy()))))
        idx = pgl.index
        ours = gl.values[[gl.years.index(int(t)) for t in idx.get_level_values(0)],
                         [gcode[int(i)] for i in idx.get_level_values(1)], [gcode[int(j)] for j in idx.get_level_values(2)]]
        worst = max(worst, float(np.max(np.abs(ours - pgl.to_numpy()))))
    assert worst < 1e-9, worst
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="full", choices=list(generate.PRESETS))
    ap.add_argument("--years", default="2015-2017")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pandas", action="store_true", help="also time pandas (slow: a few rounds)")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    first, _, last = a.years.partition("-")
    years = list(range(int(first), int(last or first) + 1))
    folder = dataset(a.preset, years)
    con = duckdb_connection()

    tc, gl = tradeindex_pipeline(folder, years)  # warm-up, and the results every peer is checked against
    worst = check(tc, gl, duck=duckdb_pipeline(con, folder, years))
    for variant in (tradeindex_lazy, tradeindex_per_year):
        other_tc, other_gl = variant(folder, years)
        assert np.array_equal(other_tc.values, tc.values, equal_nan=True), variant
        assert np.array_equal(other_gl.values, gl.values, equal_nan=True), variant
    if a.pandas:
        worst = max(worst, check(tc, gl, pandas=pandas_pipeline(folder, years)))
    print(f"{a.preset}, years {years}: results agree (worst absolute difference {worst:.2e}); "
          f"the three tradeindex variants identical")

    times = {"tradeindex": [], "tradeindex per year": [], "tradeindex lazy": [], "duckdb": [], "pandas": []}
    split = []
    for r in range(a.rounds):
        jobs = [("tradeindex", lambda: tradeindex_pipeline(folder, years, split)),
                ("tradeindex per year", lambda: tradeindex_per_year(folder, years)),
                ("tradeindex lazy", lambda: tradeindex_lazy(folder, years)),
                ("duckdb", lambda: duckdb_pipeline(con, folder, years))]
        if a.pandas and r < 2:
            jobs.append(("pandas", lambda: pandas_pipeline(folder, years)))
        for name, job in jobs[r % len(jobs):] + jobs[:r % len(jobs)]:  # rotate the order every round
            t0 = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    print(f"\nmedians of {a.rounds} rounds (pandas: {len(times['pandas'])}), seconds:")
    for k, v in med.items():
        print(f"  {k:16s} {v:8.3f}   min {min(times[k]):.3f}")
    for k in ("duckdb", "pandas"):
        if k in med:
            print(f"  {k} / tradeindex: in memory {med[k] / med['tradeindex']:.2f}x, per year "
                  f"{med[k] / med['tradeindex per year']:.2f}x, lazy index calls {med[k] / med['tradeindex lazy']:.2f}x")
    s = {k: statistics.median(d[k] for d in split) for k in split[0]}
    print("  tradeindex split (medians): " + ", ".join(f"{k} {v:.3f} s" for k, v in s.items()))
    if a.json:
        a.json.write_text(json.dumps({"years": years, "preset": a.preset, "times": times, "split": split}, indent=1))


if __name__ == "__main__":
    main()

"""Reading one BACI-size year (10M flows): tradeindex.read_baci against pyarrow's own decode of
the same file and columns, in one process, rounds interleaved; and the peak memory of each, in a
fresh process each, against the size of the columns it ends with.

    python benchmarks/bench_read_year.py [--preset full] [--rounds 7]

pyarrow alone reads the columns tradeindex needs for the indices (t, i, j, k, v; q is read only
for unit values): `pyarrow.parquet.read_table(path, columns=...)` as a user writes it (k as
strings), and with k read as its dictionary (`read_dictionary=["k"]`, what tradeindex does);
`pyarrow.csv.read_csv` with the same column types tradeindex uses. tradeindex does on top of the
decode: every input check (values, self-trade, aggregates, duplicates and order), dense ids for
countries and products, and the code tables.
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from bench_pipeline import dataset  # noqa: E402

COLUMNS = ["t", "i", "j", "k", "v"]
MEMORY = """
import resource, sys, warnings
warnings.simplefilter("ignore")
import numpy as np, pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq
import tradeindex as ti
path, how = sys.argv[1], sys.argv[2]
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
base = rss()
if how == "pyarrow":
    t = (pq.read_table(path, columns={cols}) if path.endswith(".parquet") else
         pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(include_columns={cols})))
    final = t.nbytes / 2**20
else:
    f = ti.read_baci(path, quantity=False)
    final = sum(a.nbytes for a in f._cols.values()) / 2**20
peak = [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
print(peak - base, final)  # VmHWM: the peak of this process (ru_maxrss would count the parent's pages at fork)
""".replace("{cols}", repr(COLUMNS))


def timings(paths, rounds):
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import tradeindex as ti
    from tradeindex.sources import _CSV_NULLS, _CSV_TYPES
    csv_opts = pacsv.ConvertOptions(column_types=_CSV_TYPES, null_values=_CSV_NULLS, include_columns=COLUMNS)
    jobs = {
        "parquet: pyarrow read_table": lambda: pq.read_table(paths["parquet"], columns=COLUMNS),
        "parquet: pyarrow read_table, k as dictionary": lambda: pq.read_table(paths["parquet"], columns=COLUMNS,
                                                                              read_dictionary=["k"]),
        "parquet: tradeindex read_baci": lambda: ti.read_baci(paths["parquet"], quantity=False),
        "csv: pyarrow read_csv": lambda: pacsv.read_csv(paths["csv"], read_options=pacsv.ReadOptions(block_size=4 << 20),
                                                        convert_options=csv_opts),
        "csv: tradeindex read_baci": lambda: ti.read_baci(paths["csv"], quantity=False),
    }
    times = {k: [] for k in jobs}
    names = list(jobs)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            t0 = time.perf_counter()
            result = jobs[name]()
            times[name].append(time.perf_counter() - t0)
            del result
    return {k: statistics.median(v) for k, v in times.items()}, {k: min(v) for k, v in times.items()}


def memory(path, how):
    out = subprocess.run([sys.executable, "-c", MEMORY, str(path), how], capture_output=True, text=True, check=True)
    peak, final = (float(x) for x in out.stdout.split())
    return peak, final


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="full")
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args(argv)
    folder = dataset(a.preset, [2015])
    paths = {"parquet": folder / "BACI_HS17_Y2015_V202401.parquet"}
    csv = HERE / "data" / "full3" / "BACI_HS17_Y2015_V202401.csv"
    if not csv.exists():
        import generate
        generate.main(["--preset", a.preset, "--years", "2015", "--out", str(csv.parent), "--format", "csv"])
    paths["csv"] = csv
    med, best = timings(paths, a.rounds)
    print(f"medians of {a.rounds} interleaved rounds (min), seconds:")
    for k in med:
        print(f"  {k:48s} {med[k]:.3f} ({best[k]:.3f})")
    for fmt, ref in (("parquet", "parquet: pyarrow read_table"), ("csv", "csv: pyarrow read_csv")):
        ours = med[f"{fmt}: tradeindex read_baci"]
        print(f"  {fmt}: tradeindex / pyarrow = {ours / med[ref]:.2f}x"
              + (f"; / pyarrow with k as dictionary = {ours / med['parquet: pyarrow read_table, k as dictionary']:.2f}x"
                 if fmt == "parquet" else ""))
    print("peak memory above the interpreter's (fresh process each), MB:")
    for fmt in ("parquet", "csv"):
        for how in ("pyarrow", "tradeindex"):
            peak, final = memory(paths[fmt], how)
            print(f"  {fmt:7s} {how:10s} peak {peak:6.0f}, final columns {final:5.0f}: {peak / final:.2f}x")


if __name__ == "__main__":
    main()

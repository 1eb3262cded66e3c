"""A whole BACI-size release, year by year: the regional report (the README's headline command)
over 8 and over 30 years of BACI-size data (10M flows a year), in a fresh process each, with its
peak resident memory (ru_maxrss) and the time per year.

The release is made cheaply (kept out of the repository, in benchmarks/data/): the generator's
`full` year copied with the year changed, as yearly Parquet files in one folder, and optionally
as the official .zip of yearly CSVs (`--zip`, BACI's CSV text, deflated).

    python benchmarks/bench_release.py [--years 30] [--short 8] [--zip] [--sitc]
"""
import argparse
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

FIRST = 1995
RUN = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from tradeindex.cli import main
code = main(sys.argv[1:])
wall = time.perf_counter() - t0
peak = [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
print(json.dumps({"code": code, "wall": wall, "peak_mb": peak}))  # VmHWM: ru_maxrss counts the parent's pages
"""


def one_year(preset="full"):
    """The generator's year (Parquet), made once."""
    folder = HERE / "data" / preset
    path = folder / generate.baci_name(2020, "parquet")
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        generate.main(["--preset", preset, "--years", "2020", "--out", str(folder), "--format", "parquet"])
    return path


def release_folder(n_years, preset="full"):
    """n_years yearly Parquet files FIRST..FIRST+n_years-1 (the same flows, the year changed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    folder = HERE / "data" / f"release_{preset}_{n_years}"
    want = [folder / generate.baci_name(y, "parquet") for y in range(FIRST, FIRST + n_years)]
    if all(p.exists() for p in want):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    table = pq.read_table(one_year(preset))
    for year, path in zip(range(FIRST, FIRST + n_years), want):
        if not path.exists():
            pq.write_table(table.set_column(0, "t", pa.array([year] * table.num_rows, pa.int32())), path)
    return folder


def release_zip(n_years, preset="full"):
    """The official shape: one .zip of yearly BACI CSVs (t,i,j,k,v,q; q padded, NA) beside the
    country and product code tables."""
    import pyarrow.parquet as pq
    path = HERE / "data" / f"BACI_HS17_V202401_{preset}_{n_years}.zip"
    if path.exists():
        return path
    table = pq.read_table(one_year(preset))
    flows = {c: table[c].to_numpy(zero_copy_only=False) for c in ("t", "i", "j", "k", "v", "q")}
    tmp = path.with_suffix(".tmp.csv")
    with zipfile.ZipFile(path.with_suffix(".partial"), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for year in range(FIRST, FIRST + n_years):
            flows["t"][:] = year
            generate.write_csv(flows, tmp)
            zf.write(tmp, generate.baci_name(year, "csv"))
        data = generate.DATA
        zf.write(data / "country_codes_V202401.csv", "country_codes_V202401.csv")
        zf.write(data / "product_codes_HS17_V202401.csv", "product_codes_HS17_V202401.csv")
    tmp.unlink()
    path.with_suffix(".partial").rename(path)
    return path


def report(source, years, sitc, out, extra=()):
    args = ["report", str(source), "--group", "EAEU", "--compare", "EU27", "--products", "engineering",
            "--years", years, "--no-charts", "--overwrite", "-o", str(out), *extra]
    if sitc:
        args += ["--classification", "sitc3"]
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"code": done.returncode}
    if done.returncode or result["code"]:
        raise SystemExit(f"report {years} failed ({result}):\n{done.stderr[-3000:]}")
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--short", type=int, default=8)
    ap.add_argument("--zip", action="store_true", help="the .zip of CSVs instead of the Parquet folder")
    ap.add_argument("--sitc", action="store_true", help="convert HS17 to SITC Rev.3 (--classification sitc3)")
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    source = release_zip(a.years) if a.zip else release_folder(a.years)
    print(f"release: {source} (made or found in {time.perf_counter() - t0:.0f} s)")
    out = HERE / "data" / "release_report"
    last = FIRST + a.years - 1
    for n in (a.short, a.years):  # the last `short` years (the EAEU exists from 2010), then all
        span = f"{last - n + 1}-{last}"
        for _ in range(a.rounds):
            r = report(source, span, a.sitc, out)
            print(f"{n:3d} years ({span}): {r['wall']:7.1f} s, {r['wall'] / n:5.2f} s a year, "
                  f"peak RSS {r['peak_mb']:7.0f} MB")


if __name__ == "__main__":
    main()

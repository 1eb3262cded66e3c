"""The `tradeindex` command: info, demo, config, complementarity, grubel-lloyd, report."""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ._validation import check_group_spec, check_output_path, check_year_span
from .codes import GROUPS
from .complementarity import complementarity
from .config import show_config
from .intra_industry import grubel_lloyd
from .sources import read_baci, sample
from .report import regional_report


def _info(args):
    t0 = time.perf_counter()
    flows = read_baci(args.file, hs=args.hs, progress=True)
    print(flows.summary())
    print(f"  read in {time.perf_counter() - t0:.2f} s")


MERCOSUR, NAFTA = ["ARG", "BRA", "PRY", "URY"], ["CAN", "MEX", "USA"]


def _demo(args):
    """The main job on the bundled sample: the indices for all pairs and the regional report."""
    flows = sample()
    print("The bundled sample (UN Comtrade, 1989-1990):")
    print(flows.summary())
    _demo_complementarity(flows)
    _demo_grubel_lloyd(flows)
    report = regional_report(flows, {"MERCOSUR": MERCOSUR}, compare={"NAFTA": NAFTA},
                             products="engineering", progress=True)
    paths = report.write(args.output)
    print("\n" + report.to_markdown())
    print(f"Wrote {len(paths)} files to {Path(args.output).resolve()}/ "
          f"({', '.join(p.name for p in paths if p.suffix in ('.md', '.png'))}, tables as CSV and Parquet)")


def _demo_complementarity(flows):
    """The sample's trade complementarity table for 1990 and a short reading of it."""
    tc = complementarity(flows, years=1990)
    print("\nTrade complementarity 1990 (Michaely 1996; 0-100; rows exporters, columns importers):")
    print(tc.to_string())
    v = tc.values.copy()
    np.fill_diagonal(v, np.nan)
    j, k = np.unravel_index(np.nanargmax(v), v.shape)
    by_exporter, by_importer = np.nanmean(v, axis=1), np.nanmean(v, axis=0)
    e, i = np.nanargmax(by_exporter), np.nanargmax(by_importer)
    low = np.nanargmin(by_exporter)
    print(f"\nReading: the mean complementarity across pairs is {np.nanmean(v):.1f}. The best match of "
          f"an exporter's supply with a partner's demand is {tc.rows[j]} -> {tc.cols[k]} ({v[j, k]:.1f}). "
          f"{tc.rows[e]}'s exports fit its partners' imports best on average ({by_exporter[e]:.1f}), "
          f"{tc.rows[low]}'s least ({by_exporter[low]:.1f}); {tc.cols[i]} is the importer whose demand "
          f"the others' exports match best ({by_importer[i]:.1f}).")


def _demo_grubel_lloyd(flows):
    """The sample's highest bilateral GL indices in 1990 and MERCOSUR within vs with the world."""
    gl = grubel_lloyd(flows, years=1990)
    upper = np.triu(np.where(np.isnan(gl.values), -1.0, gl.values), 1)
    top = np.argsort(upper, axis=None)[::-1][:5]
    n_trade = int(np.triu(~np.isnan(gl.values), 1).sum())
    print(f"\nBilateral Grubel-Lloyd index 1990 (0-100, trade-weighted over HS4 products), "
          f"{n_trade} of {len(gl.rows) * (len(gl.rows) - 1) // 2} pairs trade; highest:")
    for r, c in zip(*np.unravel_index(top, upper.shape)):
        print(f"  {gl.rows[r]}-{gl.cols[c]}: {upper[r, c]:.1f}")
    within = grubel_lloyd(flows, by="country", reporters=MERCOSUR, years=1990,
                          partners={"MERCOSUR": MERCOSUR, "World": None})
    print("\nMERCOSUR members 1990, all products: Grubel-Lloyd within MERCOSUR vs with the world")
    print(within.to_string(digits=1))


def _complementarity(args):
    out = check_output_path("-o/--output", args.output, (".csv", ".parquet"))
    groups = dict(check_group_spec("--group", g, GROUPS) for g in args.group)
    flows = _flows(args)
    result = complementarity(flows, years=args.year, products=args.products, groups=groups or None,
                             top_k=args.top_k, dtype=args.dtype, method=args.method,
                             n_threads=args.threads)
    (result.to_parquet if str(out).lower().endswith(".parquet") else result.to_csv)(out)
    print(f"{result!r} -> {out}")


def _partners(specs):
    """--partners NAME=A,B,C or a built-in group (repeatable; any other NAME alone or NAME= is the
    world) or A,B,C (by pair)."""
    if not specs:
        return None
    parsed = [check_group_spec("--partners", s, GROUPS, world=True) for s in specs]
    if len(parsed) == 1 and parsed[0][0] is None:
        return parsed[0][1]
    return {name: members for name, members in parsed}


def _grubel_lloyd(args):
    flows = _flows(args)
    result = grubel_lloyd(flows, by=args.by, partners=_partners(args.partners),
                          reporters=args.reporters.split(",") if args.reporters else None,
                          products=args.products, years=args.years, adjust=args.adjust,
                          scale=args.scale, n_threads=args.threads)
    if args.by == "product":
        result.to_csv(args.output, index=False)
    else:
        result.to_csv(args.output)
    print(f"wrote {args.output}: {result!r}" if args.by != "product" else
          f"wrote {args.output}: {len(result):,} (reporter, group, product) rows")


def _flows(args):
    return sample() if args.file == ["sample"] else read_baci(args.file, hs=args.hs, progress=True)


def _report(args):
    group, compare = (dict([check_group_spec(param, spec, GROUPS)]) if spec else None
                      for param, spec in (("--group", args.group), ("--compare", args.compare)))
    report = regional_report(_flows(args), group, years=check_year_span("--years", args.years),
                             products=args.products, compare=compare,
                             classification=args.classification, progress=True, n_threads=args.threads)
    paths = report.write(args.output, charts=not args.no_charts)
    print(report.to_markdown())
    print(f"Wrote {len(paths)} files to {Path(args.output).resolve()}/")


def _common(p, output_help):
    """Options shared by the commands that read flows and compute an index."""
    p.add_argument("--threads", type=int, help="OpenMP threads (default: all cores)")
    p.add_argument("--hs", help="HS revision of the codes (e.g. HS92) when the file name does not say")
    p.add_argument("-o", "--output", required=True, help=output_help)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tradeindex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("info", help="what a BACI file (CSV, .gz, .zip, Parquet) holds")
    p.add_argument("file", nargs="+")
    p.add_argument("--hs", help="HS revision of the codes (e.g. HS92) when the file name does not say")
    p.set_defaults(run=_info)
    p = sub.add_parser("demo", help="run the main job on the bundled sample: all-pairs indices and "
                       "the MERCOSUR report")
    p.add_argument("-o", "--output", default="tradeindex-demo", help="report folder (default ./tradeindex-demo)")
    p.set_defaults(run=_demo)
    p = sub.add_parser("complementarity", help="trade complementarity (Michaely) of all pairs -> CSV/Parquet")
    p.add_argument("file", nargs="+", help="BACI flows (CSV, .gz, .zip, Parquet or a directory)")
    p.add_argument("--year", type=int, help="one year (default: every year, as a panel)")
    p.add_argument("--products", help="product codes or prefixes, comma-separated (e.g. 84,85 or 84-90)")
    p.add_argument("--group", action="append", default=[], metavar="NAME=CODE,CODE,...",
                   help="a group of countries whose trade is summed (repeatable)")
    p.add_argument("--top-k", type=int, help="only the K most complementary importers per exporter")
    p.add_argument("--dtype", default="float64", help="float64 (default) or float32")
    p.add_argument("--method", default="auto", help="auto (default), dense or sparse")
    _common(p, "out.csv (wide matrix) or out.parquet (pair table)")
    p.set_defaults(run=_complementarity)
    p = sub.add_parser("grubel-lloyd", help="Grubel-Lloyd intra-industry trade index for all pairs, "
                       "reporters vs partner groups, or per product; written as CSV")
    p.add_argument("file", nargs="+", help="BACI file(s), or 'sample' for the bundled sample")
    p.add_argument("--by", choices=["pair", "country", "product"], default="pair")
    p.add_argument("--partners", action="append", metavar="NAME=A,B,C",
                   help="a partner group (repeatable; NAME alone = the world); by pair: A,B,C")
    p.add_argument("--reporters", metavar="A,B,C", help="reporters kept (ISO3 or numeric codes)")
    p.add_argument("--products", metavar="84-90", help="products: codes, prefixes or ranges")
    p.add_argument("--years", type=int, nargs="+", help="years kept")
    p.add_argument("--adjust", choices=["imbalance", "aquino"])
    p.add_argument("--scale", type=float, default=100.0)
    _common(p, "output CSV")
    p.set_defaults(run=_grubel_lloyd)
    p = sub.add_parser("report", help="the regional-integration report of a country group: tables, "
                       "Markdown summary, charts")
    p.add_argument("file", nargs="+", help="BACI file(s), .zip or folder, or 'sample' for the bundled sample")
    p.add_argument("--group", required=True, metavar="EAEU|NAME=A,B,C",
                   help="a built-in group (EAEU, EU27, EU28, CIS, ASEAN, MERCOSUR, BRICS, G7, NAFTA, ...) "
                   "or NAME=A,B,C")
    p.add_argument("--years", metavar="2010-2017", help="a year or FIRST-LAST (default: every year)")
    p.add_argument("--products", metavar="engineering",
                   help="product set for the GL and share tables: engineering, high-tech, codes or prefixes")
    p.add_argument("--compare", metavar="EU27|NAME=A,B,C", help="a comparison group for complementarity")
    p.add_argument("--classification", choices=["sitc3"], help="convert HS6 to SITC Rev.3 3-digit first")
    p.add_argument("--no-charts", action="store_true", help="tables and summary only")
    _common(p, "output folder")
    p.set_defaults(run=_report)
    sub.add_parser("config", help="build facts: OpenMP, threads, SIMD, flags").set_defaults(
        run=lambda args: show_config())
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except (ValueError, TypeError, KeyError, FileNotFoundError) as err:
        print(f"tradeindex {args.command}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The `tradeindex` command: info, demo, config, grubel-lloyd."""
import argparse
import sys
import time

from ._validation import check_partner_spec
from .config import show_config
from .intra_industry import grubel_lloyd
from .io import read_baci, sample


def _info(args):
    t0 = time.perf_counter()
    flows = read_baci(args.file, hs=args.hs, progress=True)
    print(flows.summary())
    print(f"  read in {time.perf_counter() - t0:.2f} s")


def _demo(args):
    flows = sample()
    print("The bundled sample (UN Comtrade, 1989-1990):")
    print(flows.summary())
    _demo_grubel_lloyd(flows)


MERCOSUR = ["ARG", "BRA", "PRY", "URY"]


def _demo_grubel_lloyd(flows):
    gl = grubel_lloyd(flows, years=1990)
    long = gl.to_long()
    long = long[(long.reporter < long.partner) & long["Grubel-Lloyd"].notna()]
    print("\nBilateral Grubel-Lloyd index 1990 (0-100, trade-weighted over HS4 products), "
          f"{len(long)} of 253 pairs trade; highest:")
    for row in long.nlargest(5, "Grubel-Lloyd").itertuples():
        print(f"  {row.reporter}-{row.partner}: {row[-1]:.1f}")
    groups = {"MERCOSUR": MERCOSUR, "World": None}
    table = grubel_lloyd(flows, by="country", reporters=MERCOSUR, partners=groups).to_long()
    wide = table.pivot_table(index=["reporter", "year"], columns="group", values="Grubel-Lloyd")
    print("\nMERCOSUR members: Grubel-Lloyd within MERCOSUR vs with the world")
    print(wide[list(groups)].round(1).to_string())


def _partners(specs):
    """--partners NAME=A,B,C (repeatable; NAME alone or NAME= is the world) or A,B,C (by pair)."""
    if not specs:
        return None
    parsed = [check_partner_spec(s) for s in specs]
    if len(parsed) == 1 and parsed[0][0] is None:
        return parsed[0][1]
    return {name: members for name, members in parsed}


def _grubel_lloyd(args):
    flows = sample() if args.file == ["sample"] else read_baci(args.file, hs=args.hs)
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tradeindex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("info", help="what a BACI file (CSV, .gz, .zip, Parquet) holds")
    p.add_argument("file", nargs="+")
    p.add_argument("--hs", help="HS revision of the codes (e.g. HS92) when the file name does not say")
    p.set_defaults(run=_info)
    sub.add_parser("demo", help="run the main job on the bundled sample").set_defaults(run=_demo)
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
    p.add_argument("--threads", type=int, help="threads (default: all cores)")
    p.add_argument("--hs", help="HS revision of the codes when the file name does not say")
    p.add_argument("-o", "--output", required=True, help="output CSV")
    p.set_defaults(run=_grubel_lloyd)
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

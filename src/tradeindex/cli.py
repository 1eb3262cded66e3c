"""The `tradeindex` command: info, demo, config, complementarity."""
import argparse
import sys
import time

import numpy as np

from ._validation import check_group_spec, check_output_path
from .complementarity import complementarity
from .config import show_config
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
    _demo_complementarity(flows)


def _demo_complementarity(flows):
    """The sample's trade complementarity table for 1990 and a short reading of it."""
    tc = complementarity(flows, years=1990)
    table = tc.to_pandas().round(0)
    print("\nTrade complementarity 1990 (Michaely 1996; 0-100; rows exporters, columns importers):")
    print(table.to_string(float_format=lambda v: f"{v:.0f}"))
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


def _complementarity(args):
    out = check_output_path("-o/--output", args.output, (".csv", ".parquet"))
    groups = dict(check_group_spec("--group", g) for g in args.group)
    flows = read_baci(args.file, hs=args.hs)
    result = complementarity(flows, years=args.year, products=args.products, groups=groups or None,
                             top_k=args.top_k, dtype=args.dtype, method=args.method,
                             n_threads=args.threads)
    (result.to_parquet if str(out).lower().endswith(".parquet") else result.to_csv)(out)
    print(f"{result!r} -> {out}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tradeindex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("info", help="what a BACI file (CSV, .gz, .zip, Parquet) holds")
    p.add_argument("file", nargs="+")
    p.add_argument("--hs", help="HS revision of the codes (e.g. HS92) when the file name does not say")
    p.set_defaults(run=_info)
    sub.add_parser("demo", help="run the main job on the bundled sample").set_defaults(run=_demo)
    p = sub.add_parser("complementarity", help="trade complementarity (Michaely) of all pairs -> CSV/Parquet")
    p.add_argument("file", nargs="+", help="BACI flows (CSV, .gz, .zip, Parquet or a directory)")
    p.add_argument("--year", type=int, help="one year (default: every year, as a panel)")
    p.add_argument("--products", help="product codes or prefixes, comma-separated (e.g. 84,85 or 84-90)")
    p.add_argument("--group", action="append", default=[], metavar="NAME=CODE,CODE,...",
                   help="a group of countries whose trade is summed (repeatable)")
    p.add_argument("--top-k", type=int, help="only the K most complementary importers per exporter")
    p.add_argument("--dtype", default="float64", help="float64 (default) or float32")
    p.add_argument("--method", default="auto", help="auto (default), dense or sparse")
    p.add_argument("--threads", type=int, help="OpenMP threads (default: all cores)")
    p.add_argument("--hs", help="HS revision of the codes (e.g. HS92) when the file name does not say")
    p.add_argument("-o", "--output", required=True, help="out.csv (wide matrix) or out.parquet (pair table)")
    p.set_defaults(run=_complementarity)
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

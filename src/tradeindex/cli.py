"""The `tradeindex` command: info, demo."""
import argparse
import sys
import time

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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tradeindex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("info", help="what a BACI file (CSV, .gz, .zip, Parquet) holds")
    p.add_argument("file", nargs="+")
    p.add_argument("--hs", help="HS revision of the codes (e.g. HS92) when the file name does not say")
    p.set_defaults(run=_info)
    sub.add_parser("demo", help="run the main job on the bundled sample").set_defaults(run=_demo)
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

"""The `tradeindex` command: info, complementarity, similarity, grubel-lloyd, marginal-iit,
trade-types, the trade indicators (rca, intensity, concentration, specialisation, krugman,
orientation, group-share), report, to-parquet, demo, config.

Every subcommand reads its input lazily (a BACI .zip, a folder, a file, or `sample` for the
bundled sample), only the years asked (``--years 2017``, ``2010-2017`` or
``2010,2012,2015-2017``), one year in memory at a time, and writes the format its ``-o``
extension names (.csv, .csv.gz, .parquet, .arrow, .feather, .dta), refusing to replace an
existing output unless ``--overwrite``. With ``--scheduler tcp://host:8786`` (or
DASK_SCHEDULER_ADDRESS set, as for Dask itself) the years run as tasks on that Dask cluster,
each worker reading its own year's files (``pip install 'tradeindex[dask]'``).

Exit codes: 0 success; 2 a user error (bad arguments, unreadable or invalid input, a request
that cannot be met), reported in one line; 1 an internal error (a bug: the traceback is
printed; please report it); 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

import numpy as np

from ._output import FORMATS, write_table
from ._output import check_output_file
from ._validation import (check_group_spec, check_new_output, check_output_path,
                          check_products_with_conversion, check_year_list, fail, is_input_error)
from .codes import GROUPS
from .complementarity import complementarity, export_similarity, import_similarity
from .config import __version__, effective_threads, show_config
from .flows import TradeFlows
from .indicators import (concentration, intra_group_share, krugman, rca, regional_orientation,
                         trade_intensity, trade_specialisation)
from .intra_industry import grubel_lloyd, marginal_iit, trade_types
from .report import regional_report
from .sources import sample, sample_path, scan_baci

if TYPE_CHECKING:
    from distributed import Client

    from ._typing import Flows, Groups, Years
    from .intra_industry import MarginalIIT
    from .result import IndexMatrix
    from .sources import LazyFlows

#: Exceptions that may be the user's to fix (one line, exit code 2; ImportError: an optional extra)
#: when they say so (_validation.is_input_error: the message template, or files, memory and
#: extras); others are bugs (exit 1, the traceback).
USER_ERRORS = (ValueError, TypeError, KeyError, OSError, MemoryError, ImportError)
MERCOSUR, NAFTA = ["ARG", "BRA", "PRY", "URY"], ["CAN", "MEX", "USA"]


# -- input and output shared by the subcommands ------------------------------------------------------
def _source(args: argparse.Namespace, lazy: bool = False) -> Flows:
    """The flows of the command: the bundled sample (in memory, or lazily with `lazy`) or the
    files, lazily; converted to SITC Rev.3 when --classification asks (a lazy step applied to
    each year as read)."""
    flows: Flows
    if args.file == ["sample"]:
        flows = scan_baci(sample_path(), hs="HS92") if lazy else sample()
    else:
        flows = scan_baci(args.file if len(args.file) > 1 else args.file[0], hs=args.hs)
    if getattr(args, "classification", None):
        check_products_with_conversion("--products", args.products)
        flows = flows.convert(args.classification, digits=args.digits)
    return flows


@contextmanager
def _cluster(args: argparse.Namespace) -> Iterator[Client | None]:
    """The Dask client of --scheduler (default DASK_SCHEDULER_ADDRESS) for the whole command,
    closed at its end; None without one (or for a command that does not compute)."""
    address = getattr(args, "scheduler", None)
    if not address:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        fail("--scheduler", "given only with Dask installed (pip install 'tradeindex[dask]')", repr(address),
             ImportError)
    try:
        client = Client(address)
    except (OSError, ValueError, TypeError) as err:
        fail("--scheduler", "the address of a running Dask scheduler (tcp://host:8786)", f"{address!r}: {err}", OSError)
    with client:
        workers = client.nthreads()
        print(f"tradeindex: on the Dask cluster at {address} ({len(workers)} workers, {sum(workers.values())} "
              f"threads); dashboard: {client.dashboard_link}", file=sys.stderr)
        yield client


def _years(args: argparse.Namespace) -> Years:
    """--years as the index functions take it: None (all), one year (a matrix) or a list (a panel)."""
    years = check_year_list("--years", args.years)
    return years[0] if years and len(years) == 1 else years


def _write(result: Any, args: argparse.Namespace) -> None:
    """Write the result's long table (or, with --wide, the matrix) to -o; print what was written."""
    if getattr(args, "wide", False):
        check_output_path("-o/--output", args.output, (".csv",))
        if not hasattr(result, "year"):
            fail("--wide", "a one-year matrix result (one --years value, no --top-k)", type(result).__name__)
        check_new_output("-o/--output", args.output, args.overwrite)
        result.to_csv(args.output)
    else:
        write_table(result, args.output, overwrite=args.overwrite, param="-o/--output")
    print(f"{result!r} -> {args.output}")


def _check_output(args: argparse.Namespace) -> None:
    """The output file of an index subcommand, before anything is read: its format, an existing
    folder, and a new name unless --overwrite (else the computation ran for nothing)."""
    check_output_file(args.output, "-o/--output", formats=(".csv",) if args.wide else FORMATS)
    check_new_output("-o/--output", args.output, args.overwrite)


def _named(path: str, part: str) -> str:
    """out.csv.gz -> out_PART.csv.gz: one file per part of a result."""
    file = Path(path)
    stem, dot, ext = file.name.partition(".")
    return str(file.with_name(f"{stem}_{part}{dot}{ext}"))


def _groups(specs: Sequence[str] | None, param: str, world: bool = False) -> Any:
    """Repeated NAME=A,B,C / built-in NAME options as a dict (None when not given)."""
    if not specs:
        return None
    parsed = [check_group_spec(param, s, GROUPS, world=world) for s in specs]
    if world and len(parsed) == 1 and parsed[0][0] is None:
        return parsed[0][1]
    names = [name for name, _ in parsed]
    if len(set(names)) < len(names):  # a dict would keep the last silently
        fail(param, "groups of different names", f"{next(n for n in names if names.count(n) > 1)!r} twice")
    return dict(parsed)


def _countries(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


# -- subcommands -------------------------------------------------------------------------------------
def _info(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    source = _source(args)
    years = check_year_list("--years", args.years)
    flows = source if isinstance(source, TradeFlows) else source.collect(years, progress=True)  # sample: in memory
    print(flows.summary())
    print(f"  read in {time.perf_counter() - t0:.2f} s")


def _complementarity(args: argparse.Namespace) -> None:
    result = complementarity(_source(args), years=_years(args), exporters=_countries(args.exporters),
                             importers=_countries(args.importers), products=args.products,
                             groups=_groups(args.group, "--group"), membership=args.membership,
                             top_k=args.top_k, dtype=args.dtype, method=args.method,
                             self_pairs=args.self_pairs, n_threads=args.threads, progress=True, client=args.client)
    _write(result, args)


def _similarity(args: argparse.Namespace) -> None:
    fn = export_similarity if args.side == "exports" else import_similarity
    result = fn(_source(args), years=_years(args), countries=_countries(args.countries),
                partners=_countries(args.partners), products=args.products,
                groups=_groups(args.group, "--group"), membership=args.membership, top_k=args.top_k,
                self_pairs=args.self_pairs, n_threads=args.threads, progress=True, client=args.client)
    _write(result, args)


def _grubel_lloyd(args: argparse.Namespace) -> None:
    result = grubel_lloyd(_source(args), by=args.by, partners=_groups(args.partners, "--partners", world=True),
                          reporters=_countries(args.reporters), products=args.products, years=_years(args),
                          adjust=args.adjust, membership=args.membership, scale=args.scale,
                          n_threads=args.threads, progress=True, client=args.client)
    _write(result, args)


def _marginal_iit(args: argparse.Namespace) -> None:
    years = check_year_list("--years", args.years)
    if years is None or len(years) != 2:
        fail("--years", "two years, START,END (e.g. 2010,2017)", repr(args.years))
    result = marginal_iit(_source(args), years[0], years[1], by=args.by,
                          partners=_groups(args.partners, "--partners", world=True),
                          reporters=_countries(args.reporters), products=args.products,
                          scale=args.scale, n_threads=args.threads, progress=True, client=args.client)
    if args.by == "product":
        _write(result, args)
        return
    out = args.output
    pair = cast("MarginalIIT", result)  # by pair or country: the A and B matrices
    for part, name in ((pair.A, "A"), (pair.B, "B")):
        args.output = _named(out, name)
        _write(part, args)


def _trade_types(args: argparse.Namespace) -> None:
    result = trade_types(_source(args), alpha=args.alpha, method=args.method, by=args.by,
                         partners=_groups(args.partners, "--partners", world=True),
                         reporters=_countries(args.reporters), products=args.products, years=_years(args),
                         membership=args.membership, scale=args.scale, n_threads=args.threads, progress=True,
                         client=args.client)
    out = args.output
    for name, part in result.items():
        args.output = _named(out, name)
        _write(part, args)


def _indicator(fn: Callable[..., object], args: argparse.Namespace, **options: Any) -> None:
    """Run one trade indicator on the command's input, years, products and membership, and
    write its long table."""
    _write(fn(_source(args), years=_years(args), products=args.products, membership=args.membership,
              progress=True, client=args.client, **options), args)


def _rca(args: argparse.Namespace) -> None:
    reference = _groups([args.reference], "--reference") if args.reference else None
    _indicator(rca, args, countries=_countries(args.countries), groups=_groups(args.group, "--group"),
               reference=reference, kind=args.kind)


def _intensity(args: argparse.Namespace) -> None:
    _indicator(trade_intensity, args, reporters=_countries(args.reporters), partners=_countries(args.partners),
               groups=_groups(args.group, "--group"), exclude_self=args.exclude_self, self_pairs=args.self_pairs,
               n_threads=args.threads)


def _concentration(args: argparse.Namespace) -> None:
    _indicator(concentration, args, countries=_countries(args.countries), groups=_groups(args.group, "--group"),
               measure=args.measure, scale=args.scale, n_threads=args.threads)


def _specialisation(args: argparse.Namespace) -> None:
    _indicator(trade_specialisation, args, countries=_countries(args.countries), groups=_groups(args.group, "--group"))


def _krugman(args: argparse.Namespace) -> None:
    _indicator(krugman, args, countries=_countries(args.countries), partners=_countries(args.partners),
               groups=_groups(args.group, "--group"), side=args.side, self_pairs=args.self_pairs,
               n_threads=args.threads)


def _orientation(args: argparse.Namespace) -> None:
    _indicator(regional_orientation, args, group=_groups(args.group, "--group"), countries=_countries(args.countries),
               n_threads=args.threads)


def _group_share(args: argparse.Namespace) -> None:
    _indicator(intra_group_share, args, groups=_groups(args.group, "--group"), countries=_countries(args.countries),
               side=args.side, scale=args.scale, n_threads=args.threads)


def _report(args: argparse.Namespace) -> None:
    group, compare = (dict([check_group_spec(param, spec, GROUPS)]) if spec else None
                      for param, spec in (("--group", args.group), ("--compare", args.compare)))
    flows = sample() if args.file == ["sample"] else scan_baci(args.file if len(args.file) > 1 else args.file[0],
                                                               hs=args.hs)
    # --group is required (an empty one is refused by regional_report, as before)
    report = regional_report(flows, cast("Groups", group), years=check_year_list("--years", args.years),
                             products=args.products, compare=compare, classification=args.classification,
                             membership=args.membership, progress=True, n_threads=args.threads,
                             client=args.client)
    paths = report.write(args.output, charts=not args.no_charts, overwrite=args.overwrite,
                         inputs={"file": args.file, "hs": args.hs})
    print(report.to_markdown())
    print(f"Wrote {len(paths)} files to {Path(args.output).resolve()}/")


def _to_parquet(args: argparse.Namespace) -> None:
    source = cast("LazyFlows", _source(args, lazy=True))  # lazy: the sample too
    years = check_year_list("--years", args.years)
    if years is not None:
        source = source.select(years=years)
    out = Path(args.output)
    check_new_output("-o/--output", out, args.overwrite)
    lazy = source.to_parquet(out, progress=True)
    print(f"{lazy!r} written to {out.resolve()}/")


def _demo(args: argparse.Namespace) -> None:
    """The main job on the bundled sample: the indices for all pairs and the regional report."""
    flows = sample()
    print("The bundled sample (UN Comtrade, 1989-1990):")
    print(flows.summary())
    _demo_complementarity(flows)
    _demo_grubel_lloyd(flows)
    report = regional_report(flows, {"MERCOSUR": MERCOSUR}, compare={"NAFTA": NAFTA},
                             products="engineering", progress=True)
    paths = report.write(args.output, overwrite=True, inputs={"file": "sample"})
    print("\n" + report.to_markdown())
    print(f"Wrote {len(paths)} files to {Path(args.output).resolve()}/ "
          f"({', '.join(p.name for p in paths if p.suffix in ('.md', '.png'))}, tables as CSV and Parquet)")


def _demo_complementarity(flows: TradeFlows) -> None:
    """The sample's trade complementarity table for 1990 and a short reading of it."""
    tc = cast("IndexMatrix", complementarity(flows, years=1990))  # one year: a matrix
    print("\nTrade complementarity 1990 (Michaely 1996; 0-100; rows exporters, columns importers; "
          "n/a: a country with itself):")
    print(tc.to_string())
    v = tc.values
    j, k = np.unravel_index(np.nanargmax(v), v.shape)
    by_exporter, by_importer = np.nanmean(v, axis=1), np.nanmean(v, axis=0)
    e, i = np.nanargmax(by_exporter), np.nanargmax(by_importer)
    low = np.nanargmin(by_exporter)
    print(f"\nReading: the mean complementarity across pairs is {np.nanmean(v):.1f}. The best match of "
          f"an exporter's supply with a partner's demand is {tc.rows[j]} -> {tc.cols[k]} ({v[j, k]:.1f}). "
          f"{tc.rows[e]}'s exports fit its partners' imports best on average ({by_exporter[e]:.1f}), "
          f"{tc.rows[low]}'s least ({by_exporter[low]:.1f}); {tc.cols[i]} is the importer whose demand "
          f"the others' exports match best ({by_importer[i]:.1f}).")


def _demo_grubel_lloyd(flows: TradeFlows) -> None:
    """The sample's highest bilateral GL indices in 1990 and MERCOSUR within vs with the world."""
    gl = cast("IndexMatrix", grubel_lloyd(flows, years=1990))  # one year, by pair: a matrix
    upper = np.triu(np.where(np.isnan(gl.values), -1.0, gl.values), 1)
    top = np.argsort(upper, axis=None)[::-1][:5]
    n_trade = int(np.triu(~np.isnan(gl.values), 1).sum())
    print(f"\nBilateral Grubel-Lloyd index 1990 (0-100, trade-weighted over HS4 products), "
          f"{n_trade} of {len(gl.rows) * (len(gl.rows) - 1) // 2} pairs trade; highest:")
    for r, c in zip(*np.unravel_index(top, upper.shape)):
        print(f"  {gl.rows[r]}-{gl.cols[c]}: {upper[r, c]:.1f}")
    within = cast("IndexMatrix", grubel_lloyd(flows, by="country", reporters=MERCOSUR, years=1990,
                                              partners={"MERCOSUR": MERCOSUR, "World": None}))
    print("\nMERCOSUR members 1990, all products: Grubel-Lloyd within MERCOSUR vs with the world")
    print(within.to_string(digits=1))


# -- the parser --------------------------------------------------------------------------------------
def _input(p: argparse.ArgumentParser, products: bool = True, classification: bool = True,
           scheduler: bool = True) -> None:
    p.add_argument("file", nargs="+", help="BACI flows: the release .zip, a folder (yearly CSV/Parquet "
                   "files, or a hive-partitioned Parquet dataset), a CSV/.csv.gz/Parquet file, or 'sample'")
    p.add_argument("--years", "--year", dest="years", metavar="YEARS",
                   help="years to read: 2017, 2010-2017 or 2010,2012,2015-2017 (default: every year)")
    p.add_argument("--hs", help="HS revision of the codes (HS92 ... HS22) when the file names do not say it")
    if products:
        p.add_argument("--products", metavar="SPEC", help="products: codes, prefixes, ranges or a named set "
                       "(engineering, high-tech), comma-separated, in the flows' classification; prefix "
                       "hs: or sitc3: to say which (hs:84-90 = HS chapters 84 to 90)")
    if classification:
        p.add_argument("--classification", choices=["sitc3"],
                       help="convert HS6 to SITC Rev.3 first (each year as it is read)")
        p.add_argument("--digits", type=int, default=3, help="SITC digits with --classification (default 3)")
    p.add_argument("--threads", type=int, metavar="N", help="OpenMP threads (default: every core; on a Dask "
                   "worker, its threads)")
    if scheduler:
        p.add_argument("--scheduler", metavar="ADDRESS", default=os.environ.get("DASK_SCHEDULER_ADDRESS") or None,
                       help="run the years as tasks on this Dask cluster, each worker reading its own year's "
                       "files (tcp://host:8786; default: $DASK_SCHEDULER_ADDRESS; pip install 'tradeindex[dask]')")


def _output(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("-o", "--output", required=True,
                   help=f"{what}; the extension names the format ({', '.join(FORMATS)})")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    p.set_defaults(table_output=True)


def _membership(p: argparse.ArgumentParser) -> None:
    p.add_argument("--membership", default="by-year", type=lambda v: int(v) if v.isdigit() else v,
                   metavar="by-year|fixed|YEAR",
                   help="composition of built-in groups over the years: each year's (by-year, "
                   "default), the last year's (fixed) or a given year's")


def _partners(p: argparse.ArgumentParser, by_choices: Sequence[str]) -> None:
    p.add_argument("--by", choices=by_choices, default="pair",
                   help="pair: every pair; country: reporters vs partner groups; product: per product")
    p.add_argument("--reporters", metavar="A,B,C", help="reporters kept (ISO3, numeric codes or names)")
    p.add_argument("--partners", action="append", metavar="NAME=A,B,C",
                   help="a partner group: NAME=A,B,C, a built-in group (EAEU, EU27, ...) or NAME alone "
                   "for every partner (repeatable); with --by pair: A,B,C (the columns kept)")
    p.add_argument("--scale", type=float, default=100.0, help="100 (default) for 0-100, 1 for shares")


def _pair_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--group", action="append", default=[], metavar="NAME=A,B,C",
                   help="a group whose trade is its members' summed (repeatable), or a built-in group name")
    _membership(p)
    p.add_argument("--top-k", type=int, metavar="K", help="only the K best partners of each row")
    p.add_argument("--self-pairs", action="store_true",
                   help="keep a country with itself (NaN and left out of pair tables by default)")


def _indicator_parser(sub: Any, name: str, help: str, run: Callable[[argparse.Namespace], None],
                      rows: str = "--countries", group: str | None = None) -> argparse.ArgumentParser:
    """A trade-indicator subcommand: the input, its rows, --group (the extra rows and columns,
    or, with `group`, the group the indicator is about), --membership and -o."""
    p = sub.add_parser(name, help=help)
    _input(p)
    p.add_argument(rows, metavar="A,B,C", help="the rows (ISO3, numeric codes or names; default: "
                   + ("every member of the groups" if group else "every country") + "); a country absent "
                   "in a year is empty (null) there")
    p.add_argument("--group", action="append", required=group is not None, default=None if group else [],
                   metavar="NAME=A,B,C", help=group or "a group: an extra row (and column) summing its "
                   "members' trade, NAME=A,B,C or a built-in group name (repeatable)")
    _membership(p)
    p.set_defaults(run=run, wide=False)
    return p


def _indicator_parsers(sub: Any) -> None:
    p = _indicator_parser(sub, "rca", "revealed comparative advantage (Balassa 1965) of every country "
                          "in every product", _rca)
    p.add_argument("--reference", metavar="EU27|NAME=A,B,C",
                   help="a group whose exports are the benchmark instead of the world")
    p.add_argument("--kind", choices=["ratio", "symmetric", "binary"], default="ratio",
                   help="ratio (Balassa, default), symmetric ((RCA-1)/(RCA+1)) or binary (RCA >= 1)")
    _output(p, "the table (long: year, country, product, rca)")

    p = _indicator_parser(sub, "intensity", "trade intensity (Brown 1949, Kojima 1964) of every reporter "
                          "with every partner", _intensity, rows="--reporters")
    p.add_argument("--partners", metavar="A,B,C", help="the columns (default: every country)")
    p.add_argument("--exclude-self", action="store_true",
                   help="benchmark the rest of the world instead of the world (the reporter left out)")
    p.add_argument("--self-pairs", action="store_true",
                   help="keep a group with itself (its intra-group intensity) and a country with itself "
                   "(always empty: no flow i -> i); left out by default")
    _output(p, "the pair table (long: year, reporter, partner, trade_intensity)")

    p = _indicator_parser(sub, "concentration", "Herfindahl-Hirschman concentration of each country's "
                          "exports and imports over products and partners", _concentration)
    p.add_argument("--measure", choices=["hhi", "normalized", "count"], default="hhi",
                   help="hhi (default), normalized ((H - 1/N) / (1 - 1/N)) or count (N)")
    p.add_argument("--scale", type=float, default=1.0, help="1 (default, 0-1) or 10000 (points)")
    _output(p, "the table (long: year, country, over, the measure)")

    p = _indicator_parser(sub, "specialisation", "trade specialisation (x - m) / (x + m) of every country "
                          "in every product", _specialisation)
    _output(p, "the table (long: year, country, product, trade_specialisation)")

    p = _indicator_parser(sub, "krugman", "Krugman specialisation index (0-2) of every pair of countries",
                          _krugman)
    p.add_argument("--partners", metavar="A,B,C", help="the columns (default: every country)")
    p.add_argument("--side", choices=["exports", "imports"], default="exports",
                   help="compare export (default) or import structures")
    p.add_argument("--self-pairs", action="store_true",
                   help="keep a country (group) with itself (0; left out by default)")
    _output(p, "the pair table (long: year, reporter, partner, krugman_specialisation)")

    p = _indicator_parser(sub, "orientation", "regional orientation (Yeats 1998) of each member's exports "
                          "to a group, product by product", _orientation,
                          group="the group: NAME=A,B,C or a built-in group name (once)")
    _output(p, "the table (long: year, country, product, regional_orientation)")

    p = _indicator_parser(sub, "group-share", "share of each member's exports (imports) going to (coming "
                          "from) its group, and the intra-group trade share", _group_share,
                          group="a group: NAME=A,B,C or a built-in group name (repeatable)")
    p.add_argument("--side", choices=["exports", "imports"], default="exports",
                   help="exports (share going to the group, default) or imports (share coming from it)")
    p.add_argument("--scale", type=float, default=100.0, help="100 (default, percentages) or 1")
    _output(p, "the table (long: year, reporter, partner (the group), export_share or import_share)")


class _Parser(argparse.ArgumentParser):
    """A usage error in one line, like every user error (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tradeindex", description=__doc__.split("\n\n")[0],
                                     epilog="Exit codes: 0 success, 2 user error (one line), 1 internal "
                                     "error (traceback), 130 interrupted.")
    parser.add_argument("--version", action="version", version=f"tradeindex {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("info", help="what BACI files hold: rows, years, countries, products, value")
    _input(p, products=False, classification=False, scheduler=False)
    p.set_defaults(run=_info)

    p = sub.add_parser("complementarity", help="trade complementarity (Michaely 1996) of all pairs")
    _input(p)
    p.add_argument("--exporters", metavar="A,B,C", help="rows kept (default: every exporter)")
    p.add_argument("--importers", metavar="A,B,C", help="columns kept (default: every importer)")
    _pair_options(p)
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"], help="storage of the results")
    p.add_argument("--method", default="auto", choices=["auto", "dense", "sparse"], help="kernel (default auto)")
    _output(p, "the pair table (long: one row per year, exporter, importer)")
    p.add_argument("--wide", action="store_true", help="a one-year exporters x importers matrix as CSV instead")
    p.set_defaults(run=_complementarity)

    p = sub.add_parser("similarity", help="export or import similarity (Finger and Kreinin 1979) of all pairs")
    _input(p)
    p.add_argument("--side", choices=["exports", "imports"], default="exports", help="exports (default) or imports")
    p.add_argument("--countries", metavar="A,B,C", help="rows kept (default: every country)")
    p.add_argument("--partners", metavar="A,B,C", help="columns kept (default: every country)")
    _pair_options(p)
    _output(p, "the pair table")
    p.set_defaults(run=_similarity, wide=False)

    p = sub.add_parser("grubel-lloyd", help="Grubel-Lloyd intra-industry trade: all pairs, reporters vs "
                       "partner groups, or per product")
    _input(p)
    _partners(p, ["pair", "country", "product"])
    p.add_argument("--adjust", choices=["imbalance", "aquino"], help="Grubel-Lloyd's imbalance or Aquino's adjustment")
    _membership(p)
    _output(p, "the pair (or product) table")
    p.set_defaults(run=_grubel_lloyd, wide=False)

    p = sub.add_parser("marginal-iit", help="marginal intra-industry trade (Brulhart 1994) between two years")
    _input(p)
    _partners(p, ["pair", "country", "product"])
    _output(p, "the table; by pair/country two files, NAME_A and NAME_B")
    p.set_defaults(run=_marginal_iit, wide=False)

    p = sub.add_parser("trade-types", help="one-way, horizontal and vertical intra-industry trade shares "
                       "from unit values")
    _input(p)
    _partners(p, ["pair", "country"])
    p.add_argument("--method", choices=["ghm", "ff"], default="ghm",
                   help="Greenaway-Hine-Milner (default) or Fontagne-Freudenberg")
    p.add_argument("--alpha", type=float, default=0.15, help="unit-value band (default 0.15)")
    _membership(p)
    _output(p, "the tables, one file per type: NAME_one_way, NAME_horizontal, ...")
    p.set_defaults(run=_trade_types, wide=False)

    _indicator_parsers(sub)

    p = sub.add_parser("report", help="the regional-integration report of a country group: tables, "
                       "Markdown summary, charts")
    _input(p, classification=False)
    p.add_argument("--classification", choices=["sitc3"], help="convert HS6 to SITC Rev.3 3-digit groups first")
    p.add_argument("--group", required=True, metavar="EAEU|NAME=A,B,C",
                   help="a built-in group (" + ", ".join(GROUPS) + ") or NAME=A,B,C")
    p.add_argument("--compare", metavar="EU27|NAME=A,B,C", help="a comparison group for complementarity")
    _membership(p)
    p.add_argument("--no-charts", action="store_true", help="tables and summary only")
    p.add_argument("-o", "--output", required=True, help="the report folder (new or empty)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing report folder")
    p.set_defaults(run=_report)

    p = sub.add_parser("to-parquet", help="write a release as a hive-partitioned Parquet dataset, one "
                       "year at a time (several times faster to read afterwards)")
    _input(p, scheduler=False)
    p.add_argument("-o", "--output", required=True, help="the dataset folder (new or empty)")
    p.add_argument("--overwrite", action="store_true", help="write into an existing folder")
    p.set_defaults(run=_to_parquet)

    p = sub.add_parser("demo", help="the main job on the bundled sample: all-pairs indices and the "
                       "MERCOSUR report (with charts)")
    p.add_argument("-o", "--output", default="tradeindex-demo", help="report folder (default ./tradeindex-demo)")
    p.set_defaults(run=_demo)

    sub.add_parser("config", help="build facts: version, OpenMP, threads, SIMD, flags").set_defaults(
        run=lambda args: show_config())
    return parser


@contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Warnings as one readable line on stderr ("tradeindex: warning: ..."), not Python's two."""
    old = warnings.showwarning
    warnings.showwarning = lambda message, *a, **k: print(f"tradeindex: warning: {message}", file=sys.stderr)
    try:
        yield
    finally:
        warnings.showwarning = old


def main(argv: Sequence[str] | None = None) -> int:

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help and --version (0) go on; a usage error (its one line printed) is 2
        if not stop.code:
            raise
        return 2
    try:
        with _one_line_warnings(), _cluster(args) as args.client:
            effective_threads(getattr(args, "threads", None))  # checked where a subcommand does not use it too
            if getattr(args, "table_output", False):
                _check_output(args)
            args.run(args)
    except KeyboardInterrupt:
        print(f"tradeindex {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bad input in one line; any other error is a bug: say so, with the traceback
        if isinstance(err, USER_ERRORS) and is_input_error(err):
            print(f"tradeindex {args.command}: error: {err}", file=sys.stderr)
            return 2
        traceback.print_exc()
        print(f"tradeindex {args.command}: internal error (a bug): please report it with the traceback above",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

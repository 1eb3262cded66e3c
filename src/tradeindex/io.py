"""Readers: BACI files (CSV, .csv.gz, the official .zip, Parquet) and the bundled sample."""
import re
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ._validation import check_columns, fail
from .flows import TradeFlows

BACI_NAME = re.compile(r"BACI_(HS\d\d)_Y(\d{4})", re.IGNORECASE)
BACI_COLUMNS = ["t", "i", "j", "k", "v"]
_CSV_TYPES = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.dictionary(pa.int32(), pa.string()),
              "v": pa.float64(), "q": pa.float64()}
# BACI right-aligns q and writes NA for missing; the float parser skips leading blanks but a
# padded "   NA" must be listed as a null literal.
_CSV_NULLS = ["", "NA"] + [" " * w + "NA" for w in range(1, 25)]


def _progress(items, label, enabled):
    """Yield items, drawing a one-line progress bar on stderr when enabled and there are several."""
    items = list(items)
    show = enabled and len(items) > 1
    for n, item in enumerate(items, 1):
        if show:
            bar = "#" * int(30 * n / len(items))
            sys.stderr.write(f"\r{label} [{bar:<30}] {n}/{len(items)} {Path(str(item)).name[:40]:<40}")
            sys.stderr.flush()
        yield item
    if show:
        sys.stderr.write("\n")


def _read_csv(source):
    convert = pacsv.ConvertOptions(column_types=_CSV_TYPES, null_values=_CSV_NULLS,
                                   strings_can_be_null=False)
    # 4 MB blocks (pyarrow's default is 1 MB): ~100 chunks per BACI year instead of ~400, still
    # parsed in parallel; fewer chunks make the later column conversions cheaper
    return pacsv.read_csv(source, read_options=pacsv.ReadOptions(block_size=4 << 20), convert_options=convert)


def _quantity(col):
    """A q column stored as text (padded, NA for missing), e.g. in a user's Parquet: float64."""
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        text = pc.utf8_trim_whitespace(col)
        missing = pc.or_(pc.equal(text, "NA"), pc.equal(text, ""))
        return pc.if_else(missing, pa.scalar(None, pa.string()), text).cast(pa.float64())
    return col


def _files(path, years):
    """[(kind, source, name)] for a path: a file, a directory, or a .zip of yearly CSVs."""
    path = Path(path)
    if not path.exists():
        fail("path", "an existing BACI file, .zip or directory", repr(str(path)), FileNotFoundError)
    if path.is_dir():
        members = sorted(p for p in path.iterdir() if p.suffix == ".parquet" or p.name.endswith((".csv", ".csv.gz")))
        return [("parquet" if p.suffix == ".parquet" else "csv", p, p.name) for p in members
                if _wanted(p.name, years)]
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if BACI_NAME.search(n) and _wanted(n, years)]
        return [("zip", path, n) for n in sorted(names)]
    return [("parquet" if path.suffix == ".parquet" else "csv", path, path.name)]


def _wanted(name, years):
    m = BACI_NAME.search(name)
    return years is None or m is None or int(m.group(2)) in years


def _read_one(kind, source, name):
    if kind == "zip":
        with zipfile.ZipFile(source) as zf, zf.open(name) as fh:
            return _read_csv(fh)
    if kind == "parquet":
        text_k = [f.name for f in pq.read_schema(source) if f.name == "k" and pa.types.is_string(f.type)]
        return pq.read_table(source, read_dictionary=text_k)
    return _read_csv(source)


def read_baci(path, *, years=None, hs=None, duplicates="error", progress=False):
    """Read BACI flows: a yearly CSV (plain or .gz), the official BACI .zip (every yearly CSV
    inside), a Parquet file, or a directory of Parquet/CSV files, all with BACI's columns
    ``t`` (year), ``i`` (exporter), ``j`` (importer), ``k`` (product), ``v`` (value, thousands
    of USD) and optionally ``q`` (quantity, tons).

    BACI quirks handled: ``q`` as padded text with ``NA`` (missing -> NaN); ``k`` with or without
    leading zeros (restored to 6 digits in BACI-named files, else to an even width). The HS
    revision is taken from `hs` or from BACI file names (``BACI_HS92_Y2021_V202401.csv`` ->
    "HS92") and kept as ``flows.hs``. `years` keeps only those years (whole files are skipped in
    a .zip or directory). Reading uses pyarrow's multi-threaded CSV/Parquet readers.

    Examples
    --------
    >>> import tradeindex
    >>> from importlib import resources
    >>> f = tradeindex.read_baci(resources.files("tradeindex") / "data" / "comtrade_sample_hs4_1989_1990.csv.gz")
    >>> len(f), f.years
    (229585, [1989, 1990])
    """
    years_set = None if years is None else {int(y) for y in ([years] if isinstance(years, int) else years)}
    sources = [s for p in ([path] if isinstance(path, (str, Path)) else path) for s in _files(p, years_set)]
    if not sources:
        fail("path", "BACI files for the years asked", f"none in {path!r} for years {sorted(years_set)}",
             FileNotFoundError)
    tables, revisions = [], set()
    for kind, source, name in _progress(sources, "reading", progress):
        t = _read_one(kind, source, name)
        check_columns(f"file {name}", t.column_names, BACI_COLUMNS)
        if years_set is not None:
            t = t.filter(pc.is_in(t["t"], pa.array(sorted(years_set), t["t"].type)))
        cols = {c: t[c] for c in BACI_COLUMNS}
        cols["q"] = _quantity(t["q"]) if "q" in t.column_names else pa.nulls(len(t), pa.float64())
        tables.append(pa.table({c: a.cast(pa.int32()) if c in "tij" else a for c, a in cols.items()}))
        m = BACI_NAME.search(name)
        if m:
            revisions.add(m.group(1).upper())
    if len(revisions) > 1 or (hs and revisions and hs.upper() not in revisions):
        fail("path", "files of one HS revision (do not mix BACI vintages or revisions)",
             f"{sorted(revisions | ({hs.upper()} if hs else set()))}")
    table = pa.concat_tables(tables)
    hs = (hs or (revisions.pop() if revisions else None))
    return TradeFlows.from_arrays(table["i"], table["j"], table["k"], table["v"], quantity=table["q"],
                                  year=table["t"], hs=hs.upper() if hs else None, duplicates=duplicates,
                                  product_width=6 if any(BACI_NAME.search(s[2]) for s in sources) else None)


def sample():
    """The bundled real sample: UN Comtrade flows of 1989 and 1990 between 23 reporters
    (22 countries and the Southern African Customs Union), 1,241 HS 4-digit products
    (HS 1988/92), values in thousands of USD, with quantities where reported.
    Source: the R package zerotradeflow (MIT), from UN Comtrade; see ``data/README.md``.

    Examples
    --------
    >>> import tradeindex
    >>> f = tradeindex.sample()
    >>> len(f), len(f.countries), len(f.products), f.years
    (229585, 23, 1241, [1989, 1990])
    """
    path = resources.files("tradeindex").joinpath("data", "comtrade_sample_hs4_1989_1990.csv.gz")
    with resources.as_file(path) as p:
        return read_baci(p, hs="HS92")

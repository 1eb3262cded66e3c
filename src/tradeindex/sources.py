"""Where flows come from: BACI releases read lazily, year by year, and the bundled sample.

A BACI release is a set of yearly partitions. :func:`scan_baci` looks at a path without reading
any flows and returns :class:`LazyFlows`: the official .zip (``BACI_HS17_Y2017_V202401.csv``
members beside the code tables), a folder of yearly CSV / .csv.gz / Parquet files (an unzipped
release included), a hive-partitioned Parquet dataset (``t=2017/part-0.parquet``), or one file
(CSV or Parquet) holding one or many years. Each index function then reads one year at a time
(marginal IIT two), releasing it before the next; the years, countries and products a
computation needs are pushed down to the reader (files of other years are never opened, Parquet
row groups are skipped by their statistics, rows are filtered by Arrow before they are
converted) and only the columns it needs are read (``q`` only for unit values).
:func:`read_baci` reads what it is asked for at once, as a :class:`TradeFlows`.
"""
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ._validation import check_columns, check_year, fail
from .codes import concordance, country_codes, expand_product_spec, product_specs, translate_hs_products
from .flows import TradeFlows, _Builder

BACI_NAME = re.compile(r"BACI_(HS\d\d)_Y(\d{4})", re.IGNORECASE)
BACI_VERSION = re.compile(r"_V(\d{6}[a-z]?)", re.IGNORECASE)
HIVE_YEAR = re.compile(r"^(t|year)=(\d{4})$")
#: BACI's columns: year, exporter, importer, product, value (thousands of USD), quantity (tons).
BACI_COLUMNS = {"t": "year", "i": "exporter", "j": "importer", "k": "product", "v": "value", "q": "quantity"}
REQUIRED = ["t", "i", "j", "k", "v"]
# BACI right-aligns q and writes NA for missing; the float parser skips leading blanks but a
# padded "   NA" must be listed as a null literal.
_CSV_NULLS = ["", "NA"] + [" " * w + "NA" for w in range(1, 25)]
_CSV_BLOCK = 4 << 20  # 4 MB: ~100 parallel parse blocks per BACI year instead of ~400 of 1 MB
#: What a damaged or unreadable file raises inside pyarrow, zipfile and zlib: turned into one
#: clear error naming the file (_read_error).
_READ_ERRORS = (pa.ArrowException, OSError, zipfile.BadZipFile, EOFError, zlib.error, UnicodeError,
                NotImplementedError, RuntimeError)  # zipfile: an unknown method, an encrypted member


@dataclass(frozen=True)
class Part:
    """One piece of a release: a CSV file (plain or .gz), a CSV inside a .zip, or a Parquet
    file / hive partition. `year`: the one year it holds (from its name or partition), or None
    when it may hold several (rows are then filtered by year)."""
    kind: str          # "csv", "zip" or "parquet"
    path: str
    member: str = None  # the CSV inside a .zip
    year: int = None
    name: str = ""     # for messages: the file name (and the .zip's)
    baci: bool = False  # a BACI-named file: 6-digit product codes


@dataclass(frozen=True)
class Request:
    """What one computation needs from a year: quantities or not, and the rows it will look at
    (None: all): products (prefixes in the flows' classification after the lazy steps) and
    countries (rows where the exporter is in `exporters` OR the importer in `importers`), and
    steps (e.g. a conversion to SITC) applied to each year as read."""
    quantity: bool = False
    products: tuple = None
    exporters: tuple = None
    importers: tuple = None
    steps: tuple = ()   # ("convert", {...}) steps applied to each year after the source's own


_CSV_TYPES = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.dictionary(pa.int32(), pa.string()),
              "v": pa.float64(), "q": pa.float64()}  # k as text: its leading zeros and width kept


def _read_error(part, err):
    """A read failure as one clear error naming the file and, for CSV, the line where it can."""
    what = {"csv": "a readable CSV file with BACI's columns t,i,j,k,v[,q]",
            "zip": "a readable BACI .zip member (CSV with columns t,i,j,k,v[,q])",
            "parquet": "a readable Parquet file with BACI's columns t,i,j,k,v[,q]"}[part.kind]
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    where = _csv_line(part, text) if part.kind in ("csv", "zip") else ""
    if "truncated" in text.lower() or isinstance(err, EOFError):
        text = f"a truncated or damaged compressed file ({text})"
    fail(f"file {part.name}", what, f"{type(err).__name__}: {text}{where}")


_BAD_ROW = re.compile(r"Expected \d+ columns, got \d+: (.*)$")
_BAD_VALUE = re.compile(r"In CSV column #(\d+): .*invalid value '(.*)'$")


def _csv_line(part, message):
    """' at line N' for an Arrow CSV error naming a row's text or a column's invalid value,
    found by reading the file again as text (an error path only); '' when it cannot be said."""
    bad_row, bad_value = _BAD_ROW.search(message), _BAD_VALUE.search(message)
    if not (bad_row or bad_value):
        return ""
    try:
        opener = zipfile.ZipFile(part.path).open(part.member) if part.kind == "zip" else pa.input_stream(part.path)
        with opener as fh:
            lines = fh.read().decode("utf-8", "replace").splitlines()
    except _READ_ERRORS:
        return ""
    for n, line in enumerate(lines[1:], 2):
        if (bad_row and line.strip() == bad_row.group(1).strip()) or \
                (bad_value and (lambda f: len(f) > int(bad_value.group(1)) and f[int(bad_value.group(1))].strip()
                                == bad_value.group(2).strip())(line.split(","))):
            return f" at line {n}"
    return ""


def _csv_table(part, columns):
    read = pacsv.ReadOptions(block_size=_CSV_BLOCK)
    convert = pacsv.ConvertOptions(column_types=_CSV_TYPES, null_values=_CSV_NULLS,
                                   strings_can_be_null=False, include_columns=columns,
                                   include_missing_columns=False)
    if part.kind == "zip":
        with zipfile.ZipFile(part.path) as zf, zf.open(part.member) as fh:
            return pacsv.read_csv(fh, read_options=read, convert_options=convert)
    return pacsv.read_csv(part.path, read_options=read, convert_options=convert)


def _schema(part):
    """The columns of a part and their types (reads the Parquet schema, or the start of a CSV
    with the types the reader will use)."""
    try:
        if part.kind == "parquet":
            return ds.dataset(part.path, format="parquet").schema
        opts = pacsv.ReadOptions(block_size=1 << 16)
        convert = pacsv.ConvertOptions(column_types=_CSV_TYPES, null_values=_CSV_NULLS, strings_can_be_null=False)
        if part.kind == "zip":
            with zipfile.ZipFile(part.path) as zf, zf.open(part.member) as fh:
                return pacsv.open_csv(fh, read_options=opts, convert_options=convert).schema
        return pacsv.open_csv(part.path, read_options=opts, convert_options=convert).schema
    except _READ_ERRORS as err:
        _read_error(part, err)


def _one_year(part):
    """Does every row group of a Parquet part say (by its statistics) that `t` is the part's
    year? Then `t` need not be decoded; otherwise it is read and every row checked."""
    try:
        for fragment in ds.dataset(part.path, format="parquet").get_fragments():
            meta = fragment.metadata
            col = meta.schema.names.index("t")
            for g in range(meta.num_row_groups):
                stats = meta.row_group(g).column(col).statistics
                if stats is None or not stats.has_min_max or stats.min != part.year or stats.max != part.year:
                    return False
    except _READ_ERRORS:
        return False
    return True


def _text_quantity(col):
    """A q column stored as text (padded, NA for missing), e.g. in a user's Parquet: float64."""
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        text = pc.utf8_trim_whitespace(col)
        missing = pc.or_(pc.equal(text, "NA"), pc.equal(text, ""))
        return pc.if_else(missing, pa.scalar(None, pa.string()), text).cast(pa.float64())
    return col


class LazyFlows:
    """Flows not read yet: the yearly partitions of a BACI release plus the steps to apply to
    each year once read (``select``, ``convert``, ``aggregate_products``, each returning a new
    LazyFlows). Every index function accepts it and reads one year at a time; ``collect()``
    reads the asked years into one :class:`TradeFlows`.

    Examples
    --------
    >>> import tradeindex
    >>> from importlib import resources
    >>> path = resources.files("tradeindex") / "data" / "comtrade_sample_hs4_1989_1990.csv.gz"
    >>> lazy = tradeindex.scan_baci(path, hs="HS92")
    >>> lazy.years
    [1989, 1990]
    >>> len(lazy.select(products="84").collect(years=1990)) > 0
    True
    """

    def __init__(self, parts, hs=None, *, steps=(), duplicates="error", notes=(), path=None, source=None):
        self.parts = dict(sorted(parts.items()))   # {year: [Part, ...]}
        self.hs, self.steps, self.duplicates = hs, tuple(steps), duplicates
        self.notes, self.path = tuple(notes), path
        self.source = source or _describe(self.parts, hs)

    @property
    def years(self):
        """The years of the release (from file names, partitions or Parquet statistics)."""
        return list(self.parts)

    def __repr__(self):
        ys = self.years
        span = f"{ys[0]}-{ys[-1]} ({len(ys)} years)" if len(ys) > 1 else (str(ys[0]) if ys else "no year")
        files = len({(p.path, p.member) for ps in self.parts.values() for p in ps})
        steps = "".join(f".{name}({', '.join(f'{k}={v!r}' for k, v in kw.items())})" for name, kw in self.steps)
        return f"<LazyFlows {span}, {files} file(s){', ' + self.hs if self.hs else ''}{steps}>"

    # -- lazy steps, applied to every year once read ---------------------------------------------
    def _then(self, name, **kwargs):
        return LazyFlows(self.parts, self.hs, steps=self.steps + ((name, kwargs),),
                         duplicates=self.duplicates, notes=self.notes, path=self.path, source=self.source)

    def select(self, *, years=None, exporters=None, importers=None, products=None):
        """Lazy :meth:`TradeFlows.select`: `years` limits the partitions read; the rest is
        applied to each year (and pushed down to the reader)."""
        lazy = self
        if years is not None:
            ys = [years] if np.isscalar(years) else list(years)
            for y in ys:
                check_year("years", y, self.years)
            lazy = LazyFlows({y: self.parts[y] for y in ys}, self.hs, steps=self.steps,
                             duplicates=self.duplicates, notes=self.notes, path=self.path, source=self.source)
        if exporters is None and importers is None and products is None:
            return lazy
        return lazy._then("select", exporters=exporters, importers=importers, products=products)

    def convert(self, to="sitc3", *, digits=3, hs=None, unmapped="drop"):
        """Lazy :meth:`TradeFlows.convert`, applied to each year as it is read."""
        concordance(hs or self.hs)  # an unknown revision fails now, not in the middle of a run
        return self._then("convert", to=to, digits=digits, hs=hs, unmapped=unmapped)

    def aggregate_products(self, digits):
        """Lazy :meth:`TradeFlows.aggregate_products`, applied to each year as it is read."""
        return self._then("aggregate_products", digits=digits)

    @property
    def classification(self):
        """The product classification the steps lead to ("HS" or "SITC3")."""
        return "SITC3" if any(name == "convert" for name, _ in self.steps) else "HS"

    # -- reading ---------------------------------------------------------------------------------
    def collect(self, years=None, *, quantity=True, progress=False):
        """Read `years` (default all) into one TradeFlows, the lazy steps applied."""
        years = self.years if years is None else ([years] if np.isscalar(years) else list(years))
        for y in years:
            check_year("years", y, self.years)
        return self._load(years, Request(quantity=quantity), progress=progress)

    def _load(self, years, request=Request(), progress=False):
        """The flows of `years` (a list of years of the release) with the steps applied; the
        request's rows and columns pushed down to the reader."""
        products = self._raw_products(request)
        builder, tables = None, []
        groups = {}
        for y in years:
            for part in self.parts[y]:
                groups.setdefault(part, []).append(y)
        items = list(groups.items())
        if progress:
            from ._progress import progress_bar
            items = progress_bar(items, "reading", labels=[p.name for p, _ in items])
        for part, ys in items:
            tables.append((part, self._read(part, ys, request, products)))
        n = sum(t.num_rows for _, t in tables)
        builder = _Builder(n, quantity=request.quantity, hs=self.hs, duplicates=self.duplicates,
                           product_width=6 if all(p.baci for p, _ in tables) and tables else None)
        while tables:  # each table is released once copied: the year is held once, not twice
            part, table = tables.pop(0)
            year = part.year if part.year is not None and "year" not in table.column_names else None
            kind = "csv" if part.kind in ("csv", "zip") else "parquet"
            batches = table.to_batches()
            del table
            for i in range(len(batches)):
                builder.add(batches[i], year=year, name=part.name, kind=kind)
                batches[i] = None
        flows = builder.finish()
        flows.notes, flows.source = flows.notes + self.notes, self.source
        return prepare(flows, self.steps + tuple(request.steps), request.products)

    def _raw_products(self, request):
        """("prefix", HS prefixes) or ("exact", HS codes) of the rows a request's products can
        come from, for an Arrow filter; None when nothing can be pushed down. SITC codes become
        the HS codes the conversion maps to them (exact: a conversion is a function of the code)."""
        if request.products is None:
            return None
        steps = self.steps + tuple(request.steps)
        convert = [kw for name, kw in steps if name == "convert"]
        final = "SITC3" if convert else "HS"
        prefixes, exact = [], []
        for cls, spec in product_specs(request.products):
            cls = cls or final
            if cls == "HS":
                prefixes += expand_product_spec(spec, "HS")
            elif convert:
                wanted = tuple(expand_product_spec(spec, "SITC3"))
                exact += [h for h, c in concordance(convert[0]["hs"] or self.hs).items() if c.startswith(wanted)]
            else:
                return None  # SITC codes on HS flows: prepare() raises the clear error
        if exact:
            return ("exact", sorted(set(exact) | {h for h in concordance(convert[0]["hs"] or self.hs)
                                                   if h.startswith(tuple(prefixes))}))
        return ("prefix", sorted(set(prefixes)))

    def _read(self, part, years, request, products):
        """One part as an Arrow table with BACI's columns renamed to the flows' names, filtered
        to `years` (when the part may hold others), the countries and products of the request."""
        schema = _schema(part)
        names = schema.names
        check_columns(f"file {part.name}", names, REQUIRED if part.year is None or "t" in names else REQUIRED[1:])
        skip_t = part.kind == "parquet" and part.year is not None and "t" in names and _one_year(part)
        columns = [c for c in ("t", "i", "j", "k", "v") if c in names and not (c == "t" and skip_t)]
        columns += ["q"] if request.quantity and "q" in names else []
        expr = _filter(part, years, request, products, schema)
        try:
            if part.kind == "parquet":  # a text k read as its dictionary: no string materialised
                text_k = [] if pa.types.is_integer(schema.field("k").type) else ["k"]
                fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=text_k))
                table = ds.dataset(part.path, format=fmt).to_table(columns=columns, filter=expr)
            else:
                table = _csv_table(part, columns)
                if expr is not None:
                    table = table.filter(expr)
        except _READ_ERRORS as err:
            _read_error(part, err)
        if table.num_rows == 0 and expr is None:
            fail(f"file {part.name}", "BACI flows (at least one data row)", "no data rows (a header only)")
        if part.year is not None and "t" in table.column_names and table.num_rows:
            lo, hi = (v.as_py() for v in pc.min_max(table["t"]).values())
            if lo != part.year or hi != part.year:
                fail(f"file {part.name}", f"rows of {part.year}, the year its name (or partition) says",
                     f"years {lo}-{hi}" if lo != hi else f"year {lo}")
        if "q" in table.column_names:
            table = table.set_column(table.column_names.index("q"), "q", _text_quantity(table["q"]))
        elif request.quantity:
            table = table.append_column("q", pa.nulls(table.num_rows, pa.float64()))
        return table.rename_columns([BACI_COLUMNS[c] for c in table.column_names])

    def to_parquet(self, folder, *, progress=False):
        """Write the release as a hive-partitioned Parquet dataset (``folder/t=YEAR/part-0.parquet``),
        one year at a time (bounded memory), the lazy steps applied; returns a LazyFlows over it.
        Parquet reads several times faster than CSV: convert a release once for repeated work."""
        from ._years import run
        folder = Path(folder)

        def write(flows, years):
            year = years[0]
            out = folder / f"t={year}"
            out.mkdir(parents=True, exist_ok=True)
            table = pa.table({"i": flows.countries.code[flows.exporter].astype(np.int32),
                              "j": flows.countries.code[flows.importer].astype(np.int32),
                              "k": pa.array(flows.products.code[flows.product].astype(str)),
                              "v": flows.value, "q": pa.array(flows.quantity, from_pandas=True)})
            tmp = out / "part-0.parquet.tmp"
            pq.write_table(table, tmp)
            tmp.replace(out / "part-0.parquet")
            return year

        run(self, write, request=Request(quantity=True), progress=progress, label="writing")
        return scan_baci(folder, hs=self.hs)


def _describe(parts, hs):
    """The source in words, for charts and reports: "CEPII BACI HS17 V202401" for BACI-named
    files, else "trade flows (FILE)"."""
    names = [p.name for ps in parts.values() for p in ps]
    versions = sorted({m.group(1) for n in names for m in [BACI_VERSION.search(n)] if m and BACI_NAME.search(n)})
    if versions:
        return " ".join(x for x in ("CEPII BACI", hs, "V" + "/".join(versions)) if x)
    return f"trade flows ({', '.join(sorted({n.split('/')[0] for n in names})[:3])})" if names else None


def prepare(flows, steps=(), products=None):
    """One year (or window) of flows as a computation sees them: `steps` applied in order
    (select, convert, aggregate_products) and the products selected. A product spec in HS
    ("hs:84-90") on flows converted by a step is applied before the conversion (exact); on
    flows that came converted it is translated through the concordance (approximate, with a
    note). Unprefixed specs are in the classification after the steps."""
    specs = product_specs(products) if products is not None else []
    final = "SITC3" if flows.products.classification == "SITC3" or any(n == "convert" for n, _ in steps) else "HS"
    early = [s for c, s in specs if c == "HS" and final == "SITC3"]
    late = [f"{c.lower()}:{s}" if c else s for c, s in specs if not (c == "HS" and final == "SITC3")]
    if early and flows.products.classification == "HS":
        flows, early = flows.select(products=early), []
    for name, kwargs in steps:
        flows = getattr(flows, name)(**kwargs)
    if early:
        codes, note = translate_hs_products(early, flows.hs, max(len(c) for c in flows.products.code))
        warnings.warn(note, UserWarning, stacklevel=3)
        present = set(flows.products.code)
        keep = [f"sitc3:{c}" for c in codes if c in present]
        if not keep:
            fail("products", "HS codes whose SITC Rev.3 counterparts are in these flows", note)
        late += keep
        flows.notes = flows.notes + (note,)
    if late:
        flows = flows.select(products=late)
    return flows


def _filter(part, years, request, products, schema):
    """The Arrow filter of a part's rows: its years (when it may hold others), the request's
    countries, the product codes (when their type allows it; the selection is applied again
    after reading in any case)."""
    terms = []
    if part.year is None and "t" in schema.names:
        terms.append(ds.field("t").isin(years))
    if request.exporters is not None or request.importers is not None:
        either = [ds.field(c).isin(country_codes(keys, param).tolist())
                  for c, keys, param in (("i", request.exporters, "exporters"), ("j", request.importers, "importers"))
                  if keys is not None]
        terms.append(either[0] if len(either) == 1 else either[0] | either[1])
    if products is not None:
        k_type = schema.field("k").type
        k_type = k_type.value_type if pa.types.is_dictionary(k_type) else k_type
        if _is_text_type(k_type) or (part.baci and pa.types.is_integer(k_type)):
            terms.append(_product_filter(pa.types.is_integer(k_type), *products))
    expr = None
    for t in terms:
        expr = t if expr is None else expr & t
    return expr


def _is_text_type(t):
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _product_filter(as_int, mode, codes):
    """k in the exact 6-digit `codes`, or k starting with one of the prefixes `codes` (integer
    k: 6-digit codes whose leading zeros were lost, so a prefix is a range)."""
    k = ds.field("k") if as_int else ds.field("k").cast(pa.string())  # a dictionary-encoded k decoded
    if mode == "exact":
        return k.isin([int(c) for c in codes]) if as_int else k.isin(list(codes) + [c.lstrip("0") for c in codes])
    terms = []
    for p in codes:
        if as_int:  # 6-digit codes: a prefix is a range
            lo = int(p.ljust(6, "0"))
            terms.append((k >= lo) & (k <= int(p.ljust(6, "9"))))
        else:
            terms.append(pc.starts_with(k, p))
    expr = terms[0]
    for t in terms[1:]:
        expr = expr | t
    return expr


# -- finding the parts of a release ------------------------------------------------------------------
def _is_data(p):
    return p.suffix == ".parquet" or p.name.endswith((".csv", ".csv.gz"))


def _code_table(name):
    return re.search(r"(country|product)_codes", name, re.IGNORECASE) is not None


def _baci_parts(files, kind_of):
    """{year: [Part]} of BACI-named files; the same year twice is an error naming both."""
    parts, seen = {}, {}
    for f, path, member in files:
        m = BACI_NAME.search(f)
        year = int(m.group(2))
        if year in seen:
            fail("path", "one data file per year (BACI's data files are taken by name)",
                 f"year {year} twice: {seen[year]} and {f}; remove one (a CSV and its Parquet copy "
                 "hold the same flows: reading both would double every value)")
        seen[year] = f
        parts[year] = [Part(kind_of(f), str(path), member, year, f, baci=True)]
    return parts


def _scanned_parts(kind, path, name):
    """{year: [Part]} of one file whose name says no year: the years of its `t` column (Parquet
    statistics when they settle it, else a pass over the column)."""
    part = Part(kind, str(path), None, None, name)
    check_columns(f"file {name}", _schema(part).names, REQUIRED)
    try:
        if kind == "parquet":
            years = _parquet_years(path)
        else:
            t = _csv_table(part, ["t"])["t"]
            years = pc.unique(t).to_pylist()
    except _READ_ERRORS as err:
        _read_error(part, err)
    if not years:
        fail(f"file {name}", "BACI flows (at least one data row)", "no data rows (a header only)")
    return {int(y): [part] for y in years if y is not None}


def _parquet_years(path):
    meta = pq.ParquetFile(path).metadata
    col = meta.schema.names.index("t")
    years = set()
    for g in range(meta.num_row_groups):
        stats = meta.row_group(g).column(col).statistics
        if stats is not None and stats.has_min_max and stats.min == stats.max:
            years.add(stats.min)
        else:  # a row group with several years (or no statistics): read its years
            t = pq.ParquetFile(path).read_row_group(g, columns=["t"])["t"]
            years.update(pc.unique(t).to_pylist())
    return sorted(y for y in years if y is not None)


def _folder_parts(path, notes):
    files = sorted(p for p in path.iterdir() if p.is_file() and _is_data(p) and not p.name.startswith("."))
    baci = [p for p in files if BACI_NAME.search(p.name)]
    if baci:
        ignored = [p.name for p in files if p not in baci and not _code_table(p.name)]
        if ignored:
            notes.append(f"scan_baci: files without a BACI data name left out of {path.name}: {', '.join(ignored)}")
        return _baci_parts([(p.name, p, None) for p in baci],
                           lambda f: "parquet" if f.endswith(".parquet") else "csv")
    hive = sorted(p for p in path.iterdir() if p.is_dir() and HIVE_YEAR.match(p.name))
    if hive:
        return {int(HIVE_YEAR.match(d.name).group(2)): [Part("parquet", str(d), None, int(HIVE_YEAR.match(d.name).group(2)),
                                                            f"{path.name}/{d.name}")]
                for d in hive}
    data = [p for p in files if not _code_table(p.name)]
    if not data:
        fail("path", "a folder of BACI data files (CSV, .csv.gz, Parquet) or a hive-partitioned dataset",
             f"none in {str(path)!r}")
    parts = {}
    for p in data:
        for year, ps in _scanned_parts("parquet" if p.suffix == ".parquet" else "csv", p, p.name).items():
            parts.setdefault(year, []).extend(ps)
    return parts


def _zip_parts(path):
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except _READ_ERRORS as err:
        fail(f"file {path.name}", "a readable .zip archive (the official BACI release)", f"{type(err).__name__}: {err}")
    data = [n for n in names if BACI_NAME.search(n) and n.endswith(".csv")]
    if not data:
        fail(f"file {path.name}", "a BACI release .zip holding BACI_HSxx_Yyyyy_Vxxxxxx.csv files",
             f"no such member (members: {', '.join(names[:6])}{' ...' if len(names) > 6 else ''})")
    return _baci_parts([(n, path, n) for n in data], lambda f: "zip")


def scan_baci(path, *, hs=None, duplicates="error"):
    """A BACI release (or any flows in BACI's columns), lazily: nothing is read but the file
    names, Parquet statistics and headers.

    Parameters
    ----------
    path : the official BACI .zip, a folder (an unzipped release: yearly
        ``BACI_HSxx_Yyyyy_Vxxxxxx.csv`` files beside ``country_codes_*.csv``,
        ``product_codes_*.csv`` and ``Readme.txt``, or yearly Parquet files, or a
        hive-partitioned Parquet dataset ``t=2017/...``), or one CSV / .csv.gz / Parquet file
        with one or many years. Columns ``t`` (year), ``i`` (exporter), ``j`` (importer), ``k``
        (product), ``v`` (value, thousands of USD), optionally ``q`` (quantity, tons).
    hs : the HS revision of the codes ("HS92", "HS17", ...) when the file names do not say it.
    duplicates : "error" (default) or "sum", as in :meth:`TradeFlows.from_arrays`.

    Data files are taken by name in a release (code tables and read-me files are not flows;
    other data files beside BACI's are left out, with a note); the same year twice (a CSV and
    its Parquet copy) is an error naming both files. Files of several HS revisions cannot be
    mixed.

    Returns
    -------
    LazyFlows: pass it to any index function or the report (one year in memory at a time), or
    ``.collect(years)`` into TradeFlows.

    Examples
    --------
    >>> import tradeindex
    >>> from importlib import resources
    >>> lazy = tradeindex.scan_baci(resources.files("tradeindex") / "data" / "comtrade_sample_hs4_1989_1990.csv.gz")
    >>> lazy.years, len(lazy.collect(1989))
    ([1989, 1990], 105081)
    """
    if not isinstance(path, (str, Path)) and not hasattr(path, "__fspath__"):
        return _merge([scan_baci(p, hs=hs, duplicates=duplicates) for p in path], hs, duplicates)
    path = Path(path)
    if not path.exists():
        fail("path", "an existing BACI file, .zip or directory", repr(str(path)), FileNotFoundError)
    notes = []
    if path.is_dir():
        parts = _folder_parts(path, notes)
    elif path.suffix.lower() == ".zip":
        parts = _zip_parts(path)
    elif BACI_NAME.search(path.name):
        parts = _baci_parts([(path.name, path, None)], lambda f: "parquet" if f.endswith(".parquet") else "csv")
    else:
        parts = _scanned_parts("parquet" if path.suffix == ".parquet" else "csv", path, path.name)
    revisions = {BACI_NAME.search(p.name).group(1).upper() for ps in parts.values() for p in ps
                 if BACI_NAME.search(p.name)}
    if len(revisions) > 1 or (hs and revisions and hs.upper() not in revisions):
        fail("path", "files of one HS revision (do not mix BACI vintages or revisions)",
             f"{sorted(revisions | ({hs.upper()} if hs else set()))}")
    hs = (hs or (next(iter(revisions)) if revisions else None))
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    return LazyFlows(parts, hs.upper() if hs else None, duplicates=duplicates, notes=notes, path=str(path))


def read_baci(path, *, years=None, hs=None, duplicates="error", quantity=True, progress=False):
    """Read BACI flows into memory: :func:`scan_baci` then ``collect(years)``.

    `path` is a yearly CSV (plain or .gz), the official BACI .zip, a Parquet file, a folder or
    a hive-partitioned dataset (see :func:`scan_baci`); a list of such paths is read as one.
    BACI quirks handled: ``q`` as padded text with ``NA`` (missing -> NaN); ``k`` with or
    without leading zeros (restored to 6 digits in BACI-named files, else to an even width). The
    HS revision is taken from `hs` or from BACI file names (``BACI_HS92_Y2021_V202401.csv`` ->
    "HS92") and kept as ``flows.hs``. `years` reads only those years (other files are never
    opened); `quantity=False` skips the ``q`` column. For a whole release prefer
    :func:`scan_baci`, which every index function reads one year at a time.

    Examples
    --------
    >>> import tradeindex
    >>> from importlib import resources
    >>> f = tradeindex.read_baci(resources.files("tradeindex") / "data" / "comtrade_sample_hs4_1989_1990.csv.gz")
    >>> len(f), f.years
    (229585, [1989, 1990])
    """
    lazy = scan_baci(path, hs=hs, duplicates=duplicates)
    if years is not None:
        wanted = [years] if np.isscalar(years) else [int(y) for y in years]
        if not set(wanted) & set(lazy.years):
            fail("path", "BACI files for the years asked", f"none in {path!r} for years {sorted(wanted)} "
                 f"(years there: {lazy.years})", FileNotFoundError)
        years = [y for y in wanted if y in lazy.parts]
    return lazy.collect(years, quantity=quantity, progress=progress)


def _merge(scans, hs, duplicates):
    parts = {}
    for s in scans:
        for y, ps in s.parts.items():
            parts.setdefault(y, []).extend(ps)
    revisions = {s.hs for s in scans if s.hs}
    if len(revisions) > 1:
        fail("path", "files of one HS revision (do not mix BACI vintages or revisions)", f"{sorted(revisions)}")
    return LazyFlows(parts, hs or (revisions.pop() if revisions else None), duplicates=duplicates,
                     notes=tuple(n for s in scans for n in s.notes))


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
        flows = read_baci(p, hs="HS92")
    flows.source = "UN Comtrade sample (R package zerotradeflow), 1989-1990"
    return flows

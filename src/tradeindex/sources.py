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
from __future__ import annotations

import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ._frames import read_frame
from ._progress import progress_bar
from ._validation import (AGGREGATE_NUMERIC, COMTRADE_AREAS, check_amounts, check_annual, check_choice,
                          check_columns, check_hs_records, check_no_nulls, check_unique_records, check_year,
                          check_years, fail)
from .codes import concordance, country_codes, expand_product_spec, product_specs, translate_hs_products
from .flows import _Builder, _numbers, _revision

if TYPE_CHECKING:
    import numpy.typing as npt

    from ._typing import Countries, PathLike, Products, Years
    from ._years import Window
    from .flows import Duplicates, TradeFlows

#: A lazy step: the name of a TradeFlows method (select, convert, aggregate_products) and its
#: keyword arguments.
Step: TypeAlias = "tuple[str, dict[str, Any]]"

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
    member: str | None = None  # the CSV inside a .zip
    year: int | None = None
    name: str = ""     # for messages: the file name (and the .zip's)
    baci: bool = False  # a BACI-named file: 6-digit product codes


@dataclass(frozen=True)
class Request:
    """What one computation needs from a year: quantities or not, and the rows it will look at
    (None: all): products (prefixes in the flows' classification after the lazy steps) and
    countries (rows where the exporter is in `exporters` OR the importer in `importers`), and
    steps (e.g. a conversion to SITC) applied to each year as read."""
    quantity: bool = False
    products: Products | None = None
    exporters: tuple[int, ...] | None = None
    importers: tuple[int, ...] | None = None
    steps: tuple[Step, ...] = ()   # ("convert", {...}) steps applied to each year after the source's own


_CSV_TYPES = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.dictionary(pa.int32(), pa.string()),
              "v": pa.float64(), "q": pa.float64()}  # k as text: its leading zeros and width kept


def _read_error(part: Part, err: BaseException) -> NoReturn:
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


def _csv_line(part: Part, message: str) -> str:
    """' at line N' for an Arrow CSV error naming a row's text or a column's invalid value,
    found by reading the file again as text (an error path only); '' when it cannot be said."""
    bad_row, bad_value = _BAD_ROW.search(message), _BAD_VALUE.search(message)
    if not (bad_row or bad_value):
        return ""
    try:
        opener = (zipfile.ZipFile(part.path).open(part.member)  # type: ignore[arg-type]  # a zip part has a member
                  if part.kind == "zip" else pa.input_stream(part.path))
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


def _csv_table(part: Part, columns: list[str]) -> pa.Table:
    read = pacsv.ReadOptions(block_size=_CSV_BLOCK)
    convert = pacsv.ConvertOptions(column_types=_CSV_TYPES, null_values=_CSV_NULLS,
                                   strings_can_be_null=False, include_columns=columns,
                                   include_missing_columns=False)
    if part.kind == "zip":
        with zipfile.ZipFile(part.path) as zf, zf.open(part.member) as fh:  # type: ignore[arg-type]  # its member
            return pacsv.read_csv(fh, read_options=read, convert_options=convert)
    return pacsv.read_csv(part.path, read_options=read, convert_options=convert)


def _schema(part: Part) -> pa.Schema:
    """The columns of a part and their types (reads the Parquet schema, or the start of a CSV
    with the types the reader will use)."""
    try:
        if part.kind == "parquet":
            return ds.dataset(part.path, format="parquet").schema
        opts = pacsv.ReadOptions(block_size=1 << 16)
        convert = pacsv.ConvertOptions(column_types=_CSV_TYPES, null_values=_CSV_NULLS, strings_can_be_null=False)
        if part.kind == "zip":
            with zipfile.ZipFile(part.path) as zf, zf.open(part.member) as fh:  # type: ignore[arg-type]  # its member
                return pacsv.open_csv(fh, read_options=opts, convert_options=convert).schema
        return pacsv.open_csv(part.path, read_options=opts, convert_options=convert).schema
    except _READ_ERRORS as err:
        _read_error(part, err)


def _raw_batches(part: Part, schema: pa.Schema, columns: list[str],
                 expr: ds.Expression | None) -> Iterator[pa.RecordBatch]:
    """Record batches of a part's `columns` passing `expr` (see LazyFlows._batches)."""
    if part.kind == "parquet":
        # a text k read as its dictionary (no string materialised); streamed with little read-
        # ahead and no pre-buffering: a few row groups in memory at a time, not the file
        text_k = [] if pa.types.is_integer(schema.field("k").type) else ["k"]
        fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=text_k),
                                   default_fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=False))
        yield from ds.dataset(part.path, format=fmt).to_batches(
            columns=columns, filter=expr, batch_size=1 << 17, batch_readahead=1, fragment_readahead=1)
        return
    table = _csv_table(part, columns)
    if expr is not None:
        table = table.filter(expr)
    batches = table.to_batches()
    del table
    for i in range(len(batches)):  # each block released once handed over
        batch, batches[i] = batches[i], None
        yield batch


def _baci_batch(part: Part, batch: pa.RecordBatch, request: Request) -> pa.RecordBatch:
    """One batch checked against its file's year, q parsed when stored as text (or nulls when
    asked for and absent), columns renamed to the flows' names."""
    names = batch.schema.names
    if part.year is not None and "t" in names and batch.num_rows:
        lo, hi = (v.as_py() for v in pc.min_max(batch.column("t")).values())
        if lo != part.year or hi != part.year:
            fail(f"file {part.name}", f"rows of {part.year}, the year its name (or partition) says",
                 f"years {lo}-{hi}" if lo != hi else f"year {lo}")
    arrays = [batch.column(c) for c in names]
    if "q" in names:
        arrays[names.index("q")] = _text_quantity(batch.column("q"))
    elif request.quantity:
        arrays.append(pa.nulls(batch.num_rows, pa.float64()))
        names = names + ["q"]
    return pa.RecordBatch.from_arrays(arrays, names=[BACI_COLUMNS[c] for c in names])


def _capacity(part: Part) -> int:
    """An upper bound on the rows of a part: Parquet metadata, a .zip member's size or a file's
    size over the shortest BACI row (20 bytes: "2001,4,8,010121,0.1\n"); a .gz file's stored
    length. The builder grows when a guess is short."""
    try:
        if part.kind == "parquet":
            return sum(f.metadata.num_rows for f in ds.dataset(part.path, format="parquet").get_fragments())
        if part.kind == "zip":
            with zipfile.ZipFile(part.path) as zf:
                return zf.getinfo(part.member).file_size // 20 + 1  # type: ignore[arg-type]  # a zip part's member
        size = os.path.getsize(part.path)
        if part.path.endswith(".gz"):
            with open(part.path, "rb") as fh:  # gzip's trailer: the uncompressed size mod 2**32
                fh.seek(-4, os.SEEK_END)
                size = max(size * 4, int.from_bytes(fh.read(4), "little"))
        return size // 20 + 1
    except (OSError, *_READ_ERRORS):
        return 0


def _one_year(part: Part) -> bool:
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


def _text_quantity(col: pa.Array) -> pa.Array:
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

    def __init__(self, parts: Mapping[int, list[Part]], hs: str | None = None, *, steps: Iterable[Step] = (),
                 duplicates: Duplicates = "error", notes: Iterable[str] = (), path: str | None = None,
                 source: str | None = None) -> None:
        self.parts = dict(sorted(parts.items()))   # {year: [Part, ...]}
        self.hs, self.steps, self.duplicates = hs, tuple(steps), duplicates
        self.notes, self.path = tuple(notes), path
        self.source = source or _describe(self.parts, hs)

    @property
    def years(self) -> list[int]:
        """The years of the release (from file names, partitions or Parquet statistics)."""
        return list(self.parts)

    def __repr__(self) -> str:
        ys = self.years
        span = f"{ys[0]}-{ys[-1]} ({len(ys)} years)" if len(ys) > 1 else (str(ys[0]) if ys else "no year")
        files = len({(p.path, p.member) for ps in self.parts.values() for p in ps})
        steps = "".join(f".{name}({', '.join(f'{k}={v!r}' for k, v in kw.items())})" for name, kw in self.steps)
        return f"<LazyFlows {span}, {files} file(s){', ' + self.hs if self.hs else ''}{steps}>"

    # -- lazy steps, applied to every year once read ---------------------------------------------
    def _then(self, name: str, **kwargs: Any) -> LazyFlows:
        return LazyFlows(self.parts, self.hs, steps=self.steps + ((name, kwargs),),
                         duplicates=self.duplicates, notes=self.notes, path=self.path, source=self.source)

    def select(self, *, years: Years = None, exporters: Countries | None = None, importers: Countries | None = None,
               products: Products | None = None) -> LazyFlows:
        """Lazy :meth:`TradeFlows.select`: `years` limits the partitions read; the rest is
        applied to each year (and pushed down to the reader)."""
        lazy = self
        if years is not None:
            # np.isscalar: one year (a narrowing mypy does not see)
            ys: list[int] = [years] if np.isscalar(years) else list(years)  # type: ignore[list-item, arg-type]
            for y in ys:
                check_year("years", y, self.years)
            lazy = LazyFlows({y: self.parts[y] for y in ys}, self.hs, steps=self.steps,
                             duplicates=self.duplicates, notes=self.notes, path=self.path, source=self.source)
        if exporters is None and importers is None and products is None:
            return lazy
        return lazy._then("select", exporters=exporters, importers=importers, products=products)

    def convert(self, to: str = "sitc3", *, digits: int = 3, hs: str | None = None,
                unmapped: Literal["drop", "error"] = "drop") -> LazyFlows:
        """Lazy :meth:`TradeFlows.convert`, applied to each year as it is read."""
        concordance(hs or self.hs)  # type: ignore[arg-type]  # an unknown (or no) revision fails now, not mid-run
        return self._then("convert", to=to, digits=digits, hs=hs, unmapped=unmapped)

    def aggregate_products(self, digits: int) -> LazyFlows:
        """Lazy :meth:`TradeFlows.aggregate_products`, applied to each year as it is read."""
        return self._then("aggregate_products", digits=digits)

    @property
    def classification(self) -> str:
        """The product classification the steps lead to ("HS" or "SITC3")."""
        return "SITC3" if any(name == "convert" for name, _ in self.steps) else "HS"

    # -- reading ---------------------------------------------------------------------------------
    def collect(self, years: Years = None, *, quantity: bool = True, progress: bool = False) -> TradeFlows:
        """Read `years` (default all) into one TradeFlows, the lazy steps applied.
        `quantity=False` leaves out the ``q`` column: value-based indices do not use it, and a
        BACI year reads and converts about a quarter faster without it."""
        # np.isscalar: one year (a narrowing mypy does not see)
        years = self.years if years is None else (
            [years] if np.isscalar(years) else list(years))  # type: ignore[list-item, arg-type]
        for y in years:
            check_year("years", y, self.years)
        return self._load(years, Request(quantity=quantity), progress=progress)

    def _load(self, years: Sequence[int], request: Request = Request(), progress: bool = False,
              push_products: bool = True) -> TradeFlows:
        """The flows of `years` (a list of years of the release) with the steps applied; the
        request's rows and columns pushed down to the reader."""
        products = self._raw_products(request) if push_products else None
        groups: dict[Part, list[int]] = {}
        for y in years:
            for part in self.parts[y]:
                groups.setdefault(part, []).append(y)
        items = list(groups.items())
        # room for every row the parts can hold: an upper bound costs nothing (pages never
        # written are never resident) and lets each part's table go before the next is read
        builder = _Builder(sum(_capacity(part) for part, _ in items), quantity=request.quantity, hs=self.hs,
                           duplicates=self.duplicates,
                           product_width=6 if items and all(p.baci for p, _ in items) else None)
        reading: Iterable[tuple[Part, list[int]]] = items
        if progress:
            reading = progress_bar(items, "reading", labels=[p.name for p, _ in items])
        for part, ys in reading:
            kind = "csv" if part.kind in ("csv", "zip") else "parquet"
            for batch in self._batches(part, ys, request, products):  # each released once copied
                year = part.year if part.year is not None and "year" not in batch.schema.names else None
                builder.add(batch, year=year, name=part.name, kind=kind)
        flows = builder.finish()
        flows.notes, flows.source = flows.notes + self.notes, self.source
        try:
            return prepare(flows, self.steps + tuple(request.steps), request.products)
        except ValueError:
            if products is None:
                raise
        # only the rows of the products asked were read: the error is raised from the whole
        # year, whose message then counts the codes there (e.g. a product absent that year)
        return self._load(years, request, progress, push_products=False)

    def _raw_products(self, request: Request) -> tuple[str, list[str]] | None:
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
                table = concordance(convert[0].get("hs") or self.hs)  # type: ignore[arg-type]  # None: its clear error
                exact += [h for h, c in table.items() if c.startswith(wanted)]
            else:
                return None  # SITC codes on HS flows: prepare() raises the clear error
        if exact:
            table = concordance(convert[0].get("hs") or self.hs)  # type: ignore[arg-type]  # None: its clear error
            return ("exact", sorted(set(exact) | {h for h in table if h.startswith(tuple(prefixes))}))
        return ("prefix", sorted(set(prefixes)))

    def _batches(self, part: Part, years: Sequence[int], request: Request,
                 products: tuple[str, list[str]] | None) -> Iterator[pa.RecordBatch]:
        """The rows of one part as Arrow record batches with BACI's columns renamed to the
        flows' names, filtered to `years` (when the part may hold others), the countries and
        products of the request. Parquet is streamed (a few row groups in memory at a time);
        a CSV is parsed whole, in parallel, and handed over block by block."""
        schema = _schema(part)
        names = schema.names
        check_columns(f"file {part.name}", names, REQUIRED if part.year is None or "t" in names else REQUIRED[1:])
        skip_t = part.kind == "parquet" and part.year is not None and "t" in names and _one_year(part)
        columns = [c for c in ("t", "i", "j", "k", "v") if c in names and not (c == "t" and skip_t)]
        columns += ["q"] if request.quantity and "q" in names else []
        expr = _filter(part, years, request, products, schema)
        rows = 0
        try:
            for batch in _raw_batches(part, schema, columns, expr):
                rows += batch.num_rows
                yield _baci_batch(part, batch, request)
        except _READ_ERRORS as err:
            _read_error(part, err)
        if rows == 0 and expr is None:
            fail(f"file {part.name}", "BACI flows (at least one data row)", "no data rows (a header only)")

    def to_parquet(self, folder: PathLike, *, progress: bool = False) -> LazyFlows:
        """Write the release as a hive-partitioned Parquet dataset (``folder/t=YEAR/part-0.parquet``),
        one year at a time (bounded memory), the lazy steps applied; returns a LazyFlows over it.
        Parquet reads several times faster than CSV: convert a release once for repeated work."""
        from ._years import run
        folder = Path(folder)

        def write(flows: TradeFlows, years: Window) -> int | None:

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

        run(self, write, years=self.years, request=Request(quantity=True), progress=progress, label="writing")
        return scan_baci(folder, hs=self.hs)


def _describe(parts: Mapping[int, list[Part]], hs: str | None) -> str | None:
    """The source in words, for charts and reports: "CEPII BACI HS17 V202401" for BACI-named
    files, else "trade flows (FILE)"."""
    names = [p.name for ps in parts.values() for p in ps]
    versions = sorted({m.group(1) for n in names for m in [BACI_VERSION.search(n)] if m and BACI_NAME.search(n)})
    if versions:
        return " ".join(x for x in ("CEPII BACI", hs, "V" + "/".join(versions)) if x)
    return f"trade flows ({', '.join(sorted({n.split('/')[0] for n in names})[:3])})" if names else None


def prepare(flows: TradeFlows, steps: Iterable[Step] = (), products: Products | None = None) -> TradeFlows:
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
        codes, note = translate_hs_products(early, flows.hs,  # type: ignore[arg-type]  # None: concordance's error
                                            max(len(c) for c in flows.products.code))
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


def _filter(part: Part, years: Sequence[int], request: Request, products: tuple[str, list[str]] | None,
            schema: pa.Schema) -> ds.Expression | None:
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


def _is_text_type(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _product_filter(as_int: bool, mode: str, codes: list[str]) -> ds.Expression:
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
def _is_data(p: Path) -> bool:
    return p.suffix == ".parquet" or p.name.endswith((".csv", ".csv.gz"))


def _code_table(name: str) -> bool:
    return re.search(r"(country|product)_codes", name, re.IGNORECASE) is not None


def _baci_parts(files: Iterable[tuple[str, Path, str | None]], kind_of: Callable[[str], str]) -> dict[int, list[Part]]:
    """{year: [Part]} of BACI-named files; the same year twice is an error naming both."""
    parts: dict[int, list[Part]] = {}
    seen: dict[int, str] = {}
    for f, path, member in files:
        m = BACI_NAME.search(f)
        year = int(m.group(2))  # type: ignore[union-attr]  # BACI-named files only
        if year in seen:
            fail("path", "one data file per year (BACI's data files are taken by name)",
                 f"year {year} twice: {seen[year]} and {f}; remove one (a CSV and its Parquet copy "
                 "hold the same flows: reading both would double every value)")
        seen[year] = f
        parts[year] = [Part(kind_of(f), str(path), member, year, f, baci=True)]
    return parts


def _scanned_parts(kind: str, path: Path, name: str) -> dict[int, list[Part]]:
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


def _parquet_years(path: Path) -> list[int]:
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


def _folder_parts(path: Path, notes: list[str]) -> dict[int, list[Part]]:
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
        # (hive holds the names that match: [union-attr] for re.match's None)
        return {int(HIVE_YEAR.match(d.name).group(2)): [  # type: ignore[union-attr]  # (above)
                    Part("parquet", str(d), None, int(HIVE_YEAR.match(d.name).group(2)),  # type: ignore[union-attr]
                         f"{path.name}/{d.name}")]
                for d in hive}
    data = [p for p in files if not _code_table(p.name)]
    if not data:
        fail("path", "a folder of BACI data files (CSV, .csv.gz, Parquet) or a hive-partitioned dataset",
             f"none in {str(path)!r}")
    parts: dict[int, list[Part]] = {}
    for p in data:
        for year, ps in _scanned_parts("parquet" if p.suffix == ".parquet" else "csv", p, p.name).items():
            parts.setdefault(year, []).extend(ps)
    return parts


def _zip_parts(path: Path) -> dict[int, list[Part]]:
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


def scan_baci(path: PathLike | Sequence[PathLike], *, hs: str | None = None,
              duplicates: Duplicates = "error") -> LazyFlows:
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
    hs = _revision(hs)
    if isinstance(path, (list, tuple)) and path:
        return _merge([scan_baci(p, hs=hs, duplicates=duplicates) for p in path], hs, duplicates)
    if not isinstance(path, (str, Path)) and not hasattr(path, "__fspath__"):
        fail("path", "a file or folder (text or a path), or a non-empty list of them", repr(path), TypeError)
    path = Path(path)  # type: ignore[arg-type]  # one path (a list was merged above)
    if not path.exists():
        fail("path", "an existing BACI file, .zip or directory", repr(str(path)), FileNotFoundError)
    notes: list[str] = []
    if path.is_dir():
        parts = _folder_parts(path, notes)
    elif path.suffix.lower() == ".zip":
        parts = _zip_parts(path)
    elif BACI_NAME.search(path.name):
        parts = _baci_parts([(path.name, path, None)], lambda f: "parquet" if f.endswith(".parquet") else "csv")
    else:
        parts = _scanned_parts("parquet" if path.suffix == ".parquet" else "csv", path, path.name)
    revisions = {BACI_NAME.search(p.name).group(1).upper()  # type: ignore[union-attr]  # the names that match
                 for ps in parts.values() for p in ps if BACI_NAME.search(p.name)}
    if len(revisions) > 1 or (hs and revisions and hs not in revisions):
        fail("path", "files of one HS revision (do not mix BACI vintages or revisions)",
             f"{sorted(revisions | ({hs} if hs else set()))}")
    hs = (hs or (next(iter(revisions)) if revisions else None))
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    return LazyFlows(parts, hs, duplicates=duplicates, notes=notes, path=str(path))


def read_baci(path: PathLike | Sequence[PathLike], *, years: Years = None, hs: str | None = None,
              duplicates: Duplicates = "error", quantity: bool = True, progress: bool = False) -> TradeFlows:
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
        years = check_years("years", years, lazy.years)[0]
    return lazy.collect(years, quantity=quantity, progress=progress)


def _merge(scans: Sequence[LazyFlows], hs: str | None, duplicates: Duplicates) -> LazyFlows:
    parts: dict[int, list[Part]] = {}
    for s in scans:
        for y, ps in s.parts.items():
            parts.setdefault(y, []).extend(ps)
    revisions = {s.hs for s in scans if s.hs}
    if len(revisions) > 1:
        fail("path", "files of one HS revision (do not mix BACI vintages or revisions)", f"{sorted(revisions)}")
    return LazyFlows(parts, hs or (revisions.pop() if revisions else None), duplicates=duplicates,
                     notes=tuple(n for s in scans for n in s.notes))


def sample_path() -> Path:
    """The path of the bundled sample's CSV (``comtrade_sample_hs4_1989_1990.csv.gz``), to read
    it lazily: ``scan_baci(sample_path(), hs="HS92")``."""
    return Path(str(resources.files("tradeindex").joinpath("data", "comtrade_sample_hs4_1989_1990.csv.gz")))


def sample() -> TradeFlows:
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



# -- UN Comtrade -----------------------------------------------------------------------------------

#: The columns of UN Comtrade records (the frames of comtradeapicall's getFinalData /
#: previewFinalData, Comtrade+ bulk files and downloads): field -> column.
COMTRADE_COLUMNS = {"reporter": "reporterCode", "partner": "partnerCode", "product": "cmdCode",
                    "flow": "flowCode"}
COMTRADE_OPTIONAL = {"ref_year": "refYear", "period": "period", "freq": "freqCode",
                     "classification": "classificationCode", "level": "aggrLevel",
                     "partner2": "partner2Code", "customs": "customsCode", "mot": "motCode"}
#: The breakdown codes of a flow's total record: no second partner, all customs procedures, all
#: modes of transport. A record with other codes is a part of that total.
COMTRADE_TOTAL = (("partner2", 0), ("customs", "C00"), ("mot", 0))
_KEY = ["year", "reporter", "partner", "flow", "product"]


def from_comtrade(data: object, *, flows: Literal["exports", "imports", "mirror"] = "exports",
                  re_exports: Literal["include", "exclude"] = "include", value: str = "primaryValue",
                  quantity: str | None = "netWgt", hs: str | None = None,
                  value_unit: Literal["USD", "1000 USD"] = "USD", duplicates: Duplicates = "error") -> TradeFlows:
    """Flows from UN Comtrade records: the frames comtradeapicall's ``getFinalData`` /
    ``previewFinalData`` return (any frame :meth:`TradeFlows.from_frame` takes) or Comtrade bulk
    files and downloads (a path, or a list of paths: comma- or tab-separated text, plain or .gz).

    Columns read (UN Comtrade API, https://comtradeapi.un.org, as comtradeapicall returns them:
    ``pandas.json_normalize`` of the API's records): ``refYear`` (or ``period``), ``reporterCode``,
    ``partnerCode``, ``cmdCode``, ``flowCode``, the value (``primaryValue``: FOB for exports, CIF
    for imports; or ``fobvalue`` / ``cifvalue``), and when present ``netWgt`` (kg), ``freqCode``,
    ``classificationCode``, ``aggrLevel``, ``partner2Code``, ``customsCode``, ``motCode``.

    Parameters
    ----------
    flows : which records make the flows exporter -> importer, product by product:

        - ``"exports"``: the X records; exporter = reporter, importer = partner.
        - ``"imports"``: the M records; exporter = partner, importer = reporter (an import
          record is reported by the importer: its partner is the exporter).
        - ``"mirror"``: each exporter's own X records in a year where it reported exports, else
          (an exporter that reported none that year) its partners' M records of imports from it.
          Mirror exports are valued CIF (freight and insurance included: typically a few per
          cent above the FOB value of the same goods) and are not adjusted.
    re_exports : UN Comtrade's X and M are totals that include re-exports and re-imports; the
        RX and RM records say how much of them ("of which"). ``"include"`` (default, as BACI):
        flows are the X (M) totals; RX/RM records are left out, never added (that would count
        them twice). ``"exclude"``: re-exports are taken out, X - RX (imports M - RM) per
        (year, reporter, partner, commodity); a flow with nothing left is left out.
    value : the value column: ``"primaryValue"`` (default), ``"fobvalue"`` or ``"cifvalue"``.
    quantity : the quantity column, read when present (default ``"netWgt"``, kg; ``"qty"`` is
        in the commodity's own unit); None for none. Negative quantities (-1 for unknown in
        some files) become missing.
    hs : the HS revision; default from ``classificationCode`` (H0 -> HS92 ... H6 -> HS22).
    value_unit : ``"USD"`` (default: as UN Comtrade reports) or ``"1000 USD"`` (divided by
        1,000: BACI's unit). Values are never rescaled otherwise.
    duplicates : "error" (default) or "sum": two records of one flow with the same breakdown.

    Rules, each reported in ``flows.notes`` and a warning with its count and share of the
    value of all records read (never dropped silently):

    - World (partner 0) and other areas that are not countries (899 Areas, nes; 837 Bunkers;
      838 Free Zones; 839 Special Categories; the regional "nes" codes; 97 EU: the codes of
      ``tradeindex._validation.AGGREGATE_NUMERIC`` and ``COMTRADE_AREAS``), as partner or
      reporter: left out.
    - A reporter trading with itself (re-imports of its own goods): left out.
    - Aggregate commodity codes (``TOTAL``, and 2- or 4-digit headings where finer codes are
      present: ``aggrLevel``, else the code's length): left out, they sum the detailed codes.
    - Breakdowns by second partner, customs procedure and mode of transport: the record of the
      total (partner2Code 0, customsCode C00, motCode 0) is the flow and its breakdown records
      are left out; where a flow has no total record, the records of its most aggregate
      breakdown are summed into one flow (rows with a total in an earlier dimension win).
    - Flow codes other than X, M, RX, RM (DX domestic exports, FM foreign imports, processing
      flows ...) are parts of X and M: left out.
    - Values stay in US dollars unless ``value_unit="1000 USD"``; monthly records are an error.

    References
    ----------
    UN Statistics Division, UN Comtrade API and "Trade flows in UN Comtrade"
    (https://uncomtrade.org/docs/trade-flows-in-un-comtrade); the comtradeapicall package
    (https://github.com/uncomtrade/comtradeapicall, PreviewGet.py).

    Examples
    --------
    >>> import pandas as pd, tradeindex
    >>> records = pd.DataFrame({"refYear": 2022, "reporterCode": [32, 32, 76],
    ...                         "partnerCode": [76, 0, 32], "flowCode": ["X", "X", "M"],
    ...                         "cmdCode": "0101", "primaryValue": [10.0, 10.0, 11.0]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     tradeindex.from_comtrade(records).to_arrow().to_pydict()["value"]
    [10.0]
    """
    check_choice("flows", flows, ("exports", "imports", "mirror"))
    check_choice("re_exports", re_exports, ("include", "exclude"))
    check_choice("value_unit", value_unit, ("USD", "1000 USD"))
    check_choice("duplicates", duplicates, ("error", "sum"))
    table, names = _comtrade_records(data, value, quantity)
    hs, notes = _comtrade_hs(table, hs)
    report = _Report(table, notes)
    table = _comtrade_rules(table, report, duplicates)
    flows_table = _comtrade_flows(table, flows, re_exports, report)
    if value_unit == "1000 USD":
        flows_table = flows_table.set_column(flows_table.column_names.index("value"), "value",
                                             pc.divide(flows_table["value"], 1000.0))
    report.units(names, value_unit)
    flows_table = flows_table.sort_by([(c, "ascending") for c in ("year", "exporter", "importer", "product")])
    builder = _Builder(max(flows_table.num_rows, 1), quantity="quantity" in flows_table.column_names, hs=hs)
    builder.add(flows_table)
    out = builder.finish()
    out.notes = out.notes + tuple(report.notes)
    if report.warn:
        warnings.warn("\n".join(report.warn), UserWarning, stacklevel=2)
    return out


def _comtrade_flows(table: pa.Table, flows: str, re_exports: str, report: _Report) -> pa.Table:
    """The flows (year, exporter, importer, product, value[, quantity]) that the records of the
    flow codes asked for make; the other records reported."""
    by_flow = {code: table.filter(pc.equal(table["flow"], code)) for code in ("X", "M", "RX", "RM")}
    report.other_flows(table)
    used = {"exports": ("X",), "imports": ("M",), "mirror": ("X", "M")}[flows]
    for code in ("X", "M"):
        if code not in used:
            report.left_out(by_flow[code], None, code, f"not used with flows={flows!r}")
    for code, sub in (("X", "RX"), ("M", "RM")):
        if re_exports == "exclude" and code in used:
            by_flow[code] = report.net(by_flow[code], by_flow[sub], sub)
        else:
            report.left_out(by_flow[sub], None, sub, "re-exports and re-imports are part of the X and "
                            "M totals (UN Comtrade); adding them would count them twice"
                            + ("" if code not in used else "; re_exports='exclude' takes them out"))
    exports = _oriented(by_flow["X"], "reporter", "partner")
    imports = _oriented(by_flow["M"], "partner", "reporter")
    return exports if flows == "exports" else imports if flows == "imports" else report.mirror(exports, imports)


def _comtrade_records(data: Any, value: str, quantity: str | None) -> tuple[pa.Table, dict[str, str]]:
    """The records' columns as one Arrow table (fields: year, reporter, partner, product, flow,
    value, [quantity], [partner2, customs, mot, level, classification]) checked for missing
    codes, bad values and monthly frequency; and {field: column name} for messages."""
    columns = {**COMTRADE_COLUMNS, "value": value}
    optional = dict(COMTRADE_OPTIONAL, **({"quantity": quantity} if quantity else {}))
    if isinstance(data, (str, os.PathLike)) or (isinstance(data, (list, tuple)) and data
                                                 and all(isinstance(d, (str, os.PathLike)) for d in data)):
        data = _comtrade_files([data] if isinstance(data, (str, os.PathLike)) else data,
                               list(columns.values()) + list(optional.values()))
    table = read_frame(data, columns, optional=optional, param="data")
    names = {**columns, **{f: c for f, c in optional.items() if f in table.column_names}}
    if "ref_year" not in table.column_names and "period" not in table.column_names:
        check_columns("data", list(names.values()), ["refYear (or period)"])
    for field in ("reporter", "partner", "product", "flow", "ref_year" if "ref_year" in names else "period"):
        if table[field].null_count:
            check_no_nulls(names[field], np.flatnonzero(pc.is_null(table[field]).to_numpy(zero_copy_only=False)))
    values = _numbers(names["value"], table["value"])
    check_amounts(names["value"], values)
    cols = {"year": _years(table, names), "reporter": _codes(names["reporter"], table["reporter"]),
            "partner": _codes(names["partner"], table["partner"]), "product": _products(table),
            "flow": pc.utf8_upper(pc.utf8_trim_whitespace(table["flow"].cast(pa.string()))),
            "value": pa.array(values)}
    if "quantity" in names:
        q = _numbers(names["quantity"], table["quantity"])
        cols["quantity"] = pa.array(q, mask=np.isnan(q) | (q < 0))
        cols["_negative"] = pa.array(q < 0)
    for field, default in COMTRADE_TOTAL:
        if field in names:
            col = table[field].cast(pa.string()) if isinstance(default, str) else _codes(names[field], table[field])
            cols[field] = col
    for field in ("level", "classification"):
        if field in names:
            cols[field] = table[field]
    return pa.table(cols), names


def _comtrade_files(paths: Sequence[PathLike], wanted: list[str]) -> pa.Table:
    """Comtrade bulk files / downloads (comma- or tab-separated, plain or .gz) as one table of
    the `wanted` columns they have, codes read as text where UN Comtrade has letters."""
    tables = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            fail("data", "a UN Comtrade file (CSV or tab-separated text, plain or .gz) or a frame of its records",
                 repr(str(path)), FileNotFoundError)
        try:
            with pa.input_stream(str(path), compression="detect") as fh:
                header = fh.read(1 << 16).decode("utf-8", "replace").lstrip("\ufeff").splitlines()[0]
            delimiter = "\t" if "\t" in header else ","
            present = [c for c in wanted if c in [h.strip().strip('"') for h in header.split(delimiter)]]
            text = {c: pa.string() for c in ("cmdCode", "flowCode", "customsCode", "period", "freqCode",
                                              "classificationCode") if c in present}
            tables.append(pacsv.read_csv(str(path), read_options=pacsv.ReadOptions(block_size=_CSV_BLOCK),
                                         parse_options=pacsv.ParseOptions(delimiter=delimiter),
                                         convert_options=pacsv.ConvertOptions(column_types=text,
                                                                              include_columns=present)))
        except (pa.ArrowInvalid, OSError, EOFError, IndexError) as err:
            fail(f"file {path.name}", "a readable UN Comtrade file (comma- or tab-separated with a header)",
                 f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else 'empty'}")
    return pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]


def _codes(param: str, col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Numeric UN Comtrade codes as int64 (text of digits accepted)."""
    try:
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        return col.cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        fail(param, "numeric UN Comtrade codes", f"a column of type {col.type} ({str(err).splitlines()[0]})", TypeError)


def _years(table: pa.Table, names: Mapping[str, str]) -> pa.ChunkedArray:
    """The year of each record: refYear, else the period (YYYY); monthly records are an error."""
    if "freq" in names:
        freq = pc.utf8_upper(table["freq"].cast(pa.string()))
        other = pc.value_counts(freq.filter(pc.not_equal(freq, "A")))
        check_annual(names["freq"], ", ".join(f"{v['counts']} records of frequency {v['values']!r}"
                                              for v in other.to_pylist()))
    if "ref_year" in names:
        return _codes(names["ref_year"], table["ref_year"]).cast(pa.int32())
    period = table["period"].cast(pa.string())
    monthly = pc.sum(pc.greater(pc.utf8_length(period), 4)).as_py() or 0
    check_annual(names["period"], f"{monthly} records with a monthly period (YYYYMM)" if monthly else "")
    return _codes(names["period"], period).cast(pa.int32())


def _products(table: pa.Table) -> pa.ChunkedArray:
    """cmdCode as text; integer codes (leading zeros lost, e.g. read by pandas) get them back:
    an odd number of digits gains a leading zero (HS codes have 2, 4 or 6)."""
    col = table["product"]
    if not (pa.types.is_integer(col.type) or (pa.types.is_dictionary(col.type)
                                              and pa.types.is_integer(col.type.value_type))):
        return pc.utf8_trim_whitespace(col.cast(pa.string()))
    text = col.cast(pa.string())
    odd = pc.equal(pc.bit_wise_and(pc.utf8_length(text), 1), 1)
    return pc.if_else(odd, pc.binary_join_element_wise("0", text, ""), text)


def _comtrade_hs(table: pa.Table, hs: str | None) -> tuple[str | None, list[str]]:
    """The HS revision: `hs`, else the one classificationCode of the records; (hs, notes)."""
    if "classification" not in table.column_names:
        return hs, []
    codes = pc.unique(table["classification"].cast(pa.string()).drop_null()).to_pylist()
    check_hs_records("classificationCode", codes)
    if hs is not None or len(codes) <= 1:
        return hs or (_revision(codes[0]) if codes else None), []
    counts = {v["values"]: v["counts"] for v in pc.value_counts(table["classification"].cast(pa.string())).to_pylist()}
    return None, [f"from_comtrade: records in {len(codes)} HS revisions ("
                  + ", ".join(f"{c}: {n:,}" for c, n in sorted(counts.items()) if c) + "), as reported: codes of "
                  "different revisions are not strictly comparable; query one revision (clCode='H5' ...) for HS6 work"]


def _comtrade_rules(table: pa.Table, report: _Report, duplicates: Duplicates) -> pa.Table:
    """The records that can be flows: areas, self-trade and aggregate commodities left out, one
    record per (year, reporter, flow, partner, commodity) left from the breakdowns."""
    if "_negative" in table.column_names:
        report.count(table["_negative"], "negative quantities (unknown) read as missing")
        table = table.drop_columns(["_negative"])
    world = pc.or_(pc.equal(table["reporter"], 0), pc.equal(table["partner"], 0))
    table = report.left_out(table, world, "World (0) partner or reporter",
                            "totals over partners: each is the sum of the reporter's other records")
    areas = {**AGGREGATE_NUMERIC, **COMTRADE_AREAS}
    codes = pa.array([c for c in areas if c], pa.int64())
    other = pc.or_(pc.is_in(table["reporter"], codes), pc.is_in(table["partner"], codes))
    found = sorted(set(table.filter(other)["partner"].to_pylist()) | set(table.filter(other)["reporter"].to_pylist()))
    table = report.left_out(table, other, "area (not a country) partner or reporter",
                            ", ".join(f"{c} {areas[c]}" for c in found if c in areas))
    table = report.left_out(table, pc.equal(table["reporter"], table["partner"]), "self-trade",
                            "partner = reporter (re-imports of its own goods)")
    table = report.left_out(table, _aggregate_commodities(table), "aggregate commodity",
                            "TOTAL and headings coarser than the finest codes present; they sum the detailed codes")
    return _one_per_flow(table, report, duplicates)


def _aggregate_commodities(table: pa.Table) -> pa.ChunkedArray:
    """Records at a coarser commodity level than the finest present (aggrLevel, else the
    number of digits; TOTAL and other non-digit codes are level 0)."""
    if "level" in table.column_names:
        level = _codes("aggrLevel", table["level"]).fill_null(0)
    else:
        digits = pc.match_substring_regex(table["product"], r"^\d+$")
        level = pc.if_else(digits, pc.utf8_length(table["product"]).cast(pa.int64()), 0)
    finest = pc.max(level).as_py() or 0
    return pc.less(level, finest)


def _one_per_flow(table: pa.Table, report: _Report, duplicates: Duplicates) -> pa.Table:
    """One record per (year, reporter, flow, partner, product): a record's breakdown rank is
    4 * (partner2Code not 0) + 2 * (customsCode not C00) + (motCode not 0); in each flow the
    records of the lowest rank are kept (summed), the others (parts of them) left out. One sort
    by (flow key, rank); the result comes in key order."""
    rank = np.zeros(table.num_rows, np.int8)
    for bit, (field, total) in zip((4, 2, 1), COMTRADE_TOTAL):
        if field in table.column_names:
            part = pc.fill_null(pc.not_equal(table[field], total), False)
            rank += bit * part.to_numpy(zero_copy_only=False).astype(np.int8)
    key = np.zeros(table.num_rows, np.int64)
    for field in _KEY:  # a dense composite key: each field's distinct values numbered
        ids = table[field].combine_chunks().dictionary_encode()
        key = key * len(ids.dictionary) + ids.indices.to_numpy(zero_copy_only=False)
    order = np.lexsort((rank, key))
    key, rank = key[order], rank[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    low = rank == np.repeat(rank[first], np.diff(np.r_[first, len(key)]))
    parts = table.take(order[~low])
    report.left_out(parts, None, "breakdown (partner2Code, customsCode, motCode)",
                    "parts of a flow whose total record is present")
    order, key, rank = order[low], key[low], rank[low]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    records = np.diff(np.r_[first, len(key)])
    out = table.select([c for c in _KEY if c in table.column_names]).take(order[first])
    for field in ("value", "quantity"):  # a flow's quantity is missing (NaN) when a part of it is
        if field in table.column_names:
            column = np.asarray(table[field].to_numpy(zero_copy_only=False), np.float64)[order]
            sums = np.add.reduceat(column, first) if len(first) else column
            out = out.append_column(field, pa.array(sums, mask=np.isnan(sums)))
    repeated = (records > 1) & (rank[first] == 0)
    if duplicates == "error" and repeated.any():
        row = {k: v[0] for k, v in out.select(_KEY).filter(pa.array(repeated)).slice(0, 1).to_pydict().items()}
        check_unique_records("data", int(repeated.sum()), ", ".join(f"{k} {v!r}" for k, v in row.items()))
    report.summed(out, records, repeated, "repeated total records summed (duplicates='sum')")
    report.summed(out, records, rank[first] > 0, "flows without a total record (partner2Code 0, customsCode C00, "
                  "motCode 0): the records of their most aggregate breakdown summed")
    return out


def _oriented(table: pa.Table, exporter: str, importer: str) -> pa.Table:
    """Records as flows: the reporter or the partner as exporter, the other as importer."""
    cols = {"year": table["year"], "exporter": table[exporter], "importer": table[importer],
            "product": table["product"], "value": table["value"]}
    if "quantity" in table.column_names:
        cols["quantity"] = table["quantity"]
    return pa.table(cols)


class _Report:
    """The notes of from_comtrade: what was left out or summed, with counts and value shares
    (of all records read); `warn` holds those a warning repeats."""

    def __init__(self, table: pa.Table, notes: Iterable[str]) -> None:
        self.total = float(pc.sum(table["value"]).as_py() or 0.0)
        self.n = table.num_rows
        self.notes, self.warn = list(notes), list(notes)

    def _share(self, value: float) -> str:
        return f"{100 * value / self.total:.3f}%" if self.total > 0 else "0%"

    def _add(self, note: str) -> None:
        self.notes.append("from_comtrade: " + note)
        self.warn.append("from_comtrade: " + note)

    def left_out(self, table: pa.Table, mask: pa.ChunkedArray | None, what: str, why: str) -> pa.Table:
        """`table` without the rows of `mask` (all rows when None), noted."""
        lost = table if mask is None else table.filter(mask)
        n = lost.num_rows
        if n:
            value = float(pc.sum(lost["value"]).as_py() or 0.0)
            self._add(f"{n:,} {what} records ({self._share(value)} of the value of the {self.n:,} records "
                      f"read) left out: {why}")
        return table if mask is None else table.filter(pc.invert(mask))

    def count(self, mask: pa.ChunkedArray, what: str) -> None:
        n = int(pc.sum(mask).as_py() or 0)
        if n:
            self._add(f"{n:,} {what}")

    def summed(self, flows: pa.Table, records: npt.NDArray[Any], mask: npt.NDArray[np.bool_], what: str) -> None:
        if mask.any():
            value = float(np.sum(flows["value"].to_numpy()[mask]))
            self._add(f"{int(mask.sum()):,} flows from {int(records[mask].sum()):,} records "
                      f"({self._share(value)} of the value read): {what}")

    def other_flows(self, table: pa.Table) -> None:
        other = table.filter(pc.invert(pc.is_in(table["flow"], pa.array(["X", "M", "RX", "RM"]))))
        codes = ", ".join(f"{v['values']} {v['counts']:,}" for v in pc.value_counts(other["flow"]).to_pylist())
        self.left_out(other, None, f"other flow code ({codes})",
                      "sub-flows of X and M (DX domestic exports, FM foreign imports, processing flows ...)")

    def net(self, total: pa.Table, re: pa.Table, code: str) -> pa.Table:
        """X - RX (M - RM) per (year, reporter, partner, product); flows left with nothing are
        left out, and so are RX records without an X record."""
        keys = ["year", "reporter", "partner", "product"]
        re = re.select(keys + [c for c in ("value", "quantity") if c in re.column_names])
        re = re.rename_columns([c if c in keys else c + "_re" for c in re.column_names])
        self.left_out(re.join(total, keys, join_type="left anti").rename_columns(
            [c.removesuffix("_re") for c in re.column_names]), None, f"{code} without a total record",
            f"{code} is a part of a total record that is not there")
        joined = total.drop_columns(["flow"]).join(re, keys, join_type="left outer")
        value = pc.subtract(joined["value"], pc.fill_null(joined["value_re"], 0.0))
        out = joined.set_column(joined.column_names.index("value"), "value", value)
        if "quantity" in out.column_names:
            q = pc.subtract(out["quantity"], pc.fill_null(out["quantity_re"], 0.0))
            out = out.set_column(out.column_names.index("quantity"), "quantity",
                                 pc.if_else(pc.less(q, 0.0), pa.scalar(None, pa.float64()), q))
        n_re = pc.sum(pc.is_valid(joined["value_re"])).as_py() or 0
        if n_re:
            self._add(f"re_exports='exclude': {code} taken out of {n_re:,} flows "
                      f"({self._share(float(pc.sum(joined['value_re']).as_py()))} of the value read)")
        out = out.drop_columns([c for c in out.column_names if c.endswith("_re")])
        return self.left_out(out, pc.less_equal(out["value"], 0.0), f"flows with nothing left after taking out {code}",
                             f"their {code} equals or exceeds the total")

    def mirror(self, exports: pa.Table, imports: pa.Table) -> pa.Table:
        """Each exporter-year's own X records where it reported exports, else its partners' M."""
        keys = ["year", "exporter"]
        reporting = exports.select(keys).group_by(keys).aggregate([])
        filled = imports.join(reporting, keys, join_type="left anti")
        unused = imports.num_rows - filled.num_rows
        filled_from = filled.select(keys).group_by(keys).aggregate([])
        self._add(f"flows='mirror': exports of {reporting.num_rows:,} exporter-years from their own X records; of "
                  f"{filled_from.num_rows:,} exporter-years that reported none, from their partners' M records "
                  f"({filled.num_rows:,} records, valued CIF: freight and insurance included, a few per cent above "
                  f"FOB, not adjusted); {unused:,} M records of reporting exporters not used")
        return pa.concat_tables([exports, filled.select(exports.column_names).cast(exports.schema)])

    def units(self, names: Mapping[str, str], value_unit: str) -> None:
        """Units: notes only (every record has them, nothing to warn about)."""
        scaled = "divided by 1,000 (thousands of USD, BACI's unit)" if value_unit == "1000 USD" else \
            "in US dollars as UN Comtrade reports them (BACI's are thousands of USD: value_unit='1000 USD')"
        self.notes.append(f"from_comtrade: values from {names['value']}, {scaled}")
        if "quantity" in names:
            unit = " (net weight, kg; BACI's q is tons)" if names["quantity"] == "netWgt" else ""
            self.notes.append(f"from_comtrade: quantities from {names['quantity']}{unit}")

"""TradeFlows: bilateral flows as columns of dense integer ids plus the code tables behind them.

Every way in (arrays, frames, files) goes through one builder, :class:`_Builder`: Arrow record
batches are checked, their codes marked and their columns copied by one compiled parallel pass
(``_ingest.scan``), then the codes become dense ids in place (``_ingest.remap``) and one more
pass checks the row order. Product recoding (HS6 -> HS4 -> HS2, HS -> SITC Rev.3) and the
summing of duplicated rows are one compiled aggregation (``_aggregate.recode``) over the flows
in (year, exporter, importer) bucket order, which BACI files already have.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ._validation import (_where, check_amounts, check_column_name, check_choice, check_digits,
                          check_duplicates, check_length, check_no_nulls, check_no_self_trade,
                          check_not_aggregate, check_one_year, check_unmapped, check_year, fail)
from . import _aggregate, _ingest
from .codes import CountryTable, ProductTable, concordance, hs_revision, pad_product_codes
from .config import effective_threads
from .kernels import _cell_totals, _runs, group_totals
from ._frames import open_frame
from .result import TradeMatrix, _axis_columns, _pandas

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

    from ._typing import Countries, F64Array, I32Array, I64Array, Products, Years
    from .kernels import Columns

#: What repeated (year, exporter, importer, product) rows are: an error, or parts of one flow.
Duplicates: TypeAlias = 'Literal["error", "sum"]'

COLUMNS = ("year", "exporter", "importer", "product", "value", "quantity")
#: Country x product sums are accumulated densely while the cells number at most
#: DENSE_CELLS_PER_FLOW per flow plus DENSE_CELLS_MIN; beyond, as a sparse matrix.
DENSE_CELLS_PER_FLOW, DENSE_CELLS_MIN = 4, 1 << 20
#: Integer codes in [0, SMALL_CODE) are their own keys in the ingestion pass; other codes (text,
#: negative or larger integers) get keys from SMALL_CODE up.
SMALL_CODE = 1 << 24
#: Bucket counting sorts (duplicates, recoding) while the (year, exporter, importer) buckets
#: number at most this many per flow plus a million; beyond (firm-level data), a comparison sort.
BUCKETS_PER_FLOW = 4


def empty(n: int, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """An uninitialised NumPy array from Arrow's memory pool: unlike NumPy's, whose large
    arrays are fresh pages from the OS every time (a page fault per 4 KB on first write), the
    pool keeps freed memory, so the columns of the next year read reuse the last year's."""
    dtype = np.dtype(dtype)
    return np.frombuffer(pa.allocate_buffer(max(int(n), 0) * dtype.itemsize), dtype=dtype)


def _arrow(param: str, x: Any) -> pa.Array | pa.ChunkedArray:
    """Any column-like (numpy, list, pandas Series, pyarrow (Chunked)Array) as pyarrow; chunks
    are kept (no concatenating copy)."""
    if isinstance(x, (pa.Array, pa.ChunkedArray)):
        return x
    if isinstance(x, (list, tuple)) and not len(x):
        return pa.array([], pa.int64())  # no rows: an empty column of any kind
    try:
        return pa.array(np.asarray(x) if isinstance(x, (list, tuple)) else x)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError) as err:
        found = type(x).__name__ + (f" of {x.dtype}" if hasattr(x, "dtype") else "")
        fail(param, "a one-dimensional column of codes or numbers", f"{found} ({err})", TypeError)


def _numbers(param: str, arr: pa.Array) -> F64Array:
    """float64 NumPy view of a numeric column (nulls -> NaN; a copy only when needed); other
    types: a TypeError naming the column."""
    if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) or pa.types.is_null(arr.type)):
        fail(param, "numeric (integer or float)", f"a column of type {arr.type}", TypeError)
    # uint64/int64 beyond 2**53 round to the nearest float64, as NumPy would cast them
    return np.ascontiguousarray(arr.cast(pa.float64(), safe=False).to_numpy(zero_copy_only=False))


def _revision(hs: str | None) -> str | None:
    """An HS revision by its canonical name ("H4" -> "HS12"), or None; an unknown one is an
    error naming hs."""
    return None if hs is None else hs_revision(hs)


def _kind(param: str, t: pa.DataType) -> str:
    """'number' or 'text' codes; anything else is a TypeError naming the column."""
    if _is_text(t):
        return "text"
    if pa.types.is_integer(t.value_type if pa.types.is_dictionary(t) else t):
        return "number"
    fail(param, "country or product codes (integers or text)", f"a column of type {t}", TypeError)


def _is_text(t: pa.DataType) -> bool:
    t = t.value_type if pa.types.is_dictionary(t) else t
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _int32(arr: pa.Array) -> I32Array:
    """An Arrow integer array as int32 NumPy (a view when it is int32 already)."""
    return np.ascontiguousarray(arr.cast(pa.int32()).to_numpy(zero_copy_only=False))


class _KeyMap:
    """Codes of one kind (countries: exporter and importer share one map; products) -> int32
    keys across all batches. Integer codes in [0, SMALL_CODE) are their own keys; other integers
    get keys from SMALL_CODE up; text codes get dense keys from 0 (a map holds one kind)."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.other: dict[int, int] = {}
        self.text = pa.array([], pa.string())  # text codes in key order
        self.last: tuple[pa.Array, I32Array] | None = None  # the last dictionary and its lookup

    def encode(self, param: str, arr: pa.Array, kind: str) -> tuple[I32Array, I32Array, int]:
        """(int32 codes or dictionary indices, lookup table from them to keys (empty: the codes
        are the keys), the largest key) of one Arrow array without nulls; no n-sized copy when
        the column is int32 or dictionary-encoded with int32 indices."""
        self.kind = kind
        if not len(arr):
            return np.zeros(0, np.int32), np.zeros(0, np.int32), -1
        if kind == "number" and not pa.types.is_dictionary(arr.type):
            lo, hi = (v.as_py() for v in pc.min_max(arr).values())
            if lo >= 0 and hi < SMALL_CODE:
                return _int32(arr), np.zeros(0, np.int32), hi
            enc = arr.dictionary_encode()
            lut = np.array([self._number_key(v) for v in enc.dictionary.to_pylist()], dtype=np.int32)
            return _int32(enc.indices), lut, int(lut.max())
        enc = arr if pa.types.is_dictionary(arr.type) else arr.dictionary_encode()
        if kind == "number":
            lut = np.array([self._number_key(v) for v in enc.dictionary.to_pylist()], dtype=np.int32)
            return _int32(enc.indices), lut, int(lut.max())
        if self.last is not None and enc.dictionary.equals(self.last[0]):
            lut_np = self.last[1]  # the batches of one Parquet row group share its dictionary
            return _int32(enc.indices), lut_np, int(lut_np.max()) if len(lut_np) else -1
        values = enc.dictionary.cast(pa.string())
        lut = pc.index_in(values, value_set=self.text)
        if lut.null_count:  # codes not seen before: append them, in order of first appearance
            new = pc.unique(values.filter(pc.is_null(lut)))
            self.text = pa.concat_arrays([self.text, new])
            lut = pc.index_in(values, value_set=self.text)
        lut_np = lut.to_numpy(zero_copy_only=False).astype(np.int32)
        self.last = (enc.dictionary, lut_np)  # keys are only ever appended: the lookup stays valid
        return _int32(enc.indices), lut_np, int(lut_np.max()) if len(lut_np) else -1

    def _number_key(self, code: int) -> int:
        if 0 <= code < SMALL_CODE:
            return code
        return SMALL_CODE + self.other.setdefault(code, len(self.other))

    def codes(self, keys: Iterable[int]) -> list[Any]:
        """The original code of each key."""
        if self.kind == "text":
            return self.text.take(pa.array(np.asarray(keys, dtype=np.int64))).to_pylist()
        back = list(self.other)
        return [int(k) if k < SMALL_CODE else back[k - SMALL_CODE] for k in keys]


class _Source:
    """Where rows of a build came from, for error messages: arrays (row numbers) or files."""

    def __init__(self) -> None:
        self.parts: list[tuple[int, str | None, str]] = []  # (first output row, file name or None, kind)

    def add(self, start: int, name: str | None, kind: str) -> None:
        if name is not None or not self.parts:
            self.parts.append((start, name, kind))

    def locate(self, row: int) -> str:
        starts = [p[0] for p in self.parts]
        start, name, kind = self.parts[max(int(np.searchsorted(starts, row, side="right")) - 1, 0)]
        if name is None:
            return f"row {row}"
        if kind == "csv":
            return f"line {row - start + 2} of {name}"  # 1-based, after the header line
        return f"row {row - start} of {name}"


class _Describe:
    """The context of one row in an error message ("year 1990, exporter 32, ...") and, through
    ``locate``, where the row is (a row number, or a file and line): used by _validation."""

    def __init__(self, builder: _Builder) -> None:
        self.builder = builder
        self.flows: TradeFlows | None = None

    def locate(self, row: int) -> str:
        return self.builder.source.locate(row)

    def __call__(self, row: int) -> str:
        b, f = self.builder, self.flows
        parts = []
        if b.years:
            year = b.year_col[row] if b.year_col is not None else min(b.years)
            parts.append(f"year {int(year)}")
        for c in ("exporter", "importer", "product"):
            key = int(b.cols[c][row])
            if f is None:
                code = (b.products if c == "product" else b.countries).codes([key])[0]
            elif c == "product":
                code = f.products.code[key]
            else:
                code = int(f.countries.code[key]) if f.countries.code[key] >= 0 else f.countries.label[key]
            parts.append(f"{c} {code!r}")
        return ", ".join(parts)


class _Builder:
    """Collects Arrow batches of flows into TradeFlows columns: one compiled pass per batch
    checks values, quantities and self-trade, marks the codes present and copies the columns;
    :meth:`finish` turns codes into dense ids, checks nulls, aggregates and duplicates, and builds
    the code tables. Every failing check is raised after all batches, with the first failing
    row (file and line for files) and the count, as the single-array checks do."""

    def __init__(self, n_rows: int, *, quantity: bool, hs: str | None = None, product_width: int | None = None,
                 duplicates: Duplicates = "error", n_threads: int | None = None) -> None:
        check_choice("duplicates", duplicates, ("error", "sum"))
        self.t = effective_threads(n_threads)
        self.n, self.hs, self.width, self.duplicates = 0, _revision(hs), product_width, duplicates
        self.cols = {"exporter": empty(n_rows, np.int32), "importer": empty(n_rows, np.int32),
                     "product": empty(n_rows, np.int32), "value": empty(n_rows, np.float64)}
        self.has_q = bool(quantity)
        self.cols["quantity"] = empty(n_rows, np.float64) if quantity else np.zeros(0)
        self.years: set[int] = set()
        self.year_col: I32Array | None = None
        self.countries, self.products = _KeyMap(), _KeyMap()
        self.seen_c = np.zeros((self.t, 1), np.uint8)
        self.seen_p = np.zeros((self.t, 1), np.uint8)
        self.bad = np.zeros((self.t, 3), np.int64)
        self.nulls: dict[str, list[npt.NDArray[np.intp]]] = {}
        self.source = _Source()
        self.describe = _Describe(self)

    def add(self, batch: pa.RecordBatch | pa.Table, *, year: object = None, name: str | None = None,
            kind: str = "arrays") -> None:
        """Add the rows of `batch` (pa.RecordBatch/Table with columns exporter, importer,
        product, value and optionally quantity, year) with `year` for all rows when it has no
        year column."""
        start, n = self.n, batch.num_rows
        if start + n > len(self.cols["value"]):
            self._grow(start + n)
        self.source.add(start, name, kind)
        cols = {c: (batch.column(c).combine_chunks() if isinstance(batch, pa.Table) else batch.column(c))
                for c in batch.schema.names}
        keys = {}
        kinds = {c: _kind(c, cols[c].type) for c in ("exporter", "importer", "product")}
        if kinds["exporter"] != kinds["importer"]:
            fail("importer", "codes of the same kind as exporter (both numeric or both text)",
                 f"exporter {cols['exporter'].type}, importer {cols['importer'].type}", TypeError)
        for c, m in (("exporter", self.countries), ("importer", self.countries), ("product", self.products)):
            if m.kind not in (None, kinds[c]):
                fail(c, f"codes of one kind in every file ({m.kind})", f"{kinds[c]} codes", TypeError)
            keys[c] = m.encode(c, self._no_nulls(c, cols[c], start), kinds[c])  # (codes, lut, max key)
        value = _numbers("value", self._no_nulls("value", cols["value"], start))
        qty = _numbers("quantity", cols["quantity"]) if "quantity" in cols and self.has_q else np.zeros(0)
        self._add_years(cols.get("year"), year, start, n)
        self._ensure_seen(keys)
        out = {c: a[start:start + n] for c, a in self.cols.items() if c != "quantity" or self.has_q}
        bad = np.zeros((self.t, 3), np.int64)
        (e, e_lut, _), (i, i_lut, _), (p, p_lut, _) = keys["exporter"], keys["importer"], keys["product"]
        _ingest.scan(e, i, p, e_lut, i_lut, p_lut, value, qty, self.seen_c, self.seen_p,
                     out["exporter"], out["importer"], out["product"], out["value"],
                     out.get("quantity", np.zeros(0)), bad, self.t)
        self.bad += bad
        self.n += n

    # -- pieces of add() ---------------------------------------------------------------------------
    def _grow(self, need: int) -> None:
        for c, a in self.cols.items():
            if c != "quantity" or self.has_q:
                bigger = empty(max(need, int(1.25 * len(a))), a.dtype)
                bigger[:self.n] = a[:self.n]
                self.cols[c] = bigger
        if self.year_col is not None:
            bigger = empty(len(self.cols["value"]), np.int32)
            bigger[:self.n] = self.year_col[:self.n]
            self.year_col = bigger

    def _no_nulls(self, param: str, arr: pa.Array, start: int) -> pa.Array:
        if arr.null_count:
            rows = np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False)) + start
            self.nulls.setdefault(param, []).append(rows)
            if pa.types.is_dictionary(arr.type):
                arr = arr.dictionary_decode()
            arr = arr.fill_null(pa.scalar("" if _is_text(arr.type) else 0, arr.type))
        return arr

    def _add_years(self, col: pa.Array | None, year: object, start: int, n: int) -> None:
        """Record the year of rows start..start+n: a column, or `year` for them all. No year
        column is kept while every row so far has one year."""
        if col is None:
            if year is None:
                return
            if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
                fail("year", "an integer year or a column of years", repr(year), TypeError)
            values, lo, hi = None, int(year), int(year)
        else:
            if not pa.types.is_integer(col.type):
                fail("year", "integer years", f"a column of type {col.type}", TypeError)
            if not n:
                return
            lo, hi = (v.as_py() for v in pc.min_max(col).values())  # nulls left out (raised later)
            if lo is None:
                lo = hi = 1
            values = col
        for bad in (lo,) * (lo < 1) + (hi,) * (hi > 9999):
            where = "" if values is None else f" at row {start + pc.index(values, bad).as_py()}"
            fail("year", "years from 1 to 9999", f"{bad}{where}")
        if values is not None:
            values = self._no_nulls("year", values, start).cast(pa.int32()).to_numpy(zero_copy_only=False)
        if self.year_col is None and lo == hi and not self.years - {lo}:
            self.years.add(lo)  # one year so far: no column needed
            return
        if self.year_col is None:
            self.year_col = empty(len(self.cols["value"]), np.int32)
            self.year_col[:start] = next(iter(self.years)) if self.years else 0
        self.year_col[start:start + n] = lo if values is None else values
        self.years.update([lo] if values is None else np.unique(values).tolist())

    def _ensure_seen(self, keys: Mapping[str, tuple[I32Array, I32Array, int]]) -> None:
        for name, seen, ks in (("seen_c", self.seen_c, (keys["exporter"], keys["importer"])),
                               ("seen_p", self.seen_p, (keys["product"],))):
            need = max([k[2] + 1 for k in ks] + [seen.shape[1]])
            if need > seen.shape[1]:
                bigger = np.zeros((self.t, need), np.uint8)
                bigger[:, :seen.shape[1]] = seen
                setattr(self, name, bigger)

    # -- finish --------------------------------------------------------------------------------
    def _raise_bad(self, cols: Mapping[str, npt.NDArray[Any]]) -> None:
        describe = self.describe
        for param, chunks in self.nulls.items():
            check_no_nulls(param, np.concatenate(chunks), describe)
        bad = self.bad.sum(axis=0)
        if bad[0]:
            check_amounts("value", cols["value"], describe)
        if bad[1]:
            check_amounts("quantity", cols["quantity"], describe, allow_nan=True)
        if bad[2]:
            check_no_self_trade(cols["exporter"], cols["importer"], describe)

    def _check_aggregates(self, codes: Sequence[Any], keys: npt.NDArray[np.intp]) -> None:
        """Numeric country codes are non-negative, and World, EU and other aggregates are not
        countries: the first such code found, with the column and row where it is."""
        for code, key in zip(codes, keys):
            if isinstance(code, int) and code < 0:
                for col in ("exporter", "importer"):
                    rows = np.flatnonzero(self.cols[col][:self.n] == key)
                    if len(rows):
                        fail(col, "non-negative numeric country codes", f"{code} {_where(rows, self.describe)}")
            try:
                check_not_aggregate("exporter", [code])
            except ValueError:
                for col in ("exporter", "importer"):
                    rows = np.flatnonzero(self.cols[col][:self.n] == key)
                    if len(rows):
                        check_not_aggregate(col, [code], rows, self.describe)

    def finish(self) -> TradeFlows:
        n = self.n
        cols = {c: a[:n] for c, a in self.cols.items() if c != "quantity" or self.has_q}
        if self.year_col is not None:
            cols["year"] = self.year_col[:n]
        self._raise_bad(cols)
        seen_c = np.flatnonzero(self.seen_c.any(axis=0)) if n else np.zeros(0, np.int64)
        seen_p = np.flatnonzero(self.seen_p.any(axis=0)) if n else np.zeros(0, np.int64)
        codes_c = self.countries.codes(seen_c)
        self._check_aggregates(codes_c, seen_c)
        countries, where = CountryTable.from_codes(codes_c)
        country_id = np.full(max(self.seen_c.shape[1], 1), -1, np.int32)
        country_id[seen_c] = where
        padded = pad_product_codes(self.products.codes(seen_p), self.width if self.products.kind == "number" else None,
                                   lambda i: _where(np.flatnonzero(cols["product"] == seen_p[i]), self.describe))
        table, product_where = np.unique(np.asarray(padded, dtype=object).astype(str), return_inverse=True)
        product_id = np.full(max(self.seen_p.shape[1], 1), -1, np.int32)
        product_id[seen_p] = product_where.astype(np.int32)
        _ingest.remap(cols["exporter"], cols["importer"], cols["product"], country_id, product_id, self.t)
        if len(countries) < len(seen_c):  # two codes named one country (e.g. "ARG" and "arg")
            check_no_self_trade(cols["exporter"], cols["importer"], self.describe)
        year = cols.pop("year", None)
        flows = TradeFlows(year if year is not None else (min(self.years) if self.years else None),
                           cols["exporter"], cols["importer"], cols["product"], cols["value"],
                           cols.get("quantity"), countries, ProductTable(table.astype(object)),
                           hs=self.hs, n_rows=n)
        self.describe.flows = flows  # the columns now hold ids
        try:
            return flows._deduplicate(self.duplicates, self.describe)
        finally:  # builder <-> describe is a reference cycle holding the columns: break it now,
            self.describe = None  # type: ignore[assignment]  # or a year's memory waits for the garbage collector


class TradeFlows:
    """Bilateral trade flows: year, exporter, importer, product, value, quantity.

    Countries and products are dense integer ids into ``countries`` (numeric code, ISO3 label,
    name) and ``products`` (code strings, leading zeros kept); the tables hold exactly the
    countries and products present. Values are float64 (thousands of USD in BACI); quantities
    float64 with NaN where not reported. Build with :func:`tradeindex.read_baci`,
    :meth:`from_frame`, :meth:`from_arrays` or :func:`tradeindex.sample`; a whole release is
    read year by year through :func:`tradeindex.scan_baci`.

    The columns are read-only NumPy arrays: ``year``, ``exporter``, ``importer``, ``product``
    (int32 ids), ``value``, ``quantity``. Flows of one year store no year column and flows read
    without quantities no quantity column (``year`` and ``quantity`` are then constant views
    that take no memory). Methods return new objects, never modify this one.

    Examples
    --------
    >>> import tradeindex
    >>> f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA"], ["BRA", "ARG"], ["0101", "0101"],
    ...                                       [10.0, 5.0], year=1990)
    >>> len(f), f.years, list(f.countries.label)
    (2, [1990], ['ARG', 'BRA'])
    """

    if TYPE_CHECKING:  # the columns, properties set below the class
        exporter: I32Array
        importer: I32Array
        product: I32Array
        value: F64Array
        _years: list[int]

    def __init__(self, year: int | npt.ArrayLike | None, exporter: I32Array, importer: I32Array, product: I32Array,
                 value: F64Array, quantity: F64Array | None, countries: CountryTable, products: ProductTable,
                 *, hs: str | None = None, notes: Iterable[str] = (), n_rows: int | None = None,
                 source: str | None = None) -> None:
        n = len(value) if n_rows is None else n_rows
        self._cols: dict[str, npt.NDArray[Any]] = {}
        arr: npt.NDArray[Any] | None
        for name, arr in zip(COLUMNS[1:], (exporter, importer, product, value, quantity)):
            if arr is None:
                continue
            arr = np.asarray(arr)
            arr.flags.writeable = False
            self._cols[name] = arr
        if year is None or np.isscalar(year):
            self._year = None if year is None else int(year)  # type: ignore[arg-type]  # a scalar
        else:
            year = np.asarray(year, dtype=np.int32)
            year.flags.writeable = False
            low, high = (int(year.min()), int(year.max())) if n else (0, 0)
            # (a None column is deleted below: [assignment])
            self._cols["year"], self._year = (year, None) if low != high else (None, low if n else None)  # type: ignore[assignment]
            if self._cols["year"] is None:
                del self._cols["year"]
        self._n = n
        self.countries, self.products = countries, products
        self.hs, self.notes = _revision(hs), tuple(notes)
        #: Where the flows come from, in words ("CEPII BACI HS17 V202401"): charts and reports cite it.
        self.source = source

    @property
    def year(self) -> I32Array:
        """The read-only year column (a constant view when the flows hold one year)."""
        if "year" in self._cols:
            return self._cols["year"]
        return np.broadcast_to(np.int32(self._year if self._year is not None else 0), (self._n,))

    @property
    def quantity(self) -> F64Array:
        """The read-only quantity column (NaN where not reported; all NaN, as a constant view,
        when the flows were read without quantities)."""
        if "quantity" in self._cols:
            return self._cols["quantity"]
        return np.broadcast_to(np.float64(np.nan), (self._n,))

    @property
    def has_quantity(self) -> bool:
        """Whether the flows hold a quantity column (read_baci(..., quantity=False) skips it)."""
        return "quantity" in self._cols

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_arrays(cls, exporter: npt.ArrayLike, importer: npt.ArrayLike, product: npt.ArrayLike,
                    value: npt.ArrayLike, *, quantity: npt.ArrayLike | None = None,
                    year: int | npt.ArrayLike | None = None, hs: str | None = None, duplicates: Duplicates = "error",
                    product_width: int | None = None, n_threads: int | None = None) -> TradeFlows:
        """Flows from parallel columns (NumPy arrays, lists, pandas Series or pyarrow arrays).

        Parameters
        ----------
        exporter, importer : numeric country codes (BACI / UN Comtrade style) or text labels
            (ISO3 codes are recognised; other text is kept as its own label).
        product : product codes; text keeps leading zeros; all-digit codes of unequal length
            (e.g. integers) are zero-padded to an even width, or to `product_width`.
        value : non-negative finite numbers (integers are upcast to float64).
        quantity : optional non-negative numbers; missing (null/NaN) stays NaN.
        year : one year for all rows, a column of years, or None (no year recorded).
        hs : the HS revision of the product codes ("HS92", "HS17", ...), if known.
        duplicates : "error" (default) rejects repeated (year, exporter, importer, product)
            rows; "sum" adds them up and reports how many rows were summed (a warning and
            ``notes``).

        Raises
        ------
        ValueError / TypeError naming the column, the first offending row (0-based) and the count,
        for: missing values, non-numeric, negative, NaN or infinite values, aggregate partners
        (World, EU...), exporter == importer, duplicated rows, columns of unequal length.
        Nothing is dropped silently and the caller's arrays are never modified.
        """
        check_choice("duplicates", duplicates, ("error", "sum"))
        cols = {"exporter": _arrow("exporter", exporter), "importer": _arrow("importer", importer),
                "product": _arrow("product", product), "value": _arrow("value", value)}
        n = len(cols["exporter"])
        if quantity is not None:
            cols["quantity"] = _arrow("quantity", quantity)
        if year is not None and not np.isscalar(year):
            cols["year"] = _arrow("year", year)
        for name, arr in cols.items():
            check_length(name, arr, n, "exporter")
        builder = _Builder(n, quantity=quantity is not None, hs=hs, product_width=product_width,
                           duplicates=duplicates, n_threads=n_threads)
        builder.add(pa.table(cols), year=None if "year" in cols else year)
        return builder.finish()

    @classmethod
    def from_frame(cls, frame: object, *, exporter: Hashable, importer: Hashable, product: Hashable, value: Hashable,
                   quantity: Hashable | None = None, year: Hashable | int | None = None, hs: str | None = None,
                   duplicates: Duplicates = "error") -> TradeFlows:
        """Flows from any frame with any column names: a pandas DataFrame (index levels, a
        MultiIndex too, are columns by their names; categoricals welcome), a polars DataFrame or
        LazyFrame, a DuckDB relation, a pyarrow Table, RecordBatchReader or Dataset, or any
        object with ``__arrow_c_stream__`` (the Arrow PyCapsule stream protocol).

        Each keyword names the frame's column holding that field (`quantity`, `year` optional;
        `year` may also be an int: one year for every row). Only these columns are read, and a
        source that streams (a LazyFrame, a DuckDB relation, a RecordBatchReader, a Dataset) is
        read batch by batch, each batch checked and copied into the flows and then released;
        see ``tradeindex._frames`` for how each kind is read. See :meth:`from_arrays` for the
        conventions and errors (they name the keyword: ``value must be ...``). The frame is not
        modified. Flows written by :meth:`to_arrow` come back with
        ``from_frame(t, exporter="exporter", importer="importer", product="product",
        value="value", quantity="quantity", year="year")``.

        Examples
        --------
        >>> import pyarrow as pa, tradeindex
        >>> t = pa.table({"rep": [32, 76], "par": [76, 32], "hs": ["0101", "0101"], "usd": [1.0, 2.0]})
        >>> tradeindex.TradeFlows.from_frame(t, exporter="rep", importer="par", product="hs",
        ...                                  value="usd", year=1990).countries.label.tolist()
        ['ARG', 'BRA']
        """
        columns = {"exporter": exporter, "importer": importer, "product": product, "value": value}
        if quantity is not None:
            columns["quantity"] = quantity
        constant = year is None or isinstance(year, (bool, int, np.integer))
        if not constant:
            columns["year"] = year
        columns = {param: check_column_name(param, name) for param, name in columns.items()}
        batches, n_rows = open_frame(frame, columns)
        builder = _Builder(max(n_rows or 0, 1), quantity=quantity is not None, hs=hs, duplicates=duplicates)
        for batch in batches:
            builder.add(batch, year=year if constant else None)
        return builder.finish()

    # -- columns and tables ----------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    @property
    def years(self) -> list[int]:
        """Sorted years present (empty when the flows carry no year)."""
        if "year" not in self._cols:
            return [] if self._year is None or not self._n else [self._year]
        if "_years" not in self.__dict__:  # the columns are read-only: compute once
            year = self._cols["year"]
            low, high = (v.as_py() for v in pc.min_max(year).values()) if len(year) else (0, -1)
            seen = np.zeros((effective_threads(None), high - low + 1), np.uint8)
            _aggregate.mark(year, seen, seen.shape[0], low)  # one pass, no temporary column
            self._years = (low + np.flatnonzero(seen.any(axis=0))).tolist()
        return list(self._years)

    def _columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every stored column by name (year only when it varies, quantity only when read)."""
        return dict(self._cols)

    def _replace(self, rows: Any = None, **cols: npt.NDArray[Any]) -> TradeFlows:
        """New flows with some rows (an index array, mask or slice) and/or columns replaced."""
        new = {k: (v if rows is None else v[rows]) for k, v in self._cols.items()}
        new.update(cols)
        n = len(new["value"])
        year = new.get("year", self._year)
        return TradeFlows(year, new["exporter"], new["importer"], new["product"], new["value"],
                          new.get("quantity"), self.countries, self.products, hs=self.hs,
                          notes=self.notes, n_rows=n, source=self.source)

    def _buckets(self) -> tuple[int, int, int]:
        """(year, exporter, importer) buckets: (first year, number of years) and their count."""
        years = self.years or [0]
        return years[0], years[-1] - years[0] + 1, (years[-1] - years[0] + 1) * len(self.countries) ** 2

    def _kernel_columns(self, with_quantity: bool = False) -> Columns:
        """(year, exporter, importer, product, value, quantity, y0, n_years) for the bucket
        kernels: year empty for one year, quantity empty unless asked (and read)."""
        y0, n_years, _ = self._buckets()
        year = self._cols.get("year", np.zeros(0, np.int32))
        qty = self._cols["quantity"] if with_quantity and self.has_quantity else np.zeros(0)
        return (year, self.exporter, self.importer, self.product, self.value, qty, y0, n_years)

    def _deduplicate(self, duplicates: Duplicates, describe: _Describe) -> TradeFlows:
        t = effective_threads(None)
        year = self._cols.get("year", np.zeros(0, np.int32))
        if _ingest.first_unsorted(year, self.exporter, self.importer, self.product,
                                  np.full(t, len(self), np.int64), t) == len(self):
            return self  # sorted and unique, as BACI files are: one parallel pass, no copy
        n_dup = self._count_duplicates()
        if n_dup == 0:
            return self  # unsorted but unique: O(n) bucket check
        if duplicates == "error":
            key, order, start = self._groups()
            repeat = np.ones(len(key), bool)
            repeat[start] = False
            dup_rows = np.sort(order[repeat])
            first_group = np.searchsorted(key[order], key[dup_rows[0]], side="left")
            check_duplicates(dup_rows, int(order[first_group]), describe)
        flows = self._recode(np.arange(len(self.products), dtype=np.int32), self.products)
        note = (f"duplicates='sum': {len(self) - len(flows)} duplicated rows were summed into "
                f"{len(flows)} flows")
        warnings.warn(note, UserWarning, stacklevel=3)
        flows.notes = flows.notes + (note,)
        return flows

    def _key(self) -> I64Array:
        """int64 (year, exporter, importer, product) key, increasing in BACI's file order."""
        y0 = self.years[0] if self.years else 0
        n_c, n_p = len(self.countries), len(self.products)
        key = (self.year.astype(np.int64) - y0) * n_c + self.exporter
        return (key * n_c + self.importer) * n_p + self.product

    def _count_duplicates(self) -> int:
        """Rows repeating an earlier (year, exporter, importer, product): compiled O(n) check
        (a counting sort by year and pair); falls back to sorting when the buckets outnumber rows."""
        y0, _, n_buckets = self._buckets()
        if n_buckets > BUCKETS_PER_FLOW * len(self) + 1_000_000:
            key = np.sort(self._key())
            return int((key[1:] == key[:-1]).sum())
        return _aggregate.count_duplicates(np.ascontiguousarray(self.year), self.exporter, self.importer,
                                           self.product, y0, len(self.countries),
                                           np.zeros(n_buckets + 1, np.int64), np.empty(len(self), np.int64),
                                           np.full(len(self.products), -1, np.int64))

    def _groups(self) -> tuple[I64Array, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """(key, order, start): the rows sorted stably by (year, exporter, importer, product)
        and where each run of one key starts in that order."""
        key = self._key()
        order = np.argsort(key, kind="stable")
        k = key[order]
        return key, order, np.flatnonzero(np.r_[True, k[1:] != k[:-1]])

    def _recode(self, new_id: npt.ArrayLike, products: ProductTable, n_threads: int | None = None,
                check: Callable[[int, float], None] | None = None) -> TradeFlows:
        """Flows whose product ids are mapped through `new_id` (old id -> new id into `products`,
        -1: rows left out), with rows meeting on one (year, exporter, importer, new product)
        summed (quantities too: NaN when any part is missing); sorted by (year, exporter,
        importer, product). Two compiled passes in bucket order (a counting sort first unless
        the rows come sorted by year, exporter and importer, as BACI's do): one counts, one
        writes; between them `check(rows left out, their value)` may raise."""
        new_id = np.ascontiguousarray(new_id, dtype=np.int32)
        y0, n_years, n_buckets = self._buckets()
        n_c = len(self.countries)
        if n_buckets > BUCKETS_PER_FLOW * len(self) + 1_000_000:  # firm-level data: sort instead
            if check is not None:
                left_out = new_id[self.product] < 0
                check(int(left_out.sum()), float(self.value[left_out].sum()))
            return self._recode_by_sorting(new_id, products)
        t = effective_threads(n_threads)
        cols = self._kernel_columns(with_quantity=True)
        offsets, product, value, quantity, _ = _runs(cols, n_c, len(self.products), t)
        n_new = max(len(products), 1)
        out_offsets = np.zeros(n_buckets + 1, np.int64)
        # touched gets a spare column: recode stores a product there before it counts it
        scratch = (np.full((t, n_new), -1, np.int64), np.zeros((t, n_new)),
                   np.zeros((t, n_new) if len(quantity) else (t, 0)), np.empty((t, n_new + 1), np.int32))
        none, lost = np.zeros(0, np.int32), np.zeros((t, 2))
        _aggregate.recode(offsets, product, value, quantity, new_id, n_c, y0, out_offsets, none, none, none,
                          none, np.zeros(0), np.zeros(0), *scratch, lost, False, t)
        if check is not None:
            check(int(lost[:, 0].sum()), float(lost[:, 1].sum()))
        per_pair = out_offsets[1:].reshape(n_years, n_c, n_c).sum(axis=0)  # output rows per (i, j)
        every_country = ((per_pair.sum(axis=1) + per_pair.sum(axis=0)) > 0).all()
        np.cumsum(out_offsets, out=out_offsets)
        n = int(out_offsets[-1])
        out = {"year": empty(n if n_years > 1 else 0, np.int32), "exporter": empty(n, np.int32),
               "importer": empty(n, np.int32), "product": empty(n, np.int32), "value": empty(n, np.float64),
               "quantity": empty(n if len(quantity) else 0, np.float64)}
        _aggregate.recode(offsets, product, value, quantity, new_id, n_c, y0, out_offsets, out["year"],
                          out["exporter"], out["importer"], out["product"], out["value"], out["quantity"],
                          *scratch, lost, True, t)
        flows = TradeFlows(out["year"] if n_years > 1 else self._year, out["exporter"], out["importer"],
                           out["product"], out["value"], out["quantity"] if self.has_quantity else None,
                           self.countries, products, hs=self.hs, notes=self.notes, source=self.source)
        # every new product has rows (it is some present product's code); a country loses all
        # its rows only when every one of them was left out: the counts say so, no pass needed
        return flows if every_country else flows._compact()

    def _recode_by_sorting(self, new_id: I32Array, products: ProductTable) -> TradeFlows:
        """_recode by a comparison sort, for flows whose (year, exporter, importer) buckets far
        outnumber the rows (firm-level data)."""
        keep = np.flatnonzero(new_id[self.product] >= 0)
        flows = self._replace(keep, product=new_id[self.product[keep]])
        flows.products = products
        _, order, start = flows._groups()
        first = order[start]
        qty = {"quantity": np.add.reduceat(flows.quantity[order], start)} if flows.has_quantity else {}
        return flows._replace(first, value=np.add.reduceat(flows.value[order], start), **qty)._compact()

    def _compact(self) -> TradeFlows:
        """Shrink the code tables to the countries and products still present."""
        t = effective_threads(None)
        seen_c, seen_p = np.zeros((t, max(len(self.countries), 1)), np.uint8), np.zeros((t, max(len(self.products), 1)), np.uint8)
        for ids, seen in ((self.exporter, seen_c), (self.importer, seen_c), (self.product, seen_p)):
            _aggregate.mark(np.ascontiguousarray(ids), seen, t)
        used_c = seen_c.any(axis=0)[:len(self.countries)]  # type: ignore[index]  # any(axis=0) of 2-D: an array
        used_p = seen_p.any(axis=0)[:len(self.products)]  # type: ignore[index]  # the same
        if used_c.all() and used_p.all():
            return self
        remap_c = np.cumsum(used_c, dtype=np.int32) - 1
        remap_p = np.cumsum(used_p, dtype=np.int32) - 1
        flows = self._replace(exporter=remap_c[self.exporter], importer=remap_c[self.importer],
                              product=remap_p[self.product])
        flows.countries = self.countries.take(np.flatnonzero(used_c))
        flows.products = self.products.take(np.flatnonzero(used_p))
        return flows

    def _year_slice(self, years: Sequence[int]) -> TradeFlows:
        """The rows of `years` (a list of years present): views when the rows are grouped by
        year (as read), a copy otherwise; code tables shrunk to what the rows use."""
        if "year" not in self._cols:
            return self
        year = self._cols["year"]
        if len(years) == 1 and np.all(year[1:] >= year[:-1]):
            y = year.dtype.type(years[0])  # a Python int would make NumPy search an int64 copy of year
            lo, hi = np.searchsorted(year, y, "left"), np.searchsorted(year, y, "right")
            return self._replace(slice(lo, hi))._compact()
        return self._replace(np.flatnonzero(np.isin(year, years)))._compact()

    # -- selection and aggregation ---------------------------------------------------------------
    def select(self, *, years: Years = None, exporters: Countries | None = None, importers: Countries | None = None,
               products: Products | None = None) -> TradeFlows:
        """Flows restricted to some years, exporters, importers and products.

        Countries are given by ISO3 or numeric code; products by exact codes or prefixes
        (``products=["84", "85"]`` keeps HS chapters 84 and 85; ``"84-90"`` is a range). A key
        that matches nothing is an error (a typo must not silently empty the selection). The
        code tables are shrunk to what remains.

        Examples
        --------
        >>> import tradeindex
        >>> s = tradeindex.sample().select(years=1990, exporters=["BRA"], products=["84"])
        >>> s.years, list(s.countries.label[:3]), s.products.code[0]
        ([1990], ['ARG', 'BOL', 'BRA'], '8401')
        """
        mask = np.ones(len(self), bool)
        if years is not None:
            ys: list[Any] = [years] if np.isscalar(years) else list(years)  # type: ignore[arg-type]  # a sequence
            for y in ys:
                check_year("years", y, self.years)
            mask &= np.isin(self.year, ys)
        if exporters is not None:
            mask &= np.isin(self.exporter, self.countries.ids(exporters, "exporters"))
        if importers is not None:
            mask &= np.isin(self.importer, self.countries.ids(importers, "importers"))
        if products is not None:
            mask &= np.isin(self.product, self.products.ids(products, "products"))
        return self._replace(np.flatnonzero(mask))._compact()

    def aggregate_products(self, digits: int) -> TradeFlows:
        """Flows with product codes cut to their first `digits` characters (HS6 -> HS4 -> HS2),
        values and quantities summed (a quantity is NaN when any part of it was missing).

        Examples
        --------
        >>> import tradeindex
        >>> tradeindex.sample().aggregate_products(2).products.code[:3].tolist()
        ['01', '02', '03']
        """
        width = max((len(c) for c in self.products.code), default=0)
        digits = check_digits("digits", digits, width)
        table, where = np.unique(np.array([c[:digits] for c in self.products.code], dtype=str),
                                 return_inverse=True)
        return self._recode(where, ProductTable(table.astype(object), self.products.classification))

    def convert(self, to: str = "sitc3", *, digits: int = 3, hs: str | None = None,
                unmapped: Literal["drop", "error"] = "drop") -> TradeFlows:
        """Flows in SITC Rev.3 product codes, cut to `digits` characters (3 = the 3-digit groups of
        UNCTAD and of most complementarity studies), values and quantities summed.

        The concordance is chosen by the HS revision (`hs`, default ``flows.hs``): every revision
        BACI ships converts (``tradeindex.codes.CONVERTIBLE``: HS92 (World Bank WITS), HS96, HS02,
        HS07, HS12, HS17, HS22 (UN Statistics Division tables); see ``data/README.md``). Needs
        6-digit HS codes. HS codes missing from the table (monetary gold, 710820, in every
        revision) are reported (a warning and ``notes`` with their count and value share) and
        dropped (``unmapped="drop"``), or raise (``unmapped="error"``). More than a quarter of the
        value unmapped is always an error: the revision is almost certainly wrong.

        Examples
        --------
        >>> import tradeindex
        >>> f = tradeindex.TradeFlows.from_arrays([4, 8], [8, 4], ["847130", "870323"], [5.0, 7.0], hs="HS17")
        >>> f.convert("sitc3").products.code.tolist()
        ['752', '781']
        """
        check_choice("to", str(to).lower(), ("sitc3",))
        check_choice("unmapped", unmapped, ("drop", "error"))
        digits = check_digits("digits", digits, 5)
        if self.products.classification != "HS":
            fail("flows", "HS product codes to convert to SITC Rev.3",
                 f"{self.products.classification} codes (these flows were converted already)")
        hs = _revision(hs) or self.hs
        table = concordance(hs)  # type: ignore[arg-type]  # None: hs_revision's error
        lengths = sorted({len(c) for c in self.products.code})
        if lengths != [6] and len(self.products):
            fail("products", "6-digit HS codes to convert to SITC Rev.3 (BACI's HS6; convert before "
                 "aggregate_products, and read HS6 data: a concordance maps 6-digit codes only)",
                 f"{'/'.join(map(str, lengths))}-digit codes")
        new = [table.get(c) for c in self.products.code]
        missing = np.array([c is None for c in new], dtype=bool)
        cut = [c[:digits] if c is not None else "" for c in new]
        table_new, where = np.unique(np.array(cut, dtype=str), return_inverse=True)
        where = where.astype(np.int32)
        if missing.any():  # "" sorts first: unmapped codes -> -1, the rest shift down by one
            where -= 1
            table_new = table_new[1:]
        codes = [c for c, m in zip(self.products.code, missing) if m]
        notes = []

        def report(n_lost: int, lost: float) -> None:  # between the counting and the writing pass: nothing copied yet
            if not n_lost:
                return
            total = float(self.value.sum())
            note = (f"convert: {len(codes)} {hs} codes without an SITC Rev.3 match "
                    f"({', '.join(codes[:5])}{' ...' if len(codes) > 5 else ''}): {n_lost:,} flows, "
                    f"{100 * lost / max(total, 1e-300):.3f}% of value, left out")
            check_unmapped(lost, total, hs, note, strict=unmapped == "error")
            warnings.warn(note, UserWarning, stacklevel=4)
            notes.append(note)

        flows = self._recode(where, ProductTable(table_new.astype(object), "SITC3"), check=report)
        flows.notes = flows.notes + tuple(notes)
        return flows

    # -- matrices and totals ---------------------------------------------------------------------
    def _year_rows(self, year: int | None) -> slice | npt.NDArray[np.bool_]:
        if year is None:
            check_one_year("year", self.years)
            return slice(None)
        check_year("year", year, self.years)
        return slice(None) if "year" not in self._cols else self._cols["year"] == year

    def _side_values(self, side: str, rows: slice | npt.NDArray[Any]) -> F64Array | sp.csr_array:
        """Countries x products sums of the exports (or imports) in `rows` (a slice or mask): a
        dense ndarray accumulated by the compiled kernel in O(n) when the cells are few next to
        the flows (a BACI year), else a scipy.sparse CSR array (e.g. firm-level data)."""
        ids = (self.exporter if side == "exports" else self.importer)[rows]
        value, product = self.value[rows], self.product[rows]
        shape = (len(self.countries), len(self.products))
        if shape[0] * shape[1] <= DENSE_CELLS_PER_FLOW * len(value) + DENSE_CELLS_MIN:
            return _cell_totals(ids, product, value, max(shape[0], 1), max(shape[1], 1))[:shape[0], :shape[1]]
        m = sp.csr_array((value, (ids, product)), shape=shape)
        m.sum_duplicates()
        return m

    def _matrix(self, side: str, year: int | None) -> TradeMatrix:
        m = self._side_values(side, self._year_rows(year))
        m = m if sp.issparse(m) else sp.csr_array(m)
        year = year if year is not None else (self.years[0] if self.years else None)
        return TradeMatrix(m, self.countries.label, self.products.code, year, side)

    def exports(self, year: int | None = None) -> TradeMatrix:
        """Country x product matrix of exports to all partners in these flows (the world, unless
        importers were selected), as a labelled scipy.sparse CSR (:class:`TradeMatrix`).

        Rows are all countries of the flows (a country that only imports has an empty row), columns
        all products. `year` is required when the flows hold several years.
        """
        return self._matrix("exports", year)

    def imports(self, year: int | None = None) -> TradeMatrix:
        """Country x product matrix of imports from all partners in these flows; see `exports`."""
        return self._matrix("imports", year)

    def exports_by_year(self) -> dict[int, TradeMatrix]:
        """{year: exports(year)} for every year present."""
        return {y: self.exports(y) for y in self.years}

    def imports_by_year(self) -> dict[int, TradeMatrix]:
        """{year: imports(year)} for every year present."""
        return {y: self.imports(y) for y in self.years}

    def country_totals(self, n_threads: int | None = None) -> tuple[F64Array, F64Array]:
        """(exports, imports): float64 totals per country id over all rows (compiled kernel)."""
        n = max(len(self.countries), 1)
        return (group_totals(self.exporter, self.value, n, n_threads=n_threads)[:len(self.countries)],
                group_totals(self.importer, self.value, n, n_threads=n_threads)[:len(self.countries)])

    # -- display ---------------------------------------------------------------------------------
    def summary(self) -> str:
        """A few lines on what the flows hold: rows, years, countries, products, value."""
        exp, imp = self.country_totals()
        years = self.years
        span = f"{years[0]}-{years[-1]} ({len(years)} years)" if len(years) > 1 else (str(years[0]) if years else "none recorded")
        top = np.argsort(-exp)[:5]
        digits = sorted({len(c) for c in self.products.code})
        missing_q = f"{int(np.isnan(self.quantity).sum()):,} rows without a quantity" if self.has_quantity else "not read"
        lines = [
            f"TradeFlows: {len(self):,} flows",
            f"  years     : {span}",
            f"  countries : {len(self.countries)} ({int((exp > 0).sum())} exporting, {int((imp > 0).sum())} importing)",
            f"  products  : {len(self.products):,} ({'/'.join(map(str, digits))}-character codes{self._classification()})",
            f"  value     : {self.value.sum():,.1f} (sum of flows, in the data's unit)",
            f"  quantity  : {missing_q}",
            "  top exporters: " + ", ".join(f"{self.countries.label[i]} {exp[i]:,.0f}" for i in top if exp[i] > 0),
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        years = self.years
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "no year")
        return (f"<TradeFlows {len(self):,} flows, {span}, {len(self.countries)} countries, "
                f"{len(self.products):,} products{self._classification()}>")

    @property
    def classification(self) -> str:
        """The product classification, with the HS revision: "HS17", "SITC3 (from HS17)", "HS"."""
        cls = self.products.classification
        if cls == "HS":
            return self.hs or "HS"
        return f"{cls} (from {self.hs})" if self.hs else cls

    def _classification(self) -> str:
        if self.products.classification != "HS":
            return f", {self.products.classification}" + (f" (from {self.hs})" if self.hs else "")
        return f", {self.hs}" if self.hs else ""

    # -- out: Arrow, pandas, bilateral totals ------------------------------------------------------
    def to_arrow(self, *, totals: bool = False, zeros: bool = False) -> pa.Table:
        """The flows as a pyarrow Table with codes, not internal ids: one row per flow, columns
        ``year`` (int32, when the flows record years), ``exporter`` (label, e.g. ``"BEL(58)"``),
        ``exporter_code`` (int64 numeric country code; null for a text label), ``importer``,
        ``importer_code``, ``product`` (code text, leading zeros kept), ``value`` (float64, the
        data's unit) and ``quantity`` (float64, null where not reported; only when the flows hold
        quantities), named and typed as the long tables of docs/conventions.md.
        :meth:`from_frame` reads it back to equal flows.

        ``totals=True`` gives the bilateral totals instead, the dependent variable of a gravity
        model: one row per (year, exporter, importer) with ``value = sum_p value[e, i, p]`` over
        the products of the flows (compiled, ``kernels.cell_totals``), in year, exporter,
        importer order. Pairs without trade (no flow, or flows worth 0) are not rows unless
        ``zeros=True``, which gives every ordered pair of two different countries of the flows in
        every year, 0.0 where they do not trade (what PPML estimation needs).

        Examples
        --------
        >>> import tradeindex
        >>> f = tradeindex.TradeFlows.from_arrays([32, 32, 76], [76, 76, 32], ["0101", "0102", "0101"],
        ...                                       [1.0, 2.0, 4.0], year=1990)
        >>> f.to_arrow().column_names
        ['year', 'exporter', 'exporter_code', 'importer', 'importer_code', 'product', 'value']
        >>> f.to_arrow(totals=True).to_pydict()["value"]
        [3.0, 4.0]
        """
        if totals:
            year, exporter, importer, value = self._pair_totals(zeros)
        else:
            year, exporter, importer, value = self.year, self.exporter, self.importer, self.value
        cols = {"year": pa.array(np.ascontiguousarray(year), pa.int32())} if self.years else {}
        for name, ids in (("exporter", exporter), ("importer", importer)):
            cols.update(_axis_columns(name, self.countries.label, self.countries.code, ids))
        if not totals:
            cols["product"] = pa.array(self.products.code.tolist(), pa.string()).take(pa.array(self.product))
        cols["value"] = pa.array(value, pa.float64())
        if self.has_quantity and not totals:
            cols["quantity"] = pa.array(self.quantity, pa.float64(), mask=np.isnan(self.quantity))
        return pa.table(cols)

    def to_pandas(self, *, totals: bool = False, zeros: bool = False) -> pd.DataFrame:
        """:meth:`to_arrow` as a pandas DataFrame: country codes as nullable ``Int64`` (``<NA>``
        for text labels), quantities NaN where not reported."""
        return self.to_arrow(totals=totals, zeros=zeros).to_pandas(types_mapper={pa.int64(): _pandas().Int64Dtype()}.get)

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Arrow PyCapsule stream of :meth:`to_arrow`: ``pa.table(flows)``, ``polars.DataFrame(flows)``,
        ``duckdb.sql("select * from flows")``."""
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def _pair_totals(self, zeros: bool) -> tuple[I32Array, I32Array, I32Array, F64Array]:
        """(year, exporter, importer, value) of the bilateral totals, year by year: a dense
        countries x countries sum (compiled) while it is small next to the flows (or zeros are
        asked for), else a sparse one (firm-level data)."""
        n_c = len(self.countries)
        parts = []
        for y in self.years or [None]:  # type: ignore[list-item]  # no year recorded
            rows = self._year_rows(y) if y is not None else slice(None)
            e: npt.NDArray[Any] = self.exporter[rows]
            i: npt.NDArray[Any] = self.importer[rows]
            v: F64Array = self.value[rows]
            if zeros or n_c * n_c <= DENSE_CELLS_PER_FLOW * len(v) + DENSE_CELLS_MIN:
                m = _cell_totals(e, i, v, max(n_c, 1), max(n_c, 1))[:n_c, :n_c]
                e, i = np.nonzero(~np.eye(n_c, dtype=bool) if zeros else m > 0)
                v = m[e, i]
            else:
                m = sp.csr_array((v, (e, i)), shape=(n_c, n_c))
                m.sum_duplicates()  # canonical: row-major, sorted columns
                m = m.tocoo()
                keep = m.data > 0
                e, i, v = m.row[keep], m.col[keep], m.data[keep]
            parts.append((np.full(len(v), 0 if y is None else y, np.int32), e.astype(np.int32), i.astype(np.int32), v))
        return tuple(np.concatenate(c) for c in zip(*parts))  # type: ignore[return-value]  # four columns


def _column(name: str) -> property:
    """The read-only property of one stored column (exporter, importer, product, value)."""
    def get(self: TradeFlows) -> npt.NDArray[Any]:
        return self._cols[name]
    return property(get, doc=f"The read-only {name} column (NumPy array).")


for _name in COLUMNS[1:5]:
    setattr(TradeFlows, _name, _column(_name))


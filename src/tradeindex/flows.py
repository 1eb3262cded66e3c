"""TradeFlows: bilateral flows as columns of dense integer ids plus the code tables behind them."""
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ._validation import (check_amounts, check_choice, check_columns, check_digits,
                          check_duplicates, check_length, check_no_nulls, check_no_self_trade,
                          check_not_aggregate, check_one_year, check_year, fail)
from . import _aggregate
from .codes import CountryTable, ProductTable, concordance, pad_product_codes
from .kernels import group_totals
from .result import TradeMatrix

COLUMNS = ("year", "exporter", "importer", "product", "value", "quantity")
#: Country x product sums are accumulated densely while the cells number at most
#: DENSE_CELLS_PER_FLOW per flow plus DENSE_CELLS_MIN; beyond, as a sparse matrix.
DENSE_CELLS_PER_FLOW, DENSE_CELLS_MIN = 4, 1 << 20


def _arrow(param, x):
    """Any column-like (numpy, list, pandas Series, pyarrow (Chunked)Array) as pyarrow; chunks
    are kept (no concatenating copy)."""
    if isinstance(x, (pa.Array, pa.ChunkedArray)):
        return x
    try:
        return pa.array(np.asarray(x) if isinstance(x, (list, tuple)) else x)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as err:
        fail(param, "a one-dimensional column of codes or numbers", f"{type(x).__name__} ({err})", TypeError)


def _null_rows(arr):
    return np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False)) if arr.null_count else []


def _numbers(param, arr, describe, *, allow_nan=False):
    """A numeric pyarrow column as float64 numpy (nulls become NaN when `allow_nan`)."""
    if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
        fail(param, "numeric (integer or float)", f"a column of type {arr.type}", TypeError)
    if not allow_nan:
        check_no_nulls(param, _null_rows(arr), describe)
    out = arr.cast(pa.float64()).to_numpy(zero_copy_only=False)
    return check_amounts(param, out, describe, allow_nan=allow_nan)


def _encode(col):
    """(raw, lut, uniques) in O(n): each row's code is uniques[lut[raw[row]]]. Small non-negative
    integer codes are their own raw keys; other codes go through pyarrow's dictionary encoding
    (kept when the reader already dictionary-encoded the column). The caller composes `lut` with
    its own small maps and gathers once: one n-sized array per column, not three."""
    if pa.types.is_integer(col.type):
        values = col.to_numpy(zero_copy_only=False) if len(col) else np.zeros(0, np.int64)
        if len(values) and 0 <= values.min() and values.max() < 1 << 24:
            uniques = np.flatnonzero(np.bincount(values))
            lut = np.zeros(uniques[-1] + 1, np.int32)
            lut[uniques] = np.arange(len(uniques), dtype=np.int32)
            return values, lut, uniques.tolist()
    if not pa.types.is_dictionary(col.type):
        col = col.dictionary_encode()
    chunks = pa.table({"c": col}).unify_dictionaries()["c"].chunks
    if not chunks:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), []
    indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
    used = np.bincount(indices, minlength=len(chunks[0].dictionary)) > 0  # a reader's dictionary may hold unused values
    lut = np.cumsum(used, dtype=np.int32) - 1
    return indices, lut, [v for v, u in zip(chunks[0].dictionary.to_pylist(), used) if u]


def _is_text(arr):
    t = arr.type.value_type if pa.types.is_dictionary(arr.type) else arr.type
    return pa.types.is_string(t) or pa.types.is_large_string(t)


class TradeFlows:
    """Bilateral trade flows: year, exporter, importer, product, value, quantity.

    Countries and products are dense integer ids into ``countries`` (numeric code, ISO3 label,
    name) and ``products`` (code strings, leading zeros kept); the tables hold exactly the
    countries and products present. Values are float64 (thousands of USD in BACI); quantities
    float64 with NaN where not reported. Build with :func:`tradeindex.read_baci`,
    :meth:`from_frame`, :meth:`from_arrays` or :func:`tradeindex.sample`.

    The columns are read-only NumPy arrays: ``year``, ``exporter``, ``importer``, ``product``
    (int32 ids), ``value``, ``quantity``. Methods return new objects, never modify this one.

    Examples
    --------
    >>> import tradeindex
    >>> f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA"], ["BRA", "ARG"], ["0101", "0101"],
    ...                                       [10.0, 5.0], year=1990)
    >>> len(f), f.years, list(f.countries.label)
    (2, [1990], ['ARG', 'BRA'])
    """

    def __init__(self, year, exporter, importer, product, value, quantity, countries, products,
                 *, hs=None, has_year=True, notes=()):
        self._cols = {}
        for name, arr in zip(COLUMNS, (year, exporter, importer, product, value, quantity)):
            arr = np.asarray(arr)
            arr.flags.writeable = False
            self._cols[name] = arr
        self.countries, self.products = countries, products
        self.hs, self._has_year, self.notes = hs, has_year, tuple(notes)

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_arrays(cls, exporter, importer, product, value, *, quantity=None, year=None,
                    hs=None, duplicates="error", product_width=None):
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

        def describe(row):
            return ", ".join(f"{k} {cols[k][row].as_py()!r}" for k in ("year", "exporter", "importer", "product")
                             if k in cols)

        for name in ("exporter", "importer", "product"):
            check_no_nulls(name, _null_rows(cols[name]), describe)
        value = _numbers("value", cols["value"], describe)
        qty = (_numbers("quantity", cols["quantity"], describe, allow_nan=True) if quantity is not None
               else np.full(n, np.nan))
        years, has_year = cls._years(year, cols.get("year"), n, describe)

        exp_raw, exp_lut, exp_codes = _encode(cols["exporter"])
        imp_raw, imp_lut, imp_codes = _encode(cols["importer"])
        if _is_text(cols["exporter"]) != _is_text(cols["importer"]):
            fail("importer", "codes of the same kind as exporter (both numeric or both text)",
                 f"exporter {cols['exporter'].type}, importer {cols['importer'].type}", TypeError)
        check_not_aggregate("exporter", exp_codes)
        check_not_aggregate("importer", imp_codes)
        union = list(dict.fromkeys(exp_codes + imp_codes))
        countries, where = CountryTable.from_codes(union)
        exporter_ids = where[exp_lut][exp_raw]  # exporter codes come first in `union`
        index = {c: n for n, c in enumerate(union)}
        importer_ids = where[np.array([index[c] for c in imp_codes], dtype=np.int64)][imp_lut][imp_raw]
        check_no_self_trade(exporter_ids, importer_ids, describe)

        prod_raw, prod_lut, prod_codes = _encode(cols["product"])
        padded = pad_product_codes(prod_codes, product_width)
        table, prod_where = np.unique(np.asarray(padded, dtype=object).astype(str), return_inverse=True)
        products = ProductTable(table.astype(object))
        product_ids = prod_where.astype(np.int32)[prod_lut][prod_raw]

        flows = cls(years, exporter_ids, importer_ids, product_ids, value, qty, countries, products,
                    hs=hs, has_year=has_year)
        return flows._deduplicate(duplicates, describe)

    @classmethod
    def from_frame(cls, frame, *, exporter, importer, product, value, quantity=None, year=None,
                   hs=None, duplicates="error"):
        """Flows from a pandas DataFrame or pyarrow Table with any column names.

        Each keyword names the frame's column holding that field (`quantity`, `year` optional;
        `year` may also be an int for a single-year frame). See :meth:`from_arrays` for the
        conventions and errors. The frame is not modified.

        Examples
        --------
        >>> import pyarrow as pa, tradeindex
        >>> t = pa.table({"rep": [32, 76], "par": [76, 32], "hs": ["0101", "0101"], "usd": [1.0, 2.0]})
        >>> tradeindex.TradeFlows.from_frame(t, exporter="rep", importer="par", product="hs",
        ...                                  value="usd", year=1990).countries.label.tolist()
        ['ARG', 'BRA']
        """
        names = list(frame.column_names if isinstance(frame, pa.Table) else frame.columns)
        wanted = {"exporter": exporter, "importer": importer, "product": product, "value": value,
                  "quantity": quantity}
        if isinstance(year, str):
            wanted["year"] = year
        check_columns("frame", names, [c for c in wanted.values() if c is not None])
        get = {k: (frame[c] if c is not None else None) for k, c in wanted.items()}
        return cls.from_arrays(get["exporter"], get["importer"], get["product"], get["value"],
                               quantity=get["quantity"], year=get.get("year", year), hs=hs,
                               duplicates=duplicates)

    @staticmethod
    def _years(year, col, n, describe):
        if col is None:
            if year is None:
                return np.zeros(n, np.int32), False
            if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
                fail("year", "an integer year or a column of years", repr(year), TypeError)
            return np.full(n, year, np.int32), True
        if not pa.types.is_integer(col.type):
            fail("year", "integer years", f"a column of type {col.type}", TypeError)
        check_no_nulls("year", _null_rows(col), describe)
        return col.to_numpy(zero_copy_only=False).astype(np.int32, copy=False), True

    # -- columns and tables ----------------------------------------------------------------------
    def __len__(self):
        return len(self._cols["value"])

    @property
    def years(self):
        """Sorted years present (empty when the flows carry no year)."""
        if "_years" not in self.__dict__:  # the columns are read-only: compute once
            self._years = np.unique(self.year).tolist() if self._has_year and len(self) else []
        return list(self._years)

    def _key(self):
        """int64 (year, exporter, importer, product) key, increasing in BACI's file order."""
        y0 = int(self.year.min()) if len(self) else 0
        n_c, n_p = len(self.countries), len(self.products)
        key = (self.year.astype(np.int64) - y0) * n_c + self.exporter
        return (key * n_c + self.importer) * n_p + self.product

    def _replace(self, rows=None, **cols):
        """New flows with some rows (an index array or mask) and/or columns replaced."""
        new = {k: (v if rows is None else v[rows]) for k, v in self._cols.items()}
        new.update(cols)
        return TradeFlows(*(new[k] for k in COLUMNS), self.countries, self.products, hs=self.hs,
                          has_year=self._has_year, notes=self.notes)

    def _deduplicate(self, duplicates, describe):
        if _aggregate.first_unsorted(self.year, self.exporter, self.importer, self.product) == len(self):
            return self  # sorted and unique, as BACI files are: one pass, no copy
        if self._count_duplicates() == 0:
            return self  # unsorted but unique: O(n) bucket check
        key, order, start = self._groups()
        if duplicates == "error":
            repeat = np.ones(len(key), bool)
            repeat[start] = False
            dup_rows = np.sort(order[repeat])
            first_group = np.searchsorted(key[order], key[dup_rows[0]], side="left")
            check_duplicates(dup_rows, int(order[first_group]), describe)
        flows = self._combine(order, start)
        note = f"duplicates='sum': {len(key) - len(start)} duplicated rows were summed into {len(start)} flows"
        warnings.warn(note, UserWarning, stacklevel=3)
        flows.notes = flows.notes + (note,)
        return flows

    def _count_duplicates(self):
        """Rows repeating an earlier (year, exporter, importer, product): compiled O(n) check
        (a counting sort by year and pair); falls back to sorting when the buckets outnumber rows."""
        n_c, y0 = len(self.countries), int(self.year.min())
        n_buckets = (int(self.year.max()) - y0 + 1) * n_c * n_c
        if n_buckets > 4 * len(self) + 1_000_000:
            key = np.sort(self._key())
            return int((key[1:] == key[:-1]).sum())
        return _aggregate.count_duplicates(self.year, self.exporter, self.importer, self.product, y0, n_c,
                                           np.zeros(n_buckets + 1, np.int64), np.empty(len(self), np.int64),
                                           np.full(len(self.products), -1, np.int64))

    def _groups(self):
        """(key, order, start): the rows sorted stably by (year, exporter, importer, product)
        and where each run of one key starts in that order."""
        key = self._key()
        order = np.argsort(key, kind="stable")
        k = key[order]
        return key, order, np.flatnonzero(np.r_[True, k[1:] != k[:-1]])

    def _combine(self, order, start):
        """Sum values (and quantities; NaN if any part is missing) over groups of sorted rows."""
        first = order[start]
        return self._replace(first, value=np.add.reduceat(self.value[order], start),
                             quantity=np.add.reduceat(self.quantity[order], start))

    def _compact(self):
        """Shrink the code tables to the countries and products still present."""
        used_c = np.zeros(len(self.countries), bool)
        used_c[self.exporter] = True
        used_c[self.importer] = True
        used_p = np.zeros(len(self.products), bool)
        used_p[self.product] = True
        remap_c = np.cumsum(used_c, dtype=np.int32) - 1
        remap_p = np.cumsum(used_p, dtype=np.int32) - 1
        flows = self._replace(exporter=remap_c[self.exporter], importer=remap_c[self.importer],
                              product=remap_p[self.product])
        flows.countries = self.countries.take(np.flatnonzero(used_c))
        flows.products = self.products.take(np.flatnonzero(used_p))
        return flows

    # -- selection and aggregation ---------------------------------------------------------------
    def select(self, *, years=None, exporters=None, importers=None, products=None):
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
            ys = [years] if np.isscalar(years) else list(years)
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

    def aggregate_products(self, digits):
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
        return self._recode_products([c[:digits] for c in self.products.code], self.products.classification)

    def convert(self, to="sitc3", *, digits=3, hs=None, unmapped="drop"):
        """Flows in SITC Rev.3 product codes, cut to `digits` characters (3 = the 3-digit groups of
        UNCTAD and of most complementarity studies), values and quantities summed.

        The concordance is chosen by the HS revision (`hs`, default ``flows.hs``): HS 1988/92 ->
        SITC Rev.3 (World Bank WITS) or HS 2017 -> SITC Rev.3 (UN Statistics Division). Needs
        6-digit HS codes. HS codes missing from the table are reported (a warning and ``notes``
        with their count and value share) and dropped (``unmapped="drop"``), or raise
        (``unmapped="error"``).

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
        table = concordance(hs or self.hs)
        lengths = sorted({len(c) for c in self.products.code})
        if lengths != [6] and len(self.products):
            fail("products", "6-digit HS codes to convert to SITC (convert before aggregate_products)",
                 f"{'/'.join(map(str, lengths))}-digit codes")
        new = [table.get(c) for c in self.products.code]
        missing = np.array([c is None for c in new], dtype=bool)
        flows = self
        if missing.any():
            lost = missing[self.product]
            codes = [c for c, m in zip(self.products.code, missing) if m]
            note = (f"convert: {len(codes)} HS codes without an SITC Rev.3 match ({', '.join(codes[:5])}"
                    f"{' ...' if len(codes) > 5 else ''}): {int(lost.sum())} flows, "
                    f"{100 * self.value[lost].sum() / max(self.value.sum(), 1e-300):.3f}% of value, dropped")
            if unmapped == "error":
                fail("products", "HS codes with an SITC Rev.3 match (or unmapped='drop')", note)
            warnings.warn(note, UserWarning, stacklevel=2)
            flows = self._replace(np.flatnonzero(~lost))._compact()
            flows.notes = flows.notes + (note,)
            new = [table[c] for c in flows.products.code]
        return flows._recode_products([c[:digits] for c in new], "SITC3")

    def _recode_products(self, new_codes, classification):
        """Map each product id to a new code (one per current product) and sum rows that meet."""
        table, where = np.unique(np.asarray(new_codes, dtype=object).astype(str), return_inverse=True)
        flows = self._replace(product=where.astype(np.int32)[self.product])
        flows.products = ProductTable(table.astype(object), classification)
        _, order, start = flows._groups()
        return flows._combine(order, start)

    # -- matrices and totals ---------------------------------------------------------------------
    def _year_rows(self, year):
        if year is None:
            check_one_year("year", self.years)
            return slice(None)
        check_year("year", year, self.years)
        return self.year == year

    def _side_values(self, side, rows):
        """Countries x products sums of the exports (or imports) in `rows` (a slice or mask): a
        dense ndarray accumulated by the compiled kernel in O(n) when the cells are few next to
        the flows (a BACI year), else a scipy.sparse CSR array (e.g. firm-level data)."""
        ids = (self.exporter if side == "exports" else self.importer)[rows]
        value, product = self.value[rows], self.product[rows]
        shape = (len(self.countries), len(self.products))
        if shape[0] * shape[1] <= DENSE_CELLS_PER_FLOW * len(value) + DENSE_CELLS_MIN:
            cells = group_totals(ids.astype(np.int64) * shape[1] + product, value, shape[0] * shape[1])
            return cells.reshape(shape)
        m = sp.csr_array((value, (ids, product)), shape=shape)
        m.sum_duplicates()
        return m

    def _matrix(self, side, year):
        m = self._side_values(side, self._year_rows(year))
        m = m if sp.issparse(m) else sp.csr_array(m)
        year = year if year is not None else (self.years[0] if self.years else None)
        return TradeMatrix(m, self.countries.label, self.products.code, year, side)

    def exports(self, year=None):
        """Country x product matrix of exports to all partners in these flows (the world, unless
        importers were selected), as a labelled scipy.sparse CSR (:class:`TradeMatrix`).

        Rows are all countries of the flows (a country that only imports has an empty row), columns
        all products. `year` is required when the flows hold several years.
        """
        return self._matrix("exports", year)

    def imports(self, year=None):
        """Country x product matrix of imports from all partners in these flows; see `exports`."""
        return self._matrix("imports", year)

    def exports_by_year(self):
        """{year: exports(year)} for every year present."""
        return {y: self.exports(y) for y in self.years}

    def imports_by_year(self):
        """{year: imports(year)} for every year present."""
        return {y: self.imports(y) for y in self.years}

    def country_totals(self, n_threads=None):
        """(exports, imports): float64 totals per country id over all rows (compiled kernel)."""
        n = len(self.countries)
        return (group_totals(self.exporter, self.value, n, n_threads=n_threads),
                group_totals(self.importer, self.value, n, n_threads=n_threads))

    # -- display ---------------------------------------------------------------------------------
    def summary(self):
        """A few lines on what the flows hold: rows, years, countries, products, value."""
        exp, imp = self.country_totals()
        years = self.years
        span = f"{years[0]}-{years[-1]} ({len(years)} years)" if len(years) > 1 else (str(years[0]) if years else "none recorded")
        top = np.argsort(-exp)[:5]
        digits = sorted({len(c) for c in self.products.code})
        lines = [
            f"TradeFlows: {len(self):,} flows",
            f"  years     : {span}",
            f"  countries : {len(self.countries)} ({int((exp > 0).sum())} exporting, {int((imp > 0).sum())} importing)",
            f"  products  : {len(self.products):,} ({'/'.join(map(str, digits))}-character codes{self._classification()})",
            f"  value     : {self.value.sum():,.1f} (sum of flows, in the data's unit)",
            f"  quantity  : {np.isnan(self.quantity).sum():,} rows without a quantity",
            "  top exporters: " + ", ".join(f"{self.countries.label[i]} {exp[i]:,.0f}" for i in top if exp[i] > 0),
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self):
        years = self.years
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "no year")
        return (f"<TradeFlows {len(self):,} flows, {span}, {len(self.countries)} countries, "
                f"{len(self.products):,} products{self._classification()}>")

    def _classification(self):
        if self.products.classification != "HS":
            return f", {self.products.classification}" + (f" (from {self.hs})" if self.hs else "")
        return f", {self.hs}" if self.hs else ""


for _name in COLUMNS:
    setattr(TradeFlows, _name, property(lambda self, _n=_name: self._cols[_n],
                                        doc=f"The read-only {_name} column (NumPy array)."))

"""Labelled results: TradeMatrix (sparse country x product values), IndexMatrix (one index for
all pairs) and IndexPanel (years x rows x cols). pandas is optional (``to_pandas``)."""
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ._validation import fail


def _pandas():
    try:
        import pandas
    except ImportError as err:  # pragma: no cover - pandas is in the [test] extra
        raise ImportError("to_pandas()/to_long() need pandas: pip install 'tradeindex[pandas]'") from err
    return pandas


def _positions(labels, keys, param):
    """Positions of labels; one label gives an int, a list gives an array."""
    index = {str(lab): n for n, lab in enumerate(labels)}
    many = not isinstance(keys, str)
    keys = list(keys) if many else [keys]
    unknown = [k for k in keys if str(k) not in index]
    if unknown:
        fail(param, "labels among " + ", ".join(map(str, labels[:8])) + (" ..." if len(labels) > 8 else ""),
             ", ".join(map(repr, unknown)), KeyError)
    pos = [index[str(k)] for k in keys]
    return np.asarray(pos) if many else pos[0]


@dataclass
class TradeMatrix:
    """A country x product matrix of trade values: ``matrix`` (scipy.sparse CSR), ``rows``
    (country labels), ``cols`` (product codes), ``year`` and ``kind`` ("exports"/"imports")."""
    matrix: object
    rows: np.ndarray
    cols: np.ndarray
    year: object
    kind: str

    def to_pandas(self):
        """Dense pandas DataFrame (countries x products)."""
        return _pandas().DataFrame(self.matrix.toarray(), index=list(self.rows), columns=list(self.cols))


class _Loc:
    def __init__(self, m):
        self._m = m

    def __getitem__(self, key):
        m = self._m
        r, c = key if isinstance(key, tuple) else (key, slice(None))
        ri = slice(None) if isinstance(r, slice) else _positions(m.rows, r, m.row_name)
        ci = slice(None) if isinstance(c, slice) else _positions(m.cols, c, m.col_name)
        if np.isscalar(ri) and np.isscalar(ci):
            return float(m.values[ri, ci])
        ri = [ri] if np.isscalar(ri) else ri
        ci = [ci] if np.isscalar(ci) else ci
        return m._take(ri, ci)


class _LongTable:
    """to_long / to_csv / to_parquet of a result whose ``to_arrow()`` is its long pair table."""

    def to_long(self):
        """Long pandas DataFrame, one row per pair (the pair table of gravity models)."""
        return self.to_arrow().to_pandas()

    def to_csv(self, path):
        pacsv.write_csv(self.to_arrow(), str(path))

    def to_parquet(self, path):
        """Write the long pair table as Parquet."""
        pq.write_table(self.to_arrow(), str(path))


@dataclass
class IndexMatrix(_LongTable):
    """One index for every (row, column) pair, with labels and the conventions used.

    ``values`` (rows x cols ndarray; NaN where the index is undefined), ``rows`` / ``cols``
    (labels), ``row_name`` / ``col_name`` (what the axes are, e.g. "exporter", "importer"),
    ``name`` (the index), ``year``, ``meta`` (conventions: scale, products, partners...).
    ``m.loc["RUS", "KAZ"]`` gives one value; lists of labels give a sub-matrix.
    """
    values: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    name: str
    row_name: str = "row"
    col_name: str = "col"
    year: object = None
    meta: dict = field(default_factory=dict)
    row_codes: np.ndarray = None
    col_codes: np.ndarray = None

    @property
    def loc(self):
        return _Loc(self)

    @property
    def shape(self):
        return self.values.shape

    def _take(self, ri, ci):
        return IndexMatrix(self.values[np.ix_(np.arange(len(self.rows))[ri], np.arange(len(self.cols))[ci])],
                           np.asarray(self.rows)[ri], np.asarray(self.cols)[ci], self.name,
                           self.row_name, self.col_name, self.year, dict(self.meta))

    def __repr__(self):
        yr = f", {self.year}" if self.year is not None else ""
        return (f"<IndexMatrix {self.name}{yr}: {self.shape[0]} {self.row_name}s x "
                f"{self.shape[1]} {self.col_name}s, {np.isnan(self.values).sum()} NaN>")

    def to_string(self, digits=0, max_rows=40, max_cols=30):
        """A plain-text table (no pandas needed): rows x cols, NaN as "n/a", cut to
        `max_rows` x `max_cols` with a note when larger."""
        rows, cols = [str(r) for r in self.rows[:max_rows]], [str(c) for c in self.cols[:max_cols]]
        cells = [["n/a" if np.isnan(v) else f"{v:.{digits}f}" for v in line[:max_cols]]
                 for line in self.values[:max_rows]]
        width = max([len(c) for c in cols] + [len(x) for line in cells for x in line] + [3])
        head = max([len(r) for r in rows] + [len(self.row_name)])
        out = [f"{self.row_name:<{head}} " + " ".join(f"{c:>{width}}" for c in cols)]
        out += [f"{r:<{head}} " + " ".join(f"{x:>{width}}" for x in line) for r, line in zip(rows, cells)]
        if self.shape[0] > max_rows or self.shape[1] > max_cols:
            out.append(f"... ({self.shape[0]} x {self.shape[1]} in all)")
        return "\n".join(out)

    def to_pandas(self):
        """Wide pandas DataFrame: rows x cols, labelled."""
        pd = _pandas()
        return pd.DataFrame(self.values, index=pd.Index(list(self.rows), name=self.row_name),
                            columns=pd.Index(list(self.cols), name=self.col_name))

    def to_arrow(self):
        """Long pyarrow Table: one row per pair (row label, col label, [year], value)."""
        r, c = np.meshgrid(np.arange(len(self.rows)), np.arange(len(self.cols)), indexing="ij")
        cols = {self.row_name: pa.array(np.asarray(self.rows, dtype=object)[r.ravel()].astype(str)),
                self.col_name: pa.array(np.asarray(self.cols, dtype=object)[c.ravel()].astype(str))}
        if self.year is not None:
            cols["year"] = pa.array(np.full(r.size, self.year, dtype=np.int32))
        cols[self.name.replace(" ", "_")] = pa.array(self.values.ravel(), from_pandas=False)
        return pa.table(cols)

    def to_csv(self, path, *, long=False):
        """Write CSV: wide (a row label column, then one column per col label) or long; NaN
        is written as an empty field."""
        table = self.to_arrow() if long else pa.table(
            {self.row_name: pa.array(np.asarray(self.rows, dtype=object).astype(str)),
             **{str(c): pa.array(self.values[:, j]) for j, c in enumerate(self.cols)}})
        pacsv.write_csv(table, str(path))


@dataclass
class IndexPanel(_LongTable):
    """An index for every pair and year: ``values`` (years x rows x cols) and the labels;
    ``panel[year]`` is that year's IndexMatrix."""
    values: np.ndarray
    years: list
    rows: np.ndarray
    cols: np.ndarray
    name: str
    row_name: str = "row"
    col_name: str = "col"
    meta: dict = field(default_factory=dict)
    row_codes: np.ndarray = None
    col_codes: np.ndarray = None

    def __getitem__(self, year):
        pos = _positions([str(y) for y in self.years], str(year), "year")
        return IndexMatrix(self.values[pos], self.rows, self.cols, self.name, self.row_name,
                           self.col_name, self.years[pos], dict(self.meta))

    def __iter__(self):
        return (self[y] for y in self.years)

    def __len__(self):
        return len(self.years)

    def __repr__(self):
        return (f"<IndexPanel {self.name}: {len(self.years)} years ({self.years[0]}-{self.years[-1]}) x "
                f"{len(self.rows)} {self.row_name}s x {len(self.cols)} {self.col_name}s>")

    def to_arrow(self):
        return pa.concat_tables([m.to_arrow() for m in self])


@dataclass
class TopPartners(_LongTable):
    """The k best partners of each row, e.g. the importers most complementary to each exporter.

    ``values`` and ``partners`` (labels; "" where there is none) are (years x rows x k), best
    first; ``years`` ([None] when the flows carry no year), ``rows`` (labels), ``name``,
    ``row_name`` / ``col_name``, ``meta`` (conventions). ``to_long()`` is the pair table.
    """
    values: np.ndarray
    partners: np.ndarray
    years: list
    rows: np.ndarray
    name: str
    row_name: str = "row"
    col_name: str = "col"
    meta: dict = field(default_factory=dict)
    row_codes: np.ndarray = None
    partner_codes: np.ndarray = None

    def __repr__(self):
        return (f"<TopPartners {self.name}: top {self.values.shape[-1]} {self.col_name}s for "
                f"{len(self.rows)} {self.row_name}s, {len(self.years)} year(s)>")

    def to_arrow(self):
        """Long pyarrow Table: [year], row label, rank (1 = best), partner label, value; slots
        without a partner are left out."""
        y, r, k = np.nonzero(self.partners != "")
        cols = {}
        if self.years != [None]:
            cols["year"] = pa.array(np.asarray(self.years, dtype=np.int32)[y])
        cols[self.row_name] = pa.array(np.asarray(self.rows, dtype=object)[r].astype(str))
        cols["rank"] = pa.array((k + 1).astype(np.int32))
        cols[self.col_name] = pa.array(self.partners[y, r, k].astype(str))
        cols[self.name.replace(" ", "_")] = pa.array(self.values[y, r, k].astype(np.float64))
        return pa.table(cols)

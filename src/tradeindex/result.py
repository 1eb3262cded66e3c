"""Labelled results: TradeMatrix (sparse country x product values), IndexMatrix (one index for
all pairs), IndexPanel (years x rows x cols) and TopPartners (the k best partners of each row).

Every result carries the labels of its axes and the numeric country code of each entry
(``row_codes`` / ``col_codes``: -1 for a group or a free-text label) and converts to the forms
users need: NumPy (``np.asarray``), pandas, xarray, Arrow (``to_arrow`` and the Arrow PyCapsule
stream protocol, so polars, DuckDB and pyarrow read a result directly) and files (``write``),
with the column names and conventions of ``docs/conventions.md``. pandas and xarray are optional.
"""
from __future__ import annotations

import functools
import json
import keyword
import numbers
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NoReturn, Protocol, TypeVar, overload

import numpy as np
import pyarrow as pa
from numpy.lib.mixins import NDArrayOperatorsMixin

from ._output import nan_to_null, write_table
from ._validation import check_choice, check_length, check_output_path, check_positive_int, fail

if TYPE_CHECKING:
    from pathlib import Path

    import numpy.typing as npt
    import pandas as pd
    import scipy.sparse as sp
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from typing_extensions import Self

    from ._typing import Countries, I64Array, ObjectArray, PathLike

    #: A key on one axis: a label, a numeric country code or a country name.
    Key = str | int | np.integer[Any]
    P = TypeVar("P", bound=PathLike)

    class MatrixLoc(Protocol):
        """``IndexMatrix.loc``: two keys give a value, anything else (one key, lists, slices) a
        sub-matrix."""
        @overload
        def __getitem__(self, key: tuple[Key, Key]) -> float: ...  # type: ignore[overload-overlap]  # first match wins
        @overload
        def __getitem__(self, key: object) -> IndexMatrix: ...

    class PanelLoc(Protocol):
        """``IndexPanel.loc[year, row, col]``: all three keys give a value, one year an IndexMatrix,
        one (row, col) pair over several years {year: value}, else a panel."""
        @overload
        def __getitem__(self, key: tuple[int, Key, Key]) -> float: ...  # type: ignore[overload-overlap]  # the same
        @overload
        def __getitem__(  # type: ignore[overload-overlap]  # the same
            self, key: int | tuple[int] | tuple[int, object] | tuple[int, object, object]) -> IndexMatrix: ...
        @overload
        def __getitem__(  # type: ignore[overload-overlap]  # the same
            self, key: tuple[slice | Sequence[int], Key, Key]) -> dict[int, float]: ...
        @overload
        def __getitem__(self, key: object) -> IndexPanel: ...


def _pandas() -> ModuleType:
    try:
        import pandas
    except ImportError as err:  # pragma: no cover - pandas is in the [test] extra
        raise ImportError("to_pandas()/to_long() need pandas: pip install 'tradeindex[pandas]'") from err
    return pandas


def _xarray() -> ModuleType:
    try:
        import xarray
    except ImportError as err:  # pragma: no cover - xarray is in the [test] extra
        raise ImportError("to_xarray() needs xarray: pip install 'tradeindex[xarray]'") from err
    return xarray


# -- names -----------------------------------------------------------------------------------------
#: Stata type names a variable cannot take (Python keywords are checked with `keyword`).
_RESERVED = {"byte", "double", "float", "int", "long", "strl", "using"}
#: Axes whose entries are not countries: no code column in the long table.
NON_COUNTRY_AXES = {"product"}


def column_name(name: object) -> str:
    """The column name of a value or an axis in long tables: snake_case ASCII, a valid Python
    identifier (statsmodels / patsy formulas) and Stata name (32 characters at most).

    Examples
    --------
    >>> from tradeindex.result import column_name
    >>> column_name("trade complementarity"), column_name("Grubel-Lloyd"), column_name("marginal IIT A")
    ('trade_complementarity', 'grubel_lloyd', 'marginal_iit_a')
    >>> column_name("trade type vertical_up (ghm)"), column_name("2x share")
    ('trade_type_vertical_up_ghm', 'v_2x_share')
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower() or "value"
    text = ("v_" + text if text[0].isdigit() else text)[:32].rstrip("_")
    return text + "_" if keyword.iskeyword(text) or text in _RESERVED else text


# -- axes: labels, codes and look-up ---------------------------------------------------------------
def _labels(labels: Iterable[object]) -> ObjectArray:
    return np.array([str(x) for x in labels], dtype=object)


def _codes(codes: npt.ArrayLike | None, n: int, param: str) -> I64Array:
    """int64 country codes of an axis of `n` entries (None: all -1, no code known)."""
    if codes is None:
        return np.full(n, -1, dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    check_length(param, codes, n, "the labels")
    return codes


def _check_unique(labels: Iterable[str], param: str) -> None:
    seen = Counter(labels)
    twice = [lab for lab, n in seen.items() if n > 1]
    if twice:
        fail(param, "unique labels", ", ".join(map(repr, twice[:5])) + " more than once")


@functools.lru_cache(maxsize=None)
def _countries_by_name() -> dict[str, list[tuple[int, str]]]:
    from .codes import country_reference
    out: dict[str, list[tuple[int, str]]] = {}
    for code, (iso3, name) in country_reference().items():
        out.setdefault(name.strip().casefold(), []).append((code, iso3))
    return out


def country_by_name(name: object) -> list[tuple[int, str]]:
    """[(numeric code, ISO3)] of the countries called `name` (case-insensitive; [] if none): the
    one place results look countries up by name."""
    return _countries_by_name().get(str(name).strip().casefold(), [])


def _key_position(index: Mapping[str, int], codes: I64Array, key: Any) -> int | None:
    """Position of one key on an axis: a label, else a numeric country code, else a country
    name (its code, then its ISO3 as a label); None when nothing matches."""
    hit = index.get(str(key))
    if hit is not None or isinstance(key, (bool, np.bool_)):
        return hit
    if isinstance(key, (numbers.Integral, np.integer)) or (isinstance(key, str) and key.strip().isdigit()):
        where = np.flatnonzero(codes == int(key))
        return int(where[0]) if len(where) else None
    for code, iso3 in country_by_name(key):
        where = np.flatnonzero(codes == code)
        if len(where) or iso3 in index:
            return int(where[0]) if len(where) else index[iso3]
    return None


def _positions(labels: ObjectArray, codes: I64Array, keys: Any, param: str) -> Any:
    """Positions of keys on an axis: one key gives an int; a list or a slice (of keys,
    inclusive like pandas' .loc) gives an array."""
    index = {lab: n for n, lab in enumerate(labels)}

    def one(key: Any) -> int:
        pos = _key_position(index, codes, key)
        if pos is None:
            fail(param, "labels, numeric country codes or country names among " + ", ".join(map(str, labels[:8]))
                 + (" ..." if len(labels) > 8 else ""), repr(key), KeyError)
        return pos
    if isinstance(keys, slice):
        lo = 0 if keys.start is None else one(keys.start)
        hi = len(labels) - 1 if keys.stop is None else one(keys.stop)
        return np.arange(lo, hi + 1)[::keys.step or 1]
    if np.ndim(keys) == 0:
        return one(keys.item() if isinstance(keys, np.generic) else keys)
    return np.array([one(k) for k in keys], dtype=np.intp)


def _year_positions(years: Sequence[int], keys: Any) -> Any:
    """Positions of years: one year gives an int; a list or a slice (inclusive range of years)
    an array."""
    if isinstance(keys, slice):
        lo, hi = keys.start, keys.stop
        return np.array([n for n, y in enumerate(years) if (lo is None or y >= lo) and (hi is None or y <= hi)],
                        dtype=np.intp)[::keys.step or 1]
    index = {str(y): n for n, y in enumerate(years)}

    def one(key: Any) -> int:
        if str(key) not in index:
            fail("year", "one of the years " + ", ".join(map(str, years)), repr(key), KeyError)
        return index[str(key)]
    return one(keys) if np.ndim(keys) == 0 else np.array([one(k) for k in keys], dtype=np.intp)


def _union(axes: Sequence[tuple[ObjectArray, I64Array]]) -> tuple[ObjectArray, I64Array, list[npt.NDArray[np.intp]]]:
    """The union of several axes [(labels, codes), ...]: entries with a country code (>= 0)
    sorted by code, then the others (groups, free-text labels) in order of first appearance.
    An entry matches by code, or by label when either side has no code. Two countries left
    with one label (BACI's 56 and 58 are both BEL) are labelled ``LABEL(code)``. Axes that are
    all the same are kept as they are.

    Returns (labels, codes, [positions of each input's entries in the union])."""
    labels, codes = axes[0]
    if all(np.array_equal(labels, lab) and np.array_equal(codes, c) for lab, c in axes[1:]):
        return labels, codes, [np.arange(len(labels))] * len(axes)
    entries: list[list[Any]] = []  # [label, code]
    by_code: dict[int, int] = {}
    by_label: dict[str, int] = {}
    where = []
    for labels, codes in axes:
        pos = np.empty(len(labels), dtype=np.intp)
        for n, (lab, code) in enumerate(zip(labels, codes.tolist())):
            e = by_code.get(code) if code >= 0 else None
            if e is None and lab in by_label and (code < 0 or entries[by_label[lab]][1] < 0):
                e = by_label[lab]
                if code >= 0:
                    entries[e][1], by_code[code] = code, e
            if e is None:
                e = len(entries)
                entries.append([lab, code])
                by_label.setdefault(lab, e)
                if code >= 0:
                    by_code[code] = e
            pos[n] = e
        where.append(pos)
    order = sorted(range(len(entries)), key=lambda e: (entries[e][1] < 0, max(entries[e][1], 0), e))
    rank = np.empty(len(entries), dtype=np.intp)
    rank[order] = np.arange(len(entries))
    count = Counter(entries[e][0] for e in order)
    names = [f"{lab}({code})" if count[lab] > 1 and code >= 0 else lab for lab, code in (entries[e] for e in order)]
    return _labels(names), np.array([entries[e][1] for e in order], dtype=np.int64), [rank[p] for p in where]


def _self_pairs(rows: ObjectArray, row_codes: I64Array, cols: ObjectArray, col_codes: I64Array) -> npt.NDArray[np.bool_]:
    """(R, C) mask of the pairs of an entry with itself: same code (>= 0) or same label."""
    same_code = (row_codes[:, None] == col_codes[None, :]) & (row_codes[:, None] >= 0)
    return same_code | (rows[:, None] == cols[None, :])


def _self_columns(rows: ObjectArray, row_codes: I64Array, cols: ObjectArray, col_codes: I64Array) -> I64Array:
    """For each row, the first column that is the same entry by :func:`_self_pairs`' rule (same
    code >= 0, or same label), or -1: without the R x C mask (the top-k of 200,000 countries
    needs no 37 GiB mask beside its small result)."""
    by_code: dict[int, int] = {}
    by_label: dict[str, int] = {}
    for k, (code, label) in enumerate(zip(col_codes, cols)):
        if code >= 0:
            by_code.setdefault(int(code), k)
        by_label.setdefault(label, k)
    found = [min(by_code.get(int(code), len(cols)) if code >= 0 else len(cols), by_label.get(label, len(cols)))
             for code, label in zip(row_codes, rows)]
    return np.array([k if k < len(cols) else -1 for k in found], dtype=np.int64)


def _axis_columns(name: str, labels: ObjectArray, codes: I64Array, pos: npt.NDArray[np.integer[Any]]) -> dict[str, Any]:
    """The long table's columns of one axis: its labels and, for a country axis, their codes
    (null where -1)."""
    out = {column_name(name): pa.array(labels.tolist(), pa.string()).take(pa.array(pos))}
    if name not in NON_COUNTRY_AXES:
        out[column_name(name) + "_code"] = pa.array(codes, pa.int64(), mask=codes < 0).take(pa.array(pos))
    return out


def _values_column(values: npt.NDArray[Any]) -> pa.Array:
    """A value column of a long table: NaN as null (Arrow is the interchange format)."""
    values = np.ascontiguousarray(values)
    return pa.array(values, mask=np.isnan(values) if values.dtype.kind == "f" else None)


# -- meta -------------------------------------------------------------------------------------------
def _same(a: object, b: object) -> bool:
    """a == b for meta values, arrays (and containers of arrays) included."""
    try:
        return bool(a == b)
    except (ValueError, TypeError):
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            return np.array_equal(a, b)
        return repr(a) == repr(b)


def _by_year(value: object, years: Collection[object]) -> bool:
    """Is `value` a per-year dict ({year: ...} with every key among `years`)?"""
    return isinstance(value, dict) and bool(value) and all(k in years for k in value)


def _merge_meta(metas: Sequence[Mapping[str, Any]], years: Sequence[Any]) -> dict[str, Any]:
    """The meta of a panel from the meta of each year: a value equal in every year is kept once;
    per-year dicts ({year: ...}) are merged; any other value becomes {year: value}."""
    out: dict[str, Any] = {}
    for key in dict.fromkeys(k for m in metas for k in m):
        have = [(y, m[key]) for y, m in zip(years, metas) if key in m]
        if len(have) == len(metas) and all(_same(v, have[0][1]) for _, v in have):
            out[key] = have[0][1]
        elif all(_by_year(v, years) for _, v in have):
            out[key] = {y: v for _, d in have for y, v in d.items()}
        else:
            out[key] = dict(have)
    return out


def _year_meta(meta: Mapping[str, Any], year: int, years: Collection[int]) -> dict[str, Any]:
    """One year's meta out of a panel's: per-year dicts reduced to that year's entry."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if not _by_year(value, years):
            out[key] = value
        elif year in value:
            out[key] = {year: value[year]}
    return out


def _attrs(meta: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """meta as netCDF-safe attributes: numbers and text kept, anything else as JSON text."""
    out: dict[str, Any] = {}
    for key, value in {**extra, **meta}.items():
        keep = isinstance(value, (str, int, float, np.number)) and not isinstance(value, (bool, np.bool_))
        out[str(key)] = value if keep else json.dumps(value, default=str)
    return out


# -- shared behaviour ------------------------------------------------------------------------------
class _Result:
    """What every labelled result has: files, Arrow, pandas, NumPy."""

    if TYPE_CHECKING:  # what each result defines
        name: str
        meta: dict[str, Any]

        @property
        def values(self) -> npt.NDArray[Any]: ...
        def to_arrow(self) -> pa.Table: ...

    def __array__(self, dtype: npt.DTypeLike | None = None, copy: bool | None = None) -> npt.NDArray[Any]:
        return np.array(self.values, dtype=dtype, copy=copy)

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Arrow PyCapsule stream of the long table: ``pa.table(r)``, ``polars.DataFrame(r)``,
        ``duckdb.sql("select * from r")``."""
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def __bool__(self) -> NoReturn:
        raise ValueError(f"the truth value of a {type(self).__name__} is ambiguous; compare its values "
                         "(np.asarray(r)) or test `is None`")

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape

    @property
    def ndim(self) -> int:
        return self.values.ndim

    @property
    def value_name(self) -> str:
        """The value column of the long table: :func:`column_name` of ``name``."""
        return column_name(self.name)

    def _keep_self_pairs(self) -> bool:
        """meta["self_pairs"] is True (a per-year dict of a panel assembled from years that
        disagree is not)."""
        flag = self.meta.get("self_pairs")
        return isinstance(flag, (bool, np.bool_)) and bool(flag)

    def to_long(self) -> pd.DataFrame:
        """Long pandas DataFrame (the pair table of gravity models, columns as in
        docs/conventions.md): NaN in values, <NA> in country codes of groups."""
        pd = _pandas()
        return self.to_arrow().to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)

    def write(self, path: PathLike, *, overwrite: bool = True) -> Path:
        """Write the long table; the format follows the extension (.csv, .csv.gz, .parquet,
        .arrow, .feather, .dta); NaN as a real null; atomic (see ``tradeindex._output``)."""
        return write_table(self, path, overwrite=overwrite)

    def to_parquet(self, path: PathLike, *, overwrite: bool = True) -> Path:
        """Write the long table as Parquet (NaN as null)."""
        return write_table(self, _suffixed(path, ".parquet"), overwrite=overwrite)

    def to_csv(self, path: PathLike, *, overwrite: bool = True) -> Path:
        """Write the long table as CSV (NaN as an empty field)."""
        return write_table(self, _suffixed(path, ".csv", ".csv.gz"), overwrite=overwrite)


def _suffixed(path: P, *suffixes: str) -> P:
    return check_output_path("path", path, suffixes)


# -- arithmetic ------------------------------------------------------------------------------------
_SYMBOLS: dict[np.ufunc, str] = {
    np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/", np.floor_divide: "//",
    np.power: "**", np.remainder: "%", np.equal: "==", np.not_equal: "!=", np.less: "<",
    np.less_equal: "<=", np.greater: ">", np.greater_equal: ">="}


def _is_number(x: object) -> bool:
    return isinstance(x, (numbers.Number, np.generic)) or (isinstance(x, np.ndarray) and x.ndim == 0)


def _expression(ufunc: np.ufunc, operands: Sequence[str]) -> str:
    sym = _SYMBOLS.get(ufunc)
    if sym and len(operands) == 2:
        return f"{operands[0]} {sym} {operands[1]}"
    return f"{ufunc.__name__}({', '.join(operands)})"


class _Arithmetic(NDArrayOperatorsMixin):
    """Elementwise NumPy ufuncs and operators (+ - * / ** < == ...) for IndexMatrix and
    IndexPanel, with scalars or with a result of the same kind aligned on labels (the union of
    the entries, NaN where one side lacks one). With a scalar the name is kept and
    ``meta["operations"]`` records the step; two results give a result named after both whose
    ``meta["operation"]`` says what was combined."""

    if TYPE_CHECKING:  # what IndexMatrix and IndexPanel (dataclasses) define
        __dataclass_fields__: ClassVar[dict[str, Any]]
        values: npt.NDArray[Any]
        name: str
        row_name: str
        col_name: str
        meta: dict[str, Any]
        def _identity(self) -> dict[str, Any]: ...
        def _aligned(self, other: Any) -> tuple[Any, npt.NDArray[Any], npt.NDArray[Any]]: ...

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or ufunc.signature is not None or ufunc.nout != 1 or "out" in kwargs:
            return NotImplemented
        if not all(type(x) is type(self) or _is_number(x) for x in inputs):
            return NotImplemented
        results = [x for x in inputs if isinstance(x, _Arithmetic)]
        if len(results) == 1:
            with np.errstate(divide="ignore", invalid="ignore"):  # as pandas: 0/0 is NaN, x/0 inf
                values = ufunc(*[self.values if x is self else x for x in inputs], **kwargs)
            step = _expression(ufunc, ["x" if x is self else str(x) for x in inputs])
            return self._like(values, meta={**self.meta, "operations": [*self.meta.get("operations", []), step]})
        left, right = results
        if (left.row_name, left.col_name) != (right.row_name, right.col_name):
            fail("other", f"a result with axes {left.row_name} x {left.col_name} to combine with "
                 f"{left.name!r}", f"{right.row_name} x {right.col_name}")
        frame, a, b = left._aligned(right)
        common = {k: v for k, v in left.meta.items() if k in right.meta and _same(v, right.meta[k])}
        operand = [{**r._identity(), "meta": {k: v for k, v in r.meta.items() if k not in common}}
                   for r in (left, right)]
        name = self._combined_name(ufunc, left, right)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = ufunc(a, b, **kwargs)
        return frame._like(values, name=name,
                           meta={**common, "operation": {"op": _expression(ufunc, ["left", "right"]),
                                                         "left": operand[0], "right": operand[1]}})

    @staticmethod
    def _combined_name(ufunc: np.ufunc, left: _Arithmetic, right: _Arithmetic) -> str:
        a, b = left._identity(), right._identity()
        when = [x.get("year", x.get("years")) for x in (a, b)]
        if left.name == right.name and when[0] != when[1] and "year" in a:
            return f"{left.name}, {_expression(ufunc, [str(w) for w in when])}"
        return _expression(ufunc, [left.name, right.name])

    def _like(self, values: npt.NDArray[Any], **changes: Any) -> Self:
        return replace(self, values=values, **changes)


def _float_dtype(*dtypes: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype that holds these values and NaN: a float dtype kept, anything else float64."""
    dtype = np.result_type(*dtypes)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def _place(values: npt.NDArray[Any], where: Sequence[npt.NDArray[np.intp]], shape: tuple[int, ...]) -> npt.NDArray[Any]:
    """`values` spread into a NaN array of `shape` at the positions `where` (one per axis);
    `values` itself when they already fill it in order."""
    if all(len(w) == n and np.array_equal(w, np.arange(n)) for w, n in zip(where, shape)):
        return values
    out = np.full(shape, np.nan, dtype=_float_dtype(values.dtype))
    out[np.ix_(*where)] = values
    return out


# -- TradeMatrix -----------------------------------------------------------------------------------
@dataclass(eq=False)
class TradeMatrix:
    """A country x product matrix of trade values: ``matrix`` (scipy.sparse CSR), ``rows``
    (country labels), ``cols`` (product codes), ``year`` and ``kind`` ("exports"/"imports").
    ``np.asarray(m)`` is the dense matrix; the kernels (``tradeindex.kernels``) take it as is."""
    matrix: sp.csr_array
    rows: ObjectArray
    cols: ObjectArray
    year: int | None
    kind: str

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def __array__(self, dtype: npt.DTypeLike | None = None, copy: bool | None = None) -> npt.NDArray[Any]:
        if copy is False:
            raise ValueError("a TradeMatrix is sparse: a dense array is always a copy (copy=False impossible)")
        return np.asarray(self.matrix.toarray(), dtype=dtype)

    def to_pandas(self) -> pd.DataFrame:
        """Dense pandas DataFrame (countries x products)."""
        return _pandas().DataFrame(self.matrix.toarray(), index=list(self.rows), columns=list(self.cols))


# -- IndexMatrix -----------------------------------------------------------------------------------
class _Loc:
    def __init__(self, result: IndexMatrix | IndexPanel) -> None:
        self._r = result

    def __getitem__(self, key: Any) -> Any:
        return self._r._loc(key if isinstance(key, tuple) else (key,))


def _as_list(pos: Any) -> Any:
    return [pos] if np.ndim(pos) == 0 else pos


@dataclass(eq=False)
class IndexMatrix(_Arithmetic, _Result):
    """One index for every (row, column) pair, with labels and the conventions used.

    ``values`` (rows x cols ndarray; NaN where the index is undefined), ``rows`` / ``cols``
    (labels), ``row_name`` / ``col_name`` (what the axes are, e.g. "exporter", "importer"),
    ``name`` (the index), ``year``, ``meta`` (conventions: scale, products, partners...;
    ``meta["self_pairs"]`` true keeps the pairs of a country with itself in the long table),
    ``row_codes`` / ``col_codes`` (numeric country codes, -1 for groups and free-text labels).

    ``m.loc["RUS", "KAZ"]`` gives one value; keys may be labels, numeric codes (643) or country
    names ("Russian Federation"); lists and slices of keys give a sub-matrix. ``np.asarray(m)``
    is the values; ``m1 - m2`` aligns the labels (see ``docs/conventions.md``).

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import IndexMatrix
    >>> m = IndexMatrix(np.array([[np.nan, 80.0], [70.0, np.nan]]), ["RUS", "KAZ"], ["RUS", "KAZ"],
    ...                 "trade complementarity", "exporter", "importer", 2016,
    ...                 row_codes=[643, 398], col_codes=[643, 398])
    >>> m.loc["RUS", 398], m.loc["Kazakhstan", "RUS"]
    (80.0, 70.0)
    >>> m.to_arrow().column_names
    ['year', 'exporter', 'exporter_code', 'importer', 'importer_code', 'trade_complementarity']
    >>> m.to_arrow().num_rows  # the self-pairs (RUS, RUS) and (KAZ, KAZ) are left out
    2
    """
    values: npt.NDArray[Any]
    rows: ObjectArray
    cols: ObjectArray
    name: str
    row_name: str = "row"
    col_name: str = "col"
    year: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    row_codes: I64Array = field(default=None, kw_only=True)  # type: ignore[arg-type]  # None: all -1
    col_codes: I64Array = field(default=None, kw_only=True)  # type: ignore[arg-type]  # None: all -1

    if TYPE_CHECKING:  # the constructor takes array-likes; __post_init__ makes them arrays
        def __init__(self, values: npt.ArrayLike, rows: Iterable[object], cols: Iterable[object], name: str,
                     row_name: str = "row", col_name: str = "col", year: int | None = None,
                     meta: dict[str, Any] = ..., *, row_codes: npt.ArrayLike | None = None,
                     col_codes: npt.ArrayLike | None = None) -> None: ...

    def __post_init__(self) -> None:
        _normalise(self, ("rows", "cols"))

    @property
    def loc(self) -> MatrixLoc:
        return _Loc(self)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[npt.NDArray[Any]]:
        """The rows of the values, as NumPy does (so ``pd.DataFrame(m)`` is the unlabelled values;
        ``m.to_pandas()`` is the labelled frame)."""
        return iter(self.values)

    def _loc(self, key: tuple[Any, ...]) -> Any:
        r, c = (key + (slice(None),))[:2]
        return self._select(_positions(self.rows, self.row_codes, r, self.row_name),
                            _positions(self.cols, self.col_codes, c, self.col_name))

    def _select(self, ri: Any, ci: Any) -> Any:
        """One value (two positions) or a sub-matrix (a list of positions on either axis)."""
        if np.ndim(ri) == 0 and np.ndim(ci) == 0:
            return self.values[ri, ci].item()
        return self._take(_as_list(ri), _as_list(ci))

    def _take(self, ri: Any, ci: Any) -> IndexMatrix:
        return replace(self, values=self.values[np.ix_(ri, ci)], rows=self.rows[ri], cols=self.cols[ci],
                       meta=dict(self.meta), row_codes=self.row_codes[ri], col_codes=self.col_codes[ci])

    def _identity(self) -> dict[str, Any]:
        return {"name": self.name, "year": self.year}

    def _aligned(self, other: IndexMatrix) -> tuple[IndexMatrix, npt.NDArray[Any], npt.NDArray[Any]]:
        rows, rc, wr = _union([(self.rows, self.row_codes), (other.rows, other.row_codes)])
        cols, cc, wc = _union([(self.cols, self.col_codes), (other.cols, other.col_codes)])
        shape = (len(rows), len(cols))
        frame = replace(self, values=np.empty((len(rows), len(cols))), rows=rows, cols=cols, row_codes=rc,
                        col_codes=cc, year=self.year if self.year == other.year else None)
        return frame, _place(self.values, (wr[0], wc[0]), shape), _place(other.values, (wr[1], wc[1]), shape)

    def equals(self, other: object) -> bool:
        """Same labels, codes, axis names, name, year and values (NaN equal to NaN); meta is not
        compared."""
        return (isinstance(other, IndexMatrix) and (self.name, self.row_name, self.col_name, self.year)
                == (other.name, other.row_name, other.col_name, other.year) and _same_axes(self, other)
                and np.array_equal(self.values, other.values, equal_nan=self.values.dtype.kind == "f"))

    def __repr__(self) -> str:
        yr = f", {self.year}" if self.year is not None else ""
        return (f"<IndexMatrix {self.name}{yr}: {self.shape[0]} {self.row_name}s x "
                f"{self.shape[1]} {self.col_name}s, {int(np.isnan(self.values).sum())} NaN>")

    def to_string(self, digits: int = 0, max_rows: int = 40, max_cols: int = 30) -> str:
        """A plain-text table (no pandas needed): rows x cols, NaN as "n/a", cut to
        `max_rows` x `max_cols` with a note when larger."""
        if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or digits < 0:
            fail("digits", "a number of decimals (0, 1, 2, ...)", repr(digits))
        max_rows, max_cols = check_positive_int("max_rows", max_rows), check_positive_int("max_cols", max_cols)
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

    def to_pandas(self) -> pd.DataFrame:
        """Wide pandas DataFrame: rows x cols, labelled, every cell (NaN stays NaN)."""
        pd = _pandas()
        return pd.DataFrame(self.values, index=pd.Index(list(self.rows), name=self.row_name),
                            columns=pd.Index(list(self.cols), name=self.col_name))

    def to_arrow(self) -> pa.Table:
        """Long pyarrow Table, one row per pair: [year], row, row code, col, col code, value
        (NaN as null); self-pairs left out unless ``meta["self_pairs"]``."""
        return _pair_table(self, self.values[None], None if self.year is None else [self.year])

    def to_xarray(self) -> xr.DataArray:
        """xarray DataArray with dims (row_name, col_name), the labels as coordinates, the codes
        as non-index coordinates ``<axis>_code``, the year as a scalar coordinate and ``attrs``
        from meta (JSON text where netCDF cannot hold a value)."""
        coords = _xr_coords(self)
        if self.year is not None:
            coords["year"] = self.year
        return _xarray().DataArray(self.values, dims=(self.row_name, self.col_name), coords=coords,
                                   name=self.value_name, attrs=_attrs(self.meta, index=self.name))

    def to_csv(self, path: PathLike, *, long: bool = False, overwrite: bool = True) -> Path:
        """Write CSV: wide by default (a row label column named `row_name`, then one column per
        col label; every cell) or the long table (`long=True`); NaN as an empty field."""
        if long:
            return super().to_csv(path, overwrite=overwrite)
        table = pa.table({self.row_name: pa.array(self.rows.tolist(), pa.string()),
                          **{c: pa.array(self.values[:, j]) for j, c in enumerate(self.cols)}})
        return write_table(table, _suffixed(path, ".csv", ".csv.gz"), overwrite=overwrite)

    def plot(self, kind: Literal["heatmap"] = "heatmap", *, highlight: str | Iterable[str] = (), diverging: bool = False,
             ax: Axes | None = None, max_countries: int = 40, source: str | None = None) -> Figure:
        """A heatmap of the values (matplotlib, the [plot] extra; returns the Figure): `highlight`
        (labels) first, bold and framed; colours fitted to the 2nd-98th percentile of the values
        (`diverging`: centred on the median); a country with itself hatched, missing values
        grey; the product set, classification, groups and `source` in a footer. See
        :func:`tradeindex.charts.heatmap`."""
        from .charts import heatmap
        check_choice("kind", kind, ("heatmap",))
        return heatmap(self, highlight=highlight, diverging=diverging, ax=ax, max_countries=max_countries,
                       source=source)


def _normalise(r: Any, dims: Sequence[str]) -> None:
    """The checks and conversions every result's constructor makes: `values` an array with these
    `dims` (names of its axes: "years", "rows", "cols", "k"); labels as text, unique, one per
    entry of their axis; country codes as int64 (-1 when not given); distinct axis names."""
    r.values = np.asarray(r.values)
    if r.values.ndim != len(dims):
        fail("values", f"a {len(dims)}-D array ({' x '.join(dims)})", f"shape {r.values.shape}")
    for axis, attr in enumerate(dims):
        if attr == "k":
            continue
        labels = list(r.years) if attr == "years" else _labels(getattr(r, attr))
        setattr(r, attr, labels)
        check_length(attr, labels, r.values.shape[axis], f"the values' {attr}")
        _check_unique([str(x) for x in labels], attr)
        if attr != "years":
            code = attr[:-1] + "_codes"
            setattr(r, code, _codes(getattr(r, code), len(labels), code))
    if r.row_name == r.col_name or "year" in (r.row_name, r.col_name):
        fail("col_name", f"an axis name different from row_name {r.row_name!r} and from 'year'",
             repr(r.col_name))


def _same_axes(a: IndexMatrix | IndexPanel, b: IndexMatrix | IndexPanel) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("rows", "cols", "row_codes", "col_codes"))


def _xr_coords(r: IndexMatrix | IndexPanel) -> dict[str, Any]:
    coords: dict[str, Any] = {r.row_name: r.rows, r.col_name: r.cols}
    for axis, codes in ((r.row_name, r.row_codes), (r.col_name, r.col_codes)):
        if axis not in NON_COUNTRY_AXES:
            coords[axis + "_code"] = (axis, codes)
    return coords


def _pair_table(r: IndexMatrix | IndexPanel, values: npt.NDArray[Any], years: Sequence[int] | None) -> pa.Table:
    """The long table of an IndexMatrix / IndexPanel: `values` (Y x R x C), `years` (None for
    no year column)."""
    keep = np.ones(values.shape[1:], dtype=bool) if r._keep_self_pairs() else \
        ~_self_pairs(r.rows, r.row_codes, r.cols, r.col_codes)
    pairs = np.flatnonzero(keep)
    flat = (np.arange(values.shape[0])[:, None] * keep.size + pairs[None, :]).ravel()
    y, rest = np.divmod(flat, keep.size)
    i, j = np.divmod(rest, keep.shape[1])
    cols = {} if years is None else {"year": pa.array(np.asarray(years, dtype=np.int32)[y])}
    cols.update(_axis_columns(r.row_name, r.rows, r.row_codes, i))
    cols.update(_axis_columns(r.col_name, r.cols, r.col_codes, j))
    cols[r.value_name] = _values_column(values.reshape(-1)[flat])
    return pa.table(cols)


# -- IndexPanel ------------------------------------------------------------------------------------
@dataclass(eq=False)
class IndexPanel(_Arithmetic, _Result):
    """An index for every pair and year: ``values`` (years x rows x cols), ``years``, the labels
    and codes of the axes as in :class:`IndexMatrix`; ``panel[year]`` is that year's IndexMatrix.

    ``panel.loc[year, row, col]`` takes labels, codes or country names (lists and slices too;
    a slice of years is an inclusive range): one year gives an IndexMatrix, one (row, col) pair
    over several years a dict {year: value}, all three one value. ``to_pandas()`` is wide
    ((year, row) x col), ``to_pandas(wide=False)`` one value column indexed by (year, row, col);
    ``to_long()`` / ``to_arrow()`` the pair table. :meth:`from_matrices` assembles per-year
    results.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import IndexMatrix, IndexPanel
    >>> a = IndexMatrix(np.array([[50.0]]), ["RUS"], ["KAZ"], "trade complementarity", "exporter", "importer", 2010)
    >>> b = IndexMatrix(np.array([[60.0, 40.0]]), ["RUS"], ["KAZ", "ARM"], "trade complementarity",
    ...                 "exporter", "importer", 2017)
    >>> panel = IndexPanel.from_matrices([a, b])
    >>> panel.loc[:, "RUS", "ARM"]
    {2010: nan, 2017: 40.0}
    >>> change = panel[2017] - panel[2010]
    >>> change.name, change.loc["RUS", "KAZ"]
    ('trade complementarity, 2017 - 2010', 10.0)
    """
    values: npt.NDArray[Any]
    years: list[int]
    rows: ObjectArray
    cols: ObjectArray
    name: str
    row_name: str = "row"
    col_name: str = "col"
    meta: dict[str, Any] = field(default_factory=dict)
    row_codes: I64Array = field(default=None, kw_only=True)  # type: ignore[arg-type]  # None: all -1
    col_codes: I64Array = field(default=None, kw_only=True)  # type: ignore[arg-type]  # None: all -1

    if TYPE_CHECKING:  # the constructor takes array-likes; __post_init__ makes them arrays
        def __init__(self, values: npt.ArrayLike, years: Iterable[int], rows: Iterable[object],
                     cols: Iterable[object], name: str, row_name: str = "row", col_name: str = "col",
                     meta: dict[str, Any] = ..., *, row_codes: npt.ArrayLike | None = None,
                     col_codes: npt.ArrayLike | None = None) -> None: ...

    def __post_init__(self) -> None:
        _normalise(self, ("years", "rows", "cols"))

    @classmethod
    def from_matrices(cls, matrices: Iterable[IndexMatrix]) -> IndexPanel:
        """The panel of per-year IndexMatrix results of one index, whose axes may differ (a
        country present in some years only): aligned on the union of the entries (countries by
        code, then groups and free-text labels in order of first appearance; an axis the same in
        every year is kept as it is), NaN where a year lacks an entry; years in order. meta: a value equal in every year is kept once,
        per-year dicts ({year: ...}) are merged, other values become {year: value}."""
        ordered = sorted(_one_index(matrices, "matrices", IndexMatrix), key=lambda m: m.year)
        years = [m.year for m in ordered]
        rows, row_codes, wr = _union([(m.rows, m.row_codes) for m in ordered])
        cols, col_codes, wc = _union([(m.cols, m.col_codes) for m in ordered])
        values = np.stack([_place(m.values, (r, c), (len(rows), len(cols))) for m, r, c in zip(ordered, wr, wc)])
        first = ordered[0]
        return cls(values, years, rows, cols, first.name, first.row_name, first.col_name,
                   _merge_meta([m.meta for m in ordered], years), row_codes=row_codes, col_codes=col_codes)

    @property
    def loc(self) -> PanelLoc:
        return _Loc(self)

    @overload
    def __getitem__(self, year: int) -> IndexMatrix: ...
    @overload
    def __getitem__(self, year: slice | Sequence[int]) -> IndexPanel: ...

    def __getitem__(self, year: int | slice | Sequence[int]) -> IndexMatrix | IndexPanel:
        """One year's IndexMatrix (meta reduced to that year's entries); a list or slice of years
        gives a panel, as ``loc``."""
        pos = _year_positions(self.years, year)
        return self._matrix(pos) if np.ndim(pos) == 0 else self._loc((year,))

    def _matrix(self, pos: int) -> IndexMatrix:
        year = self.years[pos]
        return IndexMatrix(self.values[pos], self.rows, self.cols, self.name,
                           self.row_name, self.col_name, year, _year_meta(self.meta, year, self.years),
                           row_codes=self.row_codes, col_codes=self.col_codes)

    def __iter__(self) -> Iterator[IndexMatrix]:
        return (self._matrix(n) for n in range(len(self.years)))

    def __len__(self) -> int:
        return len(self.years)

    def _loc(self, key: tuple[Any, ...]) -> Any:
        y, r, c = (key + (slice(None),) * 2)[:3]
        yi = _year_positions(self.years, y)
        ri = _positions(self.rows, self.row_codes, r, self.row_name)
        ci = _positions(self.cols, self.col_codes, c, self.col_name)
        if np.ndim(yi) == 0:
            return self._matrix(yi)._select(ri, ci)
        if np.ndim(ri) == 0 and np.ndim(ci) == 0:
            return {self.years[n]: self.values[n, ri, ci].item() for n in yi}
        ri, ci = _as_list(ri), _as_list(ci)
        return replace(self, values=self.values[np.ix_(yi, ri, ci)], years=[self.years[n] for n in yi],
                       rows=self.rows[ri], cols=self.cols[ci], meta=dict(self.meta),
                       row_codes=self.row_codes[ri], col_codes=self.col_codes[ci])

    def _identity(self) -> dict[str, Any]:
        return {"name": self.name, "years": list(self.years)}

    def _aligned(self, other: IndexPanel) -> tuple[IndexPanel, npt.NDArray[Any], npt.NDArray[Any]]:
        years = self.years if self.years == other.years else sorted(set(self.years) | set(other.years))
        at = {y: n for n, y in enumerate(years)}
        rows, rc, wr = _union([(self.rows, self.row_codes), (other.rows, other.row_codes)])
        cols, cc, wc = _union([(self.cols, self.col_codes), (other.cols, other.col_codes)])
        shape = (len(years), len(rows), len(cols))
        frame = replace(self, values=np.empty(shape), years=years, rows=rows, cols=cols, row_codes=rc, col_codes=cc)
        a, b = (_place(p.values, (np.array([at[y] for y in p.years], dtype=np.intp), w_r, w_c), shape)
                for p, w_r, w_c in ((self, wr[0], wc[0]), (other, wr[1], wc[1])))
        return frame, a, b

    def equals(self, other: object) -> bool:
        """Same years, labels, codes, axis names, name and values (NaN equal to NaN); meta is not
        compared."""
        return (isinstance(other, IndexPanel) and (self.name, self.row_name, self.col_name, self.years)
                == (other.name, other.row_name, other.col_name, other.years) and _same_axes(self, other)
                and np.array_equal(self.values, other.values, equal_nan=self.values.dtype.kind == "f"))

    def __repr__(self) -> str:
        span = f"{self.years[0]}-{self.years[-1]}" if self.years else "none"
        return (f"<IndexPanel {self.name}: {len(self.years)} years ({span}) x "
                f"{len(self.rows)} {self.row_name}s x {len(self.cols)} {self.col_name}s>")

    def to_arrow(self) -> pa.Table:
        """Long pyarrow Table: year, row, row code, col, col code, value (NaN as null), by year,
        then row, then col; self-pairs left out unless ``meta["self_pairs"]``."""
        return _pair_table(self, self.values, self.years)

    def to_pandas(self, *, wide: bool = True) -> pd.DataFrame:
        """pandas DataFrame of every cell (NaN stays NaN): wide, a (year, row) MultiIndex x one
        column per col label (``df.loc[2017]`` is ``panel[2017].to_pandas()``); or, with
        ``wide=False``, one value column indexed by (year, row, col)."""
        pd = _pandas()
        Y, R, C = self.values.shape
        if wide:
            index = pd.MultiIndex.from_product([self.years, list(self.rows)], names=["year", self.row_name])
            return pd.DataFrame(self.values.reshape(Y * R, C), index=index,
                                columns=pd.Index(list(self.cols), name=self.col_name))
        index = pd.MultiIndex.from_product([self.years, list(self.rows), list(self.cols)],
                                           names=["year", self.row_name, self.col_name])
        return pd.DataFrame({self.value_name: self.values.reshape(-1)}, index=index)

    def to_xarray(self) -> xr.DataArray:
        """xarray DataArray with dims (year, row_name, col_name); coordinates as
        :meth:`IndexMatrix.to_xarray`."""
        coords = {"year": self.years, **_xr_coords(self)}
        return _xarray().DataArray(self.values, dims=("year", self.row_name, self.col_name), coords=coords,
                                   name=self.value_name, attrs=_attrs(self.meta, index=self.name))

    def plot(self, rows: Countries | None = None, cols: Countries | None = None, *, ax: Axes | None = None,
             source: str | None = None) -> Figure:
        """Lines over the years for the (row, col) pairs of `rows` x `cols` (labels, codes or
        names; default all; at most 20 pairs), markers at the years with a value (matplotlib, the
        [plot] extra; returns the Figure). See :func:`tradeindex.charts.panel_lines`."""
        from .charts import panel_lines
        return panel_lines(self, rows, cols, ax=ax, source=source)


def _one_index(parts: Iterable[Any], param: str, kind: type) -> list[Any]:
    """Per-year results of one index: non-empty, of `kind`, one distinct year each, one name
    and one pair of axis names."""
    parts = list(parts)
    if not parts or not all(isinstance(p, kind) for p in parts):
        fail(param, f"a non-empty list of {kind.__name__} results", ", ".join(type(p).__name__ for p in parts)
             or "an empty list", TypeError)
    years = [getattr(p, "year", None) if kind is IndexMatrix else (p.years[0] if len(p.years) == 1 else None)
             for p in parts]
    if None in years or len(set(years)) < len(years):
        fail(param, "results of one year each, every year once", "years " + ", ".join(map(str, years)))
    first = parts[0]
    for p in parts[1:]:
        if (p.name, p.row_name, p.col_name) != (first.name, first.row_name, first.col_name):
            fail(param, f"results of one index ({first.name!r}, {first.row_name} x {first.col_name})",
                 f"{p.name!r}, {p.row_name} x {p.col_name}")
    return parts


# -- TopPartners -----------------------------------------------------------------------------------
@dataclass(eq=False)
class TopPartners(_Result):
    """The k best partners of each row, e.g. the importers most complementary to each exporter.

    ``values`` and ``partners`` (labels; "" where there is none) are (years x rows x k), best
    first; ``years`` ([None] when the flows carry no year), ``rows`` (labels), ``name``,
    ``row_name`` / ``col_name``, ``meta`` (conventions), ``row_codes`` (rows) and
    ``partner_codes`` (years x rows x k; -1 for a group, a free-text label or no partner).
    ``to_long()`` is the pair table: year, row, row code, rank, partner, partner code, value.
    """
    values: npt.NDArray[Any]
    partners: ObjectArray
    years: list[int | None]
    rows: ObjectArray
    name: str
    row_name: str = "row"
    col_name: str = "col"
    meta: dict[str, Any] = field(default_factory=dict)
    row_codes: I64Array = field(default=None, kw_only=True)  # type: ignore[arg-type]  # None: all -1
    partner_codes: I64Array = field(default=None, kw_only=True)  # type: ignore[arg-type]  # None: all -1

    if TYPE_CHECKING:  # the constructor takes array-likes; __post_init__ makes them arrays
        def __init__(self, values: npt.ArrayLike, partners: npt.ArrayLike, years: Iterable[int | None],
                     rows: Iterable[object], name: str, row_name: str = "row", col_name: str = "col",
                     meta: dict[str, Any] = ..., *, row_codes: npt.ArrayLike | None = None,
                     partner_codes: npt.ArrayLike | None = None) -> None: ...

    def __post_init__(self) -> None:
        _normalise(self, ("years", "rows", "k"))
        self.partners = np.asarray(self.partners, dtype=object)
        self.partner_codes = np.full(self.values.shape, -1, np.int64) if self.partner_codes is None else \
            np.asarray(self.partner_codes, dtype=np.int64)
        for param in ("partners", "partner_codes"):
            if getattr(self, param).shape != self.values.shape:
                fail(param, f"an array shaped like the values {self.values.shape}",
                     f"shape {getattr(self, param).shape}")

    @classmethod
    def from_years(cls, parts: Iterable[TopPartners]) -> TopPartners:
        """The TopPartners of several years from one-year TopPartners whose rows may differ:
        rows aligned on their union (as :meth:`IndexPanel.from_matrices`), k the largest k;
        NaN / "" / -1 where a year lacks a row or a slot; meta merged per year."""
        ordered = sorted(_one_index(parts, "parts", TopPartners), key=lambda p: p.years[0])
        years = [p.years[0] for p in ordered]
        rows, row_codes, where = _union([(p.rows, p.row_codes) for p in ordered])
        shape = (len(ordered), len(rows), max(p.values.shape[2] for p in ordered))
        values = np.full(shape, np.nan, dtype=_float_dtype(*(p.values.dtype for p in ordered)))
        partners, codes = np.full(shape, "", dtype=object), np.full(shape, -1, np.int64)
        for n, (p, w) in enumerate(zip(ordered, where)):
            k = p.values.shape[2]
            values[n, w, :k], partners[n, w, :k], codes[n, w, :k] = p.values[0], p.partners[0], p.partner_codes[0]
        first = ordered[0]
        return cls(values, partners, years, rows, first.name, first.row_name, first.col_name,
                   _merge_meta([p.meta for p in ordered], years), row_codes=row_codes, partner_codes=codes)

    def __len__(self) -> int:
        return len(self.years)

    def __repr__(self) -> str:
        return (f"<TopPartners {self.name}: top {self.values.shape[-1]} {self.col_name}s for "
                f"{len(self.rows)} {self.row_name}s, {len(self.years)} year(s)>")

    def to_arrow(self) -> pa.Table:
        """Long pyarrow Table: [year], row, row code, rank (1 = best), partner, partner code,
        value (NaN as null); slots without a partner and (unless ``meta["self_pairs"]``) a row's
        pair with itself are left out."""
        keep = self.partners != ""
        if not self._keep_self_pairs():
            same = (self.partner_codes == self.row_codes[None, :, None]) & (self.partner_codes >= 0)
            keep &= ~(same | (self.partners == self.rows[None, :, None]))
        y, r, k = np.nonzero(keep)
        cols = {} if self.years == [None] else {"year": pa.array(np.asarray(self.years, dtype=np.int32)[y])}
        cols.update(_axis_columns(self.row_name, self.rows, self.row_codes, r))
        cols["rank"] = pa.array((k + 1).astype(np.int32))
        name = column_name(self.col_name)
        cols[name] = pa.array(self.partners[y, r, k].astype(str).tolist(), pa.string())
        if self.col_name not in NON_COUNTRY_AXES:
            codes = self.partner_codes[y, r, k]
            cols[name + "_code"] = pa.array(codes, pa.int64(), mask=codes < 0)
        cols[self.value_name] = _values_column(self.values[y, r, k])
        return pa.table(cols)

    def to_pandas(self) -> pd.DataFrame:
        """The long table as a pandas DataFrame (as :meth:`to_long`)."""
        return self.to_long()

    def to_xarray(self) -> xr.DataArray:
        """xarray DataArray of the values with dims ([year,] row_name, "rank"), the partners'
        labels and codes as coordinates over the same dims."""
        dims = ("year", self.row_name, "rank")
        coords = {"year": self.years, self.row_name: self.rows, "rank": np.arange(1, self.values.shape[2] + 1),
                  self.row_name + "_code": (self.row_name, self.row_codes),
                  self.col_name: (dims, self.partners.astype(str)),
                  self.col_name + "_code": (dims, self.partner_codes)}
        array = _xarray().DataArray(self.values, dims=dims, coords=coords, name=self.value_name,
                                    attrs=_attrs(self.meta, index=self.name))
        return array.isel(year=0, drop=True) if self.years == [None] else array


@dataclass
class IndexTable(_Result):
    """Index values as a long table, one row per (year, reporter, partner, product) with
    trade: the ``by="product"`` results of the Grubel-Lloyd family. ``table`` (pyarrow Table,
    columns as in docs/conventions.md; NaN in memory, null in files), ``name`` and ``meta``."""
    table: pa.Table
    name: str
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def concat(cls, parts: Sequence[IndexTable]) -> IndexTable:
        """One table from per-year tables of one index (meta merged as in IndexPanel)."""
        first = parts[0]
        years = [p.meta.get("year") for p in parts]
        meta = _merge_meta([p.meta for p in parts], years) if len(parts) > 1 else dict(first.meta)
        return cls(pa.concat_tables([p.table for p in parts]), first.name, meta)

    @property
    def values(self) -> npt.NDArray[Any]:
        """The index column (named after the index, else the last column) as a NumPy array."""
        name = self.value_name if self.value_name in self.table.column_names else self.table.column_names[-1]
        return self[name]

    @property
    def shape(self) -> tuple[int, int]:
        return self.table.shape

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, column: str) -> npt.NDArray[Any]:
        """One column as a NumPy array (NaN where undefined)."""
        return self.table.column(column).to_numpy(zero_copy_only=False)

    def __repr__(self) -> str:
        return f"<IndexTable {self.name}: {self.table.num_rows:,} rows, columns {', '.join(self.table.column_names)}>"

    def to_arrow(self) -> pa.Table:
        """The long table, NaN as a real null."""
        return nan_to_null(self.table)

    def to_pandas(self) -> pd.DataFrame:
        """The long table as a pandas DataFrame (NaN in values)."""
        return self.to_long()

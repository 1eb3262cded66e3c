"""Anything frame-like as Arrow record batches holding only the columns asked for.

One way in for every frame a user may hold, used by :meth:`TradeFlows.from_frame` and
:func:`tradeindex.from_comtrade`. Only the needed columns are materialised, and sources that
stream are read batch by batch (the caller copies each batch and lets it go, so a source larger
than memory passes through):

==============================================  =================================================
pyarrow Table / RecordBatch                     its columns (views, no copy)
pyarrow RecordBatchReader                       its batches, as they come
pyarrow.dataset.Dataset                         scanned batch by batch, only the columns asked
                                                for (projection pushed down to the files)
pandas DataFrame                                slices of BATCH_ROWS rows; index levels (a
                                                MultiIndex too) are columns by their names;
                                                categoricals become Arrow dictionary arrays
polars DataFrame                                ``select(...).to_arrow()`` (zero copy)
polars LazyFrame                                ``select(...)`` then ``collect_batches()`` (the
                                                streaming engine, batches of BATCH_ROWS rows);
                                                older polars without it: ``collect()`` of the
                                                selected columns, then ``to_arrow()``
DuckDB relation                                 ``project(...)`` then an Arrow record batch
                                                reader (batches of BATCH_ROWS rows)
any object with ``__arrow_c_stream__``          ``pa.RecordBatchReader.from_stream`` (the Arrow
                                                PyCapsule stream protocol), batch by batch
any object with ``__arrow_c_array__``           ``pa.record_batch``
==============================================  =================================================

Text columns of the view layout (``string_view``, polars' and DuckDB's newer exports) become
``large_string``; everything else is handed over as it is.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa

from ._validation import check_columns, fail

if TYPE_CHECKING:
    import pandas as pd

#: {field: column of the frame}: the columns asked for, by the names the batches give them.
Columns: TypeAlias = Mapping[str, Hashable]
#: select(columns, fields) -> the batches holding `columns` in that order.
Select: TypeAlias = Callable[[list[Hashable], Columns], Iterable[pa.RecordBatch]]
#: (the frame's column names, its select, its row count or None).
Source: TypeAlias = "tuple[Sequence[Any], Select, int | None]"

#: Rows per batch where the source lets us choose (pandas slices, polars, DuckDB).
BATCH_ROWS = 1 << 20

ACCEPTED = ("a pyarrow Table, RecordBatch, RecordBatchReader or Dataset, a pandas DataFrame, a polars "
            "DataFrame or LazyFrame, a DuckDB relation, or an object with __arrow_c_stream__ (the Arrow "
            "PyCapsule stream protocol)")


def open_frame(frame: object, columns: Columns, *, optional: Columns | None = None,
               param: str = "frame") -> tuple[Iterator[pa.RecordBatch], int | None]:
    """(batches, n_rows) of `frame`: an iterator of pa.RecordBatch whose columns are the keys of
    `columns` ({field: column of the frame}), then those of `optional` whose column the frame
    has, and the number of rows when known without reading (None for streams). The frame's
    columns are checked first (an error naming `param` lists what it has); nothing is read until
    the iterator is."""
    names, select, n_rows = _source(frame, param)
    check_columns(param, names, list(dict.fromkeys(columns.values())))
    columns = {**columns, **{f: c for f, c in (optional or {}).items() if c in names}}
    wanted = list(dict.fromkeys(columns.values()))
    fields = list(columns)
    sources = [wanted.index(c) for c in columns.values()]

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in select(wanted, columns):
            yield pa.RecordBatch.from_arrays([_plain(batch.column(i)) for i in sources], names=fields)
    return batches(), n_rows


def read_frame(frame: object, columns: Columns, *, optional: Columns | None = None,
               param: str = "frame") -> pa.Table:
    """The columns of `frame` as one pa.Table (see :func:`open_frame`)."""
    stream, _ = open_frame(frame, columns, optional=optional, param=param)
    batches = list(stream)
    if not batches:
        return pa.table({f: pa.array([], pa.null()) for f in columns})
    return pa.Table.from_batches(batches)


# -- one reader per kind of frame -------------------------------------------------------------------
def _source(frame: Any, param: str) -> Source:
    """(column names, select(columns, fields) -> iterator of batches with `columns` in that
    order, row count or None)."""
    if isinstance(frame, pa.RecordBatch):
        frame = pa.Table.from_batches([frame])
    if isinstance(frame, pa.Table):
        return frame.column_names, lambda cols, _: frame.select(cols).to_batches(), frame.num_rows
    if isinstance(frame, pa.RecordBatchReader):
        return frame.schema.names, lambda cols, _: _selected(frame, cols), None
    dataset = sys.modules.get("pyarrow.dataset")
    if dataset is not None and isinstance(frame, dataset.Dataset):
        return frame.schema.names, lambda cols, _: frame.to_batches(columns=cols), None
    for module, kind, reader in _LIBRARIES:
        lib = sys.modules.get(module)
        if lib is not None and isinstance(frame, getattr(lib, kind, ())):
            return reader(frame, param)
    if hasattr(frame, "__arrow_c_stream__"):
        stream = pa.RecordBatchReader.from_stream(frame)
        return stream.schema.names, lambda cols, _: _selected(stream, cols), None
    if hasattr(frame, "__arrow_c_array__"):
        return _source(pa.record_batch(frame), param)
    fail(param, ACCEPTED, f"a {type(frame).__module__}.{type(frame).__name__}", TypeError)


def _selected(reader: Iterable[pa.RecordBatch], cols: Sequence[Hashable]) -> Iterator[pa.RecordBatch]:
    for batch in reader:
        yield pa.RecordBatch.from_arrays([batch.column(batch.schema.get_field_index(c)) for c in cols], names=cols)


def _pandas(frame: pd.DataFrame, param: str) -> Source:
    """Columns, then named index levels (a MultiIndex too) as columns; slices of BATCH_ROWS rows,
    each column converted by pyarrow (categoricals -> dictionary arrays, nullable -> nulls)."""
    levels = [n for n in frame.index.names if n is not None and n not in frame.columns]
    names = list(frame.columns) + levels

    def select(cols: list[Hashable], fields: Columns) -> Iterator[pa.RecordBatch]:
        field_of = {c: f for f, c in reversed(list(fields.items()))}
        for start in range(0, max(len(frame), 1), BATCH_ROWS):
            part = frame.iloc[start:start + BATCH_ROWS]
            arrays = [_pandas_column(part, c, field_of[c]) for c in cols]
            yield pa.RecordBatch.from_arrays(arrays, names=[str(c) for c in cols])
    return names, select, len(frame)


def _pandas_column(part: pd.DataFrame, col: Hashable, field: str) -> pa.Array:
    series = part[col] if col in part.columns else part.index.get_level_values(col)
    if getattr(series, "ndim", 1) != 1:
        fail(field, "one column of the frame", f"{series.shape[1]} columns named {col!r}", ValueError)
    try:
        arr = pa.array(series)  # a ChunkedArray for pyarrow-backed pandas columns
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError) as err:
        fail(field, "a column of codes or numbers", f"column {col!r} of dtype {series.dtype} ({err})", TypeError)


def _polars(frame: Any, param: str) -> Source:
    return frame.columns, lambda cols, _: frame.select(cols).to_arrow().to_batches(), frame.height


def _polars_lazy(frame: Any, param: str) -> Source:
    names = frame.collect_schema().names() if hasattr(frame, "collect_schema") else frame.columns

    def select(cols: list[Hashable], _: Columns) -> Iterator[pa.RecordBatch]:
        query = frame.select(cols)
        if hasattr(query, "collect_batches"):  # polars >= 1.33: the streaming engine, chunk by chunk
            for chunk in query.collect_batches(chunk_size=BATCH_ROWS):
                yield from chunk.to_arrow().to_batches()
            return
        yield from query.collect().to_arrow().to_batches()
    return names, select, None


def _duckdb(frame: Any, param: str) -> Source:
    def select(cols: list[Hashable], _: Columns) -> Iterator[pa.RecordBatch]:
        relation = frame.project(", ".join('"' + str(c).replace('"', '""') + '"' for c in cols))
        reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
        yield from reader(BATCH_ROWS)
    return list(frame.columns), select, None


_LIBRARIES: tuple[tuple[str, str, Callable[[Any, str], Source]], ...] = (
    ("pandas", "DataFrame", _pandas), ("polars", "DataFrame", _polars),
    ("polars", "LazyFrame", _polars_lazy), ("duckdb", "DuckDBPyRelation", _duckdb))


# pyarrow < 16 has no views
_is_view: Callable[[pa.DataType], bool] = getattr(pa.types, "is_string_view", lambda t: False)


def _plain(arr: pa.Array) -> pa.Array:

    """string_view text (and dictionaries of it) as large_string, which every Arrow kernel
    takes; any other column as it is."""
    t = arr.type
    value = t.value_type if pa.types.is_dictionary(t) else t
    if not _is_view(value):
        return arr
    if pa.types.is_dictionary(t):
        return arr.cast(pa.dictionary(t.index_type, pa.large_string()))
    return arr.cast(pa.large_string())

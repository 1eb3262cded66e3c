"""Every file tradeindex writes goes through here: one table per file (:func:`write_table`) or a
folder of files with a manifest (:func:`write_folder`).

- The format follows the file name: ``.csv``, ``.csv.gz``, ``.parquet``, ``.arrow`` (Arrow IPC,
  uncompressed), ``.feather`` (Arrow IPC, LZ4), ``.dta`` (Stata 14+, through pandas).
- NaN in a float column is written as a real missing value (an empty CSV field, a Parquet /
  Arrow null, Stata ``.``), never as the text ``nan`` nor as a float NaN that DuckDB's ``avg``
  or polars' ``mean`` would propagate.
- Writes are atomic: the file (or the folder) is written under a temporary name beside its
  destination and renamed into place when complete; the temporary is removed on any error,
  KeyboardInterrupt included, so an interrupted run leaves the previous output intact and no
  partial file behind. (Atomic against interruption, not against power loss: no fsync.)
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from ._validation import check_output_path, fail

if TYPE_CHECKING:
    from ._typing import PathLike

#: What write_folder writes into a file: a table or a result, bytes, text, or f(path) writing it.
Content: TypeAlias = "object | bytes | bytearray | str | Callable[[Path], object]"

#: The formats write_table knows, by file-name ending (".csv.gz" is checked before ".csv").
FORMATS = (".csv.gz", ".csv", ".parquet", ".arrow", ".feather", ".dta")
MANIFEST = "manifest.json"
_STATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}\Z")


def check_output_file(path: PathLike, param: str = "path", *, overwrite: bool = True,
                      formats: Sequence[str] = FORMATS) -> str:
    """The format of a table to write at `path` (its extension), checked before anything is
    computed or written: a known extension, an existing folder, a new file unless `overwrite`."""
    check_output_path(param, path, formats)
    folder = Path(path).parent
    if not folder.is_dir():
        fail(param, "a file in an existing folder", f"{str(folder)!r}, not a folder", FileNotFoundError)
    if not overwrite and Path(path).exists():
        fail(param, "a file that does not exist yet, or pass overwrite=True", f"{str(path)!r} exists",
             FileExistsError)
    name = str(path).lower()
    return next(f for f in formats if name.endswith(f))


def as_table(table: object) -> pa.Table:
    """A pyarrow Table from a Table, a result (its long table, ``to_arrow()``) or any object
    with an Arrow stream (``__arrow_c_stream__``: a polars or pandas DataFrame...)."""
    if isinstance(table, pa.Table):
        return table
    if hasattr(table, "to_arrow"):
        return table.to_arrow()
    if hasattr(table, "__arrow_c_stream__"):
        return pa.table(table)
    fail("table", "a pyarrow Table, a tradeindex result (IndexMatrix, IndexPanel, TopPartners) or an "
         "object with an Arrow stream (__arrow_c_stream__)", type(table).__name__, TypeError)


def nan_to_null(table: pa.Table) -> pa.Table:
    """The table with every NaN of its float columns replaced by a null (no copy when there is
    no NaN)."""
    columns = list(table.columns)
    for n, col in enumerate(columns):
        if pa.types.is_floating(col.type) and pc.any(pc.is_nan(col)).as_py():
            columns[n] = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _write_csv(table: pa.Table, path: Path, gz: bool = False) -> None:
    """CSV, or gzip-compressed at level 6 (gzip's default; Arrow's own gzip stream, at level 9,
    is 2.7 times slower for 1% less). Nulls are empty fields (so a one-column table's null rows
    are blank lines, which CSV readers skip: every table tradeindex writes has several)."""
    import pyarrow.csv as pacsv
    if not gz:
        return pacsv.write_csv(table, str(path))
    with gzip.open(path, "wb", compresslevel=6) as fh:
        pacsv.write_csv(table, fh)


def _write_stata(table: pa.Table, path: Path) -> None:
    from .result import _pandas
    bad = [c for c in table.column_names if not _STATA_NAME.match(c)]
    if bad:
        fail("table", "column names valid in Stata for .dta (a letter or _, then letters, digits "
             "or _; 32 characters at most)", ", ".join(map(repr, bad)))
    frame = table.to_pandas(types_mapper={pa.int64(): _pandas().Int64Dtype()}.get)
    frame.to_stata(str(path), write_index=False, version=118)


def _write_feather(table: pa.Table, path: Path, compression: str | None) -> None:
    import pyarrow.feather as feather
    feather.write_feather(table, str(path), compression=compression)


def _write_parquet(table: pa.Table, path: Path) -> None:
    import pyarrow.parquet as pq
    pq.write_table(table, str(path))


_WRITERS: dict[str, Callable[[pa.Table, Path], None]] = {
    ".csv": _write_csv, ".csv.gz": lambda t, p: _write_csv(t, p, gz=True),
    ".parquet": _write_parquet, ".arrow": lambda t, p: _write_feather(t, p, "uncompressed"),
    ".feather": lambda t, p: _write_feather(t, p, None), ".dta": _write_stata}


def _temporary(path: Path) -> Path:
    """A fresh name beside `path` (same folder, so that os.replace is a rename)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")


def _atomic(path: Path, write: Callable[[Path], object],
            place: Callable[[Path, Path], object] = os.replace) -> None:
    """Call write(temporary path), then place(temporary, path) (a rename); remove the temporary
    on any error."""
    tmp = _temporary(path)
    try:
        write(tmp)
        place(tmp, path)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()
        raise


def write_table(table: object, path: PathLike, *, overwrite: bool = True, param: str = "path") -> Path:
    """Write a pyarrow Table, or a result's long table, to `path` atomically; the format follows
    the extension (:data:`FORMATS`). NaN in float columns is written as a null.

    Parameters
    ----------
    table : pyarrow.Table, or IndexMatrix / IndexPanel / TopPartners (their ``to_arrow()``).
    path : str or Path ending in .csv, .csv.gz, .parquet, .arrow, .feather or .dta.
    overwrite : replace an existing file (default); False makes an existing file an error.
    param : the name the error messages give the path (e.g. "-o/--output" for the command line).

    Returns
    -------
    Path of the file written.

    Examples
    --------
    >>> import pyarrow as pa, pyarrow.csv, tempfile, pathlib
    >>> from tradeindex._output import write_table
    >>> path = write_table(pa.table({"x": [1.0, float("nan")]}), pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> path.read_text().splitlines()
    ['"x"', '1', '']
    """
    fmt = check_output_file(path, param, overwrite=overwrite)
    out = Path(path)
    data = nan_to_null(as_table(table))
    _atomic(out, lambda tmp: _WRITERS[fmt](data, tmp))
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_entry(root: Path, name: str, content: Content) -> None:
    """One entry of write_folder's `files` under the folder `root`."""
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts or str(rel) == MANIFEST:
        fail(f"files[{name!r}]", f"a relative file name inside the folder, other than {MANIFEST}", repr(name))
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, (bytes, bytearray)):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif callable(content):
        content(path)
        if not path.is_file():
            fail(f"files[{name!r}]", "a callable that writes the file at the path it is given",
                 "no file written", RuntimeError)
    else:
        write_table(content, path, param=f"files[{name!r}]")


def write_folder(files: Mapping[str, Content], out_dir: PathLike, *, overwrite: bool = False,
                 manifest: Mapping[str, Any] | None = None) -> list[Path]:
    """Write several files into the folder `out_dir` as one unit, with ``manifest.json`` last.

    Everything is written into a temporary folder beside `out_dir`, which is renamed into place
    when complete; with `overwrite`, an existing folder is replaced only then. An error (or
    KeyboardInterrupt) leaves the previous folder as it was and removes the temporary one.

    Parameters
    ----------
    files : dict {relative file name: content}; content is a pyarrow Table or a result (written
        by :func:`write_table`, format from the name), bytes or str (written as is; str as
        UTF-8), or a callable ``f(path)`` that writes the file at `path` (e.g. a chart).
    out_dir : the folder; it must not exist or be empty unless `overwrite`.
    overwrite : replace an existing non-empty folder (default False: that is an error).
    manifest : dict of JSON-serialisable facts to record in ``manifest.json`` beside the list of
        files (inputs, options, versions); values JSON cannot hold are written as text.

    Returns
    -------
    list of the Paths written, ``manifest.json`` last. ``manifest.json`` holds ``files``:
    {name: {"bytes": size, "sha256": hex digest}} for every file in the folder, then `manifest`.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from tradeindex._output import write_folder
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> [p.name for p in write_folder({"notes.md": "# Notes\\n"}, out, manifest={"years": [2016]})]
    ['notes.md', 'manifest.json']
    >>> json.loads((out / "manifest.json").read_text())["files"]["notes.md"]["bytes"]
    8
    """
    if not isinstance(out_dir, (str, os.PathLike)):
        fail("out_dir", "a folder path (text or pathlib.Path)", repr(out_dir), TypeError)
    out = Path(out_dir)
    extra = dict(manifest or {})
    if "files" in extra:
        fail("manifest", "a dict without the key 'files' (write_folder lists the files there)", "a 'files' key")
    if out.exists() and not out.is_dir():
        fail("out_dir", "a folder", f"{str(out)!r}, an existing file", FileExistsError)
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        fail("out_dir", "a new or empty folder, or pass overwrite=True (--overwrite on the command "
             "line) to replace it", f"{str(out)!r} holding {sum(1 for _ in out.iterdir())} entries",
             FileExistsError)
    out.parent.mkdir(parents=True, exist_ok=True)

    def build(tmp: Path) -> None:
        tmp.mkdir()
        for name, content in files.items():
            _write_entry(tmp, name, content)
        listing = {p.relative_to(tmp).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
                   for p in sorted(tmp.rglob("*")) if p.is_file()}
        text = json.dumps({"files": listing, **extra}, indent=2, default=str)
        (tmp / MANIFEST).write_text(text + "\n", encoding="utf-8")

    _atomic(out, build, _swap)
    names = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    return [out / n for n in names] + [out / MANIFEST]


def _swap(tmp: Path, out: Path) -> None:
    """Rename the complete folder `tmp` to `out`; an existing `out` is moved aside first and
    deleted only once `tmp` is in place (put back if the rename fails)."""
    if not out.exists():
        return os.replace(tmp, out)

    old = _temporary(out)
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)

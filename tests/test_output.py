"""tradeindex._output: every format, NaN as a real null for the readers users have (pyarrow,
polars, DuckDB, pandas, Stata), atomic files and folders, the manifest, the error messages."""
import doctest
import hashlib
import json

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from tradeindex import IndexMatrix, _output
from tradeindex._output import write_folder, write_table

NAN = float("nan")


@pytest.fixture
def m():
    values = np.array([[np.nan, 80.0, np.nan], [70.0, np.nan, 50.0]])
    return IndexMatrix(values, ["RUS", "KAZ"], ["RUS", "KAZ", "EAEU"], "trade complementarity", "exporter",
                       "importer", 2016, row_codes=[643, 398], col_codes=[643, 398, -1])


@pytest.fixture
def table():
    """A table like the report's, built from Python rows with NaN floats."""
    return pa.Table.from_pylist([{"member": "ARM", "year": 2015, "gl_within": 12.5, "gl_global": NAN},
                                 {"member": "KAZ", "year": 2015, "gl_within": NAN, "gl_global": 30.0},
                                 {"member": "RUS", "year": 2015, "gl_within": 20.0, "gl_global": 40.0}])


def test_doctests():
    assert doctest.testmod(_output).failed == 0


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".parquet", ".arrow", ".feather"])
def test_formats_round_trip(m, tmp_path, suffix):
    path = write_table(m, tmp_path / f"tc{suffix}")
    if suffix.startswith(".csv"):
        back = pacsv.read_csv(path)  # default options: an empty field in a number column is null
    else:
        back = pq.read_table(path) if suffix == ".parquet" else feather.read_table(path)
    assert back.column_names == m.to_arrow().column_names
    assert back["trade_complementarity"].to_pylist() == [80.0, None, 70.0, 50.0]
    assert back["importer_code"].to_pylist() == [398, None, 643, None]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"tc{suffix}"]  # no temporary left


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_nan_is_null_for_every_reader(table, tmp_path, suffix):
    path = write_table(table, tmp_path / f"gl{suffix}")
    if suffix == ".csv":
        assert "nan" not in path.read_text().lower()
        frame = pl.read_csv(path)
        assert pacsv.read_csv(path)["gl_global"].null_count == 1
        assert pd.read_csv(path).gl_within.isna().sum() == 1
    else:
        frame = pl.read_parquet(path)
        meta = pq.ParquetFile(path).metadata.row_group(0)
        nulls = {meta.column(i).path_in_schema: meta.column(i).statistics.null_count for i in range(meta.num_columns)}
        assert nulls == {"member": 0, "year": 0, "gl_within": 1, "gl_global": 1}
    assert frame["gl_within"].dtype == pl.Float64 and frame["gl_within"].null_count() == 1
    assert frame["gl_within"].mean() == pytest.approx(16.25) and frame["gl_global"].mean() == pytest.approx(35.0)
    reader = "read_csv" if suffix == ".csv" else "read_parquet"
    [(avg, count, rows)] = duckdb.sql(f"select avg(gl_within), count(gl_within), count(*) from {reader}('{path}')").fetchall()
    assert (avg, count, rows) == (pytest.approx(16.25), 2, 3)


def test_table_is_not_modified(table, tmp_path):
    write_table(table, tmp_path / "t.parquet")
    assert np.isnan(table["gl_global"].to_pylist()[0])


def test_stata(m, tmp_path):
    path = write_table(m, tmp_path / "tc.dta")
    back = pd.read_stata(path)
    assert list(back.columns) == ["year", "exporter", "exporter_code", "importer", "importer_code",
                                  "trade_complementarity"]
    assert back.trade_complementarity.isna().tolist() == [False, True, False, False]
    assert back.importer_code.isna().tolist() == [False, True, False, True]
    assert back.exporter.tolist() == ["RUS", "RUS", "KAZ", "KAZ"]
    bad = pa.table({"Grubel-Lloyd": [1.0]})
    with pytest.raises(ValueError, match=r"table must be column names valid in Stata .*; found 'Grubel-Lloyd'"):
        write_table(bad, tmp_path / "bad.dta")
    assert not (tmp_path / "bad.dta").exists()


@pytest.mark.parametrize("path", ["tc.txt", "tc", "tc.xlsx", "tc.csv.bz2"])
def test_unknown_extension(m, tmp_path, path):
    with pytest.raises(ValueError, match=r"path must be a file name ending in \.csv\.gz or \.csv or \.parquet or "
                                         r"\.arrow or \.feather or \.dta; found '.*"):
        write_table(m, tmp_path / path)
    with pytest.raises(ValueError, match="-o/--output must be a file name ending in"):
        write_table(m, tmp_path / path, param="-o/--output")
    with pytest.raises(ValueError, match="path must be a file name ending in"):
        m.write(tmp_path / path)


def test_other_tables(tmp_path):
    with pytest.raises(TypeError, match=r"table must be a pyarrow Table, a tradeindex result .* or an object with "
                                        r"an Arrow stream \(__arrow_c_stream__\); found dict"):
        write_table({"a": [1]}, tmp_path / "x.csv")
    frame = pl.DataFrame({"k": ["x", "y", "z"], "a": [1.0, None, NAN]}, strict=False)  # any Arrow stream
    assert pacsv.read_csv(write_table(frame, tmp_path / "p.csv"))["a"].null_count == 2  # NaN as null too


def test_overwrite(m, table, tmp_path):
    path = write_table(table, tmp_path / "t.csv")
    with pytest.raises(FileExistsError, match=r"path must be a file that does not exist yet, or pass overwrite=True; "
                                              r"found '.*t.csv' exists"):
        write_table(m, path, overwrite=False)
    assert pacsv.read_csv(path).column_names == table.column_names
    write_table(m, path)  # the default replaces it
    assert pacsv.read_csv(path).column_names[0] == "year"


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_interrupted_write_leaves_the_old_file(m, table, tmp_path, monkeypatch, error):
    path = write_table(table, tmp_path / "t.parquet")
    before = path.read_bytes()

    def half_then_fail(tbl, where):
        with open(where, "wb") as fh:
            fh.write(b"PAR1 partial")
        raise error("interrupted")
    monkeypatch.setattr(pq, "write_table", half_then_fail)
    with pytest.raises(error):
        write_table(m, path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["t.parquet"]
    with pytest.raises(error):
        write_table(m, tmp_path / "new.parquet")
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


# -- folders -----------------------------------------------------------------------------------------
def files_of(m, table):
    def chart(path):
        path.write_bytes(b"\x89PNG fake")
    return {"complementarity.csv": table, "complementarity.parquet": table, "tc.parquet": m,
            "summary.md": "# Summary\n", "charts/heatmap.png": chart, "raw.bin": b"\x00\x01"}


def test_write_folder_and_manifest(m, table, tmp_path):
    out = tmp_path / "report"
    written = write_folder(files_of(m, table), out, manifest={"inputs": ["sample"], "options": {"years": [1989, 1990]},
                                                             "versions": {"tradeindex": "0.1.0"}, "when": pd.Timestamp(0)})
    names = ["charts/heatmap.png", "complementarity.csv", "complementarity.parquet", "raw.bin", "summary.md",
             "tc.parquet"]
    assert written == [out / n for n in names] + [out / "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest) == ["files", "inputs", "options", "versions", "when"]
    assert manifest["options"] == {"years": [1989, 1990]} and manifest["when"] == "1970-01-01 00:00:00"
    for name in names:
        data = (out / name).read_bytes()
        assert manifest["files"][name] == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert pacsv.read_csv(out / "complementarity.csv")["gl_global"].null_count == 1
    assert (out / "summary.md").read_text() == "# Summary\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_write_folder_refuses_a_non_empty_folder(m, table, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    with pytest.raises(FileExistsError, match=r"out_dir must be a new or empty folder, or pass overwrite=True "
                                              r"\(--overwrite on the command line\) to replace it; found '.*report' "
                                              r"holding 1 entries"):
        write_folder({"a.csv": table}, out)
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    write_folder({"a.csv": table}, empty)  # an empty folder is fine
    assert sorted(p.name for p in empty.iterdir()) == ["a.csv", "manifest.json"]
    with pytest.raises(FileExistsError, match="out_dir must be a folder; found .*an existing file"):
        write_folder({"a.csv": table}, out / "mine.txt")


def test_write_folder_replaces_only_when_complete(m, table, tmp_path):
    out = tmp_path / "report"
    write_folder({"old.csv": table}, out)

    def broken(path):
        path.write_bytes(b"half")
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        write_folder({"new.csv": table, "chart.png": broken}, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "old.csv"]  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary folder left
    write_folder({"new.csv": table}, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "new.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


@pytest.mark.parametrize("files, manifest, message", [
    ({"../x.csv": b""}, None, r"files\['../x.csv'\] must be a relative file name inside the folder"),
    ({"manifest.json": b""}, None, r"files\['manifest.json'\] must be a relative file name inside the folder, other than manifest.json"),
    ({"a.txt": lambda path: None}, None, r"files\['a.txt'\] must be a callable that writes the file at the path it is given; found no file written"),
    ({"a.xlsx": pa.table({"a": [1]})}, None, r"files\['a.xlsx'\] must be a file name ending in"),
    ({"a.csv": pa.table({"a": [1]})}, {"files": 1}, "manifest must be a dict without the key 'files'"),
])
def test_write_folder_errors(tmp_path, files, manifest, message):
    with pytest.raises((ValueError, RuntimeError), match=message):
        write_folder(files, tmp_path / "out", manifest=manifest)
    assert list(tmp_path.iterdir()) == []

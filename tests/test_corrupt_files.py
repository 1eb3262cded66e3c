"""Corrupt and odd files: every one gets a clear error naming the file (and the line where a CSV
says it), never a raw library error, a crash or a silent empty result; plus a bounded fuzz run
of the readers over random and mutated bytes."""
import gzip
import io
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradeindex as ti

HEADER = "t,i,j,k,v,q\n"
GOOD = HEADER + "".join(f"2001,4,8,{100000 + n:06d},1.5,NA\n" for n in range(2000))


def _error(path, match):
    with pytest.raises((ValueError, TypeError), match=match):
        ti.read_baci(path, hs="HS92")


@pytest.mark.parametrize("name, content, match", [
    ("extra.csv", HEADER + "2001,4,8,010121,1.5,NA\n2001,8,4,010121,2.5,NA,7\n",
     r"file extra.csv must be a readable CSV file .*Expected 6 columns, got 7.* at line 3"),
    ("nonnum.csv", HEADER + "2001,4,8,010121,1.5,NA\n2001,8,4,010121,abc,NA\n",
     r"file nonnum.csv must be a readable CSV file .*invalid value 'abc' at line 3"),
    ("BACI_HS92_Y2001_V1.csv", HEADER, r"file BACI_HS92_Y2001_V1.csv must be BACI flows \(at least one data row\); "
                                       r"found no data rows \(a header only\)"),
    ("header.csv", HEADER, r"file header.csv must be BACI flows .*no data rows"),
    ("empty.csv", "", r"file empty.csv must be a readable CSV file .*Empty CSV file"),
    ("nocols.csv", "a,b\n1,2\n", r"file nocols.csv must be a table with columns 't', 'i', 'j', 'k', 'v'"),
    ("negative.csv", HEADER + "2001,4,8,010121,-1.5,NA\n", r"value must be finite and non-negative; found -1.5 at line 2 "
                                                            r"of negative.csv"),
])
def test_bad_csv_files(tmp_path, name, content, match):
    (tmp_path / name).write_text(content)
    _error(tmp_path / name, match)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "BACI_HS92_Y2001_V1.csv.gz"
    path.write_bytes(gzip.compress(GOOD.encode())[:3000])
    _error(path, r"file BACI_HS92_Y2001_V1.csv.gz must be a readable CSV file .*truncated or damaged compressed file")


def test_broken_parquet_footer_and_damaged_zip(tmp_path):
    buf = io.BytesIO()
    pq.write_table(pa.table({"t": [2001], "i": [4], "j": [8], "k": ["010121"], "v": [1.0]}), buf)
    (tmp_path / "broken.parquet").write_bytes(buf.getvalue()[:-10])
    _error(tmp_path / "broken.parquet", r"file broken.parquet must be a readable Parquet file")
    (tmp_path / "BACI_HS92_V1.zip").write_bytes(b"PK\x03\x04" + b"garbage" * 20)
    _error(tmp_path / "BACI_HS92_V1.zip", r"file BACI_HS92_V1.zip must be a readable .zip archive")
    with zipfile.ZipFile(tmp_path / "notbaci.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    _error(tmp_path / "notbaci.zip", r"file notbaci.zip must be a BACI release .zip holding BACI_HSxx_Yyyyy_Vxxxxxx.csv")


def test_damaged_member_of_a_zip(tmp_path):
    path = tmp_path / "BACI_HS92_V1.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BACI_HS92_Y2001_V1.csv", GOOD)
    data = bytearray(path.read_bytes())
    data[200:260] = b"\x00" * 60  # damage the compressed member, keep the directory
    path.write_bytes(bytes(data))
    _error(path, r"file BACI_HS92_Y2001_V1.csv must be a readable BACI .zip member|Bad CRC|invalid")


# -- fuzzing: random and mutated bytes get clear errors only ------------------------------------------
def _read(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        ti.read_baci(path, hs="HS92")
    except (ValueError, TypeError, FileNotFoundError):
        pass  # a clear error (the message names the file or the column)


def _mutate(data, edits):
    data = bytearray(data)
    for pos, byte in edits:
        if data:
            data[pos % len(data)] = byte
    return bytes(data)


EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(EDITS, st.booleans())
def test_fuzz_csv_and_gzip(tmp_path, edits, compressed):
    small = GOOD[:600].encode()
    data = _mutate(gzip.compress(small) if compressed else small, edits)
    _read(tmp_path, "f.csv.gz" if compressed else "f.csv", data)


@FUZZ
@given(EDITS)
def test_fuzz_parquet(tmp_path, edits):
    buf = io.BytesIO()
    pq.write_table(pa.table({"t": [2001, 2001], "i": [4, 8], "j": [8, 4], "k": ["010121", "010121"], "v": [1.0, 2.0]}), buf)
    _read(tmp_path, "f.parquet", _mutate(buf.getvalue(), edits))


@FUZZ
@given(EDITS)
def test_fuzz_zip(tmp_path, edits):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BACI_HS92_Y2001_V1.csv", GOOD[:600])
    _read(tmp_path, "BACI_HS92_V1.zip", _mutate(buf.getvalue(), edits))


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(tmp_path, data):
    _read(tmp_path, "r.csv", data)


def test_a_file_whose_rows_are_not_of_the_year_its_name_says(tmp_path):
    path = tmp_path / "BACI_HS92_Y2001_V1.csv"
    path.write_text(HEADER + "2000,4,8,010121,1.5,NA\n")
    _error(path, r"file BACI_HS92_Y2001_V1.csv must be rows of 2001, the year its name \(or partition\) says; found year 2000")

"""A bounded fuzz run of the readers over random and mutated bytes of every format: a clear error
(naming the file, or the column) or flows, never a raw library error or a crash. The corrupt and
odd files themselves (truncated, damaged, empty, wrong columns, wrong year, mixed revisions...)
are the "file" kind of the hostile-input catalogue (tests/adversarial/hostile.py), run against
read_baci, scan_baci and every subcommand of the command line."""
import gzip
import io
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradeindex as ti

from adversarial.hostile import GOOD


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

"""IndexMatrix / IndexPanel: labels, access, exports."""
import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tradeindex import IndexMatrix, IndexPanel


@pytest.fixture
def m():
    values = np.array([[np.nan, 80.0, 60.0], [70.0, np.nan, 50.0]])
    return IndexMatrix(values, np.array(["RUS", "KAZ"]), np.array(["RUS", "KAZ", "BLR"]),
                       "trade complementarity", "exporter", "importer", 2016, {"scale": 100})


def test_loc(m):
    assert m.loc["RUS", "KAZ"] == 80.0
    sub = m.loc[["KAZ"], ["BLR", "RUS"]]
    assert sub.values.tolist() == [[50.0, 70.0]] and list(sub.cols) == ["BLR", "RUS"]
    assert m.loc["KAZ"].shape == (1, 3)
    with pytest.raises(KeyError, match=r"exporter must be labels among RUS, KAZ; found 'ARM'"):
        m.loc["ARM", "KAZ"]
    assert "2 exporters x 3 importers, 2 NaN" in repr(m)


def test_pandas_and_files(m, tmp_path):
    df = m.to_pandas()
    assert df.loc["KAZ", "BLR"] == 50.0 and df.index.name == "exporter"
    long = m.to_long()
    assert list(long.columns) == ["exporter", "importer", "year", "trade_complementarity"]
    assert len(long) == 6 and long.trade_complementarity.isna().sum() == 2
    m.to_csv(tmp_path / "w.csv")
    wide = pacsv.read_csv(tmp_path / "w.csv")
    assert wide.column_names == ["exporter", "RUS", "KAZ", "BLR"] and wide["KAZ"].to_pylist() == [80.0, None]
    m.to_parquet(tmp_path / "l.parquet")
    assert pq.read_table(tmp_path / "l.parquet").num_rows == 6


def test_panel(m):
    p = IndexPanel(np.stack([m.values, m.values + 1]), [2015, 2016], m.rows, m.cols, m.name, "exporter", "importer")
    assert p[2016].loc["RUS", "KAZ"] == 81.0 and p[2016].year == 2016
    assert len(p) == 2 and len(p.to_long()) == 12
    with pytest.raises(KeyError, match="year must be labels among 2015, 2016; found '2020'"):
        p[2020]


def test_to_string(m):
    text = m.to_string()
    assert text.splitlines()[0].split() == ["exporter", "RUS", "KAZ", "BLR"]
    assert text.splitlines()[1].split() == ["RUS", "n/a", "80", "60"]
    assert "(2 x 3 in all)" in m.to_string(max_rows=1)

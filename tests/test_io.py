"""Every loader path: CSV, .gz, BACI .zip, Parquet file and directory, frames, arrays."""
import gzip
import zipfile

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tradeindex


def _assert_same(a, b):
    assert len(a) == len(b)
    assert list(a.countries.label) == list(b.countries.label)
    assert list(a.products.code) == list(b.products.code)
    for col in ("year", "exporter", "importer", "product", "value"):
        np.testing.assert_array_equal(getattr(a, col), getattr(b, col))
    np.testing.assert_array_equal(np.isnan(a.quantity), np.isnan(b.quantity))


def test_sample_facts(sample):
    assert len(sample) == 229_585
    assert len(sample.countries) == 23
    assert len(sample.products) == 1_241
    assert sample.years == [1989, 1990]
    assert sample.hs == "HS92"
    assert set(sample.countries.label) == set(
        "ARG BOL BRA CAN CHL CHN COL DEU ECU FRA IND ITA(381) JPN KOR MEX NLD NZL PER PRY URY USA VEN ZA1".split())
    assert sample.products.code[0] == "0101"


def test_sample_against_raw_csv(sample, sample_frame):
    df = sample_frame
    assert sample.value.sum() == pytest.approx(df["v"].sum(), rel=1e-12)
    assert np.isnan(sample.quantity).sum() == df["q"].isna().sum()
    labels = dict(zip(sample.countries.code, sample.countries.label))
    row = df.iloc[12345]
    pos = np.flatnonzero((sample.year == row.t) & (sample.countries.code[sample.exporter] == row.i)
                         & (sample.countries.code[sample.importer] == row.j)
                         & (sample.products.code[sample.product] == row.k))
    assert len(pos) == 1 and sample.value[pos[0]] == row.v
    assert labels[251] == "FRA" and labels[842] == "USA" and labels[381] == "ITA(381)"


def test_baci_slice(baci_slice_path):
    f = tradeindex.read_baci(baci_slice_path)
    assert (len(f), f.years, f.hs) == (70_920, [2020], "HS17")
    assert len(f.products) == 5_059 and all(len(c) == 6 for c in f.products.code)
    assert set(f.countries.label[np.unique(f.exporter)]) == {"AFG", "ZAF"}
    with gzip.open(baci_slice_path, "rt") as fh:
        lines = fh.read().splitlines()[1:]
    n_na = sum(line.rsplit(",", 1)[1].strip() == "NA" for line in lines)
    assert np.isnan(f.quantity).sum() == n_na > 0
    first = lines[0].split(",")  # 2020,4,31,251512,27.82,      169.800
    assert f.products.code[f.product[0]] == first[3] and f.quantity[0] == float(first[5])


def test_plain_csv_and_missing_leading_zeros(tmp_path):
    (tmp_path / "BACI_HS92_Y2001_V202401.csv").write_text(
        "t,i,j,k,v,q\n2001,4,8,10121,1.5,          2.000\n2001,4,8,847130,2.0,           NA\n"
        "2001,8,4,10121,3.0,\n")
    f = tradeindex.read_baci(tmp_path / "BACI_HS92_Y2001_V202401.csv")
    assert list(f.products.code) == ["010121", "847130"] and f.hs == "HS92"
    np.testing.assert_array_equal(np.isnan(f.quantity), [False, True, True])


def test_zip_with_years_and_progress(tmp_path, sample_path, capsys):
    sample = tradeindex.read_baci(sample_path)
    with gzip.open(sample_path, "rt") as fh:
        header, *lines = fh.read().splitlines()
    archive = tmp_path / "BACI_HS92_V202401.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for year in (1989, 1990):
            body = "\n".join(line for line in lines if line.startswith(str(year)))
            zf.writestr(f"BACI_HS92_Y{year}_V202401.csv", header + "\n" + body + "\n")
        zf.writestr("country_codes_V202401.csv", "country_code,country_name,country_iso2,country_iso3\n")
    both = tradeindex.read_baci(archive, progress=True)
    assert "reading" in capsys.readouterr().err
    assert both.hs == "HS92"
    _assert_same(both, sample)
    only = tradeindex.read_baci(archive, years=[1990])
    assert only.years == [1990] and len(only) == (sample.year == 1990).sum()


def test_parquet_file_and_directory(tmp_path, sample):
    table = pa.table({"t": sample.year, "i": sample.countries.code[sample.exporter].astype(np.int32),
                      "j": sample.countries.code[sample.importer].astype(np.int32),
                      "k": sample.products.code[sample.product].astype(str), "v": sample.value,
                      "q": pa.array(sample.quantity, from_pandas=True)})
    pq.write_table(table, tmp_path / "flows.parquet")
    _assert_same(tradeindex.read_baci(tmp_path / "flows.parquet"), sample)
    folder = tmp_path / "panel"
    folder.mkdir()
    for year in (1989, 1990):
        pq.write_table(table.filter(pa.compute.equal(table["t"], year)), folder / f"BACI_HS92_Y{year}_V1.parquet")
    _assert_same(tradeindex.read_baci(folder, hs="HS92"), sample)
    assert tradeindex.read_baci(folder, years=1989).years == [1989]


def test_from_frame_pandas_and_arrow(sample, sample_frame):
    df = sample_frame.rename(columns={"t": "year", "i": "rep", "j": "par", "k": "hs4", "v": "usd", "q": "qty"})
    before = df.copy()
    f = tradeindex.TradeFlows.from_frame(df, exporter="rep", importer="par", product="hs4", value="usd",
                                         quantity="qty", year="year")
    _assert_same(f, sample)
    assert df.equals(before)
    g = tradeindex.TradeFlows.from_frame(pa.Table.from_pandas(df), exporter="rep", importer="par",
                                         product="hs4", value="usd", quantity="qty", year="year")
    _assert_same(g, sample)


def test_from_arrays_read_only_and_unchanged():
    e = np.array([32, 76, 32], dtype=np.int64)
    i = np.array([76, 32, 76], dtype=np.int64)
    k = np.array(["0101", "0101", "0102"])
    v = np.array([1, 2, 3], dtype=np.int32)  # ints are upcast
    for a in (e, i, k, v):
        a.flags.writeable = False
    copies = [a.copy() for a in (e, i, k, v)]
    f = tradeindex.TradeFlows.from_arrays(e, i, k, v, year=1990)
    for a, c in zip((e, i, k, v), copies):
        np.testing.assert_array_equal(a, c)
    assert f.value.dtype == np.float64 and list(f.value) == [1.0, 2.0, 3.0]
    assert not f.value.flags.writeable
    assert f.years == [1990] and f.hs is None


def test_text_country_codes():
    f = tradeindex.TradeFlows.from_arrays(["RUS", "firm-7"], ["KAZ", "RUS"], ["01", "02"], [1.0, 2.0])
    assert f.years == []
    assert set(f.countries.label) == {"RUS", "KAZ", "firm-7"}
    assert f.countries.code[list(f.countries.label).index("RUS")] == 643


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="path must be an existing BACI file"):
        tradeindex.read_baci("/nonexistent/BACI_HS92_Y2020_V1.csv")


def test_missing_columns(tmp_path):
    (tmp_path / "x.csv").write_text("t,i,j,v\n2001,4,8,1.0\n")
    with pytest.raises(ValueError, match=r"file x.csv must be a table with columns .*found no column 'k'"):
        tradeindex.read_baci(tmp_path / "x.csv")


def test_mixed_revisions(tmp_path):
    for name in ("BACI_HS92_Y2001_V1.csv", "BACI_HS17_Y2020_V1.csv"):
        (tmp_path / name).write_text("t,i,j,k,v,q\n2001,4,8,010121,1.5,NA\n")
    with pytest.raises(ValueError, match="one HS revision"):
        tradeindex.read_baci(tmp_path)

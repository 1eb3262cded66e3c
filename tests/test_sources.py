"""A BACI release read lazily, year by year: every shape of release (the .zip, an unzipped
folder with its code tables, yearly Parquet files, a hive-partitioned dataset, one Parquet or
CSV file with many years), lazy and in-memory results identical for every index, what is pushed
down to the reader, and memory bounded by one year."""
import subprocess
import sys
import textwrap
import warnings
import zipfile

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import tradeindex as ti
from tradeindex import sources

README = "BACI release read-me (not data)\n"
COUNTRY_TABLE = "country_code,country_name,country_iso2,country_iso3\n4,Afghanistan,AF,AFG\n"


def _table(flows):
    """The flows in BACI's columns (numeric codes, 6-digit or 4-digit text products)."""
    return pa.table({"t": pa.array(flows.year, pa.int32()),
                     "i": pa.array(flows.countries.code[flows.exporter].astype(np.int32)),
                     "j": pa.array(flows.countries.code[flows.importer].astype(np.int32)),
                     "k": pa.array(flows.products.code[flows.product].astype(str)),
                     "v": pa.array(flows.value), "q": pa.array(flows.quantity, from_pandas=True)})


def _write_csv(table, path):
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))


def _release(folder, table, years):
    for year in years:
        _write_csv(table.filter(pc.equal(table["t"], year)), folder / f"BACI_HS92_Y{year}_V202401.csv")
    (folder / "country_codes_V202401.csv").write_text(COUNTRY_TABLE)
    (folder / "product_codes_HS92_V202401.csv").write_text("code,description\n010111,Horses\n")
    (folder / "Readme.txt").write_text(README)
    return folder


@pytest.fixture(scope="module")
def eaeu_release(tmp_path_factory, eaeu_flows):
    """The EAEU 2014-2015 flows (Armenia and Kyrgyzstan join in 2015) as an unzipped BACI
    release: yearly CSVs beside the code tables and the read-me."""
    return _release(tmp_path_factory.mktemp("release"), _table(eaeu_flows), eaeu_flows.years)


@pytest.fixture(scope="module")
def eaeu_release_hs6(tmp_path_factory, eaeu_flows):
    """The same release with HS6 codes (one subheading of each heading), to convert to SITC."""
    table = _table(eaeu_flows)
    hs6 = {"8401": "840110", "8402": "840211", "8501": "850110"}
    k = pa.array([hs6[c] for c in table["k"].to_pylist()])
    return _release(tmp_path_factory.mktemp("release_hs6"), table.set_column(3, "k", k), eaeu_flows.years)


@pytest.fixture(scope="module")
def sample_shapes(tmp_path_factory, sample):
    """The sample in every release shape."""
    root = tmp_path_factory.mktemp("shapes")
    table = _table(sample)
    years = {y: table.filter(pc.equal(table["t"], y)) for y in sample.years}
    paths = {}
    paths["zip"] = root / "BACI_HS92_V202401.zip"
    with zipfile.ZipFile(paths["zip"], "w") as zf:
        for y, t in years.items():
            _write_csv(t, root / "tmp.csv")
            zf.write(root / "tmp.csv", f"BACI_HS92_Y{y}_V202401.csv")
        zf.writestr("country_codes_V202401.csv", COUNTRY_TABLE)
        zf.writestr("Readme.txt", README)
    paths["parquet_years"] = root / "yearly"
    paths["parquet_years"].mkdir()
    for y, t in years.items():
        pq.write_table(t, paths["parquet_years"] / f"BACI_HS92_Y{y}_V202401.parquet")
    paths["hive"] = root / "hive"
    for y, t in years.items():
        (paths["hive"] / f"t={y}").mkdir(parents=True)
        pq.write_table(t.drop(["t"]), paths["hive"] / f"t={y}" / "part-0.parquet")
    paths["one_parquet"] = root / "all.parquet"
    pq.write_table(table, paths["one_parquet"], row_group_size=50_000)
    paths["one_csv"] = root / "all.csv"
    _write_csv(table, paths["one_csv"])
    return paths


# -- every shape of release ----------------------------------------------------------------------
@pytest.mark.parametrize("shape", ["zip", "parquet_years", "hive", "one_parquet", "one_csv"])
def test_every_release_shape_reads_the_same_flows(sample, sample_shapes, shape):
    lazy = ti.scan_baci(sample_shapes[shape], hs="HS92")
    assert lazy.years == [1989, 1990]
    flows = lazy.collect()
    assert len(flows) == len(sample) and flows.value.sum() == pytest.approx(sample.value.sum(), rel=1e-12)
    assert list(flows.countries.label) == list(sample.countries.label)
    assert list(flows.products.code) == list(sample.products.code)
    one = lazy.collect(1990)
    assert one.years == [1990] and len(one) == int((sample.year == 1990).sum())


def test_unzipped_release_with_code_tables(eaeu_release, eaeu_flows):
    lazy = ti.scan_baci(eaeu_release)
    assert lazy.years == [2014, 2015] and lazy.hs == "HS92"
    flows = lazy.collect()
    assert len(flows) == len(eaeu_flows)
    assert not lazy.notes  # code tables and the read-me are not data, and nothing else was left out


def test_other_data_files_beside_a_release_are_left_out_with_a_note(tmp_path, eaeu_release):
    folder = tmp_path / "r"
    folder.mkdir()
    for p in eaeu_release.iterdir():
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "my_notes.csv").write_text("a,b\n1,2\n")
    with pytest.warns(UserWarning, match="files without a BACI data name left out of r: my_notes.csv"):
        lazy = ti.scan_baci(folder)
    assert lazy.years == [2014, 2015]


def test_the_same_year_twice_is_an_error_naming_both(tmp_path, eaeu_release):
    folder = tmp_path / "twice"
    folder.mkdir()
    src = eaeu_release / "BACI_HS92_Y2014_V202401.csv"
    (folder / src.name).write_bytes(src.read_bytes())
    pq.write_table(pacsv.read_csv(src), folder / "BACI_HS92_Y2014_V202401.parquet")
    with pytest.raises(ValueError, match=r"year 2014 twice: BACI_HS92_Y2014_V202401.csv and "
                                         r"BACI_HS92_Y2014_V202401.parquet; .*would double every value"):
        ti.scan_baci(folder)


def test_duplicates_message_never_suggests_summing_copies(tmp_path):
    path = tmp_path / "BACI_HS92_Y2001_V1.csv"
    path.write_text("t,i,j,k,v,q\n2001,4,8,010121,1.5,NA\n2001,4,8,010121,1.5,NA\n")
    with pytest.raises(ValueError, match="duplicated row at line 3 of BACI_HS92_Y2001_V1.csv") as err:
        ti.read_baci(path)
    assert "only when repeated rows are parts of one flow" in str(err.value) and "same file read twice" in str(err.value)


# -- lazy and in memory give the same numbers ------------------------------------------------------
def _same(a, b):
    if isinstance(a, dict) or isinstance(a, tuple):
        for x, y in zip(a.values() if isinstance(a, dict) else a, b.values() if isinstance(b, dict) else b):
            _same(x, y)
        return
    if isinstance(a, ti.IndexTable):
        assert a.to_arrow().equals(b.to_arrow())
        return
    np.testing.assert_array_equal(np.asarray(a.values), np.asarray(b.values))
    assert list(a.rows) == list(b.rows)
    if hasattr(a, "cols"):
        assert list(a.cols) == list(b.cols)
    assert {k: v for k, v in a.meta.items() if k != "notes"} == {k: v for k, v in b.meta.items() if k != "notes"}


CALLS = {
    "complementarity": lambda f: ti.complementarity(f, groups="EAEU"),
    "complementarity fixed": lambda f: ti.complementarity(f, groups="EAEU", membership="fixed", products="84"),
    "complementarity top-k": lambda f: ti.complementarity(f, groups={"E": ["RUS", "KAZ"]}, top_k=2),
    "complementarity rows": lambda f: ti.complementarity(f, exporters=["RUS", "ARM"], importers=["DEU"]),
    "export similarity": lambda f: ti.export_similarity(f, self_pairs=True),
    "import similarity": lambda f: ti.import_similarity(f, groups="EAEU"),
    "grubel_lloyd": lambda f: ti.grubel_lloyd(f),
    "grubel_lloyd country": lambda f: ti.grubel_lloyd(f, by="country", partners={"EAEU": "EAEU", "World": None}),
    "grubel_lloyd reporters group": lambda f: ti.grubel_lloyd(f, by="country", reporters="EAEU", partners="EAEU"),
    "grubel_lloyd product": lambda f: ti.grubel_lloyd(f, by="product", reporters=["RUS"], adjust="aquino"),
    "marginal_iit": lambda f: ti.marginal_iit(f, 2014, 2015, by="country", partners={"EAEU": "EAEU"}),
    "trade_types": lambda f: ti.trade_types(f, by="country", partners="EAEU"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_lazy_and_in_memory_results_are_identical(eaeu_release, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = ti.scan_baci(eaeu_release)
        _same(CALLS[name](lazy), CALLS[name](lazy.collect()))


@pytest.mark.parametrize("release, products, classification", [("eaeu_release", "84", None),
                                                                ("eaeu_release_hs6", "engineering", "sitc3")])
def test_lazy_report_equals_in_memory_report(request, release, products, classification):
    """With a conversion too: the steps the report adds (its own convert, the products pushed
    down to the marginal-IIT window) on the lazy reader."""
    lazy = ti.scan_baci(request.getfixturevalue(release))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # codes without an SITC match, reported
        a, b = (ti.regional_report(f, "EAEU", products=products, classification=classification)
                for f in (lazy, lazy.collect()))
    assert "marginal_iit" in a.tables
    assert set(a.tables) == set(b.tables)
    for name in a.tables:  # NaN equal to NaN; every other value exactly equal
        pd_testing = pytest.importorskip("pandas").testing
        pd_testing.assert_frame_equal(a.tables[name].to_pandas(), b.tables[name].to_pandas(), check_exact=True)


# -- pushdown ---------------------------------------------------------------------------------------
@pytest.fixture
def reads(monkeypatch):
    """The parts read and the rows each gave, as the readers return them."""
    log = []
    original = sources.LazyFlows._batches

    def spy(self, part, years, request, products):
        entry = [part.name, 0, None]
        log.append(entry)
        for batch in original(self, part, years, request, products):
            entry[1] += batch.num_rows
            entry[2] = batch.schema.names
            yield batch
    monkeypatch.setattr(sources.LazyFlows, "_batches", spy)
    return log


def test_only_the_years_asked_are_opened(reads, eaeu_release):
    ti.complementarity(ti.scan_baci(eaeu_release), years=2015)
    assert [entry[0] for entry in reads] == ["BACI_HS92_Y2015_V202401.csv"]


def test_cli_reads_only_the_years_asked(reads, eaeu_release, tmp_path):
    from tradeindex.cli import main
    assert main(["grubel-lloyd", str(eaeu_release), "--years", "2015", "-o", str(tmp_path / "gl.csv")]) == 0
    assert [entry[0] for entry in reads] == ["BACI_HS92_Y2015_V202401.csv"]


def test_products_countries_and_columns_are_pushed_down(reads, sample_shapes, sample):
    lazy = ti.scan_baci(sample_shapes["parquet_years"], hs="HS92")
    ti.complementarity(lazy, years=1990, products="84")
    n_84 = int(((sample.year == 1990) & np.char.startswith(sample.products.code[sample.product].astype(str), "84")).sum())
    assert reads[-1][1] == n_84 and "quantity" not in reads[-1][2]  # only chapter 84, and no quantities
    ti.complementarity(lazy, years=1990, exporters=["BRA"], importers=["ARG"])
    codes = sample.countries.code
    rows = (sample.year == 1990) & ((codes[sample.exporter] == 76) | (codes[sample.importer] == 32))
    assert reads[-1][1] == int(rows.sum())  # Brazil's exports and Argentina's imports only
    ti.trade_types(lazy, years=1990)
    assert "quantity" in reads[-1][2]  # unit values need quantities


def test_one_parquet_with_many_years_skips_other_years(reads, sample_shapes, sample):
    lazy = ti.scan_baci(sample_shapes["one_parquet"], hs="HS92")
    flows = lazy.collect(1989)
    assert flows.years == [1989] and reads[-1][1] == int((sample.year == 1989).sum())


# -- conversions -------------------------------------------------------------------------------------
def test_sitc_products_read_through_the_concordance_equal_converting_all(baci_slice_path):
    """SITC codes pushed down as the HS codes that map to them: exact."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = ti.scan_baci(baci_slice_path).convert("sitc3")
        pushed = ti.complementarity(lazy, products="sitc3:7", self_pairs=True)
        full = ti.complementarity(lazy.collect(), products="sitc3:7", self_pairs=True)
    np.testing.assert_array_equal(pushed.values, full.values)


def test_hs_products_on_converted_flows(baci_slice_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = ti.scan_baci(baci_slice_path).convert("sitc3")
        exact = ti.complementarity(lazy, products="hs:84-90", self_pairs=True)  # before the conversion: exact
        by_hand = ti.complementarity(ti.read_baci(baci_slice_path).select(products="84-90").convert("sitc3"),
                                     self_pairs=True)
        np.testing.assert_array_equal(exact.values, by_hand.values)
        converted = lazy.collect()
    with pytest.warns(UserWarning, match=r"products hs:84-90 on SITC3 flows: translated through the HS17 -> SITC "
                                         r"Rev.3 concordance .* the set is approximate"):
        ti.complementarity(converted, products="hs:84-90")
    with pytest.raises(ValueError, match=r"products must be a range of SITC3 codes .*say 'hs:84-90' for HS codes"):
        ti.complementarity(converted, products="84-90")


# -- memory ------------------------------------------------------------------------------------------
PEAK = textwrap.dedent("""
    import resource, sys, warnings
    warnings.simplefilter("ignore")
    import tradeindex as ti
    lazy = ti.scan_baci(sys.argv[1])
    ti.regional_report(lazy, {"G": [4, 8, 12]}, compare={"C": [16, 20]}, products="01")
    ti.complementarity(lazy, groups={"G": [4, 8, 12]})
    print([int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")][0])  # KB; not ru_maxrss,
    # which counts the pages of the parent (pytest) at fork
""")


def test_peak_memory_does_not_grow_with_the_number_of_years(tmp_path):
    """A report and a panel over 24 years need no more memory than over 4: one year at a time."""
    rng = np.random.default_rng(0)
    n = 300_000
    for n_years, folder in ((4, tmp_path / "few"), (24, tmp_path / "many")):
        folder.mkdir()
        for year in range(2000, 2000 + n_years):
            i = rng.integers(1, 200, n) * 4
            j = (i + 4 * rng.integers(1, 199, n)) % 800 + 4
            j = np.where(j == i, j + 4, j)
            key = np.unique(np.stack([i, j, rng.integers(10000, 10100, n)]), axis=1)
            pq.write_table(pa.table({"t": np.full(key.shape[1], year, np.int32), "i": key[0].astype(np.int32),
                                     "j": key[1].astype(np.int32), "k": key[2].astype(np.int32),
                                     "v": rng.random(key.shape[1])}),
                           folder / f"BACI_HS92_Y{year}_V1.parquet")
    peaks = {}
    for name in ("few", "many"):
        out = subprocess.run([sys.executable, "-c", PEAK, str(tmp_path / name)], capture_output=True, text=True,
                             check=True)
        peaks[name] = int(out.stdout.split()[-1]) / 1024  # MB
    one_year = n * 24 / 1e6  # MB of one year's columns
    assert peaks["many"] - peaks["few"] < 8 * one_year, (peaks, one_year)  # holding every year: +20 years (measured +250 MB)


def test_a_year_is_released_without_waiting_for_the_garbage_collector(sample_shapes):
    """No reference cycle holds a year's columns (they live in Arrow's memory pool): dropping
    the flows gives the memory back at once, so the next year never meets the last one."""
    import gc
    lazy = ti.scan_baci(sample_shapes["parquet_years"], hs="HS92")
    gc.collect()
    gc.disable()
    try:
        base = pa.total_allocated_bytes()
        flows = lazy.collect(1990)
        assert pa.total_allocated_bytes() > base
        sitc = flows.aggregate_products(2)
        del flows, sitc
        assert pa.total_allocated_bytes() == base
        ti.complementarity(lazy, groups={"G": ["ARG", "BRA"]})
        ti.grubel_lloyd(lazy, by="country", partners={"G": ["ARG", "BRA"], "World": None})
        assert pa.total_allocated_bytes() == base
    finally:
        gc.enable()


def test_product_dictionaries_that_change_between_row_groups(tmp_path):
    """k is read as each row group's dictionary; one lookup serves consecutive batches with an
    equal dictionary, and a row group with other codes or another order gets its own."""
    groups = [["010101", "020202"], ["010101", "020202"], ["030303", "020202", "010101"], ["040404"]]
    tables = []
    for g, codes in enumerate(groups):
        n = len(codes)
        tables.append(pa.table({"t": pa.array([2014] * n, pa.int32()), "i": pa.array([4] * n, pa.int32()),
                                "j": pa.array([8 + g] * n, pa.int32()), "k": pa.array(codes),
                                "v": pa.array(np.arange(1.0, n + 1) + 10 * g)}))
    path = tmp_path / "BACI_HS92_Y2014_V202401.parquet"
    with pq.ParquetWriter(path, tables[0].schema) as writer:
        for t in tables:
            writer.write_table(t)  # one row group each
    assert pq.ParquetFile(path).metadata.num_row_groups == len(groups)
    flows = ti.read_baci(path)
    got = sorted(zip(flows.countries.code[flows.importer].tolist(), flows.products.code[flows.product].tolist(),
                     flows.value.tolist()))
    want = sorted((8 + g, code, float(n + 1 + 10 * g)) for g, codes in enumerate(groups) for n, code in enumerate(codes))
    assert got == want

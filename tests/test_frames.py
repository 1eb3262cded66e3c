"""Frames in and out: every kind of frame gives the same flows; to_arrow / to_pandas / bilateral
totals; UN Comtrade records (comtradeapicall's frames, bulk files) give the sample's indices."""
import re
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

import tradeindex
from tradeindex import TradeFlows, flows as flows_module

pd = pytest.importorskip("pandas")

FIELDS = dict(exporter="exporter", importer="importer", product="product", value="value",
              quantity="quantity", year="year")
CODES = dict(FIELDS, exporter="exporter_code", importer="importer_code")


def _same(f, g):
    """Equal flows: the same rows, codes, labels, values and quantities."""
    assert f.to_arrow().equals(g.to_arrow())


@pytest.fixture(scope="module")
def table(sample):
    return sample.to_arrow()


@pytest.fixture(scope="module")
def machinery(sample):
    """Chapters 84 and 85 of the sample: the frame kinds are many, the flows need not be."""
    return sample.select(products=["84", "85"])


# -- in: every kind of frame ------------------------------------------------------------------------
class Capsule:
    """Only the Arrow PyCapsule stream protocol (what e.g. a nanoarrow or cudf object offers)."""

    def __init__(self, table):
        self.table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


def _pandas_kinds(t):
    df = t.to_pandas()
    categorical = df.astype({"exporter": "category", "importer": "category", "product": "category"})
    arrow_dtypes = t.to_pandas(types_mapper=pd.ArrowDtype)
    multi = df.set_index(["year", "exporter_code", "importer_code"])
    return {"pandas": (df, FIELDS), "pandas categorical": (categorical, FIELDS),
            "pandas ArrowDtype": (arrow_dtypes, FIELDS), "pandas MultiIndex": (multi, CODES)}


def _polars_kinds(t):
    pl = pytest.importorskip("polars")
    df = pl.from_arrow(t)
    return {"polars": (df, FIELDS), "polars LazyFrame": (df.lazy(), CODES),
            "polars categorical": (df.with_columns(pl.col("product").cast(pl.Categorical)), FIELDS)}


def _duckdb_kinds(t):
    duckdb = pytest.importorskip("duckdb")
    return {"duckdb relation": (duckdb.from_arrow(t), FIELDS)}


KINDS = {
    "arrow Table": lambda t: (t, FIELDS),
    "arrow RecordBatch": lambda t: (t.combine_chunks().to_batches()[0], CODES),
    "arrow RecordBatchReader": lambda t: (pa.RecordBatchReader.from_batches(t.schema, t.to_batches(5_000)), FIELDS),
    "arrow Dataset": lambda t: (ds.dataset(t), CODES),
    "PyCapsule stream": lambda t: (Capsule(t), FIELDS),
    **{k: (lambda t, k=k: _pandas_kinds(t)[k]) for k in ("pandas", "pandas categorical", "pandas ArrowDtype",
                                                         "pandas MultiIndex")},
    **{k: (lambda t, k=k: _polars_kinds(t)[k]) for k in ("polars", "polars LazyFrame", "polars categorical")},
    "duckdb relation": lambda t: _duckdb_kinds(t)["duckdb relation"],
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_frame_gives_the_same_flows(machinery, kind):
    frame, fields = KINDS[kind](machinery.to_arrow())
    f = TradeFlows.from_frame(frame, hs="HS92", **fields)
    _same(f, machinery)
    np.testing.assert_allclose(np.asarray(tradeindex.complementarity(f)),
                               np.asarray(tradeindex.complementarity(machinery)), equal_nan=True)


def test_a_stream_is_consumed_batch_by_batch(sample, table, monkeypatch):
    """A RecordBatchReader fed by a generator: each batch is pulled only after the previous one
    went into the flows (never the whole stream first)."""
    batches, events = table.to_batches(40_000), []
    assert len(batches) > 2

    def produce():
        for k, b in enumerate(batches):
            events.append(("pulled", k))
            yield b

    add = flows_module._Builder.add

    def added(self, batch, **kwargs):
        events.append(("added", batch.num_rows))
        return add(self, batch, **kwargs)

    monkeypatch.setattr(flows_module._Builder, "add", added)
    f = TradeFlows.from_frame(pa.RecordBatchReader.from_batches(table.schema, produce()), **FIELDS)
    assert events == [e for k, b in enumerate(batches) for e in (("pulled", k), ("added", b.num_rows))]
    _same(f, sample)


def test_only_the_named_columns_are_read(table):
    pl = pytest.importorskip("polars")
    wide = pl.from_arrow(table).with_columns(pl.lit("unused").alias("comment"))
    f = TradeFlows.from_frame(wide.lazy(), exporter="exporter", importer="importer", product="product",
                              value="value", year="year")
    assert not f.has_quantity and f.years == [1989, 1990]


def test_from_frame_leaves_the_frame_alone(table):
    df = table.slice(0, 20_000).to_pandas().astype({"product": "category"})
    before = df.copy()
    TradeFlows.from_frame(df, **FIELDS)
    pd.testing.assert_frame_equal(df, before)


def test_from_frame_errors(table):
    with pytest.raises(TypeError, match=r"frame must be a pyarrow Table, RecordBatch, RecordBatchReader or "
                                        r"Dataset, a pandas DataFrame, .*; found a builtins.dict"):
        TradeFlows.from_frame({"a": [1]}, exporter="a", importer="a", product="a", value="a")
    with pytest.raises(ValueError, match=r"frame must be a table with columns .*; found no column 'usd'"):
        TradeFlows.from_frame(table, exporter="exporter", importer="importer", product="product", value="usd")
    with pytest.raises(TypeError, match=r"year must be the name of a column of the frame; found a Series"):
        TradeFlows.from_frame(table.to_pandas(), exporter="exporter", importer="importer", product="product",
                              value="value", year=table.to_pandas()["year"])
    df = pd.DataFrame({"e": [32, "ARG"], "i": [76, 76], "k": ["0101", "0101"], "v": [1.0, 2.0]})
    with pytest.raises(TypeError, match=r"exporter must be a column of codes or numbers; found column 'e' of "
                                        r"dtype object"):
        TradeFlows.from_frame(df, exporter="e", importer="i", product="k", value="v")
    twice = pd.DataFrame([[32, 76, "0101", 1.0]], columns=["e", "e", "k", "v"])
    with pytest.raises(ValueError, match=r"exporter must be one column of the frame; found 2 columns named 'e'"):
        TradeFlows.from_frame(twice, exporter="e", importer="k", product="k", value="v")
    pl = pytest.importorskip("polars")
    text_value = pl.DataFrame({"e": [32], "i": [76], "k": ["0101"], "v": ["1.0"]})
    with pytest.raises(TypeError, match=r"value must be numeric \(integer or float\); found a column of type "
                                        r"large_string"):
        TradeFlows.from_frame(text_value, exporter="e", importer="i", product="k", value="v")
    with pytest.raises(ValueError, match=r"value must be finite and non-negative; found -1.0 at row 1"):
        TradeFlows.from_frame(pl.DataFrame({"e": [32, 32], "i": [76, 76], "k": ["01", "02"], "v": [1.0, -1.0]}),
                              exporter="e", importer="i", product="k", value="v")


# -- out: to_arrow, to_pandas, bilateral totals ------------------------------------------------------
def test_to_arrow_columns_follow_the_conventions(sample, table):
    assert table.schema.names == ["year", "exporter", "exporter_code", "importer", "importer_code", "product",
                                  "value", "quantity"]
    assert [str(t) for t in table.schema.types] == ["int32", "string", "int64", "string", "int64", "string",
                                                    "double", "double"]
    assert table["quantity"].null_count == int(np.isnan(sample.quantity).sum()) > 0
    assert table["exporter"].to_pylist()[:1] == ["ARG"] and "ITA(381)" in set(table["exporter"].to_pylist())
    assert pa.table(sample).equals(table)  # the PyCapsule stream of the flows
    pl = pytest.importorskip("polars")
    assert pl.DataFrame(sample).height == len(sample)


def test_round_trips_by_label_and_by_code(sample, table):
    _same(TradeFlows.from_frame(table, hs="HS92", **FIELDS), sample)
    _same(TradeFlows.from_frame(sample.to_pandas(), hs="HS92", **CODES), sample)


def test_text_labels_have_null_codes():
    f = TradeFlows.from_arrays(["firm A", "firm B"], ["firm B", "firm A"], ["01", "01"], [1.0, 2.0])
    t = f.to_arrow()
    assert t.column_names == ["exporter", "exporter_code", "importer", "importer_code", "product", "value"]
    assert t["exporter_code"].null_count == 2
    df = f.to_pandas()
    assert str(df["exporter_code"].dtype) == "Int64" and df["exporter_code"].isna().all()
    _same(TradeFlows.from_frame(t, exporter="exporter", importer="importer", product="product", value="value"), f)


def test_bilateral_totals_equal_a_pandas_groupby(sample):
    keys = ["year", "exporter", "exporter_code", "importer", "importer_code"]
    expected = sample.to_pandas().groupby(keys).value.sum()
    totals = sample.to_pandas(totals=True)
    assert list(totals.columns) == keys + ["value"]
    assert len(totals) == len(expected) and (totals.value > 0).all()
    got = totals.set_index(keys).value
    pd.testing.assert_series_equal(got, expected.loc[got.index], check_exact=False, rtol=1e-12)
    everything = sample.to_pandas(totals=True, zeros=True)
    n_c = len(sample.countries)
    assert len(everything) == 2 * n_c * (n_c - 1)
    assert (everything.exporter != everything.importer).all()
    assert (everything.value == 0).sum() == len(everything) - len(totals)
    np.testing.assert_allclose(everything.set_index(keys).value.loc[got.index], got.values, rtol=1e-12)


def test_bilateral_totals_sparse_path_and_no_year(sample, monkeypatch):
    dense = sample.to_arrow(totals=True)
    monkeypatch.setattr(flows_module, "DENSE_CELLS_PER_FLOW", 0)
    monkeypatch.setattr(flows_module, "DENSE_CELLS_MIN", 0)
    sparse = sample.to_arrow(totals=True)
    assert sparse.drop_columns(["value"]).equals(dense.drop_columns(["value"]))
    np.testing.assert_allclose(sparse["value"].to_numpy(), dense["value"].to_numpy(), rtol=1e-12)
    f = TradeFlows.from_arrays([32, 32, 76], [76, 76, 32], ["0101", "0102", "0101"], [1.0, 2.0, 0.0])
    assert f.to_arrow(totals=True).to_pydict() == {"exporter": ["ARG"], "exporter_code": [32], "importer": ["BRA"],
                                                    "importer_code": [76], "value": [3.0]}
    assert f.to_arrow(totals=True, zeros=True)["value"].to_pylist() == [3.0, 0.0]


# -- UN Comtrade ------------------------------------------------------------------------------------
def _comtrade(table, reporter, partner, flow):
    """The flows of a to_arrow() table as Comtrade records of one flow code, USD, one record per
    flow with the total breakdown codes (comtradeapicall's getFinalData columns)."""
    return pd.DataFrame({
        "typeCode": "C", "freqCode": "A", "refYear": table["year"].to_numpy(), "period": table["year"].to_numpy().astype(str),
        "reporterCode": table[f"{reporter}_code"].to_numpy(), "flowCode": flow,
        "partnerCode": table[f"{partner}_code"].to_numpy(), "partner2Code": 0, "classificationCode": "H0",
        "cmdCode": table["product"].to_pylist(), "aggrLevel": 4, "customsCode": "C00", "motCode": 0,
        "netWgt": table["quantity"].to_numpy(zero_copy_only=False) * 1000,
        "primaryValue": table["value"].to_numpy() * 1000, "isReported": True, "isAggregate": False})


@pytest.fixture(scope="module")
def comtrade(table):
    """(records, {special kind: (records, value)}): the sample as X records reported by the
    exporters and M records by the importers (reconciled: the same values), plus rows each rule
    must catch."""
    x, m = _comtrade(table, "exporter", "importer", "X"), _comtrade(table, "importer", "exporter", "M")
    special = {}
    world = x[x.reporterCode == 32].groupby(["refYear", "period", "reporterCode", "cmdCode"], as_index=False)[
        ["primaryValue", "netWgt"]].sum()
    special["World"] = world.assign(**{c: x[c].iloc[0] for c in x.columns if c not in world.columns}).assign(partnerCode=0)
    special["area"] = x.iloc[:5].assign(partnerCode=899)
    usa = x[(x.reporterCode == 842) & (x.refYear == 1990) & x.cmdCode.str.startswith("84")]
    special["RX"] = usa.assign(flowCode="RX", primaryValue=usa.primaryValue / 10, netWgt=usa.netWgt / 10)
    special["RM"] = m.iloc[:7].assign(flowCode="RM", primaryValue=1.0)
    special["DX"] = x.iloc[10:13].assign(flowCode="DX")
    special["self"] = m.iloc[20:24].assign(partnerCode=m.iloc[20:24].reporterCode)
    special["TOTAL"] = x.iloc[:2].assign(cmdCode="TOTAL", aggrLevel=0, primaryValue=5e9)
    special["chapter"] = x.iloc[:3].assign(cmdCode="84", aggrLevel=2)
    bra = x[(x.reporterCode == 76) & (x.refYear == 1990)].iloc[:50]
    special["breakdown"] = pd.concat([bra.assign(motCode=1000, primaryValue=bra.primaryValue * 0.6),
                                      bra.assign(motCode=2100, primaryValue=bra.primaryValue * 0.4)])
    chl = x[(x.reporterCode == 152) & (x.refYear == 1990)].iloc[:30]
    x = x.drop(chl.index)  # these flows come as customs-procedure parts only, without a total record
    parts = pd.concat([chl.assign(customsCode="C01", primaryValue=chl.primaryValue * 0.7, netWgt=chl.netWgt * 0.7),
                       chl.assign(customsCode="C02", primaryValue=chl.primaryValue * 0.3, netWgt=chl.netWgt * 0.3)])
    records = pd.concat([x, m, parts, *special.values()], ignore_index=True)[list(x.columns)]
    special["parts"] = parts
    return records, special


def _from_comtrade(records, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = tradeindex.from_comtrade(records, **kwargs)
    return f, "\n".join(str(w.message) for w in caught)


def _indices(f):
    return (np.asarray(tradeindex.complementarity(f)), np.asarray(tradeindex.grubel_lloyd(f)))


@pytest.mark.parametrize("flows", ["exports", "imports", "mirror"])
def test_comtrade_records_give_the_sample_indices(sample, comtrade, flows):
    records, _ = comtrade
    f, warned = _from_comtrade(records, flows=flows, value_unit="1000 USD")
    assert f.hs == "HS92"
    for got, expected in zip(_indices(f), _indices(sample)):
        np.testing.assert_allclose(got, expected, rtol=1e-9, equal_nan=True)
    t, s = f.to_arrow(), sample.to_arrow()
    assert t.drop_columns(["value", "quantity"]).equals(s.drop_columns(["value", "quantity"]))
    np.testing.assert_allclose(t["value"].to_numpy(), s["value"].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(t["quantity"].to_numpy(zero_copy_only=False),
                               s["quantity"].to_numpy(zero_copy_only=False) * 1000, rtol=1e-9, equal_nan=True)
    assert "World (0)" in warned and "values from primaryValue, divided by 1,000" in "\n".join(f.notes)


def _count(notes, pattern):
    """The record count a note gives for `pattern` (e.g. 'World \\(0\\)')."""
    hit = re.search(r"([\d,]+) " + pattern, "\n".join(notes))
    assert hit, f"no note matching {pattern!r} in {notes}"
    return int(hit.group(1).replace(",", ""))


def test_every_special_record_is_reported(comtrade):
    records, special = comtrade
    f, warned = _from_comtrade(records, flows="exports")
    notes = f.notes
    assert _count(notes, r"World \(0\) partner or reporter records") == len(special["World"])
    assert _count(notes, r"area \(not a country\)") == len(special["area"]) and "899 Areas, nes" in warned
    assert _count(notes, r"self-trade records") == len(special["self"])
    assert _count(notes, r"aggregate commodity records") == len(special["TOTAL"]) + len(special["chapter"])
    assert _count(notes, r"breakdown \(partner2Code, customsCode, motCode\) records") == len(special["breakdown"])
    assert _count(notes, r"flows from [\d,]+ records \(.*\): flows without a total record") == len(special["parts"]) // 2
    assert _count(notes, r"RX records") == len(special["RX"]) and _count(notes, r"RM records") == len(special["RM"])
    assert _count(notes, r"other flow code \(DX 3\) records") == len(special["DX"])
    assert _count(notes, r"M records") == int((records.flowCode == "M").sum()) - len(special["self"])
    share = re.search(r"World \(0\) partner or reporter records \(([\d.]+)% of the value", warned).group(1)
    assert float(share) == pytest.approx(100 * special["World"].primaryValue.sum() / records.primaryValue.sum(), abs=1e-3)
    assert "in US dollars" in "\n".join(notes) and "net weight, kg" in "\n".join(notes)


def test_mirror_fills_exporters_that_did_not_report(sample, comtrade):
    records, _ = comtrade
    silent = (records.flowCode == "X") & ((records.reporterCode == 32) | (records.reporterCode == 842)) \
        & (records.refYear == 1990)
    partial = records[~silent]
    mirror, warned = _from_comtrade(partial, flows="mirror")
    for got, expected in zip(_indices(mirror), _indices(sample)):
        np.testing.assert_allclose(got, expected, rtol=1e-9, equal_nan=True)
    assert "of 2 exporter-years that reported none, from their partners' M records" in warned
    assert "valued CIF" in warned
    exports, _ = _from_comtrade(partial, flows="exports")  # without the mirror those exports are missing
    assert len(exports) < len(sample)


def test_import_records_are_read_with_the_partner_as_exporter(sample, table):
    m = _comtrade(table, "importer", "exporter", "M")
    f, _ = _from_comtrade(m, flows="imports", value_unit="1000 USD")
    np.testing.assert_allclose(f.to_arrow()["value"].to_numpy(), table["value"].to_numpy(), rtol=1e-9)
    naive = TradeFlows.from_frame(m, exporter="reporterCode", importer="partnerCode", product="cmdCode",
                                  value="primaryValue", year="refYear")  # the mistake the README used to show
    assert not np.allclose(np.asarray(tradeindex.complementarity(naive)),
                           np.asarray(tradeindex.complementarity(sample)), equal_nan=True)


def test_re_exports_taken_out_on_request(sample, comtrade):
    records, special = comtrade
    f, warned = _from_comtrade(records, flows="exports", re_exports="exclude", value_unit="1000 USD")
    assert f"re_exports='exclude': RX taken out of {len(special['RX']):,} flows" in warned
    got, expected = f.to_pandas(), sample.to_pandas()
    usa = (expected.exporter == "USA") & (expected.year == 1990) & expected["product"].str.startswith("84")
    np.testing.assert_allclose(got.value[usa], 0.9 * expected.value[usa], rtol=1e-9)
    np.testing.assert_allclose(got.value[~usa], expected.value[~usa], rtol=1e-9)


def test_comtrade_bulk_files(tmp_path, comtrade):
    records, _ = comtrade
    part = records.iloc[::40]
    tab, comma = tmp_path / "COMTRADE-FINAL-CA0001989H0[2024-01-01].gz", tmp_path / "TradeData.csv"
    part.to_csv(tab, sep="\t", index=False, compression="gzip")
    part.to_csv(comma, index=False)
    expected, _ = _from_comtrade(part, flows="mirror")
    for path in (tab, comma, [str(comma)]):
        f, _ = _from_comtrade(path, flows="mirror")
        _same(f, expected)
    with pytest.raises(FileNotFoundError, match=r"data must be a UN Comtrade file .*; found '.*nothing.csv'"):
        tradeindex.from_comtrade(tmp_path / "nothing.csv")


def _records(**columns):
    base = {"refYear": [2022, 2022, 2022], "reporterCode": [32, 76, 32], "partnerCode": [76, 32, 152],
            "flowCode": ["X", "X", "X"], "cmdCode": ["0101", "0101", "0102"], "primaryValue": [1.0, 2.0, 3.0]}
    return pd.DataFrame({**base, **columns})


def test_comtrade_small_rules():
    f, _ = _from_comtrade(_records(netWgt=[1.0, -1.0, None]))
    assert np.isnan(f.quantity).sum() == 2 and any("1 negative quantities (unknown) read as missing" in n
                                                   for n in f.notes)
    f, _ = _from_comtrade(_records(cmdCode=[101, 101, 102]))  # codes read as integers: zeros restored
    assert f.products.code.tolist() == ["0101", "0102"]
    f, warned = _from_comtrade(_records(classificationCode=["H0", "H1", "H1"]))
    assert f.hs is None and "records in 2 HS revisions (H0: 1, H1: 2)" in warned
    f, _ = _from_comtrade(_records(classificationCode="H5", period=["2022"] * 3).drop(columns="refYear"))
    assert f.hs == "HS17" and f.years == [2022]
    f, warned = _from_comtrade(_records(partnerCode=[0, 0, 0]))  # nothing left: empty flows, all reported
    assert len(f) == 0 and "3 World (0) partner or reporter records" in warned
    f, warned = _from_comtrade(_records(reporterCode=[32, 32, 32], partnerCode=[76, 76, 152]), duplicates="sum")
    assert "1 flows from 2 records" in warned and "repeated total records summed" in warned
    assert sorted(f.value.tolist()) == [3.0, 3.0]


def test_comtrade_errors():
    with pytest.raises(ValueError, match=r"flows must be one of 'exports', 'imports', 'mirror'; found 'both'"):
        tradeindex.from_comtrade(_records(), flows="both")
    with pytest.raises(ValueError, match=r"re_exports must be one of 'include', 'exclude'; found 'yes'"):
        tradeindex.from_comtrade(_records(), re_exports="yes")
    with pytest.raises(ValueError, match=r"data must be a table with columns 'reporterCode', 'partnerCode', "
                                         r"'cmdCode', 'flowCode', 'primaryValue'; found no column 'flowCode'"):
        tradeindex.from_comtrade(_records().drop(columns="flowCode"))
    with pytest.raises(ValueError, match=r"data must be a table with columns .*; found no column 'refYear \(or period\)'"):
        tradeindex.from_comtrade(_records().drop(columns="refYear"))
    with pytest.raises(ValueError, match=r"freqCode must be annual records \(freqCode 'A', period YYYY\).*; "
                                         r"found 3 records of frequency 'M'"):
        tradeindex.from_comtrade(_records(freqCode="M"))
    with pytest.raises(ValueError, match=r"period must be annual records .*; found 3 records with a monthly period"):
        tradeindex.from_comtrade(_records(period="202201").drop(columns="refYear"))
    with pytest.raises(ValueError, match=r"primaryValue must be finite and non-negative; found -2.0 at row 1"):
        tradeindex.from_comtrade(_records(primaryValue=[1.0, -2.0, 3.0]))
    with pytest.raises(ValueError, match=r"primaryValue must be a number in every row \(no NaN or missing\); "
                                         r"found NaN at row 2"):
        tradeindex.from_comtrade(_records(primaryValue=[1.0, 2.0, None]))
    with pytest.raises(ValueError, match=r"reporterCode must be present in every row; found a missing value at row 0"):
        tradeindex.from_comtrade(_records(reporterCode=pd.array([None, 76, 32], dtype="Int64")))
    with pytest.raises(TypeError, match=r"partnerCode must be numeric UN Comtrade codes; found a column of type"):
        tradeindex.from_comtrade(_records(partnerCode=["BRA", "ARG", "CHL"]))
    with pytest.raises(ValueError, match=r"classificationCode must be records in an HS classification .*; "
                                         r"found 'S3'"):
        tradeindex.from_comtrade(_records(classificationCode="S3"))
    with pytest.raises(ValueError, match=r"data must be one record per \(year, reporter, flow, partner, commodity\) "
                                         r".*; found 1 repeated, the first year 2022, reporter 32, partner 76"):
        tradeindex.from_comtrade(_records(reporterCode=[32, 32, 32], partnerCode=[76, 76, 152]))

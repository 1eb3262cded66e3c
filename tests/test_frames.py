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

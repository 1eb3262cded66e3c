import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from generate import PRESETS, generate_flows, generate_panel, stats, write_csv, write_parquet

TINY = PRESETS["tiny"]


@pytest.fixture(scope="module")
def flows():
    return generate_flows(*TINY, year=2020, seed=0)


def test_deterministic(flows):
    again = generate_flows(*TINY, year=2020, seed=0)
    for c in "tijkvq":
        np.testing.assert_array_equal(flows[c], again[c])
    assert not np.array_equal(generate_flows(*TINY, seed=1)["v"][:100], flows["v"][:100])


def test_schema_and_values(flows):
    assert flows["t"].dtype == flows["i"].dtype == flows["j"].dtype == np.int32
    assert (flows["t"] == 2020).all()
    assert (flows["i"] != flows["j"]).all()
    assert (flows["v"] > 0).all() and np.allclose(flows["v"], np.round(flows["v"], 3))
    assert 0.02 < np.isnan(flows["q"]).mean() < 0.08
    assert all(len(k) == 6 and k.isdigit() for k in np.unique(flows["k"]))
    assert len(np.unique(np.concatenate([flows["i"], flows["j"]]))) == TINY[0]


def test_unique_and_sorted(flows):
    key = list(zip(flows["i"].tolist(), flows["j"].tolist(), flows["k"].tolist()))
    assert key == sorted(set(key))


def test_stats_near_targets(flows):
    s = stats(flows)
    assert abs(s["n_flows"] / TINY[2] - 1) < 0.15
    assert 0.15 < s["mirror_rate"] < 0.3
    assert 0.4 < s["exp_density"] < 0.6
    assert 0.65 < s["imp_density"] < 0.85


def test_panel_persistence():
    (_, a), (_, b) = generate_panel([2020, 2021], *TINY, seed=0)
    assert (b["t"] == 2021).all()
    ka = set(zip(a["i"].tolist(), a["j"].tolist(), a["k"].tolist()))
    kb = set(zip(b["i"].tolist(), b["j"].tolist(), b["k"].tolist()))
    assert 0.85 < len(ka & kb) / len(ka) < 0.95


def test_csv_baci_format_roundtrip(flows, tmp_path):
    path = tmp_path / "BACI_HS17_Y2020_V202401.csv"
    write_csv(flows, path)
    lines = path.read_text().splitlines()
    assert lines[0] == "t,i,j,k,v,q"
    assert len(lines) == len(flows["v"]) + 1
    q_na = [ln.split(",")[5] for ln in lines[1:] if ln.endswith("NA")]
    assert q_na and all(q == "           NA" for q in q_na)
    row = lines[1].split(",")
    assert len(row[3]) == 6 and row[4] == f"{flows['v'][0]:.3f}"
    assert row[5] == "NA".rjust(13) if np.isnan(flows["q"][0]) else f"{flows['q'][0]:13.3f}"

    # BACI's padded q reads as text: trim, map NA to null, cast.
    tab = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
        column_types={"k": pa.string(), "q": pa.string()}))
    q = pc.utf8_trim_whitespace(tab["q"])
    q = pc.if_else(pc.equal(q, "NA"), None, q).cast(pa.float64())
    np.testing.assert_array_equal(tab["i"].to_numpy(), flows["i"])
    np.testing.assert_array_equal(tab["k"].to_numpy(zero_copy_only=False), flows["k"])
    np.testing.assert_array_equal(tab["v"].to_numpy(), flows["v"])
    np.testing.assert_array_equal(q.to_numpy(zero_copy_only=False), flows["q"])


def test_parquet_roundtrip(flows, tmp_path):
    path = tmp_path / "BACI_HS17_Y2020_V202401.parquet"
    write_parquet(flows, path)
    tab = pq.read_table(path)
    assert tab.schema.names == list("tijkvq")
    assert [str(t) for t in tab.schema.types] == ["int32", "int32", "int32", "string", "double", "double"]
    assert tab["q"].null_count == np.isnan(flows["q"]).sum()
    np.testing.assert_array_equal(tab["v"].to_numpy(), flows["v"])

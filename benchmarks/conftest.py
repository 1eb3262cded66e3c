"""Shared benchmark data: generated once per preset (TRADEINDEX_BENCH_PRESET, default "full",
i.e. 240 countries x 5,000 products, ~10M flows) and cached in benchmarks/data/<preset>/."""
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

PRESET = os.environ.get("TRADEINDEX_BENCH_PRESET", "full")


def bench_files(preset=PRESET, year=2020):
    """{"csv": path, "parquet": path, "csv_shuffled": path, "parquet_shuffled": path}, written once."""
    out = HERE / "data" / preset
    names = {"csv": generate.baci_name(year, "csv"), "parquet": generate.baci_name(year, "parquet"),
             "csv_shuffled": generate.baci_name(year, "csv", "_shuffled"),
             "parquet_shuffled": generate.baci_name(year, "parquet", "_shuffled")}
    paths = {k: out / v for k, v in names.items()}
    if not all(p.exists() for p in paths.values()):
        out.mkdir(parents=True, exist_ok=True)
        generate.main(["--preset", preset, "--years", str(year), "--out", str(out), "--shuffle"])
    return paths


@pytest.fixture(scope="session")
def files():
    return bench_files()

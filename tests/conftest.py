import gzip
from importlib import resources
from pathlib import Path

import pytest

import tradeindex

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def sample():
    return tradeindex.sample()


@pytest.fixture(scope="session")
def sample_path():
    with resources.as_file(resources.files("tradeindex") / "data" / "comtrade_sample_hs4_1989_1990.csv.gz") as p:
        yield Path(p)


@pytest.fixture(scope="session")
def sample_frame(sample_path):
    pd = pytest.importorskip("pandas")
    return pd.read_csv(sample_path, dtype={"k": str})


@pytest.fixture(scope="session")
def baci_slice_path():
    """The real BACI HS17 2020 slice from ../shared/data (beside the repository)."""
    path = SHARED / "baci_hs17_y2020_afg_zaf.csv.gz"
    if not path.exists():
        pytest.skip(f"{path} not found (needs ../shared beside the repository)")
    return path

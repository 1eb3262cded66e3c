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


@pytest.fixture(scope="session")
def eaeu_flows():
    """Random flows of 2014-2015 among the five EAEU countries and Germany, HS4 codes of chapters
    84-85: for membership-by-year tests (Armenia and Kyrgyzstan join the EAEU in 2015)."""
    import numpy as np
    codes = {"ARM": 51, "BLR": 112, "KAZ": 398, "KGZ": 417, "RUS": 643, "DEU": 276}
    rng = np.random.default_rng(0)
    rows = [(y, a, b, p, float(rng.integers(1, 100))) for y in (2014, 2015) for a in codes for b in codes
            if a != b for p in ("8401", "8402", "8501")]
    y, e, i, k, v = zip(*rows)
    return tradeindex.TradeFlows.from_arrays([codes[c] for c in e], [codes[c] for c in i], list(k),
                                             np.array(v), year=np.array(y))

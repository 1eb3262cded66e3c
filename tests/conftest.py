import gzip
import os
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import tradeindex

# Hypothesis profiles (HYPOTHESIS_PROFILE=ci|long|dev; ci by default, so CI runs it):
# - ci: derandomized (a fixed seed per test: every run draws the same cases), no example
#   database, no deadline; 100 examples for a test without its own count, and the volume
#   property tests (test_properties.py) run 100 x that: 10,000 cases per index family.
# - long: 10 x ci, still derandomized: 100,000 cases per family (minutes; before a release).
# - dev: random seeds and the example database, 10 x fewer: to explore new cases quickly.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True, max_examples=100,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=1000)
settings.register_profile("dev", deadline=None, max_examples=10, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Worst errors seen by the property tests, per index family; printed at the end of the session.
WORST = {}


@pytest.fixture(scope="session")
def worst():
    """record(family, got, expected, scale): keeps the worst error against the reference of each
    family: absolute in units of `scale` (the index's range) and relative where |expected| is
    at least 1e-9 * scale (below that a relative error says nothing of a float64 index)."""
    def record(family, got, expected, scale):
        got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
        both = ~np.isnan(expected) & ~np.isnan(got)
        entry = WORST.setdefault(family, {"cases": 0, "cells": 0, "absolute": 0.0, "relative": 0.0})
        entry["cases"] += 1
        entry["cells"] += int(both.sum())
        if both.any():
            err = np.abs(got[both] - expected[both])
            entry["absolute"] = max(entry["absolute"], float(err.max()) / scale)
            big = np.abs(expected[both]) >= 1e-9 * scale
            if big.any():
                entry["relative"] = max(entry["relative"], float((err[big] / np.abs(expected[both][big])).max()))
    return record


def pytest_terminal_summary(terminalreporter):
    if WORST:
        terminalreporter.section(f"worst error against tests/reference.py (hypothesis profile "
                                 f"{os.environ.get('HYPOTHESIS_PROFILE', 'ci')})")
        for family, e in sorted(WORST.items()):
            terminalreporter.write_line(f"{family:<24} {e['cases']:>7,} cases {e['cells']:>9,} cells   "
                                        f"absolute {e['absolute']:.2e} x scale   relative {e['relative']:.2e}")

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
    codes = {"ARM": 51, "BLR": 112, "KAZ": 398, "KGZ": 417, "RUS": 643, "DEU": 276}
    rng = np.random.default_rng(0)
    rows = [(y, a, b, p, float(rng.integers(1, 100))) for y in (2014, 2015) for a in codes for b in codes
            if a != b for p in ("8401", "8402", "8501")]
    y, e, i, k, v = zip(*rows)
    return tradeindex.TradeFlows.from_arrays([codes[c] for c in e], [codes[c] for c in i], list(k),
                                             np.array(v), year=np.array(y))

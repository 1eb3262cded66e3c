"""Build facts and the thread-count policy."""
import io

import pytest

import tradeindex
from tradeindex import config


def test_show_config_reports_build():
    out = io.StringIO()
    tradeindex.show_config(file=out)
    text = out.getvalue()
    assert text.startswith(f"tradeindex {tradeindex.__version__}")
    for key in ("OpenMP", "threads", "SIMD", "cflags"):
        assert key in text
    assert config.config()["cflags"].startswith(("-O3", "-O0"))


def test_openmp_compiled_when_required(monkeypatch):
    """CI builds with TRADEINDEX_REQUIRE_OPENMP=1: the kernels must then really be parallel."""
    import os
    if os.environ.get("TRADEINDEX_REQUIRE_OPENMP") != "1":
        pytest.skip("only meaningful in a build that required OpenMP")
    assert config.config()["openmp"] and "-fopenmp" in config.config()["cflags"]


def test_thread_policy(monkeypatch):
    if not config.config()["openmp"]:
        assert config.effective_threads(4) == 1
        return
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert config.effective_threads(None) == config.available_cores()
    assert config.effective_threads(3) == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert config.effective_threads(None) == 1

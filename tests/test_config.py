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
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    if not config.config()["openmp"]:
        assert config.effective_threads(4) == 1
        return
    monkeypatch.setattr(config, "available_cores", lambda: 8)
    assert config.effective_threads(None) == 8
    assert config.effective_threads(3) == 3
    assert config.effective_threads(9) == 8  # more threads than cores: clamped to the cores
    assert config.effective_threads(config.MAX_THREADS) == 8
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert config.effective_threads(None) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "1000000")  # the environment is clamped too, never an error
    assert config.effective_threads(None) == 8


@pytest.mark.parametrize("n", [0, -1, 1.5, True, "2", 4097, 10**6])
def test_thread_count_errors(n):
    assert config.MAX_THREADS == 4096
    with pytest.raises(ValueError, match=r"^n_threads must be None \(all cores\) or a positive integer up to "
                       r"4096 \(more threads than cores are clamped to the cores\); found "):
        config.effective_threads(n)


def test_show_config_states_the_policies(monkeypatch):
    monkeypatch.setattr(config, "available_cores", lambda: 8)
    monkeypatch.setenv("TRADEINDEX_MAX_OUTPUT_BYTES", "3e9")
    out = io.StringIO()
    config.show_config(file=out)
    text = out.getvalue()
    if config.config()["openmp"]:
        assert "n_threads above the 8 available cores runs 8, above 4096 is an error" in text
    assert "memory : 2.8 GiB (TRADEINDEX_MAX_OUTPUT_BYTES) for one result" in text

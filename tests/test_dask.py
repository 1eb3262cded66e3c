"""Dask: every index function, the report and the CLI with their years as tasks on a local
cluster of two worker processes, and the all-pairs kernels as row blocks, give exactly the
single-process results; a worker killed mid-job, a missing file on a worker, a Dask argument
without Dask installed."""
import os
import shutil
import sys
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import tradeindex as ti
from tradeindex import _dask, config, kernels
from tradeindex._years import run
from tradeindex.cli import main

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
cloudpickle = pytest.importorskip("cloudpickle")

from test_sources import CALLS, _same, eaeu_release  # noqa: E402,F401  (eaeu_release: a fixture)


@pytest.fixture(scope="module")
def client():
    """LocalCluster(n_workers=2, processes=True), one thread each; the workers import this
    tradeindex (its folder on their PYTHONPATH) and this test module by value."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    src = str(Path(ti.__file__).resolve().parents[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=":0", env={"PYTHONPATH": src})
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


# -- years as tasks: identical results ---------------------------------------------------------------
INDEX_FUNCTIONS = ("complementarity", "export_similarity", "import_similarity", "grubel_lloyd", "marginal_iit",
                   "trade_types")


@pytest.mark.parametrize("name", list(CALLS))
def test_every_index_function_gives_the_same_result_on_the_cluster(client, eaeu_release, name, monkeypatch):
    """Each CALLS entry (one call of a public index function) with client= added, on the lazy
    release (each worker reads its year) and in memory (each year's slice scattered)."""
    lazy = ti.scan_baci(eaeu_release)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = CALLS[name](lazy)
        for flows, how in ((lazy, client), (lazy.collect(), "auto")):
            with monkeypatch.context() as m, distributed.get_task_stream(client) as stream:
                for fn in INDEX_FUNCTIONS:
                    m.setattr(ti, fn, partial(getattr(ti, fn), client=how))
                _same(local, CALLS[name](flows))
            assert any(str(t["key"]).startswith("tradeindex-") for t in stream.data)  # it ran there


def test_a_lazy_source_travels_as_its_paths_and_steps(eaeu_release):
    lazy = ti.scan_baci(eaeu_release).select(products="84")
    lazy.collect()  # reading caches nothing in the source
    sent = cloudpickle.dumps(lazy)
    assert len(sent) < 2000 and b"numpy" not in sent and b"pyarrow" not in sent


def test_report_is_the_same_on_the_cluster(client, eaeu_release):
    pd_testing = pytest.importorskip("pandas").testing
    lazy = ti.scan_baci(eaeu_release)
    a = ti.regional_report(lazy, "EAEU", products="84", compare={"W": ["DEU"]})
    b = ti.regional_report(lazy, "EAEU", products="84", compare={"W": ["DEU"]}, client=client)
    assert set(a.tables) == set(b.tables) and "marginal_iit" in b.tables
    for name in a.tables:
        pd_testing.assert_frame_equal(a.tables[name].to_pandas(), b.tables[name].to_pandas(), check_exact=True)
    assert a.notes == b.notes and a.to_markdown() == b.to_markdown()


def test_top_k_labelled_runs_as_row_blocks(client, sample):
    local = ti.export_similarity(sample, top_k=3, groups={"M": ["ARG", "BRA"]})
    _same(local, ti.export_similarity(sample, top_k=3, groups={"M": ["ARG", "BRA"]}, client=client))


def test_warnings_raised_on_the_workers_are_raised_here(client, tmp_path, eaeu_release):
    folder = tmp_path / "dup"
    folder.mkdir()
    for p in eaeu_release.glob("BACI_*.csv"):  # one row repeated in every year
        lines = p.read_text().splitlines()
        (folder / p.name).write_text("\n".join(lines + lines[1:2]) + "\n")
    lazy = ti.scan_baci(folder, duplicates="sum")
    with pytest.warns(UserWarning, match="duplicated rows were summed") as local:
        a = ti.grubel_lloyd(lazy)
    with pytest.warns(UserWarning, match="duplicated rows were summed") as remote:
        b = ti.grubel_lloyd(lazy, client=client)
    _same(a, b)
    assert sorted(str(w.message) for w in local) == sorted(str(w.message) for w in remote)


# -- failures ------------------------------------------------------------------------------------------
def _die_once(marker, compute, flows, window):
    """The worker's process ends the first time (as a killed worker would), then computes."""
    if not Path(marker).exists():
        Path(marker).write_text("killed")
        os._exit(1)
    return compute(flows, window)


def test_a_worker_killed_mid_job_gives_the_right_answer(client, eaeu_release, tmp_path):
    lazy = ti.scan_baci(eaeu_release)
    compute = partial(ti.complementarity.__globals__["_pairs_year"], name="trade complementarity",
                      sides=("exports", "imports"), axes=("exporter", "importer", "exporters", "importers"),
                      row_axis=None, col_axis=None, groups=None, membership="by-year", years=lazy.years, scale=100,
                      dtype="float64", method="auto", top_k=None, self_pairs=False, n_threads=None)
    local = run(lazy, compute, years=lazy.years)
    marker = tmp_path / "killed"
    remote = run(lazy, partial(_die_once, str(marker), compute), years=lazy.years, client=client)
    assert marker.read_text() == "killed"  # a worker did die in the middle of the job
    for a, b in zip(local, remote):
        _same(a, b)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next tests


def test_a_missing_file_on_a_worker_gives_the_local_error(client, tmp_path, eaeu_release):
    folder = tmp_path / "release"
    shutil.copytree(eaeu_release, folder)
    lazy = ti.scan_baci(folder)
    (folder / "BACI_HS92_Y2015_V202401.csv").unlink()
    with pytest.raises(Exception) as local:
        ti.grubel_lloyd(lazy)
    with pytest.raises(Exception) as remote:
        ti.grubel_lloyd(lazy, client=client)
    assert type(remote.value) is type(local.value) and str(remote.value) == str(local.value)
    assert "BACI_HS92_Y2015_V202401.csv" in str(local.value)


def test_bad_client_arguments(client, sample):
    with pytest.raises(TypeError, match=r"client must be a dask.distributed Client or 'auto'; found 'tcp://x:1'"):
        ti.grubel_lloyd(sample, client="tcp://x:1")
    with pytest.raises(TypeError, match="client must be a dask.distributed Client or 'auto'; found LocalCluster"):
        ti.complementarity(sample, client=client.cluster)


def test_without_dask_a_dask_argument_says_what_to_install(monkeypatch, sample):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    install = "pip install 'tradeindex\\[dask\\]'"
    with pytest.raises(ImportError, match=f"client must be None without Dask installed .*{install}.*; found 'auto'"):
        ti.complementarity(sample, client="auto")
    with pytest.raises(ImportError, match=f"client must be None .*{install}.*; found 'auto'"):
        ti.regional_report(sample, {"M": ["ARG", "BRA"]}, client="auto")
    with pytest.raises(ImportError, match=f"X must be one matrix without Dask installed .*{install}"):
        kernels.complementarity_top_k([np.ones((2, 3)), np.ones((1, 3))], np.ones((2, 3)), 1)
    assert isinstance(ti.complementarity(sample, years=1990), ti.IndexMatrix)  # the rest works as before


def test_a_task_uses_the_worker_threads_one_task_at_a_time():
    """A worker of 2 threads (Dask's nanny sets OMP_NUM_THREADS=1 for workers): each task's
    kernels get the worker's 2 threads, and its tradeindex tasks run one after the other."""
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0") as cluster, \
            distributed.Client(cluster, set_as_default=False) as c:
        runs = c.gather([c.submit(_threads_in_task, n, pure=False) for n in range(4)])
    assert {threads for threads, _, _ in runs} == {min(2, config.available_cores())}
    spans = sorted((start, stop) for _, start, stop in runs)
    assert all(stop <= start for (_, stop), (start, _) in zip(spans, spans[1:]))  # never two at once


def _threads_in_task(n):
    with _dask._on_worker():
        start = time.perf_counter()
        time.sleep(0.1)
        return config.effective_threads(None), start, time.perf_counter()


# -- kernels as row blocks -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def firms():
    rng = np.random.default_rng(3)
    X = sp.random(700, 120, density=0.06, random_state=4, format="csr") * 100
    M = sp.random(500, 120, density=0.06, random_state=5, format="csr") * 100
    return X, M, rng.integers(-1, 500, 700)


def _blocks_of(X, how):
    if how == "list":
        return [X[:250], X[250:600], X[600:]]
    if how == "dask dense":
        return da.from_array(X.toarray(), chunks=(200, 50))
    if how == "dask sparse":  # scipy.sparse chunks
        return da.from_array(X.tocsr(), chunks=(300, -1), asarray=False)
    return X


@pytest.mark.parametrize("method", ["auto", "dense", "sparse"])
@pytest.mark.parametrize("how", ["memory", "list", "dask dense", "dask sparse"])
def test_top_k_as_row_blocks_equals_one_process(client, firms, method, how):
    X, M, exclude = firms
    local = kernels.complementarity_top_k(X.toarray() if how == "dask dense" else X, M, 7, exclude=exclude,
                                          method=method, scale=100)
    given = _blocks_of(X, how)
    remote = kernels.complementarity_top_k(given, M, 7, exclude=exclude, method=method, scale=100,
                                           client=client if how == "memory" else None)
    np.testing.assert_array_equal(local[0], remote[0])
    np.testing.assert_array_equal(local[1], remote[1])


@pytest.mark.parametrize("how", ["memory", "list", "dask dense"])
def test_blocks_as_tasks_equal_one_process_in_row_order(client, firms, how):
    X, M, _ = firms
    X = X.toarray() if how == "dask dense" else X
    local = np.vstack([b for _, b in kernels.complementarity_blocks(X, M, rows=100, dtype="float32")])
    given = _blocks_of(sp.csr_array(X), how)
    remote = list(kernels.complementarity_blocks(given, M, rows=100, dtype="float32",
                                                 client=client if how == "memory" else None))
    starts = [s for s, _ in remote]
    assert starts == sorted(starts) and all(len(b) <= 100 for _, b in remote)
    np.testing.assert_array_equal(local, np.vstack([b for _, b in remote]))
    assert [s + len(b) for s, b in remote][:-1] == starts[1:]


def test_a_bad_block_names_its_rows(client, firms):
    X, M, _ = firms
    bad = X.toarray()
    bad[305, 7] = -1.0
    with pytest.raises(ValueError, match=r"X\[300:600\] must be .*non-negative.*found -1.0 at row 5, column 7"):
        kernels.complementarity_top_k(da.from_array(bad, chunks=(300, -1)), M, 2)
    with pytest.raises(ValueError, match=r"X\[1\] must be .*found -1.0 at row 5, column 7"):
        kernels.complementarity_top_k([bad[:300], bad[300:]], M, 2)
    with pytest.raises(ValueError, match=r"X must be .*found -1.0 at row 305, column 7"):
        kernels.complementarity_top_k(bad, M, 2, client=client)
    with pytest.raises(ValueError, match=r"M must be 120 columns \(products\) like X; found shape \(500, 3\)"):
        kernels.complementarity_top_k([X[:10]], M[:, :3], 2)


# -- CLI ----------------------------------------------------------------------------------------------------
def test_cli_scheduler_option_and_environment(client, eaeu_release, tmp_path, monkeypatch, capsys):
    address = client.scheduler.address
    base = ["grubel-lloyd", str(eaeu_release), "--by", "country", "--partners", "EAEU"]
    assert main(base + ["-o", str(tmp_path / "local.csv")]) == 0
    assert main(base + ["--scheduler", address, "-o", str(tmp_path / "option.csv")]) == 0
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    assert main(base + ["-o", str(tmp_path / "env.csv")]) == 0
    assert main(["report", str(eaeu_release), "--group", "EAEU", "--no-charts", "-o", str(tmp_path / "r")]) == 0
    local = (tmp_path / "local.csv").read_bytes()
    assert (tmp_path / "option.csv").read_bytes() == local and (tmp_path / "env.csv").read_bytes() == local


def test_cli_scheduler_unreachable_is_a_user_error(capsys, tmp_path):
    import dask
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(["grubel-lloyd", "sample", "--scheduler", "tcp://127.0.0.1:9", "-o", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "error: --scheduler must be the address of a running Dask scheduler" in err


from test_indicators import INDICATORS, flows, release  # noqa: E402,F401  (the fixtures the release needs)


@pytest.mark.parametrize("name", INDICATORS)
def test_every_indicator_gives_the_same_result_on_the_cluster(client, release, name):
    lazy = ti.scan_baci(release)
    assert INDICATORS[name](lazy, client=client).equals(INDICATORS[name](lazy))

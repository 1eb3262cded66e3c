"""Every public array-level function against every hostile input of the kinds it takes: a clear
error of the right type whose message starts with the parameter's name, or the documented
result; never a crash, never a change of the caller's data (bytes, dtype, layout, flags and
sparse structure hashed before and after)."""
import hashlib
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from tradeindex import config, kernels

from . import cli, labelled
from .hostile import HOSTILE, Exact, Holds, Raises, Same
from .registry import TARGETS as KERNELS, _arrays

TARGETS = KERNELS + labelled.TARGETS + cli.TARGETS


def cases():
    """Every (target, parameter, hostile input) that applies; a known bug of a module this suite
    does not own (Target.xfail) is a strict expected failure naming the function to change."""
    for target in TARGETS:
        for param, kind in target.slots.items():
            for hostile in HOSTILE[kind]:
                key = f"{param}:{hostile.name}"
                if key in target.overrides and target.overrides[key] is None:
                    continue
                marks = [pytest.mark.xfail(strict=True, reason=target.xfail[key])] if key in target.xfail else []
                yield pytest.param(target, param, hostile, id=f"{target.name}:{key}", marks=marks)


def fingerprint(value):
    """A hash of everything a function could change in its argument."""
    h = hashlib.sha256()

    def add(a):
        if isinstance(a, np.ndarray):
            h.update(repr((a.dtype.str, a.shape, a.strides, a.flags.writeable, a.flags.c_contiguous)).encode())
            h.update(pickle.dumps(a.tolist()) if a.dtype.kind == "O" else np.ascontiguousarray(a).tobytes())
        else:
            h.update(pickle.dumps(a))

    if sp.issparse(value):
        add((value.format, value.shape, str(value.dtype), type(value).__name__))
        if value.format == "dok":
            add(sorted(value.items()))
        for name in ("data", "indices", "indptr", "row", "col", "offsets", "rows"):
            if isinstance(getattr(value, name, None), np.ndarray):
                add(getattr(value, name))
        for name in ("has_sorted_indices", "has_canonical_format"):
            if name in vars(value):
                add(vars(value)[name])
    elif isinstance(value, np.ndarray):
        add(value)
        if isinstance(value, np.ma.MaskedArray):
            add(np.ma.getmaskarray(value))
    elif isinstance(value, (str, os.PathLike)) and os.path.exists(value):  # a file or folder: its bytes too
        add(str(value))
        for f in sorted(Path(value).rglob("*")) if os.path.isdir(value) else [Path(value)]:
            if f.is_file():
                add((str(f), f.read_bytes()))
    else:
        add(value)
    return h.hexdigest()


def compare(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype
        if g.dtype.kind == "f":
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=0, equal_nan=True)
        else:
            assert np.array_equal(g, e)


@pytest.mark.parametrize("target, param, hostile", list(cases()))
def test_hostile_input(target, param, hostile, tmp_path):
    arguments = dict(target.base)
    arguments[param] = hostile.make(target.base.get(param), tmp_path)
    before = {k: fingerprint(v) for k, v in arguments.items()}
    expect = target.expectation(param, hostile)
    if isinstance(expect, Raises):
        with pytest.raises(expect.exc) as info:
            target.call(**arguments)
        message = info.value.args[0] if isinstance(info.value, KeyError) else str(info.value)  # KeyError quotes
        assert re.match(expect.pattern.replace("{param}", re.escape(param)), message), message
    else:
        result = _arrays(target.call(**arguments))
        if isinstance(expect, Same):
            compare(result, _arrays(target.call(**{**target.base, param: expect.equivalent(target.base.get(param))})))
        elif isinstance(expect, Exact):
            compare(result, _arrays(expect.reference(**arguments)))
        else:
            assert isinstance(expect, Holds) and expect.check(result), expect.what
        assert target.valid(result)
        before = {k: v for k, v in before.items() if k not in target.outputs}  # written, as asked
    after = {k: fingerprint(v) for k, v in arguments.items() if k in before}
    assert after == before, "the caller's data changed"


def test_every_public_function_is_under_test():
    """A public array-level function added to kernels.__all__ must join the catalogue."""
    covered = {getattr(t.call, "__name__", "") for t in TARGETS} | {t.name.split()[0] for t in TARGETS}
    public = {n for n in kernels.__all__ if callable(getattr(kernels, n))}
    assert public <= covered, f"not in the hostile-input catalogue: {sorted(public - covered)}"


def test_every_labelled_function_and_subcommand_is_under_test():
    """Every function of tradeindex.__all__ that takes arguments, TradeFlows' constructors and
    every subcommand of the command line must join the catalogue (labelled.py, cli.py)."""
    import inspect

    import tradeindex
    from tradeindex.cli import build_parser
    names = {t.name.split(" (")[0] for t in TARGETS} | {t.name.split()[0] for t in TARGETS}
    functions = {f"tradeindex.{n}" for n in tradeindex.__all__ if inspect.isfunction(getattr(tradeindex, n))
                 and inspect.signature(getattr(tradeindex, n)).parameters}
    commands = {f"tradeindex {c}" for c in next(a for a in build_parser()._actions if a.dest == "command").choices}
    missing = (functions | commands | {"TradeFlows.from_arrays", "TradeFlows.from_frame"}) - names
    assert not missing, f"not in the hostile-input catalogue: {sorted(missing)}"


def test_kernels_exports_only_its_public_functions():
    assert sorted(kernels.__all__) == sorted(["complementarity", "complementarity_blocks", "complementarity_top_k",
                                              "choose_method", "group_totals", "bilateral_gl", "SPARSE_COST",
                                              "cell_totals", "rca", "trade_intensity", "partner_shares", "hhi",
                                              "trade_specialisation", "krugman", "regional_orientation"])
    helpers = {n for n in dir(kernels) if not n.startswith("_") and n not in kernels.__all__
               and getattr(getattr(kernels, n), "__module__", "").startswith("tradeindex.kernels")}
    assert not helpers, f"helpers defined in kernels without a leading underscore: {sorted(helpers)}"


# -- empty inputs ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [np.asarray, sp.csr_array, sp.coo_matrix])
@pytest.mark.parametrize("method", ["dense", "sparse", "auto"])
def test_empty_matrices(fmt, method):
    for x, m in [((0, 5), (4, 5)), ((3, 5), (0, 5)), ((3, 0), (4, 0)), ((0, 0), (0, 0))]:
        A, B = fmt(np.zeros(x)), fmt(np.zeros(m))
        out = kernels.complementarity(A, B, method=method)
        assert out.shape == (x[0], m[0]) and np.isnan(out).all()  # no trade anywhere: NaN, never 0
        values, index = kernels.complementarity_top_k(A, B, 2, method=method)
        assert values.shape == index.shape == (x[0], 2) and np.isnan(values).all() and (index == -1).all()
        blocks = list(kernels.complementarity_blocks(A, B, rows=2, method=method))
        assert [s for s, _ in blocks] == list(range(0, x[0], 2))
        assert kernels.choose_method(A, B) in ("dense", "sparse")


def test_empty_columns():
    assert kernels.group_totals([], [], 3).tolist() == [0.0, 0.0, 0.0]
    gl = kernels.bilateral_gl([], [], [], [], 2)
    assert gl.shape == (2, 2) and np.isnan(gl).all()
    gl, num, den = kernels.bilateral_gl(np.zeros(0, np.int32), [], [], [], 2, return_parts=True)
    assert (num == 0).all() and (den == 0).all()


def test_single_product_and_single_row():
    out = kernels.complementarity([[2.0]], [[5.0], [0.0]], scale=100)
    assert out[0, 0] == 100.0 and np.isnan(out[0, 1])


# -- sizes and threads -------------------------------------------------------------------------
def test_absurd_thread_count_is_an_error_not_a_crash():
    """Issue 13: n_threads=10**6 killed the interpreter (in a child process: a crash fails here)."""
    code = ("import numpy as np\nfrom tradeindex import kernels\n"
            "try:\n    kernels.complementarity(np.ones((3, 4)), np.ones((3, 4)), n_threads=10**6)\n"
            "except ValueError as e:\n    print(e)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("n_threads must be None (all cores) or a positive integer up to 4096")


@pytest.mark.parametrize("n", [3, 8, 64])
def test_more_threads_than_cores_really_run(monkeypatch, n):
    """With the cores pretended many, the kernels run n threads for real (oversubscribed): the
    per-thread buffers hold one row per thread and the results do not depend on n."""
    monkeypatch.setattr(config, "available_cores", lambda: 1000)
    assert config.effective_threads(n) == (n if config.config()["openmp"] else 1)
    rng = np.random.default_rng(n)
    A = rng.gamma(0.5, 1.0, (37, 50)) * (rng.random((37, 50)) < 0.3)
    B = rng.gamma(0.5, 1.0, (29, 50)) * (rng.random((29, 50)) < 0.5)
    e, i = np.nonzero(rng.random((9, 9)) < 0.6)
    keep = e != i
    flows = (e[keep], i[keep], rng.integers(0, 7, keep.sum()), rng.random(keep.sum()), 9)
    for method in ("dense", "sparse"):
        assert np.array_equal(kernels.complementarity(A, B, method=method, n_threads=n),
                              kernels.complementarity(A, B, method=method, n_threads=1), equal_nan=True)
        for a, b in zip(kernels.complementarity_top_k(A, B, 5, method=method, n_threads=n),
                        kernels.complementarity_top_k(A, B, 5, method=method, n_threads=1)):
            assert np.array_equal(a, b, equal_nan=True)
    shuffled = np.random.default_rng(1).permutation(len(flows[0]))
    unsorted = tuple(c[shuffled] for c in flows[:4]) + (9,)
    for args in (flows, unsorted):
        assert np.array_equal(kernels.bilateral_gl(*args, n_threads=n), kernels.bilateral_gl(*args, n_threads=1),
                              equal_nan=True)
    # per-thread partial sums added at the end: equal up to the order of the additions
    np.testing.assert_allclose(kernels.group_totals(flows[2], flows[3], 7, n_threads=n),
                               kernels.group_totals(flows[2], flows[3], 7, n_threads=1), rtol=1e-14)


def test_kernels_refuse_more_threads_than_their_buffers():
    """The compiled kernels check the thread count against their per-thread buffers themselves."""
    from tradeindex import _aggregate
    with pytest.raises(ValueError, match=r"^tradeindex internal error: 3 threads for a kernel with 2 per-thread buffers"):
        _aggregate.group_sum(np.zeros(2, np.int64), np.ones(2), np.zeros((2, 1)), 3)
    with pytest.raises(ValueError, match=r"^tradeindex internal error: 0 threads"):
        _aggregate.group_sum(np.zeros(2, np.int64), np.ones(2), np.zeros((2, 1)), 0)


def test_top_k_when_the_excluded_row_is_the_only_candidate():
    """exclude= may leave fewer rows of M with trade than k: the slots left are NaN and -1 (the
    kernel's sentinel index was used as a row of M: an IndexError, issue 13)."""
    X, M = np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])
    for method in ("dense", "sparse"):
        values, index = kernels.complementarity_top_k(X, M, 2, exclude=np.array([1, -1]), method=method)
        assert np.isnan(values).all() and (index == -1).all()
        values, index = kernels.complementarity_top_k(X, M, 2, exclude=np.array([-1, -1]), method=method)
        assert values[0, 0] == 1.0 and np.isnan(values[0, 1]) and index[0].tolist() == [1, -1]

"""Dask: the per-year driver's windows and the all-pairs kernels' row blocks as tasks on a
dask.distributed cluster (the optional extra ``tradeindex[dask]``; see docs/dask.md).

Years (:func:`run_on_cluster`, called by ``_years.run(..., client=)``): one task per window
(one year; two for marginal IIT). A lazy source travels as its paths and steps: each task
reads its own window's files on its worker and returns the small result. In-memory flows are
sliced here and each window's slice is sent to the cluster (scattered). Results come back in
window order; an error raised in a task (a missing file, a bad value) reaches the caller as it
was raised, and the warnings raised on the workers are raised again here.

Blocks (:func:`top_k_on_cluster`, :func:`blocks_on_cluster`): each row block of X is a task;
M's shares are made once here and sent to every worker once. A row's top k (a row of the
overlap) depends on that row and M only, so the gathered result is the single-process one
exactly; the method ("auto") is chosen once, over all of X.

Threads: one tradeindex task at a time runs in a worker process, its kernels with the worker's
threads (``nthreads``) for ``n_threads=None``: no oversubscription, and one window of flows
in memory per worker process, as in the single-process loop.
"""
from __future__ import annotations

import math
import threading
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import scipy.sparse as sp

from . import kernels
from ._validation import check_matrix, check_numeric, check_same_products, check_trade_values, fail
from ._years import _name, load
from .config import effective_threads, task_threads
from .sources import LazyFlows

if TYPE_CHECKING:
    from distributed import Client, Future

    from ._typing import Flows, FloatArray, I64Array, Matrix, Method
    from ._years import Window
    from .flows import TradeFlows
    from .sources import Request

    #: One row block of X: (first row, stop row, its Dask chunk (Delayed) or scattered Future).
    Block = tuple[int, int, Any]

R = TypeVar("R")

INSTALL = "pip install 'tradeindex[dask]'"
_ONE_AT_A_TIME = threading.Lock()  # per worker process: one tradeindex task computes at a time


def as_client(client: object, blocks: bool = False) -> Client:
    """The dask.distributed Client to run on: `client`, or the running one for "auto" (and for
    None when X comes in row blocks: `blocks`)."""
    shown = repr(client) if client is None or isinstance(client, str) else type(client).__name__
    try:
        import distributed
    except ImportError:
        if blocks and client is None:
            fail("X", f"one matrix without Dask installed (X in row blocks runs on a Dask cluster: {INSTALL})",
                 "row blocks (a list of matrices or a Dask array)", ImportError)
        fail("client", f"None without Dask installed (a Dask cluster needs {INSTALL})", shown, ImportError)
    if client is None or (isinstance(client, str) and client == "auto"):
        try:
            return distributed.get_client()
        except ValueError:
            fail("client", "a dask.distributed Client, or 'auto' with one running (distributed.Client(...) "
                 "first)", f"{shown} and no running Client" + (" for X in row blocks" if blocks else ""))
    if not isinstance(client, distributed.Client):
        fail("client", "a dask.distributed Client or 'auto'", shown, TypeError)
    return client


@contextmanager
def _on_worker() -> Iterator[None]:
    """One tradeindex task at a time in this worker process, n_threads=None meaning the
    worker's threads (every thread of the process's pool when called outside a worker)."""
    try:
        from distributed import get_worker
        threads = get_worker().state.nthreads
    except ValueError:  # not in a worker task
        threads = None
    with _ONE_AT_A_TIME, task_threads(threads):
        yield


def _total_threads(client: Client) -> int:
    return max(1, sum(client.nthreads().values()))


# -- years: one task per window ------------------------------------------------------------------------
def run_on_cluster(client: object, source: Flows, compute: Callable[[TradeFlows, Window], R],
                   windows: Iterable[Window], request: Request, *, label: str | None = None) -> list[R]:
    """[compute(flows, window) for each window] as tasks on the cluster of `client`, in window
    order (see the module docstring). `label` names the tasks on the dashboard."""
    client = as_client(client)
    label = (label or getattr(compute, "func", compute).__name__).strip("_").replace(" ", "-").replace("_", "-")
    futures = []
    try:
        for window in windows:
            key = f"tradeindex-{label}-{_name(window)}-{uuid.uuid4().hex[:12]}"
            if isinstance(source, LazyFlows):  # paths travel, the worker reads
                futures.append(client.submit(_window, compute, window, None, source, request, key=key))
            else:  # the data travels: this window's slice
                [flows] = client.scatter([load(source, list(window), request)], hash=False)
                futures.append(client.submit(_window, compute, window, flows, key=key))
        out = []
        for result, caught in client.gather(futures):
            for category, message in caught:
                warnings.warn(message, category, stacklevel=4)
            out.append(result)
        return out
    except BaseException:
        client.cancel(futures)
        raise


def _window(compute: Callable[[TradeFlows, Window], R], window: Window, flows: TradeFlows | None,
            source: Flows | None = None, request: Request | None = None) -> tuple[R, list[tuple[type[Warning], str]]]:
    """On a worker: what the single-process loop does for one window (reading it from `source`
    when the flows are not given), and the warnings it raised."""
    with _on_worker(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = compute(load(source, list(window), request)  # type: ignore[arg-type]  # no flows: a source, a request
                         if flows is None else flows, window)

    return result, [(w.category, str(w.message)) for w in caught]


# -- kernels: one task per row block of X ----------------------------------------------------------------
def _row_blocks(client: Client, X: Any, rows: int | None) -> tuple[list[Block], int]:
    """([(start, stop, part)], columns): X's row blocks, each part a Dask chunk (Delayed) or
    a block checked here and scattered (Future). X: a Dask array (its row chunks), a list of
    matrices (its items) or one matrix (cut every `rows` rows; None: a few blocks per worker
    thread)."""
    if type(X).__module__.startswith("dask.array"):
        if X.ndim != 2:
            fail("X", "a 2-D Dask array (rows x products)", f"shape {X.shape}")
        check_numeric("X", X)
        if any(math.isnan(c) for c in X.chunks[0]):
            fail("X", "a Dask array with known chunk sizes (X.compute_chunk_sizes())", "unknown chunk sizes")
        X = X.rechunk({1: -1}) if len(X.chunks[1]) > 1 else X
        stops = np.cumsum(X.chunks[0]).tolist()
        return [(stop - n, stop, part) for n, stop, part in zip(X.chunks[0], stops, X.to_delayed()[:, 0])], X.shape[1]
    if kernels._given_in_blocks(X):
        blocks = [check_trade_values(f"X[{n}]", b) for n, b in enumerate(X)]
        for n, b in enumerate(blocks[1:], 1):
            check_same_products(f"X[{n}]", b.shape, "X[0]", blocks[0].shape)
    else:
        X = check_trade_values("X", X)
        X = sp.csr_array(X) if sp.issparse(X) else X
        rows = rows or max(1, -(-X.shape[0] // (4 * _total_threads(client))))
        blocks = [X[a:a + rows] for a in range(0, X.shape[0], rows)] or [X]
    stops = np.cumsum([b.shape[0] for b in blocks]).tolist()
    parts = client.scatter(blocks, hash=False)
    return [(stop - b.shape[0], stop, part) for b, stop, part in zip(blocks, stops, parts)], blocks[0].shape[1]


def _prepared(client: Client, X: Any, M: Matrix, rows: int | None, dtype: Any, method: Method,
              scale: float) -> tuple[list[Block], Any, type[np.floating[Any]], Method, float]:
    """(blocks, columns, validated M, dtype, method, scale) with X's total columns checked
    against M and options checked, before any task runs."""
    blocks, P = _row_blocks(client, X, rows)
    M = check_matrix("M", M)
    check_same_products("M", M.shape, "X", (blocks[-1][1], P))
    dtype, method, scale = kernels._options(dtype, method, scale)
    return blocks, check_trade_values("M", M), dtype, method, scale


def _method(client: Client, method: Method, blocks: Sequence[Block], M: Any) -> Method:
    """The method of the single-process call, over all of X's rows ("auto": from the column
    counts summed over the blocks, counted on the workers)."""
    if method != "auto":
        return method
    import dask
    counts = client.compute([dask.delayed(kernels._column_counts)(part) for _, _, part in blocks], sync=True)
    return kernels._cheaper(blocks[-1][1], np.sum(counts, axis=0), M)


def _tasks(blocks: Sequence[Block], name: str, fn: Callable[..., Any],
           args: Callable[[int, int], tuple[Any, ...]]) -> list[Any]:
    """One Delayed call fn(part, *args(start, stop), param) per block, named for the dashboard."""
    import dask
    token = uuid.uuid4().hex[:12]
    return [dask.delayed(fn, pure=False)(part, *args(a, b), f"X[{a}:{b}]",
                                         dask_key_name=f"tradeindex-{name}-{a}-{token}")
            for a, b, part in blocks]


def _in_order(client: Client, tasks: Iterable[Any], ahead: int) -> Iterator[Any]:
    """The tasks' results in order, at most `ahead` on the cluster at a time; the rest
    cancelled on an error or when the caller stops early."""
    futures: deque[Future[Any]] = deque()
    try:
        for task in tasks:
            futures.append(client.compute(task))
            if len(futures) >= ahead:
                yield futures.popleft().result()
        while futures:
            yield futures.popleft().result()
    finally:
        client.cancel(list(futures))


def top_k_on_cluster(client: object, X: Any, M: Matrix, k: int, *, exclude: Any, scale: float, dtype: Any,
                     method: Method, n_threads: int | None) -> tuple[FloatArray, I64Array]:
    """kernels.complementarity_top_k with one task per row block of X (see kernels)."""
    client = as_client(client, blocks=True)
    blocks, M, dtype, method, scale = _prepared(client, X, M, None, dtype, method, scale)
    C1 = blocks[-1][1]
    kernels._check_top_k_size(C1, M.shape[0], k, dtype, effective_threads(n_threads))
    keep, M_kept = kernels._with_trade(M)
    method = _method(client, method, blocks, M_kept)
    skip = kernels._skip(exclude, C1, keep, M.shape[0])
    [shared] = client.scatter([(kernels._Shares(M_kept, dtype, method, True), keep)], broadcast=True, hash=False)
    tasks = _tasks(blocks, "top-k", _top_k_block,
                   lambda a, b: (shared, skip[a:b] if len(skip) else skip, k, method, scale, dtype, n_threads))
    results = list(_in_order(client, tasks, len(tasks)))
    return np.concatenate([v for v, _ in results]), np.concatenate([i for _, i in results])


def _top_k_block(part: Any, shared: tuple[kernels._Shares, Any], skip: I64Array, k: int, method: str, scale: float,
                 dtype: type[np.floating[Any]], n_threads: int | None, param: str) -> tuple[FloatArray, I64Array]:
    """On a worker: the top k of one row block of X against the shared M."""
    ms, keep = shared
    with _on_worker():
        xs, ms, threads = _block(part, ms, method, dtype, n_threads, param,
                                 lambda rows, threads: kernels._check_top_k_size(rows, len(keep), k, dtype, threads))
        return kernels._top_k(xs, ms, keep, skip, k, method, scale, dtype, threads)


def _block(part: Any, ms: kernels._Shares, method: str, dtype: type[np.floating[Any]], n_threads: int | None,
           param: str, check_size: Callable[[int, int], object]) -> tuple[kernels._Shares, kernels._Shares, int]:
    """(shares of one row block of X, M's shares with the same index dtype, threads), the block
    checked (its values, then `check_size(rows, threads)` for the memory it will take)."""
    X = check_trade_values(param, part)
    threads = effective_threads(n_threads)
    check_size(X.shape[0], threads)
    kernels._check_dense(method, param, (X,), dtype)
    return (*kernels._same_index(kernels._Shares(X, dtype, method, False), ms, method), threads)


def blocks_on_cluster(client: object, X: Any, M: Matrix, *, rows: int, scale: float, dtype: Any, method: Method,
                      n_threads: int | None) -> Iterator[tuple[int, FloatArray]]:
    """kernels.complementarity_blocks with one task per row block of X (see kernels)."""
    client = as_client(client, blocks=True)
    blocks, M, dtype, method, scale = _prepared(client, X, M, rows, dtype, method, scale)
    method = _method(client, method, blocks, M)
    kernels._check_dense(method, "M", (M,), dtype)
    [ms] = client.scatter([kernels._Shares(M, dtype, method, True)], broadcast=True, hash=False)
    tasks = _tasks(blocks, "overlap", _overlap_block, lambda a, b: (ms, method, scale, dtype, n_threads))
    return _pieces(_in_order(client, tasks, 2 * _total_threads(client)), blocks, rows)


def _pieces(results: Iterable[FloatArray], blocks: Sequence[Block], rows: int) -> Iterator[tuple[int, FloatArray]]:
    """(start, at most `rows` rows) of each block's result, in row order."""
    for (start, _, _), out in zip(blocks, results):
        for a in range(0, len(out), rows):
            yield start + a, out[a:a + rows]


def _overlap_block(part: Any, ms: kernels._Shares, method: str, scale: float, dtype: type[np.floating[Any]],
                   n_threads: int | None, param: str) -> FloatArray:

    """On a worker: the rows of the overlap matrix of one row block of X against the shared M."""
    remedy = ("cut X into smaller row blocks (Dask chunks), or ask for the best partners only with "
              "kernels.complementarity_top_k")
    with _on_worker():
        xs, ms, threads = _block(part, ms, method, dtype, n_threads, param,
                                 lambda rows, _: kernels._check_result(param, rows, len(ms.valid), dtype, remedy=remedy))
        out = kernels._overlap(xs, ms, method, len(xs.valid), len(ms.valid), threads)
        return kernels._finish(out, xs, ms, scale, dtype)

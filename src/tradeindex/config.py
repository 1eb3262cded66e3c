"""Build facts and the thread-count policy shared by every kernel."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from . import _build
from ._validation import _bytes, check_n_threads, fail, memory_limit

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__version__ = "0.1.0"

#: The largest n_threads accepted (an error above: a mistake, not a machine; OpenMP runtimes
#: crash on absurd team sizes). Defined once, in the kernels' OpenMP shim (ext/_threads.pxd).
MAX_THREADS = _build.thread_limit

#: The threads of n_threads=None inside a Dask task (the worker's threads, see _dask.py).
_TASK_THREADS: ContextVar[int | None] = ContextVar("tradeindex_task_threads", default=None)


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS / Windows
        return os.cpu_count() or 1


def effective_threads(n_threads: int | None = None) -> int:
    """Threads a kernel will use: the one thread-count policy of tradeindex.

    1 without OpenMP. Otherwise `n_threads`, or, when None, the worker's threads inside a task
    on a Dask cluster, else OMP_NUM_THREADS if set, else every available core; in every case at
    most the available cores (more threads than cores never make a kernel faster, and every
    thread costs a per-thread buffer). `n_threads` above `MAX_THREADS` (or not a positive
    integer) is a ValueError.
    """
    n_threads = check_n_threads(n_threads, MAX_THREADS)
    if not _build.openmp:
        return 1
    cores = available_cores()
    if n_threads is None:
        n_threads = _TASK_THREADS.get()
    if n_threads is None:
        env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
        n_threads = int(env) if env.isdigit() and int(env) > 0 else cores
    return min(n_threads, cores)


@contextmanager
def task_threads(n_threads: int | None) -> Iterator[None]:
    """n_threads=None means `n_threads` within the block (in this thread and context only)."""
    token = _TASK_THREADS.set(n_threads)
    try:
        yield
    finally:
        _TASK_THREADS.reset(token)


def config() -> dict[str, Any]:
    """The build and runtime facts as a dict (what `show_config` prints)."""
    limit, source = memory_limit()
    return {
        "version": __version__,
        "python": sys.version.split()[0],
        "openmp": _build.openmp,
        "threads": effective_threads(None),
        "cores": available_cores(),
        "max_threads": MAX_THREADS,
        "memory_limit": limit,
        "memory_source": source,
        "simd": _build.simd,
        "cflags": _build.cflags,
    }


def show_config(file: SupportsWrite[str] | None = None) -> None:
    """Print the version, OpenMP support, the thread policy, the memory a result may take, the
    SIMD level and compiler flags.

    Examples
    --------
    >>> import tradeindex
    >>> tradeindex.show_config()  # doctest: +ELLIPSIS
    tradeindex ...
    """
    if file is not None and not callable(getattr(file, "write", None)):
        fail("file", "None (standard output) or a text stream with a write() method", repr(file), TypeError)
    c = config()
    memory = "unknown (not checked)" if c["memory_limit"] is None else f"{_bytes(c['memory_limit'])} ({c['memory_source']})"
    lines = [
        f"tradeindex {c['version']} (Python {c['python']})",
        f"  OpenMP : {'yes' if c['openmp'] else 'NO - kernels run serial'}",
        f"  threads: {c['threads']} (n_threads=None; honours OMP_NUM_THREADS); " + (
            f"n_threads above the {c['cores']} available cores runs {c['cores']}" if c["openmp"] else "always 1")
        + f", above {c['max_threads']} is an error",
        f"  waiting: OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')} (idle threads "
        "sleep when PASSIVE, tradeindex's default; spin when ACTIVE)",
        f"  memory : {memory} for one result; TRADEINDEX_MAX_OUTPUT_BYTES sets it",
        f"  SIMD   : {c['simd']}",
        f"  cflags : {c['cflags']}",
    ]
    print("\n".join(lines), file=file or sys.stdout)

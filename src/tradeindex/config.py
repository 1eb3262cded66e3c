"""Build facts and the thread-count policy shared by every kernel."""
import os
import sys

from . import _build
from ._validation import check_n_threads

__version__ = "0.1.0"


def available_cores():
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS / Windows
        return os.cpu_count() or 1


def effective_threads(n_threads=None):
    """Threads a kernel will use: 1 without OpenMP; else `n_threads`, or, when None,
    OMP_NUM_THREADS if set, otherwise every available core."""
    check_n_threads(n_threads)
    if not _build.openmp:
        return 1
    if n_threads is not None:
        return int(n_threads)
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return available_cores()


def config():
    """The build and runtime facts as a dict (what `show_config` prints)."""
    return {
        "version": __version__,
        "python": sys.version.split()[0],
        "openmp": _build.openmp,
        "threads": effective_threads(None),
        "simd": _build.simd,
        "cflags": _build.cflags,
    }


def show_config(file=None):
    """Print the version, OpenMP support, default thread count, SIMD level and compiler flags.

    Examples
    --------
    >>> import tradeindex
    >>> tradeindex.show_config()  # doctest: +ELLIPSIS
    tradeindex ...
    """
    c = config()
    lines = [
        f"tradeindex {c['version']} (Python {c['python']})",
        f"  OpenMP : {'yes' if c['openmp'] else 'NO - kernels run serial'}",
        f"  threads: {c['threads']} (n_threads=None; honours OMP_NUM_THREADS)",
        f"  SIMD   : {c['simd']}",
        f"  cflags : {c['cflags']}",
    ]
    print("\n".join(lines), file=file or sys.stdout)

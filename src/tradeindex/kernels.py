"""Array-level API for embedding the indices in larger models: NumPy / scipy.sparse in, ndarray
out. No pandas, no labels; every function validates its arrays, never modifies them, releases
the GIL inside the compiled kernel, and may be called from many threads at once."""
import numpy as np

from . import _aggregate
from ._validation import as_float64, check_length, check_numeric, check_positive_int, fail
from .config import effective_threads


def _ids(param, ids, n):
    """Integer ids in [0, n) as int32 or int64 (no copy when already one of them)."""
    ids = check_numeric(param, np.asarray(ids))
    if ids.dtype.kind == "f":
        fail(param, "integer ids", f"dtype {ids.dtype}", TypeError)
    if ids.dtype not in (np.int32, np.int64):
        ids = ids.astype(np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        bad = np.flatnonzero((ids < 0) | (ids >= n))
        fail(param, f"ids in [0, {n})", f"{ids[bad[0]]} at row {bad[0]}; {len(bad)} rows in all")
    return np.ascontiguousarray(ids)


def group_totals(ids, values, n_groups, *, n_threads=None):
    """Sum `values` by integer id: out[g] = sum of values[r] where ids[r] == g (float64).

    Examples
    --------
    >>> from tradeindex import kernels
    >>> kernels.group_totals([0, 2, 0], [1.0, 2.0, 3.0], 3)
    array([4., 0., 2.])
    """
    n_groups = check_positive_int("n_groups", n_groups)
    ids = _ids("ids", ids, n_groups)
    values = np.ascontiguousarray(as_float64("values", np.asarray(values)))
    check_length("values", values, len(ids), "ids")
    t = effective_threads(n_threads)
    out = np.zeros((t, n_groups))
    _aggregate.group_sum(ids, values, out, t)
    return out.sum(axis=0)

"""Array-level API for embedding the indices in larger models: NumPy / scipy.sparse in, ndarray
out. No pandas, no labels; every function validates its arrays, never modifies them, releases
the GIL inside the compiled kernel, and may be called from many threads at once."""
import numpy as np

from . import _aggregate
from ._validation import (as_float64, check_adjust, check_amounts, check_length, check_no_self_trade,
                          check_numeric, check_positive_int, check_scale, fail)
from .config import effective_threads
from .intra_industry import pair_sums, ratio


def _ids(param, ids, n, *, check_range=True):
    """Integer ids in [0, n) as int32 or int64 (no copy when already one of them)."""
    ids = check_numeric(param, np.asarray(ids))
    if ids.dtype.kind == "f":
        fail(param, "integer ids", f"dtype {ids.dtype}", TypeError)
    if ids.dtype not in (np.int32, np.int64):
        ids = ids.astype(np.int64)
    if check_range and ids.size and (ids.min() < 0 or ids.max() >= n):
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


def bilateral_gl(exporter, importer, product, value, n_countries, *, n_products=None, scale=1.0,
                 adjust=None, return_parts=False, n_threads=None):
    r"""Bilateral Grubel-Lloyd index of every pair, from flow arrays: a C x C float64 matrix.

    :math:`GL_{ij} = scale \cdot \frac{\sum_p (X_p + M_p) - |X_p - M_p|}{\sum_p (X_p + M_p)}` with
    :math:`X_p` the flows i -> j and :math:`M_p` the flows j -> i of product p (rows repeating
    (exporter, importer, product) add up). Symmetric; NaN on the diagonal and where i and j do not
    trade (0/0). `adjust` as in :func:`tradeindex.grubel_lloyd` ("imbalance", "aquino").
    Input sorted by (exporter, importer) - as BACI ships it - skips the counting sort.

    Parameters
    ----------
    exporter, importer, product : integer ids (int32 or int64 are used without a copy), ids of
        countries in [0, n_countries), of products in [0, n_products).
    value : non-negative finite values.
    n_countries : number of countries C.
    n_products : number of products (default: largest product id + 1).
    scale : 1.0 (shares, default here) or 100.
    return_parts : also return the numerator :math:`\sum_p 2\min(X_p, M_p)` and the
        denominator (C x C each).

    References
    ----------
    Grubel, H. G. and Lloyd, P. J. (1975). Intra-Industry Trade. London: Macmillan.

    Examples
    --------
    >>> from tradeindex import kernels
    >>> kernels.bilateral_gl([0, 1, 0], [1, 0, 1], [0, 0, 1], [10.0, 10.0, 20.0], 2)
    array([[nan, 0.5],
           [0.5, nan]])
    """
    n_countries = check_positive_int("n_countries", n_countries)
    scale = check_scale("scale", scale)
    adjust = check_adjust(adjust, "pair")
    exporter, importer, product = (_ids(name, a, 0, check_range=False) for name, a in
                                   (("exporter", exporter), ("importer", importer), ("product", product)))
    value = np.ascontiguousarray(as_float64("value", np.asarray(value)))
    for name, a in (("importer", importer), ("product", product), ("value", value)):
        check_length(name, a, len(exporter), "exporter")
    n_products = (check_positive_int("n_products", n_products) if n_products is not None
                  else int(max(product.max(), 0)) + 1 if product.size else 1)

    def invalid():  # the counting pass found a bad row: the precise error
        _ids("exporter", exporter, n_countries)
        _ids("importer", importer, n_countries)
        _ids("product", product, n_products)
        check_amounts("value", value)
        check_no_self_trade(exporter, importer)

    dtype = np.result_type(exporter, importer, product)
    cols = (np.zeros(0, dtype), exporter.astype(dtype, copy=False), importer.astype(dtype, copy=False),
            product.astype(dtype, copy=False), value, np.zeros(0), 0, 1)
    out, _ = pair_sums(cols, n_countries, n_products, "gl", adjust=adjust, n_threads=n_threads,
                       invalid=invalid)
    gl = ratio(out[0, ..., 0], out[0, ..., 1], scale)
    return (gl, out[0, ..., 0], out[0, ..., 1]) if return_parts else gl

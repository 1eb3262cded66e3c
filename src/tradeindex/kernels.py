"""Array-level API for embedding the indices in larger models: NumPy / scipy.sparse in, ndarray
out. No pandas, no labels; every function validates its arrays, never modifies them, releases
the GIL inside the compiled kernel, and may be called from many threads at once.

Input rules shared by every function: values may be bool (a product basket counts 1 per product
present), any integer or float dtype (upcast to float64; float64 is used without a copy);
complex, object, datetime and string arrays are a TypeError naming the parameter. Matrices may be
dense arrays of any layout (strided, Fortran-ordered, read-only, memory-mapped) or scipy.sparse
matrices and arrays of every format (csr, csc, coo, lil, dok, bsr, dia), with explicit zeros,
unsorted or duplicate entries (summed) and int32 or int64 indices. Thread counts follow
:func:`tradeindex.config.effective_threads`; a result larger than the memory available is an
``OutputTooLargeError`` before any work is done.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload

import numpy as np
import scipy.sparse as sp

from . import _aggregate, _complementarity
from . import _grubel_lloyd as _gl
from ._validation import (COMPLEMENTARITY_REMEDY, as_array, as_float64, check_1d, check_adjust,
                          check_aggregation, check_amounts, check_bilateral, check_choice, check_exclude,
                          check_float_dtype, check_length, check_matrix, check_no_self_trade, check_numeric,
                          check_output_size, check_positive_int, check_reference, check_same_products,
                          check_same_shape, check_scale, check_trade_values, fail)
from .config import effective_threads

if TYPE_CHECKING:
    import numpy.typing as npt

    from ._typing import ClientLike, F64Array, FloatArray, FloatDType, I64Array, IndexArray, Matrix, Method
    from ._validation import Adjust

    #: The Grubel-Lloyd drivers' input: (year, exporter, importer, product, value, quantity, first
    #: year, number of years); an empty year column for one year, an empty quantity when not read.
    Columns: TypeAlias = tuple[IndexArray, IndexArray, IndexArray, IndexArray, F64Array, F64Array, int, int]

__all__ = ["complementarity", "complementarity_blocks", "complementarity_top_k", "choose_method",
           "group_totals", "bilateral_gl", "SPARSE_COST", "cell_totals", "rca", "trade_intensity",
           "partner_shares", "hhi", "trade_specialisation", "krugman", "regional_orientation"]

# Grubel-Lloyd kernel modes and output widths
_MODE = {"gl": 0, "ghm": 1, "ff": 2, "miit": 3}
_K = {"gl": 2, "ghm": 5, "ff": 5, "miit": 3}
_ADJUST = {None: 0, "imbalance": 1, "aquino": 2}


# -- Grubel-Lloyd drivers: id columns in, kernel sums out (used by intra_industry.py) -------------
def _runs(cols: Columns, n_countries: int, n_products: int, t: int,
          invalid: Callable[[], None] | None = None) -> tuple[I64Array, IndexArray, F64Array, F64Array, bool]:
    """(offsets, product, value, quantity, merged): bucket offsets and the columns in bucket order
    - the input's own columns when already sorted by (year, exporter, importer) (`merged` when
    also by product without repeats), else a counting-sorted copy. `invalid`: for unchecked
    arrays, called (to raise the precise error) when the counting pass finds a bad row."""
    year, exporter, importer, product, value, quantity, y0, n_years = cols
    counts = _thread_buffers(t, n_years * n_countries * n_countries, np.int64)
    offsets = np.empty(counts.shape[1] + 1, np.int64)
    order = _gl.pair_count(year, exporter, importer, product, value, y0, n_countries, n_products,
                           invalid is not None, counts, offsets, t)
    if order < 0:
        assert invalid is not None  # order < 0 only when checking, i.e. with `invalid`
        invalid()

        raise RuntimeError("tradeindex internal error: the counting pass rejected a row that no check names")
    if order:
        return offsets, product, value, quantity, order == 2
    if n_countries * n_products >= np.iinfo(np.int64).max:  # pragma: no cover - the size check stops it first
        fail("n_products", f"fewer than {np.iinfo(np.int64).max // n_countries} with {n_countries} countries",
             repr(n_products))
    if n_countries * n_products >= np.iinfo(product.dtype).max:  # packed keys need int64
        cols = tuple(c.astype(np.int64) for c in cols[:4]) + cols[4:]  # type: ignore[assignment]  # ids as int64
        year, exporter, importer, product = cols[:4]
    out = (np.empty_like(product), np.empty(len(value)), np.empty(len(quantity)))
    blocks = offsets[n_countries::n_countries] - offsets[:-1:n_countries]
    width = int(blocks.max()) if len(blocks) else 0
    scratch = (np.empty((t, width), product.dtype), np.empty((t, width)),
               np.empty((t, width if len(quantity) else 0)))
    cursors = np.empty((t, n_years * n_countries), np.int64)
    _gl.pair_scatter(year, exporter, importer, product, value, quantity, y0, n_countries, n_products,
                     counts, offsets, cursors, *out, *scratch, t)
    return (offsets, *out, False)


def _buffers(t: int, n_products: int) -> tuple[F64Array, I64Array, F64Array]:
    return np.zeros((t, 4, n_products)), np.full((t, n_products), -1, np.int64), np.zeros((t, 10))


#: The ways out of a Grubel-Lloyd result too large for memory (named in the error).
_GL_REMEDY = ("number the countries and products present 0..C-1 and 0..P-1 (np.unique(..., "
              "return_inverse=True)), or split the years or the reporters into several calls")


def _check_gl_size(param: str, shape: tuple[int, ...], n_years: int, n_rows: int, n_countries: int, n_products: int,
                   t: int, remedy: str = _GL_REMEDY) -> None:
    """The result `shape` plus the drivers' working memory: per-thread bucket counts (T x Y*C*C),
    offsets, totals, per-thread product buffers (T x 5P) and a sorted copy of the n_rows flows."""
    cells = n_years * n_countries * n_countries
    work = 8 * (cells * (t + 2) + 5 * t * n_products + 3 * n_rows)
    check_output_size(param, shape, np.float64, work=work, remedy=remedy)


def _pair_sums(cols: Columns, n_countries: int, n_products: int, mode: str, *, adjust: Adjust = None,
               band: tuple[float, float] = (0.0, 0.0), n_threads: int | None = None,
               invalid: Callable[[], None] | None = None, param: str = "flows",
               remedy: str = _GL_REMEDY) -> tuple[F64Array, F64Array]:
    """(out, totals): Y x C x C x K sums of `mode` for every ordered pair and the Y x C x C totals
    of flows i -> j. `cols` = (year, exporter, importer, product, value, quantity, y0, n_years).
    `param` names what made the result too large, if it is, and `remedy` the ways out."""
    t = effective_threads(n_threads)
    _check_gl_size(param, (cols[7], n_countries, n_countries, _K[mode]), cols[7], len(cols[4]), n_countries,
                   n_products, t, remedy)
    offsets, product, value, quantity, merged = _runs(cols, n_countries, n_products, t, invalid)
    n_years = cols[7]
    out = np.zeros((n_years, n_countries, n_countries, _K[mode]))
    totals = np.zeros((n_years, n_countries, n_countries))
    _gl.bilateral(offsets, product, value, quantity, n_years, n_countries, merged, _MODE[mode], _ADJUST[adjust],
                  band[0], band[1], *_buffers(t, n_products), out, totals, t)
    return out, totals


def _group_sums(cols: Columns, n_countries: int, n_products: int, reporters: npt.NDArray[np.integer[Any]],
                groups: Sequence[npt.NDArray[np.integer[Any]]], mode: str, *, adjust: Adjust = None,
                band: tuple[float, float] = (0.0, 0.0), per_product: bool = False, n_threads: int | None = None,
                param: str = "flows", remedy: str = _GL_REMEDY) -> tuple[F64Array, F64Array, F64Array]:
    """(out, totals, xm): Y x R x G x K sums of `mode` for each reporter against each partner
    group (a list of id arrays), Y x R x G x 2 totals (X, M), and, with `per_product`, the
    Y x R x G x P x 2 per-product X and M."""
    t = effective_threads(n_threads)
    shape = (cols[7], len(reporters), len(groups)) + ((n_products, 2) if per_product else (_K[mode],))
    _check_gl_size(param, shape, cols[7], len(cols[4]), n_countries, n_products, t, remedy)
    offsets, product, value, quantity, _ = _runs(cols, n_countries, n_products, t)
    n_years = cols[7]
    dtype: np.dtype[Any] = cols[1].dtype  # the flows' index type (int32 or int64), for every id array

    group_ptr = np.r_[0, np.cumsum([len(g) for g in groups])].astype(dtype)
    members = np.concatenate(groups).astype(dtype)
    shape = (n_years, len(reporters), len(groups))
    out, totals = np.zeros(shape + (_K[mode],)), np.zeros(shape + (2,))
    xm = np.zeros(shape + (n_products, 2) if per_product else (1, 1, 1, 1, 2))
    _gl.reporter_groups(offsets, product, value, quantity, n_years, n_countries,
                        np.asarray(reporters, dtype), group_ptr, members, _MODE[mode], _ADJUST[adjust],
                        band[0], band[1], *_buffers(t, n_products), out, totals, xm, per_product, t)
    return out, totals, xm


def _ratio(num: npt.ArrayLike, den: npt.NDArray[Any], scale: float) -> F64Array:
    """scale * num / den, NaN where den == 0."""
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out * scale



def _ids(param: str, ids: Any, n: int, *, check_range: bool = True) -> IndexArray:
    """Integer ids (a 1-D column) in [0, n) as int32 or int64 (no copy when already one of them)."""
    ids = check_1d(param, check_numeric(param, as_array(param, ids)))
    if ids.size == 0:  # [] is float64 to NumPy: no id to be non-integer
        ids = ids.astype(np.int64)
    if ids.dtype.kind not in "iu":
        fail(param, "integer ids", f"dtype {ids.dtype}", TypeError)
    if check_range and ids.size and (ids.min() < 0 or ids.max() >= n):  # before any cast (uint64)
        bad = np.flatnonzero((ids < 0) | (ids >= n))
        fail(param, f"ids in [0, {n})", f"{ids[bad[0]]} at row {bad[0]}; {len(bad)} rows in all")
    if ids.dtype not in (np.int32, np.int64):
        if ids.dtype == np.uint64 and ids.size and ids.max() > np.iinfo(np.int64).max:
            fail(param, f"ids below {np.iinfo(np.int64).max}", f"{ids.max()}")
        ids = ids.astype(np.int64)
    return np.ascontiguousarray(ids)


def _values(param: str, values: Any, n: int, other: str) -> F64Array:
    """A 1-D float64 column of length `n` (the length of `other`), C-contiguous."""
    values = check_1d(param, as_float64(param, as_array(param, values)))
    check_length(param, values, n, other)
    return np.ascontiguousarray(values)


def group_totals(ids: npt.ArrayLike, values: npt.ArrayLike, n_groups: int, *, n_threads: int | None = None) -> F64Array:
    """Sum `values` by integer id: out[g] = sum of values[r] where ids[r] == g (float64).

    `values` may hold any real numbers: negative, NaN and infinite values take part in their
    group's sum as in any sum (NaN in, NaN out; never a silent 0). bool values count 1 or 0.

    Examples
    --------
    >>> from tradeindex import kernels
    >>> kernels.group_totals([0, 2, 0], [1.0, 2.0, 3.0], 3)
    array([4., 0., 2.])
    """
    n_groups = check_positive_int("n_groups", n_groups)
    t = effective_threads(n_threads)
    check_output_size("n_groups", (n_groups,), np.float64, work=8 * t * n_groups,
                      remedy="number the groups present 0..G-1 (np.unique(ids, return_inverse=True))")
    ids = _ids("ids", ids, n_groups)
    values = _values("values", values, len(ids), "ids")
    out = _thread_buffers(t, n_groups)
    _aggregate.group_sum(ids, values, out, t)
    return _reduce_threads(out)


# -- complementarity family: sum_p min(x_jp, m_kp) over row shares -----------------------------
#: Relative cost of one sparse (scattered) min+add against one dense (SIMD) min+add, measured
#: on the benchmark machine (AMD EPYC, AVX-512; see benchmarks/RESULTS.md): method="auto" runs
#: the sparse kernel when SPARSE_COST * sum_p nnz_X(p) * nnz_M(p) < C1 * C2 * P.
SPARSE_COST = 12.0


def _row_totals(A: Any) -> tuple[Any, F64Array]:
    """(A, total): float64 row sums that never overflow. A row whose sum exceeds the float64
    range (values near 1e308) is first divided by its largest value, in a copy of A: shares are
    ratios, the same either way. A is a validated float64 ndarray or CSR/CSC array."""
    with np.errstate(over="ignore"):
        total = np.asarray(A.sum(axis=1), dtype=np.float64).ravel()
    over = np.flatnonzero(np.isinf(total))
    if len(over):
        peak = np.ones(len(total))
        if sp.issparse(A):
            A = sp.csr_array(A, copy=True)
            peak[over] = [A.data[A.indptr[r]:A.indptr[r + 1]].max() for r in over]
            A.data /= np.repeat(peak, np.diff(A.indptr))
        else:
            peak[over] = A[over].max(axis=1)
            A = A / peak[:, None]
        total = np.asarray(A.sum(axis=1), dtype=np.float64).ravel()
    return A, total


class _Shares:
    """Row shares of one side, in the storage the chosen kernel needs.

    ``valid``: rows with a positive total (the others are NaN in every result); ``dense``: rows x
    (P + zero padding) C-contiguous, 64-byte aligned rows, or ``ptr, idx, val``: CSR
    (by_columns=False) / CSC (True) structure with positive values only. Shares are value /
    row total, divided (not multiplied by an inverse, which overflows for subnormal totals)."""

    def __init__(self, A: Any, dtype: type[np.floating[Any]], method: str, by_columns: bool) -> None:
        A, total = _row_totals(A)
        self.valid = total > 0
        divisor = np.where(self.valid, total, 1.0)
        if method == "dense":
            dense = A.toarray() if sp.issparse(A) else A
            self.dense = _aligned_rows(A.shape, dtype)
            np.divide(dense, divisor[:, None], out=self.dense[:, :A.shape[1]], casting="unsafe")
            return
        S = sp.csr_array(A, copy=True)  # sorted, no duplicates (check_trade_values)
        S.data = (S.data / np.repeat(divisor, np.diff(S.indptr))).astype(dtype, copy=False)
        S.eliminate_zeros()  # explicit zeros, and shares below the dtype's smallest number
        S = S.tocsc() if by_columns else S
        self.ptr, self.idx, self.val = S.indptr, S.indices, S.data

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled (sent to a Dask worker): dense rows aligned again (pickle keeps no alignment)."""
        self.__dict__.update(state)
        dense = state.get("dense")
        if dense is not None and dense.ctypes.data % 64:
            self.dense = _aligned_rows(dense.shape, dense.dtype)
            self.dense[...] = dense


def _aligned_rows(shape: tuple[int, ...], dtype: npt.DTypeLike, align: int = 64) -> FloatArray:
    """C-contiguous (rows, cols + pad) array, zero past `cols`, whose every row starts on an
    `align`-byte boundary: the dense kernel's SIMD loads never straddle cache lines (measured
    ~25% faster at 240 x 5,000); the zero columns add min(0, 0) = 0 to every pair."""
    itemsize = np.dtype(dtype).itemsize
    ld = _padded(shape[1], itemsize, align)
    buf = np.empty(shape[0] * ld * itemsize + align, dtype=np.uint8)
    start = (-buf.ctypes.data) % align
    out = buf[start:start + shape[0] * ld * itemsize].view(dtype).reshape(shape[0], ld)
    out[:, shape[1]:] = 0
    return out


def _padded(cols: int, itemsize: int, align: int = 64) -> int:
    return -(-max(cols, 1) * itemsize // align) * align // itemsize


def _column_counts(A: Any) -> F64Array:
    """Stored entries per column (product); for sparse input explicit zeros and duplicates
    count too (a cost estimate needs no exactness, and this costs no conversion)."""
    if sp.issparse(A):
        if A.format == "csc":
            return np.diff(A.indptr).astype(np.float64)
        cols = A.indices if A.format == "csr" else sp.coo_array(A).coords[1]
        return np.bincount(cols, minlength=A.shape[1]).astype(np.float64)
    return np.count_nonzero(A, axis=0).astype(np.float64)


def _matrices(X: Matrix, M: Matrix, names: tuple[str, str] = ("X", "M")) -> tuple[Any, Any]:
    """X and M as matrices with numeric dtypes and the same columns (values not looked at);
    `names`: their parameters' names, for the messages."""
    X, M = check_matrix(names[0], X), check_matrix(names[1], M)
    check_same_products(names[1], M.shape, names[0], X.shape)
    return X, M


def choose_method(X: Matrix, M: Matrix) -> Literal["dense", "sparse"]:
    """'dense' or 'sparse' for overlap(X, M), by the cost model of `SPARSE_COST` (never by
    input format): dense work C1*C2*P against sparse work sum_p nnz_X(p) * nnz_M(p). Only the
    sparsity pattern is read (the values are checked by the functions that use them).

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> kernels.choose_method(np.eye(100), np.eye(100)), kernels.choose_method(np.ones((9, 9)), np.ones((9, 9)))
    ('sparse', 'dense')
    """
    return _choose(*_matrices(X, M))


def _choose(X: Any, M: Any) -> Literal["dense", "sparse"]:
    return _cheaper(X.shape[0], _column_counts(X), M)


def _cheaper(C1: int, x_counts: F64Array, M: Any) -> Literal["dense", "sparse"]:
    """The cheaper method for C1 rows of X with column counts `x_counts` (summed over row
    blocks when X comes in blocks) against M."""
    dense_work = float(C1) * M.shape[0] * M.shape[1]
    sparse_work = float(x_counts @ _column_counts(M))
    return "sparse" if SPARSE_COST * sparse_work < dense_work else "dense"


def _options(dtype: FloatDType, method: Method, scale: float) -> tuple[type[np.floating[Any]], Method, float]:
    dtype = check_float_dtype("dtype", dtype)
    method = check_choice("method", method, ("auto", "dense", "sparse"))
    return dtype, method, check_scale("scale", scale, dtype)


def _shares(X: Any, M: Any, dtype: type[np.floating[Any]], method: Method,
            names: str = "X and M") -> tuple[_Shares, _Shares, Literal["dense", "sparse"]]:
    """(xs, ms, method) from validated X, M (check_trade_values)."""
    if method == "auto":
        method = _choose(X, M)
    _check_dense(method, names, (X, M), dtype)
    xs, ms = _Shares(X, dtype, method, False), _Shares(M, dtype, method, True)
    return (*_same_index(xs, ms, method), method)


def _check_dense(method: str, param: str, matrices: Sequence[Any], dtype: type[np.floating[Any]]) -> None:
    """The dense kernel's padded share matrices (+ a float64 copy of a sparse input) must fit."""
    if method != "dense":
        return
    P = _padded(matrices[0].shape[1], np.dtype(dtype).itemsize)
    n = sum(A.shape[0] for A in matrices)
    check_output_size(param, (n, P), dtype, what="dense share matrices", remedy="pass method='sparse'",
                      work=8 * n * matrices[0].shape[1] * any(sp.issparse(A) for A in matrices))


def _same_index(xs: _Shares, ms: _Shares, method: str) -> tuple[_Shares, _Shares]:
    """(xs, ms) with one index dtype on both sides for the sparse kernel (its index_t): new
    objects where a side is cast, the given ones untouched."""
    if method != "sparse":
        return xs, ms
    wide = any(a.dtype == np.int64 for a in (xs.ptr, xs.idx, ms.ptr, ms.idx))
    out = []
    for s in (xs, ms):
        cast = _Shares.__new__(_Shares)
        cast.valid, cast.val = s.valid, s.val
        cast.ptr, cast.idx = (a.astype(np.int64 if wide else np.int32, copy=False) for a in (s.ptr, s.idx))
        out.append(cast)
    return out[0], out[1]


def _given_in_blocks(X: object) -> bool:
    """X as row blocks for a Dask cluster: a Dask array, or a list of 2-D arrays / sparse
    matrices (a list of numbers or of 1-D rows stays one matrix)."""
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and all(sp.issparse(b) or getattr(b, "ndim", None) == 2 for b in X)
    return type(X).__module__.startswith("dask.array")


def _check_result(param: str, rows: int, cols: int, dtype: type[np.floating[Any]],
                  remedy: str = COMPLEMENTARITY_REMEDY) -> None:
    """A rows x cols result of `dtype`, computed in a float64 accumulator."""
    extra = 8 * rows * cols if dtype != np.float64 else 0
    check_output_size(param, (rows, cols), dtype, work=extra, remedy=remedy)


def _row_slice(xs: _Shares, start: int, stop: int, method: str) -> _Shares:
    """The shares of exporter rows [start, stop) (views; CSR rows re-based)."""
    part = _Shares.__new__(_Shares)
    part.valid = xs.valid[start:stop]
    if method == "dense":
        part.dense = xs.dense[start:stop]
    else:
        part.ptr = xs.ptr[start:stop + 1] - xs.ptr[start]
        part.idx = xs.idx[xs.ptr[start]:xs.ptr[stop]]
        part.val = xs.val[xs.ptr[start]:xs.ptr[stop]]
    return part


def _overlap(xs: _Shares, ms: _Shares, method: str, n_rows: int, n_cols: int, threads: int) -> F64Array:
    out = np.zeros((n_rows, n_cols))
    if method == "dense":
        _complementarity.overlap_dense(xs.dense, ms.dense, out, threads)
    else:
        _complementarity.overlap_sparse(xs.ptr, xs.idx, xs.val, ms.ptr, ms.idx, ms.val, out, threads)
    return out


def _finish(out: F64Array, xs: _Shares, ms: _Shares, scale: float, dtype: type[np.floating[Any]]) -> FloatArray:
    """scale * overlap (at most scale: a sum of rounded shares may pass 1 by an ulp or two), NaN
    in rows/cols without trade, in the storage dtype."""
    out *= scale
    np.minimum(out, scale, out=out)
    out[~xs.valid, :] = np.nan
    out[:, ~ms.valid] = np.nan
    return out.astype(dtype, copy=False)


def complementarity(X: Matrix, M: Matrix, *, scale: float = 1.0, dtype: FloatDType = "float64",
                    method: Method = "auto", n_threads: int | None = None) -> FloatArray:
    """Overlap of row shares for all pairs: ``scale * sum_p min(x_jp, m_kp)``.

    ``x_j = X[j] / sum(X[j])`` and ``m_k = M[k] / sum(M[k])`` are the rows' shares over the P
    columns. Because both share vectors sum to 1, the overlap equals
    ``1 - sum_p |x_jp - m_kp| / 2``: with X = exports and M = imports (country x product) it is
    Michaely's (1996) trade complementarity index TC_jk; with two export (or import) matrices it
    is Finger and Kreinin's (1979) export similarity index. Rows whose total is 0 (no trade)
    give NaN rows (X) / columns (M), never 0.

    Numerical contract: any finite non-negative values, from subnormal (5e-324) to the float64
    maximum, give finite results in [0, scale]: a row whose sum would overflow is scaled by its
    largest value first, shares are divided (not multiplied by an inverse), and a share too small
    for the storage dtype counts as 0 (an absolute error below 1e-300 in float64). The error
    is at most about (P + 8) * 2**-53 * scale in float64 (P: products), ~1e-6 * scale in float32.

    Parameters
    ----------
    X : (C1, P) non-negative values (not necessarily shares): NumPy array or scipy.sparse.
    M : (C2, P) non-negative values, same columns as X.
    scale : multiply the result (1.0 -> [0, 1]; 100 for the usual 0-100 index); positive, finite.
    dtype : "float64" or "float32": storage of the shares and of the result. float32 sums in
        float32 within chunks of 512 products and in float64 across chunks.
    method : "dense" (register-tiled SIMD kernel), "sparse" (by product: each row of X meets
        the rows of M holding each of its products) or "auto" (the cheaper one by the cost model
        of :func:`choose_method`, computed from column counts).
    n_threads : OpenMP threads (None: OMP_NUM_THREADS or all cores; at most the available cores,
        see :func:`tradeindex.config.effective_threads`).

    Returns
    -------
    ndarray (C1, C2) of `dtype`. Inputs are never modified; the GIL is released in the kernel.

    Raises
    ------
    OutputTooLargeError (a MemoryError and a ValueError) when the C1 x C2 result does not fit
    in the memory available, before any input is processed; the message names the size and the
    ways out (top_k, blocks, float32, a Dask cluster).

    References
    ----------
    Michaely, M. (1996). Trade preferential agreements in Latin America: an ex-ante
    assessment. World Bank Policy Research Working Paper 1583.
    Finger, J. M. and Kreinin, M. E. (1979). A measure of 'export similarity' and its possible
    uses. The Economic Journal, 89(356), 905-912.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> X = np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0]])   # exporter 1 exports nothing
    >>> M = np.array([[1.0, 1.0, 2.0], [6.0, 2.0, 0.0]])
    >>> kernels.complementarity(X, M, scale=100)
    array([[ 50., 100.],
           [ nan,  nan]])
    """
    return _all_pairs(X, M, ("X", "M"), scale, dtype, method, n_threads)


def _all_pairs(X: Matrix, M: Matrix, names: tuple[str, str], scale: float, dtype: FloatDType, method: Method,
               n_threads: int | None) -> FloatArray:
    """complementarity(X, M), its messages naming the parameters `names` (krugman's X and Y)."""
    X, M = _matrices(X, M, names)
    dtype, method, scale = _options(dtype, method, scale)
    threads = effective_threads(n_threads)
    _check_result(" and ".join(names), X.shape[0], M.shape[0], dtype)
    X, M = check_trade_values(names[0], X), check_trade_values(names[1], M)
    xs, ms, method = _shares(X, M, dtype, method, " and ".join(names))
    out = _overlap(xs, ms, method, len(xs.valid), len(ms.valid), threads)
    return _finish(out, xs, ms, scale, dtype)


def complementarity_blocks(X: Matrix, M: Matrix, *, rows: int = 1024, scale: float = 1.0,
                           dtype: FloatDType = "float64", method: Method = "auto", n_threads: int | None = None,
                           client: ClientLike = None) -> Iterator[tuple[int, FloatArray]]:
    """Iterate over :func:`complementarity` by blocks of `rows` exporter rows, for results too
    large for memory (50,000 x 50,000 float64 is 20 GB): yields ``(start, block)`` with block =
    rows ``start:start + len(block)`` of the full result, in row order. Shares are computed
    once; the inputs are checked when the function is called, before the first block.

    On a Dask cluster (``client=`` a ``dask.distributed.Client`` or ``"auto"``, or X a Dask
    array or a list of row blocks: see docs/dask.md) each block of X is one task, M is sent
    to the workers once, and the blocks come back in row order, a few in flight at a time:
    X given in memory is cut into blocks of `rows` rows; a Dask array's row chunks (or the
    list's blocks) are the tasks, each result cut into pieces of at most `rows` rows. The
    values are those of the single-process call (the method is chosen once, over all of X).

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> X, M = np.eye(3) + 1, np.ones((2, 3))
    >>> [(s, b.shape) for s, b in kernels.complementarity_blocks(X, M, rows=2)]
    [(0, (2, 2)), (2, (1, 2))]
    """
    rows = check_positive_int("rows", rows)
    if client is not None or _given_in_blocks(X):
        from ._dask import blocks_on_cluster
        return blocks_on_cluster(client, X, M, rows=rows, scale=scale, dtype=dtype, method=method,
                                 n_threads=n_threads)
    X, M = _matrices(X, M)
    dtype, method, scale = _options(dtype, method, scale)
    threads = effective_threads(n_threads)
    _check_result("rows", min(rows, X.shape[0]), M.shape[0], dtype,
                  remedy="pass fewer rows=, or ask for the best partners only with kernels.complementarity_top_k")
    X, M = check_trade_values("X", X), check_trade_values("M", M)
    xs, ms, method = _shares(X, M, dtype, method)
    return _blocks(xs, ms, method, rows, scale, dtype, threads)


def _blocks(xs: _Shares, ms: _Shares, method: str, rows: int, scale: float, dtype: type[np.floating[Any]],
            threads: int) -> Iterator[tuple[int, FloatArray]]:
    for start in range(0, len(xs.valid), rows):
        stop = min(start + rows, len(xs.valid))
        part = _row_slice(xs, start, stop, method)
        out = _overlap(part, ms, method, stop - start, len(ms.valid), threads)
        yield start, _finish(out, part, ms, scale, dtype)


def complementarity_top_k(X: Matrix, M: Matrix, k: int, *, exclude: npt.ArrayLike | None = None, scale: float = 1.0,
                          dtype: FloatDType = "float64", method: Method = "auto", n_threads: int | None = None,
                          client: ClientLike = None) -> tuple[FloatArray, I64Array]:
    """For each row j of X, the `k` rows of M with the highest :func:`complementarity` and their
    values, computed block by block without forming the C1 x C2 matrix.

    Returns ``(values, index)``, both (C1, k): values (of `dtype`, highest first) and the row
    positions in M (int64). Ties (equal overlaps, compared before `scale` and the storage
    rounding) go to the lower index. Rows of M without trade (NaN) are never
    chosen; rows of X without trade get NaN values and index -1, as do slots beyond the number
    of rows of M with trade. `exclude` (C1 ints, -1 for none) leaves out row exclude[j] of M
    for row j of X: a self-pair, e.g. ``exclude=np.arange(C1)`` when X and M are the same
    countries (without it a row's best match is then itself).
    Memory: the (C1, k) result and a per-thread row of C2 (4 rows for the dense kernel).

    On a Dask cluster (``client=`` a ``dask.distributed.Client`` or ``"auto"``, or X a Dask
    array or a list of row blocks: see docs/dask.md) each row block of X is one task (X in
    memory is cut into a few blocks per worker thread), M is sent to the workers once, and
    the blocks' results are stacked: each row's top k depends on that row and M only, so the
    result equals the single-process one exactly (the method is chosen once, over all of X).

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> X = np.array([[3.0, 1.0, 0.0]])
    >>> M = np.array([[1.0, 1.0, 2.0], [6.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    >>> kernels.complementarity_top_k(X, M, 2, scale=100)
    (array([[100.,  50.]]), array([[1, 0]]))
    """
    k = check_positive_int("k", k)
    if client is not None or _given_in_blocks(X):
        from ._dask import top_k_on_cluster
        return top_k_on_cluster(client, X, M, k, exclude=exclude, scale=scale, dtype=dtype, method=method,
                                n_threads=n_threads)
    X, M = _matrices(X, M)
    dtype, method, scale = _options(dtype, method, scale)
    threads = effective_threads(n_threads)
    _check_top_k_size(X.shape[0], M.shape[0], k, dtype, threads)
    X, M = check_trade_values("X", X), check_trade_values("M", M)
    keep, M_kept = _with_trade(M)
    xs, ms, method = _shares(X, M_kept, dtype, method)
    return _top_k(xs, ms, keep, _skip(exclude, X.shape[0], keep, M.shape[0]), k, method, scale, dtype, threads)


def _check_top_k_size(C1: int, C2: int, k: int, dtype: type[np.floating[Any]], threads: int) -> None:
    kk = min(k, C2)
    values_f64 = 8 * C1 * k if dtype != np.float64 else 0  # the float64 values before the storage cast
    check_output_size("k", (C1, k), dtype, work=8 * C1 * k + values_f64 + 16 * C1 * kk + 32 * threads * C2,
                      remedy="pass a smaller k, or split the rows of X over several calls")


def _with_trade(M: Any) -> tuple[npt.NDArray[np.intp], Any]:
    """(positions of the rows of a validated M with trade, those rows): the kernel sees no NaN column."""
    with np.errstate(over="ignore"):  # an overflowing row sum (inf) is still > 0
        keep = np.flatnonzero(np.asarray(M.sum(axis=1)).ravel() > 0)
    return keep, (sp.csr_array(M)[keep] if sp.issparse(M) else M[keep])


def _skip(exclude: npt.ArrayLike | None, C1: int, keep: npt.NDArray[np.intp], n_m: int) -> I64Array:
    """Per row of X, the position among the kept rows of M to leave out (-1: none; empty: none anywhere)."""
    if exclude is None:
        return np.zeros(0, np.int64)
    exclude = check_exclude(exclude, C1, n_m)
    position = np.full(n_m + 1, -1, np.int64)  # a row of M -> its position among the kept rows
    position[keep] = np.arange(len(keep))
    return position[exclude]  # exclude == -1 reads the sentinel position[n_m] = -1


def _top_k(xs: _Shares, ms: _Shares, keep: npt.NDArray[np.intp], skip: I64Array, k: int, method: str, scale: float,
           dtype: type[np.floating[Any]], threads: int) -> tuple[FloatArray, I64Array]:
    """(values, index) of the top-k kernel for the rows of `xs` against the kept rows of M."""
    C1, C2, kk = len(xs.valid), len(keep), min(k, len(keep))
    values = np.full((C1, k), np.nan)
    index = np.full((C1, k), -1, dtype=np.int64)
    if kk and C1:
        v = np.empty((C1, kk))
        i = np.empty((C1, kk), dtype=ms.idx.dtype if method == "sparse" else np.int64)
        if method == "dense":
            scratch = np.empty((threads, 4, C2))
            _complementarity.top_k_dense(xs.dense, ms.dense, skip, scratch, v, i, threads)
        else:
            scratch = np.zeros((threads, C2))
            _complementarity.top_k_sparse(xs.ptr, xs.idx, xs.val, ms.ptr, ms.idx, ms.val,
                                          skip, scratch, v, i, threads)
        found = i < C2  # the kernel's sentinel C2: no candidate left for the slot (the excluded row was one)
        values[:, :kk] = np.where(found, np.minimum(v * scale, scale), np.nan)
        index[:, :kk] = np.where(found, keep[np.minimum(i, C2 - 1)], -1)
    values[~xs.valid], index[~xs.valid] = np.nan, -1
    return values.astype(dtype, copy=False), index


# -- Grubel-Lloyd, array level ------------------------------------------------------------------
def _fit_sums(value: npt.NDArray[Any], param: str = "value",
              where: Callable[[int], str] | None = None) -> tuple[npt.NDArray[Any], int]:
    """(value * 2**-s, s): `value` (an array of any shape) scaled by an exact power of two so
    that no sum of its entries can overflow float64 and, when it holds subnormal numbers, lifted
    into the normal range (products such as Aquino's factors would round them); s = 0 and no
    copy otherwise. The Grubel-Lloyd family and the indicators (RCA, trade intensity, shares)
    are ratios of sums: unchanged by the scaling (signed values, marginal IIT's changes, by
    their magnitude). Values too small to survive a scaling down are an error naming `param`;
    `where(i)` places flat entry i in the message ("at row i")."""
    signed = value.size and np.fmin.reduce(value, axis=None) < 0  # e.g. marginal IIT's changes
    size = np.abs(value) if signed else value
    top = float(np.fmax.reduce(size, axis=None)) if value.size else 0.0
    if not (np.isfinite(top) and top > 0):
        return value, 0
    s = math.frexp(top)[1] + (4 * value.size).bit_length() - 1022  # top * 4n < 2**1022 after
    tiny = np.finfo(np.float64).tiny
    if s <= 0 and not ((size > 0) & (size < tiny)).any():
        return value, 0
    scaled = np.ldexp(value, -s)
    lost: Any = np.flatnonzero((size > 0) & (np.abs(scaled) < tiny)) if s > 0 else []
    if len(lost):
        place = where(lost[0]) if where else f"at row {lost[0]}"
        fail(param, "within a range whose sums float64 can hold (the largest value times the number "
             "of values below 1.8e308 once the smallest is kept exactly)", f"{top!r} beside "
             f"{float(value.flat[lost[0]])!r} {place}; rescale or drop the negligible flows")
    return scaled, s


def _check_aquino_factors(totals: F64Array, shift: int, back: F64Array | None = None, *, param: str = "value",
                          describe: Callable[[int, int], str] | None = None) -> None:
    """Aquino's factors (X + M) / 2X must be finite: a pair whose two directions differ by more
    than the float64 range (1e-300 one way, 1e300 the other) is an error, not a wrong index.
    `totals`: C x C flows i -> j (the way back is its transpose), or, with `back`, each
    reporter's exports to (`totals`) and imports from (`back`) each partner group, R x G;
    `describe(i, j)` names a pair in the message ("from country i to j")."""
    X, M = totals, (totals.T if back is None else back)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        bad = np.argwhere((X > 0) & (M > 0) & np.isinf((X + M) / (2 * np.minimum(X, M))))
    if len(bad):
        i, j = bad[0]
        where = describe(i, j) if describe else f"from country {i} to {j}"
        fail(param, "such that, with adjust='aquino', the two directions of every pair are within a "
             "ratio of 1.8e308 (Aquino's factor (X + M) / 2X overflows beyond)",
             f"{float(np.ldexp(X[i, j], shift))!r} {where} against {float(np.ldexp(M[i, j], shift))!r} "
             f"back; {len(bad) // 2 if back is None else len(bad)} pairs in all")


@overload
def bilateral_gl(exporter: npt.ArrayLike, importer: npt.ArrayLike, product: npt.ArrayLike, value: npt.ArrayLike,
                 n_countries: int, *, n_products: int | None = ..., scale: float = ..., adjust: Adjust = ...,
                 return_parts: Literal[False] = ..., n_threads: int | None = ...) -> F64Array: ...
@overload
def bilateral_gl(exporter: npt.ArrayLike, importer: npt.ArrayLike, product: npt.ArrayLike, value: npt.ArrayLike,
                 n_countries: int, *, n_products: int | None = ..., scale: float = ..., adjust: Adjust = ...,
                 return_parts: Literal[True], n_threads: int | None = ...) -> tuple[F64Array, F64Array, F64Array]: ...


def bilateral_gl(exporter: npt.ArrayLike, importer: npt.ArrayLike, product: npt.ArrayLike, value: npt.ArrayLike,
                 n_countries: int, *, n_products: int | None = None, scale: float = 1.0, adjust: Adjust = None,
                 return_parts: bool = False,
                 n_threads: int | None = None) -> F64Array | tuple[F64Array, F64Array, F64Array]:
    r"""Bilateral Grubel-Lloyd index of every pair, from flow arrays: a C x C float64 matrix.

    :math:`GL_{ij} = scale \cdot \frac{\sum_p (X_p + M_p) - |X_p - M_p|}{\sum_p (X_p + M_p)}` with
    :math:`X_p` the flows i -> j and :math:`M_p` the flows j -> i of product p (rows repeating
    (exporter, importer, product) add up). Symmetric; NaN on the diagonal and where i and j do not
    trade (0/0). `adjust` as in :func:`tradeindex.grubel_lloyd` ("imbalance", "aquino").
    Input sorted by (exporter, importer) - as BACI ships it - skips the counting sort.

    Numerical contract: any finite non-negative values, subnormal to near the float64 maximum;
    when a sum could overflow, every value is first scaled by the same power of two (exact; the
    index is a ratio of sums), and values too small to survive that are an error; with
    adjust="aquino", a pair whose two directions differ by more than the float64 range is an
    error. The index is within about (2n + 16) * 2**-52 * scale of the exact one (n flows).

    Parameters
    ----------
    exporter, importer, product : integer ids (int32 or int64 are used without a copy), ids of
        countries in [0, n_countries), of products in [0, n_products).
    value : non-negative finite values (bool and integers are upcast).
    n_countries : number of countries C.
    n_products : number of products (default: largest product id + 1).
    scale : 1.0 (shares, default here) or 100.
    return_parts : also return the numerator :math:`\sum_p 2\min(X_p, M_p)` and the
        denominator (C x C each); inf where these sums exceed the float64 range.

    Raises
    ------
    OutputTooLargeError when the C x C result and the per-pair working arrays do not fit in the
    memory available (checked before the flows are read).

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
    _check_gl_size("n_countries", (n_countries, n_countries), 1, 0, n_countries, 0, effective_threads(n_threads))
    exporter, importer, product = (_ids(name, a, 0, check_range=False) for name, a in
                                   (("exporter", exporter), ("importer", importer), ("product", product)))
    for name, a in (("importer", importer), ("product", product)):
        check_length(name, a, len(exporter), "exporter")
    raw = _values("value", value, len(exporter), "exporter")
    n_products_given = n_products is not None
    n_products = (check_positive_int("n_products", n_products) if n_products_given
                  else int(max(product.max(), 0)) + 1 if product.size else 1)
    check_output_size("n_products" if n_products_given else "product", (effective_threads(n_threads), 5, n_products),
                      what="per-thread product buffers", remedy=_GL_REMEDY)

    def invalid() -> None:  # the counting pass found a bad row: the precise error
        _ids("exporter", exporter, n_countries)
        _ids("importer", importer, n_countries)
        _ids("product", product, n_products)
        check_amounts("value", raw)
        check_no_self_trade(exporter, importer)

    value, shift = _fit_sums(raw)
    dtype = np.result_type(exporter, importer, product)
    cols = (np.zeros(0, dtype), exporter.astype(dtype, copy=False), importer.astype(dtype, copy=False),
            product.astype(dtype, copy=False), value, np.zeros(0), 0, 1)
    out, totals = _pair_sums(cols, n_countries, n_products, "gl", adjust=adjust, n_threads=n_threads,
                             invalid=invalid, param="n_countries")
    if adjust == "aquino":
        _check_aquino_factors(totals[0], shift)
    gl = _ratio(out[0, ..., 0], out[0, ..., 1], scale)
    if not return_parts:
        return gl
    with np.errstate(over="ignore"):  # sums beyond the float64 range are inf, as documented
        return gl, np.ldexp(out[0, ..., 0], shift), np.ldexp(out[0, ..., 1], shift)


# -- trade indicators: RCA, trade intensity, concentration, specialisation --------------------------


def _thread_buffers(t: int, size: int, dtype: npt.DTypeLike = np.float64) -> npt.NDArray[Any]:
    """(t, size) zeros, one row per thread of a parallel sum, zeroed here in the calling thread.
    np.zeros maps untouched pages that the kernel's threads would then fault in together, and
    concurrent page faults serialise on the process's memory map: 10M flows into two 19 MB
    buffers took 31 ms, against 8 ms into buffers touched beforehand (+4 ms to touch them)."""
    out = np.empty((t, size), dtype)
    out.fill(0)
    return out


def _reduce_threads(out: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Sum a (t, size) array of per-thread buffers over its first axis into row 0 (no new array)."""
    for row in out[1:]:
        out[0] += row
    return out[0]


def _cell_totals(rows: npt.NDArray[np.integer[Any]], cols: npt.NDArray[np.integer[Any]], values: npt.NDArray[Any],
                 n_rows: int, n_cols: int, n_threads: int | None = None, *,
                 by: npt.NDArray[np.integer[Any]] | None = None,
                 shift: npt.NDArray[np.integer[Any]] | None = None) -> F64Array:
    """cell_totals without input checks (ids known to be in range; inputs copied only where they
    are not contiguous arrays of one integer dtype and float64); n_rows or n_cols may be 0.
    `by` and `shift` (optional, together): the row of a value is ``rows + shift[by]``."""
    t = min(effective_threads(n_threads), max(1, len(values) // max(n_rows * n_cols, 1)))
    out = _thread_buffers(t, n_rows * n_cols)
    dtype = np.result_type(rows.dtype, cols.dtype,
                           *(() if by is None else (by.dtype, shift.dtype)))  # type: ignore[union-attr]  # shift: with by
    extra = () if by is None else (np.ascontiguousarray(by, dtype), np.ascontiguousarray(shift, dtype))
    _aggregate.cell_sum(np.ascontiguousarray(rows, dtype), np.ascontiguousarray(cols, dtype),
                         np.ascontiguousarray(values, np.float64), n_cols, out, t, *extra)
    return _reduce_threads(out).reshape(n_rows, n_cols)


def cell_totals(rows: npt.ArrayLike, cols: npt.ArrayLike, values: npt.ArrayLike, n_rows: int, n_cols: int, *,
                n_threads: int | None = None) -> F64Array:
    """Sum `values` by pairs of ids: ``out[i, j] = sum of values[r] where rows[r] == i and
    cols[r] == j``, a dense (n_rows, n_cols) float64 array.

    With rows = exporter and cols = product ids it gives the country x product export matrix;
    with rows = exporter and cols = importer the C x C bilateral totals. Compiled: the pair key is
    formed in registers (no n-sized key array) and a run of rows with the same pair (flows sorted
    by exporter, importer, product, as BACI ships them) is summed before it is stored; threads
    take contiguous blocks of rows, each with its own (n_rows, n_cols) buffer - at most one
    thread per n_rows * n_cols input rows, so small inputs do not pay for many buffers.
    `values` are summed as given (negative, NaN and inf take part, as in any sum); an
    n_rows x n_cols result larger than the memory available is an OutputTooLargeError first.

    Examples
    --------
    >>> from tradeindex import kernels
    >>> kernels.cell_totals([0, 0, 1], [1, 1, 0], [1.0, 2.0, 5.0], 2, 2)
    array([[0., 3.],
           [5., 0.]])
    """
    n_rows = check_positive_int("n_rows", n_rows)
    n_cols = check_positive_int("n_cols", n_cols)
    t = effective_threads(n_threads)
    check_output_size("n_rows and n_cols", (n_rows, n_cols), np.float64, work=8 * t * n_rows * n_cols,
                      remedy="number the rows and columns present 0..R-1 and 0..C-1 (np.unique(..., "
                      "return_inverse=True))")
    rows, cols = _ids("rows", rows, n_rows), _ids("cols", cols, n_cols)
    check_length("cols", cols, len(rows), "rows")
    values = _values("values", values, len(rows), "rows")
    return _cell_totals(rows, cols, values, n_rows, n_cols, n_threads)


def _row_sums(A: Any) -> F64Array:
    return np.asarray(A.sum(axis=1), dtype=np.float64).ravel()


def _column_sums(A: Any) -> F64Array:
    return np.asarray(A.sum(axis=0), dtype=np.float64).ravel()


def _inverse(total: F64Array) -> F64Array:
    """1 / total, NaN where total is 0 (so that 0 * inverse is NaN: a 0/0 cell is never 0)."""
    out = np.full(total.shape, np.nan)
    np.divide(1.0, total, out=out, where=total > 0)
    return out


def _dense(A: Any) -> F64Array:
    return A.toarray() if sp.issparse(A) else np.asarray(A, dtype=np.float64)


def _fit(param: str, A: Any) -> Any:
    """A validated matrix (check_trade_values) scaled by one power of two so that none of its
    sums overflows and no value is subnormal (:func:`_fit_sums`): an index that is a ratio of
    its sums is unchanged. The caller's arrays are never written (a scaled copy, or A itself)."""
    data = A.data if sp.issparse(A) else A
    scaled, shift = _fit_sums(data, param, lambda i: _entry(A, i))
    if not shift:
        return A
    if not sp.issparse(A):
        return scaled
    out = A.copy()
    out.data = scaled
    return out


def _entry(A: Any, i: int) -> str:
    """'at row r, column c' for flat entry i of a dense matrix or the data of a CSR/CSC one."""
    if not sp.issparse(A):
        return "at row {}, column {}".format(*np.unravel_index(i, A.shape))
    line = int(np.searchsorted(A.indptr, i, side="right")) - 1
    row, col = (line, A.indices[i]) if A.format == "csr" else (A.indices[i], line)
    return f"at row {row}, column {col}"


def _frexp_product(factors: Iterable[npt.ArrayLike]) -> tuple[Any, Any]:
    """(m, e): the product of non-negative float64 arrays (broadcast) as m * 2**e, multiplied on
    their mantissas (np.frexp: m in [0.5, 1)) with the exponents added apart: never overflows
    or underflows, whatever the magnitudes."""
    m: Any = np.float64(1.0)
    e: Any = np.int64(0)
    for a in factors:
        fm, fe = np.frexp(a)
        m, e = m * fm, e + fe
    return m, e


def _log2_range(a: npt.ArrayLike) -> tuple[float, float]:
    """(lo, hi): log2 of the smallest positive and of the largest value of a non-negative
    float64 array ((0.0, 0.0) when none is positive)."""
    a = np.ascontiguousarray(a, np.float64)
    hi = float(np.max(a, initial=0.0))
    if hi <= 0:
        return 0.0, 0.0
    # the bits of non-negative doubles sort as their values; minus one, 0 wraps to the largest
    lo = (a.reshape(-1).view(np.uint64) - np.uint64(1)).min() + np.uint64(1)
    return math.log2(float(lo.view(np.float64))), math.log2(hi)


def _in_range(num: list[F64Array | float], den: list[F64Array | float]) -> bool:
    """Whether prod(num) / prod(den), computed left to right in float64, can only meet normal
    numbers (or exact zeros, from zero factors) on the way: every partial product and the
    quotient bounded from the factors' value ranges, 2 bits of margin for the roundings."""
    bounds = []
    for side in (num, den):
        lo = hi = 0.0  # log2 bounds of the partial product
        for a_lo, a_hi in map(_log2_range, side):
            lo, hi = lo + a_lo, hi + a_hi
            if lo < -1019 or hi > 1020:
                return False
        bounds.append((lo, hi))
    (lo_num, hi_num), (lo_den, hi_den) = bounds
    return lo_num - hi_den >= -1019 and hi_num - lo_den <= 1020


def _quotient(num: list[F64Array | float], den: list[F64Array | float]) -> F64Array:
    """prod(num) / prod(den) for lists of non-negative float64 arrays (broadcast), with no
    intermediate result overflowing or underflowing: the one rounding into the float64 range is
    the last (inf only where the exact value exceeds 1.8e308; 0 or a subnormal only where it is
    below 2.2e-308). NaN where a denominator is 0, never 0 or inf. When the factors' value
    ranges show that plain float64 arithmetic stays among normal numbers (trade data does), it
    is used; otherwise the products are taken on mantissas and exponents apart."""
    if _in_range(num, den):
        with np.errstate(divide="ignore", invalid="ignore"):
            n, d = math.prod(num), math.prod(den)
            out = np.divide(n, d, out=np.full(np.broadcast_shapes(np.shape(n), np.shape(d)), np.nan), where=d != 0)
        return out
    (mn, en), (md, ed) = _frexp_product(num), _frexp_product(den)
    zero = md == 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.ldexp(mn / np.where(zero, 1.0, md), np.clip(en - ed, -4000, 4000))
    return np.where(zero, np.nan, out)


def _at_least(num: Iterable[npt.ArrayLike], den: Iterable[npt.ArrayLike]) -> F64Array:
    """1.0 where prod(num) >= prod(den) (exactly as the two float64 products would compare if
    neither overflowed or underflowed), else 0.0; NaN where a denominator is 0."""
    (mn, en), (md, ed) = _frexp_product(num), _frexp_product(den)
    with np.errstate(over="ignore"):
        ge = np.ldexp(mn, np.clip(en - ed, -4000, 4000)) >= md
    return np.where(md == 0, np.nan, ge.astype(np.float64))


def rca(X: Matrix, *, reference: npt.ArrayLike | None = None,
        kind: Literal["ratio", "symmetric", "binary"] = "ratio") -> F64Array | sp.csr_array:
    r"""Revealed comparative advantage of every row in every column (Balassa 1965).

    .. math:: RCA_{cp} = \frac{x_{cp} / x_c}{x_{wp} / x_w}

    with ``x_c`` the row total of X and ``x_wp`` the reference's value in column p (default:
    the column totals of X, i.e. the world when the rows are all exporters), ``x_w`` the
    reference's total. 1 means c exports p in the same proportion as the reference.

    Parameters
    ----------
    X : (C, P) non-negative values (exports by country x product), NumPy or scipy.sparse.
    reference : None (the column totals of X) or (P,) non-negative values, e.g. a group's
        exports by product (RCA against a region instead of the world).
    kind : "ratio" (Balassa's RCA, in [0, inf)); "symmetric" ((RCA - 1) / (RCA + 1) in [-1, 1],
        Laursen 2015); "binary" (1.0 where RCA >= 1, else 0.0: the country x product matrix of
        economic complexity, Hidalgo and Hausmann 2009; tested as x_cp * x_w >= x_c * x_wp,
        without the rounding of the ratio).

    Returns
    -------
    (C, P) float64. 0/0 convention: NaN in a row without exports (x_c = 0) and in a column the
    reference does not export (x_wp = 0), never 0. A sparse X gives a sparse CSR result for
    "ratio" and "binary" (only the stored cells change; cells in NaN rows and columns are
    stored as NaN); "symmetric" is dense (a zero cell becomes -1). X is never modified.

    Numerical contract (as for every ratio of sums here): any finite non-negative values, from
    subnormal to the float64 maximum. The sums are taken after scaling X (and the reference) by
    one power of two (exact; values too small to survive it are an error) and the ratio of
    products on mantissas and exponents, so that nothing overflows or underflows on the way:
    the result is within about (n + 4) * 2**-52 of the exact RCA, relatively (n: the values in
    the largest sum); inf only where the exact RCA exceeds 1.8e308 (a product the reference
    exports 1e308 times less than its total).

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The
    Manchester School, 33(2), 99-123. WITS: RCA_ij = (x_ij / X_it) / (x_wj / X_wt).
    Laursen, K. (2015). Revealed comparative advantage and the alternatives as measures of
    international specialization. Eurasian Business Review, 5(1), 99-115.
    Hidalgo, C. A. and Hausmann, R. (2009). The building blocks of economic complexity. PNAS,
    106(26), 10570-10575.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> X = np.array([[8.0, 2.0], [2.0, 8.0], [0.0, 0.0]])   # row 2 exports nothing
    >>> kernels.rca(X)
    array([[1.6, 0.4],
           [0.4, 1.6],
           [nan, nan]])
    >>> kernels.rca(X, kind="binary")[0], kernels.rca(X, kind="symmetric")[0].round(3)
    (array([1., 0.]), array([ 0.231, -0.429]))
    """
    X = check_trade_values("X", X)
    kind = check_choice("kind", kind, ("ratio", "symmetric", "binary"))
    X = _fit("X", X)
    if reference is None:
        ref = _column_sums(X)
    else:  # its own power of two: x_rp / x_r is a ratio of its sums
        ref = _fit_sums(check_reference("reference", reference, X.shape[1]), "reference")[0]
    world, row = ref.sum(), _row_sums(X)
    cell = _at_least if kind == "binary" else _quotient
    if kind == "symmetric" or not sp.issparse(X):
        out = cell([_dense(X), world], [row[:, None], ref[None, :]])
        if kind != "symmetric":
            return out
        with np.errstate(invalid="ignore"):  # RCA = inf (beyond float64) is 1
            return np.where(np.isinf(out), 1.0, (out - 1.0) / (out + 1.0))
    S = sp.csr_array(X, dtype=np.float64, copy=True)
    S.sum_duplicates()
    S.eliminate_zeros()
    r = np.repeat(np.arange(S.shape[0]), np.diff(S.indptr))
    S.data = cell([S.data, world], [row[r], ref[S.indices]])
    S.eliminate_zeros()
    bad_rows, bad_cols = np.flatnonzero(row == 0), np.flatnonzero(ref == 0)
    C, P = S.shape  # every cell of a NaN row or column is stored as NaN (NaN + NaN = NaN)
    nan_r = np.r_[np.repeat(bad_rows, P), np.tile(np.arange(C), len(bad_cols))]
    nan_c = np.r_[np.tile(np.arange(P), len(bad_rows)), np.repeat(bad_cols, C)]
    return S + sp.csr_array((np.full(len(nan_r), np.nan), (nan_r, nan_c)), shape=S.shape)


class _Axis:
    """The output rows (or columns) of a bilateral index: each country on its own (G is None) or
    a 0/1 CSR aggregation matrix, output row r = the countries c with G[r, c] == 1 together.
    Sparse products only: no BLAS call (its threads would compete with the kernels' OpenMP ones)."""

    def __init__(self, param: str, G: Matrix | None, n: int) -> None:
        self.G = check_aggregation(param, G, n)
        if self.G is None:
            self.single = np.arange(n)
        else:  # the country of a one-country row, else -1 (a group; a row without members)
            one = np.diff(self.G.indptr) == 1
            self.single = np.full(len(one), -1, np.int64)
            self.single[one] = self.G.indices[self.G.indptr[:-1][one]]

    def __call__(self, A: Any) -> Any:
        """G @ A (A: n x ... values)."""
        return A if self.G is None else self.G @ A

    def others(self, A: F64Array) -> F64Array:
        """For each output row, A (dense, n x ...) summed over the countries NOT in it (the rest
        of the world), always as a sum of the others' values, never as the total less a part
        (which cancels: 1e300 + 1e-300 - 1e300 is 0): for one country c the rows before c plus
        the rows after it (running sums from both ends; an exact 0 where c is the only one), for
        a group a sum over its non-members."""
        rest = np.empty((len(self.single),) + A.shape[1:])
        one = np.flatnonzero(self.single >= 0)
        if len(one):
            zero = np.zeros((1,) + A.shape[1:])
            before = np.concatenate([zero, np.cumsum(A, axis=0)])[:-1]
            after = np.concatenate([np.cumsum(A[::-1], axis=0)[::-1], zero])[1:]
            c = self.single[one]
            rest[one] = before[c] + after[c]
        multi = np.flatnonzero(self.single < 0)
        if len(multi):
            rest[multi] = sp.csr_array(1.0 - self.G[multi].toarray()) @ A
        return rest


def _between(B: Any, rows: Matrix | None, cols: Matrix | None) -> tuple[F64Array, _Axis, _Axis]:
    """(B @ K.T, R, K): the bilateral totals of every country with each output column (dense,
    C x K) and the two axes; R(B @ K.T) is the table between output rows and columns."""
    R, K = _Axis("rows", rows, B.shape[0]), _Axis("cols", cols, B.shape[1])
    return np.ascontiguousarray(K(_dense(B).T).T), R, K


def _self_pairs(R: _Axis, K: _Axis) -> npt.NDArray[np.bool_]:
    """True where output row r and column k are the same single country (undefined: a country
    does not trade with itself)."""
    return (R.single[:, None] == K.single[None, :]) & (R.single[:, None] >= 0)


def trade_intensity(B: Matrix, *, rows: Matrix | None = None, cols: Matrix | None = None,
                    exclude_self: bool = False) -> F64Array:
    r"""Trade intensity of every pair (Brown 1949; Kojima 1964): i's share of its exports going
    to j over the world's share of exports going to j.

    .. math:: TII_{ij} = \frac{x_{ij} / X_i}{x_{wj} / X_w}

    with ``x_ij`` the exports of i to j, ``X_i`` i's exports to all partners, ``x_wj`` the
    world's exports to j (j's imports) and ``X_w`` world exports (the definition of WITS and of
    ESCAP's handbook). With ``exclude_self`` the world is the rest of the world, i left out:

    .. math:: TII^{-i}_{ij} = \frac{x_{ij} / X_i}{(x_{wj} - x_{ij}) / (X_w - X_i)}

    1 means i exports to j in proportion to j's weight in world imports; > 1 an "intense" tie.

    Parameters
    ----------
    B : (C, C) bilateral values, B[i, j] = exports of i to j (NumPy or scipy.sparse); the world
        is the C countries; the diagonal must be zero.
    rows, cols : None (every country) or (R, C) / (K, C) 0/1 matrices: output row r is the
        countries with rows[r, c] == 1 taken together (a group: its exports to j are the sum
        of its members', intra-group trade included; TII of a group with itself is the
        intra-group intensity).
    exclude_self : the rest-of-world variant above.

    Returns
    -------
    (R, K) float64, dense. 0/0 convention: NaN where i has no exports, where the world (rest of
    the world) exports nothing to j, and for a country with itself; never 0 for those. B is
    never modified. Numerical contract: as :func:`rca` (B scaled by one power of two, the ratio
    on mantissas and exponents); the rest-of-world sums are sums of the other countries' values,
    never the total less a part (which cancels).

    References
    ----------
    Brown, A. J. (1949). Applied Economics: Aspects of the World Economy in War and Peace.
    London: George Allen and Unwin.
    Kojima, K. (1964). The pattern of international trade among advanced countries.
    Hitotsubashi Journal of Economics, 5(1), 16-36.
    Mikic, M. and Gilbert, J. (2009). Trade Statistics in Policymaking: A Handbook of Commonly
    Used Trade Indices and Indicators, revised edition. Bangkok: UNESCAP.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> B = np.array([[0.0, 6.0, 2.0], [3.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    >>> kernels.trade_intensity(B).round(3)    # TII_01 = (6 / 8) / (7 / 14)
    array([[  nan, 1.5  , 1.167],
           [2.625,   nan, 1.167],
           [1.75 , 1.   ,   nan]])
    """
    B = check_trade_values("B", B)
    check_bilateral("B", B)
    B = _fit("B", B)
    BK, R, K = _between(B, rows, cols)
    num, exports = R(BK), _row_sums(B)
    if exclude_self:  # the rest of the world: the other exporters
        to_col, world = R.others(BK), R.others(exports)
    else:
        to_col = K(_column_sums(B))[None, :]
        world = np.full(num.shape[0], exports.sum())
    out = _quotient([num, world[:, None]], [R(exports)[:, None], to_col])
    out[_self_pairs(R, K)] = np.nan
    return out


def partner_shares(B: Matrix, *, rows: Matrix | None = None, cols: Matrix | None = None,
                   scale: float = 1.0) -> F64Array:
    """Share of each row's exports going to each column: ``scale * x_ij / X_i``, with X_i the
    row's exports to all C countries (the world); rows and columns may be groups (0/1
    aggregation matrices as in :func:`trade_intensity`). Pass ``B.T`` for import shares.

    0/0 convention: NaN in a row without exports and for a country with itself. Numerical
    contract: as :func:`rca`.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> B = np.array([[0.0, 6.0, 2.0], [3.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    >>> kernels.partner_shares(B, cols=[[0, 1, 1]], scale=100)   # share going to {1, 2}
    array([[100.],
           [ 25.],
           [ 50.]])
    """
    B = check_trade_values("B", B)
    check_bilateral("B", B)
    scale = check_scale("scale", scale)
    B = _fit("B", B)
    BK, R, K = _between(B, rows, cols)
    out = _quotient([R(BK), scale], [R(_row_sums(B))[:, None]])
    out[_self_pairs(R, K)] = np.nan
    return out


@overload
def hhi(A: Matrix, *, normalized: bool = ..., scale: float = ..., return_counts: Literal[False] = ...) -> F64Array: ...
@overload
def hhi(A: Matrix, *, normalized: bool = ..., scale: float = ...,
        return_counts: Literal[True]) -> tuple[F64Array, I64Array]: ...


def hhi(A: Matrix, *, normalized: bool = False, scale: float = 1.0,
        return_counts: bool = False) -> F64Array | tuple[F64Array, I64Array]:
    r"""Herfindahl-Hirschman concentration of each row over the columns (Herfindahl 1950;
    Hirschman 1964): the sum of squared shares.

    .. math:: H_r = \sum_k s_{rk}^2, \quad s_{rk} = a_{rk} / \sum_k a_{rk};
              \quad H^*_r = \frac{H_r - 1/N_r}{1 - 1/N_r}

    ``H`` is 1 for a row with one column, 1/N for N equal columns. ``normalized`` gives H*, with
    N_r the number of columns with a positive value in the row (WITS's product and market
    concentration indices): 0 for equal shares, 1 for one column, NaN for a row with one column
    (WITS returns no value). UNCTAD's concentration index differs (square roots, N = all
    product groups).

    Parameters
    ----------
    A : (R, K) non-negative values, e.g. exports by country x product or x partner.
    normalized : H* instead of H.
    scale : 1 ([0, 1], default) or 10,000 (the "points" of competition authorities).
    return_counts : also return N_r, the number of positive columns of each row (int64).

    Returns
    -------
    (R,) float64 (and (R,) int64). 0/0 convention: NaN for a row without trade. Any finite
    non-negative values: A is scaled by one power of two (:func:`rca`) and the shares divided
    before they are squared, so no sum or square overflows.

    References
    ----------
    Herfindahl, O. C. (1950). Concentration in the Steel Industry. PhD dissertation, Columbia
    University. Hirschman, A. O. (1964). The paternity of an index. American Economic Review,
    54(5), 761. WITS: Herfindahl-Hirschman product / market concentration index.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> A = np.array([[1.0, 1.0, 2.0], [5.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> kernels.hhi(A)
    array([0.375, 1.   ,   nan])
    >>> kernels.hhi(A, normalized=True, return_counts=True)
    (array([0.0625,    nan,    nan]), array([3, 1, 0]))
    """
    A = check_trade_values("A", A)
    scale = check_scale("scale", scale)
    A = _fit("A", A)
    total = _row_sums(A)
    divisor = np.where(total > 0, total, 1.0)  # shares divided, then squared: never overflows
    if sp.issparse(A):
        A = sp.csr_array(A)
        shares = A.data / np.repeat(divisor, np.diff(A.indptr))
        r = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
        squares = np.bincount(r, weights=shares * shares, minlength=A.shape[0])
        counts = np.bincount(r, weights=A.data > 0, minlength=A.shape[0]).astype(np.int64)
    else:
        shares = A / divisor[:, None]
        squares, counts = np.einsum("ij,ij->i", shares, shares), np.count_nonzero(A, axis=1)
    h = np.where(total > 0, squares, np.nan)
    if normalized:
        inv_n = _inverse(counts.astype(np.float64))
        h = (h - inv_n) * _inverse(1.0 - inv_n)
    return (scale * h, counts) if return_counts else scale * h


def trade_specialisation(X: Matrix, M: Matrix) -> F64Array:
    r"""Trade specialisation (normalised trade balance) of every cell:

    .. math:: TS_{cp} = \frac{x_{cp} - m_{cp}}{x_{cp} + m_{cp}}

    in [-1, 1]: 1 exports only, -1 imports only, 0 balanced. Its absolute value is one minus the
    Grubel-Lloyd index of the cell (scale 1): ``|TS| = 1 - GL``.

    Returns a dense (C, P) float64 array (a cell without trade either way is NaN, never 0, so a
    sparse result would store most cells). X and M (same shape, NumPy or scipy.sparse) are never
    modified. Any finite non-negative values: the difference is divided by the sum (subnormal
    cells too), halved first where x + m exceeds 1.8e308.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The
    Manchester School, 33(2), 99-123. Mikic, M. and Gilbert, J. (2009), op. cit.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> kernels.trade_specialisation(np.array([[3.0, 0.0, 0.0]]), np.array([[1.0, 2.0, 0.0]]))
    array([[ 0.5, -1. ,  nan]])
    """
    X, M = check_trade_values("X", X), check_trade_values("M", M)
    check_same_shape("M", M.shape, "X", X.shape)
    X, M = _dense(X), _dense(M)
    with np.errstate(over="ignore"):
        total = X + M
    out = np.full(X.shape, np.nan)
    np.divide(X - M, total, out=out, where=(total > 0) & (total < np.inf))  # divided: subnormals too
    over = np.isinf(total)  # x + m beyond 1.8e308: halves
    out[over] = (X[over] / 2 - M[over] / 2) / (X[over] / 2 + M[over] / 2)
    return out


def krugman(X: Matrix, Y: Matrix | None = None, *, dtype: FloatDType = "float64", method: Method = "auto",
            n_threads: int | None = None) -> FloatArray:
    r"""Krugman specialisation index of every pair of rows (Krugman 1991): the L1 distance
    between their share profiles,

    .. math:: K_{ij} = \sum_p |s_{ip} - s_{jp}| = 2 - 2 \sum_p \min(s_{ip}, s_{jp})

    in [0, 2]: 0 identical structures, 2 nothing in common. The second form is the overlap of
    :func:`complementarity`, computed by its kernel: ``K = 2 - 2 * ES / 100`` with ES the export
    similarity of Finger and Kreinin (X and Y both export matrices), and ``K = 2 - 2 * TC / 100``
    with TC Michaely's complementarity (X exports, Y imports).

    Parameters
    ----------
    X : (C1, P) non-negative values (rows: countries, columns: products or industries).
    Y : (C2, P) or None (X against itself).
    dtype, method, n_threads : as in :func:`complementarity`.

    Returns
    -------
    (C1, C2) array of `dtype` (an overlap rounded above 1 gives 0, not -1e-16). 0/0 convention:
    NaN in rows (columns) without trade.

    References
    ----------
    Krugman, P. (1991). Geography and Trade. Cambridge, MA: MIT Press.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> kernels.krugman(np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 2.0]]))
    array([[0., 2.],
           [2., 0.]])
    """
    overlap = _all_pairs(X, X if Y is None else Y, ("X", "Y"), 1.0, dtype, method, n_threads)
    return np.maximum(2.0 - 2.0 * overlap, 0.0)  # an overlap rounded above 1 is K = 0, not -1e-16


def regional_orientation(X_in: Matrix, X_out: Matrix) -> F64Array:
    r"""Regional orientation of every row in every column (Yeats 1998): the share of product p in
    c's exports to a region over its share in c's exports to the rest of the world.

    .. math:: RO_{cp} = \frac{x^{in}_{cp} / x^{in}_c}{x^{out}_{cp} / x^{out}_c}

    > 1: p is relatively more exported to the region than elsewhere.

    Parameters
    ----------
    X_in, X_out : (C, P) non-negative values of exports to the region and to outside it.

    Returns
    -------
    (C, P) float64, dense. 0/0 convention: NaN where c exports nothing to the region or outside
    it, and where c does not export p outside the region (x_out_cp = 0), never 0 or inf.
    Numerical contract: as :func:`rca`, each matrix scaled by its own power of two (inf only
    where the exact ratio exceeds 1.8e308).

    References
    ----------
    Yeats, A. J. (1998). Does Mercosur's trade performance raise concerns about the effects of
    regional trade arrangements? The World Bank Economic Review, 12(1), 1-28.
    Mikic, M. and Gilbert, J. (2009), op. cit.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> kernels.regional_orientation(np.array([[3.0, 1.0, 1.0]]), np.array([[1.0, 1.0, 0.0]]))
    array([[1.2, 0.4, nan]])
    """
    X_in, X_out = check_trade_values("X_in", X_in), check_trade_values("X_out", X_out)
    check_same_shape("X_out", X_out.shape, "X_in", X_in.shape)
    X_in, X_out = _dense(_fit("X_in", X_in)), _dense(_fit("X_out", X_out))  # each its own power of two
    return _quotient([X_in, _row_sums(X_out)[:, None]], [_row_sums(X_in)[:, None], X_out])

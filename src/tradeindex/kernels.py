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
import math

import numpy as np
import scipy.sparse as sp

from . import _aggregate, _complementarity
from . import _grubel_lloyd as _gl
from ._validation import (COMPLEMENTARITY_REMEDY, as_array, as_float64, check_1d, check_adjust, check_amounts,
                          check_choice, check_float_dtype, check_length, check_matrix,
                          check_no_self_trade, check_numeric, check_output_size, check_positive_int,
                          check_same_products, check_scale, check_trade_values, fail)
from .config import effective_threads

__all__ = ["complementarity", "complementarity_blocks", "complementarity_top_k", "choose_method",
           "group_totals", "bilateral_gl", "SPARSE_COST"]

# Grubel-Lloyd kernel modes and output widths
_MODE = {"gl": 0, "ghm": 1, "ff": 2, "miit": 3}
_K = {"gl": 2, "ghm": 5, "ff": 5, "miit": 3}
_ADJUST = {None: 0, "imbalance": 1, "aquino": 2}


# -- Grubel-Lloyd drivers: id columns in, kernel sums out (used by intra_industry.py) -------------
def _runs(cols, n_countries, n_products, t, invalid=None):
    """(offsets, product, value, quantity, merged): bucket offsets and the columns in bucket order
    - the input's own columns when already sorted by (year, exporter, importer) (`merged` when
    also by product without repeats), else a counting-sorted copy. `invalid`: for unchecked
    arrays, called (to raise the precise error) when the counting pass finds a bad row."""
    year, exporter, importer, product, value, quantity, y0, n_years = cols
    counts = np.zeros((t, n_years * n_countries * n_countries), np.int64)
    offsets = np.empty(counts.shape[1] + 1, np.int64)
    order = _gl.pair_count(year, exporter, importer, product, value, y0, n_countries, n_products,
                           invalid is not None, counts, offsets, t)
    if order < 0:
        invalid()
        raise RuntimeError("tradeindex internal error: the counting pass rejected a row that no check names")
    if order:
        return offsets, product, value, quantity, order == 2
    if n_countries * n_products >= np.iinfo(np.int64).max:  # pragma: no cover - the size check stops it first
        fail("n_products", f"fewer than {np.iinfo(np.int64).max // n_countries} with {n_countries} countries",
             repr(n_products))
    if n_countries * n_products >= np.iinfo(product.dtype).max:  # packed keys need int64
        cols = tuple(c.astype(np.int64) for c in cols[:4]) + cols[4:]
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


def _buffers(t, n_products):
    return np.zeros((t, 4, n_products)), np.full((t, n_products), -1, np.int64), np.zeros((t, 10))


#: The ways out of a Grubel-Lloyd result too large for memory (named in the error).
_GL_REMEDY = ("number the countries and products present 0..C-1 and 0..P-1 (np.unique(..., "
              "return_inverse=True)), or split the years or the reporters into several calls")


def _check_gl_size(param, shape, n_years, n_rows, n_countries, n_products, t):
    """The result `shape` plus the drivers' working memory: per-thread bucket counts (T x Y*C*C),
    offsets, totals, per-thread product buffers (T x 5P) and a sorted copy of the n_rows flows."""
    cells = n_years * n_countries * n_countries
    work = 8 * (cells * (t + 2) + 5 * t * n_products + 3 * n_rows)
    check_output_size(param, shape, np.float64, work=work, remedy=_GL_REMEDY)


def _pair_sums(cols, n_countries, n_products, mode, *, adjust=None, band=(0.0, 0.0), n_threads=None,
               invalid=None, param="flows"):
    """(out, totals): Y x C x C x K sums of `mode` for every ordered pair and the Y x C x C totals
    of flows i -> j. `cols` = (year, exporter, importer, product, value, quantity, y0, n_years).
    `param` names what made the result too large, if it is."""
    t = effective_threads(n_threads)
    _check_gl_size(param, (cols[7], n_countries, n_countries, _K[mode]), cols[7], len(cols[4]), n_countries,
                   n_products, t)
    offsets, product, value, quantity, merged = _runs(cols, n_countries, n_products, t, invalid)
    n_years = cols[7]
    out = np.zeros((n_years, n_countries, n_countries, _K[mode]))
    totals = np.zeros((n_years, n_countries, n_countries))
    _gl.bilateral(offsets, product, value, quantity, n_years, n_countries, merged, _MODE[mode], _ADJUST[adjust],
                  band[0], band[1], *_buffers(t, n_products), out, totals, t)
    return out, totals


def _group_sums(cols, n_countries, n_products, reporters, groups, mode, *, adjust=None,
                band=(0.0, 0.0), per_product=False, n_threads=None, param="flows"):
    """(out, totals, xm): Y x R x G x K sums of `mode` for each reporter against each partner
    group (a list of id arrays), Y x R x G x 2 totals (X, M), and, with `per_product`, the
    Y x R x G x P x 2 per-product X and M."""
    t = effective_threads(n_threads)
    shape = (cols[7], len(reporters), len(groups)) + ((n_products, 2) if per_product else (_K[mode],))
    _check_gl_size(param, shape, cols[7], len(cols[4]), n_countries, n_products, t)
    offsets, product, value, quantity, _ = _runs(cols, n_countries, n_products, t)
    n_years, dtype = cols[7], cols[1].dtype
    group_ptr = np.r_[0, np.cumsum([len(g) for g in groups])].astype(dtype)
    members = np.concatenate(groups).astype(dtype)
    shape = (n_years, len(reporters), len(groups))
    out, totals = np.zeros(shape + (_K[mode],)), np.zeros(shape + (2,))
    xm = np.zeros(shape + (n_products, 2) if per_product else (1, 1, 1, 1, 2))
    _gl.reporter_groups(offsets, product, value, quantity, n_years, n_countries,
                        np.asarray(reporters, dtype), group_ptr, members, _MODE[mode], _ADJUST[adjust],
                        band[0], band[1], *_buffers(t, n_products), out, totals, xm, per_product, t)
    return out, totals, xm


def _ratio(num, den, scale):
    """scale * num / den, NaN where den == 0."""
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out * scale



def _ids(param, ids, n, *, check_range=True):
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


def _values(param, values, n, other):
    """A 1-D float64 column of length `n` (the length of `other`), C-contiguous."""
    values = check_1d(param, as_float64(param, as_array(param, values)))
    check_length(param, values, n, other)
    return np.ascontiguousarray(values)


def group_totals(ids, values, n_groups, *, n_threads=None):
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
    out = np.zeros((t, n_groups))
    _aggregate.group_sum(ids, values, out, t)
    return out.sum(axis=0)


# -- complementarity family: sum_p min(x_jp, m_kp) over row shares -----------------------------
#: Relative cost of one sparse (scattered) min+add against one dense (SIMD) min+add, measured
#: on the benchmark machine (AMD EPYC, AVX-512; see benchmarks/RESULTS.md): method="auto" runs
#: the sparse kernel when SPARSE_COST * sum_p nnz_X(p) * nnz_M(p) < C1 * C2 * P.
SPARSE_COST = 12.0


def _row_totals(A):
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

    def __init__(self, A, dtype, method, by_columns):
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


def _aligned_rows(shape, dtype, align=64):
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


def _padded(cols, itemsize, align=64):
    return -(-max(cols, 1) * itemsize // align) * align // itemsize


def _column_counts(A):
    """Stored entries per column (product); for sparse input explicit zeros and duplicates
    count too (a cost estimate needs no exactness, and this costs no conversion)."""
    if sp.issparse(A):
        if A.format == "csc":
            return np.diff(A.indptr).astype(np.float64)
        cols = A.indices if A.format == "csr" else sp.coo_array(A).coords[1]
        return np.bincount(cols, minlength=A.shape[1]).astype(np.float64)
    return np.count_nonzero(A, axis=0).astype(np.float64)


def _matrices(X, M):
    """X and M as matrices with numeric dtypes and the same columns (values not looked at)."""
    X, M = check_matrix("X", X), check_matrix("M", M)
    check_same_products("M", M.shape, "X", X.shape)
    return X, M


def choose_method(X, M):
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


def _choose(X, M):
    dense_work = float(X.shape[0]) * M.shape[0] * X.shape[1]
    sparse_work = float(_column_counts(X) @ _column_counts(M))
    return "sparse" if SPARSE_COST * sparse_work < dense_work else "dense"


def _options(dtype, method, scale):
    dtype = check_float_dtype("dtype", dtype)
    method = check_choice("method", method, ("auto", "dense", "sparse"))
    return dtype, method, check_scale("scale", scale, dtype)


def _shares(X, M, dtype, method):
    """(xs, ms, method) from validated X, M (check_trade_values)."""
    if method == "auto":
        method = _choose(X, M)
    if method == "dense":  # the padded share matrices (+ a float64 copy of a sparse input)
        P = _padded(X.shape[1], np.dtype(dtype).itemsize)
        n = X.shape[0] + M.shape[0]
        check_output_size("X and M", (n, P), dtype, what="dense share matrices", remedy="pass method='sparse'",
                          work=8 * n * X.shape[1] * (sp.issparse(X) or sp.issparse(M)))
    xs, ms = _Shares(X, dtype, method, False), _Shares(M, dtype, method, True)
    if method == "sparse":  # one index dtype for both sides (the kernel's index_t)
        wide = any(a.dtype == np.int64 for a in (xs.ptr, xs.idx, ms.ptr, ms.idx))
        for s in (xs, ms):
            s.ptr, s.idx = (a.astype(np.int64 if wide else np.int32, copy=False) for a in (s.ptr, s.idx))
    return xs, ms, method


def _check_result(param, rows, cols, dtype, remedy=COMPLEMENTARITY_REMEDY):
    """A rows x cols result of `dtype`, computed in a float64 accumulator."""
    extra = 8 * rows * cols if dtype != np.float64 else 0
    check_output_size(param, (rows, cols), dtype, work=extra, remedy=remedy)


def _row_slice(xs, start, stop, method):
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


def _overlap(xs, ms, method, n_rows, n_cols, threads):
    out = np.zeros((n_rows, n_cols))
    if method == "dense":
        _complementarity.overlap_dense(xs.dense, ms.dense, out, threads)
    else:
        _complementarity.overlap_sparse(xs.ptr, xs.idx, xs.val, ms.ptr, ms.idx, ms.val, out, threads)
    return out


def _finish(out, xs, ms, scale, dtype):
    """scale * overlap (at most scale: a sum of rounded shares may pass 1 by an ulp or two), NaN
    in rows/cols without trade, in the storage dtype."""
    out *= scale
    np.minimum(out, scale, out=out)
    out[~xs.valid, :] = np.nan
    out[:, ~ms.valid] = np.nan
    return out.astype(dtype, copy=False)


def complementarity(X, M, *, scale=1.0, dtype="float64", method="auto", n_threads=None):
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
    X, M = _matrices(X, M)
    dtype, method, scale = _options(dtype, method, scale)
    threads = effective_threads(n_threads)
    _check_result("X and M", X.shape[0], M.shape[0], dtype)
    X, M = check_trade_values("X", X), check_trade_values("M", M)
    xs, ms, method = _shares(X, M, dtype, method)
    out = _overlap(xs, ms, method, len(xs.valid), len(ms.valid), threads)
    return _finish(out, xs, ms, scale, dtype)


def complementarity_blocks(X, M, *, rows=1024, scale=1.0, dtype="float64", method="auto",
                           n_threads=None):
    """Iterate over :func:`complementarity` by blocks of `rows` exporter rows, for results too
    large for memory (50,000 x 50,000 float64 is 20 GB): yields ``(start, block)`` with block =
    rows ``start:start + len(block)`` of the full result. Shares are computed once; the inputs
    are checked when the function is called, before the first block.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> X, M = np.eye(3) + 1, np.ones((2, 3))
    >>> [(s, b.shape) for s, b in kernels.complementarity_blocks(X, M, rows=2)]
    [(0, (2, 2)), (2, (1, 2))]
    """
    rows = check_positive_int("rows", rows)
    X, M = _matrices(X, M)
    dtype, method, scale = _options(dtype, method, scale)
    threads = effective_threads(n_threads)
    _check_result("rows", min(rows, X.shape[0]), M.shape[0], dtype,
                  remedy="pass fewer rows=, or ask for the best partners only with kernels.complementarity_top_k")
    X, M = check_trade_values("X", X), check_trade_values("M", M)
    xs, ms, method = _shares(X, M, dtype, method)
    return _blocks(xs, ms, method, rows, scale, dtype, threads)


def _blocks(xs, ms, method, rows, scale, dtype, threads):
    for start in range(0, len(xs.valid), rows):
        stop = min(start + rows, len(xs.valid))
        part = _row_slice(xs, start, stop, method)
        out = _overlap(part, ms, method, stop - start, len(ms.valid), threads)
        yield start, _finish(out, part, ms, scale, dtype)


def complementarity_top_k(X, M, k, *, scale=1.0, dtype="float64", method="auto", n_threads=None):
    """For each row j of X, the `k` rows of M with the highest :func:`complementarity` and their
    values, computed block by block without forming the C1 x C2 matrix.

    Returns ``(values, index)``, both (C1, k): values (of `dtype`, highest first) and the row
    positions in M (int64). Ties (equal overlaps, compared before `scale` and the storage
    rounding) go to the lower index. Rows of M without trade (NaN) are never
    chosen; rows of X without trade get NaN values and index -1, as do slots beyond the number
    of rows of M with trade. When X and M are the same matrix, a row's best match is itself.
    Memory: the (C1, k) result and a per-thread row of C2 (4 rows for the dense kernel).

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
    X, M = _matrices(X, M)
    dtype, method, scale = _options(dtype, method, scale)
    threads = effective_threads(n_threads)
    C1, kk = X.shape[0], min(k, M.shape[0])
    values_f64 = 8 * C1 * k if dtype != np.float64 else 0  # the float64 values before the storage cast
    check_output_size("k", (C1, k), dtype, work=8 * C1 * k + values_f64 + 16 * C1 * kk + 32 * threads * M.shape[0],
                      remedy="pass a smaller k, or split the rows of X over several calls")
    X, M = check_trade_values("X", X), check_trade_values("M", M)
    with np.errstate(over="ignore"):  # an overflowing row sum (inf) is still > 0
        keep = np.flatnonzero(np.asarray(M.sum(axis=1)).ravel() > 0)  # the kernel sees no NaN column
    M = sp.csr_array(M)[keep] if sp.issparse(M) else M[keep]
    xs, ms, method = _shares(X, M, dtype, method)
    C2, kk = len(keep), min(k, len(keep))
    values = np.full((C1, k), np.nan)
    index = np.full((C1, k), -1, dtype=np.int64)
    if kk and C1:
        v = np.empty((C1, kk))
        i = np.empty((C1, kk), dtype=ms.idx.dtype if method == "sparse" else np.int64)
        if method == "dense":
            scratch = np.empty((threads, 4, C2))
            _complementarity.top_k_dense(xs.dense, ms.dense, scratch, v, i, threads)
        else:
            scratch = np.zeros((threads, C2))
            _complementarity.top_k_sparse(xs.ptr, xs.idx, xs.val, ms.ptr, ms.idx, ms.val,
                                          scratch, v, i, threads)
        values[:, :kk], index[:, :kk] = np.minimum(v * scale, scale), keep[i]
    values[~xs.valid], index[~xs.valid] = np.nan, -1
    return values.astype(dtype, copy=False), index


# -- Grubel-Lloyd, array level ------------------------------------------------------------------
def _fit_sums(value):
    """(value * 2**-s, s): `value` scaled by an exact power of two so that no sum of its entries
    can overflow float64 and, when it holds subnormal numbers, lifted into the normal range
    (products such as Aquino's factors would round them); s = 0 and no copy otherwise. The
    Grubel-Lloyd family is made of ratios of sums: unchanged by the scaling. Values too small
    to survive a scaling down are an error."""
    top = float(np.fmax.reduce(value)) if value.size else 0.0
    if not (np.isfinite(top) and top > 0):
        return value, 0
    s = math.frexp(top)[1] + (4 * len(value)).bit_length() - 1022  # top * 4n < 2**1022 after
    tiny = np.finfo(np.float64).tiny
    if s <= 0 and not ((value > 0) & (value < tiny)).any():
        return value, 0
    scaled = np.ldexp(value, -s)
    lost = np.flatnonzero((value > 0) & (scaled < tiny)) if s > 0 else []
    if len(lost):
        fail("value", "within a range whose sums float64 can hold (the largest value times the number "
             "of rows below 1.8e308 once the smallest is kept exactly)", f"{top!r} beside "
             f"{float(value[lost[0]])!r} at row {lost[0]}; rescale or drop the negligible flows")
    return scaled, s


def _check_aquino_factors(totals, shift):
    """Aquino's factors (X + M) / 2X must be finite: a pair whose two directions differ by more
    than the float64 range (1e-300 one way, 1e300 the other) is an error, not a wrong index."""
    X, M = totals, totals.T
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        bad = np.argwhere((X > 0) & (M > 0) & np.isinf((X + M) / (2 * np.minimum(X, M))))
    if len(bad):
        i, j = bad[0]
        fail("value", "such that, with adjust='aquino', the two directions of every pair are within a "
             "ratio of 1.8e308 (Aquino's factor (X + M) / 2X overflows beyond)",
             f"{float(np.ldexp(X[i, j], shift))!r} from country {i} to {j} against {float(np.ldexp(M[i, j], shift))!r} "
             f"back; {len(bad) // 2} pairs in all")


def bilateral_gl(exporter, importer, product, value, n_countries, *, n_products=None, scale=1.0,
                 adjust=None, return_parts=False, n_threads=None):
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

    def invalid():  # the counting pass found a bad row: the precise error
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

"""Array-level API for embedding the indices in larger models: NumPy / scipy.sparse in, ndarray
out. No pandas, no labels; every function validates its arrays, never modifies them, releases
the GIL inside the compiled kernel, and may be called from many threads at once."""
import numpy as np
import scipy.sparse as sp

from . import _aggregate, _complementarity
from . import _grubel_lloyd as _gl
from ._validation import (as_float64, check_adjust, check_aggregation, check_bilateral, check_reference,
                          check_same_shape, check_amounts, check_choice, check_float_dtype,
                          check_length, check_no_self_trade, check_numeric, check_positive_int,
                          check_same_products, check_scale, check_top_k, check_trade_values, fail,
                          check_exclude)
from .config import effective_threads

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


def pair_sums(cols, n_countries, n_products, mode, *, adjust=None, band=(0.0, 0.0), n_threads=None,
              invalid=None):
    """(out, totals): Y x C x C x K sums of `mode` for every ordered pair and the Y x C x C totals
    of flows i -> j. `cols` = (year, exporter, importer, product, value, quantity, y0, n_years)."""
    t = effective_threads(n_threads)
    offsets, product, value, quantity, merged = _runs(cols, n_countries, n_products, t, invalid)
    n_years = cols[7]
    out = np.zeros((n_years, n_countries, n_countries, _K[mode]))
    totals = np.zeros((n_years, n_countries, n_countries))
    _gl.bilateral(offsets, product, value, quantity, n_years, n_countries, merged, _MODE[mode], _ADJUST[adjust],
                  band[0], band[1], *_buffers(t, n_products), out, totals, t)
    return out, totals


def group_sums(cols, n_countries, n_products, reporters, groups, mode, *, adjust=None,
               band=(0.0, 0.0), per_product=False, n_threads=None):
    """(out, totals, xm): Y x R x G x K sums of `mode` for each reporter against each partner
    group (a list of id arrays), Y x R x G x 2 totals (X, M), and, with `per_product`, the
    Y x R x G x P x 2 per-product X and M."""
    t = effective_threads(n_threads)
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


def ratio(num, den, scale):
    """scale * num / den, NaN where den == 0."""
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out * scale



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


# -- complementarity family: sum_p min(x_jp, m_kp) over row shares -----------------------------
#: Relative cost of one sparse (scattered) min+add against one dense (SIMD) min+add, measured
#: on the benchmark machine (AMD EPYC, AVX-512; see benchmarks/RESULTS.md): method="auto" runs
#: the sparse kernel when SPARSE_COST * sum_p nnz_X(p) * nnz_M(p) < C1 * C2 * P.
SPARSE_COST = 12.0


class _Shares:
    """Row shares of one side, in the storage the chosen kernel needs.

    ``valid``: rows with a positive total (the others are NaN in every result); ``dense``: rows x
    (P + zero padding) C-contiguous, 64-byte aligned rows, or ``ptr, idx, val``: CSR
    (by_columns=False) / CSC (True) structure with positive values only (duplicates summed)."""

    def __init__(self, A, dtype, method, by_columns):
        total = np.asarray(A.sum(axis=1), dtype=np.float64).ravel()
        self.valid = total > 0
        inv = np.divide(1.0, total, out=np.zeros_like(total), where=self.valid)
        if method == "dense":
            dense = A.toarray() if sp.issparse(A) else np.asarray(A)
            self.dense = _aligned_rows(A.shape, dtype)
            np.multiply(dense, inv[:, None], out=self.dense[:, :A.shape[1]], casting="unsafe")
            return
        S = sp.csr_array(A, dtype=np.float64, copy=True)
        S.sum_duplicates()
        S.eliminate_zeros()
        S.data *= np.repeat(inv, np.diff(S.indptr))
        S = S.tocsc() if by_columns else S
        self.ptr, self.idx, self.val = S.indptr, S.indices, S.data.astype(dtype)


def _aligned_rows(shape, dtype, align=64):
    """C-contiguous (rows, cols + pad) array, zero past `cols`, whose every row starts on an
    `align`-byte boundary: the dense kernel's SIMD loads never straddle cache lines (measured
    ~25% faster at 240 x 5,000); the zero columns add min(0, 0) = 0 to every pair."""
    itemsize = np.dtype(dtype).itemsize
    ld = -(-max(shape[1], 1) * itemsize // align) * align // itemsize
    buf = np.empty(shape[0] * ld * itemsize + align, dtype=np.uint8)
    start = (-buf.ctypes.data) % align
    out = buf[start:start + shape[0] * ld * itemsize].view(dtype).reshape(shape[0], ld)
    out[:, shape[1]:] = 0
    return out


def _column_counts(A):
    """Stored entries per column (product); for sparse input explicit zeros and duplicates
    count too (a cost estimate needs no exactness, and this costs no conversion)."""
    if sp.issparse(A):
        if A.format == "csc":
            return np.diff(A.indptr).astype(np.float64)
        cols = A.indices if A.format == "csr" else sp.coo_array(A).coords[1]
        return np.bincount(cols, minlength=A.shape[1]).astype(np.float64)
    return np.count_nonzero(np.asarray(A), axis=0).astype(np.float64)


def choose_method(X, M):
    """'dense' or 'sparse' for overlap(X, M), by the cost model of `SPARSE_COST` (never by
    input format): dense work C1*C2*P against sparse work sum_p nnz_X(p) * nnz_M(p).

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> kernels.choose_method(np.eye(100), np.eye(100)), kernels.choose_method(np.ones((9, 9)), np.ones((9, 9)))
    ('sparse', 'dense')
    """
    X, M = (A if sp.issparse(A) else np.asarray(A) for A in (X, M))
    dense_work = float(X.shape[0]) * M.shape[0] * X.shape[1]
    sparse_work = float(_column_counts(X) @ _column_counts(M))
    return "sparse" if SPARSE_COST * sparse_work < dense_work else "dense"


def _prepare(X, M, dtype, method):
    X = check_trade_values("X", X)
    M = check_trade_values("M", M)
    check_same_products("M", M.shape, "X", X.shape)
    dtype = check_float_dtype("dtype", dtype)
    method = check_choice("method", method, ("auto", "dense", "sparse"))
    if method == "auto":
        method = choose_method(X, M)
    xs, ms = _Shares(X, dtype, method, False), _Shares(M, dtype, method, True)
    if method == "sparse":  # one index dtype for both sides (the kernel's index_t)
        wide = any(a.dtype == np.int64 for a in (xs.ptr, xs.idx, ms.ptr, ms.idx))
        for s in (xs, ms):
            s.ptr, s.idx = (a.astype(np.int64 if wide else np.int32, copy=False) for a in (s.ptr, s.idx))
    return xs, ms, method, dtype


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
    """scale * overlap, NaN in rows/cols without trade, in the storage dtype."""
    out *= scale
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

    Parameters
    ----------
    X : (C1, P) non-negative values (not necessarily shares): NumPy array or scipy.sparse.
    M : (C2, P) non-negative values, same columns as X.
    scale : multiply the result (1.0 -> [0, 1]; 100 for the usual 0-100 index).
    dtype : "float64" or "float32": storage of the shares and of the result. float32 sums in
        float32 within chunks of 512 products and in float64 across chunks.
    method : "dense" (register-tiled SIMD kernel), "sparse" (by product: each row of X meets
        the rows of M holding each of its products) or "auto" (the cheaper one by the cost model
        of :func:`choose_method`, computed from column counts).
    n_threads : OpenMP threads (None: OMP_NUM_THREADS or all cores).

    Returns
    -------
    ndarray (C1, C2) of `dtype`. Inputs are never modified; the GIL is released in the kernel.

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
    xs, ms, method, dtype = _prepare(X, M, dtype, method)
    out = _overlap(xs, ms, method, len(xs.valid), len(ms.valid), effective_threads(n_threads))
    return _finish(out, xs, ms, scale, dtype)


def complementarity_blocks(X, M, *, rows=1024, scale=1.0, dtype="float64", method="auto",
                           n_threads=None):
    """Iterate over :func:`complementarity` by blocks of `rows` exporter rows, for results too
    large for memory (50,000 x 50,000 float64 is 20 GB): yields ``(start, block)`` with block =
    rows ``start:start + len(block)`` of the full result. Shares are computed once.

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> X, M = np.eye(3) + 1, np.ones((2, 3))
    >>> [(s, b.shape) for s, b in kernels.complementarity_blocks(X, M, rows=2)]
    [(0, (2, 2)), (2, (1, 2))]
    """
    rows = check_positive_int("rows", rows)
    xs, ms, method, dtype = _prepare(X, M, dtype, method)
    threads = effective_threads(n_threads)
    for start in range(0, len(xs.valid), rows):
        stop = min(start + rows, len(xs.valid))
        part = _row_slice(xs, start, stop, method)
        out = _overlap(part, ms, method, stop - start, len(ms.valid), threads)
        yield start, _finish(out, part, ms, scale, dtype)


def complementarity_top_k(X, M, k, *, exclude=None, scale=1.0, dtype="float64", method="auto",
                          n_threads=None):
    """For each row j of X, the `k` rows of M with the highest :func:`complementarity` and their
    values, computed block by block without forming the C1 x C2 matrix.

    Returns ``(values, index)``, both (C1, k): values (of `dtype`, highest first) and the row
    positions in M (int64). Ties go to the lower index. Rows of M without trade (NaN) are never
    chosen; rows of X without trade get NaN values and index -1, as do slots beyond the number
    of rows of M with trade. `exclude` (C1 ints, -1 for none) leaves out row exclude[j] of M
    for row j of X: a self-pair, e.g. ``exclude=np.arange(C1)`` when X and M are the same
    countries (without it a row's best match is then itself).

    Examples
    --------
    >>> import numpy as np
    >>> from tradeindex import kernels
    >>> X = np.array([[3.0, 1.0, 0.0]])
    >>> M = np.array([[1.0, 1.0, 2.0], [6.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    >>> kernels.complementarity_top_k(X, M, 2, scale=100)
    (array([[100.,  50.]]), array([[1, 0]]))
    """
    k = check_top_k(k)
    M = check_trade_values("M", M)
    n_m = M.shape[0]
    keep = np.flatnonzero(np.asarray(M.sum(axis=1)).ravel() > 0)  # the kernel sees no NaN column
    M = sp.csr_array(M)[keep] if sp.issparse(M) else np.asarray(M)[keep]
    xs, ms, method, dtype = _prepare(X, M, dtype, method)
    skip = np.zeros(0, np.int64)
    if exclude is not None:
        exclude = check_exclude(exclude, len(xs.valid), n_m)
        position = np.full(n_m + 1, -1, np.int64)  # a row of M -> its position among the kept rows
        position[keep] = np.arange(len(keep))
        skip = position[exclude]  # exclude == -1 reads the sentinel position[n_m] = -1
    threads = effective_threads(n_threads)
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
        values[:, :kk], index[:, :kk] = v * scale, keep[i]
    values[~xs.valid], index[~xs.valid] = np.nan, -1
    return values.astype(dtype, copy=False), index
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


# -- trade indicators: RCA, trade intensity, concentration, specialisation --------------------------


def _cell_totals(rows, cols, values, n_rows, n_cols, n_threads=None):
    """cell_totals without input checks (ids known to be in range, values float64)."""
    t = min(effective_threads(n_threads), max(1, len(values) // (n_rows * n_cols)))
    out = np.zeros((t, n_rows * n_cols))
    dtype = np.result_type(rows.dtype, cols.dtype)
    _aggregate.cell_sum(rows.astype(dtype, copy=False), cols.astype(dtype, copy=False), values,
                         n_cols, out, t)
    return out.sum(axis=0).reshape(n_rows, n_cols) if t > 1 else out.reshape(n_rows, n_cols)


def cell_totals(rows, cols, values, n_rows, n_cols, *, n_threads=None):
    """Sum `values` by pairs of ids: ``out[i, j] = sum of values[r] where rows[r] == i and
    cols[r] == j``, a dense (n_rows, n_cols) float64 array.

    With rows = exporter and cols = product ids it gives the country x product export matrix;
    with rows = exporter and cols = importer the C x C bilateral totals. Compiled: the pair key is
    formed in registers (no n-sized key array) and a run of rows with the same pair (flows sorted
    by exporter, importer, product, as BACI ships them) is summed before it is stored; threads
    take contiguous blocks of rows, each with its own (n_rows, n_cols) buffer - at most one
    thread per n_rows * n_cols input rows, so small inputs do not pay for many buffers.

    Examples
    --------
    >>> from tradeindex import kernels
    >>> kernels.cell_totals([0, 0, 1], [1, 1, 0], [1.0, 2.0, 5.0], 2, 2)
    array([[0., 3.],
           [5., 0.]])
    """
    n_rows = check_positive_int("n_rows", n_rows)
    n_cols = check_positive_int("n_cols", n_cols)
    rows, cols = _ids("rows", rows, n_rows), _ids("cols", cols, n_cols)
    values = np.ascontiguousarray(as_float64("values", np.asarray(values)))
    check_length("cols", cols, len(rows), "rows")
    check_length("values", values, len(rows), "rows")
    return _cell_totals(rows, cols, values, n_rows, n_cols, n_threads)


def _row_sums(A):
    return np.asarray(A.sum(axis=1), dtype=np.float64).ravel()


def _inverse(total):
    """1 / total, NaN where total is 0 (so that 0 * inverse is NaN: a 0/0 cell is never 0)."""
    out = np.full(total.shape, np.nan)
    np.divide(1.0, total, out=out, where=total > 0)
    return out


def _dense(A):
    return A.toarray() if sp.issparse(A) else np.asarray(A, dtype=np.float64)


def rca(X, *, reference=None, kind="ratio"):
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
    ref = (np.asarray(X.sum(axis=0), dtype=np.float64).ravel() if reference is None
           else check_reference("reference", reference, X.shape[1]))
    world, row = ref.sum(), _row_sums(X)
    inv_row, inv_col = _inverse(row), world * _inverse(ref)
    if kind == "symmetric" or not sp.issparse(X):
        X = _dense(X)
        if kind == "binary":
            out = (X * world >= row[:, None] * ref[None, :]).astype(np.float64)
            out[np.isnan(inv_row)] = np.nan
            out[:, np.isnan(inv_col)] = np.nan
            return out
        out = X * inv_row[:, None]
        out *= inv_col[None, :]
        return (out - 1.0) / (out + 1.0) if kind == "symmetric" else out
    S = sp.csr_array(X, dtype=np.float64, copy=True)
    S.sum_duplicates()
    S.eliminate_zeros()
    r = np.repeat(np.arange(S.shape[0]), np.diff(S.indptr))
    if kind == "binary":
        S.data = np.where(S.data * world >= row[r] * ref[S.indices], 1.0, 0.0)
    else:
        S.data *= inv_row[r] * inv_col[S.indices]
    S.data[np.isnan(inv_row[r]) | np.isnan(inv_col[S.indices])] = np.nan
    S.eliminate_zeros()
    bad_rows, bad_cols = np.flatnonzero(np.isnan(inv_row)), np.flatnonzero(np.isnan(inv_col))
    C, P = S.shape  # every cell of a NaN row or column is stored as NaN (NaN + NaN = NaN)
    nan_r = np.r_[np.repeat(bad_rows, P), np.tile(np.arange(C), len(bad_cols))]
    nan_c = np.r_[np.tile(np.arange(P), len(bad_rows)), np.repeat(bad_cols, C)]
    return S + sp.csr_array((np.full(len(nan_r), np.nan), (nan_r, nan_c)), shape=S.shape)


class _Axis:
    """The output rows (or columns) of a bilateral index: each country on its own (G is None) or
    a 0/1 CSR aggregation matrix, output row r = the countries c with G[r, c] == 1 together.
    Sparse products only: no BLAS call (its threads would compete with the kernels' OpenMP ones)."""

    def __init__(self, param, G, n):
        self.G = check_aggregation(param, G, n)
        sizes = np.full(n, 1) if self.G is None else np.diff(self.G.indptr)
        first = (np.arange(n) if self.G is None else
                 self.G.indices[np.minimum(self.G.indptr[:-1], max(len(self.G.indices) - 1, 0))])
        self.single = np.where(sizes == 1, first, -1)  # the country of a one-country row, else -1

    def __call__(self, A):
        """G @ A (A: n x ... values)."""
        return A if self.G is None else self.G @ A

    def others(self, A):
        """For each output row, A summed over the countries NOT in it (the rest of the world):
        the total less the row where the row is one country (an exact 0 where it is the only
        one), summed over the others for a group (no rounding residue in x_w - x_G)."""
        rest = A.sum(axis=0) - self(A)
        multi = np.flatnonzero(self.single < 0)
        if len(multi):
            rest[multi] = sp.csr_array(1.0 - self.G[multi].toarray()) @ A
        return rest


def _between(B, rows, cols):
    """(B @ K.T, R, K): the bilateral totals of every country with each output column (dense,
    C x K) and the two axes; R(B @ K.T) is the table between output rows and columns."""
    R, K = _Axis("rows", rows, B.shape[0]), _Axis("cols", cols, B.shape[1])
    return np.ascontiguousarray(K(_dense(B).T).T), R, K


def _self_pairs(R, K):
    """True where output row r and column k are the same single country (undefined: a country
    does not trade with itself)."""
    return (R.single[:, None] == K.single[None, :]) & (R.single[:, None] >= 0)


def trade_intensity(B, *, rows=None, cols=None, exclude_self=False):
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
    never modified.

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
    BK, R, K = _between(B, rows, cols)
    num, exports = R(BK), _row_sums(B)
    if exclude_self:  # the rest of the world: the other exporters
        to_col, world = R.others(BK), R.others(exports)
    else:
        to_col = K(np.asarray(B.sum(axis=0), dtype=np.float64).ravel())[None, :]
        world = np.full(num.shape[0], exports.sum())
    out = num * (_inverse(R(exports)) * world)[:, None] * _inverse(to_col)
    out[_self_pairs(R, K)] = np.nan
    return out


def partner_shares(B, *, rows=None, cols=None, scale=1.0):
    """Share of each row's exports going to each column: ``scale * x_ij / X_i``, with X_i the
    row's exports to all C countries (the world); rows and columns may be groups (0/1
    aggregation matrices as in :func:`trade_intensity`). Pass ``B.T`` for import shares.

    0/0 convention: NaN in a row without exports and for a country with itself.

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
    BK, R, K = _between(B, rows, cols)
    out = scale * R(BK) * _inverse(R(_row_sums(B)))[:, None]
    out[_self_pairs(R, K)] = np.nan
    return out


def hhi(A, *, normalized=False, scale=1.0, return_counts=False):
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
    (R,) float64 (and (R,) int64). 0/0 convention: NaN for a row without trade.

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
    if sp.issparse(A):
        A = sp.csr_array(A, dtype=np.float64)
        squares, counts = _row_sums(A.multiply(A)), _row_sums(A > 0).astype(np.int64)
    else:
        A = np.asarray(A, dtype=np.float64)
        squares, counts = np.einsum("ij,ij->i", A, A), np.count_nonzero(A, axis=1)
    h = squares * _inverse(_row_sums(A)) ** 2
    if normalized:
        inv_n = _inverse(counts.astype(np.float64))
        h = (h - inv_n) * _inverse(1.0 - inv_n)
    return (scale * h, counts) if return_counts else scale * h


def trade_specialisation(X, M):
    r"""Trade specialisation (normalised trade balance) of every cell:

    .. math:: TS_{cp} = \frac{x_{cp} - m_{cp}}{x_{cp} + m_{cp}}

    in [-1, 1]: 1 exports only, -1 imports only, 0 balanced. Its absolute value is one minus the
    Grubel-Lloyd index of the cell (scale 1): ``|TS| = 1 - GL``.

    Returns a dense (C, P) float64 array (a cell without trade either way is NaN, never 0, so a
    sparse result would store most cells). X and M (same shape, NumPy or scipy.sparse) are never
    modified.

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
    return (X - M) * _inverse(X + M)


def krugman(X, Y=None, *, dtype="float64", method="auto", n_threads=None):
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
    overlap = complementarity(X, X if Y is None else Y, scale=1.0, dtype=dtype, method=method,
                              n_threads=n_threads)
    return np.maximum(2.0 - 2.0 * overlap, 0.0)  # an overlap rounded above 1 is K = 0, not -1e-16


def regional_orientation(X_in, X_out):
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
    X_in, X_out = _dense(X_in), _dense(X_out)
    ratio_totals = _row_sums(X_out) * _inverse(_row_sums(X_in))
    return X_in * ratio_totals[:, None] * _inverse(X_out)
